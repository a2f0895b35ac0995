/* The contents of procfs files, in the formats tools expect. */
#include <linux/mman.h>

#include "blkdev.h"
#include "device.h"
#include "fs.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "locks.h"
#include "inet.h"
#include "net.h"
#include "mconsole.h"
#include "mm.h"
#include "proc.h"
#include "task.h"
#include "timer.h"
#include "pty.h"
#include "tty.h"
#include "version.h"

const struct fs_type *fs_type_at(int i);
const struct chrdev *chrdev_at(int i);
extern char boot_cmdline[];

#define P(...) (pos += (size_t)scnprintf(buf + pos, len - pos, __VA_ARGS__))

static int gen_meminfo(char *buf, size_t len)
{
	size_t pos = 0;
	u64 total = mem_total_pages() * 4, free = mem_free_pages() * 4;
	u64 cached = mem_cache_pages * 4, shmem = mem_shmem_pages * 4;

	/* Cached counts tmpfs pages, as Linux does; they are not available,
	 * since nothing reclaims them (swap takes only private anonymous
	 * pages). */
	P("MemTotal:       %8llu kB\n", (unsigned long long)total);
	P("MemFree:        %8llu kB\n", (unsigned long long)free);
	P("MemAvailable:   %8llu kB\n", (unsigned long long)(free + cached - shmem));
	P("Buffers:        %8llu kB\n", 0ULL);
	P("Cached:         %8llu kB\n", (unsigned long long)cached);
	P("SwapCached:     %8llu kB\n", 0ULL);
	P("Active:         %8llu kB\n", (unsigned long long)(mem_anon_pages * 4));
	P("Inactive:       %8llu kB\n", (unsigned long long)cached);
	P("SwapTotal:      %8llu kB\n", (unsigned long long)swap_total_pages() * 4);
	P("SwapFree:       %8llu kB\n", (unsigned long long)swap_free_pages() * 4);
	P("AnonPages:      %8llu kB\n", (unsigned long long)(mem_anon_pages * 4));
	P("Shmem:          %8llu kB\n", (unsigned long long)shmem);
	P("Slab:           %8llu kB\n", (unsigned long long)(mem_kernel_pages * 4));
	P("KernelStack:    %8llu kB\n", 0ULL);
	P("PageTables:     %8llu kB\n", 0ULL);
	P("CommitLimit:    %8llu kB\n", (unsigned long long)total);
	P("Committed_AS:   %8llu kB\n", (unsigned long long)(total - free));
	return (int)pos;
}

static int gen_cpuinfo(char *buf, size_t len)
{
	size_t pos = 0;
	u32 v[4] = { 0 }, f[4] = { 1, 0, 0, 0 };
	char vendor[13];

	__asm__ volatile("cpuid" : "=a"(v[0]), "=b"(v[1]), "=c"(v[2]), "=d"(v[3]) : "a"(0));
	memcpy(vendor, &v[1], 4);
	memcpy(vendor + 4, &v[3], 4);
	memcpy(vendor + 8, &v[2], 4);
	vendor[12] = 0;
	__asm__ volatile("cpuid" : "+a"(f[0]), "=b"(f[1]), "=c"(f[2]), "=d"(f[3]));
	P("processor\t: 0\n");
	P("vendor_id\t: %s\n", vendor);
	P("cpu family\t: %u\n", (f[0] >> 8) & 15);
	P("model\t\t: %u\n", ((f[0] >> 4) & 15) | (((f[0] >> 16) & 15) << 4));
	P("model name\t: UML virtual CPU\n");
	P("stepping\t: %u\n", f[0] & 15);
	P("cpu MHz\t\t: 1000.000\n");
	P("cache size\t: 0 KB\n");
	P("physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n");
	P("fpu\t\t: yes\nflags\t\t: fpu tsc cx8 cmov mmx fxsr sse sse2%s%s%s\n",
	  (f[2] & 1) ? " pni" : "", (f[2] & (1 << 19)) ? " sse4_1" : "",
	  (f[2] & (1 << 20)) ? " sse4_2" : "");
	P("bogomips\t: 2000.00\n\n");
	return (int)pos;
}

static int gen_uptime(char *buf, size_t len)
{
	size_t pos = 0;
	u64 ns = ktime_ns(), idle = cpustat.idle_ns;

	P("%llu.%02llu %llu.%02llu\n", (unsigned long long)(ns / NSEC_PER_SEC),
	  (unsigned long long)(ns % NSEC_PER_SEC) / 10000000,
	  (unsigned long long)(idle / NSEC_PER_SEC),
	  (unsigned long long)(idle % NSEC_PER_SEC) / 10000000);
	return (int)pos;
}

static int gen_loadavg(char *buf, size_t len)
{
	size_t pos = 0;
	struct task *t;
	int n = 0;

	list_for_each_entry(t, &all_tasks, all_node)
		n++;
	P("0.00 0.00 0.00 %d/%d %llu\n", nr_running(), n, (unsigned long long)nr_forks + 1);
	return (int)pos;
}

/*
 * The mounts this process sees, as /proc/mounts (info false) or as
 * /proc/<pid>/mountinfo (info true: ids, device numbers, the mount's root
 * in its filesystem; libmount, df and findmnt read this one).
 */
static int gen_mounts(char *buf, size_t len, bool info)
{
	size_t pos = 0;
	struct mount *m = NULL;
	char path[1024], opts[128];

	while ((m = mount_next(m)) != NULL) {
		struct path_ref p = { m, m->root };
		struct mount *a;
		bool hidden = false;
		const char *ro = (m->flags & 1) ? "ro" : "rw";

		/* Mounts below this process's root (rootfs under a disk root)
		 * are not visible from it. */
		for (a = current->fs->root.mnt->parent; a; a = a->parent)
			if (a == m)
				hidden = true;
		if (hidden)
			continue;

		if (path_name(&p, &current->fs->root, path, sizeof(path)) < 0)
			continue;
		opts[0] = 0;
		if (m->sb->type->show_options)
			m->sb->type->show_options(m->sb, opts, sizeof(opts));
		if (!info) {
			P("%s %s %s %s%s%s 0 0\n", m->devname, path, m->sb->type->name, ro,
			  MOUNT_NODEV(m) ? ",nodev" : "", opts);
			continue;
		}
		/* The root mount's parent is one nobody sees, as on Linux. */
		P("%d %d %u:%u / %s %s%s,relatime - %s %s %s%s\n", m->id,
		  m->parent && m != current->fs->root.mnt ? m->parent->id : 1,
		  DEV_MAJOR(m->sb->dev), DEV_MINOR(m->sb->dev), path, ro,
		  MOUNT_NODEV(m) ? ",nodev" : "", m->sb->type->name, m->devname, ro, opts);
	}
	return (int)pos;
}

static int gen_filesystems(char *buf, size_t len)
{
	size_t pos = 0;
	const struct fs_type *t;
	int i;

	for (i = 0; (t = fs_type_at(i)) != NULL; i++)
		P("%s\t%s\n", t->nodev ? "nodev" : "", t->name);
	return (int)pos;
}

static int gen_stat(char *buf, size_t len)
{
	size_t pos = 0;
	u64 hz = NSEC_PER_SEC / 100;
	unsigned long long user = cpustat.user_ns / hz, sys = cpustat.system_ns / hz;
	unsigned long long idle = cpustat.idle_ns / hz;
	int running = nr_running();

	/* USER_HZ ticks: user nice system idle iowait irq softirq steal
	 * guest guest_nice; one CPU. */
	P("cpu  %llu 0 %llu %llu 0 0 0 0 0 0\n", user, sys, idle);
	P("cpu0 %llu 0 %llu %llu 0 0 0 0 0 0\n", user, sys, idle);
	P("intr 0\nctxt 0\nbtime %llu\n",
	  (unsigned long long)((ktime_real_ns() - ktime_ns()) / NSEC_PER_SEC));
	P("processes %llu\nprocs_running %d\nprocs_blocked 0\n",
	  (unsigned long long)nr_forks + 1, running);
	return (int)pos;
}

static int gen_devices(char *buf, size_t len)
{
	size_t pos = 0;
	const struct chrdev *c;
	int i;

	P("Character devices:\n");
	for (i = 0; (c = chrdev_at(i)) != NULL; i++)
		P("%3u %s\n", c->major, c->name);
	P("\nBlock devices:\n 98 ubd\n");
	return (int)pos;
}

static char state_char(struct task *t)
{
	switch (t->state) {
	case TASK_RUNNING: return 'R';
	case TASK_INTERRUPTIBLE: return 'S';
	case TASK_UNINTERRUPTIBLE: return 'D';
	case TASK_STOPPED: return 'T';
	case TASK_TRACED: return 't';
	case TASK_ZOMBIE: return 'Z';
	default: return 'X';
	}
}

static const char *state_name(struct task *t)
{
	switch (t->state) {
	case TASK_RUNNING: return "R (running)";
	case TASK_INTERRUPTIBLE: return "S (sleeping)";
	case TASK_UNINTERRUPTIBLE: return "D (disk sleep)";
	case TASK_STOPPED: return "T (stopped)";
	case TASK_TRACED: return "t (tracing stop)";
	case TASK_ZOMBIE: return "Z (zombie)";
	default: return "X (dead)";
	}
}

static u64 vm_size(struct mm *mm)
{
	struct vma *v;
	u64 n = 0;

	if (!mm)
		return 0;
	list_for_each_entry(v, &mm->vmas, list)
		n += v->end - v->start;
	return n;
}

static int gen_pid_stat(struct task *t, char *buf, size_t len)
{
	size_t pos = 0;
	struct task *p = t->group_leader->parent;
	int tty_nr = t->signal && t->signal->tty ? (int)t->signal->tty->rdev : 0;
	u64 hz = NSEC_PER_SEC / 100;

	P("%d (%s) %c %d %d %d %d %d %u %llu 0 %llu 0 %llu %llu %llu %llu 20 0 %d 0 %llu %llu %llu",
	  t->pid, t->comm, state_char(t), p ? p->tgid : 0,
	  t->signal ? t->signal->pgid : 0, t->signal ? t->signal->sid : 0, tty_nr,
	  t->signal && t->signal->tty ? t->signal->tty->pgrp : -1, 0x400000u,
	  (unsigned long long)t->min_flt, (unsigned long long)t->maj_flt,
	  (unsigned long long)(t->utime_ns / hz), (unsigned long long)(t->stime_ns / hz),
	  t->signal ? (unsigned long long)(t->signal->cutime_ns / hz) : 0ULL,
	  t->signal ? (unsigned long long)(t->signal->cstime_ns / hz) : 0ULL, 1,
	  (unsigned long long)(t->start_ns / hz), (unsigned long long)vm_size(t->mm),
	  (unsigned long long)(t->mm ? t->mm->rss : 0));
	P(" 18446744073709551615 0 0 %llu 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0\n",
	  t->mm ? (unsigned long long)t->mm->stack_start : 0ULL);
	return (int)pos;
}

/* Pages to kB, for printing. */
#define KB(pages) ((unsigned long long)(pages) * (PAGE_SIZE >> 10))

static int gen_pid_status(struct task *t, char *buf, size_t len)
{
	size_t pos = 0;
	struct task *p = t->group_leader->parent;
	int threads = 0;
	struct task *th;

	list_for_each_entry(th, &t->group_leader->threads, thread_node)
		threads++;
	P("Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n",
	  t->comm, t->fs ? t->fs->umask : 0, state_name(t), t->tgid, t->pid,
	  p ? p->tgid : 0);
	P("TracerPid:\t0\nUid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\n", t->uid, t->euid,
	  t->suid, t->fsuid, t->gid, t->egid, t->sgid, t->fsgid);
	P("FDSize:\t%d\nGroups:\t\n", t->files ? t->files->max : 0);
	if (t->mm) {
		struct mm_usage u;

		mm_usage(t->mm, &u);
		P("VmPeak:\t%8llu kB\nVmSize:\t%8llu kB\nVmLck:\t%8llu kB\nVmPin:\t%8llu kB\n",
		  KB(t->mm->hiwater_vm), KB(u.size), 0ULL, 0ULL);
		P("VmHWM:\t%8llu kB\nVmRSS:\t%8llu kB\n", KB(t->mm->hiwater_rss),
		  KB(u.rss_anon + u.rss_file + u.rss_shmem));
		P("RssAnon:\t%8llu kB\nRssFile:\t%8llu kB\nRssShmem:\t%8llu kB\n", KB(u.rss_anon),
		  KB(u.rss_file), KB(u.rss_shmem));
		P("VmData:\t%8llu kB\nVmStk:\t%8llu kB\nVmExe:\t%8llu kB\nVmLib:\t%8llu kB\n",
		  KB(u.data), KB(u.stack), KB(u.exe), KB(u.lib));
		P("VmPTE:\t%8llu kB\nVmSwap:\t%8llu kB\n", KB(u.pte), KB(u.swap));
	}
	P("Threads:\t%d\n", threads);
	P("SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n",
	  (unsigned long long)t->pending.set,
	  t->signal ? (unsigned long long)t->signal->shared.set : 0ULL,
	  (unsigned long long)t->blocked);
	P("Cpus_allowed:\t1\nCpus_allowed_list:\t0\n");
	P("voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
	return (int)pos;
}

static int gen_mm_strings(struct task *t, u64 start, u64 end, char *buf, size_t len)
{
	size_t n;

	if (!t->mm || end <= start)
		return 0;
	n = MIN((size_t)(end - start), len - 1);
	if (access_mm_read(t->mm, start, buf, n) < 0)
		return 0;
	return (int)n;
}

static int gen_pid_maps(struct task *t, char *buf, size_t len)
{
	size_t pos = 0;
	struct vma *v;
	char path[512];

	if (!t->mm)
		return 0;
	list_for_each_entry(v, &t->mm->vmas, list) {
		const char *name = "";

		path[0] = 0;
		if (v->file && v->file->path.dentry &&
		    path_name(&v->file->path, &current->fs->root, path, sizeof(path)) >= 0)
			name = path;
		else if (v->flags & VM_HEAP)
			name = "[heap]";
		else if (v->flags & VM_STACK)
			name = "[stack]";
		else if (v->flags & VM_SYSFAST)
			name = "[sysfast]";
		P("%08llx-%08llx %c%c%c%c %08llx 00:00 %llu",
		  (unsigned long long)v->start, (unsigned long long)v->end,
		  (v->prot & PROT_READ) ? 'r' : '-', (v->prot & PROT_WRITE) ? 'w' : '-',
		  (v->prot & PROT_EXEC) ? 'x' : '-', (v->flags & VM_SHARED) ? 's' : 'p',
		  (unsigned long long)(v->pgoff << 12),
		  v->file ? (unsigned long long)v->file->inode->ino : 0ULL);
		if (*name)
			P("%*s%s", 8, "", name);
		P("\n");
	}
	return (int)pos;
}

int proc_generate(int kind, int pid, char *buf, size_t len)
{
	struct task *t = pid ? task_by_pid(pid) : NULL;
	size_t pos = 0;

	if (pid && !t)
		return -ESRCH;
	switch (kind) {
	case PROC_MEMINFO: return gen_meminfo(buf, len);
	case PROC_CPUINFO: return gen_cpuinfo(buf, len);
	case PROC_UPTIME: return gen_uptime(buf, len);
	case PROC_LOADAVG: return gen_loadavg(buf, len);
	case PROC_MOUNTS:
	case PROC_PID_MOUNTS: return gen_mounts(buf, len, false);
	case PROC_PID_MOUNTINFO: return gen_mounts(buf, len, true);
	case PROC_FILESYSTEMS: return gen_filesystems(buf, len);
	case PROC_VERSION:
		P("Linux version %s (user-mode kernel) %s\n", UTS_RELEASE, UTS_VERSION);
		return (int)pos;
	case PROC_STAT: return gen_stat(buf, len);
	case PROC_CMDLINE:
		P("%s\n", boot_cmdline);
		return (int)pos;
	case PROC_DEVICES: return gen_devices(buf, len);
	case PROC_PARTITIONS: return blk_proc_partitions(buf, len);
	case PROC_DISKSTATS: return blk_proc_diskstats(buf, len);
	case PROC_SWAPS: return swap_proc(buf, len);
	case PROC_LOCKS: return locks_proc(buf, len);
	case PROC_MCONSOLE: return 0;
	case PROC_NET_UNIX: return unix_proc_net(buf, len);
	case PROC_NET_DEV: return netdev_proc(buf, len);
	case PROC_NET_ROUTE: return route_proc(buf, len);
	case PROC_NET_TCP: return tcp_proc(buf, len);
	case PROC_NET_UDP: return udp_proc(buf, len);
	case PROC_NET_RAW: return raw_proc(buf, len);
	case PROC_NET_ARP: return arp_proc(buf, len);
	case PROC_NET_TCP6: return tcp6_proc(buf, len);
	case PROC_NET_UDP6: return udp6_proc(buf, len);
	case PROC_NET_RAW6: return raw6_proc(buf, len);
	case PROC_NET_IF_INET6: return if_inet6_proc(buf, len);
	case PROC_NET_IPV6_ROUTE: return ipv6_route_proc(buf, len);
	case PROC_SYS_HOTPLUG:
		P("%s\n", uevent_helper);
		return (int)pos;
	case PROC_SYS_HOSTNAME:
		P("%s\n", utsname_node);
		return (int)pos;
	case PROC_SYS_OSRELEASE:
		P("%s\n", UTS_RELEASE);
		return (int)pos;
	case PROC_SYS_OSTYPE:
		P("Linux\n");
		return (int)pos;
	case PROC_SYS_THREADS_MAX:
		P("%d\n", max_threads());
		return (int)pos;
	case PROC_SYS_PTY_MAX:
		P("%d\n", pty_get_max());
		return (int)pos;
	case PROC_SYS_PTY_NR:
		P("%d\n", pty_nr());
		return (int)pos;
	case PROC_SYS_SEQNUM:
		P("%llu\n", (unsigned long long)uevent_seqnum);
		return (int)pos;
	case PROC_PID_STAT: return gen_pid_stat(t, buf, len);
	case PROC_PID_STATUS: return gen_pid_status(t, buf, len);
	case PROC_PID_CMDLINE:
		return t->mm ? gen_mm_strings(t, t->mm->arg_start, t->mm->arg_end, buf, len) : 0;
	case PROC_PID_ENVIRON:
		return t->mm ? gen_mm_strings(t, t->mm->env_start, t->mm->env_end, buf, len) : 0;
	case PROC_PID_COMM:
		P("%s\n", t->comm);
		return (int)pos;
	case PROC_PID_MAPS: return gen_pid_maps(t, buf, len);
	case PROC_PID_STATM: {
		struct mm_usage u;

		/* size resident shared text lib data dt, in pages, as Linux:
		 * shared is the file and shmem part of resident, lib and dt
		 * are always 0, data counts the stack too. */
		mm_usage(t->mm, &u);
		P("%llu %llu %llu %llu 0 %llu 0\n", (unsigned long long)u.size,
		  (unsigned long long)(u.rss_anon + u.rss_file + u.rss_shmem),
		  (unsigned long long)(u.rss_file + u.rss_shmem), (unsigned long long)u.exe,
		  (unsigned long long)(u.data + u.stack));
		return (int)pos;
	}
	default:
		return -EINVAL;
	}
}

long proc_write_file(int kind, int pid, const char *buf, size_t len)
{
	struct task *t = pid ? task_by_pid(pid) : NULL;

	if (kind == PROC_MCONSOLE) {
		/* What the guest writes goes to the notify socket (USER_NOTIFY). */
		size_t n = len;

		if (n && buf[n - 1] == '\n')
			n--;
		mconsole_notify(MC_NOTIFY_USER, buf, n);
		return (long)len;
	}
	if (kind == PROC_SYS_HOTPLUG || kind == PROC_SYS_HOSTNAME) {
		char *dst = kind == PROC_SYS_HOTPLUG ? uevent_helper : utsname_node;
		size_t cap = kind == PROC_SYS_HOTPLUG ? sizeof(uevent_helper) : 65;
		size_t n = len;

		if (current->euid != 0)
			return -EPERM;
		if (n && buf[n - 1] == '\n')
			n--;
		if (n >= cap)
			return -EINVAL;
		memcpy(dst, buf, n);
		dst[n] = 0;
		return (long)len;
	}
	if (kind == PROC_SYS_THREADS_MAX || kind == PROC_SYS_PTY_MAX) {
		char num[24];
		unsigned long v;
		size_t n = MIN(len, sizeof(num) - 1);
		int rc;

		if (current->euid != 0)
			return -EPERM;
		memcpy(num, buf, n);
		num[n] = 0;
		if (n && num[n - 1] == '\n')
			num[n - 1] = 0;
		if (kstrtoul(num, 10, &v) < 0 || v > 0x7fffffffUL)
			return -EINVAL;
		rc = kind == PROC_SYS_PTY_MAX ? pty_set_max((long)v) : set_max_threads((long)v);
		return rc < 0 ? -EINVAL : (long)len;
	}
	if (kind == PROC_PID_COMM && t) {
		char name[16];
		size_t n = MIN(len, sizeof(name) - 1);

		memcpy(name, buf, n);
		name[n] = 0;
		if (n && name[n - 1] == '\n')
			name[n - 1] = 0;
		strlcpy(t->comm, name, sizeof(t->comm));
		return (long)len;
	}
	return -EINVAL;
}
