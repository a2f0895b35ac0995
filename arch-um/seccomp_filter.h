/* The seccomp-engine child's filters (arch-um/seccomp_filter.c). */
#ifndef SECCOMP_FILTER_H
#define SECCOMP_FILTER_H

#include <linux/filter.h>

/* Each writes its program into out[max]: the length, or -1 if too long. */
int seccomp_guest_filter(struct sock_filter *out, unsigned max);
int seccomp_mm_filter(struct sock_filter *out, unsigned max, int physmem_fd, int done_fd);

#endif
