/*
 * A guest program for tests/e2e/sysfast.sh: busy system call sites of
 * the three shapes the kernel patches (arch-um/sysfast.c), their results
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
 * /proc must be mounted.
 */
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
	busy(ppid, pid);
	if (!wrong)
		printf("sysfast: results ok\n");
	site("mov-eax", (void *)sf_b8);
	site("mov-rax", (void *)sf_rax);
	site("mov-r9", (char *)sf_r9 + 3);
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

	for (k = 0; k < n; k++)
		munmap((void *)tramp[k], 4096);
	k = (*(volatile unsigned char *)sf_b8 == 0xe9) +
	    (*(volatile unsigned char *)sf_rax == 0xe9) +
	    (*(volatile unsigned char *)((char *)sf_r9 + 3) == 0xe9);
	wrong = 0;
	busy(ppid, pid);
	printf("sysfast: unmapped, sites %d patched, results %s\n", k, wrong ? "WRONG" : "ok");
	return 0;
}
