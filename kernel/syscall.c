/*
 * System call dispatch: looks the number up in the declarative table,
 * calls the handler with the six argument registers, and writes the result
 * register in this one place.
 */
#include <asm/unistd.h>

#include "arch/regs.h"
#include "kerrno.h"
#include "mm.h"
#include "printk.h"
#include "ptrace.h"
#include "strace.h"
#include "syscall.h"
#include "task.h"

#define NR_SYSCALLS 512

typedef long (*syscall_fn)(long, long, long, long, long, long);

static const struct syscall_entry table[NR_SYSCALLS] = {
#define X(n, na, lvl) \
	[__NR_##n] = { #n, (syscall_fn)(void (*)(void))sys_##n, na, SYS_##lvl },
#include "syscall_list.h"
#undef X
};

/* Names of every x86-64 system call, generated from the UAPI header. */
static const char *const all_names[NR_SYSCALLS] = {
#include "syscall_names.h"
};

static u8 reported[NR_SYSCALLS / 8];

const struct syscall_entry *syscall_entry(long nr)
{
	if (nr < 0 || nr >= NR_SYSCALLS || !table[nr].fn)
		return NULL;
	return &table[nr];
}

const char *syscall_name(long nr)
{
	if (nr < 0 || nr >= NR_SYSCALLS || !all_names[nr])
		return "?";
	return all_names[nr];
}

void syscall_dispatch(struct task *t)
{
	struct uregs *r = &t->regs;
	long nr, ret;
	const struct syscall_entry *e;
	char *traced = NULL;
	bool skip = false;

	if (unlikely(t->ptracer)) {
		/* The tracer sees -ENOSYS at entry and may change the call;
		 * a number of -1 skips it, with rax as the result. */
		r->rax = (u64)-ENOSYS;
		ptrace_syscall_stop(t);
		skip = (long)r->orig_rax == -1;
	}
	nr = (long)r->orig_rax;
	e = syscall_entry(nr);
	long args[6] = { (long)r->rdi, (long)r->rsi, (long)r->rdx,
			 (long)r->r10,	(long)r->r8,  (long)r->r9 };

	t->syscall_nr = (int)nr;
	if (unlikely(t->traced || syscall_trace))
		traced = trace_enter(t, nr, args);
	if (skip) {
		ret = (long)r->rax;
	} else if (!e) {
		if (nr >= 0 && nr < NR_SYSCALLS &&
		    !(reported[nr / 8] & (1 << (nr % 8)))) {
			reported[nr / 8] |= (u8)(1 << (nr % 8));
			printk(KERN_INFO "unimplemented system call %ld (%s) from %s[%d]\n",
			       nr, syscall_name(nr), t->comm, t->pid);
		}
		ret = -ENOSYS;
	} else {
		ret = e->fn(args[0], args[1], args[2], args[3], args[4], args[5]);
	}
	/* "trace <pid> off" may have come while the call slept. */
	if (traced && (t->traced || syscall_trace))
		trace_exit(t, nr, args, traced, ret);
	else if (traced)
		kfree(traced);
	/* rt_sigreturn and execve set every register themselves. */
	if (nr != __NR_rt_sigreturn)
		r->rax = (u64)ret;
	if (unlikely(t->ptracer))
		ptrace_syscall_done(t);
}
