/*
 * fragflood: sends fragments that never complete, for the IPv6 tests.
 *
 *   fragflood IFACE DSTMAC SRC DST COUNT
 *       sends COUNT first fragments (offset 0, more to come, 1232 bytes
 *       of payload), each of a datagram of its own (a new identification),
 *       from IPv6 address SRC to DST, in Ethernet frames to DSTMAC through
 *       IFACE (an AF_PACKET socket: root). A receiver must not let them
 *       keep its later datagrams from being reassembled.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PAYLOAD 1232

int main(int argc, char **argv)
{
	unsigned char frame[14 + 40 + 8 + PAYLOAD], mac[6];
	struct sockaddr_ll ll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(0x86dd), .sll_halen = 6};
	int s, count, i;

	if (argc != 6 || sscanf(argv[2], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2],
				&mac[3], &mac[4], &mac[5]) != 6) {
		fprintf(stderr, "usage: fragflood IFACE DSTMAC SRC DST COUNT\n");
		return 2;
	}
	count = atoi(argv[5]);
	ll.sll_ifindex = (int)if_nametoindex(argv[1]);
	memcpy(ll.sll_addr, mac, 6);
	s = socket(AF_PACKET, SOCK_DGRAM, htons(0x86dd));
	if (s < 0 || !ll.sll_ifindex) {
		perror("fragflood: socket");
		return 1;
	}
	memset(frame, 0, sizeof frame);
	/* The IPv6 header (the link layer header is the socket's). */
	unsigned char *ip = frame;
	ip[0] = 0x60;
	ip[4] = (8 + PAYLOAD) >> 8;
	ip[5] = (8 + PAYLOAD) & 0xff;
	ip[6] = 44; /* a fragment header follows */
	ip[7] = 64;
	if (inet_pton(AF_INET6, argv[3], ip + 8) != 1 || inet_pton(AF_INET6, argv[4], ip + 24) != 1)
		return 2;
	unsigned char *fh = ip + 40;
	fh[0] = 17; /* UDP */
	fh[3] = 1;  /* offset 0, more fragments */
	for (i = 0; i < count; i++) {
		uint32_t id = htonl(0x5eed0000u + (uint32_t)i);

		memcpy(fh + 4, &id, 4);
		if (sendto(s, frame, 40 + 8 + PAYLOAD, 0, (struct sockaddr *)&ll, sizeof ll) < 0) {
			perror("fragflood: sendto");
			return 1;
		}
	}
	printf("fragflood: sent %d\n", count);
	return 0;
}
