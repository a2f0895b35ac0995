/*
 * Extended attributes. No filesystem here stores any, so every file has
 * none, as a Linux file with no attributes set: get and remove fail with
 * ENODATA, list returns an empty list, set fails with EOPNOTSUPP (there
 * is nowhere to keep one). The file is still looked up first, so a bad
 * path, descriptor or name gets the errno Linux gives it. Programs ask
 * for these all the time (ls -l for ACLs and SELinux labels, cp -a, tar).
 */
#include <linux/fcntl.h>
#include <linux/limits.h>
#include <linux/xattr.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "syscall.h"

int user_lookup(int dirfd, u64 upath, unsigned lflags, struct nameidata *nd);

/* The file a path names (following a last symlink or not): 0 if found. */
static long lookup(u64 upath, bool follow)
{
	struct nameidata nd;
	long rc = user_lookup(AT_FDCWD, upath, follow ? LOOKUP_FOLLOW : 0, &nd);

	if (rc < 0)
		return rc;
	path_put(&nd.path);
	return 0;
}

static long has_fd(int fd)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

/* An attribute name: 1 to XATTR_NAME_MAX bytes, in a namespace Linux knows. */
static long check_name(u64 uname)
{
	char name[XATTR_NAME_MAX + 2];
	long n = strncpy_from_user(name, uname, sizeof(name));

	if (n == -ENAMETOOLONG)
		return -ERANGE;
	if (n < 0)
		return n;
	if (n == 0 || n > XATTR_NAME_MAX)
		return -ERANGE;
	if (strncmp(name, "user.", 5) && strncmp(name, "trusted.", 8) &&
	    strncmp(name, "security.", 9) && strncmp(name, "system.", 7))
		return -EOPNOTSUPP;
	return 0;
}

static long get(long found, u64 uname)
{
	long rc = found < 0 ? found : check_name(uname);

	return rc < 0 ? rc : -ENODATA;
}

static long set(long found, u64 uname, u64 size, int flags)
{
	long rc = found < 0 ? found : check_name(uname);

	if (rc < 0)
		return rc;
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE) || size > XATTR_SIZE_MAX)
		return flags & ~(XATTR_CREATE | XATTR_REPLACE) ? -EINVAL : -E2BIG;
	/* Nothing is set, so none can be replaced. */
	return (flags & XATTR_REPLACE) ? -ENODATA : -EOPNOTSUPP;
}

long sys_getxattr(u64 upath, u64 uname, u64 uvalue, u64 size)
{
	return get(lookup(upath, true), uname);
}

long sys_lgetxattr(u64 upath, u64 uname, u64 uvalue, u64 size)
{
	return get(lookup(upath, false), uname);
}

long sys_fgetxattr(int fd, u64 uname, u64 uvalue, u64 size)
{
	return get(has_fd(fd), uname);
}

/* An empty list: its size is 0, whatever the buffer. */
long sys_listxattr(u64 upath, u64 ulist, u64 size)
{
	return lookup(upath, true);
}

long sys_llistxattr(u64 upath, u64 ulist, u64 size)
{
	return lookup(upath, false);
}

long sys_flistxattr(int fd, u64 ulist, u64 size)
{
	return has_fd(fd);
}

long sys_setxattr(u64 upath, u64 uname, u64 uvalue, u64 size, int flags)
{
	return set(lookup(upath, true), uname, size, flags);
}

long sys_lsetxattr(u64 upath, u64 uname, u64 uvalue, u64 size, int flags)
{
	return set(lookup(upath, false), uname, size, flags);
}

long sys_fsetxattr(int fd, u64 uname, u64 uvalue, u64 size, int flags)
{
	return set(has_fd(fd), uname, size, flags);
}

long sys_removexattr(u64 upath, u64 uname)
{
	return get(lookup(upath, true), uname);
}

long sys_lremovexattr(u64 upath, u64 uname)
{
	return get(lookup(upath, false), uname);
}

long sys_fremovexattr(int fd, u64 uname)
{
	return get(has_fd(fd), uname);
}
