/*
 * UML COW headers: decoding versions 1-3 (and the "broken" v3 with a
 * 64-bit mtime), encoding version 3, and the file layout. See cow.h.
 */
#include "cow.h"
#include "kerrno.h"
#include "kstring.h"

/* Sizes and offsets beyond this are refused (off_t is signed 64-bit). */
#define COW_MAX_OFFSET 0x7fffffffffffffffULL

static u32 get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u64 get_be64(const u8 *p)
{
	return (u64)get_be32(p) << 32 | get_be32(p + 4);
}

static u32 get_host32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static u64 get_host64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

static void put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static void put_be64(u8 *p, u64 v)
{
	put_be32(p, (u32)(v >> 32));
	put_be32(p + 4, (u32)v);
}

static bool is_pow2(u32 v)
{
	return v && !(v & (v - 1));
}

/* x rounded up to a power of two a; false if that overflows the limit. */
static bool round_up_ok(u64 x, u64 a, u64 *out)
{
	if (x > COW_MAX_OFFSET - (a - 1))
		return false;
	*out = (x + a - 1) & ~(a - 1);
	return true;
}

/* ceil(ceil(size / sectorsize) / 8), without overflow. */
static u64 bitmap_bytes(u64 size, u32 sectorsize)
{
	u64 sectors = size / sectorsize + (size % sectorsize != 0);

	return sectors / 8 + (sectors % 8 != 0);
}

void cow_layout(struct cow_header *h)
{
	u64 a = h->alignment;

	h->bitmap_offset = (COW_V3_HEADER_SIZE + a - 1) & ~(a - 1);
	h->bitmap_len = bitmap_bytes(h->backing_size, h->sectorsize);
	h->data_offset = (h->bitmap_offset + h->bitmap_len + a - 1) & ~(a - 1);
}

/* Copies a path field of n bytes; it must be non-empty and NUL-terminated. */
static bool copy_path(struct cow_header *h, const u8 *p, size_t n)
{
	size_t l = strnlen((const char *)p, n);

	if (l == 0 || l >= n || l >= sizeof(h->backing))
		return false;
	memcpy(h->backing, p, l);
	h->backing[l] = '\0';
	return true;
}

/*
 * The layout of h for a header of hdr_size bytes; false unless everything,
 * the end of the data included, fits below 2^63.
 */
static bool layout(struct cow_header *h, u64 hdr_size)
{
	u64 ss = h->sectorsize, len, old_len;

	if (h->backing_size > COW_MAX_OFFSET)
		return false;
	len = bitmap_bytes(h->backing_size, h->sectorsize);
	if (h->version < 3) {
		/*
		 * v1/v2 writers sized the bitmap as (size + ss - 1) / (8 ss),
		 * one byte short when the sector count is not a multiple of 8,
		 * and put the data after that. Keep their data offset, but
		 * give the bitmap the bytes every sector needs, as long as they
		 * lie before the data.
		 */
		old_len = (h->backing_size + ss - 1) / (8 * ss);
		h->bitmap_offset = hdr_size;
		if (!round_up_ok(hdr_size + old_len, ss, &h->data_offset) ||
		    hdr_size + len > h->data_offset)
			return false;
	} else {
		if (!round_up_ok(hdr_size, h->alignment, &h->bitmap_offset) ||
		    len > COW_MAX_OFFSET - h->bitmap_offset ||
		    !round_up_ok(h->bitmap_offset + len, h->alignment, &h->data_offset))
			return false;
	}
	h->bitmap_len = len;
	return h->backing_size <= COW_MAX_OFFSET - h->data_offset;
}

int cow_header_decode(const void *buf, size_t len, struct cow_header *h)
{
	const u8 *p = buf;
	u64 hdr_size;
	bool ok;

	memset(h, 0, sizeof(*h));
	if (!p || len < 8)
		return -EINVAL;
	if (get_host32(p) == COW_MAGIC && get_host32(p + 4) == 1) {
		hdr_size = COW_V1_HEADER_SIZE;
		if (len < hdr_size)
			return -EINVAL;
		h->version = 1;
		ok = copy_path(h, p + 8, 256);
		h->mtime = get_host32(p + 264);
		h->backing_size = get_host64(p + 268);
		h->sectorsize = get_host32(p + 276);
		h->alignment = h->sectorsize;
	} else if (get_be32(p) == COW_MAGIC && get_be32(p + 4) == 2) {
		hdr_size = COW_V2_HEADER_SIZE;
		if (len < hdr_size)
			return -EINVAL;
		h->version = 2;
		ok = copy_path(h, p + 8, 4096);
		h->mtime = get_be32(p + 4104);
		h->backing_size = get_be64(p + 4108);
		h->sectorsize = get_be32(p + 4116);
		h->alignment = h->sectorsize;
	} else if (get_be32(p) == COW_MAGIC && get_be32(p + 4) == 3) {
		if (len < COW_V3_HEADER_SIZE)
			return -EINVAL;
		h->version = 3;
		if (get_be32(p + 32) != 0) {
			hdr_size = COW_V3_HEADER_SIZE;
			h->mtime = get_be32(p + 8);
			h->backing_size = get_be64(p + 12);
			h->sectorsize = get_be32(p + 20);
			h->alignment = get_be32(p + 24);
			h->cow_format = get_be32(p + 28);
			ok = copy_path(h, p + 32, 4096);
		} else {
			/* Broken v3: a 64-bit mtime moved the rest by 4 bytes. */
			hdr_size = COW_V3_BROKEN_HEADER_SIZE;
			if (len < hdr_size)
				return -EINVAL;
			h->mtime = get_be64(p + 8);
			h->backing_size = get_be64(p + 16);
			h->sectorsize = get_be32(p + 24);
			h->alignment = get_be32(p + 28);
			h->cow_format = get_be32(p + 32);
			ok = copy_path(h, p + 36, 4096);
		}
	} else {
		return -EINVAL;
	}
	if (!ok || !is_pow2(h->sectorsize) || h->sectorsize < 512 ||
	    !is_pow2(h->alignment) || h->cow_format != 0 || !layout(h, hdr_size)) {
		memset(h, 0, sizeof(*h));
		return -EINVAL;
	}
	return 0;
}

size_t cow_header_encode_v3(const struct cow_header *h, void *buf, size_t len)
{
	u8 *p = buf;

	if (len < COW_V3_HEADER_SIZE)
		return 0;
	memset(p, 0, COW_V3_HEADER_SIZE);
	put_be32(p, COW_MAGIC);
	put_be32(p + 4, 3);
	put_be32(p + 8, (u32)h->mtime);
	put_be64(p + 12, h->backing_size);
	put_be32(p + 20, h->sectorsize);
	put_be32(p + 24, h->alignment);
	put_be32(p + 28, h->cow_format);
	memcpy(p + 32, h->backing, strnlen(h->backing, sizeof(h->backing) - 1));
	return COW_V3_HEADER_SIZE;
}
