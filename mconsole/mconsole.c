/*
 * The management console: uml_mconsole's requests arrive on a datagram
 * socket (an interrupt source) and are served by a kernel thread, so
 * commands that need to sleep (sync before halt, reading /proc) can.
 * Wire format and replies: ../shared/design/REFERENCE.md.
 */
#include <linux/fcntl.h>
#include <linux/reboot.h>
#include <asm/signal.h>

#include "cmdline.h"
#include "fs.h"
#include "host.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mconsole.h"
#include "mm.h"
#include "netdevice.h"
#include "printk.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"
#include "version.h"

#define MC_QUEUE 16
#define OUT_MAX (1u << 20) /* the longest reply we build or stream */

struct mc_pending {
	struct mc_request req;
	size_t size;
	u8 from[128];
	u32 fromlen;
};

static int mc_fd = -1;
static struct irq_source mc_irq;
static struct mc_pending queue[MC_QUEUE];
static int qhead, qlen;
static struct wait_queue mc_wq = WAIT_QUEUE_INIT(mc_wq);
static struct mc_pending *cur; /* the request being served */
bool cad_enabled = true;       /* reboot(CAD_ON/OFF) */

static struct irq_source tx_irq;
static struct wait_queue tx_wq = WAIT_QUEUE_INIT(tx_wq);
static bool tx_room;

/* The sender thread made room in its queue. */
static void tx_interrupt(struct irq_source *src)
{
	host_mconsole_tx_ack();
	tx_room = true;
	wake_up(&tx_wq);
}

/*
 * Queues one datagram for the client being served, waiting (only this
 * thread, never the guest) while the host sender's queue is full.
 */
static void send_to(const void *buf, size_t len, const void *to, u32 tolen)
{
	while (host_mconsole_send(buf, len, to, tolen) == -EAGAIN) {
		tx_room = false;
		wait_event_interruptible(&tx_wq, tx_room, "mconsole-tx");
		current->pending.set = 0;
		current->signal->shared.set = 0;
	}
}

static void send_raw(const void *buf, size_t len)
{
	send_to(buf, len, cur->from, cur->fromlen);
}

/*
 * Sends n bytes (NULs included: /proc files may hold them) as replies of at
 * most 511 bytes, more=1 on all but the last unless more_follows.
 */
static void reply_len(int err, const char *text, size_t n, bool more_follows)
{
	struct mc_reply r;
	size_t off = 0;

	do {
		size_t chunk = MIN(n - off, (size_t)MC_DATA - 1);

		r.err = (u32)err;
		r.more = (off + chunk < n) || more_follows;
		r.len = (u32)chunk + 1;
		memcpy(r.data, text + off, chunk);
		r.data[chunk] = 0;
		send_raw(&r, 12 + r.len);
		off += chunk;
	} while (off < n);
}

static void reply(int err, const char *text, bool more_follows)
{
	reply_len(err, text, strlen(text), more_follows);
}

static void mc_version(const char *args)
{
	char buf[256];

	scnprintf(buf, sizeof(buf), "Linux %s %s %s x86_64", utsname_node, UTS_RELEASE,
		  UTS_VERSION);
	reply(0, buf, false);
}

static void mc_help(const char *args)
{
	reply(0, "Commands:\n"
		 "    version - Get kernel version\n"
		 "    help - Print this message\n"
		 "    config <dev>=<config> - Add a new device to UML;\n"
		 "        same syntax as command line\n"
		 "    config <dev> - Query the configuration of a device\n"
		 "    config mem=+<size> - Add memory (config mem: the size now)\n"
		 "    remove <dev> - Remove a device from UML\n"
		 "    halt - Halt UML\n"
		 "    reboot - Reboot UML\n"
		 "    cad - invoke the Ctrl-Alt-Del handler\n"
		 "    log <string> - make UML enter <string> into the kernel log\n"
		 "    proc <file> - returns the contents of the UML's /proc/<file>\n"
		 "    stop - pause the UML\n"
		 "    go - continue the UML after a 'stop'\n"
		 "    sysrq <letter> - Performs the SysRq action controlled by the letter\n"
		 "    stack <pid> - what the task is doing (state, wait, registers)\n"
		 "    ps - every task: pid, ppid, state, what it waits on, command\n"
		 "    mem - physical memory use, in total and per process\n"
		 "    files <pid> - the open files of a process\n"
		 "    trace <pid> [off] - log a process's system calls (and its\n"
		 "        children's) to the kernel log and console; trace alone\n"
		 "        lists who is traced\n",
	      false);
}

static void mc_halt(const char *args)
{
	reply(0, "", false);
	printk(KERN_NOTICE "mconsole: halt\n");
	sync_filesystems();
	machine_halt(0);
}

static void mc_reboot(const char *args)
{
	reply(0, "", false);
	printk(KERN_NOTICE "mconsole: reboot\n");
	sync_filesystems();
	machine_restart();
}

/* Ctrl-Alt-Del: init gets SIGINT when it has disabled the hard reboot. */
static void ctrl_alt_del(void)
{
	if (cad_enabled) {
		sync_filesystems();
		machine_restart();
	}
	if (init_task)
		send_sig(SIGINT, init_task, true);
}

static void mc_cad(const char *args)
{
	reply(0, "", false);
	ctrl_alt_del();
}

static void mc_log(const char *args)
{
	char text[MC_DATA];
	size_t i;

	while (*args == ' ')
		args++;
	/* Control bytes would reach the host terminal through the console. */
	for (i = 0; args[i] && i < sizeof(text) - 1; i++)
		text[i] = (args[i] >= ' ' && args[i] < 0x7f) || args[i] == '\n' || args[i] == '\t'
				  ? args[i]
				  : '?';
	text[i] = 0;
	printk(KERN_INFO "%s\n", text);
	reply(0, "", false);
}

static void mc_proc(const char *args)
{
	char path[300], *buf;
	struct file *f;
	u64 pos = 0;
	ssize_t n;

	while (*args == ' ')
		args++;
	/*
	 * Only /proc: no way out through "..", and never wait on what a
	 * symlink in it may lead to (a tty, a pipe): the mconsole must stay
	 * responsive.
	 */
	if (strstr(args, "..")) {
		reply(1, "Failed to open file", false);
		return;
	}
	scnprintf(path, sizeof(path), "/proc/%s", args);
	f = file_open_at(AT_FDCWD, path, O_RDONLY | O_NONBLOCK, 0);
	if (IS_ERR(f)) {
		reply(1, "Failed to open file", false);
		return;
	}
	/* Symlinks (1/root, 1/fd/N) lead out of procfs: not there. */
	if (!f->inode->sb || !f->inode->sb->type || strcmp(f->inode->sb->type->name, "proc")) {
		file_put(f);
		reply(1, "Failed to open file", false);
		return;
	}
	buf = kmalloc(MC_DATA);
	if (!buf) {
		file_put(f);
		reply(1, "Out of memory", false);
		return;
	}
	while (pos < OUT_MAX && (n = kernel_read(f, buf, MC_DATA - 1, pos)) > 0) {
		pos += (u64)n;
		reply_len(0, buf, (size_t)n, true);
	}
	reply(0, "", false);
	kfree(buf);
	file_put(f);
}

static void mc_stop(const char *args)
{
	if (machine_frozen) {
		reply(1, "Already stopped", false);
		return;
	}
	machine_freeze();
	reply(0, "", false);
}

static void mc_go(const char *args)
{
	if (!machine_frozen) {
		reply(1, "Not stopped", false);
		return;
	}
	machine_thaw();
	reply(0, "", false);
}

/*
 * Text accumulated for a streamed reply. Nothing is sent before out_end:
 * sending may sleep (a slow client), and the text walks task lists and fd
 * tables that can change meanwhile. The buffer grows up to OUT_MAX.
 */
struct out {
	char *buf;
	size_t len, cap;
	bool truncated;
};

static void __printf(2, 3) outf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->truncated)
		return;
	if (o->cap - o->len < 512) {
		size_t cap = o->cap ? o->cap * 2 : 4096;
		char *nb = cap <= OUT_MAX ? kmalloc(cap) : NULL;

		if (!nb) {
			o->truncated = true;
			return;
		}
		if (o->len)
			memcpy(nb, o->buf, o->len);
		kfree(o->buf);
		o->buf = nb;
		o->cap = cap;
	}
	va_start(ap, fmt);
	o->len += (size_t)vscnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
}

static void out_end(struct out *o)
{
	if (o->len)
		reply_len(0, o->buf, o->len, true);
	if (o->truncated)
		reply(0, "[output truncated]\n", true);
	reply(0, "", false);
	kfree(o->buf);
}

static char state_letter(struct task *t)
{
	static const char s[] = "RSDTZXt"; /* in enum task_state order */

	return s[t->state <= TASK_TRACED ? t->state : TASK_DEAD];
}

static void task_line(struct out *o, struct task *t)
{
	struct task *p = t->group_leader->parent;

	outf(o, "%5d %5d %c %-16s %s%s%s\n", t->pid, p ? p->tgid : 0, state_letter(t),
	     t->wchan ? t->wchan : (t->state == TASK_RUNNING ? "-" : "?"),
	     t->kthread ? "[" : "", t->comm, t->kthread ? "]" : "");
}

static void mc_ps(const char *args)
{
	struct out o = { 0 };
	struct task *t;

	outf(&o, "  PID  PPID S WCHAN            COMMAND\n");
	list_for_each_entry(t, &all_tasks, all_node)
		if (t->state != TASK_DEAD)
			task_line(&o, t);
	out_end(&o);
}

static void mem_report(struct out *o)
{
	struct task *t;

	outf(o, "Memory: %lluK total, %lluK free, %lluK page cache, %lluK anonymous, %lluK kernel\n",
	     (unsigned long long)mem_total_pages() * 4, (unsigned long long)mem_free_pages() * 4,
	     (unsigned long long)mem_cache_pages * 4, (unsigned long long)mem_anon_pages * 4,
	     (unsigned long long)mem_kernel_pages * 4);
	list_for_each_entry(t, &all_tasks, all_node)
		if (t->group_leader == t && t->mm)
			outf(o, "%5d %-16s rss %lluK\n", t->pid, t->comm,
			     (unsigned long long)t->mm->rss * 4);
}

static void mc_mem(const char *args)
{
	struct out o = { 0 };

	mem_report(&o);
	out_end(&o);
}

static struct task *arg_task(const char *args)
{
	unsigned long pid;

	while (*args == ' ')
		args++;
	if (kstrtoul(args, 10, &pid) < 0)
		return NULL;
	return task_by_pid((int)pid);
}

static void mc_files(const char *args)
{
	struct task *t = arg_task(args);
	struct out o = { 0 };
	char path[512];
	int fd;

	if (!t || !t->files) {
		reply(1, "No such process", false);
		return;
	}
	for (fd = 0; fd < t->files->max; fd++) {
		struct file *f = t->files->fd[fd];

		if (!f)
			continue;
		if (f->path.dentry && path_name(&f->path, &init_task->fs->root, path,
						sizeof(path)) >= 0)
			outf(&o, "%3d %s\n", fd, path);
		else
			outf(&o, "%3d anon_inode:[%llu]\n", fd, (unsigned long long)f->inode->ino);
	}
	out_end(&o);
}

/*
 * trace <pid> [off]: log (or stop logging) the system calls of a process,
 * all its threads and the children it makes from now on, strace-style,
 * in the kernel log and on the console. trace alone lists who is traced.
 */
static void mc_trace(const char *args)
{
	struct task *leader = NULL, *t;
	struct out o = { 0 };
	bool on = true;
	int n = 0;

	while (*args == ' ')
		args++;
	if (!*args) {
		list_for_each_entry(t, &all_tasks, all_node) {
			if (t->traced && t->state != TASK_DEAD && t->state != TASK_ZOMBIE)
				outf(&o, "%d %s\n", t->pid, t->comm);
		}
		if (!o.len)
			outf(&o, "no process is traced\n");
		out_end(&o);
		return;
	}
	{
		char pid[16];
		const char *end = strchr(args, ' ');
		size_t n = end ? (size_t)(end - args) : strlen(args);

		if (n < sizeof(pid)) {
			memcpy(pid, args, n);
			pid[n] = 0;
			leader = arg_task(pid);
		}
		args = end;
	}
	while (args && *args == ' ')
		args++;
	if (args && *args) {
		if (strcmp(args, "off")) {
			reply(1, "usage: trace [<pid> [off]]", false);
			return;
		}
		on = false;
	}
	if (!leader || leader->kthread) {
		reply(1, "No such process", false);
		return;
	}
	list_for_each_entry(t, &all_tasks, all_node) {
		if (t->tgid == leader->tgid && t->state != TASK_DEAD) {
			t->traced = on;
			n++;
		}
	}
	outf(&o, "%s pid %d (%s), %d thread%s\n", on ? "tracing" : "stopped tracing",
	     leader->tgid, leader->comm, n, n == 1 ? "" : "s");
	out_end(&o);
}

static void mc_stack(const char *args)
{
	struct task *t = arg_task(args);
	struct out o = { 0 };

	if (!t) {
		reply(1, "No such process", false);
		return;
	}
	task_line(&o, t);
	if (t->syscall_nr >= 0)
		outf(&o, "  in system call %s\n", syscall_name(t->syscall_nr));
	if (t->wchan)
		outf(&o, "  sleeping in %s\n", t->wchan);
	if (t->mm)
		outf(&o, "  user rip %016llx rsp %016llx\n", (unsigned long long)t->regs.rip,
		     (unsigned long long)t->regs.rsp);
	out_end(&o);
}

static void mc_sysrq(const char *args)
{
	struct out o = { 0 };
	struct task *t;
	char c;

	while (*args == ' ')
		args++;
	c = *args;
	switch (c) {
	case 't':
	case 'w':
		outf(&o, "SysRq : Show %s\n", c == 't' ? "State" : "Blocked State");
		list_for_each_entry(t, &all_tasks, all_node)
			if (t->state != TASK_DEAD && (c == 't' || t->state == TASK_UNINTERRUPTIBLE))
				task_line(&o, t);
		break;
	case 'm':
		outf(&o, "SysRq : Show Memory\n");
		mem_report(&o);
		break;
	case 's':
		sync_filesystems();
		outf(&o, "SysRq : Emergency Sync\nEmergency Sync complete\n");
		break;
	case 'u': {
		struct mount *m = NULL;

		sync_filesystems();
		/*
		 * A remount may sleep (writing the superblock), and the mount
		 * list may change meanwhile: start over after each one, until
		 * every mount is read-only.
		 */
		while ((m = mount_next(m)) != NULL) {
			if (m->flags & 1)
				continue;
			m->flags |= 1;
			if (m->sb->type->remount) {
				m->sb->type->remount(m->sb, 1 /* MS_RDONLY */);
				m = NULL;
			}
		}
		outf(&o, "SysRq : Emergency Remount R/O\n");
		break;
	}
	case 'e':
	case 'i':
		list_for_each_entry(t, &all_tasks, all_node)
			if (t->group_leader == t && t->tgid != 1 && t->mm)
				send_sig(c == 'e' ? SIGTERM : SIGKILL, t, true);
		outf(&o, "SysRq : %s\n", c == 'e' ? "Terminate All Tasks" : "Kill All Tasks");
		break;
	case 'b':
		reply(0, "SysRq : Resetting", false);
		machine_restart();
	case 'h':
	default:
		outf(&o, "SysRq : HELP : reboot(b) term-all-tasks(e) kill-all-tasks(i) "
			 "show-memory-usage(m) sync(s) show-task-states(t) unmount(u) "
			 "show-blocked-tasks(w)\n");
		break;
	}
	out_end(&o);
}

int ubd_setup(const char *arg, char *err, size_t elen);
int ubd_query(const char *name, char *out, size_t len);
int ubd_remove(const char *name, char *err, size_t elen);

/*
 * config mem: the memory size; config mem=+<size> adds memory, as does
 * config mem=<size> above the present size. Memory cannot be taken away.
 */
static void mc_config_mem(const char *args)
{
	u64 now = mem_total_pages() << PAGE_SHIFT, want, add;
	char buf[128];
	int rc;

	if (!*args) {
		scnprintf(buf, sizeof(buf), "%lluM", (unsigned long long)(now >> 20));
		reply(0, buf, false);
		return;
	}
	if (*args++ != '=' || parse_size(*args == '+' ? args + 1 : args, &want) < 0) {
		reply(1, "mem: expected mem=+<size> or mem=<size>, e.g. mem=+64M", false);
		return;
	}
	add = *args == '+' ? want : (want > now ? want - now : 0);
	add &= ~(u64)(PAGE_SIZE - 1);
	if (*args != '+' && want < now) {
		reply(1, "mem: memory can be added, not removed", false);
		return;
	}
	if (!add) {
		reply(0, "", false);
		return;
	}
	rc = physmem_grow(add);
	if (rc == -ENOSPC) {
		scnprintf(buf, sizeof(buf), "mem: at most %lluM in all",
			  (unsigned long long)(physmem_max_bytes() >> 20));
		reply(1, buf, false);
		return;
	}
	if (rc < 0) {
		scnprintf(buf, sizeof(buf), "mem: cannot add memory: %s", host_strerror(rc));
		reply(1, buf, false);
		return;
	}
	printk(KERN_INFO "mconsole: memory grown to %lluK\n",
	       (unsigned long long)(mem_total_pages() * 4));
	reply(0, "", false);
}

static const char *mconsole_umid(void);

/* config <dev>=<spec> hot-adds a device with command-line syntax;
 * config <dev> tells how it was configured. */
static void mc_config(const char *args)
{
	char err[512], spec[512];

	while (*args == ' ')
		args++;
	if (!strncmp(args, "mem", 3) && (args[3] == '=' || !args[3])) {
		mc_config_mem(args + 3);
		return;
	}
	if (!strncmp(args, "eth", 3)) {
		if (!strchr(args, '=')) {
			if (eth_query(args, spec, sizeof(spec)) < 0)
				reply(1, "Device doesn't exist", false);
			else
				reply(0, spec, false);
			return;
		}
		err[0] = 0;
		if (eth_setup(args, mconsole_umid(), err, sizeof(err)) < 0)
			reply(1, err[0] ? err : "config failed", false);
		else
			reply(0, "", false);
		return;
	}
	if (strncmp(args, "ubd", 3)) {
		reply(1, "Unknown device type (ubd, eth and mem)", false);
		return;
	}
	if (!strchr(args, '=')) {
		if (ubd_query(args, spec, sizeof(spec)) < 0)
			reply(1, "Device doesn't exist", false);
		else
			reply(0, spec, false);
		return;
	}
	err[0] = 0;
	if (ubd_setup(args, err, sizeof(err)) < 0)
		reply(1, err[0] ? err : "config failed", false);
	else
		reply(0, "", false);
}

static void mc_remove(const char *args)
{
	char err[256];

	while (*args == ' ')
		args++;
	if (!strncmp(args, "eth", 3)) {
		if (eth_remove(args, err, sizeof(err)) < 0)
			reply(1, err, false);
		else
			reply(0, "", false);
		return;
	}
	if (strncmp(args, "ubd", 3)) {
		reply(1, "Unknown device type (ubd and eth)", false);
		return;
	}
	if (ubd_remove(args, err, sizeof(err)) < 0)
		reply(1, err, false);
	else
		reply(0, "", false);
}

static const struct {
	const char *name;
	void (*fn)(const char *args);
} commands[] = {
	{ "config", mc_config },   { "remove", mc_remove },
	{ "version", mc_version }, { "help", mc_help },   { "halt", mc_halt },
	{ "reboot", mc_reboot },   { "cad", mc_cad },     { "log", mc_log },
	{ "proc", mc_proc },       { "stop", mc_stop },   { "go", mc_go },
	{ "sysrq", mc_sysrq },     { "stack", mc_stack }, { "ps", mc_ps },
	{ "mem", mc_mem },         { "files", mc_files }, { "trace", mc_trace },
};

static void serve(struct mc_pending *p)
{
	struct mc_request *rq = &p->req;
	char cmd[MC_DATA + 1];
	size_t k;

	cur = p;
	if (p->size < 12 || rq->magic != MC_MAGIC) {
		static const char msg[] =
			"ERR Version 0 mconsole clients are not supported by this driver";

		send_raw(msg, sizeof(msg));
		return;
	}
	if (rq->len >= MC_DATA) {
		reply(1, "Request too large", false);
		return;
	}
	memcpy(cmd, rq->data, rq->len);
	cmd[rq->len] = 0;
	for (k = 0; k < ARRAY_SIZE(commands); k++) {
		size_t n = strlen(commands[k].name);

		/* Commands match by prefix of the first word, as UML's. */
		if (!strncmp(cmd, commands[k].name, n)) {
			commands[k].fn(cmd + n);
			return;
		}
	}
	reply(1, "Unknown command", false);
}

static void busy_reply(struct mc_pending *p)
{
	static const char msg[] = "Too many requests queued, try again";
	struct mc_reply r = { .err = 1, .more = 0, .len = sizeof(msg) };

	memcpy(r.data, msg, sizeof(msg));
	/* Interrupt context cannot wait: with the sender queue full, drop. */
	host_mconsole_send(&r, 12 + r.len, p->from, p->fromlen);
}

static void mc_interrupt(struct irq_source *src)
{
	for (;;) {
		struct mc_pending *p;
		ssize_t n;

		if (qlen == MC_QUEUE) {
			struct mc_pending drop;

			/*
			 * Full: read it (rather than spin on the irq) and tell the
			 * client, so it does not wait for a reply forever.
			 */
			drop.fromlen = sizeof(drop.from);
			if (host_mconsole_recv(mc_fd, &drop.req, sizeof(drop.req), drop.from,
					       &drop.fromlen) < 0)
				break;
			busy_reply(&drop);
			continue;
		}
		p = &queue[(qhead + qlen) % MC_QUEUE];
		memset(&p->req, 0, sizeof(p->req));
		p->fromlen = sizeof(p->from);
		n = host_mconsole_recv(mc_fd, &p->req, sizeof(p->req), p->from, &p->fromlen);
		if (n < 0)
			break;
		p->size = (size_t)n;
		qlen++;
	}
	wake_up(&mc_wq);
}

static void mc_thread(void)
{
	for (;;) {
		while (qlen) {
			struct mc_pending p = queue[qhead];

			qhead = (qhead + 1) % MC_QUEUE;
			qlen--;
			serve(&p);
		}
		wait_event_interruptible(&mc_wq, qlen > 0, "mconsole");
		/* Kernel threads ignore signals. */
		current->pending.set = 0;
		current->signal->shared.set = 0;
	}
}

static bool notify_on;

void mconsole_notify(int type, const char *data, size_t len)
{
	struct mc_notify m;

	if (!notify_on)
		return;
	len = MIN(len, (size_t)MC_DATA - 1);
	m.magic = MC_MAGIC;
	m.version = MC_VERSION;
	m.type = (u32)type;
	memcpy(m.data, data, len);
	m.data[len] = 0;
	m.len = (u32)len + 1;
	host_notify_send(&m, 16 + m.len);
}

int mconsole_notify_init(const char *path)
{
	int rc = host_notify_open(path);

	if (rc == 0)
		notify_on = true;
	return rc;
}

struct task *kthread_start(const char *name, void (*fn)(void));

static char machine_umid[64];

/* The machine's name (it seeds the MACs of hot-plugged NICs). */
static const char *mconsole_umid(void)
{
	return machine_umid;
}

/* Opens the socket (boot, before the command line's errors are final). */
int mconsole_init(const char *uml_dir, const char *umid, char *err, size_t elen)
{
	char path[4096];
	int fd = host_mconsole_open(uml_dir, umid, path, sizeof(path)), tx;

	strlcpy(machine_umid, umid, sizeof(machine_umid));
	if (fd == -EEXIST) {
		scnprintf(err, elen, "umid %s is in use by a running instance", umid);
		return fd;
	}
	if (fd < 0) {
		printk(KERN_WARNING "mconsole: cannot create the socket: %s\n", host_strerror(fd));
		return 0;
	}
	tx = host_mconsole_tx_init(fd);
	if (tx < 0) {
		printk(KERN_WARNING "mconsole: no sender thread: %s\n", host_strerror(tx));
		return 0;
	}
	tx_irq.fd = tx;
	tx_irq.handler = tx_interrupt;
	mc_fd = fd;
	printk(KERN_INFO "mconsole (version 2) initialized on %s\n", path);
	mconsole_notify(MC_NOTIFY_SOCKET, path, strlen(path));
	return 0;
}

/* Starts serving (after init exists, so the thread is not pid 1). */
void mconsole_start(void)
{
	if (mc_fd < 0)
		return;
	kthread_start("mconsole", mc_thread);
	mc_irq.fd = mc_fd;
	mc_irq.handler = mc_interrupt;
	irq_register(&mc_irq);
	irq_register(&tx_irq);
}
