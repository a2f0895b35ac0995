/*
 * t_inotify: the events tail -f, getty, editors and build tools watch for:
 * create/open/modify/close in a watched directory (with names, and two
 * unread identical events merged), reads, attribute changes, truncation,
 * renames (a cookie pairing from and to), unlink and rmdir of watched
 * inodes (IN_DELETE_SELF then IN_IGNORED), links, IN_ONESHOT, watch
 * updates (same wd, IN_MASK_ADD, IN_MASK_CREATE), rm_watch, FIONREAD,
 * poll, a blocking read, and the errnos of bad requests.
 */
#include "tg.h"

#include <sys/inotify.h>
#include <sys/ioctl.h>

#ifndef IN_MASK_CREATE
#define IN_MASK_CREATE 0x10000000
#endif

static int wds[8];
static const char *wd_names[8];
static int nwds;

static void name_wd(int wd, const char *name)
{
	wds[nwds] = wd;
	wd_names[nwds++] = name;
}

static const char *wd_name(int wd)
{
	for (int i = 0; i < nwds; i++)
		if (wds[i] == wd)
			return wd_names[i];
	return wd == -1 ? "-1" : "?";
}

static void mask_str(uint32_t m, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
		{IN_ACCESS, "ACCESS"},
		{IN_MODIFY, "MODIFY"},
		{IN_ATTRIB, "ATTRIB"},
		{IN_CLOSE_WRITE, "CLOSE_WRITE"},
		{IN_CLOSE_NOWRITE, "CLOSE_NOWRITE"},
		{IN_OPEN, "OPEN"},
		{IN_MOVED_FROM, "MOVED_FROM"},
		{IN_MOVED_TO, "MOVED_TO"},
		{IN_CREATE, "CREATE"},
		{IN_DELETE, "DELETE"},
		{IN_DELETE_SELF, "DELETE_SELF"},
		{IN_MOVE_SELF, "MOVE_SELF"},
		{IN_UNMOUNT, "UNMOUNT"},
		{IN_Q_OVERFLOW, "Q_OVERFLOW"},
		{IN_IGNORED, "IGNORED"},
		{IN_ISDIR, "ISDIR"},
	};
	size_t pos = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if (m & bits[i].bit)
			pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", pos ? "|" : "",
						bits[i].name);
	if (!pos)
		snprintf(buf, len, "0x%x", m);
}

/* Reads and prints every queued event; cookies print as "c1", "c2"... in
 * order of appearance, so pairs show without their values. */
static void drain(int fd, const char *what)
{
	static uint32_t cookies[16];
	static int ncookies;
	char buf[8192] __attribute__((aligned(8)));
	ssize_t n = read(fd, buf, sizeof buf);

	out("%s:\n", what);
	if (n < 0) {
		out("  read: %s\n", ename(errno));
		return;
	}
	for (char *p = buf; p < buf + n;) {
		struct inotify_event *e = (struct inotify_event *)p;
		char m[128], c[16] = "";

		mask_str(e->mask, m, sizeof m);
		if (e->cookie) {
			int k;

			for (k = 0; k < ncookies && cookies[k] != e->cookie; k++)
				;
			if (k == ncookies && ncookies < 16)
				cookies[ncookies++] = e->cookie;
			snprintf(c, sizeof c, " c%d", k + 1);
		}
		out("  %s %s%s%s%s len%%16=%u\n", wd_name(e->wd), m, e->len ? " " : "",
		    e->len ? e->name : "", c, e->len % 16);
		p += sizeof *e + e->len;
	}
}

int main(void)
{
	const char *tmp = mk_tmpdir("t_inotify");
	char dir[512], f[600], g[600], sub[600], lnk[600], hard[600];
	char buf[64];
	int fd, in, wd, n;

	snprintf(dir, sizeof dir, "%s/w", tmp);
	snprintf(f, sizeof f, "%s/f", dir);
	snprintf(g, sizeof g, "%s/g", dir);
	snprintf(sub, sizeof sub, "%s/sub", dir);
	snprintf(lnk, sizeof lnk, "%s/l", dir);
	snprintf(hard, sizeof hard, "%s/h", dir);
	mkdir(dir, 0755);

	in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	out("inotify_init1: %s\n", er(in));
	wd = inotify_add_watch(in, dir, IN_ALL_EVENTS);
	name_wd(wd, "dir");
	out("add_watch dir: %s\n", er(wd));
	out("nothing yet: %s\n", er(read(in, buf, sizeof buf)));

	fd = open(f, O_CREAT | O_WRONLY, 0644);
	write(fd, "abc", 3);
	write(fd, "def", 3);
	close(fd);
	ioctl(in, FIONREAD, &n);
	out("FIONREAD: %d\n", n);
	drain(in, "create, two writes, close");

	fd = open(f, O_RDONLY);
	read(fd, buf, 2);
	read(fd, buf, 2);
	close(fd);
	drain(in, "open, reads, close");

	chmod(f, 0600);
	truncate(f, 1);
	fd = open(f, O_WRONLY | O_TRUNC);
	close(fd);
	drain(in, "chmod, truncate, O_TRUNC");

	mkdir(sub, 0755);
	symlink("f", lnk);
	link(f, hard);
	drain(in, "mkdir, symlink, link");

	int wf = inotify_add_watch(in, f, IN_ALL_EVENTS);
	name_wd(wf, "f");
	int ws = inotify_add_watch(in, sub, IN_ALL_EVENTS);
	name_wd(ws, "sub");
	out("same path, same wd: %s\n", yesno(inotify_add_watch(in, f, IN_ALL_EVENTS) == wf));
	rename(f, g);
	drain(in, "rename f to g");
	unlink(hard);
	drain(in, "unlink a second link");
	unlink(g);
	drain(in, "unlink the last link");
	rmdir(sub);
	drain(in, "rmdir a watched directory");
	unlink(lnk);
	drain(in, "unlink the symlink");

	/* IN_ONESHOT: one event, then the watch goes. */
	fd = open(f, O_CREAT | O_WRONLY, 0644);
	int wo = inotify_add_watch(in, f, IN_MODIFY | IN_ONESHOT);
	name_wd(wo, "oneshot");
	inotify_rm_watch(in, wd);
	write(fd, "1", 1);
	write(fd, "2", 1);
	close(fd);
	drain(in, "oneshot, dir watch removed");

	/* Updating a watch's mask. */
	wd = inotify_add_watch(in, f, IN_ATTRIB);
	name_wd(wd, "f2");
	out("IN_MASK_ADD keeps the wd: %s\n",
	    yesno(inotify_add_watch(in, f, IN_CLOSE_WRITE | IN_MASK_ADD) == wd));
	out("IN_MASK_CREATE on a watched file: %s\n",
	    er(inotify_add_watch(in, f, IN_OPEN | IN_MASK_CREATE)));
	chmod(f, 0644);
	fd = open(f, O_WRONLY);
	close(fd);
	drain(in, "attrib and close-write only");
	out("rm_watch: %s\n", er(inotify_rm_watch(in, wd)));
	out("rm_watch again: %s\n", er(inotify_rm_watch(in, wd)));
	drain(in, "after rm_watch");

	/* A read buffer too small for the next event. */
	wd = inotify_add_watch(in, dir, IN_CREATE);
	name_wd(wd, "dir2");
	close(open(g, O_CREAT | O_WRONLY, 0644));
	out("read into 8 bytes: %s\n", er(read(in, buf, 8)));
	drain(in, "then the event");

	/* A blocking read sleeps until another process makes a file. */
	int bl = inotify_init();
	int bw = inotify_add_watch(bl, dir, IN_CREATE);
	name_wd(bw, "blocking");
	pid_t kid = fork();
	if (kid == 0) {
		usleep(50000);
		close(open(hard, O_CREAT | O_WRONLY, 0644));
		_exit(0);
	}
	struct pollfd pfd = {.fd = bl, .events = POLLIN};
	out("poll before: %d\n", poll(&pfd, 1, 0));
	drain(bl, "blocking read");
	waitpid(kid, NULL, 0);
	char link[64], target[64] = "";
	snprintf(link, sizeof link, "/proc/self/fd/%d", bl);
	ssize_t l = readlink(link, target, sizeof target - 1);
	if (l > 0)
		target[l] = 0;
	out("/proc link: %s\n", target);
	close(bl);

	out("mask without events: %s\n", er(inotify_add_watch(in, dir, IN_ONESHOT)));
	out("missing path: %s\n", er(inotify_add_watch(in, "/nonexistent/x", IN_ALL_EVENTS)));
	out("IN_ONLYDIR on a file: %s\n", er(inotify_add_watch(in, g, IN_ALL_EVENTS | IN_ONLYDIR)));
	out("bad fd: %s\n", er(inotify_add_watch(999, dir, IN_ALL_EVENTS)));
	out("not an inotify fd: %s\n", er(inotify_add_watch(1, dir, IN_ALL_EVENTS)));
	out("IN_MASK_ADD with IN_MASK_CREATE: %s\n",
	    er(inotify_add_watch(in, dir, IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE)));
	out("init1 bad flags: %s\n", er(inotify_init1(1)));
	out("rm_watch bad fd: %s\n", er(inotify_rm_watch(999, 1)));
	close(in);
	unlink(g);
	unlink(f);
	unlink(hard);
	rmdir(dir);
	tg_cleanup();
	tg_exit();
}
