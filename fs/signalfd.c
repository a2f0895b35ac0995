/*
 * signalfd: a file that reads the calling thread's pending signals from a
 * chosen set, as struct signalfd_siginfo records, and polls readable
 * while one is pending. A read takes signals as sigtimedwait does (the
 * thread's own queue, then its process's), whether they are blocked or
 * not; programs block them so that only the file sees them.
 *
 * Readiness depends on who asks: the reader's or poller's own pending
 * signals, as on Linux. Every queued signal wakes signalfd_wq.
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

struct inode *anon_inode(void);

struct sigfd {
	ksigset_t mask; /* never SIGKILL or SIGSTOP */
};

static const struct file_ops sigfd_fops;

static bool sigfd_pending(const struct sigfd *s)
{
	return ((current->pending.set | current->signal->shared.set) & s->mask) != 0;
}

static void fill_info(struct signalfd_siginfo *o, const struct ksiginfo *in)
{
	memset(o, 0, sizeof(*o));
	o->ssi_signo = (u32)in->signo;
	o->ssi_errno = in->errno_;
	o->ssi_code = in->code;
	o->ssi_pid = (u32)in->pid;
	o->ssi_uid = (u32)in->uid;
	o->ssi_addr = in->addr;
	if (in->signo == SIGCHLD && in->code > 0) {
		o->ssi_status = in->status;
	} else {
		o->ssi_int = (s32)in->value;
		o->ssi_ptr = in->value;
	}
}

static ssize_t sigfd_read(struct file *f, struct uio *u, u64 *pos)
{
	struct sigfd *s = f->priv;
	ssize_t done = 0;
	long rc;

	if (u->resid < sizeof(struct signalfd_siginfo))
		return -EINVAL;
	while (!sigfd_pending(s)) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(&signalfd_wq, sigfd_pending(s), "signalfd");
		if (rc < 0)
			return rc;
	}
	while (u->resid >= sizeof(struct signalfd_siginfo)) {
		struct signalfd_siginfo out;
		struct ksiginfo info;

		if (!dequeue_signal_set(current, s->mask, &info))
			break;
		fill_info(&out, &info);
		rc = uio_copy_to(u, &out, sizeof(out));
		if (rc != (long)sizeof(out))
			return done ? done : -EFAULT;
		done += rc;
	}
	return done;
}

static unsigned sigfd_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(pt, &signalfd_wq);
	return sigfd_pending(f->priv) ? POLLIN | POLLRDNORM : 0;
}

static void sigfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops sigfd_fops = {
	.read = sigfd_read,
	.poll = sigfd_poll,
	.release = sigfd_release,
};

long sys_signalfd4(int fd, u64 umask, size_t size, int flags)
{
	ksigset_t mask;
	struct sigfd *s;
	struct inode *i;
	struct file *f;
	long r;

	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;
	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	mask &= ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
	if (fd != -1) {
		f = fget(fd);
		if (!f)
			return -EBADF;
		r = -EINVAL;
		if (f->fops == &sigfd_fops) {
			((struct sigfd *)f->priv)->mask = mask;
			wake_up(&signalfd_wq);
			r = fd;
		}
		file_put(f);
		return r;
	}
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mask = mask;
	i = anon_inode();
	if (!i) {
		kfree(s);
		return -ENOMEM;
	}
	f = file_anon(i, &sigfd_fops, O_RDWR | (flags & SFD_NONBLOCK), s);
	inode_put(i);
	if (!f) {
		kfree(s);
		return -ENOMEM;
	}
	r = fd_install(f, (flags & SFD_CLOEXEC) != 0);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_signalfd(int fd, u64 umask, size_t size)
{
	return sys_signalfd4(fd, umask, size, 0);
}
