/*
 * devpts (fs/devpts/): the filesystem that shows pseudo-terminal slaves
 * as /dev/pts/N. Each mount is an instance with its own numbering and
 * options; drivers/tty/pty.c keeps its ptys in one.
 */
#ifndef DEVPTS_H
#define DEVPTS_H

#include "fs.h"

#define PTY_SLAVE_MAJOR 136
#define PTY_MAX_MINORS	(1u << 20)

struct devpts;

/*
 * The instance a ptmx file opened at path p belongs to: the devpts mount
 * p lies in (/dev/pts/ptmx), or the one mounted on "pts" beside p
 * (/dev/ptmx). Also gives that mount in *mnt. ERR_PTR(-ENODEV) if none.
 */
struct devpts *devpts_find(const struct path_ref *p, struct mount **mnt);
/* Registers obj under the lowest free index of fs and returns the index;
 * -ENOSPC past the instance's max= option, -ENOMEM. */
int devpts_new_index(struct devpts *fs, void *obj);
void devpts_kill_index(struct devpts *fs, int index);
/* What a slave node (a devpts inode) stands for, or NULL. */
void *devpts_lookup(struct inode *inode);
/* Makes the node of index, owned and with permissions as the mount
 * options say; returns its dentry with a reference for the caller, or an
 * ERR_PTR. devpts_pty_kill removes it and drops that reference. */
struct dentry *devpts_pty_new(struct devpts *fs, int index);
void devpts_pty_kill(struct devpts *fs, struct dentry *node);

#endif
