/*
 * AF_UNIX sockets: stream, seqpacket and datagram; names in the
 * filesystem (a socket inode) or abstract (sun_path[0] == 0); socketpair;
 * SCM_RIGHTS and SCM_CREDENTIALS.
 *
 * A message queued on a socket is a struct unix_msg (data plus the files
 * and credentials it carries). Senders put messages straight on the
 * receiver's queue and wait on the receiver's wait queue for room; the
 * receiver wakes that queue when it takes data, so one wait queue per
 * socket serves readers, writers to it, accept and poll.
 *
 * Lifetimes: struct unix_sock is reference counted. Its socket (file)
 * holds one reference, a connected peer another, a listener's accept
 * queue one for each connection not yet accepted. Closing a socket marks
 * it dead, shuts its peer down (end of file, EPIPE) and drops its
 * references; the memory goes with the last one. Like Linux before its
 * garbage collector, a socket sent over itself is never freed.
 */
#include <linux/fcntl.h>
#include <linux/un.h>

#include "fs.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"
#include "net.h"
#include "poll.h"
#include "task.h"
#include "timer.h"

#define RCV_SHUTDOWN 1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3
#define MAX_DGRAM_QLEN 10   /* /proc/sys/net/unix/max_dgram_qlen */
#define STREAM_CHUNK 65536  /* the largest piece a stream send queues */
#define ADDR_MAX ((u32)sizeof(struct sockaddr_un))
/* A name of 108 bytes has no room for its NUL in sun_path: one more. */
#define ADDR_BUF (sizeof(struct sockaddr_un) + 1)
/* What a queued message costs beyond its bytes, against the receive
 * buffer: without it, zero-length and one-byte messages would be free. */
#define MSG_COST 256

enum { SS_UNCONNECTED, SS_LISTENING, SS_CONNECTED };

struct unix_msg {
	struct list_head node;
	size_t len, off;
	struct file **fds;
	int nfds;
	struct ucred_k cred;
	u8 addr[ADDR_BUF]; /* the sender's name */
	u32 addrlen;
	char data[];
};

struct unix_sock {
	int refs;
	int type;
	int state;
	int shutdown;     /* RCV_SHUTDOWN | SEND_SHUTDOWN */
	int err;          /* pending error (ECONNRESET) */
	bool dead;        /* its file is closed */
	struct socket *sock;
	struct unix_sock *peer;
	struct list_head rx;
	size_t rx_bytes;
	int rx_count;
	struct wait_queue wq;
	/* the name */
	u8 addr[ADDR_BUF];
	u32 addrlen;      /* 0: unbound */
	struct path_ref path;
	struct super_block *bsb;
	u64 bino;
	struct list_head bound_node;
	/* listening */
	struct list_head accq;
	int accq_len, backlog;
	struct list_head acc_node;
	/* credentials */
	struct ucred_k peercred, owncred;
	bool has_peercred;
	struct list_head all_node;
	struct task *reader; /* a receive is copying out: others wait (iolock) */
	bool binding;     /* a bind is in progress (it may sleep) */
};

static LIST_HEAD(bound);
static LIST_HEAD(all_socks); /* for /proc/net/unix */
static u32 autobind_next = 0x10000;

static const struct proto_ops unix_ops;

long put_cmsg(struct kmsg *m, int level, int type, const void *data, size_t len);
void scm_install_fds(struct kmsg *m, struct file **files, int n, bool cloexec);

static struct unix_sock *us(struct socket *s)
{
	return s->proto;
}

static struct unix_sock *usock_new(int type)
{
	struct unix_sock *u = kzalloc(sizeof(*u));

	if (!u)
		return NULL;
	u->refs = 1;
	u->type = type;
	list_init(&u->rx);
	list_init(&u->accq);
	list_init(&u->bound_node);
	list_init(&u->acc_node);
	list_add_tail(&u->all_node, &all_socks);
	wq_init(&u->wq);
	cred_current(&u->owncred);
	return u;
}

/*
 * Freeing a message puts the files it carries; the last reference to a
 * socket among them frees that socket's queue, and so on: a chain of
 * sockets sent inside sockets. The frees go through a list worked off in
 * a loop, so the chain's length never becomes stack depth.
 */
static LIST_HEAD(msgs_to_free);
static bool freeing_msgs;

static void msg_free(struct unix_msg *msg)
{
	list_add_tail(&msg->node, &msgs_to_free);
	if (freeing_msgs)
		return;
	freeing_msgs = true;
	while (!list_empty(&msgs_to_free)) {
		struct unix_msg *m = list_first_entry(&msgs_to_free, struct unix_msg, node);
		int i;

		list_del(&m->node);
		for (i = 0; i < m->nfds; i++)
			file_put(m->fds[i]);
		kfree(m->fds);
		kfree(m);
	}
	freeing_msgs = false;
}

static void purge_rx(struct unix_sock *u)
{
	while (!list_empty(&u->rx)) {
		struct unix_msg *msg = list_first_entry(&u->rx, struct unix_msg, node);

		list_del(&msg->node);
		msg_free(msg);
	}
	u->rx_bytes = 0;
	u->rx_count = 0;
}

static void unref(struct unix_sock *u)
{
	if (--u->refs > 0)
		return;
	purge_rx(u);
	list_del(&u->all_node);
	if (u->path.dentry)
		path_put(&u->path);
	kfree(u);
}

static void wake(struct unix_sock *u)
{
	wake_up_poll(&u->wq, POLLIN | POLLOUT);
}

static void unbind(struct unix_sock *u)
{
	if (!list_empty(&u->bound_node))
		list_del(&u->bound_node);
	list_init(&u->bound_node);
}

/* The other end goes away: end of file and EPIPE from now on. */
static void peer_gone(struct unix_sock *u, bool had_unread)
{
	if (u->type != SOCK_DGRAM) {
		u->shutdown = SHUTDOWN_MASK;
		if (had_unread)
			u->err = ECONNRESET;
	}
	wake(u);
}

/* reset: the peer gets ECONNRESET even with nothing unread. */
static void disconnect(struct unix_sock *u, bool reset)
{
	struct unix_sock *p = u->peer;
	bool unread = !list_empty(&u->rx) || reset;

	if (!p)
		return;
	u->peer = NULL;
	if (p->peer == u)
		peer_gone(p, unread);
	unref(p);
}

/* A connection nobody accepted: its client is reset, and a send of its
 * that waits for room in the embryo's queue wakes up. */
static void embryo_kill(struct unix_sock *e)
{
	e->dead = true;
	wake(e);
	disconnect(e, true);
	unref(e);
}

static void unix_release(struct socket *s)
{
	struct unix_sock *u = us(s);

	if (!u)
		return;
	u->dead = true;
	u->sock = NULL;
	unbind(u);
	while (!list_empty(&u->accq)) {
		struct unix_sock *e = list_first_entry(&u->accq, struct unix_sock, acc_node);

		list_del(&e->acc_node);
		list_init(&e->acc_node);
		embryo_kill(e);
	}
	disconnect(u, false);
	purge_rx(u);
	wake(u);
	s->proto = NULL;
	unref(u);
}

int unix_create(struct socket *s)
{
	struct unix_sock *u = usock_new(s->type);

	if (!u)
		return -ENOMEM;
	u->sock = s;
	s->ops = &unix_ops;
	s->proto = u;
	return 0;
}

static void connect_pair(struct unix_sock *a, struct unix_sock *b)
{
	a->peer = b;
	b->refs++;
	b->peer = a;
	a->refs++;
	a->state = SS_CONNECTED;
	b->state = SS_CONNECTED;
}

long unix_pair(struct socket *sa, struct socket *sb)
{
	struct unix_sock *a = us(sa), *b = us(sb);

	connect_pair(a, b);
	cred_current(&a->peercred);
	b->peercred = a->peercred;
	a->has_peercred = b->has_peercred = true;
	return 0;
}

/* --- names --- */

/*
 * Checks a sockaddr_un and says what it names: *path is a NUL-terminated
 * copy for a filesystem name, or NULL for an abstract one. Returns the
 * length of the canonical address (family, name and, for a path, its NUL).
 */
static long parse_addr(const u8 *addr, u32 len, char *path)
{
	const struct sockaddr_un *sa = (const void *)addr;
	u32 n;

	if (len < sizeof(sa->sun_family) + 1 || len > ADDR_MAX || sa->sun_family != AF_UNIX)
		return -EINVAL;
	n = len - (u32)sizeof(sa->sun_family);
	if (sa->sun_path[0]) {
		u32 k = 0;

		while (k < n && sa->sun_path[k])
			k++;
		memcpy(path, sa->sun_path, k);
		path[k] = 0;
		return (long)(sizeof(sa->sun_family) + k + 1);
	}
	path[0] = 0;
	return (long)len;
}

static bool same_inode(struct unix_sock *u, struct inode *i)
{
	return u->bsb == i->sb && u->bino == i->ino;
}

/* The bound socket an address names, referenced; or an errno. */
static struct unix_sock *lookup_addr(const u8 *addr, u32 len)
{
	char path[UNIX_PATH_MAX + 1];
	long alen = parse_addr(addr, len, path);
	struct nameidata nd;
	struct unix_sock *u;
	struct inode *i;
	int rc;

	if (alen < 0)
		return ERR_PTR(alen);
	if (!path[0]) {
		list_for_each_entry(u, &bound, bound_node) {
			if (!u->path.dentry && u->addrlen == (u32)alen &&
			    !memcmp(u->addr, addr, (size_t)alen)) {
				u->refs++;
				return u;
			}
		}
		return ERR_PTR(-ECONNREFUSED);
	}
	rc = path_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &nd);
	if (rc < 0)
		return ERR_PTR(rc);
	i = nd.path.dentry->inode;
	rc = !S_ISSOCK(i->mode) ? -ECONNREFUSED : inode_permission(i, 2);
	if (rc == 0) {
		rc = -ECONNREFUSED;
		list_for_each_entry(u, &bound, bound_node) {
			if (u->path.dentry && same_inode(u, i)) {
				u->refs++;
				path_put(&nd.path);
				return u;
			}
		}
	}
	path_put(&nd.path);
	return ERR_PTR(rc);
}

/* An abstract name of five hex digits, as Linux picks. */
static long autobind(struct unix_sock *u)
{
	static const char hex[] = "0123456789abcdef";
	int tries;

	if (u->addrlen)
		return 0;
	if (u->binding)
		return -EINVAL;
	for (tries = 0; tries < 0x100000; tries++) {
		struct unix_sock *o;
		u32 n = autobind_next++ & 0xfffff;
		bool taken = false;
		int k;

		u->addr[0] = AF_UNIX;
		u->addr[1] = 0;
		u->addr[2] = 0;
		for (k = 0; k < 5; k++)
			u->addr[3 + k] = (u8)hex[(n >> (4 * (4 - k))) & 15];
		list_for_each_entry(o, &bound, bound_node)
			if (!o->path.dentry && o->addrlen == 8 && !memcmp(o->addr, u->addr, 8))
				taken = true;
		if (!taken) {
			u->addrlen = 8;
			list_add_tail(&u->bound_node, &bound);
			return 0;
		}
	}
	return -ENOSPC;
}

static int bind_path(struct unix_sock *u, const char *path);

static long unix_bind(struct socket *s, const u8 *addr, u32 len)
{
	struct unix_sock *u = us(s), *o;
	char path[UNIX_PATH_MAX + 1];
	long alen;
	int rc;

	if (len == sizeof(short) && addr[0] == AF_UNIX)
		return u->addrlen ? -EINVAL : autobind(u);
	alen = parse_addr(addr, len, path);
	if (alen < 0)
		return alen;
	if (u->addrlen || u->binding)
		return -EINVAL;
	if (!path[0]) {
		list_for_each_entry(o, &bound, bound_node)
			if (!o->path.dentry && o->addrlen == (u32)alen &&
			    !memcmp(o->addr, addr, (size_t)alen))
				return -EADDRINUSE;
		memcpy(u->addr, addr, (size_t)alen);
	} else {
		/* Looking up and creating may sleep: no second bind meanwhile. */
		u->binding = true;
		rc = bind_path(u, path);
		u->binding = false;
		if (rc < 0)
			return rc;
	}
	u->addrlen = (u32)alen;
	list_add_tail(&u->bound_node, &bound);
	return 0;
}

/* Creates the socket's node at path and remembers it. */
static int bind_path(struct unix_sock *u, const char *path)
{
	struct nameidata nd;
	struct dentry *d;
	int rc = path_lookup_at(AT_FDCWD, path, LOOKUP_PARENT, &nd);

	if (rc < 0)
		return rc;
	d = vfs_lookup_one(nd.path.dentry, nd.last, nd.last_len);
	if (!IS_ERR(d)) {
		bool exists = d->inode != NULL;

		dentry_put(d);
		if (exists) {
			path_put(&nd.path);
			return -EADDRINUSE;
		}
	}
	rc = vfs_create(&nd.path, nd.last, nd.last_len, S_IFSOCK | (0777 & ~current->fs->umask), 0,
			&d);
	if (rc < 0) {
		path_put(&nd.path);
		return rc == -EEXIST ? -EADDRINUSE : rc;
	}
	u->path.mnt = nd.path.mnt;
	u->path.dentry = d; /* keeps the inode, and so its number, alive */
	u->bsb = d->inode->sb;
	u->bino = d->inode->ino;
	path_put(&nd.path);
	memset(u->addr, 0, sizeof(u->addr));
	u->addr[0] = AF_UNIX;
	memcpy(u->addr + 2, path, strlen(path) + 1);
	return 0;
}

static long unix_getname(struct socket *s, u8 *addr, u32 *len, bool peer)
{
	struct unix_sock *u = us(s);

	if (peer) {
		if (!u->peer || (u->type != SOCK_DGRAM && u->state != SS_CONNECTED))
			return -ENOTCONN;
		u = u->peer;
	}
	if (!u->addrlen) {
		addr[0] = AF_UNIX;
		addr[1] = 0;
		*len = 2;
		return 0;
	}
	memcpy(addr, u->addr, u->addrlen);
	*len = u->addrlen;
	return 0;
}

/* --- connections --- */

static long unix_listen(struct socket *s, int backlog)
{
	struct unix_sock *u = us(s);

	if (u->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (u->state == SS_CONNECTED || !u->addrlen)
		return -EINVAL;
	u->backlog = backlog < 0 ? 0 : MIN(backlog, 4096);
	if (u->state != SS_LISTENING)
		cred_current(&u->owncred);
	u->state = SS_LISTENING;
	s->listening = true;
	wake(u);
	return 0;
}

static long connect_stream(struct unix_sock *u, const u8 *addr, u32 len, bool nonblock,
			   u64 deadline)
{
	struct unix_sock *t, *e;
	long rc;

	if (u->state == SS_CONNECTED)
		return -EISCONN;
	if (u->state == SS_LISTENING)
		return -EINVAL;
	t = lookup_addr(addr, len);
	if (IS_ERR(t))
		return PTR_ERR(t);
	rc = 0;
	if (t->type != u->type)
		rc = -EPROTOTYPE;
	while (rc == 0) {
		if (t->dead || t->state != SS_LISTENING) {
			rc = -ECONNREFUSED;
			break;
		}
		if (t->accq_len <= t->backlog)
			break;
		if (nonblock) {
			rc = -EAGAIN;
			break;
		}
		rc = wait_event_deadline(&t->wq,
					 t->dead || t->state != SS_LISTENING ||
						 t->accq_len <= t->backlog,
					 deadline, "unix_connect");
	}
	if (rc == 0 && u->state == SS_CONNECTED) /* raced with another connect */
		rc = -EISCONN;
	if (rc == 0) {
		e = usock_new(u->type);
		if (!e) {
			rc = -ENOMEM;
		} else {
			memcpy(e->addr, t->addr, t->addrlen);
			e->addrlen = t->addrlen;
			connect_pair(u, e);
			cred_current(&e->peercred);
			u->peercred = t->owncred;
			e->has_peercred = u->has_peercred = true;
			list_add_tail(&e->acc_node, &t->accq); /* the queue's reference */
			t->accq_len++;
			wake(t);
		}
	}
	unref(t);
	return rc;
}

static long unix_connect(struct socket *s, const u8 *addr, u32 len)
{
	struct unix_sock *u = us(s), *t;

	if (u->type != SOCK_DGRAM)
		return connect_stream(u, addr, len, s->file && (s->file->flags & O_NONBLOCK),
				      sock_deadline(s->sndtimeo));
	if (len >= sizeof(short) && addr[0] == AF_UNSPEC) {
		disconnect(u, false);
		u->state = SS_UNCONNECTED;
		return 0;
	}
	t = lookup_addr(addr, len);
	if (IS_ERR(t))
		return PTR_ERR(t);
	if (t->type != SOCK_DGRAM) {
		unref(t);
		return -EPROTOTYPE;
	}
	if (s->passcred && autobind(u) < 0) {
		unref(t);
		return -ENOSPC;
	}
	disconnect(u, false);
	u->peer = t; /* lookup's reference */
	u->state = SS_CONNECTED;
	return 0;
}

static struct socket *unix_accept(struct socket *s, bool nonblock)
{
	struct unix_sock *u = us(s), *e;
	struct socket *ns;
	long rc;

	u64 dl = sock_deadline(s->rcvtimeo);

	if (u->state != SS_LISTENING)
		return ERR_PTR(-EINVAL);
	while (list_empty(&u->accq)) {
		if (nonblock)
			return ERR_PTR(-EAGAIN);
		rc = wait_event_deadline(&u->wq, !list_empty(&u->accq), dl, "unix_accept");
		if (rc < 0)
			return ERR_PTR(rc);
	}
	ns = sock_alloc(AF_UNIX, u->type, 0);
	if (!ns)
		return ERR_PTR(-ENOMEM);
	e = list_first_entry(&u->accq, struct unix_sock, acc_node);
	list_del(&e->acc_node);
	list_init(&e->acc_node);
	u->accq_len--;
	e->sock = ns;
	ns->ops = &unix_ops;
	ns->proto = e; /* the queue's reference passes to the socket */
	wake(u);
	return ns;
}

static long unix_shutdown(struct socket *s, int how)
{
	struct unix_sock *u = us(s), *p = u->peer;
	int mode = (how + 1) & SHUTDOWN_MASK; /* SHUT_RD 1, SHUT_WR 2, both 3 */

	u->shutdown |= mode;
	wake(u);
	if (p && u->type != SOCK_DGRAM) {
		/* What we stop sending, the peer stops receiving, and back. */
		p->shutdown |= ((mode & RCV_SHUTDOWN) ? SEND_SHUTDOWN : 0) |
			       ((mode & SEND_SHUTDOWN) ? RCV_SHUTDOWN : 0);
		wake(p);
	}
	return 0;
}

/* --- sending --- */

static struct unix_msg *msg_new(struct kmsg *m, size_t len, struct unix_sock *from,
				bool with_fds, long *rc)
{
	struct unix_msg *msg = kmalloc(sizeof(*msg) + len);
	int i;

	*rc = -ENOMEM;
	if (!msg)
		return NULL;
	memset(msg, 0, sizeof(*msg));
	msg->len = len;
	if (len && uio_copy_from(m->data, msg->data, len) != (long)len) {
		kfree(msg);
		*rc = -EFAULT;
		return NULL;
	}
	if (m->has_cred)
		msg->cred = m->cred;
	else
		cred_current(&msg->cred);
	memcpy(msg->addr, from->addr, from->addrlen);
	msg->addrlen = from->addrlen;
	if (with_fds && m->nfds) {
		msg->fds = kmalloc(sizeof(struct file *) * (size_t)m->nfds);
		if (!msg->fds) {
			kfree(msg);
			return NULL;
		}
		for (i = 0; i < m->nfds; i++) {
			msg->fds[i] = m->fds[i];
			file_get(m->fds[i]);
		}
		msg->nfds = m->nfds;
	}
	*rc = 0;
	return msg;
}

static void enqueue(struct unix_sock *t, struct unix_msg *msg)
{
	list_add_tail(&msg->node, &t->rx);
	t->rx_bytes += msg->len + MSG_COST;
	t->rx_count++;
	wake(t);
}

static size_t limit_of(struct unix_sock *t)
{
	return t->sock ? (size_t)t->sock->rcvbuf : 212992;
}

static long send_stream(struct socket *s, struct kmsg *m, int flags)
{
	struct unix_sock *u = us(s);
	size_t total = m->data->resid, sent = 0;
	bool seqpacket = u->type == SOCK_SEQPACKET, fds_sent = false;
	u64 dl = sock_deadline(s->sndtimeo);
	long rc = 0;

	if (m->namelen)
		return u->state == SS_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (u->state != SS_CONNECTED)
		return -ENOTCONN;
	if (seqpacket && total > (size_t)s->sndbuf)
		return -EMSGSIZE;
	if (!seqpacket && !total) /* nothing to queue, as in Linux */
		return (u->shutdown & SEND_SHUTDOWN) || !u->peer || u->peer->dead ? -EPIPE : 0;
	do {
		struct unix_sock *p = u->peer;
		struct unix_msg *msg;
		size_t room, chunk;

		if (u->err) { /* a reset reaches a sender first, as in Linux */
			rc = -u->err;
			u->err = 0;
			break;
		}
		if ((u->shutdown & SEND_SHUTDOWN) || !p || p->dead) {
			rc = -EPIPE;
			break;
		}
		room = p->rx_bytes + MSG_COST < limit_of(p) ? limit_of(p) - p->rx_bytes - MSG_COST : 0;
		if ((seqpacket && room < total && p->rx_bytes) || (!seqpacket && !room)) {
			if (flags & MSG_DONTWAIT) {
				rc = -EAGAIN;
				break;
			}
			rc = wait_event_deadline(
				&p->wq,
				(u->shutdown & SEND_SHUTDOWN) || p->dead ||
					p->rx_bytes + MSG_COST + (seqpacket ? total : 1) <= limit_of(p) ||
					(seqpacket && !p->rx_bytes),
				dl, "unix_send");
			if (rc < 0)
				break;
			continue;
		}
		chunk = seqpacket ? total : MIN(MIN(total - sent, room), (size_t)STREAM_CHUNK);
		msg = msg_new(m, chunk, u, !fds_sent, &rc);
		if (!msg)
			break;
		fds_sent = true;
		enqueue(p, msg);
		sent += chunk;
	} while (sent < total);
	if (sent && (!seqpacket || sent == total))
		return (long)sent;
	return rc ? rc : (long)sent;
}

/*
 * Can u queue a datagram of len bytes on t? Sockets connected to each
 * other (a socketpair) are limited by bytes only; others share t's queue
 * of at most MAX_DGRAM_QLEN + 1 datagrams, as in Linux.
 */
static bool dgram_room(struct unix_sock *u, struct unix_sock *t, size_t len)
{
	if (t->rx_bytes + len + MSG_COST > limit_of(t) && t->rx_count)
		return false;
	return t->peer == u || t->rx_count <= MAX_DGRAM_QLEN;
}

static long send_dgram(struct socket *s, struct kmsg *m, int flags)
{
	struct unix_sock *u = us(s), *t;
	size_t len = m->data->resid;
	struct unix_msg *msg;
	u64 dl = sock_deadline(s->sndtimeo);
	long rc;

	if (m->namelen) {
		t = lookup_addr(m->name, m->namelen);
		if (IS_ERR(t))
			return PTR_ERR(t);
	} else if (u->peer) {
		t = u->peer;
		t->refs++;
	} else {
		return -ENOTCONN;
	}
	rc = 0;
	if (len > (size_t)s->sndbuf)
		rc = -EMSGSIZE;
	else if (u->shutdown & SEND_SHUTDOWN)
		rc = -EPIPE;
	else if (t->type != SOCK_DGRAM)
		rc = -EPROTOTYPE;
	else if (s->passcred)
		rc = autobind(u);
	while (rc == 0) {
		if (t->dead) {
			rc = -ECONNREFUSED;
			if (u->peer == t) /* the connected peer is gone: forget it */
				disconnect(u, false);
			break;
		}
		if (t->peer && t->peer != u) {
			rc = -EPERM;
			break;
		}
		if (dgram_room(u, t, len))
			break;
		if (flags & MSG_DONTWAIT) {
			rc = -EAGAIN;
			break;
		}
		rc = wait_event_deadline(&t->wq, t->dead || dgram_room(u, t, len), dl,
					 "unix_dgram_send");
	}
	if (rc == 0) {
		msg = msg_new(m, len, u, true, &rc);
		if (msg) {
			enqueue(t, msg);
			rc = (long)len;
		}
	}
	unref(t);
	return rc;
}

static long unix_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	return us(s)->type == SOCK_DGRAM ? send_dgram(s, m, flags) : send_stream(s, m, flags);
}

/* --- receiving --- */

/* Hands a message's files and credentials to the receiver. */
static void deliver_control(struct socket *s, struct kmsg *m, struct unix_msg *msg,
			    int flags, bool peek)
{
	if (s->passcred)
		put_cmsg(m, SOL_SOCKET, SCM_CREDENTIALS, &msg->cred, sizeof(msg->cred));
	if (msg->nfds) {
		struct file **files = msg->fds;
		int n = msg->nfds, i;

		if (peek) { /* the message keeps its files: install more references */
			files = kmalloc(sizeof(*files) * (size_t)n);
			if (!files) {
				m->flags |= MSG_CTRUNC;
				return;
			}
			for (i = 0; i < n; i++) {
				files[i] = msg->fds[i];
				file_get(files[i]);
			}
		} else {
			msg->fds = NULL;
			msg->nfds = 0;
		}
		scm_install_fds(m, files, n, (flags & MSG_CMSG_CLOEXEC) != 0);
		kfree(files);
	}
}

/*
 * One receiver at a time copies out of a queue: copying may sleep (a page
 * fault on a file mapping), and another receiver must not take the
 * message meanwhile. Receivers let go while they wait for data.
 */
static long iolock(struct unix_sock *u)
{
	long rc = wait_event_interruptible(&u->wq, !u->reader, "unix_iolock");

	if (rc == 0)
		u->reader = current;
	return rc;
}

/* Lets go of the iolock if this task holds it. */
static void iounlock(struct unix_sock *u)
{
	if (u->reader != current)
		return;
	u->reader = NULL;
	wake_up(&u->wq);
}

/* wait_event_deadline for a receiver holding the iolock. */
#define recv_wait(u, cond, dl)                                                                  \
	({                                                                                      \
		long __rc;                                                                      \
		iounlock(u);                                                                    \
		__rc = wait_event_deadline(&(u)->wq, cond, dl, "unix_recv");                    \
		if (__rc == 0)                                                                  \
			__rc = iolock(u);                                                       \
		__rc;                                                                           \
	})

static void dequeue(struct unix_sock *u, struct unix_msg *msg)
{
	list_del(&msg->node);
	u->rx_count--;
	u->rx_bytes -= MSG_COST;
	msg_free(msg);
	wake(u);
	/* Room for the peer to send: its own queue is the one its poll and
	 * epoll watch first. */
	if (u->peer && u->peer->peer == u)
		wake_up_poll(&u->peer->wq, POLLOUT);
}

static long recv_dgram(struct socket *s, struct kmsg *m, size_t len, int flags)
{
	struct unix_sock *u = us(s);
	struct unix_msg *msg;
	u64 dl = sock_deadline(s->rcvtimeo);
	size_t n;
	long rc;

	if (u->type == SOCK_SEQPACKET && u->state != SS_CONNECTED)
		return u->state == SS_LISTENING ? -EINVAL : -ENOTCONN;
	while (list_empty(&u->rx)) {
		if (u->err) {
			rc = -u->err;
			u->err = 0;
			return rc;
		}
		if (u->shutdown & RCV_SHUTDOWN)
			return 0;
		if (flags & MSG_DONTWAIT)
			return -EAGAIN;
		rc = recv_wait(u, !list_empty(&u->rx) || (u->shutdown & RCV_SHUTDOWN) || u->err, dl);
		if (rc < 0)
			return rc;
	}
	msg = list_first_entry(&u->rx, struct unix_msg, node);
	n = MIN(len, msg->len);
	if (n && uio_copy_to(m->data, msg->data, n) != (long)n)
		return -EFAULT;
	if (msg->len > len)
		m->flags |= MSG_TRUNC;
	/* An unbound sender has no name at all: length 0. */
	memcpy(m->name, msg->addr, msg->addrlen);
	m->namelen = msg->addrlen;
	deliver_control(s, m, msg, flags, (flags & MSG_PEEK) != 0);
	rc = (flags & MSG_TRUNC) ? (long)msg->len : (long)n;
	if (!(flags & MSG_PEEK)) {
		u->rx_bytes -= msg->len;
		dequeue(u, msg);
	}
	return rc;
}

static long recv_stream(struct socket *s, struct kmsg *m, size_t len, int flags)
{
	struct unix_sock *u = us(s);
	size_t copied = 0, target = (flags & MSG_WAITALL) ? len : 1;
	struct unix_msg *msg;
	struct ucred_k first_cred;
	bool got_cred = false;
	u64 dl = sock_deadline(s->rcvtimeo);
	long rc = 0;

	if (u->state != SS_CONNECTED)
		return -EINVAL;
	if (!len)
		return 0;
	target = MIN(target, len);
	for (;;) {
		struct list_head *pos;
		bool stop = false;

		/* Take what is queued, message by message. */
		for (pos = u->rx.next; pos != &u->rx && copied < len;) {
			size_t n;

			msg = list_entry(pos, struct unix_msg, node);
			if (copied && (msg->nfds || (got_cred && memcmp(&msg->cred, &first_cred,
									  sizeof(first_cred))))) {
				stop = true; /* files and senders are not merged */
				break;
			}
			n = MIN(msg->len - msg->off, len - copied);
			if (n && uio_copy_to(m->data, msg->data + msg->off, n) != (long)n) {
				rc = -EFAULT;
				stop = true;
				break;
			}
			if (!got_cred) {
				first_cred = msg->cred;
				got_cred = true;
				deliver_control(s, m, msg, flags, (flags & MSG_PEEK) != 0);
			}
			copied += n;
			pos = pos->next;
			if (flags & MSG_PEEK)
				continue;
			msg->off += n;
			u->rx_bytes -= n;
			if (msg->off == msg->len)
				dequeue(u, msg);
			else
				break;
		}
		if (stop || copied >= target || ((flags & MSG_PEEK) && copied))
			break;
		if (u->err && !copied) {
			rc = -u->err;
			u->err = 0;
			break;
		}
		if (u->shutdown & RCV_SHUTDOWN)
			break;
		if (flags & MSG_DONTWAIT) {
			if (!copied)
				rc = -EAGAIN;
			break;
		}
		rc = recv_wait(u, !list_empty(&u->rx) || (u->shutdown & RCV_SHUTDOWN) || u->err, dl);
		if (rc < 0)
			break;
	}
	if (copied)
		return (long)copied;
	return rc;
}

static long unix_recvmsg(struct socket *s, struct kmsg *m, size_t len, int flags)
{
	struct unix_sock *u = us(s);
	long rc;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	rc = iolock(u);
	if (rc < 0)
		return rc;
	rc = u->type == SOCK_STREAM ? recv_stream(s, m, len, flags) : recv_dgram(s, m, len, flags);
	iounlock(u);
	return rc;
}

/* --- readiness and options --- */

static void unref_obj(void *u)
{
	unref(u);
}

static unsigned unix_poll(struct socket *s, struct poll_table *pt)
{
	struct unix_sock *u = us(s), *p = u->peer;
	unsigned mask = 0;
	bool writable;

	poll_wait(pt, &u->wq);
	if (p) {
		/* The peer may go while we sleep: the wait holds it. */
		p->refs++;
		poll_wait_hold(pt, &p->wq, unref_obj, p);
	}
	if (u->err)
		mask |= POLLERR;
	if (u->shutdown == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (u->shutdown & RCV_SHUTDOWN)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (!list_empty(&u->rx) || !list_empty(&u->accq))
		mask |= POLLIN | POLLRDNORM;
	if (u->type != SOCK_DGRAM && u->state == SS_UNCONNECTED)
		mask |= POLLHUP;
	if (u->type == SOCK_DGRAM)
		writable = !(p && !p->dead && !dgram_room(u, p, 0));
	else
		writable = u->state != SS_LISTENING &&
			   !(p && !p->dead && p->rx_bytes >= limit_of(p));
	if (writable)
		mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return mask;
}

static long unix_getsockopt(struct socket *s, int level, int name, void *val, u32 *len)
{
	struct unix_sock *u = us(s);

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (name == SO_PEERCRED) {
		struct ucred_k c = { 0, (u32)-1, (u32)-1 };

		if (u->has_peercred)
			c = u->peercred;
		memcpy(val, &c, sizeof(c));
		*len = sizeof(c);
		return 0;
	}
	return -ENOPROTOOPT;
}

int unix_proc_net(char *buf, size_t len)
{
	struct unix_sock *u;
	size_t pos = 0;

	pos += (size_t)scnprintf(buf, len, "Num       RefCount Protocol Flags    Type St Inode Path\n");
	list_for_each_entry(u, &all_socks, all_node) {
		int st = u->state == SS_CONNECTED ? 3 : 1; /* SS_CONNECTED, SS_UNCONNECTED */
		u64 ino = u->sock && u->sock->file ? u->sock->file->inode->ino : 0;
		u32 k;

		if (u->dead)
			continue;
		if (pos + 256 > len)
			return (int)len; /* full: procfs retries with more room */
		pos += (size_t)scnprintf(buf + pos, len - pos, "0000000000000000: %08X %08X %08X %04X %02X %5llu",
					 (u32)u->refs, 0u, u->state == SS_LISTENING ? 1u << 16 : 0u,
					 (u32)u->type, (u32)st, (unsigned long long)ino);
		if (u->addrlen > 2) {
			buf[pos++] = ' ';
			if (u->path.dentry) {
				pos += (size_t)scnprintf(buf + pos, len - pos, "%s", (char *)u->addr + 2);
			} else { /* abstract: '@' for the leading and any other NUL */
				for (k = 2; k < u->addrlen && pos < len - 2; k++)
					buf[pos++] = u->addr[k] ? (char)u->addr[k] : '@';
			}
		}
		buf[pos++] = '\n';
	}
	buf[pos < len ? pos : len - 1] = 0;
	return (int)pos;
}

static const struct proto_ops unix_ops = {
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_connect,
	.listen = unix_listen,
	.accept = unix_accept,
	.getname = unix_getname,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.poll = unix_poll,
	.shutdown = unix_shutdown,
	.getsockopt = unix_getsockopt,
};
