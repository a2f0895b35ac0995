/*
 * The socket layer (net/socket.c): socket files, the socket system calls,
 * and the interface each address family (net/unix.c, ...) implements.
 */
#ifndef NET_H
#define NET_H

#include <linux/socket.h>
#include <asm/socket.h>

#include "fs.h"
#include "task.h"
#include "types.h"

/* Not in the UAPI headers (glibc's <sys/socket.h> has them). */
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_CLOEXEC 02000000
#define SOCK_NONBLOCK 04000

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define AF_PACKET 17
#define SOL_NETLINK 270

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_WAITFORONE 0x10000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD 253

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

struct ucred_k {
	s32 pid;
	u32 uid, gid;
};

/* A message on its way in or out, in kernel terms. */
struct kmsg {
	struct uio *data;
	/* Address: in for send (NULL: none), out for receive. */
	u8 name[128];
	u32 namelen;
	/* send: what the control buffer held */
	struct file *fds[SCM_MAX_FD];
	int nfds;
	bool has_cred;
	struct ucred_k cred;
	/* receive: where control messages go (user memory) */
	u64 ucontrol;
	size_t controllen;  /* in: room; out: used */
	int flags;          /* receive: MSG_TRUNC, MSG_CTRUNC... */
};

struct socket;

struct proto_ops {
	void (*release)(struct socket *s);
	long (*bind)(struct socket *s, const u8 *addr, u32 len);
	long (*connect)(struct socket *s, const u8 *addr, u32 len);
	long (*listen)(struct socket *s, int backlog);
	/* Returns a new socket (without a file) or an ERR_PTR. */
	struct socket *(*accept)(struct socket *s, bool nonblock);
	long (*getname)(struct socket *s, u8 *addr, u32 *len, bool peer);
	long (*sendmsg)(struct socket *s, struct kmsg *m, int flags);
	long (*recvmsg)(struct socket *s, struct kmsg *m, size_t len, int flags);
	unsigned (*poll)(struct socket *s, struct poll_table *pt);
	long (*shutdown)(struct socket *s, int how);
	/* Options: for SOL_SOCKET the family answers first (SO_PEERCRED,
	 * SO_ERROR...) and -ENOPROTOOPT lets the generic code answer; a
	 * SOL_SOCKET option set generically is passed on too, its result
	 * ignored. Other levels are the family's alone (NULL: EOPNOTSUPP).
	 * val is kernel memory. */
	long (*getsockopt)(struct socket *s, int level, int name, void *val, u32 *len);
	long (*setsockopt)(struct socket *s, int level, int name, const void *val, u32 len);
	/* Socket ioctls (FIONREAD...); -ENOIOCTLCMD: not the family's. */
	long (*ioctl)(struct socket *s, unsigned cmd, u64 arg);
};

/* An ioctl nobody handles (becomes ENOTTY), as in Linux. */
#define ENOIOCTLCMD 515

struct socket {
	int family, type, protocol;
	const struct proto_ops *ops;
	struct file *file;      /* the open file, once there is one */
	void *proto;            /* the family's state */
	int sndbuf, rcvbuf;
	bool passcred, reuseaddr, keepalive, listening;
	int error;              /* SO_ERROR */
	u64 rcvtimeo, sndtimeo; /* SO_RCVTIMEO, SO_SNDTIMEO in ns; 0: none */
};

/* The deadline for a blocking operation with timeout ns (0: none). */
u64 sock_deadline(u64 timeout_ns);

/* /proc/net/unix: one line per AF_UNIX socket, as netstat reads it. */
int unix_proc_net(char *buf, size_t len);
/* Makes a socket of a family (net/socket.c calls the family's create). */
int unix_create(struct socket *s);
int inet_create(struct socket *s);
long inet6_create(struct socket *s);
int netlink_create(struct socket *s);
int packet_create(struct socket *s);
/* The inode number of a socket's file (0 once it is closed). */
u64 sock_ino(const struct socket *s);
struct socket *sock_alloc(int family, int type, int protocol);
void sock_free(struct socket *s);
/* Wraps a socket in a new file; the file owns it from then on. */
struct file *sock_file(struct socket *s, int flags);
/* The socket behind an fd (referenced through *fp), or ERR_PTR. */
struct socket *sockfd_lookup(int fd, struct file **fp);
/* The credentials a message from the current task carries. */
void cred_current(struct ucred_k *c);

#endif
