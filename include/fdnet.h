/* Frames over one host fd (drivers/net/fdnet.c), for the transports. */
#ifndef FDNET_H
#define FDNET_H

#include "netdevice.h"
#include "timer.h"

struct fdnet {
	int fd;
	struct irq_source irq;
	struct net_device *dev;
	bool drop_own; /* a shared medium: our own frames come back */
	/* One frame out: 0, -EAGAIN when the host side cannot take it yet
	 * (it is kept and sent when the fd turns writable), or -errno.
	 * NULL: a plain write to fd. */
	long (*send)(struct fdnet *fn, const void *frame, u32 len);
	/* One frame into buf: its length, or <= 0 when none is waiting.
	 * NULL: a plain read of fd. */
	long (*recv)(struct fdnet *fn, void *buf, u32 len);
	/* Gives the host side back (fd and aux_fd). NULL: close both. */
	void (*close)(struct fdnet *fn);
	char group[16]; /* mcast: where frames go */
	int port;
	int aux_fd;	      /* daemon: the switch control connection; -1: none */
	struct list_head txq; /* frames the host side was not ready for */
	u32 txq_len;
};

/* Makes dev send and receive through fd as tmpl says (send, drop_own,
 * group, port); the fd is closed on failure. */
int fdnet_attach(struct net_device *dev, int fd, const struct fdnet *tmpl, char *err, size_t elen);

#endif
