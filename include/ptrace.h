/*
 * ptrace for guest tracers (kernel/ptrace.c): the hooks the rest of the
 * kernel calls where a traced task may stop.
 */
#ifndef PTRACE_H
#define PTRACE_H

#include "types.h"

struct task;
struct ksiginfo;

/*
 * Stops current for its tracer with code (signal | event << 8) until the
 * tracer resumes it; returns the signal it was resumed with (0: none).
 * info is the siginfo PTRACE_GETSIGINFO shows (NULL: a plain SIGTRAP).
 */
int ptrace_stop(int code, const struct ksiginfo *info);
/* A signal about to be delivered to traced t: stops for the tracer and
 * returns the signal to deliver instead (0: none; info is updated). */
int ptrace_signal(struct task *t, struct ksiginfo *info);
/* System-call entry (before the call) and exit (after it). */
void ptrace_syscall_stop(struct task *t);
void ptrace_syscall_done(struct task *t);
/* A successful execve of t, whose thread id was old_pid. */
void ptrace_exec(struct task *t, int old_pid);
/* t exits: it stops being traced, and its tracees are let go. */
void ptrace_exit(struct task *t);
/* Whether traced c has a stop for its tracer's wait, and its status. */
bool ptrace_wait_report(struct task *c, int *status);

#endif
