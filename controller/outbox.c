/* outbox.c: see outbox.h. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "log.h"
#include "outbox.h"

typedef struct msg {
	struct msg *next;
	req_t r;		/* a reply: to whom; unused for events */
	bool event;
	char topic[32];
	char *body;
	size_t len;
	uint64_t done_id;	/* a job that ended: answer its waits */
} msg_t;

typedef struct wait {
	req_t r;
	int flags;
	bool dup;
} wait_t;

/* The waits, in the order they came, as a compact array of what their
 * scans look at (a job's end, a deadline, a connection's count), so that
 * a thousand waits cost a pass over 32-byte entries, not over the
 * requests themselves. */
typedef struct waitref {
	uint64_t id;		/* the job */
	int64_t deadline;	/* monotonic ms; 0: none */
	uint64_t conn;		/* the first bytes of the routing id */
	wait_t *w;
} waitref_t;

typedef struct hook {
	struct hook *next;
	void (*fn)(void *);
	void *arg;
} hook_t;

struct outbox {
	store_t *store;
	msg_t *head, **tail;
	waitref_t *wv;
	size_t nw, wcap;
	hook_t *hooks;
	void *router, *trouter, *pub, *tpub;
};

outbox_t *outbox_new(store_t *st)
{
	outbox_t *self = calloc(1, sizeof *self);
	if (!self)
		return NULL;
	self->store = st;
	self->tail = &self->head;
	return self;
}

static void s_msg_free(msg_t *m)
{
	free(m->body);
	free(m);
}

void outbox_destroy(outbox_t **p)
{
	outbox_t *self = *p;
	if (!self)
		return;
	for (msg_t *m = self->head, *next; m; m = next)
		next = m->next, s_msg_free(m);
	for (size_t i = 0; i < self->nw; i++)
		free(self->wv[i].w);
	free(self->wv);
	for (hook_t *h = self->hooks, *next; h; h = next)
		next = h->next, free(h);
	free(self);
	*p = NULL;
}

void outbox_sockets(outbox_t *self, void *router, void *trouter, void *pub,
		    void *tpub)
{
	self->router = router, self->trouter = trouter;
	self->pub = pub, self->tpub = tpub;
}

static void s_push(outbox_t *self, msg_t *m)
{
	m->next = NULL;
	*self->tail = m;
	self->tail = &m->next;
}

/* ---- replies ---- */

void reply_start(reply_t *rp, const req_t *r, bool ok)
{
	mp_w_init(&rp->w);
	rp->mark = mp_w_map_begin(&rp->w);
	mp_w_kbool(&rp->w, "ok", ok);
	mp_w_kuint(&rp->w, "v", PROTO_V);
	rp->n = 2;
	if (r->ridlen) {
		mp_w_str(&rp->w, "rid");
		mp_w_raw(&rp->w, r->rid, r->ridlen);
		rp->n++;
	}
}

void reply_send(const req_t *r, reply_t *rp)
{
	mp_w_map_end(&rp->w, rp->mark, rp->n);
	msg_t *m = calloc(1, sizeof *m);
	if (!m || !mp_w_ok(&rp->w)) {
		free(m);
		mp_w_free(&rp->w);
		jlog(LOG_ERR, "out of memory for a reply");
		return;
	}
	m->r = *r;
	m->body = mp_w_take(&rp->w, &m->len);
	s_push(r->out, m);
}

void reply_error(const req_t *r, const char *code, const char *field,
		 const uint64_t *limit, const char *scope, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	reply_t rp;
	reply_start(&rp, r, false);
	mp_w_str(&rp.w, "error");
	size_t m = mp_w_map_begin(&rp.w);
	uint32_t n = 2;
	mp_w_kstr(&rp.w, "code", code);
	mp_w_kstr(&rp.w, "message", msg);
	if (field)
		mp_w_kstr(&rp.w, "field", field), n++;
	if (limit)
		mp_w_kuint(&rp.w, "limit", *limit), n++;
	if (scope)
		mp_w_kstr(&rp.w, "scope", scope), n++;
	if (!strcmp(code, "version_mismatch"))
		mp_w_kuint(&rp.w, "v_max", PROTO_V), n++;
	mp_w_map_end(&rp.w, m, n);
	rp.n++;
	reply_send(r, &rp);
}

void reply_job(const req_t *r, uint64_t id, int flags, bool dup)
{
	reply_t rp;
	reply_start(&rp, r, true);
	if (dup)
		mp_w_kbool(&rp.w, "dup", true), rp.n++;
	mp_w_str(&rp.w, "job");
	rp.n++;
	if (store_write_job(r->out->store, &rp.w, id, flags)) {
		mp_w_free(&rp.w);
		reply_error(r, "internal", NULL, NULL, NULL, "cannot read job %" PRIu64, id);
		return;
	}
	reply_send(r, &rp);
}

/* ---- events ---- */

/* Queue an event written in w on job id's topic; done: the job ended, so
 * its waits are answered once the event is out. */
static void s_push_event(outbox_t *self, uint64_t id, mp_w *w, bool written,
			 bool done)
{
	msg_t *m = calloc(1, sizeof *m);
	if (!m || !written || !mp_w_ok(w)) {
		free(m);
		mp_w_free(w);
		return;
	}
	m->event = true;
	snprintf(m->topic, sizeof m->topic, "job.%" PRIu64 ".", id);
	m->body = mp_w_take(w, &m->len);
	m->done_id = done ? id : 0;
	s_push(self, m);
}

void outbox_job_event(outbox_t *self, uint64_t id)
{
	mp_w w;
	int state = S_QUEUED;
	mp_w_init(&w);
	bool written = store_write_event(self->store, &w, id, &state) == 0;
	s_push_event(self, id, &w, written, written && S_TERMINAL(state));
}

void outbox_test_event(outbox_t *self, uint64_t id, unsigned idx, unsigned total)
{
	mp_w w;
	mp_w_init(&w);
	bool written = store_write_test_event(self->store, &w, id, idx, total) == 0;
	s_push_event(self, id, &w, written, false);
}

void outbox_event(outbox_t *self, const char *topic, mp_w *w)
{
	msg_t *m = calloc(1, sizeof *m);
	if (!m || !mp_w_ok(w)) {
		free(m);
		mp_w_free(w);
		return;
	}
	m->event = true;
	snprintf(m->topic, sizeof m->topic, "%s", topic);
	m->body = mp_w_take(w, &m->len);
	s_push(self, m);
}

/* ---- waits ---- */

static uint64_t s_conn(const req_t *r)
{
	uint64_t k = r->idlen;
	memcpy(&k, r->id, r->idlen < sizeof k ? r->idlen : sizeof k);
	return k ^ r->idlen;
}

int outbox_wait(outbox_t *self, const req_t *r, uint64_t id, int64_t deadline,
		int flags, bool dup)
{
	if (self->nw == self->wcap) {
		size_t cap = self->wcap ? self->wcap * 2 : 64;
		waitref_t *v = realloc(self->wv, cap * sizeof *v);
		if (!v)
			return -1;
		self->wv = v, self->wcap = cap;
	}
	wait_t *w = calloc(1, sizeof *w);
	if (!w)
		return -1;
	w->r = *r;
	w->flags = flags;
	w->dup = dup;
	self->wv[self->nw++] = (waitref_t){ id, deadline ? deadline - now_ms() + mono_ms() : 0,
					    s_conn(r), w };
	return 0;
}

size_t outbox_waits_of(const outbox_t *self, const req_t *r)
{
	size_t n = 0;
	uint64_t conn = s_conn(r);
	for (size_t i = 0; i < self->nw; i++) {
		const wait_t *w = self->wv[i].w;
		n += self->wv[i].conn == conn && w->r.idlen == r->idlen &&
		     !memcmp(w->r.id, r->id, r->idlen);
	}
	return n;
}

/* Answer the waits on job id (all of them if id is 0), or those past their
 * deadline (now > 0). */
static void s_waits_answer(outbox_t *self, uint64_t id, int64_t now)
{
	size_t k = 0;
	for (size_t i = 0; i < self->nw; i++) {
		waitref_t x = self->wv[i];
		bool go = now ? (x.deadline && x.deadline <= now) : (!id || x.id == id);
		if (!go) {
			self->wv[k++] = x;
			continue;
		}
		reply_job(&x.w->r, x.id, x.w->flags, x.w->dup);	/* queues, adds no wait */
		free(x.w);
	}
	self->nw = k;
}

int64_t outbox_waits_next(const outbox_t *self)
{
	int64_t t = 0;
	for (size_t i = 0; i < self->nw; i++)
		if (self->wv[i].deadline && (!t || self->wv[i].deadline < t))
			t = self->wv[i].deadline;
	return t;
}

/* ---- the end of a turn ---- */

int outbox_after_commit(outbox_t *self, void (*fn)(void *), void *arg)
{
	hook_t *h = calloc(1, sizeof *h);
	if (!h)
		return -1;
	h->fn = fn, h->arg = arg;
	h->next = self->hooks;
	self->hooks = h;
	return 0;
}

static void s_send(outbox_t *self, const msg_t *m)
{
	if (m->event) {
		zmq_send(self->pub, m->topic, strlen(m->topic), ZMQ_SNDMORE);
		zmq_send(self->pub, m->body, m->len, 0);
		if (self->tpub) {
			zmq_send(self->tpub, m->topic, strlen(m->topic), ZMQ_SNDMORE);
			zmq_send(self->tpub, m->body, m->len, 0);
		}
		return;
	}
	void *s = m->r.tcp ? self->trouter : self->router;
	zmq_send(s, m->r.id, m->r.idlen, ZMQ_SNDMORE);
	for (int i = 0; i < m->r.nenv; i++)
		zmq_send(s, m->r.env[i], m->r.envlen[i], ZMQ_SNDMORE);
	zmq_send(s, m->body, m->len, 0);
}

/* Send everything queued; a job's final event answers its waits, whose
 * replies are queued behind it and sent in the same loop. */
static void s_flush(outbox_t *self)
{
	while (self->head) {
		msg_t *m = self->head;
		self->head = m->next;
		if (!self->head)
			self->tail = &self->head;
		s_send(self, m);
		uint64_t done = m->done_id;
		s_msg_free(m);
		if (done)
			s_waits_answer(self, done, 0);
	}
	self->tail = &self->head;
}

/* The commit failed: nothing of this turn was stored, so its replies turn
 * into errors and its events (which tell of what was not stored) go. */
static void s_unwind(outbox_t *self)
{
	msg_t *list = self->head;
	self->head = NULL, self->tail = &self->head;
	for (msg_t *m = list, *next; m; m = next) {
		next = m->next;
		if (!m->event)
			reply_error(&m->r, "unavailable", NULL, NULL, NULL,
				    "the store cannot be written");
		s_msg_free(m);
	}
}

static void s_run_hooks(outbox_t *self, bool run)
{
	hook_t *h = self->hooks;
	self->hooks = NULL;
	for (hook_t *next; h; h = next) {
		next = h->next;
		if (run)
			h->fn(h->arg);
		free(h);
	}
}

int outbox_end_turn(outbox_t *self)
{
	bool ok = store_commit(self->store) == 0;
	if (!ok)
		s_unwind(self);
	s_run_hooks(self, ok);
	s_flush(self);
	return ok ? 0 : -1;
}

void outbox_waits_expire(outbox_t *self, int64_t mono_now)
{
	s_waits_answer(self, 0, mono_now);
	s_flush(self);
}

void outbox_waits_all(outbox_t *self)
{
	s_waits_answer(self, 0, 0);
	s_flush(self);
}
