/*
 * The mcast transport: eth<N>=mcast,<mac>,<addr>,<port>,<ttl> (defaults
 * 239.192.168.1, 1102, 1). Every instance with the same group and port is
 * on one Ethernet segment, without privileges; host/net_mcast.c has the
 * socket, fdnet.c moves the frames.
 */
#include "fdnet.h"
#include "host.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"

static long mcast_send(struct fdnet *fn, const void *frame, u32 len)
{
	return host_mcast_send(fn->fd, fn->group, fn->port, frame, len);
}

int mcast_open(struct net_device *dev, char **f, int nf, char *err, size_t elen)
{
	const char *group = nf > 2 && f[2][0] ? f[2] : "239.192.168.1";
	unsigned long port = 1102, ttl = 1;
	struct fdnet t = {.send = mcast_send, .drop_own = true, .aux_fd = -1};
	int fd;

	if ((nf > 3 && f[3][0] && (kstrtoul(f[3], 10, &port) < 0 || !port || port > 65535)) ||
	    (nf > 4 && f[4][0] && (kstrtoul(f[4], 10, &ttl) < 0 || ttl > 255)) ||
	    strlen(group) >= sizeof(t.group)) {
		scnprintf(err, elen, "%s: expected mcast,<mac>,<addr>,<port>,<ttl>", dev->name);
		return -EINVAL;
	}
	fd = host_mcast_open(group, (int)port, (int)ttl, err, elen);
	if (fd < 0)
		return -EINVAL;
	strlcpy(t.group, group, sizeof(t.group));
	t.port = (int)port;
	return fdnet_attach(dev, fd, &t, err, elen);
}
