/*
 * The kernel log: a ring buffer of text, echoed to the console for
 * messages more important than the console loglevel. Timestamps are
 * seconds since boot, as Linux prints them.
 */
#include "host.h"
#include "kprintf.h"
#include "kstring.h"
#include "mconsole.h"
#include "printk.h"
#include "timer.h"

#define LOG_SIZE 65536

int console_loglevel = 7;
static char log_buf[LOG_SIZE];
static size_t log_head, log_len; /* ring: start and length */
static void (*console_write)(const char *s, size_t n);
static bool at_line_start = true;

void printk_set_console(void (*write)(const char *s, size_t n))
{
	console_write = write;
}

static void log_store(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		log_buf[(log_head + log_len) % LOG_SIZE] = s[i];
		if (log_len < LOG_SIZE)
			log_len++;
		else
			log_head = (log_head + 1) % LOG_SIZE;
	}
}

size_t printk_read_log(char *buf, size_t len)
{
	size_t n = MIN(len, log_len), skip = log_len - n, i;

	for (i = 0; i < n; i++)
		buf[i] = log_buf[(log_head + skip + i) % LOG_SIZE];
	return n;
}

static void emit(const char *s, size_t n, bool to_console)
{
	log_store(s, n);
	if (!to_console)
		return;
	if (console_write)
		console_write(s, n);
	else
		host_write_all(2, s, n);
}

/* force: to the console whatever the level (text the user asked for). */
static int vprintk_to(bool force, const char *fmt, va_list ap)
{
	char buf[1024], stamp[32];
	int level = 4, n;
	const char *p = buf;

	n = vscnprintf(buf, sizeof(buf), fmt, ap);
	if (buf[0] == '<' && buf[1] >= '0' && buf[1] <= '7' && buf[2] == '>') {
		level = buf[1] - '0';
		p += 3;
		n -= 3;
	}
	if (force)
		level = -1;
	if (at_line_start && n > 0) {
		u64 t = ktime_ns();
		int sn = scnprintf(stamp, sizeof(stamp), "[%5llu.%06llu] ",
				   (unsigned long long)(t / 1000000000ULL),
				   (unsigned long long)(t % 1000000000ULL) / 1000);

		emit(stamp, (size_t)sn, level < console_loglevel);
	}
	emit(p, (size_t)n, level < console_loglevel);
	if (n > 0)
		at_line_start = p[n - 1] == '\n';
	return n;
}

int vprintk(const char *fmt, va_list ap)
{
	return vprintk_to(false, fmt, ap);
}

int printk_console(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk_to(true, fmt, ap);
	va_end(ap);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void machine_panic_exit(void);

void panic(const char *fmt, ...)
{
	static bool in_panic;
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (in_panic)
		host_exit(3);
	in_panic = true;
	console_loglevel = 8;
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", buf);
	mconsole_notify(MC_NOTIFY_PANIC, buf, strlen(buf));
	machine_panic_exit();
	host_exit(1);
}
