/*
 * Shared helpers for the guest tests (tests/guest/t_*.c).
 *
 * Every guest test is a static program run twice: natively on the host and
 * inside ./linux. Its stdout must be identical in both, so tests print only
 * deterministic facts: relations ("pid>0: yes"), errno names, values the
 * test itself chose. Output goes through out(), which write(2)s each line
 * at once (no stdio buffer that a fork could duplicate or a crash could
 * lose).
 *
 * check() prints "<what>: ok" or "<what>: FAIL" and remembers failures;
 * tg_exit() exits 1 if anything failed, 0 otherwise.
 */
#ifndef TG_H
#define TG_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int tg_failures __attribute__((unused));

__attribute__((unused, format(printf, 1, 2))) static void out(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	int saved = errno;
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(1, p, (size_t)n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		n -= (int)w;
	}
	errno = saved;
}

/* "yes"/"no" for relations. */
static inline const char *yesno(int cond)
{
	return cond ? "yes" : "no";
}

/* The symbolic name of an errno value ("ENOENT"). */
static inline const char *ename(int e)
{
	const char *s = e ? strerrorname_np(e) : "0";
	return s ? s : "E?";
}

/*
 * "ok" when a system call result r is >= 0, else the errno name. Use at
 * most one er() per out() call: argument evaluation order is unspecified.
 */
static inline const char *er(long r)
{
	return r < 0 ? ename(errno) : "ok";
}

__attribute__((unused, format(printf, 2, 3))) static void check(int cond, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	out("%s: %s\n", buf, cond ? "ok" : "FAIL");
	if (!cond)
		tg_failures++;
}

/*
 * A fresh scratch directory /tmp/<name>.<pid> (the pid never appears in
 * the output). Removed again by tg_cleanup().
 */
static inline void rm_rf(const char *path);

static char tg_tmp[256] __attribute__((unused));
static pid_t tg_tmp_owner __attribute__((unused));

static inline const char *mk_tmpdir(const char *name)
{
	snprintf(tg_tmp, sizeof tg_tmp, "/tmp/%s.%d", name, (int)getpid());
	rm_rf(tg_tmp);
	if (mkdir(tg_tmp, 0755) < 0) {
		out("FATAL: cannot create the scratch directory (errno %s)\n", ename(errno));
		_exit(2);
	}
	tg_tmp_owner = getpid();
	return tg_tmp;
}

/* Only the process that made the directory removes it. */
static inline void tg_cleanup(void)
{
	if (tg_tmp[0] && getpid() == tg_tmp_owner)
		rm_rf(tg_tmp);
}

/* A setup step failed: the rest of the test cannot run. */
__attribute__((unused, noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
	char buf[1024];
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	out("FATAL: %s (errno %s)\n", buf, ename(e));
	tg_cleanup();
	_exit(2);
}

/* Names of the poll bits set in m ("none" if empty). */
__attribute__((unused)) static const char *pmask(int m)
{
	static char buf[64];
	static const int bit[] = {POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLRDHUP, POLLNVAL};
	static const char *const name[] = {"IN", "PRI", "OUT", "ERR", "HUP", "RDHUP", "NVAL"};
	buf[0] = 0;
	for (int i = 0; i < 7; i++)
		if (m & bit[i])
			strcat(strcat(buf, buf[0] ? " " : ""), name[i]);
	return buf[0] ? buf : "none";
}

/* poll() on one fd: its revents, or -1. */
__attribute__((unused)) static int poll1(int fd, int events, int timeout)
{
	struct pollfd p = {fd, (short)events, 0};
	return poll(&p, 1, timeout) < 0 ? -1 : p.revents;
}

static inline void tg_exit(void)
{
	out("done, %d failure(s)\n", tg_failures);
	_exit(tg_failures ? 1 : 0);
}

/* A wait status in words: "exit 3", "signal 9", "signal 6 core", "stopped 19". */
static inline const char *wstr(int st)
{
	static char buf[64];
	if (WIFEXITED(st))
		snprintf(buf, sizeof buf, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "signal %d%s", WTERMSIG(st), WCOREDUMP(st) ? " core" : "");
	else if (WIFSTOPPED(st))
		snprintf(buf, sizeof buf, "stopped %d", WSTOPSIG(st));
	else if (WIFCONTINUED(st))
		snprintf(buf, sizeof buf, "continued");
	else
		snprintf(buf, sizeof buf, "status 0x%x", st);
	return buf;
}

/* waitpid() that retries on EINTR; returns the status, dies on error. */
static inline int wait_for(pid_t pid)
{
	int st;
	pid_t r;
	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	if (r != pid)
		die("waitpid(%s)", "child");
	return st;
}

static inline pid_t xfork(void)
{
	pid_t p = fork();
	if (p < 0)
		die("fork");
	return p;
}

/* A signal handler that counts (got_sig). */
static volatile sig_atomic_t got_sig __attribute__((unused));
__attribute__((unused)) static void on_sig(int s)
{
	(void)s;
	got_sig++;
}

/* fork() whose child cannot hang forever either (alarm(10) in it). */
__attribute__((unused)) static pid_t child(void)
{
	pid_t p = xfork();
	if (p == 0)
		alarm(10);
	return p;
}

/* Full write / read helpers for pipes and files. */
static inline ssize_t write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return done ? (ssize_t)done : w;
		done += (size_t)w;
	}
	return (ssize_t)done;
}

static inline ssize_t read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t done = 0;
	while (done < n) {
		ssize_t r = read(fd, p + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return done ? (ssize_t)done : r;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

/* Whole file into buf (NUL-terminated); returns length or -1. */
static inline ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read_all(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

static inline int write_file(const char *path, const char *data, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	ssize_t n = write_all(fd, data, strlen(data));
	close(fd);
	return n == (ssize_t)strlen(data) ? 0 : -1;
}

/* Sleep for ms milliseconds, resuming after signals. */
static inline void msleep(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* rm -rf for the scratch directories (no symlink following). */
static inline void rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (d) {
			struct dirent *e;
			while ((e = readdir(d))) {
				if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
					continue;
				char sub[4096];
				size_t pl = strlen(path), nl = strlen(e->d_name);
				if (pl + nl + 2 > sizeof sub)
					continue;
				memcpy(sub, path, pl);
				sub[pl] = '/';
				memcpy(sub + pl + 1, e->d_name, nl + 1);
				rm_rf(sub);
			}
			closedir(d);
		}
		rmdir(path);
	} else {
		unlink(path);
	}
}

/*
 * The same starting state natively and in the guest: no blocked signals,
 * default dispositions, umask 022.
 */
static inline void tg_init(void)
{
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int s = 1; s < NSIG; s++) {
		if (s == SIGKILL || s == SIGSTOP)
			continue;
		signal(s, SIG_DFL);
	}
	umask(022);
}

#endif
