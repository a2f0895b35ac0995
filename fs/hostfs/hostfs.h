/*
 * hostfs: a directory of the host as a filesystem, confined to the one
 * directory the host user shares with hostfs= (see share.c).
 *
 * Confinement: the kernel never gives the host a path that could leave
 * the mount's directory. Every object is reached from the mount's root
 * handle with host_openat_beneath, which follows no symbolic link and no
 * ".." above the root; the names in such a path are the guest's dentry
 * names, checked to be single components. Symbolic links in the share are
 * shown to the guest as links and followed by the guest's own path walk,
 * inside the guest's namespace.
 *
 * Caching: inodes are shared by host (dev, ino), so hard links share one
 * page cache. Reads fill the page cache from the host; writes go to the
 * host at once (write-through) and into any cached page, so read(2),
 * write(2) and mappings agree. Stores into a shared mapping reach the
 * host at msync, fsync and the file's last close. A change made on the
 * host is noticed when the guest next looks the name up (every path walk
 * asks the host again), opens or stats it: a different object under the
 * name replaces the dentry, and a changed size, mtime or ctime drops the
 * cached pages no mapping holds.
 *
 * Host descriptors: an inode holds host fds only while guest files have
 * it open (a mapping holds its file), an open directory only while it
 * lists; all of them count against HOSTFS_MAX_FDS (-ENFILE beyond).
 */
#ifndef HOSTFS_H
#define HOSTFS_H

#include "fs.h"
#include "host.h"

/* UML's hostfs magic number, which statfs reports. */
#define HOSTFS_MAGIC	0x00c0ffee
#define HOSTFS_MAX_FDS	512
#define HOSTFS_BUCKETS	64
#define HOSTFS_PATH_MAX 4096

/* One mounted hostfs. */
struct hostfs_sb {
	int root_fd; /* O_PATH handle on the mounted directory; -1 after umount */
	struct list_head inodes[HOSTFS_BUCKETS]; /* hostfs_inode.node by (dev, ino) */
};

/* Per inode (inode->priv). */
struct hostfs_inode {
	struct inode *inode;
	u64 hdev, hino;	       /* [I] the host object */
	struct list_head node; /* in hostfs_sb.inodes */
	/* The file as last seen on the host (our own changes included): a
	 * different size, mtime or ctime later means the host changed it. */
	u64 seen_size;
	struct ktimespec seen_mtime, seen_ctime;
	int rfd, wfd; /* readable / writable host fds while opens > 0, else -1;
			 they may be the same descriptor */
	int opens;    /* open guest files of this inode */
	/* A shared writable mapping faulted pages in: they may hold writes
	 * the host has not seen, so fsync and the last close write every
	 * cached page back, and reclaim leaves them alone. */
	bool shared_writes;
};

static inline struct hostfs_sb *HSB(struct super_block *sb)
{
	return sb->priv;
}

static inline struct hostfs_inode *HI(struct inode *i)
{
	return i->priv;
}

/* share.c: the shared directory and the descriptor budget. */
int hostfs_share_fd(void);
/* Counts a host fd kept beyond one system call; closes it and returns
 * -ENFILE when the budget is spent. Returns fd otherwise. */
int hostfs_hold_fd(int fd);
void hostfs_drop_fd(int fd);

/* path.c: reaching the host object of a dentry. */
bool hostfs_name_ok(const char *name, int len);
/* The path of d relative to its mount's directory ("" for the root). */
int hostfs_rel_path(struct dentry *d, char *buf, size_t len);
/* Opens d's object beneath the mount's root: flags as for openat, the last
 * component not followed when O_NOFOLLOW is given. A temporary fd. */
int hostfs_open_dentry(struct dentry *d, int flags);
/* An O_PATH handle on d's object that is still the inode's host object
 * (-ESTALE if the name now holds another), and its attributes in st. */
int hostfs_handle(struct dentry *d, struct host_stat *st);

/* inode.c: host objects as inodes. */
struct inode *hostfs_iget(struct super_block *sb, const struct host_stat *st);
/* Copies the host's attributes; ours says the guest made the change, so
 * cached data stays valid. */
void hostfs_set_attrs(struct inode *i, const struct host_stat *st, bool ours);
/* Re-reads the attributes through host descriptor fd. */
void hostfs_refresh(struct inode *i, int fd, bool ours);
int hostfs_revalidate(struct dentry *d);
void hostfs_evict(struct inode *i);
void hostfs_getattr(struct inode *i);
/* A regular file just made with an open read-write fd, lent to the open
 * that follows its creation (which may not be allowed to open it again). */
void hostfs_lend_created(struct inode *i, int fd);
int hostfs_take_created(struct inode *i);

/* namei.c: operations every kind of inode has. */
int hostfs_setattr(struct dentry *d, struct iattr_k *a);
int hostfs_readlink(struct dentry *d, char *buf, size_t len);

/* file.c: regular files. */
int hostfs_file_io_fd(struct dentry *d, int flags);
int hostfs_truncate_fd(struct inode *i, int fd, u64 size);

extern const struct inode_ops hostfs_dir_iops, hostfs_file_iops, hostfs_link_iops,
	hostfs_special_iops;
extern const struct file_ops hostfs_dir_fops, hostfs_file_fops;

#endif
