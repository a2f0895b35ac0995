/*
 * t_ptimers: POSIX per-process timers (timer_create), as coreutils
 * timeout, glibc's SIGEV_THREAD timers and event loops use them: a
 * one-shot timer's signal carries SI_TIMER, the timer id and the value; a
 * periodic one whose signal waits unread counts overruns; SIGEV_NONE
 * only keeps time; the default is SIGALRM; SIGEV_THREAD_ID picks the
 * thread; glibc's SIGEV_THREAD calls a function in a new thread; exec
 * deletes every timer; and bad requests get Linux's errnos.
 */
#include "tg.h"

#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>

static void wait_info(sigset_t *set, const char *what, timer_t id, int value)
{
	siginfo_t si;
	struct timespec to = {2, 0};
	int s = sigtimedwait(set, &si, &to);

	out("%s: %s code %s value %s id %s overrun %d\n", what, s > 0 ? strsignal(s) : ename(errno),
	    si.si_code == SI_TIMER ? "SI_TIMER" : "?", si.si_value.sival_int == value ? "ok" : "?",
	    si.si_timerid == (int)(intptr_t)id ? "ok" : "?",
	    s > 0 ? (si.si_overrun > 0 ? 1 : 0) : -1);
}

static sem_t fired;
static int thread_value;

static void on_thread_timer(union sigval v)
{
	thread_value = v.sival_int;
	sem_post(&fired);
}

static pid_t target_tid;
static sigset_t usr2;

static void *waiter(void *arg)
{
	siginfo_t si;
	struct timespec to = {2, 0};

	(void)arg;
	target_tid = (pid_t)syscall(SYS_gettid);
	int s = sigtimedwait(&usr2, &si, &to);
	out("thread got: %s value %d\n", s > 0 ? strsignal(s) : ename(errno),
	    si.si_value.sival_int);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "after-exec")) {
		struct itimerspec cur;

		out("after exec, the timer is gone: %s\n", er(timer_gettime((timer_t)0, &cur)));
		return 0;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	ev.sigev_value.sival_int = 77;
	timer_t id;
	out("timer_create: %s\n", er(timer_create(CLOCK_MONOTONIC, &ev, &id)));
	out("first id is 0: %s\n", yesno((intptr_t)id == 0));
	struct itimerspec its = {.it_value = {0, 20000000}}, cur;
	out("arm 20 ms: %s\n", er(timer_settime(id, 0, &its, NULL)));
	timer_gettime(id, &cur);
	out("gettime: left in (0, 20 ms]: %s\n",
	    yesno(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
		  cur.it_value.tv_nsec <= 20000000));
	wait_info(&set, "one-shot", id, 77);
	timer_gettime(id, &cur);
	out("disarmed after: %s\n", yesno(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0));

	/* Periodic, with the signal left unread: one signal, overruns. */
	its.it_value.tv_nsec = 5000000;
	its.it_interval.tv_nsec = 5000000;
	timer_settime(id, 0, &its, NULL);
	usleep(80000);
	wait_info(&set, "periodic, read late", id, 77);
	out("timer_getoverrun > 0: %s\n", yesno(timer_getoverrun(id) > 0));
	timer_gettime(id, &cur);
	out("interval: %ld ns\n", cur.it_interval.tv_nsec);
	struct itimerspec zero = {0}, old;
	timer_settime(id, 0, &zero, &old);
	out("disarm returns the old interval: %ld ns\n", old.it_interval.tv_nsec);
	sigtimedwait(&set, NULL, &(struct timespec){0, 0}); /* a last one, if any */
	out("timer_delete: %s\n", er(timer_delete(id)));
	out("delete again: %s\n", er(timer_delete(id)));

	/* No sigevent: SIGALRM with the id as value. */
	timer_t dflt;
	timer_create(CLOCK_REALTIME, NULL, &dflt);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	its.it_value = now;
	its.it_value.tv_nsec += 10000000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	its.it_interval.tv_nsec = 0;
	out("realtime absolute: %s\n", er(timer_settime(dflt, TIMER_ABSTIME, &its, NULL)));
	/* (glibc, not the kernel, chooses the value here: not compared) */
	siginfo_t si;
	int s = sigtimedwait(&set, &si, &(struct timespec){2, 0});
	out("default sigevent: %s code %s\n", s > 0 ? strsignal(s) : ename(errno),
	    si.si_code == SI_TIMER ? "SI_TIMER" : "?");
	timer_delete(dflt);

	/* SIGEV_NONE: time passes, nothing is sent. */
	timer_t none;
	struct sigevent nev = {.sigev_notify = SIGEV_NONE};
	timer_create(CLOCK_MONOTONIC, &nev, &none);
	its.it_value.tv_sec = 5;
	its.it_value.tv_nsec = 0;
	timer_settime(none, 0, &its, NULL);
	timer_gettime(none, &cur);
	out("SIGEV_NONE keeps time: %s\n", yesno(cur.it_value.tv_sec == 4));
	timer_delete(none);

	/* SIGEV_THREAD_ID: the signal goes to that thread. */
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	pthread_t th;
	pthread_create(&th, NULL, waiter, NULL);
	while (!__atomic_load_n(&target_tid, __ATOMIC_SEQ_CST))
		usleep(1000);
	struct sigevent tev = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGUSR2};
	tev._sigev_un._tid = target_tid;
	tev.sigev_value.sival_int = 5;
	timer_t tt;
	out("SIGEV_THREAD_ID: %s\n", er(timer_create(CLOCK_MONOTONIC, &tev, &tt)));
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 10000000;
	timer_settime(tt, 0, &its, NULL);
	pthread_join(th, NULL);
	timer_delete(tt);
	tev._sigev_un._tid = 0x3ffffff0;
	out("SIGEV_THREAD_ID, no such thread: %s\n", er(timer_create(CLOCK_MONOTONIC, &tev, &tt)));

	/* glibc's SIGEV_THREAD: a function called in a new thread. */
	sem_init(&fired, 0, 0);
	struct sigevent fev = {.sigev_notify = SIGEV_THREAD,
			       .sigev_notify_function = on_thread_timer};
	fev.sigev_value.sival_int = 99;
	timer_t ft;
	out("SIGEV_THREAD: %s\n", er(timer_create(CLOCK_MONOTONIC, &fev, &ft)));
	timer_settime(ft, 0, &its, NULL);
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 2;
	int w = sem_timedwait(&fired, &deadline);
	out("  function ran: %s value %d\n", er(w), thread_value);
	timer_delete(ft);

	out("bad clock: %s\n", er(timer_create(12345, NULL, &id)));
	ev.sigev_notify = 77;
	out("bad notify: %s\n", er(timer_create(CLOCK_MONOTONIC, &ev, &id)));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = 0;
	out("bad signal: %s\n", er(timer_create(CLOCK_MONOTONIC, &ev, &id)));
	out("settime unknown id: %s\n", er(syscall(SYS_timer_settime, 4242, 0, &its, NULL)));
	ev.sigev_signo = SIGUSR1;
	timer_create(CLOCK_MONOTONIC, &ev, &id);
	its.it_value.tv_nsec = 1000000000;
	out("settime bad nsec: %s\n", er(timer_settime(id, 0, &its, NULL)));
	out("getoverrun unknown id: %s\n", er(syscall(SYS_timer_getoverrun, 4242)));

	/* exec deletes the process's timers. */
	pid_t kid = fork();
	if (kid == 0) {
		timer_t x;
		timer_create(CLOCK_MONOTONIC, NULL, &x);
		execl("/proc/self/exe", argv[0], "after-exec", (char *)NULL);
		_exit(127);
	}
	waitpid(kid, NULL, 0);
	tg_exit();
}
