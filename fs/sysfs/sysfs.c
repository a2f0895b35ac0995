/*
 * A minimal sysfs: one shared in-memory tree with the top-level
 * directories tools expect. Drivers will add their entries here.
 */
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
