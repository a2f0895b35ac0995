/*
 * Futexes: waiters keyed like Linux keys them. A private futex (or one in
 * private memory) is (mm, address); a shared futex in MAP_SHARED memory is
 * the physical place of the word (frame and offset, mm NULL), so processes
 * mapping the same page at different addresses meet. Also here: the
 * priority-inheritance lock operations (without priorities) and the
 * robust-list cleanup when a thread exits or execs. Not offered: the
 * requeue-PI pair and futex_waitv.
 */
#include <linux/futex.h>
#include <linux/time.h>

#include "kerrno.h"
#include "pgtable.h"
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

struct futex_key {
	struct mm *mm;
	u64 addr;
};

/* Computes the key of the futex word at uaddr (faulting it in). */
static int get_key(u64 uaddr, bool private_op, struct futex_key *k)
{
	struct mm *mm = current->mm;
	struct vma *v;
	u32 dummy;
	u64 *pte;

	k->mm = mm;
	k->addr = uaddr;
	if (private_op)
		return 0;
	v = vma_find(mm, uaddr);
	if (!v)
		return -EFAULT;
	if (!(v->flags & VM_SHARED))
		return 0;
	if (copy_from_user(&dummy, uaddr, 4) < 0)
		return -EFAULT;
	pte = pte_lookup(mm, uaddr, false);
	if (!pte || !(*pte & PTE_PRESENT))
		return -EFAULT;
	k->mm = NULL;
	k->addr = (pte_frame(*pte) << PAGE_SHIFT) | (uaddr & ~PAGE_MASK);
	return 0;
}

static long futex_wake_key(struct mm *mm, u64 addr, int n, u32 bitset)
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
	return futex_wake_key(mm, uaddr, n, FUTEX_BITSET_MATCH_ANY);
}

static bool private_op;

static long futex_wake_bits(struct mm *mm, u64 uaddr, int n, u32 bitset)
{
	struct futex_key k;
	int rc = get_key(uaddr, private_op, &k);

	if (rc < 0)
		return rc;
	return futex_wake_key(k.mm, k.addr, n, bitset);
}

/*
 * Queues w and sleeps until a wake takes it off the queue (0), a signal
 * comes (on_signal) or the deadline (ktime_ns(); 0: none) passes
 * (-ETIMEDOUT); w is off the queue whatever the outcome.
 */
static long futex_sleep(struct futex_waiter *w, u64 deadline, long on_signal, const char *wchan)
{
	w->woken = false;
	list_add_tail(&w->list, &futex_waiters);
	for (;;) {
		if (w->woken)
			return 0;
		if (signal_pending(current)) {
			list_del(&w->list);
			return on_signal;
		}
		if (deadline && ktime_ns() >= deadline) {
			list_del(&w->list);
			return -ETIMEDOUT;
		}
		current->state = TASK_INTERRUPTIBLE;
		schedule_timeout(deadline, wchan);
	}
}

static long futex_wait(u64 uaddr, u32 val, u64 deadline, u32 bitset)
{
	struct futex_waiter w = { .task = current, .bitset = bitset };
	struct futex_key k;
	u32 cur;
	int rc;

	if (!bitset)
		return -EINVAL;
	rc = get_key(uaddr, private_op, &k);
	if (rc < 0)
		return rc;
	w.mm = k.mm;
	w.addr = k.addr;
	if (copy_from_user(&cur, uaddr, 4) < 0)
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	return futex_sleep(&w, deadline, -ERESTARTSYS, "futex_wait");
}

static long futex_requeue(u64 uaddr, int nwake, int nreq, u64 uaddr2, bool cmp, u32 val)
{
	struct futex_waiter *w, *tmp;
	struct futex_key k1, k2;
	long woken, moved = 0;
	u32 cur;
	int rc;

	rc = get_key(uaddr, private_op, &k1);
	if (rc == 0)
		rc = get_key(uaddr2, private_op, &k2);
	if (rc < 0)
		return rc;
	if (cmp) {
		if (copy_from_user(&cur, uaddr, 4) < 0)
			return -EFAULT;
		if (cur != val)
			return -EAGAIN;
	}
	woken = futex_wake_key(k1.mm, k1.addr, nwake, FUTEX_BITSET_MATCH_ANY);
	list_for_each_entry_safe(w, tmp, &futex_waiters, list) {
		if (moved >= nreq)
			break;
		if (w->mm == k1.mm && w->addr == k1.addr) {
			w->mm = k2.mm;
			w->addr = k2.addr;
			moved++;
		}
	}
	return woken + moved;
}

/*
 * Priority-inheritance futexes, without the priorities (one kernel CPU, no
 * real-time classes): the word holds the owner's tid, FUTEX_WAITERS while
 * someone sleeps on it, FUTEX_OWNER_DIED after a robust owner died.
 * Unlocking hands the lock to the first waiter directly.
 */
static bool others_waiting(const struct futex_key *k, struct task *except)
{
	struct futex_waiter *w;

	list_for_each_entry(w, &futex_waiters, list)
		if (w->mm == k->mm && w->addr == k->addr && w->task != except)
			return true;
	return false;
}

static long futex_lock_pi(u64 uaddr, u64 deadline, bool try)
{
	struct futex_waiter w = { .task = current, .bitset = FUTEX_BITSET_MATCH_ANY };
	u32 tid = (u32)current->pid, val, owner;
	struct futex_key k;
	int rc = get_key(uaddr, private_op, &k);

	if (rc < 0)
		return rc;
	w.mm = k.mm;
	w.addr = k.addr;
	for (;;) {
		if (copy_from_user(&val, uaddr, 4) < 0)
			return -EFAULT;
		owner = val & FUTEX_TID_MASK;
		if (owner == tid)
			return w.woken ? 0 : -EDEADLK; /* handed over, or a relock */
		if (!owner) {
			val = tid | (val & FUTEX_OWNER_DIED) | (others_waiting(&k, current) ? FUTEX_WAITERS : 0);
			return copy_to_user(uaddr, &val, 4) < 0 ? -EFAULT : 0;
		}
		if (!task_by_pid((int)owner))
			return -ESRCH;
		if (try)
			return -EAGAIN;
		if (!(val & FUTEX_WAITERS)) {
			val |= FUTEX_WAITERS;
			if (copy_to_user(uaddr, &val, 4) < 0)
				return -EFAULT;
		}
		rc = futex_sleep(&w, deadline, -ERESTARTNOINTR, "futex_lock_pi");
		if (rc < 0)
			return rc;
		w.woken = true; /* from here a word naming us means handed over */
	}
}

static long futex_unlock_pi(u64 uaddr)
{
	struct futex_waiter *w;
	struct futex_key k;
	u32 val;
	int rc = get_key(uaddr, private_op, &k);

	if (rc < 0)
		return rc;
	if (copy_from_user(&val, uaddr, 4) < 0)
		return -EFAULT;
	if ((val & FUTEX_TID_MASK) != (u32)current->pid)
		return -EPERM;
	val = 0;
	list_for_each_entry(w, &futex_waiters, list)
	{
		if (w->mm == k.mm && w->addr == k.addr) {
			/* The first waiter owns it now; it knows on waking. */
			val = (u32)w->task->pid | FUTEX_WAITERS;
			list_del(&w->list);
			w->woken = true;
			wake_up_task(w->task);
			break;
		}
	}
	return copy_to_user(uaddr, &val, 4) < 0 ? -EFAULT : 0;
}

/*
 * Robust futexes: at exit (and exec) every lock still named by the
 * thread's robust list, and the one it was about to take or drop, is
 * marked FUTEX_OWNER_DIED and one waiter woken, so the next locker gets
 * EOWNERDEAD instead of waiting forever.
 */
#define ROBUST_LIST_LIMIT 2048

static void robust_death(u64 uaddr)
{
	u32 val, nv;
	struct futex_key k;

	if ((uaddr & 3) || copy_from_user(&val, uaddr, 4) < 0)
		return;
	if ((val & FUTEX_TID_MASK) != (u32)current->pid)
		return;
	nv = (val & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (copy_to_user(uaddr, &nv, 4) < 0)
		return;
	if ((val & FUTEX_WAITERS) && get_key(uaddr, false, &k) == 0)
		futex_wake_key(k.mm, k.addr, 1, FUTEX_BITSET_MATCH_ANY);
}

void futex_exit_robust(struct task *t)
{
	u64 head = t->robust_list, entry, next, pending;
	s64 offset;
	int n;

	if (!head || t != current || !t->mm)
		return;
	t->robust_list = 0;
	if (copy_from_user(&entry, head, 8) < 0 || copy_from_user(&offset, head + 8, 8) < 0 ||
	    copy_from_user(&pending, head + 16, 8) < 0)
		return;
	pending &= ~1ULL; /* the low bit only says "PI" */
	for (n = 0; (entry & ~1ULL) != head && n < ROBUST_LIST_LIMIT; n++) {
		entry &= ~1ULL;
		if (copy_from_user(&next, entry, 8) < 0)
			return;
		if (entry != pending)
			robust_death(entry + (u64)offset);
		entry = next;
	}
	if (pending)
		robust_death(pending + (u64)offset);
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
	private_op = (op & FUTEX_PRIVATE_FLAG) != 0;
	if (utime && (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
		      cmd == FUTEX_LOCK_PI2)) {
		struct __kernel_timespec ts;
		u64 ns;

		if (copy_from_user(&ts, utime, sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
		if (cmd == FUTEX_WAIT) {
			deadline = ktime_ns() + ns;
		} else if ((op & FUTEX_CLOCK_REALTIME) || cmd == FUTEX_LOCK_PI) {
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
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		return futex_lock_pi(uaddr, deadline, false);
	case FUTEX_TRYLOCK_PI:
		return futex_lock_pi(uaddr, 0, true);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(uaddr);
	default:
		return -ENOSYS;
	}
}
