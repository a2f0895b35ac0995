/*
 * The interface and route ioctls busybox ifconfig and route use; any
 * socket answers them. Reading is open to everyone, changing needs root.
 * The layouts of struct ifreq, ifconf and rtentry are the x86-64 ABI
 * (the UAPI header that has them pulls in libc, so they are spelt here).
 */
#include <linux/sockios.h>

#include "inet.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "netdevice.h"

struct sockaddr_k {
	u16 family;
	u8 data[14];
};

struct ifreq_k {
	char name[IFNAMSIZ];
	union {
		struct sockaddr_k addr;
		s16 flags;
		s32 ivalue;
		u8 pad[24];
	} u;
};

struct ifconf_k {
	s32 len;
	u32 pad;
	u64 buf;
};

struct rtentry_k {
	u64 pad1;
	struct sockaddr_k dst, gateway, genmask;
	u16 flags;
	s16 pad2;
	u64 pad3, pad4;
	s16 metric;
	u64 dev; /* char * */
	u64 mtu, window;
	u16 irtt;
};

_Static_assert(sizeof(struct ifreq_k) == 40, "struct ifreq is 40 bytes");
_Static_assert(sizeof(struct rtentry_k) == 120, "struct rtentry is 120 bytes");
_Static_assert(__builtin_offsetof(struct rtentry_k, metric) == 80, "rt_metric at 80");

#define RTF_GATEWAY 0x0002
#define RTF_HOST 0x0004

static u32 sin_addr(const struct sockaddr_k *sa)
{
	u32 a;

	memcpy(&a, sa->data + 2, 4);
	return a;
}

static void put_sin(struct sockaddr_k *sa, u32 addr)
{
	memset(sa, 0, sizeof(*sa));
	sa->family = AF_INET;
	memcpy(sa->data + 2, &addr, 4);
}

static long ifconf(u64 arg)
{
	struct ifconf_k ic;
	struct net_device *d;
	s32 used = 0;

	if (copy_from_user(&ic, arg, sizeof(ic)) < 0)
		return -EFAULT;
	for_each_netdev(d) {
		struct in_ifaddr *ifa;

		for (ifa = d->ifa_list; ifa; ifa = ifa->next) {
			struct ifreq_k r;

			if (ic.buf) {
				if (ic.len - used < (s32)sizeof(r))
					goto done;
				memset(&r, 0, sizeof(r));
				strlcpy(r.name, ifa->label, IFNAMSIZ);
				put_sin(&r.u.addr, ifa->local);
				if (copy_to_user(ic.buf + (u64)used, &r, sizeof(r)) < 0)
					return -EFAULT;
			}
			used += (s32)sizeof(r);
		}
	}
done:
	ic.len = used;
	return copy_to_user(arg, &ic, sizeof(ic)) < 0 ? -EFAULT : 0;
}

static long route_ioctl(unsigned cmd, u64 arg)
{
	struct rtentry_k rt;
	struct net_device *dev = NULL;
	u32 dst, mask, gw = 0;
	int metric;

	if (current->euid != 0)
		return -EPERM;
	if (copy_from_user(&rt, arg, sizeof(rt)) < 0)
		return -EFAULT;
	if (rt.dst.family != AF_INET)
		return -EAFNOSUPPORT;
	dst = sin_addr(&rt.dst);
	mask = rt.flags & RTF_HOST ? 0xffffffffu : sin_addr(&rt.genmask);
	if (rt.genmask.family != AF_INET && !(rt.flags & RTF_HOST) && dst)
		return -EINVAL;
	if (rt.flags & RTF_GATEWAY) {
		if (rt.gateway.family != AF_INET)
			return -EAFNOSUPPORT;
		gw = sin_addr(&rt.gateway);
	}
	if (rt.dev) {
		char name[IFNAMSIZ + 1];
		long n = strncpy_from_user(name, rt.dev, sizeof(name));

		if (n < 0)
			return n;
		name[IFNAMSIZ] = 0;
		dev = dev_get_by_name(name);
		if (!dev)
			return -ENODEV;
	}
	dst &= mask;
	metric = rt.metric ? rt.metric - 1 : 0;
	if (cmd == SIOCADDRT)
		return ip_route_add(dst, mask, gw, dev, metric);
	return ip_route_del(dst, mask, gw, dev, rt.metric ? metric : -1);
}

long dev_ioctl(unsigned cmd, u64 arg)
{
	struct ifreq_k r;
	struct net_device *d;
	bool set = false;
	long rc = 0;

	switch (cmd) {
	case SIOCGIFCONF:
		return ifconf(arg);
	case SIOCADDRT:
	case SIOCDELRT:
		return route_ioctl(cmd, arg);
	case SIOCSARP:
	case SIOCGARP:
	case SIOCDARP:
		return arp_ioctl(cmd, arg);
	case SIOCSIFFLAGS:
	case SIOCSIFADDR:
	case SIOCSIFBRDADDR:
	case SIOCSIFNETMASK:
	case SIOCSIFMTU:
	case SIOCSIFHWADDR:
	case SIOCSIFTXQLEN:
		set = true;
		break;
	case SIOCGIFNAME:
	case SIOCGIFFLAGS:
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR:
	case SIOCGIFBRDADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFMETRIC:
	case SIOCGIFMTU:
	case SIOCGIFHWADDR:
	case SIOCGIFINDEX:
	case SIOCGIFTXQLEN:
	case SIOCGIFMAP:
		break;
	default:
		return -ENOIOCTLCMD;
	}
	if (copy_from_user(&r, arg, sizeof(r)) < 0)
		return -EFAULT;
	if (cmd == SIOCGIFNAME) {
		d = dev_get_by_index(r.u.ivalue);
		if (!d)
			return -ENODEV;
		strlcpy(r.name, d->name, IFNAMSIZ);
		return copy_to_user(arg, &r, sizeof(r)) < 0 ? -EFAULT : 0;
	}
	r.name[IFNAMSIZ - 1] = 0;
	d = dev_get_by_name(r.name);
	if (!d)
		return -ENODEV;
	if (set && current->euid != 0)
		return -EPERM;
	switch (cmd) {
	case SIOCGIFFLAGS:
		r.u.flags = (s16)(d->flags & 0xffff);
		break;
	case SIOCSIFFLAGS:
		return dev_change_flags(d, (u16)r.u.flags);
	case SIOCGIFADDR:
	case SIOCGIFBRDADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFDSTADDR:
		if (!d->ifa_list)
			return -EADDRNOTAVAIL;
		if (cmd == SIOCGIFDSTADDR && !(d->flags & IFF_POINTOPOINT))
			return -EADDRNOTAVAIL;
		put_sin(&r.u.addr, cmd == SIOCGIFADDR	    ? d->ifa_list->local :
				   cmd == SIOCGIFBRDADDR    ? d->ifa_list->broadcast :
				   cmd == SIOCGIFNETMASK    ? d->ifa_list->mask :
							      d->ifa_list->local);
		break;
	case SIOCSIFADDR:
		if (r.u.addr.family != AF_INET)
			return -EINVAL;
		return inet_ifa_set(d, sin_addr(&r.u.addr), 0);
	case SIOCSIFNETMASK: {
		u32 m = ntohl(sin_addr(&r.u.addr));

		if (!d->ifa_list)
			return -EADDRNOTAVAIL;
		if (m & (~m >> 1)) /* not contiguous */
			return -EINVAL;
		inet_ifa_set_mask(d, sin_addr(&r.u.addr));
		return 0;
	}
	case SIOCSIFBRDADDR:
		if (!d->ifa_list)
			return -EADDRNOTAVAIL;
		inet_ifa_set_broadcast(d, sin_addr(&r.u.addr));
		return 0;
	case SIOCGIFMETRIC:
		r.u.ivalue = 0;
		break;
	case SIOCGIFMTU:
		r.u.ivalue = (s32)d->mtu;
		break;
	case SIOCSIFMTU:
		if (r.u.ivalue < 68 || r.u.ivalue > 65536)
			return -EINVAL;
		d->mtu = (u32)r.u.ivalue;
		netdev_sysfs_update(d);
		return 0;
	case SIOCGIFHWADDR:
		memset(&r.u.addr, 0, sizeof(r.u.addr));
		r.u.addr.family = d->type;
		memcpy(r.u.addr.data, d->addr, ETH_ALEN);
		break;
	case SIOCSIFHWADDR:
		if (d->type != ARPHRD_ETHER || r.u.addr.family != ARPHRD_ETHER)
			return -EINVAL;
		if (r.u.addr.data[0] & 1)
			return -EADDRNOTAVAIL;
		memcpy(d->addr, r.u.addr.data, ETH_ALEN);
		return 0;
	case SIOCGIFINDEX:
		r.u.ivalue = d->ifindex;
		break;
	case SIOCGIFTXQLEN:
		r.u.ivalue = (s32)d->tx_queue_len;
		break;
	case SIOCSIFTXQLEN:
		if (r.u.ivalue < 0)
			return -EINVAL;
		d->tx_queue_len = (u32)r.u.ivalue;
		return 0;
	case SIOCGIFMAP:
		memset(&r.u, 0, sizeof(r.u));
		break;
	}
	if (rc == 0 && copy_to_user(arg, &r, sizeof(r)) < 0)
		rc = -EFAULT;
	return rc;
}
