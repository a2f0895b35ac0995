/*
 * IPv6 routing, as route.c does it for IPv4: this host's addresses go to
 * the loopback device; the prefix of an up interface's address is on that
 * link (fe80::/64 on every Ethernet one); anything else takes the static
 * route with the longest prefix, then the lowest metric (::/0 is the
 * default). Link-local and link-scope multicast destinations mean
 * nothing without an interface: the caller names it (a socket's bound
 * device or the address's scope id), or, for multicast only, the first
 * up Ethernet interface is taken. Prefix routes are not stored.
 */
#include "inet.h"
#include "ipv6.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"

#define MAX_ROUTES6   4096
#define RTF_UP	      0x0001
#define RTF_GATEWAY   0x0002
#define RTF_HOST      0x0004
#define RTF_NONEXTHOP 0x00200000

struct route6 {
	struct list_head node;
	struct in6_addr dst, gw;
	int plen, metric;
	struct net_device *dev;
};

static LIST_HEAD(routes6);
static int nroutes6;

struct net_device *loopback_device(void);

static bool usable(const struct net_device *d, int oif)
{
	return (d->flags & IFF_UP) && (!oif || d->ifindex == oif);
}

static void set_src(struct rt6_result *rt, const struct in6_addr *daddr)
{
	struct net_device *d;

	if (ipv6_dev_get_saddr(rt->dev, daddr, &rt->src))
		return;
	/* A device without addresses of its own: any global one will do. */
	for_each_netdev(d) if ((d->flags & IFF_UP) && !(d->flags & IFF_LOOPBACK) &&
			       ipv6_dev_get_saddr(d, daddr, &rt->src)) return;
	memset(&rt->src, 0, sizeof(rt->src));
}

int ip6_route_output(const struct in6_addr *daddr, int oif, struct rt6_result *rt)
{
	struct net_device *d, *lo = loopback_device();
	struct route6 *r, *best = NULL;
	int bestlen = -1;

	memset(rt, 0, sizeof(*rt));
	rt->nexthop = *daddr;
	if (in6_loopback(daddr) || ipv6_chk_addr(daddr, NULL)) {
		if (!(lo->flags & IFF_UP))
			return -ENETUNREACH;
		rt->dev = lo;
		rt->local = true;
		rt->src = *daddr;
		return 0;
	}
	if (in6_multicast(daddr)) {
		d = oif ? dev_get_by_index(oif) : NULL;
		if (!oif)
			for_each_netdev(d) if (usable(d, 0) && d->type == ARPHRD_ETHER) break;
		if (!d || &d->node == &netdev_list || !(d->flags & IFF_UP))
			return -ENETUNREACH;
		rt->dev = d;
		set_src(rt, daddr);
		return 0;
	}
	if (in6_linklocal(daddr)) {
		d = oif ? dev_get_by_index(oif) : NULL;
		if (!d)
			return -EINVAL;
		if (!(d->flags & IFF_UP))
			return -ENETUNREACH;
		rt->dev = d;
		set_src(rt, daddr);
		return 0;
	}
	for_each_netdev(d)
	{
		struct inet6_ifaddr *ifa;

		if (!usable(d, oif) || (d->flags & IFF_LOOPBACK))
			continue;
		for (ifa = d->ip6_list; ifa; ifa = ifa->next)
			if (ifa->scope == IFA6_SCOPE_GLOBAL &&
			    in6_prefix_eq(&ifa->addr, daddr, ifa->prefixlen) &&
			    ifa->prefixlen > bestlen) {
				bestlen = ifa->prefixlen;
				rt->dev = d;
			}
	}
	list_for_each_entry(r, &routes6, node)
	{
		if (!in6_prefix_eq(&r->dst, daddr, r->plen) || !usable(r->dev, oif))
			continue;
		if (r->plen > bestlen || (r->plen == bestlen && best && r->metric < best->metric)) {
			best = r;
			bestlen = r->plen;
		}
	}
	if (best) {
		rt->dev = best->dev;
		if (!in6_any(&best->gw))
			rt->nexthop = best->gw;
	}
	if (bestlen < 0)
		return -ENETUNREACH;
	set_src(rt, daddr);
	return 0;
}

int ip6_route_add(const struct in6_addr *dst, int plen, const struct in6_addr *gw,
		  struct net_device *dev, int metric)
{
	struct in6_addr masked = *dst;
	struct route6 *r;
	int i;

	if (plen < 0 || plen > 128)
		return -EINVAL;
	for (i = plen; i < 128; i++)
		masked.s6_addr[i / 8] &= (u8) ~(0x80 >> (i % 8));
	list_for_each_entry(r, &routes6, node) if (in6_eq(&r->dst, &masked) && r->plen == plen &&
						   r->metric == metric &&
						   (!dev || r->dev == dev)) return -EEXIST;
	if (!dev) {
		struct rt6_result rt;

		/* The gateway must be on a link, and with a link-local one
		 * the link must be named. */
		if (!gw || in6_any(gw) || ip6_route_output(gw, 0, &rt) < 0 || rt.local ||
		    !in6_eq(&rt.nexthop, gw))
			return -ENETUNREACH;
		dev = rt.dev;
	}
	if (nroutes6 >= MAX_ROUTES6)
		return -ENOBUFS;
	r = kzalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->dst = masked;
	r->plen = plen;
	if (gw)
		r->gw = *gw;
	r->dev = dev;
	r->metric = metric ? metric : 1024; /* Linux's default for IPv6 */
	list_add_tail(&r->node, &routes6);
	nroutes6++;
	return 0;
}

int ip6_route_del(const struct in6_addr *dst, int plen, const struct in6_addr *gw,
		  struct net_device *dev, int metric)
{
	struct route6 *r;

	list_for_each_entry(r, &routes6, node)
	{
		if (!in6_eq(&r->dst, dst) || r->plen != plen || (dev && r->dev != dev) ||
		    (gw && !in6_any(gw) && !in6_eq(&r->gw, gw)) ||
		    (metric > 0 && r->metric != metric))
			continue;
		list_del(&r->node);
		kfree(r);
		nroutes6--;
		return 0;
	}
	return -ESRCH;
}

void route6_dev_gone(struct net_device *dev)
{
	struct route6 *r, *n;

	list_for_each_entry_safe(r, n, &routes6, node) if (r->dev == dev)
	{
		list_del(&r->node);
		kfree(r);
		nroutes6--;
	}
}

void route6_walk(void (*fn)(const struct route6_info *r, void *arg), void *arg)
{
	struct net_device *d;
	struct route6 *r;

	for_each_netdev(d)
	{
		struct inet6_ifaddr *ifa, *o;

		if (!(d->flags & IFF_UP) || (d->flags & IFF_LOOPBACK))
			continue;
		for (ifa = d->ip6_list; ifa; ifa = ifa->next) {
			struct route6_info ri;
			bool dup = false;
			int i;

			memset(&ri, 0, sizeof(ri));
			ri.dst = ifa->addr;
			for (i = ifa->prefixlen; i < 128; i++)
				ri.dst.s6_addr[i / 8] &= (u8) ~(0x80 >> (i % 8));
			/* One route per prefix, however many addresses share it. */
			for (o = d->ip6_list; o != ifa; o = o->next)
				dup = dup || (o->prefixlen == ifa->prefixlen &&
					      in6_prefix_eq(&o->addr, &ifa->addr, ifa->prefixlen));
			if (dup)
				continue;
			ri.plen = ifa->prefixlen;
			ri.metric = 256;
			ri.dev = d;
			ri.kernel = true;
			fn(&ri, arg);
		}
	}
	list_for_each_entry(r, &routes6, node)
	{
		struct route6_info ri = {r->dst, r->gw, r->plen, r->metric, r->dev, false};

		if (r->dev->flags & IFF_UP)
			fn(&ri, arg);
	}
}

struct proc6 {
	char *buf;
	size_t len, pos;
};

static void hex16(struct proc6 *p, const struct in6_addr *a)
{
	int i;

	for (i = 0; i < 16; i++)
		p->pos +=
			(size_t)scnprintf(p->buf + p->pos, p->len - p->pos, "%02x", a->s6_addr[i]);
}

static void proc_line(const struct route6_info *r, void *arg)
{
	struct proc6 *p = arg;
	struct in6_addr zero;
	unsigned flags =
		RTF_UP | (in6_any(&r->gw) ? 0 : RTF_GATEWAY) | (r->plen == 128 ? RTF_HOST : 0);

	memset(&zero, 0, sizeof(zero));
	hex16(p, &r->dst);
	p->pos += (size_t)scnprintf(p->buf + p->pos, p->len - p->pos, " %02x ", r->plen);
	hex16(p, &zero);
	p->pos += (size_t)scnprintf(p->buf + p->pos, p->len - p->pos, " 00 ");
	hex16(p, &r->gw);
	p->pos += (size_t)scnprintf(p->buf + p->pos, p->len - p->pos, " %08x %08x %08x %08x %8s\n",
				    r->metric, 1, 0, flags, r->dev->name);
}

/* /proc/net/ipv6_route: destination, its length, source (unused here),
 * next hop, metric, reference and use counts, RTF_* flags, device. */
int ipv6_route_proc(char *buf, size_t len)
{
	struct proc6 p = {buf, len, 0};

	route6_walk(proc_line, &p);
	return (int)p.pos;
}
