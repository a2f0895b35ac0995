/*
 * uml_moo: merges a UML COW file with its backing file, like Debian's
 * uml-utilities tool.
 *
 *   uml_moo [-b BACKING] COW NEWFILE   writes the merged image to NEWFILE
 *   uml_moo [-b BACKING] -d COW        merges in place into the backing file
 *
 * -b names the backing file instead of the path stored in the COW header.
 * The backing file's size and mtime must match the header. Versions 1, 2
 * and 3 are read; the format lives in drivers/block/cow.c, compiled in.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cow.h"

#define CHUNK (1 << 20)

static const char *prog = "uml_moo";

static void usage(void)
{
	fprintf(stderr,
		"%s usage:\n"
		"\t%s [ -b <actual backing file> ] <COW file> <new backing file>\n"
		"\t%s [ -b <actual backing file> ] -d <COW file>\n"
		"Creates a new filesystem image from the COW file and its backing file.\n"
		"Specifying -d will cause a destructive, in-place merge of the COW file into\n"
		"its current backing file\n"
		"Specifying -b overrides the backing_file specified in the COW file.  This is\n"
		"needed when dealing with a COW file that was created inside a chroot jail.\n"
		"%s supports version 1,2 and 3 COW files.\n",
		prog, prog, prog, prog);
	exit(1);
}

static void __attribute__((format(printf, 1, 2), noreturn)) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Reads exactly n bytes at off; a short read is an error (errno EIO). */
static int read_full(int fd, void *buf, size_t n, off_t off)
{
	char *p = buf;

	while (n) {
		ssize_t r = pread(fd, p, n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t n, off_t off)
{
	const char *p = buf;

	while (n) {
		ssize_t r = pwrite(fd, p, n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct cow_header h;
	static unsigned char hdr[COW_HEADER_MAX];
	const char *cow, *backing = NULL, *out = NULL;
	int in_place = 0, c, cfd, bfd, ofd = -1;
	unsigned long long ss, sectors, s, first, n, i, l, bmtime, size, off, len;
	unsigned char *bitmap, *buf;
	struct stat cst, bst;
	ssize_t got = 0, r;

	while ((c = getopt(argc, argv, "+b:d")) != -1) {
		if (c == 'b')
			backing = optarg;
		else if (c == 'd')
			in_place = 1;
		else
			usage();
	}
	if (argc - optind != (in_place ? 1 : 2))
		usage();
	cow = argv[optind];
	if (!in_place)
		out = argv[optind + 1];

	cfd = open(cow, O_RDONLY);
	if (cfd < 0 || fstat(cfd, &cst) < 0)
		die("cannot open COW file %s: %s", cow, strerror(errno));
	while ((size_t)got < sizeof(hdr)) {
		r = pread(cfd, hdr + got, sizeof(hdr) - (size_t)got, got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("cannot read COW file %s: %s", cow, strerror(errno));
		if (r == 0)
			break;
		got += r;
	}
	if (cow_header_decode(hdr, (size_t)got, &h) < 0)
		die("%s is not a valid COW file (bad or corrupt header)", cow);
	if (h.bitmap_len > (unsigned long long)cst.st_size ||
	    h.bitmap_offset > (unsigned long long)cst.st_size - h.bitmap_len)
		die("COW file %s is truncated: its bitmap ends at %llu, the file at %llu", cow,
		    (unsigned long long)(h.bitmap_offset + h.bitmap_len),
		    (unsigned long long)cst.st_size);
	if (!backing)
		backing = h.backing;

	bfd = open(backing, in_place ? O_RDWR : O_RDONLY);
	if (bfd < 0 || fstat(bfd, &bst) < 0)
		die("cannot open backing file %s: %s", backing, strerror(errno));
	size = S_ISREG(bst.st_mode) ? (unsigned long long)bst.st_size
				    : (unsigned long long)lseek(bfd, 0, SEEK_END);
	if (size != h.backing_size)
		die("size mismatch (%llu vs %llu) of COW file %s and backing file %s",
		    (unsigned long long)h.backing_size, size, cow, backing);
	bmtime = (unsigned long long)bst.st_mtime;
	/* v1-v3 store 32 bits of the mtime, a broken v3 all 64. */
	if (h.mtime != bmtime && h.mtime != (bmtime & 0xffffffffULL))
		die("mtime mismatch (%llu vs %llu) of COW file %s and backing file %s",
		    (unsigned long long)h.mtime, bmtime, cow, backing);

	ss = h.sectorsize;
	sectors = size / ss + (size % ss != 0);
	if (h.bitmap_len > (size_t)-1 || ss > CHUNK)
		die("COW file %s: bitmap or sector size too large", cow);
	bitmap = malloc(h.bitmap_len ? (size_t)h.bitmap_len : 1);
	buf = malloc(CHUNK);
	if (!bitmap || !buf)
		die("out of memory");
	if (read_full(cfd, bitmap, (size_t)h.bitmap_len, (off_t)h.bitmap_offset) < 0)
		die("cannot read the bitmap of %s: %s", cow, strerror(errno));

	if (!in_place) {
		ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (ofd < 0)
			die("cannot create %s: %s", out, strerror(errno));
	}
	/* Runs of sectors, CHUNK bytes at most: backing, then COW sectors over it. */
	for (first = 0; first < sectors; first += n) {
		n = CHUNK / ss;
		if (n > sectors - first)
			n = sectors - first;
		off = first * ss;
		len = n * ss;
		if (len > size - off)
			len = size - off;
		if (!in_place && read_full(bfd, buf, (size_t)len, (off_t)off) < 0)
			die("cannot read backing file %s: %s", backing, strerror(errno));
		for (i = 0; i < n; i++) {
			s = first + i;
			if (!cow_sector_present(bitmap, s))
				continue;
			l = ss;
			if (l > len - i * ss)
				l = len - i * ss;
			if (read_full(cfd, buf + i * ss, (size_t)l, (off_t)(h.data_offset + s * ss)) < 0)
				die("cannot read sector %llu of COW file %s: %s", s, cow,
				    errno == EIO ? "the file is truncated" : strerror(errno));
			if (in_place && write_full(bfd, buf + i * ss, (size_t)l, (off_t)(s * ss)) < 0)
				die("cannot write backing file %s: %s", backing, strerror(errno));
		}
		if (!in_place && write_full(ofd, buf, (size_t)len, (off_t)off) < 0)
			die("cannot write %s: %s", out, strerror(errno));
	}
	if (!in_place) {
		if (ftruncate(ofd, (off_t)size) < 0 || fsync(ofd) < 0 || close(ofd) < 0)
			die("cannot write %s: %s", out, strerror(errno));
	} else if (fsync(bfd) < 0) {
		die("cannot write backing file %s: %s", backing, strerror(errno));
	}
	close(bfd);
	close(cfd);
	free(bitmap);
	free(buf);
	return 0;
}
