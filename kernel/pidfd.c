/*
 * pidfds: a file descriptor naming a process. Unlike a pid it cannot come
 * to mean another process: it remembers its process's start time, and a
 * recycled pid with another start time is not it. poll says POLLIN once
 * the process has exited (and POLLHUP once it is reaped); signals go to
 * it with pidfd_send_signal, waitid(P_PIDFD) waits for it, pidfd_getfd
 * copies one of its descriptors.
 */
#include <asm/poll.h>
#include <asm/siginfo.h>
#include <linux/fcntl.h>
#include <linux/sched.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "pidfd.h"
#include "poll.h"
#include "syscall.h"
#include "task.h"

#define PIDFD_NONBLOCK O_NONBLOCK

struct pidfd {
	int pid;      /* the process (thread group) id */
	u64 start_ns; /* its leader's start time */
};

struct wait_queue pidfd_wq = WAIT_QUEUE_INIT(pidfd_wq);

long sys_kill(int pid, int sig);
long sys_rt_sigqueueinfo(int pid, int sig, u64 uinfo);

/* The process p names, or NULL once it is reaped. */
static struct task *pidfd_task(const struct pidfd *p)
{
	struct task *t = task_by_pid(p->pid);

	if (!t || t->group_leader != t || t->start_ns != p->start_ns || t->state == TASK_DEAD)
		return NULL;
	return t;
}

static bool exited(struct task *t)
{
	return t->state == TASK_ZOMBIE && (!t->signal || t->signal->live == 0);
}

static unsigned pidfd_poll(struct file *f, struct poll_table *pt)
{
	struct task *t = pidfd_task(f->priv);

	poll_wait(pt, &pidfd_wq);
	if (!t)
		return POLLIN | POLLRDNORM | POLLHUP;
	return exited(t) ? POLLIN | POLLRDNORM : 0;
}

static void pidfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops pidfd_fops = {
	.poll = pidfd_poll,
	.release = pidfd_release,
	.anon_name = "[pidfd]",
};

long pidfd_create(struct task *leader, unsigned flags)
{
	struct pidfd *p = kzalloc(sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->pid = leader->tgid;
	p->start_ns = leader->start_ns;
	/* Like Linux, a pidfd is always close-on-exec. */
	return anon_fd_create(&pidfd_fops, p, O_RDWR | (flags & PIDFD_NONBLOCK), true);
}

void pidfd_notify_exit(void)
{
	if (!list_empty(&pidfd_wq.waiters))
		wake_up_poll(&pidfd_wq, POLLIN);
}

long sys_pidfd_open(int pid, unsigned flags)
{
	struct task *t;

	if (flags & ~(unsigned)PIDFD_NONBLOCK)
		return -EINVAL;
	if (pid <= 0)
		return -EINVAL;
	t = task_by_pid(pid);
	if (!t || t->state == TASK_DEAD || t->kthread)
		return -ESRCH;
	if (t->group_leader != t)
		return -EINVAL;
	return pidfd_create(t, flags);
}

/* The pidfd behind fd: its file (referenced) and data, or an ERR_PTR. */
static struct pidfd *pidfd_get(int fd, struct file **fp)
{
	return fget_priv(fd, &pidfd_fops, -EBADF, fp);
}

int pidfd_pid(int fd, bool *nonblock)
{
	struct file *f;
	struct pidfd *p = pidfd_get(fd, &f);
	int pid;

	if (IS_ERR(p))
		return (int)PTR_ERR(p);
	pid = pidfd_task(p) ? p->pid : 0;
	*nonblock = (f->flags & O_NONBLOCK) != 0;
	file_put(f);
	return pid;
}

/* The live (unreaped) process pidfd fd names, with its pid, or an ERR_PTR
 * (-EBADF: not a pidfd; -ESRCH: reaped). */
static struct task *pidfd_target(int fd, int *pid)
{
	struct file *f;
	struct pidfd *p = pidfd_get(fd, &f);
	struct task *t;

	if (IS_ERR(p))
		return (void *)p;
	t = pidfd_task(p);
	*pid = p->pid;
	file_put(f);
	return t ? t : ERR_PTR(-ESRCH);
}

long sys_pidfd_send_signal(int fd, int sig, u64 uinfo, unsigned flags)
{
	struct task *t;
	int pid;

	if (flags)
		return -EINVAL;
	t = pidfd_target(fd, &pid);
	if (IS_ERR(t))
		return PTR_ERR(t);
	if (sig < 0 || sig > KSIG_NSIG)
		return -EINVAL;
	if (!uinfo)
		return sys_kill(pid, sig);
	{
		int signo, code;

		if (copy_from_user(&signo, uinfo, 4) < 0 || copy_from_user(&code, uinfo + 8, 4) < 0)
			return -EFAULT;
		if (signo != sig)
			return -EINVAL;
		/* A process may forge any code for itself, like Linux. */
		if (t == current->group_leader && (code >= 0 || code == SI_TKILL))
			return sys_kill(pid, sig);
	}
	return sys_rt_sigqueueinfo(pid, sig, uinfo);
}

long sys_pidfd_getfd(int fd, int targetfd, unsigned flags)
{
	struct file *target;
	struct task *t;
	int pid;
	long r;

	if (flags)
		return -EINVAL;
	t = pidfd_target(fd, &pid);
	if (IS_ERR(t))
		return PTR_ERR(t);
	if (!t->files)
		return -ESRCH;
	/* Taking another's descriptors needs the right to trace it. */
	if (current->euid != 0 && (current->euid != t->uid || current->euid != t->euid))
		return -EPERM;
	if (targetfd < 0 || targetfd >= t->files->max || !(target = t->files->fd[targetfd]))
		return -EBADF;
	file_get(target);
	r = fd_install(target, true);
	if (r < 0)
		file_put(target);
	return r;
}
