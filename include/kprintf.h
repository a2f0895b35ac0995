/*
 * Formatted output into a buffer (kernel/vsprintf.c).
 *
 * The formats are the C99 ones for integers, characters, strings and
 * pointers: %d %i %u %x %X %o %c %s %p %%, the flags '-', '0', '+', ' '
 * and '#', a width and a precision (either may be '*'), and the length
 * modifiers hh h l ll z t j (L and q are taken as ll). A NULL %s prints
 * "(null)"; %p prints the address as "0x" and lowercase hex ("0x0" for
 * NULL) and honours the width and the '-' and '0' flags. There is no
 * floating point and no %n. A conversion this code does not know is
 * copied to the output as written and consumes no argument.
 */
#ifndef KPRINTF_H
#define KPRINTF_H

#include "types.h"

/*
 * Formats into buf, writing at most size bytes including the terminating
 * NUL (always written when size > 0; buf may be NULL when size is 0).
 * Returns the length the whole output would have, without the NUL, as C99
 * does, so the output was truncated exactly when the result is >= size.
 * Results beyond INT_MAX are clamped to INT_MAX.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * Like vsnprintf and snprintf, but return the number of characters that
 * were actually stored in buf, not counting the NUL: 0 when size is 0 and
 * at most size - 1 otherwise. Handy for appending piece by piece.
 */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
