/* Pipes and FIFOs: a 64 KiB ring per pipe, readers and writers counted. */
#include <asm/signal.h>
#include <linux/fcntl.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"
#include "syscall.h"

#define PIPE_SIZE 65536
#define PIPE_BUF 4096

struct pipe {
	char *buf;
	u32 head, len; /* read position, bytes stored */
	int readers, writers;
	u32 r_opens, w_opens; /* FIFO opens so far: a waiting open ends when
				 the other side has opened, even if gone again */
	struct wait_queue wq;
};

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->buf = kmalloc(PIPE_SIZE);
	if (!p->buf) {
		kfree(p);
		return NULL;
	}
	wq_init(&p->wq);
	return p;
}

static void pipe_maybe_free(struct inode *i, struct pipe *p)
{
	if (p->readers == 0 && p->writers == 0) {
		kfree(p->buf);
		kfree(p);
		i->pipe = NULL;
	}
}

static ssize_t pipe_read(struct file *f, struct uio *u, u64 *pos)
{
	struct pipe *p = f->inode->pipe;
	ssize_t done = 0;
	long rc;

	if (u->resid == 0)
		return 0;
	for (;;) {
		if (p->len > 0)
			break;
		if (p->writers == 0)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(&p->wq, p->len > 0 || p->writers == 0,
					      "pipe_read");
		if (rc < 0)
			return rc;
	}
	while (p->len > 0 && u->resid > 0) {
		size_t chunk = MIN((size_t)p->len, (size_t)(PIPE_SIZE - p->head));
		long c;

		chunk = MIN(chunk, u->resid);
		c = uio_copy_to(u, p->buf + p->head, chunk);
		if (c <= 0) {
			if (!done)
				done = c < 0 ? c : -EFAULT;
			break;
		}
		p->head = (p->head + (u32)c) % PIPE_SIZE;
		p->len -= (u32)c;
		done += c;
	}
	if (p->len == 0)
		p->head = 0;
	wake_up_poll(&p->wq, POLLOUT);
	return done;
}

static ssize_t pipe_write(struct file *f, struct uio *u, u64 *pos)
{
	struct pipe *p = f->inode->pipe;
	size_t total = u->resid;
	ssize_t done = 0;
	long rc;

	while (u->resid > 0) {
		size_t space, tail, chunk;
		long c;

		if (p->readers == 0) {
			send_sig(SIGPIPE, current, false);
			return done ? done : -EPIPE;
		}
		space = PIPE_SIZE - p->len;
		/* Writes of at most PIPE_BUF bytes are atomic. */
		if (space == 0 || (total <= PIPE_BUF && space < u->resid)) {
			if (f->flags & O_NONBLOCK)
				return done ? done : -EAGAIN;
			rc = wait_event_interruptible(&p->wq,
						      p->readers == 0 ||
							      PIPE_SIZE - p->len >=
								      (total <= PIPE_BUF ? u->resid : 1),
						      "pipe_write");
			if (rc < 0)
				return done ? done : rc;
			continue;
		}
		tail = (p->head + p->len) % PIPE_SIZE;
		chunk = MIN(space, (size_t)(PIPE_SIZE - tail));
		chunk = MIN(chunk, u->resid);
		c = uio_copy_from(u, p->buf + tail, chunk);
		if (c <= 0)
			return done ? done : (c < 0 ? c : -EFAULT);
		p->len += (u32)c;
		done += c;
		wake_up_poll(&p->wq, POLLIN);
	}
	return done;
}

static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->inode->pipe;
	unsigned mask = 0;

	poll_wait(pt, &p->wq);
	if (f->mode & FMODE_READ) {
		if (p->len > 0)
			mask |= POLLIN | POLLRDNORM;
		if (p->writers == 0)
			mask |= POLLHUP;
	}
	if (f->mode & FMODE_WRITE) {
		if (PIPE_SIZE - p->len >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			mask |= POLLERR;
	}
	return mask;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->inode->pipe;

	if (!p)
		return;
	if (f->mode & FMODE_READ)
		p->readers--;
	if (f->mode & FMODE_WRITE)
		p->writers--;
	wake_up(&p->wq);
	pipe_maybe_free(f->inode, p);
}

static long pipe_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct pipe *p = f->inode->pipe;

	if (cmd == 0x541B /* FIONREAD */) {
		int n = (int)p->len;

		return copy_to_user(arg, &n, sizeof(n));
	}
	return -ENOTTY;
}

static const struct file_ops pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.release = pipe_release,
	.ioctl = pipe_ioctl,
};

/* Opening a FIFO attaches to (or creates) the inode's pipe. */
static int fifo_open(struct inode *i, struct file *f)
{
	struct pipe *p = i->pipe;
	long rc;

	if (!p) {
		p = pipe_alloc();
		if (!p)
			return -ENOMEM;
		i->pipe = p;
	}
	if (f->mode & FMODE_READ) {
		p->readers++;
		p->r_opens++;
	}
	if (f->mode & FMODE_WRITE) {
		p->writers++;
		p->w_opens++;
	}
	wake_up(&p->wq);
	if ((f->mode & FMODE_WRITE) && !(f->mode & FMODE_READ) && !p->readers) {
		u32 seen = p->r_opens;

		if (f->flags & O_NONBLOCK) {
			p->writers--;
			pipe_maybe_free(i, p);
			return -ENXIO;
		}
		rc = wait_event_interruptible(&p->wq, p->r_opens != seen, "fifo_open");
		if (rc < 0) {
			p->writers--;
			pipe_maybe_free(i, p);
			return (int)rc;
		}
	}
	if ((f->mode & FMODE_READ) && !(f->mode & FMODE_WRITE) && !p->writers &&
	    !(f->flags & O_NONBLOCK)) {
		u32 seen = p->w_opens;

		rc = wait_event_interruptible(&p->wq, p->w_opens != seen, "fifo_open");
		if (rc < 0) {
			p->readers--;
			pipe_maybe_free(i, p);
			return (int)rc;
		}
	}
	return 0;
}

const struct file_ops fifo_fops = {
	.open = fifo_open,
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.release = pipe_release,
	.ioctl = pipe_ioctl,
};

static struct super_block *pipefs_sb;

long sys_pipe2(u64 ufds, int flags)
{
	struct inode *i;
	struct pipe *p;
	struct file *r, *w;
	int fds[2];
	bool ce = (flags & O_CLOEXEC) != 0;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if (!pipefs_sb) {
		static struct fs_type pipefs = { .name = "pipefs", .nodev = true };

		pipefs_sb = sb_alloc(&pipefs);
		if (!pipefs_sb)
			return -ENOMEM;
	}
	i = inode_alloc(pipefs_sb, S_IFIFO | 0600);
	if (!i)
		return -ENOMEM;
	i->uid = current->fsuid;
	i->gid = current->fsgid;
	p = pipe_alloc();
	if (!p) {
		inode_put(i);
		return -ENOMEM;
	}
	i->pipe = p;
	p->readers = 1;
	p->writers = 1;
	r = file_anon(i, &pipe_fops, O_RDONLY | (flags & O_NONBLOCK), NULL);
	w = file_anon(i, &pipe_fops, O_WRONLY | (flags & O_NONBLOCK), NULL);
	inode_put(i);
	if (!r || !w) {
		file_put(r);
		file_put(w);
		return -ENOMEM;
	}
	fds[0] = fd_install(r, ce);
	if (fds[0] < 0) {
		file_put(r);
		file_put(w);
		return fds[0];
	}
	fds[1] = fd_install(w, ce);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		file_put(w);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds)) < 0) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(u64 ufds)
{
	return sys_pipe2(ufds, 0);
}
