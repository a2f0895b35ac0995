/* procfs internals shared by the files of fs/proc. */
#ifndef PROC_H
#define PROC_H

#include "types.h"

enum {
	PROC_ROOT = 1, PROC_MEMINFO, PROC_CPUINFO, PROC_UPTIME, PROC_LOADAVG,
	PROC_MOUNTS, PROC_FILESYSTEMS, PROC_VERSION, PROC_STAT, PROC_CMDLINE,
	PROC_DEVICES, PROC_PARTITIONS, PROC_SWAPS, PROC_MCONSOLE, PROC_SELF, PROC_THREAD_SELF, PROC_SYS,
	PROC_PID_DIR, PROC_TID_DIR, PROC_PID_STAT, PROC_PID_STATUS,
	PROC_PID_CMDLINE, PROC_PID_COMM, PROC_PID_MAPS, PROC_PID_STATM,
	PROC_PID_ENVIRON, PROC_PID_MOUNTS, PROC_PID_MOUNTINFO, PROC_PID_FD, PROC_PID_EXE,
	PROC_PID_CWD, PROC_PID_ROOT, PROC_PID_TASK, PROC_FD_LINK,
	PROC_SYS_KERNEL, PROC_SYS_HOTPLUG, PROC_SYS_HOSTNAME, PROC_SYS_OSRELEASE,
	PROC_SYS_OSTYPE, PROC_SYS_SEQNUM, PROC_SYS_THREADS_MAX, PROC_NET, PROC_NET_UNIX,
	PROC_NET_DEV, PROC_NET_ROUTE, PROC_NET_TCP, PROC_NET_UDP, PROC_NET_RAW, PROC_NET_ARP,
	PROC_NET_TCP6, PROC_NET_UDP6, PROC_NET_RAW6, PROC_NET_IF_INET6, PROC_NET_IPV6_ROUTE,
};

struct proc_entry {
	const char *name;
	int kind;
	u32 mode;
};

/* Writes the text of a proc file into buf; returns its length. */
int proc_generate(int kind, int pid, char *buf, size_t len);
/* Handles a write to a writable proc file. */
long proc_write_file(int kind, int pid, const char *buf, size_t len);

#endif
