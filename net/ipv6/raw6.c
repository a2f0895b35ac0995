/*
 * Raw IPv6 sockets (root only): each receives a copy of every packet of
 * its protocol addressed to this host, without the IPv6 header (unlike
 * IPv4's raw sockets); ICMPv6 sockets filter message types (ICMP6_FILTER,
 * a set bit blocks a type). Sending puts the header on. The kernel fills
 * in the checksum at IPV6_CHECKSUM's offset: always at 2 for ICMPv6.
 * The received packet's hop limit and destination come as control
 * messages when IPV6_RECVHOPLIMIT and IPV6_RECVPKTINFO ask for them.
 */
#include "inet.h"
#include "ipv6.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"

#define SOL_RAW 255

LIST_HEAD(raw6_table);
static const struct proto_ops raw6_ops;

long raw6_create(struct socket *s, int proto)
{
	struct inet_sock *isk = inet_sock_alloc(s, sizeof(*isk), SOCK_RAW, proto);

	if (!isk)
		return -ENOMEM;
	isk->table = &raw6_table;
	isk->csum_off = proto == IPPROTO_ICMPV6 ? 2 : -1;
	isk->num = (u16)proto;
	list_add_tail(&isk->bind_node, &raw6_table);
	s->ops = &raw6_ops;
	return 0;
}

bool raw6_deliver(struct sk_buff *skb, int proto)
{
	struct ipv6hdr_k *h = (struct ipv6hdr_k *)skb_network_header(skb);
	struct inet_sock *isk;
	bool any = false;

	list_for_each_entry(isk, &raw6_table, bind_node)
	{
		struct sk_buff *c;

		if (isk->protocol != proto ||
		    (!in6_any(&isk->rcv_saddr6) && !in6_eq(&isk->rcv_saddr6, &h->daddr)) ||
		    (!in6_any(&isk->daddr6) && !in6_eq(&isk->daddr6, &h->saddr)) ||
		    (isk->bound_dev_if && isk->bound_dev_if != skb->dev->ifindex))
			continue;
		any = true;
		if (proto == IPPROTO_ICMPV6 && skb->len >= 1 &&
		    (isk->icmp6_filter[skb->data[0] >> 5] & (1u << (skb->data[0] & 31))))
			continue;
		if (isk->rxq.bytes + skb->len > (u64)isk->rcvbuf) {
			isk->drops++;
			continue;
		}
		c = alloc_skb(skb->len, MAX_HEADER);
		if (!c)
			continue;
		memcpy(skb_put(c, skb->len), skb->data, skb->len);
		c->iif = skb->iif;
		c->cb.addr.v6 = true;
		c->cb.addr.hop_limit = h->hop_limit;
		memcpy(c->cb.addr.saddr6, &h->saddr, 16);
		memcpy(c->cb.addr.daddr6, &h->daddr, 16);
		skb_queue_tail(&isk->rxq, c);
		wake_up_poll(&isk->wq, POLLIN);
	}
	return any;
}

static long raw6_bind(struct socket *s, const u8 *addr, u32 len)
{
	struct inet_sock *isk = inet_sk(s);
	struct sockaddr_in6 sin6;
	long rc = inet6_sockaddr_parse(addr, len, &sin6);

	if (rc < 0)
		return rc == -EAFNOSUPPORT ? -EINVAL : rc;
	if (in6_v4mapped(&sin6.sin6_addr))
		return -EADDRNOTAVAIL;
	if (!in6_any(&sin6.sin6_addr) && !ipv6_chk_addr(&sin6.sin6_addr, NULL) &&
	    !in6_loopback(&sin6.sin6_addr))
		return -EADDRNOTAVAIL;
	if (in6_linklocal(&sin6.sin6_addr)) {
		if (!sin6.sin6_scope_id && !isk->bound_dev_if)
			return -EINVAL;
		if (sin6.sin6_scope_id)
			isk->bound_dev_if = (int)sin6.sin6_scope_id;
	}
	isk->rcv_saddr6 = isk->saddr6 = sin6.sin6_addr;
	isk->ipv6 = true;
	return 0;
}

static long raw6_connect(struct socket *s, const u8 *addr, u32 len)
{
	struct inet_sock *isk = inet_sk(s);
	struct inet_pair p;
	u16 port;
	int oif;
	long rc = inet_peer_parse(isk, addr, len, &p, &port, &oif);

	if (rc < 0)
		return rc;
	if (!p.v6)
		return -EAFNOSUPPORT;
	isk->daddr6 = p.daddr6;
	isk->bound_dev_if = oif;
	isk->connected = true;
	return 0;
}

static long raw6_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct inet_sock *isk = inet_sk(s);
	size_t len = m->data->resid;
	struct ip6_opts o = {.tclass = isk->tos};
	struct sk_buff *skb;
	struct rt_result rt;
	struct inet_pair p;
	int oif = isk->bound_dev_if;
	u16 port;
	long rc;

	if (m->namelen) {
		rc = inet_peer_parse(isk, m->name, m->namelen, &p, &port, &oif);
		if (rc < 0)
			return rc;
		if (!p.v6)
			return -EINVAL;
	} else if (isk->connected) {
		memset(&p, 0, sizeof(p));
		p.v6 = true;
		p.daddr6 = isk->daddr6;
	} else {
		return -EDESTADDRREQ;
	}
	if (len > 0xffff)
		return -EMSGSIZE;
	rc = inet_route_peer(isk, &p, oif, &rt);
	if (rc < 0)
		return rc;
	skb = skb_from_uio(m->data, (u32)len, MAX_HEADER);
	if (IS_ERR(skb))
		return PTR_ERR(skb);
	if (isk->csum_off >= 0) {
		u16 sum;

		if ((size_t)isk->csum_off + 2 > len) {
			kfree_skb(skb);
			return -EINVAL;
		}
		memset(skb->data + isk->csum_off, 0, 2);
		sum = ip6_csum(&p.saddr6, &p.daddr6, isk->protocol, skb->data, skb->len);
		if (!sum && isk->protocol == IPPROTO_UDP)
			sum = 0xffff;
		memcpy(skb->data + isk->csum_off, &sum, 2);
	}
	o.hop_limit = in6_multicast(&p.daddr6) ? (isk->mc_hops > 0 ? isk->mc_hops : 1) : isk->ttl;
	rc = ip6_send(skb, &p.saddr6, &p.daddr6, isk->protocol, &o, &rt.r6);
	return rc < 0 ? rc : (long)len;
}

long put_cmsg(struct kmsg *m, int level, int type, const void *data, size_t len);

static void raw6_meta(struct inet_sock *isk, struct sk_buff *skb, struct kmsg *m)
{
	struct inet_pair p;

	memset(&p, 0, sizeof(p));
	p.v6 = true;
	memcpy(&p.saddr6, skb->cb.addr.saddr6, 16);
	inet_msg_name_pair(isk, m, &p, 0, skb->iif);
	if (isk->pktinfo6) {
		struct in6_pktinfo pi = {.ipi6_ifindex = skb->iif};

		memcpy(&pi.ipi6_addr, skb->cb.addr.daddr6, 16);
		put_cmsg(m, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	}
	if (isk->hoplimit6) {
		int hl = skb->cb.addr.hop_limit;

		put_cmsg(m, SOL_IPV6, isk->hoplimit6, &hl, sizeof(hl));
	}
}

static long raw6_recvmsg(struct socket *s, struct kmsg *m, size_t len, int flags)
{
	return inet_dgram_recvmsg(s, m, len, flags, raw6_meta);
}

static long raw6_setsockopt(struct socket *s, int level, int name, const void *val, u32 len)
{
	struct inet_sock *isk = inet_sk(s);
	int v;

	if (level == SOL_ICMPV6) {
		if (isk->protocol != IPPROTO_ICMPV6)
			return -EOPNOTSUPP;
		if (name != ICMP6_FILTER)
			return -ENOPROTOOPT;
		memset(isk->icmp6_filter, 0, sizeof(isk->icmp6_filter));
		memcpy(isk->icmp6_filter, val, MIN(len, (u32)sizeof(isk->icmp6_filter)));
		return 0;
	}
	if ((level == SOL_RAW || level == SOL_IPV6) && name == IPV6_CHECKSUM) {
		/* At level IPv6 ICMPv6's is not the caller's to change. */
		if (level == SOL_IPV6 && isk->protocol == IPPROTO_ICMPV6)
			return -EINVAL;
		if (len < sizeof(int))
			return -EINVAL;
		memcpy(&v, val, sizeof(v));
		if (v > 0 && (v & 1))
			return -EINVAL;
		isk->csum_off = v < 0 ? -1 : v;
		return 0;
	}
	if (level == SOL_RAW)
		return -ENOPROTOOPT;
	return inet_setsockopt(s, level, name, val, len);
}

static long raw6_getsockopt(struct socket *s, int level, int name, void *val, u32 *len)
{
	struct inet_sock *isk = inet_sk(s);

	if (level == SOL_ICMPV6) {
		if (isk->protocol != IPPROTO_ICMPV6)
			return -EOPNOTSUPP;
		if (name != ICMP6_FILTER)
			return -ENOPROTOOPT;
		*len = MIN(*len, (u32)sizeof(isk->icmp6_filter));
		memcpy(val, isk->icmp6_filter, *len);
		return 0;
	}
	if ((level == SOL_RAW || level == SOL_IPV6) && name == IPV6_CHECKSUM) {
		if (*len < sizeof(int))
			return level == SOL_RAW ? -ENOPROTOOPT : -EINVAL;
		memcpy(val, &isk->csum_off, sizeof(int));
		*len = sizeof(int);
		return 0;
	}
	if (level == SOL_RAW)
		return -ENOPROTOOPT;
	return inet_getsockopt(s, level, name, val, len);
}

static const struct proto_ops raw6_ops = {
	.release = raw_release,
	.bind = raw6_bind,
	.connect = raw6_connect,
	.listen = sock_no_listen,
	.accept = sock_no_accept,
	.getname = inet_getname,
	.sendmsg = raw6_sendmsg,
	.recvmsg = raw6_recvmsg,
	.poll = inet_dgram_poll,
	.shutdown = inet_dgram_shutdown,
	.setsockopt = raw6_setsockopt,
	.getsockopt = raw6_getsockopt,
	.ioctl = inet_dgram_ioctl,
};

int raw6_proc(char *buf, size_t len)
{
	return inet_dgram_proc(buf, len, &raw6_table, 7, AF_INET6);
}
