/* loop.h: what the request handlers (ops.c) need from the loop
 * (judgeboxd.c): who is asking, replies that leave after the commit, the
 * queue and the waits. */
#ifndef JUDGEBOX_LOOP_H
#define JUDGEBOX_LOOP_H

#include "jbd.h"

#define ENV_MAX 4

typedef struct req {
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

/* A reply: start (ok, rid, v), add keys (count each with n++), send. Sent
 * after the turn's commit; an error reply needs nothing committed. */
void reply_start(reply_t *rp, const req_t *r, bool ok);
void reply_send(const req_t *r, reply_t *rp);
void reply_error(const req_t *r, const char *code, const char *field,
		 const uint64_t *limit, const char *scope, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* The queue (fair across users) and the waits. */
size_t queue_length(void);
size_t queue_user_length(const char *user);
int queue_add(uint64_t id, const char *user);
bool queue_remove(uint64_t id, const char *user);
size_t running_count(void);
size_t waits_of(const req_t *r);
int wait_add(const req_t *r, uint64_t id, int64_t deadline, int flags,
	     bool dup);

extern const conf_t *G_conf;
extern bool G_draining;
/* A problem was imported this turn: after the commit, old snapshots go. */
extern bool G_problems_changed;
extern int64_t G_started_at;
extern int G_cgroup;

/* ops.c */
void ops_handle(const req_t *r, const void *body, size_t len);
/* Remove the problem snapshots (ops.c) that no committed problem and no
 * unfinished job names. */
void ops_problems_gc(void);
/* The reply to a wait: the job, after commit. */
void ops_reply_job(const req_t *r, uint64_t id, int flags, bool dup);

#endif
