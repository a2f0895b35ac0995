/*
 * Swap: anonymous pages written to a block device when memory runs out.
 *
 * A swapped-out page's page-table entry holds its slot number with
 * PTE_SWAP (and not PTE_PRESENT). Slots are reference counted (fork
 * shares them). While a page is being written it stays in a small swap
 * cache, so a fault on it meanwhile takes the page back without I/O.
 * Only private anonymous pages mapped once are swapped (no reverse map is
 * needed to find their single page-table entry: struct page remembers it).
 */
#include <linux/fcntl.h>
#include <linux/mman.h>

#include "blkdev.h"
#include "engine.h"
#include "fs.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"
#include "pgtable.h"
#include "printk.h"
#include "syscall.h"
#include "task.h"

#define SWAP_CACHE 32
#define SWAP_FLAG_PREFER 0x8000

struct swap_area {
	struct block_device *bd;
	struct file *file;       /* what swapon opened */
	char name[64];
	u64 slots;               /* usable slots are 1 .. slots-1 */
	u8 *count;               /* references per slot; 0 free */
	u64 used;
	u64 next;                /* where the slot search starts */
};

static struct swap_area *swap;
static struct {
	u64 slot;
	u64 frame;
} cache[SWAP_CACHE];
static int ncache;
static struct wait_queue swapout_wq = WAIT_QUEUE_INIT(swapout_wq);

u64 swap_total_pages(void)
{
	return swap ? swap->slots - 1 : 0;
}

u64 swap_free_pages(void)
{
	return swap ? swap->slots - 1 - swap->used : 0;
}

static u64 slot_alloc(void)
{
	u64 k;

	if (!swap || swap->used + 1 >= swap->slots)
		return 0;
	for (k = 0; k < swap->slots; k++) {
		u64 s = (swap->next + k) % swap->slots;

		if (s && !swap->count[s]) {
			swap->count[s] = 1;
			swap->used++;
			swap->next = s + 1;
			return s;
		}
	}
	return 0;
}

void swap_slot_get(u64 slot)
{
	if (swap && slot < swap->slots && swap->count[slot] < 255)
		swap->count[slot]++;
}

void swap_slot_put(u64 slot)
{
	if (!swap || !slot || slot >= swap->slots || !swap->count[slot])
		return;
	if (--swap->count[slot] == 0)
		swap->used--;
}

static int cache_find(u64 slot)
{
	int k;

	for (k = 0; k < ncache; k++)
		if (cache[k].slot == slot)
			return k;
	return -1;
}

/* Finds up to max victims in mm's private anonymous memory. */
static int pick_victims(struct mm *mm, u64 *frames, u64 **ptes, u64 *addrs, int max)
{
	struct vma *v;
	int n = 0;

	list_for_each_entry(v, &mm->vmas, list) {
		u64 a;

		if (v->file || (v->flags & VM_SHARED))
			continue;
		for (a = v->start; a < v->end && n < max; a += PAGE_SIZE) {
			u64 *pte = pte_lookup(mm, a, false);
			struct page *pg;

			if (!pte || !(*pte & PTE_PRESENT))
				continue;
			pg = frame_page(pte_frame(*pte));
			if (!(pg->flags & PG_ANON) || pg->refcount != 1)
				continue;
			frames[n] = pte_frame(*pte);
			ptes[n] = pte;
			addrs[n] = a;
			n++;
		}
		if (n >= max)
			break;
	}
	return n;
}

/*
 * Writes up to want pages out to swap. Returns how many pages were freed.
 * May sleep; page-table entries are switched to swap entries before it
 * does, so nothing can use the old frames meanwhile except through the
 * swap cache.
 */
int swap_out(int want)
{
	u64 frames[SWAP_CACHE], *ptes[SWAP_CACHE], addrs[SWAP_CACHE], slots[SWAP_CACHE];
	struct mm *mms[SWAP_CACHE];
	struct task *t;
	int n = 0, k, freed = 0;

	if (!swap)
		return 0;
	if (ncache) {
		/* Another task is writing pages out: wait for it, then the
		 * caller retries with the memory that freed. */
		struct waiter w;

		wait_add(&swapout_wq, &w);
		while (ncache) {
			current->state = TASK_UNINTERRUPTIBLE;
			current->wchan = "swap_out";
			schedule();
		}
		current->wchan = NULL;
		wait_remove(&w);
		return 1;
	}
	if (want > SWAP_CACHE)
		want = SWAP_CACHE;
	/* Victims from the address spaces using the most memory first. */
	while (n < want) {
		struct mm *best = NULL;
		int got, i;

		list_for_each_entry(t, &all_tasks, all_node) {
			if (!t->mm || t->group_leader != t || t->state == TASK_ZOMBIE)
				continue;
			for (i = 0; i < n; i++)
				if (mms[i] == t->mm)
					break;
			if (i < n)
				continue;
			if (!best || t->mm->rss > best->rss)
				best = t->mm;
		}
		if (!best)
			break;
		got = pick_victims(best, frames + n, ptes + n, addrs + n, want - n);
		for (i = n; i < n + got; i++)
			mms[i] = best;
		if (!got) {
			/* Nothing swappable here; mark it seen and go on. */
			mms[n] = best;
			frames[n] = 0;
			n++;
			continue;
		}
		n += got;
	}
	for (k = 0; k < n; k++) {
		if (!frames[k]) {
			slots[k] = 0;
			continue;
		}
		slots[k] = slot_alloc();
		if (!slots[k]) {
			frames[k] = 0;
			continue;
		}
		if (*ptes[k] & PTE_MAPPED)
			engine_queue_munmap(mms[k], addrs[k], PAGE_SIZE);
		*ptes[k] = (slots[k] << PAGE_SHIFT) | PTE_SWAP;
		mms[k]->rss--;
		cache[ncache].slot = slots[k];
		cache[ncache].frame = frames[k];
		ncache++;
	}
	/* The writes: the frames stay ours (in the swap cache) meanwhile. */
	for (k = 0; k < n; k++) {
		if (!frames[k])
			continue;
		if (blk_io(swap->bd, BLK_WRITE, slots[k] * (PAGE_SIZE / SECTOR_SIZE),
			   PAGE_SIZE / SECTOR_SIZE, frame_to_virt(frames[k])) < 0)
			printk(KERN_ERR "swap: write error on slot %llu\n",
			       (unsigned long long)slots[k]);
	}
	for (k = 0; k < n; k++) {
		int c;

		if (!frames[k])
			continue;
		c = cache_find(slots[k]);
		if (c >= 0)
			cache[c] = cache[--ncache];
		if (frame_page(frames[k])->refcount == 1)
			freed++;
		page_put(frames[k]);
	}
	wake_up(&swapout_wq);
	return freed;
}

/*
 * Brings the page of a swap entry back. Returns 0 (pte updated), -EAGAIN
 * when the entry changed while we slept (the caller retries) or -ENOMEM.
 */
int swap_in(struct mm *mm, u64 *pte)
{
	u64 entry = *pte, slot = entry >> PAGE_SHIFT;
	int c = cache_find(slot);
	s64 f;

	if (c >= 0) {
		/* Still being written: take the page back as it is. */
		f = (s64)cache[c].frame;
		page_get((u64)f);
	} else {
		f = page_alloc(false);
		if (f < 0)
			return -ENOMEM;
		page_map[f].flags |= PG_ANON;
		mem_anon_pages++;
		if (blk_io(swap->bd, BLK_READ, slot * (PAGE_SIZE / SECTOR_SIZE),
			   PAGE_SIZE / SECTOR_SIZE, frame_to_virt((u64)f)) < 0) {
			page_put((u64)f);
			return -EIO;
		}
		if (*pte != entry) {
			page_put((u64)f);
			return -EAGAIN;
		}
	}
	swap_slot_put(slot);
	*pte = ((u64)f << PAGE_SHIFT) | PTE_PRESENT |
	       (frame_page((u64)f)->refcount == 1 ? PTE_WRITE : 0);
	mm->rss++;
	return 0;
}

/* --- swapon / swapoff --- */

struct swap_header_tail {
	u32 version, last_page, nr_badpages;
};

long sys_swapon(u64 upath, int flags)
{
	char *path = user_path(upath);
	struct swap_area *a = NULL;
	struct file *f;
	char *page = NULL;
	struct swap_header_tail h;
	long rc;

	if (IS_ERR(path))
		return PTR_ERR(path);
	if (current->euid != 0) {
		rc = -EPERM;
		goto out;
	}
	if (swap) {
		rc = -EBUSY; /* one swap area at a time */
		goto out;
	}
	f = file_open_at(AT_FDCWD, path, O_RDWR, 0);
	if (IS_ERR(f)) {
		rc = PTR_ERR(f);
		goto out;
	}
	if (!S_ISBLK(f->inode->mode) || !f->priv) {
		file_put(f);
		rc = -EINVAL; /* swap files: not yet */
		goto out;
	}
	a = kzalloc(sizeof(*a));
	page = kmalloc(PAGE_SIZE);
	if (!a || !page) {
		file_put(f);
		rc = -ENOMEM;
		goto out;
	}
	a->bd = f->priv;
	a->file = f;
	rc = blk_io(a->bd, BLK_READ, 0, PAGE_SIZE / SECTOR_SIZE, page);
	if (rc < 0 || memcmp(page + PAGE_SIZE - 10, "SWAPSPACE2", 10)) {
		file_put(f);
		rc = -EINVAL;
		goto out;
	}
	memcpy(&h, page + 1024, sizeof(h));
	a->slots = MIN((u64)h.last_page + 1, a->bd->nr_sectors / (PAGE_SIZE / SECTOR_SIZE));
	if (h.version != 1 || a->slots < 2) {
		file_put(f);
		rc = -EINVAL;
		goto out;
	}
	a->count = kzalloc(a->slots);
	if (!a->count) {
		file_put(f);
		rc = -ENOMEM;
		goto out;
	}
	a->next = 1;
	strlcpy(a->name, path, sizeof(a->name));
	swap = a;
	a = NULL;
	printk(KERN_INFO "Adding %lluk swap on %s.\n",
	       (unsigned long long)(swap->slots - 1) * 4, path);
	rc = 0;
out:
	kfree(page);
	kfree(a);
	kfree(path);
	return rc;
}

/* Brings every page of every address space back from swap. */
static int swap_in_all(void)
{
	struct task *t;
	int rc;

	list_for_each_entry(t, &all_tasks, all_node) {
		struct mm *mm = t->mm;
		struct vma *v;

		if (!mm || t->group_leader != t)
			continue;
		list_for_each_entry(v, &mm->vmas, list) {
			u64 a;

			for (a = v->start; a < v->end; a += PAGE_SIZE) {
				u64 *pte = pte_lookup(mm, a, false);

				while (pte && (*pte & PTE_SWAP)) {
					rc = swap_in(mm, pte);
					if (rc < 0 && rc != -EAGAIN)
						return rc;
				}
			}
		}
	}
	return 0;
}

long sys_swapoff(u64 upath)
{
	char *path = user_path(upath);
	long rc;

	if (IS_ERR(path))
		return PTR_ERR(path);
	if (current->euid != 0)
		rc = -EPERM;
	else if (!swap || strcmp(path, swap->name))
		rc = -EINVAL;
	else if ((rc = swap_in_all()) == 0) {
		file_put(swap->file);
		kfree(swap->count);
		kfree(swap);
		swap = NULL;
	}
	kfree(path);
	return rc;
}

int swap_proc(char *buf, size_t len)
{
	size_t pos = 0;

	pos += (size_t)scnprintf(buf, len, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	if (swap)
		pos += (size_t)scnprintf(buf + pos, len - pos, "%-40s%s\t%llu\t\t%llu\t\t-2\n",
					 swap->name, "partition",
					 (unsigned long long)(swap->slots - 1) * 4,
					 (unsigned long long)swap->used * 4);
	return (int)pos;
}
