#ifndef UTIL_H
#define UTIL_H
long fib(int n);
long sum_to(long n);
#endif
