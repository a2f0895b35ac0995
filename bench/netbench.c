/*
 * TCP throughput and round-trip latency between two hosts.
 *
 *   netbench server PORT CONNS     serves CONNS connections, then exits
 *   netbench client ADDR PORT MiB ROUNDS
 *
 * The client makes two connections. On the first it sends MiB mebibytes
 * and waits for the server's 8-byte count of what it received (so the
 * time covers delivery, not just the local send buffer); on the second
 * it does ROUNDS one-byte request/answer exchanges. It prints
 *   bench: tcp-send <MB/s> MB/s
 *   bench: tcp-rtt <median microseconds> us
 * Static, so the same binary runs natively and inside both kernels.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 65536

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int full_write(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t k = write(fd, p, n);

		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int full_read(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		ssize_t k = read(fd, p, n);

		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* First byte 's': sink until EOF, answer the count; 'e': echo bytes. */
static void serve(int c)
{
	static char buf[CHUNK];
	char mode;
	ssize_t k;
	uint64_t total = 0;

	if (read(c, &mode, 1) != 1)
		return;
	if (mode == 's') {
		while ((k = read(c, buf, sizeof(buf))) > 0)
			total += (uint64_t)k;
		full_write(c, &total, sizeof(total));
	} else {
		while (read(c, buf, 1) == 1 && write(c, buf, 1) == 1)
			;
	}
}

static int server(int port, int conns)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int l = socket(AF_INET, SOCK_STREAM, 0), one = 1, i;

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 4) < 0) {
		perror("netbench: listen");
		return 1;
	}
	printf("netbench: listening\n");
	fflush(stdout);
	for (i = 0; i < conns; i++) {
		int c = accept(l, NULL, NULL);

		if (c < 0)
			continue;
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		serve(c);
		close(c);
	}
	return 0;
}

static int dial(const char *addr, int port, char mode)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	inet_pton(AF_INET, addr, &a.sin_addr);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("netbench: connect");
		exit(1);
	}
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (write(s, &mode, 1) != 1)
		exit(1);
	return s;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int client(const char *addr, int port, int mib, int rounds)
{
	static char buf[CHUNK];
	double t0, t, *rtt = calloc((size_t)rounds, sizeof(double));
	uint64_t got = 0, want = (uint64_t)mib << 20;
	int s, i;

	memset(buf, 'x', sizeof(buf));
	s = dial(addr, port, 's');
	t0 = now_s();
	for (i = 0; i < mib * 16; i++)
		if (full_write(s, buf, CHUNK) < 0)
			return 1;
	shutdown(s, SHUT_WR);
	if (full_read(s, &got, sizeof(got)) < 0 || got != want) {
		fprintf(stderr, "netbench: the server got %llu of %llu bytes\n",
			(unsigned long long)got, (unsigned long long)want);
		return 1;
	}
	t = now_s() - t0;
	printf("bench: tcp-send %.1f MB/s\n", (double)want / 1e6 / t);
	close(s);

	s = dial(addr, port, 'e');
	for (i = 0; i < rounds; i++) {
		t0 = now_s();
		if (write(s, "p", 1) != 1 || read(s, buf, 1) != 1)
			return 1;
		rtt[i] = (now_s() - t0) * 1e6;
	}
	qsort(rtt, (size_t)rounds, sizeof(double), cmp_double);
	printf("bench: tcp-rtt %.1f us\n", rtt[rounds / 2]);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]), atoi(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "client"))
		return client(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	fprintf(stderr, "usage: netbench server PORT CONNS | client ADDR PORT MiB ROUNDS\n");
	return 2;
}
