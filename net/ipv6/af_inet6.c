/*
 * AF_INET6 sockets, and what lets UDP and TCP carry either family.
 *
 * An AF_INET6 socket is a UDP, TCP or raw socket of net/ipv4/ whose
 * family is AF_INET6. Unless IPV6_V6ONLY is set (or it is bound to an
 * IPv6 address), it also talks IPv4, to v4-mapped peers (::ffff:a.b.c.d):
 * such a connection is an IPv4 one on the wire (its isk->ipv6 is false
 * and its IPv4 addresses count), and the socket only shows it in IPv6
 * form. Linux does the same, so a server listening on [::] also answers
 * IPv4 clients.
 *
 * struct inet_pair carries a packet's or a connection's two addresses of
 * either family; the helpers below route, checksum and send by it.
 */
#include <asm/ioctls.h>

#include "inet.h"
#include "ipv6.h"
#include "kerrno.h"
#include "kstring.h"

void inet_pair_of_skb(const struct sk_buff *skb, struct inet_pair *p)
{
	memset(p, 0, sizeof(*p));
	if (skb->protocol == ETH_P_IPV6) {
		const struct ipv6hdr_k *h = (const struct ipv6hdr_k *)skb_network_header(skb);

		p->v6 = true;
		p->saddr6 = h->saddr;
		p->daddr6 = h->daddr;
	} else {
		const struct iphdr_k *h = (const struct iphdr_k *)skb_network_header(skb);

		p->saddr = h->saddr;
		p->daddr = h->daddr;
	}
}

void inet_pair_reply(const struct sk_buff *skb, struct inet_pair *p)
{
	struct inet_pair in;

	inet_pair_of_skb(skb, &in);
	*p = in;
	p->saddr = in.daddr;
	p->daddr = in.saddr;
	p->saddr6 = in.daddr6;
	p->daddr6 = in.saddr6;
}

u16 inet_pair_csum(const struct inet_pair *p, int proto, const void *data, u32 len)
{
	if (p->v6)
		return ip6_csum(&p->saddr6, &p->daddr6, proto, data, len);
	return inet_csum(p->saddr, p->daddr, proto, data, len);
}

int inet_pair_route(const struct inet_pair *p, int oif, struct rt_result *rt)
{
	int rc;

	if (!p->v6) {
		rt->v6 = false;
		return ip_route_output(p->daddr, oif, rt);
	}
	memset(rt, 0, sizeof(*rt));
	rc = ip6_route_output(&p->daddr6, oif, &rt->r6);
	if (rc < 0)
		return rc;
	rt->v6 = true;
	rt->dev = rt->r6.dev;
	rt->type = rt->r6.local		       ? RTN_LOCAL
		   : in6_multicast(&p->daddr6) ? RTN_MULTICAST
					       : RTN_UNICAST;
	return 0;
}

int inet_pair_send(struct sk_buff *skb, const struct inet_pair *p, int proto,
		   const struct ip_opts *o, const struct rt_result *rt)
{
	if (p->v6) {
		struct ip6_opts o6 = {.hop_limit = o->ttl, .tclass = o->tos};

		return ip6_send(skb, &p->saddr6, &p->daddr6, proto, &o6, &rt->r6);
	}
	return ip_send(skb, p->saddr, p->daddr, proto, o, rt);
}

/* --- sockets --- */

bool inet_sk_v4ok(const struct inet_sock *isk)
{
	if (isk->family == AF_INET)
		return true;
	return !isk->v6only && !isk->ipv6 &&
	       (in6_any(&isk->rcv_saddr6) || in6_v4mapped(&isk->rcv_saddr6));
}

bool inet_sk_v6ok(const struct inet_sock *isk)
{
	if (isk->family != AF_INET6)
		return false;
	return isk->ipv6 || (in6_any(&isk->rcv_saddr6) && in6_any(&isk->daddr6));
}

void inet6_sync_mapped(struct inet_sock *isk)
{
	if (isk->family != AF_INET6 || isk->ipv6)
		return;
	memset(&isk->rcv_saddr6, 0, sizeof(isk->rcv_saddr6));
	memset(&isk->saddr6, 0, sizeof(isk->saddr6));
	memset(&isk->daddr6, 0, sizeof(isk->daddr6));
	if (isk->rcv_saddr)
		in6_set_v4mapped(&isk->rcv_saddr6, isk->rcv_saddr);
	if (isk->saddr)
		in6_set_v4mapped(&isk->saddr6, isk->saddr);
	if (isk->daddr)
		in6_set_v4mapped(&isk->daddr6, isk->daddr);
}

void inet_sock_pair(const struct inet_sock *isk, struct inet_pair *p)
{
	memset(p, 0, sizeof(*p));
	p->v6 = isk->ipv6;
	p->saddr = isk->saddr;
	p->daddr = isk->daddr;
	p->saddr6 = isk->saddr6;
	p->daddr6 = isk->daddr6;
}

void inet_set_peer(struct inet_sock *isk, const struct inet_pair *p, u16 port)
{
	isk->dport = port;
	if (p->v6) {
		isk->ipv6 = true;
		isk->saddr6 = p->saddr6;
		if (in6_any(&isk->rcv_saddr6))
			isk->rcv_saddr6 = p->saddr6;
		isk->daddr6 = p->daddr6;
		return;
	}
	isk->ipv6 = false;
	isk->saddr = p->saddr;
	if (!isk->rcv_saddr)
		isk->rcv_saddr = p->saddr;
	isk->daddr = p->daddr;
	inet6_sync_mapped(isk);
}

void inet_clear_peer(struct inet_sock *isk)
{
	isk->daddr = 0;
	isk->dport = 0;
	memset(&isk->daddr6, 0, sizeof(isk->daddr6));
	if (!isk->addr_locked) {
		isk->rcv_saddr = isk->saddr = 0;
		memset(&isk->rcv_saddr6, 0, sizeof(isk->rcv_saddr6));
		memset(&isk->saddr6, 0, sizeof(isk->saddr6));
		isk->ipv6 = false;
	}
	inet6_sync_mapped(isk);
}

long inet6_sockaddr_parse(const u8 *addr, u32 len, struct sockaddr_in6 *sin6)
{
	if (len < SIN6_LEN_RFC2133)
		return -EINVAL;
	memset(sin6, 0, sizeof(*sin6));
	memcpy(sin6, addr, MIN(len, (u32)sizeof(*sin6)));
	if (sin6->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (len < sizeof(*sin6))
		sin6->sin6_scope_id = 0;
	return 0;
}

long inet_peer_parse(struct inet_sock *isk, const u8 *addr, u32 len, struct inet_pair *p, u16 *port,
		     int *oif)
{
	struct sockaddr_in6 sin6;
	long rc;

	memset(p, 0, sizeof(*p));
	*oif = isk->bound_dev_if;
	if (isk->family == AF_INET)
		return inet_addr_parse(addr, len, &p->daddr, port, true);
	rc = inet6_sockaddr_parse(addr, len, &sin6);

	if (rc < 0)
		return rc;
	*port = sin6.sin6_port;
	if (in6_v4mapped(&sin6.sin6_addr)) {
		if (isk->v6only || (isk->ipv6 && !in6_any(&isk->rcv_saddr6)))
			return -ENETUNREACH;
		p->daddr = sin6.sin6_addr.s6_addr32[3];
		return 0;
	}
	if (in6_v4mapped(&isk->rcv_saddr6))
		return -ENETUNREACH; /* bound to an IPv4 address */
	p->v6 = true;
	p->daddr6 = sin6.sin6_addr;
	if (in6_any(&p->daddr6))
		p->daddr6.s6_addr[15] = 1; /* :: means this host: ::1 */
	if (in6_needs_scope(&p->daddr6) && sin6.sin6_scope_id) {
		if (isk->bound_dev_if && (int)sin6.sin6_scope_id != isk->bound_dev_if)
			return -EINVAL;
		if (!dev_get_by_index((int)sin6.sin6_scope_id))
			return -ENODEV;
		*oif = (int)sin6.sin6_scope_id;
	}
	if (in6_linklocal(&p->daddr6) && !*oif)
		return -EINVAL;
	return 0;
}

long inet_route_peer(struct inet_sock *isk, struct inet_pair *p, int oif, struct rt_result *rt)
{
	long rc;

	if (!p->v6) {
		if (p->daddr == 0)
			p->daddr = INADDR_LOOPBACK_N;
		rc = inet_pick_source(isk, p->daddr, rt);
		if (rc < 0)
			return rc;
		rt->v6 = false;
		p->saddr = rt->src;
		return 0;
	}
	rc = inet_pair_route(p, oif, rt);
	if (rc < 0)
		return rc;
	p->saddr6 = !in6_any(&isk->rcv_saddr6) ? isk->rcv_saddr6 : rt->r6.src;
	if (in6_any(&p->saddr6))
		return -EADDRNOTAVAIL; /* no address to send from */
	return 0;
}

void inet6_fill_sockaddr(u8 *addr, u32 *len, const struct in6_addr *a, u16 port, int ifindex)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = port;
	sin6.sin6_addr = *a;
	if (in6_needs_scope(a))
		sin6.sin6_scope_id = (u32)ifindex;
	memcpy(addr, &sin6, sizeof(sin6));
	*len = sizeof(sin6);
}

void inet_msg_name_pair(const struct inet_sock *isk, struct kmsg *m, const struct inet_pair *p,
			u16 port, int ifindex)
{
	struct in6_addr a;

	if (isk->family == AF_INET) {
		inet_fill_sockaddr(m->name, &m->namelen, p->saddr, port);
		return;
	}
	if (p->v6)
		a = p->saddr6;
	else
		in6_set_v4mapped(&a, p->saddr);
	inet6_fill_sockaddr(m->name, &m->namelen, &a, port, ifindex);
}

long inet6_create(struct socket *s)
{
	long rc;

	switch (s->type) {
	case SOCK_STREAM:
		if (s->protocol && s->protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		s->protocol = IPPROTO_TCP;
		rc = tcp_create(s, IPPROTO_TCP);
		break;
	case SOCK_DGRAM:
		if (s->protocol == IPPROTO_ICMPV6)
			return -EACCES; /* ping sockets: ping_group_range is "1 0" */
		if (s->protocol && s->protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		s->protocol = IPPROTO_UDP;
		rc = udp_create(s, IPPROTO_UDP);
		break;
	case SOCK_RAW:
		if (current->euid != 0)
			return -EPERM;
		if (s->protocol <= 0 || s->protocol > 255)
			return -EPROTONOSUPPORT;
		return raw6_create(s, s->protocol);
	default:
		return -ESOCKTNOSUPPORT;
	}
	return rc;
}

/* --- options (level SOL_IPV6) --- */

static int int_val(const void *val, u32 len, int *out)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

long inet6_setsockopt(struct socket *s, int name, const void *val, u32 len)
{
	struct inet_sock *isk = inet_sk(s);
	int v;

	if (int_val(val, len, &v) < 0)
		return -EINVAL;
	switch (name) {
	case IPV6_V6ONLY:
		if (isk->num)
			return -EINVAL; /* only before bind */
		isk->v6only = v != 0;
		return 0;
	case IPV6_UNICAST_HOPS:
		if (v < -1 || v > 255)
			return -EINVAL;
		isk->ttl = v == -1 ? 0 : (u8)v;
		return 0;
	case IPV6_MULTICAST_HOPS:
		if (v < -1 || v > 255)
			return -EINVAL;
		isk->mc_hops = v;
		return 0;
	case IPV6_TCLASS:
		if (v < -1 || v > 255)
			return -EINVAL;
		isk->tos = v == -1 ? 0 : (u8)v;
		return 0;
	case IPV6_RECVPKTINFO:
		isk->pktinfo6 = v != 0;
		return 0;
	case IPV6_RECVHOPLIMIT:
		isk->hoplimit6 = v ? IPV6_HOPLIMIT : 0;
		return 0;
	case IPV6_2292HOPLIMIT:
		isk->hoplimit6 = v ? IPV6_2292HOPLIMIT : 0;
		return 0;
	case IPV6_MTU_DISCOVER:
		return v < 0 || v > 5 ? -EINVAL : 0;
	case IPV6_MULTICAST_LOOP:
		return v < -1 || v > 1 ? -EINVAL : 0;
	}
	return -ENOPROTOOPT;
}

long inet6_getsockopt(struct socket *s, int name, void *val, u32 *len)
{
	struct inet_sock *isk = inet_sk(s);
	int v;

	switch (name) {
	case IPV6_V6ONLY:
		v = isk->v6only;
		break;
	case IPV6_UNICAST_HOPS:
		v = isk->ttl ? isk->ttl : IPV6_DEFHOPS;
		break;
	case IPV6_MULTICAST_HOPS:
		v = isk->mc_hops > 0 ? isk->mc_hops : 1;
		break;
	case IPV6_TCLASS:
		v = isk->tos;
		break;
	case IPV6_RECVPKTINFO:
		v = isk->pktinfo6;
		break;
	case IPV6_RECVHOPLIMIT:
		v = isk->hoplimit6 == IPV6_HOPLIMIT;
		break;
	case IPV6_2292HOPLIMIT:
		v = isk->hoplimit6 == IPV6_2292HOPLIMIT;
		break;
	default:
		return -ENOPROTOOPT;
	}
	if (*len < sizeof(int))
		return -EINVAL;
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}
