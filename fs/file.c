/* Open files, the fd table and the per-process fs context. */
#include <linux/fcntl.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "locks.h"
#include "memfd.h"
#include "notify.h"
#include "mm.h"
#include "printk.h"

void eventpoll_release(struct file *f);
extern const struct file_ops blkdev_fops;

#ifndef O_PATH
#define O_PATH 010000000
#endif

struct file *file_alloc(struct path_ref *p, u32 flags)
{
	struct file *f = kzalloc(sizeof(*f));
	u32 acc = flags & O_ACCMODE;

	if (!f)
		return NULL;
	f->refcount = 1;
	if (p) {
		f->path = *p;
		path_get(&f->path);
		f->inode = p->dentry->inode;
		inode_get(f->inode);
	}
	f->flags = flags;
	if (!(flags & O_PATH)) {
		if (acc == O_RDONLY || acc == O_RDWR)
			f->mode |= FMODE_READ;
		if (acc == O_WRONLY || acc == O_RDWR)
			f->mode |= FMODE_WRITE;
	}
	return f;
}

void file_get(struct file *f)
{
	f->refcount++;
}

void file_put(struct file *f)
{
	if (!f)
		return;
	BUG_ON(f->refcount <= 0);
	if (--f->refcount > 0)
		return;
	eventpoll_release(f);
	locks_remove_file(f);
	if (f->path.dentry && !(f->flags & O_PATH))
		fsnotify_close(f);
	if (f->fops && f->fops->release)
		f->fops->release(f);
	if (f->path.dentry)
		path_put(&f->path);
	if (f->inode)
		inode_put(f->inode);
	kfree(f);
}

struct file *file_anon(struct inode *inode, const struct file_ops *fops,
		       u32 flags, void *priv)
{
	struct file *f = file_alloc(NULL, flags);

	if (!f)
		return NULL;
	f->inode = inode;
	inode_get(inode);
	f->fops = fops;
	f->priv = priv;
	return f;
}

/* --- fd table --- */

/* A descriptor of fs lets go of f: the process's record locks on the file
 * go with it (POSIX semantics), then the reference. */
static void fd_release(struct files *fs, struct file *f)
{
	locks_remove_posix(f, fs);
	file_put(f);
}

struct files *files_alloc(void)
{
	struct files *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->users = 1;
	fs->max = 64;
	fs->fd = kzalloc(sizeof(struct file *) * 64);
	fs->cloexec = kzalloc(64);
	if (!fs->fd || !fs->cloexec) {
		kfree(fs->fd);
		kfree(fs->cloexec);
		kfree(fs);
		return NULL;
	}
	return fs;
}

static int files_grow(struct files *fs, int want)
{
	int nmax = fs->max;
	struct file **nfd;
	u8 *nce;

	while (nmax <= want)
		nmax *= 2;
	if (nmax > NR_OPEN_MAX)
		nmax = NR_OPEN_MAX;
	if (want >= nmax)
		return -EMFILE;
	nfd = kzalloc(sizeof(struct file *) * (size_t)nmax);
	nce = kzalloc((size_t)nmax);
	if (!nfd || !nce) {
		kfree(nfd);
		kfree(nce);
		return -ENOMEM;
	}
	memcpy(nfd, fs->fd, sizeof(struct file *) * (size_t)fs->max);
	memcpy(nce, fs->cloexec, (size_t)fs->max);
	kfree(fs->fd);
	kfree(fs->cloexec);
	fs->fd = nfd;
	fs->cloexec = nce;
	fs->max = nmax;
	return 0;
}

struct files *files_dup(struct files *old)
{
	struct files *fs = files_alloc();
	int i;

	if (!fs)
		return NULL;
	if (old->max > fs->max && files_grow(fs, old->max - 1) < 0) {
		files_put(fs);
		return NULL;
	}
	for (i = 0; i < old->max; i++) {
		if (old->fd[i]) {
			fs->fd[i] = old->fd[i];
			file_get(fs->fd[i]);
			fs->cloexec[i] = old->cloexec[i];
		}
	}
	return fs;
}

void files_put(struct files *fs)
{
	int i;

	if (--fs->users > 0)
		return;
	for (i = 0; i < fs->max; i++)
		if (fs->fd[i])
			fd_release(fs, fs->fd[i]);
	kfree(fs->fd);
	kfree(fs->cloexec);
	kfree(fs);
}

void files_close_on_exec(struct files *fs)
{
	int i;

	for (i = 0; i < fs->max; i++) {
		if (fs->fd[i] && fs->cloexec[i]) {
			fd_release(fs, fs->fd[i]);
			fs->fd[i] = NULL;
			fs->cloexec[i] = 0;
		}
	}
}

void *fget_priv(int fd, const struct file_ops *fops, int wrong, struct file **fp)
{
	struct file *f = fget(fd);

	*fp = f;
	if (!f)
		return ERR_PTR(-EBADF);
	if (f->fops != fops) {
		file_put(f);
		*fp = NULL;
		return ERR_PTR(wrong);
	}
	return f->priv;
}

struct file *fget(int fd)
{
	struct files *fs = current->files;
	struct file *f;

	if (fd < 0 || fd >= fs->max)
		return NULL;
	f = fs->fd[fd];
	if (f)
		file_get(f);
	return f;
}

static u64 nofile_limit(void)
{
	return current->signal->rlim[RLIMIT_NOFILE].rlim_cur;
}

int fd_install_at(int fd, struct file *f, bool cloexec)
{
	struct files *fs = current->files;
	struct file *old;

	if (fd < 0 || (u64)fd >= nofile_limit() || fd >= NR_OPEN_MAX)
		return -EBADF;
	if (fd >= fs->max) {
		int rc = files_grow(fs, fd);

		if (rc < 0)
			return rc;
	}
	old = fs->fd[fd];
	fs->fd[fd] = f;
	fs->cloexec[fd] = cloexec;
	if (old)
		fd_release(fs, old);
	return fd;
}

/* Installs f at the lowest free fd >= from; consumes the reference. */
int fd_install_from(int from, struct file *f, bool cloexec)
{
	struct files *fs = current->files;
	int fd;

	for (fd = from; fd < fs->max; fd++)
		if (!fs->fd[fd])
			break;
	if ((u64)fd >= nofile_limit() || fd >= NR_OPEN_MAX)
		return -EMFILE;
	return fd_install_at(fd, f, cloexec);
}

bool fd_available(void)
{
	struct files *fs = current->files;
	u64 limit = MIN(nofile_limit(), (u64)NR_OPEN_MAX);
	int fd;

	for (fd = 0; fd < fs->max && (u64)fd < limit; fd++)
		if (!fs->fd[fd])
			return true;
	return (u64)fs->max < limit;
}

int fd_install(struct file *f, bool cloexec)
{
	return fd_install_from(0, f, cloexec);
}

int fd_close(int fd)
{
	struct files *fs = current->files;
	struct file *f;

	if (fd < 0 || fd >= fs->max || !fs->fd[fd])
		return -EBADF;
	f = fs->fd[fd];
	fs->fd[fd] = NULL;
	fs->cloexec[fd] = 0;
	fd_release(fs, f);
	return 0;
}

/* --- fs context --- */
struct fs_struct *fs_alloc(void)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->users = 1;
	fs->umask = 022;
	return fs;
}

struct fs_struct *fs_dup(struct fs_struct *old)
{
	struct fs_struct *fs = fs_alloc();

	if (!fs)
		return NULL;
	fs->root = old->root;
	fs->cwd = old->cwd;
	path_get(&fs->root);
	path_get(&fs->cwd);
	fs->umask = old->umask;
	return fs;
}

void fs_put(struct fs_struct *fs)
{
	if (--fs->users > 0)
		return;
	path_put(&fs->root);
	path_put(&fs->cwd);
	kfree(fs);
}

/* --- opening --- */
int vfs_create(struct path_ref *dir, const char *name, int len, u32 mode,
	       u32 rdev, struct dentry **out)
{
	struct inode *di = dir->dentry->inode;
	struct dentry *d;
	int rc;

	if (!di->iops || !di->iops->create)
		return -EPERM;
	if (S_ISDIR(di->mode) && di->nlink == 0)
		return -ENOENT; /* a removed directory takes no new names */
	if (dir->mnt->flags & 1 /* MS_RDONLY */)
		return -EROFS;
	rc = inode_permission(di, 3);
	if (rc < 0)
		return rc;
	d = dentry_alloc(dir->dentry, name, len);
	if (!d)
		return -ENOMEM;
	rc = di->iops->create(dir->dentry, d, mode, rdev);
	if (rc < 0) {
		dentry_put(d);
		return rc;
	}
	fsnotify_create(di, d->name, S_ISDIR(mode));
	*out = d;
	return 0;
}

/*
 * Opens the file at p. For exec, the file is read by the kernel only: it
 * must be a regular file on a mount that allows exec, and the permission
 * needed is execute, not read (a 0711 program runs).
 */
static struct file *open_path_as(struct path_ref *p, int flags, bool exec)
{
	struct inode *i = p->dentry->inode;
	u32 acc = (u32)flags & O_ACCMODE;
	struct file *f;
	int rc, mask = 0;

	if (exec) {
		if (!S_ISREG(i->mode) || (p->mnt->flags & 8 /* MS_NOEXEC */))
			return ERR_PTR(-EACCES);
		rc = inode_permission(i, 1);
		if (rc < 0)
			return ERR_PTR(rc);
		flags = O_RDONLY;
		goto alloc;
	}
	if (flags & O_PATH)
		goto alloc;
	if (S_ISLNK(i->mode))
		return ERR_PTR(-ELOOP);
	if (S_ISDIR(i->mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return ERR_PTR(-EISDIR);
	if ((flags & O_DIRECTORY) && !S_ISDIR(i->mode))
		return ERR_PTR(-ENOTDIR);
	if (acc == O_RDONLY || acc == O_RDWR)
		mask |= 4;
	if (acc == O_WRONLY || acc == O_RDWR)
		mask |= 2;
	rc = inode_permission(i, mask);
	if (rc < 0)
		return ERR_PTR(rc);
	/* Device nodes on a nodev mount (hostfs always is one) open nothing. */
	if ((S_ISCHR(i->mode) || S_ISBLK(i->mode)) && MOUNT_NODEV(p->mnt))
		return ERR_PTR(-EACCES);
	if ((mask & 2) && (p->mnt->flags & 1) && !S_ISCHR(i->mode) &&
	    !S_ISFIFO(i->mode) && !S_ISSOCK(i->mode))
		return ERR_PTR(-EROFS);
alloc:
	/* O_NOCTTY stays for the open operation (a tty reads it), then goes. */
	f = file_alloc(p, (u32)flags & ~(u32)(O_CREAT | O_EXCL | O_TRUNC |
					      ((flags & O_PATH) ? O_NOCTTY : 0)));
	if (!f)
		return ERR_PTR(-ENOMEM);
	if ((flags & O_PATH) && !exec)
		return f;
	if (S_ISCHR(i->mode))
		f->fops = chrdev_fops(i->rdev);
	else if (S_ISBLK(i->mode))
		f->fops = &blkdev_fops;
	else
		f->fops = i->fops;
	if (!f->fops && S_ISCHR(i->mode)) {
		file_put(f);
		return ERR_PTR(-ENXIO);
	}
	if (f->fops && f->fops->open) {
		rc = f->fops->open(i, f);
		if (rc < 0) {
			f->fops = NULL; /* no release for a failed open */
			file_put(f);
			return ERR_PTR(rc);
		}
	}
	f->flags &= ~(u32)O_NOCTTY;
	/* Linux reports the open before the truncation. */
	fsnotify_open(f);
	if ((flags & O_TRUNC) && S_ISREG(i->mode) && (mask & 2)) {
		rc = seals_check_size(i, 0);
		if (rc == 0 && i->size && i->iops && i->iops->truncate) {
			rc = i->iops->truncate(i, 0);
			if (rc == 0)
				inode_touch(i, true, true);
		}
		if (rc < 0) {
			file_put(f);
			return ERR_PTR(rc);
		}
		fsnotify_change(p->dentry, ATTR_SIZE);
	}
	return f;
}

static struct file *open_path(struct path_ref *p, int flags)
{
	return open_path_as(p, flags, false);
}

struct file *file_open_exec(const char *path)
{
	struct nameidata nd;
	struct file *f;
	int rc = path_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &nd);

	if (rc < 0)
		return ERR_PTR(rc);
	f = open_path_as(&nd.path, O_RDONLY, true);
	path_put(&nd.path);
	return f;
}

/*
 * O_CREAT on a dangling symlink creates the file it points to (unless
 * O_EXCL or O_NOFOLLOW). Returns NULL if the last name is no symlink.
 */
static struct file *open_create_via_symlink(struct nameidata *nd, int flags, u32 mode)
{
	static int depth;
	struct dentry *d = vfs_lookup_one(nd->path.dentry, nd->last, nd->last_len);
	struct file *f;
	char *target, *path;
	int n;

	if (IS_ERR(d))
		return NULL;
	if (!d->inode || !S_ISLNK(d->inode->mode) || !d->inode->iops->readlink) {
		dentry_put(d);
		return NULL;
	}
	if (flags & (O_EXCL | O_NOFOLLOW)) {
		dentry_put(d);
		return ERR_PTR((flags & O_EXCL) ? -EEXIST : -ELOOP);
	}
	if (depth >= 8) {
		dentry_put(d);
		return ERR_PTR(-ELOOP);
	}
	target = kmalloc(4096);
	path = kmalloc(8192);
	if (!target || !path) {
		kfree(target);
		kfree(path);
		dentry_put(d);
		return ERR_PTR(-ENOMEM);
	}
	n = d->inode->iops->readlink(d, target, 4095);
	dentry_put(d);
	if (n < 0) {
		f = ERR_PTR(n);
		goto out;
	}
	target[n] = 0;
	if (target[0] == '/') {
		strlcpy(path, target, 8192);
	} else {
		n = path_name(&nd->path, &current->fs->root, path, 4096);
		if (n < 0) {
			f = ERR_PTR(n);
			goto out;
		}
		strlcat(path, "/", 8192);
		strlcat(path, target, 8192);
	}
	depth++;
	f = file_open_at(AT_FDCWD, path, flags, mode);
	depth--;
out:
	kfree(target);
	kfree(path);
	return f;
}

struct file *file_open_at(int dirfd, const char *path, int flags, u32 mode)
{
	return file_open_resolve(dirfd, path, flags, mode, 0);
}

struct file *file_open_resolve(int dirfd, const char *path, int flags, u32 mode, unsigned resolve)
{
	struct nameidata nd;
	struct file *f;
	int rc;

	if (flags & O_CREAT) {
		struct dentry *d;

		rc = path_lookup_at(dirfd, path, LOOKUP_PARENT | resolve, &nd);
		if (rc < 0)
			return ERR_PTR(rc);
		if (nd.last_len == 1 && nd.last[0] == '.') {
			path_put(&nd.path);
			return ERR_PTR(-EISDIR);
		}
		if (path[strlen(path) - 1] == '/') {
			path_put(&nd.path);
			return ERR_PTR(-EISDIR);
		}
		{
			struct nameidata full;

			rc = path_lookup_at(dirfd, path,
					    ((flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) | resolve, &full);
			if (rc == 0) {
				path_put(&nd.path);
				if (flags & O_EXCL) {
					path_put(&full.path);
					return ERR_PTR(-EEXIST);
				}
				f = open_path(&full.path, flags);
				path_put(&full.path);
				return f;
			}
			if (rc != -ENOENT) {
				path_put(&nd.path);
				return ERR_PTR(rc);
			}
		}
		/* Creating through a dangling symlink would leave the
		 * restricted walk: refused under any restriction. */
		f = resolve ? NULL : open_create_via_symlink(&nd, flags, mode);
		if (!f && resolve) {
			struct dentry *last = vfs_lookup_one(nd.path.dentry, nd.last, nd.last_len);

			if (!IS_ERR(last)) {
				bool link = last->inode && S_ISLNK(last->inode->mode);

				dentry_put(last);
				if (link && !(flags & O_NOFOLLOW)) {
					path_put(&nd.path);
					return ERR_PTR(-ELOOP);
				}
			}
		}
		if (f) {
			path_put(&nd.path);
			return f;
		}
		rc = vfs_create(&nd.path, nd.last, nd.last_len,
				S_IFREG | (mode & 07777 & ~current->fs->umask), 0, &d);
		if (rc < 0) {
			path_put(&nd.path);
			return ERR_PTR(rc);
		}
		{
			struct path_ref p = { nd.path.mnt, d };

			f = open_path(&p, flags & ~O_TRUNC);
			dentry_put(d);
		}
		path_put(&nd.path);
		return f;
	}
	rc = path_lookup_at(dirfd, path,
			    ((flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				    ((flags & O_DIRECTORY) ? LOOKUP_DIRECTORY : 0) | resolve,
			    &nd);
	if (rc < 0)
		return ERR_PTR(rc);
	if ((flags & O_NOFOLLOW) && S_ISLNK(nd.path.dentry->inode->mode) &&
	    !(flags & O_PATH)) {
		path_put(&nd.path);
		return ERR_PTR(-ELOOP);
	}
	f = open_path(&nd.path, flags);
	path_put(&nd.path);
	return f;
}

ssize_t kernel_read(struct file *f, void *buf, size_t n, u64 pos)
{
	struct uio u;

	if (!f->fops || !f->fops->read)
		return -EINVAL;
	uio_init_kernel(&u, buf, n);
	return f->fops->read(f, &u, &pos);
}

ssize_t kernel_write(struct file *f, const void *buf, size_t n, u64 pos)
{
	struct uio u;

	if (!f->fops || !f->fops->write)
		return -EINVAL;
	uio_init_kernel(&u, (void *)buf, n);
	return f->fops->write(f, &u, &pos);
}
