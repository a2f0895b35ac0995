/*
 * Process 1. The first task starts in the kernel: it opens the console as
 * its standard fds and executes init, trying the usual places in order,
 * then becomes an ordinary guest process.
 */
#include <linux/fcntl.h>

#include "cmdline.h"
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "task.h"
#include "timer.h"

long kernel_execve(const char *path, const char *const *argv,
		   const char *const *envp);

static struct boot_config *boot_cfg;

static int try_init(const char *path)
{
	const char *envp[CMDLINE_MAX_INIT + 3];
	int i, n = 0;
	long rc;

	envp[n++] = "HOME=/";
	envp[n++] = "TERM=linux";
	for (i = 0; i < boot_cfg->init_envc; i++)
		envp[n++] = boot_cfg->init_envp[i];
	envp[n] = NULL;
	boot_cfg->init_argv[0] = path;
	rc = kernel_execve(path, boot_cfg->init_argv, envp);
	if (rc < 0 && rc != -ENOENT)
		printk(KERN_ERR "Failed to execute %s (error %ld)\n", path, -rc);
	return (int)rc;
}

/*
 * Mounts the root filesystem from a disk (or, with rootfstype=hostfs, a
 * host directory) over the initial rootfs and makes it init's root, as
 * Linux does without an initramfs. rootfstype= names the one type to try,
 * rootflags= is the mount data.
 */
static void mount_disk_root(void)
{
	static const char *const types[] = { "ext2", "ext3" };
	struct path_ref root = { root_mount, root_mount->root };
	const char *const *try = types;
	const char *data = boot_cfg->rootflags;
	struct mount *m;
	unsigned k, n = ARRAY_SIZE(types);
	int rc = -ENODEV;

	if (boot_cfg->rootfstype) {
		try = &boot_cfg->rootfstype;
		n = 1;
	}
	for (k = 0; k < n; k++) {
		rc = do_mount(boot_cfg->root, &root, try[k], boot_cfg->rw ? 0 : 1 /* MS_RDONLY */,
			      data);
		if (rc == -EROFS) {
			printk(KERN_WARNING "VFS: %s is read-only; mounting root read-only\n",
			       boot_cfg->root);
			rc = do_mount(boot_cfg->root, &root, try[k], 1, data);
		}
		if (rc == 0)
			break;
	}
	if (rc < 0)
		panic("VFS: Unable to mount root fs on %s (error %d)", boot_cfg->root, rc);
	m = mount_lookup(root_mount, root_mount->root);
	kfree(m->devname);
	m->devname = kstrdup("/dev/root");
	path_put(&current->fs->root);
	path_put(&current->fs->cwd);
	current->fs->root.mnt = m;
	current->fs->root.dentry = m->root;
	path_get(&current->fs->root);
	current->fs->cwd = current->fs->root;
	path_get(&current->fs->cwd);
	printk(KERN_INFO "VFS: Mounted root (%s filesystem)%s on %s.\n",
	       m->sb->type->name, (m->flags & 1) ? " readonly" : "", boot_cfg->root);
	devtmpfs_mount_dev();
}

static void init_entry(void)
{
	static const char *const fallbacks[] = { "/sbin/init", "/etc/init",
						 "/bin/init", "/bin/sh" };
	struct file *con;
	unsigned i;

	if (!boot_cfg->initrd && boot_cfg->root)
		mount_disk_root();
	con = file_open_at(AT_FDCWD, "/dev/console", O_RDWR, 0);
	if (!IS_ERR(con)) {
		fd_install_at(0, con, false);
		file_get(con);
		fd_install_at(1, con, false);
		file_get(con);
		fd_install_at(2, con, false);
	} else {
		printk(KERN_WARNING "Warning: unable to open an initial console.\n");
	}
	if (boot_cfg->init) {
		if (try_init(boot_cfg->init) == 0)
			goto run;
		panic("Requested init %s failed. See the kernel log.", boot_cfg->init);
	}
	if (try_init(boot_cfg->rdinit ? boot_cfg->rdinit : "/init") == 0)
		goto run;
	for (i = 0; i < ARRAY_SIZE(fallbacks); i++)
		if (try_init(fallbacks[i]) == 0)
			goto run;
	panic("No working init found. Pass init= to the kernel.");
run:
	task_user_loop();
}

void start_init(struct boot_config *cfg)
{
	struct task *t = task_alloc();
	int i;

	BUG_ON(!t);
	boot_cfg = cfg;
	t->pid = t->tgid = pid_alloc();
	BUG_ON(t->pid != 1);
	t->group_leader = t;
	t->parent = NULL;
	t->exit_signal = 17;
	list_add_tail(&t->thread_node, &t->threads);
	t->signal = kzalloc(sizeof(*t->signal));
	t->sighand = kzalloc(sizeof(*t->sighand));
	t->files = files_alloc();
	t->fs = fs_alloc();
	BUG_ON(!t->signal || !t->sighand || !t->files || !t->fs);
	t->sighand->users = 1;
	t->signal->users = 1;
	t->signal->live = 1;
	list_init(&t->signal->shared.queue);
	list_init(&t->signal->ptimers);
	t->signal->pgid = 0;
	t->signal->sid = 0;
	for (i = 0; i < RLIM_NLIMITS; i++) {
		t->signal->rlim[i].rlim_cur = RLIM_INFINITY;
		t->signal->rlim[i].rlim_max = RLIM_INFINITY;
	}
	t->signal->rlim[RLIMIT_NOFILE].rlim_cur = 1024;
	t->signal->rlim[RLIMIT_NOFILE].rlim_max = 4096;
	t->signal->rlim[RLIMIT_STACK].rlim_cur = 8 << 20;
	t->signal->rlim[RLIMIT_CORE].rlim_cur = 0;
	t->signal->rlim[RLIMIT_NPROC].rlim_cur = 4096;
	t->signal->rlim[RLIMIT_NPROC].rlim_max = 4096;
	t->signal->rlim[RLIMIT_SIGPENDING].rlim_cur = 4096;
	t->signal->rlim[RLIMIT_SIGPENDING].rlim_max = 4096;
	t->signal->rlim[RLIMIT_MEMLOCK].rlim_cur = 8 << 20;
	t->signal->rlim[RLIMIT_MEMLOCK].rlim_max = 8 << 20;
	t->fs->root.mnt = root_mount;
	t->fs->root.dentry = root_mount->root;
	path_get(&t->fs->root);
	t->fs->cwd = t->fs->root;
	path_get(&t->fs->cwd);
	strlcpy(t->comm, "swapper", sizeof(t->comm));
	init_task = t;
	BUG_ON(task_prepare_stack(t, init_entry) < 0);
	list_add_tail(&t->all_node, &all_tasks);
	wake_up_task(t);
}
