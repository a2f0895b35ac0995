/*
 * The vde transport: eth<N>=vde,<switch>,<mac>,<port>,<group>,<mode>,<descr>.
 * <switch> is what libvdeplug opens: a vde_switch directory (default: its
 * own default switch), or a URL such as slirp:// for NAT without root.
 * <port>, <group> and <mode> ask the switch for a port number and the
 * ownership of our socket; <descr> names us in the switch's port list.
 * host/net_vde.c holds the connection, fdnet.c moves the frames.
 */
#include "fdnet.h"
#include "host.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"

static long vde_send(struct fdnet *fn, const void *frame, u32 len)
{
	long n = host_vde_send(fn->fd, frame, len);

	if (n < 0)
		return n;
	return n == (long)len ? 0 : -EIO;
}

static long vde_recv(struct fdnet *fn, void *buf, u32 len)
{
	return host_vde_recv(fn->fd, buf, len);
}

static void vde_close(struct fdnet *fn)
{
	host_vde_close(fn->fd);
}

int vde_open(struct net_device *dev, char **f, int nf, char *err, size_t elen)
{
	const char *sw = nf > 1 && f[1][0] ? f[1] : "";
	const char *group = nf > 4 && f[4][0] ? f[4] : NULL;
	const char *descr = nf > 6 && f[6][0] ? f[6] : "user-mode kernel";
	struct fdnet t = {.send = vde_send, .recv = vde_recv, .close = vde_close, .aux_fd = -1};
	unsigned long port = 0, mode = 0;
	int fd;

	if ((nf > 3 && f[3][0] && (kstrtoul(f[3], 10, &port) < 0 || port > 65535)) ||
	    (nf > 5 && f[5][0] && (kstrtoul(f[5], 8, &mode) < 0 || mode > 0777))) {
		scnprintf(err, elen,
			  "%s: expected vde,<switch>,<mac>,<port>,<group>,<mode in octal>,<descr>",
			  dev->name);
		return -EINVAL;
	}
	fd = host_vde_open(sw, (int)port, group, (unsigned)mode, descr, err, elen);
	if (fd < 0)
		return -EINVAL;
	return fdnet_attach(dev, fd, &t, err, elen);
}
