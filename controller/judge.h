/* judge.h: judging, from a job's start in a box to its verdict (judge.c
 * and the judge_*.c below it): the job's steps (the problem's output
 * validator compiled, the program compiled or found in the compile cache,
 * run on its stdin or on each test, its output compared or checked, or
 * its interaction with the validator), the verdicts, the results stored,
 * the grading of a problem's groups. The loop (judgeboxd.c) owns one
 * judge_t and hears from it through the callbacks given to judge_new.
 *
 * Every change to the store happens in the loop turn's transaction (the
 * judge opens it with store_begin, a no-op if it is open); the callbacks
 * are made in that transaction, before its commit.
 */
#ifndef JUDGEBOX_JUDGE_H
#define JUDGEBOX_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "store.h"

typedef struct judge judge_t;

typedef struct judge_cbs {
	void *arg;
	/* Job id's state changed in the open transaction, to state (the one
	 * the judge set: the store holds it unless the job ended already). */
	void (*state_changed)(void *arg, uint64_t id, int state);
	/* Test idx of job id's total ended; its result is stored. */
	void (*test_event)(void *arg, uint64_t id, unsigned idx, unsigned total);
	/* Job id (of user) left its box. retry_ms >= 0: it is queued again
	 * (an internal failure), to start no sooner than retry_ms from now. */
	void (*left)(void *arg, uint64_t id, const char *user, int64_t retry_ms);
	/* Live output (a run with `stream: true`): piece chunk (1, 2, ...
	 * over both streams) of job id's stream ("stdout" or "stderr"), n
	 * bytes at p; last: the stream's cap is reached, nothing more of it
	 * follows. Made in order, all before the job's end. May be NULL. */
	void (*output)(void *arg, uint64_t id, const char *stream, uint64_t chunk,
		       const void *p, size_t n, bool last);
} judge_cbs_t;

/* The judge and its pool of c->boxes boxes, each set up and cleaned
 * (box.h); c and st are borrowed, *cbs is copied. NULL (logged) on
 * failure. */
judge_t *judge_new(const conf_t *c, store_t *st, const judge_cbs_t *cbs);
/* Kill every child and wait (used on exit after a drain); free; safe twice. */
void judge_destroy(judge_t **p);
/* Start job js in a free box (takes js); -1 if none is free. */
int judge_start(judge_t *self, jobspec_t *js);
/* Kill the box running job id (cancel or drain; the caller has already
 * stored the job's new state); true if there was one. */
bool judge_kill(judge_t *self, uint64_t id);
/* Drain ran out: every boxed job goes back to queued, its box is killed. */
void judge_requeue_all(judge_t *self);
/* Poll items for the boxes' pidfds and the runs' output pipes (at most
 * judge_total() x 4); and handle the one that fired. */
size_t judge_pollfds(judge_t *self, int *fds, size_t max);
void judge_ready(judge_t *self, int fd);
int judge_free_count(const judge_t *self);
int judge_active_count(const judge_t *self);	/* boxes with a child (not idle, not broken) */
int judge_jobs_count(const judge_t *self);	/* boxes with a job (not only cleaning) */
int judge_total(const judge_t *self);
/* Whether job id is in a box. */
bool judge_has(const judge_t *self, uint64_t id);
/* The loop's turn ended: its commit succeeded, or not (then a job that
 * stored a test result in it has lost it: its attempt is done again, and
 * each job's state is stored again at its next change). */
void judge_turn_end(judge_t *self, bool committed);

#endif
