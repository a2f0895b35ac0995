/*
 * Basic kernel types. Kernel code builds freestanding (no libc), so the
 * fixed-width types come from the compiler's predefined macros. This header
 * is also included by host-side unit tests next to libc headers, so every
 * definition here is compatible with <stddef.h>, <stdint.h> and <stdbool.h>.
 */
#ifndef TYPES_H
#define TYPES_H

#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

typedef __SIZE_TYPE__ size_t;
typedef long ssize_t;
typedef __UINTPTR_TYPE__ uintptr_t;
typedef __INTPTR_TYPE__ intptr_t;
typedef long loff_t_k;
#define INT64_MAX_K 0x7fffffffffffffffLL
struct __kernel_old_timeval_k {
	long tv_sec, tv_usec;
};
#define NR_OPEN_MAX_RL 1048576
#define INT32_MIN_K (-0x7fffffff - 1)
#define INT32_MAX_K 0x7fffffff

#ifndef __bool_true_false_are_defined
#define bool _Bool
#define true 1
#define false 0
#endif

#ifndef NULL
#define NULL ((void *)0)
#endif

typedef __builtin_va_list va_list;
#ifndef va_start
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)
#define va_copy(d, s) __builtin_va_copy(d, s)
#endif

#ifndef offsetof
#define offsetof(t, m) __builtin_offsetof(t, m)
#endif
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))

#ifndef PAGE_SIZE
#define PAGE_SHIFT 12
#define PAGE_SIZE 4096UL
#define PAGE_MASK (~(PAGE_SIZE - 1))
#endif

#endif
