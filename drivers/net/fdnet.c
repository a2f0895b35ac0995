/*
 * What the transports that move frames over one host fd share (tuntap,
 * daemon, mcast, vde, pcap): frames the guest sends go out through the
 * transport's send, in order, waiting in a backlog while the host side
 * pushes back; when the fd turns readable (an interrupt) a bounded batch
 * of frames is read into netif_rx; removing the device closes the fd. A transport on a
 * shared medium (mcast) hears its own frames: those are dropped.
 */
#include "fdnet.h"
#include "host.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"

#define FDNET_RX_BATCH 64
#define FDNET_TXQ_MAX  1000 /* frames waiting for the host side: txqueuelen */

/* A frame that went nowhere: it was counted as sent, it was not. */
static void fdnet_tx_failed(struct net_device *dev, struct sk_buff *skb, bool dropped)
{
	if (dropped)
		dev->stats.tx_dropped++;
	else
		dev->stats.tx_errors++;
	dev->stats.tx_packets--;
	dev->stats.tx_bytes -= skb->len;
	kfree_skb(skb);
}

/* The default send: one write of the frame to the fd. */
static long fdnet_write(struct fdnet *fn, const struct sk_buff *skb)
{
	ssize_t n = host_write(fn->fd, skb->data, skb->len);

	if (n < 0)
		return n;
	return n == (ssize_t)skb->len ? 0 : -EIO;
}

/*
 * Sends the backlog in order until the host side pushes back (-EAGAIN:
 * a switch's full socket queue, say); true when it is empty. Waiting on
 * the fd's writability, not dropping, keeps TCP from taking a burst of
 * losses for a switch that is only a little slower than us.
 */
static bool fdnet_tx_flush(struct fdnet *fn)
{
	while (!list_empty(&fn->txq)) {
		struct sk_buff *skb = list_first_entry(&fn->txq, struct sk_buff, list);
		long rc = fn->send ? fn->send(fn, skb->data, skb->len) : fdnet_write(fn, skb);

		if (rc == -EAGAIN)
			return false;
		list_del(&skb->list);
		fn->txq_len--;
		if (rc < 0)
			fdnet_tx_failed(fn->dev, skb, false);
		else
			kfree_skb(skb);
	}
	return true;
}

static void fdnet_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct fdnet *fn = dev->priv;
	bool was_empty = list_empty(&fn->txq);

	if (fn->txq_len >= FDNET_TXQ_MAX) {
		fdnet_tx_failed(dev, skb, true);
		return;
	}
	list_add_tail(&skb->list, &fn->txq);
	fn->txq_len++;
	if (was_empty && !fdnet_tx_flush(fn))
		irq_want_write(&fn->irq, true);
}

static void fdnet_rx(struct fdnet *fn)
{
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
		n = fn->recv ? fn->recv(fn, skb->data, room) : host_read(fn->fd, skb->data, room);
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

/* The fd is readable, or writable while a backlog waits. */
static void fdnet_irq(struct irq_source *src)
{
	struct fdnet *fn = src->arg;

	if (!list_empty(&fn->txq) && fdnet_tx_flush(fn))
		irq_want_write(&fn->irq, false);
	fdnet_rx(fn);
}

static void fdnet_close_host(struct fdnet *fn)
{
	if (fn->close) {
		fn->close(fn);
		return;
	}
	host_close(fn->fd);
	if (fn->aux_fd >= 0)
		host_close(fn->aux_fd); /* the switch frees our port */
}

static void fdnet_uninit(struct net_device *dev)
{
	struct fdnet *fn = dev->priv;

	irq_unregister(&fn->irq);
	while (!list_empty(&fn->txq)) {
		struct sk_buff *skb = list_first_entry(&fn->txq, struct sk_buff, list);

		list_del(&skb->list);
		kfree_skb(skb);
	}
	fdnet_close_host(fn);
	kfree(fn);
	dev->priv = NULL;
}

static const struct net_device_ops fdnet_ops = {.xmit = fdnet_xmit, .uninit = fdnet_uninit};

int fdnet_attach(struct net_device *dev, int fd, const struct fdnet *tmpl, char *err, size_t elen)
{
	struct fdnet *fn = kmalloc(sizeof(*fn));

	if (!fn) {
		struct fdnet tmp = *tmpl;

		tmp.fd = fd;
		fdnet_close_host(&tmp);
		return -ENOMEM;
	}
	*fn = *tmpl;
	fn->fd = fd;
	fn->dev = dev;
	fn->irq.fd = fd;
	fn->irq.handler = fdnet_irq;
	list_init(&fn->txq);
	fn->txq_len = 0;
	fn->irq.arg = fn;
	if (irq_register(&fn->irq) < 0) {
		scnprintf(err, elen, "%s: cannot watch the host side", dev->name);
		fdnet_close_host(fn);
		kfree(fn);
		return -EINVAL;
	}
	dev->priv = fn;
	dev->ops = &fdnet_ops;
	return 0;
}
