/*
 * Address spaces: the VMA list, creating, forking and tearing down an mm,
 * and the mapping operations behind mmap/munmap/mprotect.
 *
 * The host process of an address space mirrors the kernel's page tables
 * lazily: pages are mapped into it on fault (PTE_MAPPED), and whenever the
 * kernel takes a permission away it unmaps the host range, so the next
 * access faults and is mapped again with the right protection.
 */
#include <linux/mman.h>

#include "arch/layout.h"
#include "engine.h"
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "memfd.h"
#include "mm.h"
#include "pgtable.h"
#include "printk.h"
#include "sysfast.h"

struct vma *vma_find(struct mm *mm, u64 addr)
{
	struct vma *v;

	list_for_each_entry(v, &mm->vmas, list) {
		if (addr < v->start)
			return NULL;
		if (addr < v->end)
			return v;
	}
	return NULL;
}

static void vma_insert(struct mm *mm, struct vma *n)
{
	struct list_head *pos;

	list_for_each(pos, &mm->vmas) {
		struct vma *v = list_entry(pos, struct vma, list);

		if (v->start > n->start)
			break;
	}
	list_add_tail(&n->list, pos);
}

/* Links a file VMA into its inode's list of mappings. */
static void vma_link_file(struct vma *v)
{
	if (v->file)
		list_add_tail(&v->file_node, &v->file->inode->mappings);
	else
		list_init(&v->file_node);
}

static void vma_free(struct vma *v)
{
	if (v->file) {
		list_del(&v->file_node);
		file_put(v->file);
	}
	kfree(v);
}

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	list_init(&mm->vmas);
	mm->users = 1;
	mm->mmap_base = MMAP_BASE;
	mm->eng.data_frame = -1;
	mm->pgd = pgd_alloc();
	if (!mm->pgd) {
		kfree(mm);
		return NULL;
	}
	if (engine_mm_init(mm) < 0) {
		pgd_free(mm->pgd);
		kfree(mm);
		return NULL;
	}
	return mm;
}

/* Drops the pages of a range from the page tables (not the host). */
static void drop_pte(struct mm *mm, u64 addr, u64 *pte, void *arg)
{
	if (*pte & PTE_SWAP) {
		swap_slot_put(*pte >> PAGE_SHIFT);
	} else {
		page_put(pte_frame(*pte));
		mm->rss--;
	}
	*pte = 0;
}

void mm_zap(struct mm *mm, u64 start, u64 end)
{
	pte_range(mm, start, end, drop_pte, NULL);
	engine_queue_munmap(mm, start, end - start);
}

void mm_put(struct mm *mm)
{
	struct vma *v, *n;

	if (--mm->users > 0)
		return;
	engine_mm_release(mm);
	list_for_each_entry_safe(v, n, &mm->vmas, list) {
		pte_range(mm, v->start, v->end, drop_pte, NULL);
		list_del(&v->list);
		vma_free(v);
	}
	pgd_free(mm->pgd);
	sysfast_free(mm->sysfast);
	if (mm->exe)
		file_put(mm->exe);
	kfree(mm);
}

/* Splits v at addr (inside it); returns the upper part. */
static struct vma *vma_split(struct vma *v, u64 addr)
{
	struct vma *n = kmalloc(sizeof(*n));

	if (!n)
		return NULL;
	*n = *v;
	n->start = addr;
	n->pgoff = v->pgoff + ((addr - v->start) >> PAGE_SHIFT);
	if (n->file)
		file_get(n->file);
	vma_link_file(n);
	v->end = addr;
	list_add(&n->list, &v->list);
	return n;
}

/*
 * Splits VMAs at start and end so that [start, end) is covered by whole
 * VMAs only, then calls fn on each of them (fn may free the VMA).
 */
static int vma_range(struct mm *mm, u64 start, u64 end,
		     void (*fn)(struct mm *mm, struct vma *v, void *arg), void *arg)
{
	struct vma *v, *n;

	list_for_each_entry_safe(v, n, &mm->vmas, list) {
		if (v->end <= start)
			continue;
		if (v->start >= end)
			break;
		if (v->start < start) {
			if (!vma_split(v, start))
				return -ENOMEM;
			n = list_entry(v->list.next, struct vma, list);
			continue;
		}
		if (v->end > end) {
			if (!vma_split(v, end))
				return -ENOMEM;
			n = list_entry(v->list.next, struct vma, list);
		}
		fn(mm, v, arg);
	}
	return 0;
}

static void remove_vma(struct mm *mm, struct vma *v, void *arg)
{
	pte_range(mm, v->start, v->end, drop_pte, NULL);
	list_del(&v->list);
	vma_free(v);
}

int mm_unmap(struct mm *mm, u64 start, u64 len)
{
	u64 end = start + ALIGN_UP(len, PAGE_SIZE);
	int rc;

	if ((start & ~PAGE_MASK) || len == 0 || end > TASK_SIZE || end < start)
		return -EINVAL;
	rc = vma_range(mm, start, end, remove_vma, NULL);
	if (rc < 0)
		return rc;
	engine_queue_munmap(mm, start, end - start);
	if (mm->sysfast)
		sysfast_unmapped(mm, start, end);
	return 0;
}

long mm_map(struct mm *mm, u64 start, u64 len, u32 prot, u32 flags,
	    struct file *file, u64 pgoff)
{
	struct vma *v;
	int rc;

	len = ALIGN_UP(len, PAGE_SIZE);
	rc = mm_unmap(mm, start, len);
	if (rc < 0)
		return rc;
	v = kzalloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->start = start;
	v->end = start + len;
	v->prot = prot;
	v->flags = flags;
	v->file = file;
	v->pgoff = pgoff;
	v->mm = mm;
	if (file)
		file_get(file);
	vma_link_file(v);
	vma_insert(mm, v);
	return (long)start;
}

bool mm_range_free(struct mm *mm, u64 start, u64 len)
{
	struct vma *v;

	if (start < PAGE_SIZE * 16 || start + len > TASK_SIZE || start + len < start)
		return false;
	list_for_each_entry(v, &mm->vmas, list) {
		if (v->start >= start + len)
			break;
		if (v->end > start)
			return false;
	}
	return true;
}

u64 mm_get_unmapped(struct mm *mm, u64 hint, u64 len)
{
	u64 cand;
	struct vma *v;

	len = ALIGN_UP(len, PAGE_SIZE);
	if (hint && mm_range_free(mm, ALIGN_DOWN(hint, PAGE_SIZE), len))
		return ALIGN_DOWN(hint, PAGE_SIZE);
	if (len > mm->mmap_base)
		return 0;
	cand = mm->mmap_base - len;
	for (;;) {
		bool moved = false;

		list_for_each_entry(v, &mm->vmas, list) {
			if (v->start < cand + len && v->end > cand) {
				if (v->start < len)
					return 0;
				cand = v->start - len;
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	return cand >= PAGE_SIZE * 16 ? cand : 0;
}

static void unmap_host_pte(struct mm *mm, u64 addr, u64 *pte, void *arg)
{
	*pte &= ~(u64)PTE_MAPPED;
}

static void set_prot(struct mm *mm, struct vma *v, void *arg)
{
	v->prot = *(u32 *)arg;
}

int mm_protect(struct mm *mm, u64 start, u64 len, u32 prot)
{
	u64 end = start + ALIGN_UP(len, PAGE_SIZE), addr = start;
	struct vma *v;
	int rc;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (end <= start)
		return len ? -ENOMEM : 0;
	if ((prot & PROT_WRITE) && mm->sysfast)
		sysfast_writable(mm, start, end);
	/* The whole range must be mapped. */
	while (addr < end) {
		v = vma_find(mm, addr);
		if (!v)
			return -ENOMEM;
		/* A shared file mapping may become writable only if the file
		 * was opened for writing (and no seal forbids it). */
		if ((prot & PROT_WRITE) && (v->flags & VM_SHARED) && v->file &&
		    (!(v->file->mode & FMODE_WRITE) || seals_deny_write_map(v->file->inode)))
			return -EACCES;
		addr = v->end;
	}
	rc = vma_range(mm, start, end, set_prot, &prot);
	if (rc < 0)
		return rc;
	pte_range(mm, start, end, unmap_host_pte, NULL);
	engine_queue_munmap(mm, start, end - start);
	return 0;
}

/*
 * At most this many pages are copied for a child at fork (fork_copy).
 * A copy costs about a microsecond, mapping it in the child 5 more
 * (unmapping included); sharing a page that is written after the fork
 * costs a stub round trip for each fault it takes, 30 us or more, and
 * one more to write-protect it in the parent if it is mapped there.
 */
#define FORK_COPY_PAGES 16

struct fork_ctx {
	struct mm *child;
	struct vma *vma;
	u64 sp_page; /* the page the child's stack pointer is in */
	int err;
	unsigned copy; /* pages the child may still get copied at once */
};

/*
 * Gives the child its own copy, mapped in its first batch, of a private
 * anonymous page that is likely to be written soon after the fork: the
 * page its stack pointer is in, and pages written after earlier forks
 * of this address space (PTE_HOT: a child's libc data, the parent's own
 * working data). The parent's entry and host mapping stay as they are,
 * so it writes on without a fault too. Page-cache pages are always
 * shared: a private mapping shows the file's changes until it is
 * written. false: share the page.
 */
static bool fork_copy(struct fork_ctx *c, u64 addr, u64 pte, u64 *cpte)
{
	s64 f;

	if (!c->copy || (!(pte & PTE_HOT) && addr != c->sp_page) ||
	    (c->vma->flags & VM_SHARED) || !(c->vma->prot & PROT_WRITE) ||
	    !(frame_page(pte_frame(pte))->flags & PG_ANON) || mem_free_pages() < physmem_frames / 4)
		return false;
	f = anon_page_copy(pte_frame(pte));
	if (f < 0)
		return false;
	c->copy--;
	*cpte = ((u64)f << PAGE_SHIFT) | PTE_PRESENT | PTE_WRITE | (pte & PTE_HOT);
	c->child->rss++;
	engine_queue_mmap(c->child, addr, PAGE_SIZE, host_prot(c->vma, *cpte), (u64)f);
	*cpte |= PTE_MAPPED;
	return true;
}

static void fork_pte(struct mm *mm, u64 addr, u64 *pte, void *arg)
{
	struct fork_ctx *c = arg;
	u64 *cpte;

	if (c->err)
		return;
	cpte = pte_lookup(c->child, addr, true);
	if (!cpte) {
		c->err = -ENOMEM;
		return;
	}
	if (*pte & PTE_SWAP) {
		/* Both share the slot; whoever faults first reads it back. */
		swap_slot_get(*pte >> PAGE_SHIFT);
		*cpte = *pte;
		return;
	}
	if (fork_copy(c, addr, *pte, cpte))
		return;
	page_get(pte_frame(*pte));
	if (!(c->vma->flags & VM_SHARED) && (*pte & PTE_WRITE)) {
		/* Copy-on-write: both lose write access until they copy; the
		 * parent keeps reading its pages without a fault. */
		*pte &= ~(u64)PTE_WRITE;
		if (*pte & PTE_MAPPED)
			engine_queue_mprotect(mm, addr, PAGE_SIZE, host_prot(c->vma, *pte));
	}
	/* Mapped in the child when it touches it (or by mm_map_resume). */
	*cpte = *pte & ~(u64)PTE_MAPPED;
	c->child->rss++;
}

struct mm *mm_fork(struct mm *old, u64 sp)
{
	struct mm *mm = mm_create();
	struct fork_ctx c = { .child = mm, .sp_page = ALIGN_DOWN(sp, PAGE_SIZE),
			      .copy = FORK_COPY_PAGES };
	struct vma *v;

	if (!mm)
		return NULL;
	mm->brk_start = old->brk_start;
	mm->brk = old->brk;
	mm->stack_start = old->stack_start;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	mm->mmap_base = old->mmap_base;
	mm->forked_from = old;
	if (old->exe) {
		mm->exe = old->exe;
		file_get(mm->exe);
	}
	mm->sysfast = sysfast_fork(old->sysfast);
	list_for_each_entry(v, &old->vmas, list) {
		struct vma *n = kmalloc(sizeof(*n));

		if (!n)
			goto fail;
		*n = *v;
		n->mm = mm;
		if (n->file)
			file_get(n->file);
		vma_link_file(n);
		list_add_tail(&n->list, &mm->vmas);
	}
	/*
	 * The pages, from the top down: the stack and the libraries' data
	 * come before the program's, so they are the ones copied when a
	 * large process has more than FORK_COPY_PAGES hot pages.
	 */
	for (v = list_entry(old->vmas.prev, struct vma, list); &v->list != &old->vmas;
	     v = list_entry(v->list.prev, struct vma, list)) {
		c.vma = v;
		pte_range(old, v->start, v->end, fork_pte, &c);
		if (c.err)
			goto fail;
	}
	return mm;
fail:
	mm_put(mm);
	return NULL;
}

void mm_truncate_mappings(struct inode *inode, u64 index)
{
	struct vma *v;

	list_for_each_entry(v, &inode->mappings, file_node) {
		u64 first = v->pgoff, last = v->pgoff + ((v->end - v->start) >> PAGE_SHIFT);
		u64 from;

		if (index >= last)
			continue;
		from = v->start + ((index > first ? index - first : 0) << PAGE_SHIFT);
		mm_zap(v->mm, from, v->end);
	}
}

struct move_ctx {
	struct mm *mm;
	u64 delta;
	int err;
};

static void move_pte(struct mm *mm, u64 addr, u64 *pte, void *arg)
{
	struct move_ctx *c = arg;
	u64 *npte;

	if (c->err)
		return;
	npte = pte_lookup(mm, addr + c->delta, true);
	if (!npte) {
		c->err = -ENOMEM;
		return;
	}
	*npte = *pte & ~(u64)PTE_MAPPED;
	*pte = 0;
}

/*
 * mremap: resizes the mapping at old (which must be one VMA) to new_len,
 * in place when possible, else moved when may_move. Returns the address.
 */
long mm_remap(struct mm *mm, u64 old, u64 old_len, u64 new_len, bool may_move,
	      u64 fixed_to)
{
	struct vma *v = vma_find(mm, old), *n;
	struct move_ctx c = { .mm = mm };
	u64 dst;
	long rc;

	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (!v || v->start > old || old + old_len > v->end)
		return -EFAULT;
	if (!fixed_to) {
		if (new_len <= old_len) {
			if (new_len < old_len) {
				rc = mm_unmap(mm, old + new_len, old_len - new_len);
				if (rc < 0)
					return rc;
			}
			return (long)old;
		}
		/* Grow in place if the VMA ends here and the space is free. */
		if (old + old_len == v->end) {
			n = list_entry(v->list.next, struct vma, list);
			if ((&n->list == &mm->vmas || n->start >= old + new_len) &&
			    old + new_len <= TASK_SIZE) {
				v->end = old + new_len;
				return (long)old;
			}
		}
		if (!may_move)
			return -ENOMEM;
		dst = mm_get_unmapped(mm, 0, new_len);
		if (!dst)
			return -ENOMEM;
	} else {
		dst = fixed_to;
		rc = mm_unmap(mm, dst, new_len);
		if (rc < 0)
			return rc;
	}
	if (new_len < old_len) {
		rc = mm_unmap(mm, old + new_len, old_len - new_len);
		if (rc < 0)
			return rc;
		old_len = new_len;
	}
	/* Carve [old, old+old_len) out as its own VMA, then move it. */
	if (v->start < old) {
		v = vma_split(v, old);
		if (!v)
			return -ENOMEM;
	}
	if (v->end > old + old_len && !vma_split(v, old + old_len))
		return -ENOMEM;
	c.delta = dst - old;
	pte_range(mm, old, old + old_len, move_pte, &c);
	if (c.err)
		return c.err;
	engine_queue_munmap(mm, old, old_len);
	list_del(&v->list);
	v->start = dst;
	v->end = dst + new_len;
	vma_insert(mm, v);
	return (long)dst;
}
