/*
 * Memory and string helpers, and number parsing (see kstring.h).
 *
 * The bulk copy and fill routines use the x86-64 string instructions: on
 * every CPU of the last decade "rep movsb" and "rep stosb" run at cache
 * bandwidth for large sizes, and being inline assembly they cannot be
 * turned back into calls to memcpy/memset by the compiler's loop idiom
 * recognition (which would recurse forever). The direction flag is clear
 * on entry to every function by the ABI, and is restored to clear by the
 * one place that sets it.
 */
#define KSTRING_NO_BUILTINS
#include "kstring.h"
#include <asm-generic/errno-base.h>

#define ULONG_MAX_K (~0UL)
#define LONG_MAX_K ((long)(ULONG_MAX_K >> 1))

/* An 8-byte load or store at any alignment, allowed to alias anything. */
typedef u64 __attribute__((may_alias, aligned(1))) unaligned_u64;
/* An aligned 8-byte load that may alias anything. */
typedef u64 __attribute__((may_alias)) aliased_u64;

static inline void copy_forward(void *dst, const void *src, size_t n)
{
	asm volatile("rep movsb"
		     : "+D"(dst), "+S"(src), "+c"(n)
		     :
		     : "memory");
}

/*
 * Copies n bytes from the top down, so a destination above an overlapping
 * source is safe. The bytes above the last multiple of 8 go first, one at
 * a time, then the rest 8 bytes at a time; both loops run with the
 * direction flag set, which is cleared again before returning.
 */
static void copy_backward(void *dst, const void *src, size_t n)
{
	size_t tail = n & 7, words = n >> 3;
	u8 *d = (u8 *)dst + n - 1;
	const u8 *s = (const u8 *)src + n - 1;

	asm volatile("std\n\t"
		     "rep movsb\n\t"
		     "cld"
		     : "+D"(d), "+S"(s), "+c"(tail)
		     :
		     : "memory", "cc");
	if (!words)
		return;
	d = (u8 *)dst + (words << 3) - 8;
	s = (const u8 *)src + (words << 3) - 8;
	asm volatile("std\n\t"
		     "rep movsq\n\t"
		     "cld"
		     : "+D"(d), "+S"(s), "+c"(words)
		     :
		     : "memory", "cc");
}

void *memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

	/* Forward is safe unless dst starts inside [src, src + n). */
	if (d - s >= n)
		copy_forward(dst, src, n);
	else if (d != s)
		copy_backward(dst, src, n);
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	asm volatile("rep stosb"
		     : "+D"(d), "+c"(n)
		     : "a"(c)
		     : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *p = a, *q = b;

	/* Skip equal 8-byte blocks, then find the differing byte. */
	while (n >= 8 && *(const unaligned_u64 *)p == *(const unaligned_u64 *)q) {
		p += 8;
		q += 8;
		n -= 8;
	}
	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const u8 *p = s;
	u8 ch = (u8)c;

	for (; n; n--, p++) {
		if (*p == ch)
			return (void *)p;
	}
	return NULL;
}

#define ONES_64 0x0101010101010101ULL
#define HIGHS_64 0x8080808080808080ULL

/*
 * strlen reads the string a word at a time once the pointer is 8-byte
 * aligned. An aligned word never straddles a page, so reading a few bytes
 * past the terminator can never fault; the sanitizer is told not to count
 * those bytes as an overflow.
 */
__attribute__((no_sanitize_address)) size_t strlen(const char *s)
{
	const char *p = s;
	const aliased_u64 *w;
	u64 v;

	for (; (uintptr_t)p & 7; p++) {
		if (!*p)
			return p - s;
	}
	w = (const aliased_u64 *)p;
	for (;;) {
		v = *w;
		/* Non-zero exactly when some byte of v is zero. */
		if ((v - ONES_64) & ~v & HIGHS_64)
			break;
		w++;
	}
	for (p = (const char *)w; *p; p++)
		;
	return p - s;
}

size_t strnlen(const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++)
		;
	return i;
}

int strcmp(const char *a, const char *b)
{
	const u8 *p = (const u8 *)a, *q = (const u8 *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const u8 *p = (const u8 *)a, *q = (const u8 *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
		if (!*p)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	char ch = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return (char *)haystack;
	for (; (haystack = strchr(haystack, *needle)); haystack++) {
		if (!strncmp(haystack, needle, n))
			return (char *)haystack;
	}
	return NULL;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	size_t n;

	if (size) {
		n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = strnlen(dst, size);
	size_t slen = strlen(src);
	size_t n;

	if (dlen == size)
		return size + slen;
	n = slen < size - dlen - 1 ? slen : size - dlen - 1;
	memcpy(dst + dlen, src, n);
	dst[dlen + n] = '\0';
	return dlen + slen;
}

/* The value of c as a digit (any base up to 36), or 36 for a non-digit. */
static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36;
}

/*
 * Works out the base from a prefix as described for kstrtoul, and returns
 * where the digits start. A "0x" is only taken as a prefix when a hex
 * digit follows it, so that "0x" alone reads as the number 0 followed by
 * 'x'. Returns NULL for a base that is neither 0 nor 2..36.
 */
static const char *parse_base(const char *s, unsigned int *base)
{
	bool hex_prefix = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
			  digit_value(s[2]) < 16;

	if (*base == 0) {
		if (hex_prefix)
			*base = 16;
		else if (s[0] == '0')
			*base = 8;
		else
			*base = 10;
	}
	if (*base < 2 || *base > 36)
		return NULL;
	if (*base == 16 && hex_prefix)
		s += 2;
	return s;
}

/*
 * Accumulates the digits of base at s into *val, saturating at ULONG_MAX.
 * Returns the first non-digit; *overflow tells whether it saturated.
 */
static const char *parse_digits(const char *s, unsigned int base,
				unsigned long *val, bool *overflow)
{
	unsigned long v = 0;
	unsigned int d;

	*overflow = false;
	for (; (d = digit_value(*s)) < base; s++) {
		if (v > (ULONG_MAX_K - d) / base) {
			*overflow = true;
			v = ULONG_MAX_K;
		} else if (!*overflow) {
			v = v * base + d;
		}
	}
	*val = v;
	return s;
}

/* Parses an optionally signed number; *neg tells if it had a '-'. */
static int kstrto_common(const char *s, unsigned int base, bool allow_neg,
			 unsigned long *val, bool *neg)
{
	const char *digits, *end;
	bool overflow;

	*neg = false;
	if (*s == '+') {
		s++;
	} else if (*s == '-' && allow_neg) {
		*neg = true;
		s++;
	}
	digits = parse_base(s, &base);
	if (!digits)
		return -EINVAL;
	end = parse_digits(digits, base, val, &overflow);
	if (end == digits)
		return -EINVAL;
	if (*end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	return overflow ? -ERANGE : 0;
}

int kstrtoul(const char *s, unsigned int base, unsigned long *out)
{
	unsigned long v;
	bool neg;
	int err = kstrto_common(s, base, false, &v, &neg);

	if (!err)
		*out = v;
	return err;
}

int kstrtol(const char *s, unsigned int base, long *out)
{
	unsigned long v;
	bool neg;
	int err = kstrto_common(s, base, true, &v, &neg);

	if (err)
		return err;
	if (neg) {
		if (v > (unsigned long)LONG_MAX_K + 1)
			return -ERANGE;
		*out = (long)(0UL - v);
	} else {
		if (v > (unsigned long)LONG_MAX_K)
			return -ERANGE;
		*out = (long)v;
	}
	return 0;
}

unsigned long simple_strtoul(const char *s, char **end, unsigned int base)
{
	const char *digits, *stop;
	unsigned long v = 0;
	bool overflow;

	digits = parse_base(s, &base);
	if (!digits) {
		if (end)
			*end = (char *)s;
		return 0;
	}
	/* With no digits stop == digits == s, as documented. */
	stop = parse_digits(digits, base, &v, &overflow);
	if (end)
		*end = (char *)stop;
	return v;
}

long simple_strtol(const char *s, char **end, unsigned int base)
{
	char *stop;
	unsigned long v;

	if (*s != '-') {
		v = simple_strtoul(s, end, base);
		return v > (unsigned long)LONG_MAX_K ? LONG_MAX_K : (long)v;
	}
	v = simple_strtoul(s + 1, &stop, base);
	if (end)
		*end = stop == s + 1 ? (char *)s : stop;
	if (v > (unsigned long)LONG_MAX_K + 1)
		return -LONG_MAX_K - 1;
	return (long)(0UL - v);
}
