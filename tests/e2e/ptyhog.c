/*
 * ptyhog: a guest program that opens pseudo-terminals until the kernel
 * refuses, from several processes at once (one process alone would stop
 * at its file limit), then lets them all go and checks that a new pty
 * still works. Usage: ptyhog [PROCS]. Prints
 *   ptyhog: opened N, refused with ERRNO, nr N
 *   ptyhog: after release: nr 0, a new pty works
 * or what went wrong instead. With /proc/sys/kernel/pty/max lowered
 * first, N is that limit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int read_nr(void)
{
	char buf[32] = "";
	int fd = open("/proc/sys/kernel/pty/nr", O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof buf - 1) <= 0)
		return -1;
	close(fd);
	return atoi(buf);
}

/* One hog: opens masters until an error, reports "count errno", waits. */
static void hog(int report, int release)
{
	int n = 0, err = 0;
	char line[64], c;

	for (;;) {
		int m = open("/dev/ptmx", O_RDWR | O_NOCTTY);

		if (m < 0) {
			err = errno;
			break;
		}
		n++;
	}
	snprintf(line, sizeof line, "%d %d\n", n, err);
	if (write(report, line, strlen(line)) < 0)
		_exit(1);
	/* Hold them until the parent says so. */
	if (read(release, &c, 1) < 0)
		_exit(1);
	_exit(0);
}

int main(int argc, char **argv)
{
	int procs = argc > 1 ? atoi(argv[1]) : 8, total = 0, emfile = 0, other = 0;
	int rep[2], rel[2], refused = 0;
	pid_t *kids = calloc((size_t)procs, sizeof(*kids));

	if (!kids || pipe(rep) < 0 || pipe(rel) < 0)
		return 1;
	for (int i = 0; i < procs; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			close(rep[0]);
			close(rel[1]);
			hog(rep[1], rel[0]);
		}
	}
	close(rep[1]);
	close(rel[0]);
	FILE *f = fdopen(rep[0], "r");
	for (int i = 0; i < procs; i++) {
		int n, e;

		if (!f || fscanf(f, "%d %d", &n, &e) != 2)
			break;
		total += n;
		if (e == EMFILE)
			emfile++;
		else if (e == ENOSPC)
			refused = ENOSPC;
		else
			other = e;
	}
	int nr = read_nr();
	if (other)
		printf("ptyhog: opened %d, refused with %s\n", total, strerrorname_np(other));
	else if (refused)
		printf("ptyhog: opened %d, refused with ENOSPC, nr %d\n", total, nr);
	else
		printf("ptyhog: opened %d, never refused (%d hit their file limit)\n", total,
		       emfile);
	fflush(stdout);

	close(rel[1]); /* every hog's read returns: they exit */
	for (int i = 0; i < procs; i++)
		waitpid(kids[i], NULL, 0);

	/* A new pty must work: a line through it and back. */
	int m = posix_openpt(O_RDWR | O_NOCTTY), s = -1;
	char buf[64] = "";
	ssize_t r = -1;
	if (m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0)
		s = open(ptsname(m), O_RDWR | O_NOCTTY);
	if (s >= 0 && write(m, "ping\n", 5) == 5) {
		struct pollfd p = {s, POLLIN, 0};
		if (poll(&p, 1, 5000) == 1)
			r = read(s, buf, sizeof buf - 1);
	}
	if (r == 5 && !strcmp(buf, "ping\n"))
		printf("ptyhog: after release: nr %d, a new pty works\n", read_nr() - 1);
	else
		printf("ptyhog: after release: a new pty fails (%s)\n", strerrorname_np(errno));
	return 0;
}
