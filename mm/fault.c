/*
 * Demand paging and copy-on-write. Faults come from the host (a guest
 * access the host process could not make) or from the kernel's own user
 * copies; both end here.
 */
#include <linux/mman.h>

#include "arch/layout.h"
#include "engine.h"
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "pgtable.h"
#include "printk.h"
#include "task.h"

/* A stack never grows closer than this to the mapping below it. */
#define STACK_GUARD_GAP (256ULL << 12)

u32 host_prot(struct vma *v, u64 pte)
{
	u32 p = v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC);

	if (!(pte & PTE_WRITE))
		p &= ~(u32)PROT_WRITE;
	if (p & (PROT_WRITE | PROT_EXEC))
		p |= PROT_READ;
	return p;
}

/* Out of pages: try to make room by swapping; -EAGAIN means retry. */
static int no_memory(void)
{
	if (reclaim_page_cache(256) > 0)
		return -EAGAIN;
	return swap_out(32) > 0 ? -EAGAIN : -ENOMEM;
}

static s64 new_anon_page(bool zero)
{
	s64 f = page_alloc(zero);

	if (f >= 0) {
		page_map[f].flags |= PG_ANON;
		mem_anon_pages++;
	}
	return f;
}

s64 anon_page_copy(u64 frame)
{
	s64 f = new_anon_page(false);

	if (f >= 0)
		memcpy(frame_to_virt((u64)f), frame_to_virt(frame), PAGE_SIZE);
	return f;
}

/*
 * The current task writes anonymous page frame at addr of mm, which a
 * fork write-protected. If mm was forked from the address space its
 * parent still runs in and that one still has frame there, the page is
 * marked hot there: the parent's next child gets a copy at once instead
 * of a fault (mm/vma.c, fork_copy). Children of one parent mostly write
 * the same pages (their stack, libc's fork bookkeeping).
 */
static void note_fork_write(struct mm *mm, u64 addr, u64 frame)
{
	struct mm *from = mm->forked_from;
	u64 *pte;

	if (!from || !current || current->mm != mm || !current->parent ||
	    current->parent->mm != from)
		return;
	pte = pte_lookup(from, addr, false);
	if (pte && (*pte & PTE_PRESENT) && pte_frame(*pte) == frame)
		*pte |= PTE_HOT;
}

/* Extends a grows-down stack VMA to cover addr if it is close enough. */
static struct vma *grow_stack(struct mm *mm, u64 addr)
{
	struct vma *v;

	list_for_each_entry(v, &mm->vmas, list) {
		if (v->start > addr) {
			struct vma *prev;
			u64 nstart = ALIGN_DOWN(addr, PAGE_SIZE), limit = 8ULL << 20;

			if (!(v->flags & VM_GROWSDOWN))
				return NULL;
			if (current && current->signal)
				limit = current->signal->rlim[RLIMIT_STACK].rlim_cur;
			if (v->end - nstart > limit)
				return NULL;
			prev = v->list.prev != &mm->vmas ?
				       list_entry(v->list.prev, struct vma, list) : NULL;
			if (prev && prev->end + STACK_GUARD_GAP > nstart)
				return NULL;
			v->start = nstart;
			return v;
		}
	}
	return NULL;
}

static int file_page(struct vma *v, u64 addr, u64 *frame)
{
	u64 index = v->pgoff + ((addr - v->start) >> PAGE_SHIFT);
	struct inode *inode = v->file->inode;

	if (!inode->iops || !inode->iops->getpage)
		return -EIO;
	/* Whole pages past the end of the file raise SIGBUS. */
	if (index >= ALIGN_UP(inode->size, PAGE_SIZE) >> PAGE_SHIFT)
		return -EIO;
	return inode->iops->getpage(inode, index, true, frame);
}

#define FAULT_AROUND_PAGES 16

/*
 * Maps page a of v into the host if that needs no allocation: the page is
 * in the page tables but not in the host (after fork, mprotect) or it is
 * file data already in the page cache. 0 when done or nothing to do;
 * -EIO past the end of the file, -ENOMEM: nothing further will map.
 */
static int map_present(struct mm *mm, struct vma *v, u64 a)
{
	u64 *pte = pte_lookup(mm, a, false);
	struct inode *inode;
	u64 index;
	s64 f;

	if (pte && (*pte & PTE_PRESENT)) {
		if (!(*pte & PTE_MAPPED)) {
			engine_queue_mmap(mm, a, PAGE_SIZE, host_prot(v, *pte), pte_frame(*pte));
			*pte |= PTE_MAPPED;
		}
		return 0;
	}
	if (!v->file)
		return 0;
	inode = v->file->inode;
	index = v->pgoff + ((a - v->start) >> PAGE_SHIFT);
	if (index >= ALIGN_UP(inode->size, PAGE_SIZE) >> PAGE_SHIFT)
		return -EIO;
	f = pcache_find(inode, index);
	if (f < 0)
		return 0;
	/* Referenced before allocating: allocation may reclaim. */
	page_get((u64)f);
	pte = pte_lookup(mm, a, true);
	if (!pte) {
		page_put((u64)f);
		return -ENOMEM;
	}
	*pte = ((u64)f << PAGE_SHIFT) | PTE_PRESENT | ((v->flags & VM_SHARED) ? PTE_WRITE : 0);
	mm->rss++;
	engine_queue_mmap(mm, a, PAGE_SIZE, host_prot(v, *pte), (u64)f);
	*pte |= PTE_MAPPED;
	return 0;
}

/*
 * Maps the neighbours of a faulting page that need no allocation (see
 * map_present): one stub round trip then serves many later accesses.
 */
static void fault_around(struct mm *mm, struct vma *v, u64 addr)
{
	u64 start = ALIGN_DOWN(addr, FAULT_AROUND_PAGES * PAGE_SIZE), end, a;

	if (!(v->prot & (PROT_READ | PROT_EXEC)))
		return;
	if (start < v->start)
		start = v->start;
	end = MIN(v->end, start + FAULT_AROUND_PAGES * PAGE_SIZE);
	for (a = start; a < end; a += PAGE_SIZE)
		if (a != addr && map_present(mm, v, a) < 0)
			return;
}

/* How many stack words a resuming task's return addresses are looked for in. */
#define RESUME_SCAN_WORDS 64
/* How many pages of code are mapped ahead for it, its pc's included. */
#define RESUME_PAGES 4

/*
 * A forked child resumes where its parent stopped, then returns through
 * the parent's calls: the code at pc and at the return addresses just
 * above sp is what it runs first. Any word there that points into
 * executable memory counts as one; a wrong guess only maps a page early.
 * Each page goes alone: a whole fault-around window costs more host work
 * than the fault it might spare.
 */
void mm_map_resume(struct mm *mm, u64 pc, u64 sp)
{
	u64 pages[RESUME_PAGES], *pte, *words = NULL;
	unsigned n = 0, i, k, nwords = 0;

	/* Only the stack page sp is in: it is there, those above may not be. */
	pte = sp < TASK_SIZE && !(sp & 7) ? pte_lookup(mm, sp, false) : NULL;
	if (pte && (*pte & PTE_PRESENT)) {
		words = (u64 *)frame_to_virt(pte_frame(*pte)) + ((sp & ~PAGE_MASK) >> 3);
		nwords = MIN(RESUME_SCAN_WORDS, (PAGE_SIZE - (sp & ~PAGE_MASK)) >> 3);
	}
	for (i = 0; i <= nwords && n < RESUME_PAGES; i++) {
		u64 addr = i ? words[i - 1] : pc, page = ALIGN_DOWN(addr, PAGE_SIZE);
		struct vma *v = addr < TASK_SIZE ? vma_find(mm, addr) : NULL;

		if (!v || !(v->prot & PROT_EXEC))
			continue;
		for (k = 0; k < n && pages[k] != page; k++)
			;
		if (k < n)
			continue;
		pages[n++] = page;
		map_present(mm, v, page);
	}
}

#define ANON_AHEAD_MIN 8
#define ANON_AHEAD_MAX 64

/*
 * A fault on a fresh anonymous page right after the one below it looks
 * like a sequential first touch (a heap, a buffer being filled): the
 * next pages of the VMA get their zeroed pages and host mappings now,
 * in the same stub round trip, while memory is plentiful. Like
 * readahead, the window doubles each time the touch goes on right where
 * the last window ended, and starts small again elsewhere.
 */
static void anon_ahead(struct mm *mm, struct vma *v, u64 addr)
{
	u64 *prev = addr > v->start ? pte_lookup(mm, addr - PAGE_SIZE, false) : NULL;
	u64 a, end;

	if (v->file || !prev || !(*prev & PTE_PRESENT) ||
	    mem_free_pages() < physmem_frames / 4)
		return;
	if (addr == mm->ahead_end && mm->ahead_pages < ANON_AHEAD_MAX)
		mm->ahead_pages *= 2;
	else if (addr != mm->ahead_end)
		mm->ahead_pages = ANON_AHEAD_MIN;
	end = MIN(v->end, addr + (mm->ahead_pages + 1) * PAGE_SIZE);
	for (a = addr + PAGE_SIZE; a < end; a += PAGE_SIZE) {
		u64 *pte = pte_lookup(mm, a, true);
		s64 f;

		if (!pte || *pte)
			break;
		f = new_anon_page(true);
		if (f < 0)
			break;
		*pte = ((u64)f << PAGE_SHIFT) | PTE_PRESENT | PTE_WRITE | PTE_MAPPED;
		mm->rss++;
		engine_queue_mmap_populate(mm, a, PAGE_SIZE, host_prot(v, *pte), (u64)f);
	}
	mm->ahead_end = a;
}

int mm_fault(struct mm *mm, u64 addr, int access)
{
	struct vma *v;
	u64 *pte, frame;
	bool host_fault, fresh_anon = false, force = false;
	s64 f;
	int rc;

	if (addr >= TASK_SIZE)
		return -EFAULT;
	v = vma_find(mm, addr);
	if (!v) {
		v = grow_stack(mm, addr);
		if (!v)
			return -EFAULT;
	}
	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	pte = pte_lookup(mm, addr, true);
	if (!pte)
		return no_memory();
	host_fault = access == FAULT_HOST;
	if (access == FAULT_FORCE) {
		/* Never into a shared mapping the guest may not write. */
		if ((v->flags & VM_SHARED) && !(v->prot & PROT_WRITE))
			return -EACCES;
		force = true;
		access = FAULT_WRITE;
	}
	if (access == FAULT_HOST) {
		/* Mapped but the host refused: a write to a read-only page,
		 * unless the guest itself forbade the access. */
		if ((*pte & PTE_MAPPED) && (v->prot & PROT_WRITE) &&
		    !(*pte & PTE_WRITE))
			access = FAULT_WRITE;
		else if (*pte & PTE_MAPPED)
			return -EACCES;
		else
			access = FAULT_READ;
	}
	if (!(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) && !force)
		return -EACCES;
	if (access == FAULT_WRITE && !(v->prot & PROT_WRITE) && !force)
		return -EACCES;

	if (*pte & PTE_SWAP) {
		rc = swap_in(mm, pte);
		if (rc == -ENOMEM)
			return no_memory();
		if (rc < 0)
			return rc == -EAGAIN ? -EAGAIN : -EIO;
		if (current)
			current->maj_flt++;
	}
	if (!(*pte & PTE_PRESENT)) {
		if (!v->file) {
			f = new_anon_page(true);
			if (f < 0)
				return no_memory();
			*pte = ((u64)f << PAGE_SHIFT) | PTE_PRESENT | PTE_WRITE;
			fresh_anon = host_fault && (v->prot & PROT_WRITE);
		} else {
			rc = file_page(v, addr, &frame);
			if (rc == -ENOMEM)
				return no_memory();
			if (rc < 0)
				return rc;
			if (v->flags & VM_SHARED) {
				*pte = (frame << PAGE_SHIFT) | PTE_PRESENT | PTE_WRITE;
			} else if (access == FAULT_WRITE) {
				f = anon_page_copy(frame);
				if (f < 0) {
					page_put(frame);
					return no_memory();
				}
				page_put(frame);
				*pte = ((u64)f << PAGE_SHIFT) | PTE_PRESENT | PTE_WRITE;
			} else {
				*pte = (frame << PAGE_SHIFT) | PTE_PRESENT;
			}
		}
		mm->rss++;
		if (current)
			current->min_flt++;
	} else if (access == FAULT_WRITE && !(*pte & PTE_WRITE)) {
		struct page *pg;
		bool hot;

		frame = pte_frame(*pte);
		pg = frame_page(frame);
		/* An anonymous page loses write access only by being shared at a fork. */
		hot = pg->flags & PG_ANON;
		if (hot)
			note_fork_write(mm, addr, frame);
		if ((pg->flags & PG_ANON) && pg->refcount == 1) {
			*pte |= PTE_WRITE;
		} else {
			f = anon_page_copy(frame);
			if (f < 0)
				return no_memory();
			page_put(frame);
			*pte = ((u64)f << PAGE_SHIFT) | PTE_PRESENT | PTE_WRITE;
		}
		*pte &= ~(u64)PTE_MAPPED;
		if (hot)
			*pte |= PTE_HOT;
	}
	if (!(*pte & PTE_MAPPED)) {
		engine_queue_mmap(mm, addr, PAGE_SIZE, host_prot(v, *pte),
				  pte_frame(*pte));
		*pte |= PTE_MAPPED;
		if (host_fault)
			fault_around(mm, v, addr);
		if (fresh_anon)
			anon_ahead(mm, v, addr);
	}
	return 0;
}
