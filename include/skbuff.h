/*
 * Packet buffers (net/skbuff.c). A struct sk_buff owns one kmalloc'd
 * buffer [head, end) of which [data, data + len) is the packet; headers
 * are pushed in front as a packet goes down the stack and pulled off as
 * it comes up. Queues (struct sk_buff_head) count packets and bytes.
 */
#ifndef SKBUFF_H
#define SKBUFF_H

#include <linux/if_packet.h>

#include "list.h"
#include "types.h"

/* Room in front of a packet for every header below the transport. */
#define MAX_HEADER 128

enum { CHECKSUM_NONE, CHECKSUM_UNNECESSARY };
/* pkt_type values: PACKET_HOST, PACKET_BROADCAST... (linux/if_packet.h). */

struct net_device;

struct sk_buff {
	struct list_head list;
	struct net_device *dev; /* only while the packet moves through the stack */
	int iif;                /* ifindex it arrived on (dev may be gone later) */
	u8 *head, *data, *end;
	u32 len;
	u32 truesize;    /* what it costs: buffer and header, for accounting */
	u16 protocol;    /* ETH_P_*, host order */
	u8 pkt_type;     /* PACKET_* */
	u8 ip_summed;    /* CHECKSUM_UNNECESSARY: nobody needs to check */
	u16 nh_off, th_off; /* network and transport headers, from head */
	u64 tstamp;      /* ktime_real_ns() of arrival */
	/* Protocol scratch space. */
	union {
		struct {
			u32 seq, end_seq; /* sequence space this segment covers */
			u8 flags;         /* TCPHDR_* it is sent with */
			u8 retrans;       /* retransmitted at least once */
			u64 sent_ns;      /* first transmission, for RTT */
		} tcp;
		struct {
			u32 saddr, daddr; /* network order */
			u16 sport, dport;
			bool v6;
			u8 hop_limit;
			u8 saddr6[16], daddr6[16]; /* struct in6_addr */
		} addr;
	} cb;
};

struct sk_buff_head {
	struct list_head list;
	u32 qlen;
	u64 bytes; /* sum of len */
	u64 mem;   /* sum of truesize */
};

struct sk_buff *alloc_skb(u32 size, u32 headroom);
struct uio;
/* A buffer holding the next len bytes of u (a send's data), with
 * headroom in front; ERR_PTR(-ENOBUFS) or ERR_PTR(-EFAULT). */
struct sk_buff *skb_from_uio(struct uio *u, u32 len, u32 headroom);
void kfree_skb(struct sk_buff *skb);
/* A private copy of skb (data and header offsets), with at least
 * MAX_HEADER bytes of headroom. */
struct sk_buff *skb_copy(const struct sk_buff *skb);

static inline u8 *skb_put(struct sk_buff *skb, u32 n)
{
	u8 *p = skb->data + skb->len;

	skb->len += n;
	return p;
}

static inline u8 *skb_push(struct sk_buff *skb, u32 n)
{
	skb->data -= n;
	skb->len += n;
	return skb->data;
}

static inline u8 *skb_pull(struct sk_buff *skb, u32 n)
{
	skb->data += n;
	skb->len -= n;
	return skb->data;
}

static inline void skb_trim(struct sk_buff *skb, u32 len)
{
	if (len < skb->len)
		skb->len = len;
}

static inline u32 skb_headroom(const struct sk_buff *skb)
{
	return (u32)(skb->data - skb->head);
}

static inline u32 skb_tailroom(const struct sk_buff *skb)
{
	return (u32)(skb->end - skb->data) - skb->len;
}

static inline void skb_reset_network_header(struct sk_buff *skb)
{
	skb->nh_off = (u16)(skb->data - skb->head);
}

static inline void skb_reset_transport_header(struct sk_buff *skb)
{
	skb->th_off = (u16)(skb->data - skb->head);
}

static inline u8 *skb_network_header(const struct sk_buff *skb)
{
	return skb->head + skb->nh_off;
}

static inline u8 *skb_transport_header(const struct sk_buff *skb)
{
	return skb->head + skb->th_off;
}

void skb_queue_init(struct sk_buff_head *q);
void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb);
void skb_queue_head(struct sk_buff_head *q, struct sk_buff *skb);
/* Inserts skb before next (which is in q) or at the tail when next is NULL. */
void skb_insert_before(struct sk_buff_head *q, struct sk_buff *next, struct sk_buff *skb);
struct sk_buff *skb_dequeue(struct sk_buff_head *q);
void skb_unlink(struct sk_buff_head *q, struct sk_buff *skb);
void skb_queue_purge(struct sk_buff_head *q);

static inline struct sk_buff *skb_peek(const struct sk_buff_head *q)
{
	return q->qlen ? list_first_entry(&q->list, struct sk_buff, list) : NULL;
}

static inline struct sk_buff *skb_peek_tail(const struct sk_buff_head *q)
{
	return q->qlen ? list_entry(q->list.prev, struct sk_buff, list) : NULL;
}

/* The skb after skb in q, or NULL. */
static inline struct sk_buff *skb_next(const struct sk_buff_head *q, const struct sk_buff *skb)
{
	return skb->list.next == &q->list ? NULL : list_entry(skb->list.next, struct sk_buff, list);
}

/* The Internet checksum over len bytes, folded into a 16-bit sum (not
 * inverted), starting from sum. */
u32 csum_partial(const void *buf, u32 len, u32 sum);
static inline u16 csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

/* Live packet buffers: kernel memory held by the network stack. */
extern u64 skb_live_bytes;

#endif
