/*
 * Host side of hostfs: the system calls on a shared host directory.
 *
 * Nothing here resolves a path the kernel built from guest names except
 * host_openat_beneath, which asks the host kernel (openat2) to keep the
 * whole walk beneath a directory handle. Everything else works on a
 * descriptor, or on one name in a directory descriptor, which the host
 * never resolves further than that name. The kernel side (fs/hostfs)
 * decides which names to pass; this file only makes the calls.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "host.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* openat2 refuses a ".." walk it cannot prove safe during a concurrent
 * rename with EAGAIN; a few retries get past an unlucky moment. */
#define BENEATH_RETRIES 16

static int neg_errno(long r)
{
	return r < 0 ? -errno : (int)r;
}

int host_dir_handle(const char *path)
{
	int fd;

	do
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	return neg_errno(fd);
}

int host_openat_beneath(int dirfd, const char *rel, int flags, u32 mode, bool follow)
{
	struct open_how how;
	int tries = 0;
	long fd;

	memset(&how, 0, sizeof(how));
	/* openat2 refuses flags that mean nothing to an O_PATH open. */
	how.flags = (u64)(flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY));
	how.mode = (flags & O_CREAT) ? mode : 0;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | (follow ? 0 : RESOLVE_NO_SYMLINKS);
	do
		fd = syscall(SYS_openat2, dirfd, *rel ? rel : ".", &how, sizeof(how));
	while (fd < 0 && (errno == EINTR || (errno == EAGAIN && ++tries < BENEATH_RETRIES)));
	return neg_errno(fd);
}

int host_reopen(int pathfd, int flags)
{
	char proc[64];
	int fd;

	/* The /proc/self/fd link names the very inode pathfd holds, so the
	 * object opened is the one that was checked, whatever happened to
	 * its name meanwhile. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pathfd);
	do
		fd = open(proc, flags | O_CLOEXEC | O_NOCTTY);
	while (fd < 0 && errno == EINTR);
	return neg_errno(fd);
}

static void copy_stat(const struct stat *s, struct host_stat *st)
{
	st->dev = s->st_dev;
	st->ino = s->st_ino;
	st->nlink = s->st_nlink;
	st->size = (u64)s->st_size;
	st->blocks = (u64)s->st_blocks;
	st->mode = s->st_mode;
	st->uid = s->st_uid;
	st->gid = s->st_gid;
	st->rdev_major = major(s->st_rdev);
	st->rdev_minor = minor(s->st_rdev);
	st->atime = s->st_atim.tv_sec;
	st->atime_nsec = (u32)s->st_atim.tv_nsec;
	st->mtime = s->st_mtim.tv_sec;
	st->mtime_nsec = (u32)s->st_mtim.tv_nsec;
	st->ctime = s->st_ctim.tv_sec;
	st->ctime_nsec = (u32)s->st_ctim.tv_nsec;
}

int host_fstat(int fd, struct host_stat *st)
{
	struct stat s;

	if (fstat(fd, &s) < 0)
		return -errno;
	copy_stat(&s, st);
	return 0;
}

int host_fstatfs(int fd, struct host_statfs *st)
{
	struct statfs s;

	if (fstatfs(fd, &s) < 0)
		return -errno;
	st->type = (u64)s.f_type;
	st->bsize = (u64)s.f_bsize;
	st->blocks = s.f_blocks;
	st->bfree = s.f_bfree;
	st->bavail = s.f_bavail;
	st->files = s.f_files;
	st->ffree = s.f_ffree;
	st->namelen = (u64)s.f_namelen;
	st->frsize = (u64)s.f_frsize;
	return 0;
}

ssize_t host_pread(int fd, void *buf, size_t n, u64 off)
{
	ssize_t r;

	do
		r = pread(fd, buf, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

ssize_t host_pwrite(int fd, const void *buf, size_t n, u64 off)
{
	ssize_t r;

	do
		r = pwrite(fd, buf, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

int host_ftruncate(int fd, u64 size)
{
	int r;

	do
		r = ftruncate(fd, (off_t)size);
	while (r < 0 && errno == EINTR);
	return neg_errno(r);
}

int host_fsync(int fd)
{
	int r;

	do
		r = fsync(fd);
	while (r < 0 && errno == EINTR);
	return neg_errno(r);
}

int host_syncfs(int fd)
{
	return neg_errno(syncfs(fd));
}

s64 host_lseek(int fd, s64 off, int whence)
{
	off_t r = lseek(fd, (off_t)off, whence);

	return r < 0 ? -errno : (s64)r;
}

long host_getdents64(int fd, void *buf, size_t n)
{
	long r;

	do
		r = syscall(SYS_getdents64, fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/*
 * Set-user-ID and set-group-ID bits on files the guest makes or changes
 * in the share: when ./linux runs as root they would give any host user
 * who can reach the share a program that runs as root on the host, so
 * then they are dropped (set-group-ID on a directory only passes its
 * group on, and is kept). As another user they would run as that user,
 * who shared the directory, and they are kept; hostfs=<dir>,setid keeps
 * them in any case.
 */
static bool keep_setid; /* hostfs=<dir>,setid */

void host_hostfs_keep_setid(void)
{
	keep_setid = true;
}

static u32 host_safe_mode(u32 mode, bool dir)
{
	if (keep_setid || geteuid() != 0)
		return mode;
	return mode & ~(u32)(S_ISUID | (dir ? 0 : S_ISGID));
}

/*
 * The objects hostfs creates get exactly the mode the guest asked for
 * (its own umask already applied), so ours is set aside meanwhile. The
 * umask is process-wide: this relies on no helper thread creating files,
 * which none does (they only read, write and send).
 */
int host_create_excl(int dirfd, const char *name, u32 mode)
{
	mode_t old = umask(0);
	int fd;

	do
		fd = openat(dirfd, name,
			    O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
			    (mode_t)host_safe_mode(mode, false));
	while (fd < 0 && errno == EINTR);
	umask(old);
	return neg_errno(fd);
}

int host_mkdirat(int dirfd, const char *name, u32 mode)
{
	mode_t old = umask(0);
	int r = mkdirat(dirfd, name, (mode_t)host_safe_mode(mode, true));

	umask(old);
	return neg_errno(r);
}

int host_mknodat(int dirfd, const char *name, u32 mode)
{
	mode_t old = umask(0);
	int r = mknodat(dirfd, name, (mode_t)mode, 0);

	umask(old);
	return neg_errno(r);
}

int host_symlinkat(const char *target, int dirfd, const char *name)
{
	return neg_errno(symlinkat(target, dirfd, name));
}

int host_unlinkat(int dirfd, const char *name, bool dir)
{
	return neg_errno(unlinkat(dirfd, name, dir ? AT_REMOVEDIR : 0));
}

int host_renameat2(int odirfd, const char *oname, int ndirfd, const char *nname, unsigned flags)
{
	return neg_errno(syscall(SYS_renameat2, odirfd, oname, ndirfd, nname, flags));
}

int host_linkat(int odirfd, const char *oname, int ndirfd, const char *nname)
{
	return neg_errno(linkat(odirfd, oname, ndirfd, nname, 0));
}

int host_readlinkat(int dirfd, const char *name, char *buf, size_t len)
{
	ssize_t n = readlinkat(dirfd, name, buf, len);

	return n < 0 ? -errno : (int)n;
}

int host_chmod_handle(int fd, u32 mode)
{
	char proc[64];
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	mode = host_safe_mode(mode, S_ISDIR(st.st_mode));
	if (syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
	/* Hosts before Linux 6.6 cannot chmod an O_PATH handle directly;
	 * the /proc link reaches the same inode. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return neg_errno(chmod(proc, (mode_t)mode));
}

int host_chown_handle(int fd, int uid, int gid)
{
	return neg_errno(
		fchownat(fd, "", (uid_t)uid, (gid_t)gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
}

int host_utimens_handle(int fd, const s64 sec[2], const long nsec[2], const bool set[2])
{
	struct timespec ts[2];
	int k;

	for (k = 0; k < 2; k++) {
		ts[k].tv_sec = set[k] ? (time_t)sec[k] : 0;
		ts[k].tv_nsec = set[k] ? nsec[k] : UTIME_OMIT;
	}
	return neg_errno(utimensat(fd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
}
