/*
 * AF_PACKET sockets (root only), as DHCP clients and packet tools use
 * them: a copy of every received frame of the socket's protocol (or all,
 * ETH_P_ALL) on its interface (or any), with the Ethernet header for
 * SOCK_RAW and without it for SOCK_DGRAM; sending puts a frame on a
 * device, built from the destination sockaddr_ll for SOCK_DGRAM. Socket
 * filters (SO_ATTACH_FILTER) are not supported: ENOPROTOOPT, which
 * busybox udhcpc tolerates by checking packets itself.
 */
#include <linux/if_packet.h>

#include "inet.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"

struct packet_sock {
	struct list_head node;
	struct socket *sock;
	u16 proto;   /* host order; 0: receives nothing until bound */
	int ifindex; /* 0: every device */
	struct sk_buff_head rxq;
	struct wait_queue wq;
	struct task *reader;
	u64 drops;
};

static LIST_HEAD(packet_socks);
static const struct proto_ops packet_ops;

static struct packet_sock *pks(struct socket *s)
{
	return s->proto;
}

int packet_create(struct socket *s)
{
	struct packet_sock *p;

	if (current->euid != 0)
		return -EPERM;
	if (s->type != SOCK_RAW && s->type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	p = kzalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->sock = s;
	p->proto = ntohs((u16)s->protocol);
	skb_queue_init(&p->rxq);
	wq_init(&p->wq);
	list_add_tail(&p->node, &packet_socks);
	s->proto = p;
	s->ops = &packet_ops;
	return 0;
}

static void packet_release(struct socket *s)
{
	struct packet_sock *p = pks(s);

	list_del(&p->node);
	skb_queue_purge(&p->rxq);
	kfree(p);
	s->proto = NULL;
}

/* Called for each received frame, Ethernet header at skb->data. */
void packet_deliver(struct sk_buff *skb, u16 proto)
{
	struct packet_sock *p;

	list_for_each_entry(p, &packet_socks, node) {
		struct sk_buff *c;

		if (!p->proto || (p->proto != ETH_P_ALL && p->proto != proto) ||
		    (p->ifindex && p->ifindex != skb->iif))
			continue;
		if (p->rxq.mem + skb->len + 512 > (u64)p->sock->rcvbuf) {
			p->drops++;
			continue;
		}
		c = alloc_skb(skb->len, 0);
		if (!c)
			continue;
		memcpy(skb_put(c, skb->len), skb->data, skb->len);
		c->iif = skb->iif;
		c->protocol = proto;
		c->pkt_type = skb->pkt_type;
		skb_queue_tail(&p->rxq, c);
		wake_up_poll(&p->wq, POLLIN);
	}
}

static long packet_bind(struct socket *s, const u8 *addr, u32 len)
{
	struct packet_sock *p = pks(s);
	struct sockaddr_ll sll;

	if (len < sizeof(sll) - 8 + 2) /* Linux takes a short address too */
		return -EINVAL;
	memset(&sll, 0, sizeof(sll));
	memcpy(&sll, addr, MIN(len, (u32)sizeof(sll)));
	if (sll.sll_family != AF_PACKET)
		return -EINVAL;
	if (sll.sll_ifindex && !dev_get_by_index(sll.sll_ifindex))
		return -ENODEV;
	p->ifindex = sll.sll_ifindex;
	if (sll.sll_protocol)
		p->proto = ntohs(sll.sll_protocol);
	return 0;
}

static long packet_connect(struct socket *s, const u8 *addr, u32 len)
{
	return -EOPNOTSUPP;
}

static long packet_getname(struct socket *s, u8 *addr, u32 *len, bool peer)
{
	struct packet_sock *p = pks(s);
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(p->proto),
				   .sll_ifindex = p->ifindex };
	struct net_device *d = p->ifindex ? dev_get_by_index(p->ifindex) : NULL;

	if (peer)
		return -EOPNOTSUPP;
	if (d) {
		sll.sll_hatype = d->type;
		sll.sll_halen = ETH_ALEN;
		memcpy(sll.sll_addr, d->addr, ETH_ALEN);
	}
	memcpy(addr, &sll, sizeof(sll));
	*len = sizeof(sll);
	return 0;
}

static long packet_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct packet_sock *p = pks(s);
	size_t len = m->data->resid;
	struct sockaddr_ll sll;
	struct net_device *d;
	struct sk_buff *skb;
	int ifindex = p->ifindex;
	u16 proto = p->proto;

	memset(&sll, 0, sizeof(sll));
	if (m->namelen) {
		if (m->namelen < 12)
			return -EINVAL;
		memcpy(&sll, m->name, MIN(m->namelen, (u32)sizeof(sll)));
		ifindex = sll.sll_ifindex;
		if (sll.sll_protocol)
			proto = ntohs(sll.sll_protocol);
	}
	d = ifindex ? dev_get_by_index(ifindex) : NULL;
	if (!d)
		return -ENXIO;
	if (!(d->flags & IFF_UP))
		return -ENETDOWN;
	if (s->type == SOCK_DGRAM && m->namelen && sll.sll_halen < ETH_ALEN && d->type == ARPHRD_ETHER)
		return -EINVAL;
	if (len > d->mtu + (s->type == SOCK_RAW ? ETH_HLEN : 0))
		return -EMSGSIZE;
	if (s->type == SOCK_RAW && len < ETH_HLEN)
		return -EINVAL;
	skb = skb_from_uio(m->data, (u32)len, MAX_HEADER);
	if (IS_ERR(skb))
		return PTR_ERR(skb);
	if (s->type == SOCK_DGRAM) {
		eth_xmit(skb, d, sll.sll_addr, proto);
	} else {
		skb->dev = d;
		dev_queue_xmit(skb);
	}
	return (long)len;
}

static long packet_recvmsg(struct socket *s, struct kmsg *m, size_t len, int flags)
{
	struct packet_sock *p = pks(s);
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct sk_buff *skb;
	struct net_device *d;
	u32 off;
	long rc;

	rc = wait_event_deadline(&p->wq, (p->rxq.qlen && !p->reader) || (flags & MSG_DONTWAIT),
				 sock_deadline(s->rcvtimeo), "packet_recv");
	if (rc < 0)
		return rc;
	if (!p->rxq.qlen || p->reader)
		return -EAGAIN;
	p->reader = current; /* one copy at a time: it may sleep */
	skb = skb_peek(&p->rxq);
	off = s->type == SOCK_DGRAM ? ETH_HLEN : 0;
	sll.sll_protocol = htons(skb->protocol);
	sll.sll_ifindex = skb->iif;
	sll.sll_pkttype = skb->pkt_type;
	sll.sll_halen = ETH_ALEN;
	memcpy(sll.sll_addr, skb->data + ETH_ALEN, ETH_ALEN); /* the source */
	d = dev_get_by_index(skb->iif);
	sll.sll_hatype = d ? d->type : ARPHRD_ETHER;
	rc = uio_copy_to(m->data, skb->data + off, MIN(len, (size_t)(skb->len - off)));
	if (rc >= 0) {
		if (skb->len - off > len)
			m->flags |= MSG_TRUNC;
		if (flags & MSG_TRUNC)
			rc = skb->len - off;
		memcpy(m->name, &sll, sizeof(sll));
		m->namelen = sizeof(sll);
		if (!(flags & MSG_PEEK)) {
			skb_unlink(&p->rxq, skb);
			kfree_skb(skb);
		}
	}
	p->reader = NULL;
	wake_up(&p->wq);
	return rc;
}

static unsigned packet_poll(struct socket *s, struct poll_table *pt)
{
	struct packet_sock *p = pks(s);

	poll_wait(pt, &p->wq);
	return POLLOUT | POLLWRNORM | (p->rxq.qlen ? POLLIN | POLLRDNORM : 0);
}

static long packet_shutdown(struct socket *s, int how)
{
	return -EOPNOTSUPP;
}

static long packet_setsockopt(struct socket *s, int level, int name, const void *val, u32 len)
{
	return -ENOPROTOOPT; /* SO_ATTACH_FILTER, PACKET_AUXDATA...: not here */
}

static const struct proto_ops packet_ops = {
	.release = packet_release,
	.bind = packet_bind,
	.connect = packet_connect,
	.listen = sock_no_listen,
	.accept = sock_no_accept,
	.getname = packet_getname,
	.sendmsg = packet_sendmsg,
	.recvmsg = packet_recvmsg,
	.poll = packet_poll,
	.shutdown = packet_shutdown,
	.setsockopt = packet_setsockopt,
};
