/*
 * t_clone_threads: threads (pthreads, i.e. clone with CLONE_VM|CLONE_FS|
 * CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|
 * CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID), thread-local storage, mutex,
 * condition variables and barriers, futex wait/wake used directly, raw
 * clone() with and without CLONE_VM/CLONE_FILES, signals to one thread,
 * and how a thread group exits.
 */
#include "tg.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#define NTHREADS 4
#define ITERS 10000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int tls_var = 7;
static pid_t main_pid;

struct tinfo {
	int idx;
	pid_t tid;
	pid_t pid;
	int tls_before, tls_after;
	uintptr_t stack_addr;
};

static void *worker(void *arg)
{
	struct tinfo *ti = arg;
	int local;
	ti->tid = gettid();
	ti->pid = getpid();
	ti->tls_before = tls_var;
	tls_var = 100 + ti->idx;
	ti->stack_addr = (uintptr_t)&local;
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 5000 == 0)
			sched_yield();
	}
	ti->tls_after = tls_var;
	return (void *)(intptr_t)(ti->idx * 10 + 1);
}

static void test_pthreads(void)
{
	pthread_t th[NTHREADS];
	struct tinfo ti[NTHREADS];
	memset(ti, 0, sizeof ti);
	for (int i = 0; i < NTHREADS; i++) {
		ti[i].idx = i;
		if (pthread_create(&th[i], NULL, worker, &ti[i]))
			die("pthread_create");
	}
	int rets_ok = 1;
	for (int i = 0; i < NTHREADS; i++) {
		void *ret;
		if (pthread_join(th[i], &ret) || ret != (void *)(intptr_t)(i * 10 + 1))
			rets_ok = 0;
	}
	out("counter after %d threads x %d: %ld\n", NTHREADS, ITERS, counter);
	out("join return values: %s\n", yesno(rets_ok));
	int tid_ne_pid = 1, pid_same = 1, distinct = 1, tls_ok = 1, stacks = 1;
	for (int i = 0; i < NTHREADS; i++) {
		tid_ne_pid &= ti[i].tid != main_pid && ti[i].tid > 0;
		pid_same &= ti[i].pid == main_pid;
		tls_ok &= ti[i].tls_before == 7 && ti[i].tls_after == 100 + i;
		for (int j = 0; j < i; j++) {
			distinct &= ti[i].tid != ti[j].tid;
			stacks &= ti[i].stack_addr != ti[j].stack_addr;
		}
	}
	out("gettid != getpid in threads: %s\n", yesno(tid_ne_pid));
	out("getpid in threads == process pid: %s\n", yesno(pid_same));
	out("thread ids distinct: %s\n", yesno(distinct));
	out("stacks distinct: %s\n", yesno(stacks));
	out("TLS initialised per thread and private: %s\n", yesno(tls_ok));
	out("main thread TLS untouched: %d\n", tls_var);
	out("main gettid == getpid: %s\n", yesno(gettid() == getpid()));
}

/* ---- futex used directly ---- */

static long futex(atomic_int *uaddr, int op, int val, const struct timespec *ts, atomic_int *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static atomic_int fword;
static atomic_int woken;

static void *futex_waiter(void *arg)
{
	(void)arg;
	/* Wait exactly once: no spurious wake-ups on Linux futexes. */
	long r = futex(&fword, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	if (r == 0)
		atomic_fetch_add(&woken, 1);
	return NULL;
}

static void *flag_waiter(void *arg)
{
	atomic_int *f = arg;
	while (atomic_load(f) == 0)
		futex(f, FUTEX_WAIT, 0, NULL, NULL, 0);
	return NULL;
}

static void test_futex(void)
{
	atomic_int w = 5;
	out("FUTEX_WAIT on changed value: %s\n", er(futex(&w, FUTEX_WAIT, 4, NULL, NULL, 0)));
	struct timespec ts = {0, 20 * 1000000L}, t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	out("FUTEX_WAIT relative timeout: %s\n", er(futex(&w, FUTEX_WAIT_PRIVATE, 5, &ts, NULL, 0)));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	out("  waited >= 19 ms: %s\n", yesno(ms >= 19));
	/* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC time (glibc's timed waits). */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct timespec abs = t0;
	abs.tv_nsec += 15 * 1000000L;
	if (abs.tv_nsec >= 1000000000L) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000L;
	}
	out("FUTEX_WAIT_BITSET absolute timeout: %s\n",
	    er(futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 5, &abs, NULL, FUTEX_BITSET_MATCH_ANY)));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out("  reached the deadline: %s\n",
	    yesno(t1.tv_sec > abs.tv_sec || (t1.tv_sec == abs.tv_sec && t1.tv_nsec >= abs.tv_nsec)));
	out("FUTEX_WAKE with no waiters: %ld\n", futex(&w, FUTEX_WAKE, 1, NULL, NULL, 0));
	out("FUTEX_WAIT bad address: %s\n", er(futex((atomic_int *)16, FUTEX_WAIT, 0, NULL, NULL, 0)));
	out("FUTEX_WAIT unaligned: %s\n", er(futex((atomic_int *)((char *)&w + 1), FUTEX_WAIT, 0, NULL, NULL, 0)));
	out("unknown futex op: %s\n", er(futex(&w, 99, 0, NULL, NULL, 0)));

	/* Three waiters, woken one at a time until all three were. */
	pthread_t th[3];
	atomic_store(&fword, 0);
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, futex_waiter, NULL);
	long total = 0;
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (total < 3) {
		long r = futex(&fword, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		if (r > 0)
			total += r;
		else
			msleep(1);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 5)
			break;
	}
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	out("FUTEX_WAKE(1) repeatedly woke: %ld, waiters saw 0 return: %d\n", total, atomic_load(&woken));

	/* A flag protocol: waiter sleeps until the word changes and a wake comes. */
	atomic_int flag = 0;
	pthread_t t;
	pthread_create(&t, NULL, flag_waiter, &flag);
	msleep(20);
	atomic_store(&flag, 1);
	futex(&flag, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	pthread_join(t, NULL);
	out("flag waiter released: yes\n");

	/* A futex in MAP_SHARED memory wakes a waiter in another process. */
	atomic_int *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	atomic_store(sh, 0);
	pid_t c = xfork();
	if (c == 0) {
		alarm(5); /* a watchdog, should the wake never arrive */
		while (atomic_load(sh) == 0)
			futex(sh, FUTEX_WAIT, 0, NULL, NULL, 0);
		_exit(atomic_load(sh));
	}
	msleep(20);
	atomic_store(sh, 9);
	futex(sh, FUTEX_WAKE, 1, NULL, NULL, 0);
	out("shared futex across processes: %s\n", wstr(wait_for(c)));
	munmap(sh, 4096);
}

/* ---- condition variables and barriers ---- */

static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t cmutex = PTHREAD_MUTEX_INITIALIZER;
static int go, ready_count;
static pthread_barrier_t barrier;
static atomic_int after_barrier;

static void *cond_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cmutex);
	ready_count++;
	pthread_cond_broadcast(&cond);
	while (!go)
		pthread_cond_wait(&cond, &cmutex);
	pthread_mutex_unlock(&cmutex);
	pthread_barrier_wait(&barrier);
	atomic_fetch_add(&after_barrier, 1);
	return NULL;
}

static void test_cond(void)
{
	pthread_t th[4];
	pthread_barrier_init(&barrier, NULL, 5);
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, cond_waiter, NULL);
	pthread_mutex_lock(&cmutex);
	while (ready_count < 4)
		pthread_cond_wait(&cond, &cmutex);
	go = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&cmutex);
	out("before barrier: %d passed\n", atomic_load(&after_barrier));
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	out("cond broadcast + barrier: %d threads passed\n", atomic_load(&after_barrier));

	/* A timed wait that times out. */
	struct timespec abs;
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_nsec += 10 * 1000000L;
	if (abs.tv_nsec >= 1000000000L) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&cmutex);
	int r = pthread_cond_timedwait(&cond, &cmutex, &abs);
	pthread_mutex_unlock(&cmutex);
	out("pthread_cond_timedwait: %s\n", ename(r));
	pthread_barrier_destroy(&barrier);
}

/* ---- raw clone ---- */

static volatile int clone_var;
static int clone_fd = -1;

static int clone_child(void *arg)
{
	clone_var = (int)(intptr_t)arg;
	clone_fd = open("/dev/null", O_RDONLY);
	return 0;
}

static void test_raw_clone(void)
{
	size_t ssz = 64 * 1024;
	char *stack = mmap(NULL, ssz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED)
		die("mmap");

	/* CLONE_VM|CLONE_FILES: the child's stores and fds are ours. */
	clone_var = 0;
	clone_fd = -1;
	pid_t ptid = 0;
	pid_t c = clone(clone_child, stack + ssz, CLONE_VM | CLONE_FILES | CLONE_PARENT_SETTID | SIGCHLD,
			(void *)(intptr_t)33, &ptid);
	if (c < 0)
		die("clone");
	int st = wait_for(c);
	out("clone VM|FILES: %s, store seen %d, CLONE_PARENT_SETTID stored pid: %s\n", wstr(st), clone_var,
	    yesno(ptid == c));
	out("  fd opened by child usable here: %s\n", er(clone_fd >= 0 ? fcntl(clone_fd, F_GETFD) : -1));
	if (clone_fd >= 0)
		close(clone_fd);

	/* CLONE_VM without CLONE_FILES: the fd table is a copy. */
	clone_var = 0;
	clone_fd = -1;
	c = clone(clone_child, stack + ssz, CLONE_VM | SIGCHLD, (void *)(intptr_t)44);
	st = wait_for(c);
	out("clone VM only: %s, store seen %d, fd number reported %s\n", wstr(st), clone_var,
	    yesno(clone_fd >= 0));
	out("  that fd is not in our table: %s\n", er(fcntl(clone_fd, F_GETFD)));

	/* No CLONE_VM: like fork, the store stays in the child. */
	clone_var = 0;
	c = clone(clone_child, stack + ssz, SIGCHLD, (void *)(intptr_t)55);
	st = wait_for(c);
	out("clone without VM: %s, store seen %d\n", wstr(st), clone_var);

	/* Termination signal other than SIGCHLD needs __WCLONE (or __WALL). */
	signal(SIGUSR2, SIG_IGN);
	c = clone(clone_child, stack + ssz, CLONE_VM | SIGUSR2, (void *)(intptr_t)66);
	int r = waitpid(c, &st, __WALL);
	out("clone exit signal SIGUSR2, waitpid __WALL: %s, %s\n", yesno(r == c), wstr(st));
	signal(SIGUSR2, SIG_DFL);
	munmap(stack, ssz);
}

/* ---- signals to a thread; group exit ---- */

static volatile pid_t handled_tid;
static atomic_int sig_thread_ready;
static atomic_int sig_thread_stop;

static void on_usr1(int sig)
{
	(void)sig;
	handled_tid = gettid();
}

static void *sig_thread(void *arg)
{
	pid_t *tidp = arg;
	*tidp = gettid();
	atomic_store(&sig_thread_ready, 1);
	while (!atomic_load(&sig_thread_stop))
		msleep(1);
	return NULL;
}

static void *exiter(void *arg)
{
	msleep(20);
	exit((int)(intptr_t)arg);
}

static void *lingerer(void *arg)
{
	(void)arg;
	msleep(30);
	syscall(SYS_exit_group, 5);
	return NULL;
}

static void *forker(void *arg)
{
	(void)arg;
	int p[2];
	if (pipe(p) < 0)
		return (void *)"pipe failed";
	pid_t c = fork();
	if (c == 0) {
		pid_t v[2] = {getpid(), gettid()};
		write(p[1], v, sizeof v);
		_exit(0);
	}
	pid_t v[2] = {0, 0};
	read(p[0], v, sizeof v);
	int st;
	waitpid(c, &st, 0);
	close(p[0]);
	close(p[1]);
	return (void *)yesno(c > 0 && v[0] == c && v[1] == c && WIFEXITED(st));
}

static void test_signals_exit(void)
{
	signal(SIGUSR1, on_usr1);
	pid_t tid = 0;
	pthread_t t;
	pthread_create(&t, NULL, sig_thread, &tid);
	while (!atomic_load(&sig_thread_ready))
		msleep(1);
	out("tgkill to thread: %s\n", er(syscall(SYS_tgkill, getpid(), tid, SIGUSR1)));
	for (int i = 0; i < 2000 && !handled_tid; i++)
		msleep(1);
	out("handler ran on the target thread: %s\n", yesno(handled_tid == tid));
	handled_tid = 0;
	out("tkill to thread: %s\n", er(syscall(SYS_tkill, tid, SIGUSR1)));
	for (int i = 0; i < 2000 && !handled_tid; i++)
		msleep(1);
	out("handler ran on the target thread again: %s\n", yesno(handled_tid == tid));
	out("tgkill with wrong tgid: %s\n", er(syscall(SYS_tgkill, getpid() + 100000, tid, SIGUSR1)));
	atomic_store(&sig_thread_stop, 1);
	pthread_join(t, NULL);
	signal(SIGUSR1, SIG_DFL);
	/* The thread is gone: its tid soon no longer names a task of ours. */
	long kr = 0;
	for (int i = 0; i < 200; i++) {
		kr = syscall(SYS_tgkill, getpid(), tid, 0);
		if (kr < 0)
			break;
		msleep(1);
	}
	out("tgkill after join: %s\n", er(kr));

	/* exit() in a non-main thread ends the whole process. */
	pid_t c = xfork();
	if (c == 0) {
		pthread_t x;
		pthread_create(&x, NULL, exiter, (void *)(intptr_t)3);
		for (;;)
			pause();
	}
	out("exit(3) from a thread: %s\n", wstr(wait_for(c)));

	/* The main thread leaves with pthread_exit; the process lives on. */
	c = xfork();
	if (c == 0) {
		pthread_t x;
		pthread_create(&x, NULL, lingerer, NULL);
		pthread_exit(NULL);
	}
	out("main pthread_exit, other thread exit_group(5): %s\n", wstr(wait_for(c)));

	/* A fatal signal kills every thread. */
	c = xfork();
	if (c == 0) {
		pthread_t x;
		pthread_create(&x, NULL, sig_thread, &tid);
		msleep(10);
		kill(getpid(), SIGTERM);
		for (;;)
			pause();
	}
	out("SIGTERM to a threaded process: %s\n", wstr(wait_for(c)));

	/* fork from a thread: the child has one thread, its pid is the fork result. */
	pthread_create(&t, NULL, forker, NULL);
	void *res;
	pthread_join(t, &res);
	out("fork in a thread: child pid == fork result and tid == pid: %s\n", (const char *)res);
}

int main(void)
{
	tg_init();
	main_pid = getpid();
	test_pthreads();
	test_futex();
	test_cond();
	test_raw_clone();
	test_signals_exit();
	tg_exit();
}
