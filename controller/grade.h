/* grade.h: grading, as pure functions of a problem's description (desc.h)
 * and the results of its tests (grade.c). No store, no box, no I/O: the
 * judge (judge*.c) stores what they return.
 *
 * The grader is the legacy default grader (PROTOCOL.md 14.4). A group's
 * sub-results are its tests and its subgroups, mixed, in judging order (a
 * group's tests are contiguous: its subtree). Samples never count. A test
 * that did not run counts as rejected (reject_score) and has no verdict.
 * With on_reject: break, the sub-results after the first rejected one do
 * not count. The verdict: worst_error (the first of the ranks below
 * present), first_error, or always_accept; with accept_if_any_accepted,
 * accepted if any sub-result is. The score: sum, avg, min or max of the
 * sub-results' scores, cut to the group's range.
 *
 * Every function takes a desc_t that desc_load() accepted (so a test's
 * group is below ngroups when there are groups, and a group's parent comes
 * before it) and, where it takes per-test results, an array of d->ntests.
 */
#ifndef JUDGEBOX_GRADE_H
#define JUDGEBOX_GRADE_H

#include <stdbool.h>

#include "desc.h"

/* Verdict ranks: worst_error's order (legacy spec: JE, IF, RTE, MLE, TLE,
 * OLE, WA); a security violation ranks with RTE, a presentation error
 * after WA. 0 is accepted. */
#define GRADE_NOT_RUN	99	/* a test, or a group, of which nothing ran */

/* A test's result. */
typedef struct grade_test {
	int rank;		/* grade_rank(its verdict), or GRADE_NOT_RUN */
	double score;		/* its score; NAN counts as its group's reject_score */
} grade_test;

/* A group's grade. */
typedef struct grade_group {
	int rank;		/* -1: not graded (a sample, or outside data/) */
	double score;
} grade_group;

/* The rank of verdict v ("accepted" 0, "judge_error" 1, ...
 * "presentation_error" 8); any other string ranks as judge_error, 1. */
int grade_rank(const char *v);
/* The verdict of rank r (grade_rank's inverse); "not_run" for
 * GRADE_NOT_RUN. r must be one of the two. */
const char *grade_rank_name(int r);

/* The verdict of a run from the helper's status (judgebox-helper(8),
 * PROTOCOL.md 14.1): cpu_limit and wall_limit time_limit, memory_limit,
 * file_limit output_limit, exit and signal runtime_error, violation
 * security_violation. NULL for any other status ("ok": the comparison or
 * the validator decides). */
const char *grade_run_verdict(const char *status);

/* The score of test i when judged without a score of its own: its group's
 * accept_score if accepted, else its reject_score; 0 if the problem has no
 * group for it. */
double grade_test_score(const desc_t *d, unsigned i, bool accepted);

/* After test i was rejected in a scoring problem: the index of the next
 * test to judge (d->ntests or more: none). Its group stops (on_reject:
 * break), and so does each enclosing group that breaks too, up to the
 * first that does not, or whose own verdict may be accepted all the same
 * (always_accept, accept_if_any_accepted: its parent goes on); samples
 * never stop anything: i + 1 then. What it skips, grading would not
 * count: first_failure's score is mode all's. */
unsigned grade_after_reject(const desc_t *d, unsigned i);

/* Grade every group of d from tests' results (d->ntests of them) into
 * groups (d->ngroups of them): data/ and each group graded on the way down
 * from it get their rank (GRADE_NOT_RUN if nothing in them ran) and score;
 * the others rank -1, score 0. Returns data/'s score; 0 if d has no
 * groups. */
double grade_groups(const desc_t *d, const grade_test *tests, grade_group *groups);

/* Requirement coverage (our extension, problem.h): an id is covered when
 * every test that carries it ran and was accepted (rank 0). Ids are
 * counted in order of first appearance, at most GRADE_MAX_REQS of them, of
 * fewer than 64 bytes each (longer ones are left out). */
#define GRADE_MAX_REQS	256
typedef struct grade_reqs {
	unsigned n, covered;		/* ids; covered ones */
	char ids[GRADE_MAX_REQS][65];	/* 1 to 64 bytes (problem.h) */
	bool ok[GRADE_MAX_REQS];	/* ids[k] is covered */
} grade_reqs;
void grade_requirements(const desc_t *d, const grade_test *tests, grade_reqs *r);

#endif
