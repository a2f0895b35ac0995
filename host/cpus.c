/*
 * Where the kernel and guest threads run on the host, and the clock the
 * stub measures short waits with.
 *
 * The guest kernel is uniprocessor: at any moment one host thread runs
 * guest code, while the kernel thread waits for its next trap spinning
 * (seccomp engine). The two must not share a CPU, where each would keep
 * the other from running; and a guest thread that parks hands its CPU to
 * the one resumed next by yielding to it (arch-um/stub.S), which works
 * only while guest threads share CPUs the kernel is not on, and the
 * host's balancer cannot move one to the kernel's. So where the kernel
 * may use two CPUs or more, host_cpus_split keeps the kernel thread on
 * the one it runs on and gives the guest threads the others. Helper
 * threads (disk I/O, interrupts, mconsole replies) keep every CPU.
 */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <time.h>
#include "host.h"

static cpu_set_t all_cpus, guest_cpus;
static bool split;

int host_cpus_split(void)
{
	cpu_set_t kernel;
	int cpu = sched_getcpu();

	if (split)
		return -EBUSY;
	if (cpu < 0 || sched_getaffinity(0, sizeof(all_cpus), &all_cpus) < 0)
		return -errno;
	guest_cpus = all_cpus;
	CPU_CLR(cpu, &guest_cpus);
	if (CPU_COUNT(&guest_cpus) == 0)
		return -ENOSPC;
	CPU_ZERO(&kernel);
	CPU_SET(cpu, &kernel);
	if (sched_setaffinity(0, sizeof(kernel), &kernel) < 0)
		return -errno;
	split = true;
	return cpu;
}

void host_cpus_unsplit(void)
{
	if (split && sched_setaffinity(0, sizeof(all_cpus), &all_cpus) == 0)
		split = false;
}

void host_cpus_enter_guest(void)
{
	if (split)
		sched_setaffinity(0, sizeof(guest_cpus), &guest_cpus);
}

void host_cpus_enter_helper(void)
{
	if (split)
		sched_setaffinity(0, sizeof(all_cpus), &all_cpus);
}

u64 host_tsc_khz(void)
{
	static u64 khz;
	u64 t0, t1, c0, c1;

	if (khz)
		return khz;
	/* A quarter of a millisecond: a rate to within a few percent. */
	t0 = host_clock_ns(CLOCK_MONOTONIC);
	c0 = __builtin_ia32_rdtsc();
	do
		t1 = host_clock_ns(CLOCK_MONOTONIC);
	while (t1 - t0 < 250000);
	c1 = __builtin_ia32_rdtsc();
	khz = (c1 - c0) * 1000000 / (t1 - t0);
	return khz ? khz : 1;
}
