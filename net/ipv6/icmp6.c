/*
 * ICMPv6 (RFC 4443): echo requests are answered, also those sent to a
 * multicast group we are in (as Linux does); destination-unreachable,
 * packet-too-big and time-exceeded messages are passed to the protocol
 * of the packet they quote; neighbour discovery goes to ndisc.c.
 * icmp6_send reports our own errors, never about an ICMPv6 error or a
 * multicast packet (RFC 4443 2.4 e), within ICMP's rate limit except on
 * the loopback device.
 */
#include "inet.h"
#include "ipv6.h"
#include "kstring.h"
#include "timer.h"

static void echo_reply(struct sk_buff *skb, const struct ipv6hdr_k *h)
{
	struct sk_buff *r = alloc_skb(skb->len, MAX_HEADER);
	struct ip6_opts o = {0};
	struct icmp6hdr_k *ic;
	struct rt6_result rt;
	struct in6_addr src = h->daddr;

	if (!r)
		return;
	if (ip6_route_output(&h->saddr, in6_needs_scope(&h->saddr) ? skb->iif : 0, &rt) < 0) {
		kfree_skb(r);
		return;
	}
	if (in6_multicast(&src))
		src = rt.src;
	memcpy(skb_put(r, skb->len), skb->data, skb->len);
	ic = (struct icmp6hdr_k *)r->data;
	ic->type = ICMPV6_ECHO_REPLY;
	ic->code = 0;
	ic->cksum = 0;
	ic->cksum = ip6_csum(&src, &h->saddr, IPPROTO_ICMPV6, r->data, r->len);
	ip6_send(r, &src, &h->saddr, IPPROTO_ICMPV6, &o, &rt);
}

static int err_to_v4(int type, int code, int *v4code)
{
	/* Errors reach UDP and TCP in their ICMPv4 form. */
	if (type == ICMPV6_DEST_UNREACH) {
		*v4code = code == ICMPV6_PORT_UNREACH ? ICMP_PORT_UNREACH
			  : code == ICMPV6_NOROUTE    ? ICMP_NET_UNREACH
						      : ICMP_HOST_UNREACH;
		return ICMP_DEST_UNREACH;
	}
	if (type == ICMPV6_PKT_TOOBIG) {
		*v4code = ICMP_FRAG_NEEDED;
		return ICMP_DEST_UNREACH;
	}
	*v4code = 0;
	return ICMP_TIME_EXCEEDED;
}

void icmp6_rcv(struct sk_buff *skb)
{
	struct ipv6hdr_k *h = (struct ipv6hdr_k *)skb_network_header(skb);
	struct icmp6hdr_k *ic = (struct icmp6hdr_k *)skb->data;

	if (skb->len < sizeof(*ic) ||
	    (skb->ip_summed != CHECKSUM_UNNECESSARY &&
	     ip6_csum(&h->saddr, &h->daddr, IPPROTO_ICMPV6, skb->data, skb->len)))
		goto out;
	switch (ic->type) {
	case ICMPV6_ECHO_REQUEST:
		echo_reply(skb, h);
		break;
	case NDISC_NEIGHBOUR_SOLICITATION:
	case NDISC_NEIGHBOUR_ADVERTISEMENT:
		ndisc_rcv(skb);
		break;
	case ICMPV6_DEST_UNREACH:
	case ICMPV6_PKT_TOOBIG:
	case ICMPV6_TIME_EXCEED: {
		const struct ipv6hdr_k *in = (const struct ipv6hdr_k *)(skb->data + sizeof(*ic));
		int code, type;

		if (skb->len < sizeof(*ic) + IPV6_HLEN + 8)
			break;
		type = err_to_v4(ic->type, ic->code, &code);
		if (in->nexthdr == IPPROTO_UDP)
			udp6_err(in, (const u8 *)in + IPV6_HLEN, type, code);
		else if (in->nexthdr == IPPROTO_TCP)
			tcp6_err(in, (const u8 *)in + IPV6_HLEN, type, code);
		break;
	}
	}
out:
	kfree_skb(skb);
}

void icmp6_send(struct sk_buff *skb_in, int type, int code, u32 info)
{
	struct ipv6hdr_k *h = (struct ipv6hdr_k *)skb_network_header(skb_in);
	u8 *quoted = (u8 *)h;
	struct ip6_opts o = {0};
	struct icmp6hdr_k *ic;
	struct rt6_result rt;
	struct sk_buff *skb;
	struct in6_addr src;
	u32 n;

	if (skb_in->pkt_type != PACKET_HOST || in6_any(&h->saddr) || in6_multicast(&h->daddr))
		return;
	if (h->nexthdr == IPPROTO_ICMPV6) {
		const u8 *t = quoted + IPV6_HLEN;

		if (skb_in->data + skb_in->len < t + 1 || *t < 128) /* errors are types 0-127 */
			return;
	}
	if (ip6_route_output(&h->saddr, in6_needs_scope(&h->saddr) ? skb_in->iif : 0, &rt) < 0)
		return;
	if (!(rt.dev->flags & IFF_LOOPBACK) && !icmp_rate_ok())
		return;
	src = ipv6_chk_addr(&h->daddr, NULL) ? h->daddr : rt.src;
	/* Quote as much as fits the minimum MTU. */
	n = (u32)(skb_in->data + skb_in->len - quoted);
	n = MIN(n, (u32)(IPV6_MIN_MTU - IPV6_HLEN - sizeof(*ic)));
	skb = alloc_skb((u32)sizeof(*ic) + n, MAX_HEADER);
	if (!skb)
		return;
	ic = (struct icmp6hdr_k *)skb_put(skb, sizeof(*ic));
	ic->type = (u8)type;
	ic->code = (u8)code;
	ic->cksum = 0;
	ic->un.data32 = htonl(info);
	memcpy(skb_put(skb, n), quoted, n);
	ic->cksum = ip6_csum(&src, &h->saddr, IPPROTO_ICMPV6, skb->data, skb->len);
	ip6_send(skb, &src, &h->saddr, IPPROTO_ICMPV6, &o, &rt);
}
