/*
 * The virtual filesystem: inodes, dentries, mounts, open files and the
 * per-process fd table and fs context.
 *
 * Dentries form the name tree. Filesystems that live in memory (tmpfs,
 * devtmpfs) keep their directories as dentry children and never forget
 * them; filesystems with a backing store (procfs, later ext2) look names
 * up on demand and their dentries may be "unhashed" (not in the parent's
 * child list), dying with their last reference.
 */
#ifndef FS_H
#define FS_H

#include <linux/fcntl.h>
#include <linux/stat.h>

#include "list.h"
#include "task.h"
#include "types.h"

struct inode;
struct dentry;
struct file;
struct super_block;
struct poll_table;
struct vma;
struct path_ref;
struct iattr_k;
struct kstatfs;
struct mount;
struct pipe;
struct file_lock_ctx;
struct inotify_watch;

struct ktimespec {
	s64 sec;
	long nsec;
};

/* A place in user or kernel memory that data moves to or from. */
struct uio_seg {
	u64 base;
	size_t len;
};
struct uio {
	bool kernel;              /* segments are kernel addresses */
	int nseg, cur;
	size_t off;               /* offset in segs[cur] */
	size_t resid;             /* bytes left overall */
	const struct uio_seg *segs;
	struct uio_seg one;       /* storage for single-segment uios */
};
void uio_init_user(struct uio *u, u64 addr, size_t len);
void uio_init_kernel(struct uio *u, void *addr, size_t len);
/* Copies up to n bytes into/out of the uio; returns bytes or -EFAULT. */
long uio_copy_to(struct uio *u, const void *src, size_t n);
long uio_copy_from(struct uio *u, void *dst, size_t n);
/* Copies page-cache data: like uio_copy_to but from a frame. */

struct dir_ctx {
	/* Returns false when the buffer is full. */
	bool (*emit)(struct dir_ctx *ctx, const char *name, int len, u64 ino,
		     unsigned type);
	u64 pos;
};

struct file_ops {
	int (*open)(struct inode *inode, struct file *f);
	void (*release)(struct file *f);
	ssize_t (*read)(struct file *f, struct uio *u, u64 *pos);
	ssize_t (*write)(struct file *f, struct uio *u, u64 *pos);
	long (*ioctl)(struct file *f, unsigned cmd, u64 arg);
	/* Returns the ready mask; registers wait queues with pt if non-NULL. */
	unsigned (*poll)(struct file *f, struct poll_table *pt);
	int (*iterate)(struct file *f, struct dir_ctx *ctx);
	s64 (*llseek)(struct file *f, s64 off, int whence);
	int (*fsync)(struct file *f);
	/* For files with no name: what /proc/<pid>/fd shows after
	 * "anon_inode:" ("[eventfd]"). */
	const char *anon_name;
};

struct inode_ops {
	/* Looks name up in directory dir; fills child->inode or returns
	 * -ENOENT. Only for filesystems that don't keep all dentries. */
	int (*lookup)(struct dentry *dir, struct dentry *child);
	int (*create)(struct dentry *dir, struct dentry *child, u32 mode,
		      u32 rdev);
	int (*link)(struct dentry *old, struct dentry *dir, struct dentry *child);
	int (*unlink)(struct dentry *dir, struct dentry *child);
	int (*rmdir)(struct dentry *dir, struct dentry *child);
	int (*rename)(struct dentry *odir, struct dentry *old,
		      struct dentry *ndir, struct dentry *new, unsigned flags);
	int (*symlink)(struct dentry *dir, struct dentry *child,
		       const char *target);
	/* Symlink target into buf (not NUL-terminated); returns length. */
	int (*readlink)(struct dentry *d, char *buf, size_t len);
	/* Magic links (/proc/self/fd/N): resolve to a path directly. */
	int (*get_link_path)(struct dentry *d, struct path_ref *out);
	int (*setattr)(struct dentry *d, struct iattr_k *a);
	/* Page cache: the frame holding page index of the file, with a new
	 * reference; allocates when create. -EIO beyond EOF. */
	int (*getpage)(struct inode *inode, u64 index, bool create, u64 *frame);
	int (*truncate)(struct inode *inode, u64 size);
	/* After data was copied into the page cache at [pos, pos+len):
	 * filesystems with a backing store write it out (write-through). */
	int (*write_end)(struct inode *inode, u64 pos, size_t len);
	/* The last reference is going: forget (or delete) the inode. */
	void (*evict)(struct inode *inode);
	/* Writes data and metadata to the device and flushes it. */
	int (*sync)(struct inode *inode);
	/* Optional, for a backing store that changes behind the kernel's back
	 * (hostfs): brings the attributes up to date before stat reports
	 * them. Failing leaves them as they were. */
	void (*getattr)(struct inode *inode);
};

struct path_ref {
	struct mount *mnt;
	struct dentry *dentry;
};

struct iattr_k {
	unsigned valid;
	u32 mode;
	int uid, gid;
	u64 size;
	struct ktimespec atime, mtime;
};
#define ATTR_MODE 1
#define ATTR_UID 2
#define ATTR_GID 4
#define ATTR_SIZE 8
#define ATTR_ATIME 16
#define ATTR_MTIME 32
#define ATTR_CTIME 64

struct inode {
	u64 ino;
	u32 mode;
	int uid, gid;
	u32 nlink;
	u64 size;
	u32 rdev;            /* device number for char/block nodes */
	u64 blocks;          /* 512-byte blocks used */
	struct ktimespec atime, mtime, ctime, btime;
	int refcount;
	const struct inode_ops *iops;
	const struct file_ops *fops;
	struct super_block *sb;
	void *pcache;        /* page cache radix root, see fs/pagecache.c */
	u64 npages;          /* pages in the cache */
	void *priv;          /* filesystem-specific */
	bool free_priv;      /* kfree(priv) with the inode */
	struct pipe *pipe;   /* a pipe's or an open FIFO's buffer (fs/pipe.c),
				apart from priv, which a FIFO's filesystem owns */
	char *symlink;       /* in-memory symlink target */
	struct wait_queue wq;/* for pipes, ttys and the like */
	struct list_head mappings; /* VMAs mapping this file (vma.file_node) */
	struct file_lock_ctx *flctx; /* its advisory locks (fs/locks.c), or NULL */
	u32 seals;           /* F_SEAL_* (memfds, fs/memfd.c) */
	struct inotify_watch *watches; /* inotify watches on it (fs/notify.c) */
};

struct dentry {
	char *name;
	int namelen;
	struct dentry *parent;  /* itself for a root */
	struct inode *inode;    /* NULL: negative */
	struct list_head children;
	struct list_head sibling;
	bool hashed;            /* in the parent's children list */
	int refcount;
	int mounted;            /* mounts on top of this dentry */
	struct super_block *sb;
};

struct fs_type;

struct super_block {
	const struct fs_type *type;
	struct dentry *root;
	u64 next_ino;
	void *priv;
	u32 dev;
	unsigned long flags;   /* MS_RDONLY ... */
	u64 magic;
};

struct fs_type {
	const char *name;
	bool nodev;          /* needs no block device (/proc/filesystems) */
	bool always_nodev;   /* mounts are nodev whatever the flags say:
				its device nodes never open (hostfs) */
	int (*mount)(struct super_block *sb, const char *dev, const char *opts);
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	/* Optional: write everything out; switch ro/rw; last unmount. */
	int (*sync_fs)(struct super_block *sb);
	int (*remount)(struct super_block *sb, unsigned long flags);
	void (*umount)(struct super_block *sb);
	/* Frees up to want clean cached pages (no I/O); returns the count. */
	u64 (*reclaim)(struct super_block *sb, u64 want);
	/* Optional: is the cached dentry d (positive, found in its parent's
	 * children) still what the backing store holds under its name? 0 if
	 * so (its inode's attributes refreshed); an error makes the path walk
	 * forget d and look the name up afresh. For stores that change
	 * behind the kernel's back (hostfs). */
	int (*revalidate)(struct dentry *d);
	/* Optional: writes the filesystem's own mount options for
	 * /proc/mounts (",mode=620") into buf; returns their length. */
	int (*show_options)(struct super_block *sb, char *buf, size_t len);
};

struct kstatfs {
	u64 type, bsize, blocks, bfree, bavail, files, ffree, namelen, frsize,
	    flags;
	u64 fsid; /* f_fsid: low half in val[0]; 0 when the filesystem has none */
};

/* Are device nodes on mount m closed (MS_NODEV)? */
#define MOUNT_NODEV(m) (((m)->flags & 4 /* MS_NODEV */) || (m)->sb->type->always_nodev)

struct mount {
	struct list_head list;
	struct super_block *sb;
	struct dentry *root;        /* root of the mounted tree */
	struct mount *parent;       /* NULL for the root mount */
	struct dentry *mountpoint;  /* in parent */
	char *devname;
	unsigned long flags;
	int id;                     /* [I] for /proc/<pid>/mountinfo */
};

struct file {
	int refcount;
	struct inode *inode;
	struct path_ref path;
	u64 pos;
	u32 flags;      /* O_* status flags */
	u32 mode;       /* FMODE_READ | FMODE_WRITE */
	const struct file_ops *fops;
	void *priv;
	u64 dir_pos;
};
#define FMODE_READ 1
#define FMODE_WRITE 2

#define NR_OPEN_MAX 1024
struct files {
	int users;
	int max;                 /* capacity of fd[] */
	struct file **fd;
	u8 *cloexec;
};

struct fs_struct {
	int users;
	struct path_ref root, cwd;
	u32 umask;
};

/* --- inodes and dentries --- */
struct inode *inode_alloc(struct super_block *sb, u32 mode);
void inode_get(struct inode *i);
void inode_put(struct inode *i);
void inode_touch(struct inode *i, bool m, bool c);
struct dentry *dentry_alloc(struct dentry *parent, const char *name, int len);
void dentry_get(struct dentry *d);
void dentry_put(struct dentry *d);
/* Child name of dir in the dentry cache, with a reference, or NULL. */
struct dentry *dentry_child(struct dentry *dir, const char *name, int len);
/* Adds d to its parent's children (makes it findable). */
void dentry_hash(struct dentry *d);
/* Renames d in the dentry tree: takes name (kmalloc'd), moves to parent. */
void dentry_move(struct dentry *d, char *name, int len, struct dentry *parent);
/* Applies the mode, owner and time parts of a setattr to an inode. */
void setattr_copy(struct inode *i, const struct iattr_k *a);
void dentry_unhash(struct dentry *d);

/* --- mounts --- */
extern struct mount *root_mount;
struct mount *mount_lookup(struct mount *parent, struct dentry *d);
int do_mount(const char *dev, struct path_ref *where, const char *type,
	     unsigned long flags, const char *opts);
int do_umount(struct path_ref *p, int flags);
void register_filesystem(struct fs_type *t);
const struct fs_type *find_filesystem(const char *name);
struct super_block *sb_alloc(const struct fs_type *t);
/* Iterates the mount list for /proc/mounts. */
struct mount *mount_next(struct mount *m);
int mount_root(const char *type);
/* Writes every filesystem's data and metadata to its device. */
void sync_filesystems(void);
int path_name(const struct path_ref *p, const struct path_ref *root,
	      char *buf, size_t len);

/* --- path walk --- */
#define LOOKUP_FOLLOW 1      /* follow a trailing symlink */
#define LOOKUP_DIRECTORY 2   /* the result must be a directory */
#define LOOKUP_PARENT 4      /* stop at the parent, return the last name */
#define LOOKUP_EMPTY 8       /* an empty path means dirfd itself */
#define LOOKUP_NOAUTOMOUNT 16
/* openat2's RESOLVE_* restrictions, for the whole walk: */
#define LOOKUP_BENEATH 32        /* never above the start: EXDEV */
#define LOOKUP_IN_ROOT 64        /* the start is "/" */
#define LOOKUP_NO_SYMLINKS 128   /* no symlinks at all: ELOOP */
#define LOOKUP_NO_MAGICLINKS 256 /* no /proc/<pid>/fd-style links: ELOOP */
#define LOOKUP_NO_XDEV 512       /* no mount crossings: EXDEV */
#define LOOKUP_RESOLVE_MASK 992
struct nameidata {
	struct path_ref path;  /* result */
	const char *last;      /* LOOKUP_PARENT: final component (in last_buf,
				  so it outlives the caller's path string) */
	int last_len;
	char last_buf[256];
};
/* Resolves a kernel-space path relative to dirfd (AT_FDCWD). */
int path_lookup_at(int dirfd, const char *name, unsigned flags,
		   struct nameidata *nd);
void path_get(struct path_ref *p);
void path_put(struct path_ref *p);
/* Moves p (referenced) to the root of what is mounted on it, if anything. */
void path_follow_mounts(struct path_ref *p);

/* --- files --- */
struct file *file_alloc(struct path_ref *p, u32 flags);
void file_get(struct file *f);
void file_put(struct file *f);
struct file *fget(int fd);
/* The private data of fd's file when its ops are fops (the file is then
 * referenced in *fp), else an ERR_PTR: -EBADF for no file, wrong for a
 * file of another kind. For eventfd-like calls that take only their own. */
void *fget_priv(int fd, const struct file_ops *fops, int wrong, struct file **fp);
int fd_install(struct file *f, bool cloexec);
/* Is there a free descriptor (below RLIMIT_NOFILE) for fd_install? */
bool fd_available(void);
int fd_install_at(int fd, struct file *f, bool cloexec);
int fd_close(int fd);
struct files *files_alloc(void);
struct files *files_dup(struct files *old);
void files_put(struct files *f);
void files_close_on_exec(struct files *f);
struct fs_struct *fs_alloc(void);
struct fs_struct *fs_dup(struct fs_struct *old);
void fs_put(struct fs_struct *fs);
/* Opens a program or interpreter for execve: a regular file the caller
 * may execute (read permission not needed) on a mount without noexec;
 * -EACCES otherwise. Returns a file the kernel can read, or ERR_PTR. */
struct file *file_open_exec(const char *path);
/* Opens a path like open(2) does; returns a file or ERR_PTR. */
struct file *file_open_at(int dirfd, const char *path, int flags, u32 mode);
/* The same with openat2's restrictions on the walk (LOOKUP_BENEATH...). */
struct file *file_open_resolve(int dirfd, const char *path, int flags, u32 mode, unsigned resolve);
/* Opens an inode that has no name (pipes, sockets, eventfd). */
struct file *file_anon(struct inode *inode, const struct file_ops *fops,
		       u32 flags, void *priv);
/* A descriptor for a new nameless file of fops (eventfd, timerfd...). priv
 * (kmalloc'd) is the file's: on failure it is freed, by fops->release if
 * the file was made, else with kfree. Returns the fd or -errno. */
long anon_fd_create(const struct file_ops *fops, void *priv, u32 flags, bool cloexec);
ssize_t kernel_read(struct file *f, void *buf, size_t n, u64 pos);
ssize_t kernel_write(struct file *f, const void *buf, size_t n, u64 pos);
int inode_permission(struct inode *i, int mask);
/* Is gid the caller's filesystem group or one of its supplementary ones? */
bool in_group(int gid);
/* The dentry of name in dir (looked up if not cached), referenced, or an
 * ERR_PTR; it may be negative (no inode). */
struct dentry *vfs_lookup_one(struct dentry *dir, const char *name, int len);
int vfs_create(struct path_ref *dir, const char *name, int len, u32 mode,
	       u32 rdev, struct dentry **out);

/* --- page cache helpers (fs/pagecache.c) --- */
/* The frame for index, or -1. No new reference. */
s64 pcache_find(struct inode *i, u64 index);
int pcache_insert(struct inode *i, u64 index, u64 frame);
/* For iops->getpage of a filesystem with a backing store: the frame of
 * page index, with a new reference, from the cache or else a fresh page
 * that fill() reads from the store and that then joins the cache. */
int pcache_getpage(struct inode *i, u64 index, int (*fill)(struct inode *i, u64 index, void *page),
		   u64 *frame);
/* Drops up to want cached pages only the cache uses; returns how many. */
u64 pcache_reclaim(struct inode *i, u64 want);
/* Reclaims clean page cache of filesystems with a backing store. */
u64 reclaim_page_cache(u64 want);
/* Drops cached pages at index >= from. */
void pcache_truncate(struct inode *i, u64 from);
/* The file shrinks to size: unmaps and drops the pages beyond it and
 * zeroes the rest of its last page. */
void pcache_shrink(struct inode *i, u64 size);
/* Where SEEK_SET, SEEK_CUR and SEEK_END offsets count from in f (lseek,
 * fcntl locks); -EINVAL for another whence. */
int whence_base(struct file *f, int whence, s64 *base);
/* Generic read/write through the page cache using iops->getpage. */
ssize_t pcache_read(struct file *f, struct uio *u, u64 *pos);
ssize_t pcache_write(struct file *f, struct uio *u, u64 *pos);
/* RLIMIT_FSIZE for a write of u at pos to a regular file: trims u, or
 * sends SIGXFSZ and returns -EFBIG when pos is already past the limit. */
int write_limit(struct inode *i, struct uio *u, u64 pos);

/* --- devices --- */
/*
 * Device numbers in Linux's user-visible encoding (what stat's st_rdev and
 * /proc/<pid>/stat's tty_nr carry): 12-bit major, 20-bit minor, the low
 * minor byte at the bottom. For minors below 256 it is (major << 8) | minor.
 */
#define MKDEV(ma, mi) ((((ma) & 0xfffu) << 8) | ((mi) & 0xffu) | (((mi) & 0xfff00u) << 12))
#define DEV_MAJOR(d) (((d) >> 8) & 0xfffu)
#define DEV_MINOR(d) (((d) & 0xffu) | (((d) >> 12) & 0xfff00u))
struct chrdev {
	u32 major;
	u32 minor_start, minor_count;
	const char *name;
	const struct file_ops *fops;
};
int register_chrdev(const struct chrdev *c);
const struct file_ops *chrdev_fops(u32 rdev);
/* Creates /dev/name in devtmpfs. */
int devtmpfs_create(const char *name, u32 mode, u32 rdev);
void devtmpfs_mount_dev(void);
void devtmpfs_remove(const char *name);

/* Filesystem inits. */
void vfs_init(void);
void tmpfs_init(void);
void devtmpfs_init(void);
void procfs_init(void);
void sysfs_init(void);
void devpts_init(void);
/* Entries by path relative to /sys ("devices/virtual/block/ubdb/dev");
 * missing parent directories are made. */
int sysfs_add_dir(const char *path);
int sysfs_add_file(const char *path, const char *text);
int sysfs_add_link(const char *path, const char *target);
void sysfs_remove(const char *path);
struct inode *tmpfs_new_file_inode(u64 size); /* for MAP_SHARED anon */
/* Opens a new regular file named name that is in no directory (memfd);
 * fops replaces tmpfs's own (for every later open too) if not NULL. NULL
 * when out of memory. */
struct file *tmpfs_open_unlinked(const char *name, u32 mode, u32 flags, const struct file_ops *fops);
/* The host directory hostfs may reach (hostfs=, or rootflags= for a root
 * on hostfs); see fs/hostfs/share.c. 0, or -errno with a message in err. */
int hostfs_setup(const char *share, const char *rootdir, const char **root_opt, char *err,
		 size_t len);
int initramfs_unpack(const void *data, size_t len);

/* Directory entry types (d_type), whence values and friends. */
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10
#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

#endif
