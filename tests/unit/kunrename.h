/*
 * Included by a unit test after the kernel headers it tests: from here on
 * the plain names mean the host C library again, and the kernel versions
 * are reached as k_memcpy, k_snprintf and so on (see krename.h).
 */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strstr
#undef strlcpy
#undef strlcat

#undef vsnprintf
#undef snprintf
#undef vscnprintf
#undef scnprintf
