/* ops.c: the operations of PROTOCOL.md section 7, one function each.
 *
 * Every field is checked before anything is stored: a request either gets
 * an error and leaves no trace, or is committed (in the loop's transaction)
 * before its reply leaves. Nothing here trusts a size, a type or a name from
 * the frame.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <math.h>

#include "compare.h"
#include "loop.h"
#include "problem.h"

#define MAX_INT53	((1ull << 53) - 1)
#define WAIT_MS_MAX	3600000u
#define MAX_TESTS	1000	/* inline tests of one `test` */

typedef struct ctx {
	const req_t *r;
	const msgpack_object *m;	/* the request map */
} ctx_t;

static void s_bad(const ctx_t *c, const char *field, const char *what)
{
	reply_error(c->r, "bad_request", field, NULL, NULL, "%s: %s", field, what);
}

static void s_too_large(const ctx_t *c, const char *field, uint64_t limit)
{
	reply_error(c->r, "too_large", field, &limit, NULL,
		    "%s: larger than %" PRIu64, field, limit);
}

/* Optional typed fields: 1 present and good, 0 absent, -1 replied. */
static int s_opt_uint(const ctx_t *c, const char *k, uint64_t lo, uint64_t hi,
		      uint64_t *v)
{
	const msgpack_object *o = mp_get(c->m, k);
	if (!o)
		return 0;
	if (!mp_as_uint(o, v))
		return s_bad(c, k, "must be an unsigned integer"), -1;
	if (*v < lo || *v > hi) {
		reply_error(c->r, "bad_request", k, &hi, NULL,
			    "%s: %" PRIu64 " is out of range %" PRIu64 "..%" PRIu64,
			    k, *v, lo, hi);
		return -1;
	}
	return 1;
}

static int s_opt_bool(const ctx_t *c, const char *k, bool *v)
{
	const msgpack_object *o = mp_get(c->m, k);
	if (!o)
		return 0;
	if (!mp_as_bool(o, v))
		return s_bad(c, k, "must be true or false"), -1;
	return 1;
}

static int s_opt_str(const ctx_t *c, const char *k, size_t min, size_t max,
		     char *buf)
{
	const msgpack_object *o = mp_get(c->m, k);
	const char *p;
	size_t n;
	if (!o)
		return 0;
	if (!mp_as_str(o, &p, &n))
		return s_bad(c, k, "must be a string"), -1;
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

static bool s_user_name_ok(const char *s)
{
	if (!*s || strlen(s) > 32)
		return false;
	if (!strncmp(s, "uid:", 4))
		return s[4] && strspn(s + 4, "0123456789") == strlen(s + 4);
	if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == strlen(s);
}

/* ---- run ---- */

/* A file name of PROTOCOL.md 7.1: components of [A-Za-z0-9._+-], not
 * starting with '.' (or '-', which a compiler would read as an option). */
static bool s_name_ok(const char *p, size_t n)
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
		if (len == 0 && (ch == '.' || ch == '-'))
			return false;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || strchr("._+-", ch)))
			return false;
		len++;
	}
	return true;
}

/* Names must be unique and no name may be a directory of another. */
static bool s_names_clash(const msgpack_object_str *a, const msgpack_object_str *b)
{
	size_t n = a->size < b->size ? a->size : b->size;
	if (memcmp(a->ptr, b->ptr, n))
		return false;
	if (a->size == b->size)
		return true;
	const msgpack_object_str *l = a->size > b->size ? a : b;
	return l->ptr[n] == '/';
}

/* files[]: validated and written to the spec as [[name, content], ...]. */
static int s_files(const ctx_t *c, const lang_t *l, mp_w *spec)
{
	const msgpack_object *src = mp_get(c->m, "source"), *f = mp_get(c->m, "files");
	const char *p;
	size_t n;
	const conf_t *g = G_conf;
	char field[40];
	if (!src == !f)
		return s_bad(c, "source", "give exactly one of source and files"), -1;
	if (src) {
		if (!mp_as_bin(src, &p, &n))
			return s_bad(c, "source", "must be bin"), -1;
		if (n > g->max_source)
			return s_too_large(c, "source", g->max_source), -1;
		mp_w_array(spec, 1);
		mp_w_array(spec, 2);
		mp_w_str(spec, l->source);
		mp_w_bin(spec, p, n);
		return 0;
	}
	if (f->type != MSGPACK_OBJECT_ARRAY)
		return s_bad(c, "files", "must be an array"), -1;
	uint32_t cnt = f->via.array.size;
	if (cnt == 0)
		return s_bad(c, "files", "must not be empty"), -1;
	if (cnt > g->max_files)
		return s_too_large(c, "files", g->max_files), -1;
	uint64_t total = 0;
	bool entry = false;
	const msgpack_object_str *names[1024];
	mp_w_array(spec, cnt);
	for (uint32_t i = 0; i < cnt; i++) {
		const msgpack_object *e = &f->via.array.ptr[i];
		const msgpack_object *nm = e->type == MSGPACK_OBJECT_MAP ? mp_get(e, "name") : NULL;
		const msgpack_object *ct = e->type == MSGPACK_OBJECT_MAP ? mp_get(e, "content") : NULL;
		const char *np;
		size_t nn;
		snprintf(field, sizeof field, "files.%u.name", i);
		if (!nm || !mp_as_str(nm, &np, &nn) || !s_name_ok(np, nn))
			return s_bad(c, field, "a relative path of [A-Za-z0-9._+-] components, "
				     "not starting with '.' or '-'"), -1;
		snprintf(field, sizeof field, "files.%u.content", i);
		if (!ct || !mp_as_bin(ct, &p, &n))
			return s_bad(c, field, "must be bin"), -1;
		if (n > g->max_source)
			return s_too_large(c, field, g->max_source), -1;
		if ((total += n) > g->max_files_total)
			return s_too_large(c, "files", g->max_files_total), -1;
		names[i] = &nm->via.str;
		for (uint32_t j = 0; j < i; j++)
			if (s_names_clash(names[j], names[i])) {
				snprintf(field, sizeof field, "files.%u.name", i);
				return s_bad(c, field, "duplicates another file or its directory"), -1;
			}
		entry |= nn == strlen(l->source) && !memcmp(np, l->source, nn);
		mp_w_array(spec, 2);
		mp_w_strn(spec, np, nn);
		mp_w_bin(spec, p, n);
	}
	if (!entry) {
		snprintf(field, sizeof field, "must include %s", l->source);
		return s_bad(c, "files", field), -1;
	}
	return 0;
}

static int s_stdin_args(const ctx_t *c, mp_w *spec)
{
	const msgpack_object *in = mp_get(c->m, "stdin"), *a = mp_get(c->m, "args");
	const char *p = "";
	size_t n = 0;
	if (in && !mp_as_bin(in, &p, &n))
		return s_bad(c, "stdin", "must be bin"), -1;
	if (n > G_conf->max_stdin)
		return s_too_large(c, "stdin", G_conf->max_stdin), -1;
	mp_w_kbin(spec, "stdin", p, n);
	mp_w_str(spec, "args");
	if (!a) {
		mp_w_array(spec, 0);
		return 0;
	}
	if (a->type != MSGPACK_OBJECT_ARRAY)
		return s_bad(c, "args", "must be an array of strings"), -1;
	if (a->via.array.size > G_conf->max_args)
		return s_too_large(c, "args", G_conf->max_args), -1;
	mp_w_array(spec, a->via.array.size);
	for (uint32_t i = 0; i < a->via.array.size; i++) {
		char field[24];
		snprintf(field, sizeof field, "args.%u", i);
		if (!mp_as_str(&a->via.array.ptr[i], &p, &n))
			return s_bad(c, field, "must be a string"), -1;
		if (n > 4096)
			return s_too_large(c, field, 4096), -1;
		mp_w_strn(spec, p, n);
	}
	return 0;
}

/* limits: the client's values (0 if absent) and the effective ones. */
static int s_limits(const ctx_t *c, const lang_t *l, limits_t asked, limits_t eff)
{
	const msgpack_object *m = mp_get(c->m, "limits");
	char field[40];
	memset(asked, 0, sizeof(limits_t));
	if (m && m->type != MSGPACK_OBJECT_MAP)
		return s_bad(c, "limits", "must be a map"), -1;
	for (uint32_t i = 0; m && i < m->via.map.size; i++) {
		const msgpack_object_kv *kv = &m->via.map.ptr[i];
		char k[24] = "";
		if (!mp_str_copy(&kv->key, k, sizeof k) || limit_index(k) < 0 ||
		    strchr(k, '-')) {
			const char *kp;
			size_t kn;
			mp_as_str(&kv->key, &kp, &kn);
			snprintf(field, sizeof field, "limits.%.*s",
				 (int)(kn < 24 ? kn : 24), kp);
			return s_bad(c, field, "unknown limit (see health: "
				     "limits.defaults)"), -1;
		}
		int j = limit_index(k);
		snprintf(field, sizeof field, "limits.%s", k);
		if (kv->val.type == MSGPACK_OBJECT_NIL)
			continue;
		if (!mp_as_uint(&kv->val, &asked[j]))
			return s_bad(c, field, "must be a positive integer"), -1;
		if (asked[j] == 0) {
			reply_error(c->r, "bad_request", field, &G_conf->ceil[j], NULL,
				    "%s: must be 1 to %" PRIu64, field, G_conf->ceil[j]);
			return -1;
		}
		if (asked[j] > G_conf->ceil[j]) {
			reply_error(c->r, "bad_request", field, &G_conf->ceil[j], NULL,
				    "%s: %" PRIu64 " is above the ceiling of %" PRIu64,
				    field, asked[j], G_conf->ceil[j]);
			return -1;
		}
	}
	for (int j = 0; j < L_COUNT; j++) {
		eff[j] = asked[j] ? asked[j] : l->has_limits[j] ? l->limits[j] : G_conf->def[j];
		if (eff[j] > G_conf->ceil[j])
			eff[j] = G_conf->ceil[j];
	}
	return 0;
}

static const lang_t *s_lang(const ctx_t *c)
{
	char id[40];
	const msgpack_object *o = mp_get(c->m, "lang");
	if (!o)
		return s_bad(c, "lang", "is required"), NULL;
	if (!mp_str_copy(o, id, sizeof id))
		return s_bad(c, "lang", "must be a language id"), NULL;
	const lang_t *l = conf_lang(G_conf, id);
	if (!l) {
		reply_error(c->r, "bad_request", "lang", NULL, NULL,
			    "lang: unknown language '%s' (see languages)", id);
		return NULL;
	}
	if (!l->available) {
		reply_error(c->r, "unavailable", "lang", NULL, NULL,
			    "lang: %s is not available on this host: %s", id, l->reason);
		return NULL;
	}
	return l;
}

typedef struct run_opts {
	bool wait;
	uint64_t wait_ms;
	char idem[65], label[129], as_user[257];
} run_opts;

static int s_run_opts(const ctx_t *c, run_opts *o)
{
	memset(o, 0, sizeof *o);
	if (s_opt_bool(c, "wait", &o->wait) < 0 ||
	    s_opt_uint(c, "wait_ms", 1, WAIT_MS_MAX, &o->wait_ms) < 0 ||
	    s_opt_str(c, "idem", 1, 64, o->idem) < 0 ||
	    s_opt_str(c, "label", 0, 128, o->label) < 0 ||
	    s_opt_str(c, "as_user", 1, 256, o->as_user) < 0)
		return -1;
	if (*o->as_user && !c->r->admin) {
		reply_error(c->r, "unauthorized", "as_user", NULL, NULL,
			    "as_user: only admins may submit for another user");
		return -1;
	}
	if (*o->as_user && !s_user_name_ok(o->as_user))
		return s_bad(c, "as_user", "not a user name"), -1;
	return 0;
}

static int s_queue_room(const ctx_t *c, const char *user, bool wait)
{
	const char *scope = NULL;
	if (queue_length() >= G_conf->queue_capacity)
		scope = "global";
	else if (queue_user_length(user) >= G_conf->queue_per_user)
		scope = "user";
	else if (wait && waits_of(c->r) >= G_conf->max_waits)
		scope = "waits";
	if (!scope)
		return 0;
	reply_error(c->r, "queue_full", NULL, NULL, scope,
		    "the queue is full (%s); try again later", scope);
	return -1;
}

static void s_reply_run(const req_t *r, uint64_t id, bool dup, const run_opts *o)
{
	int state;
	if (o->wait && store_job_state(id, &state, NULL, 0, NULL) == 0 &&
	    !S_TERMINAL(state)) {
		int64_t dl = o->wait_ms ? now_ms() + (int64_t)o->wait_ms : 0;
		wait_add(r, id, dl, JW_OUTPUT, dup);
		return;
	}
	ops_reply_job(r, id, o->wait ? JW_OUTPUT : 0, dup);
}

/* test's own fields (PROTOCOL.md 14): the tests, how to compare, when to
 * stop, into the spec; *hidden for keep: false. */
static int s_test_fields(const ctx_t *c, mp_w *spec, uint32_t *n, bool *hidden)
{
	const msgpack_object *t = mp_get(c->m, "tests"), *cmp = mp_get(c->m, "compare");
	char field[48], err[160], mode[16] = "first_failure";
	bool keep = true;
	compare_opts co;
	if (!t || t->type != MSGPACK_OBJECT_ARRAY || t->via.array.size == 0)
		return s_bad(c, "tests", "an array of 1 or more {name, input, answer}"), -1;
	if (t->via.array.size > MAX_TESTS)
		return s_too_large(c, "tests", MAX_TESTS), -1;
	if (cmp && compare_opts_from(cmp, &co, field, sizeof field, err, sizeof err))
		return s_bad(c, field, err), -1;
	if (s_opt_str(c, "mode", 1, 15, mode) < 0 || s_opt_bool(c, "keep", &keep) < 0)
		return -1;
	if (strcmp(mode, "first_failure") && strcmp(mode, "all"))
		return s_bad(c, "mode", "first_failure or all"), -1;
	*hidden = !keep;
	mp_w_str(spec, "tests");
	mp_w_array(spec, t->via.array.size);
	for (uint32_t i = 0; i < t->via.array.size; i++) {
		const msgpack_object *e = &t->via.array.ptr[i], *nm, *in, *an;
		const char *np, *ip = "", *ap = "";
		size_t nn, in_n = 0, an_n = 0;
		bool okm = e->type == MSGPACK_OBJECT_MAP;
		nm = okm ? mp_get(e, "name") : NULL;
		in = okm ? mp_get(e, "input") : NULL;
		an = okm ? mp_get(e, "answer") : NULL;
		snprintf(field, sizeof field, "tests.%u", i);
		if (!okm)
			return s_bad(c, field, "must be a map {name, input, answer}"), -1;
		snprintf(field, sizeof field, "tests.%u.name", i);
		if (!nm || !mp_as_str(nm, &np, &nn) || !s_name_ok(np, nn) || memchr(np, '/', nn))
			return s_bad(c, field, "a name of [A-Za-z0-9._+-], not starting "
				     "with '.' or '-', at most 64 bytes"), -1;
		snprintf(field, sizeof field, "tests.%u.input", i);
		if (in && !mp_as_bin(in, &ip, &in_n))
			return s_bad(c, field, "must be bin"), -1;
		snprintf(field, sizeof field, "tests.%u.answer", i);
		if (an && !mp_as_bin(an, &ap, &an_n))
			return s_bad(c, field, "must be bin"), -1;
		mp_w_array(spec, 3);
		mp_w_strn(spec, np, nn);
		mp_w_bin(spec, ip, in_n);
		mp_w_bin(spec, ap, an_n);
	}
	mp_w_kstr(spec, "mode", mode);
	mp_w_str(spec, "compare");
	if (cmp)
		mp_w_object(spec, cmp);
	else
		mp_w_map(spec, 0);
	*n += 3;
	return 0;
}

/* submit's problem: its stored description into the spec, and the run
 * limits it sets (clients cannot change them: contest rules). */
static int s_problem_fields(const ctx_t *c, mp_w *spec, uint32_t *n, limits_t eff)
{
	char id[65];
	size_t len;
	if (mp_get(c->m, "limits"))
		return s_bad(c, "limits", "a submission's limits are the problem's"), -1;
	int r = s_opt_str(c, "problem", 1, 64, id);
	if (r == 0)
		s_bad(c, "problem", "is required");
	if (r <= 0)
		return -1;
	char *desc = store_problem_get(id, &len);
	mp_doc d;
	char err[160], mode[16] = "first_failure";
	if (!desc || mp_parse(&d, desc, len, false, err, sizeof err)) {
		free(desc);
		reply_error(c->r, "not_found", "problem", NULL, NULL, "problem %s not found", id);
		return -1;
	}
	static const struct { const char *k; int lim; uint64_t mul; } m[] = {
		{ "time_limit_ms", L_CPU, 1 }, { "memory_kb", L_MEM, 1 }, { "output_kb", L_FSIZE, 1 } };
	for (size_t i = 0; i < 3; i++) {
		uint64_t v;
		if (mp_as_uint(mp_get(d.root, m[i].k), &v) && v)
			eff[m[i].lim] = v < G_conf->ceil[m[i].lim] ? v : G_conf->ceil[m[i].lim];
	}
	/* problem verify: an admin judges with another time limit, to derive
	 * one or to check the safety margin (PROTOCOL.md 14.4). */
	uint64_t tl = 0;
	int tr = s_opt_uint(c, "time_limit_ms", 1, UINT32_MAX, &tl);
	if (tr > 0 && !c->r->admin) {
		mp_doc_free(&d), free(desc);
		reply_error(c->r, "unauthorized", "time_limit_ms", NULL, NULL,
			    "only admins may judge with another time limit");
		return -1;
	}
	if (tr < 0)
		return mp_doc_free(&d), free(desc), -1;
	if (tr > 0)
		eff[L_CPU] = tl < G_conf->ceil[L_CPU] ? tl : G_conf->ceil[L_CPU];
	uint64_t wall = eff[L_CPU] * 2 + 1000;
	eff[L_WALL] = wall < G_conf->ceil[L_WALL] ? wall : G_conf->ceil[L_WALL];
	char snap[512] = "";
	mp_str_copy(mp_get(d.root, "dir"), snap, sizeof snap);
	mp_doc_free(&d);
	if (s_opt_str(c, "mode", 1, 15, mode) < 0 ||
	    (strcmp(mode, "first_failure") && strcmp(mode, "all"))) {
		free(desc);
		return s_bad(c, "mode", "first_failure or all"), -1;
	}
	mp_w_kstr(spec, "problem", id);
	mp_w_kstr(spec, "mode", mode);
	mp_w_kstr(spec, "snap", snap);	/* its desc.mp: the problem as now */
	free(desc);
	*n += 3;
	return 0;
}

static void s_submit(const ctx_t *c, const char *kind)
{
	run_opts o;
	limits_t asked, eff;
	bool hidden = false;
	const lang_t *l = s_lang(c);
	if (!l || s_run_opts(c, &o))
		return;
	const char *user = *o.as_user ? o.as_user : c->r->user;
	mp_w spec;
	mp_w_init(&spec);
	size_t sm = mp_w_map_begin(&spec);
	uint32_t sn = 9;
	mp_w_kstr(&spec, "kind", kind);
	mp_w_kstr(&spec, "form", mp_get(c->m, "source") ? "source" : "files");
	mp_w_str(&spec, "files");
	if (s_files(c, l, &spec) || s_stdin_args(c, &spec) || s_limits(c, l, asked, eff) ||
	    (!strcmp(kind, "test") && s_test_fields(c, &spec, &sn, &hidden)) ||
	    (!strcmp(kind, "submit") && s_problem_fields(c, &spec, &sn, eff)))
		return mp_w_free(&spec);
	mp_w_kstr(&spec, "lang", l->id);
	mp_w_kstr(&spec, "label", o.label);
	mp_w_kstr(&spec, "as_user", o.as_user);
	mp_w_str(&spec, "limits");
	mp_w_array(&spec, L_COUNT);
	for (int j = 0; j < L_COUNT; j++)
		mp_w_uint(&spec, asked[j]);
	mp_w_map_end(&spec, sm, sn);
	uint64_t id = 0;
	bool same = true;
	int r = 0;
	/* A retry of an accepted run is answered as such (dup) even when the
	 * queue is full or the daemon drains: the job exists. */
	if (!mp_w_ok(&spec))
		return mp_w_free(&spec), reply_error(c->r, "internal", NULL, NULL,
						     NULL, "out of memory");
	if (*o.idem)
		r = store_find_idem(user, o.idem, spec.buf, spec.len, &id, &same);
	if (r == 0 && G_draining)
		return mp_w_free(&spec), reply_error(c->r, "unavailable", NULL,
						     NULL, NULL, "draining");
	if (r == 0 && s_queue_room(c, user, o.wait))
		return mp_w_free(&spec);
	if (r == 0)
		r = store_begin() ? -1 : store_insert(kind, user, *o.as_user ? c->r->user : NULL, l->id,
				 *o.label ? o.label : NULL, *o.idem ? o.idem : NULL,
				 eff, spec.buf, spec.len, hidden, &id, &same);
	mp_w_free(&spec);
	if (r < 0)
		return reply_error(c->r, "unavailable", NULL, NULL, NULL,
				   "the store cannot be written");
	if (r == 1 && !same)
		return reply_error(c->r, "conflict", "idem", NULL, NULL,
				   "idem: this key was used with a different request");
	if (r == 0 && !strcmp(kind, "submit")) {
		char pid[65] = "";
		s_opt_str(c, "problem", 1, 64, pid);
		store_set_problem(id, pid);
	}
	if (r == 0) {
		queue_add(id, user);
		job_state_changed(id);
	}
	s_reply_run(c->r, id, r == 1, &o);
}

static void s_run(const ctx_t *c)
{
	s_submit(c, "run");
}

static void s_test(const ctx_t *c)
{
	s_submit(c, "test");
}

static void s_submit_op(const ctx_t *c)
{
	s_submit(c, "submit");
}

/* ---- problems ---- */

static bool s_problem_id_ok(const char *id)
{
	size_t n = strlen(id);
	return n >= 1 && n <= 64 && ((*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9')) &&
	       strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

#define VALIDATOR_MAX (4u << 20)	/* bytes of output validator sources */

/* A file of the package, read beneath it as problem.c read it at import
 * (a link planted since cannot lead out of it); at most *cap bytes, taken
 * from *cap. */
static char *s_pkg_read(const problem *p, const char *full, size_t *len, size_t *cap)
{
	struct stat st;
	char *buf = NULL;
	int fd = open_beneath(p->dir, full, O_RDONLY | O_NONBLOCK);
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size <= *cap && (buf = malloc((size_t)st.st_size + 1))) {
		ssize_t got = read(fd, buf, (size_t)st.st_size);
		if (got != st.st_size)
			free(buf), buf = NULL, errno = EIO;
		*len = (size_t)st.st_size, *cap -= *len;
	} else if (fd >= 0 && !errno)
		errno = EFBIG;
	if (fd >= 0)
		close(fd);
	return buf;
}

/* The output validator into the problem's description, its sources
 * included: a job keeps the validator it was accepted with. When the
 * language's run command names its `source` (main.py), the one source
 * file in that language is renamed to it. */
static int s_validator_desc(mp_w *w, const problem *p, const lang_t *l,
			    char *err, size_t errlen)
{
	struct stat st;
	bool dir = !stat(p->validator_path, &st) && S_ISDIR(st.st_mode);
	int nmain = 0;
	size_t cap = VALIDATOR_MAX;
	for (int i = 0; i < p->nvsrc; i++)
		nmain += !strcmp(p->vsrc[i].lang, p->validator_lang);
	/* A run command that names the source (python3 main.py) needs it
	 * under that name; one that runs what the compile made (./main) or
	 * globs (gcc *.c) takes the package's names. */
	bool named = strstr(l->run, l->source) != NULL, rename = named && nmain == 1;
	mp_w_str(w, "validator");
	mp_w_map(w, 9);
	mp_w_kstr(w, "style", p->testlib ? "testlib" : "kattis");
	mp_w_kstr(w, "lang", l->id);
	mp_w_kbool(w, "score", p->validator_score);
	/* 2023-07 scoring: score.txt or score_multiplier.txt, either optional */
	mp_w_kbool(w, "score_v2", p->format == PROB_2023_07 && p->scoring);
	mp_w_kbool(w, "interactive", p->interactive);
	mp_w_kuint(w, "cpu_ms", p->validation_time_s * 1000);
	mp_w_kuint(w, "memory_kb", p->validation_memory_mb * 1024);
	mp_w_kuint(w, "fsize_kb", p->validation_output_mb * 1024);
	mp_w_str(w, "files");
	mp_w_array(w, (uint32_t)p->nvsrc);
	for (int i = 0; i < p->nvsrc; i++) {
		char full[1100];
		size_t len = 0;
		snprintf(full, sizeof full, "%s%s%s", p->validator_path, dir ? "/" : "",
			 dir ? p->vsrc[i].path : "");
		errno = 0;
		char *buf = s_pkg_read(p, full, &len, &cap);
		if (!buf)
			return snprintf(err, errlen, "%s: %s", full + strlen(p->dir) + 1,
					errno == EFBIG ? "the output validator's files are over 4 MiB "
					"or not regular files" : strerror(errno)), -1;
		bool main = rename && !strcmp(p->vsrc[i].lang, p->validator_lang);
		mp_w_array(w, 2);
		mp_w_str(w, main ? l->source : p->vsrc[i].path);
		mp_w_bin(w, buf, len);
		free(buf);
	}
	if (named && nmain != 1)
		return snprintf(err, errlen, "%s: %d %s files in the output validator: "
				"which one is the program?", p->validator_path + strlen(p->dir) + 1,
				nmain, p->validator_lang), -1;
	return 0;
}

/* 2023-07 scoring (the 2025-09 spec's "Scoring problems") in the legacy
 * grader's terms (box.c): a test's score when accepted, the group's
 * aggregation and its cap. A test in a sum group scores max_score / N (N:
 * the group's own tests), in a min group max_score; a pass-fail group
 * scores max_score if every test is accepted, else 0: min over tests that
 * score max_score. An unbounded group (no max_score) counts 1 per
 * accepted test unless its validator writes score.txt. */
static void s_score_v2(const problem *p, int gi, const char **agg, double *accept,
		       double *cap)
{
	const prob_group *g = &p->groups[gi];
	int n = 0;
	for (int i = 0; i < p->ntests; i++)
		n += p->tests[i].gidx == gi;
	bool bounded = isfinite(g->max_score);
	*agg = !strcmp(g->aggregation, "sum") || !*g->aggregation ? "sum" : "min";
	*accept = !bounded ? 1 : !strcmp(g->aggregation, "sum") ? (n ? g->max_score / n : 0) :
		  g->max_score;
	*cap = bounded ? g->max_score : 1e300;
}

/* The judge's description of a loaded package: what submit needs. */
static int s_problem_desc(mp_w *w, const problem *p, const char *dir, const lang_t *vl,
			  char *err, size_t errlen)
{
	mp_w_map(w, vl ? 11 : 10);
	if (vl && s_validator_desc(w, p, vl, err, errlen))
		return -1;
	mp_w_kstr(w, "dir", dir);
	mp_w_kstr(w, "id", p->id);
	mp_w_kstr(w, "name", p->name);
	mp_w_kbool(w, "scoring", p->scoring);
	mp_w_kuint(w, "time_limit_ms", (uint64_t)ceil(p->time_limit_s * 1000));
	mp_w_kuint(w, "memory_kb", p->memory_mb * 1024);
	mp_w_kuint(w, "output_kb", p->output_mb * 1024);
	mp_w_kstr(w, "flags", p->validator_flags);
	mp_w_str(w, "tests");
	mp_w_array(w, (uint32_t)p->ntests);
	for (int i = 0; i < p->ntests; i++) {
		const prob_test *t = &p->tests[i];
		char reqs[520];
		snprintf(reqs, sizeof reqs, "%s %s", t->reqs,
			 t->gidx >= 0 && t->gidx < p->ngroups ? p->groups[t->gidx].reqs : "");
		mp_w_array(w, 8);
		mp_w_str(w, t->name);
		mp_w_uint(w, (uint64_t)t->gidx);
		mp_w_bool(w, t->sample);
		mp_w_str(w, t->in);
		mp_w_str(w, t->ans);
		mp_w_str(w, t->output_validator_flags);
		mp_w_uint(w, t->in_size);
		mp_w_str(w, reqs);
	}
	mp_w_str(w, "groups");
	mp_w_array(w, (uint32_t)p->ngroups);
	for (int i = 0; i < p->ngroups; i++) {
		const prob_group *g = &p->groups[i];
		const char *agg = g->aggregation;
		double accept = g->accept_score, cap = isfinite(g->range_max) ? g->range_max : 1e300;
		if (p->format == PROB_2023_07 && p->scoring)
			s_score_v2(p, i, &agg, &accept, &cap);
		mp_w_array(w, 13);
		mp_w_str(w, g->path);
		mp_w_int(w, g->parent);
		mp_w_str(w, agg);
		mp_w_float(w, accept);
		mp_w_float(w, g->reject_score);
		mp_w_bool(w, !strcmp(g->path, "sample") || !strncmp(g->path, "sample/", 7));
		mp_w_float(w, isfinite(g->range_min) ? g->range_min : -1e300);
		mp_w_float(w, cap);
		mp_w_bool(w, g->on_reject_break);
		mp_w_str(w, *g->verdict_mode ? g->verdict_mode : "worst_error");
		mp_w_bool(w, g->accept_if_any_accepted);
		mp_w_uint(w, (uint64_t)g->first_test);
		mp_w_uint(w, (uint64_t)g->ntests);
	}
	return 0;
}

/* ---- problem snapshots ----
 *
 * An import copies the package's test files into the daemon's state:
 * state_dir/problems/ID.STAMP/N.in and N.ans. Judging and problem_get read
 * the snapshot, never the package: editing or removing the package
 * changes nothing until the next import, and a job accepted before a
 * re-import is judged against the data it was accepted with. A snapshot
 * that no committed problem and no unfinished job names is removed after
 * the commit of an import, and at start-up (ops_problems_gc). The copy blocks the loop for as long as
 * it takes (copy_file_range: a reflink where the file system has them). */

/* Copy p's tests into a new snapshot, dir (512 bytes); p's test paths
 * then name it. */
static int s_snapshot(problem *p, char *dir, char *err, size_t errlen)
{
	char path[600];
	snprintf(path, sizeof path, "%s/problems", G_conf->state_dir);
	mkdir(path, 0700);
	if ((size_t)snprintf(dir, 512, "%s/%s.%" PRId64, path, p->id, now_ms()) >= 450)
		return snprintf(err, errlen, "the state directory's name is too long"), -1;
	if (mkdir(dir, 0700))
		return snprintf(err, errlen, "%.400s: %s", dir, strerror(errno)), -1;
	size_t n = strlen(p->dir);
	for (int i = 0; i < p->ntests; i++)
		for (int k = 0; k < 2; k++) {
			char *src = k ? p->tests[i].ans : p->tests[i].in;
			snprintf(path, sizeof path, "%s/%d.%s", dir, i, k ? "ans" : "in");
			int from = open_beneath(p->dir, src, O_RDONLY | O_NONBLOCK), to = -1;
			int r = from < 0 || (to = open(path, O_WRONLY | O_CREAT | O_EXCL |
						     O_CLOEXEC, 0600)) < 0 || fd_copy(from, to);
			int e = errno;
			if (to >= 0 && close(to))
				r = 1, e = errno;
			if (from >= 0)
				close(from);
			if (r) {
				snprintf(err, errlen, "%.300s: cannot copy it into the daemon's state: %s",
					 src + (strncmp(src, p->dir, n) ? 0 : n + 1), strerror(e));
				dir_remove(dir);
				return -1;
			}
			snprintf(src, sizeof p->tests[i].in, "%.500s", path);
		}
	return 0;
}

/* The description beside the tests (desc.mp): a submission names only its
 * snapshot, and the box reads the description from there (box.c), so a
 * job stores a path, not the problem's tests and validator sources. */
static int s_snapshot_desc(const char *dir, const void *desc, size_t len)
{
	char path[600];
	snprintf(path, sizeof path, "%s/desc.mp", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	const char *p = desc;
	while (fd >= 0 && len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n, len -= (size_t)n;
	}
	return fd < 0 || close(fd) || len ? -1 : 0;
}

/* The snapshot directory a problem description names, into a list. */
static void s_gc_keep(char (**keep)[512], size_t *n, const void *desc, size_t len)
{
	mp_doc d;
	char err[64], *dir;
	char (*k)[512] = realloc(*keep, (*n + 1) * sizeof **keep);
	if (!k)
		return;
	*keep = k;
	if (mp_parse(&d, desc, len, false, err, sizeof err))
		return;
	const msgpack_object *desc_o = mp_get(d.root, "desc"), *snap = mp_get(d.root, "snap");
	dir = k[*n];
	if (mp_str_copy(snap ? snap : mp_get(desc_o ? desc_o : d.root, "dir"), dir, sizeof k[*n]))
		++*n;
	mp_doc_free(&d);
}

typedef struct { char (*keep)[512]; size_t n; } gc_t;

static void s_gc_job(void *arg, uint64_t id, const char *user, int state, uint64_t attempt)
{
	gc_t *g = arg;
	jobspec_t js;
	(void)user, (void)state, (void)attempt;
	if (store_load_spec(id, &js) == 0) {
		s_gc_keep(&g->keep, &g->n, js.spec, js.spec_len);
		jobspec_free(&js);
	}
}

void ops_problems_gc(void)
{
	gc_t g = { NULL, 0 };
	char ids[64][65], after[65] = "", path[600];
	int k;
	do {
		k = store_problem_ids(after, ids, 64);
		for (int i = 0; i < k; i++) {
			size_t len;
			char *desc = store_problem_get(ids[i], &len);
			if (desc)
				s_gc_keep(&g.keep, &g.n, desc, len);
			free(desc);
		}
		if (k > 0)
			snprintf(after, sizeof after, "%s", ids[k - 1]);
	} while (k == 64);
	store_each_active(s_gc_job, &g);
	snprintf(path, sizeof path, "%s/problems", G_conf->state_dir);
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char full[1200];
		bool kept = e->d_name[0] == '.';
		snprintf(full, sizeof full, "%s/%s", path, e->d_name);
		for (size_t i = 0; i < g.n && !kept; i++)
			kept = !strcmp(g.keep[i], full);
		if (!kept && dir_remove(full) == 0)
			jlog(LOG_INFO, "removed problem snapshot %s (nothing needs it)", e->d_name);
	}
	if (d)
		closedir(d);
	free(g.keep);
}

static void s_problem_import(const ctx_t *c)
{
	char id[65], path[513], err[512];
	problem p;
	if (!c->r->admin)
		return reply_error(c->r, "unauthorized", NULL, NULL, NULL,
				   "only admins may import problems");
	if (s_opt_str(c, "problem", 1, 64, id) <= 0 || !s_problem_id_ok(id))
		return s_bad(c, "problem", "an id of [a-z0-9][a-z0-9_-]{0,63}");
	if (s_opt_str(c, "path", 1, 512, path) <= 0 || *path != '/')
		return s_bad(c, "path", "the package directory, an absolute path on the daemon's host");
	if (problem_load(path, id, &p, err, sizeof err))
		return s_bad(c, "path", err);
	for (int i = 0; p.format == PROB_2023_07 && p.scoring && i < p.ngroups; i++) {
		const prob_group *g = &p.groups[i];	/* honest about what is not done */
		size_t n = strlen(p.warnings);
		if (g->parent >= 0 && isfinite(p.groups[g->parent].max_score) && isnan(g->max_score) &&
		    strncmp(g->path, "sample", 6))
			snprintf(p.warnings + n, sizeof p.warnings - n, "data/%s: no max_score "
				 "under a bounded group: an accepted test counts 1\n", g->path);
		else if (!strcmp(g->aggregation, "pass-fail") && i + 1 < p.ngroups &&
			 p.groups[i + 1].parent == i)
			snprintf(p.warnings + n, sizeof p.warnings - n, "data/%s: a pass-fail "
				 "group with subgroups scores the least of theirs, not its "
				 "max_score\n", g->path);
	}
	const lang_t *vl = p.custom_validation ? conf_lang(G_conf, p.validator_lang) : NULL;
	if (p.custom_validation && (!vl || !vl->available)) {
		reply_error(c->r, "unavailable", "path", NULL, NULL,
			    "%s: the output validator's language %s is not available here",
			    path, p.validator_lang);
		problem_free(&p);
		return;
	}
	char snap[512];
	if (s_snapshot(&p, snap, err, sizeof err)) {
		problem_free(&p);
		return reply_error(c->r, "unavailable", "path", NULL, NULL, "%s", err);
	}
	mp_w w;
	mp_w_init(&w);
	if (s_problem_desc(&w, &p, snap, vl, err, sizeof err)) {
		mp_w_free(&w);
		problem_free(&p);
		dir_remove(snap);
		return s_bad(c, "path", err);
	}
	G_problems_changed = true;	/* the replaced snapshot goes after the commit */
	int r = !mp_w_ok(&w) || s_snapshot_desc(snap, w.buf, w.len) || store_begin() ||
		store_problem_put(id, p.name, w.buf, w.len, c->r->user);
	mp_w_free(&w);
	if (r) {
		problem_free(&p);
		dir_remove(snap);
		return reply_error(c->r, "unavailable", NULL, NULL, NULL, "the store cannot be written");
	}
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "problem");
	mp_w_map(&rp.w, 11);
	mp_w_kstr(&rp.w, "id", id);
	mp_w_kstr(&rp.w, "name", p.name);
	mp_w_kuint(&rp.w, "tests", (uint64_t)p.ntests);
	mp_w_kstr(&rp.w, "warnings", p.warnings);
	mp_w_kstr(&rp.w, "type", p.scoring ? "scoring" : "pass-fail");
	mp_w_kbool(&rp.w, "interactive", p.interactive);
	mp_w_kstr(&rp.w, "validator", !p.custom_validation ? "default" :
		  p.testlib ? "testlib" : "kattis");
	mp_w_kuint(&rp.w, "time_limit_ms", (uint64_t)ceil(p.time_limit_s * 1000));
	mp_w_kstr(&rp.w, "time_limit_from", p.time_limit_from);
	bool v2 = p.format == PROB_2023_07;
	mp_w_kfloat(&rp.w, "time_multiplier", v2 ? p.ac_to_time_limit : p.time_multiplier);
	mp_w_kfloat(&rp.w, "time_safety_margin", v2 ? p.time_limit_to_tle : p.time_safety_margin);
	rp.n++;
	problem_free(&p);
	reply_send(c->r, &rp);
}

/* A sample's file, its first 64 KiB. */
static void s_sample_file(mp_w *w, const char *k, const char *path)
{
	char buf[1 << 16];
	FILE *f = fopen(path, "re");
	mp_w_str(w, k);
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	mp_w_bin(w, buf, n);
}

/* problem_get's view: limits, groups, samples; never a secret test. */
static void s_problem_view(mp_w *w, const msgpack_object *d)
{
	const msgpack_object *t = mp_get(d, "tests");
	uint64_t v;
	mp_w_map(w, 8);
	mp_w_str(w, "id"), mp_w_object(w, mp_get(d, "id"));
	mp_w_str(w, "name"), mp_w_object(w, mp_get(d, "name"));
	bool sc = false, ia = false;
	mp_as_bool(mp_get(d, "scoring"), &sc);
	mp_w_kstr(w, "type", sc ? "scoring" : "pass-fail");
	const msgpack_object *val = mp_get(d, "validator");
	mp_as_bool(mp_get(val, "interactive"), &ia);
	mp_w_kbool(w, "interactive", ia);
	mp_w_kstr(w, "validator", !val ? "default" :
		  mp_str_eq(mp_get(val, "style"), "testlib") ? "testlib" : "kattis");
	mp_w_str(w, "limits");
	mp_w_map(w, 3);
	static const struct { const char *k, *out; int lim; } lims[] = {
		{ "time_limit_ms", "cpu_ms", L_CPU }, { "memory_kb", "memory_kb", L_MEM },
		{ "output_kb", "fsize_kb", L_FSIZE } };
	for (size_t i = 0; i < 3; i++) {	/* as a submission runs: cut to the ceilings */
		v = 0;
		mp_as_uint(mp_get(d, lims[i].k), &v);
		mp_w_kuint(w, lims[i].out, v < G_conf->ceil[lims[i].lim] ? v :
			   G_conf->ceil[lims[i].lim]);
	}
	mp_w_kuint(w, "tests", t ? t->via.array.size : 0);
	mp_w_str(w, "samples");
	size_t m = mp_w_array_begin(w);
	uint32_t ns = 0;
	for (uint32_t i = 0; t && i < t->via.array.size && ns < 16; i++) {
		const msgpack_object *e = t->via.array.ptr[i].via.array.ptr;
		if (e[2].type != MSGPACK_OBJECT_BOOLEAN || !e[2].via.boolean)
			continue;
		char in[600], ans[600];
		mp_str_copy(&e[3], in, sizeof in);
		mp_str_copy(&e[4], ans, sizeof ans);
		mp_w_map(w, 3);
		mp_w_str(w, "name"), mp_w_object(w, &e[0]);
		s_sample_file(w, "input", in);
		s_sample_file(w, "answer", ans);
		ns++;
	}
	mp_w_array_end(w, m, ns);
}

static void s_problem_get(const ctx_t *c)
{
	char id[65], err[160];
	size_t len;
	if (s_opt_str(c, "problem", 1, 64, id) <= 0)
		return s_bad(c, "problem", "is required");
	char *desc = store_problem_get(id, &len);
	mp_doc d;
	if (!desc || mp_parse(&d, desc, len, false, err, sizeof err)) {
		free(desc);
		return reply_error(c->r, "not_found", "problem", NULL, NULL, "problem %s not found", id);
	}
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "problem");
	s_problem_view(&rp.w, d.root);
	rp.n++;
	mp_doc_free(&d);
	free(desc);
	reply_send(c->r, &rp);
}

static void s_problem_list(const ctx_t *c)
{
	char after[65] = "", ids[101][65];
	uint64_t limit = 100;
	if (s_opt_str(c, "cursor", 1, 64, after) < 0 || s_opt_uint(c, "limit", 1, 100, &limit) < 0)
		return;
	int n = store_problem_ids(after, ids, (int)limit + 1);	/* one more: is there a next? */
	bool more = n > (int)limit;
	if (more)
		n = (int)limit;
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "problems");
	mp_w_array(&rp.w, n < 0 ? 0 : (uint32_t)n);
	for (int i = 0; i < n; i++) {
		mp_w_map(&rp.w, 1);
		mp_w_kstr(&rp.w, "id", ids[i]);
	}
	rp.n++;
	if (more && n > 0)
		mp_w_kstr(&rp.w, "next", ids[n - 1]), rp.n++;
	reply_send(c->r, &rp);
}

/* ---- get, cancel ---- */

/* The job id of a get/cancel, owned by the caller (or an admin). */
static int s_job_id(const ctx_t *c, uint64_t *id, int *state)
{
	char owner[NAME_MAX_LEN + 1];
	int r = s_opt_uint(c, "id", 1, MAX_INT53, id);
	if (r == 0)
		s_bad(c, "id", "is required");
	if (r <= 0)
		return -1;
	if (store_job_state(*id, state, owner, sizeof owner, NULL) ||
	    (!c->r->admin && strcmp(owner, c->r->user))) {
		reply_error(c->r, "not_found", "id", NULL, NULL,
			    "job %" PRIu64 " not found", *id);
		return -1;
	}
	return 0;
}

static void s_get(const ctx_t *c)
{
	uint64_t id, wait_ms = 0;
	int state;
	bool wait = false, output = true, source = false;
	if (s_opt_bool(c, "wait", &wait) < 0 || s_opt_bool(c, "output", &output) < 0 ||
	    s_opt_bool(c, "source", &source) < 0 ||
	    s_opt_uint(c, "wait_ms", 1, WAIT_MS_MAX, &wait_ms) < 0 ||
	    s_job_id(c, &id, &state))
		return;
	int flags = (output ? JW_OUTPUT : 0) | (source ? JW_SOURCE : 0);
	if (wait && !S_TERMINAL(state)) {
		if (waits_of(c->r) >= G_conf->max_waits)
			return reply_error(c->r, "queue_full", NULL, NULL, "waits",
					   "too many waits on this connection");
		wait_add(c->r, id, wait_ms ? now_ms() + (int64_t)wait_ms : 0, flags, false);
		return;
	}
	ops_reply_job(c->r, id, flags, false);
}

static void s_cancel(const ctx_t *c)
{
	uint64_t id;
	int state;
	char owner[NAME_MAX_LEN + 1];
	if (s_job_id(c, &id, &state))
		return;
	bool did = false;
	if (!S_TERMINAL(state)) {
		if (store_begin() || !store_set_state(id, S_CANCELLED, false))
			return reply_error(c->r, "unavailable", NULL, NULL, NULL,
					   "the store cannot be written");
		store_job_state(id, &state, owner, sizeof owner, NULL);
		job_state_changed(id);
		if (!queue_remove(id, owner))
			box_kill(id);
		did = true;
	}
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_kbool(&rp.w, "cancelled", did);
	mp_w_str(&rp.w, "job");
	rp.n += 2;
	if (store_write_job(&rp.w, id, 0))
		return mp_w_free(&rp.w), reply_error(c->r, "internal", NULL, NULL, NULL,
						     "cannot read job");
	reply_send(c->r, &rp);
}

/* ---- list ---- */

static uint64_t s_fnv(uint64_t h, const char *s)
{
	for (s = s ? s : "\x01"; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull;
}

static int s_list_states(const ctx_t *c, list_q *q)
{
	const msgpack_object *o = mp_get(c->m, "state");
	char s[16];
	if (!o)
		return 0;
	const msgpack_object *v = o;
	uint32_t n = 1;
	if (o->type == MSGPACK_OBJECT_ARRAY)
		v = o->via.array.ptr, n = o->via.array.size;
	if (n == 0 || n > 6)
		return s_bad(c, "state", "give 1 to 6 states"), -1;
	for (uint32_t i = 0; i < n; i++) {
		int st = mp_str_copy(&v[i], s, sizeof s) ? state_parse(s) : -1;
		if (st < 0)
			return s_bad(c, "state", "unknown state"), -1;
		q->states[q->nstates++] = st;
	}
	return 0;
}

static void s_list(const ctx_t *c)
{
	list_q q = { .limit = 20 };
	char user[257] = "", kind[17], lang[33], label[129], cursor[257];
	uint64_t limit = 20;
	int ku, kk, kl, kb, kc;
	if ((ku = s_opt_str(c, "user", 1, 256, user)) < 0 ||
	    (kk = s_opt_str(c, "kind", 1, 16, kind)) < 0 ||
	    (kl = s_opt_str(c, "lang", 1, 32, lang)) < 0 ||
	    (kb = s_opt_str(c, "label", 0, 128, label)) < 0 ||
	    (kc = s_opt_str(c, "cursor", 1, 256, cursor)) < 0 ||
	    s_opt_uint(c, "limit", 1, 100, &limit) < 0 || s_list_states(c, &q))
		return;
	if (ku && strcmp(user, c->r->user) && !c->r->admin)
		return reply_error(c->r, "unauthorized", "user", NULL, NULL,
				   "user: only admins may list another user's jobs");
	q.user = ku ? user : c->r->admin ? NULL : c->r->user;
	q.kind = kk ? kind : NULL, q.lang = kl ? lang : NULL;
	q.label = kb ? label : NULL, q.limit = (unsigned)limit;
	uint64_t h = s_fnv(s_fnv(s_fnv(s_fnv(0xcbf29ce484222325ull, q.user), q.kind),
				 q.lang), q.label);
	for (int i = 0; i < q.nstates; i++)
		h = (h ^ (uint64_t)q.states[i]) * 0x100000001b3ull;
	if (kc) {
		unsigned long long before, hh;
		int end = 0;
		if (sscanf(cursor, "b%llu.%llx%n", &before, &hh, &end) != 2 ||
		    cursor[end] || hh != h || before == 0)
			return s_bad(c, "cursor", "not a cursor of this listing "
				     "(filters must be the same as for the first page)");
		q.before = before;
	}
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "jobs");
	rp.n++;
	uint64_t last;
	bool more;
	if (store_list(&rp.w, &q, &last, &more) < 0)
		return mp_w_free(&rp.w), reply_error(c->r, "internal", NULL, NULL,
						     NULL, "cannot list");
	if (more) {
		char next[64];
		snprintf(next, sizeof next, "b%" PRIu64 ".%" PRIx64, last, h);
		mp_w_kstr(&rp.w, "next", next);
		rp.n++;
	}
	reply_send(c->r, &rp);
}

/* ---- languages, health ---- */

static void s_lang_limits(mp_w *w, const bool *has, const limits_t l)
{
	uint32_t n = 0;
	for (int i = 0; i < L_COUNT; i++)
		n += has[i];
	mp_w_map(w, n);
	for (int i = 0; i < L_COUNT; i++)
		if (has[i])
			mp_w_kuint(w, limit_names[i], l[i]);
}

static void s_language(mp_w *w, const lang_t *l)
{
	size_t m = mp_w_map_begin(w);
	uint32_t n = 6;
	bool any = false;
	mp_w_kstr(w, "id", l->id);
	mp_w_kstr(w, "name", l->name);
	if (*l->version)
		mp_w_kstr(w, "version", l->version), n++;
	mp_w_kbool(w, "available", l->available);
	if (!l->available)
		mp_w_kstr(w, "reason", l->reason), n++;
	mp_w_kstr(w, "source", l->source);
	mp_w_str(w, "extensions");
	char e[sizeof l->exts], *save, *t;
	strcpy(e, l->exts);
	size_t am = mp_w_array_begin(w);
	uint32_t k = 0;
	for (t = strtok_r(e, " ", &save); t; t = strtok_r(NULL, " ", &save), k++)
		mp_w_str(w, t);
	mp_w_array_end(w, am, k);
	mp_w_kbool(w, "compiled", *l->compile != 0);
	for (int i = 0; i < L_COUNT; i++)
		any |= l->has_limits[i];
	if (any) {
		mp_w_str(w, "limits");
		s_lang_limits(w, l->has_limits, l->limits);
		n++;
	}
	mp_w_map_end(w, m, n);
}

static void s_languages(const ctx_t *c)
{
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "languages");
	mp_w_array(&rp.w, (uint32_t)G_conf->nlangs);
	for (size_t i = 0; i < G_conf->nlangs; i++)
		s_language(&rp.w, &G_conf->langs[i]);
	rp.n++;
	reply_send(c->r, &rp);
}

static void s_limits_map(mp_w *w, const char *k, const limits_t l)
{
	mp_w_str(w, k);
	mp_w_map(w, L_COUNT);
	for (int i = 0; i < L_COUNT; i++)
		mp_w_kuint(w, limit_names[i], l[i]);
}

static void s_health(const ctx_t *c)
{
	const conf_t *g = G_conf;
	reply_t rp;
	mp_w *w = &rp.w;
	int64_t now = now_ms();
	reply_start(&rp, c->r, true);
	mp_w_kstr(w, "version", JBD_VERSION);
	mp_w_kuint(w, "uptime_ms", (uint64_t)(now - G_started_at));
	mp_w_kuint(w, "started_at", (uint64_t)G_started_at);
	mp_w_kbool(w, "draining", G_draining);
	mp_w_kuint(w, "cgroup", (uint64_t)G_cgroup);
	mp_w_str(w, "boxes");
	mp_w_map(w, 3);
	mp_w_kuint(w, "total", (uint64_t)box_total());
	mp_w_kuint(w, "busy", (uint64_t)(box_total() - box_free_count()));
	mp_w_kuint(w, "free", (uint64_t)box_free_count());
	mp_w_str(w, "queue");
	mp_w_map(w, 4);
	mp_w_kuint(w, "length", queue_length());
	mp_w_kuint(w, "capacity", g->queue_capacity);
	mp_w_kuint(w, "per_user", g->queue_per_user);
	mp_w_kuint(w, "running", running_count());
	mp_w_kstr(w, "user", c->r->user);
	mp_w_kbool(w, "admin", c->r->admin);
	mp_w_str(w, "limits");
	mp_w_map(w, 8);
	mp_w_kuint(w, "max_request", g->max_request);
	mp_w_kuint(w, "max_source", g->max_source);
	mp_w_kuint(w, "max_files", g->max_files);
	mp_w_kuint(w, "max_files_total", g->max_files_total);
	mp_w_kuint(w, "max_stdin", g->max_stdin);
	mp_w_kuint(w, "max_args", g->max_args);
	s_limits_map(w, "defaults", g->def);
	s_limits_map(w, "ceilings", g->ceil);
	rp.n += 10;
	reply_send(c->r, &rp);
}

/* ---- dispatch ---- */

void ops_reply_job(const req_t *r, uint64_t id, int flags, bool dup)
{
	reply_t rp;
	reply_start(&rp, r, true);
	if (dup)
		mp_w_kbool(&rp.w, "dup", true), rp.n++;
	mp_w_str(&rp.w, "job");
	rp.n++;
	if (store_write_job(&rp.w, id, flags)) {
		mp_w_free(&rp.w);
		reply_error(r, "internal", NULL, NULL, NULL, "cannot read job %" PRIu64, id);
		return;
	}
	reply_send(r, &rp);
}

void ops_handle(const req_t *r, const void *body, size_t len)
{
	static const struct { const char *op; void (*fn)(const ctx_t *); } ops[] = {
		{ "run", s_run }, { "get", s_get }, { "cancel", s_cancel },
		{ "list", s_list }, { "languages", s_languages }, { "health", s_health },
		{ "test", s_test }, { "submit", s_submit_op },
		{ "problem_import", s_problem_import }, { "problem_get", s_problem_get },
		{ "problem_list", s_problem_list },
	};
	req_t rr = *r;
	ctx_t c = { .r = &rr };
	mp_doc d;
	char err[160], op[32];
	uint64_t v = 1;
	if (mp_parse(&d, body, len, true, err, sizeof err))
		return reply_error(r, "bad_request", NULL, NULL, NULL, "%s", err);
	c.m = d.root;
	const msgpack_object *rid = mp_get(c.m, "rid");
	const char *p;
	size_t n;
	if (rid && !(mp_as_str(rid, &p, &n) && n <= 64) &&
	    !(mp_as_uint(rid, &v) && v <= MAX_INT53)) {
		reply_error(r, "bad_request", "rid", NULL, NULL,
			    "rid: a string of at most 64 bytes or an integer below 2^53");
		return mp_doc_free(&d);
	}
	if (rid) {
		mp_w w;
		mp_w_init(&w);
		mp_w_object(&w, rid);
		if (mp_w_ok(&w) && w.len <= sizeof rr.rid)
			memcpy(rr.rid, w.buf, w.len), rr.ridlen = w.len;
		mp_w_free(&w);
	}
	v = 1;
	const msgpack_object *vo = mp_get(c.m, "v");
	if (vo && !mp_as_uint(vo, &v))
		s_bad(&c, "v", "must be an unsigned integer");
	else if (v > PROTO_V)
		reply_error(&rr, "version_mismatch", "v", NULL, NULL,
			    "this daemon speaks protocol version %d", PROTO_V);
	else if (!mp_str_copy(mp_get(c.m, "op"), op, sizeof op))
		s_bad(&c, "op", "is required and must be a string");
	else {
		size_t i;
		for (i = 0; i < sizeof ops / sizeof *ops; i++)
			if (!strcmp(op, ops[i].op)) {
				ops[i].fn(&c);
				break;
			}
		if (i == sizeof ops / sizeof *ops)
			reply_error(&rr, "bad_request", "op", NULL, NULL,
				    "op: unknown operation '%s'", op);
	}
	mp_doc_free(&d);
}
