/*
 * Ethernet devices from the command line: eth<N>=<transport>,<fields>
 * (REFERENCE.md). The device gets its MAC from the fields or, when none
 * is given, one derived from the umid and N, so that a machine keeps its
 * address across boots; the transport (tuntap.c, ...) moves the frames.
 */
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"
#include "netdevice.h"
#include "printk.h"

#define ETH_MAX_FIELDS 8

int tuntap_open(struct net_device *dev, char **f, int nf, char *err, size_t elen);
int mcast_open(struct net_device *dev, char **f, int nf, char *err, size_t elen);
int daemon_open(struct net_device *dev, char **f, int nf, char *err, size_t elen);
int vde_open(struct net_device *dev, char **f, int nf, char *err, size_t elen);
int pcap_open(struct net_device *dev, char **f, int nf, char *err, size_t elen);

static const struct {
	const char *name;
	int mac_field; /* which field holds the MAC */
	int (*open)(struct net_device *dev, char **f, int nf, char *err, size_t elen);
} transports[] = {
	{"tuntap", 2, tuntap_open}, /* tuntap,<tapdev>,<mac>,<gate_ip> */
	{"daemon", 1, daemon_open}, /* daemon,<mac>,unix,<ctl_socket> */
	{"mcast", 1, mcast_open},   /* mcast,<mac>,<addr>,<port>,<ttl> */
	{"vde", 2, vde_open},	    /* vde,<switch>,<mac>,<port>,<group>,<mode>,<descr> */
	{"pcap", 5, pcap_open},	    /* pcap,<host_if>,<filter>,<[no]promisc>,<[no]optimize>,<mac> */
};

/* What each eth<N> was made from, for config eth<N> and remove. */
static struct {
	struct net_device *dev;
	char spec[256];
} eths[16];

/* "fe:fd:01:02:03:04" into mac; false if it is not one. */
static bool parse_mac(const char *s, u8 *mac)
{
	int i;

	for (i = 0; i < ETH_ALEN; i++) {
		char *end;
		unsigned long v = simple_strtoul(s, &end, 16);

		if (end == s || end - s > 2 || v > 255 ||
		    (i < ETH_ALEN - 1 ? *end != ':' : *end != 0))
			return false;
		mac[i] = (u8)v;
		s = end + 1;
	}
	return !(mac[0] & 1); /* not a multicast address */
}

/* Locally administered, unicast, the same for the same umid and N. */
static void stable_mac(const char *umid, int n, u8 *mac)
{
	u32 h = 2166136261u;
	const char *p;

	for (p = umid ? umid : ""; *p; p++)
		h = (h ^ (u8)*p) * 16777619u;
	h = (h ^ (u32)n) * 16777619u;
	mac[0] = 0xfe;
	mac[1] = 0xfd;
	mac[2] = (u8)(h >> 24);
	mac[3] = (u8)(h >> 16);
	mac[4] = (u8)(h >> 8);
	mac[5] = (u8)h;
}

int eth_setup(const char *arg, const char *umid, char *err, size_t elen)
{
	char *copy, *fields[ETH_MAX_FIELDS], *p, *eq;
	struct net_device *dev;
	unsigned long n;
	int nf = 0, rc, m;
	size_t k;

	if (strncmp(arg, "eth", 3) != 0 || !(eq = strchr(arg, '='))) {
		scnprintf(err, elen, "'%s': expected eth<N>=<transport>,...", arg);
		return -EINVAL;
	}
	n = simple_strtoul(arg + 3, &p, 10);
	if (p == arg + 3 || p != eq || n > 15) {
		scnprintf(err, elen, "'%s': expected eth<N>= with N from 0 to 15", arg);
		return -EINVAL;
	}
	copy = kmalloc(strlen(eq + 1) + 1);
	dev = kzalloc(sizeof(*dev));
	if (!copy || !dev) {
		kfree(copy);
		kfree(dev);
		return -ENOMEM;
	}
	strlcpy(copy, eq + 1, strlen(eq + 1) + 1);
	for (p = copy; nf < ETH_MAX_FIELDS;) {
		fields[nf++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = 0;
	}
	scnprintf(dev->name, sizeof(dev->name), "eth%lu", n);
	if (dev_get_by_name(dev->name)) {
		scnprintf(err, elen, "%s already exists", dev->name);
		rc = -EEXIST;
		goto fail;
	}
	dev->type = ARPHRD_ETHER;
	dev->flags = IFF_BROADCAST | IFF_MULTICAST;
	dev->mtu = 1500;
	memset(dev->broadcast, 0xff, ETH_ALEN);
	stable_mac(umid, (int)n, dev->addr);
	/* Where each transport has its MAC field, and how it opens. */
	for (k = 0; k < ARRAY_SIZE(transports); k++)
		if (strcmp(fields[0], transports[k].name) == 0)
			break;
	if (k == ARRAY_SIZE(transports)) {
		scnprintf(
			err, elen,
			"%s: transport '%s' is not supported (this kernel has tuntap, daemon, mcast, vde and pcap)",
			dev->name, fields[0]);
		rc = -EINVAL;
		goto fail;
	}
	m = transports[k].mac_field;
	if (nf > m && fields[m][0] && !parse_mac(fields[m], dev->addr)) {
		scnprintf(err, elen, "%s: '%s' is not a unicast MAC address", dev->name, fields[m]);
		rc = -EINVAL;
		goto fail;
	}
	rc = transports[k].open(dev, fields, nf, err, elen);
	if (rc < 0)
		goto fail;
	rc = register_netdev(dev);
	if (rc < 0) {
		scnprintf(err, elen, "%s: cannot register it", dev->name);
		if (dev->ops->stop)
			dev->ops->stop(dev);
		goto fail;
	}
	eths[n].dev = dev;
	strlcpy(eths[n].spec, eq + 1, sizeof(eths[n].spec));
	printk(KERN_INFO "%s: %s, MAC %02x:%02x:%02x:%02x:%02x:%02x\n", dev->name, fields[0],
	       dev->addr[0], dev->addr[1], dev->addr[2], dev->addr[3], dev->addr[4], dev->addr[5]);
	kfree(copy);
	return 0;
fail:
	kfree(copy);
	kfree(dev);
	return rc;
}

/* "eth<N>" to N, or -1. */
static int eth_index(const char *name)
{
	char *end;
	unsigned long n;

	if (strncmp(name, "eth", 3) != 0)
		return -1;
	n = simple_strtoul(name + 3, &end, 10);
	return end == name + 3 || *end || n > 15 ? -1 : (int)n;
}

int eth_query(const char *name, char *out, size_t len)
{
	int n = eth_index(name);

	if (n < 0 || !eths[n].dev)
		return -ENODEV;
	strlcpy(out, eths[n].spec, len);
	return 0;
}

int eth_remove(const char *name, char *err, size_t elen)
{
	int n = eth_index(name);
	struct net_device *dev;

	if (n < 0) {
		scnprintf(err, elen, "Invalid device number '%s'", name);
		return -EINVAL;
	}
	dev = eths[n].dev;
	if (!dev) {
		scnprintf(err, elen, "Device doesn't exist");
		return -ENODEV;
	}
	if (dev->flags & IFF_UP) { /* as UML: take it down in the guest first */
		scnprintf(err, elen, "Device is currently open");
		return -EBUSY;
	}
	unregister_netdev(dev);
	if (dev->ops->uninit)
		dev->ops->uninit(dev);
	eths[n].dev = NULL;
	printk(KERN_INFO "%s: removed\n", dev->name);
	kfree(dev);
	return 0;
}
