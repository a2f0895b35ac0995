/*
 * A process with a known appetite, compiled by gcc in the Debian guest for
 * the ps/top checks of tests/e2e/debian.sh:
 *
 *   hog mem N    maps N MiB of private anonymous memory, writes every
 *                page, prints "hog: touched N MiB" and sleeps until killed
 *   hog cpu S    spins until its own CPU time (CLOCK_PROCESS_CPUTIME_ID)
 *                reaches S.5 seconds, prints "hog: burned S.5 s" and
 *                sleeps until killed: ps, which cuts TIME to whole
 *                seconds, then shows S however the kernel rounds ticks
 *
 * Exit status 2 on a usage error, 1 when the memory cannot be had.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		goto usage;
	long n = atol(argv[2]);
	if (n <= 0)
		goto usage;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(argv[1], "mem") == 0) {
		size_t len = (size_t)n << 20;
		char *p =
			mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("hog: mmap");
			return 1;
		}
		for (size_t off = 0; off < len; off += 4096)
			p[off] = 1;
		printf("hog: touched %ld MiB\n", n);
		for (;;)
			pause();
	}
	if (strcmp(argv[1], "cpu") == 0) {
		volatile unsigned long spin = 0;
		while (cpu_seconds() < (double)n + 0.5)
			for (int i = 0; i < 100000; i++)
				spin++;
		printf("hog: burned %ld.5 s\n", n);
		for (;;)
			pause();
	}
usage:
	fprintf(stderr, "usage: hog mem MIB | hog cpu SECONDS\n");
	return 2;
}
