/*
 * t_pipe: pipes and FIFOs: pipe/pipe2 flags, data order, EOF, EPIPE and
 * SIGPIPE, O_NONBLOCK and EAGAIN, a 1 MiB transfer between processes,
 * FIONREAD, and readiness through poll, ppoll, select and pselect6.
 */
#include "tg.h"

#include <poll.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/syscall.h>

static volatile sig_atomic_t got_pipe, got_usr1;
static void on_pipe(int s)
{
	(void)s;
	got_pipe++;
}
static void on_usr1(int s)
{
	(void)s;
	got_usr1++;
}

static void test_basic(void)
{
	int p[2];
	out("pipe: %s\n", er(pipe(p)));
	out("  read end not writable: %s\n", er(write(p[0], "x", 1)));
	out("  write end not readable: %s\n", er(read(p[1], p, 1)));
	int rd = (fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY;
	int wr = (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY;
	out("  flags: read end O_RDONLY %s, write end O_WRONLY %s, cloexec %d\n", yesno(rd), yesno(wr),
	    fcntl(p[0], F_GETFD));
	out("write 5: %zd\n", write(p[1], "hello", 5));
	out("write 6: %zd\n", write(p[1], " world", 6));
	int avail = -1;
	ioctl(p[0], FIONREAD, &avail);
	out("FIONREAD: %d\n", avail);
	char buf[64] = {0};
	out("read 3: %zd [%s]\n", read(p[0], buf, 3), buf);
	memset(buf, 0, sizeof buf);
	out("read rest: %zd [%s]\n", read(p[0], buf, sizeof buf), buf);
	out("lseek on a pipe: %s\n", er(lseek(p[0], 0, SEEK_CUR)));
	out("pread on a pipe: %s\n", er(pread(p[0], buf, 1, 0)));
	struct stat st;
	fstat(p[0], &st);
	out("fstat: fifo %s\n", yesno(S_ISFIFO(st.st_mode)));
	/* EOF only after every write end is closed. */
	int w2 = dup(p[1]);
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	out("one writer left, empty: %s\n", er(read(p[0], buf, 1)));
	close(w2);
	out("all writers closed: read returns %zd\n", read(p[0], buf, 1));
	close(p[0]);

	out("pipe2 O_CLOEXEC|O_NONBLOCK: %s\n", er(pipe2(p, O_CLOEXEC | O_NONBLOCK)));
	out("  FD_CLOEXEC %d/%d, O_NONBLOCK %s/%s\n", fcntl(p[0], F_GETFD), fcntl(p[1], F_GETFD),
	    yesno(fcntl(p[0], F_GETFL) & O_NONBLOCK), yesno(fcntl(p[1], F_GETFL) & O_NONBLOCK));
	out("empty nonblocking read: %s\n", er(read(p[0], buf, 1)));
	/* Fill it: nonblocking writes eventually fail with EAGAIN. */
	static char chunk[4096];
	memset(chunk, 'f', sizeof chunk);
	long total = 0;
	ssize_t n;
	int rounds = 0;
	while ((n = write(p[1], chunk, sizeof chunk)) > 0 && rounds++ < 10000)
		total += n;
	out("filled: stopped with %s, capacity >= 4096 %s, multiple of 4096 %s\n", n < 0 ? ename(errno) : "no error",
	    yesno(total >= 4096), yesno(total % 4096 == 0));
	avail = 0;
	ioctl(p[0], FIONREAD, &avail);
	out("FIONREAD when full equals bytes written: %s\n", yesno(avail == total));
	long got = 0;
	while ((n = read(p[0], chunk, sizeof chunk)) > 0)
		got += n;
	out("drained all: %s, then %s\n", yesno(got == total), n < 0 ? ename(errno) : "eof");
	out("pipe2 bad flags: %s\n", er(pipe2(p + 0, 0x1234)));
	out("pipe bad pointer: %s\n", er(syscall(SYS_pipe2, (int *)16, 0)));
	close(p[0]);
	close(p[1]);
}

static void test_epipe(void)
{
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	out("write with no reader, SIGPIPE ignored: %s\n", er(write(p[1], "x", 1)));
	signal(SIGPIPE, on_pipe);
	got_pipe = 0;
	out("write with no reader, SIGPIPE caught: %s, ", er(write(p[1], "x", 1)));
	out("handler ran %d\n", (int)got_pipe);
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);
	if (pipe(p) < 0)
		die("pipe");
	close(p[0]);
	pid_t c = xfork();
	if (c == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	close(p[1]);
	out("write with no reader, default action: %s\n", wstr(wait_for(c)));

	/* A reader that goes away in the middle of a blocked write. */
	if (pipe(p) < 0)
		die("pipe");
	c = xfork();
	if (c == 0) {
		close(p[1]);
		char b[1000];
		read_all(p[0], b, sizeof b);
		_exit(0);
	}
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	static char big[256 * 1024];
	ssize_t n = write(p[1], big, sizeof big);
	int e = errno;
	out("big write, reader exits early: %s\n",
	    n < 0 ? ename(e) : (n > 0 && n < (ssize_t)sizeof big) ? "partial count" : "full count?");
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);
	wait_for(c);
}

static void test_transfer(void)
{
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	const size_t total = 1 << 20;
	pid_t c = xfork();
	if (c == 0) {
		close(p[0]);
		static unsigned char buf[7001];
		size_t sent = 0;
		uint32_t x = 12345;
		while (sent < total) {
			size_t n = total - sent < sizeof buf ? total - sent : (sent % 3 == 0 ? sizeof buf : 1500);
			for (size_t i = 0; i < n; i++) {
				x = x * 1103515245u + 12345u;
				buf[i] = (unsigned char)(x >> 16);
			}
			if (write_all(p[1], buf, n) != (ssize_t)n)
				_exit(1);
			sent += n;
		}
		_exit(0);
	}
	close(p[1]);
	static unsigned char rb[65536];
	size_t got = 0;
	uint32_t x = 12345, sum = 0;
	int mismatch = 0, reads = 0;
	for (;;) {
		size_t want = (reads++ % 2) ? sizeof rb : 999;
		ssize_t n = read(p[0], rb, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			if (rb[i] != (unsigned char)(x >> 16))
				mismatch++;
			sum = sum * 31 + rb[i];
		}
		got += (size_t)n;
	}
	close(p[0]);
	out("1 MiB through a pipe: received %zu bytes, mismatches %d, checksum %08x, writer %s\n", got, mismatch, sum,
	    wstr(wait_for(c)));

	/* Two writers with small (atomic) writes: records never interleave. */
	if (pipe(p) < 0)
		die("pipe");
	pid_t w[2];
	for (int k = 0; k < 2; k++) {
		w[k] = xfork();
		if (w[k] == 0) {
			close(p[0]);
			char rec[512];
			memset(rec, k ? 'B' : 'A', sizeof rec);
			for (int i = 0; i < 200; i++)
				write(p[1], rec, sizeof rec);
			_exit(0);
		}
	}
	close(p[1]);
	char rec[512];
	int recs = 0, torn = 0;
	while (read_all(p[0], rec, sizeof rec) == (ssize_t)sizeof rec) {
		recs++;
		for (int i = 1; i < 512; i++)
			if (rec[i] != rec[0]) {
				torn++;
				break;
			}
	}
	close(p[0]);
	wait_for(w[0]);
	wait_for(w[1]);
	out("two writers of 512-byte records: %d records, torn %d\n", recs, torn);
}

static void test_fifo(void)
{
	const char *dir = mk_tmpdir("t_pipe");
	char path[512];
	snprintf(path, sizeof path, "%s/fifo", dir);
	out("mkfifo: %s\n", er(mkfifo(path, 0644)));
	out("open O_WRONLY|O_NONBLOCK without reader: %s\n", er(open(path, O_WRONLY | O_NONBLOCK)));
	int r = open(path, O_RDONLY | O_NONBLOCK);
	out("open O_RDONLY|O_NONBLOCK: %s\n", er(r));
	int w = open(path, O_WRONLY | O_NONBLOCK);
	out("open O_WRONLY|O_NONBLOCK with a reader: %s\n", er(w));
	write(w, "via fifo", 8);
	char buf[16] = {0};
	out("read: %zd [%s]\n", read(r, buf, sizeof buf), buf);
	close(w);
	out("read after writer closed: %zd\n", read(r, buf, sizeof buf));
	close(r);
	/* A blocking open waits for the other side. */
	pid_t c = xfork();
	if (c == 0) {
		int fd = open(path, O_WRONLY);
		write(fd, "blocking", 8);
		_exit(0);
	}
	r = open(path, O_RDONLY);
	memset(buf, 0, sizeof buf);
	out("blocking open pair: read %zd [%s]\n", read_all(r, buf, 8), buf);
	close(r);
	wait_for(c);
	tg_cleanup();
}

static void test_poll(void)
{
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	struct pollfd fds[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
	int r = poll(fds, 2, 0);
	out("poll empty pipe: %d, read end revents %x, write end POLLOUT %s\n", r, fds[0].revents,
	    yesno(fds[1].revents == POLLOUT));
	write(p[1], "x", 1);
	r = poll(fds, 1, 0);
	out("poll after write: %d, POLLIN %s\n", r, yesno(fds[0].revents == POLLIN));
	/* Timeout. */
	char c;
	read(p[0], &c, 1);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = poll(fds, 1, 30);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	out("poll timeout 30ms: %d, waited >= 29ms %s\n", r, yesno(ms >= 29));
	/* Woken by another process. */
	pid_t ch = xfork();
	if (ch == 0) {
		msleep(20);
		write(p[1], "y", 1);
		_exit(0);
	}
	fds[0].revents = 0;
	r = poll(fds, 1, 5000);
	out("poll woken by a child's write: %d, POLLIN %s\n", r, yesno(fds[0].revents & POLLIN));
	wait_for(ch);
	read(p[0], &c, 1);
	/* Hang-up and error conditions. */
	close(p[1]);
	fds[0].revents = 0;
	r = poll(fds, 1, 0);
	out("writer closed: %d, POLLHUP %s, POLLIN %s\n", r, yesno(fds[0].revents & POLLHUP),
	    yesno(fds[0].revents & POLLIN));
	close(p[0]);
	if (pipe(p) < 0)
		die("pipe");
	close(p[0]);
	struct pollfd wf = {p[1], POLLOUT, 0};
	r = poll(&wf, 1, 0);
	out("reader closed: %d, POLLERR %s\n", r, yesno(wf.revents & POLLERR));
	close(p[1]);
	struct pollfd bad[2] = {{999, POLLIN, 0}, {-1, POLLIN, 0}};
	r = poll(bad, 2, 0);
	out("poll bad fd: %d, POLLNVAL %s, negative fd ignored %s\n", r, yesno(bad[0].revents == POLLNVAL),
	    yesno(bad[1].revents == 0));
	out("poll no fds, 10ms: %d\n", poll(NULL, 0, 10));
	out("poll bad pointer: %s\n", er(syscall(SYS_poll, (struct pollfd *)16, 1, 0)));

	/* ppoll with a signal mask: a blocked pending signal interrupts it. */
	if (pipe(p) < 0)
		die("pipe");
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
	struct pollfd pf = {p[0], POLLIN, 0};
	struct timespec to = {1, 0};
	r = ppoll(&pf, 1, &to, &empty);
	int e = errno;
	out("ppoll with unblocking mask: %d %s, handler ran %d\n", r, ename(e), (int)got_usr1);
	to.tv_sec = 0;
	to.tv_nsec = 20 * 1000000L;
	r = ppoll(&pf, 1, &to, NULL);
	out("ppoll timeout: %d\n", r);
	write(p[1], "z", 1);
	r = ppoll(&pf, 1, NULL, NULL);
	out("ppoll ready: %d POLLIN %s\n", r, yesno(pf.revents & POLLIN));
	read(p[0], &c, 1);

	/* select. */
	fd_set rs, ws;
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_SET(p[0], &rs);
	FD_SET(p[1], &ws);
	struct timeval tv = {0, 0};
	r = select((p[0] > p[1] ? p[0] : p[1]) + 1, &rs, &ws, NULL, &tv);
	out("select empty pipe: %d, read set %d, write set %d\n", r, FD_ISSET(p[0], &rs) ? 1 : 0,
	    FD_ISSET(p[1], &ws) ? 1 : 0);
	write(p[1], "s", 1);
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	r = select(p[0] + 1, &rs, NULL, NULL, &tv);
	out("select after write: %d, read set %d\n", r, FD_ISSET(p[0], &rs) ? 1 : 0);
	read(p[0], &c, 1);
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	tv.tv_sec = 0;
	tv.tv_usec = 30000;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = select(p[0] + 1, &rs, NULL, NULL, &tv);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	out("select timeout 30ms: %d, waited >= 29ms %s, timeval updated to 0 %s, set cleared %s\n", r,
	    yesno(ms >= 29), yesno(tv.tv_sec == 0 && tv.tv_usec == 0), yesno(!FD_ISSET(p[0], &rs)));
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	tv.tv_sec = 5;
	tv.tv_usec = 0;
	ch = xfork();
	if (ch == 0) {
		msleep(20);
		write(p[1], "t", 1);
		_exit(0);
	}
	r = select(p[0] + 1, &rs, NULL, NULL, &tv);
	out("select woken by a child: %d, remaining time reported < 5 s %s\n", r, yesno(tv.tv_sec < 5));
	wait_for(ch);
	read(p[0], &c, 1);
	/*
	 * A closed fd that is certainly inside the initial fd table: Linux
	 * clamps nfds to the table size, so a closed fd beyond it (say 100)
	 * gives EBADF or success depending on how large the table once grew.
	 */
	int closed = dup(0);
	close(closed);
	FD_ZERO(&rs);
	FD_SET(closed, &rs);
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	out("select on a closed fd: %s\n", er(select(closed + 1, &rs, NULL, NULL, &tv)));
	out("select negative nfds: %s\n", er(select(-1, NULL, NULL, NULL, &tv)));

	/* pselect6 with a mask: same interruption rule as ppoll. */
	raise(SIGUSR1);
	got_usr1 = 0;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	struct timespec pts = {1, 0};
	r = pselect(p[0] + 1, &rs, NULL, NULL, &pts, &empty);
	e = errno;
	out("pselect with unblocking mask: %d %s, handler ran %d\n", r, ename(e), (int)got_usr1);
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	out("mask restored after pselect: %s\n", yesno(sigismember(&cur, SIGUSR1)));
	write(p[1], "u", 1);
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	pts.tv_sec = 0;
	pts.tv_nsec = 0;
	r = pselect(p[0] + 1, &rs, NULL, NULL, &pts, NULL);
	out("pselect ready: %d\n", r);
	sigprocmask(SIG_UNBLOCK, &bl, NULL);
	signal(SIGUSR1, SIG_DFL);
	close(p[0]);
	close(p[1]);
}

/*
 * A token around a ring of processes, each adding one: every guest
 * process switch goes to a process that did not run last, and the token
 * shows whether each ran in its turn.
 */
static void test_ring(void)
{
	enum { N = 5, LAPS = 2000 };
	int p[N][2], i, j, laps, wrong = 0, bad_exits = 0;
	pid_t c[N];
	uint32_t t = 0;

	for (i = 0; i < N; i++)
		if (pipe(p[i]) < 0)
			die("pipe");
	for (i = 1; i < N; i++) {
		c[i] = xfork();
		if (c[i] == 0) {
			for (j = 0; j < N; j++) {
				if (j != i)
					close(p[j][0]);
				if (j != (i + 1) % N)
					close(p[j][1]);
			}
			while (read_all(p[i][0], &t, sizeof t) == sizeof t) {
				wrong += t % N != (uint32_t)i;
				t++;
				if (write(p[(i + 1) % N][1], &t, sizeof t) != sizeof t)
					break;
			}
			_exit(wrong ? 2 : 0);
		}
	}
	for (j = 0; j < N; j++) {
		if (j != 0)
			close(p[j][0]);
		if (j != 1)
			close(p[j][1]);
	}
	for (laps = 0; laps < LAPS; laps++) {
		t++;
		if (write(p[1][1], &t, sizeof t) != sizeof t ||
		    read_all(p[0][0], &t, sizeof t) != sizeof t)
			break;
		wrong += t != (uint32_t)(laps + 1) * N;
	}
	close(p[1][1]);
	for (i = 1; i < N; i++)
		bad_exits += wait_for(c[i]) != 0;
	close(p[0][0]);
	out("token around a ring of %d processes: %d laps, token %u, out of turn %d, "
	    "children failed %d\n",
	    N, laps, t, wrong, bad_exits);
}

int main(void)
{
	tg_init();
	test_basic();
	test_epipe();
	test_transfer();
	test_fifo();
	test_poll();
	test_ring();
	tg_exit();
}
