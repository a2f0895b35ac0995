/*
 * Unpacks the initramfs (a cpio "newc" archive, already inflated by the
 * host side) into the root tmpfs.
 */
#include <linux/fcntl.h>

#include "cpio.h"
#include "fs.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"

#define MAX_LINKS 256

struct unpack_ctx {
	struct {
		u32 ino, dev;
		char *path;
	} links[MAX_LINKS];
	int nlinks;
};

static void set_attrs(struct inode *i, const struct cpio_entry *e)
{
	i->mode = (i->mode & S_IFMT) | (e->mode & 07777);
	i->uid = (int)e->uid;
	i->gid = (int)e->gid;
	i->mtime.sec = (s64)e->mtime;
	i->mtime.nsec = 0;
	i->ctime = i->mtime;
	i->atime = i->mtime;
}

/* Looks up the parent of path; *d gets an existing child or NULL. */
static int parent_of(const char *path, struct nameidata *nd, struct dentry **d)
{
	int rc = path_lookup_at(AT_FDCWD, path, LOOKUP_PARENT, nd);

	if (rc < 0)
		return rc;
	*d = dentry_child(nd->path.dentry, nd->last, nd->last_len);
	if (*d && !(*d)->inode) {
		dentry_put(*d);
		*d = NULL;
	}
	return 0;
}

static int unpack_one(void *arg, const struct cpio_entry *e)
{
	struct unpack_ctx *c = arg;
	const char *name = e->name;
	char path[4100];
	struct nameidata nd;
	struct dentry *d = NULL, *nd_d;
	u32 type = e->mode & S_IFMT;
	int rc, k;

	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	if (!name[0] || !strcmp(name, "."))
		return 0;
	scnprintf(path, sizeof(path), "/%s", name);
	rc = parent_of(path, &nd, &d);
	if (rc < 0) {
		printk(KERN_WARNING "initramfs: %s: no parent directory (%d)\n", path, rc);
		return 0;
	}
	if (d) {
		/* Existing entries are replaced, except directories. */
		if (type == S_IFDIR && S_ISDIR(d->inode->mode)) {
			set_attrs(d->inode, e);
			goto out;
		}
		if (S_ISDIR(d->inode->mode))
			nd.path.dentry->inode->iops->rmdir(nd.path.dentry, d);
		else
			nd.path.dentry->inode->iops->unlink(nd.path.dentry, d);
		dentry_put(d);
		d = NULL;
	}
	if (type == S_IFREG && e->nlink > 1) {
		for (k = 0; k < c->nlinks; k++) {
			if (c->links[k].ino == e->ino && c->links[k].dev == e->devminor) {
				struct nameidata old;

				if (path_lookup_at(AT_FDCWD, c->links[k].path, 0, &old) == 0) {
					nd_d = dentry_alloc(nd.path.dentry, nd.last, nd.last_len);
					if (nd_d) {
						nd.path.dentry->inode->iops->link(
							old.path.dentry, nd.path.dentry, nd_d);
						dentry_put(nd_d);
					}
					path_put(&old.path);
				}
				goto write_data;
			}
		}
		if (c->nlinks < MAX_LINKS) {
			c->links[c->nlinks].ino = e->ino;
			c->links[c->nlinks].dev = e->devminor;
			c->links[c->nlinks].path = kstrdup(path);
			c->nlinks++;
		}
	}
	if (type == S_IFLNK) {
		char *target = kstrndup(e->data, e->size);

		if (!target) {
			rc = -ENOMEM;
			goto out;
		}
		nd_d = dentry_alloc(nd.path.dentry, nd.last, nd.last_len);
		if (nd_d) {
			rc = nd.path.dentry->inode->iops->symlink(nd.path.dentry, nd_d, target);
			if (rc == 0)
				set_attrs(nd_d->inode, e);
			dentry_put(nd_d);
		}
		kfree(target);
		goto out;
	}
	rc = vfs_create(&nd.path, nd.last, nd.last_len, e->mode,
			MKDEV(e->rdevmajor, e->rdevminor), &nd_d);
	if (rc < 0) {
		printk(KERN_WARNING "initramfs: cannot create %s: %d\n", path, rc);
		rc = 0;
		goto out;
	}
	set_attrs(nd_d->inode, e);
	dentry_put(nd_d);
write_data:
	if (type == S_IFREG && e->size) {
		struct file *f = file_open_at(AT_FDCWD, path, O_WRONLY, 0);

		if (IS_ERR(f)) {
			rc = (int)PTR_ERR(f);
			goto out;
		}
		if (kernel_write(f, e->data, e->size, 0) != (ssize_t)e->size)
			rc = -ENOSPC;
		file_put(f);
	}
out:
	if (d)
		dentry_put(d);
	path_put(&nd.path);
	return rc == -ENOMEM || rc == -ENOSPC ? rc : 0;
}

int initramfs_unpack(const void *data, size_t len)
{
	struct unpack_ctx *c = kzalloc(sizeof(*c));
	int rc, k;

	if (!c)
		return -ENOMEM;
	rc = cpio_parse(data, len, unpack_one, c);
	for (k = 0; k < c->nlinks; k++)
		kfree(c->links[k].path);
	kfree(c);
	return rc;
}
