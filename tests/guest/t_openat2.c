/*
 * t_openat2: openat2's struct open_how and its RESOLVE_* restrictions, as
 * container tools and systemd use them to open paths safely: BENEATH
 * (no "..", absolute path or symlink leading out of the start: EXDEV),
 * IN_ROOT (the start acts as "/"), NO_SYMLINKS, NO_MAGICLINKS (ELOOP),
 * NO_XDEV (no mount crossings), and the size and flag rules.
 */
#include "tg.h"

#include <linux/openat2.h>
#include <sys/syscall.h>

static int base;

static const char *try(const char *path, unsigned long long resolve)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = resolve};
	long fd = syscall(SYS_openat2, base, path, &how, sizeof how);

	if (fd >= 0)
		close((int)fd);
	return er(fd);
}

static long raw(int dirfd, const char *path, void *how, size_t size)
{
	long fd = syscall(SYS_openat2, dirfd, path, how, size);

	if (fd >= 0)
		close((int)fd);
	return fd;
}

int main(void)
{
	const char *tmp = mk_tmpdir("t_openat2");
	char p[600], q[600];

	snprintf(p, sizeof p, "%s/base", tmp);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/base/sub", tmp);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/outside", tmp);
	close(open(p, O_CREAT | O_WRONLY, 0644));
	snprintf(p, sizeof p, "%s/base/file", tmp);
	close(open(p, O_CREAT | O_WRONLY, 0644));
	snprintf(p, sizeof p, "%s/base/sub/file2", tmp);
	close(open(p, O_CREAT | O_WRONLY, 0644));
	snprintf(p, sizeof p, "%s/base/link_up", tmp);
	symlink("../outside", p);
	snprintf(p, sizeof p, "%s/base/abs_link", tmp);
	snprintf(q, sizeof q, "%s/outside", tmp);
	symlink(q, p);
	snprintf(p, sizeof p, "%s/base/rel_link", tmp);
	symlink("sub/file2", p);
	snprintf(p, sizeof p, "%s/base", tmp);
	base = open(p, O_RDONLY | O_DIRECTORY);

	out("plain: %s\n", try("file", 0));
	out("plain ../outside: %s\n", try("../outside", 0));
	out("BENEATH file: %s\n", try("file", RESOLVE_BENEATH));
	out("BENEATH sub/../file: %s\n", try("sub/../file", RESOLVE_BENEATH));
	out("BENEATH ../outside: %s\n", try("../outside", RESOLVE_BENEATH));
	out("BENEATH sub/../../outside: %s\n", try("sub/../../outside", RESOLVE_BENEATH));
	out("BENEATH link_up: %s\n", try("link_up", RESOLVE_BENEATH));
	out("BENEATH abs_link: %s\n", try("abs_link", RESOLVE_BENEATH));
	out("BENEATH rel_link: %s\n", try("rel_link", RESOLVE_BENEATH));
	out("BENEATH /: %s\n", try("/", RESOLVE_BENEATH));
	out("IN_ROOT /file: %s\n", try("/file", RESOLVE_IN_ROOT));
	out("IN_ROOT ../../file: %s\n", try("../../file", RESOLVE_IN_ROOT));
	out("IN_ROOT link_up: %s\n", try("link_up", RESOLVE_IN_ROOT));
	out("IN_ROOT abs_link: %s\n", try("abs_link", RESOLVE_IN_ROOT));
	out("NO_SYMLINKS rel_link: %s\n", try("rel_link", RESOLVE_NO_SYMLINKS));
	out("NO_SYMLINKS file: %s\n", try("file", RESOLVE_NO_SYMLINKS));
	char magic[64];
	snprintf(magic, sizeof magic, "/proc/self/fd/%d", base);
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_NO_MAGICLINKS};
	out("NO_MAGICLINKS %s: %s\n", "/proc/self/fd/N",
	    er(raw(AT_FDCWD, magic, &how, sizeof how)));
	how.resolve = 0;
	out("the same without: %s\n", er(raw(AT_FDCWD, magic, &how, sizeof how)));
	how.resolve = RESOLVE_NO_XDEV;
	out("NO_XDEV /proc/self/status: %s\n",
	    er(raw(AT_FDCWD, "/proc/self/status", &how, sizeof how)));
	out("NO_XDEV file: %s\n", try("file", RESOLVE_NO_XDEV));

	/* Creating, with the mode from open_how. */
	struct open_how c = {
		.flags = O_CREAT | O_EXCL | O_WRONLY, .mode = 0640, .resolve = RESOLVE_BENEATH};
	umask(022);
	out("create beneath: %s\n", er(raw(base, "sub/new", &c, sizeof c)));
	struct stat st;
	fstatat(base, "sub/new", &st, 0);
	out("  mode %o\n", st.st_mode & 0777);
	out("create through ..: %s\n", er(raw(base, "../new2", &c, sizeof c)));

	/* The struct's rules. */
	struct {
		struct open_how h;
		char tail[8];
	} big = {.h = {.flags = O_RDONLY}};
	out("size 8: %s\n", er(raw(base, "file", &big, 8)));
	out("bigger, zero tail: %s\n", er(raw(base, "file", &big, sizeof big)));
	big.tail[3] = 1;
	out("bigger, nonzero tail: %s\n", er(raw(base, "file", &big, sizeof big)));
	how = (struct open_how){.flags = O_RDONLY, .mode = 0644};
	out("mode without O_CREAT: %s\n", er(raw(base, "file", &how, sizeof how)));
	how = (struct open_how){.flags = O_RDONLY | (1ULL << 40)};
	out("unknown flag: %s\n", er(raw(base, "file", &how, sizeof how)));
	how = (struct open_how){.flags = O_RDONLY, .resolve = RESOLVE_BENEATH | RESOLVE_IN_ROOT};
	out("BENEATH and IN_ROOT: %s\n", er(raw(base, "file", &how, sizeof how)));
	how = (struct open_how){.flags = O_RDONLY, .resolve = 0x1000};
	out("unknown resolve bit: %s\n", er(raw(base, "file", &how, sizeof how)));
	how = (struct open_how){.flags = O_CREAT | O_WRONLY, .mode = 010000};
	out("mode beyond 07777: %s\n", er(raw(base, "x", &how, sizeof how)));
	out("bad how pointer: %s\n", er(raw(base, "file", (void *)8, sizeof how)));
	close(base);
	tg_cleanup();
	tg_exit();
}
