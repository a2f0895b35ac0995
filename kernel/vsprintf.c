/*
 * vsnprintf and friends (see kprintf.h for the formats).
 *
 * The formatter reads one conversion specification at a time into a
 * struct fmt_spec, fetches its argument and emits the text through a
 * struct out, which stores what fits in the buffer and counts everything,
 * so the C99 return value falls out of the count.
 */
#include "kprintf.h"
#include "kstring.h"

#define INT_MAX_K ((int)(~0U >> 1))

/* Where formatted text goes: buf[0..size-1], with pos counting it all. */
struct out {
	char *buf;
	size_t size;
	size_t pos;
};

enum {
	F_LEFT = 1 << 0,  /* '-': pad on the right */
	F_ZERO = 1 << 1,  /* '0': pad numbers with zeros */
	F_PLUS = 1 << 2,  /* '+': always print a sign */
	F_SPACE = 1 << 3, /* ' ': a space where a '+' would go */
	F_ALT = 1 << 4,   /* '#': 0x/0X prefix, or a leading 0 for octal */
};

enum length {
	LEN_NONE,
	LEN_HH,
	LEN_H,
	LEN_L,
	LEN_LL,
	LEN_Z,
	LEN_T,
	LEN_J,
};

struct fmt_spec {
	unsigned int flags;
	int width;   /* minimum field width, 0 when none */
	int prec;    /* precision, -1 when none */
	enum length len;
	char conv;   /* the conversion character */
};

static void put_char(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

/* Emits n copies of c; only the part that fits costs any time. */
static void put_repeat(struct out *o, char c, size_t n)
{
	size_t room = 0, fill;

	if (o->pos + 1 < o->size)
		room = o->size - 1 - o->pos;
	fill = n < room ? n : room;
	if (fill)
		memset(o->buf + o->pos, c, fill);
	o->pos += n;
}

static void put_mem(struct out *o, const char *s, size_t n)
{
	size_t room = 0, fill;

	if (o->pos + 1 < o->size)
		room = o->size - 1 - o->pos;
	fill = n < room ? n : room;
	if (fill)
		memcpy(o->buf + o->pos, s, fill);
	o->pos += n;
}

/* Emits body (n bytes) padded with spaces to the field width. */
static void put_padded(struct out *o, const struct fmt_spec *sp,
		       const char *body, size_t n)
{
	size_t pad = (size_t)sp->width > n ? (size_t)sp->width - n : 0;

	if (!(sp->flags & F_LEFT))
		put_repeat(o, ' ', pad);
	put_mem(o, body, n);
	if (sp->flags & F_LEFT)
		put_repeat(o, ' ', pad);
}

/*
 * Emits an integer: sign or prefix, zeros (from the precision, the '#'
 * rule for octal, or the '0' flag), the digits, and space padding. neg
 * says that v is the magnitude of a negative number.
 */
static void put_number(struct out *o, const struct fmt_spec *sp,
		       unsigned long long v, bool neg)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";
	const char *digits = sp->conv == 'X' ? upper : lower;
	unsigned int base = 10;
	char tmp[24], prefix[3];
	size_t ndig = 0, npre = 0, zeros = 0, total, pad = 0;

	if (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p')
		base = 16;
	else if (sp->conv == 'o')
		base = 8;

	/* Precision 0 with the value 0 prints no digits at all. */
	if (v || sp->prec != 0) {
		do {
			tmp[ndig++] = digits[v % base];
			v /= base;
		} while (v);
	}

	if (sp->conv == 'd' || sp->conv == 'i') {
		if (neg)
			prefix[npre++] = '-';
		else if (sp->flags & F_PLUS)
			prefix[npre++] = '+';
		else if (sp->flags & F_SPACE)
			prefix[npre++] = ' ';
	} else if (sp->conv == 'p' ||
		   (base == 16 && (sp->flags & F_ALT) && ndig &&
		    !(ndig == 1 && tmp[0] == '0'))) {
		prefix[npre++] = '0';
		prefix[npre++] = sp->conv == 'X' ? 'X' : 'x';
	}

	if (sp->prec > 0 && (size_t)sp->prec > ndig)
		zeros = sp->prec - ndig;
	/* '#' with %o: the first digit printed must be a 0. */
	if (base == 8 && (sp->flags & F_ALT) && !zeros &&
	    !(ndig && tmp[ndig - 1] == '0'))
		zeros = 1;

	total = npre + zeros + ndig;
	if ((size_t)sp->width > total)
		pad = sp->width - total;
	/* The '0' flag is ignored with '-' or with a precision. */
	if ((sp->flags & F_ZERO) && !(sp->flags & F_LEFT) && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}

	if (!(sp->flags & F_LEFT))
		put_repeat(o, ' ', pad);
	put_mem(o, prefix, npre);
	put_repeat(o, '0', zeros);
	while (ndig)
		put_char(o, tmp[--ndig]);
	if (sp->flags & F_LEFT)
		put_repeat(o, ' ', pad);
}

/* Reads a decimal field width or precision, saturating far below INT_MAX. */
static int parse_count(const char **fmt)
{
	const char *p = *fmt;
	int n = 0;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (n < 100000000)
			n = n * 10 + (*p - '0');
	}
	*fmt = p;
	return n;
}

/*
 * Parses the specification after a '%' (fmt points just past it) into sp,
 * taking '*' values from ap. Returns a pointer past the conversion
 * character; sp->conv is 0 if the format ended first.
 */
static const char *parse_spec(const char *fmt, struct fmt_spec *sp,
			      va_list *ap)
{
	int n;

	sp->flags = 0;
	sp->width = 0;
	sp->prec = -1;
	sp->len = LEN_NONE;
	for (;; fmt++) {
		if (*fmt == '-')
			sp->flags |= F_LEFT;
		else if (*fmt == '0')
			sp->flags |= F_ZERO;
		else if (*fmt == '+')
			sp->flags |= F_PLUS;
		else if (*fmt == ' ')
			sp->flags |= F_SPACE;
		else if (*fmt == '#')
			sp->flags |= F_ALT;
		else
			break;
	}

	if (*fmt == '*') {
		fmt++;
		n = va_arg(*ap, int);
		if (n < 0) {
			/* A negative width means '-' and its magnitude. */
			sp->flags |= F_LEFT;
			n = n < -100000000 ? 100000000 : -n;
		}
		sp->width = n;
	} else {
		sp->width = parse_count(&fmt);
	}

	if (*fmt == '.') {
		fmt++;
		if (*fmt == '*') {
			fmt++;
			n = va_arg(*ap, int);
			/* A negative precision counts as none. */
			sp->prec = n < 0 ? -1 : n;
		} else {
			sp->prec = parse_count(&fmt);
		}
	}

	switch (*fmt) {
	case 'h':
		fmt++;
		sp->len = LEN_H;
		if (*fmt == 'h') {
			fmt++;
			sp->len = LEN_HH;
		}
		break;
	case 'l':
		fmt++;
		sp->len = LEN_L;
		if (*fmt == 'l') {
			fmt++;
			sp->len = LEN_LL;
		}
		break;
	case 'L':
	case 'q':
		fmt++;
		sp->len = LEN_LL;
		break;
	case 'z':
		fmt++;
		sp->len = LEN_Z;
		break;
	case 't':
		fmt++;
		sp->len = LEN_T;
		break;
	case 'j':
		fmt++;
		sp->len = LEN_J;
		break;
	}

	sp->conv = *fmt;
	return *fmt ? fmt + 1 : fmt;
}

/* Fetches a signed argument of the spec's length, widened. */
static long long fetch_signed(const struct fmt_spec *sp, va_list *ap)
{
	switch (sp->len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
		return va_arg(*ap, ssize_t);
	case LEN_T:
		return va_arg(*ap, __PTRDIFF_TYPE__);
	case LEN_J:
		return va_arg(*ap, __INTMAX_TYPE__);
	default:
		return va_arg(*ap, int);
	}
}

/* Fetches an unsigned argument of the spec's length, widened. */
static unsigned long long fetch_unsigned(const struct fmt_spec *sp,
					 va_list *ap)
{
	switch (sp->len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_T:
		return va_arg(*ap, unsigned long);
	case LEN_J:
		return va_arg(*ap, __UINTMAX_TYPE__);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/*
 * Emits one conversion. Returns false for a conversion character that is
 * not supported, which the caller then copies through as text.
 */
static bool format_one(struct out *o, struct fmt_spec *sp, va_list *ap)
{
	const char *s;
	long long sv;
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i':
		sv = fetch_signed(sp, ap);
		if (sv < 0)
			put_number(o, sp, 0ULL - (unsigned long long)sv, true);
		else
			put_number(o, sp, sv, false);
		return true;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		put_number(o, sp, fetch_unsigned(sp, ap), false);
		return true;
	case 'p':
		sp->flags &= ~(F_PLUS | F_SPACE | F_ALT);
		put_number(o, sp, (uintptr_t)va_arg(*ap, void *), false);
		return true;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(o, sp, &c, 1);
		return true;
	case 's':
		s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		put_padded(o, sp, s,
			   sp->prec < 0 ? strlen(s) : strnlen(s, sp->prec));
		return true;
	case '%':
		put_char(o, '%');
		return true;
	default:
		return false;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .pos = 0 };
	struct fmt_spec sp;
	const char *start, *lit;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		/* Copy the literal text up to the next '%' in one go. */
		for (lit = fmt; *fmt && *fmt != '%'; fmt++)
			;
		put_mem(&o, lit, fmt - lit);
		if (!*fmt)
			break;
		start = fmt++;
		fmt = parse_spec(fmt, &sp, &args);
		if (!format_one(&o, &sp, &args))
			put_mem(&o, start, fmt - start);
	}
	va_end(args);

	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return o.pos > (size_t)INT_MAX_K ? INT_MAX_K : (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (!size)
		return 0;
	return (size_t)n < size ? n : (int)(size - 1);
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
