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
#define STUB_DATA_PAGES 4
#define STUB_END (STUB_DATA_ADDR + STUB_DATA_PAGES * 4096)

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

#endif
