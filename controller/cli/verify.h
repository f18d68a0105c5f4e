/* verify.h: what verify.c, judging a package's submissions, hands to
 * verify_report.c, which says which got what they should.
 */
#ifndef JUDGEBOX_CLI_VERIFY_H
#define JUDGEBOX_CLI_VERIFY_H

#include "cli.h"

/* What a directory of submissions/ expects (judgebox(1), problem verify):
 * one verdict, or a looser kind. Legacy and 2023-07 names, and ours. */
enum { X_VERDICT, X_PARTIAL, X_REJECTED, X_ANY };
/* The two directories judged apart: accepted/ (it derives a time limit the
 * package does not give, and must pass) and time_limit_exceeded/ (judged
 * at the limit times time_safety_margin). */
enum { R_OTHER, R_ACCEPTED, R_TLE };
typedef struct {
	const char *dir, *shown;	/* shown: the verdict, for X_VERDICT */
	int kind, role;
	const char *also;		/* X_VERDICT: another verdict it takes, or NULL */
} expect_t;

/* DOMjudge's @EXPECTED_RESULTS@: list: at most this many verdicts. */
#define VF_ALLOWED 8

/* One submission: a file, or a directory of files, under submissions/. */
typedef struct {
	char name[300];			/* EXPECTED/NAME, as shown */
	const expect_t *x;
	char expect[160];		/* what it expects, as shown */
	char allowed[VF_ALLOWED][24];	/* @EXPECTED_RESULTS@: (wins over x) */
	int nallowed;
	char **files;			/* its files: one, or its directory's */
	int nfiles;
	lang_t lang;
	char skip[300];			/* why it was not judged; "" if it was */
	uint64_t id, limit_ms;		/* its job, and the time limit it was sent */
	in_t in;			/* the ended job's reply */
	const msgpack_object *job;
	char verdict[32];		/* at the time limit */
	char got[300], first[TEST_SHOW_MAX + 1], warn[300];
	uint64_t max_cpu;
	double score;
	bool ran, scored, tle_short, mismatch;	/* ran: a test ran */
} vsub_t;

/* A package being verified. */
typedef struct {
	char *dir;			/* the package, absolute */
	char id[65];
	vsub_t *subs;
	int n, cap;
	in_t pin;			/* the problem_import reply */
	const msgpack_object *problem;
	bool scoring;
	uint64_t limit, high, ceiling;	/* ms: the limit, its TLE check, the daemon's */
	double mult, margin;
	char from[32];			/* problem.yaml, .timelimit, default, derived */
	uint64_t slowest;		/* derived: the slowest accepted run, ms */
	int64_t start;
} verify_t;

/* verify_report.c (verify.c calls it; it calls nothing of verify.c) */
uint64_t vf_max_cpu(const msgpack_object *r);
int vf_judge(verify_t *v);
void vf_table(const verify_t *v, int mismatches);
void vf_json(const verify_t *v, int mismatches);

#endif
