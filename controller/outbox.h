/* outbox.h: what leaves the daemon, and only after the commit that
 * justifies it (DESIGN.md: "replies and events leave only after the commit
 * that justifies them").
 *
 * A turn of the loop queues replies and events here while it works inside
 * the store's transaction; outbox_end_turn() commits, then sends them in
 * order. If the commit fails, nothing of the turn was stored: each queued
 * reply becomes an `unavailable` error and the events are dropped. Waits
 * (a run or get with wait: true) are answered here when their job's final
 * event leaves, or at their deadline. After-commit hooks run between the
 * commit and the replies (an import removes the snapshot it replaced before
 * its reply says it is done).
 */
#ifndef JUDGEBOX_OUTBOX_H
#define JUDGEBOX_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../proto/mp.h"
#include "conf.h"
#include "store.h"

typedef struct outbox outbox_t;

#define ENV_MAX 4

/* A request: who asked, and where its answer goes. */
typedef struct req {
	outbox_t *out;			/* where replies to it are queued */
	char id[256];			/* ZeroMQ routing id */
	size_t idlen;
	char env[ENV_MAX][255];		/* envelope frames, mirrored */
	size_t envlen[ENV_MAX];
	int nenv;
	char user[NAME_MAX_LEN + 1];
	bool admin;
	bool tcp;			/* came over the CURVE transport */
	char rid[80];			/* the rid, encoded; ridlen 0 if none */
	size_t ridlen;
} req_t;

typedef struct reply {
	mp_w w;
	size_t mark;
	uint32_t n;			/* keys written */
} reply_t;

outbox_t *outbox_new(store_t *st);
void outbox_destroy(outbox_t **p);
/* The sockets replies and events leave by (the transport's; tcp ones NULL
 * when there is no TCP endpoint). */
void outbox_sockets(outbox_t *self, void *router, void *trouter, void *pub,
		    void *tpub);

/* A reply: start (ok, rid, v), add keys (count each with n++), send. */
void reply_start(reply_t *rp, const req_t *r, bool ok);
void reply_send(const req_t *r, reply_t *rp);
void reply_error(const req_t *r, const char *code, const char *field,
		 const uint64_t *limit, const char *scope, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* A reply holding job id as the store has it now (JW_* flags). */
void reply_job(const req_t *r, uint64_t id, int flags, bool dup);

/* Events: job id's state (as stored now), and the end of one of its tests. */
void outbox_job_event(outbox_t *self, uint64_t id);
void outbox_test_event(outbox_t *self, uint64_t id, unsigned idx, unsigned total);
/* An event on another topic ("security.flag.": PROTOCOL.md 19.5), its
 * payload the map in w (taken). */
void outbox_event(outbox_t *self, const char *topic, mp_w *w);

/* Waits: answered with reply_job when job id ends, or at deadline (wall
 * clock ms; 0: none). */
int outbox_wait(outbox_t *self, const req_t *r, uint64_t id, int64_t deadline,
		int flags, bool dup);
size_t outbox_waits_of(const outbox_t *self, const req_t *r);
int64_t outbox_waits_next(const outbox_t *self);	/* monotonic ms, 0: none */
void outbox_waits_expire(outbox_t *self, int64_t mono_now);
void outbox_waits_all(outbox_t *self);			/* at exit */

/* Run fn(arg) once after the turn's commit succeeds, before the replies. */
int outbox_after_commit(outbox_t *self, void (*fn)(void *), void *arg);
/* Commit the store's transaction and send what the turn queued. 0, or -1
 * if the commit failed (the replies then say `unavailable`). */
int outbox_end_turn(outbox_t *self);

#endif
