/*
 * hostfs regular files. The opens of an inode share its host descriptors
 * (one readable, one writable, or one for both), closed with the last
 * open; a mapping keeps its file, and so the descriptors, open. Reads and
 * faults fill the page cache from the host. Writes go to the host at once
 * from a bounce buffer (a write-only descriptor cannot fill a page first)
 * and are copied into any page of the file already cached, so later reads
 * and mappings see them. Stores through shared mappings go back to the
 * host at fsync (and msync) and at the last close.
 */
#include <linux/fcntl.h>
#include <linux/mman.h>

#include "hostfs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"

s64 generic_llseek(struct file *f, s64 off, int whence);

/* A new host fd for I/O (flags O_RDONLY, O_WRONLY or O_RDWR) on the
 * regular file that is d's inode: that very file, never a device or FIFO
 * that took its name meanwhile. */
int hostfs_file_io_fd(struct dentry *d, int flags)
{
	struct host_stat st;
	int pfd = hostfs_handle(d, &st), fd;

	if (pfd < 0)
		return pfd;
	fd = S_ISREG(d->inode->mode) ? host_reopen(pfd, flags) : -EACCES;
	host_close(pfd);
	return fd;
}

static void close_fds(struct hostfs_inode *hi)
{
	if (hi->wfd >= 0 && hi->wfd != hi->rfd)
		hostfs_drop_fd(hi->wfd);
	hostfs_drop_fd(hi->rfd);
	hi->rfd = hi->wfd = -1;
}

static int hostfs_open(struct inode *i, struct file *f)
{
	struct hostfs_inode *hi = HI(i);
	bool need_r = (f->mode & FMODE_READ) && hi->rfd < 0;
	bool need_w = (f->mode & FMODE_WRITE) && hi->wfd < 0;
	int fd;

	if (hi->opens == 0 && (fd = hostfs_take_created(i)) >= 0) {
		hi->rfd = hi->wfd = fd;
		need_r = need_w = false;
	}
	if (need_r || need_w) {
		int acc = need_r && need_w ? O_RDWR : need_r ? O_RDONLY : O_WRONLY;

		fd = hostfs_hold_fd(hostfs_file_io_fd(f->path.dentry, acc));
		if (fd < 0) {
			if (hi->opens == 0)
				close_fds(hi);
			return fd;
		}
		if (need_r)
			hi->rfd = fd;
		if (need_w)
			hi->wfd = fd;
	}
	hi->opens++;
	/* What the host has now (an open is where host changes show). */
	hostfs_refresh(i, hi->rfd >= 0 ? hi->rfd : hi->wfd, false);
	return 0;
}

/* Does a shared writable mapping of i exist? */
static bool shared_writable(struct inode *i)
{
	struct vma *v;

	list_for_each_entry(v, &i->mappings, file_node)
	{
		if ((v->flags & VM_SHARED) && (v->prot & PROT_WRITE))
			return true;
	}
	return false;
}

/*
 * Writes every cached page within the file back to the host, when a
 * shared writable mapping may have stored into them (there is no dirty
 * bit to say which did).
 */
static int write_back(struct inode *i)
{
	struct hostfs_inode *hi = HI(i);
	u64 index, pages = ALIGN_UP(i->size, PAGE_SIZE) >> PAGE_SHIFT;
	int rc = 0;

	if (!hi->shared_writes || hi->wfd < 0)
		return 0;
	for (index = 0; index < pages && rc == 0; index++) {
		s64 f = pcache_find(i, index);
		u64 off = index << PAGE_SHIFT;
		ssize_t n;

		if (f < 0)
			continue;
		n = host_pwrite(hi->wfd, frame_to_virt((u64)f), MIN(PAGE_SIZE, i->size - off), off);
		if (n < 0)
			rc = (int)n;
	}
	hi->shared_writes = rc < 0 || shared_writable(i);
	hostfs_refresh(i, hi->wfd, true);
	return rc;
}

static void hostfs_release(struct file *f)
{
	struct hostfs_inode *hi = HI(f->inode);

	if (--hi->opens == 0) {
		write_back(f->inode);
		close_fds(hi);
	}
}

/* Fills a page of the file from the host, zeros past its end. */
static int read_page(struct inode *i, u64 index, void *page)
{
	int fd = HI(i)->rfd;
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return -EIO; /* pages are read through an open file */
	do {
		n = host_pread(fd, (char *)page + got, PAGE_SIZE - got,
			       (index << PAGE_SHIFT) + got);
		got += n > 0 ? (size_t)n : 0;
	} while (n > 0 && got < PAGE_SIZE);
	if (n < 0)
		return (int)n;
	memset((char *)page + got, 0, PAGE_SIZE - got);
	return 0;
}

static int hostfs_getpage(struct inode *i, u64 index, bool create, u64 *frame)
{
	/* Only page faults ask to create; a fault through a shared writable
	 * mapping means the page may be written behind write(2)'s back. */
	if (create && !HI(i)->shared_writes && shared_writable(i))
		HI(i)->shared_writes = true;
	return pcache_getpage(i, index, read_page, frame);
}

int hostfs_truncate_fd(struct inode *i, int fd, u64 size)
{
	int rc = host_ftruncate(fd, size);

	if (rc < 0)
		return rc;
	if (size < i->size)
		pcache_shrink(i, size);
	i->size = size;
	hostfs_refresh(i, fd, true);
	return 0;
}

/* O_TRUNC at open: the opening file holds a writable descriptor. */
static int hostfs_truncate(struct inode *i, u64 size)
{
	return HI(i)->wfd < 0 ? -EBADF : hostfs_truncate_fd(i, HI(i)->wfd, size);
}

static ssize_t hostfs_write(struct file *f, struct uio *u, u64 *pos)
{
	struct inode *i = f->inode;
	int fd = HI(i)->wfd, rc;
	ssize_t done = 0;
	char *buf;

	if (fd < 0)
		return -EBADF;
	if (f->flags & O_APPEND) {
		/* The end as the host has it: others may append too. */
		hostfs_refresh(i, fd, false);
		*pos = i->size;
	}
	rc = write_limit(i, u, *pos);
	if (rc < 0)
		return rc;
	buf = kmalloc(PAGE_SIZE);
	if (!buf)
		return -ENOMEM;
	while (u->resid > 0) {
		size_t off = *pos & ~PAGE_MASK;
		long c = uio_copy_from(u, buf, MIN(PAGE_SIZE - off, u->resid));
		ssize_t w;
		s64 page;

		if (c <= 0) {
			rc = (int)c;
			break;
		}
		w = host_pwrite(fd, buf, (size_t)c, *pos);
		if (w <= 0) {
			rc = (int)w;
			break;
		}
		page = pcache_find(i, *pos >> PAGE_SHIFT);
		if (page >= 0)
			memcpy((char *)frame_to_virt((u64)page) + off, buf, (size_t)w);
		*pos += (u64)w;
		done += w;
		if (*pos > i->size)
			i->size = *pos;
		if (w < c)
			break;
	}
	kfree(buf);
	if (done > 0) {
		/* O_SYNC and O_DSYNC writes are on the host's disk when done. */
		if ((f->flags & O_DSYNC) && (rc = host_fsync(fd)) < 0)
			return rc;
		hostfs_refresh(i, fd, true);
	}
	return done > 0 ? done : rc;
}

static int hostfs_fsync(struct file *f)
{
	struct hostfs_inode *hi = HI(f->inode);
	int rc = write_back(f->inode);

	return rc < 0 ? rc : host_fsync(hi->wfd >= 0 ? hi->wfd : hi->rfd);
}

const struct inode_ops hostfs_file_iops = {
	.setattr = hostfs_setattr,
	.getpage = hostfs_getpage,
	.truncate = hostfs_truncate,
	.evict = hostfs_evict,
	.getattr = hostfs_getattr,
};

const struct file_ops hostfs_file_fops = {
	.open = hostfs_open,
	.release = hostfs_release,
	.read = pcache_read,
	.write = hostfs_write,
	.llseek = generic_llseek,
	.fsync = hostfs_fsync,
};
