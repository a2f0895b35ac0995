/* Directory-changing system calls: mkdir, mknod, unlink, link, rename... */
#include <linux/fcntl.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "notify.h"
#include "syscall.h"

int user_lookup(int dirfd, u64 upath, unsigned lflags, struct nameidata *nd);

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif

/* Parent of a user path and its last name; *child is the existing
 * dentry for that name (referenced) or NULL. */
static int lookup_parent(int dirfd, u64 upath, struct nameidata *nd,
			 struct dentry **child)
{
	struct dentry *d;
	int rc = user_lookup(dirfd, upath, LOOKUP_PARENT, nd);

	if (rc < 0)
		return rc;
	*child = NULL;
	if ((nd->last_len == 1 && nd->last[0] == '.') ||
	    (nd->last_len == 2 && nd->last[0] == '.' && nd->last[1] == '.'))
		return 0;
	d = vfs_lookup_one(nd->path.dentry, nd->last, nd->last_len);
	if (IS_ERR(d))
		d = NULL;
	if (d && !d->inode) {
		dentry_put(d);
		d = NULL;
	}
	*child = d;
	return 0;
}

static bool is_dot(struct nameidata *nd)
{
	return (nd->last_len == 1 && nd->last[0] == '.') ||
	       (nd->last_len == 2 && nd->last[0] == '.' && nd->last[1] == '.');
}

static long do_mknod(int dirfd, u64 upath, u32 mode, u32 dev)
{
	struct nameidata nd;
	struct dentry *d, *nd_d;
	long rc = lookup_parent(dirfd, upath, &nd, &d);

	if (rc < 0)
		return rc;
	if (d || is_dot(&nd)) {
		rc = -EEXIST;
		goto out;
	}
	rc = vfs_create(&nd.path, nd.last, nd.last_len, mode, dev, &nd_d);
	if (rc == 0)
		dentry_put(nd_d);
out:
	if (d)
		dentry_put(d);
	path_put(&nd.path);
	return rc;
}

long sys_mkdirat(int dirfd, u64 path, u32 mode)
{
	return do_mknod(dirfd, path, S_IFDIR | (mode & 07777 & ~current->fs->umask), 0);
}

long sys_mkdir(u64 path, u32 mode)
{
	return sys_mkdirat(AT_FDCWD, path, mode);
}

long sys_mknodat(int dirfd, u64 path, u32 mode, u32 dev)
{
	u32 type = mode & S_IFMT;

	if (type == 0)
		type = S_IFREG;
	if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK &&
	    type != S_IFIFO && type != S_IFSOCK)
		return -EINVAL;
	if ((type == S_IFCHR || type == S_IFBLK) && current->euid != 0)
		return -EPERM;
	/* Userspace dev_t: major in bits 8-19, minor in 0-7 and 20-31. */
	dev = MKDEV((dev >> 8) & 0xfff, (dev & 0xff) | ((dev >> 12) & 0xfff00));
	return do_mknod(dirfd, path, type | (mode & 07777 & ~current->fs->umask), dev);
}

long sys_mknod(u64 path, u32 mode, u32 dev)
{
	return sys_mknodat(AT_FDCWD, path, mode, dev);
}

static long do_unlink(int dirfd, u64 upath, bool dir)
{
	struct nameidata nd;
	struct dentry *d;
	struct inode *pi, *victim;
	long rc = lookup_parent(dirfd, upath, &nd, &d);

	if (rc < 0)
		return rc;
	if (is_dot(&nd)) {
		rc = dir ? (nd.last_len == 1 ? -EINVAL : -ENOTEMPTY) : -EISDIR;
		goto out;
	}
	if (!d) {
		rc = -ENOENT;
		goto out;
	}
	pi = nd.path.dentry->inode;
	if (nd.path.mnt->flags & 1) {
		rc = -EROFS;
		goto out;
	}
	rc = inode_permission(pi, 3);
	if (rc < 0)
		goto out;
	if ((pi->mode & S_ISVTX) && current->fsuid != 0 &&
	    current->fsuid != d->inode->uid && current->fsuid != pi->uid) {
		rc = -EPERM;
		goto out;
	}
	if (d->mounted) {
		rc = -EBUSY;
		goto out;
	}
	victim = d->inode;
	inode_get(victim); /* for the notification after the name is gone */
	if (dir) {
		if (!S_ISDIR(d->inode->mode))
			rc = -ENOTDIR;
		else if (!pi->iops->rmdir)
			rc = -EPERM;
		else
			rc = pi->iops->rmdir(nd.path.dentry, d);
	} else {
		if (S_ISDIR(d->inode->mode))
			rc = -EISDIR;
		else if (!pi->iops->unlink)
			rc = -EPERM;
		else
			rc = pi->iops->unlink(nd.path.dentry, d);
	}
	if (rc == 0)
		fsnotify_delete(pi, nd.last_buf, victim, dir);
	inode_put(victim);
out:
	if (d)
		dentry_put(d);
	path_put(&nd.path);
	return rc;
}

long sys_unlink(u64 path)
{
	return do_unlink(AT_FDCWD, path, false);
}

long sys_rmdir(u64 path)
{
	return do_unlink(AT_FDCWD, path, true);
}

long sys_unlinkat(int dirfd, u64 path, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return do_unlink(dirfd, path, (flags & AT_REMOVEDIR) != 0);
}

long sys_symlinkat(u64 utarget, int dirfd, u64 upath)
{
	char *target = user_path(utarget);
	struct nameidata nd;
	struct dentry *d, *nd_d;
	long rc;

	if (IS_ERR(target))
		return PTR_ERR(target);
	if (!*target) {
		kfree(target);
		return -ENOENT;
	}
	rc = lookup_parent(dirfd, upath, &nd, &d);
	if (rc < 0) {
		kfree(target);
		return rc;
	}
	if (d || is_dot(&nd)) {
		rc = -EEXIST;
	} else if (!nd.path.dentry->inode->iops->symlink) {
		rc = -EPERM;
	} else if (nd.path.mnt->flags & 1) {
		rc = -EROFS;
	} else {
		nd_d = dentry_alloc(nd.path.dentry, nd.last, nd.last_len);
		if (!nd_d) {
			rc = -ENOMEM;
		} else {
			rc = nd.path.dentry->inode->iops->symlink(nd.path.dentry, nd_d,
								  target);
			if (rc == 0)
				fsnotify_create(nd.path.dentry->inode, nd_d->name, false);
			dentry_put(nd_d);
		}
	}
	if (d)
		dentry_put(d);
	path_put(&nd.path);
	kfree(target);
	return rc;
}

long sys_symlink(u64 target, u64 path)
{
	return sys_symlinkat(target, AT_FDCWD, path);
}

long sys_readlinkat(int dirfd, u64 upath, u64 ubuf, int size)
{
	struct nameidata nd;
	struct inode *i;
	char *buf;
	long rc;

	if (size <= 0)
		return -EINVAL;
	rc = user_lookup(dirfd, upath, LOOKUP_EMPTY, &nd);
	if (rc < 0)
		return rc;
	i = nd.path.dentry->inode;
	if (!S_ISLNK(i->mode) || !i->iops || !i->iops->readlink) {
		path_put(&nd.path);
		return -EINVAL;
	}
	buf = kmalloc(4096);
	if (!buf) {
		path_put(&nd.path);
		return -ENOMEM;
	}
	rc = i->iops->readlink(nd.path.dentry, buf, MIN((size_t)size, 4096));
	if (rc > 0 && copy_to_user(ubuf, buf, (size_t)rc) < 0)
		rc = -EFAULT;
	kfree(buf);
	path_put(&nd.path);
	return rc;
}

long sys_readlink(u64 path, u64 buf, int size)
{
	return sys_readlinkat(AT_FDCWD, path, buf, size);
}

long sys_linkat(int odirfd, u64 oldpath, int ndirfd, u64 newpath, int flags)
{
	struct nameidata old, nd;
	struct dentry *d, *nd_d;
	long rc;

	rc = user_lookup(odirfd, oldpath,
			 ((flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0) |
				 ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			 &old);
	if (rc < 0)
		return rc;
	if (S_ISDIR(old.path.dentry->inode->mode)) {
		path_put(&old.path);
		return -EPERM;
	}
	rc = lookup_parent(ndirfd, newpath, &nd, &d);
	if (rc < 0) {
		path_put(&old.path);
		return rc;
	}
	if (d || is_dot(&nd))
		rc = -EEXIST;
	else if (nd.path.mnt != old.path.mnt)
		rc = -EXDEV;
	else if (!nd.path.dentry->inode->iops->link)
		rc = -EPERM;
	else {
		nd_d = dentry_alloc(nd.path.dentry, nd.last, nd.last_len);
		if (!nd_d) {
			rc = -ENOMEM;
		} else {
			rc = nd.path.dentry->inode->iops->link(old.path.dentry,
							       nd.path.dentry, nd_d);
			if (rc == 0)
				fsnotify_link(nd.path.dentry->inode, nd_d->name,
					      old.path.dentry->inode);
			dentry_put(nd_d);
		}
	}
	if (d)
		dentry_put(d);
	path_put(&nd.path);
	path_put(&old.path);
	return rc;
}

long sys_link(u64 oldpath, u64 newpath)
{
	return sys_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

/* Is a an ancestor of (or equal to) b? */
static bool is_ancestor(struct dentry *a, struct dentry *b)
{
	for (;;) {
		if (a == b)
			return true;
		if (b->parent == b)
			return false;
		b = b->parent;
	}
}

long sys_renameat2(int odirfd, u64 oldpath, int ndirfd, u64 newpath, unsigned flags)
{
	struct nameidata o, n;
	struct dentry *od, *nd_, *target;
	struct inode *moved, *replaced;
	long rc;

	if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	rc = lookup_parent(odirfd, oldpath, &o, &od);
	if (rc < 0)
		return rc;
	rc = lookup_parent(ndirfd, newpath, &n, &nd_);
	if (rc < 0) {
		if (od)
			dentry_put(od);
		path_put(&o.path);
		return rc;
	}
	if (is_dot(&o) || is_dot(&n)) {
		rc = -EBUSY;
		goto out;
	}
	if (!od) {
		rc = -ENOENT;
		goto out;
	}
	if (o.path.mnt != n.path.mnt) {
		rc = -EXDEV;
		goto out;
	}
	if (o.path.mnt->flags & 1) {
		rc = -EROFS;
		goto out;
	}
	if (nd_ == od) {
		rc = 0;
		goto out;
	}
	if (nd_ && (flags & RENAME_NOREPLACE)) {
		rc = -EEXIST;
		goto out;
	}
	if ((flags & RENAME_EXCHANGE) && !nd_) {
		rc = -ENOENT;
		goto out;
	}
	if (S_ISDIR(od->inode->mode) && is_ancestor(od, n.path.dentry)) {
		rc = -EINVAL;
		goto out;
	}
	if ((flags & RENAME_EXCHANGE) && S_ISDIR(nd_->inode->mode) &&
	    is_ancestor(nd_, o.path.dentry)) {
		rc = -EINVAL;
		goto out;
	}
	if (flags & RENAME_EXCHANGE)
		goto do_rename;
	if (nd_ && S_ISDIR(nd_->inode->mode) && !S_ISDIR(od->inode->mode)) {
		rc = -EISDIR;
		goto out;
	}
	if (nd_ && !S_ISDIR(nd_->inode->mode) && S_ISDIR(od->inode->mode)) {
		rc = -ENOTDIR;
		goto out;
	}
do_rename:
	if (od->mounted || (nd_ && nd_->mounted)) {
		rc = -EBUSY;
		goto out;
	}
	if (!o.path.dentry->inode->iops->rename) {
		rc = -EPERM;
		goto out;
	}
	target = nd_;
	if (!target) {
		target = dentry_alloc(n.path.dentry, n.last, n.last_len);
		if (!target) {
			rc = -ENOMEM;
			goto out;
		}
	} else {
		dentry_get(target);
	}
	moved = od->inode;
	replaced = nd_ ? nd_->inode : NULL;
	inode_get(moved);
	if (replaced)
		inode_get(replaced);
	rc = o.path.dentry->inode->iops->rename(o.path.dentry, od, n.path.dentry,
						target, flags);
	if (rc == 0 && (flags & RENAME_EXCHANGE)) {
		fsnotify_move(o.path.dentry->inode, o.last_buf, n.path.dentry->inode, n.last_buf,
			      moved, NULL, S_ISDIR(moved->mode));
		fsnotify_move(n.path.dentry->inode, n.last_buf, o.path.dentry->inode, o.last_buf,
			      replaced, NULL, S_ISDIR(replaced->mode));
	} else if (rc == 0) {
		fsnotify_move(o.path.dentry->inode, o.last_buf, n.path.dentry->inode, n.last_buf,
			      moved, replaced, S_ISDIR(moved->mode));
	}
	inode_put(moved);
	inode_put(replaced);
	dentry_put(target);
out:
	if (od)
		dentry_put(od);
	if (nd_)
		dentry_put(nd_);
	path_put(&o.path);
	path_put(&n.path);
	return rc;
}

long sys_renameat(int odirfd, u64 oldpath, int ndirfd, u64 newpath)
{
	return sys_renameat2(odirfd, oldpath, ndirfd, newpath, 0);
}

long sys_rename(u64 oldpath, u64 newpath)
{
	return sys_renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}
