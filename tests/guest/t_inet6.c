/*
 * t_inet6: AF_INET6 over loopback, against the host kernel.
 *  1. UDP on ::1: bind and getsockname, sendto/recvfrom and the sender's
 *     address, connect, ECONNREFUSED from ICMPv6 port unreachable,
 *     IPV6_RECVPKTINFO, bind errors (an address not ours, link-local
 *     without a scope).
 *  2. Both families on one port: a socket on [::] takes IPv4 datagrams
 *     and shows their senders as ::ffff:127.0.0.1; with IPV6_V6ONLY it
 *     does not, and an AF_INET socket may share its port.
 *  3. TCP on ::1: listen/connect/accept, names on both ends, data both
 *     ways, 1 MiB one way, shutdown and EOF, ECONNREFUSED, connect to
 *     [::] reaching ::1.
 *  4. TCP from an AF_INET client to an AF_INET6 listener on [::]: the
 *     accepted socket shows ::ffff:127.0.0.1 at both ends.
 *  5. Options: IPV6_V6ONLY, IPV6_UNICAST_HOPS, IPV6_TCLASS.
 *  6. /proc/net/if_inet6 (the ::1 line) and /proc/net/tcp6.
 * Ports are chosen by the kernel and only printed as relations.
 */
#include "tg.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#define SA(a) ((struct sockaddr *)(a))

static struct sockaddr_in6 sin6(const char *ip, int port)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET6, ip, &a.sin6_addr) != 1)
		die("inet_pton %s", ip);
	return a;
}

static struct sockaddr_in sin4(const char *ip, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

/* "family addr" of a sockaddr; ports are left out (they vary). */
static const char *sa_str(const void *p, socklen_t len)
{
	static char buf[96];
	const struct sockaddr *sa = p;
	char ip[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *a = p;
		inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
		snprintf(buf, sizeof buf, "inet6 %s len %u", ip, (unsigned)len);
	} else if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *a = p;
		inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
		snprintf(buf, sizeof buf, "inet %s len %u", ip, (unsigned)len);
	} else {
		snprintf(buf, sizeof buf, "family %d len %u", sa->sa_family, (unsigned)len);
	}
	return buf;
}

static uint16_t port_of(const void *p)
{
	const struct sockaddr *sa = p;
	return sa->sa_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)p)->sin6_port)
					 : ntohs(((const struct sockaddr_in *)p)->sin_port);
}

static const char *name_str(int fd, int peer)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof ss;
	memset(&ss, 0, sizeof ss);
	int r = peer ? getpeername(fd, SA(&ss), &l) : getsockname(fd, SA(&ss), &l);
	if (r < 0)
		return ename(errno);
	return sa_str(&ss, l);
}

static uint16_t port_of_fd(int fd, int peer)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof ss;
	memset(&ss, 0, sizeof ss);
	if ((peer ? getpeername(fd, SA(&ss), &l) : getsockname(fd, SA(&ss), &l)) < 0)
		return 0;
	return port_of(&ss);
}

static int xsock(int family, int type)
{
	int s = socket(family, type | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket %d %d", family, type);
	return s;
}

static int bound6(int type, const char *ip, struct sockaddr_in6 *a)
{
	int s = xsock(AF_INET6, type);
	socklen_t l = sizeof *a;
	*a = sin6(ip, 0);
	if (bind(s, SA(a), sizeof *a) < 0 || getsockname(s, SA(a), &l) < 0)
		die("bind %s", ip);
	return s;
}

static void lo_up(void)
{
	struct ifreq ifr = {0};
	int s = xsock(AF_INET, SOCK_DGRAM);
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

/* recvfrom with a 5 s wait: "n [data] from <addr>, port same <yes/no>". */
static const char *recv_from(int s, uint16_t want_port)
{
	static char res[200];
	char buf[64] = {0};
	struct sockaddr_storage from;
	socklen_t fl = sizeof from;

	poll1(s, POLLIN, 5000);
	ssize_t n = recvfrom(s, buf, sizeof buf - 1, MSG_DONTWAIT, SA(&from), &fl);
	if (n < 0)
		return ename(errno);
	snprintf(res, sizeof res, "%zd [%s] from %s, port same %s", n, buf, sa_str(&from, fl),
		 yesno(port_of(&from) == want_port));
	return res;
}

/* ---------------------------------------------------------------- 1 */

static void udp6(void)
{
	struct sockaddr_in6 a, b;
	out("[udp6]\n");
	int r = bound6(SOCK_DGRAM, "::1", &a), s = bound6(SOCK_DGRAM, "::1", &b);
	out("name %s, port>0 %s\n", name_str(r, 0), yesno(a.sin6_port != 0));
	out("sendto %s\n", er(sendto(s, "one", 3, 0, SA(&a), sizeof a)));
	out("recvfrom %s\n", recv_from(r, ntohs(b.sin6_port)));
	out("connect %s", er(connect(s, SA(&a), sizeof a)));
	out(", peer %s\n", name_str(s, 1));
	out("send %s", er(send(s, "two", 3, 0)));
	out(", recv %s\n", recv_from(r, ntohs(b.sin6_port)));

	int one = 1;
	setsockopt(r, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
	sendto(s, "pi", 2, 0, SA(&a), sizeof a);
	poll1(r, POLLIN, 5000);
	char buf[16], cbuf[256];
	struct iovec iov = {buf, sizeof buf};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof cbuf};
	ssize_t n = recvmsg(r, &mh, MSG_DONTWAIT);
	out("recvmsg %zd", n);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			char ip[INET6_ADDRSTRLEN];
			memcpy(&pi, CMSG_DATA(c), sizeof pi);
			out(", pktinfo %s on lo %s",
			    inet_ntop(AF_INET6, &pi.ipi6_addr, ip, sizeof ip),
			    yesno(pi.ipi6_ifindex == if_nametoindex("lo")));
		}
	out("\n");

	/* Nobody on the port: the connected socket learns ECONNREFUSED. */
	close(r);
	out("send to a closed port %s", er(send(s, "x", 1, 0)));
	msleep(100);
	out(", then %s\n", er(send(s, "x", 1, 0)));
	close(s);

	struct sockaddr_in6 x = sin6("2001:db8::1", 0);
	s = xsock(AF_INET6, SOCK_DGRAM);
	out("bind 2001:db8::1: %s\n", er(bind(s, SA(&x), sizeof x)));
	x = sin6("fe80::1", 0);
	out("connect fe80::1 without a scope: %s\n", er(connect(s, SA(&x), sizeof x)));
	x = sin6("::1", 0);
	out("bind short sockaddr: %s\n", er(bind(s, SA(&x), 20)));
	struct sockaddr_in v4 = sin4("127.0.0.1", 0);
	out("bind sockaddr_in: %s\n", er(bind(s, SA(&v4), sizeof v4)));
	close(s);
}

/* ---------------------------------------------------------------- 2 */

static void dual_udp(void)
{
	struct sockaddr_in6 a;
	out("[dual udp]\n");
	int r = bound6(SOCK_DGRAM, "::", &a);
	out("name %s\n", name_str(r, 0));
	int s4 = xsock(AF_INET, SOCK_DGRAM);
	struct sockaddr_in to = sin4("127.0.0.1", ntohs(a.sin6_port)), me;
	socklen_t ml = sizeof me;
	sendto(s4, "v4", 2, 0, SA(&to), sizeof to);
	getsockname(s4, SA(&me), &ml);
	out("from AF_INET: %s\n", recv_from(r, ntohs(me.sin_port)));
	struct sockaddr_in6 m = sin6("::ffff:127.0.0.1", ntohs(a.sin6_port));
	int s6 = xsock(AF_INET6, SOCK_DGRAM);
	sendto(s6, "mapped", 6, 0, SA(&m), sizeof m);
	out("from AF_INET6 to ::ffff:127.0.0.1: %s\n", recv_from(r, port_of_fd(s6, 0)));
	out("its name %s\n", name_str(s6, 0));
	struct sockaddr_in b4 = sin4("0.0.0.0", ntohs(a.sin6_port));
	int t4 = xsock(AF_INET, SOCK_DGRAM);
	out("AF_INET bind to the same port: %s\n", er(bind(t4, SA(&b4), sizeof b4)));
	close(t4);
	close(r);
	close(s6);

	/* IPV6_V6ONLY: IPv6 only, and the port is free for IPv4. */
	int one = 1;
	r = xsock(AF_INET6, SOCK_DGRAM);
	out("V6ONLY %s", er(setsockopt(r, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one)));
	a = sin6("::", 0);
	socklen_t al = sizeof a;
	bind(r, SA(&a), sizeof a);
	getsockname(r, SA(&a), &al);
	out(", then again after bind %s\n",
	    er(setsockopt(r, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one)));
	b4 = sin4("0.0.0.0", ntohs(a.sin6_port));
	t4 = xsock(AF_INET, SOCK_DGRAM);
	out("AF_INET bind to the same port: %s\n", er(bind(t4, SA(&b4), sizeof b4)));
	to = sin4("127.0.0.1", ntohs(a.sin6_port));
	sendto(s4, "v4", 2, 0, SA(&to), sizeof to);
	out("the AF_INET one gets %s\n", recv_from(t4, ntohs(me.sin_port)));
	poll1(r, POLLIN, 200);
	char c;
	out("the V6ONLY one %s\n", er(recv(r, &c, 1, MSG_DONTWAIT)));
	m = sin6("::ffff:127.0.0.1", 9);
	out("V6ONLY sendto ::ffff:127.0.0.1: %s\n", er(sendto(r, "x", 1, 0, SA(&m), sizeof m)));
	close(r);
	close(t4);
	close(s4);
}

/* ---------------------------------------------------------------- 3 */

static void tcp6(void)
{
	struct sockaddr_in6 a;
	out("[tcp6]\n");
	int ls = bound6(SOCK_STREAM, "::1", &a);
	if (listen(ls, 4) < 0)
		die("listen");
	int c = xsock(AF_INET6, SOCK_STREAM);
	out("connect %s\n", er(connect(c, SA(&a), sizeof a)));
	struct sockaddr_storage pa;
	socklen_t pl = sizeof pa;
	int s = accept(ls, SA(&pa), &pl);
	if (s < 0)
		die("accept");
	out("accept gives %s, port is the client's %s\n", sa_str(&pa, pl),
	    yesno(port_of(&pa) == port_of_fd(c, 0)));
	out("client name %s", name_str(c, 0));
	out(", peer %s\n", name_str(c, 1));
	out("server name %s", name_str(s, 0));
	out(", peer %s", name_str(s, 1));
	out(", port is the listener's %s\n", yesno(port_of_fd(s, 0) == ntohs(a.sin6_port)));
	char buf[64] = {0};
	write(c, "ping", 4);
	poll1(s, POLLIN, 5000);
	out("server reads %zd", read(s, buf, sizeof buf - 1));
	out(" [%s]", buf);
	write(s, "pong", 4);
	memset(buf, 0, sizeof buf);
	poll1(c, POLLIN, 5000);
	out(", client reads %zd", read(c, buf, sizeof buf - 1));
	out(" [%s]\n", buf);

	/* 1 MiB from a child; the parent counts and sums it. */
	pid_t pid = xfork();
	if (pid == 0) {
		static char big[1 << 20];
		alarm(10);
		for (size_t i = 0; i < sizeof big; i++)
			big[i] = (char)(i * 7 + (i >> 11));
		_exit(write_all(c, big, sizeof big) == (ssize_t)sizeof big ? 0 : 1);
	}
	static char got[1 << 20];
	ssize_t n = read_all(s, got, sizeof got);
	unsigned bad = 0;
	for (ssize_t i = 0; i < n; i++)
		bad += got[i] != (char)(i * 7 + (i >> 11));
	out("1 MiB: read %zd, wrong bytes %u, writer %s\n", n, bad, wstr(wait_for(pid)));
	out("shutdown(SHUT_WR) %s", er(shutdown(c, SHUT_WR)));
	poll1(s, POLLIN, 5000);
	out(", server reads %zd (EOF)\n", read(s, buf, 1));
	close(s);
	close(c);

	/* Connect to [::]: this host, ::1. */
	struct sockaddr_in6 any = sin6("::", ntohs(a.sin6_port));
	c = xsock(AF_INET6, SOCK_STREAM);
	out("connect [::]: %s", er(connect(c, SA(&any), sizeof any)));
	out(", peer %s\n", name_str(c, 1));
	s = accept(ls, NULL, NULL);
	close(s);
	close(c);
	close(ls);

	c = xsock(AF_INET6, SOCK_STREAM);
	out("connect to a closed port: %s\n", er(connect(c, SA(&a), sizeof a)));
	close(c);
}

/* ---------------------------------------------------------------- 4 */

static void dual_tcp(void)
{
	struct sockaddr_in6 a;
	out("[dual tcp]\n");
	int ls = bound6(SOCK_STREAM, "::", &a);
	if (listen(ls, 4) < 0)
		die("listen");
	int c = xsock(AF_INET, SOCK_STREAM);
	struct sockaddr_in to = sin4("127.0.0.1", ntohs(a.sin6_port));
	out("AF_INET connect %s\n", er(connect(c, SA(&to), sizeof to)));
	struct sockaddr_storage pa;
	socklen_t pl = sizeof pa;
	int s = accept(ls, SA(&pa), &pl);
	if (s < 0)
		die("accept");
	out("accept gives %s\n", sa_str(&pa, pl));
	out("server name %s", name_str(s, 0));
	out(", peer %s\n", name_str(s, 1));
	out("client name %s", name_str(c, 0));
	out(", peer %s\n", name_str(c, 1));
	char buf[16] = {0};
	write(c, "hello", 5);
	poll1(s, POLLIN, 5000);
	out("server reads %zd", read(s, buf, sizeof buf - 1));
	out(" [%s]\n", buf);
	close(s);
	close(c);
	/* A v4-mapped connect from an AF_INET6 socket is IPv4 too. */
	struct sockaddr_in6 m = sin6("::ffff:127.0.0.1", ntohs(a.sin6_port));
	c = xsock(AF_INET6, SOCK_STREAM);
	out("connect ::ffff:127.0.0.1 %s", er(connect(c, SA(&m), sizeof m)));
	out(", name %s\n", name_str(c, 0));
	s = accept(ls, NULL, NULL);
	out("accepted peer %s\n", name_str(s, 1));
	close(s);
	close(c);
	close(ls);
}

/* ---------------------------------------------------------------- 5 */

static const char *gopt(int s, int level, int name)
{
	static char buf[32];
	int v = -99;
	socklen_t l = sizeof v;
	if (getsockopt(s, level, name, &v, &l) < 0)
		return ename(errno);
	snprintf(buf, sizeof buf, "%d", v);
	return buf;
}

static void options(void)
{
	out("[options]\n");
	int s = xsock(AF_INET6, SOCK_DGRAM), v = 5;
	out("V6ONLY %s", gopt(s, IPPROTO_IPV6, IPV6_V6ONLY));
	out(", UNICAST_HOPS %s", gopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS));
	setsockopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof v);
	out(" then %s", gopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS));
	v = 300;
	out(", 300: %s", er(setsockopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof v)));
	v = 0x20;
	setsockopt(s, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof v);
	out(", TCLASS %s\n", gopt(s, IPPROTO_IPV6, IPV6_TCLASS));
	int s4 = xsock(AF_INET, SOCK_DGRAM);
	out("AF_INET socket, IPV6_V6ONLY: %s\n", gopt(s4, IPPROTO_IPV6, IPV6_V6ONLY));
	close(s4);
	close(s);
}

/* ---------------------------------------------------------------- 6 */

static void proc_net(void)
{
	static char buf[16384];
	out("[proc]\n");
	if (read_file("/proc/net/if_inet6", buf, sizeof buf) < 0)
		die("if_inet6");
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"))
		if (strncmp(l, "00000000000000000000000000000001 ", 33) == 0)
			out("if_inet6: %s\n", l);
	struct sockaddr_in6 a;
	int ls = bound6(SOCK_STREAM, "::1", &a);
	listen(ls, 1);
	char want[80];
	snprintf(want, sizeof want,
		 "00000000000000000000000001000000:%04X 00000000000000000000000000000000:0000 0A",
		 ntohs(a.sin6_port));
	if (read_file("/proc/net/tcp6", buf, sizeof buf) < 0)
		die("tcp6");
	out("tcp6 has the listener: %s\n", yesno(strstr(buf, want) != NULL));
	snprintf(want, sizeof want, ":%04X ", ntohs(a.sin6_port));
	if (read_file("/proc/net/tcp", buf, sizeof buf) < 0)
		die("tcp");
	out("tcp has it: %s\n", yesno(strstr(buf, want) != NULL));
	close(ls);
}

int main(void)
{
	tg_init();
	alarm(10);
	lo_up();
	udp6();
	dual_udp();
	alarm(10);
	tcp6();
	alarm(10);
	dual_tcp();
	options();
	proc_net();
	tg_exit();
}
