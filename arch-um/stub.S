/*
 * The stub: the only code mapped in a fresh guest address space, copied
 * into a physmem frame at boot and mapped at STUB_CODE_ADDR in every child.
 * It is position independent and uses no stack.
 *
 * stub_clean: run once by a new child; unmaps everything except the stub
 * pages (the copy of the kernel it was forked from, the host vDSO, its
 * stack) and traps to the tracer.
 *
 * stub_batch: executes the queued memory operations in the stub data area
 * (STUB_DATA_ADDR: u64 nops; s64 result; u64 done; u64 pad; then nops
 * records of { u64 nr; u64 args[6] }), stops at the first failure, records
 * the result and the number done, then traps to the tracer.
 *
 * stub_sc_*: the seccomp engine's child (arch-um/engine_seccomp.c). The
 * child has two threads. The guest thread runs guest code; every system
 * call it makes outside this page traps (SIGSYS) and, like its faults and
 * the interrupt signal, lands in stub_sc_handler on the signal stack,
 * which hands the context to the kernel through the communication page
 * and waits for it to be handed back. The memory thread never runs guest
 * code: it waits for requests in the control pages, which the child can
 * only read, and is the only thread its filter lets map memory. So a
 * guest that jumps into this page can reach no host call that matters.
 */
#include "arch/layout.h"

/*
 * Executes r12 operation records from r13 on, stopping at the first that
 * fails; r14 counts those done, rax ends 0 or the failure's error.
 */
/* Unmaps everything but the stub pages. */
.macro UNMAP_ALL_BUT_STUB
	movl $11, %eax                 /* munmap(0, STUB_CODE_ADDR) */
	xorl %edi, %edi
	movabsq $STUB_CODE_ADDR, %rsi
	syscall
	movl $11, %eax                 /* munmap(STUB_END, top - STUB_END) */
	movabsq $STUB_END, %rdi
	movabsq $(HOST_TASK_SIZE - STUB_END), %rsi
	syscall
.endm

.macro RUN_OPS
	xorl %r14d, %r14d
90:	cmpq %r12, %r14
	jae 91f
	movq 0(%r13), %rax
	movq 8(%r13), %rdi
	movq 16(%r13), %rsi
	movq 24(%r13), %rdx
	movq 32(%r13), %r10
	movq 40(%r13), %r8
	movq 48(%r13), %r9
	syscall
	cmpq $-4095, %rax
	jae 92f
	addq $STUB_OP_SIZE, %r13
	incq %r14
	jmp 90b
91:	xorl %eax, %eax
92:
.endm

	.section .stub, "ax"
	.balign 4096
	.globl __stub_start
__stub_start:

	.globl stub_clean
stub_clean:
	UNMAP_ALL_BUT_STUB
	int3
1:	jmp 1b

	.globl stub_batch
stub_batch:
	movabsq $STUB_DATA_ADDR, %rbx
	movq STUB_DATA_NOPS(%rbx), %r12
	leaq STUB_DATA_OPS(%rbx), %r13
	RUN_OPS
	movq %rax, STUB_DATA_RESULT(%rbx)
	movq %r14, STUB_DATA_DONE(%rbx)
	int3
5:	jmp 5b

/* ---- the seccomp engine ---- */
#define COMM SC_COMM_ADDR
#define CTL STUB_DATA_ADDR
#define NR_WRITE 1
#define NR_RT_SIGACTION 13
#define NR_RT_SIGPROCMASK 14
#define NR_RT_SIGRETURN 15
#define NR_SCHED_YIELD 24
#define NR_CLONE 56
#define NR_EXIT_GROUP 231
#define NR_SIGALTSTACK 131
#define NR_ARCH_PRCTL 158
#define NR_FUTEX 202
#define NR_SECCOMP 317
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
/* CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM */
#define THREAD_FLAGS 0x50f00
#define SC_MAX_OPS ((SC_CTL_PAGES * 4096 - STUB_DATA_OPS) / STUB_OP_SIZE)
#define IRQ_SIGNAL 26                  /* SIGVTALRM, as engine_seccomp.c */
#define UC_RIP 168                     /* rip in a ucontext_t */
/* Where a stub symbol is in the child. */
#define STUB_ADDR(sym) (STUB_CODE_ADDR + ((sym) - __stub_start))

/* rdi: the address of word eax (taken modulo SC_WAKE_SLOTS) of the wake page. */
.macro WAKE_WORD
	andl $(SC_WAKE_SLOTS - 1), %eax
	movabsq $STUB_WAKE_ADDR, %rdi
	leaq (%rdi,%rax,4), %rdi
.endm

/* rdx: the 64-bit TSC from the edx:eax rdtsc or rdtscp left. */
.macro TSC_RDX
	shlq $32, %rdx
	orq %rax, %rdx
.endm

/*
 * Stores \val in field of the communication page unless it holds it: a
 * line the kernel reads then stays in both CPUs' caches, and each trap
 * moves fewer lines between them.
 */
.macro STORE_CHANGED val, field
	cmpl \val, \field(%rbx)
	je 79f
	movl \val, \field(%rbx)
79:
.endm

/*
 * Parks the guest thread: says how (SC_HOW, \how), sets TRAPPED, wakes a
 * kernel asleep on it, then waits for RESUME and jumps to \resumed. It
 * waits in three phases, the first two skipped on the kernel's CPU:
 * spinning (SC_CTL_SPIN rounds); yielding (SC_CTL_YIELD), polling between
 * sched_yield calls, so that the thread the kernel resumes next can run
 * on this CPU while this one stays ready to go on at once; and asleep on
 * its word in the wake page (SC_CTL_WAKEW), whose value it reads before
 * it looks at the state a last time: the kernel sets RESUME, then changes
 * the word, then wakes it. The kernel may ask (SC_HANDOFF) that it yield
 * now (SC_HANDOFF_YIELD: the thread resumed next polls on this CPU), or
 * that it wake a child that sleeps and then yield to it: either way a
 * guest process switch is one host switch, as between native processes.
 * A yield that lasts SC_CROWDED_PHASES phases means others took this
 * CPU for long: for SC_CROWDED_WINDOW phases after that, parked threads
 * go to sleep without yielding (SC_WAKE_CROWDED).
 * rbx: the communication page, rbp: the control pages; clobbers rax,
 * rcx, rdx, rsi, rdi, r10, r11.
 */
.macro PARK how, resumed
	STORE_CHANGED $\how, SC_HOW
	movl $SC_TRAPPED, %eax
	xchgl %eax, SC_STATE(%rbx)     /* a full barrier before reading KWAIT */
	cmpl $0, SC_KWAIT(%rbx)
	je 81f
	movl $NR_FUTEX, %eax
	leaq SC_STATE(%rbx), %rdi
	movl $FUTEX_WAKE, %esi
	movl $1, %edx
	syscall
	/* On the kernel's CPU, spinning would only keep it from running. */
81:	movl SC_CCPU(%rbx), %ecx
	cmpl SC_KCPU(%rbx), %ecx
	je 84f
	movl SC_CTL_SPIN(%rbp), %ecx
82:	cmpl $0, SC_HANDOFF(%rbx)
	jne 83f
	cmpl $SC_RESUME, SC_STATE(%rbx)
	je \resumed
	pause
	decl %ecx
	jnz 82b
	/* Yielding, until rsi on the TSC, unless hogs were found lately. */
83:	rdtsc
	TSC_RDX
	movabsq $(STUB_WAKE_ADDR + SC_WAKE_CROWDED), %rdi
	cmpq (%rdi), %rdx
	jb 84f
	movzwl SC_CTL_YIELD(%rbp), %esi
	shlq $10, %rsi
	addq %rdx, %rsi
85:	cmpl $SC_RESUME, SC_STATE(%rbx)
	je \resumed
	movl SC_HANDOFF(%rbx), %eax
	testl %eax, %eax
	jz 86f
	cmpl $SC_HANDOFF_YIELD, %eax
	jne 84f                        /* a child to wake first */
	xorl %ecx, %ecx                /* taken, unless a wake request replaced it */
	lock cmpxchgl %ecx, SC_HANDOFF(%rbx)
	jne 85b
86:	rdtscp                         /* ecx: the host CPU (Linux's TSC_AUX) */
	andl $0xfff, %ecx
	STORE_CHANGED %ecx, SC_CCPU
	cmpl SC_KCPU(%rbx), %ecx
	je 84f
	TSC_RDX
	cmpq %rsi, %rdx
	jae 84f
	movq %rdx, %rdi
	movl $NR_SCHED_YIELD, %eax
	syscall
	/*
	 * One yield as long as SC_CROWDED_PHASES phases: threads that are
	 * not waiting for the kernel want this CPU, and would take it for
	 * that long at every yield. No parked thread yields for a while.
	 */
	rdtsc
	TSC_RDX
	movq %rdx, %rax
	subq %rdi, %rax
	movzwl SC_CTL_YIELD(%rbp), %ecx
	imulq $(SC_CROWDED_PHASES * 1024), %rcx, %r10
	cmpq %r10, %rax
	jb 85b
	imulq $(SC_CROWDED_WINDOW * 1024), %rcx, %rcx
	addq %rdx, %rcx
	movabsq $(STUB_WAKE_ADDR + SC_WAKE_CROWDED), %rdi
	movq %rcx, (%rdi)
	/* Asleep. */
84:	movl $1, %eax
	xchgl %eax, SC_CWAIT(%rbx)
	xorl %eax, %eax                /* the kernel takes it back if it is left */
	xchgl %eax, SC_HANDOFF(%rbx)
	testl %eax, %eax
	jz 87f
	cmpl $SC_HANDOFF_YIELD, %eax
	je 87f
	decl %eax
	WAKE_WORD
	movl $NR_FUTEX, %eax
	movl $FUTEX_WAKE, %esi
	movl $0x7fffffff, %edx         /* all: children may share a word */
	syscall
	movl $0, SC_CWAIT(%rbx)        /* and yield to it */
	jmp 83b
87:	movl SC_CTL_WAKEW(%rbp), %eax
	WAKE_WORD
	movl (%rdi), %edx
	cmpl $SC_RESUME, SC_STATE(%rbx)
	je \resumed
	movl $NR_FUTEX, %eax
	movl $FUTEX_WAIT, %esi
	xorl %r10d, %r10d
	syscall
	jmp 84b
.endm

/*
 * Entered once by a new child (host/proc.c) with the stub mapped and
 * the set-up data in the communication page. Ends in a first trap; the
 * kernel then replaces this context with the guest's once the memory
 * thread has said its filter is in place (SC_MM_READY).
 */
	.globl stub_sc_start
stub_sc_start:
	UNMAP_ALL_BUT_STUB
	movabsq $COMM, %rbx
	movl $NR_RT_SIGPROCMASK, %eax  /* block all: the memory thread keeps it */
	movl $2, %edi
	leaq SC_ALLMASK(%rbx), %rsi
	xorl %edx, %edx
	movl $8, %r10d
	syscall
	testq %rax, %rax
	jnz sc_fail
	movl $NR_CLONE, %eax           /* same stack: neither thread uses it */
	movl $THREAD_FLAGS, %edi
	xorl %esi, %esi
	xorl %edx, %edx
	xorl %r10d, %r10d
	xorl %r8d, %r8d
	syscall
	testq %rax, %rax
	jz sc_mm_thread
	js sc_fail
	movl %eax, SC_MM_TID(%rbx)
	movl $NR_SIGALTSTACK, %eax
	leaq SC_SS(%rbx), %rdi
	xorl %esi, %esi
	syscall
	testq %rax, %rax
	jnz sc_fail
	leaq SC_SIGS(%rbx), %r12
1:	movzbl (%r12), %edi
	testl %edi, %edi
	jz 2f
	movl $NR_RT_SIGACTION, %eax
	leaq SC_SA(%rbx), %rsi
	xorl %edx, %edx
	movl $8, %r10d
	syscall
	testq %rax, %rax
	jnz sc_fail
	incq %r12
	jmp 1b
2:	movl $NR_RT_SIGPROCMASK, %eax
	movl $2, %edi
	leaq SC_NOMASK(%rbx), %rsi
	xorl %edx, %edx
	movl $8, %r10d
	syscall
	movl $NR_SECCOMP, %eax         /* SECCOMP_SET_MODE_FILTER */
	movl $1, %edi
	xorl %esi, %esi
	leaq SC_GUEST_PROG(%rbx), %rdx
	syscall
	testq %rax, %rax
	jnz sc_fail
	int3
4:	jmp 4b

sc_fail:
	movq %rax, %rdi
	negq %rdi
	movl $NR_EXIT_GROUP, %eax
	syscall
5:	jmp 5b

sc_mm_thread:
	movl $NR_SECCOMP, %eax
	movl $1, %edi
	xorl %esi, %esi
	leaq SC_MM_PROG(%rbx), %rdx
	syscall
	testq %rax, %rax
	jnz sc_fail
	movl $1, SC_MM_READY(%rbx)
	movl $NR_FUTEX, %eax
	leaq SC_MM_READY(%rbx), %rdi
	movl $FUTEX_WAKE, %esi
	movl $1, %edx
	syscall
	/*
	 * The memory thread: rbx the communication page, rbp the control
	 * pages, r15d the last request done. Only registers: its stack is
	 * guest-writable memory.
	 */
	movabsq $CTL, %rbp
	xorl %r15d, %r15d
sc_mm_wait:
	movl SC_CTL_SPIN(%rbp), %ecx
sc_mm_spin:
	movl (%rbp), %eax
	cmpl %r15d, %eax
	jne sc_mm_go
	pause
	decl %ecx
	jnz sc_mm_spin
	movl $1, %eax
	xchgl %eax, SC_MM_SLEEP(%rbx)
	movl (%rbp), %eax
	cmpl %r15d, %eax
	jne 2f
	movl $NR_FUTEX, %eax
	movq %rbp, %rdi
	movl $FUTEX_WAIT, %esi
	movl %r15d, %edx
	xorl %r10d, %r10d
	syscall
2:	movl $0, SC_MM_SLEEP(%rbx)
	jmp sc_mm_wait
sc_mm_go:
	movl %eax, %r15d
	rdtscp
	andl $0xfff, %ecx
	movl %ecx, SC_MCPU(%rbx)
	movq SC_CTL_NOPS(%rbp), %r12
	cmpq $SC_MAX_OPS, %r12
	jbe 1f
	movl $SC_MAX_OPS, %r12d
1:	leaq STUB_DATA_OPS(%rbp), %r13
	RUN_OPS
	movq %rax, SC_MM_RESULT(%rbx)
	movq %r14, SC_MM_DONE(%rbx)
	/*
	 * The guest thread can write the communication page too, so the
	 * kernel trusts only this: a byte on the pipe only this thread may
	 * write to, taken from the read-only control page (the kernel's
	 * value for success or for failure of this request). The sequence
	 * word after it is a hint for a kernel that spins on another CPU.
	 */
	leaq SC_CTL_OKB(%rbp), %rsi        /* which byte says how it went */
	testq %rax, %rax
	jz 6f
	leaq SC_CTL_FAILB(%rbp), %rsi
6:	movl $NR_WRITE, %eax
	movl SC_CTL_DONE_FD(%rbp), %edi
	movl $1, %edx
	syscall
	movl %r15d, SC_MM_DONE_SEQ(%rbx)
	/* On the kernel's CPU, spinning would only keep it from running. */
	movl SC_MCPU(%rbx), %eax
	cmpl SC_KCPU(%rbx), %eax
	jne sc_mm_wait
	movl $1, %ecx
	jmp sc_mm_spin

/*
 * The guest thread's handler of SIGSYS, faults and the interrupt signal,
 * on the signal stack with every signal blocked. The kernel reads and
 * edits the frame in place, then sets RESUME.
 */
	.globl stub_sc_handler
stub_sc_handler:
	/*
	 * The interrupt signal is dropped where it finds the fast entry
	 * before its thread has seen RESUME: that thread parks, or is
	 * parked, anyway. Anything else parks here, as usual.
	 */
	cmpl $IRQ_SIGNAL, %edi
	jne 1f
	movq UC_RIP(%rdx), %rax
	movabsq $STUB_ADDR(stub_sc_fast), %rcx
	subq %rcx, %rax
	cmpq $(stub_sc_fast_resume - stub_sc_fast), %rax
	jae 1f
	ret
1:	movabsq $COMM, %rbx
	movabsq $CTL, %rbp
	movq %rdx, %r13
	rdtscp                         /* ecx: the host CPU (Linux's TSC_AUX) */
	andl $0xfff, %ecx
	STORE_CHANGED %ecx, SC_CCPU
	movq %r13, %rdx
	movq %rdi, SC_SIG(%rbx)
	movq %rsi, SC_INFO(%rbx)
	movq %rdx, SC_UC(%rbx)
	testl $SC_F_FSGSBASE, SC_CTL_FLAGS(%rbp)
	jz 1f
	rdfsbase %rax
	movq %rax, SC_FS(%rbx)
	rdgsbase %rax
	movq %rax, SC_GS(%rbx)
1:	PARK 0, 6f
6:	STORE_CHANGED $0, SC_CWAIT
	movl $SC_RUNNING, SC_STATE(%rbx)
	movl SC_SET_FSGS(%rbx), %r12d
	testl %r12d, %r12d
	jz 9f
	movl $0, SC_SET_FSGS(%rbx)
	testl $SC_F_FSGSBASE, SC_CTL_FLAGS(%rbp)
	jz 7f
	testl $1, %r12d
	jz 1f
	movq SC_NEW_FS(%rbx), %rax
	wrfsbase %rax
1:	testl $2, %r12d
	jz 9f
	movq SC_NEW_GS(%rbx), %rax
	wrgsbase %rax
	jmp 9f
7:	testl $1, %r12d
	jz 8f
	movl $NR_ARCH_PRCTL, %eax
	movl $0x1002, %edi             /* ARCH_SET_FS */
	movq SC_NEW_FS(%rbx), %rsi
	syscall
8:	testl $2, %r12d
	jz 9f
	movl $NR_ARCH_PRCTL, %eax
	movl $0x1001, %edi             /* ARCH_SET_GS */
	movq SC_NEW_GS(%rbx), %rsi
	syscall
9:	ret                            /* to stub_sc_restorer */

	.globl stub_sc_restorer
stub_sc_restorer:
	movl $NR_RT_SIGRETURN, %eax
	syscall
	ud2

/*
 * The fast entry: a patched system call site (arch-um/sysfast.c) jumps
 * here from its trampoline with rax the call's number, rcx the address
 * to return to and r11 free, as after a syscall instruction. It parks
 * the thread like the handler, without a signal: the guest registers go
 * to the save area in the communication page (a few bytes of stack there
 * too: the guest's stack and its red zone are never touched), the FPU
 * stays loaded. On RESUME it returns with the kernel's values, rcx the
 * return address and r11 rflags as the syscall instruction leaves them;
 * told to (SC_FCMD), it traps instead (stub_sc_convert_trap), so the
 * kernel gets a signal frame with the FPU state in it.
 *
 * An interrupt signal that comes before RESUME is seen is dropped by the
 * handler; one that comes after, from stub_sc_fast_resume on, parks the
 * thread in the handler and the kernel takes it for an interrupt at the
 * return address, with the registers it resumed with.
 */
	.globl stub_sc_fast
stub_sc_fast:
	movabsq %rax, COMM + SC_FX_RAX
	movabsq $COMM, %rax
	movq %rcx, SC_FX_RCX(%rax)
	movq %rsp, SC_FX_RSP(%rax)
	leaq SC_FX_STACK(%rax), %rsp
	pushfq
	popq %r11
	movq %r11, SC_FX_FLAGS(%rax)
	movq %rbx, SC_FX_RBX(%rax)
	movq %rdx, SC_FX_RDX(%rax)
	movq %rsi, SC_FX_RSI(%rax)
	movq %rdi, SC_FX_RDI(%rax)
	movq %rbp, SC_FX_RBP(%rax)
	movq %r8, SC_FX_R8(%rax)
	movq %r9, SC_FX_R9(%rax)
	movq %r10, SC_FX_R10(%rax)
	movq %r12, SC_FX_R12(%rax)
	movq %r13, SC_FX_R13(%rax)
	movq %r14, SC_FX_R14(%rax)
	movq %r15, SC_FX_R15(%rax)
	movq %rax, %rbx
	movabsq $CTL, %rbp
	testl $SC_F_FSGSBASE, SC_CTL_FLAGS(%rbp)
	jz 1f
	rdfsbase %rax
	movq %rax, SC_FX_FS(%rbx)
	rdgsbase %rax
	movq %rax, SC_FX_GS(%rbx)
1:	rdtscp
	andl $0xfff, %ecx
	STORE_CHANGED %ecx, SC_CCPU
	PARK 1, stub_sc_fast_resume
	.globl stub_sc_fast_resume
stub_sc_fast_resume:
	STORE_CHANGED $0, SC_CWAIT
	movl $SC_RUNNING, SC_STATE(%rbx)
	cmpl $0, SC_FCMD(%rbx)
	jne stub_sc_convert_trap
	movq %rbx, %rax
	movq SC_FX_RBX(%rax), %rbx
	movq SC_FX_RDX(%rax), %rdx
	movq SC_FX_RSI(%rax), %rsi
	movq SC_FX_RDI(%rax), %rdi
	movq SC_FX_RBP(%rax), %rbp
	movq SC_FX_R8(%rax), %r8
	movq SC_FX_R9(%rax), %r9
	movq SC_FX_R10(%rax), %r10
	movq SC_FX_R12(%rax), %r12
	movq SC_FX_R13(%rax), %r13
	movq SC_FX_R14(%rax), %r14
	movq SC_FX_R15(%rax), %r15
	movq SC_FX_RCX(%rax), %rcx
	movq SC_FX_FLAGS(%rax), %r11
	pushq %r11
	popfq
	movq SC_FX_RSP(%rax), %rsp
	movabsq COMM + SC_FX_RAX, %rax
	jmp *%rcx
	.globl stub_sc_fast_end
stub_sc_fast_end:
	.globl stub_sc_convert_trap
stub_sc_convert_trap:
	ud2

	.balign 4096
	.globl __stub_end
__stub_end:

	.section .note.GNU-stack,"",@progbits
