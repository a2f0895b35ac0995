/*
 * t_setid: who a program runs as. A set-user-ID program runs with its
 * owner as effective and saved uid (real unchanged) and AT_SECURE set; a
 * set-group-ID one (group-executable) with its group; no_new_privs makes
 * exec ignore both; a program the caller may execute but not read (0711)
 * runs; supplementary groups open group-readable files; setresuid/
 * setgroups need privilege. Needs root natively (exit 77 otherwise).
 */
#include "tg.h"

#include <grp.h>
#include <sys/auxv.h>
#include <sys/prctl.h>

static char self_copy[600], secret_g[600], secret_o[600];

/* The ids this process runs with, and what exec told the dynamic linker. */
static void report(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	out("  uid %d/%d/%d gid %d/%d/%d secure %lu\n", r, e, s, gr, ge, gs, getauxval(AT_SECURE));
}

/* In a child: become uid/gid 1000 (groups as given), then exec the copy. */
static void run_as_user(const char *what, int nnp, gid_t extra)
{
	out("%s:\n", what);
	pid_t p = fork();

	if (p == 0) {
		gid_t gl[1] = {extra};

		if (setgroups(extra ? 1 : 0, gl) < 0 || setresgid(1000, 1000, 1000) < 0 ||
		    setresuid(1000, 1000, 1000) < 0)
			_exit(3);
		if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(4);
		execl(self_copy, self_copy, "report", (char *)NULL);
		out("  exec: %s\n", ename(errno));
		_exit(5);
	}
	int st;
	waitpid(p, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		out("  child status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void groups_access(void)
{
	out("supplementary groups:\n");
	pid_t p = fork();

	if (p == 0) {
		gid_t gl[1] = {777};

		if (setgroups(1, gl) < 0 || setresgid(1000, 1000, 1000) < 0 ||
		    setresuid(1000, 1000, 1000) < 0)
			_exit(3);
		out("  open a group-777 0640 file: %s\n", er(open(secret_g, O_RDONLY)));
		out("  open a group-778 0640 file: %s\n", er(open(secret_o, O_RDONLY)));
		out("  setgroups unprivileged: %s\n", er(setgroups(1, gl)));
		out("  setresuid to root: %s\n", er(setresuid(0, 0, 0)));
		out("  setuid to root: %s\n", er(setuid(0)));
		_exit(0);
	}
	waitpid(p, NULL, 0);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "report")) {
		report();
		return 0;
	}
	if (geteuid() != 0) {
		out("needs root to make set-ID programs and change ids\n");
		return 77;
	}
	const char *dir = mk_tmpdir("t_setid");
	chmod(dir, 0755);
	snprintf(self_copy, sizeof self_copy, "%s/prog", dir);
	snprintf(secret_g, sizeof secret_g, "%s/g777", dir);
	snprintf(secret_o, sizeof secret_o, "%s/g778", dir);

	/* A copy of this program the test can give owners and modes. */
	int in = open("/proc/self/exe", O_RDONLY), o = open(self_copy, O_CREAT | O_WRONLY, 0755);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(o, buf, (size_t)n) != n)
			die("copy");
	close(in);
	close(o);
	close(open(secret_g, O_CREAT | O_WRONLY, 0640));
	close(open(secret_o, O_CREAT | O_WRONLY, 0640));
	chown(secret_g, 0, 777);
	chown(secret_o, 0, 778);

	run_as_user("plain program", 0, 0);
	chown(self_copy, 1234, 2345);
	chmod(self_copy, 04755);
	run_as_user("set-user-ID 1234", 0, 0);
	chmod(self_copy, 02755);
	run_as_user("set-group-ID 2345", 0, 0);
	chmod(self_copy, 02745);
	run_as_user("set-group-ID without group execute", 0, 0);
	chmod(self_copy, 06755);
	run_as_user("both, with no_new_privs", 1, 0);
	chown(self_copy, 0, 0);
	chmod(self_copy, 04711);
	run_as_user("set-user-ID root, execute-only (0711)", 0, 0);
	chmod(self_copy, 0700);
	run_as_user("not executable by others", 0, 0);
	groups_access();
	out("no_new_privs read back: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	out("no_new_privs bad value: %s\n", er(prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0)));
	unlink(self_copy);
	unlink(secret_g);
	unlink(secret_o);
	tg_cleanup();
	tg_exit();
}
