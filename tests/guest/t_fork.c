/*
 * t_fork: fork, vfork, wait4/waitpid/waitid and the wait status encodings
 * (exit codes, fatal signals, stop/continue), copy-on-write isolation,
 * shared file offsets, ECHILD, WNOHANG, WNOWAIT, SIGCHLD ignored.
 */
#include "tg.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

static int global_var = 100;

/* Make sure a fatal signal never leaves a core file behind. */
static void no_core(void)
{
	struct rlimit rl = {0, 0};
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static void test_statuses(void)
{
	static const int codes[] = {0, 1, 3, 42, 127, 255};
	for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		pid_t c = xfork();
		if (c == 0)
			_exit(codes[i]);
		int st;
		pid_t w = wait4(c, &st, 0, NULL);
		out("exit %d: wait4 pid match %s, WIFEXITED %d, WEXITSTATUS %d, WIFSIGNALED %d\n", codes[i],
		    yesno(w == c), WIFEXITED(st) ? 1 : 0, WEXITSTATUS(st), WIFSIGNALED(st) ? 1 : 0);
	}
	static const int sigs[] = {SIGKILL, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGSEGV, SIGABRT, SIGFPE};
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		pid_t c = xfork();
		if (c == 0) {
			no_core();
			kill(getpid(), sigs[i]);
			_exit(99);
		}
		int st = wait_for(c);
		out("killed by %d: WIFSIGNALED %d, WTERMSIG %d, WCOREDUMP %d, WIFEXITED %d\n", sigs[i],
		    WIFSIGNALED(st) ? 1 : 0, WTERMSIG(st), WCOREDUMP(st) ? 1 : 0, WIFEXITED(st) ? 1 : 0);
	}
	/* Real faults, not just kill(). */
	pid_t c = xfork();
	if (c == 0) {
		no_core();
		volatile uintptr_t bad = 8;
		*(volatile int *)bad = 1;
		_exit(99);
	}
	out("null store: %s\n", wstr(wait_for(c)));
	c = xfork();
	if (c == 0) {
		no_core();
		abort();
	}
	out("abort(): %s\n", wstr(wait_for(c)));
	c = xfork();
	if (c == 0) {
		no_core();
		unsigned lo = 1, hi = 0, d = 0;
		__asm__ volatile("divl %2" : "+a"(lo), "+d"(hi) : "r"(d));
		_exit(99);
	}
	out("divide by zero: %s\n", wstr(wait_for(c)));
	c = xfork();
	if (c == 0) {
		no_core();
		__asm__ volatile("ud2");
		_exit(99);
	}
	out("ud2: %s\n", wstr(wait_for(c)));
}

static void test_stop_continue(void)
{
	int hold[2];
	if (pipe(hold) < 0)
		die("pipe");
	pid_t c = xfork();
	if (c == 0) {
		char x;
		close(hold[1]);
		raise(SIGSTOP);
		read(hold[0], &x, 1); /* stay alive until the parent closes it */
		_exit(5);
	}
	int st;
	pid_t w = waitpid(c, &st, WUNTRACED);
	out("WUNTRACED: pid match %s, %s, WIFSTOPPED %d, WSTOPSIG %d\n", yesno(w == c), wstr(st),
	    WIFSTOPPED(st) ? 1 : 0, WSTOPSIG(st));
	out("WNOHANG while stopped: %d\n", (int)waitpid(c, &st, WNOHANG));
	kill(c, SIGCONT);
	w = waitpid(c, &st, WCONTINUED);
	out("WCONTINUED: pid match %s, WIFCONTINUED %d\n", yesno(w == c), WIFCONTINUED(st) ? 1 : 0);
	close(hold[1]);
	close(hold[0]);
	out("after continue: %s\n", wstr(wait_for(c)));

	/* The same through waitid. */
	if (pipe(hold) < 0)
		die("pipe");
	c = xfork();
	if (c == 0) {
		char x;
		close(hold[1]);
		raise(SIGSTOP);
		read(hold[0], &x, 1);
		_exit(6);
	}
	siginfo_t si;
	memset(&si, 0, sizeof si);
	int r = waitid(P_PID, c, &si, WSTOPPED);
	out("waitid WSTOPPED: r %d, pid match %s, si_signo SIGCHLD %s, code CLD_STOPPED %s, status %d\n", r,
	    yesno(si.si_pid == c), yesno(si.si_signo == SIGCHLD), yesno(si.si_code == CLD_STOPPED), si.si_status);
	kill(c, SIGCONT);
	memset(&si, 0, sizeof si);
	r = waitid(P_PID, c, &si, WCONTINUED);
	out("waitid WCONTINUED: r %d, code CLD_CONTINUED %s, status %d\n", r, yesno(si.si_code == CLD_CONTINUED),
	    si.si_status);
	close(hold[1]);
	close(hold[0]);
	out("then: %s\n", wstr(wait_for(c)));
}

static void test_cow(void)
{
	int stack_var = 200;
	int *heap = malloc(sizeof *heap);
	*heap = 300;
	size_t big = 1 << 20;
	unsigned char *buf = malloc(big);
	for (size_t i = 0; i < big; i++)
		buf[i] = (unsigned char)(i * 31);
	int fds[2];
	if (pipe(fds) < 0)
		die("pipe");
	pid_t c = xfork();
	if (c == 0) {
		close(fds[0]);
		int seen = global_var == 100 && stack_var == 200 && *heap == 300 &&
			   buf[12345] == (unsigned char)(12345 * 31);
		global_var = 1;
		stack_var = 2;
		*heap = 3;
		memset(buf, 0, big);
		seen = seen && global_var == 1 && stack_var == 2 && *heap == 3 && buf[12345] == 0;
		char ch = seen ? 'y' : 'n';
		write(fds[1], &ch, 1);
		_exit(0);
	}
	close(fds[1]);
	char ch = '?';
	read(fds[0], &ch, 1);
	close(fds[0]);
	wait_for(c);
	out("child saw parent's values and its own writes: %c\n", ch);
	unsigned sum = 0;
	for (size_t i = 0; i < big; i++)
		sum += buf[i] != (unsigned char)(i * 31);
	out("parent's values after child wrote: global %d stack %d heap %d, changed bytes %u\n", global_var,
	    stack_var, *heap, sum);
	/* And the other way: parent writes after fork, child sees old data. */
	if (pipe(fds) < 0)
		die("pipe");
	int go[2];
	if (pipe(go) < 0)
		die("pipe");
	c = xfork();
	if (c == 0) {
		close(go[1]);
		char x;
		read(go[0], &x, 1); /* wait until the parent wrote */
		ch = global_var == 100 && buf[7] == (unsigned char)(7 * 31) ? 'y' : 'n';
		write(fds[1], &ch, 1);
		_exit(0);
	}
	close(go[0]);
	global_var = 555;
	buf[7] = 0;
	write(go[1], "g", 1);
	read(fds[0], &ch, 1);
	wait_for(c);
	out("child unaffected by parent's later writes: %c\n", ch);
	global_var = 100;
	close(fds[0]);
	close(fds[1]);
	close(go[1]);
	free(buf);
	free(heap);
}

/*
 * What fork gives a child of the pages its parent was using: its own
 * copy of private data, both directions isolated, also for the pages a
 * previous child wrote (the kernel may copy those at once), while a
 * private file mapping's page nobody wrote still shows the file's later
 * changes; a child resuming in code far from fork's (main, here) runs it.
 */
static void test_cow_pages(const char *dir)
{
	char path[512], buf[16];
	size_t n = 64 * 4096; /* more pages than the kernel copies at fork */
	unsigned char *anon;
	int fds[2], go[2];

	snprintf(path, sizeof path, "%s/cowfile", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || pwrite(fd, "old-data", 8, 0) != 8 || ftruncate(fd, 4096) < 0)
		die("cowfile");
	char *fmap = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (fmap == MAP_FAILED)
		die("mmap file");
	volatile char first = fmap[0]; /* read, never written: still the cache's page */
	(void)first;
	anon = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED)
		die("mmap");
	for (int round = 1; round <= 3; round++) {
		/* Before the fork, the child's writes, the parent's after it. */
		unsigned char before = (unsigned char)(0x10 * round), child = before + 1,
			      parent = before + 2;

		for (size_t i = 0; i < n; i += 4096) {
			anon[i] = before;
			anon[i + 1] = before;
		}
		if (pipe(fds) < 0 || pipe(go) < 0)
			die("pipe");
		pid_t c = xfork();
		if (c == 0) {
			char x, ok = 'y';
			close(go[1]);
			for (size_t i = 0; i < n; i += 4096)
				if (anon[i] != before || anon[i + 1] != before)
					ok = 'n';
			for (size_t i = 0; i < n; i += 4096)
				anon[i + 1] = child;
			read(go[0], &x, 1); /* the parent wrote its pages and the file */
			for (size_t i = 0; i < n; i += 4096)
				if (anon[i] != before || anon[i + 1] != child)
					ok = 'n';
			memcpy(buf, fmap, 8);
			write(fds[1], &ok, 1);
			write(fds[1], buf, 8);
			_exit(0);
		}
		close(go[0]);
		for (size_t i = 0; i < n; i += 4096)
			anon[i] = parent;
		if (round == 1 && pwrite(fd, "new-data", 8, 0) != 8)
			die("pwrite");
		write(go[1], "g", 1);
		char ok = '?';
		read(fds[0], &ok, 1);
		memset(buf, 0, sizeof buf);
		read(fds[0], buf, 8);
		wait_for(c);
		int changed = 0;
		for (size_t i = 0; i < n; i += 4096)
			changed += anon[i] != parent || anon[i + 1] != before;
		out("round %d, 64 pages: child saw the parent's data and kept its own: %c\n", round, ok);
		out("round %d, 64 pages: parent's pages untouched by the child: %s\n", round,
		    yesno(changed == 0));
		if (round == 1)
			out("unwritten private file page after a pwrite, in the child: %.8s\n", buf);
		close(fds[0]);
		close(fds[1]);
		close(go[1]);
	}
	munmap(fmap, 4096);
	munmap(anon, n);
	close(fd);
}

static void test_vfork(void)
{
	volatile int shared = 0;
	pid_t parent = getpid();
	pid_t c = vfork();
	if (c == 0) {
		/* The parent is suspended until we _exit: a slow child is fine. */
		struct timespec ts = {0, 30 * 1000000L};
		syscall(SYS_nanosleep, &ts, NULL);
		shared = (getppid() == parent) ? 42 : 41;
		_exit(3);
	}
	/* Our memory was shared and we did not run before the child exited. */
	out("vfork: child wrote shared memory before parent resumed: %d\n", shared);
	out("vfork child: %s\n", wstr(wait_for(c)));

	/* vfork + execve: the parent resumes after the exec. */
	c = vfork();
	if (c == 0) {
		char *argv[] = {"sh", "-c", "exit 4", NULL};
		char *envp[] = {NULL};
		execve("/bin/sh", argv, envp);
		_exit(127);
	}
	out("vfork+exec /bin/sh -c 'exit 4': %s\n", wstr(wait_for(c)));
}

static void test_wait_variants(const char *dir)
{
	int st;
	out("wait with no children: %s\n", er(wait(&st)));
	out("waitpid nonexistent child: %s\n", er(waitpid(1, &st, 0)));

	int go[2];
	if (pipe(go) < 0)
		die("pipe");
	pid_t c = xfork();
	if (c == 0) {
		char x;
		close(go[1]);
		read(go[0], &x, 1);
		_exit(8);
	}
	close(go[0]);
	out("WNOHANG while running: %d\n", (int)waitpid(c, &st, WNOHANG));
	siginfo_t si;
	memset(&si, 0xff, sizeof si);
	int r = waitid(P_PID, c, &si, WEXITED | WNOHANG);
	out("waitid WNOHANG while running: r %d, si_pid %d\n", r, si.si_pid);
	close(go[1]); /* child reads EOF and exits */
	memset(&si, 0, sizeof si);
	r = waitid(P_PID, c, &si, WEXITED | WNOWAIT);
	out("waitid WNOWAIT: r %d, pid match %s, code CLD_EXITED %s, status %d\n", r, yesno(si.si_pid == c),
	    yesno(si.si_code == CLD_EXITED), si.si_status);
	out("waitid uid matches: %s\n", yesno(si.si_uid == getuid()));
	/* Still waitable. */
	pid_t w;
	do
		w = waitpid(c, &st, WNOHANG);
	while (w == 0);
	out("after WNOWAIT still reapable: pid match %s, %s\n", yesno(w == c), wstr(st));
	out("reaped twice: %s\n", er(waitpid(c, &st, 0)));

	/* waitid for a killed child. */
	c = xfork();
	if (c == 0) {
		pause();
		_exit(0);
	}
	kill(c, SIGTERM);
	memset(&si, 0, sizeof si);
	r = waitid(P_ALL, 0, &si, WEXITED);
	out("waitid P_ALL killed: r %d, pid match %s, code CLD_KILLED %s, status %d\n", r, yesno(si.si_pid == c),
	    yesno(si.si_code == CLD_KILLED), si.si_status);
	out("waitid bad idtype: %s\n", er(waitid((idtype_t)99, 0, &si, WEXITED)));
	out("waitid no options: %s\n", er(waitid(P_ALL, 0, &si, 0)));

	/* Several children: reap in any order, each status belongs to its pid. */
	pid_t kids[8];
	for (int i = 0; i < 8; i++) {
		kids[i] = xfork();
		if (kids[i] == 0) {
			msleep((7 - i) * 3);
			_exit(20 + i);
		}
	}
	int matched = 0, mask = 0;
	for (int n = 0; n < 8; n++) {
		w = wait(&st);
		for (int i = 0; i < 8; i++)
			if (kids[i] == w && WIFEXITED(st) && WEXITSTATUS(st) == 20 + i) {
				matched++;
				mask |= 1 << i;
			}
	}
	out("8 children reaped with matching statuses: %d (mask %x)\n", matched, mask);
	out("then no children: %s\n", er(wait(&st)));

	/* waitpid for one specific child while another exits first. */
	pid_t slow = xfork();
	if (slow == 0) {
		msleep(40);
		_exit(1);
	}
	pid_t fast = xfork();
	if (fast == 0)
		_exit(2);
	w = waitpid(slow, &st, 0);
	out("waitpid(slow) returns slow: %s, %s\n", yesno(w == slow), wstr(st));
	w = waitpid(-1, &st, 0);
	out("then the fast one: %s, %s\n", yesno(w == fast), wstr(st));
	/* waitpid(0): children in our process group. */
	c = xfork();
	if (c == 0)
		_exit(12);
	w = waitpid(0, &st, 0);
	out("waitpid(0) same group: %s, %s\n", yesno(w == c), wstr(st));
	c = xfork();
	if (c == 0)
		_exit(13);
	w = waitpid(-getpgrp(), &st, 0);
	out("waitpid(-pgrp): %s, %s\n", yesno(w == c), wstr(st));
	/* A child in its own group is not found by waitpid(0). */
	c = xfork();
	if (c == 0) {
		setpgid(0, 0);
		msleep(30);
		_exit(14);
	}
	setpgid(c, c);
	out("waitpid(0) with child in other group: %s\n", er(waitpid(0, &st, 0)));
	out("waitpid(-child pgrp): %s\n", wstr((waitpid(-c, &st, 0), st)));

	/* File offsets are shared between parent and child. */
	char path[512];
	snprintf(path, sizeof path, "%s/shared-offset", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "par", 3);
	c = xfork();
	if (c == 0) {
		write(fd, "-child", 6);
		_exit(0);
	}
	wait_for(c);
	write(fd, "-parent", 7);
	char buf[64] = {0};
	pread(fd, buf, sizeof buf - 1, 0);
	out("shared offset file: %s (offset %ld)\n", buf, (long)lseek(fd, 0, SEEK_CUR));
	close(fd);

	/* getppid in the child, and fork returns the child's pid. */
	int pp[2];
	if (pipe(pp) < 0)
		die("pipe");
	c = xfork();
	if (c == 0) {
		pid_t v[2] = {getpid(), getppid()};
		write(pp[1], v, sizeof v);
		_exit(0);
	}
	pid_t v[2];
	read(pp[0], v, sizeof v);
	wait_for(c);
	out("fork result == child's getpid: %s, child's getppid == parent: %s\n", yesno(v[0] == c),
	    yesno(v[1] == getpid()));
	close(pp[0]);
	close(pp[1]);
}

static void test_sigchld_ignored(void)
{
	/* With SIGCHLD ignored children are reaped by the kernel: wait gives ECHILD. */
	pid_t helper = xfork();
	if (helper == 0) {
		alarm(5); /* a watchdog, should wait() never return */
		signal(SIGCHLD, SIG_IGN);
		for (int i = 0; i < 3; i++)
			if (fork() == 0)
				_exit(i);
		int st;
		pid_t w = wait(&st);
		_exit(w < 0 && errno == ECHILD ? 0 : 1);
	}
	out("SIGCHLD ignored: wait returns ECHILD after children exit: %s\n", wstr(wait_for(helper)));

	/* Many forks in a row: the pid space and the memory are recycled. */
	int bad = 0;
	for (int i = 0; i < 50; i++) {
		pid_t c = fork();
		if (c < 0) {
			bad++;
			continue;
		}
		if (c == 0)
			_exit(i & 0x7f);
		int st = wait_for(c);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != (i & 0x7f))
			bad++;
	}
	out("50 sequential fork/wait: bad %d\n", bad);

	/* Grandchildren: a child that forks and waits itself. */
	pid_t c = xfork();
	if (c == 0) {
		pid_t g = fork();
		if (g == 0)
			_exit(9);
		int st;
		waitpid(g, &st, 0);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) + 1 : 99);
	}
	out("grandchild status relayed: %s\n", wstr(wait_for(c)));
}

int main(void)
{
	tg_init();
	const char *dir = mk_tmpdir("t_fork");
	test_statuses();
	test_stop_continue();
	test_cow();
	test_cow_pages(dir);
	test_vfork();
	test_wait_variants(dir);
	test_sigchld_ignored();
	tg_cleanup();
	tg_exit();
}
