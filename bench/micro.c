/*
 * micro: microbenchmarks of the paths a user-mode kernel makes slow,
 * run natively and inside guests by bench/run-micro.sh. Each benchmark
 * runs ROUNDS rounds of many iterations and prints the median round as
 *	bench: <name> <value> <unit>
 * the line bench/table.sh reads. Times are per operation (lower is
 * better), bandwidths in MB/s (higher is better).
 *
 * Usage: micro [LABEL=DIR]...
 * runs the process benchmarks, then the file benchmarks in each DIR with
 * names ending in -LABEL (write-fsync-tmpfs). "micro --exit" exits at
 * once: it is what fork-exec-wait executes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * Iteration counts are sized for a slow engine (a system call 20-250 us, a
 * fork+exec ~10 ms): all of it stays well under a minute there, and a
 * round still lasts long enough natively for the clock to resolve it.
 */
#define ROUNDS	    7
#define N_SYSCALL   5000
#define N_FORK	    30
#define N_EXEC	    15
#define N_PIPE_RTT  2000
#define N_PIPE_WARM 100
#define PIPE_BW_MIB 32
#define FAULT_MIB   4
#define FILE_MIB    8
#define N_FILES	    200
#define CHUNK	    65536

static char exe[4096];
static char chunk[CHUNK];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
	fprintf(stderr, "micro: %s: %s\n", what, strerror(errno));
	return -1;
}

/* Waits for pid and says whether it exited with status 0. */
static int reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "micro: child %d ended with status %#x\n", (int)pid, status);
		return -1;
	}
	return 0;
}

/* Writes or reads exactly len bytes; a child's helpers, so no messages. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * One round of each benchmark: it returns the round's value in the
 * benchmark's unit (a time per operation or a bandwidth), or a negative
 * number after saying on stderr what failed. Only the measured part is
 * timed; setup and cleanup stay outside the clock.
 */

static double round_syscall(const char *dir)
{
	double t0 = now();
	int i;

	(void)dir;
	for (i = 0; i < N_SYSCALL; i++)
		syscall(SYS_getppid);
	return (now() - t0) * 1e9 / N_SYSCALL;
}

static double round_fork(const char *dir)
{
	double t0 = now();
	pid_t pid;
	int i;

	(void)dir;
	for (i = 0; i < N_FORK; i++) {
		pid = fork();
		if (pid < 0)
			return fail("fork");
		if (pid == 0)
			_exit(0);
		if (reap(pid) < 0)
			return -1;
	}
	return (now() - t0) * 1e6 / N_FORK;
}

static double round_exec(const char *dir)
{
	char *argv[] = {exe, "--exit", NULL};
	double t0 = now();
	pid_t pid;
	int i;

	(void)dir;
	if (!exe[0]) {
		fprintf(stderr, "micro: fork-exec-wait: no absolute path to exec\n");
		return -1;
	}
	for (i = 0; i < N_EXEC; i++) {
		pid = fork();
		if (pid < 0)
			return fail("fork");
		if (pid == 0) {
			execv(exe, argv);
			_exit(127);
		}
		if (reap(pid) < 0)
			return -1;
	}
	return (now() - t0) * 1e6 / N_EXEC;
}

/*
 * fork-exec-busy: fork-exec-wait while another process computes without
 * pause, as a shell runs commands beside a compile: what the scheduler
 * makes an interactive task wait behind a CPU hog.
 */
static double round_exec_busy(const char *dir)
{
	pid_t hog = fork();
	double r;

	if (hog < 0)
		return fail("fork");
	if (hog == 0)
		for (volatile unsigned long x = 0;; x++)
			;
	r = round_exec(dir);
	kill(hog, SIGKILL);
	while (waitpid(hog, NULL, 0) < 0 && errno == EINTR)
		;
	return r;
}

/* The child of pipe-rtt: echoes each byte from in to out until EOF. */
static void echo_loop(int in, int out)
{
	char c;

	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			_exit(1);
	_exit(0);
}

static double round_pipe_rtt(const char *dir)
{
	int ping[2], pong[2], i, bad = 0;
	double t0, t;
	pid_t pid;
	char c = 'x';

	(void)dir;
	if (pipe(ping) < 0)
		return fail("pipe");
	if (pipe(pong) < 0) {
		close(ping[0]);
		close(ping[1]);
		return fail("pipe");
	}
	pid = fork();
	if (pid == 0) {
		close(ping[1]);
		close(pong[0]);
		echo_loop(ping[0], pong[1]);
	}
	close(ping[0]);
	close(pong[1]);
	if (pid < 0) {
		close(ping[1]);
		close(pong[0]);
		return fail("fork");
	}
	/* Not timed: the child's start (its first faults, finding a CPU). */
	for (i = 0; i < N_PIPE_WARM && !bad; i++)
		bad = write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1;
	t0 = now();
	for (i = 0; i < N_PIPE_RTT && !bad; i++)
		bad = write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1;
	t = now() - t0;
	close(ping[1]);
	close(pong[0]);
	if (reap(pid) < 0 || bad) {
		fprintf(stderr, "micro: pipe-rtt: ping-pong broke off\n");
		return -1;
	}
	return t * 1e6 / N_PIPE_RTT;
}

static double round_pipe_bw(const char *dir)
{
	static char sink[CHUNK];
	double t0, t;
	int p[2], i, bad = 0;
	pid_t pid;

	(void)dir;
	if (pipe(p) < 0)
		return fail("pipe");
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		while (read(p[0], sink, sizeof(sink)) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return fail("fork");
	}
	/* The clock stops when the reader has drained the pipe and exited. */
	t0 = now();
	for (i = 0; i < PIPE_BW_MIB * (1 << 20) / CHUNK && !bad; i++)
		bad = write_all(p[1], chunk, CHUNK) < 0;
	close(p[1]);
	if (reap(pid) < 0 || bad) {
		fprintf(stderr, "micro: pipe-bw: writing the pipe failed\n");
		return -1;
	}
	t = now() - t0;
	return PIPE_BW_MIB * 1.048576 / t;
}

static double round_pagefault(const char *dir)
{
	size_t len = (size_t)FAULT_MIB << 20, page = (size_t)sysconf(_SC_PAGESIZE), off;
	double t0 = now();
	char *p;

	(void)dir;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	for (off = 0; off < len; off += page)
		p[off] = 1;
	munmap(p, len);
	return (now() - t0) * 1e6 / (double)(len / page);
}

static void file_path(char *path, size_t size, const char *dir, int i)
{
	if (i < 0)
		snprintf(path, size, "%s/micro.dat", dir);
	else
		snprintf(path, size, "%s/micro.%d", dir, i);
}

/* Writes FILE_MIB MiB to dir/micro.dat, with an fsync when asked. */
static int write_file(const char *dir, int sync)
{
	char path[4096];
	int fd, i;

	file_path(path, sizeof(path), dir, -1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fail(path);
	for (i = 0; i < FILE_MIB * (1 << 20) / CHUNK; i++)
		if (write_all(fd, chunk, CHUNK) < 0) {
			close(fd);
			return fail("write");
		}
	if (sync && fsync(fd) < 0) {
		close(fd);
		return fail("fsync");
	}
	return close(fd);
}

static void remove_file(const char *dir)
{
	char path[4096];

	file_path(path, sizeof(path), dir, -1);
	unlink(path);
}

static double round_write(const char *dir)
{
	double t0 = now(), t;
	int err = write_file(dir, 1);

	t = now() - t0;
	remove_file(dir);
	return err < 0 ? -1 : FILE_MIB * 1.048576 / t;
}

/* Reads back a file just written: the page cache, not the disk, is measured. */
static double round_read(const char *dir)
{
	static char buf[CHUNK];
	char path[4096];
	double t0, t;
	ssize_t n;
	long total = 0;
	int fd;

	if (write_file(dir, 0) < 0)
		return -1;
	file_path(path, sizeof(path), dir, -1);
	t0 = now();
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		remove_file(dir);
		return fail(path);
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	close(fd);
	t = now() - t0;
	remove_file(dir);
	if (total != (long)FILE_MIB << 20) {
		fprintf(stderr, "micro: read back %ld of %d MiB\n", total, FILE_MIB);
		return -1;
	}
	return FILE_MIB * 1.048576 / t;
}

/* Creates (or, with unlink_them, removes) N_FILES empty files in dir. */
static int make_files(const char *dir, int unlink_them)
{
	char path[4096];
	int i, fd;

	for (i = 0; i < N_FILES; i++) {
		file_path(path, sizeof(path), dir, i);
		if (unlink_them) {
			if (unlink(path) < 0)
				return fail(path);
			continue;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			return fail(path);
		close(fd);
	}
	return 0;
}

static double round_create(const char *dir)
{
	double t0 = now(), t;
	int err = make_files(dir, 0);

	t = now() - t0;
	if (make_files(dir, 1) < 0 || err < 0)
		return -1;
	return t * 1e6 / N_FILES;
}

static double round_stat(const char *dir)
{
	char path[4096];
	struct stat st;
	double t0, t;
	int i, err = 0;

	if (make_files(dir, 0) < 0)
		return -1;
	t0 = now();
	for (i = 0; i < N_FILES && !err; i++) {
		file_path(path, sizeof(path), dir, i);
		err = stat(path, &st);
	}
	t = now() - t0;
	if (err < 0)
		fail("stat");
	if (make_files(dir, 1) < 0 || err < 0)
		return -1;
	return t * 1e6 / N_FILES;
}

static double round_unlink(const char *dir)
{
	double t0, t;

	if (make_files(dir, 0) < 0)
		return -1;
	t0 = now();
	if (make_files(dir, 1) < 0)
		return -1;
	t = now() - t0;
	return t * 1e6 / N_FILES;
}

struct bench {
	const char *name;
	const char *unit;
	double (*round)(const char *dir);
	int on_dir; /* runs once per LABEL=DIR argument */
};

static const struct bench benches[] = {
	{"syscall", "ns", round_syscall, 0},	 {"fork-exit-wait", "us", round_fork, 0},
	{"fork-exec-wait", "us", round_exec, 0}, {"fork-exec-busy", "us", round_exec_busy, 0},
	{"pipe-rtt", "us", round_pipe_rtt, 0},
	{"pipe-bw", "MB/s", round_pipe_bw, 0},	 {"pagefault", "us", round_pagefault, 0},
	{"write-fsync", "MB/s", round_write, 1}, {"read", "MB/s", round_read, 1},
	{"create", "us", round_create, 1},	 {"stat", "us", round_stat, 1},
	{"unlink", "us", round_unlink, 1},
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Runs ROUNDS rounds of b and prints the median; a failed round drops the row. */
static void run(const struct bench *b, const char *label, const char *dir)
{
	double v[ROUNDS];
	int r;

	for (r = 0; r < ROUNDS; r++) {
		v[r] = b->round(dir);
		if (v[r] < 0) {
			fprintf(stderr, "micro: %s%s%s failed\n", b->name, label ? "-" : "",
				label ? label : "");
			return;
		}
	}
	qsort(v, ROUNDS, sizeof(v[0]), cmp_double);
	printf("bench: %s%s%s %.1f %s\n", b->name, label ? "-" : "", label ? label : "",
	       v[ROUNDS / 2], b->unit);
}

int main(int argc, char **argv)
{
	size_t i;
	ssize_t n;
	int a;

	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 0;
	/* Children inherit stdio buffers: keep nothing unwritten at a fork. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(chunk, 0x5a, sizeof(chunk));
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0 && exe[0] == '/')
		exe[n] = '\0';
	else if (argv[0][0] == '/')
		snprintf(exe, sizeof(exe), "%s", argv[0]);
	else
		exe[0] = '\0';

	for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
		if (!benches[i].on_dir)
			run(&benches[i], NULL, NULL);
	for (a = 1; a < argc; a++) {
		char *eq = strchr(argv[a], '=');

		if (!eq || eq == argv[a] || !eq[1]) {
			fprintf(stderr, "usage: micro [LABEL=DIR]...\n");
			return 2;
		}
		*eq = '\0';
		for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
			if (benches[i].on_dir)
				run(&benches[i], argv[a], eq + 1);
	}
	return 0;
}
