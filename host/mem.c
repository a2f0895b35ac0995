/* Host memory: the physmem file, mappings and boot-time buffers. */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host.h"

int host_memfd_create(const char *name, u64 size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int host_memfd_resize(int fd, u64 size)
{
	return ftruncate(fd, (off_t)size) < 0 ? -errno : 0;
}

void *host_mmap(void *addr, size_t len, int prot, int flags, int fd, u64 off)
{
	void *p = mmap(addr, len, prot, flags, fd, (off_t)off);

	if (p == MAP_FAILED)
		return (void *)(long)-errno;
	return p;
}

void host_dontfork(void *addr, size_t len)
{
	madvise(addr, len, MADV_DONTFORK);
}

int host_munmap(void *addr, size_t len)
{
	return munmap(addr, len) < 0 ? -errno : 0;
}

void *host_alloc(size_t n)
{
	return malloc(n);
}

void host_free(void *p)
{
	free(p);
}
