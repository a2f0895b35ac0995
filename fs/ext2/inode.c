/*
 * ext2 inodes, files, directories and symlinks (reading). File data goes
 * through the page cache: a page is filled from the blocks the inode's
 * block map (direct, indirect, double and triple indirect) names; holes
 * read as zeros.
 */
#include "ext2.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"

int ext2_bread(struct ext2_sb *es, u64 nr, void *buf);
s64 generic_llseek(struct file *f, s64 off, int whence);

static const struct inode_ops ext2_file_iops, ext2_dir_iops, ext2_link_iops,
	ext2_special_iops;
static const struct file_ops ext2_file_fops, ext2_dir_fops;

static struct ext2_sb *ESB(struct inode *i)
{
	return i->sb->priv;
}

static struct ext2_inode_info *EI(struct inode *i)
{
	return i->priv;
}

/* Physical block of logical block lblk of the inode, 0 for a hole. */
static int bmap(struct inode *i, u64 lblk, u32 *out)
{
	struct ext2_sb *es = ESB(i);
	u32 per = es->block_size / 4, *tab, level, idx[4];
	u64 b = lblk;
	int depth, rc;
	u32 blk;

	if (b < 12) {
		*out = EI(i)->block[b];
		return 0;
	}
	b -= 12;
	if (b < per) {
		depth = 1;
		idx[0] = (u32)b;
		blk = EI(i)->block[12];
	} else if ((b -= per) < (u64)per * per) {
		depth = 2;
		idx[0] = (u32)(b / per);
		idx[1] = (u32)(b % per);
		blk = EI(i)->block[13];
	} else {
		b -= (u64)per * per;
		if (b >= (u64)per * per * per)
			return -EFBIG;
		depth = 3;
		idx[0] = (u32)(b / ((u64)per * per));
		idx[1] = (u32)((b / per) % per);
		idx[2] = (u32)(b % per);
		blk = EI(i)->block[14];
	}
	tab = kmalloc(es->block_size);
	if (!tab)
		return -ENOMEM;
	for (level = 0; level < (u32)depth && blk; level++) {
		if (blk >= es->s.blocks_count) {
			kfree(tab);
			return -EIO;
		}
		rc = ext2_bread(es, blk, tab);
		if (rc < 0) {
			kfree(tab);
			return rc;
		}
		blk = tab[idx[level]];
	}
	kfree(tab);
	*out = blk;
	return 0;
}

/* Fills one page of the file from disk. */
static int read_page(struct inode *i, u64 index, char *page)
{
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
		rc = bmap(i, lblk, &pblk);
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

static int ext2_getpage(struct inode *i, u64 index, bool create, u64 *frame)
{
	s64 f = pcache_find(i, index);
	int rc;

	if (f < 0) {
		f = page_alloc(false);
		if (f < 0)
			return -ENOMEM;
		rc = read_page(i, index, frame_to_virt((u64)f));
		if (rc == 0)
			rc = pcache_insert(i, index, (u64)f);
		if (rc < 0) {
			page_put((u64)f);
			return rc;
		}
	}
	page_get((u64)f);
	*frame = (u64)f;
	return 0;
}

/* Reads inode ino from the inode table into a new VFS inode. */
struct inode *ext2_iget(struct super_block *sb, u32 ino)
{
	struct ext2_sb *es = sb->priv;
	struct ext2_inode_info *ei;
	struct ext2_inode raw;
	struct inode *i;
	u32 group, index, per_block;
	u64 block, off;
	char *buf;
	int rc;

	if (ino < 1 || ino > es->s.inodes_count)
		return ERR_PTR(-EIO);
	group = (ino - 1) / es->s.inodes_per_group;
	index = (ino - 1) % es->s.inodes_per_group;
	per_block = es->block_size / es->inode_size;
	block = es->gd[group].inode_table + index / per_block;
	off = (u64)(index % per_block) * es->inode_size;
	buf = kmalloc(es->block_size);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	rc = ext2_bread(es, block, buf);
	if (rc < 0) {
		kfree(buf);
		return ERR_PTR(rc);
	}
	memcpy(&raw, buf + off, sizeof(raw));
	kfree(buf);
	i = inode_alloc(sb, raw.mode);
	ei = kzalloc(sizeof(*ei));
	if (!i || !ei) {
		inode_put(i);
		kfree(ei);
		return ERR_PTR(-ENOMEM);
	}
	i->ino = ino;
	i->priv = ei;
	i->free_priv = true;
	memcpy(ei->block, raw.block, sizeof(ei->block));
	ei->flags = raw.flags;
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
	switch (raw.mode & S_IFMT) {
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
	case S_IFCHR:
	case S_IFBLK: {
		u32 d = raw.block[0] ? raw.block[0] : raw.block[1];

		/* Old encoding in block[0], new one in block[1]. */
		if (raw.block[0])
			i->rdev = MKDEV((d >> 8) & 0xff, d & 0xff);
		else
			i->rdev = MKDEV((d & 0xfff00) >> 8, (d & 0xff) | ((d >> 12) & 0xfff00));
		i->iops = &ext2_special_iops;
		break;
	}
	default:
		i->iops = &ext2_special_iops;
		if (S_ISFIFO(raw.mode)) {
			extern const struct file_ops fifo_fops;
			i->fops = &fifo_fops;
		}
		break;
	}
	return i;
}

/* Walks the directory's entries; fn returns non-zero to stop. */
static int dir_walk(struct inode *dir, u64 start,
		    int (*fn)(void *arg, const struct ext2_dirent *d, u64 pos), void *arg)
{
	u64 pos = start;

	while (pos < dir->size) {
		u64 frame;
		char *page;
		size_t off;
		int rc = ext2_getpage(dir, pos >> PAGE_SHIFT, false, &frame);

		if (rc < 0)
			return rc;
		page = frame_to_virt(frame);
		off = pos & ~PAGE_MASK;
		while (off < PAGE_SIZE && pos < dir->size) {
			const struct ext2_dirent *d = (const void *)(page + off);

			if (off + 8 > PAGE_SIZE || d->rec_len < 8 || (d->rec_len & 3) ||
			    off + d->rec_len > PAGE_SIZE || d->name_len + 8u > d->rec_len) {
				page_put(frame);
				printk(KERN_ERR "ext2: corrupt directory entry in inode %llu\n",
				       (unsigned long long)dir->ino);
				return -EIO;
			}
			if (d->inode) {
				rc = fn(arg, d, pos);
				if (rc) {
					page_put(frame);
					return rc;
				}
			}
			off += d->rec_len;
			pos += d->rec_len;
		}
		page_put(frame);
	}
	return 0;
}

struct find_ctx {
	const char *name;
	int len;
	u32 ino;
};

static int find_fn(void *arg, const struct ext2_dirent *d, u64 pos)
{
	struct find_ctx *c = arg;

	if (d->name_len == c->len && !memcmp(d->name, c->name, (size_t)c->len)) {
		c->ino = d->inode;
		return 1;
	}
	return 0;
}

static int ext2_lookup(struct dentry *dir, struct dentry *child)
{
	struct find_ctx c = { child->name, child->namelen, 0 };
	struct inode *i;
	int rc = dir_walk(dir->inode, 0, find_fn, &c);

	if (rc < 0)
		return rc;
	if (!c.ino)
		return -ENOENT;
	i = ext2_iget(dir->sb, c.ino);
	if (IS_ERR(i))
		return (int)PTR_ERR(i);
	child->inode = i;
	dentry_hash(child);
	return 0;
}

struct iter_ctx {
	struct dir_ctx *ctx;
	u64 next;
};

static int iter_fn(void *arg, const struct ext2_dirent *d, u64 pos)
{
	struct iter_ctx *c = arg;
	static const u8 types[8] = { 0, 8, 4, 2, 6, 1, 12, 10 };

	if (!c->ctx->emit(c->ctx, d->name, d->name_len, d->inode,
			  d->file_type < 8 ? types[d->file_type] : 0))
		return 1;
	c->ctx->pos = pos + d->rec_len;
	return 0;
}

static int ext2_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct iter_ctx c = { ctx, 0 };
	int rc = dir_walk(f->inode, ctx->pos, iter_fn, &c);

	return rc < 0 ? rc : 0;
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

int ext2_read_root(struct super_block *sb)
{
	struct inode *i = ext2_iget(sb, EXT2_ROOT_INO);

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

static const struct inode_ops ext2_file_iops = { .getpage = ext2_getpage };
static const struct inode_ops ext2_dir_iops = { .lookup = ext2_lookup,
						.getpage = ext2_getpage };
static const struct inode_ops ext2_link_iops = { .readlink = ext2_readlink };
static const struct inode_ops ext2_special_iops = { 0 };
static const struct file_ops ext2_file_fops = { .read = pcache_read,
						.llseek = generic_llseek };
static const struct file_ops ext2_dir_fops = { .iterate = ext2_iterate,
					       .llseek = generic_llseek };
