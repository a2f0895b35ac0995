/*
 * The tty layer and the N_TTY line discipline: termios input and output
 * processing, canonical editing, echo, the signal characters, controlling
 * terminals and job control.
 */
#include <asm/ioctls.h>
#include <asm/poll.h>
#include <asm/signal.h>
#include <asm/siginfo.h>
#include <linux/fcntl.h>

#include "device.h"
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"
#include "printk.h"
#include "syscall.h"
#include "timer.h"
#include "tty.h"

#define MAX_TTYS 16
#define CTRL(c) ((c) & 0x1f)

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

void tty_init_struct(struct tty *tty, const char *name, u32 rdev,
		     const struct tty_driver_ops *ops)
{
	struct termios *t = &tty->termios;

	memset(tty, 0, sizeof(*tty));
	tty->name = name;
	tty->rdev = rdev;
	tty->ops = ops;
	tty->rows = 24;
	tty->cols = 80;
	wq_init(&tty->wq);
	t->c_iflag = ICRNL | IXON | IUTF8;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = B38400 | CS8 | CREAD | HUPCL;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	t->c_cc[VINTR] = CTRL('C');
	t->c_cc[VQUIT] = CTRL('\\');
	t->c_cc[VERASE] = 0x7f;
	t->c_cc[VKILL] = CTRL('U');
	t->c_cc[VEOF] = CTRL('D');
	t->c_cc[VTIME] = 0;
	t->c_cc[VMIN] = 1;
	t->c_cc[VSTART] = CTRL('Q');
	t->c_cc[VSTOP] = CTRL('S');
	t->c_cc[VSUSP] = CTRL('Z');
	t->c_cc[VREPRINT] = CTRL('R');
	t->c_cc[VWERASE] = CTRL('W');
	t->c_cc[VLNEXT] = CTRL('V');
	t->c_cc[VDISCARD] = CTRL('O');
}

/* --- output --- */

static void out_raw(struct tty *tty, const char *s, size_t n)
{
	tty->ops->write(tty, s, n);
}

/* Output processing (OPOST): NL to CR-NL and friends. */
static void out_processed(struct tty *tty, const char *s, size_t n)
{
	const struct termios *t = &tty->termios;
	char buf[512];
	size_t o = 0, i;

	if (!(t->c_oflag & OPOST)) {
		out_raw(tty, s, n);
		return;
	}
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (o + 2 > sizeof(buf)) {
			out_raw(tty, buf, o);
			o = 0;
		}
		if (c == '\n' && (t->c_oflag & ONLCR)) {
			buf[o++] = '\r';
			buf[o++] = '\n';
		} else if (c == '\r' && (t->c_oflag & OCRNL)) {
			buf[o++] = '\n';
		} else {
			buf[o++] = c;
		}
	}
	if (o)
		out_raw(tty, buf, o);
}

static void echo_char(struct tty *tty, char c)
{
	const struct termios *t = &tty->termios;

	if ((t->c_lflag & ECHOCTL) && ((u8)c < 32 || c == 0x7f) && c != '\n' &&
	    c != '\t' && c != '\r') {
		char b[2] = { '^', c == 0x7f ? '?' : (char)(c + '@') };

		out_processed(tty, b, 2);
		return;
	}
	out_processed(tty, &c, 1);
}

/* --- input --- */

static void input_push(struct tty *tty, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && tty->ilen < TTY_BUF; i++) {
		tty->ibuf[(tty->ihead + tty->ilen) % TTY_BUF] = s[i];
		tty->imark[(tty->ihead + tty->ilen) % TTY_BUF] = 0;
		tty->ilen++;
	}
}

/* ^D: ends the line here without a character; an empty line reads as EOF. */
static void input_push_eof(struct tty *tty)
{
	if (tty->ilen >= TTY_BUF)
		return;
	tty->ibuf[(tty->ihead + tty->ilen) % TTY_BUF] = 0;
	tty->imark[(tty->ihead + tty->ilen) % TTY_BUF] = 1;
	tty->ilen++;
}

static void flush_input(struct tty *tty)
{
	tty->ihead = tty->ilen = 0;
	tty->lines = 0;
	tty->linelen = 0;
}

static void signal_fg(struct tty *tty, int sig)
{
	struct ksiginfo info = { .signo = sig, .code = SI_KERNEL };

	if (tty->pgrp > 0)
		kill_pgrp(tty->pgrp, sig, &info);
}

static void erase_chars(struct tty *tty, size_t count)
{
	while (count-- > 0 && tty->linelen > 0) {
		char c = tty->line[--tty->linelen];

		if (tty->termios.c_lflag & ECHO) {
			if ((tty->termios.c_lflag & ECHOCTL) && (u8)c < 32 && c != '\t')
				out_raw(tty, "\b \b\b \b", 6);
			else
				out_raw(tty, "\b \b", 3);
		}
	}
}

static void receive_char(struct tty *tty, char c)
{
	const struct termios *t = &tty->termios;
	const cc_t *cc = t->c_cc;

	if (t->c_iflag & ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (t->c_iflag & IGNCR)
			return;
		if (t->c_iflag & ICRNL)
			c = '\n';
	} else if (c == '\n' && (t->c_iflag & INLCR)) {
		c = '\r';
	}
	if (t->c_lflag & ISIG) {
		int sig = 0;

		if (c == (char)cc[VINTR] && cc[VINTR])
			sig = SIGINT;
		else if (c == (char)cc[VQUIT] && cc[VQUIT])
			sig = SIGQUIT;
		else if (c == (char)cc[VSUSP] && cc[VSUSP])
			sig = SIGTSTP;
		if (sig) {
			if (!(t->c_lflag & NOFLSH))
				flush_input(tty);
			if (t->c_lflag & ECHO)
				echo_char(tty, c);
			signal_fg(tty, sig);
			wake_up(&tty->wq);
			return;
		}
	}
	if (!(t->c_lflag & ICANON)) {
		input_push(tty, &c, 1);
		if (t->c_lflag & ECHO)
			echo_char(tty, c);
		return;
	}
	if (c == (char)cc[VERASE] || (c == '\b' && cc[VERASE] == 0x7f)) {
		erase_chars(tty, 1);
		return;
	}
	if (c == (char)cc[VKILL]) {
		erase_chars(tty, tty->linelen);
		return;
	}
	if (c == (char)cc[VWERASE] && (t->c_lflag & IEXTEN)) {
		while (tty->linelen > 0 && tty->line[tty->linelen - 1] == ' ')
			erase_chars(tty, 1);
		while (tty->linelen > 0 && tty->line[tty->linelen - 1] != ' ')
			erase_chars(tty, 1);
		return;
	}
	if (c == (char)cc[VEOF]) {
		/* End of file: the line so far becomes readable as is. */
		input_push(tty, tty->line, tty->linelen);
		input_push_eof(tty);
		tty->linelen = 0;
		tty->lines++;
		wake_up(&tty->wq);
		return;
	}
	if (c == '\n' || c == (char)cc[VEOL] || c == (char)cc[VEOL2]) {
		if (tty->linelen < TTY_BUF)
			tty->line[tty->linelen++] = c;
		if ((t->c_lflag & ECHO) || (c == '\n' && (t->c_lflag & ECHONL)))
			echo_char(tty, c);
		input_push(tty, tty->line, tty->linelen);
		tty->linelen = 0;
		tty->lines++;
		wake_up(&tty->wq);
		return;
	}
	if (tty->linelen < TTY_BUF - 1) {
		tty->line[tty->linelen++] = c;
		if (t->c_lflag & ECHO)
			echo_char(tty, c);
	}
}

void tty_receive(struct tty *tty, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		receive_char(tty, buf[i]);
	wake_up(&tty->wq);
}

/* --- job control --- */

static bool is_ctty(struct tty *tty)
{
	return current->signal->tty == tty;
}

static bool pgrp_orphaned_tty(int pgid)
{
	struct task *t;

	list_for_each_entry(t, &all_tasks, all_node) {
		if (t->group_leader != t || !t->signal || t->signal->pgid != pgid)
			continue;
		if (t->parent && t->parent->signal && t->parent->signal->pgid != pgid &&
		    t->parent->signal->sid == t->signal->sid)
			return false;
	}
	return true;
}

/* A background process touching its terminal gets sig (or an error). */
static int job_control(struct tty *tty, int sig)
{
	int pgrp = current->signal->pgid;

	if (!is_ctty(tty) || tty->pgrp == 0 || pgrp == tty->pgrp)
		return 0;
	if (sig == SIGTTOU && !(tty->termios.c_lflag & TOSTOP))
		return 0;
	if (sig_ignored(current, sig) || (current->blocked & sigbit(sig)))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_orphaned_tty(pgrp))
		return -EIO;
	{
		struct ksiginfo info = { .signo = sig, .code = SI_KERNEL };

		kill_pgrp(pgrp, sig, &info);
	}
	return -ERESTARTSYS;
}

/* --- file operations --- */

static struct tty *file_tty(struct file *f)
{
	return f->priv;
}

static bool readable(struct tty *tty)
{
	if (tty->hung_up)
		return true;
	if (tty->termios.c_lflag & ICANON)
		return tty->lines > 0;
	return tty->ilen >= (tty->termios.c_cc[VMIN] ? tty->termios.c_cc[VMIN] : 1) ||
	       (tty->termios.c_cc[VMIN] > 1 && tty->ilen > 0);
}

static ssize_t tty_read(struct file *f, struct uio *u, u64 *pos)
{
	struct tty *tty = file_tty(f);
	ssize_t done = 0;
	long rc;

	rc = job_control(tty, SIGTTIN);
	if (rc < 0)
		return rc;
	for (;;) {
		if (readable(tty))
			break;
		if (!(tty->termios.c_lflag & ICANON) && tty->termios.c_cc[VMIN] == 0) {
			if (tty->termios.c_cc[VTIME] == 0)
				return 0;
			schedule_timeout(ktime_ns() + tty->termios.c_cc[VTIME] * 100000000ULL,
					 "tty_read");
			if (!readable(tty))
				return signal_pending(current) ? -ERESTARTSYS : 0;
			break;
		}
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(&tty->wq, readable(tty), "tty_read");
		if (rc < 0)
			return rc;
	}
	if (tty->hung_up && tty->ilen == 0)
		return 0;
	while (tty->ilen > 0 && u->resid > 0) {
		char c = tty->ibuf[tty->ihead];
		bool mark = tty->imark[tty->ihead];
		long n;

		if (mark) {
			/* End of file: consumed, and ends this read. */
			if (tty->termios.c_lflag & ICANON) {
				tty->ihead = (tty->ihead + 1) % TTY_BUF;
				tty->ilen--;
				tty->lines--;
				break;
			}
			tty->ihead = (tty->ihead + 1) % TTY_BUF;
			tty->ilen--;
			continue;
		}
		n = uio_copy_to(u, &c, 1);
		if (n <= 0)
			return done ? done : (n < 0 ? n : -EFAULT);
		tty->ihead = (tty->ihead + 1) % TTY_BUF;
		tty->ilen--;
		done++;
		if ((tty->termios.c_lflag & ICANON) && c == '\n') {
			tty->lines--;
			/* A following EOF mark would end the next read. */
			break;
		}
	}
	if (tty->ilen == 0)
		tty->ihead = 0;
	return done;
}

static ssize_t tty_write(struct file *f, struct uio *u, u64 *pos)
{
	struct tty *tty = file_tty(f);
	char buf[512];
	ssize_t done = 0;
	long rc = job_control(tty, SIGTTOU);

	if (rc < 0)
		return rc;
	if (tty->hung_up)
		return -EIO;
	while (u->resid > 0) {
		long n = uio_copy_from(u, buf, MIN(u->resid, sizeof(buf)));

		if (n <= 0)
			return done ? done : (n < 0 ? n : -EFAULT);
		out_processed(tty, buf, (size_t)n);
		done += n;
	}
	return done;
}

static unsigned tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty *tty = file_tty(f);
	unsigned mask = POLLOUT | POLLWRNORM;

	poll_wait(pt, &tty->wq);
	if (readable(tty) || (!(tty->termios.c_lflag & ICANON) && tty->ilen > 0))
		mask |= POLLIN | POLLRDNORM;
	if (tty->hung_up)
		mask |= POLLHUP;
	return mask;
}

static void set_ctty(struct tty *tty, struct task *t)
{
	t->signal->tty = tty;
	tty->session = t->signal->sid;
	tty->pgrp = t->signal->pgid;
}

static long tty_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct tty *tty = file_tty(f);
	long rc;

	switch (cmd) {
	case TCGETS:
		return copy_to_user(arg, &tty->termios, sizeof(tty->termios));
	case TCSETSF:
		flush_input(tty);
		/* fall through */
	case TCSETS:
	case TCSETSW: {
		struct termios t;
		bool was_canon = tty->termios.c_lflag & ICANON;

		rc = job_control(tty, SIGTTOU);
		if (rc < 0)
			return rc;
		if (copy_from_user(&t, arg, sizeof(t)) < 0)
			return -EFAULT;
		tty->termios = t;
		if (was_canon && !(t.c_lflag & ICANON)) {
			/* Pending partial line becomes raw input. */
			input_push(tty, tty->line, tty->linelen);
			tty->linelen = 0;
			tty->lines = 0;
		} else if (!was_canon && (t.c_lflag & ICANON)) {
			size_t i;

			tty->lines = 0;
			for (i = 0; i < tty->ilen; i++)
				if (tty->ibuf[(tty->ihead + i) % TTY_BUF] == '\n')
					tty->lines++;
		}
		wake_up(&tty->wq);
		return 0;
	}
	case TIOCGWINSZ: {
		u16 ws[4] = { tty->rows, tty->cols, 0, 0 };

		return copy_to_user(arg, ws, sizeof(ws));
	}
	case TIOCSWINSZ: {
		u16 ws[4];

		if (copy_from_user(ws, arg, sizeof(ws)) < 0)
			return -EFAULT;
		if (ws[0] != tty->rows || ws[1] != tty->cols) {
			tty->rows = ws[0];
			tty->cols = ws[1];
			signal_fg(tty, SIGWINCH);
		}
		return 0;
	}
	case TIOCGPGRP: {
		int pg = tty->pgrp;

		if (!is_ctty(tty))
			return -ENOTTY;
		return copy_to_user(arg, &pg, sizeof(pg));
	}
	case TIOCSPGRP: {
		int pg;
		struct task *t;
		bool found = false;

		if (!is_ctty(tty) || current->signal->sid != tty->session)
			return -ENOTTY;
		rc = job_control(tty, SIGTTOU);
		if (rc < 0 && rc != -EIO)
			return rc;
		if (copy_from_user(&pg, arg, sizeof(pg)) < 0)
			return -EFAULT;
		if (pg < 0)
			return -EINVAL;
		list_for_each_entry(t, &all_tasks, all_node)
			if (t->signal && t->signal->pgid == pg &&
			    t->signal->sid == current->signal->sid)
				found = true;
		if (!found)
			return -EPERM;
		tty->pgrp = pg;
		return 0;
	}
	case TIOCGSID: {
		int sid = tty->session;

		if (!is_ctty(tty))
			return -ENOTTY;
		return copy_to_user(arg, &sid, sizeof(sid));
	}
	case TIOCSCTTY:
		if (current->signal->tty == tty)
			return 0;
		if (current->signal->sid != current->tgid || current->signal->tty)
			return -EPERM;
		if (tty->session && tty->session != current->signal->sid) {
			if (!(arg == 1 && current->euid == 0))
				return -EPERM;
		}
		set_ctty(tty, current->group_leader);
		return 0;
	case TIOCNOTTY:
		if (!is_ctty(tty))
			return -ENOTTY;
		if (current->signal->sid == current->tgid) {
			signal_fg(tty, SIGHUP);
			signal_fg(tty, SIGCONT);
			tty->session = 0;
			tty->pgrp = 0;
		}
		current->signal->tty = NULL;
		return 0;
	case FIONREAD:
	case TIOCOUTQ: {
		int n = cmd == FIONREAD ? (int)tty->ilen : 0;

		return copy_to_user(arg, &n, sizeof(n));
	}
	case TCFLSH:
		if (arg == TCIFLUSH || arg == TCIOFLUSH)
			flush_input(tty);
		return 0;
	case TCSBRK:
	case TCSBRKP:
	case TCXONC:
		return 0;
	case TIOCGETD: {
		int ld = 0;

		return copy_to_user(arg, &ld, sizeof(ld));
	}
	case TIOCVHANGUP:
		return 0;
	default:
		return -ENOTTY;
	}
}

static int tty_open_common(struct tty *tty, struct file *f)
{
	f->priv = tty;
	tty->opens++;
	tty->hung_up = false;
	/* A session leader without a terminal acquires this one. */
	if (!(f->flags & O_NOCTTY) && current &&
	    current->signal->sid == current->tgid && !current->signal->tty &&
	    !tty->session)
		set_ctty(tty, current->group_leader);
	return 0;
}

static int tty_open(struct inode *i, struct file *f)
{
	u32 rdev = i->rdev;
	struct tty *tty;

	if (rdev == MKDEV(5, 0)) {
		/* /dev/tty: the controlling terminal. */
		if (!current->signal->tty)
			return -ENXIO;
		f->priv = current->signal->tty;
		current->signal->tty->opens++;
		return 0;
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
	tty = tty_by_rdev(rdev);
	if (!tty)
		return -ENXIO;
	return tty_open_common(tty, f);
}

static void tty_release(struct file *f)
{
	struct tty *tty = file_tty(f);

	if (tty)
		tty->opens--;
}

const struct file_ops tty_fops = {
	.open = tty_open,
	.release = tty_release,
	.read = tty_read,
	.write = tty_write,
	.poll = tty_poll,
	.ioctl = tty_ioctl,
};

/* The session leader left: its terminal is free, its jobs hang up. */
void tty_session_leader_exit(struct task *t)
{
	struct tty *tty = t->signal->tty;

	if (!tty || tty->session != t->signal->sid)
		return;
	if (tty->pgrp > 0) {
		signal_fg(tty, SIGHUP);
		signal_fg(tty, SIGCONT);
	}
	tty->session = 0;
	tty->pgrp = 0;
	{
		struct task *o;

		list_for_each_entry(o, &all_tasks, all_node)
			if (o->signal && o->signal->tty == tty &&
			    o->signal->sid == t->signal->sid)
				o->signal->tty = NULL;
	}
}

static const struct chrdev tty_chrdev4 = { 4, 0, 64, "tty", &tty_fops };
static const struct chrdev tty_chrdev5 = { 5, 0, 2, "/dev/tty", &tty_fops };

void tty_devices_init(void)
{
	register_chrdev(&tty_chrdev4);
	register_chrdev(&tty_chrdev5);
	device_add_char("tty", "tty", 0666, MKDEV(5, 0));
	device_add_char("console", "tty", 0600, MKDEV(5, 1));
}
