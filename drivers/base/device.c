/*
 * The device model, as far as user space sees it: a device is a /dev node
 * (devtmpfs), a sysfs directory under /sys/devices/virtual with its "dev"
 * and "uevent" files, the links to it from /sys/class/<subsystem>,
 * /sys/dev/{block,char} and /sys/block, and a uevent when it comes and
 * goes. A uevent runs the hotplug helper named in /proc/sys/kernel/hotplug
 * (busybox mdev) with ACTION, DEVPATH, SUBSYSTEM, MAJOR, MINOR, DEVNAME,
 * DEVTYPE and SEQNUM in its environment, as Linux does.
 */
#include "device.h"
#include "fs.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "printk.h"
#include "umh.h"

char uevent_helper[256]; /* /proc/sys/kernel/hotplug */
u64 uevent_seqnum;

/* /devices/virtual/<subsystem>/<name>, or under the disk for a partition. */
static void devpath(const struct device_info *di, char *buf, size_t len)
{
	if (di->parent)
		scnprintf(buf, len, "/devices/virtual/%s/%s/%s", di->subsystem, di->parent, di->name);
	else
		scnprintf(buf, len, "/devices/virtual/%s/%s", di->subsystem, di->name);
}

static bool is_block(const struct device_info *di)
{
	return S_ISBLK(di->mode);
}

static void send_uevent(const char *action, const struct device_info *di, const char *dp)
{
	char vars[8][96];
	const char *envp[12], *argv[3];
	int n = 0, k;

	uevent_seqnum++;
	if (!uevent_helper[0])
		return;
	scnprintf(vars[n++], sizeof(vars[0]), "ACTION=%s", action);
	scnprintf(vars[n++], sizeof(vars[0]), "DEVPATH=%s", dp);
	scnprintf(vars[n++], sizeof(vars[0]), "SUBSYSTEM=%s", di->subsystem);
	scnprintf(vars[n++], sizeof(vars[0]), "MAJOR=%u", DEV_MAJOR(di->rdev));
	scnprintf(vars[n++], sizeof(vars[0]), "MINOR=%u", DEV_MINOR(di->rdev));
	scnprintf(vars[n++], sizeof(vars[0]), "DEVNAME=%s", di->name);
	scnprintf(vars[n++], sizeof(vars[0]), "SEQNUM=%llu", (unsigned long long)uevent_seqnum);
	if (di->devtype)
		scnprintf(vars[n++], sizeof(vars[0]), "DEVTYPE=%s", di->devtype);
	envp[0] = "HOME=/";
	envp[1] = "PATH=/sbin:/bin:/usr/sbin:/usr/bin";
	for (k = 0; k < n; k++)
		envp[2 + k] = vars[k];
	envp[2 + n] = NULL;
	argv[0] = uevent_helper;
	argv[1] = di->subsystem;
	argv[2] = NULL;
	if (call_usermodehelper(argv, envp) < 0)
		printk(KERN_WARNING "uevent: cannot start %s\n", uevent_helper);
}

int device_add(const struct device_info *di)
{
	const char *kind = is_block(di) ? "block" : "char";
	char dp[160], path[200], text[160];
	int rc;

	rc = devtmpfs_create(di->name, di->mode, di->rdev);
	if (rc < 0 && rc != -EEXIST)
		return rc;
	devpath(di, dp, sizeof(dp));
	scnprintf(path, sizeof(path), "%s/dev", dp + 1);
	scnprintf(text, sizeof(text), "%u:%u\n", DEV_MAJOR(di->rdev), DEV_MINOR(di->rdev));
	sysfs_add_file(path, text);
	scnprintf(path, sizeof(path), "%s/uevent", dp + 1);
	scnprintf(text, sizeof(text), "MAJOR=%u\nMINOR=%u\nDEVNAME=%s\n%s%s%s",
		  DEV_MAJOR(di->rdev), DEV_MINOR(di->rdev), di->name, di->devtype ? "DEVTYPE=" : "",
		  di->devtype ? di->devtype : "", di->devtype ? "\n" : "");
	sysfs_add_file(path, text);
	if (is_block(di)) {
		scnprintf(path, sizeof(path), "%s/size", dp + 1);
		scnprintf(text, sizeof(text), "%llu\n", (unsigned long long)di->sectors);
		sysfs_add_file(path, text);
	}
	/* The links every tool looks through: class, dev number, /sys/block. */
	scnprintf(path, sizeof(path), "class/%s/%s", di->subsystem, di->name);
	scnprintf(text, sizeof(text), "../../%s", dp + 1);
	sysfs_add_link(path, text);
	scnprintf(path, sizeof(path), "dev/%s/%u:%u", kind, DEV_MAJOR(di->rdev), DEV_MINOR(di->rdev));
	sysfs_add_link(path, text);
	if (is_block(di) && !di->parent) {
		scnprintf(path, sizeof(path), "block/%s", di->name);
		scnprintf(text, sizeof(text), "../%s", dp + 1);
		sysfs_add_link(path, text);
	}
	send_uevent("add", di, dp);
	return 0;
}

int device_add_char(const char *name, const char *subsystem, u32 mode, u32 rdev)
{
	struct device_info di = { .name = name, .subsystem = subsystem,
				  .mode = S_IFCHR | mode, .rdev = rdev };

	return device_add(&di);
}

void device_del(const struct device_info *di)
{
	char dp[160], path[200];

	devpath(di, dp, sizeof(dp));
	scnprintf(path, sizeof(path), "class/%s/%s", di->subsystem, di->name);
	sysfs_remove(path);
	scnprintf(path, sizeof(path), "dev/%s/%u:%u", is_block(di) ? "block" : "char",
		  DEV_MAJOR(di->rdev), DEV_MINOR(di->rdev));
	sysfs_remove(path);
	if (is_block(di) && !di->parent) {
		scnprintf(path, sizeof(path), "block/%s", di->name);
		sysfs_remove(path);
	}
	sysfs_remove(dp + 1);
	devtmpfs_remove(di->name);
	send_uevent("remove", di, dp);
}
