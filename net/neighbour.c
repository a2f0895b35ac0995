/*
 * The neighbour cache shared by ARP (net/ipv4/arp.c) and neighbour
 * discovery (net/ipv6/ndisc.c); its rules are in include/neighbour.h.
 * At most NEIGH_MAX entries in all: a new one pushes out the oldest entry
 * that is not waiting for an answer.
 */
#include <linux/neighbour.h>

#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "neighbour.h"

#define NEIGH_MAX    1024
#define NEIGH_QUEUE  3
#define NEIGH_PROBES 3

static LIST_HEAD(neighbours);
static int nneigh;

static void neigh_free(struct neighbour *n)
{
	timer_cancel(&n->timer);
	skb_queue_purge(&n->pending);
	list_del(&n->node);
	nneigh--;
	kfree(n);
}

static void send_pending(struct neighbour *n)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&n->pending)))
		eth_xmit(skb, n->dev, n->mac, n->ops->proto);
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
	n->ops->solicit(n);
	timer_arm(&n->timer, ktime_ns() + NSEC_PER_SEC);
}

static struct neighbour *neigh_lookup(const struct neigh_ops *ops, const struct net_device *dev,
				      const void *key)
{
	struct neighbour *n;

	list_for_each_entry(n, &neighbours,
			    node) if (n->ops == ops && n->dev == dev &&
				      memcmp(n->key, key, ops->keylen) == 0) return n;
	return NULL;
}

static struct neighbour *neigh_create(const struct neigh_ops *ops, struct net_device *dev,
				      const void *key)
{
	struct neighbour *n;

	if (nneigh >= NEIGH_MAX) {
		list_for_each_entry(n, &neighbours, node)
		{
			if (n->state != NUD_INCOMPLETE && n->state != NUD_PERMANENT) {
				neigh_free(n);
				break;
			}
		}
		if (nneigh >= NEIGH_MAX)
			return NULL;
	}
	n = kzalloc(sizeof(*n));
	if (!n)
		return NULL;
	n->ops = ops;
	n->dev = dev;
	memcpy(n->key, key, ops->keylen);
	n->state = NUD_INCOMPLETE;
	skb_queue_init(&n->pending);
	n->timer.fn = neigh_timer;
	n->timer.arg = n;
	list_add_tail(&n->node, &neighbours);
	nneigh++;
	return n;
}

void neigh_resolve_output(const struct neigh_ops *ops, struct sk_buff *skb, struct net_device *dev,
			  const void *key)
{
	struct neighbour *n = neigh_lookup(ops, dev, key);

	if (n && (n->state == NUD_PERMANENT ||
		  (n->state == NUD_REACHABLE && ktime_ns() - n->updated < ops->reachable_ns))) {
		skb_queue_tail(&n->pending, skb);
		send_pending(n);
		return;
	}
	if (!n)
		n = neigh_create(ops, dev, key);
	if (!n || n->state == NUD_FAILED) {
		dev->stats.tx_dropped++;
		kfree_skb(skb);
		return;
	}
	if (n->pending.qlen >= NEIGH_QUEUE)
		kfree_skb(skb_dequeue(&n->pending));
	skb_queue_tail(&n->pending, skb);
	if (n->state == NUD_REACHABLE || !n->timer.armed) {
		/* New, or not heard from for a while: ask (again). */
		n->state = NUD_INCOMPLETE;
		n->probes = 0;
		ops->solicit(n);
		timer_arm(&n->timer, ktime_ns() + NSEC_PER_SEC);
	}
}

void neigh_update(const struct neigh_ops *ops, struct net_device *dev, const void *key,
		  const u8 *mac, bool create)
{
	struct neighbour *n = neigh_lookup(ops, dev, key);

	if (!n && create)
		n = neigh_create(ops, dev, key);
	if (!n || n->state == NUD_PERMANENT)
		return;
	memcpy(n->mac, mac, ETH_ALEN);
	n->state = NUD_REACHABLE;
	n->updated = ktime_ns();
	timer_cancel(&n->timer);
	send_pending(n);
}

struct neighbour *neigh_find(const struct neigh_ops *ops, struct net_device *dev, const void *key)
{
	return neigh_lookup(ops, dev, key);
}

int neigh_set_permanent(const struct neigh_ops *ops, struct net_device *dev, const void *key,
			const u8 *mac)
{
	struct neighbour *n = neigh_lookup(ops, dev, key);

	if (!n)
		n = neigh_create(ops, dev, key);
	if (!n)
		return -ENOBUFS;
	memcpy(n->mac, mac, ETH_ALEN);
	n->state = NUD_PERMANENT;
	n->updated = ktime_ns();
	timer_cancel(&n->timer);
	send_pending(n);
	return 0;
}

int neigh_delete(const struct neigh_ops *ops, struct net_device *dev, const void *key)
{
	struct neighbour *n = neigh_lookup(ops, dev, key);

	if (!n)
		return -ENXIO;
	neigh_free(n);
	return 0;
}

void neigh_walk(const struct neigh_ops *ops, void (*fn)(struct neighbour *n, void *arg), void *arg)
{
	struct neighbour *n;

	list_for_each_entry(n, &neighbours, node) if (n->ops == ops) fn(n, arg);
}

void neigh_dev_gone(struct net_device *dev)
{
	struct neighbour *n, *t;

	list_for_each_entry_safe(n, t, &neighbours, node) if (n->dev == dev) neigh_free(n);
}
