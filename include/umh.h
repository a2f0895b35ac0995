/* User-mode helpers: guest programs the kernel starts itself (kernel/umh.c). */
#ifndef UMH_H
#define UMH_H

/*
 * Starts argv[0] (an absolute guest path) with argv and envp (at most 4
 * arguments and 16 variables; the strings are copied) as a parentless
 * process and returns without waiting for it.
 */
int call_usermodehelper(const char *const *argv, const char *const *envp);

#endif
