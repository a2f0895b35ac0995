/*
 * hostfs names: lookup and the operations that add, remove and rename
 * names, links, and attribute changes. Each works on one name in a
 * directory handle of the parent (opened beneath the mount's root), so
 * the host never resolves more than that one name.
 */
#include <linux/fcntl.h>

#include "hostfs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE 2
#endif

static int dir_handle(struct dentry *dir)
{
	return hostfs_open_dentry(dir, O_PATH | O_DIRECTORY);
}

/*
 * Gives child the inode of what its name in directory handle dfd holds
 * (or what fd refers to, when the caller has one open) and makes it
 * findable.
 */
static int instantiate(int dfd, struct dentry *child, int fd)
{
	struct host_stat st;
	struct inode *i;
	int rc, pfd = fd;

	if (pfd < 0) {
		pfd = host_openat_beneath(dfd, child->name, O_PATH | O_NOFOLLOW, 0, false);
		if (pfd < 0)
			return pfd;
	}
	rc = host_fstat(pfd, &st);
	if (pfd != fd)
		host_close(pfd);
	if (rc < 0)
		return rc;
	i = hostfs_iget(child->sb, &st);
	if (IS_ERR(i))
		return (int)PTR_ERR(i);
	child->inode = i;
	dentry_hash(child);
	return 0;
}

static int hostfs_lookup(struct dentry *dir, struct dentry *child)
{
	int fd, rc;

	if (!hostfs_name_ok(child->name, child->namelen))
		return -ENOENT;
	fd = hostfs_open_dentry(child, O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	rc = instantiate(-1, child, fd);
	host_close(fd);
	return rc;
}

static int hostfs_create(struct dentry *dir, struct dentry *child, u32 mode, u32 rdev)
{
	u32 type = mode & S_IFMT, perm = mode & 07777;
	int dfd, fd = -1, rc;

	if (!hostfs_name_ok(child->name, child->namelen))
		return -EINVAL;
	/* A device node the guest made would be a real one on the host, open
	 * to whoever reaches the share there. FIFOs and sockets are harmless. */
	if (type == S_IFCHR || type == S_IFBLK)
		return -EPERM;
	dfd = dir_handle(dir);
	if (dfd < 0)
		return dfd;
	if (type == S_IFREG)
		rc = fd = host_create_excl(dfd, child->name, perm);
	else if (type == S_IFDIR)
		rc = host_mkdirat(dfd, child->name, perm);
	else
		rc = host_mknodat(dfd, child->name, type | perm);
	if (rc >= 0)
		rc = instantiate(dfd, child, fd);
	if (rc >= 0)
		hostfs_refresh(dir->inode, dfd, true);
	host_close(dfd);
	if (fd >= 0) {
		/* The open that follows O_CREAT uses this descriptor: the new
		 * file's mode may not allow opening it again. */
		if (rc >= 0 && (fd = hostfs_hold_fd(fd)) >= 0)
			hostfs_lend_created(child->inode, fd);
		else if (rc < 0)
			host_close(fd);
	}
	return rc < 0 ? rc : 0;
}

static int hostfs_link(struct dentry *old, struct dentry *dir, struct dentry *child)
{
	int odfd, ndfd, rc;

	if (!hostfs_name_ok(child->name, child->namelen))
		return -EINVAL;
	odfd = dir_handle(old->parent);
	if (odfd < 0)
		return odfd;
	ndfd = dir_handle(dir);
	if (ndfd < 0) {
		host_close(odfd);
		return ndfd;
	}
	rc = host_linkat(odfd, old->name, ndfd, child->name);
	if (rc == 0)
		rc = instantiate(ndfd, child, -1);
	if (rc == 0)
		hostfs_refresh(dir->inode, ndfd, true);
	host_close(odfd);
	host_close(ndfd);
	return rc;
}

static int remove_name(struct dentry *dir, struct dentry *d, bool isdir)
{
	struct hostfs_inode *hi = HI(d->inode);
	int dfd = dir_handle(dir), fd, rc;

	if (dfd < 0)
		return dfd;
	rc = host_unlinkat(dfd, d->name, isdir);
	if (rc == 0) {
		hostfs_refresh(dir->inode, dfd, true);
		fd = hi->rfd >= 0 ? hi->rfd : hi->wfd;
		if (isdir)
			d->inode->nlink = 0;
		else if (fd >= 0)
			hostfs_refresh(d->inode, fd, true);
		else if (d->inode->nlink > 0)
			d->inode->nlink--;
		dentry_unhash(d);
	}
	host_close(dfd);
	return rc;
}

static int hostfs_unlink(struct dentry *dir, struct dentry *d)
{
	return remove_name(dir, d, false);
}

static int hostfs_rmdir(struct dentry *dir, struct dentry *d)
{
	return remove_name(dir, d, true);
}

/* Renames dentry d to name in parent; forgets d if out of memory (the
 * next lookup finds the object under its new name). */
static void move_dentry(struct dentry *d, const char *name, int len, struct dentry *parent)
{
	char *copy = kstrndup(name, (size_t)len);

	if (copy)
		dentry_move(d, copy, len, parent);
	else
		dentry_unhash(d);
}

static int hostfs_rename(struct dentry *odir, struct dentry *old, struct dentry *ndir,
			 struct dentry *new, unsigned flags)
{
	int odfd, ndfd, rc;

	if (!hostfs_name_ok(new->name, new->namelen))
		return -EINVAL;
	odfd = dir_handle(odir);
	if (odfd < 0)
		return odfd;
	ndfd = dir_handle(ndir);
	if (ndfd < 0) {
		host_close(odfd);
		return ndfd;
	}
	rc = host_renameat2(odfd, old->name, ndfd, new->name, flags);
	if (rc == 0) {
		hostfs_refresh(odir->inode, odfd, true);
		hostfs_refresh(ndir->inode, ndfd, true);
		if (flags & RENAME_EXCHANGE) {
			char *oname = kstrndup(old->name, (size_t)old->namelen);
			int olen = old->namelen;

			move_dentry(old, new->name, new->namelen, ndir);
			if (oname)
				move_dentry(new, oname, olen, odir);
			else
				dentry_unhash(new);
			kfree(oname);
		} else {
			if (new->inode)
				dentry_unhash(new);
			move_dentry(old, new->name, new->namelen, ndir);
		}
	}
	host_close(odfd);
	host_close(ndfd);
	return rc;
}

static int hostfs_symlink(struct dentry *dir, struct dentry *child, const char *target)
{
	int dfd, rc;

	if (!hostfs_name_ok(child->name, child->namelen))
		return -EINVAL;
	dfd = dir_handle(dir);
	if (dfd < 0)
		return dfd;
	rc = host_symlinkat(target, dfd, child->name);
	if (rc == 0)
		rc = instantiate(dfd, child, -1);
	if (rc == 0)
		hostfs_refresh(dir->inode, dfd, true);
	host_close(dfd);
	return rc;
}

/* The stored target, as the host has it: the guest's walk follows it. */
int hostfs_readlink(struct dentry *d, char *buf, size_t len)
{
	int fd = hostfs_open_dentry(d, O_PATH | O_NOFOLLOW), n;

	if (fd < 0)
		return fd;
	n = host_readlinkat(fd, "", buf, len);
	host_close(fd);
	return n;
}

static int set_times(int fd, const struct iattr_k *a)
{
	s64 sec[2] = {a->atime.sec, a->mtime.sec};
	long nsec[2] = {a->atime.nsec, a->mtime.nsec};
	bool set[2] = {(a->valid & ATTR_ATIME) != 0, (a->valid & ATTR_MTIME) != 0};

	return host_utimens_handle(fd, sec, nsec, set);
}

/*
 * chmod, chown, utimes and truncate pass through: the host decides with
 * the permissions of the user running the kernel, and its errno is the
 * answer. They act on a descriptor of the inode itself, so a file that
 * was renamed or unlinked meanwhile is still the one changed.
 */
int hostfs_setattr(struct dentry *d, struct iattr_k *a)
{
	struct inode *i = d->inode;
	struct hostfs_inode *hi = HI(i);
	struct host_stat st;
	int fd, rc = 0;
	bool temp = false;

	if (a->valid & ATTR_SIZE) {
		if (!S_ISREG(i->mode))
			return -EINVAL;
		fd = hi->wfd;
		if (fd < 0) {
			fd = hostfs_file_io_fd(d, O_WRONLY);
			if (fd < 0)
				return fd;
			temp = true;
		}
		rc = hostfs_truncate_fd(i, fd, a->size);
		if (temp)
			host_close(fd);
		if (rc < 0)
			return rc;
	}
	if (!(a->valid & (ATTR_MODE | ATTR_UID | ATTR_GID | ATTR_ATIME | ATTR_MTIME)))
		return 0;
	temp = false;
	fd = hi->rfd >= 0 ? hi->rfd : hi->wfd;
	if (fd < 0) {
		fd = hostfs_handle(d, &st);
		if (fd < 0)
			return fd;
		temp = true;
	}
	if (a->valid & ATTR_MODE)
		rc = S_ISLNK(i->mode) ? -EOPNOTSUPP : host_chmod_handle(fd, a->mode & 07777);
	if (rc == 0 && (a->valid & (ATTR_UID | ATTR_GID)))
		rc = host_chown_handle(fd, (a->valid & ATTR_UID) ? a->uid : -1,
				       (a->valid & ATTR_GID) ? a->gid : -1);
	if (rc == 0 && (a->valid & (ATTR_ATIME | ATTR_MTIME)))
		rc = set_times(fd, a);
	hostfs_refresh(i, fd, true);
	if (temp)
		host_close(fd);
	return rc;
}

const struct inode_ops hostfs_dir_iops = {
	.lookup = hostfs_lookup,
	.create = hostfs_create,
	.link = hostfs_link,
	.unlink = hostfs_unlink,
	.rmdir = hostfs_rmdir,
	.rename = hostfs_rename,
	.symlink = hostfs_symlink,
	.setattr = hostfs_setattr,
	.evict = hostfs_evict,
	.getattr = hostfs_getattr,
};
