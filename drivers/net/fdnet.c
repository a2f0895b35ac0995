/*
 * What the transports that move frames over one host fd share (tuntap,
 * mcast): frames the guest sends go out through the transport's send;
 * when the fd turns readable (an interrupt) a bounded batch of frames is
 * read into netif_rx; removing the device closes the fd. A transport on a
 * shared medium (mcast) hears its own frames: those are dropped.
 */
#include "fdnet.h"
#include "host.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"

#define FDNET_RX_BATCH 64

static void fdnet_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct fdnet *fn = dev->priv;
	long rc = fn->send(fn, skb->data, skb->len);

	if (rc < 0) {
		dev->stats.tx_errors++;
		dev->stats.tx_packets--;
		dev->stats.tx_bytes -= skb->len;
	}
	kfree_skb(skb);
}

static void fdnet_rx(struct irq_source *src)
{
	struct fdnet *fn = src->arg;
	struct net_device *dev = fn->dev;
	u32 room = MAX(dev->mtu, 1500u) + ETH_HLEN + 4;
	int i;

	for (i = 0; i < FDNET_RX_BATCH; i++) {
		struct sk_buff *skb = alloc_skb(room, 0);
		ssize_t n;

		if (!skb) {
			dev->stats.rx_dropped++;
			return;
		}
		n = host_read(fn->fd, skb->data, room);
		if (n <= 0) {
			kfree_skb(skb);
			return;
		}
		skb->len = (u32)n;
		skb->dev = dev;
		if (!(dev->flags & IFF_UP) || n < ETH_HLEN ||
		    (fn->drop_own && !memcmp(skb->data + ETH_ALEN, dev->addr, ETH_ALEN))) {
			kfree_skb(skb); /* down, a runt, or our own echo */
			continue;
		}
		netif_rx(skb);
	}
}

static void fdnet_uninit(struct net_device *dev)
{
	struct fdnet *fn = dev->priv;

	irq_unregister(&fn->irq);
	host_close(fn->fd);
	if (fn->aux_fd >= 0)
		host_close(fn->aux_fd); /* the switch frees our port */
	kfree(fn);
	dev->priv = NULL;
}

static const struct net_device_ops fdnet_ops = { .xmit = fdnet_xmit, .uninit = fdnet_uninit };

int fdnet_attach(struct net_device *dev, int fd, const struct fdnet *tmpl, char *err, size_t elen)
{
	struct fdnet *fn = kmalloc(sizeof(*fn));

	if (!fn) {
		host_close(fd);
		if (tmpl->aux_fd >= 0)
			host_close(tmpl->aux_fd);
		return -ENOMEM;
	}
	*fn = *tmpl;
	fn->fd = fd;
	fn->dev = dev;
	fn->irq.fd = fd;
	fn->irq.handler = fdnet_rx;
	fn->irq.arg = fn;
	if (irq_register(&fn->irq) < 0) {
		scnprintf(err, elen, "%s: cannot watch the host side", dev->name);
		host_close(fd);
		if (fn->aux_fd >= 0)
			host_close(fn->aux_fd);
		kfree(fn);
		return -EINVAL;
	}
	dev->priv = fn;
	dev->ops = &fdnet_ops;
	return 0;
}
