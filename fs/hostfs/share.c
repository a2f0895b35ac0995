/*
 * The one host directory hostfs may reach, set at boot: hostfs=<dir>, or,
 * when the root is on hostfs without hostfs=, rootflags=<dir>. Without
 * either, there is none and every hostfs mount is refused. Also the
 * budget of host descriptors hostfs keeps open.
 */
#include <linux/fcntl.h>

#include "cmdline.h"
#include "hostfs.h"
#include "kerrno.h"
#include "kprintf.h"
#include "kstring.h"

static int share_fd = -1;		 /* [I after boot] O_PATH handle on the share */
static char share_real[HOSTFS_PATH_MAX]; /* [I] its canonical host path */
static char root_rel[HOSTFS_PATH_MAX];	 /* the hostfs root below the share */
static int fds_held;

int hostfs_share_fd(void)
{
	return share_fd;
}

int hostfs_hold_fd(int fd)
{
	if (fd < 0)
		return fd;
	if (fds_held >= HOSTFS_MAX_FDS) {
		host_close(fd);
		return -ENFILE;
	}
	fds_held++;
	return fd;
}

void hostfs_drop_fd(int fd)
{
	if (fd < 0)
		return;
	host_close(fd);
	fds_held--;
}

static int open_share(const char *dir, const char *opt, char *err, size_t len)
{
	int fd = host_dir_handle(dir), probe;

	if (fd < 0) {
		scnprintf(err, len, "%s=%s: %s", opt, dir, host_strerror(fd));
		return fd;
	}
	/* Confinement rests on openat2; a host without it gets no hostfs. */
	probe = host_openat_beneath(fd, "", O_PATH | O_DIRECTORY, 0, false);
	if (probe < 0) {
		scnprintf(err, len, "%s=%s: %s", opt, dir,
			  probe == -ENOSYS ? "the host kernel lacks openat2 (Linux 5.6 or later)"
					   : host_strerror(probe));
		host_close(fd);
		return probe;
	}
	host_close(probe);
	share_fd = hostfs_hold_fd(fd);
	return 0;
}

/*
 * Sets up the share from the command line. share is hostfs= (or NULL);
 * root_opt is non-NULL when the root is on hostfs; rootdir is rootflags=
 * then (or NULL: the share itself), a host path like any other on the
 * command line, which must lie in the share. *root_opt becomes the root's
 * mount option: the path below the share.
 */
int hostfs_setup(const char *share, const char *rootdir, const char **root_opt, char *err,
		 size_t len)
{
	static char dir[HOSTFS_PATH_MAX];
	char real[HOSTFS_PATH_MAX];
	const char *comma = share ? strchr(share, ',') : NULL;
	size_t n;
	int rc;

	/* hostfs=<dir>,setid: keep set-ID bits even when running as root. */
	if (comma) {
		if (strcmp(comma, ",setid") || (size_t)(comma - share) >= sizeof(dir)) {
			scnprintf(err, len,
				  "hostfs=%s: the only option after the directory is setid "
				  "(UML's append is not supported)",
				  share);
			return -EINVAL;
		}
		memcpy(dir, share, (size_t)(comma - share));
		dir[comma - share] = 0;
		share = dir;
		host_hostfs_keep_setid();
	}
	if (!share && !rootdir) {
		if (!root_opt)
			return 0;
		scnprintf(err, len, "rootfstype=hostfs needs rootflags=<host directory>");
		return -EINVAL;
	}
	rc = open_share(share ? share : rootdir, share ? "hostfs" : "rootflags", err, len);
	if (rc < 0)
		return rc;
	rc = host_realpath(share ? share : rootdir, share_real, sizeof(share_real));
	if (rc < 0) {
		scnprintf(err, len, "%s: %s", share ? share : rootdir, host_strerror(rc));
		return rc;
	}
	if (!root_opt)
		return 0;
	*root_opt = "";
	if (!share || !rootdir)
		return 0;
	rc = host_realpath(rootdir, real, sizeof(real));
	if (rc < 0) {
		scnprintf(err, len, "rootflags=%s: %s", rootdir, host_strerror(rc));
		return rc;
	}
	n = strlen(share_real);
	if (strcmp(share_real, "/") &&
	    (strncmp(real, share_real, n) || (real[n] && real[n] != '/'))) {
		scnprintf(err, len, "rootflags=%s is not inside hostfs=%s", rootdir, share);
		return -EINVAL;
	}
	strlcpy(root_rel, strcmp(share_real, "/") ? real + n : real, sizeof(root_rel));
	*root_opt = root_rel;
	return 0;
}
