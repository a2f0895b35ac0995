/*
 * Host side of the pcap transport: the frames a host interface sees,
 * chosen by a filter expression, captured with libpcap. The library is
 * loaded when a pcap device is first opened, not at every boot: it pulls
 * in a dozen other libraries that a machine without pcap devices would
 * pay for in start-up time and memory. The kernel knows a capture by its
 * selectable fd. Capturing needs CAP_NET_RAW on the host.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "host.h"

#define PCAP_MAX 16

static struct {
	pcap_t *(*create)(const char *, char *);
	int (*set_snaplen)(pcap_t *, int);
	int (*set_promisc)(pcap_t *, int);
	int (*set_immediate_mode)(pcap_t *, int);
	int (*activate)(pcap_t *);
	int (*datalink)(pcap_t *);
	int (*compile)(pcap_t *, struct bpf_program *, const char *, int, bpf_u_int32);
	int (*setfilter)(pcap_t *, struct bpf_program *);
	void (*freecode)(struct bpf_program *);
	int (*setnonblock)(pcap_t *, int, char *);
	int (*get_selectable_fd)(pcap_t *);
	int (*next_ex)(pcap_t *, struct pcap_pkthdr **, const u_char **);
	char *(*geterr)(pcap_t *);
	void (*close)(pcap_t *);
} lib;

static struct {
	pcap_t *p;
	int fd;
} caps[PCAP_MAX];

static int load_libpcap(char *err, size_t errlen)
{
	void *h;

	if (lib.close)
		return 0;
	h = dlopen("libpcap.so.0.8", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		h = dlopen("libpcap.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, errlen, "pcap: libpcap is not installed (%s)", dlerror());
		return -1;
	}
#define SYM(field, name)                                                        \
	do {                                                                    \
		*(void **)&lib.field = dlsym(h, name);                          \
		if (!lib.field) {                                               \
			snprintf(err, errlen, "pcap: libpcap has no %s", name); \
			memset(&lib, 0, sizeof(lib));                           \
			return -1;                                              \
		}                                                               \
	} while (0)
	SYM(create, "pcap_create");
	SYM(set_snaplen, "pcap_set_snaplen");
	SYM(set_promisc, "pcap_set_promisc");
	SYM(set_immediate_mode, "pcap_set_immediate_mode");
	SYM(activate, "pcap_activate");
	SYM(datalink, "pcap_datalink");
	SYM(compile, "pcap_compile");
	SYM(setfilter, "pcap_setfilter");
	SYM(freecode, "pcap_freecode");
	SYM(setnonblock, "pcap_setnonblock");
	SYM(get_selectable_fd, "pcap_get_selectable_fd");
	SYM(next_ex, "pcap_next_ex");
	SYM(geterr, "pcap_geterr");
	SYM(close, "pcap_close"); /* last: it marks the table complete */
#undef SYM
	return 0;
}

int host_pcap_open(const char *ifname, const char *filter, int promisc, int optimize, int snaplen,
		   char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	pcap_t *p;
	int i, fd, rc;

	if (load_libpcap(err, errlen) < 0)
		return -1;
	for (i = 0; i < PCAP_MAX && caps[i].p; i++)
		;
	if (i == PCAP_MAX) {
		snprintf(err, errlen, "pcap: too many captures");
		return -1;
	}
	p = lib.create(ifname, ebuf);
	if (!p) {
		snprintf(err, errlen, "pcap: %s: %s", ifname, ebuf);
		return -1;
	}
	lib.set_snaplen(p, snaplen);
	lib.set_promisc(p, promisc);
	lib.set_immediate_mode(p, 1); /* each frame as it comes, not in blocks */
	rc = lib.activate(p);
	if (rc < 0) {
		snprintf(err, errlen, "pcap: cannot capture on %s: %s", ifname, lib.geterr(p));
		goto fail;
	}
	if (lib.datalink(p) != DLT_EN10MB) {
		snprintf(err, errlen, "pcap: %s is not an Ethernet interface", ifname);
		goto fail;
	}
	if (filter && *filter) {
		if (lib.compile(p, &prog, filter, optimize, PCAP_NETMASK_UNKNOWN) < 0) {
			snprintf(err, errlen, "pcap: bad filter '%s': %s", filter, lib.geterr(p));
			goto fail;
		}
		rc = lib.setfilter(p, &prog);
		lib.freecode(&prog);
		if (rc < 0) {
			snprintf(err, errlen, "pcap: cannot set the filter: %s", lib.geterr(p));
			goto fail;
		}
	}
	if (lib.setnonblock(p, 1, ebuf) < 0 || (fd = lib.get_selectable_fd(p)) < 0) {
		snprintf(err, errlen, "pcap: %s cannot be polled", ifname);
		goto fail;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	caps[i].p = p;
	caps[i].fd = fd;
	return fd;
fail:
	lib.close(p);
	return -1;
}

static pcap_t *cap_of(int fd)
{
	int i;

	for (i = 0; i < PCAP_MAX; i++)
		if (caps[i].p && caps[i].fd == fd)
			return caps[i].p;
	return NULL;
}

long host_pcap_recv(int fd, void *buf, size_t len)
{
	pcap_t *p = cap_of(fd);
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int rc;

	if (!p)
		return -EBADF;
	rc = lib.next_ex(p, &hdr, &data);
	if (rc == 0)
		return -EAGAIN;
	if (rc < 0)
		return -EIO;
	if (hdr->caplen < len)
		len = hdr->caplen;
	memcpy(buf, data, len);
	return (long)len;
}

void host_pcap_close(int fd)
{
	int i;

	for (i = 0; i < PCAP_MAX; i++)
		if (caps[i].p && caps[i].fd == fd) {
			lib.close(caps[i].p);
			caps[i].p = NULL;
		}
}
