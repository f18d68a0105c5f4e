/* compare_opts.c: the output comparison's options (see compare.h): from
 * the protocol's `compare` map, and from Kattis validator_flags.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "compare_int.h"

void compare_opts_default(compare_opts *o)
{
	memset(o, 0, sizeof *o);
	o->mode = CMP_DEFAULT;
	o->float_abs = o->float_rel = -1;
}

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

	while (*w && c_ws((uint8_t)*w))
		w++;
	for (*n = 0; w[*n] && !c_ws((uint8_t)w[*n]); ++*n)
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
	if (!c_float(w, n, &d) || !isfinite(d) || d < 0) {
		c_quote(q, (const uint8_t *)w, n, false);
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
				c_quote(q, (const uint8_t *)w, n, false);
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
