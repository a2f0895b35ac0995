/*
 * From a dentry to its host object: the relative path of the dentry below
 * its mount's directory, resolved by the host beneath the mount's root
 * handle (no symbolic link or ".." followed, see host_openat_beneath).
 */
#include <linux/fcntl.h>

#include "hostfs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"

/* A single name: no "/", never "." or "..", not empty. */
bool hostfs_name_ok(const char *name, int len)
{
	if (len <= 0 || len > 255 || memchr(name, '/', (size_t)len) || memchr(name, 0, (size_t)len))
		return false;
	return !(len == 1 && name[0] == '.') && !(len == 2 && name[0] == '.' && name[1] == '.');
}

int hostfs_rel_path(struct dentry *d, char *buf, size_t len)
{
	struct dentry *root = d->sb->root;
	size_t pos = len;

	if (len == 0)
		return -ENAMETOOLONG;
	buf[--pos] = 0;
	for (; d != root; d = d->parent) {
		/* Only the root is its own parent: a dentry that does not lead
		 * to this mount's root names nothing here. */
		if (d->parent == d)
			return -ESTALE;
		if (!hostfs_name_ok(d->name, d->namelen))
			return -EINVAL;
		if (pos < (size_t)d->namelen + (pos < len - 1 ? 1 : 0))
			return -ENAMETOOLONG;
		if (pos < len - 1)
			buf[--pos] = '/';
		pos -= (size_t)d->namelen;
		memcpy(buf + pos, d->name, (size_t)d->namelen);
	}
	memmove(buf, buf + pos, len - pos);
	return 0;
}

int hostfs_open_dentry(struct dentry *d, int flags)
{
	int root = HSB(d->sb)->root_fd, rc;
	char *path;

	if (root < 0)
		return -ESTALE; /* unmounted while in use */
	path = kmalloc(HOSTFS_PATH_MAX);
	if (!path)
		return -ENOMEM;
	rc = hostfs_rel_path(d, path, HOSTFS_PATH_MAX);
	if (rc == 0)
		rc = host_openat_beneath(root, path, flags, 0, false);
	kfree(path);
	return rc;
}

int hostfs_handle(struct dentry *d, struct host_stat *st)
{
	struct hostfs_inode *hi = HI(d->inode);
	int fd = hostfs_open_dentry(d, O_PATH | O_NOFOLLOW), rc;

	if (fd < 0)
		return fd;
	rc = host_fstat(fd, st);
	if (rc == 0 && (st->dev != hi->hdev || st->ino != hi->hino ||
			(st->mode & S_IFMT) != (d->inode->mode & S_IFMT)))
		rc = -ESTALE;
	if (rc < 0) {
		host_close(fd);
		return rc;
	}
	return fd;
}
