/*
 * t_signal: sigaction (SA_SIGINFO, SA_RESETHAND, SA_NODEFER, SA_RESTART,
 * SA_ONSTACK), siginfo contents, the handler's signal mask, sigprocmask,
 * sigpending, sigsuspend, sigtimedwait, sigqueue, kill/tkill/tgkill,
 * coalescing of standard signals and queueing of real-time ones, EINTR vs
 * restart of a blocking pipe read, sigaltstack, SIGCHLD, default actions,
 * and what fork and exec do to masks and handlers.
 */
#include "tg.h"

#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>

static volatile sig_atomic_t hits;
static volatile int last_signo, last_code, last_pid, last_uid, last_value, last_status;
static volatile int blocked_in_handler, other_blocked_in_handler;
static volatile int order[16], order_val[16];
static volatile int norder;

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	last_signo = si->si_signo;
	last_code = si->si_code;
	last_pid = si->si_pid;
	last_uid = (int)si->si_uid;
	last_value = si->si_value.sival_int;
	last_status = si->si_status;
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	blocked_in_handler = sigismember(&cur, sig);
	other_blocked_in_handler = sigismember(&cur, SIGUSR2);
	if (norder < 16) {
		order_val[norder] = si->si_value.sival_int;
		order[norder++] = sig;
	}
}

static void plain_handler(int sig)
{
	(void)sig;
	hits++;
}

static void set_handler(int sig, void (*h)(int, siginfo_t *, void *), int flags, const sigset_t *mask)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO | flags;
	if (mask)
		sa.sa_mask = *mask;
	else
		sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0)
		die("sigaction %d", sig);
}

static void set_plain(int sig, void (*h)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0)
		die("sigaction %d", sig);
}

static const char *code_name(int code)
{
	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TKILL: return "SI_TKILL";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_TIMER: return "SI_TIMER";
	case CLD_EXITED: return "CLD_EXITED";
	case CLD_KILLED: return "CLD_KILLED";
	default: return "other";
	}
}

static void block(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

static void unblock(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static void test_basic_delivery(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	set_handler(SIGUSR1, info_handler, 0, &m);
	hits = 0;
	out("kill self SIGUSR1: %s\n", er(kill(getpid(), SIGUSR1)));
	out("  handler ran %d time(s), si_signo %d, si_code %s, si_pid is us %s, si_uid is us %s\n", (int)hits,
	    last_signo, code_name(last_code), yesno(last_pid == getpid()), yesno(last_uid == (int)getuid()));
	out("  signal blocked inside its handler: %s, sa_mask applied: %s\n", yesno(blocked_in_handler),
	    yesno(other_blocked_in_handler));
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	out("  mask restored after handler: %s\n", yesno(!sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGUSR2)));

	hits = 0;
	raise(SIGUSR1);
	out("raise: si_code %s (raise uses tgkill)\n", code_name(last_code));
	syscall(SYS_tkill, gettid(), SIGUSR1);
	out("tkill: si_code %s\n", code_name(last_code));
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
	out("tgkill: si_code %s, hits %d\n", code_name(last_code), (int)hits);
	union sigval sv = {.sival_int = 4242};
	sigqueue(getpid(), SIGUSR1, sv);
	out("sigqueue: si_code %s, si_value %d\n", code_name(last_code), last_value);

	/* SA_NODEFER: the signal is not blocked in its own handler. */
	set_handler(SIGUSR1, info_handler, SA_NODEFER, NULL);
	raise(SIGUSR1);
	out("SA_NODEFER: blocked inside handler: %s\n", yesno(blocked_in_handler));

	/* SA_RESETHAND: one-shot handler. */
	set_handler(SIGUSR1, info_handler, SA_RESETHAND, NULL);
	hits = 0;
	raise(SIGUSR1);
	struct sigaction old;
	sigaction(SIGUSR1, NULL, &old);
	out("SA_RESETHAND: hits %d, disposition now default: %s\n", (int)hits, yesno(old.sa_handler == SIG_DFL));

	/* sigaction returns the previous action. */
	set_handler(SIGUSR1, info_handler, SA_RESTART, &m);
	struct sigaction prev;
	set_plain(SIGUSR1, plain_handler, 0);
	sigaction(SIGUSR1, NULL, &prev);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGUSR1, &sa, &prev);
	out("sigaction old action: handler %s, SA_SIGINFO clear %s\n", yesno(prev.sa_handler == plain_handler),
	    yesno(!(prev.sa_flags & SA_SIGINFO)));
	hits = 0;
	raise(SIGUSR1);
	out("ignored signal: hits %d\n", (int)hits);
	set_plain(SIGUSR1, SIG_DFL, 0);

	out("sigaction SIGKILL: %s\n", er(sigaction(SIGKILL, &sa, NULL)));
	out("sigaction SIGSTOP: %s\n", er(sigaction(SIGSTOP, &sa, NULL)));
	out("sigaction signal 0: %s\n", er(sigaction(0, &sa, NULL)));
	out("sigaction signal 65: %s\n", er(syscall(SYS_rt_sigaction, 65, NULL, NULL, 8)));
	out("rt_sigaction bad sigsetsize: %s\n", er(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &prev, 4)));
	out("kill signal 0 to self: %s\n", er(kill(getpid(), 0)));
	out("kill bad signal: %s\n", er(kill(getpid(), 65)));
	pid_t c = xfork();
	if (c == 0)
		_exit(0);
	wait_for(c);
	out("kill reaped child: %s\n", er(kill(c, 0)));
}

static void test_mask_pending(void)
{
	set_handler(SIGUSR1, info_handler, 0, NULL);
	set_handler(SIGUSR2, info_handler, 0, NULL);
	block(SIGUSR1);
	hits = 0;
	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	sigset_t p;
	sigpending(&p);
	out("blocked SIGUSR1 raised 3x: hits %d, pending %s\n", (int)hits, yesno(sigismember(&p, SIGUSR1)));
	unblock(SIGUSR1);
	out("after unblock: hits %d (standard signals coalesce)\n", (int)hits);
	sigpending(&p);
	out("pending after delivery: %s\n", yesno(sigismember(&p, SIGUSR1)));

	/* Real-time signals queue, lowest number first; standard ones before them. */
	int r1 = SIGRTMIN + 1, r2 = SIGRTMIN + 3;
	sigset_t all;
	sigfillset(&all);
	/* Handlers block everything, so they run one after the other. */
	set_handler(r1, info_handler, 0, &all);
	set_handler(r2, info_handler, 0, &all);
	set_handler(SIGUSR2, info_handler, 0, &all);
	sigset_t saved;
	sigprocmask(SIG_BLOCK, &all, &saved);
	hits = 0;
	norder = 0;
	union sigval sv;
	for (int i = 0; i < 3; i++) {
		sv.sival_int = i;
		sigqueue(getpid(), r2, sv);
		sigqueue(getpid(), r1, sv);
	}
	raise(SIGUSR2);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	out("queued 3x RTMIN+3, 3x RTMIN+1, 1x SIGUSR2: hits %d, order:", (int)hits);
	for (int i = 0; i < norder; i++)
		if (order[i] == SIGUSR2)
			out(" USR2");
		else
			out(" %s:%d", order[i] == r1 ? "RT1" : order[i] == r2 ? "RT3" : "?", order_val[i]);
	out("\n");

	/* sigprocmask semantics. */
	sigset_t s, o;
	sigemptyset(&s);
	sigaddset(&s, SIGKILL);
	sigaddset(&s, SIGSTOP);
	sigaddset(&s, SIGINT);
	sigprocmask(SIG_BLOCK, &s, NULL);
	sigprocmask(SIG_BLOCK, NULL, &o);
	out("block KILL|STOP|INT: KILL blocked %s, STOP blocked %s, INT blocked %s\n", yesno(sigismember(&o, SIGKILL)),
	    yesno(sigismember(&o, SIGSTOP)), yesno(sigismember(&o, SIGINT)));
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	out("sigprocmask bad how: %s\n", er(sigprocmask(99, &s, NULL)));
	out("rt_sigprocmask bad size: %s\n", er(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &s, NULL, 4)));
}

static void test_wait_functions(void)
{
	/* sigsuspend: a child signals us while we wait with SIGUSR1 unblocked. */
	set_handler(SIGUSR1, info_handler, 0, NULL);
	block(SIGUSR1);
	pid_t me = getpid();
	hits = 0;
	pid_t c = xfork();
	if (c == 0) {
		msleep(20);
		kill(me, SIGUSR1);
		_exit(0);
	}
	sigset_t empty;
	sigemptyset(&empty);
	int r = sigsuspend(&empty);
	int e = errno;
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	out("sigsuspend: returned %d %s, hits %d, si_pid is the child %s, old mask back %s\n", r, ename(e),
	    (int)hits, yesno(last_pid == c), yesno(sigismember(&cur, SIGUSR1)));
	wait_for(c);

	/* sigtimedwait takes a blocked pending signal without running the handler. */
	hits = 0;
	union sigval sv = {.sival_int = 77};
	sigqueue(getpid(), SIGUSR1, sv);
	sigset_t w;
	sigemptyset(&w);
	sigaddset(&w, SIGUSR1);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	struct timespec ts = {1, 0};
	r = sigtimedwait(&w, &si, &ts);
	out("sigtimedwait: returned signal %s, si_code %s, value %d, handler hits %d\n", yesno(r == SIGUSR1),
	    code_name(si.si_code), si.si_value.sival_int, (int)hits);
	ts.tv_sec = 0;
	ts.tv_nsec = 20 * 1000000L;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = sigtimedwait(&w, &si, &ts);
	e = errno;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	out("sigtimedwait timeout: %d %s, waited >= 19 ms %s\n", r, ename(e), yesno(ms >= 19));
	ts.tv_nsec = 0;
	r = sigtimedwait(&w, &si, &ts);
	out("sigtimedwait zero timeout: %d %s\n", r, ename(errno));
	/* sigwaitinfo from a child's kill. */
	c = xfork();
	if (c == 0) {
		msleep(10);
		kill(me, SIGUSR1);
		_exit(0);
	}
	r = sigwaitinfo(&w, &si);
	out("sigwaitinfo: signal %s, si_code %s, si_pid is the child %s\n", yesno(r == SIGUSR1), code_name(si.si_code),
	    yesno(si.si_pid == c));
	wait_for(c);
	unblock(SIGUSR1);

	/*
	 * pause() returns after a handler runs. The child keeps signalling
	 * until it is killed, so a signal that lands before pause() does not
	 * leave us waiting forever.
	 */
	hits = 0;
	c = xfork();
	if (c == 0) {
		for (int i = 0; i < 500; i++) {
			msleep(10);
			kill(me, SIGUSR1);
		}
		_exit(0);
	}
	r = pause();
	e = errno;
	kill(c, SIGKILL);
	wait_for(c);
	out("pause: %d %s, handler ran %s\n", r, ename(e), yesno(hits >= 1));
}

static void test_restart(void)
{
	int p[2];
	char buf[8];
	/*
	 * Periodic, so that a tick that lands before the call blocks is
	 * followed by another one.
	 */
	struct itimerval it = {{0, 50000}, {0, 30000}}, off = {{0, 0}, {0, 0}};

	/* Without SA_RESTART a blocked read fails with EINTR. */
	if (pipe(p) < 0)
		die("pipe");
	set_plain(SIGALRM, plain_handler, 0);
	hits = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	ssize_t n = read(p[0], buf, sizeof buf);
	int e = errno;
	setitimer(ITIMER_REAL, &off, NULL);
	out("read interrupted, no SA_RESTART: %zd %s, handler ran %s\n", n, ename(e), yesno(hits >= 1));

	/* With SA_RESTART the read resumes and gets the data written later. */
	set_plain(SIGALRM, plain_handler, SA_RESTART);
	hits = 0;
	pid_t c = xfork();
	if (c == 0) {
		msleep(150);
		write(p[1], "late", 4);
		_exit(0);
	}
	setitimer(ITIMER_REAL, &it, NULL);
	n = read(p[0], buf, sizeof buf);
	setitimer(ITIMER_REAL, &off, NULL);
	out("read with SA_RESTART: %zd bytes, handler ran %s\n", n, yesno(hits >= 1));
	wait_for(c);

	/* alarm() reports the remaining seconds (rounded). */
	out("alarm(5) previous: %u\n", alarm(5));
	out("alarm(1) previous: %u\n", alarm(1));
	out("alarm(0) previous: %u\n", alarm(0));
	struct itimerval cur;
	getitimer(ITIMER_REAL, &cur);
	out("timer off after alarm(0): %s\n", yesno(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0));

	/* nanosleep is never restarted: EINTR with the remaining time. */
	set_plain(SIGALRM, plain_handler, SA_RESTART);
	setitimer(ITIMER_REAL, &it, NULL);
	struct timespec req = {2, 0}, rem = {0, 0};
	int r = nanosleep(&req, &rem);
	e = errno;
	setitimer(ITIMER_REAL, &off, NULL);
	out("nanosleep interrupted even with SA_RESTART: %d %s, remaining time in (1 s, 2 s): %s\n", r, ename(e),
	    yesno(rem.tv_sec == 1));
	set_plain(SIGALRM, SIG_DFL, 0);
	close(p[0]);
	close(p[1]);
}

static char *alt_base;
static size_t alt_size;
static volatile int on_alt, ss_flags_in_handler;

static void alt_handler(int sig)
{
	(void)sig;
	char local;
	on_alt = (char *)&local >= alt_base && (char *)&local < alt_base + alt_size;
	stack_t cur;
	sigaltstack(NULL, &cur);
	ss_flags_in_handler = cur.ss_flags;
}

static void overflow_handler(int sig)
{
	(void)sig;
	char local;
	_exit((char *)&local >= alt_base && (char *)&local < alt_base + alt_size ? 30 : 31);
}

static volatile int recurse_limit = 1 << 30;

static int recurse(int n)
{
	volatile char pad[4096];
	pad[0] = (char)n;
	pad[4095] = (char)n;
	if (n > recurse_limit)
		return 0;
	return recurse(n + 1) + pad[0] + pad[4095];
}

static void test_altstack(void)
{
	alt_size = 64 * 1024;
	alt_base = malloc(alt_size);
	stack_t ss = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0};
	stack_t old;
	out("sigaltstack set: %s\n", er(sigaltstack(&ss, &old)));
	out("  previous was disabled: %s\n", yesno(old.ss_flags == SS_DISABLE));
	set_plain(SIGUSR2, alt_handler, SA_ONSTACK);
	raise(SIGUSR2);
	out("SA_ONSTACK handler on alternate stack: %s, ss_flags has SS_ONSTACK: %s\n", yesno(on_alt),
	    yesno(ss_flags_in_handler & SS_ONSTACK));
	set_plain(SIGUSR2, alt_handler, 0);
	raise(SIGUSR2);
	out("handler without SA_ONSTACK on alternate stack: %s\n", yesno(on_alt));
	stack_t q;
	sigaltstack(NULL, &q);
	out("query: size matches %s, flags %d\n", yesno(q.ss_size == alt_size && q.ss_sp == alt_base), q.ss_flags);
	stack_t small = {.ss_sp = alt_base, .ss_size = 512, .ss_flags = 0};
	out("too small alternate stack: %s\n", er(sigaltstack(&small, NULL)));
	stack_t bad = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 12345};
	out("bad flags: %s\n", er(sigaltstack(&bad, NULL)));
	stack_t dis = {.ss_flags = SS_DISABLE};
	out("disable: %s\n", er(sigaltstack(&dis, NULL)));
	sigaltstack(NULL, &q);
	out("disabled now: %s\n", yesno(q.ss_flags == SS_DISABLE));
	set_plain(SIGUSR2, SIG_DFL, 0);

	/* A stack overflow is only survivable on an alternate stack. */
	pid_t c = xfork();
	if (c == 0) {
		struct rlimit rl = {1 << 20, 1 << 20};
		setrlimit(RLIMIT_STACK, &rl);
		sigaltstack(&ss, NULL);
		set_plain(SIGSEGV, overflow_handler, SA_ONSTACK);
		_exit(recurse(1) == 0 ? 3 : 4);
	}
	out("stack overflow caught on the alternate stack: %s\n", wstr(wait_for(c)));
	free(alt_base);
}

static volatile uintptr_t bad_ptr = 16;
static void segv_to_exit(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	_exit(si->si_addr == (void *)16 && sig == SIGSEGV && si->si_code == SEGV_MAPERR ? 40 : 41);
}

static void test_children(void)
{
	/* SIGCHLD with SA_SIGINFO describes the child. */
	set_handler(SIGCHLD, info_handler, 0, NULL);
	block(SIGCHLD);
	hits = 0;
	pid_t c = xfork();
	if (c == 0)
		_exit(23);
	sigset_t w;
	sigemptyset(&w);
	sigaddset(&w, SIGCHLD);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	sigwaitinfo(&w, &si);
	out("SIGCHLD: si_code %s, si_pid is child %s, si_status %d\n", code_name(si.si_code), yesno(si.si_pid == c),
	    si.si_status);
	wait_for(c);
	unblock(SIGCHLD);
	c = xfork();
	if (c == 0) {
		pause();
		_exit(0);
	}
	kill(c, SIGKILL);
	int st = wait_for(c);
	for (int i = 0; i < 1000 && !hits; i++)
		msleep(1);
	out("SIGCHLD handler for killed child: ran %s, si_code %s, si_status %d, %s\n", yesno(hits > 0),
	    code_name(last_code), last_status, wstr(st));
	set_plain(SIGCHLD, SIG_DFL, 0);

	/* Default actions. */
	c = xfork();
	if (c == 0) {
		volatile char *p = (volatile char *)bad_ptr;
		*p = 1;
		_exit(0);
	}
	out("default SIGSEGV: %s\n", wstr(wait_for(c) & 0x7f)); /* without the core bit */
	c = xfork();
	if (c == 0) {
		set_handler(SIGSEGV, segv_to_exit, 0, NULL);
		volatile char *p = (volatile char *)bad_ptr;
		*p = 1;
		_exit(0);
	}
	out("caught SIGSEGV (si_addr, SEGV_MAPERR): %s\n", wstr(wait_for(c)));
	c = xfork();
	if (c == 0) {
		raise(SIGURG);
		raise(SIGWINCH);
		raise(SIGCHLD);
		raise(SIGCONT);
		_exit(4);
	}
	out("default-ignored SIGURG/SIGWINCH/SIGCHLD/SIGCONT: %s\n", wstr(wait_for(c)));
	c = xfork();
	if (c == 0) {
		raise(SIGPIPE);
		_exit(0);
	}
	out("default SIGPIPE: %s\n", wstr(wait_for(c)));
	c = xfork();
	if (c == 0) {
		raise(SIGALRM);
		_exit(0);
	}
	out("default SIGALRM: %s\n", wstr(wait_for(c)));
	/* A blocked fatal signal stays pending until unblocked. */
	c = xfork();
	if (c == 0) {
		block(SIGTERM);
		raise(SIGTERM);
		write(1, "", 0);
		unblock(SIGTERM);
		_exit(0);
	}
	out("blocked SIGTERM fatal on unblock: %s\n", wstr(wait_for(c)));
	/* SIGKILL cannot be blocked or caught. */
	c = xfork();
	if (c == 0) {
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		raise(SIGKILL);
		_exit(0);
	}
	out("SIGKILL with everything blocked: %s\n", wstr(wait_for(c)));
}

static void test_fork_exec(const char *self)
{
	/* Blocked mask is inherited by fork; pending signals are not. */
	set_handler(SIGUSR1, info_handler, 0, NULL);
	block(SIGUSR1);
	block(SIGINT);
	raise(SIGUSR1);
	pid_t c = xfork();
	if (c == 0) {
		sigset_t cur, pend;
		sigprocmask(SIG_BLOCK, NULL, &cur);
		sigpending(&pend);
		struct sigaction sa;
		sigaction(SIGUSR1, NULL, &sa);
		int code = (sigismember(&cur, SIGUSR1) ? 1 : 0) | (sigismember(&cur, SIGINT) ? 2 : 0) |
			   (sigismember(&pend, SIGUSR1) ? 4 : 0) | (sa.sa_sigaction == info_handler ? 8 : 0);
		_exit(code);
	}
	int st = wait_for(c);
	int code = WEXITSTATUS(st);
	out("fork: child mask has USR1 %s INT %s; parent's pending USR1 inherited %s; handler inherited %s\n",
	    yesno(code & 1), yesno(code & 2), yesno(code & 4), yesno(code & 8));
	sigset_t empty;
	sigemptyset(&empty);
	sigset_t w;
	sigemptyset(&w);
	sigaddset(&w, SIGUSR1);
	struct timespec zero = {0, 0};
	out("parent's own pending USR1 still there: %s\n", yesno(sigtimedwait(&w, NULL, &zero) == SIGUSR1));

	/* exec: caught -> default, ignored stays ignored, mask kept, alt stack dropped. */
	set_handler(SIGUSR1, info_handler, 0, NULL);
	set_plain(SIGUSR2, SIG_IGN, 0);
	set_plain(SIGHUP, plain_handler, 0);
	c = xfork();
	if (c == 0) {
		char *argv[] = {(char *)"t_signal", (char *)"exec-child", NULL};
		char *envp[] = {NULL};
		stack_t ss = {.ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0};
		sigaltstack(&ss, NULL);
		execve(self, argv, envp);
		_exit(127);
	}
	out("exec child: %s\n", wstr(wait_for(c)));
	sigprocmask(SIG_SETMASK, &empty, NULL);
	set_plain(SIGUSR1, SIG_DFL, 0);
	set_plain(SIGUSR2, SIG_DFL, 0);
	set_plain(SIGHUP, SIG_DFL, 0);
}

static int exec_child(void)
{
	struct sigaction a1, a2, a3;
	sigaction(SIGUSR1, NULL, &a1);
	sigaction(SIGUSR2, NULL, &a2);
	sigaction(SIGHUP, NULL, &a3);
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	out("  after exec: USR1 default %s, USR2 still ignored %s, HUP default %s\n", yesno(a1.sa_handler == SIG_DFL),
	    yesno(a2.sa_handler == SIG_IGN), yesno(a3.sa_handler == SIG_DFL));
	out("  after exec: mask kept (USR1 %s, INT %s)\n", yesno(sigismember(&cur, SIGUSR1)),
	    yesno(sigismember(&cur, SIGINT)));
	stack_t ss;
	sigaltstack(NULL, &ss);
	out("  after exec: alt stack disabled %s\n", yesno(ss.ss_flags == SS_DISABLE));
	return 0;
}

static void test_groups(void)
{
	/* kill(0, sig) and kill(-pgrp, sig) reach every member of the group. */
	pid_t leader = xfork();
	if (leader == 0) {
		setpgid(0, 0);
		/*
		 * The leader keeps SIGUSR1 blocked; its children unblock it, so
		 * a signal sent before they get there stays pending and still
		 * kills them.
		 */
		block(SIGUSR1);
		pid_t a = fork();
		if (a == 0) {
			unblock(SIGUSR1);
			for (;;)
				pause();
		}
		pid_t b = fork();
		if (b == 0) {
			unblock(SIGUSR1);
			for (;;)
				pause();
		}
		kill(0, SIGUSR1);
		int sa, sb;
		waitpid(a, &sa, 0);
		waitpid(b, &sb, 0);
		int ok = WIFSIGNALED(sa) && WTERMSIG(sa) == SIGUSR1 && WIFSIGNALED(sb) && WTERMSIG(sb) == SIGUSR1;
		/* Now by explicit group id, to a new child. */
		sigset_t w;
		sigemptyset(&w);
		sigaddset(&w, SIGUSR1);
		struct timespec zero = {0, 0};
		sigtimedwait(&w, NULL, &zero); /* drop our own pending one */
		pid_t d = fork();
		if (d == 0) {
			unblock(SIGUSR1);
			for (;;)
				pause();
		}
		kill(-getpid(), SIGUSR1);
		int sd;
		waitpid(d, &sd, 0);
		ok = ok && WIFSIGNALED(sd) && WTERMSIG(sd) == SIGUSR1;
		_exit(ok ? 0 : 1);
	}
	out("kill(0) and kill(-pgrp) reach the group: %s\n", wstr(wait_for(leader)));
	out("kill to a nonexistent group: %s\n", er(kill(-999999, SIGUSR1)));
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "exec-child"))
		return exec_child();
	tg_init();
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (argv[0][0] == '/' || n <= 0) {
		snprintf(self, sizeof self, "%s", argv[0]);
	} else {
		self[n] = 0;
	}
	test_basic_delivery();
	test_mask_pending();
	test_wait_functions();
	test_restart();
	test_altstack();
	test_children();
	test_fork_exec(self);
	test_groups();
	tg_exit();
}
