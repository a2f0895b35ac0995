/* Memory system calls: brk, mmap, munmap, mprotect, mremap, madvise. */
#include <linux/mman.h>

#include "arch/layout.h"
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "memfd.h"
#include "mm.h"
#include "pgtable.h"
#include "syscall.h"
#include "task.h"

long mm_remap(struct mm *mm, u64 old, u64 old_len, u64 new_len, bool may_move,
	      u64 fixed_to);

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_UNINITIALIZED
#define MAP_UNINITIALIZED 0x4000000
#endif

long sys_brk(u64 addr)
{
	struct mm *mm = current->mm;
	u64 old = ALIGN_UP(mm->brk, PAGE_SIZE), new = ALIGN_UP(addr, PAGE_SIZE);

	if (addr < mm->brk_start)
		return (long)mm->brk;
	if (new > old) {
		struct vma *v;

		/* Refuse to grow into another mapping. */
		list_for_each_entry(v, &mm->vmas, list)
			if (v->start < new && v->end > old)
				return (long)mm->brk;
		if (new - mm->brk_start > current->signal->rlim[RLIMIT_DATA].rlim_cur)
			return (long)mm->brk;
		/* Linux's heuristic overcommit: no single growth beyond RAM. */
		if (new - old > (mem_total_pages() + swap_total_pages()) * PAGE_SIZE)
			return (long)mm->brk;
		v = vma_find(mm, old - 1);
		if (v && v->end == old && (v->flags & VM_HEAP)) {
			v->end = new;
		} else if (mm_map(mm, old, new - old, PROT_READ | PROT_WRITE, VM_HEAP,
				  NULL, 0) < 0) {
			return (long)mm->brk;
		}
	} else if (new < old) {
		mm_unmap(mm, new, old - new);
	}
	mm->brk = addr;
	return (long)addr;
}

long sys_mmap(u64 addr, u64 len, u32 prot, u32 flags, int fd, u64 off)
{
	struct mm *mm = current->mm;
	struct file *f = NULL;
	u32 vmflags = 0;
	u64 start;
	long rc;

	if (!len)
		return -EINVAL;
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (len > TASK_SIZE)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
	case MAP_SHARED_VALIDATE:
		vmflags |= VM_SHARED;
		break;
	case MAP_PRIVATE:
		break;
	default:
		return -EINVAL;
	}
	if (!(flags & MAP_ANONYMOUS)) {
		f = fget(fd);
		if (!f)
			return -EBADF;
		if (S_ISCHR(f->inode->mode)) {
			/* /dev/zero maps as anonymous memory; nothing else maps. */
			bool zero = f->inode->rdev == MKDEV(1, 5);

			file_put(f);
			f = NULL;
			if (!zero)
				return -ENODEV;
			flags |= MAP_ANONYMOUS;
		} else if (!f->inode->iops || !f->inode->iops->getpage) {
			file_put(f);
			return -ENODEV;
		}
		if (f && (!(f->mode & FMODE_READ) ||
			  ((vmflags & VM_SHARED) && (prot & PROT_WRITE) &&
			   !(f->mode & FMODE_WRITE)))) {
			file_put(f);
			return -EACCES;
		}
		if (f && (vmflags & VM_SHARED) && (prot & PROT_WRITE) &&
		    seals_deny_write_map(f->inode)) {
			file_put(f);
			return -EPERM;
		}
	}
	if ((flags & MAP_ANONYMOUS) && (vmflags & VM_SHARED)) {
		/* Shared anonymous memory is a file nobody can name. */
		struct inode *i = tmpfs_new_file_inode(len);

		if (!i)
			return -ENOMEM;
		f = file_anon(i, NULL, O_RDWR, NULL);
		inode_put(i);
		if (!f)
			return -ENOMEM;
		off = 0;
	}
	/* Heuristic overcommit: an anonymous private writable mapping larger
	 * than all of memory can never be backed. */
	if ((flags & MAP_ANONYMOUS) && !(vmflags & VM_SHARED) && (prot & PROT_WRITE) &&
	    !(flags & MAP_NORESERVE) &&
	    len > (mem_total_pages() + swap_total_pages()) * PAGE_SIZE) {
		rc = -ENOMEM;
		goto out;
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & ~PAGE_MASK) {
			rc = -EINVAL;
			goto out;
		}
		if (addr + len > TASK_SIZE || addr + len < addr) {
			rc = -ENOMEM;
			goto out;
		}
		start = addr;
		if (flags & MAP_FIXED_NOREPLACE) {
			struct vma *v;

			list_for_each_entry(v, &mm->vmas, list) {
				if (v->start < start + len && v->end > start) {
					rc = -EEXIST;
					goto out;
				}
			}
		}
	} else {
		start = mm_get_unmapped(mm, addr, len);
		if (!start) {
			rc = -ENOMEM;
			goto out;
		}
	}
	if (flags & MAP_GROWSDOWN)
		vmflags |= VM_GROWSDOWN;
	rc = mm_map(mm, start, len, prot, vmflags, f, off >> PAGE_SHIFT);
out:
	if (f)
		file_put(f);
	return rc;
}

long sys_munmap(u64 addr, u64 len)
{
	return mm_unmap(current->mm, addr, len);
}

long sys_mprotect(u64 addr, u64 len, u32 prot)
{
	if (prot & ~(u32)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
	return mm_protect(current->mm, addr, len, prot);
}

long sys_mremap(u64 old, u64 old_len, u64 new_len, u32 flags, u64 new_addr)
{
	if (old & ~PAGE_MASK)
		return -EINVAL;
	if (flags & ~(u32)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (!new_len)
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && (new_addr & ~PAGE_MASK))
		return -EINVAL;
	return mm_remap(current->mm, old, old_len, new_len, flags & MREMAP_MAYMOVE,
			(flags & MREMAP_FIXED) ? new_addr : 0);
}

static void dontneed_pte(struct mm *mm, u64 addr, u64 *pte, void *arg)
{
	if (*pte & PTE_SWAP) {
		swap_slot_put(*pte >> PAGE_SHIFT);
	} else {
		page_put(pte_frame(*pte));
		mm->rss--;
	}
	*pte = 0;
}

long sys_madvise(u64 addr, u64 len, int advice)
{
	struct mm *mm = current->mm;
	u64 end = addr + ALIGN_UP(len, PAGE_SIZE), a;

	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (advice == MADV_DONTNEED || advice == MADV_FREE) {
		struct vma *v;

		for (a = addr; a < end;) {
			v = vma_find(mm, a);
			if (!v)
				return -ENOMEM;
			if (!(v->flags & VM_SHARED) || !v->file) {
				u64 e = MIN(end, v->end);

				pte_range(mm, a, e, dontneed_pte, NULL);
				engine_queue_munmap(mm, a, e - a);
			}
			a = v->end;
		}
	}
	return 0;
}

/*
 * Shared file mappings store straight into the page cache, so there is
 * nothing to copy; MS_SYNC asks each mapped file's filesystem to write its
 * data out (hostfs writes stores back to the host file, others flush).
 */
long sys_msync(u64 addr, u64 len, int flags)
{
	struct mm *mm = current->mm;
	u64 end = addr + ALIGN_UP(len, PAGE_SIZE), a;
	struct vma *v;
	long rc = 0;

	if ((addr & ~PAGE_MASK) || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)) || end < addr)
		return -EINVAL;
	for (a = addr; a < end; a = v->end) {
		v = vma_find(mm, a);
		if (!v)
			return -ENOMEM;
		if ((flags & MS_SYNC) && (v->flags & VM_SHARED) && v->file && v->file->fops &&
		    v->file->fops->fsync && rc == 0)
			rc = v->file->fops->fsync(v->file);
	}
	return rc;
}

long sys_mlock(u64 addr, u64 len)
{
	return 0;
}

long sys_munlock(u64 addr, u64 len)
{
	return 0;
}

/* Nothing is ever paged out but by swap, which locking would not change
 * here: the flags are checked and the call succeeds. */
long sys_mlockall(int flags)
{
	if (!(flags & (MCL_CURRENT | MCL_FUTURE)) ||
	    (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)))
		return -EINVAL;
	return 0;
}

long sys_munlockall(void)
{
	return 0;
}

/*
 * mincore: one byte per page of [addr, addr + len), 1 where the page is in
 * memory (mapped in the page tables), 0 where it was never touched or is
 * swapped out. ENOMEM where part of the range is not mapped.
 */
long sys_mincore(u64 addr, u64 len, u64 uvec)
{
	struct mm *mm = current->mm;
	u64 end = addr + ALIGN_UP(len, PAGE_SIZE), a;
	u8 chunk[256];
	size_t n = 0;

	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (end < addr || end > TASK_SIZE)
		return -ENOMEM;
	for (a = addr; a < end; a += PAGE_SIZE) {
		u64 *pte;

		if (!vma_find(mm, a))
			return -ENOMEM;
		pte = pte_lookup(mm, a, false);
		chunk[n++] = pte && (*pte & PTE_PRESENT) ? 1 : 0;
		if (n == sizeof(chunk) || a + PAGE_SIZE >= end) {
			if (copy_to_user(uvec + (a - addr) / PAGE_SIZE + 1 - n, chunk, n) < 0)
				return -EFAULT;
			n = 0;
		}
	}
	return 0;
}
