/*
 * uml_mkcow [-f] COW BACKING: creates a UML COW file (version 3, 512-byte
 * sectors, 4096-byte alignment) over BACKING, the way Debian's
 * uml-utilities tool does: the header names BACKING by an absolute path
 * and records its size and mtime; the file is sparse, one byte written at
 * its end. An existing COW file is kept unless -f is given.
 * The format lives in drivers/block/cow.c, compiled in.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cow.h"

static const char *prog = "uml_mkcow";

static void usage(void)
{
	fprintf(stderr, "%s usage: \n\t%s [-f] <COW file> <backing file>\n"
		"\t-f forces overwrite of an existing COW file\n", prog, prog);
	exit(2);
}

/*
 * The absolute name of path: its directory resolved (symbolic links of the
 * directories too), then its last component as given.
 */
static int absolute_path(const char *path, char *out, size_t outlen)
{
	char *d = strdup(path), *b = strdup(path), dir[PATH_MAX];
	const char *dn, *bn;
	int n, rc = -1;

	if (!d || !b)
		goto out;
	dn = dirname(d);
	bn = basename(b);
	if (!realpath(dn, dir))
		goto out;
	n = snprintf(out, outlen, "%s/%s", strcmp(dir, "/") ? dir : "", bn);
	if (n < 0 || (size_t)n >= outlen) {
		errno = ENAMETOOLONG;
		goto out;
	}
	rc = 0;
out:
	free(d);
	free(b);
	return rc;
}

int main(int argc, char **argv)
{
	static struct cow_header h;
	static unsigned char hdr[COW_V3_HEADER_SIZE];
	const char *cow, *backing;
	int force = 0, fd, bfd, flags;
	struct stat st;
	off_t size;
	unsigned long long end;

	if (argc > 1 && !strcmp(argv[1], "-f")) {
		force = 1;
		argv++;
		argc--;
	}
	if (argc != 3)
		usage();
	cow = argv[1];
	backing = argv[2];

	bfd = open(backing, O_RDONLY);
	if (bfd < 0 || fstat(bfd, &st) < 0) {
		fprintf(stderr, "%s: cannot open backing file %s: %s\n", prog, backing,
			strerror(errno));
		return 1;
	}
	size = S_ISREG(st.st_mode) ? st.st_size : lseek(bfd, 0, SEEK_END);
	close(bfd);
	if (size < 0) {
		fprintf(stderr, "%s: cannot find the size of %s: %s\n", prog, backing,
			strerror(errno));
		return 1;
	}

	memset(&h, 0, sizeof(h));
	h.version = 3;
	h.backing_size = (unsigned long long)size;
	h.mtime = (unsigned long long)st.st_mtime;
	h.sectorsize = 512;
	h.alignment = 4096;
	h.cow_format = 0;
	if (absolute_path(backing, h.backing, sizeof(h.backing)) < 0) {
		fprintf(stderr, "%s: cannot make an absolute path of %s: %s\n", prog,
			backing, strerror(errno));
		return 1;
	}
	cow_layout(&h);
	end = h.data_offset + h.backing_size;

	flags = O_RDWR | O_CREAT | (force ? O_TRUNC : O_EXCL);
	fd = open(cow, flags, 0644);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot create COW file %s: %s%s\n", prog, cow,
			strerror(errno), errno == EEXIST ? " (use -f to overwrite it)" : "");
		return 1;
	}
	if (cow_header_encode_v3(&h, hdr, sizeof(hdr)) != sizeof(hdr) ||
	    pwrite(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    (end > sizeof(hdr) ? pwrite(fd, "", 1, (off_t)end - 1) != 1
			       : ftruncate(fd, (off_t)end) < 0) ||
	    fsync(fd) < 0 || close(fd) < 0) {
		fprintf(stderr, "%s: cannot write COW file %s: %s\n", prog, cow,
			strerror(errno));
		unlink(cow);
		return 1;
	}
	return 0;
}
