/* Signal frames on the guest stack (arch-um/sigframe.c). */
#ifndef SIGFRAME_H
#define SIGFRAME_H

#include "task.h"

/* Builds the frame for a handler and points t's registers at it. */
int sigframe_setup(struct task *t, int sig, const struct ksigaction *ka,
		   const struct ksiginfo *info, ksigset_t oldmask);
/* Restores the context saved by sigframe_setup (rt_sigreturn). */
long sigframe_return(struct task *t);
/* The 128-byte siginfo_t of the guest ABI. */
void siginfo_to_user(u8 *out, const struct ksiginfo *si);

#endif
