/*
 * The block layer: device registry, request completion (an interrupt from
 * the host I/O thread), block special files, MBR partitions and
 * /proc/partitions.
 */
#include <linux/fs.h>

#include "blkdev.h"
#include "device.h"
#include "fs.h"
#include "host.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "task.h"
#include "timer.h"

#define MAX_BLKDEVS 80

static struct block_device *devs[MAX_BLKDEVS];
static struct irq_source blk_irq;

struct completion {
	bool done;
	struct task *task;
};

static void blk_complete(struct irq_source *src)
{
	u64 tokens[32];
	int n, i;

	while ((n = host_blkio_reap(tokens, 32)) > 0) {
		for (i = 0; i < n; i++) {
			struct completion *c = (struct completion *)(uintptr_t)tokens[i];

			c->done = true;
			if (c->task)
				wake_up_task_force(c->task);
		}
		if (n < 32)
			break;
	}
}

void blk_init(void)
{
	int fd = host_blkio_init();

	if (fd < 0)
		panic("cannot start the block I/O thread: %d", fd);
	blk_irq.fd = fd;
	blk_irq.handler = blk_complete;
	if (irq_register(&blk_irq) < 0)
		panic("cannot watch block I/O completions");
}

int blk_run(struct host_io *ops, int n)
{
	struct completion c = { .done = false, .task = current };
	int rc, i;

	rc = host_blkio_submit(ops, n, (u64)(uintptr_t)&c);
	if (rc < 0)
		return rc;
	while (!c.done) {
		if (current && current->kstack) {
			current->state = TASK_UNINTERRUPTIBLE;
			current->wchan = "blk_io";
			schedule();
			current->wchan = NULL;
		} else {
			/* Boot context: no scheduler yet; wait for the interrupt. */
			c.task = NULL;
			irq_wait_idle();
		}
	}
	for (i = 0; i < n; i++)
		if (ops[i].result < 0)
			return ops[i].result;
	return 0;
}

static void account(struct block_device *bd, int op, u32 count, u64 ns)
{
	if (op == BLK_FLUSH) {
		bd->stats.flushes++;
		bd->stats.flush_ns += ns;
	} else {
		int w = op == BLK_WRITE;

		bd->stats.ios[w]++;
		bd->stats.sectors[w] += count;
		bd->stats.ns[w] += ns;
	}
	bd->stats.busy_ns += ns;
}

int blk_io(struct block_device *bd, int op, u64 sector, u32 count, void *buf)
{
	struct block_device *whole = bd->whole ? bd->whole : bd;
	u64 t0;
	int rc;

	if (op != BLK_FLUSH && (sector + count > bd->nr_sectors || sector + count < sector))
		return -EIO;
	if (op == BLK_WRITE && bd->readonly)
		return -EROFS;
	t0 = ktime_ns();
	rc = whole->ops->rw(whole, op, bd->start + sector, count, buf);
	if (rc >= 0) {
		u64 ns = ktime_ns() - t0;

		account(bd, op, count, ns);
		if (whole != bd)
			account(whole, op, count, ns);
	}
	return rc;
}

/* How the device model sees a disk or partition. */
static struct device_info blk_device_info(struct block_device *bd)
{
	bool part = bd->whole != bd;

	return (struct device_info){ .name = bd->name,
				     .subsystem = "block",
				     .devtype = part ? "partition" : "disk",
				     .parent = part ? bd->whole->name : NULL,
				     .mode = S_IFBLK | 0660,
				     .rdev = bd->dev,
				     .sectors = bd->nr_sectors };
}

int blk_register(struct block_device *bd)
{
	struct device_info di;
	int i;

	if (!bd->whole)
		bd->whole = bd;
	for (i = 0; i < MAX_BLKDEVS; i++) {
		if (!devs[i]) {
			devs[i] = bd;
			di = blk_device_info(bd);
			device_add(&di);
			return 0;
		}
	}
	return -ENOSPC;
}

void blk_unregister(struct block_device *bd)
{
	struct device_info di = blk_device_info(bd);
	int i;

	for (i = 0; i < MAX_BLKDEVS; i++)
		if (devs[i] == bd)
			devs[i] = NULL;
	device_del(&di);
}

struct block_device *blk_by_dev(u32 dev)
{
	int i;

	for (i = 0; i < MAX_BLKDEVS; i++)
		if (devs[i] && devs[i]->dev == dev)
			return devs[i];
	return NULL;
}

struct block_device *blk_by_name(const char *name)
{
	int i;

	for (i = 0; i < MAX_BLKDEVS; i++)
		if (devs[i] && !strcmp(devs[i]->name, name))
			return devs[i];
	return NULL;
}

int blk_proc_partitions(char *buf, size_t len)
{
	size_t pos = 0;
	int i;

	pos += (size_t)scnprintf(buf + pos, len - pos, "major minor  #blocks  name\n\n");
	for (i = 0; i < MAX_BLKDEVS; i++) {
		struct block_device *bd = devs[i];

		if (!bd)
			continue;
		pos += (size_t)scnprintf(buf + pos, len - pos, "%4u  %7u %10llu %s\n",
					 DEV_MAJOR(bd->dev), DEV_MINOR(bd->dev),
					 (unsigned long long)(bd->nr_sectors / 2), bd->name);
	}
	return (int)pos;
}

int blk_proc_diskstats(char *buf, size_t len)
{
	size_t pos = 0;
	int i;

	for (i = 0; i < MAX_BLKDEVS; i++) {
		struct block_device *bd = devs[i];
		unsigned long long ms[2];

		if (!bd)
			continue;
		ms[0] = bd->stats.ns[0] / 1000000;
		ms[1] = bd->stats.ns[1] / 1000000;
		/* Linux's 17 counters: no merges, nothing in flight, no discards. */
		pos += (size_t)scnprintf(
			buf + pos, len - pos,
			"%4u %7u %s %llu 0 %llu %llu %llu 0 %llu %llu 0 %llu %llu 0 0 0 0 %llu %llu\n",
			DEV_MAJOR(bd->dev), DEV_MINOR(bd->dev), bd->name, (unsigned long long)bd->stats.ios[0],
			(unsigned long long)bd->stats.sectors[0], ms[0], (unsigned long long)bd->stats.ios[1],
			(unsigned long long)bd->stats.sectors[1], ms[1],
			(unsigned long long)(bd->stats.busy_ns / 1000000), ms[0] + ms[1],
			(unsigned long long)bd->stats.flushes,
			(unsigned long long)(bd->stats.flush_ns / 1000000));
	}
	return (int)pos;
}

/* --- MBR partitions --- */

void blk_scan_partitions(struct block_device *bd)
{
	u8 *mbr = kmalloc(SECTOR_SIZE);
	int k;

	if (!mbr)
		return;
	if (bd->nr_sectors < 1 || blk_io(bd, BLK_READ, 0, 1, mbr) < 0 ||
	    mbr[510] != 0x55 || mbr[511] != 0xaa) {
		kfree(mbr);
		return;
	}
	for (k = 0; k < 4; k++) {
		const u8 *e = mbr + 446 + 16 * k;
		u32 start, size;
		struct block_device *p;

		memcpy(&start, e + 8, 4);
		memcpy(&size, e + 12, 4);
		if (!e[4] || !size || e[4] == 0x05 || e[4] == 0x0f || e[4] == 0x85)
			continue; /* empty or extended */
		if ((u64)start + size > bd->nr_sectors)
			continue;
		p = kzalloc(sizeof(*p));
		if (!p)
			break;
		scnprintf(p->name, sizeof(p->name), "%s%d", bd->name, k + 1);
		p->dev = bd->dev + (u32)(k + 1);
		p->nr_sectors = size;
		p->start = start;
		p->readonly = bd->readonly;
		p->whole = bd;
		p->ops = bd->ops;
		blk_register(p);
	}
	kfree(mbr);
}

/* --- block special files: uncached sector I/O through a bounce buffer --- */

#define BOUNCE (64 * 1024)

static struct block_device *file_bdev(struct file *f)
{
	return f->priv;
}

static int bdev_open(struct inode *i, struct file *f)
{
	struct block_device *bd = blk_by_dev(i->rdev);

	if (!bd)
		return -ENXIO;
	if ((f->mode & FMODE_WRITE) && bd->readonly)
		return -EROFS;
	f->priv = bd;
	bd->openers++;
	return 0;
}

static void bdev_release(struct file *f)
{
	struct block_device *bd = file_bdev(f);

	if (bd)
		bd->openers--;
}

static ssize_t bdev_rw(struct file *f, struct uio *u, u64 *pos, bool write)
{
	struct block_device *bd = file_bdev(f);
	u64 size = bd->nr_sectors * SECTOR_SIZE;
	char *buf;
	ssize_t done = 0;

	if (*pos >= size)
		return write && u->resid ? -ENOSPC : 0;
	buf = kmalloc(BOUNCE);
	if (!buf)
		return -ENOMEM;
	while (u->resid > 0 && *pos < size) {
		u64 first = *pos / SECTOR_SIZE, off = *pos % SECTOR_SIZE;
		size_t n = MIN(u->resid, (size_t)(size - *pos));
		u32 count;
		long c;
		int rc;

		n = MIN(n, BOUNCE - off);
		count = (u32)((off + n + SECTOR_SIZE - 1) / SECTOR_SIZE);
		if (!write || off || (n % SECTOR_SIZE)) {
			rc = blk_io(bd, BLK_READ, first, count, buf);
			if (rc < 0) {
				done = done ? done : rc;
				break;
			}
		}
		if (write)
			c = uio_copy_from(u, buf + off, n);
		else
			c = uio_copy_to(u, buf + off, n);
		if (c <= 0) {
			done = done ? done : (c < 0 ? c : -EFAULT);
			break;
		}
		if (write) {
			count = (u32)((off + (size_t)c + SECTOR_SIZE - 1) / SECTOR_SIZE);
			rc = blk_io(bd, BLK_WRITE, first, count, buf);
			if (rc < 0) {
				done = done ? done : rc;
				break;
			}
		}
		done += c;
		*pos += (u64)c;
	}
	kfree(buf);
	return done;
}

static ssize_t bdev_read(struct file *f, struct uio *u, u64 *pos)
{
	return bdev_rw(f, u, pos, false);
}

static ssize_t bdev_write(struct file *f, struct uio *u, u64 *pos)
{
	return bdev_rw(f, u, pos, true);
}

static s64 bdev_llseek(struct file *f, s64 off, int whence)
{
	struct block_device *bd = file_bdev(f);
	s64 base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (s64)f->pos :
		   whence == SEEK_END ? (s64)(bd->nr_sectors * SECTOR_SIZE) : -1;

	if (base < 0 || base + off < 0)
		return -EINVAL;
	f->pos = (u64)(base + off);
	return (s64)f->pos;
}

static long bdev_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct block_device *bd = file_bdev(f);
	u64 bytes = bd->nr_sectors * SECTOR_SIZE;
	long v;
	int ro = bd->readonly;

	switch (cmd) {
	case BLKGETSIZE64:
		return copy_to_user(arg, &bytes, 8);
	case BLKGETSIZE:
		v = (long)bd->nr_sectors;
		return copy_to_user(arg, &v, sizeof(v));
	case BLKSSZGET:
	case BLKBSZGET: {
		int s = cmd == BLKSSZGET ? SECTOR_SIZE : 4096;

		return copy_to_user(arg, &s, sizeof(s));
	}
	case BLKROGET:
		return copy_to_user(arg, &ro, sizeof(ro));
	case BLKFLSBUF:
	case BLKRRPART:
		return 0;
	default:
		return -ENOTTY;
	}
}

static int bdev_fsync(struct file *f)
{
	return blk_io(file_bdev(f), BLK_FLUSH, 0, 0, NULL);
}

const struct file_ops blkdev_fops = {
	.open = bdev_open,
	.release = bdev_release,
	.read = bdev_read,
	.write = bdev_write,
	.llseek = bdev_llseek,
	.ioctl = bdev_ioctl,
	.fsync = bdev_fsync,
};
