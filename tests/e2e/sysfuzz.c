/*
 * sysfuzz: a hostile guest program, run only inside ./linux (never on the
 * host: it makes random system calls). Children issue random system calls
 * with random, boundary and pointer-like arguments; each child is killed
 * after a short while and replaced. The kernel must survive all of it:
 * the test passes if this program finishes and the machine still powers
 * off. Usage: sysfuzz <calls> [seed]
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* System calls that would end the experiment rather than test the kernel. */
static int excluded(long nr)
{
	switch (nr) {
	case SYS_reboot:
	case SYS_kill:
	case SYS_tkill:
	case SYS_tgkill:
	case SYS_rt_sigqueueinfo:
	case SYS_rt_tgsigqueueinfo:
	case SYS_clone:
	case SYS_clone3:
	case SYS_fork:
	case SYS_vfork:
	case SYS_execve:
	case SYS_execveat:
	case SYS_mount:
	case SYS_umount2:
	case SYS_chroot:
	case SYS_pivot_root:
	case SYS_setpgid:
	case SYS_setsid:
	case SYS_ioctl: /* TIOCSTI-like games with the console */
	case SYS_unlink:
	case SYS_unlinkat:
	case SYS_rmdir:
	case SYS_rename:
	case SYS_renameat:
	case SYS_renameat2:
	case SYS_chmod:
	case SYS_fchmodat:
	case SYS_chown:
	case SYS_lchown:
	case SYS_fchownat:
	case SYS_truncate:
	case SYS_setuid:
	case SYS_setresuid:
	case SYS_setreuid:
	case SYS_setrlimit:
	case SYS_prlimit64:
		return 1;
	}
	return 0;
}

static char buf[8192];

static uint64_t arg(void)
{
	static const uint64_t interesting[] = {
		0, 1, 2, 3, 4, 8, 16, 64, 4095, 4096, 4097, 65536, (uint64_t)-1, (uint64_t)-2,
		0x7fffffff, 0x80000000, 0xffffffff, 0x7fffff000000, 0x7ffffefff000,
		0x7fffffffffff, 0x800000000000, 0xffff800000000000, 0xffffffffff600000,
	};

	switch (next() % 6) {
	case 0:
		return interesting[next() % (sizeof(interesting) / sizeof(interesting[0]))];
	case 1:
		return (uint64_t)(uintptr_t)buf + next() % sizeof(buf);
	case 2:
		return next();
	case 3:
		return next() % 32;
	case 4:
		return (uint64_t)(uintptr_t)"/tmp/fuzzfile";
	default:
		return next() & 0xfffff000;
	}
}

static void child(void)
{
	alarm(1);
	for (;;) {
		long nr = (long)(next() % 450);

		if (excluded(nr))
			continue;
		/* Keep the output readable: no writes to the console. */
		if (nr == SYS_write || nr == SYS_writev || nr == SYS_pwrite64)
			continue;
		syscall(nr, arg(), arg(), arg(), arg(), arg(), arg());
	}
}

int main(int argc, char **argv)
{
	long calls = argc > 1 ? atol(argv[1]) : 1000, rounds = calls / 100, r;

	rng = argc > 2 ? strtoull(argv[2], NULL, 0) : (uint64_t)time(NULL) | 1;
	printf("sysfuzz: seed %llu, %ld rounds\n", (unsigned long long)rng, rounds);
	for (r = 0; r < rounds; r++) {
		pid_t p = fork();
		int st, i;

		if (p < 0) {
			perror("fork");
			return 1;
		}
		if (p == 0)
			child();
		/* Give it a moment, then make sure it is gone. */
		for (i = 0; i < 20; i++) {
			if (waitpid(p, &st, WNOHANG) == p)
				break;
			usleep(10000);
		}
		if (i == 20) {
			kill(p, SIGKILL);
			waitpid(p, &st, 0);
		}
		next();
	}
	printf("sysfuzz: done\n");
	return 0;
}
