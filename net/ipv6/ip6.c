/*
 * IPv6 input and output. Input checks a packet (version, lengths,
 * martian addresses), keeps what is addressed to this host (an address of
 * an up interface, or a multicast group the interface is in), skips the
 * hop-by-hop and destination options headers, reassembles fragments
 * (net/inet_frag.c) and hands the rest to raw sockets and to its
 * protocol. This host does not forward. Output fragments what is larger
 * than the link's MTU.
 */
#include "host.h"
#include "inet.h"
#include "inet_frag.h"
#include "ipv6.h"
#include "kerrno.h"
#include "kstring.h"

u16 ip6_csum(const struct in6_addr *saddr, const struct in6_addr *daddr, int proto,
	     const void *data, u32 len)
{
	struct {
		struct in6_addr s, d;
		u32 len;
		u8 zero[3], proto;
	} __attribute__((packed)) ph;

	ph.s = *saddr;
	ph.d = *daddr;
	ph.len = htonl(len);
	memset(ph.zero, 0, sizeof(ph.zero));
	ph.proto = (u8)proto;
	return csum_fold(csum_partial(data, len, csum_partial(&ph, sizeof(ph), 0)));
}

static void ip6_local_deliver(struct sk_buff *skb, int nexthdr, u32 off)
{
	bool raw;

	skb_pull(skb, off);
	skb_reset_transport_header(skb);
	raw = raw6_deliver(skb, nexthdr);
	switch (nexthdr) {
	case IPPROTO_ICMPV6:
		icmp6_rcv(skb);
		break;
	case IPPROTO_UDP:
		udp_rcv(skb);
		break;
	case IPPROTO_TCP:
		tcp_rcv(skb);
		break;
	case NEXTHDR_NONE:
		kfree_skb(skb);
		break;
	default:
		if (!raw) {
			/* Parameter problem, code 1: unrecognized next header. */
			skb_push(skb, off);
			icmp6_send(skb, ICMPV6_PARAMPROB, 1, off);
		}
		kfree_skb(skb);
	}
}

/* A fragment header at off (data at the IPv6 header; the byte at prev_nh
 * names it): the packet without it, once every fragment is there (data
 * at its IPv6 header, the byte at prev_nh naming what follows), else NULL.
 * Consumes skb. */
static struct sk_buff *ip6_defrag(struct sk_buff *skb, u32 off, u32 prev_nh)
{
	struct ipv6hdr_k *h = (struct ipv6hdr_k *)skb->data;
	struct sk_buff *whole;
	struct frag_key k;
	u8 *fh = skb->data + off;
	u16 fo;

	if (skb->len < off + 8) {
		kfree_skb(skb);
		return NULL;
	}
	fo = (u16)(fh[2] << 8 | fh[3]);
	memset(&k, 0, sizeof(k));
	k.family = AF_INET6;
	k.proto = fh[0];
	memcpy(&k.id, fh + 4, 4);
	memcpy(k.saddr, &h->saddr, 16);
	memcpy(k.daddr, &h->daddr, 16);
	skb_pull(skb, off + 8);
	whole = inet_defrag(&k, skb, fo & ~7u, fo & 1, off + 8, 65535 + IPV6_HLEN);
	if (!whole)
		return NULL;
	/* Take the fragment header out: what comes before it moves up. */
	memmove(whole->data + 8, whole->data, off);
	skb_pull(whole, 8);
	skb_reset_network_header(whole);
	whole->data[prev_nh] = k.proto;
	h = (struct ipv6hdr_k *)whole->data;
	h->payload_len = htons((u16)(whole->len - IPV6_HLEN));
	return whole;
}

void ip6_rcv(struct sk_buff *skb)
{
	struct ipv6hdr_k *h = (struct ipv6hdr_k *)skb->data;
	struct net_device *dev = skb->dev;
	u32 plen, off = IPV6_HLEN, prev_nh = 6; /* where the next header's number is */
	int nexthdr;

	if (skb->len < IPV6_HLEN || (skb->data[0] >> 4) != 6)
		goto drop;
	plen = ntohs(h->payload_len);
	if (!plen || plen > skb->len - IPV6_HLEN) /* no jumbograms */
		goto drop;
	skb_trim(skb, IPV6_HLEN + plen);
	skb_reset_network_header(skb);
	if (in6_multicast(&h->saddr))
		goto drop;
	if (!(dev->flags & IFF_LOOPBACK) && (in6_loopback(&h->saddr) || in6_loopback(&h->daddr) ||
					     in6_v4mapped(&h->saddr) || in6_v4mapped(&h->daddr)))
		goto drop;
	if (in6_multicast(&h->daddr)) {
		if (!ipv6_chk_mcast(dev, &h->daddr))
			goto drop;
		skb->pkt_type = PACKET_MULTICAST;
	} else if ((dev->flags & IFF_LOOPBACK) || ipv6_chk_addr(&h->daddr, NULL)) {
		skb->pkt_type = PACKET_HOST;
	} else {
		goto drop; /* not for us, and we do not forward */
	}
	/* Extension headers this host may skip, and fragments. */
	nexthdr = h->nexthdr;
	for (;;) {
		u8 *e = skb->data + off;

		if (nexthdr == NEXTHDR_HOP || nexthdr == NEXTHDR_DEST ||
		    nexthdr == NEXTHDR_ROUTING) {
			u32 elen;

			if (skb->len < off + 8)
				goto drop;
			elen = ((u32)e[1] + 1) * 8;
			if (skb->len < off + elen)
				goto drop;
			if (nexthdr == NEXTHDR_ROUTING && e[3] != 0) {
				/* Segments left: we are not a router. */
				icmp6_send(skb, ICMPV6_PARAMPROB, 0, off + 2);
				goto drop;
			}
			nexthdr = e[0];
			prev_nh = off;
			off += elen;
			continue;
		}
		if (nexthdr == NEXTHDR_FRAGMENT) {
			skb = ip6_defrag(skb, off, prev_nh);
			if (!skb)
				return;
			h = (struct ipv6hdr_k *)skb->data;
			nexthdr = skb->data[prev_nh];
			continue;
		}
		break;
	}
	ip6_local_deliver(skb, nexthdr, off);
	return;
drop:
	kfree_skb(skb);
}

static void ip6_fill_header(struct sk_buff *skb, const struct in6_addr *saddr,
			    const struct in6_addr *daddr, int proto, const struct ip6_opts *o)
{
	struct ipv6hdr_k *h = (struct ipv6hdr_k *)skb_push(skb, IPV6_HLEN);

	h->vtf = htonl(6u << 28 | (u32)o->tclass << 20);
	h->payload_len = htons((u16)(skb->len - IPV6_HLEN));
	h->nexthdr = (u8)proto;
	h->hop_limit = (u8)(o->hop_limit > 0 ? o->hop_limit : IPV6_DEFHOPS);
	h->saddr = *saddr;
	h->daddr = *daddr;
	skb_reset_network_header(skb);
	skb->protocol = ETH_P_IPV6;
}

/* Sends skb (larger than the link's MTU) as fragments, each with a
 * fragment header after the IPv6 header (RFC 8200 4.5). */
static int ip6_fragment(struct sk_buff *skb, const struct in6_addr *saddr,
			const struct in6_addr *daddr, int proto, const struct ip6_opts *o,
			const struct rt6_result *rt)
{
	static u32 ident;
	u32 room = (rt->dev->mtu - IPV6_HLEN - 8) & ~7u, off, id;

	if (rt->dev->mtu < IPV6_MIN_MTU) {
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	if (!ident)
		host_getrandom(&ident, sizeof(ident));
	id = htonl(++ident);
	for (off = 0; off < skb->len; off += room) {
		u32 n = MIN(room, skb->len - off);
		struct sk_buff *f = alloc_skb(n + 8, MAX_HEADER);
		u8 *fh;
		u16 fo = (u16)(off | (off + n < skb->len ? 1 : 0));

		if (!f)
			break;
		fh = skb_put(f, 8);
		fh[0] = (u8)proto;
		fh[1] = 0;
		fh[2] = (u8)(fo >> 8);
		fh[3] = (u8)fo;
		memcpy(fh + 4, &id, 4);
		memcpy(skb_put(f, n), skb->data + off, n);
		ip6_fill_header(f, saddr, daddr, NEXTHDR_FRAGMENT, o);
		f->dev = rt->dev;
		ndisc_output(f, rt->dev, &rt->nexthop);
	}
	kfree_skb(skb);
	return 0;
}

int ip6_send(struct sk_buff *skb, const struct in6_addr *saddr, const struct in6_addr *daddr,
	     int proto, const struct ip6_opts *o, const struct rt6_result *rt)
{
	struct net_device *dev = rt->dev;
	u32 len = skb->len;

	if (len > 0xffff) {
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	if (len + IPV6_HLEN > dev->mtu)
		return ip6_fragment(skb, saddr, daddr, proto, o, rt);
	ip6_fill_header(skb, saddr, daddr, proto, o);
	skb->dev = dev;
	ndisc_output(skb, dev, &rt->nexthop);
	return 0;
}
