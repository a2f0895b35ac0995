/*
 * inotify: watches on inodes, and the events the VFS reports to them.
 *
 * The VFS calls the fsnotify_* hooks (include/notify.h) after each change
 * succeeds. An event about a file goes to the file's own watches and to
 * its directory's, the latter with the file's name. Each watch belongs to
 * one inotify instance (an fd) and holds a reference to its inode; the
 * instance queues events for read(2), merging one identical to the last
 * unread one, and past its limit queues a single IN_Q_OVERFLOW instead.
 * A watch goes (with IN_IGNORED) on inotify_rm_watch, after one event if
 * IN_ONESHOT, and when its inode is deleted (IN_DELETE_SELF).
 */
#include <asm/ioctls.h>
#include <asm/poll.h>
#include <linux/fcntl.h>
#include <linux/inotify.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "notify.h"
#include "poll.h"
#include "syscall.h"

#define MAX_QUEUED  16384 /* events per instance (fs.inotify.max_queued_events) */
#define MAX_WATCHES 65536 /* watches per instance */
#define EVENT_BITS                                                                         \
	(IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_OPEN | \
	 IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)
#ifndef IN_MASK_CREATE
#define IN_MASK_CREATE 0x10000000
#endif

struct inotify;

struct inotify_watch {
	struct inotify_watch *next_on_inode; /* the inode's watches */
	struct list_head node;		     /* the instance's watches */
	struct inotify *in;
	struct inode *inode; /* referenced */
	int wd;
	u32 mask;
};

struct event {
	struct list_head node;
	int wd;
	u32 mask, cookie, len; /* len: of name with its padding */
	char name[];
};

struct inotify {
	struct list_head watches;
	struct list_head events;
	int nevents;
	size_t bytes; /* queued, for FIONREAD */
	int next_wd;
	int nwatches;
	struct wait_queue wq;
};

static u32 next_cookie;

static const struct file_ops inotify_fops;

/* Queues an event (name may be NULL) unless it repeats the last one. */
static void queue_event(struct inotify *in, int wd, u32 mask, u32 cookie, const char *name)
{
	size_t nlen = name ? strlen(name) : 0;
	u32 len = nlen ? (u32)ALIGN_UP(nlen + 1, sizeof(struct inotify_event)) : 0;
	struct event *e, *last;

	if (!list_empty(&in->events)) {
		last = list_entry(in->events.prev, struct event, node);
		if (last->wd == wd && last->mask == mask && last->cookie == cookie &&
		    last->len == len && (!len || !strcmp(last->name, name)))
			return;
		if (last->mask == IN_Q_OVERFLOW)
			return;
	}
	if (in->nevents >= MAX_QUEUED) {
		wd = -1;
		mask = IN_Q_OVERFLOW;
		cookie = 0;
		len = 0;
	}
	e = kzalloc(sizeof(*e) + len);
	if (!e)
		return;
	e->wd = wd;
	e->mask = mask;
	e->cookie = cookie;
	e->len = len;
	if (len)
		memcpy(e->name, name, nlen);
	list_add_tail(&e->node, &in->events);
	in->nevents++;
	in->bytes += sizeof(struct inotify_event) + len;
	wake_up_poll(&in->wq, POLLIN);
}

/* Takes w off its inode and instance and frees it, with IN_IGNORED. */
static void watch_remove(struct inotify_watch *w)
{
	struct inotify_watch **pp = &w->inode->watches;

	while (*pp && *pp != w)
		pp = &(*pp)->next_on_inode;
	if (*pp)
		*pp = w->next_on_inode;
	queue_event(w->in, w->wd, IN_IGNORED, 0, NULL);
	list_del(&w->node);
	w->in->nwatches--;
	inode_put(w->inode);
	kfree(w);
}

/* Reports mask (with cookie and name) to the watches of inode i. */
static void notify_inode(struct inode *i, u32 mask, u32 cookie, const char *name, bool isdir)
{
	struct inotify_watch *w, *next;

	if (!i)
		return;
	for (w = i->watches; w; w = next) {
		next = w->next_on_inode;
		if (!(w->mask & mask))
			continue;
		queue_event(w->in, w->wd,
			    (mask & (EVENT_BITS | IN_UNMOUNT)) | (isdir ? IN_ISDIR : 0), cookie,
			    name);
		if (w->mask & IN_ONESHOT)
			watch_remove(w);
	}
}

/* An event on d's inode: its own watches, then its directory's. */
static void notify_dentry(struct dentry *d, u32 mask)
{
	struct inode *i;
	bool isdir;

	if (!d || !(i = d->inode))
		return;
	isdir = S_ISDIR(i->mode);
	notify_inode(i, mask, 0, NULL, isdir);
	if (d->parent != d && d->parent->inode && d->parent->inode->watches)
		notify_inode(d->parent->inode, mask, 0, d->name, isdir);
}

static bool watched(struct dentry *d)
{
	return d && d->inode &&
	       (d->inode->watches ||
		(d->parent != d && d->parent->inode && d->parent->inode->watches));
}

void fsnotify_access(struct file *f)
{
	if (watched(f->path.dentry))
		notify_dentry(f->path.dentry, IN_ACCESS);
}

void fsnotify_modify(struct file *f)
{
	if (watched(f->path.dentry))
		notify_dentry(f->path.dentry, IN_MODIFY);
}

void fsnotify_open(struct file *f)
{
	if (watched(f->path.dentry))
		notify_dentry(f->path.dentry, IN_OPEN);
}

void fsnotify_close(struct file *f)
{
	if (watched(f->path.dentry))
		notify_dentry(f->path.dentry,
			      (f->mode & FMODE_WRITE) ? IN_CLOSE_WRITE : IN_CLOSE_NOWRITE);
}

void fsnotify_change(struct dentry *d, unsigned valid)
{
	if (!watched(d))
		return;
	if (valid & ATTR_SIZE)
		notify_dentry(d, IN_MODIFY);
	if (valid & ~(unsigned)ATTR_SIZE)
		notify_dentry(d, IN_ATTRIB);
}

void fsnotify_create(struct inode *dir, const char *name, bool isdir)
{
	if (dir && dir->watches)
		notify_inode(dir, IN_CREATE, 0, name, isdir);
}

void fsnotify_link(struct inode *dir, const char *name, struct inode *i)
{
	if (i && i->watches)
		notify_inode(i, IN_ATTRIB, 0, NULL, false);
	fsnotify_create(dir, name, false);
}

/* Deletes i's watches: the inode is gone. */
static void inode_gone(struct inode *i)
{
	notify_inode(i, IN_DELETE_SELF, 0, NULL, false);
	while (i->watches)
		watch_remove(i->watches);
}

/* A name of i went away: a file's link count changed (IN_ATTRIB); with
 * no names left, or a directory, the inode is gone. */
static void name_removed(struct inode *i, bool isdir)
{
	if (!i || !i->watches)
		return;
	if (!isdir)
		notify_inode(i, IN_ATTRIB, 0, NULL, false);
	if (isdir || i->nlink == 0)
		inode_gone(i);
}

void fsnotify_delete(struct inode *dir, const char *name, struct inode *victim, bool isdir)
{
	name_removed(victim, isdir);
	if (dir && dir->watches)
		notify_inode(dir, IN_DELETE, 0, name, isdir);
}

void fsnotify_move(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
		   struct inode *moved, struct inode *replaced, bool isdir)
{
	u32 cookie = ++next_cookie ? next_cookie : ++next_cookie;

	if (odir && odir->watches)
		notify_inode(odir, IN_MOVED_FROM, cookie, oname, isdir);
	if (ndir && ndir->watches)
		notify_inode(ndir, IN_MOVED_TO, cookie, nname, isdir);
	if (replaced)
		name_removed(replaced, S_ISDIR(replaced->mode));
	if (moved && moved->watches)
		notify_inode(moved, IN_MOVE_SELF, 0, NULL, isdir);
}

/* --- the inotify fd --- */

static ssize_t inotify_read(struct file *f, struct uio *u, u64 *pos)
{
	struct inotify *in = f->priv;
	ssize_t done = 0;
	long rc;

	(void)pos;
	while (list_empty(&in->events)) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(&in->wq, !list_empty(&in->events), "inotify");
		if (rc < 0)
			return rc;
	}
	while (!list_empty(&in->events)) {
		struct event *e = list_entry(in->events.next, struct event, node);
		struct inotify_event h = {
			.wd = e->wd, .mask = e->mask, .cookie = e->cookie, .len = e->len};
		size_t need = sizeof(h) + e->len;

		if (u->resid < need)
			return done ? done : -EINVAL;
		rc = uio_copy_to(u, &h, sizeof(h));
		if (rc >= 0 && e->len)
			rc = uio_copy_to(u, e->name, e->len);
		if (rc < 0)
			return done ? done : rc;
		done += (ssize_t)need;
		list_del(&e->node);
		in->nevents--;
		in->bytes -= need;
		kfree(e);
	}
	return done;
}

static unsigned inotify_poll(struct file *f, struct poll_table *pt)
{
	struct inotify *in = f->priv;

	poll_wait(pt, &in->wq);
	return list_empty(&in->events) ? 0 : POLLIN | POLLRDNORM;
}

static long inotify_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct inotify *in = f->priv;
	int n = (int)in->bytes;

	if (cmd != FIONREAD)
		return -ENOTTY;
	return copy_to_user(arg, &n, sizeof(n)) < 0 ? -EFAULT : 0;
}

static void inotify_release(struct file *f)
{
	struct inotify *in = f->priv;
	struct event *e, *en;

	while (!list_empty(&in->watches))
		watch_remove(list_entry(in->watches.next, struct inotify_watch, node));
	list_for_each_entry_safe(e, en, &in->events, node) kfree(e);
	kfree(in);
}

static const struct file_ops inotify_fops = {
	.read = inotify_read,
	.poll = inotify_poll,
	.ioctl = inotify_ioctl,
	.release = inotify_release,
	.anon_name = "inotify",
};

long sys_inotify_init1(int flags)
{
	struct inotify *in;

	if (flags & ~(IN_CLOEXEC | IN_NONBLOCK))
		return -EINVAL;
	in = kzalloc(sizeof(*in));
	if (!in)
		return -ENOMEM;
	list_init(&in->watches);
	list_init(&in->events);
	wq_init(&in->wq);
	in->next_wd = 1;
	return anon_fd_create(&inotify_fops, in, O_RDONLY | (flags & IN_NONBLOCK),
			      (flags & IN_CLOEXEC) != 0);
}

long sys_inotify_init(void)
{
	return sys_inotify_init1(0);
}

/* The instance behind fd (file referenced), or an ERR_PTR. */
static struct inotify *inotify_get(int fd, struct file **fp)
{
	return fget_priv(fd, &inotify_fops, -EINVAL, fp);
}

int user_lookup(int dirfd, u64 upath, unsigned lflags, struct nameidata *nd);

long sys_inotify_add_watch(int fd, u64 upath, u32 mask)
{
	struct nameidata nd;
	struct inotify *in;
	struct inode *i;
	struct inotify_watch *w;
	struct file *f;
	long rc;

	/* Like Linux: some known bit, even a flag alone, must be there. */
	if (!(mask & (EVENT_BITS | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_ADD |
		      IN_ONESHOT | IN_MASK_CREATE)))
		return -EINVAL;
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	in = inotify_get(fd, &f);
	if (IS_ERR(in))
		return PTR_ERR(in);
	rc = user_lookup(AT_FDCWD, upath,
			 ((mask & IN_DONT_FOLLOW) ? 0 : LOOKUP_FOLLOW) |
				 ((mask & IN_ONLYDIR) ? LOOKUP_DIRECTORY : 0),
			 &nd);
	if (rc < 0)
		goto out;
	i = nd.path.dentry->inode;
	rc = inode_permission(i, 4);
	if (rc < 0)
		goto out_path;
	for (w = i->watches; w; w = w->next_on_inode)
		if (w->in == in)
			break;
	if (w) {
		if (mask & IN_MASK_CREATE) {
			rc = -EEXIST;
			goto out_path;
		}
		w->mask = (mask & IN_MASK_ADD) ? w->mask | mask : mask;
		rc = w->wd;
		goto out_path;
	}
	if (in->nwatches >= MAX_WATCHES) {
		rc = -ENOSPC;
		goto out_path;
	}
	w = kzalloc(sizeof(*w));
	if (!w) {
		rc = -ENOMEM;
		goto out_path;
	}
	w->in = in;
	w->inode = i;
	inode_get(i);
	w->wd = in->next_wd++;
	w->mask = mask;
	w->next_on_inode = i->watches;
	i->watches = w;
	list_add_tail(&w->node, &in->watches);
	in->nwatches++;
	rc = w->wd;
out_path:
	path_put(&nd.path);
out:
	file_put(f);
	return rc;
}

long sys_inotify_rm_watch(int fd, int wd)
{
	struct inotify *in;
	struct inotify_watch *w;
	struct file *f;
	long rc = -EINVAL;

	in = inotify_get(fd, &f);
	if (IS_ERR(in))
		return PTR_ERR(in);
	list_for_each_entry(w, &in->watches, node)
	{
		if (w->wd == wd) {
			watch_remove(w);
			rc = 0;
			break;
		}
	}
	file_put(f);
	return rc;
}
