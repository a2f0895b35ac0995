/*
 * Time and timers. The boot-relative monotonic clock comes from the host's
 * CLOCK_MONOTONIC; timers are kept in a list sorted by deadline and run at
 * interrupt time (irq_poll).
 */
#include <linux/time.h>

#include "host.h"
#include "timer.h"

static u64 boot_mono_ns;
/* While frozen, guest time stands still: the clocks are shifted back by
 * the frozen interval when the machine resumes. */
static u64 frozen_at;
static s64 real_offset_ns; /* realtime = monotonic + offset */
static LIST_HEAD(timers);

void time_init(void)
{
	boot_mono_ns = host_clock_ns(CLOCK_MONOTONIC);
	real_offset_ns = (s64)host_clock_ns(CLOCK_REALTIME) - (s64)boot_mono_ns;
}

u64 ktime_ns(void)
{
	extern bool machine_frozen;

	if (machine_frozen)
		return frozen_at - boot_mono_ns;
	return host_clock_ns(CLOCK_MONOTONIC) - boot_mono_ns;
}

u64 ktime_real_ns(void)
{
	return (u64)((s64)host_clock_ns(CLOCK_MONOTONIC) + real_offset_ns);
}


void machine_freeze(void)
{
	extern bool machine_frozen;

	if (machine_frozen)
		return;
	frozen_at = host_clock_ns(CLOCK_MONOTONIC);
	machine_frozen = true;
}

void machine_thaw(void)
{
	extern bool machine_frozen;

	if (!machine_frozen)
		return;
	boot_mono_ns += host_clock_ns(CLOCK_MONOTONIC) - frozen_at;
	machine_frozen = false;
}

void ktime_set_real(u64 ns)
{
	real_offset_ns = (s64)ns - (s64)host_clock_ns(CLOCK_MONOTONIC);
}

void timer_arm(struct ktimer *t, u64 expires)
{
	struct list_head *pos;

	if (t->armed)
		timer_cancel(t);
	t->expires = expires;
	t->armed = true;
	list_for_each(pos, &timers) {
		struct ktimer *o = list_entry(pos, struct ktimer, list);

		if (o->expires > expires)
			break;
	}
	list_add_tail(&t->list, pos);
}

void timer_cancel(struct ktimer *t)
{
	if (t->armed) {
		list_del(&t->list);
		t->armed = false;
	}
}

void timers_run(void)
{
	u64 now = ktime_ns();
	extern bool machine_frozen;

	if (machine_frozen)
		return;
	while (!list_empty(&timers)) {
		struct ktimer *t = list_first_entry(&timers, struct ktimer, list);

		if (t->expires > now)
			break;
		list_del(&t->list);
		t->armed = false;
		t->fn(t);
	}
}

u64 timers_next(void)
{
	if (list_empty(&timers))
		return 0;
	return list_first_entry(&timers, struct ktimer, list)->expires;
}

bool kts_valid(const struct __kernel_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (s64)NSEC_PER_SEC;
}

u64 kts_to_ns(const struct __kernel_timespec *ts)
{
	return (u64)ts->tv_sec * NSEC_PER_SEC + (u64)ts->tv_nsec;
}

void ns_to_kts(u64 ns, struct __kernel_timespec *ts)
{
	ts->tv_sec = (s64)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (s64)(ns % NSEC_PER_SEC);
}

void ktimer_itimerspec(const struct ktimer *t, u64 interval, struct __kernel_itimerspec *v)
{
	u64 now = ktime_ns();

	ns_to_kts(interval, &v->it_interval);
	ns_to_kts(0, &v->it_value);
	if (t->armed)
		ns_to_kts(t->expires > now ? t->expires - now : 1, &v->it_value);
}

u64 ktimer_arm_spec(struct ktimer *t, u64 value, bool abs, bool realtime, u64 interval)
{
	u64 now = ktime_ns(), clk, ago;

	if (!abs) {
		timer_arm(t, now + value);
		return 0;
	}
	clk = realtime ? ktime_real_ns() : now;
	if (value > clk) {
		timer_arm(t, now + (value - clk));
		return 0;
	}
	ago = clk - value;
	if (!interval)
		return 1;
	timer_arm(t, now + interval - ago % interval);
	return 1 + ago / interval;
}

u64 ktimer_rearm(struct ktimer *t, u64 interval)
{
	u64 now = ktime_ns();
	u64 late = now > t->expires ? (now - t->expires) / interval : 0;

	timer_arm(t, t->expires + (late + 1) * interval);
	return late;
}
