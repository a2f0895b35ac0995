/*
 * con0: the console line, a tty whose device side is a pair of host fds
 * (by default the host's stdin and stdout, "fd:0,fd:1"). Input arrives as
 * an interrupt when the host fd is readable; output is written through.
 * A host terminal is put in raw mode so the guest's line discipline does
 * all the work, and restored when the kernel exits.
 */
#include <linux/stat.h>

#include "device.h"
#include "fs.h"
#include "host.h"
#include "kstring.h"
#include "printk.h"
#include "timer.h"
#include "tty.h"

static struct tty con0;
static int in_fd = 0, out_fd = 1;
static struct irq_source con_irq;
static bool input_closed;

/* Writes through to the host (which may block the CPU); takes it all. */
static size_t con_write(struct tty *tty, const char *buf, size_t n)
{
	if (out_fd >= 0)
		host_write_all(out_fd, buf, n);
	return n;
}

static const struct tty_driver_ops con_ops = { .write = con_write };

static void con_input(struct irq_source *src)
{
	char buf[256];
	ssize_t n = host_read(in_fd, buf, sizeof(buf));

	if (n > 0) {
		tty_receive(&con0, buf, (size_t)n);
		return;
	}
	if (n == 0 || (n < 0 && n != -11 /* EAGAIN */)) {
		/* Host end of input: stop watching; the guest sees no more. */
		irq_unregister(src);
		input_closed = true;
	}
}

/* printk's console output goes through the tty's output processing. */
static void printk_con(const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n') {
			con_write(&con0, s + start, i - start);
			con_write(&con0, "\r\n", 2);
			start = i + 1;
		}
	}
	if (start < n)
		con_write(&con0, s + start, n - start);
}

static int parse_fd(const char *s, int *fd)
{
	unsigned long v;
	char *end;

	if (strncmp(s, "fd:", 3))
		return -1;
	v = simple_strtoul(s + 3, &end, 10);
	if (end == s + 3 || (*end && *end != ','))
		return -1;
	*fd = (int)v;
	return 0;
}

void tty_devices_init(void);

void console_init(const char *spec)
{
	if (spec && !strcmp(spec, "null")) {
		in_fd = -1;
		out_fd = -1;
	} else if (spec) {
		const char *comma = strchr(spec, ',');

		parse_fd(spec, &in_fd);
		if (comma)
			parse_fd(comma + 1, &out_fd);
		else
			out_fd = in_fd;
	}
	if (tty_init_struct(&con0, "tty0", MKDEV(4, 0), &con_ops) < 0)
		panic("console: no memory for con0");
	tty_register(&con0);
	printk_set_console(printk_con);
	if (in_fd >= 0 && host_isatty(in_fd)) {
		host_tty_raw(in_fd);
		host_tty_winsize(in_fd, &con0.rows, &con0.cols);
		if (!con0.rows || !con0.cols) {
			con0.rows = 24;
			con0.cols = 80;
		}
	}
}

/* Called once interrupts work and devtmpfs exists. */
void console_start(void)
{
	device_add_char("tty0", "tty", 0620, MKDEV(4, 0));
	if (in_fd < 0)
		return;
	con_irq.fd = in_fd;
	con_irq.handler = con_input;
	if (irq_register(&con_irq) < 0) {
		/* Not pollable (a regular file): read it all now. */
		char buf[256];
		ssize_t n;

		while ((n = host_read(in_fd, buf, sizeof(buf))) > 0)
			tty_receive(&con0, buf, (size_t)n);
		input_closed = true;
	}
}
