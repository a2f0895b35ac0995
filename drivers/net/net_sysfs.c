/*
 * /sys/class/net: a directory per interface under /sys/devices/virtual/net
 * with the attributes tools read (address, ifindex, type, mtu, flags,
 * operstate, carrier...), linked from /sys/class/net/<name>. sysfs files
 * hold text, so the ones that change (mtu, flags, operstate, carrier) are
 * written again whenever the device changes.
 */
#include "fs.h"
#include "kprintf.h"
#include "kstring.h"
#include "netdevice.h"

static void attr(const struct net_device *dev, const char *name, const char *text)
{
	char path[96];

	scnprintf(path, sizeof(path), "devices/virtual/net/%s/%s", dev->name, name);
	sysfs_remove(path);
	sysfs_add_file(path, text);
}

static void mac(char *buf, size_t len, const u8 *a)
{
	scnprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x\n", a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* The attributes that follow the device's state. */
void netdev_sysfs_update(const struct net_device *dev)
{
	bool up = dev->flags & IFF_UP;
	char buf[32];

	scnprintf(buf, sizeof(buf), "%u\n", dev->mtu);
	attr(dev, "mtu", buf);
	/* The flags as set, without the link state bits Linux adds on read. */
	scnprintf(buf, sizeof(buf), "0x%x\n", dev->flags & ~(unsigned)(IFF_RUNNING | IFF_LOWER_UP));
	attr(dev, "flags", buf);
	/* Loopback has no link to report on: "unknown", as on Linux. */
	attr(dev, "operstate", (dev->flags & IFF_LOOPBACK) ? "unknown\n" : up ? "up\n" : "down\n");
	attr(dev, "carrier", up ? "1\n" : "0\n");
}

void netdev_sysfs_add(const struct net_device *dev)
{
	char buf[64], path[96];

	scnprintf(path, sizeof(path), "devices/virtual/net/%s", dev->name);
	if (sysfs_add_dir(path) < 0)
		return;
	mac(buf, sizeof(buf), dev->addr);
	attr(dev, "address", buf);
	mac(buf, sizeof(buf), dev->broadcast);
	attr(dev, "broadcast", buf);
	attr(dev, "addr_len", "6\n");
	scnprintf(buf, sizeof(buf), "%d\n", dev->ifindex);
	attr(dev, "ifindex", buf);
	attr(dev, "iflink", buf);
	scnprintf(buf, sizeof(buf), "%u\n", dev->type);
	attr(dev, "type", buf);
	scnprintf(buf, sizeof(buf), "%u\n", dev->tx_queue_len);
	attr(dev, "tx_queue_len", buf);
	attr(dev, "dev_id", "0x0\n");
	scnprintf(buf, sizeof(buf), "INTERFACE=%s\nIFINDEX=%d\n", dev->name, dev->ifindex);
	attr(dev, "uevent", buf);
	netdev_sysfs_update(dev);
	scnprintf(buf, sizeof(buf), "../../devices/virtual/net/%s", dev->name);
	scnprintf(path, sizeof(path), "class/net/%s", dev->name);
	sysfs_add_link(path, buf);
}

void netdev_sysfs_remove(const struct net_device *dev)
{
	char path[96];

	scnprintf(path, sizeof(path), "class/net/%s", dev->name);
	sysfs_remove(path);
	scnprintf(path, sizeof(path), "devices/virtual/net/%s", dev->name);
	sysfs_remove(path);
}
