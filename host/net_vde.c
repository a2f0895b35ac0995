/*
 * Host side of the vde transport: a connection made by libvdeplug, to a
 * vde_switch (a path or vde://), or to anything else its plugins reach
 * (slirp://, vxvde://, ...). The kernel knows a connection by its data
 * fd, which turns readable when a frame waits; frames go through the
 * library because some plugins do more than read and write the fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <libvdeplug.h>
#include <stdio.h>
#include <string.h>

#include "host.h"

#define VDE_MAX_CONNS 16

static struct {
	VDECONN *conn;
	int fd;
} conns[VDE_MAX_CONNS];

static VDECONN *conn_of(int fd)
{
	int i;

	for (i = 0; i < VDE_MAX_CONNS; i++)
		if (conns[i].conn && conns[i].fd == fd)
			return conns[i].conn;
	return NULL;
}

int host_vde_open(const char *url, int port, const char *group, unsigned mode, const char *descr,
		  char *err, size_t errlen)
{
	struct vde_open_args args = {.port = port, .group = (char *)group, .mode = (mode_t)mode};
	VDECONN *conn;
	int i, fd;

	for (i = 0; i < VDE_MAX_CONNS && conns[i].conn; i++)
		;
	if (i == VDE_MAX_CONNS) {
		snprintf(err, errlen, "vde: too many connections");
		return -1;
	}
	errno = 0;
	conn = vde_open((char *)url, (char *)descr, &args);
	if (!conn) {
		snprintf(err, errlen, "vde: cannot connect to %s: %s", url,
			 errno ? strerror(errno) : "refused");
		return -1;
	}
	fd = vde_datafd(conn);
	if (fd < 0) {
		snprintf(err, errlen, "vde: %s gave no data descriptor", url);
		vde_close(conn);
		return -1;
	}
	/* The receive loop reads until nothing is left. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (vde_ctlfd(conn) >= 0)
		fcntl(vde_ctlfd(conn), F_SETFD, FD_CLOEXEC);
	conns[i].conn = conn;
	conns[i].fd = fd;
	return fd;
}

long host_vde_send(int fd, const void *buf, size_t len)
{
	VDECONN *conn = conn_of(fd);
	ssize_t n;

	if (!conn)
		return -EBADF;
	n = vde_send(conn, buf, len, 0);
	return n < 0 ? -errno : n;
}

long host_vde_recv(int fd, void *buf, size_t len)
{
	VDECONN *conn = conn_of(fd);
	ssize_t n;

	if (!conn)
		return -EBADF;
	n = vde_recv(conn, buf, len, 0);
	return n < 0 ? -errno : n;
}

void host_vde_close(int fd)
{
	int i;

	for (i = 0; i < VDE_MAX_CONNS; i++)
		if (conns[i].conn && conns[i].fd == fd) {
			vde_close(conns[i].conn);
			conns[i].conn = NULL;
		}
}
