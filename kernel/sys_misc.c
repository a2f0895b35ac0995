/* Miscellaneous system calls: uname, limits, usage, prctl, reboot... */
#include <linux/reboot.h>
#include <linux/resource.h>
#include <linux/prctl.h>
#include <linux/utsname.h>
#include <asm/prctl.h>

#include "fs.h"
#include "host.h"
#include "kerrno.h"
#include "kstring.h"
#include "mconsole.h"
#include "mm.h"
#include "printk.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"
#include "version.h"

#ifndef GRND_NONBLOCK
#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4
#endif

char utsname_node[65] = "(none)";
char utsname_domain[65] = "(none)";

long sys_uname(u64 ubuf)
{
	struct new_utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Linux", sizeof(u.sysname));
	strlcpy(u.nodename, utsname_node, sizeof(u.nodename));
	strlcpy(u.release, UTS_RELEASE, sizeof(u.release));
	strlcpy(u.version, UTS_VERSION, sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	strlcpy(u.domainname, utsname_domain, sizeof(u.domainname));
	return copy_to_user(ubuf, &u, sizeof(u));
}

static long set_name(char *dst, u64 uname, int len)
{
	if (current->euid != 0)
		return -EPERM;
	if (len < 0 || len > 64)
		return -EINVAL;
	if (copy_from_user(dst, uname, (size_t)len) < 0)
		return -EFAULT;
	dst[len] = 0;
	return 0;
}

long sys_sethostname(u64 name, int len)
{
	return set_name(utsname_node, name, len);
}

long sys_setdomainname(u64 name, int len)
{
	return set_name(utsname_domain, name, len);
}

long sys_prlimit64(int pid, unsigned res, u64 unew, u64 uold)
{
	struct task *t = pid ? task_by_pid(pid) : current;
	struct rlimit nl;

	if (!t)
		return -ESRCH;
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (uold && copy_to_user(uold, &t->signal->rlim[res], sizeof(struct rlimit)) < 0)
		return -EFAULT;
	if (unew) {
		if (copy_from_user(&nl, unew, sizeof(nl)) < 0)
			return -EFAULT;
		if (nl.rlim_cur > nl.rlim_max)
			return -EINVAL;
		if (nl.rlim_max > t->signal->rlim[res].rlim_max && current->euid != 0)
			return -EPERM;
		if (res == RLIMIT_NOFILE && nl.rlim_max > NR_OPEN_MAX_RL)
			return -EPERM;
		t->signal->rlim[res] = nl;
	}
	return 0;
}

long sys_getrlimit(unsigned res, u64 ulim)
{
	return sys_prlimit64(0, res, 0, ulim);
}

long sys_setrlimit(unsigned res, u64 ulim)
{
	return sys_prlimit64(0, res, ulim, 0);
}

static void ns_to_tv(u64 ns, struct __kernel_old_timeval_k *tv)
{
	tv->tv_sec = (s64)(ns / NSEC_PER_SEC);
	tv->tv_usec = (s64)(ns % NSEC_PER_SEC) / 1000;
}

long sys_getrusage(int who, u64 uru)
{
	struct {
		struct __kernel_old_timeval_k utime, stime;
		s64 rest[14];
	} ru;
	struct task *t;
	u64 ut = 0, st = 0, minflt = 0;

	memset(&ru, 0, sizeof(ru));
	switch (who) {
	case RUSAGE_SELF:
		ut = current->signal->utime_ns;
		st = current->signal->stime_ns;
		list_for_each_entry(t, &current->group_leader->threads, thread_node) {
			ut += t->utime_ns;
			st += t->stime_ns;
			minflt += t->min_flt;
		}
		break;
	case RUSAGE_THREAD:
		ut = current->utime_ns;
		st = current->stime_ns;
		minflt = current->min_flt;
		break;
	case RUSAGE_CHILDREN:
		ut = current->signal->cutime_ns;
		st = current->signal->cstime_ns;
		break;
	default:
		return -EINVAL;
	}
	ns_to_tv(ut, &ru.utime);
	ns_to_tv(st, &ru.stime);
	ru.rest[0] = 4096; /* maxrss, KiB */
	ru.rest[4] = (s64)minflt;
	return copy_to_user(uru, &ru, sizeof(ru));
}

long sys_times(u64 ubuf)
{
	struct task *t;
	u64 ut = current->signal->utime_ns, st = current->signal->stime_ns;
	s64 v[4];

	list_for_each_entry(t, &current->group_leader->threads, thread_node) {
		ut += t->utime_ns;
		st += t->stime_ns;
	}
	v[0] = (s64)(ut / (NSEC_PER_SEC / 100));
	v[1] = (s64)(st / (NSEC_PER_SEC / 100));
	v[2] = (s64)(current->signal->cutime_ns / (NSEC_PER_SEC / 100));
	v[3] = (s64)(current->signal->cstime_ns / (NSEC_PER_SEC / 100));
	if (ubuf && copy_to_user(ubuf, v, sizeof(v)) < 0)
		return -EFAULT;
	return (long)(ktime_ns() / (NSEC_PER_SEC / 100));
}

long sys_sysinfo(u64 ubuf)
{
	struct {
		s64 uptime;
		u64 loads[3];
		u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
		u16 procs, pad;
		u64 totalhigh, freehigh;
		u32 mem_unit;
		char f[0];
	} si;
	struct task *t;
	u16 n = 0;

	memset(&si, 0, sizeof(si));
	si.uptime = (s64)(ktime_ns() / NSEC_PER_SEC);
	si.totalram = mem_total_pages() * PAGE_SIZE;
	si.freeram = mem_free_pages() * PAGE_SIZE;
	si.bufferram = 0;
	si.totalswap = swap_total_pages() * PAGE_SIZE;
	si.freeswap = swap_free_pages() * PAGE_SIZE;
	si.sharedram = 0;
	list_for_each_entry(t, &all_tasks, all_node)
		n++;
	si.procs = n;
	si.mem_unit = 1;
	return copy_to_user(ubuf, &si, sizeof(si));
}

long sys_arch_prctl(int code, u64 addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= 0x800000000000ULL)
			return -EPERM;
		current->regs.fs_base = addr;
		return 0;
	case ARCH_GET_FS:
		return copy_to_user(addr, &current->regs.fs_base, 8);
	case ARCH_SET_GS:
		if (addr >= 0x800000000000ULL)
			return -EPERM;
		current->regs.gs_base = addr;
		return 0;
	case ARCH_GET_GS:
		return copy_to_user(addr, &current->regs.gs_base, 8);
	case ARCH_GET_CPUID:
		return 1;
	default:
		return -EINVAL;
	}
}

long sys_prctl(int option, u64 a2, u64 a3, u64 a4, u64 a5)
{
	switch (option) {
	case PR_SET_NAME: {
		char name[16];
		long n = strncpy_from_user(name, a2, sizeof(name));

		if (n == -ENAMETOOLONG)
			name[15] = 0;
		else if (n < 0)
			return n;
		strlcpy(current->comm, name, sizeof(current->comm));
		return 0;
	}
	case PR_GET_NAME:
		return copy_to_user(a2, current->comm, sizeof(current->comm));
	case PR_SET_PDEATHSIG:
		if (a2 > KSIG_NSIG)
			return -EINVAL;
		current->pdeath_signal = (int)a2;
		return 0;
	case PR_SET_NO_NEW_PRIVS:
		if (a2 != 1 || a3 || a4 || a5)
			return -EINVAL;
		current->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (a2 || a3 || a4 || a5)
			return -EINVAL;
		return current->no_new_privs;
	case PR_SET_DUMPABLE:
	case PR_SET_CHILD_SUBREAPER:
	case PR_SET_KEEPCAPS:
		return 0;
	case PR_GET_DUMPABLE:
		return 1;
	case PR_GET_PDEATHSIG: {
		int v = current->pdeath_signal;

		return copy_to_user(a2, &v, 4);
	}
	case PR_GET_KEEPCAPS:
		return 0;
	case PR_GET_SECUREBITS:
		return 0;
	case PR_CAP_AMBIENT:
		/* No ambient capabilities: none is set, clearing all works,
		 * raising one is refused as for a capability not permitted. */
		if (a2 == PR_CAP_AMBIENT_IS_SET)
			return a3 <= 40 ? 0 : -EINVAL;
		if (a2 == PR_CAP_AMBIENT_CLEAR_ALL)
			return 0;
		if (a2 == PR_CAP_AMBIENT_LOWER)
			return a3 <= 40 ? 0 : -EINVAL;
		return a2 == PR_CAP_AMBIENT_RAISE ? -EPERM : -EINVAL;
	case PR_CAPBSET_READ:
		return a2 <= 40 ? 1 : -EINVAL;
	case PR_SET_VMA:
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_personality(unsigned p)
{
	unsigned old = current->personality;

	if (p != 0xffffffff)
		current->personality = p;
	return old;
}

long sys_sched_yield(void)
{
	need_resched = true;
	return 0;
}

long sys_sched_getaffinity(int pid, unsigned len, u64 umask)
{
	u64 mask = 1;

	if (len < 8)
		return -EINVAL;
	if (pid && !task_by_pid(pid))
		return -ESRCH;
	if (copy_to_user(umask, &mask, 8) < 0)
		return -EFAULT;
	return 8;
}

long sys_sched_setaffinity(int pid, unsigned len, u64 umask)
{
	if (pid && !task_by_pid(pid))
		return -ESRCH;
	return 0;
}

/* Tasks selected by getpriority/setpriority's which and who. */
static bool prio_match(struct task *t, int which, int who)
{
	if (t->group_leader != t || t->state == TASK_ZOMBIE || t->state == TASK_DEAD ||
	    !t->signal)
		return false;
	switch (which) {
	case PRIO_PROCESS:
		return t->tgid == (who ? who : current->tgid);
	case PRIO_PGRP:
		return t->signal->pgid == (who ? who : current->signal->pgid);
	case PRIO_USER:
		return t->uid == (who ? who : current->uid);
	}
	return false;
}

long sys_getpriority(int which, int who)
{
	struct task *t;
	long best = -ESRCH;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	list_for_each_entry(t, &all_tasks, all_node)
		if (prio_match(t, which, who) && 20 - t->nice > best)
			best = 20 - t->nice; /* the raw call returns 20 - nice */
	return best;
}

long sys_setpriority(int which, int who, int prio)
{
	struct task *t, *th;
	long rc = -ESRCH;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	if (prio < -20)
		prio = -20;
	if (prio > 19)
		prio = 19;
	list_for_each_entry(t, &all_tasks, all_node) {
		if (!prio_match(t, which, who))
			continue;
		if (prio < t->nice && current->euid != 0)
			return -EACCES;
		list_for_each_entry(th, &t->threads, thread_node)
			th->nice = prio;
		rc = 0;
	}
	return rc;
}

long sys_sched_getscheduler(int pid)
{
	if (pid < 0)
		return -EINVAL;
	return pid && !task_by_pid(pid) ? -ESRCH : 0; /* SCHED_OTHER */
}

long sys_sched_setscheduler(int pid, int policy, u64 uparam)
{
	int prio;

	if (pid < 0 || policy < 0)
		return -EINVAL;
	if (pid && !task_by_pid(pid))
		return -ESRCH;
	if (copy_from_user(&prio, uparam, 4) < 0)
		return -EFAULT;
	if (policy == 0 || policy == 3 || policy == 5) /* OTHER, BATCH, IDLE */
		return prio == 0 ? 0 : -EINVAL;
	return current->euid == 0 ? 0 : -EPERM;
}

long sys_sched_getparam(int pid, u64 uparam)
{
	int prio = 0;

	if (pid < 0 || !uparam)
		return -EINVAL;
	if (pid && !task_by_pid(pid))
		return -ESRCH;
	return copy_to_user(uparam, &prio, 4);
}

long sys_sched_setparam(int pid, u64 uparam)
{
	return sys_sched_setscheduler(pid, 0, uparam);
}

long sys_sched_get_priority_max(int policy)
{
	if (policy == 1 || policy == 2) /* FIFO, RR */
		return 99;
	return policy == 0 || policy == 3 || policy == 5 ? 0 : -EINVAL;
}

long sys_sched_get_priority_min(int policy)
{
	if (policy == 1 || policy == 2)
		return 1;
	return policy == 0 || policy == 3 || policy == 5 ? 0 : -EINVAL;
}

long sys_sched_rr_get_interval(int pid, u64 uts)
{
	s64 ts[2] = { 0, 100000000 };

	if (pid < 0)
		return -EINVAL;
	if (pid && !task_by_pid(pid))
		return -ESRCH;
	return copy_to_user(uts, ts, sizeof(ts));
}

long sys_getcpu(u64 ucpu, u64 unode)
{
	u32 z = 0;

	if (ucpu && copy_to_user(ucpu, &z, 4) < 0)
		return -EFAULT;
	if (unode && copy_to_user(unode, &z, 4) < 0)
		return -EFAULT;
	return 0;
}

long sys_getrandom(u64 ubuf, size_t len, unsigned flags)
{
	u8 buf[256];
	size_t done = 0;

	if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (len > 33554431)
		len = 33554431;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(buf));

		if (host_getrandom(buf, n) < 0)
			return done ? (long)done : -EIO;
		if (copy_to_user(ubuf + done, buf, n) < 0)
			return done ? (long)done : -EFAULT;
		done += n;
		if (done < len && signal_pending(current))
			break;
	}
	return (long)done;
}

/* Restartable sequences are not supported: -ENOSYS, as Linux without
 * CONFIG_RSEQ; glibc then does without. */
long sys_rseq(u64 area, u32 len, int flags, u32 sig)
{
	return -ENOSYS;
}

/*
 * membarrier: one kernel CPU runs one guest thread at a time, and every
 * switch between them goes through the kernel, a full barrier; so each
 * barrier command has nothing left to do. What remains is Linux's rules:
 * the private commands need the process's registration first, and the
 * rseq ones are not offered (rseq itself is not).
 */
#define MB_GLOBAL 1
#define MB_GLOBAL_EXPEDITED 2
#define MB_REGISTER_GLOBAL_EXPEDITED 4
#define MB_PRIVATE_EXPEDITED 8
#define MB_REGISTER_PRIVATE_EXPEDITED 16
#define MB_PRIVATE_EXPEDITED_SYNC_CORE 32
#define MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE 64
#define MB_GET_REGISTRATIONS 512
#define MB_SUPPORTED                                                                   \
	(MB_GLOBAL | MB_GLOBAL_EXPEDITED | MB_REGISTER_GLOBAL_EXPEDITED | MB_PRIVATE_EXPEDITED | \
	 MB_REGISTER_PRIVATE_EXPEDITED | MB_PRIVATE_EXPEDITED_SYNC_CORE |                  \
	 MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE | MB_GET_REGISTRATIONS)

long sys_membarrier(int cmd, unsigned flags, int cpu_id)
{
	struct mm *mm = current->mm;

	(void)cpu_id;
	if (flags)
		return -EINVAL;
	switch (cmd) {
	case 0: /* MEMBARRIER_CMD_QUERY */
		return MB_SUPPORTED;
	case MB_GLOBAL:
	case MB_GLOBAL_EXPEDITED:
		return 0;
	case MB_REGISTER_GLOBAL_EXPEDITED:
	case MB_REGISTER_PRIVATE_EXPEDITED:
	case MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
		mm->membarrier_reg |= (u32)cmd;
		return 0;
	case MB_PRIVATE_EXPEDITED:
	case MB_PRIVATE_EXPEDITED_SYNC_CORE:
		/* Each command's registration is the next bit up. */
		return (mm->membarrier_reg & (u32)(cmd << 1)) ? 0 : -EPERM;
	case MB_GET_REGISTRATIONS:
		return mm->membarrier_reg;
	default:
		return -EINVAL;
	}
}

long sys_reboot(int magic1, int magic2, unsigned cmd, u64 arg)
{
	if (current->euid != 0)
		return -EPERM;
	if (magic1 != (int)LINUX_REBOOT_MAGIC1 ||
	    (magic2 != LINUX_REBOOT_MAGIC2 && magic2 != LINUX_REBOOT_MAGIC2A &&
	     magic2 != LINUX_REBOOT_MAGIC2B && magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	/* What was written must reach the disks before the machine stops. */
	if (cmd == LINUX_REBOOT_CMD_RESTART || cmd == LINUX_REBOOT_CMD_RESTART2 ||
	    cmd == LINUX_REBOOT_CMD_HALT || cmd == LINUX_REBOOT_CMD_POWER_OFF)
		sync_filesystems();
	switch (cmd) {
	case LINUX_REBOOT_CMD_RESTART:
	case LINUX_REBOOT_CMD_RESTART2:
		printk(KERN_EMERG "reboot: Restarting system\n");
		machine_restart();
	case LINUX_REBOOT_CMD_HALT:
		printk(KERN_EMERG "reboot: System halted\n");
		machine_halt(0);
	case LINUX_REBOOT_CMD_POWER_OFF:
		printk(KERN_EMERG "reboot: Power down\n");
		machine_halt(0);
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF: {

		cad_enabled = cmd == LINUX_REBOOT_CMD_CAD_ON;
		return 0;
	}
	default:
		return -EINVAL;
	}
}

long sys_syslog(int type, u64 ubuf, int len)
{
	char *buf;
	size_t n;
	long rc;

	switch (type) {
	case 0: /* close */
	case 1: /* open */
	case 5: /* clear */
	case 6: /* console off */
	case 7: /* console on */
	case 8: /* console level */
		return 0;
	case 9: /* unread count */
	case 10: /* buffer size */
		return 65536;
	case 2:
	case 3:
	case 4:
		if (len < 0)
			return -EINVAL;
		buf = kmalloc(65536);
		if (!buf)
			return -ENOMEM;
		n = printk_read_log(buf, MIN((size_t)len, 65536));
		rc = copy_to_user(ubuf, buf, n);
		kfree(buf);
		return rc < 0 ? rc : (long)n;
	default:
		return -EINVAL;
	}
}
