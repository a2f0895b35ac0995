/*
 * Host side of the daemon transport: a port on a uml_switch (Debian's or
 * tools/uml_switch). The control connection asks for a port with our
 * data socket's address and learns the switch's; frames then travel as
 * one datagram each between the two data sockets. Closing the control
 * connection gives the port back. Protocol: REFERENCE.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "host.h"

#define SWITCH_MAGIC	0xfeedface
#define SWITCH_VERSION	3
#define REQ_NEW_CONTROL 0

struct switch_request {
	uint32_t magic, version, type;
	struct sockaddr_un sock;
	char pad[2];
} __attribute__((packed));

int host_daemon_open(const char *ctl_path, int *ctl_out, char *err, size_t errlen)
{
	static unsigned serial;
	struct sockaddr_un ctl = {.sun_family = AF_UNIX}, mine = {.sun_family = AF_UNIX}, sw;
	struct switch_request req;
	int cfd = -1, dfd = -1;
	ssize_t n;

	if (strlen(ctl_path) >= sizeof(ctl.sun_path)) {
		snprintf(err, errlen, "daemon: control socket path too long");
		return -1;
	}
	strcpy(ctl.sun_path, ctl_path);
	dfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (dfd < 0 || cfd < 0) {
		snprintf(err, errlen, "daemon: socket: %s", strerror(errno));
		goto fail;
	}
	/* An abstract name, the whole sun_path long: the switch sends to
	 * all 110 bytes of the address we give it. */
	snprintf(mine.sun_path + 1, sizeof(mine.sun_path) - 1, "uml-daemon-%d-%u", (int)getpid(),
		 serial++);
	if (bind(dfd, (struct sockaddr *)&mine, sizeof(mine)) < 0) {
		snprintf(err, errlen, "daemon: bind: %s", strerror(errno));
		goto fail;
	}
	if (connect(cfd, (struct sockaddr *)&ctl, sizeof(ctl)) < 0) {
		snprintf(err, errlen, "daemon: cannot connect to the switch at %s: %s", ctl_path,
			 strerror(errno));
		goto fail;
	}
	memset(&req, 0, sizeof(req));
	req.magic = SWITCH_MAGIC;
	req.version = SWITCH_VERSION;
	req.type = REQ_NEW_CONTROL;
	req.sock = mine;
	/* The kernel's timer signals may come while a busy switch is slow. */
	do
		n = write(cfd, &req, sizeof(req));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(req)) {
		snprintf(err, errlen, "daemon: the switch at %s took no request", ctl_path);
		goto fail;
	}
	do
		n = read(cfd, &sw, sizeof(sw));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(sw) || sw.sun_family != AF_UNIX) {
		snprintf(err, errlen, "daemon: the switch at %s did not answer with its address",
			 ctl_path);
		goto fail;
	}
	if (connect(dfd, (struct sockaddr *)&sw, sizeof(sw)) < 0) {
		snprintf(err, errlen, "daemon: cannot reach the switch's data socket: %s",
			 strerror(errno));
		goto fail;
	}
	fcntl(dfd, F_SETFL, O_NONBLOCK);
	*ctl_out = cfd;
	return dfd;
fail:
	if (dfd >= 0)
		close(dfd);
	if (cfd >= 0)
		close(cfd);
	return -1;
}
