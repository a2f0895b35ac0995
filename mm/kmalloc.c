/*
 * Kernel object allocator over physmem frames. Small sizes come from
 * power-of-two size classes carved out of whole pages; larger ones are
 * buddy blocks (the first page remembers the order).
 *
 * Each slab page keeps its own free list and count of objects in use, in
 * its struct page: owner is the free list, refcount the count, next/prev
 * link the class's pages that have free objects. A page whose last object
 * is freed goes back to the buddy allocator (unless it is the class's only
 * such page), so a burst of allocations (a fork bomb) does not leave slab
 * pages scattered over memory for ever, splitting the contiguous blocks
 * kernel stacks and stub areas need.
 */
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"

#define NR_CLASSES 8 /* 16 .. 2048 bytes */
#define NO_PAGE 0xffffffffu

struct free_obj {
	struct free_obj *next;
};

/* Per class: the first page with a free object (NO_PAGE: none). */
static u32 partial[NR_CLASSES] = { NO_PAGE, NO_PAGE, NO_PAGE, NO_PAGE,
				   NO_PAGE, NO_PAGE, NO_PAGE, NO_PAGE };

static int size_class(size_t n)
{
	int c = 0;
	size_t sz = 16;

	while (sz < n) {
		sz <<= 1;
		c++;
	}
	return c;
}

static void partial_add(int c, u32 f)
{
	page_map[f].prev = NO_PAGE;
	page_map[f].next = partial[c];
	if (partial[c] != NO_PAGE)
		page_map[partial[c]].prev = f;
	partial[c] = f;
}

static void partial_del(int c, u32 f)
{
	struct page *pg = &page_map[f];

	if (pg->prev != NO_PAGE)
		page_map[pg->prev].next = pg->next;
	else
		partial[c] = pg->next;
	if (pg->next != NO_PAGE)
		page_map[pg->next].prev = pg->prev;
	pg->next = pg->prev = NO_PAGE;
}

static int refill(int c)
{
	size_t sz = (size_t)16 << c, off;
	s64 f = frames_alloc(0);
	struct free_obj *list = NULL;
	char *base;

	if (f < 0)
		return -ENOMEM;
	page_map[f].flags = PG_SLAB;
	page_map[f].slab_class = (u8)c;
	page_map[f].refcount = 0;
	mem_kernel_pages++;
	base = frame_to_virt((u64)f);
	for (off = PAGE_SIZE / sz * sz; off >= sz; off -= sz) {
		struct free_obj *o = (struct free_obj *)(base + off - sz);

		o->next = list;
		list = o;
	}
	page_map[f].owner = list;
	partial_add(c, (u32)f);
	return 0;
}

void *kmalloc(size_t n)
{
	if (n == 0)
		n = 1;
	if (n <= 2048) {
		int c = size_class(n);
		struct free_obj *o;
		struct page *pg;
		u32 f;

		if (partial[c] == NO_PAGE && refill(c) < 0)
			return NULL;
		f = partial[c];
		pg = &page_map[f];
		o = pg->owner;
		pg->owner = o->next;
		pg->refcount++;
		if (!pg->owner)
			partial_del(c, f); /* full */
		return o;
	} else {
		unsigned order = 0;
		s64 f;

		while ((PAGE_SIZE << order) < n)
			order++;
		f = frames_alloc(order);
		if (f < 0)
			return NULL;
		page_map[f].flags = PG_KBIG;
		page_map[f].order = (u8)order;
		page_map[f].refcount = 1;
		mem_kernel_pages += 1ULL << order;
		return frame_to_virt((u64)f);
	}
}

void *kzalloc(size_t n)
{
	void *p = kmalloc(n);

	if (p)
		memset(p, 0, n);
	return p;
}

static void slab_free(u32 f, struct free_obj *o)
{
	struct page *pg = &page_map[f];
	int c = pg->slab_class;
	bool was_full = !pg->owner;

	BUG_ON(pg->refcount == 0);
	o->next = pg->owner;
	pg->owner = o;
	pg->refcount--;
	if (was_full)
		partial_add(c, f);
	if (pg->refcount == 0 && (partial[c] != f || pg->next != NO_PAGE)) {
		/* Empty, and not the class's last page with room: give it back. */
		partial_del(c, f);
		pg->flags = 0;
		pg->owner = NULL;
		mem_kernel_pages--;
		frames_free(f, 0);
	}
}

void kfree(void *p)
{
	u64 f;
	struct page *pg;

	if (!p)
		return;
	f = virt_to_frame(p);
	BUG_ON(f >= physmem_frames);
	pg = &page_map[f];
	if (pg->flags & PG_SLAB) {
		slab_free((u32)f, p);
	} else if (pg->flags & PG_KBIG) {
		unsigned order = pg->order;

		pg->flags = 0;
		pg->refcount = 0;
		mem_kernel_pages -= 1ULL << order;
		frames_free(f, order);
	} else {
		panic("kfree of a pointer not from kmalloc: %p", p);
	}
}

char *kstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = kmalloc(len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = 0;
	}
	return d;
}

char *kstrdup(const char *s)
{
	return kstrndup(s, (size_t)-1);
}
