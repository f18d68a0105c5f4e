/* ops_problems.c: problems (PROTOCOL.md 14.4): import a package, show
 * one, list them. Judging against them is submit (ops_run.c).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc.h"
#include "fsutil.h"
#include "log.h"
#include "ops.h"
#include "problem.h"
#include "snapshot.h"

/* After the commit of an import: the snapshot it replaced goes (before
 * the reply, which says the import is done). */
static void s_gc_hook(void *arg)
{
	srv_t *s = arg;
	snapshot_gc(s->conf, s->store);
}

static void s_import_reply(const ctx_t *c, const char *id, const problem *p)
{
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "problem");
	mp_w_map(&rp.w, 11);
	mp_w_kstr(&rp.w, "id", id);
	mp_w_kstr(&rp.w, "name", p->name);
	mp_w_kuint(&rp.w, "tests", (uint64_t)p->ntests);
	mp_w_kstr(&rp.w, "warnings", p->warnings);
	mp_w_kstr(&rp.w, "type", p->scoring ? "scoring" : "pass-fail");
	mp_w_kbool(&rp.w, "interactive", p->interactive);
	mp_w_kstr(&rp.w, "validator", !p->custom_validation ? "default" :
		  p->testlib ? "testlib" : "kattis");
	mp_w_kuint(&rp.w, "time_limit_ms", (uint64_t)ceil(p->time_limit_s * 1000));
	mp_w_kstr(&rp.w, "time_limit_from", p->time_limit_from);
	bool v2 = p->format == PROB_2023_07;
	mp_w_kfloat(&rp.w, "time_multiplier", v2 ? p->ac_to_time_limit : p->time_multiplier);
	mp_w_kfloat(&rp.w, "time_safety_margin", v2 ? p->time_limit_to_tle : p->time_safety_margin);
	rp.n++;
	reply_send(c->r, &rp);
}

/* The loaded problem into a snapshot, its description beside it and in
 * the store; replies on failure (-1), leaving no snapshot behind. */
static int s_import_store(const ctx_t *c, const char *id, problem *p, const lang_t *vl)
{
	char snap[512], err[512];
	if (snapshot_make(c->s->conf, p, snap, err, sizeof err))
		return reply_error(c->r, "unavailable", "path", NULL, NULL, "%s", err), -1;
	mp_w w;
	mp_w_init(&w);
	if (desc_write(&w, p, snap, vl, err, sizeof err)) {
		mp_w_free(&w);
		dir_remove(snap);
		return rq_bad(c, "path", err), -1;
	}
	int r = !mp_w_ok(&w) || snapshot_write_desc(snap, w.buf, w.len) ||
		store_begin(c->s->store) ||
		store_problem_put(c->s->store, id, p->name, w.buf, w.len, c->r->user) ||
		outbox_after_commit(c->s->out, s_gc_hook, c->s);
	mp_w_free(&w);
	if (r) {
		dir_remove(snap);
		return reply_error(c->r, "unavailable", NULL, NULL, NULL,
				   "the store cannot be written"), -1;
	}
	return 0;
}

void op_problem_import(const ctx_t *c)
{
	char id[65], path[513], err[512];
	problem p;
	int r;
	if (!c->r->admin)
		return reply_error(c->r, "unauthorized", NULL, NULL, NULL,
				   "only admins may import problems");
	if ((r = rq_str(c, "problem", 1, 64, id)) < 0)
		return;
	if (r == 0 || !rq_problem_id_ok(id))
		return rq_bad(c, "problem", "an id of [a-z0-9][a-z0-9_-]{0,63}");
	if ((r = rq_str(c, "path", 1, 512, path)) < 0)
		return;
	if (r == 0 || *path != '/')
		return rq_bad(c, "path", "the package directory, an absolute path on the daemon's host");
	if (problem_load(path, id, &p, err, sizeof err))
		return rq_bad(c, "path", err);
	const lang_t *vl = p.custom_validation ? conf_lang(c->s->conf, p.validator_lang) : NULL;
	if (p.custom_validation && (!vl || !vl->available))
		reply_error(c->r, "unavailable", "path", NULL, NULL,
			    "%s: the output validator's language %s is not available here",
			    path, p.validator_lang);
	else if (s_import_store(c, id, &p, vl) == 0)
		s_import_reply(c, id, &p);
	problem_free(&p);
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
static void s_problem_view(mp_w *w, const conf_t *conf, const msgpack_object *d)
{
	desc_t dd = { 0 };
	char why[160];
	bool ok = !desc_load(&dd, d, why, sizeof why);
	uint64_t v;
	mp_w_map(w, 9);
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
	mp_w_kstr(w, "network", ok && dd.loopback ? "loopback" : "none");
	mp_w_str(w, "limits");
	mp_w_map(w, 3);
	static const struct { const char *k, *out; int lim; } lims[] = {
		{ "time_limit_ms", "cpu_ms", L_CPU }, { "memory_kb", "memory_kb", L_MEM },
		{ "output_kb", "fsize_kb", L_FSIZE } };
	for (size_t i = 0; i < 3; i++) {	/* as a submission runs: cut to the ceilings */
		v = 0;
		mp_as_uint(mp_get(d, lims[i].k), &v);
		mp_w_kuint(w, lims[i].out, v < conf->ceil[lims[i].lim] ? v :
			   conf->ceil[lims[i].lim]);
	}
	mp_w_kuint(w, "tests", ok ? dd.ntests : 0);
	mp_w_str(w, "samples");
	size_t m = mp_w_array_begin(w);
	uint32_t ns = 0;
	for (unsigned i = 0; ok && i < dd.ntests && ns < 16; i++) {
		const desc_test *e = &dd.tests[i];
		char in[600] = "", ans[600] = "";
		if (!e->sample)
			continue;
		desc_span_copy(e->in, in, sizeof in);
		desc_span_copy(e->ans, ans, sizeof ans);
		mp_w_map(w, 3);
		mp_w_str(w, "name"), mp_w_strn(w, e->name.p, e->name.n);
		s_sample_file(w, "input", in);
		s_sample_file(w, "answer", ans);
		ns++;
	}
	mp_w_array_end(w, m, ns);
	desc_free(&dd);
}

void op_problem_get(const ctx_t *c)
{
	char id[65], err[160];
	size_t len;
	if (rq_str_req(c, "problem", 1, 64, id) < 0)
		return;
	if (!rq_problem_id_ok(id))	/* no problem could have it: say why */
		return rq_bad(c, "problem", "an id of [a-z0-9][a-z0-9_-]{0,63}");
	char *desc = store_problem_get(c->s->store, id, &len);
	mp_doc d;
	if (!desc || mp_parse(&d, desc, len, false, err, sizeof err)) {
		free(desc);
		return reply_error(c->r, "not_found", "problem", NULL, NULL, "problem %s not found", id);
	}
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "problem");
	s_problem_view(&rp.w, c->s->conf, d.root);
	rp.n++;
	mp_doc_free(&d);
	free(desc);
	reply_send(c->r, &rp);
}

void op_problem_list(const ctx_t *c)
{
	char after[65] = "", ids[101][65];
	uint64_t limit = 100;
	if (rq_str(c, "cursor", 1, 64, after) < 0 || rq_uint(c, "limit", 1, 100, &limit) < 0)
		return;
	int n = store_problem_ids(c->s->store, after, ids, (int)limit + 1);	/* one more: is there a next? */
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

