/*
 * Host events: the periodic tick, termination signals and the epoll set of
 * watched fds. Signal handlers only set flags in host_irq; the kernel reads
 * them at safe points. Handlers are installed without SA_RESTART so that a
 * tick interrupts a blocking waitpid() or epoll_wait().
 *
 * A watched fd that becomes readable (a frame on a network transport,
 * console input...) is an interrupt: the kernel must not wait for the
 * next tick to see it while a guest runs. An interrupt thread waits on a
 * second, edge-triggered epoll set of the same fds and, on an event,
 * sets host_irq.io and sends SIGIO to the kernel thread, whose wait for
 * the guest it interrupts. It never reads the fds nor touches kernel
 * state: the kernel reads them at its safe point (kernel/irq.c).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <unistd.h>

#include "host.h"

struct host_irq_flags host_irq;
static int epfd = -1, notify_epfd = -1;
static pthread_t kernel_thread, irq_thread;

static void on_tick(int sig)
{
	(void)sig;
	host_irq.tick = 1;
}

static void on_term(int sig)
{
	(void)sig;
	host_irq.terminate = 1;
}

static void on_io(int sig)
{
	(void)sig; /* host_irq.io is set already: this only interrupts a wait */
}

static void *irq_thread_main(void *arg)
{
	sigset_t all;

	(void)arg;
	host_cpus_enter_helper();
	/* Host signals are the kernel thread's business. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		struct epoll_event ev[8];
		int n = epoll_wait(notify_epfd, ev, 8, -1);

		if (n < 0 && errno != EINTR)
			return NULL;
		if (n > 0 && !host_irq.io) {
			host_irq.io = 1;
			pthread_kill(kernel_thread, SIGIO);
		}
	}
}

int host_irq_init(unsigned hz)
{
	struct sigaction sa;
	struct itimerval it;
	static char altstack[65536];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};

	/* Handlers run on their own stack: kernel task stacks are small. */
	if (sigaltstack(&ss, NULL) < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_ONSTACK;
	sa.sa_handler = on_tick;
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		return -errno;
	sa.sa_handler = on_io;
	if (sigaction(SIGIO, &sa, NULL) < 0)
		return -errno;
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);

	epfd = epoll_create1(EPOLL_CLOEXEC);
	notify_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0 || notify_epfd < 0)
		return -errno;
	kernel_thread = pthread_self();
	if (pthread_create(&irq_thread, NULL, irq_thread_main, NULL) != 0)
		return -EAGAIN;

	memset(&it, 0, sizeof(it));
	it.it_interval.tv_usec = 1000000 / hz;
	it.it_value = it.it_interval;
	if (setitimer(ITIMER_REAL, &it, NULL) < 0)
		return -errno;
	return 0;
}

int host_irq_watch(int fd, u64 token)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = token};
	struct epoll_event edge = {.events = EPOLLIN | EPOLLET, .data.u64 = token};

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	if (epoll_ctl(notify_epfd, EPOLL_CTL_ADD, fd, &edge) < 0) {
		int e = errno;

		epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
		return -e;
	}
	return 0;
}

int host_irq_watch_out(int fd, u64 token, bool out)
{
	struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.u64 = token};
	struct epoll_event edge = {.events = ev.events | EPOLLET, .data.u64 = token};

	if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	return epoll_ctl(notify_epfd, EPOLL_CTL_MOD, fd, &edge) < 0 ? -errno : 0;
}

int host_irq_unwatch(int fd)
{
	epoll_ctl(notify_epfd, EPOLL_CTL_DEL, fd, NULL);
	return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL) < 0 ? -errno : 0;
}

int host_irq_wait(s64 timeout_ns, u64 *tokens, int max)
{
	struct epoll_event ev[16];
	int ms, n, i;

	if (timeout_ns < 0)
		ms = -1;
	else
		ms = (int)((timeout_ns + 999999) / 1000000);
	if (max > 16)
		max = 16;
	n = epoll_wait(epfd, ev, max, ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++)
		tokens[i] = ev[i].data.u64;
	return n;
}
