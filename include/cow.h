/* UML COW file format (see REFERENCE.md): pure encode/decode helpers. */
#ifndef COW_H
#define COW_H

#include "types.h"

#define COW_MAGIC 0x4F4F4F4D
#define COW_V3_HEADER_SIZE 4128

struct cow_header {
	u32 version;
	u64 backing_size;
	u64 mtime;
	u32 sectorsize;
	u32 alignment;
	u32 cow_format;
	char backing[4096];
	u64 bitmap_offset;
	u64 bitmap_len;
	u64 data_offset;
};

int cow_header_decode(const void *buf, size_t len, struct cow_header *h);
size_t cow_header_encode_v3(const struct cow_header *h, void *buf, size_t len);
void cow_layout(struct cow_header *h);

static inline bool cow_sector_present(const u8 *bitmap, u64 sector)
{
	return (bitmap[sector / 8] >> (sector % 8)) & 1;
}

static inline void cow_sector_set(u8 *bitmap, u64 sector)
{
	bitmap[sector / 8] |= (u8)(1u << (sector % 8));
}

#endif
