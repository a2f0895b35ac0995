/*
 * Fragment reassembly shared by IPv4 and IPv6 (net/inet_frag.c).
 */
#ifndef INET_FRAG_H
#define INET_FRAG_H

#include "skbuff.h"
#include "types.h"

struct net_device;

/* What makes fragments belong together. Zero it before filling it in:
 * it is compared as bytes. */
struct frag_key {
	u8 family, proto;
	u32 id;
	u8 saddr[16], daddr[16]; /* IPv4 addresses in the first 4 bytes */
};

/* Adds a fragment: skb->data at its payload, which starts off bytes into
 * the datagram's, with hlen bytes of headers in front (the network
 * header on); more: not the last fragment; max: the largest the datagram
 * may be, headers included. Returns the whole datagram once complete
 * (data at the first fragment's headers, their length fields still to be
 * fixed), else NULL. Consumes skb. */
struct sk_buff *inet_defrag(const struct frag_key *k, struct sk_buff *skb, u32 off, bool more,
			    u32 hlen, u32 max);
/* A device goes: reassembly must not hand its packets on later. */
void inet_frag_dev_gone(struct net_device *dev);

#endif
