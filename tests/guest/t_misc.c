/*
 * t_misc: resource limits (getrlimit/setrlimit/prlimit64 and their effect
 * on open and fork-free resources), sysinfo, process groups and sessions
 * (setpgid/getpgid/setsid/getsid), uname, prctl names, scheduling
 * priority, personality.
 */
#include "tg.h"

#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

struct rl64 {
	uint64_t cur, max;
};

static void test_rlimits(void)
{
	struct rlimit rl;
	out("getrlimit NOFILE: %s\n", er(getrlimit(RLIMIT_NOFILE, &rl)));
	out("  soft <= hard: %s, soft >= 64: %s\n", yesno(rl.rlim_cur <= rl.rlim_max), yesno(rl.rlim_cur >= 64));
	struct rl64 r64;
	out("prlimit64 get NOFILE: %s\n", er(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &r64)));
	out("  agrees with getrlimit: %s\n", yesno(r64.cur == rl.rlim_cur && r64.max == rl.rlim_max));
	out("prlimit64 on own pid: %s\n", er(syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, NULL, &r64)));
	out("getrlimit bad resource: %s\n", er(getrlimit((__rlimit_resource_t)99, &rl)));
	out("prlimit64 nonexistent pid: %s\n", er(syscall(SYS_prlimit64, 999999999, RLIMIT_NOFILE, NULL, &r64)));

	/*
	 * Lower the soft NOFILE limit in a child (which prints its own
	 * findings while we wait): open() then fails with EMFILE.
	 */
	pid_t c = xfork();
	if (c == 0) {
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		struct rlimit cur;
		getrlimit(RLIMIT_NOFILE, &cur);
		struct rlimit low = {16, cur.rlim_max};
		out("  setrlimit NOFILE soft 16: %s\n", er(setrlimit(RLIMIT_NOFILE, &low)));
		int last = -1, e = 0;
		for (int i = 0; i < 40; i++) {
			int fd = open("/dev/null", O_RDONLY);
			if (fd < 0) {
				e = errno;
				break;
			}
			last = fd;
		}
		out("  opened up to fd %d, then %s\n", last, ename(e));
		out("  dup2 to fd 16: %s\n", er(dup2(0, 16)));
		out("  F_DUPFD from 20: %s\n", er(fcntl(0, F_DUPFD, 20)));
		if (cur.rlim_max != RLIM_INFINITY) {
			struct rlimit bad = {cur.rlim_max + 1, cur.rlim_max};
			out("  soft above hard: %s\n", er(setrlimit(RLIMIT_NOFILE, &bad)));
		} else {
			out("  soft above hard: EINVAL\n");
		}
		struct rlimit inv = {10, 5};
		out("  soft 10 > hard 5: %s\n", er(setrlimit(RLIMIT_NOFILE, &inv)));
		struct rlimit lower = {16, 32};
		out("  lower the hard limit to 32: %s\n", er(setrlimit(RLIMIT_NOFILE, &lower)));
		struct rlimit now;
		getrlimit(RLIMIT_NOFILE, &now);
		out("  now %lu/%lu\n", (unsigned long)now.rlim_cur, (unsigned long)now.rlim_max);
		struct rl64 nv = {20, 32}, old = {0, 0};
		out("  prlimit64 set 20/32 and get old: %s, ", er(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &nv, &old)));
		out("old %llu/%llu\n", (unsigned long long)old.cur, (unsigned long long)old.max);
		getrlimit(RLIMIT_NOFILE, &now);
		out("  now %lu/%lu\n", (unsigned long)now.rlim_cur, (unsigned long)now.rlim_max);
		_exit(0);
	}
	out("NOFILE child: %s\n", wstr(wait_for(c)));

	/* RLIMIT_FSIZE: a write is cut short at the limit, then EFBIG. */
	c = xfork();
	if (c == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit fs = {1000, 1000};
		setrlimit(RLIMIT_FSIZE, &fs);
		char path[64];
		snprintf(path, sizeof path, "/tmp/t_misc.%d", (int)getpid());
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		unlink(path);
		static char b[1500];
		out("  FSIZE 1000: write 1500 -> %zd\n", write(fd, b, sizeof b));
		out("  then write 10 -> %s\n", er(write(fd, b, 10)));
		_exit(0);
	}
	out("FSIZE child: %s\n", wstr(wait_for(c)));
	c = xfork();
	if (c == 0) {
		struct rlimit fs = {100, 100};
		setrlimit(RLIMIT_FSIZE, &fs);
		char path[64];
		snprintf(path, sizeof path, "/tmp/t_misc.%d", (int)getpid());
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		unlink(path);
		static char b[200];
		write(fd, b, 100);
		write(fd, b, 1);
		_exit(0);
	}
	out("FSIZE exceeded with default SIGXFSZ: %s\n", wstr(wait_for(c) & 0x7f));

	/* RLIMIT_AS: a big mmap fails with ENOMEM. */
	c = xfork();
	if (c == 0) {
		struct rlimit as = {256UL << 20, 256UL << 20};
		out("  setrlimit AS 256 MiB: %s\n", er(setrlimit(RLIMIT_AS, &as)));
		void *p = mmap(NULL, 512UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		out("  mmap 512 MiB: %s\n", er(p == MAP_FAILED ? -1 : 0));
		p = mmap(NULL, 16UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		out("  mmap 16 MiB: %s\n", er(p == MAP_FAILED ? -1 : 0));
		_exit(0);
	}
	out("AS child: %s\n", wstr(wait_for(c)));

	struct rlimit st;
	getrlimit(RLIMIT_STACK, &st);
	out("STACK soft limit >= 1 MiB or infinite: %s\n", yesno(st.rlim_cur >= (1 << 20)));
	getrlimit(RLIMIT_CORE, &st);
	out("CORE limit readable: yes\n");
}

static void test_sysinfo(void)
{
	struct sysinfo si;
	out("sysinfo: %s\n", er(sysinfo(&si)));
	out("  mem_unit >= 1: %s\n", yesno(si.mem_unit >= 1));
	unsigned long long total = (unsigned long long)si.totalram * si.mem_unit;
	unsigned long long freeb = (unsigned long long)si.freeram * si.mem_unit;
	out("  totalram > 16 MiB: %s\n", yesno(total > (16ULL << 20)));
	out("  freeram <= totalram: %s\n", yesno(freeb <= total));
	out("  uptime >= 0: %s\n", yesno(si.uptime >= 0));
	out("  procs >= 1: %s\n", yesno(si.procs >= 1));
	out("  sharedram/bufferram <= totalram: %s\n",
	    yesno(si.sharedram <= si.totalram && si.bufferram <= si.totalram));
	out("  totalswap >= freeswap: %s\n", yesno(si.totalswap >= si.freeswap));
	out("sysconf page size: %ld\n", sysconf(_SC_PAGESIZE));
	out("sysconf _SC_PHYS_PAGES > 0: %s\n", yesno(sysconf(_SC_PHYS_PAGES) > 0));
	out("sysconf _SC_NPROCESSORS_ONLN >= 1: %s\n", yesno(sysconf(_SC_NPROCESSORS_ONLN) >= 1));
	out("sysinfo bad pointer: %s\n", er(syscall(SYS_sysinfo, (void *)16)));
}

static void test_sessions_body(void)
{
	pid_t me = getpid();
	out("getpgid(0) == getpgrp(): %s\n", yesno(getpgid(0) == getpgrp()));
	out("getpgid(getpid()) == getpgrp(): %s\n", yesno(getpgid(me) == getpgrp()));
	out("getsid(0) == getsid(getpid()): %s\n", yesno(getsid(0) == getsid(me)));
	out("getpgid nonexistent: %s\n", er(getpgid(999999999)));
	out("getsid nonexistent: %s\n", er(getsid(999999999)));
	out("setpgid negative pgid: %s\n", er(setpgid(0, -1)));

	/* A child becomes a session leader. */
	pid_t c = xfork();
	if (c == 0) {
		pid_t oldsid = getsid(0);
		pid_t s = setsid();
		int code = 0;
		if (s != getpid())
			code |= 1;
		if (getsid(0) != getpid() || getpgid(0) != getpid())
			code |= 2;
		if (setsid() != -1 || errno != EPERM) /* already a group leader */
			code |= 4;
		if (oldsid == getpid())
			code |= 8;
		/* A session leader cannot change its process group. */
		if (setpgid(0, 0) < 0 && errno != EPERM)
			code |= 16;
		_exit(code);
	}
	out("setsid in a child (new session, group leader, second setsid EPERM): %s\n", wstr(wait_for(c)));

	/* setpgid(0,0) then setsid fails; the parent can move its child. */
	int go[2];
	if (pipe(go) < 0)
		die("pipe");
	c = xfork();
	if (c == 0) {
		char x;
		close(go[1]);
		read(go[0], &x, 1);
		int code = 0;
		if (getpgid(0) != getpid())
			code |= 1; /* the parent should have moved us */
		if (setsid() != -1 || errno != EPERM)
			code |= 2;
		_exit(code);
	}
	close(go[0]);
	out("parent setpgid(child, child): %s\n", er(setpgid(c, c)));
	out("  getpgid(child) == child: %s\n", yesno(getpgid(c) == c));
	out("  getsid(child) == our sid: %s\n", yesno(getsid(c) == getsid(0)));
	out("setpgid(child, our group) moves it back: %s\n", er(setpgid(c, getpgrp())));
	out("  getpgid(child) == ours: %s\n", yesno(getpgid(c) == getpgrp()));
	setpgid(c, c);
	write(go[1], "g", 1);
	close(go[1]);
	out("child: group leader, setsid refused: %s\n", wstr(wait_for(c)));
	out("setpgid on a reaped pid: %s\n", er(setpgid(c, c)));

	/* A process in another session cannot join our group. */
	if (pipe(go) < 0)
		die("pipe");
	c = xfork();
	if (c == 0) {
		char x;
		close(go[1]);
		setsid();
		read(go[0], &x, 1);
		_exit(0);
	}
	close(go[0]);
	/* Wait for its setsid. */
	for (int i = 0; i < 2000 && getsid(c) != c; i++)
		msleep(1);
	out("child in its own session: %s\n", yesno(getsid(c) == c));
	out("setpgid of a child in another session: %s\n", er(setpgid(c, getpgrp())));
	close(go[1]);
	wait_for(c);

	/* Grandchild: setpgid to a group in the same session but a different group. */
	c = xfork();
	if (c == 0) {
		setpgid(0, 0);
		pid_t g = fork();
		if (g == 0) {
			msleep(20);
			_exit(getpgid(0) == getppid() ? 0 : 1);
		}
		int code = 0;
		if (setpgid(g, 0) < 0) /* g into a new group named after itself */
			code |= 1;
		if (getpgid(g) != g)
			code |= 2;
		if (setpgid(g, getpid()) < 0) /* and back into ours */
			code |= 4;
		int st;
		waitpid(g, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			code |= 8;
		if (setpgid(g, 0) == 0 || errno != ESRCH)
			code |= 16;
		_exit(code);
	}
	out("grandchild moved between groups: %s\n", wstr(wait_for(c)));
}

/*
 * The test's own group and session are whatever the caller gave it (in a
 * guest booted with a shell as init they can be 0), so the group tests run
 * in a child that first makes itself a session leader.
 */
static void test_sessions(void)
{
	pid_t c = xfork();
	if (c == 0) {
		pid_t s = setsid();
		out("setsid in a fresh child: returns its pid %s\n", yesno(s == getpid()));
		test_sessions_body();
		_exit(0);
	}
	out("session tests child: %s\n", wstr(wait_for(c)));
}

static void test_misc(void)
{
	struct utsname u;
	uname(&u);
	out("uname sysname %s machine %s\n", u.sysname, u.machine);
	out("uname release looks like N.N: %s\n",
	    yesno(u.release[0] >= '1' && u.release[0] <= '9' && strchr(u.release, '.')));
	out("domainname is set (may be \"(none)\"): %s\n", yesno(u.domainname[0] != 0));

	char name[32] = {0};
	out("prctl PR_SET_NAME: %s\n", er(prctl(PR_SET_NAME, "misc-renamed", 0, 0, 0)));
	prctl(PR_GET_NAME, name, 0, 0, 0);
	out("prctl PR_GET_NAME: %s\n", name);
	prctl(PR_SET_NAME, "a-name-longer-than-sixteen-bytes", 0, 0, 0);
	memset(name, 0, sizeof name);
	prctl(PR_GET_NAME, name, 0, 0, 0);
	out("long name truncated to 15: %s\n", name);
	char comm[64] = {0};
	read_file("/proc/self/comm", comm, sizeof comm);
	out("/proc/self/comm follows: %s", comm);
	out("prctl PR_GET_DUMPABLE: %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	out("prctl PR_SET_PDEATHSIG: %s, ", er(prctl(PR_SET_PDEATHSIG, SIGUSR2, 0, 0, 0)));
	int sig = 0;
	prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
	out("get: %d\n", sig);
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	out("prctl unknown option: %s\n", er(prctl(12345, 0, 0, 0, 0)));

	/* Parent-death signal actually fires: the grandchild's pipe end closes. */
	int p[2], q[2];
	if (pipe(p) < 0 || pipe(q) < 0)
		die("pipe");
	pid_t mid = xfork();
	if (mid == 0) {
		pid_t g = fork();
		if (g == 0) {
			close(q[0]);
			prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
			write(p[1], "r", 1);
			for (;;)
				pause();
		}
		close(q[1]);
		char x;
		read(p[0], &x, 1);
		write(p[1], &g, sizeof g);
		_exit(0);
	}
	close(q[1]);
	wait_for(mid);
	pid_t g = 0;
	read(p[0], &g, sizeof g);
	struct pollfd pf = {q[0], POLLIN, 0};
	int ready = poll(&pf, 1, 2000);
	char x;
	out("PR_SET_PDEATHSIG: orphaned grandchild killed when its parent died: %s\n",
	    yesno(ready == 1 && read(q[0], &x, 1) == 0));
	if (ready != 1 && g > 0)
		kill(g, SIGKILL);
	close(p[0]);
	close(p[1]);
	close(q[0]);

	/* Priority: raising our nice value is always allowed (in a child). */
	pid_t c = xfork();
	if (c == 0) {
		errno = 0;
		int cur = getpriority(PRIO_PROCESS, 0);
		out("  getpriority: %s\n", ename(errno));
		/* Nice values stop at 19 (in case the tests run under nice). */
		int want3 = cur + 3 > 19 ? 19 : cur + 3, want4 = cur + 4 > 19 ? 19 : cur + 4;
		out("  setpriority +3: %s\n", er(setpriority(PRIO_PROCESS, 0, cur + 3)));
		out("  getpriority is +3: %s\n", yesno(getpriority(PRIO_PROCESS, 0) == want3));
		out("  nice(1) returns +4: %s\n", yesno(nice(1) == want4));
		out("  raw getpriority returns 20 - nice: %s\n",
		    yesno(syscall(SYS_getpriority, PRIO_PROCESS, 0) == 20 - want4));
		out("  setpriority bad which: %s\n", er(setpriority(99, 0, 0)));
		_exit(0);
	}
	out("priority child: %s\n", wstr(wait_for(c)));

	out("sched_getscheduler: %d (SCHED_OTHER)\n", sched_getscheduler(0));
	struct sched_param sp;
	sp.sched_priority = -1;
	out("sched_getparam: %s, ", er(sched_getparam(0, &sp)));
	out("priority %d\n", sp.sched_priority);
	out("sched_get_priority_max(SCHED_OTHER): %d\n", sched_get_priority_max(SCHED_OTHER));
	cpu_set_t set;
	CPU_ZERO(&set);
	out("sched_getaffinity: %s, ", er(sched_getaffinity(0, sizeof set, &set)));
	out("at least one cpu: %s\n", yesno(CPU_COUNT(&set) >= 1));
	out("personality query: %s\n", personality(0xffffffff) == 0 ? "PER_LINUX" : "other");
	out("getcpu: %s\n", er(syscall(SYS_getcpu, NULL, NULL, NULL)));
}

int main(void)
{
	tg_init();
	test_rlimits();
	test_sysinfo();
	test_sessions();
	test_misc();
	tg_exit();
}
