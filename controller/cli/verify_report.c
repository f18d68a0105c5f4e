/* verify_report.c: problem verify's verdicts. What each submission got at
 * the time limit, whether that is what its directory expects, and the
 * table (or the JSON document) that says so; and a result's largest CPU
 * time, which verify.c also derives a time limit from. verify.c calls
 * this file, never the other way.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include "cli.h"
#include "verify.h"

/* The verdict at the time limit. A job judged at a higher one (accepted/
 * when the limit was derived, time_limit_exceeded/ at the margin) had its
 * first test over the limit, in CPU or in wall time, stopped there. */
static void s_vf_at_limit(const verify_t *v, vsub_t *s, const msgpack_object *r)
{
	const msgpack_object *tests = rd_array(r, "tests");
	rd_str(r, "verdict", s->verdict, sizeof s->verdict, "?");
	rd_str(r, "first_failure", s->first, sizeof s->first, "");
	if (s->limit_ms <= v->limit)
		return;
	for (uint32_t i = 0; tests && i < tests->via.array.size; i++) {
		const msgpack_object *t = &tests->via.array.ptr[i];
		bool over = rd_u64(t, "cpu_ms", 0) > v->limit ||
			    rd_u64(t, "wall_ms", 0) > 2 * v->limit + 1000;
		if (!over && mp_str_eq(mp_get(t, "verdict"), "accepted"))
			continue;
		if (over)
			snprintf(s->verdict, sizeof s->verdict, "time_limit");
		else
			rd_str(t, "verdict", s->verdict, sizeof s->verdict, "?");
		rd_str(t, "name", s->first, sizeof s->first, "?");
		return;
	}
}

/* The largest CPU time of a result's tests. */
uint64_t vf_max_cpu(const msgpack_object *r)
{
	const msgpack_object *tests = rd_array(r, "tests");
	uint64_t max = 0;
	for (uint32_t i = 0; tests && i < tests->via.array.size; i++) {
		uint64_t c = rd_u64(&tests->via.array.ptr[i], "cpu_ms", 0);
		max = c > max ? c : max;
	}
	return max;
}

/* What an ended job got: its verdict at the limit, score, CPU time. */
static void s_vf_outcome(const verify_t *v, vsub_t *s)
{
	char state[32], high[32];
	const msgpack_object *r = rd_map(s->job, "result");
	if (*s->skip) {
		snprintf(s->got, sizeof s->got, "%s", s->skip);
		return;
	}
	const char *st = rd_str(s->job, "state", state, sizeof state, "?");
	if (strcmp(st, "judged")) {		/* cancelled, failed */
		snprintf(s->got, sizeof s->got, "%s", st);
		return;
	}
	s_vf_at_limit(v, s, r);
	s->max_cpu = vf_max_cpu(r);
	s->ran = rd_array(r, "tests") && rd_array(r, "tests")->via.array.size;
	s->scored = mp_as_float(mp_get(r, "score"), &s->score) && isfinite(s->score);
	snprintf(s->got, sizeof s->got, "%s", s->verdict);
	rd_str(r, "verdict", high, sizeof high, "?");
	/* time_limit_exceeded/ must be too slow even with the margin. */
	if (s->x->role == R_TLE && !strcmp(s->verdict, "time_limit") && strcmp(high, "time_limit")) {
		s->tle_short = true;
		snprintf(s->got, sizeof s->got, "time_limit, but %s at %" PRIu64 " ms", high,
			 s->limit_ms);
	}
}

/* Is s's verdict one that its @EXPECTED_RESULTS@: list allows? */
static bool s_vf_allowed(const vsub_t *s)
{
	for (int i = 0; i < s->nallowed; i++)
		if (!strcmp(s->verdict, s->allowed[i]))
			return true;
	return false;
}

/* Does s get what its directory expects (or its @EXPECTED_RESULTS@:
 * list, which wins, as in DOMjudge)? best: the best score of the
 * accepted/ submissions (a scoring problem's full score), or -1. */
static void s_vf_match(const verify_t *v, vsub_t *s, double best)
{
	bool judged = !*s->skip && *s->verdict;
	bool acc = judged && !strcmp(s->verdict, "accepted");
	if (!judged)			/* skipped: wrong only where it had to pass */
		s->mismatch = *s->skip ? s->x->role == R_ACCEPTED : true;
	else if (s->nallowed)
		s->mismatch = !s_vf_allowed(s) || s->tle_short;
	else if (s->x->kind == X_ANY)
		s->mismatch = false;
	else if (s->x->kind == X_VERDICT)
		s->mismatch = (strcmp(s->verdict, s->x->shown) &&
			       (!s->x->also || strcmp(s->verdict, s->x->also))) || s->tle_short;
	else if (s->x->kind == X_REJECTED)
		s->mismatch = acc;
	else if (!v->scoring) {
		s->mismatch = true;
		snprintf(s->warn, sizeof s->warn, "partially_accepted/ on a pass-fail problem");
	} else
		s->mismatch = !s->scored || s->score <= 0 || (best >= 0 && s->score >= best);
	if (s->mismatch || s->x->role != R_ACCEPTED)
		return;
	if ((double)s->max_cpu * v->margin > (double)v->limit)
		snprintf(s->warn, sizeof s->warn, "accepted but within the safety margin: "
			 "%" PRIu64 " ms is over the time limit / time_safety_margin "
			 "(%" PRIu64 " ms / %g)", s->max_cpu, v->limit, v->margin);
	else if (s->scored && best >= 0 && s->score < best)
		snprintf(s->warn, sizeof s->warn, "score %g, less than the best accepted (%g)",
			 s->score, best);
}

/* Outcomes, then matches (partially_accepted/ needs the full score). */
int vf_judge(verify_t *v)
{
	double best = -1;
	int mismatches = 0;
	for (int i = 0; i < v->n; i++) {
		vsub_t *s = &v->subs[i];
		s_vf_outcome(v, s);
		if (s->x->role == R_ACCEPTED && s->scored && !strcmp(s->verdict, "accepted") &&
		    s->score > best)
			best = s->score;
	}
	for (int i = 0; i < v->n; i++) {
		s_vf_match(v, &v->subs[i], best);
		mismatches += v->subs[i].mismatch;
	}
	return mismatches;
}

/* Where the time limit came from, in words. */
static void s_vf_from(const verify_t *v, char *buf, size_t size)
{
	if (!strcmp(v->from, "derived"))
		snprintf(buf, size, "derived: slowest accepted %" PRIu64 " ms x time_multiplier "
			 "%g, to whole seconds", v->slowest, v->mult);
	else if (!strcmp(v->from, "default"))
		snprintf(buf, size, "the default: the package gives none, and no accepted/ "
			 "submission was accepted to derive it from");
	else
		snprintf(buf, size, "from %s", v->from);
}

/* A column's width: w, or wider for s. */
static int s_width(int w, const char *s)
{
	int n = (int)strlen(s);
	return n > w ? n : w;
}

/* The table: a row per submission, its warnings, the summary line. */
void vf_table(const verify_t *v, int mismatches)
{
	int wn = 10, wx = 8, wg = 3, wf = 18, tle = 0;
	char name[300], type[32], from[200], cpu[32];
	for (int i = 0; i < v->n; i++) {
		const vsub_t *s = &v->subs[i];
		wn = s_width(wn, s->name), wx = s_width(wx, s->expect);
		wg = s_width(wg, s->got), wf = s_width(wf, s->first);
		tle += s->x->role == R_TLE;
	}
	printf("problem %s: %s (%s, %" PRIu64 " tests)\n", v->id,
	       rd_str(v->problem, "name", name, sizeof name, "?"),
	       v->scoring ? "scoring" : rd_str(v->problem, "type", type, sizeof type, "pass-fail"),
	       rd_u64(v->problem, "tests", 0));
	printf("%-*s  %-*s  %-*s  %s%8s  %-*s  %s\n", wn, "SUBMISSION", wx, "EXPECTED", wg, "GOT",
	       v->scoring ? "   SCORE  " : "", "MAX-CPU", wf, "FIRST-FAILING-TEST", "RESULT");
	for (int i = 0; i < v->n; i++) {
		const vsub_t *s = &v->subs[i];
		if (s->ran)
			snprintf(cpu, sizeof cpu, "%" PRIu64 " ms", s->max_cpu);
		else
			snprintf(cpu, sizeof cpu, "-");
		printf("%-*s  %-*s  %-*s  ", wn, s->name, wx, s->expect, wg, s->got);
		if (v->scoring && s->scored)
			printf("%8g  ", s->score);
		else if (v->scoring)
			printf("%8s  ", "-");
		printf("%8s  %-*s  %s\n", cpu, wf, *s->first ? s->first : "-",
		       s->mismatch ? "MISMATCH" : "OK");
	}
	for (int i = 0; i < v->n; i++)
		if (*v->subs[i].warn)
			printf("warning: %s: %s\n", v->subs[i].name, v->subs[i].warn);
	s_vf_from(v, from, sizeof from);
	printf("%d submission%s, %d mismatch%s; time limit %" PRIu64 " ms (%s)", v->n,
	       v->n == 1 ? "" : "s", mismatches, mismatches == 1 ? "" : "es", v->limit, from);
	if (tle)
		printf(", time_limit_exceeded/ judged at %" PRIu64 " ms (x time_safety_margin %g)",
		       v->high, v->margin);
	printf("; %.1f s\n", (double)(cli_now() - v->start) / 1000.0);
}

/* The same as JSON: one document (judgebox(1), JSON OUTPUT). */
void vf_json(const verify_t *v, int mismatches)
{
	fputs("{\"problem\":", stdout);
	json_value(stdout, v->problem);
	printf(",\"time_limit_ms\":%" PRIu64, v->limit);
	json_kstr("time_limit_from", v->from, true);
	if (!strcmp(v->from, "derived"))
		printf(",\"slowest_accepted_ms\":%" PRIu64, v->slowest);
	printf(",\"time_multiplier\":%g,\"time_safety_margin\":%g,\"tle_check_ms\":%" PRIu64
	       ",\"submissions\":[", v->mult, v->margin, v->high);
	for (int i = 0; i < v->n; i++) {
		const vsub_t *s = &v->subs[i];
		putchar(i ? ',' : '{');
		if (i)
			putchar('{');
		json_kstr("submission", s->name, false);
		json_kstr("expected", s->expect, true);
		json_kstr("lang", s->lang.id, true);
		json_kstr("got", s->got, true);
		printf(",\"verdict\":");
		if (*s->verdict)
			json_bytes(stdout, s->verdict, strlen(s->verdict));
		else
			fputs("null", stdout);
		if (s->scored)
			printf(",\"score\":%.17g", s->score);
		if (s->id)
			printf(",\"job\":%" PRIu64 ",\"judged_at_ms\":%" PRIu64, s->id, s->limit_ms);
		if (s->ran)
			printf(",\"max_cpu_ms\":%" PRIu64, s->max_cpu);
		if (*s->first)
			json_kstr("first_failure", s->first, true);
		json_kstr("result", s->mismatch ? "MISMATCH" : "OK", true);
		if (*s->warn)
			json_kstr("warning", s->warn, true);
		putchar('}');
	}
	printf("],\"total\":%d,\"mismatches\":%d,\"wall_ms\":%" PRId64 "}\n", v->n, mismatches,
	       cli_now() - v->start);
}
