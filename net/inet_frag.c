/*
 * Fragment reassembly for IPv4 and IPv6. Fragments of one datagram
 * (same family, addresses, identification and protocol) wait in a queue,
 * sorted by offset, until every byte up to the last fragment's end is
 * there; then one buffer is made of the first fragment's headers and the
 * payloads in order, and the caller fixes up its header. Overlapping
 * fragments drop the whole datagram (as Linux does, and RFC 5722 asks of
 * IPv6); a queue that is not complete within 30 s is dropped, and at most
 * 64 queues and 4 MiB are held, so fragments cannot exhaust memory: past
 * that, the oldest queues go to make room for new fragments.
 */
#include "inet_frag.h"
#include "kstring.h"
#include "mm.h"
#include "netdevice.h"
#include "timer.h"

#define FRAG_TIME_NS	(30 * NSEC_PER_SEC)
#define FRAG_HIGH	(4u << 20)
#define FRAG_MAX_QUEUES 64

struct fragq {
	struct list_head node;
	struct frag_key key;
	u32 total; /* payload length, known once the last fragment came */
	u32 meat;  /* payload bytes held */
	u64 expires;
	struct sk_buff_head frags; /* sorted by offset, skb->cb.tcp.seq */
	struct sk_buff *first;	   /* offset 0 (for its headers) */
	u32 first_hlen;		   /* its header bytes in front of the payload */
};

static LIST_HEAD(fragqs);
static int nfragqs;
static u64 frag_mem;

static void fragq_free(struct fragq *q)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&q->frags))) {
		frag_mem -= skb->truesize;
		kfree_skb(skb);
	}
	list_del(&q->node);
	nfragqs--;
	kfree(q);
}

void inet_frag_dev_gone(struct net_device *dev)
{
	struct fragq *q, *n;

	list_for_each_entry_safe(q, n, &fragqs, node)
	{
		struct sk_buff *skb;
		bool mine = false;

		for (skb = skb_peek(&q->frags); skb; skb = skb_next(&q->frags, skb))
			mine = mine || skb->dev == dev;
		if (mine)
			fragq_free(q);
	}
}

static void expire_old(void)
{
	struct fragq *q, *n;
	u64 now = ktime_ns();

	list_for_each_entry_safe(q, n, &fragqs, node) if (q->expires <= now) fragq_free(q);
}

/* Makes room for size more bytes (and a queue, if new_queue) by dropping
 * the oldest queues other than keep: a flood of fragments that never
 * complete must not keep new datagrams out for 30 s. */
static bool make_room(u32 size, bool new_queue, struct fragq *keep)
{
	while (frag_mem + size > FRAG_HIGH || (new_queue && nfragqs >= FRAG_MAX_QUEUES)) {
		struct fragq *old = NULL, *q;

		list_for_each_entry(q, &fragqs, node) if (q != keep) old =
			q; /* the list is newest first */
		if (!old)
			return false;
		fragq_free(old);
	}
	return true;
}

struct sk_buff *inet_defrag(const struct frag_key *k, struct sk_buff *skb, u32 off, bool more,
			    u32 hlen, u32 max)
{
	u32 end = off + skb->len, pos = 0;
	struct sk_buff *p, *whole;
	struct fragq *q;

	expire_old();
	list_for_each_entry(q, &fragqs, node) if (memcmp(&q->key, k, sizeof(*k)) == 0) goto found;
	if (skb->truesize > FRAG_HIGH || !make_room(skb->truesize, true, NULL)) {
		kfree_skb(skb);
		return NULL;
	}
	q = kzalloc(sizeof(*q));
	if (!q) {
		kfree_skb(skb);
		return NULL;
	}
	q->key = *k;
	q->expires = ktime_ns() + FRAG_TIME_NS;
	skb_queue_init(&q->frags);
	list_add(&q->node, &fragqs);
	nfragqs++;
found:
	/* Fragments of 8-byte multiples, within the datagram's limit, not
	 * overlapping, one last fragment. */
	if (!skb->len || end > max - hlen || (more && (skb->len & 7)) || (!more && q->total) ||
	    (q->total && end > q->total) || !make_room(skb->truesize, false, q))
		goto drop_all;
	for (p = skb_peek(&q->frags); p; p = skb_next(&q->frags, p)) {
		u32 poff = p->cb.tcp.seq, pend = poff + p->len;

		if (off < pend && end > poff)
			goto drop_all;
		if (poff > off)
			break;
	}
	skb->cb.tcp.seq = off;
	if (off == 0) {
		q->first = skb;
		q->first_hlen = hlen;
	}
	skb_insert_before(&q->frags, p, skb);
	frag_mem += skb->truesize;
	q->meat += skb->len;
	if (!more)
		q->total = end;
	if (!q->total || q->meat != q->total || !q->first)
		return NULL;
	/* Complete: one buffer with the first fragment's headers. */
	hlen = q->first_hlen;
	whole = alloc_skb(hlen + q->total, MAX_HEADER);
	if (!whole) {
		fragq_free(q);
		return NULL;
	}
	memcpy(skb_put(whole, hlen), q->first->data - hlen, hlen);
	for (p = skb_peek(&q->frags); p; p = skb_next(&q->frags, p)) {
		memcpy(whole->data + hlen + pos, p->data, p->len);
		pos += p->len;
	}
	whole->len += q->total;
	whole->dev = q->first->dev;
	whole->iif = q->first->iif;
	whole->pkt_type = q->first->pkt_type;
	whole->protocol = q->first->protocol;
	whole->tstamp = q->first->tstamp;
	whole->ip_summed = CHECKSUM_NONE;
	fragq_free(q);
	skb_reset_network_header(whole);
	return whole;
drop_all:
	kfree_skb(skb);
	fragq_free(q);
	return NULL;
}
