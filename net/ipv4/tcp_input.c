/*
 * TCP input: a segment finds its connection (or a listener, or nobody:
 * then a RST answers it) and goes through the checks of RFC 793 "segment
 * arrives" in order: sequence acceptability, RST, SYN, ACK (which frees
 * acknowledged data, samples the round trip, grows the congestion window
 * and detects three duplicate ACKs for a fast retransmit), data (in
 * order to the receive queue, otherwise held until the gap fills), FIN.
 */
#include "kerrno.h"
#include "kstring.h"
#include "poll.h"
#include "tcp.h"

#define OPT_MSS	   2
#define OPT_WSCALE 3

struct seg {
	struct tcphdr_k *th;
	u32 seq, end_seq, ack; /* end_seq counts SYN and FIN */
	u32 len;	       /* data bytes */
	u8 flags;
	u16 mss;    /* SYN options */
	int wscale; /* -1: none */
};

static void parse_options(struct seg *sg)
{
	u8 *p = (u8 *)(sg->th + 1), *end = (u8 *)sg->th + (sg->th->doff >> 4) * 4;

	sg->mss = 0;
	sg->wscale = -1;
	while (p < end) {
		u8 kind = p[0], len;

		if (kind == 0)
			break;
		if (kind == 1) {
			p++;
			continue;
		}
		if (p + 1 >= end)
			break;
		len = p[1];
		if (len < 2 || p + len > end)
			break;
		if (kind == OPT_MSS && len == 4)
			sg->mss = (u16)(p[2] << 8 | p[3]);
		else if (kind == OPT_WSCALE && len == 3)
			sg->wscale = MIN(p[2], 14);
		p += len;
	}
}

/* Is isk (listening) bound to p's destination specifically? */
static bool bound_to(const struct inet_sock *isk, const struct inet_pair *p)
{
	return p->v6 ? !in6_any(&isk->rcv_saddr6) : isk->rcv_saddr != 0;
}

/* The connection a segment from p belongs to, else the listener that
 * fits best (bound to its address over bound to any), else NULL. */
static struct tcp_sock *lookup(const struct inet_pair *p, u16 sport, u16 dport, int ifindex)
{
	struct inet_sock *isk, *listener = NULL;

	list_for_each_entry(isk, &tcp_table, bind_node)
	{
		if (isk->sport != dport)
			continue;
		if (isk->state == TCPS_LISTEN) {
			if (p->v6 ? !inet_sk_v6ok(isk) ||
					    (!in6_any(&isk->rcv_saddr6) && !in6_eq(&isk->rcv_saddr6, &p->daddr6))
				  : !inet_sk_v4ok(isk) || (isk->rcv_saddr && isk->rcv_saddr != p->daddr))
				continue;
			if (isk->bound_dev_if && isk->bound_dev_if != ifindex)
				continue;
			if (!listener || (bound_to(isk, p) && !bound_to(listener, p)) ||
			    (isk->family == (p->v6 ? AF_INET6 : AF_INET) && listener->family != isk->family &&
			     bound_to(isk, p) == bound_to(listener, p)))
				listener = isk;
			continue;
		}
		if (isk->state == TCPS_CLOSE || isk->dport != sport || isk->ipv6 != p->v6)
			continue;
		if (p->v6 ? in6_eq(&isk->daddr6, &p->saddr6) && in6_eq(&isk->saddr6, &p->daddr6)
			  : isk->daddr == p->saddr && isk->saddr == p->daddr)
			return (struct tcp_sock *)isk;
	}
	return (struct tcp_sock *)listener;
}

/* --- connection set-up --- */

static void set_mss_from_syn(struct tcp_sock *tp, const struct seg *sg)
{
	u32 peer = sg->mss ? sg->mss : TCP_MSS_DEFAULT;

	tp->mss = MIN(peer, tp->advmss);
	if (tp->user_mss)
		tp->mss = MIN(tp->mss, tp->user_mss);
	tp->mss = MAX(tp->mss, 64u);
	if (sg->wscale >= 0 && tp->wscale_ok) {
		tp->snd_wscale = (u8)sg->wscale;
	} else {
		/* No scaling: windows are 16 bits, ours included. */
		tp->wscale_ok = false;
		tp->snd_wscale = 0;
		tp->rcv_wscale = 0;
		tp->rcv_wnd = MIN(tp->rcv_wnd, 65535u);
	}
	tp->cwnd = 10 * tp->mss;
}

static void listen_rcv(struct tcp_sock *lp, struct sk_buff *skb, struct seg *sg)
{
	struct tcp_sock *tp;
	struct inet_sock *c;
	struct inet_pair p;

	if (sg->flags & TCPHDR_RST)
		return;
	if (sg->flags & TCPHDR_ACK) {
		tcp_send_reset(skb);
		return;
	}
	if (!(sg->flags & TCPHDR_SYN) || skb->pkt_type != PACKET_HOST)
		return;
	/* Both queues bounded by the backlog: a SYN beyond is dropped and
	 * the peer tries again. */
	if (lp->accq_len > lp->backlog || lp->synq_len > lp->backlog)
		return;
	tp = tcp_sock_new(NULL);
	if (!tp)
		return;
	c = &tp->inet;
	inet_pair_reply(skb, &p);
	c->family = lp->inet.family;
	c->v6only = lp->inet.v6only;
	c->ipv6 = p.v6;
	c->rcv_saddr = c->saddr = p.saddr;
	c->daddr = p.daddr;
	c->rcv_saddr6 = c->saddr6 = p.saddr6;
	c->daddr6 = p.daddr6;
	inet6_sync_mapped(c);
	c->dport = sg->th->source;
	c->num = lp->inet.num;
	c->sport = lp->inet.sport;
	c->table = &tcp_table;
	c->ttl = lp->inet.ttl;
	c->tos = lp->inet.tos;
	c->bound_dev_if = lp->inet.bound_dev_if;
	if (p.v6 && in6_needs_scope(&p.daddr6))
		c->bound_dev_if = skb->iif;
	c->reuseaddr = lp->inet.reuseaddr;
	c->sndbuf = lp->inet.sndbuf;
	c->rcvbuf = lp->inet.rcvbuf;
	c->uid = lp->inet.uid;
	list_add_tail(&c->bind_node, &tcp_table);
	tp->nodelay = lp->nodelay;
	tp->keepalive = lp->keepalive;
	tp->keepidle = lp->keepidle;
	tp->keepintvl = lp->keepintvl;
	tp->keepcnt = lp->keepcnt;
	tp->user_mss = lp->user_mss;
	tp->linger2 = lp->linger2;
	tp->window_clamp = lp->window_clamp;
	{
		struct rt_result rt;

		if (inet_pair_route(&p, c->bound_dev_if, &rt) == 0)
			tp->advmss = MIN(rt.dev->mtu - (p.v6 ? 60 : 40), (u32)TCP_MAX_SEG_ALLOC);
	}
	tp->irs = sg->seq;
	tp->rcv_nxt = sg->seq + 1;
	tp->rcv_wnd = MIN((u32)c->rcvbuf, 65535u << tp->rcv_wscale);
	tp->snd_wnd = ntohs(sg->th->window); /* SYN windows are not scaled */
	tp->snd_wl1 = sg->seq;
	tp->wscale_ok = true;
	set_mss_from_syn(tp, sg); /* after rcv_wnd: it may clamp it */
	tp->iss = tcp_new_isn(&p, c->sport, c->dport);
	tp->snd_una = tp->snd_nxt = tp->write_seq = tp->iss;
	tp->last_rcv_ns = ktime_ns();
	tp->parent = lp;
	inet_hold(&lp->inet);
	list_add_tail(&tp->q_node, &lp->synq);
	lp->synq_len++;
	c->state = TCPS_SYN_RECV;
	tcp_queue_control(tp, TCPHDR_SYN);
}

static void syn_sent_rcv(struct tcp_sock *tp, struct sk_buff *skb, struct seg *sg)
{
	struct inet_sock *isk = &tp->inet;

	if (sg->flags & TCPHDR_ACK) {
		if (!after(sg->ack, tp->iss) || after(sg->ack, tp->snd_nxt)) {
			if (!(sg->flags & TCPHDR_RST))
				tcp_send_reset(skb);
			return;
		}
	}
	if (sg->flags & TCPHDR_RST) {
		if (sg->flags & TCPHDR_ACK)
			tcp_reset(tp);
		return;
	}
	if (!(sg->flags & TCPHDR_SYN))
		return;
	tp->irs = sg->seq;
	tp->rcv_nxt = sg->seq + 1;
	tp->rcv_wup = tp->rcv_nxt;
	set_mss_from_syn(tp, sg);
	tp->snd_wnd = ntohs(sg->th->window);
	tp->snd_wl1 = sg->seq;
	tp->snd_wl2 = sg->ack;
	tp->last_rcv_ns = ktime_ns();
	if (sg->flags & TCPHDR_ACK) {
		/* Our SYN is acknowledged: established. */
		struct sk_buff *syn = skb_dequeue(&tp->sndq);

		if (syn == tp->send_head)
			tp->send_head = skb_next(&tp->sndq, syn);
		kfree_skb(syn);
		tp->snd_una = sg->ack;
		tp->retransmits = 0;
		tp->backoff = 0;
		tp->rto = TCP_RTO_INIT_NS;
		tcp_rearm_rto(tp);
		tcp_set_state(tp, TCPS_ESTABLISHED);
		tcp_reset_keepalive(tp);
		tcp_send_ack(tp);
		wake_up_poll(&isk->wq, POLLOUT);
		tcp_write_xmit(tp, true);
		return;
	}
	/* Simultaneous open: answer with SYN-ACK (the SYN retransmits). */
	tcp_set_state(tp, TCPS_SYN_RECV);
	tp->send_head = skb_peek(&tp->sndq);
	tp->snd_nxt = tp->iss;
	tcp_write_xmit(tp, true);
}

/* --- acknowledgements --- */

static void rtt_sample(struct tcp_sock *tp, u64 r)
{
	if (!tp->srtt) {
		tp->srtt = r;
		tp->rttvar = r / 2;
	} else {
		s64 d = (s64)r - (s64)tp->srtt;

		tp->srtt = (u64)((s64)tp->srtt + d / 8);
		if (d < 0)
			d = -d;
		tp->rttvar = (u64)((s64)tp->rttvar + (d - (s64)tp->rttvar) / 4);
	}
	tp->rto = tp->srtt + MAX(4 * tp->rttvar, TCP_RTO_MIN_NS);
	tp->rto = MIN(MAX(tp->rto, TCP_RTO_MIN_NS), TCP_RTO_MAX_NS);
}

/* Frees what ack covers; returns false if the ACK is for data never sent. */
static bool tcp_ack(struct tcp_sock *tp, struct seg *sg)
{
	u32 ack = sg->ack, acked, wnd = (u32)ntohs(sg->th->window) << tp->snd_wscale;
	struct sk_buff *skb;
	u64 sample = 0;
	bool wnd_changed = false, karn = false;

	if (after(ack, tp->snd_nxt))
		return false;
	if (before(ack, tp->snd_una))
		return true; /* old duplicate */
	if (before(tp->snd_wl1, sg->seq) || (tp->snd_wl1 == sg->seq && !before(ack, tp->snd_wl2))) {
		wnd_changed = wnd != tp->snd_wnd;
		tp->snd_wnd = wnd;
		tp->max_window = MAX(tp->max_window, wnd);
		tp->snd_wl1 = sg->seq;
		tp->snd_wl2 = ack;
	}
	acked = ack - tp->snd_una;
	if (!acked) {
		if (tcp_flight(tp) && !sg->len && !wnd_changed &&
		    !(sg->flags & (TCPHDR_SYN | TCPHDR_FIN))) {
			tp->dupacks++;
			if (tp->dupacks == 3 && !tp->in_recovery && !tp->in_loss) {
				tp->ssthresh = MAX(tcp_flight(tp) / 2, 2 * tp->mss);
				tp->recover = tp->snd_nxt;
				tp->in_recovery = true;
				tcp_retransmit_head(tp);
				tp->cwnd = tp->ssthresh + 3 * tp->mss;
			} else if (tp->in_recovery) {
				tp->cwnd += tp->mss;
			}
		}
		if (wnd_changed)
			tcp_rearm_rto(tp);
		return true;
	}
	while ((skb = skb_peek(&tp->sndq)) && skb != tp->send_head) {
		if (after(skb->cb.tcp.end_seq, ack)) {
			u32 n = ack - skb->cb.tcp.seq;

			if (n && n <= skb->len) { /* part of it */
				skb_pull(skb, n);
				tp->sndq.bytes -= n;
				skb->cb.tcp.seq = ack;
			}
			break;
		}
		/* Karn: an ACK that covers a resent segment times nothing
		 * (it may answer either copy, and the segments around it
		 * waited for the hole to be filled). */
		if (skb->cb.tcp.retrans)
			karn = true;
		else if (skb->cb.tcp.sent_ns)
			sample = ktime_ns() - skb->cb.tcp.sent_ns;
		skb_unlink(&tp->sndq, skb);
		kfree_skb(skb);
	}
	tp->snd_una = ack;
	tp->bytes_acked += acked;
	tp->retransmits = 0;
	tp->backoff = 0;
	if (sample && !karn)
		rtt_sample(tp, sample);
	else if (!tp->srtt)
		tp->rto = TCP_RTO_INIT_NS;
	else
		tp->rto = MIN(MAX(tp->srtt + MAX(4 * tp->rttvar, TCP_RTO_MIN_NS), TCP_RTO_MIN_NS),
			      TCP_RTO_MAX_NS);
	if (tp->in_recovery) {
		if (!before(ack, tp->recover)) {
			tp->in_recovery = false;
			tp->cwnd = tp->ssthresh;
		} else {
			/* A partial ACK: the next hole is lost too (NewReno). */
			tcp_retransmit_head(tp);
			tp->cwnd = tp->cwnd > acked ? tp->cwnd - acked + tp->mss : tp->mss;
		}
	} else if (tp->cwnd < tp->ssthresh) {
		tp->cwnd += MIN(acked, tp->mss);
	} else {
		tp->cwnd += MAX(tp->mss * tp->mss / tp->cwnd, 1u);
	}
	tp->cwnd = MIN(tp->cwnd, 0x3fffffffu);
	tp->dupacks = 0;
	tcp_rearm_rto(tp);
	wake_up_poll(&tp->inet.wq, POLLOUT);
	return true;
}

static bool fin_acked(const struct tcp_sock *tp)
{
	return tp->fin_queued && tp->snd_una == tp->write_seq;
}

/* --- data --- */

static void data_deliver(struct tcp_sock *tp, struct sk_buff *skb, struct seg *sg);

#define SMALL_SEG    2048
#define COALESCE_BUF 4096

/*
 * Queues in-order data for the reader. Small segments are copied into a
 * shared buffer: each would otherwise hold a whole packet buffer for a
 * few bytes, and a peer sending one byte at a time could fill memory
 * long before it filled the window.
 */
static void rxq_add(struct inet_sock *isk, struct sk_buff *skb)
{
	struct sk_buff *tail = skb_peek_tail(&isk->rxq), *n;

	skb->dev = NULL; /* the device may go before the data is read */
	if (skb->len > SMALL_SEG) {
		skb_queue_tail(&isk->rxq, skb);
		return;
	}
	if (tail && skb_tailroom(tail) >= skb->len) {
		memcpy(tail->data + tail->len, skb->data, skb->len);
		tail->len += skb->len;
		isk->rxq.bytes += skb->len;
		kfree_skb(skb);
		return;
	}
	n = alloc_skb(COALESCE_BUF, 0);
	if (!n) {
		skb_queue_tail(&isk->rxq, skb);
		return;
	}
	memcpy(n->data, skb->data, skb->len);
	n->len = skb->len;
	kfree_skb(skb);
	skb_queue_tail(&isk->rxq, n);
}

static void drain_ooo(struct tcp_sock *tp)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(&tp->ooo)) && !after(skb->cb.tcp.seq, tp->rcv_nxt)) {
		struct seg sg = {.seq = skb->cb.tcp.seq,
				 .end_seq = skb->cb.tcp.end_seq,
				 .flags = skb->cb.tcp.flags,
				 .len = skb->len};

		skb_unlink(&tp->ooo, skb);
		if (!after(sg.end_seq, tp->rcv_nxt)) {
			kfree_skb(skb);
			continue;
		}
		data_deliver(tp, skb, &sg);
	}
}

static void tcp_fin(struct tcp_sock *tp)
{
	struct inet_sock *isk = &tp->inet;

	isk->shutdown |= RCV_SHUTDOWN;
	tp->rcv_nxt++;
	switch (isk->state) {
	case TCPS_SYN_RECV:
	case TCPS_ESTABLISHED:
		tcp_set_state(tp, TCPS_CLOSE_WAIT);
		break;
	case TCPS_FIN_WAIT1:
		if (fin_acked(tp))
			tcp_time_wait(tp);
		else
			tcp_set_state(tp, TCPS_CLOSING);
		break;
	case TCPS_FIN_WAIT2:
		tcp_time_wait(tp);
		break;
	}
	/* The caller acknowledges at once (tcp_schedule_ack). */
	skb_queue_purge(&tp->ooo);
	wake_up_poll(&isk->wq, POLLIN | POLLOUT);
}

/* In-order data (and maybe FIN) from seq == rcv_nxt or overlapping it;
 * consumes skb (data at the payload). */
static void data_deliver(struct tcp_sock *tp, struct sk_buff *skb, struct seg *sg)
{
	struct inet_sock *isk = &tp->inet;
	u32 skip = tp->rcv_nxt - sg->seq;
	bool fin = sg->flags & TCPHDR_FIN;

	if (skip > skb->len) { /* only the FIN is new */
		kfree_skb(skb);
		if (fin)
			tcp_fin(tp);
		return;
	}
	skb_pull(skb, skip);
	if (skb->len) {
		tp->rcv_nxt += skb->len;
		tp->bytes_received += skb->len;
		rxq_add(isk, skb);
		wake_up_poll(&isk->wq, POLLIN);
	} else {
		kfree_skb(skb);
	}
	if (fin)
		tcp_fin(tp);
}

static void data_queue(struct tcp_sock *tp, struct sk_buff *skb, struct seg *sg)
{
	u32 wnd_end = tp->rcv_wup + tp->rcv_wnd;
	struct sk_buff *p;

	/* Nothing beyond the window we offered (a FIN there waits). */
	if (after(sg->seq + sg->len, wnd_end)) {
		u32 keep = after(wnd_end, sg->seq) ? wnd_end - sg->seq : 0;

		skb_trim(skb, keep);
		sg->len = keep;
		sg->flags &= (u8)~TCPHDR_FIN;
		sg->end_seq = sg->seq + keep;
	}
	if (!sg->len && !(sg->flags & TCPHDR_FIN)) {
		kfree_skb(skb);
		tcp_send_ack(tp);
		return;
	}
	/* A peer that ignores our window gets no more than twice the buffer. */
	if (tp->ooo.mem + tp->inet.rxq.mem > 2 * (u64)tp->inet.rcvbuf) {
		kfree_skb(skb);
		tcp_send_ack(tp);
		return;
	}
	if (!after(sg->seq, tp->rcv_nxt)) {
		bool had_ooo = tp->ooo.qlen != 0;

		data_deliver(tp, skb, sg);
		drain_ooo(tp); /* a loop: no depth per held segment */
		tcp_schedule_ack(tp, had_ooo || (sg->flags & TCPHDR_FIN));
		return;
	}
	/* What the peer sends beyond what we can hold is dropped. */
	if (tp->ooo.mem + tp->inet.rxq.mem + skb->truesize > 2 * (u64)tp->inet.rcvbuf ||
	    tp->ooo.qlen >= 1024) {
		kfree_skb(skb);
		tcp_send_ack(tp);
		return;
	}
	/* Out of order: keep it sorted, drop what we already hold. */
	skb->cb.tcp.seq = sg->seq;
	skb->cb.tcp.end_seq = sg->end_seq;
	skb->cb.tcp.flags = sg->flags;
	for (p = skb_peek(&tp->ooo); p; p = skb_next(&tp->ooo, p)) {
		if (p->cb.tcp.seq == sg->seq && !before(p->cb.tcp.end_seq, sg->end_seq)) {
			kfree_skb(skb);
			skb = NULL;
			break;
		}
		if (after(p->cb.tcp.seq, sg->seq))
			break;
	}
	if (skb)
		skb_insert_before(&tp->ooo, p, skb);
	tcp_send_ack(tp); /* a duplicate ACK tells the sender of the hole */
}

/* --- the synchronized states --- */

static bool seq_acceptable(struct tcp_sock *tp, struct seg *sg)
{
	u32 wnd = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt;
	u32 seglen = sg->end_seq - sg->seq;

	if ((s32)wnd < 0)
		wnd = 0;
	if (!seglen)
		return wnd ? !before(sg->seq, tp->rcv_nxt) && before(sg->seq, tp->rcv_nxt + wnd)
			   : sg->seq == tp->rcv_nxt;
	if (!wnd)
		return false;
	return (!before(sg->seq, tp->rcv_nxt) && before(sg->seq, tp->rcv_nxt + wnd)) ||
	       (!before(sg->end_seq - 1, tp->rcv_nxt) &&
		before(sg->end_seq - 1, tp->rcv_nxt + wnd));
}

static void promote_child(struct tcp_sock *tp)
{
	struct tcp_sock *lp = tp->parent;

	list_del(&tp->q_node);
	lp->synq_len--;
	list_add_tail(&tp->q_node, &lp->accq);
	lp->accq_len++;
	wake_up_poll(&lp->inet.wq, POLLIN);
}

/* Answers to segments outside the window, or acknowledging what was never
 * sent, at most one per 500 ms (two stacks must not answer each other's
 * answers for ever). Data is answered every time: a resent segment whose
 * ACK was lost needs its answer, and data is not part of an ACK loop. */
static void oow_ack(struct tcp_sock *tp)
{
	u64 now = ktime_ns();

	if (tp->last_oow_ack_ns && now - tp->last_oow_ack_ns < 500 * 1000000ULL)
		return;
	tp->last_oow_ack_ns = now;
	tcp_send_ack(tp);
}

static void established_rcv(struct tcp_sock *tp, struct sk_buff *skb, struct seg *sg)
{
	struct inet_sock *isk = &tp->inet;
	int st;

	/* Simultaneous open (a socket connected to itself): the SYN-ACK
	 * repeats the SYN we answered and acknowledges ours. */
	if (isk->state == TCPS_SYN_RECV && !tp->parent &&
	    (sg->flags & (TCPHDR_SYN | TCPHDR_ACK)) == (TCPHDR_SYN | TCPHDR_ACK) &&
	    sg->seq == tp->irs) {
		sg->flags &= (u8)~TCPHDR_SYN;
		sg->seq++;
	}
	if (!seq_acceptable(tp, sg)) {
		/* A zero window still takes the peer's ACKs and probes. */
		if (!(sg->flags & TCPHDR_RST)) {
			if ((sg->flags & TCPHDR_ACK) && !sg->len)
				tcp_ack(tp, sg);
			if (sg->len && !(sg->flags & TCPHDR_SYN))
				tcp_send_ack(tp); /* resent data we hold: no loop */
			else if (sg->seq != tp->rcv_nxt - 1)
				oow_ack(tp);
			else
				tcp_send_ack(tp); /* a probe gets its answer */
		}
		kfree_skb(skb);
		return;
	}
	if (sg->flags & TCPHDR_RST) {
		if (isk->state == TCPS_SYN_RECV && tp->parent)
			tcp_done(tp); /* the peer gave up before accept */
		else
			tcp_reset(tp);
		kfree_skb(skb);
		return;
	}
	if (sg->flags & TCPHDR_SYN) {
		oow_ack(tp); /* a challenge ACK (RFC 5961) */
		kfree_skb(skb);
		return;
	}
	if (!(sg->flags & TCPHDR_ACK)) {
		kfree_skb(skb);
		return;
	}
	tp->last_rcv_ns = ktime_ns();
	tp->probes_out = 0;
	if (isk->state == TCPS_SYN_RECV) {
		if (!after(sg->ack, tp->snd_una) || after(sg->ack, tp->snd_nxt)) {
			tcp_send_reset(skb);
			kfree_skb(skb);
			return;
		}
		if (tp->parent && tp->parent->accq_len > tp->parent->backlog) {
			kfree_skb(skb); /* no room to accept: the SYN-ACK repeats */
			return;
		}
		tcp_set_state(tp, TCPS_ESTABLISHED);
		tp->snd_wnd = (u32)ntohs(sg->th->window) << tp->snd_wscale;
		tp->snd_wl1 = sg->seq;
		tp->snd_wl2 = sg->ack;
		if (tp->parent)
			promote_child(tp);
		wake_up_poll(&isk->wq, POLLOUT);
	}
	if (!tcp_ack(tp, sg)) {
		oow_ack(tp);
		kfree_skb(skb);
		return;
	}
	st = isk->state;
	if (fin_acked(tp)) {
		if (st == TCPS_FIN_WAIT1) {
			tcp_set_state(tp, TCPS_FIN_WAIT2);
			if (!isk->sock) /* orphaned: FIN_WAIT2 does not last */
				timer_arm(&tp->tw_timer,
					  ktime_ns() + (u64)tp->linger2 * NSEC_PER_SEC);
		} else if (st == TCPS_CLOSING) {
			tcp_time_wait(tp);
		} else if (st == TCPS_LAST_ACK) {
			tcp_done(tp);
			kfree_skb(skb);
			return;
		}
	}
	st = isk->state;
	if (st == TCPS_ESTABLISHED || st == TCPS_FIN_WAIT1 || st == TCPS_FIN_WAIT2) {
		if (sg->len && !isk->sock && (isk->shutdown & RCV_SHUTDOWN)) {
			/* Data for a closed socket: nobody will read it. */
			tcp_send_active_reset(tp);
			tcp_done(tp);
			kfree_skb(skb);
			return;
		}
		if (sg->len || (sg->flags & TCPHDR_FIN)) {
			tp->segs_in++;
			data_queue(tp, skb, sg);
			skb = NULL;
		}
	} else if (st == TCPS_TIME_WAIT && (sg->flags & TCPHDR_FIN)) {
		tcp_send_ack(tp); /* our last ACK was lost */
		timer_arm(&tp->tw_timer, ktime_ns() + TCP_TIMEWAIT_NS);
	}
	kfree_skb(skb);
	tcp_write_xmit(tp, true);
	tcp_reset_keepalive(tp);
}

void tcp_rcv(struct sk_buff *skb)
{
	struct tcphdr_k *th = (struct tcphdr_k *)skb->data;
	struct inet_pair p;
	struct tcp_sock *tp;
	struct seg sg;
	u32 hlen;

	if (skb->pkt_type != PACKET_HOST || skb->len < sizeof(*th))
		goto drop;
	hlen = (u32)(th->doff >> 4) * 4;
	if (hlen < sizeof(*th) || hlen > skb->len)
		goto drop;
	inet_pair_of_skb(skb, &p);
	if (skb->ip_summed != CHECKSUM_UNNECESSARY && inet_pair_csum(&p, IPPROTO_TCP, skb->data, skb->len) != 0)
		goto drop;
	sg.th = th;
	sg.seq = ntohl(th->seq);
	sg.ack = ntohl(th->ack_seq);
	sg.flags = th->flags;
	sg.len = skb->len - hlen;
	sg.end_seq =
		sg.seq + sg.len + (sg.flags & TCPHDR_SYN ? 1 : 0) + (sg.flags & TCPHDR_FIN ? 1 : 0);
	parse_options(&sg);
	skb_pull(skb, hlen);
again:
	tp = lookup(&p, th->source, th->dest, skb->dev->ifindex);
	if (!tp) {
		skb_push(skb, hlen);
		tcp_send_reset(skb);
		goto drop;
	}
	inet_hold(&tp->inet);
	switch (tp->inet.state) {
	case TCPS_LISTEN:
		skb_push(skb, hlen);
		listen_rcv(tp, skb, &sg);
		kfree_skb(skb);
		break;
	case TCPS_SYN_SENT:
		skb_push(skb, hlen);
		syn_sent_rcv(tp, skb, &sg);
		kfree_skb(skb);
		break;
	case TCPS_TIME_WAIT:
		if ((sg.flags & TCPHDR_SYN) && !(sg.flags & (TCPHDR_ACK | TCPHDR_RST)) &&
		    after(sg.seq, tp->rcv_nxt)) {
			/* A new connection reuses the pair: the old one ends. */
			tcp_done(tp);
			inet_put(&tp->inet);
			goto again;
		}
		if (sg.flags & TCPHDR_RST) {
			tcp_done(tp);
			kfree_skb(skb);
			break;
		}
		established_rcv(tp, skb, &sg);
		break;
	default:
		established_rcv(tp, skb, &sg);
	}
	inet_put(&tp->inet);
	return;
drop:
	kfree_skb(skb);
}

int icmp_err_to_errno(int type, int code, bool *hard);

static void tcp_err_pair(const struct inet_pair *p, const u8 *th, int type, int code);

void tcp_err(const struct iphdr_k *iph, const u8 *th, int type, int code)
{
	struct inet_pair p = { .saddr = iph->daddr, .daddr = iph->saddr };

	tcp_err_pair(&p, th, type, code);
}

void tcp6_err(const struct ipv6hdr_k *ip6h, const u8 *th, int type, int code)
{
	struct inet_pair p = { .v6 = true, .saddr6 = ip6h->daddr, .daddr6 = ip6h->saddr };

	tcp_err_pair(&p, th, type, code);
}

/* An ICMP error about a segment we sent (p: as the peer would see it). */
static void tcp_err_pair(const struct inet_pair *p, const u8 *th, int type, int code)
{
	const struct tcphdr_k *t = (const struct tcphdr_k *)th;
	struct tcp_sock *tp = lookup(p, t->dest, t->source, 0);
	bool hard;
	int err = icmp_err_to_errno(type, code, &hard);

	if (!tp || tp->inet.state == TCPS_LISTEN || tp->inet.state == TCPS_TIME_WAIT)
		return;
	if (code == ICMP_FRAG_NEEDED && type == ICMP_DEST_UNREACH)
		return; /* path MTU discovery: not done, our MSS comes from the device */
	/* Only about what we sent and is not yet acknowledged. */
	if (before(ntohl(t->seq), tp->snd_una) || after(ntohl(t->seq), tp->snd_nxt))
		return;
	if (tp->inet.state == TCPS_SYN_SENT && hard) {
		inet_hold(&tp->inet);
		tp->inet.err = err;
		tcp_done(tp);
		inet_put(&tp->inet);
		return;
	}
	if (tp->inet.recverr && hard) {
		tp->inet.err = err;
		wake_up_poll(&tp->inet.wq, POLLIN | POLLOUT);
	}
}
