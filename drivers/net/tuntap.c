/*
 * The tuntap transport: eth<N>=tuntap,<tapdev>,<mac>,<gate_ip>. Frames go
 * to and come from a host TAP device (host/net_tap.c opens or creates
 * it); fdnet.c moves them.
 */
#include "fdnet.h"
#include "host.h"
#include "kerrno.h"
#include "kprintf.h"

int tuntap_open(struct net_device *dev, char **f, int nf, char *err, size_t elen)
{
	struct fdnet t = {.aux_fd = -1};
	int fd;

	if (nf < 2 || !f[1][0]) {
		scnprintf(err, elen, "%s: tuntap needs a host device: %s=tuntap,<tapdev>",
			  dev->name, dev->name);
		return -EINVAL;
	}
	fd = host_tap_open(f[1], nf > 3 ? f[3] : NULL, err, elen);
	if (fd < 0)
		return -EINVAL;
	return fdnet_attach(dev, fd, &t, err, elen);
}
