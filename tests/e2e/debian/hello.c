/* Built by make in the Debian guest (tests/e2e/debian/Makefile). */
#include <stdio.h>

#include "util.h"

int main(void)
{
	printf("hello from gcc: fib(30)=%ld sum=%ld\n", fib(30), sum_to(1000));
	return 0;
}
