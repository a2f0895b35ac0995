/*
 * epoll: an interest list of (file, fd) pairs, polled through the files'
 * poll operations. Level-triggered items report while ready; edge-
 * triggered ones when their wait queue saw a new input/output wakeup
 * since the last report; one-shot items disarm after reporting. Items are
 * dropped when their file is finally closed, as Linux does.
 */
#include <linux/eventpoll.h>
#include <linux/fcntl.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"
#include "syscall.h"
#include "timer.h"

#define EP_MAX_EVENTS (INT32_MAX_K / (int)sizeof(struct epoll_event))

struct ep_item {
	struct list_head node;   /* in the epoll's items */
	struct list_head global; /* in all_items, for file release */
	struct eventpoll *ep;
	struct file *file;       /* not referenced: removed at its release */
	int fd;
	u32 events;
	u64 data;
	bool disabled;           /* one-shot item that fired */
	struct wait_queue *wq;   /* the file's queue, for edge detection */
	u32 seen_in, seen_out;
};

struct eventpoll {
	struct list_head items;
	struct wait_queue wq;    /* for polling an epoll fd itself */
};

static LIST_HEAD(all_items);
static const struct file_ops epoll_fops;
int set_temp_sigmask(u64 umask, size_t size);

static void item_free(struct ep_item *it)
{
	list_del(&it->node);
	list_del(&it->global);
	kfree(it);
}

/* Called when a file's last reference goes. */
void eventpoll_release(struct file *f)
{
	struct ep_item *it, *n;

	list_for_each_entry_safe(it, n, &all_items, global)
		if (it->file == f)
			item_free(it);
}

/* Readiness of one item; pt collects wait queues (NULL: don't). */
static unsigned item_poll(struct ep_item *it, struct poll_table *pt)
{
	int before = pt ? pt->n : 0;
	struct file *outer = pt ? pt->cur : NULL;
	unsigned m;

	if (pt)
		pt->cur = it->file;
	m = it->file->fops->poll(it->file, pt);
	if (pt)
		pt->cur = outer;
	if (pt && pt->n > before)
		it->wq = pt->w[before].wq_ptr;
	return m & (it->events | EPOLLERR | EPOLLHUP);
}

static bool edge_new(struct ep_item *it, unsigned m)
{
	bool n = false;

	if (!it->wq)
		return true;
	if ((m & EPOLLIN) && it->wq->gen_in != it->seen_in)
		n = true;
	if ((m & EPOLLOUT) && it->wq->gen_out != it->seen_out)
		n = true;
	if (m & (EPOLLHUP | EPOLLERR))
		n = n || it->wq->gen_in != it->seen_in || it->wq->gen_out != it->seen_out;
	return n;
}

static unsigned epoll_poll(struct file *f, struct poll_table *pt)
{
	struct eventpoll *ep = f->priv;
	struct ep_item *it;

	poll_wait(pt, &ep->wq);
	list_for_each_entry(it, &ep->items, node) {
		unsigned m;

		if (it->disabled)
			continue;
		m = item_poll(it, pt);
		if (m && (!(it->events & EPOLLET) || edge_new(it, m)))
			return POLLIN | POLLRDNORM;
	}
	return 0;
}

static void epoll_release(struct file *f)
{
	struct eventpoll *ep = f->priv;
	struct ep_item *it, *n;

	list_for_each_entry_safe(it, n, &ep->items, node)
		item_free(it);
	kfree(ep);
}

static const struct file_ops epoll_fops = {
	.poll = epoll_poll,
	.release = epoll_release,
	.anon_name = "[eventpoll]",
};

static struct super_block *anon_sb;

struct inode *anon_inode(void)
{
	static struct fs_type anon = { .name = "anon_inodefs", .nodev = true };
	struct inode *i;

	if (!anon_sb) {
		anon_sb = sb_alloc(&anon);
		if (!anon_sb)
			return NULL;
	}
	i = inode_alloc(anon_sb, 0600);
	return i;
}

long anon_fd_create(const struct file_ops *fops, void *priv, u32 flags, bool cloexec)
{
	struct inode *i = anon_inode();
	struct file *f = i ? file_anon(i, fops, flags, priv) : NULL;
	long fd;

	inode_put(i);
	if (!f) {
		kfree(priv);
		return -ENOMEM;
	}
	fd = fd_install(f, cloexec);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_epoll_create1(int flags)
{
	struct eventpoll *ep;
	struct inode *i;
	struct file *f;
	long fd;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	ep = kzalloc(sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	list_init(&ep->items);
	wq_init(&ep->wq);
	i = anon_inode();
	if (!i) {
		kfree(ep);
		return -ENOMEM;
	}
	f = file_anon(i, &epoll_fops, O_RDWR, ep);
	inode_put(i);
	if (!f) {
		kfree(ep);
		return -ENOMEM;
	}
	fd = fd_install(f, (flags & EPOLL_CLOEXEC) != 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_epoll_create(int size)
{
	if (size <= 0)
		return -EINVAL;
	return sys_epoll_create1(0);
}

static struct ep_item *find_item(struct eventpoll *ep, struct file *f, int fd)
{
	struct ep_item *it;

	list_for_each_entry(it, &ep->items, node)
		if (it->file == f && it->fd == fd)
			return it;
	return NULL;
}

long sys_epoll_ctl(int epfd, int op, int fd, u64 uev)
{
	struct file *ef = fget(epfd), *f = NULL;
	struct epoll_event ev = { 0 };
	struct eventpoll *ep;
	struct ep_item *it;
	long rc = 0;

	if (!ef)
		return -EBADF;
	f = fget(fd);
	if (!f) {
		rc = -EBADF;
		goto out;
	}
	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uev, sizeof(ev)) < 0) {
		rc = -EFAULT;
		goto out;
	}
	if (ef->fops != &epoll_fops) {
		rc = -EINVAL;
		goto out;
	}
	if (f == ef) {
		rc = -EINVAL;
		goto out;
	}
	if (!f->fops || !f->fops->poll) {
		rc = -EPERM;
		goto out;
	}
	ep = ef->priv;
	it = find_item(ep, f, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (it) {
			rc = -EEXIST;
			break;
		}
		it = kzalloc(sizeof(*it));
		if (!it) {
			rc = -ENOMEM;
			break;
		}
		it->ep = ep;
		it->file = f;
		it->fd = fd;
		it->events = ev.events;
		it->data = ev.data;
		it->seen_in = it->seen_out = (u32)-1; /* report current state */
		list_add_tail(&it->node, &ep->items);
		list_add_tail(&it->global, &all_items);
		wake_up(&ep->wq);
		break;
	case EPOLL_CTL_MOD:
		if (!it) {
			rc = -ENOENT;
			break;
		}
		it->events = ev.events;
		it->data = ev.data;
		it->disabled = false;
		it->seen_in = it->seen_out = (u32)-1;
		wake_up(&ep->wq);
		break;
	case EPOLL_CTL_DEL:
		if (!it) {
			rc = -ENOENT;
			break;
		}
		item_free(it);
		break;
	default:
		rc = -EINVAL;
	}
out:
	file_put(f);
	file_put(ef);
	return rc;
}

static long do_epoll_wait(int epfd, u64 uevents, int max, s64 timeout_ms)
{
	struct file *ef = fget(epfd);
	struct eventpoll *ep;
	struct poll_table *pt;
	struct epoll_event ev;
	u64 deadline = 0;
	long n = 0;

	if (!ef)
		return -EBADF;
	if (max <= 0 || max > EP_MAX_EVENTS) {
		file_put(ef);
		return -EINVAL;
	}
	if (ef->fops != &epoll_fops) {
		file_put(ef);
		return -EINVAL;
	}
	ep = ef->priv;
	if (timeout_ms > 0)
		deadline = ktime_ns() + (u64)timeout_ms * 1000000ULL;
	pt = kmalloc(sizeof(*pt));
	if (!pt) {
		file_put(ef);
		return -ENOMEM;
	}
	pt->n = 0;
	pt->cur = NULL;
	for (;;) {
		struct ep_item *it;
		int count = 0, k;

		list_for_each_entry(it, &ep->items, node)
			count++;
		/* Visit each item once, rotating so reported ones go last. */
		for (k = 0; k < count && n < max; k++) {
			unsigned m;

			it = list_first_entry(&ep->items, struct ep_item, node);
			list_del(&it->node);
			list_add_tail(&it->node, &ep->items);
			if (it->disabled)
				continue;
			m = item_poll(it, pt);
			if (!m)
				continue;
			if ((it->events & EPOLLET) && !edge_new(it, m))
				continue;
			ev.events = m;
			ev.data = it->data;
			if (copy_to_user(uevents + (u64)n * sizeof(ev), &ev, sizeof(ev)) < 0) {
				n = n ? n : -EFAULT;
				goto out;
			}
			n++;
			if (it->wq) {
				it->seen_in = it->wq->gen_in;
				it->seen_out = it->wq->gen_out;
			}
			if (it->events & EPOLLONESHOT)
				it->disabled = true;
		}
		if (n || timeout_ms == 0)
			break;
		if (signal_pending(current)) {
			n = -EINTR;
			break;
		}
		if (deadline && ktime_ns() >= deadline)
			break;
		schedule_timeout(deadline, "ep_poll");
		poll_table_free(pt);
	}
out:
	poll_table_free(pt);
	kfree(pt);
	file_put(ef);
	return n;
}

long sys_epoll_wait(int epfd, u64 uevents, int max, int timeout)
{
	return do_epoll_wait(epfd, uevents, max, timeout);
}

long sys_epoll_pwait(int epfd, u64 uevents, int max, int timeout, u64 umask,
		     size_t size)
{
	if (umask) {
		int rc = set_temp_sigmask(umask, size);

		if (rc < 0)
			return rc;
	}
	return do_epoll_wait(epfd, uevents, max, timeout);
}
