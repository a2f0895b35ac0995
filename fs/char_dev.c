/* Character device registry: major/minor ranges to file operations. */
#include "fs.h"
#include "kerrno.h"
#include "printk.h"

#define MAX_CHRDEVS 32

static const struct chrdev *chrdevs[MAX_CHRDEVS];

int register_chrdev(const struct chrdev *c)
{
	int i;

	for (i = 0; i < MAX_CHRDEVS; i++) {
		if (!chrdevs[i]) {
			chrdevs[i] = c;
			return 0;
		}
	}
	return -ENOSPC;
}

const struct file_ops *chrdev_fops(u32 rdev)
{
	u32 ma = DEV_MAJOR(rdev), mi = DEV_MINOR(rdev);
	int i;

	for (i = 0; i < MAX_CHRDEVS && chrdevs[i]; i++) {
		const struct chrdev *c = chrdevs[i];

		if (c->major == ma && mi >= c->minor_start &&
		    mi < c->minor_start + c->minor_count)
			return c->fops;
	}
	return NULL;
}

/* For /proc/devices. */
const struct chrdev *chrdev_at(int i)
{
	return i >= 0 && i < MAX_CHRDEVS ? chrdevs[i] : NULL;
}
