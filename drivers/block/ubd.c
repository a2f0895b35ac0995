/*
 * ubd: UML's block device over host files. ubd<N><flags>=<file> or
 * =<cow>,<backing>; N is 0-15 or a-p; flags r (read-only), s (synchronous),
 * d (data only: no COW detection), c (shared: no host locking), t (no
 * trim). Disks are major 98 with 16 minors each (ubda 98:0, ubdb 98:16).
 *
 * With a COW file, sectors whose bitmap bit is set live in the COW file's
 * data area; the others are read from the read-only backing file. The
 * format is UML's (see drivers/block/cow.c and REFERENCE.md).
 */
#include <linux/fcntl.h>

#include "blkdev.h"
#include "cow.h"
#include "fs.h"
#include "host.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"

#define UBD_MAJOR 98
#define MAX_UBD 16
#define MAX_RUNS 64

struct ubd {
	struct block_device bd;
	char spec[512];          /* as given, for mconsole's "config ubdX" */
	int fd;                  /* the image, or the COW file */
	int backing_fd;          /* -1 without COW */
	struct cow_header cow;   /* valid when backing_fd >= 0 */
	u8 *bitmap;              /* COW bitmap, bitmap_len bytes */
	bool sync, shared;
};

static struct ubd *ubds[MAX_UBD];

static int ubd_rw(struct block_device *bd, int op, u64 sector, u32 count, void *buf)
{
	struct ubd *u = bd->priv;
	struct host_io ops[MAX_RUNS + 1];
	int n = 0, rc;

	if (op == BLK_FLUSH) {
		ops[0] = (struct host_io){ .op = HOST_IO_FLUSH, .fd = u->fd };
		return blk_run(ops, 1);
	}
	if (u->backing_fd < 0) {
		ops[0] = (struct host_io){ .op = op, .fd = u->fd, .off = sector * SECTOR_SIZE,
					   .len = (size_t)count * SECTOR_SIZE, .buf = buf };
		return blk_run(ops, 1);
	}
	if (op == BLK_WRITE) {
		u64 s, first = sector / 8, last = (sector + count - 1) / 8;

		ops[n++] = (struct host_io){ .op = HOST_IO_WRITE, .fd = u->fd,
					     .off = u->cow.data_offset + sector * SECTOR_SIZE,
					     .len = (size_t)count * SECTOR_SIZE, .buf = buf };
		for (s = sector; s < sector + count; s++)
			cow_sector_set(u->bitmap, s);
		/* The bitmap bytes go to disk after the data they describe. */
		ops[n++] = (struct host_io){ .op = HOST_IO_WRITE, .fd = u->fd,
					     .off = u->cow.bitmap_offset + first,
					     .len = (size_t)(last - first + 1),
					     .buf = u->bitmap + first };
		return blk_run(ops, n);
	}
	/* Reads: runs of sectors from the COW file or the backing file. */
	while (count > 0) {
		bool in_cow = cow_sector_present(u->bitmap, sector);
		u32 run = 1;

		while (run < count && cow_sector_present(u->bitmap, sector + run) == in_cow)
			run++;
		ops[n++] = (struct host_io){
			.op = HOST_IO_READ,
			.fd = in_cow ? u->fd : u->backing_fd,
			.off = (in_cow ? u->cow.data_offset : 0) + sector * SECTOR_SIZE,
			.len = (size_t)run * SECTOR_SIZE,
			.buf = buf,
		};
		sector += run;
		count -= run;
		buf = (char *)buf + (size_t)run * SECTOR_SIZE;
		if (n == MAX_RUNS && count > 0) {
			rc = blk_run(ops, n);
			if (rc < 0)
				return rc;
			n = 0;
		}
	}
	return n ? blk_run(ops, n) : 0;
}

static const struct blk_ops ubd_ops = { .rw = ubd_rw };

/* Reads len bytes at off of fd at boot (through the I/O thread). */
static int read_at(int fd, u64 off, void *buf, size_t len)
{
	struct host_io op = { .op = HOST_IO_READ, .fd = fd, .off = off, .len = len, .buf = buf };

	return blk_run(&op, 1);
}

static int write_at(int fd, u64 off, void *buf, size_t len)
{
	struct host_io op = { .op = HOST_IO_WRITE, .fd = fd, .off = off, .len = len, .buf = buf };

	return blk_run(&op, 1);
}

/* Parses "ubd<N><flags>" into the unit number and flags. */
static int parse_name(const char *key, size_t klen, int *unit, char *flags, size_t flen)
{
	size_t i = 3, f = 0;

	if (klen < 4 || strncmp(key, "ubd", 3))
		return -EINVAL;
	if (key[i] >= 'a' && key[i] <= 'p') {
		*unit = key[i++] - 'a';
	} else if (key[i] >= '0' && key[i] <= '9') {
		*unit = key[i++] - '0';
		if (i < klen && key[i] >= '0' && key[i] <= '9')
			*unit = *unit * 10 + (key[i++] - '0');
		if (*unit >= MAX_UBD)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	for (; i < klen; i++) {
		if (!strchr("rsdct", key[i]) || f + 1 >= flen)
			return -EINVAL;
		flags[f++] = key[i];
	}
	flags[f] = 0;
	return 0;
}

static const char *errtext(int rc)
{
	return host_strerror(rc);
}

/* Opens (or creates) the COW file over backing and loads its bitmap. */
static int setup_cow(struct ubd *u, const char *cow_path, const char *backing,
		     bool writable, bool lock, char *err, size_t elen)
{
	u64 bsize, bmtime, csize, cmtime;
	u8 *hdr = kmalloc(8192);
	bool created = false;
	int rc;

	if (!hdr)
		return -ENOMEM;
	u->backing_fd = host_disk_open(backing, false, false, lock && !u->shared, &bsize,
				       &bmtime);
	if (u->backing_fd < 0) {
		scnprintf(err, elen, "cannot open backing file %s: %s", backing,
			  errtext(u->backing_fd));
		rc = u->backing_fd;
		goto out;
	}
	u->fd = host_disk_open(cow_path, writable, u->sync, lock && !u->shared, &csize,
			       &cmtime);
	if (u->fd == -ENOENT && backing) {
		/* A missing COW file is created, sparse, as UML does. */
		memset(&u->cow, 0, sizeof(u->cow));
		u->cow.version = 3;
		u->cow.backing_size = bsize;
		u->cow.mtime = bmtime;
		u->cow.sectorsize = SECTOR_SIZE;
		u->cow.alignment = 4096;
		u->cow.cow_format = 0;
		if (host_realpath(backing, u->cow.backing, sizeof(u->cow.backing)) < 0)
			strlcpy(u->cow.backing, backing, sizeof(u->cow.backing));
		cow_layout(&u->cow);
		rc = host_disk_create(cow_path, u->cow.data_offset + bsize);
		if (rc < 0) {
			scnprintf(err, elen, "cannot create COW file %s: %s", cow_path,
				  errtext(rc));
			goto out;
		}
		u->fd = host_disk_open(cow_path, writable, u->sync, lock && !u->shared,
				       &csize, &cmtime);
		created = true;
	}
	if (u->fd < 0) {
		rc = u->fd;
		scnprintf(err, elen, rc == -EBUSY ?
			  "COW file %s is in use by another instance (locked)" :
			  "cannot open COW file %s: %s", cow_path, errtext(rc));
		goto out;
	}
	if (created) {
		memset(hdr, 0, 8192);
		if (!cow_header_encode_v3(&u->cow, hdr, 8192) ||
		    (rc = write_at(u->fd, 0, hdr, 4128)) < 0) {
			scnprintf(err, elen, "cannot write COW header to %s", cow_path);
			rc = -EIO;
			goto out;
		}
	} else {
		rc = read_at(u->fd, 0, hdr, 8192);
		if (rc < 0 || cow_header_decode(hdr, 8192, &u->cow) < 0) {
			scnprintf(err, elen, "%s is not a valid COW file (bad header)", cow_path);
			rc = -EINVAL;
			goto out;
		}
		if (u->cow.sectorsize != SECTOR_SIZE) {
			scnprintf(err, elen, "COW file %s has %u-byte sectors; only 512 is supported",
				  cow_path, u->cow.sectorsize);
			rc = -EINVAL;
			goto out;
		}
		if (u->cow.backing_size != bsize) {
			scnprintf(err, elen, "size mismatch (%llu vs %llu) of COW file %s and backing file %s",
				  (unsigned long long)u->cow.backing_size,
				  (unsigned long long)bsize, cow_path, backing);
			rc = -EINVAL;
			goto out;
		}
		if (u->cow.mtime != (bmtime & 0xffffffffULL) && u->cow.mtime != bmtime) {
			scnprintf(err, elen, "mtime mismatch (%llu vs %llu) of COW file %s and backing file %s",
				  (unsigned long long)u->cow.mtime, (unsigned long long)bmtime,
				  cow_path, backing);
			rc = -EINVAL;
			goto out;
		}
	}
	u->bitmap = kzalloc(u->cow.bitmap_len ? u->cow.bitmap_len : 1);
	if (!u->bitmap) {
		scnprintf(err, elen, "COW bitmap of %s does not fit in memory", cow_path);
		rc = -ENOMEM;
		goto out;
	}
	if (!created) {
		rc = read_at(u->fd, u->cow.bitmap_offset, u->bitmap, u->cow.bitmap_len);
		if (rc < 0) {
			scnprintf(err, elen, "cannot read the bitmap of %s", cow_path);
			goto out;
		}
	}
	u->bd.nr_sectors = bsize / SECTOR_SIZE;
	rc = 0;
out:
	kfree(hdr);
	return rc;
}

/* "config ubdX": the specification the disk was given with. */
int ubd_query(const char *name, char *out, size_t len)
{
	int unit;
	char flags[8];

	if (parse_name(name, strlen(name), &unit, flags, sizeof(flags)) < 0)
		return -EINVAL;
	if (!ubds[unit])
		return -ENODEV;
	strlcpy(out, ubds[unit]->spec, len);
	return 0;
}

/* "remove ubdX": refused while the disk or a partition is open. */
int ubd_remove(const char *name, char *err, size_t elen)
{
	struct ubd *u;
	int unit, i;
	char flags[8], pname[16];

	if (parse_name(name, strlen(name), &unit, flags, sizeof(flags)) < 0) {
		scnprintf(err, elen, "Invalid device number '%s'", name);
		return -EINVAL;
	}
	u = ubds[unit];
	if (!u) {
		scnprintf(err, elen, "Device doesn't exist");
		return -ENODEV;
	}
	for (i = 0; i <= 4; i++) {
		struct block_device *bd;

		if (i)
			scnprintf(pname, sizeof(pname), "%s%d", u->bd.name, i);
		bd = i ? blk_by_name(pname) : &u->bd;
		if (bd && bd->openers > 0) {
			scnprintf(err, elen, "Device is currently open");
			return -EBUSY;
		}
	}
	for (i = 1; i <= 4; i++) {
		struct block_device *bd;

		scnprintf(pname, sizeof(pname), "%s%d", u->bd.name, i);
		bd = blk_by_name(pname);
		if (bd) {
			blk_unregister(bd);
			kfree(bd);
		}
	}
	blk_unregister(&u->bd);
	host_close(u->fd);
	if (u->backing_fd >= 0)
		host_close(u->backing_fd);
	kfree(u->bitmap);
	ubds[unit] = NULL;
	kfree(u);
	printk(KERN_INFO "%s: removed\n", name);
	return 0;
}

int ubd_setup(const char *arg, char *err, size_t elen)
{
	const char *eq = strchr(arg, '=');
	char flags[8], path[512], *comma;
	struct ubd *u;
	int unit, rc;
	bool writable, lock;
	u64 size, mtime;

	if (!eq || parse_name(arg, (size_t)(eq - arg), &unit, flags, sizeof(flags)) < 0) {
		scnprintf(err, elen, "%s: expected ubd<0-15 or a-p><flags rsdct>=<file>[,<backing>]",
			  arg);
		return -EINVAL;
	}
	if (!eq[1]) {
		scnprintf(err, elen, "%s: no file given", arg);
		return -EINVAL;
	}
	if (ubds[unit]) {
		scnprintf(err, elen, "%s: ubd%c is already configured", arg, 'a' + unit);
		return -EBUSY;
	}
	u = kzalloc(sizeof(*u));
	if (!u)
		return -ENOMEM;
	strlcpy(u->spec, eq + 1, sizeof(u->spec));
	strlcpy(path, eq + 1, sizeof(path));
	u->backing_fd = -1;
	u->sync = strchr(flags, 's') != NULL;
	u->shared = strchr(flags, 'c') != NULL;
	writable = !strchr(flags, 'r');
	lock = true;
	comma = strchr(path, ',');
	if (comma) {
		*comma = 0;
		rc = setup_cow(u, path, comma + 1, writable, lock, err, elen);
	} else {
		u->fd = host_disk_open(path, writable, u->sync, lock && !u->shared, &size,
				       &mtime);
		if (u->fd == -EACCES || u->fd == -EROFS) {
			/* An image we may not write is used read-only. */
			writable = false;
			u->fd = host_disk_open(path, false, u->sync, lock && !u->shared, &size,
					       &mtime);
		}
		if (u->fd < 0) {
			rc = u->fd;
			scnprintf(err, elen, rc == -EBUSY ?
				  "%s is in use by another instance (locked)" :
				  "cannot open %s: %s", path, errtext(rc));
		} else {
			size_t hlen = (size_t)MIN(size, (u64)COW_HEADER_MAX);
			u8 *hdr = kmalloc(COW_HEADER_MAX);

			rc = 0;
			u->bd.nr_sectors = size / SECTOR_SIZE;
			/* A COW file given alone names its backing file. */
			if (hdr && !strchr(flags, 'd') && hlen >= 8 &&
			    read_at(u->fd, 0, hdr, hlen) == 0 &&
			    cow_header_decode(hdr, hlen, &u->cow) == 0) {
				char backing[4096];

				strlcpy(backing, u->cow.backing, sizeof(backing));
				host_close(u->fd);
				rc = setup_cow(u, path, backing, writable, lock, err, elen);
			}
			kfree(hdr);
		}
	}
	if (rc < 0) {
		if (u->fd > 0)
			host_close(u->fd);
		if (u->backing_fd > 0)
			host_close(u->backing_fd);
		kfree(u->bitmap);
		kfree(u);
		return rc;
	}
	scnprintf(u->bd.name, sizeof(u->bd.name), "ubd%c", 'a' + unit);
	u->bd.dev = MKDEV(UBD_MAJOR, (u32)unit * 16);
	u->bd.readonly = !writable;
	u->bd.ops = &ubd_ops;
	u->bd.priv = u;
	ubds[unit] = u;
	blk_register(&u->bd);
	blk_scan_partitions(&u->bd);
	printk(KERN_INFO "%s: %s, %llu sectors%s%s\n", u->bd.name, u->spec,
	       (unsigned long long)u->bd.nr_sectors, u->backing_fd >= 0 ? ", COW" : "",
	       writable ? "" : ", read-only");
	return 0;
}
