/* mount and umount2. */
#include <linux/mount.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "syscall.h"

#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 8
#endif

int user_lookup(int dirfd, u64 upath, unsigned lflags, struct nameidata *nd);

static char *user_string_or_null(u64 u, size_t max)
{
	char *s;
	long n;

	if (!u)
		return NULL;
	s = kmalloc(max);
	if (!s)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(s, u, max);
	if (n < 0) {
		if (n == -ENAMETOOLONG && max == PAGE_SIZE) {
			s[max - 1] = 0; /* options are cut at a page, as Linux */
			return s;
		}
		kfree(s);
		return ERR_PTR(n);
	}
	return s;
}

long sys_mount(u64 udev, u64 udir, u64 utype, unsigned long flags, u64 udata)
{
	char *dev = NULL, *type = NULL, *data = NULL;
	struct nameidata nd;
	long rc;

	if (current->euid != 0)
		return -EPERM;
	rc = user_lookup(AT_FDCWD, udir, LOOKUP_FOLLOW, &nd);
	if (rc < 0)
		return rc;
	dev = user_string_or_null(udev, 4096);
	type = user_string_or_null(utype, 256);
	data = user_string_or_null(udata, PAGE_SIZE);
	if (IS_ERR(dev) || IS_ERR(type) || IS_ERR(data)) {
		rc = -EFAULT;
		goto out;
	}
	rc = do_mount(dev, &nd.path, type, flags, data);
out:
	if (!IS_ERR(dev))
		kfree(dev);
	if (!IS_ERR(type))
		kfree(type);
	if (!IS_ERR(data))
		kfree(data);
	path_put(&nd.path);
	return rc;
}

long sys_umount2(u64 udir, int flags)
{
	struct nameidata nd;
	long rc;

	if (current->euid != 0)
		return -EPERM;
	rc = user_lookup(AT_FDCWD, udir,
			 (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &nd);
	if (rc < 0)
		return rc;
	rc = do_umount(&nd.path, flags);
	path_put(&nd.path);
	return rc;
}

