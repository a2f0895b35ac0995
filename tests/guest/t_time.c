/*
 * t_time: clocks and sleeping: clock_gettime/clock_getres for the common
 * clocks, monotonicity, nanosleep and clock_nanosleep (relative and
 * absolute), gettimeofday/time consistency, interval timers, times() and
 * getrusage() sanity, CPU-time clocks.
 */
#include "tg.h"

#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>

static int64_t ns_of(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int64_t now_ns(clockid_t c)
{
	struct timespec t;
	if (clock_gettime(c, &t) < 0)
		return -1;
	return ns_of(t);
}

/* Raw syscall, so that the vDSO (if any) is not what we test. */
static int64_t sys_now_ns(clockid_t c)
{
	struct timespec t;
	if (syscall(SYS_clock_gettime, c, &t) < 0)
		return -1;
	return ns_of(t);
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* Sleep 1 ms or until a signal arrives, whichever comes first. */
static void pause_1ms(void)
{
	struct timespec ts = {0, 1000000L};
	nanosleep(&ts, NULL);
}

/* Uses ms of this thread's CPU time (not wall time: on a loaded host a
 * wall-clock burn may get too little CPU to show in tick-based counts). */
static void burn_cpu(int64_t ms)
{
	int64_t end = now_ns(CLOCK_THREAD_CPUTIME_ID) + ms * 1000000LL;
	volatile unsigned long x = 0;
	while (now_ns(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 10000; i++)
			x += (unsigned long)i;
}

static void test_clocks(void)
{
	static const struct {
		clockid_t id;
		const char *name;
	} clocks[] = {
		{CLOCK_REALTIME, "REALTIME"},
		{CLOCK_MONOTONIC, "MONOTONIC"},
		{CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW"},
		{CLOCK_REALTIME_COARSE, "REALTIME_COARSE"},
		{CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE"},
		{CLOCK_BOOTTIME, "BOOTTIME"},
		{CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID"},
		{CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID"},
	};
	for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
		struct timespec t, res;
		int r1 = clock_gettime(clocks[i].id, &t);
		int r2 = clock_getres(clocks[i].id, &res);
		int64_t a = sys_now_ns(clocks[i].id), b = sys_now_ns(clocks[i].id);
		int nsec_ok = t.tv_nsec >= 0 && t.tv_nsec < 1000000000L;
		int res_ok = ns_of(res) > 0 && ns_of(res) <= 10000000LL;
		out("%s: gettime %s, nsec in range %s, getres %s, res in (0, 10ms] %s, raw syscall non-decreasing %s\n",
		    clocks[i].name, r1 == 0 ? "ok" : "fail", yesno(nsec_ok), r2 == 0 ? "ok" : "fail", yesno(res_ok),
		    yesno(a >= 0 && b >= a));
	}
	struct timespec t;
	out("bad clock id: %s\n", er(clock_gettime((clockid_t)1234, &t)));
	out("bad pointer: %s\n", er(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)16)));
	/* Only calls that must fail: the host clock is never changed. */
	clock_gettime(CLOCK_MONOTONIC, &t);
	out("clock_settime MONOTONIC: %s\n", er(clock_settime(CLOCK_MONOTONIC, &t)));
	out("clock_settime bad clock: %s\n", er(clock_settime((clockid_t)1234, &t)));

	/* Monotonic never goes back, over many reads. */
	int64_t prev = now_ns(CLOCK_MONOTONIC);
	int back = 0;
	for (int i = 0; i < 2000; i++) {
		int64_t n = now_ns(CLOCK_MONOTONIC);
		if (n < prev)
			back++;
		prev = n;
	}
	out("MONOTONIC went backwards: %d times in 2000 reads\n", back);
	/* BOOTTIME >= MONOTONIC; REALTIME is after 2020. */
	int64_t mono = now_ns(CLOCK_MONOTONIC), boot = now_ns(CLOCK_BOOTTIME);
	out("BOOTTIME >= MONOTONIC: %s\n", yesno(boot >= mono));
	out("REALTIME after 2020-01-01: %s\n", yesno(now_ns(CLOCK_REALTIME) > 1577836800LL * 1000000000LL));
	out("MONOTONIC > 0: %s\n", yesno(mono > 0));

	/* gettimeofday, time and CLOCK_REALTIME agree. */
	struct timeval tv;
	out("gettimeofday: %s\n", er(gettimeofday(&tv, NULL)));
	time_t tt = time(NULL);
	time_t tt2;
	time(&tt2);
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	out("gettimeofday usec in range: %s\n", yesno(tv.tv_usec >= 0 && tv.tv_usec < 1000000));
	/* time() may read the coarse clock, a tick behind gettimeofday: it
	 * can show the previous second. */
	out("time() vs gettimeofday within 1 s: %s\n", yesno(tt - tv.tv_sec >= -1 && tt - tv.tv_sec <= 1));
	out("time(&t) stores and returns the same: %s\n", yesno(tt2 >= tt && tt2 - tt <= 1));
	out("CLOCK_REALTIME vs time() within 1 s: %s\n", yesno(rt.tv_sec - tt >= 0 && rt.tv_sec - tt <= 1));
	long raw = syscall(SYS_time, NULL);
	out("raw time syscall agrees: %s\n", yesno(raw - tt >= 0 && raw - tt <= 1));
	struct timeval tv2;
	syscall(SYS_gettimeofday, &tv2, NULL);
	out("raw gettimeofday syscall agrees: %s\n", yesno(tv2.tv_sec - tv.tv_sec >= 0 && tv2.tv_sec - tv.tv_sec <= 1));
}

static void test_sleep(void)
{
	struct timespec req = {0, 20 * 1000000L}, rem = {7, 7};
	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	int r = nanosleep(&req, &rem);
	int64_t dt = now_ns(CLOCK_MONOTONIC) - t0;
	out("nanosleep 20ms: %d, slept >= 20ms %s, < 2 s %s\n", r, yesno(dt >= 20000000LL), yesno(dt < 2000000000LL));
	req.tv_nsec = 1000000000L;
	out("nanosleep tv_nsec 1e9: %s\n", er(nanosleep(&req, NULL)));
	req.tv_sec = -1;
	req.tv_nsec = 0;
	out("nanosleep negative: %s\n", er(nanosleep(&req, NULL)));
	req.tv_sec = 0;
	t0 = now_ns(CLOCK_MONOTONIC);
	out("nanosleep 0: %s\n", er(nanosleep(&req, NULL)));

	/* clock_nanosleep: relative on MONOTONIC, absolute on both clocks. */
	req.tv_nsec = 15 * 1000000L;
	t0 = now_ns(CLOCK_MONOTONIC);
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
	dt = now_ns(CLOCK_MONOTONIC) - t0;
	out("clock_nanosleep MONOTONIC relative 15ms: %s, slept >= 15ms %s\n", ename(r), yesno(dt >= 15000000LL));
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	int64_t target = ns_of(abs) + 25 * 1000000LL;
	abs.tv_sec = target / 1000000000LL;
	abs.tv_nsec = target % 1000000000LL;
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
	out("clock_nanosleep MONOTONIC absolute: %s, woke after target %s\n", ename(r),
	    yesno(now_ns(CLOCK_MONOTONIC) >= target));
	clock_gettime(CLOCK_REALTIME, &abs);
	target = ns_of(abs) + 10 * 1000000LL;
	abs.tv_sec = target / 1000000000LL;
	abs.tv_nsec = target % 1000000000LL;
	r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL);
	out("clock_nanosleep REALTIME absolute: %s, woke after target %s\n", ename(r),
	    yesno(now_ns(CLOCK_REALTIME) >= target));
	/* An absolute time in the past (1 ns after boot) returns at once. */
	abs.tv_sec = 0;
	abs.tv_nsec = 1;
	t0 = now_ns(CLOCK_MONOTONIC);
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
	out("absolute time in the past: %s, returned quickly %s\n", ename(r),
	    yesno(now_ns(CLOCK_MONOTONIC) - t0 < 500000000LL));
	r = clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL);
	out("clock_nanosleep THREAD_CPUTIME_ID: %s\n", ename(r));
	r = clock_nanosleep((clockid_t)1234, 0, &req, NULL);
	out("clock_nanosleep bad clock: %s\n", ename(r));

	/* usleep/sleep are built on the same call. */
	t0 = now_ns(CLOCK_MONOTONIC);
	usleep(10000);
	out("usleep 10ms >= 10ms: %s\n", yesno(now_ns(CLOCK_MONOTONIC) - t0 >= 10000000LL));
}

static void test_itimers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGPROF, &sa, NULL);
	sigaction(SIGVTALRM, &sa, NULL);

	struct itimerval it = {{0, 10000}, {0, 10000}}, old, cur;
	alarms = 0;
	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	out("setitimer REAL periodic 10ms: %s\n", er(setitimer(ITIMER_REAL, &it, &old)));
	out("  old value was disarmed: %s\n", yesno(old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0));
	getitimer(ITIMER_REAL, &cur);
	out("  getitimer: value <= 10ms %s, interval 10ms %s\n",
	    yesno(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 10000),
	    yesno(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 10000));
	while (alarms < 5 && now_ns(CLOCK_MONOTONIC) - t0 < 3000000000LL)
		pause_1ms();
	int64_t dt = now_ns(CLOCK_MONOTONIC) - t0;
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, NULL);
	out("  5 expirations took >= 50ms: %s\n", yesno(dt >= 50000000LL - 1000000LL));
	getitimer(ITIMER_REAL, &cur);
	out("  disarmed: %s\n", yesno(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0));

	/* ITIMER_PROF / ITIMER_VIRTUAL count CPU time. */
	struct itimerval cpu = {{0, 0}, {0, 20000}};
	alarms = 0;
	int r = setitimer(ITIMER_PROF, &cpu, NULL);
	out("setitimer PROF 20ms: %s\n", er(r));
	t0 = now_ns(CLOCK_MONOTONIC);
	while (r == 0 && !alarms && now_ns(CLOCK_MONOTONIC) - t0 < 3000000000LL)
		burn_cpu(5);
	out("  SIGPROF after burning CPU: %s\n", yesno(alarms == 1));
	alarms = 0;
	r = setitimer(ITIMER_VIRTUAL, &cpu, NULL);
	out("setitimer VIRTUAL 20ms: %s\n", er(r));
	t0 = now_ns(CLOCK_MONOTONIC);
	while (r == 0 && !alarms && now_ns(CLOCK_MONOTONIC) - t0 < 3000000000LL)
		burn_cpu(5);
	out("  SIGVTALRM after burning CPU: %s\n", yesno(alarms == 1));
	out("setitimer bad which: %s\n", er(setitimer((__itimer_which_t)7, &it, NULL)));
	it.it_value.tv_usec = 2000000;
	out("setitimer usec out of range: %s\n", er(setitimer(ITIMER_REAL, &it, NULL)));
	signal(SIGALRM, SIG_DFL);
	signal(SIGPROF, SIG_DFL);
	signal(SIGVTALRM, SIG_DFL);
}

static void test_usage(void)
{
	struct tms a, b;
	clock_t c0 = times(&a);
	int64_t cpu0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	int64_t th0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	int64_t w0 = now_ns(CLOCK_MONOTONIC);
	burn_cpu(60);
	int64_t w1 = now_ns(CLOCK_MONOTONIC);
	clock_t c1 = times(&b);
	int64_t cpu1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	int64_t th1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	out("times(): returns non-decreasing ticks: %s\n", yesno(c1 >= c0 && c0 != (clock_t)-1));
	out("times(): fields non-negative and non-decreasing: %s\n",
	    yesno(a.tms_utime >= 0 && a.tms_stime >= 0 && b.tms_utime >= a.tms_utime && b.tms_stime >= a.tms_stime &&
		  b.tms_cutime >= 0 && b.tms_cstime >= 0));
	out("times(): elapsed ticks >= 4 over 60 ms: %s\n", yesno(c1 - c0 >= 4));
	out("times(NULL) works: %s\n", yesno(times(NULL) != (clock_t)-1));
	out("sysconf(_SC_CLK_TCK): %ld\n", sysconf(_SC_CLK_TCK));
	out("process CPU clock advanced while burning: %s\n", yesno(cpu1 > cpu0));
	out("thread CPU clock advanced while burning: %s\n", yesno(th1 > th0));
	/* One thread cannot use more CPU than the time that passed. */
	out("thread CPU time <= wall time: %s\n", yesno(th1 - th0 <= w1 - w0 + 2000000));
	out("process CPU time <= elapsed + slack: %s\n", yesno(cpu1 - cpu0 <= 2000000000LL));

	struct rusage ru;
	out("getrusage SELF: %s\n", er(getrusage(RUSAGE_SELF, &ru)));
	out("  utime/stime usec in range: %s\n", yesno(ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000 &&
						       ru.ru_stime.tv_usec >= 0 && ru.ru_stime.tv_usec < 1000000));
	out("  utime+stime > 0 after burning CPU: %s\n",
	    yesno(ru.ru_utime.tv_sec + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec > 0));
	out("  maxrss >= 0: %s\n", yesno(ru.ru_maxrss >= 0));
	out("getrusage THREAD: %s\n", er(getrusage(RUSAGE_THREAD, &ru)));
	out("getrusage bad who: %s\n", er(getrusage(99, &ru)));

	/* A child's CPU time shows up in RUSAGE_CHILDREN after it is reaped. */
	struct rusage before;
	getrusage(RUSAGE_CHILDREN, &before);
	pid_t c = xfork();
	if (c == 0) {
		burn_cpu(60);
		_exit(0);
	}
	struct rusage wru;
	int st;
	memset(&wru, 0, sizeof wru);
	wait4(c, &st, 0, &wru);
	struct rusage after;
	getrusage(RUSAGE_CHILDREN, &after);
	int64_t cb = before.ru_utime.tv_sec * 1000000LL + before.ru_utime.tv_usec + before.ru_stime.tv_sec * 1000000LL +
		     before.ru_stime.tv_usec;
	int64_t ca = after.ru_utime.tv_sec * 1000000LL + after.ru_utime.tv_usec + after.ru_stime.tv_sec * 1000000LL +
		     after.ru_stime.tv_usec;
	int64_t cw = wru.ru_utime.tv_sec * 1000000LL + wru.ru_utime.tv_usec + wru.ru_stime.tv_sec * 1000000LL +
		     wru.ru_stime.tv_usec;
	out("RUSAGE_CHILDREN grew after reaping a busy child: %s\n", yesno(ca > cb));
	out("wait4 rusage of the busy child > 0: %s\n", yesno(cw > 0));
	struct tms t2;
	times(&t2);
	out("times(): children's time counted: %s\n", yesno(t2.tms_cutime + t2.tms_cstime > 0));
}

static int64_t rusage_ns(int who)
{
	struct rusage ru;
	getrusage(who, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

/*
 * A single thread cannot use more CPU time than the time that passes: spin
 * until the CPU clock itself says 200 ms went by (as a program timing its
 * own work does, calling the clock all along), then compare with the
 * monotonic clock, and with getrusage, which counts the same time.
 */
static void test_cpu_clock_rate(void)
{
	for (int k = 0; k < 2; k++) {
		clockid_t id = k ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID;
		const char *name = k ? "thread" : "process";
		volatile unsigned long x = 0;
		int64_t w0 = now_ns(CLOCK_MONOTONIC), c0 = now_ns(id);
		int64_t c1;
		while ((c1 = now_ns(id)) - c0 < 200000000LL)
			for (int i = 0; i < 10000; i++)
				x += (unsigned long)i;
		int64_t w1 = now_ns(CLOCK_MONOTONIC);
		out("%s CPU clock: 200 ms of it take >= 200 ms of wall time: %s\n", name,
		    yesno(w1 - w0 >= c1 - c0 - 1000000LL));
		int64_t ru = rusage_ns(k ? RUSAGE_THREAD : RUSAGE_SELF), c2 = now_ns(id);
		int64_t d = ru > c2 ? ru - c2 : c2 - ru;
		out("%s CPU clock: getrusage agrees within 20 ms: %s\n", name,
		    yesno(d <= 20000000LL));
	}
}

int main(void)
{
	tg_init();
	test_clocks();
	test_sleep();
	test_itimers();
	test_usage();
	test_cpu_clock_rate();
	tg_exit();
}
