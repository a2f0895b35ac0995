/*
 * Block devices. A block device moves 512-byte sectors between kernel
 * memory and somewhere (for ubd, host files); requests sleep until the
 * host I/O thread completes them, so other tasks run meanwhile.
 */
#ifndef BLKDEV_H
#define BLKDEV_H

#include "host.h"
#include "types.h"

#define SECTOR_SIZE 512
#define BLK_READ HOST_IO_READ
#define BLK_WRITE HOST_IO_WRITE
#define BLK_FLUSH HOST_IO_FLUSH

struct block_device;

struct blk_ops {
	/* Reads/writes count sectors at sector, or flushes (count 0). */
	int (*rw)(struct block_device *bd, int op, u64 sector, u32 count, void *buf);
};

struct block_device {
	char name[16];            /* "ubda", "ubda1" */
	u32 dev;                  /* MKDEV(major, minor) */
	u64 nr_sectors;
	bool readonly;
	const struct blk_ops *ops;
	void *priv;
	struct block_device *whole; /* the disk of a partition, else itself */
	u64 start;                /* first sector within the whole disk */
	int openers;              /* open files and mounts */
	/* What /proc/diskstats counts: requests, sectors and milliseconds
	 * spent, for reads [0] and writes [1]; flushes. A partition's I/O
	 * counts on the disk too. */
	struct {
		u64 ios[2], sectors[2], ns[2];
		u64 flushes, flush_ns, busy_ns;
	} stats;
};

int blk_register(struct block_device *bd);
void blk_unregister(struct block_device *bd);
struct block_device *blk_by_dev(u32 dev);
struct block_device *blk_by_name(const char *name);
/* Sector I/O on a device or partition; sleeps until done. */
int blk_io(struct block_device *bd, int op, u64 sector, u32 count, void *buf);
/* Runs a batch of host operations and sleeps until it completes. */
int blk_run(struct host_io *ops, int n);
void blk_init(void);
/* /proc/partitions, /proc/diskstats. */
int blk_proc_partitions(char *buf, size_t len);
int blk_proc_diskstats(char *buf, size_t len);
/* Registers MBR partitions of a whole disk as <name>1..4. */
void blk_scan_partitions(struct block_device *bd);

#endif
