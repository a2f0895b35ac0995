/* What uname and --version report. */
#ifndef VERSION_H
#define VERSION_H

#define UML_VERSION "0.1"
/* Guests see a Linux release new enough for today's glibc. */
#define UTS_RELEASE "6.1.0-um"
#define UTS_VERSION "#1 user-mode kernel " UML_VERSION

/* The host name (sethostname, /proc/sys/kernel/hostname); kernel/sys_misc.c. */
extern char utsname_node[65];

#endif
