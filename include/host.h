/*
 * The host boundary. Everything the kernel needs from the host operating
 * system goes through these functions, implemented in host/ (the only code
 * that sees libc). They are thin and carry no policy: they retry EINTR
 * where that is harmless and return a negative errno on failure.
 *
 * Signal numbers, clock ids, mmap/ptrace constants and errno values are
 * the same on host and guest (both x86-64 Linux), so the UAPI constants
 * are used on both sides.
 */
#ifndef HOST_H
#define HOST_H

#include "types.h"

/* --- process --- */
void __noreturn host_exit(int status);
int host_getpid(void);
/* Copies the value of environment variable name, or returns NULL. */
const char *host_getenv(const char *name);

/* --- memory --- */
/* Creates an anonymous memory file of size bytes; returns its fd. */
int host_memfd_create(const char *name, u64 size);
int host_memfd_resize(int fd, u64 size);
/* mmap; returns the address or an error pointer (see kerrno.h). */
void *host_mmap(void *addr, size_t len, int prot, int flags, int fd, u64 off);
/* Children created by clone() do not get this range (MADV_DONTFORK). */
void host_dontfork(void *addr, size_t len);
int host_munmap(void *addr, size_t len);
/* Transient buffers for boot-time work (the initrd), never kernel state. */
void *host_alloc(size_t n);
void host_free(void *p);

/* --- files --- */
int host_open(const char *path, int flags, int mode);
int host_close(int fd);
ssize_t host_read(int fd, void *buf, size_t n);
ssize_t host_write(int fd, const void *buf, size_t n);
/* Writes all n bytes (retrying short writes); 0 or -errno. */
int host_write_all(int fd, const void *buf, size_t n);
/*
 * Reads a whole file into a host_alloc()'d buffer, inflating it if it is
 * gzip-compressed. On success *data and *len describe it (free with
 * host_free); returns -errno, or -EINVAL for corrupt compressed data.
 */
int host_load_file(const char *path, void **data, size_t *len);
int host_set_nonblock(int fd);

/* --- terminal (the console's host side) --- */
bool host_isatty(int fd);
/* Puts a host tty in raw mode; the original mode is restored at exit. */
int host_tty_raw(int fd);
void host_tty_restore(void);
int host_tty_winsize(int fd, u16 *rows, u16 *cols);

/* --- time --- */
/* Nanoseconds on the given host clock (CLOCK_MONOTONIC, CLOCK_REALTIME). */
u64 host_clock_ns(int clock);

/*
 * --- interrupts ---
 * host_irq_init() starts a periodic tick of hz per second and installs the
 * handlers for the host signals the kernel uses. Handlers only set flags;
 * the kernel looks at them at safe points.
 */
struct host_irq_flags {
	volatile int tick;      /* a tick happened since last cleared */
	volatile int terminate; /* SIGTERM/SIGHUP/SIGINT received */
	volatile int io;        /* a watched fd became ready (the interrupt
				   thread set it, and sent SIGIO) */
};
extern struct host_irq_flags host_irq;
int host_irq_init(unsigned hz);
/* Registers fd in the event set; token comes back from host_irq_wait. */
int host_irq_watch(int fd, u64 token);
int host_irq_unwatch(int fd);
/* Whether a watched fd also reports when it can be written to. */
int host_irq_watch_out(int fd, u64 token, bool out);
/*
 * Waits up to timeout_ns (0 = poll, -1 = forever) for watched fds to be
 * readable or a host signal; stores ready tokens, returns their count.
 */
int host_irq_wait(s64 timeout_ns, u64 *tokens, int max);

/* --- network transports --- */
/* Opens the host TAP device dev (non-blocking, one frame per read/write);
 * gate_ip (or NULL) is given to the host end. -1 with a message in err. */
int host_tap_open(const char *dev, const char *gate_ip, char *err, size_t errlen);
/* The daemon transport: a port on the uml_switch at ctl_path. Returns the
 * data fd (non-blocking, connected to the switch) and the control fd in
 * *ctl_out (closing it frees the port); -1 with a message in err. */
int host_daemon_open(const char *ctl_path, int *ctl_out, char *err, size_t errlen);
/* The mcast transport's socket: joined to group:port, non-blocking. */
int host_mcast_open(const char *group, int port, int ttl, char *err, size_t errlen);
/* Sends one frame to group:port; 0 or -errno. */
int host_mcast_send(int fd, const char *group, int port, const void *buf, size_t len);
/* The vde transport: a libvdeplug connection to url ("" = the default
 * switch), known by the returned data fd (non-blocking; readable when a
 * frame waits). -1 with a message in err. */
int host_vde_open(const char *url, int port, const char *group, unsigned mode, const char *descr,
		  char *err, size_t errlen);
/* One frame each way: bytes moved or -errno (-EAGAIN: none waiting). */
long host_vde_send(int fd, const void *buf, size_t len);
long host_vde_recv(int fd, void *buf, size_t len);
void host_vde_close(int fd);
/* The pcap transport: captures on host interface ifname the frames that
 * match filter ("" = all), up to snaplen bytes each, known by the
 * returned fd (readable when frames wait). -1 with a message in err. */
int host_pcap_open(const char *ifname, const char *filter, int promisc, int optimize, int snaplen,
		   char *err, size_t errlen);
/* One captured frame into buf: its length, or -EAGAIN when none waits. */
long host_pcap_recv(int fd, void *buf, size_t len);
void host_pcap_close(int fd);

/*
 * --- process engine support (ptrace) ---
 * host_proc_spawn creates a child process for a new guest address space:
 * it keeps only the physmem fd, maps the stub code and data pages from it,
 * arranges to be traced, unmaps everything else (by jumping to clean_entry
 * in the stub) and stops. Returns the child's pid or -errno.
 */
struct host_stub_layout {
	int physmem_fd;
	u64 code_off, code_len;   /* stub code in physmem */
	u64 data_off, data_len;   /* this address space's stub data */
	u64 wake_off, wake_len;   /* the wake page (arch/layout.h) */
	unsigned long code_addr;  /* where the stub code lives in the child */
	unsigned long data_addr;
	unsigned long wake_addr;
	unsigned long clean_entry; /* stub routine that unmaps the rest */
	u64 ro_len;               /* leading data bytes the child may only read */
	int done_fd;              /* -1, or a pipe kept in the child as physmem_fd + 1 */
	bool seccomp;             /* not traced: reports through the stub data */
};
int host_proc_spawn(const struct host_stub_layout *l);
/* Kills (SIGKILL) and reaps a child created by host_proc_spawn. */
void host_proc_kill(int pid);
/* 1 if the child has died (it is reaped then), 0 if it lives. */
int host_proc_reap(int pid);
/* 1 if the main thread of child pid blocks host signal sig, 0 if not. */
int host_proc_sig_blocked(int pid, int sig);
/* A pipe (close-on-exec). */
int host_pipe(int fds[2]);
/*
 * Reads the one byte a child's memory thread writes when it has done a
 * request; -ECHILD if child pid died meanwhile (it is reaped then).
 */
int host_read_confirm(int fd, int pid, u8 *byte);
/* Reads away whatever is waiting in fd now. */
void host_drain(int fd);
int host_kill(int pid, int sig);

/* How host_sc_wait spins before it sleeps. */
struct host_sc_spin {
	u64 spin_ns;	     /* at most this long (0: not at all) */
	u64 stall_ns;	     /* 0, or give up when the word has not changed in this long */
	const u32 *peer_cpu; /* NULL, or not at all when *peer_cpu is this CPU */
	u32 *nudge;	     /* NULL, or a futex word to wake (all) once when it gives up */
};

/*
 * Seccomp engine: waits until *word == want, spinning as s says and then
 * sleeping on the futex with *sleeping set (the other side wakes it).
 * stall_ns is for a word the other side changes as soon as it runs: if
 * it has not, it may be waiting for this very CPU. The nudge is for a
 * waker that was asked to wake the other side and may have failed to.
 * Returns 0, HOST_SC_INTERRUPTED when interruptible and a host event is
 * pending (host_irq), or -ECHILD when child pid died (it is reaped).
 */
#define HOST_SC_INTERRUPTED 1
int host_sc_wait(u32 *word, u32 want, u32 *sleeping, int pid, bool interruptible,
		 const struct host_sc_spin *s);
/* The host CPU this thread runs on now. */
unsigned host_cpu(void);
/* Restricts host thread tid to one CPU. */
int host_pin_thread(int tid, unsigned cpu);
void host_futex_wake(u32 *word);
/* Wakes every thread asleep on the futex word. */
void host_futex_wake_all(u32 *word);
/* Spins up to spin_ns for *word == want. */
bool host_sc_spin(u32 *word, u32 want, u64 spin_ns);
/* May user code read and write the fs/gs bases (rdfsbase...)? */
bool host_has_fsgsbase(void);

/*
 * Host CPUs (host/cpus.c). host_cpus_split keeps the calling (kernel)
 * thread on the CPU it runs on and has host_cpus_enter_guest give a new
 * guest process the others: its CPU, or -errno where there is only one.
 * host_cpus_enter_helper gives a helper thread every CPU again.
 */
int host_cpus_split(void);
void host_cpus_unsplit(void);
void host_cpus_enter_guest(void);
void host_cpus_enter_helper(void);
/* TSC ticks per millisecond, measured once. */
u64 host_tsc_khz(void);

/* Resume styles for host_ptrace_resume. */
#define HOST_RESUME_SYSEMU 1 /* run guest code, stop at its next syscall */
#define HOST_RESUME_CONT 2   /* run (stub code), syscalls execute */
#define HOST_RESUME_SINGLESTEP 3
int host_ptrace_resume(int pid, int how, int sig);
int host_ptrace_getregs(int pid, void *regs);     /* user_regs_struct */
int host_ptrace_setregs(int pid, const void *regs);
int host_ptrace_getfpregs(int pid, void *fx);     /* 512-byte fxsave */
int host_ptrace_setfpregs(int pid, const void *fx);
/* The whole XSAVE image (NT_X86_XSTATE): its length, or -errno. */
int host_ptrace_getxstate(int pid, void *buf, size_t len);
int host_ptrace_setxstate(int pid, const void *buf, size_t len);

/* What stopped a traced child. */
struct host_stop {
	int kind;          /* HOST_STOP_* */
	int sig;           /* signal that stopped it / killed it */
	int si_code;       /* for HOST_STOP_SIGNAL */
	unsigned long addr; /* si_addr for fault signals */
	int status;        /* raw exit status for HOST_STOP_EXITED */
};
#define HOST_STOP_SYSCALL 1   /* syscall-stop under SYSEMU */
#define HOST_STOP_SIGNAL 2    /* signal-delivery-stop (fault, trap, ...) */
#define HOST_STOP_EXITED 3    /* the child died */
#define HOST_STOP_INTERRUPTED 4 /* our wait was interrupted by a tick */
/*
 * Waits for pid to stop. If interruptible and a host signal arrives first,
 * returns with kind HOST_STOP_INTERRUPTED and the child still running.
 */
int host_ptrace_wait(int pid, bool interruptible, struct host_stop *st);

/*
 * --- block I/O ---
 * host_blkio_init starts the I/O thread and returns the fd that becomes
 * readable when batches complete (host_blkio_reap returns their tokens).
 * A batch is executed in order and stops at the first failing operation
 * (its result is -errno, the rest -ECANCELED). The ops array and buffers
 * must stay valid until the batch's token comes back.
 */
#define HOST_IO_READ 1
#define HOST_IO_WRITE 2
#define HOST_IO_FLUSH 3
struct host_io {
	int op;
	int fd;
	u64 off;
	size_t len;
	void *buf;
	int result;
};
int host_blkio_init(void);
int host_blkio_submit(struct host_io *ops, int n, u64 token);
int host_blkio_reap(u64 *tokens, int max);
/*
 * Opens a disk image (file or block device); returns the fd and its size
 * and mtime. With lock_it, takes a whole-file fcntl lock (write lock if
 * writable) and returns -EBUSY if another process holds one.
 */
int host_disk_open(const char *path, bool writable, bool sync, bool lock_it,
		   u64 *size, u64 *mtime);
/* Creates a new sparse file of size bytes (fails if it exists). */
int host_disk_create(const char *path, u64 size);
int host_realpath(const char *path, char *out, size_t len);

/*
 * --- management console socket ---
 * host_mconsole_open creates <uml_dir>/<umid>/ (uml_dir NULL: ~/.uml),
 * its pid file and the datagram socket "mconsole"; returns the socket fd
 * and its path, -EEXIST if a live instance has that umid (it holds a write
 * lock on the pid file, or the file names a live process). Everything is
 * removed at exit.
 */
int host_mconsole_open(const char *uml_dir, const char *umid, char *path, size_t len);
/* from: room for a sockaddr_un (128 bytes); fromlen in/out. */
ssize_t host_mconsole_recv(int fd, void *buf, size_t len, void *from, u32 *fromlen);
/*
 * Replies are queued to a sender thread (host/mconsole_tx.c) that waits for
 * slow clients; host_mconsole_send returns -EAGAIN when the queue is full,
 * and the fd from host_mconsole_tx_init turns readable when there is room
 * again (host_mconsole_tx_ack drains it).
 */
int host_mconsole_tx_init(int sock_fd);
int host_mconsole_send(const void *buf, size_t len, const void *to, u32 tolen);
void host_mconsole_tx_ack(void);
void host_mconsole_tx_flush(void);
void host_mconsole_close(void);
int host_notify_open(const char *path);
int host_notify_send(const void *buf, size_t len);

/*
 * --- shared host directories (hostfs) ---
 * host_openat_beneath is the only call that resolves a path: openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, and RESOLVE_NO_SYMLINKS unless
 * follow, so the walk never leaves dirfd's directory (an escape is
 * -EXDEV, a link on the way -ELOOP). "" means dirfd itself. The *at calls
 * take one name in a directory descriptor and do not follow it; the
 * *_handle calls act on what a descriptor (O_PATH too) refers to, not
 * following a symbolic link. Creating calls give exactly mode (no umask).
 */
struct host_stat {
	u64 dev, ino, nlink, size, blocks;
	u32 mode, uid, gid, rdev_major, rdev_minor;
	s64 atime, mtime, ctime;
	u32 atime_nsec, mtime_nsec, ctime_nsec;
};
struct host_statfs {
	u64 type, bsize, blocks, bfree, bavail, files, ffree, namelen, frsize;
};
/* hostfs=<dir>,setid: set-ID bits the guest sets are kept even when the
 * kernel runs as root (host/hostfs.c drops them then by default). */
void host_hostfs_keep_setid(void);
/* An O_PATH handle on a directory the host user named (hostfs=). */
int host_dir_handle(const char *path);
int host_openat_beneath(int dirfd, const char *rel, int flags, u32 mode, bool follow);
/* Opens for I/O (flags O_RDONLY, O_WRONLY or O_RDWR) the very inode that
 * O_PATH descriptor pathfd refers to. */
int host_reopen(int pathfd, int flags);
int host_fstat(int fd, struct host_stat *st);
int host_fstatfs(int fd, struct host_statfs *st);
ssize_t host_pread(int fd, void *buf, size_t n, u64 off);
ssize_t host_pwrite(int fd, const void *buf, size_t n, u64 off);
int host_ftruncate(int fd, u64 size);
int host_fsync(int fd);
/* Writes out the whole filesystem fd is on. */
int host_syncfs(int fd);
s64 host_lseek(int fd, s64 off, int whence);
long host_getdents64(int fd, void *buf, size_t n);
/* A new regular file name in dirfd, opened read-write; -EEXIST if taken. */
int host_create_excl(int dirfd, const char *name, u32 mode);
int host_mkdirat(int dirfd, const char *name, u32 mode);
/* A FIFO or a socket node (mode says which). */
int host_mknodat(int dirfd, const char *name, u32 mode);
int host_symlinkat(const char *target, int dirfd, const char *name);
int host_unlinkat(int dirfd, const char *name, bool dir);
int host_renameat2(int odirfd, const char *oname, int ndirfd, const char *nname, unsigned flags);
int host_linkat(int odirfd, const char *oname, int ndirfd, const char *nname);
/* The target of symbolic link name (not NUL-terminated); its length. */
int host_readlinkat(int dirfd, const char *name, char *buf, size_t len);
int host_chmod_handle(int fd, u32 mode);
/* uid or gid -1: unchanged. */
int host_chown_handle(int fd, int uid, int gid);
/* Sets atime ([0]) and mtime ([1]) where set[k]. */
int host_utimens_handle(int fd, const s64 sec[2], const long nsec[2], const bool set[2]);

/* --- randomness --- */
int host_getrandom(void *buf, size_t n);

/* --- misc --- */
/* Replaces this process with a fresh ./linux (reboot); returns on error. */
void host_reexec(char **argv);
/* Text for an errno value (positive or negative). */
const char *host_strerror(int err);
/* Host nodename for uname-like boot log; fills buf. */
void host_uname_release(char *buf, size_t n);

#endif
