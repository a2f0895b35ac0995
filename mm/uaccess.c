/*
 * Copies between kernel and guest memory. The kernel reads and writes
 * guest pages through its own mapping of physmem, translating with the
 * page tables of current->mm; missing or read-only pages are faulted in
 * first, exactly as a guest access would. No host system call is needed.
 */
#include "arch/layout.h"
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "pgtable.h"
#include "task.h"

/* access_mm_write with force: writes may break into read-only text. */
static bool force_write;

/* Kernel pointer to guest byte addr, made accessible for the access. */
static void *user_ptr(u64 addr, bool write)
{
	struct mm *mm = current->mm;
	u64 *pte;
	int tries;

	for (tries = 0; tries < 16; tries++) {
		int rc;

		pte = pte_lookup(mm, addr, false);
		if (pte && (*pte & PTE_PRESENT) && (!write || (*pte & PTE_WRITE)))
			return (char *)frame_to_virt(pte_frame(*pte)) +
			       (addr & ~PAGE_MASK);
		rc = mm_fault(mm, addr, !write ? FAULT_READ : force_write ? FAULT_FORCE : FAULT_WRITE);
		if (rc < 0 && rc != -EAGAIN)
			return NULL;
	}
	return NULL;
}

static bool range_ok(u64 addr, size_t n)
{
	return addr + n >= addr && addr + n <= TASK_SIZE;
}

enum user_op { USER_READ, USER_WRITE, USER_CLEAR };

/*
 * Moves n bytes between kernel buffer kbuf and guest address uaddr page by
 * page, faulting pages in as a guest access would. Returns 0 or -EFAULT.
 */
static int user_copy(u64 uaddr, void *kbuf, size_t n, enum user_op op)
{
	char *k = kbuf;

	if (!range_ok(uaddr, n))
		return -EFAULT;
	while (n > 0) {
		size_t chunk = MIN(n, PAGE_SIZE - (uaddr & ~PAGE_MASK));
		void *p = user_ptr(uaddr, op != USER_READ);

		if (!p)
			return -EFAULT;
		if (op == USER_READ)
			memcpy(k, p, chunk);
		else if (op == USER_WRITE)
			memcpy(p, k, chunk);
		else
			memset(p, 0, chunk);
		if (k)
			k += chunk;
		uaddr += chunk;
		n -= chunk;
	}
	return 0;
}

int copy_from_user(void *dst, u64 src, size_t n)
{
	return user_copy(src, dst, n, USER_READ);
}

int copy_to_user(u64 dst, const void *src, size_t n)
{
	return user_copy(dst, (void *)src, n, USER_WRITE);
}

int clear_user(u64 dst, size_t n)
{
	return user_copy(dst, NULL, n, USER_CLEAR);
}

long strncpy_from_user(char *dst, u64 src, size_t max)
{
	size_t done = 0;

	while (done < max) {
		size_t chunk = MIN(max - done, PAGE_SIZE - (src & ~PAGE_MASK));
		const char *p;
		size_t i;

		if (!range_ok(src, 1))
			return -EFAULT;
		p = user_ptr(src, false);
		if (!p)
			return -EFAULT;
		for (i = 0; i < chunk; i++) {
			dst[done + i] = p[i];
			if (!p[i])
				return (long)(done + i);
		}
		done += chunk;
		src += chunk;
	}
	return -ENAMETOOLONG;
}

#define PATH_MAX_K 4096

char *user_path(u64 src)
{
	char *buf = kmalloc(PATH_MAX_K);
	long n;

	if (!buf)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(buf, src, PATH_MAX_K);
	if (n < 0) {
		kfree(buf);
		return ERR_PTR(n);
	}
	return buf;
}

void uio_init_user(struct uio *u, u64 addr, size_t len)
{
	u->kernel = false;
	u->one.base = addr;
	u->one.len = len;
	u->segs = &u->one;
	u->nseg = 1;
	u->cur = 0;
	u->off = 0;
	u->resid = len;
}

void uio_init_kernel(struct uio *u, void *addr, size_t len)
{
	uio_init_user(u, (u64)(uintptr_t)addr, len);
	u->kernel = true;
}

static long uio_move(struct uio *u, void *kbuf, size_t n, bool to_uio)
{
	size_t done = 0;

	while (done < n && u->resid > 0) {
		const struct uio_seg *s = &u->segs[u->cur];
		size_t chunk = MIN(n - done, s->len - u->off);
		u64 addr = s->base + u->off;
		int rc = 0;

		if (chunk == 0) {
			u->cur++;
			u->off = 0;
			continue;
		}
		if (u->kernel) {
			if (to_uio)
				memcpy((void *)(uintptr_t)addr, (char *)kbuf + done, chunk);
			else
				memcpy((char *)kbuf + done, (void *)(uintptr_t)addr, chunk);
		} else if (to_uio) {
			rc = copy_to_user(addr, (char *)kbuf + done, chunk);
		} else {
			rc = copy_from_user((char *)kbuf + done, addr, chunk);
		}
		if (rc < 0)
			return done ? (long)done : rc;
		done += chunk;
		u->off += chunk;
		u->resid -= chunk;
		if (u->off == s->len) {
			u->cur++;
			u->off = 0;
		}
	}
	return (long)done;
}

long uio_copy_to(struct uio *u, const void *src, size_t n)
{
	return uio_move(u, (void *)src, n, true);
}

long uio_copy_from(struct uio *u, void *dst, size_t n)
{
	return uio_move(u, dst, n, false);
}

/*
 * Writes another address space's memory (ptrace POKE). With force, a
 * private mapping the guest may not write (program text) is written by
 * copy-on-write, so a breakpoint reaches only that process.
 */
int access_mm_write(struct mm *mm, u64 addr, const void *buf, size_t n, bool force)
{
	struct mm *saved = current->mm;
	int rc;

	current->mm = mm;
	force_write = force;
	rc = copy_to_user(addr, buf, n);
	force_write = false;
	current->mm = saved;
	return rc;
}

/* Reads another address space's memory (for /proc/<pid>/cmdline). */
int access_mm_read(struct mm *mm, u64 addr, void *buf, size_t n)
{
	struct mm *saved = current->mm;
	int rc;

	current->mm = mm;
	rc = copy_from_user(buf, addr, n);
	current->mm = saved;
	return rc;
}
