/*
 * Unit tests for kernel/cmdline.c, the UML-style kernel command line.
 *
 * Table-driven checks cover each option the kernel knows, the defaults,
 * parse_size, what goes to init (argv words, key=value environment,
 * everything after "--"), the limits on init's vectors, the boot-log copy
 * of the line and the --help text. Then random argument vectors, built
 * from valid and invalid pieces and random bytes, are parsed both by the
 * kernel and by a small reference model written from the contract: the
 * results must agree, and (with every string, the argv array, the error
 * buffer and the boot_config allocated to their exact size) ASan and
 * UBSan must stay quiet.
 */
#include "types.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "krename.h"
#include "cmdline.h"
#include "kunrename.h"
#include "unit.h"

#define MIB (1ULL << 20)
#define GIB (1ULL << 30)
#define MAX_ARGS 200

/* One parse: the vector it was given (heap copies) and what came out. */
struct run {
	int argc;
	char **argv;       /* argc + 1 entries, argv[argc] == NULL */
	char *orig[MAX_ARGS]; /* copies, to see that argv is left alone */
	struct boot_config *c;
	char *err;
	size_t errlen;
	int rc;
};

static void run_free(struct run *r)
{
	int i;

	for (i = 0; i < r->argc; i++) {
		free(r->argv[i]);
		free(r->orig[i]);
	}
	free(r->argv);
	free(r->c);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* Duplicates s into a buffer of exactly its size (ASan sees overreads). */
static char *dup_exact(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	memcpy(p, s, n);
	return p;
}

/*
 * Parses "linux" followed by args[0..n-1] with an error buffer of errlen
 * bytes (NULL when 0). The config starts out as garbage, to see that the
 * parser sets every default itself.
 */
static int parse_vec(struct run *r, const char *const *args, int n,
		     size_t errlen)
{
	int i;

	memset(r, 0, sizeof(*r));
	if (n + 1 > MAX_ARGS)
		abort();
	r->argc = n + 1;
	r->argv = malloc(sizeof(char *) * (size_t)(r->argc + 1));
	r->argv[0] = dup_exact("linux");
	for (i = 0; i < n; i++)
		r->argv[i + 1] = dup_exact(args[i]);
	r->argv[r->argc] = NULL;
	for (i = 0; i < r->argc; i++)
		r->orig[i] = dup_exact(r->argv[i]);
	r->c = malloc(sizeof(*r->c));
	memset(r->c, 0x5a, sizeof(*r->c));
	r->errlen = errlen;
	if (errlen) {
		r->err = malloc(errlen);
		memset(r->err, 'E', errlen);
		r->err[errlen - 1] = '\0';
	}
	r->rc = cmdline_parse(r->argc, r->argv, r->c, r->err, r->errlen);
	return r->rc;
}

/* PARSE(&r, "mem=128M", "quiet") parses "linux mem=128M quiet". */
#define PARSE(r, ...)                                                        \
	parse_vec(r, (const char *const[]){ __VA_ARGS__ },                   \
		  (int)(sizeof((const char *const[]){ __VA_ARGS__ }) /       \
			sizeof(const char *)), 256)
#define PARSE0(r) parse_vec(r, NULL, 0, 256)

/* The error message, or "" (for messages in failed checks). */
static const char *err_of(const struct run *r)
{
	return r->err ? r->err : "";
}

/*
 * What must hold after every parse: a known return value, an error
 * message on failure, argv untouched, and on success a config whose
 * vectors are NULL-terminated and inside their arrays.
 */
static void check_sane(const struct run *r, const char *what)
{
	const struct boot_config *c = r->c;
	int i;

	CHECK(r->rc == 0 || r->rc == -EINVAL, "%s: returned %d", what, r->rc);
	for (i = 0; i < r->argc; i++)
		CHECK(!strcmp(r->argv[i], r->orig[i]),
		      "%s: argv[%d] changed to '%s'", what, i, r->argv[i]);
	CHECK(r->argv[r->argc] == NULL, "%s: argv[argc] changed", what);
	if (r->rc && r->errlen) {
		CHECK(memchr(r->err, '\0', r->errlen) != NULL,
		      "%s: error message not terminated", what);
		CHECK(r->errlen < 2 || r->err[0] != '\0',
		      "%s: failed with an empty error message", what);
		CHECK(r->errlen < 2 || r->err[0] != 'E' || r->err[1] != 'E',
		      "%s: failed without writing an error message", what);
	}
	if (r->rc)
		return;
	CHECK(c->init_argc >= 1 && c->init_argc <= CMDLINE_MAX_INIT,
	      "%s: init_argc %d", what, c->init_argc);
	CHECK(c->init_envc >= 0 && c->init_envc <= CMDLINE_MAX_INIT,
	      "%s: init_envc %d", what, c->init_envc);
	if (c->init_argc >= 1 && c->init_argc <= CMDLINE_MAX_INIT) {
		CHECK(c->init_argv[c->init_argc] == NULL,
		      "%s: init_argv[%d] not NULL", what, c->init_argc);
		for (i = 1; i < c->init_argc; i++)
			CHECK(c->init_argv[i] != NULL, "%s: init_argv[%d] NULL",
			      what, i);
	}
	if (c->init_envc >= 0 && c->init_envc <= CMDLINE_MAX_INIT) {
		CHECK(c->init_envp[c->init_envc] == NULL,
		      "%s: init_envp[%d] not NULL", what, c->init_envc);
		for (i = 0; i < c->init_envc; i++)
			CHECK(c->init_envp[i] != NULL, "%s: init_envp[%d] NULL",
			      what, i);
	}
	CHECK(memchr(c->line, '\0', sizeof(c->line)) != NULL,
	      "%s: line not terminated", what);
	CHECK(c->loglevel >= -1 && c->loglevel <= 8, "%s: loglevel %d", what,
	      c->loglevel);
	CHECK(c->mem >= 16 * MIB && c->mem <= 64 * GIB && !(c->mem & 4095),
	      "%s: mem %llu", what, (unsigned long long)c->mem);
}

/* ---- defaults ---- */

static void check_defaults(const struct run *r, const char *what)
{
	const struct boot_config *c = r->c;

	CHECK(r->rc == 0, "%s: returned %d (%s)", what, r->rc, err_of(r));
	if (r->rc)
		return;
	CHECK(c->mem == 64 * MIB, "%s: mem %llu", what,
	      (unsigned long long)c->mem);
	CHECK(c->loglevel == -1, "%s: loglevel %d", what, c->loglevel);
	CHECK(c->init_argc == 1, "%s: init_argc %d", what, c->init_argc);
	CHECK(c->init_argv[1] == NULL, "%s: init_argv[1] not NULL", what);
	CHECK(c->init_envc == 0, "%s: init_envc %d", what, c->init_envc);
	CHECK(c->init_envp[0] == NULL, "%s: init_envp[0] not NULL", what);
	CHECK(!c->initrd && !c->init && !c->rdinit && !c->root && !c->umid &&
		      !c->uml_dir && !c->con0 && !c->rootfstype && !c->rootflags &&
		      !c->hostfs,
	      "%s: a string option is set", what);
	CHECK(!c->rw && !c->quiet && !c->help && !c->version &&
		      !c->trace_syscalls,
	      "%s: a flag is set", what);
	CHECK(c->line[0] == '\0', "%s: line '%.40s'", what, c->line);
}

static void test_defaults(void)
{
	struct run r;
	char *argv[] = { "linux", NULL };
	struct boot_config *c = malloc(sizeof(*c));
	char err[64];
	int rc;

	PARSE0(&r);
	check_sane(&r, "no arguments");
	check_defaults(&r, "no arguments");
	run_free(&r);

	/* argc 0 (no argv[0] at all) gives the defaults too. */
	memset(c, 0x5a, sizeof(*c));
	rc = cmdline_parse(0, argv, c, err, sizeof(err));
	CHECK(rc == 0, "argc 0: returned %d", rc);
	CHECK(rc || (c->mem == 64 * MIB && c->loglevel == -1 &&
		     c->init_argc == 1 && c->init_envc == 0 && !c->initrd &&
		     !c->init),
	      "argc 0: not the defaults");
	free(c);
	unit_group_end("cmdline/defaults");
}

/* ---- parse_size ---- */

static void test_parse_size(void)
{
	static const struct {
		const char *s;
		u64 v;
	} good[] = {
		{ "128M", 128ULL << 20 },
		{ "1G", 1ULL << 30 },
		{ "4096K", 4096ULL << 10 },
		{ "65536", 65536 },
		{ "0x1000", 0x1000 },
		{ "0X1000", 0x1000 },
		{ "0xfffF", 0xffff },
		{ "0x10M", 16ULL << 20 },
		{ "128m", 128ULL << 20 },
		{ "2g", 2ULL << 30 },
		{ "4k", 4096 },
		{ "0", 0 },
		{ "1", 1 },
		{ "64G", 64ULL << 30 },
		{ "17179869183G", 17179869183ULL << 30 },
		{ "18014398509481983K", 18014398509481983ULL << 10 },
		{ "18446744073709551615", 18446744073709551615ULL },
		{ "0xffffffffffffffff", 0xffffffffffffffffULL },
	};
	static const char *const bad[] = {
		"", "M", "K", "G", "12Q", "12MB", "12kb", "-5", "-5M", "+5",
		" 5", "5 ", "1.5G", "12KK", "1M2", "0x", "0xG", "x10",
		"99999999999999999999G",
		"17179869184G",          /* 2^64 */
		"18014398509481984K",    /* 2^64 */
		"17592186044416M",       /* 2^64 */
		/* Too big even without a suffix: must not saturate. */
		"18446744073709551616",
		"99999999999999999999",
		"0x10000000000000000",
	};
	size_t i;
	u64 v;
	int rc;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		v = 12345;
		rc = parse_size(good[i].s, &v);
		CHECK(rc == 0, "parse_size(\"%s\") returned %d", good[i].s, rc);
		CHECK(rc || v == good[i].v, "parse_size(\"%s\") = %llu, not %llu",
		      good[i].s, (unsigned long long)v,
		      (unsigned long long)good[i].v);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char *s = dup_exact(bad[i]);

		v = 12345;
		rc = parse_size(s, &v);
		CHECK(rc == -EINVAL,
		      "parse_size(\"%s\") returned %d (value %llu), not -EINVAL",
		      bad[i], rc, (unsigned long long)v);
		free(s);
	}
	unit_group_end("cmdline/parse_size");
}

/* ---- mem= ---- */

static void expect_mem(const char *arg, u64 want)
{
	struct run r;

	PARSE(&r, arg);
	check_sane(&r, arg);
	CHECK(r.rc == 0, "%s: returned %d (%s)", arg, r.rc, err_of(&r));
	CHECK(r.rc || r.c->mem == want, "%s: mem %llu, not %llu", arg,
	      (unsigned long long)r.c->mem, (unsigned long long)want);
	CHECK(r.rc || (r.c->init_argc == 1 && r.c->init_envc == 0),
	      "%s: passed to init", arg);
	run_free(&r);
}

static void expect_error(const char *arg, const char *in_msg)
{
	struct run r;

	PARSE(&r, arg);
	check_sane(&r, arg);
	CHECK(r.rc == -EINVAL, "'%s' accepted (returned %d), not -EINVAL", arg,
	      r.rc);
	CHECK(!r.rc || strstr(r.err, in_msg),
	      "'%s': error '%s' does not mention '%s'", arg, r.err, in_msg);
	run_free(&r);
}

static void test_mem(void)
{
	struct run r;

	expect_mem("mem=128M", 128 * MIB);
	expect_mem("mem=16M", 16 * MIB);
	expect_mem("mem=64G", 64 * GIB);
	expect_mem("mem=1G", GIB);
	expect_mem("mem=1g", GIB);
	expect_mem("mem=65536K", 64 * MIB);
	expect_mem("mem=0x2000000", 32 * MIB);
	expect_mem("mem=16777216", 16 * MIB);
	expect_mem("mem=16777217", 16 * MIB);         /* rounded down */
	expect_mem("mem=20000001", 20000001ULL & ~4095ULL);
	expect_mem("mem=33562623", 32 * MIB + 4096);
	expect_error("mem=8M", "mem=");
	expect_error("mem=128G", "mem=");
	expect_error("mem=65G", "mem=");
	expect_error("mem=abc", "mem=");
	expect_error("mem=", "mem=");
	expect_error("mem=16777215", "mem=");
	expect_error("mem=0", "mem=");
	expect_error("mem=128MB", "mem=");
	expect_error("mem=-128M", "mem=");
	expect_error("mem=99999999999999999999G", "mem=");
	expect_error("mem=99999999999999999999", "mem=");

	/* The last one wins. */
	PARSE(&r, "mem=128M", "mem=256M");
	check_sane(&r, "mem twice");
	CHECK(r.rc == 0 && r.c->mem == 256 * MIB, "mem twice: %d, %llu", r.rc,
	      (unsigned long long)r.c->mem);
	run_free(&r);
	/* An error after good options is still an error. */
	PARSE(&r, "quiet", "mem=128M", "mem=8M", "single");
	check_sane(&r, "good then bad mem");
	CHECK(r.rc == -EINVAL, "good then bad mem: returned %d", r.rc);
	run_free(&r);
	unit_group_end("cmdline/mem");
}

/* ---- string options ---- */

static void test_strings(void)
{
	static const struct {
		const char *arg;
		size_t off;      /* of the field in boot_config */
	} cases[] = {
		{ "initrd=/tmp/initramfs.cpio.gz", offsetof(struct boot_config, initrd) },
		{ "init=/bin/sh", offsetof(struct boot_config, init) },
		{ "rdinit=/sbin/init", offsetof(struct boot_config, rdinit) },
		{ "root=/dev/ram0", offsetof(struct boot_config, root) },
		{ "rootfstype=hostfs", offsetof(struct boot_config, rootfstype) },
		{ "rootflags=/srv/root", offsetof(struct boot_config, rootflags) },
		{ "hostfs=/srv/share", offsetof(struct boot_config, hostfs) },
		{ "umid=vm1", offsetof(struct boot_config, umid) },
		{ "uml_dir=/tmp/uml", offsetof(struct boot_config, uml_dir) },
		{ "init=/bin/env=x", offsetof(struct boot_config, init) },
	};
	struct run r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *arg = cases[i].arg, *want = strchr(arg, '=') + 1;
		const char *got;

		PARSE(&r, "quiet", arg, "ro");
		check_sane(&r, arg);
		CHECK(r.rc == 0, "%s: returned %d (%s)", arg, r.rc, err_of(&r));
		if (!r.rc) {
			memcpy(&got, (char *)r.c + cases[i].off, sizeof(got));
			CHECK(got && !strcmp(got, want), "%s: stored '%s'", arg,
			      got ? got : "(null)");
			CHECK(got == r.argv[2] + (want - arg),
			      "%s: value does not point into argv", arg);
			CHECK(r.c->init_argc == 1 && r.c->init_envc == 0,
			      "%s: passed to init", arg);
		}
		run_free(&r);
	}

	/* All at once, each in its own field. */
	PARSE(&r, "initrd=a", "init=b", "rdinit=c", "root=d", "umid=e",
	      "uml_dir=f");
	check_sane(&r, "all strings");
	CHECK(r.rc == 0, "all strings: returned %d (%s)", r.rc, err_of(&r));
	if (!r.rc)
		CHECK(!strcmp(r.c->initrd, "a") && !strcmp(r.c->init, "b") &&
			      !strcmp(r.c->rdinit, "c") && !strcmp(r.c->root, "d") &&
			      !strcmp(r.c->umid, "e") && !strcmp(r.c->uml_dir, "f"),
		      "all strings: a field holds the wrong value");
	run_free(&r);

	expect_error("initrd=", "initrd");
	expect_error("hostfs=", "hostfs");
	expect_error("rootfstype=", "rootfstype");

	/* Without '=' these are plain words for init. */
	PARSE(&r, "initrd");
	check_sane(&r, "initrd word");
	CHECK(r.rc == 0 && !r.c->initrd && r.c->init_argc == 2 &&
		      !strcmp(r.c->init_argv[1], "initrd"),
	      "'initrd' alone: not an init argument");
	run_free(&r);
	unit_group_end("cmdline/strings");
}

/* ---- flags and loglevel ---- */

static void test_flags(void)
{
	static const char *const levels[] = { "0", "1", "4", "7", "8" };
	char arg[32];
	struct run r;
	size_t i;

	PARSE(&r, "rw");
	check_sane(&r, "rw");
	CHECK(r.rc == 0 && r.c->rw, "rw: rc %d, rw %d", r.rc, r.c->rw);
	run_free(&r);
	PARSE(&r, "ro");
	check_sane(&r, "ro");
	CHECK(r.rc == 0 && !r.c->rw, "ro: rc %d, rw %d", r.rc, r.c->rw);
	run_free(&r);
	PARSE(&r, "rw", "ro");
	CHECK(r.rc == 0 && !r.c->rw, "rw ro: rc %d, rw %d", r.rc, r.c->rw);
	run_free(&r);
	PARSE(&r, "ro", "rw");
	CHECK(r.rc == 0 && r.c->rw, "ro rw: rc %d, rw %d", r.rc, r.c->rw);
	run_free(&r);
	PARSE(&r, "quiet");
	check_sane(&r, "quiet");
	CHECK(r.rc == 0 && r.c->quiet && r.c->loglevel == -1 &&
		      r.c->init_argc == 1,
	      "quiet: rc %d, quiet %d", r.rc, r.c->quiet);
	run_free(&r);
	PARSE(&r, "trace_syscalls");
	check_sane(&r, "trace_syscalls");
	CHECK(r.rc == 0 && r.c->trace_syscalls && r.c->init_argc == 1,
	      "trace_syscalls: rc %d, flag %d", r.rc, r.c->trace_syscalls);
	run_free(&r);
	PARSE(&r, "trace=ls,42");
	check_sane(&r, "trace=ls,42");
	CHECK(r.rc == 0 && r.c->trace && !strcmp(r.c->trace, "ls,42") &&
		      !r.c->trace_syscalls && r.c->init_argc == 1,
	      "trace=ls,42: rc %d, trace %s", r.rc, r.c->trace ? r.c->trace : "(null)");
	run_free(&r);
	PARSE(&r, "trace=");
	CHECK(r.rc < 0 && strstr(err_of(&r), "trace="), "trace= (empty): rc %d, error '%s'",
	      r.rc, err_of(&r));
	run_free(&r);

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		snprintf(arg, sizeof(arg), "loglevel=%s", levels[i]);
		PARSE(&r, arg);
		check_sane(&r, arg);
		CHECK(r.rc == 0, "%s: returned %d (%s)", arg, r.rc, err_of(&r));
		CHECK(r.rc || r.c->loglevel == atoi(levels[i]), "%s: loglevel %d",
		      arg, r.c->loglevel);
		run_free(&r);
	}
	expect_error("loglevel=9", "loglevel=");
	expect_error("loglevel=x", "loglevel=");
	expect_error("loglevel=", "loglevel=");
	expect_error("loglevel=-1", "loglevel=");
	expect_error("loglevel=3x", "loglevel=");
	expect_error("loglevel=99999999999999999999999", "loglevel=");
	unit_group_end("cmdline/flags");
}

/* ---- consoles ---- */

static void expect_con(const char *arg, const char *want)
{
	struct run r;

	PARSE(&r, arg);
	check_sane(&r, arg);
	CHECK(r.rc == 0, "%s: returned %d (%s)", arg, r.rc, err_of(&r));
	CHECK(r.rc || (r.c->con0 && !strcmp(r.c->con0, want)),
	      "%s: con0 '%s'", arg, r.c->con0 ? r.c->con0 : "(null)");
	run_free(&r);
}

static void test_console(void)
{
	expect_con("con0=fd:0,fd:1", "fd:0,fd:1");
	expect_con("con0=null", "null");
	expect_con("con0=fd:3", "fd:3");
	expect_con("con0=fd:4,fd:5", "fd:4,fd:5");
	expect_con("con=fd:0,fd:1", "fd:0,fd:1");
	expect_con("con=null", "null");
	expect_error("con0=xterm", "xterm");
	expect_error("con=xterm", "xterm");
	expect_error("con0=", "con");
	expect_error("con0=pty", "pty");
	unit_group_end("cmdline/console");
}

/* ---- --help, --version, unknown options ---- */

static void test_help_version(void)
{
	struct run r;

	PARSE(&r, "--help");
	check_sane(&r, "--help");
	CHECK(r.rc == 0 && r.c->help && !r.c->version, "--help: rc %d help %d",
	      r.rc, r.c->help);
	run_free(&r);
	PARSE(&r, "-h");
	check_sane(&r, "-h");
	CHECK(r.rc == 0 && r.c->help && !r.c->version, "-h: rc %d help %d",
	      r.rc, r.c->help);
	run_free(&r);
	PARSE(&r, "--version");
	check_sane(&r, "--version");
	CHECK(r.rc == 0 && r.c->version && !r.c->help,
	      "--version: rc %d version %d", r.rc, r.c->version);
	run_free(&r);
	PARSE(&r, "mem=128M", "--version", "--help");
	check_sane(&r, "both");
	CHECK(r.rc == 0 && r.c->version && r.c->help, "both: rc %d", r.rc);
	run_free(&r);

	expect_error("--bogus", "--bogus");
	expect_error("-x", "-x");
	expect_error("--helpme", "--helpme");
	expect_error("-help", "-help");
	expect_error("--version=2", "--version=2");
	expect_error("-mem=128M", "-mem=128M");
	unit_group_end("cmdline/help-version-unknown");
}

/* ---- what goes to init ---- */

static void test_init_args(void)
{
	struct run r;
	struct boot_config *c;

	PARSE(&r, "TERM=vt100", "single", "mem=128M", "foo.bar=1", "emergency",
	      "HOME=/", "quiet");
	check_sane(&r, "env and words");
	c = r.c;
	CHECK(r.rc == 0, "env and words: returned %d (%s)", r.rc, err_of(&r));
	if (!r.rc) {
		CHECK(c->init_envc == 3, "env: init_envc %d", c->init_envc);
		CHECK(c->init_envc == 3 && !strcmp(c->init_envp[0], "TERM=vt100") &&
			      !strcmp(c->init_envp[1], "foo.bar=1") &&
			      !strcmp(c->init_envp[2], "HOME=/") &&
			      !c->init_envp[3],
		      "env: wrong entries or order");
		CHECK(c->init_envp[0] == r.argv[1],
		      "env: entry does not point into argv");
		CHECK(c->init_argc == 3, "words: init_argc %d", c->init_argc);
		CHECK(c->init_argc == 3 && !strcmp(c->init_argv[1], "single") &&
			      !strcmp(c->init_argv[2], "emergency") &&
			      !c->init_argv[3],
		      "words: wrong entries or order");
		CHECK(c->init_argv[1] == r.argv[2],
		      "words: entry does not point into argv");
		CHECK(c->mem == 128 * MIB && c->quiet, "options among words lost");
	}
	run_free(&r);

	/* After "--", everything is init's, options included. */
	PARSE(&r, "quiet", "--", "mem=1G", "--help", "-x", "TERM=dumb", "--",
	      "rw");
	check_sane(&r, "--");
	c = r.c;
	CHECK(r.rc == 0, "--: returned %d (%s)", r.rc, err_of(&r));
	if (!r.rc) {
		static const char *const want[] = { "mem=1G", "--help", "-x",
						    "TERM=dumb", "--", "rw" };
		int i;

		CHECK(c->quiet, "--: quiet before it lost");
		CHECK(c->mem == 64 * MIB, "--: mem changed to %llu",
		      (unsigned long long)c->mem);
		CHECK(!c->help, "--: --help after it set help");
		CHECK(!c->rw, "--: rw after it set rw");
		CHECK(c->init_envc == 0, "--: init_envc %d", c->init_envc);
		CHECK(c->init_argc == 7, "--: init_argc %d", c->init_argc);
		for (i = 0; i < 6 && i + 1 < c->init_argc; i++)
			CHECK(c->init_argv[i + 1] &&
				      !strcmp(c->init_argv[i + 1], want[i]),
			      "--: init_argv[%d] '%s', not '%s'", i + 1,
			      c->init_argv[i + 1], want[i]);
		CHECK(c->init_argc != 7 || !c->init_argv[7],
		      "--: init_argv not NULL-terminated");
	}
	run_free(&r);

	/* The contract's own example. */
	PARSE(&r, "--", "mem=1G", "--help");
	check_sane(&r, "-- mem=1G --help");
	c = r.c;
	CHECK(r.rc == 0 && c->mem == 64 * MIB && !c->help && c->init_argc == 3 &&
		      !strcmp(c->init_argv[1], "mem=1G") &&
		      !strcmp(c->init_argv[2], "--help") && !c->init_argv[3],
	      "-- mem=1G --help: wrong result (rc %d)", r.rc);
	run_free(&r);

	/* "--" alone gives init nothing. */
	PARSE(&r, "--");
	check_sane(&r, "-- alone");
	CHECK(r.rc == 0 && r.c->init_argc == 1 && r.c->init_envc == 0,
	      "-- alone: rc %d argc %d", r.rc, r.c->init_argc);
	run_free(&r);
	unit_group_end("cmdline/init-args");
}

/* ---- limits on init's vectors ---- */

static void parse_many(struct run *r, int words, int envs, bool dashdash)
{
	static char store[MAX_ARGS][24];
	const char *args[MAX_ARGS];
	int n = 0, i;

	for (i = 0; i < words && n < MAX_ARGS - 2; i++) {
		snprintf(store[n], sizeof(store[n]), "word%d", i);
		args[n] = store[n];
		n++;
	}
	if (dashdash)
		args[n++] = "--";
	for (i = 0; i < envs && n < MAX_ARGS - 2; i++) {
		snprintf(store[n], sizeof(store[n]), "VAR%d=%d", i, i);
		args[n] = store[n];
		n++;
	}
	parse_vec(r, args, n, 256);
}

static void test_limits(void)
{
	const int max = CMDLINE_MAX_INIT;
	struct run r;
	int i;

	/* Slot 0 is init's path, so max - 1 words fit with the NULL. */
	parse_many(&r, max - 1, 0, false);
	check_sane(&r, "max-1 words");
	CHECK(r.rc == 0 && r.c->init_argc == max && !r.c->init_argv[max],
	      "%d words: rc %d argc %d (%s)", max - 1, r.rc, r.c->init_argc,
	      err_of(&r));
	for (i = 1; !r.rc && i < max; i++)
		CHECK(r.c->init_argv[i] == r.argv[i], "word %d not in order", i);
	run_free(&r);
	for (i = max; i <= max + 3; i++) {
		parse_many(&r, i, 0, false);
		check_sane(&r, "too many words");
		CHECK(r.rc == -EINVAL, "%d words: returned %d (argc %d)", i, r.rc,
		      r.c->init_argc);
		run_free(&r);
	}
	parse_many(&r, 150, 0, false);
	check_sane(&r, "150 words");
	CHECK(r.rc == -EINVAL, "150 words: returned %d", r.rc);
	run_free(&r);
	/* The same limit after "--". */
	{
		static char store[MAX_ARGS][16];
		const char *args[MAX_ARGS];
		int n = 0;

		for (i = 0; i < 20; i++) {
			snprintf(store[n], sizeof(store[n]), "a%d", i);
			args[n] = store[n];
			n++;
		}
		args[n++] = "--";
		for (i = 0; i < 20; i++) {
			snprintf(store[n], sizeof(store[n]), "--b%d", i);
			args[n] = store[n];
			n++;
		}
		parse_vec(&r, args, n, 256);
		check_sane(&r, "40 words around --");
		CHECK(r.rc == -EINVAL, "40 words around --: returned %d", r.rc);
		run_free(&r);
		parse_vec(&r, args + 9, n - 9, 256); /* 11 + 20 = 31: fits */
		check_sane(&r, "31 words around --");
		CHECK(r.rc == 0 && r.c->init_argc == max,
		      "31 words around --: returned %d (%s)", r.rc, err_of(&r));
		run_free(&r);
	}

	/* The environment holds max entries and the NULL. */
	parse_many(&r, 0, max, false);
	check_sane(&r, "max env");
	CHECK(r.rc == 0 && r.c->init_envc == max && !r.c->init_envp[max],
	      "%d env: rc %d envc %d (%s)", max, r.rc, r.c->init_envc,
	      err_of(&r));
	for (i = 0; !r.rc && i < max; i++)
		CHECK(r.c->init_envp[i] == r.argv[i + 1], "env %d not in order",
		      i);
	run_free(&r);
	for (i = max + 1; i <= max + 3; i++) {
		parse_many(&r, 0, i, false);
		check_sane(&r, "too many env");
		CHECK(r.rc == -EINVAL, "%d env: returned %d (envc %d)", i, r.rc,
		      r.c->init_envc);
		run_free(&r);
	}
	parse_many(&r, 0, 150, false);
	check_sane(&r, "150 env");
	CHECK(r.rc == -EINVAL, "150 env: returned %d", r.rc);
	run_free(&r);

	/* Both full at once. */
	parse_many(&r, max - 1, max, false);
	check_sane(&r, "both full");
	CHECK(r.rc == 0 && r.c->init_argc == max && r.c->init_envc == max,
	      "both full: rc %d argc %d envc %d (%s)", r.rc, r.c->init_argc,
	      r.c->init_envc, err_of(&r));
	run_free(&r);
	unit_group_end("cmdline/limits");
}

/* ---- the boot-log copy of the line ---- */

static void test_line(void)
{
	static char store[MAX_ARGS][64];
	const char *args[MAX_ARGS];
	char join[MAX_ARGS * 64 + 16];
	struct run r;
	size_t jl;
	int i;

	PARSE(&r, "mem=128M", "quiet", "TERM=vt100", "single", "--", "-x");
	check_sane(&r, "line");
	CHECK(r.rc == 0 &&
		      !strcmp(r.c->line, "mem=128M quiet TERM=vt100 single -- -x"),
	      "line: '%s'", r.c->line);
	run_free(&r);
	PARSE(&r, "rw");
	CHECK(r.rc == 0 && !strcmp(r.c->line, "rw"), "one word: '%s'",
	      r.c->line);
	run_free(&r);

	/* Longer than the buffer: cut, never overflowed. */
	join[0] = '\0';
	jl = 0;
	for (i = 0; i < 120; i++) {
		snprintf(store[i], sizeof(store[i]),
			 "umid=machine-number-%03d-with-a-long-name", i);
		args[i] = store[i];
		jl += (size_t)sprintf(join + jl, "%s%s", jl ? " " : "", store[i]);
	}
	parse_vec(&r, args, 120, 256);
	check_sane(&r, "long line");
	CHECK(r.rc == 0, "long line: returned %d (%s)", r.rc, err_of(&r));
	if (!r.rc) {
		size_t n = strnlen(r.c->line, sizeof(r.c->line));

		CHECK(n < sizeof(r.c->line), "long line: not terminated");
		CHECK(n < sizeof(r.c->line) && !strncmp(r.c->line, join, n),
		      "long line: not a prefix of the arguments");
		CHECK(n + 1 >= sizeof(r.c->line) - 64,
		      "long line: only %zu characters kept", n);
	}
	run_free(&r);

	/* Exactly fills the buffer. */
	{
		char *big = malloc(sizeof(r.c->line) + 8);

		memset(big, 'w', sizeof(r.c->line) + 7);
		big[sizeof(r.c->line) - 1 - 4] = '\0'; /* "x " + 1018 + NUL */
		PARSE(&r, "rw", big);
		CHECK(r.rc == 0 && strlen(r.c->line) == sizeof(r.c->line) - 1 - 1,
		      "near-full line: rc %d len %zu", r.rc, strlen(r.c->line));
		run_free(&r);
		big[sizeof(r.c->line) - 1 - 4] = 'w';
		big[sizeof(r.c->line) + 7] = '\0';
		PARSE(&r, "rw", big);
		CHECK(r.rc == 0 &&
			      strlen(r.c->line) == sizeof(r.c->line) - 1 &&
			      !strncmp(r.c->line, "rw www", 6),
		      "over-full line: rc %d len %zu", r.rc, strlen(r.c->line));
		run_free(&r);
		free(big);
	}
	unit_group_end("cmdline/line");
}

/* ---- small error buffers ---- */

static void test_err_buffer(void)
{
	static const char *const bad[] = { "--a-rather-long-unknown-option-name",
					   "mem=8M", "initrd=", "loglevel=9",
					   "con0=xterm" };
	struct boot_config *c = malloc(sizeof(*c));
	char *argv[3] = { "linux", NULL, NULL };
	struct run r;
	size_t i, len;
	int rc;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		for (len = 1; len <= 80; len++) {
			parse_vec(&r, &bad[i], 1, len);
			check_sane(&r, bad[i]);
			CHECK(r.rc == -EINVAL, "%s (err %zu bytes): returned %d",
			      bad[i], len, r.rc);
			CHECK(strlen(r.err) < len, "%s: message too long", bad[i]);
			run_free(&r);
		}
		/* No buffer at all. */
		argv[1] = (char *)bad[i];
		rc = cmdline_parse(2, argv, c, NULL, 0);
		CHECK(rc == -EINVAL, "%s (no err buffer): returned %d", bad[i], rc);
	}
	free(c);
	unit_group_end("cmdline/err-buffer");
}

/* ---- --help text ---- */

/* Whether name appears in text as a word (not inside another name). */
static bool mentions(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = strstr(text, name); p; p = strstr(p + 1, name)) {
		char before = p == text ? ' ' : p[-1], after = p[n];

		if (strchr(" \t\n,|[(", before) &&
		    (strchr(" \t\n,|])", after) || name[n - 1] == '='))
			return true;
	}
	return false;
}

static void test_help_text(void)
{
	static const char *const names[] = {
		"mem=", "initrd=", "init=", "rdinit=", "root=", "rootfstype=",
		"rootflags=", "hostfs=", "rw", "ro",
		"quiet", "loglevel=", "umid=", "uml_dir=", "con0=", "con=",
		"trace_syscalls", "trace=", "--help", "-h", "--version",
	};
	size_t big = 65536, n, len, r, i;
	char *full = malloc(big), *buf;

	memset(full, 'Z', big);
	n = cmdline_help(full, big);
	CHECK(n == strlen(full), "returned %zu, text is %zu long", n,
	      strlen(full));
	CHECK(n > 0 && n < 4096, "%zu bytes: does not fit main()'s 4096", n);
	CHECK(full[n + 1] == 'Z', "wrote past the end of the text");
	for (i = 0; i < ARRAY_SIZE(names); i++)
		CHECK(mentions(full, names[i]), "help does not mention '%s'",
		      names[i]);
	/* Every smaller buffer: cut, terminated, never overflowed. */
	for (len = 0; len <= n + 2; len++) {
		buf = malloc(len ? len : 1);
		memset(buf, 'Z', len ? len : 1);
		r = cmdline_help(buf, len);
		if (!len) {
			CHECK(buf[0] == 'Z', "len 0: wrote into the buffer");
			CHECK(r == 0 || r == n, "len 0: returned %zu", r);
		} else {
			CHECK(memchr(buf, '\0', len) != NULL,
			      "len %zu: not terminated", len);
			if (memchr(buf, '\0', len)) {
				CHECK(!strncmp(buf, full, strlen(buf)) &&
					      strlen(buf) == MIN(len - 1, n),
				      "len %zu: not the text cut to %zu", len,
				      strlen(buf));
				CHECK(r == strlen(buf) || r == n,
				      "len %zu: returned %zu (text %zu, full %zu)",
				      len, r, strlen(buf), n);
			}
		}
		free(buf);
	}
	free(full);
	unit_group_end("cmdline/help-text");
}

/* ---- random vectors against a reference model ---- */

static bool is_dec(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return 99;
}

/* parse_size as the contract has it (prefixes as memparse: 0x, 0). */
static bool ref_size(const char *s, u64 *out)
{
	unsigned base = 10;
	unsigned __int128 v = 0, mult = 1;
	const char *p = s;
	int d;
	bool any = false;

	if (!is_dec(*s))
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && hexval(s[2]) < 16) {
		base = 16;
		p = s + 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (; (d = hexval(*p)) < (int)base; p++) {
		v = v * base + (unsigned)d;
		any = true;
		if (v > ~0ULL)
			return false;
	}
	if (!any)
		return false;
	switch (*p) {
	case 'k': case 'K': mult = 1ULL << 10; p++; break;
	case 'm': case 'M': mult = 1ULL << 20; p++; break;
	case 'g': case 'G': mult = 1ULL << 30; p++; break;
	}
	if (*p)
		return false;
	v *= mult;
	if (v > ~0ULL)
		return false;
	*out = (u64)v;
	return true;
}

/* The model's verdict on a value: good, bad, or not pinned down. */
enum verdict { GOOD, BAD, EITHER };

static enum verdict ref_loglevel(const char *v, int *out)
{
	const char *p = v;
	size_t n = 0;
	int val = 0;

	while (is_dec(*p)) {
		val = MIN(val * 10 + (*p - '0'), 1000);
		p++;
		n++;
	}
	if (n && !*p) {
		*out = val;
		return val <= 8 ? GOOD : BAD;
	}
	/* kstrtoul-style "+3" and "3\n": Linux takes these; not pinned. */
	p = v;
	if (*p == '+')
		p++;
	n = 0;
	while (is_dec(*p)) {
		p++;
		n++;
	}
	if (n && (!*p || (*p == '\n' && !p[1])))
		return EITHER;
	return BAD;
}

/* "fd:<n>" */
static const char *ref_fd(const char *p)
{
	if (strncmp(p, "fd:", 3) || !is_dec(p[3]))
		return NULL;
	for (p += 3; is_dec(*p); p++)
		;
	return p;
}

static enum verdict ref_con(const char *v)
{
	const char *p;

	if (!strcmp(v, "null"))
		return GOOD;
	p = ref_fd(v);
	if (p && (!*p || (*p == ',' && (p = ref_fd(p + 1)) && !*p)))
		return GOOD;
	/* Other "fd:..." forms: accepted by the kernel today, not pinned. */
	return strncmp(v, "fd:", 3) ? BAD : EITHER;
}

struct model {
	int rc;               /* 0 or -EINVAL, when !unsure */
	bool unsure;          /* an EITHER value was seen */
	bool loglevel_unsure, con0_unsure;
	struct boot_config c;
};

static const char *const value_keys[] = { "mem=", "initrd=", "init=",
					  "rdinit=", "root=", "umid=",
					  "uml_dir=", "con0=", "con=",
					  "loglevel=" };
static const char *const flag_names[] = { "rw", "ro", "quiet",
					  "trace_syscalls", "--help", "-h",
					  "--version" };

static void ref_parse(int argc, char **argv, struct model *m)
{
	struct boot_config *c = &m->c;
	bool rest = false;
	size_t pos = 0;
	int i;

	memset(m, 0, sizeof(*m));
	c->mem = 64 * MIB;
	c->loglevel = -1;
	c->init_argc = 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		size_t k, al = strlen(a);

		if (pos < sizeof(c->line) - 1) {
			if (pos)
				c->line[pos++] = ' ';
			k = MIN(al, sizeof(c->line) - 1 - pos);
			memcpy(c->line + pos, a, k);
			pos += k;
			c->line[pos] = '\0';
		}
		if (!rest && !strcmp(a, "--")) {
			rest = true;
			continue;
		}
		if (!rest && eq) {
			for (k = 0; k < ARRAY_SIZE(value_keys); k++) {
				size_t kl = strlen(value_keys[k]);

				if ((size_t)(eq - a) + 1 == kl &&
				    !strncmp(a, value_keys[k], kl))
					break;
			}
			if (k < ARRAY_SIZE(value_keys)) {
				const char *key = value_keys[k], *v = eq + 1;
				enum verdict vd = GOOD;
				u64 sz;
				int lvl = 0;

				if (!strcmp(key, "mem=")) {
					vd = ref_size(v, &sz) && sz >= 16 * MIB &&
							     sz <= 64 * GIB ?
						     GOOD : BAD;
					if (vd == GOOD)
						c->mem = sz & ~4095ULL;
				} else if (!strcmp(key, "loglevel=")) {
					vd = ref_loglevel(v, &lvl);
					if (vd == GOOD) {
						c->loglevel = lvl;
						m->loglevel_unsure = false;
					} else if (vd == EITHER) {
						m->loglevel_unsure = true;
					}
				} else if (!strcmp(key, "con0=") ||
					   !strcmp(key, "con=")) {
					vd = ref_con(v);
					if (vd == GOOD) {
						c->con0 = v;
						m->con0_unsure = false;
					} else if (vd == EITHER) {
						m->con0_unsure = true;
					}
				} else if (!*v && !strcmp(key, "initrd=")) {
					vd = BAD;
				} else if (!*v) {
					/* Other empty values: not pinned. */
					vd = EITHER;
				} else if (!strcmp(key, "initrd=")) {
					c->initrd = v;
				} else if (!strcmp(key, "init=")) {
					c->init = v;
				} else if (!strcmp(key, "rdinit=")) {
					c->rdinit = v;
				} else if (!strcmp(key, "root=")) {
					c->root = v;
				} else if (!strcmp(key, "umid=")) {
					c->umid = v;
				} else if (!strcmp(key, "uml_dir=")) {
					c->uml_dir = v;
				}
				if (vd == BAD) {
					m->rc = -EINVAL;
					return;
				}
				if (vd == EITHER)
					m->unsure = true;
				continue;
			}
		}
		if (!rest && !eq) {
			for (k = 0; k < ARRAY_SIZE(flag_names); k++)
				if (!strcmp(a, flag_names[k]))
					break;
			if (k < ARRAY_SIZE(flag_names)) {
				if (!strcmp(a, "rw"))
					c->rw = true;
				else if (!strcmp(a, "ro"))
					c->rw = false;
				else if (!strcmp(a, "quiet"))
					c->quiet = true;
				else if (!strcmp(a, "trace_syscalls"))
					c->trace_syscalls = true;
				else if (!strcmp(a, "--version"))
					c->version = true;
				else
					c->help = true;
				continue;
			}
		}
		if (!rest && a[0] == '-') {
			m->rc = -EINVAL;
			return;
		}
		if (!rest && eq) {
			if (c->init_envc >= CMDLINE_MAX_INIT) {
				m->rc = -EINVAL;
				return;
			}
			c->init_envp[c->init_envc++] = a;
		} else {
			if (c->init_argc >= CMDLINE_MAX_INIT) {
				m->rc = -EINVAL;
				return;
			}
			c->init_argv[c->init_argc++] = a;
		}
	}
}

static const char *const pieces[] = {
	"mem=128M", "mem=16M", "mem=64G", "mem=8M", "mem=128G", "mem=abc",
	"mem=", "mem", "mem=0x2000000", "mem=20000001", "mem=99999999999999999999G",
	"mem=99999999999999999999", "mem=1g", "mem=12MB", "mem=-5", "mem==1G",
	"initrd=/tmp/x.cpio", "initrd=", "initrd", "init=/bin/sh", "init=",
	"rdinit=/init", "root=/dev/ram0", "umid=vm", "uml_dir=/tmp", "uml_dir",
	"rw", "ro", "quiet", "quiet=1", "rw=1", "RW", "loglevel=0", "loglevel=8",
	"loglevel=9", "loglevel=x", "loglevel=", "loglevel=-1", "loglevel=+3",
	"loglevel=007", "con0=fd:0,fd:1", "con0=null", "con0=xterm", "con0=",
	"con=null", "con=fd:3", "con=pty", "con0=fd:x", "con1=null",
	"trace_syscalls", "--help", "-h", "--version", "--bogus", "-x", "-",
	"--", "--", "---", "--help=1", "-h=1", "TERM=vt100", "foo.bar=1", "=",
	"=x", "a=b=c", "single", "emergency", "", " ", "init", "console=ttyS0",
	"MEM=1G", "Mem=128M", "mem =128M", "x=", "%s%n%p", "\t", "\xff\xfe=\x01",
};

/* A token: a piece, a known key with a random value, or random bytes. */
static char *random_token(char *buf, size_t cap)
{
	size_t n, i, k;

	switch (random() % 8) {
	case 0: case 1: case 2: case 3:
		snprintf(buf, cap, "%s", pieces[random() % ARRAY_SIZE(pieces)]);
		break;
	case 4: case 5:
		k = (size_t)snprintf(buf, cap, "%s",
				     value_keys[random() % ARRAY_SIZE(value_keys)]);
		n = (size_t)(random() % 12);
		for (i = 0; i < n && k + 1 < cap; i++) {
			static const char chars[] = "0123456789xXkKmMgGbQ,:fdnul-+ \n";

			buf[k++] = random() % 4 ? chars[random() % (sizeof(chars) - 1)] :
						  (char)(1 + random() % 255);
		}
		buf[k] = '\0';
		break;
	case 6:
		n = (size_t)(random() % 24);
		for (i = 0; i < n && i + 1 < cap; i++)
			buf[i] = (char)(1 + random() % 255);
		buf[i] = '\0';
		break;
	default:
		/* Long, for the boot-log line. */
		n = (size_t)(random() % 400);
		for (i = 0; i < n && i + 1 < cap; i++)
			buf[i] = (char)('a' + random() % 26);
		buf[i] = '\0';
		if (random() % 2 && i > 3)
			buf[random() % (i - 1) + 1] = '=';
		break;
	}
	return buf;
}

static void compare_model(const struct run *r, const struct model *m, int iter)
{
	const struct boot_config *c = r->c, *w = &m->c;
	int i;

	if (!m->unsure && m->rc)
		CHECK(r->rc == -EINVAL, "fuzz %d: accepted what the model refuses",
		      iter);
	if (!m->unsure && !m->rc)
		CHECK(r->rc == 0, "fuzz %d: refused what the model accepts: %s",
		      iter, err_of(r));
	if (r->rc || m->rc)
		return;
	CHECK(c->mem == w->mem, "fuzz %d: mem %llu, model %llu", iter,
	      (unsigned long long)c->mem, (unsigned long long)w->mem);
	CHECK(m->loglevel_unsure || c->loglevel == w->loglevel,
	      "fuzz %d: loglevel %d, model %d", iter, c->loglevel, w->loglevel);
	CHECK(m->con0_unsure || c->con0 == w->con0, "fuzz %d: con0 differs",
	      iter);
	/* (An empty init=, root=... is not pinned: skip when unsure.) */
	CHECK(m->unsure ||
		      (c->initrd == w->initrd && c->rdinit == w->rdinit &&
		       c->root == w->root && c->umid == w->umid &&
		       c->uml_dir == w->uml_dir && c->init == w->init),
	      "fuzz %d: a string option differs", iter);
	CHECK(c->rw == w->rw && c->quiet == w->quiet && c->help == w->help &&
		      c->version == w->version &&
		      c->trace_syscalls == w->trace_syscalls,
	      "fuzz %d: a flag differs", iter);
	CHECK(c->init_argc == w->init_argc && c->init_envc == w->init_envc,
	      "fuzz %d: init argc/envc %d/%d, model %d/%d", iter, c->init_argc,
	      c->init_envc, w->init_argc, w->init_envc);
	for (i = 1; i < w->init_argc && i < c->init_argc; i++)
		CHECK(c->init_argv[i] == w->init_argv[i],
		      "fuzz %d: init_argv[%d] differs", iter, i);
	for (i = 0; i < w->init_envc && i < c->init_envc; i++)
		CHECK(c->init_envp[i] == w->init_envp[i],
		      "fuzz %d: init_envp[%d] differs", iter, i);
	CHECK(!strcmp(c->line, w->line), "fuzz %d: line '%.60s', model '%.60s'",
	      iter, c->line, w->line);
}

static void test_fuzz(void)
{
	static char toks[MAX_ARGS][512];
	const char *args[MAX_ARGS];
	struct model *m = malloc(sizeof(*m));
	struct run r;
	int iter, n, i;
	size_t errlen;

	for (iter = 0; iter < 20000; iter++) {
		switch (random() % 4) {
		case 0: n = (int)(random() % 4); break;
		case 1: n = (int)(random() % 12); break;
		case 2: n = (int)(random() % 40); break;
		default: n = 25 + (int)(random() % 50); break;
		}
		for (i = 0; i < n; i++) {
			/* Often plain init words or env, to reach the limits. */
			if (n > 25 && random() % 2) {
				if (random() % 2)
					snprintf(toks[i], sizeof(toks[i]), "w%d", i);
				else
					snprintf(toks[i], sizeof(toks[i]), "E%d=1", i);
			} else {
				random_token(toks[i], sizeof(toks[i]));
			}
			args[i] = toks[i];
		}
		errlen = random() % 4 ? 256 : (size_t)(random() % 20);
		parse_vec(&r, args, n, errlen);
		check_sane(&r, "fuzz");
		ref_parse(r.argc, r.argv, m);
		compare_model(&r, m, iter);
		run_free(&r);
		if (unit_group_failed > 50)
			break;
	}
	free(m);
	unit_group_end("cmdline/fuzz");
}

int main(void)
{
	srandom(7);
	test_defaults();
	test_parse_size();
	test_mem();
	test_strings();
	test_flags();
	test_console();
	test_help_version();
	test_init_args();
	test_limits();
	test_line();
	test_err_buffer();
	test_help_text();
	test_fuzz();
	return unit_any_failed;
}
