/*
 * Softirqs: handlers raised now and run at the next safe point (see
 * include/softirq.h). A handler that raises work again (a loopback packet
 * answered with another) is run again, up to a bound per call so that a
 * storm cannot starve tasks; what is left stays pending and the idle loop
 * does not sleep while anything is.
 */
#include "softirq.h"

#define SOFTIRQ_ROUNDS 16

u32 softirq_pending;
static void (*handlers[NR_SOFTIRQS])(void);
static bool in_softirq;

void softirq_register(int nr, void (*fn)(void))
{
	handlers[nr] = fn;
}

void raise_softirq(int nr)
{
	softirq_pending |= 1u << nr;
}

void do_softirq(void)
{
	int round, nr;

	if (in_softirq)
		return;
	in_softirq = true;
	for (round = 0; round < SOFTIRQ_ROUNDS && softirq_pending; round++) {
		u32 pending = softirq_pending;

		softirq_pending = 0;
		for (nr = 0; nr < NR_SOFTIRQS; nr++)
			if ((pending & (1u << nr)) && handlers[nr])
				handlers[nr]();
	}
	in_softirq = false;
}
