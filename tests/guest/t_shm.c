/*
 * t_shm: POSIX shared memory and named semaphores, as Python's
 * multiprocessing and databases use them: shm_open in /dev/shm, sizing and
 * mapping it in two processes, sem_open semaphores that block one process
 * until another posts (futexes on a shared file mapping), a process-shared
 * pthread mutex and condition variable in shared anonymous memory, and
 * unlinking.
 */
#include "tg.h"

#include <pthread.h>
#include <semaphore.h>
#include <sys/mman.h>

struct shared {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int turn;
	int count;
};

int main(void)
{
	char name[64], sname[64];
	int fd;

	snprintf(name, sizeof name, "/t_shm.%d", getpid());
	snprintf(sname, sizeof sname, "/t_shm_sem.%d", getpid());
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	out("shm_open: %s\n", er(fd));
	out("O_EXCL again: %s\n", er(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600)));
	out("ftruncate: %s\n", er(ftruncate(fd, 65536)));
	char *m = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	out("mmap: %s\n", yesno(m != MAP_FAILED));
	char path[128];
	struct stat st;
	snprintf(path, sizeof path, "/dev/shm%s", name);
	out("visible in /dev/shm: %s\n", er(stat(path, &st)));
	out("  size %lld mode %o\n", (long long)st.st_size, st.st_mode & 0777);

	sem_t *ready = sem_open(sname, O_CREAT | O_EXCL, 0600, 0);
	out("sem_open: %s\n", yesno(ready != SEM_FAILED));
	pid_t kid = fork();
	if (kid == 0) {
		/* A separate opening of the same objects, as an unrelated
		 * process would do. */
		int cfd = shm_open(name, O_RDWR, 0);
		char *cm = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
		sem_t *cs = sem_open(sname, 0);

		strcpy(cm + 60000, "from the child");
		sem_post(cs);
		_exit(0);
	}
	int w = sem_wait(ready);
	out("sem_wait woke: %s, child wrote: %s\n", er(w), m + 60000);
	waitpid(kid, NULL, 0);
	int v = -1;
	sem_getvalue(ready, &v);
	out("semaphore back to %d\n", v);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	w = sem_timedwait(ready, &ts);
	out("sem_timedwait with nothing posted: %s\n", w == 0 ? "ok" : ename(errno));
	out("sem_trywait: %s\n", sem_trywait(ready) == 0 ? "ok" : ename(errno));
	sem_close(ready);
	out("sem_unlink: %s\n", er(sem_unlink(sname)));
	munmap(m, 65536);
	close(fd);
	out("shm_unlink: %s\n", er(shm_unlink(name)));
	out("gone: %s\n", er(shm_open(name, O_RDWR, 0)));

	/* Process-shared mutex and condition variable: ping-pong 200 turns. */
	struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&s->mu, &ma);
	pthread_cond_init(&s->cv, &ca);
	kid = fork();
	int me = kid == 0 ? 1 : 0;
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&s->mu);
		while (s->turn != me)
			pthread_cond_wait(&s->cv, &s->mu);
		s->count++;
		s->turn = !me;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
	if (kid == 0)
		_exit(0);
	waitpid(kid, NULL, 0);
	out("process-shared ping-pong count: %d\n", s->count);
	tg_exit();
}
