/*
 * Terminals: a tty is a line discipline (termios processing, canonical
 * lines, echo, signal characters, job control) over a driver that moves
 * bytes to and from somewhere (the host console, later ptys and serial
 * lines).
 */
#ifndef TTY_H
#define TTY_H

#include <asm/termbits.h>

#include "task.h"
#include "types.h"

#define TTY_BUF 4096

struct tty;

struct tty_driver_ops {
	/* Sends output bytes to the device. */
	void (*write)(struct tty *tty, const char *buf, size_t n);
};

struct tty {
	const char *name;
	u32 rdev;
	const struct tty_driver_ops *ops;
	void *driver_data;
	struct termios termios;
	u16 rows, cols;
	int pgrp;             /* foreground process group */
	int session;          /* session it controls, 0 if none */
	char ibuf[TTY_BUF];   /* input: cooked data ready to read */
	u8 imark[TTY_BUF];    /* 1: an end-of-file mark, not data */
	size_t ihead, ilen;
	size_t lines;         /* complete lines (canonical) in ibuf */
	char line[TTY_BUF];   /* canonical: the line being edited */
	size_t linelen;
	int opens;
	bool hung_up;
	struct wait_queue wq;
};

void tty_init_struct(struct tty *tty, const char *name, u32 rdev,
		     const struct tty_driver_ops *ops);
/* Feeds bytes typed at the device into the line discipline. */
void tty_receive(struct tty *tty, const char *buf, size_t n);
extern const struct file_ops tty_fops;
/* Registers a tty under a device number (for open). */
int tty_register(struct tty *tty);

#endif
