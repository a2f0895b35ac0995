/*
 * Signals: generation (kill and friends, faults, the tty), delivery at the
 * return to the guest, default actions, job-control stops, and the
 * signal system calls.
 */
#include <asm/signal.h>
#include <asm/poll.h>
#include <asm/siginfo.h>
#include <asm/unistd.h>
#include <linux/time.h>

#include "engine.h"
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "ptrace.h"
#include "sigframe.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#define SIG_DFL_K 0
#define SIG_IGN_K 1
#define UNBLOCKABLE (sigbit(SIGKILL) | sigbit(SIGSTOP))
#define STOP_SIGS (sigbit(SIGSTOP) | sigbit(SIGTSTP) | sigbit(SIGTTIN) | sigbit(SIGTTOU))
#define IGNORE_SIGS (sigbit(SIGCHLD) | sigbit(SIGURG) | sigbit(SIGWINCH) | sigbit(SIGCONT))
#define CORE_SIGS (sigbit(SIGQUIT) | sigbit(SIGILL) | sigbit(SIGTRAP) | sigbit(SIGABRT) | \
		   sigbit(SIGFPE) | sigbit(SIGSEGV) | sigbit(SIGBUS) | sigbit(SIGSYS) |     \
		   sigbit(SIGXCPU) | sigbit(SIGXFSZ))
#define SYNC_SIGS (sigbit(SIGSEGV) | sigbit(SIGBUS) | sigbit(SIGILL) | sigbit(SIGFPE) | \
		   sigbit(SIGTRAP))

static bool kernel_only(struct task *t, int sig);

struct wait_queue signalfd_wq = WAIT_QUEUE_INIT(signalfd_wq);

static ksigset_t pending_set(struct task *t)
{
	return (t->pending.set | t->signal->shared.set) & ~t->blocked;
}

bool signal_pending(struct task *t)
{
	return t->exiting || (t->signal && pending_set(t) != 0) ||
	       (t->signal && t->signal->stop_state && t->state != TASK_STOPPED);
}

bool sig_ignored(struct task *t, int sig)
{
	const struct ksigaction *ka = &t->sighand->action[sig - 1];

	if (ka->handler == SIG_IGN_K)
		return true;
	if (ka->handler == SIG_DFL_K && (IGNORE_SIGS & sigbit(sig)))
		return true;
	return false;
}

static void flush_queue(struct sigpending *p, ksigset_t mask)
{
	struct sigqueue *q, *n;

	list_for_each_entry_safe(q, n, &p->queue, list) {
		if (sigbit(q->info.signo) & mask) {
			list_del(&q->list);
			kfree(q);
		}
	}
	p->set &= ~mask;
}

static void wake_stopped_group(struct task *leader)
{
	struct task *t;

	list_for_each_entry(t, &leader->threads, thread_node) {
		if (t->state == TASK_STOPPED) {
			t->state = TASK_RUNNING;
			wake_up_task(t);
		}
	}
}

/* Wakes a thread that can take the signal. */
static void signal_wake(struct task *t, int sig)
{
	if (sig == SIGKILL && (t->state == TASK_STOPPED || t->state == TASK_TRACED))
		t->state = TASK_RUNNING;
	if (t->state == TASK_INTERRUPTIBLE || t->state == TASK_RUNNING)
		wake_up_task(t);
}

int send_signal(struct task *t, const struct ksiginfo *info, bool group)
{
	int sig = info->signo;
	struct sigpending *p;
	struct sigqueue *q;
	struct task *leader;

	if (sig <= 0 || sig > KSIG_NSIG)
		return -EINVAL;
	if (!t->signal || !t->sighand || t->state == TASK_ZOMBIE ||
	    t->state == TASK_DEAD || t->kthread)
		return 0;
	leader = t->group_leader;
	/* Stop and continue signals cancel each other at generation. */
	if (sigbit(sig) & STOP_SIGS) {
		flush_queue(&t->signal->shared, sigbit(SIGCONT));
		flush_queue(&t->pending, sigbit(SIGCONT));
	}
	if (sig == SIGCONT || sig == SIGKILL) {
		flush_queue(&t->signal->shared, STOP_SIGS);
		flush_queue(&t->pending, STOP_SIGS);
		if (t->signal->stop_state) {
			t->signal->stop_state = 0;
			t->signal->notify_parent = (t->signal->notify_parent & ~1) | 2;
			wake_stopped_group(leader);
			if (sig == SIGCONT)
				do_notify_parent(leader, -CLD_CONTINUED);
		}
	}
	if (sig != SIGKILL && sig != SIGSTOP && sig_ignored(t, sig) &&
	    !(t->blocked & sigbit(sig)))
		return 0;
	if (kernel_only(t, sig) && !(t->blocked & sigbit(sig)) && info->code <= 0 &&
	    info->pid != 0)
		return 0; /* init is protected from signals it doesn't handle */
	p = group ? &t->signal->shared : &t->pending;
	if (sig < SIGRTMIN && (p->set & sigbit(sig)))
		return 0; /* standard signals don't queue */
	q = kmalloc(sizeof(*q));
	if (q) {
		q->info = *info;
		list_add_tail(&q->list, &p->queue);
	}
	p->set |= sigbit(sig);
	if (!list_empty(&signalfd_wq.waiters))
		wake_up_poll(&signalfd_wq, POLLIN);
	if (sig == SIGKILL) {
		struct task *th;

		t->signal->group_exit = 1;
		t->signal->group_exit_code = SIGKILL;
		list_for_each_entry(th, &leader->threads, thread_node) {
			th->exiting = true;
			signal_wake(th, sig);
		}
		return 0;
	}
	if (group) {
		struct task *th;

		if (!(t->blocked & sigbit(sig)) || (t->sigwait & sigbit(sig))) {
			signal_wake(t, sig);
		} else {
			list_for_each_entry(th, &leader->threads, thread_node) {
				if (!(th->blocked & sigbit(sig)) ||
				    (th->sigwait & sigbit(sig))) {
					signal_wake(th, sig);
					break;
				}
			}
		}
	} else {
		signal_wake(t, sig);
	}
	return 0;
}

int send_sig(int sig, struct task *t, bool group)
{
	struct ksiginfo info = { .signo = sig, .code = SI_KERNEL };

	return send_signal(t, &info, group);
}

/* init only receives signals it has a handler for (or kernel faults). */
static bool kernel_only(struct task *t, int sig)
{
	return t->tgid == 1 && sig != SIGKILL &&
	       t->sighand->action[sig - 1].handler == SIG_DFL_K;
}

void force_sig_fault(int sig, int code, u64 addr)
{
	struct ksiginfo info = { .signo = sig, .code = code, .addr = addr };
	struct ksigaction *ka = &current->sighand->action[sig - 1];

	/* A fault that is blocked or ignored kills, as Linux does. */
	if ((current->blocked & sigbit(sig)) || ka->handler == SIG_IGN_K) {
		current->blocked &= ~sigbit(sig);
		ka->handler = SIG_DFL_K;
	}
	send_signal(current, &info, false);
}

int kill_pgrp(int pgid, int sig, const struct ksiginfo *info)
{
	struct task *t;
	int found = 0;

	list_for_each_entry(t, &all_tasks, all_node) {
		if (t->group_leader != t || !t->signal || t->signal->pgid != pgid ||
		    t->state == TASK_ZOMBIE || t->state == TASK_DEAD)
			continue;
		found = 1;
		if (sig)
			send_signal(t, info, true);
	}
	return found ? 0 : -ESRCH;
}

void do_notify_parent(struct task *t, int sig)
{
	struct task *parent = t->parent;
	struct ksiginfo info = { .signo = SIGCHLD, .pid = t->tgid, .uid = t->uid };
	struct ksigaction *ka;

	if (!parent && t != init_task && t->state == TASK_ZOMBIE) {
		/* A user-mode helper (kernel/umh.c): nobody waits for it. */
		autoreap(t);
		return;
	}
	if (!parent || !parent->sighand)
		return;
	ka = &parent->sighand->action[SIGCHLD - 1];
	if (sig == -CLD_STOPPED || sig == -CLD_CONTINUED) {
		info.code = -sig;
		info.status = sig == -CLD_STOPPED ? t->signal->stop_state : SIGCONT;
		if (!(ka->flags & SA_NOCLDSTOP))
			send_signal(parent, &info, true);
		wake_up(&child_wait_wq);
		return;
	}
	if ((t->exit_code & 0x7f) == 0) {
		info.code = CLD_EXITED;
		info.status = (t->exit_code >> 8) & 0xff;
	} else {
		info.code = (t->exit_code & 0x80) ? CLD_DUMPED : CLD_KILLED;
		info.status = t->exit_code & 0x7f;
	}
	info.signo = sig > 0 ? sig : SIGCHLD;
	if (sig > 0)
		send_signal(parent, &info, true);
	if (sig == SIGCHLD &&
	    (ka->handler == SIG_IGN_K || (ka->flags & SA_NOCLDWAIT))) {
		/* Nobody will wait: reap at once (freed once off its stack). */
		autoreap(t);
		wake_up(&child_wait_wq); /* a waiter may now get ECHILD */
		return;
	}
	wake_up(&child_wait_wq);
}

void flush_signal_handlers(struct task *t)
{
	int i;

	if (t->sighand->users > 1) {
		struct sighand *n = kmalloc(sizeof(*n));

		if (n) {
			*n = *t->sighand;
			n->users = 1;
			t->sighand->users--;
			t->sighand = n;
		}
	}
	for (i = 0; i < KSIG_NSIG; i++) {
		struct ksigaction *ka = &t->sighand->action[i];

		if (ka->handler != SIG_IGN_K)
			ka->handler = SIG_DFL_K;
		ka->flags = 0;
		ka->restorer = 0;
		ka->mask = 0;
	}
}

/* Takes the next deliverable signal; synchronous faults first. */
static int dequeue(struct task *t, struct ksiginfo *info)
{
	ksigset_t set = pending_set(t);
	struct sigpending *p;
	struct sigqueue *q;
	int sig;

	if (!set)
		return 0;
	if (set & SYNC_SIGS)
		set &= SYNC_SIGS;
	sig = __builtin_ctzll(set) + 1;
	p = (t->pending.set & sigbit(sig)) ? &t->pending : &t->signal->shared;
	memset(info, 0, sizeof(*info));
	info->signo = sig;
	info->code = SI_USER;
	list_for_each_entry(q, &p->queue, list) {
		if (q->info.signo == sig) {
			*info = q->info;
			list_del(&q->list);
			kfree(q);
			break;
		}
	}
	/* Clear the bit unless another instance is still queued. */
	list_for_each_entry(q, &p->queue, list)
		if (q->info.signo == sig)
			return sig;
	p->set &= ~sigbit(sig);
	return sig;
}

static bool pgrp_orphaned(int pgid)
{
	struct task *t;

	list_for_each_entry(t, &all_tasks, all_node) {
		struct task *p = t->parent;

		if (t->group_leader != t || !t->signal || t->signal->pgid != pgid ||
		    t->state == TASK_ZOMBIE)
			continue;
		if (p && p->signal && p->signal->pgid != pgid &&
		    p->signal->sid == t->signal->sid)
			return false;
	}
	return true;
}

/* Job-control stop of the whole group; returns when continued/killed. */
static void do_signal_stop(int sig)
{
	struct signal *s = current->signal;

	if (!s->stop_state) {
		s->stop_state = sig;
		s->notify_parent = (s->notify_parent & ~2) | 1;
		do_notify_parent(current->group_leader, -CLD_STOPPED);
	}
	while (s->stop_state && !current->exiting) {
		current->state = TASK_STOPPED;
		current->wchan = "do_signal_stop";
		schedule();
	}
	current->wchan = NULL;
	current->state = TASK_RUNNING;
}

static void restart_syscall_regs(struct task *t, bool has_handler,
				 const struct ksigaction *ka)
{
	struct uregs *r = &t->regs;
	long rv = (long)r->rax;

	if (t->syscall_nr < 0)
		return;
	switch (rv) {
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		if (has_handler) {
			r->rax = (u64)-EINTR;
			break;
		}
		goto restart;
	case -ERESTARTSYS:
		if (has_handler && !(ka->flags & SA_RESTART)) {
			r->rax = (u64)-EINTR;
			break;
		}
		/* fall through */
	case -ERESTARTNOINTR:
	restart:
		if (rv == -ERESTART_RESTARTBLOCK)
			r->rax = __NR_restart_syscall;
		else
			r->rax = r->orig_rax;
		r->rip -= 2;
		break;
	}
}

void do_signal(void)
{
	struct task *t = current;
	struct ksiginfo info;
	int sig;

	for (;;) {
		struct ksigaction *ka;

		if (t->exiting) {
			if (t->signal->group_exit)
				do_exit(t->signal->group_exit_code);
			do_exit(SIGKILL);
		}
		if (t->signal->stop_state) {
			do_signal_stop(t->signal->stop_state);
			continue;
		}
		sig = dequeue(t, &info);
		if (!sig)
			break;
		/* A traced task shows each signal to its tracer first. */
		if (unlikely(t->ptracer) && sig != SIGKILL) {
			sig = ptrace_signal(t, &info);
			if (!sig)
				continue;
		}
		ka = &t->sighand->action[sig - 1];
		if (ka->handler == SIG_IGN_K)
			continue;
		if (ka->handler == SIG_DFL_K) {
			if (IGNORE_SIGS & sigbit(sig))
				continue;
			if (t->tgid == 1 && sig != SIGKILL && info.code <= 0)
				continue;
			if (STOP_SIGS & sigbit(sig)) {
				if (sig != SIGSTOP && pgrp_orphaned(t->signal->pgid))
					continue;
				do_signal_stop(sig);
				continue;
			}
			/* No core is written (RLIMIT_CORE is 0), so no 0x80 flag. */
			do_group_exit(sig);
		}
		/* A handler: build its frame. */
		restart_syscall_regs(t, true, ka);
		{
			ksigset_t old = t->restore_mask ? t->saved_mask : t->blocked;

			t->restore_mask = false;
			if (sigframe_setup(t, sig, ka, &info, old) < 0) {
				force_sig_fault(SIGSEGV, SI_KERNEL, 0);
				t->syscall_nr = -1;
				continue;
			}
			t->blocked |= ka->mask;
			if (!(ka->flags & SA_NODEFER))
				t->blocked |= sigbit(sig);
			t->blocked &= ~UNBLOCKABLE;
			if (ka->flags & SA_RESETHAND) {
				ka->handler = SIG_DFL_K;
				ka->flags &= ~(u64)SA_SIGINFO;
			}
		}
		t->syscall_nr = -1;
		return;
	}
	restart_syscall_regs(t, false, NULL);
	t->syscall_nr = -1;
	if (t->restore_mask) {
		t->restore_mask = false;
		t->blocked = t->saved_mask;
	}
}

/* --- system calls --- */

long sys_rt_sigaction(int sig, u64 uact, u64 uold, size_t size)
{
	struct ksigaction *ka, nk;
	struct {
		u64 handler, flags, restorer, mask;
	} ua;

	if (size != 8 || sig < 1 || sig > KSIG_NSIG)
		return -EINVAL;
	ka = &current->sighand->action[sig - 1];
	if (uold) {
		ua.handler = ka->handler;
		ua.flags = ka->flags;
		ua.restorer = ka->restorer;
		ua.mask = ka->mask;
		if (copy_to_user(uold, &ua, sizeof(ua)) < 0)
			return -EFAULT;
	}
	if (!uact)
		return 0;
	if (sig == SIGKILL || sig == SIGSTOP)
		return -EINVAL;
	if (copy_from_user(&ua, uact, sizeof(ua)) < 0)
		return -EFAULT;
	nk.handler = ua.handler;
	nk.flags = ua.flags;
	nk.restorer = ua.restorer;
	nk.mask = ua.mask & ~UNBLOCKABLE;
	*ka = nk;
	/* Setting SIG_IGN (or default-ignore) discards pending instances. */
	if (sig_ignored(current, sig)) {
		struct task *th;

		flush_queue(&current->signal->shared, sigbit(sig));
		list_for_each_entry(th, &current->group_leader->threads, thread_node)
			flush_queue(&th->pending, sigbit(sig));
	}
	return 0;
}

long sys_rt_sigprocmask(int how, u64 uset, u64 uold, size_t size)
{
	ksigset_t set, old = current->blocked;

	if (size != 8)
		return -EINVAL;
	if (uset) {
		if (copy_from_user(&set, uset, 8) < 0)
			return -EFAULT;
		set &= ~UNBLOCKABLE;
		switch (how) {
		case SIG_BLOCK:
			current->blocked |= set;
			break;
		case SIG_UNBLOCK:
			current->blocked &= ~set;
			break;
		case SIG_SETMASK:
			current->blocked = set;
			break;
		default:
			return -EINVAL;
		}
	}
	if (uold && copy_to_user(uold, &old, 8) < 0)
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(u64 uset, size_t size)
{
	ksigset_t set = (current->pending.set | current->signal->shared.set) &
			current->blocked;

	if (size > 8)
		return -EINVAL;
	return copy_to_user(uset, &set, size);
}

int set_temp_sigmask(u64 umask, size_t size)
{
	ksigset_t set;

	if (size != 8)
		return -EINVAL;
	if (copy_from_user(&set, umask, 8) < 0)
		return -EFAULT;
	current->saved_mask = current->blocked;
	current->restore_mask = true;
	current->blocked = set & ~UNBLOCKABLE;
	return 0;
}

long sys_rt_sigsuspend(u64 umask, size_t size)
{
	int rc = set_temp_sigmask(umask, size);

	if (rc < 0)
		return rc;
	while (!signal_pending(current)) {
		current->state = TASK_INTERRUPTIBLE;
		current->wchan = "sigsuspend";
		schedule();
	}
	current->wchan = NULL;
	return -ERESTARTNOHAND;
}

long sys_pause(void)
{
	while (!signal_pending(current)) {
		current->state = TASK_INTERRUPTIBLE;
		current->wchan = "pause";
		schedule();
	}
	current->wchan = NULL;
	return -ERESTARTNOHAND;
}

int dequeue_signal_set(struct task *t, ksigset_t set, struct ksiginfo *info)
{
	ksigset_t saved = t->blocked;
	int sig;

	if (!((t->pending.set | t->signal->shared.set) & set))
		return 0;
	t->blocked = ~set;
	sig = dequeue(t, info);
	t->blocked = saved;
	return sig;
}

long sys_rt_sigtimedwait(u64 uset, u64 uinfo, u64 uts, size_t size)
{
	ksigset_t set;
	struct ksiginfo info;
	u64 deadline = 0;
	int sig;

	if (size != 8)
		return -EINVAL;
	if (copy_from_user(&set, uset, 8) < 0)
		return -EFAULT;
	set &= ~UNBLOCKABLE;
	if (uts) {
		struct __kernel_timespec ts;

		if (copy_from_user(&ts, uts, sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000 || ts.tv_sec < 0)
			return -EINVAL;
		deadline = ktime_ns() + (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
		if (!deadline)
			deadline = 1;
	}
	for (;;) {
		sig = dequeue_signal_set(current, set, &info);
		if (sig) {
			if (uinfo) {
				u8 si[128];

				siginfo_to_user(si, &info);
				if (copy_to_user(uinfo, si, sizeof(si)) < 0)
					return -EFAULT;
			}
			return sig;
		}
		if (signal_pending(current))
			return -EINTR;
		if (deadline && ktime_ns() >= deadline)
			return -EAGAIN;
		current->sigwait = set;
		schedule_timeout(deadline, "sigtimedwait");
		current->sigwait = 0;
	}
}

long sys_rt_sigreturn(void)
{
	struct task *t = current;

	if (sigframe_return(t) < 0)
		force_sig_fault(SIGSEGV, SI_KERNEL, 0);
	t->syscall_nr = -1;
	return (long)t->regs.rax;
}

long sys_sigaltstack(u64 uss, u64 uoss)
{
	struct task *t = current;
	struct {
		u64 sp;
		s32 flags, pad;
		u64 size;
	} ss;
	bool on = t->altstack_size && t->regs.rsp > t->altstack_sp &&
		  t->regs.rsp - t->altstack_sp <= t->altstack_size;

	if (uoss) {
		ss.sp = t->altstack_sp;
		ss.size = t->altstack_size;
		ss.flags = on ? SS_ONSTACK : (t->altstack_size ? 0 : SS_DISABLE);
		ss.pad = 0;
		if (copy_to_user(uoss, &ss, sizeof(ss)) < 0)
			return -EFAULT;
	}
	if (uss) {
		if (copy_from_user(&ss, uss, sizeof(ss)) < 0)
			return -EFAULT;
		if (on)
			return -EPERM;
		if (ss.flags & SS_DISABLE) {
			t->altstack_sp = 0;
			t->altstack_size = 0;
			return 0;
		}
		if (ss.flags & ~(SS_ONSTACK | (int)0x80000000))
			return -EINVAL;
		if (ss.size < 2048)
			return -ENOMEM;
		t->altstack_sp = ss.sp;
		t->altstack_size = ss.size;
	}
	return 0;
}

static bool may_signal(struct task *t)
{
	return current->euid == 0 || current->euid == t->uid || current->uid == t->uid;
}

long sys_kill(int pid, int sig)
{
	struct ksiginfo info = { .signo = sig, .code = SI_USER,
				 .pid = current->tgid, .uid = current->uid };
	struct task *t;
	int found = 0;

	if (sig < 0 || sig > KSIG_NSIG)
		return -EINVAL;
	if (pid > 0) {
		t = task_by_pid(pid);
		if (!t || t->state == TASK_ZOMBIE)
			return -ESRCH;
		t = t->group_leader;
		if (!may_signal(t))
			return -EPERM;
		return sig ? send_signal(t, &info, true) : 0;
	}
	if (pid == 0)
		return kill_pgrp(current->signal->pgid, sig, &info);
	if (pid < -1)
		return kill_pgrp(-pid, sig, &info);
	/* -1: everyone but init and ourselves. */
	list_for_each_entry(t, &all_tasks, all_node) {
		if (t->group_leader != t || t->tgid == 1 || t->tgid == current->tgid ||
		    t->state == TASK_ZOMBIE || t->state == TASK_DEAD)
			continue;
		found = 1;
		if (sig)
			send_signal(t, &info, true);
	}
	return found ? 0 : -ESRCH;
}

static long do_tkill(int tgid, int tid, int sig)
{
	struct ksiginfo info = { .signo = sig, .code = SI_TKILL,
				 .pid = current->tgid, .uid = current->uid };
	struct task *t;

	if (tid <= 0 || sig < 0 || sig > KSIG_NSIG)
		return -EINVAL;
	t = task_by_pid(tid);
	if (!t || (tgid > 0 && t->tgid != tgid) || t->state == TASK_ZOMBIE)
		return -ESRCH;
	return sig ? send_signal(t, &info, false) : 0;
}

long sys_tkill(int tid, int sig)
{
	return do_tkill(-1, tid, sig);
}

long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0)
		return -EINVAL;
	return do_tkill(tgid, tid, sig);
}

long sys_rt_sigqueueinfo(int pid, int sig, u64 uinfo)
{
	struct ksiginfo info = { .signo = sig };
	u8 si[128];
	struct task *t;

	if (copy_from_user(si, uinfo, sizeof(si)) < 0)
		return -EFAULT;
	memcpy(&info.code, si + 8, 4);
	if (info.code >= 0 || info.code == SI_TKILL)
		return -EPERM;
	memcpy(&info.pid, si + 16, 4);
	memcpy(&info.uid, si + 20, 4);
	memcpy(&info.value, si + 24, 8);
	t = task_by_pid(pid);
	if (!t)
		return -ESRCH;
	return send_signal(t->group_leader, &info, true);
}
