/* Kernel time and one-shot timers on the boot-relative monotonic clock. */
#ifndef TIMER_H
#define TIMER_H

#include "list.h"
#include "types.h"

struct ktimer {
	struct list_head list; /* in the sorted timer list while armed */
	u64 expires;           /* ktime_ns() deadline */
	void (*fn)(struct ktimer *t);
	void *arg;
	bool armed;
};

#define NSEC_PER_SEC 1000000000ULL
#define HZ 100

/* Nanoseconds since boot, monotonic. */
u64 ktime_ns(void);
/* Wall clock, nanoseconds since the epoch. */
u64 ktime_real_ns(void);
void time_init(void);
void ktime_set_real(u64 ns);

struct __kernel_timespec;
struct __kernel_itimerspec;
/* A timespec from the guest: in range (no negative parts, nsec < 1 s)? */
bool kts_valid(const struct __kernel_timespec *ts);
u64 kts_to_ns(const struct __kernel_timespec *ts);
void ns_to_kts(u64 ns, struct __kernel_timespec *ts);
/* What timer_gettime/timerfd_gettime report for t with this interval: the
 * time left (never 0 while armed: 0 means disarmed) and the interval. */
void ktimer_itimerspec(const struct ktimer *t, u64 interval, struct __kernel_itimerspec *v);

/*
 * For timers with periods (timerfd, timer_create): arms t for value ns
 * from now, or, if abs, for the time value on the realtime (realtime) or
 * monotonic clock. A deadline already passed counts at once: returns 1
 * plus the periods since, t armed for the next period (not at all if
 * interval is 0); otherwise 0.
 */
u64 ktimer_arm_spec(struct ktimer *t, u64 value, bool abs, bool realtime, u64 interval);
/* From t's function: arms t for its next period; returns the periods
 * missed since it was due (nobody ran the timer in time). */
u64 ktimer_rearm(struct ktimer *t, u64 interval);

void timer_arm(struct ktimer *t, u64 expires);
void timer_cancel(struct ktimer *t);
/* Runs every expired timer's function. */
void timers_run(void);
/* Deadline of the next timer, or 0 if none. */
u64 timers_next(void);

/* --- interrupts: host events delivered at safe points --- */
struct irq_source {
	void (*handler)(struct irq_source *src);
	void *arg;
	int fd;
};
int irq_register(struct irq_source *src);
void irq_unregister(struct irq_source *src);
/* Also calls the handler when src's fd can be written to (or stops). */
int irq_want_write(struct irq_source *src, bool want);
/* Handles ticks, timers and ready host fds without blocking. */
void irq_poll(void);
/* Idle: blocks until the next timer or a host event, then handles it. */
void irq_wait_idle(void);

#endif
