/*
 * ptyexpect: runs a command on a new pseudo-terminal and drives it from a
 * script, for the end-to-end console tests.
 *
 *   ptyexpect [-v] [-l LOG] [-t SECONDS] SCRIPT -- COMMAND [ARG]...
 *
 * SCRIPT is a file ("-" for stdin) with one step a line:
 *
 *   expect TIMEOUT TEXT      wait until TEXT appears in the output produced
 *                            since the previous match (plain substring)
 *   send TEXT                write TEXT to the terminal, as if typed
 *   sleep SECONDS            wait, still collecting output
 *   expect_exit TIMEOUT STATUS
 *                            wait for COMMAND to exit; STATUS is an exit
 *                            code (0-255), a signal name (SIGSEGV, SEGV) or
 *                            "any"
 *   # comment                (and blank lines) ignored
 *
 * TIMEOUT and SECONDS are seconds (fractions allowed); a TIMEOUT of "-"
 * means the default (-t, 10 s). TEXT is the rest of the line as written,
 * or, when it starts with a double quote, the text up to the closing
 * quote (for leading or trailing spaces: expect 30 " # "). Escapes in TEXT:
 * \r \n \t \e (ESC) \a \b \\ \" and \xNN (hex byte), e.g. "send \x03"
 * types ^C and "send \x1a" types ^Z.
 *
 * The terminal is 80x24 and starts in the default (cooked) mode; COMMAND
 * runs as a session leader with the terminal as its controlling tty. All
 * output is appended to LOG. On a failed step ptyexpect prints why, with
 * the last 2000 bytes of output, kills COMMAND's process group and exits
 * 1; a usage or script error exits 2. When the script ends, a COMMAND
 * still running is killed and ptyexpect exits 0. It never waits longer
 * than the timeouts: every wait goes through poll().
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define TAIL_BYTES 2000
#define SLICE_MS 50

enum op { OP_EXPECT, OP_SEND, OP_SLEEP, OP_EXPECT_EXIT };

struct step {
	enum op op;
	int line;
	double secs;		/* timeout or sleep length */
	unsigned char *text;	/* decoded TEXT (expect, send) */
	size_t len;
	const char *src;	/* the line as written, for messages */
	int want_kind;		/* expect_exit: 'e'xit code, 's'ignal, 'a'ny */
	int want;
};

static struct {
	const char *script;
	double default_timeout;
	int verbose;
	int logfd;
	int master;
	pid_t child;
	int exited;	/* the child is a zombie: status below */
	int exit_code;	/* CLD_EXITED: code; else -1 */
	int exit_sig;	/* killed by this signal; else 0 */
	unsigned char *out;	/* output kept so far */
	size_t len, cap;
	size_t mark;		/* searches start here (end of the last match) */
	size_t scanned;		/* no match ends before this offset */
	const struct step *cur;
} S = { .default_timeout = 10, .logfd = -1, .master = -1, .child = -1 };

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct {
	int sig;
	const char *name;
} signames[] = {
	{ SIGHUP, "HUP" },   { SIGINT, "INT" },   { SIGQUIT, "QUIT" },
	{ SIGILL, "ILL" },   { SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" },
	{ SIGBUS, "BUS" },   { SIGFPE, "FPE" },   { SIGKILL, "KILL" },
	{ SIGUSR1, "USR1" }, { SIGSEGV, "SEGV" }, { SIGUSR2, "USR2" },
	{ SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" }, { SIGTERM, "TERM" },
	{ SIGSYS, "SYS" },   { SIGXCPU, "XCPU" }, { SIGXFSZ, "XFSZ" },
};

static const char *signame(int sig)
{
	for (size_t i = 0; i < sizeof(signames) / sizeof(signames[0]); i++)
		if (signames[i].sig == sig)
			return signames[i].name;
	return "?";
}

static void describe_exit(char *buf, size_t size)
{
	if (S.exit_sig)
		snprintf(buf, size, "was killed by signal %d (SIG%s)", S.exit_sig,
			 signame(S.exit_sig));
	else
		snprintf(buf, size, "exited with status %d", S.exit_code);
}

/* Writes the bytes so that control characters are visible. */
static void put_escaped(FILE *f, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c == '\r' && i + 1 < n && p[i + 1] == '\n')
			continue;
		if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f))
			fputc(c, f);
		else if (c == '\r')
			fputs("\\r", f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

static void kill_child(void)
{
	if (S.child <= 0)
		return;
	/*
	 * The child leads its own session and process group. While it is
	 * not reaped its pid cannot be reused, so signalling the group is
	 * safe even after it exited.
	 */
	kill(-S.child, SIGKILL);
	kill(S.child, SIGKILL);
	while (waitpid(S.child, NULL, 0) < 0 && errno == EINTR)
		;
	S.child = -1;
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	size_t start = S.len > TAIL_BYTES ? S.len - TAIL_BYTES : 0;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fflush(stdout);
	if (S.cur)
		fprintf(stderr, "ptyexpect: %s:%d: %s\n", S.script, S.cur->line, msg);
	else
		fprintf(stderr, "ptyexpect: %s\n", msg);
	if (S.cur)
		fprintf(stderr, "ptyexpect: the step was: %s\n", S.cur->src);
	fprintf(stderr, "--- last %zu bytes of output ---\n", S.len - start);
	if (S.mark > start) {
		put_escaped(stderr, S.out + start, S.mark - start);
		fputs("[ptyexpect: the last match ended here]", stderr);
		put_escaped(stderr, S.out + S.mark, S.len - S.mark);
	} else {
		put_escaped(stderr, S.out + start, S.len - start);
	}
	fputs("\n--- end of output ---\n", stderr);
	if (S.logfd >= 0) {
		char line[1200];
		int n = snprintf(line, sizeof(line), "\n\n=== ptyexpect: %s:%d: %s\n",
				 S.script, S.cur ? S.cur->line : 0, msg);

		if (n > 0) {
			size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
			ssize_t w = write(S.logfd, line, len);

			(void)w; /* a log that cannot be written changes nothing */
		}
	}
	kill_child();
	exit(1);
}

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ptyexpect: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void out_of_memory(void) __attribute__((noreturn));

static void out_of_memory(void)
{
	fputs("ptyexpect: out of memory\n", stderr);
	kill_child();
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		out_of_memory();
	return p;
}

/* --- the child's output ------------------------------------------------ */

/* Forgets the first drop bytes of output. */
static void drop_output(size_t drop)
{
	memmove(S.out, S.out + drop, S.len - drop);
	S.len -= drop;
	S.mark = S.mark > drop ? S.mark - drop : 0;
	S.scanned = S.scanned > drop ? S.scanned - drop : 0;
}

static void keep_output(const unsigned char *p, size_t n)
{
	/*
	 * Bound the memory: keep 8 KiB of context before the search mark,
	 * and at most the last 1 MiB when a flood of output matches nothing.
	 */
	if (S.mark > 256 * 1024)
		drop_output(S.mark - 8192);
	if (S.len > 8 * 1024 * 1024)
		drop_output(S.len - 1024 * 1024);
	if (S.len + n > S.cap) {
		S.cap = (S.len + n) * 2 + 4096;
		S.out = xrealloc(S.out, S.cap);
	}
	memcpy(S.out + S.len, p, n);
	S.len += n;
	if (S.logfd >= 0) {
		size_t off = 0;

		while (off < n) {
			ssize_t w = write(S.logfd, p + off, n - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break; /* a full disk does not stop the test */
			off += (size_t)w;
		}
	}
}

/*
 * Reads the output that is available without blocking (at most 256 KiB,
 * so that a command printing without end cannot keep us here).
 */
static int read_output(void)
{
	unsigned char buf[4096];
	int got = 0;

	for (int i = 0; i < 64; i++) {
		ssize_t n = read(S.master, buf, sizeof(buf));

		if (n > 0) {
			keep_output(buf, (size_t)n);
			got = 1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		break; /* EAGAIN; EIO cannot happen while we hold the slave */
	}
	return got;
}

/*
 * After the child exited: the terminal passes what it wrote last to the
 * master a little later, so read until 100 ms pass with no output (at
 * most 2 s: its own children may still be writing).
 */
static void drain_output(void)
{
	double end = now() + 2.0;
	struct pollfd p = { .fd = S.master, .events = POLLIN };

	read_output();
	while (now() < end && poll(&p, 1, 100) > 0 && (p.revents & POLLIN))
		read_output();
}

/* Notices the child's exit, leaving it a zombie (see kill_child). */
static void check_child(void)
{
	siginfo_t si;

	if (S.exited || S.child <= 0)
		return;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)S.child, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
	    si.si_pid != S.child)
		return;
	S.exited = 1;
	if (si.si_code == CLD_EXITED) {
		S.exit_code = si.si_status;
		S.exit_sig = 0;
	} else {
		S.exit_code = -1;
		S.exit_sig = si.si_status;
	}
	drain_output();
}

static void check_signal(void)
{
	if (got_signal)
		fail("interrupted by signal %d (SIG%s)", (int)got_signal,
		     signame((int)got_signal));
}

/* Waits up to ms for output (or for room to write, if want_out) */
static int pump(int ms, int want_out)
{
	struct pollfd p = { .fd = S.master, .events = POLLIN };
	int writable = 0;

	check_signal();
	if (want_out)
		p.events |= POLLOUT;
	if (poll(&p, 1, ms) > 0) {
		if (p.revents & POLLIN)
			read_output();
		writable = !!(p.revents & POLLOUT);
	}
	check_signal();
	check_child();
	return writable;
}

static int slice(double deadline)
{
	double left = (deadline - now()) * 1000.0;

	if (left <= 0)
		return 0;
	return left < SLICE_MS ? (int)left + 1 : SLICE_MS;
}

static int find_text(const unsigned char *t, size_t n)
{
	size_t from = S.scanned > S.mark + n ? S.scanned - n : S.mark;
	unsigned char *hit;

	if (S.len < from + n) {
		return 0;
	}
	hit = memmem(S.out + from, S.len - from, t, n);
	if (!hit) {
		S.scanned = S.len;
		return 0;
	}
	S.mark = (size_t)(hit - S.out) + n;
	S.scanned = S.mark;
	return 1;
}

/* --- the steps ----------------------------------------------------------- */

static void quote_text(char *buf, size_t size, const unsigned char *t, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < size; i++) {
		unsigned char c = t[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
			buf[o++] = (char)c;
		else if (c == '\n')
			o += (size_t)snprintf(buf + o, size - o, "\\n");
		else if (c == '\r')
			o += (size_t)snprintf(buf + o, size - o, "\\r");
		else if (c == '\\' || c == '"')
			o += (size_t)snprintf(buf + o, size - o, "\\%c", c);
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	buf[o] = 0;
}

static void do_expect(const struct step *s)
{
	double deadline = now() + s->secs;
	char q[512], how[128];

	for (;;) {
		if (find_text(s->text, s->len))
			return;
		quote_text(q, sizeof(q), s->text, s->len);
		if (S.exited) {
			describe_exit(how, sizeof(how));
			fail("the command %s while waiting for \"%s\"", how, q);
		}
		if (now() >= deadline)
			fail("timed out after %gs waiting for \"%s\"", s->secs, q);
		pump(slice(deadline), 0);
	}
}

static void do_send(const struct step *s)
{
	double deadline = now() + S.default_timeout;
	size_t off = 0;
	char how[128];

	check_child();
	if (S.exited) {
		describe_exit(how, sizeof(how));
		fail("cannot send: the command %s", how);
	}
	while (off < s->len) {
		ssize_t n = write(S.master, s->text + off, s->len - off);

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			fail("write to the terminal: %s", strerror(errno));
		if (now() >= deadline)
			fail("the terminal accepted no input for %gs "
			     "(the command does not read it)", S.default_timeout);
		pump(slice(deadline), 1);
		if (S.exited) {
			describe_exit(how, sizeof(how));
			fail("the command %s while input was being sent", how);
		}
	}
}

static void do_sleep(const struct step *s)
{
	double deadline = now() + s->secs;

	while (now() < deadline)
		pump(slice(deadline), 0);
}

static void do_expect_exit(const struct step *s)
{
	double deadline = now() + s->secs;
	char how[128];
	int ok;

	while (!S.exited) {
		if (now() >= deadline)
			fail("timed out after %gs waiting for the command to exit", s->secs);
		pump(slice(deadline), 0);
	}
	describe_exit(how, sizeof(how));
	switch (s->want_kind) {
	case 'e':
		ok = !S.exit_sig && S.exit_code == s->want;
		if (!ok)
			fail("the command %s, expected exit status %d", how, s->want);
		break;
	case 's':
		ok = S.exit_sig == s->want;
		if (!ok)
			fail("the command %s, expected it killed by SIG%s", how,
			     signame(s->want));
		break;
	default:
		break;
	}
}

/* --- the script ------------------------------------------------------------ */

static struct step *steps;
static size_t nsteps;

static void script_error(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void script_error(int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ptyexpect: %s:%d: ", S.script, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes TEXT from p (NUL-terminated line) into s->text/s->len: the rest
 * of the line, or a double-quoted string.
 */
static void parse_text(struct step *s, const char *p)
{
	int quoted = *p == '"';
	size_t n = 0;

	s->text = xrealloc(NULL, strlen(p) + 1);
	if (quoted)
		p++;
	for (;;) {
		int c = (unsigned char)*p++;

		if (c == 0) {
			if (quoted)
				script_error(s->line, "missing closing quote");
			break;
		}
		if (quoted && c == '"') {
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p)
				script_error(s->line, "text after the closing quote");
			break;
		}
		if (c == '\\') {
			c = (unsigned char)*p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'e': c = 0x1b; break;
			case 'a': c = '\a'; break;
			case 'b': c = '\b'; break;
			case '\\': case '"': break;
			case 'x': {
				int h = hexval((unsigned char)p[0]), l;

				if (h < 0)
					script_error(s->line, "\\x needs hex digits");
				p++;
				l = hexval((unsigned char)p[0]);
				if (l >= 0) {
					h = h * 16 + l;
					p++;
				}
				c = h;
				break;
			}
			case 0:
				script_error(s->line, "backslash at the end of the line");
			default:
				script_error(s->line, "unknown escape \\%c", c);
			}
		}
		s->text[n++] = (unsigned char)c;
	}
	s->len = n;
	if (n == 0)
		script_error(s->line, "empty text");
}

/* Cuts the next blank-separated word off *pp. */
static char *word(char **pp)
{
	char *p = *pp, *w;

	while (*p == ' ' || *p == '\t')
		p++;
	w = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	*pp = p;
	return w;
}

static double parse_secs(int line, const char *w, int allow_default)
{
	char *end;
	double v;

	if (allow_default && !strcmp(w, "-"))
		return S.default_timeout;
	errno = 0;
	v = strtod(w, &end);
	if (!*w || *end || errno || v < 0 || v > 86400)
		script_error(line, "bad number of seconds \"%s\"", w);
	return v;
}

static void parse_status(struct step *s, const char *w)
{
	char *end;
	long v;

	if (!strcmp(w, "any")) {
		s->want_kind = 'a';
		return;
	}
	if (!strncmp(w, "SIG", 3))
		w += 3;
	for (size_t i = 0; i < sizeof(signames) / sizeof(signames[0]); i++) {
		if (!strcmp(w, signames[i].name)) {
			s->want_kind = 's';
			s->want = signames[i].sig;
			return;
		}
	}
	v = strtol(w, &end, 10);
	if (!*w || *end || v < 0 || v > 255)
		script_error(s->line, "bad exit status \"%s\" (0-255, a signal name or any)", w);
	s->want_kind = 'e';
	s->want = (int)v;
}

static char *read_all(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		usage_error("cannot open script %s: %s", path, strerror(errno));
	do {
		if (cap - len < 4096) {
			cap = cap * 2 + 8192;
			buf = xrealloc(buf, cap + 1);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f))
		usage_error("cannot read script %s", path);
	if (f != stdin)
		fclose(f);
	buf[len] = 0;
	if (strlen(buf) != len)
		usage_error("script %s contains a NUL byte", path);
	return buf;
}

static void parse_script(char *text)
{
	int line = 0;
	char *next;

	for (char *l = text; l; l = next) {
		struct step s;
		char *p, *cmd;
		size_t n;

		line++;
		next = strchr(l, '\n');
		if (next)
			*next++ = 0;
		n = strlen(l);
		if (n && l[n - 1] == '\r')
			l[--n] = 0;
		p = l;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		memset(&s, 0, sizeof(s));
		s.line = line;
		s.src = strdup(p);
		if (!s.src)
			out_of_memory();
		cmd = word(&p);
		if (!strcmp(cmd, "expect")) {
			s.op = OP_EXPECT;
			s.secs = parse_secs(line, word(&p), 1);
			parse_text(&s, p);
		} else if (!strcmp(cmd, "send")) {
			s.op = OP_SEND;
			parse_text(&s, p);
		} else if (!strcmp(cmd, "sleep")) {
			s.op = OP_SLEEP;
			s.secs = parse_secs(line, word(&p), 0);
		} else if (!strcmp(cmd, "expect_exit")) {
			s.op = OP_EXPECT_EXIT;
			s.secs = parse_secs(line, word(&p), 1);
			parse_status(&s, word(&p));
		} else {
			script_error(line, "unknown step \"%s\"", cmd);
		}
		if ((s.op == OP_SLEEP || s.op == OP_EXPECT_EXIT) && *p)
			script_error(line, "unexpected \"%s\"", p);
		steps = xrealloc(steps, (nsteps + 1) * sizeof(*steps));
		steps[nsteps++] = s;
	}
}

/* --- the child ------------------------------------------------------------ */

static void start_child(char **argv)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	const char *name;
	int keep, fl;
	pid_t parent = getpid();

	S.master = posix_openpt(O_RDWR | O_NOCTTY);
	if (S.master < 0 || grantpt(S.master) < 0 || unlockpt(S.master) < 0)
		usage_error("cannot allocate a pseudo-terminal: %s", strerror(errno));
	name = ptsname(S.master);
	if (!name)
		usage_error("ptsname: %s", strerror(errno));
	ioctl(S.master, TIOCSWINSZ, &ws);
	/*
	 * Holding the slave open ourselves means the master never reads EOF
	 * or EIO (when no one has it open yet, or any more); the child's
	 * exit is seen with waitid instead.
	 */
	keep = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (keep < 0)
		usage_error("cannot open %s: %s", name, strerror(errno));
	fcntl(S.master, F_SETFD, FD_CLOEXEC);
	fl = fcntl(S.master, F_GETFL);
	fcntl(S.master, F_SETFL, fl | O_NONBLOCK);

	fflush(NULL);
	S.child = fork();
	if (S.child < 0)
		usage_error("fork: %s", strerror(errno));
	if (S.child == 0) {
		static const int sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE,
					    SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD };
		sigset_t none;
		int fd;

		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (setsid() < 0)
			_exit(126);
		/* Opening a tty as a session leader makes it the ctty. */
		fd = open(name, O_RDWR);
		if (fd < 0) {
			dprintf(keep, "ptyexpect: cannot open %s: %s\r\n", name, strerror(errno));
			_exit(126);
		}
		ioctl(fd, TIOCSCTTY, 0);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
		/* Do not outlive ptyexpect, even if it is SIGKILLed. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
		execvp(argv[0], argv);
		dprintf(2, "ptyexpect: cannot run %s: %s\r\n", argv[0], strerror(errno));
		_exit(127);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	char *script_text;
	int c;

	while ((c = getopt(argc, argv, "+l:t:v")) != -1) {
		switch (c) {
		case 'l':
			S.logfd = open(optarg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
			if (S.logfd < 0)
				usage_error("cannot open log %s: %s", optarg, strerror(errno));
			break;
		case 't': {
			char *end;

			S.default_timeout = strtod(optarg, &end);
			if (!*optarg || *end || !(S.default_timeout > 0))
				usage_error("bad -t %s (seconds)", optarg);
			break;
		}
		case 'v':
			S.verbose = 1;
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;
	S.script = argv[optind++];
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc)
		goto usage;

	script_text = read_all(S.script);
	parse_script(script_text);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);

	start_child(argv + optind);
	for (size_t i = 0; i < nsteps; i++) {
		const struct step *s = &steps[i];

		S.cur = s;
		if (S.verbose)
			fprintf(stderr, "ptyexpect: %s:%d: %s\n", S.script, s->line, s->src);
		switch (s->op) {
		case OP_EXPECT:
			do_expect(s);
			break;
		case OP_SEND:
			do_send(s);
			break;
		case OP_SLEEP:
			do_sleep(s);
			break;
		case OP_EXPECT_EXIT:
			do_expect_exit(s);
			break;
		}
	}
	S.cur = NULL;
	check_child();
	read_output();
	kill_child();
	for (size_t i = 0; i < nsteps; i++) {
		free(steps[i].text);
		free((char *)steps[i].src);
	}
	free(steps);
	free(script_text);
	free(S.out);
	return 0;

usage:
	fprintf(stderr, "usage: %s [-v] [-l LOG] [-t SECONDS] SCRIPT -- COMMAND [ARG]...\n",
		argv[0]);
	return 2;
}
