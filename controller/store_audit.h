/* store_audit.h: the store's audit records (store_audit.c): the security
 * violations the jail reported, the users flagged for them, the failure
 * traces; and the reads the metrics need (a finished job's facts, a
 * period's language mix). Its SQL stays in the store layer, beside
 * store.c's (store.h: "no SQL outside the store"), so that a second
 * backend (DESIGN.md, "Beyond one machine") reimplements this file too.
 *
 * Writes happen in the loop turn's transaction (store_begin); reads by
 * primary key or index only, except audit_period (an admin's request).
 */
#ifndef JUDGEBOX_STORE_AUDIT_H
#define JUDGEBOX_STORE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "../proto/mp.h"
#include "conf.h"
#include "store.h"

/* A job's facts, as the metrics and the violation log need them. */
typedef struct audit_job {
	uint64_t id, attempt;
	int state;
	char kind[17], user[NAME_MAX_LEN + 1], lang[33];
	char status[33], verdict[33];		/* "" if none */
	int64_t created_at, started_at, finished_at;	/* 0 if none */
	bool compiled;				/* a compile step ran */
	bool ran;				/* the run step's figures are kept */
	uint64_t c_wall_us, wall_us;
	char syscall[64], args[160];		/* the run step's violation, or "" */
	char message[256];
} audit_job_t;

/* Job id's facts: 0, or -1 if it is not there. */
int audit_job(store_t *st, uint64_t id, audit_job_t *j);
/* Each stored test of job, in order: its index, wall time and violation
 * (syscall NULL if none). 0 or -1. */
typedef void (*audit_test_fn)(void *arg, unsigned idx, uint64_t wall_us,
			      const char *syscall, const char *args);
int audit_tests(store_t *st, uint64_t job, audit_test_fn fn, void *arg);

/* One violation (test -1: a run's single step). */
typedef struct audit_viol {
	int64_t at;
	uint64_t job;
	int test;
	const char *user, *lang, *policy, *syscall, *args;
} audit_viol_t;
/* 1 recorded, 0 already there (the same job and test), -1 error. */
int audit_viol_add(store_t *st, const audit_viol_t *v);
/* user's violations at or after since; -1 on error. */
int64_t audit_viol_count(store_t *st, const char *user, int64_t since);

/* The violations listing (the `violations` operation): filters, the
 * page size, a cursor (the id to continue below; 0: the newest). Writes
 * the array; returns the count, *last (the last id) and *more. */
typedef struct audit_q {
	const char *user;		/* NULL: every user */
	int64_t since, until;		/* ms; 0: unbounded */
	uint64_t before;
	unsigned limit;
} audit_q;
int audit_viol_list(store_t *st, mp_w *w, const audit_q *q, uint64_t *last, bool *more);

/* Flags: a user is flagged (active) until an admin clears the flag;
 * blocked: the action was `block`. */
typedef struct audit_flag {
	bool active, blocked;
	int64_t at, cleared_at;		/* cleared_at 0: never */
} audit_flag_t;
/* user's flag: 1 with *f, 0 if the user never was flagged, -1 error. */
int audit_flag_get(store_t *st, const char *user, audit_flag_t *f);
int audit_flag_set(store_t *st, const char *user, int64_t at, uint64_t count,
		   bool blocked);
/* 1 cleared, 0 if user had no active flag, -1 error. */
int audit_flag_clear(store_t *st, const char *user, const char *by, int64_t at);
/* The active flags as an array of maps; returns the count or -1. */
int audit_flags_write(store_t *st, mp_w *w);
int64_t audit_flags_count(store_t *st);		/* active; -1 error */

/* A failure trace: an attempt that ended in an internal error. */
int audit_trace_add(store_t *st, const audit_job_t *j, const char *what, int64_t at);

/* Retention: violations older than viol_days, traces older than
 * trace_days, at now (ms; a parameter so that tests set the clock).
 * Returns the rows deleted, or -1. */
int64_t audit_prune(store_t *st, int64_t now, uint64_t viol_days, uint64_t trace_days);

/* The jobs that ended at or after since, by language: a map per
 * language {lang, jobs, succeeded} (the most used first); *jobs and *ok
 * the totals. Returns the count of languages, or -1. */
int audit_period(store_t *st, mp_w *w, int64_t since, uint64_t *jobs, uint64_t *ok);

/* The store's failed statements, begins and commits since it opened. */
uint64_t audit_store_errors(const store_t *st);

#endif
