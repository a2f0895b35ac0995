/*
 * Unix98 pseudo-terminals. Opening /dev/ptmx (char 5,2) makes a pair: a
 * master, whose file operations are the ptmx_* ones here, and a slave, an
 * ordinary tty (drivers/tty/tty.c, N_TTY) shown as /dev/pts/N by devpts.
 * Whatever the master writes is typed input for the slave's line
 * discipline; what the slave's line discipline outputs waits in a bounded
 * buffer that the master reads.
 *
 * Flow control: a master write takes no more than tty_input_room allows
 * and otherwise waits (or fails with EAGAIN); a slave write waits for room
 * in the master's buffer the same way. Echo that finds the buffer full is
 * dropped. Nothing grows without bound.
 *
 * Life of a pair: the slave is locked (opens fail with EIO) until
 * TIOCSPTLCK unlocks it. Closing the master removes the node, hangs up
 * the slave (its readers see end of file, its writers EIO, its session
 * leader SIGHUP) and, once no slave file is left either, frees the pair.
 * When the last slave file closes, master reads fail with EIO once the
 * buffer is empty, until a slave is opened again.
 */
#include <asm/ioctls.h>
#include <asm/poll.h>
#include <asm/signal.h>
#include <linux/fcntl.h>

#include "device.h"
#include "devpts.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"
#include "pty.h"
#include "syscall.h"
#include "tty_priv.h"

#define PTY_OBUF 8192 /* slave output waiting for the master, bytes */
/* What a pair costs in pages: the struct, the slave's input and line
 * buffers, its marks and the output buffer. */
#define PTY_PAGES 5

struct pty {
	struct tty slave;    /* the slave; its fields say who owns them */
	struct devpts *fs;   /* [I] the devpts instance it is numbered in */
	struct mount *mnt;   /* [I] a mount of it (for TIOCGPTPEER paths) */
	int index;	     /* [I] N of /dev/pts/N */
	char name[16];	     /* [I] "pts/N" */
	struct dentry *node; /* /dev/pts/N; NULL once the master closed */
	bool master_open;    /* the master's file is still open */
	bool slave_closed;   /* a slave was open and the last one closed */
	bool locked;	     /* TIOCSPTLCK: slave opens fail with EIO */
	bool packet;	     /* TIOCPKT: master reads carry a status byte */
	u8 pktstatus;	     /* TIOCPKT_* events the master has not read */
	char *obuf;	     /* slave output for the master: a ring */
	size_t ohead, olen;
	struct wait_queue mwq; /* master readers, writers and pollers */
};

static int pty_max = 4096; /* /proc/sys/kernel/pty/max */
static int pty_count;	   /* pairs that exist: /proc/sys/kernel/pty/nr */

int pty_get_max(void)
{
	return pty_max;
}

int pty_set_max(long n)
{
	if (n < 0 || n > (long)PTY_MAX_MINORS)
		return -EINVAL;
	pty_max = (int)n;
	return 0;
}

int pty_nr(void)
{
	return pty_count;
}

/* The most pairs there may be: pty/max, and no more than an eighth of
 * guest memory, so that a guest opening ptys in a loop runs out of ptys
 * (ENOSPC) long before the kernel runs out of memory. */
static int pty_limit(void)
{
	u64 by_mem = mem_total_pages() / 8 / PTY_PAGES;

	return by_mem < (u64)pty_max ? (int)by_mem : pty_max;
}

static struct pty *tty_pty(struct tty *tty)
{
	return tty->driver_data;
}

/* --- the slave's driver side: the master's buffer --- */

static size_t pty_write(struct tty *tty, const char *buf, size_t n)
{
	struct pty *pty = tty_pty(tty);
	size_t done = 0;

	while (done < n && pty->olen < PTY_OBUF) {
		size_t tail = (pty->ohead + pty->olen) % PTY_OBUF;
		size_t chunk = MIN(n - done, PTY_OBUF - pty->olen);

		chunk = MIN(chunk, PTY_OBUF - tail);
		memcpy(pty->obuf + tail, buf + done, chunk);
		pty->olen += chunk;
		done += chunk;
	}
	if (done)
		wake_up_poll(&pty->mwq, POLLIN);
	return done;
}

static size_t pty_write_room(struct tty *tty)
{
	struct pty *pty = tty_pty(tty);

	return pty->master_open ? PTY_OBUF - pty->olen : 0;
}

static int pty_slave_open(struct tty *tty, struct file *f)
{
	struct pty *pty = tty_pty(tty);

	if (pty->locked || !pty->master_open)
		return -EIO;
	pty->slave_closed = false;
	return 0;
}

static void pty_free_if_unused(struct pty *pty)
{
	if (pty->master_open || pty->slave.opens > 0)
		return;
	devpts_kill_index(pty->fs, pty->index);
	tty_forget(&pty->slave);
	tty_free_buffers(&pty->slave);
	kfree(pty->obuf);
	kfree(pty);
	pty_count--;
}

static void pty_slave_close(struct tty *tty)
{
	struct pty *pty = tty_pty(tty);

	if (tty->opens > 0)
		return;
	pty->slave_closed = true;
	wake_up(&pty->mwq);
	pty_free_if_unused(pty);
}

static void pty_unthrottle(struct tty *tty)
{
	wake_up_poll(&tty_pty(tty)->mwq, POLLOUT);
}

static void pty_flush(struct tty *tty, int queue)
{
	struct pty *pty = tty_pty(tty);

	if (!pty->packet)
		return;
	pty->pktstatus |= queue == TCIFLUSH ? TIOCPKT_FLUSHREAD : TIOCPKT_FLUSHWRITE;
	wake_up_poll(&pty->mwq, POLLIN);
}

/* Packet mode reports whether ^S/^Q flow control is on (IXON with the
 * usual characters), when that changes. */
static bool ixon_std(const struct termios *t)
{
	return (t->c_iflag & IXON) && t->c_cc[VSTOP] == 0x13 && t->c_cc[VSTART] == 0x11;
}

static void pty_set_termios(struct tty *tty, const struct termios *old)
{
	struct pty *pty = tty_pty(tty);
	bool now = ixon_std(&tty->termios);

	/* A switch of ICANON changes tty_input_room. */
	wake_up_poll(&pty->mwq, POLLOUT);
	if (!pty->packet || now == ixon_std(old))
		return;
	pty->pktstatus &= (u8) ~(TIOCPKT_DOSTOP | TIOCPKT_NOSTOP);
	pty->pktstatus |= now ? TIOCPKT_DOSTOP : TIOCPKT_NOSTOP;
	wake_up_poll(&pty->mwq, POLLIN);
}

static const struct tty_driver_ops pty_slave_ops = {
	.write = pty_write,
	.write_room = pty_write_room,
	.open = pty_slave_open,
	.close = pty_slave_close,
	.unthrottle = pty_unthrottle,
	.flush = pty_flush,
	.set_termios = pty_set_termios,
};

struct tty *pty_slave_lookup(struct inode *inode)
{
	struct pty *pty = devpts_lookup(inode);

	if (!pty)
		return ERR_PTR(-ENXIO);
	/* A node that outlived its pair (reopened through an O_PATH file)
	 * must not reach a new pair that took over its number. */
	if (!pty->node || pty->node->inode != inode)
		return ERR_PTR(-EIO);
	return &pty->slave;
}

/* --- the master's file --- */

static int ptmx_open(struct inode *inode, struct file *f)
{
	struct mount *mnt;
	struct devpts *fs = devpts_find(&f->path, &mnt);
	struct dentry *node;
	struct pty *pty;
	int rc;

	if (IS_ERR(fs))
		return (int)PTR_ERR(fs);
	if (pty_count >= pty_limit())
		return -ENOSPC;
	pty = kzalloc(sizeof(*pty));
	if (!pty)
		return -ENOMEM;
	rc = tty_init_struct(&pty->slave, pty->name, 0, &pty_slave_ops);
	pty->obuf = kmalloc(PTY_OBUF);
	if (rc < 0 || !pty->obuf) {
		rc = -ENOMEM;
		goto out_free;
	}
	rc = devpts_new_index(fs, pty);
	if (rc < 0)
		goto out_free;
	pty->index = rc;
	node = devpts_pty_new(fs, pty->index);
	if (IS_ERR(node)) {
		rc = (int)PTR_ERR(node);
		devpts_kill_index(fs, pty->index);
		goto out_free;
	}
	pty->fs = fs;
	pty->mnt = mnt;
	pty->node = node;
	scnprintf(pty->name, sizeof(pty->name), "pts/%d", pty->index);
	/* A new pty's settings, as Linux's: no IUTF8 or HUPCL, no size. */
	pty->slave.rdev = MKDEV(PTY_SLAVE_MAJOR, (u32)pty->index);
	pty->slave.driver_data = pty;
	pty->slave.is_pty = true;
	pty->slave.termios.c_iflag &= ~(tcflag_t)IUTF8;
	pty->slave.termios.c_cflag &= ~(tcflag_t)HUPCL;
	pty->slave.rows = pty->slave.cols = 0;
	pty->master_open = true;
	pty->locked = true;
	wq_init(&pty->mwq);
	f->priv = pty;
	pty_count++;
	return 0;

out_free:
	tty_free_buffers(&pty->slave);
	kfree(pty->obuf);
	kfree(pty);
	return rc;
}

static void ptmx_release(struct file *f)
{
	struct pty *pty = f->priv;

	pty->master_open = false;
	devpts_pty_kill(pty->fs, pty->node);
	pty->node = NULL;
	tty_hangup(&pty->slave);
	pty_free_if_unused(pty);
}

static bool master_readable(struct pty *pty)
{
	return pty->olen > 0 || pty->slave_closed || (pty->packet && pty->pktstatus);
}

static ssize_t ptmx_read(struct file *f, struct uio *u, u64 *pos)
{
	struct pty *pty = f->priv;
	ssize_t done = 0;
	long rc;

	if (u->resid == 0)
		return 0;
	while (!master_readable(pty)) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(&pty->mwq, master_readable(pty), "ptm_read");
		if (rc < 0)
			return rc;
	}
	if (pty->packet && pty->pktstatus) {
		u8 st = pty->pktstatus;

		if (uio_copy_to(u, &st, 1) != 1)
			return -EFAULT;
		pty->pktstatus = 0;
		return 1;
	}
	if (pty->olen == 0)
		return -EIO; /* no slave is open, and nothing is left */
	if (pty->packet) {
		u8 data = TIOCPKT_DATA;

		if (uio_copy_to(u, &data, 1) != 1)
			return -EFAULT;
		done = 1;
	}
	while (pty->olen > 0 && u->resid > 0) {
		size_t chunk = MIN(MIN(pty->olen, PTY_OBUF - pty->ohead), u->resid);
		long c = uio_copy_to(u, pty->obuf + pty->ohead, chunk);

		if (c <= 0) {
			if (!done)
				done = c < 0 ? c : -EFAULT;
			break;
		}
		pty->ohead = (pty->ohead + (size_t)c) % PTY_OBUF;
		pty->olen -= (size_t)c;
		done += c;
	}
	if (pty->olen == 0)
		pty->ohead = 0;
	wake_up_poll(&pty->slave.wq, POLLOUT);
	return done;
}

static ssize_t ptmx_write(struct file *f, struct uio *u, u64 *pos)
{
	struct pty *pty = f->priv;
	struct tty *tty = &pty->slave;
	char buf[512];
	ssize_t done = 0;
	long rc;

	while (u->resid > 0) {
		size_t room = tty_input_room(tty);
		long n;

		if (room == 0) {
			if (f->flags & O_NONBLOCK)
				return done ? done : -EAGAIN;
			rc = wait_event_interruptible(&pty->mwq, tty_input_room(tty) > 0,
						      "ptm_write");
			if (rc < 0)
				return done ? done : rc;
			continue;
		}
		n = uio_copy_from(u, buf, MIN(MIN(room, u->resid), sizeof(buf)));
		if (n <= 0)
			return done ? done : (n < 0 ? n : -EFAULT);
		tty_receive(tty, buf, (size_t)n);
		done += n;
	}
	return done;
}

static unsigned ptmx_poll(struct file *f, struct poll_table *pt)
{
	struct pty *pty = f->priv;
	unsigned mask = 0;

	poll_wait(pt, &pty->mwq);
	if (pty->olen > 0)
		mask |= POLLIN | POLLRDNORM;
	if (pty->packet && pty->pktstatus)
		mask |= POLLPRI | POLLIN | POLLRDNORM;
	if (tty_input_room(&pty->slave) > 0)
		mask |= POLLOUT | POLLWRNORM;
	if (pty->slave_closed)
		mask |= POLLHUP;
	return mask;
}

/* TIOCGPTPEER: a new open file of the slave, without a path walk. */
static long open_peer(struct pty *pty, int flags)
{
	struct path_ref p = {pty->mnt, pty->node};
	struct file *f;
	long rc;

	if (!fd_available())
		return -EMFILE;
	f = file_alloc(&p, (u32)flags & ~(u32)(O_CREAT | O_EXCL | O_TRUNC));
	if (!f)
		return -ENOMEM;
	f->fops = &tty_fops;
	rc = tty_attach(&pty->slave, f);
	if (rc < 0) {
		f->fops = NULL; /* not open: no release */
		file_put(f);
		return rc;
	}
	f->flags &= ~(u32)(O_NOCTTY | O_CLOEXEC);
	rc = fd_install(f, (flags & O_CLOEXEC) != 0);
	if (rc < 0)
		file_put(f);
	return rc;
}

static long put_int(u64 arg, int v)
{
	return copy_to_user(arg, &v, sizeof(v));
}

static long ptmx_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct pty *pty = f->priv;
	int v;

	switch (cmd) {
	case TIOCGPTN:
		return put_int(arg, pty->index);
	case TIOCSPTLCK:
		if (copy_from_user(&v, arg, sizeof(v)) < 0)
			return -EFAULT;
		pty->locked = v != 0;
		return 0;
	case TIOCGPTLCK:
		return put_int(arg, pty->locked);
	case TIOCGPTPEER:
		return open_peer(pty, (int)arg);
	case TIOCPKT:
		if (copy_from_user(&v, arg, sizeof(v)) < 0)
			return -EFAULT;
		if (v && !pty->packet)
			pty->pktstatus = 0;
		pty->packet = v != 0;
		return 0;
	case TIOCGPKT:
		return put_int(arg, pty->packet);
	case TIOCSIG:
		/* Only the signals the keyboard could have sent. */
		if (arg != SIGINT && arg != SIGQUIT && arg != SIGTSTP)
			return -EINVAL;
		tty_signal_pgrp(&pty->slave, (int)arg);
		return 0;
	case FIONREAD:
		return put_int(arg, (int)pty->olen);
	case TIOCOUTQ:
		return put_int(arg, 0);
	case TCFLSH:
		/* The master's input is the slave's output. */
		if (arg > TCIOFLUSH)
			return -EINVAL;
		if (arg != TCOFLUSH) {
			pty->ohead = pty->olen = 0;
			wake_up_poll(&pty->slave.wq, POLLOUT);
		}
		return 0;
	default:
		/* Termios, window size and job control act on the slave. */
		return tty_ioctl_as(&pty->slave, f, cmd, arg, true);
	}
}

static const struct file_ops ptmx_fops = {
	.open = ptmx_open,
	.release = ptmx_release,
	.read = ptmx_read,
	.write = ptmx_write,
	.poll = ptmx_poll,
	.ioctl = ptmx_ioctl,
};

static const struct chrdev ptmx_chrdev = {5, 2, 1, "ptmx", &ptmx_fops};
static const struct chrdev pts_chrdev = {PTY_SLAVE_MAJOR, 0, PTY_MAX_MINORS, "pts", &tty_fops};

void pty_init(void)
{
	register_chrdev(&ptmx_chrdev);
	register_chrdev(&pts_chrdev);
	device_add_char("ptmx", "tty", 0666, MKDEV(5, 2));
}
