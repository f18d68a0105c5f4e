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
 * Modes "exact" and "lines" are ours (PROTOCOL.md 14.2): see compare.h.
 * In lines mode each side is turned into canonical lines on the fly (the
 * trimming applied, empty lines skipped if asked, every line ending in one
 * \n) and the two canonical streams are compared. A whitespace run may be
 * trailing, and so dropped, or not: that is known only at its end, so it
 * is held until then, in 64 KiB of memory and beyond that in a temporary
 * file (only a pathological output has a run that long).
 *
 * Memory: one 64 KiB read buffer per side, 64 KiB of held whitespace per
 * side, 1 KiB of each current token; nothing grows with the input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"

#define BUF	(64 * 1024)	/* read buffer, per side */
#define PEND	(64 * 1024)	/* lines mode: whitespace held in memory */
#define TOKCAP	1024		/* longest token taken for a float */
#define SHOW	40		/* bytes of rendering quoted in a message */
#define QSIZE	(SHOW + 8)	/* a quoted rendering: "...", then ... */

typedef struct rd {
	int fd;
	size_t pos, len;
	bool eof;
	int err;		/* errno of a failed read; 0 if none */
	uint64_t line;		/* 1-based line of the next byte */
	uint64_t tok;		/* default mode: tokens begun on that line */
	uint8_t buf[BUF];
} rd_t;

typedef struct tok {
	uint8_t b[TOKCAP + 1];
	size_t n;		/* bytes kept, at most TOKCAP + 1 */
	bool more;		/* the token went on after them */
} tok_t;

/* Lines mode: the kinds of span of a side's canonical stream. */
enum { K_NONE, K_TEXT, K_PEND, K_NL, K_END };

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

typedef struct cmp {
	const compare_opts *o;
	compare_result *res;
	rd_t out, ans;
	tok_t to, ta;
	ln_t lo, la;
} cmp_t;

void compare_opts_default(compare_opts *o)
{
	memset(o, 0, sizeof *o);
	o->mode = CMP_DEFAULT;
	o->float_abs = o->float_rel = -1;
}

/* ---- reading ---- */

/* Make r's buffer non-empty; false at end of file or after a read error. */
static bool s_fill(rd_t *r)
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

/* The next byte, not consumed; -1 at the end (or after an error). */
static inline int s_peek(rd_t *r)
{
	return r->pos < r->len || s_fill(r) ? r->buf[r->pos] : -1;
}

/* Consume c, the byte s_peek() gave, counting lines. */
static inline void s_take(rd_t *r, int c)
{
	r->pos++;
	if (c == '\n')
		r->line++, r->tok = 0;
}

/* The spec's whitespace: space, \t, \n, \v, \f, \r (not the locale's). */
static inline bool s_ws(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* ASCII-only folding: A-Z to a-z. */
static inline int s_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Where a and b (m bytes each) first differ; m if they do not. */
static size_t s_diff(const uint8_t *a, const uint8_t *b, size_t m)
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
static void s_quote(char q[QSIZE], const uint8_t *p, size_t n, bool more)
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
static __attribute__((format(printf, 2, 3))) void s_msg(cmp_t *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->res->message, sizeof c->res->message, fmt, ap);
	va_end(ap);
}

/* One byte, or the end, described: "\n", "x", or end of output. */
static void s_byte(char q[QSIZE], int c)
{
	uint8_t b = (uint8_t)c;

	if (c < 0)
		snprintf(q, QSIZE, "end of output");
	else
		s_quote(q, &b, 1, false);
}

/* ---- default mode ---- */

/* Is a float tolerance set (and so are floats compared as numbers)? */
static bool s_floats(const compare_opts *o)
{
	return o->float_abs >= 0 || o->float_rel >= 0;
}

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

/* A float by the format's grammar (see the top of this file) into *v.
 * Converted without its point (digits and a shifted exponent), so that
 * no locale can change what strtod() reads; strtod() rounds correctly. */
static bool s_float(const char *s, size_t n, double *v)
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

/* A kept token as a float: whole (not cut) and of the grammar. */
static bool s_tok_float(const tok_t *t, double *v)
{
	return !t->more && s_float((const char *)t->b, t->n, v);
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
	return c >= 0 && !s_ws(c);
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
		while (i < m && s_lower(pa[i]) == s_lower(po[i]) && !s_ws(pa[i]))
			i++;
	else
		while (i < m && pa[i] == po[i] && !s_ws(pa[i]))
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
		ina = s_in_tok(a = s_peek(&c->ans)), inb = s_in_tok(b = s_peek(&c->out));
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
	while (t->n <= SHOW && s_in_tok(b = s_peek(r)))
		t->b[t->n++] = (uint8_t)b, r->pos++;
	t->more = s_in_tok(s_peek(r));
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
	s_quote(qa, c->ta.b, c->ta.n, c->ta.more);
	s_quote(qo, c->to.b, c->to.n, c->to.more);
	if (!s_tok_float(&c->to, &s))
		return s_msg(c, "wrong answer on %s: expected a float near %s, got %s", w, qa, qo), false;
	d = s > a ? s - a : a - s;
	if ((o->float_abs >= 0 && d <= o->float_abs) ||
	    (o->float_rel >= 0 && d <= o->float_rel * (a < 0 ? -a : a)))
		return true;
	s_tolerance(t, sizeof t, o);
	s_msg(c, "wrong answer on %s: float %s is not within %s of %s", w, qo, t, qa);
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
	s_quote(qa, c->ta.b, c->ta.n, c->ta.more);
	s_quote(qo, c->to.b, c->to.n, c->to.more);
	s_msg(c, "wrong answer on %s: expected %s, got %s", w, qa, qo);
	return false;
}

/* Skip whitespace (default: it only separates tokens). */
static void s_skip_ws(rd_t *r)
{
	int b;

	while (s_ws(b = s_peek(r)))
		s_take(r, b);
}

/* space_change_sensitive: the whitespace here must be the same bytes. */
static bool s_same_ws(cmp_t *c)
{
	char w[64], qa[QSIZE], qo[QSIZE];
	int a, b;

	for (;;) {
		a = s_peek(&c->ans), b = s_peek(&c->out);
		if (!s_ws(a) && !s_ws(b))
			return true;
		if (a != b)
			break;
		s_take(&c->ans, a), s_take(&c->out, b);
	}
	if (c->out.tok)
		snprintf(w, sizeof w, "line %" PRIu64 ", after token %" PRIu64, c->out.line, c->out.tok);
	else
		snprintf(w, sizeof w, "line %" PRIu64 ", before its first token", c->out.line);
	s_byte(qa, a), s_byte(qo, b);
	s_msg(c, "whitespace differs on %s: expected %s, got %s", w, qa, qo);
	return false;
}

/* The answer is over and the team's output is not. */
static void s_trailing(cmp_t *c)
{
	char q[QSIZE];
	uint64_t line = c->out.line;

	s_read_token(&c->out, &c->to);
	s_quote(q, c->to.b, c->to.n, c->to.more);
	s_msg(c, "trailing output after the answer, on line %" PRIu64 ": %s", line, q);
}

/* The team's output is over and the answer is not. */
static void s_early(cmp_t *c)
{
	char q[QSIZE];
	uint64_t line = c->ans.line;

	s_read_token(&c->ans, &c->ta);
	s_quote(q, c->ta.b, c->ta.n, c->ta.more);
	s_msg(c, "team output ended early: expected %s on line %" PRIu64 " of the answer", q, line);
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
		a = s_peek(&c->ans), b = s_peek(&c->out);
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

	s_quote(q, r->buf + r->pos, n > SHOW ? SHOW + 1 : n, false);
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
		s_msg(c, "trailing output after the answer at byte %" PRIu64 " (line %" PRIu64 "): %s",
		      off + 1, line, qo);
	else if (!ho)
		s_msg(c, "team output ended early at byte %" PRIu64 " (line %" PRIu64 "): expected %s",
		      off + 1, line, qa);
	else
		s_msg(c, "output differs from the answer at byte %" PRIu64 " (line %" PRIu64
		      "): expected %s, got %s", off + 1, line, qa, qo);
}

/* Mode exact: byte for byte. */
static void s_exact(cmp_t *c)
{
	uint64_t off = 0;
	bool ha, ho;

	for (;;) {
		ha = s_fill(&c->ans), ho = s_fill(&c->out);
		if (!ha || !ho)
			break;
		size_t na = c->ans.len - c->ans.pos, no = c->out.len - c->out.pos;
		size_t m = na < no ? na : no;
		size_t i = s_diff(c->ans.buf + c->ans.pos, c->out.buf + c->out.pos, m);

		s_count_lines(&c->out, c->out.buf + c->out.pos, i);
		c->ans.pos += i, c->out.pos += i, off += i;
		if (i < m)
			break;
	}
	s_exact_end(c, off, ha, ho);
}

/* ---- lines mode ---- */

/* May byte b be stripped? trim: any whitespace but \n (leading and
 * trailing); ignore_trailing_space: space, tab, CR (trailing only). So
 * "\r\n" ends a line like "\n" exactly when one of them is on. */
static bool s_strip(const compare_opts *o, int b)
{
	if (o->trim)
		return b != '\n' && s_ws(b);
	return o->ignore_trailing_space && (b == ' ' || b == '\t' || b == '\r');
}

/* The end of the run of strippable bytes at r->buf[k], within the buffer. */
static size_t s_run_end(const compare_opts *o, const rd_t *r, size_t k)
{
	while (k < r->len && s_strip(o, r->buf[k]))
		k++;
	return k;
}

/* Is the run of strippable bytes at r->buf[k] followed by text within the
 * buffer (and so kept, whatever comes after)? */
static bool s_inner_run(const compare_opts *o, const rd_t *r, size_t k)
{
	size_t j = s_run_end(o, r, k);

	return j < r->len && r->buf[j] != '\n';
}

/* Forget the held whitespace (it was trailing). */
static void s_drop(ln_t *l)
{
	l->plen = l->ppos = 0;
	if (l->spill)
		fclose(l->spill);
	l->spill = NULL;
}

/* A failure of the spill file: the comparison stops with errno. */
static void s_fail(ln_t *l)
{
	l->r->err = errno ? errno : EIO;
	l->r->eof = true;
	l->r->pos = l->r->len;
}

/* Hold n bytes of whitespace: memory first, then the spill file. */
static void s_hold(ln_t *l, const uint8_t *p, size_t n)
{
	size_t m = PEND - l->plen < n ? PEND - l->plen : n;

	memcpy(l->pend + l->plen, p, m);
	l->plen += m, p += m, n -= m;
	if (!n)
		return;
	if (!l->spill && !(l->spill = tmpfile()))
		return s_fail(l);
	if (fwrite(p, 1, n, l->spill) != n)
		s_fail(l);
}

/* A run of strippable bytes: dropped at once if leading under trim, else
 * held until we know whether it is trailing. */
static void s_run(const compare_opts *o, ln_t *l)
{
	rd_t *r = l->r;
	const uint8_t *p = r->buf + r->pos;
	size_t k = s_run_end(o, r, r->pos);

	l->started = true;
	r->pos = k;
	if (!(o->trim && !l->content))
		s_hold(l, p, (size_t)(r->buf + k - p));
}

/* Give out the held run (text followed it): memory, then the spill file
 * read back through the same buffer. Sets the span, or ends the replay. */
static void s_replay(ln_t *l)
{
	size_t n;

	if (l->ppos < l->plen) {
		l->kind = K_PEND, l->n = l->plen - l->ppos;
		return;
	}
	if (l->spill && (n = fread(l->pend, 1, PEND, l->spill))) {
		l->plen = n, l->ppos = 0, l->kind = K_PEND, l->n = n;
		return;
	}
	if (l->spill && ferror(l->spill))
		s_fail(l);
	s_drop(l);
	l->replay = false;
}

/* Past the end of a line (b: '\n', or -1 for a last line without one). */
static void s_newline(ln_t *l, int b)
{
	if (b == '\n')
		s_take(l->r, b);
	l->started = l->content = false;
	l->col = 1;
}

/* At a newline or the end: what was held was trailing. An empty line is
 * skipped if asked; a last line needs no newline. */
static void s_eol(const compare_opts *o, ln_t *l, int b)
{
	s_drop(l);
	if (b < 0 && !l->started)
		l->kind = K_END;
	else if (!l->content && o->ignore_empty_lines)
		s_newline(l, b);
	else
		l->kind = K_NL;
}

/* Text: the bytes up to a newline, the buffer's end, or a run of
 * strippable bytes that may be trailing (one followed by text in the
 * buffer is text too: no need to hold it). */
static void s_text(const compare_opts *o, ln_t *l)
{
	rd_t *r = l->r;
	size_t k = r->pos;

	if (!o->trim && !o->ignore_trailing_space) {
		const uint8_t *nl = memchr(r->buf + k, '\n', r->len - k);

		k = nl ? (size_t)(nl - r->buf) : r->len;
	} else {
		for (;;) {
			while (k < r->len && r->buf[k] != '\n' && !s_strip(o, r->buf[k]))
				k++;
			if (k == r->len || r->buf[k] == '\n' || !s_inner_run(o, r, k))
				break;
			k = s_run_end(o, r, k);
		}
	}
	l->kind = K_TEXT, l->n = k - r->pos;
}

/* One step towards side l's next span. */
static void s_step(const compare_opts *o, ln_t *l)
{
	int b;

	if (l->replay)
		return s_replay(l);
	b = s_peek(l->r);
	if (b < 0 || b == '\n')
		return s_eol(o, l, b);
	if (s_strip(o, b) && (l->plen || (o->trim && !l->content) || !s_inner_run(o, l->r, l->r->pos)))
		return s_run(o, l);
	if (l->plen) {
		l->replay = true, l->ppos = 0;
		if (l->spill && fseek(l->spill, 0, SEEK_SET))
			s_fail(l);
		return s_replay(l);
	}
	s_text(o, l);
}

/* Side l's current span of canonical bytes: its kind; its bytes (K_TEXT,
 * K_PEND) in *p and *n. */
static int s_span(const compare_opts *o, ln_t *l, const uint8_t **p, size_t *n)
{
	while (l->kind == K_NONE)
		s_step(o, l);
	*p = l->kind == K_TEXT ? l->r->buf + l->r->pos : l->pend + l->ppos;
	*n = l->kind == K_TEXT || l->kind == K_PEND ? l->n : 0;
	return l->kind;
}

/* Consume n bytes of side l's span (K_NL: the newline). */
static void s_advance(ln_t *l, size_t n)
{
	if (l->kind == K_NL) {
		s_newline(l, s_peek(l->r));
		l->kind = K_NONE;
		return;
	}
	if (l->kind == K_TEXT)
		l->r->pos += n;
	else
		l->ppos += n;
	l->content = l->started = true;
	l->col += n;
	if (!(l->n -= n))
		l->kind = K_NONE;
}

/* A span described for a message: quoted text, end of line, an empty
 * line, or end of output. */
static void s_describe(char q[QSIZE], const ln_t *l, int kind, const uint8_t *p, size_t n)
{
	if (kind == K_END)
		snprintf(q, QSIZE, "end of output");
	else if (kind == K_NL)
		snprintf(q, QSIZE, l->col == 1 ? "an empty line" : "end of line");
	else
		s_quote(q, p, n > SHOW ? SHOW + 1 : n, false);
}

/* Lines mode's verdict where the canonical streams part. */
static void s_lines_differ(cmp_t *c, int ka, const uint8_t *pa, size_t na,
			   int ko, const uint8_t *po, size_t no)
{
	char qa[QSIZE], qo[QSIZE];

	s_describe(qa, &c->la, ka, pa, na);
	s_describe(qo, &c->lo, ko, po, no);
	if (ka == K_END)
		s_msg(c, "trailing output after the answer, on line %" PRIu64 ": %s", c->out.line, qo);
	else if (ko == K_END)
		s_msg(c, "team output ended early: expected %s on line %" PRIu64 " of the answer",
		      qa, c->ans.line);
	else
		s_msg(c, "wrong answer on line %" PRIu64 ", column %" PRIu64 ": expected %s, got %s",
		      c->out.line, c->lo.col, qa, qo);
}

/* Mode lines: the canonical lines of both sides, byte for byte. */
static void s_lines(cmp_t *c)
{
	const uint8_t *pa, *po;
	size_t na, no, m, i;
	int ka, ko;

	for (;;) {
		ka = s_span(c->o, &c->la, &pa, &na), ko = s_span(c->o, &c->lo, &po, &no);
		if (ka == K_END && ko == K_END) {
			c->res->accepted = true;
			return;
		}
		if (ka == K_NL && ko == K_NL) {
			s_advance(&c->la, 0), s_advance(&c->lo, 0);
			continue;
		}
		if (!na || !no)
			return s_lines_differ(c, ka, pa, na, ko, po, no);
		m = na < no ? na : no;
		i = s_diff(pa, po, m);
		s_advance(&c->la, i), s_advance(&c->lo, i);
		if (i < m)
			return s_lines_differ(c, ka, pa + i, na - i, ko, po + i, no - i);
	}
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
		s_lines(c);
	s_drop(&c->lo), s_drop(&c->la);
	err = c->ans.err ? c->ans.err : c->out.err;
	free(c);
	if (!err)
		return 0;
	r->accepted = false, r->message[0] = '\0';
	return errno = err, -1;
}

/* ---- options ---- */

enum { T_MODE, T_BOOL, T_ABS, T_REL, T_BOTH };

/* The compare map's keys: type, mode (-1: any), and the bool's place. */
static const struct ckey {
	const char *key;
	int type, mode;
	size_t off;
} s_keys[] = {
	{ "mode", T_MODE, -1, 0 },
	{ "case_sensitive", T_BOOL, CMP_DEFAULT, offsetof(compare_opts, case_sensitive) },
	{ "space_change_sensitive", T_BOOL, CMP_DEFAULT, offsetof(compare_opts, space_change_sensitive) },
	{ "float_absolute_tolerance", T_ABS, CMP_DEFAULT, 0 },
	{ "float_relative_tolerance", T_REL, CMP_DEFAULT, 0 },
	{ "float_tolerance", T_BOTH, CMP_DEFAULT, 0 },
	{ "trim", T_BOOL, CMP_LINES, offsetof(compare_opts, trim) },
	{ "ignore_trailing_space", T_BOOL, CMP_LINES, offsetof(compare_opts, ignore_trailing_space) },
	{ "ignore_empty_lines", T_BOOL, CMP_LINES, offsetof(compare_opts, ignore_empty_lines) },
};

static const char *const s_modes[] = { "default", "exact", "lines" };

/* "compare.KEY" into field, KEY cut on a UTF-8 character if too long. */
static void s_field(char *field, size_t fsize, const char *k, size_t kn)
{
	size_t room = fsize > 9 ? fsize - 9 : 0;

	if (kn > room) {
		kn = room;
		while (kn && ((uint8_t)k[kn] & 0xc0) == 0x80)
			kn--;
	}
	snprintf(field, fsize, "compare.%.*s", (int)kn, k);
}

/* -1 with the field and the reason (printf-style) set. */
static __attribute__((format(printf, 6, 7))) int
s_bad(char *field, size_t fsize, const char *k, char *err, size_t esize, const char *fmt, ...)
{
	va_list ap;

	s_field(field, fsize, k, strlen(k));
	va_start(ap, fmt);
	vsnprintf(err, esize, fmt, ap);
	va_end(ap);
	return -1;
}

/* The mode, which the other keys are checked against; absent: default. */
static int s_mode(const msgpack_object *map, compare_opts *t, char *field, size_t fsize,
		  char *err, size_t esize)
{
	const msgpack_object *m = mp_get(map, "mode");

	if (!m)
		return 0;
	for (int i = 0; i < 3; i++)
		if (mp_str_eq(m, s_modes[i]))
			return t->mode = (cmp_mode)i, 0;
	return s_bad(field, fsize, "mode", err, esize, "must be \"default\", \"exact\" or \"lines\"");
}

/* A tolerance's value: a float or an int, finite and >= 0. */
static int s_tol_value(const msgpack_object *v, double *d)
{
	return mp_as_float(v, d) && isfinite(*d) && *d >= 0 ? 0 : -1;
}

/* One key's value into t (k: its entry; the mode was checked). */
static int s_key(const struct ckey *k, const msgpack_object *v, compare_opts *t, unsigned *tols,
		 char *field, size_t fsize, char *err, size_t esize)
{
	double d;

	if (k->type == T_MODE)
		return 0;
	if (k->mode != (int)t->mode)
		return s_bad(field, fsize, k->key, err, esize, "applies to mode \"%s\" only, not \"%s\"",
			     s_modes[k->mode], s_modes[t->mode]);
	if (k->type == T_BOOL) {
		if (!mp_as_bool(v, (bool *)((char *)t + k->off)))
			return s_bad(field, fsize, k->key, err, esize, "must be true or false");
		return 0;
	}
	if (s_tol_value(v, &d))
		return s_bad(field, fsize, k->key, err, esize, "must be a number >= 0");
	if (k->type != T_REL)
		t->float_abs = d;
	if (k->type != T_ABS)
		t->float_rel = d;
	*tols |= 1u << k->type;
	return 0;
}

/* The entry of key (p, n); NULL if unknown. */
static const struct ckey *s_ckey(const char *p, size_t n)
{
	for (size_t i = 0; i < sizeof s_keys / sizeof *s_keys; i++)
		if (strlen(s_keys[i].key) == n && !memcmp(s_keys[i].key, p, n))
			return &s_keys[i];
	return NULL;
}

int compare_opts_from(const msgpack_object *map, compare_opts *o,
		      char *field, size_t fsize, char *err, size_t esize)
{
	compare_opts t;
	unsigned tols = 0;

	compare_opts_default(&t);
	if (map && map->type != MSGPACK_OBJECT_MAP) {
		snprintf(field, fsize, "compare");
		snprintf(err, esize, "must be a map");
		return -1;
	}
	if (map && s_mode(map, &t, field, fsize, err, esize))
		return -1;
	for (uint32_t i = 0; map && i < map->via.map.size; i++) {
		const msgpack_object_kv *kv = &map->via.map.ptr[i];
		const struct ckey *k;
		const char *p = "";
		size_t n = 0;

		if (!mp_as_str(&kv->key, &p, &n) || !(k = s_ckey(p, n))) {
			s_field(field, fsize, p, n);
			snprintf(err, esize, "unknown option");
			return -1;
		}
		if (kv->val.type != MSGPACK_OBJECT_NIL &&
		    s_key(k, &kv->val, &t, &tols, field, fsize, err, esize))
			return -1;
	}
	if ((tols & 1u << T_BOTH) && (tols & (1u << T_ABS | 1u << T_REL)))
		return s_bad(field, fsize, "float_tolerance", err, esize,
			     "may not be given with float_absolute_tolerance or float_relative_tolerance");
	*o = t;
	return 0;
}

/* The next whitespace-separated word of *s: its start, length in *n. */
static const char *s_word(const char **s, size_t *n)
{
	const char *w = *s;

	while (*w && s_ws((uint8_t)*w))
		w++;
	for (*n = 0; w[*n] && !s_ws((uint8_t)w[*n]); ++*n)
		;
	*s = w + *n;
	return *n ? w : NULL;
}

/* Is word (w, n) the string k? */
static bool s_is(const char *w, size_t n, const char *k)
{
	return strlen(k) == n && !memcmp(w, k, n);
}

/* One tolerance flag's value, the next word; which: T_ABS, T_REL, T_BOTH. */
static int s_flag_tol(const char **s, const char *flag, int which, compare_opts *t,
		      unsigned *tols, char *err, size_t esize)
{
	char q[QSIZE];
	size_t n;
	const char *w = s_word(s, &n);
	double d;

	if (*tols & 1u << which)
		return snprintf(err, esize, "%s is given twice", flag), -1;
	if (!w)
		return snprintf(err, esize, "%s needs a value", flag), -1;
	if (!s_float(w, n, &d) || !isfinite(d) || d < 0) {
		s_quote(q, (const uint8_t *)w, n, false);
		return snprintf(err, esize, "%s: %s is not a number >= 0", flag, q), -1;
	}
	*tols |= 1u << which;
	if (which != T_REL)
		t->float_abs = d;
	if (which != T_ABS)
		t->float_rel = d;
	return 0;
}

int compare_opts_from_flags(const char *flags, compare_opts *o, char *err, size_t esize)
{
	static const char *const tol[] = { "float_absolute_tolerance", "float_relative_tolerance",
					   "float_tolerance" };
	compare_opts t;
	unsigned tols = 0;
	const char *s = flags ? flags : "", *w;
	char q[QSIZE];
	size_t n;
	int i;

	compare_opts_default(&t);
	while ((w = s_word(&s, &n))) {
		if (s_is(w, n, "case_sensitive"))
			t.case_sensitive = true;
		else if (s_is(w, n, "space_change_sensitive"))
			t.space_change_sensitive = true;
		else {
			for (i = 0; i < 3 && !s_is(w, n, tol[i]); i++)
				;
			if (i == 3) {
				s_quote(q, (const uint8_t *)w, n, false);
				return snprintf(err, esize, "unknown flag %s", q), -1;
			}
			if (s_flag_tol(&s, tol[i], T_ABS + i, &t, &tols, err, esize))
				return -1;
		}
	}
	if ((tols & 1u << T_BOTH) && (tols & (1u << T_ABS | 1u << T_REL)))
		return snprintf(err, esize, "float_tolerance may not be given with "
				"float_absolute_tolerance or float_relative_tolerance"), -1;
	*o = t;
	return 0;
}
