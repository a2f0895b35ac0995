/* Task allocation, pids and the global task list. */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "ptrace.h"
#include "task.h"
#include "timer.h"

#define PID_MAX 32768

LIST_HEAD(all_tasks);
struct task *init_task;
u64 nr_forks;
static int last_pid;
int nr_threads;
static int max_threads_set;

/*
 * The most tasks fork may make, as Linux's threads-max: one per 32 pages
 * of guest memory (a task costs a kernel stack and page tables from mem=,
 * and a host process or thread), at least 20. It is what keeps a guest's
 * fork bomb from filling the host's process table.
 */
int max_threads(void)
{
	u64 n = mem_total_pages() / 32;

	if (max_threads_set)
		return max_threads_set;
	return n < 20 ? 20 : n > PID_MAX / 2 ? PID_MAX / 2 : (int)n;
}

int set_max_threads(long n)
{
	if (n < 20 || n > PID_MAX / 2)
		return -EINVAL;
	max_threads_set = (int)n;
	return 0;
}

struct task *task_alloc(void)
{
	struct task *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	nr_threads++;
	list_init(&t->children);
	list_init(&t->sibling);
	list_init(&t->thread_node);
	list_init(&t->threads);
	list_init(&t->all_node);
	list_init(&t->run_node);
	list_init(&t->pending.queue);
	list_init(&t->ptraced);
	list_init(&t->ptrace_node);
	t->state = TASK_RUNNING;
	t->syscall_nr = -1;
	t->altstack_flags = 2; /* SS_DISABLE */
	t->start_ns = ktime_ns();
	return t;
}

struct task *task_by_pid(int pid)
{
	struct task *t;

	if (pid <= 0)
		return NULL;
	list_for_each_entry(t, &all_tasks, all_node)
		if (t->pid == pid && t->state != TASK_DEAD)
			return t;
	return NULL;
}

static bool pid_in_use(int pid)
{
	struct task *t;

	list_for_each_entry(t, &all_tasks, all_node)
		if (t->pid == pid || t->tgid == pid ||
		    (t->signal && (t->signal->pgid == pid || t->signal->sid == pid)))
			return true;
	return false;
}

int pid_alloc(void)
{
	int tries;

	for (tries = 0; tries < PID_MAX; tries++) {
		if (++last_pid >= PID_MAX)
			last_pid = 2;
		if (!pid_in_use(last_pid))
			return last_pid;
	}
	return -EAGAIN;
}

void task_set_comm(struct task *t, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	strlcpy(t->comm, base, sizeof(t->comm));
}

void task_free_stack(struct task *t);

void task_free(struct task *t)
{
	ptrace_forget(t);
	nr_threads--;
	list_del(&t->all_node);
	task_free_stack(t);
	kfree(t);
}
