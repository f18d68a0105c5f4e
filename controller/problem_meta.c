/* problem_meta.c: problem.yaml, in both formats: the format version, name,
 * type (and legacy validation), limits, legacy grading, checker_style and network;
 * then the time limit, from problem.yaml or .timelimit.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "problem_int.h"

#define MAX_TIME_S 3600.0	/* [JB] a time limit above an hour is a typo */

static const char *const s_keys_legacy[] = {	/* [L] */
	"problem_format_version", "type", "name", "uuid", "author", "source",
	"source_url", "license", "rights_owner", "limits", "validation",
	"validator_flags", "grading", "keywords", "checker_style", "network", NULL,
};
static const char *const s_keys_v2[] = {	/* [D] */
	"problem_format_version", "type", "name", "uuid", "version", "credits",
	"source", "license", "rights_owner", "embargo_until", "limits",
	"keywords", "languages", "allow_file_writing", "constants",
	"checker_style", "network", NULL,
};
static const char *const s_limits_legacy[] = {	/* [L]; time_limit [JB] */
	"time_multiplier", "time_safety_margin", "memory", "output", "code",
	"compilation_time", "compilation_memory", "validation_time",
	"validation_memory", "validation_output", "time_limit", "validation_passes", NULL,
};
static const char *const s_limits_v2[] = {	/* [D] */
	"time_multipliers", "time_limit", "time_resolution", "memory", "output",
	"code", "compilation_time", "compilation_memory", "validation_time",
	"validation_memory", "validation_output", "validation_passes", NULL,
};
static const char *const s_multipliers[] = { "ac_to_time_limit", "time_limit_to_tle", NULL };
static const char *const s_grading_keys[] = {	/* [L]; the last four deprecated [PT] */
	"objective", "show_test_data_groups", "accept_score", "reject_score",
	"range", "on_reject", NULL,
};
static const char *const s_types[] = {	/* [D], in bit order */
	"pass-fail", "scoring", "multi-pass", "interactive", "submit-answer", NULL,
};

/* The integer limits, both versions (validation_passes: [D], and taken
 * under legacy limits too, as problemtools reads it). */
static const struct {
	const char *key;
	size_t off;
	uint64_t min, max, def;
} s_ilimits[] = {
	{ "memory", offsetof(problem, memory_mb), 1, 1 << 20, PROB_DEFAULT_MEMORY_MB },
	{ "output", offsetof(problem, output_mb), 1, 1 << 20, PROB_DEFAULT_OUTPUT_MB },
	{ "code", offsetof(problem, code_kb), 1, 1 << 30, 128 },
	{ "compilation_time", offsetof(problem, compilation_time_s), 1, 86400, 60 },
	{ "compilation_memory", offsetof(problem, compilation_memory_mb), 1, 1 << 20, 2048 },
	{ "validation_time", offsetof(problem, validation_time_s), 1, 86400, 60 },
	{ "validation_memory", offsetof(problem, validation_memory_mb), 1, 1 << 20, 2048 },
	{ "validation_output", offsetof(problem, validation_output_mb), 1, 1 << 20, 8 },
	{ "validation_passes", offsetof(problem, validation_passes), 2, 1000, 2 },
};

/* The integer limit i of p. */
static uint64_t *s_ilimit(problem *p, size_t i)
{
	return (uint64_t *)(void *)((char *)p + s_ilimits[i].off);
}

/* Every default: the specs' limits, and data/'s testdata values [L][D]. */
void p_defaults(p_ctx *c)
{
	problem *p = c->p;
	prob_group *g = &c->root;

	for (size_t i = 0; i < sizeof s_ilimits / sizeof *s_ilimits; i++)
		*s_ilimit(p, i) = s_ilimits[i].def;
	p->time_multiplier = 5, p->time_safety_margin = 2;
	p->ac_to_time_limit = 2, p->time_limit_to_tle = 1.5, p->time_resolution = 1;
	g->parent = -1;
	g->accept_score = 1, g->reject_score = 0;
	g->range_min = -INFINITY, g->range_max = INFINITY;
	g->on_reject_break = true;
	g->max_score = NAN;
}

/* problem_format_version: absent, legacy or legacy-icpc [L]; 2023-07-draft
 * [D], also as 2023-07 (problemtools' name) or draft. */
static int s_version(p_ctx *c, const yaml_node_t *root)
{
	static const char *const v2[] = { "2023-07-draft", "2023-07", "draft", NULL };
	yaml_node_t *n = p_get(c, root, "problem_format_version");
	const char *v = n ? p_text(c, n, "problem_format_version") : "legacy";

	if (!v)
		return -1;
	c->v2 = p_in(v, v2);
	c->p->format = c->v2 ? PROB_2023_07 : PROB_LEGACY;
	if (!c->v2 && strcmp(v, "legacy") && strcmp(v, "legacy-icpc"))
		return p_yfail(c, n, "problem_format_version",
			       "%s is not supported (legacy, legacy-icpc, 2023-07-draft)", v);
	return 0;
}

/* name: a string [L][D], or a map language -> name [D]: "en", else the
 * first. Absent: the id ([D] requires a name: a warning). */
static int s_name(p_ctx *c, const yaml_node_t *n)
{
	problem *p = c->p;

	if (!n) {
		if (c->v2)
			p_warn(c, "problem.yaml", "no name (2023-07-draft requires one): the id");
		return p_copy(p->name, sizeof p->name, p->id);
	}
	if (n->type == YAML_MAPPING_NODE) {
		const yaml_node_t *en;

		if (p_keys(c, n, "name", NULL) < 0)
			return -1;
		if (n->data.mapping.pairs.start == n->data.mapping.pairs.top)
			return p_yfail(c, n, "name", "an empty map");
		en = p_get(c, n, "en");
		n = en ? en : p_node(c, n->data.mapping.pairs.start->value);
	}
	return p_str(c, n, "name", p->name, sizeof p->name);
}

/* [JB] interactive multi-pass problems are refused until a test package
 * covers them (judge.c runs their passes as the batch ones'). */
static const char s_no_imp[] = "interactive multi-pass problems are not supported yet";

/* [L] validation: default, or custom followed by any of score, interactive,
 * multi-pass. */
static int s_validation(p_ctx *c, const yaml_node_t *n)
{
	problem *p = c->p;
	char buf[64], *save, *w;

	if (p_str(c, n, "validation", buf, sizeof buf) < 0)
		return -1;
	w = strtok_r(buf, " \t", &save);
	if (!w || (strcmp(w, "default") && strcmp(w, "custom")))
		return p_yfail(c, n, "validation", "must begin with default or custom");
	p->custom_validation = !strcmp(w, "custom");
	while ((w = strtok_r(NULL, " \t", &save))) {
		if (!p->custom_validation || (strcmp(w, "score") && strcmp(w, "interactive") &&
					       strcmp(w, "multi-pass")))
			return p_yfail(c, n, "validation", "%s: only custom takes score, "
				       "interactive or multi-pass", w);
		p->validator_score |= !strcmp(w, "score");
		p->interactive |= !strcmp(w, "interactive");
		p->multipass |= !strcmp(w, "multi-pass");
	}
	if (p->interactive && p->multipass)
		return p_yfail(c, n, "validation", "%s", s_no_imp);
	if (p->validator_score && !p->scoring)
		return p_yfail(c, n, "validation", "custom score is only for scoring problems");
	return 0;
}

/* [L] type (pass-fail | scoring), validation, validator_flags. */
static int s_type_legacy(p_ctx *c, const yaml_node_t *root)
{
	problem *p = c->p;
	const yaml_node_t *t = p_get(c, root, "type"), *v = p_get(c, root, "validation"),
			  *f = p_get(c, root, "validator_flags");
	char type[32] = "pass-fail";

	if (t && p_str(c, t, "type", type, sizeof type) < 0)
		return -1;
	p->scoring = !strcmp(type, "scoring");
	if (!p->scoring && strcmp(type, "pass-fail"))
		return p_yfail(c, t, "type", "%s: not pass-fail or scoring", type);
	if (v && s_validation(c, v) < 0)
		return -1;
	if (f && p_str(c, f, "validator_flags", p->validator_flags, sizeof p->validator_flags) < 0)
		return -1;
	return 0;
}

/* One [D] type word into the bit set *seen. */
static int s_type_word(p_ctx *c, const yaml_node_t *n, unsigned *seen)
{
	const char *v = p_text(c, n, "type");

	if (!v)
		return -1;
	for (unsigned i = 0; s_types[i]; i++)
		if (!strcmp(v, s_types[i])) {
			if (*seen & 1u << i)
				return p_yfail(c, n, "type", "%s given twice", v);
			*seen |= 1u << i;
			return 0;
		}
	return p_yfail(c, n, "type", "unknown type %s", v);
}

/* [D] type: a string or a non-empty list; pass-fail and scoring exclude
 * each other; submit-answer is refused [JB]. */
static int s_type_v2(p_ctx *c, const yaml_node_t *n)
{
	problem *p = c->p;
	unsigned seen = 0;

	if (!n)
		return 0;
	if (n->type != YAML_SEQUENCE_NODE && s_type_word(c, n, &seen) < 0)
		return -1;
	if (n->type == YAML_SEQUENCE_NODE) {
		if (n->data.sequence.items.start == n->data.sequence.items.top)
			return p_yfail(c, n, "type", "an empty list");
		for (yaml_node_item_t *i = n->data.sequence.items.start;
		     i < n->data.sequence.items.top; i++)
			if (s_type_word(c, p_node(c, *i), &seen) < 0)
				return -1;
	}
	if ((seen & 3) == 3)
		return p_yfail(c, n, "type", "pass-fail and scoring together");
	if (seen & 16)
		return p_yfail(c, n, "type", "submit-answer problems are not supported");
	if ((seen & 12) == 12)
		return p_yfail(c, n, "type", "%s", s_no_imp);
	p->scoring = seen & 2, p->multipass = seen & 4, p->interactive = seen & 8;
	return 0;
}

/* [L] time_multiplier, time_safety_margin; time_limit, not in the spec,
 * taken with a warning [JB]. */
static int s_limits_legacy_time(p_ctx *c, const yaml_node_t *n)
{
	problem *p = c->p;
	const yaml_node_t *tl = p_get(c, n, "time_limit");
	char where[600];

	if (p_getnum(c, n, "limits", "time_multiplier", 1e-3, 1000, &p->time_multiplier) < 0 ||
	    p_getnum(c, n, "limits", "time_safety_margin", 1e-3, 1000,
		     &p->time_safety_margin) < 0 ||
	    p_getnum(c, n, "limits", "time_limit", 1e-3, MAX_TIME_S, &c->yaml_tl) < 0)
		return -1;
	if (tl) {
		snprintf(where, sizeof where, "%s:%zu", c->file, tl->start_mark.line + 1);
		p_warn(c, where, "limits.time_limit is not in the legacy spec: used");
	}
	return 0;
}

/* [D] time_multipliers {ac_to_time_limit, time_limit_to_tle}, time_limit,
 * time_resolution. */
static int s_limits_v2_time(p_ctx *c, const yaml_node_t *n)
{
	problem *p = c->p;
	const yaml_node_t *m = p_get(c, n, "time_multipliers");
	const char *tm = "limits.time_multipliers";

	if (m && (p_keys(c, m, tm, s_multipliers) < 0 ||
		  p_getnum(c, m, tm, "ac_to_time_limit", 1, 1000, &p->ac_to_time_limit) < 0 ||
		  p_getnum(c, m, tm, "time_limit_to_tle", 1, 1000, &p->time_limit_to_tle) < 0))
		return -1;
	if (p_getnum(c, n, "limits", "time_limit", 1e-3, MAX_TIME_S, &c->yaml_tl) < 0 ||
	    p_getnum(c, n, "limits", "time_resolution", 1e-6, 60, &p->time_resolution) < 0)
		return -1;
	return 0;
}

/* limits [L][D]: the integer ones, then the time ones. */
static int s_limits(p_ctx *c, const yaml_node_t *n)
{
	char key[64];

	if (!n)
		return 0;
	if (p_keys(c, n, "limits", c->v2 ? s_limits_v2 : s_limits_legacy) < 0)
		return -1;
	for (size_t i = 0; i < sizeof s_ilimits / sizeof *s_ilimits; i++) {
		const yaml_node_t *v = p_get(c, n, s_ilimits[i].key);

		snprintf(key, sizeof key, "limits.%s", s_ilimits[i].key);
		if (v && p_uint(c, v, key, s_ilimits[i].min, s_ilimits[i].max, s_ilimit(c->p, i)) < 0)
			return -1;
	}
	if (p_get(c, n, "validation_passes") && !c->p->multipass)
		p_warn(c, c->file, "limits.validation_passes is for multi-pass problems: ignored");
	return c->v2 ? s_limits_v2_time(c, n) : s_limits_legacy_time(c, n);
}

/* [L] problem.yaml grading: objective (min | max), show_test_data_groups;
 * accept_score, reject_score, range, on_reject are deprecated there and
 * become data/'s defaults (problemtools applies them to every group) [PT]. */
static int s_grading_legacy(p_ctx *c, const yaml_node_t *n)
{
	const yaml_node_t *o, *r, *s;
	char obj[8] = "max";
	bool show;

	if (!n)
		return 0;
	if (p_keys(c, n, "grading", s_grading_keys) < 0)
		return -1;
	if (!c->p->scoring)
		p_warn(c, c->file, "grading is for scoring problems");
	if ((o = p_get(c, n, "objective")) && p_str(c, o, "grading.objective", obj, sizeof obj) < 0)
		return -1;
	if (strcmp(obj, "min") && strcmp(obj, "max"))
		return p_yfail(c, o, "grading.objective", "not min or max");
	c->p->minimize = !strcmp(obj, "min");
	if ((s = p_get(c, n, "show_test_data_groups")) &&
	    p_bool(c, s, "grading.show_test_data_groups", &show) < 0)
		return -1;
	if ((r = p_get(c, n, "on_reject")) && p_on_reject(c, r, "grading.on_reject", &c->root) < 0)
		return -1;
	return p_scores(c, n, "grading", &c->root);
}

/* A [JB] key of two words, DEF (the default) or ALT, at n in problem.yaml:
 * *is_alt says which (absent: DEF). 0, or -1 (an error naming the line). */
static int s_two_words(p_ctx *c, const yaml_node_t *n, const char *key, const char *def,
		       const char *alt, bool *is_alt)
{
	char buf[16];

	*is_alt = false;
	if (!n)
		return 0;
	if (p_str(c, n, key, buf, sizeof buf) < 0)
		return -1;
	if (strcmp(buf, def) && strcmp(buf, alt))
		return p_yfail(c, n, key, "%s: not %s or %s", buf, def, alt);
	*is_alt = !strcmp(buf, alt);
	return 0;
}

/* [JB] checker_style: kattis (the default) or testlib: the output
 * validator follows testlib's conventions (checker input output answer;
 * exit 0 OK, 1 WA, 2 PE, 3 fail, 7 points), as Polygon's checkers do. */
static int s_checker_style(p_ctx *c, const yaml_node_t *n)
{
	if (s_two_words(c, n, "checker_style", "kattis", "testlib", &c->p->testlib) < 0)
		return -1;
	if (c->p->testlib && (c->p->interactive || c->p->multipass))
		return p_yfail(c, n, "checker_style", "testlib checkers judge batch problems only");
	return 0;
}

/* [JB] network: none (the default: no interface at all) or loopback: the
 * submission runs with its own lo up (judgebox-helper --network=loopback),
 * for a server and its client in one program; its validator never does. */
static int s_network(p_ctx *c, const yaml_node_t *n)
{
	return s_two_words(c, n, "network", "none", "loopback", &c->p->loopback);
}

/* [D] languages: `all` (the default) or a list of language ids, kept
 * space-separated ("" for all); submit refuses the others (ops_run.c). */
static int s_languages(p_ctx *c, const yaml_node_t *n)
{
	if (!n)
		return 0;
	if (p_words(c, n, "languages", c->p->languages, sizeof c->p->languages) < 0)
		return -1;
	if (!strcmp(c->p->languages, "all"))
		c->p->languages[0] = 0;
	return 0;
}

/* problem.yaml's top-level map (NULL: an empty file, all defaults). */
static int s_problem_root(p_ctx *c, const yaml_node_t *root)
{
	if (s_version(c, root) < 0)
		return -1;
	if (root && p_keys(c, root, "", c->v2 ? s_keys_v2 : s_keys_legacy) < 0)
		return -1;
	if (s_name(c, p_get(c, root, "name")) < 0)
		return -1;
	if (c->v2 && !p_get(c, root, "uuid"))
		p_warn(c, "problem.yaml", "no uuid (2023-07-draft requires one)");
	if (c->v2 ? s_type_v2(c, p_get(c, root, "type")) < 0 : s_type_legacy(c, root) < 0)
		return -1;
	if (s_limits(c, p_get(c, root, "limits")) < 0)
		return -1;
	if (s_checker_style(c, p_get(c, root, "checker_style")) < 0 ||
	    s_network(c, p_get(c, root, "network")) < 0)
		return -1;
	if (s_languages(c, p_get(c, root, "languages")) < 0)
		return -1;
	return c->v2 ? 0 : s_grading_legacy(c, p_get(c, root, "grading"));
}

/* problem.yaml, required in both versions [L][D]. */
int p_problem_yaml(p_ctx *c)
{
	yaml_document_t doc;
	yaml_node_t *root;
	int rc = p_yaml_open(c, "problem.yaml", &doc, &root);

	if (rc <= 0)
		return rc < 0 ? -1 : p_fail(c, "problem.yaml", "missing");
	rc = s_problem_root(c, root);
	p_yaml_close(c, &doc);
	return rc;
}

/* The time limit: problem.yaml limits.time_limit [D] ([JB] in legacy), else
 * .timelimit (a DOMjudge/BAPCtools convention) [JB], else our default. */
int p_time_limit(p_ctx *c)
{
	problem *p = c->p;
	double d = 0;
	size_t len;
	char *buf;
	int rc = p_read(c, ".timelimit", 64, &buf, &len);

	if (rc < 0)
		return -1;
	if (rc > 0) {
		buf[strcspn(buf, " \t\r\n")] = 0;
		rc = p_parse_num(buf, &d) < 0 || !(d >= 1e-3 && d <= MAX_TIME_S) ? -1 : 1;
		free(buf);
		if (rc < 0)
			return p_fail(c, ".timelimit", "not a number of seconds within [0.001, %g]",
				      MAX_TIME_S);
	}
	p->time_limit_s = c->yaml_tl > 0 ? c->yaml_tl : rc > 0 ? d : PROB_DEFAULT_TIME_S;
	p_copy(p->time_limit_from, sizeof p->time_limit_from,
	       c->yaml_tl > 0 ? "problem.yaml" : rc > 0 ? ".timelimit" : "default");
	if (c->yaml_tl > 0 && rc > 0)
		p_warn(c, ".timelimit", "ignored: problem.yaml has limits.time_limit");
	if (!(c->yaml_tl > 0) && rc == 0)
		p_warn(c, "problem.yaml", "no time limit (limits.time_limit or .timelimit): %g s",
		       PROB_DEFAULT_TIME_S);
	return 0;
}
