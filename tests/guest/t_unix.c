/*
 * t_unix: AF_UNIX sockets.
 *  1. socketpair for SOCK_STREAM/SOCK_DGRAM/SOCK_SEQPACKET: SOCK_CLOEXEC and
 *     SOCK_NONBLOCK, read/write/readv/writev/send/recv/sendto/recvfrom/
 *     sendmsg/recvmsg, MSG_PEEK, MSG_DONTWAIT, MSG_TRUNC, MSG_WAITALL,
 *     message boundaries, EOF, EPIPE and SIGPIPE, shutdown, bad arguments.
 *  2. named stream sockets: bind (S_ISSOCK file), EADDRINUSE, listen,
 *     connect, accept/accept4, getsockname/getpeername, ECONNREFUSED and
 *     ENOENT, non-blocking accept, poll on a listener.
 *  3. abstract names and autobind.
 *  4. datagram sockets with addresses: sender addresses, connect, errors.
 *  5. SCM_RIGHTS: one and three fds, MSG_CTRUNC, MSG_CMSG_CLOEXEC.
 *  6. SCM_CREDENTIALS with SO_PASSCRED, and SO_PEERCRED.
 *  7. getsockopt/setsockopt.
 *  8. readiness through poll, select and epoll.
 *  9. a blocking recv interrupted by a signal, with and without SA_RESTART.
 * 10. /proc/net/unix; 11. what a hostile program tries (zero-length writes
 *     and peeks, a chain of sockets in flight, huge buffers, a sender
 *     blocked on an embryo, 108-byte names, edge-triggered epoll writers,
 *     a socket closed while polled).
 * Every blocking call is bounded: alarm(10) in the parent and in each child.
 */
#include "tg.h"

#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#define SUN_OFF ((socklen_t)offsetof(struct sockaddr_un, sun_path))
#define SA(a)	((struct sockaddr *)(a))

static const char *tname(int type)
{
	return type == SOCK_STREAM ? "stream" : type == SOCK_DGRAM ? "dgram" : "seqpacket";
}

/*
 * recv(fd, len, flags), or read() when flags < 0, into rb; the result as
 * "n [data]" or the errno name. At most one rx() per out() call.
 */
static char rb[64];
static const char *rx(int fd, size_t len, int flags)
{
	static char res[96];
	memset(rb, 0, sizeof rb);
	if (len >= sizeof rb)
		len = sizeof rb - 1;
	ssize_t n = flags < 0 ? read(fd, rb, len) : recv(fd, rb, len, flags);
	if (n < 0)
		return ename(errno);
	snprintf(res, sizeof res, "%zd [%s]", n, rb);
	return res;
}

/* A path address dir/name; returns the length including the NUL. */
static socklen_t mkpath(struct sockaddr_un *a, const char *dir, const char *name)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof a->sun_path, "%s/%s", dir, name);
	return SUN_OFF + (socklen_t)strlen(a->sun_path) + 1;
}

/* An abstract address "\0t_unix.<pid>.tag" (no trailing NUL). */
static socklen_t mkabs(struct sockaddr_un *a, const char *tag)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "t_unix.%d.%s", (int)getpid(), tag);
	return SUN_OFF + 1 + (socklen_t)strlen(a->sun_path + 1);
}

static int addr_eq(const struct sockaddr_un *a, int al, const struct sockaddr_un *b, socklen_t bl)
{
	return al == (int)bl && memcmp(a, b, bl) == 0;
}

/* getsockname (peer 0) or getpeername (peer 1) into a: the length or -1. */
static int name_of(int fd, int peer, struct sockaddr_un *a)
{
	socklen_t l = sizeof *a;
	memset(a, 0, sizeof *a);
	int r = peer ? getpeername(fd, SA(a), &l) : getsockname(fd, SA(a), &l);
	return r < 0 ? -1 : (int)l;
}

static int xsock(int type)
{
	int s = socket(AF_UNIX, type, 0);
	if (s < 0)
		die("socket");
	return s;
}

static void xpair(int type, int sv[2])
{
	if (socketpair(AF_UNIX, type, 0, sv) < 0)
		die("socketpair");
}

static void closep(int sv[2])
{
	close(sv[0]);
	close(sv[1]);
}

static const char *fdflags(int fd)
{
	static char buf[48];
	snprintf(buf, sizeof buf, "nonblock %s, cloexec %s", yesno(fcntl(fd, F_GETFL) & O_NONBLOCK),
		 yesno(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	return buf;
}

/* ---------------------------------------------------------------- 1 */

static void pair_io(int type)
{
	int sv[2];
	out("[%s]\n", tname(type));
	out("socketpair CLOEXEC|NONBLOCK: %s",
	    er(socketpair(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv)));
	out(", %s\n", fdflags(sv[0]));
	closep(sv);
	xpair(type, sv);
	struct stat st;
	fstat(sv[0], &st);
	out("plain: %s, S_ISSOCK %s\n", fdflags(sv[1]), yesno(S_ISSOCK(st.st_mode)));
	out("write a: %zd", write(sv[0], "ping", 4));
	out(", read b: %s\n", rx(sv[1], 63, -1));
	out("write b: %zd", write(sv[1], "pong", 4));
	out(", read a: %s\n", rx(sv[0], 63, -1));

	/* Boundaries: two sends, then reads with a large buffer. */
	send(sv[0], "abc", 3, 0);
	send(sv[0], "defg", 4, 0);
	out("two sends of 3 and 4: first recv %s", rx(sv[1], 63, 0));
	out(", second %s\n", rx(sv[1], 63, MSG_DONTWAIT));
	out("recv MSG_DONTWAIT on empty: %s\n", rx(sv[1], 63, MSG_DONTWAIT));
	send(sv[0], "peek", 4, 0);
	out("MSG_PEEK: %s", rx(sv[1], 63, MSG_PEEK));
	out(", then recv: %s\n", rx(sv[1], 63, 0));

	char b1[8] = {0}, b2[16] = {0};
	struct iovec wv[2] = {{"hel", 3}, {"lo!", 3}}, rv[2] = {{b1, 2}, {b2, 10}};
	out("writev: %zd", writev(sv[0], wv, 2));
	out(", readv: %zd [%s|%s]\n", readv(sv[1], rv, 2), b1, b2);

	out("sendto without address: %zd\n", sendto(sv[1], "to", 2, 0, NULL, 0));
	struct sockaddr_un from;
	socklen_t fl = sizeof from;
	ssize_t r = recvfrom(sv[0], b2, sizeof b2, 0, SA(&from), &fl);
	out("recvfrom: %zd, address length %d\n", r, (int)fl);

	struct iovec mv[3] = {{"s", 1}, {"end", 3}, {"msg", 3}};
	struct msghdr m = {.msg_iov = mv, .msg_iovlen = 3};
	out("sendmsg 3 iovecs: %zd\n", sendmsg(sv[0], &m, 0));
	memset(b2, 0, sizeof b2);
	struct iovec ri = {b2, sizeof b2 - 1};
	m = (struct msghdr){.msg_iov = &ri, .msg_iovlen = 1, .msg_flags = -1};
	r = recvmsg(sv[1], &m, 0);
	out("recvmsg: %zd [%s], msg_flags %d, controllen %d\n", r, b2, m.msg_flags,
	    (int)m.msg_controllen);

	if (type != SOCK_STREAM) {
		send(sv[0], "0123456789", 10, 0);
		out("recv 4 of 10 with MSG_TRUNC: %s\n", rx(sv[1], 4, MSG_TRUNC));
		send(sv[0], "0123456789", 10, 0);
		memset(b2, 0, sizeof b2);
		ri.iov_len = 4;
		m.msg_flags = 0;
		r = recvmsg(sv[1], &m, 0);
		out("recvmsg 4 of 10: %zd [%s], MSG_TRUNC %s", r, b2,
		    yesno(m.msg_flags & MSG_TRUNC));
		out(", rest discarded: %s\n", rx(sv[1], 63, MSG_DONTWAIT));
		out("zero-length message: send %zd", send(sv[0], "", 0, 0));
		out(", recv %s\n", rx(sv[1], 63, MSG_DONTWAIT));
	}

	/* Peer closed: EOF for connection-oriented types, EPIPE on write. */
	send(sv[1], "last", 4, 0);
	close(sv[1]);
	out("after peer close: read %s", rx(sv[0], 63, -1));
	out(", then %s\n", rx(sv[0], 63, type == SOCK_DGRAM ? MSG_DONTWAIT : -1));
	out("send to closed peer (MSG_NOSIGNAL): %s\n", er(send(sv[0], "x", 1, MSG_NOSIGNAL)));
	close(sv[0]);
}

static void test_pairs(void)
{
	int sv[2];
	pair_io(SOCK_STREAM);
	pair_io(SOCK_DGRAM);
	pair_io(SOCK_SEQPACKET);
	out("[errors]\n");
	out("socketpair AF_INET: %s\n", er(socketpair(AF_INET, SOCK_STREAM, 0, sv)));
	out("socketpair type 99: %s\n", er(socketpair(AF_UNIX, 99, 0, sv)));
	out("socket SOCK_RDM: %s\n", er(socket(AF_UNIX, SOCK_RDM, 0)));
	out("socket protocol 2: %s\n", er(socket(AF_UNIX, SOCK_STREAM, 2)));

	/* MSG_WAITALL collects several writes of a child. */
	xpair(SOCK_STREAM, sv);
	pid_t c = child();
	if (c == 0) {
		for (int i = 0; i < 3; i++) {
			msleep(10);
			write(sv[1], "abcd", 4);
		}
		_exit(0);
	}
	out("MSG_WAITALL 12 over 3 writes: %s", rx(sv[0], 12, MSG_WAITALL));
	out(", writer %s\n", wstr(wait_for(c)));
	closep(sv);

	out("[shutdown]\n");
	signal(SIGPIPE, SIG_IGN);
	xpair(SOCK_STREAM, sv);
	out("SHUT_WR: %s\n", er(shutdown(sv[0], SHUT_WR)));
	out("  write on shut side, SIGPIPE ignored: %s\n", er(write(sv[0], "x", 1)));
	out("  peer reads %s", rx(sv[1], 63, -1));
	out(", peer writes %zd", write(sv[1], "y", 1));
	out(", shut side reads %s\n", rx(sv[0], 63, -1));
	signal(SIGPIPE, on_sig);
	got_sig = 0;
	out("  send, SIGPIPE caught: %s", er(send(sv[0], "x", 1, 0)));
	out(", handler ran %d\n", (int)got_sig);
	got_sig = 0;
	out("  send MSG_NOSIGNAL: %s", er(send(sv[0], "x", 1, MSG_NOSIGNAL)));
	out(", handler ran %d\n", (int)got_sig);
	signal(SIGPIPE, SIG_IGN);
	closep(sv);

	xpair(SOCK_STREAM, sv);
	out("SHUT_RD: %s\n", er(shutdown(sv[0], SHUT_RD)));
	out("  read on shut side: %s\n", rx(sv[0], 63, -1));
	out("  peer send: %s\n", er(send(sv[1], "x", 1, MSG_NOSIGNAL)));
	out("  shut side writes %zd", write(sv[0], "z", 1));
	out(", peer reads %s\n", rx(sv[1], 63, -1));
	out("SHUT_RDWR on the peer: %s\n", er(shutdown(sv[1], SHUT_RDWR)));
	out("shutdown how=5: %s\n", er(shutdown(sv[0], 5)));
	closep(sv);
	int s = xsock(SOCK_STREAM);
	out("shutdown unconnected stream: %s\n", er(shutdown(s, SHUT_WR)));
	close(s);
	signal(SIGPIPE, SIG_DFL);
}

/* ---------------------------------------------------------------- 2 */

static void test_named(const char *dir)
{
	out("[named stream]\n");
	struct sockaddr_un la, a;
	socklen_t ll = mkpath(&la, dir, "listen"), ml;
	int al;
	int ls = xsock(SOCK_STREAM), s2 = xsock(SOCK_STREAM);
	out("bind: %s\n", er(bind(ls, SA(&la), ll)));
	struct stat st;
	out("stat: %s", er(stat(la.sun_path, &st)));
	out(", S_ISSOCK %s, mode %o\n", yesno(S_ISSOCK(st.st_mode)),
	    (unsigned)(st.st_mode & 07777));
	out("bind another socket to the same path: %s\n", er(bind(s2, SA(&la), ll)));
	ml = mkpath(&a, dir, "nodir/sock");
	out("bind in a missing directory: %s\n", er(bind(s2, SA(&a), ml)));
	close(s2);
	ml = mkpath(&a, dir, "other");
	out("bind the bound socket again: %s\n", er(bind(ls, SA(&a), ml)));
	al = name_of(ls, 0, &a);
	out("getsockname: %s", er(al));
	out(", same address %s, path equal %s\n", yesno(addr_eq(&a, al, &la, ll)),
	    yesno(!strcmp(a.sun_path, la.sun_path)));
	out("accept before listen: %s\n", er(accept(ls, NULL, NULL)));
	out("listen: %s\n", er(listen(ls, 5)));
	fcntl(ls, F_SETFL, O_NONBLOCK);
	out("non-blocking accept, empty queue: %s\n", er(accept(ls, NULL, NULL)));
	fcntl(ls, F_SETFL, 0);
	out("poll listener, nothing pending: %s\n", pmask(poll1(ls, POLLIN, 0)));

	pid_t c = child();
	if (c == 0) {
		int cs = xsock(SOCK_STREAM), bad = 0;
		if (connect(cs, SA(&la), ll) < 0)
			_exit(10);
		struct sockaddr_un p;
		socklen_t pl = sizeof p;
		if (getpeername(cs, SA(&p), &pl) < 0 || !addr_eq(&p, pl, &la, ll))
			bad |= 1;
		write(cs, "hello", 5);
		char b[8] = {0};
		if (read_all(cs, b, 5) != 5 || strcmp(b, "reply"))
			bad |= 2;
		_exit(bad);
	}
	out("poll listener, child connecting: %s\n", pmask(poll1(ls, POLLIN, 5000)));
	socklen_t pal = sizeof a;
	int as = accept(ls, SA(&a), &pal);
	out("accept: %s, peer address length %d\n", er(as), (int)pal);
	out("read from child: %s\n", rx(as, 5, MSG_WAITALL));
	write(as, "reply", 5);
	out("child (getpeername and reply checked): %s\n", wstr(wait_for(c)));
	al = name_of(as, 0, &a);
	out("accepted socket's name is the listener's: %s\n", yesno(addr_eq(&a, al, &la, ll)));
	out("peer gone: read %s\n", rx(as, 63, -1));
	close(as);

	int cs = xsock(SOCK_STREAM);
	out("connect in-process (no accept yet): %s\n", er(connect(cs, SA(&la), ll)));
	out("connect again: %s\n", er(connect(cs, SA(&la), ll)));
	as = accept4(ls, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	out("accept4 CLOEXEC|NONBLOCK: %s", er(as));
	out(", %s\n", fdflags(as));
	out("client getpeername: %s", er(name_of(cs, 1, &a)));
	out(", path equal %s\n", yesno(!strcmp(a.sun_path, la.sun_path)));
	out("client getsockname length: %d\n", name_of(cs, 0, &a));
	write(cs, "q", 1);
	out("accepted socket reads %s\n", rx(as, 63, -1));
	close(as);
	close(cs);

	close(ls);
	cs = xsock(SOCK_STREAM);
	out("connect after the listener closed (file kept): %s\n", er(connect(cs, SA(&la), ll)));
	ml = mkpath(&a, dir, "missing");
	out("connect to a missing path: %s\n", er(connect(cs, SA(&a), ml)));
	ml = mkpath(&a, dir, "regular");
	write_file(a.sun_path, "x", 0644);
	out("connect to a regular file: %s\n", er(connect(cs, SA(&a), ml)));
	close(cs);
	s2 = xsock(SOCK_DGRAM);
	out("listen on a dgram socket: %s\n", er(listen(s2, 1)));
	close(s2);
	out("unlink the socket file: %s\n", er(unlink(la.sun_path)));
}

/* ---------------------------------------------------------------- 3 */

static void test_abstract(void)
{
	out("[abstract]\n");
	struct sockaddr_un aa, a, nb;
	socklen_t alen = mkabs(&aa, "abs"), nlen = mkabs(&nb, "nobody");
	int ls = xsock(SOCK_STREAM), s2 = xsock(SOCK_STREAM);
	out("bind: %s\n", er(bind(ls, SA(&aa), alen)));
	int l = name_of(ls, 0, &a);
	out("getsockname: %s", er(l));
	out(", same length %s, same bytes %s\n", yesno(l == (int)alen),
	    yesno(addr_eq(&a, l, &aa, alen)));
	out("second bind to the name: %s\n", er(bind(s2, SA(&aa), alen)));
	/* A trailing NUL byte makes a different abstract name. */
	out("bind name + NUL byte: %s\n", er(bind(s2, SA(&aa), alen + 1)));
	close(s2);
	listen(ls, 2);
	int cs = xsock(SOCK_STREAM);
	out("connect: %s\n", er(connect(cs, SA(&aa), alen)));
	int as = accept(ls, NULL, NULL);
	out("accept: %s\n", er(as));
	write(cs, "abstract", 8);
	out("data: %s\n", rx(as, 63, -1));
	l = name_of(cs, 1, &a);
	out("client getpeername same as bound name: %s\n", yesno(addr_eq(&a, l, &aa, alen)));
	close(cs);
	close(as);
	cs = xsock(SOCK_STREAM);
	out("connect to an unbound abstract name: %s\n", er(connect(cs, SA(&nb), nlen)));
	close(cs);
	close(ls);
	s2 = xsock(SOCK_STREAM);
	out("bind after the owner closed: %s\n", er(bind(s2, SA(&aa), alen)));
	close(s2);

	/* Autobind: an address of just the family. */
	s2 = xsock(SOCK_DGRAM);
	struct sockaddr_un fam = {.sun_family = AF_UNIX};
	out("autobind: %s", er(bind(s2, SA(&fam), sizeof(sa_family_t))));
	l = name_of(s2, 0, &a);
	out(", name length %d, abstract %s\n", l, yesno(l > (int)SUN_OFF && a.sun_path[0] == 0));
	close(s2);
}

/* ---------------------------------------------------------------- 4 */

static void test_dgram(const char *dir)
{
	out("[dgram addresses]\n");
	struct sockaddr_un ra, sa, from, a, x;
	socklen_t rl = mkpath(&ra, dir, "recv"), sl = mkpath(&sa, dir, "send"), fl = sizeof from,
		  xl;
	char buf[32] = {0};
	int r = xsock(SOCK_DGRAM), u = xsock(SOCK_DGRAM), b = xsock(SOCK_DGRAM);
	out("bind receiver: %s\n", er(bind(r, SA(&ra), rl)));
	out("sendto from an unbound socket: %zd\n", sendto(u, "anon", 4, 0, SA(&ra), rl));
	ssize_t n = recvfrom(r, buf, sizeof buf - 1, 0, SA(&from), &fl);
	out("recvfrom: %zd [%s], sender address length %d\n", n, buf, (int)fl);
	bind(b, SA(&sa), sl);
	out("sendto from a bound socket: %zd\n", sendto(b, "named", 5, 0, SA(&ra), rl));
	fl = sizeof from;
	memset(buf, 0, sizeof buf);
	n = recvfrom(r, buf, sizeof buf - 1, 0, SA(&from), &fl);
	out("recvfrom: %zd [%s], sender length right %s, path equal %s\n", n, buf, yesno(fl == sl),
	    yesno(!strcmp(from.sun_path, sa.sun_path)));
	out("send on unconnected: %s\n", er(send(u, "x", 1, 0)));
	out("getpeername unconnected: %s\n", er(name_of(u, 1, &a)));
	out("connect to receiver: %s\n", er(connect(b, SA(&ra), rl)));
	out("send: %zd", send(b, "conn", 4, 0));
	out(", recv: %s\n", rx(r, 63, 0));
	name_of(b, 1, &a);
	out("getpeername is the receiver: %s\n", yesno(!strcmp(a.sun_path, ra.sun_path)));
	out("sendto a socket connected elsewhere: %s\n", er(sendto(u, "x", 1, 0, SA(&sa), sl)));

	xl = mkpath(&x, dir, "nobody");
	out("sendto a missing path: %s\n", er(sendto(u, "x", 1, 0, SA(&x), xl)));
	xl = mkpath(&x, dir, "stale");
	int st = xsock(SOCK_DGRAM);
	bind(st, SA(&x), xl);
	close(st);
	out("sendto a socket file nobody is bound to: %s\n", er(sendto(u, "x", 1, 0, SA(&x), xl)));
	xl = mkpath(&x, dir, "strm");
	st = xsock(SOCK_STREAM);
	bind(st, SA(&x), xl);
	listen(st, 1);
	out("connect dgram to a stream listener: %s\n", er(connect(u, SA(&x), xl)));
	close(st);
	close(u);
	close(b);
	close(r);
}

/* ---------------------------------------------------------------- 5 */

/* sendmsg of data with one SOL_SOCKET control message of len bytes. */
static ssize_t send_cm(int s, const char *data, int type, const void *p, size_t len)
{
	char ctl[CMSG_SPACE(64)] __attribute__((aligned(8))) = {0};
	struct iovec iov = {(void *)data, strlen(data)};
	struct msghdr m = {NULL, 0, &iov, 1, ctl, CMSG_SPACE(len), 0};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), p, len);
	return sendmsg(s, &m, 0);
}

/*
 * recvmsg with ctllen bytes of control room; copies the payload of the
 * first SOL_SOCKET message of this type to p. Returns the payload length
 * (0 if there was none, -1 on error); *mflags gets msg_flags.
 */
static int recv_cm(int s, size_t ctllen, int rflags, int type, void *p, int *mflags)
{
	char ctl[CMSG_SPACE(64)] __attribute__((aligned(8))), data[16];
	struct iovec iov = {data, sizeof data};
	struct msghdr m = {NULL, 0, &iov, 1, ctllen ? ctl : NULL, ctllen, 0};
	if (recvmsg(s, &m, rflags) < 0)
		return -1;
	if (mflags)
		*mflags = m.msg_flags;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == type) {
			size_t len = c->cmsg_len - CMSG_LEN(0);
			memcpy(p, CMSG_DATA(c), len);
			return (int)len;
		}
	return 0;
}

/* Receives SCM_RIGHTS; returns the number of fds. */
static int recv_fds(int s, int *fds, size_t ctllen, int rflags, int *mflags)
{
	int n = recv_cm(s, ctllen, rflags, SCM_RIGHTS, fds, mflags);
	return n < 0 ? -1 : n / (int)sizeof(int);
}

static void test_rights(void)
{
	out("[SCM_RIGHTS]\n");
	const size_t room = CMSG_SPACE(sizeof(int) * 8);
	int sv[2], p[2], fds[16], fl = 0;
	xpair(SOCK_STREAM, sv);
	if (pipe(p) < 0)
		die("pipe");
	out("send a pipe read end: %zd\n", send_cm(sv[0], "F", SCM_RIGHTS, &p[0], sizeof(int)));
	close(p[0]);
	int n = recv_fds(sv[1], fds, room, 0, &fl);
	out("received %d fd(s), MSG_CTRUNC %s\n", n, yesno(fl & MSG_CTRUNC));
	if (n == 1) {
		write(p[1], "through pipe", 12);
		out("read through the received fd: %s", rx(fds[0], 63, -1));
		out(", %s\n", fdflags(fds[0]));
		close(fds[0]);
	}
	close(p[1]);

	int pp[3][2], rd[3];
	for (int i = 0; i < 3; i++) {
		if (pipe(pp[i]) < 0)
			die("pipe");
		rd[i] = pp[i][0];
	}
	out("send three fds: %zd\n", send_cm(sv[0], "3", SCM_RIGHTS, rd, sizeof rd));
	n = recv_fds(sv[1], fds, room, 0, &fl);
	int okc = n == 3;
	for (int i = 0; okc && i < 3; i++) {
		char w = (char)('A' + i), g = 0;
		write(pp[i][1], &w, 1);
		okc = read(fds[i], &g, 1) == 1 && g == w;
	}
	out("received %d fd(s), each is the right pipe %s\n", n, yesno(okc));
	for (int i = 0; i < n; i++)
		close(fds[i]);

	send_cm(sv[0], "t", SCM_RIGHTS, rd, sizeof rd);
	n = recv_fds(sv[1], fds, CMSG_SPACE(sizeof(int)), 0, &fl);
	out("control room for one fd: received %d, MSG_CTRUNC %s\n", n, yesno(fl & MSG_CTRUNC));
	for (int i = 0; i < n; i++)
		close(fds[i]);
	send_cm(sv[0], "z", SCM_RIGHTS, rd, 2 * sizeof(int));
	n = recv_fds(sv[1], fds, 0, 0, &fl);
	out("no control buffer: received %d, MSG_CTRUNC %s\n", n, yesno(fl & MSG_CTRUNC));

	send_cm(sv[0], "c", SCM_RIGHTS, rd, sizeof(int));
	n = recv_fds(sv[1], fds, room, MSG_CMSG_CLOEXEC, &fl);
	out("MSG_CMSG_CLOEXEC: received %d, cloexec %s\n", n,
	    yesno(n == 1 && (fcntl(fds[0], F_GETFD) & FD_CLOEXEC)));
	if (n > 0)
		close(fds[0]);
	for (int i = 0; i < 3; i++)
		closep(pp[i]);
	int bad = 999;
	out("send a closed fd: %s\n", er(send_cm(sv[0], "b", SCM_RIGHTS, &bad, sizeof bad)));
	closep(sv);

	/* Over a datagram pair, passing a socket. */
	int dv[2], inner[2];
	xpair(SOCK_DGRAM, dv);
	xpair(SOCK_STREAM, inner);
	out("dgram: send a socket: %zd\n", send_cm(dv[0], "s", SCM_RIGHTS, &inner[1], sizeof(int)));
	close(inner[1]);
	n = recv_fds(dv[1], fds, room, 0, &fl);
	if (n == 1) {
		write(fds[0], "via socket", 10);
		close(fds[0]);
	}
	out("received %d, data through it: %s\n", n, rx(inner[0], 63, MSG_DONTWAIT));
	close(inner[0]);
	closep(dv);
}

/* ---------------------------------------------------------------- 6 */

static const char *credstr(const struct ucred *uc, pid_t pid)
{
	static char buf[64];
	snprintf(buf, sizeof buf, "pid %s, uid %s, gid %s", yesno(uc->pid == pid),
		 yesno(uc->uid == getuid()), yesno(uc->gid == getgid()));
	return buf;
}

static void test_creds(void)
{
	out("[credentials]\n");
	int sv[2], one = 1;
	struct ucred uc = {0};
	xpair(SOCK_DGRAM, sv);
	send(sv[1], "n", 1, 0);
	out("without SO_PASSCRED: credentials present %s\n",
	    yesno(recv_cm(sv[0], sizeof uc + 64, 0, SCM_CREDENTIALS, &uc, NULL) > 0));
	out("set SO_PASSCRED: %s\n",
	    er(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof one)));
	pid_t c = child();
	if (c == 0) {
		send(sv[1], "c", 1, 0);
		_exit(0);
	}
	wait_for(c);
	int r = recv_cm(sv[0], CMSG_SPACE(sizeof uc), 0, SCM_CREDENTIALS, &uc, NULL);
	out("from a child: length right %s, %s (of the child)\n", yesno(r == sizeof uc),
	    credstr(&uc, c));
	struct ucred mine = {getpid(), getuid(), getgid()};
	out("sendmsg with explicit SCM_CREDENTIALS: %s\n",
	    er(send_cm(sv[1], "e", SCM_CREDENTIALS, &mine, sizeof mine)));
	memset(&uc, 0, sizeof uc);
	r = recv_cm(sv[0], CMSG_SPACE(sizeof uc), 0, SCM_CREDENTIALS, &uc, NULL);
	out("received: length right %s, %s\n", yesno(r == sizeof uc), credstr(&uc, getpid()));
	closep(sv);

	/* SO_PEERCRED on a socketpair and across a connection. */
	xpair(SOCK_STREAM, sv);
	socklen_t l = sizeof uc;
	memset(&uc, 0, sizeof uc);
	out("socketpair SO_PEERCRED: %s", er(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &l)));
	out(", length right %s, %s\n", yesno(l == sizeof uc), credstr(&uc, getpid()));
	closep(sv);

	struct sockaddr_un aa;
	socklen_t al = mkabs(&aa, "cred");
	int ls = xsock(SOCK_STREAM);
	if (bind(ls, SA(&aa), al) < 0 || listen(ls, 1) < 0)
		die("bind/listen");
	pid_t parent = getpid();
	c = child();
	if (c == 0) {
		int cs = xsock(SOCK_STREAM);
		if (connect(cs, SA(&aa), al) < 0)
			_exit(10);
		struct ucred pc;
		socklen_t pl = sizeof pc;
		char ok = getsockopt(cs, SOL_SOCKET, SO_PEERCRED, &pc, &pl) == 0 &&
			  pc.pid == parent && pc.uid == getuid() && pc.gid == getgid();
		write(cs, &ok, 1);
		read(cs, &ok, 1); /* stay alive until the parent closes */
		_exit(0);
	}
	int as = accept(ls, NULL, NULL);
	l = sizeof uc;
	memset(&uc, 0, sizeof uc);
	out("accepted SO_PEERCRED: %s", er(getsockopt(as, SOL_SOCKET, SO_PEERCRED, &uc, &l)));
	out(", %s (of the child)\n", credstr(&uc, c));
	char ok = 0;
	read(as, &ok, 1);
	out("client's SO_PEERCRED is the listener's process: %s\n", yesno(ok == 1));
	close(as);
	out("child: %s\n", wstr(wait_for(c)));
	close(ls);
}

/* ---------------------------------------------------------------- 7 */

/* An int SOL_SOCKET option, or -1 with errno set. */
static int gv(int s, int opt)
{
	int v = -12345;
	socklen_t l = sizeof v;
	return getsockopt(s, SOL_SOCKET, opt, &v, &l) < 0 ? -1 : v;
}

static void test_sockopt(void)
{
	out("[sockopt]\n");
	static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
	int v, sv[2], p[2], set;
	for (int i = 0; i < 3; i++) {
		int s = xsock(types[i]);
		out("%s: SO_TYPE %d, SO_DOMAIN is AF_UNIX %s, SO_PROTOCOL %d, SO_ACCEPTCONN %d, "
		    "SO_ERROR %d\n",
		    tname(types[i]), gv(s, SO_TYPE), yesno(gv(s, SO_DOMAIN) == AF_UNIX),
		    gv(s, SO_PROTOCOL), gv(s, SO_ACCEPTCONN), gv(s, SO_ERROR));
		close(s);
	}
	int s = xsock(SOCK_STREAM);
	out("listen on an unbound socket: %s\n", er(listen(s, 1)));
	struct sockaddr_un fam = {.sun_family = AF_UNIX};
	bind(s, SA(&fam), sizeof(sa_family_t));
	out("listen after autobind: %s", er(listen(s, 1)));
	out(", SO_ACCEPTCONN %d\n", gv(s, SO_ACCEPTCONN));
	close(s);

	xpair(SOCK_STREAM, sv);
	out("SO_SNDBUF positive: %s", yesno(gv(sv[0], SO_SNDBUF) > 0));
	out(", SO_RCVBUF positive: %s\n", yesno(gv(sv[0], SO_RCVBUF) > 0));
	out("SO_PASSCRED %d", gv(sv[0], SO_PASSCRED));
	for (set = 1; set >= 0; set--) {
		setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &set, sizeof set);
		out(" -> %d", gv(sv[0], SO_PASSCRED));
	}
	struct timeval tv = {0, 30000};
	out("\nSO_RCVTIMEO 30ms: %s",
	    er(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv)));
	out(", recv on empty: %s\n", rx(sv[0], 1, 0));
	set = 1;
	out("setsockopt level 9999: %s\n", er(setsockopt(sv[0], 9999, 1, &set, sizeof set)));
	socklen_t sl = sizeof v;
	out("getsockopt level 9999: %s\n", er(getsockopt(sv[0], 9999, 1, &v, &sl)));
	out("getsockopt SOL_SOCKET option 9999: %s\n", er(gv(sv[0], 9999)));
	out("setsockopt SO_PASSCRED short optlen: %s\n",
	    er(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &set, 1)));
	closep(sv);
	if (pipe(p) < 0)
		die("pipe");
	out("getsockopt on a pipe: %s\n", er(gv(p[0], SO_TYPE)));
	closep(p);
}

/* ---------------------------------------------------------------- 8 */

static const char *ewait(int ep)
{
	struct epoll_event ev;
	int n = epoll_wait(ep, &ev, 1, 0);
	return n < 0 ? ename(errno) : n == 0 ? "no event" : pmask((int)ev.events);
}

static void test_ready(void)
{
	out("[readiness]\n");
	const int ev = POLLIN | POLLOUT | POLLRDHUP;
	int sv[2];
	char b[8];
	xpair(SOCK_STREAM, sv);
	out("stream fresh: %s\n", pmask(poll1(sv[0], ev, 0)));
	write(sv[1], "x", 1);
	out("data queued: %s\n", pmask(poll1(sv[0], ev, 0)));
	shutdown(sv[1], SHUT_WR);
	out("peer SHUT_WR, data still queued: %s\n", pmask(poll1(sv[0], ev, 0)));
	read(sv[0], b, 1);
	out("peer SHUT_WR, drained: %s\n", pmask(poll1(sv[0], ev, 0)));
	close(sv[1]);
	out("peer closed: %s\n", pmask(poll1(sv[0], ev, 0)));
	close(sv[0]);
	xpair(SOCK_STREAM, sv);
	shutdown(sv[0], SHUT_RDWR);
	out("own SHUT_RDWR: %s\n", pmask(poll1(sv[0], ev, 0)));
	closep(sv);
	xpair(SOCK_DGRAM, sv);
	out("dgram fresh: %s", pmask(poll1(sv[0], ev, 0)));
	write(sv[1], "x", 1);
	out(", data queued: %s\n", pmask(poll1(sv[0], ev, 0)));
	closep(sv);
	xpair(SOCK_SEQPACKET, sv);
	close(sv[1]);
	out("seqpacket peer closed: %s\n", pmask(poll1(sv[0], ev, 0)));
	close(sv[0]);

	xpair(SOCK_STREAM, sv);
	pid_t c = child();
	if (c == 0) {
		msleep(20);
		write(sv[1], "w", 1);
		_exit(0);
	}
	out("poll woken by a child's write: %s\n", pmask(poll1(sv[0], POLLIN, 5000)));
	wait_for(c);
	read(sv[0], b, 1);

	fd_set rs, ws;
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_SET(sv[0], &rs);
	FD_SET(sv[0], &ws);
	struct timeval tv = {0, 0};
	int r = select(sv[0] + 1, &rs, &ws, NULL, &tv);
	out("select empty: %d, readable %s, writable %s\n", r, yesno(FD_ISSET(sv[0], &rs)),
	    yesno(FD_ISSET(sv[0], &ws)));
	write(sv[1], "s", 1);
	FD_ZERO(&rs);
	FD_SET(sv[0], &rs);
	r = select(sv[0] + 1, &rs, NULL, NULL, &tv);
	out("select with data: %d, readable %s\n", r, yesno(FD_ISSET(sv[0], &rs)));
	read(sv[0], b, 1);

	/* epoll: level triggered, then the peer goes away with data unread. */
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event e = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = sv[0]};
	out("epoll_ctl add: %s\n", er(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &e)));
	out("epoll empty: %s", ewait(ep));
	write(sv[1], "e", 1);
	out(", data: %s", ewait(ep));
	out(", again (level): %s\n", ewait(ep));
	e.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
	epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &e);
	close(sv[1]);
	out("epoll peer closed: %s\n", ewait(ep));
	close(ep);
	close(sv[0]);
}

/* ---------------------------------------------------------------- 9 */

static void test_restart(void)
{
	out("[signals]\n");
	struct sigaction sa = {.sa_handler = on_sig, .sa_flags = SA_RESTART};
	sigaction(SIGUSR1, &sa, NULL);
	int sv[2];
	char b;
	pid_t parent = getpid();
	xpair(SOCK_STREAM, sv);
	got_sig = 0;
	pid_t c = child();
	if (c == 0) {
		msleep(30);
		kill(parent, SIGUSR1);
		msleep(30);
		write(sv[1], "late", 4);
		_exit(0);
	}
	out("SA_RESTART: recv %s", rx(sv[0], 4, 0));
	out(", handler ran %s\n", yesno(got_sig > 0));
	wait_for(c);
	closep(sv);

	/* Without SA_RESTART; the child signals until the parent acknowledges. */
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	xpair(SOCK_STREAM, sv);
	got_sig = 0;
	c = child();
	if (c == 0) {
		for (int i = 0; i < 400; i++) {
			kill(parent, SIGUSR1);
			if (poll1(sv[1], POLLIN, 20) & POLLIN)
				break;
		}
		read(sv[1], &b, 1);
		write(sv[1], "data", 4);
		_exit(0);
	}
	out("no SA_RESTART: recv %s", rx(sv[0], 4, 0));
	out(", handler ran %s\n", yesno(got_sig > 0));
	write(sv[0], "k", 1);
	const char *res;
	while (!strcmp(res = rx(sv[0], 4, MSG_WAITALL), "EINTR"))
		;
	out("then: %s\n", res);
	wait_for(c);
	closep(sv);
	signal(SIGUSR1, SIG_DFL);
}

/*
 * /proc/net/unix (what netstat -x reads): a listening socket bound to our
 * path is listed with the listening flag, type 1 and state 1; a connected
 * one with state 3.
 */
static void test_proc_net(const char *dir)
{
	out("[/proc/net/unix]\n");
	struct sockaddr_un la;
	socklen_t ll = mkpath(&la, dir, "netstat");
	int ls = xsock(SOCK_STREAM), sv[2];
	char line[512], want[300];
	FILE *f;
	int listed = 0, header = 0, connected = 0;

	bind(ls, SA(&la), ll);
	listen(ls, 1);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	snprintf(want, sizeof want, " %s\n", la.sun_path);
	f = fopen("/proc/net/unix", "r");
	if (!f) {
		out("open: %s\n", ename(errno));
		close(ls);
		closep(sv);
		return;
	}
	while (fgets(line, sizeof line, f)) {
		unsigned refs, proto, flags, type, st;
		char *colon = strchr(line, ':');

		if (!strncmp(line, "Num       RefCount Protocol Flags    Type St Inode Path", 55))
			header = 1;
		if (!colon || sscanf(colon + 1, "%x %x %x %x %x", &refs, &proto, &flags, &type, &st) != 5)
			continue;
		size_t n = strlen(line), w = strlen(want);
		if (n >= w && !strcmp(line + n - w, want) && flags == 0x10000 && type == 1 && st == 1)
			listed = 1;
		if (type == 1 && st == 3 && proto == 0)
			connected = 1;
	}
	fclose(f);
	out("header: %s, listener listed: %s, a connected stream listed: %s\n", yesno(header),
	    yesno(listed), yesno(connected));
	close(ls);
	closep(sv);
}


/* ---------------------------------------------------------------- 11 */

/* Sends fds over s with SCM_RIGHTS and one data byte. */
static int send_fds2(int s, int a, int b)
{
	char c = 'x';
	struct iovec iov = {&c, 1};
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof u.buf};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
	memcpy(CMSG_DATA(cm), (int[]){a, b}, 2 * sizeof(int));
	return (int)sendmsg(s, &mh, 0);
}

static int poll_fd;
static void *poll_thread(void *arg)
{
	(void)arg;
	struct pollfd p = {poll_fd, POLLIN, 0};
	return (void *)(long)poll(&p, 1, 300);
}

/* What a hostile program does must not hurt the kernel, and Linux's
 * answers stay the reference. */
static void test_hostile(const char *dir)
{
	out("[hostile]\n");
	int sv[2], i;
	char buf[256];

	/* A zero-length stream write queues nothing: a peek finds nothing
	 * and a timed peek times out instead of spinning. */
	xpair(SOCK_STREAM, sv);
	out("write 0 bytes: %zd", write(sv[0], "", 0));
	out(", peek %s", er(recv(sv[1], buf, 1, MSG_PEEK | MSG_DONTWAIT)));
	struct timeval tv = {0, 100000};
	setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	out(", timed peek %s\n", er(recv(sv[1], buf, 1, MSG_PEEK)));
	closep(sv);

	/* A datagram socketpair is limited by bytes, not by a count of
	 * eleven; poll agrees with send. */
	xpair(SOCK_DGRAM, sv);
	int sent = 0;
	for (i = 0; i < 40; i++)
		sent += send(sv[0], "0123456789", 10, MSG_DONTWAIT) == 10;
	out("socketpair dgram: 40 sends of 10 bytes, %d queued, poll %s\n", sent,
	    pmask(poll1(sv[0], POLLOUT, 0)));
	closep(sv);

	/* A chain of sockets, each in flight inside the next, freed at once. */
	int prev[2] = {-1, -1}, ok = 1;
	for (i = 0; i < 300 && ok; i++) {
		int p[2];
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, p) < 0) {
			ok = 0;
			break;
		}
		if (prev[0] >= 0) {
			ok = send_fds2(p[0], prev[0], prev[1]) == 1;
			closep(prev);
		}
		prev[0] = p[0];
		prev[1] = p[1];
	}
	closep(prev);
	out("a chain of 300 socketpairs in flight, closed: %s\n", ok ? "ok" : ename(errno));

	/* Buffer sizes are capped for an unprivileged request. */
	int s = xsock(SOCK_STREAM), big = 1 << 30, v = 0;
	socklen_t l = sizeof v;
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &l);
	out("SO_RCVBUF 1 GiB: capped far below %s\n", yesno(v > 0 && v < (1 << 28)));
	close(s);

	/* A sender blocked on a connection nobody accepted wakes up when
	 * the listener goes. */
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s/embryo", dir);
	int ls = xsock(SOCK_STREAM), c = xsock(SOCK_STREAM);
	if (bind(ls, SA(&a), sizeof a) < 0 || listen(ls, 4) < 0 || connect(c, SA(&a), sizeof a) < 0)
		die("embryo setup");
	fcntl(c, F_SETFL, O_NONBLOCK);
	memset(buf, 'e', sizeof buf);
	while (write(c, buf, sizeof buf) > 0)
		;
	pid_t pid = child();
	if (pid == 0) {
		close(ls); /* only the parent's copy keeps the listener */
		fcntl(c, F_SETFL, 0);
		ssize_t r = write(c, buf, sizeof buf);
		_exit(r < 0 && errno == ECONNRESET ? 3 : r < 0 ? 1 : 2);
	}
	msleep(100);
	close(ls);
	int st = wait_for(pid);
	out("blocked sender, listener closed: %s (exit 3: ECONNRESET)\n", wstr(st));
	close(c);
	unlink(a.sun_path);

	/* A name of the full 108 bytes. */
	char path[sizeof a.sun_path];
	int n = snprintf(path, sizeof path, "%s/", dir);
	memset(path + n, 'n', sizeof path - (size_t)n);
	memcpy(a.sun_path, path, sizeof a.sun_path);
	s = xsock(SOCK_STREAM);
	out("bind a 108-byte name: %s", er(bind(s, SA(&a), sizeof a)));
	out(", listen %s", er(listen(s, 1)));
	c = xsock(SOCK_STREAM);
	out(", connect %s\n", er(connect(c, SA(&a), sizeof a)));
	close(c);
	close(s);
	char p0[sizeof a.sun_path + 1];
	memcpy(p0, path, sizeof path);
	p0[sizeof path] = 0;
	unlink(p0);

	/* Edge-triggered epoll tells a writer again once the reader drains. */
	xpair(SOCK_STREAM, sv);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	while (write(sv[0], buf, sizeof buf) > 0)
		;
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLOUT | EPOLLET};
	epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
	int before = epoll_wait(ep, &ev, 1, 0);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	while (read(sv[1], buf, sizeof buf) > 0)
		;
	out("epoll ET on a full socket: %d event(s), after the reader drains: %d\n", before,
	    epoll_wait(ep, &ev, 1, 1000));
	close(ep);
	closep(sv);

	/* accept with no descriptor left fails without losing the connection. */
	{
		struct sockaddr_un la = {.sun_family = AF_UNIX};
		snprintf(la.sun_path, sizeof la.sun_path, "%s/emfile", dir);
		int l2 = xsock(SOCK_STREAM), c2 = xsock(SOCK_STREAM);
		if (bind(l2, SA(&la), sizeof la) < 0 || listen(l2, 4) < 0 ||
		    connect(c2, SA(&la), sizeof la) < 0 || write(c2, "kept", 4) != 4)
			die("emfile setup");
		struct rlimit old, low;
		getrlimit(RLIMIT_NOFILE, &old);
		int hi = dup(0);
		close(hi);
		low.rlim_cur = (rlim_t)hi;
		low.rlim_max = old.rlim_max;
		setrlimit(RLIMIT_NOFILE, &low);
		out("accept at the descriptor limit: %s", er(accept(l2, NULL, NULL)));
		setrlimit(RLIMIT_NOFILE, &old);
		int a2 = accept(l2, NULL, NULL);
		out(", then %s", a2 >= 0 ? "ok" : ename(errno));
		out(", the connection reads %s\n", a2 >= 0 ? (read(a2, buf, 4) == 4 && !memcmp(buf, "kept", 4) ? "kept" : "lost") : "-");
		close(a2);
		close(c2);
		close(l2);
		unlink(la.sun_path);
	}

	/* A socket closed while another thread polls it. */
	poll_fd = xsock(SOCK_DGRAM);
	struct sockaddr_un pa = {.sun_family = AF_UNIX};
	snprintf(pa.sun_path, sizeof pa.sun_path, "%s/polled", dir);
	bind(poll_fd, SA(&pa), sizeof pa);
	pthread_t th;
	pthread_create(&th, NULL, poll_thread, NULL);
	msleep(50);
	close(poll_fd);
	s = xsock(SOCK_DGRAM);
	for (i = 0; i < 20; i++)
		sendto(s, buf, 200, MSG_DONTWAIT, SA(&pa), sizeof pa);
	void *pr;
	pthread_join(th, &pr);
	out("poll while another thread closes the socket: returned %ld\n", (long)pr);
	close(s);
	unlink(pa.sun_path);
}

int main(void)
{
	tg_init();
	alarm(20);
	test_pairs();
	const char *dir = mk_tmpdir("t_unix");
	test_named(dir);
	test_abstract();
	test_dgram(dir);
	test_rights();
	test_creds();
	test_sockopt();
	test_ready();
	test_restart();
	test_proc_net(dir);
	test_hostile(dir);
	tg_cleanup();
	tg_exit();
}
