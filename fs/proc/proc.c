/*
 * procfs: the directory structure. Names are looked up on demand and the
 * dentries are not kept (a pid directory must vanish with its process).
 * Every file's text is generated whole when it is opened (fs/proc/
 * proc_files.c) and read from that snapshot.
 */
#include <linux/fcntl.h>
#include <linux/magic.h>

#include "fs.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "proc.h"

s64 generic_llseek(struct file *f, s64 off, int whence);

static const struct inode_ops proc_dir_iops;
static const struct file_ops proc_dir_fops;
static const struct inode_ops proc_link_iops;
static const struct file_ops proc_file_fops;
static struct super_block *proc_sb;

struct proc_node {
	int kind;  /* PROC_* */
	int pid;   /* for per-process entries */
	int fd;    /* for fd links */
};

static const struct proc_entry root_entries[] = {
	{ "meminfo", PROC_MEMINFO, S_IFREG | 0444 },
	{ "cpuinfo", PROC_CPUINFO, S_IFREG | 0444 },
	{ "uptime", PROC_UPTIME, S_IFREG | 0444 },
	{ "loadavg", PROC_LOADAVG, S_IFREG | 0444 },
	{ "mounts", PROC_MOUNTS, S_IFLNK | 0777 },
	{ "filesystems", PROC_FILESYSTEMS, S_IFREG | 0444 },
	{ "version", PROC_VERSION, S_IFREG | 0444 },
	{ "stat", PROC_STAT, S_IFREG | 0444 },
	{ "cmdline", PROC_CMDLINE, S_IFREG | 0444 },
	{ "devices", PROC_DEVICES, S_IFREG | 0444 },
	{ "partitions", PROC_PARTITIONS, S_IFREG | 0444 },
	{ "swaps", PROC_SWAPS, S_IFREG | 0444 },
	{ "locks", PROC_LOCKS, S_IFREG | 0444 },
	{ "diskstats", PROC_DISKSTATS, S_IFREG | 0444 },
	{ "mconsole", PROC_MCONSOLE, S_IFREG | 0200 },
	{ "self", PROC_SELF, S_IFLNK | 0777 },
	{ "thread-self", PROC_THREAD_SELF, S_IFLNK | 0777 },
	{ "sys", PROC_SYS, S_IFDIR | 0555 },
	{ "net", PROC_NET, S_IFDIR | 0555 },
};

static const struct proc_entry net_entries[] = {
	{ "arp", PROC_NET_ARP, S_IFREG | 0444 },
	{ "dev", PROC_NET_DEV, S_IFREG | 0444 },
	{ "if_inet6", PROC_NET_IF_INET6, S_IFREG | 0444 },
	{ "ipv6_route", PROC_NET_IPV6_ROUTE, S_IFREG | 0444 },
	{ "raw", PROC_NET_RAW, S_IFREG | 0444 },
	{ "raw6", PROC_NET_RAW6, S_IFREG | 0444 },
	{ "route", PROC_NET_ROUTE, S_IFREG | 0444 },
	{ "tcp", PROC_NET_TCP, S_IFREG | 0444 },
	{ "tcp6", PROC_NET_TCP6, S_IFREG | 0444 },
	{ "udp", PROC_NET_UDP, S_IFREG | 0444 },
	{ "udp6", PROC_NET_UDP6, S_IFREG | 0444 },
	{ "unix", PROC_NET_UNIX, S_IFREG | 0444 },
};

static const struct proc_entry sys_entries[] = {
	{ "kernel", PROC_SYS_KERNEL, S_IFDIR | 0555 },
};

static const struct proc_entry sys_kernel_entries[] = {
	{ "hotplug", PROC_SYS_HOTPLUG, S_IFREG | 0644 },
	{ "hostname", PROC_SYS_HOSTNAME, S_IFREG | 0644 },
	{ "osrelease", PROC_SYS_OSRELEASE, S_IFREG | 0444 },
	{ "ostype", PROC_SYS_OSTYPE, S_IFREG | 0444 },
	{ "pty", PROC_SYS_PTY, S_IFDIR | 0555 },
	{ "threads-max", PROC_SYS_THREADS_MAX, S_IFREG | 0644 },
	{ "uevent_seqnum", PROC_SYS_SEQNUM, S_IFREG | 0444 },
};

static const struct proc_entry sys_pty_entries[] = {
	{ "max", PROC_SYS_PTY_MAX, S_IFREG | 0644 },
	{ "nr", PROC_SYS_PTY_NR, S_IFREG | 0444 },
};

static const struct proc_entry pid_entries[] = {
	{ "stat", PROC_PID_STAT, S_IFREG | 0444 },
	{ "status", PROC_PID_STATUS, S_IFREG | 0444 },
	{ "cmdline", PROC_PID_CMDLINE, S_IFREG | 0444 },
	{ "comm", PROC_PID_COMM, S_IFREG | 0644 },
	{ "maps", PROC_PID_MAPS, S_IFREG | 0444 },
	{ "statm", PROC_PID_STATM, S_IFREG | 0444 },
	{ "environ", PROC_PID_ENVIRON, S_IFREG | 0400 },
	{ "mounts", PROC_PID_MOUNTS, S_IFREG | 0444 },
	{ "mountinfo", PROC_PID_MOUNTINFO, S_IFREG | 0444 },
	{ "fd", PROC_PID_FD, S_IFDIR | 0500 },
	{ "exe", PROC_PID_EXE, S_IFLNK | 0777 },
	{ "cwd", PROC_PID_CWD, S_IFLNK | 0777 },
	{ "root", PROC_PID_ROOT, S_IFLNK | 0777 },
	{ "task", PROC_PID_TASK, S_IFDIR | 0555 },
};

static struct inode *proc_inode(int kind, int pid, int fd, u32 mode)
{
	struct inode *i = inode_alloc(proc_sb, mode);
	struct proc_node *pn;
	struct task *t;

	if (!i)
		return NULL;
	pn = kzalloc(sizeof(*pn));
	if (!pn) {
		inode_put(i);
		return NULL;
	}
	pn->kind = kind;
	pn->pid = pid;
	pn->fd = fd;
	i->priv = pn;
	i->free_priv = true;
	/* Stable inode numbers: kind and pid encoded. */
	i->ino = ((u64)pid << 16) | ((u64)kind << 8) | (u64)(fd & 0xff);
	if (S_ISDIR(mode)) {
		i->iops = &proc_dir_iops;
		i->fops = &proc_dir_fops;
		i->nlink = 2;
	} else if (S_ISLNK(mode)) {
		i->iops = &proc_link_iops;
	} else {
		i->fops = &proc_file_fops;
	}
	t = pid ? task_by_pid(pid) : NULL;
	if (t) {
		i->uid = t->euid;
		i->gid = t->egid;
	}
	return i;
}

/* Fixed proc_node storage is freed with the inode's priv; see put below. */

static struct proc_node *pnode(struct inode *i)
{
	return i->priv;
}

static bool parse_int(const char *s, int len, int *out)
{
	int v = 0, k;

	if (len <= 0 || len > 9)
		return false;
	for (k = 0; k < len; k++) {
		if (s[k] < '0' || s[k] > '9')
			return false;
		v = v * 10 + (s[k] - '0');
	}
	*out = v;
	return true;
}

static int lookup_table(struct dentry *child, const struct proc_entry *tab,
			size_t n, int pid)
{
	size_t k;

	for (k = 0; k < n; k++) {
		if ((int)strlen(tab[k].name) == child->namelen &&
		    !memcmp(tab[k].name, child->name, (size_t)child->namelen)) {
			child->inode = proc_inode(tab[k].kind, pid, 0, tab[k].mode);
			return child->inode ? 0 : -ENOMEM;
		}
	}
	return -ENOENT;
}

static int proc_lookup(struct dentry *dir, struct dentry *child)
{
	struct proc_node *pn = pnode(dir->inode);
	struct task *t;
	int n;

	switch (pn->kind) {
	case PROC_ROOT:
		if (parse_int(child->name, child->namelen, &n)) {
			t = task_by_pid(n);
			if (!t || t->tgid != n || t->state == TASK_DEAD)
				return -ENOENT;
			child->inode = proc_inode(PROC_PID_DIR, n, 0, S_IFDIR | 0555);
			return child->inode ? 0 : -ENOMEM;
		}
		return lookup_table(child, root_entries, ARRAY_SIZE(root_entries), 0);
	case PROC_SYS:
		return lookup_table(child, sys_entries, ARRAY_SIZE(sys_entries), 0);
	case PROC_NET:
		return lookup_table(child, net_entries, ARRAY_SIZE(net_entries), 0);
	case PROC_SYS_KERNEL:
		return lookup_table(child, sys_kernel_entries, ARRAY_SIZE(sys_kernel_entries), 0);
	case PROC_SYS_PTY:
		return lookup_table(child, sys_pty_entries, ARRAY_SIZE(sys_pty_entries), 0);
	case PROC_PID_DIR:
	case PROC_TID_DIR:
		if (!task_by_pid(pn->pid))
			return -ENOENT;
		return lookup_table(child, pid_entries, ARRAY_SIZE(pid_entries), pn->pid);
	case PROC_PID_TASK:
		if (parse_int(child->name, child->namelen, &n)) {
			t = task_by_pid(n);
			if (!t || t->tgid != pn->pid)
				return -ENOENT;
			child->inode = proc_inode(PROC_TID_DIR, n, 0, S_IFDIR | 0555);
			return child->inode ? 0 : -ENOMEM;
		}
		return -ENOENT;
	case PROC_PID_FD:
		t = task_by_pid(pn->pid);
		if (!t || !t->files || !parse_int(child->name, child->namelen, &n) ||
		    n >= t->files->max || !t->files->fd[n])
			return -ENOENT;
		child->inode = proc_inode(PROC_FD_LINK, pn->pid, n, S_IFLNK | 0700);
		if (child->inode)
			pnode(child->inode)->fd = n;
		return child->inode ? 0 : -ENOMEM;
	default:
		return -ENOENT;
	}
}

static int emit_table(struct dir_ctx *ctx, const struct proc_entry *tab, size_t n,
		      u64 base)
{
	size_t k;

	for (k = 0; k < n; k++) {
		if (base + k < ctx->pos)
			continue;
		if (!ctx->emit(ctx, tab[k].name, (int)strlen(tab[k].name), 1000 + k,
			       (tab[k].mode >> 12) & 15))
			return 0;
		ctx->pos = base + k + 1;
	}
	return 1;
}

static int proc_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct proc_node *pn = pnode(f->inode);
	struct task *t, *owner;
	char name[16];
	u64 idx;

	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, f->inode->ino, 4))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, 1, 4))
			return 0;
		ctx->pos = 2;
	}
	switch (pn->kind) {
	case PROC_ROOT:
		if (!emit_table(ctx, root_entries, ARRAY_SIZE(root_entries), 2))
			return 0;
		/* Then processes, positioned by pid. */
		list_for_each_entry(t, &all_tasks, all_node) {
			if (t->group_leader != t || t->state == TASK_DEAD || !t->pid)
				continue;
			idx = 1000 + (u64)t->pid;
			if (idx < ctx->pos)
				continue;
			scnprintf(name, sizeof(name), "%d", t->pid);
			if (!ctx->emit(ctx, name, (int)strlen(name), (u64)t->pid << 16, 4))
				return 0;
			ctx->pos = idx + 1;
		}
		return 0;
	case PROC_PID_DIR:
	case PROC_TID_DIR:
		emit_table(ctx, pid_entries, ARRAY_SIZE(pid_entries), 2);
		return 0;
	case PROC_SYS:
		emit_table(ctx, sys_entries, ARRAY_SIZE(sys_entries), 2);
		return 0;
	case PROC_NET:
		emit_table(ctx, net_entries, ARRAY_SIZE(net_entries), 2);
		return 0;
	case PROC_SYS_KERNEL:
		emit_table(ctx, sys_kernel_entries, ARRAY_SIZE(sys_kernel_entries), 2);
		return 0;
	case PROC_SYS_PTY:
		emit_table(ctx, sys_pty_entries, ARRAY_SIZE(sys_pty_entries), 2);
		return 0;
	case PROC_PID_TASK:
		owner = task_by_pid(pn->pid);
		if (!owner)
			return 0;
		list_for_each_entry(t, &owner->group_leader->threads, thread_node) {
			idx = 1000 + (u64)t->pid;
			if (idx < ctx->pos)
				continue;
			scnprintf(name, sizeof(name), "%d", t->pid);
			if (!ctx->emit(ctx, name, (int)strlen(name), (u64)t->pid << 16, 4))
				return 0;
			ctx->pos = idx + 1;
		}
		return 0;
	case PROC_PID_FD:
		owner = task_by_pid(pn->pid);
		if (!owner || !owner->files)
			return 0;
		for (idx = ctx->pos < 2 ? 0 : ctx->pos - 2;
		     idx < (u64)owner->files->max; idx++) {
			if (!owner->files->fd[idx])
				continue;
			scnprintf(name, sizeof(name), "%d", (int)idx);
			if (!ctx->emit(ctx, name, (int)strlen(name), 5000 + idx, 10))
				return 0;
			ctx->pos = idx + 3;
		}
		return 0;
	default:
		return 0;
	}
}

/* Where a magic link points, as a path in the guest. */
static int link_target(struct dentry *d, struct path_ref *out, char *buf,
		       size_t len)
{
	struct proc_node *pn = pnode(d->inode);
	struct task *t = task_by_pid(pn->pid);
	struct file *f;

	switch (pn->kind) {
	case PROC_SELF:
		scnprintf(buf, len, "%d", current->tgid);
		return 1;
	case PROC_THREAD_SELF:
		scnprintf(buf, len, "%d/task/%d", current->tgid, current->pid);
		return 1;
	case PROC_MOUNTS:
		strlcpy(buf, "self/mounts", len);
		return 1;
	}
	if (!t)
		return -ENOENT;
	switch (pn->kind) {
	case PROC_PID_EXE:
		if (!t->mm || !t->mm->exe)
			return -ENOENT;
		*out = t->mm->exe->path;
		return 0;
	case PROC_PID_CWD:
		if (!t->fs)
			return -ENOENT;
		*out = t->fs->cwd;
		return 0;
	case PROC_PID_ROOT:
		if (!t->fs)
			return -ENOENT;
		*out = t->fs->root;
		return 0;
	case PROC_FD_LINK:
		if (!t->files || pn->fd >= t->files->max || !(f = t->files->fd[pn->fd]))
			return -ENOENT;
		if (!f->path.dentry && f->fops && f->fops->anon_name) {
			scnprintf(buf, len, "anon_inode:%s", f->fops->anon_name);
			return 2;
		}
		if (!f->path.dentry) {
			const char *kind = S_ISFIFO(f->inode->mode) ? "pipe" :
					   S_ISSOCK(f->inode->mode) ? "socket" :
								      "anon_inode";

			scnprintf(buf, len, "%s:[%llu]", kind, (unsigned long long)f->inode->ino);
			return 2;
		}
		*out = f->path;
		return 0;
	}
	return -EINVAL;
}

static int proc_readlink(struct dentry *d, char *buf, size_t len)
{
	char tmp[4096];
	struct path_ref p;
	int rc = link_target(d, &p, tmp, sizeof(tmp)), n;

	if (rc < 0)
		return rc;
	if (rc == 0) {
		n = path_name(&p, &current->fs->root, tmp, sizeof(tmp));
		if (n < 0)
			return n;
		/* A file that lost its last name, as Linux shows it. */
		if (!p.dentry->hashed && p.dentry->parent != p.dentry &&
		    (size_t)n + 11 < sizeof(tmp))
			strlcat(tmp, " (deleted)", sizeof(tmp));
	}
	n = (int)strlen(tmp);
	if ((size_t)n > len)
		n = (int)len;
	memcpy(buf, tmp, (size_t)n);
	return n;
}

static int proc_get_link(struct dentry *d, struct path_ref *out)
{
	char tmp[64];
	int rc = link_target(d, out, tmp, sizeof(tmp));

	if (rc == 1) {
		/* A plain symlink relative to /proc. */
		struct nameidata nd;
		char path[96];

		scnprintf(path, sizeof(path), "/proc/%s", tmp);
		rc = path_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &nd);
		if (rc < 0)
			return rc;
		*out = nd.path;
		return 0;
	}
	if (rc == 2)
		return -ENOENT;
	if (rc == 0)
		path_get(out);
	return rc;
}

static const struct inode_ops proc_dir_iops = { .lookup = proc_lookup };
static const struct file_ops proc_dir_fops = { .iterate = proc_iterate,
					       .llseek = generic_llseek };
static const struct inode_ops proc_link_iops = { .readlink = proc_readlink,
						 .get_link_path = proc_get_link };

/*
 * --- files: generated at open, and again by a read from offset 0 after
 * the first, as Linux's seq_file does: top and free keep /proc/stat and
 * /proc/meminfo open and seek back to the start for each new sample.
 */

struct proc_buf {
	char *data;   /* NULL until generated */
	size_t len;
	bool read;    /* a read has been served from this content */
};

/* (Re)generates b's content, growing the buffer until it fits. */
static int proc_fill(struct proc_node *pn, struct proc_buf *b)
{
	size_t cap = 16384;
	char *data;
	int n;

	for (;;) {
		data = kmalloc(cap);
		if (!data)
			return -ENOMEM;
		n = proc_generate(pn->kind, pn->pid, data, cap);
		if (n < 0) {
			kfree(data);
			return n;
		}
		if ((size_t)n < cap - 1 || cap >= (1u << 20))
			break;
		kfree(data);
		cap *= 4;
	}
	kfree(b->data);
	b->data = data;
	b->len = (size_t)n;
	b->read = false;
	return 0;
}

static int proc_open(struct inode *i, struct file *f)
{
	struct proc_buf *b = kzalloc(sizeof(*b));
	int rc;

	if (!b)
		return -ENOMEM;
	rc = proc_fill(pnode(i), b);
	if (rc < 0) {
		kfree(b);
		return rc;
	}
	f->priv = b;
	return 0;
}

static ssize_t proc_read(struct file *f, struct uio *u, u64 *pos)
{
	struct proc_buf *b = f->priv;
	long c;
	int rc;

	if (*pos == 0 && b->read) {
		rc = proc_fill(pnode(f->inode), b);
		if (rc < 0)
			return rc;
	}
	b->read = true;
	if (*pos >= b->len)
		return 0;
	c = uio_copy_to(u, b->data + *pos, MIN(u->resid, b->len - *pos));
	if (c > 0)
		*pos += (u64)c;
	return c;
}

static ssize_t proc_write(struct file *f, struct uio *u, u64 *pos)
{
	struct proc_node *pn = pnode(f->inode);
	char buf[256];
	long c = uio_copy_from(u, buf, MIN(u->resid, sizeof(buf) - 1));

	if (c < 0)
		return c;
	buf[c] = 0;
	return proc_write_file(pn->kind, pn->pid, buf, (size_t)c);
}

static void proc_release(struct file *f)
{
	struct proc_buf *b = f->priv;

	if (b) {
		kfree(b->data);
		kfree(b);
	}
}

static const struct file_ops proc_file_fops = {
	.open = proc_open,
	.read = proc_read,
	.write = proc_write,
	.release = proc_release,
	.llseek = generic_llseek,
};

static int proc_mount(struct super_block *sb, const char *dev, const char *opts)
{
	proc_sb = sb;
	sb->magic = PROC_SUPER_MAGIC;
	sb->root = dentry_alloc(NULL, "/", 1);
	if (!sb->root)
		return -ENOMEM;
	sb->root->sb = sb;
	sb->root->inode = proc_inode(PROC_ROOT, 0, 0, S_IFDIR | 0555);
	return sb->root->inode ? 0 : -ENOMEM;
}

static struct fs_type proc_type = { .name = "proc", .nodev = true, .mount = proc_mount };

void procfs_init(void)
{
	register_filesystem(&proc_type);
}
