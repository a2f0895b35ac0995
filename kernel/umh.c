/*
 * User-mode helpers: the kernel starting a guest program on its own, as
 * Linux runs the hotplug helper (/proc/sys/kernel/hotplug) for a uevent.
 * The helper starts as a kernel thread, takes init's view of the files
 * (its own copy), /dev/null as its standard fds and init's limits, then
 * executes the program and becomes an ordinary process. It has no parent:
 * nobody waits for it, so it is reaped as soon as it exits. Fire and
 * forget (UMH_NO_WAIT): a helper that cannot start is only logged.
 */
#include <linux/fcntl.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "task.h"
#include "umh.h"

long kernel_execve(const char *path, const char *const *argv, const char *const *envp);
struct task *kthread_start(const char *name, void (*fn)(void));

#define UMH_MAX_ARGS 4
#define UMH_MAX_ENV 16

struct umh_request {
	struct list_head node;
	char *argv[UMH_MAX_ARGS + 1];
	char *envp[UMH_MAX_ENV + 1];
};

/* Requests not yet picked up; threads start in order, so FIFO matches. */
static LIST_HEAD(pending);

static void umh_free(struct umh_request *r)
{
	int i;

	for (i = 0; r->argv[i]; i++)
		kfree(r->argv[i]);
	for (i = 0; r->envp[i]; i++)
		kfree(r->envp[i]);
	kfree(r);
}

static void umh_entry(void)
{
	struct umh_request *r = list_first_entry(&pending, struct umh_request, node);
	struct fs_struct *fs;
	struct file *null;
	long rc;
	int fd;

	list_del(&r->node);
	/* From kernel thread to a process of its own. */
	fs = fs_dup(current->fs);
	if (fs) {
		fs_put(current->fs);
		current->fs = fs;
	}
	memcpy(current->signal->rlim, init_task->signal->rlim, sizeof(current->signal->rlim));
	current->kthread = false;
	current->blocked = 0;
	current->parent = NULL;
	null = file_open_at(AT_FDCWD, "/dev/null", O_RDWR, 0);
	if (!IS_ERR(null)) {
		for (fd = 0; fd < 3; fd++) {
			if (fd)
				file_get(null);
			fd_install_at(fd, null, false);
		}
	}
	rc = kernel_execve(r->argv[0], (const char *const *)r->argv,
			   (const char *const *)r->envp);
	if (rc < 0) {
		printk(KERN_WARNING "umh: cannot execute %s (error %ld)\n", r->argv[0], -rc);
		umh_free(r);
		do_exit(1 << 8);
	}
	umh_free(r);
	task_user_loop();
}

int call_usermodehelper(const char *const *argv, const char *const *envp)
{
	struct umh_request *r = kzalloc(sizeof(*r));
	int i;

	if (!r)
		return -ENOMEM;
	for (i = 0; argv[i] && i < UMH_MAX_ARGS; i++)
		if (!(r->argv[i] = kstrdup(argv[i])))
			goto nomem;
	for (i = 0; envp[i] && i < UMH_MAX_ENV; i++)
		if (!(r->envp[i] = kstrdup(envp[i])))
			goto nomem;
	list_add_tail(&r->node, &pending);
	if (!kthread_start("khelper", umh_entry)) {
		list_del(&r->node);
		umh_free(r);
		return -ENOMEM;
	}
	return 0;
nomem:
	umh_free(r);
	return -ENOMEM;
}
