/* Pseudo-terminal limits and counts (drivers/tty/pty.c), for procfs. */
#ifndef PTY_H
#define PTY_H

/* /proc/sys/kernel/pty/max: the most pairs; pty_set_max: -EINVAL out of
 * range (0 to 2^20). */
int pty_get_max(void);
int pty_set_max(long n);
/* /proc/sys/kernel/pty/nr: pairs that exist now. */
int pty_nr(void);

#endif
