/* conn.c: judgebox(1)'s side of the wire (proto/PROTOCOL.md): reading
 * replies, building requests, one request and its reply within a timeout,
 * and the sockets (a DEALER for requests, a SUB for a job's events, CURVE
 * over tcp). Replies are untrusted: the accessors take any type and fall
 * back to a default, and a reply that does not parse is RC_INTERNAL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>
#include "cli.h"

/* ---- reading replies: tolerant accessors with defaults ---- */

/* A uint field, or def if it is absent or not a uint. */
uint64_t rd_u64(const msgpack_object *map, const char *key, uint64_t def)
{
	uint64_t v;
	return map && mp_as_uint(mp_get(map, key), &v) ? v : def;
}

/* A bool field, or false. */
bool rd_bool(const msgpack_object *map, const char *key)
{
	bool v;
	return map && mp_as_bool(mp_get(map, key), &v) && v;
}

/* A map field, or NULL. */
const msgpack_object *rd_map(const msgpack_object *map, const char *key)
{
	const msgpack_object *o = map ? mp_get(map, key) : NULL;
	return o && o->type == MSGPACK_OBJECT_MAP ? o : NULL;
}

/* An array field, or NULL. */
const msgpack_object *rd_array(const msgpack_object *map, const char *key)
{
	const msgpack_object *o = map ? mp_get(map, key) : NULL;
	return o && o->type == MSGPACK_OBJECT_ARRAY ? o : NULL;
}

/* A str field copied into buf, cut to fit; def if absent or not a str,
 * and then buf holds def (or "" for NULL): callers read buf, never an
 * uninitialised one (a job-wide judge_error has no first_failure). */
const char *rd_str(const msgpack_object *map, const char *key, char *buf,
		   size_t size, const char *def)
{
	const char *p;
	size_t n;
	if (!map || !mp_as_str(mp_get(map, key), &p, &n)) {
		if (size)
			snprintf(buf, size, "%s", def ? def : "");
		return def;
	}
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* A float field, or def. */
double rd_float(const msgpack_object *map, const char *key, double def)
{
	double v;
	return map && mp_as_float(mp_get(map, key), &v) && isfinite(v) ? v : def;
}

/* ---- requests ---- */

/* A key, counted in the map's size. */
void req_key(req_t *r, const char *k)
{
	mp_w_str(&r->w, k);
	r->n++;
}

/* Key/value shorthands that count the entry. */
void req_kstr(req_t *r, const char *k, const char *v)
{
	req_key(r, k);
	mp_w_str(&r->w, v);
}

void req_kuint(req_t *r, const char *k, uint64_t v)
{
	req_key(r, k);
	mp_w_uint(&r->w, v);
}

void req_kbool(req_t *r, const char *k, bool v)
{
	req_key(r, k);
	mp_w_bool(&r->w, v);
}

/* Start a request map with its op. */
void req_begin(req_t *r, const char *op)
{
	mp_w_init(&r->w);
	r->mark = mp_w_map_begin(&r->w);
	r->n = 0;
	req_kstr(r, "op", op);
}

/* ---- replies and events ---- */

/* Free a message; safe on a zeroed or already freed one. */
void in_free(in_t *in)
{
	if (in->parsed)
		mp_doc_free(&in->doc);
	free(in->buf);
	memset(in, 0, sizeof *in);
}

/* Parse a received body; a body that is not a valid map is RC_INTERNAL. */
int in_parse(in_t *in, const char *what)
{
	char err[256];
	if (mp_parse(&in->doc, in->buf, in->len, false, err, sizeof err) != 0) {
		fprintf(stderr, "judgebox: unreadable %s from judgeboxd: %s\n", what, err);
		return RC_INTERNAL;
	}
	in->parsed = true;
	in->root = in->doc.root;
	return RC_OK;
}

/* Receive one message; keep its last frame (a reply's body). The frame
 * count goes to *frames. */
int conn_recv(void *sock, in_t *in, int *frames)
{
	zmq_msg_t m;
	int more = 1;
	*frames = 0;
	memset(in, 0, sizeof *in);
	while (more) {
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&m);
			return RC_NOANSWER;
		}
		more = zmq_msg_more(&m);
		++*frames;
		if (!more) {
			in->len = zmq_msg_size(&m);
			in->buf = malloc(in->len ? in->len : 1);
			if (in->buf)
				memcpy(in->buf, zmq_msg_data(&m), in->len);
		}
		zmq_msg_close(&m);
	}
	if (!in->buf) {
		fputs("judgebox: out of memory\n", stderr);
		return RC_INTERNAL;
	}
	return RC_OK;
}

/* ---- one request, one reply ---- */

/* Why nobody answered an ipc endpoint, if the file system tells. */
static void s_ipc_hint(const char *endpoint)
{
	const char *path = endpoint + strlen("ipc://");
	if (access(path, F_OK) != 0)
		fprintf(stderr, "judgebox: %s: %s\n", path, strerror(errno));
	else if (access(path, R_OK | W_OK) != 0)
		fprintf(stderr, "judgebox: %s: %s (only members of judgebox-users may "
			"connect)\n", path, strerror(errno));
}

/* The message for silence (exit status 4). */
static void s_no_answer(const cli_t *x, long ms)
{
	fprintf(stderr, "judgebox: judgeboxd did not answer at %s within %ld ms "
		"(is it running?)\n", x->o.endpoint, ms);
	if (!strncmp(x->o.endpoint, "ipc://", 6))
		s_ipc_hint(x->o.endpoint);
}

/* Send r (rid added) in the canonical DEALER form [""][body]. */
int conn_send(cli_t *x, req_t *r, long timeout)
{
	size_t len;
	req_kuint(r, "rid", ++x->c.rid);
	mp_w_map_end(&r->w, r->mark, r->n);
	char *buf = mp_w_ok(&r->w) ? mp_w_take(&r->w, &len) : NULL;
	mp_w_free(&r->w);
	if (!buf) {
		fputs("judgebox: out of memory\n", stderr);
		return RC_INTERNAL;
	}
	zmq_pollitem_t it = { x->c.req, 0, ZMQ_POLLOUT, 0 };
	int rc = RC_OK;
	if (zmq_poll(&it, 1, timeout) != 1 ||
	    zmq_send(x->c.req, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) != 0 ||
	    zmq_send(x->c.req, buf, len, ZMQ_DONTWAIT) < 0) {
		s_no_answer(x, timeout);
		rc = RC_NOANSWER;
	}
	free(buf);
	return rc;
}

/* Is this reply the answer to rid? (A reply without rid answers a frame
 * the daemon could not read: with one request in flight, ours.) */
static bool s_is_ours(const msgpack_object *root, uint64_t rid)
{
	uint64_t v;
	const msgpack_object *o = mp_get(root, "rid");
	return !o || (mp_as_uint(o, &v) && v == rid);
}

/* Print an error reply (and, with --json, {"error": ...} on stdout). */
int conn_daemon_error(const cli_t *x, const msgpack_object *root)
{
	const msgpack_object *e = rd_map(root, "error");
	char code[64], msg[1100], scope[32];
	fprintf(stderr, "judgebox: %s: %s", rd_str(e, "code", code, sizeof code, "error"),
		rd_str(e, "message", msg, sizeof msg, "(no message)"));
	if (rd_str(e, "scope", scope, sizeof scope, NULL))
		fprintf(stderr, " (scope %s)", scope);
	fputc('\n', stderr);
	if (x->o.json && e) {
		fputs("{\"error\":", stdout);
		json_value(stdout, e);
		puts("}");
	}
	return RC_DAEMON;
}

/* Wait for the reply to the last request until the deadline. */
int conn_wait_reply(cli_t *x, long timeout, in_t *in)
{
	int64_t deadline = cli_now() + timeout;
	for (;;) {
		zmq_pollitem_t it = { x->c.req, 0, ZMQ_POLLIN, 0 };
		int64_t left = deadline - cli_now();
		if (left <= 0 || zmq_poll(&it, 1, (long)left) != 1) {
			s_no_answer(x, timeout);
			return RC_NOANSWER;
		}
		int frames, rc = conn_recv(x->c.req, in, &frames);
		if (rc == RC_OK)
			rc = in_parse(in, "reply");
		if (rc != RC_OK || s_is_ours(in->root, x->c.rid))
			return rc;
		in_free(in);	/* a late reply to an earlier request */
	}
}

/* Send r and wait for its reply; an error reply is printed (RC_DAEMON). */
int conn_call(cli_t *x, req_t *r, long timeout, in_t *in)
{
	memset(in, 0, sizeof *in);
	int rc = conn_send(x, r, timeout);
	if (rc == RC_OK)
		rc = conn_wait_reply(x, timeout, in);
	if (rc == RC_OK && !rd_bool(in->root, "ok"))
		rc = conn_daemon_error(x, in->root);
	return rc;
}

/* The timeout of a request that does not wait, and of one that does. */
long conn_timeout(const cli_t *x)
{
	return x->o.timeout_ms > 0 ? x->o.timeout_ms : TIMEOUT_MS;
}

long conn_wait_timeout(const cli_t *x)
{
	return x->o.timeout_ms > 0 ? x->o.timeout_ms : WAIT_MS + WAIT_MARGIN_MS;
}

/* wait_ms for a waiting request, so that the daemon answers in time. */
static uint64_t s_wait_ms(const cli_t *x)
{
	long t = x->o.timeout_ms;
	if (t <= 0)
		return WAIT_MS;
	if (t > 2 * WAIT_MARGIN_MS)
		t -= WAIT_MARGIN_MS;
	else
		t /= 2;
	return t > 3600000 ? 3600000 : t < 1 ? 1 : (uint64_t)t;
}

/* Make r a waiting request: the daemon answers when the job has ended,
 * or after wait_ms with the job as it is. */
void req_wait(const cli_t *x, req_t *r)
{
	req_kbool(r, "wait", true);
	req_kuint(r, "wait_ms", s_wait_ms(x));
}

/* ---- the sockets ---- */

/* A Z85 key ("NAME = \"...\"") from a ZeroMQ certificate file. */
static bool s_cert_key(const char *path, const char *name, char key[41])
{
	char line[512];
	bool found = false;
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof line, f)) {
		char *p = strstr(line, name), *q;
		if (!p || !(p = strchr(p, '"')) || !(q = strchr(p + 1, '"')) || q - p != 41)
			continue;
		memcpy(key, p + 1, 40);
		key[40] = '\0';
		found = true;
	}
	fclose(f);
	return found;
}

/* Over tcp, CURVE with JUDGEBOX_SERVER_KEY and JUDGEBOX_CLIENT_KEY
 * (PROTOCOL.md sections 3.2 and 15). */
static int s_curve(void *sock, const char *endpoint)
{
	const char *srv = getenv("JUDGEBOX_SERVER_KEY"), *cli = getenv("JUDGEBOX_CLIENT_KEY");
	char skey[41], pub[41], sec[41];
	if (strncmp(endpoint, "tcp://", 6) || !srv || !*srv)
		return RC_OK;
	if (!s_cert_key(srv, "public-key", skey) || !cli ||
	    !s_cert_key(cli, "public-key", pub) || !s_cert_key(cli, "secret-key", sec)) {
		fputs("judgebox: JUDGEBOX_SERVER_KEY and JUDGEBOX_CLIENT_KEY must name "
		      "readable ZeroMQ certificates (the client's with its secret key)\n", stderr);
		return RC_USAGE;
	}
	if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, skey, 41) ||
	    zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, pub, 41) ||
	    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, sec, 41)) {
		fprintf(stderr, "judgebox: CURVE keys refused: %s\n", zmq_strerror(zmq_errno()));
		return RC_USAGE;
	}
	return RC_OK;
}

/* A socket of the given type, LINGER 0, connected to endpoint. */
int conn_socket(cli_t *x, int type, const char *endpoint, void **sock)
{
	int zero = 0, ivl = 5000, hb = 15000;
	*sock = zmq_socket(x->c.ctx, type);
	if (!*sock) {
		fprintf(stderr, "judgebox: zmq_socket: %s\n", zmq_strerror(zmq_errno()));
		return RC_INTERNAL;
	}
	zmq_setsockopt(*sock, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(*sock, ZMQ_HEARTBEAT_IVL, &ivl, sizeof ivl);
	zmq_setsockopt(*sock, ZMQ_HEARTBEAT_TIMEOUT, &hb, sizeof hb);
	int rc = s_curve(*sock, endpoint);
	if (rc == RC_OK && zmq_connect(*sock, endpoint) != 0) {
		fprintf(stderr, "judgebox: cannot connect to %s: %s\n", endpoint,
			zmq_strerror(zmq_errno()));
		rc = RC_NOANSWER;
	}
	return rc;
}

/* The context and the DEALER; the SUB is opened when a job is followed.
 * A daemon that is not running leaves no ipc socket file: said at once,
 * not after a timeout (ZeroMQ would wait for the file to appear). */
int conn_open(cli_t *x)
{
	const char *ep = x->o.endpoint;
	if (!strncmp(ep, "ipc://", 6) && access(ep + 6, F_OK) != 0) {
		fprintf(stderr, "judgebox: judgeboxd is not running: no socket %s (%s)\n",
			ep + 6, strerror(errno));
		return RC_NOANSWER;
	}
	x->c.ctx = zmq_ctx_new();
	if (!x->c.ctx) {
		fprintf(stderr, "judgebox: zmq_ctx_new: %s\n", zmq_strerror(zmq_errno()));
		return RC_INTERNAL;
	}
	return conn_socket(x, ZMQ_DEALER, x->o.endpoint, &x->c.req);
}

/* Close what is open (LINGER 0: nothing waits). */
void conn_close(cli_t *x)
{
	if (x->c.sub)
		zmq_close(x->c.sub);
	if (x->c.req)
		zmq_close(x->c.req);
	if (x->c.ctx)
		zmq_ctx_term(x->c.ctx);
}

/* Subscribe to job id's topic "job.ID." (PROTOCOL.md 2.3). */
int conn_subscribe(cli_t *x, uint64_t id)
{
	char topic[32];
	int rc = RC_OK;
	if (!x->c.sub)
		rc = conn_socket(x, ZMQ_SUB, x->o.events, &x->c.sub);
	snprintf(topic, sizeof topic, "job.%" PRIu64 ".", id);
	if (rc == RC_OK && zmq_setsockopt(x->c.sub, ZMQ_SUBSCRIBE, topic, strlen(topic))) {
		fprintf(stderr, "judgebox: subscribe: %s\n", zmq_strerror(zmq_errno()));
		rc = RC_INTERNAL;
	}
	return rc;
}

/* Over max_request a request gets too_large, and over twice that no
 * answer at all (PROTOCOL.md 6): so a large one asks health first. */
int conn_check_size(cli_t *x, size_t len)
{
	req_t h;
	in_t in = { 0 };
	if (len <= SIZE_CHECK)
		return RC_OK;
	req_begin(&h, "health");
	int rc = conn_call(x, &h, conn_timeout(x), &in);
	uint64_t max = rd_u64(rd_map(in.root, "limits"), "max_request", 0);
	in_free(&in);
	if (rc == RC_OK && max && len + 32 > max) {
		fprintf(stderr, "judgebox: too_large: the request would be %zu bytes, and "
			"judgeboxd takes at most %" PRIu64 " (max_request): send fewer or "
			"smaller tests\n", len, max);
		rc = RC_DAEMON;
	}
	return rc;
}
