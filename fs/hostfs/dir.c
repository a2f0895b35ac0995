/*
 * Listing hostfs directories. An open directory gets a host descriptor on
 * its first read (one only used for *at calls needs none) and keeps it,
 * with the host's entries read ahead, until closed. Positions are entry
 * counts: reading on from where the last call stopped continues the host
 * listing; any other position (seekdir, rewinddir) reads from the start
 * and skips that many entries.
 */
#include <linux/fcntl.h>

#include "hostfs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"

s64 generic_llseek(struct file *f, s64 off, int whence);

#define DIRBUF 4096
/* struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1). */
#define DIRENT_NAME 19

struct dir_state {
	int fd;		 /* host directory, -1 until the first read */
	u64 index;	 /* entries consumed from fd */
	size_t pos, len; /* unread records in buf */
	char buf[DIRBUF];
};

static int hostfs_dir_open(struct inode *i, struct file *f)
{
	struct dir_state *ds = kzalloc(sizeof(*ds));

	if (!ds)
		return -ENOMEM;
	ds->fd = -1;
	f->priv = ds;
	return 0;
}

static void hostfs_dir_release(struct file *f)
{
	struct dir_state *ds = f->priv;

	hostfs_drop_fd(ds->fd);
	kfree(ds);
}

static int rewind(struct file *f, struct dir_state *ds)
{
	if (ds->fd < 0) {
		int fd = hostfs_open_dentry(f->path.dentry, O_RDONLY | O_DIRECTORY);

		fd = hostfs_hold_fd(fd);
		if (fd < 0)
			return fd;
		ds->fd = fd;
	} else {
		s64 rc = host_lseek(ds->fd, 0, SEEK_SET);

		if (rc < 0)
			return (int)rc;
	}
	ds->index = 0;
	ds->pos = ds->len = 0;
	return 0;
}

static int hostfs_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct dir_state *ds = f->priv;
	int rc;

	if (ds->fd < 0 || ctx->pos != ds->index) {
		rc = rewind(f, ds);
		if (rc < 0)
			return rc;
	}
	for (;;) {
		const char *rec;
		u64 ino;
		u16 reclen;

		if (ds->pos >= ds->len) {
			long n = host_getdents64(ds->fd, ds->buf, sizeof(ds->buf));

			if (n <= 0)
				return (int)n;
			ds->len = (size_t)n;
			ds->pos = 0;
		}
		rec = ds->buf + ds->pos;
		memcpy(&ino, rec, 8);
		memcpy(&reclen, rec + 16, 2);
		if (reclen <= DIRENT_NAME || reclen > ds->len - ds->pos)
			return -EIO;
		if (ds->index >= ctx->pos) {
			int len = (int)strnlen(rec + DIRENT_NAME, MIN(reclen - DIRENT_NAME, 255));

			if (!ctx->emit(ctx, rec + DIRENT_NAME, len, ino, (u8)rec[18]))
				return 0;
			ctx->pos = ds->index + 1;
		}
		ds->pos += reclen;
		ds->index++;
	}
}

static int hostfs_dir_fsync(struct file *f)
{
	struct dir_state *ds = f->priv;
	int fd = ds->fd, rc;

	if (fd >= 0)
		return host_fsync(fd);
	fd = hostfs_open_dentry(f->path.dentry, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	rc = host_fsync(fd);
	host_close(fd);
	return rc;
}

const struct file_ops hostfs_dir_fops = {
	.open = hostfs_dir_open,
	.release = hostfs_dir_release,
	.iterate = hostfs_iterate,
	.llseek = generic_llseek,
	.fsync = hostfs_dir_fsync,
};
