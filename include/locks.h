/* Advisory file locks: fcntl record locks, OFD locks, flock (fs/locks.c). */
#ifndef LOCKS_H
#define LOCKS_H

#include "types.h"

struct file;
struct files;
struct inode;

/* fcntl F_GETLK/F_OFD_GETLK and F_SETLK(W)/F_OFD_SETLK(W) on f. */
long fcntl_getlk(struct file *f, int cmd, u64 arg);
long fcntl_setlk(struct file *f, int cmd, u64 arg);
/* A process (fd table owner) closes a descriptor of f: its POSIX locks on
 * the file go. Call before dropping the descriptor's reference. */
void locks_remove_posix(struct file *f, struct files *owner);
/* The last reference to f goes: its OFD and flock locks go. */
void locks_remove_file(struct file *f);
/* The inode is freed: its (empty) lock context goes too. */
void locks_free_ctx(struct inode *i);
/* /proc/locks. */
int locks_proc(char *buf, size_t len);

#endif
