/* poll/select/epoll support: files report readiness and register waits. */
#ifndef POLL_H
#define POLL_H

#include <asm/poll.h>

#include "task.h"

#define POLL_MAX_WAITS 64

/*
 * The waits of one poll round. Each wait holds a reference on what owns
 * its queue (the file being polled, or what the file's poll operation
 * passes to poll_wait_hold) until poll_table_free: another task may close
 * the file while this one sleeps, and the queue must outlive the wait.
 */
struct poll_table {
	int n;
	struct file *cur; /* the file being polled now (poll_one, epoll) */
	struct waiter w[POLL_MAX_WAITS];
	struct file *file[POLL_MAX_WAITS];
	void (*put[POLL_MAX_WAITS])(void *obj);
	void *obj[POLL_MAX_WAITS];
};

/* Registers the calling task on wq for this poll round (pt may be NULL). */
void poll_wait(struct poll_table *pt, struct wait_queue *wq);
/* Like poll_wait for a queue another object owns: the caller passes a
 * reference on obj, which put(obj) drops when the round ends (at once if
 * the wait cannot be registered). */
void poll_wait_hold(struct poll_table *pt, struct wait_queue *wq, void (*put)(void *obj), void *obj);
void poll_table_free(struct poll_table *pt);

#endif
