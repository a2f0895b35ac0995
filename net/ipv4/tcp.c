/*
 * TCP sockets: the system calls (connect, listen, accept, send, receive,
 * poll, shutdown, close, options) over the state machine of
 * tcp_input.c and tcp_output.c, and /proc/net/tcp. Lifetimes: see
 * include/tcp.h.
 */
#include <linux/fcntl.h>
#include <asm/ioctls.h>
#include <linux/sockios.h>

#include "host.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"
#include "tcp.h"

#define TCP_MAX_ORPHANS 4096
#define TCP_MAX_TW 8192
#define SOMAXCONN 4096

int tcp_orphans;
static int tcp_tw_count;
static const struct proto_ops tcp_ops;

u32 tcp_new_isn(const struct inet_pair *p, u16 sport, u16 dport)
{
	static u64 secret;
	u32 saddr = p->saddr, daddr = p->daddr;
	u64 h;
	int i;

	if (!secret)
		host_getrandom(&secret, sizeof(secret));
	if (p->v6)
		for (i = 0; i < 4; i++) {
			saddr = saddr * 31 + p->saddr6.s6_addr32[i];
			daddr = daddr * 31 + p->daddr6.s6_addr32[i];
		}
	h = secret ^ ((u64)saddr << 32 | daddr) ^ ((u64)sport << 16 | dport);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (u32)h + (u32)(ktime_ns() / 4000); /* RFC 6528: a clock plus a keyed hash */
}

static void tcp_destroy(struct inet_sock *isk)
{
	struct tcp_sock *tp = (struct tcp_sock *)isk;

	tcp_cancel_timers(tp);
	skb_queue_purge(&tp->sndq);
	skb_queue_purge(&tp->ooo);
}

struct tcp_sock *tcp_sock_new(struct socket *s)
{
	struct tcp_sock *tp;

	if (s) {
		tp = (struct tcp_sock *)inet_sock_alloc(s, sizeof(*tp), SOCK_STREAM, IPPROTO_TCP);
	} else {
		tp = kzalloc(sizeof(*tp));
		if (tp) {
			tp->inet.refs = 1;
			tp->inet.type = SOCK_STREAM;
			tp->inet.protocol = IPPROTO_TCP;
			wq_init(&tp->inet.wq);
			skb_queue_init(&tp->inet.rxq);
			list_init(&tp->inet.bind_node);
		}
	}
	if (!tp)
		return NULL;
	tp->inet.table = &tcp_table;
	tp->inet.state = TCPS_CLOSE;
	tp->inet.destroy = tcp_destroy;
	skb_queue_init(&tp->sndq);
	skb_queue_init(&tp->ooo);
	list_init(&tp->synq);
	list_init(&tp->accq);
	list_init(&tp->q_node);
	tcp_init_timers(tp);
	tp->rto = TCP_RTO_INIT_NS;
	tp->mss = TCP_MSS_DEFAULT;
	tp->advmss = TCP_MSS_DEFAULT;
	tp->ssthresh = 0x7fffffff;
	tp->rcv_wscale = TCP_RCV_WSCALE;
	tp->quickack = 16;
	tp->keepidle = 7200;
	tp->keepintvl = 75;
	tp->keepcnt = 9;
	tp->syn_retries = TCP_SYN_RETRIES;
	tp->linger2 = 60;
	return tp;
}

long tcp_create(struct socket *s, int proto)
{
	struct tcp_sock *tp = tcp_sock_new(s);

	if (!tp)
		return -ENOMEM;
	s->ops = &tcp_ops;
	return 0;
}

void tcp_set_state(struct tcp_sock *tp, int state)
{
	tp->inet.state = state;
}

/* Takes a child off its listener's queue (the queue's reference stays
 * with the caller). */
static void unlink_child(struct tcp_sock *tp)
{
	struct tcp_sock *lp = tp->parent;

	if (!lp)
		return;
	list_del(&tp->q_node);
	list_init(&tp->q_node);
	if (tp->inet.state == TCPS_SYN_RECV)
		lp->synq_len--;
	else
		lp->accq_len--;
	tp->parent = NULL;
	inet_put(&lp->inet);
}

void tcp_done(struct tcp_sock *tp)
{
	struct inet_sock *isk = &tp->inet;
	bool child = tp->parent != NULL;

	if (isk->state == TCPS_CLOSE && !child)
		return;
	if (tp->tw_counted) {
		tp->tw_counted = false;
		tcp_tw_count--;
	}
	if (tp->orphan_counted) {
		tp->orphan_counted = false;
		tcp_orphans--;
	}
	if (child)
		unlink_child(tp);
	tcp_set_state(tp, TCPS_CLOSE);
	isk->shutdown = SHUTDOWN_MASK;
	tcp_cancel_timers(tp);
	skb_queue_purge(&tp->sndq);
	tp->send_head = NULL;
	skb_queue_purge(&tp->ooo);
	wake_up_poll(&isk->wq, POLLIN | POLLOUT);
	if (!isk->sock) {
		/* An orphan or an unaccepted child: its reference goes. */
		inet_unhash_port(isk);
		inet_put(isk);
	}
}

void tcp_reset(struct tcp_sock *tp)
{
	struct inet_sock *isk = &tp->inet;

	switch (isk->state) {
	case TCPS_SYN_SENT:
		isk->err = ECONNREFUSED;
		break;
	case TCPS_CLOSE_WAIT:
		isk->err = EPIPE;
		break;
	case TCPS_CLOSE:
		return;
	default:
		isk->err = ECONNRESET;
	}
	tcp_done(tp);
}

/* An orphan in TIME_WAIT counts against the TIME_WAIT cap, not the
 * orphan cap (which would turn other connections' closes into resets). */
static void tcp_count_tw(struct tcp_sock *tp)
{
	if (tp->orphan_counted) {
		tp->orphan_counted = false;
		tcp_orphans--;
	}
	if (!tp->tw_counted) {
		tp->tw_counted = true;
		tcp_tw_count++;
	}
}

void tcp_time_wait(struct tcp_sock *tp)
{
	struct inet_sock *isk = &tp->inet;

	if (!isk->sock && tcp_tw_count >= TCP_MAX_TW) {
		tcp_done(tp);
		return;
	}
	tcp_set_state(tp, TCPS_TIME_WAIT);
	timer_cancel(&tp->rto_timer);
	timer_cancel(&tp->delack_timer);
	timer_cancel(&tp->keepalive_timer);
	skb_queue_purge(&tp->sndq);
	tp->send_head = NULL;
	if (!isk->sock)
		tcp_count_tw(tp);
	timer_arm(&tp->tw_timer, ktime_ns() + TCP_TIMEWAIT_NS);
}

/* --- connect, listen, accept --- */

static long wait_connected(struct tcp_sock *tp)
{
	struct inet_sock *isk = &tp->inet;
	struct socket *s = isk->sock;
	long rc = wait_event_deadline(&isk->wq,
				      isk->state != TCPS_SYN_SENT && isk->state != TCPS_SYN_RECV,
				      sock_deadline(s->sndtimeo), "tcp_connect");

	if (rc == -EAGAIN)
		return -EINPROGRESS;
	return rc;
}

/* Connections nobody accepted are reset (Linux: inet_csk_listen_stop). */
static void tcp_listen_stop(struct tcp_sock *tp)
{
	while (!list_empty(&tp->synq) || !list_empty(&tp->accq)) {
		struct tcp_sock *c = list_first_entry(list_empty(&tp->accq) ? &tp->synq : &tp->accq,
						      struct tcp_sock, q_node);

		inet_hold(&c->inet);
		tcp_send_active_reset(c);
		tcp_done(c);
		inet_put(&c->inet);
	}
}

static void tcp_disconnect(struct tcp_sock *tp)
{
	struct inet_sock *isk = &tp->inet;
	int st = isk->state;

	if (st == TCPS_LISTEN)
		tcp_listen_stop(tp);
	if (st != TCPS_CLOSE && st != TCPS_LISTEN && st != TCPS_SYN_SENT && st != TCPS_TIME_WAIT)
		tcp_send_active_reset(tp);
	tcp_set_state(tp, TCPS_CLOSE);
	tcp_cancel_timers(tp);
	skb_queue_purge(&tp->sndq);
	skb_queue_purge(&tp->ooo);
	skb_queue_purge(&isk->rxq);
	tp->send_head = NULL;
	tp->fin_queued = false;
	isk->shutdown = 0;
	inet_clear_peer(isk);
	if (!isk->port_locked)
		inet_unhash_port(isk);
	tp->sstate = SS_UNCONNECTED;
	/* Nothing of the old connection carries over to the next. */
	tp->in_recovery = false;
	tp->ssthresh = 0x7fffffff;
	tp->srtt = tp->rttvar = 0;
	tp->dupacks = 0;
	if (isk->sock)
		isk->sock->listening = false;
	wake_up(&isk->wq);
}

static long tcp_connect(struct socket *s, const u8 *addr, u32 len)
{
	struct tcp_sock *tp = tcp_sk(s);
	struct inet_sock *isk = &tp->inet;
	bool nonblock = s->file && (s->file->flags & O_NONBLOCK);
	struct rt_result rt;
	struct inet_pair p;
	u16 port;
	int oif;
	long rc;

	if (len >= 2 && ((const struct sockaddr_in *)(const void *)addr)->sin_family == AF_UNSPEC) {
		/* Not while another task copies in or out of the queues. */
		rc = inet_lock(isk, &isk->reader);
		if (rc < 0)
			return rc;
		rc = inet_lock(isk, &isk->writer);
		if (rc == 0)
			tcp_disconnect(tp);
		inet_unlock(isk, &isk->writer);
		inet_unlock(isk, &isk->reader);
		return rc;
	}
	switch (tp->sstate) {
	case SS_CONNECTED:
		return -EISCONN;
	case SS_CONNECTING:
		if (isk->state == TCPS_SYN_SENT || isk->state == TCPS_SYN_RECV) {
			if (nonblock)
				return -EALREADY;
			rc = wait_connected(tp);
			if (rc < 0)
				return rc;
		}
		goto done;
	}
	if (isk->state != TCPS_CLOSE)
		return -EISCONN;
	rc = inet_peer_parse(isk, addr, len, &p, &port, &oif);
	if (rc < 0)
		return rc;
	rc = inet_route_peer(isk, &p, oif, &rt);
	if (rc < 0)
		return rc;
	if (rt.type == RTN_BROADCAST || rt.type == RTN_MULTICAST)
		return -ENETUNREACH;
	if (!isk->num) {
		rc = inet_get_port(isk, 0);
		if (rc < 0)
			return -EADDRNOTAVAIL;
	}
	inet_set_peer(isk, &p, port);
	if (p.v6 && in6_needs_scope(&p.daddr6))
		isk->bound_dev_if = oif; /* the scope holds the connection to its link */
	isk->err = 0;
	isk->shutdown = 0;
	tp->advmss = MIN(rt.dev->mtu - (p.v6 ? 60 : 40), (u32)TCP_MAX_SEG_ALLOC);
	if (tp->user_mss)
		tp->advmss = MIN(tp->advmss, tp->user_mss);
	tp->mss = tp->advmss;
	tp->wscale_ok = true;
	tp->rcv_wscale = TCP_RCV_WSCALE;
	tp->rcv_wnd = MIN((u32)isk->rcvbuf, 65535u << tp->rcv_wscale);
	tp->iss = tcp_new_isn(&p, isk->sport, port);
	tp->snd_una = tp->snd_nxt = tp->write_seq = tp->iss;
	tp->snd_wnd = 1;
	tp->cwnd = 10 * tp->mss;
	tp->retransmits = 0;
	tp->rto = TCP_RTO_INIT_NS;
	tp->last_rcv_ns = ktime_ns();
	tcp_set_state(tp, TCPS_SYN_SENT);
	tp->sstate = SS_CONNECTING;
	rc = tcp_queue_control(tp, TCPHDR_SYN);
	if (rc < 0) {
		tcp_disconnect(tp);
		return rc;
	}
	if (nonblock)
		return -EINPROGRESS;
	rc = wait_connected(tp);
	if (rc < 0)
		return rc;
done:
	if (isk->state == TCPS_CLOSE) {
		int err = inet_sock_error(isk);

		tcp_disconnect(tp);
		return -(err ? err : ECONNABORTED);
	}
	tp->sstate = SS_CONNECTED;
	return 0;
}

static long tcp_listen(struct socket *s, int backlog)
{
	struct tcp_sock *tp = tcp_sk(s);
	struct inet_sock *isk = &tp->inet;
	long rc;

	if (tp->sstate != SS_UNCONNECTED || (isk->state != TCPS_CLOSE && isk->state != TCPS_LISTEN))
		return -EINVAL;
	backlog = backlog < 0 ? 0 : MIN(backlog, SOMAXCONN);
	tp->backlog = backlog;
	if (isk->state == TCPS_LISTEN)
		return 0;
	isk->state = TCPS_LISTEN;
	s->listening = true;
	if (!isk->num) {
		rc = inet_get_port(isk, 0);
	} else {
		/* Sharing a port by SO_REUSEADDR stops where listening starts. */
		u16 port = isk->num;

		inet_unhash_port(isk);
		rc = inet_get_port(isk, port);
		if (rc < 0) {
			isk->state = TCPS_CLOSE;
			s->listening = false;
			/* put it back where it was, whatever the conflict */
			isk->num = port;
			isk->sport = htons(port);
			list_add_tail(&isk->bind_node, &tcp_table);
			return rc;
		}
	}
	if (rc < 0) {
		isk->state = TCPS_CLOSE;
		s->listening = false;
		return rc;
	}
	return 0;
}

static struct socket *tcp_accept(struct socket *s, bool nonblock)
{
	struct tcp_sock *lp = tcp_sk(s), *tp;
	struct socket *ns;
	long rc;

	for (;;) {
		if (lp->inet.state != TCPS_LISTEN)
			return ERR_PTR(-EINVAL);
		if (lp->accq_len)
			break;
		if (nonblock)
			return ERR_PTR(-EAGAIN);
		rc = wait_event_deadline(&lp->inet.wq, lp->accq_len || lp->inet.state != TCPS_LISTEN,
					 sock_deadline(s->rcvtimeo), "tcp_accept");
		if (rc < 0)
			return ERR_PTR(rc);
	}
	ns = sock_alloc(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	if (!ns)
		return ERR_PTR(-ENOMEM);
	tp = list_first_entry(&lp->accq, struct tcp_sock, q_node);
	unlink_child(tp);
	ns->ops = &tcp_ops;
	ns->proto = tp;
	ns->sndbuf = tp->inet.sndbuf;
	ns->rcvbuf = tp->inet.rcvbuf;
	ns->keepalive = tp->keepalive;
	ns->reuseaddr = tp->inet.reuseaddr;
	tp->inet.sock = ns;
	tp->sstate = SS_CONNECTED;
	return ns;
}

/* --- close --- */

static void tcp_release(struct socket *s)
{
	struct tcp_sock *tp = tcp_sk(s);
	struct inet_sock *isk = &tp->inet;
	bool unread = isk->rxq.qlen != 0;

	isk->sock = NULL;
	s->proto = NULL;
	isk->shutdown = SHUTDOWN_MASK;
	skb_queue_purge(&isk->rxq);
	if (isk->state != TCPS_TIME_WAIT) {
		tp->orphan_counted = true;
		tcp_orphans++;
	}
	if (isk->state == TCPS_LISTEN) {
		tcp_listen_stop(tp);
		tcp_done(tp);
		return;
	}
	switch (isk->state) {
	case TCPS_CLOSE:
		tp->orphan_counted = false;
		tcp_orphans--;
		inet_unhash_port(isk);
		inet_put(isk);
		return;
	case TCPS_SYN_SENT:
		tcp_done(tp);
		return;
	}
	if (unread || tp->linger_zero || tcp_orphans > TCP_MAX_ORPHANS) {
		/* Data the application never read: the peer must know (RFC 2525). */
		if (isk->state != TCPS_TIME_WAIT)
			tcp_send_active_reset(tp);
		tcp_done(tp);
		return;
	}
	switch (isk->state) {
	case TCPS_SYN_RECV:
	case TCPS_ESTABLISHED:
		tcp_set_state(tp, TCPS_FIN_WAIT1);
		tcp_queue_control(tp, TCPHDR_FIN);
		break;
	case TCPS_CLOSE_WAIT:
		tcp_set_state(tp, TCPS_LAST_ACK);
		tcp_queue_control(tp, TCPHDR_FIN);
		break;
	case TCPS_FIN_WAIT2:
		timer_arm(&tp->tw_timer, ktime_ns() + (u64)tp->linger2 * NSEC_PER_SEC);
		break;
	case TCPS_TIME_WAIT:
		tcp_count_tw(tp);
		break;
	}
}

/* --- data --- */

static bool can_send_state(int st)
{
	return st == TCPS_ESTABLISHED || st == TCPS_CLOSE_WAIT;
}

static long send_error(struct tcp_sock *tp)
{
	int err = inet_sock_error(&tp->inet);

	return err ? -err : -EPIPE;
}

/* Data goes into a new buffer first: copying from the user may sleep, and
 * meanwhile a reset may empty the send queue. Small writes are then
 * merged into the last unsent buffer when it has room. */
static long tcp_send_chunk(struct tcp_sock *tp, struct uio *u, size_t n)
{
	struct sk_buff *skb = alloc_skb((u32)MIN(MAX(n, (size_t)512), (size_t)tp->mss), 0), *tail;
	long rc;

	if (!skb)
		return -ENOBUFS;
	rc = uio_copy_from(u, skb->data, n);
	if (rc <= 0) {
		kfree_skb(skb);
		return rc ? rc : -EFAULT;
	}
	skb->len = (u32)rc;
	if (tp->inet.err || (tp->inet.shutdown & SEND_SHUTDOWN) || !can_send_state(tp->inet.state)) {
		kfree_skb(skb);
		return send_error(tp);
	}
	tail = skb_peek_tail(&tp->sndq);
	if (tail && tail == tp->send_head && !(tail->cb.tcp.flags & (TCPHDR_SYN | TCPHDR_FIN)) &&
	    tail->len + skb->len <= tp->mss && skb_tailroom(tail) >= skb->len) {
		memcpy(tail->data + tail->len, skb->data, skb->len);
		tail->len += skb->len;
		tail->cb.tcp.end_seq += skb->len;
		tp->sndq.bytes += skb->len;
		kfree_skb(skb);
	} else {
		skb->cb.tcp.seq = tp->write_seq;
		skb->cb.tcp.end_seq = tp->write_seq + (u32)rc;
		skb_queue_tail(&tp->sndq, skb);
		if (!tp->send_head)
			tp->send_head = skb;
	}
	tp->write_seq += (u32)rc;
	return rc;
}

static long tcp_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct tcp_sock *tp = tcp_sk(s);
	struct inet_sock *isk = &tp->inet;
	struct uio *u = m->data;
	size_t copied = 0;
	long rc;

	if (!can_send_state(isk->state)) {
		if (isk->state != TCPS_SYN_SENT && isk->state != TCPS_SYN_RECV)
			return send_error(tp);
		if (flags & MSG_DONTWAIT)
			return -EAGAIN;
		rc = wait_connected(tp);
		if (rc < 0)
			return rc == -EINPROGRESS ? -EAGAIN : rc;
		if (!can_send_state(isk->state))
			return send_error(tp);
	}
	rc = inet_lock(isk, &isk->writer);
	if (rc < 0)
		return rc;
	while (u->resid) {
		/* The send buffer counts what buffers cost, not just bytes. */
		s64 space = (s64)isk->sndbuf - (s64)tp->sndq.mem;

		if (isk->err || (isk->shutdown & SEND_SHUTDOWN) || !can_send_state(isk->state)) {
			rc = send_error(tp);
			break;
		}
		if (space <= 0) {
			tcp_write_xmit(tp, true);
			if (flags & MSG_DONTWAIT) {
				rc = -EAGAIN;
				break;
			}
			rc = wait_event_deadline(&isk->wq,
						 (s64)isk->sndbuf > (s64)tp->sndq.mem || isk->err ||
							 (isk->shutdown & SEND_SHUTDOWN) ||
							 !can_send_state(isk->state),
						 sock_deadline(s->sndtimeo), "tcp_send");
			if (rc < 0)
				break;
			continue;
		}
		rc = tcp_send_chunk(tp, u, MIN(MIN(u->resid, (size_t)space), (size_t)tp->mss));
		if (rc < 0)
			break;
		copied += (size_t)rc;
		if (tp->send_head && tp->send_head->len >= tp->mss)
			tcp_write_xmit(tp, false);
	}
	inet_unlock(isk, &isk->writer);
	tcp_write_xmit(tp, !(flags & MSG_MORE));
	return copied ? (long)copied : rc;
}

static long tcp_recv_locked(struct tcp_sock *tp, struct kmsg *m, size_t len, int flags, size_t target,
			    size_t *copiedp);

static long tcp_recvmsg(struct socket *s, struct kmsg *m, size_t len, int flags)
{
	struct tcp_sock *tp = tcp_sk(s);
	struct inet_sock *isk = &tp->inet;
	size_t copied = 0, target = (flags & MSG_WAITALL) ? len : 1;
	long rc;

	if (isk->state == TCPS_LISTEN)
		return -ENOTCONN;
	if (flags & MSG_OOB)
		return -EINVAL;
	if (!len)
		return 0;
	rc = inet_lock(isk, &isk->reader);
	if (rc < 0)
		return rc;
	rc = tcp_recv_locked(tp, m, len, flags, target, &copied);
	inet_unlock(isk, &isk->reader);
	return copied ? (long)copied : rc;
}

/* The receive loop, with the reader lock held (let go while waiting). */
static long tcp_recv_locked(struct tcp_sock *tp, struct kmsg *m, size_t len, int flags, size_t target,
			    size_t *copiedp)
{
	struct inet_sock *isk = &tp->inet;
	struct socket *s = isk->sock;
	size_t copied = 0;
	long rc = 0;

	for (;;) {
		struct sk_buff *skb;
		size_t peek_off = 0;

		for (skb = skb_peek(&isk->rxq); skb && copied < len;) {
			size_t n = MIN((size_t)skb->len - peek_off, len - copied);

			if (flags & MSG_PEEK) {
				rc = uio_copy_to(m->data, skb->data + peek_off, n);
				if (rc < 0)
					goto out;
				copied += (size_t)rc;
				if ((size_t)rc < n)
					goto out;
				skb = skb_next(&isk->rxq, skb);
				peek_off = 0;
				continue;
			}
			rc = uio_copy_to(m->data, skb->data, n);
			if (rc < 0)
				goto out;
			n = (size_t)rc; /* a partial copy takes only what it got */
			copied += n;
			skb_pull(skb, (u32)n);
			isk->rxq.bytes -= n;
			if (!n)
				goto out;
			if (!skb->len) {
				skb_unlink(&isk->rxq, skb);
				kfree_skb(skb);
				skb = skb_peek(&isk->rxq);
			}
		}
		if (copied && !(flags & MSG_PEEK))
			tcp_maybe_window_update(tp);
		if (copied >= target || (flags & MSG_PEEK && copied))
			break;
		if (copied) {
			if (isk->err || isk->state == TCPS_CLOSE || (isk->shutdown & RCV_SHUTDOWN))
				break;
		} else {
			if (isk->err) {
				rc = -inet_sock_error(isk);
				break;
			}
			if (isk->shutdown & RCV_SHUTDOWN)
				break;
			if (isk->state == TCPS_CLOSE) {
				rc = -ENOTCONN;
				break;
			}
		}
		if (flags & MSG_DONTWAIT) {
			rc = -EAGAIN;
			break;
		}
		inet_unlock(isk, &isk->reader);
		rc = wait_event_deadline(&isk->wq,
					 isk->rxq.qlen || isk->err || (isk->shutdown & RCV_SHUTDOWN) ||
						 isk->state == TCPS_CLOSE,
					 sock_deadline(s->rcvtimeo), "tcp_recv");
		if (rc == 0)
			rc = inet_lock(isk, &isk->reader);
		if (rc < 0)
			break;
	}
out:
	*copiedp = copied;
	return rc;
}

static unsigned tcp_poll(struct socket *s, struct poll_table *pt)
{
	struct tcp_sock *tp = tcp_sk(s);
	struct inet_sock *isk = &tp->inet;
	int st = isk->state;
	unsigned mask = 0;

	poll_wait(pt, &isk->wq);
	if (st == TCPS_LISTEN)
		return tp->accq_len ? POLLIN | POLLRDNORM : 0;
	if (isk->shutdown == SHUTDOWN_MASK || st == TCPS_CLOSE)
		mask |= POLLHUP;
	if (isk->shutdown & RCV_SHUTDOWN)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (st != TCPS_SYN_SENT && st != TCPS_SYN_RECV) {
		if (isk->rxq.qlen)
			mask |= POLLIN | POLLRDNORM;
		if (!(isk->shutdown & SEND_SHUTDOWN)) {
			s64 free = (s64)isk->sndbuf - (s64)tp->sndq.bytes;

			if (free >= (s64)tp->sndq.bytes / 2 && free > 0)
				mask |= POLLOUT | POLLWRNORM;
		} else {
			mask |= POLLOUT | POLLWRNORM;
		}
	}
	if (isk->err)
		mask |= POLLERR;
	return mask;
}

static long tcp_shutdown(struct socket *s, int how)
{
	struct tcp_sock *tp = tcp_sk(s);
	struct inet_sock *isk = &tp->inet;
	int bits = how + 1;
	long rc = 0;

	switch (isk->state) {
	case TCPS_CLOSE:
		rc = -ENOTCONN;
		isk->shutdown |= bits;
		break;
	case TCPS_LISTEN:
		if (!(bits & RCV_SHUTDOWN))
			break;
		/* fall through */
	case TCPS_SYN_SENT:
		tcp_disconnect(tp);
		break;
	default:
		isk->shutdown |= bits;
		if (bits & SEND_SHUTDOWN) {
			if (isk->state == TCPS_ESTABLISHED || isk->state == TCPS_SYN_RECV) {
				tcp_set_state(tp, TCPS_FIN_WAIT1);
				tcp_queue_control(tp, TCPHDR_FIN);
			} else if (isk->state == TCPS_CLOSE_WAIT) {
				tcp_set_state(tp, TCPS_LAST_ACK);
				tcp_queue_control(tp, TCPHDR_FIN);
			}
		}
	}
	wake_up_poll(&isk->wq, POLLIN | POLLOUT);
	return rc;
}

/* --- options and ioctls --- */

static long tcp_setsockopt(struct socket *s, int level, int name, const void *val, u32 len)
{
	struct tcp_sock *tp = tcp_sk(s);
	int v = 0;

	if (level == SOL_SOCKET) {
		if (name == SO_KEEPALIVE) {
			tp->keepalive = s->keepalive;
			tcp_reset_keepalive(tp);
			return 0;
		}
		if (name == SO_LINGER) {
			s32 l[2];

			memcpy(l, val, sizeof(l));
			tp->linger_zero = l[0] && !l[1];
			return 0;
		}
		return inet_setsockopt(s, level, name, val, len);
	}
	if (level != SOL_TCP)
		return inet_setsockopt(s, level, name, val, len);
	if (name == TCP_CONGESTION) {
		char cc[16];

		memset(cc, 0, sizeof(cc));
		memcpy(cc, val, MIN(len, (u32)sizeof(cc) - 1));
		return strcmp(cc, "reno") == 0 ? 0 : -ENOENT;
	}
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	switch (name) {
	case TCP_NODELAY:
		tp->nodelay = v != 0;
		tcp_write_xmit(tp, true);
		return 0;
	case TCP_CORK:
		tp->cork = v != 0;
		if (!tp->cork)
			tcp_write_xmit(tp, true);
		return 0;
	case TCP_MAXSEG:
		if (v && (v < 88 || v > 32767))
			return -EINVAL;
		tp->user_mss = (u32)v;
		return 0;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
		if (v < 1 || v > 32767)
			return -EINVAL;
		if (name == TCP_KEEPIDLE)
			tp->keepidle = v;
		else
			tp->keepintvl = v;
		tcp_reset_keepalive(tp);
		return 0;
	case TCP_KEEPCNT:
		if (v < 1 || v > 127)
			return -EINVAL;
		tp->keepcnt = v;
		return 0;
	case TCP_SYNCNT:
		if (v < 1 || v > 127)
			return -EINVAL;
		tp->syn_retries = v;
		return 0;
	case TCP_LINGER2:
		tp->linger2 = v < 0 ? 0 : MIN(v, 120);
		return 0;
	case TCP_DEFER_ACCEPT:
		tp->defer_accept = v != 0;
		return 0;
	case TCP_WINDOW_CLAMP:
		if (v < 0)
			return -EINVAL;
		tp->window_clamp = (u32)v;
		return 0;
	case TCP_QUICKACK:
		if (v)
			tp->quickack = 16;
		return 0;
	case TCP_USER_TIMEOUT:
		if (v < 0)
			return -EINVAL;
		tp->user_timeout_ns = (u64)v * 1000000ULL;
		return 0;
	}
	return -ENOPROTOOPT;
}

static long tcp_getsockopt(struct socket *s, int level, int name, void *val, u32 *len)
{
	struct tcp_sock *tp = tcp_sk(s);
	struct inet_sock *isk = &tp->inet;
	int v;

	if (level != SOL_TCP)
		return inet_getsockopt(s, level, name, val, len);
	switch (name) {
	case TCP_NODELAY: v = tp->nodelay; break;
	case TCP_CORK: v = tp->cork; break;
	case TCP_MAXSEG:
		v = (int)(isk->state == TCPS_CLOSE || isk->state == TCPS_LISTEN ?
				  (tp->user_mss ? tp->user_mss : TCP_MSS_DEFAULT) :
				  tp->mss);
		break;
	case TCP_KEEPIDLE: v = tp->keepidle; break;
	case TCP_KEEPINTVL: v = tp->keepintvl; break;
	case TCP_KEEPCNT: v = tp->keepcnt; break;
	case TCP_SYNCNT: v = tp->syn_retries; break;
	case TCP_LINGER2: v = tp->linger2; break;
	case TCP_DEFER_ACCEPT: v = tp->defer_accept; break;
	case TCP_WINDOW_CLAMP: v = (int)tp->window_clamp; break;
	case TCP_QUICKACK: v = tp->quickack > 0; break;
	case TCP_USER_TIMEOUT: v = (int)(tp->user_timeout_ns / 1000000ULL); break;
	case TCP_CONGESTION:
		memset(val, 0, 16);
		memcpy(val, "reno", 4);
		*len = 16;
		return 0;
	case TCP_INFO: {
		struct tcp_info ti;

		memset(&ti, 0, sizeof(ti));
		ti.tcpi_state = (u8)isk->state;
		ti.tcpi_retransmits = (u8)tp->retransmits;
		ti.tcpi_probes = (u8)tp->probes_out;
		ti.tcpi_backoff = (u8)tp->backoff;
		ti.tcpi_options = tp->wscale_ok ? 4 /* TCPI_OPT_WSCALE */ : 0;
		ti.tcpi_snd_wscale = tp->snd_wscale & 15;
		ti.tcpi_rcv_wscale = tp->rcv_wscale & 15;
		ti.tcpi_rto = (u32)(tp->rto / 1000);
		ti.tcpi_ato = (u32)(TCP_DELACK_NS / 1000);
		ti.tcpi_snd_mss = tp->mss;
		ti.tcpi_rcv_mss = tp->advmss;
		ti.tcpi_unacked = tp->sndq.qlen;
		ti.tcpi_pmtu = tp->mss + 40;
		ti.tcpi_rtt = (u32)(tp->srtt / 1000);
		ti.tcpi_rttvar = (u32)(tp->rttvar / 1000);
		ti.tcpi_snd_ssthresh = tp->ssthresh / MAX(tp->mss, 1u);
		ti.tcpi_snd_cwnd = tp->cwnd / MAX(tp->mss, 1u);
		ti.tcpi_advmss = tp->advmss;
		ti.tcpi_reordering = 3;
		ti.tcpi_rcv_space = tp->rcv_wnd;
		ti.tcpi_total_retrans = (u32)tp->total_retrans;
		ti.tcpi_bytes_acked = tp->bytes_acked;
		ti.tcpi_bytes_received = tp->bytes_received;
		ti.tcpi_segs_out = tp->segs_out;
		ti.tcpi_segs_in = tp->segs_in;
		ti.tcpi_notsent_bytes = tp->write_seq - tp->snd_nxt;
		*len = (u32)MIN(sizeof(ti), (size_t)256);
		memcpy(val, &ti, *len);
		return 0;
	}
	default:
		return -ENOPROTOOPT;
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static long tcp_ioctl(struct socket *s, unsigned cmd, u64 arg)
{
	struct tcp_sock *tp = tcp_sk(s);
	int v;

	switch (cmd) {
	case SIOCINQ:
		if (tp->inet.state == TCPS_LISTEN)
			return -EINVAL;
		v = (int)tp->inet.rxq.bytes;
		break;
	case SIOCOUTQ:
		if (tp->inet.state == TCPS_LISTEN)
			return -EINVAL;
		v = (int)(tp->write_seq - tp->snd_una - (tp->fin_queued ? 1 : 0) -
			  (tp->inet.state == TCPS_SYN_SENT || tp->inet.state == TCPS_SYN_RECV ? 1 : 0));
		if (v < 0)
			v = 0;
		break;
	case SIOCOUTQNSD:
		if (tp->inet.state == TCPS_LISTEN)
			return -EINVAL;
		v = (int)(tp->write_seq - tp->snd_nxt);
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return copy_to_user(arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

static long tcp_bind(struct socket *s, const u8 *addr, u32 len)
{
	return inet_bind(s, addr, len);
}

static const struct proto_ops tcp_ops = {
	.release = tcp_release,
	.bind = tcp_bind,
	.connect = tcp_connect,
	.listen = tcp_listen,
	.accept = tcp_accept,
	.getname = inet_getname,
	.sendmsg = tcp_sendmsg,
	.recvmsg = tcp_recvmsg,
	.poll = tcp_poll,
	.shutdown = tcp_shutdown,
	.setsockopt = tcp_setsockopt,
	.getsockopt = tcp_getsockopt,
	.ioctl = tcp_ioctl,
};

/* An address as /proc/net/tcp and tcp6 print it: the words in memory
 * order, each as a hexadecimal number. */
size_t inet_proc_addr(char *buf, size_t len, const struct inet_sock *isk, u32 a, const struct in6_addr *a6,
		      u16 port)
{
	if (isk->family == AF_INET)
		return (size_t)scnprintf(buf, len, "%08X:%04X", a, port);
	return (size_t)scnprintf(buf, len, "%08X%08X%08X%08X:%04X", a6->s6_addr32[0], a6->s6_addr32[1],
				 a6->s6_addr32[2], a6->s6_addr32[3], port);
}

static int tcp_proc_family(char *buf, size_t len, int family)
{
	struct inet_sock *isk;
	size_t pos = 0;
	int i = 0;
	u64 now = ktime_ns();

	if (family == AF_INET)
		pos += (size_t)scnprintf(buf, len, "%-149s\n",
					 "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
	else
		pos += (size_t)scnprintf(buf, len, "%s\n",
					 "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
	list_for_each_entry(isk, &tcp_table, bind_node) {
		struct tcp_sock *tp = (struct tcp_sock *)isk;
		int tr = 0;

		if (isk->family != family)
			continue;
		u64 when = 0, rxq, txq;
		struct ktimer *t = NULL;

		if (isk->state == TCPS_LISTEN) {
			rxq = (u64)tp->accq_len;
			txq = 0;
		} else {
			rxq = isk->rxq.bytes;
			txq = tp->write_seq - tp->snd_una;
		}
		if (tp->rto_timer.armed) {
			tr = 1;
			t = &tp->rto_timer;
		} else if (tp->tw_timer.armed) {
			tr = 3;
			t = &tp->tw_timer;
		} else if (tp->keepalive_timer.armed) {
			tr = 2;
			t = &tp->keepalive_timer;
		}
		if (t)
			when = t->expires > now ? (t->expires - now) / (NSEC_PER_SEC / HZ) : 0;
		pos += (size_t)scnprintf(buf + pos, len - pos, "%4d: ", i++);
		pos += inet_proc_addr(buf + pos, len - pos, isk, isk->rcv_saddr ? isk->rcv_saddr : isk->saddr,
				      !in6_any(&isk->rcv_saddr6) ? &isk->rcv_saddr6 : &isk->saddr6, ntohs(isk->sport));
		pos += (size_t)scnprintf(buf + pos, len - pos, " ");
		pos += inet_proc_addr(buf + pos, len - pos, isk, isk->daddr, &isk->daddr6, ntohs(isk->dport));
		pos += (size_t)scnprintf(buf + pos, len - pos,
					 " %02X %08X:%08X %02X:%08llX %08X %5u %8d %llu %d 0000000000000000 %llu %u %u %u %d\n",
					 isk->state, (u32)txq, (u32)rxq, tr,
					 when, (u32)tp->retransmits, isk->uid, tp->probes_out,
					 isk->sock ? sock_ino(isk->sock) : 0ULL, isk->refs,
					 (unsigned long long)(tp->rto / (NSEC_PER_SEC / HZ)), 4u,
					 tp->cwnd / MAX(tp->mss, 1u), 0u,
					 tp->ssthresh >= 0x7fffffff ? -1 : (int)(tp->ssthresh / MAX(tp->mss, 1u)));
	}
	return (int)pos;
}

int tcp_proc(char *buf, size_t len)
{
	return tcp_proc_family(buf, len, AF_INET);
}

int tcp6_proc(char *buf, size_t len)
{
	return tcp_proc_family(buf, len, AF_INET6);
}
