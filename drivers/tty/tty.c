/*
 * The tty layer: the files opened on terminals (/dev/tty0, /dev/tty,
 * /dev/console, /dev/pts/N), their read/write/poll, the termios and window
 * size ioctls, and hangup. The line discipline is n_tty.c, controlling
 * terminals and job control tty_jobctrl.c.
 */
#include <asm/ioctls.h>
#include <asm/poll.h>
#include <asm/signal.h>
#include <linux/fcntl.h>

#include "device.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"
#include "printk.h"
#include "syscall.h"
#include "tty_priv.h"

#define MAX_TTYS 16

static struct tty *ttys[MAX_TTYS];

int tty_register(struct tty *tty)
{
	int i;

	for (i = 0; i < MAX_TTYS; i++) {
		if (!ttys[i]) {
			ttys[i] = tty;
			return 0;
		}
	}
	return -ENOSPC;
}

static struct tty *tty_by_rdev(u32 rdev)
{
	int i;

	for (i = 0; i < MAX_TTYS && ttys[i]; i++)
		if (ttys[i]->rdev == rdev)
			return ttys[i];
	return NULL;
}

int tty_init_struct(struct tty *tty, const char *name, u32 rdev, const struct tty_driver_ops *ops)
{
	memset(tty, 0, sizeof(*tty));
	tty->name = name;
	tty->rdev = rdev;
	tty->ops = ops;
	tty->rows = 24;
	tty->cols = 80;
	wq_init(&tty->wq);
	n_tty_init_termios(&tty->termios);
	tty->ibuf = kmalloc(TTY_BUF);
	tty->line = kmalloc(TTY_BUF);
	/* Two marks per input byte (see n_tty.c). */
	tty->imark = kzalloc(TTY_BUF / 4);
	if (!tty->ibuf || !tty->line || !tty->imark) {
		tty_free_buffers(tty);
		return -ENOMEM;
	}
	return 0;
}

void tty_free_buffers(struct tty *tty)
{
	kfree(tty->ibuf);
	kfree(tty->line);
	kfree(tty->imark);
	tty->ibuf = tty->line = NULL;
	tty->imark = NULL;
}

void tty_hangup(struct tty *tty)
{
	tty->hung_up = true;
	tty->ihead = tty->ilen = tty->lines = tty->linelen = 0;
	tty_hangup_session(tty);
	wake_up(&tty->wq);
}

/* --- file operations --- */

static struct tty *file_tty(struct file *f)
{
	return f->priv;
}

static ssize_t tty_read(struct file *f, struct uio *u, u64 *pos)
{
	struct tty *tty = file_tty(f);
	long rc;

	if (tty->hung_up)
		return 0;
	rc = tty_check_change(tty, SIGTTIN);
	if (rc < 0)
		return rc;
	return n_tty_read(tty, f, u);
}

static ssize_t tty_write(struct file *f, struct uio *u, u64 *pos)
{
	struct tty *tty = file_tty(f);
	long rc;

	if (tty->hung_up)
		return -EIO;
	if (tty->termios.c_lflag & TOSTOP) {
		rc = tty_check_change(tty, SIGTTOU);
		if (rc < 0)
			return rc;
	}
	return n_tty_write(tty, f, u);
}

static unsigned tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty *tty = file_tty(f);
	unsigned mask = 0;

	poll_wait(pt, &tty->wq);
	if (tty->hung_up)
		return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLERR | POLLHUP;
	if (n_tty_readable(tty) || (!(tty->termios.c_lflag & ICANON) && tty->ilen > 0))
		mask |= POLLIN | POLLRDNORM;
	if (n_tty_write_ready(tty))
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static long set_termios(struct tty *tty, unsigned cmd, u64 arg)
{
	struct termios t, old = tty->termios;
	long rc = tty_check_change(tty, SIGTTOU);

	if (rc < 0)
		return rc;
	if (copy_from_user(&t, arg, sizeof(t)) < 0)
		return -EFAULT;
	if (cmd == TCSETSF) {
		n_tty_flush_input(tty);
		if (tty->ops->flush)
			tty->ops->flush(tty, TCIFLUSH);
	}
	n_tty_set_termios(tty, &t);
	if (tty->ops->set_termios)
		tty->ops->set_termios(tty, &old);
	return 0;
}

static long set_winsize(struct tty *tty, u64 arg)
{
	u16 ws[4];

	if (copy_from_user(ws, arg, sizeof(ws)) < 0)
		return -EFAULT;
	if (ws[0] != tty->rows || ws[1] != tty->cols || ws[2] != tty->xpixel ||
	    ws[3] != tty->ypixel) {
		tty->rows = ws[0];
		tty->cols = ws[1];
		tty->xpixel = ws[2];
		tty->ypixel = ws[3];
		tty_signal_pgrp(tty, SIGWINCH);
	}
	return 0;
}

static long flush_queues(struct tty *tty, u64 arg)
{
	long rc = tty_check_change(tty, SIGTTOU);

	if (rc < 0)
		return rc;
	if (arg > TCIOFLUSH)
		return -EINVAL;
	if (arg == TCIFLUSH || arg == TCIOFLUSH) {
		n_tty_flush_input(tty);
		if (tty->ops->flush)
			tty->ops->flush(tty, TCIFLUSH);
	}
	if ((arg == TCOFLUSH || arg == TCIOFLUSH) && tty->ops->flush)
		tty->ops->flush(tty, TCOFLUSH);
	return 0;
}

long tty_ioctl_as(struct tty *tty, struct file *f, unsigned cmd, u64 arg, bool master)
{
	long rc;
	int n;

	/* A hung-up terminal answers nothing (Linux's hung-up file ops). */
	if (tty->hung_up && !master)
		return cmd == TIOCSPGRP ? -ENOTTY : -EIO;
	rc = tty_jobctrl_ioctl(tty, f, cmd, arg, master);
	if (rc != TTY_NOIOCTL)
		return rc;
	switch (cmd) {
	case TCGETS:
		return copy_to_user(arg, &tty->termios, sizeof(tty->termios));
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return set_termios(tty, cmd, arg);
	case TIOCGWINSZ: {
		u16 ws[4] = {tty->rows, tty->cols, tty->xpixel, tty->ypixel};

		return copy_to_user(arg, ws, sizeof(ws));
	}
	case TIOCSWINSZ:
		return set_winsize(tty, arg);
	case FIONREAD:
		n = (int)n_tty_inq(tty);
		return copy_to_user(arg, &n, sizeof(n));
	case TIOCOUTQ:
		/* Output goes to the driver at once; nothing waits here. */
		n = 0;
		return copy_to_user(arg, &n, sizeof(n));
	case TCFLSH:
		return flush_queues(tty, arg);
	case TCXONC:
		return tty_check_change(tty, SIGTTOU);
	case TCSBRK:
	case TCSBRKP:
		return 0;
	case TIOCGETD:
		n = 0;
		return copy_to_user(arg, &n, sizeof(n));
	case TIOCVHANGUP:
		return 0;
	case TIOCGPTPEER:
		return -EIO; /* not a pty master */
	default:
		return -ENOTTY;
	}
}

static long tty_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	return tty_ioctl_as(file_tty(f), f, cmd, arg, false);
}

int tty_attach(struct tty *tty, struct file *f)
{
	if (tty->ops->open) {
		int rc = tty->ops->open(tty, f);

		if (rc < 0)
			return rc;
	}
	f->priv = tty;
	tty->opens++;
	/* A console line comes back on a new open; a pty slave never does
	 * (its driver refuses the open). */
	tty->hung_up = false;
	tty_open_ctty(tty, f);
	return 0;
}

static int tty_open(struct inode *i, struct file *f)
{
	u32 rdev = i->rdev;
	struct tty *tty;

	if (rdev == MKDEV(5, 0)) {
		/* /dev/tty: the controlling terminal (the caller has one, so
		 * the open makes none). */
		if (!current->signal->tty)
			return -ENXIO;
		return tty_attach(current->signal->tty, f);
	}
	if (rdev == MKDEV(5, 1)) {
		/* /dev/console never becomes a controlling terminal. */
		tty = tty_by_rdev(MKDEV(4, 0));
		if (!tty)
			return -ENODEV;
		f->priv = tty;
		tty->opens++;
		return 0;
	}
	tty = DEV_MAJOR(rdev) == 136 ? pty_slave_lookup(i) : tty_by_rdev(rdev);
	if (!tty)
		return -ENXIO;
	if (IS_ERR(tty))
		return (int)PTR_ERR(tty);
	return tty_attach(tty, f);
}

static void tty_release(struct file *f)
{
	struct tty *tty = file_tty(f);

	if (!tty)
		return;
	tty->opens--;
	/* The driver may free the tty: nothing touches it after this. */
	if (tty->ops->close)
		tty->ops->close(tty);
}

const struct file_ops tty_fops = {
	.open = tty_open,
	.release = tty_release,
	.read = tty_read,
	.write = tty_write,
	.poll = tty_poll,
	.ioctl = tty_ioctl,
};

static const struct chrdev tty_chrdev4 = {4, 0, 64, "tty", &tty_fops};
static const struct chrdev tty_chrdev5 = {5, 0, 2, "/dev/tty", &tty_fops};

void tty_devices_init(void)
{
	register_chrdev(&tty_chrdev4);
	register_chrdev(&tty_chrdev5);
	device_add_char("tty", "tty", 0666, MKDEV(5, 0));
	device_add_char("console", "tty", 0600, MKDEV(5, 1));
}
