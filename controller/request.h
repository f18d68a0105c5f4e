/* request.h: reading a request's fields (PROTOCOL.md sections 4 and 7).
 *
 * Every reader checks type, range and length, and answers bad_request (or
 * too_large) itself, naming the field: a caller that gets -1 returns at
 * once, having replied. Nothing here trusts a size, a type or a name from
 * the frame.
 */
#ifndef JUDGEBOX_REQUEST_H
#define JUDGEBOX_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../proto/mp.h"
#include "outbox.h"
#include "srv.h"

#define MAX_INT53	((1ull << 53) - 1)
#define WAIT_MS_MAX	3600000u

/* One request being handled: who asked, its decoded map, the server. */
typedef struct ctx {
	const req_t *r;
	const msgpack_object *m;	/* the request map */
	srv_t *s;
} ctx_t;

void rq_bad(const ctx_t *c, const char *field, const char *what);
void rq_too_large(const ctx_t *c, const char *field, uint64_t limit);
/* Optional typed fields: 1 present and good, 0 absent, -1 replied. */
int rq_uint(const ctx_t *c, const char *k, uint64_t lo, uint64_t hi, uint64_t *v);
int rq_bool(const ctx_t *c, const char *k, bool *v);
/* A str of min..max bytes into buf (max + 1 bytes). */
int rq_str(const ctx_t *c, const char *k, size_t min, size_t max, char *buf);
/* A required str: as rq_str, but absent is bad_request "is required". */
int rq_str_req(const ctx_t *c, const char *k, size_t min, size_t max, char *buf);

/* Names (PROTOCOL.md 7.1): a user name as as_user takes it; a file name
 * (relative, components of [A-Za-z0-9._+-], none starting with '.' or
 * '-', at most 8 of 64 bytes, 255 in all). */
bool rq_user_name_ok(const char *s);
bool rq_file_name_ok(const char *p, size_t n);
/* A problem id: [a-z0-9][a-z0-9_-]{0,63}. */
bool rq_problem_id_ok(const char *id);

#endif
