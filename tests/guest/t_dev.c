/*
 * t_dev: the memory character devices /dev/null, /dev/zero, /dev/full,
 * /dev/random, /dev/urandom (types, device numbers, read/write/lseek/mmap
 * behaviour) and getrandom(2).
 */
#include "tg.h"

#include <sys/mman.h>
#include <sys/random.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>

static void show_dev(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		out("%s: %s\n", path, ename(errno));
		return;
	}
	out("%s: char device %s, major %u minor %u, mode %04o\n", path, yesno(S_ISCHR(st.st_mode)),
	    major(st.st_rdev), minor(st.st_rdev), (unsigned)(st.st_mode & 0777));
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(void)
{
	tg_init();
	show_dev("/dev/null");
	show_dev("/dev/zero");
	show_dev("/dev/full");
	show_dev("/dev/random");
	show_dev("/dev/urandom");

	unsigned char buf[8192];
	int fd = open("/dev/null", O_RDWR);
	out("/dev/null open: %s\n", er(fd));
	out("  read: %zd\n", read(fd, buf, sizeof buf));
	out("  write 8192: %zd\n", write(fd, buf, sizeof buf));
	out("  lseek 100: %ld\n", (long)lseek(fd, 100, SEEK_SET));
	out("  pread: %zd\n", pread(fd, buf, 10, 0));
	close(fd);

	fd = open("/dev/zero", O_RDWR);
	out("/dev/zero open: %s\n", er(fd));
	memset(buf, 0xaa, sizeof buf);
	ssize_t n = read(fd, buf, sizeof buf);
	out("  read 8192: %zd, all zero %s\n", n, yesno(all_zero(buf, sizeof buf)));
	out("  write: %zd\n", write(fd, "abc", 3));
	memset(buf, 0xaa, 100);
	n = pread(fd, buf, 100, 12345);
	out("  pread: %zd zero %s\n", n, yesno(all_zero(buf, 100)));
	/* A private mapping of /dev/zero is fresh anonymous memory. */
	unsigned char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	out("  mmap private: %s, zero %s\n", yesno(m != MAP_FAILED), yesno(m != MAP_FAILED && all_zero(m, 8192)));
	if (m != MAP_FAILED) {
		m[100] = 1;
		munmap(m, 8192);
	}
	/* A shared one is shared memory between parent and child. */
	volatile int *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	out("  mmap shared: %s\n", yesno(sh != MAP_FAILED));
	if (sh != MAP_FAILED) {
		pid_t c = xfork();
		if (c == 0) {
			sh[3] = 33;
			_exit(0);
		}
		wait_for(c);
		out("  child's store through shared /dev/zero map seen: %s\n", yesno(sh[3] == 33));
		munmap((void *)sh, 4096);
	}
	close(fd);

	fd = open("/dev/full", O_RDWR);
	out("/dev/full open: %s\n", er(fd));
	out("  write: %s\n", er(write(fd, "x", 1)));
	memset(buf, 0xaa, 64);
	n = read(fd, buf, 64);
	out("  read 64: %zd zero %s\n", n, yesno(all_zero(buf, 64)));
	close(fd);

	unsigned char a[16], b[16];
	fd = open("/dev/urandom", O_RDONLY);
	out("/dev/urandom open: %s\n", er(fd));
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	out("  read 16: %zd\n", read(fd, a, 16));
	out("  read 16 again: %zd\n", read(fd, b, 16));
	out("  not all zero: %s, two reads differ: %s\n", yesno(!all_zero(a, 16)), yesno(memcmp(a, b, 16) != 0));
	static unsigned char big[100000];
	n = read_all(fd, big, sizeof big);
	int counts[256] = {0};
	for (size_t i = 0; i < sizeof big; i++)
		counts[big[i]]++;
	int lo = 1 << 30, hi = 0;
	for (int i = 0; i < 256; i++) {
		lo = counts[i] < lo ? counts[i] : lo;
		hi = counts[i] > hi ? counts[i] : hi;
	}
	out("  100000 bytes: %zd, every byte value seen and none dominant: %s\n", n, yesno(lo > 200 && hi < 700));
	out("  write on the O_RDONLY fd: %s\n", er(write(fd, "seed", 4)));
	close(fd);
	fd = open("/dev/urandom", O_WRONLY);
	out("/dev/urandom write-only open and write: %s\n", er(write(fd, "seed", 4)));
	close(fd);

	fd = open("/dev/random", O_RDONLY | O_NONBLOCK);
	out("/dev/random open: %s\n", er(fd));
	memset(a, 0, sizeof a);
	n = read(fd, a, 16);
	out("  read 16 (initialised pool, no blocking): %zd, not all zero %s\n", n, yesno(!all_zero(a, 16)));
	close(fd);

	/* getrandom. */
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	out("getrandom 16: %zd\n", getrandom(a, 16, 0));
	out("getrandom 16 GRND_NONBLOCK: %zd\n", getrandom(b, 16, GRND_NONBLOCK));
	out("  not all zero: %s, differ: %s\n", yesno(!all_zero(a, 16)), yesno(memcmp(a, b, 16) != 0));
	out("getrandom GRND_RANDOM: %zd\n", getrandom(a, 16, GRND_RANDOM | GRND_NONBLOCK));
	out("getrandom 0 bytes: %zd\n", getrandom(a, 0, 0));
	n = getrandom(big, 1000, 0);
	out("getrandom 1000: %zd\n", n);
	out("getrandom bad flags: %s\n", er(getrandom(a, 16, 0x100)));
	out("getrandom bad pointer: %s\n", er(syscall(SYS_getrandom, (void *)16, 16, 0)));

	out("/dev/nonexistent: %s\n", er(open("/dev/nonexistent", O_RDONLY)));
	tg_exit();
}
