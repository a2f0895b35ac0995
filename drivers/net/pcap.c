/*
 * The pcap transport: eth<N>=pcap,<host_if>,<filter>,<[no]promisc>,<[no]optimize>,<mac>.
 * The guest receives the frames the host interface sees (both
 * directions) that match the filter expression; as in UML, the device is
 * receive-only: what the guest sends is counted as a transmit error and
 * never reaches the host. Defaults: promisc, nooptimize, no filter.
 * host/net_pcap.c does the capture, fdnet.c moves the frames.
 */
#include "fdnet.h"
#include "host.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"

static long pcap_send(struct fdnet *fn, const void *frame, u32 len)
{
	return -EPERM;
}

static long pcap_recv(struct fdnet *fn, void *buf, u32 len)
{
	return host_pcap_recv(fn->fd, buf, len);
}

static void pcap_close(struct fdnet *fn)
{
	host_pcap_close(fn->fd);
}

int pcap_open(struct net_device *dev, char **f, int nf, char *err, size_t elen)
{
	struct fdnet t = {.send = pcap_send, .recv = pcap_recv, .close = pcap_close, .aux_fd = -1};
	int promisc = 1, optimize = 0, i, fd;

	if (nf < 2 || !f[1][0]) {
		scnprintf(err, elen,
			  "%s: pcap needs a host interface: %s=pcap,<host_if>,<filter>,...",
			  dev->name, dev->name);
		return -EINVAL;
	}
	for (i = 3; i < nf && i < 5; i++) {
		if (!f[i][0])
			continue;
		if (strcmp(f[i], "promisc") == 0 || strcmp(f[i], "nopromisc") == 0)
			promisc = f[i][0] != 'n';
		else if (strcmp(f[i], "optimize") == 0 || strcmp(f[i], "nooptimize") == 0)
			optimize = f[i][0] != 'n';
		else {
			scnprintf(err, elen,
				  "%s: pcap: unknown option '%s' ([no]promisc, [no]optimize)",
				  dev->name, f[i]);
			return -EINVAL;
		}
	}
	fd = host_pcap_open(f[1], nf > 2 ? f[2] : "", promisc, optimize,
			    (int)(dev->mtu + ETH_HLEN + 4), err, elen);
	if (fd < 0)
		return -EINVAL;
	return fdnet_attach(dev, fd, &t, err, elen);
}
