/*
 * The system call table. kernel/syscall_list.h is the one declarative list:
 * X(name, nargs, level) per implemented call, indexed by __NR_<name>. The
 * level says how complete it is: FULL (as Linux), PARTIAL (the common
 * cases; the rest fail with an errno), STUB (accepted, does little).
 * Calls not in the list return -ENOSYS and are logged once by name.
 */
#ifndef SYSCALL_H
#define SYSCALL_H

#include "types.h"

enum syscall_level { SYS_FULL, SYS_PARTIAL, SYS_STUB };

struct syscall_entry {
	const char *name;
	long (*fn)(long, long, long, long, long, long);
	u8 nargs;
	u8 level;
};

#define X(name, nargs, level) long sys_##name();
#include "syscall_list.h"
#undef X

struct task;
void syscall_dispatch(struct task *t);
const struct syscall_entry *syscall_entry(long nr);
const char *syscall_name(long nr);

#endif
