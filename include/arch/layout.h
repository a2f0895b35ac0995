/*
 * The guest address-space layout (x86-64, 47-bit user space). Included by
 * C and assembly. The stub occupies a few pages at the top of every guest
 * address space; guest mappings live below TASK_SIZE.
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define HOST_TASK_SIZE 0x7ffffffff000
#define STUB_CODE_ADDR 0x7fffff000000
#define STUB_CODE_PAGES 1
#define STUB_DATA_ADDR (STUB_CODE_ADDR + STUB_CODE_PAGES * 4096)
#define STUB_DATA_PAGES 8
/*
 * The wake page: one physmem page mapped into every child, a futex word
 * per child (SC_WAKE_SLOTS, a child's being SC_CTL_WAKEW). A parked guest
 * thread sleeps on its word; the kernel changes it before waking the
 * thread, or has another parked child wake it (SC_HANDOFF). It is
 * writable (a futex on a read-only page costs a failed write lookup each
 * time), which no guest can turn into a lost wakeup: guest code runs in
 * one child at a time, and never while the kernel resumes another, so a
 * guest's writes to the words of others only wake them in vain, and to
 * SC_WAKE_CROWDED only change whether parked threads yield (stub.S).
 */
#define STUB_WAKE_ADDR (STUB_DATA_ADDR + STUB_DATA_PAGES * 4096)
#define STUB_WAKE_PAGES 1
#define SC_WAKE_SLOTS 512
/* u64 in the wake page: the TSC until which parked threads do not yield. */
#define SC_WAKE_CROWDED 2048
#define STUB_END (STUB_WAKE_ADDR + STUB_WAKE_PAGES * 4096)

#define TASK_SIZE STUB_CODE_ADDR
/* The initial stack top and the base below which mmap searches. */
#define STACK_TOP 0x7ffffefff000
#define MMAP_BASE 0x7ffff7fff000
/* Where ET_DYN executables without a fixed address are loaded. */
#define ELF_ET_DYN_BASE 0x555555554000

/* Layout of the stub data area (see arch-um/stub.S). */
#define STUB_DATA_NOPS 0
#define STUB_DATA_RESULT 8
#define STUB_DATA_DONE 16
#define STUB_DATA_OPS 32
#define STUB_OP_SIZE 56

/*
 * The seccomp engine splits the data area in three (arch-um/stub.S,
 * arch-um/engine_seccomp.c): the control pages, read-only in the child,
 * where the kernel queues memory operations (the same header and records
 * as above, the first u32 being the request sequence); the
 * communication page; and the signal stack of the guest thread.
 */
#define SC_CTL_PAGES 2
#define SC_COMM (SC_CTL_PAGES * 4096)
#define SC_ALTSTACK (SC_COMM + 4096)
#define SC_ALTSTACK_SIZE (STUB_DATA_PAGES * 4096 - SC_ALTSTACK)
#define SC_COMM_ADDR (STUB_DATA_ADDR + SC_COMM)

/* Header of the control pages (the operations follow at STUB_DATA_OPS). */
#define SC_CTL_SEQ 0     /* u32 futex: the memory thread's request number */
#define SC_CTL_SPIN 4    /* u32: spin rounds before a thread sleeps */
#define SC_CTL_NOPS 8     /* u64: operations queued */
#define SC_CTL_FLAGS 16  /* u32: SC_F_* */
#define SC_CTL_DONE_FD 20 /* u32: the pipe the memory thread confirms on */
#define SC_CTL_OKB 24    /* u8: the byte it writes there when all went well */
#define SC_CTL_FAILB 25  /* u8: and when an operation failed */
#define SC_CTL_YIELD 26  /* u16: yield phase, in units of 1024 TSC cycles */
#define SC_CTL_WAKEW 28  /* u32: index of this child's word in the wake page */

/* Fields of the communication page (offsets from SC_COMM). */
#define SC_STATE 0       /* u32 futex: RUNNING, TRAPPED, RESUME */
#define SC_KWAIT 4       /* u32: the kernel sleeps on SC_STATE */
#define SC_CWAIT 8       /* u32: the guest thread sleeps on its wake word */
#define SC_MM_SLEEP 12   /* u32: the memory thread sleeps on the request */
#define SC_MM_DONE_SEQ 16 /* u32 futex: last request the memory thread did */
#define SC_HANDOFF 20    /* u32: 1 + a wake word to wake before sleeping */
#define SC_MM_RESULT 24  /* s64: 0 or the failed operation's error */
#define SC_MM_DONE 32    /* u64: operations done */
#define SC_SIG 40        /* u64: the handler's arguments */
#define SC_INFO 48
#define SC_UC 56
#define SC_FS 64         /* u64: fs/gs base at the trap (FSGSBASE hosts) */
#define SC_GS 72
#define SC_NEW_FS 80     /* u64: bases to load before returning */
#define SC_NEW_GS 88
#define SC_SET_FSGS 96   /* u32: 1 load SC_NEW_FS, 2 load SC_NEW_GS */
#define SC_FCMD 100      /* u32: to a fast-parked thread: 0 return, 1 trap */
#define SC_MM_READY 104  /* u32: the memory thread's filter is in place */
#define SC_KCPU 108      /* u32: host CPU of the kernel thread */
#define SC_CCPU 112      /* u32: host CPU of the guest thread at its trap */
#define SC_MCPU 116      /* u32: host CPU of the memory thread at its work */
#define SC_MM_TID 120    /* u32: host thread id of the memory thread */
#define SC_HOW 124       /* u32: how the thread parked: 0 signal, 1 fast */
/* Set-up data, read once by stub_sc_start. */
#define SC_ALLMASK 128   /* u64: all signals */
#define SC_NOMASK 136    /* u64: none */
#define SC_SA 144        /* kernel sigaction: handler, flags, restorer, mask */
#define SC_SS 176        /* stack_t of the signal stack */
#define SC_GUEST_PROG 200 /* struct sock_fprog of each thread's filter */
#define SC_MM_PROG 216
#define SC_SIGS 232      /* u8 signal numbers to handle, 0-terminated */
#define SC_FILTERS 512   /* the filter programs */
#define SC_FILTERS_END 3072
/*
 * The fast entry's save area (stub_sc_fast): the guest registers of a
 * system call that came through a patched site, no signal frame. Its
 * own few bytes of stack end at the page's end.
 */
#define SC_FX 3072
#define SC_FX_RAX (SC_FX + 0)   /* the system call number */
#define SC_FX_RBX (SC_FX + 8)
#define SC_FX_RCX (SC_FX + 16)  /* the return address (rip) */
#define SC_FX_RDX (SC_FX + 24)
#define SC_FX_RSI (SC_FX + 32)
#define SC_FX_RDI (SC_FX + 40)
#define SC_FX_RBP (SC_FX + 48)
#define SC_FX_RSP (SC_FX + 56)
#define SC_FX_R8 (SC_FX + 64)
#define SC_FX_R9 (SC_FX + 72)
#define SC_FX_R10 (SC_FX + 80)
#define SC_FX_R12 (SC_FX + 88)
#define SC_FX_R13 (SC_FX + 96)
#define SC_FX_R14 (SC_FX + 104)
#define SC_FX_R15 (SC_FX + 112)
#define SC_FX_FLAGS (SC_FX + 120) /* rflags, as r11 returns them */
#define SC_FX_FS (SC_FX + 128)  /* fs/gs bases (FSGSBASE hosts) */
#define SC_FX_GS (SC_FX + 136)
#define SC_FX_STACK 4096

#define SC_RUNNING 0
#define SC_TRAPPED 1
#define SC_RESUME 2
/* In SC_HANDOFF: give the CPU to whoever else is runnable there. */
#define SC_HANDOFF_YIELD 0xffffffff
/* A yield this many phases long means CPU hogs: none for a window. */
#define SC_CROWDED_PHASES 8
#define SC_CROWDED_WINDOW 2000
#define SC_F_FSGSBASE 1

#endif
