/*
 * ptrace(2) for guest debuggers and tracers (gdb, strace): one task traces
 * another, which stops at signals, at system-call entry and exit, after
 * single steps and at exec, while the tracer reads and changes its memory
 * and registers.
 *
 * The tracer is a thread group: ptracer points at its leader, and any of
 * its threads may wait for and command the tracee. A stopped tracee sleeps
 * in TASK_TRACED in ptrace_stop() with the status the tracer's wait will
 * report; the resuming request sets ptrace_sig (the signal to deliver, 0
 * for none) and wakes it.
 *
 * Not done: PTRACE_O_TRACEVFORKDONE, PTRACE_SEIZE/INTERRUPT/LISTEN, group-stop reporting to the
 * tracer, exit reports of a traced non-child to its tracer (it just leaves the tracer's list),
 * hardware debug registers (read as 0, only 0 may be written).
 */
#include <asm/ptrace-abi.h>
#include <asm/signal.h>
#include <asm/siginfo.h>
#include <linux/sched.h>
#include <linux/elf.h>
#include <linux/ptrace.h>
#include <linux/uio.h>

#include "arch/layout.h"
#include "engine.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "ptrace.h"
#include "sigframe.h"
#include "task.h"

/* The flags a tracer may change: CF PF AF ZF SF TF DF OF RF AC. */
#define EFLAGS_USER_MASK 0x50dd5UL
#define USER_REGS_SIZE	 sizeof(struct uregs)
/* struct user (sys/user.h): the registers at 0, the debug registers at 848. */
#define USER_DEBUGREG_OFF 848
#define USER_SIZE	  912

static struct task *tracer_of(struct task *t)
{
	return t->group_leader;
}

static void ptrace_link(struct task *tracee, struct task *tracer)
{
	tracee->ptracer = tracer;
	tracee->ptrace_opts = 0;
	tracee->ptrace_report = false;
	list_add_tail(&tracee->ptrace_node, &tracer->ptraced);
}

/* Ends tracing of t and lets it run (with sig, if any, to deliver). */
static void ptrace_unlink(struct task *t, int sig)
{
	ptrace_forget(t);
	t->ptrace_report = false;
	if (t->ptrace_step) {
		t->regs.eflags &= ~EFLAGS_TF;
		t->ptrace_step = false;
	}
	if (t->state == TASK_TRACED) {
		t->ptrace_sig = sig;
		t->ptrace_resumed = true;
		t->state = TASK_RUNNING;
		wake_up_task(t);
	}
}

int ptrace_stop(int code, const struct ksiginfo *info)
{
	struct task *t = current, *tracer = t->ptracer;
	struct ksiginfo chld = {.signo = SIGCHLD, .code = CLD_TRAPPED};

	if (!tracer || t->exiting)
		return 0;
	t->ptrace_code = code;
	t->ptrace_report = true;
	t->ptrace_resumed = false;
	t->ptrace_sig = 0;
	if (info) {
		t->ptrace_info = *info;
	} else {
		memset(&t->ptrace_info, 0, sizeof(t->ptrace_info));
		t->ptrace_info.signo = SIGTRAP;
		t->ptrace_info.code = code;
	}
	chld.pid = t->pid;
	chld.uid = t->uid;
	chld.status = code & 0x7f;
	send_signal(tracer, &chld, true);
	wake_up(&child_wait_wq);
	/* Only a resume, a detach or a kill ends the stop: other wakeups
	 * (wake_up_task_force) just sleep again. */
	while (t->ptracer && !t->exiting && !t->ptrace_resumed) {
		t->state = TASK_TRACED;
		t->wchan = "ptrace_stop";
		schedule();
	}
	t->state = TASK_RUNNING;
	t->wchan = NULL;
	return t->exiting ? 0 : t->ptrace_sig; /* a detach's signal too */
}

int ptrace_signal(struct task *t, struct ksiginfo *info)
{
	int sig = ptrace_stop(info->signo, info);

	if (!sig)
		return 0;
	if (sig != info->signo) {
		/* The tracer chose another signal: as if it sent it. */
		memset(info, 0, sizeof(*info));
		info->signo = sig;
		info->code = SI_USER;
		info->pid = t->ptracer ? t->ptracer->tgid : 0;
	}
	if (t->blocked & sigbit(sig)) {
		send_signal(t, info, false);
		return 0;
	}
	return sig;
}

void ptrace_syscall_stop(struct task *t)
{
	if (t->ptracer && t->ptrace_resume == PTRACE_SYSCALL)
		ptrace_stop(SIGTRAP | ((t->ptrace_opts & PTRACE_O_TRACESYSGOOD) ? 0x80 : 0), NULL);
}

void ptrace_syscall_done(struct task *t)
{
	ptrace_syscall_stop(t);
	/* A step over a system call stops right after it, as on Linux. */
	if (t->ptracer && t->ptrace_step)
		force_sig_fault(SIGTRAP, TRAP_BRKPT, 0);
}

void ptrace_exec(struct task *t, int old_pid)
{
	if (!t->ptracer)
		return;
	if (t->ptrace_opts & PTRACE_O_TRACEEXEC) {
		t->ptrace_msg = (u64)old_pid;
		ptrace_stop(SIGTRAP | (PTRACE_EVENT_EXEC << 8), NULL);
	} else {
		send_sig(SIGTRAP, t, false);
	}
}

/* The event a clone with these flags reports, and the option asking for it. */
static int fork_event(u64 flags, int exit_signal, u32 *option)
{
	if (flags & CLONE_VFORK) {
		*option = PTRACE_O_TRACEVFORK;
		return PTRACE_EVENT_VFORK;
	}
	if (exit_signal == SIGCHLD && !(flags & CLONE_THREAD)) {
		*option = PTRACE_O_TRACEFORK;
		return PTRACE_EVENT_FORK;
	}
	*option = PTRACE_O_TRACECLONE;
	return PTRACE_EVENT_CLONE;
}

void ptrace_fork_child(struct task *parent, struct task *child, u64 flags, int exit_signal)
{
	u32 option;

	if (!parent->ptracer)
		return;
	fork_event(flags, exit_signal, &option);
	if (!(parent->ptrace_opts & option))
		return;
	ptrace_link(child, parent->ptracer);
	child->ptrace_opts = parent->ptrace_opts;
	send_sig(SIGSTOP, child, false);
}

void ptrace_fork_event(struct task *parent, struct task *child, u64 flags, int exit_signal)
{
	u32 option;
	int event = fork_event(flags, exit_signal, &option);

	if (!parent->ptracer || !(parent->ptrace_opts & option))
		return;
	parent->ptrace_msg = (u64)child->pid;
	ptrace_stop(SIGTRAP | (event << 8), NULL);
}

void ptrace_exit_event(struct task *t, int code)
{
	if (!t->ptracer || !(t->ptrace_opts & PTRACE_O_TRACEEXIT))
		return;
	t->ptrace_msg = (u64)(u32)code;
	ptrace_stop(SIGTRAP | (PTRACE_EVENT_EXIT << 8), NULL);
}

void ptrace_exit(struct task *t)
{
	struct task *c, *n;

	if (t->ptracer) {
		/* A parent tracer hears of the exit as a parent; any other
		 * tracer gets one exit report from its wait first. */
		if (t->group_leader == t && t->parent == t->ptracer) {
			ptrace_unlink(t, 0);
		} else {
			t->ptrace_exited = true;
			t->ptrace_report = false;
			wake_up(&child_wait_wq);
		}
	}
	list_for_each_entry_safe(c, n, &t->ptraced, ptrace_node)
	{
		bool kill = c->ptrace_opts & PTRACE_O_EXITKILL;

		ptrace_unlink(c, 0);
		if (kill)
			send_sig(SIGKILL, c, true);
	}
}

int ptrace_wait_report(struct task *c, int pid, int *status)
{
	if (c->ptrace_exited) {
		/* Its signal and process group may be gone: pids only. */
		if (pid > 0 ? c->pid != pid : pid != -1)
			return -1;
		if (c->state != TASK_ZOMBIE && c->state != TASK_DEAD)
			return 0;
		*status = c->exit_code;
		return 2;
	}
	if (!c->ptrace_report || c->state != TASK_TRACED)
		return 0;
	*status = (c->ptrace_code << 8) | 0x7f;
	return 1;
}

void ptrace_forget(struct task *c)
{
	if (!c->ptracer)
		return;
	list_del(&c->ptrace_node);
	list_init(&c->ptrace_node);
	c->ptracer = NULL;
	if (c->ptrace_exited) {
		c->ptrace_exited = false;
		wake_up(&child_wait_wq); /* now the parent may reap it */
	}
}

/* --- requests --- */

static long do_traceme(void)
{
	struct task *t = current, *parent = t->group_leader->parent;

	if (t->ptracer || !parent)
		return -EPERM;
	ptrace_link(t, parent);
	return 0;
}

static bool may_attach(struct task *t)
{
	struct task *me = current;

	if (me->euid == 0)
		return true;
	return t->uid == me->euid && t->euid == me->euid && t->suid == me->euid &&
	       t->gid == me->egid && t->egid == me->egid && t->sgid == me->egid;
}

static long do_attach(int pid)
{
	struct task *t = task_by_pid(pid);

	if (!t || t->kthread || !t->mm || t->state == TASK_ZOMBIE || t->exiting)
		return -ESRCH;
	if (t->tgid == current->tgid || !may_attach(t))
		return -EPERM;
	if (t->ptracer)
		return -EPERM;
	ptrace_link(t, tracer_of(current));
	send_sig(SIGSTOP, t, false);
	return 0;
}

/* The tracee of a request: traced by us and, unless any_state, stopped. */
static struct task *tracee(int pid, bool any_state)
{
	struct task *t = task_by_pid(pid);

	if (!t || t->ptracer != tracer_of(current))
		return NULL;
	if (!any_state && t->state != TASK_TRACED)
		return NULL;
	return t;
}

/* The registers as the tracer sees them: the single-step flag is ours. */
static void get_regs(struct task *t, struct uregs *r)
{
	*r = t->regs;
	r->cs = USER_CS; /* what the engine may not keep up to date */
	r->ss = USER_SS;
	if (t->ptrace_step)
		r->eflags &= ~EFLAGS_TF;
}

static long set_regs(struct task *t, const struct uregs *in)
{
	struct uregs r = *in;

	if (r.fs_base >= TASK_SIZE || r.gs_base >= TASK_SIZE)
		return -EIO;
	r.cs = USER_CS;
	r.ss = USER_SS;
	r.ds = r.es = r.fs = r.gs = 0;
	r.eflags = (t->regs.eflags & ~EFLAGS_USER_MASK) | (r.eflags & EFLAGS_USER_MASK);
	if (t->ptrace_step)
		r.eflags |= EFLAGS_TF;
	t->regs = r;
	return 0;
}

static long peek_user(struct task *t, u64 off, u64 data)
{
	u64 v = 0;

	if (off & 7 || off >= USER_SIZE)
		return -EIO;
	if (off < USER_REGS_SIZE) {
		struct uregs r;

		get_regs(t, &r);
		memcpy(&v, (char *)&r + off, 8);
	}
	/* Anything else, the debug registers included, reads as 0. */
	return copy_to_user(data, &v, 8) < 0 ? -EFAULT : 0;
}

static long poke_user(struct task *t, u64 off, u64 v)
{
	struct uregs r;

	if (off & 7 || off >= USER_SIZE)
		return -EIO;
	if (off >= USER_REGS_SIZE)
		return off >= USER_DEBUGREG_OFF && v == 0 ? 0 : -EIO;
	get_regs(t, &r);
	memcpy((char *)&r + off, &v, 8);
	return set_regs(t, &r);
}

static long get_fpregs(struct task *t, u64 addr, size_t len)
{
	engine_fpu_save(t);
	return copy_to_user(addr, t->fp.fx, MIN(len, sizeof(t->fp.fx))) < 0 ? -EFAULT : 0;
}

static long set_fpregs(struct task *t, u64 addr, size_t len)
{
	struct fpstate fp;
	u32 mxcsr;

	engine_fpu_save(t);
	fp = t->fp;
	if (copy_from_user(fp.fx, addr, MIN(len, sizeof(fp.fx))) < 0)
		return -EFAULT;
	/* Reserved MXCSR bits would fault the host's restore. */
	memcpy(&mxcsr, fp.fx + 24, 4);
	mxcsr &= 0xffff;
	memcpy(fp.fx + 24, &mxcsr, 4);
	t->fp = fp;
	engine_fpu_changed(t);
	return 0;
}

static long regset(struct task *t, int type, u64 uiov, bool set)
{
	struct iovec iov;
	size_t n;
	long rc;

	if (copy_from_user(&iov, uiov, sizeof(iov)) < 0)
		return -EFAULT;
	switch (type) {
	case NT_PRSTATUS: {
		struct uregs r;

		n = MIN(iov.iov_len, USER_REGS_SIZE);
		get_regs(t, &r);
		if (set) {
			if (copy_from_user(&r, (u64)iov.iov_base, n) < 0)
				return -EFAULT;
			rc = set_regs(t, &r);
		} else {
			rc = copy_to_user((u64)iov.iov_base, &r, n) < 0 ? -EFAULT : 0;
		}
		break;
	}
	case NT_PRFPREG:
		n = MIN(iov.iov_len, sizeof(t->fp.fx));
		rc = set ? set_fpregs(t, (u64)iov.iov_base, n)
			 : get_fpregs(t, (u64)iov.iov_base, n);
		break;
	default:
		return -EINVAL;
	}
	if (rc < 0)
		return rc;
	iov.iov_len = n;
	return copy_to_user(uiov, &iov, sizeof(iov)) < 0 ? -EFAULT : 0;
}

static long resume(struct task *t, long request, u64 sig)
{
	if (sig > KSIG_NSIG)
		return -EIO;
	t->ptrace_resume = (int)request;
	if (request == PTRACE_SINGLESTEP) {
		t->regs.eflags |= EFLAGS_TF;
		t->ptrace_step = true;
	} else if (t->ptrace_step) {
		t->regs.eflags &= ~EFLAGS_TF;
		t->ptrace_step = false;
	}
	t->ptrace_sig = (int)sig;
	t->ptrace_report = false;
	t->ptrace_resumed = true;
	t->state = TASK_RUNNING;
	wake_up_task(t);
	return 0;
}

long sys_ptrace(long request, long pid, u64 addr, u64 data)
{
	struct task *t;
	u64 word;

	if (request == PTRACE_TRACEME)
		return do_traceme();
	if (request == PTRACE_ATTACH)
		return do_attach((int)pid);
	t = tracee((int)pid, request == PTRACE_KILL);
	if (!t)
		return -ESRCH;
	switch (request) {
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA:
		if (access_mm_read(t->mm, addr, &word, 8) < 0)
			return -EIO;
		return copy_to_user(data, &word, 8) < 0 ? -EFAULT : 0;
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
		return access_mm_write(t->mm, addr, &data, 8, true) < 0 ? -EIO : 0;
	case PTRACE_PEEKUSR:
		return peek_user(t, addr, data);
	case PTRACE_POKEUSR:
		return poke_user(t, addr, data);
	case PTRACE_GETREGS: {
		struct uregs r;

		get_regs(t, &r);
		return copy_to_user(data, &r, sizeof(r)) < 0 ? -EFAULT : 0;
	}
	case PTRACE_SETREGS: {
		struct uregs r;

		if (copy_from_user(&r, data, sizeof(r)) < 0)
			return -EFAULT;
		return set_regs(t, &r);
	}
	case PTRACE_GETFPREGS:
		return get_fpregs(t, data, sizeof(t->fp.fx));
	case PTRACE_SETFPREGS:
		return set_fpregs(t, data, sizeof(t->fp.fx));
	case PTRACE_GETREGSET:
	case PTRACE_SETREGSET:
		return regset(t, (int)addr, data, request == PTRACE_SETREGSET);
	case PTRACE_GETSIGINFO: {
		u8 si[128];

		siginfo_to_user(si, &t->ptrace_info);
		return copy_to_user(data, si, sizeof(si)) < 0 ? -EFAULT : 0;
	}
	case PTRACE_SETSIGINFO: {
		u8 si[128];
		int v;

		if (copy_from_user(si, data, sizeof(si)) < 0)
			return -EFAULT;
		memcpy(&v, si, 4);
		t->ptrace_info.signo = v;
		memcpy(&v, si + 8, 4);
		t->ptrace_info.code = v;
		return 0;
	}
	case PTRACE_SETOPTIONS:
		if (data & ~(u64)(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL |
				  PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
				  PTRACE_O_TRACEEXIT))
			return -EINVAL;
		t->ptrace_opts = (u32)data;
		return 0;
	case PTRACE_GETEVENTMSG:
		return copy_to_user(data, &t->ptrace_msg, 8) < 0 ? -EFAULT : 0;
	case PTRACE_CONT:
	case PTRACE_SYSCALL:
	case PTRACE_SINGLESTEP:
		return resume(t, request, data);
	case PTRACE_KILL:
		send_sig(SIGKILL, t, true);
		return 0;
	case PTRACE_DETACH:
		if (data > KSIG_NSIG)
			return -EIO;
		ptrace_unlink(t, (int)data);
		return 0;
	default:
		return -EIO;
	}
}
