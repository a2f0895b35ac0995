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
/* clone/fork/vfork by traced parent made child: with the matching
 * PTRACE_O_TRACE* option the child is traced too, starting with a
 * SIGSTOP (ptrace_fork_child, before it first runs), and the parent
 * stops with the event (ptrace_fork_event). */
void ptrace_fork_child(struct task *parent, struct task *child, u64 flags, int exit_signal);
void ptrace_fork_event(struct task *parent, struct task *child, u64 flags, int exit_signal);
/* t is about to exit with code: the PTRACE_O_TRACEEXIT stop. */
void ptrace_exit_event(struct task *t, int code);
/* t exits: it stops being traced, and its tracees are let go. */
void ptrace_exit(struct task *t);
/*
 * What traced c has for its tracer's wait for pid: 1 a stop, 2 an exit
 * (status filled in), 0 nothing yet, -1 pid does not match it (checked
 * here only for an exited c; the caller matches the others).
 */
int ptrace_wait_report(struct task *c, int pid, int *status);
/* c is freed or reported: off its tracer's list. */
void ptrace_forget(struct task *c);

#endif
