/* The memory character devices: null, zero, full, random, urandom, kmsg. */
#include <asm/poll.h>

#include "device.h"
#include "fs.h"
#include "host.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"
#include "printk.h"

static ssize_t null_read(struct file *f, struct uio *u, u64 *pos)
{
	return 0;
}

static ssize_t null_write(struct file *f, struct uio *u, u64 *pos)
{
	ssize_t n = (ssize_t)u->resid;

	u->resid = 0;
	return n;
}

static ssize_t zero_read(struct file *f, struct uio *u, u64 *pos)
{
	static const char zeros[512];
	ssize_t done = 0;

	while (u->resid > 0) {
		long c = uio_copy_to(u, zeros, MIN(u->resid, sizeof(zeros)));

		if (c <= 0)
			return done ? done : c;
		done += c;
	}
	return done;
}

static ssize_t full_write(struct file *f, struct uio *u, u64 *pos)
{
	return -ENOSPC;
}

static ssize_t random_read(struct file *f, struct uio *u, u64 *pos)
{
	u8 buf[256];
	ssize_t done = 0;

	while (u->resid > 0) {
		size_t n = MIN(u->resid, sizeof(buf));
		long c;

		if (host_getrandom(buf, n) < 0)
			return done ? done : -EIO;
		c = uio_copy_to(u, buf, n);
		if (c <= 0)
			return done ? done : c;
		done += c;
		if (done >= 65536 && signal_pending(current))
			break;
	}
	return done;
}

static s64 mem_llseek(struct file *f, s64 off, int whence)
{
	f->pos = 0;
	return 0;
}

static ssize_t kmsg_write(struct file *f, struct uio *u, u64 *pos)
{
	char buf[512];
	size_t n = MIN(u->resid, sizeof(buf) - 1);
	long c = uio_copy_from(u, buf, n);

	if (c < 0)
		return c;
	buf[c] = 0;
	printk("%s", buf);
	return c;
}

static const struct file_ops null_fops = { .read = null_read, .write = null_write, .llseek = mem_llseek };
static const struct file_ops zero_fops = { .read = zero_read, .write = null_write, .llseek = mem_llseek };
static const struct file_ops full_fops = { .read = zero_read, .write = full_write, .llseek = mem_llseek };
static const struct file_ops random_fops = { .read = random_read, .write = null_write, .llseek = mem_llseek };
static const struct file_ops kmsg_fops = { .read = null_read, .write = kmsg_write };

static int mem_open(struct inode *i, struct file *f)
{
	switch (DEV_MINOR(i->rdev)) {
	case 3: f->fops = &null_fops; break;
	case 5: f->fops = &zero_fops; break;
	case 7: f->fops = &full_fops; break;
	case 8:
	case 9: f->fops = &random_fops; break;
	case 11: f->fops = &kmsg_fops; break;
	default: return -ENXIO;
	}
	return 0;
}

static const struct file_ops mem_fops = { .open = mem_open };
static const struct chrdev mem_chrdev = { 1, 0, 256, "mem", &mem_fops };

void mem_devices_init(void)
{
	static const struct {
		const char *name;
		u32 minor, mode;
	} nodes[] = {
		{ "null", 3, 0666 }, { "zero", 5, 0666 }, { "full", 7, 0666 },
		{ "random", 8, 0666 }, { "urandom", 9, 0666 }, { "kmsg", 11, 0644 },
	};
	unsigned k;

	register_chrdev(&mem_chrdev);
	for (k = 0; k < ARRAY_SIZE(nodes); k++)
		device_add_char(nodes[k].name, "mem", nodes[k].mode, MKDEV(1, nodes[k].minor));
}
