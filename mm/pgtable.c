/*
 * Page tables: per address space, a four-level radix tree of 512-entry
 * tables (the x86-64 shape), each table one physmem page. Interior entries
 * hold kernel pointers; leaves hold a frame number and PTE_* bits.
 */
#include "kstring.h"
#include "mm.h"
#include "pgtable.h"
#include "printk.h"

static u64 *table_alloc(void)
{
	s64 f = page_alloc(true);

	if (f < 0)
		return NULL;
	mem_kernel_pages++;
	return frame_to_virt((u64)f);
}

static void table_free(u64 *t)
{
	mem_kernel_pages--;
	page_put(virt_to_frame(t));
}

u64 *pgd_alloc(void)
{
	return table_alloc();
}

static inline unsigned idx(u64 addr, int level)
{
	return (unsigned)(addr >> (12 + 9 * level)) & 511;
}

u64 *pte_lookup(struct mm *mm, u64 addr, bool create)
{
	u64 *t = mm->pgd;
	int level;

	for (level = 3; level > 0; level--) {
		u64 *e = &t[idx(addr, level)];

		if (!*e) {
			u64 *n;

			if (!create)
				return NULL;
			n = table_alloc();
			if (!n)
				return NULL;
			*e = (u64)(uintptr_t)n;
		}
		t = (u64 *)(uintptr_t)*e;
	}
	return &t[idx(addr, 0)];
}

/*
 * Calls fn for every present or swapped-out leaf in [start, end). Skips missing tables
 * quickly so sparse address spaces are cheap to walk.
 */
void pte_range(struct mm *mm, u64 start, u64 end,
	       void (*fn)(struct mm *mm, u64 addr, u64 *pte, void *arg), void *arg)
{
	u64 addr = start;

	while (addr < end) {
		u64 *t = mm->pgd;
		int level;
		bool hole = false;

		for (level = 3; level > 0; level--) {
			u64 e = t[idx(addr, level)];

			if (!e) {
				u64 span = 1ULL << (12 + 9 * level);

				addr = (addr & ~(span - 1)) + span;
				hole = true;
				break;
			}
			t = (u64 *)(uintptr_t)e;
		}
		if (hole)
			continue;
		{
			u64 *pte = &t[idx(addr, 0)];

			if (*pte & (PTE_PRESENT | PTE_SWAP))
				fn(mm, addr, pte, arg);
		}
		addr += PAGE_SIZE;
	}
}

static void free_level(u64 *t, int level)
{
	int i;

	if (level > 0) {
		for (i = 0; i < 512; i++)
			if (t[i])
				free_level((u64 *)(uintptr_t)t[i], level - 1);
	}
	table_free(t);
}

static u64 count_level(u64 *t, int level)
{
	u64 n = 1;
	int i;

	if (level > 0)
		for (i = 0; i < 512; i++)
			if (t[i])
				n += count_level((u64 *)(uintptr_t)t[i], level - 1);
	return n;
}

u64 pgtable_pages(u64 *pgd)
{
	return count_level(pgd, 3);
}

void pgd_free(u64 *pgd)
{
	free_level(pgd, 3);
}
