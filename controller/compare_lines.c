/* compare_lines.c: the output comparison's mode lines (see compare.h).
 *
 * Each side is turned into canonical lines on the fly (the trimming
 * applied, empty lines skipped if asked, every line ending in one \n) and
 * the two canonical streams are compared. A whitespace run may be
 * trailing, and so dropped, or not: that is known only at its end, so it
 * is held until then, in 64 KiB of memory and beyond that in a temporary
 * file (only a pathological output has a run that long).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "compare_int.h"

/* May byte b be stripped? trim: any whitespace but \n (leading and
 * trailing); ignore_trailing_space: space, tab, CR (trailing only). So
 * "\r\n" ends a line like "\n" exactly when one of them is on. */
static bool s_strip(const compare_opts *o, int b)
{
	if (o->trim)
		return b != '\n' && c_ws(b);
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
void c_drop(ln_t *l)
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
	c_drop(l);
	l->replay = false;
}

/* Past the end of a line (b: '\n', or -1 for a last line without one). */
static void s_newline(ln_t *l, int b)
{
	if (b == '\n')
		c_take(l->r, b);
	l->started = l->content = false;
	l->col = 1;
}

/* At a newline or the end: what was held was trailing. An empty line is
 * skipped if asked; a last line needs no newline. */
static void s_eol(const compare_opts *o, ln_t *l, int b)
{
	c_drop(l);
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
	b = c_peek(l->r);
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
		s_newline(l, c_peek(l->r));
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
		c_quote(q, p, n > SHOW ? SHOW + 1 : n, false);
}

/* Lines mode's verdict where the canonical streams part. */
static void s_lines_differ(cmp_t *c, int ka, const uint8_t *pa, size_t na,
			   int ko, const uint8_t *po, size_t no)
{
	char qa[QSIZE], qo[QSIZE];

	s_describe(qa, &c->la, ka, pa, na);
	s_describe(qo, &c->lo, ko, po, no);
	if (ka == K_END)
		c_msg(c, "trailing output after the answer, on line %" PRIu64 ": %s", c->out.line, qo);
	else if (ko == K_END)
		c_msg(c, "team output ended early: expected %s on line %" PRIu64 " of the answer",
		      qa, c->ans.line);
	else
		c_msg(c, "wrong answer on line %" PRIu64 ", column %" PRIu64 ": expected %s, got %s",
		      c->out.line, c->lo.col, qa, qo);
}

/* Mode lines: the canonical lines of both sides, byte for byte. */
void c_lines(cmp_t *c)
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
		i = c_diff(pa, po, m);
		s_advance(&c->la, i), s_advance(&c->lo, i);
		if (i < m)
			return s_lines_differ(c, ka, pa + i, na - i, ko, po + i, no - i);
	}
}
