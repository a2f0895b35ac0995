/* Opening and closing files, fd manipulation, attributes, cwd. */
#include <linux/fcntl.h>
#include <linux/ioctl.h>
#include <asm/ioctls.h>
#include <linux/time.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "locks.h"
#include "memfd.h"
#include "notify.h"
#include "mm.h"
#include "syscall.h"
#include "timer.h"

int fd_install_from(int from, struct file *f, bool cloexec);

#ifndef UTIME_NOW
#define UTIME_NOW ((1L << 30) - 1L)
#define UTIME_OMIT ((1L << 30) - 2L)
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC 4
#define CLOSE_RANGE_UNSHARE 2
#endif

static long do_open(int dirfd, u64 upath, int flags, u32 mode)
{
	char *path = user_path(upath);
	struct file *f;
	long fd;

	if (IS_ERR(path))
		return PTR_ERR(path);
	/* A 64-bit kernel opens everything large-file (F_GETFL shows it). */
	flags |= O_LARGEFILE;
	f = file_open_at(dirfd, path, flags, mode);
	kfree(path);
	if (IS_ERR(f))
		return PTR_ERR(f);
	fd = fd_install(f, (flags & O_CLOEXEC) != 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_open(u64 path, int flags, u32 mode)
{
	return do_open(AT_FDCWD, path, flags, mode);
}

long sys_openat(int dirfd, u64 path, int flags, u32 mode)
{
	return do_open(dirfd, path, flags, mode);
}

/* openat2: struct open_how, and what each RESOLVE_* bit asks of the walk. */
#define OPEN_HOW_SIZE_VER0 24
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#define RESOLVE_IN_ROOT 0x10
#define RESOLVE_CACHED 0x20
#define OPENAT2_FLAGS                                                                            \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |      \
	 FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC |       \
	 O_PATH | O_SYNC | O_TMPFILE)

long sys_openat2(int dirfd, u64 upath, u64 uhow, size_t size)
{
	struct {
		u64 flags, mode, resolve;
	} how;
	unsigned lookup = 0;
	char *path;
	struct file *f;
	long fd;
	u8 extra;
	size_t k;

	if (size < OPEN_HOW_SIZE_VER0 || size > 4096)
		return -EINVAL;
	if (copy_from_user(&how, uhow, sizeof(how)) < 0)
		return -EFAULT;
	/* A newer, bigger struct is fine if what this kernel lacks is 0. */
	for (k = sizeof(how); k < size; k++) {
		if (copy_from_user(&extra, uhow + k, 1) < 0)
			return -EFAULT;
		if (extra)
			return -E2BIG;
	}
	if ((how.flags & ~(u64)OPENAT2_FLAGS) || how.mode > 07777 ||
	    (how.mode && !(how.flags & (O_CREAT | __O_TMPFILE))) ||
	    (how.resolve & ~(u64)(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS |
				  RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED)) ||
	    ((how.resolve & RESOLVE_BENEATH) && (how.resolve & RESOLVE_IN_ROOT)))
		return -EINVAL;
	if (how.resolve & RESOLVE_NO_XDEV)
		lookup |= LOOKUP_NO_XDEV;
	if (how.resolve & RESOLVE_NO_MAGICLINKS)
		lookup |= LOOKUP_NO_MAGICLINKS;
	if (how.resolve & RESOLVE_NO_SYMLINKS)
		lookup |= LOOKUP_NO_SYMLINKS;
	if (how.resolve & RESOLVE_BENEATH)
		lookup |= LOOKUP_BENEATH;
	if (how.resolve & RESOLVE_IN_ROOT)
		lookup |= LOOKUP_IN_ROOT;
	path = user_path(upath);
	if (IS_ERR(path))
		return PTR_ERR(path);
	f = file_open_resolve(dirfd, path, (int)how.flags | O_LARGEFILE, (u32)how.mode, lookup);
	kfree(path);
	if (IS_ERR(f))
		return PTR_ERR(f);
	fd = fd_install(f, (how.flags & O_CLOEXEC) != 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_creat(u64 path, u32 mode)
{
	return do_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(int fd)
{
	return fd_close(fd);
}

long sys_close_range(unsigned first, unsigned last, unsigned flags)
{
	struct files *fs = current->files;
	unsigned fd;

	if (first > last || (flags & ~(unsigned)(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE)))
		return -EINVAL;
	for (fd = first; fd <= last && fd < (unsigned)fs->max; fd++) {
		if (!fs->fd[fd])
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC)
			fs->cloexec[fd] = 1;
		else
			fd_close((int)fd);
	}
	return 0;
}

long sys_dup(int fd)
{
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	r = fd_install(f, false);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_dup3(int old, int new, int flags)
{
	struct file *f;
	long r;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (old == new)
		return -EINVAL;
	f = fget(old);
	if (!f)
		return -EBADF;
	r = fd_install_at(new, f, (flags & O_CLOEXEC) != 0);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_dup2(int old, int new)
{
	if (old == new) {
		struct file *f = fget(old);

		if (!f)
			return -EBADF;
		file_put(f);
		return new;
	}
	return sys_dup3(old, new, 0);
}

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | O_NOATIME | FASYNC)

long sys_fcntl(int fd, int cmd, u64 arg)
{
	struct files *fs = current->files;
	struct file *f = fget(fd);
	long r = 0;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((long)arg < 0 || arg >= NR_OPEN_MAX ||
		    arg >= current->signal->rlim[RLIMIT_NOFILE].rlim_cur) {
			r = -EINVAL;
			break;
		}
		file_get(f);
		r = fd_install_from((int)arg, f, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		break;
	case F_GETFD:
		r = fs->cloexec[fd] ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		fs->cloexec[fd] = (arg & FD_CLOEXEC) != 0;
		break;
	case F_GETFL:
		r = (long)(f->flags & ~(u32)O_CLOEXEC);
		break;
	case F_SETFL:
		f->flags = (f->flags & ~(u32)SETFL_MASK) | ((u32)arg & SETFL_MASK);
		break;
	case F_GETLK:
	case F_OFD_GETLK:
		r = fcntl_getlk(f, cmd, arg);
		break;
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = fcntl_setlk(f, cmd, arg);
		break;
	case F_GETOWN:
	case F_SETOWN:
	case F_GETSIG:
	case F_SETSIG:
		r = 0;
		break;
	case F_ADD_SEALS:
	case F_GET_SEALS:
		r = memfd_fcntl_seals(f, cmd, arg);
		break;
	case F_GETPIPE_SZ:
		r = 65536;
		break;
	case F_SETPIPE_SZ:
		r = 65536;
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

long sys_ioctl(int fd, unsigned cmd, u64 arg)
{
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
		current->files->cloexec[fd] = 1;
		r = 0;
		break;
	case FIONCLEX:
		current->files->cloexec[fd] = 0;
		r = 0;
		break;
	case FIONBIO: {
		int on;

		r = copy_from_user(&on, arg, sizeof(on));
		if (r == 0) {
			if (on)
				f->flags |= O_NONBLOCK;
			else
				f->flags &= ~(u32)O_NONBLOCK;
		}
		break;
	}
	default:
		if (f->fops && f->fops->ioctl)
			r = f->fops->ioctl(f, cmd, arg);
		else
			r = -ENOTTY;
	}
	file_put(f);
	return r;
}

/* Resolves a user path (or an empty path with AT_EMPTY_PATH) to nd. */
int user_lookup(int dirfd, u64 upath, unsigned lflags, struct nameidata *nd)
{
	char *path = user_path(upath);
	int rc;

	if (IS_ERR(path))
		return (int)PTR_ERR(path);
	rc = path_lookup_at(dirfd, path, lflags, nd);
	kfree(path);
	return rc;
}

static long do_access(int dirfd, u64 upath, int mode, int flags)
{
	struct nameidata nd;
	int rc;

	if (mode & ~7)
		return -EINVAL;
	rc = user_lookup(dirfd, upath,
			 ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				 ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			 &nd);
	if (rc < 0)
		return rc;
	if (mode)
		rc = inode_permission(nd.path.dentry->inode, mode);
	if (rc == 0 && (mode & 2) && (nd.path.mnt->flags & 1))
		rc = -EROFS;
	path_put(&nd.path);
	return rc;
}

long sys_access(u64 path, int mode)
{
	return do_access(AT_FDCWD, path, mode, 0);
}

long sys_faccessat(int dirfd, u64 path, int mode)
{
	return do_access(dirfd, path, mode, 0);
}

long sys_faccessat2(int dirfd, u64 path, int mode, int flags)
{
	return do_access(dirfd, path, mode, flags);
}

static long set_cwd(struct path_ref *p, bool root)
{
	struct fs_struct *fs = current->fs;
	int rc;

	if (!S_ISDIR(p->dentry->inode->mode))
		return -ENOTDIR;
	rc = inode_permission(p->dentry->inode, 1);
	if (rc < 0)
		return rc;
	path_get(p);
	if (root) {
		path_put(&fs->root);
		fs->root = *p;
	} else {
		path_put(&fs->cwd);
		fs->cwd = *p;
	}
	return 0;
}

long sys_chdir(u64 upath)
{
	struct nameidata nd;
	long rc = user_lookup(AT_FDCWD, upath, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &nd);

	if (rc < 0)
		return rc;
	rc = set_cwd(&nd.path, false);
	path_put(&nd.path);
	return rc;
}

long sys_chroot(u64 upath)
{
	struct nameidata nd;
	long rc;

	if (current->euid != 0)
		return -EPERM;
	rc = user_lookup(AT_FDCWD, upath, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &nd);
	if (rc < 0)
		return rc;
	rc = set_cwd(&nd.path, true);
	path_put(&nd.path);
	return rc;
}

long sys_fchdir(int fd)
{
	struct file *f = fget(fd);
	long rc;

	if (!f)
		return -EBADF;
	rc = f->path.dentry ? set_cwd(&f->path, false) : -ENOTDIR;
	file_put(f);
	return rc;
}

long sys_getcwd(u64 ubuf, size_t size)
{
	char *buf = kmalloc(4096);
	int n;
	long rc;

	if (!buf)
		return -ENOMEM;
	{
		struct dentry *d = current->fs->cwd.dentry;

		/* A removed working directory has no name left. */
		if (!d->hashed && d != current->fs->cwd.mnt->root) {
			kfree(buf);
			return -ENOENT;
		}
	}
	n = path_name(&current->fs->cwd, &current->fs->root, buf, 4096);
	if (n < 0) {
		rc = n;
	} else if ((size_t)n + 1 > size) {
		rc = -ERANGE;
	} else {
		rc = copy_to_user(ubuf, buf, (size_t)n + 1);
		if (rc == 0)
			rc = n + 1;
	}
	kfree(buf);
	return rc;
}

long sys_umask(u32 mask)
{
	u32 old = current->fs->umask;

	current->fs->umask = mask & 0777;
	return old;
}

static long setattr_path(struct path_ref *p, struct iattr_k *a)
{
	struct inode *i = p->dentry->inode;
	int rc;

	if (p->mnt->flags & 1)
		return -EROFS;
	if ((a->valid & ATTR_SIZE) && (rc = seals_check_size(i, a->size)) < 0)
		return rc;
	if ((a->valid & (ATTR_MODE | ATTR_UID | ATTR_GID)) && current->fsuid != 0 &&
	    current->fsuid != i->uid)
		return -EPERM;
	if (!i->iops || !i->iops->setattr) {
		setattr_copy(i, a);
		rc = 0;
	} else {
		rc = i->iops->setattr(p->dentry, a);
	}
	if (rc == 0)
		fsnotify_change(p->dentry, a->valid);
	return rc;
}

static long path_setattr(int dirfd, u64 upath, unsigned lflags, struct iattr_k *a)
{
	struct nameidata nd;
	long rc = user_lookup(dirfd, upath, lflags, &nd);

	if (rc < 0)
		return rc;
	rc = setattr_path(&nd.path, a);
	path_put(&nd.path);
	return rc;
}

static long fd_setattr(int fd, struct iattr_k *a)
{
	struct file *f = fget(fd);
	long rc;

	if (!f)
		return -EBADF;
	rc = f->path.dentry ? setattr_path(&f->path, a) : -EINVAL;
	file_put(f);
	return rc;
}

long sys_chmod(u64 path, u32 mode)
{
	struct iattr_k a = { .valid = ATTR_MODE, .mode = mode };

	return path_setattr(AT_FDCWD, path, LOOKUP_FOLLOW, &a);
}

long sys_fchmodat(int dirfd, u64 path, u32 mode)
{
	struct iattr_k a = { .valid = ATTR_MODE, .mode = mode };

	return path_setattr(dirfd, path, LOOKUP_FOLLOW, &a);
}

long sys_fchmod(int fd, u32 mode)
{
	struct iattr_k a = { .valid = ATTR_MODE, .mode = mode };

	return fd_setattr(fd, &a);
}

static void chown_attr(struct iattr_k *a, int uid, int gid)
{
	a->valid = 0;
	if (uid != -1) {
		a->valid |= ATTR_UID;
		a->uid = uid;
	}
	if (gid != -1) {
		a->valid |= ATTR_GID;
		a->gid = gid;
	}
}

long sys_chown(u64 path, int uid, int gid)
{
	struct iattr_k a;

	chown_attr(&a, uid, gid);
	return path_setattr(AT_FDCWD, path, LOOKUP_FOLLOW, &a);
}

long sys_lchown(u64 path, int uid, int gid)
{
	struct iattr_k a;

	chown_attr(&a, uid, gid);
	return path_setattr(AT_FDCWD, path, 0, &a);
}

long sys_fchown(int fd, int uid, int gid)
{
	struct iattr_k a;

	chown_attr(&a, uid, gid);
	return fd_setattr(fd, &a);
}

long sys_fchownat(int dirfd, u64 path, int uid, int gid, int flags)
{
	struct iattr_k a;

	chown_attr(&a, uid, gid);
	if (flags & AT_EMPTY_PATH) {
		char c;

		if (copy_from_user(&c, path, 1) == 0 && c == 0)
			return fd_setattr(dirfd, &a);
	}
	return path_setattr(dirfd, path,
			    (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &a);
}

long sys_truncate(u64 path, s64 len)
{
	struct iattr_k a = { .valid = ATTR_SIZE, .size = (u64)len };
	struct nameidata nd;
	long rc;

	if (len < 0)
		return -EINVAL;
	rc = user_lookup(AT_FDCWD, path, LOOKUP_FOLLOW, &nd);
	if (rc < 0)
		return rc;
	if (S_ISDIR(nd.path.dentry->inode->mode))
		rc = -EISDIR;
	else if (!S_ISREG(nd.path.dentry->inode->mode))
		rc = -EINVAL;
	else
		rc = inode_permission(nd.path.dentry->inode, 2);
	if (rc == 0)
		rc = setattr_path(&nd.path, &a);
	path_put(&nd.path);
	return rc;
}

long sys_ftruncate(int fd, s64 len)
{
	struct iattr_k a = { .valid = ATTR_SIZE, .size = (u64)len };
	struct file *f;
	long rc;

	if (len < 0)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	if (!(f->mode & FMODE_WRITE) || !S_ISREG(f->inode->mode))
		rc = -EINVAL;
	else
		rc = setattr_path(&f->path, &a);
	file_put(f);
	return rc;
}

long sys_fallocate(int fd, int mode, s64 off, s64 len)
{
	struct file *f;
	long rc = 0;

	if (off < 0 || len <= 0)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	if (!(f->mode & FMODE_WRITE))
		rc = -EBADF;
	else if (mode != 0)
		rc = -EOPNOTSUPP;
	else if ((u64)(off + len) > f->inode->size) {
		struct iattr_k a = { .valid = ATTR_SIZE, .size = (u64)(off + len) };

		rc = setattr_path(&f->path, &a);
	}
	file_put(f);
	return rc;
}

static int time_arg(struct ktimespec *out, const struct __kernel_timespec *ts,
		    unsigned *valid, unsigned bit)
{
	u64 now = ktime_real_ns();

	if (!ts || ts->tv_nsec == UTIME_NOW) {
		out->sec = (s64)(now / NSEC_PER_SEC);
		out->nsec = (long)(now % NSEC_PER_SEC);
		*valid |= bit;
	} else if (ts->tv_nsec == UTIME_OMIT) {
		return 0;
	} else {
		if (ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000)
			return -EINVAL;
		out->sec = ts->tv_sec;
		out->nsec = (long)ts->tv_nsec;
		*valid |= bit;
	}
	return 0;
}

long sys_utimensat(int dirfd, u64 upath, u64 utimes, int flags)
{
	struct __kernel_timespec ts[2];
	struct iattr_k a = { 0 };
	int rc;

	if (utimes) {
		if (copy_from_user(ts, utimes, sizeof(ts)) < 0)
			return -EFAULT;
		rc = time_arg(&a.atime, &ts[0], &a.valid, ATTR_ATIME);
		if (rc == 0)
			rc = time_arg(&a.mtime, &ts[1], &a.valid, ATTR_MTIME);
	} else {
		rc = time_arg(&a.atime, NULL, &a.valid, ATTR_ATIME);
		time_arg(&a.mtime, NULL, &a.valid, ATTR_MTIME);
	}
	if (rc < 0)
		return rc;
	if (!upath)
		return fd_setattr(dirfd, &a);
	return path_setattr(dirfd, upath,
			    ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				    ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			    &a);
}

long sys_utimes(u64 upath, u64 utv)
{
	struct iattr_k a = { .valid = ATTR_ATIME | ATTR_MTIME };
	struct {
		s64 sec, usec;
	} tv[2];

	if (!utv)
		return sys_utimensat(AT_FDCWD, upath, 0, 0);
	if (copy_from_user(tv, utv, sizeof(tv)) < 0)
		return -EFAULT;
	a.atime.sec = tv[0].sec;
	a.atime.nsec = (long)tv[0].usec * 1000;
	a.mtime.sec = tv[1].sec;
	a.mtime.nsec = (long)tv[1].usec * 1000;
	return path_setattr(AT_FDCWD, upath, LOOKUP_FOLLOW, &a);
}
