/* compare.c: the judge's built-in output comparison (issue 5).
 *
 * Where the semantics come from. Mode "default" is the ICPC/Kattis default
 * output validator as the Kattis problem package format specifies it
 * (version 2025-09, "Default output validator specification" and "General
 * requirements"; the legacy version defines the same five flags):
 *  - "Output parsing": both files are split into tokens on runs of the six
 *    whitespace bytes space, \f, \n, \r, \t, \v; the token counts must
 *    agree (extra output is wrong, and so is output that ends early).
 *  - "Comparing string tokens": byte for byte if case_sensitive; otherwise
 *    A-Z equal a-z, and nothing else is folded (no locale, no UTF-8).
 *  - "Whitespace sensitivity": by default whitespace only separates tokens;
 *    with space_change_sensitive every whitespace sequence, leading and
 *    trailing included, must be the same bytes.
 *  - "Comparing floating-point tokens": with a tolerance set, each answer
 *    token that is a float is compared as a number; the output token must
 *    be a float too, and is accepted if |s-a| <= abs or |s-a| <= rel*|a|
 *    (either tolerance suffices). Exact integers are floats. A float is
 *    the grammar of "General requirements":
 *      [+-]? ( d* "." d+ | d+ "." | d+ ) ( [Ee] [+-]? d+ )?
 *    so "inf", "nan", "0x1p3" are not floats: as answer tokens they compare
 *    as strings; as output tokens against a float they are wrong.
 *  - Each tolerance flag may be given once, and float_tolerance not with
 *    the other two (an error, as that section says).
 * Our choices where the spec leaves room: a token of more than 1 KiB is
 * never a float (the spec lets a parser limit digits; it asks for at least
 * 30 before and after the point); values are doubles, as in problemtools'
 * default_validator.cc (the spec asks for >= 52 bits of mantissa); an
 * answer token too large for a double (1e999) is compared as a string,
 * and an output token too large for one is never within a tolerance.
 *
 * Modes "exact" and "lines" are ours (PROTOCOL.md 14.2): see compare.h;
 * compare_lines.c says how lines mode streams.
 *
 * Memory: one 64 KiB read buffer per side, 64 KiB of held whitespace per
 * side, 1 KiB of each current token; nothing grows with the input.
 *
 * The files (compare_int.h declares what they share):
 *   compare.c        this: modes default and exact, compare_fds
 *   compare_lines.c  mode lines
 *   compare_opts.c   the options: the protocol's compare map, Kattis flags
 *   compare_read.c   reading, bytes compared and quoted, messages, floats
 * compare.c calls compare_lines.c; all three call compare_read.c, which
 * calls none of them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_int.h"

/* ---- default mode ---- */

/* ASCII-only folding: A-Z to a-z. */
static inline int s_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* One byte, or the end, described: "\n", "x", or end of output. */
static void s_byte(char q[QSIZE], int c)
{
	uint8_t b = (uint8_t)c;

	if (c < 0)
		snprintf(q, QSIZE, "end of output");
	else
		c_quote(q, &b, 1, false);
}

/* Is a float tolerance set (and so are floats compared as numbers)? */
static bool s_floats(const compare_opts *o)
{
	return o->float_abs >= 0 || o->float_rel >= 0;
}

/* A kept token as a float: whole (not cut) and of the grammar. */
static bool s_tok_float(const tok_t *t, double *v)
{
	return !t->more && c_float((const char *)t->b, t->n, v);
}

/* Keep byte b of a token, up to TOKCAP + 1 bytes. */
static inline void s_keep(tok_t *t, int b)
{
	if (t->n <= TOKCAP)
		t->b[t->n++] = (uint8_t)b;
	else
		t->more = true;
}

/* A token's byte (not whitespace, not the end)? */
static inline bool s_in_tok(int c)
{
	return c >= 0 && !c_ws(c);
}

/* Keep n bytes of a token, up to TOKCAP + 1 bytes. */
static void s_keepn(tok_t *t, const uint8_t *p, size_t n)
{
	size_t m = TOKCAP + 1 - t->n < n ? TOKCAP + 1 - t->n : n;

	memcpy(t->b + t->n, p, m);
	t->n += m;
	t->more |= m < n;
}

/* The fast path: the equal token bytes at both sides' positions, within
 * their buffers, consumed and kept. */
static void s_same_bytes(cmp_t *c, bool fold)
{
	const uint8_t *pa = c->ans.buf + c->ans.pos, *po = c->out.buf + c->out.pos;
	size_t na = c->ans.len - c->ans.pos, no = c->out.len - c->out.pos;
	size_t m = na < no ? na : no, i = 0;

	if (fold)
		while (i < m && s_lower(pa[i]) == s_lower(po[i]) && !c_ws(pa[i]))
			i++;
	else
		while (i < m && pa[i] == po[i] && !c_ws(pa[i]))
			i++;
	s_keepn(&c->ta, pa, i), s_keepn(&c->to, po, i);
	c->ans.pos += i, c->out.pos += i;
}

/* Read one token from each side at once, comparing as we go and keeping
 * their first bytes (TOKCAP + 1 with a tolerance, to parse; else enough to
 * show). Once they differ, reading stops when enough is kept. true if
 * equal as strings. */
static bool s_read_tokens(cmp_t *c)
{
	bool eq = true, fold = !c->o->case_sensitive, ina, inb;
	size_t keep = s_floats(c->o) ? TOKCAP + 1 : SHOW + 1;
	int a, b;

	c->ta.n = c->to.n = 0, c->ta.more = c->to.more = false;
	for (;;) {
		if (eq)
			s_same_bytes(c, fold);
		ina = s_in_tok(a = c_peek(&c->ans)), inb = s_in_tok(b = c_peek(&c->out));
		if (!eq && (ina || inb) && (!ina || c->ta.n >= keep) && (!inb || c->to.n >= keep))
			break;
		if (!ina && !inb)
			return eq;
		if (ina != inb || (a != b && (!fold || s_lower(a) != s_lower(b))))
			eq = false;
		if (ina)
			s_keep(&c->ta, a), c->ans.pos++;
		if (inb)
			s_keep(&c->to, b), c->out.pos++;
	}
	c->ta.more |= s_in_tok(a), c->to.more |= s_in_tok(b);
	return false;
}

/* Read a lone token (for a message): its first SHOW + 1 bytes. */
static void s_read_token(rd_t *r, tok_t *t)
{
	int b;

	t->n = 0, t->more = false;
	while (t->n <= SHOW && s_in_tok(b = c_peek(r)))
		t->b[t->n++] = (uint8_t)b, r->pos++;
	t->more = s_in_tok(c_peek(r));
}

/* "line 3, token 2": where the team's current token is. */
static void s_where(char *w, size_t size, const rd_t *r)
{
	snprintf(w, size, "line %" PRIu64 ", token %" PRIu64, r->line, r->tok);
}

/* The tolerance in words: "1e-06", "a relative 1e-06", or both. */
static void s_tolerance(char *t, size_t size, const compare_opts *o)
{
	if (o->float_rel < 0 || o->float_abs == o->float_rel)
		snprintf(t, size, "%g", o->float_abs);
	else if (o->float_abs < 0)
		snprintf(t, size, "a relative %g", o->float_rel);
	else
		snprintf(t, size, "%g or a relative %g", o->float_abs, o->float_rel);
}

/* The answer's token is the float a: is the team's within tolerance? */
static bool s_float_ok(cmp_t *c, double a)
{
	const compare_opts *o = c->o;
	char w[64], qa[QSIZE], qo[QSIZE], t[64];
	double s, d;

	s_where(w, sizeof w, &c->out);
	c_quote(qa, c->ta.b, c->ta.n, c->ta.more);
	c_quote(qo, c->to.b, c->to.n, c->to.more);
	if (!s_tok_float(&c->to, &s))
		return c_msg(c, "wrong answer on %s: expected a float near %s, got %s", w, qa, qo), false;
	d = s > a ? s - a : a - s;
	if ((o->float_abs >= 0 && d <= o->float_abs) ||
	    (o->float_rel >= 0 && d <= o->float_rel * (a < 0 ? -a : a)))
		return true;
	s_tolerance(t, sizeof t, o);
	c_msg(c, "wrong answer on %s: float %s is not within %s of %s", w, qo, t, qa);
	return false;
}

/* Compare the next token of each side (both present); false if wrong. */
static bool s_token(cmp_t *c)
{
	char w[64], qa[QSIZE], qo[QSIZE];
	double a;

	c->out.tok++, c->ans.tok++;
	if (s_read_tokens(c))
		return true;
	if (s_floats(c->o) && s_tok_float(&c->ta, &a) && isfinite(a))
		return s_float_ok(c, a);
	s_where(w, sizeof w, &c->out);
	c_quote(qa, c->ta.b, c->ta.n, c->ta.more);
	c_quote(qo, c->to.b, c->to.n, c->to.more);
	c_msg(c, "wrong answer on %s: expected %s, got %s", w, qa, qo);
	return false;
}

/* Skip whitespace (default: it only separates tokens). */
static void s_skip_ws(rd_t *r)
{
	int b;

	while (c_ws(b = c_peek(r)))
		c_take(r, b);
}

/* space_change_sensitive: the whitespace here must be the same bytes. */
static bool s_same_ws(cmp_t *c)
{
	char w[64], qa[QSIZE], qo[QSIZE];
	int a, b;

	for (;;) {
		a = c_peek(&c->ans), b = c_peek(&c->out);
		if (!c_ws(a) && !c_ws(b))
			return true;
		if (a != b)
			break;
		c_take(&c->ans, a), c_take(&c->out, b);
	}
	if (c->out.tok)
		snprintf(w, sizeof w, "line %" PRIu64 ", after token %" PRIu64, c->out.line, c->out.tok);
	else
		snprintf(w, sizeof w, "line %" PRIu64 ", before its first token", c->out.line);
	s_byte(qa, a), s_byte(qo, b);
	c_msg(c, "whitespace differs on %s: expected %s, got %s", w, qa, qo);
	return false;
}

/* The answer is over and the team's output is not. */
static void s_trailing(cmp_t *c)
{
	char q[QSIZE];
	uint64_t line = c->out.line;

	s_read_token(&c->out, &c->to);
	c_quote(q, c->to.b, c->to.n, c->to.more);
	c_msg(c, "trailing output after the answer, on line %" PRIu64 ": %s", line, q);
}

/* The team's output is over and the answer is not. */
static void s_early(cmp_t *c)
{
	char q[QSIZE];
	uint64_t line = c->ans.line;

	s_read_token(&c->ans, &c->ta);
	c_quote(q, c->ta.b, c->ta.n, c->ta.more);
	c_msg(c, "team output ended early: expected %s on line %" PRIu64 " of the answer", q, line);
}

/* Mode default: the Kattis default output validator. */
static void s_default(cmp_t *c)
{
	int a, b;

	for (;;) {
		if (!c->o->space_change_sensitive)
			s_skip_ws(&c->ans), s_skip_ws(&c->out);
		else if (!s_same_ws(c))
			return;
		a = c_peek(&c->ans), b = c_peek(&c->out);
		if (a < 0 && b < 0) {
			c->res->accepted = true;
			return;
		}
		if (a < 0)
			return s_trailing(c);
		if (b < 0)
			return s_early(c);
		if (!s_token(c))
			return;
	}
}

/* ---- exact mode ---- */

/* Count the newlines of p[0..n) into r's line. */
static void s_count_lines(rd_t *r, const uint8_t *p, size_t n)
{
	const uint8_t *q, *end = p + n;

	while (p < end && (q = memchr(p, '\n', (size_t)(end - p))))
		r->line++, p = q + 1;
}

/* The bytes at r's position (at most SHOW + 1), quoted. */
static void s_quote_rd(char q[QSIZE], const rd_t *r)
{
	size_t n = r->len - r->pos;

	c_quote(q, r->buf + r->pos, n > SHOW ? SHOW + 1 : n, false);
}

/* Exact mode's verdict at byte off (0-based), once a side is done or the
 * bytes differ. */
static void s_exact_end(cmp_t *c, uint64_t off, bool ha, bool ho)
{
	char qa[QSIZE], qo[QSIZE];
	uint64_t line = c->out.line;

	if (!ha && !ho) {
		c->res->accepted = true;
		return;
	}
	if (ha)
		s_quote_rd(qa, &c->ans);
	if (ho)
		s_quote_rd(qo, &c->out);
	if (!ha)
		c_msg(c, "trailing output after the answer at byte %" PRIu64 " (line %" PRIu64 "): %s",
		      off + 1, line, qo);
	else if (!ho)
		c_msg(c, "team output ended early at byte %" PRIu64 " (line %" PRIu64 "): expected %s",
		      off + 1, line, qa);
	else
		c_msg(c, "output differs from the answer at byte %" PRIu64 " (line %" PRIu64
		      "): expected %s, got %s", off + 1, line, qa, qo);
}

/* Mode exact: byte for byte. */
static void s_exact(cmp_t *c)
{
	uint64_t off = 0;
	bool ha, ho;

	for (;;) {
		ha = c_fill(&c->ans), ho = c_fill(&c->out);
		if (!ha || !ho)
			break;
		size_t na = c->ans.len - c->ans.pos, no = c->out.len - c->out.pos;
		size_t m = na < no ? na : no;
		size_t i = c_diff(c->ans.buf + c->ans.pos, c->out.buf + c->out.pos, m);

		s_count_lines(&c->out, c->out.buf + c->out.pos, i);
		c->ans.pos += i, c->out.pos += i, off += i;
		if (i < m)
			break;
	}
	s_exact_end(c, off, ha, ho);
}

/* ---- the entry point ---- */

/* Set up a side: its fd, line 1, column 1. */
static void s_side(rd_t *r, ln_t *l, int fd)
{
	r->fd = fd, r->line = 1;
	l->r = r, l->col = 1;
}

int compare_fds(int out, int ans, const compare_opts *o, compare_result *r)
{
	cmp_t *c;
	int err;

	r->accepted = false, r->message[0] = '\0';
	if ((unsigned)o->mode > CMP_LINES)
		return errno = EINVAL, -1;
	if (!(c = calloc(1, sizeof *c)))
		return -1;
	c->o = o, c->res = r;
	s_side(&c->out, &c->lo, out), s_side(&c->ans, &c->la, ans);
	if (o->mode == CMP_DEFAULT)
		s_default(c);
	else if (o->mode == CMP_EXACT)
		s_exact(c);
	else
		c_lines(c);
	c_drop(&c->lo), c_drop(&c->la);
	err = c->ans.err ? c->ans.err : c->out.err;
	free(c);
	if (!err)
		return 0;
	r->accepted = false, r->message[0] = '\0';
	return errno = err, -1;
}
