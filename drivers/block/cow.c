/* UML COW headers: decoding versions 1-3 and encoding version 3. */
#include "cow.h"
#include "kerrno.h"
#include "kstring.h"

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u64 be64(const u8 *p)
{
	return (u64)be32(p) << 32 | be32(p + 4);
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

void cow_layout(struct cow_header *h)
{
	u64 sectors = (h->backing_size + h->sectorsize - 1) / h->sectorsize;

	h->bitmap_offset = ALIGN_UP((u64)COW_V3_HEADER_SIZE, (u64)h->alignment);
	h->bitmap_len = (sectors + 7) / 8;
	h->data_offset = ALIGN_UP(h->bitmap_offset + h->bitmap_len, (u64)h->alignment);
}

static bool pow2(u32 v)
{
	return v && !(v & (v - 1));
}

int cow_header_decode(const void *buf, size_t len, struct cow_header *h)
{
	const u8 *p = buf;
	u32 magic;

	memset(h, 0, sizeof(*h));
	if (len < 8)
		return -EINVAL;
	magic = be32(p);
	if (magic == COW_MAGIC && be32(p + 4) == 3) {
		if (len < COW_V3_HEADER_SIZE)
			return -EINVAL;
		h->version = 3;
		if (!p[32] && !p[33] && !p[34] && !p[35]) {
			/* "Broken" v3: an 8-byte mtime shifted the rest by 4. */
			h->mtime = be64(p + 8);
			h->backing_size = be64(p + 16);
			h->sectorsize = be32(p + 24);
			h->alignment = be32(p + 28);
			h->cow_format = be32(p + 32);
			memcpy(h->backing, p + 36, MIN(sizeof(h->backing), len - 36));
		} else {
			h->mtime = be32(p + 8);
			h->backing_size = be64(p + 12);
			h->sectorsize = be32(p + 20);
			h->alignment = be32(p + 24);
			h->cow_format = be32(p + 28);
			memcpy(h->backing, p + 32, sizeof(h->backing));
		}
	} else if (magic == COW_MAGIC && be32(p + 4) == 2) {
		/* v2: magic, version, path[1024], mtime(4), size(8), sectorsize(4). */
		if (len < 8 + 1024 + 16)
			return -EINVAL;
		h->version = 2;
		memcpy(h->backing, p + 8, 1024);
		h->mtime = be32(p + 8 + 1024);
		h->backing_size = be64(p + 8 + 1024 + 4);
		h->sectorsize = be32(p + 8 + 1024 + 12);
		h->alignment = h->sectorsize;
	} else {
		u32 hm, hv;

		/* v1 is host-endian: magic, version, path[1024], mtime, size, sectorsize. */
		memcpy(&hm, p, 4);
		memcpy(&hv, p + 4, 4);
		if (hm != COW_MAGIC || hv != 1 || len < 8 + 1024 + 24)
			return -EINVAL;
		h->version = 1;
		memcpy(h->backing, p + 8, 1024);
		{
			s64 mt;
			u64 sz;
			u32 ss;

			memcpy(&mt, p + 8 + 1024, 8);
			memcpy(&sz, p + 8 + 1024 + 8, 8);
			memcpy(&ss, p + 8 + 1024 + 16, 4);
			h->mtime = (u64)mt;
			h->backing_size = sz;
			h->sectorsize = ss;
			h->alignment = ss;
		}
	}
	h->backing[sizeof(h->backing) - 1] = 0;
	if (!pow2(h->sectorsize) || h->sectorsize < 512 || !pow2(h->alignment) ||
	    h->cow_format != 0 || !h->backing[0] || h->backing_size > (1ULL << 50))
		return -EINVAL;
	if (h->version == 3) {
		cow_layout(h);
	} else {
		/* v1/v2: bitmap right after the header, data sector-aligned. */
		u64 hdr = h->version == 2 ? 8 + 1024 + 16 : 8 + 1024 + 24;
		u64 sectors = (h->backing_size + h->sectorsize - 1) / h->sectorsize;

		h->bitmap_offset = hdr;
		h->bitmap_len = (sectors + 7) / 8;
		h->data_offset = ALIGN_UP(hdr + h->bitmap_len, (u64)h->sectorsize);
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
	strlcpy((char *)p + 32, h->backing, 4096);
	return COW_V3_HEADER_SIZE;
}
