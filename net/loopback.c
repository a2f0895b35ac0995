/*
 * The loopback device lo: what it sends it receives. Like Linux's, it
 * starts down; bringing it up gives it 127.0.0.1/8 (net/ipv4/devinet.c).
 * Frames turned around here need no checksum: they never left memory.
 */
#include "netdevice.h"

static void lo_xmit(struct sk_buff *skb, struct net_device *dev)
{
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->tstamp = 0;
	netif_rx(skb);
}

static const struct net_device_ops lo_ops = { .xmit = lo_xmit };

static struct net_device loopback_dev = {
	.name = "lo",
	.flags = IFF_LOOPBACK,
	.mtu = 65536,
	.type = ARPHRD_LOOPBACK,
	.ops = &lo_ops,
};

struct net_device *loopback_device(void)
{
	return &loopback_dev;
}

void loopback_init(void)
{
	register_netdev(&loopback_dev);
}
