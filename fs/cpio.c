/*
 * cpio "newc"/"crc" archive parser (see cpio.h).
 *
 * Every offset is checked against the buffer length before anything at it
 * is read, with the comparisons written as "size > len - off" so that
 * no sum can wrap around. The archive is walked twice: once to check all
 * of it, and once more to hand the entries to the callback.
 */
#include "cpio.h"
#include "kstring.h"
#include <asm-generic/errno-base.h>

#define CPIO_HDR_LEN 110
#define CPIO_MAGIC_LEN 6
#define CPIO_FIELD_LEN 8
#define CPIO_TRAILER "TRAILER!!!"
#define CPIO_S_IFMT 0170000
#define CPIO_S_IFREG 0100000

/* The header fields after the magic, in the order they are stored. */
enum cpio_field {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
	F_COUNT
};

/* Parses 8 hex digits (either case) at p; -EINVAL if any is not one. */
static int parse_hex8(const u8 *p, u32 *out)
{
	u32 v = 0;
	int i;
	u8 c;

	for (i = 0; i < CPIO_FIELD_LEN; i++) {
		c = p[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return -EINVAL;
		v = v << 4 | c;
	}
	*out = v;
	return 0;
}

/* Bytes needed after n bytes to reach a multiple of 4. */
static size_t pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

/* The crc format's checksum: the sum of all data bytes, modulo 2^32. */
static u32 data_checksum(const u8 *p, size_t n)
{
	u32 sum = 0;

	while (n--)
		sum += *p++;
	return sum;
}

/*
 * Decodes the entry whose header starts at buf + off into *e. On success
 * sets *next to the offset just past the entry's data padding (or to len
 * when the padding is cut off by the end of the buffer) and *trailer to
 * whether it is the end-of-archive marker. Returns -EINVAL for any of the
 * defects listed at cpio_parse.
 */
static int parse_entry(const u8 *buf, size_t len, size_t off,
		       struct cpio_entry *e, size_t *next, bool *trailer)
{
	const u8 *h = buf + off;
	u32 f[F_COUNT];
	size_t name_off, namesize, data_off;
	bool crc;
	int i;

	if (len - off < CPIO_HDR_LEN)
		return -EINVAL;
	if (memcmp(h, "07070", 5) || (h[5] != '1' && h[5] != '2'))
		return -EINVAL;
	crc = h[5] == '2';
	for (i = 0; i < F_COUNT; i++) {
		if (parse_hex8(h + CPIO_MAGIC_LEN + i * CPIO_FIELD_LEN, &f[i]))
			return -EINVAL;
	}

	/* The name: at least one character, then exactly one NUL. */
	name_off = off + CPIO_HDR_LEN;
	namesize = f[F_NAMESIZE];
	if (namesize < 2 || namesize > len - name_off)
		return -EINVAL;
	if (buf[name_off + namesize - 1] != '\0' ||
	    memchr(buf + name_off, '\0', namesize - 1))
		return -EINVAL;

	/* The data follows the name's padding; padding may be cut at the end. */
	data_off = name_off + namesize + pad4(CPIO_HDR_LEN + namesize);
	if (data_off > len)
		data_off = len;
	if (f[F_FILESIZE] > len - data_off)
		return -EINVAL;
	/* Writers leave the checksum of symlinks at 0, so only files count. */
	if (crc && (f[F_MODE] & CPIO_S_IFMT) == CPIO_S_IFREG &&
	    data_checksum(buf + data_off, f[F_FILESIZE]) != f[F_CHECK])
		return -EINVAL;

	e->name = (const char *)buf + name_off;
	e->namelen = namesize - 1;
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->ino = f[F_INO];
	e->devmajor = f[F_DEVMAJOR];
	e->devminor = f[F_DEVMINOR];
	e->rdevmajor = f[F_RDEVMAJOR];
	e->rdevminor = f[F_RDEVMINOR];
	e->data = buf + data_off;
	e->size = f[F_FILESIZE];

	*next = data_off + e->size + pad4(e->size);
	if (*next > len)
		*next = len;
	*trailer = e->namelen == sizeof(CPIO_TRAILER) - 1 &&
		   !memcmp(e->name, CPIO_TRAILER, e->namelen);
	return 0;
}

/*
 * One pass over the buffer. Between archives (at the start and after each
 * trailer) NUL bytes are skipped and the end of the buffer is a clean end;
 * inside an archive the end of the buffer means the trailer is missing.
 * With a NULL cb this only checks the archive.
 */
static int cpio_walk(const u8 *buf, size_t len,
		     int (*cb)(void *ctx, const struct cpio_entry *e),
		     void *ctx)
{
	struct cpio_entry e;
	bool in_archive = false, trailer;
	size_t off = 0, next;
	int ret;

	for (;;) {
		if (!in_archive) {
			while (off < len && !buf[off])
				off++;
			if (off == len)
				return 0;
		} else if (off == len) {
			return -EINVAL;
		}
		if (parse_entry(buf, len, off, &e, &next, &trailer))
			return -EINVAL;
		off = next;
		in_archive = !trailer;
		if (trailer || !cb)
			continue;
		ret = cb(ctx, &e);
		if (ret)
			return ret;
	}
}

int cpio_parse(const void *buf, size_t len,
	       int (*cb)(void *ctx, const struct cpio_entry *e), void *ctx)
{
	int ret = cpio_walk(buf, len, NULL, NULL);

	if (ret || !cb)
		return ret;
	return cpio_walk(buf, len, cb, ctx);
}
