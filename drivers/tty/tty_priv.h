/* Shared by the files of drivers/tty: the insides of the tty layer. */
#ifndef TTY_PRIV_H
#define TTY_PRIV_H

#include "fs.h"
#include "tty.h"

/* A tty ioctl that this part does not handle (the caller tries another). */
#define TTY_NOIOCTL (-515L)

/* The least output room that lets a write go on: one character after
 * output processing (NL becomes CR NL). */
#define TTY_WRITE_MIN 2

/* --- n_tty.c: the line discipline --- */
void n_tty_init_termios(struct termios *t);
/* Can a read return now (data, a line, end of file or a hangup)? */
bool n_tty_readable(struct tty *tty);
/* Copies input to u as read(2) on a tty does, waiting as termios says. */
ssize_t n_tty_read(struct tty *tty, struct file *f, struct uio *u);
/* Output processing of u to the driver, waiting for room as needed. */
ssize_t n_tty_write(struct tty *tty, struct file *f, struct uio *u);
/* Does the driver have room for a write to go on? */
bool n_tty_write_ready(struct tty *tty);
/* Drops pending input (and the line being edited). */
void n_tty_flush_input(struct tty *tty);
/* Installs new termios, carrying input across a canonical-mode switch. */
void n_tty_set_termios(struct tty *tty, const struct termios *t);
/* Bytes a read could return now (FIONREAD). */
size_t n_tty_inq(struct tty *tty);

/* --- tty_jobctrl.c: controlling terminals and job control --- */
bool tty_is_ctty(struct tty *tty);
/*
 * A process touching its controlling terminal from a background group
 * gets sig (SIGTTIN for reads; SIGTTOU for settings, and for writes when
 * TOSTOP is set): 0 to go on, -ERESTARTSYS once the signal is sent, -EIO
 * when it cannot be (an orphaned group; SIGTTIN ignored or blocked).
 */
int tty_check_change(struct tty *tty, int sig);
/* Sends sig to the terminal's foreground process group. */
void tty_signal_pgrp(struct tty *tty, int sig);
/* An open without O_NOCTTY by a session leader without a terminal. */
void tty_open_ctty(struct tty *tty, struct file *f);
/* TIOCSCTTY, TIOCNOTTY, TIOCGPGRP, TIOCSPGRP, TIOCGSID; TTY_NOIOCTL for others. */
long tty_jobctrl_ioctl(struct tty *tty, struct file *f, unsigned cmd, u64 arg, bool master);
/* Hangup: the session leader gets SIGHUP and SIGCONT, the session loses
 * its terminal. */
void tty_hangup_session(struct tty *tty);

#endif
