/* Host files: plain I/O and whole-file loading (with gzip inflation). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "host.h"

int host_open(const char *path, int flags, int mode)
{
	int fd;

	do
		fd = open(path, flags | O_CLOEXEC, mode);
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : fd;
}

int host_close(int fd)
{
	return close(fd) < 0 ? -errno : 0;
}

ssize_t host_read(int fd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

ssize_t host_write(int fd, const void *buf, size_t n)
{
	ssize_t r;

	do
		r = write(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

int host_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN) {
			/* A non-blocking console: wait until it drains. */
			usleep(1000);
			continue;
		}
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int host_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/* Inflates a gzip stream (possibly several members back to back). */
static int gunzip(const void *in, size_t inlen, void **out, size_t *outlen)
{
	size_t cap = inlen * 4 + 65536, len = 0;
	unsigned char *buf = malloc(cap);
	z_stream zs;
	int rc;

	if (!buf)
		return -ENOMEM;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 32) != Z_OK) {
		free(buf);
		return -ENOMEM;
	}
	zs.next_in = (unsigned char *)in;
	zs.avail_in = (uInt)inlen;
	for (;;) {
		if (len == cap) {
			unsigned char *nb = realloc(buf, cap * 2);

			if (!nb) {
				rc = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		zs.next_out = buf + len;
		zs.avail_out = (uInt)(cap - len);
		rc = inflate(&zs, Z_NO_FLUSH);
		len = cap - zs.avail_out;
		if (rc == Z_STREAM_END) {
			/* Another gzip member may follow; trailing zeros end it. */
			if (zs.avail_in == 0 || *zs.next_in == 0) {
				rc = 0;
				goto out;
			}
			inflateReset(&zs);
			continue;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			rc = -EINVAL;
			goto out;
		}
		if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
			rc = -EINVAL; /* truncated */
			goto out;
		}
	}
out:
	inflateEnd(&zs);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

int host_load_file(const char *path, void **data, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	size_t got = 0;
	int fd, rc = 0;

	fd = host_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out_close;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out_close;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = host_read(fd, buf + got, (size_t)st.st_size - got);

		if (r <= 0) {
			rc = r < 0 ? (int)r : -EIO;
			free(buf);
			goto out_close;
		}
		got += (size_t)r;
	}
	if (got >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
		rc = gunzip(buf, got, data, len);
		free(buf);
	} else {
		*data = buf;
		*len = got;
	}
out_close:
	close(fd);
	return rc;
}
