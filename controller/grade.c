/* grade.c: the legacy default grader (PROTOCOL.md 14.4) and requirement
 * coverage, over a decoded description and the tests' results. Pure: what
 * it computes, the judge stores (grade.h). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "grade.h"

/* worst_error's order (legacy spec: JE, IF, RTE, MLE, TLE, OLE, WA); a
 * security violation ranks with RTE, a presentation error after WA. */
static const char *const s_ranks[] = {
	"accepted", "judge_error", "security_violation", "runtime_error",
	"memory_limit", "time_limit", "output_limit", "wrong_answer",
	"presentation_error",
};

int grade_rank(const char *v)
{
	for (int i = 0; i < (int)(sizeof s_ranks / sizeof *s_ranks); i++)
		if (!strcmp(v, s_ranks[i]))
			return i;
	return 1;
}

const char *grade_rank_name(int r)
{
	return r == GRADE_NOT_RUN ? "not_run" : s_ranks[r];
}

/* The verdict of a test run from the helper's status (PROTOCOL.md 14.1);
 * for a clean exit, the comparison of its output with the answer. */
const char *grade_run_verdict(const char *status)
{
	static const struct { const char *status, *verdict; } map[] = {
		{ "cpu_limit", "time_limit" }, { "wall_limit", "time_limit" },
		{ "memory_limit", "memory_limit" }, { "file_limit", "output_limit" },
		{ "exit", "runtime_error" }, { "signal", "runtime_error" },
		{ "violation", "security_violation" },
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (!strcmp(status, map[i].status))
			return map[i].verdict;
	return NULL;
}

/* Group g, or NULL for none (a problem without groups). */
static const desc_group *s_group(const desc_t *d, uint64_t g)
{
	return g < d->ngroups ? &d->groups[g] : NULL;
}

/* The parent of group g, -1 for data/. */
static int64_t s_parent(const desc_t *d, uint64_t g)
{
	const desc_group *e = s_group(d, g);
	return e ? e->parent : -1;
}

double grade_test_score(const desc_t *d, unsigned i, bool accepted)
{
	const desc_group *e = s_group(d, d->tests[i].group);
	return !e ? 0 : accepted ? e->accept_score : e->reject_score;
}

unsigned grade_after_reject(const desc_t *d, unsigned i)
{
	uint64_t g = d->tests[i].group;
	int64_t stop = -1;
	const desc_group *e = s_group(d, g);
	if (e && e->sample)
		return i + 1;
	for (int64_t h = (int64_t)g; h >= 0; h = s_parent(d, (uint64_t)h)) {
		e = s_group(d, (uint64_t)h);
		if (!e || !e->on_reject_break)
			break;
		stop = h;
		/* Its parent sees a rejection only if h's verdict is one: not
		 * so for always_accept, nor (maybe) accept_if_any_accepted. */
		if (e->verdict_mode == DESC_ALWAYS_ACCEPT || e->accept_if_any_accepted)
			break;
	}
	if (stop < 0)
		return i + 1;
	unsigned end = d->groups[stop].first_test + d->groups[stop].ntests;
	return end > i ? end : i + 1;
}

/* A group's sub-results, folded in judging order. */
typedef struct fold {
	double acc;
	int count, judged, first_err, worst;
	bool any_ac;
} fold_t;

/* Add sub-result (rank r, score sc) to f; true if the group stops here. */
static bool s_fold(fold_t *f, const desc_group *e, int r, double sc)
{
	f->acc = !f->count ? sc : e->aggregation == DESC_MIN ? fmin(f->acc, sc) :
		 e->aggregation == DESC_MAX ? fmax(f->acc, sc) : f->acc + sc;
	f->count++;
	if (r == GRADE_NOT_RUN)
		return false;
	f->judged++;
	f->any_ac |= r == 0;
	if (r && !f->first_err)
		f->first_err = r;
	if (r && r < f->worst)
		f->worst = r;
	return r && e->on_reject_break;
}

/* Grade group g: its verdict rank (GRADE_NOT_RUN if nothing in it ran)
 * and its score into out[g]. */
static void s_grade(const desc_t *d, const grade_test *t, uint64_t g, grade_group *out)
{
	const desc_group *e = &d->groups[g];
	fold_t f = { .worst = GRADE_NOT_RUN };
	for (unsigned i = e->first_test; i < e->first_test + e->ntests; i++) {
		uint64_t gi = d->tests[i].group;
		int r;
		double sc;
		if (gi == g) {
			r = t[i].rank;
			sc = isnan(t[i].score) ? e->reject_score : t[i].score;
		} else {
			uint64_t h = gi;	/* the child of g that holds test i */
			while (s_parent(d, h) >= 0 && (uint64_t)s_parent(d, h) != g)
				h = (uint64_t)s_parent(d, h);
			const desc_group *c = &d->groups[h];
			unsigned he = c->first_test + c->ntests;
			i = he > i ? he - 1 : i;
			if (c->sample)
				continue;		/* samples */
			s_grade(d, t, h, out);
			r = out[h].rank, sc = out[h].score;
		}
		if (s_fold(&f, e, r, sc))
			break;
	}
	if (e->aggregation == DESC_AVG && f.count)
		f.acc /= f.count;
	double lo = e->range_min, hi = e->range_max;	/* testdata.yaml range */
	out[g].score = !f.count ? 0 : f.acc < lo ? lo : f.acc > hi ? hi : f.acc;
	out[g].rank = !f.judged ? GRADE_NOT_RUN :
		      (e->accept_if_any_accepted && f.any_ac) ||
		      e->verdict_mode == DESC_ALWAYS_ACCEPT ? 0 :
		      e->verdict_mode == DESC_FIRST_ERROR ? f.first_err :
		      f.worst == GRADE_NOT_RUN ? 0 : f.worst;
}

double grade_groups(const desc_t *d, const grade_test *tests, grade_group *groups)
{
	if (!d->ngroups)
		return 0;
	for (unsigned g = 0; g < d->ngroups; g++)
		groups[g].rank = -1, groups[g].score = 0;
	s_grade(d, tests, 0, groups);
	return groups[0].score;
}

void grade_requirements(const desc_t *d, const grade_test *tests, grade_reqs *r)
{
	r->n = r->covered = 0;
	for (unsigned i = 0; i < d->ntests; i++) {
		char reqs[520], *save, *t;
		if (!desc_span_copy(d->tests[i].reqs, reqs, sizeof reqs))
			continue;
		for (t = strtok_r(reqs, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			unsigned k;
			for (k = 0; k < r->n && strcmp(r->ids[k], t); k++)
				;
			if (k == r->n && r->n < GRADE_MAX_REQS && strlen(t) < sizeof r->ids[0])
				strcpy(r->ids[r->n], t), r->ok[r->n++] = true;
			if (k < r->n && tests[i].rank != 0)
				r->ok[k] = false;
		}
	}
	for (unsigned k = 0; k < r->n; k++)
		r->covered += r->ok[k];
}
