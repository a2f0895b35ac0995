/*
 * Physical memory: the physmem file and a buddy allocator over its frames.
 *
 * Address space is reserved at boot for physmem to grow into (mconsole
 * "config mem=+64M"): up to PHYSMEM_GROWTH times mem= or mem= + 4G, whichever
 * is more, and never beyond PHYSMEM_MAX. The
 * page map (one struct page per frame) is a separate reservation of the
 * same reach; only the part for frames that exist is ever touched. Frame 0
 * stays reserved, so no page is ever frame 0.
 */
#include <linux/mman.h>

#include "host.h"
#include "kerrno.h"
#include "kstring.h"
#include "engine.h"
#include "mm.h"
#include "printk.h"

#define MAX_ORDER      11
#define NO_FRAME       0xffffffffu
#define PHYSMEM_GROWTH 4
#define PHYSMEM_MAX    (64ULL << 30) /* frame numbers are 32-bit */

char *physmem_base;
u64 physmem_frames;
int physmem_fd = -1;
struct page *page_map;
u64 mem_anon_pages, mem_cache_pages, mem_kernel_pages, mem_shmem_pages;

static u32 free_head[MAX_ORDER];
static u64 nr_free;
static u64 max_frames; /* what the reservations can hold */

static void list_push(unsigned order, u32 f)
{
	struct page *p = &page_map[f];

	p->flags = PG_FREE;
	p->order = (u8)order;
	p->prev = NO_FRAME;
	p->next = free_head[order];
	if (free_head[order] != NO_FRAME)
		page_map[free_head[order]].prev = f;
	free_head[order] = f;
}

static void list_remove(unsigned order, u32 f)
{
	struct page *p = &page_map[f];

	if (p->prev != NO_FRAME)
		page_map[p->prev].next = p->next;
	else
		free_head[order] = p->next;
	if (p->next != NO_FRAME)
		page_map[p->next].prev = p->prev;
	p->flags = 0;
}

void frames_free(u64 frame, unsigned order)
{
	nr_free += 1ULL << order;
	while (order < MAX_ORDER - 1) {
		u64 buddy = frame ^ (1ULL << order);

		if (buddy >= physmem_frames || !(page_map[buddy].flags & PG_FREE) ||
		    page_map[buddy].order != order)
			break;
		list_remove(order, (u32)buddy);
		frame &= ~(1ULL << order);
		order++;
	}
	list_push(order, (u32)frame);
}

u64 reclaim_page_cache(u64 want);

static s64 buddy_alloc(unsigned order);

/*
 * Allocates 2^order frames. When memory is short, clean page cache of
 * disk filesystems is dropped first (it can be read again); that frees
 * no page anybody holds a reference to, so callers must hold references
 * to the cache pages they use.
 */
s64 frames_alloc(unsigned order)
{
	s64 f = buddy_alloc(order);
	int tries;

	for (tries = 0; f < 0 && tries < 5; tries++) {
		/*
		 * Quarantined pages first (each has its host unmap queued
		 * already), then clean page cache, which itself goes through
		 * the quarantine.
		 */
		if (quarantine_pages) {
			engine_quarantine_release();
			f = buddy_alloc(order);
			if (f >= 0)
				break;
		}
		if (!reclaim_page_cache(64u << order) && !quarantine_pages)
			break;
		f = buddy_alloc(order);
	}
	return f;
}

static s64 buddy_alloc(unsigned order)
{
	unsigned o = order;
	u32 f;

	while (o < MAX_ORDER && free_head[o] == NO_FRAME)
		o++;
	if (o >= MAX_ORDER)
		return -1;
	f = free_head[o];
	list_remove(o, f);
	/* Split, returning the upper halves to the free lists. */
	while (o > order) {
		o--;
		list_push(o, f + (1u << o));
	}
	nr_free -= 1ULL << order;
	page_map[f].flags = 0;
	page_map[f].order = (u8)order;
	return f;
}

s64 page_alloc(bool zero)
{
	s64 f = frames_alloc(0);

	if (f < 0)
		return -1;
	page_map[f].refcount = 1;
	page_map[f].owner = NULL;
	page_map[f].index = 0;
	if (zero)
		memset(frame_to_virt((u64)f), 0, PAGE_SIZE);
	return f;
}

void page_get(u64 frame)
{
	page_map[frame].refcount++;
}

/*
 * With frames_quarantine set, pages whose last reference goes wait here
 * instead of being reused at once: a host process may still map them
 * until its queued unmap is confirmed done (the seccomp engine, whose
 * children are not stopped while the kernel runs).
 */
bool frames_quarantine;
u64 quarantine_pages;
static u32 quarantine_head;

void page_put(u64 frame)
{
	struct page *p = &page_map[frame];

	BUG_ON(p->refcount == 0);
	if (--p->refcount)
		return;
	if (p->flags & PG_ANON)
		mem_anon_pages--;
	if (p->flags & PG_CACHE)
		mem_cache_pages--;
	if (p->flags & PG_SHMEM)
		mem_shmem_pages--;
	p->flags = 0;
	p->owner = NULL;
	if (frames_quarantine) {
		p->next = quarantine_head;
		quarantine_head = (u32)frame;
		quarantine_pages++;
		return;
	}
	frames_free(frame, 0);
}

void quarantine_free_all(void)
{
	while (quarantine_pages) {
		u32 f = quarantine_head;

		quarantine_head = page_map[f].next;
		quarantine_pages--;
		frames_free(f, 0);
	}
}

u64 mem_free_pages(void)
{
	return nr_free;
}

u64 mem_total_pages(void)
{
	return physmem_frames;
}

/* Maps physmem bytes [from, to) over the reservation. */
static int physmem_map(u64 from, u64 to)
{
	void *p = host_mmap(physmem_base + from, to - from, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_FIXED, physmem_fd, from);

	if (IS_ERR(p))
		return (int)PTR_ERR(p);
	/* Guest processes are cloned from here: they need none of it. */
	host_dontfork(p, to - from);
	return 0;
}

void physmem_init(u64 bytes)
{
	u64 reach = MIN(MAX(bytes * PHYSMEM_GROWTH, bytes + (4ULL << 30)), PHYSMEM_MAX), f;
	void *base, *map;
	unsigned o;
	int rc;

	max_frames = reach >> PAGE_SHIFT;
	physmem_frames = bytes >> PAGE_SHIFT;
	physmem_fd = host_memfd_create("physmem", bytes);
	if (physmem_fd < 0)
		panic("cannot create physical memory of %llu bytes: error %d",
		      (unsigned long long)bytes, physmem_fd);
	base = host_mmap(NULL, reach, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
			 0);
	map = host_mmap(NULL, ALIGN_UP(max_frames * sizeof(struct page), PAGE_SIZE),
			PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (IS_ERR(base) || IS_ERR(map))
		panic("cannot reserve address space for %llu bytes of memory",
		      (unsigned long long)reach);
	physmem_base = base;
	page_map = map;
	/*
	 * Not copied into each new guest process (host/proc.c clones this
	 * one): copying page_map's page tables and then breaking
	 * copy-on-write on every later write made a spawn cost in
	 * proportion to mem=.
	 */
	host_dontfork(base, reach);
	host_dontfork(map, ALIGN_UP(max_frames * sizeof(struct page), PAGE_SIZE));
	rc = physmem_map(0, bytes);
	if (rc < 0)
		panic("cannot map physical memory: error %d", rc);
	for (o = 0; o < MAX_ORDER; o++)
		free_head[o] = NO_FRAME;
	page_map[0].flags = PG_RESERVED;
	mem_kernel_pages = 1;
	for (f = 1; f < physmem_frames; f++)
		frames_free(f, 0);
}

/*
 * Adds bytes (whole pages) of physical memory: the file grows, the new
 * part is mapped where the reservation left room for it, and its frames
 * join the free lists. -ENOSPC beyond the reservation.
 */
int physmem_grow(u64 bytes)
{
	u64 old = physmem_frames, add = bytes >> PAGE_SHIFT, f;
	int rc;

	if (!add)
		return -EINVAL;
	if (add > max_frames - old)
		return -ENOSPC;
	rc = host_memfd_resize(physmem_fd, (old + add) << PAGE_SHIFT);
	if (rc == 0)
		rc = physmem_map(old << PAGE_SHIFT, (old + add) << PAGE_SHIFT);
	if (rc < 0) {
		host_memfd_resize(physmem_fd, old << PAGE_SHIFT);
		return rc;
	}
	physmem_frames = old + add;
	for (f = old; f < old + add; f++)
		frames_free(f, 0);
	return 0;
}

/* How far physmem_grow can go, in bytes. */
u64 physmem_max_bytes(void)
{
	return max_frames << PAGE_SHIFT;
}
