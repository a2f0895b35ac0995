/*
 * What the two process engines share (arch-um/engine.c) and what each
 * provides (engine_ptrace.c, engine_seccomp.c). The kernel sees neither:
 * it calls the functions of engine.h, which dispatch to the engine chosen
 * at boot.
 */
#ifndef ENGINE_IMPL_H
#define ENGINE_IMPL_H

#include "arch/layout.h"
#include "engine.h"
#include "host.h"

/* One queued host memory operation, executed by the stub. */
struct stub_op {
	u64 nr;
	u64 args[6];
};

struct engine_ops {
	const char *name; /* for the boot log */
	u64 max_ops;	  /* room for queued operations */
	int (*mm_init)(struct mm *mm);
	void (*mm_release)(struct mm *mm);
	int (*mm_flush)(struct mm *mm);
	enum engine_event (*run)(struct task *t);
	void (*fpu_save)(struct task *t);
	/* The XSAVE image the host holds for mm's guest thread now (t is its
	 * FPU owner), and its length; NULL if there is none. */
	const u8 *(*host_xstate)(struct task *t, u32 *len);
	void (*reap_all)(void); /* waits for children killed but not reaped */
	void (*shutdown)(void); /* kills and reaps every child left */
	u64 (*fast_entry)(void); /* see engine_fast_entry; NULL: none */
};

extern const struct engine_ops ptrace_engine, seccomp_engine;

/* The stub image and its routines (arch-um/stub.S). */
extern char __stub_start[], __stub_end[];
#define STUB_SYM(sym) (STUB_CODE_ADDR + (u64)((sym)-__stub_start))
/* The physmem frames holding the stub code and the wake page. */
extern s64 stub_code_frame, stub_wake_frame;

/* This address space's stub data area, as the kernel sees it. */
static inline char *stub_data(struct mm *mm)
{
	return frame_to_virt((u64)mm->eng.data_frame);
}

static inline struct stub_op *stub_ops(struct mm *mm)
{
	return (struct stub_op *)(stub_data(mm) + STUB_DATA_OPS);
}

/* Allocates (zeroed) and frees the stub data frames of mm. */
int stub_data_alloc(struct mm *mm);
void stub_data_free(struct mm *mm);
/*
 * Creates the host process of mm, entering the stub at entry; ro_len
 * leading bytes of its data read-only and done_fd kept (seccomp), or 0
 * and -1 (ptrace). Sets mm->eng.pid; -ENOMEM or -EAGAIN, logged.
 */
int stub_spawn(struct mm *mm, u64 entry, u64 ro_len, int done_fd);

/* The largest XSAVE image kept per task; larger ones keep only fp. */
#define XSTATE_MAX 4096
/* Saves len bytes of t's XSAVE image; false if it cannot (then fp only). */
bool engine_xstate_keep(struct task *t, const void *x, u32 len);
/* Writes the legacy (FXSAVE) part of fp into XSAVE image x, with MXCSR as
 * the image's mask allows, marking x87 and SSE as present. */
void xstate_put_legacy(u8 *x, const struct fpstate *fp);

/*
 * Keeps host thread tid, which only runs while the kernel waits for it,
 * on the kernel's CPU: then each handoff is a switch on one CPU, not an
 * interprocessor wakeup. Recorded in mm->eng.mm_cpu; no-op if there.
 */
void engine_pin_to(struct mm *mm, int tid, unsigned cpu);

/* What a host signal that stopped guest code means to the kernel. */
enum engine_event engine_signal_event(int sig, int code);

/* Can the seccomp engine run on this host? Logs why not. */
bool seccomp_engine_probe(void);

#endif
