/*
 * AF_INET sockets: creation by type and protocol, and what TCP, UDP and
 * raw sockets share: addresses, local ports, names and the IP-level
 * options. A local port is unique per protocol unless the rules of
 * SO_REUSEADDR and SO_REUSEPORT allow sharing it (inet_get_port).
 */
#include <asm/ioctls.h>
#include <linux/sockios.h>
#include <linux/tcp.h>

#include "host.h"
#include "inet.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"

#define EPHEMERAL_LOW 32768 /* /proc/sys/net/ipv4/ip_local_port_range */
#define EPHEMERAL_HIGH 60999
#define PROT_SOCK 1024
#define TCP_LISTEN_STATE 10
#define TCP_TIME_WAIT_STATE 6

LIST_HEAD(udp_table);
LIST_HEAD(tcp_table);
LIST_HEAD(raw_table);

int inet_create(struct socket *s)
{
	switch (s->type) {
	case SOCK_STREAM:
		if (s->protocol && s->protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		s->protocol = IPPROTO_TCP;
		return (int)tcp_create(s, IPPROTO_TCP);
	case SOCK_DGRAM:
		if (s->protocol == IPPROTO_ICMP)
			return -EACCES; /* ping sockets: ping_group_range is "1 0" */
		if (s->protocol && s->protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		s->protocol = IPPROTO_UDP;
		return (int)udp_create(s, IPPROTO_UDP);
	case SOCK_RAW:
		if (current->euid != 0)
			return -EPERM;
		if (s->protocol <= 0 || s->protocol > 255)
			return -EPROTONOSUPPORT;
		return (int)raw_create(s, s->protocol);
	default:
		return -ESOCKTNOSUPPORT;
	}
}

struct inet_sock *inet_sock_alloc(struct socket *s, size_t size, int type, int proto)
{
	struct inet_sock *isk = kzalloc(size);

	if (!isk)
		return NULL;
	isk->refs = 1;
	isk->sock = s;
	isk->type = type;
	isk->protocol = proto;
	isk->family = (u8)s->family;
	isk->csum_off = -1;
	wq_init(&isk->wq);
	skb_queue_init(&isk->rxq);
	list_init(&isk->bind_node);
	isk->sndbuf = s->sndbuf;
	isk->rcvbuf = s->rcvbuf;
	isk->uid = (u32)current->euid;
	s->proto = isk;
	return isk;
}

long inet_lock(struct inet_sock *isk, struct task **owner)
{
	long rc = wait_event_interruptible(&isk->wq, !*owner, "inet_iolock");

	if (rc == 0)
		*owner = current;
	return rc;
}

void inet_unlock(struct inet_sock *isk, struct task **owner)
{
	if (*owner != current)
		return;
	*owner = NULL;
	wake_up(&isk->wq);
}

void inet_put(struct inet_sock *isk)
{
	if (--isk->refs > 0)
		return;
	inet_unhash_port(isk);
	skb_queue_purge(&isk->rxq);
	if (isk->destroy)
		isk->destroy(isk);
	kfree(isk);
}

void inet_sock_release(struct socket *s)
{
	struct inet_sock *isk = inet_sk(s);

	isk->sock = NULL;
	s->proto = NULL;
	inet_unhash_port(isk);
	wake_up(&isk->wq);
	inet_put(isk);
}

long inet_addr_parse(const u8 *addr, u32 len, u32 *ip, u16 *port, bool unspec_ok)
{
	struct sockaddr_in sin;

	if (len < sizeof(sin))
		return -EINVAL;
	memcpy(&sin, addr, sizeof(sin));
	if (sin.sin_family != AF_INET && !(sin.sin_family == AF_UNSPEC && unspec_ok))
		return -EAFNOSUPPORT;
	*ip = sin.sin_addr.s_addr;
	*port = sin.sin_port;
	return 0;
}

void inet_fill_sockaddr(u8 *addr, u32 *len, u32 ip, u16 port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = port;
	sin.sin_addr.s_addr = ip;
	memcpy(addr, &sin, sizeof(sin));
	*len = sizeof(sin);
}

void inet_msg_name(struct kmsg *m, u32 ip, u16 port)
{
	inet_fill_sockaddr(m->name, &m->namelen, ip, port);
}

/* Could isk and o receive packets for the same address? Each may take
 * IPv4 (an address or any), IPv6 (an address or any), or both. */
static bool addr_overlap(const struct inet_sock *isk, const struct inet_sock *o)
{
	bool v4 = inet_sk_v4ok(isk) && inet_sk_v4ok(o) &&
		  (!o->rcv_saddr || !isk->rcv_saddr || o->rcv_saddr == isk->rcv_saddr);
	bool v6 = inet_sk_v6ok(isk) && inet_sk_v6ok(o) &&
		  (in6_any(&o->rcv_saddr6) || in6_any(&isk->rcv_saddr6) ||
		   in6_eq(&o->rcv_saddr6, &isk->rcv_saddr6));

	return v4 || v6;
}

/* Does o keep isk from having port? */
static bool port_conflict(const struct inet_sock *isk, const struct inet_sock *o)
{
	if (!addr_overlap(isk, o))
		return false;
	if (o->bound_dev_if && isk->bound_dev_if && o->bound_dev_if != isk->bound_dev_if)
		return false;
	if (isk->reuseport && o->reuseport && isk->uid == o->uid)
		return false;
	if (isk->protocol == IPPROTO_TCP) {
		/* A connection waiting out TIME_WAIT does not hold its port
		 * against a socket that asks for reuse. */
		if (o->state == TCP_TIME_WAIT_STATE && isk->reuseaddr)
			return false;
		return !(isk->reuseaddr && o->reuseaddr && o->state != TCP_LISTEN_STATE &&
			 isk->state != TCP_LISTEN_STATE);
	}
	return !(isk->reuseaddr && o->reuseaddr);
}

static bool port_free(struct inet_sock *isk, u16 port)
{
	struct inet_sock *o;

	list_for_each_entry(o, isk->table, bind_node)
		if (o != isk && o->num == port && port_conflict(isk, o))
			return false;
	return true;
}

static bool port_used(struct list_head *table, u16 port)
{
	struct inet_sock *o;

	list_for_each_entry(o, table, bind_node)
		if (o->num == port)
			return true;
	return false;
}

long inet_get_port(struct inet_sock *isk, u16 port)
{
	static u32 hint;
	u32 range = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1, i;

	if (isk->num)
		return -EINVAL;
	if (port) {
		if (!port_free(isk, port))
			return -EADDRINUSE;
	} else {
		/* A port nobody uses if there is one, else one we may share. */
		bool found = false;
		int pass;

		if (!hint)
			host_getrandom(&hint, sizeof(hint));
		for (pass = 0; pass < 2 && !found; pass++)
			for (i = 0; i < range; i++) {
				u16 p = (u16)(EPHEMERAL_LOW + (hint + i) % range);

				if (pass == 0 ? !port_used(isk->table, p) : port_free(isk, p)) {
					port = p;
					hint += i + 1;
					found = true;
					break;
				}
			}
		if (!found)
			return -EADDRINUSE;
	}
	isk->num = port;
	isk->sport = htons(port);
	list_add_tail(&isk->bind_node, isk->table);
	return 0;
}

void inet_unhash_port(struct inet_sock *isk)
{
	if (!isk->num)
		return;
	list_del(&isk->bind_node);
	list_init(&isk->bind_node);
	isk->num = 0;
	isk->sport = 0;
}

/* bind() of an AF_INET6 socket to an IPv6 address of this host or ::.
 * A v4-mapped address is IPv4's business: 1, and *v4 is the address as a
 * sockaddr_in. */
static long inet6_bind(struct inet_sock *isk, const u8 *addr, u32 len, struct sockaddr_in *v4)
{
	struct sockaddr_in6 sin6;
	struct in6_addr *a = &sin6.sin6_addr;
	int oif = isk->bound_dev_if;
	long rc = inet6_sockaddr_parse(addr, len, &sin6);

	if (rc < 0)
		return rc;
	if (in6_v4mapped(a)) {
		if (isk->v6only)
			return -EINVAL;
		memset(v4, 0, sizeof(*v4));
		v4->sin_family = AF_INET;
		v4->sin_port = sin6.sin6_port;
		v4->sin_addr.s_addr = a->s6_addr32[3];
		return 1;
	}
	if (sin6.sin6_port && ntohs(sin6.sin6_port) < PROT_SOCK && current->euid != 0)
		return -EACCES;
	if (isk->num || (isk->state != 0 && isk->state != 7 /* TCP_CLOSE */))
		return -EINVAL;
	if (in6_needs_scope(a) && sin6.sin6_scope_id) {
		if (isk->bound_dev_if && isk->bound_dev_if != (int)sin6.sin6_scope_id)
			return -EINVAL;
		oif = (int)sin6.sin6_scope_id;
	}
	if (!in6_any(a)) {
		struct net_device *d = oif ? dev_get_by_index(oif) : NULL;

		if (in6_linklocal(a) && !oif)
			return -EINVAL;
		if (!ipv6_chk_addr(a, in6_linklocal(a) ? d : NULL) && !in6_loopback(a))
			return -EADDRNOTAVAIL;
	}
	isk->rcv_saddr6 = *a;
	isk->saddr6 = *a;
	isk->ipv6 = !in6_any(a);
	isk->rcv_saddr = isk->saddr = 0;
	if (in6_linklocal(a))
		isk->bound_dev_if = oif;
	rc = inet_get_port(isk, ntohs(sin6.sin6_port));
	if (rc < 0) {
		memset(&isk->rcv_saddr6, 0, sizeof(isk->rcv_saddr6));
		memset(&isk->saddr6, 0, sizeof(isk->saddr6));
		isk->ipv6 = false;
		return rc;
	}
	isk->addr_locked = !in6_any(a);
	isk->port_locked = true;
	return 0;
}

long inet_bind(struct socket *s, const u8 *addr, u32 len)
{
	struct inet_sock *isk = inet_sk(s);
	struct sockaddr_in mapped;
	u32 ip;
	u16 port;
	long rc;
	int type;

	if (isk->family == AF_INET6) {
		rc = inet6_bind(isk, addr, len, &mapped);
		if (rc != 1)
			return rc;
		addr = (const u8 *)&mapped;
		len = sizeof(mapped);
	}
	rc = inet_addr_parse(addr, len, &ip, &port, true);
	if (rc < 0)
		return rc;
	if (((const struct sockaddr_in *)(const void *)addr)->sin_family == AF_UNSPEC && ip != 0)
		return -EAFNOSUPPORT;
	type = inet_addr_type(ip);
	if (ip && type != RTN_LOCAL && !(isk->type != SOCK_STREAM && (type == RTN_BROADCAST || type == RTN_MULTICAST)))
		return -EADDRNOTAVAIL;
	if (port && ntohs(port) < PROT_SOCK && current->euid != 0)
		return -EACCES;
	if (isk->num || (isk->state != 0 && isk->state != 7 /* TCP_CLOSE */))
		return -EINVAL;
	isk->rcv_saddr = ip;
	isk->saddr = type == RTN_LOCAL ? ip : 0;
	rc = inet_get_port(isk, ntohs(port));
	if (rc < 0) {
		isk->rcv_saddr = isk->saddr = 0;
		return rc;
	}
	isk->addr_locked = ip != 0;
	isk->port_locked = true; /* Linux keeps even a port bind() chose */
	inet6_sync_mapped(isk);
	return 0;
}

long inet_getname(struct socket *s, u8 *addr, u32 *len, bool peer)
{
	struct inet_sock *isk = inet_sk(s);

	if (peer) {
		/* TCP: not while the connection is closed or still forming. */
		if (!isk->dport || (isk->protocol == IPPROTO_TCP && (isk->state == 7 || isk->state == 2)))
			return -ENOTCONN;
		if (isk->family == AF_INET6)
			inet6_fill_sockaddr(addr, len, &isk->daddr6, isk->dport, isk->bound_dev_if);
		else
			inet_fill_sockaddr(addr, len, isk->daddr, isk->dport);
	} else if (isk->family == AF_INET6) {
		inet6_fill_sockaddr(addr, len, !in6_any(&isk->rcv_saddr6) ? &isk->rcv_saddr6 : &isk->saddr6,
				    isk->sport, isk->bound_dev_if);
	} else {
		inet_fill_sockaddr(addr, len, isk->rcv_saddr ? isk->rcv_saddr : isk->saddr, isk->sport);
	}
	return 0;
}

long inet_pick_source(struct inet_sock *isk, u32 daddr, struct rt_result *rt)
{
	long rc = ip_route_output(daddr, isk->bound_dev_if, rt);

	if (rc < 0)
		return rc;
	if (isk->rcv_saddr)
		rt->src = isk->rcv_saddr;
	return 0;
}

void inet_ip_opts(const struct inet_sock *isk, struct ip_opts *o)
{
	o->ttl = isk->ttl ? isk->ttl : IPDEFTTL;
	o->tos = isk->tos;
	o->df = false;
	o->oif = isk->bound_dev_if;
}

static int int_opt(const void *val, u32 len, int *out)
{
	if (len >= sizeof(int))
		memcpy(out, val, sizeof(int));
	else if (len >= 1)
		*out = *(const u8 *)val;
	else
		return -EINVAL;
	return 0;
}

long inet_setsockopt(struct socket *s, int level, int name, const void *val, u32 len)
{
	struct inet_sock *isk = inet_sk(s);
	int v = 0;

	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_BINDTODEVICE: {
			char ifname[IFNAMSIZ + 1];
			struct net_device *d;

			if (current->euid != 0)
				return -EPERM;
			memset(ifname, 0, sizeof(ifname));
			memcpy(ifname, val, MIN(len, (u32)IFNAMSIZ));
			if (!ifname[0]) {
				isk->bound_dev_if = 0;
				return 0;
			}
			d = dev_get_by_name(ifname);
			if (!d)
				return -ENODEV;
			isk->bound_dev_if = d->ifindex;
			return 0;
		}
		case SO_BROADCAST:
		case SO_REUSEADDR:
		case SO_REUSEPORT:
		case SO_SNDBUF:
		case SO_RCVBUF:
		case SO_SNDBUFFORCE:
		case SO_RCVBUFFORCE:
			if (int_opt(val, len, &v) < 0)
				return -EINVAL;
			if (name == SO_BROADCAST)
				isk->broadcast = v != 0;
			else if (name == SO_REUSEADDR)
				isk->reuseaddr = v != 0;
			else if (name == SO_REUSEPORT)
				isk->reuseport = v != 0;
			isk->sndbuf = s->sndbuf;
			isk->rcvbuf = s->rcvbuf;
			return 0;
		}
		return -ENOPROTOOPT;
	}
	if (level == SOL_IPV6)
		return isk->family == AF_INET6 ? inet6_setsockopt(s, name, val, len) : -ENOPROTOOPT;
	if (level != SOL_IP)
		return -ENOPROTOOPT;
	switch (name) {
	case IP_TTL:
		if (int_opt(val, len, &v) < 0)
			return -EINVAL;
		if (v != -1 && (v < 1 || v > 255))
			return -EINVAL;
		isk->ttl = v == -1 ? 0 : (u8)v;
		return 0;
	case IP_TOS:
		if (int_opt(val, len, &v) < 0)
			return -EINVAL;
		isk->tos = (u8)(v & ~3);
		return 0;
	case IP_HDRINCL:
		if (isk->type != SOCK_RAW)
			return -ENOPROTOOPT;
		if (int_opt(val, len, &v) < 0)
			return -EINVAL;
		isk->hdrincl = v != 0;
		return 0;
	case IP_RECVERR:
		if (int_opt(val, len, &v) < 0)
			return -EINVAL;
		isk->recverr = v != 0;
		return 0;
	case IP_PKTINFO:
		if (int_opt(val, len, &v) < 0)
			return -EINVAL;
		isk->pktinfo = v != 0;
		return 0;
	case IP_MTU_DISCOVER:
		if (int_opt(val, len, &v) < 0)
			return -EINVAL;
		return v < 0 || v > 5 ? -EINVAL : 0;
	case IP_MULTICAST_TTL:
	case IP_MULTICAST_LOOP:
		if (int_opt(val, len, &v) < 0)
			return -EINVAL;
		return 0;
	}
	return -ENOPROTOOPT;
}

long inet_getsockopt(struct socket *s, int level, int name, void *val, u32 *len)
{
	struct inet_sock *isk = inet_sk(s);
	int v;

	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_ERROR:
			v = inet_sock_error(isk);
			break;
		case SO_BROADCAST:
			v = isk->broadcast;
			break;
		case SO_REUSEPORT:
			v = isk->reuseport;
			break;
		case SO_BINDTODEVICE: {
			struct net_device *d = isk->bound_dev_if ? dev_get_by_index(isk->bound_dev_if) : NULL;

			*len = 0;
			if (d) {
				memcpy(val, d->name, IFNAMSIZ);
				*len = (u32)strnlen(d->name, IFNAMSIZ) + 1;
			}
			return 0;
		}
		default:
			return -ENOPROTOOPT;
		}
		memcpy(val, &v, sizeof(v));
		*len = sizeof(v);
		return 0;
	}
	if (level == SOL_IPV6)
		return isk->family == AF_INET6 ? inet6_getsockopt(s, name, val, len) : -EOPNOTSUPP;
	if (level != SOL_IP)
		return -ENOPROTOOPT;
	switch (name) {
	case IP_TTL:
		v = isk->ttl ? isk->ttl : IPDEFTTL;
		break;
	case IP_TOS:
		v = isk->tos;
		break;
	case IP_HDRINCL:
		v = isk->hdrincl;
		break;
	case IP_RECVERR:
		v = isk->recverr;
		break;
	case IP_PKTINFO:
		v = isk->pktinfo;
		break;
	case IP_MTU_DISCOVER:
		v = isk->protocol == IPPROTO_TCP ? 1 : 1; /* IP_PMTUDISC_WANT */
		break;
	case IP_MTU: {
		struct rt_result rt;

		if (!isk->daddr)
			return -ENOTCONN;
		if (ip_route_output(isk->daddr, isk->bound_dev_if, &rt) < 0)
			return -ENOTCONN;
		v = (int)rt.dev->mtu;
		break;
	}
	default:
		return -ENOPROTOOPT;
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

/* --- what datagram sockets (UDP, raw) share --- */

long inet_dgram_ioctl(struct socket *s, unsigned cmd, u64 arg)
{
	struct sk_buff *skb = skb_peek(&inet_sk(s)->rxq);
	int v;

	if (inet_sk(s)->family == AF_INET6 && (cmd == SIOCSIFADDR || cmd == SIOCDIFADDR))
		return addrconf_ioctl(cmd, arg);
	if (cmd == SIOCINQ)
		v = skb ? (int)skb->len : 0; /* the next datagram's size */
	else if (cmd == SIOCOUTQ)
		v = 0;
	else
		return -ENOIOCTLCMD;
	return copy_to_user(arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

long inet_dgram_shutdown(struct socket *s, int how)
{
	struct inet_sock *isk = inet_sk(s);

	isk->shutdown |= how + 1;
	wake_up(&isk->wq);
	return isk->connected ? 0 : -ENOTCONN;
}

struct sk_buff *inet_dgram_wait(struct socket *s, int flags, long *err)
{
	struct inet_sock *isk = inet_sk(s);
	struct sk_buff *skb;
	long rc;

	for (;;) {
		int e = inet_sock_error(isk);

		if (e) {
			*err = -e;
			return NULL;
		}
		skb = skb_peek(&isk->rxq);
		if (skb)
			return skb;
		*err = 0;
		if (isk->shutdown & RCV_SHUTDOWN)
			return NULL;
		*err = -EAGAIN;
		if (flags & MSG_DONTWAIT)
			return NULL;
		inet_unlock(isk, &isk->reader);
		rc = wait_event_deadline(&isk->wq, isk->rxq.qlen || isk->err || (isk->shutdown & RCV_SHUTDOWN),
					 sock_deadline(s->rcvtimeo), "dgram_recv");
		if (rc == 0)
			rc = inet_lock(isk, &isk->reader);
		if (rc < 0) {
			*err = rc;
			return NULL;
		}
	}
}

long inet_dgram_copy(struct inet_sock *isk, struct sk_buff *skb, struct kmsg *m, size_t len, int flags)
{
	long n = (long)MIN(len, (size_t)skb->len), rc;

	rc = uio_copy_to(m->data, skb->data, (size_t)n);
	if (rc < 0)
		return rc;
	if ((size_t)skb->len > len)
		m->flags |= MSG_TRUNC;
	if (flags & MSG_TRUNC)
		n = skb->len;
	return n;
}

void inet_dgram_consume(struct inet_sock *isk, struct sk_buff *skb, int flags)
{
	if (!(flags & MSG_PEEK)) {
		skb_unlink(&isk->rxq, skb);
		kfree_skb(skb);
	}
}

long inet_dgram_recvmsg(struct socket *s, struct kmsg *m, size_t len, int flags,
			void (*meta)(struct inet_sock *isk, struct sk_buff *skb, struct kmsg *m))
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
	meta(isk, skb, m);
	inet_dgram_consume(isk, skb, flags);
out:
	inet_unlock(isk, &isk->reader);
	return rc;
}

unsigned inet_dgram_poll(struct socket *s, struct poll_table *pt)
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

long sock_no_listen(struct socket *s, int backlog)
{
	return -EOPNOTSUPP;
}

struct socket *sock_no_accept(struct socket *s, bool nonblock)
{
	return ERR_PTR(-EOPNOTSUPP);
}
