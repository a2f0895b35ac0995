/*
 * t_epoll: epoll_create1/epoll_ctl/epoll_wait/epoll_pwait on pipes and
 * eventfds: level vs edge triggering, EPOLLONESHOT, EPOLLHUP/EPOLLERR,
 * timeouts, waking from another process, the ctl errors; and eventfd
 * counter semantics (EFD_SEMAPHORE, EFD_NONBLOCK, overflow).
 */
#include "tg.h"

#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

static volatile sig_atomic_t got_usr1;
static void on_usr1(int s)
{
	(void)s;
	got_usr1++;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* epoll_wait and describe the result: "n=1 [7:IN]" sorted by data. */
static const char *ewait(int ep, int max, int timeout)
{
	static char buf[256];
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, max, timeout);
	if (n < 0) {
		snprintf(buf, sizeof buf, "%s", ename(errno));
		return buf;
	}
	/* Sort by data so that the order of the ready list does not matter. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && ev[j - 1].data.u64 > ev[j].data.u64; j--) {
			struct epoll_event t = ev[j];
			ev[j] = ev[j - 1];
			ev[j - 1] = t;
		}
	int off = snprintf(buf, sizeof buf, "n=%d", n);
	for (int i = 0; i < n && off < (int)sizeof buf - 40; i++) {
		uint32_t e = ev[i].events;
		off += snprintf(buf + off, sizeof buf - off, " [%llu:%s%s%s%s%s]", (unsigned long long)ev[i].data.u64,
				e & EPOLLIN ? "IN" : "", e & EPOLLOUT ? "OUT" : "", e & EPOLLHUP ? "HUP" : "",
				e & EPOLLERR ? "ERR" : "", e & EPOLLRDHUP ? "RDHUP" : "");
	}
	return buf;
}

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = {.events = events, .data.u64 = data};
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int mod(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = {.events = events, .data.u64 = data};
	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

static void test_epoll_basic(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	out("epoll_create1(EPOLL_CLOEXEC): %s, FD_CLOEXEC %d\n", er(ep), fcntl(ep, F_GETFD));
	out("epoll_create1 bad flags: %s\n", er(epoll_create1(0x1234)));
	out("epoll_create(0): %s\n", er(syscall(SYS_epoll_create, 0)));
	int old = (int)syscall(SYS_epoll_create, 1);
	out("epoll_create(1): %s\n", er(old));
	close(old);

	int p[2], q[2];
	if (pipe(p) < 0 || pipe(q) < 0)
		die("pipe");
	out("add read end of p (data 1): %s\n", er(add(ep, p[0], EPOLLIN, 1)));
	out("add read end of q (data 2): %s\n", er(add(ep, q[0], EPOLLIN, 2)));
	out("add write end of q for OUT (data 3): %s\n", er(add(ep, q[1], EPOLLOUT, 3)));
	out("add p[0] again: %s\n", er(add(ep, p[0], EPOLLIN, 9)));
	out("add the epoll fd to itself: %s\n", er(add(ep, ep, EPOLLIN, 9)));
	out("add a bad fd: %s\n", er(add(ep, 999, EPOLLIN, 9)));
	int dn = open("/dev/null", O_RDONLY);
	out("add /dev/null (no poll support for epoll): %s\n", er(add(ep, dn, EPOLLIN, 9)));
	close(dn);
	out("mod unregistered fd: %s\n", er(mod(ep, p[1], EPOLLOUT, 9)));
	out("del unregistered fd: %s\n", er(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL)));
	out("ctl bad op: %s\n", er(epoll_ctl(ep, 99, p[0], &(struct epoll_event){0})));
	out("ctl on a non-epoll fd: %s\n", er(epoll_ctl(p[0], EPOLL_CTL_ADD, q[0], &(struct epoll_event){0})));
	out("wait maxevents 0: %s\n", er(epoll_wait(ep, &(struct epoll_event){0}, 0, 0)));
	out("wait on a non-epoll fd: %s\n", er(epoll_wait(p[0], &(struct epoll_event){0}, 1, 0)));

	out("nothing readable: %s\n", ewait(ep, 8, 0));
	write(p[1], "a", 1);
	out("after writing p: %s\n", ewait(ep, 8, 0));
	/* Level-triggered: stays ready until drained. */
	out("again (level-triggered): %s\n", ewait(ep, 8, 0));
	write(q[1], "b", 1);
	out("both readable: %s\n", ewait(ep, 8, 0));
	out("maxevents 1 returns one: %s\n", yesno(!strncmp(ewait(ep, 1, 0), "n=1 ", 4)));
	char c;
	read(p[0], &c, 1);
	read(q[0], &c, 1);
	out("drained: %s\n", ewait(ep, 8, 0));
	out("del q[1]: %s\n", er(epoll_ctl(ep, EPOLL_CTL_DEL, q[1], NULL)));
	out("after del: %s\n", ewait(ep, 8, 0));

	/* Timeouts and waking. */
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	const char *r = ewait(ep, 8, 30);
	out("timeout 30ms: %s, waited >= 29ms %s\n", r, yesno(ms_since(&t0) >= 29));
	pid_t ch = xfork();
	if (ch == 0) {
		msleep(20);
		write(q[1], "w", 1);
		_exit(0);
	}
	out("woken by a child's write: %s\n", ewait(ep, 8, 5000));
	wait_for(ch);
	read(q[0], &c, 1);

	/* EPOLL_CTL_MOD changes events and data. */
	out("mod p[0] to data 7: %s\n", er(mod(ep, p[0], EPOLLIN, 7)));
	write(p[1], "m", 1);
	out("after mod: %s\n", ewait(ep, 8, 0));
	read(p[0], &c, 1);

	/* Hang-up: the writer goes away. EPOLLHUP is reported even if not asked for. */
	close(p[1]);
	out("writer closed: %s\n", ewait(ep, 8, 0));
	epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);
	close(p[0]);
	/* Error: reader gone, watching the write end. */
	close(q[0]);
	out("add q[1] for OUT after reader closed: %s\n", er(add(ep, q[1], EPOLLOUT, 4)));
	out("reader closed: %s\n", ewait(ep, 8, 0));
	/* Closing an fd removes it from the set. */
	close(q[1]);
	out("after closing the fd: %s\n", ewait(ep, 8, 0));
	close(ep);
}

static void test_edge_oneshot(void)
{
	int ep = epoll_create1(0);
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	add(ep, p[0], EPOLLIN | EPOLLET, 5);
	write(p[1], "12", 2);
	out("ET first wait: %s\n", ewait(ep, 8, 0));
	out("ET second wait, no new data: %s\n", ewait(ep, 8, 0));
	char c;
	read(p[0], &c, 1);
	out("ET after partial read, no new data: %s\n", ewait(ep, 8, 0));
	write(p[1], "3", 1);
	out("ET after new data: %s\n", ewait(ep, 8, 0));
	out("ET again: %s\n", ewait(ep, 8, 0));
	char buf[8];
	read(p[0], buf, sizeof buf);
	epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);

	/* EPOLLONESHOT: disabled after one report until re-armed with MOD. */
	add(ep, p[0], EPOLLIN | EPOLLONESHOT, 6);
	write(p[1], "x", 1);
	out("ONESHOT first: %s\n", ewait(ep, 8, 0));
	write(p[1], "y", 1);
	out("ONESHOT disarmed: %s\n", ewait(ep, 8, 0));
	out("re-arm with MOD: %s\n", er(mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 6)));
	out("ONESHOT re-armed: %s\n", ewait(ep, 8, 0));
	close(p[0]);
	close(p[1]);

	/* epoll_pwait: a blocked pending signal interrupts it under the given mask. */
	if (pipe(p) < 0)
		die("pipe");
	add(ep, p[0], EPOLLIN, 8);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t bl, empty;
	sigemptyset(&bl);
	sigaddset(&bl, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &bl, NULL);
	raise(SIGUSR1);
	got_usr1 = 0;
	struct epoll_event ev;
	int r = epoll_pwait(ep, &ev, 1, 1000, &empty);
	int e = errno;
	out("epoll_pwait with unblocking mask: %d %s, handler ran %d\n", r, ename(e), (int)got_usr1);
	sigprocmask(SIG_UNBLOCK, &bl, NULL);
	signal(SIGUSR1, SIG_DFL);
	/* Nested epoll: an epoll fd is itself pollable. */
	int outer = epoll_create1(0);
	out("add inner epoll fd to outer: %s\n", er(add(outer, ep, EPOLLIN, 11)));
	out("outer, inner idle: %s\n", ewait(outer, 8, 0));
	write(p[1], "n", 1);
	out("outer, inner ready: %s\n", ewait(outer, 8, 0));
	struct pollfd pf = {ep, POLLIN, 0};
	int pr = poll(&pf, 1, 0);
	out("poll on the epoll fd: %d POLLIN %s\n", pr, yesno(pf.revents & POLLIN));
	close(outer);
	close(ep);
	close(p[0]);
	close(p[1]);
}

static void test_eventfd(void)
{
	int efd = eventfd(5, 0);
	out("eventfd(5): %s\n", er(efd));
	uint64_t v = 0;
	ssize_t n = read(efd, &v, 8);
	out("read: %zd value %llu\n", n, (unsigned long long)v);
	v = 3;
	write(efd, &v, 8);
	v = 4;
	write(efd, &v, 8);
	v = 0;
	n = read(efd, &v, 8);
	out("after writing 3 and 4, read: %zd value %llu\n", n, (unsigned long long)v);
	char small[4];
	out("read with a 4-byte buffer: %s\n", er(read(efd, small, 4)));
	out("write with a 4-byte buffer: %s\n", er(write(efd, small, 4)));
	v = UINT64_MAX;
	out("write 0xffffffffffffffff: %s\n", er(write(efd, &v, 8)));
	close(efd);

	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	out("eventfd NONBLOCK|CLOEXEC: FD_CLOEXEC %d, O_NONBLOCK %s\n", fcntl(efd, F_GETFD),
	    yesno(fcntl(efd, F_GETFL) & O_NONBLOCK));
	out("read at zero: %s\n", er(read(efd, &v, 8)));
	v = UINT64_MAX - 1;
	out("write max-1: %s\n", er(write(efd, &v, 8)));
	v = 1;
	out("write 1 more (would overflow): %s\n", er(write(efd, &v, 8)));
	struct pollfd pf = {efd, POLLIN | POLLOUT, 0};
	poll(&pf, 1, 0);
	out("poll at max-1: POLLIN %s POLLOUT %s\n", yesno(pf.revents & POLLIN), yesno(pf.revents & POLLOUT));
	read(efd, &v, 8);
	pf.revents = 0;
	poll(&pf, 1, 0);
	out("poll at zero: POLLIN %s POLLOUT %s\n", yesno(pf.revents & POLLIN), yesno(pf.revents & POLLOUT));
	close(efd);

	efd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	out("EFD_SEMAPHORE initval 3, reads:");
	for (int i = 0; i < 4; i++) {
		v = 0;
		n = read(efd, &v, 8);
		if (n < 0)
			out(" %s", ename(errno));
		else
			out(" %llu", (unsigned long long)v);
	}
	out("\n");
	close(efd);
	out("eventfd bad flags: %s\n", er(eventfd(0, 0x1234)));

	/* eventfd in epoll, and a blocking read woken by another process. */
	efd = eventfd(0, 0);
	int ep = epoll_create1(0);
	add(ep, efd, EPOLLIN | EPOLLOUT, 12);
	out("epoll on eventfd at zero: %s\n", ewait(ep, 8, 0));
	v = 2;
	write(efd, &v, 8);
	out("epoll on eventfd at 2: %s\n", ewait(ep, 8, 0));
	read(efd, &v, 8);
	pid_t ch = xfork();
	if (ch == 0) {
		msleep(20);
		uint64_t one = 41;
		write(efd, &one, 8);
		_exit(0);
	}
	v = 0;
	n = read(efd, &v, 8);
	out("blocking read woken by a child: %zd value %llu\n", n, (unsigned long long)v);
	wait_for(ch);
	close(ep);
	close(efd);
}

int main(void)
{
	tg_init();
	test_epoll_basic();
	test_edge_oneshot();
	test_eventfd();
	tg_exit();
}
