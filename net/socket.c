/*
 * The socket layer: socket files and the socket system calls. Addresses,
 * messages and control data are copied in and out here; each address
 * family (net/unix.c) sees only kernel memory through struct kmsg and
 * struct proto_ops (include/net.h).
 */
#include <asm/signal.h>
#include <linux/fcntl.h>
#include <linux/uio.h>

#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "net.h"
#include "poll.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#define UIO_MAXIOV 1024
#define SOCK_BUF_DEFAULT 212992
#define SOCK_BUF_MIN 4608
#define SOCK_BUF_MAX 212992 /* /proc/sys/net/core/[rw]mem_max */
#define SOCK_TIMEO_MAX_S (100ULL * 365 * 86400)

struct inode *anon_inode(void);

struct socket *sock_alloc(int family, int type, int protocol)
{
	struct socket *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->family = family;
	s->type = type;
	s->protocol = protocol;
	s->sndbuf = SOCK_BUF_DEFAULT;
	s->rcvbuf = SOCK_BUF_DEFAULT;
	return s;
}

void sock_free(struct socket *s)
{
	if (s->ops && s->ops->release)
		s->ops->release(s);
	kfree(s);
}

u64 sock_deadline(u64 timeout_ns)
{
	return timeout_ns ? ktime_ns() + timeout_ns : 0;
}

void cred_current(struct ucred_k *c)
{
	c->pid = current->tgid;
	c->uid = (u32)current->uid;
	c->gid = (u32)current->gid;
}

static struct socket *file_sock(struct file *f);

/* --- the socket file --- */

static ssize_t sock_read(struct file *f, struct uio *u, u64 *pos)
{
	struct socket *s = f->priv;
	struct kmsg *m = kzalloc(sizeof(*m));
	long rc;

	if (!m)
		return -ENOMEM;
	m->data = u;
	rc = s->ops->recvmsg(s, m, u->resid, (f->flags & O_NONBLOCK) ? MSG_DONTWAIT : 0);
	kfree(m);
	return rc;
}

static long send_and_signal(struct socket *s, struct kmsg *m, int flags)
{
	long rc = s->ops->sendmsg(s, m, flags);

	if (rc == -EPIPE && !(flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, true);
	return rc;
}

static ssize_t sock_write(struct file *f, struct uio *u, u64 *pos)
{
	struct socket *s = f->priv;
	struct kmsg *m = kzalloc(sizeof(*m));
	long rc;

	if (!m)
		return -ENOMEM;
	m->data = u;
	rc = send_and_signal(s, m, (f->flags & O_NONBLOCK) ? MSG_DONTWAIT : 0);
	kfree(m);
	return rc;
}

static unsigned sock_poll(struct file *f, struct poll_table *pt)
{
	struct socket *s = f->priv;

	return s->ops->poll(s, pt);
}

static void sock_release(struct file *f)
{
	sock_free(f->priv);
}

long dev_ioctl(unsigned cmd, u64 arg);

/* The family's ioctls, then the interface and route ioctls every socket
 * answers (glibc's if_nametoindex uses an AF_UNIX socket). */
static long sock_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct socket *s = f->priv;
	long rc = s->ops->ioctl ? s->ops->ioctl(s, cmd, arg) : -ENOIOCTLCMD;

	if (rc == -ENOIOCTLCMD)
		rc = dev_ioctl(cmd, arg);
	return rc == -ENOIOCTLCMD ? -ENOTTY : rc;
}

static const struct file_ops sock_fops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.release = sock_release,
};

static struct socket *file_sock(struct file *f)
{
	return f->fops == &sock_fops ? f->priv : NULL;
}

u64 sock_ino(const struct socket *s)
{
	return s->file ? s->file->inode->ino : 0;
}

struct file *sock_file(struct socket *s, int flags)
{
	struct inode *i = anon_inode();
	struct file *f;

	if (!i)
		return NULL;
	i->mode = S_IFSOCK | 0777;
	f = file_anon(i, &sock_fops, O_RDWR | (flags & O_NONBLOCK), s);
	inode_put(i);
	if (f)
		s->file = f;
	return f;
}

struct socket *sockfd_lookup(int fd, struct file **fp)
{
	struct file *f = fget(fd);
	struct socket *s;

	if (!f)
		return ERR_PTR(-EBADF);
	s = file_sock(f);
	if (!s) {
		file_put(f);
		return ERR_PTR(-ENOTSOCK);
	}
	*fp = f;
	return s;
}

/* Installs a socket as a new fd; frees the socket on failure. */
static long sock_install(struct socket *s, int flags)
{
	struct file *f = sock_file(s, flags);
	long fd;

	if (!f) {
		sock_free(s);
		return -ENOMEM;
	}
	fd = fd_install(f, (flags & SOCK_CLOEXEC) != 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long sock_create(int family, int type, int protocol, struct socket **out)
{
	int t = type & SOCK_TYPE_MASK;
	struct socket *s;
	long rc;

	if (type & ~(SOCK_TYPE_MASK | SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	if (family != AF_UNIX && family != AF_INET && family != AF_INET6 && family != AF_NETLINK &&
	    family != AF_PACKET)
		return -EAFNOSUPPORT;
	if (family == AF_UNIX) {
		if (t != SOCK_STREAM && t != SOCK_DGRAM && t != SOCK_SEQPACKET)
			return -ESOCKTNOSUPPORT;
		if (protocol != 0 && protocol != AF_UNIX)
			return -EPROTONOSUPPORT;
	} else if (protocol < 0 || protocol > 255) {
		return -EINVAL;
	}
	s = sock_alloc(family, t, protocol);
	if (!s)
		return -ENOMEM;
	switch (family) {
	case AF_UNIX: rc = unix_create(s); break;
	case AF_INET: rc = inet_create(s); break;
	case AF_INET6: rc = (int)inet6_create(s); break;
	case AF_NETLINK: rc = netlink_create(s); break;
	default: rc = packet_create(s);
	}
	if (rc < 0) {
		kfree(s);
		return rc;
	}
	*out = s;
	return 0;
}

long sys_socket(int family, int type, int protocol)
{
	struct socket *s;
	long rc = sock_create(family, type, protocol, &s);

	if (rc < 0)
		return rc;
	return sock_install(s, type & (SOCK_CLOEXEC | SOCK_NONBLOCK));
}

long unix_pair(struct socket *a, struct socket *b);

long sys_socketpair(int family, int type, int protocol, u64 usv)
{
	struct socket *a, *b;
	int sv[2];
	long rc;

	if (family != AF_UNIX)
		return family == AF_INET || family == AF_INET6 ? -EOPNOTSUPP : -EAFNOSUPPORT;
	rc = sock_create(family, type, protocol, &a);
	if (rc < 0)
		return rc;
	rc = sock_create(family, type, protocol, &b);
	if (rc < 0) {
		sock_free(a);
		return rc;
	}
	unix_pair(a, b);
	rc = sock_install(a, type & (SOCK_CLOEXEC | SOCK_NONBLOCK));
	if (rc < 0) {
		sock_free(b);
		return rc;
	}
	sv[0] = (int)rc;
	rc = sock_install(b, type & (SOCK_CLOEXEC | SOCK_NONBLOCK));
	if (rc < 0) {
		fd_close(sv[0]);
		return rc;
	}
	sv[1] = (int)rc;
	if (copy_to_user(usv, sv, sizeof(sv)) < 0) {
		fd_close(sv[0]);
		fd_close(sv[1]);
		return -EFAULT;
	}
	return 0;
}

/* --- addresses --- */

static long addr_in(u64 uaddr, u32 len, u8 *buf)
{
	if (len > 128)
		return -EINVAL;
	if (len && copy_from_user(buf, uaddr, len) < 0)
		return -EFAULT;
	return 0;
}

/* Copies an address out: at most *ulen bytes, and *ulen = the real length. */
static long addr_out(const u8 *addr, u32 len, u64 uaddr, u64 ulen)
{
	s32 room;

	if (!uaddr)
		return 0;
	if (copy_from_user(&room, ulen, sizeof(room)) < 0)
		return -EFAULT;
	if (room < 0)
		return -EINVAL;
	if (len && copy_to_user(uaddr, addr, MIN(len, (u32)room)) < 0)
		return -EFAULT;
	if (copy_to_user(ulen, &len, sizeof(len)) < 0)
		return -EFAULT;
	return 0;
}

static long addr_call(int fd, u64 uaddr, u32 len, bool connect)
{
	struct file *f;
	struct socket *s = sockfd_lookup(fd, &f);
	u8 addr[128];
	long rc;

	if (IS_ERR(s))
		return PTR_ERR(s);
	rc = addr_in(uaddr, len, addr);
	if (rc == 0)
		rc = connect ? s->ops->connect(s, addr, len) : s->ops->bind(s, addr, len);
	file_put(f);
	return rc;
}

long sys_bind(int fd, u64 uaddr, u32 len)
{
	return addr_call(fd, uaddr, len, false);
}

long sys_connect(int fd, u64 uaddr, u32 len)
{
	return addr_call(fd, uaddr, len, true);
}

long sys_listen(int fd, int backlog)
{
	struct file *f;
	struct socket *s = sockfd_lookup(fd, &f);
	long rc;

	if (IS_ERR(s))
		return PTR_ERR(s);
	rc = s->ops->listen(s, backlog);
	file_put(f);
	return rc;
}

long sys_accept4(int fd, u64 uaddr, u64 ulen, int flags)
{
	struct file *f;
	struct socket *s = sockfd_lookup(fd, &f), *ns;
	u8 addr[128];
	u32 alen = sizeof(addr);
	long rc, nfd;

	if (IS_ERR(s))
		return PTR_ERR(s);
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) {
		file_put(f);
		return -EINVAL;
	}
	/* No descriptor for it: fail before a connection leaves the queue. */
	if (!fd_available()) {
		file_put(f);
		return -EMFILE;
	}
	ns = s->ops->accept(s, (f->flags & O_NONBLOCK) != 0);
	file_put(f);
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	nfd = sock_install(ns, flags);
	if (nfd < 0)
		return nfd;
	if (uaddr) {
		rc = ns->ops->getname(ns, addr, &alen, true);
		if (rc == 0)
			rc = addr_out(addr, alen, uaddr, ulen);
		if (rc < 0) {
			fd_close((int)nfd);
			return rc;
		}
	}
	return nfd;
}

long sys_accept(int fd, u64 uaddr, u64 ulen)
{
	return sys_accept4(fd, uaddr, ulen, 0);
}

static long getname(int fd, u64 uaddr, u64 ulen, bool peer)
{
	struct file *f;
	struct socket *s = sockfd_lookup(fd, &f);
	u8 addr[128];
	u32 alen = sizeof(addr);
	long rc;

	if (IS_ERR(s))
		return PTR_ERR(s);
	rc = s->ops->getname(s, addr, &alen, peer);
	if (rc == 0)
		rc = addr_out(addr, alen, uaddr, ulen);
	file_put(f);
	return rc;
}

long sys_getsockname(int fd, u64 uaddr, u64 ulen)
{
	return getname(fd, uaddr, ulen, false);
}

long sys_getpeername(int fd, u64 uaddr, u64 ulen)
{
	return getname(fd, uaddr, ulen, true);
}

long sys_shutdown(int fd, int how)
{
	struct file *f;
	struct socket *s = sockfd_lookup(fd, &f);
	long rc;

	if (IS_ERR(s))
		return PTR_ERR(s);
	rc = how < SHUT_RD || how > SHUT_RDWR ? -EINVAL : s->ops->shutdown(s, how);
	file_put(f);
	return rc;
}

/* --- messages --- */

struct user_msghdr {
	u64 name;
	s32 namelen;
	u32 pad0;
	u64 iov;
	u64 iovlen;
	u64 control;
	u64 controllen;
	s32 flags;
	u32 pad1;
};

struct cmsg_hdr {
	u64 len;
	s32 level, type;
};

#define CMSG_ALIGN_K(n) (((n) + 7) & ~(size_t)7)

/* Builds a uio over a user iovec array; *segs is kmalloc'd when needed. */
static long import_iovec(u64 uiov, u64 cnt, struct uio *u, struct uio_seg **segs)
{
	struct iovec *iov;
	size_t total = 0;
	u64 i;

	*segs = NULL;
	if (cnt > UIO_MAXIOV)
		return -EMSGSIZE;
	u->kernel = false;
	u->nseg = (int)cnt;
	u->cur = 0;
	u->off = 0;
	u->resid = 0;
	u->segs = &u->one;
	u->one.base = 0;
	u->one.len = 0;
	if (!cnt)
		return 0;
	iov = kmalloc(sizeof(*iov) * cnt);
	*segs = kmalloc(sizeof(**segs) * cnt);
	if (!iov || !*segs) {
		kfree(iov);
		kfree(*segs);
		*segs = NULL;
		return -ENOMEM;
	}
	if (copy_from_user(iov, uiov, sizeof(*iov) * cnt) < 0) {
		kfree(iov);
		kfree(*segs);
		*segs = NULL;
		return -EFAULT;
	}
	for (i = 0; i < cnt; i++) {
		if ((long)iov[i].iov_len < 0 || total + iov[i].iov_len < total) {
			kfree(iov);
			kfree(*segs);
			*segs = NULL;
			return -EINVAL;
		}
		(*segs)[i].base = (u64)(uintptr_t)iov[i].iov_base;
		(*segs)[i].len = iov[i].iov_len;
		total += iov[i].iov_len;
	}
	kfree(iov);
	u->segs = *segs;
	u->resid = total;
	return 0;
}

static void kmsg_drop_fds(struct kmsg *m)
{
	int i;

	for (i = 0; i < m->nfds; i++)
		file_put(m->fds[i]);
	m->nfds = 0;
}

/* Reads SCM_RIGHTS and SCM_CREDENTIALS out of a user control buffer. */
static long parse_control(struct kmsg *m, u64 ucontrol, u64 len)
{
	u64 off = 0;

	if (len > 65536)
		return -ENOBUFS;
	while (off + sizeof(struct cmsg_hdr) <= len) {
		struct cmsg_hdr h;
		u64 dlen;

		if (copy_from_user(&h, ucontrol + off, sizeof(h)) < 0)
			return -EFAULT;
		if (h.len < sizeof(h) || h.len > len - off)
			return -EINVAL;
		dlen = h.len - sizeof(h);
		if (h.level != SOL_SOCKET) { /* not ours: Linux passes over it */
			off += CMSG_ALIGN_K(h.len);
			continue;
		}
		if (h.type == SCM_RIGHTS) {
			s32 fds[SCM_MAX_FD];
			u64 n = dlen / sizeof(s32), k;

			if (m->nfds + n > SCM_MAX_FD)
				return -EINVAL;
			if (copy_from_user(fds, ucontrol + off + sizeof(h), n * sizeof(s32)) < 0)
				return -EFAULT;
			for (k = 0; k < n; k++) {
				struct file *f = fget(fds[k]);

				if (!f)
					return -EBADF;
				m->fds[m->nfds++] = f;
			}
		} else if (h.type == SCM_CREDENTIALS) {
			struct ucred_k c;

			if (dlen != sizeof(c))
				return -EINVAL;
			if (copy_from_user(&c, ucontrol + off + sizeof(h), sizeof(c)) < 0)
				return -EFAULT;
			/* Only root may claim to be someone else. */
			if (current->euid != 0 &&
			    (c.pid != current->tgid || (c.uid != (u32)current->uid &&
							c.uid != (u32)current->euid) ||
			     (c.gid != (u32)current->gid && c.gid != (u32)current->egid)))
				return -EPERM;
			m->cred = c;
			m->has_cred = true;
		} else {
			return -EINVAL;
		}
		off += CMSG_ALIGN_K(h.len);
	}
	return 0;
}

/* Appends a control message to the receiver's buffer, or sets MSG_CTRUNC. */
long put_cmsg(struct kmsg *m, int level, int type, const void *data, size_t len)
{
	struct cmsg_hdr h = { .len = sizeof(h) + len, .level = level, .type = type };
	size_t space = CMSG_ALIGN_K(sizeof(h) + len);

	if (!m->ucontrol || m->controllen < sizeof(h) + len) {
		m->flags |= MSG_CTRUNC;
		return -ENOBUFS;
	}
	if (copy_to_user(m->ucontrol, &h, sizeof(h)) < 0 ||
	    copy_to_user(m->ucontrol + sizeof(h), data, len) < 0)
		return -EFAULT;
	space = MIN(space, m->controllen);
	m->ucontrol += space;
	m->controllen -= space;
	return 0;
}

/*
 * Installs received files as new fds and reports them in one SCM_RIGHTS
 * message; what does not fit is closed and MSG_CTRUNC set. Consumes the
 * references in files[].
 */
void scm_install_fds(struct kmsg *m, struct file **files, int n, bool cloexec)
{
	s32 fds[SCM_MAX_FD];
	size_t room = m->controllen > sizeof(struct cmsg_hdr) ?
			      (m->controllen - sizeof(struct cmsg_hdr)) / sizeof(s32) :
			      0;
	int i, k = 0;

	if (!m->ucontrol)
		room = 0;
	for (i = 0; i < n; i++) {
		long fd = (size_t)i < room ? fd_install(files[i], cloexec) : -1;

		if (fd < 0) {
			file_put(files[i]);
			m->flags |= MSG_CTRUNC;
			continue;
		}
		fds[k++] = (s32)fd;
	}
	if (k)
		put_cmsg(m, SOL_SOCKET, SCM_RIGHTS, fds, (size_t)k * sizeof(s32));
}

/* sendmsg/recvmsg of one user msghdr; the heart of every send/recv call. */
static long do_sendmsg(struct socket *s, struct file *f, u64 umsg, int flags)
{
	struct user_msghdr h;
	struct uio_seg *segs;
	struct kmsg *m;
	struct uio u;
	long rc;

	if (copy_from_user(&h, umsg, sizeof(h)) < 0)
		return -EFAULT;
	m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	rc = import_iovec(h.iov, h.iovlen, &u, &segs);
	if (rc == 0 && h.name && h.namelen) {
		rc = h.namelen < 0 ? -EINVAL : addr_in(h.name, (u32)h.namelen, m->name);
		m->namelen = (u32)h.namelen;
	}
	if (rc == 0 && h.control && h.controllen)
		rc = parse_control(m, h.control, h.controllen);
	if (rc == 0) {
		m->data = &u;
		if (f->flags & O_NONBLOCK)
			flags |= MSG_DONTWAIT;
		rc = send_and_signal(s, m, flags);
	}
	kmsg_drop_fds(m);
	kfree(segs);
	kfree(m);
	return rc;
}

static long do_recvmsg(struct socket *s, struct file *f, u64 umsg, int flags)
{
	struct user_msghdr h;
	struct uio_seg *segs;
	struct kmsg *m;
	struct uio u;
	size_t len;
	u64 used;
	long rc;

	if (copy_from_user(&h, umsg, sizeof(h)) < 0)
		return -EFAULT;
	m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	rc = import_iovec(h.iov, h.iovlen, &u, &segs);
	if (rc < 0) {
		kfree(m);
		return rc;
	}
	len = u.resid;
	m->data = &u;
	m->ucontrol = h.control;
	m->controllen = h.control ? h.controllen : 0;
	if (f->flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	rc = s->ops->recvmsg(s, m, len, flags);
	if (rc >= 0) {
		s32 outflags = m->flags;
		s32 nl = (s32)m->namelen;

		used = h.control ? h.controllen - m->controllen : 0;
		if (h.name && h.namelen >= 0 && m->namelen)
			copy_to_user(h.name, m->name, MIN((u32)h.namelen, m->namelen));
		if ((h.name && copy_to_user(umsg + 8, &nl, sizeof(nl)) < 0) ||
		    copy_to_user(umsg + 40, &used, sizeof(used)) < 0 ||
		    copy_to_user(umsg + 48, &outflags, sizeof(outflags)) < 0)
			rc = -EFAULT;
	}
	kfree(segs);
	kfree(m);
	return rc;
}

static long msg_call(int fd, u64 umsg, int flags, bool recv)
{
	struct file *f;
	struct socket *s = sockfd_lookup(fd, &f);
	long rc;

	if (IS_ERR(s))
		return PTR_ERR(s);
	rc = recv ? do_recvmsg(s, f, umsg, flags) : do_sendmsg(s, f, umsg, flags);
	file_put(f);
	return rc;
}

long sys_sendmsg(int fd, u64 umsg, int flags)
{
	return msg_call(fd, umsg, flags, false);
}

long sys_recvmsg(int fd, u64 umsg, int flags)
{
	return msg_call(fd, umsg, flags, true);
}

/* struct mmsghdr: a user_msghdr and the byte count of that message. */
#define MMSG_SIZE 64

/* sendmmsg and recvmmsg: one msghdr after another, each told its length. */
static long do_mmsg(int fd, u64 umsgs, unsigned vlen, int flags, bool recv)
{
	struct file *f;
	struct socket *s = sockfd_lookup(fd, &f);
	unsigned i;
	long rc = 0;

	if (IS_ERR(s))
		return PTR_ERR(s);
	vlen = MIN(vlen, UIO_MAXIOV);
	for (i = 0; i < vlen; i++) {
		u64 um = umsgs + (u64)i * MMSG_SIZE;
		u32 n;

		rc = recv ? do_recvmsg(s, f, um, flags) : do_sendmsg(s, f, um, flags);
		if (rc < 0)
			break;
		n = (u32)rc;
		if (copy_to_user(um + 56, &n, sizeof(n)) < 0) {
			rc = -EFAULT;
			break;
		}
		/* After the first message, take only what is already there. */
		if (recv && (flags & MSG_WAITFORONE))
			flags |= MSG_DONTWAIT;
	}
	file_put(f);
	return i ? (long)i : rc;
}

long sys_sendmmsg(int fd, u64 umsgs, unsigned vlen, int flags)
{
	return do_mmsg(fd, umsgs, vlen, flags, false);
}

long sys_recvmmsg(int fd, u64 umsgs, unsigned vlen, int flags, u64 utimeout)
{
	if (utimeout) /* a timeout would need a deadline across messages */
		return -EINVAL;
	return do_mmsg(fd, umsgs, vlen, flags, true);
}

long sys_sendto(int fd, u64 buf, size_t len, int flags, u64 uaddr, u32 alen)
{
	struct file *f;
	struct socket *s = sockfd_lookup(fd, &f);
	struct kmsg *m;
	struct uio u;
	long rc = 0;

	if (IS_ERR(s))
		return PTR_ERR(s);
	m = kzalloc(sizeof(*m));
	if (!m) {
		file_put(f);
		return -ENOMEM;
	}
	uio_init_user(&u, buf, len);
	if (uaddr && alen) {
		rc = addr_in(uaddr, alen, m->name);
		m->namelen = alen;
	}
	if (rc == 0) {
		m->data = &u;
		if (f->flags & O_NONBLOCK)
			flags |= MSG_DONTWAIT;
		rc = send_and_signal(s, m, flags);
	}
	kfree(m);
	file_put(f);
	return rc;
}

long sys_recvfrom(int fd, u64 buf, size_t len, int flags, u64 uaddr, u64 ulen)
{
	struct file *f;
	struct socket *s = sockfd_lookup(fd, &f);
	struct kmsg *m;
	struct uio u;
	long rc;

	if (IS_ERR(s))
		return PTR_ERR(s);
	m = kzalloc(sizeof(*m));
	if (!m) {
		file_put(f);
		return -ENOMEM;
	}
	uio_init_user(&u, buf, len);
	m->data = &u;
	if (f->flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	rc = s->ops->recvmsg(s, m, len, flags);
	if (rc >= 0 && uaddr) {
		long r2 = addr_out(m->name, m->namelen, uaddr, ulen);

		if (r2 < 0)
			rc = r2;
	}
	kfree(m);
	file_put(f);
	return rc;
}

/* --- options --- */

/* The SOL_SOCKET options every socket has; val is kernel memory. */
static long sock_setsockopt(struct socket *s, int name, const u8 *val, u32 len)
{
	s32 v = 0;

	if (name == SO_RCVTIMEO_OLD || name == SO_SNDTIMEO_OLD) {
		struct {
			s64 sec, usec;
		} tv;
		u64 ns;

		if (len < sizeof(tv))
			return -EINVAL;
		memcpy(&tv, val, sizeof(tv));
		if (tv.usec < 0 || tv.usec >= 1000000)
			return -EDOM;
		/* Negative: no timeout; huge: as good as none, never wrapped. */
		if (tv.sec < 0)
			ns = 0;
		else if ((u64)tv.sec > SOCK_TIMEO_MAX_S)
			ns = SOCK_TIMEO_MAX_S * 1000000000ULL;
		else
			ns = (u64)tv.sec * 1000000000ULL + (u64)tv.usec * 1000;
		if (name == SO_RCVTIMEO_OLD)
			s->rcvtimeo = ns;
		else
			s->sndtimeo = ns;
		return 0;
	}
	if (name == SO_LINGER)
		return len < 8 ? -EINVAL : 0;
	if (name == SO_BINDTODEVICE)
		return -ENOPROTOOPT; /* the family's */
	if (len < sizeof(v))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	if ((name == SO_SNDBUFFORCE || name == SO_RCVBUFFORCE) && current->euid != 0)
		return -EPERM;
	/* Linux caps by wmem_max/rmem_max, then doubles for overhead. */
	if ((name == SO_SNDBUF || name == SO_RCVBUF) && v > SOCK_BUF_MAX)
		v = SOCK_BUF_MAX;
	switch (name) {
	case SO_SNDBUF:
	case SO_SNDBUFFORCE:
		s->sndbuf = MAX(v > 0x7fffffff / 2 ? 0x7fffffff : v * 2, SOCK_BUF_MIN);
		break;
	case SO_RCVBUF:
	case SO_RCVBUFFORCE:
		s->rcvbuf = MAX(v > 0x7fffffff / 2 ? 0x7fffffff : v * 2, SOCK_BUF_MIN);
		break;
	case SO_PASSCRED:
		s->passcred = v != 0;
		break;
	case SO_REUSEADDR:
		s->reuseaddr = v != 0;
		break;
	case SO_KEEPALIVE:
		s->keepalive = v != 0;
		break;
	case SO_PRIORITY:
	case SO_BROADCAST:
	case SO_REUSEPORT:
	case SO_OOBINLINE:
	case SO_RCVLOWAT:
	case SO_TIMESTAMP_OLD:
		break; /* accepted; the family keeps what it needs */
	default:
		return -ENOPROTOOPT;
	}
	return 0;
}

long sys_setsockopt(int fd, int level, int name, u64 uval, u32 len)
{
	struct file *f;
	struct socket *s = sockfd_lookup(fd, &f);
	u8 buf[256];
	u32 n = MIN(len, (u32)sizeof(buf));
	long rc, r2;

	if (IS_ERR(s))
		return PTR_ERR(s);
	if ((s32)len < 0) {
		file_put(f);
		return -EINVAL;
	}
	memset(buf, 0, sizeof(buf));
	if (n && copy_from_user(buf, uval, n) < 0) {
		file_put(f);
		return -EFAULT;
	}
	if (level != SOL_SOCKET) {
		rc = s->ops->setsockopt ? s->ops->setsockopt(s, level, name, buf, n) : -EOPNOTSUPP;
	} else {
		rc = sock_setsockopt(s, name, buf, n);
		if ((rc == 0 || rc == -ENOPROTOOPT) && s->ops->setsockopt) {
			r2 = s->ops->setsockopt(s, SOL_SOCKET, name, buf, n);
			if (r2 != -ENOPROTOOPT)
				rc = r2;
		}
	}
	file_put(f);
	return rc;
}

long sys_getsockopt(int fd, int level, int name, u64 uval, u64 ulen)
{
	struct file *f;
	struct socket *s = sockfd_lookup(fd, &f);
	u8 buf[256];
	u32 blen = sizeof(s32);
	s32 room, v = 0;
	long rc = 0;

	if (IS_ERR(s))
		return PTR_ERR(s);
	if (copy_from_user(&room, ulen, sizeof(room)) < 0) {
		file_put(f);
		return -EFAULT;
	}
	if (room < 0) {
		file_put(f);
		return -EINVAL;
	}
	blen = sizeof(buf);
	if (level != SOL_SOCKET)
		rc = s->ops->getsockopt ? s->ops->getsockopt(s, level, name, buf, &blen) : -EOPNOTSUPP;
	else
		rc = s->ops->getsockopt ? s->ops->getsockopt(s, level, name, buf, &blen) : -ENOPROTOOPT;
	if (rc == -ENOPROTOOPT && level == SOL_SOCKET) {
		rc = 0;
		blen = sizeof(v);
		switch (name) {
		case SO_TYPE: v = s->type; break;
		case SO_DOMAIN: v = s->family; break;
		case SO_PROTOCOL: v = s->protocol; break;
		case SO_ACCEPTCONN: v = s->listening; break;
		case SO_ERROR:
			v = -s->error;
			s->error = 0;
			break;
		case SO_SNDBUF: v = s->sndbuf; break;
		case SO_RCVBUF: v = s->rcvbuf; break;
		case SO_PASSCRED: v = s->passcred; break;
		case SO_REUSEADDR: v = s->reuseaddr; break;
		case SO_KEEPALIVE: v = s->keepalive; break;
		case SO_RCVTIMEO_OLD:
		case SO_SNDTIMEO_OLD: {
			u64 ns = name == SO_RCVTIMEO_OLD ? s->rcvtimeo : s->sndtimeo;
			s64 tv[2] = { (s64)(ns / 1000000000ULL), (s64)(ns % 1000000000ULL / 1000) };

			memcpy(buf, tv, sizeof(tv));
			blen = sizeof(tv);
			break;
		}
		default: rc = -ENOPROTOOPT;
		}
		if (blen == sizeof(v))
			memcpy(buf, &v, sizeof(v));
	}
	if (rc == 0) {
		blen = MIN(blen, (u32)room);
		if (copy_to_user(uval, buf, blen) < 0 || copy_to_user(ulen, &blen, sizeof(blen)) < 0)
			rc = -EFAULT;
	}
	file_put(f);
	return rc;
}
