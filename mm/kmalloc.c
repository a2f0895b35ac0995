/*
 * Kernel object allocator over physmem frames. Small sizes come from
 * power-of-two size classes carved out of whole pages (the page remembers
 * its class); larger ones are buddy blocks (the first page remembers the
 * order). Slab pages are not returned to the buddy allocator.
 */
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"

#define NR_CLASSES 8 /* 16 .. 2048 bytes */

struct free_obj {
	struct free_obj *next;
};

static struct free_obj *class_free[NR_CLASSES];

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

static int refill(int c)
{
	size_t sz = (size_t)16 << c, off;
	s64 f = frames_alloc(0);
	char *base;

	if (f < 0)
		return -ENOMEM;
	page_map[f].flags = PG_SLAB;
	page_map[f].slab_class = (u8)c;
	page_map[f].refcount = 1;
	mem_kernel_pages++;
	base = frame_to_virt((u64)f);
	for (off = 0; off + sz <= PAGE_SIZE; off += sz) {
		struct free_obj *o = (struct free_obj *)(base + off);

		o->next = class_free[c];
		class_free[c] = o;
	}
	return 0;
}

void *kmalloc(size_t n)
{
	if (n == 0)
		n = 1;
	if (n <= 2048) {
		int c = size_class(n);
		struct free_obj *o;

		if (!class_free[c] && refill(c) < 0)
			return NULL;
		o = class_free[c];
		class_free[c] = o->next;
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
		struct free_obj *o = p;

		o->next = class_free[pg->slab_class];
		class_free[pg->slab_class] = o;
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
