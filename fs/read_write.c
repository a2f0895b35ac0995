/* read/write and friends, seeking, sendfile, sync. */
#include <linux/uio.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "notify.h"
#include "syscall.h"

#define MAX_RW_COUNT 0x7ffff000L

int whence_base(struct file *f, int whence, s64 *base)
{
	switch (whence) {
	case SEEK_SET:
		*base = 0;
		return 0;
	case SEEK_CUR:
		*base = (s64)f->pos;
		return 0;
	case SEEK_END:
		*base = (s64)f->inode->size;
		return 0;
	default:
		return -EINVAL;
	}
}

s64 generic_llseek(struct file *f, s64 off, int whence)
{
	s64 base;

	switch (whence) {
	case SEEK_SET:
	case SEEK_CUR:
	case SEEK_END:
		whence_base(f, whence, &base);
		break;
	case SEEK_DATA:
		if (off < 0 || (u64)off >= f->inode->size)
			return -ENXIO;
		f->pos = (u64)off;
		return off;
	case SEEK_HOLE:
		if (off < 0 || (u64)off >= f->inode->size)
			return -ENXIO;
		f->pos = f->inode->size;
		return (s64)f->pos;
	default:
		return -EINVAL;
	}
	if (off > 0 ? base > INT64_MAX_K - off : base + off < 0)
		return -EINVAL;
	f->pos = (u64)(base + off);
	if (S_ISDIR(f->inode->mode) && whence == SEEK_SET)
		f->dir_pos = (u64)off;
	return (s64)f->pos;
}

/* Pipes, sockets and character devices without llseek (ttys) don't seek. */
static bool seekable(struct file *f)
{
	u32 m = f->inode->mode;

	if (S_ISCHR(m))
		return f->fops && f->fops->llseek;
	return !S_ISFIFO(m) && !S_ISSOCK(m);
}

/* Runs op at pos (pread-style, the file position untouched) or, when pos
 * is negative, at the file position, which then advances if it means
 * anything for the file. */
static ssize_t rw_at(struct file *f, struct uio *u, s64 pos,
		     ssize_t (*op)(struct file *f, struct uio *u, u64 *pos))
{
	u64 p;
	ssize_t r;

	if (pos >= 0 && !seekable(f))
		return -ESPIPE;
	p = pos >= 0 ? (u64)pos : f->pos;
	r = op(f, u, &p);
	if (pos < 0 && seekable(f))
		f->pos = p;
	return r;
}

static ssize_t do_read(struct file *f, struct uio *u, s64 pos)
{
	ssize_t r;

	if (!(f->mode & FMODE_READ))
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!f->fops || !f->fops->read)
		return -EINVAL;
	r = rw_at(f, u, pos, f->fops->read);
	if (r > 0)
		fsnotify_access(f);
	return r;
}

static ssize_t do_write(struct file *f, struct uio *u, s64 pos)
{
	ssize_t r;

	if (!(f->mode & FMODE_WRITE))
		return -EBADF;
	if (!f->fops || !f->fops->write)
		return -EINVAL;
	r = rw_at(f, u, pos, f->fops->write);
	if (r > 0)
		fsnotify_modify(f);
	return r;
}

static long rw_one(int fd, u64 buf, size_t count, s64 pos, bool write)
{
	struct file *f = fget(fd);
	struct uio u;
	long r;

	if (!f)
		return -EBADF;
	if ((long)count < 0)
		count = MAX_RW_COUNT;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	uio_init_user(&u, buf, count);
	r = write ? do_write(f, &u, pos) : do_read(f, &u, pos);
	file_put(f);
	return r;
}

long sys_read(int fd, u64 buf, size_t count)
{
	return rw_one(fd, buf, count, -1, false);
}

long sys_write(int fd, u64 buf, size_t count)
{
	return rw_one(fd, buf, count, -1, true);
}

long sys_pread64(int fd, u64 buf, size_t count, s64 pos)
{
	if (pos < 0)
		return -EINVAL;
	return rw_one(fd, buf, count, pos, false);
}

long sys_pwrite64(int fd, u64 buf, size_t count, s64 pos)
{
	if (pos < 0)
		return -EINVAL;
	return rw_one(fd, buf, count, pos, true);
}

static long rw_vec(int fd, u64 uiov, int cnt, s64 pos, bool write)
{
	struct iovec iov[64];
	struct uio_seg segs[64];
	struct file *f;
	struct uio u;
	size_t total = 0;
	long r;
	int i;

	if (cnt < 0 || cnt > 1024)
		return -EINVAL;
	if (cnt > 64)
		cnt = 64; /* a short transfer, which POSIX allows */
	if (copy_from_user(iov, uiov, sizeof(iov[0]) * (size_t)cnt) < 0)
		return -EFAULT;
	for (i = 0; i < cnt; i++) {
		if ((long)iov[i].iov_len < 0)
			return -EINVAL;
		segs[i].base = (u64)(uintptr_t)iov[i].iov_base;
		segs[i].len = iov[i].iov_len;
		total += iov[i].iov_len;
	}
	f = fget(fd);
	if (!f)
		return -EBADF;
	u.kernel = false;
	u.segs = segs;
	u.nseg = cnt;
	u.cur = 0;
	u.off = 0;
	u.resid = total;
	r = write ? do_write(f, &u, pos) : do_read(f, &u, pos);
	file_put(f);
	return r;
}

long sys_readv(int fd, u64 iov, int cnt)
{
	return rw_vec(fd, iov, cnt, -1, false);
}

long sys_writev(int fd, u64 iov, int cnt)
{
	return rw_vec(fd, iov, cnt, -1, true);
}

long sys_preadv(int fd, u64 iov, int cnt, s64 pos)
{
	if (pos < 0)
		return -EINVAL;
	return rw_vec(fd, iov, cnt, pos, false);
}

long sys_pwritev(int fd, u64 iov, int cnt, s64 pos)
{
	if (pos < 0)
		return -EINVAL;
	return rw_vec(fd, iov, cnt, pos, true);
}

long sys_lseek(int fd, s64 off, int whence)
{
	struct file *f = fget(fd);
	s64 r;

	if (!f)
		return -EBADF;
	if (!seekable(f)) {
		r = -ESPIPE;
	} else if (f->fops && f->fops->llseek) {
		r = f->fops->llseek(f, off, whence);
	} else {
		r = generic_llseek(f, off, whence);
	}
	file_put(f);
	return (long)r;
}

/*
 * Moves up to count bytes from in to out through a kernel page: at *in_off
 * and *out_off when given (advanced), else at the files' positions. A
 * short read or write ends it (a pipe or tty gave what it had), so it
 * never waits for more once something moved. Bytes moved, or -errno if
 * nothing did.
 */
static long copy_between(struct file *in, s64 *in_off, struct file *out, s64 *out_off,
			 size_t count)
{
	char *buf = kmalloc(PAGE_SIZE);
	long done = 0;

	if (!buf)
		return -ENOMEM;
	while ((size_t)done < count) {
		size_t n = MIN(count - (size_t)done, PAGE_SIZE);
		struct uio u;
		ssize_t r, w;

		uio_init_kernel(&u, buf, n);
		r = do_read(in, &u, in_off ? *in_off : -1);
		if (r <= 0) {
			if (r < 0 && !done)
				done = r;
			break;
		}
		uio_init_kernel(&u, buf, (size_t)r);
		w = do_write(out, &u, out_off ? *out_off : -1);
		if (w <= 0) {
			if (w < 0 && !done)
				done = w;
			break;
		}
		if (in_off)
			*in_off += w;
		if (out_off)
			*out_off += w;
		done += w;
		if (w < r || (size_t)r < n)
			break;
	}
	kfree(buf);
	return done;
}

long sys_sendfile(int out_fd, int in_fd, u64 uoff, size_t count)
{
	struct file *in = fget(in_fd), *out = fget(out_fd);
	s64 off = -1;
	long done;

	if (!in || !out) {
		done = -EBADF;
		goto out;
	}
	if (uoff && copy_from_user(&off, uoff, sizeof(off)) < 0) {
		done = -EFAULT;
		goto out;
	}
	done = copy_between(in, uoff ? &off : NULL, out, NULL, count);
	if (uoff && done >= 0 && copy_to_user(uoff, &off, sizeof(off)) < 0)
		done = -EFAULT;
out:
	file_put(in);
	file_put(out);
	return done;
}

/* copy_file_range: sendfile between two regular files, with an offset for
 * each side (or the file position), as cp uses it before read/write. */
long sys_copy_file_range(int in_fd, u64 uin, int out_fd, u64 uout, size_t len, unsigned flags)
{
	struct file *in = fget(in_fd), *out = fget(out_fd);
	s64 ioff = -1, ooff = -1;
	long rc;

	if (!in || !out || !(in->mode & FMODE_READ) || !(out->mode & FMODE_WRITE) ||
	    (out->flags & O_APPEND)) {
		rc = -EBADF;
		goto out;
	}
	if (flags) {
		rc = -EINVAL;
		goto out;
	}
	if (S_ISDIR(in->inode->mode) || S_ISDIR(out->inode->mode)) {
		rc = -EISDIR;
		goto out;
	}
	if (!S_ISREG(in->inode->mode) || !S_ISREG(out->inode->mode)) {
		rc = -EINVAL;
		goto out;
	}
	if ((uin && copy_from_user(&ioff, uin, 8) < 0) || (uout && copy_from_user(&ooff, uout, 8) < 0)) {
		rc = -EFAULT;
		goto out;
	}
	if ((uin && ioff < 0) || (uout && ooff < 0)) {
		rc = -EOVERFLOW; /* what Linux's range check says */
		goto out;
	}
	{
		s64 is = uin ? ioff : (s64)in->pos, os = uout ? ooff : (s64)out->pos;

		/* Overlapping ranges of one file are refused, as on Linux. */
		if (in->inode == out->inode && is < os + (s64)len && os < is + (s64)len) {
			rc = -EINVAL;
			goto out;
		}
	}
	rc = copy_between(in, uin ? &ioff : NULL, out, uout ? &ooff : NULL, len);
	if (rc > 0 && ((uin && copy_to_user(uin, &ioff, 8) < 0) ||
		       (uout && copy_to_user(uout, &ooff, 8) < 0)))
		rc = -EFAULT;
out:
	file_put(in);
	file_put(out);
	return rc;
}

/* fsync: what has a backing store flushes it; files and directories that
 * live in memory have nothing to do; pipes, sockets and character devices
 * cannot be synchronized (EINVAL, as on Linux). */
static long fsync_fd(int fd)
{
	struct file *f = fget(fd);
	long r = 0;
	u32 m;

	if (!f)
		return -EBADF;
	m = f->inode ? f->inode->mode : 0;
	if (f->fops && f->fops->fsync)
		r = f->fops->fsync(f);
	else if (S_ISFIFO(m) || S_ISSOCK(m) || S_ISCHR(m) || !f->inode)
		r = -EINVAL;
	file_put(f);
	return r;
}

long sys_fsync(int fd)
{
	return fsync_fd(fd);
}

long sys_fdatasync(int fd)
{
	return fsync_fd(fd);
}

/* sync_file_range: writes are through to the device already (or flushed
 * by fsync), so a range sync with WRITE is an fsync and the rest is the
 * checking Linux does. */
long sys_sync_file_range(int fd, s64 off, s64 n, unsigned flags)
{
	struct file *f;
	bool pipe;

	if (flags & ~7U)
		return -EINVAL;
	if (off < 0 || n < 0 || off + n < off)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	pipe = S_ISFIFO(f->inode->mode) || S_ISSOCK(f->inode->mode);
	file_put(f);
	if (pipe)
		return -ESPIPE;
	return (flags & 2 /* SYNC_FILE_RANGE_WRITE */) ? fsync_fd(fd) : 0;
}

long sys_syncfs(int fd)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	if (f->path.mnt && f->path.mnt->sb->type->sync_fs)
		f->path.mnt->sb->type->sync_fs(f->path.mnt->sb);
	file_put(f);
	return 0;
}

long sys_sync(void)
{
	sync_filesystems();
	return 0;
}

/*
 * posix_fadvise: the page cache reads ahead and drops pages by its own
 * rules, so advice changes nothing; what Linux refuses is refused.
 */
long sys_fadvise64(int fd, s64 offset, s64 len, int advice)
{
	struct file *f = fget(fd);
	long rc = 0;

	if (!f)
		return -EBADF;
	if (S_ISFIFO(f->inode->mode) || S_ISSOCK(f->inode->mode))
		rc = -ESPIPE;
	else if (advice < 0 || advice > 5 || len < 0)
		rc = -EINVAL; /* POSIX_FADV_NORMAL .. POSIX_FADV_NOREUSE */
	file_put(f);
	return rc;
}
