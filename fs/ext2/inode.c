/*
 * ext2 inodes and file data. Inodes in use are cached per filesystem (so
 * hard links share one VFS inode). File data lives in the page cache; a
 * page is filled from the blocks the block map names (direct, single,
 * double and triple indirect; holes read as zeros), and writes go through
 * to the disk at once, allocating blocks on the way.
 */
#include "ext2.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "timer.h"

s64 generic_llseek(struct file *f, s64 off, int whence);

static const struct inode_ops ext2_file_iops, ext2_link_iops, ext2_special_iops;
static const struct file_ops ext2_file_fops;
extern const struct file_ops ext2_dir_fops;

static struct ext2_sb *ESB(struct inode *i)
{
	return i->sb->priv;
}

static struct ext2_inode_info *EI(struct inode *i)
{
	return i->priv;
}

/* ext4 extent trees (read-only): header, then index or leaf entries. */
struct ext4_extent_header {
	u16 magic, entries, max, depth;
	u32 generation;
} __attribute__((packed));

struct ext4_extent {
	u32 block;
	u16 len, start_hi;
	u32 start_lo;
} __attribute__((packed));

struct ext4_extent_idx {
	u32 block, leaf_lo;
	u16 leaf_hi, unused;
} __attribute__((packed));

static int extent_map(struct inode *i, u64 lblk, u32 *out)
{
	struct ext2_sb *es = ESB(i);
	const struct ext4_extent_header *h = (const void *)EI(i)->block;
	char *buf = NULL;
	int depth, rc = 0;

	*out = 0;
	for (depth = 0; depth < 6; depth++) {
		u32 k, n;

		if (h->magic != 0xF30A || h->entries > h->max) {
			rc = -EIO;
			break;
		}
		n = h->entries;
		if (h->depth == 0) {
			const struct ext4_extent *e = (const void *)(h + 1);

			for (k = 0; k < n; k++) {
				u32 len = e[k].len > 32768 ? e[k].len - 32768u : e[k].len;

				if (lblk >= e[k].block && lblk < (u64)e[k].block + len) {
					/* Unwritten extents read as zeros (a hole). */
					if (e[k].len <= 32768)
						*out = e[k].start_lo + (u32)(lblk - e[k].block);
					break;
				}
			}
			break;
		} else {
			const struct ext4_extent_idx *x = (const void *)(h + 1);
			u32 pick = n;

			for (k = 0; k < n; k++)
				if (x[k].block <= lblk)
					pick = k;
			if (pick == n)
				break; /* before the first extent: a hole */
			if (!buf) {
				buf = kmalloc(es->block_size);
				if (!buf)
					return -ENOMEM;
			}
			if (x[pick].leaf_lo >= es->s.blocks_count) {
				rc = -EIO;
				break;
			}
			rc = ext2_bread(es, x[pick].leaf_lo, buf);
			if (rc < 0)
				break;
			h = (const void *)buf;
		}
	}
	kfree(buf);
	return rc;
}

/*
 * Looks up (and with alloc, creates) the physical block of logical block
 * lblk. *out is 0 for a hole when not allocating.
 */
static int bmap(struct inode *i, u64 lblk, u32 *out, bool alloc)
{
	struct ext2_sb *es = ESB(i);
	u32 per = es->block_size / 4, idx[3], *slot, *tab = NULL, blk, tabblk = 0;
	u64 b = lblk;
	int depth, level, rc = 0;

	if (EI(i)->flags & EXT4_EXTENTS_FL) {
		if (alloc)
			return -EROFS;
		return extent_map(i, lblk, out);
	}
	if (b < 12) {
		depth = 0;
		slot = &EI(i)->block[b];
	} else if ((b -= 12) < per) {
		depth = 1;
		idx[0] = (u32)b;
		slot = &EI(i)->block[12];
	} else if ((b -= per) < (u64)per * per) {
		depth = 2;
		idx[0] = (u32)(b / per);
		idx[1] = (u32)(b % per);
		slot = &EI(i)->block[13];
	} else {
		b -= (u64)per * per;
		if (b >= (u64)per * per * per)
			return -EFBIG;
		depth = 3;
		idx[0] = (u32)(b / ((u64)per * per));
		idx[1] = (u32)((b / per) % per);
		idx[2] = (u32)(b % per);
		slot = &EI(i)->block[14];
	}
	blk = *slot;
	if (!blk && alloc) {
		blk = ext2_alloc_block(es, EI(i)->block[0]);
		if (!blk)
			return -ENOSPC;
		*slot = blk;
		i->blocks += es->block_size / 512;
		if (depth) {
			/* A new indirect block starts out empty. */
			tab = kzalloc(es->block_size);
			if (!tab)
				return -ENOMEM;
			rc = ext2_bwrite(es, blk, tab);
			if (rc < 0)
				goto out;
		}
	}
	for (level = 0; level < depth && blk; level++) {
		if (blk >= es->s.blocks_count) {
			rc = -EIO;
			goto out;
		}
		if (!tab) {
			tab = kmalloc(es->block_size);
			if (!tab)
				return -ENOMEM;
		}
		rc = ext2_bread(es, blk, tab);
		if (rc < 0)
			goto out;
		tabblk = blk;
		blk = tab[idx[level]];
		if (!blk && alloc) {
			blk = ext2_alloc_block(es, tabblk);
			if (!blk) {
				rc = -ENOSPC;
				goto out;
			}
			tab[idx[level]] = blk;
			i->blocks += es->block_size / 512;
			rc = ext2_bwrite(es, tabblk, tab);
			if (rc < 0)
				goto out;
			if (level + 1 < depth) {
				memset(tab, 0, es->block_size);
				rc = ext2_bwrite(es, blk, tab);
				if (rc < 0)
					goto out;
			}
		}
	}
	*out = blk;
out:
	kfree(tab);
	return rc;
}

#define READAHEAD_BLOCKS 32

/*
 * Sequential reads: when a read reaches a readahead window boundary, the
 * physically contiguous run of the next blocks is read in one I/O.
 */
static void file_readahead(struct inode *i, u64 lblk)
{
	struct ext2_sb *es = ESB(i);
	u64 last = (i->size + es->block_size - 1) / es->block_size;
	u32 first, n = 1, p;

	if (lblk % READAHEAD_BLOCKS || bmap(i, lblk, &first, false) < 0 || !first)
		return;
	while (n < READAHEAD_BLOCKS && lblk + n < last &&
	       bmap(i, lblk + n, &p, false) == 0 && p == first + n)
		n++;
	ext2_readahead(es, first, n);
}

/* Fills one page of the file from disk. */
static int read_page(struct inode *i, u64 index, void *buf)
{
	char *page = buf;
	struct ext2_sb *es = ESB(i);
	u32 per_page = (u32)(PAGE_SIZE / es->block_size), k;
	int rc;

	for (k = 0; k < per_page; k++) {
		u64 lblk = index * per_page + k;
		char *dst = page + (size_t)k * es->block_size;
		u32 pblk;

		if (lblk * es->block_size >= i->size) {
			memset(dst, 0, es->block_size);
			continue;
		}
		file_readahead(i, lblk);
		rc = bmap(i, lblk, &pblk, false);
		if (rc < 0)
			return rc;
		if (!pblk) {
			memset(dst, 0, es->block_size);
			continue;
		}
		if (pblk >= es->s.blocks_count)
			return -EIO;
		rc = ext2_bread(es, pblk, dst);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int ext2_getpage(struct inode *i, u64 index, bool create, u64 *frame)
{
	return pcache_getpage(i, index, read_page, frame);
}

/* Writes the blocks covering [pos, pos+len) from the page cache. */
int ext2_write_end(struct inode *i, u64 pos, size_t len)
{
	struct ext2_sb *es = ESB(i);
	u64 b, last = (pos + len - 1) / es->block_size;
	u32 per_page = (u32)(PAGE_SIZE / es->block_size);
	int rc;

	if (es->readonly)
		return -EROFS;
	for (b = pos / es->block_size; b <= last; b++) {
		u32 pblk;
		s64 f = pcache_find(i, b / per_page);

		if (f < 0)
			return -EIO;
		/* Hold the page: allocating blocks may reclaim memory. */
		page_get((u64)f);
		rc = bmap(i, b, &pblk, true);
		if (rc == 0)
			rc = ext2_bwrite(es, pblk, (char *)frame_to_virt((u64)f) +
							   (b % per_page) * es->block_size);
		page_put((u64)f);
		if (rc < 0)
			return rc;
	}
	rc = ext2_write_inode(i);
	ext2_bflush_old(es);
	return rc;
}

/* Reads (or writes, with write) inode ino's raw record. */
static int raw_inode(struct ext2_sb *es, u32 ino, struct ext2_inode *raw, bool write)
{
	u32 group = (ino - 1) / es->s.inodes_per_group;
	u32 index = (ino - 1) % es->s.inodes_per_group;
	u32 per_block = es->block_size / es->inode_size;
	u64 block = GD(es, group)->inode_table + index / per_block;
	u64 off = (u64)(index % per_block) * es->inode_size;
	char *buf = kmalloc(es->block_size);
	int rc;

	if (!buf)
		return -ENOMEM;
	rc = ext2_bread(es, block, buf);
	if (rc == 0) {
		if (write) {
			memcpy(buf + off, raw, sizeof(*raw));
			rc = ext2_bwrite(es, block, buf);
		} else {
			memcpy(raw, buf + off, sizeof(*raw));
		}
	}
	kfree(buf);
	return rc;
}

int ext2_write_inode(struct inode *i)
{
	struct ext2_sb *es = ESB(i);
	struct ext2_inode raw;
	int rc;

	if (es->readonly)
		return -EROFS;
	rc = raw_inode(es, (u32)i->ino, &raw, false);
	if (rc < 0)
		return rc;
	raw.mode = (u16)i->mode;
	raw.uid = (u16)i->uid;
	raw.uid_high = (u16)((u32)i->uid >> 16);
	raw.gid = (u16)i->gid;
	raw.gid_high = (u16)((u32)i->gid >> 16);
	raw.links_count = (u16)i->nlink;
	raw.size = (u32)i->size;
	if (S_ISREG(i->mode)) {
		raw.size_high = (u32)(i->size >> 32);
		if (i->size >> 31 && !(es->s.feature_ro_compat & EXT2_RO_COMPAT_LARGE_FILE)) {
			es->s.feature_ro_compat |= EXT2_RO_COMPAT_LARGE_FILE;
			es->super_dirty = true;
		}
	}
	raw.blocks = (u32)i->blocks;
	raw.atime = (u32)i->atime.sec;
	raw.mtime = (u32)i->mtime.sec;
	raw.ctime = (u32)i->ctime.sec;
	raw.dtime = EI(i)->dtime;
	raw.flags = EI(i)->flags;
	if (S_ISCHR(i->mode) || S_ISBLK(i->mode)) {
		u32 ma = DEV_MAJOR(i->rdev), mi = DEV_MINOR(i->rdev);

		memset(raw.block, 0, sizeof(raw.block));
		if (ma < 256 && mi < 256)
			raw.block[0] = ma << 8 | mi;
		else
			raw.block[1] = (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
	} else {
		memcpy(raw.block, EI(i)->block, sizeof(raw.block));
	}
	return raw_inode(es, (u32)i->ino, &raw, true);
}

void ext2_set_ops(struct inode *i)
{
	switch (i->mode & S_IFMT) {
	case S_IFREG:
		i->iops = &ext2_file_iops;
		i->fops = &ext2_file_fops;
		break;
	case S_IFDIR:
		i->iops = &ext2_dir_iops;
		i->fops = &ext2_dir_fops;
		break;
	case S_IFLNK:
		i->iops = &ext2_link_iops;
		break;
	default:
		i->iops = &ext2_special_iops;
		if (S_ISFIFO(i->mode)) {
			extern const struct file_ops fifo_fops;
			i->fops = &fifo_fops;
		}
	}
}

static struct inode *cached(struct ext2_sb *es, u32 ino)
{
	struct ext2_inode_info *ei;

	list_for_each_entry(ei, &es->inodes, node) {
		if (ei->inode->ino == ino) {
			inode_get(ei->inode);
			return ei->inode;
		}
	}
	return NULL;
}

static struct inode *new_vfs_inode(struct super_block *sb, u32 ino, u32 mode)
{
	struct ext2_sb *es = sb->priv;
	struct ext2_inode_info *ei = kzalloc(sizeof(*ei));
	struct inode *i = inode_alloc(sb, mode);

	if (!i || !ei) {
		kfree(ei);
		if (i) {
			i->priv = NULL;
			inode_put(i);
		}
		return NULL;
	}
	i->ino = ino;
	i->priv = ei;
	i->free_priv = true;
	ei->inode = i;
	list_add(&ei->node, &es->inodes);
	return i;
}

struct inode *ext2_iget(struct super_block *sb, u32 ino)
{
	struct ext2_sb *es = sb->priv;
	struct ext2_inode raw;
	struct inode *i;
	int rc;

	if (ino < 1 || ino > es->s.inodes_count)
		return ERR_PTR(-EIO);
	i = cached(es, ino);
	if (i)
		return i;
	rc = raw_inode(es, ino, &raw, false);
	if (rc < 0)
		return ERR_PTR(rc);
	i = new_vfs_inode(sb, ino, raw.mode);
	if (!i)
		return ERR_PTR(-ENOMEM);
	memcpy(EI(i)->block, raw.block, sizeof(raw.block));
	EI(i)->flags = raw.flags;
	EI(i)->dtime = raw.dtime;
	i->uid = raw.uid | ((u32)raw.uid_high << 16);
	i->gid = raw.gid | ((u32)raw.gid_high << 16);
	i->nlink = raw.links_count;
	i->size = raw.size | (S_ISREG(raw.mode) ? (u64)raw.size_high << 32 : 0);
	i->blocks = raw.blocks;
	i->atime.sec = raw.atime;
	i->mtime.sec = raw.mtime;
	i->ctime.sec = raw.ctime;
	i->atime.nsec = i->mtime.nsec = i->ctime.nsec = 0;
	i->btime = i->ctime;
	if (S_ISCHR(raw.mode) || S_ISBLK(raw.mode)) {
		u32 d = raw.block[0] ? raw.block[0] : raw.block[1];

		/* Old encoding in block[0], new one in block[1]. */
		if (raw.block[0])
			i->rdev = MKDEV((d >> 8) & 0xff, d & 0xff);
		else
			i->rdev = MKDEV((d & 0xfff00) >> 8, (d & 0xff) | ((d >> 12) & 0xfff00));
	}
	ext2_set_ops(i);
	return i;
}

struct inode *ext2_new_inode(struct inode *dir, u32 mode, u32 rdev)
{
	struct ext2_sb *es = ESB(dir);
	u32 ino = ext2_alloc_inode(es, (u32)dir->ino, S_ISDIR(mode));
	struct inode *i;
	struct ext2_inode raw;

	if (!ino)
		return ERR_PTR(-ENOSPC);
	es->super_dirty = true;
	i = new_vfs_inode(dir->sb, ino, mode);
	if (!i) {
		ext2_free_inode(es, ino, S_ISDIR(mode));
		return ERR_PTR(-ENOMEM);
	}
	i->uid = current ? current->fsuid : 0;
	i->gid = current ? current->fsgid : 0;
	if (dir->mode & S_ISGID) {
		i->gid = dir->gid;
		if (S_ISDIR(mode))
			i->mode |= S_ISGID;
	}
	i->rdev = rdev;
	i->nlink = 1;
	i->size = 0;
	i->blocks = 0;
	ext2_set_ops(i);
	/* A fresh record: the old one may hold a deleted inode's remains. */
	memset(&raw, 0, sizeof(raw));
	if (raw_inode(es, ino, &raw, true) < 0 || ext2_write_inode(i) < 0) {
		inode_put(i);
		return ERR_PTR(-EIO);
	}
	return i;
}

/*
 * Frees the blocks of a (sub)tree of the block map that lie at or beyond
 * logical block from; base is the first logical block the tree covers.
 * Returns true when the whole tree was freed (the caller clears its slot).
 */
static bool free_tree(struct inode *i, u32 blk, int depth, u64 base, u64 from)
{
	struct ext2_sb *es = ESB(i);
	u32 per = es->block_size / 4, *tab, k;
	u64 span = 1, sub;
	bool all = true, dirty = false;

	if (!blk || blk >= es->s.blocks_count)
		return true;
	if (depth == 0) {
		if (base < from)
			return false;
		ext2_free_block(es, blk);
		i->blocks -= es->block_size / 512;
		return true;
	}
	for (k = 1; k < (u32)depth; k++)
		span *= per;
	if (base + span * per <= from)
		return false;
	tab = kmalloc(es->block_size);
	if (!tab || ext2_bread(es, blk, tab) < 0) {
		kfree(tab);
		return false;
	}
	for (k = 0; k < per; k++) {
		sub = base + span * k;
		if (!tab[k])
			continue;
		if (free_tree(i, tab[k], depth - 1, sub, from)) {
			tab[k] = 0;
			dirty = true;
		} else {
			all = false;
		}
	}
	if (all && base >= from) {
		ext2_free_block(es, blk);
		i->blocks -= es->block_size / 512;
	} else {
		all = false;
		if (dirty)
			ext2_bwrite(es, blk, tab);
	}
	kfree(tab);
	return all;
}

int ext2_truncate(struct inode *i, u64 size)
{
	struct ext2_sb *es = ESB(i);
	u32 per = es->block_size / 4;
	u64 from = (size + es->block_size - 1) / es->block_size, k;
	u64 base1 = 12, base2 = base1 + per, base3 = base2 + (u64)per * per;

	if (es->readonly)
		return -EROFS;
	if (size < i->size) {
		s64 f;

		mm_truncate_mappings(i, ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT);
		pcache_truncate(i, ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT);
		/* The rest of the last page must read as zeros later. */
		if ((size & ~PAGE_MASK) && (f = pcache_find(i, size >> PAGE_SHIFT)) >= 0) {
			memset((char *)frame_to_virt((u64)f) + (size & ~PAGE_MASK), 0,
			       PAGE_SIZE - (size & ~PAGE_MASK));
			if (size % es->block_size)
				ext2_write_end(i, size, es->block_size - size % es->block_size);
		}
		for (k = from; k < 12; k++) {
			if (EI(i)->block[k]) {
				free_tree(i, EI(i)->block[k], 0, k, from);
				EI(i)->block[k] = 0;
			}
		}
		if (free_tree(i, EI(i)->block[12], 1, base1, from))
			EI(i)->block[12] = 0;
		if (free_tree(i, EI(i)->block[13], 2, base2, from))
			EI(i)->block[13] = 0;
		if (free_tree(i, EI(i)->block[14], 3, base3, from))
			EI(i)->block[14] = 0;
		es->super_dirty = true;
	}
	i->size = size;
	inode_touch(i, true, true);
	return ext2_write_inode(i);
}

int ext2_setattr(struct dentry *d, struct iattr_k *a)
{
	struct inode *i = d->inode;
	int rc;

	if (ESB(i)->readonly)
		return -EROFS;
	if (a->valid & ATTR_SIZE) {
		if (!S_ISREG(i->mode))
			return -EINVAL;
		rc = ext2_truncate(i, a->size);
		if (rc < 0)
			return rc;
	}
	setattr_copy(i, a);
	return ext2_write_inode(i);
}

int ext2_sync_inode(struct inode *i)
{
	struct ext2_sb *es = ESB(i);

	if (!es->readonly && es->super_dirty) {
		es->super_dirty = false;
		ext2_write_super(es);
	}
	return ext2_bflush(es, true);
}

/* The last user is gone: a file with no names left is deleted now. */
void ext2_evict(struct inode *i)
{
	struct ext2_sb *es = ESB(i);
	struct ext2_inode_info *ei = EI(i);

	if (!ei)
		return;
	if (i->nlink == 0 && !es->readonly && i->ino != EXT2_ROOT_INO) {
		if (S_ISREG(i->mode) || S_ISDIR(i->mode) ||
		    (S_ISLNK(i->mode) && i->blocks))
			ext2_truncate(i, 0);
		ei->dtime = (u32)(ktime_real_ns() / NSEC_PER_SEC);
		ext2_write_inode(i);
		ext2_free_inode(es, (u32)i->ino, S_ISDIR(i->mode));
		es->super_dirty = true;
	}
	list_del(&ei->node);
}

static int ext2_readlink(struct dentry *d, char *buf, size_t len)
{
	struct inode *i = d->inode;
	size_t n = MIN((size_t)i->size, len);
	u64 frame;
	int rc;

	if (i->size < 60 && i->blocks == 0) {
		/* A fast symlink: the target is in the block map. */
		memcpy(buf, EI(i)->block, n);
		return (int)n;
	}
	rc = ext2_getpage(i, 0, false, &frame);
	if (rc < 0)
		return rc;
	memcpy(buf, frame_to_virt(frame), MIN(n, PAGE_SIZE));
	page_put(frame);
	return (int)MIN(n, PAGE_SIZE);
}

/* Stores a symlink target: in the block map if short, else in a block. */
int ext2_set_link(struct inode *i, const char *target)
{
	size_t n = strlen(target);

	if (n < 60) {
		memcpy(EI(i)->block, target, n);
		i->size = n;
		return ext2_write_inode(i);
	}
	{
		u64 pos = 0;
		struct file tmp = { 0 };
		struct uio u;

		tmp.inode = i;
		uio_init_kernel(&u, (void *)target, n);
		return pcache_write(&tmp, &u, &pos) == (ssize_t)n ? 0 : -EIO;
	}
}

int ext2_read_root(struct super_block *sb)
{
	struct ext2_sb *es = sb->priv;
	struct inode *i;

	list_init(&es->inodes);
	i = ext2_iget(sb, EXT2_ROOT_INO);
	if (IS_ERR(i))
		return (int)PTR_ERR(i);
	if (!S_ISDIR(i->mode)) {
		inode_put(i);
		printk(KERN_ERR "ext2: root inode is not a directory\n");
		return -EINVAL;
	}
	sb->root = dentry_alloc(NULL, "/", 1);
	if (!sb->root) {
		inode_put(i);
		return -ENOMEM;
	}
	sb->root->sb = sb;
	sb->root->inode = i;
	return 0;
}

static int ext2_fsync(struct file *f)
{
	return ext2_sync_inode(f->inode);
}

static const struct inode_ops ext2_file_iops = {
	.getpage = ext2_getpage,
	.setattr = ext2_setattr,
	.truncate = ext2_truncate,
	.write_end = ext2_write_end,
	.evict = ext2_evict,
	.sync = ext2_sync_inode,
};
static const struct inode_ops ext2_link_iops = { .readlink = ext2_readlink,
						 .setattr = ext2_setattr,
						 .getpage = ext2_getpage,
						 .write_end = ext2_write_end,
						 .evict = ext2_evict };
static const struct inode_ops ext2_special_iops = { .setattr = ext2_setattr,
						    .evict = ext2_evict };
static const struct file_ops ext2_file_fops = { .read = pcache_read,
						.write = pcache_write,
						.llseek = generic_llseek,
						.fsync = ext2_fsync };
