/*
 * Creating and destroying the host process behind a guest address space:
 * a clean child of the kernel that keeps only the stub (arch-um/stub.S)
 * and the physmem fd, dies with the kernel, and can gain no privilege.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"

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

	stack_t no_altstack = {.ss_flags = SS_DISABLE};
	int sig, keep;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	host_cpus_enter_guest();
	/* No host privilege can be gained from here on (seccomp needs it). */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
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
	if (mmap((void *)l->code_addr, l->code_len, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_FIXED,
		 l->physmem_fd, (off_t)l->code_off) == MAP_FAILED)
		_exit(120);
	if (l->ro_len && mmap((void *)l->data_addr, l->ro_len, PROT_READ, MAP_SHARED | MAP_FIXED,
			      l->physmem_fd, (off_t)l->data_off) == MAP_FAILED)
		_exit(121);
	if (mmap((void *)(l->data_addr + l->ro_len), l->data_len - l->ro_len,
		 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, l->physmem_fd,
		 (off_t)(l->data_off + l->ro_len)) == MAP_FAILED)
		_exit(121);
	if (l->wake_len && mmap((void *)l->wake_addr, l->wake_len, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_FIXED, l->physmem_fd,
				(off_t)l->wake_off) == MAP_FAILED)
		_exit(125);
	/* Keep the physmem fd and, for seccomp, the done pipe right after it. */
	keep = l->physmem_fd + 1;
	if (l->done_fd >= 0) {
		if (l->done_fd != keep && dup2(l->done_fd, keep) < 0)
			_exit(124);
		keep++;
	}
	if (l->physmem_fd > 0)
		syscall(SYS_close_range, 0, l->physmem_fd - 1, 0);
	syscall(SYS_close_range, keep, ~0U, 0);
	if (!l->seccomp && ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(122);
	clean(); /* unmaps everything but the stub, then traps; never returns */
	_exit(123);
}

int host_proc_spawn(const struct host_stub_layout *l)
{
	static struct host_stub_layout layout;
	static void *stack;
	const size_t stack_size = 65536;
	int pid, status;

	if (!stack) {
		stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			     -1, 0);
		if (stack == MAP_FAILED) {
			stack = NULL;
			return -ENOMEM;
		}
	}
	/*
	 * The child gets a private copy of this host memory as it is now;
	 * l may live on a kernel stack in physmem, which it would share,
	 * and the kernel need not wait for it to read l (seccomp children).
	 */
	layout = *l;
	pid = clone(spawn_child, (char *)stack + stack_size, SIGCHLD, &layout);
	if (pid < 0)
		return -errno;
	if (l->seccomp)
		return pid; /* it reports through the stub data area */
	while (waitpid(pid, &status, __WALL) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP) {
		host_proc_kill(pid);
		return WIFEXITED(status) ? -(100 + WEXITSTATUS(status)) : -ECHILD;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL) < 0) {
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

int host_pipe(int fds[2])
{
	return pipe2(fds, O_CLOEXEC) < 0 ? -errno : 0;
}

int host_read_confirm(int fd, int pid, u8 *byte)
{
	for (;;) {
		ssize_t n = read(fd, byte, 1);

		if (n == 1)
			return 0;
		if (n < 0 && errno == EINTR) {
			if (host_proc_reap(pid))
				return -ECHILD;
			continue;
		}
		return n < 0 ? -errno : -EIO;
	}
}

void host_drain(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char buf[64];

	while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN))
		if (read(fd, buf, sizeof(buf)) <= 0)
			break;
}

int host_proc_reap(int pid)
{
	int status, r;

	do
		r = waitpid(pid, &status, __WALL | WNOHANG);
	while (r < 0 && errno == EINTR);
	return r == pid ? 1 : 0;
}

int host_proc_sig_blocked(int pid, int sig)
{
	char path[64], buf[2048], *p;
	unsigned long long mask;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	p = strstr(buf, "\nSigBlk:");
	if (!p || sscanf(p + 8, "%llx", &mask) != 1)
		return -EIO;
	return (mask >> (sig - 1)) & 1;
}
