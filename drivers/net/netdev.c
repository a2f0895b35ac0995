/*
 * The net device core: the list of interfaces, bringing them up and down,
 * and the two directions packets take. Transmit calls the driver at once.
 * Receive is deferred: netif_rx queues the frame on the backlog and the
 * NET_RX softirq hands it to the protocol for its Ethernet type, so that
 * a packet the loopback device turns around is never processed inside
 * the send that made it.
 */
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "netdevice.h"
#include "softirq.h"
#include "timer.h"

#define NETDEV_MAX_BACKLOG 1000 /* /proc/sys/net/core/netdev_max_backlog */
#define NETDEV_BUDGET	   300	/* frames per softirq round */

LIST_HEAD(netdev_list);
static int next_ifindex = 1;
static struct sk_buff_head backlog;

int register_netdev(struct net_device *dev)
{
	if (dev_get_by_name(dev->name))
		return -EEXIST;
	dev->ifindex = next_ifindex++;
	if (!dev->tx_queue_len)
		dev->tx_queue_len = 1000;
	/* ifindex order: appended, since indexes only grow. */
	list_add_tail(&dev->node, &netdev_list);
	netdev_sysfs_add(dev);
	return 0;
}

void unregister_netdev(struct net_device *dev)
{
	struct sk_buff *skb, *n;

	if (dev->flags & IFF_UP)
		dev_change_flags(dev, dev->flags & ~IFF_UP);
	inet_dev_unregister(dev);
	inet_frag_dev_gone(dev);
	/* Frames from this device still waiting in the backlog go too. */
	for (skb = skb_peek(&backlog); skb; skb = n) {
		n = skb_next(&backlog, skb);
		if (skb->dev == dev) {
			skb_unlink(&backlog, skb);
			kfree_skb(skb);
		}
	}
	list_del(&dev->node);
	netdev_sysfs_remove(dev);
}

struct net_device *dev_get_by_name(const char *name)
{
	struct net_device *d;

	for_each_netdev(d) if (strncmp(d->name, name, IFNAMSIZ) == 0) return d;
	return NULL;
}

struct net_device *dev_get_by_index(int ifindex)
{
	struct net_device *d;

	for_each_netdev(d) if (d->ifindex == ifindex) return d;
	return NULL;
}

int dev_change_flags(struct net_device *dev, unsigned flags)
{
	unsigned old = dev->flags;
	int rc;

	dev->flags = (old & ~IFF_USER_MASK) | (flags & IFF_USER_MASK);
	if ((flags & IFF_UP) && !(old & IFF_UP)) {
		if (dev->ops->open) {
			rc = dev->ops->open(dev);
			if (rc < 0) {
				dev->flags = old;
				return rc;
			}
		}
		dev->flags |= IFF_UP | IFF_RUNNING | IFF_LOWER_UP;
		inet_dev_up(dev);
	} else if (!(flags & IFF_UP) && (old & IFF_UP)) {
		dev->flags &= ~(IFF_UP | IFF_RUNNING | IFF_LOWER_UP);
		inet_dev_down(dev);
		if (dev->ops->stop)
			dev->ops->stop(dev);
	}
	netdev_sysfs_update(dev);
	return 0;
}

void eth_xmit(struct sk_buff *skb, struct net_device *dev, const u8 *dest, u16 proto)
{
	struct ethhdr_k *eh = (struct ethhdr_k *)skb_push(skb, ETH_HLEN);

	memcpy(eh->dest, dest, ETH_ALEN);
	memcpy(eh->source, dev->addr, ETH_ALEN);
	eh->proto = (u16)(proto >> 8 | proto << 8);
	skb->dev = dev;
	dev_queue_xmit(skb);
}

void dev_queue_xmit(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;

	if (!(dev->flags & IFF_UP)) {
		dev->stats.tx_dropped++;
		kfree_skb(skb);
		return;
	}
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += skb->len;
	dev->ops->xmit(skb, dev);
}

void netif_rx(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;

	if (!(dev->flags & IFF_UP) || backlog.qlen >= NETDEV_MAX_BACKLOG || skb->len < ETH_HLEN) {
		dev->stats.rx_dropped++;
		kfree_skb(skb);
		return;
	}
	dev->stats.rx_packets++;
	dev->stats.rx_bytes += skb->len;
	skb->iif = dev->ifindex;
	if (!skb->tstamp)
		skb->tstamp = ktime_real_ns();
	skb_queue_tail(&backlog, skb);
	raise_softirq(SOFTIRQ_NET_RX);
}

/* Strips the Ethernet header and says who the frame was for. */
static void eth_type_trans(struct sk_buff *skb)
{
	struct ethhdr_k *eh = (struct ethhdr_k *)skb->data;
	static const u8 bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	if (memcmp(eh->dest, bcast, ETH_ALEN) == 0)
		skb->pkt_type = PACKET_BROADCAST;
	else if (eh->dest[0] & 1)
		skb->pkt_type = PACKET_MULTICAST;
	else if (skb->dev->type == ARPHRD_LOOPBACK ||
		 memcmp(eh->dest, skb->dev->addr, ETH_ALEN) == 0)
		skb->pkt_type = PACKET_HOST;
	else
		skb->pkt_type = PACKET_OTHERHOST;
	skb->protocol = (u16)((eh->proto >> 8) | (eh->proto << 8));
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
}

static void net_rx_action(void)
{
	struct sk_buff *skb;
	int n = 0;

	while (n++ < NETDEV_BUDGET && (skb = skb_dequeue(&backlog))) {
		eth_type_trans(skb);
		/* Packet sockets see frames with their Ethernet header. */
		skb_push(skb, ETH_HLEN);
		packet_deliver(skb, skb->protocol);
		skb_pull(skb, ETH_HLEN);
		if (skb->pkt_type == PACKET_OTHERHOST) {
			kfree_skb(skb);
			continue;
		}
		switch (skb->protocol) {
		case ETH_P_IP:
			ip_rcv(skb);
			break;
		case ETH_P_ARP:
			arp_rcv(skb);
			break;
		case ETH_P_IPV6:
			ip6_rcv(skb);
			break;
		default:
			kfree_skb(skb);
		}
	}
	if (backlog.qlen)
		raise_softirq(SOFTIRQ_NET_RX);
}

int netdev_proc(char *buf, size_t len)
{
	struct net_device *d;
	size_t pos = 0;

	pos += (size_t)scnprintf(
		buf + pos, len - pos,
		"Inter-|   Receive                                                |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed multicast|"
		"bytes    packets errs drop fifo colls carrier compressed\n");
	for_each_netdev(d)
	{
		struct net_stats *s = &d->stats;

		pos += (size_t)scnprintf(buf + pos, len - pos,
					 "%6s:%8llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu "
					 "%8llu %7llu %4llu %4llu %4llu %5llu %7llu %10llu\n",
					 d->name, s->rx_bytes, s->rx_packets, s->rx_errors,
					 s->rx_dropped, 0ULL, 0ULL, 0ULL, s->multicast, s->tx_bytes,
					 s->tx_packets, s->tx_errors, s->tx_dropped, 0ULL, 0ULL,
					 0ULL, 0ULL);
	}
	return (int)pos;
}

void netdev_core_init(void)
{
	skb_queue_init(&backlog);
	softirq_register(SOFTIRQ_NET_RX, net_rx_action);
}
