/* judge_end.c: the end of a job in its box: what happened stored (the
 * result, and for a problem its score, its groups' grades and its
 * requirement coverage, from grade.c), published, the job's memory freed
 * and the box cleaned (judge_int.h).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "judge_int.h"
#include "log.h"

void je_release(job_t *j)
{
	char p[1024];
	jc_gate_drop(j);
	jo_free(j);	/* a killed run's pipes; its spool (judging only) is emptied: */
	if (j->has_tests)
		unlink(box_io_path(j->box, "stdout", p, sizeof p));
	j->pending = false;
	desc_free(&j->desc);
	free(j->res);
	j->res = NULL;
	free(j->run.out), free(j->run.err), free(j->cout);
	j->run.out = j->run.err = j->cout = NULL;
	mp_doc_free(&j->spec);
	jobspec_free(&j->js);
	j->has_job = false;
}

/* Grade the job: its score, and each group's {name, score, verdict} for
 * the result (PROTOCOL.md 14.4). Returns data/'s score. */
static double s_grade(job_t *j)
{
	const desc_t *d = &j->desc;
	grade_group *g = calloc(d->ngroups + 1, sizeof *g);
	if (!g || !d->ngroups)
		return free(g), 0;
	double root = grade_groups(d, j->res, g);
	mp_w w;
	mp_w_init(&w);
	size_t m = mp_w_array_begin(&w);
	uint32_t k = 0;
	for (unsigned i = 1; i < d->ngroups; i++) {
		if (!d->groups[i].listed || g[i].rank < 0)
			continue;
		mp_w_map(&w, 3);
		mp_w_str(&w, "name");
		if (d->groups[i].path.p)
			mp_w_strn(&w, d->groups[i].path.p, d->groups[i].path.n);
		else
			mp_w_nil(&w);
		mp_w_str(&w, "score");
		mp_w_float(&w, g[i].score);
		mp_w_kstr(&w, "verdict", grade_rank_name(g[i].rank));
		k++;
	}
	mp_w_array_end(&w, m, k);
	if (mp_w_ok(&w))
		store_set_blob(j->st, j->js.id, "groups", w.buf, w.len);
	mp_w_free(&w);
	free(g);
	return root;
}

/* Requirement coverage (our extension, problem.h): an id is covered when
 * every test that carries it ran and was accepted. */
static void s_requirements(job_t *j)
{
	grade_reqs r;
	grade_requirements(&j->desc, j->res, &r);
	if (!r.n)
		return;
	mp_w w;
	mp_w_init(&w);
	mp_w_map(&w, 3);
	mp_w_kuint(&w, "total", r.n);
	mp_w_kuint(&w, "covered", r.covered);
	mp_w_str(&w, "missing");
	mp_w_array(&w, r.n - r.covered);
	for (unsigned k = 0; k < r.n; k++)
		if (!r.ok[k])
			mp_w_str(&w, r.ids[k]);
	if (mp_w_ok(&w))
		store_set_blob(j->st, j->js.id, "requirements", w.buf, w.len);
	mp_w_free(&w);
}

/* What a judged job's result holds beyond its steps. */
static void s_judged(job_t *j, const char *status)
{
	uint64_t id = j->js.id;
	if (j->problem && j->desc.scoring && strcmp(status, "compile_error") &&
	    strcmp(j->verdict, "judge_error"))
		store_set_score(j->st, id, s_grade(j));
	if (j->has_tests && strcmp(status, "compile_error"))
		s_requirements(j);	/* a problem's, or inline tests' (their requirements) */
	if (j->has_tests)
		store_set_verdict(j->st, id, !strcmp(status, "compile_error") ?
				  "compile_error" : *j->verdict ? j->verdict :
				  "accepted", *j->first_fail ? j->first_fail : NULL,
				  j->desc.ntests);
}

void je_finish(job_t *j, int state, const char *status, const char *message)
{
	uint64_t id = j->js.id;
	store_begin(j->st);
	if (state == S_QUEUED &&
	    store_requeue(j->st, id, j->js.attempt, j->c->max_attempts) != S_QUEUED)
		state = S_FAILED;
	if (state != S_QUEUED)
		store_set_result(j->st, id, state, &j->comp, state == S_FAILED ||
				 j->has_tests ? NULL : &j->run, status, message,
				 j->cout_bytes, j->cout, j->cout_len);
	if (state == S_JUDGED)
		s_judged(j, status);
	j->cbs->state_changed(j->cbs->arg, id, state);
	char user[NAME_MAX_LEN + 1];
	snprintf(user, sizeof user, "%s", j->js.user);
	int64_t retry = state == S_QUEUED ? (int64_t)conf_retry_ms(j->c, j->js.attempt) : -1;
	je_release(j);
	if (box_clean(j->box, BOX_CLEAN))
		box_set_idle(j->box);	/* the next run's helper cleans the stale box */
	j->cbs->left(j->cbs->arg, id, user, retry);
}

void je_helper_failed(job_t *j, const char *what, const step_t *s)
{
	char msg[512];
	snprintf(msg, sizeof msg, "%s: %s", what, *j->why ? j->why :
		 s && *s->message ? s->message : "judgebox-helper failed");
	*j->why = 0;
	jlog(LOG_ERR, "job %" PRIu64 " box %u, attempt %" PRIu64 ": %s", j->js.id,
	     box_number(j->box), j->js.attempt, msg);
	j->run.ran = false;
	je_finish(j, S_QUEUED, "internal_error", msg);
}
