/*
 * Kernel log. printk() appends to the log ring (read by dmesg, mconsole
 * and the console) and echoes to the console when the message level is
 * below the console loglevel. Levels follow Linux: "<0>" emergency ...
 * "<7>" debug, given as the first characters of the format (KERN_*).
 */
#ifndef PRINTK_H
#define PRINTK_H

#include "types.h"

#define KERN_EMERG "<0>"
#define KERN_ERR "<3>"
#define KERN_WARNING "<4>"
#define KERN_NOTICE "<5>"
#define KERN_INFO "<6>"
#define KERN_DEBUG "<7>"

extern int console_loglevel;

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);
/* Like printk, but echoed to the console whatever the loglevel: for output
 * the user asked for (system call tracing). */
int printk_console(const char *fmt, ...) __printf(1, 2);
void __noreturn panic(const char *fmt, ...) __printf(1, 2);
/* Copies up to len bytes of the log ring into buf; returns the count. */
size_t printk_read_log(char *buf, size_t len);
/* Where the console part of printk goes; set by the console driver. */
void printk_set_console(void (*write)(const char *s, size_t n));

#define pr_err(...) printk(KERN_ERR __VA_ARGS__)
#define pr_warn(...) printk(KERN_WARNING __VA_ARGS__)
#define pr_info(...) printk(KERN_INFO __VA_ARGS__)
#define pr_debug(...) printk(KERN_DEBUG __VA_ARGS__)

#define BUG_ON(c)                                                        \
	do {                                                             \
		if (unlikely(c))                                         \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c); \
	} while (0)
#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)

#endif
