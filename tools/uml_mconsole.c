/*
 * uml_mconsole: talk to a running machine's management console, with the
 * usage of Debian's uml-utilities client:
 *
 *   uml_mconsole <umid|socket> [command ...]
 *
 * With a command, sends it, prints "OK <reply>" or "ERR <reply>" and exits
 * 0 or 1. Without one, reads commands with readline at a "(<name>) "
 * prompt. The name is looked up as ~/.uml/<name>/mconsole, then
 * /tmp/uml/<name>/mconsole, then as a socket path. Local commands: quit,
 * help, switch <name>, log -f <file>, mconsole-version, int.
 * Wire format: include/mconsole_proto.h.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "mconsole_proto.h"

#define REPLY_TIMEOUT_S 60

static int sock = -1;
static char name[256];                /* what the user called the machine */
static struct sockaddr_un server;     /* its socket */

static void usage(FILE *f)
{
	fprintf(f, "Usage: uml_mconsole <umid|socket> [command ...]\n"
		   "Sends one command (or reads commands interactively) to the management\n"
		   "console of a running machine: ~/.uml/<umid>/mconsole, /tmp/uml/<umid>/mconsole\n"
		   "or the socket path given. Prints OK or ERR and the reply; exits 1 on ERR.\n");
}

static bool is_socket(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* Finds the socket for a umid or path; false (with a message) if none. */
static bool resolve(const char *arg)
{
	const char *home = getenv("HOME");
	char path[sizeof(server.sun_path) + 64];
	char tried[3][sizeof(path)];
	int n = 0, i;

	if (!strchr(arg, '/')) {
		if (home && *home) {
			snprintf(tried[n++], sizeof(path), "%s/.uml/%s/mconsole", home, arg);
		}
		snprintf(tried[n++], sizeof(path), "/tmp/uml/%s/mconsole", arg);
	}
	snprintf(tried[n++], sizeof(path), "%s", arg);
	for (i = 0; i < n; i++) {
		if (!is_socket(tried[i]))
			continue;
		if (strlen(tried[i]) >= sizeof(server.sun_path)) {
			fprintf(stderr, "uml_mconsole: socket path too long: %s\n", tried[i]);
			return false;
		}
		server.sun_family = AF_UNIX;
		strcpy(server.sun_path, tried[i]);
		snprintf(name, sizeof(name), "%s", arg);
		return true;
	}
	fprintf(stderr, "uml_mconsole: no machine '%s': no socket at", arg);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s %s", i ? "," : "", tried[i]);
	fprintf(stderr, "\n");
	return false;
}

static bool open_socket(void)
{
	struct sockaddr_un me = { .sun_family = AF_UNIX };

	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		perror("uml_mconsole: socket");
		return false;
	}
	/* The kernel replies to our address: bind an abstract one. */
	snprintf(me.sun_path + 1, sizeof(me.sun_path) - 1, "uml_mconsole-%d", (int)getpid());
	if (bind(sock, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("uml_mconsole: bind");
		return false;
	}
	return true;
}

/*
 * Sends one command and prints the reply ("OK " or "ERR ", the payload of
 * every packet, a newline). Returns 0 for OK, 1 for ERR or no reply.
 */
static int command(const char *cmd)
{
	struct mc_request rq = { .magic = MC_MAGIC, .version = MC_VERSION };
	struct mc_reply r;
	bool first = true;
	int err = 0;

	rq.len = (__u32)strlen(cmd);
	if (rq.len >= MC_DATA) {
		fprintf(stderr, "uml_mconsole: command longer than %d bytes\n", MC_DATA - 1);
		return 1;
	}
	memcpy(rq.data, cmd, rq.len);
	if (sendto(sock, &rq, sizeof(rq), 0, (struct sockaddr *)&server, sizeof(server)) < 0) {
		fprintf(stderr, "uml_mconsole: sending to %s: %s\n", server.sun_path,
			strerror(errno));
		return 1;
	}
	for (;;) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, REPLY_TIMEOUT_S * 1000) <= 0) {
			fprintf(stderr, "%suml_mconsole: no reply from %s in %d s\n",
				first ? "" : "\n", name, REPLY_TIMEOUT_S);
			return 1;
		}
		memset(&r, 0, sizeof(r));
		n = recv(sock, &r, sizeof(r), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n >= 4 && !memcmp(&r, "ERR ", 4)) {
			/* The raw text a kernel sends a client it does not understand. */
			fwrite(&r, 1, strnlen((char *)&r, (size_t)n), stdout);
			putchar('\n');
			return 1;
		}
		if (n < 12 || r.len > MC_DATA || (size_t)n < 12 + r.len) {
			fprintf(stderr, "uml_mconsole: malformed reply (%zd bytes)\n", n);
			return 1;
		}
		if (first) {
			err = r.err != 0;
			fputs(err ? "ERR " : "OK ", stdout);
			first = false;
		}
		/* Every byte but the closing NUL: /proc files may hold NULs. */
		if (r.len)
			fwrite(r.data, 1, r.len - 1, stdout);
		if (!r.more)
			break;
	}
	putchar('\n');
	fflush(stdout);
	return err;
}

/* log -f <file>: the file's text into the kernel log, a line at a time. */
static int log_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[MC_DATA - 8], cmd[MC_DATA];
	int rc = 0;

	if (!f) {
		fprintf(stderr, "uml_mconsole: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		snprintf(cmd, sizeof(cmd), "log %s", line);
		rc |= command(cmd);
	}
	fclose(f);
	return rc;
}

/* int: SIGINT to the machine, whose pid file sits next to its socket. */
static int interrupt(void)
{
	char path[sizeof(server.sun_path) + 8], *slash;
	FILE *f;
	int pid = 0;

	snprintf(path, sizeof(path), "%s", server.sun_path);
	slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "pid");
	f = fopen(path, "r");
	if (!f || fscanf(f, "%d", &pid) != 1 || pid <= 0) {
		fprintf(stderr, "uml_mconsole: cannot read %s\n", path);
		if (f)
			fclose(f);
		return 1;
	}
	fclose(f);
	if (kill(pid, SIGINT) < 0) {
		fprintf(stderr, "uml_mconsole: kill %d: %s\n", pid, strerror(errno));
		return 1;
	}
	return 0;
}

static const char local_help[] = "Additional local mconsole commands:\n"
				 "    quit - Quit mconsole\n"
				 "    switch <socket-name> - Switch control to the given machine\n"
				 "    log -f <filename> - use contents of <filename> as UML log messages\n"
				 "    mconsole-version - version of this mconsole program\n"
				 "    int - Interrupt UML session\n";

/* Runs one line; *quit is set by "quit". Returns the exit status. */
static int run_line(char *line, bool *quit)
{
	char *cmd = line + strspn(line, " \t");
	size_t n = strlen(cmd);
	int rc;

	while (n && (cmd[n - 1] == ' ' || cmd[n - 1] == '\t' || cmd[n - 1] == '\n'))
		cmd[--n] = 0;
	if (!*cmd)
		return 0;
	if (!strcmp(cmd, "quit")) {
		*quit = true;
		return 0;
	}
	if (!strcmp(cmd, "mconsole-version")) {
		printf("uml_mconsole client version %d\n", MC_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "int"))
		return interrupt();
	if (!strncmp(cmd, "switch", 6) && (cmd[6] == ' ' || !cmd[6])) {
		char *to = cmd + 6 + strspn(cmd + 6, " ");
		struct sockaddr_un keep = server;
		char keep_name[sizeof(name)];

		memcpy(keep_name, name, sizeof(name));
		if (!*to) {
			fprintf(stderr, "uml_mconsole: switch <umid|socket>\n");
			return 1;
		}
		if (!resolve(to)) {
			server = keep;
			memcpy(name, keep_name, sizeof(name));
			return 1;
		}
		printf("Switched to '%s'\n", name);
		return 0;
	}
	if (!strncmp(cmd, "log -f", 6) && (cmd[6] == ' ' || !cmd[6]))
		return log_file(cmd + 6 + strspn(cmd + 6, " "));
	if (!strcmp(cmd, "help")) {
		rc = command(cmd);
		fputs(local_help, stdout);
		return rc;
	}
	return command(cmd);
}

int main(int argc, char **argv)
{
	char prompt[sizeof(name) + 4], cmd[MC_DATA * 2];
	bool quit = false;
	size_t len = 0;
	int i;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!resolve(argv[1]) || !open_socket())
		return 1;
	if (argc > 2) {
		cmd[0] = 0;
		for (i = 2; i < argc; i++) {
			int w = snprintf(cmd + len, sizeof(cmd) - len, "%s%s", i > 2 ? " " : "",
					 argv[i]);

			if (w < 0 || (size_t)w >= sizeof(cmd) - len) {
				fprintf(stderr, "uml_mconsole: command too long\n");
				return 1;
			}
			len += (size_t)w;
		}
		return run_line(cmd, &quit);
	}
	while (!quit) {
		char *line;

		snprintf(prompt, sizeof(prompt), "(%s) ", name);
		line = readline(prompt);
		if (!line) {
			putchar('\n');
			break;
		}
		if (*line)
			add_history(line);
		run_line(line, &quit);
		free(line);
	}
	return 0;
}
