/*
 * mconsole replies leave through a sender thread. The kernel queues a
 * datagram and goes on; the thread waits, as long as the client needs (up
 * to TX_PATIENCE_S without progress), for room in the client's receive
 * queue. So a slow client gets every packet (UML's non-blocking send drops
 * them once the client's queue of 10 is full) and a stopped or vanished
 * client never stalls the guest. When the queue is full the kernel gets
 * -EAGAIN and waits until the event pipe turns readable.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

#define TXQ 64
#define TX_MAX 1024
#define TX_PATIENCE_S 10

struct txpkt {
	u32 len, tolen;
	u8 to[sizeof(struct sockaddr_un)];
	u8 data[TX_MAX];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct txpkt ring[TXQ];
static unsigned head, count; /* ring[head] is sent next */
static bool sending;         /* the thread holds a packet outside the ring */
static bool kernel_waits;    /* the kernel saw a full ring: tell it of room */
static int sock = -1;
static int event_pipe[2] = { -1, -1 };
static pthread_t thread;

static bool same_peer(const struct txpkt *a, const u8 *to, u32 tolen)
{
	return a->tolen == tolen && !memcmp(a->to, to, tolen);
}

/*
 * Clients that stopped reading or went away: their queued packets are
 * dropped, and so is what the kernel sends them for DEAD_FOR_S more, so a
 * stalled client costs the others one timeout, not one per packet.
 */
#define NDEAD 4
#define DEAD_FOR_S 30
static struct {
	u8 to[sizeof(struct sockaddr_un)];
	u32 tolen;
	time_t until;
} dead[NDEAD];
static unsigned dead_next;

static bool is_dead(const u8 *to, u32 tolen)
{
	time_t now = time(NULL);
	unsigned i;

	for (i = 0; i < NDEAD; i++)
		if (dead[i].until > now && dead[i].tolen == tolen && !memcmp(dead[i].to, to, tolen))
			return true;
	return false;
}

/* With the lock held. */
static void mark_dead(const u8 *to, u32 tolen)
{
	unsigned i, kept = 0;

	memcpy(dead[dead_next].to, to, tolen);
	dead[dead_next].tolen = tolen;
	dead[dead_next].until = time(NULL) + DEAD_FOR_S;
	dead_next = (dead_next + 1) % NDEAD;
	for (i = 0; i < count; i++) {
		struct txpkt *p = &ring[(head + i) % TXQ];

		if (same_peer(p, to, tolen))
			continue;
		if (kept != i)
			ring[(head + kept) % TXQ] = *p;
		kept++;
	}
	count = kept;
}

/* Tells the kernel there is room, if it is waiting for that. */
static void notify_room(void)
{
	bool wake;

	pthread_mutex_lock(&lock);
	wake = kernel_waits && count < TXQ;
	if (wake)
		kernel_waits = false;
	pthread_mutex_unlock(&lock);
	if (wake)
		while (write(event_pipe[1], "", 1) < 0 && errno == EINTR)
			;
}

static void *tx_thread(void *arg)
{
	static struct txpkt p;
	sigset_t all;

	(void)arg;
	host_cpus_enter_helper();
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		pthread_mutex_lock(&lock);
		sending = false;
		while (!count) {
			pthread_cond_broadcast(&cond);
			pthread_cond_wait(&cond, &lock);
		}
		p = ring[head];
		head = (head + 1) % TXQ;
		count--;
		sending = true;
		pthread_mutex_unlock(&lock);
		notify_room();
		for (;;) {
			if (sendto(sock, p.data, p.len, 0, (struct sockaddr *)p.to, p.tolen) >= 0)
				break;
			if (errno == EINTR)
				continue;
			/* SO_SNDTIMEO ran out (EAGAIN) or the client is gone. */
			pthread_mutex_lock(&lock);
			mark_dead(p.to, p.tolen);
			pthread_mutex_unlock(&lock);
			notify_room();
			break;
		}
	}
	return NULL;
}

int host_mconsole_tx_init(int fd)
{
	struct timeval tv = { .tv_sec = TX_PATIENCE_S };

	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	if (pipe2(event_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	sock = fd;
	if (pthread_create(&thread, NULL, tx_thread, NULL) != 0) {
		close(event_pipe[0]);
		close(event_pipe[1]);
		sock = -1;
		return -EAGAIN;
	}
	return event_pipe[0];
}

int host_mconsole_send(const void *buf, size_t len, const void *to, u32 tolen)
{
	struct txpkt *p;

	if (sock < 0)
		return -ENOTCONN;
	if (len > TX_MAX || tolen > sizeof(p->to))
		return -EMSGSIZE;
	pthread_mutex_lock(&lock);
	if (is_dead(to, tolen)) { /* nobody would read it */
		pthread_mutex_unlock(&lock);
		return 0;
	}
	if (count == TXQ) {
		kernel_waits = true;
		pthread_mutex_unlock(&lock);
		return -EAGAIN;
	}
	p = &ring[(head + count) % TXQ];
	memcpy(p->data, buf, len);
	p->len = (u32)len;
	memcpy(p->to, to, tolen);
	p->tolen = tolen;
	count++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	return 0;
}

void host_mconsole_tx_ack(void)
{
	char buf[64];

	while (read(event_pipe[0], buf, sizeof(buf)) > 0)
		;
}

/*
 * Before the process exits or re-executes itself: lets the thread finish
 * what is queued (the reply to halt or reboot), for at most two seconds.
 * Only a trylock: this may run on a signal path that interrupted a sender.
 */
void host_mconsole_tx_flush(void)
{
	struct timespec until;

	if (sock < 0 || pthread_mutex_trylock(&lock) != 0)
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	while (count || sending)
		if (pthread_cond_timedwait(&cond, &lock, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&lock);
}
