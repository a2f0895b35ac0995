/*
 * devpts: pseudo-terminal slaves as /dev/pts/N, and /dev/pts/ptmx.
 *
 * Every mount is an instance of its own, as on Linux since 4.7: its own
 * numbering, its own options (uid=, gid=, mode=, ptmxmode=, max=) and its
 * own "ptmx" node. A master opened through /dev/ptmx belongs to the
 * instance mounted on the "pts" directory beside that node.
 *
 * The tree is a tmpfs tree (fs/tmpfs) whose root directory takes no names
 * from user space: nodes appear when a master opens (devpts_pty_new) and
 * go when it closes (devpts_pty_kill). The nodes themselves are ordinary
 * tmpfs device nodes, so chmod and chown on them work as on Linux.
 */
#include <linux/magic.h>

#include "devpts.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"

#define PTMX_RDEV MKDEV(5, 2)

/* One instance; owned by the CPU thread, never freed (as superblocks). */
struct devpts {
	struct super_block *sb;	       /* [I] */
	const struct inode_ops *tmpfs; /* [I] the tree's own operations */
	bool setuid, setgid;	       /* [I] uid=, gid= given */
	int uid, gid;		       /* [I] owner of new slave nodes */
	u32 mode, ptmxmode;	       /* [I] their permissions, ptmx's */
	int max;		       /* [I] most ptys (max=) */
	void **slot;		       /* index -> pty, nslot entries */
	int nslot, count;
};

static struct fs_type devpts_type;

/* Options as Linux's devpts takes them; -EINVAL for any other. */
static int parse_options(struct devpts *fs, const char *opts)
{
	char buf[256], *p, *end;

	if (!opts)
		return 0;
	if (strlcpy(buf, opts, sizeof(buf)) >= sizeof(buf))
		return -EINVAL;
	for (p = buf; p && *p; p = end) {
		unsigned long v;
		char *eq;

		end = strchr(p, ',');
		if (end)
			*end++ = 0;
		if (!*p || !strcmp(p, "newinstance") || !strcmp(p, "rw") || !strcmp(p, "ro"))
			continue;
		eq = strchr(p, '=');
		if (!eq)
			return -EINVAL;
		*eq++ = 0;
		if (!strcmp(p, "uid") && kstrtoul(eq, 10, &v) == 0 && v < 0x80000000UL) {
			fs->uid = (int)v;
			fs->setuid = true;
		} else if (!strcmp(p, "gid") && kstrtoul(eq, 10, &v) == 0 && v < 0x80000000UL) {
			fs->gid = (int)v;
			fs->setgid = true;
		} else if (!strcmp(p, "mode") && kstrtoul(eq, 8, &v) == 0) {
			fs->mode = (u32)v & 07777;
		} else if (!strcmp(p, "ptmxmode") && kstrtoul(eq, 8, &v) == 0) {
			fs->ptmxmode = (u32)v & 07777;
		} else if (!strcmp(p, "max") && kstrtoul(eq, 10, &v) == 0) {
			fs->max = v < PTY_MAX_MINORS ? (int)v : (int)PTY_MAX_MINORS;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

/* Root's directory: lookups only (the tree holds every name). */
static int devpts_root_setattr(struct dentry *d, struct iattr_k *a)
{
	struct devpts *fs = d->sb->priv;

	return fs->tmpfs->setattr(d, a);
}

static const struct inode_ops devpts_root_iops = {.setattr = devpts_root_setattr};

static int devpts_mount(struct super_block *sb, const char *dev, const char *opts)
{
	const struct fs_type *tmpfs = find_filesystem("tmpfs");
	struct devpts *fs = kzalloc(sizeof(*fs));
	struct inode *root;
	struct dentry *ptmx;
	int rc;

	if (!fs)
		return -ENOMEM;
	fs->mode = 0600;
	fs->ptmxmode = 0;
	fs->max = (int)PTY_MAX_MINORS;
	rc = parse_options(fs, opts);
	if (rc == 0)
		rc = tmpfs->mount(sb, "devpts", NULL);
	if (rc < 0) {
		kfree(fs);
		return rc;
	}
	fs->sb = sb;
	sb->priv = fs;
	sb->magic = DEVPTS_SUPER_MAGIC;
	root = sb->root->inode;
	fs->tmpfs = root->iops;
	root->mode = S_IFDIR | 0755;
	root->uid = root->gid = 0;
	ptmx = dentry_alloc(sb->root, "ptmx", 4);
	if (ptmx) {
		if (fs->tmpfs->create(sb->root, ptmx, S_IFCHR | fs->ptmxmode, PTMX_RDEV) == 0)
			ptmx->inode->uid = ptmx->inode->gid = 0;
		dentry_put(ptmx);
	}
	root->iops = &devpts_root_iops;
	return 0;
}

static int devpts_statfs(struct super_block *sb, struct kstatfs *st)
{
	st->type = DEVPTS_SUPER_MAGIC;
	st->bsize = PAGE_SIZE;
	st->frsize = PAGE_SIZE;
	st->namelen = 255;
	return 0;
}

static int devpts_show_options(struct super_block *sb, char *buf, size_t len)
{
	struct devpts *fs = sb->priv;
	int n = 0;

	if (fs->setuid)
		n += scnprintf(buf + n, len - (size_t)n, ",uid=%d", fs->uid);
	if (fs->setgid)
		n += scnprintf(buf + n, len - (size_t)n, ",gid=%d", fs->gid);
	n += scnprintf(buf + n, len - (size_t)n, ",mode=%03o,ptmxmode=%03o", fs->mode,
		       fs->ptmxmode);
	if (fs->max < (int)PTY_MAX_MINORS)
		n += scnprintf(buf + n, len - (size_t)n, ",max=%d", fs->max);
	return n;
}

static struct fs_type devpts_type = {
	.name = "devpts",
	.nodev = true,
	.mount = devpts_mount,
	.statfs = devpts_statfs,
	.show_options = devpts_show_options,
};

struct devpts *devpts_find(const struct path_ref *p, struct mount **mnt)
{
	struct path_ref q;
	struct dentry *pts;
	struct devpts *fs = NULL;

	if (p->mnt->sb->type == &devpts_type) {
		*mnt = p->mnt;
		return p->mnt->sb->priv;
	}
	if (p->dentry == p->mnt->root)
		return ERR_PTR(-ENODEV);
	pts = vfs_lookup_one(p->dentry->parent, "pts", 3);
	if (IS_ERR(pts))
		return ERR_PTR(-ENODEV);
	q.mnt = p->mnt;
	q.dentry = pts;
	path_follow_mounts(&q);
	if (q.mnt->sb->type == &devpts_type && q.dentry == q.mnt->root) {
		fs = q.mnt->sb->priv;
		*mnt = q.mnt;
	}
	dentry_put(q.dentry);
	return fs ? fs : ERR_PTR(-ENODEV);
}

int devpts_new_index(struct devpts *fs, void *obj)
{
	int i;

	if (fs->count >= fs->max)
		return -ENOSPC;
	for (i = 0; i < fs->nslot; i++)
		if (!fs->slot[i])
			break;
	if (i == fs->nslot) {
		int n = fs->nslot ? fs->nslot * 2 : 16;
		void **slot = kzalloc(sizeof(*slot) * (size_t)n);

		if (!slot)
			return -ENOMEM;
		if (fs->nslot)
			memcpy(slot, fs->slot, sizeof(*slot) * (size_t)fs->nslot);
		kfree(fs->slot);
		fs->slot = slot;
		fs->nslot = n;
	}
	fs->slot[i] = obj;
	fs->count++;
	return i;
}

void devpts_kill_index(struct devpts *fs, int index)
{
	BUG_ON(index < 0 || index >= fs->nslot || !fs->slot[index]);
	fs->slot[index] = NULL;
	fs->count--;
}

void *devpts_lookup(struct inode *inode)
{
	struct devpts *fs;
	u32 index = DEV_MINOR(inode->rdev);

	if (!inode->sb || inode->sb->type != &devpts_type)
		return NULL;
	fs = inode->sb->priv;
	return index < (u32)fs->nslot ? fs->slot[index] : NULL;
}

struct dentry *devpts_pty_new(struct devpts *fs, int index)
{
	struct dentry *root = fs->sb->root, *d;
	char name[12];
	int rc, len = scnprintf(name, sizeof(name), "%d", index);

	d = dentry_alloc(root, name, len);
	if (!d)
		return ERR_PTR(-ENOMEM);
	rc = fs->tmpfs->create(root, d, S_IFCHR | fs->mode, MKDEV(PTY_SLAVE_MAJOR, (u32)index));
	if (rc < 0) {
		dentry_put(d);
		return ERR_PTR(rc);
	}
	d->inode->uid = fs->setuid ? fs->uid : current->fsuid;
	d->inode->gid = fs->setgid ? fs->gid : current->fsgid;
	return d;
}

void devpts_pty_kill(struct devpts *fs, struct dentry *node)
{
	if (node->hashed)
		fs->tmpfs->unlink(fs->sb->root, node);
	dentry_put(node);
}

void devpts_init(void)
{
	register_filesystem(&devpts_type);
}
