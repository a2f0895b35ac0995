/*
 * Controlling terminals and job control: which session a terminal
 * controls, its foreground process group, the signals background groups
 * get for touching it, and what happens when a session ends or its
 * terminal hangs up.
 *
 * Invariant: a process's signal->tty is a terminal that controls the
 * process's session. Whatever takes a terminal from a session clears it
 * in all of the session's processes (session_clear_tty), so a driver can
 * free a tty that no file has open any more (see tty_forget).
 */
#include <asm/ioctls.h>
#include <asm/signal.h>
#include <asm/siginfo.h>
#include <linux/fcntl.h>

#include "kerrno.h"
#include "mm.h"
#include "syscall.h"
#include "tty_priv.h"

bool tty_is_ctty(struct tty *tty)
{
	return current->signal->tty == tty;
}

static bool is_session_leader(struct task *t)
{
	return t->signal->sid == t->tgid;
}

static bool pgrp_orphaned_tty(int pgid)
{
	struct task *t;

	list_for_each_entry(t, &all_tasks, all_node)
	{
		if (t->group_leader != t || !t->signal || t->signal->pgid != pgid)
			continue;
		if (t->parent && t->parent->signal && t->parent->signal->pgid != pgid &&
		    t->parent->signal->sid == t->signal->sid)
			return false;
	}
	return true;
}

int tty_check_change(struct tty *tty, int sig)
{
	int pgrp = current->signal->pgid;
	struct ksiginfo info = {.signo = sig, .code = SI_KERNEL};

	if (!tty_is_ctty(tty) || tty->pgrp == 0 || pgrp == tty->pgrp)
		return 0;
	if (sig_ignored(current, sig) || (current->blocked & sigbit(sig)))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_orphaned_tty(pgrp))
		return -EIO;
	kill_pgrp(pgrp, sig, &info);
	return -ERESTARTSYS;
}

void tty_signal_pgrp(struct tty *tty, int sig)
{
	struct ksiginfo info = {.signo = sig, .code = SI_KERNEL};

	if (tty->pgrp > 0)
		kill_pgrp(tty->pgrp, sig, &info);
}

/* Every process of session sid forgets its controlling terminal. */
static void session_clear_tty(int sid)
{
	struct task *t;

	list_for_each_entry(t, &all_tasks, all_node) if (t->group_leader == t && t->signal &&
							 t->signal->sid == sid) t->signal->tty =
		NULL;
}

void tty_forget(struct tty *tty)
{
	struct task *t;

	list_for_each_entry(t, &all_tasks, all_node) if (t->signal && t->signal->tty == tty)
		t->signal->tty = NULL;
}

/* tty becomes the controlling terminal of leader's session. */
static void set_ctty(struct tty *tty, struct task *leader)
{
	leader->signal->tty = tty;
	leader->signal->tty_old_pgrp = 0;
	tty->session = leader->signal->sid;
	tty->pgrp = leader->signal->pgid;
}

void tty_open_ctty(struct tty *tty, struct file *f)
{
	/* As Linux: only an open for reading makes a controlling terminal. */
	if (!(f->flags & O_NOCTTY) && current && is_session_leader(current) &&
	    !current->signal->tty && !tty->session && !tty->hung_up && (f->mode & FMODE_READ))
		set_ctty(tty, current->group_leader);
}

static long tiocsctty(struct tty *tty, struct file *f, u64 arg)
{
	int sid = current->signal->sid;

	if (is_session_leader(current) && tty->session == sid)
		return 0;
	if (!is_session_leader(current) || current->signal->tty)
		return -EPERM;
	if (tty->session) {
		/* Stealing another session's terminal takes root and arg 1. */
		if (!(arg == 1 && current->euid == 0))
			return -EPERM;
		session_clear_tty(tty->session);
	}
	if (!(f->mode & FMODE_READ) && current->euid != 0)
		return -EPERM;
	set_ctty(tty, current->group_leader);
	return 0;
}

static long tiocnotty(struct tty *tty)
{
	if (!tty_is_ctty(tty))
		return -ENOTTY;
	if (is_session_leader(current)) {
		tty_signal_pgrp(tty, SIGHUP);
		tty_signal_pgrp(tty, SIGCONT);
		session_clear_tty(tty->session);
		tty->session = 0;
		tty->pgrp = 0;
	}
	current->signal->tty = NULL;
	return 0;
}

static long tiocspgrp(struct tty *tty, u64 arg)
{
	struct task *t;
	bool found = false;
	long rc;
	int pg;

	rc = tty_check_change(tty, SIGTTOU);
	if (rc < 0)
		return rc == -EIO ? -ENOTTY : rc;
	if (!tty_is_ctty(tty) || current->signal->sid != tty->session)
		return -ENOTTY;
	if (copy_from_user(&pg, arg, sizeof(pg)) < 0)
		return -EFAULT;
	if (pg < 0)
		return -EINVAL;
	list_for_each_entry(t, &all_tasks, all_node) if (t->signal && t->signal->pgid == pg &&
							 t->signal->sid == current->signal->sid)
		found = true;
	if (!found)
		return -EPERM;
	tty->pgrp = pg;
	return 0;
}

long tty_jobctrl_ioctl(struct tty *tty, struct file *f, unsigned cmd, u64 arg, bool master)
{
	int v;

	switch (cmd) {
	case TIOCSCTTY:
		return tiocsctty(tty, f, arg);
	case TIOCNOTTY:
		/* A master is nobody's controlling terminal. */
		return master ? -ENOTTY : tiocnotty(tty);
	case TIOCGPGRP:
		/* Through the master, anyone may ask. */
		if (!master && !tty_is_ctty(tty))
			return -ENOTTY;
		v = tty->pgrp;
		return copy_to_user(arg, &v, sizeof(v));
	case TIOCSPGRP:
		return tiocspgrp(tty, arg);
	case TIOCGSID:
		if ((!master && !tty_is_ctty(tty)) || !tty->session)
			return -ENOTTY;
		v = tty->session;
		return copy_to_user(arg, &v, sizeof(v));
	default:
		return TTY_NOIOCTL;
	}
}

void tty_hangup_session(struct tty *tty)
{
	int sid = tty->session, pgrp = tty->pgrp;
	struct task *t;

	if (sid) {
		list_for_each_entry(t, &all_tasks, all_node)
		{
			if (t->group_leader != t || !t->signal || t->signal->sid != sid)
				continue;
			if (t->signal->tty == tty)
				t->signal->tty = NULL;
			if (!is_session_leader(t))
				continue;
			send_sig(SIGHUP, t, true);
			send_sig(SIGCONT, t, true);
			/* Its foreground job hangs up when it exits. */
			t->signal->tty_old_pgrp = pgrp;
		}
	}
	tty->session = 0;
	tty->pgrp = 0;
}

/*
 * The session leader left: its terminal is free. The foreground group
 * gets SIGHUP (and SIGCONT on the console, as it always has here); a
 * leader whose terminal hung up earlier hangs up that terminal's last
 * foreground group instead.
 */
void tty_session_leader_exit(struct task *t)
{
	struct tty *tty = t->signal->tty;
	struct ksiginfo info = {.code = SI_KERNEL};
	int old = t->signal->tty_old_pgrp;

	if (!tty) {
		t->signal->tty_old_pgrp = 0;
		if (old > 0) {
			info.signo = SIGHUP;
			kill_pgrp(old, SIGHUP, &info);
			info.signo = SIGCONT;
			kill_pgrp(old, SIGCONT, &info);
		}
		return;
	}
	if (tty->session != t->signal->sid)
		return;
	if (tty->pgrp > 0) {
		tty_signal_pgrp(tty, SIGHUP);
		if (!tty->is_pty)
			tty_signal_pgrp(tty, SIGCONT);
	}
	session_clear_tty(tty->session);
	tty->session = 0;
	tty->pgrp = 0;
}
