/*
 * ICMP: echo requests are answered; destination-unreachable and
 * time-exceeded messages are passed to the protocol of the datagram they
 * quote (a UDP socket learns ECONNREFUSED, a TCP connection its error);
 * icmp_send reports our own errors about a received datagram, never about
 * an ICMP error, a broadcast or a later fragment (RFC 1122), and at most
 * ICMP_RATE a second except on the loopback device.
 */
#include "inet.h"
#include "kstring.h"
#include "timer.h"

#define ICMP_RATE 1000
#define ICMP_ERR_MAX 576 /* an error message fits the minimum MTU */

static bool icmp_is_error(int type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB ||
	       type == 4 /* source quench */ || type == 5 /* redirect */;
}

static void icmp_reply_echo(struct sk_buff *skb, const struct iphdr_k *iph)
{
	struct sk_buff *r = alloc_skb(skb->len, MAX_HEADER);
	struct icmphdr_k *ic;
	struct ip_opts o = { .tos = iph->tos };

	if (!r)
		return;
	memcpy(skb_put(r, skb->len), skb->data, skb->len);
	ic = (struct icmphdr_k *)r->data;
	ic->type = ICMP_ECHOREPLY;
	ic->code = 0;
	ic->checksum = 0;
	ic->checksum = csum_fold(csum_partial(r->data, r->len, 0));
	ip_send_route(r, iph->daddr, iph->saddr, IPPROTO_ICMP, &o);
}

void icmp_rcv(struct sk_buff *skb)
{
	struct iphdr_k *iph = (struct iphdr_k *)skb_network_header(skb);
	struct icmphdr_k *ic = (struct icmphdr_k *)skb->data;

	if (skb->len < sizeof(*ic) ||
	    (skb->ip_summed != CHECKSUM_UNNECESSARY && csum_fold(csum_partial(skb->data, skb->len, 0))))
		goto out;
	if (ic->type == ICMP_ECHO) {
		/* icmp_echo_ignore_broadcasts is 1 by default. */
		if (skb->pkt_type == PACKET_HOST)
			icmp_reply_echo(skb, iph);
	} else if (ic->type == ICMP_DEST_UNREACH || ic->type == ICMP_TIME_EXCEEDED) {
		const struct iphdr_k *in = (const struct iphdr_k *)(skb->data + sizeof(*ic));
		u32 ihl;

		if (skb->len < sizeof(*ic) + sizeof(*in))
			goto out;
		ihl = (u32)(in->vihl & 0xf) * 4;
		if (ihl < sizeof(*in) || skb->len < sizeof(*ic) + ihl + 8)
			goto out;
		if (in->protocol == IPPROTO_UDP)
			udp_err(in, (const u8 *)in + ihl, ic->type, ic->code);
		else if (in->protocol == IPPROTO_TCP)
			tcp_err(in, (const u8 *)in + ihl, ic->type, ic->code);
	}
out:
	kfree_skb(skb);
}

bool icmp_rate_ok(void)
{
	static u64 window;
	static int sent;
	u64 now = ktime_ns() / NSEC_PER_SEC;

	if (now != window) {
		window = now;
		sent = 0;
	}
	return sent++ < ICMP_RATE;
}

void icmp_send(struct sk_buff *skb_in, int type, int code, u32 info)
{
	struct iphdr_k *iph = (struct iphdr_k *)skb_network_header(skb_in);
	u32 ihl = (u32)(iph->vihl & 0xf) * 4, room, n;
	u8 *quoted = (u8 *)iph;
	struct sk_buff *skb;
	struct icmphdr_k *ic;
	struct ip_opts o = { .tos = iph->tos };
	struct rt_result rt;

	if (skb_in->pkt_type != PACKET_HOST || (ntohs(iph->frag_off) & IP_OFFSET) || !iph->saddr ||
	    inet_addr_type(iph->saddr) == RTN_BROADCAST || ipv4_is_multicast(iph->saddr))
		return;
	if (iph->protocol == IPPROTO_ICMP) {
		u8 *t = quoted + ihl;

		if (skb_in->data + skb_in->len < t + 1 || icmp_is_error(*t))
			return;
	}
	if (ip_route_output(iph->saddr, 0, &rt) < 0)
		return;
	if (!(rt.dev->flags & IFF_LOOPBACK) && !icmp_rate_ok())
		return;
	/* Quote the header and as much of the datagram as fits. */
	n = (u32)(skb_in->data + skb_in->len - quoted);
	room = ICMP_ERR_MAX - sizeof(struct iphdr_k) - sizeof(*ic);
	n = MIN(n, room);
	skb = alloc_skb(sizeof(*ic) + n, MAX_HEADER);
	if (!skb)
		return;
	ic = (struct icmphdr_k *)skb_put(skb, sizeof(*ic));
	ic->type = (u8)type;
	ic->code = (u8)code;
	ic->checksum = 0;
	ic->un.gateway = 0;
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		ic->un.frag.mtu = htons((u16)info);
	memcpy(skb_put(skb, n), quoted, n);
	ic->checksum = csum_fold(csum_partial(skb->data, skb->len, 0));
	ip_send(skb, inet_addr_type(iph->daddr) == RTN_LOCAL ? iph->daddr : rt.src, iph->saddr,
		IPPROTO_ICMP, &o, &rt);
}
