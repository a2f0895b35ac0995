/*
 * ARP: IPv4 addresses to Ethernet addresses on Ethernet links, through
 * the neighbour cache (net/neighbour.c: waiting packets, retries, the
 * reachable time of 300 s). Answers to requests for our addresses, and
 * what others tell us about neighbours we asked for, fill the table
 * (/proc/net/arp).
 */
#include <linux/sockios.h>

#include "inet.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"
#include "neighbour.h"

#define ARP_REQUEST 1
#define ARP_REPLY 2
#define ATF_COM 0x02
#define ATF_PERM 0x04

struct arphdr_k {
	u16 htype, ptype;
	u8 hlen, plen;
	u16 op;
	u8 sha[ETH_ALEN];
	u32 spa;
	u8 tha[ETH_ALEN];
	u32 tpa;
} __attribute__((packed));

/* struct arpreq of <net/if_arp.h>, whose header pulls in libc's. */
struct sockaddr_k {
	u16 sa_family;
	u8 sa_data[14];
};
struct arpreq_k {
	struct sockaddr_k arp_pa, arp_ha;
	int arp_flags;
	struct sockaddr_k arp_netmask;
	char arp_dev[IFNAMSIZ];
};

static void arp_send(struct net_device *dev, int op, u32 tip, const u8 *tha, u32 sip)
{
	static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct sk_buff *skb = alloc_skb(sizeof(struct arphdr_k), MAX_HEADER);
	struct arphdr_k *a;

	if (!skb)
		return;
	a = (struct arphdr_k *)skb_put(skb, sizeof(*a));
	a->htype = htons(ARPHRD_ETHER);
	a->ptype = htons(ETH_P_IP);
	a->hlen = ETH_ALEN;
	a->plen = 4;
	a->op = htons((u16)op);
	memcpy(a->sha, dev->addr, ETH_ALEN);
	a->spa = sip;
	if (tha)
		memcpy(a->tha, tha, ETH_ALEN);
	else
		memset(a->tha, 0, ETH_ALEN);
	a->tpa = tip;
	eth_xmit(skb, dev, tha ? tha : bcast, ETH_P_ARP);
}

static void arp_solicit(struct neighbour *n)
{
	u32 ip;

	memcpy(&ip, n->key, 4);
	arp_send(n->dev, ARP_REQUEST, ip, NULL, inet_dev_addr(n->dev));
}

static const struct neigh_ops arp_ops = {
	.proto = ETH_P_IP,
	.keylen = 4,
	.reachable_ns = 300 * NSEC_PER_SEC,
	.solicit = arp_solicit,
};

void arp_output(struct sk_buff *skb, struct net_device *dev, u32 nexthop)
{
	neigh_resolve_output(&arp_ops, skb, dev, &nexthop);
}

void arp_rcv(struct sk_buff *skb)
{
	struct arphdr_k *a = (struct arphdr_k *)skb->data;
	struct net_device *dev = skb->dev;
	bool for_us;

	if (skb->len < sizeof(*a) || ntohs(a->htype) != ARPHRD_ETHER || ntohs(a->ptype) != ETH_P_IP ||
	    a->hlen != ETH_ALEN || a->plen != 4 || (dev->flags & IFF_NOARP) || (a->sha[0] & 1))
		goto out;
	for_us = a->tpa && inet_dev_addr(dev) == a->tpa;
	if (a->spa) {
		u32 spa = a->spa;

		neigh_update(&arp_ops, dev, &spa, a->sha, for_us);
	}
	if (for_us && ntohs(a->op) == ARP_REQUEST)
		arp_send(dev, ARP_REPLY, a->spa, a->sha, a->tpa);
out:
	kfree_skb(skb);
}

struct arp_proc_buf {
	char *buf;
	size_t len, pos;
};

static void arp_proc_line(struct neighbour *n, void *arg)
{
	struct arp_proc_buf *p = arg;
	char ip[16], mac[18];
	const u8 *b = n->key;

	scnprintf(ip, sizeof(ip), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	scnprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0], n->mac[1], n->mac[2],
		  n->mac[3], n->mac[4], n->mac[5]);
	p->pos += (size_t)scnprintf(p->buf + p->pos, p->len - p->pos,
				    "%-16s 0x%-10x0x%-10x%-17s     *        %s\n", ip, ARPHRD_ETHER,
				    n->state == NUD_PERMANENT ? ATF_COM | ATF_PERM :
				    n->state == NUD_REACHABLE ? ATF_COM : 0,
				    mac, n->dev->name);
}

int arp_proc(char *buf, size_t len)
{
	struct arp_proc_buf p = { buf, len, 0 };

	p.pos += (size_t)scnprintf(buf, len,
				   "IP address       HW type     Flags       HW address            Mask     Device\n");
	neigh_walk(&arp_ops, arp_proc_line, &p);
	return (int)p.pos;
}

/* SIOCSARP, SIOCGARP, SIOCDARP (arp -s, arp -d): static entries. The
 * device is the one named, else the one the address routes through. */
long arp_ioctl(unsigned cmd, u64 arg)
{
	struct arpreq_k r;
	struct net_device *dev;
	struct rt_result rt;
	struct neighbour *n;
	u32 ip;

	if (copy_from_user(&r, arg, sizeof(r)) < 0)
		return -EFAULT;
	if (cmd != SIOCGARP && current->euid != 0)
		return -EPERM;
	if (r.arp_pa.sa_family != AF_INET)
		return -EAFNOSUPPORT;
	memcpy(&ip, r.arp_pa.sa_data + 2, 4);
	r.arp_dev[IFNAMSIZ - 1] = 0;
	if (r.arp_dev[0])
		dev = dev_get_by_name(r.arp_dev);
	else
		dev = ip_route_output(ip, 0, &rt) == 0 ? rt.dev : NULL;
	if (!dev)
		return -ENODEV;
	if (dev->type != ARPHRD_ETHER)
		return -EINVAL;
	switch (cmd) {
	case SIOCSARP:
		if (r.arp_ha.sa_family != ARPHRD_ETHER && r.arp_ha.sa_family != AF_UNSPEC)
			return -EINVAL;
		return neigh_set_permanent(&arp_ops, dev, &ip, (const u8 *)r.arp_ha.sa_data);
	case SIOCDARP:
		return neigh_delete(&arp_ops, dev, &ip);
	default:
		n = neigh_find(&arp_ops, dev, &ip);
		if (!n || n->state == NUD_INCOMPLETE || n->state == NUD_FAILED)
			return -ENXIO;
		r.arp_ha.sa_family = ARPHRD_ETHER;
		memcpy(r.arp_ha.sa_data, n->mac, ETH_ALEN);
		r.arp_flags = n->state == NUD_PERMANENT ? ATF_COM | ATF_PERM : ATF_COM;
		strlcpy(r.arp_dev, dev->name, IFNAMSIZ);
		return copy_to_user(arg, &r, sizeof(r)) < 0 ? -EFAULT : 0;
	}
}
