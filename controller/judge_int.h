/* judge_int.h: a job in a box, shared by the judge's files. Calls go one
 * way, down this list: judge.c (the API, the job's steps in order),
 * judge_end.c (a job's end), judge_check.c (the output validator,
 * interactions), judge_test.c (a run and its verdict), judge_out.c (a
 * run's output, drained from its pipes). None calls up:
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
	/* wrote: it stored a test result in the loop's open turn; lost: a
	 * turn it wrote in was not committed, so this attempt's results are
	 * incomplete and it is tried again (judge_turn_end). */
	bool wrote, lost;
	char why[300];			/* what the daemon failed at, for the message */
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
	/* The run's stdout and stderr (judge_out.c): the pipes' read ends
	 * (-1: at EOF, or none), the bytes written, the first okeepcap of
	 * each kept, the spool of stdout when judging; over: a stream passed
	 * fsize_kb and the step was killed. stream: publish it as it comes
	 * (ostreamed of each, ochunk numbering the pieces). The helper's
	 * record of a run whose pipes are not yet at EOF waits in prec. */
	int ofd[2], spool;
	uint64_t obytes[2], ostreamed[2], ochunk;
	char *okeep[2];
	size_t olen[2], okeepcap;
	int64_t ostart;
	bool over, ofail, stream, pending;
	int pcode;
	char prec[4096];
};

/* ---- judge_out.c: a run's output through pipes ---- */

#define JO_TEST_KEEP	4096	/* a test result's copy of its output */

/* The run's pipes (out: stdout too; else stderr only, an interaction's
 * stdout being the validator's), their write ends into w[0], w[1] (-1 if
 * none) for box_spawn, closed by the caller after it; stdout spooled when
 * judging. 0 or -1. */
int jo_open(job_t *j, bool out, int w[2]);
/* The read ends to poll; which stream fd is (0, 1) or -1. */
size_t jo_pollfds(const job_t *j, int *fds, size_t max);
int jo_which(const job_t *j, int fd);
/* Read what stream i holds now: 0; 1 if it has just passed fsize_kb
 * (j->over: the caller kills the step; what follows is dropped); -1 if
 * the spool failed. */
int jo_drain(job_t *j, int i);
/* Both pipes at EOF (or closed). */
bool jo_done(const job_t *j);
/* The output into s (its kept copies, taken; its byte counts); over the
 * limit, s's status becomes output_limit. */
void jo_take(job_t *j, step_t *s);
void jo_close(job_t *j);
void jo_free(job_t *j);

/* ---- judge_test.c: a run and its verdict ---- */

/* The daemon failed at what (a printf format), errno telling why: into
 * j->why, unless it already says something. Returns -1. */
int jt_why(job_t *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
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
/* A test's verdict from its run's status (grade_run_verdict's, and
 * output_limit: stdout or stderr passed fsize_kb); NULL if it ran to a
 * clean exit. */
const char *jt_run_verdict(const char *status);
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
/* A step failed, the helper's or the daemon's own (j->why, else s's
 * message): the job goes back to the queue after a backoff, or ends
 * failed past max_attempts. Never a verdict about the program. */
void je_helper_failed(job_t *j, const char *what, const step_t *s);

/* Free what the job held; the box no longer holds it. */
void je_release(job_t *j);

#endif
