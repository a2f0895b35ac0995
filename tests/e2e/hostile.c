/*
 * hostile: guest-side tricks a root user inside the machine may play on
 * the kernel, for tests/e2e/mconsole.sh. Static, runs inside ./linux.
 *   hostile deepdir DIR N        makes a chain of N nested directories
 *                                under DIR (deeper than any path allows)
 *   hostile cloneparent PROG ARG...
 *                                clone(CLONE_PARENT) and run PROG in the
 *                                child: as the hotplug helper, a process
 *                                whose parent is the kernel itself
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "deepdir")) {
		long n = atol(argv[3]), i;

		if (chdir(argv[2]) < 0) {
			perror("hostile: chdir");
			return 1;
		}
		for (i = 0; i < n; i++) {
			if (mkdir("d", 0755) < 0 || chdir("d") < 0) {
				perror("hostile: mkdir");
				return 1;
			}
		}
		printf("hostile: %ld levels\n", n);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "cloneparent")) {
		long pid = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);

		if (pid == 0) {
			execv(argv[2], argv + 2);
			_exit(127);
		}
		return pid < 0;
	}
	fprintf(stderr, "usage: hostile deepdir DIR N | hostile cloneparent PROG ARG...\n");
	return 2;
}
