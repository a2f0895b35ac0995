/*
 * ARP: IPv4 addresses to Ethernet addresses on Ethernet links. A packet
 * for a neighbour not yet resolved waits (at most three per neighbour)
 * while a request is repeated once a second, three times; then the
 * neighbour is marked failed for a while and its packets dropped.
 * Answers to requests for our addresses, and what others tell us about
 * neighbours we asked for, fill the table (/proc/net/arp).
 */
#include "inet.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"

#define ARP_REQUEST 1
#define ARP_REPLY 2
#define NEIGH_MAX 512
#define NEIGH_QUEUE 3
#define NEIGH_PROBES 3
#define NEIGH_REACHABLE_NS (300 * NSEC_PER_SEC)
#define ATF_COM 0x02

/* States: NUD_INCOMPLETE, NUD_REACHABLE, NUD_FAILED (linux/neighbour.h). */

struct arphdr_k {
	u16 htype, ptype;
	u8 hlen, plen;
	u16 op;
	u8 sha[ETH_ALEN];
	u32 spa;
	u8 tha[ETH_ALEN];
	u32 tpa;
} __attribute__((packed));

struct neighbour {
	struct list_head node;
	struct net_device *dev;
	u32 ip;
	u8 mac[ETH_ALEN];
	int state, probes;
	u64 updated;
	struct sk_buff_head pending;
	struct ktimer timer;
};

static LIST_HEAD(neighbours);
static int nneigh;

static void arp_send(struct net_device *dev, int op, u32 tip, const u8 *tha, u32 sip)
{
	struct sk_buff *skb = alloc_skb(sizeof(struct arphdr_k), MAX_HEADER);
	struct arphdr_k *a;
	struct ethhdr_k *eh;

	if (!skb)
		return;
	a = (struct arphdr_k *)skb_put(skb, sizeof(*a));
	a->htype = htons(ARPHRD_ETHER);
	a->ptype = htons(ETH_P_IP);
	a->hlen = ETH_ALEN;
	a->plen = 4;
	a->op = htons((u16)op);
	memcpy(a->sha, dev->addr, ETH_ALEN);
	a->spa = sip;
	if (tha)
		memcpy(a->tha, tha, ETH_ALEN);
	else
		memset(a->tha, 0, ETH_ALEN);
	a->tpa = tip;
	eh = (struct ethhdr_k *)skb_push(skb, ETH_HLEN);
	if (tha)
		memcpy(eh->dest, tha, ETH_ALEN);
	else
		memset(eh->dest, 0xff, ETH_ALEN);
	memcpy(eh->source, dev->addr, ETH_ALEN);
	eh->proto = htons(ETH_P_ARP);
	skb->dev = dev;
	dev_queue_xmit(skb);
}

static void neigh_free(struct neighbour *n)
{
	timer_cancel(&n->timer);
	skb_queue_purge(&n->pending);
	list_del(&n->node);
	nneigh--;
	kfree(n);
}

static void neigh_send_pending(struct neighbour *n)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&n->pending))) {
		struct ethhdr_k *eh = (struct ethhdr_k *)skb_push(skb, ETH_HLEN);

		memcpy(eh->dest, n->mac, ETH_ALEN);
		memcpy(eh->source, n->dev->addr, ETH_ALEN);
		eh->proto = htons(ETH_P_IP);
		dev_queue_xmit(skb);
	}
}

static void neigh_timer(struct ktimer *t)
{
	struct neighbour *n = t->arg;

	if (n->state == NUD_FAILED) {
		neigh_free(n); /* forget the failure: the next packet asks again */
		return;
	}
	if (n->state != NUD_INCOMPLETE)
		return;
	if (++n->probes >= NEIGH_PROBES) {
		n->state = NUD_FAILED;
		skb_queue_purge(&n->pending);
		timer_arm(&n->timer, ktime_ns() + 3 * NSEC_PER_SEC);
		return;
	}
	arp_send(n->dev, ARP_REQUEST, n->ip, NULL, inet_dev_addr(n->dev));
	timer_arm(&n->timer, ktime_ns() + NSEC_PER_SEC);
}

static struct neighbour *neigh_lookup(struct net_device *dev, u32 ip)
{
	struct neighbour *n;

	list_for_each_entry(n, &neighbours, node)
		if (n->dev == dev && n->ip == ip)
			return n;
	return NULL;
}

static struct neighbour *neigh_create(struct net_device *dev, u32 ip)
{
	struct neighbour *n;

	if (nneigh >= NEIGH_MAX) {
		/* Forget the oldest entry that is not waiting for an answer. */
		list_for_each_entry(n, &neighbours, node)
			if (n->state != NUD_INCOMPLETE) {
				neigh_free(n);
				break;
			}
		if (nneigh >= NEIGH_MAX)
			return NULL;
	}
	n = kzalloc(sizeof(*n));
	if (!n)
		return NULL;
	n->dev = dev;
	n->ip = ip;
	n->state = NUD_INCOMPLETE;
	skb_queue_init(&n->pending);
	n->timer.fn = neigh_timer;
	n->timer.arg = n;
	list_add_tail(&n->node, &neighbours);
	nneigh++;
	return n;
}

void arp_output(struct sk_buff *skb, struct net_device *dev, u32 nexthop)
{
	struct neighbour *n = neigh_lookup(dev, nexthop);

	if (n && n->state == NUD_REACHABLE && ktime_ns() - n->updated < NEIGH_REACHABLE_NS) {
		skb_queue_tail(&n->pending, skb);
		neigh_send_pending(n);
		return;
	}
	if (!n)
		n = neigh_create(dev, nexthop);
	if (!n || n->state == NUD_FAILED) {
		dev->stats.tx_dropped++;
		kfree_skb(skb);
		return;
	}
	if (n->pending.qlen >= NEIGH_QUEUE)
		kfree_skb(skb_dequeue(&n->pending));
	skb_queue_tail(&n->pending, skb);
	if (n->state == NUD_REACHABLE || !n->timer.armed) {
		/* New, or stale: ask (again). */
		n->state = NUD_INCOMPLETE;
		n->probes = 0;
		arp_send(dev, ARP_REQUEST, nexthop, NULL, inet_dev_addr(dev));
		timer_arm(&n->timer, ktime_ns() + NSEC_PER_SEC);
	}
}

void arp_rcv(struct sk_buff *skb)
{
	struct arphdr_k *a = (struct arphdr_k *)skb->data;
	struct net_device *dev = skb->dev;
	struct neighbour *n;
	bool for_us;

	if (skb->len < sizeof(*a) || ntohs(a->htype) != ARPHRD_ETHER || ntohs(a->ptype) != ETH_P_IP ||
	    a->hlen != ETH_ALEN || a->plen != 4 || (dev->flags & IFF_NOARP) || (a->sha[0] & 1))
		goto out;
	for_us = a->tpa && inet_dev_addr(dev) == a->tpa;
	n = neigh_lookup(dev, a->spa);
	if (!n && for_us && a->spa)
		n = neigh_create(dev, a->spa);
	if (n && a->spa) {
		memcpy(n->mac, a->sha, ETH_ALEN);
		n->state = NUD_REACHABLE;
		n->updated = ktime_ns();
		timer_cancel(&n->timer);
		neigh_send_pending(n);
	}
	if (for_us && ntohs(a->op) == ARP_REQUEST)
		arp_send(dev, ARP_REPLY, a->spa, a->sha, a->tpa);
out:
	kfree_skb(skb);
}

int arp_proc(char *buf, size_t len)
{
	struct neighbour *n;
	size_t pos = 0;

	pos += (size_t)scnprintf(buf, len,
				 "IP address       HW type     Flags       HW address            Mask     Device\n");
	list_for_each_entry(n, &neighbours, node) {
		char ip[16], mac[18];
		u8 *b = (u8 *)&n->ip;

		scnprintf(ip, sizeof(ip), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		scnprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0], n->mac[1],
			  n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
		pos += (size_t)scnprintf(buf + pos, len - pos, "%-16s 0x%-10x0x%-10x%-17s     *        %s\n",
					 ip, ARPHRD_ETHER, n->state == NUD_REACHABLE ? ATF_COM : 0, mac,
					 n->dev->name);
	}
	return (int)pos;
}

void arp_dev_gone(struct net_device *dev)
{
	struct neighbour *n, *t;

	list_for_each_entry_safe(n, t, &neighbours, node)
		if (n->dev == dev)
			neigh_free(n);
}
