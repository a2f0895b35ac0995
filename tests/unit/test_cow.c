/*
 * Unit tests for drivers/block/cow.c, the UML COW header format.
 *
 * The layout is checked against the worked example of REFERENCE.md (a
 * 10 MiB backing file: bitmap at 0x2000, data at 0x3000); v3 headers make
 * an encode/decode round trip and are checked byte by byte; hand-made v1,
 * v2 and "broken v3" headers decode to the right fields and layout; every
 * kind of damage is refused. Finally headers are cut at every length and
 * randomly corrupted in buffers of the exact length (so that ASan catches
 * any read outside them): the decoder must return 0 or -EINVAL, and what
 * it accepts must be sane.
 */
#include "types.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "krename.h"
#include "cow.h"
#include "kunrename.h"
#include "unit.h"

#define MAX_OFF 0x7fffffffffffffffULL

static void be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static void be64(u8 *p, u64 v)
{
	be32(p, (u32)(v >> 32));
	be32(p + 4, (u32)v);
}

static void host32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

static void host64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

/* Decodes a copy of buf in a heap block of exactly len bytes. */
static int decode_exact(const void *buf, size_t len, struct cow_header *h)
{
	u8 *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, buf, len);
	rc = cow_header_decode(copy, len, h);
	free(copy);
	return rc;
}

static u8 v3buf[COW_HEADER_MAX];

/* A v3 header for a backing file of size bytes. */
static size_t make_v3(u8 *buf, u64 size, u64 mtime, const char *path)
{
	struct cow_header h;

	memset(&h, 0, sizeof(h));
	h.version = 3;
	h.backing_size = size;
	h.mtime = mtime;
	h.sectorsize = 512;
	h.alignment = 4096;
	snprintf(h.backing, sizeof(h.backing), "%s", path);
	return cow_header_encode_v3(&h, buf, COW_HEADER_MAX);
}

static void test_layout(void)
{
	struct cow_header h;

	memset(&h, 0, sizeof(h));
	h.backing_size = 10 << 20;
	h.sectorsize = 512;
	h.alignment = 4096;
	cow_layout(&h);
	CHECK(h.bitmap_offset == 0x2000, "bitmap_offset %#llx", (unsigned long long)h.bitmap_offset);
	CHECK(h.bitmap_len == 2560, "bitmap_len %llu", (unsigned long long)h.bitmap_len);
	CHECK(h.data_offset == 0x3000, "data_offset %#llx", (unsigned long long)h.data_offset);
	CHECK(h.data_offset + h.backing_size == 12288 + 10485760, "file size");

	/* Partial sectors and partial bitmap bytes round up. */
	h.backing_size = 0;
	cow_layout(&h);
	CHECK(h.bitmap_len == 0 && h.data_offset == 0x2000, "empty: %llu %#llx",
	      (unsigned long long)h.bitmap_len, (unsigned long long)h.data_offset);
	h.backing_size = 1;
	cow_layout(&h);
	CHECK(h.bitmap_len == 1 && h.data_offset == 0x3000, "1 byte");
	h.backing_size = 9 * 512;
	cow_layout(&h);
	CHECK(h.bitmap_len == 2, "9 sectors: %llu", (unsigned long long)h.bitmap_len);
	h.backing_size = 8 * 512 * 4096ULL + 1; /* 4097 bitmap bytes */
	cow_layout(&h);
	CHECK(h.bitmap_len == 4097 && h.data_offset == 0x4000, "4097: %llu %#llx",
	      (unsigned long long)h.bitmap_len, (unsigned long long)h.data_offset);
	/* Other alignments and sector sizes. */
	h.backing_size = 1 << 20;
	h.sectorsize = 4096;
	h.alignment = 512;
	cow_layout(&h);
	CHECK(h.bitmap_offset == 4608 && h.bitmap_len == 32 && h.data_offset == 5120,
	      "4096/512: %llu %llu %llu", (unsigned long long)h.bitmap_offset,
	      (unsigned long long)h.bitmap_len, (unsigned long long)h.data_offset);
	unit_group_end("cow/layout");
}

static void test_roundtrip(void)
{
	static const u64 sizes[] = { 0, 1, 511, 512, 10 << 20, 1ULL << 40, (1ULL << 62) + 7 };
	static char longpath[4200];
	struct cow_header h, d;
	u8 *b = v3buf;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(&h, 0, sizeof(h));
		h.version = 3;
		h.backing_size = sizes[i];
		h.mtime = 0x6b041376 + i;
		h.sectorsize = 512 << (i % 3);
		h.alignment = 4096 >> (i % 2);
		snprintf(h.backing, sizeof(h.backing), "/some/dir/backing-%zu.img", i);
		memset(b, 0xa5, COW_HEADER_MAX);
		CHECK(cow_header_encode_v3(&h, b, COW_V3_HEADER_SIZE) == 4128, "encode %zu", i);
		CHECK(decode_exact(b, COW_V3_HEADER_SIZE, &d) == 0, "decode %zu", i);
		CHECK(d.version == 3 && d.backing_size == h.backing_size && d.mtime == h.mtime &&
		      d.sectorsize == h.sectorsize && d.alignment == h.alignment &&
		      d.cow_format == 0 && !strcmp(d.backing, h.backing),
		      "fields of %zu", i);
		cow_layout(&h);
		CHECK(d.bitmap_offset == h.bitmap_offset && d.bitmap_len == h.bitmap_len &&
		      d.data_offset == h.data_offset, "layout of %zu", i);
		CHECK(b[4128] == 0xa5, "encode wrote past 4128 bytes");
	}

	/* The bytes, as Debian's uml_mkcow writes them. */
	make_v3(b, 10 << 20, 0x6b041376, "/tmp/cowx/back.img");
	CHECK(!memcmp(b, "OOOM\0\0\0\3\x6b\x04\x13\x76\0\0\0\0\0\xa0\0\0\0\0\2\0\0\0\x10\0\0\0\0\0/tmp",
		      36), "v3 header bytes");
	for (i = 32 + 18; i < 4128 && !b[i]; i++)
		;
	CHECK(i == 4128, "path not NUL-padded (byte %zu)", i);
	/* The mtime is stored in 32 bits. */
	memset(&h, 0, sizeof(h));
	h.mtime = 0x123456789ULL;
	h.backing_size = 4096;
	h.sectorsize = 512;
	h.alignment = 4096;
	strcpy(h.backing, "/x");
	cow_header_encode_v3(&h, b, 4128);
	CHECK(cow_header_decode(b, 4128, &d) == 0 && d.mtime == 0x23456789, "mtime 32 bits");
	/* Too small a buffer. */
	CHECK(cow_header_encode_v3(&h, b, 4127) == 0, "encode into 4127 bytes");
	/* The longest path fits; a longer one is cut to 4095 bytes. */
	memset(longpath, 'p', sizeof(longpath));
	longpath[0] = '/';
	memcpy(h.backing, longpath, sizeof(h.backing) - 1);
	h.backing[sizeof(h.backing) - 1] = 'q'; /* unterminated: cut */
	cow_header_encode_v3(&h, b, 4128);
	CHECK(decode_exact(b, 4128, &d) == 0 && strlen(d.backing) == 4095, "long path");
	unit_group_end("cow/v3-roundtrip");
}

static void test_old_versions(void)
{
	static u8 b[COW_HEADER_MAX];
	struct cow_header d;

	/* v1: host-endian, path[256], 32-bit mtime, bitmap at 280. */
	memset(b, 0, sizeof(b));
	host32(b, COW_MAGIC);
	host32(b + 4, 1);
	strcpy((char *)b + 8, "/old/root_fs");
	host32(b + 264, 987654321);
	host64(b + 268, 10 << 20);
	host32(b + 276, 512);
	CHECK(decode_exact(b, 280, &d) == 0, "v1 refused");
	CHECK(d.version == 1 && d.mtime == 987654321 && d.backing_size == 10 << 20 &&
	      d.sectorsize == 512 && d.alignment == 512 && !strcmp(d.backing, "/old/root_fs"),
	      "v1 fields");
	CHECK(d.bitmap_offset == 280 && d.bitmap_len == 2560 && d.data_offset == 3072,
	      "v1 layout %llu %llu %llu", (unsigned long long)d.bitmap_offset,
	      (unsigned long long)d.bitmap_len, (unsigned long long)d.data_offset);
	CHECK(decode_exact(b, 279, &d) == -EINVAL, "truncated v1");
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* A v1 header is host-endian, so not big-endian here. */
	be32(b, COW_MAGIC);
	be32(b + 4, 1);
	CHECK(decode_exact(b, 280, &d) == -EINVAL, "big-endian v1 accepted");
#endif

	/* v2: big-endian, path[4096], bitmap at 4120, data sector-aligned. */
	memset(b, 0, sizeof(b));
	be32(b, COW_MAGIC);
	be32(b + 4, 2);
	strcpy((char *)b + 8, "/v2/backing");
	be32(b + 4104, 1234567890);
	be64(b + 4108, 9 * 512 + 100);
	be32(b + 4116, 512);
	CHECK(decode_exact(b, 4120, &d) == 0, "v2 refused");
	CHECK(d.version == 2 && d.mtime == 1234567890 && d.backing_size == 9 * 512 + 100 &&
	      d.sectorsize == 512 && d.alignment == 512 && !strcmp(d.backing, "/v2/backing"),
	      "v2 fields");
	/* 10 sectors: the v2 writer's 1-byte bitmap, our 2 bytes, data at 4608. */
	CHECK(d.bitmap_offset == 4120 && d.bitmap_len == 2 && d.data_offset == 4608,
	      "v2 layout %llu %llu %llu", (unsigned long long)d.bitmap_offset,
	      (unsigned long long)d.bitmap_len, (unsigned long long)d.data_offset);
	CHECK(decode_exact(b, 4119, &d) == -EINVAL, "truncated v2");
	/* 3905 sectors: the writer's 488-byte bitmap ends at 4608, where its
	 * data starts, so the 489th byte our bitmap needs is not there. */
	be64(b + 4108, 3905 * 512);
	CHECK(decode_exact(b, 4120, &d) == -EINVAL, "v2 bitmap into the data");
	be64(b + 4108, 3904 * 512);
	CHECK(decode_exact(b, 4120, &d) == 0 && d.bitmap_len == 488 && d.data_offset == 4608,
	      "v2 3904 sectors");

	/* Broken v3: 64-bit mtime at 8, everything else 4 bytes later. */
	memset(b, 0, sizeof(b));
	be32(b, COW_MAGIC);
	be32(b + 4, 3);
	be64(b + 8, 1700000000);
	be64(b + 16, 10 << 20);
	be32(b + 24, 512);
	be32(b + 28, 4096);
	be32(b + 32, 0);
	strcpy((char *)b + 36, "/broken/v3");
	CHECK(decode_exact(b, 4132, &d) == 0, "broken v3 refused");
	CHECK(d.version == 3 && d.mtime == 1700000000 && d.backing_size == 10 << 20 &&
	      d.sectorsize == 512 && d.alignment == 4096 && !strcmp(d.backing, "/broken/v3"),
	      "broken v3 fields");
	CHECK(d.bitmap_offset == 0x2000 && d.bitmap_len == 2560 && d.data_offset == 0x3000,
	      "broken v3 layout");
	CHECK(decode_exact(b, 4131, &d) == -EINVAL, "truncated broken v3");
	be64(b + 8, 0x1ffffffffULL);
	CHECK(decode_exact(b, 4132, &d) == 0 && d.mtime == 0x1ffffffffULL, "broken v3 64-bit mtime");
	/* Alignment 512 puts the broken header's bitmap at 4608, not 4608 - 4. */
	be32(b + 28, 512);
	CHECK(decode_exact(b, 4132, &d) == 0 && d.bitmap_offset == 4608, "broken v3 align 512");
	unit_group_end("cow/v1-v2-broken-v3");
}

static void test_rejects(void)
{
	static u8 b[COW_HEADER_MAX];
	struct cow_header d;
	size_t len;

#define BAD(what, ...)                                                              \
	do {                                                                        \
		make_v3(b, 10 << 20, 1, "/b");                                      \
		__VA_ARGS__;                                                        \
		CHECK(decode_exact(b, 4128, &d) == -EINVAL, "accepted: %s", what);  \
		CHECK(d.version == 0 && d.backing[0] == 0, "not cleared: %s", what); \
	} while (0)

	make_v3(b, 10 << 20, 1, "/b");
	CHECK(decode_exact(b, 4128, &d) == 0, "the base header is refused");
	BAD("magic", b[0] = 'X');
	BAD("version 0", be32(b + 4, 0));
	BAD("version 4", be32(b + 4, 4));
	BAD("sectorsize 0", be32(b + 20, 0));
	BAD("sectorsize 256", be32(b + 20, 256));
	BAD("sectorsize 1000", be32(b + 20, 1000));
	BAD("alignment 0", be32(b + 24, 0));
	BAD("alignment 3000", be32(b + 24, 3000));
	BAD("cow_format 1", be32(b + 28, 1));
	BAD("unterminated path", memset(b + 32, 'a', 4096));
	BAD("size 2^63", be64(b + 12, 1ULL << 63));
	BAD("size -1", be64(b + 12, ~0ULL));
	BAD("data past 2^63", be64(b + 12, MAX_OFF - 4096));
	BAD("alignment 2^31 overflows", be32(b + 24, 1u << 31); be64(b + 12, MAX_OFF - (1ULL << 31)));
	/* An empty path: the 4 bytes at 32 are zero, so a broken v3 with an
	 * empty path at 36. */
	make_v3(b, 10 << 20, 1, "/b");
	memset(b + 32, 0, 8);
	CHECK(decode_exact(b, 4132, &d) == -EINVAL, "empty path");
	/* Every truncation of a good header. */
	make_v3(b, 10 << 20, 1, "/b");
	for (len = 0; len < 4128; len++)
		CHECK(decode_exact(b, len, &d) == -EINVAL, "accepted %zu bytes", len);
	CHECK(cow_header_decode(NULL, 0, &d) == -EINVAL, "NULL");
	unit_group_end("cow/rejects");
}

/* What an accepted header must satisfy. */
static int sane(const struct cow_header *d)
{
	u64 sectors = d->backing_size / d->sectorsize + (d->backing_size % d->sectorsize != 0);
	size_t l = strnlen(d->backing, sizeof(d->backing));

	return d->version >= 1 && d->version <= 3 && d->sectorsize >= 512 &&
	       !(d->sectorsize & (d->sectorsize - 1)) && d->alignment &&
	       !(d->alignment & (d->alignment - 1)) && l > 0 && l < sizeof(d->backing) &&
	       d->cow_format == 0 && d->bitmap_len * 8 >= sectors &&
	       d->bitmap_offset >= 280 && d->bitmap_offset <= MAX_OFF - d->bitmap_len &&
	       d->bitmap_offset + d->bitmap_len <= d->data_offset &&
	       d->data_offset <= MAX_OFF - d->backing_size;
}

static void test_fuzz(void)
{
	static u8 base[4][COW_HEADER_MAX], b[COW_HEADER_MAX];
	struct cow_header d;
	int i, j, n, rc, accepted = 0;
	size_t len;

	srandom(1234);
	make_v3(base[0], 10 << 20, 5, "/fuzz");
	memcpy(base[1], base[0], sizeof(base[1]));
	memset(base[1] + 8, 0, 4); /* broken v3 */
	memset(base[1] + 32, 0, 4);
	strcpy((char *)base[1] + 36, "/f");
	be32(base[1] + 24, 512);
	be32(base[1] + 28, 4096);
	host32(base[2], COW_MAGIC);
	host32(base[2] + 4, 1);
	strcpy((char *)base[2] + 8, "/v1");
	host64(base[2] + 268, 1 << 20);
	host32(base[2] + 276, 512);
	be32(base[3], COW_MAGIC);
	be32(base[3] + 4, 2);
	strcpy((char *)base[3] + 8, "/v2");
	be64(base[3] + 4108, 1 << 20);
	be32(base[3] + 4116, 512);
	for (i = 0; i < 4; i++)
		CHECK(decode_exact(base[i], COW_HEADER_MAX, &d) == 0 && sane(&d), "base %d", i);

	for (i = 0; i < 200000; i++) {
		memcpy(b, base[i % 4], sizeof(b));
		n = 1 + (int)(random() % 8);
		for (j = 0; j < n; j++) {
			/* Mostly the fields, sometimes anywhere. */
			size_t at = random() % 4 ? (size_t)(random() % 40) : (size_t)(random() % sizeof(b));

			b[at] = random() % 3 ? (u8)random() : (u8)(random() % 2 ? 0 : 0xff);
		}
		if (i % 5 == 0) /* path unterminated or cut */
			memset(b + 8, 'z', random() % 2 ? sizeof(b) - 8 : 260);
		len = random() % 4 ? sizeof(b) : (size_t)(random() % (sizeof(b) + 1));
		rc = decode_exact(b, len, &d);
		if (rc == 0) {
			accepted++;
			CHECK(sane(&d), "insane header accepted (iteration %d)", i);
		} else {
			CHECK(rc == -EINVAL, "returned %d", rc);
		}
	}
	/* Pure noise, at random lengths. */
	for (i = 0; i < 20000; i++) {
		len = (size_t)(random() % (sizeof(b) + 1));
		for (j = 0; j < (int)len; j++)
			b[j] = (u8)random();
		if (len >= 8 && i % 2)
			memcpy(b, "OOOM\0\0\0\3", 8);
		rc = decode_exact(b, len, &d);
		CHECK(rc == -EINVAL || (rc == 0 && sane(&d)), "noise: %d", rc);
	}
	CHECK(accepted > 1000, "only %d mutated headers accepted", accepted);
	unit_group_end("cow/fuzz");
}

static void test_bits(void)
{
	u8 bm[4] = { 0 };
	int s;

	cow_sector_set(bm, 0);
	cow_sector_set(bm, 9);
	cow_sector_set(bm, 31);
	CHECK(bm[0] == 0x01 && bm[1] == 0x02 && bm[2] == 0 && bm[3] == 0x80,
	      "bytes %02x %02x %02x %02x", bm[0], bm[1], bm[2], bm[3]);
	for (s = 0; s < 32; s++)
		CHECK(cow_sector_present(bm, (u64)s) == (s == 0 || s == 9 || s == 31),
		      "sector %d", s);
	cow_sector_set(bm, 9);
	CHECK(bm[1] == 0x02, "setting twice");
	unit_group_end("cow/bitmap");
}

int main(void)
{
	test_layout();
	test_roundtrip();
	test_old_versions();
	test_rejects();
	test_fuzz();
	test_bits();
	return unit_any_failed;
}
