/*
 * t_exec: execve of this same program with chosen argv and envp (checked
 * in the new image along with the auxiliary vector and the initial stack
 * layout), what survives exec (pid, fds without FD_CLOEXEC, cwd, umask),
 * #! scripts, the exec errors, and exec from a multi-threaded process.
 */
#include "tg.h"

#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>

extern char **environ;
extern char _start[];
extern const ElfW(Ehdr) __ehdr_start;

static const char *self;

/* ---- modes run in the new image ---- */

static int mode_args(int argc, char **argv, char **envp)
{
	out("  argc %d\n", argc);
	for (int i = 0; i < argc; i++)
		out("  argv[%d] = [%s]\n", i, argv[i]);
	out("  argv[argc] is NULL: %s\n", yesno(argv[argc] == NULL));
	int n = 0;
	for (char **e = envp; *e; e++)
		out("  envp[%d] = [%s]\n", n++, *e);
	out("  environ == envp: %s\n", yesno(environ == envp));
	out("  envp follows argv on the stack: %s\n", yesno(envp == argv + argc + 1));
	out("  getenv(FOO) = %s\n", getenv("FOO") ? getenv("FOO") : "(null)");
	return 0;
}

static int mode_auxv(int argc, char **argv, char **envp)
{
	/* argv[2] is the path the parent passed to execve. */
	(void)argc;
	char **e = envp;
	while (*e)
		e++;
	ElfW(auxv_t) *av = (ElfW(auxv_t) *)(e + 1);
	unsigned long pagesz = 0, random = 0, execfn = 0, phdr = 0, phnum = 0, phent = 0, entry = 0;
	unsigned long uid = 99999, euid = 99999, gid = 99999, egid = 99999, secure = 99, clktck = 0;
	int seen_null = 0, count = 0;
	for (; count < 200; av++, count++) {
		if (av->a_type == AT_NULL) {
			seen_null = 1;
			break;
		}
		unsigned long v = av->a_un.a_val;
		switch (av->a_type) {
		case AT_PAGESZ: pagesz = v; break;
		case AT_RANDOM: random = v; break;
		case AT_EXECFN: execfn = v; break;
		case AT_PHDR: phdr = v; break;
		case AT_PHNUM: phnum = v; break;
		case AT_PHENT: phent = v; break;
		case AT_ENTRY: entry = v; break;
		case AT_UID: uid = v; break;
		case AT_EUID: euid = v; break;
		case AT_GID: gid = v; break;
		case AT_EGID: egid = v; break;
		case AT_SECURE: secure = v; break;
		case AT_CLKTCK: clktck = v; break;
		}
	}
	out("  auxv follows envp and ends with AT_NULL: %s\n", yesno(seen_null));
	out("  AT_PAGESZ %lu, getauxval agrees: %s\n", pagesz, yesno(getauxval(AT_PAGESZ) == pagesz));
	if (random) {
		const unsigned char *r = (const unsigned char *)random;
		int nz = 0;
		for (int i = 0; i < 16; i++)
			nz |= r[i];
		out("  AT_RANDOM present, 16 bytes not all zero: %s\n", yesno(nz != 0));
	} else {
		out("  AT_RANDOM missing\n");
	}
	out("  AT_EXECFN is the execve path: %s\n", yesno(execfn && strcmp((char *)execfn, argv[2]) == 0));
	const ElfW(Phdr) *want = (const ElfW(Phdr) *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
	out("  AT_PHDR points at our program headers: %s\n", yesno(phdr == (unsigned long)want));
	out("  AT_PHNUM matches the ELF header: %s\n", yesno(phnum == __ehdr_start.e_phnum));
	out("  AT_PHENT %lu\n", phent);
	out("  AT_ENTRY is _start: %s\n", yesno(entry == (unsigned long)_start));
	out("  AT_UID/EUID/GID/EGID match: %s\n",
	    yesno(uid == getuid() && euid == geteuid() && gid == getgid() && egid == getegid()));
	out("  AT_SECURE %lu\n", secure);
	out("  AT_CLKTCK %lu\n", clktck);
	/* The initial stack pointer is 16-byte aligned: argc sits right below argv. */
	out("  argv 8 bytes above a 16-aligned argc slot: %s\n", yesno(((uintptr_t)argv & 15) == 8));
	return 0;
}

/* argv: self keep-check <cloexec fd> <plain fd> <expected pid> <expected umask> */
static int mode_keep(int argc, char **argv, char **envp)
{
	(void)envp;
	if (argc < 6)
		return 3;
	int cfd = atoi(argv[2]), pfd = atoi(argv[3]);
	out("  pid unchanged by exec: %s\n", yesno(getpid() == atoi(argv[4])));
	out("  FD_CLOEXEC fd closed: %s\n", er(fcntl(cfd, F_GETFD)));
	out("  plain fd still open: %s\n", er(fcntl(pfd, F_GETFD)));
	char buf[16] = {0};
	out("  plain fd keeps its offset: read [%s]\n", (read(pfd, buf, 5), buf));
	mode_t m = umask(0);
	out("  umask kept: %s\n", yesno((unsigned)m == (unsigned)strtoul(argv[5], NULL, 8)));
	char cwd[4096];
	out("  cwd kept: %s\n", yesno(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/tmp") == 0));
	return 0;
}

/* argv: self many <count>: print a checksum of all argv and envp strings. */
static int mode_many(int argc, char **argv, char **envp)
{
	unsigned long sum = 0;
	for (int i = 0; i < argc; i++)
		for (const char *p = argv[i]; *p; p++)
			sum = sum * 31 + (unsigned char)*p;
	int ne = 0;
	for (char **e = envp; *e; e++, ne++)
		for (const char *p = *e; *p; p++)
			sum = sum * 31 + (unsigned char)*p;
	out("  argc %d, envc %d, checksum %lx\n", argc, ne, sum);
	return 0;
}

/* argv: self pid <expected pid>: exec'd from a non-leader thread. */
static int mode_pid(int argc, char **argv, char **envp)
{
	(void)envp;
	if (argc < 3)
		return 3;
	out("  after exec from a thread: pid is the old leader's: %s, gettid == getpid: %s\n",
	    yesno(getpid() == atoi(argv[2])), yesno(gettid() == getpid()));
	/* Only one thread is left. */
	char buf[4096];
	int threads = -1;
	if (read_file("/proc/self/status", buf, sizeof buf) > 0) {
		char *t = strstr(buf, "\nThreads:");
		if (t)
			threads = atoi(t + 9);
	}
	out("  threads left: %d\n", threads);
	return 7;
}

/* ---- the parent side ---- */

/* fork, execve(path, argv, envp) in the child, wait: returns the status. */
static int run(const char *path, char *const argv[], char *const envp[])
{
	pid_t c = xfork();
	if (c == 0) {
		execve(path, argv, envp);
		out("  execve failed: %s\n", ename(errno));
		_exit(127);
	}
	return wait_for(c);
}

/*
 * The errno that execve fails with (in a child, so that an unexpected
 * success does no harm).
 */
static const char *exec_err_raw(const char *path, char *const *argv, char *const *envp)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	pid_t c = xfork();
	if (c == 0) {
		syscall(SYS_execve, path, argv, envp);
		int e = errno;
		write(p[1], &e, sizeof e);
		_exit(0);
	}
	close(p[1]);
	int e = 0;
	ssize_t n = read(p[0], &e, sizeof e);
	close(p[0]);
	int st = wait_for(c);
	static char buf[80];
	if (n == sizeof e)
		return ename(e);
	snprintf(buf, sizeof buf, "exec succeeded (%s)", wstr(st));
	return buf;
}

static const char *exec_err(const char *path)
{
	char *argv[] = {(char *)"x", (char *)"args", NULL};
	char *envp[] = {NULL};
	return exec_err_raw(path, argv, envp);
}

/* Run a #! script with its stdout on a pipe; print what it wrote. */
static void run_script(const char *what, const char *path, char *const argv[])
{
	char *envp[] = {(char *)"PATH=/bin:/usr/bin", NULL};
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t c = xfork();
	if (c == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execve(path, argv, envp);
		out("execve failed: %s\n", ename(errno));
		_exit(127);
	}
	close(p[1]);
	char buf[512];
	ssize_t n = read_all(p[0], buf, sizeof buf - 1);
	close(p[0]);
	buf[n > 0 ? n : 0] = 0;
	int st = wait_for(c);
	out("%s: output [", what);
	for (char *s = buf; *s; s++)
		out("%c", *s == '\n' ? '|' : *s);
	out("], %s\n", wstr(st));
}

static void *exec_thread(void *arg)
{
	char pid[32];
	snprintf(pid, sizeof pid, "%d", (int)(intptr_t)arg);
	char *argv[] = {(char *)"t_exec", (char *)"pid", pid, NULL};
	char *envp[] = {NULL};
	execve(self, argv, envp);
	out("execve from thread failed: %s\n", ename(errno));
	_exit(127);
}

static void *sleeper_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv, char **envp)
{
	if (argc >= 2 && !strcmp(argv[1], "args"))
		return mode_args(argc, argv, envp);
	if (argc >= 3 && !strcmp(argv[1], "auxv"))
		return mode_auxv(argc, argv, envp);
	if (argc >= 2 && !strcmp(argv[1], "keep-check"))
		return mode_keep(argc, argv, envp);
	if (argc >= 2 && !strcmp(argv[1], "many"))
		return mode_many(argc, argv, envp);
	if (argc >= 2 && !strcmp(argv[1], "pid"))
		return mode_pid(argc, argv, envp);

	tg_init();
	/* Our own path, as the execve we came from spelled it. */
	static char selfbuf[4096];
	if (strchr(argv[0], '/') && argv[0][0] == '/') {
		self = argv[0];
	} else if (strchr(argv[0], '/')) {
		char cwd[2048];
		if (!getcwd(cwd, sizeof cwd))
			die("getcwd");
		snprintf(selfbuf, sizeof selfbuf, "%s/%s", cwd, argv[0]);
		self = selfbuf;
	} else {
		ssize_t n = readlink("/proc/self/exe", selfbuf, sizeof selfbuf - 1);
		if (n <= 0)
			die("cannot find own path");
		selfbuf[n] = 0;
		self = selfbuf;
	}
	const char *dir = mk_tmpdir("t_exec");
	char path[512];

	out("exec with chosen argv/envp:\n");
	{
		char *a[] = {(char *)"custom-argv0", (char *)"args", (char *)"two words", (char *)"",
			     (char *)"last", NULL};
		char *e[] = {(char *)"FOO=bar", (char *)"EMPTY=", (char *)"X=1=2", NULL};
		out("  -> %s\n", wstr(run(self, a, e)));
	}
	out("exec with empty envp:\n");
	{
		char *a[] = {(char *)"x", (char *)"args", NULL};
		char *e[] = {NULL};
		out("  -> %s\n", wstr(run(self, a, e)));
	}
	out("auxiliary vector:\n");
	{
		char *a[] = {(char *)"t_exec", (char *)"auxv", (char *)self, NULL};
		char *e[] = {(char *)"A=1", NULL};
		out("  -> %s\n", wstr(run(self, a, e)));
	}
	out("large argv and envp:\n");
	{
		static char store[300][64];
		char *a[202], *e[102];
		a[0] = (char *)"t_exec";
		a[1] = (char *)"many";
		for (int i = 0; i < 200; i++) {
			snprintf(store[i], sizeof store[i], "argument-%d-%0*d", i, i % 40, 7);
			a[i + 2] = store[i];
		}
		a[201] = NULL;
		for (int i = 0; i < 100; i++) {
			snprintf(store[200 + i], sizeof store[0], "VAR%d=value-%d", i, i * i);
			e[i] = store[200 + i];
		}
		e[100] = NULL;
		out("  -> %s\n", wstr(run(self, a, e)));
		/* One 100 KiB argument (more than a page, less than the limits). */
		static char huge[100 * 1024];
		memset(huge, 'h', sizeof huge - 1);
		char *b[] = {(char *)"t_exec", (char *)"many", huge, NULL};
		char *f[] = {NULL};
		out("  -> %s\n", wstr(run(self, b, f)));
	}

	out("what survives exec:\n");
	{
		snprintf(path, sizeof path, "%s/keep", dir);
		write_file(path, "0123456789", 0644);
		int cfd = open(path, O_RDONLY | O_CLOEXEC);
		int pfd = open(path, O_RDONLY);
		lseek(pfd, 3, SEEK_SET);
		pid_t c = xfork();
		if (c == 0) {
			char s1[16], s2[16], s3[16];
			snprintf(s1, sizeof s1, "%d", cfd);
			snprintf(s2, sizeof s2, "%d", pfd);
			snprintf(s3, sizeof s3, "%d", (int)getpid());
			char *a[] = {(char *)"t_exec", (char *)"keep-check", s1, s2, s3, (char *)"0027", NULL};
			char *e[] = {NULL};
			umask(027);
			if (chdir("/tmp") < 0)
				_exit(126);
			execve(self, a, e);
			_exit(127);
		}
		out("  -> %s\n", wstr(wait_for(c)));
		close(cfd);
		close(pfd);
	}

	out("scripts:\n");
	{
		snprintf(path, sizeof path, "%s/script.sh", dir);
		write_file(path, "#!/bin/sh\necho \"script: $# [$1] [$2]\"\nexit 3\n", 0755);
		char *a[] = {(char *)"script.sh", (char *)"one", (char *)"two words", NULL};
		run_script("  #!/bin/sh script", path, a);

		snprintf(path, sizeof path, "%s/script-arg.sh", dir);
		write_file(path, "#!/bin/sh -e\nfalse\necho not reached\n", 0755);
		char *b[] = {(char *)"script-arg.sh", NULL};
		run_script("  #!/bin/sh -e script", path, b);

		snprintf(path, sizeof path, "%s/script-c.sh", dir);
		write_file(path, "#!/bin/sh\n/bin/sh -c 'echo nested shell says hi; exit 0'\n", 0755);
		char *c[] = {(char *)"script-c.sh", NULL};
		run_script("  script running /bin/sh -c", path, c);

		snprintf(path, sizeof path, "%s/script-spaces.sh", dir);
		write_file(path, "#!   /bin/sh   \necho spaces around the interpreter\n", 0755);
		char *d[] = {(char *)"script-spaces.sh", NULL};
		run_script("  #! with blanks", path, d);

		snprintf(path, sizeof path, "%s/bad-interp.sh", dir);
		write_file(path, "#!/nonexistent/interpreter\necho hi\n", 0755);
		out("  missing interpreter: %s\n", exec_err(path));
	}

	out("errors:\n");
	{
		snprintf(path, sizeof path, "%s/missing", dir);
		out("  nonexistent file: %s\n", exec_err(path));
		snprintf(path, sizeof path, "%s/plain.txt", dir);
		write_file(path, "just text\n", 0644);
		out("  file without exec permission: %s\n", exec_err(path));
		out("  directory: %s\n", exec_err(dir));
		snprintf(path, sizeof path, "%s/garbage", dir);
		write_file(path, "\x01\x02garbage that is no executable format\xff\n", 0755);
		out("  garbage with exec bit: %s\n", exec_err(path));
		snprintf(path, sizeof path, "%s/empty", dir);
		write_file(path, "", 0755);
		out("  empty file with exec bit: %s\n", exec_err(path));
		snprintf(path, sizeof path, "%s/badelf", dir);
		write_file(path, "\177ELF\002\001\001\000truncated", 0755);
		out("  truncated ELF header: %s\n", exec_err(path));
		snprintf(path, sizeof path, "%s/plain.txt/sub", dir);
		out("  path through a file: %s\n", exec_err(path));
		out("  empty path: %s\n", exec_err(""));
		char *a[] = {(char *)"x", (char *)"args", NULL};
		char *e[] = {NULL};
		out("  bad filename pointer: %s\n", exec_err_raw((char *)16, a, e));
		out("  bad argv pointer: %s\n", exec_err_raw(self, (char **)16, e));
		char *bad[] = {(char *)"x", (char *)16, NULL};
		out("  bad argv string: %s\n", exec_err_raw(self, bad, e));
		out("  bad envp pointer: %s\n", exec_err_raw(self, a, (char **)16));
	}

	out("exec from a non-leader thread:\n");
	{
		pid_t c = xfork();
		if (c == 0) {
			pthread_t t1, t2;
			pthread_create(&t1, NULL, sleeper_thread, NULL);
			pthread_create(&t2, NULL, exec_thread, (void *)(intptr_t)getpid());
			for (;;)
				pause();
		}
		out("  -> %s\n", wstr(wait_for(c)));
	}

	tg_cleanup();
	tg_exit();
}
