/*
 * t_pty: pseudo-terminals. posix_openpt/grantpt/unlockpt/ptsname, the
 * slave lock, /dev/pts nodes (type, device number, owner and mode from
 * the devpts mount options), termios on both sides, canonical and raw
 * input with echo and line editing, output processing, packet mode,
 * poll, flow control in both directions, TIOCGPTPEER, controlling
 * terminals (open, O_NOCTTY, TIOCSCTTY through the master, TIOCNOTTY,
 * /dev/tty), job control in a child session (^C, ^Z, TIOCSIG, SIGWINCH,
 * SIGTTIN/SIGTTOU, orphaned groups), hangup when the master closes
 * (EOF, EIO, POLLHUP, SIGHUP to the session leader and then to the old
 * foreground group) and master EIO once every slave is closed.
 *
 * Linux processes master writes a little later (in a worker), so every
 * read here waits for what it expects with poll() and a timeout instead
 * of assuming the bytes are there at once.
 */
#include "tg.h"

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <termios.h>

#define WAIT_MS 3000

static int opt_mode = 0600, opt_ptmxmode = 0, opt_gid = -1;

/* --- helpers --- */

/*
 * er() of a result, kept: "ok" or the errno name, in one of a few rotating
 * buffers, so that a call can be made before the out() that prints it
 * (the order in which arguments are evaluated is unspecified).
 */
static const char *res(long r)
{
	static char buf[8][24];
	static int which;
	char *b = buf[which++ % 8];

	snprintf(b, sizeof buf[0], "%s", er(r));
	return b;
}

/* s[0..n) with control characters escaped, for printing. */
static const char *esc(const char *s, ssize_t n)
{
	static char buf[2][512];
	static int which;
	char *b = buf[which ^= 1];
	size_t o = 0;

	if (n < 0)
		return ename(errno);
	for (ssize_t i = 0; i < n && o + 5 < sizeof buf[0]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			o += (size_t)sprintf(b + o, "\\n");
		else if (c == '\r')
			o += (size_t)sprintf(b + o, "\\r");
		else if (c == '\b')
			o += (size_t)sprintf(b + o, "\\b");
		else if (c < 32 || c >= 127)
			o += (size_t)sprintf(b + o, "\\x%02x", c);
		else
			b[o++] = (char)c;
	}
	b[o] = 0;
	return b;
}

/* Reads until want bytes came or WAIT_MS passed without any; returns the
 * count (or the first read's error). */
static ssize_t read_want(int fd, char *buf, size_t want)
{
	size_t got = 0;

	while (got < want) {
		if (poll1(fd, POLLIN, WAIT_MS) <= 0)
			break;
		ssize_t n = read(fd, buf + got, want - got);
		if (n < 0 && got == 0)
			return -1;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* One read after waiting for readiness. */
static ssize_t read_one(int fd, char *buf, size_t len)
{
	poll1(fd, POLLIN, WAIT_MS);
	return read(fd, buf, len);
}

/* Reads what the master has for exactly want bytes and prints it. */
static void expect_master(int m, const char *what, size_t want)
{
	char buf[512];
	ssize_t n = read_want(m, buf, want);

	out("%s: [%s]\n", what, esc(buf, n));
}

/* Nothing arrives on fd within a short while. */
static int quiet(int fd)
{
	return poll1(fd, POLLIN, 300) == 0;
}

static void drain(int fd)
{
	char buf[4096];

	while (poll1(fd, POLLIN, 100) > 0 && read(fd, buf, sizeof buf) > 0)
		;
}

static void mount_options(void)
{
	FILE *f = fopen("/proc/self/mounts", "r");
	char line[512];

	if (!f)
		die("/proc/self/mounts");
	while (fgets(line, sizeof line, f)) {
		char dev[128], dir[128], type[64], opts[256];

		if (sscanf(line, "%127s %127s %63s %255s", dev, dir, type, opts) != 4)
			continue;
		if (strcmp(dir, "/dev/pts") || strcmp(type, "devpts"))
			continue;
		for (char *o = strtok(opts, ","); o; o = strtok(NULL, ",")) {
			if (!strncmp(o, "mode=", 5))
				opt_mode = (int)strtol(o + 5, NULL, 8);
			else if (!strncmp(o, "ptmxmode=", 9))
				opt_ptmxmode = (int)strtol(o + 9, NULL, 8);
			else if (!strncmp(o, "gid=", 4))
				opt_gid = atoi(o + 4);
		}
	}
	fclose(f);
}

/* /dev/pts must be a devpts mount (runone mounts one in the guest). */
static void need_devpts(void)
{
	struct statfs sf;

	if (statfs("/dev/pts", &sf) < 0 || sf.f_type != 0x1cd1) {
		mkdir("/dev/pts", 0755);
		if (mount("devpts", "/dev/pts", "devpts", 0, "mode=620,ptmxmode=000") < 0)
			die("no devpts on /dev/pts");
	}
	mount_options();
}

/* A new unlocked master; its slave's path in path (64 bytes). */
static int new_pty(char *path, int *index)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0)
		die("posix_openpt");
	if (grantpt(m) < 0 || unlockpt(m) < 0)
		die("grantpt/unlockpt");
	if (ioctl(m, TIOCGPTN, index) < 0)
		die("TIOCGPTN");
	snprintf(path, 64, "/dev/pts/%d", *index);
	return m;
}

static int open_slave(const char *path, int flags)
{
	int s = open(path, flags | O_NOCTTY);

	if (s < 0)
		die("open %s", "the slave");
	return s;
}

static void set_raw(int fd)
{
	struct termios t;

	tcgetattr(fd, &t);
	cfmakeraw(&t);
	tcsetattr(fd, TCSANOW, &t);
}

/* The tty_nr field of /proc/self/stat. */
static long stat_tty_nr(void)
{
	char buf[1024];
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	long v = -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	if (p && sscanf(p + 2, "%*c %*d %*d %*d %ld", &v) != 1)
		v = -1;
	return v;
}

/* --- the tests --- */

static void test_open(void)
{
	char path[64], name[64];
	int m = posix_openpt(O_RDWR | O_NOCTTY), n = -1, lk = -1, s;
	struct stat st;

	out("posix_openpt: %s\n", er(m));
	if (m < 0)
		die("posix_openpt");
	fstat(m, &st);
	out("master: char %s, rdev 5,2 %s, isatty %d\n", yesno(S_ISCHR(st.st_mode)),
	    yesno(st.st_rdev == makedev(5, 2)), isatty(m));
	out("grantpt: %s\n", er(grantpt(m)));
	out("TIOCGPTN: %s\n", er(ioctl(m, TIOCGPTN, &n)));
	snprintf(path, sizeof path, "/dev/pts/%d", n);
	out("ptsname is /dev/pts/<TIOCGPTN>: %s\n",
	    yesno(ptsname_r(m, name, sizeof name) == 0 && !strcmp(name, path)));
	const char *r1 = res(ioctl(m, TIOCGPTLCK, &lk));
	out("new pty locked: %s %d\n", r1, lk);
	out("open locked slave: %s\n", er(open(path, O_RDWR | O_NOCTTY)));
	out("unlockpt: %s\n", er(unlockpt(m)));
	ioctl(m, TIOCGPTLCK, &lk);
	out("locked now: %d\n", lk);
	s = open(path, O_RDWR | O_NOCTTY);
	out("open slave: %s\n", er(s));
	int one = 1, zero = 0;
	r1 = res(ioctl(m, TIOCSPTLCK, &one));
	out("lock again: %s, open: %s\n", r1, er(open(path, O_RDWR | O_NOCTTY)));
	ioctl(m, TIOCSPTLCK, &zero);
	int ro = open("/dev/ptmx", O_RDONLY | O_NOCTTY);
	out("open /dev/ptmx O_RDONLY|O_NOCTTY: %s\n", er(ro));
	close(ro);

	/* The node. */
	out("stat slave: %s\n", er(stat(path, &st)));
	out("  char %s, major %u, minor is the index %s\n", yesno(S_ISCHR(st.st_mode)),
	    major(st.st_rdev), yesno(minor(st.st_rdev) == (unsigned)n));
	out("  owner is us %s, mode as mount option mode= %s, group as gid= (or ours) %s\n",
	    yesno(st.st_uid == getuid()), yesno((int)(st.st_mode & 07777) == opt_mode),
	    yesno(st.st_gid == (opt_gid >= 0 ? (gid_t)opt_gid : getegid())));
	struct stat fst;
	fstat(s, &fst);
	out("fstat slave: same node %s, isatty %d\n",
	    yesno(fst.st_rdev == st.st_rdev && fst.st_ino == st.st_ino), isatty(s));
	out("ttyname(slave) is its path: %s\n",
	    yesno(ttyname_r(s, name, sizeof name) == 0 && !strcmp(name, path)));
	out("stat /dev/pts/ptmx: %s\n", er(stat("/dev/pts/ptmx", &st)));
	out("  char 5,2 %s, mode as ptmxmode= %s\n",
	    yesno(S_ISCHR(st.st_mode) && st.st_rdev == makedev(5, 2)),
	    yesno((int)(st.st_mode & 07777) == opt_ptmxmode));
	out("slave TIOCGPTN: %s, TIOCGPTLCK: %s, TIOCGPTPEER: %s\n", er(ioctl(s, TIOCGPTN, &lk)),
	    er(ioctl(s, TIOCGPTLCK, &lk)), er(ioctl(s, TIOCGPTPEER, O_RDWR)));
	out("master TIOCSPTLCK bad pointer: %s\n", er(ioctl(m, TIOCSPTLCK, (void *)8)));

	/* A new pair's settings. */
	struct winsize ws = {1, 1, 1, 1};
	r1 = res(ioctl(s, TIOCGWINSZ, &ws));
	out("TIOCGWINSZ: %s %u %u %u %u\n", r1, ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel);
	struct termios t, tm;
	memset(&t, 0, sizeof t);
	memset(&tm, 0, sizeof tm);
	out("slave tcgetattr: %s\n", er(tcgetattr(s, &t)));
	out("  iflag %#x oflag %#x cflag %#x lflag %#x\n", t.c_iflag, t.c_oflag, t.c_cflag,
	    t.c_lflag);
	out("  intr %d quit %d erase %d kill %d eof %d min %d time %d susp %d eol %d\n",
	    t.c_cc[VINTR], t.c_cc[VQUIT], t.c_cc[VERASE], t.c_cc[VKILL], t.c_cc[VEOF], t.c_cc[VMIN],
	    t.c_cc[VTIME], t.c_cc[VSUSP], t.c_cc[VEOL]);
	r1 = res(tcgetattr(m, &tm));
	out("master tcgetattr: %s, same as the slave's %s\n", r1,
	    yesno(!memcmp(&t, &tm, sizeof t)));
	/* Settings made through the master are the slave's. */
	tm.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(m, TCSANOW, &tm);
	tcgetattr(s, &t);
	out("ECHO cleared through the master, seen on the slave: %s\n", yesno(!(t.c_lflag & ECHO)));
	t.c_lflag |= ECHO;
	tcsetattr(s, TCSANOW, &t);
	ws = (struct winsize){40, 132, 0, 0};
	ioctl(m, TIOCSWINSZ, &ws);
	memset(&ws, 0, sizeof ws);
	ioctl(s, TIOCGWINSZ, &ws);
	out("TIOCSWINSZ on the master, slave sees %ux%u\n", ws.ws_row, ws.ws_col);
	int pg = -5;
	r1 = res(ioctl(m, TIOCGPGRP, &pg));
	out("master TIOCGPGRP with no session: %s %d; slave: %s\n", r1, pg,
	    er(ioctl(s, TIOCGPGRP, &pg)));
	out("slave TIOCGSID (not our terminal): %s\n", er(ioctl(s, TIOCGSID, &pg)));
	close(s);
	close(m);
	out("node gone after both closed: %s\n", er(stat(path, &st)));
}

static void test_canonical(void)
{
	char path[64], buf[256];
	int n, m = new_pty(path, &n), s = open_slave(path, O_RDWR);
	ssize_t r;

	out("canonical:\n");
	out("  master write: %zd\n", write(m, "hello\n", 6));
	r = read_one(s, buf, sizeof buf);
	out("  slave read: [%s]\n", esc(buf, r));
	expect_master(m, "  echo", 7);
	write(m,
	      "abx\x7f"
	      "c\n",
	      6);
	r = read_one(s, buf, sizeof buf);
	out("  erase: slave reads [%s]\n", esc(buf, r));
	expect_master(m, "  erase echo", 9);
	write(m, "junk\x15ok\n", 8);
	r = read_one(s, buf, sizeof buf);
	out("  kill: slave reads [%s]\n", esc(buf, r));
	expect_master(m, "  kill echo", 20);
	write(m, "w1 w2\x17x\n", 8);
	r = read_one(s, buf, sizeof buf);
	out("  word erase: slave reads [%s]\n", esc(buf, r));
	drain(m);
	write(m, "two\nlines\n", 10);
	r = read_one(s, buf, sizeof buf);
	out("  one line per read: [%s]", esc(buf, r));
	r = read_one(s, buf, sizeof buf);
	out(" [%s]\n", esc(buf, r));
	write(m, "long\n", 5);
	r = read_one(s, buf, 2);
	out("  short read of a line: [%s]", esc(buf, r));
	r = read_one(s, buf, sizeof buf);
	out(" rest [%s]\n", esc(buf, r));
	write(m, "part\x04", 5);
	r = read_one(s, buf, sizeof buf);
	out("  ^D after text: [%s]\n", esc(buf, r));
	write(m, "\x04", 1);
	r = read_one(s, buf, sizeof buf);
	out("  ^D alone: read returns %zd\n", r);
	drain(m);

	/* FIONREAD and TIOCOUTQ. */
	write(m, "q\n", 2);
	poll1(s, POLLIN, WAIT_MS);
	int v = -1;
	ioctl(s, FIONREAD, &v);
	out("  slave FIONREAD: %d\n", v);
	read(s, buf, sizeof buf);
	drain(m);
	write(s, "xyz\n", 4);
	poll1(m, POLLIN, WAIT_MS);
	ioctl(m, FIONREAD, &v);
	out("  master FIONREAD after the slave wrote 4 bytes: %d\n", v);
	ioctl(s, TIOCOUTQ, &v);
	out("  slave TIOCOUTQ: %d", v);
	ioctl(m, TIOCOUTQ, &v);
	out(", master TIOCOUTQ: %d\n", v);
	expect_master(m, "  output processing", 5);

	/* Discarding input. */
	write(m, "lost\n", 5);
	poll1(s, POLLIN, WAIT_MS);
	const char *r1 = res(tcflush(s, TCIFLUSH));
	out("  tcflush TCIFLUSH: %s, then nothing to read: %s\n", r1, yesno(quiet(s)));
	out("  tcflush bad queue: %s\n", er(ioctl(s, TCFLSH, 7)));
	drain(m);

	/* ^C with nobody in the foreground: echoed, input flushed. (Linux
	 * drops echo it has not sent yet, so wait for "gone" to come back.) */
	write(m, "gone", 4);
	expect_master(m, "  echo", 4);
	write(m, "\x03", 1);
	expect_master(m, "  ^C echo", 2);
	out("  nothing to read after ^C: %s\n", yesno(quiet(s)));
	close(s);
	close(m);
}

static void test_raw(void)
{
	char path[64], buf[256];
	int n, m = new_pty(path, &n), s = open_slave(path, O_RDWR);
	struct termios t;
	ssize_t r;

	out("raw:\n");
	set_raw(s);
	tcgetattr(m, &t);
	out("  master sees no ICANON/ECHO/OPOST: %s\n",
	    yesno(!(t.c_lflag & (ICANON | ECHO)) && !(t.c_oflag & OPOST)));
	write(m, "ab\r\x03\x7f", 5);
	r = read_want(s, buf, 5);
	out("  slave reads [%s]\n", esc(buf, r));
	out("  no echo: %s\n", yesno(quiet(m)));
	write(s, "x\ny", 3);
	expect_master(m, "  no output processing", 3);

	/* VMIN=0 VTIME=0: a read that finds nothing returns 0. */
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	tcsetattr(s, TCSANOW, &t);
	out("  VMIN 0 VTIME 0, empty: read returns %zd\n", read(s, buf, sizeof buf));
	t.c_cc[VTIME] = 1;
	tcsetattr(s, TCSANOW, &t);
	out("  VMIN 0 VTIME 1, empty: read returns %zd\n", read(s, buf, sizeof buf));

	/* Back to canonical: a partial raw line waits for its end. */
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(s, TCSANOW, &t);
	write(m, "pend", 4);
	poll1(s, POLLIN, WAIT_MS);
	tcgetattr(s, &t);
	t.c_lflag |= ICANON;
	tcsetattr(s, TCSANOW, &t);
	out("  to canonical with raw input waiting: readable %s\n", yesno(!quiet(s)));
	r = read_one(s, buf, sizeof buf);
	out("  it reads as a line: [%s]\n", esc(buf, r));
	write(m, "ed\n", 3);
	r = read_one(s, buf, sizeof buf);
	out("  then the next line: [%s]\n", esc(buf, r));
	close(s);
	close(m);
}

/* Bytes in hex, for packet-mode status. */
static const char *hex(const char *s, ssize_t n)
{
	static char buf[128];
	size_t o = 0;

	if (n < 0)
		return ename(errno);
	for (ssize_t i = 0; i < n && o + 4 < sizeof buf; i++)
		o += (size_t)sprintf(buf + o, "%s%02x", i ? " " : "", (unsigned char)s[i]);
	buf[o] = 0;
	return buf;
}

static void test_packet(void)
{
	char path[64], buf[256];
	int n, m = new_pty(path, &n), s = open_slave(path, O_RDWR), one = 1, zero = 0, v = -1;
	ssize_t r;

	out("packet mode:\n");
	out("  TIOCPKT on: %s\n", er(ioctl(m, TIOCPKT, &one)));
	ioctl(m, TIOCGPKT, &v);
	out("  TIOCGPKT: %d\n", v);
	write(s, "k", 1);
	r = read_want(m, buf, 2);
	out("  data: [%s]\n", esc(buf, r));
	tcflush(s, TCIFLUSH);
	out("  slave TCIFLUSH: poll %s", pmask(poll1(m, POLLIN | POLLPRI, WAIT_MS)));
	r = read(m, buf, sizeof buf);
	out(", read [%s]\n", hex(buf, r));
	tcflush(s, TCOFLUSH);
	r = read_one(m, buf, sizeof buf);
	out("  slave TCOFLUSH: [%s]\n", hex(buf, r));
	struct termios t;
	tcgetattr(s, &t);
	t.c_iflag &= ~(tcflag_t)IXON;
	tcsetattr(s, TCSANOW, &t);
	r = read_one(m, buf, sizeof buf);
	out("  IXON off: [%s]\n", hex(buf, r));
	t.c_iflag |= IXON;
	tcsetattr(s, TCSANOW, &t);
	r = read_one(m, buf, sizeof buf);
	out("  IXON on: [%s]\n", hex(buf, r));
	out("  TIOCPKT off: %s, then data plain: ", er(ioctl(m, TIOCPKT, &zero)));
	write(s, "z", 1);
	r = read_want(m, buf, 1);
	out("[%s]\n", esc(buf, r));
	close(s);
	close(m);
}

static void test_poll(void)
{
	char path[64], buf[64];
	int n, m = new_pty(path, &n), s = open_slave(path, O_RDWR);

	out("poll:\n");
	out("  idle: master %s, slave %s\n", pmask(poll1(m, POLLIN | POLLOUT, 0)),
	    pmask(poll1(s, POLLIN | POLLOUT, 0)));
	write(m, "p\n", 2);
	out("  after a master line: slave %s\n", pmask(poll1(s, POLLIN, WAIT_MS)));
	read(s, buf, sizeof buf);
	drain(m);
	write(s, "o", 1);
	out("  after slave output: master %s\n", pmask(poll1(m, POLLIN, WAIT_MS)));
	drain(m);
	/* select agrees. */
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(s, &rs);
	struct timeval tv = {0, 0};
	out("  select on an idle slave: %d\n", select(s + 1, &rs, NULL, NULL, &tv));

	/* epoll, edge-triggered, on both sides (no echo: one event at a time). */
	struct termios t;
	tcgetattr(s, &t);
	t.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(s, TCSANOW, &t);
	int ep = epoll_create1(0), k;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u32 = 1}, got[4];
	epoll_ctl(ep, EPOLL_CTL_ADD, m, &ev);
	ev.data.u32 = 2;
	epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
	out("  epoll, idle: %d\n", epoll_wait(ep, got, 4, 0));
	write(s, "e", 1);
	k = epoll_wait(ep, got, 4, WAIT_MS);
	out("  epoll after slave output: %d, the master %s\n", k,
	    yesno(k == 1 && got[0].data.u32 == 1));
	out("  nothing new (edge-triggered): %d\n", epoll_wait(ep, got, 4, 0));
	write(s, "f", 1);
	k = epoll_wait(ep, got, 4, WAIT_MS);
	out("  more output: %d\n", k);
	drain(m);
	write(m, "line\n", 5);
	k = epoll_wait(ep, got, 4, WAIT_MS);
	out("  after a master line: %d, the slave %s\n", k, yesno(k == 1 && got[0].data.u32 == 2));
	close(s);
	k = epoll_wait(ep, got, 4, WAIT_MS);
	out("  slave closed: %d, master events %s\n", k, k == 1 ? pmask((int)got[0].events) : "-");
	close(ep);
	close(m);
}

/* Nonblocking writes until EAGAIN; returns the bytes written. */
static long fill(int fd, char c)
{
	char buf[1000];
	long total = 0;

	memset(buf, c, sizeof buf);
	for (;;) {
		ssize_t w = write(fd, buf, sizeof buf);
		if (w < 0) {
			out("    stops with %s after %s\n", ename(errno),
			    total > 0 && total < (1 << 20) ? "a bounded amount" : "an odd amount");
			return total;
		}
		total += w;
		if (total > (16 << 20)) {
			out("    never stops\n");
			return total;
		}
	}
}

/* Reads everything fd has until it stays quiet; returns the byte count. */
static long drain_count(int fd, char c, int *bad)
{
	char buf[4096];
	long total = 0;

	for (;;) {
		if (poll1(fd, POLLIN, 500) <= 0)
			return total;
		ssize_t r = read(fd, buf, sizeof buf);
		if (r <= 0)
			return total;
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] != c)
				(*bad)++;
		total += r;
	}
}

/* A child writes len bytes of a pattern to w, blocking; the parent reads
 * them from r and checks them. nl: the slave adds CR before each NL. */
static void transfer(int w, int r, long len, int nl, const char *what)
{
	pid_t c = xfork();

	if (c == 0) {
		char buf[4096];
		long done = 0;

		while (done < len) {
			size_t k = (size_t)(len - done < (long)sizeof buf ? len - done
									  : (long)sizeof buf);
			for (size_t i = 0; i < k; i++)
				buf[i] = (done + (long)i) % 64 == 63
						 ? '\n'
						 : (char)('a' + (done + (long)i) % 26);
			ssize_t x = write(w, buf, k);
			if (x <= 0)
				_exit(1);
			done += x;
		}
		_exit(0);
	}
	long want = len + (nl ? len / 64 : 0), got = 0, pos = 0;
	int bad = 0, pending_cr = 0;
	char buf[4096];

	while (got < want) {
		if (poll1(r, POLLIN, 5000) <= 0)
			break;
		ssize_t k = read(r, buf, sizeof buf);
		if (k <= 0)
			break;
		for (ssize_t i = 0; i < k; i++) {
			char expect = pos % 64 == 63 ? '\n' : (char)('a' + pos % 26);
			if (nl && expect == '\n' && !pending_cr) {
				if (buf[i] != '\r')
					bad++;
				pending_cr = 1;
				continue;
			}
			pending_cr = 0;
			if (buf[i] != expect)
				bad++;
			pos++;
		}
		got += k;
	}
	int st = wait_for(c);
	out("  %s: all %ld bytes arrived in order %s, writer %s\n", what, len,
	    yesno(got == want && bad == 0), wstr(st));
}

/* A nonblocking writer to a reader that does not read stops with EAGAIN
 * and loses POLLOUT; the reader then gets every byte; POLLOUT is back. */
static void fill_and_drain(const char *wname, int w, const char *rname, int r)
{
	int bad = 0;

	out("  %s to a %s that does not read:\n", wname, rname);
	long wrote = fill(w, wname[0]);
	out("    %s poll now %s\n", wname, pmask(poll1(w, POLLOUT, 0)));
	long got = drain_count(r, wname[0], &bad);
	out("    %s reads it all: %s\n", rname, yesno(got == wrote && bad == 0));
	out("    %s poll again %s\n", wname, pmask(poll1(w, POLLOUT, WAIT_MS)));
}

static void test_flow(void)
{
	char path[64];
	int n, m = new_pty(path, &n), s = open_slave(path, O_RDWR);

	out("flow control:\n");
	set_raw(s);
	fcntl(m, F_SETFL, O_NONBLOCK);
	fcntl(s, F_SETFL, O_NONBLOCK);
	fill_and_drain("master", m, "slave", s);
	fill_and_drain("slave", s, "master", m);
	fcntl(m, F_SETFL, 0);
	fcntl(s, F_SETFL, 0);

	transfer(m, s, 300000, 0, "master to raw slave, blocking writer");
	transfer(s, m, 300000, 0, "raw slave to master, blocking writer");
	struct termios t;
	tcgetattr(s, &t);
	t.c_oflag |= OPOST | ONLCR;
	tcsetattr(s, TCSANOW, &t);
	transfer(s, m, 300000, 1, "slave with ONLCR to master");
	close(s);
	close(m);
}

static void test_peer(void)
{
	char path[64], name[64];
	int m = posix_openpt(O_RDWR | O_NOCTTY), n;

	out("TIOCGPTPEER:\n");
	ioctl(m, TIOCGPTN, &n);
	snprintf(path, sizeof path, "/dev/pts/%d", n);
	out("  locked: %s\n", er(ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY)));
	unlockpt(m);
	int odd = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CREAT | O_TRUNC);
	out("  O_CREAT|O_TRUNC are ignored: %s\n", er(odd));
	close(odd);
	int p = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	out("  unlocked: %s\n", er(p));
	out("  is the slave %s, O_RDWR %s, cloexec %s\n",
	    yesno(ttyname_r(p, name, sizeof name) == 0 && !strcmp(name, path)),
	    yesno((fcntl(p, F_GETFL) & O_ACCMODE) == O_RDWR),
	    yesno(fcntl(p, F_GETFD) == FD_CLOEXEC));
	write(m, "via peer\n", 9);
	char buf[64];
	ssize_t r = read_one(p, buf, sizeof buf);
	out("  reads [%s]\n", esc(buf, r));
	int ro = ioctl(m, TIOCGPTPEER, O_RDONLY | O_NOCTTY);
	out("  O_RDONLY peer: write %s\n", er(write(ro, "x", 1)));
	close(ro);
	close(p);
	close(m);
}

/* The master closes under a slave that is nobody's terminal. */
static void test_master_close(void)
{
	char path[64], buf[64];
	int n, m = new_pty(path, &n), s = open_slave(path, O_RDWR), n2;
	struct stat st;

	out("master closes:\n");
	write(m, "left\n", 5);
	poll1(s, POLLIN, WAIT_MS);
	close(m);
	out("  node: %s\n", er(stat(path, &st)));
	out("  slave poll: %s\n", pmask(poll1(s, POLLIN | POLLOUT, 0)));
	out("  read: %zd, again %zd\n", read(s, buf, sizeof buf), read(s, buf, sizeof buf));
	out("  write: %s\n", er(write(s, "x", 1)));
	struct termios t;
	int pg;
	out("  tcgetattr: %s, TIOCSPGRP: %s\n", er(tcgetattr(s, &t)), er(ioctl(s, TIOCSPGRP, &pg)));
	int m2 = new_pty(buf, &n2);
	out("  a new pty while the old slave is open gets another number: %s\n", yesno(n2 != n));
	close(m2);
	out("  close slave: %s\n", er(close(s)));
}

/* Every slave closes while the master stays. */
static void test_slave_close(void)
{
	char path[64], buf[64];
	int n, m = new_pty(path, &n), s;
	ssize_t r;

	out("slaves close:\n");
	fcntl(m, F_SETFL, O_NONBLOCK);
	out("  before any slave opened: master read %s, poll %s\n", er(read(m, buf, 1)),
	    pmask(poll1(m, POLLIN | POLLOUT, 0)));
	fcntl(m, F_SETFL, 0);
	s = open_slave(path, O_RDWR);
	int s2 = dup(s);
	write(s, "hi\n", 3);
	close(s);
	poll1(m, POLLIN, WAIT_MS);
	out("  one of two closed: poll %s\n", pmask(poll1(m, POLLIN | POLLOUT, 0)));
	close(s2);
	r = read_want(m, buf, 4);
	out("  then data first: [%s]\n", esc(buf, r));
	out("  then read: %s\n", er(read(m, buf, sizeof buf)));
	out("  poll: %s\n", pmask(poll1(m, POLLIN | POLLOUT, 0)));
	out("  master write still goes in: %zd\n", write(m, "back\n", 5));
	s = open_slave(path, O_RDWR);
	r = read_one(s, buf, sizeof buf);
	out("  a new slave reads it: [%s]\n", esc(buf, r));
	drain(m);
	fcntl(m, F_SETFL, O_NONBLOCK);
	out("  master read again: %s\n", er(read(m, buf, 1)));
	close(s);
	close(m);
}

/* Controlling terminals: open, O_NOCTTY, O_WRONLY, TIOCSCTTY, TIOCNOTTY. */
static void test_ctty(void)
{
	char path[64];
	int n, m = new_pty(path, &n);
	pid_t c;

	out("controlling terminal:\n");
	c = xfork();
	if (c == 0) {
		int s = open(path, O_RDWR);
		out("  not a session leader, open: TIOCGSID %s\n", er(ioctl(s, TIOCGSID, &n)));
		close(s);
		setsid();
		s = open(path, O_RDWR | O_NOCTTY);
		out("  leader, O_NOCTTY: TIOCGSID %s, /dev/tty %s\n", er(ioctl(s, TIOCGSID, &n)),
		    er(open("/dev/tty", O_RDWR)));
		close(s);
		s = open(path, O_WRONLY);
		out("  leader, O_WRONLY: TIOCGSID %s\n", er(ioctl(s, TIOCGSID, &n)));
		close(s);
		s = open(path, O_RDWR);
		int sid = -1, pg = -1;
		ioctl(s, TIOCGSID, &sid);
		ioctl(s, TIOCGPGRP, &pg);
		out("  leader, open: ours (sid %s, foreground %s)\n", yesno(sid == getpid()),
		    yesno(pg == getpid()));
		out("  tty_nr in /proc/self/stat is the slave's: %s\n",
		    yesno(stat_tty_nr() == (long)makedev(136, (unsigned)n)));
		int t = open("/dev/tty", O_RDWR);
		struct stat a;
		fstat(t, &a);
		out("  /dev/tty: %s, rdev 5,0 %s\n", er(t), yesno(a.st_rdev == makedev(5, 0)));
		write(t, "via dev tty\n", 12);
		expect_master(m, "  written to /dev/tty, the master reads", 13);
		out("  TIOCSCTTY again: %s\n", er(ioctl(s, TIOCSCTTY, 0)));
		signal(SIGHUP, SIG_IGN);
		const char *r1 = res(ioctl(t, TIOCNOTTY));
		out("  TIOCNOTTY: %s, then /dev/tty %s, tty_nr %ld\n", r1,
		    er(open("/dev/tty", O_RDWR)), stat_tty_nr());
		out("  TIOCSCTTY through the master: %s\n", er(ioctl(m, TIOCSCTTY, 0)));
		close(t);
		t = open("/dev/tty", O_RDWR);
		write(t, "again\n", 6);
		expect_master(m, "  then /dev/tty reaches the master", 7);
		int sid2 = -1;
		ioctl(t, TIOCGSID, &sid2);
		out("  and it is ours: %s\n", yesno(sid2 == getpid()));
		out("  master TIOCNOTTY: %s\n", er(ioctl(m, TIOCNOTTY)));
		_exit(0);
	}
	int st = wait_for(c);
	out("  child %s\n", wstr(st));

	/* Another session cannot take it while the first holds it. */
	c = xfork();
	if (c == 0) {
		setsid();
		int s = open(path, O_RDWR);
		pid_t d = fork();
		if (d == 0) {
			setsid();
			out("  a second session's TIOCSCTTY: %s\n", er(ioctl(s, TIOCSCTTY, 0)));
			_exit(0);
		}
		wait_for(d);
		_exit(0);
	}
	wait_for(c);
	close(m);
}

/* --- a child session: job control and hangup --- */

static int rep_w = -1; /* the report pipe, for the children */
static volatile sig_atomic_t got_hup, got_cont, got_ttou, got_ttin;
static int g_slave = -1;

static void say(const char *s)
{
	ssize_t w = write(rep_w, s, strlen(s));
	(void)w;
}

static void g_handler(int sig)
{
	char buf[96];

	if (sig == SIGWINCH) {
		struct winsize ws = {0, 0, 0, 0};
		ioctl(g_slave, TIOCGWINSZ, &ws);
		snprintf(buf, sizeof buf, "G: SIGWINCH, size %ux%u\n", ws.ws_row, ws.ws_col);
		say(buf);
		return;
	}
	snprintf(buf, sizeof buf, "G: %s\n",
		 sig == SIGINT	 ? "SIGINT"
		 : sig == SIGHUP ? "SIGHUP"
				 : "?");
	say(buf);
	if (sig == SIGHUP)
		_exit(0);
}

static void c_handler(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGCONT)
		got_cont = 1;
	else if (sig == SIGTTOU)
		got_ttou++;
	else if (sig == SIGTTIN)
		got_ttin++;
}

static void catch_sig(int sig, void (*h)(int), int restart)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(sig, &sa, NULL);
}

static void sayf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sayf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	say(buf);
}

/* G: starts in the background of C's session, then is the foreground. */
static void run_g(int s, int to_c)
{
	char c;
	struct termios t;

	setpgid(0, 0);
	g_slave = s;
	catch_sig(SIGTTOU, c_handler, 0);
	catch_sig(SIGTTIN, c_handler, 0);
	tcgetattr(s, &t);
	sayf("G: background tcgetattr: ok\n");
	const char *r = res(tcsetattr(s, TCSANOW, &t));
	sayf("G: background tcsetattr: %s, SIGTTOU %d\n", r, got_ttou);
	int pg = getpgrp();
	r = res(ioctl(s, TIOCSPGRP, &pg));
	sayf("G: background TIOCSPGRP: %s, SIGTTOU %d\n", r, got_ttou);
	sayf("G: background write without TOSTOP: %s\n", er(write(s, "w\n", 2)));
	signal(SIGTTOU, SIG_IGN);
	t.c_lflag |= TOSTOP;
	sayf("G: set TOSTOP with SIGTTOU ignored: %s\n", er(tcsetattr(s, TCSANOW, &t)));
	catch_sig(SIGTTOU, c_handler, 0);
	r = res(write(s, "x", 1));
	sayf("G: background write with TOSTOP: %s, SIGTTOU %d\n", r, got_ttou);
	r = res(read(s, &c, 1));
	sayf("G: background read: %s, SIGTTIN %d\n", r, got_ttin);
	signal(SIGTTIN, SIG_IGN);
	sayf("G: background read, SIGTTIN ignored: %s\n", er(read(s, &c, 1)));
	signal(SIGTTOU, SIG_IGN);
	sayf("G: background write with TOSTOP, SIGTTOU ignored: %s\n", er(write(s, "g\n", 2)));
	signal(SIGTTOU, SIG_DFL);
	signal(SIGTTIN, SIG_DFL);
	catch_sig(SIGINT, g_handler, 1);
	catch_sig(SIGWINCH, g_handler, 1);
	catch_sig(SIGHUP, g_handler, 1);
	if (write(to_c, "d", 1) != 1)
		_exit(3);
	for (;;)
		pause();
}

/* C: the session leader. Commands from the parent arrive on cmd. */
static void run_c(const char *path, int cmd)
{
	int s, g2c[2];
	pid_t g;
	char c;
	struct termios t;

	setsid();
	s = open(path, O_RDWR);
	if (s < 0)
		_exit(2);
	sayf("C: controlling terminal %s\n", yesno(tcgetsid(s) == getpid()));
	if (pipe(g2c) < 0)
		_exit(2);
	g = fork();
	if (g == 0) {
		close(g2c[0]);
		run_g(s, g2c[1]);
	}
	setpgid(g, g);
	close(g2c[1]);
	if (read(g2c[0], &c, 1) != 1)
		_exit(3);
	const char *r = res(tcsetpgrp(s, g));
	sayf("C: tcsetpgrp to G: %s, foreground G %s\n", r, yesno(tcgetpgrp(s) == g));
	/* C's group has no parent in the session: orphaned, so EIO. */
	sayf("C: background read, orphaned group: %s\n", er(read(s, &c, 1)));
	sayf("C: background write, orphaned group: %s\n", er(write(s, "c", 1)));
	sayf("pid %d\n", (int)g);
	for (;;) {
		int st;

		if (read(cmd, &c, 1) != 1)
			_exit(4);
		switch (c) {
		case 'w':
			waitpid(g, &st, WUNTRACED);
			sayf("C: G %s\n", wstr(st));
			break;
		case 'c':
			kill(g, SIGCONT);
			waitpid(g, &st, WCONTINUED);
			sayf("C: G %s\n", wstr(st));
			break;
		case 'h': {
			sigset_t block, old;

			sigemptyset(&block);
			sigaddset(&block, SIGHUP);
			sigprocmask(SIG_BLOCK, &block, &old);
			catch_sig(SIGHUP, c_handler, 1);
			catch_sig(SIGCONT, c_handler, 1);
			say("C: waiting for the hangup\n");
			while (!got_hup)
				sigsuspend(&old);
			for (int i = 0; i < 100 && !got_cont; i++)
				usleep(10000);
			sayf("C: SIGHUP %s, SIGCONT %s\n", yesno(got_hup), yesno(got_cont));
			sayf("C: read %zd, write %s\n", read(s, &c, 1), er(write(s, "x", 1)));
			sayf("C: poll %s\n", pmask(poll1(s, POLLIN | POLLOUT, 0)));
			sayf("C: tcgetattr %s, /dev/tty %s, tty_nr %ld\n", er(tcgetattr(s, &t)),
			     er(open("/dev/tty", O_RDWR)), stat_tty_nr());
			sayf("C: exits\n");
			_exit(0);
		}
		}
	}
}

/* The next report line (or "(nothing)" after a while). */
static const char *next_line(int r)
{
	static char line[256];
	size_t o = 0;

	while (o + 1 < sizeof line) {
		if (poll1(r, POLLIN, 5000) <= 0)
			break;
		if (read(r, line + o, 1) != 1)
			break;
		if (line[o] == '\n')
			break;
		o++;
	}
	line[o] = 0;
	return o ? line : "(nothing)";
}

static void test_session(void)
{
	char path[64];
	int n, m = new_pty(path, &n), rep[2], cmd[2];
	pid_t c, g = -1;

	out("child session:\n");
	if (pipe(rep) < 0 || pipe(cmd) < 0)
		die("pipe");
	c = xfork();
	if (c == 0) {
		close(m);
		close(rep[0]);
		close(cmd[1]);
		rep_w = rep[1];
		run_c(path, cmd[0]);
	}
	close(rep[1]);
	close(cmd[0]);
	for (int i = 0; i < 20; i++) {
		const char *l = next_line(rep[0]);

		if (!strncmp(l, "pid ", 4)) {
			g = atoi(l + 4);
			break;
		}
		out("  %s\n", l);
		if (!strcmp(l, "(nothing)"))
			break;
	}
	expect_master(m, "  the background writes let through", 6);
	int pg = -1;
	ioctl(m, TIOCGPGRP, &pg);
	out("  master TIOCGPGRP is G: %s\n", yesno(pg == g));
	int sid = -1;
	ioctl(m, TIOCGSID, &sid);
	out("  master TIOCGSID is C: %s\n", yesno(sid == c));

	write(m, "\x03", 1);
	out("  ^C: %s\n", next_line(rep[0]));
	expect_master(m, "  echo", 2);
	struct winsize ws = {30, 100, 0, 0};
	ioctl(m, TIOCSWINSZ, &ws);
	out("  TIOCSWINSZ: %s\n", next_line(rep[0]));
	ioctl(m, TIOCSWINSZ, &ws);
	out("  the same size again sends nothing: %s\n", yesno(quiet(rep[0])));
	out("  TIOCSIG SIGINT: %s", er(ioctl(m, TIOCSIG, SIGINT)));
	out(", %s\n", next_line(rep[0]));
	out("  TIOCSIG SIGKILL: %s\n", er(ioctl(m, TIOCSIG, SIGKILL)));
	write(m, "\x1a", 1);
	expect_master(m, "  ^Z echo", 2);
	write(cmd[1], "w", 1);
	out("  %s\n", next_line(rep[0]));
	write(cmd[1], "c", 1);
	out("  %s\n", next_line(rep[0]));
	write(cmd[1], "h", 1);
	out("  %s\n", next_line(rep[0]));
	close(m);
	for (int i = 0; i < 5; i++)
		out("  %s\n", next_line(rep[0]));
	out("  C %s\n", wstr(wait_for(c)));
	out("  then %s\n", next_line(rep[0]));
	out("  node gone: %s\n", er(access(path, F_OK)));
	close(rep[0]);
	close(cmd[1]);
}

static void test_limits(void)
{
	char buf[32];
	int fd = open("/proc/sys/kernel/pty/max", O_RDONLY);
	ssize_t r = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);

	if (fd >= 0)
		close(fd);
	buf[r > 0 ? r : 0] = 0;
	out("pty/max readable: %s, at least 1024: %s\n", yesno(r > 0), yesno(atoi(buf) >= 1024));
	fd = open("/proc/sys/kernel/pty/nr", O_RDONLY);
	r = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	out("pty/nr readable: %s\n", yesno(r > 0));
}

int main(void)
{
	need_devpts();
	test_open();
	test_canonical();
	test_raw();
	test_packet();
	test_poll();
	test_flow();
	test_peer();
	test_master_close();
	test_slave_close();
	test_ctty();
	test_session();
	test_limits();
	tg_exit();
}
