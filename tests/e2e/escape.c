/*
 * escape: a static guest program that tries to make real host system
 * calls from inside ./linux, for tests/e2e/escape.sh.
 *
 *   escape SECRET CREATED
 *
 * SECRET is a file that exists only on the host; CREATED is a path that
 * must never come to exist there. The program opens SECRET and creates
 * CREATED with raw system calls, three ways: an inline syscall
 * instruction; machine code written into fresh memory and run from an RX
 * mapping and from an RWX one; and jumps, from forked children, to every
 * syscall instruction in the kernel's stub page. Inside ./linux each
 * attempt must get the guest kernel's answer (SECRET: ENOENT) or kill the
 * process trying. It prints one "escape: " line per attempt and, only if
 * nothing escaped, "escape: ALL BLOCKED".
 *
 * Run on the host itself the raw calls do reach the host: there it
 * reports ESCAPED, which is how to see that the check can fail. There
 * is no stub page on the host, so for that run
 *
 *   escape --fake-stub SECRET CREATED
 *
 * first maps a page at the stub's address holding "syscall; ret", through
 * which the stub jumps escape as well.
 *
 *   escape --probes SECRET
 *
 * tries ordinary system calls a hostile program would: SECRET through
 * /proc/<pid>/root, cwd and fd links and '..' walks, /dev/mem, /dev/kmem,
 * /dev/port, /proc/kcore and /proc/self/mem, and terminal ioctls that
 * reach past a console (TIOCSTI, TIOCCONS, TIOCLINUX). One "probe: "
 * line each, with the errno or what was read; "probe: ALL CONTAINED"
 * when none read the host's file or memory.
 *
 *   escape --wake-scribble
 *
 * one process scribbles over the stub's wake page (the futex words the
 * parked host threads of all guest processes sleep on) while two others
 * play pipe ping-pong: "scribble: ping-pong ok" when all 20000 round trips
 * came back right, with "scribble: wrote the wake page" if the page was
 * there to write (it is at the top of every guest process).
 *
 *   escape --mask-hog
 *
 * finds the stub's rt_sigreturn (mov $15,%eax; syscall), jumps to it with
 * a forged frame whose signal mask blocks every host signal, and then
 * spins without a system call: a process the kernel could no longer
 * interrupt unless it notices. It prints "hog: spinning" first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The kernel's stub code page (include/arch/layout.h: STUB_CODE_ADDR). */
#define STUB_ADDR 0x7fffff000000UL
#define STUB_SIZE 4096

#define NR_READ	      0
#define NR_WRITE      1
#define NR_OPEN	      2
#define NR_CLOSE      3
#define NR_EXECVE     59
#define NR_EXIT_GROUP 231
#define NR_OPENAT     257

/* Exit statuses of a stub-jump child whose jump came back to its code. */
#define JUMP_BACK_BLOCKED 40
#define JUMP_BACK_ESCAPED 41

/* A system call with up to four arguments, made without libc. */
typedef long (*sysfn)(long nr, long a, long b, long c, long d);

static const char *secret, *created;
static int escapes;

static long raw_inline(long nr, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}

/*
 * The same as machine code to copy into fresh memory: the arguments
 * arrive as (rdi, rsi, rdx, rcx, r8) and move to the syscall registers.
 */
static const unsigned char raw_code[] = {
	0x48, 0x89, 0xf8, /* mov %rdi,%rax */
	0x48, 0x89, 0xf7, /* mov %rsi,%rdi */
	0x48, 0x89, 0xd6, /* mov %rdx,%rsi */
	0x48, 0x89, 0xca, /* mov %rcx,%rdx */
	0x4d, 0x89, 0xc2, /* mov %r8,%r10 */
	0x0f, 0x05,	  /* syscall */
	0xc3,		  /* ret */
};

static const char *errname(long err)
{
	switch (err) {
	case ENOENT:
		return "ENOENT";
	case EACCES:
		return "EACCES";
	case EPERM:
		return "EPERM";
	case ENOSYS:
		return "ENOSYS";
	case EFAULT:
		return "EFAULT";
	case EROFS:
		return "EROFS";
	default:
		return "another error";
	}
}

/*
 * Opens SECRET with CALL. The guest has no such file, so ENOENT is the
 * only right answer; an fd means the host's file was opened.
 */
static void try_read(const char *how, sysfn call)
{
	long fd = call(NR_OPENAT, AT_FDCWD, (long)secret, O_RDONLY, 0);
	char buf[256];
	long n;

	if (fd == -ENOENT) {
		printf("escape: %s-read: openat(AT_FDCWD, SECRET, O_RDONLY) = -ENOENT: blocked\n",
		       how);
		return;
	}
	if (fd < 0) {
		printf("escape: %s-read: openat(SECRET) = %ld (%s): unexpected, not ENOENT\n", how,
		       fd, errname(-fd));
		return;
	}
	n = call(NR_READ, fd, (long)buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("escape: %s-read: ESCAPED: openat(SECRET) = %ld, read %ld bytes: %s\n", how, fd, n,
	       buf);
	call(NR_CLOSE, fd, 0, 0, 0);
	escapes++;
}

/*
 * Creates CREATED with CALL, writes a marker and reads it back, all with
 * CALL. The guest may create the file in its own filesystem; whether the
 * host saw it is for the host to check. Reading the marker back shows
 * that the raw calls work at all, so that "blocked" above means something.
 */
static void try_create(const char *how, sysfn call)
{
	char want[64], got[64];
	long fd, n;

	unlink(created);
	fd = call(NR_OPENAT, AT_FDCWD, (long)created, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd < 0) {
		printf("escape: %s-create: openat(CREATED, O_CREAT) = %ld (%s): not created\n", how,
		       fd, errname(-fd));
		return;
	}
	snprintf(want, sizeof(want), "made-by-%s", how);
	call(NR_WRITE, fd, (long)want, (long)strlen(want), 0);
	call(NR_CLOSE, fd, 0, 0, 0);
	fd = call(NR_OPENAT, AT_FDCWD, (long)created, O_RDONLY, 0);
	n = fd < 0 ? fd : call(NR_READ, fd, (long)got, sizeof(got) - 1, 0);
	if (fd >= 0)
		call(NR_CLOSE, fd, 0, 0, 0);
	got[n > 0 ? n : 0] = '\0';
	printf("escape: %s-create: openat(CREATED, O_CREAT) made a file; read back \"%s\": %s\n",
	       how, got, strcmp(got, want) ? "control FAILED" : "control ok");
}

/* Copies raw_code into a page mapped with MAP_PROT, then makes it RUN_PROT. */
static sysfn make_code(int map_prot, int run_prot, const char **why)
{
	unsigned char *p;

	p = mmap(NULL, 4096, map_prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		*why = "mmap";
		return NULL;
	}
	memcpy(p, raw_code, sizeof(raw_code));
	__builtin___clear_cache((char *)p, (char *)p + sizeof(raw_code));
	if (run_prot != map_prot && mprotect(p, 4096, run_prot) < 0) {
		*why = "mprotect";
		return NULL;
	}
	return (sysfn)(uintptr_t)p;
}

static void try_fresh_code(const char *how, int map_prot, int run_prot)
{
	const char *why = "";
	sysfn call = make_code(map_prot, run_prot, &why);

	if (!call) {
		printf("escape: %s: %s failed: %s\n", how, why, strerror(errno));
		return;
	}
	try_read(how, call);
	try_create(how, call);
}

/* ---- jumps into the stub ---- */

static sigjmp_buf probe_env;

static void probe_fault(int sig)
{
	siglongjmp(probe_env, sig);
}

/* Copies the stub page into BUF; returns the signal if reading faulted. */
static int read_range(unsigned long addr, unsigned char *buf, int len)
{
	struct sigaction sa, old_segv, old_bus;
	volatile const unsigned char *stub = (volatile const unsigned char *)addr;
	int sig, i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = probe_fault;
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	sig = sigsetjmp(probe_env, 1);
	if (!sig) {
		for (i = 0; i < len; i++)
			buf[i] = stub[i];
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return sig;
}

/* The system calls a child loads before it jumps (see jump_child). */
struct jump_kind {
	const char *name;
	int reads_secret; /* an fd back would mean the host file opened */
};

static const struct jump_kind jump_kinds[] = {
	{"openat(SECRET)", 1},
	{"open(SECRET)", 1},
	{"openat(CREATED, O_CREAT)", 0},
	{"execve(/bin/sh -c ...)", 0},
};
#define NKINDS (sizeof(jump_kinds) / sizeof(jump_kinds[0]))

/* Read by escape_jump_back, which the inline assembly below calls. */
long escape_jump_result;
int escape_jump_kind;
void escape_jump_back(void) __attribute__((noreturn, used));

/* Appends S to the line at LINE (of LEN bytes, filled to *AT). */
static void line_add(char *line, size_t len, size_t *at, const char *s)
{
	while (*s && *at + 1 < len)
		line[(*at)++] = *s++;
	line[*at] = '\0';
}

static void line_add_num(char *line, size_t len, size_t *at, long v)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	*--p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	line_add(line, len, at, p);
}

/*
 * Where a jump lands if the code jumped to ever returns (it should not:
 * the stub has no way back into guest code). Reports what came back in
 * one write, with raw calls only: after a trip through the stub, the TLS
 * that stdio relies on may be gone.
 */
void escape_jump_back(void)
{
	const struct jump_kind *k = &jump_kinds[escape_jump_kind];
	long r = escape_jump_result, n, status = JUMP_BACK_BLOCKED;
	char line[512], buf[256];
	size_t at = 0;

	line_add(line, sizeof(line), &at, "escape: stub-jump child: ");
	line_add(line, sizeof(line), &at, k->name);
	line_add(line, sizeof(line), &at, " came back with ");
	line_add_num(line, sizeof(line), &at, r);
	if (k->reads_secret && r >= 0) {
		n = raw_inline(NR_READ, r, (long)buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		line_add(line, sizeof(line), &at, ": ESCAPED, read: ");
		line_add(line, sizeof(line), &at, buf);
		status = JUMP_BACK_ESCAPED;
	}
	line_add(line, sizeof(line), &at, "\n");
	raw_inline(NR_WRITE, 1, (long)line, (long)at, 0);
	raw_inline(NR_EXIT_GROUP, status, 0, 0, 0);
	for (;;)
		;
}

/*
 * Loads the registers for system call NR and jumps to TARGET, with a
 * return address on the stack in case the code there returns. Below the
 * stack pointer lies the red zone, so it steps over that first.
 */
static void __attribute__((noreturn))
jump_to(unsigned long target, long nr, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;

	__asm__ volatile("sub $256, %%rsp\n\t"
			 "and $-16, %%rsp\n\t"
			 "lea 1f(%%rip), %%rcx\n\t"
			 "push %%rcx\n\t"
			 "jmp *%[target]\n"
			 "1:\n\t"
			 "mov %%rax, escape_jump_result(%%rip)\n\t"
			 "and $-16, %%rsp\n\t"
			 "call escape_jump_back\n\t"
			 "ud2"
			 :
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), [target] "r"(target)
			 : "rcx", "r11", "memory");
	__builtin_unreachable();
}

static void jump_child(unsigned long target, int kind)
{
	static char cmd[512];
	static char *argv[4], *envp[1];

	escape_jump_kind = kind;
	alarm(5);
	switch (kind) {
	case 0:
		jump_to(target, NR_OPENAT, AT_FDCWD, (long)secret, O_RDONLY, 0);
	case 1:
		jump_to(target, NR_OPEN, (long)secret, O_RDONLY, 0, 0);
	case 2:
		jump_to(target, NR_OPENAT, AT_FDCWD, (long)created, O_CREAT | O_WRONLY, 0600);
	default:
		/* Exits with JUMP_BACK_ESCAPED only where SECRET exists. */
		snprintf(cmd, sizeof(cmd), "cat %s && echo escaped > %s && exit %d", secret,
			 created, JUMP_BACK_ESCAPED);
		argv[0] = "/bin/sh";
		argv[1] = "-c";
		argv[2] = cmd;
		jump_to(target, NR_EXECVE, (long)"/bin/sh", (long)argv, (long)envp, 0);
	}
}

struct jump {
	unsigned int off;
	int kind;
	pid_t pid;
	double deadline;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Says how a stub-jump child ended; returns 1 if it escaped. */
static int report_jump(const struct jump *j, int status, int timed_out)
{
	const char *name = jump_kinds[j->kind].name;

	printf("escape: stub-jump +0x%03x %s: ", j->off, name);
	if (timed_out) {
		printf("still running after 10 s, killed: blocked\n");
	} else if (WIFSIGNALED(status)) {
		printf("killed by signal %d (%s): blocked\n", WTERMSIG(status),
		       strsignal(WTERMSIG(status)));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == JUMP_BACK_ESCAPED) {
		printf("ESCAPED: it read the host file\n");
		return 1;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == JUMP_BACK_BLOCKED) {
		printf("came back without reading the host file: blocked\n");
	} else {
		printf("exited with status %d: blocked\n", WEXITSTATUS(status));
	}
	return 0;
}

#define MAX_RUNNING 8

/* Runs one child per (site, kind), MAX_RUNNING at a time. */
static void run_jumps(const unsigned int *sites, int nsites)
{
	static struct jump running[MAX_RUNNING];
	int total = nsites * (int)NKINDS, next = 0, nrun = 0, escaped = 0, i, status;
	pid_t pid;

	while (next < total || nrun > 0) {
		while (next < total && nrun < MAX_RUNNING) {
			struct jump *j = &running[nrun];

			j->off = sites[next / (int)NKINDS];
			j->kind = next % (int)NKINDS;
			fflush(stdout);
			pid = fork();
			if (pid < 0) {
				perror("escape: fork");
				exit(1);
			}
			if (pid == 0)
				jump_child(STUB_ADDR + j->off, j->kind);
			j->pid = pid;
			j->deadline = now() + 10;
			nrun++;
			next++;
		}
		pid = waitpid(-1, &status, WNOHANG);
		for (i = 0; pid > 0 && i < nrun; i++) {
			if (running[i].pid != pid)
				continue;
			escaped += report_jump(&running[i], status, 0);
			running[i] = running[--nrun];
			break;
		}
		if (pid > 0)
			continue;
		for (i = 0; i < nrun; i++) {
			if (now() < running[i].deadline)
				continue;
			kill(running[i].pid, SIGKILL);
			waitpid(running[i].pid, &status, 0);
			escaped += report_jump(&running[i], status, 1);
			running[i--] = running[--nrun];
		}
		usleep(10000);
	}
	printf("escape: stub-jump: %d attempts at %d syscall instructions, %d escaped%s\n", total,
	       nsites, escaped, escaped ? "" : ": blocked");
	escapes += escaped;
}

static int read_stub(unsigned char *buf)
{
	return read_range(STUB_ADDR, buf, STUB_SIZE);
}

static void try_stub(void)
{
	static unsigned char page[STUB_SIZE];
	static unsigned int sites[STUB_SIZE];
	int nsites = 0, sig, i;

	sig = read_stub(page);
	if (sig) {
		printf("escape: stub page at 0x%lx unreadable (signal %d): jumping to its first byte only\n",
		       STUB_ADDR, sig);
		sites[nsites++] = 0;
	} else {
		for (i = 0; i + 1 < STUB_SIZE; i++)
			if (page[i] == 0x0f && page[i + 1] == 0x05)
				sites[nsites++] = (unsigned int)i;
		printf("escape: stub page at 0x%lx readable: %d syscall instructions\n", STUB_ADDR,
		       nsites);
		if (!nsites)
			sites[nsites++] = 0;
	}
	run_jumps(sites, nsites);
}

/* For --fake-stub: a stand-in stub page, "syscall; ret" at its start. */
static int map_fake_stub(void)
{
	static const unsigned char gadget[] = {0x0f, 0x05, 0xc3};
	unsigned char *p;

	p = mmap((void *)STUB_ADDR, STUB_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != (unsigned char *)STUB_ADDR) {
		perror("escape: mmap of the fake stub");
		return -1;
	}
	memcpy(p, gadget, sizeof(gadget));
	return mprotect(p, STUB_SIZE, PROT_READ | PROT_EXEC);
}

static void hog_spin(void)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
}

/* The layout of Linux's x86-64 rt_sigframe past its return address. */
struct forged_uc {
	unsigned long flags, link;
	unsigned long ss_sp;
	int ss_flags, pad;
	unsigned long ss_size;
	unsigned long r8_to_r15[8], rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	unsigned short cs, gs, fs, ss;
	unsigned long err, trapno, oldmask, cr2, fpstate, reserved[8];
	unsigned long sigmask;
};

static int mask_hog(void)
{
	static const unsigned char sigreturn[] = {0xb8, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
	static unsigned char page[STUB_SIZE];
	static unsigned long stack[4096];
	static struct forged_uc uc;
	unsigned long site = 0;
	int i;

	if (read_stub(page)) {
		printf("hog: stub page unreadable\n");
		return 1;
	}
	for (i = 0; i + (int)sizeof(sigreturn) <= STUB_SIZE; i++)
		if (!memcmp(page + i, sigreturn, sizeof(sigreturn)))
			site = STUB_ADDR + (unsigned long)i + 5;
	if (!site) {
		printf("hog: no rt_sigreturn in the stub\n");
		return 1;
	}
	uc.ss_flags = 2; /* SS_DISABLE */
	uc.rip = (unsigned long)hog_spin;
	uc.rsp = (unsigned long)&stack[4000];
	uc.eflags = 0x202;
	uc.cs = 0x33;
	uc.ss = 0x2b;
	uc.sigmask = ~0UL;
	printf("hog: spinning\n");
	__asm__ volatile("movq %0, %%rsp\n\tmovl $15, %%eax\n\tjmp *%1"
			 :
			 : "r"(&uc), "r"(site)
			 : "memory", "rax");
	return 1;
}

/*
 * --plant VALUE: writes VALUE (hex) over the stub's data pages it can
 * write and holds it in callee-saved registers and ymm8 through many
 * system calls, so that the kernel's frames of this process carry it,
 * then exits. --scan VALUE: reads the stub's data pages first
 * (before VALUE is in any register of its own) and looks for VALUE: a
 * host process that served a planted process must come back clean.
 */
static int plant(unsigned long v)
{
	unsigned long pat[4] __attribute__((aligned(32))) = {v, v, v, v};
	/* The stub's communication page past its fields, and the bottom of its
	 * signal stack (include/arch/layout.h): writable by the process. */
	unsigned long *comm = (unsigned long *)(STUB_ADDR + 3 * 4096 + 128);
	unsigned long *stack = (unsigned long *)(STUB_ADDR + 4 * 4096);
	int i;

	if (!read_range(STUB_ADDR + STUB_SIZE, (unsigned char[8]){0}, 1)) {
		for (i = 0; i < (4096 - 128) / 8; i++)
			comm[i] = v;
		for (i = 0; i < 8192 / 8; i++)
			stack[i] = v;
	}

	__asm__ volatile("vmovdqa %0, %%ymm8" ::"m"(pat) : "xmm8");
	for (i = 0; i < 200; i++)
		__asm__ volatile("movq %0, %%rbx; movq %0, %%r12; movq %0, %%r13;"
				 "movq %0, %%r14; movq %0, %%r15; movl $110, %%eax; syscall"
				 :
				 : "r"(v)
				 : "rax", "rbx", "rcx", "r11", "r12", "r13", "r14", "r15",
				   "memory");
	return 0;
}

/* 1 if this process's stub data holds the value hex, 0 if not, -1 unreadable. */
static int scan_here(const char *hex)
{
	static unsigned char data[8 * 4096];
	int sig = read_range(STUB_ADDR + STUB_SIZE, data, sizeof(data)), i;
	unsigned long v;

	if (sig)
		return -1;
	v = strtoul(hex, NULL, 16);
	for (i = 0; i + 8 <= (int)sizeof(data); i++)
		if (!memcmp(data + i, &v, 8))
			return 1;
	return 0;
}

/*
 * The scan runs here and in a forked child: a new process may be served
 * by the host process an exited one used (a fork takes the last one).
 */
static int scan(const char *hex)
{
	int here = scan_here(hex), status = 0, child;
	pid_t pid = fork();

	if (pid == 0)
		_exit(scan_here(hex) + 1);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		child = -2;
	else
		child = WEXITSTATUS(status) - 1;
	if (here < 0 && child < 0) {
		printf("scan: stub data unreadable\n");
		return 0;
	}
	printf("scan: %s\n", here > 0 || child > 0 ? "FOUND a planted value" : "clean");
	return here > 0 || child > 0;
}

/*
 * --map-count N: maps N pages and writes them from the last to the first,
 * so that their physical pages run opposite to their addresses and no
 * two host mappings can merge: more host mappings than a host allows one
 * process (vm.max_map_count). The kernel must kill the process when its
 * host mappings fail, and go on; it must not lose track of a mapping.
 */
static int map_count(long n)
{
	char *p = mmap(NULL, (size_t)n * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	long i;

	if (p == MAP_FAILED) {
		printf("map-count: mmap refused\n");
		return 0;
	}
	for (i = n - 1; i >= 0; i--)
		p[i * 4096] = 1;
	printf("map-count: all %ld pages touched\n", n);
	return 0;
}

/* Opens path and reads what is there: 1 if it held the host's secret. */
static int probe_open(const char *name, const char *path, const char *token_start)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		printf("probe: %s: %s\n", name, strerror(errno));
		return 0;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	if (token_start && strstr(buf, token_start)) {
		printf("probe: %s: READ THE HOST FILE\n", name);
		return 1;
	}
	printf("probe: %s: opened, %zd bytes of the guest's own\n", name, n);
	return 0;
}

static int probes(const char *secret_path)
{
	static const char *const devs[] = { "/dev/mem", "/dev/kmem", "/dev/port", "/proc/kcore",
					    "/proc/self/mem" };
	static const unsigned long ioctls[] = { 0x5412 /* TIOCSTI */, 0x541D /* TIOCCONS */,
						0x541C /* TIOCLINUX */ };
	char path[512];
	int bad = 0;
	unsigned i;

	/* The host file's first line starts "uml-escape-token-"; the rest of
	 * the token is never known here. */
	snprintf(path, sizeof(path), "/proc/self/root%s", secret_path);
	bad += probe_open("proc-root", path, "uml-escape-token-");
	snprintf(path, sizeof(path), "/proc/1/cwd/../../../..%s", secret_path);
	bad += probe_open("proc-cwd-dotdot", path, "uml-escape-token-");
	snprintf(path, sizeof(path), "/../../../..%s", secret_path);
	bad += probe_open("dotdot", path, "uml-escape-token-");
	snprintf(path, sizeof(path), "/proc/self/fd/0/../..%s", secret_path);
	bad += probe_open("fd-link-dotdot", path, "uml-escape-token-");
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
		bad += probe_open(devs[i], devs[i], "uml-escape-token-");
	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++) {
		char c = '#';
		int r = ioctl(0, ioctls[i], &c);

		printf("probe: ioctl %#lx on the console: %s\n", ioctls[i],
		       r < 0 ? strerror(errno) : "accepted");
	}
	printf(bad ? "probe: %d ESCAPED\n" : "probe: ALL CONTAINED\n", bad);
	return bad ? 1 : 0;
}

/* include/arch/layout.h: STUB_WAKE_ADDR, SC_WAKE_SLOTS. */
#define WAKE_ADDR  (STUB_ADDR + 9 * 4096UL)
#define WAKE_WORDS 1024

static sigjmp_buf scribble_env;
static void scribble_fault(int sig)
{
	siglongjmp(scribble_env, sig);
}

/* Writes random values over every word of the wake page until killed. */
static void __attribute__((noreturn)) scribble(int report)
{
	volatile unsigned int *w = (volatile unsigned int *)WAKE_ADDR;
	static unsigned int x = 12345;

	signal(SIGSEGV, scribble_fault);
	signal(SIGBUS, scribble_fault);
	if (sigsetjmp(scribble_env, 1) == 0) {
		w[0] = w[0];
		if (write(report, "w", 1) != 1)
			_exit(1);
		for (;;) {
			for (int i = 0; i < WAKE_WORDS; i++) {
				x = x * 1103515245 + 12345;
				w[i] = x;
			}
			sched_yield();
		}
	}
	close(report);
	for (;;)
		sched_yield();
}

static int wake_scribble(void)
{
	int ping[2], pong[2], rep[2], bad = 0, i;
	pid_t scribbler, echo;
	char c = 'x';

	setvbuf(stdout, NULL, _IONBF, 0);
	if (pipe(ping) < 0 || pipe(pong) < 0 || pipe(rep) < 0)
		return 2;
	scribbler = fork();
	if (scribbler == 0) {
		close(rep[0]);
		scribble(rep[1]);
	}
	close(rep[1]);
	if (read(rep[0], &c, 1) == 1)
		printf("scribble: wrote the wake page\n");
	echo = fork();
	if (echo == 0) {
		close(ping[1]);
		close(pong[0]);
		while (read(ping[0], &c, 1) == 1)
			if (write(pong[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(ping[0]);
	close(pong[1]);
	for (i = 0; i < 20000 && !bad; i++) {
		char want = (char)('a' + i % 26), got = 0;

		bad = write(ping[1], &want, 1) != 1 || read(pong[0], &got, 1) != 1 || got != want;
	}
	close(ping[1]);
	kill(scribbler, SIGKILL);
	waitpid(scribbler, NULL, 0);
	waitpid(echo, NULL, 0);
	printf(bad ? "scribble: ping-pong broke at %d\n" : "scribble: ping-pong ok\n", i);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--probes"))
		return probes(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--map-count"))
		return map_count(strtol(argv[2], NULL, 10));
	if (argc == 3 && !strcmp(argv[1], "--plant"))
		return plant(strtoul(argv[2], NULL, 16));
	if (argc == 3 && !strcmp(argv[1], "--scan"))
		return scan(argv[2]);
	int fake = argc == 4 && !strcmp(argv[1], "--fake-stub");

	if (argc == 2 && !strcmp(argv[1], "--mask-hog"))
		return mask_hog();
	if (argc == 2 && !strcmp(argv[1], "--wake-scribble"))
		return wake_scribble();

	if (argc != 3 && !fake) {
		fprintf(stderr, "usage: escape [--fake-stub] SECRET CREATED\n");
		return 2;
	}
	secret = argv[argc - 2];
	created = argv[argc - 1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (fake && map_fake_stub() < 0)
		return 2;

	try_read("inline", raw_inline);
	try_create("inline", raw_inline);
	try_fresh_code("mmap-rx", PROT_READ | PROT_WRITE, PROT_READ | PROT_EXEC);
	try_fresh_code("mmap-rwx", PROT_READ | PROT_WRITE | PROT_EXEC,
		       PROT_READ | PROT_WRITE | PROT_EXEC);
	try_stub();

	if (escapes) {
		printf("escape: %d ESCAPED\n", escapes);
		return 1;
	}
	printf("escape: ALL BLOCKED\n");
	return 0;
}
