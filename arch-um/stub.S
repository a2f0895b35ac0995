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
 */
#include "arch/layout.h"

	.section .stub, "ax"
	.balign 4096
	.globl __stub_start
__stub_start:

	.globl stub_clean
stub_clean:
	movl $11, %eax                 /* munmap(0, STUB_CODE_ADDR) */
	xorl %edi, %edi
	movabsq $STUB_CODE_ADDR, %rsi
	syscall
	movl $11, %eax                 /* munmap(STUB_END, top - STUB_END) */
	movabsq $STUB_END, %rdi
	movabsq $(HOST_TASK_SIZE - STUB_END), %rsi
	syscall
	int3
1:	jmp 1b

	.globl stub_batch
stub_batch:
	movabsq $STUB_DATA_ADDR, %rbx
	movq STUB_DATA_NOPS(%rbx), %r12
	leaq STUB_DATA_OPS(%rbx), %r13
	xorl %r14d, %r14d
2:	cmpq %r12, %r14
	jae 3f
	movq 0(%r13), %rax
	movq 8(%r13), %rdi
	movq 16(%r13), %rsi
	movq 24(%r13), %rdx
	movq 32(%r13), %r10
	movq 40(%r13), %r8
	movq 48(%r13), %r9
	syscall
	cmpq $-4095, %rax
	jae 4f
	addq $STUB_OP_SIZE, %r13
	incq %r14
	jmp 2b
3:	xorl %eax, %eax
4:	movq %rax, STUB_DATA_RESULT(%rbx)
	movq %r14, STUB_DATA_DONE(%rbx)
	int3
5:	jmp 5b

	.balign 4096
	.globl __stub_end
__stub_end:

	.section .note.GNU-stack,"",@progbits
