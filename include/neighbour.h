/*
 * The neighbour cache (net/neighbour.c): network addresses of machines on
 * an Ethernet link to their MACs, for ARP (IPv4) and neighbour discovery
 * (IPv6) alike. A packet for a neighbour not yet resolved waits (at most
 * three per neighbour) while the protocol's solicitation is repeated once
 * a second, three times; then the neighbour is marked failed for three
 * seconds and its packets dropped. An entry not confirmed within the
 * protocol's reachable time is asked for again when next used.
 */
#ifndef NEIGHBOUR_H
#define NEIGHBOUR_H

#include "list.h"
#include "netdevice.h"
#include "skbuff.h"
#include "timer.h"

struct neighbour;

struct neigh_ops {
	u16 proto; /* ETH_P_* of the frames that wait */
	u8 keylen; /* bytes of address: 4 or 16 */
	u64 reachable_ns;
	/* Asks the link who has n's address (an ARP request, an NS). */
	void (*solicit)(struct neighbour *n);
};

struct neighbour {
	struct list_head node;
	const struct neigh_ops *ops;
	struct net_device *dev;
	u8 key[16];
	u8 mac[ETH_ALEN];
	int state; /* NUD_INCOMPLETE, NUD_REACHABLE, NUD_FAILED, NUD_PERMANENT */
	int probes;
	u64 updated;
	struct sk_buff_head pending;
	struct ktimer timer;
};

/* Sends skb (data at the network header, skb->dev set) to the neighbour
 * with address key on dev, resolving it first when needed; consumes skb. */
void neigh_resolve_output(const struct neigh_ops *ops, struct sk_buff *skb, struct net_device *dev,
			  const void *key);
/* What the link said: key is at mac. Updates an entry (or makes one,
 * if create) and sends what waited for it. */
void neigh_update(const struct neigh_ops *ops, struct net_device *dev, const void *key,
		  const u8 *mac, bool create);
/* A static entry (arp -s): key is at mac until deleted; the link's
 * messages do not change it. */
int neigh_set_permanent(const struct neigh_ops *ops, struct net_device *dev, const void *key,
			const u8 *mac);
/* Forgets the entry for key on dev; -ENXIO if there is none. */
int neigh_delete(const struct neigh_ops *ops, struct net_device *dev, const void *key);
/* The entry for key on dev, or NULL. */
struct neighbour *neigh_find(const struct neigh_ops *ops, struct net_device *dev, const void *key);
/* Calls fn for every entry of ops' protocol. */
void neigh_walk(const struct neigh_ops *ops, void (*fn)(struct neighbour *n, void *arg), void *arg);
/* Forgets every entry on dev. */
void neigh_dev_gone(struct net_device *dev);

#endif
