/* Process identity: pids, credentials, process groups and sessions. */
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "syscall.h"
#include "task.h"

long sys_getpid(void) { return current->tgid; }
long sys_gettid(void) { return current->pid; }
long sys_getppid(void)
{
	struct task *p = current->group_leader->parent;

	return p ? p->tgid : 0;
}
long sys_getuid(void) { return current->uid; }
long sys_geteuid(void) { return current->euid; }
long sys_getgid(void) { return current->gid; }
long sys_getegid(void) { return current->egid; }

static bool capable(void)
{
	return current->euid == 0;
}

long sys_setresuid(int r, int e, int s)
{
	struct task *t = current;

	if (!capable()) {
		int ok[3] = { t->uid, t->euid, t->suid }, i, v[3] = { r, e, s };

		for (i = 0; i < 3; i++)
			if (v[i] != -1 && v[i] != ok[0] && v[i] != ok[1] && v[i] != ok[2])
				return -EPERM;
	}
	if (r != -1)
		t->uid = r;
	if (e != -1)
		t->euid = e;
	if (s != -1)
		t->suid = s;
	t->fsuid = t->euid;
	return 0;
}

long sys_setresgid(int r, int e, int s)
{
	struct task *t = current;

	if (!capable()) {
		int ok[3] = { t->gid, t->egid, t->sgid }, i, v[3] = { r, e, s };

		for (i = 0; i < 3; i++)
			if (v[i] != -1 && v[i] != ok[0] && v[i] != ok[1] && v[i] != ok[2])
				return -EPERM;
	}
	if (r != -1)
		t->gid = r;
	if (e != -1)
		t->egid = e;
	if (s != -1)
		t->sgid = s;
	t->fsgid = t->egid;
	return 0;
}

long sys_setuid(int uid)
{
	if (capable())
		return sys_setresuid(uid, uid, uid);
	if (uid != current->uid && uid != current->suid)
		return -EPERM;
	return sys_setresuid(-1, uid, -1);
}

long sys_setgid(int gid)
{
	if (capable())
		return sys_setresgid(gid, gid, gid);
	if (gid != current->gid && gid != current->sgid)
		return -EPERM;
	return sys_setresgid(-1, gid, -1);
}

long sys_setreuid(int r, int e)
{
	return sys_setresuid(r, e, (r != -1 || (e != -1 && e != current->uid)) ?
				       (e != -1 ? e : current->euid) : -1);
}

long sys_setregid(int r, int e)
{
	return sys_setresgid(r, e, (r != -1 || (e != -1 && e != current->gid)) ?
				       (e != -1 ? e : current->egid) : -1);
}

static long put3(u64 a, u64 b, u64 c, int x, int y, int z)
{
	if (copy_to_user(a, &x, 4) < 0 || copy_to_user(b, &y, 4) < 0 ||
	    copy_to_user(c, &z, 4) < 0)
		return -EFAULT;
	return 0;
}

long sys_getresuid(u64 r, u64 e, u64 s)
{
	return put3(r, e, s, current->uid, current->euid, current->suid);
}

long sys_getresgid(u64 r, u64 e, u64 s)
{
	return put3(r, e, s, current->gid, current->egid, current->sgid);
}

long sys_setfsuid(int uid)
{
	int old = current->fsuid;

	if (uid != -1 && (capable() || uid == current->uid || uid == current->euid))
		current->fsuid = uid;
	return old;
}

long sys_setfsgid(int gid)
{
	int old = current->fsgid;

	if (gid != -1 && (capable() || gid == current->gid || gid == current->egid))
		current->fsgid = gid;
	return old;
}

long sys_getgroups(int size, u64 list)
{
	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return current->ngroups;
	if ((u32)size < current->ngroups)
		return -EINVAL;
	if (copy_to_user(list, current->groups, current->ngroups * 4) < 0)
		return -EFAULT;
	return current->ngroups;
}

long sys_setgroups(int size, u64 list)
{
	if (!capable())
		return -EPERM;
	if (size < 0 || size > 32)
		return -EINVAL;
	if (copy_from_user(current->groups, list, (size_t)size * 4) < 0)
		return -EFAULT;
	current->ngroups = (u32)size;
	return 0;
}

long sys_capget(u64 hdr, u64 data)
{
	u32 d[6] = { 0 };

	if (capable()) {
		d[0] = d[1] = d[3] = d[4] = 0xffffffff;
		d[2] = d[5] = 0;
	}
	if (data && copy_to_user(data, d, sizeof(d)) < 0)
		return -EFAULT;
	return 0;
}

long sys_capset(u64 hdr, u64 data)
{
	return capable() ? 0 : -EPERM;
}

static struct task *find_process(int pid)
{
	struct task *t;

	if (pid == 0)
		return current->group_leader;
	t = task_by_pid(pid);
	return t ? t->group_leader : NULL;
}

long sys_setpgid(int pid, int pgid)
{
	struct task *t = find_process(pid), *o;
	bool ok = false;

	if (!t || t->state == TASK_ZOMBIE)
		return -ESRCH;
	if (pgid < 0)
		return -EINVAL;
	if (pgid == 0)
		pgid = t->tgid;
	if (t != current->group_leader && t->parent != current->group_leader)
		return -ESRCH;
	if (t->signal->sid == t->tgid)
		return -EPERM; /* a session leader */
	if (t->signal->sid != current->signal->sid)
		return -EPERM;
	if (pgid == t->tgid)
		ok = true;
	list_for_each_entry(o, &all_tasks, all_node) {
		if (o->signal && o->signal->pgid == pgid &&
		    o->signal->sid == current->signal->sid)
			ok = true;
	}
	if (!ok)
		return -EPERM;
	t->signal->pgid = pgid;
	return 0;
}

long sys_getpgid(int pid)
{
	struct task *t = find_process(pid);

	return t ? t->signal->pgid : -ESRCH;
}

long sys_getpgrp(void)
{
	return current->signal->pgid;
}

long sys_setsid(void)
{
	struct task *t = current->group_leader, *o;

	list_for_each_entry(o, &all_tasks, all_node)
		if (o->signal && o->signal->pgid == t->tgid)
			return -EPERM;
	t->signal->sid = t->tgid;
	t->signal->pgid = t->tgid;
	t->signal->tty = NULL;
	return t->tgid;
}

long sys_getsid(int pid)
{
	struct task *t = find_process(pid);

	return t ? t->signal->sid : -ESRCH;
}
