/*
 * The scheduler: one CPU (the host thread), round-robin over runnable
 * tasks with a time slice of a few ticks; a task that wakes from a sleep
 * preempts one that has not slept for a millisecond. A task that becomes
 * runnable (woken, new) and one preempted before its slice ran out queue,
 * in the order they come, ahead of those that used their slices
 * computing, unless one of those has waited too long: an interactive
 * task never waits a whole slice behind a CPU hog, and a hog still runs.
 * Tasks switch kernel stacks; the
 * idle loop runs on the boot stack and waits for host events when nothing
 * is runnable.
 */
#include "kerrno.h"
#include "mm.h"
#include "printk.h"
#include "softirq.h"
#include "engine.h"
#include "task.h"
#include "timer.h"

#define SLICE_TICKS 3
#define WAKEUP_GRAN_NS 1000000ULL /* a woken task preempts one awake this long */
/* Front insertion stops while some queued task has waited this long. */
#define STARVE_NS (2ULL * SLICE_TICKS * NSEC_PER_SEC / HZ)
#define KSTACK_ORDER 3 /* 32 KiB */

void arch_switch_stack(void **save_sp, void *new_sp);
void arch_task_trampoline(void);

struct task *current;
bool need_resched;
static LIST_HEAD(runqueue);
static int nr_runnable;
static void *idle_sp; /* saved stack pointer of the idle loop */
struct cpustat cpustat;

void wq_init(struct wait_queue *wq)
{
	list_init(&wq->waiters);
	wq->gen_in = wq->gen_out = 0;
}

void wait_add(struct wait_queue *wq, struct waiter *w)
{
	w->task = current;
	w->wq_ptr = wq;
	list_add_tail(&w->list, &wq->waiters);
}

void wait_remove(struct waiter *w)
{
	list_del(&w->list);
}

void wake_up_poll(struct wait_queue *wq, unsigned mask)
{
	struct waiter *w;

	if (mask & 0x001) /* POLLIN */
		wq->gen_in++;
	if (mask & 0x004) /* POLLOUT */
		wq->gen_out++;
	list_for_each_entry(w, &wq->waiters, list)
		wake_up_task(w->task);
}

void wake_up(struct wait_queue *wq)
{
	struct waiter *w;

	wq->gen_in++;
	wq->gen_out++;
	list_for_each_entry(w, &wq->waiters, list)
		wake_up_task(w->task);
}

/*
 * Puts t on the run queue. The queue holds fresh tasks (woken, new, cut
 * short by a wakeup) first, in the order they came, then those that used
 * up their slices: a fresh task goes after the fresh ones, ahead of the
 * others, unless one of those has waited too long (then at the back).
 */
static void enqueue(struct task *t, bool fresh)
{
	u64 now = ktime_ns();
	struct list_head *before = &runqueue; /* insert before this: the tail */
	struct task *q;

	if (fresh) {
		list_for_each_entry(q, &runqueue, run_node)
		{
			if (now - q->queued_ns > STARVE_NS) {
				fresh = false;
				before = &runqueue;
				break;
			}
			if (!q->rq_fresh && before == &runqueue)
				before = &q->run_node; /* the first that used its slice */
		}
	}
	list_add_tail(&t->run_node, before);
	t->rq_fresh = fresh;
	t->queued_ns = now;
	t->on_rq = true;
	nr_runnable++;
}

void wake_up_task(struct task *t)
{
	bool slept = t->state == TASK_INTERRUPTIBLE || t->state == TASK_UNINTERRUPTIBLE;

	if (slept)
		t->state = TASK_RUNNING;
	if (t->state == TASK_RUNNING && !t->on_rq && t != current) {
		enqueue(t, true);
		/* Wakeup preemption: a task that waited (for a packet, a key,
		 * a pipe) need not wait for the end of the slice of one that
		 * has been computing, without a sleep, for a while. */
		if (slept) {
			t->wake_ns = ktime_ns();
			if (current && t->wake_ns - current->wake_ns >= WAKEUP_GRAN_NS)
				need_resched = true;
		}
	}
}

void wake_up_task_force(struct task *t)
{
	if (t->state != TASK_ZOMBIE && t->state != TASK_DEAD)
		t->state = TASK_RUNNING;
	wake_up_task(t);
}

int nr_running(void)
{
	return nr_runnable + (current ? 1 : 0);
}

bool machine_frozen; /* mconsole "stop": only kernel threads run */

static struct task *pick_next(void)
{
	struct task *t;

	if (list_empty(&runqueue))
		return NULL;
	t = list_first_entry(&runqueue, struct task, run_node);
	if (machine_frozen) {
		bool found = false;

		list_for_each_entry(t, &runqueue, run_node) {
			if (t->kthread) {
				found = true;
				break;
			}
		}
		if (!found)
			return NULL;
	}
	list_del(&t->run_node);
	t->on_rq = false;
	nr_runnable--;
	return t;
}

void schedule(void)
{
	struct task *prev = current, *next;
	u64 out = ktime_ns();

	/* Work raised by this task (a packet it sent) runs before it sleeps:
	 * what it waits for may be the answer. */
	softirq_run_pending();
	need_resched = false;
	if (prev->state == TASK_RUNNING && !prev->on_rq) {
		/* Preempted, unless alone: whoever is first runs, then prev
		 * (if a wakeup cut its slice short) or the back of the queue. */
		if (list_empty(&runqueue) && !(machine_frozen && !prev->kthread)) {
			prev->slice = SLICE_TICKS;
			return;
		}
		next = pick_next();
		enqueue(prev, prev->slice > 0);
		if (!next)
			next = pick_next();
	} else {
		next = pick_next();
	}
	if (next == prev) {
		prev->slice = SLICE_TICKS;
		return;
	}
	if (next) {
		current = next;
		next->slice = SLICE_TICKS;
		arch_switch_stack(&prev->ksp, next->ksp);
	} else {
		current = NULL;
		arch_switch_stack(&prev->ksp, idle_sp);
	}
	/* Running again: free whoever died while we were away. */
	prev->off_cpu_ns += ktime_ns() - out;
	reap_dead_stacks();
}

void sched_tick(void)
{
	struct task *t = current;

	if (!t)
		return;
	if (--t->slice <= 0 && nr_runnable > 0)
		need_resched = true;
}

static void wake_sleeper(struct ktimer *kt)
{
	wake_up_task(kt->arg);
}

int schedule_timeout(u64 deadline_ns, const char *wchan)
{
	struct ktimer kt = { .fn = wake_sleeper, .arg = current };
	int woken;

	if (deadline_ns)
		timer_arm(&kt, deadline_ns);
	current->wchan = wchan;
	if (current->state == TASK_RUNNING)
		current->state = TASK_INTERRUPTIBLE;
	schedule();
	current->wchan = NULL;
	woken = !deadline_ns || kt.armed;
	timer_cancel(&kt);
	return woken;
}

int task_prepare_stack(struct task *t, void (*fn)(void))
{
	s64 f = frames_alloc(KSTACK_ORDER);
	u64 *sp;

	if (f < 0)
		return -ENOMEM;
	mem_kernel_pages += 1u << KSTACK_ORDER;
	t->kstack = frame_to_virt((u64)f);
	sp = (u64 *)((char *)t->kstack + (PAGE_SIZE << KSTACK_ORDER));
	/* After the final ret, rsp == top: 16-byte aligned for the call. */
	*--sp = (u64)(uintptr_t)arch_task_trampoline;
	*--sp = 0;                     /* rbp */
	*--sp = 0;                     /* rbx */
	*--sp = (u64)(uintptr_t)fn;    /* r12 */
	*--sp = 0;                     /* r13 */
	*--sp = 0;                     /* r14 */
	*--sp = 0;                     /* r15 */
	t->ksp = sp;
	return 0;
}

void task_free_stack(struct task *t)
{
	if (t->kstack) {
		frames_free(virt_to_frame(t->kstack), KSTACK_ORDER);
		mem_kernel_pages -= 1u << KSTACK_ORDER;
		t->kstack = NULL;
	}
}

void cpu_idle_loop(void)
{
	for (;;) {
		struct task *next;

		irq_poll();
		softirq_run_pending();
		next = pick_next();
		if (!next) {
			u64 t0;

			engine_quarantine_release();
			t0 = ktime_ns();
			irq_wait_idle();
			cpustat.idle_ns += ktime_ns() - t0;
			continue;
		}
		current = next;
		next->slice = SLICE_TICKS;
		arch_switch_stack(&idle_sp, next->ksp);
		/* A task gave the CPU away with nothing else runnable, or a
		 * dead task released its stack. */
		reap_dead_stacks();
	}
}
