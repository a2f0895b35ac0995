/*
 * POSIX per-process timers (timer_create and friends): each expiry queues
 * a signal (SI_TIMER, with the timer's id and value) to the process or one
 * of its threads, or nothing (SIGEV_NONE). While that signal is still
 * queued, further expiries count as overruns in it instead of queueing
 * again. The timers run on the monotonic clock (a CLOCK_REALTIME deadline
 * is converted when armed); they go with exec and with the process.
 */
#include <asm/siginfo.h>
#include <linux/time.h>

#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "posix_timers.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#define SIGEV_SIGNAL	0
#define SIGEV_NONE	1
#define SIGEV_THREAD	2
#define SIGEV_THREAD_ID 4
#define MAX_TIMERS	1024
#ifndef CLOCK_BOOTTIME
#define CLOCK_BOOTTIME 7
#endif

struct ptimer {
	struct list_head node; /* in signal->ptimers */
	struct ktimer kt;
	int id;
	int clock;
	int notify; /* SIGEV_* */
	int signo;
	int tid;      /* SIGEV_THREAD_ID: the thread */
	u64 value;    /* sigev_value */
	u64 interval; /* ns, 0: one-shot */
	int overrun;  /* of the last signal delivered or queued */
	struct signal *sig;
	struct task *leader; /* the process's leader: it lasts as long as the
				timers, which go when the process exits */
};

/* The sigevent of the x86-64 ABI, as far as it is read. */
struct ksigevent {
	u64 value;
	s32 signo;
	s32 notify;
	s32 tid;
	u8 pad[44];
};

/* The queued SI_TIMER signal of t, if still pending. */
static struct ksiginfo *queued_info(struct ptimer *pt, struct task *target)
{
	struct sigpending *p = pt->notify == SIGEV_THREAD_ID ? &target->pending : &pt->sig->shared;
	struct sigqueue *q;

	list_for_each_entry(q, &p->queue, list)
	{
		if (q->info.signo == pt->signo && q->info.code == SI_TIMER && q->info.pid == pt->id)
			return &q->info;
	}
	return NULL;
}

static struct task *timer_target(struct ptimer *pt)
{
	struct task *t;

	if (pt->notify != SIGEV_THREAD_ID)
		return pt->leader;
	t = task_by_pid(pt->tid);
	return t && t->signal == pt->sig && t->state != TASK_DEAD ? t : NULL;
}

/* pt expired, late periods after it was due: its signal goes, or the
 * overruns join the one still queued. */
static void ptimer_expired(struct ptimer *pt, u64 late)
{
	struct ksiginfo info, *queued;
	struct task *target;

	if (pt->notify == SIGEV_NONE)
		return;
	target = timer_target(pt);
	if (!target)
		return;
	queued = queued_info(pt, target);
	if (queued) {
		queued->uid += 1 + (int)late; /* si_overrun */
		pt->overrun = queued->uid;
		return;
	}
	memset(&info, 0, sizeof(info));
	info.signo = pt->signo;
	info.code = SI_TIMER;
	info.pid = pt->id;    /* si_timerid */
	info.uid = (int)late; /* si_overrun */
	info.value = pt->value;
	pt->overrun = (int)late;
	send_signal(target, &info, pt->notify != SIGEV_THREAD_ID);
}

static void ptimer_fire(struct ktimer *kt)
{
	struct ptimer *pt = kt->arg;

	ptimer_expired(pt, pt->interval ? ktimer_rearm(kt, pt->interval) : 0);
}

static struct ptimer *find_timer(int id)
{
	struct ptimer *pt;

	list_for_each_entry(pt, &current->signal->ptimers, node)
	{
		if (pt->id == id)
			return pt;
	}
	return NULL;
}

long sys_timer_create(int clock, u64 usev, u64 uid)
{
	struct signal *s = current->signal;
	struct ksigevent ev;
	struct ptimer *pt;
	int id, n = 0;

	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		break;
	default:
		return -EINVAL; /* CPU-time and alarm clocks are not offered */
	}
	memset(&ev, 0, sizeof(ev));
	if (usev) {
		if (copy_from_user(&ev, usev, sizeof(ev)) < 0)
			return -EFAULT;
		switch (ev.notify) {
		case SIGEV_NONE:
			break;
		case SIGEV_SIGNAL:
		case SIGEV_THREAD_ID:
			if (ev.signo <= 0 || ev.signo > KSIG_NSIG)
				return -EINVAL;
			if (ev.notify == SIGEV_THREAD_ID) {
				struct task *t = task_by_pid(ev.tid);

				if (!t || t->signal != s)
					return -EINVAL;
			}
			break;
		default:
			return -EINVAL;
		}
	}
	list_for_each_entry(pt, &s->ptimers, node) n++;
	if (n >= MAX_TIMERS)
		return -EAGAIN;
	/* The lowest id not in use, as Linux hands them out to a new process. */
	for (id = 0; find_timer(id); id++)
		;
	if (copy_to_user(uid, &id, sizeof(id)) < 0)
		return -EFAULT;
	pt = kzalloc(sizeof(*pt));
	if (!pt)
		return -ENOMEM;
	pt->id = id;
	pt->clock = clock;
	pt->sig = s;
	pt->leader = current->group_leader;
	pt->kt.fn = ptimer_fire;
	pt->kt.arg = pt;
	if (usev) {
		pt->notify = ev.notify;
		pt->signo = ev.signo;
		pt->tid = ev.tid;
		pt->value = ev.value;
	} else {
		pt->notify = SIGEV_SIGNAL;
		pt->signo = SIGALRM;
		pt->value = (u64)id;
	}
	list_add_tail(&pt->node, &s->ptimers);
	return 0;
}

static void timer_value(struct ptimer *pt, struct __kernel_itimerspec *v)
{
	ktimer_itimerspec(&pt->kt, pt->interval, v);
}

long sys_timer_settime(int id, int flags, u64 unew, u64 uold)
{
	struct __kernel_itimerspec nv, ov;
	struct ptimer *pt = find_timer(id);
	u64 value;

	if (!pt)
		return -EINVAL;
	if (copy_from_user(&nv, unew, sizeof(nv)) < 0)
		return -EFAULT;
	if (!kts_valid(&nv.it_value) || !kts_valid(&nv.it_interval))
		return -EINVAL;
	timer_value(pt, &ov);
	timer_cancel(&pt->kt);
	pt->interval = kts_to_ns(&nv.it_interval);
	value = kts_to_ns(&nv.it_value);
	if (value) {
		u64 due = ktimer_arm_spec(&pt->kt, value, flags & TIMER_ABSTIME,
					  pt->clock == CLOCK_REALTIME, pt->interval);

		/* An absolute deadline already passed: the signal goes now, with
		 * the periods since as overruns. */
		if (due)
			ptimer_expired(pt, due - 1);
	}
	if (uold && copy_to_user(uold, &ov, sizeof(ov)) < 0)
		return -EFAULT;
	return 0;
}

long sys_timer_gettime(int id, u64 ucur)
{
	struct __kernel_itimerspec v;
	struct ptimer *pt = find_timer(id);

	if (!pt)
		return -EINVAL;
	timer_value(pt, &v);
	return copy_to_user(ucur, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

long sys_timer_getoverrun(int id)
{
	struct ptimer *pt = find_timer(id);

	return pt ? pt->overrun : -EINVAL;
}

static void ptimer_free(struct ptimer *pt)
{
	timer_cancel(&pt->kt);
	list_del(&pt->node);
	kfree(pt);
}

long sys_timer_delete(int id)
{
	struct ptimer *pt = find_timer(id);

	if (!pt)
		return -EINVAL;
	ptimer_free(pt);
	return 0;
}

void posix_timers_exit(struct signal *s)
{
	while (!list_empty(&s->ptimers))
		ptimer_free(list_entry(s->ptimers.next, struct ptimer, node));
}
