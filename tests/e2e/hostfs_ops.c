/*
 * File operations on a directory, with results printed one per line:
 * tests/e2e/hostfs.sh runs it natively on a host directory and inside
 * ./linux on a hostfs mount of another one, and the two outputs must be
 * the same (the host kernel is the reference). Nothing printed depends on
 * the machine: no inode or device numbers, no times the test did not set.
 *
 *   hostfs_ops <empty directory>
 *   hostfs_ops --swap <a> <b> <ms>   exchanges a and b (renameat2) as fast
 *                                    as it can for ms milliseconds: a race
 *                                    for hostfs.sh to run guest work in
 *   hostfs_ops --hold <dir> <n>      opens n files in dir at once, says how
 *                                    many it got, closes them and opens one
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE	 2
#endif

/* "ok" or the error, for a call that returns -1 on failure. */
static void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, strerror(errno));
	else
		printf("%s: ok %ld\n", what, r);
}

/* An open: "ok" and closed (descriptor numbers differ between runs). */
static void show_open(const char *what, int fd)
{
	if (fd < 0) {
		printf("%s: %s\n", what, strerror(errno));
		return;
	}
	printf("%s: ok\n", what);
	close(fd);
}

static void show_stat(const char *what, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		printf("%s: %s\n", what, strerror(errno));
		return;
	}
	printf("%s: mode %o nlink %lu size %lld\n", what, (unsigned)st.st_mode,
	       (unsigned long)st.st_nlink, (long long)st.st_size);
}

static void show_file(const char *what, const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n, k;

	if (fd < 0) {
		printf("%s: %s\n", what, strerror(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	for (k = 0; k < n; k++)
		if (!buf[k])
			buf[k] = '.';
	buf[n > 0 ? n : 0] = 0;
	printf("%s: %zd [%s]\n", what, n, buf);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void show_listing(const char *what, const char *path)
{
	char *names[64];
	int n = 0, k;
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		printf("%s: %s\n", what, strerror(errno));
		return;
	}
	while ((e = readdir(d)) && n < 64)
		names[n++] = strdup(e->d_name);
	/* rewinddir must list the same entries again */
	rewinddir(d);
	k = 0;
	while (readdir(d))
		k++;
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
	printf("%s (%d, again %d):", what, n, k);
	for (k = 0; k < n; k++) {
		printf(" %s", names[k]);
		free(names[k]);
	}
	printf("\n");
}

static void data_ops(void)
{
	char buf[64];
	struct stat st;
	int fd = open("f", O_CREAT | O_EXCL | O_RDWR, 0644);

	show("create", fd < 0 ? -1 : 0);
	show_open("create again, O_EXCL", open("f", O_CREAT | O_EXCL | O_RDWR, 0644));
	show("write", write(fd, "hello world", 11));
	show("pwrite", pwrite(fd, "HELLO", 5, 0));
	show("pwrite past end", pwrite(fd, "!", 1, 20));
	memset(buf, 0, sizeof(buf));
	show("pread", pread(fd, buf, sizeof(buf), 0));
	printf("contents: [%.11s] hole %d%d end [%c]\n", buf, buf[11], buf[19], buf[20]);
	show("lseek end", lseek(fd, 0, SEEK_END));
	show("lseek set", lseek(fd, 6, SEEK_SET));
	memset(buf, 0, sizeof(buf));
	show("read at 6", read(fd, buf, 5));
	printf("read: [%s]\n", buf);
	show("ftruncate shrink", ftruncate(fd, 5));
	show("ftruncate grow", ftruncate(fd, 8));
	memset(buf, 'x', sizeof(buf));
	show("pread after", pread(fd, buf, sizeof(buf), 0));
	printf("after truncate: [%.5s] %d%d%d\n", buf, buf[5], buf[6], buf[7]);
	show("fsync", fsync(fd));
	fstat(fd, &st);
	printf("fstat: size %lld mode %o\n", (long long)st.st_size, (unsigned)st.st_mode);
	close(fd);

	fd = open("f", O_WRONLY | O_APPEND);
	show("append", write(fd, "++", 2));
	close(fd);
	show_file("appended", "f");
	fd = open("f", O_WRONLY | O_TRUNC);
	show("O_TRUNC size", lseek(fd, 0, SEEK_END));
	close(fd);
	show("truncate(path)", truncate("f", 3));
	show_stat("truncated", "f");

	/* A new file whose mode forbids writing: the creating open writes. */
	fd = open("ro", O_CREAT | O_WRONLY, 0400);
	show("write to new 0400 file", write(fd, "mine", 4));
	close(fd);
	show_stat("ro", "ro");
	show_file("ro contents", "ro");
}

static void big_and_sparse(void)
{
	static char blk[65536], back[65536];
	unsigned long sum = 0;
	int fd = open("big", O_CREAT | O_RDWR, 0644), k;
	ssize_t n;

	for (k = 0; k < (int)sizeof(blk); k++)
		blk[k] = (char)(k * 7 + k / 251);
	for (k = 0; k < 16; k++)
		if (write(fd, blk, sizeof(blk)) != (ssize_t)sizeof(blk))
			printf("big: short write\n");
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, back, sizeof(back))) > 0)
		for (k = 0; k < n; k++)
			sum = sum * 31 + (unsigned char)back[k];
	printf("big: sum %lx size %lld\n", sum, (long long)lseek(fd, 0, SEEK_END));
	close(fd);
	fd = open("sparse", O_CREAT | O_RDWR, 0644);
	show("sparse pwrite", pwrite(fd, "end", 3, 3 << 20));
	memset(back, 'x', 16);
	show("hole read", pread(fd, back, 16, 1 << 20));
	printf("hole: %d %d\n", back[0], back[15]);
	close(fd);
	show_stat("sparse", "sparse");
}

static void mapping_ops(void)
{
	int fd = open("m", O_CREAT | O_RDWR | O_TRUNC, 0644);
	char *shared, *priv, buf[32];
	static char page[8192];

	show("m write", write(fd, "aaaaaaaaaaaaaaaa", 16));
	shared = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (shared == MAP_FAILED || priv == MAP_FAILED) {
		printf("mmap: %s\n", strerror(errno));
		close(fd);
		return;
	}
	printf("mapped: [%.16s] [%.16s]\n", shared, priv);
	/* write(2) after mapping: the shared mapping sees it at once. */
	show("m pwrite", pwrite(fd, "BBBB", 4, 2));
	printf("shared after write: [%.16s]\n", shared);
	priv[0] = 'P';
	printf("private copy: [%.16s], file unchanged: [%.16s]\n", priv, shared);
	munmap(shared, 4096);
	munmap(priv, 4096);
	close(fd);
	show_file("m contents", "m");

	/* Stores through a shared writable mapping reach the file. */
	fd = open("w", O_CREAT | O_RDWR | O_TRUNC, 0644);
	memset(page, 'w', sizeof(page));
	show("w write", write(fd, page, sizeof(page)));
	shared = mmap(NULL, sizeof(page), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (shared == MAP_FAILED) {
		printf("mmap shared writable: %s\n", strerror(errno));
		close(fd);
		return;
	}
	memcpy(shared + 100, "stored", 6);
	memcpy(shared + 5000, "page2", 5);
	show("pread sees store", pread(fd, buf, 6, 100));
	printf("stored: [%.6s]\n", buf);
	show("msync", msync(shared, sizeof(page), MS_SYNC));
	memcpy(shared + 200, "after-msync", 11);
	munmap(shared, sizeof(page));
	close(fd);
	fd = open("w", O_RDONLY);
	pread(fd, buf, 6, 100);
	pread(fd, buf + 6, 11, 200);
	pread(fd, buf + 17, 5, 5000);
	printf("w after close: [%.22s]\n", buf);
	close(fd);
}

static void name_ops(void)
{
	char buf[64];
	struct timespec ts[2] = {{1000000000, 123456789}, {1234567890, 987654321}};
	struct stat st;
	int fd;
	ssize_t n;

	show("mkdir", mkdir("d", 0750));
	show("mkdir again", mkdir("d", 0750));
	show("mkdir sub", mkdir("d/sub", 0700));
	show("rmdir non-empty", rmdir("d"));
	show("rmdir file", rmdir("f"));
	show("unlink dir", unlink("d"));
	show_open("open dir for writing", open("d", O_WRONLY));
	show_open("O_DIRECTORY on a file", open("f", O_RDONLY | O_DIRECTORY));
	show_open("open missing", open("nothing/here", O_RDONLY));
	show_stat("dir d", "d");

	show("symlink", symlink("f", "lnk"));
	show("symlink to dir", symlink("d/sub", "dlnk"));
	n = readlink("lnk", buf, sizeof(buf));
	printf("readlink: %.*s\n", (int)(n > 0 ? n : 0), buf);
	show_stat("lstat lnk", "lnk");
	show("stat through link", stat("lnk", &st));
	show_open("create through dir link", open("dlnk/x", O_CREAT | O_WRONLY, 0600));
	show_stat("made via link", "d/sub/x");

	show("link", link("f", "hard"));
	show_stat("hard", "hard");
	show("unlink f", unlink("f"));
	show_stat("hard after unlink", "hard");

	show("rename", rename("hard", "g"));
	show_stat("old name", "hard");
	show("rename dir", rename("d", "e"));
	show_stat("moved child", "e/sub/x");
	show("rename over", rename("ro", "g"));
	show_file("g now", "g");
	show("noreplace", syscall(SYS_renameat2, AT_FDCWD, "g", AT_FDCWD, "m", RENAME_NOREPLACE));
	show("exchange", syscall(SYS_renameat2, AT_FDCWD, "g", AT_FDCWD, "m", RENAME_EXCHANGE));
	show_file("g exchanged", "g");
	show_file("m exchanged", "m");

	show("chmod", chmod("g", 0600));
	show_stat("chmod 0600", "g");
	show("utimensat", utimensat(AT_FDCWD, "g", ts, 0));
	stat("g", &st);
	printf("times: %lld.%09ld %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	show("mkfifo", mkfifo("fifo", 0644));
	show_stat("fifo", "fifo");

	/* An unlinked file stays readable through its descriptor. */
	fd = open("gone", O_CREAT | O_RDWR, 0644);
	show("gone write", write(fd, "still here", 10));
	show("unlink open", unlink("gone"));
	fstat(fd, &st);
	printf("unlinked fstat: nlink %lu size %lld\n", (unsigned long)st.st_nlink,
	       (long long)st.st_size);
	memset(buf, 0, sizeof(buf));
	show("read unlinked", pread(fd, buf, sizeof(buf), 0));
	printf("unlinked: [%s]\n", buf);
	close(fd);
	show_stat("gone", "gone");
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int swap_loop(const char *a, const char *b, double ms)
{
	double end = now_ms() + ms;
	long n = 0;

	while (now_ms() < end) {
		if (syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) < 0) {
			perror("renameat2");
			return 1;
		}
		n++;
	}
	/* An even count leaves both where they started. */
	if (n % 2)
		syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
	printf("swaps: %ld\n", n);
	return 0;
}

static int hold(const char *dir, int n)
{
	static int fds[4096];
	char name[32];
	int k, fd;

	if (chdir(dir) < 0 || n > 4096)
		return 2;
	for (k = 0; k < n; k++) {
		snprintf(name, sizeof(name), "h%d", k);
		fds[k] = open(name, O_CREAT | O_RDWR, 0644);
		if (fds[k] < 0)
			break;
	}
	if (k < n)
		printf("held %d of %d: %s\n", k, n, strerror(errno));
	else
		printf("held %d of %d\n", k, n);
	while (k-- > 0)
		close(fds[k]);
	fd = open("h0", O_RDONLY);
	printf("reopen: %s\n", fd < 0 ? strerror(errno) : "ok");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "--swap"))
		return swap_loop(argv[2], argv[3], atof(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "--hold"))
		return hold(argv[2], atoi(argv[3]));
	if (argc != 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: hostfs_ops <empty directory>\n");
		return 2;
	}
	umask(022);
	data_ops();
	big_and_sparse();
	mapping_ops();
	name_ops();
	show_listing("listing", ".");
	show_listing("listing e", "e");
	return 0;
}
