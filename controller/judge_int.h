/* judge_int.h: a job in a box, shared by the judge's files. Calls go one
 * way, down this list: judge.c (the API, the job's steps in order),
 * judge_end.c (a job's end), judge_check.c (the output validator,
 * interactions), judge_test.c (a run and its verdict). None calls up:
 * what a lower file cannot decide, it returns (a verdict, whether another
 * test follows), and what the loop must hear it says through the
 * callbacks the job holds (cbs).
 */
#ifndef JUDGEBOX_JUDGE_INT_H
#define JUDGEBOX_JUDGE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "../proto/mp.h"
#include "box.h"
#include "cache.h"
#include "compare.h"
#include "conf.h"
#include "desc.h"
#include "grade.h"
#include "judge.h"
#include "store.h"

typedef struct job job_t;

struct job {
	/* Handed down by judge.c: what every step uses. */
	const conf_t *c;
	store_t *st;
	cache_t *cache;
	const judge_cbs_t *cbs;
	boxes_t *pool;
	box_t *box;
	bool has_job, killed;
	jobspec_t js;
	const lang_t *lang;
	step_t comp, run;
	char *cout;			/* compile output, capped */
	size_t cout_len;
	uint64_t cout_bytes, cache_key, cache_entry;
	mp_doc spec;			/* {files, stdin, args, ...} */
	const msgpack_object *files, *args;	/* the spec's */
	/* A `test` job (PROTOCOL.md 14): its tests, run one by one from the
	 * one compile; the first failure's verdict and name. A submission
	 * (problem): its problem's description, whose tests are files. */
	bool has_tests, problem;
	desc_t desc;
	unsigned test_idx;
	bool all;
	grade_test *res;		/* submit: each test's result */
	compare_opts cmp;
	char verdict[24], first_fail[260], fail_status[32];
	int state;			/* the last state stored by the job */
	int (*next)(job_t *);		/* what follows a CLEAN_MID */
	/* The problem's output validator (PROTOCOL.md 14.4), when
	 * desc.has_validator: its language, its compile cache entry, and its
	 * step. */
	const lang_t *vlang;
	uint64_t vcache_key, vcache_entry;
	step_t chk;
	/* Interactive problems: the validator runs at the same time, in the
	 * box's peer; which of the two ended (1 program, 2 validator). */
	bool interactive;
	int ended, first;
	int gate[4];			/* the daemon's ends of the two pipes, or -1 */
	/* Multi-pass problems (desc.validator.passes): the current test's
	 * pass, from 1, whose input past the first is state_dir/io/N/nextpass.in;
	 * the largest figures of its passes so far. */
	unsigned pass;
	uint64_t max_cpu_us, max_wall_us, max_memory_kb;
};

/* ---- judge_test.c: a run and its verdict ---- */

/* A program into a clean box: its cached artifacts, or its sources. */
int jt_load_prog(job_t *j, box_t *b, const lang_t *l, const msgpack_object *files,
		 uint64_t entry);
/* The current test's input (ans false) or answer beneath the problem's
 * snapshot, opened; or -1. */
int jt_test_file(job_t *j, bool ans);
/* The current pass's input: the test's input, or past the first pass of
 * a multi-pass problem the validator's nextpass.in as the daemon kept it;
 * opened, or -1. */
int jt_pass_input(job_t *j);
/* A pass of the current test ran (j->run): its figures become the largest
 * of the test's passes so far. */
void jt_pass_figures(job_t *j);
/* Start the run step (the program loaded): 0, or -1; or 1 if the test's
 * input cannot be opened (j->run says why): the test is judged unrun. */
int jt_start_run(job_t *j);
/* A run's stdout or stderr that reached fsize_kb: file_limit (s). */
void jt_file_limit(job_t *j, step_t *s);
/* The current test's verdict from its run and the built-in comparison;
 * a message for the judge in msg. */
const char *jt_verdict(job_t *j, char *msg, size_t size);
/* Store the current test's result (in the open transaction): true if it
 * is to be published. */
bool jt_store_result(job_t *j, const char *v, const char *msg);
/* Account for the current test's verdict v (score: the validator's, or
 * NAN for its group's) and move to the next test: true if it is to run,
 * false if judging is over. */
bool jt_advance(job_t *j, const char *v, double score);

/* ---- judge_check.c: the output validator and interactions ---- */

/* Run the validator on the current test's output, in the cleaned box. */
int jc_start_check(job_t *j);
/* The validator's verdict from j->chk and the files it left in box in
 * (j's box, or its peer), its message in msg, its score (NAN if none). */
const char *jc_check_verdict(job_t *j, box_t *in, char *msg, size_t size,
			     double *score);
/* Multi-pass problems, after the validator of a pass ended in box in with
 * verdict *v (and message msg): 1 if another pass follows (its input and
 * the feedback directory are kept in the daemon's io directory), 0 if the
 * test is judged (*v, msg: judge_error when the validator's nextpass.in
 * breaks the rules), -1 if the daemon failed. */
int jc_next_pass(job_t *j, box_t *in, const char **v, char *msg, size_t size);
/* Start the program and the validator, joined by pipes. 0 or -1. */
int jc_start_interact(job_t *j);
/* Side 1 (program) or 2 (validator) of an interaction ended: true if
 * both have, and the test is to be judged (jc_interacted). */
bool jc_side_ended(job_t *j, int side);
/* The interaction's verdict, message and score. */
const char *jc_interacted(job_t *j, char *msg, size_t size, double *score);
/* Close the daemon's ends of the interaction's pipes. */
void jc_gate_drop(job_t *j);

/* ---- judge_end.c: the end of a job in its box ---- */

/* The job is over in this box: store what happened (S_QUEUED: back in
 * the queue, or failed past max_attempts), publish, then clean. */
void je_finish(job_t *j, int state, const char *status, const char *message);
/* A helper step failed: the job goes back to the queue. */
void je_helper_failed(job_t *j, const char *what, const step_t *s);
/* Free what the job held; the box no longer holds it. */
void je_release(job_t *j);

#endif
