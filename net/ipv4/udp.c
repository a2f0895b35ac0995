/*
 * UDP sockets. A datagram goes to the socket that matches it best
 * (connected to its sender, then bound to its address, then to any
 * address); broadcasts go to every match. With nobody listening the
 * sender hears ICMP port unreachable, which a connected socket reports
 * as ECONNREFUSED on its next call. A receive queue holds at most rcvbuf
 * bytes (counting a per-datagram overhead); beyond that datagrams drop.
 */
#include <asm/ioctls.h>
#include <linux/sockios.h>

#include "inet.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"

#define UDP_MAX_PAYLOAD (65535 - 20 - 8)
#define DGRAM_OVERHEAD 512 /* what a queued datagram costs beyond its bytes */

static const struct proto_ops udp_ops;

static u32 queued_cost(const struct inet_sock *isk)
{
	return (u32)(isk->rxq.bytes + (u64)isk->rxq.qlen * DGRAM_OVERHEAD);
}

long udp_create(struct socket *s, int proto)
{
	struct inet_sock *isk = inet_sock_alloc(s, sizeof(*isk), SOCK_DGRAM, proto);

	if (!isk)
		return -ENOMEM;
	isk->table = &udp_table;
	s->ops = &udp_ops;
	return 0;
}

/* How well isk matches a datagram from p; -1: not at all. */
static int match(const struct inet_sock *isk, const struct inet_pair *p, u16 sport, u16 dport, int ifindex,
		 bool bcast)
{
	int score = 0;

	if (isk->sport != dport)
		return -1;
	if (p->v6) {
		if (!inet_sk_v6ok(isk))
			return -1;
		if (!in6_any(&isk->rcv_saddr6)) {
			if (!in6_eq(&isk->rcv_saddr6, &p->daddr6) && !bcast)
				return -1;
			score += 4;
		}
		if (!in6_any(&isk->daddr6)) {
			if (!in6_eq(&isk->daddr6, &p->saddr6))
				return -1;
			score += 4;
		}
	} else {
		if (!inet_sk_v4ok(isk))
			return -1;
		if (isk->rcv_saddr) {
			if (isk->rcv_saddr != p->daddr && !bcast)
				return -1;
			score += 4;
		}
		if (isk->daddr) {
			if (isk->daddr != p->saddr)
				return -1;
			score += 4;
		}
	}
	if (isk->family == (p->v6 ? AF_INET6 : AF_INET))
		score += 1; /* a socket of the packet's own family first */
	if (isk->dport) {
		if (isk->dport != sport)
			return -1;
		score += 4;
	}
	if (isk->bound_dev_if) {
		if (isk->bound_dev_if != ifindex)
			return -1;
		score += 4;
	}
	return score;
}

static void udp_queue(struct inet_sock *isk, struct sk_buff *skb)
{
	if (queued_cost(isk) + skb->len + DGRAM_OVERHEAD > (u32)isk->rcvbuf + DGRAM_OVERHEAD ||
	    (isk->shutdown & RCV_SHUTDOWN)) {
		isk->drops++;
		kfree_skb(skb);
		return;
	}
	skb->dev = NULL; /* the device may go before the datagram is read */
	skb_queue_tail(&isk->rxq, skb);
	wake_up_poll(&isk->wq, POLLIN);
}

void udp_rcv(struct sk_buff *skb)
{
	struct udphdr_k *uh = (struct udphdr_k *)skb->data;
	bool bcast = skb->pkt_type == PACKET_BROADCAST || skb->pkt_type == PACKET_MULTICAST;
	struct inet_sock *isk, *best = NULL;
	struct inet_pair p;
	int bestscore = -1;
	u32 ulen;

	if (skb->len < sizeof(*uh))
		goto drop;
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > skb->len)
		goto drop;
	skb_trim(skb, ulen);
	inet_pair_of_skb(skb, &p);
	/* A zero checksum means none, in IPv4 only. */
	if ((uh->check || p.v6) && skb->ip_summed != CHECKSUM_UNNECESSARY &&
	    inet_pair_csum(&p, IPPROTO_UDP, skb->data, ulen) != 0)
		goto drop;
	skb->cb.addr.v6 = p.v6;
	skb->cb.addr.saddr = p.saddr;
	skb->cb.addr.daddr = p.daddr;
	memcpy(skb->cb.addr.saddr6, &p.saddr6, 16);
	memcpy(skb->cb.addr.daddr6, &p.daddr6, 16);
	skb->cb.addr.sport = uh->source;
	skb->cb.addr.dport = uh->dest;
	if (bcast) {
		/* A copy for every socket that matches, the last gets skb. */
		struct inet_sock *prev = NULL;

		list_for_each_entry(isk, &udp_table, bind_node) {
			if (match(isk, &p, uh->source, uh->dest, skb->dev->ifindex, true) < 0)
				continue;
			if (prev) {
				struct sk_buff *c = skb_copy(skb);

				if (c) {
					skb_pull(c, sizeof(*uh));
					udp_queue(prev, c);
				}
			}
			prev = isk;
		}
		if (!prev)
			goto drop;
		skb_pull(skb, sizeof(*uh));
		udp_queue(prev, skb);
		return;
	}
	list_for_each_entry(isk, &udp_table, bind_node) {
		int sc = match(isk, &p, uh->source, uh->dest, skb->dev->ifindex, false);

		if (sc > bestscore) {
			bestscore = sc;
			best = isk;
		}
	}
	if (!best) {
		if (p.v6)
			icmp6_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0);
		else
			icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
		goto drop;
	}
	skb_pull(skb, sizeof(*uh));
	udp_queue(best, skb);
	return;
drop:
	kfree_skb(skb);
}

int icmp_err_to_errno(int type, int code, bool *hard);

/* An ICMP error about a datagram we sent from p->daddr to p->saddr. */
static void udp_err_pair(const struct inet_pair *p, const u8 *th, int type, int code)
{
	const struct udphdr_k *uh = (const struct udphdr_k *)th;
	struct inet_sock *isk;
	bool hard;
	int err = icmp_err_to_errno(type, code, &hard);

	list_for_each_entry(isk, &udp_table, bind_node) {
		bool conn_ok;

		if (isk->sport != uh->source)
			continue;
		if (p->v6 ? !inet_sk_v6ok(isk) ||
				    (!in6_any(&isk->rcv_saddr6) && !in6_eq(&isk->rcv_saddr6, &p->daddr6))
			  : !inet_sk_v4ok(isk) || (isk->rcv_saddr && isk->rcv_saddr != p->daddr))
			continue;
		conn_ok = isk->dport == uh->dest &&
			  (p->v6 ? in6_eq(&isk->daddr6, &p->saddr6) : isk->daddr == p->saddr);
		if (isk->connected ? !conn_ok : !isk->recverr)
			continue;
		if (!hard && !isk->recverr)
			continue;
		isk->err = err;
		wake_up_poll(&isk->wq, POLLIN | POLLOUT);
		return;
	}
}

void udp_err(const struct iphdr_k *iph, const u8 *th, int type, int code)
{
	struct inet_pair p = { .saddr = iph->daddr, .daddr = iph->saddr };

	udp_err_pair(&p, th, type, code);
}

void udp6_err(const struct ipv6hdr_k *ip6h, const u8 *th, int type, int code)
{
	struct inet_pair p = { .v6 = true, .saddr6 = ip6h->daddr, .daddr6 = ip6h->saddr };

	udp_err_pair(&p, th, type, code);
}

/* Where a datagram to p goes (connect and sendmsg alike): a broadcast
 * needs SO_BROADCAST, and an unbound socket gets a port. */
static long udp_route(struct inet_sock *isk, struct inet_pair *p, int oif, struct rt_result *rt)
{
	long rc = inet_route_peer(isk, p, oif, rt);

	if (rc < 0)
		return rc;
	if (rt->type == RTN_BROADCAST && !isk->broadcast)
		return -EACCES;
	if (!isk->num) {
		rc = inet_get_port(isk, 0);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static long udp_connect(struct socket *s, const u8 *addr, u32 len)
{
	struct inet_sock *isk = inet_sk(s);
	struct rt_result rt;
	struct inet_pair p;
	u16 port;
	int oif;
	long rc;

	if (len >= 2 && ((const struct sockaddr_in *)(const void *)addr)->sin_family == AF_UNSPEC) {
		/* Dissolve the association; what connect chose goes too. */
		inet_clear_peer(isk);
		isk->connected = false;
		if (!isk->port_locked)
			inet_unhash_port(isk);
		return 0;
	}
	rc = inet_peer_parse(isk, addr, len, &p, &port, &oif);
	if (rc < 0)
		return rc;
	rc = udp_route(isk, &p, oif, &rt);
	if (rc < 0)
		return rc;
	if (!p.v6 && isk->saddr)
		p.saddr = isk->saddr;
	inet_set_peer(isk, &p, port);
	if (p.v6 && in6_needs_scope(&p.daddr6))
		isk->bound_dev_if = oif;
	isk->connected = true;
	return 0;
}

static long udp_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct inet_sock *isk = inet_sk(s);
	size_t len = m->data->resid;
	struct rt_result rt;
	struct ip_opts o;
	struct sk_buff *skb;
	struct udphdr_k *uh;
	struct inet_pair p;
	int oif = isk->bound_dev_if;
	u16 dport;
	long rc;
	int err = inet_sock_error(isk);

	if (err)
		return -err;
	if (m->namelen) {
		rc = inet_peer_parse(isk, m->name, m->namelen, &p, &dport, &oif);
		if (rc < 0)
			return rc;
		if (!dport)
			return -EINVAL;
	} else {
		if (!isk->connected)
			return -EDESTADDRREQ;
		inet_sock_pair(isk, &p);
		dport = isk->dport;
	}
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (isk->shutdown & SEND_SHUTDOWN)
		return -EPIPE;
	rc = udp_route(isk, &p, oif, &rt);
	if (rc < 0)
		return rc;
	skb = skb_from_uio(m->data, (u32)len, MAX_HEADER + sizeof(*uh));
	if (IS_ERR(skb))
		return PTR_ERR(skb);
	uh = (struct udphdr_k *)skb_push(skb, sizeof(*uh));
	uh->source = isk->sport;
	uh->dest = dport;
	uh->len = htons((u16)skb->len);
	uh->check = 0;
	if (!(rt.dev->flags & IFF_LOOPBACK) || p.v6) {
		uh->check = inet_pair_csum(&p, IPPROTO_UDP, skb->data, skb->len);
		if (!uh->check)
			uh->check = 0xffff;
	}
	inet_ip_opts(isk, &o);
	if (p.v6 && in6_multicast(&p.daddr6))
		o.ttl = (u8)(isk->mc_hops > 0 ? isk->mc_hops : 1);
	rc = inet_pair_send(skb, &p, IPPROTO_UDP, &o, &rt);
	return rc < 0 ? rc : (long)len;
}

long put_cmsg(struct kmsg *m, int level, int type, const void *data, size_t len);

static void udp_meta(struct inet_sock *isk, struct sk_buff *skb, struct kmsg *m)
{
	struct inet_pair p = { .v6 = skb->cb.addr.v6, .saddr = skb->cb.addr.saddr };

	memcpy(&p.saddr6, skb->cb.addr.saddr6, 16);
	inet_msg_name_pair(isk, m, &p, skb->cb.addr.sport, skb->iif);
	if (isk->pktinfo6 && isk->family == AF_INET6) {
		struct in6_pktinfo pi = { .ipi6_ifindex = skb->iif };

		if (skb->cb.addr.v6)
			memcpy(&pi.ipi6_addr, skb->cb.addr.daddr6, 16);
		else
			in6_set_v4mapped(&pi.ipi6_addr, skb->cb.addr.daddr);
		put_cmsg(m, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	}
	if (isk->pktinfo && !skb->cb.addr.v6) {
		struct in_pktinfo pi = { .ipi_ifindex = skb->iif };

		pi.ipi_spec_dst.s_addr = skb->cb.addr.daddr;
		pi.ipi_addr.s_addr = skb->cb.addr.daddr;
		put_cmsg(m, SOL_IP, IP_PKTINFO, &pi, sizeof(pi));
	}
}

static long udp_recvmsg(struct socket *s, struct kmsg *m, size_t len, int flags)
{
	return inet_dgram_recvmsg(s, m, len, flags, udp_meta);
}

static const struct proto_ops udp_ops = {
	.release = inet_sock_release,
	.bind = inet_bind,
	.connect = udp_connect,
	.listen = sock_no_listen,
	.accept = sock_no_accept,
	.getname = inet_getname,
	.sendmsg = udp_sendmsg,
	.recvmsg = udp_recvmsg,
	.poll = inet_dgram_poll,
	.shutdown = inet_dgram_shutdown,
	.setsockopt = inet_setsockopt,
	.getsockopt = inet_getsockopt,
	.ioctl = inet_dgram_ioctl,
};

/* /proc/net/udp and /proc/net/raw share the format. */
int inet_dgram_proc(char *buf, size_t len, struct list_head *table, int st, int family)
{
	struct inet_sock *isk;
	size_t pos = 0;
	int i = 0;

	if (family == AF_INET)
		pos += (size_t)scnprintf(buf, len, "%5s  %-13s %-13s %-2s %-17s %-11s %-8s %5s %8s %-5s %s\n",
					 "sl", "local_address", "rem_address", "st", "tx_queue rx_queue",
					 "tr tm->when", "retrnsmt", "uid", "timeout", "inode", "ref pointer drops");
	else
		pos += (size_t)scnprintf(buf, len, "%s\n",
					 "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops");
	list_for_each_entry(isk, table, bind_node) {
		u16 lp = isk->type == SOCK_RAW ? (u16)isk->protocol : ntohs(isk->sport);

		if (isk->family != family)
			continue;
		pos += (size_t)scnprintf(buf + pos, len - pos, "%5d: ", i++);
		pos += inet_proc_addr(buf + pos, len - pos, isk, isk->rcv_saddr, &isk->rcv_saddr6, lp);
		pos += (size_t)scnprintf(buf + pos, len - pos, " ");
		pos += inet_proc_addr(buf + pos, len - pos, isk, isk->daddr, &isk->daddr6, ntohs(isk->dport));
		pos += (size_t)scnprintf(buf + pos, len - pos,
					 " %02X %08X:%08X 00:00000000 00000000 %5u %8d %llu 2 0000000000000000 %llu\n",
					 isk->connected ? 1 : st, 0, (u32)isk->rxq.bytes, isk->uid, 0,
					 isk->sock ? sock_ino(isk->sock) : 0, isk->drops);
	}
	return (int)pos;
}

int udp_proc(char *buf, size_t len)
{
	return inet_dgram_proc(buf, len, &udp_table, 7, AF_INET);
}

int udp6_proc(char *buf, size_t len)
{
	return inet_dgram_proc(buf, len, &udp_table, 7, AF_INET6);
}

int icmp_err_to_errno(int type, int code, bool *hard)
{
	*hard = true;
	if (type == ICMP_TIME_EXCEEDED) {
		*hard = false;
		return EHOSTUNREACH;
	}
	switch (code) {
	case ICMP_NET_UNREACH: return ENETUNREACH;
	case ICMP_HOST_UNREACH: return EHOSTUNREACH;
	case ICMP_PROT_UNREACH: return ENOPROTOOPT;
	case ICMP_PORT_UNREACH: return ECONNREFUSED;
	case ICMP_FRAG_NEEDED: *hard = false; return EMSGSIZE;
	default: return EHOSTUNREACH;
	}
}
