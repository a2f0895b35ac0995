/*
 * uml_switch: a virtual Ethernet switch for user-mode machines, with the
 * usage of Debian's uml-utilities tool:
 *
 *   uml_switch [ -unix <control socket> ] [ -hub ] [ -tap <tap device> ]
 *              [ -loss <percent> ] [ -reorder <percent> ] [ -seed <n> ]
 *
 * Machines attach with eth<N>=daemon,<mac>,unix,<control socket>
 * (default /tmp/uml.ctl). Each attachment is a port: the machine's
 * control connection carries one request naming its data socket, the
 * switch answers with its own data socket's address, and from then on
 * every datagram between the two is one Ethernet frame. The switch learns
 * which port each source MAC lives on and sends unicast frames there;
 * broadcasts, multicasts and unknown destinations go to every other port
 * (every frame does with -hub). A port goes when its control connection
 * closes. Protocol: ../shared/design/REFERENCE.md. With -tap, an existing
 * host TAP device is one more port (the host's end of the LAN), as in
 * Debian's switch; opening it needs the right to use that device.
 *
 * -loss and -reorder (ours, not in Debian's) make a bad network for
 * testing: each frame is dropped with probability -loss, and a frame that
 * survives is held back with probability -reorder until the next frame
 * has gone (or 10 ms have passed). -seed makes a run repeatable.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SWITCH_MAGIC	0xfeedface
#define SWITCH_VERSION	3
#define REQ_NEW_CONTROL 0
#define MAX_PORTS	256
#define MAX_MACS	1024
#define MAC_AGE_S	300
#define FRAME_MAX	1514
#define TAP_PORT	MAX_PORTS /* the -tap device's port number */

struct request {
	uint32_t magic, version, type;
	struct sockaddr_un sock;
	char pad[2];
} __attribute__((packed));

struct port {
	int ctl;		 /* -1: free */
	bool attached;		 /* its request has come */
	struct sockaddr_un addr; /* its data socket */
};

struct mac_entry {
	unsigned char mac[6];
	int port;
	time_t seen;
};

static struct port ports[MAX_PORTS];
static struct mac_entry macs[MAX_MACS];
static int nmacs;
static const char *ctl_path = "/tmp/uml.ctl";
static volatile sig_atomic_t stop;
static int tapfd = -1;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr, "Usage : uml_switch [ -unix control-socket ] [ -hub ]\n"
			"                  [ -tap tap-device ]\n"
			"                  [ -loss percent ] [ -reorder percent ] [ -seed n ]\n");
	exit(1);
}

/* The listening control socket; a stale one (nobody answering) is replaced. */
static int open_control(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(ctl_path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "uml_switch: bad control socket '%s'\n", ctl_path);
		exit(1);
	}
	strcpy(a.sun_path, ctl_path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int probe;

		if (errno != EADDRINUSE) {
			fprintf(stderr, "uml_switch: bind '%s': %s\n", ctl_path, strerror(errno));
			exit(1);
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&a, sizeof(a)) == 0) {
			fprintf(stderr, "uml_switch: another switch is running on '%s'\n",
				ctl_path);
			exit(1);
		}
		if (probe >= 0)
			close(probe);
		unlink(ctl_path);
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			fprintf(stderr, "uml_switch: bind '%s': %s\n", ctl_path, strerror(errno));
			exit(1);
		}
	}
	if (listen(fd, 16) < 0) {
		fprintf(stderr, "uml_switch: listen: %s\n", strerror(errno));
		exit(1);
	}
	return fd;
}

/* Our data socket, under an abstract name as long as sun_path. */
static int open_data(struct sockaddr_un *a)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "uml_switch-%d", (int)getpid());
	if (fd < 0 || bind(fd, (struct sockaddr *)a, sizeof(*a)) < 0) {
		fprintf(stderr, "uml_switch: data socket: %s\n", strerror(errno));
		exit(1);
	}
	return fd;
}

static void drop_port(int i)
{
	int k;

	close(ports[i].ctl);
	ports[i].ctl = -1;
	ports[i].attached = false;
	for (k = 0; k < nmacs;)
		if (macs[k].port == i)
			macs[k] = macs[--nmacs];
		else
			k++;
}

/* A control connection speaks: its request, or its end. */
static void control_input(int i, const struct sockaddr_un *data_addr)
{
	struct request req;
	ssize_t n = read(ports[i].ctl, &req, sizeof(req));

	if (n <= 0 || ports[i].attached) { /* closed, or talking out of turn */
		drop_port(i);
		return;
	}
	if (n != (ssize_t)sizeof(req) || req.magic != SWITCH_MAGIC ||
	    req.version != SWITCH_VERSION || req.type != REQ_NEW_CONTROL ||
	    req.sock.sun_family != AF_UNIX) {
		fprintf(stderr, "uml_switch: bad request on port %d, dropped\n", i);
		drop_port(i);
		return;
	}
	ports[i].addr = req.sock;
	ports[i].attached = true;
	if (write(ports[i].ctl, data_addr, sizeof(*data_addr)) != (ssize_t)sizeof(*data_addr))
		drop_port(i);
}

static int port_of(const struct sockaddr_un *from, socklen_t len)
{
	int i;

	for (i = 0; i < MAX_PORTS; i++)
		if (ports[i].attached && len > sizeof(sa_family_t) &&
		    !memcmp(ports[i].addr.sun_path, from->sun_path, len - sizeof(sa_family_t)))
			return i;
	return -1;
}

static void learn(const unsigned char *mac, int port)
{
	time_t now = time(NULL);
	int k, oldest = 0;

	if (mac[0] & 1)
		return;
	for (k = 0; k < nmacs; k++)
		if (!memcmp(macs[k].mac, mac, 6)) {
			macs[k].port = port;
			macs[k].seen = now;
			return;
		}
	if (nmacs == MAX_MACS) {
		for (k = 1; k < nmacs; k++)
			if (macs[k].seen < macs[oldest].seen)
				oldest = k;
		k = oldest;
	} else {
		k = nmacs++;
	}
	memcpy(macs[k].mac, mac, 6);
	macs[k].port = port;
	macs[k].seen = now;
}

static int lookup(const unsigned char *mac)
{
	time_t now = time(NULL);
	int k;

	for (k = 0; k < nmacs; k++)
		if (!memcmp(macs[k].mac, mac, 6) && now - macs[k].seen < MAC_AGE_S)
			return macs[k].port;
	return -1;
}

/* Is port i there to send to (a machine that attached, or the tap)? */
static bool port_up(int i)
{
	return i == TAP_PORT ? tapfd >= 0 : ports[i].attached;
}

static void send_to(int dfd, int i, const unsigned char *frame, size_t len)
{
	if (i == TAP_PORT) {
		if (write(tapfd, frame, len) < 0) {
			/* a full host queue drops the frame, as a wire would */
		}
		return;
	}
	sendto(dfd, frame, len, MSG_DONTWAIT, (struct sockaddr *)&ports[i].addr,
	       sizeof(ports[i].addr));
}

/* Sends a frame from port src where its destination MAC says. */
static void forward(int dfd, bool hub, int src, const unsigned char *frame, size_t n)
{
	int dst = hub || (frame[0] & 1) ? -1 : lookup(frame), i;

	if (dst >= 0) {
		if (dst != src && port_up(dst))
			send_to(dfd, dst, frame, n);
		return;
	}
	for (i = 0; i <= TAP_PORT; i++)
		if (i != src && port_up(i))
			send_to(dfd, i, frame, n);
}

/* The impairments (-loss, -reorder), in percent, and the frame held back. */
static double loss_pct, reorder_pct;
static unsigned seed = 1;
static struct {
	unsigned char frame[FRAME_MAX];
	size_t len; /* 0: none */
	int src;
} held;

static bool chance(double pct)
{
	return pct > 0 && (unsigned)rand_r(&seed) % 10000 < (unsigned)(pct * 100);
}

static void release_held(int dfd, bool hub)
{
	if (held.len) {
		forward(dfd, hub, held.src, held.frame, held.len);
		held.len = 0;
	}
}

/* A frame from port src: learnt from, impaired, forwarded. */
static void switch_frame(int dfd, bool hub, int src, const unsigned char *frame, ssize_t n)
{
	if (n < 14 || n > FRAME_MAX)
		return; /* not an Ethernet frame */
	learn(frame + 6, src);
	if (chance(loss_pct))
		return;
	if (!held.len && chance(reorder_pct)) {
		memcpy(held.frame, frame, (size_t)n);
		held.len = (size_t)n;
		held.src = src;
		return;
	}
	forward(dfd, hub, src, frame, (size_t)n);
	release_held(dfd, hub);
}

static void data_input(int dfd, bool hub)
{
	unsigned char frame[FRAME_MAX + 64];
	struct sockaddr_un from;
	socklen_t flen = sizeof(from);
	ssize_t n =
		recvfrom(dfd, frame, sizeof(frame), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	int src = n > 0 ? port_of(&from, flen) : -1;

	if (src >= 0) /* else not one of our ports */
		switch_frame(dfd, hub, src, frame, n);
}

static void tap_input(int dfd, bool hub)
{
	unsigned char frame[FRAME_MAX + 64];
	ssize_t n = read(tapfd, frame, sizeof(frame));

	if (n > 0)
		switch_frame(dfd, hub, TAP_PORT, frame, n);
}

/* The host TAP device dev (it must exist), as a port. */
static int open_tap(const char *dev)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		perror("uml_switch: /dev/net/tun");
		exit(1);
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "uml_switch: tap device %s: %s\n", dev, strerror(errno));
		exit(1);
	}
	return fd;
}

/* A percentage option's value, or usage. */
static double percent(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < 0 || v > 100)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	struct pollfd pfd[MAX_PORTS + 3];
	struct sockaddr_un data_addr;
	bool hub = false;
	int lfd, dfd, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-unix") && i + 1 < argc)
			ctl_path = argv[++i];
		else if (!strcmp(argv[i], "-hub"))
			hub = true;
		else if (!strcmp(argv[i], "-loss") && i + 1 < argc)
			loss_pct = percent(argv[++i]);
		else if (!strcmp(argv[i], "-reorder") && i + 1 < argc)
			reorder_pct = percent(argv[++i]);
		else if (!strcmp(argv[i], "-seed") && i + 1 < argc)
			seed = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-tap") && i + 1 < argc)
			tapfd = open_tap(argv[++i]);
		else if (!strcmp(argv[i], "-compat-v0")) {
			fprintf(stderr, "uml_switch: %s is not supported by this switch\n",
				argv[i]);
			return 1;
		} else
			usage();
	}
	for (i = 0; i < MAX_PORTS; i++)
		ports[i].ctl = -1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	lfd = open_control();
	dfd = open_data(&data_addr);
	printf("uml_switch attached to unix socket '%s'%s\n", ctl_path, hub ? " (hub)" : "");
	fflush(stdout);
	while (!stop) {
		int n = 0, ready, map[MAX_PORTS + 3];

		pfd[n] = (struct pollfd){lfd, POLLIN, 0};
		map[n++] = -1;
		pfd[n] = (struct pollfd){dfd, POLLIN, 0};
		map[n++] = -2;
		if (tapfd >= 0) {
			pfd[n] = (struct pollfd){tapfd, POLLIN, 0};
			map[n++] = -3;
		}
		for (i = 0; i < MAX_PORTS; i++)
			if (ports[i].ctl >= 0) {
				pfd[n] = (struct pollfd){ports[i].ctl, POLLIN, 0};
				map[n++] = i;
			}
		ready = poll(pfd, (nfds_t)n, held.len ? 10 : -1);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (ready == 0)
			release_held(dfd, hub); /* nothing came after it */
		for (i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (map[i] == -1) {
				int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC), k;

				for (k = 0; c >= 0 && k < MAX_PORTS && ports[k].ctl >= 0; k++)
					;
				if (c >= 0 && k == MAX_PORTS) {
					close(c); /* every port taken */
				} else if (c >= 0) {
					ports[k].ctl = c;
					ports[k].attached = false;
				}
			} else if (map[i] == -2) {
				data_input(dfd, hub);
			} else if (map[i] == -3) {
				tap_input(dfd, hub);
			} else {
				control_input(map[i], &data_addr);
			}
		}
	}
	unlink(ctl_path);
	return 0;
}
