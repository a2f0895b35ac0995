/*
 * Network devices (drivers/net/netdev.c): the interfaces a guest sees in
 * ifconfig and /proc/net/dev. A driver fills in a struct net_device and
 * registers it; packets go out through ops->xmit (with an Ethernet header
 * for every device, the loopback one included, as in Linux) and come in
 * through netif_rx, which queues them for the NET_RX softirq.
 */
#ifndef NETDEVICE_H
#define NETDEVICE_H

#include "list.h"
#include "skbuff.h"
#include "types.h"

#define IFNAMSIZ 16
#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd
#define ETH_P_ALL 0x0003

/* Interface flags (the SIOCGIFFLAGS ABI). */
#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_DEBUG 0x4
#define IFF_LOOPBACK 0x8
#define IFF_POINTOPOINT 0x10
#define IFF_NOTRAILERS 0x20
#define IFF_RUNNING 0x40
#define IFF_NOARP 0x80
#define IFF_PROMISC 0x100
#define IFF_ALLMULTI 0x200
#define IFF_MULTICAST 0x1000
#define IFF_LOWER_UP 0x10000
/* Flags a user may change with SIOCSIFFLAGS. */
#define IFF_USER_MASK (IFF_UP | IFF_DEBUG | IFF_NOTRAILERS | IFF_NOARP | IFF_PROMISC | IFF_ALLMULTI | IFF_MULTICAST)

#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772

struct ethhdr_k {
	u8 dest[ETH_ALEN];
	u8 source[ETH_ALEN];
	u16 proto; /* network order */
} __attribute__((packed));

struct net_device;
struct inet6_ifaddr;

struct net_device_ops {
	int (*open)(struct net_device *dev);
	void (*stop)(struct net_device *dev);
	/* Takes the packet (with its Ethernet header) in every case. */
	void (*xmit)(struct sk_buff *skb, struct net_device *dev);
	/* The device is going (hot-unplug): let go of the host side. */
	void (*uninit)(struct net_device *dev);
};

struct net_stats {
	u64 rx_packets, tx_packets, rx_bytes, tx_bytes;
	u64 rx_errors, tx_errors, rx_dropped, tx_dropped, multicast;
};

/* An IPv4 address of an interface (net/ipv4/devinet.c). */
struct in_ifaddr {
	struct in_ifaddr *next;
	struct net_device *dev;
	u32 local, mask, broadcast; /* network order */
	u8 prefixlen;
	char label[IFNAMSIZ];
};

struct net_device {
	struct list_head node;
	char name[IFNAMSIZ];
	int ifindex;
	unsigned flags;       /* IFF_* */
	u32 mtu;
	u16 type;             /* ARPHRD_* */
	u8 addr[ETH_ALEN];
	u8 broadcast[ETH_ALEN];
	u32 tx_queue_len;
	const struct net_device_ops *ops;
	void *priv;
	struct net_stats stats;
	struct in_ifaddr *ifa_list;
	struct inet6_ifaddr *ip6_list; /* net/ipv6/addrconf.c */
};

int register_netdev(struct net_device *dev);
/* /sys/class/net/<name> (drivers/net/net_sysfs.c): made at registration,
 * brought up to date after a change of flags or mtu, removed with it. */
void netdev_sysfs_add(const struct net_device *dev);
void netdev_sysfs_update(const struct net_device *dev);
void netdev_sysfs_remove(const struct net_device *dev);
void unregister_netdev(struct net_device *dev);
struct net_device *dev_get_by_name(const char *name);
struct net_device *dev_get_by_index(int ifindex);
/* Iterates over every device in ifindex order. */
extern struct list_head netdev_list;
#define for_each_netdev(d) list_for_each_entry(d, &netdev_list, node)

/* Changes the IFF_USER_MASK flags; brings the device up or down. */
int dev_change_flags(struct net_device *dev, unsigned flags);
/* Sends a packet that has its Ethernet header; consumes skb. */
void dev_queue_xmit(struct sk_buff *skb);
/* Puts an Ethernet header (to dest, from dev, of type proto, host order)
 * in front of skb and sends it on dev; consumes skb. */
void eth_xmit(struct sk_buff *skb, struct net_device *dev, const u8 *dest, u16 proto);
/* A driver hands over a received frame (Ethernet header at data). */
void netif_rx(struct sk_buff *skb);
/* /proc/net/dev */
int netdev_proc(char *buf, size_t len);

/* AF_PACKET sockets get a copy of each received frame (net/packet.c). */
void packet_deliver(struct sk_buff *skb, u16 proto);
/* Receive handlers by Ethernet type (IPv4, ARP). */
void ip_rcv(struct sk_buff *skb);
void ip6_rcv(struct sk_buff *skb);
void arp_rcv(struct sk_buff *skb);
/* Address configuration hooks (net/ipv4/devinet.c). */
void inet_dev_up(struct net_device *dev);
void inet_dev_down(struct net_device *dev);
void inet_dev_unregister(struct net_device *dev);
void inet_frag_dev_gone(struct net_device *dev);
/* mconsole: config eth<N> (its specification), remove eth<N>. */
int eth_query(const char *name, char *out, size_t len);
int eth_remove(const char *name, char *err, size_t elen);

void net_init(void);
/* eth<N>=<transport>,<fields...> from the command line (or mconsole
 * config): makes and registers the device; umid seeds a stable MAC. */
int eth_setup(const char *arg, const char *umid, char *err, size_t elen);

#endif
