/*
 * fsbench: file-system microbenchmarks run inside a guest (or natively):
 * sequential write with fsync, sequential read, and create / stat /
 * unlink of many small files. Prints "bench: <name> <value> <unit>" lines.
 * Usage: fsbench <directory> [MiB]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NFILES 1000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	long mib = argc > 2 ? atol(argv[2]) : 32, i;
	static char buf[65536];
	char path[4096];
	struct stat st;
	double t0, t;
	int fd;

	memset(buf, 0x5a, sizeof(buf));
	snprintf(path, sizeof(path), "%s/fsbench.dat", dir);
	t0 = now();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror("open");
		return 1;
	}
	for (i = 0; i < mib * 16; i++)
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
			perror("write");
			return 1;
		}
	fsync(fd);
	close(fd);
	t = now() - t0;
	printf("bench: seq_write_fsync %.1f MB/s\n", (double)mib / t);

	t0 = now();
	fd = open(path, O_RDONLY);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	t = now() - t0;
	printf("bench: seq_read %.1f MB/s\n", (double)mib / t);
	unlink(path);

	t0 = now();
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			perror("create");
			return 1;
		}
		close(fd);
	}
	t = now() - t0;
	printf("bench: create %.0f ops/s\n", NFILES / t);
	t0 = now();
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		stat(path, &st);
	}
	t = now() - t0;
	printf("bench: stat %.0f ops/s\n", NFILES / t);
	t0 = now();
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		unlink(path);
	}
	t = now() - t0;
	printf("bench: unlink %.0f ops/s\n", NFILES / t);
	sync();
	return 0;
}
