/* test.c: test and judge, a program judged against tests: its own
 * (test: --tests DIR, --case IN ANS, sent inline) or an imported
 * problem's (judge). verdict.c prints the test lines and the verdict.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zmq.h>
#include "cli.h"

/* test's compare map (PROTOCOL.md 14.2): its bool keys, then its
 * tolerances, in the order of their options. */
static const char *const s_cmp_bools[] = {
	"case_sensitive", "space_change_sensitive", "trim",
	"ignore_trailing_space", "ignore_empty_lines",
};

static const char *const s_cmp_floats[] = {
	"float_tolerance", "float_absolute_tolerance", "float_relative_tolerance",
};
_Static_assert(sizeof s_cmp_bools / sizeof *s_cmp_bools == N_CMP_BOOLS, "N_CMP_BOOLS");
_Static_assert(sizeof s_cmp_floats / sizeof *s_cmp_floats == N_CMP_FLOATS, "N_CMP_FLOATS");

/* A name the daemon takes for a test: one file name component of
 * PROTOCOL.md 7.1 (1-64 of A-Z a-z 0-9 . _ + -, not starting with . or -). */
static bool s_test_name_ok(const char *s, size_t n)
{
	if (n < 1 || n > TEST_NAME_MAX || *s == '.' || *s == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && !strchr("._+-", c))
			return false;
	}
	return true;
}

/* Add one test; a name the daemon would refuse is a usage error. */
static int s_case_add(cli_t *x, const char *name, size_t n, char *in, char *ans)
{
	if (!in || !ans) {
		free(in), free(ans);
		fputs("judgebox: out of memory\n", stderr);
		return RC_INTERNAL;
	}
	if (!s_test_name_ok(name, n)) {
		fprintf(stderr, "judgebox: %s: not a test name: 1 to %d of A-Z a-z 0-9 . _ + -, "
			"not starting with . or -\n", in, TEST_NAME_MAX);
		free(in), free(ans);
		return RC_USAGE;
	}
	if (x->ncases == x->cases_cap) {
		int cap = x->cases_cap ? x->cases_cap * 2 : 64;
		tcase_t *v = realloc(x->cases, (size_t)cap * sizeof *v);
		if (!v) {
			free(in), free(ans);
			fputs("judgebox: out of memory\n", stderr);
			return RC_INTERNAL;
		}
		x->cases = v;
		x->cases_cap = cap;
	}
	tcase_t *c = &x->cases[x->ncases++];
	memcpy(c->name, name, n);
	c->name[n] = '\0';
	c->in = in;
	c->ans = ans;
	return RC_OK;
}

/* --case IN ANS: named after IN's base name, less a final ".in". */
static int s_case_pair(cli_t *x, const char *in, const char *ans)
{
	const char *b = cli_basename(in);
	size_t n = strlen(b);
	if (n > 3 && !strcmp(b + n - 3, ".in"))
		n -= 3;
	return s_case_add(x, b, n, strdup(in), strdup(ans));
}

/* A directory entry that may be half of a test: stem and which half. */
typedef struct {
	char *stem;
	bool ans;
} half_t;

/* By stem, the .in before the .ans. */
static int s_half_cmp(const void *a, const void *b)
{
	const half_t *p = a, *q = b;
	int c = strcmp(p->stem, q->stem);
	return c ? c : (int)p->ans - (int)q->ans;
}

/* The regular files NAME.in and NAME.ans of dir (others are ignored: a
 * problem package's data/sample has .desc, .png, .interaction ...). */
static int s_dir_halves(const char *dir, half_t **out, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0, cap = 0;
	half_t *v = NULL;
	int rc = RC_OK;
	*out = NULL;
	*count = 0;
	if (!d) {
		fprintf(stderr, "judgebox: %s: %s\n", dir, strerror(errno));
		return RC_USAGE;
	}
	while (rc == RC_OK && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		bool ans = len > 4 && !strcmp(e->d_name + len - 4, ".ans");
		bool in = len > 3 && !strcmp(e->d_name + len - 3, ".in");
		struct stat st;
		if (*e->d_name == '.' || (!in && !ans) ||
		    fstatat(dirfd(d), e->d_name, &st, 0) || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			half_t *w = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);
			if (!w) {
				rc = RC_INTERNAL;
				break;
			}
			v = w;
		}
		if (!(v[n].stem = strndup(e->d_name, len - (ans ? 4 : 3))))
			rc = RC_INTERNAL;
		else
			v[n++].ans = ans;
	}
	closedir(d);
	if (rc != RC_OK)
		fputs("judgebox: out of memory\n", stderr);
	qsort(v, n, sizeof *v, s_half_cmp);
	*out = v;
	*count = n;
	return rc;
}

/* --tests DIR: its pairs, sorted by name (byte order); a half without the
 * other is a usage error, and so is a directory without any. */
static int s_case_dir(cli_t *x, const char *dir)
{
	half_t *v;
	size_t n, i = 0;
	int rc = s_dir_halves(dir, &v, &n), added = 0;
	while (rc == RC_OK && i < n) {
		bool pair = i + 1 < n && !strcmp(v[i].stem, v[i + 1].stem);
		if (!pair) {
			fprintf(stderr, "judgebox: %s/%s%s without %s/%s%s\n", dir, v[i].stem,
				v[i].ans ? ".ans" : ".in", dir, v[i].stem, v[i].ans ? ".in" : ".ans");
			rc = RC_USAGE;
			break;
		}
		char *in, *ans;
		if (asprintf(&in, "%s/%s.in", dir, v[i].stem) < 0)
			in = NULL;
		if (asprintf(&ans, "%s/%s.ans", dir, v[i].stem) < 0)
			ans = NULL;
		rc = s_case_add(x, v[i].stem, strlen(v[i].stem), in, ans);
		added++;
		i += 2;
	}
	for (i = 0; i < n; i++)
		free(v[i].stem);
	free(v);
	if (rc == RC_OK && !added) {
		fprintf(stderr, "judgebox: %s: no tests in it (NAME.in with NAME.ans)\n", dir);
		rc = RC_USAGE;
	}
	return rc;
}

/* Gather the tests of --tests and --case, in command-line order. */
static int s_cases_read(cli_t *x)
{
	int rc = RC_OK;
	for (int i = 0; i < x->o.ntsrc && rc == RC_OK; i++)
		rc = x->o.tsrc[i].dir ? s_case_dir(x, x->o.tsrc[i].dir) :
		     s_case_pair(x, x->o.tsrc[i].in, x->o.tsrc[i].ans);
	if (rc == RC_OK && !x->ncases)
		rc = cli_usage("test needs --tests DIR or --case IN ANS", NULL);
	for (int i = 0; i < x->ncases; i++)
		if ((int)strlen(x->cases[i].name) > x->twidth)
			x->twidth = (int)strlen(x->cases[i].name);
	x->ttotal = x->ncases;
	if (rc == RC_OK && !(x->shown = calloc((size_t)x->ncases, sizeof *x->shown))) {
		fputs("judgebox: out of memory\n", stderr);
		rc = RC_INTERNAL;
	}
	return rc;
}

/* Free the tests' file names. */
static void s_cases_free(cli_t *x)
{
	for (int i = 0; i < x->ncases; i++)
		free(x->cases[i].in), free(x->cases[i].ans);
	free(x->cases);
}

/* A file's bytes as a bin value of the request. */
static int s_add_file_bin(req_t *r, const char *path)
{
	char *buf;
	size_t len;
	int rc = cli_slurp(path, &buf, &len);
	if (rc == RC_OK) {
		mp_w_bin(&r->w, buf, len);
		free(buf);
	}
	return rc;
}

/* The compare map of the comparison options given. */
static void s_add_compare(cli_t *x, req_t *r)
{
	size_t mark;
	uint32_t n = 0;
	req_key(r, "compare");
	mark = mp_w_map_begin(&r->w);
	if (x->o.compare)
		mp_w_kstr(&r->w, "mode", x->o.compare), n++;
	for (size_t i = 0; i < N_CMP_BOOLS; i++)
		if (x->o.cmp_bools & 1u << i)
			mp_w_kbool(&r->w, s_cmp_bools[i], true), n++;
	for (size_t i = 0; i < N_CMP_FLOATS; i++)
		if (x->o.cmp_floats_set & 1u << i) {
			mp_w_str(&r->w, s_cmp_floats[i]);
			mp_w_float(&r->w, x->o.cmp_floats[i]);
			n++;
		}
	mp_w_map_end(&r->w, mark, n);
}

/* tests, compare, mode, keep. */
static int s_add_tests(cli_t *x, req_t *r)
{
	int rc = RC_OK;
	req_key(r, "tests");
	mp_w_array(&r->w, (uint32_t)x->ncases);
	for (int i = 0; i < x->ncases && rc == RC_OK; i++) {
		mp_w_map(&r->w, 3);
		mp_w_kstr(&r->w, "name", x->cases[i].name);
		mp_w_str(&r->w, "input");
		if ((rc = s_add_file_bin(r, x->cases[i].in)) != RC_OK)
			break;
		mp_w_str(&r->w, "answer");
		rc = s_add_file_bin(r, x->cases[i].ans);
	}
	if (x->o.seen & F_COMPARE)
		s_add_compare(x, r);
	if (x->o.all)
		req_kstr(r, "mode", "all");
	if (x->o.no_keep)
		req_kbool(r, "keep", false);
	return rc;
}

/* Send a judging request, v 2: test (the tests read), or submit (judge:
 * x->problem's tests); its job is left in in. */
static int s_send_judging(cli_t *x, bool wait, in_t *in, const msgpack_object **job)
{
	req_t r;
	lang_t lang;
	int rc = lang_pick(x, &lang);
	if (rc != RC_OK)
		return rc;
	req_begin(&r, x->problem ? "submit" : "test");
	req_kuint(&r, "v", PROTO_V);
	if (x->problem)
		req_kstr(&r, "problem", x->problem);
	req_kstr(&r, "lang", lang.id);
	if ((rc = run_add_sources(x, &r, &lang)) == RC_OK)
		rc = run_add_options(x, &r);
	if (rc == RC_OK && !x->problem)
		rc = s_add_tests(x, &r);
	else if (rc == RC_OK && x->o.all)
		req_kstr(&r, "mode", "all");
	if (rc == RC_OK && wait)
		req_wait(x, &r);
	if (rc == RC_OK)
		rc = conn_check_size(x, r.w.len);
	if (rc != RC_OK) {
		mp_w_free(&r.w);
		return rc;
	}
	rc = run_send(x, &r, wait, in, job);
	if (rc == RC_OK && rd_bool(in->root, "dup"))
		fputs("judgebox: this idem key was used before: that job, not a new one\n", stderr);
	return rc;
}

/* test and judge: on a terminal (without -q or --json), queue the job and
 * follow it, one line per test as its event comes; otherwise one request
 * that waits. Then the lines not shown yet and the verdict. */
static int s_judging(cli_t *x)
{
	in_t in = { 0 };
	const msgpack_object *job = NULL;
	progress_t p = { .show = x->tty && !x->o.quiet && !x->o.json, .inplace = true };
	int rc = RC_OK;
	if (p.show && (rc = conn_socket(x, ZMQ_SUB, x->o.events, &x->c.sub)) == RC_OK)
		zmq_setsockopt(x->c.sub, ZMQ_SUBSCRIBE, "job.", 4);
	if (rc == RC_OK)
		rc = s_send_judging(x, !p.show, &in, &job);
	return job_finish(x, rc, &p, &in, &job, true);
}

/* test: the tests from --tests and --case, inline. */
int cmd_test(cli_t *x)
{
	int rc = s_cases_read(x);
	if (rc == RC_OK)
		rc = s_judging(x);
	s_cases_free(x);
	return rc;
}

/* judge PROBLEM FILE...: submit against an imported problem's tests. */
int cmd_judge(cli_t *x)
{
	x->problem = x->o.operands[0];
	x->files = x->o.operands + 1;
	x->nfiles = x->o.noperands - 1;
	return s_judging(x);
}
