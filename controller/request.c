/* request.c: see request.h. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "request.h"

void rq_bad(const ctx_t *c, const char *field, const char *what)
{
	reply_error(c->r, "bad_request", field, NULL, NULL, "%s: %s", field, what);
}

void rq_too_large(const ctx_t *c, const char *field, uint64_t limit)
{
	reply_error(c->r, "too_large", field, &limit, NULL,
		    "%s: larger than %" PRIu64, field, limit);
}

int rq_uint(const ctx_t *c, const char *k, uint64_t lo, uint64_t hi, uint64_t *v)
{
	const msgpack_object *o = mp_get(c->m, k);
	if (!o)
		return 0;
	if (!mp_as_uint(o, v))
		return rq_bad(c, k, "must be an unsigned integer"), -1;
	if (*v < lo || *v > hi) {
		reply_error(c->r, "bad_request", k, &hi, NULL,
			    "%s: %" PRIu64 " is out of range %" PRIu64 "..%" PRIu64,
			    k, *v, lo, hi);
		return -1;
	}
	return 1;
}

int rq_bool(const ctx_t *c, const char *k, bool *v)
{
	const msgpack_object *o = mp_get(c->m, k);
	if (!o)
		return 0;
	if (!mp_as_bool(o, v))
		return rq_bad(c, k, "must be true or false"), -1;
	return 1;
}

int rq_str(const ctx_t *c, const char *k, size_t min, size_t max, char *buf)
{
	const msgpack_object *o = mp_get(c->m, k);
	const char *p;
	size_t n;
	if (!o)
		return 0;
	if (!mp_as_str(o, &p, &n))
		return rq_bad(c, k, "must be a string"), -1;
	if (n < min || n > max) {
		uint64_t lim = max;
		reply_error(c->r, "bad_request", k, &lim, NULL,
			    "%s: length must be %zu to %zu bytes", k, min, max);
		return -1;
	}
	memcpy(buf, p, n);
	buf[n] = 0;
	return 1;
}

int rq_str_req(const ctx_t *c, const char *k, size_t min, size_t max, char *buf)
{
	int r = rq_str(c, k, min, max, buf);
	if (r == 0)
		rq_bad(c, k, "is required");
	return r > 0 ? 1 : -1;
}

bool rq_user_name_ok(const char *s)
{
	if (!*s || strlen(s) > 32)
		return false;
	if (!strncmp(s, "uid:", 4))
		return s[4] && strspn(s + 4, "0123456789") == strlen(s + 4);
	if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == strlen(s);
}

bool rq_file_name_ok(const char *p, size_t n)
{
	size_t comps = 0, len = 0;
	if (n == 0 || n > 255)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || p[i] == '/') {
			if (len == 0 || len > 64 || ++comps > 8)
				return false;
			len = 0;
			continue;
		}
		char ch = p[i];
		if (!ch)
			return false;
		if (len == 0 && (ch == '.' || ch == '-'))
			return false;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || strchr("._+-", ch)))
			return false;
		len++;
	}
	return true;
}

bool rq_problem_id_ok(const char *id)
{
	size_t n = strlen(id);
	return n >= 1 && n <= 64 && ((*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9')) &&
	       strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}
