/*
 * t_vfs: file system calls on a scratch directory in /tmp: open flags,
 * read/write/lseek/pread/pwrite/readv/writev, the stat family and statx,
 * directories, links, renames, getdents64, permissions and times, the *at
 * calls with a dirfd, truncation, fd duplication and fcntl, close_range,
 * sendfile, and the usual errors.
 */
#include "tg.h"

#include <linux/fs.h>
#include <stdint.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>

static const char *D; /* scratch directory */

/* D/name, in a fresh allocation (never freed: the test is short). */
static const char *P(const char *name)
{
	char *b = malloc(strlen(D) + strlen(name) + 2);
	if (!b)
		die("malloc");
	sprintf(b, "%s/%s", D, name);
	return b;
}

static const char *ftype(mode_t m)
{
	if (S_ISREG(m))
		return "reg";
	if (S_ISDIR(m))
		return "dir";
	if (S_ISLNK(m))
		return "lnk";
	if (S_ISFIFO(m))
		return "fifo";
	if (S_ISCHR(m))
		return "chr";
	return "other";
}

/* "reg 0644 size 10 nlink 1" (directories: no nlink, it differs by fs). */
static const char *sdesc(const struct stat *st)
{
	static char buf[128];
	if (S_ISDIR(st->st_mode))
		snprintf(buf, sizeof buf, "%s %04o", ftype(st->st_mode), (unsigned)(st->st_mode & 07777));
	else
		snprintf(buf, sizeof buf, "%s %04o size %lld nlink %lu", ftype(st->st_mode),
			 (unsigned)(st->st_mode & 07777), (long long)st->st_size, (unsigned long)st->st_nlink);
	return buf;
}

static void show_stat(const char *what, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		out("%s: stat %s\n", what, ename(errno));
	else
		out("%s: %s\n", what, sdesc(&st));
}

static void show_lstat(const char *what, const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		out("%s: lstat %s\n", what, ename(errno));
	else
		out("%s: %s\n", what, sdesc(&st));
}

static const char *contents(const char *path)
{
	static char buf[256];
	ssize_t n = read_file(path, buf, sizeof buf);
	if (n < 0)
		snprintf(buf, sizeof buf, "<%s>", ename(errno));
	return buf;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *dtype_name(unsigned char t)
{
	switch (t) {
	case DT_REG: return "f";
	case DT_DIR: return "d";
	case DT_LNK: return "l";
	case DT_FIFO: return "p";
	case DT_UNKNOWN: return "?";
	default: return "o";
	}
}

/* getdents64 on an open directory; prints sorted "name:type" entries. */
static void list_dir(const char *what, int dfd)
{
	char buf[1024]; /* small, to force several calls */
	static char names[64][300];
	char *ptrs[64];
	int n = 0;
	for (;;) {
		long r = syscall(SYS_getdents64, dfd, buf, sizeof buf);
		if (r < 0) {
			out("%s: getdents64 %s\n", what, ename(errno));
			return;
		}
		if (r == 0)
			break;
		for (long off = 0; off < r;) {
			struct {
				uint64_t ino;
				int64_t off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *d = (void *)(buf + off);
			if (n < 64) {
				const char *t = dtype_name(d->type);
				snprintf(names[n], sizeof names[n], "%s:%s", d->name, t);
				ptrs[n] = names[n];
				n++;
			}
			off += d->reclen;
		}
	}
	qsort(ptrs, n, sizeof ptrs[0], cmpstr);
	out("%s:", what);
	for (int i = 0; i < n; i++)
		out(" %s", ptrs[i]);
	out("\n");
}

static void test_rw(void)
{
	const char *f = P("file");
	int fd = open(f, O_RDWR | O_CREAT | O_EXCL, 0666);
	out("open O_CREAT|O_EXCL new: %s\n", er(fd));
	show_stat("  created (umask 022)", f);
	out("open O_CREAT|O_EXCL existing: %s\n", er(open(f, O_RDWR | O_CREAT | O_EXCL, 0666)));
	out("write 10: %zd\n", write(fd, "0123456789", 10));
	out("lseek SEEK_CUR: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	out("lseek SEEK_SET 2: %ld\n", (long)lseek(fd, 2, SEEK_SET));
	char buf[64] = {0};
	out("read 4: %zd [%.4s]\n", read(fd, buf, 4), buf);
	out("lseek SEEK_END -3: %ld\n", (long)lseek(fd, -3, SEEK_END));
	memset(buf, 0, sizeof buf);
	out("read rest: %zd [%s]\n", read(fd, buf, sizeof buf), buf);
	out("read at EOF: %zd\n", read(fd, buf, sizeof buf));
	out("lseek negative: %s\n", er(lseek(fd, -100, SEEK_SET)));
	out("lseek bad whence: %s\n", er(lseek(fd, 0, 17)));
	/* A hole past EOF reads back as zeros. */
	out("lseek past EOF: %ld\n", (long)lseek(fd, 20, SEEK_SET));
	out("write after hole: %zd\n", write(fd, "X", 1));
	memset(buf, 'z', sizeof buf);
	out("pread whole: %zd\n", pread(fd, buf, sizeof buf, 0));
	int zeros = 1;
	for (int i = 10; i < 20; i++)
		zeros &= buf[i] == 0;
	out("  hole is zeros: %s, byte 20 [%c]\n", yesno(zeros), buf[20]);
	/* pread/pwrite do not move the offset. */
	lseek(fd, 5, SEEK_SET);
	out("pwrite at 0: %zd\n", pwrite(fd, "ab", 2, 0));
	memset(buf, 0, sizeof buf);
	out("pread 3 at 1: %zd [%s]\n", pread(fd, buf, 3, 1), buf);
	out("offset unchanged: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	out("pread negative offset: %s\n", er(pread(fd, buf, 1, -1)));
	/* readv / writev / preadv / pwritev. */
	lseek(fd, 0, SEEK_SET);
	struct iovec wv[3] = {{"AAA", 3}, {"", 0}, {"BBBB", 4}};
	out("writev: %zd\n", writev(fd, wv, 3));
	char a[2], b[3], c[40];
	memset(c, 0, sizeof c);
	struct iovec rv[3] = {{a, 2}, {b, 3}, {c, sizeof c - 1}};
	lseek(fd, 0, SEEK_SET);
	ssize_t n = readv(fd, rv, 3);
	out("readv: %zd [%.2s|%.3s|%.16s]\n", n, a, b, c);
	struct iovec pw[2] = {{"pw", 2}, {"v", 1}};
	out("pwritev at 7: %zd\n", pwritev(fd, pw, 2, 7));
	memset(c, 0, sizeof c);
	struct iovec pr[1] = {{c, 5}};
	out("preadv at 6: %zd [%s]\n", preadv(fd, pr, 1, 6), c);
	out("readv bad iovcnt: %s\n", er(syscall(SYS_readv, fd, rv, -1)));
	out("fsync: %s, ", er(fsync(fd)));
	out("fdatasync: %s\n", er(fdatasync(fd)));
	close(fd);
	out("file now: [%s]\n", contents(f));

	/* O_APPEND: every write lands at the end. */
	fd = open(f, O_WRONLY | O_APPEND);
	lseek(fd, 0, SEEK_SET);
	write(fd, "-app", 4);
	out("O_APPEND write after lseek 0: offset %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	close(fd);
	show_stat("  size after append", f);
	/* O_TRUNC. */
	fd = open(f, O_RDWR | O_TRUNC);
	show_stat("O_TRUNC", f);
	write(fd, "short", 5);
	close(fd);
	/* Access modes. */
	fd = open(f, O_RDONLY);
	out("write on O_RDONLY: %s\n", er(write(fd, "x", 1)));
	close(fd);
	fd = open(f, O_WRONLY);
	out("read on O_WRONLY: %s\n", er(read(fd, buf, 1)));
	close(fd);
	/* creat() is open(O_CREAT|O_WRONLY|O_TRUNC). */
	fd = creat(P("created"), 0600);
	out("creat: %s\n", er(fd));
	out("read on creat fd: %s\n", er(read(fd, buf, 1)));
	close(fd);
	show_stat("  creat mode 0600", P("created"));
	/* O_CREAT without O_EXCL on an existing file keeps it. */
	fd = open(f, O_RDWR | O_CREAT, 0600);
	show_stat("O_CREAT on existing keeps mode and data", f);
	close(fd);
}

static void test_stat(void)
{
	const char *f = P("file");
	struct stat a, b, c;
	stat(f, &a);
	int fd = open(f, O_RDONLY);
	fstat(fd, &b);
	out("fstat == stat (ino, dev, size, mode): %s\n",
	    yesno(a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_size == b.st_size && a.st_mode == b.st_mode));
	out("uid/gid are ours: %s\n", yesno(a.st_uid == geteuid() && a.st_gid == getegid()));
	out("blocks for 5 bytes >= 0: %s\n", yesno(a.st_blocks >= 0));
	fstatat(AT_FDCWD, f, &c, 0);
	out("fstatat AT_FDCWD == stat: %s\n", yesno(c.st_ino == a.st_ino));
	out("newfstatat AT_EMPTY_PATH on fd: %s\n",
	    yesno(fstatat(fd, "", &c, AT_EMPTY_PATH) == 0 && c.st_ino == a.st_ino));
	out("fstatat empty path without flag: %s\n", er(fstatat(fd, "", &c, 0)));
	close(fd);
	out("fstat bad fd: %s\n", er(fstat(999, &c)));
	out("stat bad pointer: %s\n", er(syscall(SYS_stat, (char *)16, &c)));

	struct statx sx;
	memset(&sx, 0, sizeof sx);
	int r = statx(AT_FDCWD, f, 0, STATX_BASIC_STATS, &sx);
	out("statx: %s, basic stats in mask %s\n", r == 0 ? "ok" : ename(errno),
	    yesno((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS));
	out("  statx size %llu mode %o nlink %u, type reg %s, ino matches %s, uid ours %s\n",
	    (unsigned long long)sx.stx_size, sx.stx_mode & 07777, sx.stx_nlink, yesno(S_ISREG(sx.stx_mode)),
	    yesno(sx.stx_ino == a.st_ino), yesno(sx.stx_uid == geteuid()));
	out("  statx mtime == stat mtime: %s\n",
	    yesno((long long)sx.stx_mtime.tv_sec == (long long)a.st_mtim.tv_sec &&
		  sx.stx_mtime.tv_nsec == (unsigned)a.st_mtim.tv_nsec));
	r = statx(AT_FDCWD, D, 0, STATX_TYPE | STATX_MODE, &sx);
	out("statx dir: %s type dir %s\n", r == 0 ? "ok" : ename(errno), yesno(S_ISDIR(sx.stx_mode)));
	out("statx missing: %s\n", er(statx(AT_FDCWD, P("nope"), 0, STATX_BASIC_STATS, &sx)));
	out("statx reserved mask bit: %s\n", er(statx(AT_FDCWD, f, 0, 0x80000000U, &sx)));
}

static void test_dirs(void)
{
	out("mkdir: %s\n", er(mkdir(P("d1"), 0777)));
	show_stat("  new dir (umask 022)", P("d1"));
	out("mkdir existing: %s\n", er(mkdir(P("d1"), 0777)));
	out("mkdir missing parent: %s\n", er(mkdir(P("no/such"), 0777)));
	out("mkdir under a file: %s\n", er(mkdir(P("file/sub"), 0777)));
	write_file(P("d1/inner"), "in", 0644);
	out("rmdir non-empty: %s\n", er(rmdir(P("d1"))));
	out("rmdir a file: %s\n", er(rmdir(P("file"))));
	out("rmdir missing: %s\n", er(rmdir(P("nope"))));
	out("rmdir \".\": %s\n", er(rmdir(P("d1/."))));
	out("unlink a directory: %s\n", er(unlink(P("d1"))));
	out("unlink file: %s\n", er(unlink(P("d1/inner"))));
	out("unlink again: %s\n", er(unlink(P("d1/inner"))));
	out("rmdir empty: %s\n", er(rmdir(P("d1"))));
	out("stat removed dir: %s\n", er(access(P("d1"), F_OK)));

	/* Errors from path walking. */
	out("open missing: %s\n", er(open(P("missing"), O_RDONLY)));
	out("open through a file: %s\n", er(open(P("file/x"), O_RDONLY)));
	out("open dir for writing: %s\n", er(open(D, O_WRONLY)));
	out("open O_DIRECTORY on a file: %s\n", er(open(P("file"), O_RDONLY | O_DIRECTORY)));
	char longname[300];
	memset(longname, 'n', 299);
	longname[299] = 0;
	out("open 299-byte name: %s\n", er(open(P(longname), O_RDONLY | O_CREAT, 0644)));
	out("open empty path: %s\n", er(open("", O_RDONLY)));
	out("open bad pointer: %s\n", er(syscall(SYS_open, (char *)16, O_RDONLY)));
	int dfd = open(D, O_RDONLY | O_DIRECTORY);
	char c;
	out("read a directory: %s\n", er(read(dfd, &c, 1)));
	close(dfd);
	int ffd = open(P("file"), O_RDONLY);
	char dbuf[256];
	out("getdents64 on a file: %s\n", er(syscall(SYS_getdents64, ffd, dbuf, sizeof dbuf)));
	close(ffd);

	/* A directory tree and its listing. */
	mkdir(P("tree"), 0755);
	mkdir(P("tree/sub"), 0755);
	write_file(P("tree/b.txt"), "b", 0644);
	write_file(P("tree/a.txt"), "a", 0644);
	symlink("a.txt", P("tree/link"));
	mkfifo(P("tree/fifo"), 0644);
	for (int i = 0; i < 30; i++) {
		char n[64];
		snprintf(n, sizeof n, "tree/sub/entry-with-a-longish-name-%02d", i);
		write_file(P(n), "", 0644);
	}
	dfd = open(P("tree"), O_RDONLY | O_DIRECTORY);
	list_dir("tree", dfd);
	out("getdents64 at end: %ld\n", syscall(SYS_getdents64, dfd, dbuf, sizeof dbuf));
	lseek(dfd, 0, SEEK_SET);
	list_dir("tree after rewind", dfd);
	close(dfd);
	dfd = open(P("tree/sub"), O_RDONLY | O_DIRECTORY);
	list_dir("tree/sub", dfd);
	lseek(dfd, 0, SEEK_SET);
	out("getdents64 buffer too small: %s\n", er(syscall(SYS_getdents64, dfd, dbuf, 8)));
	close(dfd);
	/* readdir through libc as well. */
	DIR *d = opendir(P("tree/sub"));
	int count = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		count++;
	closedir(d);
	out("readdir count in tree/sub: %d\n", count);
	/* Entries created or removed are seen by a fresh listing. */
	unlink(P("tree/b.txt"));
	dfd = open(P("tree"), O_RDONLY | O_DIRECTORY);
	list_dir("tree after unlink b.txt", dfd);
	close(dfd);
}

static void test_links_rename(void)
{
	const char *f = P("orig");
	write_file(f, "original", 0644);
	out("link: %s\n", er(link(f, P("hard"))));
	show_stat("  orig after link", f);
	struct stat a, b;
	stat(f, &a);
	stat(P("hard"), &b);
	out("  same inode: %s\n", yesno(a.st_ino == b.st_ino));
	out("link to existing name: %s\n", er(link(f, P("hard"))));
	out("link a directory: %s\n", er(link(D, P("dirlink"))));
	out("link missing: %s\n", er(link(P("missing"), P("x"))));
	unlink(f);
	show_stat("  hard after unlinking orig", P("hard"));
	out("  hard keeps data: [%s]\n", contents(P("hard")));

	/* Symlinks. */
	out("symlink: %s\n", er(symlink("hard", P("sym"))));
	char buf[256];
	ssize_t n = readlink(P("sym"), buf, sizeof buf);
	out("readlink: %zd [%.*s]\n", n, (int)(n > 0 ? n : 0), buf);
	n = readlink(P("sym"), buf, 2);
	out("readlink truncated: %zd [%.*s]\n", n, (int)(n > 0 ? n : 0), buf);
	show_lstat("lstat symlink", P("sym"));
	show_stat("stat through symlink", P("sym"));
	out("read through symlink: [%s]\n", contents(P("sym")));
	out("readlink on a file: %s\n", er(readlink(P("hard"), buf, sizeof buf)));
	out("symlink existing name: %s\n", er(symlink("x", P("sym"))));
	symlink("nowhere", P("dangling"));
	out("open dangling: %s\n", er(open(P("dangling"), O_RDONLY)));
	show_lstat("lstat dangling", P("dangling"));
	out("O_NOFOLLOW on symlink: %s\n", er(open(P("sym"), O_RDONLY | O_NOFOLLOW)));
	symlink("loop2", P("loop1"));
	symlink("loop1", P("loop2"));
	out("symlink loop: %s\n", er(open(P("loop1"), O_RDONLY)));
	/* O_CREAT through a dangling symlink creates the target. */
	int fd = open(P("dangling"), O_WRONLY | O_CREAT, 0644);
	out("O_CREAT via dangling symlink: %s, target exists %s\n", er(fd), yesno(access(P("nowhere"), F_OK) == 0));
	close(fd);
	/* Symlink to a directory, and relative resolution. */
	mkdir(P("real"), 0755);
	write_file(P("real/f"), "in real", 0644);
	symlink("real", P("dirsym"));
	out("path through dir symlink: [%s]\n", contents(P("dirsym/f")));
	symlink("../real/f", P("real/up"));
	out("relative ../ symlink: [%s]\n", contents(P("real/up")));
	out("unlink symlink leaves target: %s, ", er(unlink(P("dirsym"))));
	out("target: %s\n", er(access(P("real/f"), F_OK)));
	out("lchown symlink to same ids: %s\n", er(lchown(P("sym"), getuid(), getgid())));

	/* rename. */
	write_file(P("r1"), "one", 0644);
	write_file(P("r2"), "two", 0644);
	out("rename over existing: %s, ", er(rename(P("r1"), P("r2"))));
	out("r1 gone: %s, ", er(access(P("r1"), F_OK)));
	out("r2 = [%s]\n", contents(P("r2")));
	out("rename missing: %s\n", er(rename(P("r1"), P("r3"))));
	out("rename to itself: %s\n", er(rename(P("r2"), P("r2"))));
	mkdir(P("rd1"), 0755);
	mkdir(P("rd2"), 0755);
	write_file(P("rd2/x"), "x", 0644);
	out("rename dir over non-empty dir: %s\n", er(rename(P("rd1"), P("rd2"))));
	out("rename file over dir: %s\n", er(rename(P("r2"), P("rd1"))));
	out("rename dir over file: %s\n", er(rename(P("rd1"), P("r2"))));
	out("rename dir into itself: %s\n", er(rename(P("rd2"), P("rd2/inner"))));
	mkdir(P("rd3"), 0755);
	out("rename dir over empty dir: %s\n", er(rename(P("rd1"), P("rd3"))));
	out("rename across directories: %s, ", er(rename(P("r2"), P("rd2/moved"))));
	out("content [%s]\n", contents(P("rd2/moved")));
	write_file(P("n1"), "n1", 0644);
	write_file(P("n2"), "n2", 0644);
	out("renameat2 NOREPLACE onto existing: %s\n",
	    er(renameat2(AT_FDCWD, P("n1"), AT_FDCWD, P("n2"), RENAME_NOREPLACE)));
	out("renameat2 NOREPLACE onto new name: %s\n",
	    er(renameat2(AT_FDCWD, P("n1"), AT_FDCWD, P("n3"), RENAME_NOREPLACE)));
	out("renameat2 EXCHANGE: %s, ", er(renameat2(AT_FDCWD, P("n2"), AT_FDCWD, P("n3"), RENAME_EXCHANGE)));
	out("n2=[%s] ", contents(P("n2")));
	out("n3=[%s]\n", contents(P("n3")));
	out("renameat2 EXCHANGE with missing: %s\n",
	    er(renameat2(AT_FDCWD, P("n2"), AT_FDCWD, P("n9"), RENAME_EXCHANGE)));
	out("renameat2 bad flags: %s\n",
	    er(renameat2(AT_FDCWD, P("n2"), AT_FDCWD, P("n9"), RENAME_EXCHANGE | RENAME_NOREPLACE)));
	/* An open file survives being renamed and unlinked. */
	fd = open(P("n2"), O_RDWR);
	rename(P("n2"), P("n4"));
	unlink(P("n4"));
	memset(buf, 0, sizeof buf);
	pread(fd, buf, sizeof buf - 1, 0);
	out("open fd after rename+unlink reads: [%s]\n", buf);
	struct stat st;
	fstat(fd, &st);
	out("  its nlink: %lu\n", (unsigned long)st.st_nlink);
	close(fd);
}

static void test_perms_times(void)
{
	const char *f = P("perm");
	write_file(f, "p", 0644);
	out("chmod 0600: %s, ", er(chmod(f, 0600)));
	show_stat("now", f);
	int fd = open(f, O_RDONLY);
	out("fchmod 0751: %s, ", er(fchmod(fd, 0751)));
	show_stat("now", f);
	out("chmod setuid/sticky bits 04755: %s, ", er(chmod(f, 04755)));
	show_stat("now", f);
	chmod(f, 0644);
	out("chown to our own ids: %s\n", er(chown(f, geteuid(), getegid())));
	out("fchown -1 -1: %s\n", er(fchown(fd, -1, -1)));
	out("fchownat to own ids: %s\n", er(fchownat(AT_FDCWD, f, geteuid(), getegid(), 0)));
	out("chmod missing: %s\n", er(chmod(P("missing"), 0644)));
	close(fd);

	/* access(): root does not bypass the X check when no x bit is set. */
	out("access F_OK: %s\n", er(access(f, F_OK)));
	out("access R_OK: %s\n", er(access(f, R_OK)));
	out("access X_OK on 0644: %s\n", er(access(f, X_OK)));
	chmod(f, 0755);
	out("access X_OK on 0755: %s\n", er(access(f, X_OK)));
	out("access missing: %s\n", er(access(P("missing"), F_OK)));
	out("access bad mode: %s\n", er(access(f, 0x100)));
	out("faccessat AT_EACCESS: %s\n", er(faccessat(AT_FDCWD, f, R_OK, AT_EACCESS)));
	out("faccessat2 syscall: %s\n", er(syscall(SYS_faccessat2, AT_FDCWD, f, R_OK | X_OK, 0)));

	/* utimensat: exact times, UTIME_OMIT, UTIME_NOW. */
	struct timespec ts[2] = {{1000000000, 123456789}, {1200000000, 987654321}};
	out("utimensat explicit: %s\n", er(utimensat(AT_FDCWD, f, ts, 0)));
	struct stat st;
	stat(f, &st);
	out("  atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	struct timespec om[2] = {{0, UTIME_OMIT}, {1300000000, 5}};
	utimensat(AT_FDCWD, f, om, 0);
	stat(f, &st);
	out("  UTIME_OMIT atime kept: %s, mtime %lld.%09ld\n", yesno(st.st_atim.tv_sec == 1000000000),
	    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	struct timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
	time_t t0 = time(NULL);
	fd = open(f, O_RDONLY);
	out("futimens UTIME_NOW: %s\n", er(futimens(fd, now)));
	fstat(fd, &st);
	close(fd);
	out("  mtime is now: %s, ctime is now: %s\n", yesno(st.st_mtim.tv_sec >= t0 - 1 && st.st_mtim.tv_sec <= t0 + 2),
	    yesno(st.st_ctim.tv_sec >= t0 - 1 && st.st_ctim.tv_sec <= t0 + 2));
	out("utimensat bad nsec: %s\n", er(utimensat(AT_FDCWD, f, (struct timespec[2]){{0, 2000000000L}, {0, 0}}, 0)));
	/* Writing updates mtime. */
	utimensat(AT_FDCWD, f, ts, 0);
	fd = open(f, O_WRONLY);
	write(fd, "w", 1);
	fstat(fd, &st);
	close(fd);
	out("write updates mtime: %s\n", yesno(st.st_mtim.tv_sec >= t0 - 1));
	/* Symlink times with AT_SYMLINK_NOFOLLOW. */
	symlink("perm", P("permlink"));
	out("utimensat AT_SYMLINK_NOFOLLOW: %s\n", er(utimensat(AT_FDCWD, P("permlink"), ts, AT_SYMLINK_NOFOLLOW)));
	lstat(P("permlink"), &st);
	out("  symlink mtime %lld\n", (long long)st.st_mtim.tv_sec);
	out("utimes: %s\n", er(utimes(f, (struct timeval[2]){{1400000000, 1}, {1400000000, 2}})));
	stat(f, &st);
	out("  mtime %lld.%09ld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static void test_cwd_at(void)
{
	char cwd[4096], want[4096];
	int home = open(".", O_RDONLY | O_DIRECTORY);
	mkdir(P("cw"), 0755);
	mkdir(P("cw/deeper"), 0755);
	out("chdir: %s\n", er(chdir(P("cw"))));
	snprintf(want, sizeof want, "%s/cw", D);
	out("getcwd after chdir is the full path: %s\n", yesno(getcwd(cwd, sizeof cwd) && !strcmp(cwd, want)));
	write_file("rel", "relative", 0644);
	out("relative path lands in cwd: [%s]\n", contents(P("cw/rel")));
	out("chdir ..: %s\n", er(chdir("..")));
	out("getcwd is the scratch dir: %s\n", yesno(getcwd(cwd, sizeof cwd) && !strcmp(cwd, D)));
	int dfd = open(P("cw/deeper"), O_RDONLY | O_DIRECTORY);
	out("fchdir: %s\n", er(fchdir(dfd)));
	snprintf(want, sizeof want, "%s/cw/deeper", D);
	out("getcwd after fchdir: %s\n", yesno(getcwd(cwd, sizeof cwd) && !strcmp(cwd, want)));
	out("chdir to a file: %s\n", er(chdir(P("file"))));
	out("chdir missing: %s\n", er(chdir(P("missing"))));
	int ffd = open(P("file"), O_RDONLY);
	out("fchdir to a file: %s\n", er(fchdir(ffd)));
	/* A removed cwd. */
	out("rmdir own cwd: %s\n", er(rmdir(want)));
	out("getcwd in removed dir: %s\n", er(syscall(SYS_getcwd, cwd, sizeof cwd)));
	out("create in removed cwd: %s\n", er(open("x", O_CREAT | O_WRONLY, 0644)));
	fchdir(home);
	close(home);
	close(dfd);

	/* The *at calls relative to a directory fd. */
	dfd = open(P("cw"), O_RDONLY | O_DIRECTORY);
	int fd = openat(dfd, "at-file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	out("openat: %s\n", er(fd));
	write(fd, "at", 2);
	close(fd);
	out("  content via full path: [%s]\n", contents(P("cw/at-file")));
	out("mkdirat: %s\n", er(mkdirat(dfd, "at-dir", 0700)));
	struct stat st;
	out("fstatat: %s, ", er(fstatat(dfd, "at-dir", &st, 0)));
	out("%s\n", sdesc(&st));
	out("linkat: %s\n", er(linkat(dfd, "at-file", dfd, "at-link", 0)));
	out("symlinkat: %s\n", er(symlinkat("at-file", dfd, "at-sym")));
	char buf[64];
	ssize_t n = readlinkat(dfd, "at-sym", buf, sizeof buf);
	out("readlinkat: [%.*s]\n", (int)(n > 0 ? n : 0), buf);
	out("fstatat AT_SYMLINK_NOFOLLOW is link: %s\n",
	    yesno(fstatat(dfd, "at-sym", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)));
	out("linkat AT_SYMLINK_FOLLOW: %s\n", er(linkat(dfd, "at-sym", dfd, "at-link2", AT_SYMLINK_FOLLOW)));
	out("  made a hard link to the file: %s\n",
	    yesno(fstatat(dfd, "at-link2", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)));
	out("renameat: %s\n", er(renameat(dfd, "at-link", dfd, "at-renamed")));
	out("fchmodat: %s\n", er(fchmodat(dfd, "at-renamed", 0600, 0)));
	out("faccessat: %s\n", er(faccessat(dfd, "at-renamed", R_OK, 0)));
	out("unlinkat file: %s\n", er(unlinkat(dfd, "at-renamed", 0)));
	out("unlinkat dir without AT_REMOVEDIR: %s\n", er(unlinkat(dfd, "at-dir", 0)));
	out("unlinkat AT_REMOVEDIR: %s\n", er(unlinkat(dfd, "at-dir", AT_REMOVEDIR)));
	out("openat with a file as dirfd: %s\n", er(openat(ffd, "x", O_RDONLY)));
	out("openat bad dirfd: %s\n", er(openat(999, "x", O_RDONLY)));
	fd = openat(999, P("file"), O_RDONLY);
	out("openat absolute path ignores dirfd: %s\n", er(fd));
	close(fd);
	out("mknodat fifo: %s\n", er(mknodat(dfd, "at-fifo", S_IFIFO | 0644, 0)));
	out("  type: %s\n", fstatat(dfd, "at-fifo", &st, 0) == 0 ? ftype(st.st_mode) : ename(errno));
	list_dir("cw", dfd);
	close(dfd);
	close(ffd);
}

static void test_truncate(void)
{
	const char *f = P("trunc");
	write_file(f, "0123456789", 0644);
	out("truncate to 4: %s, ", er(truncate(f, 4)));
	out("[%s]\n", contents(f));
	out("truncate to 8 (extends with zeros): %s, ", er(truncate(f, 8)));
	char buf[16];
	memset(buf, 'x', sizeof buf);
	int fd = open(f, O_RDWR);
	ssize_t n = read(fd, buf, sizeof buf);
	out("read %zd, tail zero %s\n", n, yesno(buf[4] == 0 && buf[7] == 0));
	out("ftruncate to 2: %s, ", er(ftruncate(fd, 2)));
	struct stat st;
	fstat(fd, &st);
	out("size %lld, offset stays %ld\n", (long long)st.st_size, (long)lseek(fd, 0, SEEK_CUR));
	out("ftruncate negative: %s\n", er(ftruncate(fd, -1)));
	close(fd);
	fd = open(f, O_RDONLY);
	out("ftruncate on O_RDONLY fd: %s\n", er(ftruncate(fd, 0)));
	close(fd);
	out("truncate a directory: %s\n", er(truncate(D, 0)));
	out("truncate missing: %s\n", er(truncate(P("missing"), 0)));
}

static void test_fds(void)
{
	const char *f = P("fds");
	write_file(f, "abcdef", 0644);
	int fd = open(f, O_RDWR);
	int d = dup(fd);
	out("dup gives a new fd: %s\n", yesno(d >= 0 && d != fd));
	char c;
	read(fd, &c, 1);
	out("dup shares the offset: %ld\n", (long)lseek(d, 0, SEEK_CUR));
	out("dup2 onto 100: %d\n", dup2(fd, 100));
	out("dup2 same fd: %d\n", dup2(fd, fd) == fd ? 1 : 0);
	out("dup2 bad old fd: %s\n", er(dup2(999, 101)));
	out("dup3 same fd: %s\n", er(dup3(fd, fd, 0)));
	out("dup3 O_CLOEXEC onto 102: %d, ", dup3(fd, 102, O_CLOEXEC));
	out("FD_CLOEXEC set %s\n", yesno(fcntl(102, F_GETFD) == FD_CLOEXEC));
	out("dup3 bad flags: %s\n", er(dup3(fd, 103, 0x4)));
	out("dup drops FD_CLOEXEC: %s\n", yesno(fcntl(dup(102), F_GETFD) == 0));
	out("dup2 over an open fd closes it: %d, ", dup2(d, 100));
	out("offset shared still %ld\n", (long)lseek(100, 0, SEEK_CUR));
	out("F_DUPFD >= 50: %s\n", yesno(fcntl(fd, F_DUPFD, 50) >= 50));
	int cd = fcntl(fd, F_DUPFD_CLOEXEC, 60);
	out("F_DUPFD_CLOEXEC >= 60 with cloexec: %s\n", yesno(cd >= 60 && fcntl(cd, F_GETFD) == FD_CLOEXEC));
	out("F_SETFD FD_CLOEXEC: %s, ", er(fcntl(fd, F_SETFD, FD_CLOEXEC)));
	out("F_GETFD %d\n", fcntl(fd, F_GETFD));
	fcntl(fd, F_SETFD, 0);
	int fl = fcntl(fd, F_GETFL);
	out("F_GETFL access mode O_RDWR: %s, O_APPEND %s\n", yesno((fl & O_ACCMODE) == O_RDWR), yesno(fl & O_APPEND));
	/* The kernel's O_LARGEFILE (glibc's macro is 0 on x86-64). */
	out("F_GETFL has the kernel's O_LARGEFILE: %s\n", yesno(fl & 0100000));
	{
		int pp[2], nul = open("/dev/null", O_WRONLY);

		if (pipe(pp) == 0) {
			out("fsync: file %s, ", er(fsync(fd)));
			out("pipe %s, ", er(fsync(pp[1])));
			out("/dev/null %s, ", er(fsync(nul)));
			out("fdatasync pipe %s\n", er(fdatasync(pp[0])));
			close(pp[0]);
			close(pp[1]);
		}
		close(nul);
	}
	out("F_SETFL O_APPEND|O_NONBLOCK: %s\n", er(fcntl(fd, F_SETFL, fl | O_APPEND | O_NONBLOCK)));
	fl = fcntl(fd, F_GETFL);
	out("  now O_APPEND %s O_NONBLOCK %s, shared with dup %s\n", yesno(fl & O_APPEND), yesno(fl & O_NONBLOCK),
	    yesno(fcntl(d, F_GETFL) & O_NONBLOCK));
	out("F_SETFL cannot change the access mode: %s\n",
	    yesno(fcntl(fd, F_SETFL, O_RDONLY) == 0 && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR));
	out("fcntl bad fd: %s\n", er(fcntl(999, F_GETFD)));
	out("fcntl bad cmd: %s\n", er(fcntl(fd, 9999)));
	int ofl = fcntl(open(f, O_RDONLY | O_CLOEXEC), F_GETFD);
	out("open O_CLOEXEC sets FD_CLOEXEC: %s\n", yesno(ofl == FD_CLOEXEC));

	/* Lowest free descriptor is used. */
	int lo = open(f, O_RDONLY);
	close(lo);
	int again = open(f, O_RDONLY);
	out("lowest free fd reused: %s\n", yesno(again == lo));
	close(again);

	/* close_range. */
	for (int i = 200; i < 210; i++)
		dup2(fd, i);
	out("close_range 200..204: %s\n", er(close_range(200, 204, 0)));
	int open_count = 0;
	for (int i = 200; i < 210; i++)
		open_count += fcntl(i, F_GETFD) >= 0;
	out("  fds left in 200..209: %d\n", open_count);
	out("close_range CLOEXEC 205..209: %s\n", er(close_range(205, 209, CLOSE_RANGE_CLOEXEC)));
	int cl = 0;
	for (int i = 205; i < 210; i++)
		cl += fcntl(i, F_GETFD) == FD_CLOEXEC;
	out("  fds marked cloexec: %d\n", cl);
	out("close_range first > last: %s\n", er(close_range(10, 5, 0)));
	out("close_range to ~0U: %s\n", er(close_range(205, ~0U, 0)));
	out("  fd 209 closed: %s\n", er(fcntl(209, F_GETFD)));
	close(fd);
	close(d);
}

static void test_sendfile(void)
{
	const char *src = P("sf-src"), *dst = P("sf-dst");
	static char data[100000];
	for (unsigned i = 0; i < sizeof data; i++)
		data[i] = (char)('a' + i % 26);
	int s = open(src, O_RDWR | O_CREAT | O_TRUNC, 0644);
	write_all(s, data, sizeof data);
	int d = open(dst, O_RDWR | O_CREAT | O_TRUNC, 0644);
	lseek(s, 0, SEEK_SET);
	ssize_t total = 0, n;
	while ((n = sendfile(d, s, NULL, 30000)) > 0)
		total += n;
	out("sendfile file->file using the offset: total %zd, src offset %ld\n", total, (long)lseek(s, 0, SEEK_CUR));
	static char back[100000];
	pread(d, back, sizeof back, 0);
	out("  copy identical: %s\n", yesno(memcmp(back, data, sizeof data) == 0));
	off_t off = 99990;
	lseek(s, 5, SEEK_SET);
	n = sendfile(d, s, &off, 100);
	out("sendfile with offset pointer near EOF: %zd, offset now %ld, file offset kept %ld\n", n, (long)off,
	    (long)lseek(s, 0, SEEK_CUR));
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	off = 26;
	n = sendfile(p[1], s, &off, 10);
	char pb[16] = {0};
	read(p[0], pb, 10);
	out("sendfile to a pipe: %zd [%s]\n", n, pb);
	int ro = open(src, O_RDONLY);
	out("sendfile to a read-only fd: %s\n", er(sendfile(ro, s, NULL, 10)));
	out("sendfile from a write-only fd: %s\n", er(sendfile(d, open(dst, O_WRONLY), NULL, 10)));
	close(ro);
	close(p[0]);
	close(p[1]);
	close(s);
	close(d);
}

static void test_misc(void)
{
	/* O_PATH descriptors. */
	int fd = open(P("file"), O_PATH);
	out("O_PATH open: %s\n", er(fd));
	char c;
	out("read on O_PATH: %s\n", er(read(fd, &c, 1)));
	struct stat st;
	out("fstat on O_PATH: %s\n", er(fstat(fd, &st)));
	close(fd);
	/* mknod of a FIFO, and an unnamed temporary via unlink-after-open. */
	out("mkfifo: %s\n", er(mkfifo(P("fifo"), 0600)));
	show_stat("  fifo", P("fifo"));
	fd = open(P("tmp-unlinked"), O_RDWR | O_CREAT | O_EXCL, 0600);
	unlink(P("tmp-unlinked"));
	write(fd, "still here", 10);
	char buf[16] = {0};
	pread(fd, buf, 10, 0);
	out("unlinked open file usable: [%s]\n", buf);
	close(fd);
	/* umask applies to mkdir and open, but not to chmod. */
	umask(077);
	close(open(P("um-file"), O_CREAT | O_WRONLY, 0666));
	mkdir(P("um-dir"), 0777);
	umask(022);
	show_stat("umask 077 file", P("um-file"));
	show_stat("umask 077 dir", P("um-dir"));
	/* sync calls. */
	out("sync: ok\n");
	sync();
	fd = open(P("file"), O_RDONLY);
	out("syncfs: %s\n", er(syncfs(fd)));
	close(fd);
	/* Writing to a file, reading back after reopen (page cache / storage). */
	static char big[300000];
	for (unsigned i = 0; i < sizeof big; i++)
		big[i] = (char)(i * 13 + i / 4096);
	fd = open(P("big"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	out("write 300000: %zd\n", write_all(fd, big, sizeof big));
	close(fd);
	static char rb[300000];
	fd = open(P("big"), O_RDONLY);
	ssize_t n = read_all(fd, rb, sizeof rb);
	close(fd);
	out("reread 300000: %zd identical %s\n", n, yesno(n == (ssize_t)sizeof big && !memcmp(big, rb, sizeof big)));
}

int main(void)
{
	tg_init();
	D = mk_tmpdir("t_vfs");
	test_rw();
	test_stat();
	test_dirs();
	test_links_rename();
	test_perms_times();
	test_cwd_at();
	test_truncate();
	test_fds();
	test_sendfile();
	test_misc();
	int dfd = open(D, O_RDONLY | O_DIRECTORY);
	list_dir("scratch dir at the end", dfd);
	close(dfd);
	tg_cleanup();
	tg_exit();
}
