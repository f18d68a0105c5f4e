/* ops.h: the operations of PROTOCOL.md section 7, one function each,
 * grouped by family: ops_run.c (run, test, submit), ops_jobs.c (get,
 * cancel, list, languages, health), ops_problems.c (problem_*). ops.c
 * decodes a frame and dispatches; the transport calls ops_handle.
 */
#ifndef JUDGEBOX_OPS_H
#define JUDGEBOX_OPS_H

#include <stddef.h>

#include "request.h"

/* One request's body (the last frame), from user r. Every path replies
 * exactly once, through r->out. */
void ops_handle(srv_t *s, const req_t *r, const void *body, size_t len);

void op_run(const ctx_t *c);
void op_test(const ctx_t *c);
void op_submit(const ctx_t *c);
void op_get(const ctx_t *c);
void op_cancel(const ctx_t *c);
void op_list(const ctx_t *c);
void op_languages(const ctx_t *c);
void op_health(const ctx_t *c);
void op_problem_import(const ctx_t *c);
void op_problem_get(const ctx_t *c);
void op_problem_list(const ctx_t *c);

/* Admins' view of the service (ops_admin.c, PROTOCOL.md 19): the
 * violation log, the flags, the metrics. */
void op_violations(const ctx_t *c);
void op_flags(const ctx_t *c);
void op_unflag(const ctx_t *c);
void op_metrics(const ctx_t *c);
/* ops_admin.c for run, test, submit: is user blocked? (replied forbidden) */
bool admin_forbidden(const ctx_t *c, const char *user);
/* ops_admin.c for the loop (judgeboxd.c): make and free s's violation log
 * and metrics (0, or -1 logged); a job's state changed (in the turn's
 * transaction); the timers (metrics file, retention) at the end of a turn,
 * and when the next is due (monotonic ms, 0: none). */
int admin_new(srv_t *s);
void admin_destroy(srv_t *s);
void admin_job_changed(srv_t *s, uint64_t id);
void admin_tick(srv_t *s);
int64_t admin_next(const srv_t *s);

/* Sessions (ops_sessions.c, PROTOCOL.md 18). */
void op_session_create(const ctx_t *c);
void op_session_update(const ctx_t *c);
void op_session_get(const ctx_t *c);
void op_session_list(const ctx_t *c);
void op_session_delete(const ctx_t *c);
void op_session_run(const ctx_t *c);
void op_session_history(const ctx_t *c);

/* A session's run (ops_run.c): files is the session's stored blob,
 * {"files": [[name, content], ...]}; the spec records session and version. */
typedef struct run_src {
	const void *files;
	size_t len;
	uint64_t session, version;
} run_src_t;
/* Check, store and queue a run of src's files with the request's stdin,
 * args, limits, idem and label: 0 a new job, 1 an idem retry (*id either
 * way), -1 replied. */
int ops_run_session(const ctx_t *c, const lang_t *l, const run_src_t *src, uint64_t *id);

#endif
