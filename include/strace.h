/*
 * strace-style tracing of guest system calls (kernel/strace.c): which
 * tasks are traced, and the log line of one call.
 */
#ifndef STRACE_H
#define STRACE_H

#include "types.h"

struct task;

/* trace_syscalls on the command line: every task is traced. */
extern bool syscall_trace;

/* trace=<name|pid>[,...]: the programs (by name, at exec) and processes
 * (by pid) to trace; -EINVAL if the list is too long. */
int trace_set_names(const char *names);
/* Whether t's program name or process id is in the trace= list. */
bool trace_wanted(const struct task *t);

/*
 * A traced call: trace_enter decodes the arguments while the caller's
 * memory is still there and returns the line so far (kmalloc'd), or NULL
 * when the call does not return (it is printed then) or memory is short;
 * trace_exit adds what the call wrote and its result, prints the line and
 * frees it.
 */
char *trace_enter(struct task *t, long nr, const long args[6]);
void trace_exit(struct task *t, long nr, const long args[6], char *entry, long ret);

#endif
