/*
 * The command-line option registry and parser. Pure code (no host calls),
 * unit-tested on the host.
 */
#include "cmdline.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"

#define MIN_MEM (16ULL << 20)
#define MAX_MEM (64ULL << 30)

struct boot_option {
	const char *name; /* "mem=" takes a value; "quiet" does not */
	int (*set)(struct boot_config *c, const char *val, char *err, size_t len);
	const char *help;
};

/* Digits in base 10, or 16 after 0x, with overflow detected. */
static int parse_number(const char *s, u64 *v, const char **end)
{
	unsigned base = 10;
	bool any = false;

	*v = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (*v > (~0ULL - d) / base)
			return -EINVAL;
		*v = *v * base + d;
		any = true;
	}
	*end = s;
	return any ? 0 : -EINVAL;
}

int parse_size(const char *s, u64 *out)
{
	const char *end;
	u64 v, mult = 1;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	if (parse_number(s, &v, &end) < 0)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		mult = 1ULL << 10;
		end++;
		break;
	case 'm':
	case 'M':
		mult = 1ULL << 20;
		end++;
		break;
	case 'g':
	case 'G':
		mult = 1ULL << 30;
		end++;
		break;
	case 0:
		break;
	default:
		return -EINVAL;
	}
	if (*end)
		return -EINVAL;
	if (v > (~0ULL) / mult)
		return -EINVAL;
	*out = v * mult;
	return 0;
}

static int set_mem(struct boot_config *c, const char *v, char *err, size_t len)
{
	u64 m;

	if (parse_size(v, &m) < 0) {
		scnprintf(err, len, "mem=%s: not a size (use e.g. mem=128M)", v);
		return -EINVAL;
	}
	if (m < MIN_MEM || m > MAX_MEM) {
		scnprintf(err, len, "mem=%s: must be between 16M and 64G", v);
		return -EINVAL;
	}
	c->mem = m & ~4095ULL;
	return 0;
}

#define SET_STR(fn, field)                                                         \
	static int fn(struct boot_config *c, const char *v, char *err, size_t len) \
	{                                                                          \
		if (!*v) {                                                         \
			scnprintf(err, len, #field "= needs a value");             \
			return -EINVAL;                                            \
		}                                                                  \
		c->field = v;                                                      \
		return 0;                                                          \
	}
SET_STR(set_initrd, initrd)
SET_STR(set_init, init)
SET_STR(set_rdinit, rdinit)
SET_STR(set_root, root)
SET_STR(set_rootfstype, rootfstype)
SET_STR(set_rootflags, rootflags)
SET_STR(set_hostfs, hostfs)
SET_STR(set_umid, umid)
SET_STR(set_uml_dir, uml_dir)

/* "fd:<n>" followed by end or a comma; returns the rest or NULL. */
static const char *fd_channel(const char *s)
{
	const char *end;
	u64 n;

	if (strncmp(s, "fd:", 3) || s[3] < '0' || s[3] > '9' || parse_number(s + 3, &n, &end) < 0 ||
	    n > 1023)
		return NULL;
	return end;
}

static bool valid_console(const char *v)
{
	const char *rest;

	if (!strcmp(v, "null"))
		return true;
	rest = fd_channel(v);
	if (!rest)
		return false;
	if (!*rest)
		return true;
	rest = *rest == ',' ? fd_channel(rest + 1) : NULL;
	return rest && !*rest;
}

static int set_con0(struct boot_config *c, const char *v, char *err, size_t len)
{
	if (!valid_console(v)) {
		scnprintf(err, len, "con0=%s: only fd:<n>[,fd:<n>] and null are supported", v);
		return -EINVAL;
	}
	c->con0 = v;
	return 0;
}

static int set_mconsole(struct boot_config *c, const char *v, char *err, size_t len)
{
	if (strncmp(v, "notify:", 7) || !v[7]) {
		scnprintf(err, len, "mconsole=%s: expected mconsole=notify:<socket path>", v);
		return -EINVAL;
	}
	c->mconsole_notify = v + 7;
	return 0;
}

static int set_rw(struct boot_config *c, const char *v, char *err, size_t len)
{
	c->rw = true;
	return 0;
}

static int set_ro(struct boot_config *c, const char *v, char *err, size_t len)
{
	c->rw = false;
	return 0;
}

static int set_quiet(struct boot_config *c, const char *v, char *err, size_t len)
{
	c->quiet = true;
	return 0;
}

static int set_loglevel(struct boot_config *c, const char *v, char *err, size_t len)
{
	unsigned long l;

	if (kstrtoul(v, 10, &l) < 0 || l > 8) {
		scnprintf(err, len, "loglevel=%s: must be 0 to 8", v);
		return -EINVAL;
	}
	c->loglevel = (int)l;
	return 0;
}

static int set_trace(struct boot_config *c, const char *v, char *err, size_t len)
{
	c->trace_syscalls = true;
	return 0;
}

static int set_trace_list(struct boot_config *c, const char *v, char *err, size_t len)
{
	if (!*v) {
		scnprintf(err, len, "trace=: give program names or pids, e.g. trace=ls,42");
		return -EINVAL;
	}
	c->trace = v;
	return 0;
}

static int set_seccomp(struct boot_config *c, const char *v, char *err, size_t len)
{
	if (!strcmp(v, "auto"))
		c->seccomp = ENGINE_AUTO;
	else if (!strcmp(v, "off"))
		c->seccomp = ENGINE_PTRACE;
	else if (!strcmp(v, "on"))
		c->seccomp = ENGINE_SECCOMP;
	else {
		scnprintf(err, len, "seccomp=%s: must be on, off or auto", v);
		return -EINVAL;
	}
	return 0;
}

static int set_syscall_patch(struct boot_config *c, const char *v, char *err, size_t len)
{
	if (!strcmp(v, "on"))
		c->no_syscall_patch = false;
	else if (!strcmp(v, "off"))
		c->no_syscall_patch = true;
	else {
		scnprintf(err, len, "syscall_patch=%s: must be on or off", v);
		return -EINVAL;
	}
	return 0;
}

/* ubd<N><flags>=...: kept whole; the ubd driver parses it at boot. */
static int set_ubd(struct boot_config *c, const char *v, char *err, size_t len)
{
	if (c->nr_ubd >= 16) {
		scnprintf(err, len, "too many ubd devices (at most 16)");
		return -EINVAL;
	}
	c->ubd[c->nr_ubd++] = v;
	return 0;
}

/* eth<N>=<transport>,...: kept whole; drivers/net/eth.c parses it. */
static int set_eth(struct boot_config *c, const char *v, char *err, size_t len)
{
	if (c->nr_eth >= 16) {
		scnprintf(err, len, "too many network devices (at most 16)");
		return -EINVAL;
	}
	c->eth[c->nr_eth++] = v;
	return 0;
}

static int set_help(struct boot_config *c, const char *v, char *err, size_t len)
{
	c->help = true;
	return 0;
}

static int set_version(struct boot_config *c, const char *v, char *err, size_t len)
{
	c->version = true;
	return 0;
}

static const struct boot_option options[] = {
	{"mem=", set_mem, "size of guest physical memory, e.g. 128M (default 64M)"},
	{"initrd=", set_initrd, "host path of a cpio (optionally gzip'd) initramfs"},
	{"init=", set_init, "program run as process 1 (default /init, /sbin/init...)"},
	{"rdinit=", set_rdinit, "program run from the initramfs (default /init)"},
	{"root=", set_root, "root device: /dev/ubda (the default with a disk), /dev/root"},
	{"rootfstype=", set_rootfstype, "root filesystem type: ext2, ext3, ext4 or hostfs"},
	{"rootflags=", set_rootflags, "root mount data; with rootfstype=hostfs the host directory"},
	{"hostfs=", set_hostfs,
	 "<dir>[,setid]: the host directory hostfs may reach (mount -t hostfs none <mnt> -o "
	 "<subdir>); without it hostfs mounts are refused; setid keeps set-ID bits the guest "
	 "sets even when ./linux runs as root"},
	{"rw", set_rw, "mount the root filesystem read-write"},
	{"ro", set_ro, "mount the root filesystem read-only"},
	{"quiet", set_quiet, "print only warnings and errors while booting"},
	{"loglevel=", set_loglevel, "console log level 0-8 (messages below it print)"},
	{"umid=", set_umid, "name of this machine (for ~/.uml/<umid>)"},
	{"uml_dir=", set_uml_dir, "directory for umid directories (default ~/.uml)"},
	{"con0=", set_con0, "console 0 channel: fd:0,fd:1 (default) or null"},
	{"con=", set_con0, "default channel for all consoles"},
	{"mconsole=", set_mconsole, "notify:<path>: send mconsole events to that socket"},
	{"ubd*", set_ubd,
	 "ubd<N><flags>=<file>[,<backing>]: a disk (N 0-15 or a-p, flags r s d c t)"},
	{"eth*", set_eth,
	 "eth<N>=tuntap,<tapdev>[,<mac>[,<gate_ip>]], daemon[,<mac>,unix,<ctl>], "
	 "mcast[,<mac>,<addr>,<port>,<ttl>], vde[,<switch>,<mac>,<port>,<group>,<mode>,<descr>] or "
	 "pcap,<host_if>,<filter>[,[no]promisc,[no]optimize,<mac>]: a NIC"},
	{"seccomp=", set_seccomp,
	 "process engine: on (seccomp), off (ptrace) or auto (default: seccomp where the host allows it)"},
	{"syscall_patch=", set_syscall_patch,
	 "on (default with seccomp) or off: rewrite a guest's busy system call sites to enter the "
	 "kernel without a signal (their code then reads differently; off for debugging)"},
	{"trace_syscalls", set_trace, "log every guest system call and its result"},
	{"trace=", set_trace_list,
	 "<name|pid>[,...]: log the system calls of these programs (by name, from exec) or "
	 "processes, and of their children"},
	{"--help", set_help, "print this help and exit"},
	{"-h", set_help, "the same as --help"},
	{"--version", set_version, "print the version and exit"},
};

static int add_init(const char **vec, int *n, const char *s, char *err, size_t len)
{
	if (*n >= CMDLINE_MAX_INIT) {
		scnprintf(err, len, "too many arguments for init (at most %d)", CMDLINE_MAX_INIT);
		return -EINVAL;
	}
	vec[(*n)++] = s;
	vec[*n] = NULL;
	return 0;
}

int cmdline_parse(int argc, char **argv, struct boot_config *c, char *err, size_t errlen)
{
	bool rest_to_init = false;
	size_t pos = 0;
	int i;

	memset(c, 0, sizeof(*c));
	c->mem = 64ULL << 20;
	c->loglevel = -1;
	c->init_argc = 1; /* argv[0] is filled in with init's path */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		size_t klen = eq ? (size_t)(eq - a) + 1 : strlen(a);
		size_t k;
		int rc;

		pos += (size_t)scnprintf(c->line + pos, sizeof(c->line) - pos, "%s%s",
					 pos ? " " : "", a);
		if (rest_to_init) {
			rc = add_init(c->init_argv, &c->init_argc, a, err, errlen);
			if (rc < 0)
				return rc;
			continue;
		}
		if (!strcmp(a, "--")) {
			rest_to_init = true;
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(options); k++) {
			const char *n = options[k].name;
			size_t nl = strlen(n);
			bool takes = n[nl - 1] == '=', family = n[nl - 1] == '*';

			/* "name*" is a family: the option starts with name and has
			 * a value; its setter gets the whole word. */
			if (family  ? (eq && !strncmp(a, n, nl - 1))
			    : takes ? (eq && nl == klen && !strncmp(a, n, klen))
				    : !strcmp(a, n))
				break;
		}
		if (k < ARRAY_SIZE(options)) {
			const char *n = options[k].name;

			rc = options[k].set(c,
					    n[strlen(n) - 1] == '*' ? a
					    : eq		    ? eq + 1
								    : "",
					    err, errlen);
			if (rc < 0)
				return rc;
			continue;
		}
		if (a[0] == '-') {
			scnprintf(err, errlen, "unknown option '%s'", a);
			return -EINVAL;
		}
		/* Unknown: key=value goes to init's environment, words to argv. */
		if (eq)
			rc = add_init(c->init_envp, &c->init_envc, a, err, errlen);
		else
			rc = add_init(c->init_argv, &c->init_argc, a, err, errlen);
		if (rc < 0)
			return rc;
	}
	return 0;
}

size_t cmdline_help(char *buf, size_t len)
{
	size_t pos = 0, k;

	pos += (size_t)scnprintf(buf + pos, len - pos,
				 "Usage: linux [options] [init arguments] [-- init arguments]\n"
				 "A Linux-compatible kernel that runs as a user process.\n\n"
				 "Options (UML compatible):\n");
	for (k = 0; k < ARRAY_SIZE(options); k++) {
		if (!options[k].help)
			continue;
		pos += (size_t)scnprintf(buf + pos, len - pos, "  %-16s %s\n", options[k].name,
					 options[k].help);
	}
	pos += (size_t)scnprintf(buf + pos, len - pos,
				 "\nOther key=value words become init's environment and other\n"
				 "words init's arguments, as with Linux.\n");
	return pos;
}
