/*
 * File change notification (fs/notify.c): the VFS calls these after a
 * change succeeds; inotify watches hear of it. Each is cheap when nothing
 * is watched.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#include "types.h"

struct dentry;
struct file;
struct inode;

void fsnotify_access(struct file *f);
void fsnotify_modify(struct file *f);
void fsnotify_open(struct file *f);
/* The last reference to an open file went. */
void fsnotify_close(struct file *f);
/* setattr on d succeeded: ATTR_* bits in valid. */
void fsnotify_change(struct dentry *d, unsigned valid);
/* name was created in directory dir. */
void fsnotify_create(struct inode *dir, const char *name, bool isdir);
/* name in dir is a new hard link to i. */
void fsnotify_link(struct inode *dir, const char *name, struct inode *i);
/* name (victim's) was removed from dir. */
void fsnotify_delete(struct inode *dir, const char *name, struct inode *victim, bool isdir);
/* moved went from odir/oname to ndir/nname, replacing replaced if any. */
void fsnotify_move(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
		   struct inode *moved, struct inode *replaced, bool isdir);

#endif
