/*
 * signalfd: the reading thread's pending signals in a mask, taken by
 * read(2) as struct signalfd_siginfo records instead of being delivered
 * (the mask's signals are normally blocked). Like Linux, what a read or
 * poll sees is the signals of whoever reads or polls.
 */
#include <asm/poll.h>
#include <linux/fcntl.h>
#include <linux/signalfd.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"
#include "syscall.h"
#include "task.h"

#define UNBLOCKABLE (sigbit(SIGKILL) | sigbit(SIGSTOP))

struct signalfd_ctx {
	ksigset_t mask;
};

static bool has_signal(ksigset_t mask)
{
	return ((current->pending.set | current->signal->shared.set) & mask) != 0;
}

static void fill(struct signalfd_siginfo *ss, const struct ksiginfo *info)
{
	memset(ss, 0, sizeof(*ss));
	ss->ssi_signo = (u32)info->signo;
	ss->ssi_errno = info->errno_;
	ss->ssi_code = info->code;
	ss->ssi_pid = (u32)info->pid;
	ss->ssi_uid = (u32)info->uid;
	ss->ssi_status = info->status;
	ss->ssi_int = (s32)info->value;
	ss->ssi_ptr = info->value;
	ss->ssi_addr = info->addr;
}

static ssize_t signalfd_read(struct file *f, struct uio *u, u64 *pos)
{
	struct signalfd_ctx *c = f->priv;
	struct signalfd_siginfo ss;
	struct ksiginfo info;
	ssize_t done = 0;
	long rc;

	(void)pos;
	if (u->resid < sizeof(ss))
		return -EINVAL;
	while (u->resid >= sizeof(ss)) {
		if (!has_signal(c->mask)) {
			if (done)
				break;
			if (f->flags & O_NONBLOCK)
				return -EAGAIN;
			rc = wait_event_interruptible(&signalfd_wq, has_signal(c->mask),
						      "signalfd");
			if (rc < 0)
				return rc;
		}
		if (!dequeue_signal_set(current, c->mask, &info))
			break;
		fill(&ss, &info);
		rc = uio_copy_to(u, &ss, sizeof(ss));
		if (rc < 0)
			return done ? done : rc;
		done += (ssize_t)sizeof(ss);
	}
	return done;
}

static unsigned signalfd_poll(struct file *f, struct poll_table *pt)
{
	struct signalfd_ctx *c = f->priv;

	poll_wait(pt, &signalfd_wq);
	return has_signal(c->mask) ? POLLIN | POLLRDNORM : 0;
}

static void signalfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops signalfd_fops = {
	.read = signalfd_read,
	.poll = signalfd_poll,
	.release = signalfd_release,
	.anon_name = "[signalfd]",
};

long sys_signalfd4(int fd, u64 umask, size_t size, int flags)
{
	struct signalfd_ctx *c;
	struct file *f;
	ksigset_t mask;

	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;
	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	mask &= ~UNBLOCKABLE;
	if (fd != -1) {
		f = fget(fd);
		if (!f)
			return -EBADF;
		if (f->fops != &signalfd_fops) {
			file_put(f);
			return -EINVAL;
		}
		((struct signalfd_ctx *)f->priv)->mask = mask;
		wake_up_poll(&signalfd_wq, POLLIN);
		file_put(f);
		return fd;
	}
	c = kzalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->mask = mask;
	return anon_fd_create(&signalfd_fops, c, O_RDWR | (flags & SFD_NONBLOCK),
			      (flags & SFD_CLOEXEC) != 0);
}

long sys_signalfd(int fd, u64 umask, size_t size)
{
	return sys_signalfd4(fd, umask, size, 0);
}
