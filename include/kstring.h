/*
 * Memory and string helpers, and number parsing.
 *
 * The out-of-line functions live in kernel/string.c. Because ./linux is
 * linked against the host C library for host/, these definitions also
 * replace the library's memcpy, memset, strlen and friends for the whole
 * process, so each one keeps the exact C semantics: any alignment, any
 * length, and memmove is safe for overlapping buffers.
 *
 * memcpy, memmove, memset, memcmp and strlen are routed through the
 * compiler builtins below, so small constant-size copies are inlined even
 * though the kernel builds with -ffreestanding; everything else becomes a
 * call to the function. Define KSTRING_NO_BUILTINS before including this
 * header to see the plain functions (kernel/string.c and the host unit
 * tests do).
 */
#ifndef KSTRING_H
#define KSTRING_H

#include "types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
/* Length of s, but looks at no more than max bytes. */
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

/*
 * Copies src into dst (size bytes long), truncating if needed; dst is
 * always NUL-terminated when size > 0. Returns strlen(src), so truncation
 * happened exactly when the result is >= size.
 */
size_t strlcpy(char *dst, const char *src, size_t size);
/*
 * Appends src to the string in dst (size bytes long), truncating if
 * needed. Returns the length the full concatenation would have; if dst
 * holds no NUL within size bytes it is left alone and size + strlen(src)
 * is returned.
 */
size_t strlcat(char *dst, const char *src, size_t size);

/*
 * Parses the whole string s as an unsigned number in base 2..36, or with
 * base 0 picks 16 for a "0x"/"0X" prefix, 8 for a leading "0" and 10
 * otherwise; base 16 also accepts the "0x" prefix. One leading '+' and one
 * trailing newline are allowed (so text written with echo parses), nothing
 * else. Returns 0 and sets *out, -EINVAL for anything that is not a number
 * or -ERANGE if it does not fit; *out is untouched on error.
 */
int kstrtoul(const char *s, unsigned int base, unsigned long *out);
/* Same as kstrtoul for a signed long; a leading '-' is allowed. */
int kstrtol(const char *s, unsigned int base, long *out);

/*
 * Parses an unsigned number at the start of s (same base rules as
 * kstrtoul) and stops at the first character that is not a digit of the
 * base; *end (if end is not NULL) is set to that character, or to s when
 * there were no digits. Values that overflow saturate at ULONG_MAX.
 */
unsigned long simple_strtoul(const char *s, char **end, unsigned int base);
/* Same as simple_strtoul, with an optional leading '-'; saturates too. */
long simple_strtol(const char *s, char **end, unsigned int base);

#ifndef KSTRING_NO_BUILTINS
#define memcpy(d, s, n) __builtin_memcpy(d, s, n)
#define memmove(d, s, n) __builtin_memmove(d, s, n)
#define memset(d, c, n) __builtin_memset(d, c, n)
#define memcmp(a, b, n) __builtin_memcmp(a, b, n)
#define strlen(s) __builtin_strlen(s)
#endif

#endif
