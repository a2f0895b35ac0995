/*
 * Host side of the seccomp process engine: the kernel thread's waits on
 * words of a stub data area it shares with a child (spin a little, then
 * sleep on the futex), and what the host CPU offers the stub.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <linux/futex.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static bool irq_pending(void)
{
	return host_irq.tick || host_irq.io || host_irq.terminate;
}

/*
 * Spins up to spin_ns (not at all for 0) until *word == want, and no
 * longer than stall_ns (if not 0) while *word keeps the value it had: 0,
 * or HOST_SC_INTERRUPTED when interruptible and a host event is pending,
 * or -ETIMEDOUT.
 */
static int spin(u32 *word, u32 want, u64 spin_ns, u64 stall_ns, bool interruptible)
{
	volatile u32 *w = word;
	u32 first = *w;
	u64 t0 = spin_ns ? now_ns() : 0, until = t0 + spin_ns, now;
	unsigned n;

	for (n = 0;; n++) {
		if (*w == want)
			return 0;
		if (interruptible && irq_pending())
			return HOST_SC_INTERRUPTED;
		if (!spin_ns)
			return -ETIMEDOUT;
		if ((n & 63) == 63) {
			now = now_ns();
			if (now >= until || (stall_ns && *w == first && now - t0 >= stall_ns))
				return -ETIMEDOUT;
		}
		__builtin_ia32_pause();
	}
}

bool host_sc_spin(u32 *word, u32 want, u64 spin_ns)
{
	return spin(word, want, spin_ns, 0, false) == 0;
}

void host_futex_wake(u32 *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

void host_futex_wake_all(u32 *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

int host_sc_wait(u32 *word, u32 want, u32 *sleeping, int pid, bool interruptible,
		 const struct host_sc_spin *s)
{
	const struct timespec nap = {.tv_nsec = 10000000};
	volatile u32 *w = word;
	u64 spin_ns = s->spin_ns;
	int rc;

	/*
	 * Spin first: the other side usually answers within microseconds,
	 * unless it last ran on this CPU, where spinning would only delay it.
	 */
	if (s->peer_cpu && *(volatile const u32 *)s->peer_cpu == (u32)sched_getcpu())
		spin_ns = 0;
	rc = spin(word, want, spin_ns, s->stall_ns, interruptible);
	if (rc != -ETIMEDOUT)
		return rc;
	if (s->nudge)
		host_futex_wake_all(s->nudge);
	for (;;) {
		u32 v;

		__atomic_store_n(sleeping, 1, __ATOMIC_SEQ_CST);
		v = __atomic_load_n(word, __ATOMIC_SEQ_CST);
		if (v == want) {
			__atomic_store_n(sleeping, 0, __ATOMIC_RELAXED);
			return 0;
		}
		if (interruptible && irq_pending()) {
			__atomic_store_n(sleeping, 0, __ATOMIC_RELAXED);
			return HOST_SC_INTERRUPTED;
		}
		/*
		 * Ticks interrupt the sleep, and it ends after 10 ms anyway
		 * (there are no ticks yet at boot): then see whether the child
		 * died.
		 */
		if (syscall(SYS_futex, word, FUTEX_WAIT, v, &nap, NULL, 0) < 0 &&
		    (errno == EINTR || errno == ETIMEDOUT) && host_proc_reap(pid)) {
			__atomic_store_n(sleeping, 0, __ATOMIC_RELAXED);
			return -ECHILD;
		}
		__atomic_store_n(sleeping, 0, __ATOMIC_RELAXED);
		if (*w == want)
			return 0;
	}
}

int host_pin_thread(int tid, unsigned cpu)
{
	cpu_set_t set;

	if (tid <= 0)
		return -EINVAL;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(tid, sizeof(set), &set) < 0 ? -errno : 0;
}

unsigned host_cpu(void)
{
	return (unsigned)sched_getcpu();
}

bool host_has_fsgsbase(void)
{
	return (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;
}
