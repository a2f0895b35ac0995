/*
 * ext2: mounting (superblock and group descriptors, feature checks) and
 * the block reads everything else builds on. Read-only for now: writing
 * (allocation, bitmaps, fsck-clean metadata) is the next step.
 */
#include <linux/magic.h>
#include <linux/mount.h>

#include "ext2.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "timer.h"

int ext2_read_root(struct super_block *sb);
static void mark_mounted(struct ext2_sb *es);

/* The block device a mount's source names: /dev/<name> or a device node. */
static struct block_device *source_device(const char *dev)
{
	struct nameidata nd;
	struct block_device *bd = NULL;

	if (!dev)
		return NULL;
	if (!strncmp(dev, "/dev/", 5) && (bd = blk_by_name(dev + 5)) != NULL)
		return bd;
	if (path_lookup_at(AT_FDCWD, dev, LOOKUP_FOLLOW, &nd) == 0) {
		struct inode *i = nd.path.dentry->inode;

		if (S_ISBLK(i->mode))
			bd = blk_by_dev(i->rdev);
		path_put(&nd.path);
	}
	return bd;
}

static int check_features(struct ext2_sb *es, const char *dev)
{
	u32 inc = es->s.feature_incompat;
	u32 known = EXT2_INCOMPAT_FILETYPE | EXT2_INCOMPAT_FLEX_BG | EXT2_INCOMPAT_EXTENTS |
		    EXT2_INCOMPAT_64BIT;

	if (es->s.rev_level == 0)
		return 0;
	if (inc & EXT2_INCOMPAT_RECOVER) {
		printk(KERN_ERR "ext2: %s needs journal recovery; refusing to mount\n", dev);
		return -EINVAL;
	}
	if (inc & EXT2_INCOMPAT_JOURNAL_DEV) {
		printk(KERN_ERR "ext2: %s is an external journal, not a filesystem\n", dev);
		return -EINVAL;
	}
	if (inc & EXT2_INCOMPAT_META_BG) {
		printk(KERN_ERR "ext2: %s: unsupported feature meta_bg\n", dev);
		return -EINVAL;
	}
	if (inc & ~known) {
		printk(KERN_ERR "ext2: %s: unsupported incompatible features 0x%x\n", dev,
		       inc & ~known);
		return -EINVAL;
	}
	return 0;
}

static int ext2_mount(struct super_block *sb, const char *dev, const char *opts)
{
	struct block_device *bd = source_device(dev);
	struct ext2_sb *es;
	u8 *buf;
	u32 gd_blocks, b;
	int rc;

	if (!bd)
		return -ENOTBLK;
	es = kzalloc(sizeof(*es));
	buf = kmalloc(4096);
	if (!es || !buf) {
		rc = -ENOMEM;
		goto fail;
	}
	es->bd = bd;
	/* stat's st_dev names the disk, as on Linux: Debian's checkroot.sh
	 * makes /run/rootdev from it to fsck the root. */
	sb->dev = bd->dev;
	rc = blk_io(bd, BLK_READ, 2, 2, buf);
	if (rc < 0)
		goto fail;
	memcpy(&es->s, buf, sizeof(es->s));
	if (es->s.magic != EXT2_MAGIC) {
		printk(KERN_ERR "ext2: %s: no ext2 superblock\n", dev);
		rc = -EINVAL;
		goto fail;
	}
	rc = check_features(es, dev);
	if (rc < 0)
		goto fail;
	if (es->s.log_block_size > 2 || !es->s.blocks_per_group || !es->s.inodes_per_group) {
		printk(KERN_ERR "ext2: %s: corrupt superblock\n", dev);
		rc = -EINVAL;
		goto fail;
	}
	es->block_size = 1024u << es->s.log_block_size;
	es->inode_size = es->s.rev_level ? es->s.inode_size : 128;
	if (es->inode_size < 128 || es->inode_size > es->block_size ||
	    (es->inode_size & (es->inode_size - 1))) {
		printk(KERN_ERR "ext2: %s: bad inode size %u\n", dev, es->inode_size);
		rc = -EINVAL;
		goto fail;
	}
	es->desc_size = (es->s.feature_incompat & EXT2_INCOMPAT_64BIT) && es->s.desc_size >= 32 ?
				es->s.desc_size : 32;
	if (es->desc_size > 1024 || (es->desc_size & (es->desc_size - 1))) {
		printk(KERN_ERR "ext2: %s: bad group descriptor size %u\n", dev, es->desc_size);
		rc = -EINVAL;
		goto fail;
	}
	es->groups = (es->s.blocks_count - es->s.first_data_block + es->s.blocks_per_group - 1) /
		     es->s.blocks_per_group;
	es->desc_per_block = es->block_size / es->desc_size;
	gd_blocks = (es->groups + es->desc_per_block - 1) / es->desc_per_block;
	if (!es->groups || (u64)es->s.blocks_count * (es->block_size / SECTOR_SIZE) >
				   bd->nr_sectors) {
		printk(KERN_ERR "ext2: %s: filesystem larger than the device (truncated image?)\n",
		       dev);
		rc = -EINVAL;
		goto fail;
	}
	es->gd = kmalloc((size_t)gd_blocks * es->block_size);
	if (!es->gd) {
		rc = -ENOMEM;
		goto fail;
	}
	for (b = 0; b < gd_blocks; b++) {
		rc = ext2_bread(es, es->s.first_data_block + 1 + b,
				(char *)es->gd + (size_t)b * es->block_size);
		if (rc < 0)
			goto fail;
	}
	es->readonly = (sb->flags & MS_RDONLY) || bd->readonly;
	if (!es->readonly && ((es->s.feature_ro_compat & ~EXT2_RO_COMPAT_KNOWN) ||
			      (es->s.feature_incompat & (EXT2_INCOMPAT_EXTENTS |
							 EXT2_INCOMPAT_64BIT)))) {
		/* ext4 images are readable, not writable: refuse rw so that
		 * mount(8) retries read-only, as it does for such devices. */
		printk(KERN_WARNING "ext2: %s: ext4 features (incompat 0x%x, ro_compat 0x%x) "
		       "can only be mounted read-only\n", dev, es->s.feature_incompat,
		       es->s.feature_ro_compat);
		rc = -EROFS;
		goto fail;
	}
	if (es->readonly)
		sb->flags |= MS_RDONLY;
	sb->priv = es;
	sb->magic = EXT2_SUPER_MAGIC;
	rc = ext2_read_root(sb);
	if (rc < 0)
		goto fail;
	bd->openers++;
	kfree(buf);
	if (!es->readonly)
		mark_mounted(es);
	if (es->s.feature_compat & EXT2_COMPAT_HAS_JOURNAL)
		printk(KERN_INFO "ext2: %s: ext3 journal present and clean; mounted as ext2\n", dev);
	return 0;
fail:
	if (es)
		kfree(es->gd);
	kfree(es);
	kfree(buf);
	return rc;
}

/* A read-write mount marks the filesystem not clean until unmounted. */
static void mark_mounted(struct ext2_sb *es)
{
	es->s.state &= (u16)~1u; /* EXT2_VALID_FS */
	es->s.mnt_count++;
	es->s.mtime = (u32)(ktime_real_ns() / NSEC_PER_SEC);
	ext2_write_super(es);
	blk_io(es->bd, BLK_FLUSH, 0, 0, NULL);
}

static void mark_clean(struct ext2_sb *es)
{
	ext2_bflush(es, false);
	es->s.state |= 1;
	es->super_dirty = false;
	ext2_write_super(es);
	blk_io(es->bd, BLK_FLUSH, 0, 0, NULL);
}

static int ext2_sync_fs(struct super_block *sb)
{
	struct ext2_sb *es = sb->priv;

	if (es->readonly)
		return 0;
	if (es->super_dirty) {
		es->super_dirty = false;
		ext2_write_super(es);
	}
	return ext2_bflush(es, true);
}

static int ext2_remount(struct super_block *sb, unsigned long flags)
{
	struct ext2_sb *es = sb->priv;
	bool ro = flags & MS_RDONLY;

	if (ro && !es->readonly) {
		mark_clean(es);
		es->readonly = true;
	} else if (!ro && es->readonly) {
		if (es->bd->readonly || (es->s.feature_ro_compat & ~EXT2_RO_COMPAT_KNOWN))
			return -EROFS;
		es->readonly = false;
		mark_mounted(es);
	}
	return 0;
}

static void ext2_umount(struct super_block *sb)
{
	struct ext2_sb *es = sb->priv;

	if (!es->readonly)
		mark_clean(es);
	es->readonly = true;
	ext2_bcache_free(es);
	es->bd->openers--;
}

static u64 ext2_reclaim(struct super_block *sb, u64 want)
{
	struct ext2_sb *es = sb->priv;
	struct ext2_inode_info *ei;
	u64 freed = 0;

	list_for_each_entry(ei, &es->inodes, node) {
		if (freed >= want)
			break;
		freed += pcache_reclaim(ei->inode, want - freed);
	}
	return freed;
}

/* Does group g hold a copy of the superblock and group descriptors? */
static bool group_has_super(const struct ext2_sb *es, u32 g)
{
	static const u64 base[3] = { 3, 5, 7 };
	int k;

	if (g <= 1 || !(es->s.feature_ro_compat & EXT2_RO_COMPAT_SPARSE_SUPER))
		return true;
	for (k = 0; k < 3; k++) {
		u64 p = base[k];

		while (p < g)
			p *= base[k];
		if (p == g)
			return true;
	}
	return false;
}

/*
 * Blocks that can never hold file data: those before the first group,
 * every superblock copy with its group descriptors and the blocks
 * reserved for them to grow, and each group's two bitmaps and inode
 * table. statfs leaves them out of f_blocks, as Linux does when its ext4
 * driver mounts an ext2 image (Debian's kernels; fs/ext2 itself does not
 * count the reserved descriptor blocks).
 */
static u64 ext2_overhead(const struct ext2_sb *es)
{
	u32 gd_blocks = (es->groups + es->desc_per_block - 1) / es->desc_per_block;
	u32 itb = (es->s.inodes_per_group * es->inode_size + es->block_size - 1) / es->block_size;
	u64 n = es->s.first_data_block + (u64)es->groups * (2 + itb);
	u32 g;

	for (g = 0; g < es->groups; g++)
		if (group_has_super(es, g))
			n += 1 + gd_blocks + es->s.reserved_gdt_blocks;
	return n;
}

static int ext2_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ext2_sb *es = sb->priv;
	u64 uuid[2];

	st->type = EXT2_SUPER_MAGIC;
	st->bsize = es->block_size;
	st->frsize = es->block_size;
	st->blocks = es->s.blocks_count - ext2_overhead(es);
	st->bfree = es->s.free_blocks_count;
	st->bavail = es->s.free_blocks_count > es->s.r_blocks_count ?
			     es->s.free_blocks_count - es->s.r_blocks_count : 0;
	st->files = es->s.inodes_count;
	st->ffree = es->s.free_inodes_count;
	st->namelen = 255;
	/* The two halves of the UUID folded together, as Linux does. */
	memcpy(uuid, es->s.uuid, sizeof(uuid));
	st->fsid = uuid[0] ^ uuid[1];
	return 0;
}

static struct fs_type ext2_type = { .name = "ext2", .mount = ext2_mount,
				    .statfs = ext2_statfs, .sync_fs = ext2_sync_fs,
				    .remount = ext2_remount, .umount = ext2_umount,
				    .reclaim = ext2_reclaim };
static struct fs_type ext3_type = { .name = "ext3", .mount = ext2_mount,
				    .statfs = ext2_statfs, .sync_fs = ext2_sync_fs,
				    .remount = ext2_remount, .umount = ext2_umount,
				    .reclaim = ext2_reclaim };

static struct fs_type ext4_type = { .name = "ext4", .mount = ext2_mount,
				    .statfs = ext2_statfs, .sync_fs = ext2_sync_fs,
				    .remount = ext2_remount, .umount = ext2_umount,
				    .reclaim = ext2_reclaim };

void ext2_init(void)
{
	register_filesystem(&ext2_type);
	register_filesystem(&ext3_type);
	register_filesystem(&ext4_type);
}
