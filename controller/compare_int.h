/* compare_int.h: what the output comparison's files share. Not an API:
 * only controller/compare*.c include it (the API is compare.h).
 *
 * Names: a function one file defines and others call is c_name, as a
 * file-local one is s_name. The reading primitives are inline here: the
 * default mode calls them for every byte.
 */
#ifndef JUDGEBOX_COMPARE_INT_H
#define JUDGEBOX_COMPARE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "compare.h"

#define BUF	(64 * 1024)	/* read buffer, per side */
#define PEND	(64 * 1024)	/* lines mode: whitespace held in memory */
#define TOKCAP	1024		/* longest token taken for a float */
#define SHOW	40		/* bytes of rendering quoted in a message */
#define QSIZE	(SHOW + 8)	/* a quoted rendering: "...", then ... */

/* A side being read: the team's output or the judge's answer. */
typedef struct rd {
	int fd;
	size_t pos, len;
	bool eof;
	int err;		/* errno of a failed read; 0 if none */
	uint64_t line;		/* 1-based line of the next byte */
	uint64_t tok;		/* default mode: tokens begun on that line */
	uint8_t buf[BUF];
} rd_t;

/* Default mode: the first bytes of a side's current token. */
typedef struct tok {
	uint8_t b[TOKCAP + 1];
	size_t n;		/* bytes kept, at most TOKCAP + 1 */
	bool more;		/* the token went on after them */
} tok_t;

/* Lines mode: the kinds of span of a side's canonical stream. */
enum { K_NONE, K_TEXT, K_PEND, K_NL, K_END };

/* Lines mode: a side turned into canonical lines (compare_lines.c). */
typedef struct ln {
	rd_t *r;
	uint8_t pend[PEND];	/* held whitespace; then spill */
	size_t plen, ppos;	/* bytes held; while replaying, the next */
	FILE *spill;
	bool replay;		/* the held run is being given out */
	bool started;		/* a byte of this line was consumed */
	bool content;		/* ... and some of it kept */
	uint64_t col;		/* 1-based column in the canonical line */
	int kind;		/* the current span, K_NONE if not computed */
	size_t n;		/* its length (K_TEXT, K_PEND) */
} ln_t;

/* One comparison: compare_fds's state, both sides. */
typedef struct cmp {
	const compare_opts *o;
	compare_result *res;
	rd_t out, ans;
	tok_t to, ta;
	ln_t lo, la;
} cmp_t;

/* compare_read.c: reading, bytes compared and quoted, messages, floats */
bool c_fill(rd_t *r);
size_t c_diff(const uint8_t *a, const uint8_t *b, size_t m);
void c_quote(char q[QSIZE], const uint8_t *p, size_t n, bool more);
void c_msg(cmp_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool c_float(const char *s, size_t n, double *v);

/* compare_lines.c: mode lines */
void c_lines(cmp_t *c);
void c_drop(ln_t *l);

/* The next byte, not consumed; -1 at the end (or after an error). */
static inline int c_peek(rd_t *r)
{
	return r->pos < r->len || c_fill(r) ? r->buf[r->pos] : -1;
}

/* Consume c, the byte c_peek() gave, counting lines. */
static inline void c_take(rd_t *r, int c)
{
	r->pos++;
	if (c == '\n')
		r->line++, r->tok = 0;
}

/* The spec's whitespace: space, \t, \n, \v, \f, \r (not the locale's). */
static inline bool c_ws(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

#endif
