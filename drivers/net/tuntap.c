/*
 * The tuntap transport: eth<N>=tuntap,<tapdev>,<mac>,<gate_ip>. Frames
 * the guest sends are written to the host TAP device; what the host puts
 * on it arrives as an interrupt (the fd turns readable) and is read, a
 * bounded batch at a time, into netif_rx. The host half is
 * host/net_tap.c.
 */
#include "host.h"
#include "kerrno.h"
#include "kprintf.h"
#include "mm.h"
#include "netdevice.h"
#include "timer.h"

#define TAP_RX_BATCH 64

struct tap_priv {
	int fd;
	struct irq_source irq;
	struct net_device *dev;
};

static void tap_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct tap_priv *tp = dev->priv;
	ssize_t n = host_write(tp->fd, skb->data, skb->len);

	if (n != (ssize_t)skb->len) {
		dev->stats.tx_errors++;
		dev->stats.tx_packets--;
		dev->stats.tx_bytes -= skb->len;
	}
	kfree_skb(skb);
}

static void tap_rx(struct irq_source *src)
{
	struct tap_priv *tp = src->arg;
	struct net_device *dev = tp->dev;
	u32 room = MAX(dev->mtu, 1500u) + ETH_HLEN + 4;
	int i;

	for (i = 0; i < TAP_RX_BATCH; i++) {
		struct sk_buff *skb = alloc_skb(room, 0);
		ssize_t n;

		if (!skb) {
			dev->stats.rx_dropped++;
			return;
		}
		n = host_read(tp->fd, skb->data, room);
		if (n <= 0) {
			kfree_skb(skb);
			return;
		}
		skb->len = (u32)n;
		skb->dev = dev;
		if (!(dev->flags & IFF_UP)) {
			kfree_skb(skb); /* a down interface hears nothing */
			continue;
		}
		netif_rx(skb);
	}
}

static void tap_stop(struct net_device *dev)
{
	(void)dev; /* the host device stays open: ifconfig up works again */
}

static void tap_uninit(struct net_device *dev)
{
	struct tap_priv *tp = dev->priv;

	irq_unregister(&tp->irq);
	host_close(tp->fd); /* a tap we created goes away with it */
	kfree(tp);
	dev->priv = NULL;
}

static const struct net_device_ops tap_ops = { .xmit = tap_xmit, .stop = tap_stop, .uninit = tap_uninit };

int tuntap_open(struct net_device *dev, char **f, int nf, char *err, size_t elen)
{
	struct tap_priv *tp;
	int fd;

	if (nf < 2 || !f[1][0]) {
		scnprintf(err, elen, "%s: tuntap needs a host device: %s=tuntap,<tapdev>", dev->name,
			  dev->name);
		return -EINVAL;
	}
	fd = host_tap_open(f[1], nf > 3 ? f[3] : NULL, err, elen);
	if (fd < 0)
		return -EINVAL;
	tp = kzalloc(sizeof(*tp));
	if (!tp) {
		host_close(fd);
		return -ENOMEM;
	}
	tp->fd = fd;
	tp->dev = dev;
	tp->irq.fd = fd;
	tp->irq.handler = tap_rx;
	tp->irq.arg = tp;
	if (irq_register(&tp->irq) < 0) {
		scnprintf(err, elen, "%s: cannot watch the tap device", dev->name);
		host_close(fd);
		kfree(tp);
		return -EINVAL;
	}
	dev->priv = tp;
	dev->ops = &tap_ops;
	return 0;
}
