/*
 * Terminals: a tty is a line discipline (termios processing, canonical
 * lines, echo, signal characters, job control) over a driver that moves
 * bytes to and from somewhere: the host console (drivers/tty/console.c)
 * or the master side of a pseudo-terminal (drivers/tty/pty.c).
 *
 * The files of drivers/tty: tty.c (open files, ioctls, hangup), n_tty.c
 * (the line discipline), tty_jobctrl.c (controlling terminals and job
 * control), console.c and pty.c (drivers).
 *
 * Ownership legend: everything belongs to the kernel CPU thread. [I] set
 * when the tty is made; [L] the line discipline's; [J] job control's.
 */
#ifndef TTY_H
#define TTY_H

#include <asm/termbits.h>

#include "task.h"
#include "types.h"

#define TTY_BUF 4096 /* input buffer and canonical line, bytes */

struct tty;
struct file;
struct inode;

struct tty_driver_ops {
	/* Takes output bytes for the device; returns how many it took. A
	 * driver with write_room takes at least what that last promised. */
	size_t (*write)(struct tty *tty, const char *buf, size_t n);
	/* Optional: how many bytes write takes now. Without it, write takes
	 * everything (the console's host write may block the CPU). */
	size_t (*write_room)(struct tty *tty);
	/* Optional: a file is opening the tty; an error refuses the open. */
	int (*open)(struct tty *tty, struct file *f);
	/* Optional: a file that had the tty open is gone (tty->opens has
	 * dropped already). The driver may free the tty here. */
	void (*close)(struct tty *tty);
	/* Optional: a reader took input, so tty_input_room grew. */
	void (*unthrottle)(struct tty *tty);
	/* Optional: queued input (TCIFLUSH) or output (TCOFLUSH) was dropped. */
	void (*flush)(struct tty *tty, int queue);
	/* Optional: the termios changed; old is the previous one. */
	void (*set_termios)(struct tty *tty, const struct termios *old);
};

struct tty {
	const char *name;		  /* [I] "tty0", "pts/3" */
	u32 rdev;			  /* [I] its device number */
	const struct tty_driver_ops *ops; /* [I] */
	void *driver_data;		  /* [I] the driver's */
	bool is_pty;			  /* [I] a pseudo-terminal slave */
	struct termios termios;		  /* [L] */
	u16 rows, cols, xpixel, ypixel;	  /* [J] window size (TIOCSWINSZ) */
	int pgrp;			  /* [J] foreground process group, 0: none */
	int session;			  /* [J] session it controls, 0: none */
	/* [L] Input ready to read: a ring of TTY_BUF bytes, and two bits per
	 * byte in imark: an end-of-file mark (^D) rather than data, and the
	 * end of a canonical line (see n_tty.c). */
	char *ibuf;
	u8 *imark;
	size_t ihead, ilen;
	size_t lines; /* [L] complete lines (canonical) in ibuf */
	char *line;   /* [L] canonical: the line being edited */
	size_t linelen;
	int opens;	      /* files open on it */
	bool hung_up;	      /* reads see end of file, writes EIO */
	struct wait_queue wq; /* readers, writers and pollers */
};

/*
 * Sets up tty with default termios and allocates its buffers; -ENOMEM
 * without them. tty_free_buffers gives them back (the caller frees tty).
 */
int tty_init_struct(struct tty *tty, const char *name, u32 rdev, const struct tty_driver_ops *ops);
void tty_free_buffers(struct tty *tty);

/* Feeds bytes typed at the device into the line discipline. Bytes that
 * find no room are dropped; a driver that must not lose any asks
 * tty_input_room first. */
void tty_receive(struct tty *tty, const char *buf, size_t n);
/* How many bytes tty_receive takes now without dropping any. In canonical
 * mode with no complete line to read it is never 0: the line must be able
 * to end (the excess of an overlong line is dropped, as on Linux). */
size_t tty_input_room(struct tty *tty);

/* The device went away (a pty master closed): readers see end of file,
 * writers and most ioctls EIO, the controlling session's leader gets
 * SIGHUP and SIGCONT and the session loses its terminal. */
void tty_hangup(struct tty *tty);

/* The file operations of every tty file (the console, /dev/tty, pty
 * slaves). f->priv is the struct tty. */
extern const struct file_ops tty_fops;
/* Opens f (whose fops are tty_fops) on tty, as an open of its device
 * node does: the driver's open hook, the open count, and a controlling
 * terminal for a session leader without one unless O_NOCTTY. */
int tty_attach(struct tty *tty, struct file *f);
/*
 * The ioctls a tty shares with a pty master: termios, window size, job
 * control, and the rest of the tty_fops set. master says the call came
 * through the master (no job-control checks on the caller, as Linux).
 */
long tty_ioctl_as(struct tty *tty, struct file *f, unsigned cmd, u64 arg, bool master);

/* Registers a tty under a device number (for open). */
int tty_register(struct tty *tty);
/* The slave tty that a devpts node opens, or an ERR_PTR (drivers/tty/pty.c). */
struct tty *pty_slave_lookup(struct inode *inode);

/* A session leader exits: its terminal is freed for another session. */
void tty_session_leader_exit(struct task *t);
/* Forgets tty everywhere before it is freed (no process keeps it as its
 * controlling terminal). */
void tty_forget(struct tty *tty);

#endif
