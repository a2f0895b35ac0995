/*
 * t_fdkinds: the file descriptors that are not files, as systemd-style
 * event loops, shells and language runtimes use them: timerfd (one-shot,
 * periodic with overruns, absolute, gettime, disarm, poll), signalfd
 * (blocked signals read as records, the mask update, poll, with sigqueue
 * values and SIGCHLD details), memfd_create (a file with no name: size,
 * mapping, /proc link, seals and what each forbids), pidfds (poll on
 * exit, pidfd_send_signal, waitid P_PIDFD, pidfd_getfd, CLONE_PIDFD) and
 * membarrier's registration rules.
 */
#include "tg.h"

#include <sched.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <linux/membarrier.h>
#include <linux/sched.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int readable(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static void timerfds(void)
{
	struct itimerspec its = {0}, cur;
	uint64_t n = 0;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);

	out("timerfd_create: %s\n", er(fd));
	out("timerfd bad clock: %s\n", er(timerfd_create(12345, 0)));
	out("timerfd bad flags: %s\n", er(timerfd_create(CLOCK_MONOTONIC, 0x40)));
	out("read unarmed (nonblocking): %s\n", er(read(fd, &n, 8)));
	out("read short buffer: %s\n", er(read(fd, &n, 4)));

	its.it_value.tv_nsec = 50 * 1000000;
	int64_t t0 = mono_ns();
	out("arm one-shot 50 ms: %s\n", er(timerfd_settime(fd, 0, &its, NULL)));
	timerfd_gettime(fd, &cur);
	out("gettime shows time left <= 50 ms, > 0: %s\n",
	    yesno(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
		  cur.it_value.tv_nsec <= 50000000));
	out("not yet readable: %s\n", yesno(!readable(fd, 0)));
	out("readable within 1 s: %s\n", yesno(readable(fd, 1000)));
	out("fired after >= 50 ms: %s\n", yesno(mono_ns() - t0 >= 50000000));
	long rr = read(fd, &n, 8);
	out("read expirations: %s %llu\n", er(rr), (unsigned long long)n);
	timerfd_gettime(fd, &cur);
	out("one-shot disarmed after firing: %s\n",
	    yesno(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0));

	/* Periodic: expirations accumulate while nobody reads. */
	its.it_value.tv_nsec = 10 * 1000000;
	its.it_interval.tv_nsec = 10 * 1000000;
	timerfd_settime(fd, 0, &its, NULL);
	usleep(120000);
	read(fd, &n, 8);
	out("periodic 10 ms, 120 ms later: >= 5 expirations: %s\n", yesno(n >= 5 && n <= 20));
	timerfd_gettime(fd, &cur);
	out("interval reported: %ld ns\n", cur.it_interval.tv_nsec);
	struct itimerspec zero = {0}, old;
	timerfd_settime(fd, 0, &zero, &old);
	out("disarm returns the old interval: %ld ns\n", old.it_interval.tv_nsec);
	usleep(30000);
	out("disarmed: nothing to read: %s\n", er(read(fd, &n, 8)));

	/* Absolute deadlines already past fire at once; periods since count
	 * (at -250, -150 and -50 ms). The boot clock of a fresh machine may
	 * be younger than a second, so stay within its first 250 ms. */
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec == 0 && now.tv_nsec < 300000000)
		usleep(300000);
	clock_gettime(CLOCK_MONOTONIC, &now);
	its.it_value = now;
	its.it_value.tv_nsec -= 250000000;
	if (its.it_value.tv_nsec < 0) {
		its.it_value.tv_sec--;
		its.it_value.tv_nsec += 1000000000;
	}
	its.it_interval.tv_sec = 0;
	its.it_interval.tv_nsec = 100 * 1000000;
	timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
	read(fd, &n, 8);
	out("absolute 250 ms ago, every 100 ms: %llu expirations\n", (unsigned long long)n);
	timerfd_gettime(fd, &cur);
	out("  next in (0, 50] ms: %s\n",
	    yesno(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
		  cur.it_value.tv_nsec <= 50000000));
	timerfd_settime(fd, 0, &zero, NULL);
	/* The same on the wall clock, a minute ago, every 7 s. */
	int rt = timerfd_create(CLOCK_REALTIME, 0);
	clock_gettime(CLOCK_REALTIME, &now);
	its.it_value = now;
	its.it_value.tv_sec -= 60;
	its.it_interval.tv_sec = 7;
	its.it_interval.tv_nsec = 0;
	timerfd_settime(rt, TFD_TIMER_ABSTIME, &its, NULL);
	read(rt, &n, 8);
	out("realtime absolute 60 s ago, every 7 s: %llu expirations\n", (unsigned long long)n);
	timerfd_gettime(rt, &cur);
	out("  next in 3 s: %s\n", yesno(cur.it_value.tv_sec == 2));
	timerfd_settime(rt, 0, &zero, NULL);

	struct timespec rnow;
	clock_gettime(CLOCK_REALTIME, &rnow);
	its.it_value = rnow;
	its.it_value.tv_nsec += 30000000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	its.it_interval.tv_nsec = 0;
	timerfd_settime(rt, TFD_TIMER_ABSTIME, &its, NULL);
	rr = read(rt, &n, 8);
	out("realtime absolute +30 ms: blocking read: %s %llu\n", er(rr), (unsigned long long)n);
	its.it_value.tv_nsec = 1000000000;
	out("settime bad nsec: %s\n", er(timerfd_settime(rt, 0, &its, NULL)));
	out("settime bad flags: %s\n", er(timerfd_settime(rt, 0x100, &zero, NULL)));
	out("settime on a non-timerfd: %s\n", er(timerfd_settime(0, 0, &zero, NULL)));
	out("gettime bad fd: %s\n", er(timerfd_gettime(999, &cur)));
	close(rt);

	/* In epoll, as event loops use it. */
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 20000000;
	its.it_interval.tv_nsec = 0;
	timerfd_settime(fd, 0, &its, NULL);
	struct epoll_event got;
	int k = epoll_wait(ep, &got, 1, 1000);
	out("epoll reports the timer: %d %u\n", k, got.data.u32);
	close(ep);

	char link[64], target[64] = "";
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t l = readlink(link, target, sizeof target - 1);
	if (l > 0)
		target[l] = 0;
	out("/proc link: %s\n", target);
	close(fd);
}

static void signalfds(void)
{
	sigset_t mask;
	struct signalfd_siginfo si[4];
	int fd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGRTMIN);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	out("signalfd: %s\n", er(fd));
	out("nothing pending: %s\n", er(read(fd, si, sizeof si)));
	out("short buffer: %s\n", er(read(fd, si, 100)));
	out("not readable: %s\n", yesno(!readable(fd, 0)));
	kill(getpid(), SIGUSR1);
	out("readable after kill: %s\n", yesno(readable(fd, 0)));
	union sigval v = {.sival_int = 4242};
	sigqueue(getpid(), SIGRTMIN, v);
	sigqueue(getpid(), SIGRTMIN, v);
	ssize_t r = read(fd, si, sizeof si);
	out("read: %zd bytes\n", r);
	for (int i = 0; i < r / (ssize_t)sizeof si[0]; i++)
		out("  signo %s code %s pid %s int %d\n",
		    si[i].ssi_signo == SIGUSR1		    ? "USR1"
		    : si[i].ssi_signo == (unsigned)SIGRTMIN ? "RTMIN"
							    : "?",
		    si[i].ssi_code == SI_USER	 ? "SI_USER"
		    : si[i].ssi_code == SI_QUEUE ? "SI_QUEUE"
						 : "?",
		    si[i].ssi_pid == (unsigned)getpid() ? "self" : "other", si[i].ssi_int);
	sigset_t pend;
	sigpending(&pend);
	out("consumed (not pending): %s\n",
	    yesno(!sigismember(&pend, SIGUSR1) && !sigismember(&pend, SIGRTMIN)));

	pid_t c = fork();
	if (c == 0)
		_exit(7);
	out("SIGCHLD readable: %s\n", yesno(readable(fd, 2000)));
	r = read(fd, si, sizeof si);
	out("SIGCHLD record: %s status %d pid %s code %s\n", r == sizeof si[0] ? "one" : "?",
	    si[0].ssi_status, si[0].ssi_pid == (unsigned)c ? "child" : "?",
	    si[0].ssi_code == CLD_EXITED ? "CLD_EXITED" : "?");
	waitpid(c, NULL, 0);

	/* Changing the mask of an existing signalfd. */
	sigset_t only2;
	sigemptyset(&only2);
	sigaddset(&only2, SIGUSR2);
	sigaddset(&only2, SIGKILL); /* silently ignored */
	sigprocmask(SIG_BLOCK, &only2, NULL);
	out("update mask: %s\n", yesno(signalfd(fd, &only2, 0) == fd));
	kill(getpid(), SIGUSR1);
	out("USR1 no longer read: %s\n", er(read(fd, si, sizeof si)));
	kill(getpid(), SIGUSR2);
	r = read(fd, si, sizeof si);
	out("USR2 read: %s\n", yesno(r == sizeof si[0] && si[0].ssi_signo == SIGUSR2));
	out("signalfd bad size: %s\n", er(syscall(SYS_signalfd4, -1, &mask, 4, 0)));
	out("signalfd bad flags: %s\n", er(syscall(SYS_signalfd4, -1, &mask, 8, 0x10)));
	out("signalfd on a non-signalfd: %s\n", er(signalfd(0, &mask, 0)));
	sigtimedwait(&mask, NULL, &(struct timespec){0, 0}); /* drop the USR1 */
	close(fd);

	/* A blocking read sleeps until the signal comes. */
	fd = signalfd(-1, &mask, 0);
	c = fork();
	if (c == 0) {
		usleep(50000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	r = read(fd, si, sizeof si);
	out("blocking read woke with: %s\n", r > 0 && si[0].ssi_signo == SIGUSR1 ? "USR1" : "?");
	waitpid(c, NULL, 0);
	sigtimedwait(&mask, NULL, &(struct timespec){0, 0}); /* the SIGCHLD, if still there */
	close(fd);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
	sigprocmask(SIG_UNBLOCK, &only2, NULL);
}

static void memfds(void)
{
	int fd = memfd_create("t_fdkinds", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	struct stat st;
	char buf[64], link[64], target[128] = "";

	out("memfd_create: %s\n", er(fd));
	fstat(fd, &st);
	out("regular, empty, mode %o\n", st.st_mode & 07777);
	out("write: %zd\n", write(fd, "hello memfd", 11));
	out("pread: %zd\n", pread(fd, buf, sizeof buf, 0));
	out("ftruncate 8192: %s\n", er(ftruncate(fd, 8192)));
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	out("mmap shared: %s\n", yesno(m != MAP_FAILED));
	memcpy(m + 4096, "via map", 7);
	pread(fd, buf, 7, 4096);
	buf[7] = 0;
	out("write through the map seen by read: %s\n", buf);
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t l = readlink(link, target, sizeof target - 1);
	if (l > 0)
		target[l] = 0;
	out("/proc link starts with /memfd:t_fdkinds: %s\n",
	    yesno(!strncmp(target, "/memfd:t_fdkinds", 16)));
	int again = open(link, O_RDWR);
	out("reopen through /proc: %s\n", er(again));
	out("  same file: %zd\n", pread(again, buf, 5, 0));
	out("get seals: %d\n", fcntl(fd, F_GET_SEALS));
	out("seal write while mapped writable: %s\n", er(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)));
	munmap(m, 8192);
	out("seal shrink+grow: %s\n", er(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)));
	out("  shrink: %s\n", er(ftruncate(fd, 100)));
	out("  grow: %s\n", er(ftruncate(fd, 10000)));
	out("  same size: %s\n", er(ftruncate(fd, 8192)));
	out("  reopen with O_TRUNC: %s\n", er(open(link, O_RDWR | O_TRUNC)));
	out("  write past the end: %s\n", er(pwrite(fd, "x", 1, 8192)));
	out("  write inside: %s\n", er(pwrite(fd, "x", 1, 100)));
	out("  fallocate past the end: %s\n", er(fallocate(fd, 0, 0, 10000)));
	out("seal write: %s\n", er(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)));
	out("  write: %s\n", er(pwrite(again, "x", 1, 0)));
	out("  map shared writable: %s\n",
	    yesno(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED));
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	out("  map shared read-only: %s\n", yesno(m != MAP_FAILED));
	out("  mprotect it writable: %s\n", er(mprotect(m, 4096, PROT_READ | PROT_WRITE)));
	munmap(m, 4096);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	out("  map private writable: %s\n", yesno(m != MAP_FAILED));
	munmap(m, 4096);
	out("seal seal: %s\n", er(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL)));
	out("get seals: %d\n", fcntl(fd, F_GET_SEALS));
	out("add after seal: %s\n", er(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE)));
	close(again);
	close(fd);

	fd = memfd_create("nosealing", 0);
	out("without ALLOW_SEALING: seals %d, add %s\n", fcntl(fd, F_GET_SEALS),
	    er(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)));
	close(fd);
	int ro = open("/proc/self/exe", O_RDONLY);
	out("seals on a plain file: %s\n", er(fcntl(ro, F_GET_SEALS)));
	close(ro);
	fd = memfd_create("ro", MFD_ALLOW_SEALING);
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ro = open(link, O_RDONLY);
	out("add seals through a read-only fd: %s\n", er(fcntl(ro, F_ADD_SEALS, F_SEAL_GROW)));
	out("bad seal bits: %s\n", er(fcntl(fd, F_ADD_SEALS, 0x1000)));
	close(ro);
	close(fd);
	char longname[300];
	memset(longname, 'n', sizeof longname);
	longname[249] = 0;
	fd = memfd_create(longname, 0);
	out("249-byte name: %s\n", er(fd));
	close(fd);
	longname[249] = 'n';
	longname[250] = 0;
	out("250-byte name: %s\n", er(memfd_create(longname, 0)));
	out("bad flags: %s\n", er(memfd_create("x", 0x100)));
	out("bad name pointer: %s\n", er(memfd_create((char *)8, 0)));
}

static void pidfds(void)
{
	int p[2];
	char c;

	if (pipe(p) < 0)
		die("pipe");
	pid_t kid = fork();
	if (kid == 0) {
		close(p[1]);
		read(p[0], &c, 1);
		_exit(3);
	}
	int pfd = syscall(SYS_pidfd_open, kid, 0);
	out("pidfd_open: %s\n", er(pfd));
	out("close-on-exec: %s\n", yesno(fcntl(pfd, F_GETFD) & FD_CLOEXEC));
	out("not readable while it runs: %s\n", yesno(!readable(pfd, 50)));
	out("send signal 0: %s\n", er(syscall(SYS_pidfd_send_signal, pfd, 0, NULL, 0)));
	out("send with flags: %s\n", er(syscall(SYS_pidfd_send_signal, pfd, 0, NULL, 0x8000)));
	/* Take the child's pipe end through its pidfd. */
	int stolen = syscall(SYS_pidfd_getfd, pfd, p[0], 0);
	out("pidfd_getfd: %s\n", er(stolen));
	out("  close-on-exec: %s\n", yesno(fcntl(stolen, F_GETFD) & FD_CLOEXEC));
	out("  bad target fd: %s\n", er(syscall(SYS_pidfd_getfd, pfd, 999, 0)));
	close(stolen);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	long wr = waitid(P_PIDFD, pfd, &si, WEXITED | WNOHANG);
	out("waitid P_PIDFD WNOHANG while running: %s pid %d\n", er(wr), si.si_pid);
	close(p[1]);
	out("readable after exit: %s\n", yesno(readable(pfd, 2000)));
	memset(&si, 0, sizeof si);
	wr = waitid(P_PIDFD, pfd, &si, WEXITED);
	out("waitid P_PIDFD: %s status %d code %s\n", er(wr), si.si_status,
	    si.si_code == CLD_EXITED ? "CLD_EXITED" : "?");
	out("signal after reaping: %s\n",
	    er(syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0)));
	out("waitid again: %s\n", er(waitid(P_PIDFD, pfd, &si, WEXITED)));
	close(pfd);
	close(p[0]);

	/* Killing through a pidfd. */
	kid = fork();
	if (kid == 0) {
		pause();
		_exit(0);
	}
	pfd = syscall(SYS_pidfd_open, kid, PIDFD_NONBLOCK);
	out("nonblocking waitid on a live child: %s\n", er(waitid(P_PIDFD, pfd, &si, WEXITED)));
	out("pidfd_send_signal SIGKILL: %s\n",
	    er(syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0)));
	int st;
	waitpid(kid, &st, 0);
	out("child killed: %s\n", yesno(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL));
	close(pfd);

	out("pidfd_open no such pid: %s\n", er(syscall(SYS_pidfd_open, 0x3ffffff0, 0)));
	out("pidfd_open bad pid: %s\n", er(syscall(SYS_pidfd_open, -1, 0)));
	out("pidfd_open bad flags: %s\n", er(syscall(SYS_pidfd_open, getpid(), 1)));
	out("send on a non-pidfd: %s\n", er(syscall(SYS_pidfd_send_signal, 0, 0, NULL, 0)));
	out("waitid P_PIDFD bad fd: %s\n", er(waitid(P_PIDFD, 999, &si, WEXITED)));

	/* clone3 with CLONE_PIDFD. */
	int cpfd = -1;
	struct clone_args ca = {
		.flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&cpfd, .exit_signal = SIGCHLD};
	long r = syscall(SYS_clone3, &ca, sizeof ca);
	if (r == 0)
		_exit(9);
	out("clone3 CLONE_PIDFD: %s, pidfd set: %s\n", r > 0 ? "ok" : ename(errno),
	    yesno(cpfd >= 0));
	memset(&si, 0, sizeof si);
	waitid(P_PIDFD, cpfd, &si, WEXITED);
	out("  waited through it: status %d pid matches %s\n", si.si_status, yesno(si.si_pid == r));
	close(cpfd);
	ca.flags = CLONE_PIDFD | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
	out("CLONE_PIDFD with CLONE_THREAD: %s\n", er(syscall(SYS_clone3, &ca, sizeof ca)));
}

static void membarriers(void)
{
	long q = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

	out("query: has GLOBAL, PRIVATE_EXPEDITED and its registration: %s\n",
	    yesno(q > 0 && (q & MEMBARRIER_CMD_GLOBAL) && (q & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
		  (q & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED)));
	out("global: %s\n", er(syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0)));
	out("private expedited unregistered: %s\n",
	    er(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0)));
	out("register: %s\n",
	    er(syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0)));
	out("private expedited: %s\n",
	    er(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0)));
	out("bad flags: %s\n", er(syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 4, 0)));
	out("bad command: %s\n", er(syscall(SYS_membarrier, 1 << 20, 0, 0)));
}

int main(void)
{
	timerfds();
	signalfds();
	memfds();
	pidfds();
	membarriers();
	tg_exit();
}
