/*
 * IPv4 routing. Three kinds of destination, looked at in this order:
 * local addresses (an address of an up interface, or all of 127/8 while
 * lo is up) go to the loopback device; the subnet of an up interface's
 * address is on that link; anything else takes the static route with the
 * longest prefix, then the lowest metric (the default route is 0/0).
 * Subnet routes are not stored: they follow from the addresses, so they
 * come and go with the interfaces as Linux's kernel routes do.
 */
#include "inet.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"

#define RTF_UP 0x0001
#define RTF_GATEWAY 0x0002
#define RTF_HOST 0x0004
#define MAX_ROUTES 4096

struct route {
	struct list_head node;
	u32 dst, mask, gw; /* network order */
	struct net_device *dev;
	int metric;
};

static LIST_HEAD(routes);
static int nroutes;

struct net_device *loopback_device(void);

static bool dev_usable(struct net_device *d, int oif)
{
	return (d->flags & IFF_UP) && (!oif || d->ifindex == oif);
}

int inet_addr_type(u32 addr)
{
	struct net_device *d;

	if (ipv4_is_lbcast(addr))
		return RTN_BROADCAST;
	if (ipv4_is_multicast(addr))
		return RTN_MULTICAST;
	if (ipv4_is_loopback(addr))
		return (loopback_device()->flags & IFF_UP) ? RTN_LOCAL : RTN_UNREACHABLE;
	for_each_netdev(d) {
		struct in_ifaddr *ifa;

		if (!(d->flags & IFF_UP))
			continue;
		for (ifa = d->ifa_list; ifa; ifa = ifa->next) {
			if (ifa->local == addr)
				return RTN_LOCAL;
			if (ifa->broadcast && ifa->broadcast == addr)
				return RTN_BROADCAST;
		}
	}
	return RTN_UNICAST;
}

/* An address of dev to send from, preferring one on nexthop's subnet. */
static u32 select_src(struct net_device *dev, u32 nexthop)
{
	struct in_ifaddr *ifa;
	struct net_device *d;

	for (ifa = dev->ifa_list; ifa; ifa = ifa->next)
		if (((ifa->local ^ nexthop) & ifa->mask) == 0)
			return ifa->local;
	if (dev->ifa_list)
		return dev->ifa_list->local;
	for_each_netdev(d)
		if ((d->flags & IFF_UP) && !(d->flags & IFF_LOOPBACK) && d->ifa_list)
			return d->ifa_list->local;
	return inet_dev_addr(loopback_device());
}

static struct net_device *first_broadcast_dev(int oif)
{
	struct net_device *d;
	struct route *r;

	list_for_each_entry(r, &routes, node)
		if (r->mask == 0 && dev_usable(r->dev, oif))
			return r->dev;
	for_each_netdev(d)
		if (dev_usable(d, oif) && !(d->flags & IFF_LOOPBACK))
			return d;
	return NULL;
}

int ip_route_output(u32 daddr, int oif, struct rt_result *rt)
{
	struct net_device *d, *lo = loopback_device();
	struct route *r, *best = NULL;
	int type, bestlen = -1;

	if (daddr == 0)
		daddr = INADDR_LOOPBACK_N;
	type = inet_addr_type(daddr);
	rt->type = type;
	rt->nexthop = daddr;
	if (type == RTN_LOCAL) {
		rt->dev = lo;
		rt->src = ipv4_is_loopback(daddr) ? inet_dev_addr(lo) : daddr;
		if (!rt->src)
			rt->src = daddr;
		return 0;
	}
	if (type == RTN_UNREACHABLE)
		return -ENETUNREACH;
	if (type == RTN_BROADCAST || type == RTN_MULTICAST) {
		struct in_ifaddr *ifa;

		/* A subnet's broadcast address names its interface. */
		for_each_netdev(d)
			for (ifa = d->ifa_list; ifa && type == RTN_BROADCAST; ifa = ifa->next)
				if (ifa->broadcast == daddr && dev_usable(d, oif)) {
					rt->dev = d;
					rt->src = ifa->local;
					return 0;
				}
		d = oif ? dev_get_by_index(oif) : first_broadcast_dev(0);
		if (!d || !(d->flags & IFF_UP))
			return -ENETUNREACH;
		rt->dev = d;
		rt->src = select_src(d, daddr);
		return 0;
	}
	/* The subnet of an up interface. */
	for_each_netdev(d) {
		struct in_ifaddr *ifa;

		if (!dev_usable(d, oif) || (d->flags & IFF_LOOPBACK))
			continue;
		for (ifa = d->ifa_list; ifa; ifa = ifa->next)
			if (((ifa->local ^ daddr) & ifa->mask) == 0 && ifa->prefixlen > bestlen) {
				bestlen = ifa->prefixlen;
				rt->dev = d;
				rt->src = ifa->local;
			}
	}
	list_for_each_entry(r, &routes, node) {
		int len = __builtin_popcount(r->mask);

		if (((daddr ^ r->dst) & r->mask) || !dev_usable(r->dev, oif))
			continue;
		if (len > bestlen || (len == bestlen && best && r->metric < best->metric)) {
			best = r;
			bestlen = len;
		}
	}
	if (best) {
		rt->dev = best->dev;
		rt->nexthop = best->gw ? best->gw : daddr;
		rt->src = select_src(best->dev, rt->nexthop);
		return 0;
	}
	return bestlen >= 0 ? 0 : -ENETUNREACH;
}

int ip_route_add(u32 dst, u32 mask, u32 gw, struct net_device *dev, int metric)
{
	struct route *r;

	if (dst & ~mask)
		return -EINVAL;
	list_for_each_entry(r, &routes, node)
		if (r->dst == dst && r->mask == mask && r->metric == metric &&
		    (!dev || r->dev == dev))
			return -EEXIST;
	if (!dev) {
		struct rt_result rt;

		/* The gateway must be reachable on a link. */
		if (!gw || ip_route_output(gw, 0, &rt) < 0 || rt.type != RTN_UNICAST ||
		    rt.nexthop != gw)
			return -ENETUNREACH;
		dev = rt.dev;
	}
	if (nroutes >= MAX_ROUTES)
		return -ENOBUFS;
	r = kzalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->dst = dst;
	r->mask = mask;
	r->gw = gw;
	r->dev = dev;
	r->metric = metric;
	list_add_tail(&r->node, &routes);
	nroutes++;
	return 0;
}

int ip_route_del(u32 dst, u32 mask, u32 gw, struct net_device *dev, int metric)
{
	struct route *r;

	list_for_each_entry(r, &routes, node) {
		if (r->dst != dst || r->mask != mask || (dev && r->dev != dev) ||
		    (gw && r->gw != gw) || (metric >= 0 && r->metric != metric))
			continue;
		list_del(&r->node);
		kfree(r);
		nroutes--;
		return 0;
	}
	return -ESRCH;
}

void route_dev_gone(struct net_device *dev)
{
	struct route *r, *n;

	list_for_each_entry_safe(r, n, &routes, node)
		if (r->dev == dev) {
			list_del(&r->node);
			kfree(r);
			nroutes--;
		}
}

static size_t route_line(char *buf, size_t len, const char *dev, u32 dst, u32 gw, int flags,
			 int metric, u32 mask)
{
	char line[160];
	int n = scnprintf(line, sizeof(line), "%s\t%08X\t%08X\t%04X\t%d\t%u\t%d\t%08X\t%d\t%u\t%u",
			  dev, dst, gw, flags, 0, 0, metric, mask, 0, 0, 0);

	return (size_t)scnprintf(buf, len, "%-127s\n", line);
	(void)n;
}

int route_proc(char *buf, size_t len)
{
	struct net_device *d;
	struct route *r;
	size_t pos = 0;

	pos += (size_t)scnprintf(buf, len, "%-127s\n",
				 "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
	for_each_netdev(d) {
		struct in_ifaddr *ifa;

		if (!(d->flags & IFF_UP) || (d->flags & IFF_LOOPBACK))
			continue;
		for (ifa = d->ifa_list; ifa; ifa = ifa->next)
			pos += route_line(buf + pos, len - pos, d->name, ifa->local & ifa->mask, 0,
					  RTF_UP, 0, ifa->mask);
	}
	list_for_each_entry(r, &routes, node) {
		int flags = RTF_UP | (r->gw ? RTF_GATEWAY : 0) | (r->mask == 0xffffffffu ? RTF_HOST : 0);

		if (!(r->dev->flags & IFF_UP))
			continue;
		pos += route_line(buf + pos, len - pos, r->dev->name, r->dst, r->gw, flags, r->metric,
				  r->mask);
	}
	return (int)pos;
}

void route_walk(void (*fn)(const struct route_info *r, void *arg), void *arg)
{
	struct net_device *d;
	struct route *r;

	for_each_netdev(d) {
		struct in_ifaddr *ifa;

		if (!(d->flags & IFF_UP) || (d->flags & IFF_LOOPBACK))
			continue;
		for (ifa = d->ifa_list; ifa; ifa = ifa->next) {
			struct route_info ri = { ifa->local & ifa->mask, ifa->mask, 0, ifa->local, d, 0, true };

			fn(&ri, arg);
		}
	}
	list_for_each_entry(r, &routes, node) {
		struct route_info ri = { r->dst, r->mask, r->gw, 0, r->dev, r->metric, false };

		if (r->dev->flags & IFF_UP)
			fn(&ri, arg);
	}
}
