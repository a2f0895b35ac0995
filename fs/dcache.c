/* Inodes and dentries: allocation, reference counting, the name tree. */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "locks.h"
#include "mm.h"
#include "printk.h"
#include "timer.h"

void inode_touch(struct inode *i, bool m, bool c)
{
	u64 now = ktime_real_ns();
	struct ktimespec ts = { (s64)(now / NSEC_PER_SEC), (long)(now % NSEC_PER_SEC) };

	if (m)
		i->mtime = ts;
	if (c)
		i->ctime = ts;
}

struct inode *inode_alloc(struct super_block *sb, u32 mode)
{
	struct inode *i = kzalloc(sizeof(*i));

	if (!i)
		return NULL;
	i->sb = sb;
	i->mode = mode;
	i->nlink = 1;
	i->refcount = 1;
	i->ino = sb ? ++sb->next_ino : 0;
	wq_init(&i->wq);
	list_init(&i->mappings);
	inode_touch(i, true, true);
	i->atime = i->mtime;
	i->btime = i->mtime;
	return i;
}

void inode_get(struct inode *i)
{
	i->refcount++;
}

void inode_put(struct inode *i)
{
	if (!i)
		return;
	BUG_ON(i->refcount <= 0);
	if (--i->refcount > 0)
		return;
	if (i->iops && i->iops->evict)
		i->iops->evict(i);
	if (i->pcache)
		pcache_truncate(i, 0);
	locks_free_ctx(i);
	kfree(i->symlink);
	if (i->free_priv)
		kfree(i->priv);
	kfree(i);
}

struct dentry *dentry_alloc(struct dentry *parent, const char *name, int len)
{
	struct dentry *d = kzalloc(sizeof(*d));

	if (!d)
		return NULL;
	d->name = kstrndup(name, (size_t)len);
	if (!d->name) {
		kfree(d);
		return NULL;
	}
	d->namelen = len;
	d->refcount = 1;
	list_init(&d->children);
	list_init(&d->sibling);
	if (parent) {
		d->parent = parent;
		d->sb = parent->sb;
		dentry_get(parent);
	} else {
		d->parent = d;
	}
	return d;
}

void dentry_get(struct dentry *d)
{
	d->refcount++;
}

void dentry_put(struct dentry *d)
{
	while (d) {
		struct dentry *parent;

		BUG_ON(d->refcount <= 0);
		if (--d->refcount > 0)
			return;
		/* Hashed dentries are held by their parent's list. */
		BUG_ON(d->hashed);
		parent = d->parent != d ? d->parent : NULL;
		if (d->inode)
			inode_put(d->inode);
		kfree(d->name);
		kfree(d);
		d = parent;
	}
}

struct dentry *dentry_child(struct dentry *dir, const char *name, int len)
{
	struct dentry *c;

	list_for_each_entry(c, &dir->children, sibling) {
		if (c->namelen == len && !memcmp(c->name, name, (size_t)len)) {
			dentry_get(c);
			return c;
		}
	}
	return NULL;
}

void dentry_move(struct dentry *d, char *name, int len, struct dentry *parent)
{
	dentry_get(d);
	dentry_unhash(d);
	kfree(d->name);
	d->name = name;
	d->namelen = len;
	if (d->parent != parent) {
		dentry_get(parent);
		dentry_put(d->parent);
		d->parent = parent;
	}
	dentry_hash(d);
	dentry_put(d);
}

void setattr_copy(struct inode *i, const struct iattr_k *a)
{
	if (a->valid & ATTR_MODE)
		i->mode = (i->mode & S_IFMT) | (a->mode & 07777);
	if (a->valid & ATTR_UID)
		i->uid = a->uid;
	if (a->valid & ATTR_GID)
		i->gid = a->gid;
	if (a->valid & ATTR_ATIME)
		i->atime = a->atime;
	if (a->valid & ATTR_MTIME)
		i->mtime = a->mtime;
	inode_touch(i, false, true);
}

/* A hashed dentry holds one reference on itself for the parent's list. */
void dentry_hash(struct dentry *d)
{
	if (d->hashed)
		return;
	d->hashed = true;
	d->refcount++;
	list_add_tail(&d->sibling, &d->parent->children);
}

void dentry_unhash(struct dentry *d)
{
	if (!d->hashed)
		return;
	list_del(&d->sibling);
	d->hashed = false;
	dentry_put(d);
}
