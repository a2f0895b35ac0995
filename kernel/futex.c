/*
 * Futexes: wait queues keyed by guest address. Private and shared futexes
 * are both keyed by (mm, address), which is exact for private ones and for
 * threads; shared futexes across processes on MAP_SHARED memory would need
 * a key by page (not yet: they fall back to the same keying).
 */
#include <linux/futex.h>
#include <linux/time.h>

#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

struct futex_waiter {
	struct list_head list;
	struct task *task;
	struct mm *mm;
	u64 addr;
	u32 bitset;
	bool woken;
};

static LIST_HEAD(futex_waiters);

static long futex_wake_bits(struct mm *mm, u64 addr, int n, u32 bitset)
{
	struct futex_waiter *w, *tmp;
	long woken = 0;

	list_for_each_entry_safe(w, tmp, &futex_waiters, list) {
		if (woken >= n)
			break;
		if (w->mm != mm || w->addr != addr || !(w->bitset & bitset))
			continue;
		list_del(&w->list);
		w->woken = true;
		wake_up_task(w->task);
		woken++;
	}
	return woken;
}

long futex_wake_addr(struct mm *mm, u64 uaddr, int n)
{
	return futex_wake_bits(mm, uaddr, n, FUTEX_BITSET_MATCH_ANY);
}

static long futex_wait(u64 uaddr, u32 val, u64 deadline, u32 bitset)
{
	struct futex_waiter w = { .task = current, .mm = current->mm, .addr = uaddr,
				  .bitset = bitset };
	u32 cur;

	if (!bitset)
		return -EINVAL;
	if (copy_from_user(&cur, uaddr, 4) < 0)
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	list_add_tail(&w.list, &futex_waiters);
	for (;;) {
		if (w.woken)
			return 0;
		if (signal_pending(current)) {
			list_del(&w.list);
			return -ERESTARTSYS;
		}
		if (deadline && ktime_ns() >= deadline) {
			list_del(&w.list);
			return -ETIMEDOUT;
		}
		current->state = TASK_INTERRUPTIBLE;
		schedule_timeout(deadline, "futex_wait");
	}
}

static long futex_requeue(u64 uaddr, int nwake, int nreq, u64 uaddr2, bool cmp, u32 val)
{
	struct futex_waiter *w, *tmp;
	long woken, moved = 0;
	u32 cur;

	if (cmp) {
		if (copy_from_user(&cur, uaddr, 4) < 0)
			return -EFAULT;
		if (cur != val)
			return -EAGAIN;
	}
	woken = futex_wake_bits(current->mm, uaddr, nwake, FUTEX_BITSET_MATCH_ANY);
	list_for_each_entry_safe(w, tmp, &futex_waiters, list) {
		if (moved >= nreq)
			break;
		if (w->mm == current->mm && w->addr == uaddr) {
			w->addr = uaddr2;
			moved++;
		}
	}
	return woken + moved;
}

static int futex_op_apply(u64 uaddr, u32 encoded, int *oldval)
{
	u32 op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	s32 oparg = (s32)(encoded << 8) >> 20, cmparg = (s32)(encoded << 20) >> 20;
	s32 old, nv;

	if (encoded & (FUTEX_OP_OPARG_SHIFT << 28))
		oparg = 1 << (oparg & 31);
	if (copy_from_user(&old, uaddr, 4) < 0)
		return -EFAULT;
	switch (op) {
	case FUTEX_OP_SET: nv = oparg; break;
	case FUTEX_OP_ADD: nv = old + oparg; break;
	case FUTEX_OP_OR: nv = old | oparg; break;
	case FUTEX_OP_ANDN: nv = old & ~oparg; break;
	case FUTEX_OP_XOR: nv = old ^ oparg; break;
	default: return -ENOSYS;
	}
	if (copy_to_user(uaddr, &nv, 4) < 0)
		return -EFAULT;
	*oldval = old;
	switch (cmp) {
	case FUTEX_OP_CMP_EQ: return old == cmparg;
	case FUTEX_OP_CMP_NE: return old != cmparg;
	case FUTEX_OP_CMP_LT: return old < cmparg;
	case FUTEX_OP_CMP_LE: return old <= cmparg;
	case FUTEX_OP_CMP_GT: return old > cmparg;
	case FUTEX_OP_CMP_GE: return old >= cmparg;
	default: return -ENOSYS;
	}
}

long sys_futex(u64 uaddr, int op, u32 val, u64 utime, u64 uaddr2, u32 val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	u64 deadline = 0;

	if (uaddr & 3)
		return -EINVAL;
	if (utime && (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET)) {
		struct __kernel_timespec ts;
		u64 ns;

		if (copy_from_user(&ts, utime, sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
		if (cmd == FUTEX_WAIT) {
			deadline = ktime_ns() + ns;
		} else if (op & FUTEX_CLOCK_REALTIME) {
			u64 now = ktime_real_ns();

			deadline = ktime_ns() + (ns > now ? ns - now : 0);
		} else {
			deadline = ns;
		}
		if (!deadline)
			deadline = 1;
	}
	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(uaddr, val, deadline, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAIT_BITSET:
		return futex_wait(uaddr, val, deadline, val3);
	case FUTEX_WAKE:
		return futex_wake_bits(current->mm, uaddr, (int)val, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		if (!val3)
			return -EINVAL;
		return futex_wake_bits(current->mm, uaddr, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, (int)val, (int)utime, uaddr2, false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, (int)val, (int)utime, uaddr2, true, val3);
	case FUTEX_WAKE_OP: {
		int old, r = futex_op_apply(uaddr2, val3, &old);
		long n;

		if (r < 0)
			return r;
		n = futex_wake_bits(current->mm, uaddr, (int)val, FUTEX_BITSET_MATCH_ANY);
		if (r)
			n += futex_wake_bits(current->mm, uaddr2, (int)utime,
					     FUTEX_BITSET_MATCH_ANY);
		return n;
	}
	default:
		return -ENOSYS;
	}
}
