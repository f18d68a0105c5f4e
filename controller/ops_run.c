/* ops_run.c: the operations that queue a program (PROTOCOL.md 7.1, 14):
 * run, test and submit. Every field is checked before anything is stored:
 * a request either gets an error and leaves no trace, or is committed (in
 * the loop's transaction) before its reply leaves.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "log.h"
#include "ops.h"

#define MAX_TESTS	1000	/* inline tests of one `test` */

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

/* main (PROTOCOL.md 7.1): the entry file's name into buf (65 bytes),
 * the language's source if absent; 1 given, 0 absent, -1 replied. */
static int s_main(const ctx_t *c, const lang_t *l, char *buf)
{
	int r = rq_str(c, "main", 1, 64, buf);
	if (r > 0 && (!rq_file_name_ok(buf, strlen(buf)) || strchr(buf, '/')))
		return rq_bad(c, "main", "a file name of [A-Za-z0-9._+-], not starting "
			      "with '.' or '-', at the top level"), -1;
	if (r == 0)
		snprintf(buf, 65, "%s", l->source);
	return r;
}

/* Is this program text empty or nothing but white space? Such a source is
 * refused (bad_request): compiling it only ever fails, or runs nothing. */
static bool s_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n\v\f", p[i]) || !p[i])
			return false;
	return true;
}

/* source: one file, named main (the language's entry file by default). */
static int s_source(const ctx_t *c, const char *main, const msgpack_object *src, mp_w *spec)
{
	const char *p;
	size_t n;
	if (!mp_as_bin(src, &p, &n))
		return rq_bad(c, "source", "must be bin"), -1;
	if (n > c->s->conf->max_source)
		return rq_too_large(c, "source", c->s->conf->max_source), -1;
	if (s_blank(p, n))
		return rq_bad(c, "source", "is empty or only white space"), -1;
	mp_w_array(spec, 1);
	mp_w_array(spec, 2);
	mp_w_str(spec, main);
	mp_w_bin(spec, p, n);
	return 0;
}

/* files[i]: {name, content}, checked against the ones before it and the
 * running total; written to the spec as [name, content] (spec not NULL). */
static int s_file(const ctx_t *c, const msgpack_object *f, uint32_t i,
		  uint64_t *total, mp_w *spec)
{
	const conf_t *g = c->s->conf;
	const msgpack_object *e = &f->via.array.ptr[i];
	const msgpack_object *nm = e->type == MSGPACK_OBJECT_MAP ? mp_get(e, "name") : NULL;
	const msgpack_object *ct = e->type == MSGPACK_OBJECT_MAP ? mp_get(e, "content") : NULL;
	const char *np, *p;
	size_t nn, n;
	char field[40];
	snprintf(field, sizeof field, "files.%u.name", i);
	if (!nm || !mp_as_str(nm, &np, &nn) || !rq_file_name_ok(np, nn))
		return rq_bad(c, field, "a relative path of [A-Za-z0-9._+-] components, "
			      "not starting with '.' or '-'"), -1;
	for (uint32_t j = 0; j < i; j++)
		if (s_names_clash(&mp_get(&f->via.array.ptr[j], "name")->via.str, &nm->via.str))
			return rq_bad(c, field, "duplicates another file or its directory"), -1;
	snprintf(field, sizeof field, "files.%u.content", i);
	if (!ct || !mp_as_bin(ct, &p, &n))
		return rq_bad(c, field, "must be bin"), -1;
	if (n > g->max_source)
		return rq_too_large(c, field, g->max_source), -1;
	if ((*total += n) > g->max_files_total)
		return rq_too_large(c, "files", g->max_files_total), -1;
	if (!spec)
		return 0;
	mp_w_array(spec, 2);
	mp_w_strn(spec, np, nn);
	mp_w_bin(spec, p, n);
	return 0;
}

/* The entry file (a {name, content} map, or a [name, content] pair) must
 * hold a program: -1 replied if it is empty or only white space. */
static int s_entry_blank(const ctx_t *c, const msgpack_object *e, uint32_t i)
{
	const msgpack_object *ct = e->type == MSGPACK_OBJECT_MAP ? mp_get(e, "content") :
				   &e->via.array.ptr[1];
	const char *p;
	size_t n;
	char field[40];
	if (!mp_as_bin(ct, &p, &n) || !s_blank(p, n))
		return 0;
	snprintf(field, sizeof field, "files.%u.content", i);
	return rq_bad(c, field, "the entry file is empty or only white space"), -1;
}

/* Is files[i] named main? */
static bool s_is_main(const msgpack_object *f, uint32_t i, const char *main)
{
	const msgpack_object_str *nm = &mp_get(&f->via.array.ptr[i], "name")->via.str;
	return nm->size == strlen(main) && !memcmp(nm->ptr, main, nm->size);
}

/* source or files[]: validated and written to the spec as
 * [[name, content], ...]. With a main given, the entry file comes first,
 * so that the compile cache, keyed on the files, tells apart two entry
 * points of the same files. */
static int s_files(const ctx_t *c, const lang_t *l, mp_w *spec, char *main)
{
	const msgpack_object *src = mp_get(c->m, "source"), *f = mp_get(c->m, "files");
	int given = s_main(c, l, main);
	if (given < 0)
		return -1;
	if (!src == !f)
		return rq_bad(c, "source", "give exactly one of source and files"), -1;
	if (src)
		return s_source(c, main, src, spec);
	if (f->type != MSGPACK_OBJECT_ARRAY)
		return rq_bad(c, "files", "must be an array"), -1;
	uint32_t cnt = f->via.array.size;
	if (cnt == 0)
		return rq_bad(c, "files", "must not be empty"), -1;
	if (cnt > c->s->conf->max_files)
		return rq_too_large(c, "files", c->s->conf->max_files), -1;
	uint64_t total = 0;
	uint32_t entry = cnt;
	if (!given)
		mp_w_array(spec, cnt);
	for (uint32_t i = 0; i < cnt; i++) {
		if (s_file(c, f, i, &total, given ? NULL : spec))
			return -1;
		if (s_is_main(f, i, main))
			entry = i;
	}
	if (entry == cnt) {
		char what[96];
		snprintf(what, sizeof what, "must include %s%s", main, given ? " (main)" : "");
		return rq_bad(c, "files", what), -1;
	}
	if (s_entry_blank(c, &f->via.array.ptr[entry], entry))
		return -1;
	if (!given)
		return 0;
	total = 0;
	mp_w_array(spec, cnt);
	s_file(c, f, entry, &total, spec);
	for (uint32_t i = 0; i < cnt; i++)
		if (i != entry)
			s_file(c, f, i, &total, spec);
	return 0;
}

static int s_stdin_args(const ctx_t *c, mp_w *spec)
{
	const msgpack_object *in = mp_get(c->m, "stdin"), *a = mp_get(c->m, "args");
	const char *p = "";
	size_t n = 0;
	if (in && !mp_as_bin(in, &p, &n))
		return rq_bad(c, "stdin", "must be bin"), -1;
	if (n > c->s->conf->max_stdin)
		return rq_too_large(c, "stdin", c->s->conf->max_stdin), -1;
	mp_w_kbin(spec, "stdin", p, n);
	mp_w_str(spec, "args");
	if (!a) {
		mp_w_array(spec, 0);
		return 0;
	}
	if (a->type != MSGPACK_OBJECT_ARRAY)
		return rq_bad(c, "args", "must be an array of strings"), -1;
	if (a->via.array.size > c->s->conf->max_args)
		return rq_too_large(c, "args", c->s->conf->max_args), -1;
	mp_w_array(spec, a->via.array.size);
	for (uint32_t i = 0; i < a->via.array.size; i++) {
		char field[24];
		snprintf(field, sizeof field, "args.%u", i);
		if (!mp_as_str(&a->via.array.ptr[i], &p, &n))
			return rq_bad(c, field, "must be a string"), -1;
		if (n > 4096)
			return rq_too_large(c, field, 4096), -1;
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
		return rq_bad(c, "limits", "must be a map"), -1;
	for (uint32_t i = 0; m && i < m->via.map.size; i++) {
		const msgpack_object_kv *kv = &m->via.map.ptr[i];
		char k[24] = "";
		if (!mp_str_copy(&kv->key, k, sizeof k) || wire_limit_index(k) < 0 ||
		    strchr(k, '-')) {
			const char *kp;
			size_t kn;
			mp_as_str(&kv->key, &kp, &kn);
			snprintf(field, sizeof field, "limits.%.*s",
				 (int)(kn < 24 ? kn : 24), kp);
			return rq_bad(c, field, "unknown limit (see health: "
				     "limits.defaults)"), -1;
		}
		int j = wire_limit_index(k);
		snprintf(field, sizeof field, "limits.%s", k);
		if (kv->val.type == MSGPACK_OBJECT_NIL)
			continue;
		if (!mp_as_uint(&kv->val, &asked[j]))
			return rq_bad(c, field, "must be a positive integer"), -1;
		unsigned lo = j == L_SHARE ? 10 : 1;	/* the helper's least quota */
		if (!c->s->conf->ceil[j]) {
			reply_error(c->r, "bad_request", field, &c->s->conf->ceil[j], NULL,
				    "%s: not available (helper.conf sets no ceiling for it)", field);
			return -1;
		}
		if (asked[j] < lo) {
			reply_error(c->r, "bad_request", field, &c->s->conf->ceil[j], NULL,
				    "%s: must be %u to %" PRIu64, field, lo, c->s->conf->ceil[j]);
			return -1;
		}
		if (asked[j] > c->s->conf->ceil[j]) {
			reply_error(c->r, "bad_request", field, &c->s->conf->ceil[j], NULL,
				    "%s: %" PRIu64 " is above the ceiling of %" PRIu64,
				    field, asked[j], c->s->conf->ceil[j]);
			return -1;
		}
	}
	for (int j = 0; j < L_COUNT; j++) {
		eff[j] = asked[j] ? asked[j] : l->has_limits[j] ? l->limits[j] : c->s->conf->def[j];
		if (eff[j] > c->s->conf->ceil[j])
			eff[j] = c->s->conf->ceil[j];
	}
	return 0;
}

static const lang_t *s_lang(const ctx_t *c)
{
	char id[40];
	const msgpack_object *o = mp_get(c->m, "lang");
	if (!o)
		return rq_bad(c, "lang", "is required"), NULL;
	if (!mp_str_copy(o, id, sizeof id))
		return rq_bad(c, "lang", "must be a language id"), NULL;
	const lang_t *l = conf_lang(c->s->conf, id);
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

/* The request's options; a session's run takes only idem and label (it
 * never waits: its reply carries the job id at once). */
static int s_run_opts(const ctx_t *c, run_opts *o, bool session)
{
	memset(o, 0, sizeof *o);
	if (session)
		return rq_str(c, "idem", 1, 64, o->idem) < 0 ||
		       rq_str(c, "label", 0, 128, o->label) < 0 ? -1 : 0;
	if (rq_bool(c, "wait", &o->wait) < 0 ||
	    rq_uint(c, "wait_ms", 1, WAIT_MS_MAX, &o->wait_ms) < 0 ||
	    rq_str(c, "idem", 1, 64, o->idem) < 0 ||
	    rq_str(c, "label", 0, 128, o->label) < 0 ||
	    rq_str(c, "as_user", 1, 256, o->as_user) < 0)
		return -1;
	if (*o->as_user && !c->r->admin) {
		reply_error(c->r, "unauthorized", "as_user", NULL, NULL,
			    "as_user: only admins may submit for another user");
		return -1;
	}
	if (*o->as_user && !rq_user_name_ok(o->as_user))
		return rq_bad(c, "as_user", "not a user name"), -1;
	return 0;
}

static int s_queue_room(const ctx_t *c, const char *user, bool wait)
{
	const char *scope = NULL;
	if (queue_length(c->s->queue) >= c->s->conf->queue_capacity)
		scope = "global";
	else if (queue_user_length(c->s->queue, user) >= c->s->conf->queue_per_user)
		scope = "user";
	else if (wait && outbox_waits_of(c->s->out, c->r) >= c->s->conf->max_waits)
		scope = "waits";
	if (!scope)
		return 0;
	reply_error(c->r, "queue_full", NULL, NULL, scope,
		    "the queue is full (%s); try again later", scope);
	return -1;
}

static void s_reply_run(const ctx_t *c, uint64_t id, bool dup, const run_opts *o)
{
	int state;
	if (o->wait && store_job_state(c->s->store, id, &state, NULL, 0, NULL) == 0 &&
	    !S_TERMINAL(state)) {
		int64_t dl = o->wait_ms ? now_ms() + (int64_t)o->wait_ms : 0;
		outbox_wait(c->s->out, c->r, id, dl, JW_OUTPUT, dup);
		return;
	}
	reply_job(c->r, id, o->wait ? JW_OUTPUT : 0, dup);
}

/* test's own fields (PROTOCOL.md 14): the tests, how to compare, when to
 * stop, into the spec; *hidden for keep: false. */
/* A test's `requirements` (an array of ids, each 1-64 bytes without
 * spaces or controls, at most 16) joined by spaces into buf ("": none).
 * 0, or -1 replied. */
static int s_test_reqs(const ctx_t *c, const msgpack_object *r, uint32_t i, char *buf,
		       size_t size)
{
	char field[48];
	size_t k = 0;
	*buf = 0;
	if (!r)
		return 0;
	snprintf(field, sizeof field, "tests.%u.requirements", i);
	if (r->type != MSGPACK_OBJECT_ARRAY || r->via.array.size > 16)
		return rq_bad(c, field, "an array of at most 16 requirement ids"), -1;
	for (uint32_t x = 0; x < r->via.array.size; x++) {
		const char *p;
		size_t n;
		bool good = mp_as_str(&r->via.array.ptr[x], &p, &n) && n >= 1 && n <= 64;
		for (size_t y = 0; good && y < n; y++)
			good = p[y] > ' ' && p[y] < 127;
		if (!good || k + n + 2 > size)
			return rq_bad(c, field, "each id 1-64 bytes of printable ASCII, no spaces"), -1;
		k += (size_t)snprintf(buf + k, size - k, "%s%.*s", k ? " " : "", (int)n, p);
	}
	return 0;
}

static int s_test_fields(const ctx_t *c, mp_w *spec, uint32_t *n, bool *hidden)
{
	const msgpack_object *t = mp_get(c->m, "tests"), *cmp = mp_get(c->m, "compare");
	char field[48], err[160], mode[16] = "first_failure";
	bool keep = true;
	compare_opts co;
	if (!t || t->type != MSGPACK_OBJECT_ARRAY || t->via.array.size == 0)
		return rq_bad(c, "tests", "an array of 1 or more {name, input, answer}"), -1;
	if (t->via.array.size > MAX_TESTS)
		return rq_too_large(c, "tests", MAX_TESTS), -1;
	if (cmp && compare_opts_from(cmp, &co, field, sizeof field, err, sizeof err))
		return rq_bad(c, field, err), -1;
	if (rq_str(c, "mode", 1, 15, mode) < 0 || rq_bool(c, "keep", &keep) < 0)
		return -1;
	if (strcmp(mode, "first_failure") && strcmp(mode, "all"))
		return rq_bad(c, "mode", "first_failure or all"), -1;
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
			return rq_bad(c, field, "must be a map {name, input, answer}"), -1;
		snprintf(field, sizeof field, "tests.%u.name", i);
		if (!nm || !mp_as_str(nm, &np, &nn) || !rq_file_name_ok(np, nn) || memchr(np, '/', nn))
			return rq_bad(c, field, "a name of [A-Za-z0-9._+-], not starting "
				     "with '.' or '-', at most 64 bytes"), -1;
		snprintf(field, sizeof field, "tests.%u.input", i);
		if (in && !mp_as_bin(in, &ip, &in_n))
			return rq_bad(c, field, "must be bin"), -1;
		snprintf(field, sizeof field, "tests.%u.answer", i);
		if (an && !mp_as_bin(an, &ap, &an_n))
			return rq_bad(c, field, "must be bin"), -1;
		char reqs[520];
		if (s_test_reqs(c, okm ? mp_get(e, "requirements") : NULL, i, reqs, sizeof reqs))
			return -1;
		mp_w_array(spec, *reqs ? 4 : 3);
		mp_w_strn(spec, np, nn);
		mp_w_bin(spec, ip, in_n);
		mp_w_bin(spec, ap, an_n);
		if (*reqs)
			mp_w_str(spec, reqs);
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

/* A problem's `languages:` (its description's "languages", language ids;
 * absent: every language): 0 if l may be submitted, -1 replied. */
static int s_problem_lang(const ctx_t *c, const msgpack_object *root, const char *id,
			  const lang_t *l)
{
	const msgpack_object *ls = mp_get(root, "languages");
	char list[256] = "";
	size_t k = 0;
	if (!ls || ls->type != MSGPACK_OBJECT_ARRAY)
		return 0;
	for (uint32_t i = 0; i < ls->via.array.size; i++) {
		const char *p;
		size_t n;
		if (!mp_as_str(&ls->via.array.ptr[i], &p, &n))
			continue;
		if (n == strlen(l->id) && !memcmp(p, l->id, n))
			return 0;
		if (k < sizeof list - 1)
			k += (size_t)snprintf(list + k, sizeof list - k, "%s%.*s", k ? ", " : "",
					      (int)n, p);
	}
	reply_error(c->r, "bad_request", "lang", NULL, NULL,
		    "lang: problem %s does not accept %s (its languages: %s)", id, l->id,
		    k ? list : "none");
	return -1;
}

/* submit's problem: its stored description into the spec, and the run
 * limits it sets (clients cannot change them: contest rules). */
static int s_problem_fields(const ctx_t *c, const lang_t *l, mp_w *spec, uint32_t *n,
			    limits_t eff)
{
	char id[65];
	size_t len;
	if (mp_get(c->m, "limits"))
		return rq_bad(c, "limits", "a submission's limits are the problem's"), -1;
	if (rq_str_req(c, "problem", 1, 64, id) < 0)
		return -1;
	if (!rq_problem_id_ok(id))
		return rq_bad(c, "problem", "an id of [a-z0-9][a-z0-9_-]{0,63}"), -1;
	char *desc = store_problem_get(c->s->store, id, &len);
	mp_doc d;
	char err[160], mode[16] = "first_failure";
	if (!desc || mp_parse(&d, desc, len, false, err, sizeof err)) {
		free(desc);
		reply_error(c->r, "not_found", "problem", NULL, NULL, "problem %s not found", id);
		return -1;
	}
	if (s_problem_lang(c, d.root, id, l))
		return mp_doc_free(&d), free(desc), -1;
	static const struct { const char *k; int lim; uint64_t mul; } m[] = {
		{ "time_limit_ms", L_CPU, 1 }, { "memory_kb", L_MEM, 1 }, { "output_kb", L_FSIZE, 1 } };
	for (size_t i = 0; i < 3; i++) {
		uint64_t v;
		if (mp_as_uint(mp_get(d.root, m[i].k), &v) && v)
			eff[m[i].lim] = v < c->s->conf->ceil[m[i].lim] ? v : c->s->conf->ceil[m[i].lim];
	}
	/* problem verify: an admin judges with another time limit, to derive
	 * one or to check the safety margin (PROTOCOL.md 14.4). */
	uint64_t tl = 0;
	int tr = rq_uint(c, "time_limit_ms", 1, UINT32_MAX, &tl);
	if (tr > 0 && !c->r->admin) {
		mp_doc_free(&d), free(desc);
		reply_error(c->r, "unauthorized", "time_limit_ms", NULL, NULL,
			    "only admins may judge with another time limit");
		return -1;
	}
	if (tr < 0)
		return mp_doc_free(&d), free(desc), -1;
	if (tr > 0)
		eff[L_CPU] = tl < c->s->conf->ceil[L_CPU] ? tl : c->s->conf->ceil[L_CPU];
	uint64_t wall = eff[L_CPU] * 2 + 1000;
	eff[L_WALL] = wall < c->s->conf->ceil[L_WALL] ? wall : c->s->conf->ceil[L_WALL];
	char snap[512] = "";
	mp_str_copy(mp_get(d.root, "dir"), snap, sizeof snap);
	mp_doc_free(&d);
	int mr = rq_str(c, "mode", 1, 15, mode);
	if (mr < 0 || (strcmp(mode, "first_failure") && strcmp(mode, "all"))) {
		free(desc);
		return mr < 0 ? -1 : (rq_bad(c, "mode", "first_failure or all"), -1);
	}
	mp_w_kstr(spec, "problem", id);
	mp_w_kstr(spec, "mode", mode);
	mp_w_kstr(spec, "snap", snap);	/* its desc.mp: the problem as now */
	free(desc);
	*n += 3;
	return 0;
}

/* A session's files (src: its stored {"files": [[name, content], ...]})
 * into the spec; the language's entry file must be there and hold a
 * program. -1 replied. */
static int s_session_files(const ctx_t *c, const lang_t *l, const run_src_t *src, mp_w *spec)
{
	mp_doc d;
	char err[128];
	const msgpack_object *f = NULL;
	if (!mp_parse(&d, src->files, src->len, false, err, sizeof err))
		f = mp_get(d.root, "files");
	if (!f || f->type != MSGPACK_OBJECT_ARRAY) {
		mp_doc_free(&d);
		return reply_error(c->r, "internal", NULL, NULL, NULL,
				   "session %" PRIu64 ": its stored files cannot be read",
				   src->session), -1;
	}
	uint32_t i;
	for (i = 0; i < f->via.array.size; i++) {
		const msgpack_object *e = &f->via.array.ptr[i];
		if (e->type == MSGPACK_OBJECT_ARRAY && e->via.array.size == 2 &&
		    mp_str_eq(&e->via.array.ptr[0], l->source))
			break;
	}
	int r = 0;
	if (i == f->via.array.size) {
		reply_error(c->r, "bad_request", "files", NULL, NULL, "files: session %" PRIu64
			    " has no file %s (the entry file of %s)", src->session, l->source, l->id);
		r = -1;
	} else if (s_entry_blank(c, &f->via.array.ptr[i], i))
		r = -1;
	else
		mp_w_object(spec, f);
	mp_doc_free(&d);
	return r;
}

/* The job's spec (what the box needs: files, stdin, args, tests or the
 * problem, the asked limits), and its effective limits; -1 replied. The
 * files are the request's, or a session's (src; recorded in the spec). */
static int s_spec(const ctx_t *c, const char *kind, const lang_t *l, const run_opts *o,
		  const run_src_t *src, mp_w *spec, limits_t eff, bool *hidden)
{
	limits_t asked;
	char main[65];
	size_t sm = mp_w_map_begin(spec);
	uint32_t sn = 9;
	mp_w_kstr(spec, "kind", kind);
	mp_w_kstr(spec, "form", !src && mp_get(c->m, "source") ? "source" : "files");
	mp_w_str(spec, "files");
	if ((src ? s_session_files(c, l, src, spec) : s_files(c, l, spec, main)) ||
	    s_stdin_args(c, spec) || s_limits(c, l, asked, eff) ||
	    (!strcmp(kind, "test") && s_test_fields(c, spec, &sn, hidden)) ||
	    (!strcmp(kind, "submit") && s_problem_fields(c, l, spec, &sn, eff)))
		return -1;
	if (src) {
		mp_w_kuint(spec, "session", src->session);
		mp_w_kuint(spec, "session_version", src->version);
		sn += 2;
	}
	mp_w_kstr(spec, "lang", l->id);
	mp_w_kstr(spec, "label", o->label);
	mp_w_kstr(spec, "as_user", o->as_user);
	bool stream = false;
	if (rq_bool(c, "stream", &stream) < 0)
		return -1;
	if (stream) {		/* live output (PROTOCOL.md 11.4): judge_out.c */
		mp_w_kbool(spec, "stream", true);
		sn++;
	}
	if (!src && mp_get(c->m, "main")) {	/* absent: the spec as before main was */
		mp_w_kstr(spec, "main", main);
		sn++;
	}
	mp_w_str(spec, "limits");
	mp_w_array(spec, L_COUNT);
	for (int j = 0; j < L_COUNT; j++)
		mp_w_uint(spec, asked[j]);
	mp_w_map_end(spec, sm, sn);
	if (!mp_w_ok(spec))
		return reply_error(c->r, "internal", NULL, NULL, NULL, "out of memory"), -1;
	return 0;
}

/* Store the job, or find the one its idem key names: 0 new, 1 a retry (dup;
 * *same: the same request), -1 replied. A retry of an accepted run is
 * answered as such even when the queue is full or the daemon drains: the
 * job exists. */
static int s_accept(const ctx_t *c, const char *kind, const char *user, const lang_t *l,
		    const run_opts *o, const mp_w *spec, const limits_t eff, bool hidden,
		    uint64_t *id, bool *same)
{
	store_t *st = c->s->store;
	int r = 0;
	if (*o->idem)
		r = store_find_idem(st, user, o->idem, spec->buf, spec->len, id, same);
	if (r == 0 && c->s->draining)
		return reply_error(c->r, "unavailable", NULL, NULL, NULL, "draining"), -1;
	if (r == 0 && s_queue_room(c, user, o->wait))
		return -1;
	if (r == 0)
		r = store_begin(st) ? -1 :
		    store_insert(st, kind, user, *o->as_user ? c->r->user : NULL, l->id,
				 *o->label ? o->label : NULL, *o->idem ? o->idem : NULL,
				 eff, spec->buf, spec->len, hidden, id, same);
	if (r < 0)
		return reply_error(c->r, "unavailable", NULL, NULL, NULL,
				   "the store cannot be written"), -1;
	if (r == 1 && !*same)
		return reply_error(c->r, "conflict", "idem", NULL, NULL,
				   "idem: this key was used with a different request"), -1;
	return r;
}

/* Check, store and queue a job: 0 a new one, 1 an idem retry of one (its
 * id either way), -1 replied. */
static int s_enqueue(const ctx_t *c, const char *kind, const lang_t *l, const run_opts *o,
		     const run_src_t *src, uint64_t *id)
{
	limits_t eff;
	bool hidden = false, same = true;
	const char *user = *o->as_user ? o->as_user : c->r->user;
	if (admin_forbidden(c, user))	/* blocked after violations (ops_admin.c) */
		return -1;
	mp_w spec;
	mp_w_init(&spec);
	int r = s_spec(c, kind, l, o, src, &spec, eff, &hidden) ? -1 :
		s_accept(c, kind, user, l, o, &spec, eff, hidden, id, &same);
	mp_w_free(&spec);
	if (r < 0)
		return -1;
	if (r == 0 && !strcmp(kind, "submit")) {
		char pid[65] = "";
		rq_str(c, "problem", 1, 64, pid);
		store_set_problem(c->s->store, *id, pid);
	}
	if (r == 0) {
		queue_add(c->s->queue, *id, user);
		outbox_job_event(c->s->out, *id);
	}
	return r;
}

static void s_submit(const ctx_t *c, const char *kind)
{
	run_opts o;
	uint64_t id = 0;
	const lang_t *l = s_lang(c);
	if (!l || s_run_opts(c, &o, false))
		return;
	int r = s_enqueue(c, kind, l, &o, NULL, &id);
	if (r >= 0)
		s_reply_run(c, id, r == 1, &o);
}

int ops_run_session(const ctx_t *c, const lang_t *l, const run_src_t *src, uint64_t *id)
{
	run_opts o;
	if (s_run_opts(c, &o, true))
		return -1;
	return s_enqueue(c, "run", l, &o, src, id);
}

void op_run(const ctx_t *c)
{
	s_submit(c, "run");
}

void op_test(const ctx_t *c)
{
	s_submit(c, "test");
}

void op_submit(const ctx_t *c)
{
	s_submit(c, "submit");
}

