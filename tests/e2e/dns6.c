/*
 * dns6: a DNS server that knows one answer, for the IPv6 tests.
 *
 *   dns6 ADDR PORT COUNT
 *       binds UDP ADDR:PORT (IPv6 or IPv4) and answers COUNT queries: a
 *       query of type A gets 10.1.2.3, of type AAAA fd99::1234, any other
 *       an empty answer; prints "query type T from ADDR" for each. Gives
 *       up after 60 s. A guest's nslookup then shows UDP working both
 *       ways.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	int s, count;

	if (argc != 4) {
		fprintf(stderr, "usage: dns6 ADDR PORT COUNT\n");
		return 2;
	}
	count = atoi(argv[3]);
	if (strchr(argv[1], ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)atoi(argv[2]));
		if (inet_pton(AF_INET6, argv[1], &a->sin6_addr) != 1)
			return 2;
		sl = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)atoi(argv[2]));
		if (inet_pton(AF_INET, argv[1], &a->sin_addr) != 1)
			return 2;
		sl = sizeof *a;
	}
	s = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&ss, sl) < 0) {
		perror("dns6: bind");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	while (count > 0) {
		unsigned char q[512], r[600];
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;
		struct pollfd pfd = {s, POLLIN, 0};
		char name[INET6_ADDRSTRLEN];
		size_t qend, n;
		ssize_t len;
		int type;

		if (poll(&pfd, 1, 60000) <= 0)
			return 1;
		len = recvfrom(s, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
		if (len < 12 + 5)
			continue;
		/* The question: a name of labels, then type and class. */
		for (qend = 12; qend < (size_t)len && q[qend]; qend += q[qend] + 1u)
			;
		if (qend + 5 > (size_t)len)
			continue;
		type = q[qend + 1] << 8 | q[qend + 2];
		qend += 5;
		if (from.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&from)->sin6_addr, name,
				  sizeof name);
		else
			inet_ntop(AF_INET, &((struct sockaddr_in *)&from)->sin_addr, name,
				  sizeof name);
		printf("query type %d from %s\n", type, name);
		fflush(stdout);
		memcpy(r, q, qend);
		r[2] = 0x81; /* a response, recursion desired */
		r[3] = 0x80; /* and available, no error */
		r[6] = 0;
		r[7] = type == 1 || type == 28; /* answers */
		memset(r + 8, 0, 4);
		n = qend;
		if (r[7]) {
			static const unsigned char v4[4] = {10, 1, 2, 3};
			static const unsigned char v6[16] = {0xfd, 0x99, [14] = 0x12, [15] = 0x34};
			unsigned rdlen = type == 1 ? 4 : 16;
			unsigned char rr[] = {0xc0, 12, 0, (unsigned char)type, 0, 1, 0, 0,
					      0,    60, 0, (unsigned char)rdlen};

			memcpy(r + n, rr, sizeof rr);
			n += sizeof rr;
			memcpy(r + n, type == 1 ? v4 : v6, rdlen);
			n += rdlen;
		}
		sendto(s, r, n, 0, (struct sockaddr *)&from, fl);
		count--;
	}
	return 0;
}
