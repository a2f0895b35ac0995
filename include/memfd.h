/* memfds and their seals (fs/memfd.c). */
#ifndef MEMFD_H
#define MEMFD_H

#include "types.h"

struct file;
struct inode;

bool is_memfd(struct inode *i);
/* fcntl F_ADD_SEALS / F_GET_SEALS. */
long memfd_fcntl_seals(struct file *f, int cmd, u64 arg);
/* May the file's size become size? 0 or -EPERM (shrink/grow seals). */
int seals_check_size(struct inode *i, u64 size);
/* Do the seals forbid a shared writable mapping? */
bool seals_deny_write_map(struct inode *i);

#endif
