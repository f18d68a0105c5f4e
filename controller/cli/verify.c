/* verify.c: problem verify DIR. Import a problem package, judge its own
 * submissions (submissions/accepted/, wrong_answer/, ...) against it, at a
 * time limit from the package or derived from accepted/ as problemtools'
 * verifyproblem does; verify_report.c compares and shows what they got.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "cli.h"
#include "verify.h"

/* What each directory of submissions/ expects: legacy and 2023-07 names,
 * DOMjudge's (compiler_error, output_limit, no_output: a wrong answer
 * with no output; check_manually, mixed, mixed-verdicts: any verdict
 * unless @EXPECTED_RESULTS@: lists some), and ours. A memory limit is a
 * run_time_error/, as problemtools has no verdict of its own for it. */
static const expect_t s_expects[] = {
	{ "accepted", "accepted", X_VERDICT, R_ACCEPTED, NULL },
	{ "wrong_answer", "wrong_answer", X_VERDICT, R_OTHER, NULL },
	{ "no_output", "wrong_answer", X_VERDICT, R_OTHER, NULL },
	{ "time_limit_exceeded", "time_limit", X_VERDICT, R_TLE, NULL },
	{ "run_time_error", "runtime_error", X_VERDICT, R_OTHER, "memory_limit" },
	{ "memory_limit_exceeded", "memory_limit", X_VERDICT, R_OTHER, NULL },
	{ "output_limit_exceeded", "output_limit", X_VERDICT, R_OTHER, NULL },
	{ "output_limit", "output_limit", X_VERDICT, R_OTHER, NULL },
	{ "compile_error", "compile_error", X_VERDICT, R_OTHER, NULL },
	{ "compiler_error", "compile_error", X_VERDICT, R_OTHER, NULL },
	{ "presentation_error", "presentation_error", X_VERDICT, R_OTHER, NULL },
	{ "security_violation", "security_violation", X_VERDICT, R_OTHER, NULL },
	{ "judge_error", "judge_error", X_VERDICT, R_OTHER, NULL },
	{ "partially_accepted", "partial score", X_PARTIAL, R_OTHER, NULL },
	{ "partial", "partial score", X_PARTIAL, R_OTHER, NULL },
	{ "rejected", "not accepted", X_REJECTED, R_OTHER, NULL },
	{ "brute_force", "not accepted", X_REJECTED, R_OTHER, NULL },
	{ "check_manually", "any", X_ANY, R_OTHER, NULL },
	{ "mixed", "any", X_ANY, R_OTHER, NULL },
	{ "mixed-verdicts", "any", X_ANY, R_OTHER, NULL },
};
#define N_EXPECTS (sizeof s_expects / sizeof s_expects[0])

/* scandir's filter: not a dot file. */
static int s_visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* A directory, or a link to one. */
static bool s_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The problem id of a package directory: its name, lowercased, other
 * characters than [a-z0-9_-] made '-', cut to 64; "p" before one that
 * would not start with a letter or digit. */
static void s_vf_id(const char *dir, char id[65])
{
	const char *b = cli_basename(dir);
	size_t n = 0;
	if (!((*b >= 'a' && *b <= 'z') || (*b >= 'A' && *b <= 'Z') || (*b >= '0' && *b <= '9')))
		id[n++] = 'p';
	for (; *b && n < 64; b++) {
		char c = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
		id[n++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '-';
	}
	id[n] = '\0';
}

/* A directory is one submission of several files: its regular ones. */
static void s_vf_dir_files(vsub_t *s, const char *path)
{
	struct dirent **e = NULL;
	int k = scandir(path, &e, s_visible, alphasort);
	if (k < 0 || !(s->files = calloc((size_t)k + 1, sizeof *s->files))) {
		snprintf(s->skip, sizeof s->skip, "skipped (%s)", k < 0 ? strerror(errno) :
			 "out of memory");
		k = k < 0 ? 0 : k;
	}
	for (int i = 0; i < k; i++) {
		char *f;
		if (s->files && asprintf(&f, "%s/%s", path, e[i]->d_name) >= 0) {
			struct stat st;
			if (stat(f, &st) == 0 && S_ISREG(st.st_mode))
				s->files[s->nfiles++] = f;
			else
				free(f);
		}
		free(e[i]);
	}
	free(e);
	if (!s->nfiles && !*s->skip)
		snprintf(s->skip, sizeof s->skip, "skipped (no files)");
}

/* DOMjudge's verdict names and ours (RUN-ERROR also takes a memory
 * limit, as run_time_error/ does). */
static const struct { const char *dj, *v, *also; } s_dj[] = {
	{ "CORRECT", "accepted", NULL }, { "WRONG-ANSWER", "wrong_answer", NULL },
	{ "TIMELIMIT", "time_limit", NULL }, { "RUN-ERROR", "runtime_error", "memory_limit" },
	{ "COMPILER-ERROR", "compile_error", NULL }, { "NO-OUTPUT", "wrong_answer", NULL },
	{ "OUTPUT-LIMIT", "output_limit", NULL },
};

/* Add verdict v to s's allowed list, once. */
static void s_vf_allow(vsub_t *s, const char *v)
{
	for (int i = 0; i < s->nallowed; i++)
		if (!strcmp(s->allowed[i], v))
			return;
	if (s->nallowed < VF_ALLOWED)
		snprintf(s->allowed[s->nallowed++], sizeof s->allowed[0], "%s", v);
}

/* The words after "@EXPECTED_RESULTS@:" on line p: s's allowed list; an
 * unknown name is a warning. */
static void s_vf_results(vsub_t *s, const char *p)
{
	char w[32];
	size_t n;
	while (*(p += strspn(p, " \t,")) && *p != '\n' && *p != '\r') {
		n = strcspn(p, " \t,\r\n");
		snprintf(w, sizeof w, "%.*s", (int)(n < sizeof w ? n : sizeof w - 1), p);
		p += n;
		size_t k = 0;
		while (k < sizeof s_dj / sizeof s_dj[0] && strcasecmp(w, s_dj[k].dj))
			k++;
		if (k == sizeof s_dj / sizeof s_dj[0]) {
			snprintf(s->warn, sizeof s->warn, "@EXPECTED_RESULTS@: %s: not a verdict "
				 "DOMjudge names", w);
			continue;
		}
		s_vf_allow(s, s_dj[k].v);
		if (s_dj[k].also)
			s_vf_allow(s, s_dj[k].also);
	}
}

/* DOMjudge's annotation in a submission's files (their first 64 KiB), and
 * what the row shows as expected. */
static void s_vf_annotation(vsub_t *s)
{
	static const char tag[] = "@EXPECTED_RESULTS@:";
	for (int i = 0; i < s->nfiles && !s->nallowed; i++) {
		char buf[65536];
		FILE *f = fopen(s->files[i], "re");
		size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
		if (f)
			fclose(f);
		buf[n] = '\0';
		const char *p = memmem(buf, n, tag, sizeof tag - 1);
		if (p)
			s_vf_results(s, p + sizeof tag - 1);
	}
	size_t k = 0;
	snprintf(s->expect, sizeof s->expect, "%s", s->x->shown);
	for (int i = 0; i < s->nallowed && k < sizeof s->expect; i++)
		k += (size_t)snprintf(s->expect + k, sizeof s->expect - k, "%s%s", i ? "|" : "",
				      s->allowed[i]);
}

/* A new row for the submission path (a file or a directory). */
static int s_vf_add(verify_t *v, const expect_t *x, const char *path)
{
	if (v->n == v->cap) {
		int cap = v->cap ? v->cap * 2 : 32;
		vsub_t *w = realloc(v->subs, (size_t)cap * sizeof *w);
		if (!w)
			return RC_INTERNAL;
		v->subs = w;
		v->cap = cap;
	}
	vsub_t *s = &v->subs[v->n];
	memset(s, 0, sizeof *s);
	s->x = x;
	snprintf(s->name, sizeof s->name, "%s/%s", x->dir, cli_basename(path));
	if (s_is_dir(path))
		s_vf_dir_files(s, path);
	else if (!(s->files = malloc(sizeof *s->files)) || !(s->files[0] = strdup(path)))
		return free(s->files), RC_INTERNAL;
	else
		s->nfiles = 1;
	s_vf_annotation(s);
	v->n++;
	return RC_OK;
}

/* submissions/NAME: its files and directories, if NAME says what they
 * should get; another directory is a warning. */
static int s_vf_scan_dir(verify_t *v, const char *base, const char *name)
{
	const expect_t *x = NULL;
	char *path;
	int rc = RC_OK;
	if (asprintf(&path, "%s/%s", base, name) < 0)
		return RC_INTERNAL;
	for (size_t i = 0; i < N_EXPECTS && !x; i++)
		if (!strcmp(name, s_expects[i].dir))
			x = &s_expects[i];
	if (!s_is_dir(path))
		;		/* a README beside the directories: not a submission */
	else if (!x)
		fprintf(stderr, "judgebox: warning: submissions/%s: not a verdict directory "
			"(accepted, wrong_answer, time_limit_exceeded, ...): skipped\n", name);
	else {
		struct dirent **e;
		int k = scandir(path, &e, s_visible, alphasort);
		if (k < 0)
			fprintf(stderr, "judgebox: warning: %s: %s\n", path, strerror(errno));
		for (int i = 0; i < k; i++) {
			char *f;
			struct stat st;
			if (rc == RC_OK && asprintf(&f, "%s/%s", path, e[i]->d_name) >= 0) {
				if (stat(f, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
					rc = s_vf_add(v, x, f);
				free(f);
			}
			free(e[i]);
		}
		if (k >= 0)
			free(e);
	}
	free(path);
	return rc;
}

/* Every submission of DIR/submissions, sorted by directory then name. */
static int s_vf_scan(verify_t *v)
{
	char *base;
	struct dirent **e;
	int rc = RC_OK;
	if (asprintf(&base, "%s/submissions", v->dir) < 0)
		return RC_INTERNAL;
	int k = scandir(base, &e, s_visible, alphasort);
	if (k < 0) {
		fprintf(stderr, "judgebox: %s: %s (problem verify judges the package's own "
			"submissions, in submissions/accepted/, submissions/wrong_answer/, ...)\n",
			base, strerror(errno));
		free(base);
		return RC_USAGE;
	}
	for (int i = 0; i < k; i++) {
		if (rc == RC_OK)
			rc = s_vf_scan_dir(v, base, e[i]->d_name);
		free(e[i]);
	}
	free(e);
	if (rc == RC_INTERNAL)
		fputs("judgebox: out of memory\n", stderr);
	else if (!v->n) {
		fprintf(stderr, "judgebox: %s: no submissions in it (files in accepted/, "
			"wrong_answer/, ...)\n", base);
		rc = RC_USAGE;
	}
	free(base);
	return rc;
}

/* The language of a submission: the first of its files whose extension
 * a language claims (as run decides it); a row says why there is none. */
static void s_vf_lang(vsub_t *s, const msgpack_object *langs)
{
	size_t best;
	int count = 0, i;
	for (i = 0; i < s->nfiles && !count; i++)
		count = lang_match(langs, cli_basename(s->files[i]), &s->lang, &best);
	if (count == 1)
		lang_shebang(langs, s->files[i - 1], &s->lang);
	if (*s->skip)
		return;
	if (!count)
		snprintf(s->skip, sizeof s->skip, "skipped (language unknown)");
	else if (count > 1)
		snprintf(s->skip, sizeof s->skip, "skipped (extension fits several languages)");
	else if (!s->lang.available)
		snprintf(s->skip, sizeof s->skip, "skipped (language %s unavailable)", s->lang.id);
}

/* Decide every submission's language from one languages request. */
static int s_vf_langs(cli_t *x, verify_t *v)
{
	req_t r;
	in_t in;
	req_begin(&r, "languages");
	int rc = conn_call(x, &r, conn_timeout(x), &in);
	const msgpack_object *langs = rc == RC_OK ? rd_array(in.root, "languages") : NULL;
	if (rc == RC_OK && !langs) {
		fputs("judgebox: reply without languages\n", stderr);
		rc = RC_INTERNAL;
	}
	for (int i = 0; langs && i < v->n; i++)
		s_vf_lang(&v->subs[i], langs);
	in_free(&in);
	return rc;
}

/* The daemon's CPU time ceiling (health), which cuts every time limit. */
static int s_vf_ceiling(cli_t *x, verify_t *v)
{
	req_t r;
	in_t in;
	req_begin(&r, "health");
	int rc = conn_call(x, &r, conn_timeout(x), &in);
	v->ceiling = rd_u64(rd_map(rd_map(in.root, "limits"), "ceilings"), "cpu_ms", 60000);
	in_free(&in);
	return rc;
}

/* A daemon without problem_import's time fields: the limit of problem_get
 * (already cut to the ceiling) and its type. */
static int s_vf_problem_get(cli_t *x, verify_t *v)
{
	req_t r;
	in_t in;
	char type[32];
	req_begin(&r, "problem_get");
	req_kuint(&r, "v", PROTO_V);
	req_kstr(&r, "problem", v->id);
	int rc = conn_call(x, &r, conn_timeout(x), &in);
	const msgpack_object *p = rd_map(in.root, "problem");
	v->limit = rd_u64(rd_map(p, "limits"), "cpu_ms", 1000);
	v->scoring = !strcmp(rd_str(p, "type", type, sizeof type, ""), "scoring");
	snprintf(v->from, sizeof v->from, "problem_get");
	in_free(&in);
	return rc;
}

/* The time limit and its margins, from the import's reply (PROTOCOL.md
 * 14.4); each is cut to the ceiling, as the daemon cuts it. */
static int s_vf_limits(cli_t *x, verify_t *v)
{
	const msgpack_object *p = v->problem;
	char type[32];
	int rc = s_vf_ceiling(x, v);
	v->mult = rd_float(p, "time_multiplier", 5);
	v->margin = rd_float(p, "time_safety_margin", 2);
	if (v->margin < 1)
		v->margin = 1;
	v->scoring = !strcmp(rd_str(p, "type", type, sizeof type, ""), "scoring");
	v->limit = rd_u64(p, "time_limit_ms", 0);
	rd_str(p, "time_limit_from", v->from, sizeof v->from, "package");
	if (rc == RC_OK && !v->limit)
		rc = s_vf_problem_get(x, v);
	if (!v->limit || v->limit > v->ceiling)
		v->limit = v->limit ? v->ceiling : 1000;
	v->high = (uint64_t)ceil((double)v->limit * v->margin);
	if (v->high > v->ceiling)
		v->high = v->ceiling;
	return rc;
}

/* The submit request of s at limit_ms, its files read, its size
 * checked. */
static int s_vf_request(cli_t *x, const verify_t *v, vsub_t *s, uint64_t limit_ms,
			req_t *r)
{
	char label[160];
	x->files = s->files;
	x->nfiles = s->nfiles;
	req_begin(r, "submit");
	req_kuint(r, "v", PROTO_V);
	req_kstr(r, "problem", v->id);
	req_kstr(r, "lang", s->lang.id);
	req_kstr(r, "mode", v->scoring ? "all" : "first_failure");	/* a whole score */
	req_kuint(r, "time_limit_ms", limit_ms);
	if (snprintf(label, sizeof label, "verify %s", s->name) <= 128)
		req_kstr(r, "label", label);
	int rc = run_add_sources(x, r, &s->lang);
	if (rc == RC_OK)
		rc = conn_check_size(x, r->w.len);
	return rc;
}

/* The reply to s's submit: its job, or why the daemon refused it. */
static int s_vf_queued(cli_t *x, vsub_t *s, const in_t *in)
{
	char code[32], msg[200];
	const msgpack_object *e = rd_map(in->root, "error");
	rd_str(e, "code", code, sizeof code, "");
	if (!rd_bool(in->root, "ok") && (!strcmp(code, "bad_request") ||
	    !strcmp(code, "too_large") || !strcmp(code, "unavailable")))
		snprintf(s->skip, sizeof s->skip, "refused (%s: %s)", code,
			 rd_str(e, "message", msg, sizeof msg, "?"));
	else if (!rd_bool(in->root, "ok"))
		return conn_daemon_error(x, in->root);
	else if (!(s->id = rd_u64(rd_map(in->root, "job"), "id", 0))) {
		fputs("judgebox: reply without a job\n", stderr);
		return RC_INTERNAL;
	}
	return RC_OK;
}

/* Queue s against the problem at limit_ms. A request that the daemon
 * refuses for this submission alone makes its row say so; any other error
 * ends verify. */
static int s_vf_submit(cli_t *x, const verify_t *v, vsub_t *s, uint64_t limit_ms)
{
	req_t r;
	in_t in = { 0 };
	int rc = s_vf_request(x, v, s, limit_ms, &r);
	if (rc == RC_USAGE || rc == RC_DAEMON) {	/* unreadable, or too large */
		mp_w_free(&r.w);
		snprintf(s->skip, sizeof s->skip, "skipped (%s)", rc == RC_USAGE ?
			 "unreadable" : "too large");
		return RC_OK;
	}
	if (rc != RC_OK) {
		mp_w_free(&r.w);
		return rc;
	}
	rc = conn_send(x, &r, conn_timeout(x));
	if (rc == RC_OK)
		rc = conn_wait_reply(x, conn_timeout(x), &in);
	if (rc == RC_OK)
		rc = s_vf_queued(x, s, &in);
	s->limit_ms = limit_ms;
	in_free(&in);
	return rc;
}

/* Progress on stderr (not with -q or --json): a line per round, and on a
 * terminal a dot per job as it ends. */
static bool s_vf_chatty(const cli_t *x)
{
	return !x->o.quiet && !x->o.json;
}

/* One round: queue every submission it takes at once (the daemon runs
 * them in parallel boxes), then wait for each in turn. accepted_only:
 * the round that derives the time limit, at the ceiling. */
static int s_vf_round(cli_t *x, verify_t *v, bool accepted_only)
{
	int rc = RC_OK, queued = 0;
	for (int i = 0; i < v->n && rc == RC_OK; i++) {
		vsub_t *s = &v->subs[i];
		if (*s->skip || s->id || (accepted_only && s->x->role != R_ACCEPTED))
			continue;
		rc = s_vf_submit(x, v, s, accepted_only ? v->ceiling :
				 s->x->role == R_TLE ? v->high : v->limit);
		queued += s->id != 0;
	}
	if (rc == RC_OK && queued && s_vf_chatty(x))
		fprintf(stderr, "judgebox: judging %d submission%s%s%s", queued,
			queued == 1 ? "" : "s", accepted_only ? " from accepted/ to derive the "
			"time limit" : "", x->tty ? " " : "\n");
	for (int i = 0; i < v->n && rc == RC_OK; i++) {
		vsub_t *s = &v->subs[i];
		if (!s->id || s->job)
			continue;
		rc = job_wait(x, s->id, &s->in, &s->job);
		if (x->tty && s_vf_chatty(x))
			fputc('.', stderr);
	}
	if (queued && x->tty && s_vf_chatty(x))
		fputc('\n', stderr);
	return rc;
}

/* No time limit in the package: as problemtools' verifyproblem does, judge
 * accepted/ first with a generous one (the ceiling), then take the slowest
 * test of those accepted, times time_multiplier, to the nearest whole
 * second and at least one. */
static int s_vf_derive(cli_t *x, verify_t *v)
{
	int rc = s_vf_round(x, v, true);
	bool any = false;
	for (int i = 0; i < v->n && rc == RC_OK; i++) {
		const vsub_t *s = &v->subs[i];
		const msgpack_object *r = rd_map(s->job, "result");
		if (s->x->role != R_ACCEPTED || !s->job || !mp_str_eq(mp_get(s->job, "state"), "judged") ||
		    !mp_str_eq(mp_get(r, "verdict"), "accepted"))
			continue;
		uint64_t c = vf_max_cpu(r);
		v->slowest = c > v->slowest ? c : v->slowest;
		any = true;
	}
	if (rc != RC_OK || !any) {
		if (rc == RC_OK && s_vf_chatty(x))
			fprintf(stderr, "judgebox: warning: no accepted/ submission was accepted: "
				"the time limit stays %" PRIu64 " ms\n", v->limit);
		return rc;
	}
	uint64_t sec = (uint64_t)((double)v->slowest * v->mult / 1000.0 + 0.5);
	v->limit = sec < 1 ? 1000 : sec * 1000 > v->ceiling ? v->ceiling : sec * 1000;
	v->high = (uint64_t)ceil((double)v->limit * v->margin);
	if (v->high > v->ceiling)
		v->high = v->ceiling;
	snprintf(v->from, sizeof v->from, "derived");
	return rc;
}

/* Free what verify holds. */
static void s_vf_free(verify_t *v)
{
	for (int i = 0; i < v->n; i++) {
		for (int k = 0; k < v->subs[i].nfiles; k++)
			free(v->subs[i].files[k]);
		free(v->subs[i].files);
		in_free(&v->subs[i].in);
	}
	free(v->subs);
	in_free(&v->pin);
	free(v->dir);
}

/* problem verify DIR: import it, judge its submissions, say which got
 * what their directory expects (judgebox(1), problem verify). */
int cmd_problem_verify(cli_t *x)
{
	verify_t v = { .start = cli_now() };
	const char *dir = x->o.operands[1];
	int rc = RC_OK;
	if (!(v.dir = realpath(dir, NULL)) || !s_is_dir(v.dir)) {
		fprintf(stderr, "judgebox: %s: %s\n", dir, v.dir ? "not a directory (a problem "
			"package is one)" : strerror(errno));
		free(v.dir);
		return RC_USAGE;
	}
	if (x->o.id)
		snprintf(v.id, sizeof v.id, "%s", x->o.id);
	else
		s_vf_id(v.dir, v.id);
	if ((rc = s_vf_scan(&v)) == RC_OK)
		rc = problem_import(x, v.id, v.dir, &v.pin, &v.problem);
	if (rc == RC_DAEMON && mp_str_eq(mp_get(rd_map(v.pin.root, "error"), "code"), "unauthorized"))
		fputs("judgebox: problem verify imports the package, and only judgeboxd's admins "
		      "may (admins in judgeboxd.conf)\n", stderr);
	if (rc == RC_OK && !x->o.json)
		problem_warnings(v.problem);
	if (rc == RC_OK)
		rc = s_vf_limits(x, &v);
	if (rc == RC_OK)
		rc = s_vf_langs(x, &v);
	if (rc == RC_OK && !strcmp(v.from, "default"))
		rc = s_vf_derive(x, &v);
	if (rc == RC_OK)
		rc = s_vf_round(x, &v, false);
	if (rc == RC_OK) {
		int mismatches = vf_judge(&v);
		if (x->o.json)
			vf_json(&v, mismatches);
		else
			vf_table(&v, mismatches);
		rc = mismatches ? RC_STATUS : RC_OK;
	}
	s_vf_free(&v);
	return rc;
}
