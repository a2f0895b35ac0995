/*
 * The x86-64 signal context as Linux lays it out in a signal frame: what
 * the guest's handlers see (arch-um/sigframe.c) and what the seccomp
 * engine reads and edits in its child's frames (arch-um/engine_seccomp.c).
 */
#ifndef ARCH_SIGCONTEXT_H
#define ARCH_SIGCONTEXT_H

#include "arch/regs.h"
#include "types.h"

struct k_sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2, fpstate;
	u64 reserved1[8];
};

struct k_ucontext {
	u64 uc_flags, uc_link;
	struct {
		u64 ss_sp;
		s32 ss_flags, pad;
		u64 ss_size;
	} uc_stack;
	struct k_sigcontext mc;
	u64 uc_sigmask;
};

_Static_assert(sizeof(struct k_sigcontext) == 256, "sigcontext layout");

/*
 * The general registers between struct uregs and a signal context
 * (arch-um/sigframe.c). sigcontext_to_regs leaves eflags alone: a guest
 * rt_sigreturn may change only the user's flags, the engine takes all.
 */
void regs_to_sigcontext(const struct uregs *r, struct k_sigcontext *mc);
void sigcontext_to_regs(const struct k_sigcontext *mc, struct uregs *r);

/* In the FXSAVE image: the software-reserved bytes saying XSAVE follows. */
#define FX_SW_BYTES	 464
#define FP_XSTATE_MAGIC1 0x46505853U
/* The XSAVE header's feature bitmap follows the 512-byte legacy area; then
 * the compaction bitmap and reserved bytes, up to the extended areas. */
#define XSAVE_XFEATURES 512
#define XSAVE_HDR_END 576
/* struct _fpx_sw_bytes at FX_SW_BYTES: magic1, extended_size (+4),
 * xfeatures (+8), xstate_size (+16); magic2 ends the extended frame. */
#define FP_XSTATE_MAGIC2 0x46505845U
#define FP_XSTATE_MAGIC2_SIZE 4
/* uc_flags: the frame's fpstate is a whole XSAVE image. */
#define UC_FP_XSTATE 0x1

#endif
