/*
 * Memory management. Guest physical memory is one host memory file of mem=
 * bytes ("physmem"), mapped whole into the kernel. Every page the kernel
 * allocates (guest pages, page cache, page tables, kernel objects, kernel
 * stacks) is a frame of physmem, so the guest's memory use is bounded by
 * mem= and visible in /proc/meminfo.
 *
 * All state here belongs to the kernel CPU thread; no locks.
 */
#ifndef MM_H
#define MM_H

#include "types.h"
#include "list.h"
#include "arch/regs.h"

/* --- physical memory --- */
extern char *physmem_base; /* [I] host address of frame 0 */
extern u64 physmem_frames; /* number of frames; grows (physmem_grow) */
extern int physmem_fd;     /* [I] host fd of the memory file */

struct page {
	u32 refcount;
	u16 flags;
	u8 order;      /* buddy order of a free block or a big allocation */
	u8 slab_class; /* for PG_SLAB */
	u32 next, prev; /* buddy free-list links (frame numbers) */
	u32 pad;
	void *owner;    /* page cache: the owning inode */
	u64 index;      /* page cache: offset in pages */
};
#define PG_FREE 0x01
#define PG_SLAB 0x02
#define PG_KBIG 0x04
#define PG_ANON 0x08  /* private anonymous page of a process */
#define PG_CACHE 0x10 /* belongs to a page cache (file data) */
#define PG_RESERVED 0x20
#define PG_SHMEM 0x40 /* with PG_CACHE: tmpfs data, which only freeing the file frees */

extern struct page *page_map;

static inline void *frame_to_virt(u64 frame)
{
	return physmem_base + (frame << 12);
}
static inline u64 virt_to_frame(const void *p)
{
	return (u64)((const char *)p - physmem_base) >> 12;
}
static inline struct page *frame_page(u64 frame)
{
	return &page_map[frame];
}

void physmem_init(u64 bytes);
int physmem_grow(u64 bytes);
u64 physmem_max_bytes(void);
/* Allocates 2^order contiguous frames; returns the first or -1. */
s64 frames_alloc(unsigned order);
/* Freed pages held back until host unmaps are confirmed (mm/physmem.c). */
extern bool frames_quarantine;
extern u64 quarantine_pages;
/* Returns them to the allocator: only once no host process maps them. */
void quarantine_free_all(void);
void frames_free(u64 frame, unsigned order);
/* One page: refcount 1, zeroed if zero is set. */
s64 page_alloc(bool zero);
void page_get(u64 frame);
/* Drops a reference; frees the frame when it reaches zero. */
void page_put(u64 frame);
u64 mem_free_pages(void);
u64 mem_total_pages(void);
extern u64 mem_anon_pages, mem_cache_pages, mem_kernel_pages;
/* The part of mem_cache_pages that is PG_SHMEM (/proc/meminfo's Shmem). */
extern u64 mem_shmem_pages;

void *kmalloc(size_t n);
void *kzalloc(size_t n);
void kfree(void *p);
char *kstrdup(const char *s);
char *kstrndup(const char *s, size_t n);

/* --- address spaces --- */
#define VM_SHARED 0x1
#define VM_GROWSDOWN 0x2
#define VM_STACK 0x4
#define VM_HEAP 0x8
#define VM_SYSFAST 0x10 /* trampolines of patched system call sites */

struct file;
struct sysfast;

struct vma {
	struct list_head list; /* in mm->vmas, sorted by start */
	u64 start, end;        /* [start, end), page aligned */
	u32 prot;              /* PROT_* the guest asked for */
	u32 flags;             /* VM_* */
	struct file *file;     /* file mapping (holds a reference) or NULL */
	u64 pgoff;             /* file offset of start, in pages */
	struct mm *mm;         /* [I] the address space it belongs to */
	struct list_head file_node; /* in the inode's mappings (file VMAs) */
};

/* The host side of an address space, owned by the process engine. */
struct engine_mm {
	int pid;               /* host process of this address space */
	s64 data_frame;        /* first frame of its stub data area */
	u64 nops;              /* queued stub operations */
	struct task *fp_owner; /* whose FPU state the host process holds */
	struct uregs stub_regs; /* valid register state for running the stub */
	struct uregs host_regs; /* what the host process's registers are now */
	bool host_regs_valid;   /* host_regs is accurate */
	struct list_head dirty; /* in the engine's list while ops are queued */
	/* 1 + the CPU the thread that answers the kernel is pinned to: ptrace,
	 * the traced child; seccomp, the memory thread. */
	u32 mm_cpu;
	/* seccomp engine */
	bool parked;            /* the guest thread waits with a frame */
	bool fast_parked;       /* it waits in the fast entry, no frame */
	bool fast_resumed;      /* it was last sent back from the fast entry */
	u32 mm_seq;             /* last memory request */
	u64 fs_base, gs_base;   /* what the guest thread has loaded */
	int mm_tid;             /* host thread id of the memory thread */
};

struct mm {
	int users;              /* tasks sharing it (threads, vfork child) */
	struct list_head vmas;
	u64 *pgd;               /* page-table root (kernel pointer) */
	u64 brk_start, brk;
	u64 stack_start;        /* top of the initial stack */
	u64 arg_start, arg_end, env_start, env_end;
	u64 mmap_base;
	u64 rss;                /* pages mapped */
	/* The most seen by mm_usage (VmHWM, VmPeak): a low estimate, since
	 * it looks only when /proc is read. */
	u64 hiwater_rss, hiwater_vm;
	u64 ahead_end;          /* where the last anonymous read-ahead ended */
	u64 ahead_pages;        /* and its window (mm/fault.c) */
	struct file *exe;       /* the executable (for /proc/pid/exe) */
	u32 membarrier_reg;     /* MEMBARRIER_CMD_REGISTER_* done */
	struct sysfast *sysfast; /* patched system call sites, or NULL */
	/* The address space this one was forked from, or NULL: only ever
	 * compared with a live mm, never followed (it may be gone). */
	struct mm *forked_from;
	struct engine_mm eng;
};

/* Page-table entry bits; the frame number is in bits 12 and up. */
#define PTE_PRESENT 0x1
#define PTE_WRITE 0x2  /* may be mapped writable (exclusive or shared) */
#define PTE_MAPPED 0x4 /* currently mapped in the host process */
#define PTE_SWAP 0x8   /* not present: the slot number is in bits 12+ */
/* Written after a fork shared it, by this process or a child: the next
 * fork copies it for the child at once (mm/vma.c, fork_copy). */
#define PTE_HOT 0x10

/* Swap (mm/swap.c). */
int swap_out(int want);
int swap_in(struct mm *mm, u64 *pte);
void swap_slot_get(u64 slot);
void swap_slot_put(u64 slot);
u64 swap_total_pages(void);
u64 swap_free_pages(void);
int swap_proc(char *buf, size_t len);

struct mm *mm_create(void);
/*
 * A copy-on-write copy of old for a child whose stack pointer is sp; the
 * pages the child is likely to write first are copied at once (see
 * fork_copy in mm/vma.c). NULL when out of memory.
 */
struct mm *mm_fork(struct mm *old, u64 sp);
void mm_put(struct mm *mm);
struct vma *vma_find(struct mm *mm, u64 addr);
/* Creates a mapping at a fixed place, replacing what was there. */
long mm_map(struct mm *mm, u64 start, u64 len, u32 prot, u32 flags,
	    struct file *file, u64 pgoff);
/* Is [start, start + len) unmapped, above the first 16 pages and below TASK_SIZE? */
bool mm_range_free(struct mm *mm, u64 start, u64 len);
/* Finds room for len bytes at or below hint's region (top-down). */
u64 mm_get_unmapped(struct mm *mm, u64 hint, u64 len);
int mm_unmap(struct mm *mm, u64 start, u64 len);
/* Drops the pages of [start, end) (the mappings stay): they fault in again. */
void mm_zap(struct mm *mm, u64 start, u64 end);
int mm_protect(struct mm *mm, u64 start, u64 len, u32 prot);
struct inode;
/* The file shrank: unmap its pages from index on, in every mapping. */
void mm_truncate_mappings(struct inode *inode, u64 index);

#define FAULT_READ 1
#define FAULT_WRITE 2
#define FAULT_HOST 3 /* reported by the host; access type unknown */
#define FAULT_FORCE 4 /* a debugger's write: private read-only pages too, by COW */
/*
 * Resolves a fault at addr. Returns 0, -EFAULT (no mapping: SEGV_MAPERR),
 * -EACCES (protection: SEGV_ACCERR), -ENOMEM (out of memory) or -EIO
 * (beyond the end of a mapped file: SIGBUS).
 */
int mm_fault(struct mm *mm, u64 addr, int access);
/*
 * Maps into mm's host process, as faults there would but without
 * allocating, the code a task resuming at pc with stack pointer sp is
 * likely to run first (a forked child): faults spared.
 */
void mm_map_resume(struct mm *mm, u64 pc, u64 sp);
/* A new private anonymous page holding a copy of frame's data; -1 if none. */
s64 anon_page_copy(u64 frame);

/* What an address space holds, in pages (mm/usage.c). */
struct mm_usage {
	u64 size;                          /* every mapping (VmSize) */
	u64 rss_anon, rss_file, rss_shmem; /* resident, by kind of page */
	u64 swap;                          /* swapped out (VmSwap) */
	u64 data, stack;                   /* private writable; stack */
	u64 exe, lib;                      /* read-only code: the program's; others' */
	u64 pte;                           /* page-table pages */
};
/* Counts mm's mappings and pages (all zero for a NULL mm). */
void mm_usage(struct mm *mm, struct mm_usage *u);

/* Another address space's memory, as ptrace reads and writes it. */
int access_mm_read(struct mm *mm, u64 addr, void *buf, size_t n);
int access_mm_write(struct mm *mm, u64 addr, const void *buf, size_t n, bool force);

/* Guest memory access through the kernel's own page tables. */
int copy_from_user(void *dst, u64 src, size_t n);
int copy_to_user(u64 dst, const void *src, size_t n);
int clear_user(u64 dst, size_t n);
/* Copies a NUL-terminated string of at most max bytes (incl. NUL). */
long strncpy_from_user(char *dst, u64 src, size_t max);
/* Copies a user path into a kmalloc'd buffer; returns it or ERR_PTR. */
char *user_path(u64 src);

/* --- process engine hooks used by mm --- */
void engine_queue_mmap(struct mm *mm, u64 addr, u64 len, u32 prot, u64 frame);
/* The same, with the host's page tables filled at once: for pages about to be touched. */
void engine_queue_mmap_populate(struct mm *mm, u64 addr, u64 len, u32 prot, u64 frame);
void engine_queue_munmap(struct mm *mm, u64 addr, u64 len);
void engine_queue_mprotect(struct mm *mm, u64 addr, u64 len, u32 prot);
/* The host protection of a page of v with page-table entry pte. */
u32 host_prot(struct vma *v, u64 pte);

#endif
