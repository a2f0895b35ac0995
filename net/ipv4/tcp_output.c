/*
 * TCP output: segments from the send queue within the peer's window and
 * the congestion window (Nagle and cork hold back small ones), bare ACKs
 * (at once, or delayed up to 40 ms when nothing urges them), resets, and
 * the timers: retransmission with exponential backoff and the zero-window
 * probe, delayed ACK, keepalive and TIME_WAIT.
 */
#include "kerrno.h"
#include "kstring.h"
#include "poll.h"
#include "tcp.h"

#define OPT_MSS	   2
#define OPT_WSCALE 3

u32 tcp_select_window(struct tcp_sock *tp)
{
	struct inet_sock *isk = &tp->inet;
	u64 queued = isk->rxq.mem + tp->ooo.mem;
	u32 unit = 1u << tp->rcv_wscale;
	u32 free = (u64)isk->rcvbuf > queued ? (u32)((u64)isk->rcvbuf - queued) : 0;
	u32 cur = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt;

	if (tp->window_clamp && free > tp->window_clamp)
		free = tp->window_clamp;
	free = MIN(free, 65535u << tp->rcv_wscale);
	free &= ~(unit - 1);
	/*
	 * The right edge never moves left. While a hole waits to be filled
	 * it does not move right either, and otherwise only by a whole
	 * segment or half the buffer (receiver SWS avoidance): a duplicate
	 * ACK that carries a new window is not a duplicate to the sender,
	 * and it would never fast-retransmit while our reader drains.
	 */
	if ((s32)cur > 0 &&
	    (free < cur || tp->ooo.qlen || free - cur < MIN(tp->mss, (u32)isk->rcvbuf / 2)))
		free = (cur + unit - 1) & ~(unit - 1);
	tp->rcv_wnd = free;
	tp->rcv_wup = tp->rcv_nxt;
	return free;
}

/* Builds and sends one segment: payload from data (may be NULL). */
static void tcp_transmit(struct tcp_sock *tp, const struct sk_buff *data, u32 seq, u8 flags)
{
	struct inet_sock *isk = &tp->inet;
	u32 len = data ? data->len : 0, hlen = sizeof(struct tcphdr_k);
	bool ws = (flags & TCPHDR_SYN) && (!(flags & TCPHDR_ACK) || tp->wscale_ok);
	struct rt_result rt;
	struct inet_pair p;
	struct tcphdr_k *th;
	struct sk_buff *skb;
	struct ip_opts o;
	u8 *opt;
	u32 wnd;

	inet_sock_pair(isk, &p);
	if (inet_pair_route(&p, isk->bound_dev_if, &rt) < 0)
		return;
	if (flags & TCPHDR_SYN)
		hlen += ws ? 8 : 4;
	skb = alloc_skb(hlen + len, MAX_HEADER);
	if (!skb)
		return;
	th = (struct tcphdr_k *)skb_put(skb, hlen);
	if (len)
		memcpy(skb_put(skb, len), data->data, len);
	th->source = isk->sport;
	th->dest = isk->dport;
	th->seq = htonl(seq);
	th->ack_seq = (flags & TCPHDR_ACK) ? htonl(tp->rcv_nxt) : 0;
	th->doff = (u8)((hlen / 4) << 4);
	th->flags = flags;
	if (flags & TCPHDR_SYN) {
		wnd = MIN(tp->rcv_wnd, 65535u);
		tp->rcv_wup = tp->rcv_nxt;
	} else {
		wnd = tcp_select_window(tp) >> tp->rcv_wscale;
	}
	th->window = htons((u16)MIN(wnd, 65535u));
	th->urg_ptr = 0;
	th->check = 0;
	opt = (u8 *)(th + 1);
	if (flags & TCPHDR_SYN) {
		opt[0] = OPT_MSS;
		opt[1] = 4;
		opt[2] = (u8)(tp->advmss >> 8);
		opt[3] = (u8)tp->advmss;
		if (ws) {
			opt[4] = 1; /* NOP */
			opt[5] = OPT_WSCALE;
			opt[6] = 3;
			opt[7] = tp->rcv_wscale;
		}
	}
	if (!(rt.dev->flags & IFF_LOOPBACK))
		th->check = inet_pair_csum(&p, IPPROTO_TCP, skb->data, skb->len);
	inet_ip_opts(isk, &o);
	o.df = true;
	if (flags & TCPHDR_ACK) {
		tp->ack_pending = 0;
		timer_cancel(&tp->delack_timer);
	}
	tp->segs_out++;
	tp->last_snd_ns = ktime_ns();
	inet_pair_send(skb, &p, IPPROTO_TCP, &o, &rt);
}

void tcp_send_ack(struct tcp_sock *tp)
{
	int st = tp->inet.state;

	if (st == TCPS_CLOSE || st == TCPS_LISTEN || st == TCPS_SYN_SENT)
		return;
	tcp_transmit(tp, NULL, tp->snd_nxt, TCPHDR_ACK);
}

void tcp_send_active_reset(struct tcp_sock *tp)
{
	tcp_transmit(tp, NULL, tp->snd_nxt, TCPHDR_RST | TCPHDR_ACK);
}

/* A segment the peer must answer with an ACK carrying its window. */
static void tcp_send_probe(struct tcp_sock *tp)
{
	tcp_transmit(tp, NULL, tp->snd_una - 1, TCPHDR_ACK);
}

void tcp_send_reset(struct sk_buff *in)
{
	struct tcphdr_k *th = (struct tcphdr_k *)skb_transport_header(in), *r;
	u32 seglen = in->len - (u32)(th->doff >> 4) * 4;
	struct ip_opts o = {.ttl = 0, .df = true};
	struct sk_buff *skb;
	struct rt_result rt;
	struct inet_pair p;

	if ((th->flags & TCPHDR_RST) || in->pkt_type != PACKET_HOST)
		return;
	inet_pair_reply(in, &p);
	if (inet_pair_route(&p, p.v6 && in6_needs_scope(&p.daddr6) ? in->iif : 0, &rt) < 0)
		return;
	skb = alloc_skb(sizeof(*r), MAX_HEADER);
	if (!skb)
		return;
	r = (struct tcphdr_k *)skb_put(skb, sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->source = th->dest;
	r->dest = th->source;
	r->doff = 5 << 4;
	if (th->flags & TCPHDR_ACK) {
		r->seq = th->ack_seq;
		r->flags = TCPHDR_RST;
	} else {
		seglen += (th->flags & TCPHDR_SYN ? 1 : 0) + (th->flags & TCPHDR_FIN ? 1 : 0);
		r->ack_seq = htonl(ntohl(th->seq) + seglen);
		r->flags = TCPHDR_RST | TCPHDR_ACK;
	}
	if (!(rt.dev->flags & IFF_LOOPBACK))
		r->check = inet_pair_csum(&p, IPPROTO_TCP, r, sizeof(*r));
	inet_pair_send(skb, &p, IPPROTO_TCP, &o, &rt);
}

void tcp_schedule_ack(struct tcp_sock *tp, bool now)
{
	tp->ack_pending++;
	if (now || tp->quickack > 0 || tp->ack_pending >= 2) {
		if (tp->quickack > 0)
			tp->quickack--;
		tcp_send_ack(tp);
	} else if (!tp->delack_timer.armed) {
		timer_arm(&tp->delack_timer, ktime_ns() + TCP_DELACK_NS);
	}
}

void tcp_maybe_window_update(struct tcp_sock *tp)
{
	struct inet_sock *isk = &tp->inet;
	u64 queued = isk->rxq.mem + tp->ooo.mem;
	u32 free = (u64)isk->rcvbuf > queued ? (u32)((u64)isk->rcvbuf - queued) : 0;
	u32 cur = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt;

	if ((s32)cur < 0)
		cur = 0;
	if (isk->state != TCPS_ESTABLISHED && isk->state != TCPS_FIN_WAIT1 &&
	    isk->state != TCPS_FIN_WAIT2)
		return;
	/* Worth telling: the window grew by two segments or half the buffer. */
	if (free >= cur + 2 * tp->mss || (free > cur && free - cur >= (u32)isk->rcvbuf / 2) ||
	    (cur < tp->mss && free >= tp->mss))
		tcp_send_ack(tp);
}

void tcp_rearm_rto(struct tcp_sock *tp)
{
	if (tcp_flight(tp) || (tp->send_head && !tp->snd_wnd))
		timer_arm(&tp->rto_timer, ktime_ns() + tp->rto);
	else
		timer_cancel(&tp->rto_timer);
}

/* Splits skb after len bytes; the rest becomes the next skb in sndq. */
static int tcp_fragment(struct tcp_sock *tp, struct sk_buff *skb, u32 len)
{
	u32 rest = skb->len - len;
	struct sk_buff *n = alloc_skb(rest, 0);

	if (!n)
		return -ENOMEM;
	memcpy(skb_put(n, rest), skb->data + len, rest);
	n->cb.tcp.seq = skb->cb.tcp.seq + len;
	n->cb.tcp.end_seq = skb->cb.tcp.end_seq;
	n->cb.tcp.flags = skb->cb.tcp.flags;
	skb->cb.tcp.flags &= (u8) ~(TCPHDR_FIN | TCPHDR_PSH);
	tp->sndq.bytes -= rest;
	skb->len = len;
	skb->cb.tcp.end_seq = skb->cb.tcp.seq + len;
	skb_insert_before(&tp->sndq, skb_next(&tp->sndq, skb), n);
	return 0;
}

static void tcp_send_skb(struct tcp_sock *tp, struct sk_buff *skb)
{
	u8 flags = skb->cb.tcp.flags;

	if (tp->inet.state != TCPS_SYN_SENT)
		flags |= TCPHDR_ACK;
	if (skb->len && !skb_next(&tp->sndq, skb))
		flags |= TCPHDR_PSH;
	tcp_transmit(tp, skb, skb->cb.tcp.seq, flags);
}

/* The sent segment holding seq, or NULL. */
static struct sk_buff *sent_skb_at(struct tcp_sock *tp, u32 seq)
{
	struct sk_buff *skb;

	for (skb = skb_peek(&tp->sndq); skb && skb != tp->send_head; skb = skb_next(&tp->sndq, skb))
		if (before(seq, skb->cb.tcp.end_seq))
			return skb;
	return NULL;
}

static void tcp_resend(struct tcp_sock *tp, struct sk_buff *skb)
{
	if (skb->len > tp->mss)
		tcp_fragment(tp, skb, tp->mss);
	skb->cb.tcp.retrans = 1;
	tp->total_retrans++;
	tcp_send_skb(tp, skb);
}

/*
 * After a timeout: resends what was in flight, in order, as much as the
 * congestion window (growing in slow start as ACKs come) allows; true
 * while some of it is left, when new data must wait.
 */
static bool tcp_loss_xmit(struct tcp_sock *tp)
{
	u32 wnd = MIN(tp->snd_wnd, tp->cwnd);
	struct sk_buff *skb;

	if (!before(tp->snd_una, tp->loss_recover)) {
		tp->in_loss = false;
		return false;
	}
	if (before(tp->rtx_nxt, tp->snd_una))
		tp->rtx_nxt = tp->snd_una; /* the receiver had kept some */
	skb = sent_skb_at(tp, tp->rtx_nxt);
	while (skb && before(tp->rtx_nxt, tp->loss_recover) &&
	       tp->rtx_nxt - tp->snd_una < MAX(wnd, tp->mss)) {
		tcp_resend(tp, skb); /* a longer one is split: the rest is next */
		tp->rtx_nxt = skb->cb.tcp.end_seq;
		skb = skb_next(&tp->sndq, skb);
		if (skb == tp->send_head)
			skb = NULL; /* never sent */
	}
	return before(tp->rtx_nxt, tp->loss_recover);
}

void tcp_write_xmit(struct tcp_sock *tp, bool push)
{
	struct sk_buff *skb;

	if (tp->in_loss && tcp_loss_xmit(tp))
		return;
	while ((skb = tp->send_head)) {
		u32 wnd = MIN(tp->snd_wnd, tp->cwnd), limit = tp->snd_una + wnd;
		u32 data_end = skb->cb.tcp.seq + skb->len;

		if (!(skb->cb.tcp.flags & TCPHDR_SYN) && skb->len && after(data_end, limit)) {
			u32 avail = after(limit, skb->cb.tcp.seq) ? limit - skb->cb.tcp.seq : 0;

			if (!avail || (avail < tp->mss / 2 && tcp_flight(tp)))
				break;
			if (tcp_fragment(tp, skb, avail) < 0)
				break;
		}
		if (skb->len && skb->len < tp->mss && !(skb->cb.tcp.flags & TCPHDR_FIN) &&
		    !skb_next(&tp->sndq, skb) &&
		    (tp->cork || !push || (!tp->nodelay && tcp_flight(tp))))
			break;
		tcp_send_skb(tp, skb);
		skb->cb.tcp.sent_ns = ktime_ns();
		if (after(skb->cb.tcp.end_seq, tp->snd_nxt))
			tp->snd_nxt = skb->cb.tcp.end_seq;
		tp->send_head = skb_next(&tp->sndq, skb);
		if (!tp->rto_timer.armed)
			timer_arm(&tp->rto_timer, ktime_ns() + tp->rto);
	}
	/* Data waits on a closed window: probe it. */
	if (tp->send_head && !tcp_flight(tp) && !tp->rto_timer.armed)
		timer_arm(&tp->rto_timer, ktime_ns() + tp->rto);
}

void tcp_retransmit_head(struct tcp_sock *tp)
{
	struct sk_buff *skb = skb_peek(&tp->sndq);

	if (!skb || skb == tp->send_head)
		return;
	tcp_resend(tp, skb);
}

int tcp_queue_control(struct tcp_sock *tp, u8 flags)
{
	struct sk_buff *skb = alloc_skb(0, 0);

	if (!skb)
		return -ENOBUFS;
	skb->cb.tcp.seq = tp->write_seq;
	skb->cb.tcp.end_seq = tp->write_seq + 1;
	skb->cb.tcp.flags = flags;
	tp->write_seq++;
	skb_queue_tail(&tp->sndq, skb);
	if (!tp->send_head)
		tp->send_head = skb;
	if (flags & TCPHDR_FIN)
		tp->fin_queued = true;
	tcp_write_xmit(tp, true);
	return 0;
}

/* --- timers --- */

static void tcp_rto_fire(struct ktimer *t)
{
	struct tcp_sock *tp = t->arg;
	struct inet_sock *isk = &tp->inet;
	int st = isk->state, max;

	if (st == TCPS_CLOSE || st == TCPS_LISTEN || st == TCPS_TIME_WAIT)
		return;
	inet_hold(isk);
	if (!tcp_flight(tp)) {
		if (tp->send_head && !tp->snd_wnd) {
			/* An orphan does not wait on a closed window for ever
			 * (tcp_orphan_retries). */
			if (!isk->sock && ++tp->retransmits > 8) {
				tcp_send_active_reset(tp);
				tcp_done(tp);
				goto out;
			}
			tcp_send_probe(tp);
			tp->backoff++;
			timer_arm(&tp->rto_timer, ktime_ns() + MIN(tp->rto << MIN(tp->backoff, 10),
								   TCP_RTO_MAX_NS));
		}
		goto out;
	}
	max = st == TCPS_SYN_SENT   ? tp->syn_retries
	      : st == TCPS_SYN_RECV ? TCP_SYNACK_RETRIES
				    : TCP_RETRIES2;
	if (tp->retransmits >= max ||
	    (tp->user_timeout_ns && ktime_ns() - tp->last_rcv_ns >= tp->user_timeout_ns)) {
		if (!(st == TCPS_SYN_RECV && tp->parent))
			isk->err = ETIMEDOUT;
		tcp_done(tp);
		goto out;
	}
	if (st != TCPS_SYN_SENT && st != TCPS_SYN_RECV) {
		if (!tp->in_loss) /* a second timeout: the flight is not new */
			tp->ssthresh = MAX(tcp_flight(tp) / 2, 2 * tp->mss);
		tp->cwnd = tp->mss;
		tp->in_recovery = false;
		tp->dupacks = 0;
		tp->in_loss = true;
		tp->loss_recover = tp->snd_nxt;
	}
	tcp_retransmit_head(tp);
	if (tp->in_loss) {
		struct sk_buff *head = skb_peek(&tp->sndq);

		tp->rtx_nxt = head && head != tp->send_head ? head->cb.tcp.end_seq : tp->snd_una;
	}
	tp->retransmits++;
	tp->backoff++;
	tp->rto = MIN(tp->rto * 2, TCP_RTO_MAX_NS);
	timer_arm(&tp->rto_timer, ktime_ns() + tp->rto);
out:
	inet_put(isk);
}

static void tcp_delack_fire(struct ktimer *t)
{
	struct tcp_sock *tp = t->arg;

	if (tp->ack_pending)
		tcp_send_ack(tp);
}

void tcp_reset_keepalive(struct tcp_sock *tp)
{
	int st = tp->inet.state;

	if (tp->keepalive && (st == TCPS_ESTABLISHED || st == TCPS_CLOSE_WAIT))
		timer_arm(&tp->keepalive_timer, tp->last_rcv_ns + (u64)tp->keepidle * NSEC_PER_SEC);
	else
		timer_cancel(&tp->keepalive_timer);
}

static void tcp_keepalive_fire(struct ktimer *t)
{
	struct tcp_sock *tp = t->arg;
	u64 now = ktime_ns();

	if (!tp->keepalive)
		return;
	if (now - tp->last_rcv_ns < (u64)tp->keepidle * NSEC_PER_SEC) {
		tcp_reset_keepalive(tp);
		return;
	}
	if (tp->probes_out >= tp->keepcnt) {
		inet_hold(&tp->inet);
		tcp_send_active_reset(tp);
		tp->inet.err = ETIMEDOUT;
		tcp_done(tp);
		inet_put(&tp->inet);
		return;
	}
	tcp_send_probe(tp);
	tp->probes_out++;
	timer_arm(&tp->keepalive_timer, now + (u64)tp->keepintvl * NSEC_PER_SEC);
}

static void tcp_tw_fire(struct ktimer *t)
{
	struct tcp_sock *tp = t->arg;

	inet_hold(&tp->inet);
	tcp_done(tp);
	inet_put(&tp->inet);
}

void tcp_init_timers(struct tcp_sock *tp)
{
	tp->rto_timer.fn = tcp_rto_fire;
	tp->delack_timer.fn = tcp_delack_fire;
	tp->keepalive_timer.fn = tcp_keepalive_fire;
	tp->tw_timer.fn = tcp_tw_fire;
	tp->rto_timer.arg = tp->delack_timer.arg = tp->keepalive_timer.arg = tp->tw_timer.arg = tp;
}

void tcp_cancel_timers(struct tcp_sock *tp)
{
	timer_cancel(&tp->rto_timer);
	timer_cancel(&tp->delack_timer);
	timer_cancel(&tp->keepalive_timer);
	timer_cancel(&tp->tw_timer);
}
