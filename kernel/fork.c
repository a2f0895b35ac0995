/* fork, vfork, clone: creating tasks. */
#include <linux/sched.h>
#include <asm/signal.h>

#include "engine.h"
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "pidfd.h"
#include "printk.h"
#include "syscall.h"
#include "ptrace.h"
#include "task.h"

static void task_first_run(void)
{
	struct task *t = current;

	if (t->set_child_tid) {
		u32 tid = (u32)t->pid;

		copy_to_user(t->set_child_tid, &tid, sizeof(tid));
	}
	task_user_loop();
}

static struct signal *signal_copy(struct signal *old)
{
	struct signal *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->users = 1;
	s->live = 1;
	list_init(&s->shared.queue);
	list_init(&s->ptimers);
	s->pgid = old->pgid;
	s->sid = old->sid;
	s->tty = old->tty;
	memcpy(s->rlim, old->rlim, sizeof(s->rlim));
	return s;
}

long do_fork(u64 flags, u64 newsp, u64 ptid, u64 ctid, u64 tls, int exit_signal)
{
	struct task *parent = current, *p;
	int pid;

	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	/* init has no parent to share (Linux: EINVAL for the unkillable). */
	if ((flags & CLONE_PARENT) && parent->group_leader == init_task)
		return -EINVAL;
	if (nr_threads >= max_threads()) {
		static bool told;

		if (!told)
			printk(KERN_WARNING "fork: %d tasks, the threads-max limit: refused\n",
			       nr_threads);
		told = true;
		return -EAGAIN;
	}
	pid = pid_alloc();
	if (pid < 0)
		return pid;
	p = task_alloc();
	if (!p)
		return -ENOMEM;
	/* Memory may be short (a fork bomb): fail before anything is shared. */
	if (task_prepare_stack(p, task_first_run) < 0)
		goto fail;
	p->pid = pid;
	if (flags & CLONE_THREAD) {
		p->tgid = parent->tgid;
		p->group_leader = parent->group_leader;
		p->signal = parent->signal;
		p->signal->users++;
		p->signal->live++;
		p->parent = parent->group_leader->parent;
		p->exit_signal = -1;
	} else {
		p->tgid = pid;
		p->group_leader = p;
		p->signal = signal_copy(parent->signal);
		if (!p->signal)
			goto fail;
		p->parent = (flags & CLONE_PARENT) ? parent->group_leader->parent :
						     parent->group_leader;
		p->exit_signal = exit_signal;
	}
	list_add_tail(&p->thread_node, &p->group_leader->threads);

	engine_fpu_save(parent);
	if (flags & CLONE_VM) {
		p->mm = parent->mm;
		p->mm->users++;
	} else {
		u64 sp = newsp ? newsp : parent->regs.rsp;

		p->mm = mm_fork(parent->mm, sp);
		if (!p->mm)
			goto fail_mm;
		/* What it runs first, in its first batch of host mappings. */
		mm_map_resume(p->mm, parent->regs.rip, sp);
	}
	if (flags & CLONE_FILES) {
		p->files = parent->files;
		p->files->users++;
	} else {
		p->files = files_dup(parent->files);
		if (!p->files)
			goto fail_mm;
	}
	if (flags & CLONE_FS) {
		p->fs = parent->fs;
		p->fs->users++;
	} else {
		p->fs = fs_dup(parent->fs);
		if (!p->fs)
			goto fail_mm;
	}
	if (flags & CLONE_SIGHAND) {
		p->sighand = parent->sighand;
		p->sighand->users++;
	} else {
		p->sighand = kmalloc(sizeof(*p->sighand));
		if (!p->sighand)
			goto fail_mm;
		*p->sighand = *parent->sighand;
		p->sighand->users = 1;
	}
	p->blocked = parent->blocked;
	p->regs = parent->regs;
	p->regs.rax = 0;
	if (newsp)
		p->regs.rsp = newsp;
	if (flags & CLONE_SETTLS)
		p->regs.fs_base = tls;
	p->fp = parent->fp;
	p->uid = parent->uid;
	p->euid = parent->euid;
	p->suid = parent->suid;
	p->fsuid = parent->fsuid;
	p->gid = parent->gid;
	p->egid = parent->egid;
	p->sgid = parent->sgid;
	p->fsgid = parent->fsgid;
	p->nice = parent->nice;
	p->no_new_privs = parent->no_new_privs;
	p->traced = parent->traced;
	p->ngroups = parent->ngroups;
	memcpy(p->groups, parent->groups, sizeof(p->groups));
	memcpy(p->comm, parent->comm, sizeof(p->comm));
	if (flags & CLONE_CHILD_SETTID)
		p->set_child_tid = ctid;
	if (flags & CLONE_CHILD_CLEARTID)
		p->clear_child_tid = ctid;
	/* A user-mode helper's CLONE_PARENT child has no parent either:
	 * nobody waits for it (see do_notify_parent). */
	if (!(flags & CLONE_THREAD) && p->parent)
		list_add_tail(&p->sibling, &p->parent->children);
	if (flags & CLONE_PARENT_SETTID) {
		u32 v = (u32)pid;

		copy_to_user(ptid, &v, sizeof(v));
	}
	list_add_tail(&p->all_node, &all_tasks);
	nr_forks++;
	if (flags & CLONE_VFORK)
		p->vfork_parent = parent;
	ptrace_fork_child(parent, p, flags, exit_signal);
	wake_up_task(p);
	ptrace_fork_event(parent, p, flags, exit_signal);
	if (flags & CLONE_VFORK) {
		struct wait_queue dummy;

		wq_init(&dummy);
		/* Uninterruptible in Linux terms, but a fatal signal ends it. */
		while (!p->vfork_done && !parent->exiting) {
			parent->state = TASK_UNINTERRUPTIBLE;
			parent->wchan = "vfork";
			schedule();
		}
		parent->wchan = NULL;
	}
	return pid;

fail_mm:
	/* Partially built: undo what exists. */
	if (p->mm)
		mm_put(p->mm);
	if (p->files)
		files_put(p->files);
	if (p->fs)
		fs_put(p->fs);
	list_del(&p->thread_node);
	if (flags & CLONE_THREAD) {
		p->signal->users--;
		p->signal->live--;
	} else {
		kfree(p->signal);
	}
fail:
	task_free(p); /* not listed yet: only its stack and count go */
	return -ENOMEM;
}

void exec_done_vfork(struct task *t)
{
	struct task *parent = t->vfork_parent;

	if (!parent)
		return;
	t->vfork_parent = NULL;
	t->vfork_done = true;
	parent->state = TASK_RUNNING;
	wake_up_task(parent);
}

void task_release_dead(struct task *t);

/*
 * execve in a threaded process: every other thread exits first, and a
 * thread that is not the leader takes over the leader's pid, parent and
 * children, as Linux does.
 */
void exec_kill_other_threads(void)
{
	struct task *me = current, *leader = me->group_leader, *t, *n;
	struct signal *sig = me->signal;

	if (sig->live == 1 && leader == me)
		return;
	list_for_each_entry(t, &leader->threads, thread_node) {
		if (t == me || t->state == TASK_DEAD || t->state == TASK_ZOMBIE)
			continue;
		t->exiting = true;
		wake_up_task_force(t);
	}
	sig->exec_waiter = me;
	while (sig->live > 1) {
		me->state = TASK_UNINTERRUPTIBLE;
		me->wchan = "de_thread";
		schedule();
	}
	me->wchan = NULL;
	sig->exec_waiter = NULL;
	if (leader == me)
		return;
	/* Become the leader: its pid, its place in the family. */
	me->pid = leader->pid;
	leader->pid = -1;
	me->group_leader = me;
	me->exit_signal = leader->exit_signal;
	me->parent = leader->parent;
	list_add(&me->sibling, &leader->sibling);
	list_del(&leader->sibling);
	list_for_each_entry_safe(t, n, &leader->children, sibling) {
		list_del(&t->sibling);
		t->parent = me;
		list_add_tail(&t->sibling, &me->children);
	}
	list_del(&me->thread_node);
	list_init(&me->threads);
	list_add_tail(&me->thread_node, &me->threads);
	list_del(&leader->thread_node);
	list_init(&leader->thread_node);
	leader->signal = NULL;
	task_release_dead(leader);
}

/*
 * CLONE_PIDFD: a pidfd for the new child, written to *where. The caller
 * made sure a descriptor is free; should the pidfd still fail (memory, a
 * bad address), the call fails while the child runs on, a child the
 * parent can still wait for.
 */
static long clone_pidfd(long child, u64 where)
{
	struct task *t;
	long fd;
	int v;

	if (child <= 0)
		return child;
	t = task_by_pid((int)child);
	if (!t)
		return child; /* already gone and reaped: nothing to name */
	fd = pidfd_create(t, 0);
	if (fd < 0)
		return fd;
	v = (int)fd;
	if (copy_to_user(where, &v, sizeof(v)) < 0) {
		fd_close((int)fd);
		return -EFAULT;
	}
	return child;
}

static bool pidfd_flags_ok(u64 flags)
{
	return !(flags & CLONE_PIDFD) || !(flags & (CLONE_THREAD | CLONE_DETACHED));
}

long sys_clone(u64 flags, u64 newsp, u64 ptid, u64 ctid, u64 tls)
{
	long r;

	/* clone(2) returns the pidfd where the parent's tid would go. */
	if ((flags & CLONE_PIDFD) && ((flags & CLONE_PARENT_SETTID) || !pidfd_flags_ok(flags)))
		return -EINVAL;
	if ((flags & CLONE_PIDFD) && !fd_available())
		return -EMFILE;
	r = do_fork(flags & ~(u64)(CSIGNAL | CLONE_PIDFD), newsp, ptid, ctid, tls,
		    (int)(flags & CSIGNAL));
	return (flags & CLONE_PIDFD) ? clone_pidfd(r, ptid) : r;
}

long sys_clone3(u64 uargs, size_t size)
{
	struct clone_args ca;

	if (size < CLONE_ARGS_SIZE_VER0 || size > sizeof(ca) + 64)
		return -EINVAL;
	memset(&ca, 0, sizeof(ca));
	if (copy_from_user(&ca, uargs, MIN(size, sizeof(ca))) < 0)
		return -EFAULT;
	long r;

	if (ca.set_tid || ca.cgroup || (ca.flags & CLONE_INTO_CGROUP))
		return -ENOSYS;
	if (!pidfd_flags_ok(ca.flags))
		return -EINVAL;
	if ((ca.flags & CLONE_PIDFD) && !fd_available())
		return -EMFILE;
	r = do_fork(ca.flags & ~(u64)CLONE_PIDFD, ca.stack ? ca.stack + ca.stack_size : 0,
		    ca.parent_tid, ca.child_tid, ca.tls, (int)ca.exit_signal);
	return (ca.flags & CLONE_PIDFD) ? clone_pidfd(r, ca.pidfd) : r;
}

long sys_fork(void)
{
	return do_fork(0, 0, 0, 0, 0, SIGCHLD);
}

long sys_vfork(void)
{
	return do_fork(CLONE_VM | CLONE_VFORK, 0, 0, 0, 0, SIGCHLD);
}
