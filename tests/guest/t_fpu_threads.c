/*
 * t_fpu_threads: every thread keeps its own FPU and vector registers,
 * whole, across preemption: threads of one process hold different
 * patterns in xmm and (where the CPU has AVX) the upper halves of ymm
 * registers through long loops without system calls, and check them.
 */
#include "tg.h"

#include <cpuid.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define NTHREADS 3

static int have_avx;
static volatile int go;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Loads 32 bytes of pattern into ymm/xmm 8..15 and checks them for a
 * while; returns the number of rounds that found them changed. */
static long hold(uint8_t seed, double seconds)
{
	uint8_t pat[32] __attribute__((aligned(32))), out[32] __attribute__((aligned(32)));
	double until = now() + seconds;
	long bad = 0;
	int i;

	for (i = 0; i < 32; i++)
		pat[i] = (uint8_t)(seed * 37 + i);
	while (now() < until) {
		if (have_avx) {
			__asm__ volatile("vmovdqa %0, %%ymm8" ::"m"(pat) : "xmm8");
			/* A busy stretch with no system call, long enough to be preempted. */
			for (i = 0; i < 200000; i++)
				__asm__ volatile("" ::: "memory");
			__asm__ volatile("vmovdqa %%ymm8, %0" : "=m"(out)::"memory");
		} else {
			__asm__ volatile("movdqa %0, %%xmm8" ::"m"(pat) : "xmm8");
			for (i = 0; i < 200000; i++)
				__asm__ volatile("" ::: "memory");
			__asm__ volatile("movdqa %%xmm8, %0" : "=m"(out)::"memory");
			memcpy(out + 16, pat + 16, 16);
		}
		if (memcmp(pat, out, 32))
			bad++;
	}
	return bad;
}

static void *worker(void *arg)
{
	while (!go)
		;
	return (void *)hold((uint8_t)(uintptr_t)arg, 1.5);
}

int main(void)
{
	unsigned a, b, c, d;
	pthread_t th[NTHREADS];
	long bad = 0;
	int i;

	if (__get_cpuid(1, &a, &b, &c, &d))
		have_avx = (c & bit_AVX) && (c & bit_OSXSAVE);
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)(i + 1));
	go = 1;
	bad += hold(99, 1.5);
	for (i = 0; i < NTHREADS; i++) {
		void *r;

		pthread_join(th[i], &r);
		bad += (long)r;
	}
	out("vector registers kept across preemption: %s\n", bad ? "NO" : "yes");
	return 0;
}
