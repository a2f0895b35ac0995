/*
 * Deferred work from interrupt-like contexts (kernel/softirq.c). Code that
 * must not run where it is raised (a packet handed to the loopback device
 * while its sender is in the middle of a send) raises a softirq; the CPU
 * runs it at the next safe point: on the way back to a guest, when a task
 * gives the CPU away, and in the idle loop. Handlers never sleep.
 */
#ifndef SOFTIRQ_H
#define SOFTIRQ_H

#include "types.h"

enum { SOFTIRQ_NET_RX, NR_SOFTIRQS };

extern u32 softirq_pending;

void softirq_register(int nr, void (*fn)(void));
void raise_softirq(int nr);
/* Runs pending handlers; does nothing when called from inside one. */
void do_softirq(void);

static inline void softirq_run_pending(void)
{
	if (softirq_pending)
		do_softirq();
}

#endif
