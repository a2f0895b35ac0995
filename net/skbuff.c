/* Packet buffers and their queues (include/skbuff.h). */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "skbuff.h"
#include "timer.h"

u64 skb_live_bytes;

struct sk_buff *alloc_skb(u32 size, u32 headroom)
{
	struct sk_buff *skb = kzalloc(sizeof(*skb));
	u32 total = size + headroom;

	if (!skb)
		return NULL;
	skb->head = kmalloc(total);
	if (!skb->head) {
		kfree(skb);
		return NULL;
	}
	skb->end = skb->head + total;
	skb->truesize = total + (u32)sizeof(*skb);
	skb->data = skb->head + headroom;
	skb_live_bytes += total;
	list_init(&skb->list);
	return skb;
}

void kfree_skb(struct sk_buff *skb)
{
	if (!skb)
		return;
	skb_live_bytes -= (u64)(skb->end - skb->head);
	kfree(skb->head);
	kfree(skb);
}

struct sk_buff *skb_copy(const struct sk_buff *skb)
{
	u32 room = MAX(skb_headroom(skb), (u32)MAX_HEADER);
	struct sk_buff *n = alloc_skb(skb->len, room);
	s64 shift;

	if (!n)
		return NULL;
	memcpy(n->data, skb->data, skb->len);
	n->len = skb->len;
	n->dev = skb->dev;
	n->iif = skb->iif;
	n->protocol = skb->protocol;
	n->pkt_type = skb->pkt_type;
	n->ip_summed = skb->ip_summed;
	n->tstamp = skb->tstamp;
	n->cb = skb->cb;
	shift = (n->data - n->head) - (skb->data - skb->head);
	n->nh_off = (u16)(skb->nh_off + shift);
	n->th_off = (u16)(skb->th_off + shift);
	return n;
}

void skb_queue_init(struct sk_buff_head *q)
{
	list_init(&q->list);
	q->qlen = 0;
	q->bytes = 0;
	q->mem = 0;
}

void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb)
{
	list_add_tail(&skb->list, &q->list);
	q->qlen++;
	q->bytes += skb->len;
	q->mem += skb->truesize;
}

void skb_queue_head(struct sk_buff_head *q, struct sk_buff *skb)
{
	list_add(&skb->list, &q->list);
	q->qlen++;
	q->bytes += skb->len;
	q->mem += skb->truesize;
}

void skb_insert_before(struct sk_buff_head *q, struct sk_buff *next, struct sk_buff *skb)
{
	list_add_tail(&skb->list, next ? &next->list : &q->list);
	q->qlen++;
	q->bytes += skb->len;
	q->mem += skb->truesize;
}

void skb_unlink(struct sk_buff_head *q, struct sk_buff *skb)
{
	list_del(&skb->list);
	q->qlen--;
	q->bytes -= skb->len;
	q->mem -= skb->truesize;
}

struct sk_buff *skb_dequeue(struct sk_buff_head *q)
{
	struct sk_buff *skb = skb_peek(q);

	if (skb)
		skb_unlink(q, skb);
	return skb;
}

void skb_queue_purge(struct sk_buff_head *q)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(q)))
		kfree_skb(skb);
}

u32 csum_partial(const void *buf, u32 len, u32 sum)
{
	const u8 *p = buf;
	u64 s = sum;

	while (len >= 8) {
		u64 w;

		memcpy(&w, p, 8);
		s += (w & 0xffffffffULL) + (w >> 32);
		p += 8;
		len -= 8;
	}
	while (len >= 2) {
		u16 w;

		memcpy(&w, p, 2);
		s += w;
		p += 2;
		len -= 2;
	}
	if (len)
		s += *p;
	while (s >> 32)
		s = (s & 0xffffffffULL) + (s >> 32);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (u32)s;
}

struct sk_buff *skb_from_uio(struct uio *u, u32 len, u32 headroom)
{
	struct sk_buff *skb = alloc_skb(len, headroom);

	if (!skb)
		return ERR_PTR(-ENOBUFS);
	if (uio_copy_from(u, skb_put(skb, len), len) != (long)len) {
		kfree_skb(skb);
		return ERR_PTR(-EFAULT);
	}
	return skb;
}
