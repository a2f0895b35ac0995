/* POSIX per-process timers (kernel/posix_timers.c). */
#ifndef POSIX_TIMERS_H
#define POSIX_TIMERS_H

struct signal;

/* Deletes every timer of the process (exec, exit). */
void posix_timers_exit(struct signal *s);

#endif
