/*
 * t_signalfd: signalfd/signalfd4. Flags and argument errors, reading
 * blocked signals as records (kill, sigqueue's value, SIGCHLD's status),
 * several records in one read, EAGAIN and poll/epoll readiness, a read
 * that sleeps until a signal comes, changing the mask through the fd,
 * and SIGKILL/SIGSTOP never being taken.
 */
#include "tg.h"

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>

static void show(const struct signalfd_siginfo *si, pid_t from)
{
	out("  signo %u code %d from us/child %s", si->ssi_signo, si->ssi_code,
	    yesno((pid_t)si->ssi_pid == from));
	if (si->ssi_signo == SIGCHLD)
		out(" status %d", si->ssi_status);
	if (si->ssi_code == SI_QUEUE)
		out(" int %d", si->ssi_int);
	out("\n");
}

int main(void)
{
	sigset_t set;
	struct signalfd_siginfo si[4];
	ssize_t r;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);

	out("bad flags: %s\n", er(signalfd(-1, &set, 0x1)));
	out("bad size: %s\n", er(syscall(SYS_signalfd4, -1, &set, 4, 0)));
	out("not a signalfd: %s\n", er(signalfd(1, &set, 0)));
	out("closed fd: %s\n", er(signalfd(999, &set, 0)));
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	out("signalfd: %s, cloexec %s, nonblock %s\n", er(fd),
	    yesno(fcntl(fd, F_GETFD) == FD_CLOEXEC), yesno(fcntl(fd, F_GETFL) & O_NONBLOCK));
	out("nothing pending: read %s, poll %s\n", er(read(fd, si, sizeof si)),
	    pmask(poll1(fd, POLLIN, 0)));
	out("short buffer: %s\n", er(read(fd, si, 10)));

	kill(getpid(), SIGUSR1);
	out("after kill: poll %s\n", pmask(poll1(fd, POLLIN, 0)));
	r = read(fd, si, sizeof si);
	out("read: %zd bytes\n", r);
	if (r > 0)
		show(&si[0], getpid());
	out("taken: still pending %s\n", yesno(({
		    sigset_t p;
		    sigpending(&p);
		    sigismember(&p, SIGUSR1);
	    })));

	union sigval v = {.sival_int = 4242};
	sigqueue(getpid(), SIGUSR2, v);
	kill(getpid(), SIGUSR1);
	r = read(fd, si, sizeof si);
	out("two pending, one read: %zd records\n", r / (ssize_t)sizeof si[0]);
	for (ssize_t i = 0; i < r / (ssize_t)sizeof si[0]; i++)
		show(&si[i], getpid());

	pid_t c = xfork();
	if (c == 0)
		_exit(7);
	out("SIGCHLD: poll %s\n", pmask(poll1(fd, POLLIN, 5000)));
	r = read(fd, si, sizeof si[0]);
	if (r > 0)
		show(&si[0], c);
	wait_for(c);

	/* A blocking read sleeps until a signal comes. */
	int bfd = signalfd(-1, &set, 0);
	c = xfork();
	if (c == 0) {
		usleep(100000);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	r = read(bfd, si, sizeof si[0]);
	out("blocking read: %zd bytes", r);
	out(", signo %u\n", r > 0 ? si[0].ssi_signo : 0);
	wait_for(c);
	read(fd, si, sizeof si); /* the SIGCHLD */

	/* epoll sees it too. */
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	out("epoll, nothing: %d\n", epoll_wait(ep, &ev, 1, 0));
	kill(getpid(), SIGUSR1);
	out("epoll after kill: %d\n", epoll_wait(ep, &ev, 1, 1000));
	read(fd, si, sizeof si);
	close(ep);

	/* A new mask through the fd; SIGKILL and SIGSTOP are left out. */
	sigset_t only2;
	sigemptyset(&only2);
	sigaddset(&only2, SIGUSR2);
	sigaddset(&only2, SIGKILL);
	sigaddset(&only2, SIGSTOP);
	out("new mask: same fd %s\n", yesno(signalfd(fd, &only2, 0) == fd));
	kill(getpid(), SIGUSR1);
	out("SIGUSR1 no longer read: %s\n", er(read(fd, si, sizeof si)));
	kill(getpid(), SIGUSR2);
	r = read(fd, si, sizeof si);
	out("SIGUSR2 read: %zd bytes\n", r);
	sigset_t p;
	sigpending(&p);
	out("SIGUSR1 still pending: %s\n", yesno(sigismember(&p, SIGUSR1)));
	close(fd);
	close(bfd);
	tg_exit();
}
