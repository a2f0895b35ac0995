/*
 * Boot: parse the command line, create physical memory, bring up the
 * subsystems in order, unpack the initramfs, start init and enter the idle
 * loop. Errors the user can fix (bad option, unreadable initrd) end with a
 * message and exit status 2 before anything is set up.
 */
#include "cmdline.h"
#include "blkdev.h"
#include "cpio.h"
#include "engine.h"
#include "fs.h"
#include "host.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mconsole.h"
#include "netdevice.h"
#include "mm.h"
#include "printk.h"
#include "strace.h"
#include "task.h"
#include "timer.h"
#include "version.h"

void start_init(struct boot_config *cfg);
int ubd_setup(const char *arg, char *err, size_t elen);
void console_init(const char *spec);
extern char **boot_argv;

static struct boot_config cfg;
char boot_cmdline[1024];

/*
 * Boot code runs as a pseudo-task so the VFS (which works on behalf of
 * "current") can unpack the initramfs and mount /dev.
 */
static struct task boot_task;
static struct signal boot_signal;

static void boot_task_init(void)
{
	int i;

	boot_task.signal = &boot_signal;
	for (i = 0; i < RLIM_NLIMITS; i++)
		boot_signal.rlim[i].rlim_cur = boot_signal.rlim[i].rlim_max = RLIM_INFINITY;
	boot_signal.rlim[RLIMIT_NOFILE].rlim_cur = 1024;
	boot_task.files = files_alloc();
	boot_task.fs = fs_alloc();
	boot_task.fs->umask = 0;
	boot_task.pid = 0;
	current = &boot_task;
}

static void boot_task_root(void)
{
	boot_task.fs->root.mnt = root_mount;
	boot_task.fs->root.dentry = root_mount->root;
	path_get(&boot_task.fs->root);
	boot_task.fs->cwd = boot_task.fs->root;
	path_get(&boot_task.fs->cwd);
}

static void __noreturn usage_error(const char *msg)
{
	char buf[512];
	int n = scnprintf(buf, sizeof(buf),
			  "linux: %s\nTry 'linux --help' for the list of options.\n", msg);

	host_write_all(2, buf, (size_t)n);
	host_exit(2);
}

static void out(const char *s)
{
	host_write_all(1, s, strlen(s));
}

int main(int argc, char **argv)
{
	char err[512];
	int i;
	void *initrd = NULL;
	size_t initrd_len = 0;
	int rc;

	boot_argv = argv;
	time_init();
	if (cmdline_parse(argc, argv, &cfg, err, sizeof(err)) < 0)
		usage_error(err);
	if (cfg.help) {
		static char help[4096];

		cmdline_help(help, sizeof(help));
		out(help);
		return 0;
	}
	if (cfg.version) {
		out("linux (user-mode kernel) " UML_VERSION ", guest ABI " UTS_RELEASE "\n");
		return 0;
	}
	if (cfg.initrd) {
		rc = host_load_file(cfg.initrd, &initrd, &initrd_len);
		if (rc < 0) {
			scnprintf(err, sizeof(err), "cannot read initrd %s: %s", cfg.initrd,
				  rc == -EINVAL ? "corrupt compressed data" :
						  host_strerror(rc));
			usage_error(err);
		}
		if (cpio_parse(initrd, initrd_len, NULL, NULL) < 0) {
			scnprintf(err, sizeof(err),
				  "initrd %s is not a cpio archive (newc format, optionally gzip'd)",
				  cfg.initrd);
			usage_error(err);
		}
	} else if (!cfg.init && !cfg.nr_ubd && !cfg.rootfstype) {
		usage_error("no root filesystem: give ubda=<disk image>, "
			    "initrd=<cpio archive> or rootfstype=hostfs rootflags=<dir>");
	}
	{
		bool hostfs_root = cfg.rootfstype && !strcmp(cfg.rootfstype, "hostfs");

		if (hostfs_setup(cfg.hostfs, hostfs_root ? cfg.rootflags : NULL,
				 hostfs_root ? &cfg.rootflags : NULL, err, sizeof(err)) < 0)
			usage_error(err);
	}
	strlcpy(boot_cmdline, cfg.line, sizeof(boot_cmdline));
	syscall_trace = cfg.trace_syscalls;
	if (cfg.trace && trace_set_names(cfg.trace) < 0)
		usage_error("trace=: the list of names and pids is too long (127 characters at most)");
	if (!cfg.initrd && !cfg.root && cfg.nr_ubd)
		cfg.root = "/dev/ubda";
	if (!cfg.initrd && !cfg.root && cfg.rootfstype)
		cfg.root = "/dev/root";
	if (cfg.loglevel >= 0)
		console_loglevel = cfg.loglevel;
	else if (cfg.quiet)
		console_loglevel = 4;

	physmem_init(cfg.mem);
	console_init(cfg.con0);
	printk(KERN_INFO "Linux version " UTS_RELEASE " (user-mode kernel " UML_VERSION ")\n");
	printk(KERN_INFO "Kernel command line: %s\n", cfg.line);
	printk(KERN_INFO "Memory: %lluK available (%lluK physical)\n",
	       (unsigned long long)(mem_free_pages() * 4),
	       (unsigned long long)(cfg.mem >> 10));
	if (engine_init(cfg.seccomp, !cfg.no_syscall_patch) < 0)
		usage_error("seccomp=on: this host cannot run the seccomp engine "
			    "(see the message above); use seccomp=off or auto");
	{
		static char umid[16];

		if (!cfg.umid) {
			/* UML's default: a random six-character name. */
			static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789";
			u8 r[6];
			int k;

			host_getrandom(r, sizeof(r));
			for (k = 0; k < 6; k++)
				umid[k] = abc[r[k] % 36];
			cfg.umid = umid;
		}
		if (cfg.mconsole_notify && mconsole_notify_init(cfg.mconsole_notify) < 0) {
			scnprintf(err, sizeof(err), "mconsole=notify:%s: cannot create a socket",
				  cfg.mconsole_notify);
			usage_error(err);
		}
		if (mconsole_init(cfg.uml_dir, cfg.umid, err, sizeof(err)) < 0)
			usage_error(err);
	}
	rc = host_irq_init(HZ);
	if (rc < 0)
		panic("cannot set up host interrupts: %d", rc);
	boot_task_init();
	vfs_init();
	net_init();
	for (i = 0; i < cfg.nr_eth; i++)
		if (eth_setup(cfg.eth[i], cfg.umid, err, sizeof(err)) < 0)
			usage_error(err);
	blk_init();
	for (i = 0; i < cfg.nr_ubd; i++)
		if (ubd_setup(cfg.ubd[i], err, sizeof(err)) < 0)
			usage_error(err);
	rc = mount_root("rootfs");
	if (rc < 0)
		panic("cannot mount the root filesystem: %d", rc);
	boot_task_root();
	if (initrd) {
		rc = initramfs_unpack(initrd, initrd_len);
		host_free(initrd);
		if (rc < 0)
			panic("initramfs unpacking failed: %d", rc);
		printk(KERN_INFO "Unpacked initramfs (%zu KiB)\n", initrd_len >> 10);
	}
	if (initrd_len)
		devtmpfs_mount_dev(); /* a disk root gets its /dev in init */
	start_init(&cfg);
	mconsole_start();
	current = NULL;
	cpu_idle_loop();
}
