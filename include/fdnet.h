/* Frames over one host fd (drivers/net/fdnet.c), for the transports. */
#ifndef FDNET_H
#define FDNET_H

#include "netdevice.h"
#include "timer.h"

struct fdnet {
	int fd;
	struct irq_source irq;
	struct net_device *dev;
	bool drop_own;    /* a shared medium: our own frames come back */
	long (*send)(struct fdnet *fn, const void *frame, u32 len);
	char group[16];   /* mcast: where frames go */
	int port;
	int aux_fd;       /* daemon: the switch control connection; -1: none */
};

/* Makes dev send and receive through fd as tmpl says (send, drop_own,
 * group, port); the fd is closed on failure. */
int fdnet_attach(struct net_device *dev, int fd, const struct fdnet *tmpl, char *err, size_t elen);

#endif
