/*
 * Guest register state. struct uregs has the layout of the host's
 * struct user_regs_struct, so the ptrace engine copies it whole.
 */
#ifndef ARCH_REGS_H
#define ARCH_REGS_H

#include "types.h"

struct uregs {
	u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	u64 rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags, rsp, ss;
	u64 fs_base, gs_base, ds, es, fs, gs;
};

/* The 512-byte FXSAVE image of the x87/SSE state. */
struct fpstate {
	u8 fx[512];
} __attribute__((aligned(16)));

/* Syscall argument registers in the x86-64 order. */
#define SYSCALL_ARG0(r) ((r)->rdi)
#define SYSCALL_ARG1(r) ((r)->rsi)
#define SYSCALL_ARG2(r) ((r)->rdx)
#define SYSCALL_ARG3(r) ((r)->r10)
#define SYSCALL_ARG4(r) ((r)->r8)
#define SYSCALL_ARG5(r) ((r)->r9)

#define USER_CS 0x33
#define USER_SS 0x2b
#define EFLAGS_DEFAULT 0x202
#define EFLAGS_TF 0x100 /* single-step */
/* The flags arithmetic sets (cmp, sub...). */
#define EFLAGS_CF 0x1
#define EFLAGS_PF 0x4
#define EFLAGS_AF 0x10
#define EFLAGS_ZF 0x40
#define EFLAGS_SF 0x80
#define EFLAGS_OF 0x800
#define EFLAGS_ARITH (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_OF)

#endif
