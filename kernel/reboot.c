/* Halting, restarting and panicking the whole machine. */
#include "engine.h"
#include "host.h"
#include "mm.h"
#include "printk.h"
#include "task.h"

char **boot_argv; /* for restarting in place */

/* Kills every guest process's host side so none outlives the kernel. */
static void kill_all_guests(void)
{
	struct task *t;

	list_for_each_entry(t, &all_tasks, all_node)
		if (t->mm && t->mm->eng.pid > 0)
			engine_mm_release(t->mm);
	engine_shutdown();
}

void machine_halt(int status)
{
	machine_stopping = true;
	kill_all_guests();
	host_exit(status);
}

void machine_restart(void)
{
	machine_stopping = true;
	kill_all_guests();
	host_reexec(boot_argv);
	printk(KERN_EMERG "reboot: cannot restart in place; halting\n");
	host_exit(1);
}

void machine_panic_exit(void)
{
	machine_stopping = true;
	kill_all_guests();
}
