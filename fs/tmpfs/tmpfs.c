/*
 * tmpfs: files live in the page cache, directories are the dentry tree.
 * Also the root filesystem (filled from the initramfs) and the backing of
 * shared anonymous memory.
 */
#include <linux/magic.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"

static const struct inode_ops tmpfs_iops;
static const struct file_ops tmpfs_file_fops;
extern const struct file_ops tmpfs_dir_fops;
s64 generic_llseek(struct file *f, s64 off, int whence);
int simple_iterate(struct file *f, struct dir_ctx *ctx);

static struct super_block *shm_sb;

static int tmpfs_getpage(struct inode *i, u64 index, bool create, u64 *frame)
{
	s64 f = pcache_find(i, index);
	int rc;

	if (f < 0) {
		if (!create)
			return -ENOENT;
		f = page_alloc(true);
		if (f < 0)
			return -ENOMEM;
		rc = pcache_insert(i, index, (u64)f);
		if (rc < 0) {
			page_put((u64)f);
			return rc;
		}
		page_map[f].flags |= PG_SHMEM;
		mem_shmem_pages++;
		i->blocks += 8;
		/* The cache's reference stays; the caller gets another. */
	}
	page_get((u64)f);
	*frame = (u64)f;
	return 0;
}

static int tmpfs_truncate(struct inode *i, u64 size)
{
	if (size < i->size) {
		pcache_shrink(i, size);
		i->blocks = i->npages * 8;
	}
	i->size = size;
	return 0;
}

static struct inode *tmpfs_inode(struct super_block *sb, u32 mode, u32 rdev)
{
	struct inode *i = inode_alloc(sb, mode);

	if (!i)
		return NULL;
	i->iops = &tmpfs_iops;
	i->uid = current ? current->fsuid : 0;
	i->gid = current ? current->fsgid : 0;
	if (S_ISREG(mode))
		i->fops = &tmpfs_file_fops;
	else if (S_ISDIR(mode)) {
		i->fops = &tmpfs_dir_fops;
		i->nlink = 2;
		i->size = 4096;
	} else if (S_ISCHR(mode) || S_ISBLK(mode))
		i->rdev = rdev;
	return i;
}

static int tmpfs_create(struct dentry *dir, struct dentry *d, u32 mode, u32 rdev)
{
	struct inode *i = tmpfs_inode(dir->sb, mode, rdev);

	if (!i)
		return -ENOMEM;
	if (S_ISFIFO(mode)) {
		extern const struct file_ops fifo_fops;
		i->fops = &fifo_fops;
	}
	d->inode = i;
	dentry_hash(d);
	if (S_ISDIR(mode))
		dir->inode->nlink++;
	inode_touch(dir->inode, true, true);
	return 0;
}

static int tmpfs_symlink(struct dentry *dir, struct dentry *d, const char *target)
{
	struct inode *i = tmpfs_inode(dir->sb, S_IFLNK | 0777, 0);

	if (!i)
		return -ENOMEM;
	i->symlink = kstrdup(target);
	if (!i->symlink) {
		inode_put(i);
		return -ENOMEM;
	}
	i->size = strlen(target);
	d->inode = i;
	dentry_hash(d);
	inode_touch(dir->inode, true, true);
	return 0;
}

static int tmpfs_readlink(struct dentry *d, char *buf, size_t len)
{
	size_t n = strlen(d->inode->symlink);

	if (n > len)
		n = len;
	memcpy(buf, d->inode->symlink, n);
	return (int)n;
}

static int tmpfs_link(struct dentry *old, struct dentry *dir, struct dentry *d)
{
	d->inode = old->inode;
	inode_get(d->inode);
	d->inode->nlink++;
	inode_touch(d->inode, false, true);
	dentry_hash(d);
	return 0;
}

static bool dir_empty(struct dentry *d)
{
	struct dentry *c;

	list_for_each_entry(c, &d->children, sibling)
		if (c->inode)
			return false;
	return true;
}

static int tmpfs_unlink(struct dentry *dir, struct dentry *d)
{
	d->inode->nlink--;
	inode_touch(d->inode, false, true);
	inode_touch(dir->inode, true, true);
	dentry_unhash(d);
	return 0;
}

static int tmpfs_rmdir(struct dentry *dir, struct dentry *d)
{
	if (!dir_empty(d))
		return -ENOTEMPTY;
	d->inode->nlink = 0;
	dir->inode->nlink--;
	inode_touch(dir->inode, true, true);
	dentry_unhash(d);
	return 0;
}

static int tmpfs_exchange(struct dentry *odir, struct dentry *a, struct dentry *ndir,
			  struct dentry *b)
{
	char *na = kstrndup(b->name, (size_t)b->namelen);
	char *nb = kstrndup(a->name, (size_t)a->namelen);
	int la = b->namelen, lb = a->namelen;

	if (!na || !nb) {
		kfree(na);
		kfree(nb);
		return -ENOMEM;
	}
	if (odir != ndir && S_ISDIR(a->inode->mode) != S_ISDIR(b->inode->mode)) {
		if (S_ISDIR(a->inode->mode)) {
			odir->inode->nlink--;
			ndir->inode->nlink++;
		} else {
			ndir->inode->nlink--;
			odir->inode->nlink++;
		}
	}
	dentry_move(a, na, la, ndir);
	dentry_move(b, nb, lb, odir);
	inode_touch(a->inode, false, true);
	inode_touch(b->inode, false, true);
	inode_touch(odir->inode, true, true);
	inode_touch(ndir->inode, true, true);
	return 0;
}

static int tmpfs_rename(struct dentry *odir, struct dentry *old,
			struct dentry *ndir, struct dentry *new, unsigned flags)
{
	char *name;
	bool isdir = S_ISDIR(old->inode->mode);

	if (flags & 2 /* RENAME_EXCHANGE */)
		return tmpfs_exchange(odir, old, ndir, new);

	if (new->inode) {
		int rc;

		if (S_ISDIR(new->inode->mode)) {
			if (!isdir)
				return -EISDIR;
			rc = tmpfs_rmdir(ndir, new);
		} else {
			if (isdir)
				return -ENOTDIR;
			rc = tmpfs_unlink(ndir, new);
		}
		if (rc < 0)
			return rc;
	}
	name = kstrndup(new->name, (size_t)new->namelen);
	if (!name)
		return -ENOMEM;
	if (old->parent != ndir && isdir) {
		odir->inode->nlink--;
		ndir->inode->nlink++;
	}
	dentry_move(old, name, new->namelen, ndir);
	inode_touch(old->inode, false, true);
	inode_touch(odir->inode, true, true);
	inode_touch(ndir->inode, true, true);
	return 0;
}

static int tmpfs_setattr(struct dentry *d, struct iattr_k *a)
{
	struct inode *i = d->inode;

	if (a->valid & ATTR_SIZE) {
		int rc = tmpfs_truncate(i, a->size);

		if (rc < 0)
			return rc;
		inode_touch(i, true, true);
	}
	setattr_copy(i, a);
	return 0;
}

static const struct inode_ops tmpfs_iops = {
	.create = tmpfs_create,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.symlink = tmpfs_symlink,
	.readlink = tmpfs_readlink,
	.setattr = tmpfs_setattr,
	.getpage = tmpfs_getpage,
	.truncate = tmpfs_truncate,
};

static const struct file_ops tmpfs_file_fops = {
	.read = pcache_read,
	.write = pcache_write,
	.llseek = generic_llseek,
};

const struct file_ops tmpfs_dir_fops = {
	.iterate = simple_iterate,
	.llseek = generic_llseek,
};

static int tmpfs_mount(struct super_block *sb, const char *dev, const char *opts)
{
	struct inode *i = tmpfs_inode(sb, S_IFDIR | 01777, 0);

	if (!i)
		return -ENOMEM;
	if (opts && strstr(opts, "mode=0755"))
		i->mode = S_IFDIR | 0755;
	sb->magic = TMPFS_MAGIC;
	sb->root = dentry_alloc(NULL, "/", 1);
	if (!sb->root)
		return -ENOMEM;
	sb->root->sb = sb;
	sb->root->inode = i;
	return 0;
}

static int tmpfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	st->type = TMPFS_MAGIC;
	st->bsize = PAGE_SIZE;
	st->frsize = PAGE_SIZE;
	st->blocks = mem_total_pages() / 2;
	st->bfree = st->bavail = mem_free_pages() / 2;
	st->files = mem_total_pages();
	st->ffree = mem_free_pages();
	st->namelen = 255;
	return 0;
}

static struct fs_type tmpfs_type = {
	.name = "tmpfs", .nodev = true, .mount = tmpfs_mount, .statfs = tmpfs_statfs,
};
static struct fs_type rootfs_type = {
	.name = "rootfs", .nodev = true, .mount = tmpfs_mount, .statfs = tmpfs_statfs,
};
static struct fs_type ramfs_type = {
	.name = "ramfs", .nodev = true, .mount = tmpfs_mount, .statfs = tmpfs_statfs,
};

struct inode *tmpfs_new_file_inode(u64 size)
{
	struct inode *i = tmpfs_inode(shm_sb, S_IFREG | 0600, 0);

	if (i)
		i->size = size;
	return i;
}

/* The kernel's own tmpfs, mounted nowhere: it holds memfds. */
static struct mount shm_mnt;

struct file *tmpfs_open_unlinked(const char *name, u32 mode, u32 flags, const struct file_ops *fops)
{
	struct dentry *d;
	struct inode *i;
	struct path_ref p;
	struct file *f;

	if (!shm_mnt.sb) {
		if (tmpfs_mount(shm_sb, NULL, NULL) < 0)
			return NULL;
		shm_mnt.sb = shm_sb;
		shm_mnt.root = shm_sb->root;
		shm_mnt.devname = "tmpfs";
		list_init(&shm_mnt.list);
	}
	i = tmpfs_inode(shm_sb, S_IFREG | mode, 0);
	d = i ? dentry_alloc(shm_sb->root, name, (int)strlen(name)) : NULL;
	if (!d) {
		inode_put(i);
		return NULL;
	}
	if (fops)
		i->fops = fops; /* for reopens through /proc/<pid>/fd too */
	d->inode = i;           /* never hashed: no directory lists it */
	p.mnt = &shm_mnt;
	p.dentry = d;
	f = file_alloc(&p, flags);
	dentry_put(d);
	if (f)
		f->fops = i->fops;
	return f;
}

void tmpfs_init(void)
{
	register_filesystem(&rootfs_type);
	register_filesystem(&tmpfs_type);
	register_filesystem(&ramfs_type);
	shm_sb = sb_alloc(&tmpfs_type);
	BUG_ON(!shm_sb);
}
