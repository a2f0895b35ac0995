/*
 * Host side of the mcast transport: every instance on the same group and
 * port shares one Ethernet segment carried in UDP multicast datagrams, no
 * privileges needed. Each frame is one datagram; we hear our own too (the
 * kernel side drops frames from its own MAC).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host.h"

int host_mcast_open(const char *group, int port, int ttl, char *err, size_t errlen)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	struct ip_mreq mreq;
	int fd, one = 1;
	unsigned char t = (unsigned char)ttl, loop = 1;

	if (inet_pton(AF_INET, group, &sin.sin_addr) != 1 ||
	    !IN_MULTICAST(ntohl(sin.sin_addr.s_addr))) {
		snprintf(err, errlen, "mcast: '%s' is not an IPv4 multicast address", group);
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "mcast: socket: %s", strerror(errno));
		return -1;
	}
	/* Every instance on the LAN binds the same group and port. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	memset(&mreq, 0, sizeof(mreq));
	mreq.imr_multiaddr = sin.sin_addr;
	mreq.imr_interface.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &t, sizeof(t)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) < 0) {
		snprintf(err, errlen,
			 "mcast: cannot join %s port %d: %s (a multicast route is needed)", group,
			 port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int host_mcast_send(int fd, const char *group, int port, const void *buf, size_t len)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};

	inet_pton(AF_INET, group, &sin.sin_addr);
	return sendto(fd, buf, len, 0, (struct sockaddr *)&sin, sizeof(sin)) < 0 ? -errno : 0;
}
