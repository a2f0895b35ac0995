/*
 * IPv6 addresses of interfaces. An interface coming up gets its
 * link-local address, fe80::/64 with the EUI-64 interface identifier
 * made from its MAC (RFC 4291 appendix A), and lo gets ::1/128, as in
 * Linux. Others are added by rtnetlink or SIOCSIFADDR. Addresses are
 * usable at once: there is no duplicate address detection (the machine
 * owns its MAC, and static addresses are the administrator's promise).
 * Routes to the prefixes follow from the addresses (route6.c).
 */
#include <linux/if_addr.h>
#include <linux/sockios.h>

#include "inet.h"
#include "ipv6.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"

bool in6_prefix_eq(const struct in6_addr *a, const struct in6_addr *b, int plen)
{
	int full = plen / 8, rest = plen % 8;

	if (memcmp(a->s6_addr, b->s6_addr, (size_t)full) != 0)
		return false;
	if (!rest)
		return true;
	return ((a->s6_addr[full] ^ b->s6_addr[full]) & (0xff00 >> rest)) == 0;
}

void in6_solicited_node(const struct in6_addr *target, struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xff;
	out->s6_addr[1] = 0x02;
	out->s6_addr[11] = 0x01;
	out->s6_addr[12] = 0xff;
	memcpy(&out->s6_addr[13], &target->s6_addr[13], 3);
}

static u8 scope_of(const struct in6_addr *a)
{
	if (in6_loopback(a))
		return IFA6_SCOPE_HOST;
	if (in6_linklocal(a))
		return IFA6_SCOPE_LINK;
	return IFA6_SCOPE_GLOBAL;
}

int inet6_ifa_add(struct net_device *dev, const struct in6_addr *addr, u8 plen, bool excl)
{
	struct inet6_ifaddr *ifa, **pp;

	if (plen > 128 || in6_any(addr) || in6_multicast(addr) || in6_v4mapped(addr))
		return -EINVAL;
	for (ifa = dev->ip6_list; ifa; ifa = ifa->next)
		if (in6_eq(&ifa->addr, addr))
			return excl ? -EEXIST : 0;
	ifa = kzalloc(sizeof(*ifa));
	if (!ifa)
		return -ENOMEM;
	ifa->dev = dev;
	ifa->addr = *addr;
	ifa->prefixlen = plen;
	ifa->scope = scope_of(addr);
	ifa->flags = IFA_F_PERMANENT;
	for (pp = &dev->ip6_list; *pp; pp = &(*pp)->next)
		;
	*pp = ifa;
	return 0;
}

int inet6_ifa_del(struct net_device *dev, const struct in6_addr *addr, u8 plen)
{
	struct inet6_ifaddr **pp;

	for (pp = &dev->ip6_list; *pp; pp = &(*pp)->next) {
		struct inet6_ifaddr *ifa = *pp;

		if (in6_eq(&ifa->addr, addr) && (!plen || plen == ifa->prefixlen)) {
			*pp = ifa->next;
			kfree(ifa);
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}

bool ipv6_chk_addr(const struct in6_addr *addr, const struct net_device *dev)
{
	struct net_device *d;

	for_each_netdev(d)
	{
		struct inet6_ifaddr *ifa;

		if (!(d->flags & IFF_UP) || (dev && d != dev))
			continue;
		for (ifa = d->ip6_list; ifa; ifa = ifa->next)
			if (in6_eq(&ifa->addr, addr))
				return true;
	}
	return false;
}

bool ipv6_chk_mcast(const struct net_device *dev, const struct in6_addr *addr)
{
	struct inet6_ifaddr *ifa;
	struct in6_addr sn;

	/* ff01::1 and ff02::1: all nodes. */
	if ((addr->s6_addr[1] == 0x01 || addr->s6_addr[1] == 0x02) && !addr->s6_addr32[1] &&
	    !addr->s6_addr32[2] && addr->s6_addr32[3] == htonl(1) && !addr->s6_addr16[1])
		return true;
	for (ifa = dev->ip6_list; ifa; ifa = ifa->next) {
		in6_solicited_node(&ifa->addr, &sn);
		if (in6_eq(&sn, addr))
			return true;
	}
	return false;
}

/* Common leading bits of a and b. */
static int common_prefix(const struct in6_addr *a, const struct in6_addr *b)
{
	int i;

	for (i = 0; i < 16; i++) {
		u8 x = a->s6_addr[i] ^ b->s6_addr[i];

		if (x)
			return i * 8 + __builtin_clz((unsigned)x) - 24;
	}
	return 128;
}

bool ipv6_dev_get_saddr(const struct net_device *dev, const struct in6_addr *daddr,
			struct in6_addr *saddr)
{
	u8 want = in6_needs_scope(daddr) ? IFA6_SCOPE_LINK : scope_of(daddr);
	struct inet6_ifaddr *ifa, *best = NULL;
	int bestscore = -1;

	if (in6_multicast(daddr) && !in6_mc_linkscope(daddr))
		want = IFA6_SCOPE_GLOBAL;
	for (ifa = dev->ip6_list; ifa; ifa = ifa->next) {
		/* Same scope first (256), then the longest common prefix. */
		int score = (ifa->scope == want ? 256 : 0) + common_prefix(&ifa->addr, daddr);

		if (in6_eq(&ifa->addr, daddr))
			score = 1000;
		if (score > bestscore) {
			bestscore = score;
			best = ifa;
		}
	}
	if (!best)
		return false;
	*saddr = best->addr;
	return true;
}

void addrconf_dev_up(struct net_device *dev)
{
	struct in6_addr a;

	memset(&a, 0, sizeof(a));
	if (dev->flags & IFF_LOOPBACK) {
		a.s6_addr[15] = 1;
		inet6_ifa_add(dev, &a, 128, false);
		return;
	}
	if (dev->type != ARPHRD_ETHER)
		return;
	a.s6_addr[0] = 0xfe;
	a.s6_addr[1] = 0x80;
	a.s6_addr[8] = dev->addr[0] ^ 0x02; /* the universal/local bit flips */
	a.s6_addr[9] = dev->addr[1];
	a.s6_addr[10] = dev->addr[2];
	a.s6_addr[11] = 0xff;
	a.s6_addr[12] = 0xfe;
	a.s6_addr[13] = dev->addr[3];
	a.s6_addr[14] = dev->addr[4];
	a.s6_addr[15] = dev->addr[5];
	inet6_ifa_add(dev, &a, 64, false);
}

void addrconf_dev_gone(struct net_device *dev)
{
	while (dev->ip6_list) {
		struct inet6_ifaddr *ifa = dev->ip6_list;

		dev->ip6_list = ifa->next;
		kfree(ifa);
	}
	route6_dev_gone(dev);
}

long addrconf_ioctl(unsigned cmd, u64 arg)
{
	struct in6_ifreq r;
	struct net_device *dev;

	if (copy_from_user(&r, arg, sizeof(r)) < 0)
		return -EFAULT;
	if (current->euid != 0)
		return -EPERM;
	dev = dev_get_by_index(r.ifr6_ifindex);
	if (!dev)
		return -ENODEV;
	if (r.ifr6_prefixlen > 128)
		return -EINVAL;
	if (cmd == SIOCSIFADDR)
		return inet6_ifa_add(dev, &r.ifr6_addr, (u8)r.ifr6_prefixlen, true);
	return inet6_ifa_del(dev, &r.ifr6_addr, (u8)r.ifr6_prefixlen);
}

/* /proc/net/if_inet6: address, ifindex, prefix length, scope, flags, name. */
int if_inet6_proc(char *buf, size_t len)
{
	struct net_device *d;
	size_t pos = 0;

	for_each_netdev(d)
	{
		struct inet6_ifaddr *ifa;

		if (!(d->flags & IFF_UP))
			continue;
		for (ifa = d->ip6_list; ifa; ifa = ifa->next) {
			int i;

			for (i = 0; i < 16; i++)
				pos += (size_t)scnprintf(buf + pos, len - pos, "%02x",
							 ifa->addr.s6_addr[i]);
			pos += (size_t)scnprintf(buf + pos, len - pos, " %02x %02x %02x %02x %8s\n",
						 d->ifindex, ifa->prefixlen, ifa->scope, ifa->flags,
						 d->name);
		}
	}
	return (int)pos;
}
