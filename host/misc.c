/* Small host services: exit, time, randomness, environment. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

void host_exit(int status)
{
	host_tty_restore();
	exit(status);
}

int host_getpid(void)
{
	return getpid();
}

const char *host_getenv(const char *name)
{
	return getenv(name);
}

u64 host_clock_ns(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

int host_getrandom(void *buf, size_t n)
{
	char *p = buf;

	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

void host_uname_release(char *buf, size_t n)
{
	struct utsname u;

	if (uname(&u) < 0)
		u.release[0] = 0;
	strncpy(buf, u.release, n - 1);
	buf[n - 1] = 0;
}

void host_reexec(char **argv)
{
	struct itimerval off;

	host_tty_restore();
	/* Interval timers survive execve: the new kernel would die of SIGALRM
	 * before installing its handler. */
	memset(&off, 0, sizeof(off));
	setitimer(ITIMER_REAL, &off, NULL);
	/* atexit handlers do not run across execve. */
	host_mconsole_close();
	execv("/proc/self/exe", argv);
}

const char *host_strerror(int err)
{
	return strerror(err < 0 ? -err : err);
}
