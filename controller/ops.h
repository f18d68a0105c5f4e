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

#endif
