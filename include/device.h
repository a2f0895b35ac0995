/* The device model seen from user space (drivers/base/device.c). */
#ifndef DEVICE_H
#define DEVICE_H

#include "types.h"

struct device_info {
	const char *name;      /* /dev/<name> */
	const char *subsystem; /* "block", "mem", "tty" */
	const char *devtype;   /* "disk", "partition" or NULL */
	const char *parent;    /* the disk of a partition, or NULL */
	u32 mode;              /* S_IFBLK or S_IFCHR with permissions */
	u32 rdev;
	u64 sectors;           /* block devices: size in 512-byte sectors */
};

/* Makes the /dev node and the sysfs entries, then sends an "add" uevent. */
int device_add(const struct device_info *di);
/* device_add for a character device with no devtype or parent. */
int device_add_char(const char *name, const char *subsystem, u32 mode, u32 rdev);
/* Removes them and sends a "remove" uevent. */
void device_del(const struct device_info *di);

/* The hotplug helper (/proc/sys/kernel/hotplug); empty: none. */
extern char uevent_helper[256];
extern u64 uevent_seqnum;

#endif
