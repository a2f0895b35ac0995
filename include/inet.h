/*
 * IPv4 inside the kernel: wire headers, routing, the protocol handlers
 * and the socket state UDP, TCP and raw sockets share (net/ipv4/).
 * Addresses and ports are kept in network byte order, as on the wire.
 */
#ifndef INET_H
#define INET_H

#include <linux/in.h>
#include <linux/rtnetlink.h>

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
/* Route types are rtnetlink's RTN_* (linux/rtnetlink.h). */

struct rt_result {
	struct net_device *dev;
	u32 nexthop; /* where the frame goes on the link */
	u32 src;     /* the preferred source address */
	int type;    /* RTN_* of the destination */
};

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
 * skb_network_header. Each consumes skb. */
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
	u32 rcv_saddr;         /* bound address (0: any) */
	u32 saddr;             /* source address once connected */
	u32 daddr;             /* peer (0: none) */
	u16 sport, dport;      /* network order */
	u16 num;               /* local port, host order; 0: none */
	bool reuseaddr, reuseport, broadcast, hdrincl, recverr, pktinfo;
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
/* The same for a peer of a connection or a datagram: 0.0.0.0 means this
 * host, as on Linux, and *daddr becomes 127.0.0.1. */
long inet_route_peer(struct inet_sock *isk, u32 *daddr, struct rt_result *rt);
void inet_ip_opts(const struct inet_sock *isk, struct ip_opts *o);
/* The error to report now (clears it), or 0. */
static inline int inet_sock_error(struct inet_sock *isk)
{
	int e = isk->err;

	isk->err = 0;
	return e;
}
/* Puts the sender's address in m->name (for recvmsg). */
void inet_msg_name(struct kmsg *m, u32 ip, u16 port);

/* Datagram sockets: the next datagram (waiting as flags and SO_RCVTIMEO
 * allow; NULL with *err, 0 at end of file), copying it out, and taking
 * it off the queue unless MSG_PEEK. */
struct sk_buff *inet_dgram_wait(struct socket *s, int flags, long *err);
long inet_dgram_copy(struct inet_sock *isk, struct sk_buff *skb, struct kmsg *m, size_t len, int flags);
void inet_dgram_consume(struct inet_sock *isk, struct sk_buff *skb, int flags);
long inet_dgram_ioctl(struct socket *s, unsigned cmd, u64 arg);
long inet_dgram_shutdown(struct socket *s, int how);
long sock_no_listen(struct socket *s, int backlog);
struct socket *sock_no_accept(struct socket *s, bool nonblock);

extern struct list_head udp_table, tcp_table, raw_table;
long udp_create(struct socket *s, int proto);
long tcp_create(struct socket *s, int proto);
long raw_create(struct socket *s, int proto);
int tcp_proc(char *buf, size_t len);
int udp_proc(char *buf, size_t len);
int raw_proc(char *buf, size_t len);
int arp_proc(char *buf, size_t len);
/* The ioctls of any socket that concern interfaces and routes. */
long dev_ioctl(unsigned cmd, u64 arg);

#endif
