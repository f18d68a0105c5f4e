/* compare_read.c: what the output comparison's modes (compare.c,
 * compare_lines.c) and its options (compare_opts.c) build on, calling
 * none of them: a side's buffer refilled (c_fill; c_peek, c_take and c_ws
 * are inline in compare_int.h), where two runs of bytes differ, bytes
 * quoted for a message and the verdict's message, and the format's float
 * grammar (compare.c's top comment says where it comes from).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare_int.h"

/* ---- reading ---- */

/* Make r's buffer non-empty; false at end of file or after a read error. */
bool c_fill(rd_t *r)
{
	ssize_t n;

	if (r->pos < r->len)
		return true;
	if (r->eof)
		return false;
	do
		n = read(r->fd, r->buf, BUF);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		r->eof = true;
		r->err = n < 0 ? errno : 0;
		return false;
	}
	r->pos = 0, r->len = (size_t)n;
	return true;
}

/* Where a and b (m bytes each) first differ; m if they do not. */
size_t c_diff(const uint8_t *a, const uint8_t *b, size_t m)
{
	size_t i = 0;

	if (!memcmp(a, b, m))
		return m;
	while (a[i] == b[i])
		i++;
	return i;
}

/* ---- messages ---- */

/* One byte as it is shown: printable ASCII as is, the rest escaped. */
static size_t s_esc(uint8_t c, char e[5])
{
	static const char hex[] = "0123456789abcdef";
	const char *named = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" :
			    c == '"' ? "\\\"" : c == '\\' ? "\\\\" : NULL;

	if (named)
		return (size_t)snprintf(e, 5, "%s", named);
	if (c >= 0x20 && c < 0x7f)
		return e[0] = (char)c, e[1] = '\0', 1;
	e[0] = '\\', e[1] = 'x', e[2] = hex[c >> 4], e[3] = hex[c & 15], e[4] = '\0';
	return 4;
}

/* Bytes quoted for a message, cut at SHOW bytes of rendering; "..." after
 * the quote if anything is left out (more: the source went on). */
void c_quote(char q[QSIZE], const uint8_t *p, size_t n, bool more)
{
	size_t k = 1, m;
	char e[5];

	q[0] = '"';
	for (size_t i = 0; i < n; i++) {
		m = s_esc(p[i], e);
		if (k - 1 + m > SHOW) {
			more = true;
			break;
		}
		memcpy(q + k, e, m), k += m;
	}
	snprintf(q + k, QSIZE - k, "\"%s", more ? "..." : "");
}

/* The verdict's message (the verdict is wrong answer unless set). */
__attribute__((format(printf, 2, 3))) void c_msg(cmp_t *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->res->message, sizeof c->res->message, fmt, ap);
	va_end(ap);
}

/* ---- floats ---- */

static inline bool s_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The exponent after s[*i] == 'e' or 'E': [+-]? d+, saturated. */
static bool s_exponent(const char *s, size_t n, size_t *i, long *e)
{
	long sign = 1;
	size_t from;

	if (++*i < n && (s[*i] == '+' || s[*i] == '-'))
		sign = s[(*i)++] == '-' ? -1 : 1;
	for (from = *i; *i < n && s_digit(s[*i]); ++*i)
		if (*e < 100000000)
			*e = *e * 10 + (s[*i] - '0');
	*e *= sign;
	return *i > from;
}

/* A float by the format's grammar (see the top of compare.c) into *v.
 * Converted without its point (digits and a shifted exponent), so that
 * no locale can change what strtod() reads; strtod() rounds correctly. */
bool c_float(const char *s, size_t n, double *v)
{
	char num[TOKCAP + 32];
	size_t i = 0, k = 0, digits = 0, frac = 0;
	long e = 0;

	if (n > TOKCAP)
		return false;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		num[k++] = s[i++];
	for (; i < n && s_digit(s[i]); i++)
		num[k++] = s[i], digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s_digit(s[i]); i++)
			num[k++] = s[i], frac++;
	if (!digits && !frac)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E') && !s_exponent(s, n, &i, &e))
		return false;
	if (i != n)
		return false;
	snprintf(num + k, sizeof num - k, "e%ld", e - (long)frac);
	*v = strtod(num, NULL);
	return true;
}
