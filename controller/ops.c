/* ops.c: a request frame in, decoded, checked and handed to its operation
 * (ops_run.c, ops_jobs.c, ops_problems.c); PROTOCOL.md sections 4-7.
 */
#define _GNU_SOURCE
#include <string.h>

#include "ops.h"

void ops_handle(srv_t *s, const req_t *r, const void *body, size_t len)
{
	static const struct { const char *op; void (*fn)(const ctx_t *); } ops[] = {
		{ "run", op_run }, { "get", op_get }, { "cancel", op_cancel },
		{ "list", op_list }, { "languages", op_languages }, { "health", op_health },
		{ "test", op_test }, { "submit", op_submit },
		{ "problem_import", op_problem_import }, { "problem_get", op_problem_get },
		{ "problem_list", op_problem_list },
	};
	req_t rr = *r;
	ctx_t c = { .r = &rr, .s = s };
	mp_doc d;
	char err[160], op[32];
	uint64_t v = 1;
	if (mp_parse(&d, body, len, true, err, sizeof err))
		return reply_error(r, "bad_request", NULL, NULL, NULL, "%s", err);
	c.m = d.root;
	const msgpack_object *rid = mp_get(c.m, "rid");
	const char *p;
	size_t n;
	if (rid && !(mp_as_str(rid, &p, &n) && n <= 64) &&
	    !(mp_as_uint(rid, &v) && v <= MAX_INT53)) {
		reply_error(r, "bad_request", "rid", NULL, NULL,
			    "rid: a string of at most 64 bytes or an integer below 2^53");
		return mp_doc_free(&d);
	}
	if (rid) {
		mp_w w;
		mp_w_init(&w);
		mp_w_object(&w, rid);
		if (mp_w_ok(&w) && w.len <= sizeof rr.rid)
			memcpy(rr.rid, w.buf, w.len), rr.ridlen = w.len;
		mp_w_free(&w);
	}
	v = 1;
	const msgpack_object *vo = mp_get(c.m, "v");
	if (vo && !mp_as_uint(vo, &v))
		rq_bad(&c, "v", "must be an unsigned integer");
	else if (v > PROTO_V)
		reply_error(&rr, "version_mismatch", "v", NULL, NULL,
			    "this daemon speaks protocol version %d", PROTO_V);
	else if (!mp_str_copy(mp_get(c.m, "op"), op, sizeof op))
		rq_bad(&c, "op", "is required and must be a string");
	else {
		size_t i;
		for (i = 0; i < sizeof ops / sizeof *ops; i++)
			if (!strcmp(op, ops[i].op)) {
				ops[i].fn(&c);
				break;
			}
		if (i == sizeof ops / sizeof *ops)
			reply_error(&rr, "bad_request", "op", NULL, NULL,
				    "op: unknown operation '%s'", op);
	}
	mp_doc_free(&d);
}
