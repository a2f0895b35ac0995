/*
 * Path walk: turns a path into a (mount, dentry) pair, following symbolic
 * links, "..", and mount points, as Linux does.
 */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"

#define MAX_SYMLINKS 40

void path_get(struct path_ref *p)
{
	dentry_get(p->dentry);
}

void path_put(struct path_ref *p)
{
	if (p->dentry)
		dentry_put(p->dentry);
	p->dentry = NULL;
}

bool in_group(int gid)
{
	u32 k;

	if (current->fsgid == gid)
		return true;
	for (k = 0; k < current->ngroups; k++)
		if ((int)current->groups[k] == gid)
			return true;
	return false;
}

int inode_permission(struct inode *i, int mask)
{
	u32 mode = i->mode, bits;
	int fsuid = current ? current->fsuid : 0;

	if (fsuid == 0) {
		/* root may execute only if some x bit is set (or a dir). */
		if ((mask & 1) && !S_ISDIR(mode) && !(mode & 0111))
			return -EACCES;
		return 0;
	}
	if (fsuid == i->uid)
		bits = (mode >> 6) & 7;
	else if (in_group(i->gid))
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	if ((bits & (u32)mask) != (u32)mask)
		return -EACCES;
	return 0;
}

/* Looks one name up below dir; returns a referenced dentry or ERR_PTR. */
struct dentry *vfs_lookup_one(struct dentry *dir, const char *name, int len)
{
	struct dentry *d = dentry_child(dir, name, len);
	int rc;

	if (d && d->inode && d->sb && d->sb->type->revalidate) {
		/* A name whose backing object went away or was replaced is
		 * looked up again; one with a mount on it stays what it was. */
		if (d->mounted || d->sb->type->revalidate(d) == 0)
			return d;
		dentry_unhash(d);
		dentry_put(d);
		d = NULL;
	}
	if (d)
		return d;
	if (!dir->inode->iops || !dir->inode->iops->lookup)
		return ERR_PTR(-ENOENT);
	d = dentry_alloc(dir, name, len);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->sb = dir->sb;
	rc = dir->inode->iops->lookup(dir, d);
	if (rc < 0) {
		dentry_put(d);
		return ERR_PTR(rc);
	}
	return d;
}

void path_follow_mounts(struct path_ref *p)
{
	struct mount *m;

	while ((m = mount_lookup(p->mnt, p->dentry)) != NULL) {
		dentry_get(m->root);
		dentry_put(p->dentry);
		p->mnt = m;
		p->dentry = m->root;
	}
}

static void go_up(struct path_ref *p, const struct path_ref *root)
{
	for (;;) {
		struct dentry *parent;

		if (p->mnt == root->mnt && p->dentry == root->dentry)
			return;
		if (p->dentry == p->mnt->root) {
			if (!p->mnt->parent)
				return;
			dentry_get(p->mnt->mountpoint);
			dentry_put(p->dentry);
			p->dentry = p->mnt->mountpoint;
			p->mnt = p->mnt->parent;
			continue;
		}
		parent = p->dentry->parent;
		dentry_get(parent);
		dentry_put(p->dentry);
		p->dentry = parent;
		return;
	}
}

/* One path walk: where "/" is, where it started (for LOOKUP_BENEATH),
 * the openat2 restrictions, the symlinks followed so far. */
struct walk_ctx {
	struct path_ref root, base;
	unsigned flags; /* LOOKUP_BENEATH ... LOOKUP_NO_XDEV */
	int links;
};

static int walk(struct walk_ctx *c, struct path_ref *cur, const char *path, unsigned flags,
		struct nameidata *nd);

static int follow_link(struct walk_ctx *c, struct path_ref *cur, struct path_ref *link)
{
	struct inode *i = link->dentry->inode;
	char *buf;
	int n, rc;

	if (c->flags & LOOKUP_NO_SYMLINKS)
		return -ELOOP;
	if (++c->links > MAX_SYMLINKS)
		return -ELOOP;
	if (i->iops && i->iops->get_link_path) {
		struct path_ref target;

		/* Magic links (/proc/<pid>/fd/N) lead anywhere. */
		if (c->flags & LOOKUP_NO_MAGICLINKS)
			return -ELOOP;
		if (c->flags & (LOOKUP_BENEATH | LOOKUP_IN_ROOT))
			return -EXDEV;

		rc = i->iops->get_link_path(link->dentry, &target);
		if (rc < 0)
			return rc;
		path_put(cur);
		*cur = target;
		return 0;
	}
	if (!i->iops || !i->iops->readlink)
		return -EINVAL;
	buf = kmalloc(4096);
	if (!buf)
		return -ENOMEM;
	n = i->iops->readlink(link->dentry, buf, 4095);
	if (n < 0) {
		kfree(buf);
		return n;
	}
	buf[n] = 0;
	{
		struct nameidata sub;

		rc = walk(c, cur, buf, LOOKUP_FOLLOW, &sub);
		if (rc == 0) {
			path_put(cur);
			*cur = sub.path;
		}
	}
	kfree(buf);
	return rc;
}

/*
 * Walks path from cur (which is consumed: on success nd->path holds the
 * result with a reference, on failure everything is released).
 */
static int walk(struct walk_ctx *c, struct path_ref *start, const char *path, unsigned flags,
		struct nameidata *nd)
{
	struct path_ref cur = *start, root = c->root;
	const char *p = path;
	int rc = 0;

	path_get(&cur);
	if (*p == '/') {
		path_put(&cur);
		if (c->flags & LOOKUP_BENEATH)
			return -EXDEV;
		cur = root;
		path_get(&cur);
	}
	for (;;) {
		const char *name;
		int len;
		bool last, trailing_slash = false;
		struct dentry *d;
		struct path_ref next;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		name = p;
		while (*p && *p != '/')
			p++;
		len = (int)(p - name);
		{
			const char *q = p;

			while (*q == '/')
				q++;
			last = !*q;
			trailing_slash = last && *p == '/';
		}
		if (!cur.dentry->inode || !S_ISDIR(cur.dentry->inode->mode)) {
			rc = -ENOTDIR;
			goto fail;
		}
		rc = inode_permission(cur.dentry->inode, 1);
		if (rc < 0)
			goto fail;
		if (len > 255) {
			rc = -ENAMETOOLONG;
			goto fail;
		}
		if (last && (flags & LOOKUP_PARENT)) {
			nd->last = name;
			nd->last_len = len;
			if (trailing_slash && !(len == 1 && name[0] == '.'))
				nd->last_len = len; /* caller checks dirs */
			break;
		}
		if (len == 1 && name[0] == '.')
			continue;
		if (len == 2 && name[0] == '.' && name[1] == '.') {
			struct mount *was = cur.mnt;

			if ((c->flags & LOOKUP_BENEATH) && cur.mnt == c->base.mnt &&
			    cur.dentry == c->base.dentry) {
				rc = -EXDEV; /* out of where the walk must stay */
				goto fail;
			}
			go_up(&cur, &root);
			if ((c->flags & LOOKUP_NO_XDEV) && cur.mnt != was) {
				rc = -EXDEV;
				goto fail;
			}
			continue;
		}
		d = vfs_lookup_one(cur.dentry, name, len);
		if (IS_ERR(d)) {
			rc = (int)PTR_ERR(d);
			goto fail;
		}
		if (!d->inode) {
			dentry_put(d);
			rc = -ENOENT;
			goto fail;
		}
		next.mnt = cur.mnt;
		next.dentry = d;
		path_follow_mounts(&next);
		if ((c->flags & LOOKUP_NO_XDEV) && next.mnt != cur.mnt) {
			path_put(&next);
			rc = -EXDEV;
			goto fail;
		}
		if (S_ISLNK(next.dentry->inode->mode) &&
		    (!last || (flags & LOOKUP_FOLLOW) || trailing_slash)) {
			rc = follow_link(c, &cur, &next);
			path_put(&next);
			if (rc < 0)
				goto fail;
			continue;
		}
		path_put(&cur);
		cur = next;
	}
	if (flags & LOOKUP_PARENT) {
		if (!nd->last) {
			/* "/" or "." as the whole path: there is no last name */
			nd->last = ".";
			nd->last_len = 1;
		}
	} else if ((flags & LOOKUP_DIRECTORY) &&
		   (!cur.dentry->inode || !S_ISDIR(cur.dentry->inode->mode))) {
		rc = -ENOTDIR;
		goto fail;
	}
	nd->path = cur;
	return 0;
fail:
	path_put(&cur);
	return rc;
}

int path_lookup_at(int dirfd, const char *name, unsigned flags,
		   struct nameidata *nd)
{
	struct path_ref start;
	struct walk_ctx c = { .flags = flags & LOOKUP_RESOLVE_MASK };
	struct file *f = NULL;
	int rc;
	size_t n = strlen(name);

	nd->last = NULL;
	nd->last_len = 0;
	if (!*name && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	if ((name[0] == '/' && !(flags & LOOKUP_IN_ROOT)) || dirfd == AT_FDCWD) {
		start = current->fs->cwd;
	} else {
		f = fget(dirfd);
		if (!f)
			return -EBADF;
		start = f->path;
		if (!start.dentry) {
			file_put(f);
			return *name ? -ENOTDIR : -ENOENT;
		}
		if (*name && (!start.dentry->inode ||
			      !S_ISDIR(start.dentry->inode->mode))) {
			file_put(f);
			return -ENOTDIR;
		}
	}
	/* A trailing slash demands a directory. */
	if (n > 0 && name[n - 1] == '/' && !(flags & LOOKUP_PARENT))
		flags |= LOOKUP_DIRECTORY | LOOKUP_FOLLOW;
	c.root = current->fs->root;
	c.base = start;
	if (flags & LOOKUP_IN_ROOT)
		c.root = start; /* "/" and ".." stop at the starting directory */
	rc = walk(&c, &start, name, flags, nd);
	if (f)
		file_put(f);
	if (rc == 0 && (flags & LOOKUP_PARENT) && nd->last) {
		memcpy(nd->last_buf, nd->last, (size_t)nd->last_len);
		nd->last_buf[nd->last_len] = 0;
		nd->last = nd->last_buf;
	}
	return rc;
}
