/* problem_err.c: the problem loader's error and warnings: the first
 * error wins and fills the caller's buffer, warnings collect in
 * problem.warnings up to its size; both are made printable ASCII before
 * they leave (problem.c has the MUST rules). Every other problem_*.c
 * calls these; they call none of them.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "problem_int.h"

/* Make s printable ASCII: control bytes and non-ASCII become '?'. */
static void s_printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

/* Record "path: what" as the error (the first one wins); -1. */
int __attribute__((format(printf, 3, 4)))
p_fail(p_ctx *c, const char *path, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	if (c->failed)
		return -1;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (c->err && c->errlen) {
		snprintf(c->err, c->errlen, "%s: %s", path, what);
		s_printable(c->err);
	}
	return -1;
}

/* Add "path: what\n" to the warnings, or "...\n" once they are full. */
void __attribute__((format(printf, 3, 4)))
p_warn(p_ctx *c, const char *path, const char *fmt, ...)
{
	problem *p = c->p;
	size_t n = strlen(p->warnings), k;
	char what[400], line[700];
	va_list ap;

	p->nwarnings++;
	if (c->warn_full)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(line, sizeof line, "%s: %s", path, what);
	s_printable(line);
	k = strlen(line);
	if (n + k + 2 + 5 <= sizeof p->warnings) {
		memcpy(p->warnings + n, line, k);
		memcpy(p->warnings + n + k, "\n", 2);
		return;
	}
	c->warn_full = true;
	memcpy(p->warnings + n, "...\n", 5);
}
