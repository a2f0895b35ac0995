/*
 * A threaded stress program, compiled by gcc inside the Debian guest
 * (tests/e2e/debian.sh) and run several times. Every line it prints is a
 * fact that does not depend on scheduling, so the output is the same on
 * every run and on Linux:
 *
 *   pingpong    PAIRS pairs of threads pass a token ROUNDS times each way
 *               through one mutex and two condition variables per pair
 *   atomics     THREADS threads increment one counter ADDS times each
 *   signals     the main thread sends SIGUSR1 to every thread with
 *               pthread_kill, one at a time, waiting for each to be
 *               handled, and checks the handler ran on the target thread
 *   exit/join   half the threads return, half call pthread_exit; join
 *               collects every value
 *   fork        a fork from the threaded process has one thread
 *   exec        a non-main thread execs this program while the others
 *               run; the new image must have the old pid and one thread;
 *               then the main thread of the new image starts threads and
 *               execs again
 *
 * Usage: stress (run all), stress --after-exec STAGE PID (internal).
 * Exit status 0 when every check held, 1 otherwise ("FAIL" lines say
 * which).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAIRS	16
#define ROUNDS	2000
#define THREADS 32
#define ADDS	100000
#define KILLS	20

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("FAIL: %s\n", what);
		failures++;
	}
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* The number after "Threads:" in /proc/self/status, or -1. */
static int proc_threads(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int n = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* Ping-pong: side 0 waits for turn 0, flips it to 1, and so on. */
struct pair {
	pthread_mutex_t lock;
	pthread_cond_t cv[2];
	int turn;
	long passes;
};

struct side {
	struct pair *p;
	int me;
};

static void *pingpong(void *arg)
{
	struct side *s = arg;
	struct pair *p = s->p;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&p->lock);
		while (p->turn != s->me)
			pthread_cond_wait(&p->cv[s->me], &p->lock);
		p->turn = !s->me;
		p->passes++;
		pthread_cond_signal(&p->cv[!s->me]);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

static void run_pingpong(void)
{
	static struct pair pairs[PAIRS];
	static struct side sides[PAIRS][2];
	pthread_t th[PAIRS][2];
	long total = 0;
	for (int i = 0; i < PAIRS; i++) {
		pthread_mutex_init(&pairs[i].lock, NULL);
		pthread_cond_init(&pairs[i].cv[0], NULL);
		pthread_cond_init(&pairs[i].cv[1], NULL);
		for (int j = 0; j < 2; j++) {
			sides[i][j] = (struct side){&pairs[i], j};
			if (pthread_create(&th[i][j], NULL, pingpong, &sides[i][j]))
				check(0, "pingpong: pthread_create");
		}
	}
	for (int i = 0; i < PAIRS; i++) {
		pthread_join(th[i][0], NULL);
		pthread_join(th[i][1], NULL);
		total += pairs[i].passes;
	}
	check(total == (long)PAIRS * ROUNDS * 2, "pingpong: pass count");
	printf("pingpong: %d pairs x %d rounds: %ld passes\n", PAIRS, ROUNDS, total);
}

static atomic_long counter;
static atomic_int go;

static void *adder(void *arg)
{
	(void)arg;
	while (!atomic_load(&go))
		sched_yield();
	for (int i = 0; i < ADDS; i++)
		atomic_fetch_add(&counter, 1);
	return NULL;
}

static void run_atomics(void)
{
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&th[i], NULL, adder, NULL))
			check(0, "atomics: pthread_create");
	atomic_store(&go, 1);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	check(atomic_load(&counter) == (long)THREADS * ADDS, "atomics: total");
	printf("atomics: %d threads x %d adds: %ld\n", THREADS, ADDS, atomic_load(&counter));
}

/*
 * Signals: each thread publishes its tid, then sleeps in pause() until
 * told to stop; the handler counts deliveries per thread and records
 * which tid it ran on.
 */
static pid_t tids[THREADS];
static atomic_int got[THREADS];
static atomic_int wrong_thread;
static atomic_int stop_all;
static __thread int my_index = -1;

static void on_usr1(int sig)
{
	(void)sig;
	if (my_index < 0 || tids[my_index] != gettid_()) {
		atomic_fetch_add(&wrong_thread, 1);
		return;
	}
	atomic_fetch_add(&got[my_index], 1);
}

/*
 * SIGUSR1 is blocked (inherited from the main thread) except inside
 * sigsuspend, so the wake-up after stop_all cannot slip in between the
 * test and the wait.
 */
static void *sleeper(void *arg)
{
	sigset_t none;
	sigemptyset(&none);
	my_index = (int)(long)arg;
	__atomic_store_n(&tids[my_index], gettid_(), __ATOMIC_RELEASE);
	while (!atomic_load(&stop_all))
		sigsuspend(&none);
	/* Odd threads leave through pthread_exit, even ones return. */
	if (my_index % 2)
		pthread_exit((void *)(long)(my_index * 3));
	return (void *)(long)(my_index * 3);
}

static void run_signals(void)
{
	pthread_t th[THREADS];
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t usr1, old;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, &old);
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&th[i], NULL, sleeper, (void *)(long)i))
			check(0, "signals: pthread_create");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	for (int i = 0; i < THREADS; i++)
		while (!__atomic_load_n(&tids[i], __ATOMIC_ACQUIRE))
			sched_yield();
	for (int k = 0; k < KILLS; k++)
		for (int i = 0; i < THREADS; i++) {
			if (pthread_kill(th[i], SIGUSR1))
				check(0, "signals: pthread_kill");
			/* Wait for this one before the next: no coalescing. */
			while (atomic_load(&got[i]) <= k && !atomic_load(&wrong_thread))
				sched_yield();
		}
	int all = 0;
	for (int i = 0; i < THREADS; i++)
		all += atomic_load(&got[i]) == KILLS;
	check(all == THREADS, "signals: every thread got each signal once");
	check(atomic_load(&wrong_thread) == 0, "signals: handler on target");
	printf("signals: %d threads x %d pthread_kill: %d threads exact, %d "
	       "misdirected\n",
	       THREADS, KILLS, all, atomic_load(&wrong_thread));

	/* Wake them for good: they see stop_all after the signal. */
	atomic_store(&stop_all, 1);
	for (int i = 0; i < THREADS; i++)
		pthread_kill(th[i], SIGUSR1);
	long sum = 0;
	for (int i = 0; i < THREADS; i++) {
		void *v;
		if (pthread_join(th[i], &v))
			check(0, "exit/join: pthread_join");
		sum += (long)v;
	}
	check(sum == 3L * THREADS * (THREADS - 1) / 2, "exit/join: values");
	printf("exit/join: %d threads joined, values sum %ld\n", THREADS, sum);
}

/* Threads that just wait, so that fork and exec happen while they live. */
static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cv = PTHREAD_COND_INITIALIZER;

static void *idler(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&idle_lock);
	for (;;)
		pthread_cond_wait(&idle_cv, &idle_lock);
	return NULL;
}

static void start_idlers(int n)
{
	pthread_t th;
	for (int i = 0; i < n; i++)
		if (pthread_create(&th, NULL, idler, NULL))
			check(0, "idlers: pthread_create");
}

static void run_fork(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(proc_threads() == 1 ? 42 : 1);
	int st = 0;
	waitpid(pid, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 42, "fork: child has one thread");
	printf("fork: from %d threads, child status %d\n", proc_threads(),
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static const char *self_path;

static void exec_self(int stage)
{
	char s[16], p[16];
	snprintf(s, sizeof s, "%d", stage);
	snprintf(p, sizeof p, "%d", (int)getpid());
	fflush(stdout);
	execl(self_path, self_path, "--after-exec", s, p, (char *)NULL);
	printf("FAIL: execl: %s\n", strerror(errno));
	exit(1);
}

static void *exec_thread(void *arg)
{
	(void)arg;
	exec_self(1);
	return NULL;
}

/* After stage 1 (a non-main thread exec'd) and stage 2 (the main one). */
static int after_exec(int stage, pid_t old)
{
	int n = proc_threads();
	check(getpid() == old, "exec: same pid");
	check(gettid_() == old, "exec: the thread took the leader's id");
	check(n == 1, "exec: one thread after exec");
	printf("exec %d: %s thread, same pid %s, threads %d\n", stage,
	       stage == 1 ? "non-main" : "main", getpid() == old ? "yes" : "no", n);
	if (stage == 1) {
		start_idlers(8);
		exec_self(2);
	}
	printf("%s\n", failures ? "stress: FAILED" : "stress: ok");
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	self_path = "/proc/self/exe";
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && strcmp(argv[1], "--after-exec") == 0)
		return after_exec(atoi(argv[2]), (pid_t)atoi(argv[3]));
	run_pingpong();
	run_atomics();
	run_signals();
	start_idlers(THREADS);
	run_fork();
	if (failures) {
		printf("stress: FAILED\n");
		return 1;
	}
	pthread_t th;
	if (pthread_create(&th, NULL, exec_thread, NULL))
		check(0, "exec: pthread_create");
	for (;;)
		pause();
}
