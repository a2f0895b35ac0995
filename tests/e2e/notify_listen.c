/*
 * notify_listen: the host end of mconsole=notify:<path> for the tests.
 * Binds a datagram socket at PATH, then prints each notification as
 * "notify type=<n> data=<text>" until SECONDS pass without one.
 * Usage: notify_listen PATH SECONDS
 */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct {
		uint32_t magic, version, type, len;
		char data[512];
	} m;
	int fd, secs;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: notify_listen PATH SECONDS\n");
		return 2;
	}
	secs = atoi(argv[2]);
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("notify_listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, secs * 1000) <= 0)
			break;
		memset(&m, 0, sizeof(m));
		n = recv(fd, &m, sizeof(m), 0);
		if (n < 16)
			continue;
		m.data[sizeof(m.data) - 1] = 0;
		printf("notify magic=%s type=%u data=%s\n",
		       m.magic == 0xcafebabe && m.version == 2 ? "ok" : "bad", m.type, m.data);
		fflush(stdout);
	}
	unlink(argv[1]);
	return 0;
}
