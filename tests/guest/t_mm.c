/*
 * t_mm: memory management: brk, anonymous and file mappings, munmap,
 * mprotect with SIGSEGV (si_code, si_addr), mremap, madvise, MAP_FIXED,
 * MAP_SHARED between processes, SIGBUS past the end of a file, executable
 * pages, and stack growth.
 */
#include "tg.h"

#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define PG 4096UL

static sigjmp_buf fault_jb;
static volatile int fault_sig, fault_code;
static void *volatile fault_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_sig = sig;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(fault_jb, 1);
}

/* Touch one byte; returns 0 or the signal that the access raised. */
static int probe(volatile char *p, int write)
{
	fault_sig = 0;
	fault_code = 0;
	fault_addr = NULL;
	if (sigsetjmp(fault_jb, 1) == 0) {
		if (write)
			*p = 0x5a;
		else
			(void)*p;
		return 0;
	}
	return fault_sig;
}

static const char *codename(int sig, int code)
{
	if (sig == SIGSEGV && code == SEGV_MAPERR)
		return "SEGV_MAPERR";
	if (sig == SIGSEGV && code == SEGV_ACCERR)
		return "SEGV_ACCERR";
	if (sig == SIGBUS && code == BUS_ADRERR)
		return "BUS_ADRERR";
	return "other";
}

/* "none", or "SIGSEGV SEGV_ACCERR addr-ok". */
static const char *probe_str(void *p, int write)
{
	static char buf[96];
	int sig = probe(p, write);
	if (!sig)
		return "none";
	snprintf(buf, sizeof buf, "%s %s addr-%s", sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : "other",
		 codename(sig, fault_code), fault_addr == p ? "ok" : "wrong");
	return buf;
}

static int all_bytes(const char *p, size_t n, int v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (char)v)
			return 0;
	return 1;
}

static void test_brk(void)
{
	char *cur = (char *)syscall(SYS_brk, 0);
	out("brk(0) non-zero: %s\n", yesno(cur != NULL));
	char *want = cur + 3 * PG + 100;
	char *got = (char *)syscall(SYS_brk, want);
	out("brk grow returns new end: %s\n", yesno(got == want));
	out("grown brk area zero: %s\n", yesno(all_bytes(cur, 3 * PG + 100, 0)));
	memset(cur, 0xaa, 3 * PG + 100);
	out("grown brk area writable: %s\n", yesno(all_bytes(cur, 3 * PG + 100, 0xaa)));
	got = (char *)syscall(SYS_brk, cur);
	out("brk shrink back: %s\n", yesno(got == cur));
	/* The page holding cur may keep data; pages wholly above it are gone. */
	char *next = (char *)(((uintptr_t)cur + PG - 1) & ~(PG - 1));
	out("access above shrunk brk: %s\n", probe_str(next + PG, 0));
	got = (char *)syscall(SYS_brk, want);
	out("brk regrow: %s\n", yesno(got == want));
	out("regrown pages zero again: %s\n", yesno(all_bytes(next + PG, PG, 0)));
	/* Growing into another mapping (here: the stack) is refused. */
	char local;
	got = (char *)syscall(SYS_brk, &local);
	out("brk into the stack refused (returns current): %s\n", yesno(got == want));
	got = (char *)syscall(SYS_brk, (char *)(1UL << 48));
	out("brk beyond the address space refused: %s\n", yesno(got == want));
	got = (char *)syscall(SYS_brk, cur);
	out("brk back to start: %s\n", yesno(got == cur));
	/* sbrk goes through the same call. */
	void *s0 = sbrk(0);
	void *s1 = sbrk(PG);
	out("sbrk grow returns old end: %s\n", yesno(s0 == s1 && sbrk(0) == (char *)s0 + PG));
	sbrk(-(intptr_t)PG);
	out("sbrk shrink: %s\n", yesno(sbrk(0) == s0));
}

static void test_anon(void)
{
	char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	out("mmap anon: %s\n", yesno(p != MAP_FAILED));
	out("mmap anon page aligned: %s\n", yesno(((uintptr_t)p & (PG - 1)) == 0));
	out("anon pages zero: %s\n", yesno(all_bytes(p, 4 * PG, 0)));
	for (unsigned i = 0; i < 4 * PG; i++)
		p[i] = (char)(i * 7);
	int good = 1;
	for (unsigned i = 0; i < 4 * PG; i++)
		good &= p[i] == (char)(i * 7);
	out("anon pages keep data: %s\n", yesno(good));

	/* Unmap the middle two pages: the outer ones stay. */
	out("munmap middle: %s\n", er(munmap(p + PG, 2 * PG)));
	out("read unmapped page: %s\n", probe_str(p + PG + 5, 0));
	out("write unmapped page: %s\n", probe_str(p + 2 * PG + 17, 1));
	out("first page intact: %s\n", yesno(p[10] == (char)70));
	out("last page intact: %s\n", yesno(p[3 * PG + 1] == (char)((3 * PG + 1) * 7)));
	out("munmap rest: %s\n", er(munmap(p, 4 * PG)));
	out("munmap again (nothing there): %s\n", er(munmap(p, 4 * PG)));
	out("read after munmap: %s\n", probe_str(p, 0));

	/* Argument errors. */
	out("mmap length 0: %s\n", er((long)mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));
	out("mmap neither private nor shared: %s\n", er((long)mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0)));
	out("mmap bad fd: %s\n", er((long)mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 999, 0)));
	out("mmap unaligned offset: %s\n", er((long)mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 5)));
	out("munmap unaligned: %s\n", er(munmap((char *)p + 1, PG)));
	out("munmap length 0: %s\n", er(munmap(p, 0)));

	/* A big sparse mapping, touched once per MiB. */
	size_t big = 256UL << 20;
	char *b = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	out("mmap 256 MiB: %s\n", yesno(b != MAP_FAILED));
	if (b != MAP_FAILED) {
		for (size_t off = 0; off < big; off += 1 << 20)
			b[off] = 1;
		size_t sum = 0;
		for (size_t off = 0; off < big; off += 1 << 20)
			sum += (size_t)b[off] + (size_t)b[off + 4096];
		out("sparse touch sum: %zu\n", sum);
		munmap(b, big);
	}
}

static void test_mprotect(void)
{
	char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	memset(p, 'x', 3 * PG);
	out("mprotect middle read-only: %s\n", er(mprotect(p + PG, PG, PROT_READ)));
	out("write read-only page: %s\n", probe_str(p + PG + 123, 1));
	out("read read-only page: %s\n", probe_str(p + PG + 123, 0));
	out("read-only page unchanged: %s\n", yesno(p[PG + 123] == 'x'));
	out("write neighbour page: %s\n", probe_str(p + 2 * PG, 1));
	out("mprotect PROT_NONE: %s\n", er(mprotect(p, PG, PROT_NONE)));
	out("read PROT_NONE page: %s\n", probe_str(p + 9, 0));
	out("mprotect back to RW: %s\n", er(mprotect(p, 2 * PG, PROT_READ | PROT_WRITE)));
	out("write restored page: %s\n", probe_str(p + PG + 123, 1));
	out("data survived protection changes: %s\n", yesno(p[0] == 'x' && p[PG + 123] == 0x5a));
	out("mprotect unaligned: %s\n", er(mprotect(p + 1, PG, PROT_READ)));
	munmap(p, 3 * PG);
	out("mprotect unmapped range: %s\n", er(mprotect(p + PG, PG, PROT_READ)));

	/* Executable anonymous memory: mov $42,%eax; ret. */
	unsigned char code[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3};
	unsigned char *x = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x == MAP_FAILED)
		die("mmap");
	memcpy(x, code, sizeof code);
	out("mprotect R|X: %s\n", er(mprotect(x, PG, PROT_READ | PROT_EXEC)));
	int (*fn)(void) = (int (*)(void))(void *)x;
	out("generated code returns: %d\n", fn());
	out("write to R|X page: %s\n", probe_str((char *)x + 6, 1));
	munmap(x, PG);
}

static void test_shared_anon(void)
{
	volatile int *sh = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile int *pr = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || pr == MAP_FAILED)
		die("mmap");
	sh[0] = 1;
	pr[0] = 1;
	pid_t c = xfork();
	if (c == 0) {
		int ok = sh[0] == 1 && pr[0] == 1;
		sh[0] = 2;
		pr[0] = 2;
		sh[1] = 77;
		_exit(ok ? 0 : 1);
	}
	out("child saw pre-fork values: %s\n", wstr(wait_for(c)));
	out("shared anon write visible to parent: %s\n", yesno(sh[0] == 2 && sh[1] == 77));
	out("private anon write not visible: %s\n", yesno(pr[0] == 1));

	/* MADV_DONTNEED: private anon pages read back as zero, shared keep data. */
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 'q', 2 * PG);
	out("madvise DONTNEED private: %s\n", er(madvise(p, PG, MADV_DONTNEED)));
	out("private page zero after DONTNEED: %s\n", yesno(all_bytes(p, PG, 0)));
	out("other page kept: %s\n", yesno(all_bytes(p + PG, PG, 'q')));
	out("page writable after DONTNEED: %s\n", probe_str(p, 1));
	out("madvise DONTNEED shared: %s\n", er(madvise((void *)sh, PG, MADV_DONTNEED)));
	out("shared page keeps data after DONTNEED: %s\n", yesno(sh[0] == 2 && sh[1] == 77));
	out("madvise WILLNEED: %s\n", er(madvise(p, 2 * PG, MADV_WILLNEED)));
	out("madvise NORMAL: %s\n", er(madvise(p, 2 * PG, MADV_NORMAL)));
	out("madvise unaligned: %s\n", er(madvise(p + 1, PG, MADV_DONTNEED)));
	munmap(p, 2 * PG);
	munmap((void *)sh, PG);
	munmap((void *)pr, PG);
}

static void test_mremap_fixed(void)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 'm', 2 * PG);
	/* Grow, allowing a move. */
	char *q = mremap(p, 2 * PG, 8 * PG, MREMAP_MAYMOVE);
	out("mremap grow: %s\n", yesno(q != MAP_FAILED));
	out("mremap grow keeps data: %s\n", yesno(all_bytes(q, 2 * PG, 'm')));
	out("mremap grown part zero: %s\n", yesno(all_bytes(q + 2 * PG, 6 * PG, 0)));
	q[8 * PG - 1] = 'e';
	/* Shrink in place. */
	char *r = mremap(q, 8 * PG, 3 * PG, 0);
	out("mremap shrink in place: %s\n", yesno(r == q));
	out("shrunk tail unmapped: %s\n", probe_str(q + 5 * PG, 0));
	/* Growing in place fails when the next page is taken. */
	char *blocker = mmap(q + 3 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	out("map blocker after it: %s\n", yesno(blocker == q + 3 * PG));
	out("mremap grow without MAYMOVE: %s\n", er((long)mremap(q, 3 * PG, 5 * PG, 0)));
	/* Move to a chosen place. */
	char *dst = mmap(NULL, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r = mremap(q, 3 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	out("mremap to fixed address: %s\n", yesno(r == dst));
	out("moved data: %s\n", yesno(all_bytes(dst, 2 * PG, 'm') && all_bytes(dst + 2 * PG, PG, 0)));
	out("moved mapping writable: %s\n", probe_str(dst + 3 * PG + 1, 1));
	out("old address unmapped: %s\n", probe_str(q, 0));
	out("mremap bad flags: %s\n", er((long)mremap(dst, PG, PG, 0x80)));
	munmap(dst, 4 * PG);
	munmap(blocker, PG);

	/* MAP_FIXED over the middle of an existing mapping replaces it. */
	p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 'f', 4 * PG);
	q = mmap(p + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	out("MAP_FIXED returns the address: %s\n", yesno(q == p + PG));
	out("MAP_FIXED page is fresh: %s\n", yesno(all_bytes(p + PG, PG, 0)));
	out("neighbours untouched: %s\n", yesno(all_bytes(p, PG, 'f') && all_bytes(p + 2 * PG, 2 * PG, 'f')));
	out("MAP_FIXED_NOREPLACE on used range: %s\n",
	    er((long)mmap(p + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0)));
	out("MAP_FIXED unaligned: %s\n",
	    er((long)mmap(p + 1, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)));
	munmap(p, 4 * PG);
	/* A hint address that is free is honoured. */
	q = mmap(p, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	out("free hint honoured: %s\n", yesno(q == p));
	munmap(q, PG);
}

static void test_file(const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/data", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("open");
	/* Two pages and a bit: "page0..." "page1..." then 100 bytes. */
	static char buf[2 * PG + 100];
	for (unsigned i = 0; i < sizeof buf; i++)
		buf[i] = (char)('A' + (i / PG) * 2 + (i % 7));
	if (write_all(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
		die("write");

	char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	out("mmap file private: %s\n", yesno(p != MAP_FAILED));
	out("private mapping shows file data: %s\n", yesno(memcmp(p, buf, sizeof buf) == 0));
	out("tail of last page zero: %s\n", yesno(all_bytes(p + sizeof buf, 3 * PG - sizeof buf, 0)));
	out("page past EOF: %s\n", probe_str(p + 3 * PG + 8, 0));
	p[0] = 'z';
	char c;
	pread(fd, &c, 1, 0);
	out("private write stays private: %s\n", yesno(c == 'A' && p[0] == 'z'));
	/* A write through the fd shows in pages not yet copied. */
	pwrite(fd, "W", 1, PG + 5);
	out("file write seen through private mapping: %s\n", yesno(p[PG + 5] == 'W'));
	munmap(p, 4 * PG);

	/* Mapping at an offset. */
	p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, PG);
	out("mmap at offset 1 page: %s\n", yesno(p != MAP_FAILED && p[0] == buf[PG] && p[5] == 'W'));
	munmap(p, PG);

	/* MAP_SHARED of a read-only fd with PROT_WRITE is refused. */
	int ro = open(path, O_RDONLY);
	out("shared writable map of O_RDONLY fd: %s\n",
	    er((long)mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0)));
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	out("private writable map of O_RDONLY fd: %s\n", yesno(p != MAP_FAILED));
	if (p != MAP_FAILED)
		munmap(p, PG);
	close(ro);

	/* MAP_SHARED: a child's stores reach the file and the parent's mapping. */
	char *s = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	out("mmap file shared: %s\n", yesno(s != MAP_FAILED));
	pid_t ch = xfork();
	if (ch == 0) {
		memcpy(s + 10, "child-was-here", 14);
		s[2 * PG + 50] = '#';
		msync(s, 3 * PG, MS_SYNC);
		_exit(0);
	}
	out("child: %s\n", wstr(wait_for(ch)));
	char rb[32] = {0};
	pread(fd, rb, 14, 10);
	out("file after child's shared store: %s\n", rb);
	out("parent mapping sees it: %s\n", yesno(memcmp(s + 10, "child-was-here", 14) == 0 && s[2 * PG + 50] == '#'));
	pwrite(fd, "fd-write", 8, 100);
	out("fd write seen in shared mapping: %s\n", yesno(memcmp(s + 100, "fd-write", 8) == 0));
	out("msync: %s\n", er(msync(s, 3 * PG, MS_SYNC)));
	/* Growing the file makes the mapped page past the old EOF usable. */
	out("ftruncate grow: %s\n", er(ftruncate(fd, 3 * PG)));
	s[2 * PG + 200] = 'G';
	pread(fd, &c, 1, 2 * PG + 200);
	out("store past old EOF after grow: %s\n", yesno(c == 'G'));
	out("ftruncate shrink to 1 page: %s\n", er(ftruncate(fd, PG)));
	out("access beyond shrunk file: %s\n", probe_str(s + PG + 1, 0));
	munmap(s, 3 * PG);
	close(fd);
	/* The mapping outlives the fd. */
	fd = open(path, O_RDONLY);
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	out("mapping usable after close: %s\n", yesno(p != MAP_FAILED && memcmp(p + 10, "child-was-here", 14) == 0));
	/* A shared mapping of a file opened read-only never becomes writable:
	 * that would write to a file its opener may not write. */
	out("mprotect shared read-only-file mapping writable: %s\n",
	    er(mprotect(p, PG, PROT_READ | PROT_WRITE)));
	munmap(p, PG);
	fd = open(path, O_RDONLY);
	p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	out("mprotect private mapping of it writable: %s\n", er(mprotect(p, PG, PROT_READ | PROT_WRITE)));
	munmap(p, PG);
	unlink(path);
}

static int deep(int n, volatile char *prev)
{
	volatile char frame[16384];
	frame[0] = (char)n;
	frame[sizeof frame - 1] = prev ? prev[0] : 0;
	if (n == 0)
		return frame[0] + frame[sizeof frame - 1];
	return deep(n - 1, frame) + 1;
}

/* mincore on anonymous memory, mlockall's flags, posix_fadvise. */
static void test_residency(const char *dir)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char vec[8];
	char *p = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	p[2 * pg] = 1;
	p[5 * pg] = 1;
	memset(vec, 0xee, sizeof vec);
	out("mincore: %s\n", er(mincore(p, 8 * pg, vec)));
	out("resident pages: %d%d%d%d%d%d%d%d\n", vec[0] & 1, vec[1] & 1, vec[2] & 1, vec[3] & 1,
	    vec[4] & 1, vec[5] & 1, vec[6] & 1, vec[7] & 1);
	out("mincore unaligned: %s\n", er(mincore(p + 1, pg, vec)));
	munmap(p + 4 * pg, pg);
	out("mincore over a hole: %s\n", er(mincore(p, 8 * pg, vec)));
	munmap(p, 8 * pg);
	out("mlockall(0): %s\n", er(mlockall(0)));
	out("mlockall(MCL_ONFAULT) alone: %s\n", er(mlockall(MCL_ONFAULT)));
	out("munlockall: %s\n", er(munlockall()));

	char path[512];
	snprintf(path, sizeof path, "%s/adv", dir);
	int fd = open(path, O_CREAT | O_RDWR, 0644), pfd[2];
	if (fd < 0 || pipe(pfd) < 0)
		die("open");
	out("fadvise sequential: %d\n", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL));
	out("fadvise dontneed: %d\n", posix_fadvise(fd, 0, 4096, POSIX_FADV_DONTNEED));
	out("fadvise bad advice: %s\n", ename(posix_fadvise(fd, 0, 0, 99)));
	out("fadvise negative len: %s\n", ename(posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL)));
	out("fadvise on a pipe: %s\n", ename(posix_fadvise(pfd[0], 0, 0, POSIX_FADV_NORMAL)));
	out("fadvise bad fd: %s\n", ename(posix_fadvise(999, 0, 0, POSIX_FADV_NORMAL)));
	close(fd);
	close(pfd[0]);
	close(pfd[1]);
}

int main(void)
{
	tg_init();
	const char *dir = mk_tmpdir("t_mm");

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	out("page size: %ld\n", sysconf(_SC_PAGESIZE));
	test_brk();
	test_anon();
	test_mprotect();
	test_shared_anon();
	test_mremap_fixed();
	test_file(dir);
	test_residency(dir);
	/* About 2 MiB of stack below the initial stack pages. */
	out("deep recursion: %d\n", deep(128, NULL));

	tg_cleanup();
	tg_exit();
}
