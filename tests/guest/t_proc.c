/*
 * t_proc: the parts of /proc that programs (and busybox ps/top/free/mount)
 * rely on, checked as relations to what system calls report:
 * /proc/self/{stat,status,cmdline,fd,exe}, /proc/<pid>/stat of a child,
 * /proc/self as a symlink, /proc/meminfo, /proc/mounts, /proc/uptime.
 */
#include "tg.h"

#include <sys/mman.h>

#include <stdint.h>
#include <sys/syscall.h>

static char buf[65536];

/* Field n (1-based) of a /proc/<pid>/stat line; comm may contain spaces. */
static int stat_field(const char *line, int n, char *outb, size_t size)
{
	if (n == 1 || n == 2) {
		const char *lp = strchr(line, '(');
		const char *rp = strrchr(line, ')');
		if (!lp || !rp)
			return -1;
		if (n == 1)
			snprintf(outb, size, "%.*s", (int)(lp - line - 1 > 0 ? lp - line - 1 : 0), line);
		else
			snprintf(outb, size, "%.*s", (int)(rp - lp - 1), lp + 1);
		return 0;
	}
	const char *p = strrchr(line, ')');
	if (!p)
		return -1;
	p++;
	for (int f = 3; f <= n; f++) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ' && *e != '\n')
			e++;
		if (f == n) {
			snprintf(outb, size, "%.*s", (int)(e - p), p);
			return 0;
		}
		if (!*e)
			return -1;
		p = e;
	}
	return -1;
}

/* The value after "Key:" in a status-style file, or NULL. */
static const char *status_value(const char *text, const char *key, char *outb, size_t size)
{
	size_t kl = strlen(key);
	const char *p = text;
	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ':') {
			const char *v = p + kl + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			const char *e = strchr(v, '\n');
			size_t len = e ? (size_t)(e - v) : strlen(v);
			snprintf(outb, size, "%.*s", (int)len, v);
			return outb;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static int cmpint(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void test_self(int argc, char **argv)
{
	char f[256];
	pid_t pid = getpid();
	ssize_t n = read_file("/proc/self/stat", buf, sizeof buf);
	out("/proc/self/stat readable: %s\n", yesno(n > 0));
	if (n > 0) {
		stat_field(buf, 1, f, sizeof f);
		out("  field 1 == getpid: %s\n", yesno(atoi(f) == pid));
		stat_field(buf, 2, f, sizeof f);
		out("  field 2 (comm): %s\n", f);
		stat_field(buf, 3, f, sizeof f);
		out("  field 3 (state): %s\n", f);
		stat_field(buf, 4, f, sizeof f);
		out("  field 4 == getppid: %s\n", yesno(atoi(f) == getppid()));
		stat_field(buf, 5, f, sizeof f);
		out("  field 5 == getpgrp: %s\n", yesno(atoi(f) == getpgrp()));
		stat_field(buf, 6, f, sizeof f);
		out("  field 6 == getsid: %s\n", yesno(atoi(f) == getsid(0)));
		stat_field(buf, 20, f, sizeof f);
		out("  field 20 (num_threads): %s\n", f);
		int nf = 0;
		for (int i = 1; i <= 60; i++)
			if (stat_field(buf, i, f, sizeof f) == 0)
				nf = i;
		out("  at least 44 fields: %s\n", yesno(nf >= 44));
		out("  ends with a newline: %s\n", yesno(buf[n - 1] == '\n'));
	}

	n = read_file("/proc/self/status", buf, sizeof buf);
	out("/proc/self/status readable: %s\n", yesno(n > 0));
	out("  Name: %s\n", status_value(buf, "Name", f, sizeof f) ? f : "(missing)");
	out("  State starts with R: %s\n", yesno(status_value(buf, "State", f, sizeof f) && f[0] == 'R'));
	out("  Pid == getpid: %s\n", yesno(status_value(buf, "Pid", f, sizeof f) && atoi(f) == pid));
	out("  PPid == getppid: %s\n", yesno(status_value(buf, "PPid", f, sizeof f) && atoi(f) == getppid()));
	out("  Tgid == getpid: %s\n", yesno(status_value(buf, "Tgid", f, sizeof f) && atoi(f) == pid));
	out("  Uid first field == getuid: %s\n",
	    yesno(status_value(buf, "Uid", f, sizeof f) && (uid_t)atoi(f) == getuid()));
	out("  Gid first field == getgid: %s\n",
	    yesno(status_value(buf, "Gid", f, sizeof f) && (gid_t)atoi(f) == getgid()));
	out("  Threads: %s\n", status_value(buf, "Threads", f, sizeof f) ? f : "(missing)");
	out("  VmRSS present: %s\n", yesno(status_value(buf, "VmRSS", f, sizeof f) != NULL));

	n = read_file("/proc/self/cmdline", buf, sizeof buf);
	int same = n > 0;
	char *p = buf;
	for (int i = 0; i < argc && same; i++) {
		if (p >= buf + n || strcmp(p, argv[i]))
			same = 0;
		p += strlen(p) + 1;
	}
	out("/proc/self/cmdline matches argv (%d args): %s\n", argc, yesno(same && p == buf + n));

	n = read_file("/proc/self/comm", buf, sizeof buf);
	out("/proc/self/comm: %s", n > 0 ? buf : "(unreadable)\n");

	char link[4096];
	n = readlink("/proc/self/exe", link, sizeof link - 1);
	if (n > 0)
		link[n] = 0;
	out("readlink /proc/self/exe ends with /t_proc: %s\n",
	    yesno(n > 7 && !strcmp(link + n - 7, "/t_proc")));
	out("  and is absolute: %s\n", yesno(n > 0 && link[0] == '/'));
	struct stat a, b;
	int same_file = stat("/proc/self/exe", &a) == 0 && stat(link, &b) == 0 && a.st_ino == b.st_ino &&
			a.st_dev == b.st_dev;
	out("  stat of it == stat of our binary: %s\n", yesno(same_file));

	n = readlink("/proc/self", link, sizeof link - 1);
	if (n > 0)
		link[n] = 0;
	out("/proc/self is a symlink to our pid: %s\n", yesno(n > 0 && atoi(link) == pid));
	snprintf(f, sizeof f, "/proc/%d/status", (int)pid);
	out("/proc/<pid>/status readable: %s\n", yesno(read_file(f, buf, sizeof buf) > 0));
	out("/proc/thread-self exists: %s\n", yesno(access("/proc/thread-self", F_OK) == 0));

	/* /proc/self/fd after closing everything above 2. */
	int fd = open("/dev/null", O_RDONLY);
	int fd2 = dup2(fd, 7);
	close(fd);
	DIR *d = opendir("/proc/self/fd");
	int fds[64], nfds = 0;
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d) && nfds < 64)
				fds[nfds++] = atoi(e->d_name);
		closedir(d);
	}
	qsort(fds, nfds, sizeof fds[0], cmpint);
	out("/proc/self/fd (without the directory's own fd):");
	for (int i = 0; i < nfds; i++)
		out(" %d", fds[i]);
	out("\n");
	n = readlink("/proc/self/fd/7", link, sizeof link - 1);
	if (n > 0)
		link[n] = 0;
	out("readlink /proc/self/fd/7: %s\n", n > 0 ? link : ename(errno));
	close(fd2);

	/* A link to a file in /tmp names it; reading through it works. */
	char path[256];
	snprintf(path, sizeof path, "/tmp/t_proc.%d", (int)pid);
	write_file(path, "through the fd link", 0644);
	fd = open(path, O_RDONLY);
	snprintf(f, sizeof f, "/proc/self/fd/%d", fd);
	n = readlink(f, link, sizeof link - 1);
	if (n > 0)
		link[n] = 0;
	out("fd link names the file: %s\n", yesno(n > 0 && !strcmp(link, path)));
	out("open via /proc/self/fd/N: [%s]\n", read_file(f, buf, sizeof buf) > 0 ? buf : ename(errno));
	unlink(path);
	n = readlink(f, link, sizeof link - 1);
	if (n > 0)
		link[n] = 0;
	out("after unlink the link ends with \" (deleted)\": %s\n",
	    yesno(n > 10 && !strcmp(link + n - 10, " (deleted)")));
	close(fd);
	int p2[2];
	if (pipe(p2) == 0) {
		snprintf(f, sizeof f, "/proc/self/fd/%d", p2[0]);
		n = readlink(f, link, sizeof link - 1);
		if (n > 0)
			link[n] = 0;
		out("pipe fd link looks like pipe:[N]: %s\n",
		    yesno(n > 6 && !strncmp(link, "pipe:[", 6) && link[n - 1] == ']'));
		close(p2[0]);
		close(p2[1]);
	}
}

static void test_child(void)
{
	int go[2];
	if (pipe(go) < 0)
		die("pipe");
	pid_t c = xfork();
	if (c == 0) {
		char x;
		close(go[1]);
		read(go[0], &x, 1);
		_exit(0);
	}
	close(go[0]);
	char path[64], f[256];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)c);
	/* Wait until the child is asleep in read. */
	int sleeping = 0;
	for (int i = 0; i < 2000 && !sleeping; i++) {
		if (read_file(path, buf, sizeof buf) > 0 && stat_field(buf, 3, f, sizeof f) == 0 && f[0] == 'S')
			sleeping = 1;
		else
			msleep(1);
	}
	out("child's stat: state S while blocked: %s\n", yesno(sleeping));
	stat_field(buf, 4, f, sizeof f);
	out("child's stat: ppid is us: %s\n", yesno(atoi(f) == getpid()));
	stat_field(buf, 1, f, sizeof f);
	out("child's stat: pid field: %s\n", yesno(atoi(f) == c));
	close(go[1]);
	/* It exits; until reaped it is a zombie. */
	int zombie = 0;
	for (int i = 0; i < 2000 && !zombie; i++) {
		if (read_file(path, buf, sizeof buf) > 0 && stat_field(buf, 3, f, sizeof f) == 0 && f[0] == 'Z')
			zombie = 1;
		else
			msleep(1);
	}
	out("exited child is Z before wait: %s\n", yesno(zombie));
	wait_for(c);
	out("reaped child's /proc entry: %s\n", er(access(path, F_OK)));

	/* The pid directory lists in /proc. */
	DIR *d = opendir("/proc");
	int found_self = 0, found_one = 0;
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (atoi(e->d_name) == getpid())
				found_self = 1;
			if (!strcmp(e->d_name, "1"))
				found_one = 1;
		}
		closedir(d);
	}
	out("readdir /proc lists our pid: %s, and 1: %s\n", yesno(found_self), yesno(found_one));
}

static void test_system(void)
{
	char f[256];
	ssize_t n = read_file("/proc/meminfo", buf, sizeof buf);
	out("/proc/meminfo readable: %s\n", yesno(n > 0));
	long total = -1, freem = -1, avail = -1;
	if (status_value(buf, "MemTotal", f, sizeof f))
		total = atol(f);
	out("  MemTotal > 0 kB: %s (unit kB: %s)\n", yesno(total > 0), yesno(strstr(f, " kB") != NULL));
	if (status_value(buf, "MemFree", f, sizeof f))
		freem = atol(f);
	out("  MemFree <= MemTotal: %s\n", yesno(freem >= 0 && freem <= total));
	if (status_value(buf, "MemAvailable", f, sizeof f))
		avail = atol(f);
	out("  MemAvailable present: %s\n", yesno(avail >= 0));
	out("  first line starts with MemTotal: %s\n", yesno(!strncmp(buf, "MemTotal:", 9)));

	n = read_file("/proc/mounts", buf, sizeof buf);
	int proc_line = 0;
	for (char *line = buf; n > 0 && line && *line;) {
		char dev[256], mnt[256], type[64];
		if (sscanf(line, "%255s %255s %63s", dev, mnt, type) == 3 && !strcmp(mnt, "/proc") &&
		    !strcmp(type, "proc"))
			proc_line = 1;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	out("/proc/mounts has \"<dev> /proc proc ...\": %s\n", yesno(proc_line));
	out("/proc/self/mounts readable: %s\n", yesno(access("/proc/self/mounts", R_OK) == 0));

	n = read_file("/proc/uptime", buf, sizeof buf);
	double up = -1, idle = -1;
	int k = n > 0 ? sscanf(buf, "%lf %lf", &up, &idle) : 0;
	out("/proc/uptime parses as two numbers: %s, uptime > 0: %s, idle >= 0: %s\n", yesno(k == 2), yesno(up > 0),
	    yesno(idle >= 0));
	struct timespec bt;
	clock_gettime(CLOCK_BOOTTIME, &bt);
	out("  uptime close to CLOCK_BOOTTIME: %s\n", yesno(up - bt.tv_sec < 2 && bt.tv_sec - up < 2));

	n = read_file("/proc/loadavg", buf, sizeof buf);
	double l1;
	out("/proc/loadavg parses: %s\n", yesno(n > 0 && sscanf(buf, "%lf", &l1) == 1));
	n = read_file("/proc/filesystems", buf, sizeof buf);
	out("/proc/filesystems lists proc: %s\n", yesno(n > 0 && strstr(buf, "\tproc\n") != NULL));
	n = read_file("/proc/self/maps", buf, sizeof buf);
	out("/proc/self/maps has [stack]: %s\n", yesno(n > 0 && strstr(buf, "[stack]") != NULL));
	out("/proc/self/maps names our binary: %s\n", yesno(n > 0 && strstr(buf, "/t_proc\n") != NULL));
	out("/proc/nonexistent: %s\n", er(access("/proc/nonexistent", F_OK)));
	out("/proc/999999999/stat: %s\n", er(open("/proc/999999999/stat", O_RDONLY)));
}

/* /proc/self/mountinfo as libmount reads it: well-formed lines, unique
 * ids, parents that are listed (but the root's), a line for "/". */
static void test_mountinfo(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[1024];
	int ids[256], parents[256], n = 0, root_parent = -1, well_formed = 1, has_root = 0;

	check(f != NULL, "/proc/self/mountinfo opens");
	if (!f)
		return;
	while (n < 256 && fgets(line, sizeof line, f)) {
		int id, parent;
		unsigned major, minor;
		char root[256], point[256];

		if (sscanf(line, "%d %d %u:%u %255s %255s", &id, &parent, &major, &minor, root,
			   point) != 6 ||
		    !strstr(line, " - "))
			well_formed = 0;
		if (!strcmp(point, "/")) {
			has_root = 1;
			root_parent = parent;
		}
		ids[n] = id;
		parents[n++] = parent;
	}
	fclose(f);
	int unique = 1, known = 1;
	for (int i = 0; i < n; i++) {
		int found = parents[i] == root_parent;
		for (int j = 0; j < n; j++) {
			if (j != i && ids[j] == ids[i])
				unique = 0;
			if (ids[j] == parents[i])
				found = 1;
		}
		if (!found)
			known = 0;
	}
	check(n > 0 && well_formed, "every mountinfo line has id, parent, dev, root, point and ' - '");
	check(has_root, "mountinfo has the / mount");
	check(unique, "mount ids are unique");
	check(known, "every parent id is a listed mount (or the root's parent)");
}

/* A /proc/meminfo field in kB, or -1. */
static long meminfo_kb(const char *key)
{
	char f[256];
	if (read_file("/proc/meminfo", buf, sizeof buf) <= 0 || !status_value(buf, key, f, sizeof f))
		return -1;
	return atol(f);
}

/*
 * Shared anonymous memory is tmpfs (shmem) memory: /proc/meminfo counts it
 * in Shmem and in Cached, and, since only swap could free it, not in
 * MemAvailable (free(1) shows it as "shared" and "used"). Only relations
 * that hold whatever else the machine runs are printed.
 */
static void test_shmem(void)
{
	long total = meminfo_kb("MemTotal");
	size_t len = (size_t)(total / 4 < 16384 ? total / 4 : 16384) << 10;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	out("mmap shared anonymous (a quarter of memory, at most 16 MiB): %s\n",
	    p == MAP_FAILED ? ename(errno) : "ok");
	if (p == MAP_FAILED)
		return;
	for (size_t off = 0; off < len; off += 4096)
		p[off] = 1;
	long shmem = meminfo_kb("Shmem"), cached = meminfo_kb("Cached");
	long avail = meminfo_kb("MemAvailable");
	out("  Shmem counts the touched mapping: %s\n", yesno(shmem >= (long)(len >> 10)));
	out("  Cached includes Shmem: %s\n", yesno(cached >= shmem));
	out("  MemAvailable leaves it out: %s\n", yesno(avail >= 0 && avail <= total - (long)(len >> 10)));
	munmap(p, len);
}

/* The user, system and idle fields of /proc/stat's "cpu" line, in ticks. */
static int cpu_ticks(unsigned long long v[3])
{
	unsigned long long nice;
	if (read_file("/proc/stat", buf, sizeof buf) <= 0)
		return -1;
	return sscanf(buf, "cpu %llu %llu %llu %llu", &v[0], &nice, &v[1], &v[2]) == 4 ? 0 : -1;
}

/*
 * The machine's CPU time in /proc/stat and /proc/uptime counts what its
 * processes do: 300 ms of this one's user-mode spinning add at least 150
 * ms (15 ticks) of user time, and no counter goes backwards.
 */
static void test_cpu_stat(void)
{
	unsigned long long a[3], b[3];
	struct timespec t0, t1;
	volatile unsigned long x = 0;
	int ok = cpu_ticks(a) == 0;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	do {
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	} while ((t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec) < 300000000LL);
	ok = ok && cpu_ticks(b) == 0;
	out("/proc/stat cpu line parses: %s\n", yesno(ok));
	out("  user ticks grew by >= 15 over 300 ms of spinning: %s\n", yesno(ok && b[0] >= a[0] + 15));
	out("  system and idle ticks do not go back: %s\n", yesno(ok && b[1] >= a[1] && b[2] >= a[2]));
	double up = -1, idle = -1;
	if (read_file("/proc/uptime", buf, sizeof buf) > 0)
		sscanf(buf, "%lf %lf", &up, &idle);
	out("/proc/uptime idle >= 0 and counts no more than uptime per CPU: %s\n",
	    yesno(idle >= 0 && idle <= up * sysconf(_SC_NPROCESSORS_CONF) + 1));
}

/* A /proc/self/status field in kB, or -1. */
static long status_kb(const char *key)
{
	char f[256];
	if (read_file("/proc/self/status", buf, sizeof buf) <= 0 || !status_value(buf, key, f, sizeof f))
		return -1;
	return atol(f);
}

/* The fields of /proc/self/statm (pages), or -1 in v[0]. */
static void statm(long v[7])
{
	v[0] = -1;
	if (read_file("/proc/self/statm", buf, sizeof buf) <= 0 ||
	    sscanf(buf, "%ld %ld %ld %ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]) != 7)
		v[0] = -1;
}

/* Is a (kB) within 256 kB above b + want? The counters Linux shows may lag. */
static int grew(long a, long b, long want)
{
	return a - b >= want - 256 && a - b <= want + 256;
}

/*
 * The memory fields of /proc/self/status and statm follow what this
 * process maps and touches: 8 MiB of private anonymous memory is RssAnon
 * and VmData, 4 MiB of shared anonymous memory is RssShmem (statm's
 * "shared"), and the parts add up to VmRSS.
 */
static void test_status_memory(void)
{
	const char *keys[] = {"VmSize", "VmRSS", "RssAnon", "RssFile", "RssShmem", "VmData", "VmStk", "VmExe", "VmLib",
			      "VmPTE", "VmSwap", "VmHWM", "VmPeak", "VmLck"};
	int all = 1;
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		all &= status_kb(keys[k]) >= 0;
	out("status has every Vm/Rss field: %s\n", yesno(all));
	long anon0 = status_kb("RssAnon"), data0 = status_kb("VmData"), shm0 = status_kb("RssShmem");
	long m0[7], m1[7];
	statm(m0);
	char *a = mmap(NULL, 8 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *s = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED || s == MAP_FAILED) {
		out("mmap: %s\n", ename(errno));
		return;
	}
	for (int off = 0; off < 8 << 20; off += 4096)
		a[off] = 1;
	for (int off = 0; off < 4 << 20; off += 4096)
		s[off] = 1;
	long anon1 = status_kb("RssAnon"), data1 = status_kb("VmData"), shm1 = status_kb("RssShmem");
	statm(m1);
	out("  8 MiB private: RssAnon +8 MiB: %s, VmData +8 MiB: %s\n", yesno(grew(anon1, anon0, 8192)),
	    yesno(data1 - data0 == 8192));
	out("  4 MiB shared: RssShmem +4 MiB: %s, statm shared +1024 pages: %s\n", yesno(grew(shm1, shm0, 4096)),
	    yesno(m0[0] >= 0 && m1[0] >= 0 && grew(m1[2] * 4, m0[2] * 4, 4096)));
	out("  statm size +3072 pages: %s\n", yesno(m1[0] - m0[0] == 3072));
	long rss = status_kb("VmRSS"), parts = status_kb("RssAnon") + status_kb("RssFile") + status_kb("RssShmem");
	out("  RssAnon + RssFile + RssShmem = VmRSS: %s\n", yesno(rss == parts));
	out("  statm: resident <= size, shared <= resident, lib 0: %s\n",
	    yesno(m1[1] <= m1[0] && m1[2] <= m1[1] && m1[4] == 0));
	out("  VmExe > 0: %s, VmStk > 0: %s, VmHWM >= VmRSS: %s\n", yesno(status_kb("VmExe") > 0),
	    yesno(status_kb("VmStk") > 0), yesno(status_kb("VmHWM") >= status_kb("VmRSS")));
	munmap(a, 8 << 20);
	munmap(s, 4 << 20);
}

/*
 * A /proc file kept open shows fresh content when read again from the
 * start (top and free sample /proc/stat and /proc/meminfo that way): the
 * uptime read after lseek(0) or with pread at 0 has moved on.
 */
static void test_reread(void)
{
	char a[64] = "", b[64] = "", c[64] = "";
	int fd = open("/proc/uptime", O_RDONLY);
	ssize_t n = read(fd, a, sizeof a - 1);
	struct timespec ts = {0, 50000000L};
	nanosleep(&ts, NULL);
	ssize_t m = lseek(fd, 0, SEEK_SET) == 0 ? read(fd, b, sizeof b - 1) : -1;
	nanosleep(&ts, NULL);
	ssize_t k = pread(fd, c, sizeof c - 1, 0);
	out("/proc/uptime read again after lseek(0): %s, changed: %s\n", yesno(n > 0 && m > 0),
	    yesno(m > 0 && strcmp(a, b) != 0));
	out("/proc/uptime pread at 0: %s, changed: %s\n", yesno(k > 0), yesno(k > 0 && strcmp(b, c) != 0));
	close(fd);
}

int main(int argc, char **argv)
{
	tg_init();
	/* Only 0, 1 and 2 stay open (natively the caller may leak more). */
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	test_self(argc, argv);
	test_child();
	test_system();
	test_mountinfo();
	test_shmem();
	test_cpu_stat();
	test_reread();
	test_status_memory();
	tg_exit();
}
