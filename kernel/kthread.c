/*
 * Kernel threads: tasks with no address space that run kernel code only
 * (the mconsole server). They share init's filesystem view and ignore
 * signals.
 */
#include <asm/signal.h>

#include "fs.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "task.h"

struct task *kthread_start(const char *name, void (*fn)(void))
{
	struct task *t = task_alloc();

	if (!t)
		return NULL;
	t->pid = t->tgid = pid_alloc();
	t->group_leader = t;
	t->parent = init_task;
	t->kthread = true;
	list_add_tail(&t->thread_node, &t->threads);
	t->signal = kzalloc(sizeof(*t->signal));
	t->sighand = kzalloc(sizeof(*t->sighand));
	t->files = files_alloc();
	/* Shared with init: it sees the disk root once init mounts it. */
	t->fs = init_task ? init_task->fs : NULL;
	if (t->fs)
		t->fs->users++;
	if (!t->signal || !t->sighand || !t->files || !t->fs)
		panic("cannot start kernel thread %s", name);
	t->signal->users = 1;
	t->signal->live = 1;
	list_init(&t->signal->shared.queue);
	list_init(&t->signal->ptimers);
	t->signal->rlim[RLIMIT_NOFILE].rlim_cur = 1024;
	t->signal->rlim[RLIMIT_FSIZE].rlim_cur = RLIM_INFINITY;
	t->sighand->users = 1;
	t->blocked = ~0ULL;
	strlcpy(t->comm, name, sizeof(t->comm));
	BUG_ON(task_prepare_stack(t, fn) < 0);
	list_add_tail(&t->all_node, &all_tasks);
	wake_up_task(t);
	return t;
}
