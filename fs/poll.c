/* poll, ppoll, select and pselect6 over the files' poll operations. */
#include <linux/poll.h>
#include <linux/time.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"
#include "syscall.h"
#include "timer.h"

void poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
	if (!pt || pt->n >= POLL_MAX_WAITS)
		return;
	pt->file[pt->n] = pt->cur;
	pt->put[pt->n] = NULL;
	if (pt->cur)
		file_get(pt->cur);
	wait_add(wq, &pt->w[pt->n++]);
}

void poll_wait_hold(struct poll_table *pt, struct wait_queue *wq, void (*put)(void *obj), void *obj)
{
	if (!pt || pt->n >= POLL_MAX_WAITS) {
		put(obj);
		return;
	}
	pt->file[pt->n] = NULL;
	pt->put[pt->n] = put;
	pt->obj[pt->n] = obj;
	wait_add(wq, &pt->w[pt->n++]);
}

void poll_table_free(struct poll_table *pt)
{
	int i, n = pt->n;

	/* Off every queue first: dropping a reference may free one. */
	for (i = 0; i < n; i++)
		wait_remove(&pt->w[i]);
	pt->n = 0;
	for (i = 0; i < n; i++) {
		if (pt->file[i])
			file_put(pt->file[i]);
		else if (pt->put[i])
			pt->put[i](pt->obj[i]);
	}
}

/* Readiness of one fd; POLLNVAL for a bad one. */
static unsigned poll_one(int fd, struct poll_table *pt)
{
	struct file *f;
	unsigned mask;

	if (fd < 0)
		return 0;
	f = fget(fd);
	if (!f)
		return POLLNVAL;
	if (f->fops && f->fops->poll) {
		if (pt)
			pt->cur = f;
		mask = f->fops->poll(f, pt);
		if (pt)
			pt->cur = NULL;
	} else
		mask = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
	file_put(f);
	return mask;
}

/* deadline: 0 = wait forever, ~0 = don't wait, else ktime deadline. */
#define NO_WAIT (~0ULL)

static long do_poll(struct pollfd *pfd, unsigned n, u64 deadline)
{
	struct poll_table *pt = kmalloc(sizeof(*pt));
	long count;
	unsigned i;

	if (!pt)
		return -ENOMEM;
	pt->n = 0;
	pt->cur = NULL;
	for (;;) {
		count = 0;
		for (i = 0; i < n; i++) {
			unsigned m = poll_one(pfd[i].fd, count ? NULL : pt);

			pfd[i].revents = (short)(m & ((unsigned)pfd[i].events | POLLERR |
						      POLLHUP | POLLNVAL));
			if (pfd[i].revents)
				count++;
		}
		if (count || deadline == NO_WAIT)
			break;
		if (signal_pending(current)) {
			count = -ERESTARTNOHAND;
			break;
		}
		if (deadline && ktime_ns() >= deadline)
			break;
		schedule_timeout(deadline, "poll");
		poll_table_free(pt);
	}
	poll_table_free(pt);
	kfree(pt);
	return count;
}

static long poll_common(u64 ufds, unsigned n, u64 deadline)
{
	struct pollfd *pfd;
	long rc;

	if (n > NR_OPEN_MAX)
		return -EINVAL;
	pfd = kmalloc(sizeof(*pfd) * (n ? n : 1));
	if (!pfd)
		return -ENOMEM;
	if (copy_from_user(pfd, ufds, sizeof(*pfd) * n) < 0) {
		kfree(pfd);
		return -EFAULT;
	}
	rc = do_poll(pfd, n, deadline);
	if (rc >= 0) {
		unsigned i;

		for (i = 0; i < n; i++)
			if (copy_to_user(ufds + i * sizeof(*pfd) + 6, &pfd[i].revents, 2) < 0)
				rc = -EFAULT;
	}
	kfree(pfd);
	return rc;
}

static u64 deadline_ms(int ms)
{
	if (ms < 0)
		return 0;
	if (ms == 0)
		return NO_WAIT;
	return ktime_ns() + (u64)ms * 1000000ULL;
}

static int deadline_ts(u64 uts, u64 *deadline)
{
	struct __kernel_timespec ts;

	if (!uts) {
		*deadline = 0;
		return 0;
	}
	if (copy_from_user(&ts, uts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	if (ts.tv_sec == 0 && ts.tv_nsec == 0)
		*deadline = NO_WAIT;
	else
		*deadline = ktime_ns() + (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	return 0;
}

/* Applies a temporary signal mask for ppoll/pselect6 (restored later). */
int set_temp_sigmask(u64 umask, size_t size);

/* ppoll and pselect6 write the time left back, as Linux does. */
static void put_remaining(u64 uts, u64 deadline)
{
	u64 now = ktime_ns(), left;
	struct __kernel_timespec ts;

	if (!uts || !deadline || deadline == NO_WAIT)
		return;
	left = deadline > now ? deadline - now : 0;
	ts.tv_sec = (s64)(left / NSEC_PER_SEC);
	ts.tv_nsec = (s64)(left % NSEC_PER_SEC);
	copy_to_user(uts, &ts, sizeof(ts));
}

long sys_poll(u64 ufds, unsigned n, int ms)
{
	return poll_common(ufds, n, deadline_ms(ms));
}

long sys_ppoll(u64 ufds, unsigned n, u64 uts, u64 umask, size_t size)
{
	u64 deadline;
	long rc = deadline_ts(uts, &deadline);

	if (rc < 0)
		return rc;
	if (umask) {
		rc = set_temp_sigmask(umask, size);
		if (rc < 0)
			return rc;
	}
	rc = poll_common(ufds, n, deadline);
	if (rc == -ERESTARTNOHAND)
		rc = -EINTR;
	put_remaining(uts, deadline);
	return rc;
}

#define FDS_WORDS (NR_OPEN_MAX / 64)

static long do_select(int n, u64 uin, u64 uout, u64 uex, u64 deadline)
{
	u64 in[FDS_WORDS] = { 0 }, out[FDS_WORDS] = { 0 }, ex[FDS_WORDS] = { 0 };
	u64 rin[FDS_WORDS], rout[FDS_WORDS], rex[FDS_WORDS];
	size_t bytes;
	struct poll_table *pt;
	long count;
	int fd;

	if (n < 0)
		return -EINVAL;
	if (n > NR_OPEN_MAX)
		n = NR_OPEN_MAX;
	bytes = ALIGN_UP((size_t)n, 64) / 8;
	if ((uin && copy_from_user(in, uin, bytes) < 0) ||
	    (uout && copy_from_user(out, uout, bytes) < 0) ||
	    (uex && copy_from_user(ex, uex, bytes) < 0))
		return -EFAULT;
	pt = kmalloc(sizeof(*pt));
	if (!pt)
		return -ENOMEM;
	pt->n = 0;
	pt->cur = NULL;
	for (;;) {
		count = 0;
		memset(rin, 0, sizeof(rin));
		memset(rout, 0, sizeof(rout));
		memset(rex, 0, sizeof(rex));
		for (fd = 0; fd < n; fd++) {
			u64 bit = 1ULL << (fd % 64);
			int w = fd / 64;
			unsigned m;

			if (!((in[w] | out[w] | ex[w]) & bit))
				continue;
			m = poll_one(fd, count ? NULL : pt);
			if (m & POLLNVAL) {
				count = -EBADF;
				goto done;
			}
			if ((in[w] & bit) && (m & (POLLIN | POLLHUP | POLLERR))) {
				rin[w] |= bit;
				count++;
			}
			if ((out[w] & bit) && (m & (POLLOUT | POLLERR))) {
				rout[w] |= bit;
				count++;
			}
			if ((ex[w] & bit) && (m & POLLPRI)) {
				rex[w] |= bit;
				count++;
			}
		}
		if (count || deadline == NO_WAIT)
			break;
		if (signal_pending(current)) {
			count = -ERESTARTNOHAND;
			goto done;
		}
		if (deadline && ktime_ns() >= deadline)
			break;
		schedule_timeout(deadline, "select");
		poll_table_free(pt);
	}
	if ((uin && copy_to_user(uin, rin, bytes) < 0) ||
	    (uout && copy_to_user(uout, rout, bytes) < 0) ||
	    (uex && copy_to_user(uex, rex, bytes) < 0))
		count = -EFAULT;
done:
	poll_table_free(pt);
	kfree(pt);
	return count;
}

long sys_select(int n, u64 in, u64 out, u64 ex, u64 utv)
{
	u64 deadline = 0;
	long rc;

	if (utv) {
		struct {
			s64 sec, usec;
		} tv;

		if (copy_from_user(&tv, utv, sizeof(tv)) < 0)
			return -EFAULT;
		if (tv.sec < 0 || tv.usec < 0)
			return -EINVAL;
		deadline = (tv.sec == 0 && tv.usec == 0) ?
				   NO_WAIT :
				   ktime_ns() + (u64)tv.sec * NSEC_PER_SEC +
					   (u64)tv.usec * 1000;
	}
	rc = do_select(n, in, out, ex, deadline);
	if (utv && deadline != NO_WAIT && rc >= 0) {
		u64 now = ktime_ns(), left = deadline > now ? deadline - now : 0;
		struct {
			s64 sec, usec;
		} tv = { (s64)(left / NSEC_PER_SEC), (s64)(left % NSEC_PER_SEC) / 1000 };

		copy_to_user(utv, &tv, sizeof(tv));
	}
	return rc;
}

long sys_pselect6(int n, u64 in, u64 out, u64 ex, u64 uts, u64 usig)
{
	u64 deadline;
	long rc = deadline_ts(uts, &deadline);

	if (rc < 0)
		return rc;
	if (usig) {
		struct {
			u64 mask;
			size_t size;
		} s;

		if (copy_from_user(&s, usig, sizeof(s)) < 0)
			return -EFAULT;
		if (s.mask) {
			rc = set_temp_sigmask(s.mask, s.size);
			if (rc < 0)
				return rc;
		}
	}
	rc = do_select(n, in, out, ex, deadline);
	if (rc == -ERESTARTNOHAND)
		rc = -EINTR;
	put_remaining(uts, deadline);
	return rc;
}
