/*
 * memhog: touches a working set larger than the guest's memory and checks
 * every word twice, so the kernel must swap to keep the data. Usage:
 * memhog <MiB>. Prints "memhog: ok" or where the data went wrong.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? (size_t)atol(argv[1]) : 48;
	size_t n = mib << 17, i; /* 8-byte words */
	uint64_t *p = malloc(n * sizeof(*p));
	int pass;

	if (!p) {
		printf("memhog: malloc failed\n");
		return 1;
	}
	for (i = 0; i < n; i++)
		p[i] = i * 0x9E3779B97F4A7C15ULL;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			if (p[i] != i * 0x9E3779B97F4A7C15ULL) {
				printf("memhog: word %zu wrong on pass %d\n", i, pass);
				return 1;
			}
		}
	}
	printf("memhog: ok\n");
	return 0;
}
