/* ops_admin.c: the admins' operations on the service around the jail
 * (PROTOCOL.md 19): violations, flags, unflag, metrics; the `forbidden`
 * check of run, test and submit; and what the loop (judgeboxd.c) asks of
 * the violation log and the metrics: making them, a job's state change
 * (one read of its row, in the turn's transaction, when it ends), and the
 * timers (the metrics file, retention).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "judge.h"
#include "log.h"
#include "metrics.h"
#include "ops.h"
#include "session.h"
#include "store_audit.h"
#include "violations.h"

#define PERIOD_MAX_MS	(30ull * 86400000)

/* Admins only: false (replied unauthorized) for anyone else. */
static bool s_admin(const ctx_t *c, const char *op)
{
	if (c->r->admin)
		return true;
	reply_error(c->r, "unauthorized", NULL, NULL, NULL, "only admins may use %s", op);
	return false;
}

/* ---- violations ---- */

static uint64_t s_hash(const audit_q *q)
{
	const char *u = q->user ? q->user : "\x01";
	uint64_t h = fnv1a(FNV_OFFSET, u, strlen(u) + 1);
	h = fnv1a(h, &q->since, sizeof q->since);
	return fnv1a(h, &q->until, sizeof q->until);
}

/* The filters and the cursor of a violations request; -1 replied. */
static int s_viol_q(const ctx_t *c, audit_q *q, char *user)
{
	uint64_t since = 0, until = 0, limit = 20;
	char cursor[257];
	int ku, kc;
	if ((ku = rq_str(c, "user", 1, NAME_MAX_LEN, user)) < 0 ||
	    rq_uint(c, "since", 0, MAX_INT53, &since) < 0 ||
	    rq_uint(c, "until", 1, MAX_INT53, &until) < 0 ||
	    rq_uint(c, "limit", 1, 100, &limit) < 0 ||
	    (kc = rq_str(c, "cursor", 1, 256, cursor)) < 0)
		return -1;
	q->user = ku ? user : NULL;
	q->since = (int64_t)since, q->until = (int64_t)until, q->limit = (unsigned)limit;
	if (!kc)
		return 0;
	unsigned long long before, h;
	int end = 0;
	if (sscanf(cursor, "v%llu.%llx%n", &before, &h, &end) != 2 || cursor[end] ||
	    h != s_hash(q) || before == 0)
		return rq_bad(c, "cursor", "not a cursor of this listing (filters must be "
			      "the same as for the first page)"), -1;
	q->before = before;
	return 0;
}

void op_violations(const ctx_t *c)
{
	audit_q q = { 0 };
	char user[NAME_MAX_LEN + 1];
	if (!s_admin(c, "violations") || s_viol_q(c, &q, user))
		return;
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "violations");
	rp.n++;
	uint64_t last = 0;
	bool more;
	if (audit_viol_list(c->s->store, &rp.w, &q, &last, &more) < 0)
		return mp_w_free(&rp.w), reply_error(c->r, "internal", NULL, NULL, NULL,
						     "cannot read the violations");
	if (more) {
		char next[64];
		snprintf(next, sizeof next, "v%" PRIu64 ".%" PRIx64, last, s_hash(&q));
		mp_w_kstr(&rp.w, "next", next);
		rp.n++;
	}
	reply_send(c->r, &rp);
}

/* ---- flags ---- */

void op_flags(const ctx_t *c)
{
	if (!s_admin(c, "flags"))
		return;
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_kuint(&rp.w, "threshold", c->s->conf->violations_per_hour);
	mp_w_kstr(&rp.w, "action", c->s->conf->violation_block ? "block" : "flag");
	mp_w_str(&rp.w, "flags");
	rp.n += 3;
	if (audit_flags_write(c->s->store, &rp.w) < 0)
		return mp_w_free(&rp.w), reply_error(c->r, "internal", NULL, NULL, NULL,
						     "cannot read the flags");
	reply_send(c->r, &rp);
}

void op_unflag(const ctx_t *c)
{
	char user[NAME_MAX_LEN + 1];
	if (!s_admin(c, "unflag") || rq_str_req(c, "user", 1, NAME_MAX_LEN, user) < 0)
		return;
	int r = viol_unflag(c->s->viol, user, c->r->user, now_ms());
	if (r < 0)
		return reply_error(c->r, "unavailable", NULL, NULL, NULL,
				   "the store cannot be written");
	if (r == 0)
		return reply_error(c->r, "not_found", "user", NULL, NULL,
				   "user %s is not flagged", user);
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_kstr(&rp.w, "user", user);
	mp_w_kbool(&rp.w, "unflagged", true);
	rp.n += 2;
	reply_send(c->r, &rp);
}

bool admin_forbidden(const ctx_t *c, const char *user)
{
	/* No log: a server made without admin_new (tests/fuzz/ops_fuzz.c). */
	if (!c->s->viol || !viol_blocked(c->s->viol, user))
		return false;
	reply_error(c->r, "forbidden", NULL, NULL, NULL, "user %s is blocked after "
		    "security violations, until an admin clears the flag", user);
	return true;
}

/* ---- metrics ---- */

static void s_now(const srv_t *s, metrics_now_t *n)
{
	int total = judge_total(s->judge), free_ = judge_free_count(s->judge);
	n->queue_length = queue_length(s->queue);
	n->queue_capacity = s->conf->queue_capacity;
	n->running = queue_running(s->queue);
	n->boxes_total = (uint64_t)total;
	n->boxes_free = (uint64_t)free_;
	n->boxes_busy = (uint64_t)(total - free_);
	n->flagged = audit_flags_count(s->store);
	n->store_errors = audit_store_errors(s->store);
	n->draining = s->draining;
	n->started_at = s->started_at;
}

/* The period's language mix and success rate. */
static int s_period(const ctx_t *c, reply_t *rp, uint64_t period)
{
	uint64_t jobs, ok;
	mp_w_kuint(&rp->w, "period_ms", period);
	mp_w_str(&rp->w, "languages");
	if (audit_period(c->s->store, &rp->w, now_ms() - (int64_t)period, &jobs, &ok) < 0)
		return -1;
	mp_w_kuint(&rp->w, "jobs", jobs);
	mp_w_kuint(&rp->w, "succeeded", ok);
	rp->n += 4;
	if (jobs) {
		mp_w_str(&rp->w, "success_rate");
		mp_w_float(&rp->w, (double)ok / (double)jobs);
		rp->n++;
	}
	return 0;
}

void op_metrics(const ctx_t *c)
{
	uint64_t period = 3600000;
	metrics_now_t now;
	if (!s_admin(c, "metrics") || rq_uint(c, "period_ms", 1, PERIOD_MAX_MS, &period) < 0)
		return;
	s_now(c->s, &now);
	char *text = metrics_text(c->s->metrics, &now);
	if (!text)
		return reply_error(c->r, "internal", NULL, NULL, NULL, "out of memory");
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_kstr(&rp.w, "text", text);
	rp.n++;
	free(text);
	if (s_period(c, &rp, period))
		return mp_w_free(&rp.w), reply_error(c->r, "internal", NULL, NULL, NULL,
						     "cannot read the jobs of the period");
	reply_send(c->r, &rp);
}

/* ---- for the loop ---- */

int admin_new(srv_t *s)
{
	if (!(s->metrics = metrics_new(s->conf)) ||
	    !(s->viol = viol_new(s->conf, s->store, s->out, s->metrics))) {
		jlog(LOG_ERR, "out of memory for the violation log and the metrics");
		return -1;
	}
	return 0;
}

void admin_destroy(srv_t *s)
{
	viol_destroy(&s->viol);
	metrics_destroy(&s->metrics);
}

typedef struct ended {
	srv_t *s;
	const audit_job_t *j;
	int64_t now;
	int nviol;
} ended_t;

/* One test of an ended job: its run time, its violation. */
static void s_test(void *arg, unsigned idx, uint64_t wall_us, const char *syscall,
		   const char *args)
{
	ended_t *e = arg;
	metrics_run_time(e->s->metrics, wall_us);
	if (syscall && *syscall)
		e->nviol += viol_record(e->s->viol, e->j, (int)idx, syscall, args, e->now);
}

/* A job ended: the metrics, its failure trace, its violations, its user's flag. */
static void s_ended(srv_t *s, const audit_job_t *j, int64_t now)
{
	ended_t e = { s, j, now, 0 };
	metrics_job_ended(s->metrics, j);
	if (j->state == S_FAILED) {
		metrics_helper_error(s->metrics);
		audit_trace_add(s->store, j, *j->message ? j->message : "failed", now);
	}
	if (*j->syscall)
		e.nviol += viol_record(s->viol, j, -1, j->syscall, j->args, now);
	if (strcmp(j->kind, "run"))
		audit_tests(s->store, j->id, s_test, &e);
	if (e.nviol)
		viol_check_user(s->viol, j->user, now);
}

void admin_job_changed(srv_t *s, uint64_t id)
{
	audit_job_t j;
	if (audit_job(s->store, id, &j))
		return;
	int64_t now = now_ms();
	if (j.state == S_QUEUED && !s->draining) {
		/* The judge puts a job back only when an attempt failed inside
		 * the helper or the daemon (a drain aside). */
		metrics_helper_error(s->metrics);
		j.attempt--;	/* the one that failed */
		audit_trace_add(s->store, &j, "an attempt ended in an internal error; requeued", now);
	} else if (S_TERMINAL(j.state))
		s_ended(s, &j, now);
}

void admin_tick(srv_t *s)
{
	int64_t mono = mono_ms();
	if (viol_prune_due(s->viol, mono)) {
		viol_prune(s->viol, now_ms());
		/* Idle sessions are not_found at once (every query takes a
		 * cutoff); this is where their rows go. */
		if (s->conf->session_idle_s)
			session_expire(s->store, now_ms() - (int64_t)s->conf->session_idle_s * 1000);
	}
	if (!metrics_file_due(s->metrics, mono))
		return;
	metrics_now_t now;
	s_now(s, &now);
	char *text = metrics_text(s->metrics, &now);
	if (text)
		metrics_file_write(s->metrics, text);
	free(text);
}

int64_t admin_next(const srv_t *s)
{
	int64_t a = metrics_file_next(s->metrics), b = viol_prune_next(s->viol);
	return a && a < b ? a : b;
}
