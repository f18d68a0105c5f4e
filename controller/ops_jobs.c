/* ops_jobs.c: the operations on jobs already accepted (get, cancel, list)
 * and on the service (languages, health): PROTOCOL.md 7.2-7.6.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "judge.h"
#include "log.h"
#include "ops.h"

/* The job id of a get/cancel, owned by the caller (or an admin). */
static int s_job_id(const ctx_t *c, uint64_t *id, int *state)
{
	char owner[NAME_MAX_LEN + 1];
	int r = rq_uint(c, "id", 1, MAX_INT53, id);
	if (r == 0)
		rq_bad(c, "id", "is required");
	if (r <= 0)
		return -1;
	if (store_job_state(c->s->store, *id, state, owner, sizeof owner, NULL) ||
	    (!c->r->admin && strcmp(owner, c->r->user))) {
		reply_error(c->r, "not_found", "id", NULL, NULL,
			    "job %" PRIu64 " not found", *id);
		return -1;
	}
	return 0;
}

void op_get(const ctx_t *c)
{
	uint64_t id, wait_ms = 0;
	int state;
	bool wait = false, output = true, source = false;
	if (rq_bool(c, "wait", &wait) < 0 || rq_bool(c, "output", &output) < 0 ||
	    rq_bool(c, "source", &source) < 0 ||
	    rq_uint(c, "wait_ms", 1, WAIT_MS_MAX, &wait_ms) < 0 ||
	    s_job_id(c, &id, &state))
		return;
	int flags = (output ? JW_OUTPUT : 0) | (source ? JW_SOURCE : 0);
	if (wait && !S_TERMINAL(state)) {
		if (outbox_waits_of(c->s->out, c->r) >= c->s->conf->max_waits)
			return reply_error(c->r, "queue_full", NULL, NULL, "waits",
					   "too many waits on this connection");
		outbox_wait(c->s->out, c->r, id, wait_ms ? now_ms() + (int64_t)wait_ms : 0, flags, false);
		return;
	}
	reply_job(c->r, id, flags, false);
}

void op_cancel(const ctx_t *c)
{
	uint64_t id;
	int state;
	char owner[NAME_MAX_LEN + 1];
	if (s_job_id(c, &id, &state))
		return;
	bool did = false;
	if (!S_TERMINAL(state)) {
		if (store_begin(c->s->store) || !store_set_state(c->s->store, id, S_CANCELLED, false))
			return reply_error(c->r, "unavailable", NULL, NULL, NULL,
					   "the store cannot be written");
		store_job_state(c->s->store, id, &state, owner, sizeof owner, NULL);
		outbox_job_event(c->s->out, id);
		admin_job_changed(c->s, id);	/* the metrics count it */
		if (!queue_remove(c->s->queue, id, owner))
			judge_kill(c->s->judge, id);
		did = true;
	}
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_kbool(&rp.w, "cancelled", did);
	mp_w_str(&rp.w, "job");
	rp.n += 2;
	if (store_write_job(c->s->store, &rp.w, id, 0))
		return mp_w_free(&rp.w), reply_error(c->r, "internal", NULL, NULL, NULL,
						     "cannot read job");
	reply_send(c->r, &rp);
}

/* ---- list ---- */

/* A list filter into the cursor's hash: absent is "\x01", and 0xff ends
 * each one, so ("ab", "") and ("a", "b") differ. */
static uint64_t s_fnv(uint64_t h, const char *s)
{
	s = s ? s : "\x01";
	return fnv1a(fnv1a(h, s, strlen(s)), "\xff", 1);
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
		return rq_bad(c, "state", "give 1 to 6 states"), -1;
	for (uint32_t i = 0; i < n; i++) {
		int st = mp_str_copy(&v[i], s, sizeof s) ? wire_state_parse(s) : -1;
		if (st < 0)
			return rq_bad(c, "state", "unknown state"), -1;
		q->states[q->nstates++] = st;
	}
	return 0;
}

void op_list(const ctx_t *c)
{
	list_q q = { .limit = 20 };
	char user[257] = "", kind[17], lang[33], label[129], cursor[257];
	uint64_t limit = 20;
	int ku, kk, kl, kb, kc;
	if ((ku = rq_str(c, "user", 1, 256, user)) < 0 ||
	    (kk = rq_str(c, "kind", 1, 16, kind)) < 0 ||
	    (kl = rq_str(c, "lang", 1, 32, lang)) < 0 ||
	    (kb = rq_str(c, "label", 0, 128, label)) < 0 ||
	    (kc = rq_str(c, "cursor", 1, 256, cursor)) < 0 ||
	    rq_uint(c, "limit", 1, 100, &limit) < 0 || s_list_states(c, &q))
		return;
	if (ku && strcmp(user, c->r->user) && !c->r->admin)
		return reply_error(c->r, "unauthorized", "user", NULL, NULL,
				   "user: only admins may list another user's jobs");
	q.user = ku ? user : c->r->admin ? NULL : c->r->user;
	q.kind = kk ? kind : NULL, q.lang = kl ? lang : NULL;
	q.label = kb ? label : NULL, q.limit = (unsigned)limit;
	uint64_t h = s_fnv(s_fnv(s_fnv(s_fnv(FNV_OFFSET, q.user), q.kind),
				 q.lang), q.label);
	for (int i = 0; i < q.nstates; i++)
		h = fnv1a(h, &(unsigned char){ (unsigned char)q.states[i] }, 1);
	if (kc) {
		unsigned long long before, hh;
		int end = 0;
		if (sscanf(cursor, "b%llu.%llx%n", &before, &hh, &end) != 2 ||
		    cursor[end] || hh != h || before == 0)
			return rq_bad(c, "cursor", "not a cursor of this listing "
				     "(filters must be the same as for the first page)");
		q.before = before;
	}
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "jobs");
	rp.n++;
	uint64_t last;
	bool more;
	if (store_list(c->s->store, &rp.w, &q, &last, &more) < 0)
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
			mp_w_kuint(w, wire_limit_names[i], l[i]);
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

void op_languages(const ctx_t *c)
{
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "languages");
	mp_w_array(&rp.w, (uint32_t)c->s->conf->nlangs);
	for (size_t i = 0; i < c->s->conf->nlangs; i++)
		s_language(&rp.w, &c->s->conf->langs[i]);
	rp.n++;
	reply_send(c->r, &rp);
}

static void s_limits_map(mp_w *w, const char *k, const limits_t l)
{
	mp_w_str(w, k);
	mp_w_map(w, L_COUNT);
	for (int i = 0; i < L_COUNT; i++)
		mp_w_kuint(w, wire_limit_names[i], l[i]);
}

void op_health(const ctx_t *c)
{
	const conf_t *g = c->s->conf;
	reply_t rp;
	mp_w *w = &rp.w;
	int64_t now = now_ms();
	reply_start(&rp, c->r, true);
	mp_w_kstr(w, "version", JBD_VERSION);
	mp_w_kuint(w, "uptime_ms", (uint64_t)(now - c->s->started_at));
	mp_w_kuint(w, "started_at", (uint64_t)c->s->started_at);
	mp_w_kbool(w, "draining", c->s->draining);
	mp_w_kuint(w, "cgroup", (uint64_t)c->s->cgroup);
	mp_w_str(w, "boxes");
	mp_w_map(w, 3);
	mp_w_kuint(w, "total", (uint64_t)judge_total(c->s->judge));
	mp_w_kuint(w, "busy", (uint64_t)(judge_total(c->s->judge) - judge_free_count(c->s->judge)));
	mp_w_kuint(w, "free", (uint64_t)judge_free_count(c->s->judge));
	/* What the store holds (list shows the same), not the loop's view:
	 * the two differ while a commit fails. */
	uint64_t queued = queue_length(c->s->queue), running = queue_running(c->s->queue);
	store_count_active(c->s->store, &queued, &running);
	mp_w_str(w, "queue");
	mp_w_map(w, 4);
	mp_w_kuint(w, "length", queued);
	mp_w_kuint(w, "capacity", g->queue_capacity);
	mp_w_kuint(w, "per_user", g->queue_per_user);
	mp_w_kuint(w, "running", running);
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

