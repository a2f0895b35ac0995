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
#include "engine.h"
#include "host.h"
#include "kerrno.h"
#include "kstring.h"
#include "printk.h"

extern char __stub_start[], __stub_end[], stub_clean[], stub_batch[];

static s64 stub_code_frame = -1;
#define MAX_OPS ((STUB_DATA_PAGES * PAGE_SIZE - STUB_DATA_OPS) / STUB_OP_SIZE)
/* The signal used to interrupt a running guest. */
#define IRQ_SIGNAL SIGVTALRM

struct stub_op {
	u64 nr;
	u64 args[6];
};

void engine_init(void)
{
	size_t len = (size_t)(__stub_end - __stub_start);

	BUG_ON(len > STUB_CODE_PAGES * PAGE_SIZE);
	stub_code_frame = frames_alloc(0);
	BUG_ON(stub_code_frame < 0);
	page_map[stub_code_frame].flags = PG_RESERVED;
	mem_kernel_pages++;
	memcpy(frame_to_virt((u64)stub_code_frame), __stub_start, len);
}

static char *stub_data(struct mm *mm)
{
	return frame_to_virt((u64)mm->eng.data_frame);
}

int engine_mm_init(struct mm *mm)
{
	struct host_stub_layout l;
	s64 f;
	int pid;

	f = frames_alloc(2); /* 4 pages = STUB_DATA_PAGES */
	if (f < 0)
		return -ENOMEM;
	mem_kernel_pages += STUB_DATA_PAGES;
	mm->eng.data_frame = f;
	mm->eng.nops = 0;
	mm->eng.fp_owner = NULL;
	l.physmem_fd = physmem_fd;
	l.code_off = (u64)stub_code_frame << PAGE_SHIFT;
	l.code_len = STUB_CODE_PAGES * PAGE_SIZE;
	l.data_off = (u64)f << PAGE_SHIFT;
	l.data_len = STUB_DATA_PAGES * PAGE_SIZE;
	l.code_addr = STUB_CODE_ADDR;
	l.data_addr = STUB_DATA_ADDR;
	l.clean_entry = STUB_CODE_ADDR + (unsigned long)(stub_clean - __stub_start);
	pid = host_proc_spawn(&l);
	if (pid < 0) {
		frames_free((u64)f, 2);
		mem_kernel_pages -= STUB_DATA_PAGES;
		mm->eng.data_frame = -1;
		printk(KERN_ERR "engine: cannot create a host process: %d\n", pid);
		return pid == -ENOMEM ? -ENOMEM : -EAGAIN;
	}
	mm->eng.pid = pid;
	mm->eng.host_regs_valid = false;
	/* The stopped child's registers are a valid base for stub runs. */
	if (host_ptrace_getregs(pid, &mm->eng.stub_regs) < 0) {
		engine_mm_release(mm);
		return -EAGAIN;
	}
	return 0;
}

void engine_mm_release(struct mm *mm)
{
	if (mm->eng.pid > 0) {
		host_proc_kill(mm->eng.pid);
		mm->eng.pid = 0;
	}
	if (mm->eng.data_frame >= 0) {
		frames_free((u64)mm->eng.data_frame, 2);
		mem_kernel_pages -= STUB_DATA_PAGES;
		mm->eng.data_frame = -1;
	}
}

static struct stub_op *ops(struct mm *mm)
{
	return (struct stub_op *)(stub_data(mm) + STUB_DATA_OPS);
}

static void queue_op(struct mm *mm, u64 nr, u64 a0, u64 a1, u64 a2, u64 a3,
		     u64 a4, u64 a5)
{
	struct stub_op *op;

	if (mm->eng.nops == MAX_OPS)
		engine_mm_flush(mm);
	op = &ops(mm)[mm->eng.nops++];
	op->nr = nr;
	op->args[0] = a0;
	op->args[1] = a1;
	op->args[2] = a2;
	op->args[3] = a3;
	op->args[4] = a4;
	op->args[5] = a5;
}

void engine_queue_mmap(struct mm *mm, u64 addr, u64 len, u32 prot, u64 frame)
{
	u64 off = frame << PAGE_SHIFT;

	if (mm->eng.pid <= 0)
		return;
	/* Extend the previous mapping when this one continues it. */
	if (mm->eng.nops) {
		struct stub_op *last = &ops(mm)[mm->eng.nops - 1];

		if (last->nr == __NR_mmap && last->args[0] + last->args[1] == addr &&
		    last->args[2] == prot && last->args[5] + last->args[1] == off) {
			last->args[1] += len;
			return;
		}
	}
	queue_op(mm, __NR_mmap, addr, len, prot, MAP_SHARED | MAP_FIXED,
		 (u64)physmem_fd, off);
}

void engine_queue_munmap(struct mm *mm, u64 addr, u64 len)
{
	if (mm->eng.pid <= 0)
		return;
	if (mm->eng.nops) {
		struct stub_op *last = &ops(mm)[mm->eng.nops - 1];

		if (last->nr == __NR_munmap && last->args[0] + last->args[1] == addr) {
			last->args[1] += len;
			return;
		}
	}
	queue_op(mm, __NR_munmap, addr, len, 0, 0, 0, 0);
}

int engine_mm_flush(struct mm *mm)
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
		       "addr %lx code %d rip %llx)\n", mm->eng.pid, rc, st.kind, st.sig,
		       st.addr, st.si_code, (unsigned long long)fr.rip);
		mm->eng.nops = 0;
		return -EIO;
	}
	if ((s64)hdr[1] != 0) {
		struct stub_op *op = &ops(mm)[hdr[2]];

		printk(KERN_ERR "engine: stub op %llu (nr %llu addr %llx len %llx) failed: %lld\n",
		       (unsigned long long)hdr[2], (unsigned long long)op->nr,
		       (unsigned long long)op->args[0],
		       (unsigned long long)op->args[1], (long long)hdr[1]);
		mm->eng.nops = 0;
		return (int)(s64)hdr[1];
	}
	mm->eng.nops = 0;
	return 0;
}

void engine_fpu_save(struct task *t)
{
	struct mm *mm = t->mm;

	if (mm && mm->eng.fp_owner == t)
		host_ptrace_getfpregs(mm->eng.pid, &t->fp);
}

void engine_fpu_changed(struct task *t)
{
	struct mm *mm = t->mm;

	/* Make the next engine_run load t->fp into the host. */
	if (mm && mm->eng.fp_owner == t)
		mm->eng.fp_owner = NULL;
}

void engine_task_gone(struct task *t)
{
	if (t->mm && t->mm->eng.fp_owner == t)
		t->mm->eng.fp_owner = NULL;
}

static void load_fpu(struct task *t)
{
	struct mm *mm = t->mm;

	if (mm->eng.fp_owner == t)
		return;
	if (mm->eng.fp_owner)
		host_ptrace_getfpregs(mm->eng.pid, &mm->eng.fp_owner->fp);
	host_ptrace_setfpregs(mm->eng.pid, &t->fp);
	mm->eng.fp_owner = t;
}

enum engine_event engine_run(struct task *t)
{
	struct mm *mm = t->mm;
	struct host_stop st;
	bool kicked = false;
	int pid = mm->eng.pid, rc;

	if (engine_mm_flush(mm) < 0)
		return EV_DEAD;
	load_fpu(t);
	t->regs.cs = USER_CS;
	t->regs.ss = USER_SS;
	/* Skip the register write when the host already holds them. */
	if (!mm->eng.host_regs_valid ||
	    memcmp(&mm->eng.host_regs, &t->regs, sizeof(t->regs))) {
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
	switch (st.sig) {
	case SIGSEGV:
		/* si_code > 0 is a real fault; SI_KERNEL is a #GP. */
		if (st.si_code > 0 && st.si_code != 0x80)
			return EV_FAULT;
		return EV_SIGNAL;
	case SIGBUS:
	case SIGILL:
	case SIGFPE:
	case SIGTRAP:
		return EV_SIGNAL;
	default:
		/* Our interrupt signal, or a stray host signal: ignored. */
		return EV_INTERRUPT;
	}
}
