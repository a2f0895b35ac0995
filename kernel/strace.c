/*
 * strace-style tracing of guest system calls, from the kernel's side: one
 * log line per call, "[pid N] name(decoded arguments) = result".
 *
 * Who is traced: every task with trace_syscalls on the command line, tasks
 * whose program name or pid is in trace=, and the processes named by the
 * mconsole command "trace <pid>". Children of a traced process are traced
 * too (strace -f).
 *
 * The arguments are decoded at entry, while the guest memory they point to
 * is still the caller's (execve replaces it), and the line is finished at
 * exit with the result and what the call wrote (read's buffer). A call
 * that does not return (exit, exit_group) is printed at entry with "= ?".
 */
#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <linux/mman.h>

#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "strace.h"
#include "syscall.h"
#include "task.h"

#define NR_SYSCALLS 512
#define LINE_MAX_K  1024
#define STR_SHOWN   48 /* bytes of a string or buffer shown */
#define ARGV_SHOWN  8  /* elements of an argv shown */

/*
 * Argument formats, one letter per argument:
 *   d int   l long   u unsigned   x hex   p pointer (NULL or hex)
 *   f fd (AT_FDCWD)   o octal mode   s string (a path)
 *   b buffer the call reads, its length the next argument
 *   B buffer the call writes, its length the result (shown at exit)
 *   v NULL-terminated array of strings (argv)
 *   O open flags   P PROT_* bits   M MAP_* flags   S signal number
 * A call without an entry shows its arguments in hex.
 */
static const char *const formats[NR_SYSCALLS] = {
	[__NR_read] = "fBu",
	[__NR_write] = "fbu",
	[__NR_open] = "sOo",
	[__NR_close] = "f",
	[__NR_stat] = "sp",
	[__NR_fstat] = "fp",
	[__NR_lstat] = "sp",
	[__NR_poll] = "pud",
	[__NR_lseek] = "fld",
	[__NR_mmap] = "puPMfx",
	[__NR_mprotect] = "puP",
	[__NR_munmap] = "pu",
	[__NR_brk] = "p",
	[__NR_rt_sigaction] = "Sppu",
	[__NR_rt_sigprocmask] = "dppu",
	[__NR_ioctl] = "fxp",
	[__NR_pread64] = "fBul",
	[__NR_pwrite64] = "fbul",
	[__NR_readv] = "fpd",
	[__NR_writev] = "fpd",
	[__NR_access] = "so",
	[__NR_pipe] = "p",
	[__NR_select] = "dpppp",
	[__NR_sched_yield] = "",
	[__NR_mremap] = "puuxp",
	[__NR_madvise] = "pud",
	[__NR_dup] = "f",
	[__NR_dup2] = "ff",
	[__NR_pause] = "",
	[__NR_nanosleep] = "pp",
	[__NR_alarm] = "u",
	[__NR_getpid] = "",
	[__NR_socket] = "ddd",
	[__NR_connect] = "fpd",
	[__NR_accept] = "fpp",
	[__NR_sendto] = "fbuxpd",
	[__NR_recvfrom] = "fBuxpp",
	[__NR_sendmsg] = "fpx",
	[__NR_recvmsg] = "fpx",
	[__NR_shutdown] = "fd",
	[__NR_bind] = "fpd",
	[__NR_listen] = "fd",
	[__NR_socketpair] = "dddp",
	[__NR_setsockopt] = "fddpd",
	[__NR_getsockopt] = "fddpp",
	[__NR_clone] = "xppxx",
	[__NR_fork] = "",
	[__NR_vfork] = "",
	[__NR_execve] = "svp",
	[__NR_exit] = "d",
	[__NR_wait4] = "dpxp",
	[__NR_kill] = "dS",
	[__NR_uname] = "p",
	[__NR_fcntl] = "fdx",
	[__NR_flock] = "fd",
	[__NR_fsync] = "f",
	[__NR_fdatasync] = "f",
	[__NR_truncate] = "sl",
	[__NR_ftruncate] = "fl",
	[__NR_getdents] = "fpu",
	[__NR_getcwd] = "Bu",
	[__NR_chdir] = "s",
	[__NR_fchdir] = "f",
	[__NR_rename] = "ss",
	[__NR_mkdir] = "so",
	[__NR_rmdir] = "s",
	[__NR_creat] = "so",
	[__NR_link] = "ss",
	[__NR_unlink] = "s",
	[__NR_symlink] = "ss",
	[__NR_readlink] = "sBu",
	[__NR_chmod] = "so",
	[__NR_fchmod] = "fo",
	[__NR_chown] = "sdd",
	[__NR_fchown] = "fdd",
	[__NR_lchown] = "sdd",
	[__NR_umask] = "o",
	[__NR_gettimeofday] = "pp",
	[__NR_getrlimit] = "dp",
	[__NR_sysinfo] = "p",
	[__NR_getuid] = "",
	[__NR_getgid] = "",
	[__NR_setuid] = "d",
	[__NR_setgid] = "d",
	[__NR_geteuid] = "",
	[__NR_getegid] = "",
	[__NR_setpgid] = "dd",
	[__NR_getppid] = "",
	[__NR_getpgrp] = "",
	[__NR_setsid] = "",
	[__NR_getpgid] = "d",
	[__NR_getsid] = "d",
	[__NR_rt_sigpending] = "pu",
	[__NR_rt_sigsuspend] = "pu",
	[__NR_sigaltstack] = "pp",
	[__NR_mknod] = "sox",
	[__NR_statfs] = "sp",
	[__NR_fstatfs] = "fp",
	[__NR_prctl] = "dxxxx",
	[__NR_arch_prctl] = "xp",
	[__NR_chroot] = "s",
	[__NR_sync] = "",
	[__NR_mount] = "sssxp",
	[__NR_umount2] = "sx",
	[__NR_sethostname] = "bu",
	[__NR_reboot] = "xxxp",
	[__NR_gettid] = "",
	[__NR_tkill] = "dS",
	[__NR_futex] = "pdupd",
	[__NR_getdents64] = "fpu",
	[__NR_set_tid_address] = "p",
	[__NR_clock_gettime] = "dp",
	[__NR_clock_nanosleep] = "dxpp",
	[__NR_exit_group] = "d",
	[__NR_epoll_wait] = "fpdd",
	[__NR_epoll_ctl] = "fdfp",
	[__NR_tgkill] = "ddS",
	[__NR_openat] = "fsOo",
	[__NR_mkdirat] = "fso",
	[__NR_mknodat] = "fsox",
	[__NR_fchownat] = "fsddx",
	[__NR_newfstatat] = "fspx",
	[__NR_unlinkat] = "fsx",
	[__NR_renameat] = "fsfs",
	[__NR_linkat] = "fsfsx",
	[__NR_symlinkat] = "sfs",
	[__NR_readlinkat] = "fsBu",
	[__NR_fchmodat] = "fso",
	[__NR_faccessat] = "fso",
	[__NR_pselect6] = "dppppp",
	[__NR_ppoll] = "pdppu",
	[__NR_set_robust_list] = "pu",
	[__NR_utimensat] = "fspx",
	[__NR_epoll_pwait] = "fpddpu",
	[__NR_eventfd2] = "ux",
	[__NR_epoll_create1] = "x",
	[__NR_dup3] = "ffx",
	[__NR_pipe2] = "pO",
	[__NR_prlimit64] = "ddpp",
	[__NR_renameat2] = "fsfsx",
	[__NR_getrandom] = "pux",
	[__NR_statx] = "fsxxp",
	[__NR_faccessat2] = "fsox",
	[__NR_accept4] = "fppx",
	[__NR_waitid] = "ddpxp",
	[__NR_sendfile] = "ffpu",
};

static const char *const signames[32] = {
	[1] = "SIGHUP", "SIGINT",    "SIGQUIT", "SIGILL",  "SIGTRAP",	"SIGABRT", "SIGBUS",
	"SIGFPE",	"SIGKILL",   "SIGUSR1", "SIGSEGV", "SIGUSR2",	"SIGPIPE", "SIGALRM",
	"SIGTERM",	"SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP",	"SIGTSTP", "SIGTTIN",
	"SIGTTOU",	"SIGURG",    "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
	"SIGIO",	"SIGPWR",    "SIGSYS",
};

/* Names of the errno values, generated from the UAPI headers. */
static const char *const errnames[134] = {
#include "errno_names.h"
};

struct bit_name {
	u64 bit;
	const char *name;
};

static const struct bit_name open_bits[] = {
	{O_CREAT, "O_CREAT"},
	{O_EXCL, "O_EXCL"},
	{O_NOCTTY, "O_NOCTTY"},
	{O_TRUNC, "O_TRUNC"},
	{O_APPEND, "O_APPEND"},
	{O_NONBLOCK, "O_NONBLOCK"},
	{O_DSYNC, "O_DSYNC"},
	{O_DIRECT, "O_DIRECT"},
	{O_LARGEFILE, "O_LARGEFILE"},
	{O_DIRECTORY, "O_DIRECTORY"},
	{O_NOFOLLOW, "O_NOFOLLOW"},
	{O_NOATIME, "O_NOATIME"},
	{O_CLOEXEC, "O_CLOEXEC"},
	{__O_SYNC, "O_SYNC"},
	{O_PATH, "O_PATH"},
	{__O_TMPFILE, "O_TMPFILE"},
	{0, NULL},
};
static const struct bit_name prot_bits[] = {
	{PROT_READ, "PROT_READ"},
	{PROT_WRITE, "PROT_WRITE"},
	{PROT_EXEC, "PROT_EXEC"},
	{0, NULL},
};
static const struct bit_name map_bits[] = {
	{MAP_FIXED, "MAP_FIXED"},
	{MAP_ANONYMOUS, "MAP_ANONYMOUS"},
	{MAP_GROWSDOWN, "MAP_GROWSDOWN"},
	{MAP_DENYWRITE, "MAP_DENYWRITE"},
	{MAP_NORESERVE, "MAP_NORESERVE"},
	{MAP_POPULATE, "MAP_POPULATE"},
	{MAP_STACK, "MAP_STACK"},
	{MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"},
	{0, NULL},
};

bool syscall_trace;
static char trace_names[128]; /* trace=: comma-separated names and pids */

/* A line being built: text in buf, pos its length (never past the end). */
struct line {
	char *buf;
	size_t pos;
};

static void put(struct line *l, const char *fmt, ...) __printf(2, 3);
static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	l->pos += (size_t)vscnprintf(l->buf + l->pos, LINE_MAX_K - l->pos, fmt, ap);
	va_end(ap);
}

static void put_bits(struct line *l, u64 v, const struct bit_name *names, const char *none)
{
	bool any = false;

	for (; names->name; names++) {
		if (v & names->bit) {
			put(l, "%s%s", any ? "|" : "", names->name);
			v &= ~names->bit;
			any = true;
		}
	}
	if (v || !any) {
		if (!v && none)
			put(l, "%s", none);
		else
			put(l, "%s%#llx", any ? "|" : "", (unsigned long long)v);
	}
}

/* Shows n bytes of guest memory at addr as a C string literal. */
static void put_bytes(struct line *l, u64 addr, size_t n, bool stop_at_nul)
{
	char data[STR_SHOWN];
	size_t i, shown = MIN(n, sizeof(data));

	if (!addr) {
		put(l, "NULL");
		return;
	}
	if (copy_from_user(data, addr, shown) < 0) {
		/* Maybe only the start is readable: try byte by byte. */
		for (i = 0; i < shown && copy_from_user(&data[i], addr + i, 1) == 0; i++)
			;
		if (i == 0) {
			put(l, "%#llx", (unsigned long long)addr);
			return;
		}
		shown = i;
	}
	put(l, "\"");
	for (i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)data[i];

		if (stop_at_nul && !c)
			break;
		if (c == '"' || c == '\\')
			put(l, "\\%c", c);
		else if (c == '\n')
			put(l, "\\n");
		else if (c == '\t')
			put(l, "\\t");
		else if (c < 32 || c >= 127)
			put(l, "\\x%02x", c);
		else
			put(l, "%c", c);
	}
	put(l, "\"%s", i < n && !(stop_at_nul && i < shown) ? "..." : "");
}

static void put_string(struct line *l, u64 addr)
{
	put_bytes(l, addr, 4096, true);
}

static void put_argv(struct line *l, u64 addr)
{
	int i;

	if (!addr) {
		put(l, "NULL");
		return;
	}
	put(l, "[");
	for (i = 0; i < ARGV_SHOWN; i++) {
		u64 p;

		if (copy_from_user(&p, addr + 8 * (u64)i, sizeof(p)) < 0) {
			put(l, "%s%#llx", i ? ", " : "", (unsigned long long)addr);
			break;
		}
		if (!p)
			break;
		if (i)
			put(l, ", ");
		put_string(l, p);
	}
	put(l, i == ARGV_SHOWN ? ", ...]" : "]");
}

static void put_signal(struct line *l, long sig)
{
	if (sig > 0 && sig < 32 && signames[sig])
		put(l, "%s", signames[sig]);
	else if (sig >= 32 && sig <= 64)
		put(l, "SIGRT_%ld", sig - 32);
	else
		put(l, "%ld", sig);
}

static void put_arg(struct line *l, char kind, long v, long next)
{
	switch (kind) {
	case 'd':
		put(l, "%d", (int)v);
		break;
	case 'l':
		put(l, "%ld", v);
		break;
	case 'u':
		put(l, "%lu", (unsigned long)v);
		break;
	case 'f':
		if ((int)v == AT_FDCWD)
			put(l, "AT_FDCWD");
		else
			put(l, "%d", (int)v);
		break;
	case 'o':
		put(l, "%#lo", (unsigned long)v);
		break;
	case 'p':
		if (v)
			put(l, "%#lx", (unsigned long)v);
		else
			put(l, "NULL");
		break;
	case 's':
		put_string(l, (u64)v);
		break;
	case 'b':
		put_bytes(l, (u64)v, (size_t)next, false);
		break;
	case 'v':
		put_argv(l, (u64)v);
		break;
	case 'O':
		put(l, "%s",
		    (v & O_ACCMODE) == O_WRONLY ? "O_WRONLY"
		    : (v & O_ACCMODE) == O_RDWR ? "O_RDWR"
						: "O_RDONLY");
		if (v & ~(long)O_ACCMODE) {
			put(l, "|");
			put_bits(l, (u64)v & ~(u64)O_ACCMODE, open_bits, NULL);
		}
		break;
	case 'P':
		put_bits(l, (u64)v, prot_bits, "PROT_NONE");
		break;
	case 'M':
		put(l, "%s", (v & MAP_TYPE) == MAP_SHARED ? "MAP_SHARED" : "MAP_PRIVATE");
		if (v & ~(long)MAP_TYPE) {
			put(l, "|");
			put_bits(l, (u64)v & ~(u64)MAP_TYPE, map_bits, NULL);
		}
		break;
	case 'S':
		put_signal(l, v);
		break;
	default: /* 'x' */
		put(l, "%#lx", (unsigned long)v);
		break;
	}
}

bool trace_wanted(const struct task *t)
{
	const char *p = trace_names;

	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char pid[12];

		scnprintf(pid, sizeof(pid), "%d", t->tgid);
		if ((n == strlen(t->comm) && !memcmp(p, t->comm, n)) ||
		    (n == strlen(pid) && !memcmp(p, pid, n)))
			return true;
		p += n + (end ? 1 : 0);
	}
	return false;
}

int trace_set_names(const char *names)
{
	if (strlen(names) >= sizeof(trace_names))
		return -EINVAL;
	strlcpy(trace_names, names, sizeof(trace_names));
	return 0;
}

/* The result: a pointer for calls that return one, else a number or an errno. */
static void put_result(struct line *l, long nr, long ret)
{
	if (ret < 0 && ret >= -4095) {
		long e = -ret;

		if (e < (long)(sizeof(errnames) / sizeof(errnames[0])) && errnames[e])
			put(l, " = -1 %s", errnames[e]);
		else
			put(l, " = -1 E%ld", e);
	} else if (nr == __NR_mmap || nr == __NR_brk || nr == __NR_mremap) {
		put(l, " = %#lx", (unsigned long)ret);
	} else {
		put(l, " = %ld", ret);
	}
}

char *trace_enter(struct task *t, long nr, const long args[6])
{
	const struct syscall_entry *e = syscall_entry(nr);
	const char *fmt = nr >= 0 && nr < NR_SYSCALLS ? formats[nr] : NULL;
	struct line l = {kmalloc(LINE_MAX_K), 0};
	int i, n;

	if (!l.buf)
		return NULL;
	put(&l, "[pid %d] %s(", t->pid, syscall_name(nr));
	n = fmt ? (int)strlen(fmt) : e ? e->nargs : 6;
	for (i = 0; i < n && i < 6; i++) {
		if (i)
			put(&l, ", ");
		if (fmt && fmt[i] == 'B')
			put(&l, "\x01"); /* filled in at exit */
		else
			put_arg(&l, fmt ? fmt[i] : 'x', args[i], i < 5 ? args[i + 1] : 0);
	}
	put(&l, ")");
	if (nr == __NR_exit || nr == __NR_exit_group) {
		printk_console(KERN_INFO "%s = ?\n", l.buf);
		kfree(l.buf);
		return NULL;
	}
	return l.buf;
}

void trace_exit(struct task *t, long nr, const long args[6], char *entry, long ret)
{
	const char *fmt = nr >= 0 && nr < NR_SYSCALLS ? formats[nr] : NULL;
	struct line l = {kmalloc(LINE_MAX_K), 0};
	const char *hole = strchr(entry, '\x01');

	(void)t;
	if (!l.buf) {
		kfree(entry);
		return;
	}
	if (hole && fmt) {
		/* The buffer the call filled: ret bytes of it. */
		int i = (int)(strchr(fmt, 'B') - fmt);

		put(&l, "%.*s", (int)(hole - entry), entry);
		if (ret >= 0)
			put_bytes(&l, (u64)args[i], (size_t)ret,
				  nr == __NR_getcwd || nr == __NR_readlink ||
					  nr == __NR_readlinkat);
		else
			put_arg(&l, 'p', args[i], 0);
		put(&l, "%s", hole + 1);
	} else {
		put(&l, "%s", entry);
	}
	put_result(&l, nr, ret);
	printk_console(KERN_INFO "%s\n", l.buf);
	kfree(l.buf);
	kfree(entry);
}
