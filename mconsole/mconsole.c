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
#include "mm.h"
#include "printk.h"
#include "task.h"
#include "timer.h"
#include "version.h"

#define MC_MAGIC 0xcafebabe
#define MC_VERSION 2
#define MC_DATA 512
#define MC_QUEUE 16

struct mc_request {
	u32 magic, version, len;
	char data[MC_DATA];
} __attribute__((packed));

struct mc_reply {
	u32 err, more, len;
	char data[MC_DATA];
} __attribute__((packed));

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
extern char utsname_node[];

static void send_raw(const void *buf, size_t len)
{
	host_mconsole_send(mc_fd, buf, len, cur->from, cur->fromlen);
}

/* Sends text as replies of at most 511 bytes (more=1 but on the last). */
static void reply(int err, const char *text, bool more_follows)
{
	struct mc_reply r;
	size_t n = strlen(text), off = 0;

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
		 "    halt - Halt UML\n"
		 "    reboot - Reboot UML\n"
		 "    cad - invoke the Ctrl-Alt-Del handler\n"
		 "    log <string> - make UML enter <string> into the kernel log\n"
		 "    proc <file> - returns the contents of the UML's /proc/<file>\n",
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
void ctrl_alt_del(void)
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
	while (*args == ' ')
		args++;
	printk(KERN_INFO "%s\n", args);
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
	scnprintf(path, sizeof(path), "/proc/%s", args);
	f = file_open_at(AT_FDCWD, path, O_RDONLY, 0);
	if (IS_ERR(f)) {
		reply(1, "Failed to open file", false);
		return;
	}
	buf = kmalloc(MC_DATA);
	if (!buf) {
		file_put(f);
		reply(1, "Out of memory", false);
		return;
	}
	while ((n = kernel_read(f, buf, MC_DATA - 1, pos)) > 0) {
		buf[n] = 0;
		pos += (u64)n;
		reply(0, buf, true);
	}
	reply(0, "", false);
	kfree(buf);
	file_put(f);
}

static const struct {
	const char *name;
	void (*fn)(const char *args);
} commands[] = {
	{ "version", mc_version }, { "help", mc_help }, { "halt", mc_halt },
	{ "reboot", mc_reboot },   { "cad", mc_cad },   { "log", mc_log },
	{ "proc", mc_proc },
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

static void mc_interrupt(struct irq_source *src)
{
	for (;;) {
		struct mc_pending *p;
		ssize_t n;

		if (qlen == MC_QUEUE) {
			struct mc_pending drop;

			/* Full: read and forget rather than spin on the irq. */
			drop.fromlen = sizeof(drop.from);
			if (host_mconsole_recv(mc_fd, &drop.req, sizeof(drop.req), drop.from,
					       &drop.fromlen) < 0)
				break;
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

struct task *kthread_start(const char *name, void (*fn)(void));

/* Opens the socket (boot, before the command line's errors are final). */
int mconsole_init(const char *uml_dir, const char *umid, char *err, size_t elen)
{
	char path[4096];
	int fd = host_mconsole_open(uml_dir, umid, path, sizeof(path));

	if (fd == -EEXIST) {
		scnprintf(err, elen, "umid %s is in use by a running instance", umid);
		return fd;
	}
	if (fd < 0) {
		printk(KERN_WARNING "mconsole: cannot create the socket: %s\n", host_strerror(fd));
		return 0;
	}
	mc_fd = fd;
	printk(KERN_INFO "mconsole (version 2) initialized on %s\n", path);
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
}
