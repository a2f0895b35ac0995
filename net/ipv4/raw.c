/*
 * Raw IPv4 sockets (root only): each receives a copy of every datagram of
 * its protocol addressed to this host, IP header included; ICMP sockets
 * can filter message types (ICMP_FILTER). Sending builds the IP header
 * unless IP_HDRINCL (always for IPPROTO_RAW) says the caller wrote it.
 */
#include "inet.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"

#define SOL_RAW 255
#define ICMP_FILTER 1

static const struct proto_ops raw_ops;

long raw_create(struct socket *s, int proto)
{
	struct inet_sock *isk = inet_sock_alloc(s, sizeof(*isk), SOCK_RAW, proto);

	if (!isk)
		return -ENOMEM;
	isk->table = &raw_table;
	isk->hdrincl = proto == IPPROTO_RAW;
	/* Raw sockets are in the table from the start, under their protocol. */
	isk->num = (u16)proto;
	list_add_tail(&isk->bind_node, &raw_table);
	s->ops = &raw_ops;
	return 0;
}

void raw_release(struct socket *s)
{
	struct inet_sock *isk = inet_sk(s);

	list_del(&isk->bind_node);
	list_init(&isk->bind_node);
	isk->num = 0;
	inet_sock_release(s);
}

bool raw_deliver(struct sk_buff *skb, int proto)
{
	struct iphdr_k *iph = (struct iphdr_k *)skb_network_header(skb);
	u32 hlen = (u32)(skb->data - (u8 *)iph);
	struct inet_sock *isk;
	bool any = false;

	list_for_each_entry(isk, &raw_table, bind_node) {
		struct sk_buff *c;

		if (isk->protocol != proto || (isk->rcv_saddr && isk->rcv_saddr != iph->daddr) ||
		    (isk->daddr && isk->daddr != iph->saddr) ||
		    (isk->bound_dev_if && isk->bound_dev_if != skb->dev->ifindex))
			continue;
		any = true;
		if (proto == IPPROTO_ICMP && skb->len >= 1 && skb->data[0] < 32 &&
		    (isk->icmp_filter & (1u << skb->data[0])))
			continue;
		if (isk->rxq.bytes + skb->len + hlen > (u64)isk->rcvbuf) {
			isk->drops++;
			continue;
		}
		/* The copy starts at the IP header (skb->data is past it). */
		c = alloc_skb(hlen + skb->len, MAX_HEADER);
		if (!c)
			continue;
		memcpy(skb_put(c, hlen + skb->len), iph, hlen + skb->len);
		c->iif = skb->iif;
		c->cb.addr.saddr = iph->saddr;
		c->cb.addr.daddr = iph->daddr;
		skb_queue_tail(&isk->rxq, c);
		wake_up_poll(&isk->wq, POLLIN);
	}
	return any;
}

static long raw_bind(struct socket *s, const u8 *addr, u32 len)
{
	struct inet_sock *isk = inet_sk(s);
	u32 ip;
	u16 port;
	long rc = inet_addr_parse(addr, len, &ip, &port, true);

	if (rc < 0)
		return rc;
	if (ip && inet_addr_type(ip) != RTN_LOCAL && inet_addr_type(ip) != RTN_BROADCAST)
		return -EADDRNOTAVAIL;
	isk->rcv_saddr = isk->saddr = ip;
	return 0;
}

static long raw_connect(struct socket *s, const u8 *addr, u32 len)
{
	struct inet_sock *isk = inet_sk(s);
	u32 ip;
	u16 port;
	long rc = inet_addr_parse(addr, len, &ip, &port, true);

	if (rc < 0)
		return rc;
	isk->daddr = ip;
	isk->connected = ip != 0;
	return 0;
}

static long raw_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct inet_sock *isk = inet_sk(s);
	size_t len = m->data->resid;
	struct sk_buff *skb;
	struct rt_result rt;
	struct ip_opts o;
	u32 daddr;
	long rc;

	if (m->namelen) {
		u16 port;

		rc = inet_addr_parse(m->name, m->namelen, &daddr, &port, true);
		if (rc < 0)
			return rc;
	} else if (isk->connected) {
		daddr = isk->daddr;
	} else {
		return -EDESTADDRREQ;
	}
	if (len > 0xffff)
		return -EMSGSIZE;
	rc = inet_pick_source(isk, daddr, &rt);
	if (rc < 0)
		return rc;
	if (rt.type == RTN_BROADCAST && !isk->broadcast)
		return -EACCES;
	skb = skb_from_uio(m->data, (u32)len, MAX_HEADER);
	if (IS_ERR(skb))
		return PTR_ERR(skb);
	if (isk->hdrincl) {
		struct iphdr_k *iph = (struct iphdr_k *)skb->data;

		if (len < sizeof(*iph) || len > rt.dev->mtu) {
			kfree_skb(skb);
			return len < sizeof(*iph) ? -EINVAL : -EMSGSIZE;
		}
		/* Linux fills in what the caller left zero. */
		iph->tot_len = htons((u16)len);
		if (!iph->saddr)
			iph->saddr = rt.src;
		iph->check = 0;
		iph->check = csum_fold(csum_partial(iph, (u32)(iph->vihl & 0xf) * 4, 0));
		skb_reset_network_header(skb);
		skb->dev = rt.dev;
		neigh_output(skb, rt.dev, rt.nexthop, rt.type);
		return (long)len;
	}
	inet_ip_opts(isk, &o);
	rc = ip_send(skb, rt.src, daddr, isk->protocol, &o, &rt);
	return rc < 0 ? rc : (long)len;
}

static void raw_meta(struct inet_sock *isk, struct sk_buff *skb, struct kmsg *m)
{
	inet_msg_name(m, skb->cb.addr.saddr, 0);
}

static long raw_recvmsg(struct socket *s, struct kmsg *m, size_t len, int flags)
{
	return inet_dgram_recvmsg(s, m, len, flags, raw_meta);
}

static long raw_setsockopt(struct socket *s, int level, int name, const void *val, u32 len)
{
	struct inet_sock *isk = inet_sk(s);

	if (level == SOL_RAW) {
		if (name != ICMP_FILTER || isk->protocol != IPPROTO_ICMP)
			return -EOPNOTSUPP;
		if (len < sizeof(u32))
			return -EINVAL;
		memcpy(&isk->icmp_filter, val, sizeof(u32));
		return 0;
	}
	return inet_setsockopt(s, level, name, val, len);
}

static long raw_getsockopt(struct socket *s, int level, int name, void *val, u32 *len)
{
	struct inet_sock *isk = inet_sk(s);

	if (level == SOL_RAW) {
		if (name != ICMP_FILTER || isk->protocol != IPPROTO_ICMP)
			return -EOPNOTSUPP;
		memcpy(val, &isk->icmp_filter, sizeof(u32));
		*len = sizeof(u32);
		return 0;
	}
	return inet_getsockopt(s, level, name, val, len);
}

static const struct proto_ops raw_ops = {
	.release = raw_release,
	.bind = raw_bind,
	.connect = raw_connect,
	.listen = sock_no_listen,
	.accept = sock_no_accept,
	.getname = inet_getname,
	.sendmsg = raw_sendmsg,
	.recvmsg = raw_recvmsg,
	.poll = inet_dgram_poll,
	.shutdown = inet_dgram_shutdown,
	.setsockopt = raw_setsockopt,
	.getsockopt = raw_getsockopt,
	.ioctl = inet_dgram_ioctl,
};

int raw_proc(char *buf, size_t len)
{
	return inet_dgram_proc(buf, len, &raw_table, 7, AF_INET);
}
