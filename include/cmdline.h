/*
 * The kernel command line, UML style: "key=value" options the kernel
 * knows, plain words and unknown "key=value" pairs for init (as argv and
 * environment), everything after "--" for init's argv.
 */
#ifndef CMDLINE_H
#define CMDLINE_H

#include "types.h"

#define CMDLINE_MAX_INIT 32

/* Values of boot_config.seccomp (seccomp=auto|off|on). */
#define ENGINE_AUTO 0
#define ENGINE_PTRACE 1
#define ENGINE_SECCOMP 2

struct boot_config {
	u64 mem;              /* bytes of guest physical memory */
	const char *initrd;   /* host path of the initramfs */
	const char *init;     /* init= */
	const char *rdinit;   /* rdinit= */
	const char *root;
	const char *rootfstype; /* rootfstype=: the root's filesystem type */
	const char *rootflags;  /* rootflags=: its mount data (hostfs: a host dir) */
	const char *hostfs;     /* hostfs=: the host directory hostfs may reach */
	bool rw;
	bool quiet;
	int loglevel;         /* -1: default */
	const char *umid;
	const char *uml_dir;
	const char *con0;
	const char *mconsole_notify; /* mconsole=notify:<path> */
	bool help, version;
	bool trace_syscalls;  /* log every system call (debugging) */
	const char *trace;    /* trace=: program names and pids to trace */
	int seccomp;          /* process engine: ENGINE_AUTO, _PTRACE, _SECCOMP */
	bool no_syscall_patch; /* syscall_patch=off */
	const char *ubd[16];  /* "ubd<N><flags>=<spec>" as given, in order */
	int nr_ubd;
	const char *eth[16];  /* "eth<N>=<transport>,..." as given */
	int nr_eth;
	const char *init_argv[CMDLINE_MAX_INIT + 1]; /* [0] left for init */
	int init_argc;
	const char *init_envp[CMDLINE_MAX_INIT + 1];
	int init_envc;
	char line[1024];      /* the whole command line, for the boot log */
};

/*
 * Parses argv[1..argc-1] into cfg. Returns 0, or -EINVAL with a message
 * for the user in err. Strings in cfg point into argv.
 */
int cmdline_parse(int argc, char **argv, struct boot_config *cfg, char *err,
		  size_t errlen);
/* Parses "128M", "1G", "4096K", "65536" into bytes; 0 or -EINVAL. */
int parse_size(const char *s, u64 *out);
/* Writes the --help text into buf; returns its length. */
size_t cmdline_help(char *buf, size_t len);

#endif
