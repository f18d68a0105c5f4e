/* store.h: the SQLite store, the daemon's only record of jobs, problems and
 * the compile cache's index (store.c), and the wire rendering of what it
 * holds (render.c).
 *
 * The loop owns one store_t and hands it down. Every change happens inside
 * the turn's transaction (store_begin; a no-op while one is open); nothing
 * is replied or published before store_commit returns 0.
 *
 * The interface is narrow on purpose (DESIGN.md, "Beyond one machine"):
 * rows in and out by id, no SQL outside store.c and render.c.
 */
#ifndef JUDGEBOX_STORE_H
#define JUDGEBOX_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../proto/mp.h"
#include "conf.h"

typedef struct store store_t;

/* What the helper reported for one step. */
typedef struct step {
	char status[32], syscall[64], args[160], message[256];
	uint64_t exit_code, signal, cpu_us, wall_us, memory_kb;
	uint64_t out_bytes, err_bytes;
	char *out, *err;		/* heap, capped copies */
	size_t out_len, err_len;
	bool ran;
} step_t;

/* The parts of a job a box needs; loaded from the store when it starts. */
typedef struct jobspec {
	uint64_t id, attempt;
	char user[NAME_MAX_LEN + 1], lang[33];
	limits_t lim;
	char *spec;			/* msgpack: {files, stdin, args, ...} */
	size_t spec_len;
} jobspec_t;

store_t *store_new(const conf_t *c);
void store_destroy(store_t **p);
int store_begin(store_t *self);		/* no-op if a transaction is open */
int store_commit(store_t *self);	/* -1: rolled back, nothing of it kept */
void store_rollback(store_t *self);
bool store_in_txn(const store_t *self);
bool store_last_wrote(const store_t *self);	/* the last commit changed rows */
bool store_pending(const store_t *self);	/* the open transaction changed rows */
/* A statement of the open transaction failed: store_commit will refuse it. */
bool store_failed(const store_t *self);
int store_expire(store_t *self, int64_t before_ms);

/* An existing (user, idem): 1 with its id and whether its spec is the
 * same, 0 if none, -1 on error. */
int store_find_idem(store_t *self, const char *user, const char *idem,
		    const void *spec, size_t len, uint64_t *id, bool *same);
/* Insert a queued job; *id out. Returns 0, or 1 if (user, idem) exists:
 * then *id is that job and *same tells whether its spec matches. */
int store_insert(store_t *self, const char *kind, const char *user, const char *by,
		 const char *lang, const char *label, const char *idem,
		 const limits_t lim, const void *spec, size_t spec_len,
		 bool hidden, uint64_t *id, bool *same);
/* A state change: bumps seq, sets times; returns the new seq or 0. */
uint64_t store_set_state(store_t *self, uint64_t id, int state, bool new_attempt);
int store_set_result(store_t *self, uint64_t id, int state, const step_t *comp,
		     const step_t *run, const char *status, const char *message,
		     uint64_t comp_out_bytes, const char *comp_out,
		     size_t comp_out_len);
/* Job id as a box needs it, if it exists and has not ended: 0, or -1
 * (store_failed tells an error from a job that is not there). */
int store_load_spec(store_t *self, uint64_t id, jobspec_t *js);
void jobspec_free(jobspec_t *js);
int store_job_state(store_t *self, uint64_t id, int *state, char *user,
		    size_t usize, uint64_t *attempt);
/* Queued jobs in id order, and jobs a crash left in a box. */
typedef void (*store_job_cb)(void *arg, uint64_t id, const char *user,
			     int state, uint64_t attempt);
int store_each_active(store_t *self, store_job_cb cb, void *arg);
/* How many jobs are queued, and compiling or running, as stored. */
int store_count_active(store_t *self, uint64_t *queued, uint64_t *boxed);

/* Compile cache: the artifacts directory name for key, or create one. */
int store_cache_find(store_t *self, uint64_t key, const void *blob, size_t len,
		     uint64_t *entry);
void store_cache_drop(store_t *self, uint64_t entry);
int store_cache_add(store_t *self, uint64_t key, const void *blob, size_t len,
		    uint64_t *entry, uint64_t max_entries, uint64_t *evicted,
		    size_t *nevicted);

/* Judging (PROTOCOL.md 14): per-test results, each bumping the job's seq
 * (returned, 0 on error); the job's verdict. */
uint64_t store_test_result(store_t *self, uint64_t job, unsigned idx,
			   const char *name, const char *verdict,
			   const step_t *r, const char *message);
void store_tests_clear(store_t *self, uint64_t job);
/* The one requeue policy: a job whose attempt (1, 2, ...) did not finish
 * goes back to the queue for another, its test results cleared, unless it
 * has had max_attempts: then it is S_FAILED, and the caller stores why.
 * Returns S_QUEUED, S_FAILED, or -1. */
int store_requeue(store_t *self, uint64_t id, uint64_t attempt, uint64_t max_attempts);
int store_set_verdict(store_t *self, uint64_t job, const char *verdict,
		      const char *first, unsigned ntests);
int store_set_score(store_t *self, uint64_t job, double score);
int store_set_problem(store_t *self, uint64_t job, const char *problem);
/* A job's msgpack blob column: "requirements" or "groups". */
int store_set_blob(store_t *self, uint64_t job, const char *col,
		   const void *blob, size_t len);

int store_problem_put(store_t *self, const char *id, const char *name,
		      const void *desc, size_t len, const char *by);
char *store_problem_get(store_t *self, const char *id, size_t *len);
int store_problem_ids(store_t *self, const char *after, char (*ids)[65], int max);

/* ---- render.c: rows as the wire shows them ---- */
enum { JW_OUTPUT = 1, JW_SOURCE = 2, JW_SUMMARY = 4 };
int store_write_job(store_t *self, mp_w *w, uint64_t id, int flags);
int store_write_event(store_t *self, mp_w *w, uint64_t id, int *state);
/* files, an array of [name, content] (a spec's or a session's "files"), as
 * the wire shows them: [{name, content}...]; anything else as []. */
void render_files(mp_w *w, const msgpack_object *files);
int store_write_test_event(store_t *self, mp_w *w, uint64_t job, unsigned idx,
			   unsigned total);
/* list: filters and a cursor; writes the jobs array and returns count. */
typedef struct list_q {
	const char *user;	/* NULL: every user */
	int states[S_COUNT];
	int nstates;
	const char *kind, *lang, *label;
	uint64_t before;	/* 0: from the newest */
	unsigned limit;
} list_q;
int store_list(store_t *self, mp_w *w, const list_q *q, uint64_t *last_id,
	       bool *more);

#endif
