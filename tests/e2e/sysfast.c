/*
 * A guest program for tests/e2e/sysfast.sh: busy system call sites of
 * the four shapes the kernel patches (arch-um/sysfast.c), their results
 * checked on every call, then what became of them. Prints:
 *   sysfast: results ok            or  sysfast: WRONG <what>
 *   sysfast: site <shape> patched  or  ... unpatched (a jmp, e9, first)
 *   sysfast: trampolines <n>       ([sysfast] lines in /proc/self/maps)
 *   sysfast: timer ok              (an interval timer's signals came and
 *                                   the calls they interrupted came back right)
 *   sysfast: child ok              (a child forked after the patching
 *                                   uses the same sites)
 *   sysfast: unmapped, sites <n> patched, results ok
 *                                  (the process unmapped its trampolines:
 *                                   the sites have their code back)
 *   sysfast: guard <first byte>, results ok
 *                                  (a call that jumps to the xor inside
 *                                   the patched read site: it gets its
 *                                   code back, cmpb's 0x80 first)
 * /proc must be mounted.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* mov $110,%eax (b8): getppid */
long sf_b8(void);
/* mov $39,%rax (48 c7 c0): getpid */
long sf_rax(void);
/* mov 8(%rsp),%r9 (4c 8b 4c 24 08) with the number in rdi, as glibc's syscall() */
long sf_r9(long nr);
__asm__(".text\n"
	".globl sf_b8\n"
	"sf_b8: movl $110, %eax\n syscall\n ret\n"
	".globl sf_rax\n"
	"sf_rax: movq $39, %rax\n syscall\n ret\n"
	".globl sf_r9\n"
	"sf_r9: movq %rdi, %rax\n movq 8(%rsp), %r9\n syscall\n ret\n");
/*
 * glibc's read(): cmpb $0,sf_single(%rip); je 1f; xor %eax,%eax; syscall
 * (1: returns -77); sf_read_xor is where the xor begins, sf_read2 a copy.
 */
long sf_read(long fd, void *buf, long n);
long sf_read2(long fd, void *buf, long n);
extern char sf_read_xor[];
__asm__(".data\nsf_single: .byte 1\n.text\n"
	".globl sf_read\nsf_read: cmpb $0, sf_single(%rip)\n je 1f\n"
	".globl sf_read_xor\nsf_read_xor: xorl %eax, %eax\n syscall\n ret\n"
	"1: movq $-77, %rax\n ret\n"
	".globl sf_read2\nsf_read2: cmpb $0, sf_single(%rip)\n je 1f\n"
	"xorl %eax, %eax\n syscall\n ret\n1: movq $-77, %rax\n ret\n");
static int zero_fd;

#define ROUNDS 20000

static int wrong;
static volatile int ticks;

static void say_wrong(const char *what, long got, long want)
{
	if (wrong++ < 5)
		printf("sysfast: WRONG %s: %ld, not %ld\n", what, got, want);
}

/* Calls each site ROUNDS times, checking each result. */
static void busy(long ppid, long pid)
{
	char c;
	long r;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		if ((r = sf_b8()) != ppid)
			say_wrong("getppid through mov $n,%eax", r, ppid);
		if ((r = sf_rax()) != pid)
			say_wrong("getpid through mov $n,%rax", r, pid);
		if ((r = sf_r9(39)) != pid)
			say_wrong("getpid through mov 8(%rsp),%r9", r, pid);
		if ((r = sf_r9(110)) != ppid)
			say_wrong("getppid through mov 8(%rsp),%r9", r, ppid);
		if ((r = sf_read(zero_fd, &c, 1)) != 1)
			say_wrong("read through glibc's read", r, 1);
		if ((r = sf_read2(zero_fd, &c, 1)) != 1)
			say_wrong("read through a copy of glibc's read", r, 1);
	}
}

static void site(const char *shape, void *fn)
{
	printf("sysfast: site %s %s\n", shape,
	       *(volatile unsigned char *)fn == 0xe9 ? "patched" : "unpatched");
}

static void tick(int sig)
{
	(void)sig;
	ticks++;
}

int main(void)
{
	long pid = getpid(), ppid = getppid();
	struct itimerval it = {{0, 1000}, {0, 1000}};
	char line[512];
	unsigned long lo, hi, tramp[8];
	int n = 0, status, k;
	pid_t child;
	FILE *f;

	setvbuf(stdout, NULL, _IONBF, 0);
	zero_fd = open("/dev/zero", O_RDONLY);
	busy(ppid, pid);
	if (!wrong)
		printf("sysfast: results ok\n");
	site("mov-eax", (void *)sf_b8);
	site("mov-rax", (void *)sf_rax);
	site("mov-r9", (char *)sf_r9 + 3);
	site("read", (void *)sf_read);
	f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "[sysfast]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2 && n < 8)
			tramp[n++] = lo;
	if (f)
		fclose(f);
	printf("sysfast: trampolines %d\n", n);

	signal(SIGALRM, tick);
	setitimer(ITIMER_REAL, &it, NULL);
	wrong = 0;
	while (ticks < 20 && !wrong)
		busy(ppid, pid);
	it.it_value.tv_usec = it.it_interval.tv_usec = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	if (!wrong)
		printf("sysfast: timer ok\n");

	child = fork();
	if (child == 0) {
		wrong = 0;
		busy(pid, getpid());
		_exit(wrong ? 1 : 0);
	}
	if (child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		printf("sysfast: child ok\n");
	else
		printf("sysfast: child WRONG\n");

	/* A child, whose sites are patched as its parent's, enters one mid-site. */
	child = fork();
	if (child == 0) {
		long (*at_xor)(long, void *, long) =
			(long (*)(long, void *, long))(void *)sf_read_xor;
		char c;

		wrong = 0;
		if (*(volatile unsigned char *)sf_read != 0xe9)
			printf("sysfast: guard: the read site is unpatched\n");
		if (at_xor(zero_fd, &c, 1) != 1)
			wrong++;
		busy(pid, getpid());
		printf("sysfast: guard %#x, results %s\n", *(volatile unsigned char *)sf_read,
		       wrong ? "WRONG" : "ok");
		_exit(0);
	}
	waitpid(child, &status, 0);

	for (k = 0; k < n; k++)
		munmap((void *)tramp[k], 4096);
	k = (*(volatile unsigned char *)sf_b8 == 0xe9) +
	    (*(volatile unsigned char *)sf_rax == 0xe9) +
	    (*(volatile unsigned char *)((char *)sf_r9 + 3) == 0xe9) +
	    (*(volatile unsigned char *)sf_read == 0xe9) +
	    (*(volatile unsigned char *)sf_read2 == 0xe9);
	wrong = 0;
	busy(ppid, pid);
	printf("sysfast: unmapped, sites %d patched, results %s\n", k, wrong ? "WRONG" : "ok");

	return 0;
}
