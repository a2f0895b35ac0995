/*
 * t_locks: advisory file locks as dpkg, apt, sqlite and flock(1) use them.
 * POSIX record locks (conflicts between processes, ranges split and
 * merged, F_GETLK's answer, release on any close by the owner, not
 * inherited by fork, F_SETLKW sleeping until release, EDEADLK, EINTR, the
 * errnos of bad requests), open-file-description locks (owned by the open
 * file, shared across fork, conflicting with POSIX locks) and flock(2)
 * (independent of the others, shared by dup and fork, released with the
 * last descriptor), and the /proc/locks line of a held lock.
 */
#include "tg.h"

#include <sys/file.h>
#include <sys/time.h>

static const char *path;

static int lk(int fd, int cmd, short type, short whence, off_t start, off_t len)
{
	struct flock fl = {.l_type = type, .l_whence = whence, .l_start = start, .l_len = len};

	return fcntl(fd, cmd, &fl);
}

/* F_GETLK (or F_OFD_GETLK) for a write lock over [start, start+len). */
static void show_getlk(const char *what, int fd, int cmd, off_t start, off_t len, pid_t owner)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len};

	if (fcntl(fd, cmd, &fl) < 0) {
		out("%s: %s\n", what, ename(errno));
		return;
	}
	if (fl.l_type == F_UNLCK) {
		out("%s: unlocked\n", what);
		return;
	}
	out("%s: %s start %lld len %lld pid %s\n", what, fl.l_type == F_WRLCK ? "write" : "read",
	    (long long)fl.l_start, (long long)fl.l_len,
	    fl.l_pid == owner ? "owner"
	    : fl.l_pid == -1  ? "-1"
			      : "other");
}

/* Runs fn in a child process and waits for it (a different lock owner). */
static void in_child(void (*fn)(pid_t), pid_t parent)
{
	pid_t p = fork();

	if (p == 0) {
		fn(parent);
		_exit(0);
	}
	waitpid(p, NULL, 0);
}

static void probe_basic(pid_t parent)
{
	int fd = open(path, O_RDWR);

	out("child write [5,6) over parent's [0,10): %s\n",
	    er(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, 1)));
	out("child read [10,20) beside it: %s\n", er(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 10)));
	show_getlk("child getlk [0,1)", fd, F_GETLK, 0, 1, parent);
	show_getlk("child getlk [100,EOF)", fd, F_GETLK, 100, 0, parent);
	close(fd);
}

static void probe_split(pid_t parent)
{
	int fd = open(path, O_RDWR);

	show_getlk("hole [45,46)", fd, F_GETLK, 45, 1, parent);
	show_getlk("head [30,50)", fd, F_GETLK, 30, 20, parent);
	show_getlk("tail [50,70)", fd, F_GETLK, 50, 20, parent);
	close(fd);
}

static void probe_merge(pid_t parent)
{
	int fd = open(path, O_RDWR);

	show_getlk("merged reads", fd, F_GETLK, 0, 1, parent);
	out("child read lock over them: %s\n", er(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 20)));
	show_getlk("upgraded middle", fd, F_GETLK, 0, 30, parent);
	close(fd);
}

static void probe_none(pid_t parent)
{
	int fd = open(path, O_RDWR);

	show_getlk("after close of another fd", fd, F_GETLK, 0, 0, parent);
	close(fd);
}

static void probe_inherit(pid_t parent)
{
	int fd = open(path, O_RDWR);

	/* The child's unlock is its own: the parent's lock stays. */
	lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	show_getlk("child sees parent's lock", fd, F_GETLK, 0, 1, parent);
	close(fd);
}

static void probe_negative(pid_t parent)
{
	int fd = open(path, O_RDWR);

	show_getlk("negative length lock", fd, F_GETLK, 0, 0, parent);
	close(fd);
}

static void posix_locks(void)
{
	pid_t me = getpid();
	int fd = open(path, O_RDWR), fd2;

	out("write [0,10): %s\n", er(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10)));
	out("own overlapping write: %s\n", er(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, 10)));
	out("own downgrade to read: %s\n", er(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 5)));
	in_child(probe_basic, me);
	lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);

	lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100);
	lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 40, 20);
	in_child(probe_split, me);
	lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);

	lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10);
	lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 10);
	lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 20, 10);
	in_child(probe_merge, me);
	lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);

	/* Closing any descriptor of the file drops the process's locks. */
	lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0);
	fd2 = open(path, O_RDONLY);
	close(fd2);
	in_child(probe_none, me);

	lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0);
	in_child(probe_inherit, me);

	/* Relative positions and negative lengths. */
	lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	lseek(fd, 50, SEEK_SET);
	out("SEEK_CUR -10 len -5: %s\n", er(lk(fd, F_SETLK, F_WRLCK, SEEK_CUR, -10, -5)));
	in_child(probe_negative, me);
	close(fd);
}

static void bad_requests(void)
{
	int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY);
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_pid = 1};

	out("write lock on read-only fd: %s\n", er(lk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1)));
	out("read lock on write-only fd: %s\n", er(lk(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 1)));
	out("bad type: %s\n", er(lk(ro, F_SETLK, 7, SEEK_SET, 0, 1)));
	out("bad whence: %s\n", er(lk(ro, F_SETLK, F_RDLCK, 9, 0, 1)));
	out("negative start: %s\n", er(lk(ro, F_SETLK, F_RDLCK, SEEK_SET, -1, 1)));
	out("getlk of unlock: %s\n", er(lk(ro, F_GETLK, F_UNLCK, SEEK_SET, 0, 1)));
	out("ofd setlk with l_pid set: %s\n", er(fcntl(ro, F_OFD_SETLK, &fl)));
	out("setlk bad fd: %s\n", er(lk(999, F_SETLK, F_RDLCK, SEEK_SET, 0, 1)));
	out("setlk bad address: %s\n", er(fcntl(ro, F_SETLK, (void *)8)));
	close(ro);
	close(wo);
}

/* F_SETLKW sleeps until the holder lets go; the waiter then has it. */
static void blocking(void)
{
	int fd = open(path, O_RDWR), p[2];
	char c = 0;
	pid_t kid;

	lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0);
	if (pipe(p) < 0)
		die("pipe");
	kid = fork();
	if (kid == 0) {
		int cfd = open(path, O_RDWR);

		close(p[0]);
		int r = lk(cfd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 0);
		c = r == 0 ? 'y' : 'n';
		if (write(p[1], &c, 1) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	struct pollfd pfd = {.fd = p[0], .events = POLLIN};
	out("waiter still asleep after 200 ms: %s\n", yesno(poll(&pfd, 1, 200) == 0));
	lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	out("waiter got the lock after unlock: %s\n", yesno(read(p[0], &c, 1) == 1 && c == 'y'));
	out("now the parent is refused: %s\n", er(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1)));
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	out("after the waiter died: %s\n", er(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1)));
	close(p[0]);
	close(fd);
}

/* A holds byte 0 and waits for byte 1; B holds byte 1: B asking for
 * byte 0 would wait forever, so it is refused. */
static void deadlock(void)
{
	int fd = open(path, O_RDWR), go[2], done[2];
	char c;
	pid_t a;

	if (pipe(go) < 0 || pipe(done) < 0)
		die("pipe");
	lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1);
	a = fork();
	if (a == 0) {
		int afd = open(path, O_RDWR);

		lk(afd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
		if (write(go[1], "g", 1) < 0)
			_exit(1);
		c = lk(afd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1) == 0 ? 'y' : 'n';
		if (write(done[1], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	if (read(go[0], &c, 1) != 1)
		die("read");
	usleep(200000); /* let A fall asleep in F_SETLKW */
	out("closing the cycle: %s\n", er(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1)));
	lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 1, 1);
	out("A then gets byte 1: %s\n", yesno(read(done[0], &c, 1) == 1 && c == 'y'));
	waitpid(a, NULL, 0);
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
	close(fd);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void interrupted(void)
{
	int fd = open(path, O_RDWR), p[2];
	struct sigaction sa = {.sa_handler = on_alarm};
	struct itimerval it = {.it_value = {0, 100000}};
	pid_t holder;
	char c;

	if (pipe(p) < 0)
		die("pipe");
	holder = fork();
	if (holder == 0) {
		int hfd = open(path, O_RDWR);

		lk(hfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0);
		if (write(p[1], "h", 1) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	if (read(p[0], &c, 1) != 1)
		die("read");
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	out("setlkw interrupted by a signal: %s\n", er(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1)));
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	close(p[0]);
	close(p[1]);
	close(fd);
}

static void ofd_locks(void)
{
	int a = open(path, O_RDWR), b = open(path, O_RDWR);
	pid_t kid;

	out("ofd write on a: %s\n", er(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10)));
	out("ofd write on b, same process: %s\n", er(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10)));
	out("posix write on b, same process: %s\n", er(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 5, 1)));
	show_getlk("ofd getlk from b", b, F_OFD_GETLK, 0, 1, 0);
	show_getlk("posix getlk from b", b, F_GETLK, 0, 1, 0);
	kid = fork();
	if (kid == 0) {
		/* The inherited description owns the lock: no conflict. */
		out("child ofd write on inherited a: %s\n",
		    er(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10)));
		_exit(0);
	}
	waitpid(kid, NULL, 0);
	close(a);
	out("after the last close of a: %s\n", er(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10)));
	close(b);
}

static void flock_locks(void)
{
	int a = open(path, O_RDWR), b = open(path, O_RDONLY), c = open(path, O_RDONLY), d;
	pid_t kid;

	out("flock ex on a: %s\n", er(flock(a, LOCK_EX)));
	out("flock ex|nb on b: %s\n", er(flock(b, LOCK_EX | LOCK_NB)));
	out("flock sh|nb on b: %s\n", er(flock(b, LOCK_SH | LOCK_NB)));
	out("posix write beside flock: %s\n", er(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 0)));
	lk(a, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	out("ex again on a: %s\n", er(flock(a, LOCK_EX)));
	out("convert a to sh: %s\n", er(flock(a, LOCK_SH)));
	out("sh on b now: %s\n", er(flock(b, LOCK_SH | LOCK_NB)));
	out("ex on c under two sh: %s\n", er(flock(c, LOCK_EX | LOCK_NB)));
	flock(b, LOCK_UN);
	d = dup(a);
	close(a);
	out("ex on c while a dup holds sh: %s\n", er(flock(c, LOCK_EX | LOCK_NB)));
	kid = fork();
	if (kid == 0) {
		flock(d, LOCK_UN); /* the shared description lets go */
		_exit(0);
	}
	waitpid(kid, NULL, 0);
	out("ex on c after the child's unlock: %s\n", er(flock(c, LOCK_EX | LOCK_NB)));
	out("flock bad op: %s\n", er(flock(c, 0)));
	out("flock bad fd: %s\n", er(flock(999, LOCK_SH)));

	/* A blocked flock wakes when the holder's last descriptor closes. */
	int p[2];

	if (pipe(p) < 0)
		die("pipe");
	kid = fork();
	if (kid == 0) {
		int e = open(path, O_RDONLY);

		close(c); /* the parent's close must be the last one */
		char ch = flock(e, LOCK_EX) == 0 ? 'y' : 'n';

		if (write(p[1], &ch, 1) < 0)
			_exit(1);
		_exit(0);
	}
	struct pollfd pfd = {.fd = p[0], .events = POLLIN};
	char ch = 0;
	out("flock waiter asleep: %s\n", yesno(poll(&pfd, 1, 200) == 0));
	close(c);
	out("flock waiter woke on close: %s\n", yesno(read(p[0], &ch, 1) == 1 && ch == 'y'));
	waitpid(kid, NULL, 0);
	close(d);
	close(p[0]);
	close(p[1]);
}

/* /proc/locks lists a held POSIX lock with its process and inode. */
static void proc_locks(void)
{
	int fd = open(path, O_RDWR);
	struct stat st;
	char buf[65536], want[64];
	int pfd, n, found = 0;

	fstat(fd, &st);
	lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 3, 5);
	snprintf(want, sizeof want, ":%llu 3 7", (unsigned long long)st.st_ino);
	pfd = open("/proc/locks", O_RDONLY);
	n = pfd < 0 ? -1 : (int)read(pfd, buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = 0;
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			char pid[32];

			snprintf(pid, sizeof pid, " %d ", getpid());
			if (strstr(line, want) && strstr(line, "POSIX") && strstr(line, "WRITE") &&
			    strstr(line, pid))
				found = 1;
		}
	}
	out("/proc/locks shows it: %s\n", yesno(found));
	if (pfd >= 0)
		close(pfd);
	close(fd);
}

int main(void)
{
	const char *dir = mk_tmpdir("t_locks");
	static char file[512];

	snprintf(file, sizeof file, "%s/f", dir);
	path = file;
	int fd = open(path, O_CREAT | O_RDWR, 0644);
	if (fd < 0 || write(fd, "0123456789", 10) != 10)
		die("setup");
	close(fd);
	posix_locks();
	bad_requests();
	blocking();
	deadlock();
	interrupted();
	ofd_locks();
	flock_locks();
	proc_locks();
	tg_cleanup();
	tg_exit();
}
