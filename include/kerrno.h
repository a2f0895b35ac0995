/*
 * Error numbers. Inside the kernel every error is a negative errno; the
 * syscall dispatcher writes the result register in one place. The restart
 * codes never reach the guest: signal delivery turns them into EINTR or a
 * restarted system call.
 */
#ifndef KERRNO_H
#define KERRNO_H

#include <asm-generic/errno.h>

#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
#define ERR_PTR(e) ((void *)(long)(e))
#define PTR_ERR(p) ((long)(p))
#define IS_ERR(p) IS_ERR_VALUE((unsigned long)(p))

#endif
