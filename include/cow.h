/*
 * UML COW files (ubd copy-on-write), see REFERENCE.md "COW files": a pure
 * module that decodes and encodes headers and computes the layout. It does
 * no I/O and allocates nothing, so the kernel's ubd driver and the host
 * tools (tools/uml_mkcow, tools/uml_moo) share it.
 *
 * On-disk headers (all packed):
 *   v1 (host-endian):  magic, version=1, path[256], u32 mtime, u64 size,
 *                      u32 sectorsize                          280 bytes
 *   v2 (big-endian):   magic, version=2, path[4096], u32 mtime, u64 size,
 *                      u32 sectorsize                         4120 bytes
 *   v3 (big-endian):   magic, version=3, u32 mtime, u64 size, u32
 *                      sectorsize, u32 alignment, u32 cow_format,
 *                      path[4096]                             4128 bytes
 *   broken v3:         as v3 with a u64 mtime at offset 8     4132 bytes
 * v1 and v2 keep the bitmap right after the header and align the data to
 * the sector size; v3 aligns both to the alignment.
 */
#ifndef COW_H
#define COW_H

#include "types.h"

#define COW_MAGIC 0x4F4F4F4D
#define COW_V1_HEADER_SIZE 280
#define COW_V2_HEADER_SIZE 4120
#define COW_V3_HEADER_SIZE 4128
#define COW_V3_BROKEN_HEADER_SIZE 4132
/* Enough bytes to decode any version: pass at least this much when you can. */
#define COW_HEADER_MAX COW_V3_BROKEN_HEADER_SIZE

struct cow_header {
	u32 version;        /* 1, 2 or 3 (a broken v3 decodes as 3) */
	u64 backing_size;   /* bytes */
	u64 mtime;          /* seconds; 32 bits except in a broken v3 */
	u32 sectorsize;
	u32 alignment;
	u32 cow_format;     /* 0: bitmap */
	char backing[4096]; /* absolute path, NUL-terminated */
	u64 bitmap_offset;  /* the rest is computed, not stored */
	u64 bitmap_len;
	u64 data_offset;
};

/*
 * Decodes the header at the start of buf[0..len). Returns 0, or -EINVAL
 * (and leaves *h zeroed) for a bad magic or version, a header longer than
 * len, or insane fields: sectorsize not a power of two >= 512, alignment
 * not a power of two, cow_format other than 0, an empty or unterminated
 * backing path, or a layout that does not fit in 63 bits. The layout
 * fields are filled in. Never reads outside buf.
 */
int cow_header_decode(const void *buf, size_t len, struct cow_header *h);

/*
 * Writes the 4128-byte v3 header for h (version, bitmap and data fields
 * are ignored; the path is cut to 4095 bytes). Returns 4128, or 0 if len
 * is smaller.
 */
size_t cow_header_encode_v3(const struct cow_header *h, void *buf, size_t len);

/*
 * Fills in bitmap_offset, bitmap_len and data_offset of a v3 header from
 * backing_size, sectorsize and alignment (both non-zero powers of two).
 */
void cow_layout(struct cow_header *h);

/* Bit s % 8 (LSB first) of byte s / 8: set = sector s lives in the COW. */
static inline bool cow_sector_present(const u8 *bitmap, u64 sector)
{
	return (bitmap[sector / 8] >> (sector % 8)) & 1;
}

static inline void cow_sector_set(u8 *bitmap, u64 sector)
{
	bitmap[sector / 8] |= (u8)(1u << (sector % 8));
}

#endif
