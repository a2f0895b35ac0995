/*
 * td_dynamic: a dynamically linked program (PT_INTERP): ld.so loads libc,
 * relocates, sets up TLS; threads, malloc, stdio and dlopen of another
 * library must work. Built without -static (td_ prefix, see guest.mk).
 */
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

static __thread int tls_value = 5;

static void *worker(void *arg)
{
	tls_value += (int)(long)arg;
	return (void *)(long)tls_value;
}

static int count_objects(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)info;
	(void)size;
	(*(int *)data)++;
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t t[4];
	long sum = 0;
	int i, objects = 0;

	printf("argc %d argv[1] %s\n", argc, argc > 1 ? argv[1] : "-");
	printf("AT_BASE (interpreter) non-zero: %s\n", getauxval(AT_BASE) ? "yes" : "no");
	printf("AT_PHDR non-zero: %s\n", getauxval(AT_PHDR) ? "yes" : "no");
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, (void *)(long)(i + 1));
	for (i = 0; i < 4; i++) {
		void *r;

		pthread_join(t[i], &r);
		sum += (long)r;
	}
	printf("threads with TLS: sum %ld, main's tls %d\n", sum, tls_value);
	{
		size_t n = 8 << 20;
		char *p = malloc(n);

		memset(p, 0x5a, n);
		printf("8 MiB malloc: %s\n", p[n - 1] == 0x5a ? "ok" : "bad");
		free(p);
	}
	dl_iterate_phdr(count_objects, &objects);
	printf("loaded objects >= 3: %s\n", objects >= 3 ? "yes" : "no");
	{
		void *h = dlopen("libm.so.6", RTLD_NOW);
		double (*cosp)(double) = h ? (double (*)(double))dlsym(h, "cos") : NULL;

		printf("dlopen libm: %s, cos(0) = %.1f\n", h ? "ok" : dlerror(),
		       cosp ? cosp(0.0) : -1.0);
	}
	return 0;
}
