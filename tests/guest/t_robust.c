/*
 * t_robust: the lock kinds glibc builds on special futexes. Priority-
 * inheritance mutexes (FUTEX_LOCK_PI/UNLOCK_PI) under contention from
 * many threads, with trylock, timed lock and the raw call's errnos; and
 * robust mutexes whose owner dies holding them (a thread, and a process
 * sharing the mutex through shared memory), which the next locker gets
 * with EOWNERDEAD, makes consistent and uses again.
 */
#include "tg.h"

#include <linux/futex.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define THREADS 8
#define ROUNDS	2000

static pthread_mutex_t pi;
static long counter;

static void *pi_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&pi);
		long c = counter;
		if (i % 100 == 0)
			sched_yield(); /* let others find it taken */
		counter = c + 1;
		pthread_mutex_unlock(&pi);
	}
	return NULL;
}

static void *pi_probe(void *arg)
{
	struct timespec ts;

	(void)arg;
	int rc = pthread_mutex_trylock(&pi);
	out("trylock while held: %s\n", rc ? ename(rc) : "ok");
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 30000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	rc = pthread_mutex_timedlock(&pi, &ts);
	out("timedlock while held: %s\n", rc ? ename(rc) : "ok");
	return NULL;
}

static pthread_mutex_t *robust;

static void *die_holding(void *arg)
{
	(void)arg;
	pthread_mutex_lock(robust);
	return NULL; /* the thread ends with the lock held */
}

static void pi_mutexes(void)
{
	pthread_mutexattr_t a;
	pthread_t th[THREADS];

	pthread_mutexattr_init(&a);
	out("PTHREAD_PRIO_INHERIT: %s\n",
	    er(-pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT)));
	pthread_mutex_init(&pi, &a);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, pi_worker, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	out("PI mutex counter: %ld (want %d)\n", counter, THREADS * ROUNDS);

	/* From another thread: trylock and a timed lock fail while held. */
	pthread_mutex_lock(&pi);
	pthread_t t;
	pthread_create(&t, NULL, pi_probe, NULL);
	pthread_join(t, NULL);
	pthread_mutex_unlock(&pi);

	/* The raw calls. */
	static uint32_t word;
	out("raw LOCK_PI free word: %s\n",
	    er(syscall(SYS_futex, &word, FUTEX_LOCK_PI, 0, NULL, NULL, 0)));
	out("  word is our tid: %s\n",
	    yesno((word & FUTEX_TID_MASK) == (uint32_t)syscall(SYS_gettid)));
	out("raw LOCK_PI again: %s\n",
	    er(syscall(SYS_futex, &word, FUTEX_LOCK_PI, 0, NULL, NULL, 0)));
	out("raw TRYLOCK_PI held by us: %s\n",
	    er(syscall(SYS_futex, &word, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0)));
	out("raw UNLOCK_PI: %s\n",
	    er(syscall(SYS_futex, &word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0)));
	out("  word after: %u\n", word);
	out("raw UNLOCK_PI not owner: %s\n",
	    er(syscall(SYS_futex, &word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0)));
	word = 0x3ffffff0; /* an owner that does not exist */
	out("raw LOCK_PI, owner gone: %s\n",
	    er(syscall(SYS_futex, &word, FUTEX_LOCK_PI, 0, NULL, NULL, 0)));
}

static void robust_mutexes(void)
{
	pthread_mutexattr_t a;
	pthread_t t;

	robust = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(robust, &a);

	pthread_create(&t, NULL, die_holding, NULL);
	pthread_join(t, NULL);
	int rc = pthread_mutex_lock(robust);
	out("lock after a thread died holding it: %s\n", rc ? ename(rc) : "ok");
	out("consistent: %s\n", er(-pthread_mutex_consistent(robust)));
	out("unlock: %s\n", er(-pthread_mutex_unlock(robust)));
	rc = pthread_mutex_lock(robust);
	out("lock again: %s\n", rc ? ename(rc) : "ok");
	pthread_mutex_unlock(robust);

	/* A process dies holding it while this one waits for it. */
	int p[2];
	char c;
	if (pipe(p) < 0)
		die("pipe");
	pid_t kid = fork();
	if (kid == 0) {
		pthread_mutex_lock(robust);
		if (write(p[1], "l", 1) < 0)
			_exit(1);
		usleep(50000);
		_exit(0);
	}
	if (read(p[0], &c, 1) != 1)
		die("read");
	rc = pthread_mutex_lock(robust); /* sleeps until the child dies */
	out("waiter's lock when the owner process died: %s\n", rc ? ename(rc) : "ok");
	pthread_mutex_consistent(robust);
	pthread_mutex_unlock(robust);
	waitpid(kid, NULL, 0);

	/* Not made consistent: the mutex becomes unusable. */
	kid = fork();
	if (kid == 0) {
		pthread_mutex_lock(robust);
		_exit(0);
	}
	waitpid(kid, NULL, 0);
	rc = pthread_mutex_lock(robust);
	out("owner died again: %s\n", rc ? ename(rc) : "ok");
	pthread_mutex_unlock(robust); /* without consistent */
	rc = pthread_mutex_lock(robust);
	out("after unlock without consistent: %s\n", rc ? ename(rc) : "ok");
}

int main(void)
{
	pi_mutexes();
	robust_mutexes();
	tg_exit();
}
