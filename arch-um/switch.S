/*
 * Kernel task context switch. Only the callee-saved registers of the
 * System V ABI need saving: the switch is an ordinary function call.
 *
 * void arch_switch_stack(void **save_sp, void *new_sp)
 */
	.text
	.globl arch_switch_stack
	.type arch_switch_stack, @function
arch_switch_stack:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size arch_switch_stack, .-arch_switch_stack

/*
 * First code a new task runs: its prepared stack "returns" here with the
 * entry function in %r12 and a 16-byte aligned stack.
 */
	.globl arch_task_trampoline
	.type arch_task_trampoline, @function
arch_task_trampoline:
	xorl %ebp, %ebp
	call *%r12
	ud2
	.size arch_task_trampoline, .-arch_task_trampoline

	.section .note.GNU-stack,"",@progbits
