/*
 * ext2 directories: linear lists of entries in the directory's blocks
 * (hashed directories are read the same way). Lookups, readdir, and the
 * namespace operations that add and remove entries.
 */
#include "ext2.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"

s64 generic_llseek(struct file *f, s64 off, int whence);
int ext2_set_link(struct inode *i, const char *target);

static struct ext2_sb *ESB(struct inode *i)
{
	return i->sb->priv;
}

#define DIRENT_LEN(n) ALIGN_UP(8u + (u32)(n), 4u)

static u8 ftype(u32 mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return 1;
	case S_IFDIR: return 2;
	case S_IFCHR: return 3;
	case S_IFBLK: return 4;
	case S_IFIFO: return 5;
	case S_IFSOCK: return 6;
	case S_IFLNK: return 7;
	}
	return 0;
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

#define EXT2_INDEX_FL 0x1000

/*
 * We keep directories linear: a hashed (htree) directory loses its index
 * when we change it, as Linux's ext2 does, so the index never goes stale.
 */
static void drop_index(struct inode *dir)
{
	struct ext2_inode_info *ei = dir->priv;

	if (ei->flags & EXT2_INDEX_FL) {
		ei->flags &= ~(u32)EXT2_INDEX_FL;
		ext2_write_inode(dir);
	}
}

/* Adds name -> ino to dir, reusing slack in an entry or a new block. */
static int add_entry(struct inode *dir, const char *name, int len, u32 ino, u32 mode)
{
	struct ext2_sb *es = ESB(dir);
	u32 need = DIRENT_LEN(len), bs = es->block_size;
	u64 pos;
	int rc;

	drop_index(dir);
	for (pos = 0; pos < dir->size; pos += bs) {
		u64 frame;
		char *page, *blk;
		u32 off = 0;

		rc = ext2_getpage(dir, pos >> PAGE_SHIFT, false, &frame);
		if (rc < 0)
			return rc;
		page = frame_to_virt(frame);
		blk = page + (pos & ~PAGE_MASK);
		while (off < bs) {
			struct ext2_dirent *d = (void *)(blk + off);
			u32 used = d->inode ? DIRENT_LEN(d->name_len) : 0;

			if (d->rec_len < 8 || off + d->rec_len > bs) {
				page_put(frame);
				return -EIO;
			}
			if (d->rec_len - used >= need) {
				struct ext2_dirent *n = d;

				if (used) {
					n = (void *)(blk + off + used);
					n->rec_len = (u16)(d->rec_len - used);
					d->rec_len = (u16)used;
				}
				n->inode = ino;
				n->name_len = (u8)len;
				n->file_type = (es->s.feature_incompat & EXT2_INCOMPAT_FILETYPE) ?
						       ftype(mode) : 0;
				memcpy(n->name, name, (size_t)len);
				page_put(frame);
				rc = ext2_write_end(dir, pos, bs);
				inode_touch(dir, true, true);
				return rc < 0 ? rc : ext2_write_inode(dir);
			}
			off += d->rec_len;
		}
		page_put(frame);
	}
	/* No room: a new block at the end of the directory. */
	{
		u64 frame;
		struct ext2_dirent *n;
		char *blk;

		rc = ext2_getpage(dir, pos >> PAGE_SHIFT, true, &frame);
		if (rc < 0)
			return rc;
		blk = (char *)frame_to_virt(frame) + (pos & ~PAGE_MASK);
		memset(blk, 0, bs);
		n = (void *)blk;
		n->inode = ino;
		n->rec_len = (u16)bs;
		n->name_len = (u8)len;
		n->file_type = (es->s.feature_incompat & EXT2_INCOMPAT_FILETYPE) ? ftype(mode) : 0;
		memcpy(n->name, name, (size_t)len);
		page_put(frame);
		dir->size = pos + bs;
		rc = ext2_write_end(dir, pos, bs);
		inode_touch(dir, true, true);
		return rc < 0 ? rc : ext2_write_inode(dir);
	}
}

/* Removes name from dir (merging its space into the previous entry). */
static int remove_entry(struct inode *dir, const char *name, int len)
{
	u32 bs = ESB(dir)->block_size;
	u64 pos;
	int rc;

	drop_index(dir);
	for (pos = 0; pos < dir->size; pos += bs) {
		u64 frame;
		char *blk;
		u32 off = 0, prev = 0;
		bool have_prev = false;

		rc = ext2_getpage(dir, pos >> PAGE_SHIFT, false, &frame);
		if (rc < 0)
			return rc;
		blk = (char *)frame_to_virt(frame) + (pos & ~PAGE_MASK);
		while (off < bs) {
			struct ext2_dirent *d = (void *)(blk + off);

			if (d->rec_len < 8 || off + d->rec_len > bs)
				break;
			if (d->inode && d->name_len == len && !memcmp(d->name, name, (size_t)len)) {
				if (have_prev) {
					struct ext2_dirent *p = (void *)(blk + prev);

					p->rec_len = (u16)(p->rec_len + d->rec_len);
				} else {
					d->inode = 0;
				}
				page_put(frame);
				rc = ext2_write_end(dir, pos, bs);
				inode_touch(dir, true, true);
				return rc < 0 ? rc : ext2_write_inode(dir);
			}
			prev = off;
			have_prev = true;
			off += d->rec_len;
		}
		page_put(frame);
	}
	return -ENOENT;
}

static int empty_fn(void *arg, const struct ext2_dirent *d, u64 pos)
{
	if ((d->name_len == 1 && d->name[0] == '.') ||
	    (d->name_len == 2 && d->name[0] == '.' && d->name[1] == '.'))
		return 0;
	return 1;
}

static bool dir_is_empty(struct inode *dir)
{
	return dir_walk(dir, 0, empty_fn, NULL) == 0;
}

static int ext2_create(struct dentry *dir, struct dentry *child, u32 mode, u32 rdev)
{
	struct inode *di = dir->inode, *i;
	int rc;

	if (ESB(di)->readonly)
		return -EROFS;
	if (child->namelen > 255)
		return -ENAMETOOLONG;
	i = ext2_new_inode(di, mode, rdev);
	if (IS_ERR(i))
		return (int)PTR_ERR(i);
	if (S_ISDIR(mode)) {
		/* "." and ".." in the first block. */
		i->nlink = 2;
		rc = add_entry(i, ".", 1, (u32)i->ino, S_IFDIR);
		if (rc == 0)
			rc = add_entry(i, "..", 2, (u32)di->ino, S_IFDIR);
		if (rc < 0)
			goto fail;
		di->nlink++;
		ext2_write_inode(di);
	}
	rc = add_entry(di, child->name, child->namelen, (u32)i->ino, mode);
	if (rc < 0)
		goto fail;
	child->inode = i;
	dentry_hash(child);
	return 0;
fail:
	i->nlink = 0;
	inode_put(i);
	return rc;
}

static int ext2_link(struct dentry *old, struct dentry *dir, struct dentry *child)
{
	struct inode *i = old->inode;
	int rc;

	if (ESB(i)->readonly)
		return -EROFS;
	if (i->nlink >= 65000)
		return -EMLINK;
	rc = add_entry(dir->inode, child->name, child->namelen, (u32)i->ino, i->mode);
	if (rc < 0)
		return rc;
	i->nlink++;
	inode_touch(i, false, true);
	ext2_write_inode(i);
	inode_get(i);
	child->inode = i;
	dentry_hash(child);
	return 0;
}

static int ext2_unlink(struct dentry *dir, struct dentry *d)
{
	struct inode *i = d->inode;
	int rc = remove_entry(dir->inode, d->name, d->namelen);

	if (rc < 0)
		return rc;
	i->nlink--;
	inode_touch(i, false, true);
	ext2_write_inode(i);
	dentry_unhash(d);
	return 0;
}

static int ext2_rmdir(struct dentry *dir, struct dentry *d)
{
	struct inode *i = d->inode;
	int rc;

	if (!dir_is_empty(i))
		return -ENOTEMPTY;
	rc = remove_entry(dir->inode, d->name, d->namelen);
	if (rc < 0)
		return rc;
	i->nlink = 0;
	ext2_write_inode(i);
	dir->inode->nlink--;
	ext2_write_inode(dir->inode);
	dentry_unhash(d);
	return 0;
}

static int ext2_symlink(struct dentry *dir, struct dentry *child, const char *target)
{
	struct inode *i;
	int rc;

	if (ESB(dir->inode)->readonly)
		return -EROFS;
	if (strlen(target) >= ESB(dir->inode)->block_size)
		return -ENAMETOOLONG;
	i = ext2_new_inode(dir->inode, S_IFLNK | 0777, 0);
	if (IS_ERR(i))
		return (int)PTR_ERR(i);
	rc = ext2_set_link(i, target);
	if (rc == 0)
		rc = add_entry(dir->inode, child->name, child->namelen, (u32)i->ino, i->mode);
	if (rc < 0) {
		i->nlink = 0;
		inode_put(i);
		return rc;
	}
	child->inode = i;
	dentry_hash(child);
	return 0;
}

/* Points a moved directory's ".." at its new parent. */
static int set_dotdot(struct inode *dir, u32 parent)
{
	u64 frame;
	struct ext2_dirent *dot, *dotdot;
	int rc = ext2_getpage(dir, 0, false, &frame);

	if (rc < 0)
		return rc;
	dot = frame_to_virt(frame);
	dotdot = (void *)((char *)dot + dot->rec_len);
	if (dot->rec_len < 12 || dotdot->name_len != 2) {
		page_put(frame);
		return -EIO;
	}
	dotdot->inode = parent;
	page_put(frame);
	return ext2_write_end(dir, 0, ESB(dir)->block_size);
}

static int ext2_rename(struct dentry *odir, struct dentry *old, struct dentry *ndir,
		       struct dentry *new, unsigned flags)
{
	struct inode *i = old->inode;
	bool isdir = S_ISDIR(i->mode);
	char *name;
	int rc;

	if (ESB(i)->readonly)
		return -EROFS;
	if (flags)
		return -EINVAL; /* RENAME_EXCHANGE: not on ext2 yet */
	if (new->inode) {
		rc = S_ISDIR(new->inode->mode) ? ext2_rmdir(ndir, new) : ext2_unlink(ndir, new);
		if (rc < 0)
			return rc;
	}
	rc = add_entry(ndir->inode, new->name, new->namelen, (u32)i->ino, i->mode);
	if (rc < 0)
		return rc;
	rc = remove_entry(odir->inode, old->name, old->namelen);
	if (rc < 0)
		return rc;
	if (isdir && odir != ndir) {
		set_dotdot(i, (u32)ndir->inode->ino);
		odir->inode->nlink--;
		ndir->inode->nlink++;
		ext2_write_inode(odir->inode);
		ext2_write_inode(ndir->inode);
	}
	inode_touch(i, false, true);
	ext2_write_inode(i);
	/* Move the cached name. */
	name = kstrndup(new->name, (size_t)new->namelen);
	if (!name)
		return -ENOMEM;
	dentry_move(old, name, new->namelen, ndir);
	return 0;
}

const struct inode_ops ext2_dir_iops = {
	.lookup = ext2_lookup,
	.getpage = ext2_getpage,
	.create = ext2_create,
	.link = ext2_link,
	.unlink = ext2_unlink,
	.rmdir = ext2_rmdir,
	.rename = ext2_rename,
	.symlink = ext2_symlink,
	.setattr = ext2_setattr,
	.write_end = ext2_write_end,
	.evict = ext2_evict,
	.sync = ext2_sync_inode,
};

static int ext2_dir_fsync(struct file *f)
{
	return ext2_sync_inode(f->inode);
}

const struct file_ops ext2_dir_fops = { .iterate = ext2_iterate,
					.llseek = generic_llseek,
					.fsync = ext2_dir_fsync };
