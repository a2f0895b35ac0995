/*
 * The seccomp process engine. Each address space is a host child with two
 * threads (arch-um/stub.S): the guest thread runs guest code under a
 * filter that turns its system calls into SIGSYS; the stub's handler of
 * that, of faults and of the interrupt signal parks the thread on the
 * communication page with its signal frame on the stub's signal stack,
 * which lies in physmem: the kernel reads and edits the frame in place
 * and sets the state word to RESUME. No host context switch besides the
 * signal itself when both sides spin; a futex when one side sleeps.
 *
 * The memory thread executes the queued mmap/munmap/mprotect operations,
 * which it reads from control pages the child can only read. It never
 * runs guest code, so a guest program cannot make it map anything.
 */
#include <asm/signal.h>
#include <asm/siginfo.h>

#include "arch/sigcontext.h"
#include "engine_impl.h"
#include "host.h"
#include "kerrno.h"
#include "kstring.h"
#include "printk.h"
#include "seccomp_filter.h"
#include "task.h"

extern char stub_sc_start[], stub_sc_handler[], stub_sc_restorer[];
extern char stub_sc_fast[], stub_sc_fast_resume[], stub_sc_fast_end[], stub_sc_convert_trap[];

/* The signal used to interrupt a running guest. */
#define IRQ_SIGNAL SIGVTALRM
/* How long each side spins before it sleeps on the futex. */
#define KERNEL_SPIN_NS	  20000
#define CHILD_SPIN_ROUNDS 2000
/* A woken thread that has not run in this long waits for a CPU. */
#define STALL_NS 5000
/*
 * How long a parked thread polls, yielding, before it sleeps: long
 * enough for the other end of a pipe to answer, when the kernel has a
 * CPU of its own (host_cpus_split); in units of 1024 TSC ticks, 0 none.
 */
#define CHILD_YIELD_NS 50000
static u16 yield_units;
/*
 * How long a kicked guest may take to stop before it is suspected. Two
 * looks this far apart that both find the interrupt signal blocked kill
 * it: the stub blocks it only for the microseconds its handler takes to
 * park, so only a forged rt_sigreturn keeps it blocked, while a slow host
 * merely delays a guest that has not blocked it. A hog thus holds the
 * kernel for about half a second.
 */
#define WATCHDOG_NS 250000000ULL
/*
 * A kick can be dropped when it lands in the fast entry just as the
 * thread is sent back (arch-um/stub.S): the kernel kicks again after
 * this long without a trap.
 */
#define REKICK_NS 2000000ULL
/* Freed pages held back before the engine confirms they are unmapped. */
#define QUARANTINE_MAX 256
#define SC_MAX_OPS     ((SC_CTL_PAGES * PAGE_SIZE - STUB_DATA_OPS) / STUB_OP_SIZE)

/* The signals the stub handles; any other kills the child. */
static const u8 handled_signals[] = {SIGSYS, SIGSEGV, SIGBUS,	  SIGILL,
				     SIGFPE, SIGTRAP, IRQ_SIGNAL, 0};

static bool fsgsbase;
/* The pipe memory threads confirm requests on: [0] read here, [1] theirs. */
static int done_pipe[2] = {-1, -1};

static char *comm(struct mm *mm)
{
	return stub_data(mm) + SC_COMM;
}

static u32 *comm32(struct mm *mm, unsigned off)
{
	return (u32 *)(comm(mm) + off);
}

static u64 *comm64(struct mm *mm, unsigned off)
{
	return (u64 *)(comm(mm) + off);
}

static u32 *ctl32(struct mm *mm, unsigned off)
{
	return (u32 *)(stub_data(mm) + off);
}

/*
 * A child's word in the wake page, from its stub data frame. Children
 * may share one (SC_WAKE_SLOTS apart): every sleeper on a word is woken,
 * and those the kernel did not resume go back to sleep.
 */
static u32 wake_slot(struct mm *mm)
{
	return (u32)(((u64)mm->eng.data_frame >> 3) % SC_WAKE_SLOTS);
}

static u32 *wake_word(struct mm *mm)
{
	return (u32 *)frame_to_virt((u64)stub_wake_frame) + wake_slot(mm);
}

/*
 * The address space whose guest thread parked last: when the kernel then
 * resumes another, that thread is likely still spinning on a CPU of its
 * own, and can wake the other itself on its way to sleep (SC_HANDOFF).
 */
static struct mm *last_parked;

/* Kernel view of a child address in its signal stack, or NULL. */
static void *altstack_ptr(struct mm *mm, u64 addr, u64 len, u64 align)
{
	u64 lo = STUB_DATA_ADDR + SC_ALTSTACK, hi = lo + SC_ALTSTACK_SIZE;

	if (addr < lo || addr > hi || len > hi - addr || (addr & (align - 1)))
		return NULL;
	return stub_data(mm) + (addr - STUB_DATA_ADDR);
}

static void put_u64(char *p, unsigned off, u64 v)
{
	memcpy(p + off, &v, 8);
}

/* The set-up data stub_sc_start reads (see arch/layout.h). */
static int fill_setup(struct mm *mm)
{
	char *c = comm(mm);
	struct sock_filter *f = (struct sock_filter *)(c + SC_FILTERS);
	unsigned room = (SC_FILTERS_END - SC_FILTERS) / sizeof(*f) / 2;
	int ng, nm;

	ng = seccomp_guest_filter(f, room);
	nm = seccomp_mm_filter(f + room, room, physmem_fd, physmem_fd + 1);
	if (ng < 0 || nm < 0)
		return -EINVAL;
	put_u64(c, SC_ALLMASK, ~0ULL);
	put_u64(c, SC_NOMASK, 0);
	put_u64(c, SC_SA, STUB_SYM(stub_sc_handler));
	put_u64(c, SC_SA + 8, SA_SIGINFO | SA_ONSTACK | SA_RESTORER);
	put_u64(c, SC_SA + 16, STUB_SYM(stub_sc_restorer));
	put_u64(c, SC_SA + 24, ~0ULL);
	put_u64(c, SC_SS, STUB_DATA_ADDR + SC_ALTSTACK);
	put_u64(c, SC_SS + 8, 0);
	put_u64(c, SC_SS + 16, SC_ALTSTACK_SIZE);
	put_u64(c, SC_GUEST_PROG, (u64)ng);
	put_u64(c, SC_GUEST_PROG + 8, SC_COMM_ADDR + SC_FILTERS);
	put_u64(c, SC_MM_PROG, (u64)nm);
	put_u64(c, SC_MM_PROG + 8, SC_COMM_ADDR + SC_FILTERS + room * sizeof(*f));
	memcpy(c + SC_SIGS, handled_signals, sizeof(handled_signals));
	*ctl32(mm, SC_CTL_SPIN) = CHILD_SPIN_ROUNDS;
	*(u16 *)(stub_data(mm) + SC_CTL_YIELD) = yield_units;
	*ctl32(mm, SC_CTL_FLAGS) = fsgsbase ? SC_F_FSGSBASE : 0;
	*ctl32(mm, SC_CTL_DONE_FD) = (u32)physmem_fd + 1;
	*ctl32(mm, SC_CTL_WAKEW) = wake_slot(mm);
	return 0;
}

/*
 * Killing a child is immediate; reaping it waits for the host to tear it
 * down, which need not happen on the way out of a guest exit. Until it
 * is reaped its stub data frames stay allocated: it may still write them.
 */
static struct {
	int pid;
	s64 data_frame;
} killed[64];
static unsigned nkilled;

static void forget_killed(unsigned i)
{
	struct mm gone;

	gone.eng.data_frame = killed[i].data_frame;
	stub_data_free(&gone);
	killed[i] = killed[--nkilled];
}

static void reap_killed(bool wait)
{
	unsigned i = 0;

	while (i < nkilled) {
		if (wait)
			host_proc_kill(killed[i].pid);
		if (wait || host_proc_reap(killed[i].pid))
			forget_killed(i);
		else
			i++;
	}
}

static void sc_reap_all(void)
{
	reap_killed(true);
}

/*
 * One child is kept started ahead of need, so that fork and exec find a
 * host process ready while the next one sets itself up meanwhile.
 */
static struct mm spare;
static bool have_spare;

/*
 * Host processes of exited guest processes wait here to serve new ones:
 * a fork or an exec then costs no host clone, and an exit no host exit.
 */
#define POOL_MAX 4
static struct engine_mm pool[POOL_MAX];
static unsigned npool;

static void sc_mm_release(struct mm *mm);

static void sc_shutdown(void)
{
	while (npool) {
		struct mm gone;

		gone.eng = pool[--npool];
		sc_mm_release(&gone);
	}
	if (have_spare) {
		have_spare = false;
		sc_mm_release(&spare);
	}
	reap_killed(true);
}

static struct k_ucontext *parked_frame(struct mm *mm);
static bool sc_unfast(struct mm *mm);
static u8 *frame_xstate(struct mm *mm, struct k_ucontext *uc, u64 *addr, u32 *len);
static void reset_xstate(u8 *fx, u32 len);

/*
 * Makes a parked child fit for another guest process: nothing of the
 * last one mapped (confirmed by its memory thread), nothing of it left
 * in its signal stack, FPU or fs/gs bases. false: it must go instead.
 */
static bool recycle(struct mm *mm)
{
	struct k_ucontext *uc = parked_frame(mm);
	u8 *stack = (u8 *)stub_data(mm) + SC_ALTSTACK, *fx;
	u64 fpstate, frame, top = STUB_DATA_ADDR + SC_ALTSTACK + SC_ALTSTACK_SIZE;
	u32 len;

	if (machine_stopping || npool == POOL_MAX)
		return false;
	if (mm->eng.fast_parked) {
		if (!sc_unfast(mm))
			return false;
		uc = parked_frame(mm);
	}
	if (!mm->eng.parked || !uc)
		return false;
	mm->eng.nops = 0;
	engine_queue_munmap(mm, 0, TASK_SIZE);
	if (engine_mm_flush(mm) < 0 || mm->eng.pid <= 0)
		return false;
	/* The frame the thread returns through keeps only what sigreturn needs. */
	frame = STUB_DATA_ADDR + (u64)((u8 *)uc - (u8 *)stub_data(mm)) - 8;
	fx = frame_xstate(mm, uc, &fpstate, &len);
	/* The layout the host writes; anything else was forged: not reused. */
	if (!fx || frame < STUB_DATA_ADDR + SC_ALTSTACK || fpstate < frame + 8 + sizeof(*uc))
		return false;
	memset(stack, 0, frame - (STUB_DATA_ADDR + SC_ALTSTACK));
	memset(&uc->mc, 0, offsetof(struct k_sigcontext, cs));
	uc->mc.eflags = EFLAGS_DEFAULT;
	memset(&uc->mc.err, 0, sizeof(uc->mc) - offsetof(struct k_sigcontext, err));
	uc->mc.fpstate = fpstate;
	uc->uc_sigmask = 0;
	memset((u8 *)(uc + 1), 0, fpstate - (frame + 8 + sizeof(*uc)));
	memset(fx, 0, FX_SW_BYTES);
	reset_xstate(fx, len);
	/* Past the XSAVE image and its 4-byte end marker, to the top. */
	if (fpstate + len + 4 < top)
		memset(fx + len + 4, 0, top - (fpstate + len + 4));
	/* SC_UC still says where the frame is; the set-up data is spent. */
	memset(comm(mm) + SC_SIG, 0, SC_UC - SC_SIG);
	memset(comm(mm) + SC_FS, 0, SC_SET_FSGS + 4 - SC_FS);
	memset(comm(mm) + SC_ALLMASK, 0, PAGE_SIZE - SC_ALLMASK);
	/* Unknown bases: the next task's are loaded whatever they are. */
	mm->eng.fs_base = mm->eng.gs_base = ~0ULL;
	mm->eng.fp_owner = NULL;
	mm->eng.fast_resumed = false;
	pool[npool++] = mm->eng;
	mm->eng.pid = 0;
	mm->eng.data_frame = -1;
	return true;
}

static void sc_mm_release(struct mm *mm)
{
	if (last_parked == mm)
		last_parked = NULL;
	if (mm->eng.pid > 0 && recycle(mm))
		return;
	if (mm->eng.pid > 0) {
		if (nkilled == sizeof(killed) / sizeof(killed[0]))
			reap_killed(true);
		host_kill(mm->eng.pid, SIGKILL);
		killed[nkilled].pid = mm->eng.pid;
		killed[nkilled++].data_frame = mm->eng.data_frame;
		mm->eng.pid = 0;
		mm->eng.data_frame = -1;
	}
	stub_data_free(mm);
}

/*
 * Waits for the guest thread to park: 0, HOST_SC_INTERRUPTED, or -ECHILD
 * if the child died. The kernel spins unless the thread parked last on
 * this CPU, and stops when the thread, told to resume, has not started
 * (SC_STATE still RESUME) within STALL_NS: it may be waiting for this
 * CPU. handed_off: another child was asked to wake it, so where it parked
 * last says nothing; the kernel wakes it itself should the other have
 * failed to.
 */
static int wait_trap(struct mm *mm, bool interruptible, bool handed_off)
{
	struct host_sc_spin s = {
		.spin_ns = KERNEL_SPIN_NS,
		.stall_ns = STALL_NS,
		.peer_cpu = handed_off ? NULL : comm32(mm, SC_CCPU),
		.nudge = handed_off ? wake_word(mm) : NULL,
	};
	int rc = host_sc_wait(comm32(mm, SC_STATE), SC_TRAPPED, comm32(mm, SC_KWAIT), mm->eng.pid,
			      interruptible, &s);

	if (rc == -ECHILD)
		mm->eng.pid = 0; /* reaped: never signal that pid again */
	return rc;
}

/* Reads where the parked thread's frame is; NULL if it makes no sense. */
static struct k_ucontext *parked_frame(struct mm *mm)
{
	u64 ucp = __atomic_load_n(comm64(mm, SC_UC), __ATOMIC_ACQUIRE);

	return altstack_ptr(mm, ucp, sizeof(struct k_ucontext), 8);
}

/* Allocates the stub data of a new child and starts it; does not wait. */
static int child_start(struct mm *mm)
{
	int rc;

	rc = stub_data_alloc(mm);
	if (rc < 0)
		return rc;
	mm->eng.parked = false;
	mm->eng.fast_parked = false;
	mm->eng.fast_resumed = false;
	mm->eng.mm_seq = 0;
	mm->eng.mm_cpu = 0;
	mm->eng.pid = 0;
	if (fill_setup(mm) < 0) {
		stub_data_free(mm);
		return -EINVAL;
	}
	reap_killed(false);
	rc = stub_spawn(mm, STUB_SYM(stub_sc_start), SC_CTL_PAGES * PAGE_SIZE, done_pipe[1]);
	if (rc < 0)
		stub_data_free(mm);
	return rc;
}

/*
 * Waits until a started child is ready for guest code: its guest thread
 * parked at the int3 ending stub_sc_start, its memory thread filtered.
 */
static int child_finish(struct mm *mm)
{
	static const struct host_sc_spin s = {.spin_ns = KERNEL_SPIN_NS};
	static u32 no_sleeper;
	int rc = wait_trap(mm, false, false);

	if (rc == 0)
		rc = host_sc_wait(comm32(mm, SC_MM_READY), 1, &no_sleeper, mm->eng.pid, false, &s);
	if (rc < 0 || !parked_frame(mm) || *comm64(mm, SC_SIG) != SIGTRAP)
		return -EAGAIN;
	mm->eng.parked = true;
	mm->eng.fs_base = *comm64(mm, SC_FS);
	mm->eng.gs_base = *comm64(mm, SC_GS);
	/* Read before any guest code ran: later the page is the guest's. */
	mm->eng.mm_tid = (int)*comm32(mm, SC_MM_TID);
	return 0;
}

static int sc_mm_init(struct mm *mm)
{
	int rc;

	if (npool) {
		mm->eng = pool[--npool];
		return 0;
	}

	if (have_spare) {
		have_spare = false;
		mm->eng = spare.eng;
		if (child_finish(mm) == 0)
			goto refill;
		sc_mm_release(mm);
	}
	rc = child_start(mm);
	if (rc == 0 && (rc = child_finish(mm)) < 0)
		sc_mm_release(mm);
	if (rc < 0)
		return rc;
refill:
	if (child_start(&spare) == 0)
		have_spare = true;
	return 0;
}

static int sc_mm_flush(struct mm *mm)
{
	u32 seq, cpu;
	u8 byte;
	s64 res;
	int rc;

	if (!mm->eng.nops)
		return 0;
	if (mm->eng.pid <= 0) {
		mm->eng.nops = 0;
		return -EIO;
	}
	*(u64 *)(stub_data(mm) + SC_CTL_NOPS) = mm->eng.nops;
	seq = ++mm->eng.mm_seq;
	*((u8 *)stub_data(mm) + SC_CTL_OKB) = (u8)seq;
	*((u8 *)stub_data(mm) + SC_CTL_FAILB) = (u8)~seq;
	cpu = host_cpu();
	*comm32(mm, SC_KCPU) = cpu;
	/* The memory thread works while the kernel waits for it. */
	engine_pin_to(mm, mm->eng.mm_tid, cpu);
	__atomic_store_n(ctl32(mm, SC_CTL_SEQ), seq, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(comm32(mm, SC_MM_SLEEP), __ATOMIC_SEQ_CST))
		host_futex_wake(ctl32(mm, SC_CTL_SEQ));
	/*
	 * The pipe is the proof; the word only says when to look for it
	 * without sleeping. The guest thread could set the word, and then
	 * the kernel must not take back the control pages or reuse
	 * unmapped frames too early.
	 */
	rc = 0;
	if (*comm32(mm, SC_MCPU) != *comm32(mm, SC_KCPU))
		host_sc_spin(comm32(mm, SC_MM_DONE_SEQ), seq, KERNEL_SPIN_NS);
	rc = host_read_confirm(done_pipe[0], mm->eng.pid, &byte);
	/* A replayed request must find nothing to do. */
	*(u64 *)(stub_data(mm) + SC_CTL_NOPS) = 0;
	if (rc == -ECHILD) {
		/* Dead and reaped: whatever it wrote must not confirm the next. */
		host_drain(done_pipe[0]);
		mm->eng.pid = 0;
	}
	if (rc < 0) {
		mm->eng.nops = 0;
		return -EIO;
	}
	/*
	 * The operations after a failed one were not done, unmaps among
	 * them: only the child's death makes its mappings surely go.
	 */
	if (byte != (u8)seq) {
		res = (s64)*comm64(mm, SC_MM_RESULT);
		printk(KERN_ERR "engine: memory request of host process %d failed (%lld)\n",
		       mm->eng.pid, (long long)res);
		host_proc_kill(mm->eng.pid);
		mm->eng.pid = 0;
		mm->eng.nops = 0;
		return -EIO;
	}
	res = (s64)*comm64(mm, SC_MM_RESULT);
	if (res != 0) {
		u64 done = *comm64(mm, SC_MM_DONE);
		struct stub_op *op = &stub_ops(mm)[done < mm->eng.nops ? done : 0];

		printk(KERN_ERR "engine: stub op %llu (nr %llu addr %llx len %llx) failed: %lld\n",
		       (unsigned long long)done, (unsigned long long)op->nr,
		       (unsigned long long)op->args[0], (unsigned long long)op->args[1],
		       (long long)res);
		mm->eng.nops = 0;
		return (int)res;
	}
	mm->eng.nops = 0;
	return 0;
}

/*
 * The XSAVE image of frame uc and its length (*len, at least the 512-byte
 * FXSAVE part), or NULL. The child can rewrite its frames at any time if
 * it cheats: every value is read once and checked before it is used.
 */
static u8 *frame_xstate(struct mm *mm, struct k_ucontext *uc, u64 *addr, u32 *len)
{
	u64 fpstate;
	u32 magic, size;
	u8 *fx;

	if (!mm->eng.parked || !uc)
		return NULL;
	fpstate = __atomic_load_n(&uc->mc.fpstate, __ATOMIC_RELAXED);
	fx = altstack_ptr(mm, fpstate, 512 + 64, 16);
	if (!fx)
		return NULL;
	memcpy(&magic, fx + FX_SW_BYTES, 4);
	memcpy(&size, fx + FX_SW_BYTES + 16, 4); /* fpx_sw_bytes.xstate_size */
	if (magic != FP_XSTATE_MAGIC1 || size < 512 || !altstack_ptr(mm, fpstate, size, 16))
		size = 512;
	*len = size;
	if (addr)
		*addr = fpstate;
	return fx;
}

static u8 *frame_fx(struct mm *mm, u32 *len)
{
	return frame_xstate(mm, parked_frame(mm), NULL, len);
}

static const u8 *sc_host_xstate(struct task *t, u32 *len)
{
	if (!sc_unfast(t->mm))
		return NULL;
	return frame_fx(t->mm, len);
}

static void sc_fpu_save(struct task *t)
{
	struct mm *mm = t->mm;
	u8 *fx;

	u32 len;

	if (mm && mm->eng.fp_owner == t && !t->fp_changed && sc_unfast(mm) &&
	    (fx = frame_fx(mm, &len)))
		memcpy(t->fp.fx, fx, sizeof(t->fp.fx));
}

/*
 * Puts every part of the frame's XSAVE image but x87/SSE in its reset
 * state: a task with no saved image of its own (a new program, a new
 * thread) sees zeroed vector registers, and no other task's values.
 */
static void reset_xstate(u8 *fx, u32 len)
{
	u64 x87_sse = 3;
	u32 magic;

	memcpy(&magic, fx + FX_SW_BYTES, 4);
	if (magic != FP_XSTATE_MAGIC1 || len < XSAVE_XFEATURES + 64)
		return;
	memset(fx + XSAVE_XFEATURES, 0, len - XSAVE_XFEATURES);
	memcpy(fx + XSAVE_XFEATURES, &x87_sse, 8);
}

/*
 * Makes the frame hold t's FPU and vector state: the whole XSAVE image
 * moves between the frame and the tasks when another thread of the
 * address space ran last, so AVX registers survive preemption too.
 */
static void load_fpu(struct task *t)
{
	struct mm *mm = t->mm;
	struct task *owner = mm->eng.fp_owner;
	u32 len;
	u8 *fx = frame_fx(mm, &len);

	if (!fx)
		return;
	if (owner != t) {
		if (owner) {
			memcpy(owner->fp.fx, fx, sizeof(owner->fp.fx));
			if (!engine_xstate_keep(owner, fx, len))
				owner->xstate_len = 0;
			owner->fp_changed = false;
		}
		if (t->xstate && t->xstate_len == len)
			memcpy(fx, t->xstate, len);
		else
			reset_xstate(fx, len);
		mm->eng.fp_owner = t;
		t->fp_changed = true;
	}
	if (t->fp_changed)
		xstate_put_legacy(fx, &t->fp);
	t->fp_changed = false;
}

/* Asks the stub to load t's fs/gs bases where the host thread differs. */
static void load_bases(struct task *t)
{
	struct mm *mm = t->mm;
	u32 set = 0;

	if (t->regs.fs_base != mm->eng.fs_base) {
		*comm64(mm, SC_NEW_FS) = t->regs.fs_base;
		mm->eng.fs_base = t->regs.fs_base;
		set |= 1;
	}
	if (t->regs.gs_base != mm->eng.gs_base) {
		*comm64(mm, SC_NEW_GS) = t->regs.gs_base;
		mm->eng.gs_base = t->regs.gs_base;
		set |= 2;
	}
	*comm32(mm, SC_SET_FSGS) = set;
}

static enum engine_event kill_child(struct mm *mm, const char *why)
{
	printk(KERN_WARNING "engine: host process %d: %s: killed\n", mm->eng.pid, why);
	host_proc_kill(mm->eng.pid);
	mm->eng.pid = 0;
	return EV_DEAD;
}

/* Is rip where the fast entry is on its way back to guest code? */
static bool in_fast_return(u64 rip)
{
	return rip >= STUB_SYM(stub_sc_fast_resume) && rip < STUB_SYM(stub_sc_fast_end);
}

/* Where the fast entry keeps each general register (rcx and r11 aside). */
static const struct {
	u16 fx, reg;
} fx_regs[] = {
	{SC_FX_RAX, offsetof(struct uregs, rax)}, {SC_FX_RBX, offsetof(struct uregs, rbx)},
	{SC_FX_RDX, offsetof(struct uregs, rdx)}, {SC_FX_RSI, offsetof(struct uregs, rsi)},
	{SC_FX_RDI, offsetof(struct uregs, rdi)}, {SC_FX_RBP, offsetof(struct uregs, rbp)},
	{SC_FX_RSP, offsetof(struct uregs, rsp)}, {SC_FX_R8, offsetof(struct uregs, r8)},
	{SC_FX_R9, offsetof(struct uregs, r9)},	  {SC_FX_R10, offsetof(struct uregs, r10)},
	{SC_FX_R12, offsetof(struct uregs, r12)}, {SC_FX_R13, offsetof(struct uregs, r13)},
	{SC_FX_R14, offsetof(struct uregs, r14)}, {SC_FX_R15, offsetof(struct uregs, r15)},
};

/*
 * The registers of a system call that came through the fast entry, and
 * (put) those it goes back with: rcx is rip and r11 rflags then.
 */
static void fast_regs_get(struct mm *mm, struct uregs *r)
{
	unsigned i;

	for (i = 0; i < sizeof(fx_regs) / sizeof(fx_regs[0]); i++)
		memcpy((u8 *)r + fx_regs[i].reg, comm64(mm, fx_regs[i].fx), 8);
	r->rcx = r->rip = *comm64(mm, SC_FX_RCX);
	r->r11 = r->eflags = *comm64(mm, SC_FX_FLAGS);
}

/* Stores v at p unless it is there: see STORE_CHANGED in stub.S. */
static void put_changed(u64 *p, u64 v)
{
	if (*p != v)
		*p = v;
}

static void fast_regs_put(struct mm *mm, const struct uregs *r)
{
	unsigned i;
	u64 v;

	for (i = 0; i < sizeof(fx_regs) / sizeof(fx_regs[0]); i++) {
		memcpy(&v, (const u8 *)r + fx_regs[i].reg, 8);
		put_changed(comm64(mm, fx_regs[i].fx), v);
	}
	put_changed(comm64(mm, SC_FX_RCX), r->rip);
	put_changed(comm64(mm, SC_FX_FLAGS), r->eflags);
}

/*
 * Can t go back the way it came, through the fast entry? Only to finish
 * the system call it made there, with nothing but general registers
 * changed: rcx and r11 as the syscall instruction leaves them, no
 * single-stepping, its FPU state and fs/gs bases still loaded.
 */
static bool fast_return_ok(struct task *t)
{
	struct mm *mm = t->mm;
	const struct uregs *r = &t->regs;

	return mm->eng.fp_owner == t && !t->fp_changed && r->rcx == r->rip &&
	       r->r11 == r->eflags && !(r->eflags & EFLAGS_TF) &&
	       r->fs_base == mm->eng.fs_base && r->gs_base == mm->eng.gs_base;
}

/*
 * The address space whose guest thread parked last, if that is not mm's,
 * it still waits, and it is awake (spinning or polling): the one the
 * kernel can ask to make way for mm's. NULL otherwise.
 */
static struct mm *last_parked_awake(struct mm *mm)
{
	struct mm *from = last_parked;

	if (!from || from == mm || from->eng.pid <= 0 ||
	    !(from->eng.parked || from->eng.fast_parked) ||
	    __atomic_load_n(comm32(from, SC_CWAIT), __ATOMIC_SEQ_CST))
		return NULL;
	return from;
}

/*
 * Asks the guest thread that parked last, if it still spins, to wake
 * mm's on its way to sleep; true if it took that on. Exactly one side
 * takes the request back out of SC_HANDOFF: it, or the kernel when it
 * finds the thread already asleep. A child that takes it and does not
 * wake only delays the other until the kernel's spin ends (wait_trap).
 */
static bool hand_off(struct mm *mm)
{
	struct mm *from = last_parked_awake(mm);

	if (!from)
		return false;
	__atomic_store_n(comm32(from, SC_HANDOFF), wake_slot(mm) + 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(comm32(from, SC_CWAIT), __ATOMIC_SEQ_CST) &&
	    __atomic_exchange_n(comm32(from, SC_HANDOFF), 0, __ATOMIC_SEQ_CST))
		return false;
	return true;
}

/*
 * Asks the guest thread that parked last, if it still polls on the CPU
 * where mm's does, to yield to it now rather than spin in its way.
 */
static void ask_yield(struct mm *mm)
{
	struct mm *from = last_parked_awake(mm);
	u32 none = 0;

	if (!from || *comm32(from, SC_CCPU) != *comm32(mm, SC_CCPU))
		return;
	__atomic_compare_exchange_n(comm32(from, SC_HANDOFF), &none, SC_HANDOFF_YIELD, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/*
 * Tells the parked thread to go on (RESUME), waking it if it sleeps,
 * through the last parked thread where may_hand_off; true if so. A
 * thread that polls needs no wake, but where may_hand_off the last
 * parked one may be in its way. A request to yield left from before
 * must not cut this thread's next spin short.
 */
static bool send_resume(struct mm *mm, bool may_hand_off)
{
	u32 yield = SC_HANDOFF_YIELD, cpu = host_cpu();

	if (*comm32(mm, SC_KCPU) != cpu)
		*comm32(mm, SC_KCPU) = cpu;
	if (*comm32(mm, SC_HANDOFF) == SC_HANDOFF_YIELD)
		__atomic_compare_exchange_n(comm32(mm, SC_HANDOFF), &yield, 0, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	__atomic_store_n(comm32(mm, SC_STATE), SC_RESUME, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(comm32(mm, SC_CWAIT), __ATOMIC_SEQ_CST)) {
		if (may_hand_off)
			ask_yield(mm);
		return false;
	}
	__atomic_add_fetch(wake_word(mm), 1, __ATOMIC_SEQ_CST);
	if (may_hand_off && hand_off(mm))
		return true;
	host_futex_wake_all(wake_word(mm));
	return false;
}

/*
 * Turns a fast park into a signal-frame park, which holds the FPU state
 * and can take any register: the thread traps at stub_sc_convert_trap.
 * The frame's registers are the stub's; the task's are in t->regs.
 * false: the child died or did not do as told (then it is killed).
 */
static bool sc_unfast(struct mm *mm)
{
	struct k_ucontext *uc;
	u64 rip;

	if (!mm || !mm->eng.fast_parked)
		return true;
	mm->eng.fast_parked = false;
	if (mm->eng.pid <= 0)
		return false;
	*comm32(mm, SC_FCMD) = 1;
	send_resume(mm, false);
	if (wait_trap(mm, false, false) < 0)
		return false;
	*comm32(mm, SC_FCMD) = 0;
	mm->eng.parked = true;
	uc = parked_frame(mm);
	rip = uc ? __atomic_load_n(&uc->mc.rip, __ATOMIC_RELAXED) : 0;
	/* A late interrupt may have caught it on its way to the trap. */
	if (!uc || *comm32(mm, SC_HOW) != 0 ||
	    (rip != STUB_SYM(stub_sc_convert_trap) && !in_fast_return(rip))) {
		mm->eng.parked = false;
		kill_child(mm, "did not trap when told to");
		return false;
	}
	return true;
}

static enum engine_event sc_run(struct task *t)
{
	struct mm *mm = t->mm;
	struct k_ucontext *uc;
	u64 kicked = 0, last_kick = 0, now;
	bool handed_off;
	int strikes = 0;
	u8 info[32];
	u64 sig, infop;
	int rc, code;

	if (quarantine_pages >= QUARANTINE_MAX || quarantine_pages > mem_free_pages())
		engine_quarantine_release();
	if (engine_mm_flush(mm) < 0 || mm->eng.pid <= 0)
		return EV_DEAD;
	t->trap.kind = 0;
	if (mm->eng.fast_parked && fast_return_ok(t)) {
		fast_regs_put(mm, &t->regs);
		*comm32(mm, SC_FCMD) = 0;
		mm->eng.fast_parked = false;
		mm->eng.fast_resumed = true;
		handed_off = send_resume(mm, true);
		goto wait;
	}
	if (!sc_unfast(mm) || !mm->eng.parked)
		return EV_DEAD;
	uc = parked_frame(mm);
	if (!uc)
		return kill_child(mm, "lost its signal frame");
	load_fpu(t);
	regs_to_sigcontext(&t->regs, &uc->mc);
	/*
	 * Guest signal masks are the kernel's: the host one stays empty, and
	 * the signal stack stays the stub's whatever a forged rt_sigreturn
	 * through the stub set.
	 */
	uc->uc_sigmask = 0;
	uc->uc_stack.ss_sp = STUB_DATA_ADDR + SC_ALTSTACK;
	uc->uc_stack.ss_flags = 0;
	uc->uc_stack.ss_size = SC_ALTSTACK_SIZE;
	load_bases(t);
	mm->eng.parked = false;
	mm->eng.fast_resumed = false;
	handed_off = send_resume(mm, true);
wait:
	for (;;) {
		rc = wait_trap(mm, true, handed_off);
		if (rc < 0)
			return EV_DEAD;
		if (rc == 0)
			break;
		/* Interrupted before the wait's own nudge, perhaps. */
		if (handed_off)
			host_futex_wake_all(wake_word(mm));
		handed_off = false;
		if (!kernel_irq_during_guest())
			continue;
		now = ktime_ns();
		if (!kicked) {
			host_kill(mm->eng.pid, IRQ_SIGNAL);
			kicked = last_kick = now;
			strikes = 0;
			continue;
		}
		if (now - last_kick > REKICK_NS) {
			host_kill(mm->eng.pid, IRQ_SIGNAL);
			last_kick = now;
		}
		if (now - kicked > WATCHDOG_NS) {
			/*
			 * Only a forged rt_sigreturn through the stub can block the
			 * interrupt signal for long; seen twice, it is no accident.
			 */
			kicked = now;
			if (host_proc_sig_blocked(mm->eng.pid, IRQ_SIGNAL) > 0 && ++strikes >= 2)
				return kill_child(mm, "blocked the interrupt signal");
		}
	}
	last_parked = mm;
	if (__atomic_load_n(comm32(mm, SC_HOW), __ATOMIC_ACQUIRE) == 1) {
		/* A system call through a patched site: no frame, FPU loaded. */
		mm->eng.fast_parked = true;
		mm->eng.fast_resumed = false;
		fast_regs_get(mm, &t->regs);
		if (fsgsbase) {
			t->regs.fs_base = mm->eng.fs_base = *comm64(mm, SC_FX_FS);
			t->regs.gs_base = mm->eng.gs_base = *comm64(mm, SC_FX_GS);
		}
		t->regs.orig_rax = t->regs.rax;
		t->trap.sig = SIGSYS;
		t->trap.code = 1; /* SYS_SECCOMP */
		t->trap.addr = t->regs.rip;
		return EV_SYSCALL;
	}
	mm->eng.parked = true;
	/* Everything in the page is the child's to write: read it once, check it. */
	sig = __atomic_load_n(comm64(mm, SC_SIG), __ATOMIC_ACQUIRE);
	infop = *comm64(mm, SC_INFO);
	uc = parked_frame(mm);
	if (!uc || !altstack_ptr(mm, infop, sizeof(info), 8))
		return kill_child(mm, "bad signal frame");
	if (mm->eng.fast_resumed && in_fast_return(uc->mc.rip)) {
		/* Caught on its way back from the fast entry: to where t->regs say. */
		mm->eng.fast_resumed = false;
		t->regs.orig_rax = (u64)-1;
		return EV_INTERRUPT;
	}
	mm->eng.fast_resumed = false;
	memcpy(info, altstack_ptr(mm, infop, sizeof(info), 8), sizeof(info));
	sigcontext_to_regs(&uc->mc, &t->regs);
	t->regs.eflags = uc->mc.eflags;
	if (t->regs.rip - STUB_CODE_ADDR < STUB_CODE_PAGES * PAGE_SIZE)
		return kill_child(mm, "trapped inside the stub");
	if (fsgsbase) {
		t->regs.fs_base = mm->eng.fs_base = *comm64(mm, SC_FS);
		t->regs.gs_base = mm->eng.gs_base = *comm64(mm, SC_GS);
	}
	memcpy(&code, info + 8, 4);
	t->regs.orig_rax = (u64)-1;
	t->trap.sig = (int)sig;
	t->trap.code = code;
	memcpy(&t->trap.addr, info + 16, 8);
	switch (sig) {
	case SIGSYS: {
		int nr;
		u32 arch;

		memcpy(&nr, info + 24, 4);
		memcpy(&arch, info + 28, 4);
		/* Only the 64-bit ABI exists here, as on a kernel without IA32. */
		if (arch != 0xc000003eU) {
			t->regs.rax = (u64)-ENOSYS;
			return EV_INTERRUPT;
		}
		t->regs.orig_rax = (u64)(s64)nr;
		t->trap.kind = TRAP_SYSCALL_INSN;
		return EV_SYSCALL;
	}
	default:
		return engine_signal_event((int)sig, code);
	}
}

/* Where a patched site's trampoline enters the kernel. */
static u64 sc_fast_entry(void)
{
	return STUB_SYM(stub_sc_fast);
}

bool seccomp_engine_probe(void)
{
	int cpu;

	fsgsbase = host_has_fsgsbase();
	spare.eng.data_frame = -1;
	if (host_pipe(done_pipe) < 0) {
		printk(KERN_WARNING "engine: no pipe for the seccomp engine\n");
		return false;
	}
	/* Guest threads yield to each other only on CPUs of their own. */
	cpu = host_cpus_split();
	if (cpu >= 0) {
		u64 units = CHILD_YIELD_NS * host_tsc_khz() / 1000000 / 1024;

		yield_units = (u16)(units < 1 ? 1 : units > 0xffff ? 0xffff : units);
	}
	/* The first spare child is the test. */
	if (child_start(&spare) < 0 || child_finish(&spare) < 0) {
		sc_mm_release(&spare);
		host_cpus_unsplit();
		yield_units = 0;
		printk(KERN_WARNING "engine: the seccomp engine cannot start on this host\n");
		return false;
	}
	have_spare = true;
	frames_quarantine = true;
	if (cpu >= 0)
		printk(KERN_INFO "engine: the kernel thread keeps host CPU %d, guest threads "
				 "the others\n",
		       cpu);
	return true;
}

const struct engine_ops seccomp_engine = {
	.name = "seccomp (SECCOMP_RET_TRAP, shared-memory handoff)",
	.max_ops = SC_MAX_OPS,
	.mm_init = sc_mm_init,
	.mm_release = sc_mm_release,
	.mm_flush = sc_mm_flush,
	.run = sc_run,
	.fpu_save = sc_fpu_save,
	.host_xstate = sc_host_xstate,
	.reap_all = sc_reap_all,
	.shutdown = sc_shutdown,
	.fast_entry = sc_fast_entry,
};
