/*
 * t_xattr: extended-attribute calls on files that have none, as ls -l,
 * cp -a and tar make them: get and remove say ENODATA, lists are empty,
 * and a bad path, descriptor, name or namespace gets Linux's errno.
 * (Setting one is left out: whether the filesystem stores it differs
 * between the host's /tmp and the guest's.)
 */
#include "tg.h"

#include <sys/xattr.h>

int main(void)
{
	const char *dir = mk_tmpdir("t_xattr");
	char path[512], link[512], buf[256], longname[300];

	snprintf(path, sizeof path, "%s/f", dir);
	snprintf(link, sizeof link, "%s/l", dir);
	int fd = open(path, O_CREAT | O_RDWR, 0644);
	if (fd < 0 || symlink("f", link) < 0)
		die("setup");

	out("getxattr user.none: %s\n", er(getxattr(path, "user.none", buf, sizeof buf)));
	out("lgetxattr on a link: %s\n", er(lgetxattr(link, "user.none", buf, sizeof buf)));
	out("fgetxattr: %s\n", er(fgetxattr(fd, "user.none", buf, sizeof buf)));
	out("getxattr size 0: %s\n", er(getxattr(path, "user.none", NULL, 0)));
	out("listxattr: %ld\n", (long)listxattr(path, buf, sizeof buf));
	out("llistxattr: %ld\n", (long)llistxattr(link, buf, sizeof buf));
	out("flistxattr: %ld\n", (long)flistxattr(fd, buf, sizeof buf));
	out("listxattr size 0: %ld\n", (long)listxattr(path, NULL, 0));
	out("removexattr user.none: %s\n", er(removexattr(path, "user.none")));
	out("fremovexattr: %s\n", er(fremovexattr(fd, "user.none")));
	out("getxattr missing file: %s\n", er(getxattr("/nonexistent/x", "user.a", buf, 1)));
	out("listxattr missing file: %s\n", er(listxattr("/nonexistent/x", buf, 1)));
	out("fgetxattr bad fd: %s\n", er(fgetxattr(999, "user.a", buf, 1)));
	out("flistxattr bad fd: %s\n", er(flistxattr(999, buf, 1)));
	out("getxattr empty name: %s\n", er(getxattr(path, "", buf, 1)));
	memset(longname, 'a', sizeof longname - 1);
	memcpy(longname, "user.", 5);
	longname[sizeof longname - 1] = 0;
	out("getxattr name too long: %s\n", er(getxattr(path, longname, buf, 1)));
	out("getxattr unknown namespace: %s\n", er(getxattr(path, "bogus.a", buf, 1)));
	out("setxattr XATTR_REPLACE of none: %s\n",
	    er(setxattr(path, "user.a", "v", 1, XATTR_REPLACE)));
	out("setxattr bad flags: %s\n", er(setxattr(path, "user.a", "v", 1, 0x100)));
	close(fd);
	tg_cleanup();
	tg_exit();
}
