/*
 * N_TTY, the line discipline: termios input processing (character
 * mapping, the signal characters, canonical line editing, echo) into a
 * bounded input buffer, and output processing (OPOST) towards the driver.
 * Input never grows past TTY_BUF bytes: what finds no room is dropped
 * (the console) or is not taken yet (a pty master asks tty_input_room).
 */
#include <asm/poll.h>
#include <asm/signal.h>
#include <linux/fcntl.h>

#include "kerrno.h"
#include "kstring.h"
#include "timer.h"
#include "tty_priv.h"

#define CTRL(c) ((c)&0x1f)

void n_tty_init_termios(struct termios *t)
{
	memset(t, 0, sizeof(*t));
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

static size_t out_room(struct tty *tty)
{
	return tty->ops->write_room ? tty->ops->write_room(tty) : (size_t)-1;
}

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

/* Echo goes out whatever the room: a full driver drops it. */
static void echo_char(struct tty *tty, char c)
{
	const struct termios *t = &tty->termios;

	if ((t->c_lflag & ECHOCTL) && ((u8)c < 32 || c == 0x7f) && c != '\n' && c != '\t' &&
	    c != '\r') {
		char b[2] = {'^', c == 0x7f ? '?' : (char)(c + '@')};

		out_processed(tty, b, 2);
		return;
	}
	out_processed(tty, &c, 1);
}

bool n_tty_write_ready(struct tty *tty)
{
	return out_room(tty) >= TTY_WRITE_MIN;
}

ssize_t n_tty_write(struct tty *tty, struct file *f, struct uio *u)
{
	char buf[512];
	ssize_t done = 0;
	long rc;

	while (u->resid > 0) {
		size_t room = out_room(tty), take;
		long n;

		if (tty->hung_up)
			return done ? done : -EIO;
		if (room < TTY_WRITE_MIN) {
			if (f->flags & O_NONBLOCK)
				return done ? done : -EAGAIN;
			rc = wait_event_interruptible(
				&tty->wq, tty->hung_up || n_tty_write_ready(tty), "tty_write");
			if (rc < 0)
				return done ? done : rc;
			continue;
		}
		/* Each byte becomes at most two after output processing. */
		if ((tty->termios.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR))
			room /= 2;
		take = MIN(MIN(u->resid, sizeof(buf)), room);
		n = uio_copy_from(u, buf, take);
		if (n <= 0)
			return done ? done : (n < 0 ? n : -EFAULT);
		out_processed(tty, buf, (size_t)n);
		done += n;
	}
	return done;
}

/* --- input --- */

/*
 * Marks on input bytes, a bit each in tty->imark: MARK_EOF says the byte
 * is an end-of-file mark (^D), not data; MARK_EOL that it ends a line.
 */
#define MARK_EOF 0
#define MARK_EOL 1

static void mark_put(struct tty *tty, int kind, size_t at, bool on)
{
	size_t bit = (size_t)kind * TTY_BUF + at;
	u8 m = (u8)(1u << (bit & 7));

	if (on)
		tty->imark[bit >> 3] |= m;
	else
		tty->imark[bit >> 3] &= (u8)~m;
}

static bool mark_at(const struct tty *tty, int kind, size_t at)
{
	size_t bit = (size_t)kind * TTY_BUF + at;

	return tty->imark[bit >> 3] & (1u << (bit & 7));
}

static void input_push(struct tty *tty, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && tty->ilen < TTY_BUF; i++) {
		size_t at = (tty->ihead + tty->ilen) % TTY_BUF;

		tty->ibuf[at] = s[i];
		mark_put(tty, MARK_EOF, at, false);
		mark_put(tty, MARK_EOL, at, false);
		tty->ilen++;
	}
}

/* ^D: ends the line here without a character; an empty line reads as EOF. */
static void input_push_eof(struct tty *tty)
{
	size_t at = (tty->ihead + tty->ilen) % TTY_BUF;

	if (tty->ilen >= TTY_BUF)
		return;
	tty->ibuf[at] = 0;
	mark_put(tty, MARK_EOF, at, true);
	mark_put(tty, MARK_EOL, at, true);
	tty->ilen++;
}

void n_tty_flush_input(struct tty *tty)
{
	tty->ihead = tty->ilen = 0;
	tty->lines = 0;
	tty->linelen = 0;
	if (tty->ops->unthrottle)
		tty->ops->unthrottle(tty);
}

size_t tty_input_room(struct tty *tty)
{
	size_t used = tty->ilen;

	if (tty->termios.c_lflag & ICANON) {
		/* A line ending now needs its bytes and an end mark. */
		used += tty->linelen + 1;
		if (used >= TTY_BUF)
			return tty->lines ? 0 : 1;
	}
	return used >= TTY_BUF ? 0 : TTY_BUF - used;
}

size_t n_tty_inq(struct tty *tty)
{
	size_t i, n = 0;

	for (i = 0; i < tty->ilen; i++)
		if (!mark_at(tty, MARK_EOF, (tty->ihead + i) % TTY_BUF))
			n++;
	return n;
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

/*
 * The line being edited, ended by its last byte or (eof) by an end-of-file
 * mark, becomes readable. A line that does not fit is cut short but keeps
 * its last byte, so that a reader still sees it end.
 */
static void end_line(struct tty *tty, bool eof)
{
	size_t space = TTY_BUF - tty->ilen, n = tty->linelen;

	tty->linelen = 0;
	if (space == 0)
		return;
	if (n + (eof ? 1 : 0) > space) {
		if (eof) {
			n = space - 1;
		} else {
			tty->line[space - 1] = tty->line[n - 1];
			n = space;
		}
	}
	input_push(tty, tty->line, n);
	if (eof)
		input_push_eof(tty);
	else
		mark_put(tty, MARK_EOL, (tty->ihead + tty->ilen - 1) % TTY_BUF, true);
	tty->lines++;
	wake_up_poll(&tty->wq, POLLIN);
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
			if (!(t->c_lflag & NOFLSH)) {
				n_tty_flush_input(tty);
				if (tty->ops->flush)
					tty->ops->flush(tty, TCIFLUSH);
			}
			if (t->c_lflag & ECHO)
				echo_char(tty, c);
			tty_signal_pgrp(tty, sig);
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
		end_line(tty, true);
		return;
	}
	if (c == '\n' || c == (char)cc[VEOL] || c == (char)cc[VEOL2]) {
		if (tty->linelen < TTY_BUF)
			tty->line[tty->linelen++] = c;
		if ((t->c_lflag & ECHO) || (c == '\n' && (t->c_lflag & ECHONL)))
			echo_char(tty, c);
		end_line(tty, false);
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
	wake_up_poll(&tty->wq, POLLIN);
}

void n_tty_set_termios(struct tty *tty, const struct termios *t)
{
	bool was_canon = tty->termios.c_lflag & ICANON;

	tty->termios = *t;
	if (was_canon && !(t->c_lflag & ICANON)) {
		/* Pending partial line becomes raw input. */
		input_push(tty, tty->line, tty->linelen);
		tty->linelen = 0;
		tty->lines = 0;
	} else if (!was_canon && (t->c_lflag & ICANON)) {
		size_t i;

		/* Raw input already there reads as one line, newlines and all
		 * (as on Linux). */
		for (i = 0; i < tty->ilen; i++)
			mark_put(tty, MARK_EOL, (tty->ihead + i) % TTY_BUF, i == tty->ilen - 1);
		tty->lines = tty->ilen > 0;
	}
	wake_up(&tty->wq);
}

/* --- reading --- */

bool n_tty_readable(struct tty *tty)
{
	if (tty->hung_up)
		return true;
	if (tty->termios.c_lflag & ICANON)
		return tty->lines > 0;
	return tty->ilen >= (tty->termios.c_cc[VMIN] ? tty->termios.c_cc[VMIN] : 1) ||
	       (tty->termios.c_cc[VMIN] > 1 && tty->ilen > 0);
}

ssize_t n_tty_read(struct tty *tty, struct file *f, struct uio *u)
{
	ssize_t done = 0;
	long rc;

	for (;;) {
		if (n_tty_readable(tty))
			break;
		if (!(tty->termios.c_lflag & ICANON) && tty->termios.c_cc[VMIN] == 0) {
			if (tty->termios.c_cc[VTIME] == 0)
				return 0;
			schedule_timeout(ktime_ns() + tty->termios.c_cc[VTIME] * 100000000ULL,
					 "tty_read");
			if (!n_tty_readable(tty))
				return signal_pending(current) ? -ERESTARTSYS : 0;
			break;
		}
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(&tty->wq, n_tty_readable(tty), "tty_read");
		if (rc < 0)
			return rc;
	}
	if (tty->hung_up)
		return 0;
	while (tty->ilen > 0 && u->resid > 0) {
		char c = tty->ibuf[tty->ihead];
		bool eol = mark_at(tty, MARK_EOL, tty->ihead);
		long n;

		if (mark_at(tty, MARK_EOF, tty->ihead)) {
			/* End of file: consumed, and ends this read. */
			tty->ihead = (tty->ihead + 1) % TTY_BUF;
			tty->ilen--;
			if (tty->termios.c_lflag & ICANON) {
				tty->lines--;
				break;
			}
			continue;
		}
		n = uio_copy_to(u, &c, 1);
		if (n <= 0) {
			if (!done)
				done = n < 0 ? n : -EFAULT;
			break;
		}
		tty->ihead = (tty->ihead + 1) % TTY_BUF;
		tty->ilen--;
		done++;
		if ((tty->termios.c_lflag & ICANON) && eol) {
			tty->lines--;
			/* A following EOF mark would end the next read. */
			break;
		}
	}
	if (tty->ilen == 0)
		tty->ihead = 0;
	if (tty->ops->unthrottle)
		tty->ops->unthrottle(tty);
	return done;
}
