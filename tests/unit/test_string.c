/*
 * Unit tests for kernel/string.c, compared with simple reference loops
 * and with the host C library. The kernel functions are linked under
 * k_-prefixed names (see krename.h).
 */
#include "types.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "krename.h"
#include "kstring.h"
#include "kunrename.h"
#include "unit.h"

#define BUF 4096
#define GUARD 0xa5

static unsigned char src_buf[BUF], dst_buf[BUF], ref_buf[BUF];

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void fill_random(unsigned char *p, size_t n)
{
	while (n--)
		*p++ = (unsigned char)random();
}

/* Every size up to 300 at every alignment of both sides, plus big ones. */
static void test_memcpy(void)
{
	size_t n, so, dof, sizes[] = { 4095 - 64, 1000, 513 };
	unsigned char *big_s, *big_d;
	void *r;
	int i;

	fill_random(src_buf, BUF);
	for (n = 0; n <= 300; n++) {
		for (so = 0; so < 16; so++) {
			for (dof = 0; dof < 16; dof++) {
				memset(dst_buf, GUARD, 400);
				r = k_memcpy(dst_buf + 8 + dof, src_buf + so, n);
				CHECK(r == dst_buf + 8 + dof, "memcpy return");
				memset(ref_buf, GUARD, 400);
				memcpy(ref_buf + 8 + dof, src_buf + so, n);
				CHECK(!memcmp(dst_buf, ref_buf, 400),
				      "memcpy n=%zu so=%zu do=%zu", n, so, dof);
			}
		}
	}
	for (i = 0; i < 3; i++) {
		memset(dst_buf, GUARD, BUF);
		k_memcpy(dst_buf + 3, src_buf + 1, sizes[i]);
		CHECK(!memcmp(dst_buf + 3, src_buf + 1, sizes[i]) &&
			      dst_buf[2] == GUARD && dst_buf[3 + sizes[i]] == GUARD,
		      "memcpy size %zu", sizes[i]);
	}
	big_s = malloc(1 << 22);
	big_d = malloc(1 << 22);
	fill_random(big_s, 1 << 22);
	k_memcpy(big_d, big_s, 1 << 22);
	CHECK(!memcmp(big_d, big_s, 1 << 22), "memcpy 4 MiB");
	free(big_s);
	free(big_d);
	unit_group_end("string/memcpy");
}

/* Overlaps in both directions at every distance, against memmove. */
static void test_memmove(void)
{
	size_t n;
	int d;
	void *r;
	unsigned char *big, *ref;

	for (n = 0; n <= 200; n++) {
		for (d = -40; d <= 40; d++) {
			fill_random(src_buf, 600);
			memcpy(ref_buf, src_buf, 600);
			r = k_memmove(src_buf + 200 + d, src_buf + 200, n);
			memmove(ref_buf + 200 + d, ref_buf + 200, n);
			CHECK(r == src_buf + 200 + d, "memmove return");
			CHECK(!memcmp(src_buf, ref_buf, 600),
			      "memmove n=%zu shift=%d", n, d);
		}
	}
	big = malloc((1 << 20) + 64);
	ref = malloc((1 << 20) + 64);
	for (d = 1; d <= 17; d += 8) {
		fill_random(big, (1 << 20) + 64);
		memcpy(ref, big, (1 << 20) + 64);
		k_memmove(big + d, big, 1 << 20);
		memmove(ref + d, ref, 1 << 20);
		CHECK(!memcmp(big, ref, (1 << 20) + 64), "memmove 1 MiB up %d", d);
		k_memmove(big, big + d + 3, 1 << 20);
		memmove(ref, ref + d + 3, 1 << 20);
		CHECK(!memcmp(big, ref, (1 << 20) + 64), "memmove 1 MiB down %d", d);
	}
	free(big);
	free(ref);
	unit_group_end("string/memmove");
}

static void test_memset(void)
{
	size_t n, off, i;
	int c, bad;
	void *r;

	for (n = 0; n <= 300; n++) {
		for (off = 0; off < 16; off++) {
			c = (int)(n * 7 + off) | (n & 1 ? 0x100 : 0);
			memset(dst_buf, GUARD, 400);
			r = k_memset(dst_buf + 8 + off, c, n);
			CHECK(r == dst_buf + 8 + off, "memset return");
			bad = 0;
			for (i = 0; i < 400; i++) {
				int want = i >= 8 + off && i < 8 + off + n ?
						   (unsigned char)c : GUARD;
				bad |= dst_buf[i] != want;
			}
			CHECK(!bad, "memset n=%zu off=%zu c=%#x", n, off, c);
		}
	}
	unit_group_end("string/memset");
}

/* A difference at each position, in both orders, with high bytes. */
static void test_memcmp_memchr(void)
{
	size_t n, pos, off;
	unsigned char a[80], b[80];

	for (off = 0; off < 8; off++) {
		for (n = 0; n <= 64; n++) {
			fill_random(a, sizeof(a));
			memcpy(b, a, sizeof(b));
			CHECK(k_memcmp(a + off, b + off, n) == 0, "memcmp equal n=%zu", n);
			for (pos = 0; pos < n; pos++) {
				memcpy(b, a, sizeof(b));
				b[off + pos] = (unsigned char)(a[off + pos] + 1 + (pos & 0x7f));
				CHECK(sign(k_memcmp(a + off, b + off, n)) ==
					      sign(memcmp(a + off, b + off, n)),
				      "memcmp n=%zu pos=%zu", n, pos);
				CHECK(sign(k_memcmp(b + off, a + off, n)) ==
					      sign(memcmp(b + off, a + off, n)),
				      "memcmp reversed n=%zu pos=%zu", n, pos);
			}
		}
	}
	a[0] = 0x80;
	b[0] = 0x7f;
	CHECK(k_memcmp(a, b, 1) > 0, "memcmp compares unsigned bytes");

	for (n = 0; n < sizeof(a); n++)
		a[n] = (unsigned char)(n + 1);
	for (n = 0; n < sizeof(a); n++) {
		CHECK(k_memchr(a, (int)(n + 1), sizeof(a)) == a + n, "memchr %zu", n);
		CHECK(k_memchr(a, (int)(n + 1), n) == NULL, "memchr limit %zu", n);
	}
	a[5] = 0xff;
	CHECK(k_memchr(a, -1, sizeof(a)) == a + 5, "memchr converts c to a byte");
	CHECK(k_memchr(a, 0x1ff, sizeof(a)) == a + 5, "memchr c=0x1ff");
	unit_group_end("string/memcmp-memchr");
}

/*
 * strlen at every alignment and length, including strings that end right
 * before an unmapped page, which a careless word-at-a-time loop would
 * fault on.
 */
static void test_strlen(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *map, *s;
	size_t len, off;

	for (off = 0; off < 16; off++) {
		for (len = 0; len < 200; len++) {
			memset(dst_buf, 'x', 256);
			dst_buf[off + len] = '\0';
			CHECK(k_strlen((char *)dst_buf + off) == len,
			      "strlen off=%zu len=%zu", off, len);
			CHECK(k_strnlen((char *)dst_buf + off, len / 2) == len / 2,
			      "strnlen limit");
			CHECK(k_strnlen((char *)dst_buf + off, len + 5) == len,
			      "strnlen len");
		}
	}
	map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(map != MAP_FAILED, "mmap");
	if (map != MAP_FAILED) {
		mprotect(map + pg, pg, PROT_NONE);
		memset(map, 'y', pg);
		map[pg - 1] = '\0';
		for (len = 0; len < 40; len++) {
			s = map + pg - 1 - len;
			CHECK(k_strlen(s) == len, "strlen at page end len=%zu", len);
			CHECK(k_strnlen(s, 100) == len, "strnlen at page end");
		}
		munmap(map, 2 * pg);
	}
	CHECK(k_strnlen("abc", 0) == 0, "strnlen 0");
	unit_group_end("string/strlen");
}

static void test_strcmp(void)
{
	static const char *const strs[] = {
		"", "a", "b", "ab", "abc", "abd", "abcd", "\x80", "\x7f", "a\xff",
		"a\x01", "hello world", "hello", "hello\x90",
	};
	size_t i, j, n;

	for (i = 0; i < ARRAY_SIZE(strs); i++) {
		for (j = 0; j < ARRAY_SIZE(strs); j++) {
			CHECK(sign(k_strcmp(strs[i], strs[j])) ==
				      sign(strcmp(strs[i], strs[j])),
			      "strcmp '%s' '%s'", strs[i], strs[j]);
			for (n = 0; n < 14; n++)
				CHECK(sign(k_strncmp(strs[i], strs[j], n)) ==
					      sign(strncmp(strs[i], strs[j], n)),
				      "strncmp '%s' '%s' %zu", strs[i], strs[j], n);
		}
	}
	unit_group_end("string/strcmp");
}

static void test_strchr_strstr(void)
{
	static const char s[] = "hello, world\xe9!";
	static const char *const hay[] = { "", "a", "aaab", "abababc", "xyz",
					   "needle in a haystack", "aab" };
	static const char *const needles[] = { "", "a", "ab", "abc", "aab",
					       "hay", "stack", "zz", "xyz" };
	size_t i, j;
	int c;

	for (c = 0; c < 512; c++) {
		CHECK(k_strchr(s, c) == strchr(s, c), "strchr %#x", c);
		CHECK(k_strrchr(s, c) == strrchr(s, c), "strrchr %#x", c);
	}
	CHECK(k_strchr(s, '\0') == s + strlen(s), "strchr NUL");
	CHECK(k_strrchr(s, 'o') == s + 8, "strrchr last");
	for (i = 0; i < ARRAY_SIZE(hay); i++)
		for (j = 0; j < ARRAY_SIZE(needles); j++)
			CHECK(k_strstr(hay[i], needles[j]) == strstr(hay[i], needles[j]),
			      "strstr '%s' '%s'", hay[i], needles[j]);
	unit_group_end("string/strchr-strstr");
}

static void test_strlcpy_strlcat(void)
{
	char buf[16];
	size_t r;

	memset(buf, 'z', sizeof(buf));
	r = k_strlcpy(buf, "hello", sizeof(buf));
	CHECK(r == 5 && !strcmp(buf, "hello"), "strlcpy fits");
	r = k_strlcpy(buf, "0123456789abcdefghij", sizeof(buf));
	CHECK(r == 20 && !strcmp(buf, "0123456789abcde"), "strlcpy truncates");
	buf[0] = 'q';
	r = k_strlcpy(buf, "abc", 0);
	CHECK(r == 3 && buf[0] == 'q', "strlcpy size 0 writes nothing");
	r = k_strlcpy(buf, "abc", 1);
	CHECK(r == 3 && buf[0] == '\0', "strlcpy size 1");

	k_strlcpy(buf, "abc", sizeof(buf));
	r = k_strlcat(buf, "def", sizeof(buf));
	CHECK(r == 6 && !strcmp(buf, "abcdef"), "strlcat fits");
	r = k_strlcat(buf, "0123456789xyz", sizeof(buf));
	CHECK(r == 19 && !strcmp(buf, "abcdef012345678"), "strlcat truncates");
	r = k_strlcat(buf, "more", sizeof(buf));
	CHECK(r == 19 && !strcmp(buf, "abcdef012345678"), "strlcat when full");
	memset(buf, 'z', sizeof(buf));
	r = k_strlcat(buf, "abc", 8);
	CHECK(r == 11 && buf[7] == 'z' && buf[8] == 'z',
	      "strlcat without NUL in size leaves dst alone");
	r = k_strlcat(buf, "abc", 0);
	CHECK(r == 3, "strlcat size 0");
	unit_group_end("string/strlcpy-strlcat");
}

struct strto_case {
	const char *s;
	unsigned int base;
	int err;
	unsigned long val;
};

static void test_kstrtoul(void)
{
	static const struct strto_case cases[] = {
		{ "0", 0, 0, 0 },
		{ "123", 10, 0, 123 },
		{ "123", 0, 0, 123 },
		{ "0x1f", 0, 0, 31 },
		{ "0X1F", 0, 0, 31 },
		{ "0x1f", 16, 0, 31 },
		{ "1f", 16, 0, 31 },
		{ "017", 0, 0, 15 },
		{ "017", 10, 0, 17 },
		{ "777", 8, 0, 511 },
		{ "101", 2, 0, 5 },
		{ "zz", 36, 0, 36 * 35 + 35 },
		{ "+42", 10, 0, 42 },
		{ "42\n", 10, 0, 42 },
		{ "18446744073709551615", 0, 0, ULONG_MAX },
		{ "0xffffffffffffffff", 0, 0, ULONG_MAX },
		{ "18446744073709551616", 0, -ERANGE, 0 },
		{ "0x10000000000000000", 0, -ERANGE, 0 },
		{ "99999999999999999999999", 10, -ERANGE, 0 },
		{ "", 10, -EINVAL, 0 },
		{ "\n", 10, -EINVAL, 0 },
		{ "+", 10, -EINVAL, 0 },
		{ "-1", 10, -EINVAL, 0 },
		{ " 1", 10, -EINVAL, 0 },
		{ "1 ", 10, -EINVAL, 0 },
		{ "1\n\n", 10, -EINVAL, 0 },
		{ "12a", 10, -EINVAL, 0 },
		{ "08", 0, -EINVAL, 0 },
		{ "0x", 0, -EINVAL, 0 },
		{ "0x", 16, -EINVAL, 0 },
		{ "0xg", 16, -EINVAL, 0 },
		{ "2", 2, -EINVAL, 0 },
		{ "1", 1, -EINVAL, 0 },
		{ "1", 37, -EINVAL, 0 },
	};
	unsigned long v;
	long l;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		v = 12345;
		err = kstrtoul(cases[i].s, cases[i].base, &v);
		CHECK(err == cases[i].err, "kstrtoul('%s', %u) = %d", cases[i].s,
		      cases[i].base, err);
		CHECK(err ? v == 12345 : v == cases[i].val,
		      "kstrtoul('%s', %u) value %lu", cases[i].s, cases[i].base, v);
	}
	CHECK(!kstrtol("-42", 10, &l) && l == -42, "kstrtol -42");
	CHECK(!kstrtol("-0x10", 0, &l) && l == -16, "kstrtol -0x10");
	CHECK(!kstrtol("9223372036854775807", 10, &l) && l == LONG_MAX,
	      "kstrtol LONG_MAX");
	CHECK(!kstrtol("-9223372036854775808", 10, &l) && l == LONG_MIN,
	      "kstrtol LONG_MIN");
	CHECK(kstrtol("9223372036854775808", 10, &l) == -ERANGE,
	      "kstrtol LONG_MAX + 1");
	CHECK(kstrtol("-9223372036854775809", 10, &l) == -ERANGE,
	      "kstrtol LONG_MIN - 1");
	CHECK(kstrtol("--1", 10, &l) == -EINVAL, "kstrtol --1");
	CHECK(kstrtol("-", 10, &l) == -EINVAL, "kstrtol -");
	CHECK(!kstrtol("+7\n", 10, &l) && l == 7, "kstrtol +7");
	unit_group_end("string/kstrtoul");
}

/*
 * simple_strtoul agrees with the host's strtoul on strings without
 * leading blanks or signs (both saturate on overflow and take "0x" as a
 * prefix only before a hex digit).
 */
static void test_simple_strtoul(void)
{
	static const char alphabet[] = "0123456789abcdefABCDEFxXgz-+";
	static const unsigned int bases[] = { 0, 8, 10, 16, 2, 36 };
	char s[40], *kend, *hend;
	unsigned long kv, hv;
	long kl, hl;
	int i, j, len;

	for (i = 0; i < 200000; i++) {
		len = random() % 30;
		for (j = 0; j < len; j++) {
			/* Mostly digits, so that long numbers show up. */
			if (random() % 4)
				s[j] = "0123456789"[random() % 10];
			else
				s[j] = alphabet[random() % (sizeof(alphabet) - 1)];
		}
		s[len] = '\0';
		if (!(i & 3))
			s[0] = '0';
		else if (s[0] == '+' || s[0] == '-')
			s[0] = '7';
		for (j = 0; j < (int)ARRAY_SIZE(bases); j++) {
			kv = simple_strtoul(s, &kend, bases[j]);
			hv = strtoul(s, &hend, bases[j]);
			CHECK(kv == hv && kend == hend,
			      "simple_strtoul('%s', %u) = %lu end +%td, host %lu +%td",
			      s, bases[j], kv, kend - s, hv, hend - s);
		}
		s[0] = '-';
		kl = simple_strtol(s, &kend, 0);
		hl = strtol(s, &hend, 0);
		CHECK(kl == hl && kend == hend,
		      "simple_strtol('%s') = %ld end +%td, host %ld +%td", s, kl,
		      kend - s, hl, hend - s);
	}
	CHECK(simple_strtoul("123abc", NULL, 10) == 123, "NULL end");
	unit_group_end("string/simple_strtoul");
}

int main(void)
{
	srandom(1);
	test_memcpy();
	test_memmove();
	test_memset();
	test_memcmp_memchr();
	test_strlen();
	test_strcmp();
	test_strchr_strstr();
	test_strlcpy_strlcat();
	test_kstrtoul();
	test_simple_strtoul();
	return unit_any_failed;
}
