/* problem_groups.c: a test group's configuration: legacy testdata.yaml,
 * 2023-07 test_group.yaml (or the earlier drafts' testdata.yaml) applied
 * over what the group inherited, and what follows from it. Also the legacy
 * grading keys that problem.yaml's grading may hold for data/.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "problem_int.h"

/* ---- Legacy grading keys (also problem.yaml's grading) ---------------- */

/* range: "MIN MAX", each a float or +-inf [L]. */
static int s_range(p_ctx *c, const yaml_node_t *v, const char *key, prob_group *g)
{
	char buf[128], *save, *a, *b;
	double lo, hi;

	if (p_str(c, v, key, buf, sizeof buf) < 0)
		return -1;
	a = strtok_r(buf, " \t", &save);
	b = a ? strtok_r(NULL, " \t", &save) : NULL;
	if (!b || strtok_r(NULL, " \t", &save) || p_parse_num(a, &lo) < 0 ||
	    p_parse_num(b, &hi) < 0)
		return p_yfail(c, v, key, "not two numbers \"MIN MAX\"");
	if (lo > hi)
		return p_yfail(c, v, key, "minimum above maximum");
	g->range_min = lo, g->range_max = hi;
	return 0;
}

/* on_reject: break | continue [L]; in problem.yaml grading also first_error
 * (break) and grade (continue), deprecated [PT]. */
int p_on_reject(p_ctx *c, const yaml_node_t *v, const char *key, prob_group *g)
{
	char buf[32];

	if (p_str(c, v, key, buf, sizeof buf) < 0)
		return -1;
	if (!strcmp(buf, "break") || !strcmp(buf, "first_error"))
		g->on_reject_break = true;
	else if (!strcmp(buf, "continue") || !strcmp(buf, "grade"))
		g->on_reject_break = false;
	else
		return p_yfail(c, v, key, "not break or continue");
	return 0;
}

/* accept_score, reject_score, range of map (named prefix.key) into g. */
int p_scores(p_ctx *c, const yaml_node_t *map, const char *prefix, prob_group *g)
{
	const yaml_node_t *r = p_get(c, map, "range");
	char kr[64];

	snprintf(kr, sizeof kr, "%s%srange", prefix, *prefix ? "." : "");
	if (p_getnum(c, map, prefix, "accept_score", -1e300, 1e300, &g->accept_score) < 0 ||
	    p_getnum(c, map, prefix, "reject_score", -1e300, 1e300, &g->reject_score) < 0)
		return -1;
	return r ? s_range(c, r, kr, g) : 0;
}

/* ---- Test group configuration ----------------------------------------- */

static const char *const s_td_legacy[] = {	/* [L]; requirements [JB] */
	"on_reject", "grading", "grader_flags", "input_validator_flags",
	"output_validator_flags", "accept_score", "reject_score", "range",
	"requirements", NULL,
};
static const char *const s_td_v2[] = {	/* [D] over its life; requirements [JB] */
	"scoring", "max_score", "score_aggregation", "require_pass",
	"input_validator_args", "output_validator_args", "input_validator_flags",
	"output_validator_flags", "static_validation", "full_feedback", "hint",
	"description", "requirements", NULL,
};
static const char *const s_scoring_keys[] = { "score", "aggregation", "require_pass", NULL };
static const char *const s_verdict_modes[] = {
	"worst_error", "first_error", "always_accept", NULL,
};
static const char *const s_score_modes[] = { "sum", "avg", "min", "max", NULL };

/* [L] the default grader's flags, from the group's (inherited) grader_flags:
 * the last of conflicting modes wins; ignore_sample only counts on data/. */
static int s_grader_flags(p_ctx *c, prob_group *g, const char *where)
{
	char buf[256], *save, *w;

	p_copy(g->aggregation, sizeof g->aggregation, "sum");
	p_copy(g->verdict_mode, sizeof g->verdict_mode, "worst_error");
	g->accept_if_any_accepted = g->ignore_sample = false;
	p_copy(buf, sizeof buf, g->grader_flags);
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (p_in(w, s_verdict_modes))
			p_copy(g->verdict_mode, sizeof g->verdict_mode, w);
		else if (p_in(w, s_score_modes))
			p_copy(g->aggregation, sizeof g->aggregation, w);
		else if (!strcmp(w, "ignore_sample"))
			g->ignore_sample = g->depth == 0;
		else if (!strcmp(w, "accept_if_any_accepted"))
			g->accept_if_any_accepted = true;
		else
			return p_fail(c, where, "grader_flags: unknown flag %s", w);
	}
	return 0;
}

/* [L] input_validator_flags / output_validator_flags: a string, or a map
 * {name, flags}; judgebox keeps the flags [JB]. */
static int s_vflags_legacy(p_ctx *c, const yaml_node_t *v, const char *key, char *dst, size_t size)
{
	static const char *const keys[] = { "name", "flags", NULL };
	const yaml_node_t *f;

	if (v->type != YAML_MAPPING_NODE)
		return p_str(c, v, key, dst, size);
	if (p_keys(c, v, key, keys) < 0)
		return -1;
	dst[0] = 0;
	return (f = p_get(c, v, "flags")) ? p_str(c, f, key, dst, size) : 0;
}

/* [L] grading: default; custom graders are refused [JB]. */
static int s_grading_mode(p_ctx *c, const yaml_node_t *v)
{
	char buf[16];

	if (p_str(c, v, "grading", buf, sizeof buf) < 0)
		return -1;
	if (!strcmp(buf, "custom"))
		return p_yfail(c, v, "grading", "custom graders are not supported");
	return strcmp(buf, "default") ? p_yfail(c, v, "grading", "not default or custom") : 0;
}

/* The [L] scoring keys: for scoring problems only (else a warning). */
static int s_td_scores(p_ctx *c, prob_group *g, const yaml_node_t *m)
{
	static const char *const keys[] = { "accept_score", "reject_score", "range", NULL };
	bool any = false;

	for (int i = 0; keys[i]; i++)
		any |= p_get(c, m, keys[i]) != NULL;
	if (any && !c->p->scoring) {
		p_warn(c, c->file, "accept_score, reject_score and range are for scoring "
		       "problems: ignored");
		return 0;
	}
	return p_scores(c, m, "", g);
}

/* A legacy testdata.yaml's keys over what group g inherited [L]. */
static int s_td_apply_legacy(p_ctx *c, prob_group *g, const yaml_node_t *m)
{
	const yaml_node_t *v;

	if (p_keys(c, m, "", s_td_legacy) < 0)
		return -1;
	if ((v = p_get(c, m, "on_reject")) && p_on_reject(c, v, "on_reject", g) < 0)
		return -1;
	if ((v = p_get(c, m, "grading")) && s_grading_mode(c, v) < 0)
		return -1;
	if ((v = p_get(c, m, "grader_flags")) &&
	    p_str(c, v, "grader_flags", g->grader_flags, sizeof g->grader_flags) < 0)
		return -1;
	if (v && g->depth > 0 && p_has_word(g->grader_flags, "ignore_sample"))
		p_warn(c, c->file, "grader_flags: ignore_sample only counts in data/testdata.yaml");
	if ((v = p_get(c, m, "input_validator_flags")) &&
	    s_vflags_legacy(c, v, "input_validator_flags", g->input_validator_flags,
			    sizeof g->input_validator_flags) < 0)
		return -1;
	if ((v = p_get(c, m, "output_validator_flags")) &&
	    s_vflags_legacy(c, v, "output_validator_flags", g->output_validator_flags,
			    sizeof g->output_validator_flags) < 0)
		return -1;
	return s_td_scores(c, g, m);
}

/* [D] score: a non-negative number or unbounded; a subgroup of secret is
 * unbounded only when secret is. */
static int s_max_score(p_ctx *c, const yaml_node_t *v, prob_group *g)
{
	const prob_group *a = g;
	const char *t = p_text(c, v, "max_score");

	if (!t)
		return -1;
	if (strcmp(t, "unbounded"))
		return p_num(c, v, "max_score", 0, 1e300, &g->max_score);
	g->max_score = INFINITY;
	while (a->depth > 1)
		a = &c->p->groups[a->parent];
	if (a != g && isfinite(a->max_score))
		return p_yfail(c, v, "max_score", "unbounded, but secret is not");
	return 0;
}

/* [D] aggregation: pass-fail | sum | min. */
static int s_aggregation(p_ctx *c, const yaml_node_t *v, prob_group *g)
{
	static const char *const modes[] = { "pass-fail", "sum", "min", NULL };
	char buf[16];

	if (p_str(c, v, "score_aggregation", buf, sizeof buf) < 0)
		return -1;
	if (!p_in(buf, modes))
		return p_yfail(c, v, "score_aggregation", "not pass-fail, sum or min");
	return p_copy(g->aggregation, sizeof g->aggregation, buf);
}

/* [D] the scoring keys, not inherited: flat max_score, score_aggregation,
 * require_pass (the final draft's names), or the map `scoring` {score,
 * aggregation, require_pass} (the 2024-25 drafts'). Secret and below only. */
static int s_td_scoring_v2(p_ctx *c, prob_group *g, const yaml_node_t *m)
{
	const yaml_node_t *s = p_get(c, m, "scoring"), *score = p_get(c, m, "max_score"),
			  *agg = p_get(c, m, "score_aggregation"),
			  *req = p_get(c, m, "require_pass");

	if (s && p_keys(c, s, "scoring", s_scoring_keys) < 0)
		return -1;
	score = score ? score : p_get(c, s, "score");
	agg = agg ? agg : p_get(c, s, "aggregation");
	req = req ? req : p_get(c, s, "require_pass");
	if (!score && !agg && !req)
		return 0;
	if (strncmp(g->path, "secret", 6) || (g->path[6] && g->path[6] != '/') || !c->p->scoring) {
		p_warn(c, c->file, "scoring keys are for secret groups of scoring problems: "
		       "ignored");
		return 0;
	}
	if ((agg && s_aggregation(c, agg, g) < 0) || (score && s_max_score(c, score, g) < 0))
		return -1;
	return req ? p_words(c, req, "require_pass", g->require_pass, sizeof g->require_pass) : 0;
}

/* [D] input_validator_args: a string or list; a map per validator is not
 * kept (a warning) [JB]. Earlier drafts: input_validator_flags. */
static int s_td_input_v2(p_ctx *c, prob_group *g, const yaml_node_t *m)
{
	const yaml_node_t *v = p_get(c, m, "input_validator_args");

	char *dst = g->input_validator_flags;
	size_t size = sizeof g->input_validator_flags;

	if (!v && (v = p_get(c, m, "input_validator_flags")))
		return p_str(c, v, "input_validator_flags", dst, size);
	if (v && v->type == YAML_MAPPING_NODE) {
		p_warn(c, c->file, "input_validator_args per validator: not recorded");
		return 0;
	}
	return v ? p_words(c, v, "input_validator_args", dst, size) : 0;
}

/* A 2023-07 test_group.yaml's keys over what group g inherited [D]. */
static int s_td_apply_v2(p_ctx *c, prob_group *g, const yaml_node_t *m)
{
	char *of = g->output_validator_flags;
	size_t size = sizeof g->output_validator_flags;
	const yaml_node_t *v;
	bool b = true;

	if (p_keys(c, m, "", s_td_v2) < 0 || s_td_scoring_v2(c, g, m) < 0 ||
	    s_td_input_v2(c, g, m) < 0)
		return -1;
	if ((v = p_get(c, m, "output_validator_args")) &&
	    p_words(c, v, "output_validator_args", of, size) < 0)
		return -1;
	if (!v && (v = p_get(c, m, "output_validator_flags")) &&
	    p_str(c, v, "output_validator_flags", of, size) < 0)
		return -1;
	if ((v = p_get(c, m, "full_feedback")) &&
	    p_bool(c, v, "full_feedback", &g->full_feedback) < 0)
		return -1;
	c->root_ff_set |= v && g->depth == 0;
	if (!(v = p_get(c, m, "static_validation")))
		return 0;
	if (v->type == YAML_SCALAR_NODE && p_bool(c, v, "static_validation", &b) < 0)
		return -1;
	return b ? p_yfail(c, v, "static_validation", "static validation is not supported") : 0;
}

/* [D] what follows from a group's scoring: on_reject (break unless sum or
 * min [PT]); a pass-fail group is bounded, and so are its subgroups. */
static int s_derive_v2(p_ctx *c, prob_group *g, const char *where)
{
	const prob_group *up = g->parent >= 0 ? &c->p->groups[g->parent] : NULL;

	g->on_reject_break = strcmp(g->aggregation, "sum") && strcmp(g->aggregation, "min");
	if (!strcmp(g->aggregation, "pass-fail") && isinf(g->max_score))
		return p_fail(c, where, "a pass-fail group must have a bounded score");
	if (up && !strcmp(up->aggregation, "pass-fail") && strcmp(g->aggregation, "pass-fail"))
		return p_fail(c, where, "subgroups of a pass-fail group must be pass-fail");
	return 0;
}

/* Apply the group's own yaml file rel (may be empty) to g. */
static int s_td_load(p_ctx *c, prob_group *g, const char *rel)
{
	yaml_document_t doc;
	yaml_node_t *root;
	int rc = p_yaml_open(c, rel, &doc, &root);

	if (rc <= 0)
		return rc;
	if (p_full(c, rel, g->config, sizeof g->config) < 0) {
		p_yaml_close(c, &doc);
		return -1;
	}
	rc = !root ? 0 : c->v2 ? s_td_apply_v2(c, g, root) : s_td_apply_legacy(c, g, root);
	if (rc == 0 && root && (root = p_get(c, root, "requirements")))
		rc = p_req_yaml(c, root, g->reqs, sizeof g->reqs);
	p_yaml_close(c, &doc);
	return rc;
}

/* Which yaml file configures group directory dir: [L] testdata.yaml; [D]
 * test_group.yaml, or testdata.yaml (earlier drafts), not both. 1 with its
 * path in rel, 0 when none. */
static int s_td_file(p_ctx *c, const char *dir, char *rel, size_t size)
{
	char alt[1024];
	struct stat st;
	int has, has_alt;

	if (p_join(rel, size, dir, c->v2 ? "test_group.yaml" : "testdata.yaml") < 0 ||
	    p_join(alt, sizeof alt, dir, c->v2 ? "testdata.yaml" : "test_group.yaml") < 0)
		return p_fail(c, dir, "path too long");
	if ((has = p_stat(c, rel, &st)) < 0 || (has_alt = p_stat(c, alt, &st)) < 0)
		return -1;
	if (has && has_alt && c->v2)
		return p_fail(c, dir, "both test_group.yaml and testdata.yaml");
	if (has_alt && !c->v2)
		p_warn(c, alt, "ignored: legacy packages use testdata.yaml");
	if (!has && has_alt && c->v2)
		return p_copy(rel, size, alt) < 0 ? -1 : 1;
	return has;
}

/* Group gi's configuration: its own file over what it inherited, then what
 * follows from it. */
int p_group_config(p_ctx *c, const char *dir, int gi)
{
	char rel[1024];
	prob_group *g = &c->p->groups[gi];
	int rc = s_td_file(c, dir, rel, sizeof rel);

	if (rc < 0 || (rc > 0 && s_td_load(c, g, rel) < 0))
		return -1;
	if (rc == 0)
		p_copy(rel, sizeof rel, dir);
	if (c->v2)
		return s_derive_v2(c, g, rel);
	if (s_grader_flags(c, g, rel) < 0)
		return -1;
	if (g->ignore_sample && g->on_reject_break)
		p_warn(c, rel, "ignore_sample with on_reject: break may leave secret unjudged");
	return 0;
}

/* ---- What scoring asks that judging will not do: said, not hidden ------ */

/* A scoring problem's warnings, once every group is known: [L] a custom
 * validator without `score` (its score.txt is not read), [D] a group
 * without max_score under a bounded one, a pass-fail group with
 * subgroups (PROTOCOL.md 14.4 says how judgebox scores them). */
void p_score_warnings(p_ctx *c)
{
	const problem *p = c->p;

	if (!p->scoring)
		return;
	if (!c->v2 && p->custom_validation && !p->validator_score)
		p_warn(c, "problem.yaml", "validation: custom without score: the output "
		       "validator's score.txt is ignored; tests score accept_score or reject_score");
	for (int i = 0; c->v2 && i < p->ngroups; i++) {
		const prob_group *g = &p->groups[i];
		char path[200];

		snprintf(path, sizeof path, "data/%s", g->path);
		if (g->parent >= 0 && isfinite(p->groups[g->parent].max_score) &&
		    isnan(g->max_score) && strncmp(g->path, "sample", 6))
			p_warn(c, path, "no max_score under a bounded group: an accepted "
			       "test counts 1");
		else if (!strcmp(g->aggregation, "pass-fail") && i + 1 < p->ngroups &&
			 p->groups[i + 1].parent == i)
			p_warn(c, path, "a pass-fail group with subgroups scores the least "
			       "of theirs, not its max_score");
	}
}
