/*
 * IPv4 input and output. Input checks a datagram (version, lengths,
 * header checksum), reassembles fragments, and hands what is addressed to
 * this host to raw sockets and to its protocol; this host does not
 * forward. Output puts the header on, fragments what is larger than the
 * device's MTU (unless DF is set: then -EMSGSIZE), and passes the frame
 * to the link layer.
 */
#include "inet.h"
#include "inet_frag.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "timer.h"

static u16 ip_ident;

/* Adds a fragment (skb->data at its payload); returns the whole datagram
 * (data at the IP header) once complete, else NULL. Consumes skb. */
static struct sk_buff *ip_defrag(struct sk_buff *skb, const struct iphdr_k *iph, u32 hlen)
{
	u16 fo = ntohs(iph->frag_off);
	struct frag_key k;
	struct sk_buff *whole;
	struct iphdr_k *h;

	memset(&k, 0, sizeof(k));
	k.family = AF_INET;
	k.proto = iph->protocol;
	k.id = iph->id;
	memcpy(k.saddr, &iph->saddr, 4);
	memcpy(k.daddr, &iph->daddr, 4);
	whole = inet_defrag(&k, skb, (u32)(fo & IP_OFFSET) * 8, (fo & IP_MF) != 0, hlen, 65535);
	if (!whole)
		return NULL;
	h = (struct iphdr_k *)whole->data;
	h->tot_len = htons((u16)whole->len);
	h->frag_off = 0;
	return whole;
}

static void ip_local_deliver(struct sk_buff *skb)
{
	struct iphdr_k *iph = (struct iphdr_k *)skb_network_header(skb);
	u32 hlen = (u32)(iph->vihl & 0xf) * 4;
	bool raw;

	skb_pull(skb, hlen);
	skb_reset_transport_header(skb);
	raw = raw_deliver(skb, iph->protocol);
	switch (iph->protocol) {
	case IPPROTO_ICMP:
		icmp_rcv(skb);
		break;
	case IPPROTO_UDP:
		udp_rcv(skb);
		break;
	case IPPROTO_TCP:
		tcp_rcv(skb);
		break;
	default:
		if (!raw)
			icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
		kfree_skb(skb);
	}
}

void ip_rcv(struct sk_buff *skb)
{
	struct iphdr_k *iph = (struct iphdr_k *)skb->data;
	u32 hlen, tot;
	int type;

	if (skb->len < sizeof(*iph) || (iph->vihl >> 4) != 4)
		goto drop;
	hlen = (u32)(iph->vihl & 0xf) * 4;
	tot = ntohs(iph->tot_len);
	if (hlen < sizeof(*iph) || tot < hlen || tot > skb->len)
		goto drop;
	if (skb->ip_summed != CHECKSUM_UNNECESSARY && csum_fold(csum_partial(iph, hlen, 0)) != 0)
		goto drop;
	skb_trim(skb, tot);
	/* Martians: loopback addresses never arrive from outside. */
	if (!(skb->dev->flags & IFF_LOOPBACK) &&
	    (ipv4_is_loopback(iph->saddr) || ipv4_is_loopback(iph->daddr)))
		goto drop;
	type = inet_addr_type(iph->daddr);
	if (type == RTN_BROADCAST || (skb->pkt_type == PACKET_BROADCAST && type != RTN_LOCAL))
		skb->pkt_type = PACKET_BROADCAST;
	else if (type != RTN_LOCAL)
		goto drop; /* not for us, and we do not forward */
	if (ntohs(iph->frag_off) & (IP_MF | IP_OFFSET)) {
		skb_pull(skb, hlen);
		skb = ip_defrag(skb, iph, hlen);
		if (!skb)
			return;
	}
	ip_local_deliver(skb);
	return;
drop:
	kfree_skb(skb);
}

/* --- output --- */

struct net_device *loopback_device(void);

u16 inet_csum(u32 saddr, u32 daddr, int proto, const void *data, u32 len)
{
	struct {
		u32 s, d;
		u8 zero, proto;
		u16 len;
	} __attribute__((packed)) ph = { saddr, daddr, 0, (u8)proto, htons((u16)len) };

	return csum_fold(csum_partial(data, len, csum_partial(&ph, sizeof(ph), 0)));
}

static void ip_fill_header(struct sk_buff *skb, u32 saddr, u32 daddr, int proto,
			   const struct ip_opts *o, u16 frag_off, u16 id)
{
	struct iphdr_k *iph = (struct iphdr_k *)skb_push(skb, sizeof(*iph));

	iph->vihl = 0x45;
	iph->tos = o->tos;
	iph->tot_len = htons((u16)skb->len);
	iph->id = id;
	iph->frag_off = htons(frag_off);
	iph->ttl = o->ttl ? o->ttl : IPDEFTTL;
	iph->protocol = (u8)proto;
	iph->check = 0;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->check = csum_fold(csum_partial(iph, sizeof(*iph), 0));
	skb_reset_network_header(skb);
	skb->protocol = ETH_P_IP;
}

int ip_send(struct sk_buff *skb, u32 saddr, u32 daddr, int proto, const struct ip_opts *o,
	    const struct rt_result *rt)
{
	struct net_device *dev = rt->dev;
	u32 mtu = dev->mtu, maxfrag, off;
	u16 id = htons(ip_ident++);

	if (skb->len > IP_MAX_PAYLOAD) { /* tot_len has 16 bits */
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	skb->dev = dev;
	if (skb->len + sizeof(struct iphdr_k) <= mtu) {
		ip_fill_header(skb, saddr, daddr, proto, o, o->df ? IP_DF : 0, id);
		neigh_output(skb, dev, rt->nexthop, rt->type);
		return 0;
	}
	if (o->df) {
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	maxfrag = (mtu - (u32)sizeof(struct iphdr_k)) & ~7u;
	for (off = 0; off < skb->len; off += maxfrag) {
		u32 n = MIN(maxfrag, skb->len - off);
		struct sk_buff *f = alloc_skb(n, MAX_HEADER);
		u16 fo = (u16)(off / 8) | (off + n < skb->len ? IP_MF : 0);

		if (!f)
			break;
		memcpy(skb_put(f, n), skb->data + off, n);
		f->dev = dev;
		ip_fill_header(f, saddr, daddr, proto, o, fo, id);
		neigh_output(f, dev, rt->nexthop, rt->type);
	}
	kfree_skb(skb);
	return 0;
}

int ip_send_route(struct sk_buff *skb, u32 saddr, u32 daddr, int proto, const struct ip_opts *o)
{
	struct rt_result rt;
	int rc = ip_route_output(daddr, o->oif, &rt);

	if (rc < 0) {
		kfree_skb(skb);
		return rc;
	}
	return ip_send(skb, saddr ? saddr : rt.src, daddr, proto, o, &rt);
}

void arp_output(struct sk_buff *skb, struct net_device *dev, u32 nexthop);

void neigh_output(struct sk_buff *skb, struct net_device *dev, u32 nexthop, int rtype)
{
	u8 dest[ETH_ALEN];

	if (dev->type == ARPHRD_ETHER && rtype != RTN_BROADCAST && !ipv4_is_multicast(nexthop)) {
		arp_output(skb, dev, nexthop);
		return;
	}
	if (dev->type == ARPHRD_LOOPBACK) {
		memset(dest, 0, ETH_ALEN);
	} else if (ipv4_is_multicast(nexthop)) {
		u32 h = ntohl(nexthop);
		u8 m[ETH_ALEN] = { 0x01, 0x00, 0x5e, (u8)((h >> 16) & 0x7f), (u8)(h >> 8), (u8)h };

		memcpy(dest, m, ETH_ALEN);
	} else {
		memset(dest, 0xff, ETH_ALEN);
	}
	eth_xmit(skb, dev, dest, ETH_P_IP);
}
