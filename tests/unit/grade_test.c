/* grade_test: controller/grade.c, the legacy default grader (PROTOCOL.md
 * 14.4) as pure functions. Descriptions are built here in C, as desc_load
 * would leave them: groups in pre-order (data/ first), each group's tests
 * its contiguous subtree. Checked: the verdict ranks and the run-status
 * map, every verdict mode and aggregation, ranges, on_reject break and
 * continue, nested groups, samples, tests that did not run, accept_score
 * and reject_score, where judging goes on after a rejection, and
 * requirement coverage; on problems written the way package authors write
 * them (a sample group, secret with subtasks of 30 and 70 points). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../controller/grade.h"
#include "../lib/tap.h"

#define PLAN 102
#define MAXT 64
#define MAXG 16

static desc_test T[MAXT];
static desc_group G[MAXG];
static desc_t D;
static grade_test R[MAXT];
static grade_group GG[MAXG];

static desc_span S(const char *s)
{
	return (desc_span){ s, s ? strlen(s) : 0 };
}

/* A new, empty problem. */
static void p_new(void)
{
	memset(T, 0, sizeof T), memset(G, 0, sizeof G), memset(&D, 0, sizeof D);
	D.tests = T, D.groups = G, D.scoring = true;
}

/* Add a group below parent (-1: data/) with the legacy defaults but
 * on_reject: continue; its index. */
static int g_add(const char *path, int parent)
{
	desc_group *g = &G[D.ngroups];

	*g = (desc_group){ .path = S(path), .parent = parent, .aggregation = DESC_SUM,
			   .accept_score = 1, .reject_score = 0, .range_min = -1e300,
			   .range_max = 1e300, .verdict_mode = DESC_WORST_ERROR, .listed = true };
	g->sample = !strcmp(path, "sample") || !strncmp(path, "sample/", 7);
	return (int)D.ngroups++;
}

/* Add n tests to group g, carrying requirement ids reqs (or NULL). */
static void t_add(int g, unsigned n, const char *reqs)
{
	while (n--) {
		T[D.ntests] = (desc_test){ .name = S("t"), .group = (uint64_t)g,
					   .sample = G[g].sample, .reqs = S(reqs) };
		D.ntests++;
	}
}

/* Each group's range of tests: its subtree, as desc_load stores it. */
static void p_done(void)
{
	for (unsigned g = 0; g < D.ngroups; g++) {
		unsigned lo = D.ntests, hi = 0;

		for (unsigned i = 0; i < D.ntests; i++)
			for (int64_t h = (int64_t)T[i].group; h >= 0; h = G[h].parent)
				if (h == (int64_t)g)
					lo = i < lo ? i : lo, hi = i + 1;
		G[g].first_test = hi ? lo : 0, G[g].ntests = hi ? hi - lo : 0;
	}
}

/* Results from a list of words, one per test: AC WA PE TLE MLE OLE RTE SV
 * JE, "-" for a test that did not run (rank not_run, score NAN, as the
 * judge starts them), and an optional "=SCORE" for a score the output
 * validator gave; else the score is grade_test_score's, as the judge sets. */
static void res(const char *words)
{
	static const struct { const char *w, *v; } ab[] = {
		{ "AC", "accepted" }, { "WA", "wrong_answer" }, { "PE", "presentation_error" },
		{ "TLE", "time_limit" }, { "MLE", "memory_limit" }, { "OLE", "output_limit" },
		{ "RTE", "runtime_error" }, { "SV", "security_violation" }, { "JE", "judge_error" },
	};
	char buf[512], *save, *w;
	unsigned i = 0;

	snprintf(buf, sizeof buf, "%s", words);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save), i++) {
		char *eq = strchr(w, '=');
		const char *v = NULL;

		if (eq)
			*eq = '\0';
		for (size_t k = 0; k < sizeof ab / sizeof *ab; k++)
			if (!strcmp(w, ab[k].w))
				v = ab[k].v;
		if (!strcmp(w, "-")) {
			R[i] = (grade_test){ GRADE_NOT_RUN, NAN };
			continue;
		}
		if (!v || i >= D.ntests)
			diag("bad test results \"%s\"", words), exit(2);
		R[i].rank = grade_rank(v);
		R[i].score = eq ? strtod(eq + 1, NULL) : grade_test_score(&D, i, R[i].rank == 0);
	}
	if (i != D.ntests)
		diag("\"%s\": %u results for %u tests", words, i, D.ntests), exit(2);
}

/* Grade the problem with results words: data/'s score. */
static double grade(const char *words)
{
	res(words);
	for (unsigned g = 0; g < MAXG; g++)
		GG[g] = (grade_group){ 1234, 1234 };
	return grade_groups(&D, R, GG);
}

static bool near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

/* The verdict group g got, by name ("-" if not graded). */
static const char *verdict(int g)
{
	return GG[g].rank < 0 ? "-" : grade_rank_name(GG[g].rank);
}

/* One assertion: group g has verdict v and score sc. */
static void is(int g, const char *v, double sc, const char *what)
{
	if (!ok(!strcmp(verdict(g), v) && near(GG[g].score, sc), "%s", what))
		diag("group %d: got %s %g, want %s %g", g, verdict(g), GG[g].score, v, sc);
}

/* ---- ranks and the run-status map ---- */

static void test_ranks(void)
{
	static const char *const order[] = {
		"judge_error", "security_violation", "runtime_error", "memory_limit",
		"time_limit", "output_limit", "wrong_answer", "presentation_error",
	};
	static const char *const st[][2] = {
		{ "cpu_limit", "time_limit" }, { "wall_limit", "time_limit" },
		{ "memory_limit", "memory_limit" }, { "file_limit", "output_limit" },
		{ "exit", "runtime_error" }, { "signal", "runtime_error" },
		{ "violation", "security_violation" },
	};
	int bad = 0;

	ok(grade_rank("accepted") == 0, "rank: accepted is 0");
	for (int i = 0; i < 8; i++)
		bad += grade_rank(order[i]) != i + 1;
	ok(!bad, "rank: worst_error's order JE, SV, RTE, MLE, TLE, OLE, WA, PE is 1 to 8");
	ok(grade_rank("compile_error") == 1 && grade_rank("") == 1 && grade_rank("Accepted") == 1,
	   "rank: any other verdict string (compile_error, \"\", Accepted) ranks as judge_error");
	bad = strcmp(grade_rank_name(0), "accepted") != 0;
	for (int i = 0; i < 8; i++)
		bad += strcmp(grade_rank_name(i + 1), order[i]) != 0;
	ok(!bad, "rank name: grade_rank's inverse for 0 to 8");
	ok(!strcmp(grade_rank_name(GRADE_NOT_RUN), "not_run"), "rank name: GRADE_NOT_RUN is not_run");
	for (size_t i = 0; i < sizeof st / sizeof *st; i++) {
		const char *v = grade_run_verdict(st[i][0]);

		ok(v && !strcmp(v, st[i][1]), "run status %s is verdict %s (got %s)", st[i][0], st[i][1],
		   v ? v : "NULL");
	}
	ok(!grade_run_verdict("ok"), "run status ok: no verdict of its own (the comparison decides)");
	ok(!grade_run_verdict("internal_error") && !grade_run_verdict("") && !grade_run_verdict("OK"),
	   "run status internal_error, \"\", OK: no verdict (the judge makes them judge_error)");
}

/* ---- a problem: data/ { sample, secret { n tests } } ---- */

static int sec;

/* data/, a sample group of one test, secret with n tests directly. */
static void p_secret(unsigned n)
{
	p_new();
	int data = g_add("", -1), smp = g_add("sample", data);

	sec = g_add("secret", data);
	t_add(smp, 1, NULL);
	t_add(sec, n, NULL);
	p_done();
}

/* One assertion: secret's verdict, mode m, for results of its n tests
 * (the sample accepted). */
static void mode(desc_vmode m, bool any, bool brk, const char *tests, const char *want, const char *what)
{
	char w[256];
	unsigned n = 1;

	for (const char *p = tests; *p; p++)
		n += *p == ' ';
	p_secret(n);
	G[sec].verdict_mode = m, G[sec].accept_if_any_accepted = any, G[sec].on_reject_break = brk;
	snprintf(w, sizeof w, "AC %s", tests);
	grade(w);
	if (!ok(!strcmp(verdict(sec), want), "%s", what))
		diag("[%s]: got %s, want %s", tests, verdict(sec), want);
}

static void test_modes(void)
{
	static const char *const ab[] = { "JE", "SV", "RTE", "MLE", "TLE", "OLE", "WA", "PE" };
	const desc_vmode W = DESC_WORST_ERROR, F = DESC_FIRST_ERROR, A = DESC_ALWAYS_ACCEPT;
	char t[32], what[160];

	mode(W, false, false, "AC AC AC", "accepted", "worst_error: every test accepted: accepted");
	for (int i = 0; i < 7; i++) {
		snprintf(t, sizeof t, "AC %s %s", ab[i + 1], ab[i]);
		snprintf(what, sizeof what, "worst_error: %s ranks before %s (it comes second)", ab[i],
			 ab[i + 1]);
		mode(W, false, false, t, grade_rank_name(i + 1), what);
	}
	mode(W, false, false, "WA TLE AC RTE PE", "runtime_error",
	     "worst_error: the worst of WA TLE AC RTE PE is RTE");
	mode(W, false, false, "SV RTE", "security_violation",
	     "worst_error: security_violation with RTE: the violation is the verdict");
	mode(W, false, false, "RTE SV", "security_violation",
	     "worst_error: security_violation with RTE: the violation, also when second");
	mode(F, false, false, "AC WA TLE JE", "wrong_answer", "first_error: the first rejection (WA), not the worst");
	mode(F, false, false, "AC AC", "accepted", "first_error: every test accepted: accepted");
	mode(A, false, false, "WA TLE", "accepted", "always_accept: accepted though every test failed");
	mode(W, true, false, "WA AC TLE", "accepted", "accept_if_any_accepted: one accepted test is enough");
	mode(W, true, false, "WA TLE", "time_limit", "accept_if_any_accepted, none accepted: worst_error's verdict");
	mode(F, true, false, "WA TLE", "wrong_answer", "accept_if_any_accepted, none accepted: first_error's verdict");
	mode(W, true, true, "WA AC", "wrong_answer",
	     "accept_if_any_accepted with on_reject break: an acceptance after the first rejection does not count");
	mode(W, false, true, "AC WA RTE", "wrong_answer",
	     "on_reject break: the verdict is the first rejection's (the RTE after it does not count)");
	mode(W, false, false, "AC WA RTE", "runtime_error",
	     "on_reject continue: every sub-result counts (RTE)");
	mode(W, false, false, "AC - -", "accepted",
	     "worst_error: tests that did not run have no verdict (the rest accepted)");
	mode(W, false, false, "- - -", "not_run", "a group of which nothing ran is not_run");
	mode(A, false, false, "- -", "not_run", "always_accept: still not_run if nothing ran");
}

/* ---- scores: aggregation, range, on_reject, accept/reject score ---- */

/* secret's score, aggregation a, on_reject brk, for test results. */
static double agg(desc_agg a, bool brk, const char *tests)
{
	char w[256];
	unsigned n = 1;

	for (const char *p = tests; *p; p++)
		n += *p == ' ';
	p_secret(n);
	G[sec].aggregation = a, G[sec].on_reject_break = brk;
	snprintf(w, sizeof w, "AC %s", tests);
	grade(w);
	return GG[sec].score;
}

static void test_scores(void)
{
	const char *sc = "AC=10 AC=20 AC=40";
	double v;

	ok(near(agg(DESC_SUM, false, sc), 70), "aggregation sum: 10 + 20 + 40 = 70");
	ok(near(agg(DESC_AVG, false, sc), 70.0 / 3), "aggregation avg: (10 + 20 + 40) / 3");
	ok(near(agg(DESC_MIN, false, sc), 10), "aggregation min: 10");
	ok(near(agg(DESC_MAX, false, sc), 40), "aggregation max: 40");
	ok(near(agg(DESC_AVG, false, "AC WA AC"), 2.0 / 3), "avg counts a rejected test's score (0): 2/3");
	ok(near(agg(DESC_MIN, false, "AC=5 WA AC=7"), 0), "min with a rejected test: its reject_score, 0");
	ok(near(agg(DESC_SUM, true, "AC WA AC"), 1), "on_reject break, sum: the accepted test after WA does not count");
	ok(near(agg(DESC_SUM, false, "AC WA AC"), 2), "on_reject continue, sum: it does");
	ok(near(agg(DESC_AVG, true, "AC WA AC AC"), 0.5),
	   "on_reject break, avg: the average of the sub-results up to the rejection (1 + 0) / 2");
	ok(near(agg(DESC_MAX, true, "AC=1 WA AC=5"), 1), "on_reject break, max: 5 after the rejection does not count");
	ok(near(agg(DESC_SUM, true, "WA=0.25 AC=1"), 0.25),
	   "on_reject break: the rejected sub-result itself counts (a partial score 0.25)");

	p_secret(3);
	G[sec].accept_score = 5, G[sec].reject_score = -1;
	ok(near(grade_test_score(&D, 1, true), 5) && near(grade_test_score(&D, 2, false), -1),
	   "grade_test_score: the group's accept_score if accepted, else its reject_score");
	ok(near(grade_test_score(&D, 0, true), 1), "grade_test_score: a sample test, its own group's (default 1)");
	v = grade("AC AC WA AC");
	is(sec, "wrong_answer", 9, "accept_score 5, reject_score -1: AC WA AC sums to 9");
	ok(near(v, 9), "data/'s score is secret's 9 (the sample does not count)");
	v = grade("AC - - -");
	is(sec, "not_run", -3, "tests that did not run count as rejected: 3 x reject_score -1");
	v = grade("AC AC=2.5 - AC");
	is(sec, "accepted", 6.5, "a test's own score (2.5 from the validator) replaces accept_score");
	v = grade("AC AC AC=nan AC");
	is(sec, "accepted", 9, "a score of NAN counts as the group's reject_score (-1), even accepted");

	p_secret(3);
	G[sec].range_min = 0, G[sec].range_max = 50;
	grade("AC AC=30 AC=30 AC=30");
	is(sec, "accepted", 50, "range 0 50: a sum of 90 is cut to 50");
	grade("AC AC=10 AC=20 WA");
	is(sec, "wrong_answer", 30, "range 0 50: a sum of 30 is kept");
	G[sec].reject_score = -10;
	grade("AC WA WA AC=5");
	is(sec, "wrong_answer", 0, "range 0 50: a sum of -15 is cut to 0");
	G[sec].range_min = 1, G[sec].range_max = 1;
	grade("AC AC=7 AC=7 AC=7");
	ok(near(GG[sec].score, 1), "range 1 1: any score is 1");
}

/* ---- a problem as package authors write it ----
 * data/ { sample: 2 tests; secret { group1: 3 tests, 30 points;
 * group2: 4 tests, 70 points } }, each subtask all-or-nothing: min
 * aggregation of tests worth the subtask's points (legacy accept_score),
 * on_reject break as legacy's default. */

static int data_, smp_, sec_, g1_, g2_;

static void p_subtasks(void)
{
	p_new();
	data_ = g_add("", -1);
	smp_ = g_add("sample", data_);
	sec_ = g_add("secret", data_);
	g1_ = g_add("secret/group1", sec_);
	g2_ = g_add("secret/group2", sec_);
	t_add(smp_, 2, NULL);
	t_add(g1_, 3, NULL);
	t_add(g2_, 4, NULL);
	p_done();
	for (int g = 0; g < 5; g++)
		G[g].on_reject_break = true;
	G[g1_].aggregation = G[g2_].aggregation = DESC_MIN;
	G[g1_].accept_score = 30, G[g2_].accept_score = 70;
}

static void test_subtasks(void)
{
	double v;

	p_subtasks();
	ok(G[sec_].first_test == 2 && G[sec_].ntests == 7 && G[g2_].first_test == 5 && G[g2_].ntests == 4,
	   "the test problem: secret holds tests 2..8, group2 tests 5..8");
	v = grade("AC AC  AC AC AC  AC AC AC AC");
	ok(near(v, 100) && !strcmp(verdict(data_), "accepted"), "subtasks: all accepted: 100, accepted");
	is(g1_, "accepted", 30, "subtasks: group1 alone scores 30");
	is(g2_, "accepted", 70, "subtasks: group2 alone scores 70");
	is(smp_, "-", 0, "the sample group is not graded: rank -1, score 0");
	v = grade("AC AC  AC AC AC  AC AC WA AC");
	ok(near(v, 30), "subtasks: one WA in group2 leaves 30 (min: the subtask is lost)");
	is(g2_, "wrong_answer", 0, "subtasks: group2 wrong_answer, 0");
	is(sec_, "wrong_answer", 30, "subtasks: secret sums its subgroups: 30, its verdict group2's");
	ok(!strcmp(verdict(data_), "wrong_answer"), "subtasks: data/'s verdict is wrong_answer");
	v = grade("WA TLE  AC AC AC  AC AC AC AC");
	ok(near(v, 100) && !strcmp(verdict(data_), "accepted"),
	   "samples never count: failed samples, all secret accepted: 100, accepted");
	v = grade("AC AC  AC RTE AC  AC AC AC AC");
	is(sec_, "runtime_error", 0,
	   "secret breaks on group1's rejection: group2's 70 does not count, though accepted");
	ok(near(v, 0) && !strcmp(verdict(data_), "runtime_error"), "data/ follows: 0, runtime_error");
	G[sec_].on_reject_break = G[data_].on_reject_break = false;
	v = grade("AC AC  AC RTE AC  AC AC AC AC");
	ok(near(v, 70), "secret with on_reject continue: group1 lost, group2's 70 counts");
	v = grade("AC AC  AC RTE -  AC AC AC AC");
	ok(near(v, 70) && GG[g1_].rank == grade_rank("runtime_error"),
	   "a skipped test after group1's rejection changes nothing: 70, group1 runtime_error");
	v = grade("AC AC  - - -  - - - -");
	ok(GG[data_].rank == GRADE_NOT_RUN && GG[g1_].rank == GRADE_NOT_RUN && near(v, 0),
	   "only samples ran: data/, secret, groups not_run, score 0");
	v = grade("AC AC  AC AC AC  - - - -");
	ok(!strcmp(verdict(g2_), "not_run") && !strcmp(verdict(sec_), "accepted") && near(v, 30),
	   "a group of which nothing ran is not_run, and the others decide their parent's verdict");
}

/* 2023-07 draft scoring in the grader's terms (desc.c s_score_v2): secret
 * (sum, max_score 100) with group1, sum of 4 tests worth 30 (7.5 each,
 * cap 30), and group2 pass-fail worth 70 (min of tests worth 70); on_reject
 * continue for sum and min. */
static void test_v2(void)
{
	double v;

	p_subtasks();
	for (int g = 0; g < 5; g++)
		G[g].on_reject_break = false;
	G[g1_].aggregation = DESC_SUM, G[g1_].accept_score = 7.5, G[g1_].range_max = 30;
	G[g2_].aggregation = DESC_MIN, G[g2_].accept_score = 70, G[g2_].range_max = 70;
	G[sec_].range_max = 100;
	T[5].group = (uint64_t)g1_;	/* group1: tests 2..5 */
	p_done();
	v = grade("AC AC  AC AC WA AC  AC AC AC");
	is(g1_, "wrong_answer", 22.5, "2023-07 sum group: 3 of 4 tests at 30/4 each: 22.5");
	ok(near(v, 92.5), "2023-07: 22.5 + pass-fail group2's 70 = 92.5");
	v = grade("AC AC  AC AC AC AC=9  AC AC AC");
	is(g1_, "accepted", 30, "2023-07: a sum group is capped at its max_score (7.5 * 3 + 9 cut to 30)");
	v = grade("AC AC  AC AC AC AC  AC WA AC");
	ok(near(v, 30), "2023-07 pass-fail group: one rejection scores 0");
}

/* Deeper nesting, tests and subgroups mixed in judging order. */
static void test_nested(void)
{
	p_new();
	int data = g_add("", -1), s = g_add("secret", data), a = g_add("secret/a", s);
	int b = g_add("secret/a/b", a), c = g_add("secret/c", s);

	t_add(s, 1, NULL);	/* secret/01 */
	t_add(a, 1, NULL);	/* secret/a/01 */
	t_add(b, 2, NULL);	/* secret/a/b/01, 02 */
	t_add(a, 1, NULL);	/* secret/a/z */
	t_add(c, 1, NULL);
	t_add(s, 1, NULL);	/* secret/zz */
	p_done();
	G[b].aggregation = DESC_MAX;
	G[a].aggregation = DESC_AVG;
	grade("AC=1 AC=2 AC=3 AC=9 AC=4 AC=5 AC=6");
	is(b, "accepted", 9, "nested: secret/a/b, max of 3 and 9");
	is(a, "accepted", 5, "nested: secret/a averages its test, subgroup b and its test: (2 + 9 + 4) / 3");
	is(s, "accepted", 17, "nested: secret sums 1 + a's 5 + c's 5 + 6 = 17 in judging order");
	G[s].on_reject_break = true;
	grade("AC=1 AC=2 WA=0 AC=9 AC=4 AC=5 AC=6");
	is(b, "wrong_answer", 9, "nested: b (continue) rejected with its max 9");
	is(a, "wrong_answer", 5, "nested: a carries b's verdict up");
	is(s, "wrong_answer", 6, "nested: secret breaks at a: 1 + 5; c and zz do not count");
	ok(GG[c].rank == -1 && GG[c].score == 0, "nested: c, after secret broke, is not graded (rank -1, score 0)");
}

/* ---- after a rejection: where judging goes on ---- */

static void test_after(void)
{
	unsigned i;

	p_subtasks();	/* every group breaks */
	ok(grade_after_reject(&D, 0) == 1 && grade_after_reject(&D, 1) == 2,
	   "after_reject: a rejected sample never stops anything (next: the next test)");
	ok(grade_after_reject(&D, 3) == D.ntests,
	   "after_reject: group1, secret and data/ all break: nothing more to judge");
	G[data_].on_reject_break = false;
	ok(grade_after_reject(&D, 3) == D.ntests, "after_reject: ... secret's end is the end");
	G[sec_].on_reject_break = false;
	ok(grade_after_reject(&D, 2) == 5, "after_reject: secret continues: on at group2's first test (5)");
	ok(grade_after_reject(&D, 4) == 5, "after_reject: group1's last test: on at 5");
	ok(grade_after_reject(&D, 8) == 9, "after_reject: group2's last test: 9, the end");
	G[g1_].on_reject_break = false;
	G[sec_].on_reject_break = true;
	ok(grade_after_reject(&D, 2) == 3,
	   "after_reject: a continuing group stops nothing, even in a breaking parent");

	p_new();
	t_add(0, 3, NULL);
	D.scoring = false;
	ok(grade_after_reject(&D, 1) == 2 && near(grade_test_score(&D, 1, true), 0) &&
	   near(grade_groups(&D, R, GG), 0),
	   "no groups: after_reject i + 1, test score 0, grade_groups 0");

	/* Judging skips what grading would not count, and no more: the score
	 * of mode first_failure is the score of mode all (PROTOCOL.md 14.4). A
	 * breaking secret with group1 (always_accept, break) and group2: group1
	 * is accepted whatever its tests do, so secret does not break there. */
	p_subtasks();
	G[g1_].verdict_mode = DESC_ALWAYS_ACCEPT;
	G[g1_].aggregation = DESC_SUM, G[g1_].accept_score = 10;
	double all = grade("AC AC  AC WA AC  AC AC AC AC");
	i = grade_after_reject(&D, 3);
	char skipped[64] = "AC AC  AC WA";
	for (unsigned k = 4; k < D.ntests; k++)
		strcat(skipped, k < i ? " -" : " AC");
	double ff = grade(skipped);
	ok(near(all, 80), "always_accept group1 (10 + WA) in breaking secret: secret goes on to group2: 80");
	if (!ok(i == 5 && near(ff, all), "after_reject skips only what grading does not count: "
		"on at 5, and the score of first_failure is mode all's"))
		diag("after_reject(3) = %u; score with the skipped tests: %g, mode all's: %g", i, ff, all);
}

/* ---- requirement coverage ---- */

static void test_reqs(void)
{
	static grade_reqs r;
	static char id64[65], ids[3][800];

	p_new();
	int data = g_add("", -1), s = g_add("secret", data);
	t_add(s, 1, "r1 r2");
	t_add(s, 1, " r2 r3 r2 ");	/* as desc_write joins test's and group's */
	t_add(s, 1, NULL);
	t_add(s, 1, "r4");
	p_done();
	res("AC AC WA AC");
	grade_requirements(&D, R, &r);
	ok(r.n == 4 && r.covered == 4 && !strcmp(r.ids[0], "r1") && !strcmp(r.ids[1], "r2") &&
	   !strcmp(r.ids[2], "r3") && !strcmp(r.ids[3], "r4"),
	   "requirements: ids in order of first appearance, each once; a test without ids "
	   "(rejected) uncovers nothing");
	res("AC WA AC AC");
	grade_requirements(&D, R, &r);
	ok(r.n == 4 && r.covered == 2 && r.ok[0] && !r.ok[1] && !r.ok[2] && r.ok[3],
	   "requirements: a rejected test uncovers every id it carries (r2, r3), though another test "
	   "carrying r2 was accepted");
	res("AC AC AC -");
	grade_requirements(&D, R, &r);
	ok(r.covered == 3 && !r.ok[3], "requirements: a test that did not run leaves its id (r4) uncovered");
	res("AC AC TLE AC");
	r.n = 99, r.covered = 99;
	grade_requirements(&D, R, &r);
	ok(r.n == 4 && r.covered == 4, "requirements: counts start from zero on each call");

	memset(id64, 'q', 64), id64[64] = '\0';
	p_new();
	data = g_add("", -1), s = g_add("secret", data);
	t_add(s, 1, id64);
	t_add(s, 1, "short");
	p_done();
	res("AC AC");
	grade_requirements(&D, R, &r);
	ok(r.n == 2 && r.covered == 2, "%s",
	     "requirements: a 64-byte id (problem.h allows 1 to 64 bytes) is counted");

	p_new();
	data = g_add("", -1), s = g_add("secret", data);
	for (int k = 0; k < 3; k++) {
		char *p = ids[k];

		for (int j = 100 * k; j < 100 * k + 100; j++)
			p += sprintf(p, "%s%d", j > 100 * k ? " " : "", j);
		t_add(s, 1, ids[k]);
	}
	p_done();
	res("AC AC WA");
	grade_requirements(&D, R, &r);
	ok(r.n == GRADE_MAX_REQS && r.covered == 200 && !strcmp(r.ids[255], "255"),
	   "requirements: at most GRADE_MAX_REQS (256) ids, the first ones (got %u, %u covered)", r.n,
	   r.covered);
}

int main(void)
{
	plan(PLAN);
	test_ranks();
	test_modes();
	test_scores();
	test_subtasks();
	test_v2();
	test_nested();
	test_after();
	test_reqs();
	if (tap_n != PLAN)
		diag("planned %d, ran %d", PLAN, tap_n);
	return done();
}
