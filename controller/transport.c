/* transport.c: see transport.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "curve.h"
#include "log.h"
#include "ops.h"
#include "transport.h"

#define BATCH		256	/* requests per router per turn */
#define UID_CACHE	64	/* peer uids whose names are remembered */

struct transport {
	srv_t *srv;
	void *ctx;
	void *router, *pub;		/* ipc */
	void *trouter, *tpub;		/* tcp with CURVE, or NULL */
	curve_t *curve;
	struct { unsigned long uid; char name[NAME_MAX_LEN + 1]; } uids[UID_CACHE];
	size_t nuids;
};

static void *s_bind(transport_t *self, int type, const char *ep, bool curve)
{
	void *s = zmq_socket(self->ctx, type);
	if (s && curve && curve_server(self->curve, s)) {
		jlog(LOG_ERR, "CURVE on %s: %s", ep, zmq_strerror(errno));
		zmq_close(s);
		return NULL;
	}
	int64_t max = (int64_t)self->srv->conf->max_request * 2;
	int zero = 0, hwm = 100000;
	if (!s)
		return NULL;
	zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max, sizeof max);
	zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
	if (!strncmp(ep, "ipc://", 6))
		unlink(ep + 6);	/* a stale socket from a killed daemon */
	if (zmq_bind(s, ep)) {
		jlog(LOG_ERR, "cannot bind %s: %s", ep, zmq_strerror(errno));
		zmq_close(s);
		return NULL;
	}
	return s;
}

static int s_bind_tcp(transport_t *self)
{
	const conf_t *c = self->srv->conf;
	if (!(self->curve = curve_new(self->ctx, c)))
		return -1;
	self->trouter = s_bind(self, ZMQ_ROUTER, c->tcp_endpoint, true);
	self->tpub = s_bind(self, ZMQ_PUB, c->tcp_events, true);
	if (!self->trouter || !self->tpub)
		return -1;
	jlog(LOG_INFO, "serving %s and %s with CURVE", c->tcp_endpoint, c->tcp_events);
	return 0;
}

transport_t *transport_new(srv_t *s)
{
	transport_t *self = calloc(1, sizeof *self);
	if (!self)
		return NULL;
	self->srv = s;
	self->ctx = zmq_ctx_new();
	self->router = self->ctx ? s_bind(self, ZMQ_ROUTER, s->conf->endpoint, false) : NULL;
	self->pub = self->router ? s_bind(self, ZMQ_PUB, s->conf->events, false) : NULL;
	if (!self->pub || (*s->conf->tcp_endpoint && s_bind_tcp(self)))
		return transport_destroy(&self), NULL;
	outbox_sockets(s->out, self->router, self->trouter, self->pub, self->tpub);
	return self;
}

void transport_destroy(transport_t **p)
{
	transport_t *self = *p;
	if (!self)
		return;
	outbox_sockets(self->srv->out, NULL, NULL, NULL, NULL);
	if (self->router)
		zmq_close(self->router);
	if (self->pub)
		zmq_close(self->pub);
	if (self->trouter)
		zmq_close(self->trouter);
	if (self->tpub)
		zmq_close(self->tpub);
	curve_destroy(&self->curve);
	if (self->ctx)
		zmq_ctx_term(self->ctx);
	free(self);
	*p = NULL;
}

/* ---- who is asking ---- */

/* The user behind an ipc connection: the peer's uid (SO_PEERCRED, which
 * libzmq gives as "Peer-Address" = "...:uid:gid:pid"). */
static int s_identify(transport_t *self, zmq_msg_t *m, req_t *r)
{
	const char *pa = zmq_msg_gets(m, "Peer-Address");
	unsigned long uid;
	const char *p = pa ? strrchr(pa, ':') : NULL;
	int colons = 0;
	while (p && p > pa && colons < 2)
		if (*--p == ':')
			colons++;
	if (!p || sscanf(p + (*p == ':'), "%lu:", &uid) != 1)
		return -1;
	for (size_t i = 0; i < self->nuids; i++)
		if (self->uids[i].uid == uid) {
			strcpy(r->user, self->uids[i].name);
			return 0;
		}
	struct passwd *pw = getpwuid((uid_t)uid);
	if (pw && strlen(pw->pw_name) <= NAME_MAX_LEN)
		snprintf(r->user, sizeof r->user, "%s", pw->pw_name);
	else
		snprintf(r->user, sizeof r->user, "uid:%lu", uid);
	if (self->nuids < UID_CACHE) {
		self->uids[self->nuids].uid = uid;
		strcpy(self->uids[self->nuids++].name, r->user);
	}
	return 0;
}

/* The user behind a CURVE connection: the name our ZAP handler gave. */
static int s_identify_tcp(zmq_msg_t *m, req_t *r)
{
	const char *u = zmq_msg_gets(m, "User-Id");
	r->tcp = true;
	if (!u || strlen(u) > NAME_MAX_LEN)
		return -1;
	strcpy(r->user, u);
	return 0;
}

/* ---- framing ---- */

/* Read one multipart message: [id][envelope...][body]; the number of
 * parts read, and whether the envelope broke the limits. */
static int s_frames(void *sock, req_t *r, zmq_msg_t *body, bool *bad_env)
{
	zmq_msg_t m;
	int part = 0, more = 1;
	zmq_msg_init(&m);
	while (more) {
		if (zmq_msg_recv(&m, sock, 0) < 0)
			break;
		more = zmq_msg_more(&m);
		size_t n = zmq_msg_size(&m);
		if (part == 0) {
			r->idlen = n < sizeof r->id ? n : sizeof r->id;
			memcpy(r->id, zmq_msg_data(&m), r->idlen);
		} else if (more) {
			if (r->nenv == ENV_MAX || n > 255)
				*bad_env = true;
			else {
				memcpy(r->env[r->nenv], zmq_msg_data(&m), n);
				r->envlen[r->nenv++] = n;
			}
		} else
			zmq_msg_move(body, &m);
		part++;
	}
	zmq_msg_close(&m);
	return part;
}

static void s_request(transport_t *self, void *sock)
{
	const conf_t *c = self->srv->conf;
	req_t r;
	zmq_msg_t body;
	bool bad_env = false;
	memset(&r, 0, sizeof r);
	r.out = self->srv->out;
	zmq_msg_init(&body);
	if (s_frames(sock, &r, &body, &bad_env) < 2)
		return (void)zmq_msg_close(&body);
	int who = sock == self->trouter ? s_identify_tcp(&body, &r) :
		  s_identify(self, &body, &r);
	if (who)
		snprintf(r.user, sizeof r.user, "unknown");
	r.admin = !who && conf_is_admin(c, r.user);
	if (r.tcp && (who || !curve_user_known(self->curve, r.user))) {
		r.admin = false;
		if (zmq_msg_size(&body) > c->max_request ||
		    !mp_peek_rid(zmq_msg_data(&body), zmq_msg_size(&body), r.rid,
				 sizeof r.rid, &r.ridlen))
			r.ridlen = 0;
		reply_error(&r, "unauthorized", NULL, NULL, NULL,
			    "this client's key is no longer authorised");
	} else if (bad_env) {
		r.nenv = 1, r.envlen[0] = 0;
		reply_error(&r, "bad_request", NULL, NULL, NULL,
			    "envelope: at most 4 frames of 255 bytes");
	} else if (zmq_msg_size(&body) > c->max_request) {
		reply_error(&r, "too_large", NULL, &c->max_request, NULL,
			    "the request is larger than %" PRIu64 " bytes", c->max_request);
	} else
		ops_handle(self->srv, &r, zmq_msg_data(&body), zmq_msg_size(&body));
	zmq_msg_close(&body);
}

/* Up to a batch of requests from one router. */
static void s_requests(transport_t *self, void *sock, short revents)
{
	for (int k = 0; k < BATCH && (revents & ZMQ_POLLIN); k++) {
		int ev;
		size_t sz = sizeof ev;
		if (zmq_getsockopt(sock, ZMQ_EVENTS, &ev, &sz) || !(ev & ZMQ_POLLIN))
			break;
		s_request(self, sock);
	}
}

/* ---- the loop's view ---- */

int transport_poll_items(transport_t *self, zmq_pollitem_t *items)
{
	items[0] = (zmq_pollitem_t){ self->router, 0, ZMQ_POLLIN, 0 };
	if (!self->trouter)
		return 1;
	items[1] = (zmq_pollitem_t){ self->trouter, 0, ZMQ_POLLIN, 0 };
	items[2] = (zmq_pollitem_t){ curve_zap_socket(self->curve), 0, ZMQ_POLLIN, 0 };
	return 3;
}

void transport_poll_ready(transport_t *self, const zmq_pollitem_t *items)
{
	if (self->trouter && (items[2].revents & ZMQ_POLLIN))
		curve_zap_handle(self->curve);
	s_requests(self, self->router, items[0].revents);
	if (self->trouter)
		s_requests(self, self->trouter, items[1].revents);
}

void transport_reload(transport_t *self)
{
	if (self->curve)
		curve_reload(self->curve);
}
