/* problem_data.c: the data/ tree: its groups, depth first, and their test
 * cases, in judging order (lexicographic by base name, tests and subgroups
 * mixed); the files that are neither; statement-only interactive samples.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "problem_int.h"

typedef struct s_item {
	char name[256];		/* a group's directory, or a test's base name */
	bool group;
} s_item;

/* Append group path under parent: every value inherited key by key ([L][D]
 * as problemtools reads them [PT]), except the [D] scoring keys, which take
 * their defaults (secret: sum, 100; below it pass-fail; full_feedback true
 * in sample unless data/ set it). Its index, or -1. */
static int s_group_new(p_ctx *c, const char *dir, const char *path, int parent, int depth)
{
	problem *p = c->p;
	prob_group *g;

	if (p->ngroups >= PROB_MAX_GROUPS)
		return p_fail(c, dir, "more than %d test groups", PROB_MAX_GROUPS);
	if (!(g = p_grow(p->groups, (size_t)p->ngroups, &c->gcap, sizeof *g)))
		return p_fail(c, dir, "out of memory");
	p->groups = g;
	g += p->ngroups;
	*g = parent < 0 ? c->root : p->groups[parent];
	if (p_copy(g->path, sizeof g->path, path) < 0)
		return p_fail(c, dir, "group path longer than %zu bytes", sizeof g->path - 1);
	g->parent = parent, g->depth = depth;
	g->first_test = p->ntests, g->ntests = 0;
	g->config[0] = 0;
	if (c->v2) {
		bool secret = !strcmp(path, "secret") && p->scoring;

		p_copy(g->aggregation, sizeof g->aggregation,
		       secret ? "sum" : depth ? "pass-fail" : "");
		g->max_score = secret ? 100 : NAN;
		g->require_pass[0] = 0;
		if (depth == 1 && !c->root_ff_set)
			g->full_feedback = !strcmp(path, "sample");
	}
	return p->ngroups++;
}

/* [D] test case configuration NAME.yaml: output_validator_args override the
 * group's; args (for the submission) are refused [JB]; the rest is unused. */
static int s_test_yaml_root(p_ctx *c, const yaml_node_t *m, prob_test *t)
{
	static const char *const keys[] = {
		"args", "output_validator_args", "input_validator_args",
		"full_feedback", "hint", "description", NULL,
	};
	const yaml_node_t *v;
	char args[256];

	if (!m)
		return 0;
	if (p_keys(c, m, "", keys) < 0)
		return -1;
	if ((v = p_get(c, m, "args")) && p_words(c, v, "args", args, sizeof args) < 0)
		return -1;
	if (v && *args)
		return p_yfail(c, v, "args", "arguments to submissions are not supported");
	v = p_get(c, m, "output_validator_args");
	return v ? p_words(c, v, "output_validator_args", t->output_validator_flags,
			   sizeof t->output_validator_flags) : 0;
}

/* Read the [D] test case configuration rel into t. */
static int s_test_yaml(p_ctx *c, const char *rel, prob_test *t)
{
	yaml_document_t doc;
	yaml_node_t *root;
	int rc = p_yaml_open(c, rel, &doc, &root);

	if (rc <= 0)
		return rc;
	rc = s_test_yaml_root(c, root, t);
	p_yaml_close(c, &doc);
	return rc;
}

/* The full paths of BASE.in, .ans, and .interaction (if any) of dir. */
static int s_test_paths(p_ctx *c, const char *dir, const char *base, const p_ent *ia, prob_test *t)
{
	char rel[1024];

	snprintf(rel, sizeof rel, "%s/%s.in", dir, base);
	if (p_full(c, rel, t->in, sizeof t->in) < 0)
		return -1;
	snprintf(rel, sizeof rel, "%s/%s.ans", dir, base);
	if (p_full(c, rel, t->ans, sizeof t->ans) < 0)
		return -1;
	snprintf(rel, sizeof rel, "%s/%s.interaction", dir, base);
	return ia ? p_full(c, rel, t->interaction, sizeof t->interaction) : 0;
}

/* Append test t. */
static int s_test_add(p_ctx *c, const char *where, const prob_test *t)
{
	problem *p = c->p;
	prob_test *a;

	if (p->ntests >= PROB_MAX_TESTS)
		return p_fail(c, where, "more than %d test cases", PROB_MAX_TESTS);
	if (!(a = p_grow(p->tests, (size_t)p->ntests, &c->tcap, sizeof *a)))
		return p_fail(c, where, "out of memory");
	p->tests = a;
	a[p->ntests++] = *t;
	return 0;
}

/* Test BASE of group gi in directory dir: BASE.in and BASE.ans [L][D], with
 * BASE.interaction, BASE.req [JB] and BASE.yaml [D] when present. */
static int s_test(p_ctx *c, const char *dir, int gi, const char *base, const p_ent *e, size_t n)
{
	const prob_group *g = &c->p->groups[gi];
	const p_ent *in = p_find_file(e, n, base, ".in"), *ans = p_find_file(e, n, base, ".ans"),
		    *ia = p_find_file(e, n, base, ".interaction");
	char rel[1024];
	prob_test t;

	memset(&t, 0, sizeof t);
	snprintf(rel, sizeof rel, "%s/%s.in", dir, base);
	if (!in || !ans)
		return p_fail(c, rel, "no %s.ans", base);
	if (c->v2 && !strcmp(base, "test_group"))
		return p_fail(c, rel, "a test case must not be called test_group");
	if (p_join(t.name, sizeof t.name, g->path, base) < 0)
		return p_fail(c, rel, "test name longer than %zu bytes", sizeof t.name - 1);
	memcpy(t.group, g->path, sizeof t.group);
	t.gidx = gi;
	t.sample = !strncmp(g->path, "sample", 6) && (!g->path[6] || g->path[6] == '/');
	t.in_size = in->size, t.ans_size = ans->size;
	memcpy(t.reqs, g->reqs, sizeof t.reqs);
	memcpy(t.output_validator_flags, g->output_validator_flags,
	       sizeof g->output_validator_flags);
	if (s_test_paths(c, dir, base, ia, &t) < 0)
		return -1;
	if (!ia && t.sample && c->p->interactive && !c->v2)
		p_warn(c, rel, "no .interaction (legacy: interactive samples need one)");
	snprintf(rel, sizeof rel, "%s/%s.req", dir, base);
	if (p_find_file(e, n, base, ".req") && p_req_file(c, rel, t.reqs, sizeof t.reqs) < 0)
		return -1;
	snprintf(rel, sizeof rel, "%s/%s.yaml", dir, base);
	if (c->v2 && p_find_file(e, n, base, ".yaml") && s_test_yaml(c, rel, &t) < 0)
		return -1;
	snprintf(rel, sizeof rel, "%s/%s.in", dir, base);
	return s_test_add(c, rel, &t);
}

/* Record rel as a statement-only interactive sample [L][D]. */
static int s_interaction(p_ctx *c, const char *rel)
{
	problem *p = c->p;
	char (*a)[512];

	if (!(a = p_grow(p->interactions, (size_t)p->ninteractions, &c->icap, sizeof *a)))
		return p_fail(c, rel, "out of memory");
	p->interactions = a;
	return p_full(c, rel, a[p->ninteractions++], sizeof *a);
}

/* A file of group gi that is not a test's .in: config files and extras
 * pass; .ans, .req, .yaml, .interaction without .in are warnings, except a
 * statement-only .interaction in an interactive problem's data/sample. */
static int s_loose_file(p_ctx *c, const char *dir, int gi, const char *name, const p_ent *e,
			size_t n)
{
	static const char *const exts[] = { ".ans", ".req", ".interaction", ".yaml", NULL };
	char rel[1024], base[256];
	const char *dot = strrchr(name, '.');

	if (!strcmp(name, "testdata.yaml") || !strcmp(name, "test_group.yaml") || !dot ||
	    !p_in(dot, exts) || (!strcmp(dot, ".yaml") && !c->v2))
		return 0;
	snprintf(base, sizeof base, "%.*s", (int)(dot - name), name);
	snprintf(rel, sizeof rel, "%s/%s", dir, name);
	if (p_find_file(e, n, base, ".in"))
		return 0;
	if (!strcmp(dot, ".interaction") && (c->p->interactive || c->p->multipass) &&
	    !strcmp(c->p->groups[gi].path, "sample"))
		return s_interaction(c, rel);
	p_warn(c, rel, "no %s.in: ignored", base);
	return 0;
}

/* A subdirectory of group gi: 1 when it is a group, 0 to skip. data/ has
 * sample and secret [L][D] ([D] also invalid_input, invalid_output,
 * valid_output, which judging does not use); [D] sample has no subgroups,
 * and NAME.files (files for the submission) is refused [JB]. */
static int s_subdir(p_ctx *c, const char *dir, int gi, const char *name)
{
	static const char *const v2_extra[] = {
		"invalid_input", "invalid_output", "valid_output", NULL,
	};
	const prob_group *g = &c->p->groups[gi];
	char rel[1024];

	snprintf(rel, sizeof rel, "%s/%s", dir, name);
	if (g->depth == 0) {
		if (!strcmp(name, "sample") || !strcmp(name, "secret"))
			return 1;
		if (!c->v2 || !p_in(name, v2_extra))
			p_warn(c, rel, "not sample or secret: ignored");
		return 0;
	}
	if (c->v2 && p_ends(name, ".files"))
		return p_fail(c, rel, "files for submissions are not supported");
	if (c->v2 && !strcmp(g->path, "sample"))
		return p_fail(c, rel, "data/sample must not have test groups (2023-07-draft)");
	return 1;
}

/* qsort order of items: byte order of base names [L][D]. */
static int s_item_cmp(const void *a, const void *b)
{
	return strcmp(((const s_item *)a)->name, ((const s_item *)b)->name);
}

/* The items of group gi into it[*k], sorted: its tests (by their .in) and
 * subgroups; the other files checked. */
static int s_items(p_ctx *c, const char *dir, int gi, const p_ent *e, size_t n, s_item *it,
		   size_t *k)
{
	int rc = 0;
	bool root = c->p->groups[gi].depth == 0;

	*k = 0;
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		const char *name = e[i].name;
		bool test = !e[i].dir && !root && p_ends(name, ".in");

		if (e[i].dir ? (rc = s_subdir(c, dir, gi, name)) > 0 : test) {
			it[*k].group = e[i].dir;
			snprintf(it[(*k)++].name, sizeof it->name, "%.*s",
				 (int)(strlen(name) - (test ? 3 : 0)), name);
		} else if (!e[i].dir && root && strcmp(name, "testdata.yaml") &&
			   strcmp(name, "test_group.yaml")) {
			p_warn(c, dir, "%s: not in sample or secret: ignored", name);
		} else if (!e[i].dir) {
			rc = s_loose_file(c, dir, gi, name, e, n);
		}
	}
	if (rc < 0)
		return -1;
	qsort(it, *k, sizeof *it, s_item_cmp);
	for (size_t i = 1; i < *k; i++)
		if (!strcmp(it[i].name, it[i - 1].name))
			return p_fail(c, dir, "%s is both a test case and a test group",
				      it[i].name);
	return 0;
}

static int s_group(p_ctx *c, const char *dir, const char *path, int parent, int depth);

/* Walk the items of group gi in order: subgroups recursively, tests. */
static int s_walk(p_ctx *c, const char *dir, int gi, const p_ent *e, size_t n)
{
	size_t k = 0;
	s_item *it = malloc((n ? n : 1) * sizeof *it);
	int rc = it ? s_items(c, dir, gi, e, n, it, &k) : p_fail(c, dir, "out of memory");
	char sub[1024], path[1024];

	for (size_t i = 0; rc == 0 && i < k; i++) {
		if (!it[i].group) {
			rc = s_test(c, dir, gi, it[i].name, e, n);
			continue;
		}
		if (p_join(sub, sizeof sub, dir, it[i].name) < 0 ||
		    p_join(path, sizeof path, c->p->groups[gi].path, it[i].name) < 0)
			rc = p_fail(c, dir, "path too long");
		else
			rc = s_group(c, sub, path, gi, c->p->groups[gi].depth + 1);
	}
	free(it);
	return rc;
}

/* Group directory dir ("data/secret/g1") as path ("secret/g1") under
 * parent: its configuration, then its items. */
static int s_group(p_ctx *c, const char *dir, const char *path, int parent, int depth)
{
	int gi, rc;
	size_t n;
	p_ent *e;

	if (depth > PROB_MAX_DEPTH)
		return p_fail(c, dir, "test groups nested deeper than %d levels", PROB_MAX_DEPTH);
	if ((gi = s_group_new(c, dir, path, parent, depth)) < 0 || p_group_config(c, dir, gi) < 0)
		return -1;
	if (p_list(c, dir, &e, &n) < 0)
		return -1;
	rc = s_walk(c, dir, gi, e, n);
	free(e);
	c->p->groups[gi].ntests = c->p->ntests - c->p->groups[gi].first_test;
	return rc;
}

/* data/: sample (optional) and secret (with at least one test) [L][D].
 * A package with sample data only imports with a warning, as DOMjudge's
 * does: it is judged on its samples. No test at all is an error. */
int p_data(p_ctx *c)
{
	struct stat st;
	int rc = p_stat(c, "data/secret", &st);

	if (rc < 0)
		return -1;
	if (rc > 0 && !S_ISDIR(st.st_mode))
		return p_fail(c, "data/secret", "not a directory");
	if (s_group(c, "data", "", -1, 0) < 0)
		return -1;
	if (c->p->ntests == 0)
		return p_fail(c, "data", "no test cases in data/sample or data/secret");
	bool secret = false;
	for (int i = 0; i < c->p->ngroups; i++)
		secret |= !strcmp(c->p->groups[i].path, "secret") && c->p->groups[i].ntests > 0;
	if (!secret)
		p_warn(c, "data/secret", "%s: judged on the sample tests only",
		       rc == 0 ? "missing" : "no test cases");
	return 0;
}
