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

/* How well isk matches a datagram; -1: not at all. */
static int match(const struct inet_sock *isk, u32 saddr, u16 sport, u32 daddr, u16 dport,
		 int ifindex, bool bcast)
{
	int score = 0;

	if (isk->sport != dport)
		return -1;
	if (isk->rcv_saddr) {
		if (isk->rcv_saddr != daddr && !bcast)
			return -1;
		score += 4;
	}
	if (isk->daddr) {
		if (isk->daddr != saddr)
			return -1;
		score += 4;
	}
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
	struct iphdr_k *iph = (struct iphdr_k *)skb_network_header(skb);
	struct udphdr_k *uh = (struct udphdr_k *)skb->data;
	bool bcast = skb->pkt_type == PACKET_BROADCAST || skb->pkt_type == PACKET_MULTICAST;
	struct inet_sock *isk, *best = NULL;
	int bestscore = -1;
	u32 ulen;

	if (skb->len < sizeof(*uh))
		goto drop;
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > skb->len)
		goto drop;
	skb_trim(skb, ulen);
	if (uh->check && skb->ip_summed != CHECKSUM_UNNECESSARY &&
	    inet_csum(iph->saddr, iph->daddr, IPPROTO_UDP, skb->data, ulen) != 0)
		goto drop;
	skb->cb.addr.saddr = iph->saddr;
	skb->cb.addr.daddr = iph->daddr;
	skb->cb.addr.sport = uh->source;
	skb->cb.addr.dport = uh->dest;
	if (bcast) {
		/* A copy for every socket that matches, the last gets skb. */
		struct inet_sock *prev = NULL;

		list_for_each_entry(isk, &udp_table, bind_node) {
			if (match(isk, iph->saddr, uh->source, iph->daddr, uh->dest, skb->dev->ifindex,
				  true) < 0)
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
		int sc = match(isk, iph->saddr, uh->source, iph->daddr, uh->dest, skb->dev->ifindex, false);

		if (sc > bestscore) {
			bestscore = sc;
			best = isk;
		}
	}
	if (!best) {
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

void udp_err(const struct iphdr_k *iph, const u8 *th, int type, int code)
{
	const struct udphdr_k *uh = (const struct udphdr_k *)th;
	struct inet_sock *isk;
	bool hard;
	int err = icmp_err_to_errno(type, code, &hard);

	list_for_each_entry(isk, &udp_table, bind_node) {
		if (isk->sport != uh->source || (isk->rcv_saddr && isk->rcv_saddr != iph->saddr))
			continue;
		if (isk->connected ? isk->daddr != iph->daddr || isk->dport != uh->dest : !isk->recverr)
			continue;
		if (!hard && !isk->recverr)
			continue;
		isk->err = err;
		wake_up_poll(&isk->wq, POLLIN | POLLOUT);
		return;
	}
}

/* Where a datagram to *daddr goes (connect and sendmsg alike): a
 * broadcast needs SO_BROADCAST, and an unbound socket gets a port. */
static long udp_route(struct inet_sock *isk, u32 *daddr, struct rt_result *rt)
{
	long rc = inet_route_peer(isk, daddr, rt);

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
	u32 ip;
	u16 port;
	long rc;

	if (len >= 2 && ((const struct sockaddr_in *)(const void *)addr)->sin_family == AF_UNSPEC) {
		/* Dissolve the association; what connect chose goes too. */
		isk->daddr = 0;
		isk->dport = 0;
		isk->connected = false;
		if (!isk->addr_locked)
			isk->rcv_saddr = isk->saddr = 0;
		if (!isk->port_locked)
			inet_unhash_port(isk);
		return 0;
	}
	rc = inet_addr_parse(addr, len, &ip, &port, false);
	if (rc < 0)
		return rc;
	rc = udp_route(isk, &ip, &rt);
	if (rc < 0)
		return rc;
	if (!isk->saddr)
		isk->saddr = rt.src;
	if (!isk->rcv_saddr)
		isk->rcv_saddr = isk->saddr;
	isk->daddr = ip;
	isk->dport = port;
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
	u32 daddr;
	u16 dport;
	long rc;
	int err = inet_sock_error(isk);

	if (err)
		return -err;
	if (m->namelen) {
		struct sockaddr_in *sin = (struct sockaddr_in *)(void *)m->name;

		if (m->namelen < sizeof(*sin))
			return -EINVAL;
		if (sin->sin_family != AF_INET && sin->sin_family != AF_UNSPEC)
			return -EAFNOSUPPORT;
		daddr = sin->sin_addr.s_addr;
		dport = sin->sin_port;
		if (!dport)
			return -EINVAL;
	} else {
		if (!isk->connected)
			return -EDESTADDRREQ;
		daddr = isk->daddr;
		dport = isk->dport;
	}
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (isk->shutdown & SEND_SHUTDOWN)
		return -EPIPE;
	rc = udp_route(isk, &daddr, &rt);
	if (rc < 0)
		return rc;
	skb = alloc_skb((u32)(sizeof(*uh) + len), MAX_HEADER);
	if (!skb)
		return -ENOBUFS;
	uh = (struct udphdr_k *)skb_put(skb, sizeof(*uh));
	if (uio_copy_from(m->data, skb_put(skb, (u32)len), len) != (long)len) {
		kfree_skb(skb);
		return -EFAULT;
	}
	uh->source = isk->sport;
	uh->dest = dport;
	uh->len = htons((u16)skb->len);
	uh->check = 0;
	if (!(rt.dev->flags & IFF_LOOPBACK)) {
		uh->check = inet_csum(rt.src, daddr, IPPROTO_UDP, skb->data, skb->len);
		if (!uh->check)
			uh->check = 0xffff;
	}
	inet_ip_opts(isk, &o);
	rc = ip_send(skb, rt.src, daddr, IPPROTO_UDP, &o, &rt);
	return rc < 0 ? rc : (long)len;
}

long put_cmsg(struct kmsg *m, int level, int type, const void *data, size_t len);

static long udp_recvmsg(struct socket *s, struct kmsg *m, size_t len, int flags)
{
	struct inet_sock *isk = inet_sk(s);
	struct sk_buff *skb;
	long rc = inet_lock(isk, &isk->reader);

	if (rc < 0)
		return rc;
	skb = inet_dgram_wait(s, flags, &rc);
	if (!skb)
		goto out;
	rc = inet_dgram_copy(isk, skb, m, len, flags);
	if (rc < 0)
		goto out;
	inet_msg_name(m, skb->cb.addr.saddr, skb->cb.addr.sport);
	if (isk->pktinfo) {
		struct in_pktinfo pi = { .ipi_ifindex = skb->iif };

		pi.ipi_spec_dst.s_addr = skb->cb.addr.daddr;
		pi.ipi_addr.s_addr = skb->cb.addr.daddr;
		put_cmsg(m, SOL_IP, IP_PKTINFO, &pi, sizeof(pi));
	}
	inet_dgram_consume(isk, skb, flags);
out:
	inet_unlock(isk, &isk->reader);
	return rc;
}

static unsigned udp_poll(struct socket *s, struct poll_table *pt)
{
	struct inet_sock *isk = inet_sk(s);
	unsigned mask = POLLOUT | POLLWRNORM | POLLWRBAND;

	poll_wait(pt, &isk->wq);
	if (isk->err)
		mask |= POLLERR;
	if (isk->shutdown & RCV_SHUTDOWN)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (isk->shutdown == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (isk->rxq.qlen)
		mask |= POLLIN | POLLRDNORM;
	return mask;
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
	.poll = udp_poll,
	.shutdown = inet_dgram_shutdown,
	.setsockopt = inet_setsockopt,
	.getsockopt = inet_getsockopt,
	.ioctl = inet_dgram_ioctl,
};

/* /proc/net/udp and /proc/net/raw share the format. */
int inet_dgram_proc(char *buf, size_t len, struct list_head *table, int st)
{
	struct inet_sock *isk;
	size_t pos = 0;
	int i = 0;

	pos += (size_t)scnprintf(buf, len, "%5s  %-13s %-13s %-2s %-17s %-11s %-8s %5s %8s %-5s %s\n",
				 "sl", "local_address", "rem_address", "st", "tx_queue rx_queue",
				 "tr tm->when", "retrnsmt", "uid", "timeout", "inode", "ref pointer drops");
	list_for_each_entry(isk, table, bind_node) {
		u16 lp = isk->type == SOCK_RAW ? (u16)isk->protocol : ntohs(isk->sport);

		pos += (size_t)scnprintf(buf + pos, len - pos,
					 "%5d: %08X:%04X %08X:%04X %02X %08X:%08X 00:00000000 00000000 %5u %8d %llu 2 0000000000000000 %llu\n",
					 i++, isk->rcv_saddr, lp, isk->daddr, ntohs(isk->dport),
					 isk->connected ? 1 : st, 0, (u32)isk->rxq.bytes, isk->uid, 0,
					 isk->sock ? sock_ino(isk->sock) : 0, isk->drops);
	}
	return (int)pos;
}

int udp_proc(char *buf, size_t len)
{
	return inet_dgram_proc(buf, len, &udp_table, 7);
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
