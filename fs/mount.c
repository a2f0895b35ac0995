/* Filesystem types, superblocks and the mount tree. */
#include <linux/mount.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"

#define MAX_FS_TYPES 16
#ifndef MNT_DETACH
#define MNT_DETACH 2
#endif

static const struct fs_type *fs_types[MAX_FS_TYPES];
static LIST_HEAD(mounts);
struct mount *root_mount;
static u32 next_anon_dev = 1;

void register_filesystem(struct fs_type *t)
{
	int i;

	for (i = 0; i < MAX_FS_TYPES; i++) {
		if (!fs_types[i]) {
			fs_types[i] = t;
			return;
		}
	}
	panic("too many filesystem types");
}

const struct fs_type *find_filesystem(const char *name)
{
	int i;

	for (i = 0; i < MAX_FS_TYPES && fs_types[i]; i++)
		if (!strcmp(fs_types[i]->name, name))
			return fs_types[i];
	return NULL;
}

/* For /proc/filesystems. */
const struct fs_type *fs_type_at(int i)
{
	return i >= 0 && i < MAX_FS_TYPES ? fs_types[i] : NULL;
}

struct super_block *sb_alloc(const struct fs_type *t)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return NULL;
	sb->type = t;
	sb->dev = MKDEV(0, next_anon_dev);
	next_anon_dev++;
	return sb;
}

struct mount *mount_lookup(struct mount *parent, struct dentry *d)
{
	struct mount *m, *found = NULL;

	if (!d->mounted)
		return NULL;
	/* The most recent mount on a dentry hides earlier ones. */
	list_for_each_entry(m, &mounts, list)
		if (m->parent == parent && m->mountpoint == d)
			found = m;
	return found;
}

u64 reclaim_page_cache(u64 want)
{
	struct mount *m;
	u64 freed = 0;

	list_for_each_entry(m, &mounts, list) {
		if (freed >= want)
			break;
		if (m->sb->type->reclaim)
			freed += m->sb->type->reclaim(m->sb, want - freed);
	}
	return freed;
}

void sync_filesystems(void)
{
	struct mount *m;

	list_for_each_entry(m, &mounts, list)
		if (m->sb->type->sync_fs)
			m->sb->type->sync_fs(m->sb);
}

struct mount *mount_next(struct mount *m)
{
	struct list_head *n = m ? m->list.next : mounts.next;

	return n == &mounts ? NULL : list_entry(n, struct mount, list);
}

/* Mount ids for /proc/<pid>/mountinfo: unique, never reused. */
static int next_mount_id = 21;

static struct mount *new_mount(const struct fs_type *t, const char *dev,
			       const char *opts, unsigned long flags)
{
	struct super_block *sb = sb_alloc(t);
	struct mount *m;
	int rc;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	sb->flags = flags;
	rc = t->mount(sb, dev, opts);
	if (rc < 0) {
		kfree(sb);
		return ERR_PTR(rc);
	}
	m = kzalloc(sizeof(*m));
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->id = next_mount_id++;
	m->sb = sb;
	m->root = sb->root;
	dentry_get(m->root);
	m->devname = kstrdup(dev ? dev : "none");
	m->flags = flags;
	return m;
}

int mount_root(const char *type)
{
	const struct fs_type *t = find_filesystem(type);
	struct mount *m;

	if (!t)
		return -ENODEV;
	m = new_mount(t, "rootfs", NULL, 0);
	if (IS_ERR(m))
		return (int)PTR_ERR(m);
	root_mount = m;
	list_add_tail(&m->list, &mounts);
	return 0;
}

int do_mount(const char *dev, struct path_ref *where, const char *type,
	     unsigned long flags, const char *opts)
{
	const struct fs_type *t;
	struct mount *m;

	if (flags & MS_REMOUNT) {
		struct mount *cur = where->mnt;

		if (where->dentry != cur->root)
			return -EINVAL;
		if (cur->sb->type->remount) {
			int rc = cur->sb->type->remount(cur->sb, flags);

			if (rc < 0)
				return rc;
		}
		cur->flags = (cur->flags & ~MS_RDONLY) | (flags & MS_RDONLY);
		cur->sb->flags = cur->flags;
		return 0;
	}
	if (flags & MS_BIND)
		return -EINVAL; /* bind mounts are not supported */
	if (flags & (MS_MOVE | MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE))
		return 0; /* propagation types are accepted and ignored */
	if (!type)
		return -EINVAL;
	t = find_filesystem(type);
	if (!t)
		return -ENODEV;
	if (!where->dentry->inode || !S_ISDIR(where->dentry->inode->mode))
		return -ENOTDIR;
	m = new_mount(t, dev, opts, flags);
	if (IS_ERR(m))
		return (int)PTR_ERR(m);
	m->parent = where->mnt;
	m->mountpoint = where->dentry;
	dentry_get(m->mountpoint);
	where->dentry->mounted++;
	list_add_tail(&m->list, &mounts);
	return 0;
}

static bool mount_busy(struct mount *m)
{
	struct mount *c;

	list_for_each_entry(c, &mounts, list)
		if (c->parent == m)
			return true;
	return false;
}

int do_umount(struct path_ref *p, int flags)
{
	struct mount *m = p->mnt;

	if (p->dentry != m->root)
		return -EINVAL;
	if (!m->parent)
		return -EBUSY;
	if (mount_busy(m) && !(flags & MNT_DETACH))
		return -EBUSY;
	list_del(&m->list);
	m->mountpoint->mounted--;
	dentry_put(m->mountpoint);
	if (m->sb->type->umount)
		m->sb->type->umount(m->sb);
	/* The mount itself stays allocated while open files refer to it. */
	return 0;
}

int path_name(const struct path_ref *p, const struct path_ref *root,
	      char *buf, size_t len)
{
	struct mount *mnt = p->mnt;
	struct dentry *d = p->dentry;
	size_t pos = len;

	if (len < 2)
		return -ERANGE;
	buf[--pos] = 0;
	while (!(mnt == root->mnt && d == root->dentry)) {
		if (d == mnt->root) {
			if (!mnt->parent)
				break;
			d = mnt->mountpoint;
			mnt = mnt->parent;
			continue;
		}
		if (pos < (size_t)d->namelen + 1)
			return -ENAMETOOLONG;
		pos -= (size_t)d->namelen;
		memcpy(buf + pos, d->name, (size_t)d->namelen);
		buf[--pos] = '/';
		d = d->parent;
	}
	if (pos == len - 1)
		buf[--pos] = '/';
	memmove(buf, buf + pos, len - pos);
	return (int)(len - pos - 1);
}
