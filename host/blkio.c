/*
 * Host side of block devices: opening image files (with whole-file fcntl
 * locks) and an I/O thread that executes batches of pread/pwrite/fdatasync
 * so the kernel CPU keeps running other tasks meanwhile. A finished batch
 * is reported by writing its token to a pipe the kernel watches as an
 * interrupt source; the thread never touches kernel state.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"

struct batch {
	struct batch *next;
	struct host_io *ops;
	int n;
	u64 token;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct batch *head, *tail;
static int done_pipe[2] = { -1, -1 };
static pthread_t thread;

static int run_op(struct host_io *op)
{
	size_t done = 0;
	ssize_t r;

	if (op->op == HOST_IO_FLUSH)
		return fdatasync(op->fd) < 0 ? -errno : 0;
	while (done < op->len) {
		if (op->op == HOST_IO_READ)
			r = pread(op->fd, (char *)op->buf + done, op->len - done,
				  (off_t)(op->off + done));
		else
			r = pwrite(op->fd, (char *)op->buf + done, op->len - done,
				   (off_t)(op->off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0) {
			if (op->op != HOST_IO_READ)
				return -EIO;
			/* Past the end of the file: reads as zeros. */
			memset((char *)op->buf + done, 0, op->len - done);
			break;
		}
		done += (size_t)r;
	}
	return 0;
}

static void *io_thread(void *arg)
{
	sigset_t all;

	(void)arg;
	host_cpus_enter_helper();
	/* Host signals are the kernel thread's business. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		struct batch *b;
		int i;

		pthread_mutex_lock(&lock);
		while (!head)
			pthread_cond_wait(&cond, &lock);
		b = head;
		head = b->next;
		if (!head)
			tail = NULL;
		pthread_mutex_unlock(&lock);
		for (i = 0; i < b->n; i++) {
			b->ops[i].result = run_op(&b->ops[i]);
			if (b->ops[i].result < 0)
				break;
		}
		for (i++; i < b->n; i++)
			b->ops[i].result = -ECANCELED;
		while (write(done_pipe[1], &b->token, sizeof(b->token)) < 0 && errno == EINTR)
			;
		free(b);
	}
	return NULL;
}

int host_blkio_init(void)
{
	if (pipe2(done_pipe, O_CLOEXEC) < 0)
		return -errno;
	if (pthread_create(&thread, NULL, io_thread, NULL) != 0) {
		close(done_pipe[0]);
		close(done_pipe[1]);
		return -EAGAIN;
	}
	return done_pipe[0];
}

int host_blkio_submit(struct host_io *ops, int n, u64 token)
{
	struct batch *b = malloc(sizeof(*b));

	if (!b)
		return -ENOMEM;
	b->ops = ops;
	b->n = n;
	b->token = token;
	b->next = NULL;
	pthread_mutex_lock(&lock);
	if (tail)
		tail->next = b;
	else
		head = b;
	tail = b;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	return 0;
}

int host_blkio_reap(u64 *tokens, int max)
{
	ssize_t r = read(done_pipe[0], tokens, sizeof(u64) * (size_t)max);

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	return (int)(r / (ssize_t)sizeof(u64));
}

int host_disk_open(const char *path, bool writable, bool sync, bool lock_it,
		   u64 *size, u64 *mtime)
{
	struct stat st;
	int fd, flags = (writable ? O_RDWR : O_RDONLY) | (sync ? O_SYNC : 0);

	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(fd, 0, SEEK_END);

		*size = end < 0 ? 0 : (u64)end;
	} else {
		*size = (u64)st.st_size;
	}
	*mtime = (u64)st.st_mtime;
	if (lock_it) {
		struct flock fl = { .l_type = writable ? F_WRLCK : F_RDLCK,
				    .l_whence = SEEK_SET };

		if (fcntl(fd, F_SETLK, &fl) < 0) {
			int e = errno;

			close(fd);
			return e == EACCES || e == EAGAIN ? -EBUSY : -e;
		}
	}
	return fd;
}

int host_disk_create(const char *path, u64 size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0) {
		int e = errno;

		close(fd);
		unlink(path);
		return -e;
	}
	close(fd);
	return 0;
}

int host_realpath(const char *path, char *out, size_t len)
{
	char *r = realpath(path, NULL);

	if (!r)
		return -errno;
	if (strlen(r) >= len) {
		free(r);
		return -ENAMETOOLONG;
	}
	strcpy(out, r);
	free(r);
	return 0;
}
