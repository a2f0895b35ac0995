/*
 * Forced into every kernel module built for the host unit tests (with
 * -include), and included by the tests themselves after their libc
 * headers. It renames the kernel functions whose names the C library or
 * the sanitizer runtime also define, so the tests link our versions as
 * k_memcpy and so on, side by side with the host's, and can compare them.
 * tests/unit/kunrename.h undoes the renaming for the code that follows.
 */
#ifndef KRENAME_H
#define KRENAME_H

/* kstring.h: declare plain functions, no __builtin_ shortcuts. */
#define KSTRING_NO_BUILTINS

#define memcpy k_memcpy
#define memmove k_memmove
#define memset k_memset
#define memcmp k_memcmp
#define memchr k_memchr
#define strlen k_strlen
#define strnlen k_strnlen
#define strcmp k_strcmp
#define strncmp k_strncmp
#define strchr k_strchr
#define strrchr k_strrchr
#define strstr k_strstr
#define strlcpy k_strlcpy
#define strlcat k_strlcat

#define vsnprintf k_vsnprintf
#define snprintf k_snprintf
#define vscnprintf k_vscnprintf
#define scnprintf k_scnprintf

#endif
