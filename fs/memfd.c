/*
 * memfd_create: an anonymous tmpfs file ("memfd:NAME" in /proc/<pid>/fd)
 * and its seals (fcntl F_ADD_SEALS/F_GET_SEALS). A seal is a promise to
 * whoever the file is passed to: no more shrinking, growing or writing
 * (or no new writable mappings), or no more seals. They are checked where
 * the file changes: write here, truncation and fallocate in fs/open.c,
 * mmap and mprotect in mm/.
 */
#include <linux/fcntl.h>
#include <linux/memfd.h>
#include <linux/mman.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "memfd.h"
#include "mm.h"
#include "syscall.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#define MFD_EXEC	0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif
#define MFD_NAME_MAX 249 /* NAME_MAX less "memfd:" */
#define ALL_SEALS                                                                         \
	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | \
	 F_SEAL_EXEC)

s64 generic_llseek(struct file *f, s64 off, int whence);
static const struct file_ops memfd_fops;

static ssize_t memfd_write(struct file *f, struct uio *u, u64 *pos)
{
	struct inode *i = f->inode;
	u64 at = (f->flags & O_APPEND) ? i->size : *pos;

	if (i->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	if ((i->seals & F_SEAL_GROW) && u->resid && at + u->resid > i->size)
		return -EPERM;
	return pcache_write(f, u, pos);
}

static const struct file_ops memfd_fops = {
	.read = pcache_read,
	.write = memfd_write,
	.llseek = generic_llseek,
};

bool is_memfd(struct inode *i)
{
	return i->fops == &memfd_fops;
}

int seals_check_size(struct inode *i, u64 size)
{
	if ((i->seals & F_SEAL_SHRINK) && size < i->size)
		return -EPERM;
	if ((i->seals & F_SEAL_GROW) && size > i->size)
		return -EPERM;
	return 0;
}

bool seals_deny_write_map(struct inode *i)
{
	return (i->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) != 0;
}

/* Is the file mapped shared and writable anywhere? */
static bool mapped_writable(struct inode *i)
{
	struct vma *v;

	list_for_each_entry(v, &i->mappings, file_node)
	{
		if ((v->flags & VM_SHARED) && (v->prot & PROT_WRITE))
			return true;
	}
	return false;
}

long memfd_fcntl_seals(struct file *f, int cmd, u64 arg)
{
	struct inode *i = f->inode;

	if (!is_memfd(i))
		return -EINVAL;
	if (cmd == F_GET_SEALS)
		return i->seals;
	if (arg & ~(u64)ALL_SEALS)
		return -EINVAL;
	if (!(f->mode & FMODE_WRITE))
		return -EPERM;
	if (i->seals & F_SEAL_SEAL)
		return -EPERM;
	if ((arg & F_SEAL_WRITE) && !(i->seals & F_SEAL_WRITE) && mapped_writable(i))
		return -EBUSY;
	i->seals |= (u32)arg;
	return 0;
}

long sys_memfd_create(u64 uname, unsigned flags)
{
	char name[6 + MFD_NAME_MAX + 2];
	struct file *f;
	u32 mode = 0777;
	long len, fd;

	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC))
		return -EINVAL;
	if ((flags & MFD_NOEXEC_SEAL) && (flags & MFD_EXEC))
		return -EINVAL;
	memcpy(name, "memfd:", 6);
	len = strncpy_from_user(name + 6, uname, MFD_NAME_MAX + 1);
	if (len == -ENAMETOOLONG)
		return -EINVAL;
	if (len < 0)
		return len;
	if (flags & MFD_NOEXEC_SEAL)
		mode = 0666;
	f = tmpfs_open_unlinked(name, mode, O_RDWR | O_LARGEFILE, &memfd_fops);
	if (!f)
		return -ENOMEM;
	/* Without MFD_ALLOW_SEALING the file is sealed against seals. */
	if (flags & MFD_NOEXEC_SEAL)
		f->inode->seals = F_SEAL_EXEC;
	else if (!(flags & MFD_ALLOW_SEALING))
		f->inode->seals = F_SEAL_SEAL;
	fd = fd_install(f, (flags & MFD_CLOEXEC) != 0);
	if (fd < 0)
		file_put(f);
	return fd;
}
