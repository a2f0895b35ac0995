/* pidfds (kernel/pidfd.c). */
#ifndef PIDFD_H
#define PIDFD_H

#include "types.h"

struct task;

/* A new close-on-exec pidfd for the process led by leader; fd or -errno. */
long pidfd_create(struct task *leader, unsigned flags);
/* The pid of the process fd names (0 if it was reaped) or -EBADF; whether
 * it was opened non-blocking. For waitid(P_PIDFD). */
int pidfd_pid(int fd, bool *nonblock);
/* A process has exited: pidfd pollers look again. */
void pidfd_notify_exit(void);

#endif
