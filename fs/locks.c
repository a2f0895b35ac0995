/*
 * Advisory file locks, as Linux keeps them:
 *
 *   - POSIX record locks (fcntl F_SETLK/F_SETLKW/F_GETLK): byte ranges
 *     owned by a process (its fd table); a close of any descriptor of the
 *     file by that process releases all of them, fork does not inherit
 *     them, and a blocking request that would close a cycle of waiting
 *     owners fails with EDEADLK.
 *   - Open-file-description locks (F_OFD_*): the same ranges, owned by an
 *     open file; they conflict with POSIX locks and go with the last
 *     reference to the file.
 *   - flock(2): whole-file shared/exclusive locks owned by an open file,
 *     independent of the other two kinds.
 *
 * Each inode that ever had a lock gets a lock context: its list of locks
 * and a wait queue that every change wakes. A lock record is small, but a
 * guest can split ranges into many, so their number is bounded (ENOLCK).
 */
#include <linux/fcntl.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "locks.h"
#include "kprintf.h"
#include "mm.h"
#include "printk.h"
#include "syscall.h"

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

#define OFFSET_MAX 0x7fffffffffffffffLL
#define MAX_LOCKS  65536

enum lock_kind { LK_POSIX, LK_OFD, LK_FLOCK };

struct file_lock {
	struct list_head node; /* in the context's list */
	struct list_head all;  /* in all_locks, for /proc/locks */
	enum lock_kind kind;
	int type;	/* F_RDLCK or F_WRLCK */
	s64 start, end; /* inclusive; end OFFSET_MAX: to end of file */
	void *owner;	/* struct files (POSIX) or struct file */
	int pid;	/* the process that took it */
	struct inode *inode;
};

struct file_lock_ctx {
	struct list_head locks;
	struct wait_queue wq;
	u64 gen; /* counts changes: a sleeper rechecks after each */
};

/* A task asleep in F_SETLKW, for deadlock detection. */
struct lock_waiter {
	struct list_head node;
	void *owner;   /* who waits */
	void *blocker; /* the owner of the lock it waits behind */
};

static LIST_HEAD(posix_waiters);
static LIST_HEAD(all_locks);
static int nr_locks;

static void changed(struct file_lock_ctx *c)
{
	c->gen++;
	wake_up(&c->wq);
}

static struct file_lock_ctx *ctx_of(struct inode *i, bool create)
{
	struct file_lock_ctx *c = i->flctx;

	if (c || !create)
		return c;
	c = kzalloc(sizeof(*c));
	if (!c)
		return NULL;
	list_init(&c->locks);
	wq_init(&c->wq);
	i->flctx = c;
	return c;
}

void locks_free_ctx(struct inode *i)
{
	struct file_lock_ctx *c = i->flctx;

	if (!c)
		return;
	BUG_ON(!list_empty(&c->locks));
	kfree(c);
	i->flctx = NULL;
}

static struct file_lock *lock_new(const struct file_lock *tmpl)
{
	struct file_lock *l;

	if (nr_locks >= MAX_LOCKS)
		return NULL;
	l = kmalloc(sizeof(*l));
	if (!l)
		return NULL;
	*l = *tmpl;
	list_init(&l->node);
	list_add_tail(&l->all, &all_locks);
	nr_locks++;
	return l;
}

static void lock_free(struct file_lock *l)
{
	list_del(&l->node);
	list_del(&l->all);
	nr_locks--;
	kfree(l);
}

static bool is_posix_like(const struct file_lock *l)
{
	return l->kind == LK_POSIX || l->kind == LK_OFD;
}

static bool conflicts(const struct file_lock *held, const struct file_lock *want)
{
	if (held->owner == want->owner)
		return false;
	if (is_posix_like(held) != is_posix_like(want))
		return false;
	if (held->end < want->start || want->end < held->start)
		return false;
	return held->type == F_WRLCK || want->type == F_WRLCK;
}

static struct file_lock *first_conflict(struct file_lock_ctx *c, const struct file_lock *want)
{
	struct file_lock *l;

	if (!c)
		return NULL;
	list_for_each_entry(l, &c->locks, node)
	{
		if (conflicts(l, want))
			return l;
	}
	return NULL;
}

/* Would owner waiting behind blocker close a cycle of POSIX waiters? */
static bool would_deadlock(void *owner, void *blocker)
{
	struct lock_waiter *w;
	int depth = 0;

	while (blocker && depth++ < 1024) {
		if (blocker == owner)
			return true;
		void *next = NULL;

		list_for_each_entry(w, &posix_waiters, node)
		{
			if (w->owner == blocker) {
				next = w->blocker;
				break;
			}
		}
		blocker = next;
	}
	return false;
}

/*
 * Gives want's owner exactly want's type over want's range among its
 * POSIX-like locks (F_UNLCK: none), splitting and merging its records.
 * Needs at most two new records; on ENOLCK nothing has changed.
 */
static int posix_apply(struct file_lock_ctx *c, const struct file_lock *want)
{
	struct file_lock *l, *tmp, *added = NULL, *split = NULL;
	s64 start = want->start, end = want->end;

	/* Reserve what may be needed before touching anything. */
	if (want->type != F_UNLCK) {
		added = lock_new(want);
		if (!added)
			return -ENOLCK;
	}
	split = lock_new(want);
	if (!split) {
		if (added)
			lock_free(added);
		return -ENOLCK;
	}
	list_for_each_entry_safe(l, tmp, &c->locks, node)
	{
		if (l->owner != want->owner || !is_posix_like(l))
			continue;
		/* Adjacent or overlapping locks of the same type merge. */
		if (added && l->type == want->type &&
		    (l->end == OFFSET_MAX || l->end + 1 >= start) &&
		    (end == OFFSET_MAX || l->start <= end + 1)) {
			start = MIN(start, l->start);
			end = MAX(end, l->end);
			lock_free(l);
			continue;
		}
		if (l->end < want->start || l->start > want->end)
			continue;
		if (l->start < want->start && l->end > want->end) {
			/* want punches a hole: l keeps its head, split its tail. */
			split->kind = l->kind;
			split->type = l->type;
			split->pid = l->pid;
			split->start = want->end + 1;
			split->end = l->end;
			list_add(&split->node, &c->locks);
			split = NULL;
			l->end = want->start - 1;
		} else if (l->start < want->start) {
			l->end = want->start - 1;
		} else if (l->end > want->end) {
			l->start = want->end + 1;
		} else {
			lock_free(l);
		}
	}
	if (split)
		lock_free(split);
	if (added) {
		added->start = start;
		added->end = end;
		list_add_tail(&added->node, &c->locks);
	}
	changed(c);
	return 0;
}

/* Takes want (a POSIX or OFD lock) or waits for it when wait is set. */
static long posix_lock(struct inode *i, struct file_lock *want, bool wait)
{
	struct file_lock_ctx *c = ctx_of(i, want->type != F_UNLCK);
	struct lock_waiter w;
	struct file_lock *blocker;
	u64 gen;
	long rc;

	if (!c)
		return want->type == F_UNLCK ? 0 : -ENOLCK;
	for (;;) {
		blocker = want->type == F_UNLCK ? NULL : first_conflict(c, want);
		if (!blocker)
			return posix_apply(c, want);
		if (!wait)
			return -EAGAIN;
		if (want->kind == LK_POSIX && blocker->kind == LK_POSIX &&
		    would_deadlock(want->owner, blocker->owner))
			return -EDEADLK;
		w.owner = want->owner;
		w.blocker = blocker->owner;
		list_add(&w.node, &posix_waiters);
		gen = c->gen;
		rc = wait_event_interruptible(&c->wq, c->gen != gen, "posix_lock");
		list_del(&w.node);
		if (rc < 0)
			return rc;
	}
}

/* Drops every lock of owner on the inode (of the given kinds). */
static void remove_owned(struct inode *i, void *owner, bool posix_like)
{
	struct file_lock_ctx *c = i ? i->flctx : NULL;
	struct file_lock *l, *tmp;
	bool any = false;

	if (!c)
		return;
	list_for_each_entry_safe(l, tmp, &c->locks, node)
	{
		if (l->owner == owner && is_posix_like(l) == posix_like) {
			lock_free(l);
			any = true;
		}
	}
	if (any)
		changed(c);
}

void locks_remove_posix(struct file *f, struct files *owner)
{
	if (f->inode && f->inode->flctx)
		remove_owned(f->inode, owner, true);
}

void locks_remove_file(struct file *f)
{
	if (!f->inode || !f->inode->flctx)
		return;
	remove_owned(f->inode, f, true);
	remove_owned(f->inode, f, false);
}

/* struct flock of the x86-64 ABI. */
struct kflock {
	s16 l_type;
	s16 l_whence;
	s64 l_start;
	s64 l_len;
	s32 l_pid;
};

/* Turns a struct flock into a lock range for f; 0 or -errno. */
static int flock_to_lock(struct file *f, const struct kflock *fl, struct file_lock *l)
{
	s64 base, start, end;

	if (whence_base(f, fl->l_whence, &base) < 0)
		return -EINVAL;
	if (__builtin_add_overflow(base, fl->l_start, &start))
		return -EOVERFLOW;
	if (fl->l_len > 0) {
		if (__builtin_add_overflow(start, fl->l_len - 1, &end))
			return -EOVERFLOW;
	} else if (fl->l_len < 0) {
		end = start - 1;
		if (__builtin_add_overflow(start, fl->l_len, &start))
			return -EINVAL;
	} else {
		end = OFFSET_MAX;
	}
	if (start < 0)
		return -EINVAL;
	l->start = start;
	l->end = end;
	switch (fl->l_type) {
	case F_RDLCK:
	case F_WRLCK:
	case F_UNLCK:
		l->type = fl->l_type;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Reads an F_*LK request: the struct flock, and the lock it asks about
 * for f (its range, type and owner). */
static int read_request(struct file *f, u64 arg, bool ofd, struct kflock *fl,
			struct file_lock *want)
{
	int rc;

	if (copy_from_user(fl, arg, sizeof(*fl)) < 0)
		return -EFAULT;
	if (ofd && fl->l_pid != 0)
		return -EINVAL;
	memset(want, 0, sizeof(*want));
	rc = flock_to_lock(f, fl, want);
	if (rc < 0)
		return rc;
	want->kind = ofd ? LK_OFD : LK_POSIX;
	want->owner = ofd ? (void *)f : (void *)current->files;
	want->pid = current->tgid;
	want->inode = f->inode;
	return 0;
}

long fcntl_getlk(struct file *f, int cmd, u64 arg)
{
	struct kflock fl;
	struct file_lock want, *held;
	int rc = read_request(f, arg, cmd == F_OFD_GETLK, &fl, &want);

	if (rc < 0)
		return rc;
	if (want.type == F_UNLCK)
		return -EINVAL;
	held = first_conflict(f->inode->flctx, &want);
	if (!held) {
		fl.l_type = F_UNLCK;
	} else {
		fl.l_type = (s16)held->type;
		fl.l_whence = SEEK_SET;
		fl.l_start = held->start;
		fl.l_len = held->end == OFFSET_MAX ? 0 : held->end - held->start + 1;
		fl.l_pid = held->kind == LK_POSIX ? held->pid : -1;
	}
	return copy_to_user(arg, &fl, sizeof(fl)) < 0 ? -EFAULT : 0;
}

long fcntl_setlk(struct file *f, int cmd, u64 arg)
{
	struct kflock fl;
	struct file_lock want;
	int rc = read_request(f, arg, cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW, &fl, &want);

	if (rc < 0)
		return rc;
	if ((want.type == F_RDLCK && !(f->mode & FMODE_READ)) ||
	    (want.type == F_WRLCK && !(f->mode & FMODE_WRITE)))
		return -EBADF;
	return posix_lock(f->inode, &want, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

long sys_flock(int fd, unsigned op)
{
	struct file *f = fget(fd);
	struct file_lock want, *l, *tmp;
	struct file_lock_ctx *c;
	long rc = 0;

	if (!f)
		return -EBADF;
	memset(&want, 0, sizeof(want));
	want.kind = LK_FLOCK;
	want.owner = f;
	want.inode = f->inode;
	want.pid = current->tgid;
	want.start = 0;
	want.end = OFFSET_MAX;
	switch (op & ~(unsigned)LOCK_NB) {
	case LOCK_SH:
		want.type = F_RDLCK;
		break;
	case LOCK_EX:
		want.type = F_WRLCK;
		break;
	case LOCK_UN:
		want.type = F_UNLCK;
		break;
	default:
		file_put(f);
		return -EINVAL;
	}
	if (f->flags & O_PATH) {
		file_put(f);
		return -EBADF;
	}
	c = ctx_of(f->inode, want.type != F_UNLCK);
	if (!c) {
		file_put(f);
		return want.type == F_UNLCK ? 0 : -ENOLCK;
	}
	/* The file's own lock, if any: same type is a no-op, else it goes
	 * first (a conversion is not atomic, as on Linux). */
	list_for_each_entry_safe(l, tmp, &c->locks, node)
	{
		if (l->owner != f || l->kind != LK_FLOCK)
			continue;
		if (l->type == want.type)
			goto out;
		lock_free(l);
		changed(c);
		break;
	}
	if (want.type == F_UNLCK)
		goto out;
	while (first_conflict(c, &want)) {
		if (op & LOCK_NB) {
			rc = -EWOULDBLOCK;
			goto out;
		}
		u64 gen = c->gen;

		rc = wait_event_interruptible(&c->wq, c->gen != gen, "flock");
		if (rc < 0)
			goto out;
	}
	l = lock_new(&want);
	if (!l) {
		rc = -ENOLCK;
		goto out;
	}
	list_add_tail(&l->node, &c->locks);
	changed(c);
out:
	file_put(f);
	return rc;
}

int locks_proc(char *buf, size_t len)
{
	static const char *const kinds[] = {"POSIX ", "OFDLCK", "FLOCK "};
	struct file_lock *l;
	size_t pos = 0;
	int n = 0;

	list_for_each_entry(l, &all_locks, all)
	{
		if (list_empty(&l->node))
			continue; /* a spare record, not a lock */
		pos += (size_t)scnprintf(buf + pos, len - pos,
					 "%d: %s ADVISORY  %s %d %02x:%02x:%llu %lld ", ++n,
					 kinds[l->kind], l->type == F_WRLCK ? "WRITE" : "READ ",
					 l->kind == LK_OFD ? -1 : l->pid,
					 DEV_MAJOR(l->inode->sb->dev), DEV_MINOR(l->inode->sb->dev),
					 (unsigned long long)l->inode->ino, (long long)l->start);
		if (l->end == OFFSET_MAX)
			pos += (size_t)scnprintf(buf + pos, len - pos, "EOF\n");
		else
			pos += (size_t)scnprintf(buf + pos, len - pos, "%lld\n", (long long)l->end);
	}
	return (int)pos;
}
