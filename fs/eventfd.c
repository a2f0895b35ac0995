/* eventfd: a 64-bit counter with read/write/poll semantics. */
#include <asm/poll.h>
#include <linux/fcntl.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"
#include "syscall.h"

#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC O_CLOEXEC
#define EFD_NONBLOCK O_NONBLOCK
#define COUNT_MAX 0xfffffffffffffffeULL

struct eventfd {
	u64 count;
	bool semaphore;
	struct wait_queue wq;
};

static ssize_t efd_read(struct file *f, struct uio *u, u64 *pos)
{
	struct eventfd *e = f->priv;
	u64 v;
	long rc;

	if (u->resid < 8)
		return -EINVAL;
	while (e->count == 0) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(&e->wq, e->count > 0, "eventfd_read");
		if (rc < 0)
			return rc;
	}
	v = e->semaphore ? 1 : e->count;
	rc = uio_copy_to(u, &v, 8);
	if (rc < 0)
		return rc;
	e->count -= v;
	wake_up_poll(&e->wq, POLLOUT);
	return 8;
}

static ssize_t efd_write(struct file *f, struct uio *u, u64 *pos)
{
	struct eventfd *e = f->priv;
	u64 v;
	long rc;

	if (u->resid < 8)
		return -EINVAL;
	rc = uio_copy_from(u, &v, 8);
	if (rc < 0)
		return rc;
	if (v == ~0ULL)
		return -EINVAL;
	while (COUNT_MAX - e->count < v) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(&e->wq, COUNT_MAX - e->count >= v,
					      "eventfd_write");
		if (rc < 0)
			return rc;
	}
	e->count += v;
	if (v)
		wake_up_poll(&e->wq, POLLIN);
	return 8;
}

static unsigned efd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *e = f->priv;
	unsigned m = 0;

	poll_wait(pt, &e->wq);
	if (e->count > 0)
		m |= POLLIN | POLLRDNORM;
	if (e->count < COUNT_MAX)
		m |= POLLOUT | POLLWRNORM;
	return m;
}

static void efd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops efd_fops = {
	.read = efd_read,
	.write = efd_write,
	.poll = efd_poll,
	.release = efd_release,
	.anon_name = "[eventfd]",
};

long sys_eventfd2(unsigned initval, int flags)
{
	struct eventfd *e;

	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
		return -EINVAL;
	e = kzalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	wq_init(&e->wq);
	return anon_fd_create(&efd_fops, e, O_RDWR | (flags & EFD_NONBLOCK), (flags & EFD_CLOEXEC) != 0);
}

long sys_eventfd(unsigned initval)
{
	return sys_eventfd2(initval, 0);
}
