/*
 * What an address space holds, counted when asked (for /proc/<pid>/status
 * and statm): its mappings by kind, and its resident pages by the kind of
 * page each page-table entry points to. Nothing is tracked on the fault
 * path, so the numbers cannot drift from the page tables.
 */
#include <linux/mman.h>

#include "fs.h"
#include "kstring.h"
#include "mm.h"
#include "pgtable.h"

static void count_pte(struct mm *mm, u64 addr, u64 *pte, void *arg)
{
	struct mm_usage *u = arg;
	u16 flags;

	(void)mm;
	(void)addr;
	if (*pte & PTE_SWAP) {
		u->swap++;
		return;
	}
	flags = frame_page(pte_frame(*pte))->flags;
	if (flags & PG_SHMEM)
		u->rss_shmem++;
	else if (flags & PG_CACHE)
		u->rss_file++;
	else
		u->rss_anon++;
}

/* Is v a mapping of the program's own file (for VmExe, not VmLib)? */
static bool maps_program(const struct mm *mm, const struct vma *v)
{
	return v->file && mm->exe && v->file->inode == mm->exe->inode;
}

void mm_usage(struct mm *mm, struct mm_usage *u)
{
	struct vma *v;

	memset(u, 0, sizeof(*u));
	if (!mm)
		return;
	list_for_each_entry(v, &mm->vmas, list)
	{
		u64 pages = (v->end - v->start) >> PAGE_SHIFT;

		u->size += pages;
		/* Linux's classes: stack, private writable data, and
		 * executable code that is not writable. */
		if (v->flags & VM_GROWSDOWN)
			u->stack += pages;
		else if ((v->prot & PROT_WRITE) && !(v->flags & VM_SHARED))
			u->data += pages;
		else if ((v->prot & PROT_EXEC) && maps_program(mm, v))
			u->exe += pages;
		else if (v->prot & PROT_EXEC)
			u->lib += pages;
		pte_range(mm, v->start, v->end, count_pte, u);
	}
	u->pte = pgtable_pages(mm->pgd);
	if (u->size > mm->hiwater_vm)
		mm->hiwater_vm = u->size;
	if (u->rss_anon + u->rss_file + u->rss_shmem > mm->hiwater_rss)
		mm->hiwater_rss = u->rss_anon + u->rss_file + u->rss_shmem;
}
