/*
 * Tiny helpers shared by the host unit tests. A test runs groups of
 * checks; each group prints one line, "PASS: unit/<group>" or
 * "FAIL: unit/<group>: <first failure>", and the test exits non-zero if
 * any group failed. Include after the libc headers.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdarg.h>
#include <stdio.h>

static int unit_group_failed;    /* checks failed in the current group */
static int unit_any_failed;      /* any group failed */
static char unit_why[512];       /* the first failure of the group */

/* Records a failed check; only the first message of a group is kept. */
static void __attribute__((format(printf, 1, 2), unused))
unit_fail(const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (!unit_group_failed++) {
		va_start(ap, fmt);
		vsnprintf(unit_why, sizeof(unit_why), fmt, ap);
		va_end(ap);
		/* Keep the result on one line. */
		for (p = unit_why; *p; p++) {
			if (*p == '\n' || *p == '\r')
				*p = '~';
		}
	}
}

/* Checks cond; on failure records fmt (printf-style) and the line. */
#define CHECK(cond, fmt, ...)                                              \
	do {                                                               \
		if (!(cond))                                               \
			unit_fail("line %d: " fmt, __LINE__, ##__VA_ARGS__); \
	} while (0)

/* Ends a group: prints its result line and resets the state. */
static void __attribute__((unused)) unit_group_end(const char *name)
{
	if (unit_group_failed) {
		printf("FAIL: unit/%s: %s (%d failed checks)\n", name, unit_why,
		       unit_group_failed);
		unit_any_failed = 1;
	} else {
		printf("PASS: unit/%s\n", name);
	}
	fflush(stdout);
	unit_group_failed = 0;
	unit_why[0] = '\0';
}

#endif
