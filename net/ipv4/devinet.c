/*
 * IPv4 addresses of interfaces. SIOCSIFADDR gives an interface its (one
 * primary) address with the classful mask, SIOCSIFNETMASK and
 * SIOCSIFBRDADDR adjust it; the loopback device gets 127.0.0.1/8 when it
 * first comes up, as in Linux. Routes to the subnets of up interfaces
 * follow from these addresses (route.c), so nothing here edits routes.
 */
#include "inet.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "neighbour.h"

static u8 mask_len(u32 mask_n)
{
	return (u8)__builtin_popcount(mask_n);
}

/* The mask SIOCSIFADDR implies: class A, B or C. */
static u32 classful_mask(u32 addr_n)
{
	u32 a = ntohl(addr_n);

	if (a == 0)
		return 0;
	if (!(a & 0x80000000u))
		return htonl(0xff000000u);
	if ((a & 0xc0000000u) == 0x80000000u)
		return htonl(0xffff0000u);
	if ((a & 0xe0000000u) == 0xc0000000u)
		return htonl(0xffffff00u);
	return htonl(0xffffffffu);
}

static void set_broadcast(struct in_ifaddr *ifa)
{
	struct net_device *dev = ifa->dev;

	ifa->broadcast = (dev->flags & IFF_BROADCAST) && ifa->prefixlen < 31 ?
				 (ifa->local | ~ifa->mask) :
				 0;
}

int inet_ifa_set(struct net_device *dev, u32 local, u32 mask)
{
	struct in_ifaddr *ifa = dev->ifa_list;

	if (local == 0) { /* Linux: setting 0.0.0.0 deletes the address */
		inet_ifa_del_all(dev);
		return 0;
	}
	if (!ifa) {
		ifa = kzalloc(sizeof(*ifa));
		if (!ifa)
			return -ENOMEM;
		ifa->dev = dev;
		strlcpy(ifa->label, dev->name, sizeof(ifa->label));
		dev->ifa_list = ifa;
	}
	ifa->local = local;
	ifa->mask = mask ? mask : classful_mask(local);
	ifa->prefixlen = mask_len(ifa->mask);
	set_broadcast(ifa);
	return 0;
}

void inet_ifa_set_mask(struct net_device *dev, u32 mask)
{
	struct in_ifaddr *ifa = dev->ifa_list;

	if (!ifa)
		return;
	ifa->mask = mask;
	ifa->prefixlen = mask_len(mask);
	set_broadcast(ifa);
}

void inet_ifa_set_broadcast(struct net_device *dev, u32 bcast)
{
	if (dev->ifa_list)
		dev->ifa_list->broadcast = bcast;
}

void inet_ifa_del_all(struct net_device *dev)
{
	while (dev->ifa_list) {
		struct in_ifaddr *ifa = dev->ifa_list;

		dev->ifa_list = ifa->next;
		kfree(ifa);
	}
}

u32 inet_dev_addr(struct net_device *dev)
{
	return dev && dev->ifa_list ? dev->ifa_list->local : 0;
}

void inet_dev_up(struct net_device *dev)
{
	if ((dev->flags & IFF_LOOPBACK) && !dev->ifa_list)
		inet_ifa_set(dev, INADDR_LOOPBACK_N, htonl(0xff000000u));
	addrconf_dev_up(dev);
}

void inet_dev_down(struct net_device *dev)
{
	(void)dev; /* addresses stay; their routes go with IFF_UP */
}

void route_dev_gone(struct net_device *dev);

void inet_dev_unregister(struct net_device *dev)
{
	inet_ifa_del_all(dev);
	route_dev_gone(dev);
	neigh_dev_gone(dev);
	addrconf_dev_gone(dev);
}

int inet_ifa_add(struct net_device *dev, u32 local, u8 prefixlen, u32 bcast, bool excl)
{
	struct in_ifaddr *ifa, **pp;

	for (ifa = dev->ifa_list; ifa; ifa = ifa->next)
		if (ifa->local == local && ifa->prefixlen == prefixlen)
			return excl ? -EEXIST : 0;
	ifa = kzalloc(sizeof(*ifa));
	if (!ifa)
		return -ENOMEM;
	ifa->dev = dev;
	strlcpy(ifa->label, dev->name, sizeof(ifa->label));
	ifa->local = local;
	ifa->prefixlen = prefixlen;
	ifa->mask = prefixlen ? htonl(0xffffffffu << (32 - prefixlen)) : 0;
	set_broadcast(ifa);
	if (bcast)
		ifa->broadcast = bcast;
	for (pp = &dev->ifa_list; *pp; pp = &(*pp)->next)
		;
	*pp = ifa;
	return 0;
}

int inet_ifa_del(struct net_device *dev, u32 local, u8 prefixlen)
{
	struct in_ifaddr **pp;

	for (pp = &dev->ifa_list; *pp; pp = &(*pp)->next) {
		struct in_ifaddr *ifa = *pp;

		if (ifa->local == local && (!prefixlen || ifa->prefixlen == prefixlen)) {
			*pp = ifa->next;
			kfree(ifa);
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}
