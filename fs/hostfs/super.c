/*
 * Mounting hostfs: `mount -t hostfs none <dir> [-o <path>]` mounts the
 * directory <path> names below the share (hostfs=), the share itself
 * without -o, as UML does below its hostfs= root. The path may go through
 * links and ".." as long as the host can show it stays in the share; no
 * share, no mount. Also statfs and the page-cache reclaim hook.
 */
#include <linux/fcntl.h>

#include "hostfs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"

static int hostfs_mount(struct super_block *sb, const char *dev, const char *opts)
{
	struct hostfs_sb *hs;
	struct host_stat st;
	const char *rel = opts ? opts : "";
	struct inode *root;
	int share = hostfs_share_fd(), fd, k, rc;

	if (share < 0) {
		printk(KERN_ERR "hostfs: no host directory is shared with this machine; "
				"boot it with hostfs=<dir> to allow hostfs mounts\n");
		return -EPERM;
	}
	while (*rel == '/')
		rel++;
	/* Links are followed here (this is the host user's share, and the
	 * host keeps the walk inside it); inside the mount they never are. */
	fd = host_openat_beneath(share, rel, O_PATH | O_DIRECTORY, 0, true);
	if (fd == -EXDEV) {
		printk(KERN_ERR "hostfs: %s leads outside the shared directory (hostfs=)\n", opts);
		return -EPERM;
	}
	if (fd < 0) {
		printk(KERN_ERR "hostfs: cannot mount %s: %s\n", opts ? opts : "/",
		       host_strerror(fd));
		return fd;
	}
	fd = hostfs_hold_fd(fd);
	if (fd < 0)
		return fd;
	rc = host_fstat(fd, &st);
	hs = kzalloc(sizeof(*hs));
	if (rc < 0 || !hs) {
		kfree(hs);
		hostfs_drop_fd(fd);
		return rc < 0 ? rc : -ENOMEM;
	}
	hs->root_fd = fd;
	for (k = 0; k < HOSTFS_BUCKETS; k++)
		list_init(&hs->inodes[k]);
	sb->priv = hs;
	sb->magic = HOSTFS_MAGIC;
	root = hostfs_iget(sb, &st);
	rc = IS_ERR(root) ? (int)PTR_ERR(root) : 0;
	if (rc == 0) {
		sb->root = dentry_alloc(NULL, "/", 1);
		if (!sb->root) {
			inode_put(root);
			rc = -ENOMEM;
		}
	}
	if (rc < 0) {
		hostfs_drop_fd(fd);
		kfree(hs);
		sb->priv = NULL;
		return rc;
	}
	sb->root->sb = sb;
	sb->root->inode = root;
	return 0;
}

/* Files still open keep their own descriptors; names reached through
 * them no longer resolve (-ESTALE). */
static void hostfs_umount(struct super_block *sb)
{
	struct hostfs_sb *hs = HSB(sb);

	hostfs_drop_fd(hs->root_fd);
	hs->root_fd = -1;
}

/* sync(2): the host filesystem under the mount writes everything out
 * (syncfs needs a descriptor opened for more than O_PATH). */
static int hostfs_sync_fs(struct super_block *sb)
{
	int fd, rc;

	if (HSB(sb)->root_fd < 0)
		return 0;
	fd = host_openat_beneath(HSB(sb)->root_fd, "", O_RDONLY | O_DIRECTORY, 0, false);
	if (fd < 0)
		return fd;
	rc = host_syncfs(fd);
	host_close(fd);
	return rc;
}

static int hostfs_statfs(struct super_block *sb, struct kstatfs *k)
{
	struct host_statfs st;
	int rc = HSB(sb)->root_fd < 0 ? -ESTALE : host_fstatfs(HSB(sb)->root_fd, &st);

	if (rc < 0)
		return rc;
	k->type = HOSTFS_MAGIC;
	k->bsize = st.bsize;
	k->frsize = st.frsize;
	k->blocks = st.blocks;
	k->bfree = st.bfree;
	k->bavail = st.bavail;
	k->files = st.files;
	k->ffree = st.ffree;
	k->namelen = st.namelen;
	return 0;
}

/* Cached pages are clean (writes went to the host at once) except where
 * a shared mapping may have stored: those wait for their write-back. */
static u64 hostfs_reclaim(struct super_block *sb, u64 want)
{
	struct hostfs_sb *hs = HSB(sb);
	struct hostfs_inode *hi;
	u64 freed = 0;
	int k;

	for (k = 0; k < HOSTFS_BUCKETS && freed < want; k++) {
		list_for_each_entry(hi, &hs->inodes[k], node)
		{
			if (freed < want && !hi->shared_writes)
				freed += pcache_reclaim(hi->inode, want - freed);
		}
	}
	return freed;
}

static struct fs_type hostfs_type = {
	.name = "hostfs",
	.nodev = true,
	/* Host device nodes are shown, never opened. */
	.always_nodev = true,
	.mount = hostfs_mount,
	.statfs = hostfs_statfs,
	.sync_fs = hostfs_sync_fs,
	.umount = hostfs_umount,
	.reclaim = hostfs_reclaim,
	.revalidate = hostfs_revalidate,
};

void hostfs_init(void)
{
	register_filesystem(&hostfs_type);
}
