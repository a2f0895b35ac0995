/*
 * t_inet: AF_INET over loopback.
 *  1. UDP: bind and getsockname, sendto/recvfrom and the sender's address,
 *     autobind on the first sendto, message boundaries, MSG_PEEK,
 *     MSG_TRUNC, zero-length datagrams, FIONREAD, connect (filtering,
 *     ECONNREFUSED from ICMP port unreachable, AF_UNSPEC disconnect), bind
 *     errors and SO_REUSEADDR, INADDR_ANY, the largest datagram, readiness.
 *  2. TCP: listen/connect/accept/accept4 from a child and in-process,
 *     names on both ends, data both ways, a 4 MiB transfer, MSG_PEEK,
 *     MSG_WAITALL, shutdown and EOF, ECONNREFUSED, non-blocking connect,
 *     EPIPE with SIGPIPE, RST on close with unread data, EISCONN, bind
 *     conflicts and TIME_WAIT with SO_REUSEADDR, socket options, FIONREAD
 *     and SIOCOUTQ, poll/epoll readiness, EINTR and SA_RESTART.
 *  3. interfaces: SIOCGIFCONF, SIOCGIFFLAGS/ADDR/NETMASK/MTU/INDEX/NAME/
 *     HWADDR on lo, if_nametoindex.
 *  4. /proc/net/dev, tcp, udp and route.
 * Inside ./linux the test is init and lo is still down: lo_up() brings it
 * up first (natively it is up already and nothing is done). Ports are
 * always chosen by the kernel and only ever printed as relations.
 * Every blocking call is bounded: alarm(10) in the parent and in each child.
 */
#include "tg.h"

#include <arpa/inet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#define SA(a) ((struct sockaddr *)(a))

/*
 * recv(fd, len, flags), or read() when flags < 0, into rb; the result as
 * "n [data]" or the errno name. rxw() first waits up to 5 s for POLLIN
 * (loopback delivery may lag the send). At most one rx() per out() call.
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

static const char *rxw(int fd, size_t len, int flags)
{
	poll1(fd, POLLIN, 5000);
	return rx(fd, len, flags);
}

static struct sockaddr_in sin4(const char *ip, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

/* getsockname (peer 0) or getpeername (peer 1) into a: the length or -1. */
static int name_of(int fd, int peer, struct sockaddr_in *a)
{
	socklen_t l = sizeof *a;
	memset(a, 0, sizeof *a);
	int r = peer ? getpeername(fd, SA(a), &l) : getsockname(fd, SA(a), &l);
	return r < 0 ? -1 : (int)l;
}

static int same(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_family == b->sin_family && a->sin_addr.s_addr == b->sin_addr.s_addr &&
	       a->sin_port == b->sin_port;
}

/* "127.0.0.1, port>0 yes" for a socket's own or peer address. */
static const char *addrstr(int fd, int peer)
{
	static char buf[64];
	struct sockaddr_in a;
	if (name_of(fd, peer, &a) < 0)
		return ename(errno);
	snprintf(buf, sizeof buf, "%s%s, port>0 %s", a.sin_family == AF_INET ? "" : "family? ",
		 inet_ntoa(a.sin_addr), yesno(a.sin_port != 0));
	return buf;
}

static int xsock(int type)
{
	int s = socket(AF_INET, type, 0);
	if (s < 0)
		die("socket");
	return s;
}

static void reuse(int s)
{
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
}

/* A socket bound to ip:0 (SO_REUSEADDR if re); *a gets its address. */
static int bound(int type, const char *ip, int re, struct sockaddr_in *a)
{
	int s = xsock(type);
	if (re)
		reuse(s);
	*a = sin4(ip, 0);
	if (bind(s, SA(a), sizeof *a) < 0 || name_of(s, 0, a) < 0)
		die("bind %s", ip);
	return s;
}

static int listener(int re, struct sockaddr_in *a)
{
	int s = bound(SOCK_STREAM, "127.0.0.1", re, a);
	if (listen(s, 8) < 0)
		die("listen");
	return s;
}

static int connected(const struct sockaddr_in *a)
{
	int s = xsock(SOCK_STREAM);
	if (connect(s, SA(a), sizeof *a) < 0)
		die("connect");
	return s;
}

/* An int option, or -1 with errno set. */
static int gv(int s, int level, int opt)
{
	int v = -12345;
	socklen_t l = sizeof v;
	return getsockopt(s, level, opt, &v, &l) < 0 ? -1 : v;
}

static int sv(int s, int level, int opt, int v)
{
	return setsockopt(s, level, opt, &v, sizeof v);
}

static int ioc(int s, unsigned long req)
{
	int v = -1;
	return ioctl(s, req, &v) < 0 ? -1 : v;
}

static const char *fdflags(int fd)
{
	static char buf[48];
	snprintf(buf, sizeof buf, "nonblock %s, cloexec %s", yesno(fcntl(fd, F_GETFL) & O_NONBLOCK),
		 yesno(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	return buf;
}

/* In the guest lo starts down; Linux adds 127.0.0.1/8 when it goes up. */
static void lo_up(void)
{
	struct ifreq ifr = {0};
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket AF_INET");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		die("SIOCGIFFLAGS lo");
	if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			die("SIOCSIFFLAGS lo");
	}
	close(s);
}

/* ---------------------------------------------------------------- 1 */

static void udp_basic(void)
{
	out("[udp]\n");
	struct sockaddr_in ra = sin4("127.0.0.1", 0), a, from, sa;
	socklen_t fl;
	char buf[32] = {0};
	int r = xsock(SOCK_DGRAM);
	out("SO_TYPE %d, SO_PROTOCOL %d, SO_DOMAIN is AF_INET %s, SO_ERROR %d\n",
	    gv(r, SOL_SOCKET, SO_TYPE), gv(r, SOL_SOCKET, SO_PROTOCOL),
	    yesno(gv(r, SOL_SOCKET, SO_DOMAIN) == AF_INET), gv(r, SOL_SOCKET, SO_ERROR));
	out("bind 127.0.0.1:0: %s\n", er(bind(r, SA(&ra), sizeof ra)));
	int l = name_of(r, 0, &ra);
	out("getsockname: length %d, family AF_INET %s, addr %s, port>0 %s\n", l,
	    yesno(ra.sin_family == AF_INET), inet_ntoa(ra.sin_addr), yesno(ra.sin_port != 0));
	out("bind the bound socket again: %s\n", er(bind(r, SA(&ra), sizeof ra)));
	out("poll fresh: %s\n", pmask(poll1(r, POLLIN | POLLOUT, 0)));
	out("recv MSG_DONTWAIT on empty: %s\n", rx(r, 63, MSG_DONTWAIT));

	/* A sender bound to 127.0.0.1: recvfrom reports exactly its name. */
	int s = bound(SOCK_DGRAM, "127.0.0.1", 0, &sa);
	out("sendto from a bound socket: %zd\n", sendto(s, "hello", 5, 0, SA(&ra), sizeof ra));
	poll1(r, POLLIN, 5000);
	out("poll with data queued: %s\n", pmask(poll1(r, POLLIN | POLLOUT, 0)));
	fl = sizeof from;
	memset(&from, 0, sizeof from);
	ssize_t n = recvfrom(r, buf, sizeof buf - 1, 0, SA(&from), &fl);
	out("recvfrom: %zd [%s], address length %d, sender's name %s\n", n, buf, (int)fl,
	    yesno(same(&from, &sa)));
	close(s);

	/* Unbound: the first sendto binds INADDR_ANY and an ephemeral port. */
	s = xsock(SOCK_DGRAM);
	name_of(s, 0, &a);
	out("unbound: getsockname %s:%d", inet_ntoa(a.sin_addr), ntohs(a.sin_port));
	out(", getpeername %s\n", er(name_of(s, 1, &a)));
	out("sendto from the unbound socket: %zd", sendto(s, "anon", 4, 0, SA(&ra), sizeof ra));
	out(", now bound to %s\n", addrstr(s, 0));
	name_of(s, 0, &sa);
	fl = sizeof from;
	memset(buf, 0, sizeof buf);
	n = recvfrom(r, buf, sizeof buf - 1, 0, SA(&from), &fl);
	out("recvfrom: %zd [%s], from %s, same port %s\n", n, buf, inet_ntoa(from.sin_addr),
	    yesno(from.sin_port == sa.sin_port));
	out("sendto port 0: %s\n", er(sendto(s, "x", 1, 0, SA(&a), sizeof a)));

	/* Message boundaries, MSG_PEEK, MSG_TRUNC, empty datagrams. */
	sendto(s, "abc", 3, 0, SA(&ra), sizeof ra);
	sendto(s, "defg", 4, 0, SA(&ra), sizeof ra);
	out("two sends of 3 and 4: first recv %s", rx(r, 63, 0));
	out(", second %s\n", rx(r, 63, 0));
	sendto(s, "peek", 4, 0, SA(&ra), sizeof ra);
	out("MSG_PEEK: %s", rx(r, 63, MSG_PEEK));
	out(", then recv: %s\n", rx(r, 63, 0));
	sendto(s, "0123456789", 10, 0, SA(&ra), sizeof ra);
	out("recv 4 of 10: %s", rx(r, 4, 0));
	out(", rest discarded: %s\n", rx(r, 63, MSG_DONTWAIT));
	sendto(s, "0123456789", 10, 0, SA(&ra), sizeof ra);
	out("recv 4 of 10 with MSG_TRUNC: %s\n", rx(r, 4, MSG_TRUNC));
	sendto(s, "0123456789", 10, 0, SA(&ra), sizeof ra);
	memset(buf, 0, sizeof buf);
	struct iovec iov = {buf, 4};
	struct msghdr m = {
		.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
	n = recvmsg(r, &m, 0);
	out("recvmsg 4 of 10: %zd [%s], MSG_TRUNC %s, namelen %d\n", n, buf,
	    yesno(m.msg_flags & MSG_TRUNC), (int)m.msg_namelen);
	out("zero-length datagram: sendto %zd", sendto(s, "", 0, 0, SA(&ra), sizeof ra));
	out(", poll %s", pmask(poll1(r, POLLIN, 5000)));
	out(", FIONREAD %d", ioc(r, FIONREAD));
	out(", recv %s\n", rx(r, 63, 0));

	/* FIONREAD (SIOCINQ) is the size of the next datagram only. */
	sendto(s, "seven..", 7, 0, SA(&ra), sizeof ra);
	poll1(r, POLLIN, 5000);
	out("FIONREAD with a 7-byte datagram: %d", ioc(r, FIONREAD));
	sendto(s, "333", 3, 0, SA(&ra), sizeof ra);
	out(", after another of 3: %d", ioc(r, SIOCINQ));
	rx(r, 63, 0);
	poll1(r, POLLIN, 5000);
	out(", after one recv: %d", ioc(r, FIONREAD));
	rx(r, 63, 0);
	out(", empty: %d\n", ioc(r, FIONREAD));
	close(s);
	close(r);
}

static void udp_connect(void)
{
	out("[udp connect]\n");
	struct sockaddr_in ra, sa, oa, a;
	int r = bound(SOCK_DGRAM, "127.0.0.1", 0, &ra);
	int s = bound(SOCK_DGRAM, "127.0.0.1", 0, &sa);
	int o = bound(SOCK_DGRAM, "127.0.0.1", 0, &oa);
	out("connect: %s", er(connect(r, SA(&sa), sizeof sa)));
	out(", getpeername %s", er(name_of(r, 1, &a)));
	out(", is the peer %s\n", yesno(same(&a, &sa)));
	out("send without address: %zd", send(r, "to peer", 7, 0));
	out(", peer reads %s\n", rxw(s, 63, 0));
	/* A connected socket drops datagrams from anyone but its peer. */
	sendto(o, "stray", 5, 0, SA(&ra), sizeof ra);
	sendto(s, "marker", 6, 0, SA(&ra), sizeof ra);
	out("datagrams from a third socket and the peer: recv %s", rx(r, 63, 0));
	msleep(20);
	out(", then %s\n", rx(r, 63, MSG_DONTWAIT));
	out("sendto another address while connected: %zd",
	    sendto(r, "o", 1, 0, SA(&oa), sizeof oa));
	out(", it reads %s\n", rxw(o, 63, 0));
	struct sockaddr_in un = {.sin_family = AF_UNSPEC};
	out("connect AF_UNSPEC: %s", er(connect(r, SA(&un), sizeof un)));
	out(", getpeername %s", er(name_of(r, 1, &a)));
	out(", send %s", er(send(r, "x", 1, 0)));
	out(", still bound to %s\n", addrstr(r, 0));
	close(o);

	/*
	 * Port unreachable: 127.0.0.2:P where P is held on 127.0.0.1 only, so
	 * no other program can take it. A connected socket gets ECONNREFUSED
	 * (once) from the ICMP error; an unconnected one never sees it.
	 */
	struct sockaddr_in dead = ra;
	inet_pton(AF_INET, "127.0.0.2", &dead.sin_addr);
	int c = xsock(SOCK_DGRAM);
	out("connect to 127.0.0.2 (nobody bound): %s", er(connect(c, SA(&dead), sizeof dead)));
	out(", bound to %s\n", addrstr(c, 0));
	out("send: %zd", send(c, "x", 1, 0));
	out(", poll %s", pmask(poll1(c, POLLIN, 5000)));
	out(", recv %s", rx(c, 63, 0));
	out(", again %s\n", rx(c, 63, MSG_DONTWAIT));
	out("send: %zd", send(c, "x", 1, 0));
	out(", poll %s", pmask(poll1(c, POLLIN, 5000)));
	out(", SO_ERROR %s", ename(gv(c, SOL_SOCKET, SO_ERROR)));
	out(", again %s\n", ename(gv(c, SOL_SOCKET, SO_ERROR)));
	out("send: %zd", send(c, "x", 1, 0));
	poll1(c, POLLIN, 5000);
	out(", next send %s", er(send(c, "x", 1, 0)));
	out(", poll %s\n", pmask(poll1(c, POLLIN | POLLOUT, 0)));
	/* Disconnecting also drops the address and port that connect chose. */
	out("connect AF_UNSPEC: %s", er(connect(c, SA(&un), sizeof un)));
	out(", getsockname %s\n", addrstr(c, 0));
	close(c);
	c = xsock(SOCK_DGRAM);
	out("unconnected sendto there: %zd", sendto(c, "x", 1, 0, SA(&dead), sizeof dead));
	out(", poll 100ms %s", pmask(poll1(c, POLLIN, 100)));
	out(", SO_ERROR %d\n", gv(c, SOL_SOCKET, SO_ERROR));
	close(c);
	close(s);
	close(r);
}

static char big[70000];

static void udp_bind(void)
{
	out("[udp bind]\n");
	struct sockaddr_in ra, a, b;
	int r = bound(SOCK_DGRAM, "127.0.0.1", 0, &ra), s = xsock(SOCK_DGRAM);
	out("bind the same address: %s\n", er(bind(s, SA(&ra), sizeof ra)));
	a = ra;
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	out("bind INADDR_ANY, same port: %s\n", er(bind(s, SA(&a), sizeof a)));
	a = sin4("10.99.99.99", 0);
	out("bind 10.99.99.99: %s\n", er(bind(s, SA(&a), sizeof a)));
	a = sin4("127.0.0.1", 0);
	out("bind with addrlen 8: %s\n", er(bind(s, SA(&a), 8)));
	a.sin_family = AF_UNIX;
	out("bind with sin_family AF_UNIX: %s\n", er(bind(s, SA(&a), sizeof a)));
	/* AF_UNSPEC is accepted as AF_INET, but only with INADDR_ANY. */
	a.sin_family = AF_UNSPEC;
	out("bind AF_UNSPEC 127.0.0.1: %s", er(bind(s, SA(&a), sizeof a)));
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	out(", AF_UNSPEC INADDR_ANY: %s", er(bind(s, SA(&a), sizeof a)));
	out(", bound to %s\n", addrstr(s, 0));
	close(s);
	close(r);

	int s1 = bound(SOCK_DGRAM, "127.0.0.1", 1, &a), s2 = xsock(SOCK_DGRAM);
	reuse(s2);
	out("SO_REUSEADDR on both, same address: %s\n", er(bind(s2, SA(&a), sizeof a)));
	close(s1);
	close(s2);

	/* INADDR_ANY receives on every address of 127.0.0.0/8. */
	r = bound(SOCK_DGRAM, "0.0.0.0", 0, &ra);
	s = bound(SOCK_DGRAM, "127.0.0.1", 0, &b);
	out("bound to %s\n", addrstr(r, 0));
	a = ra;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sendto(s, "one", 3, 0, SA(&a), sizeof a);
	inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
	sendto(s, "two", 3, 0, SA(&a), sizeof a);
	char got[2][8] = {{0}};
	for (int i = 0; i < 2; i++)
		recv(r, got[i], 7, 0);
	out("received the datagrams to 127.0.0.1 and 127.0.0.2: %s\n",
	    yesno((!strcmp(got[0], "one") && !strcmp(got[1], "two")) ||
		  (!strcmp(got[0], "two") && !strcmp(got[1], "one"))));

	/* 65535 - 20 (IP) - 8 (UDP) = 65507 is the largest payload. */
	memset(big, 'u', sizeof big);
	out("sendto 65507 bytes: %zd", sendto(s, big, 65507, 0, SA(&ra), sizeof ra));
	out(", recv %zd", recv(r, big, sizeof big, 0));
	out(", sendto 65508: %s\n", er(sendto(s, big, 65508, 0, SA(&ra), sizeof ra)));
	close(s);
	close(r);
}

/* ---------------------------------------------------------------- 2 */

static void tcp_basic(void)
{
	out("[tcp]\n");
	struct sockaddr_in la = sin4("127.0.0.1", 0), a, b;
	int ls = xsock(SOCK_STREAM);
	out("SO_TYPE %d, SO_PROTOCOL %d, SO_ACCEPTCONN %d, SO_ERROR %d\n",
	    gv(ls, SOL_SOCKET, SO_TYPE), gv(ls, SOL_SOCKET, SO_PROTOCOL),
	    gv(ls, SOL_SOCKET, SO_ACCEPTCONN), gv(ls, SOL_SOCKET, SO_ERROR));
	out("unbound: getsockname %s", addrstr(ls, 0));
	out(", getpeername %s", er(name_of(ls, 1, &a)));
	out(", recv %s", rx(ls, 63, MSG_DONTWAIT));
	/* Linux: EPIPE (and SIGPIPE without MSG_NOSIGNAL), not ENOTCONN. */
	out(", send %s\n", er(send(ls, "x", 1, MSG_NOSIGNAL)));
	out("bind 127.0.0.1:0: %s", er(bind(ls, SA(&la), sizeof la)));
	name_of(ls, 0, &la);
	out(", %s\n", addrstr(ls, 0));
	out("accept before listen: %s\n", er(accept(ls, NULL, NULL)));
	out("listen: %s", er(listen(ls, 8)));
	out(", SO_ACCEPTCONN %d", gv(ls, SOL_SOCKET, SO_ACCEPTCONN));
	out(", FIONREAD %s\n", er(ioc(ls, FIONREAD)));
	fcntl(ls, F_SETFL, O_NONBLOCK);
	out("non-blocking accept, nothing pending: %s\n", er(accept(ls, NULL, NULL)));
	fcntl(ls, F_SETFL, 0);
	out("poll listener, nothing pending: %s\n", pmask(poll1(ls, POLLIN, 0)));

	pid_t c = child();
	if (c == 0) {
		int cs = xsock(SOCK_STREAM), bad = 0;
		if (connect(cs, SA(&la), sizeof la) < 0)
			_exit(10);
		if (name_of(cs, 1, &a) < 0 || !same(&a, &la))
			bad |= 1;
		write(cs, "hello", 5);
		char buf[8] = {0};
		if (read_all(cs, buf, 5) != 5 || strcmp(buf, "reply"))
			bad |= 2;
		_exit(bad);
	}
	out("poll listener, child connecting: %s\n", pmask(poll1(ls, POLLIN, 5000)));
	socklen_t al = sizeof a;
	int as = accept(ls, SA(&a), &al);
	out("accept: %s, peer address length %d", er(as), (int)al);
	out(", %s\n", addrstr(as, 1));
	out("read from the child: %s\n", rx(as, 5, MSG_WAITALL));
	write(as, "reply", 5);
	out("child (getpeername and reply checked): %s\n", wstr(wait_for(c)));
	out("read after the child exited: %s\n", rx(as, 63, 0));
	close(as);

	int cs = xsock(SOCK_STREAM);
	out("connect in-process: %s", er(connect(cs, SA(&la), sizeof la)));
	out(", again: %s\n", er(connect(cs, SA(&la), sizeof la)));
	as = accept4(ls, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	out("accept4 CLOEXEC|NONBLOCK: %s", er(as));
	out(", %s\n", fdflags(as));
	out("client: name %s", addrstr(cs, 0));
	out(", peer %s\n", addrstr(cs, 1));
	name_of(cs, 0, &a);
	name_of(as, 1, &b);
	out("client name = accepted peer: %s", yesno(same(&a, &b)));
	name_of(cs, 1, &a);
	name_of(as, 0, &b);
	out(", client peer = accepted name = listener: %s\n", yesno(same(&a, &b) && same(&a, &la)));
	out("empty non-blocking recv: %s\n", rx(as, 63, 0));
	write(cs, "ping", 4);
	out("client -> accepted: %s", rxw(as, 63, 0));
	write(as, "pong", 4);
	out(", accepted -> client: %s\n", rx(cs, 63, 0));
	write(cs, "peek", 4);
	out("MSG_PEEK: %s", rxw(as, 63, MSG_PEEK));
	out(", then recv: %s\n", rx(as, 63, 0));

	fcntl(as, F_SETFL, 0);
	c = child();
	if (c == 0) {
		for (int i = 0; i < 3; i++) {
			msleep(10);
			write(cs, "abcd", 4);
		}
		_exit(0);
	}
	out("MSG_WAITALL 12 over 3 writes: %s", rx(as, 12, MSG_WAITALL));
	out(", writer %s\n", wstr(wait_for(c)));

	signal(SIGPIPE, SIG_IGN);
	out("client SHUT_WR: %s", er(shutdown(cs, SHUT_WR)));
	out(", client write: %s\n", er(write(cs, "x", 1)));
	out("accepted reads: %s", rx(as, 63, 0));
	out(", writes %zd", write(as, "back", 4));
	out(", client reads: %s\n", rx(cs, 63, 0));
	close(as);
	out("after the accepted socket closed, client reads: %s\n", rx(cs, 63, 0));
	signal(SIGPIPE, SIG_DFL);
	close(cs);
	close(ls);
}

/* The byte stream of the 4 MiB transfer and the chunk sizes, from an LCG. */
#define BULK (4 << 20)
static uint32_t lcg(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 8;
}

static void tcp_bulk(void)
{
	out("[tcp bulk]\n");
	static unsigned char buf[70000];
	struct sockaddr_in la;
	int ls = listener(0, &la);
	pid_t c = child();
	if (c == 0) {
		int s = connected(&la);
		uint32_t x = 1, y = 7;
		size_t done = 0;
		while (done < BULK) {
			size_t n = 1 + lcg(&y) % sizeof buf;
			if (n > BULK - done)
				n = BULK - done;
			for (size_t i = 0; i < n; i++)
				buf[i] = (unsigned char)lcg(&x);
			if (write_all(s, buf, n) != (ssize_t)n)
				_exit(1);
			done += n;
		}
		_exit(0);
	}
	int as = accept(ls, NULL, NULL);
	uint32_t x = 1, y = 99;
	uint64_t want = 1469598103934665603ull, got = want;
	size_t total = 0;
	for (size_t i = 0; i < BULK; i++)
		want = (want ^ (unsigned char)lcg(&x)) * 1099511628211ull;
	for (;;) {
		ssize_t n = read(as, buf, 1 + lcg(&y) % sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			got = (got ^ buf[i]) * 1099511628211ull;
		total += (size_t)n;
	}
	check(total == BULK && got == want, "4 MiB from a child in random chunks, checksum");
	out("writer %s\n", wstr(wait_for(c)));
	close(as);
	close(ls);
}

static void tcp_errors(void)
{
	out("[tcp errors]\n");
	struct sockaddr_in la, dead, a;
	/* A bound socket that does not listen: SYNs to it get a RST. */
	int hold = bound(SOCK_STREAM, "127.0.0.1", 0, &dead);
	int s = xsock(SOCK_STREAM);
	out("connect to a port without a listener: %s", er(connect(s, SA(&dead), sizeof dead)));
	out(", SO_ERROR %d\n", gv(s, SOL_SOCKET, SO_ERROR));
	close(s);
	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	out("non-blocking: %s", er(connect(s, SA(&dead), sizeof dead)));
	out(", poll %s", pmask(poll1(s, POLLIN | POLLOUT | POLLRDHUP, 5000)));
	out(", SO_ERROR %s", ename(gv(s, SOL_SOCKET, SO_ERROR)));
	out(", again %s\n", ename(gv(s, SOL_SOCKET, SO_ERROR)));
	close(s);

	int ls = listener(1, &la);
	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int r = connect(s, SA(&la), sizeof la);
	out("non-blocking connect to a listener: EINPROGRESS or 0 %s",
	    yesno(r == 0 || errno == EINPROGRESS));
	out(", poll %s", pmask(poll1(s, POLLOUT, 5000)));
	out(", SO_ERROR %d", gv(s, SOL_SOCKET, SO_ERROR));
	/* The first connect after completion reports success, then EISCONN. */
	out(", connect again %s", er(connect(s, SA(&la), sizeof la)));
	out(", and again %s\n", er(connect(s, SA(&la), sizeof la)));
	int as = accept(ls, NULL, NULL);
	close(as);
	close(s);

	s = xsock(SOCK_STREAM);
	reuse(s);
	out("bind the port of a listener: %s", er(bind(s, SA(&la), sizeof la)));
	a = la;
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	out(", INADDR_ANY with that port: %s\n", er(bind(s, SA(&a), sizeof a)));
	a = sin4("10.99.99.99", 0);
	out("bind 10.99.99.99: %s", er(bind(s, SA(&a), sizeof a)));
	a = sin4("127.0.0.2", 0);
	out(", bind 127.0.0.2: %s", er(bind(s, SA(&a), sizeof a)));
	out(", %s\n", addrstr(s, 0));
	close(s);
	s = xsock(SOCK_STREAM);
	out("listen unbound: %s", er(listen(s, 1)));
	out(", autobound to %s\n", addrstr(s, 0));
	close(s);

	/* Writing to a peer that closed: the RST it answers with gives EPIPE. */
	struct sigaction sa = {.sa_handler = on_sig};
	sigaction(SIGPIPE, &sa, NULL);
	s = connected(&la);
	as = accept(ls, NULL, NULL);
	close(as);
	out("peer closed: poll %s", pmask(poll1(s, POLLRDHUP, 5000)));
	out(", read %s", rx(s, 63, 0));
	got_sig = 0;
	out(", first write %s", er(write(s, "x", 1)));
	for (int i = 0; i < 500 && (r = (int)write(s, "x", 1)) > 0; i++)
		msleep(10);
	out(", later %s, SIGPIPE caught %s\n", er(r), yesno(got_sig > 0));
	close(s);
	signal(SIGPIPE, SIG_DFL);

	/* Closing with unread data resets the connection. */
	s = connected(&la);
	as = accept(ls, NULL, NULL);
	write(s, "unread", 6);
	poll1(as, POLLIN, 5000);
	close(as);
	poll1(s, POLLIN, 5000);
	out("peer closed with unread data: poll %s",
	    pmask(poll1(s, POLLIN | POLLOUT | POLLRDHUP, 0)));
	out(", read %s", rx(s, 63, 0));
	out(", again %s\n", rx(s, 63, 0));
	close(s);
	close(ls);
	close(hold);
}

/* Whether /proc/net/<proto> lists local 127.0.0.1:port in state st. */
static int proc_lists(const char *proto, int port, unsigned st)
{
	char path[64], line[512];
	snprintf(path, sizeof path, "/proc/net/%s", proto);
	FILE *f = fopen(path, "r");
	int found = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		unsigned la, lp, ra, rp, s;
		if (sscanf(line, " %*d: %8X:%4X %8X:%4X %2X", &la, &lp, &ra, &rp, &s) == 5 &&
		    la == 0x0100007F && (int)lp == port && s == st)
			found = 1;
	}
	fclose(f);
	return found;
}

static void tcp_timewait(void)
{
	out("[tcp TIME_WAIT]\n");
	struct sockaddr_in la;
	int ls = listener(1, &la), port = ntohs(la.sin_port);
	int cs = connected(&la), as = accept(ls, NULL, NULL);
	close(ls);
	close(as);
	out("server closed first: client poll %s", pmask(poll1(cs, POLLRDHUP, 5000)));
	out(", read %s\n", rx(cs, 63, 0));
	close(cs);
	int tw = 0;
	for (int i = 0; i < 200 && !(tw = proc_lists("tcp", port, 6)); i++)
		msleep(10);
	out("the server side is in TIME_WAIT (/proc/net/tcp state 06): %s\n", yesno(tw));
	int s = xsock(SOCK_STREAM);
	out("bind its port without SO_REUSEADDR: %s\n", er(bind(s, SA(&la), sizeof la)));
	reuse(s);
	out("with SO_REUSEADDR: %s", er(bind(s, SA(&la), sizeof la)));
	out(", listen %s\n", er(listen(s, 1)));
	close(s);
}

static void tcp_options(void)
{
	out("[tcp options]\n");
	struct sockaddr_in la;
	int ls = listener(0, &la), s = xsock(SOCK_STREAM);
	out("TCP_NODELAY %d", gv(s, IPPROTO_TCP, TCP_NODELAY));
	sv(s, IPPROTO_TCP, TCP_NODELAY, 1);
	out(" -> %d", gv(s, IPPROTO_TCP, TCP_NODELAY));
	out(", SO_KEEPALIVE %d", gv(s, SOL_SOCKET, SO_KEEPALIVE));
	sv(s, SOL_SOCKET, SO_KEEPALIVE, 1);
	out(" -> %d", gv(s, SOL_SOCKET, SO_KEEPALIVE));
	out(", SO_REUSEADDR %d", gv(s, SOL_SOCKET, SO_REUSEADDR));
	sv(s, SOL_SOCKET, SO_REUSEADDR, 1);
	out(" -> %d\n", gv(s, SOL_SOCKET, SO_REUSEADDR));
	/* The kernel doubles the value (bookkeeping overhead). */
	int rcv = gv(s, SOL_SOCKET, SO_RCVBUF), snd = gv(s, SOL_SOCKET, SO_SNDBUF);
	out("SO_RCVBUF set 4096: %s", er(sv(s, SOL_SOCKET, SO_RCVBUF, 4096)));
	out(", reads %d", gv(s, SOL_SOCKET, SO_RCVBUF));
	sv(s, SOL_SOCKET, SO_RCVBUF, 200000);
	out(", set 200000: grew beyond the default %s\n",
	    yesno(gv(s, SOL_SOCKET, SO_RCVBUF) > rcv));
	out("SO_SNDBUF set 4096: %s", er(sv(s, SOL_SOCKET, SO_SNDBUF, 4096)));
	out(", reads %d", gv(s, SOL_SOCKET, SO_SNDBUF));
	sv(s, SOL_SOCKET, SO_SNDBUF, 200000);
	out(", set 200000: grew beyond the default %s\n",
	    yesno(gv(s, SOL_SOCKET, SO_SNDBUF) > snd));
	out("IP_TTL %d", gv(s, IPPROTO_IP, IP_TTL));
	out(", set 10 %s", er(sv(s, IPPROTO_IP, IP_TTL, 10)));
	out(" -> %d", gv(s, IPPROTO_IP, IP_TTL));
	out(", set 0 %s", er(sv(s, IPPROTO_IP, IP_TTL, 0)));
	out(", set 256 %s", er(sv(s, IPPROTO_IP, IP_TTL, 256)));
	sv(s, IPPROTO_IP, IP_TTL, -1);
	out(", set -1 -> %d\n", gv(s, IPPROTO_IP, IP_TTL));
	if (connect(s, SA(&la), sizeof la) < 0)
		die("connect");
	int as = accept(ls, NULL, NULL);
	out("connected: TCP_MAXSEG>0 %s, SO_ERROR %d, SO_ACCEPTCONN %d\n",
	    yesno(gv(s, IPPROTO_TCP, TCP_MAXSEG) > 0), gv(s, SOL_SOCKET, SO_ERROR),
	    gv(as, SOL_SOCKET, SO_ACCEPTCONN));
	out("accepted socket: TCP_NODELAY %d, SO_KEEPALIVE %d\n", gv(as, IPPROTO_TCP, TCP_NODELAY),
	    gv(as, SOL_SOCKET, SO_KEEPALIVE));

	/* FIONREAD counts queued bytes; SIOCOUTQ the unacknowledged ones. */
	memset(big, 'q', 100);
	out("FIONREAD empty %d", ioc(as, FIONREAD));
	out(", send 100: %zd", send(s, big, 100, 0));
	poll1(as, POLLIN, 5000);
	out(", FIONREAD %d", ioc(as, FIONREAD));
	int oq = -1;
	for (int i = 0; i < 300 && (oq = ioc(s, SIOCOUTQ)) != 0; i++)
		msleep(10);
	out(", sender SIOCOUTQ reaches 0: %s", yesno(oq == 0));
	recv(as, big, 60, 0);
	out(", after reading 60: %d\n", ioc(as, SIOCINQ));
	close(as);
	close(s);
	close(ls);
}

static void tcp_ready(void)
{
	out("[tcp readiness]\n");
	const int ev = POLLIN | POLLOUT | POLLRDHUP;
	struct sockaddr_in la;
	char b[8];
	int ls = listener(0, &la), cs = connected(&la), as = accept(ls, NULL, NULL);
	out("fresh: %s\n", pmask(poll1(as, ev, 0)));
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event e = {.events = EPOLLIN | EPOLLRDHUP}, got;
	out("epoll_ctl add: %s", er(epoll_ctl(ep, EPOLL_CTL_ADD, as, &e)));
	int n = epoll_wait(ep, &got, 1, 0);
	out(", empty: %d", n);
	write(cs, "e", 1);
	n = epoll_wait(ep, &got, 1, 5000);
	out(", data: %d %s", n, pmask((int)got.events));
	n = epoll_wait(ep, &got, 1, 0);
	out(", again (level): %d %s\n", n, pmask((int)got.events));
	out("poll with data: %s\n", pmask(poll1(as, ev, 0)));
	shutdown(cs, SHUT_WR);
	poll1(as, POLLRDHUP, 5000);
	out("peer SHUT_WR, data still queued: %s\n", pmask(poll1(as, ev, 0)));
	read(as, b, 1);
	out("drained: %s", pmask(poll1(as, ev, 0)));
	out(", read %s", rx(as, 63, 0));
	n = epoll_wait(ep, &got, 1, 0);
	out(", epoll %d %s\n", n, pmask((int)got.events));
	out("other direction still works: write %zd", write(as, "w", 1));
	out(", peer reads %s\n", rx(cs, 63, 0));
	close(ep);
	close(as);
	close(cs);
	close(ls);
}

static void tcp_signals(void)
{
	out("[tcp signals]\n");
	struct sockaddr_in la;
	struct sigaction sa = {.sa_handler = on_sig, .sa_flags = SA_RESTART};
	sigaction(SIGUSR1, &sa, NULL);
	int ls = listener(0, &la), cs = connected(&la), as = accept(ls, NULL, NULL);
	char b;
	pid_t parent = getpid();
	got_sig = 0;
	pid_t c = child();
	if (c == 0) {
		msleep(30);
		kill(parent, SIGUSR1);
		msleep(30);
		write(cs, "late", 4);
		_exit(0);
	}
	out("SA_RESTART: recv %s", rx(as, 4, MSG_WAITALL));
	out(", handler ran %s\n", yesno(got_sig > 0));
	wait_for(c);

	/* Without SA_RESTART; the child signals until the parent acknowledges. */
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	got_sig = 0;
	c = child();
	if (c == 0) {
		for (int i = 0; i < 400; i++) {
			kill(parent, SIGUSR1);
			if (poll1(cs, POLLIN, 20) & POLLIN)
				break;
		}
		read(cs, &b, 1);
		write(cs, "data", 4);
		_exit(0);
	}
	out("no SA_RESTART: recv %s", rx(as, 4, 0));
	out(", handler ran %s\n", yesno(got_sig > 0));
	write(as, "k", 1);
	const char *res;
	while (!strcmp(res = rx(as, 4, MSG_WAITALL), "EINTR"))
		;
	out("then: %s\n", res);
	wait_for(c);
	signal(SIGUSR1, SIG_DFL);
	close(as);
	close(cs);
	close(ls);
}

/* ---------------------------------------------------------------- 3 */

static const char *ipstr(const struct sockaddr *a)
{
	return inet_ntoa(((const struct sockaddr_in *)a)->sin_addr);
}

static void test_ifaces(void)
{
	out("[interfaces]\n");
	int s = xsock(SOCK_DGRAM);
	struct ifreq rq[32], ifr;
	struct ifconf ifc = {.ifc_len = sizeof rq, .ifc_req = rq};
	int lo = 0;
	out("SIOCGIFCONF: %s", er(ioctl(s, SIOCGIFCONF, &ifc)));
	for (int i = 0; i < ifc.ifc_len / (int)sizeof rq[0]; i++)
		if (!strcmp(rq[i].ifr_name, "lo") && rq[i].ifr_addr.sa_family == AF_INET &&
		    !strcmp(ipstr(&rq[i].ifr_addr), "127.0.0.1"))
			lo = 1;
	out(", lo with 127.0.0.1 listed %s\n", yesno(lo));
	ifc = (struct ifconf){.ifc_len = 0, .ifc_req = NULL};
	out("SIOCGIFCONF with no buffer: %s", er(ioctl(s, SIOCGIFCONF, &ifc)));
	out(", length a multiple of ifreq and >0 %s\n",
	    yesno(ifc.ifc_len > 0 && ifc.ifc_len % (int)sizeof(struct ifreq) == 0));

	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	const int want = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
	out("SIOCGIFFLAGS: %s", er(ioctl(s, SIOCGIFFLAGS, &ifr)));
	out(", UP|LOOPBACK|RUNNING %s\n", yesno((ifr.ifr_flags & want) == want));
	out("SIOCGIFADDR: %s", er(ioctl(s, SIOCGIFADDR, &ifr)));
	out(", %s\n", ipstr(&ifr.ifr_addr));
	out("SIOCGIFNETMASK: %s", er(ioctl(s, SIOCGIFNETMASK, &ifr)));
	out(", %s\n", ipstr(&ifr.ifr_netmask));
	out("SIOCGIFMTU: %s", er(ioctl(s, SIOCGIFMTU, &ifr)));
	out(", %d\n", ifr.ifr_mtu);
	out("SIOCGIFHWADDR: %s", er(ioctl(s, SIOCGIFHWADDR, &ifr)));
	int zero = 1;
	for (int i = 0; i < 6; i++)
		zero &= ifr.ifr_hwaddr.sa_data[i] == 0;
	out(", ARPHRD_LOOPBACK %s, all zero %s\n",
	    yesno(ifr.ifr_hwaddr.sa_family == ARPHRD_LOOPBACK), yesno(zero));
	out("SIOCGIFINDEX: %s", er(ioctl(s, SIOCGIFINDEX, &ifr)));
	out(", %d\n", ifr.ifr_ifindex);
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_ifindex = 1;
	out("SIOCGIFNAME of index 1: %s", er(ioctl(s, SIOCGIFNAME, &ifr)));
	out(", %s\n", ifr.ifr_name);
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "nosuchif0");
	out("SIOCGIFFLAGS nosuchif0: %s\n", er(ioctl(s, SIOCGIFFLAGS, &ifr)));
	char name[IF_NAMESIZE] = {0};
	out("if_nametoindex(lo) %u, if_indextoname(1) %s\n", if_nametoindex("lo"),
	    if_indextoname(1, name) ? name : ename(errno));
	close(s);
}

/* ---------------------------------------------------------------- 4 */

static void test_proc_net(void)
{
	out("[/proc/net]\n");
	char line[512];
	int lo = 0;
	FILE *f = fopen("/proc/net/dev", "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line + strspn(line, " "), "lo:", 3))
			lo = 1;
	if (f)
		fclose(f);
	out("/proc/net/dev lists lo: %s\n", yesno(lo));
	struct sockaddr_in la, ua;
	int ls = listener(0, &la), us = bound(SOCK_DGRAM, "127.0.0.1", 0, &ua);
	out("/proc/net/tcp lists the listener (state 0A): %s\n",
	    yesno(proc_lists("tcp", ntohs(la.sin_port), 0x0A)));
	out("/proc/net/udp lists the bound socket (state 07): %s\n",
	    yesno(proc_lists("udp", ntohs(ua.sin_port), 0x07)));
	close(ls);
	close(us);
	int fd = open("/proc/net/route", O_RDONLY | O_CLOEXEC);
	out("open /proc/net/route: %s\n", er(fd));
	if (fd >= 0)
		close(fd);
}

/* A socket connected to its own address (TCP simultaneous open), and a
 * listener stopped by shutdown(SHUT_RD) with a connection still queued. */
static void tcp_odd(void)
{
	out("[tcp odd]\n");
	struct sockaddr_in a;
	int s = bound(SOCK_STREAM, "127.0.0.1", 0, &a);
	out("connect to itself: %s", er(connect(s, SA(&a), sizeof a)));
	out(", write %zd", write(s, "hi", 2));
	out(", reads %s\n", rxw(s, 63, 0));
	close(s);
	int ls = listener(0, &a), c = connected(&a);
	msleep(20);
	out("listener shutdown(SHUT_RD): %s", er(shutdown(ls, SHUT_RD)));
	out(", accept %s", er(accept4(ls, NULL, NULL, SOCK_NONBLOCK)));
	out(", the queued client reads %s\n", rxw(c, 63, 0));
	close(c);
	close(ls);
}

/* /sys/class/net/lo as ip, ifupdown and systemd tools read it. */
static void test_sysfs_net(void)
{
	static const char *const attrs[] = { "address", "addr_len", "broadcast", "ifindex", "iflink",
					     "type", "tx_queue_len", "flags", "operstate", "carrier",
					     "dev_id", "uevent" };
	char path[128], buf[128], link[128];

	for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
		snprintf(path, sizeof path, "/sys/class/net/lo/%s", attrs[i]);
		int fd = open(path, O_RDONLY);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);

		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = 0;
		for (char *c = buf; *c; c++)
			if (*c == '\n')
				*c = ' ';
		out("sysfs lo/%s: %s\n", attrs[i], n < 0 ? ename(errno) : buf);
	}
	ssize_t l = readlink("/sys/class/net/lo", link, sizeof link - 1);
	link[l > 0 ? l : 0] = 0;
	out("sysfs lo link: %s\n", link);
}

int main(void)
{
	tg_init();
	alarm(10);
	lo_up();
	udp_basic();
	udp_connect();
	udp_bind();
	alarm(10);
	tcp_basic();
	tcp_bulk();
	alarm(10);
	tcp_errors();
	tcp_timewait();
	alarm(10);
	tcp_options();
	tcp_ready();
	tcp_signals();
	tcp_odd();
	alarm(10);
	test_ifaces();
	test_proc_net();
	test_sysfs_net();
	tg_exit();
}
