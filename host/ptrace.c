/*
 * Host side of the ptrace process engine: creating the clean child process
 * of a guest address space, resuming it and decoding why it stopped.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"

_Static_assert(sizeof(struct user_regs_struct) == 27 * 8, "regs layout");
_Static_assert(sizeof(struct user_fpregs_struct) == 512, "fxsave layout");

/*
 * Runs in the new child on a private stack. It must not write to anything
 * the kernel shares with it (physmem is a shared mapping), so it only makes
 * system calls and jumps into the stub, which unmaps the rest.
 */
static int spawn_child(void *arg)
{
	const struct host_stub_layout *l = arg;
	void (*clean)(void) = (void (*)(void))l->clean_entry;
	sigset_t all;

	stack_t no_altstack = { .ss_flags = SS_DISABLE };
	int sig;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/*
	 * glibc registered an rseq area for this thread in memory that is
	 * about to be unmapped; the host would then kill the child with
	 * SIGSEGV on its next return to user mode.
	 */
	if (__rseq_size > 0) {
		void *area = (char *)__builtin_thread_pointer() + __rseq_offset;

		if (syscall(SYS_rseq, area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) < 0)
			syscall(SYS_rseq, area, __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
	}
	/* The kernel's handlers and their stack will be unmapped. */
	sigaltstack(&no_altstack, NULL);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	/* Host terminal signals must never reach guest processes. */
	setpgid(0, 0);
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	if (mmap((void *)l->code_addr, l->code_len, PROT_READ | PROT_EXEC,
		 MAP_SHARED | MAP_FIXED, l->physmem_fd, (off_t)l->code_off) ==
	    MAP_FAILED)
		_exit(120);
	if (mmap((void *)l->data_addr, l->data_len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, l->physmem_fd, (off_t)l->data_off) ==
	    MAP_FAILED)
		_exit(121);
	if (l->physmem_fd > 0)
		syscall(SYS_close_range, 0, l->physmem_fd - 1, 0);
	syscall(SYS_close_range, l->physmem_fd + 1, ~0U, 0);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(122);
	clean(); /* unmaps everything but the stub, then traps; never returns */
	_exit(123);
}

int host_proc_spawn(const struct host_stub_layout *l)
{
	static void *stack;
	const size_t stack_size = 65536;
	int pid, status;

	if (!stack) {
		stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (stack == MAP_FAILED) {
			stack = NULL;
			return -ENOMEM;
		}
	}
	pid = clone(spawn_child, (char *)stack + stack_size, SIGCHLD,
		    (void *)l);
	if (pid < 0)
		return -errno;
	while (waitpid(pid, &status, __WALL) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP) {
		host_proc_kill(pid);
		return WIFEXITED(status) ? -(100 + WEXITSTATUS(status)) : -ECHILD;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, 0,
		   PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL) < 0) {
		int e = errno;
		host_proc_kill(pid);
		return -e;
	}
	return pid;
}

void host_proc_kill(int pid)
{
	int status;

	kill(pid, SIGKILL);
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
}

int host_kill(int pid, int sig)
{
	return kill(pid, sig) < 0 ? -errno : 0;
}

int host_ptrace_resume(int pid, int how, int sig)
{
	long req;

	switch (how) {
	case HOST_RESUME_SYSEMU:
		req = PTRACE_SYSEMU;
		break;
	case HOST_RESUME_SINGLESTEP:
		req = PTRACE_SINGLESTEP;
		break;
	default:
		req = PTRACE_CONT;
		break;
	}
	if (ptrace(req, pid, 0, (long)sig) < 0)
		return -errno;
	return 0;
}

int host_ptrace_getregs(int pid, void *regs)
{
	return ptrace(PTRACE_GETREGS, pid, 0, regs) < 0 ? -errno : 0;
}

int host_ptrace_setregs(int pid, const void *regs)
{
	return ptrace(PTRACE_SETREGS, pid, 0, regs) < 0 ? -errno : 0;
}

int host_ptrace_getfpregs(int pid, void *fx)
{
	return ptrace(PTRACE_GETFPREGS, pid, 0, fx) < 0 ? -errno : 0;
}

int host_ptrace_setfpregs(int pid, const void *fx)
{
	return ptrace(PTRACE_SETFPREGS, pid, 0, fx) < 0 ? -errno : 0;
}

int host_ptrace_wait(int pid, bool interruptible, struct host_stop *st)
{
	int status, r;

	memset(st, 0, sizeof(*st));
	for (;;) {
		if (interruptible && (host_irq.tick || host_irq.io || host_irq.terminate)) {
			r = waitpid(pid, &status, __WALL | WNOHANG);
			if (r == 0) {
				st->kind = HOST_STOP_INTERRUPTED;
				return 0;
			}
		} else {
			r = waitpid(pid, &status, __WALL);
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		break;
	}
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		st->kind = HOST_STOP_EXITED;
		st->status = status;
		st->sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
		return 0;
	}
	st->sig = WSTOPSIG(status);
	if (st->sig == (SIGTRAP | 0x80)) {
		st->kind = HOST_STOP_SYSCALL;
		return 0;
	}
	st->kind = HOST_STOP_SIGNAL;
	{
		siginfo_t si;

		if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0) {
			st->si_code = si.si_code;
			st->addr = (unsigned long)si.si_addr;
		}
	}
	return 0;
}

