/*
 * IPv4 inside the kernel: wire headers, routing, the protocol handlers
 * and the socket state UDP, TCP and raw sockets share (net/ipv4/).
 * Addresses and ports are kept in network byte order, as on the wire.
 */
#ifndef INET_H
#define INET_H

#include <linux/in.h>
#include <linux/rtnetlink.h>

#include "ipv6.h"
#include "net.h"
#include "netdevice.h"
#include "skbuff.h"
#include "task.h"
#include "timer.h"

static inline u16 htons(u16 x)
{
	return (u16)((x >> 8) | (x << 8));
}
#define ntohs htons
static inline u32 htonl(u32 x)
{
	return __builtin_bswap32(x);
}
#define ntohl htonl

#define SOL_IP 0
#define SOL_TCP 6
#define SOL_UDP 17

#define INADDR_LOOPBACK_N 0x0100007fu /* 127.0.0.1 in network order */
static inline bool ipv4_is_loopback(u32 a)
{
	return (a & 0xff) == 127;
}
static inline bool ipv4_is_multicast(u32 a)
{
	return (a & 0xf0) == 0xe0;
}
static inline bool ipv4_is_lbcast(u32 a)
{
	return a == 0xffffffffu;
}

/* --- wire formats --- */
struct iphdr_k {
	u8 vihl; /* version << 4 | header length in words */
	u8 tos;
	u16 tot_len;
	u16 id;
	u16 frag_off;
	u8 ttl;
	u8 protocol;
	u16 check;
	u32 saddr, daddr;
} __attribute__((packed));
#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff

struct udphdr_k {
	u16 source, dest, len, check;
} __attribute__((packed));

struct tcphdr_k {
	u16 source, dest;
	u32 seq, ack_seq;
	u8 doff;   /* header length in words << 4 */
	u8 flags;  /* TCPHDR_* */
	u16 window;
	u16 check;
	u16 urg_ptr;
} __attribute__((packed));
#define TCPHDR_FIN 0x01
#define TCPHDR_SYN 0x02
#define TCPHDR_RST 0x04
#define TCPHDR_PSH 0x08
#define TCPHDR_ACK 0x10
#define TCPHDR_URG 0x20

struct icmphdr_k {
	u8 type, code;
	u16 checksum;
	union {
		struct {
			u16 id, seq;
		} echo;
		u32 gateway;
		struct {
			u16 unused, mtu;
		} frag;
	} un;
} __attribute__((packed));
#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12
#define ICMP_NET_UNREACH 0
#define ICMP_HOST_UNREACH 1
#define ICMP_PROT_UNREACH 2
#define ICMP_PORT_UNREACH 3
#define ICMP_FRAG_NEEDED 4

#define IPDEFTTL 64
#define IP_MAX_PAYLOAD 65515 /* 65535 - the largest IP header */

/* --- routes and addresses (route.c, devinet.c) --- */
struct ip_opts;
/* Route types are rtnetlink's RTN_* (linux/rtnetlink.h). */

struct rt_result {
	struct net_device *dev;
	u32 nexthop; /* where the frame goes on the link */
	u32 src;     /* the preferred source address */
	int type;    /* RTN_* of the destination */
	bool v6;     /* an IPv6 route: r6 holds it (and dev is r6.dev) */
	struct rt6_result r6;
};

/* The two addresses of a packet or a connection, of either family. */
struct inet_pair {
	bool v6;
	u32 saddr, daddr;		/* IPv4 */
	struct in6_addr saddr6, daddr6; /* IPv6 */
};
/* The addresses of a received packet (by its skb->protocol). */
void inet_pair_of_skb(const struct sk_buff *skb, struct inet_pair *p);
/* The same with source and destination swapped: for an answer. */
void inet_pair_reply(const struct sk_buff *skb, struct inet_pair *p);
/* The TCP/UDP checksum over p's pseudo header. */
u16 inet_pair_csum(const struct inet_pair *p, int proto, const void *data, u32 len);
/* Routes to p's destination; -ENETUNREACH and the like. */
int inet_pair_route(const struct inet_pair *p, int oif, struct rt_result *rt);
/* Sends skb (transport header and data) from p->saddr to p->daddr. */
int inet_pair_send(struct sk_buff *skb, const struct inet_pair *p, int proto, const struct ip_opts *o,
		   const struct rt_result *rt);

/* Chooses the device, next hop and source for daddr (oif: 0 or a device
 * the socket is bound to). -ENETUNREACH when nothing matches. */
int ip_route_output(u32 daddr, int oif, struct rt_result *rt);
/* What daddr is to this host: RTN_LOCAL, RTN_BROADCAST, RTN_UNICAST... */
int inet_addr_type(u32 addr);
/* Static routes (SIOCADDRT/SIOCDELRT, rtnetlink). */
int ip_route_add(u32 dst, u32 mask, u32 gw, struct net_device *dev, int metric);
int ip_route_del(u32 dst, u32 mask, u32 gw, struct net_device *dev, int metric);
int route_proc(char *buf, size_t len);
/* The main table as rtnetlink shows it: subnet routes of up interfaces
 * (kernel) and static ones. */
struct route_info {
	u32 dst, mask, gw, src;
	struct net_device *dev;
	int metric;
	bool kernel;
};
void route_walk(void (*fn)(const struct route_info *r, void *arg), void *arg);
/* rtnetlink: another address on dev (excl: EEXIST if it is there). */
int inet_ifa_add(struct net_device *dev, u32 local, u8 prefixlen, u32 bcast, bool excl);
int inet_ifa_del(struct net_device *dev, u32 local, u8 prefixlen);
/* Interface addresses. */
int inet_ifa_set(struct net_device *dev, u32 local, u32 mask);
void inet_ifa_set_mask(struct net_device *dev, u32 mask);
void inet_ifa_set_broadcast(struct net_device *dev, u32 bcast);
void inet_ifa_del_all(struct net_device *dev);
/* A local address of dev (its first), or 0. */
u32 inet_dev_addr(struct net_device *dev);

/* --- IP (ip.c) --- */
struct ip_opts {
	u8 ttl, tos;
	bool df;
	int oif;
};
/* Puts an IP header in front of skb (which holds the transport header
 * and data) and sends it along rt; consumes skb. */
int ip_send(struct sk_buff *skb, u32 saddr, u32 daddr, int proto, const struct ip_opts *o,
	    const struct rt_result *rt);
/* Routes and sends; consumes skb. */
int ip_send_route(struct sk_buff *skb, u32 saddr, u32 daddr, int proto, const struct ip_opts *o);
/* The checksum of the TCP/UDP pseudo header plus len bytes at data. */
u16 inet_csum(u32 saddr, u32 daddr, int proto, const void *data, u32 len);
void neigh_output(struct sk_buff *skb, struct net_device *dev, u32 nexthop, int rtype);

/* Receive handlers: skb->data at the transport header, its IP header at
 * skb_network_header (IPv4 or IPv6: udp_rcv and tcp_rcv take both). Each
 * consumes skb. */
void icmp_rcv(struct sk_buff *skb);
void udp_rcv(struct sk_buff *skb);
void tcp_rcv(struct sk_buff *skb);
/* Copies to raw sockets; true if any took it. */
bool raw_deliver(struct sk_buff *skb, int proto);
/* An ICMP error about a packet we sent (iph: its header, as quoted). */
void udp_err(const struct iphdr_k *iph, const u8 *th, int type, int code);
void tcp_err(const struct iphdr_k *iph, const u8 *th, int type, int code);
/* Answers skb_in with an ICMP error (does nothing where RFC 1122 says no). */
void icmp_send(struct sk_buff *skb_in, int type, int code, u32 info);

/* --- sockets --- */
struct inet_sock {
	int refs;
	struct socket *sock;   /* NULL once its file is closed */
	int type, protocol;
	int state;             /* TCP_* (TCP), or 0 */
	u8 family;             /* AF_INET or AF_INET6 */
	bool ipv6;             /* IPv6 on the wire: the v6 addresses below count */
	bool v6only;           /* IPV6_V6ONLY */
	u32 rcv_saddr;         /* bound address (0: any) */
	u32 saddr;             /* source address once connected */
	u32 daddr;             /* peer (0: none) */
	/* An AF_INET6 socket's addresses as it shows them: IPv6 ones, or
	 * the IPv4 ones above v4-mapped (::ffff:a.b.c.d) when !ipv6. */
	struct in6_addr rcv_saddr6, saddr6, daddr6;
	u16 sport, dport;      /* network order */
	u16 num;               /* local port, host order; 0: none */
	bool reuseaddr, reuseport, broadcast, hdrincl, recverr, pktinfo;
	bool pktinfo6;            /* IPV6_RECVPKTINFO */
	u8 hoplimit6;             /* the hop limit's control message type, or 0:
				   * IPV6_HOPLIMIT or RFC 2292's (IPV6_2292HOPLIMIT) */
	int mc_hops;              /* IPV6_MULTICAST_HOPS (0: 1) */
	int csum_off;             /* raw IPv6: IPV6_CHECKSUM (-1: none) */
	u32 icmp6_filter[8];      /* raw ICMPv6: types not to deliver */
	bool addr_locked, port_locked; /* bind() chose the address, the port */
	bool connected;        /* UDP: connect() gave it a peer */
	u8 ttl, tos;           /* 0 ttl: IPDEFTTL */
	int bound_dev_if;
	int err;               /* pending error: the next call reports it */
	int shutdown;          /* RCV_SHUTDOWN | SEND_SHUTDOWN */
	struct wait_queue wq;
	struct sk_buff_head rxq;
	struct list_head bind_node; /* in the protocol's table while num != 0 */
	struct list_head *table;
	u32 icmp_filter;       /* raw ICMP: types not to deliver */
	int sndbuf, rcvbuf;
	u32 uid;
	u64 drops;
	/* One task at a time copies in (writer) or out (reader): a copy may
	 * sleep, and the buffer must stay where it is meanwhile. */
	struct task *reader, *writer;
	void (*destroy)(struct inet_sock *isk);
};
/* Takes *owner (&isk->reader or &isk->writer), sleeping while another
 * task has it; -ERESTARTSYS on a signal. inet_unlock lets go if held. */
long inet_lock(struct inet_sock *isk, struct task **owner);
void inet_unlock(struct inet_sock *isk, struct task **owner);
#define RCV_SHUTDOWN 1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

static inline struct inet_sock *inet_sk(struct socket *s)
{
	return s->proto;
}
static inline void inet_hold(struct inet_sock *isk)
{
	isk->refs++;
}
void inet_put(struct inet_sock *isk);

/* af_inet.c: what UDP, TCP and raw sockets share. */
struct inet_sock *inet_sock_alloc(struct socket *s, size_t size, int type, int proto);
/* Parses a sockaddr_in; -EINVAL / -EAFNOSUPPORT as Linux. */
long inet_addr_parse(const u8 *addr, u32 len, u32 *ip, u16 *port, bool unspec_ok);
/* A peer's address for connect or sendto, of the socket's family (an
 * AF_INET6 socket takes v4-mapped addresses for IPv4): p->v6 and
 * p->daddr(6), its port and the interface its scope names (*oif, or the
 * socket's bound device). */
long inet_peer_parse(struct inet_sock *isk, const u8 *addr, u32 len, struct inet_pair *p, u16 *port,
		     int *oif);
/* May isk receive IPv4 (IPv6) packets, by family, V6ONLY and binding? */
bool inet_sk_v4ok(const struct inet_sock *isk);
bool inet_sk_v6ok(const struct inet_sock *isk);
/* The addresses of isk's connection (saddr: the source it uses). */
void inet_sock_pair(const struct inet_sock *isk, struct inet_pair *p);
/* Records p (routed by inet_route_peer) as isk's connection. */
void inet_set_peer(struct inet_sock *isk, const struct inet_pair *p, u16 port);
/* Forgets the peer, and the local address unless bind() chose it. */
void inet_clear_peer(struct inet_sock *isk);
/* An AF_INET6 socket's v4-mapped view of its IPv4 addresses. */
void inet6_sync_mapped(struct inet_sock *isk);
/* Copies a sockaddr_in6 of len bytes (the scope id is optional, as in
 * RFC 2133's shorter form); -EINVAL / -EAFNOSUPPORT as Linux. */
long inet6_sockaddr_parse(const u8 *addr, u32 len, struct sockaddr_in6 *sin6);
/* A sockaddr_in6. */
void inet6_fill_sockaddr(u8 *addr, u32 *len, const struct in6_addr *a, u16 port, int ifindex);
long inet6_create(struct socket *s);
long inet6_setsockopt(struct socket *s, int name, const void *val, u32 len);
long inet6_getsockopt(struct socket *s, int name, void *val, u32 *len);
long inet_bind(struct socket *s, const u8 *addr, u32 len);
/* Gives isk the local port (host order, 0: pick a free one). */
long inet_get_port(struct inet_sock *isk, u16 port);
void inet_unhash_port(struct inet_sock *isk);
long inet_getname(struct socket *s, u8 *addr, u32 *len, bool peer);
long inet_setsockopt(struct socket *s, int level, int name, const void *val, u32 len);
long inet_getsockopt(struct socket *s, int level, int name, void *val, u32 *len);
void inet_fill_sockaddr(u8 *addr, u32 *len, u32 ip, u16 port);
void inet_sock_release(struct socket *s);
/* Chooses the source address for daddr as a connect would. */
long inet_pick_source(struct inet_sock *isk, u32 daddr, struct rt_result *rt);
/* The same for a peer of a connection or a datagram (p from
 * inet_peer_parse): 0.0.0.0 means this host, as on Linux, and becomes
 * 127.0.0.1. Fills in p's source. */
long inet_route_peer(struct inet_sock *isk, struct inet_pair *p, int oif, struct rt_result *rt);
void inet_ip_opts(const struct inet_sock *isk, struct ip_opts *o);
/* The error to report now (clears it), or 0. */
static inline int inet_sock_error(struct inet_sock *isk)
{
	int e = isk->err;

	isk->err = 0;
	return e;
}
/* Puts the sender's address in m->name (for recvmsg), in the form of
 * isk's family. */
void inet_msg_name(struct kmsg *m, u32 ip, u16 port);
void inet_msg_name_pair(const struct inet_sock *isk, struct kmsg *m, const struct inet_pair *p, u16 port,
			int ifindex);

/* Datagram sockets: the next datagram (waiting as flags and SO_RCVTIMEO
 * allow; NULL with *err, 0 at end of file), copying it out, and taking
 * it off the queue unless MSG_PEEK. */
struct sk_buff *inet_dgram_wait(struct socket *s, int flags, long *err);
long inet_dgram_copy(struct inet_sock *isk, struct sk_buff *skb, struct kmsg *m, size_t len, int flags);
void inet_dgram_consume(struct inet_sock *isk, struct sk_buff *skb, int flags);
/* recvmsg of a datagram socket: waits, copies, lets meta fill in the
 * sender's name and control messages, consumes. */
long inet_dgram_recvmsg(struct socket *s, struct kmsg *m, size_t len, int flags,
			void (*meta)(struct inet_sock *isk, struct sk_buff *skb, struct kmsg *m));
unsigned inet_dgram_poll(struct socket *s, struct poll_table *pt);
/* ICMP and ICMPv6 errors: at most ICMP_RATE a second (icmp.c). */
bool icmp_rate_ok(void);
long inet_dgram_ioctl(struct socket *s, unsigned cmd, u64 arg);
long inet_dgram_shutdown(struct socket *s, int how);
long sock_no_listen(struct socket *s, int backlog);
struct socket *sock_no_accept(struct socket *s, bool nonblock);

extern struct list_head udp_table, tcp_table, raw_table, raw6_table;
long udp_create(struct socket *s, int proto);
long tcp_create(struct socket *s, int proto);
long raw_create(struct socket *s, int proto);
int tcp_proc(char *buf, size_t len);
int udp_proc(char *buf, size_t len);
int tcp6_proc(char *buf, size_t len);
/* /proc/net/udp, udp6, raw and raw6 share the format. */
int inet_dgram_proc(char *buf, size_t len, struct list_head *table, int st, int family);
/* An address in /proc/net/{tcp,udp,raw}[6] form, in isk's family. */
size_t inet_proc_addr(char *buf, size_t len, const struct inet_sock *isk, u32 a, const struct in6_addr *a6,
		      u16 port);
int udp6_proc(char *buf, size_t len);
long raw6_create(struct socket *s, int proto);
/* Closes a raw socket of either family. */
void raw_release(struct socket *s);
int raw_proc(char *buf, size_t len);
int arp_proc(char *buf, size_t len);
/* SIOCSARP, SIOCGARP, SIOCDARP (net/ipv4/arp.c). */
long arp_ioctl(unsigned cmd, u64 arg);
/* The ioctls of any socket that concern interfaces and routes. */
long dev_ioctl(unsigned cmd, u64 arg);

#endif
