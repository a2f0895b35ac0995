/*
 * System call site patching (arch-um/sysfast.c): a guest syscall
 * instruction that keeps trapping is given a way into the kernel without
 * a host signal, through the engine's fast entry (engine_fast_entry).
 */
#ifndef SYSFAST_H
#define SYSFAST_H

#include "types.h"

struct inode;
struct mm;
struct task;
struct sysfast;

/*
 * t stopped for a system call the host trapped at the syscall instruction
 * just before t->regs.rip (trap.kind TRAP_SYSCALL_INSN). Counts the site
 * and patches it once it is busy and its code has a known shape.
 */
void sysfast_note(struct task *t);
/*
 * t stopped with a signal (sig, si_code code). At the start of a
 * trampoline slot, where only single-stepping or a fault of the
 * instruction the slot repeats brings it: puts t->regs where the
 * unpatched code would have stopped. At an int3 the patch left inside a
 * site (code jumped there): gives the site its code back and returns
 * true, the signal is spent and t runs the original code.
 */
bool sysfast_fixup(struct task *t, int sig, int code);
/* The patching state of a forked address space: a copy of old's. */
struct sysfast *sysfast_fork(const struct sysfast *old);
void sysfast_free(struct sysfast *sf);
/*
 * [start, end) of mm is about to become writable: its sites get their
 * original code back for good (a program rewriting its code must find
 * what it wrote there, not a jmp).
 */
void sysfast_writable(struct mm *mm, u64 start, u64 end);
/*
 * len bytes at pos of inode's data were written: sites in private
 * mappings of them are given back, so that the process sees the new data
 * as it would have without the patch (its copy of a page it never wrote
 * itself goes, and the page comes back from the file).
 */
void sysfast_file_written(struct inode *inode, u64 pos, u64 len);
/*
 * The trampoline pages in [start, end) of mm were unmapped: the sites
 * that jump there get their original code back (called after the unmap).
 */
void sysfast_unmapped(struct mm *mm, u64 start, u64 end);

#endif
