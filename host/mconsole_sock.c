/*
 * Host side of the management console: the umid directory with its pid
 * file and the datagram socket uml_mconsole talks to. All of it is removed
 * when the kernel exits, however it exits (atexit, and the signal paths
 * end in host_exit).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "host.h"

static char dir_path[4096], sock_path[4096], pid_path[4096];
/* The pid file, write-locked while we run: the lock is our claim on the umid. */
static int pid_fd = -1;

static void cleanup(void);

/* Removes the socket, pid file and directory now (before a restart). */
void host_mconsole_close(void)
{
	cleanup();
}

static void cleanup(void)
{
	host_mconsole_tx_flush();
	if (sock_path[0])
		unlink(sock_path);
	if (pid_path[0])
		unlink(pid_path);
	if (dir_path[0])
		rmdir(dir_path);
	if (pid_fd >= 0)
		close(pid_fd);
	pid_fd = -1;
}

/*
 * Is the instance that wrote this pid file still running? Read through
 * our own fd: opening and closing another one would drop our lock.
 */
static bool alive(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	int pid;

	if (n <= 0)
		return false;
	buf[n] = 0;
	pid = atoi(buf);
	/* Our own pid: we were restarted in place (reboot) and own it. */
	if (pid == getpid())
		return false;
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

int host_mconsole_open(const char *uml_dir, const char *umid, char *path, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char base[2048];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char pid_text[24];
	int fd, n, tries;

	if (uml_dir && *uml_dir) {
		snprintf(base, sizeof(base), "%s", uml_dir);
	} else {
		const char *home = getenv("HOME");

		snprintf(base, sizeof(base), "%s/.uml", home && *home ? home : "/tmp");
	}
	if (mkdir(base, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (strlen(base) + strlen(umid) + 16 >= sizeof(dir_path))
		return -ENAMETOOLONG;
	strcpy(dir_path, base);
	strcat(dir_path, "/");
	strcat(dir_path, umid);
	strcpy(pid_path, dir_path);
	strcat(pid_path, "/pid");
	strcpy(sock_path, dir_path);
	strcat(sock_path, "/mconsole");
	/*
	 * Taking the lock claims the umid, so of machines started at once with
	 * one umid only one goes on. A host that cannot lock (ENOLCK) goes by
	 * the pid alone, as does a pid file that a live machine which does not
	 * lock (UML) wrote. The file locked must still be the one in the
	 * directory: a machine that is stopping removes both.
	 */
	for (tries = 0;; tries++) {
		struct stat locked, named;

		if (tries == 5) {
			errno = EAGAIN;
			goto fail_not_ours;
		}
		if (mkdir(dir_path, 0700) < 0 && errno != EEXIST)
			goto fail_not_ours;
		pid_fd = open(pid_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (pid_fd < 0) {
			if (errno == ENOENT)
				continue;
			goto fail_not_ours;
		}
		if ((fcntl(pid_fd, F_SETLK, &fl) < 0 && (errno == EACCES || errno == EAGAIN)) ||
		    alive(pid_fd)) {
			close(pid_fd);
			pid_fd = -1;
			dir_path[0] = sock_path[0] = pid_path[0] = 0;
			return -EEXIST;
		}
		if (fstat(pid_fd, &locked) == 0 && stat(pid_path, &named) == 0 &&
		    locked.st_dev == named.st_dev && locked.st_ino == named.st_ino)
			break;
		close(pid_fd);
		pid_fd = -1;
	}
	/* A stale directory left by a killed instance: reuse it. */
	unlink(sock_path);
	atexit(cleanup);
	if (strlen(sock_path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	strcpy(sa.sun_path, sock_path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		goto fail;
	}
	n = snprintf(pid_text, sizeof(pid_text), "%d\n", getpid());
	if (ftruncate(pid_fd, 0) < 0 || pwrite(pid_fd, pid_text, (size_t)n, 0) != n) {
		close(fd);
		goto fail;
	}
	snprintf(path, len, "%s", sock_path);
	return fd;
fail:
	{
		int e = errno;

		cleanup();
		dir_path[0] = sock_path[0] = pid_path[0] = 0;
		return -e;
	}
fail_not_ours:
	{
		int e = errno;

		dir_path[0] = sock_path[0] = pid_path[0] = 0;
		return -e;
	}
}

ssize_t host_mconsole_recv(int fd, void *buf, size_t len, void *from, u32 *fromlen)
{
	socklen_t fl = *fromlen;
	ssize_t r = recvfrom(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)from, &fl);

	if (r < 0)
		return -errno;
	*fromlen = fl;
	return r;
}

/* The notify socket (mconsole=notify:<path>): one datagram per event. */
static int notify_fd = -1;
static struct sockaddr_un notify_addr;

int host_notify_open(const char *path)
{
	if (strlen(path) >= sizeof(notify_addr.sun_path))
		return -ENAMETOOLONG;
	notify_addr.sun_family = AF_UNIX;
	strcpy(notify_addr.sun_path, path);
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return notify_fd < 0 ? -errno : 0;
}

int host_notify_send(const void *buf, size_t len)
{
	if (notify_fd < 0)
		return -ENOTCONN;
	if (sendto(notify_fd, buf, len, 0, (struct sockaddr *)&notify_addr,
		   sizeof(notify_addr)) < 0)
		return -errno;
	return 0;
}
