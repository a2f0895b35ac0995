/*
 * t_basic: the simplest system calls: write/read, process ids, uname,
 * umask, user and group ids, getcwd, exit codes, unknown syscalls.
 */
#include "tg.h"

#include <asm/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>

int main(void)
{
	tg_init();

	/* write(2) straight to stdout, and its return value. */
	ssize_t n = write(1, "hello from t_basic\n", 19);
	out("write returned %zd\n", n);
	struct iovec iov[3] = {
		{.iov_base = "writev ", .iov_len = 7},
		{.iov_base = "in three ", .iov_len = 9},
		{.iov_base = "pieces\n", .iov_len = 7},
	};
	n = writev(1, iov, 3);
	out("writev returned %zd\n", n);
	out("write 0 bytes: %zd\n", write(1, "", 0));
	out("write bad fd: %s\n", er(write(999, "x", 1)));
	out("write negative fd: %s\n", er(write(-1, "x", 1)));
	out("write bad pointer: %s\n", er(syscall(SYS_write, 1, (void *)16, 10)));
	out("read bad fd: %s\n", er(read(999, &n, 1)));
	int fd = open("/dev/null", O_RDONLY);
	char c;
	out("read /dev/null: %zd\n", read(fd, &c, 1));
	out("read 0 bytes: %zd\n", read(fd, &c, 0));
	out("close: %s\n", er(close(fd)));
	out("close again: %s\n", er(close(fd)));

	/* Process ids. */
	pid_t pid = getpid(), ppid = getppid();
	out("getpid>0: %s\n", yesno(pid > 0));
	out("getppid>=0 and != getpid: %s\n", yesno(ppid >= 0 && ppid != pid));
	out("getpid stable: %s\n", yesno(getpid() == pid && syscall(SYS_getpid) == pid));
	out("gettid == getpid in main thread: %s\n", yesno(gettid() == pid));
	out("getpgrp == getpgid(0): %s\n", yesno(getpgrp() == getpgid(0)));
	out("getsid(0) == getsid(getpid()) >= 0: %s\n", yesno(getsid(0) >= 0 && getsid(0) == getsid(getpid())));
	int tidword;
	out("set_tid_address returns tid: %s\n",
	    yesno(syscall(SYS_set_tid_address, &tidword) == pid));
	unsigned long fsbase = 0;
	out("arch_prctl ARCH_GET_FS: %s\n", er(syscall(SYS_arch_prctl, ARCH_GET_FS, &fsbase)));
	out("fs base set: %s\n", yesno(fsbase != 0));

	pid_t child = xfork();
	if (child == 0) {
		/* Exit code tells the parent what we saw. */
		int code = 0;
		if (getppid() != pid)
			code |= 1;
		if (getpid() == pid)
			code |= 2;
		if (getpid() <= 0)
			code |= 4;
		_exit(code);
	}
	int st = wait_for(child);
	out("child sees parent pid, has own pid: %s\n", wstr(st));
	out("child pid differs from parent: %s\n", yesno(child != pid && child > 0));

	/* Exit codes are truncated to 8 bits. */
	static const int codes[] = {0, 1, 42, 255, 256, 257};
	for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		child = xfork();
		if (child == 0)
			_exit(codes[i]);
		out("_exit(%d) -> %s\n", codes[i], wstr(wait_for(child)));
	}
	child = xfork();
	if (child == 0)
		exit(7);
	out("exit(7) -> %s\n", wstr(wait_for(child)));
	child = xfork();
	if (child == 0)
		syscall(SYS_exit_group, 9);
	out("exit_group(9) -> %s\n", wstr(wait_for(child)));
	child = xfork();
	if (child == 0)
		syscall(SYS_exit, 11);
	out("exit(11) in single thread -> %s\n", wstr(wait_for(child)));

	/* uname. */
	struct utsname u;
	out("uname: %s\n", er(uname(&u)));
	out("sysname: %s\n", u.sysname);
	out("machine: %s\n", u.machine);
	out("release non-empty: %s\n", yesno(u.release[0] != 0));
	out("nodename non-empty: %s\n", yesno(u.nodename[0] != 0));
	out("uname bad pointer: %s\n", er(syscall(SYS_uname, (void *)16)));

	/* umask returns the previous mask. */
	mode_t m1 = umask(027);
	mode_t m2 = umask(0777);
	mode_t m3 = umask(022);
	out("umask sequence: %03o %03o %03o\n", (unsigned)m1, (unsigned)m2, (unsigned)m3);
	out("umask keeps only 0777: %03o\n", (unsigned)(umask(07777), umask(022)));

	/* Credentials: print relations only (the host may run us as non-root). */
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	out("getresuid: %s\n", er(getresuid(&ru, &eu, &su)));
	out("getresgid: %s\n", er(getresgid(&rg, &eg, &sg)));
	out("uid == euid == suid == getuid: %s\n", yesno(ru == eu && eu == su && ru == getuid() && eu == geteuid()));
	out("gid == egid == sgid == getgid: %s\n", yesno(rg == eg && eg == sg && rg == getgid() && eg == getegid()));
	out("setuid(getuid()): %s\n", er(setuid(getuid())));
	out("setgid(getgid()): %s\n", er(setgid(getgid())));
	out("setreuid(-1, -1): %s\n", er(setreuid(-1, -1)));
	int ng = getgroups(0, NULL);
	gid_t gl[256];
	out("getgroups count>=0: %s\n", yesno(ng >= 0));
	out("getgroups fill agrees: %s\n", yesno(getgroups(256, gl) == ng));

	/* getcwd. */
	char cwd[4096];
	out("getcwd absolute: %s\n", yesno(getcwd(cwd, sizeof cwd) && cwd[0] == '/'));
	out("getcwd small buffer: %s\n", er(syscall(SYS_getcwd, cwd, 1)));
	out("chdir /: %s\n", er(chdir("/")));
	out("getcwd after chdir /: %s\n", getcwd(cwd, sizeof cwd) ? cwd : "error");
	out("getcwd syscall returns length incl NUL: %ld\n", syscall(SYS_getcwd, cwd, sizeof cwd));

	/* Miscellany. */
	out("sched_yield: %s\n", er(sched_yield()));
	out("unknown syscall 1000: %s\n", er(syscall(1000)));
	out("unknown syscall -1: %s\n", er(syscall(-1L)));

	tg_exit();
}
