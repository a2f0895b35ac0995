/*
 * timerfd: a timer read through a file descriptor. A read returns the
 * number of expirations since the last read (8 bytes), sleeping until
 * there is one; poll says POLLIN when there is. Timers run on the
 * monotonic clock: a CLOCK_REALTIME deadline is converted when armed (a
 * later settimeofday does not move it).
 */
#include <asm/poll.h>
#include <linux/fcntl.h>
#include <linux/time.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"
#include "syscall.h"
#include "timer.h"

#define TFD_CLOEXEC		O_CLOEXEC
#define TFD_NONBLOCK		O_NONBLOCK
#define TFD_TIMER_ABSTIME	1
#define TFD_TIMER_CANCEL_ON_SET 2
#ifndef CLOCK_BOOTTIME
#define CLOCK_BOOTTIME 7
#endif
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9

struct timerfd {
	int clock;
	struct ktimer timer;
	u64 interval; /* ns; 0: one-shot */
	u64 ticks;    /* expirations not yet read */
	struct wait_queue wq;
};

static const struct file_ops timerfd_fops;

static void timerfd_fire(struct ktimer *kt)
{
	struct timerfd *t = kt->arg;

	t->ticks++;
	/* Periods missed while nobody ran count too (overruns). */
	if (t->interval)
		t->ticks += ktimer_rearm(kt, t->interval);
	wake_up_poll(&t->wq, POLLIN);
}

static ssize_t timerfd_read(struct file *f, struct uio *u, u64 *pos)
{
	struct timerfd *t = f->priv;
	u64 v;
	long rc;

	(void)pos;
	if (u->resid < 8)
		return -EINVAL;
	while (!t->ticks) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(&t->wq, t->ticks > 0, "timerfd");
		if (rc < 0)
			return rc;
	}
	v = t->ticks;
	rc = uio_copy_to(u, &v, 8);
	if (rc < 0)
		return rc;
	t->ticks = 0;
	return 8;
}

static unsigned timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *t = f->priv;

	poll_wait(pt, &t->wq);
	return t->ticks ? POLLIN | POLLRDNORM : 0;
}

static void timerfd_release(struct file *f)
{
	struct timerfd *t = f->priv;

	timer_cancel(&t->timer);
	kfree(t);
}

static const struct file_ops timerfd_fops = {
	.read = timerfd_read,
	.poll = timerfd_poll,
	.release = timerfd_release,
	.anon_name = "[timerfd]",
};

long sys_timerfd_create(int clock, int flags)
{
	struct timerfd *t;

	if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		break;
	default:
		return -EINVAL;
	}
	t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->clock = clock;
	t->timer.fn = timerfd_fire;
	t->timer.arg = t;
	wq_init(&t->wq);
	return anon_fd_create(&timerfd_fops, t, O_RDWR | (flags & TFD_NONBLOCK),
			      (flags & TFD_CLOEXEC) != 0);
}

static bool is_realtime(int clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_ALARM;
}

static void current_value(struct timerfd *t, struct __kernel_itimerspec *v)
{
	ktimer_itimerspec(&t->timer, t->interval, v);
}

static struct timerfd *timerfd_get(int fd, struct file **fp)
{
	return fget_priv(fd, &timerfd_fops, -EINVAL, fp);
}

long sys_timerfd_settime(int fd, int flags, u64 unew, u64 uold)
{
	struct __kernel_itimerspec nv, ov;
	struct timerfd *t;
	struct file *f;
	u64 value;

	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (copy_from_user(&nv, unew, sizeof(nv)) < 0)
		return -EFAULT;
	if (!kts_valid(&nv.it_value) || !kts_valid(&nv.it_interval))
		return -EINVAL;
	t = timerfd_get(fd, &f);
	if (IS_ERR(t))
		return PTR_ERR(t);
	current_value(t, &ov);
	timer_cancel(&t->timer);
	t->ticks = 0;
	t->interval = kts_to_ns(&nv.it_interval);
	value = kts_to_ns(&nv.it_value);
	if (value) {
		/* An absolute deadline already passed fires at once. */
		t->ticks = ktimer_arm_spec(&t->timer, value, flags & TFD_TIMER_ABSTIME,
					   is_realtime(t->clock), t->interval);
		if (t->ticks)
			wake_up_poll(&t->wq, POLLIN);
	}
	file_put(f);
	if (uold && copy_to_user(uold, &ov, sizeof(ov)) < 0)
		return -EFAULT;
	return 0;
}

long sys_timerfd_gettime(int fd, u64 ucur)
{
	struct __kernel_itimerspec v;
	struct timerfd *t;
	struct file *f;

	t = timerfd_get(fd, &f);
	if (IS_ERR(t))
		return PTR_ERR(t);
	current_value(t, &v);
	file_put(f);
	return copy_to_user(ucur, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}
