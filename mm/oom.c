/*
 * Out of memory. When a page cannot be found for a guest, the process
 * using the most memory is killed (init only if it is the only one), as
 * Linux's OOM killer does, and the kernel itself carries on.
 */
#include <asm/signal.h>

#include "mm.h"
#include "printk.h"
#include "task.h"

/* Picks and kills a victim; returns it (or NULL if nothing to kill). */
struct task *oom_kill(struct task *faulting)
{
	struct task *t, *victim = NULL;
	u64 best = 0;

	list_for_each_entry(t, &all_tasks, all_node) {
		if (t->group_leader != t || !t->mm || t->exiting ||
		    t->state == TASK_ZOMBIE || t->state == TASK_DEAD)
			continue;
		if (t->tgid == 1)
			continue;
		if (!victim || t->mm->rss > best) {
			victim = t;
			best = t->mm->rss;
		}
	}
	if (!victim)
		victim = faulting->group_leader;
	printk(KERN_ERR "Out of memory: Killed process %d (%s), rss %lluK\n", victim->tgid,
	       victim->comm, (unsigned long long)(victim->mm ? victim->mm->rss * 4 : 0));
	send_sig(SIGKILL, victim, true);
	return victim;
}
