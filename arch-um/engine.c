/*
 * The engine seam: picks the process engine at boot (seccomp=on|off|auto)
 * and routes engine.h calls to it. Also the part both engines share: the
 * stub code frame, stub data areas, and the queue of memory operations
 * the stub executes in a batch (merged where one continues the last).
 */
#include <asm/signal.h>
#include <linux/mman.h>
#include <linux/unistd.h>

#include "arch/sigcontext.h"
#include "cmdline.h"
#include "engine_impl.h"
#include "host.h"
#include "kerrno.h"
#include "kstring.h"
#include "printk.h"

s64 stub_code_frame = -1, stub_wake_frame = -1;
static const struct engine_ops *engine = &ptrace_engine;

/* Order of the stub data allocation: STUB_DATA_PAGES pages. */
#define STUB_DATA_ORDER 3
_Static_assert((1 << STUB_DATA_ORDER) == STUB_DATA_PAGES, "stub data order");

static bool patching;

u64 engine_fast_entry(void)
{
	return patching && engine->fast_entry ? engine->fast_entry() : 0;
}

int engine_init(int want, bool patch)
{
	size_t len = (size_t)(__stub_end - __stub_start);

	BUG_ON(len > STUB_CODE_PAGES * PAGE_SIZE);
	stub_code_frame = frames_alloc(0);
	BUG_ON(stub_code_frame < 0);
	page_map[stub_code_frame].flags = PG_RESERVED;
	mem_kernel_pages++;
	memcpy(frame_to_virt((u64)stub_code_frame), __stub_start, len);
	/* Every child maps it (the seccomp engine's futex words), zeroed. */
	stub_wake_frame = frames_alloc(0);
	BUG_ON(stub_wake_frame < 0);
	page_map[stub_wake_frame].flags = PG_RESERVED;
	mem_kernel_pages++;
	memset(frame_to_virt((u64)stub_wake_frame), 0, PAGE_SIZE);

	engine = &ptrace_engine;
	if (want != ENGINE_PTRACE) {
		if (seccomp_engine_probe())
			engine = &seccomp_engine;
		else if (want == ENGINE_SECCOMP)
			return -ENOSYS;
	}
	patching = patch;
	printk(KERN_INFO "Process engine: %s%s\n", engine->name,
	       engine_fast_entry() ? ", patched system call sites" : "");
	return 0;
}

const char *engine_name(void)
{
	return engine->name;
}

int stub_data_alloc(struct mm *mm)
{
	s64 f = frames_alloc(STUB_DATA_ORDER);

	if (f < 0)
		return -ENOMEM;
	mem_kernel_pages += STUB_DATA_PAGES;
	mm->eng.data_frame = f;
	mm->eng.nops = 0;
	mm->eng.fp_owner = NULL;
	memset(stub_data(mm), 0, STUB_DATA_PAGES * PAGE_SIZE);
	return 0;
}

void stub_data_free(struct mm *mm)
{
	if (mm->eng.data_frame < 0)
		return;
	frames_free((u64)mm->eng.data_frame, STUB_DATA_ORDER);
	mem_kernel_pages -= STUB_DATA_PAGES;
	mm->eng.data_frame = -1;
}

int stub_spawn(struct mm *mm, u64 entry, u64 ro_len, int done_fd)
{
	struct host_stub_layout l;
	int pid;

	memset(&l, 0, sizeof(l));
	l.physmem_fd = physmem_fd;
	l.code_off = (u64)stub_code_frame << PAGE_SHIFT;
	l.code_len = STUB_CODE_PAGES * PAGE_SIZE;
	l.data_off = (u64)mm->eng.data_frame << PAGE_SHIFT;
	l.data_len = STUB_DATA_PAGES * PAGE_SIZE;
	l.wake_off = (u64)stub_wake_frame << PAGE_SHIFT;
	l.wake_len = STUB_WAKE_PAGES * PAGE_SIZE;
	l.wake_addr = STUB_WAKE_ADDR;
	l.code_addr = STUB_CODE_ADDR;
	l.data_addr = STUB_DATA_ADDR;
	l.clean_entry = entry;
	l.ro_len = ro_len;
	l.done_fd = done_fd;
	l.seccomp = done_fd >= 0;
	pid = host_proc_spawn(&l);
	if (pid < 0) {
		printk(KERN_ERR "engine: cannot create a host process: %d\n", pid);
		return pid == -ENOMEM ? -ENOMEM : -EAGAIN;
	}
	mm->eng.pid = pid;
	return 0;
}

/* Address spaces with queued operations not yet executed by the host. */
static struct list_head dirty_mms = LIST_HEAD_INIT(dirty_mms);

int engine_mm_init(struct mm *mm)
{
	int rc = engine->mm_init(mm);

	list_init(&mm->eng.dirty);
	return rc;
}

/* (list_del leaves the node self-linked, and a self-linked one alone.) */
void engine_mm_release(struct mm *mm)
{
	list_del(&mm->eng.dirty);
	engine->mm_release(mm);
}

int engine_mm_flush(struct mm *mm)
{
	int rc = engine->mm_flush(mm);

	if (!mm->eng.nops)
		list_del(&mm->eng.dirty);
	return rc;
}

void engine_shutdown(void)
{
	if (engine->shutdown)
		engine->shutdown();
}

void engine_quarantine_release(void)
{
	struct mm *mm, *n;

	if (!quarantine_pages)
		return;
	/* Every queued unmap done and confirmed... */
	list_for_each_entry_safe(mm, n, &dirty_mms, eng.dirty) {
		engine_mm_flush(mm);
	}
	/* ...and every killed child gone with its mappings. */
	if (engine->reap_all)
		engine->reap_all();
	quarantine_free_all();
}

enum engine_event engine_run(struct task *t)
{
	return engine->run(t);
}

void engine_fpu_save(struct task *t)
{
	engine->fpu_save(t);
}

void engine_fpu_changed(struct task *t)
{
	/* The next engine_run loads t->fp's part of the state into the host. */
	t->fp_changed = true;
}

void xstate_put_legacy(u8 *fx, const struct fpstate *fp)
{
	u32 magic, mask, mxcsr;

	memcpy(&mask, fx + 28, 4);
	memcpy(fx, fp->fx, 24);
	memcpy(fx + 32, fp->fx + 32, 416 - 32); /* up to the reserved bytes */
	memcpy(&mxcsr, fp->fx + 24, 4);
	mxcsr &= mask ? mask : 0xffbf;
	memcpy(fx + 24, &mxcsr, 4);
	memcpy(&magic, fx + FX_SW_BYTES, 4);
	if (magic == FP_XSTATE_MAGIC1) {
		u64 xfeatures;

		/* Mark x87 and SSE as saved, or the host loads their reset state. */
		memcpy(&xfeatures, fx + XSAVE_XFEATURES, 8);
		xfeatures |= 3;
		memcpy(fx + XSAVE_XFEATURES, &xfeatures, 8);
	}
}

bool engine_xstate_fetch(struct task *t)
{
	struct mm *mm = t->mm;
	const u8 *x;
	u32 len;

	engine_fpu_save(t);
	if (mm && mm->eng.fp_owner == t && (x = engine->host_xstate(t, &len)) && len > 512) {
		if (!engine_xstate_keep(t, x, len))
			return false;
	} else if (t->xstate_len <= 512) {
		return false;
	}
	/* t->fp is as new as the image's legacy part or newer (the kernel's). */
	xstate_put_legacy(t->xstate, &t->fp);
	return true;
}

void engine_xstate_changed(struct task *t)
{
	/* Not the owner any more: the next run loads t->xstate, then t->fp. */
	if (t->mm && t->mm->eng.fp_owner == t)
		t->mm->eng.fp_owner = NULL;
	t->fp_changed = true;
}

void engine_task_gone(struct task *t)
{
	if (t->mm && t->mm->eng.fp_owner == t)
		t->mm->eng.fp_owner = NULL;
	kfree(t->xstate);
	t->xstate = NULL;
	t->xstate_len = 0;
}

bool engine_xstate_keep(struct task *t, const void *x, u32 len)
{
	if (len < sizeof(t->fp.fx) || len > XSTATE_MAX)
		return false;
	if (!t->xstate && !(t->xstate = kmalloc(XSTATE_MAX)))
		return false;
	memcpy(t->xstate, x, len);
	t->xstate_len = len;
	return true;
}

void engine_pin_to(struct mm *mm, int tid, unsigned cpu)
{
	if (mm->eng.mm_cpu != cpu + 1 && host_pin_thread(tid, cpu) == 0)
		mm->eng.mm_cpu = cpu + 1;
}

enum engine_event engine_signal_event(int sig, int code)
{
	switch (sig) {
	case SIGSEGV:
		/* si_code > 0 is a real fault; SI_KERNEL is a #GP. */
		if (code > 0 && code != 0x80)
			return EV_FAULT;
		return EV_SIGNAL;
	case SIGBUS:
	case SIGILL:
	case SIGFPE:
	case SIGTRAP:
		return EV_SIGNAL;
	default:
		/* The interrupt signal, or a stray host signal: ignored. */
		return EV_INTERRUPT;
	}
}

static void queue_op(struct mm *mm, u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct stub_op *op;

	if (mm->eng.nops == engine->max_ops)
		engine_mm_flush(mm);
	if (list_empty(&mm->eng.dirty))
		list_add(&mm->eng.dirty, &dirty_mms);
	op = &stub_ops(mm)[mm->eng.nops++];
	op->nr = nr;
	op->args[0] = a0;
	op->args[1] = a1;
	op->args[2] = a2;
	op->args[3] = a3;
	op->args[4] = a4;
	op->args[5] = a5;
}

static void queue_mmap(struct mm *mm, u64 addr, u64 len, u32 prot, u64 frame, u64 flags)
{
	u64 off = frame << PAGE_SHIFT;

	if (mm->eng.pid <= 0)
		return;
	/* Extend the previous mapping when this one continues it. */
	if (mm->eng.nops) {
		struct stub_op *last = &stub_ops(mm)[mm->eng.nops - 1];

		if (last->nr == __NR_mmap && last->args[0] + last->args[1] == addr &&
		    last->args[2] == prot && last->args[3] == flags &&
		    last->args[5] + last->args[1] == off) {
			last->args[1] += len;
			return;
		}
	}
	queue_op(mm, __NR_mmap, addr, len, prot, flags, (u64)physmem_fd, off);
}

void engine_queue_mmap(struct mm *mm, u64 addr, u64 len, u32 prot, u64 frame)
{
	queue_mmap(mm, addr, len, prot, frame, MAP_SHARED | MAP_FIXED);
}

void engine_queue_mmap_populate(struct mm *mm, u64 addr, u64 len, u32 prot, u64 frame)
{
	queue_mmap(mm, addr, len, prot, frame, MAP_SHARED | MAP_FIXED | MAP_POPULATE);
}

void engine_queue_munmap(struct mm *mm, u64 addr, u64 len)
{
	if (mm->eng.pid <= 0)
		return;
	if (mm->eng.nops) {
		struct stub_op *last = &stub_ops(mm)[mm->eng.nops - 1];

		if (last->nr == __NR_munmap && last->args[0] + last->args[1] == addr) {
			last->args[1] += len;
			return;
		}
	}
	queue_op(mm, __NR_munmap, addr, len, 0, 0, 0, 0);
}

void engine_queue_mprotect(struct mm *mm, u64 addr, u64 len, u32 prot)
{
	if (mm->eng.pid <= 0)
		return;
	if (mm->eng.nops) {
		struct stub_op *last = &stub_ops(mm)[mm->eng.nops - 1];

		if (last->nr == __NR_mprotect && last->args[0] + last->args[1] == addr &&
		    last->args[2] == prot) {
			last->args[1] += len;
			return;
		}
	}
	queue_op(mm, __NR_mprotect, addr, len, prot, 0, 0, 0);
}
