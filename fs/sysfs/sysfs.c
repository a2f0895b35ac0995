/*
 * A minimal sysfs: one shared in-memory tree (a tmpfs instance) with the
 * top-level directories tools expect. The device model (drivers/base/)
 * adds and removes entries by path relative to /sys; their text is fixed
 * when they are created.
 */
#include <linux/fcntl.h>
#include <linux/magic.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "printk.h"

static struct dentry *sys_root;

static int sysfs_mount(struct super_block *sb, const char *dev, const char *opts)
{
	sb->root = sys_root;
	dentry_get(sys_root);
	sb->magic = SYSFS_MAGIC;
	return 0;
}

static struct fs_type sysfs_type = { .name = "sysfs", .nodev = true,
				     .mount = sysfs_mount };

static struct dentry *sysfs_mkdir(struct dentry *parent, const char *name)
{
	struct dentry *d = dentry_alloc(parent, name, (int)strlen(name));

	if (!d)
		return NULL;
	if (parent->inode->iops->create(parent, d, S_IFDIR | 0755, 0) < 0) {
		dentry_put(d);
		return NULL;
	}
	dentry_put(d); /* the tree (hashed) keeps it */
	return d;
}

/*
 * The dentry of path (relative to /sys, no leading '/'), referenced; with
 * create, missing directories on the way are made. NULL if absent.
 */
static struct dentry *sysfs_walk(const char *path, bool create)
{
	struct dentry *d = sys_root;

	dentry_get(d);
	while (*path) {
		const char *end = strchr(path, '/');
		int len = end ? (int)(end - path) : (int)strlen(path);
		struct dentry *c = len ? dentry_child(d, path, len) : NULL;

		if (len && !c && create) {
			c = dentry_alloc(d, path, len);
			if (c && d->inode->iops->create(d, c, S_IFDIR | 0755, 0) < 0) {
				dentry_put(c);
				c = NULL;
			}
		}
		if (len) {
			dentry_put(d);
			if (!c || !c->inode) {
				if (c)
					dentry_put(c);
				return NULL;
			}
			d = c;
		}
		path += len + (end ? 1 : 0);
		if (!end)
			break;
	}
	return d;
}

/* Splits path into its directory (made if missing) and a new child name. */
static struct dentry *sysfs_new_child(const char *path, struct dentry **dirp)
{
	const char *slash = strrchr(path, '/');
	char dir[256];
	struct dentry *d, *c;
	const char *name = slash ? slash + 1 : path;

	if (slash && (size_t)(slash - path) >= sizeof(dir))
		return NULL;
	memcpy(dir, path, slash ? (size_t)(slash - path) : 0);
	dir[slash ? slash - path : 0] = 0;
	d = sysfs_walk(dir, true);
	if (!d)
		return NULL;
	c = dentry_child(d, name, (int)strlen(name));
	if (c) { /* already there */
		dentry_put(c);
		dentry_put(d);
		return NULL;
	}
	c = dentry_alloc(d, name, (int)strlen(name));
	if (!c) {
		dentry_put(d);
		return NULL;
	}
	*dirp = d;
	return c;
}

int sysfs_add_dir(const char *path)
{
	struct dentry *d = sysfs_walk(path, true);

	if (!d)
		return -ENOMEM;
	dentry_put(d);
	return 0;
}

int sysfs_add_file(const char *path, const char *text)
{
	struct dentry *dir, *c = sysfs_new_child(path, &dir);
	struct path_ref ref;
	struct file *f;
	int rc;

	if (!c)
		return -EEXIST;
	rc = dir->inode->iops->create(dir, c, S_IFREG | 0444, 0);
	if (rc == 0) {
		ref.mnt = NULL;
		ref.dentry = c;
		f = file_alloc(&ref, O_WRONLY);
		if (f)
			f->fops = c->inode->fops;
		if (!f || kernel_write(f, text, strlen(text), 0) < 0)
			rc = -ENOMEM;
		if (f)
			file_put(f);
	}
	dentry_put(c);
	dentry_put(dir);
	return rc;
}

int sysfs_add_link(const char *path, const char *target)
{
	struct dentry *dir, *c = sysfs_new_child(path, &dir);
	int rc;

	if (!c)
		return -EEXIST;
	rc = dir->inode->iops->symlink(dir, c, target);
	dentry_put(c);
	dentry_put(dir);
	return rc;
}

/* A child of d that has an inode, or NULL. */
static struct dentry *first_child(struct dentry *d)
{
	struct dentry *c;

	list_for_each_entry(c, &d->children, sibling)
		if (c->inode)
			return c;
	return NULL;
}

/*
 * Removes d and everything below it. Iterative, not recursive: guest root
 * can build directory chains in /sys as deep as it likes, and kernel
 * stacks are small.
 */
static void sysfs_remove_dentry(struct dentry *d)
{
	for (;;) {
		struct dentry *leaf = d, *c;
		int rc;

		while (S_ISDIR(leaf->inode->mode) && (c = first_child(leaf)) != NULL)
			leaf = c;
		dentry_get(leaf);
		if (S_ISDIR(leaf->inode->mode))
			rc = leaf->parent->inode->iops->rmdir(leaf->parent, leaf);
		else
			rc = leaf->parent->inode->iops->unlink(leaf->parent, leaf);
		dentry_put(leaf);
		if (leaf == d || rc < 0)
			return;
	}
}

void sysfs_remove(const char *path)
{
	struct dentry *d = sysfs_walk(path, false);

	if (!d)
		return;
	if (d != sys_root)
		sysfs_remove_dentry(d);
	dentry_put(d);
}

void sysfs_init(void)
{
	const struct fs_type *tmpfs = find_filesystem("tmpfs");
	struct super_block *sb = sb_alloc(tmpfs);
	static const char *const dirs[] = { "block", "bus", "class", "dev", "devices",
					    "firmware", "fs", "kernel", "module", "power" };
	struct dentry *cls;
	unsigned k;

	BUG_ON(!sb || tmpfs->mount(sb, "sysfs", "mode=0755") < 0);
	sys_root = sb->root;
	sys_root->inode->mode = S_IFDIR | 0555;
	for (k = 0; k < ARRAY_SIZE(dirs); k++) {
		sysfs_mkdir(sys_root, dirs[k]);
	}
	cls = dentry_child(sys_root, "class", 5);
	if (cls) {
		sysfs_mkdir(cls, "net");
		sysfs_mkdir(cls, "tty");
		sysfs_mkdir(cls, "block");
		dentry_put(cls);
	}
	register_filesystem(&sysfs_type);
}
