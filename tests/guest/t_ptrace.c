/*
 * t_ptrace: ptrace as debuggers and strace use it. PTRACE_TRACEME and
 * PTRACE_ATTACH stops, PEEK/POKE of data and (read-only) text, GETREGS and
 * SETREGS, PEEKUSER, system-call stops with TRACESYSGOOD (a mini strace,
 * changing a result, skipping a call), single-stepping (counted, through
 * system calls), an int3 breakpoint planted in text, signal-delivery
 * stops (suppressing and injecting), exec stops with and without
 * TRACEEXEC, DETACH, and the errors for bad requests.
 */
#include "tg.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <elf.h>

static volatile long shared_word = 0x1122334455667788L;
static volatile int usr1_seen;

/* The stop a waitpid reported, as "stopped SIG" or "exited N". */
static const char *describe(int st)
{
	static char buf[64];
	if (WIFSTOPPED(st))
		snprintf(buf, sizeof buf, "stopped %d%s event %d", WSTOPSIG(st) & 0x7f,
			 (WSTOPSIG(st) & 0x80) ? "|0x80" : "", st >> 16);
	else if (WIFEXITED(st))
		snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "killed by %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof buf, "status %#x", st);
	return buf;
}

/* A child that stops itself under PTRACE_TRACEME, then runs fn. */
static pid_t traced_child(int (*fn)(void))
{
	pid_t c = xfork();
	if (c == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(100);
		raise(SIGSTOP);
		_exit(fn());
	}
	int st = wait_for(c);
	check(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "traceme child stops with SIGSTOP");
	return c;
}

static void report(int st, const char *what, int want)
{
	out("%s: %s\n", what, describe(st));
	check(WIFEXITED(st) && WEXITSTATUS(st) == want, "%s", what);
}

static void finish(pid_t c, const char *what, int want)
{
	report(wait_for(c), what, want);
}

/* --- memory and registers --- */

static int child_word(void)
{
	return shared_word == 0x0102030405060708L ? 7 : 1;
}

static void test_peek_poke(void)
{
	pid_t c = traced_child(child_word);
	errno = 0;
	long v = ptrace(PTRACE_PEEKDATA, c, (void *)&shared_word, 0);
	check(errno == 0 && v == 0x1122334455667788L, "PEEKDATA reads the child's word");
	check(ptrace(PTRACE_POKEDATA, c, (void *)&shared_word, (void *)0x0102030405060708L) == 0,
	      "POKEDATA");
	check(shared_word == 0x1122334455667788L, "our own copy unchanged");

	struct user_regs_struct r;
	check(ptrace(PTRACE_GETREGS, c, 0, &r) == 0, "GETREGS");
	check(r.orig_rax == SYS_tgkill || r.orig_rax == SYS_kill,
	      "stopped in a system call (orig_rax is kill/tgkill)");
	check(r.cs == 0x33 && r.ss == 0x2b, "cs and ss are the user segments");
	errno = 0;
	long rip = ptrace(PTRACE_PEEKUSER, c, (void *)offsetof(struct user_regs_struct, rip), 0);
	check(errno == 0 && (unsigned long)rip == r.rip, "PEEKUSER rip matches GETREGS");
	errno = 0;
	long dr7 = ptrace(PTRACE_PEEKUSER, c, (void *)offsetof(struct user, u_debugreg[7]), 0);
	check(errno == 0 && dr7 == 0, "PEEKUSER dr7 is 0");
	errno = 0;
	ptrace(PTRACE_PEEKUSER, c, (void *)3, 0);
	out("PEEKUSER at an unaligned offset: %s\n", ename(errno));
	errno = 0;
	ptrace(PTRACE_PEEKDATA, c, (void *)8, 0);
	out("PEEKDATA at an unmapped address: %s\n", ename(errno));

	struct iovec iov = {&r, sizeof r};
	memset(&r, 0, sizeof r);
	check(ptrace(PTRACE_GETREGSET, c, (void *)NT_PRSTATUS, &iov) == 0 &&
		      iov.iov_len == sizeof r && r.rip == (unsigned long)rip,
	      "GETREGSET NT_PRSTATUS");
	struct user_fpregs_struct fp;
	check(ptrace(PTRACE_GETFPREGS, c, 0, &fp) == 0, "GETFPREGS");
	check((fp.mxcsr & 0x1f80) == 0x1f80, "mxcsr has the default mask");
	check(ptrace(PTRACE_CONT, c, 0, 0) == 0, "CONT");
	finish(c, "child saw the poked word", 7);
}

/* --- system-call stops --- */

static int child_syscalls(void)
{
	long a = syscall(SYS_getppid);
	long b = syscall(SYS_close, -1);
	long p = syscall(SYS_getpid);
	long d = syscall(SYS_dup, -1);
	(void)a;
	/* close was skipped with 77 as its result; getpid says 4242. */
	return (b == 77 && p == 4242 && d == -1) ? 9 : 2;
}

static void test_syscall_stops(void)
{
	pid_t c = traced_child(child_syscalls);
	check(ptrace(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACESYSGOOD) == 0,
	      "SETOPTIONS TRACESYSGOOD");
	int entries = 0, good = 1, st = 0;
	char names[256] = "";
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, c, 0, 0) < 0)
			break;
		st = wait_for(c);
		if (!WIFSTOPPED(st))
			break;
		if (WSTOPSIG(st) != (SIGTRAP | 0x80)) {
			good = 0;
			continue;
		}
		struct user_regs_struct r;
		ptrace(PTRACE_GETREGS, c, 0, &r);
		/* entry stop: rax is -ENOSYS */
		if ((long)r.rax == -ENOSYS) {
			entries++;
			const char *n = r.orig_rax == SYS_getppid      ? "getppid"
					: r.orig_rax == SYS_close      ? "close"
					: r.orig_rax == SYS_getpid     ? "getpid"
					: r.orig_rax == SYS_dup	       ? "dup"
					: r.orig_rax == SYS_exit_group ? "exit_group"
								       : NULL;
			if (n) {
				strcat(names, " ");
				strcat(names, n);
			}
			if (r.orig_rax == SYS_close) {
				r.orig_rax = -1; /* skip it */
				r.rax = 77;
				ptrace(PTRACE_SETREGS, c, 0, &r);
			}
		} else if (r.orig_rax == SYS_getpid) {
			r.rax = 4242;
			ptrace(PTRACE_SETREGS, c, 0, &r);
		}
	}
	out("system calls seen at entry:%s\n", names);
	check(good, "every syscall stop is SIGTRAP|0x80");
	check(entries >= 5, "entries counted");
	report(st, "child saw the changed results", 9);
}

/* --- single-stepping --- */

extern char step_end[], bp_target[];
static int child_step(void)
{
	long x;
	/* A fixed run of instructions, a system call among them. */
	__asm__ volatile("mov $1, %%rax\n\t"
			 "add $2, %%rax\n\t"
			 "nop\n\t"
			 "mov %%rax, %0\n\t"
			 ".globl step_end\n"
			 "step_end:\n\t"
			 "nop\n\t"
			 : "=r"(x)
			 :
			 : "rax");
	return x == 3 ? 11 : 3;
}

static void test_singlestep(void)
{
	pid_t c = traced_child(child_step);
	int steps = 0;
	struct user_regs_struct r;
	int ok = 1;
	while (steps < 100000) {
		if (ptrace(PTRACE_SINGLESTEP, c, 0, 0) < 0) {
			ok = 0;
			break;
		}
		int st = wait_for(c);
		if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP) {
			out("step %d: %s\n", steps, describe(st));
			ok = 0;
			break;
		}
		steps++;
		ptrace(PTRACE_GETREGS, c, 0, &r);
		if (r.rip == (unsigned long)step_end)
			break;
	}
	check(ok, "every step stops with SIGTRAP");
	out("single steps from the SIGSTOP to step_end: %d\n", steps);
	check(!(r.eflags & 0x100), "TF is not visible in eflags");
	siginfo_t si;
	check(ptrace(PTRACE_GETSIGINFO, c, 0, &si) == 0 && si.si_signo == SIGTRAP,
	      "GETSIGINFO after a step");
	out("step si_code: %d\n", si.si_code);
	ptrace(PTRACE_CONT, c, 0, 0);
	finish(c, "stepped child computed 3", 11);
}

/* --- breakpoints --- */

static int child_bp(void)
{
	int v = 0;
	__asm__ volatile(".globl bp_target\n"
			 "bp_target:\n\t"
			 "nop\n\t"
			 "movl $5, %0\n\t"
			 : "=r"(v));
	return v == 5 ? 13 : 4;
}

static void test_breakpoint(void)
{
	pid_t c = traced_child(child_bp);
	errno = 0;
	long orig = ptrace(PTRACE_PEEKTEXT, c, (void *)bp_target, 0);
	check(errno == 0 && (orig & 0xff) == 0x90, "PEEKTEXT");
	long patched = (orig & ~0xffL) | 0xcc;
	check(ptrace(PTRACE_POKETEXT, c, (void *)bp_target, (void *)patched) == 0,
	      "POKETEXT an int3 into read-only text");
	check(((unsigned char *)bp_target)[0] == 0x90, "our text unchanged");
	ptrace(PTRACE_CONT, c, 0, 0);
	int st = wait_for(c);
	out("after CONT: %s\n", describe(st));
	struct user_regs_struct r;
	ptrace(PTRACE_GETREGS, c, 0, &r);
	check(r.rip == (unsigned long)bp_target + 1, "stopped just past the int3");
	ptrace(PTRACE_POKETEXT, c, (void *)bp_target, (void *)orig);
	r.rip = (unsigned long)bp_target;
	ptrace(PTRACE_SETREGS, c, 0, &r);
	ptrace(PTRACE_CONT, c, 0, 0);
	finish(c, "child went on past the removed breakpoint", 13);
}

/* --- signals --- */

static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen++;
}

static int child_signals(void)
{
	signal(SIGUSR1, on_usr1);
	/* Two SIGUSR1s arrive; the tracer suppresses the first. */
	raise(SIGUSR1);
	raise(SIGUSR1);
	return 20 + usr1_seen;
}

static void test_signals(void)
{
	pid_t c = traced_child(child_signals);
	ptrace(PTRACE_CONT, c, 0, 0);
	int st = wait_for(c);
	out("first SIGUSR1: %s\n", describe(st));
	ptrace(PTRACE_CONT, c, 0, 0); /* suppressed */
	st = wait_for(c);
	out("second SIGUSR1: %s\n", describe(st));
	ptrace(PTRACE_CONT, c, 0, (void *)SIGUSR1); /* delivered */
	finish(c, "one SIGUSR1 reached the handler", 21);
}

/* --- exec --- */

static const char *self_path;

static int child_exec(void)
{
	char *argv[] = {(char *)self_path, (char *)"exec-child", NULL};
	execv(self_path, argv);
	return 99;
}

static void test_exec(int with_option)
{
	pid_t c = traced_child(child_exec);
	if (with_option)
		ptrace(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACEEXEC);
	ptrace(PTRACE_CONT, c, 0, 0);
	int st = wait_for(c);
	out("exec %s TRACEEXEC: %s\n", with_option ? "with" : "without", describe(st));
	if (with_option) {
		unsigned long msg = 0;
		ptrace(PTRACE_GETEVENTMSG, c, 0, &msg);
		check(msg == (unsigned long)c, "GETEVENTMSG is the pid");
	}
	ptrace(PTRACE_CONT, c, 0, 0);
	finish(c, "exec'd program ran", 5);
}

/* --- attach, detach, errors --- */

static void test_attach(void)
{
	int p[2];
	if (pipe(p) < 0)
		return;
	pid_t c = xfork();
	if (c == 0) {
		close(p[1]);
		char b;
		while (read(p[0], &b, 1) < 0 && errno == EINTR)
			;
		_exit(shared_word == 0x0102030405060708L ? 17 : 6);
	}
	close(p[0]);
	check(ptrace(PTRACE_ATTACH, c, 0, 0) == 0, "ATTACH");
	int st = wait_for(c);
	out("after ATTACH: %s\n", describe(st));
	check(ptrace(PTRACE_POKEDATA, c, (void *)&shared_word, (void *)0x0102030405060708L) == 0,
	      "POKEDATA after ATTACH");
	errno = 0;
	ptrace(PTRACE_ATTACH, c, 0, 0);
	out("ATTACH twice: %s\n", ename(errno));
	check(ptrace(PTRACE_DETACH, c, 0, 0) == 0, "DETACH");
	errno = 0;
	ptrace(PTRACE_PEEKDATA, c, (void *)&shared_word, 0);
	out("PEEKDATA after DETACH: %s\n", ename(errno));
	if (write(p[1], "x", 1) != 1)
		out("write failed\n");
	finish(c, "detached child ran on with the poked word", 17);
	close(p[1]);

	errno = 0;
	ptrace(PTRACE_ATTACH, getpid(), 0, 0);
	out("ATTACH to self: %s\n", ename(errno));
	errno = 0;
	ptrace(PTRACE_ATTACH, 999999, 0, 0);
	out("ATTACH to no such pid: %s\n", ename(errno));
	errno = 0;
	ptrace(PTRACE_CONT, getppid(), 0, 0);
	out("CONT on a process we do not trace: %s\n", ename(errno));
	pid_t k = xfork();
	if (k == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		errno = 0;
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		_exit(errno == EPERM ? 0 : 1);
	}
	finish(k, "TRACEME twice is EPERM", 0);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return 5;
	self_path = "/proc/self/exe";
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = 0;
		self_path = strdup(buf);
	}
	test_peek_poke();
	test_syscall_stops();
	test_singlestep();
	test_breakpoint();
	test_signals();
	test_exec(0);
	test_exec(1);
	test_attach();
	tg_exit();
}
