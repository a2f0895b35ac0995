/* ext2 on-disk format (little-endian) and in-memory state. */
#ifndef EXT2_H
#define EXT2_H

#include "blkdev.h"
#include "fs.h"
#include "types.h"

#define EXT2_MAGIC 0xEF53
#define EXT2_ROOT_INO 2

/* Feature bits we know. */
#define EXT2_COMPAT_HAS_JOURNAL 0x0004
#define EXT2_INCOMPAT_FILETYPE 0x0002
#define EXT2_INCOMPAT_RECOVER 0x0004
#define EXT2_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT2_INCOMPAT_META_BG 0x0010
#define EXT2_INCOMPAT_EXTENTS 0x0040
#define EXT2_INCOMPAT_64BIT 0x0080
#define EXT2_INCOMPAT_FLEX_BG 0x0200
#define EXT2_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_RO_COMPAT_BTREE_DIR 0x0004
#define EXT2_RO_COMPAT_KNOWN (EXT2_RO_COMPAT_SPARSE_SUPER | EXT2_RO_COMPAT_LARGE_FILE | \
			      EXT2_RO_COMPAT_BTREE_DIR)

struct ext2_super {
	u32 inodes_count, blocks_count, r_blocks_count, free_blocks_count;
	u32 free_inodes_count, first_data_block, log_block_size, log_frag_size;
	u32 blocks_per_group, frags_per_group, inodes_per_group, mtime, wtime;
	u16 mnt_count;
	s16 max_mnt_count;
	u16 magic, state, errors, minor_rev_level;
	u32 lastcheck, checkinterval, creator_os, rev_level;
	u16 def_resuid, def_resgid;
	u32 first_ino;
	u16 inode_size, block_group_nr;
	u32 feature_compat, feature_incompat, feature_ro_compat;
	u8 uuid[16];
	char volume_name[16];
	char last_mounted[64];
	u32 algorithm_usage_bitmap;
	u8 prealloc_blocks, prealloc_dir_blocks;
	u16 reserved_gdt_blocks;
	u8 journal_uuid[16];
	u32 journal_inum, journal_dev, last_orphan;
	u32 hash_seed[4];
	u8 def_hash_version, jnl_backup_type;
	u16 desc_size;
} __attribute__((packed));

#define EXT4_EXTENTS_FL 0x80000

struct ext2_group {
	u32 block_bitmap, inode_bitmap, inode_table;
	u16 free_blocks_count, free_inodes_count, used_dirs_count, pad;
	u32 reserved[3];
} __attribute__((packed));

struct ext2_inode {
	u16 mode, uid;
	u32 size, atime, ctime, mtime, dtime;
	u16 gid, links_count;
	u32 blocks, flags, osd1;
	u32 block[15];
	u32 generation, file_acl, size_high, faddr;
	u16 blocks_hi, file_acl_high, uid_high, gid_high;
	u32 reserved;
} __attribute__((packed));

struct ext2_dirent {
	u32 inode;
	u16 rec_len;
	u8 name_len, file_type;
	char name[];
} __attribute__((packed));

/* Group descriptors are desc_size apart (64 bytes with the 64bit feature;
 * our images are small enough that the high halves are zero). */
#define GD(es, g) ((struct ext2_group *)((char *)(es)->gd + (size_t)(g) * (es)->desc_size))

struct ext2_sb {
	void *bcache;             /* fs/ext2/bcache.c */
	u32 desc_size;
	struct list_head inodes;  /* in-memory inodes (ext2_inode_info.node) */
	bool super_dirty;         /* free counts changed since written */
	struct block_device *bd;
	struct ext2_super s;
	u32 block_size;
	u32 groups;
	u32 inode_size;
	u32 desc_per_block;
	struct ext2_group *gd;   /* all group descriptors */
	bool readonly;
};

/* Per-inode state. */
struct ext2_inode_info {
	u32 block[15];
	u32 flags;
	u32 dtime, generation, file_acl;
	struct list_head node;    /* in ext2_sb.inodes */
	struct inode *inode;
};

int ext2_bread(struct ext2_sb *es, u64 nr, void *buf);
int ext2_bwrite(struct ext2_sb *es, u64 nr, const void *buf);
int ext2_write_super(struct ext2_sb *es);
int ext2_bflush(struct ext2_sb *es, bool flush);
void ext2_readahead(struct ext2_sb *es, u64 first, u32 count);
void ext2_bflush_old(struct ext2_sb *es);
void ext2_bcache_free(struct ext2_sb *es);
u32 ext2_alloc_block(struct ext2_sb *es, u32 goal);
void ext2_free_block(struct ext2_sb *es, u32 block);
u32 ext2_alloc_inode(struct ext2_sb *es, u32 parent_ino, bool dir);
void ext2_free_inode(struct ext2_sb *es, u32 ino, bool dir);
struct inode *ext2_iget(struct super_block *sb, u32 ino);
struct inode *ext2_new_inode(struct inode *dir, u32 mode, u32 rdev);
int ext2_write_inode(struct inode *i);
int ext2_getpage(struct inode *i, u64 index, bool create, u64 *frame);
int ext2_truncate(struct inode *i, u64 size);
int ext2_setattr(struct dentry *d, struct iattr_k *a);
int ext2_write_end(struct inode *i, u64 pos, size_t len);
int ext2_sync_inode(struct inode *i);
void ext2_evict(struct inode *i);
extern const struct inode_ops ext2_dir_iops;
/* Sets an inode's operations from its mode. */
void ext2_set_ops(struct inode *i);

#endif
