/* stat, statx, statfs and directory reading. */
#include <linux/fcntl.h>
#include <linux/stat.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "syscall.h"

int user_lookup(int dirfd, u64 upath, unsigned lflags, struct nameidata *nd);

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

/* The x86-64 struct stat. */
struct ustat {
	u64 st_dev, st_ino, st_nlink;
	u32 st_mode, st_uid, st_gid, pad0;
	u64 st_rdev;
	s64 st_size, st_blksize, st_blocks;
	u64 st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime,
		st_ctime_nsec;
	s64 unused[3];
};
_Static_assert(sizeof(struct ustat) == 144, "struct stat layout");

static u64 dev_of(struct inode *i)
{
	return i->sb ? i->sb->dev : 0;
}

/* Attributes as the backing store has them now (hostfs may change). */
static void refresh_attrs(struct inode *i)
{
	if (i->iops && i->iops->getattr)
		i->iops->getattr(i);
}

static void fill_stat(struct inode *i, struct ustat *st)
{
	refresh_attrs(i);
	memset(st, 0, sizeof(*st));
	st->st_dev = dev_of(i);
	st->st_ino = i->ino;
	st->st_nlink = i->nlink;
	st->st_mode = i->mode;
	st->st_uid = (u32)i->uid;
	st->st_gid = (u32)i->gid;
	st->st_rdev = i->rdev;
	st->st_size = (s64)i->size;
	st->st_blksize = 4096;
	st->st_blocks = (s64)i->blocks;
	st->st_atime = (u64)i->atime.sec;
	st->st_atime_nsec = (u64)i->atime.nsec;
	st->st_mtime = (u64)i->mtime.sec;
	st->st_mtime_nsec = (u64)i->mtime.nsec;
	st->st_ctime = (u64)i->ctime.sec;
	st->st_ctime_nsec = (u64)i->ctime.nsec;
}

/* The inode an empty path with AT_EMPTY_PATH names (the fd itself). */
static struct inode *empty_path_inode(int dirfd, u64 upath, int flags)
{
	struct file *f;
	struct inode *i;
	char c;

	if (!(flags & AT_EMPTY_PATH) || copy_from_user(&c, upath, 1) < 0 || c)
		return NULL;
	if (dirfd == AT_FDCWD) {
		i = current->fs->cwd.dentry->inode;
		inode_get(i);
		return i;
	}
	f = fget(dirfd);
	if (!f)
		return ERR_PTR(-EBADF);
	i = f->inode;
	inode_get(i);
	file_put(f);
	return i;
}

/*
 * What the stat family looks at: the inode a (dirfd, path, flags) names,
 * with a reference (drop it with inode_put). *mount_root tells statx
 * whether it is the root of a mount.
 */
static struct inode *stat_target(int dirfd, u64 upath, int flags, bool *mount_root)
{
	struct nameidata nd;
	struct inode *i = empty_path_inode(dirfd, upath, flags);
	long rc;

	*mount_root = false;
	if (i)
		return i;
	rc = user_lookup(dirfd, upath,
			 ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				 ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			 &nd);
	if (rc < 0)
		return ERR_PTR(rc);
	i = nd.path.dentry->inode;
	inode_get(i);
	*mount_root = nd.path.dentry == nd.path.mnt->root;
	path_put(&nd.path);
	return i;
}

static long stat_at(int dirfd, u64 upath, u64 ubuf, int flags)
{
	struct ustat st;
	struct inode *i;
	bool root;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	i = stat_target(dirfd, upath, flags, &root);
	if (IS_ERR(i))
		return PTR_ERR(i);
	fill_stat(i, &st);
	inode_put(i);
	return copy_to_user(ubuf, &st, sizeof(st));
}

long sys_stat(u64 path, u64 buf)
{
	return stat_at(AT_FDCWD, path, buf, 0);
}

long sys_lstat(u64 path, u64 buf)
{
	return stat_at(AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW);
}

long sys_newfstatat(int dirfd, u64 path, u64 buf, int flags)
{
	return stat_at(dirfd, path, buf, flags);
}

long sys_fstat(int fd, u64 ubuf)
{
	struct file *f = fget(fd);
	struct ustat st;

	if (!f)
		return -EBADF;
	fill_stat(f->inode, &st);
	file_put(f);
	return copy_to_user(ubuf, &st, sizeof(st));
}

static void ts(struct statx_timestamp *d, const struct ktimespec *s)
{
	d->tv_sec = s->sec;
	d->tv_nsec = (u32)s->nsec;
}

long sys_statx(int dirfd, u64 upath, int flags, unsigned mask, u64 ubuf)
{
	struct statx sx;
	struct inode *i;
	bool root;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
		      AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if (mask & STATX__RESERVED)
		return -EINVAL;
	i = stat_target(dirfd, upath, flags, &root);
	if (IS_ERR(i))
		return PTR_ERR(i);
	refresh_attrs(i);
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS | STATX_BTIME;
	sx.stx_blksize = 4096;
	sx.stx_nlink = i->nlink;
	sx.stx_uid = (u32)i->uid;
	sx.stx_gid = (u32)i->gid;
	sx.stx_mode = (u16)i->mode;
	sx.stx_ino = i->ino;
	sx.stx_size = i->size;
	sx.stx_blocks = i->blocks;
	ts(&sx.stx_atime, &i->atime);
	ts(&sx.stx_btime, &i->btime);
	ts(&sx.stx_ctime, &i->ctime);
	ts(&sx.stx_mtime, &i->mtime);
	sx.stx_rdev_major = DEV_MAJOR(i->rdev);
	sx.stx_rdev_minor = DEV_MINOR(i->rdev);
	sx.stx_dev_major = (u32)DEV_MAJOR(dev_of(i));
	sx.stx_dev_minor = (u32)DEV_MINOR(dev_of(i));
	if (root)
		sx.stx_attributes |= STATX_ATTR_MOUNT_ROOT;
	sx.stx_attributes_mask = STATX_ATTR_MOUNT_ROOT;
	inode_put(i);
	return copy_to_user(ubuf, &sx, sizeof(sx));
}

struct ustatfs {
	s64 f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	s32 f_fsid[2];
	s64 f_namelen, f_frsize, f_flags, f_spare[4];
};

static long do_statfs(struct path_ref *p, u64 ubuf)
{
	struct super_block *sb = p->mnt->sb;
	struct kstatfs k;
	struct ustatfs u;

	memset(&k, 0, sizeof(k));
	k.type = sb->magic;
	k.bsize = 4096;
	k.frsize = 4096;
	k.namelen = 255;
	if (sb->type->statfs)
		sb->type->statfs(sb, &k);
	memset(&u, 0, sizeof(u));
	u.f_type = (s64)k.type;
	u.f_bsize = (s64)k.bsize;
	u.f_blocks = (s64)k.blocks;
	u.f_bfree = (s64)k.bfree;
	u.f_bavail = (s64)k.bavail;
	u.f_files = (s64)k.files;
	u.f_ffree = (s64)k.ffree;
	u.f_fsid[0] = (s32)(u32)k.fsid;
	u.f_fsid[1] = (s32)(u32)(k.fsid >> 32);
	u.f_namelen = (s64)k.namelen;
	u.f_frsize = (s64)k.frsize;
	u.f_flags = (s64)(p->mnt->flags & 1) | 0x20 /* ST_VALID */;
	return copy_to_user(ubuf, &u, sizeof(u));
}

long sys_statfs(u64 upath, u64 ubuf)
{
	struct nameidata nd;
	long rc = user_lookup(AT_FDCWD, upath, LOOKUP_FOLLOW, &nd);

	if (rc < 0)
		return rc;
	rc = do_statfs(&nd.path, ubuf);
	path_put(&nd.path);
	return rc;
}

long sys_fstatfs(int fd, u64 ubuf)
{
	struct file *f = fget(fd);
	long rc;

	if (!f)
		return -EBADF;
	rc = f->path.mnt ? do_statfs(&f->path, ubuf) : -EINVAL;
	file_put(f);
	return rc;
}

/*
 * Directory iteration over a dentry tree (tmpfs, devtmpfs): positions are
 * 0 ".", 1 "..", then 2 + the index among positive children.
 */
int simple_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct dentry *dir = f->path.dentry, *c;
	u64 idx = 2;

	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir->inode->ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		struct dentry *p = dir->parent;

		if (!ctx->emit(ctx, "..", 2, p->inode ? p->inode->ino : 1, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	list_for_each_entry(c, &dir->children, sibling) {
		if (!c->inode)
			continue;
		if (idx++ < ctx->pos)
			continue;
		if (!ctx->emit(ctx, c->name, c->namelen, c->inode->ino,
			       (c->inode->mode >> 12) & 15))
			return 0;
		ctx->pos = idx;
	}
	return 0;
}

struct getdents_ctx {
	struct dir_ctx ctx;
	u64 ubuf;
	size_t size, used;
	int err;
};

static bool emit_dirent64(struct dir_ctx *c, const char *name, int len, u64 ino,
			  unsigned type)
{
	struct getdents_ctx *g = container_of(c, struct getdents_ctx, ctx);
	size_t reclen = ALIGN_UP(19 + (size_t)len + 1, 8);
	char rec[19 + 256 + 8];

	if (g->used + reclen > g->size) {
		if (!g->used)
			g->err = -EINVAL;
		return false;
	}
	memset(rec, 0, reclen);
	memcpy(rec, &ino, 8);
	{
		u64 off = c->pos + 1;

		memcpy(rec + 8, &off, 8);
	}
	rec[16] = (char)(reclen & 0xff);
	rec[17] = (char)(reclen >> 8);
	rec[18] = (char)type;
	memcpy(rec + 19, name, (size_t)len);
	if (copy_to_user(g->ubuf + g->used, rec, reclen) < 0) {
		g->err = -EFAULT;
		return false;
	}
	g->used += reclen;
	return true;
}

long sys_getdents64(int fd, u64 ubuf, unsigned count)
{
	struct file *f = fget(fd);
	struct getdents_ctx g = { .ctx.emit = emit_dirent64, .ubuf = ubuf, .size = count };
	long rc;

	if (!f)
		return -EBADF;
	if (!f->fops || !f->fops->iterate) {
		file_put(f);
		return -ENOTDIR;
	}
	g.ctx.pos = f->dir_pos;
	rc = f->fops->iterate(f, &g.ctx);
	f->dir_pos = g.ctx.pos;
	file_put(f);
	if (rc < 0)
		return rc;
	if (g.err && !g.used)
		return g.err;
	return (long)g.used;
}
