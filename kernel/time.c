/* Clocks, sleeping and interval timers. */
#include <linux/time.h>
#include <asm/signal.h>

#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#ifndef CLOCK_BOOTTIME
#define CLOCK_BOOTTIME 7
#endif

/*
 * A thread's CPU time so far. The trap loop (arch-um/trap.c) charges each
 * guest run to utime_ns when it ends and each trap's service to stime_ns,
 * so a thread asking about itself (from a system call) already has its
 * time up to this trap counted; only the call in progress is not.
 */
static u64 task_cpu_ns(struct task *t)
{
	return t->utime_ns + t->stime_ns;
}

static int clock_read(int clk, u64 *ns)
{
	struct task *t;

	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		*ns = ktime_real_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = ktime_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		*ns = current->signal->utime_ns + current->signal->stime_ns;
		list_for_each_entry(t, &current->group_leader->threads, thread_node)
			*ns += task_cpu_ns(t);
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = task_cpu_ns(current);
		return 0;
	default:
		return -EINVAL;
	}
}

static int put_ts(u64 uts, u64 ns)
{
	struct __kernel_timespec ts = { (s64)(ns / NSEC_PER_SEC), (s64)(ns % NSEC_PER_SEC) };

	return copy_to_user(uts, &ts, sizeof(ts));
}

static int get_ts(u64 uts, u64 *ns)
{
	struct __kernel_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	*ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	return 0;
}

long sys_clock_gettime(int clk, u64 uts)
{
	u64 ns;
	int rc = clock_read(clk, &ns);

	return rc < 0 ? rc : put_ts(uts, ns);
}

long sys_clock_getres(int clk, u64 uts)
{
	u64 ns;

	if (clock_read(clk, &ns) < 0)
		return -EINVAL;
	if (!uts)
		return 0;
	return put_ts(uts, (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE) ?
				   NSEC_PER_SEC / HZ : 1);
}

long sys_clock_settime(int clk, u64 uts)
{
	u64 ns;
	int rc;

	if (clk != CLOCK_REALTIME)
		return -EINVAL;
	if (current->euid != 0)
		return -EPERM;
	rc = get_ts(uts, &ns);
	if (rc < 0)
		return rc;
	ktime_set_real(ns);
	return 0;
}

long sys_gettimeofday(u64 utv, u64 utz)
{
	u64 ns = ktime_real_ns();
	s64 tv[2] = { (s64)(ns / NSEC_PER_SEC), (s64)(ns % NSEC_PER_SEC) / 1000 };
	int tz[2] = { 0, 0 };

	if (utv && copy_to_user(utv, tv, sizeof(tv)) < 0)
		return -EFAULT;
	if (utz && copy_to_user(utz, tz, sizeof(tz)) < 0)
		return -EFAULT;
	return 0;
}

long sys_settimeofday(u64 utv, u64 utz)
{
	s64 tv[2];

	if (current->euid != 0)
		return -EPERM;
	if (utv) {
		if (copy_from_user(tv, utv, sizeof(tv)) < 0)
			return -EFAULT;
		if (tv[1] < 0 || tv[1] >= 1000000)
			return -EINVAL;
		ktime_set_real((u64)tv[0] * NSEC_PER_SEC + (u64)tv[1] * 1000);
	}
	return 0;
}

long sys_time(u64 ut)
{
	s64 t = (s64)(ktime_real_ns() / NSEC_PER_SEC);

	if (ut && copy_to_user(ut, &t, sizeof(t)) < 0)
		return -EFAULT;
	return t;
}

/*
 * Sleeps until the monotonic deadline. Returns 0, or -ERESTART_RESTARTBLOCK
 * with the remaining time stored for restart_syscall / rmtp.
 */
static long sleep_until(u64 deadline, u64 urem, bool abs_real, u64 real_deadline)
{
	for (;;) {
		u64 now = ktime_ns();

		if (now >= deadline)
			return 0;
		if (signal_pending(current)) {
			u64 left = deadline - now;

			if (urem && !abs_real && put_ts(urem, left) < 0)
				return -EFAULT;
			current->restart.a0 = deadline;
			current->restart.a1 = urem;
			return abs_real ? -ERESTARTNOHAND : -ERESTART_RESTARTBLOCK;
		}
		schedule_timeout(deadline, "hrtimer_nanosleep");
	}
	(void)real_deadline;
}

long sys_nanosleep(u64 ureq, u64 urem)
{
	u64 ns;
	int rc = get_ts(ureq, &ns);

	if (rc < 0)
		return rc;
	return sleep_until(ktime_ns() + ns, urem, false, 0);
}

long sys_clock_nanosleep(int clk, int flags, u64 ureq, u64 urem)
{
	u64 ns, now;
	int rc;

	if (clk == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	rc = clock_read(clk, &now);
	if (rc < 0)
		return rc;
	rc = get_ts(ureq, &ns);
	if (rc < 0)
		return rc;
	if (flags & TIMER_ABSTIME) {
		u64 delta = ns > now ? ns - now : 0;

		return sleep_until(ktime_ns() + delta, 0, true, ns);
	}
	return sleep_until(ktime_ns() + ns, urem, false, 0);
}

long sys_restart_syscall(void)
{
	return sleep_until(current->restart.a0, current->restart.a1, false, 0);
}

/* --- ITIMER_REAL and alarm --- */

static void itimer_fire(struct ktimer *kt)
{
	struct task *leader = kt->arg;
	struct signal *s = leader->signal;

	if (!s)
		return;
	send_sig(SIGALRM, leader, true);
	if (s->it_real_interval) {
		timer_arm(kt, ktime_ns() + s->it_real_interval);
		s->it_real_expires = kt->expires;
	} else {
		s->it_real_expires = 0;
	}
}

static u64 itimer_left(struct signal *s)
{
	u64 now = ktime_ns();

	if (!s->it_real_expires)
		return 0;
	return s->it_real_expires > now ? s->it_real_expires - now : 1;
}

static int itimer_set(u64 value, u64 interval)
{
	struct signal *s = current->signal;

	if (!s->it_real_timer) {
		s->it_real_timer = kzalloc(sizeof(struct ktimer));
		if (!s->it_real_timer)
			return -ENOMEM;
		s->it_real_timer->fn = itimer_fire;
	}
	s->it_real_timer->arg = current->group_leader;
	timer_cancel(s->it_real_timer);
	s->it_real_interval = interval;
	s->it_real_expires = 0;
	if (value) {
		s->it_real_expires = ktime_ns() + value;
		timer_arm(s->it_real_timer, s->it_real_expires);
	}
	return 0;
}

long sys_alarm(unsigned secs)
{
	u64 left = itimer_left(current->signal);
	int rc = itimer_set((u64)secs * NSEC_PER_SEC, 0);

	if (rc < 0)
		return rc;
	return (long)((left + NSEC_PER_SEC / 2) / NSEC_PER_SEC) + (left && left < NSEC_PER_SEC / 2 ? 1 : 0);
}

struct kitimerval {
	s64 int_sec, int_usec, val_sec, val_usec;
};

static long itimer_get(struct kitimerval *v)
{
	struct signal *s = current->signal;
	u64 left = itimer_left(s);

	v->int_sec = (s64)(s->it_real_interval / NSEC_PER_SEC);
	v->int_usec = (s64)(s->it_real_interval % NSEC_PER_SEC) / 1000;
	v->val_sec = (s64)(left / NSEC_PER_SEC);
	v->val_usec = (s64)(left % NSEC_PER_SEC + 999) / 1000;
	if (v->val_usec >= 1000000) {
		v->val_sec++;
		v->val_usec -= 1000000;
	}
	return 0;
}

static void ns_to_itv(u64 ns, s64 *sec, s64 *usec)
{
	*sec = (s64)(ns / NSEC_PER_SEC);
	*usec = (s64)((ns % NSEC_PER_SEC + 999) / 1000);
	if (*usec >= 1000000) {
		(*sec)++;
		*usec -= 1000000;
	}
}

/* ITIMER_VIRTUAL (1) and ITIMER_PROF (2) count the process's CPU time. */
static void cpu_itimer_get(int which, struct kitimerval *v)
{
	struct signal *s = current->signal;
	int k = which - 1;

	ns_to_itv(s->it_cpu_interval[k], &v->int_sec, &v->int_usec);
	ns_to_itv(s->it_cpu_left[k] > 0 ? (u64)s->it_cpu_left[k] : 0, &v->val_sec,
		  &v->val_usec);
}

long sys_getitimer(int which, u64 uv)
{
	struct kitimerval v = { 0 };

	if (which != 0 /* ITIMER_REAL */) {
		if (which != 1 && which != 2)
			return -EINVAL;
		cpu_itimer_get(which, &v);
		return copy_to_user(uv, &v, sizeof(v));
	}
	itimer_get(&v);
	return copy_to_user(uv, &v, sizeof(v));
}

/* Reads and checks a new itimerval; values come back in nanoseconds. */
static int get_itimerval(u64 unew, u64 *value, u64 *interval)
{
	struct kitimerval v;

	if (copy_from_user(&v, unew, sizeof(v)) < 0)
		return -EFAULT;
	if (v.val_usec < 0 || v.val_usec >= 1000000 || v.int_usec < 0 ||
	    v.int_usec >= 1000000 || v.val_sec < 0 || v.int_sec < 0)
		return -EINVAL;
	*value = (u64)v.val_sec * NSEC_PER_SEC + (u64)v.val_usec * 1000;
	*interval = (u64)v.int_sec * NSEC_PER_SEC + (u64)v.int_usec * 1000;
	return 0;
}

long sys_setitimer(int which, u64 unew, u64 uold)
{
	struct kitimerval old = { 0 };
	u64 value, interval;
	int rc;

	if (which < 0 || which > 2)
		return -EINVAL;
	if (which == 0)
		itimer_get(&old);
	else
		cpu_itimer_get(which, &old);
	if (unew) {
		rc = get_itimerval(unew, &value, &interval);
		if (rc < 0)
			return rc;
		if (which == 0) {
			rc = itimer_set(value, interval);
			if (rc < 0)
				return rc;
		} else {
			current->signal->it_cpu_left[which - 1] = (s64)value;
			current->signal->it_cpu_interval[which - 1] = interval;
		}
	}
	if (uold && copy_to_user(uold, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}
