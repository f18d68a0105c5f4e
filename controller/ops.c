/* ops.c: a request frame in, decoded, checked and handed to its operation
 * (ops_run.c, ops_jobs.c, ops_problems.c); PROTOCOL.md sections 4-7.
 */
#define _GNU_SOURCE
#include <string.h>

#include "ops.h"

typedef struct op {
	const char *name;
	void (*fn)(const ctx_t *);
} op_t;

static const op_t s_ops[] = {
	{ "run", op_run }, { "get", op_get }, { "cancel", op_cancel },
	{ "list", op_list }, { "languages", op_languages }, { "health", op_health },
	{ "test", op_test }, { "submit", op_submit },
	{ "problem_import", op_problem_import }, { "problem_get", op_problem_get },
	{ "problem_list", op_problem_list },
	{ "violations", op_violations }, { "flags", op_flags }, { "unflag", op_unflag },
	{ "metrics", op_metrics },
	{ "session_create", op_session_create }, { "session_update", op_session_update },
	{ "session_get", op_session_get }, { "session_list", op_session_list },
	{ "session_delete", op_session_delete }, { "session_run", op_session_run },
	{ "session_history", op_session_history },
};

/* The request's rid into r, to be echoed (PROTOCOL.md 5.2); -1 replied
 * if it is there but not a valid rid. */
static int s_rid(const ctx_t *c, req_t *r)
{
	const msgpack_object *rid = mp_get(c->m, "rid");
	const char *p;
	size_t n;
	uint64_t v;
	if (!rid)
		return 0;
	if (!(mp_as_str(rid, &p, &n) && n <= 64) && !(mp_as_uint(rid, &v) && v <= MAX_INT53)) {
		reply_error(c->r, "bad_request", "rid", NULL, NULL,
			    "rid: a string of at most 64 bytes or an integer below 2^53");
		return -1;
	}
	mp_w w;
	mp_w_init(&w);
	mp_w_object(&w, rid);
	if (mp_w_ok(&w) && w.len <= sizeof r->rid)
		memcpy(r->rid, w.buf, w.len), r->ridlen = w.len;
	mp_w_free(&w);
	return 0;
}

/* The version and the operation: dispatch, or the error. */
static void s_dispatch(const ctx_t *c)
{
	char op[32];
	uint64_t v = 1;
	const msgpack_object *vo = mp_get(c->m, "v");
	if (vo && !mp_as_uint(vo, &v))
		return rq_bad(c, "v", "must be an unsigned integer");
	if (v > PROTO_V)
		return reply_error(c->r, "version_mismatch", "v", NULL, NULL,
				   "this daemon speaks protocol version %d", PROTO_V);
	if (!mp_str_copy(mp_get(c->m, "op"), op, sizeof op))
		return rq_bad(c, "op", "is required and must be a string");
	for (size_t i = 0; i < sizeof s_ops / sizeof *s_ops; i++)
		if (!strcmp(op, s_ops[i].name))
			return s_ops[i].fn(c);
	reply_error(c->r, "bad_request", "op", NULL, NULL, "op: unknown operation '%s'", op);
}

void ops_handle(srv_t *s, const req_t *r, const void *body, size_t len)
{
	req_t rr = *r;
	ctx_t c = { .r = &rr, .s = s };
	mp_doc d;
	char err[160];
	if (mp_parse(&d, body, len, true, err, sizeof err)) {
		/* Refused by section 4's rules: the rid still goes back when
		 * it can be read, so the client knows which request failed. */
		rr.ridlen = 0;
		if (!mp_peek_rid(body, len, rr.rid, sizeof rr.rid, &rr.ridlen))
			rr.ridlen = 0;
		mp_doc_free(&d);
		return reply_error(&rr, "bad_request", NULL, NULL, NULL, "%s", err);
	}
	c.m = d.root;
	if (s_rid(&c, &rr) == 0)
		s_dispatch(&c);
	mp_doc_free(&d);
}
