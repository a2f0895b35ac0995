/*
 * t_copy: copy_file_range as cp uses it (offsets or file positions, EOF,
 * the errnos for pipes, directories, append-only and read-only targets,
 * overlapping ranges of one file, flags), sync_file_range as dpkg uses it,
 * and the capability prctls su and login ask about.
 */
#include "tg.h"

#include <sys/prctl.h>
#include <sys/syscall.h>

int main(void)
{
	const char *dir = mk_tmpdir("t_copy");
	char a[512], b[512], buf[64];
	int in, outf, p[2];
	loff_t oi = 2, oo = 0;

	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b, sizeof b, "%s/b", dir);
	in = open(a, O_CREAT | O_RDWR, 0644);
	if (write(in, "0123456789abcdef", 16) != 16)
		die("write");
	outf = open(b, O_CREAT | O_RDWR, 0644);
	out("copy 5 at offsets 2 -> 0: %zd\n", copy_file_range(in, &oi, outf, &oo, 5, 0));
	out("  offsets now %lld %lld, positions %lld %lld\n", (long long)oi, (long long)oo,
	    (long long)lseek(in, 0, SEEK_CUR), (long long)lseek(outf, 0, SEEK_CUR));
	lseek(in, 10, SEEK_SET);
	lseek(outf, 5, SEEK_SET);
	out("copy from positions, past EOF: %zd\n", copy_file_range(in, NULL, outf, NULL, 100, 0));
	out("  positions now %lld %lld\n", (long long)lseek(in, 0, SEEK_CUR),
	    (long long)lseek(outf, 0, SEEK_CUR));
	out("at EOF: %zd\n", copy_file_range(in, NULL, outf, NULL, 100, 0));
	ssize_t n = pread(outf, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	out("target: %s\n", buf);
	loff_t x = 0, y = 4;
	out("overlap in one file: %s\n", er(copy_file_range(in, &x, in, &y, 8, 0)));
	x = 0;
	y = 8;
	out("no overlap in one file: %zd\n", copy_file_range(in, &x, in, &y, 8, 0));
	out("flags: %s\n", er(copy_file_range(in, NULL, outf, NULL, 1, 1)));
	if (pipe(p) < 0)
		die("pipe");
	out("to a pipe: %s\n", er(copy_file_range(in, &x, p[1], NULL, 1, 0)));
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	out("from a directory: %s\n", er(copy_file_range(d, NULL, outf, NULL, 1, 0)));
	int app = open(b, O_WRONLY | O_APPEND);
	x = 0;
	out("to an O_APPEND file: %s\n", er(copy_file_range(in, &x, app, NULL, 1, 0)));
	int ro = open(b, O_RDONLY);
	out("to a read-only fd: %s\n", er(copy_file_range(in, &x, ro, NULL, 1, 0)));
	x = -1;
	out("negative offset: %s\n", er(copy_file_range(in, &x, outf, NULL, 1, 0)));
	out("bad fd: %s\n", er(copy_file_range(999, NULL, outf, NULL, 1, 0)));

	out("sync_file_range: %s\n", er(sync_file_range(outf, 0, 0, SYNC_FILE_RANGE_WRITE)));
	out("sync_file_range wait flags: %s\n",
	    er(sync_file_range(outf, 0, 4096,
			       SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WAIT_AFTER)));
	out("sync_file_range bad flags: %s\n", er(sync_file_range(outf, 0, 0, 8)));
	out("sync_file_range negative: %s\n", er(sync_file_range(outf, -1, 0, 0)));
	out("sync_file_range pipe: %s\n", er(sync_file_range(p[0], 0, 0, 0)));
	out("sync_file_range bad fd: %s\n", er(sync_file_range(999, 0, 0, 0)));

	out("PR_GET_SECUREBITS: %s\n", er(prctl(PR_GET_SECUREBITS, 0, 0, 0, 0)));
	out("PR_CAP_AMBIENT IS_SET: %s\n",
	    er(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 0, 0, 0)));
	out("PR_CAP_AMBIENT CLEAR_ALL: %s\n",
	    er(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)));
	out("PR_CAP_AMBIENT bad op: %s\n", er(prctl(PR_CAP_AMBIENT, 99, 0, 0, 0)));
	tg_cleanup();
	tg_exit();
}
