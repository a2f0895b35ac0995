/*
 * The daemon transport: eth<N>=daemon,<mac>,unix,<ctl_socket> (default
 * /tmp/uml.ctl), a port on a uml_switch; several machines on one switch
 * share a LAN without privileges. host/net_daemon.c speaks the switch
 * protocol; fdnet.c moves the frames.
 */
#include "fdnet.h"
#include "host.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"

int daemon_open(struct net_device *dev, char **f, int nf, char *err, size_t elen)
{
	const char *ctl = nf > 3 && f[3][0] ? f[3] : "/tmp/uml.ctl";
	struct fdnet t = {.aux_fd = -1};
	int fd;

	if (nf > 2 && f[2][0] && strcmp(f[2], "unix") != 0) {
		scnprintf(err, elen,
			  "%s: daemon: only unix sockets (daemon,<mac>,unix,<ctl_socket>)",
			  dev->name);
		return -EINVAL;
	}
	fd = host_daemon_open(ctl, &t.aux_fd, err, elen);
	if (fd < 0)
		return -EINVAL;
	return fdnet_attach(dev, fd, &t, err, elen);
}
