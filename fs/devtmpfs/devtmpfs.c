/*
 * devtmpfs: one tmpfs instance, shared by every mount, in which drivers
 * create their device nodes.
 */
#include <linux/fcntl.h>
#include <linux/magic.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"

static struct dentry *dev_root;

static int devtmpfs_mount(struct super_block *sb, const char *dev, const char *opts)
{
	sb->root = dev_root;
	dentry_get(dev_root);
	sb->magic = TMPFS_MAGIC;
	return 0;
}

static struct fs_type devtmpfs_type = { .name = "devtmpfs", .nodev = true,
					.mount = devtmpfs_mount };

int devtmpfs_create(const char *name, u32 mode, u32 rdev)
{
	struct dentry *dir = dev_root, *d;
	struct inode *di = dir->inode;
	int rc;

	d = dentry_child(dir, name, (int)strlen(name));
	if (d) {
		dentry_put(d);
		return -EEXIST;
	}
	d = dentry_alloc(dir, name, (int)strlen(name));
	if (!d)
		return -ENOMEM;
	rc = di->iops->create(dir, d, mode, rdev);
	dentry_put(d);
	return rc;
}

void devtmpfs_remove(const char *name)
{
	struct dentry *d = dentry_child(dev_root, name, (int)strlen(name));

	if (!d)
		return;
	if (d->inode && !S_ISDIR(d->inode->mode))
		dev_root->inode->iops->unlink(dev_root, d);
	dentry_put(d);
}

int devtmpfs_symlink(const char *name, const char *target)
{
	struct dentry *d = dentry_alloc(dev_root, name, (int)strlen(name));
	int rc;

	if (!d)
		return -ENOMEM;
	rc = dev_root->inode->iops->symlink(dev_root, d, target);
	dentry_put(d);
	return rc;
}

void devtmpfs_init(void)
{
	const struct fs_type *tmpfs = find_filesystem("tmpfs");
	struct super_block *sb = sb_alloc(tmpfs);

	BUG_ON(!sb || tmpfs->mount(sb, "devtmpfs", "mode=0755") < 0);
	dev_root = sb->root;
	register_filesystem(&devtmpfs_type);
	devtmpfs_create("pts", S_IFDIR | 0755, 0);
	devtmpfs_create("shm", S_IFDIR | 01777, 0);
	devtmpfs_symlink("fd", "/proc/self/fd");
	devtmpfs_symlink("stdin", "/proc/self/fd/0");
	devtmpfs_symlink("stdout", "/proc/self/fd/1");
	devtmpfs_symlink("stderr", "/proc/self/fd/2");
}

/* Mounts devtmpfs on /dev when the root filesystem has a /dev. */
void devtmpfs_mount_dev(void)
{
	struct nameidata nd;

	if (path_lookup_at(AT_FDCWD, "/dev", LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &nd) < 0) {
		/* An initramfs without /dev still gets a console. */
		struct path_ref root = current->fs->root;
		struct dentry *d;

		if (vfs_create(&root, "dev", 3, S_IFDIR | 0755, 0, &d) < 0)
			return;
		dentry_put(d);
		if (path_lookup_at(AT_FDCWD, "/dev", LOOKUP_DIRECTORY, &nd) < 0)
			return;
	}
	if (do_mount("devtmpfs", &nd.path, "devtmpfs", 0, NULL) == 0)
		printk(KERN_INFO "devtmpfs: mounted\n");
	path_put(&nd.path);
}
