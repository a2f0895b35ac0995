/*
 * ext2 allocation: blocks and inodes from the per-group bitmaps, with the
 * group descriptors and the superblock's free counts kept in step. All
 * metadata is written through at once (no journal: each step leaves the
 * image consistent enough for e2fsck to repair at worst the counts).
 */
#include "ext2.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "timer.h"

int ext2_bread(struct ext2_sb *es, u64 nr, void *buf);

/* Writes the superblock (primary copy) and group descriptor block g. */
int ext2_write_super(struct ext2_sb *es)
{
	u8 *buf = kmalloc(1024);
	int rc;

	if (!buf)
		return -ENOMEM;
	rc = blk_io(es->bd, BLK_READ, 2, 2, buf);
	if (rc == 0) {
		es->s.wtime = (u32)(ktime_real_ns() / NSEC_PER_SEC);
		memcpy(buf, &es->s, sizeof(es->s));
		rc = blk_io(es->bd, BLK_WRITE, 2, 2, buf);
	}
	kfree(buf);
	return rc;
}

static int write_gd(struct ext2_sb *es, u32 g)
{
	u32 b = g / es->desc_per_block;

	return ext2_bwrite(es, es->s.first_data_block + 1 + b,
			   (char *)es->gd + (size_t)b * es->block_size);
}

/* Finds and sets a zero bit below limit in the bitmap block; -1 if none. */
static int take_bit(u8 *map, u32 limit, u32 start)
{
	u32 k;

	for (k = 0; k < limit; k++) {
		u32 b = (start + k) % limit;

		if (!(map[b / 8] & (1u << (b % 8)))) {
			map[b / 8] |= (u8)(1u << (b % 8));
			return (int)b;
		}
	}
	return -1;
}

u32 ext2_alloc_block(struct ext2_sb *es, u32 goal)
{
	u32 ng = es->groups, g0, k;
	u8 *map;

	if (!es->s.free_blocks_count)
		return 0;
	map = kmalloc(es->block_size);
	if (!map)
		return 0;
	g0 = goal >= es->s.first_data_block ?
		     (goal - es->s.first_data_block) / es->s.blocks_per_group : 0;
	if (g0 >= ng)
		g0 = 0;
	for (k = 0; k < ng; k++) {
		u32 g = (g0 + k) % ng, limit = es->s.blocks_per_group, first;
		struct ext2_group *gd = GD(es, g);
		int bit;

		if (!gd->free_blocks_count)
			continue;
		first = es->s.first_data_block + g * es->s.blocks_per_group;
		if (first + limit > es->s.blocks_count)
			limit = es->s.blocks_count - first;
		if (ext2_bread(es, gd->block_bitmap, map) < 0)
			break;
		bit = take_bit(map, limit,
			       g == g0 && goal > first ? (goal - first) % limit : 0);
		if (bit < 0)
			continue;
		if (ext2_bwrite(es, gd->block_bitmap, map) < 0)
			break;
		gd->free_blocks_count--;
		es->s.free_blocks_count--;
		write_gd(es, g);
		kfree(map);
		return first + (u32)bit;
	}
	kfree(map);
	return 0;
}

void ext2_free_block(struct ext2_sb *es, u32 block)
{
	u32 g, bit;
	u8 *map;

	if (block < es->s.first_data_block || block >= es->s.blocks_count)
		return;
	g = (block - es->s.first_data_block) / es->s.blocks_per_group;
	bit = (block - es->s.first_data_block) % es->s.blocks_per_group;
	map = kmalloc(es->block_size);
	if (!map)
		return;
	if (ext2_bread(es, GD(es, g)->block_bitmap, map) == 0 &&
	    (map[bit / 8] & (1u << (bit % 8)))) {
		map[bit / 8] &= (u8)~(1u << (bit % 8));
		if (ext2_bwrite(es, GD(es, g)->block_bitmap, map) == 0) {
			GD(es, g)->free_blocks_count++;
			es->s.free_blocks_count++;
			write_gd(es, g);
		}
	}
	kfree(map);
}

u32 ext2_alloc_inode(struct ext2_sb *es, u32 parent_ino, bool dir)
{
	u32 ng = es->groups, g0 = parent_ino ? (parent_ino - 1) / es->s.inodes_per_group : 0, k;
	u8 *map;

	if (!es->s.free_inodes_count)
		return 0;
	map = kmalloc(es->block_size);
	if (!map)
		return 0;
	for (k = 0; k < ng; k++) {
		u32 g = (g0 + k) % ng;
		struct ext2_group *gd = GD(es, g);
		int bit;

		if (!gd->free_inodes_count)
			continue;
		if (ext2_bread(es, gd->inode_bitmap, map) < 0)
			break;
		/* The reserved inodes (below first_ino) are never handed out. */
		for (;;) {
			bit = take_bit(map, es->s.inodes_per_group, 0);
			if (bit < 0 || g * es->s.inodes_per_group + (u32)bit + 1 >= es->s.first_ino)
				break;
		}
		if (bit < 0)
			continue;
		if (ext2_bwrite(es, gd->inode_bitmap, map) < 0)
			break;
		gd->free_inodes_count--;
		if (dir)
			gd->used_dirs_count++;
		es->s.free_inodes_count--;
		write_gd(es, g);
		kfree(map);
		return g * es->s.inodes_per_group + (u32)bit + 1;
	}
	kfree(map);
	return 0;
}

void ext2_free_inode(struct ext2_sb *es, u32 ino, bool dir)
{
	u32 g = (ino - 1) / es->s.inodes_per_group, bit = (ino - 1) % es->s.inodes_per_group;
	u8 *map = kmalloc(es->block_size);

	if (!map)
		return;
	if (ext2_bread(es, GD(es, g)->inode_bitmap, map) == 0 &&
	    (map[bit / 8] & (1u << (bit % 8)))) {
		map[bit / 8] &= (u8)~(1u << (bit % 8));
		if (ext2_bwrite(es, GD(es, g)->inode_bitmap, map) == 0) {
			GD(es, g)->free_inodes_count++;
			if (dir && GD(es, g)->used_dirs_count)
				GD(es, g)->used_dirs_count--;
			es->s.free_inodes_count++;
			write_gd(es, g);
		}
	}
	kfree(map);
}
