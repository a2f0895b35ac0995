/*
 * Parser for the cpio formats used by initramfs: "newc" (magic 070701)
 * and "crc" (magic 070702, the same layout plus a checksum of the data).
 *
 * An archive is a run of entries, each a 110-byte ASCII header of 8-digit
 * hex fields, the NUL-terminated name padded to a multiple of 4 bytes
 * (counted from the header's start) and the data padded the same way. An
 * entry named "TRAILER!!!" ends an archive. Several archives may follow
 * each other, separated by any number of NUL bytes, as the kernel allows
 * for initramfs images.
 */
#ifndef CPIO_H
#define CPIO_H

#include "types.h"

/* One archive member, pointing into the caller's buffer. */
struct cpio_entry {
	const char *name;   /* NUL-terminated, exactly as stored */
	size_t namelen;     /* strlen(name); never 0 */
	u32 mode;           /* file type and permission bits (S_IF*) */
	u32 uid;
	u32 gid;
	u32 nlink;
	u64 mtime;          /* seconds since the epoch */
	u32 ino;
	u32 devmajor, devminor;   /* device the file lived on */
	u32 rdevmajor, rdevminor; /* for device nodes: the device itself */
	const void *data;   /* file contents (symlinks: the target) */
	size_t size;        /* bytes at data */
};

/*
 * Walks the archives in buf[0..len) and calls cb for each entry except
 * the trailers, in order. The whole buffer is checked before the first
 * call, so a damaged archive produces no calls at all: a bad magic, a
 * field that is not 8 hex digits, an empty name or one that is not
 * NUL-terminated exactly at its stated size, a name or data running past
 * the end of buf, a wrong data checksum of a regular file in a "crc"
 * archive (other entries carry none), a missing trailer,
 * or anything other than NUL bytes after a trailer all make it return
 * -EINVAL. It reads nothing outside buf and allocates nothing.
 *
 * Returns 0 when every entry was handed over, the first non-zero value cb
 * returned (which stops the walk), or -EINVAL. An empty buffer, or one
 * holding only NUL bytes, is a valid source of no entries. Names are not
 * normalised: they may or may not start with "./". A NULL cb only
 * checks the archive.
 */
int cpio_parse(const void *buf, size_t len,
	       int (*cb)(void *ctx, const struct cpio_entry *e), void *ctx);

#endif
