/*
 * AF_NETLINK sockets with the NETLINK_ROUTE protocol (rtnetlink), as
 * busybox ip and other tools use it: dumps of links, IPv4 addresses and
 * routes, and adding and deleting addresses and routes. A request is
 * answered at once into the sender's receive queue; every reply is one
 * datagram. Other netlink protocols are refused (EPROTONOSUPPORT).
 */
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "inet.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"

#define NL_REPLY_MAX 8192 /* one reply datagram: dumps go out in several */

struct nl_sock {
	struct socket *sock;
	u32 portid;
	struct sk_buff_head rxq;
	struct wait_queue wq;
	struct task *reader; /* copying out a reply (the copy may sleep) */
};

static const struct proto_ops nl_ops;
static u32 next_portid = 1;

static struct nl_sock *nls(struct socket *s)
{
	return s->proto;
}

int netlink_create(struct socket *s)
{
	struct nl_sock *n;

	if (s->type != SOCK_RAW && s->type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (s->protocol != NETLINK_ROUTE)
		return -EPROTONOSUPPORT;
	n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->sock = s;
	skb_queue_init(&n->rxq);
	wq_init(&n->wq);
	s->proto = n;
	s->ops = &nl_ops;
	return 0;
}

static void nl_release(struct socket *s)
{
	struct nl_sock *n = nls(s);

	skb_queue_purge(&n->rxq);
	kfree(n);
	s->proto = NULL;
}

static long nl_bind(struct socket *s, const u8 *addr, u32 len)
{
	struct sockaddr_nl sa;
	struct nl_sock *n = nls(s);

	if (len < sizeof(sa))
		return -EINVAL;
	memcpy(&sa, addr, sizeof(sa));
	if (sa.nl_family != AF_NETLINK)
		return -EINVAL;
	if (sa.nl_groups) /* no multicast groups (no events) yet */
		return -EOPNOTSUPP;
	n->portid = sa.nl_pid ? sa.nl_pid : (n->portid ? n->portid : next_portid++);
	return 0;
}

static long nl_connect(struct socket *s, const u8 *addr, u32 len)
{
	return 0; /* the kernel is the only peer */
}

static long nl_getname(struct socket *s, u8 *addr, u32 *len, bool peer)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (!peer) {
		if (!nls(s)->portid)
			nls(s)->portid = next_portid++;
		sa.nl_pid = nls(s)->portid;
	}
	memcpy(addr, &sa, sizeof(sa));
	*len = sizeof(sa);
	return 0;
}

/* --- building replies --- */

struct nl_out {
	struct nl_sock *n;
	struct sk_buff *skb; /* the datagram being filled */
	u32 seq;
	int err;
};

static void out_flush(struct nl_out *o)
{
	if (o->skb) {
		skb_queue_tail(&o->n->rxq, o->skb);
		o->skb = NULL;
		wake_up_poll(&o->n->wq, POLLIN);
	}
}

/* Starts a message of type with a body of hdrlen bytes; NULL: no memory. */
static struct nlmsghdr *msg_start(struct nl_out *o, int type, int flags, u32 hdrlen)
{
	struct nlmsghdr *h;
	u32 need = NLMSG_ALIGN(NLMSG_HDRLEN + hdrlen) + 512;

	if (o->skb && skb_tailroom(o->skb) < need)
		out_flush(o);
	if (!o->skb) {
		o->skb = alloc_skb(NL_REPLY_MAX, 0);
		if (!o->skb) {
			o->err = -ENOBUFS;
			return NULL;
		}
	}
	h = (struct nlmsghdr *)skb_put(o->skb, NLMSG_ALIGN(NLMSG_HDRLEN + hdrlen));
	memset(h, 0, NLMSG_ALIGN(NLMSG_HDRLEN + hdrlen));
	h->nlmsg_len = NLMSG_HDRLEN + hdrlen;
	h->nlmsg_type = (u16)type;
	h->nlmsg_flags = (u16)flags;
	h->nlmsg_seq = o->seq;
	h->nlmsg_pid = o->n->portid;
	return h;
}

static void put_attr(struct nl_out *o, struct nlmsghdr *h, int type, const void *data, u32 len)
{
	struct rtattr *a;
	u32 total = RTA_ALIGN(RTA_LENGTH(len));

	if (skb_tailroom(o->skb) < total)
		return; /* msg_start left room for the attributes we add */
	a = (struct rtattr *)skb_put(o->skb, total);
	memset(a, 0, total);
	a->rta_type = (u16)type;
	a->rta_len = (u16)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + total;
}

static void put_u32(struct nl_out *o, struct nlmsghdr *h, int type, u32 v)
{
	put_attr(o, h, type, &v, sizeof(v));
}

static void put_done(struct nl_out *o)
{
	struct nlmsghdr *h = msg_start(o, NLMSG_DONE, NLM_F_MULTI, sizeof(int));

	if (h)
		memset(NLMSG_DATA(h), 0, sizeof(int));
}

static void put_error(struct nl_out *o, const struct nlmsghdr *req, int err)
{
	struct nlmsghdr *h = msg_start(o, NLMSG_ERROR, err ? 0 : NLM_F_CAPPED, sizeof(struct nlmsgerr));
	struct nlmsgerr *e;

	if (!h)
		return;
	e = NLMSG_DATA(h);
	e->error = err;
	e->msg = *req;
}

/* --- dumps --- */

static void fill_link(struct nl_out *o, struct net_device *d, int type, int flags)
{
	struct nlmsghdr *h = msg_start(o, type, flags, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi;
	u8 oper;

	if (!h)
		return;
	ifi = NLMSG_DATA(h);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_type = d->type;
	ifi->ifi_index = d->ifindex;
	ifi->ifi_flags = d->flags;
	ifi->ifi_change = 0xffffffff;
	put_attr(o, h, IFLA_IFNAME, d->name, (u32)strnlen(d->name, IFNAMSIZ) + 1);
	put_u32(o, h, IFLA_MTU, d->mtu);
	put_u32(o, h, IFLA_TXQLEN, d->tx_queue_len);
	oper = (d->flags & IFF_UP) ? 6 /* IF_OPER_UP */ : 2 /* IF_OPER_DOWN */;
	if (d->flags & IFF_LOOPBACK)
		oper = (d->flags & IFF_UP) ? 0 /* IF_OPER_UNKNOWN, as Linux's lo */ : 2;
	put_attr(o, h, IFLA_OPERSTATE, &oper, 1);
	put_attr(o, h, IFLA_QDISC, "noqueue", 8);
	put_attr(o, h, IFLA_ADDRESS, d->addr, ETH_ALEN);
	put_attr(o, h, IFLA_BROADCAST, d->type == ARPHRD_LOOPBACK ? d->addr : d->broadcast, ETH_ALEN);
}

static void fill_addr(struct nl_out *o, struct in_ifaddr *ifa, int type, int flags)
{
	struct nlmsghdr *h = msg_start(o, type, flags, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifm;

	if (!h)
		return;
	ifm = NLMSG_DATA(h);
	ifm->ifa_family = AF_INET;
	ifm->ifa_prefixlen = ifa->prefixlen;
	ifm->ifa_flags = IFA_F_PERMANENT;
	ifm->ifa_scope = ipv4_is_loopback(ifa->local) ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
	ifm->ifa_index = (u32)ifa->dev->ifindex;
	put_attr(o, h, IFA_ADDRESS, &ifa->local, 4);
	put_attr(o, h, IFA_LOCAL, &ifa->local, 4);
	if (ifa->broadcast)
		put_attr(o, h, IFA_BROADCAST, &ifa->broadcast, 4);
	put_attr(o, h, IFA_LABEL, ifa->label, (u32)strnlen(ifa->label, IFNAMSIZ) + 1);
}

static u8 addr6_scope(const struct inet6_ifaddr *ifa)
{
	return ifa->scope == IFA6_SCOPE_HOST ? RT_SCOPE_HOST :
	       ifa->scope == IFA6_SCOPE_LINK ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
}

static void fill_addr6(struct nl_out *o, struct inet6_ifaddr *ifa, int type, int flags)
{
	struct nlmsghdr *h = msg_start(o, type, flags, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifm;

	if (!h)
		return;
	ifm = NLMSG_DATA(h);
	ifm->ifa_family = AF_INET6;
	ifm->ifa_prefixlen = ifa->prefixlen;
	ifm->ifa_flags = (u8)ifa->flags;
	ifm->ifa_scope = addr6_scope(ifa);
	ifm->ifa_index = (u32)ifa->dev->ifindex;
	put_attr(o, h, IFA_ADDRESS, &ifa->addr, 16);
	put_u32(o, h, IFA_FLAGS, ifa->flags);
}

static void fill_route6(const struct route6_info *r, void *arg)
{
	struct nl_out *o = arg;
	struct nlmsghdr *h = msg_start(o, RTM_NEWROUTE, NLM_F_MULTI, sizeof(struct rtmsg));
	struct rtmsg *rtm;

	if (!h)
		return;
	rtm = NLMSG_DATA(h);
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = (u8)r->plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = r->kernel ? RTPROT_KERNEL : RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	put_u32(o, h, RTA_TABLE, RT_TABLE_MAIN);
	if (r->plen)
		put_attr(o, h, RTA_DST, &r->dst, 16);
	put_u32(o, h, RTA_PRIORITY, (u32)r->metric);
	if (!in6_any(&r->gw))
		put_attr(o, h, RTA_GATEWAY, &r->gw, 16);
	put_u32(o, h, RTA_OIF, (u32)r->dev->ifindex);
}

static void fill_route(struct nl_out *o, const struct route_info *r)
{
	struct nlmsghdr *h = msg_start(o, RTM_NEWROUTE, NLM_F_MULTI, sizeof(struct rtmsg));
	struct rtmsg *rtm;

	if (!h)
		return;
	rtm = NLMSG_DATA(h);
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = (u8)__builtin_popcount(r->mask);
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = r->kernel ? RTPROT_KERNEL : RTPROT_BOOT;
	rtm->rtm_scope = r->gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	put_u32(o, h, RTA_TABLE, RT_TABLE_MAIN);
	if (rtm->rtm_dst_len)
		put_attr(o, h, RTA_DST, &r->dst, 4);
	if (r->metric)
		put_u32(o, h, RTA_PRIORITY, (u32)r->metric);
	if (r->gw)
		put_attr(o, h, RTA_GATEWAY, &r->gw, 4);
	if (r->src)
		put_attr(o, h, RTA_PREFSRC, &r->src, 4);
	put_u32(o, h, RTA_OIF, (u32)r->dev->ifindex);
}

static void dump_route_cb(const struct route_info *r, void *arg)
{
	fill_route(arg, r);
}

/* --- requests --- */

/* The attributes after a body of hdrlen bytes, by type (NULL: absent). */
static void parse_attrs(const struct nlmsghdr *h, u32 hdrlen, struct rtattr **tb, int max)
{
	struct rtattr *a = (struct rtattr *)((u8 *)NLMSG_DATA(h) + NLMSG_ALIGN(hdrlen));
	int len = (int)h->nlmsg_len - NLMSG_SPACE(hdrlen);

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type <= max)
			tb[a->rta_type] = a;
}

static bool attr_u32(struct rtattr *a, u32 *v)
{
	if (!a || RTA_PAYLOAD(a) < 4)
		return false;
	memcpy(v, RTA_DATA(a), 4);
	return true;
}

static int new_del_addr6(const struct nlmsghdr *h, struct net_device *d, bool add);

static int new_del_addr(const struct nlmsghdr *h, bool add)
{
	struct ifaddrmsg *ifm = NLMSG_DATA(h);
	struct rtattr *tb[IFA_MAX + 1];
	struct net_device *d;
	u32 local, bcast = 0;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifm)))
		return -EINVAL;
	if (current->euid != 0)
		return -EPERM;
	if (ifm->ifa_family != AF_INET && ifm->ifa_family != AF_INET6)
		return -EAFNOSUPPORT;
	d = dev_get_by_index((int)ifm->ifa_index);
	if (!d)
		return -ENODEV;
	if (ifm->ifa_family == AF_INET6)
		return new_del_addr6(h, d, add);
	if (ifm->ifa_prefixlen > 32)
		return -EINVAL;
	parse_attrs(h, sizeof(*ifm), tb, IFA_MAX);
	if (!attr_u32(tb[IFA_LOCAL], &local) && !attr_u32(tb[IFA_ADDRESS], &local))
		return -EINVAL;
	attr_u32(tb[IFA_BROADCAST], &bcast);
	if (add)
		return inet_ifa_add(d, local, ifm->ifa_prefixlen, bcast,
				    (h->nlmsg_flags & NLM_F_EXCL) != 0);
	return inet_ifa_del(d, local, ifm->ifa_prefixlen);
}

static bool attr_in6(struct rtattr *a, struct in6_addr *v)
{
	if (!a || RTA_PAYLOAD(a) < 16)
		return false;
	memcpy(v, RTA_DATA(a), 16);
	return true;
}

static int new_del_addr6(const struct nlmsghdr *h, struct net_device *d, bool add)
{
	struct ifaddrmsg *ifm = NLMSG_DATA(h);
	struct rtattr *tb[IFA_MAX + 1];
	struct in6_addr a;

	if (ifm->ifa_prefixlen > 128)
		return -EINVAL;
	parse_attrs(h, sizeof(*ifm), tb, IFA_MAX);
	if (!attr_in6(tb[IFA_LOCAL], &a) && !attr_in6(tb[IFA_ADDRESS], &a))
		return -EINVAL;
	if (add)
		return inet6_ifa_add(d, &a, ifm->ifa_prefixlen, (h->nlmsg_flags & NLM_F_EXCL) != 0);
	return inet6_ifa_del(d, &a, ifm->ifa_prefixlen);
}

static int new_del_route6(const struct nlmsghdr *h, bool add)
{
	struct rtmsg *rtm = NLMSG_DATA(h);
	struct rtattr *tb[RTA_MAX + 1];
	struct net_device *d = NULL;
	struct in6_addr dst, gw;
	u32 oif = 0, prio = 0;
	int i;

	if (rtm->rtm_dst_len > 128)
		return -EINVAL;
	parse_attrs(h, sizeof(*rtm), tb, RTA_MAX);
	memset(&dst, 0, sizeof(dst));
	memset(&gw, 0, sizeof(gw));
	attr_in6(tb[RTA_DST], &dst);
	attr_in6(tb[RTA_GATEWAY], &gw);
	attr_u32(tb[RTA_PRIORITY], &prio);
	if (attr_u32(tb[RTA_OIF], &oif)) {
		d = dev_get_by_index((int)oif);
		if (!d)
			return -ENODEV;
	}
	for (i = rtm->rtm_dst_len; i < 128; i++)
		if (dst.s6_addr[i / 8] & (0x80 >> (i % 8)))
			return -EINVAL;
	if (!d && in6_linklocal(&gw))
		return -EINVAL; /* which link? */
	if (add)
		return ip6_route_add(&dst, rtm->rtm_dst_len, &gw, d, (int)prio);
	return ip6_route_del(&dst, rtm->rtm_dst_len, &gw, d, (int)prio);
}

static int new_del_route(const struct nlmsghdr *h, bool add)
{
	struct rtmsg *rtm = NLMSG_DATA(h);
	struct rtattr *tb[RTA_MAX + 1];
	struct net_device *d = NULL;
	u32 dst = 0, gw = 0, oif = 0, prio = 0, mask;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)))
		return -EINVAL;
	if (current->euid != 0)
		return -EPERM;
	if (rtm->rtm_family == AF_INET6)
		return new_del_route6(h, add);
	if (rtm->rtm_family != AF_INET)
		return -EAFNOSUPPORT;
	if (rtm->rtm_dst_len > 32)
		return -EINVAL;
	parse_attrs(h, sizeof(*rtm), tb, RTA_MAX);
	attr_u32(tb[RTA_DST], &dst);
	attr_u32(tb[RTA_GATEWAY], &gw);
	attr_u32(tb[RTA_PRIORITY], &prio);
	if (attr_u32(tb[RTA_OIF], &oif)) {
		d = dev_get_by_index((int)oif);
		if (!d)
			return -ENODEV;
	}
	mask = rtm->rtm_dst_len ? htonl(0xffffffffu << (32 - rtm->rtm_dst_len)) : 0;
	if (dst & ~mask)
		return -EINVAL;
	if (add)
		return ip_route_add(dst, mask, gw, d, (int)prio);
	return ip_route_del(dst, mask, gw, d, tb[RTA_PRIORITY] ? (int)prio : -1);
}

static void handle(struct nl_sock *n, const struct nlmsghdr *h)
{
	struct nl_out o = { .n = n, .seq = h->nlmsg_seq };
	bool dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	/* A dump's family: the first byte of rtgenmsg, ifaddrmsg, rtmsg. */
	u8 family = h->nlmsg_len > NLMSG_HDRLEN ? *(const u8 *)NLMSG_DATA(h) : AF_UNSPEC;
	struct net_device *d;
	int err = 0;

	if (h->nlmsg_type < RTM_BASE) /* NLMSG_NOOP, ERROR, DONE...: nothing to do */
		return;
	switch (h->nlmsg_type) {
	case RTM_GETLINK:
		if (dump) {
			for_each_netdev(d)
				fill_link(&o, d, RTM_NEWLINK, NLM_F_MULTI);
			put_done(&o);
		} else {
			struct ifinfomsg *ifi = NLMSG_DATA(h);
			struct rtattr *tb[IFLA_MAX + 1];

			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi))) {
				err = -EINVAL;
				break;
			}
			parse_attrs(h, sizeof(*ifi), tb, IFLA_MAX);
			d = ifi->ifi_index ? dev_get_by_index(ifi->ifi_index) : NULL;
			if (!d && tb[IFLA_IFNAME]) {
				char name[IFNAMSIZ + 1];

				memset(name, 0, sizeof(name));
				memcpy(name, RTA_DATA(tb[IFLA_IFNAME]), MIN(RTA_PAYLOAD(tb[IFLA_IFNAME]), (u32)IFNAMSIZ));
				d = dev_get_by_name(name);
			}
			if (!d) {
				err = -ENODEV;
				break;
			}
			fill_link(&o, d, RTM_NEWLINK, 0);
		}
		out_flush(&o);
		return;
	case RTM_GETADDR:
		if (!dump) {
			err = -EOPNOTSUPP;
			break;
		}
		for_each_netdev(d) {
			struct inet6_ifaddr *ifa6;
			struct in_ifaddr *ifa;

			if (family != AF_INET6)
				for (ifa = d->ifa_list; ifa; ifa = ifa->next)
					fill_addr(&o, ifa, RTM_NEWADDR, NLM_F_MULTI);
			if (family != AF_INET && (d->flags & IFF_UP))
				for (ifa6 = d->ip6_list; ifa6; ifa6 = ifa6->next)
					fill_addr6(&o, ifa6, RTM_NEWADDR, NLM_F_MULTI);
		}
		put_done(&o);
		out_flush(&o);
		return;
	case RTM_GETROUTE:
		if (!dump) {
			err = -EOPNOTSUPP;
			break;
		}
		if (family != AF_INET6)
			route_walk(dump_route_cb, &o);
		if (family != AF_INET)
			route6_walk(fill_route6, &o);
		put_done(&o);
		out_flush(&o);
		return;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		err = new_del_addr(h, h->nlmsg_type == RTM_NEWADDR);
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		err = new_del_route(h, h->nlmsg_type == RTM_NEWROUTE);
		break;
	case RTM_SETLINK:
	case RTM_NEWLINK: {
		struct ifinfomsg *ifi = NLMSG_DATA(h);

		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi))) {
			err = -EINVAL;
			break;
		}
		d = dev_get_by_index(ifi->ifi_index);
		if (!d) {
			err = -ENODEV;
			break;
		}
		if (current->euid != 0) {
			err = -EPERM;
			break;
		}
		if (ifi->ifi_change & IFF_UP)
			err = dev_change_flags(d, (d->flags & ~IFF_UP) | (ifi->ifi_flags & IFF_UP));
		break;
	}
	default:
		err = -EOPNOTSUPP;
	}
	if (err || (h->nlmsg_flags & NLM_F_ACK))
		put_error(&o, h, err);
	out_flush(&o);
}

static long nl_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct nl_sock *n = nls(s);
	size_t len = m->data->resid, off = 0;
	u8 *buf;
	long rc;

	if (len > 65536)
		return -EMSGSIZE;
	if (n->rxq.mem > (u64)s->rcvbuf) /* replies nobody reads */
		return -ENOBUFS;
	if (!n->portid)
		n->portid = next_portid++;
	buf = kmalloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	rc = uio_copy_from(m->data, buf, len);
	if (rc != (long)len) {
		kfree(buf);
		return -EFAULT;
	}
	while (off + NLMSG_HDRLEN <= len) {
		struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);

		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len - off)
			break;
		if (h->nlmsg_flags & NLM_F_REQUEST)
			handle(n, h);
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	kfree(buf);
	return (long)len;
}

static long nl_recvmsg(struct socket *s, struct kmsg *m, size_t len, int flags)
{
	struct nl_sock *n = nls(s);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct sk_buff *skb;
	long rc;

	for (;;) {
		rc = wait_event_deadline(&n->wq, (n->rxq.qlen && !n->reader) || (flags & MSG_DONTWAIT),
					 sock_deadline(s->rcvtimeo), "netlink");
		if (rc < 0)
			return rc;
		if (n->rxq.qlen && !n->reader)
			break;
		return -EAGAIN;
	}
	/* One reader copies at a time: the copy may sleep. */
	n->reader = current;
	skb = skb_peek(&n->rxq);
	rc = uio_copy_to(m->data, skb->data, MIN(len, (size_t)skb->len));
	if (rc >= 0) {
		if (skb->len > len)
			m->flags |= MSG_TRUNC;
		memcpy(m->name, &sa, sizeof(sa));
		m->namelen = sizeof(sa);
		rc = (flags & MSG_TRUNC) ? (long)skb->len : rc;
		if (!(flags & MSG_PEEK)) {
			skb_unlink(&n->rxq, skb);
			kfree_skb(skb);
		}
	}
	n->reader = NULL;
	wake_up(&n->wq);
	return rc;
}

static unsigned nl_poll(struct socket *s, struct poll_table *pt)
{
	struct nl_sock *n = nls(s);

	poll_wait(pt, &n->wq);
	return POLLOUT | POLLWRNORM | (n->rxq.qlen ? POLLIN | POLLRDNORM : 0);
}

static long nl_shutdown(struct socket *s, int how)
{
	return 0;
}

static long nl_setsockopt(struct socket *s, int level, int name, const void *val, u32 len)
{
	if (level == SOL_NETLINK)
		return 0; /* NETLINK_EXT_ACK and the like: accepted */
	return -ENOPROTOOPT;
}

static const struct proto_ops nl_ops = {
	.release = nl_release,
	.bind = nl_bind,
	.connect = nl_connect,
	.listen = sock_no_listen,
	.accept = sock_no_accept,
	.getname = nl_getname,
	.sendmsg = nl_sendmsg,
	.recvmsg = nl_recvmsg,
	.poll = nl_poll,
	.shutdown = nl_shutdown,
	.setsockopt = nl_setsockopt,
};
