/*
 * Host side of the ptrace process engine: resuming a guest's host process
 * and decoding why it stopped.
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
#include <sys/uio.h>
#include <sys/user.h>
#include <elf.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"

_Static_assert(sizeof(struct user_regs_struct) == 27 * 8, "regs layout");
_Static_assert(sizeof(struct user_fpregs_struct) == 512, "fxsave layout");

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

int host_ptrace_getxstate(int pid, void *buf, size_t len)
{
	struct iovec iov = {.iov_base = buf, .iov_len = len};

	if (ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov) < 0)
		return -errno;
	return (int)iov.iov_len;
}

int host_ptrace_setxstate(int pid, const void *buf, size_t len)
{
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};

	return ptrace(PTRACE_SETREGSET, pid, NT_X86_XSTATE, &iov) < 0 ? -errno : 0;
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

