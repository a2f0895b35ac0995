#include "util.h"

long fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

long sum_to(long n)
{
	return n * (n + 1) / 2;
}
