/*
 * TCP internals shared by net/ipv4/tcp.c (socket calls), tcp_input.c
 * (segments arriving) and tcp_output.c (segments leaving, timers).
 *
 * Lifetimes: a tcp_sock starts with one reference, held by its socket
 * file, or for a connection not yet accepted by the listener's queue
 * (accept hands that reference to the new file). Closing the file
 * "orphans" a connection that still has work to do (FIN_WAIT, LAST_ACK,
 * TIME_WAIT...): it keeps the reference until tcp_done ends it. Code that
 * may end a connection while using it (segment arrival, timers) holds a
 * reference of its own meanwhile.
 */
#ifndef TCP_H
#define TCP_H

#include <linux/tcp.h>

#include "inet.h"

/* States, numbered as in /proc/net/tcp. */
enum {
	TCPS_ESTABLISHED = 1,
	TCPS_SYN_SENT,
	TCPS_SYN_RECV,
	TCPS_FIN_WAIT1,
	TCPS_FIN_WAIT2,
	TCPS_TIME_WAIT,
	TCPS_CLOSE,
	TCPS_CLOSE_WAIT,
	TCPS_LAST_ACK,
	TCPS_LISTEN,
	TCPS_CLOSING,
};

/* What the socket (file) side believes, for connect's return values. */
enum { SS_UNCONNECTED, SS_CONNECTING, SS_CONNECTED };

#define TCP_RTO_MIN_NS	   (200 * 1000000ULL)
#define TCP_RTO_MAX_NS	   (120 * NSEC_PER_SEC)
#define TCP_RTO_INIT_NS	   NSEC_PER_SEC
#define TCP_DELACK_NS	   (40 * 1000000ULL)
#define TCP_TIMEWAIT_NS	   (60 * NSEC_PER_SEC)
#define TCP_RETRIES2	   15
#define TCP_SYN_RETRIES	   6
#define TCP_SYNACK_RETRIES 5
#define TCP_RCV_WSCALE	   7
#define TCP_MAX_SEG_ALLOC  65280 /* a segment's data plus headers fit 64 KiB */

struct tcp_sock {
	struct inet_sock inet;
	int sstate; /* SS_* */
	/* send sequence space */
	u32 iss, snd_una, snd_nxt, snd_wnd, snd_wl1, snd_wl2, write_seq, max_window;
	u8 snd_wscale, rcv_wscale;
	bool wscale_ok;
	u32 mss, advmss, user_mss;
	/* receive sequence space */
	u32 irs, rcv_nxt, rcv_wup, rcv_wnd;
	u32 window_clamp;
	/* queues: data to send and unacknowledged (in order; send_head is the
	 * first never sent), and segments received out of order */
	struct sk_buff_head sndq;
	struct sk_buff *send_head;
	struct sk_buff_head ooo;
	bool fin_queued; /* the FIN is in sndq (write_seq counts it) */
	/* congestion control (NewReno), in bytes */
	u32 cwnd, ssthresh, recover, dupacks;
	bool in_recovery;
	/* after a timeout everything sent before it is presumed lost and
	 * resent from snd_una (rtx_nxt: the next to resend) up to
	 * loss_recover, as the congestion window allows, before new data */
	bool in_loss;
	u32 rtx_nxt, loss_recover;
	/* round trip and retransmission */
	u64 srtt, rttvar, rto; /* ns; srtt 0: no sample yet */
	int retransmits, backoff, total_retrans;
	/* delayed acknowledgements */
	int ack_pending, quickack;
	/* timers */
	struct ktimer rto_timer, delack_timer, keepalive_timer, tw_timer;
	u64 last_rcv_ns, last_snd_ns;
	int probes_out;
	/* options */
	bool nodelay, cork, keepalive, linger_zero, defer_accept;
	int keepidle, keepintvl, keepcnt, syn_retries, linger2;
	u64 user_timeout_ns;
	/* listening */
	struct tcp_sock *parent; /* listener, while not accepted */
	struct list_head q_node; /* in the parent's synq or accq */
	struct list_head synq, accq;
	int synq_len, accq_len, backlog;
	bool orphan_counted, tw_counted; /* in tcp_orphans, tcp_tw_count */
	u64 last_oow_ack_ns;		 /* rate limit of answers to stray segments */
	/* statistics (TCP_INFO) */
	u64 bytes_acked, bytes_received;
	u32 segs_in, segs_out;
};

static inline struct tcp_sock *tcp_sk(struct socket *s)
{
	return s->proto;
}

/* Sequence number comparisons modulo 2^32. */
static inline bool before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}
#define after(a, b) before(b, a)

static inline u32 tcp_flight(const struct tcp_sock *tp)
{
	return tp->snd_nxt - tp->snd_una;
}

/* tcp_output.c */
void tcp_init_timers(struct tcp_sock *tp);
void tcp_cancel_timers(struct tcp_sock *tp);
/* Sends what windows, Nagle and cork allow from send_head on. */
void tcp_write_xmit(struct tcp_sock *tp, bool push);
/* A bare ACK with the current window. */
void tcp_send_ack(struct tcp_sock *tp);
/* Counts a received data segment; acknowledges now or soon. */
void tcp_schedule_ack(struct tcp_sock *tp, bool now);
/* Aborts: a RST to the peer. */
void tcp_send_active_reset(struct tcp_sock *tp);
/* A RST answering a segment that belongs to no connection. */
void tcp_send_reset(struct sk_buff *skb);
/* Queues (and sends) the SYN, SYN-ACK or FIN as a segment of sndq. */
int tcp_queue_control(struct tcp_sock *tp, u8 flags);
void tcp_rearm_rto(struct tcp_sock *tp);
void tcp_retransmit_head(struct tcp_sock *tp);
u32 tcp_select_window(struct tcp_sock *tp);
/* Sends a window update if reading has opened the window enough. */
void tcp_maybe_window_update(struct tcp_sock *tp);
void tcp_reset_keepalive(struct tcp_sock *tp);

/* tcp.c */
/* The connection is over: CLOSE, unhashed, timers stopped, an orphan's
 * reference dropped. */
void tcp_done(struct tcp_sock *tp);
void tcp_set_state(struct tcp_sock *tp, int state);
/* Goes to TIME_WAIT (or straight to done when too many wait). */
void tcp_time_wait(struct tcp_sock *tp);
/* The peer reset the connection. */
void tcp_reset(struct tcp_sock *tp);
struct tcp_sock *tcp_sock_new(struct socket *s);
u32 tcp_new_isn(const struct inet_pair *p, u16 sport, u16 dport);
extern int tcp_orphans;

#endif
