/* poll/select/epoll support: files report readiness and register waits. */
#ifndef POLL_H
#define POLL_H

#include <asm/poll.h>

#include "task.h"

#define POLL_MAX_WAITS 64

struct poll_table {
	int n;
	struct waiter w[POLL_MAX_WAITS];
};

/* Registers the calling task on wq for this poll round (pt may be NULL). */
void poll_wait(struct poll_table *pt, struct wait_queue *wq);
void poll_table_free(struct poll_table *pt);

#endif
