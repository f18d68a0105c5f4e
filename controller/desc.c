/* desc.c: the problem description a submission is judged by.
 *
 * problem_import writes it (desc_write) into the problem's snapshot
 * (state_dir/problems/ID.STAMP/desc.mp) and the store; judging reads it
 * back (desc_read, desc_load). Its encoding is positional (8 items per
 * test, 13 per group) and must stay readable for problems imported by
 * earlier versions (7 items per test, 6 per group) and for the jobs of
 * judgebox 0.2.0, which carry it in their spec: what each position means
 * is written here, and only here, once for writing and once for reading,
 * side by side.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "desc.h"
#include "fsutil.h"
#include "spawn.h"

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
	/* A run command that names the source (python3 main.py, or its
	 * entry file: {main}, {source}, {mainclass}, {stem}) needs it under
	 * the language's name, the validator running with no entry file of
	 * its own; one that runs what the compile made (./main) or globs
	 * (gcc *.c) takes the package's names. */
	bool named = strstr(l->run, l->source) || spawn_names_entry(l->run);
	bool rename = named && nmain == 1;
	mp_w_str(w, "validator");
	mp_w_map(w, 10);
	mp_w_kstr(w, "style", p->testlib ? "testlib" : "kattis");
	mp_w_kstr(w, "lang", l->id);
	mp_w_kbool(w, "score", p->validator_score);
	/* 2023-07 scoring: score.txt or score_multiplier.txt, either optional */
	mp_w_kbool(w, "score_v2", p->format == PROB_2023_07 && p->scoring);
	mp_w_kbool(w, "interactive", p->interactive);
	mp_w_kuint(w, "passes", p->multipass ? p->validation_passes : 0);
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
 * grader's terms (grade.c): a test's score when accepted, the group's
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

/* ---- the scalars and the validator ---- */

static desc_span s_str(const msgpack_object *o)
{
	desc_span s;
	if (!mp_as_str(o, &s.p, &s.n))
		s.p = NULL, s.n = 0;
	return s;
}

static desc_span s_bin(const msgpack_object *o)
{
	desc_span s;
	if (!mp_as_bin(o, &s.p, &s.n))
		s.p = NULL, s.n = 0;
	return s;
}

bool desc_span_copy(desc_span s, char *buf, size_t size)
{
	if (!s.p || s.n >= size)
		return false;
	if (s.n)
		memcpy(buf, s.p, s.n);
	buf[s.n] = 0;
	return true;
}

static uint64_t s_limit(const msgpack_object *v, const char *k)
{
	uint64_t n;
	return mp_as_uint(mp_get(v, k), &n) ? n : DESC_UNSET;
}

static void s_validator_read(desc_validator *d, const msgpack_object *v)
{
	mp_str_copy(mp_get(v, "lang"), d->lang, sizeof d->lang);
	d->testlib = mp_str_eq(mp_get(v, "style"), "testlib");
	mp_as_bool(mp_get(v, "score"), &d->score);
	mp_as_bool(mp_get(v, "score_v2"), &d->score_v2);
	mp_as_bool(mp_get(v, "interactive"), &d->interactive);
	if (!mp_as_uint(mp_get(v, "passes"), &d->passes))
		d->passes = 0;
	d->cpu_ms = s_limit(v, "cpu_ms");
	d->memory_kb = s_limit(v, "memory_kb");
	d->fsize_kb = s_limit(v, "fsize_kb");
	d->files = mp_get(v, "files");
	if (d->files && d->files->type != MSGPACK_OBJECT_ARRAY)
		d->files = NULL;
}

/* ---- a test: [name, group, sample, in, ans, flags, in_size, reqs] ----
 * (problems imported before requirement ids: the first seven) */

static void s_test_write(mp_w *w, const problem *p, const prob_test *t)
{
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

static int s_test_read(desc_test *t, const msgpack_object *o)
{
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 5)
		return -1;
	const msgpack_object *e = o->via.array.ptr;
	uint32_t n = o->via.array.size;
	t->name = s_str(&e[0]);
	if (!t->name.p)
		t->name.p = "";
	mp_as_uint(&e[1], &t->group);
	mp_as_bool(&e[2], &t->sample);
	t->in = s_str(&e[3]);
	t->ans = s_str(&e[4]);
	if (n > 5)
		t->flags = s_str(&e[5]);
	if (n > 6)
		mp_as_uint(&e[6], &t->in_size);
	if (n > 7)
		t->reqs = s_str(&e[7]);
	return 0;
}

/* ---- a group: [path, parent, aggregation, accept_score, reject_score,
 * sample, range_min, range_max, on_reject_break, verdict_mode,
 * accept_if_any_accepted, first_test, ntests] ----
 * (problems imported by judgebox 0.2.0: the first eight; before: six,
 * which grade with the defaults) */

static void s_group_write(mp_w *w, const problem *p, int i)
{
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
	/* "sample": not graded. 2023-07: samples never count [D]; legacy:
	 * only with data/'s ignore_sample, as its default grader does [L][PT]. */
	bool sample = !strcmp(g->path, "sample") || !strncmp(g->path, "sample/", 7);
	mp_w_bool(w, sample && (p->format == PROB_2023_07 || p->groups[0].ignore_sample));
	mp_w_float(w, isfinite(g->range_min) ? g->range_min : -1e300);
	mp_w_float(w, cap);
	mp_w_bool(w, g->on_reject_break);
	mp_w_str(w, *g->verdict_mode ? g->verdict_mode : "worst_error");
	mp_w_bool(w, g->accept_if_any_accepted);
	mp_w_uint(w, (uint64_t)g->first_test);
	mp_w_uint(w, (uint64_t)g->ntests);
}

static bool s_flag(const msgpack_object *e, uint32_t n, uint32_t k)
{
	bool v = false;
	return n > k && mp_as_bool(&e[k], &v) && v;
}

/* Group i from o; its range when stored and within ntests (else
 * first_test > ntests: s_ranges finds it). -1 if its parent does not come
 * before it, as every version wrote them (pre-order). */
static int s_group_read(desc_group *g, const msgpack_object *o, unsigned i,
			unsigned ntests)
{
	char mode[16];
	uint64_t f, c;
	*g = (desc_group){ .parent = -1, .range_min = -1e300, .range_max = 1e300,
			   .first_test = ntests + 1 };
	uint32_t n = o->type == MSGPACK_OBJECT_ARRAY ? o->via.array.size : 0;
	if (n < 8)
		return 0;
	const msgpack_object *e = o->via.array.ptr;
	g->listed = true;
	g->path = s_str(&e[0]);
	if (e[1].type == MSGPACK_OBJECT_POSITIVE_INTEGER)
		g->parent = e[1].via.u64 < i ? (int64_t)e[1].via.u64 : -2;
	g->aggregation = mp_str_eq(&e[2], "min") ? DESC_MIN : mp_str_eq(&e[2], "max") ?
			 DESC_MAX : mp_str_eq(&e[2], "avg") ? DESC_AVG : DESC_SUM;
	mp_as_float(&e[3], &g->accept_score);
	mp_as_float(&e[4], &g->reject_score);
	g->sample = s_flag(e, n, 5);
	mp_as_float(&e[6], &g->range_min);
	mp_as_float(&e[7], &g->range_max);
	g->on_reject_break = s_flag(e, n, 8);
	if (n > 9 && mp_str_copy(&e[9], mode, sizeof mode))
		g->verdict_mode = !strcmp(mode, "always_accept") ? DESC_ALWAYS_ACCEPT :
				  !strcmp(mode, "first_error") ? DESC_FIRST_ERROR : DESC_WORST_ERROR;
	g->accept_if_any_accepted = s_flag(e, n, 10);
	if (n >= 13 && mp_as_uint(&e[11], &f) && mp_as_uint(&e[12], &c) && f + c <= ntests)
		g->first_test = (unsigned)f, g->ntests = (unsigned)c;
	return g->parent == -2 ? -1 : 0;
}

/* Older problems stored no ranges: a group's tests are those whose group
 * is it or below it (contiguous: its subtree). */
static int s_ranges(desc_t *d)
{
	unsigned *end = calloc(d->ngroups + 1, sizeof *end);
	if (!end)
		return -1;
	for (unsigned g = 0; g < d->ngroups; g++)
		if (d->groups[g].first_test > d->ntests)
			d->groups[g].first_test = d->ntests;
		else
			end[g] = UINT32_MAX;	/* stored */
	for (unsigned i = 0; i < d->ntests; i++)
		for (int64_t h = (int64_t)d->tests[i].group; h >= 0 && h < d->ngroups;
		     h = d->groups[h].parent) {
			desc_group *g = &d->groups[h];
			if (end[h] == UINT32_MAX)
				continue;
			g->first_test = i < g->first_test ? i : g->first_test;
			end[h] = i + 1;
		}
	for (unsigned g = 0; g < d->ngroups; g++)
		if (end[g] != UINT32_MAX) {
			d->groups[g].first_test = end[g] ? d->groups[g].first_test : 0;
			d->groups[g].ntests = end[g] ? end[g] - d->groups[g].first_test : 0;
		}
	free(end);
	return 0;
}

/* ---- the description ---- */

/* "languages": the ids a submission may be in (ops_run.c checks). */
static void s_languages_write(mp_w *w, const char *ids)
{
	char buf[512], *save, *t;
	snprintf(buf, sizeof buf, "%s", ids);
	mp_w_str(w, "languages");
	size_t m = mp_w_array_begin(w);
	uint32_t n = 0;
	for (t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save), n++)
		mp_w_str(w, t);
	mp_w_array_end(w, m, n);
}

/* The judge's description of a loaded package: what submit needs. */
int desc_write(mp_w *w, const problem *p, const char *dir, const lang_t *vl,
	       char *err, size_t errlen)
{
	mp_w_map(w, (vl ? 11 : 10) + (*p->languages != 0) + p->loopback);
	if (vl && s_validator_desc(w, p, vl, err, errlen))
		return -1;
	if (*p->languages)
		s_languages_write(w, p->languages);
	if (p->loopback)	/* absent: none, as in problems imported before it */
		mp_w_kstr(w, "network", "loopback");
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
	for (int i = 0; i < p->ntests; i++)
		s_test_write(w, p, &p->tests[i]);
	mp_w_str(w, "groups");
	mp_w_array(w, (uint32_t)p->ngroups);
	for (int i = 0; i < p->ngroups; i++)
		s_group_write(w, p, i);
	return 0;
}

static void s_scalars_read(desc_t *d, const msgpack_object *root)
{
	const msgpack_object *v = mp_get(root, "validator");
	d->dir = s_str(mp_get(root, "dir"));
	d->id = s_str(mp_get(root, "id"));
	d->name = s_str(mp_get(root, "name"));
	d->flags = s_str(mp_get(root, "flags"));
	mp_as_bool(mp_get(root, "scoring"), &d->scoring);
	d->loopback = mp_str_eq(mp_get(root, "network"), "loopback");
	mp_as_uint(mp_get(root, "time_limit_ms"), &d->time_limit_ms);
	mp_as_uint(mp_get(root, "memory_kb"), &d->memory_kb);
	mp_as_uint(mp_get(root, "output_kb"), &d->output_kb);
	d->has_validator = v && v->type == MSGPACK_OBJECT_MAP;
	if (d->has_validator)
		s_validator_read(&d->validator, v);
}

/* The array at key in root: its items, or none. */
static const msgpack_object_array *s_array(const msgpack_object *root, const char *key)
{
	static const msgpack_object_array none = { 0, NULL };
	const msgpack_object *a = mp_get(root, key);
	return a && a->type == MSGPACK_OBJECT_ARRAY ? &a->via.array : &none;
}

int desc_load(desc_t *d, const msgpack_object *root, char *why, size_t size)
{
	const msgpack_object_array *ts = s_array(root, "tests"), *gs = s_array(root, "groups");
	s_scalars_read(d, root);
	d->tests = calloc(ts->size + 1, sizeof *d->tests);
	d->groups = calloc(gs->size + 1, sizeof *d->groups);
	if (!d->tests || !d->groups)
		return snprintf(why, size, "out of memory"), -1;
	d->ntests = ts->size, d->ngroups = gs->size;
	for (unsigned i = 0; i < d->ntests; i++)
		if (s_test_read(&d->tests[i], &ts->ptr[i]) ||
		    (d->ngroups && d->tests[i].group >= d->ngroups))
			return snprintf(why, size, "the problem's test %u is damaged", i), -1;
	for (unsigned g = 0; g < d->ngroups; g++)
		if (s_group_read(&d->groups[g], &gs->ptr[g], g, d->ntests))
			return snprintf(why, size, "the problem's group %u is damaged", g), -1;
	if (s_ranges(d))
		return snprintf(why, size, "out of memory"), -1;
	return 0;
}

/* A submission's problem: the desc.mp of the snapshot its spec names
 * (ops.c), ours, read whole (its size is the problem's: tests and the
 * validator's sources, at most a few MiB). */
int desc_read(desc_t *d, const char *path, char *why, size_t size)
{
	char err[160];
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n = -1;
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (d->buf = malloc((size_t)st.st_size + 1)))
		n = read(fd, d->buf, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	if (n < 0 || n != st.st_size)
		return snprintf(why, size, "%s: %s", path, n < 0 ? strerror(errno) :
				"short read"), -1;
	if (mp_parse(&d->doc, d->buf, (size_t)n, false, err, sizeof err))
		return snprintf(why, size, "%s: %s", path, err), -1;
	return desc_load(d, d->doc.root, why, size);
}

int desc_load_tests(desc_t *d, const msgpack_object *tests, char *why, size_t size)
{
	uint32_t n = tests && tests->type == MSGPACK_OBJECT_ARRAY ? tests->via.array.size : 0;
	if (!(d->tests = calloc(n + 1, sizeof *d->tests)))
		return snprintf(why, size, "out of memory"), -1;
	d->ntests = n;
	for (uint32_t i = 0; i < n; i++) {
		const msgpack_object *o = &tests->via.array.ptr[i], *e = o->via.array.ptr;
		if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 3)
			return snprintf(why, size, "the job's test %u is damaged", i), -1;
		d->tests[i].name = s_str(&e[0]);
		if (!d->tests[i].name.p)
			d->tests[i].name.p = "";
		d->tests[i].in = s_bin(&e[1]);
		d->tests[i].ans = s_bin(&e[2]);
		if (o->via.array.size > 3)	/* its requirement ids (ops_run.c) */
			d->tests[i].reqs = s_str(&e[3]);
	}
	return 0;
}

void desc_free(desc_t *d)
{
	free(d->tests);
	free(d->groups);
	mp_doc_free(&d->doc);
	free(d->buf);
	memset(d, 0, sizeof *d);
}
