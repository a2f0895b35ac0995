/*
 * The page cache: per inode, a three-level radix tree (512 entries per
 * level) from page index to physmem frame. Cached pages hold one reference
 * owned by the cache; mappings and readers take their own.
 */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "sysfast.h"
#include <asm/signal.h>

#define LEVELS 3
#define MAX_INDEX (1ULL << (9 * LEVELS))

static u64 *slot(struct inode *i, u64 index, bool create)
{
	void **t = (void **)&i->pcache;
	int level;

	if (index >= MAX_INDEX)
		return NULL;
	for (level = LEVELS - 1; level >= 0; level--) {
		if (!*t) {
			if (!create)
				return NULL;
			*t = kzalloc(PAGE_SIZE);
			if (!*t)
				return NULL;
		}
		if (level == 0)
			return &((u64 *)*t)[index & 511];
		t = &((void **)*t)[(index >> (9 * level)) & 511];
	}
	return NULL;
}

s64 pcache_find(struct inode *i, u64 index)
{
	u64 *s = slot(i, index, false);

	return s && *s ? (s64)(*s - 1) : -1;
}

int pcache_insert(struct inode *i, u64 index, u64 frame)
{
	u64 *s = slot(i, index, true);

	if (!s)
		return index >= MAX_INDEX ? -EFBIG : -ENOMEM;
	*s = frame + 1;
	page_map[frame].flags |= PG_CACHE;
	page_map[frame].owner = i;
	page_map[frame].index = index;
	mem_cache_pages++;
	i->npages++;
	return 0;
}

int pcache_getpage(struct inode *i, u64 index, int (*fill)(struct inode *i, u64 index, void *page),
		   u64 *frame)
{
	s64 f = pcache_find(i, index);
	int rc;

	if (f < 0) {
		f = page_alloc(false);
		if (f < 0 && reclaim_page_cache(256) > 0)
			f = page_alloc(false);
		if (f < 0)
			return -ENOMEM;
		rc = fill(i, index, frame_to_virt((u64)f));
		if (rc == 0)
			rc = pcache_insert(i, index, (u64)f);
		if (rc < 0) {
			page_put((u64)f);
			return rc;
		}
	}
	page_get((u64)f);
	*frame = (u64)f;
	return 0;
}

/* Frees pages with index >= from below table t; returns true if empty. */
static bool trunc_level(struct inode *i, void **t, int level, u64 base, u64 from)
{
	bool empty = true;
	u64 span = 1ULL << (9 * level);
	int k;

	for (k = 0; k < 512; k++) {
		u64 idx = base + (u64)k * span;

		if (level == 0) {
			u64 *e = &((u64 *)t)[k];

			if (!*e)
				continue;
			if (idx >= from) {
				page_put(*e - 1);
				*e = 0;
				i->npages--;
			} else {
				empty = false;
			}
			continue;
		}
		if (!t[k])
			continue;
		if (idx + span <= from) {
			empty = false;
			continue;
		}
		if (trunc_level(i, t[k], level - 1, idx, from)) {
			kfree(t[k]);
			t[k] = NULL;
		} else {
			empty = false;
		}
	}
	return empty;
}

/* Drops cached pages nobody else uses (only the cache holds them). */
static u64 reclaim_level(struct inode *i, void **t, int level, u64 want)
{
	u64 freed = 0;
	int k;

	for (k = 0; k < 512 && freed < want; k++) {
		if (level == 0) {
			u64 *e = &((u64 *)t)[k];

			if (*e && page_map[*e - 1].refcount == 1) {
				page_put(*e - 1);
				*e = 0;
				i->npages--;
				freed++;
			}
			continue;
		}
		if (t[k])
			freed += reclaim_level(i, t[k], level - 1, want - freed);
	}
	return freed;
}

u64 pcache_reclaim(struct inode *i, u64 want)
{
	if (!i->pcache)
		return 0;
	return reclaim_level(i, i->pcache, LEVELS - 1, want);
}

void pcache_truncate(struct inode *i, u64 from)
{
	if (!i->pcache)
		return;
	if (trunc_level(i, i->pcache, LEVELS - 1, 0, from)) {
		kfree(i->pcache);
		i->pcache = NULL;
	}
}

void pcache_shrink(struct inode *i, u64 size)
{
	u64 keep = ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT;
	s64 f;

	mm_truncate_mappings(i, keep);
	pcache_truncate(i, keep);
	/* Zero the tail of the last page so a later extension reads 0. */
	if ((size & ~PAGE_MASK) && (f = pcache_find(i, size >> PAGE_SHIFT)) >= 0)
		memset((char *)frame_to_virt((u64)f) + (size & ~PAGE_MASK), 0,
		       PAGE_SIZE - (size & ~PAGE_MASK));
}

ssize_t pcache_read(struct file *f, struct uio *u, u64 *pos)
{
	struct inode *i = f->inode;
	ssize_t done = 0;

	while (u->resid > 0 && *pos < i->size) {
		u64 index = *pos >> PAGE_SHIFT;
		size_t off = *pos & ~PAGE_MASK;
		size_t n = MIN(PAGE_SIZE - off, i->size - *pos);
		s64 frame = pcache_find(i, index);
		long c;

		if (frame < 0 && i->iops && i->iops->getpage) {
			u64 fr;
			int rc;

			/* A backing store may fill the cache on demand (the
			 * copy below holds its own reference). Only -ENOENT
			 * means a hole; other errors are errors, not zeros. */
			rc = i->iops->getpage(i, index, false, &fr);
			if (rc == 0) {
				frame = (s64)fr;
				page_put(fr);
			} else if (rc != -ENOENT) {
				return done ? done : rc;
			}
		}
		if (frame < 0) {
			static const char zeros[256];
			size_t z = MIN(n, sizeof(zeros));

			c = uio_copy_to(u, zeros, z);
		} else {
			/* Hold the page: copying may fault and reclaim memory. */
			page_get((u64)frame);
			c = uio_copy_to(u, (char *)frame_to_virt((u64)frame) + off, n);
			page_put((u64)frame);
		}
		if (c < 0)
			return done ? done : c;
		done += c;
		*pos += (u64)c;
		if ((size_t)c < n && u->resid > 0 && frame >= 0)
			break;
	}
	return done;
}

int write_limit(struct inode *i, struct uio *u, u64 pos)
{
	u64 limit = current && current->signal ?
			    current->signal->rlim[RLIMIT_FSIZE].rlim_cur : ~0ULL;

	if (S_ISREG(i->mode) && u->resid > 0) {
		if (pos >= limit) {
			send_sig(SIGXFSZ, current, false);
			return -EFBIG;
		}
		if (u->resid > limit - pos)
			u->resid = limit - pos;
	}
	return 0;
}

ssize_t pcache_write(struct file *f, struct uio *u, u64 *pos)
{
	struct inode *i = f->inode;
	ssize_t done = 0;
	int rc;

	if (f->flags & O_APPEND)
		*pos = i->size;
	rc = write_limit(i, u, *pos);
	if (rc < 0)
		return rc;
	while (u->resid > 0) {
		u64 index = *pos >> PAGE_SHIFT, frame;
		size_t off = *pos & ~PAGE_MASK;
		size_t n = MIN(PAGE_SIZE - off, u->resid);
		long c;

		rc = i->iops->getpage(i, index, true, &frame);
		if (rc < 0)
			return done ? done : rc;
		c = uio_copy_from(u, (char *)frame_to_virt(frame) + off, n);
		page_put(frame);
		if (c < 0)
			return done ? done : c;
		done += c;
		*pos += (u64)c;
		if (*pos > i->size)
			i->size = *pos;
		if ((size_t)c < n)
			break;
	}
	if (done > 0) {
		inode_touch(i, true, true);
		if (!list_empty(&i->mappings))
			sysfast_file_written(i, *pos - (u64)done, (u64)done);
		if (i->iops->write_end) {
			rc = i->iops->write_end(i, *pos - (u64)done, (size_t)done);
			if (rc < 0)
				return rc;
		}
	}
	return done;
}
