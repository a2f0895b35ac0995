/* exit, exit_group, wait4, waitid: ending tasks and reaping them. */
#include <linux/wait.h>
#include <linux/resource.h>
#include <asm/signal.h>
#include <asm/siginfo.h>

#include "engine.h"
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "pidfd.h"
#include "posix_timers.h"
#include "printk.h"
#include "ptrace.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#ifndef __WNOTHREAD
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000
#endif

struct wait_queue child_wait_wq = WAIT_QUEUE_INIT(child_wait_wq);
static LIST_HEAD(dead_tasks);

long futex_wake_addr(struct mm *mm, u64 uaddr, int n);
void futex_exit_robust(struct task *t);
void exec_done_vfork(struct task *t);
void tty_session_leader_exit(struct task *t);

/* Frees tasks that died; never the one running. */
void reap_dead_stacks(void)
{
	struct task *t, *n;

	list_for_each_entry_safe(t, n, &dead_tasks, run_node) {
		if (t == current)
			continue;
		list_del(&t->run_node);
		task_free(t);
	}
}

static void release_resources(struct task *t)
{
	futex_exit_robust(t);
	if (t->clear_child_tid && t->mm) {
		u32 zero = 0;

		if (copy_to_user(t->clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake_addr(t->mm, t->clear_child_tid, 1);
	}
	exec_done_vfork(t);
	engine_task_gone(t);
	if (t->mm) {
		mm_put(t->mm);
		t->mm = NULL;
	}
	if (t->files) {
		files_put(t->files);
		t->files = NULL;
	}
	if (t->fs) {
		fs_put(t->fs);
		t->fs = NULL;
	}
	if (t->sighand) {
		if (--t->sighand->users == 0)
			kfree(t->sighand);
		t->sighand = NULL;
	}
}

static struct task *child_reaper(void)
{
	return init_task;
}

/* The process (thread group) of leader has ended: tell its parent. */
static void process_exited(struct task *leader)
{
	struct task *c, *n, *reaper = child_reaper();

	/* Orphans go to init. */
	list_for_each_entry_safe(c, n, &leader->children, sibling) {
		list_del(&c->sibling);
		c->parent = reaper;
		if (c->pdeath_signal && c->state != TASK_ZOMBIE)
			send_sig(c->pdeath_signal, c, true);
		list_add_tail(&c->sibling, &reaper->children);
		/* The new parent hears of a child that is already dead. */
		if (c->state == TASK_ZOMBIE && c->signal && c->signal->live == 0)
			do_notify_parent(c, c->exit_signal);
	}
	leader->exit_code = leader->signal->group_exit ?
				    leader->signal->group_exit_code :
				    leader->exit_code;
	leader->state = TASK_ZOMBIE;
	do_notify_parent(leader, leader->exit_signal);
	pidfd_notify_exit();
}

void do_exit(int code)
{
	struct task *t = current;
	struct signal *sig = t->signal;

	if (t == init_task && !machine_stopping) {
		panic("Attempted to kill init! exitcode=0x%08x", code);
	}
	if (!t->exiting)
		ptrace_exit_event(t, code);
	t->exiting = true;
	t->exit_code = code;
	ptrace_exit(t);
	sig->utime_ns += t->utime_ns;
	sig->stime_ns += t->stime_ns;
	release_resources(t);
	list_del(&t->thread_node);
	list_init(&t->thread_node);
	--sig->live;
	if (sig->exec_waiter && sig->exec_waiter != t)
		wake_up_task_force(sig->exec_waiter);
	if (sig->live == 0) {
		struct task *leader = t->group_leader;

		posix_timers_exit(sig);
		if (leader != t) {
			/* The leader already ran do_exit; report on its behalf. */
			leader->exit_code = code;
		}
		if (t->pid == t->signal->sid)
			tty_session_leader_exit(t);
		process_exited(leader);
	}
	if (t != t->group_leader) {
		t->state = TASK_DEAD;
		list_add_tail(&t->run_node, &dead_tasks);
	} else if (t->state != TASK_ZOMBIE && t->state != TASK_DEAD) {
		/* A leader whose threads still run: a zombie not yet reported. */
		t->state = TASK_ZOMBIE;
	}
	schedule();
	panic("a dead task ran again");
}

void do_group_exit(int code)
{
	struct signal *sig = current->signal;
	struct task *t;

	if (!sig->group_exit) {
		sig->group_exit = 1;
		sig->group_exit_code = code;
		list_for_each_entry(t, &current->group_leader->threads, thread_node) {
			if (t == current)
				continue;
			t->exiting = true;
			if (t->state == TASK_INTERRUPTIBLE || t->state == TASK_STOPPED ||
			    t->state == TASK_TRACED)
				t->state = TASK_RUNNING;
			wake_up_task(t);
		}
	}
	do_exit(sig->group_exit_code);
}

long sys_exit(int code)
{
	do_exit((code & 0xff) << 8);
}

long sys_exit_group(int code)
{
	do_group_exit((code & 0xff) << 8);
}

/* A zombie process is reportable once all its threads are gone. */
static bool reportable(struct task *c)
{
	return c->state == TASK_ZOMBIE && c->signal->live == 0;
}

void task_reap(struct task *c)
{
	struct task *parent = c->parent;
	struct signal *sig = c->signal;

	if (parent && parent->signal) {
		parent->signal->cutime_ns += sig->utime_ns + sig->cutime_ns;
		parent->signal->cstime_ns += sig->stime_ns + sig->cstime_ns;
	}
	list_del(&c->sibling);
	c->state = TASK_DEAD;
	if (sig->it_real_timer) {
		timer_cancel(sig->it_real_timer);
		kfree(sig->it_real_timer);
	}
	kfree(sig);
	c->signal = NULL;
	task_free(c);
}

static bool pid_matches(struct task *c, int pid)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == -1)
		return true;
	if (pid == 0)
		return c->signal->pgid == current->signal->pgid;
	return c->signal->pgid == -pid;
}

struct wait_result {
	int pid, status, code, sig_status;
	u64 utime, stime;
	int uid;
};

/* Scans children once. Returns 1 with *res filled, 0 if some child could
 * still change, -ECHILD if none matches. */
static int wait_scan(int pid, int options, struct wait_result *res)
{
	struct task *c, *n;
	bool found = false;

	list_for_each_entry_safe(c, n, &current->group_leader->children, sibling) {
		bool is_clone = c->exit_signal != SIGCHLD;

		if (!pid_matches(c, pid))
			continue;
		if (!(options & __WALL) && (is_clone != !!(options & __WCLONE)))
			continue;
		found = true;
		/* Its tracer hears of the exit first (as on Linux). */
		if (reportable(c) && (options & WEXITED) && !c->ptrace_exited) {
			res->pid = c->pid;
			res->status = c->exit_code;
			res->uid = c->uid;
			res->utime = c->signal->utime_ns + c->signal->cutime_ns;
			res->stime = c->signal->stime_ns + c->signal->cstime_ns;
			if ((c->exit_code & 0x7f) == 0) {
				res->code = CLD_EXITED;
				res->sig_status = (c->exit_code >> 8) & 0xff;
			} else {
				res->code = (c->exit_code & 0x80) ? CLD_DUMPED : CLD_KILLED;
				res->sig_status = c->exit_code & 0x7f;
			}
			if (!(options & WNOWAIT))
				task_reap(c);
			return 1;
		}
		if (c->ptracer == current->group_leader)
			continue; /* its stops are reported below */
		if ((options & WSTOPPED) && c->signal->stop_state &&
		    (c->signal->notify_parent & 1)) {
			res->pid = c->pid;
			res->status = (c->signal->stop_state << 8) | 0x7f;
			res->code = CLD_STOPPED;
			res->sig_status = c->signal->stop_state;
			res->uid = c->uid;
			if (!(options & WNOWAIT))
				c->signal->notify_parent &= ~1;
			return 1;
		}
		if ((options & WCONTINUED) && (c->signal->notify_parent & 2)) {
			res->pid = c->pid;
			res->status = 0xffff;
			res->code = CLD_CONTINUED;
			res->sig_status = SIGCONT;
			res->uid = c->uid;
			if (!(options & WNOWAIT))
				c->signal->notify_parent &= ~2;
			return 1;
		}
	}
	/* Ptrace stops go to the tracer, child or not, without WUNTRACED. */
	list_for_each_entry_safe(c, n, &current->group_leader->ptraced, ptrace_node) {
		int status, r;

		if (!c->ptrace_exited && !pid_matches(c, pid))
			continue;
		r = ptrace_wait_report(c, pid, &status);
		if (r < 0)
			continue;
		found = true;
		if (r == 0)
			continue;
		res->pid = c->pid;
		res->status = status;
		res->uid = c->uid;
		if (r == 2) {
			/* A traced non-child's exit: reported, not reaped. */
			res->code = (status & 0x7f) ? CLD_KILLED : CLD_EXITED;
			res->sig_status = (status & 0x7f) ? status & 0x7f : (status >> 8) & 0xff;
			if (!(options & WNOWAIT))
				ptrace_forget(c);
			return 1;
		}
		res->code = CLD_TRAPPED;
		res->sig_status = (status >> 8) & 0x7f;
		if (!(options & WNOWAIT))
			c->ptrace_report = false;
		return 1;
	}
	return found ? 0 : -ECHILD;
}

static long do_wait(int pid, int options, struct wait_result *res)
{
	long rc;

	for (;;) {
		rc = wait_scan(pid, options, res);
		if (rc != 0)
			return rc;
		if (options & WNOHANG)
			return 0;
		rc = wait_event_interruptible(&child_wait_wq,
					      wait_scan(pid, options | WNOWAIT, res) != 0,
					      "wait4");
		if (rc < 0)
			return rc;
	}
}

/* Writes the reaped child's times as a struct rusage (if asked for). */
static int put_rusage(u64 urusage, const struct wait_result *res)
{
	struct rusage ru;

	if (!urusage)
		return 0;
	memset(&ru, 0, sizeof(ru));
	ru.ru_utime.tv_sec = (long)(res->utime / NSEC_PER_SEC);
	ru.ru_utime.tv_usec = (long)(res->utime % NSEC_PER_SEC) / 1000;
	ru.ru_stime.tv_sec = (long)(res->stime / NSEC_PER_SEC);
	ru.ru_stime.tv_usec = (long)(res->stime % NSEC_PER_SEC) / 1000;
	return copy_to_user(urusage, &ru, sizeof(ru));
}

long sys_wait4(int pid, u64 ustatus, int options, u64 urusage)
{
	struct wait_result res = { 0 };
	long rc;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (pid == INT32_MIN_K)
		return -ESRCH;
	rc = do_wait(pid, options | WEXITED, &res);
	if (rc <= 0)
		return rc;
	if (ustatus && copy_to_user(ustatus, &res.status, sizeof(int)) < 0)
		return -EFAULT;
	if (put_rusage(urusage, &res) < 0)
		return -EFAULT;
	return res.pid;
}

long sys_waitid(int which, int id, u64 uinfo, int options, u64 urusage)
{
	struct wait_result res = { 0 };
	bool nonblock = false;
	int user_options = options;
	int pid;
	long rc;

	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (which) {
	case P_ALL:
		pid = -1;
		break;
	case P_PID:
		if (id <= 0)
			return -EINVAL;
		pid = id;
		break;
	case P_PGID:
		if (id < 0)
			return -EINVAL;
		pid = id ? -id : 0;
		break;
	case P_PIDFD:
		pid = pidfd_pid(id, &nonblock);
		if (pid < 0)
			return pid;
		if (pid == 0)
			return -ECHILD;
		if (nonblock)
			options |= WNOHANG;
		break;
	default:
		return -EINVAL;
	}
	rc = do_wait(pid, options, &res);
	if (rc < 0)
		return rc;
	/* A non-blocking pidfd's process has not changed state. */
	if (rc == 0 && nonblock && !(user_options & WNOHANG))
		return -EAGAIN;
	if (uinfo) {
		u8 si[128];
		int v;

		memset(si, 0, sizeof(si));
		if (rc > 0) {
			v = SIGCHLD;
			memcpy(si, &v, 4);
			memcpy(si + 8, &res.code, 4);
			memcpy(si + 16, &res.pid, 4);
			memcpy(si + 20, &res.uid, 4);
			memcpy(si + 24, &res.sig_status, 4);
		}
		if (copy_to_user(uinfo, si, sizeof(si)) < 0)
			return -EFAULT;
	}
	if (put_rusage(urusage, &res) < 0)
		return -EFAULT;
	return 0;
}

long sys_set_tid_address(u64 addr)
{
	current->clear_child_tid = addr;
	return current->pid;
}

long sys_set_robust_list(u64 head, size_t len)
{
	if (len != 24)
		return -EINVAL;
	current->robust_list = head;
	return 0;
}

long sys_get_robust_list(int pid, u64 uhead, u64 ulen)
{
	struct task *t = pid ? task_by_pid(pid) : current;
	u64 len = 24;

	if (!t)
		return -ESRCH;
	if (copy_to_user(uhead, &t->robust_list, 8) < 0 ||
	    copy_to_user(ulen, &len, 8) < 0)
		return -EFAULT;
	return 0;
}

/* A task that will never run again and has no waiter: free it later. */
void task_release_dead(struct task *t)
{
	t->state = TASK_DEAD;
	list_add_tail(&t->run_node, &dead_tasks);
}

/* A child nobody will wait for: detach it and free it later. */
void autoreap(struct task *t)
{
	list_del(&t->sibling);
	list_init(&t->sibling);
	t->state = TASK_DEAD;
	if (t->signal) {
		if (t->signal->it_real_timer) {
			timer_cancel(t->signal->it_real_timer);
			kfree(t->signal->it_real_timer);
		}
		kfree(t->signal);
		t->signal = NULL;
	}
	list_add_tail(&t->run_node, &dead_tasks);
}
