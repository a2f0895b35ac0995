/*
 * The per-task kernel loop: run the guest through the engine, serve what
 * stopped it (system call, page fault, other trap), deliver signals, and
 * give the CPU away when asked to.
 */
#include <asm/signal.h>
#include <asm/siginfo.h>

#include "engine.h"
#include "kerrno.h"
#include "mm.h"
#include "printk.h"
#include "softirq.h"
#include "syscall.h"
#include "sysfast.h"
#include "task.h"
#include "timer.h"

bool machine_stopping;

/* Would a CPU-time interval timer expire if the guest ran on now? */
static bool cpu_timer_due(struct task *t)
{
	struct signal *s = t->signal;
	s64 ran = (s64)(ktime_ns() - t->guest_start_ns);
	int k;

	for (k = 0; k < 2; k++)
		if (s->it_cpu_left[k] > 0 && ran >= s->it_cpu_left[k])
			return true;
	return false;
}

/* Charges CPU time to ITIMER_VIRTUAL (user time) and ITIMER_PROF (all). */
static void charge_cpu_timers(struct task *t, u64 user_ns, u64 sys_ns)
{
	static const int sigs[2] = { SIGVTALRM, SIGPROF };
	struct signal *s = t->signal;
	int k;

	for (k = 0; k < 2; k++) {
		if (s->it_cpu_left[k] <= 0)
			continue;
		s->it_cpu_left[k] -= (s64)(user_ns + (k ? sys_ns : 0));
		if (s->it_cpu_left[k] > 0)
			continue;
		send_sig(sigs[k], t->group_leader, true);
		if (s->it_cpu_interval[k]) {
			s->it_cpu_left[k] += (s64)s->it_cpu_interval[k];
			if (s->it_cpu_left[k] <= 0)
				s->it_cpu_left[k] = (s64)s->it_cpu_interval[k];
		} else {
			s->it_cpu_left[k] = 0;
		}
	}
}

bool kernel_irq_during_guest(void)
{
	irq_poll();
	return need_resched || signal_pending(current) || machine_stopping ||
	       machine_frozen || cpu_timer_due(current);
}

struct task *oom_kill(struct task *faulting);

static void handle_fault(struct task *t)
{
	u64 addr = t->trap.addr;
	int rc = mm_fault(t->mm, addr, FAULT_HOST);

	switch (rc) {
	case 0:
	case -EAGAIN: /* memory was made free meanwhile: fault again */
		return;
	case -ENOMEM:
		/* Another process may be the one to go; let it run and exit,
		 * then this access is retried. */
		if (oom_kill(t) != t->group_leader)
			need_resched = true;
		return;
	}
	if (t->mm->sysfast)
		sysfast_fixup(t, SIGSEGV, 0);
	switch (rc) {
	case -EIO:
		force_sig_fault(SIGBUS, BUS_ADRERR, addr);
		return;
	case -EACCES:
		force_sig_fault(SIGSEGV, SEGV_ACCERR, addr);
		return;
	default:
		force_sig_fault(SIGSEGV, SEGV_MAPERR, addr);
		return;
	}
}

static void ret_to_user(void)
{
	softirq_run_pending();
	for (;;) {
		if (need_resched || machine_frozen)
			schedule();
		do_signal();
		if (!need_resched)
			return;
	}
}

void task_user_loop(void)
{
	struct task *t = current;

	for (;;) {
		enum engine_event ev;
		u64 t0, t1, off, sys;

		ret_to_user();
		t0 = ktime_ns();
		t->guest_start_ns = t0;
		ev = engine_run(t);
		t1 = ktime_ns();
		t->utime_ns += t1 - t0;
		cpustat.user_ns += t1 - t0;
		if (t->signal->it_cpu_left[0] > 0 || t->signal->it_cpu_left[1] > 0)
			charge_cpu_timers(t, t1 - t0, 0);
		off = t->off_cpu_ns;
		t->kentry_ns = t1;
		t->kentry_off_ns = off;
		switch (ev) {
		case EV_SYSCALL:
			if (t->trap.kind == TRAP_SYSCALL_INSN)
				sysfast_note(t);
			syscall_dispatch(t);
			break;
		case EV_FAULT:
			handle_fault(t);
			break;
		case EV_SIGNAL:
			if (t->mm && t->mm->sysfast &&
			    sysfast_fixup(t, t->trap.sig, t->trap.code))
				break;
			force_sig_fault(t->trap.sig, t->trap.code, t->trap.addr);
			break;
		case EV_INTERRUPT:
			break;
		case EV_DEAD:
			if (!machine_stopping)
				printk(KERN_ERR "host process of %s[%d] died\n", t->comm,
				       t->pid);
			do_group_exit(SIGKILL);
		}
		/* System time: serving the trap, less time spent asleep. */
		sys = ktime_ns() - t1 - (t->off_cpu_ns - off);
		t->stime_ns += sys;
		cpustat.system_ns += sys;
		t->kentry_ns = 0;
	}
}
