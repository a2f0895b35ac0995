/*
 * The process-engine seam. The kernel runs guest code only through these
 * calls and never touches ptrace or seccomp itself; an engine owns the host
 * process behind each address space (struct engine_mm in mm.h).
 */
#ifndef ENGINE_H
#define ENGINE_H

#include "mm.h"
#include "task.h"

/* Why engine_run returned. */
enum engine_event {
	EV_SYSCALL = 1,  /* t->regs.orig_rax holds the number */
	EV_FAULT,        /* memory fault at t->trap.addr (code in trap.code) */
	EV_SIGNAL,       /* other synchronous signal (trap.sig, trap.code) */
	EV_INTERRUPT,    /* stopped so the kernel can reschedule or signal */
	EV_DEAD,         /* the host process died (killed from outside) */
};

/*
 * Boot: prepares the stub code frame and picks the engine: want is
 * ENGINE_AUTO, ENGINE_PTRACE or ENGINE_SECCOMP (cmdline.h); patch: may
 * system call sites be patched where the engine can. Logs which one runs. -ENOSYS: seccomp was asked for and this host cannot run it.
 */
int engine_init(int want, bool patch);
/*
 * Where a patched system call site's trampoline jumps to enter the kernel
 * (arch-um/sysfast.c); 0 when the engine has no fast entry or patching
 * is off (syscall_patch=off).
 */
u64 engine_fast_entry(void);
/* "ptrace" or "seccomp"... for the boot log and /proc. */
const char *engine_name(void);
/* Creates the host process of a new, empty address space. */
int engine_mm_init(struct mm *mm);
/* Destroys it. */
void engine_mm_release(struct mm *mm);
/* Applies queued memory operations to the host process now. */
int engine_mm_flush(struct mm *mm);
/* Runs t's guest code until something needs the kernel. */
enum engine_event engine_run(struct task *t);
/*
 * Returns quarantined frames (mm/physmem.c) to the allocator once every
 * queued host unmap is confirmed and every killed child reaped.
 */
void engine_quarantine_release(void);
/* Machine stop: no host process of the engine outlives this, reaped. */
void engine_shutdown(void);
/* FPU state of t as it is now (fetching it from the host if loaded). */
void engine_fpu_save(struct task *t);
/* t->fp has been changed by the kernel: load it before t runs again. */
void engine_fpu_changed(struct task *t);
/*
 * Makes t->xstate hold t's whole XSAVE image as it is now (AVX and beyond,
 * t->fp's legacy part merged in) for a signal frame; false when the host
 * has no XSAVE image for it (then t->fp is all there is).
 */
bool engine_xstate_fetch(struct task *t);
/* t->xstate and t->fp were replaced (rt_sigreturn): load both before t
 * runs again. */
void engine_xstate_changed(struct task *t);
/* t is going away: forget it as the owner of host FPU state. */
void engine_task_gone(struct task *t);
/*
 * Called by the engine while a guest runs and a host event arrived.
 * Returns true if the guest must be stopped (reschedule, signal, halt).
 */
bool kernel_irq_during_guest(void);

#endif
