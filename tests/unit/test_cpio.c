/*
 * Unit tests for fs/cpio.c.
 *
 * Real archives come from the host's cpio tool (-H newc and -H crc) run
 * over a tree made in a temporary directory; every field of every entry
 * is checked against lstat() of the file it came from. Hand-made archives
 * cover each kind of damage the parser must refuse. Finally the archives
 * are cut at every length and randomly corrupted: the parser must return
 * 0 or -EINVAL, hand out only entries that lie inside the buffer, and
 * (under ASan, with buffers allocated to the exact length) never read
 * outside it.
 */
#include "types.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <unistd.h>

#include "krename.h"
#include "cpio.h"
#include "kunrename.h"
#include "unit.h"

#define MAX_ENTRIES 64

/* What a parse handed out, copied so it outlives the buffer. */
struct seen {
	int n;
	struct cpio_entry e[MAX_ENTRIES];
	char name[MAX_ENTRIES][300];
	int stop_at;          /* return 99 from the callback for entry stop_at */
	const u8 *buf;        /* bounds every entry must lie in */
	size_t len;
	int out_of_bounds;
};

static int record(void *ctx, const struct cpio_entry *e)
{
	struct seen *s = ctx;
	const u8 *name = (const u8 *)e->name, *data = e->data;

	if (name < s->buf || (size_t)(name - s->buf) > s->len ||
	    e->namelen >= s->len - (size_t)(name - s->buf) ||
	    name[e->namelen] != '\0' || strlen(e->name) != e->namelen ||
	    e->namelen == 0)
		s->out_of_bounds++;
	if (data < s->buf || (size_t)(data - s->buf) > s->len ||
	    e->size > s->len - (size_t)(data - s->buf))
		s->out_of_bounds++;
	if (s->n < MAX_ENTRIES) {
		s->e[s->n] = *e;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s", e->name);
	}
	if (++s->n == s->stop_at)
		return 99;
	return 0;
}

static int parse(const void *buf, size_t len, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	s->buf = buf;
	s->len = len;
	return cpio_parse(buf, len, record, s);
}

/* ---- archives built by hand ---- */

struct mem {
	u8 *p;
	size_t len, cap;
};

static void mem_put(struct mem *m, const void *data, size_t n)
{
	if (m->len + n > m->cap) {
		m->cap = (m->len + n) * 2 + 64;
		m->p = realloc(m->p, m->cap);
	}
	memcpy(m->p + m->len, data, n);
	m->len += n;
}

static void mem_pad4(struct mem *m)
{
	static const u8 zeros[4];

	mem_put(m, zeros, (4 - (m->len & 3)) & 3);
}

/*
 * Appends one entry. namesize is normally strlen(name) + 1 but can be
 * given (non-zero) to lie; crc picks the 070702 magic and checksum.
 */
static bool lowercase_hex; /* write the header fields in lowercase */

static void add_entry(struct mem *m, bool crc, u32 ino, u32 mode,
		      const char *name, u32 namesize, const void *data,
		      u32 size)
{
	const char *fmt = lowercase_hex ? "%08x" : "%08X";
	u32 fields[13] = { ino, mode, 1000, 100, 1, 1700000000, size, 8, 1,
			   0, 0, namesize, 0 };
	char hdr[120];
	u32 sum = 0, i;

	for (i = 0; i < size; i++)
		sum += ((const u8 *)data)[i];
	if (!namesize)
		fields[11] = strlen(name) + 1;
	if (crc)
		fields[12] = sum;
	strcpy(hdr, crc ? "070702" : "070701");
	for (i = 0; i < 13; i++)
		snprintf(hdr + 6 + 8 * i, 9, fmt, fields[i]);
	mem_put(m, hdr, 110);
	mem_put(m, name, strlen(name) + 1);
	mem_pad4(m);
	mem_put(m, data, size);
	mem_pad4(m);
}

static void add_trailer(struct mem *m, bool crc)
{
	add_entry(m, crc, 0, 0, "TRAILER!!!", 0, "", 0);
}

/* A small archive with a directory, files of sizes 0..5 and a symlink. */
static struct mem small_archive(bool crc)
{
	struct mem m = { 0 };
	char name[16];
	int i;

	add_entry(&m, crc, 1, S_IFDIR | 0755, "dir", 0, "", 0);
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "dir/f%d", i);
		add_entry(&m, crc, 2 + i, S_IFREG | 0644, name, 0, "abcde", i);
	}
	add_entry(&m, crc, 9, S_IFLNK | 0777, "ln", 0, "dir/f1", 6);
	add_trailer(&m, crc);
	return m;
}

static void test_handmade(void)
{
	struct mem m = small_archive(false), c = small_archive(true), x;
	struct seen s;
	u8 *buf, *data;
	int r;

	r = parse(m.p, m.len, &s);
	CHECK(r == 0 && s.n == 8 && !s.out_of_bounds, "small archive: %d %d", r, s.n);
	CHECK(!strcmp(s.name[0], "dir") && s.e[0].mode == (S_IFDIR | 0755) &&
		      s.e[0].uid == 1000 && s.e[0].gid == 100 &&
		      s.e[0].nlink == 1 && s.e[0].mtime == 1700000000 &&
		      s.e[0].ino == 1 && s.e[0].devmajor == 8 &&
		      s.e[0].devminor == 1 && s.e[0].size == 0,
	      "fields of the first entry");
	CHECK(s.e[4].size == 3 && !memcmp(s.e[4].data, "abc", 3) &&
		      !strcmp(s.name[4], "dir/f3") && s.e[4].namelen == 6,
	      "a file's data");
	CHECK(s.e[7].size == 6 && !memcmp(s.e[7].data, "dir/f1", 6),
	      "a symlink's target");

	r = parse(c.p, c.len, &s);
	CHECK(r == 0 && s.n == 8, "crc archive: %d %d", r, s.n);
	/* dir/f5's data starts 120 bytes into its entry, 10 past the name. */
	data = memmem(c.p, c.len, "dir/f5", 7);
	CHECK(data && !memcmp(data + 10, "abcde", 5), "crc layout");
	if (data)
		data[10] ^= 1;
	r = parse(c.p, c.len, &s);
	CHECK(r == -EINVAL && s.n == 0, "bad checksum: %d %d", r, s.n);

	/* Lowercase hex is as good as uppercase. */
	lowercase_hex = true;
	x = small_archive(true);
	lowercase_hex = false;
	CHECK(memmem(x.p, x.len, "000041ed", 8) != NULL, "lowercase archive");
	r = parse(x.p, x.len, &s);
	CHECK(r == 0 && s.n == 8, "lowercase hex: %d", r);
	free(x.p);

	/* The callback's non-zero return stops the walk and is returned. */
	memset(&s, 0, sizeof(s));
	s.buf = m.p;
	s.len = m.len;
	s.stop_at = 2;
	r = cpio_parse(m.p, m.len, record, &s);
	CHECK(r == 99 && s.n == 2, "callback stop: %d %d", r, s.n);
	CHECK(cpio_parse(m.p, m.len, NULL, NULL) == 0, "NULL callback");

	CHECK(parse("", 0, &s) == 0 && s.n == 0, "empty buffer");
	buf = calloc(1, 1000);
	CHECK(parse(buf, 1000, &s) == 0 && s.n == 0, "only NUL bytes");
	free(buf);

	/* Missing trailer: refused before any entry is handed out. */
	r = parse(m.p, m.len - 124, &s);
	CHECK(r == -EINVAL && s.n == 0, "missing trailer: %d %d", r, s.n);
	/* The trailer's own padding may be cut off by the end of the buffer. */
	r = parse(m.p, m.len - 2, &s);
	CHECK(r == 0 && s.n == 8, "trailer padding cut: %d", r);

	free(m.p);
	free(c.p);
	unit_group_end("cpio/handmade");
}

/* Builds an archive with one odd entry and checks that it is refused. */
static void expect_einval(int line, const char *what, struct mem *m)
{
	struct seen s;
	int r;

	add_trailer(m, false);
	r = parse(m->p, m->len, &s);
	if (r != -EINVAL || s.n != 0)
		unit_fail("line %d: %s: got %d, %d entries", line, what, r, s.n);
	free(m->p);
	memset(m, 0, sizeof(*m));
}

#define BAD(what, m) expect_einval(__LINE__, what, m)

static void test_damage(void)
{
	struct mem m = { 0 }, z;
	struct seen s;
	char zeros[64] = { 0 };
	int r;

	add_entry(&m, false, 1, S_IFREG, "f", 0, "x", 1);
	memcpy(m.p, "070707", 6);
	BAD("odc magic", &m);

	add_entry(&m, false, 1, S_IFREG, "f", 0, "x", 1);
	m.p[6 + 8 + 3] = 'g';
	BAD("non-hex digit in mode", &m);

	add_entry(&m, false, 1, S_IFREG, "f", 0, "x", 1);
	m.p[6 + 12 * 8 + 7] = ' ';
	BAD("space in check", &m);

	add_entry(&m, false, 1, S_IFREG, "f", 0, "x", 1);
	m.p[6 + 6 * 8] = '-';
	BAD("sign in filesize", &m);

	add_entry(&m, false, 1, S_IFREG, "f", 1, "", 0);
	BAD("namesize 1 (empty name)", &m);

	add_entry(&m, false, 1, S_IFREG, "f", 0, "", 0);
	memcpy(m.p + 6 + 11 * 8, "00000000", 8);
	BAD("namesize 0", &m);

	add_entry(&m, false, 1, S_IFREG, "abc", 3, "", 0);
	BAD("name without NUL at namesize", &m);

	add_entry(&m, false, 1, S_IFREG, "abcdefg", 0, "", 0);
	m.p[112] = '\0';
	BAD("NUL inside the name", &m);

	add_entry(&m, false, 1, S_IFREG, "f", 0, "", 0);
	memcpy(m.p + 6 + 11 * 8, "FFFFFFFF", 8);
	BAD("huge namesize", &m);

	add_entry(&m, false, 1, S_IFREG, "f", 0, "xyz", 3);
	memcpy(m.p + 6 + 6 * 8, "FFFFFFFF", 8);
	BAD("huge filesize", &m);

	add_entry(&m, false, 1, S_IFREG, "f", 0, "xyz", 3);
	memcpy(m.p + 6 + 6 * 8, "00001000", 8);
	BAD("filesize past the end", &m);

	/* Junk after a trailer, and junk where a header should start. */
	add_entry(&m, false, 1, S_IFREG, "f", 0, "xyz", 3);
	add_trailer(&m, false);
	mem_put(&m, "junk", 4);
	BAD("junk after a trailer", &m);
	mem_put(&m, "\0\0\0\0x", 5);
	BAD("junk before the archive", &m);

	/* Header cut inside the magic and inside the fields. */
	add_entry(&m, false, 1, S_IFREG, "f", 0, "xyz", 3);
	r = parse(m.p, 3, &s);
	CHECK(r == -EINVAL, "cut in magic: %d", r);
	r = parse(m.p, 50, &s);
	CHECK(r == -EINVAL, "cut in fields: %d", r);
	free(m.p);
	memset(&m, 0, sizeof(m));

	/* Two archives with NUL padding in between and after. */
	z = small_archive(false);
	mem_put(&m, z.p, z.len);
	mem_put(&m, zeros, 12);
	mem_put(&m, z.p, z.len);
	mem_put(&m, zeros, 64);
	r = parse(m.p, m.len, &s);
	CHECK(r == 0 && s.n == 16 && !strcmp(s.name[8], "dir"),
	      "concatenated archives: %d %d", r, s.n);
	free(z.p);
	free(m.p);
	unit_group_end("cpio/damage");
}

/* ---- archives from the host's cpio tool ---- */

static char tmpdir[] = "/tmp/unit-cpio.XXXXXX";
static char root[64];

static int run(const char *cmd)
{
	int r = system(cmd);

	return r == 0 ? 0 : -1;
}

static void write_file(const char *rel, size_t size, mode_t mode)
{
	char path[512];
	u8 *data = malloc(size + 1);
	size_t i;
	int fd;

	for (i = 0; i < size; i++)
		data[i] = (u8)random();
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		if (write(fd, data, size) != (ssize_t)size)
			unit_fail("write %s", path);
		fchmod(fd, mode);
		close(fd);
	}
	free(data);
}

/* Makes a tree with every kind of file cpio stores; 0 or -1. */
static int make_tree(void)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 100, 511, 4097 };
	char path[512], rel[300], longname[220];
	struct timeval tv[2] = { { 1234567890, 0 }, { 1234567890, 0 } };
	size_t i;

	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(root, sizeof(root), "%s/root", tmpdir);
	snprintf(path, sizeof(path), "%s/d", root);
	if (mkdir(root, 0755) || mkdir(path, 0711) || chmod(path, 0711))
		return -1;
	snprintf(path, sizeof(path), "%s/d/sub", root);
	if (mkdir(path, 0750) || chmod(path, 0750))
		return -1;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(rel, sizeof(rel), "d/f%zu", sizes[i]);
		write_file(rel, sizes[i], i & 1 ? 0755 : 0640);
	}
	write_file("setuid", 10, 04755);
	memset(longname, 'L', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	write_file(longname, 33, 0644);
	write_file("with space", 3, 0600);
	write_file("hard1", 600, 0644);
	snprintf(path, sizeof(path), "%s/hard1", root);
	snprintf(rel, sizeof(rel), "%s/hard2", root);
	if (link(path, rel))
		return -1;
	snprintf(path, sizeof(path), "%s/d/f100", root);
	utimes(path, tv);
	if (chown(path, 1234, 5678) && errno != EPERM)
		return -1;
	snprintf(path, sizeof(path), "%s/link", root);
	if (symlink("d/f100", path))
		return -1;
	snprintf(path, sizeof(path), "%s/fifo", root);
	if (mkfifo(path, 0620))
		return -1;
	/* Device nodes need root; without it the archive just lacks them. */
	snprintf(path, sizeof(path), "%s/null", root);
	mknod(path, S_IFCHR | 0666, makedev(1, 3));
	snprintf(path, sizeof(path), "%s/blk", root);
	mknod(path, S_IFBLK | 0660, makedev(259, 70000 & 0xfffff));
	return 0;
}

static u8 *read_all(const char *path, size_t *len)
{
	struct stat st;
	u8 *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*len = st.st_size;
	return buf;
}

/* Counts the entries under root (itself included), as find lists them. */
static int count_tree(const char *dir)
{
	struct dirent *de;
	char path[600];
	struct stat st;
	int n = 1;
	DIR *d = opendir(dir);

	if (!d)
		return 1;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!lstat(path, &st) && S_ISDIR(st.st_mode))
			n += count_tree(path);
		else
			n++;
	}
	closedir(d);
	return n;
}

/* Checks every field of every entry against the file it came from. */
static void check_against_tree(const char *what, const u8 *buf, size_t len)
{
	struct seen *s = malloc(sizeof(*s));
	char path[600], target[300];
	const char *rel;
	struct stat st;
	u8 *data;
	size_t dlen;
	int r, i, hard_data = 0, hard_empty = 0;

	r = parse(buf, len, s);
	CHECK(r == 0 && !s->out_of_bounds, "%s: parse %d", what, r);
	CHECK(s->n == count_tree(root), "%s: %d entries, %d files", what, s->n,
	      count_tree(root));
	for (i = 0; i < s->n && i < MAX_ENTRIES; i++) {
		const struct cpio_entry *e = &s->e[i];

		rel = s->name[i];
		if (!strncmp(rel, "./", 2))
			rel += 2;
		snprintf(path, sizeof(path), "%s/%s", root, rel);
		if (lstat(path, &st)) {
			unit_fail("%s: entry '%s' names no file", what, s->name[i]);
			continue;
		}
		CHECK(e->mode == st.st_mode && e->uid == st.st_uid &&
			      e->gid == st.st_gid && e->nlink == st.st_nlink &&
			      e->mtime == (u64)st.st_mtime &&
			      e->ino == (u32)st.st_ino,
		      "%s: '%s' mode %o/%o uid %u gid %u nlink %u mtime %llu",
		      what, rel, e->mode, st.st_mode, e->uid, e->gid, e->nlink,
		      (unsigned long long)e->mtime);
		CHECK(e->devmajor == major(st.st_dev) &&
			      e->devminor == minor(st.st_dev),
		      "%s: '%s' dev %u:%u", what, rel, e->devmajor, e->devminor);
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			CHECK(e->rdevmajor == major(st.st_rdev) &&
				      e->rdevminor == minor(st.st_rdev) &&
				      e->size == 0,
			      "%s: '%s' rdev %u:%u", what, rel, e->rdevmajor,
			      e->rdevminor);
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(path, target, sizeof(target));

			CHECK(n >= 0 && e->size == (size_t)n &&
				      !memcmp(e->data, target, n),
			      "%s: symlink '%s'", what, rel);
		} else if (S_ISREG(st.st_mode) && st.st_nlink > 1 &&
			   e->size == 0) {
			/* newc stores a hard-linked file's data once. */
			hard_empty++;
		} else if (S_ISREG(st.st_mode)) {
			hard_data += st.st_nlink > 1;
			data = read_all(path, &dlen);
			CHECK(data && e->size == dlen &&
				      !memcmp(e->data, data, dlen),
			      "%s: contents of '%s' (%zu bytes)", what, rel,
			      e->size);
			free(data);
		} else {
			CHECK(e->size == 0, "%s: '%s' has data", what, rel);
		}
	}
	CHECK(hard_data == 1 && hard_empty == 1,
	      "%s: hard links: %d with data, %d without", what, hard_data,
	      hard_empty);
	free(s);
}

/* Parses buf cut or damaged: 0 or -EINVAL, entries inside the buffer. */
static void fuzz_one(const char *what, const u8 *src, size_t len)
{
	struct seen *s = malloc(sizeof(*s));
	u8 *copy = malloc(len ? len : 1); /* exact size: ASan sees overreads */
	int r;

	memcpy(copy, src, len);
	r = parse(copy, len, s);
	CHECK(r == 0 || r == -EINVAL, "%s: len %zu returned %d", what, len, r);
	CHECK(!s->out_of_bounds, "%s: len %zu: entry outside the buffer", what,
	      len);
	free(copy);
	free(s);
}

/* Header offsets of every entry (trailers included), for aimed damage. */
static size_t header_offsets(const u8 *buf, size_t len, size_t *offs,
			     size_t max)
{
	size_t n = 0, i;

	for (i = 0; i + 6 <= len && n < max; i += 2) {
		if (!memcmp(buf + i, "07070", 5))
			offs[n++] = i;
	}
	return n;
}

static void fuzz(const char *what, const u8 *buf, size_t len, int rounds)
{
	static const char chars[] = "0123456789abcdefABCDEFgxX!\377";
	size_t offs[256], noffs = header_offsets(buf, len, offs, 256), i, pos;
	u8 *copy = malloc(len);
	int k, j, flips;

	for (i = 0; i <= len; i++)
		fuzz_one(what, buf, i);
	for (k = 0; k < rounds; k++) {
		memcpy(copy, buf, len);
		flips = 1 + random() % 4;
		for (j = 0; j < flips; j++) {
			/* Half the damage goes into a header or a name. */
			if (noffs && random() % 2)
				pos = offs[random() % noffs] + random() % 140;
			else
				pos = random() % len;
			if (pos >= len)
				continue;
			if (random() % 2)
				copy[pos] = chars[random() % (sizeof(chars) - 1)];
			else
				copy[pos] = (u8)random();
		}
		fuzz_one(what, copy, random() % 8 ? len : random() % (len + 1));
	}
	free(copy);
}

static void test_host_archives(void)
{
	char cmd[512], path[256];
	u8 *newc, *crc, *both;
	size_t newc_len, crc_len;

	if (run("command -v cpio >/dev/null 2>&1")) {
		printf("SKIP: unit/cpio/host-archives: no cpio tool on the host\n");
		return;
	}
	if (make_tree()) {
		unit_fail("cannot make the test tree in %s: %s", tmpdir,
			  strerror(errno));
		unit_group_end("cpio/host-archives");
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (strchr(tmpdir, 'X') == NULL && run(cmd))
			fprintf(stderr, "warning: could not remove %s\n", tmpdir);
		return;
	}
	snprintf(cmd, sizeof(cmd),
		 "cd %s && find . | cpio -o -H newc --quiet > ../newc.cpio && "
		 "find . | cpio -o -H crc --quiet > ../crc.cpio",
		 root);
	CHECK(!run(cmd), "running cpio failed: %s", cmd);
	snprintf(path, sizeof(path), "%s/newc.cpio", tmpdir);
	newc = read_all(path, &newc_len);
	snprintf(path, sizeof(path), "%s/crc.cpio", tmpdir);
	crc = read_all(path, &crc_len);
	if (newc && crc) {
		check_against_tree("newc", newc, newc_len);
		check_against_tree("crc", crc, crc_len);
		unit_group_end("cpio/host-archives");

		/* Both formats back to back, with extra NUL padding. */
		both = calloc(1, newc_len + crc_len + 20);
		memcpy(both, newc, newc_len);
		memcpy(both + newc_len + 8, crc, crc_len);
		{
			struct seen *s = malloc(sizeof(*s));
			int r = parse(both, newc_len + crc_len + 20, s);

			CHECK(r == 0 && s->n == 2 * count_tree(root),
			      "newc + crc: %d, %d entries", r, s->n);
			free(s);
		}
		free(both);
		unit_group_end("cpio/host-concatenated");

		fuzz("newc", newc, newc_len, 20000);
		fuzz("crc", crc, crc_len, 20000);
		unit_group_end("cpio/fuzz-host-archives");
	} else {
		unit_fail("cpio produced no archive");
		unit_group_end("cpio/host-archives");
	}
	free(newc);
	free(crc);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (run(cmd))
		fprintf(stderr, "warning: could not remove %s\n", tmpdir);
}

static void test_fuzz_handmade(void)
{
	struct mem m = small_archive(false), c = small_archive(true);

	fuzz("handmade newc", m.p, m.len, 20000);
	fuzz("handmade crc", c.p, c.len, 20000);
	free(m.p);
	free(c.p);
	unit_group_end("cpio/fuzz-handmade");
}

int main(void)
{
	srandom(3);
	test_handmade();
	test_damage();
	test_host_archives();
	test_fuzz_handmade();
	return unit_any_failed;
}
