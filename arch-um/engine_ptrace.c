/*
 * The ptrace process engine (SKAS0-style). Each address space is a host
 * child that holds only the stub; guest code runs under PTRACE_SYSEMU so
 * every system call stops in the kernel instead of reaching the host.
 * Memory changes are queued in the stub data area and executed by the stub
 * in one batch before the guest runs again.
 */
#include <asm/signal.h>
#include <linux/mman.h>
#include <linux/unistd.h>

#include "arch/layout.h"
#include "arch/sigcontext.h"
#include "engine_impl.h"
#include "host.h"
#include "kerrno.h"
#include "kstring.h"
#include "printk.h"

extern char stub_clean[], stub_batch[];

/* The signal used to interrupt a running guest. */
#define IRQ_SIGNAL SIGVTALRM

static void ptrace_mm_release(struct mm *mm);

static int ptrace_mm_init(struct mm *mm)
{
	int pid, rc;

	rc = stub_data_alloc(mm);
	if (rc < 0)
		return rc;
	rc = stub_spawn(mm, STUB_SYM(stub_clean), 0, -1);
	if (rc < 0) {
		stub_data_free(mm);
		return rc;
	}
	pid = mm->eng.pid;
	mm->eng.host_regs_valid = false;
	/* The stopped child's registers are a valid base for stub runs. */
	if (host_ptrace_getregs(pid, &mm->eng.stub_regs) < 0) {
		ptrace_mm_release(mm);
		return -EAGAIN;
	}
	return 0;
}

static void ptrace_mm_release(struct mm *mm)
{
	if (mm->eng.pid > 0) {
		host_proc_kill(mm->eng.pid);
		mm->eng.pid = 0;
	}
	stub_data_free(mm);
}

static int ptrace_mm_flush(struct mm *mm)
{
	struct uregs r;
	struct host_stop st;
	u64 *hdr;
	int rc;

	if (!mm->eng.nops)
		return 0;
	hdr = (u64 *)stub_data(mm);
	hdr[0] = mm->eng.nops;
	r = mm->eng.stub_regs;
	r.rip = STUB_CODE_ADDR + (u64)(stub_batch - __stub_start);
	mm->eng.host_regs_valid = false;
	rc = host_ptrace_setregs(mm->eng.pid, &r);
	if (rc == 0)
		rc = host_ptrace_resume(mm->eng.pid, HOST_RESUME_CONT, 0);
	while (rc == 0) {
		rc = host_ptrace_wait(mm->eng.pid, false, &st);
		/* A leftover interrupt signal: suppress it and go on. */
		if (rc == 0 && st.kind == HOST_STOP_SIGNAL && st.sig != SIGTRAP &&
		    st.sig != SIGSEGV && st.sig != SIGBUS)
			rc = host_ptrace_resume(mm->eng.pid, HOST_RESUME_CONT, 0);
		else
			break;
	}
	if (rc < 0 || st.kind != HOST_STOP_SIGNAL || st.sig != SIGTRAP) {
		struct uregs fr;

		host_ptrace_getregs(mm->eng.pid, &fr);
		printk(KERN_ERR "engine: stub of pid %d failed (rc %d kind %d sig %d "
				"addr %lx code %d rip %llx)\n",
		       mm->eng.pid, rc, st.kind, st.sig, st.addr, st.si_code,
		       (unsigned long long)fr.rip);
		mm->eng.nops = 0;
		return -EIO;
	}
	if ((s64)hdr[1] != 0) {
		struct stub_op *op = &stub_ops(mm)[hdr[2]];

		printk(KERN_ERR "engine: stub op %llu (nr %llu addr %llx len %llx) failed: %lld\n",
		       (unsigned long long)hdr[2], (unsigned long long)op->nr,
		       (unsigned long long)op->args[0], (unsigned long long)op->args[1],
		       (long long)hdr[1]);
		mm->eng.nops = 0;
		return (int)(s64)hdr[1];
	}
	mm->eng.nops = 0;
	return 0;
}

static void ptrace_fpu_save(struct task *t)
{
	struct mm *mm = t->mm;

	if (mm && mm->eng.fp_owner == t && !t->fp_changed)
		host_ptrace_getfpregs(mm->eng.pid, &t->fp);
}

/* The XSAVE image of host process pid (a static buffer), or NULL. */
static const u8 *read_xstate(int pid, u32 *len)
{
	static u8 xbuf[XSTATE_MAX] __attribute__((aligned(64)));
	int n = host_ptrace_getxstate(pid, xbuf, sizeof(xbuf));

	u64 xcr0;
	u32 v;

	if (n <= 512)
		return NULL;
	/* The regset's software bytes hold XCR0 (where gdb reads it); make
	 * them what a signal frame's hold, as the seccomp engine's images. */
	memcpy(&xcr0, xbuf + FX_SW_BYTES, 8);
	memset(xbuf + FX_SW_BYTES, 0, 512 - FX_SW_BYTES);
	v = FP_XSTATE_MAGIC1;
	memcpy(xbuf + FX_SW_BYTES, &v, 4);
	v = (u32)n + FP_XSTATE_MAGIC2_SIZE;
	memcpy(xbuf + FX_SW_BYTES + 4, &v, 4);
	memcpy(xbuf + FX_SW_BYTES + 8, &xcr0, 8);
	v = (u32)n;
	memcpy(xbuf + FX_SW_BYTES + 16, &v, 4);
	*len = (u32)n;
	return xbuf;
}

static const u8 *ptrace_host_xstate(struct task *t, u32 *len)
{
	return read_xstate(t->mm->eng.pid, len);
}

/* Like the seccomp engine's: the whole XSAVE image follows each thread. */
static void load_fpu(struct task *t)
{
	struct mm *mm = t->mm;
	struct task *owner = mm->eng.fp_owner;
	int pid = mm->eng.pid;

	if (owner != t) {
		if (owner) {
			const u8 *x;
			u32 len;

			host_ptrace_getfpregs(pid, &owner->fp);
			x = read_xstate(pid, &len);
			if (!x || !engine_xstate_keep(owner, x, len))
				owner->xstate_len = 0;
			owner->fp_changed = false;
		}
		if (t->xstate && t->xstate_len)
			host_ptrace_setxstate(pid, t->xstate, t->xstate_len);
		mm->eng.fp_owner = t;
		t->fp_changed = true;
	}
	if (t->fp_changed)
		host_ptrace_setfpregs(pid, &t->fp);
	t->fp_changed = false;
}

static enum engine_event ptrace_run(struct task *t)
{
	struct mm *mm = t->mm;
	struct host_stop st;
	bool kicked = false;
	int pid = mm->eng.pid, rc;

	if (engine_mm_flush(mm) < 0)
		return EV_DEAD;
	load_fpu(t);
	/* Kernel and child never run at once. */
	engine_pin_to(mm, pid, host_cpu());
	t->regs.cs = USER_CS;
	t->regs.ss = USER_SS;
	/* Skip the register write when the host already holds them. */
	if (!mm->eng.host_regs_valid || memcmp(&mm->eng.host_regs, &t->regs, sizeof(t->regs))) {
		if (host_ptrace_setregs(pid, &t->regs) < 0)
			return EV_DEAD;
	}
	mm->eng.host_regs_valid = false;
	if (host_ptrace_resume(pid, HOST_RESUME_SYSEMU, 0) < 0)
		return EV_DEAD;
	for (;;) {
		rc = host_ptrace_wait(pid, !kicked, &st);
		if (rc < 0)
			return EV_DEAD;
		if (st.kind != HOST_STOP_INTERRUPTED)
			break;
		if (kernel_irq_during_guest()) {
			host_kill(pid, IRQ_SIGNAL);
			kicked = true;
		}
	}
	if (st.kind == HOST_STOP_EXITED)
		return EV_DEAD;
	if (host_ptrace_getregs(pid, &t->regs) < 0)
		return EV_DEAD;
	mm->eng.host_regs = t->regs;
	mm->eng.host_regs_valid = true;
	t->trap.sig = st.sig;
	t->trap.code = st.si_code;
	t->trap.addr = st.addr;
	if (st.kind == HOST_STOP_SYSCALL)
		return EV_SYSCALL;
	return engine_signal_event(st.sig, st.si_code);
}

const struct engine_ops ptrace_engine = {
	.name = "ptrace (PTRACE_SYSEMU)",
	.max_ops = (STUB_DATA_PAGES * PAGE_SIZE - STUB_DATA_OPS) / STUB_OP_SIZE,
	.mm_init = ptrace_mm_init,
	.mm_release = ptrace_mm_release,
	.mm_flush = ptrace_mm_flush,
	.run = ptrace_run,
	.fpu_save = ptrace_fpu_save,
	.host_xstate = ptrace_host_xstate,
};
