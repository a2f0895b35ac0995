/*
 * Unit tests for kernel/vsprintf.c: every format is run through the host's
 * vsnprintf and ours (k_vsnprintf, see krename.h) at several buffer sizes,
 * and the return values and the whole buffers must match, including the
 * bytes past the size that neither may touch. Then random combinations of
 * flags, widths, precisions and lengths are compared the same way.
 */
#include "types.h"
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "krename.h"
#include "kprintf.h"
#include "kunrename.h"
#include "unit.h"

#define OUT 600

/* Runs fmt through both implementations at one size and compares. */
static void cmp_size(int line, size_t size, const char *fmt, va_list ap)
{
	char hb[OUT], kb[OUT];
	va_list a1, a2;
	int hr, kr;

	memset(hb, 'Z', sizeof(hb));
	memset(kb, 'Z', sizeof(kb));
	va_copy(a1, ap);
	va_copy(a2, ap);
	hr = vsnprintf(size ? hb : NULL, size, fmt, a1);
	kr = k_vsnprintf(size ? kb : NULL, size, fmt, a2);
	va_end(a1);
	va_end(a2);
	if (hr != kr || memcmp(hb, kb, sizeof(hb))) {
		hb[sizeof(hb) - 1] = kb[sizeof(kb) - 1] = '\0';
		unit_fail("line %d: format \"%s\" size %zu: host %d \"%.60s\", "
			  "ours %d \"%.60s\"",
			  line, fmt, size, hr, hb, kr, kb);
	}
}

/* Compares at the full size, at 0, 1 and 2, and around the output end. */
static void cmp_v(int line, const char *fmt, va_list ap)
{
	char tmp[OUT];
	va_list a;
	int n;
	size_t sizes[6], i;

	va_copy(a, ap);
	n = vsnprintf(tmp, sizeof(tmp), fmt, a);
	va_end(a);
	sizes[0] = OUT - 1;
	sizes[1] = 0;
	sizes[2] = 1;
	sizes[3] = 2;
	sizes[4] = n > 0 && n < OUT ? (size_t)n : 3;
	sizes[5] = n >= 0 && n + 1 < OUT ? (size_t)n + 1 : 4;
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		cmp_size(line, sizes[i], fmt, ap);
}

static void cmp_at(int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmp_v(line, fmt, ap);
	va_end(ap);
}

#define CMP(...) cmp_at(__LINE__, __VA_ARGS__)

static void test_integers(void)
{
	CMP("%d %d %d %d", 0, 1, -1, 42);
	CMP("%d %d", INT_MAX, INT_MIN);
	CMP("%i %i", 12345, -12345);
	CMP("%u %u %u", 0u, 1u, UINT_MAX);
	CMP("%x %X %x %X", 0u, 0u, 0xdeadbeefu, 0xdeadbeefu);
	CMP("%o %o %o", 0u, 8u, UINT_MAX);
	CMP("%ld %ld %ld", 0L, LONG_MAX, LONG_MIN);
	CMP("%lu %lx %lo", ULONG_MAX, ULONG_MAX, ULONG_MAX);
	CMP("%lld %lld %llu %llx", LLONG_MAX, LLONG_MIN, ULLONG_MAX, ULLONG_MAX);
	CMP("%hd %hd %hu %hx", 32767, -32768, 65535, 0x1234);
	CMP("%hd %hu", 70000, 70000);
	CMP("%hhd %hhd %hhu %hhx", 127, -128, 255, 0xab);
	CMP("%hhd %hhu %hhx", 300, 300, 0x1ff);
	CMP("%zu %zd %zx", (size_t)SIZE_MAX, (ssize_t)-5, (size_t)0xabc);
	CMP("%td %tu %tx", (ptrdiff_t)-77, (ptrdiff_t)77, (ptrdiff_t)255);
	CMP("%jd %ju %jx", (intmax_t)INTMAX_MIN, (uintmax_t)UINTMAX_MAX,
	    (uintmax_t)0x1234567890abcdefULL);
	unit_group_end("vsprintf/integers");
}

static void test_flags(void)
{
	CMP("[%5d] [%-5d] [%05d] [%+d] [% d] [%+d] [% d]", 42, 42, 42, 42, 42,
	    -42, -42);
	CMP("[%+5d] [%-+5d] [%+05d] [% 05d] [%-05u]", 7, 7, 7, 7, 7u);
	CMP("[%#x] [%#X] [%#o] [%#x] [%#o]", 255u, 255u, 8u, 0u, 0u);
	CMP("[%#10x] [%#-10x] [%#010x] [%#010o]", 255u, 255u, 255u, 8u);
	CMP("[%.3d] [%.0d] [%.0x] [%#.0o] [%#.0x] [%.10d]", 5, 0, 0u, 0u, 0u,
	    -123);
	CMP("[%8.3d] [%-8.3d] [%08.3d] [%+.3d] [%#.5o] [%#.5x]", 5, -5, 5, 5,
	    8u, 0x1fu);
	CMP("[%*d] [%-*d] [%*d] [%.*d] [%.*d] [%*.*x]", 6, 1, 6, 1, -6, 1, 4,
	    2, -3, 2, 8, 4, 0xabu);
	CMP("[%0*d] [%0*d]", 6, -1, -6, -1);
	CMP("[%30d] [%-30lld] [%030lld]", INT_MIN, LLONG_MIN, LLONG_MIN);
	CMP("[%#llo] [%#llx] [%+lld]", ULLONG_MAX, ULLONG_MAX, LLONG_MAX);
	unit_group_end("vsprintf/flags");
}

static void test_strings(void)
{
	const char *empty = "";
	char *unterminated = malloc(3);
	char big[400];

	memcpy(unterminated, "abc", 3);
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CMP("%s|%s|%s", "", "a", "hello world");
	CMP("[%10s] [%-10s] [%.2s] [%10.2s] [%-10.2s] [%.0s]", "abc", "abc",
	    "abc", "abc", "abc", "abc");
	CMP("[%*s] [%-*s] [%.*s] [%.*s]", 7, "x", 7, "x", 2, "xyz", -1, "xyz");
	CMP("[%c] [%5c] [%-5c] [%c%c] [%c]", 'a', 'b', 'c', 0x41, 0x142, 0xff);
	CMP("%%|%5%|100%%");
	CMP("no conversions at all");
	CMP(empty);
	CMP("%s", big);
	CMP("%s%s", big, big);
	CMP("[%.3s]", unterminated);
	CMP("[%s] [%10s] [%-10s]", (char *)NULL, (char *)NULL, (char *)NULL);
	free(unterminated);
	unit_group_end("vsprintf/strings");
}

static void test_pointers(void)
{
	int x;

	CMP("%p", (void *)&x);
	CMP("%p %p", (void *)0x1, (void *)0xdeadbeef);
	CMP("[%20p] [%-20p] [%020p]", (void *)0x1234, (void *)0x1234,
	    (void *)0x1234);
	CMP("%p", (void *)UINTPTR_MAX);
	unit_group_end("vsprintf/pointers");
}

/* Behaviour that is ours alone, or where the host does something else. */
static void test_own_rules(void)
{
	/* Formats the compiler would rightly warn about go through these. */
	const char *unknown = "a%yb%#-5kc", *trailing = "abc%", *n = "%n|%d";
	const char *lq = "%Lu %qd";
	char *volatile null_str = NULL;
	char buf[64];
	int r;

	r = k_snprintf(buf, sizeof(buf), "%p", NULL);
	CHECK(r == 3 && !strcmp(buf, "0x0"), "NULL %%p: %d '%s'", r, buf);
	r = k_snprintf(buf, sizeof(buf), "%.3s|%s", null_str, null_str);
	CHECK(r == 10 && !strcmp(buf, "(nu|(null)"), "NULL %%s: '%s'", buf);
	r = k_snprintf(buf, sizeof(buf), unknown, 0);
	CHECK(r == 10 && !strcmp(buf, "a%yb%#-5kc"), "unknown: '%s'", buf);
	r = k_snprintf(buf, sizeof(buf), trailing, 0);
	CHECK(r == 4 && !strcmp(buf, "abc%"), "trailing %%: '%s'", buf);
	r = k_snprintf(buf, sizeof(buf), n, 5);
	CHECK(r == 4 && !strcmp(buf, "%n|5"), "%%n is not supported: '%s'", buf);
	r = k_snprintf(buf, sizeof(buf), lq, 1ULL << 40, -(1LL << 40));
	CHECK(!strcmp(buf, "1099511627776 -1099511627776"), "L and q: '%s'", buf);

	r = k_snprintf(NULL, 0, "%d", 12345);
	CHECK(r == 5, "NULL buffer, size 0: %d", r);
	r = k_snprintf(buf, 4, "%1000000d", 1);
	CHECK(r == 1000000 && !strcmp(buf, "   "), "huge width: %d", r);

	r = k_scnprintf(buf, sizeof(buf), "%s", "hello");
	CHECK(r == 5 && !strcmp(buf, "hello"), "scnprintf fits: %d", r);
	r = k_scnprintf(buf, 4, "%s", "hello");
	CHECK(r == 3 && !strcmp(buf, "hel"), "scnprintf truncated: %d", r);
	r = k_scnprintf(buf, 1, "%s", "hello");
	CHECK(r == 0 && buf[0] == '\0', "scnprintf size 1: %d", r);
	r = k_scnprintf(NULL, 0, "%s", "hello");
	CHECK(r == 0, "scnprintf size 0: %d", r);
	r = k_scnprintf(buf, 6, "%s", "hello");
	CHECK(r == 5, "scnprintf exact fit: %d", r);
	unit_group_end("vsprintf/own-rules");
}

/* Random 64-bit values, mostly short ones, with 0 and extremes often. */
static unsigned long long random_value(void)
{
	unsigned long long v = (unsigned long long)random() << 33 ^
			       (unsigned long long)random() << 11 ^ random();

	switch (random() % 6) {
	case 0:
		return 0;
	case 1:
		return v & 0xff;
	case 2:
		return v & 0xffff;
	case 3:
		return random() % 2 ? ~0ULL : 1ULL << 63;
	case 4:
		return v >> (random() % 64);
	default:
		return v;
	}
}

/*
 * Appends '%' and random flags, width and (if allowed) precision; tells
 * which of them were '*'.
 */
static char *random_spec(char *p, bool *wstar, bool *pstar, bool precision)
{
	static const char flags[] = "-0+ #";
	int i;

	*p++ = '%';
	for (i = 0; i < 5; i++) {
		if (random() % 4 == 0)
			*p++ = flags[i];
	}
	*wstar = *pstar = false;
	switch (random() % 4) {
	case 0:
		break;
	case 1:
		*wstar = true;
		*p++ = '*';
		break;
	default:
		p += sprintf(p, "%ld", 1 + random() % 25);
	}
	if (!precision)
		return p;
	switch (random() % 5) {
	case 0:
	case 1:
		break;
	case 2:
		*pstar = true;
		p += sprintf(p, ".*");
		break;
	case 3:
		*p++ = '.';
		break;
	default:
		p += sprintf(p, ".%ld", random() % 25);
	}
	return p;
}

/* Calls cmp_at with the '*' arguments that the spec needs, then arg. */
#define CMP_STAR(fmt, ws, w, ps, pr, arg)                     \
	do {                                                  \
		if (ws && ps)                                 \
			cmp_at(__LINE__, fmt, w, pr, arg);    \
		else if (ws)                                  \
			cmp_at(__LINE__, fmt, w, arg);        \
		else if (ps)                                  \
			cmp_at(__LINE__, fmt, pr, arg);       \
		else                                          \
			cmp_at(__LINE__, fmt, arg);           \
	} while (0)

static void test_random_integers(void)
{
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };
	static const char convs[] = "diuxXo";
	char fmt[64], *p;
	bool ws, ps;
	int i, w, pr, li;
	unsigned long long v;

	for (i = 0; i < 200000; i++) {
		p = fmt;
		*p++ = '<';
		p = random_spec(p, &ws, &ps, true);
		li = random() % ARRAY_SIZE(lens);
		p += sprintf(p, "%s%c>", lens[li], convs[random() % 6]);
		w = random() % 61 - 30;
		pr = random() % 31 - 5;
		v = random_value();
		/* Lengths up to int take an int argument, the rest 64 bits. */
		if (li <= 2)
			CMP_STAR(fmt, ws, w, ps, pr, (int)v);
		else
			CMP_STAR(fmt, ws, w, ps, pr, v);
	}
	unit_group_end("vsprintf/random-integers");
}

static void test_random_other(void)
{
	static const char *const strs[] = { "", "a", "hello", "0123456789abcdefghij" };
	char fmt[64], *p;
	bool ws, ps;
	int i, w, pr, kind;

	for (i = 0; i < 100000; i++) {
		p = fmt;
		kind = random() % 3;
		p += sprintf(p, "%s", kind ? "x" : "");
		/* A precision with %c is undefined. */
		p = random_spec(p, &ws, &ps, kind == 0);
		w = random() % 61 - 30;
		pr = random() % 31 - 5;
		if (kind == 0) {
			strcpy(p, "s|");
			CMP_STAR(fmt, ws, w, ps, pr, strs[random() % ARRAY_SIZE(strs)]);
		} else if (kind == 1) {
			strcpy(p, "c");
			CMP_STAR(fmt, ws, w, ps, pr, (int)(' ' + random() % 95));
		} else {
			/* %p: only width and the '-' and '0' flags are defined. */
			p = fmt + sprintf(fmt, "x%%%s", random() % 2 ? "-" : "");
			if (random() % 2)
				*p++ = '0';
			p += sprintf(p, "%ldp", random() % 25);
			cmp_at(__LINE__, fmt, (void *)(uintptr_t)(random_value() | 1));
		}
	}
	unit_group_end("vsprintf/random-strings-chars-pointers");
}

static int wrap_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = k_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

/* snprintf itself (not only vsnprintf) and many arguments in one call. */
static void test_many_args(void)
{
	char kb[256], hb[256];
	int kr, hr;

	kr = k_snprintf(kb, sizeof(kb), "%d %s %c %lx %hhu %p %5.2s %-4d|",
			1, "two", '3', 0x4UL, (unsigned char)5, (void *)0x60,
			"seven", 8);
	hr = snprintf(hb, sizeof(hb), "%d %s %c %lx %hhu %p %5.2s %-4d|", 1,
		      "two", '3', 0x4UL, (unsigned char)5, (void *)0x60,
		      "seven", 8);
	CHECK(kr == hr && !strcmp(kb, hb), "snprintf: '%s' vs '%s'", kb, hb);
	kr = wrap_snprintf(kb, sizeof(kb), "%d%d%d%d%d%d%d%d%d%d%lld%s", 0, 1,
			   2, 3, 4, 5, 6, 7, 8, 9, -10LL, "!");
	CHECK(kr == 14 && !strcmp(kb, "0123456789-10!"), "many args: '%s'", kb);
	unit_group_end("vsprintf/snprintf");
}

int main(void)
{
	srandom(2);
	test_integers();
	test_flags();
	test_strings();
	test_pointers();
	test_own_rules();
	test_random_integers();
	test_random_other();
	test_many_args();
	return unit_any_failed;
}
