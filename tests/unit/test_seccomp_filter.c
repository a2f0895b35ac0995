/*
 * Unit tests for arch-um/seccomp_filter.c, the filters of a seccomp-engine
 * child, judged by the host kernel itself. A forked child installs one
 * filter and makes a system call, from ordinary code or from a page it
 * maps at the stub's address; the parent then sees whether the call was
 * trapped (SIGSYS to the child's handler), allowed (it ran and returned),
 * or killed the child (SECCOMP_RET_KILL_PROCESS: the child dies of SIGSYS).
 */
#include <errno.h>
#include <stdbool.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "arch/layout.h"
#include "seccomp_filter.h"
#include "unit.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

/* What a child reports through memory it shares with the parent. */
struct report {
	int traps;   /* SIGSYS deliveries to its handler */
	int trap_nr; /* the last one's si_syscall and si_arch */
	unsigned trap_arch;
	long result; /* what the call under test returned */
	int reached; /* the child got past the call */
};
static struct report *rep;

/* In the page at STUB_CODE_ADDR: "syscall; ret", then the restorer. */
#define GADGET	 (STUB_CODE_ADDR)
#define RESTORER (STUB_CODE_ADDR + 16)

static long raw6(long nr, long a0, long a1, long a2)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return r;
}

/* The same call made from the stub page. */
static long stub_call(long nr, long a0, long a1, long a2)
{
	long r;

	__asm__ volatile("call *%5"
			 : "=a"(r)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"((long)GADGET)
			 : "rcx", "r11", "r10", "memory");
	return r;
}

static void on_sigsys(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;

	(void)sig;
	rep->traps++;
	rep->trap_nr = si->si_syscall;
	rep->trap_arch = si->si_arch;
	uc->uc_mcontext.gregs[REG_RAX] = -ENOSYS;
}

/* Ends a child whatever its filter allows: exit_group is never allowed. */
static void __attribute__((noreturn)) die(void)
{
	for (;;)
		stub_call(SYS_exit_group, 0, 0, 0);
}

enum scenario {
	TRAP_ORDINARY,
	TRAP_INT80,
	TRAP_YIELD,
	STUB_FUTEX_WORD,
	STUB_FUTEX_OTHER,
	STUB_FUTEX_REQUEUE,
	STUB_FUTEX_WAKE_PAGE,
	STUB_FUTEX_WAKE_PAGE_END,
	STUB_FUTEX_WAKE_PAGE_REQUEUE,
	STUB_YIELD,
	STUB_GETPID,
	STUB_SET_FS,
	STUB_GET_FS,
	STUB_OPEN,
	MM_ALLOWED,
	MM_ANON,
	MM_PRIVATE,
	MM_POPULATE,
	MM_WRITE_OTHER,
	MM_GETPID,
};

/* Puts this process under filter f of n instructions, or exits. */
static void install(struct sock_filter *f, int n)
{
	struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		_exit(101);
}

static int map_stub_pages(void)
{
	static const unsigned char code[] = {0x0f, 0x05, 0xc3};
	static const unsigned char restorer[] = {0xb8, 0x0f, 0, 0, 0, 0x0f, 0x05};
	unsigned char *p = mmap((void *)STUB_CODE_ADDR, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (p == MAP_FAILED || mmap((void *)SC_COMM_ADDR, 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return -1;
	if (mmap((void *)STUB_WAKE_ADDR, STUB_WAKE_PAGES * 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return -1;
	memcpy(p, code, sizeof(code));
	memcpy(p + 16, restorer, sizeof(restorer));
	return 0;
}

static void guest_child(enum scenario s)
{
	struct sock_filter f[128];
	struct {
		void *handler;
		unsigned long flags;
		unsigned long restorer;
		unsigned long mask;
	} sa = {(void *)on_sigsys, SA_SIGINFO | 0x04000000 /* SA_RESTORER */, RESTORER, 0};
	unsigned long fs = 0;
	int n = seccomp_guest_filter(f, 128);

	if (n < 0 || map_stub_pages() < 0 || syscall(SYS_rt_sigaction, SIGSYS, &sa, NULL, 8) < 0 ||
	    syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) < 0)
		_exit(100);
	install(f, n);
	switch (s) {
	case TRAP_ORDINARY:
		rep->result = raw6(SYS_getppid, 0, 0, 0);
		break;
	case TRAP_INT80: {
		long r;

		__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
		rep->result = r;
		break;
	}
	case TRAP_YIELD:
		rep->result = raw6(SYS_sched_yield, 0, 0, 0);
		break;
	case STUB_YIELD:
		rep->result = stub_call(SYS_sched_yield, 0, 0, 0);
		break;
	case STUB_FUTEX_WORD:
		rep->result = stub_call(SYS_futex, SC_COMM_ADDR + SC_STATE, FUTEX_WAKE, 1);
		break;
	case STUB_FUTEX_OTHER:
		rep->result = stub_call(SYS_futex, SC_COMM_ADDR + 64, FUTEX_WAKE, 1);
		break;
	case STUB_FUTEX_REQUEUE:
		rep->result = stub_call(SYS_futex, SC_COMM_ADDR + SC_STATE, FUTEX_REQUEUE, 1);
		break;
	case STUB_FUTEX_WAKE_PAGE:
		rep->result = stub_call(SYS_futex, STUB_WAKE_ADDR + STUB_WAKE_PAGES * 4096 - 4,
					FUTEX_WAKE, 1);
		break;
	case STUB_FUTEX_WAKE_PAGE_END:
		rep->result = stub_call(SYS_futex, STUB_WAKE_ADDR + STUB_WAKE_PAGES * 4096, FUTEX_WAKE,
					1);
		break;
	case STUB_FUTEX_WAKE_PAGE_REQUEUE:
		rep->result = stub_call(SYS_futex, STUB_WAKE_ADDR, FUTEX_REQUEUE, 1);
		break;
	case STUB_GETPID:
		rep->result = stub_call(SYS_getpid, 0, 0, 0);
		break;
	case STUB_SET_FS:
		rep->result = stub_call(SYS_arch_prctl, ARCH_SET_FS, (long)fs, 0);
		break;
	case STUB_GET_FS:
		rep->result = stub_call(SYS_arch_prctl, ARCH_GET_FS, (long)&fs, 0);
		break;
	default:
		rep->result = stub_call(SYS_open, (long)"/etc/hostname", 0, 0);
		break;
	}
	rep->reached = 1;
	die();
}

static void mm_child(enum scenario s)
{
	struct sock_filter f[128];
	int mem = (int)syscall(SYS_memfd_create, "physmem", 0), pipefd[2];
	int n = seccomp_mm_filter(f, 128, 50, 51);
	char *at = (char *)0x500000000000UL; /* above ASan's shadow */

	if (n < 0 || mem < 0 || ftruncate(mem, 4096) < 0 || dup2(mem, 50) < 0 || pipe(pipefd) < 0 ||
	    dup2(pipefd[1], 51) < 0)
		_exit(100);
	install(f, n);
	switch (s) {
	case MM_ALLOWED: {
		/* raw6 has no r10/r8/r9: the mmap is made by hand. */
		register long r10 __asm__("r10") = MAP_SHARED | MAP_FIXED;
		register long r8 __asm__("r8") = 50;
		register long r9 __asm__("r9") = 0;
		long r;

		__asm__ volatile("syscall"
				 : "=a"(r)
				 : "a"((long)SYS_mmap), "D"((long)at), "S"(4096L),
				   "d"((long)(PROT_READ | PROT_WRITE)), "r"(r10), "r"(r8), "r"(r9)
				 : "rcx", "r11", "memory");
		if (r != (long)at)
			break;
		at[0] = 1;
		if (raw6(SYS_mprotect, (long)at, 4096, PROT_READ) != 0 ||
		    raw6(SYS_munmap, (long)at, 4096, 0) != 0 ||
		    raw6(SYS_write, 51, (long)"x", 1) != 1 ||
		    raw6(SYS_futex, (long)&rep->traps, FUTEX_WAKE, 1) != 0)
			break;
		rep->result = 0;
		break;
	}
	case MM_ANON:
	case MM_PRIVATE:
	case MM_POPULATE: {
		register long r10 __asm__("r10") =
			s == MM_ANON	  ? MAP_SHARED | MAP_FIXED | MAP_ANONYMOUS
			: s == MM_PRIVATE ? MAP_PRIVATE | MAP_FIXED
					  : MAP_SHARED | MAP_FIXED | MAP_POPULATE;
		register long r8 __asm__("r8") = s == MM_ANON ? -1 : 50;
		register long r9 __asm__("r9") = 0;
		long r;

		__asm__ volatile("syscall"
				 : "=a"(r)
				 : "a"((long)SYS_mmap), "D"((long)at), "S"(4096L),
				   "d"((long)PROT_READ), "r"(r10), "r"(r8), "r"(r9)
				 : "rcx", "r11", "memory");
		rep->result = r;
		break;
	}
	case MM_WRITE_OTHER:
		rep->result = raw6(SYS_write, pipefd[1], (long)"x", 1);
		break;
	default:
		rep->result = raw6(SYS_getpid, 0, 0, 0);
		break;
	}
	rep->reached = 1;
	for (;;)
		raw6(SYS_exit_group, 0, 0, 0);
}

/* Runs scenario s in a child; returns its wait status. */
static int run(enum scenario s)
{
	int status;
	pid_t pid;

	memset(rep, 0, sizeof(*rep));
	rep->result = -12345;
	pid = fork();
	if (pid == 0) {
		if (s >= MM_ALLOWED)
			mm_child(s);
		guest_child(s);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static bool killed(int status)
{
	return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
}

int main(void)
{
	struct sock_filter f[128];
	int st;

	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED)
		return 1;

	CHECK(seccomp_guest_filter(f, 128) > 0, "guest filter does not fit in 128");
	CHECK(seccomp_mm_filter(f, 128, 3, 4) > 0, "memory filter does not fit in 128");
	CHECK(seccomp_guest_filter(f, 4) < 0, "a 4-instruction buffer was enough");
	unit_group_end("seccomp/filters-fit");

	st = run(TRAP_ORDINARY);
	CHECK(killed(st) && rep->reached, "status %#x reached %d", st, rep->reached);
	CHECK(rep->traps == 1 && rep->trap_nr == SYS_getppid && rep->result == -ENOSYS,
	      "traps %d nr %d result %ld", rep->traps, rep->trap_nr, rep->result);
	st = run(TRAP_INT80);
	CHECK(rep->reached && rep->traps == 1 && rep->trap_arch == 0x40000003U,
	      "int 0x80: status %#x traps %d arch %#x", st, rep->traps, rep->trap_arch);
	st = run(TRAP_YIELD);
	CHECK(rep->reached && rep->traps == 1 && rep->trap_nr == SYS_sched_yield &&
		      rep->result == -ENOSYS,
	      "sched_yield: status %#x traps %d nr %d result %ld", st, rep->traps, rep->trap_nr,
	      rep->result);
	unit_group_end("seccomp/guest-ordinary-code-traps");

	st = run(STUB_FUTEX_WORD);
	CHECK(rep->reached && rep->traps == 0 && rep->result == 0,
	      "futex on the word: status %#x result %ld", st, rep->result);
	st = run(STUB_FUTEX_WAKE_PAGE);
	CHECK(rep->reached && rep->traps == 0 && rep->result == 0,
	      "futex on the wake page's last word: status %#x result %ld", st, rep->result);
	st = run(STUB_SET_FS);
	CHECK(rep->reached && rep->traps == 0 && rep->result == 0,
	      "ARCH_SET_FS: status %#x result %ld", st, rep->result);
	st = run(STUB_YIELD);
	CHECK(rep->reached && rep->traps == 0 && rep->result == 0,
	      "sched_yield: status %#x result %ld", st, rep->result);
	unit_group_end("seccomp/guest-stub-allows-its-own-calls");

	CHECK(killed(run(STUB_FUTEX_OTHER)) && !rep->reached, "futex on another word ran");
	CHECK(killed(run(STUB_FUTEX_REQUEUE)) && !rep->reached, "FUTEX_REQUEUE ran");
	CHECK(killed(run(STUB_FUTEX_WAKE_PAGE_END)) && !rep->reached,
	      "futex just past the wake page ran");
	CHECK(killed(run(STUB_FUTEX_WAKE_PAGE_REQUEUE)) && !rep->reached,
	      "FUTEX_REQUEUE on the wake page ran");
	CHECK(killed(run(STUB_GETPID)) && !rep->reached, "getpid ran");
	CHECK(killed(run(STUB_GET_FS)) && !rep->reached, "ARCH_GET_FS ran");
	CHECK(killed(run(STUB_OPEN)) && !rep->reached, "open ran: %ld", rep->result);
	unit_group_end("seccomp/guest-stub-kills-the-rest");

	st = run(MM_ALLOWED);
	CHECK(rep->reached && rep->result == 0,
	      "mmap/mprotect/munmap/write/futex: status %#x reached %d result %ld", st,
	      rep->reached, rep->result);
	CHECK(killed(run(MM_ANON)) && !rep->reached, "anonymous mmap ran");
	CHECK(killed(run(MM_PRIVATE)) && !rep->reached, "MAP_PRIVATE mmap ran");
	st = run(MM_POPULATE);
	CHECK(rep->reached && rep->result == 0x500000000000L,
	      "MAP_SHARED|MAP_FIXED|MAP_POPULATE: status %#x result %lx", st, rep->result);
	CHECK(killed(run(MM_WRITE_OTHER)) && !rep->reached, "write to another fd ran");
	CHECK(killed(run(MM_GETPID)) && !rep->reached, "getpid ran");
	unit_group_end("seccomp/memory-thread-filter");
	return unit_any_failed;
}
