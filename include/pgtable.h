/* Page-table walking, private to mm/. */
#ifndef PGTABLE_H
#define PGTABLE_H

#include "mm.h"

u64 *pgd_alloc(void);
void pgd_free(u64 *pgd);
/* The leaf for addr; with create, intermediate tables are allocated
 * (NULL when out of memory). */
u64 *pte_lookup(struct mm *mm, u64 addr, bool create);
void pte_range(struct mm *mm, u64 start, u64 end,
	       void (*fn)(struct mm *mm, u64 addr, u64 *pte, void *arg),
	       void *arg);

/* How many table pages make up the tree under pgd, pgd included. */
u64 pgtable_pages(u64 *pgd);

static inline u64 pte_frame(u64 pte)
{
	return pte >> 12;
}

#endif
