/*
 * Interrupts. Host events (ticks, readable fds, termination signals) never
 * touch kernel state from where they happen; they set flags or make an fd
 * readable, and the kernel CPU handles them here, at safe points: on the
 * way back to a guest, while a guest runs (the engine's wait is
 * interrupted by the tick, and by host/irq.c's interrupt thread as soon
 * as a watched fd has something) and in the idle loop.
 */
#include "host.h"
#include "printk.h"
#include "softirq.h"
#include "task.h"
#include "timer.h"

static void handle_ready(u64 *tokens, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct irq_source *src = (struct irq_source *)(uintptr_t)tokens[i];

		src->handler(src);
	}
}

int irq_register(struct irq_source *src)
{
	return host_irq_watch(src->fd, (u64)(uintptr_t)src);
}

int irq_want_write(struct irq_source *src, bool want)
{
	return host_irq_watch_out(src->fd, (u64)(uintptr_t)src, want);
}

void irq_unregister(struct irq_source *src)
{
	host_irq_unwatch(src->fd);
}

static void handle_flags(void)
{
	if (host_irq.tick) {
		host_irq.tick = 0;
		sched_tick();
	}
	if (host_irq.terminate && !machine_stopping) {
		host_irq.terminate = 0;
		printk(KERN_NOTICE "Received a termination signal: halting\n");
		machine_halt(0);
	}
}

void irq_poll(void)
{
	u64 tokens[16];
	int n;

	/* host_irq.io is cleared before the fds are polled: what comes
	 * after makes a new edge, and the interrupt thread sets it again. */
	host_irq.io = 0;
	handle_flags();
	n = host_irq_wait(0, tokens, 16);
	if (n > 0)
		handle_ready(tokens, n);
	timers_run();
	softirq_run_pending();
}

void irq_wait_idle(void)
{
	u64 tokens[16], next = timers_next(), now;
	s64 timeout = -1;
	int n;

	if (softirq_pending)
		timeout = 0;
	else if (next) {
		now = ktime_ns();
		timeout = next > now ? (s64)(next - now) : 0;
	}
	host_irq.io = 0;
	n = host_irq_wait(timeout, tokens, 16);
	handle_flags();
	if (n > 0)
		handle_ready(tokens, n);
	timers_run();
}
