/*
 * IPv6 inside the kernel (net/ipv6/): addresses and their kinds, wire
 * headers, interface addresses, routes, neighbour discovery and the
 * input and output paths. Addresses are struct in6_addr, network order.
 */
#ifndef IPV6_H
#define IPV6_H

#include <linux/in6.h>
#include <linux/ipv6.h>

#include "netdevice.h"
#include "skbuff.h"
#include "types.h"

#define SOL_IPV6	 41
#define SOL_ICMPV6	 58
#define ICMP6_FILTER	 1 /* <netinet/icmp6.h> */
#define IPV6_DEFHOPS	 64
#define IPV6_MIN_MTU	 1280
#define IPV6_HLEN	 40
#define SIN6_LEN_RFC2133 24 /* a sockaddr_in6 without its scope id */

static inline bool in6_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return a->s6_addr32[0] == b->s6_addr32[0] && a->s6_addr32[1] == b->s6_addr32[1] &&
	       a->s6_addr32[2] == b->s6_addr32[2] && a->s6_addr32[3] == b->s6_addr32[3];
}
static inline bool in6_any(const struct in6_addr *a)
{
	return !(a->s6_addr32[0] | a->s6_addr32[1] | a->s6_addr32[2] | a->s6_addr32[3]);
}
static inline bool in6_loopback(const struct in6_addr *a)
{
	return !(a->s6_addr32[0] | a->s6_addr32[1] | a->s6_addr32[2]) &&
	       a->s6_addr32[3] == __builtin_bswap32(1);
}
/* ::ffff:a.b.c.d, an IPv4 address as IPv6 sockets show it. */
static inline bool in6_v4mapped(const struct in6_addr *a)
{
	return !(a->s6_addr32[0] | a->s6_addr32[1]) && a->s6_addr32[2] == __builtin_bswap32(0xffff);
}
static inline void in6_set_v4mapped(struct in6_addr *a, u32 v4)
{
	a->s6_addr32[0] = a->s6_addr32[1] = 0;
	a->s6_addr32[2] = __builtin_bswap32(0xffff);
	a->s6_addr32[3] = v4;
}
static inline bool in6_multicast(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xff;
}
static inline bool in6_linklocal(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}
/* Multicast of link or interface scope (ff02::1, ff01::...). */
static inline bool in6_mc_linkscope(const struct in6_addr *a)
{
	return in6_multicast(a) && (a->s6_addr[1] & 0xf) <= 2;
}
/* Does a need an interface to mean anything (link-local, link multicast)? */
static inline bool in6_needs_scope(const struct in6_addr *a)
{
	return in6_linklocal(a) || in6_mc_linkscope(a);
}
/* Do a and b share their first plen bits? */
bool in6_prefix_eq(const struct in6_addr *a, const struct in6_addr *b, int plen);
/* ff02::1:ffXX:XXXX for target (RFC 4291 2.7.1). */
void in6_solicited_node(const struct in6_addr *target, struct in6_addr *out);

/* --- wire formats --- */
struct ipv6hdr_k {
	u32 vtf; /* version 4 bits, traffic class 8, flow label 20 */
	u16 payload_len;
	u8 nexthdr;
	u8 hop_limit;
	struct in6_addr saddr, daddr;
}; /* 40 bytes, no padding: needs no packing */

struct icmp6hdr_k {
	u8 type, code;
	u16 cksum;
	union {
		u32 data32;
		struct {
			u16 id, seq;
		} echo;
	} un;
} __attribute__((packed));

#define ICMPV6_DEST_UNREACH	      1
#define ICMPV6_PKT_TOOBIG	      2
#define ICMPV6_TIME_EXCEED	      3
#define ICMPV6_PARAMPROB	      4
#define ICMPV6_ECHO_REQUEST	      128
#define ICMPV6_ECHO_REPLY	      129
#define NDISC_ROUTER_SOLICITATION     133
#define NDISC_ROUTER_ADVERTISEMENT    134
#define NDISC_NEIGHBOUR_SOLICITATION  135
#define NDISC_NEIGHBOUR_ADVERTISEMENT 136
#define NDISC_REDIRECT		      137
#define ICMPV6_NOROUTE		      0
#define ICMPV6_ADDR_UNREACH	      3
#define ICMPV6_PORT_UNREACH	      4

#define NEXTHDR_HOP	 0
#define NEXTHDR_ROUTING	 43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_NONE	 59
#define NEXTHDR_DEST	 60

/* --- interface addresses (addrconf.c) --- */
/* Scopes as /proc/net/if_inet6 prints them (IPV6_ADDR_*_SCOPE << 4). */
#define IFA6_SCOPE_GLOBAL 0x00
#define IFA6_SCOPE_HOST	  0x10
#define IFA6_SCOPE_LINK	  0x20

struct inet6_ifaddr {
	struct inet6_ifaddr *next;
	struct net_device *dev;
	struct in6_addr addr;
	u8 prefixlen;
	u8 scope;  /* IFA6_SCOPE_* */
	u32 flags; /* IFA_F_* */
};

/* Adds addr/plen to dev (excl: -EEXIST when it is there already). */
int inet6_ifa_add(struct net_device *dev, const struct in6_addr *addr, u8 plen, bool excl);
int inet6_ifa_del(struct net_device *dev, const struct in6_addr *addr, u8 plen);
/* Is addr an address of an up interface (of dev, unless dev is NULL)? */
bool ipv6_chk_addr(const struct in6_addr *addr, const struct net_device *dev);
/* Is dev listening to multicast group addr (all-nodes, solicited-node)? */
bool ipv6_chk_mcast(const struct net_device *dev, const struct in6_addr *addr);
/* The source address for daddr leaving through dev (RFC 6724, in
 * short: the same scope, then the longest matching prefix); false if dev
 * has none. */
bool ipv6_dev_get_saddr(const struct net_device *dev, const struct in6_addr *daddr,
			struct in6_addr *saddr);
int if_inet6_proc(char *buf, size_t len);
/* SIOCSIFADDR / SIOCDIFADDR with a struct in6_ifreq (an AF_INET6 socket's). */
long addrconf_ioctl(unsigned cmd, u64 arg);
void addrconf_dev_up(struct net_device *dev);
void addrconf_dev_gone(struct net_device *dev);

/* --- routes (route6.c) --- */
struct rt6_result {
	struct net_device *dev;
	struct in6_addr nexthop; /* where the frame goes on the link */
	struct in6_addr src;	 /* the preferred source address */
	bool local;		 /* the destination is this host */
};
/* Device, next hop and source for daddr (oif: 0 or the interface the
 * socket or the address's scope names); -ENETUNREACH when nothing goes
 * there, -EINVAL for a link-local destination without an interface. */
int ip6_route_output(const struct in6_addr *daddr, int oif, struct rt6_result *rt);
int ip6_route_add(const struct in6_addr *dst, int plen, const struct in6_addr *gw,
		  struct net_device *dev, int metric);
int ip6_route_del(const struct in6_addr *dst, int plen, const struct in6_addr *gw,
		  struct net_device *dev, int metric);
struct route6_info {
	struct in6_addr dst, gw;
	int plen, metric;
	struct net_device *dev;
	bool kernel;
};
/* Every route: prefixes of up interfaces' addresses (kernel), then the
 * static ones. */
void route6_walk(void (*fn)(const struct route6_info *r, void *arg), void *arg);
int ipv6_route_proc(char *buf, size_t len);
void route6_dev_gone(struct net_device *dev);

/* --- neighbour discovery (ndisc.c) --- */
/* Sends skb (data at the IPv6 header) to nexthop on dev, resolving its
 * link-layer address first when needed; consumes skb. */
void ndisc_output(struct sk_buff *skb, struct net_device *dev, const struct in6_addr *nexthop);
/* A neighbour solicitation or advertisement (skb->data at ICMPv6). */
void ndisc_rcv(struct sk_buff *skb);

/* --- IPv6 (ip6.c) --- */
struct ip6_opts {
	int hop_limit; /* 0: the default */
	u8 tclass;
};
/* Puts an IPv6 header in front of skb and sends it along rt; consumes
 * skb. -EMSGSIZE when it does not fit the link (no fragmentation yet). */
int ip6_send(struct sk_buff *skb, const struct in6_addr *saddr, const struct in6_addr *daddr,
	     int proto, const struct ip6_opts *o, const struct rt6_result *rt);
/* TCP, UDP and ICMPv6 checksum over the IPv6 pseudo header. */
u16 ip6_csum(const struct in6_addr *saddr, const struct in6_addr *daddr, int proto,
	     const void *data, u32 len);
void ip6_rcv(struct sk_buff *skb);

/* --- ICMPv6 (icmp6.c) and raw sockets (raw6.c) --- */
void icmp6_rcv(struct sk_buff *skb);
/* Answers skb_in (its IPv6 header at skb_network_header) with an error. */
void icmp6_send(struct sk_buff *skb_in, int type, int code, u32 info);
bool raw6_deliver(struct sk_buff *skb, int proto);
int raw6_proc(char *buf, size_t len);
void udp6_err(const struct ipv6hdr_k *ip6h, const u8 *th, int type, int code);
void tcp6_err(const struct ipv6hdr_k *ip6h, const u8 *th, int type, int code);

#endif
