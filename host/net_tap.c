/*
 * Host side of the tuntap transport: a TAP device opened through
 * /dev/net/tun (an existing one, or one created when we have
 * CAP_NET_ADMIN; it goes away with us), non-blocking, one Ethernet frame
 * per read and write. With a gate address the host end is given that
 * address and brought up, as UML's helper does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host.h"

static int set_up(const char *dev, const char *gate_ip, char *err, size_t errlen)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	int rc = 0;

	if (s < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (gate_ip && gate_ip[0]) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

		sin->sin_family = AF_INET;
		if (inet_pton(AF_INET, gate_ip, &sin->sin_addr) != 1) {
			snprintf(err, errlen, "gate address '%s' is not an IPv4 address", gate_ip);
			rc = -1;
		} else if (ioctl(s, SIOCSIFADDR, &ifr) < 0) {
			snprintf(err, errlen, "cannot give %s the address %s: %s", dev, gate_ip,
				 strerror(errno));
			rc = -1;
		}
	}
	if (rc == 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0 && gate_ip && gate_ip[0]) {
			snprintf(err, errlen, "cannot bring %s up: %s", dev, strerror(errno));
			rc = -1;
		}
	}
	close(s);
	return rc;
}

int host_tap_open(const char *dev, const char *gate_ip, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open /dev/net/tun: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (strlen(dev) >= sizeof(ifr.ifr_name)) {
		snprintf(err, errlen, "tap device name '%s' is too long", dev);
		close(fd);
		return -1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		snprintf(err, errlen,
			 "cannot attach to tap device '%s': %s (create it with "
			 "'ip tuntap add %s mode tap user <you>', or run with CAP_NET_ADMIN)",
			 dev, strerror(errno), dev);
		close(fd);
		return -1;
	}
	if (set_up(dev, gate_ip, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}
