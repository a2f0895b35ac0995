/*
 * mcprobe: an mconsole client that misbehaves on purpose, for the tests.
 *
 *   mcprobe fuzz SOCK SEED COUNT
 *       sends COUNT malformed or hostile datagrams (empty, truncated,
 *       random bytes, wrong magic, lying lengths, garbage arguments to
 *       harmless commands), reading whatever comes back; then asks
 *       "version" and exits 0 only if the kernel still answers it.
 *   mcprobe slow SOCK STALL_MS PER_PACKET_MS COMMAND...
 *       sends COMMAND, reads nothing for STALL_MS, then reads the reply
 *       one packet every PER_PACKET_MS; writes the payload to stdout and
 *       exits 0 if every packet arrived (the last has more=0) with err 0.
 *   mcprobe vanish SOCK COMMAND...
 *       sends COMMAND and exits at once without reading the reply.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 0xcafebabe

struct request {
	uint32_t magic, version, len;
	char data[512];
} __attribute__((packed));

struct reply {
	uint32_t err, more, len;
	char data[512];
} __attribute__((packed));

static struct sockaddr_un server;
static int fd;
static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void open_client(const char *path)
{
	struct sockaddr_un me = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(server.sun_path)) {
		fprintf(stderr, "mcprobe: socket path too long\n");
		exit(2);
	}
	server.sun_family = AF_UNIX;
	strcpy(server.sun_path, path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	/* An abstract address, as uml_mconsole binds, so replies find us. */
	snprintf(me.sun_path + 1, sizeof(me.sun_path) - 1, "mcprobe-%d", (int)getpid());
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("mcprobe: socket");
		exit(2);
	}
}

static int send_bytes(const void *buf, size_t len)
{
	return (int)sendto(fd, buf, len, 0, (struct sockaddr *)&server, sizeof(server));
}

static int send_command(const char *cmd)
{
	struct request rq = { .magic = MAGIC, .version = 2 };

	rq.len = (uint32_t)strlen(cmd);
	if (rq.len >= sizeof(rq.data))
		return -1;
	memcpy(rq.data, cmd, rq.len);
	return send_bytes(&rq, sizeof(rq));
}

/* One reply packet, or -1 after ms milliseconds without one. */
static ssize_t recv_packet(struct reply *r, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return -1;
	memset(r, 0, sizeof(*r));
	return recv(fd, r, sizeof(*r), 0);
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static const char *const safe_commands[] = {
	"proc ",  "stack ", "files ",   "config ubd", "remove ubd", "log ",
	"sysrq ", "help",   "version",  "ps",         "mem",        "proc ../../",
	"config", "remove", "proc self/", "stack -",  "files 99999999999999999999",
};

/* SysRq letters that neither reboot, kill nor remount the machine. */
static const char safe_sysrq[] = "tmwhxyz?";

static void fuzz_one(void)
{
	struct request rq;
	unsigned char raw[700];
	size_t len, i;
	int kind = (int)(rnd() % 6);

	memset(&rq, 0, sizeof(rq));
	switch (kind) {
	case 0: /* empty or truncated header */
		len = rnd() % 12;
		for (i = 0; i < len; i++)
			raw[i] = (unsigned char)rnd();
		send_bytes(raw, len);
		return;
	case 1: /* random bytes of any length, even over the request size */
		len = rnd() % sizeof(raw);
		for (i = 0; i < len; i++)
			raw[i] = (unsigned char)rnd();
		send_bytes(raw, len);
		return;
	case 2: /* valid magic, lying length, random data */
		rq.magic = MAGIC;
		rq.version = rnd() % 4;
		rq.len = rnd() % 3 ? rnd() % 600 : rnd();
		for (i = 0; i < sizeof(rq.data); i++)
			rq.data[i] = (char)rnd();
		send_bytes(&rq, 12 + rnd() % (sizeof(rq.data) + 1));
		return;
	case 3: /* wrong magic, otherwise plausible */
		rq.magic = rnd();
		rq.version = 2;
		rq.len = 7;
		memcpy(rq.data, "version", 7);
		send_bytes(&rq, sizeof(rq));
		return;
	default: { /* a harmless command with garbage after it */
		const char *c = safe_commands[rnd() % (sizeof(safe_commands) / sizeof(*safe_commands))];
		char cmd[512];
		size_t n = strlen(c), extra = rnd() % 40;

		memcpy(cmd, c, n);
		if (!strcmp(c, "sysrq ")) {
			cmd[n++] = safe_sysrq[rnd() % (sizeof(safe_sysrq) - 1)];
		} else {
			for (i = 0; i < extra; i++) {
				char ch = (char)(rnd() % 3 ? 33 + rnd() % 94 : rnd() % 256);

				/* No '=': config ubdX=<random> would create files. */
				cmd[n++] = ch == '=' ? 'x' : ch ? ch : 'y';
			}
		}
		cmd[n] = 0;
		send_command(cmd);
		return;
	}
	}
}

static int fuzz(int argc, char **argv)
{
	struct reply r;
	long count, i, replies = 0;

	if (argc != 5)
		return 2;
	open_client(argv[2]);
	rng = strtoull(argv[3], NULL, 0) * 2654435761u + 1;
	count = strtol(argv[4], NULL, 0);
	for (i = 0; i < count; i++) {
		fuzz_one();
		/*
		 * Take what comes back: a reply ends with more=0, and a request
		 * with a wrong magic gets one raw text datagram instead.
		 */
		for (;;) {
			ssize_t n = recv_packet(&r, 300);

			if (n < 0)
				break;
			replies++;
			if (!r.more || (n >= 4 && !memcmp(&r, "ERR ", 4)))
				break;
		}
	}
	msleep(300);
	while (recv_packet(&r, 0) >= 0)
		;
	send_command("version");
	for (;;) {
		ssize_t n = recv_packet(&r, 10000);

		if (n < 0) {
			printf("fuzz: %ld sent, %ld replies, then no answer to version\n", count,
			       replies);
			return 1;
		}
		if (n >= 12 && r.err == 0 && !strncmp(r.data, "Linux ", 6)) {
			printf("fuzz: %ld sent, %ld replies, still answering: %s\n", count, replies,
			       r.data);
			return 0;
		}
	}
}

static void join_args(char *out, size_t size, int argc, char **argv)
{
	size_t len = 0;
	int i;

	out[0] = 0;
	for (i = 0; i < argc; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? " " : "", argv[i]);
}

static int slow(int argc, char **argv)
{
	struct reply r;
	char cmd[512];
	int stall, per, packets = 0;

	if (argc < 6)
		return 2;
	open_client(argv[2]);
	stall = atoi(argv[3]);
	per = atoi(argv[4]);
	join_args(cmd, sizeof(cmd), argc - 5, argv + 5);
	if (send_command(cmd) < 0) {
		perror("mcprobe: send");
		return 2;
	}
	msleep(stall);
	for (;;) {
		ssize_t n = recv_packet(&r, 20000);

		if (n < 12) {
			fprintf(stderr, "mcprobe: reply stopped after %d packets\n", packets);
			return 1;
		}
		packets++;
		if (r.err) {
			fprintf(stderr, "mcprobe: error reply: %s\n", r.data);
			return 1;
		}
		if (r.len > 0 && r.len <= sizeof(r.data))
			fwrite(r.data, 1, r.len - 1, stdout);
		if (!r.more)
			break;
		msleep(per);
	}
	fprintf(stderr, "mcprobe: %d packets\n", packets);
	return 0;
}

static int vanish(int argc, char **argv)
{
	char cmd[512];

	if (argc < 4)
		return 2;
	open_client(argv[2]);
	join_args(cmd, sizeof(cmd), argc - 3, argv + 3);
	return send_command(cmd) < 0;
}

int main(int argc, char **argv)
{
	int rc = 2;

	if (argc >= 2 && !strcmp(argv[1], "fuzz"))
		rc = fuzz(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "slow"))
		rc = slow(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "vanish"))
		rc = vanish(argc, argv);
	if (rc == 2)
		fprintf(stderr, "usage: mcprobe fuzz SOCK SEED COUNT\n"
				"       mcprobe slow SOCK STALL_MS PER_PACKET_MS COMMAND...\n"
				"       mcprobe vanish SOCK COMMAND...\n");
	return rc;
}
