/*
 * hostfs inodes: one per host object (dev, ino) per mount, with the
 * host's attributes, and the checks that notice the host changing things
 * behind the guest's back.
 */
#include <linux/fcntl.h>

#include "hostfs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"

/* The regular file just created and its read-write fd (see
 * hostfs_lend_created): at most one at a time. */
static struct inode *created;
static int created_fd = -1;

static struct list_head *bucket(struct hostfs_sb *hs, u64 dev, u64 ino)
{
	return &hs->inodes[(ino ^ (dev << 5)) % HOSTFS_BUCKETS];
}

static struct ktimespec kts(s64 sec, u32 nsec)
{
	struct ktimespec t = {sec, (long)nsec};

	return t;
}

static bool same_time(struct ktimespec a, struct ktimespec b)
{
	return a.sec == b.sec && a.nsec == b.nsec;
}

void hostfs_set_attrs(struct inode *i, const struct host_stat *st, bool ours)
{
	struct hostfs_inode *hi = HI(i);
	struct ktimespec mtime = kts(st->mtime, st->mtime_nsec);
	struct ktimespec ctime = kts(st->ctime, st->ctime_nsec);

	if (S_ISREG(i->mode) && !ours && i->npages && !hi->shared_writes &&
	    (st->size != hi->seen_size || !same_time(mtime, hi->seen_mtime) ||
	     !same_time(ctime, hi->seen_ctime))) {
		/* The host changed the file: forget what is cached. Pages a
		 * mapping still holds keep their contents until unmapped, and
		 * stores through a shared mapping still to be written back
		 * win over the host's change. */
		pcache_reclaim(i, ~0ULL);
	}
	hi->seen_size = st->size;
	hi->seen_mtime = mtime;
	hi->seen_ctime = ctime;
	i->mode = (i->mode & S_IFMT) | (st->mode & 07777);
	i->uid = (int)st->uid;
	i->gid = (int)st->gid;
	i->nlink = (u32)st->nlink;
	i->size = st->size;
	i->blocks = st->blocks;
	i->atime = kts(st->atime, st->atime_nsec);
	i->mtime = mtime;
	i->ctime = ctime;
	if (S_ISCHR(i->mode) || S_ISBLK(i->mode))
		i->rdev = MKDEV(st->rdev_major & 0xfff, st->rdev_minor & 0xfffff);
}

void hostfs_refresh(struct inode *i, int fd, bool ours)
{
	struct host_stat st;

	if (host_fstat(fd, &st) == 0)
		hostfs_set_attrs(i, &st, ours);
}

static void set_ops(struct inode *i)
{
	extern const struct file_ops fifo_fops;

	switch (i->mode & S_IFMT) {
	case S_IFDIR:
		i->iops = &hostfs_dir_iops;
		i->fops = &hostfs_dir_fops;
		break;
	case S_IFREG:
		i->iops = &hostfs_file_iops;
		i->fops = &hostfs_file_fops;
		break;
	case S_IFLNK:
		i->iops = &hostfs_link_iops;
		break;
	case S_IFIFO:
		/* A guest-side pipe: opening it never opens the host FIFO. */
		i->iops = &hostfs_special_iops;
		i->fops = &fifo_fops;
		break;
	default:
		/* Sockets are guest-side too; device nodes do not open at all
		 * (the mount is nodev). */
		i->iops = &hostfs_special_iops;
	}
}

struct inode *hostfs_iget(struct super_block *sb, const struct host_stat *st)
{
	struct hostfs_sb *hs = HSB(sb);
	struct list_head *b = bucket(hs, st->dev, st->ino);
	struct hostfs_inode *hi;
	struct inode *i;

	list_for_each_entry(hi, b, node)
	{
		if (hi->hdev == st->dev && hi->hino == st->ino &&
		    (hi->inode->mode & S_IFMT) == (st->mode & S_IFMT)) {
			inode_get(hi->inode);
			hostfs_set_attrs(hi->inode, st, false);
			return hi->inode;
		}
	}
	i = inode_alloc(sb, st->mode & (S_IFMT | 07777));
	hi = kzalloc(sizeof(*hi));
	if (!i || !hi) {
		kfree(hi);
		inode_put(i);
		return ERR_PTR(-ENOMEM);
	}
	hi->inode = i;
	hi->hdev = st->dev;
	hi->hino = st->ino;
	hi->rfd = hi->wfd = -1;
	i->priv = hi;
	i->free_priv = true;
	i->ino = st->ino;
	set_ops(i);
	hostfs_set_attrs(i, st, true);
	list_add(&hi->node, b);
	return i;
}

/* The last reference is gone (no open file, no name cached). */
void hostfs_evict(struct inode *i)
{
	struct hostfs_inode *hi = HI(i);

	if (!hi)
		return;
	if (created == i)
		hostfs_drop_fd(hostfs_take_created(i));
	list_del(&hi->node);
}

void hostfs_lend_created(struct inode *i, int fd)
{
	if (created_fd >= 0)
		hostfs_drop_fd(created_fd);
	created = i;
	created_fd = fd;
}

int hostfs_take_created(struct inode *i)
{
	int fd = created_fd;

	if (created != i || fd < 0)
		return -ENOENT;
	created = NULL;
	created_fd = -1;
	return fd;
}

/* Attributes for stat: through a descriptor the inode already has. */
void hostfs_getattr(struct inode *i)
{
	struct hostfs_inode *hi = HI(i);
	int fd = hi->rfd >= 0 ? hi->rfd : hi->wfd;

	if (fd < 0 && i->sb->root && i == i->sb->root->inode)
		fd = HSB(i->sb)->root_fd;
	/* Otherwise the path walk that found the inode just asked the host. */
	if (fd >= 0)
		hostfs_refresh(i, fd, false);
}

int hostfs_revalidate(struct dentry *d)
{
	struct host_stat st;
	int fd = hostfs_handle(d, &st);

	if (fd < 0)
		return fd;
	host_close(fd);
	hostfs_set_attrs(d->inode, &st, false);
	return 0;
}

const struct inode_ops hostfs_link_iops = {
	.readlink = hostfs_readlink,
	.setattr = hostfs_setattr,
	.evict = hostfs_evict,
	.getattr = hostfs_getattr,
};

const struct inode_ops hostfs_special_iops = {
	.setattr = hostfs_setattr,
	.evict = hostfs_evict,
	.getattr = hostfs_getattr,
};
