/*
 * Tasks (threads of guest processes), thread groups, and the scheduler.
 *
 * Ownership legend: every field belongs to the kernel CPU thread (there is
 * one); [I] set at creation and never changed; [S] shared between the
 * threads of a group (lives in struct signal); [T] private to the task.
 */
#ifndef TASK_H
#define TASK_H

#include <asm/signal.h>
#include <linux/resource.h>

#include "arch/regs.h"
#include "list.h"
#include "types.h"

struct mm;
struct files;
struct fs_struct;
struct tty;
struct file;

typedef u64 ksigset_t; /* signals 1..64, bit (sig - 1) */
#define KSIG_NSIG 64
#define sigbit(sig) (1ULL << ((sig) - 1))
#ifndef SS_ONSTACK
/* task.trap.kind */
#define TRAP_SYSCALL_INSN 1

#define SS_ONSTACK 1
#define SS_DISABLE 2
#endif

struct ksigaction {
	u64 handler; /* SIG_DFL (0), SIG_IGN (1) or a guest address */
	u64 flags;
	u64 restorer;
	ksigset_t mask;
};

struct ksiginfo {
	int signo, code, errno_;
	int pid, uid;
	int status;  /* SIGCHLD */
	u64 addr;    /* fault address */
	u64 value;   /* sigqueue value */
};

struct sigqueue {
	struct list_head list;
	struct ksiginfo info;
};

struct sigpending {
	ksigset_t set;
	struct list_head queue; /* struct sigqueue, in arrival order */
};

/* Signal handlers, shared by CLONE_SIGHAND. */
struct sighand {
	int users;
	struct ksigaction action[KSIG_NSIG];
};

/* Per-thread-group state, shared by CLONE_THREAD. */
struct signal {
	int users;
	struct sigpending shared;   /* [S] process-directed signals */
	struct list_head ptimers;   /* [S] timer_create timers (kernel/posix_timers.c) */
	int pgid, sid;              /* [S] process group, session */
	struct tty *tty;            /* [S] controlling terminal */
	int tty_old_pgrp;           /* [S] session leader: the foreground group
				       of the terminal that hung up under it,
				       hung up in turn when it exits */
	int group_exit;             /* [S] exit_group in progress */
	int group_exit_code;        /* [S] wait status of the group */
	int stop_state;             /* [S] 0, or stopped by this signal */
	int notify_parent;          /* [S] a stop/continue to report */
	int live;                   /* [S] threads not yet exited */
	struct task *exec_waiter;   /* [S] a thread in execve waiting for the
				       others to go */
	struct rlimit rlim[RLIM_NLIMITS];
	u64 utime_ns, stime_ns;     /* [S] of exited threads */
	u64 cutime_ns, cstime_ns;   /* [S] of waited-for children */
	u64 it_real_expires, it_real_interval; /* ITIMER_REAL, ns */
	struct ktimer *it_real_timer;
	/* ITIMER_VIRTUAL [0] and ITIMER_PROF [1]: CPU time left (0 = off). */
	s64 it_cpu_left[2];
	u64 it_cpu_interval[2];
};

/* A wait queue: tasks sleeping until something happens. */
struct wait_queue {
	struct list_head waiters;
	/* Counts of wakeups for input and output readiness (edge-triggered
	 * epoll reports a new event when one changes). */
	u32 gen_in, gen_out;
};
struct waiter {
	struct list_head list;
	struct task *task;
	struct wait_queue *wq_ptr; /* the queue it is on */
};
#define WAIT_QUEUE_INIT(name) { LIST_HEAD_INIT((name).waiters), 0, 0 }

enum task_state {
	TASK_RUNNING,          /* runnable or running */
	TASK_INTERRUPTIBLE,    /* sleeping, signals wake it */
	TASK_UNINTERRUPTIBLE,  /* sleeping, only the event wakes it */
	TASK_STOPPED,          /* job-control stop */
	TASK_ZOMBIE,           /* exited, waiting to be reaped */
	TASK_DEAD,
	TASK_TRACED,           /* stopped for its tracer (kernel/ptrace.c) */
};

struct task {
	int pid;                    /* [I] thread id */
	int tgid;                   /* [I] process id */
	struct task *group_leader;  /* [I] */
	struct task *parent;        /* process that waits for us (leader) */
	struct list_head children;  /* leaders of child processes */
	struct list_head sibling;   /* in parent->children */
	struct list_head thread_node; /* in group_leader->threads */
	struct list_head threads;   /* leader only: all threads incl. itself */
	struct list_head all_node;  /* in the global task list */
	struct list_head run_node;  /* in the run queue when runnable */
	enum task_state state;      /* [T] */
	bool on_rq;                 /* [T] in the run queue */
	const char *wchan;          /* [T] what it sleeps on, for ps/sysrq */
	int exit_code;              /* [T] wait status of this task */
	int exit_signal;            /* [I] signal to parent on exit */
	bool exiting;               /* [T] do_exit has begun / kill pending */
	bool vfork_done;
	struct task *vfork_parent;  /* parent sleeping until exec/exit */

	struct mm *mm;
	struct files *files;
	struct fs_struct *fs;
	struct sighand *sighand;
	struct signal *signal;

	ksigset_t blocked;          /* [T] */
	ksigset_t saved_mask;       /* [T] restored after sigsuspend etc */
	ksigset_t sigwait;          /* [T] set rt_sigtimedwait sleeps on */
	bool restore_mask;          /* [T] */
	struct sigpending pending;  /* [T] thread-directed signals */
	u64 altstack_sp, altstack_size;
	int altstack_flags;

	struct uregs regs;          /* [T] guest registers */
	struct fpstate fp;          /* [T] when not loaded in the host */
	/*
	 * [T] The whole XSAVE image (AVX and beyond) saved when another
	 * thread of the address space took the host FPU; its first 512
	 * bytes give way to fp, which the kernel may have changed since.
	 * fp_changed: fp is newer than what the host holds (arch-um/engine.c).
	 */
	u8 *xstate;
	u32 xstate_len;
	bool fp_changed;
	/* Why the guest stopped last (filled by the engine); kind is
	 * TRAP_SYSCALL_INSN for a system call the host trapped at the
	 * syscall instruction before rip (arch-um/sysfast.c may patch it). */
	struct {
		int kind, sig, code;
		u64 addr;
	} trap;

	void *kstack;               /* [I] kernel stack base */
	void *ksp;                  /* [T] saved kernel stack pointer */

	u64 set_child_tid, clear_child_tid, robust_list;
	int uid, euid, suid, gid, egid, sgid, fsuid, fsgid;
	bool no_new_privs;          /* [T] exec never grants privileges (set-ID
				       bits ignored); inherited, never cleared */
	u32 ngroups;
	u32 groups[32];
	char comm[16];
	u64 start_ns;               /* boot-relative */
	u64 utime_ns, stime_ns;     /* [T] */
	u64 guest_start_ns;         /* when the current guest run began */
	/* [T] When the guest last stopped into the kernel, and off_cpu_ns
	 * then: the system time not yet charged is what passed since, less
	 * the time switched out. 0 before the first run. */
	u64 kentry_ns, kentry_off_ns;
	u64 off_cpu_ns;             /* [T] time spent switched out, in total */
	int slice;                  /* ticks left before preemption */
	u64 wake_ns;                /* when it last woke from a sleep */
	u64 queued_ns;              /* when it last joined the run queue */
	bool rq_fresh;              /* queued ahead of those that used their
				       slices (kernel/sched.c) */
	u64 min_flt, maj_flt;
	struct ktimer *sleep_timer;
	int syscall_nr;             /* the syscall in progress, -1 if none */
	/* Restart block for nanosleep-like calls. */
	struct {
		long (*fn)(struct task *t);
		u64 a0, a1, a2, a3;
	} restart;
	bool in_syscall;
	u32 personality;
	int pdeath_signal;          /* sent when the parent process dies */
	bool kthread;               /* [I] a kernel thread (no mm, no signals) */
	/* ptrace (kernel/ptrace.c) */
	struct task *ptracer;       /* [T] the tracer's group leader, or NULL */
	struct list_head ptraced;   /* [T] tracer leader: the tasks it traces */
	struct list_head ptrace_node; /* [T] in ptracer->ptraced */
	u32 ptrace_opts;            /* [T] PTRACE_O_* */
	int ptrace_code;            /* [T] the stop: signal | event << 8 */
	bool ptrace_report;         /* [T] that stop is not yet reported by wait */
	bool ptrace_step;           /* [T] TF is set for a single step */
	bool ptrace_resumed;        /* [T] its tracer ended the current stop */
	bool ptrace_exited;         /* [T] exited; its tracer (not its parent)
				       has yet to hear it from wait */
	int ptrace_resume;          /* [T] PTRACE_CONT, _SYSCALL or _SINGLESTEP */
	int ptrace_sig;             /* [T] the signal it was resumed with */
	u64 ptrace_msg;             /* [T] PTRACE_GETEVENTMSG */
	struct ksiginfo ptrace_info; /* [T] the signal of the last stop */
	bool traced;                /* [T] its system calls are logged
				       (kernel/strace.c); children inherit it */
	int nice;                   /* -20 .. 19 */
	u64 waitq_token;
	void *tty_ctx;
};

extern struct task *current;
extern struct list_head all_tasks;
extern struct task *init_task;
extern u64 nr_forks;
/* Tasks that exist (zombies too), and the most fork makes (threads-max:
 * /proc/sys/kernel/threads-max; set_max_threads: -EINVAL out of range). */
extern int nr_threads;
int max_threads(void);
int set_max_threads(long n);

/* --- scheduler --- */
/* Gives the CPU away; returns when this task runs again. */
void schedule(void);
/* Makes a sleeping or new task runnable. */
void wake_up_task(struct task *t);
/* Wakes t from any sleep, even an uninterruptible or stopped one. */
void wake_up_task_force(struct task *t);
/* Runs the idle loop on the boot stack; never returns. */
void __noreturn cpu_idle_loop(void);
/* Asks for a reschedule at the next safe point. */
extern bool need_resched;
/* mconsole stop/go: guests do not run and their clocks stand still. */
extern bool machine_frozen;
void machine_freeze(void);
void machine_thaw(void);
/* Prepares t's kernel stack so that it starts in fn. */
/* Gives t a kernel stack on which it starts in fn; -ENOMEM without one. */
int task_prepare_stack(struct task *t, void (*fn)(void));
void sched_tick(void);
/*
 * The machine's CPU time since boot, for /proc/stat and /proc/uptime:
 * guest code (user), kernel work for guest tasks (system: their traps,
 * less the time they slept), and the idle loop waiting for events. Kernel
 * threads and interrupts between traps are in none of them.
 */
struct cpustat {
	u64 user_ns, system_ns, idle_ns;
};
extern struct cpustat cpustat;
int nr_running(void);

/* --- wait queues --- */
void wq_init(struct wait_queue *wq);
void wake_up(struct wait_queue *wq);
/* Wakes waiters for a readiness change: POLLIN and/or POLLOUT in mask. */
void wake_up_poll(struct wait_queue *wq, unsigned mask);
void wait_add(struct wait_queue *wq, struct waiter *w);
void wait_remove(struct waiter *w);
u64 ktime_ns(void);

/*
 * wait_event_interruptible with a deadline (ktime_ns(); 0: none):
 * -EAGAIN when it passes first. A signal gives -ERESTARTSYS without a
 * deadline and -EINTR with one (as Linux's socket timeouts do).
 */
#define wait_event_deadline(wq, cond, deadline_, wchan_)                  \
	({                                                               \
		long __ret = 0;                                          \
		u64 __dl = (deadline_);                                  \
		struct waiter __w;                                       \
		wait_add((wq), &__w);                                    \
		for (;;) {                                               \
			current->state = TASK_INTERRUPTIBLE;             \
			if (cond)                                        \
				break;                                   \
			if (signal_pending(current)) {                   \
				__ret = __dl ? -EINTR : -ERESTARTSYS;    \
				break;                                   \
			}                                                \
			if (__dl && ktime_ns() >= __dl) {                \
				__ret = -EAGAIN;                         \
				break;                                   \
			}                                                \
			schedule_timeout(__dl, (wchan_));                \
		}                                                        \
		current->state = TASK_RUNNING;                           \
		current->wchan = NULL;                                   \
		wait_remove(&__w);                                       \
		__ret;                                                   \
	})

/*
 * Sleeps on wq until cond holds. Interruptible sleeps return -ERESTARTSYS
 * when a signal is pending. wchan names the wait (ps, sysrq t).
 */
#define wait_event_interruptible(wq, cond, wchan_) wait_event_deadline(wq, cond, 0, wchan_)

/*
 * Sleeps (interruptibly) until woken or timeout_ns (boot clock) passes.
 * Returns 0 on timeout, 1 when woken early. timeout 0 = no timeout.
 */
int schedule_timeout(u64 deadline_ns, const char *wchan);

/* --- tasks --- */
struct task *task_alloc(void);
void task_free(struct task *t);
struct task *task_by_pid(int pid);
int pid_alloc(void);
void task_set_comm(struct task *t, const char *path);
/* The per-task kernel loop: run guest, serve traps, deliver signals. */
void __noreturn task_user_loop(void);
/* Ends the current task; never returns. */
void __noreturn do_exit(int code);
void __noreturn do_group_exit(int code);
long do_fork(u64 flags, u64 stack, u64 ptid, u64 ctid, u64 tls,
	     int exit_signal);
void task_reap(struct task *t);
/* A child nobody will wait for: detach it and free it later. */
void autoreap(struct task *t);
void reap_dead_stacks(void);

/* --- signals --- */
bool signal_pending(struct task *t);
int send_signal(struct task *t, const struct ksiginfo *info, bool group);
int send_sig(int sig, struct task *t, bool group);
int kill_pgrp(int pgid, int sig, const struct ksiginfo *info);
void force_sig_fault(int sig, int code, u64 addr);
/* Called before returning to the guest: delivers pending signals. */
void do_signal(void);
void flush_signal_handlers(struct task *t);
bool sig_ignored(struct task *t, int sig);
/* Takes t's next pending signal in set (its own queue first, then its
 * process's), blocked or not; 0 if none. */
int dequeue_signal_set(struct task *t, ksigset_t set, struct ksiginfo *info);
/* Woken whenever a signal is queued (fs/signalfd.c sleeps on it). */
extern struct wait_queue signalfd_wq;
void do_notify_parent(struct task *t, int sig);
void wake_parent_waiters(struct task *t);
extern struct wait_queue child_wait_wq;

/* The machine: halt, reboot, panic paths. */
void __noreturn machine_halt(int status);
void __noreturn machine_restart(void);
extern bool machine_stopping;

#endif
