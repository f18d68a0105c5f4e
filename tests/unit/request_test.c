/* request_test: controller/request.c, reading a request's fields. Each
 * reader is called on requests decoded as the daemon decodes them
 * (mp_parse, strict), with a req_t whose outbox sends through a real
 * ZeroMQ ROUTER to a DEALER over inproc://, so replies arrive as the
 * client would see them. For each reader: absent (0, no reply), the wrong
 * type (-1, one bad_request naming the field), out of range or too long
 * (-1, one reply with `limit`), good values at both bounds (1, no reply):
 * a caller that gets -1 returns at once, so every failure must have made
 * exactly one reply. Then the names of PROTOCOL.md 3.3, 7.1 and 14.4. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "../../controller/request.h"
#include "../lib/tap.h"
#include "../lib/tmpdir.h"

#define PLAN 101

static char dir[] = "/tmp/request_test.XXXXXX";
static void *router, *dealer;
static req_t rq;
static ctx_t cx;
static mp_w req;
static mp_doc doc;
static char err[256];

/* The replies of the last call, decoded. */
#define MAXR 4
static char *rbuf[MAXR];
static size_t rlen[MAXR];
static mp_doc rdoc[MAXR];
static int nr;

/* ---- requests ---- */

/* Start a request map of n entries. */
static void begin(uint32_t n)
{
	mp_doc_free(&doc);
	mp_w_free(&req);
	mp_w_init(&req);
	mp_w_map(&req, n);
}

/* Decode it as the daemon does; cx then reads it. */
static void parse(void)
{
	if (!mp_w_ok(&req) || mp_parse(&doc, req.buf, req.len, true, err, sizeof err))
		diag("bad test request: %s", err), exit(2);
	cx = (ctx_t){ &rq, doc.root, NULL };
}

/* A request of one key k holding a uint, an int, a str, a bool or nil. */
static void with_uint(const char *k, uint64_t v) { begin(1), mp_w_kuint(&req, k, v), parse(); }
static void with_int(const char *k, int64_t v) { begin(1), mp_w_str(&req, k), mp_w_int(&req, v), parse(); }
static void with_str(const char *k, const char *v) { begin(1), mp_w_kstr(&req, k, v), parse(); }
static void with_bool(const char *k, bool v) { begin(1), mp_w_kbool(&req, k, v), parse(); }
static void with_nil(const char *k) { begin(1), mp_w_str(&req, k), mp_w_nil(&req), parse(); }
static void with_float(const char *k, double v) { begin(1), mp_w_str(&req, k), mp_w_float(&req, v), parse(); }
static void with_bin(const char *k, const char *v) { begin(1), mp_w_kbin(&req, k, v, strlen(v)), parse(); }
static void with_raw(const char *k, const char *p, size_t n) { begin(1), mp_w_str(&req, k), mp_w_raw(&req, p, n), parse(); }
static void with_other(void) { begin(1), mp_w_kuint(&req, "other", 1), parse(); }

/* ---- replies ---- */

/* Send what the turn queued, then a marker of our own: every reply the
 * call made arrives before it. The number of replies. */
static int replies(void)
{
	for (int i = 0; i < nr; i++)
		mp_doc_free(&rdoc[i]), free(rbuf[i]);
	nr = 0;
	if (outbox_end_turn(rq.out))
		diag("outbox_end_turn failed"), exit(2);
	zmq_send(router, rq.id, rq.idlen, ZMQ_SNDMORE);
	zmq_send(router, "END", 3, 0);
	for (int k = 0; k < 100; k++) {
		zmq_msg_t m;

		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, dealer, 0) < 0)
			diag("no marker: %s", zmq_strerror(zmq_errno())), exit(2);
		size_t n = zmq_msg_size(&m);
		if (n == 3 && !memcmp(zmq_msg_data(&m), "END", 3)) {
			zmq_msg_close(&m);
			return k;
		}
		if (k < MAXR) {
			rbuf[k] = malloc(n + 1);
			memcpy(rbuf[k], zmq_msg_data(&m), n);
			rlen[k] = n;
			if (mp_parse(&rdoc[k], rbuf[k], n, false, err, sizeof err))
				diag("reply %d is not msgpack: %s", k, err), exit(2);
			nr = k + 1;
		}
		zmq_msg_close(&m);
	}
	diag("more than 100 replies"), exit(2);
}

/* Is the only reply an error with code, naming field, with limit lim (if
 * not NULL; absent if NULL), the rid echoed, one line of message that
 * names the field? why says what is not. */
static bool s_error(const char *code, const char *field, const uint64_t *lim, char *why, size_t size)
{
	const msgpack_object *e = mp_get(rdoc[0].root, "error");
	const char *msg = "";
	size_t mn = 0;
	bool okv = true;
	uint64_t v = 0, rid = 0, got;

	if (!mp_as_bool(mp_get(rdoc[0].root, "ok"), &okv) || okv || !mp_as_uint(mp_get(rdoc[0].root, "v"), &v) ||
	    v != PROTO_V || !mp_as_uint(mp_get(rdoc[0].root, "rid"), &rid) || rid != 7)
		return snprintf(why, size, "ok %d, v %llu, rid %llu", okv, (unsigned long long)v,
				(unsigned long long)rid), false;
	if (!e || !mp_str_eq(mp_get(e, "code"), code) || !mp_str_eq(mp_get(e, "field"), field))
		return snprintf(why, size, "not code %s and field %s", code, field), false;
	mp_as_str(mp_get(e, "message"), &msg, &mn);
	if (!mn || mn > 1024 || memchr(msg, '\n', mn) || !memmem(msg, mn, field, strlen(field)))
		return snprintf(why, size, "message \"%.*s\"", (int)mn, msg), false;
	if (lim && (!mp_as_uint(mp_get(e, "limit"), &got) || got != *lim))
		return snprintf(why, size, "limit %llu, not %llu", (unsigned long long)got,
				(unsigned long long)*lim), false;
	if (!lim && mp_get(e, "limit"))
		return snprintf(why, size, "a limit where none belongs"), false;
	return true;
}

/* One assertion: the call returned -1 and made exactly one reply: an
 * error as s_error says. */
static void refused(int rc, const char *code, const char *field, const uint64_t *lim, const char *what)
{
	char why[256] = "";
	int n = replies();
	bool good = rc == -1 && n == 1 && s_error(code, field, lim, why, sizeof why);

	if (!ok(good, "%s: -1, one %s reply naming %s%s", what, code, field, lim ? ", with limit" : ""))
		diag("rc %d, %d replies; %s", rc, n, why);
}

/* One assertion: the call returned want and made no reply. */
static void quiet(int rc, int want, bool also, const char *what)
{
	int n = replies();

	if (!ok(rc == want && n == 0 && also, "%s: %d, no reply", what, want))
		diag("rc %d, %d replies", rc, n);
}

/* quiet() on call, with cond read after the call. */
#define QUIET(call, want, cond, what) do { int rc_ = (call); quiet(rc_, want, (cond), what); } while (0)

/* ---- the readers ---- */

static void test_uint(void)
{
	uint64_t v = 99, lim = 100, big = MAX_INT53;

	with_other();
	QUIET(rq_uint(&cx, "n", 1, 100, &v), 0, v == 99, "rq_uint absent");
	with_nil("n");
	QUIET(rq_uint(&cx, "n", 1, 100, &v), 0, v == 99, "rq_uint nil (nil is absent)");
	with_uint("n", 1);
	QUIET(rq_uint(&cx, "n", 1, 100, &v), 1, v == 1, "rq_uint at the lower bound 1");
	with_uint("n", 100);
	QUIET(rq_uint(&cx, "n", 1, 100, &v), 1, v == 100, "rq_uint at the upper bound 100");
	with_raw("n", "\xd0\x32", 2);
	QUIET(rq_uint(&cx, "n", 1, 100, &v), 1, v == 50, "rq_uint 50 encoded as an int8");
	with_uint("n", 0);
	refused(rq_uint(&cx, "n", 1, 100, &v), "bad_request", "n", &lim, "rq_uint 0, below 1..100");
	with_uint("n", 101);
	refused(rq_uint(&cx, "n", 1, 100, &v), "bad_request", "n", &lim, "rq_uint 101, above 1..100");
	with_uint("rid", UINT64_MAX);
	refused(rq_uint(&cx, "rid", 0, MAX_INT53, &v), "bad_request", "rid", &big, "rq_uint 2^64-1 above 2^53-1");
	with_uint("rid", MAX_INT53);
	QUIET(rq_uint(&cx, "rid", 0, MAX_INT53, &v), 1, v == MAX_INT53, "rq_uint 2^53-1, at 0..2^53-1");
	with_int("n", -1);
	refused(rq_uint(&cx, "n", 0, 100, &v), "bad_request", "n", NULL, "rq_uint a negative int is the wrong type");
	with_str("n", "5");
	refused(rq_uint(&cx, "n", 0, 100, &v), "bad_request", "n", NULL, "rq_uint a str");
	with_float("n", 5.0);
	refused(rq_uint(&cx, "n", 0, 100, &v), "bad_request", "n", NULL, "rq_uint a float (5.0)");
	with_bool("n", true);
	refused(rq_uint(&cx, "n", 0, 100, &v), "bad_request", "n", NULL, "rq_uint a bool");
}

static void test_bool(void)
{
	bool v = true;

	with_other();
	QUIET(rq_bool(&cx, "wait", &v), 0, v, "rq_bool absent");
	with_nil("wait");
	QUIET(rq_bool(&cx, "wait", &v), 0, v, "rq_bool nil");
	with_bool("wait", false);
	QUIET(rq_bool(&cx, "wait", &v), 1, !v, "rq_bool false");
	with_bool("wait", true);
	QUIET(rq_bool(&cx, "wait", &v), 1, v, "rq_bool true");
	with_uint("wait", 1);
	refused(rq_bool(&cx, "wait", &v), "bad_request", "wait", NULL, "rq_bool 1 is not a bool");
	with_str("wait", "true");
	refused(rq_bool(&cx, "wait", &v), "bad_request", "wait", NULL, "rq_bool \"true\" is not a bool");
}

static void test_str(void)
{
	char buf[65], s64[65], s65[66], e64[65];
	uint64_t lim = 64, lim8 = 8;

	memset(s64, 'x', 64), s64[64] = '\0';
	memset(s65, 'x', 65), s65[65] = '\0';
	for (int i = 0; i < 64; i += 2)
		e64[i] = '\xc3', e64[i + 1] = '\xa9';	/* 32 x U+00E9: 64 bytes */
	e64[64] = '\0';
	strcpy(buf, "untouched");
	with_other();
	QUIET(rq_str(&cx, "label", 1, 64, buf), 0, !strcmp(buf, "untouched"), "rq_str absent");
	with_nil("label");
	QUIET(rq_str(&cx, "label", 1, 64, buf), 0, !strcmp(buf, "untouched"), "rq_str nil");
	with_str("label", "x");
	QUIET(rq_str(&cx, "label", 1, 64, buf), 1, !strcmp(buf, "x"), "rq_str 1 byte, the lower bound");
	with_str("label", s64);
	QUIET(rq_str(&cx, "label", 1, 64, buf), 1, !strcmp(buf, s64), "rq_str 64 bytes, the upper bound");
	with_str("label", e64);
	QUIET(rq_str(&cx, "label", 1, 64, buf), 1, !strcmp(buf, e64), "rq_str 64 bytes of 32 characters: bytes count");
	with_str("label", s65);
	refused(rq_str(&cx, "label", 1, 64, buf), "bad_request", "label", &lim, "rq_str 65 bytes, one too long");
	with_str("label", "");
	refused(rq_str(&cx, "label", 1, 64, buf), "bad_request", "label", &lim, "rq_str \"\", below 1 byte");
	with_str("idem", "123456789");
	refused(rq_str(&cx, "idem", 0, 8, buf), "bad_request", "idem", &lim8, "rq_str 9 bytes for at most 8");
	with_str("label", "");
	QUIET(rq_str(&cx, "label", 0, 64, buf), 1, !strcmp(buf, ""), "rq_str \"\" with a minimum of 0");
	with_bin("label", "abc");
	refused(rq_str(&cx, "label", 1, 64, buf), "bad_request", "label", NULL, "rq_str a bin is not a str");
	with_uint("label", 3);
	refused(rq_str(&cx, "label", 1, 64, buf), "bad_request", "label", NULL, "rq_str a uint");

	with_other();
	refused(rq_str_req(&cx, "lang", 1, 32, buf), "bad_request", "lang", NULL, "rq_str_req absent (is required)");
	ok(nr == 1 && memmem(rbuf[0], rlen[0], "is required", 11), "rq_str_req absent: the message says it is required");
	with_nil("lang");
	refused(rq_str_req(&cx, "lang", 1, 32, buf), "bad_request", "lang", NULL, "rq_str_req nil (absent)");
	with_str("lang", "c");
	QUIET(rq_str_req(&cx, "lang", 1, 32, buf), 1, !strcmp(buf, "c"), "rq_str_req present");
	with_uint("lang", 1);
	refused(rq_str_req(&cx, "lang", 1, 32, buf), "bad_request", "lang", NULL, "rq_str_req the wrong type");
	with_str("lang", s64);
	lim = 32;
	refused(rq_str_req(&cx, "lang", 1, 32, buf), "bad_request", "lang", &lim, "rq_str_req too long");
}

static void test_direct(void)
{
	uint64_t lim = 4096;
	int n;

	with_other();
	rq_bad(&cx, "files.2.name", "bad file name");
	refused(-1, "bad_request", "files.2.name", NULL, "rq_bad");
	rq_too_large(&cx, "stdin", 4096);
	refused(-1, "too_large", "stdin", &lim, "rq_too_large");
	rq.ridlen = 0;
	rq_bad(&cx, "x", "y");
	n = replies();
	ok(n == 1 && !mp_get(rdoc[0].root, "rid"), "a request without rid: the reply has none");
	rq.ridlen = 1;
}

/* ---- names ---- */

static char *rep(char c, int n)
{
	static char bufs[8][300];
	static int k;
	char *p = bufs[k++ % 8];

	memset(p, c, (size_t)n), p[n] = '\0';
	return p;
}

static void fname(const char *p, bool want, const char *what)
{
	ok(rq_file_name_ok(p, strlen(p)) == want, "file name %s: %s", want ? "good" : "refused", what);
}

static void test_files(void)
{
	char b[400];

	fname("main.c", true, "main.c");
	fname("a", true, "one byte");
	fname("src/util/x_y+z-1.H", true, "components of A-Z a-z 0-9 . _ + -");
	fname("a.b.c", true, "dots inside");
	fname("", false, "empty");
	fname("/etc/passwd", false, "absolute (an empty first component)");
	fname("a/", false, "a trailing slash");
	fname("a//b", false, "an empty component");
	fname(".hidden", false, "starting with .");
	fname("..", false, "..");
	fname("a/../b", false, "a .. component");
	fname("a/.b", false, "a later component starting with .");
	fname("-o", false, "starting with - (a compiler option)");
	fname("a/-b", false, "a later component starting with -");
	fname("a b", false, "a space");
	fname("a\\b", false, "a backslash");
	fname("a:b", false, "a colon");
	fname("\xc3\xa9.c", false, "a non-ASCII letter");
	fname(rep('a', 64), true, "a component of 64 bytes");
	fname(rep('a', 65), false, "a component of 65 bytes");
	snprintf(b, sizeof b, "d/%s/f", rep('b', 64));
	fname(b, true, "a 64-byte component in the middle");
	snprintf(b, sizeof b, "d/%s/f", rep('b', 65));
	fname(b, false, "a 65-byte component in the middle");
	fname("a/b/c/d/e/f/g/h", true, "8 components");
	fname("a/b/c/d/e/f/g/h/i", false, "9 components");
	snprintf(b, sizeof b, "%s/%s/%s/%s", rep('a', 63), rep('b', 63), rep('c', 63), rep('d', 63));
	fname(b, true, "255 bytes in all (4 x 63 + 3)");
	snprintf(b, sizeof b, "%s/%s/%s/%s", rep('a', 63), rep('b', 63), rep('c', 63), rep('d', 64));
	fname(b, false, "256 bytes in all, each component good");
	ok(rq_file_name_ok("main.c/../../x", 6), "file name: only the n bytes given are read (main.c of main.c/..)");
	ok(!rq_file_name_ok("main.c", 0), "file name refused: n = 0");
	ok(!rq_file_name_ok("a\0b", 3), "%s",
	     "file name refused: a NUL byte inside (\"a\\0b\", 3)");
}

static void user_nm(const char *s, bool want, const char *what)
{
	ok(rq_user_name_ok(s) == want, "user name %s: %s", want ? "good" : "refused", what);
}

static void test_users(void)
{
	char b[64];

	user_nm("alice", true, "alice");
	user_nm("_svc", true, "starting with _");
	user_nm("a", true, "one letter");
	user_nm("a0_.-z", true, "[a-z_][a-z0-9_.-]*");
	snprintf(b, sizeof b, "u%s", rep('x', 31));
	user_nm(b, true, "32 bytes");
	snprintf(b, sizeof b, "u%s", rep('x', 32));
	user_nm(b, false, "33 bytes");
	user_nm("", false, "empty");
	user_nm("Alice", false, "upper case");
	user_nm("1abc", false, "starting with a digit");
	user_nm("-a", false, "starting with -");
	user_nm(".a", false, "starting with .");
	user_nm("a b", false, "a space");
	user_nm("a:b", false, "a colon (only uid:N has one)");
	user_nm("uid:0", true, "uid:0");
	user_nm("uid:1000", true, "uid:1000");
	snprintf(b, sizeof b, "uid:%s", rep('9', 28));
	user_nm(b, true, "uid: and 28 digits, 32 bytes");
	snprintf(b, sizeof b, "uid:%s", rep('9', 29));
	user_nm(b, false, "uid: and 29 digits, 33 bytes");
	user_nm("uid:", false, "uid: without digits");
	user_nm("uid:12a", false, "uid: with a letter");
	user_nm("uid:-1", false, "uid:-1");
	user_nm("UID:1", false, "UID:1");
}

static void pid(const char *s, bool want, const char *what)
{
	ok(rq_problem_id_ok(s) == want, "problem id %s: %s", want ? "good" : "refused", what);
}

static void test_problems(void)
{
	char b[80];

	pid("a", true, "one letter");
	pid("0", true, "one digit");
	pid("hello-world_2", true, "[a-z0-9][a-z0-9_-]*");
	snprintf(b, sizeof b, "p%s", rep('-', 63));
	pid(b, true, "64 bytes");
	snprintf(b, sizeof b, "p%s", rep('-', 64));
	pid(b, false, "65 bytes");
	pid("", false, "empty");
	pid("_a", false, "starting with _");
	pid("-a", false, "starting with -");
	pid("Abc", false, "upper case");
	pid("a.b", false, "a dot");
	pid("a/b", false, "a slash");
	pid("a b", false, "a space");
}

int main(void)
{
	conf_t conf;
	mp_w rid;
	void *zc;
	store_t *st;

	plan(PLAN);
	memset(&conf, 0, sizeof conf);
	tmpdir_make(dir);
	snprintf(conf.state_dir, sizeof conf.state_dir, "%s", dir);
	st = store_new(&conf);
	zc = zmq_ctx_new();
	router = zmq_socket(zc, ZMQ_ROUTER);
	dealer = zmq_socket(zc, ZMQ_DEALER);
	int tmo = 5000, zero = 0;
	zmq_setsockopt(dealer, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
	zmq_setsockopt(dealer, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(router, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "client", 6);
	if (!st || zmq_bind(router, "inproc://request_test") || zmq_connect(dealer, "inproc://request_test"))
		diag("setup: %s", zmq_strerror(zmq_errno())), exit(2);
	rq.out = outbox_new(st);
	memcpy(rq.id, "client", 6), rq.idlen = 6;
	snprintf(rq.user, sizeof rq.user, "alice");
	mp_w_init(&rid);
	mp_w_uint(&rid, 7);
	memcpy(rq.rid, rid.buf, rid.len), rq.ridlen = rid.len;
	mp_w_free(&rid);
	outbox_sockets(rq.out, router, NULL, NULL, NULL);
	zmq_send(dealer, "hello", 5, 0);	/* the ROUTER knows the peer once it is here */
	char hb[16];
	if (zmq_recv(router, hb, sizeof hb, 0) != 6 || zmq_recv(router, hb, sizeof hb, 0) != 5)
		diag("setup: no hello"), exit(2);

	test_uint();
	test_bool();
	test_str();
	test_direct();
	test_files();
	test_users();
	test_problems();

	for (int i = 0; i < nr; i++)
		mp_doc_free(&rdoc[i]), free(rbuf[i]);
	mp_doc_free(&doc);
	mp_w_free(&req);
	outbox_destroy(&rq.out);
	store_destroy(&st);
	zmq_close(dealer), zmq_close(router);
	zmq_ctx_term(zc);
	if (tap_n != PLAN)
		diag("planned %d, ran %d", PLAN, tap_n);
	return done();
}
