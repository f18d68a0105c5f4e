/* judgebox: the command-line client of judgeboxd.
 *
 * It speaks the wire protocol of proto/PROTOCOL.md: one DEALER socket for
 * requests (canonical form, an empty delimiter frame before the body,
 * section 2.2) and, for progress, one SUB socket (section 11). Every wait
 * is bounded by a timeout, because a daemon that is not running gives
 * silence, not an error (section 2.4). Replies are untrusted input: a reply
 * that does not parse is reported (exit 5), never asserted on.
 * judgebox(1) is the reference for commands, output and exit statuses.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>
#include "../proto/mp.h"

#ifndef JUDGEBOX_VERSION
#define JUDGEBOX_VERSION "0.2.0"
#endif

/* Exit statuses: judgebox(1), EXIT STATUS. */
enum {
	RC_OK = 0,		/* done; an ended job's status was ok */
	RC_STATUS = 1,		/* the job ended otherwise, or was cancelled/failed */
	RC_USAGE = 2,		/* bad command line, unreadable input file */
	RC_DAEMON = 3,		/* judgeboxd answered with an error */
	RC_NOANSWER = 4,	/* no answer, or the endpoint is unusable */
	RC_INTERNAL = 5,	/* unreadable reply, out of memory, write error */
};

#define DEFAULT_ENDPOINT "ipc:///run/judgebox/requests.sock"
#define DEFAULT_EVENTS	 "ipc:///run/judgebox/events.sock"
#define TIMEOUT_MS	 5000		/* a request that does not wait */
#define WAIT_MS		 60000		/* wait_ms of a waiting request */
#define WAIT_MARGIN_MS	 10000		/* a waiting request's timeout is wait_ms + this */
#define QUIET_MS	 2000		/* watch: get again after this long without events */
#define MAX_ID		 ((1ULL << 53) - 1)
#define MAX_FILE_BYTES	 (64u << 20)	/* larger files than this are refused locally */
#define MAX_STATES	 6
#define PROTO_V		 2		/* the highest protocol version we speak */
#define TEST_NAME_MAX	 64		/* a test name: one file name component */
#define TEST_SHOW_MAX	 255		/* a name shown (a problem's: group/.../name) */
#define SIZE_CHECK	 (1u << 20)	/* larger requests check max_request first */

static const char *const s_limit_names[] = {
	"cpu_ms", "wall_ms", "memory_kb", "procs", "fsize_kb",
	"stack_kb", "nofile", "tmp_kb", "output_kb",
};
#define N_LIMITS (sizeof s_limit_names / sizeof s_limit_names[0])

/* Long option codes, and the bit of each option that commands allow. */
enum {
	OPT_EVENTS = 1000, OPT_JSON, OPT_TIMEOUT, OPT_VERSION, OPT_STDIN_TEXT,
	OPT_LABEL, OPT_IDEM, OPT_SOURCE, OPT_USER, OPT_STATE, OPT_LIMIT,
	OPT_ALL, OPT_CURSOR, OPT_TESTS, OPT_CASE, OPT_COMPARE, OPT_NO_KEEP, OPT_ID,
	OPT_LIMITS = 1100, OPT_CMP_BOOL = 1200, OPT_CMP_FLOAT = 1300,
};
enum {
	F_LANG = 1 << 0, F_STDIN = 1 << 1, F_LIMITS = 1 << 2, F_LABEL = 1 << 3,
	F_IDEM = 1 << 4, F_ARGS = 1 << 5, F_SOURCE = 1 << 6, F_USER = 1 << 7,
	F_STATE = 1 << 8, F_LIMIT = 1 << 9, F_ALL = 1 << 10, F_CURSOR = 1 << 11,
	F_TESTS = 1 << 12, F_COMPARE = 1 << 13, F_KEEP = 1 << 14, F_ID = 1 << 15,
};
#define F_RUN  (F_LANG | F_STDIN | F_LIMITS | F_LABEL | F_IDEM | F_ARGS)
#define F_HIST (F_LANG | F_LABEL | F_USER | F_STATE | F_LIMIT | F_ALL | F_CURSOR)
#define F_JUDGE ((F_RUN & ~F_STDIN) | F_ALL | F_TESTS | F_COMPARE | F_KEEP)

/* test's compare map (PROTOCOL.md 14.2): its bool keys, then its
 * tolerances, in the order of their options. */
static const char *const s_cmp_bools[] = {
	"case_sensitive", "space_change_sensitive", "trim",
	"ignore_trailing_space", "ignore_empty_lines",
};
#define N_CMP_BOOLS (sizeof s_cmp_bools / sizeof s_cmp_bools[0])
static const char *const s_cmp_floats[] = {
	"float_tolerance", "float_absolute_tolerance", "float_relative_tolerance",
};
#define N_CMP_FLOATS (sizeof s_cmp_floats / sizeof s_cmp_floats[0])

/* Where test's tests come from, in command-line order: a directory of
 * NAME.in + NAME.ans pairs (--tests), or one pair (--case IN ANS). */
typedef struct {
	const char *dir, *in, *ans;
} s_tsrc;

/* One test, once the sources are read: its name and its two files. */
typedef struct {
	char name[TEST_NAME_MAX + 1];
	char *in, *ans;
} s_case;

typedef struct {
	const char *endpoint, *events;
	bool json, quiet, source, all, help, version;
	long timeout_ms;			/* -1: the default */
	const char *lang, *stdin_file, *stdin_text, *label, *idem, *user, *cursor;
	const char *id;				/* problem verify --id */
	const char *states[MAX_STATES];
	int nstates;
	uint64_t limit;				/* history page size; 0: the daemon's */
	uint64_t limits[N_LIMITS];		/* 0: not given */
	s_tsrc *tsrc;				/* test: --tests and --case */
	int ntsrc;
	const char *compare;			/* test: --compare MODE */
	unsigned cmp_bools;			/* bit i: s_cmp_bools[i] given */
	unsigned cmp_floats_set;		/* bit i: s_cmp_floats[i] given */
	double cmp_floats[N_CMP_FLOATS];
	bool no_keep;
	const char *cmd;
	char **operands;
	int noperands;
	char **args;
	int nargs;
	unsigned seen;				/* F_* of the options given */
} s_opts;

typedef struct {
	void *ctx, *req, *sub;
	uint64_t rid;				/* the last rid sent */
} s_conn;

typedef struct {
	s_opts o;
	s_conn c;
	bool tty;				/* stderr is a terminal */
	char **files;				/* the program's files (operands) */
	int nfiles;
	const char *problem;			/* judge: the problem id */
	s_case *cases;				/* test: the tests, in order */
	int ncases, cases_cap;
	int ttotal, twidth;			/* test lines: count, name width */
	bool *shown;				/* test lines printed, by index */
	uint64_t attempt;			/* test: the attempt being shown */
} s_ctx;

/* An outgoing request: a map whose size is patched when it is sent. */
typedef struct {
	mp_w w;
	size_t mark;
	uint32_t n;
} s_req;

/* An incoming message: its bytes (which msgpack objects point into) and
 * the parsed document. */
typedef struct {
	char *buf;
	size_t len;
	mp_doc doc;
	bool parsed;
	const msgpack_object *root;
} s_in;

/* Progress shown on stderr: one line updated in place on a terminal. */
typedef struct {
	bool show, inplace, open;
	char last[32];
} s_progress;

typedef struct {
	char id[64];
	char source[256];
	bool available;				/* its toolchain is on the host */
} s_lang;

/* ---- small utilities ---- */

/* Milliseconds of the monotonic clock. */
static int64_t s_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A usage error: message, hint, RC_USAGE. */
static int s_usage_err(const char *what, const char *arg)
{
	fprintf(stderr, "judgebox: %s%s%s\nTry 'judgebox --help'.\n", what,
		arg ? ": " : "", arg ? arg : "");
	return RC_USAGE;
}

/* Parse a decimal in [min, max]; false if it is not one. */
static bool s_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return false;
	*v = n;
	return true;
}

/* Read a whole file ("-" is standard input) into a new buffer. */
static int s_slurp(const char *path, char **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 0, n = 0;
	char *p = NULL, *q = NULL;
	if (!f) {
		fprintf(stderr, "judgebox: %s: %s\n", path, strerror(errno));
		return RC_USAGE;
	}
	while (n == cap && cap <= MAX_FILE_BYTES) {
		cap = cap ? cap * 2 : 65536;
		if (cap > MAX_FILE_BYTES + 1)
			cap = MAX_FILE_BYTES + 1;
		if (!(q = realloc(p, cap)))
			break;
		p = q;
		n += fread(p + n, 1, cap - n, f);
	}
	int err = ferror(f);
	if (f != stdin)
		fclose(f);
	if (!q || err || n > MAX_FILE_BYTES) {
		fprintf(stderr, "judgebox: %s: %s\n", path, !q ? "out of memory" :
			err ? "read error" : "too large (over 64 MiB)");
		free(p);
		return !q ? RC_INTERNAL : RC_USAGE;
	}
	*buf = p;
	*len = n;
	return RC_OK;
}

/* True if p[0..n) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
static bool s_utf8(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		size_t len;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			len = 2, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			len = 3, cp = c & 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			len = 4, cp = c & 0x07, min = 0x10000;
		else
			return false;
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (uint32_t)(p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* ---- reading replies: tolerant accessors with defaults ---- */

/* A uint field, or def if it is absent or not a uint. */
static uint64_t s_u64(const msgpack_object *map, const char *key, uint64_t def)
{
	uint64_t v;
	return map && mp_as_uint(mp_get(map, key), &v) ? v : def;
}

/* A bool field, or false. */
static bool s_bool(const msgpack_object *map, const char *key)
{
	bool v;
	return map && mp_as_bool(mp_get(map, key), &v) && v;
}

/* A map field, or NULL. */
static const msgpack_object *s_map(const msgpack_object *map, const char *key)
{
	const msgpack_object *o = map ? mp_get(map, key) : NULL;
	return o && o->type == MSGPACK_OBJECT_MAP ? o : NULL;
}

/* An array field, or NULL. */
static const msgpack_object *s_array(const msgpack_object *map, const char *key)
{
	const msgpack_object *o = map ? mp_get(map, key) : NULL;
	return o && o->type == MSGPACK_OBJECT_ARRAY ? o : NULL;
}

/* A str field copied into buf, cut to fit; def if absent or not a str. */
static const char *s_str(const msgpack_object *map, const char *key, char *buf,
			 size_t size, const char *def)
{
	const char *p;
	size_t n;
	if (!map || !mp_as_str(mp_get(map, key), &p, &n))
		return def;
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* judged, cancelled and failed never change (PROTOCOL.md 10.2). */
static bool s_terminal(const char *state)
{
	return !strcmp(state, "judged") || !strcmp(state, "cancelled") ||
	       !strcmp(state, "failed");
}

/* ---- JSON output (--json): bin is a string if it is valid UTF-8,
 * else {"base64": "..."}; see judgebox(1), JSON OUTPUT ---- */

static void s_json_base64(FILE *f, const unsigned char *p, size_t n)
{
	static const char t[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	fputs("{\"base64\":\"", f);
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		putc(t[v >> 18 & 63], f);
		putc(t[v >> 12 & 63], f);
		putc(i + 1 < n ? t[v >> 6 & 63] : '=', f);
		putc(i + 2 < n ? t[v & 63] : '=', f);
	}
	fputs("\"}", f);
}

/* A str or bin: a JSON string if it is valid UTF-8, else base64. */
static void s_json_bytes(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!s_utf8(p, n)) {
		s_json_base64(f, p, n);
		return;
	}
	putc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned c = p[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			putc((int)c, f);
	}
	putc('"', f);
}

static void s_json(FILE *f, const msgpack_object *o);

/* A map with str keys as a JSON object. */
static void s_json_map(FILE *f, const msgpack_object *o)
{
	bool first = true;
	putc('{', f);
	for (uint32_t i = 0; i < o->via.map.size; i++) {
		const msgpack_object_kv *kv = &o->via.map.ptr[i];
		if (kv->key.type != MSGPACK_OBJECT_STR)
			continue;	/* mp_parse refuses these; JSON cannot hold them */
		if (!first)
			putc(',', f);
		first = false;
		s_json_bytes(f, kv->key.via.str.ptr, kv->key.via.str.size);
		putc(':', f);
		s_json(f, &kv->val);
	}
	putc('}', f);
}

/* Any decoded object as JSON; nil and ext (never sent) as null. */
static void s_json(FILE *f, const msgpack_object *o)
{
	switch (o->type) {
	case MSGPACK_OBJECT_BOOLEAN:
		fputs(o->via.boolean ? "true" : "false", f);
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		fprintf(f, "%" PRIu64, o->via.u64);
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		fprintf(f, "%" PRId64, o->via.i64);
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		if (isfinite(o->via.f64))
			fprintf(f, "%.17g", o->via.f64);
		else
			fputs("null", f);
		break;
	case MSGPACK_OBJECT_STR:
		s_json_bytes(f, o->via.str.ptr, o->via.str.size);
		break;
	case MSGPACK_OBJECT_BIN:
		s_json_bytes(f, o->via.bin.ptr, o->via.bin.size);
		break;
	case MSGPACK_OBJECT_ARRAY:
		putc('[', f);
		for (uint32_t i = 0; i < o->via.array.size; i++) {
			if (i)
				putc(',', f);
			s_json(f, &o->via.array.ptr[i]);
		}
		putc(']', f);
		break;
	case MSGPACK_OBJECT_MAP:
		s_json_map(f, o);
		break;
	default:		/* nil, ext */
		fputs("null", f);
	}
}

/* Print a reply's own fields as one JSON object, without ok, rid and v. */
static void s_json_fields(const msgpack_object *root)
{
	bool first = true;
	putchar('{');
	for (uint32_t i = 0; i < root->via.map.size; i++) {
		const msgpack_object_kv *kv = &root->via.map.ptr[i];
		if (kv->key.type != MSGPACK_OBJECT_STR || mp_str_eq(&kv->key, "ok") ||
		    mp_str_eq(&kv->key, "rid") || mp_str_eq(&kv->key, "v"))
			continue;
		if (!first)
			putchar(',');
		first = false;
		s_json_bytes(stdout, kv->key.via.str.ptr, kv->key.via.str.size);
		putchar(':');
		s_json(stdout, &kv->val);
	}
	puts("}");
}

/* ---- requests ---- */

static void s_key(s_req *r, const char *k)
{
	mp_w_str(&r->w, k);
	r->n++;
}

/* Key/value shorthands that count the entry. */
static void s_kstr(s_req *r, const char *k, const char *v)
{
	s_key(r, k);
	mp_w_str(&r->w, v);
}

static void s_kuint(s_req *r, const char *k, uint64_t v)
{
	s_key(r, k);
	mp_w_uint(&r->w, v);
}

static void s_kbool(s_req *r, const char *k, bool v)
{
	s_key(r, k);
	mp_w_bool(&r->w, v);
}

/* Start a request map with its op. */
static void s_req_begin(s_req *r, const char *op)
{
	mp_w_init(&r->w);
	r->mark = mp_w_map_begin(&r->w);
	r->n = 0;
	s_kstr(r, "op", op);
}

/* Free a message; safe on a zeroed or already freed one. */
static void s_in_free(s_in *in)
{
	if (in->parsed)
		mp_doc_free(&in->doc);
	free(in->buf);
	memset(in, 0, sizeof *in);
}

/* Parse a received body; a body that is not a valid map is RC_INTERNAL. */
static int s_in_parse(s_in *in, const char *what)
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
static int s_recv(void *sock, s_in *in, int *frames)
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

static void s_no_answer(const s_ctx *x, long ms);

/* Send r (rid added) in the canonical DEALER form [""][body]. */
static int s_send(s_ctx *x, s_req *r, long timeout)
{
	size_t len;
	s_kuint(r, "rid", ++x->c.rid);
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
static int s_daemon_error(const s_ctx *x, const msgpack_object *root)
{
	const msgpack_object *e = s_map(root, "error");
	char code[64], msg[1100], scope[32];
	fprintf(stderr, "judgebox: %s: %s", s_str(e, "code", code, sizeof code, "error"),
		s_str(e, "message", msg, sizeof msg, "(no message)"));
	if (s_str(e, "scope", scope, sizeof scope, NULL))
		fprintf(stderr, " (scope %s)", scope);
	fputc('\n', stderr);
	if (x->o.json && e) {
		fputs("{\"error\":", stdout);
		s_json(stdout, e);
		puts("}");
	}
	return RC_DAEMON;
}

/* Wait for the reply to the last request until the deadline. */
static int s_wait_reply(s_ctx *x, long timeout, s_in *in)
{
	int64_t deadline = s_now() + timeout;
	for (;;) {
		zmq_pollitem_t it = { x->c.req, 0, ZMQ_POLLIN, 0 };
		int64_t left = deadline - s_now();
		if (left <= 0 || zmq_poll(&it, 1, (long)left) != 1) {
			s_no_answer(x, timeout);
			return RC_NOANSWER;
		}
		int frames, rc = s_recv(x->c.req, in, &frames);
		if (rc == RC_OK)
			rc = s_in_parse(in, "reply");
		if (rc != RC_OK || s_is_ours(in->root, x->c.rid))
			return rc;
		s_in_free(in);	/* a late reply to an earlier request */
	}
}

/* Send r and wait for its reply; an error reply is printed (RC_DAEMON). */
static int s_call(s_ctx *x, s_req *r, long timeout, s_in *in)
{
	memset(in, 0, sizeof *in);
	int rc = s_send(x, r, timeout);
	if (rc == RC_OK)
		rc = s_wait_reply(x, timeout, in);
	if (rc == RC_OK && !s_bool(in->root, "ok"))
		rc = s_daemon_error(x, in->root);
	return rc;
}

/* The timeout of a request that does not wait, and of one that does. */
static long s_timeout(const s_ctx *x)
{
	return x->o.timeout_ms > 0 ? x->o.timeout_ms : TIMEOUT_MS;
}

static long s_wait_timeout(const s_ctx *x)
{
	return x->o.timeout_ms > 0 ? x->o.timeout_ms : WAIT_MS + WAIT_MARGIN_MS;
}

/* wait_ms for a waiting request, so that the daemon answers in time. */
static uint64_t s_wait_ms(const s_ctx *x)
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

/* ---- connection ---- */

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
static void s_no_answer(const s_ctx *x, long ms)
{
	fprintf(stderr, "judgebox: judgeboxd did not answer at %s within %ld ms "
		"(is it running?)\n", x->o.endpoint, ms);
	if (!strncmp(x->o.endpoint, "ipc://", 6))
		s_ipc_hint(x->o.endpoint);
}

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
static int s_socket(s_ctx *x, int type, const char *endpoint, void **sock)
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

/* The context and the DEALER; the SUB is opened when a job is followed. */
static int s_conn_open(s_ctx *x)
{
	x->c.ctx = zmq_ctx_new();
	if (!x->c.ctx) {
		fprintf(stderr, "judgebox: zmq_ctx_new: %s\n", zmq_strerror(zmq_errno()));
		return RC_INTERNAL;
	}
	return s_socket(x, ZMQ_DEALER, x->o.endpoint, &x->c.req);
}

/* Close what is open (LINGER 0: nothing waits). */
static void s_conn_close(s_ctx *x)
{
	if (x->c.sub)
		zmq_close(x->c.sub);
	if (x->c.req)
		zmq_close(x->c.req);
	if (x->c.ctx)
		zmq_ctx_term(x->c.ctx);
}

/* Subscribe to job id's topic "job.ID." (PROTOCOL.md 2.3). */
static int s_subscribe(s_ctx *x, uint64_t id)
{
	char topic[32];
	int rc = RC_OK;
	if (!x->c.sub)
		rc = s_socket(x, ZMQ_SUB, x->o.events, &x->c.sub);
	snprintf(topic, sizeof topic, "job.%" PRIu64 ".", id);
	if (rc == RC_OK && zmq_setsockopt(x->c.sub, ZMQ_SUBSCRIBE, topic, strlen(topic))) {
		fprintf(stderr, "judgebox: subscribe: %s\n", zmq_strerror(zmq_errno()));
		rc = RC_INTERNAL;
	}
	return rc;
}

/* ---- showing jobs ---- */

static void s_fmt_time(uint64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!ms || !localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "-");
}

/* KiB below 1 MiB, else MiB with one decimal. */
static void s_fmt_mem(uint64_t kb, char *buf, size_t size)
{
	if (kb < 1024)
		snprintf(buf, size, "%" PRIu64 " KiB", kb);
	else
		snprintf(buf, size, "%.1f MiB", (double)kb / 1024.0);
}

/* "exit N" or "signal NAME", then the figures, of a result or a compile. */
static void s_print_figures(const msgpack_object *r)
{
	char name[32], mem[32];
	uint64_t sig = s_u64(r, "signal", 0);
	if (sig)
		printf("signal %s", s_str(r, "signal_name", name, sizeof name, "?"));
	else
		printf("exit %" PRIu64, s_u64(r, "exit_code", 0));
	if (sig && !strcmp(name, "?"))
		printf(" (%" PRIu64 ")", sig);
	s_fmt_mem(s_u64(r, "memory_kb", 0), mem, sizeof mem);
	printf("  cpu %" PRIu64 " ms  wall %" PRIu64 " ms  mem %s",
	       s_u64(r, "cpu_ms", 0), s_u64(r, "wall_ms", 0), mem);
}

/* "  syscall NAME(ARG, ...)" of a violation. */
static void s_print_violation(const msgpack_object *r)
{
	const msgpack_object *v = s_map(r, "violation"), *args = s_array(v, "args");
	char name[64];
	if (!v)
		return;
	printf("  syscall %s(", s_str(v, "syscall", name, sizeof name, "unknown"));
	for (uint32_t i = 0; args && i < args->via.array.size; i++) {
		const char *p;
		size_t n;
		if (mp_as_str(&args->via.array.ptr[i], &p, &n))
			printf("%s%.*s", i ? ", " : "", (int)n, p);
	}
	putchar(')');
}

/* Write a bin field's bytes to f; true if there were any. */
static bool s_write_bin(FILE *f, const msgpack_object *map, const char *key)
{
	const char *p;
	size_t n;
	if (!map || !mp_as_bin(mp_get(map, key), &p, &n) || !n)
		return false;
	fflush(stdout);
	fwrite(p, 1, n, f);
	fflush(f);
	return true;
}

/* Note on stderr that a stream was cut (PROTOCOL.md section 6). */
static void s_note_truncated(const msgpack_object *r, const char *what,
			     const char *data, const char *bytes, const char *flag)
{
	const char *p;
	size_t n = 0;
	if (!s_bool(r, flag))
		return;
	mp_as_bin(mp_get(r, data), &p, &n);
	fprintf(stderr, "judgebox: %s truncated: %zu of %" PRIu64 " bytes shown\n",
		what, n, s_u64(r, bytes, 0));
}

/* The compiler's messages, verbatim, on stderr. */
static void s_print_compile(const msgpack_object *r)
{
	const msgpack_object *c = s_map(r, "compile");
	if (!c)
		return;
	s_write_bin(stderr, c, "output");
	s_note_truncated(c, "compiler output", "output", "output_bytes", "output_truncated");
}

/* The status line of an ended run, then the compiler's and the program's output. */
static int s_print_result(const msgpack_object *r)
{
	char status[64], cstatus[64], msg[1100];
	const msgpack_object *c = s_map(r, "compile");
	s_str(r, "status", status, sizeof status, "?");
	/* "exit 3", "signal SIGSEGV": the figures name these two statuses. */
	bool named = strcmp(status, "exit") && strcmp(status, "signal");
	if (named)
		printf("%s", status);
	if (!strcmp(status, "compile_error")) {
		printf("  compiler %s", s_str(c, "status", cstatus, sizeof cstatus, "?"));
		if (c && !strcmp(cstatus, "exit"))
			printf(" %" PRIu64, s_u64(c, "exit_code", 0));
	} else if (mp_get(r, "exit_code") || mp_get(r, "signal")) {
		fputs(named ? "  " : "", stdout);
		s_print_figures(r);
		s_print_violation(r);
	}
	if (s_str(r, "message", msg, sizeof msg, NULL))
		printf("  %s", msg);
	putchar('\n');
	s_print_compile(r);
	s_write_bin(stdout, r, "stdout");
	s_write_bin(stderr, r, "stderr");
	s_note_truncated(r, "stdout", "stdout", "stdout_bytes", "stdout_truncated");
	s_note_truncated(r, "stderr", "stderr", "stderr_bytes", "stderr_truncated");
	return strcmp(status, "ok") ? RC_STATUS : RC_OK;
}

/* ---- a test job's verdict (PROTOCOL.md 14.1) ---- */

/* Digits of n, for the width of "3/12". */
static int s_digits(int n)
{
	int d = 1;
	while (n >= 10)
		n /= 10, d++;
	return d;
}

/* The number of test lines, when it was not known before: allocate the
 * record of the lines shown. total is cut to what a job can have. */
static int s_test_total(s_ctx *x, uint64_t total)
{
	if (x->ttotal || !total)
		return RC_OK;
	x->ttotal = total > 100000 ? 100000 : (int)total;
	if (!(x->shown = calloc((size_t)x->ttotal, sizeof *x->shown))) {
		x->ttotal = 0;
		fputs("judgebox: out of memory\n", stderr);
		return RC_INTERNAL;
	}
	return RC_OK;
}

/* For status, watch and judge: the test lines' total (the result's total,
 * which counts the tests that did not run) and name width from the result
 * (the test command takes them from its own tests). */
static int s_test_view(s_ctx *x, const msgpack_object *r)
{
	const msgpack_object *tests = s_array(r, "tests");
	uint64_t total = s_u64(r, "total", 0);
	if (x->ttotal || !tests || !tests->via.array.size)
		return RC_OK;
	if (total < tests->via.array.size)
		total = tests->via.array.size;
	for (uint32_t i = 0; i < tests->via.array.size; i++) {
		const char *p;
		size_t n;
		if (mp_as_str(mp_get(&tests->via.array.ptr[i], "name"), &p, &n) &&
		    (int)n > x->twidth)
			x->twidth = n > TEST_SHOW_MAX ? TEST_SHOW_MAX : (int)n;
	}
	return s_test_total(x, total);
}

/* "  3/5 big        wrong_answer  12 ms  3.1 MiB" for test idx (from 1),
 * from a test event's or the result's map; each test once. The names are
 * padded to the longest known (judge learns them as the tests end). */
static void s_test_line(s_ctx *x, uint64_t idx, const msgpack_object *t)
{
	char name[TEST_SHOW_MAX + 1], verdict[32], mem[32];
	if (!t || idx < 1 || idx > (uint64_t)x->ttotal || x->shown[idx - 1])
		return;
	x->shown[idx - 1] = true;
	s_str(t, "name", name, sizeof name, "?");
	if ((int)strlen(name) > x->twidth)
		x->twidth = (int)strlen(name);
	s_fmt_mem(s_u64(t, "memory_kb", 0), mem, sizeof mem);
	printf("  %*" PRIu64 "/%d %-*s  %s  %" PRIu64 " ms  %s\n", s_digits(x->ttotal), idx,
	       x->ttotal, x->twidth, name, s_str(t, "verdict", verdict, sizeof verdict, "?"),
	       s_u64(t, "cpu_ms", 0), mem);
	fflush(stdout);
}

/* Why a test failed when the comparison said nothing: from its status. */
static void s_test_why(const msgpack_object *t, char *buf, size_t size)
{
	char status[32], sc[64], mem[32];
	const char *abbrev;
	uint64_t sig = s_u64(t, "signal", 0);
	s_str(t, "status", status, sizeof status, "");
	if (!strcmp(status, "exit"))
		snprintf(buf, size, "exit %" PRIu64, s_u64(t, "exit_code", 0));
	else if (!strcmp(status, "signal") && (abbrev = sigabbrev_np((int)sig)))
		snprintf(buf, size, "signal SIG%s", abbrev);
	else if (!strcmp(status, "signal"))
		snprintf(buf, size, "signal %" PRIu64, sig);
	else if (s_str(s_map(t, "violation"), "syscall", sc, sizeof sc, NULL))
		snprintf(buf, size, "syscall %s", sc);
	else if (!strcmp(status, "cpu_limit"))
		snprintf(buf, size, "cpu_limit, cpu %" PRIu64 " ms", s_u64(t, "cpu_ms", 0));
	else if (!strcmp(status, "wall_limit"))
		snprintf(buf, size, "wall_limit, wall %" PRIu64 " ms", s_u64(t, "wall_ms", 0));
	else if (!strcmp(status, "memory_limit")) {
		s_fmt_mem(s_u64(t, "memory_kb", 0), mem, sizeof mem);
		snprintf(buf, size, "memory_limit, mem %s", mem);
	} else
		snprintf(buf, size, "%s", status);
}

/* "  score 65" of a scoring problem's submission (PROTOCOL.md 14.4), and
 * its groups' scores and verdicts on the lines after the verdict line. */
static void s_print_score(const msgpack_object *r)
{
	double score;
	if (mp_as_float(mp_get(r, "score"), &score) && isfinite(score))
		printf("  score %g", score);
}

static void s_print_groups(const msgpack_object *r)
{
	const msgpack_object *g = s_array(r, "groups");
	double score;
	if (!mp_as_float(mp_get(r, "score"), &score) || !isfinite(score))
		return;
	for (uint32_t i = 0; g && i < g->via.array.size; i++) {
		const msgpack_object *e = &g->via.array.ptr[i];
		char name[200], verdict[32];
		double sc = 0;
		mp_as_float(mp_get(e, "score"), &sc);
		printf("  group %-24s %8g  %s\n", s_str(e, "name", name, sizeof name, "?"), sc,
		       s_str(e, "verdict", verdict, sizeof verdict, "?"));
	}
}

/* The verdict line: "accepted (5/5 tests)", or
 * "wrong_answer on test \"big\": wrong answer on line 3 ...", then the
 * score if the job has one. */
static int s_verdict_line(const s_ctx *x, const msgpack_object *r)
{
	const msgpack_object *tests = s_array(r, "tests"), *fail = NULL;
	char verdict[32], first[TEST_SHOW_MAX + 1], why[1100];
	uint32_t n = tests ? tests->via.array.size : 0, accepted = 0;
	s_str(r, "verdict", verdict, sizeof verdict, "?");
	s_str(r, "first_failure", first, sizeof first, "");
	for (uint32_t i = 0; i < n; i++) {
		const msgpack_object *t = &tests->via.array.ptr[i];
		bool acc = mp_str_eq(mp_get(t, "verdict"), "accepted");
		accepted += acc;
		if (!acc && !fail && (!*first || mp_str_eq(mp_get(t, "name"), first)))
			fail = t;
	}
	if (!strcmp(verdict, "accepted")) {
		printf("accepted (%" PRIu32 "/%d tests)", accepted, x->ttotal);
		s_print_score(r);
		putchar('\n');
		s_print_groups(r);
		return RC_OK;
	}
	if (!*first && fail)
		s_str(fail, "name", first, sizeof first, "?");
	printf("%s", verdict);
	if (*first)
		printf(" on test \"%s\"", first);
	if (fail && !s_str(fail, "message", why, sizeof why, NULL))
		*why = '\0';
	if (fail && !*why)
		s_test_why(fail, why, sizeof why);
	if (!fail && !s_str(r, "message", why, sizeof why, NULL))
		*why = '\0';		/* a job-wide judge_error: its message */
	if (*why)
		printf(": %s", why);
	s_print_score(r);
	putchar('\n');
	s_print_groups(r);
	return RC_STATUS;
}

/* A judged test job: the lines not shown yet, the compiler's warnings,
 * the verdict line. */
static int s_print_verdict(s_ctx *x, const msgpack_object *r)
{
	const msgpack_object *tests = s_array(r, "tests");
	int rc = s_test_view(x, r);
	if (rc != RC_OK)
		return rc;
	for (uint32_t i = 0; tests && i < tests->via.array.size; i++)
		s_test_line(x, i + 1, &tests->via.array.ptr[i]);
	s_print_compile(r);
	return s_verdict_line(x, r);
}

/* A job's exit status: judgebox(1), EXIT STATUS. */
static int s_job_rc(const msgpack_object *job)
{
	char state[32], status[64];
	s_str(job, "state", state, sizeof state, "?");
	const msgpack_object *r = s_map(job, "result");
	if (!s_terminal(state))
		return RC_OK;
	if (mp_get(r, "verdict"))	/* a test job (PROTOCOL.md 14.1) */
		return !strcmp(state, "judged") && mp_str_eq(mp_get(r, "verdict"), "accepted") ?
		       RC_OK : RC_STATUS;
	s_str(r, "status", status, sizeof status, "");
	return !strcmp(state, "judged") && !strcmp(status, "ok") ? RC_OK : RC_STATUS;
}

/* Print a job as run does: the result of an ended job, else its state;
 * a judged test job as test does. */
static int s_show_job(s_ctx *x, const msgpack_object *job)
{
	char state[32];
	const msgpack_object *r = s_map(job, "result");
	if (x->o.json) {
		s_json(stdout, job);
		putchar('\n');
		return s_job_rc(job);
	}
	s_str(job, "state", state, sizeof state, "?");
	if (r && !strcmp(state, "judged") && mp_get(r, "verdict") &&
	    !mp_str_eq(mp_get(r, "status"), "compile_error"))
		return s_print_verdict(x, r);
	if (r && (!strcmp(state, "judged") || !strcmp(state, "failed"))) {
		if (!strcmp(state, "failed"))
			printf("failed  ");
		s_print_result(r);
	} else if (!strcmp(state, "cancelled"))
		puts("cancelled");
	else
		printf("%s (attempt %" PRIu64 ")\n", state, s_u64(job, "attempt", 1));
	return s_job_rc(job);
}

/* "job ID  STATE  LANG  user USER  label LABEL  created TIME" */
static void s_print_header(const msgpack_object *job)
{
	char state[32], lang[64], user[300], label[300], created[32];
	s_fmt_time(s_u64(job, "created_at", 0), created, sizeof created);
	printf("job %" PRIu64 "  %s  %s  user %s", s_u64(job, "id", 0),
	       s_str(job, "state", state, sizeof state, "?"),
	       s_str(job, "lang", lang, sizeof lang, "?"),
	       s_str(job, "user", user, sizeof user, "?"));
	if (s_str(job, "label", label, sizeof label, NULL))
		printf("  label %s", label);
	printf("  created %s\n", created);
}

/* The job's files (status --source), each after a "==> NAME <==" line. */
static void s_print_files(const msgpack_object *job)
{
	const msgpack_object *files = s_array(job, "files");
	char name[300];
	for (uint32_t i = 0; files && i < files->via.array.size; i++) {
		const msgpack_object *f = &files->via.array.ptr[i];
		if (f->type != MSGPACK_OBJECT_MAP)
			continue;
		printf("==> %s <==\n", s_str(f, "name", name, sizeof name, "?"));
		s_write_bin(stdout, f, "content");
	}
}

/* ---- progress ---- */

static void s_progress_show(s_progress *p, uint64_t id, const char *state)
{
	if (!p->show || !strcmp(p->last, state))
		return;
	snprintf(p->last, sizeof p->last, "%s", state);
	if (!p->inplace)
		fprintf(stderr, "job %" PRIu64 ": %s\n", id, state);
	else if (!p->open)
		fprintf(stderr, "job %" PRIu64 ": %s", id, state);
	else
		fprintf(stderr, " -> %s", state);
	p->open = p->inplace;
	fflush(stderr);
}

/* End the in-place line before anything else is printed. */
static void s_progress_end(s_progress *p)
{
	if (p->open)
		fputc('\n', stderr);
	p->open = false;
}

/* ---- following a job ---- */

/* get the job (output as asked); *job points into in. */
static int s_get(s_ctx *x, uint64_t id, bool output, s_in *in, const msgpack_object **job)
{
	s_req r;
	s_req_begin(&r, "get");
	s_kuint(&r, "id", id);
	s_kbool(&r, "output", output);
	if (output && x->o.source)
		s_kbool(&r, "source", true);
	int rc = s_call(x, &r, s_timeout(x), in);
	if (rc == RC_OK && !(*job = s_map(in->root, "job"))) {
		fputs("judgebox: reply without a job\n", stderr);
		rc = RC_INTERNAL;
	}
	return rc;
}

static int s_follow_job(s_ctx *x, uint64_t id, s_progress *p, s_in *in,
			const msgpack_object **job, bool tests);

/* Follow job id to its end (PROTOCOL.md 11.3), then get it in full. */
static int s_follow(s_ctx *x, uint64_t id, s_progress *p, s_in *in,
		    const msgpack_object **job)
{
	return s_follow_job(x, id, p, in, job, false);
}

/* Wait without events: get with wait until the job is terminal. */
static int s_wait_job(s_ctx *x, uint64_t id, s_in *in, const msgpack_object **job)
{
	for (;;) {
		char state[32];
		if (s_terminal(s_str(*job, "state", state, sizeof state, "?")))
			return RC_OK;
		s_in_free(in);
		s_req r;
		s_req_begin(&r, "get");
		s_kuint(&r, "id", id);
		s_kbool(&r, "wait", true);
		s_kuint(&r, "wait_ms", s_wait_ms(x));
		int rc = s_call(x, &r, s_wait_timeout(x), in);
		if (rc == RC_OK && !(*job = s_map(in->root, "job"))) {
			fputs("judgebox: reply without a job\n", stderr);
			rc = RC_INTERNAL;
		}
		if (rc != RC_OK)
			return rc;
	}
}

/* ---- run and submit ---- */

/* How well l fits file: 0 if none of its extensions ends the name, else
 * twice the longest that does, plus 1 if l is available (so that on a tie,
 * python3 wins over a pypy3 that is not installed). */
static size_t s_ext_score(const msgpack_object *l, const char *file)
{
	const msgpack_object *ext = s_array(l, "extensions");
	size_t best = 0, flen = strlen(file);
	if (l->type != MSGPACK_OBJECT_MAP)
		return 0;
	for (uint32_t k = 0; ext && k < ext->via.array.size; k++) {
		const char *p;
		size_t n;
		if (mp_as_str(&ext->via.array.ptr[k], &p, &n) && n && n < flen &&
		    !memcmp(file + flen - n, p, n) && n > best)
			best = n;
	}
	return best ? 2 * best + s_bool(l, "available") : 0;
}

/* Print "id (ext ...)" of the languages that fit file with this score
 * (every language if score is 0), for error messages. */
static void s_list_langs(const msgpack_object *langs, const char *file, size_t score)
{
	const char *sep = "  ";
	for (uint32_t i = 0; i < langs->via.array.size; i++) {
		const msgpack_object *l = &langs->via.array.ptr[i], *ext = s_array(l, "extensions");
		char id[64];
		if (l->type != MSGPACK_OBJECT_MAP || (score && s_ext_score(l, file) != score))
			continue;
		fprintf(stderr, "%s%s (", sep, s_str(l, "id", id, sizeof id, "?"));
		for (uint32_t k = 0; ext && k < ext->via.array.size; k++) {
			const char *p;
			size_t n;
			if (mp_as_str(&ext->via.array.ptr[k], &p, &n))
				fprintf(stderr, "%s%.*s", k ? " " : "", (int)n, p);
		}
		fputc(')', stderr);
		sep = ", ";
	}
	fputc('\n', stderr);
}

/* Copy a language's id, source name and availability. */
static void s_lang_set(s_lang *lang, const msgpack_object *l)
{
	s_str(l, "id", lang->id, sizeof lang->id, "");
	s_str(l, "source", lang->source, sizeof lang->source, "");
	lang->available = s_bool(l, "available");
}

/* The languages whose extension fits file best: how many (1: *lang is
 * the one; 0: none; more: a tie), and their score in *best. */
static int s_lang_match(const msgpack_object *langs, const char *file, s_lang *lang,
			size_t *best)
{
	int count = 0;
	*best = 0;
	for (uint32_t i = 0; i < langs->via.array.size; i++) {
		const msgpack_object *l = &langs->via.array.ptr[i];
		size_t n = s_ext_score(l, file);
		if (n && n == *best)
			count++;
		if (n > *best) {
			*best = n;
			count = 1;
			s_lang_set(lang, l);
		}
	}
	return count;
}

/* The language whose extension fits file best; a tie is an error. */
static int s_lang_by_ext(const msgpack_object *langs, const char *file, s_lang *lang)
{
	size_t best;
	int count = s_lang_match(langs, file, lang, &best);
	if (count == 1)
		return RC_OK;
	fprintf(stderr, "judgebox: %s: %s; use -l with one of:\n", file, count ?
		"its extension fits several languages" : "cannot tell the language from its name");
	s_list_langs(langs, file, best);
	return RC_USAGE;
}

/* The language named by -l, with its source name. */
static int s_lang_by_id(const msgpack_object *langs, const char *id, s_lang *lang)
{
	for (uint32_t i = 0; i < langs->via.array.size; i++) {
		const msgpack_object *l = &langs->via.array.ptr[i];
		if (l->type == MSGPACK_OBJECT_MAP && mp_str_eq(mp_get(l, "id"), id)) {
			s_lang_set(lang, l);
			return RC_OK;
		}
	}
	fprintf(stderr, "judgebox: unknown language '%s'; languages:\n", id);
	s_list_langs(langs, "", 0);
	return RC_USAGE;
}

/* Decide the language: -l, else the first file's extension. One file with
 * -l needs no languages request. */
static int s_pick_lang(s_ctx *x, s_lang *lang)
{
	if (x->o.lang && x->nfiles == 1) {
		snprintf(lang->id, sizeof lang->id, "%s", x->o.lang);
		return RC_OK;
	}
	s_req r;
	s_in in = { 0 };
	s_req_begin(&r, "languages");
	int rc = s_call(x, &r, s_timeout(x), &in);
	const msgpack_object *langs = rc == RC_OK ? s_array(in.root, "languages") : NULL;
	if (rc == RC_OK && !langs) {
		fputs("judgebox: reply without languages\n", stderr);
		rc = RC_INTERNAL;
	}
	if (rc == RC_OK && x->o.lang)
		rc = s_lang_by_id(langs, x->o.lang, lang);
	else if (rc == RC_OK)
		rc = s_lang_by_ext(langs, x->files[0], lang);
	s_in_free(&in);
	return rc;
}

/* The last component of a path. */
static const char *s_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* With several files, the names must differ and one must be the entry point. */
static int s_check_names(const s_ctx *x, const s_lang *lang)
{
	bool entry = false;
	for (int i = 0; i < x->nfiles; i++) {
		const char *b = s_basename(x->files[i]);
		entry |= !strcmp(b, lang->source);
		for (int k = 0; k < i; k++)
			if (!strcmp(b, s_basename(x->files[k])))
				return s_usage_err("two files with the same name", b);
	}
	if (entry)
		return RC_OK;
	fprintf(stderr, "judgebox: with several files, one must be named %s, the entry "
		"point of %s\n", lang->source, lang->id);
	return RC_USAGE;
}

/* The source: one file as source, several as files (their base names). */
static int s_add_sources(s_ctx *x, s_req *r, const s_lang *lang)
{
	int rc = x->nfiles > 1 ? s_check_names(x, lang) : RC_OK;
	if (rc != RC_OK)
		return rc;
	if (x->nfiles > 1) {
		s_key(r, "files");
		mp_w_array(&r->w, (uint32_t)x->nfiles);
	}
	for (int i = 0; i < x->nfiles && rc == RC_OK; i++) {
		char *buf;
		size_t len;
		if ((rc = s_slurp(x->files[i], &buf, &len)) != RC_OK)
			break;
		if (x->nfiles == 1)
			s_key(r, "source");
		else {
			mp_w_map(&r->w, 2);
			mp_w_kstr(&r->w, "name", s_basename(x->files[i]));
			mp_w_str(&r->w, "content");
		}
		mp_w_bin(&r->w, buf, len);
		free(buf);
	}
	return rc;
}

/* stdin, args, limits, label, idem. */
static int s_add_options(s_ctx *x, s_req *r)
{
	if (x->o.stdin_text) {
		s_key(r, "stdin");
		mp_w_bin(&r->w, x->o.stdin_text, strlen(x->o.stdin_text));
	} else if (x->o.stdin_file) {
		char *buf;
		size_t len;
		int rc = s_slurp(x->o.stdin_file, &buf, &len);
		if (rc != RC_OK)
			return rc;
		s_key(r, "stdin");
		mp_w_bin(&r->w, buf, len);
		free(buf);
	}
	if (x->o.nargs) {
		s_key(r, "args");
		mp_w_array(&r->w, (uint32_t)x->o.nargs);
		for (int i = 0; i < x->o.nargs; i++)
			mp_w_str(&r->w, x->o.args[i]);
	}
	if (x->o.seen & F_LIMITS) {
		size_t mark;
		uint32_t n = 0;
		s_key(r, "limits");
		mark = mp_w_map_begin(&r->w);
		for (size_t i = 0; i < N_LIMITS; i++)
			if (x->o.limits[i]) {
				mp_w_kuint(&r->w, s_limit_names[i], x->o.limits[i]);
				n++;
			}
		mp_w_map_end(&r->w, mark, n);
	}
	if (x->o.label)
		s_kstr(r, "label", x->o.label);
	if (x->o.idem)
		s_kstr(r, "idem", x->o.idem);
	return RC_OK;
}

/* Build a run request from the command line. */
static int s_build_run(s_ctx *x, s_req *r)
{
	s_lang lang;
	int rc = s_pick_lang(x, &lang);
	if (rc != RC_OK)
		return rc;
	s_req_begin(r, "run");
	s_kstr(r, "lang", lang.id);
	if ((rc = s_add_sources(x, r, &lang)) == RC_OK)
		rc = s_add_options(x, r);
	if (rc != RC_OK)
		mp_w_free(&r->w);
	return rc;
}

/* Send the run; its job (queued, or ended if wait) is left in in. */
static int s_send_run(s_ctx *x, bool wait, s_in *in, const msgpack_object **job)
{
	s_req r;
	int rc = s_build_run(x, &r);
	if (rc != RC_OK)
		return rc;
	if (wait) {
		s_kbool(&r, "wait", true);
		s_kuint(&r, "wait_ms", s_wait_ms(x));
	}
	rc = s_call(x, &r, wait ? s_wait_timeout(x) : s_timeout(x), in);
	if (rc == RC_NOANSWER)
		fputs("judgebox: the job may have been accepted: see judgebox history\n", stderr);
	if (rc == RC_OK && !(*job = s_map(in->root, "job"))) {
		fputs("judgebox: reply without a job\n", stderr);
		rc = RC_INTERNAL;
	}
	return rc;
}

/* run: with progress (stderr a terminal), submit and follow the events;
 * without, one run with wait. Either way, print the ended job. */
typedef int (*s_follow_fn)(s_ctx *, uint64_t, s_progress *, s_in *,
			   const msgpack_object **);

/* After a run or a judging request was sent: follow the job live (on a
 * terminal) or wait for its end, then print it. */
static int s_finish_job(s_ctx *x, int rc, s_progress *p, s_in *in,
			const msgpack_object **job, s_follow_fn follow)
{
	uint64_t id = rc == RC_OK ? s_u64(*job, "id", 0) : 0;
	if (rc == RC_OK && p->show) {
		char state[32];
		s_progress_show(p, id, s_str(*job, "state", state, sizeof state, "?"));
		s_in_free(in);
		rc = follow(x, id, p, in, job);
		s_progress_end(p);
	} else if (rc == RC_OK)
		rc = s_wait_job(x, id, in, job);
	if (rc == RC_OK)
		rc = s_show_job(x, *job);
	s_in_free(in);
	return rc;
}

static int s_cmd_run(s_ctx *x)
{
	s_in in = { 0 };
	const msgpack_object *job = NULL;
	s_progress p = { .show = x->tty && !x->o.quiet, .inplace = true };
	int rc = s_send_run(x, !p.show, &in, &job);
	return s_finish_job(x, rc, &p, &in, &job, s_follow);
}

/* submit: run without wait; print the id (with --json, the job). */
static int s_cmd_submit(s_ctx *x)
{
	s_in in = { 0 };
	const msgpack_object *job = NULL;
	int rc = s_send_run(x, false, &in, &job);
	if (rc == RC_OK && x->o.json) {
		s_json(stdout, job);
		putchar('\n');
	} else if (rc == RC_OK) {
		printf("%" PRIu64 "\n", s_u64(job, "id", 0));
		if (s_bool(in.root, "dup"))
			fputs("judgebox: this idem key was used before: that job, not a new one\n",
			      stderr);
	}
	s_in_free(&in);
	return rc;
}

/* ---- test: judge a program against tests (PROTOCOL.md 14) ---- */

/* A name the daemon takes for a test: one file name component of
 * PROTOCOL.md 7.1 (1-64 of A-Z a-z 0-9 . _ + -, not starting with . or -). */
static bool s_test_name_ok(const char *s, size_t n)
{
	if (n < 1 || n > TEST_NAME_MAX || *s == '.' || *s == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && !strchr("._+-", c))
			return false;
	}
	return true;
}

/* Add one test; a name the daemon would refuse is a usage error. */
static int s_case_add(s_ctx *x, const char *name, size_t n, char *in, char *ans)
{
	if (!in || !ans) {
		free(in), free(ans);
		fputs("judgebox: out of memory\n", stderr);
		return RC_INTERNAL;
	}
	if (!s_test_name_ok(name, n)) {
		fprintf(stderr, "judgebox: %s: not a test name: 1 to %d of A-Z a-z 0-9 . _ + -, "
			"not starting with . or -\n", in, TEST_NAME_MAX);
		free(in), free(ans);
		return RC_USAGE;
	}
	if (x->ncases == x->cases_cap) {
		int cap = x->cases_cap ? x->cases_cap * 2 : 64;
		s_case *v = realloc(x->cases, (size_t)cap * sizeof *v);
		if (!v) {
			free(in), free(ans);
			fputs("judgebox: out of memory\n", stderr);
			return RC_INTERNAL;
		}
		x->cases = v;
		x->cases_cap = cap;
	}
	s_case *c = &x->cases[x->ncases++];
	memcpy(c->name, name, n);
	c->name[n] = '\0';
	c->in = in;
	c->ans = ans;
	return RC_OK;
}

/* --case IN ANS: named after IN's base name, less a final ".in". */
static int s_case_pair(s_ctx *x, const char *in, const char *ans)
{
	const char *b = s_basename(in);
	size_t n = strlen(b);
	if (n > 3 && !strcmp(b + n - 3, ".in"))
		n -= 3;
	return s_case_add(x, b, n, strdup(in), strdup(ans));
}

/* A directory entry that may be half of a test: stem and which half. */
typedef struct {
	char *stem;
	bool ans;
} s_half;

static int s_half_cmp(const void *a, const void *b)
{
	const s_half *p = a, *q = b;
	int c = strcmp(p->stem, q->stem);
	return c ? c : (int)p->ans - (int)q->ans;
}

/* The regular files NAME.in and NAME.ans of dir (others are ignored: a
 * problem package's data/sample has .desc, .png, .interaction ...). */
static int s_dir_halves(const char *dir, s_half **out, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0, cap = 0;
	s_half *v = NULL;
	int rc = RC_OK;
	*out = NULL;
	*count = 0;
	if (!d) {
		fprintf(stderr, "judgebox: %s: %s\n", dir, strerror(errno));
		return RC_USAGE;
	}
	while (rc == RC_OK && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		bool ans = len > 4 && !strcmp(e->d_name + len - 4, ".ans");
		bool in = len > 3 && !strcmp(e->d_name + len - 3, ".in");
		struct stat st;
		if (*e->d_name == '.' || (!in && !ans) ||
		    fstatat(dirfd(d), e->d_name, &st, 0) || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			s_half *w = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);
			if (!w) {
				rc = RC_INTERNAL;
				break;
			}
			v = w;
		}
		if (!(v[n].stem = strndup(e->d_name, len - (ans ? 4 : 3))))
			rc = RC_INTERNAL;
		else
			v[n++].ans = ans;
	}
	closedir(d);
	if (rc != RC_OK)
		fputs("judgebox: out of memory\n", stderr);
	qsort(v, n, sizeof *v, s_half_cmp);
	*out = v;
	*count = n;
	return rc;
}

/* --tests DIR: its pairs, sorted by name (byte order); a half without the
 * other is a usage error, and so is a directory without any. */
static int s_case_dir(s_ctx *x, const char *dir)
{
	s_half *v;
	size_t n, i = 0;
	int rc = s_dir_halves(dir, &v, &n), added = 0;
	while (rc == RC_OK && i < n) {
		bool pair = i + 1 < n && !strcmp(v[i].stem, v[i + 1].stem);
		if (!pair) {
			fprintf(stderr, "judgebox: %s/%s%s without %s/%s%s\n", dir, v[i].stem,
				v[i].ans ? ".ans" : ".in", dir, v[i].stem, v[i].ans ? ".in" : ".ans");
			rc = RC_USAGE;
			break;
		}
		char *in, *ans;
		if (asprintf(&in, "%s/%s.in", dir, v[i].stem) < 0)
			in = NULL;
		if (asprintf(&ans, "%s/%s.ans", dir, v[i].stem) < 0)
			ans = NULL;
		rc = s_case_add(x, v[i].stem, strlen(v[i].stem), in, ans);
		added++;
		i += 2;
	}
	for (i = 0; i < n; i++)
		free(v[i].stem);
	free(v);
	if (rc == RC_OK && !added) {
		fprintf(stderr, "judgebox: %s: no tests in it (NAME.in with NAME.ans)\n", dir);
		rc = RC_USAGE;
	}
	return rc;
}

/* Gather the tests of --tests and --case, in command-line order. */
static int s_cases_read(s_ctx *x)
{
	int rc = RC_OK;
	for (int i = 0; i < x->o.ntsrc && rc == RC_OK; i++)
		rc = x->o.tsrc[i].dir ? s_case_dir(x, x->o.tsrc[i].dir) :
		     s_case_pair(x, x->o.tsrc[i].in, x->o.tsrc[i].ans);
	if (rc == RC_OK && !x->ncases)
		rc = s_usage_err("test needs --tests DIR or --case IN ANS", NULL);
	for (int i = 0; i < x->ncases; i++)
		if ((int)strlen(x->cases[i].name) > x->twidth)
			x->twidth = (int)strlen(x->cases[i].name);
	x->ttotal = x->ncases;
	if (rc == RC_OK && !(x->shown = calloc((size_t)x->ncases, sizeof *x->shown))) {
		fputs("judgebox: out of memory\n", stderr);
		rc = RC_INTERNAL;
	}
	return rc;
}

static void s_cases_free(s_ctx *x)
{
	for (int i = 0; i < x->ncases; i++)
		free(x->cases[i].in), free(x->cases[i].ans);
	free(x->cases);
}

/* A file's bytes as a bin value of the request. */
static int s_add_file_bin(s_req *r, const char *path)
{
	char *buf;
	size_t len;
	int rc = s_slurp(path, &buf, &len);
	if (rc == RC_OK) {
		mp_w_bin(&r->w, buf, len);
		free(buf);
	}
	return rc;
}

/* tests, compare, mode, keep. */
static int s_add_tests(s_ctx *x, s_req *r)
{
	int rc = RC_OK;
	s_key(r, "tests");
	mp_w_array(&r->w, (uint32_t)x->ncases);
	for (int i = 0; i < x->ncases && rc == RC_OK; i++) {
		mp_w_map(&r->w, 3);
		mp_w_kstr(&r->w, "name", x->cases[i].name);
		mp_w_str(&r->w, "input");
		if ((rc = s_add_file_bin(r, x->cases[i].in)) != RC_OK)
			break;
		mp_w_str(&r->w, "answer");
		rc = s_add_file_bin(r, x->cases[i].ans);
	}
	if (x->o.seen & F_COMPARE) {
		size_t mark;
		uint32_t n = 0;
		s_key(r, "compare");
		mark = mp_w_map_begin(&r->w);
		if (x->o.compare)
			mp_w_kstr(&r->w, "mode", x->o.compare), n++;
		for (size_t i = 0; i < N_CMP_BOOLS; i++)
			if (x->o.cmp_bools & 1u << i)
				mp_w_kbool(&r->w, s_cmp_bools[i], true), n++;
		for (size_t i = 0; i < N_CMP_FLOATS; i++)
			if (x->o.cmp_floats_set & 1u << i) {
				mp_w_str(&r->w, s_cmp_floats[i]);
				mp_w_float(&r->w, x->o.cmp_floats[i]);
				n++;
			}
		mp_w_map_end(&r->w, mark, n);
	}
	if (x->o.all)
		s_kstr(r, "mode", "all");
	if (x->o.no_keep)
		s_kbool(r, "keep", false);
	return rc;
}

/* Over max_request a request gets too_large, and over twice that no
 * answer at all (PROTOCOL.md 6): so a large one asks health first. */
static int s_check_size(s_ctx *x, size_t len)
{
	s_req h;
	s_in in = { 0 };
	if (len <= SIZE_CHECK)
		return RC_OK;
	s_req_begin(&h, "health");
	int rc = s_call(x, &h, s_timeout(x), &in);
	uint64_t max = s_u64(s_map(in.root, "limits"), "max_request", 0);
	s_in_free(&in);
	if (rc == RC_OK && max && len + 32 > max) {
		fprintf(stderr, "judgebox: too_large: the request would be %zu bytes, and "
			"judgeboxd takes at most %" PRIu64 " (max_request): send fewer or "
			"smaller tests\n", len, max);
		rc = RC_DAEMON;
	}
	return rc;
}

/* Send a judging request, v 2: test (the tests read), or submit (judge:
 * x->problem's tests); its job is left in in. */
static int s_send_judging(s_ctx *x, bool wait, s_in *in, const msgpack_object **job)
{
	s_req r;
	s_lang lang;
	int rc = s_pick_lang(x, &lang);
	if (rc != RC_OK)
		return rc;
	s_req_begin(&r, x->problem ? "submit" : "test");
	s_kuint(&r, "v", PROTO_V);
	if (x->problem)
		s_kstr(&r, "problem", x->problem);
	s_kstr(&r, "lang", lang.id);
	if ((rc = s_add_sources(x, &r, &lang)) == RC_OK)
		rc = s_add_options(x, &r);
	if (rc == RC_OK && !x->problem)
		rc = s_add_tests(x, &r);
	else if (rc == RC_OK && x->o.all)
		s_kstr(&r, "mode", "all");
	if (rc == RC_OK && wait) {
		s_kbool(&r, "wait", true);
		s_kuint(&r, "wait_ms", s_wait_ms(x));
	}
	if (rc == RC_OK)
		rc = s_check_size(x, r.w.len);
	if (rc != RC_OK) {
		mp_w_free(&r.w);
		return rc;
	}
	rc = s_call(x, &r, wait ? s_wait_timeout(x) : s_timeout(x), in);
	if (rc == RC_NOANSWER)
		fputs("judgebox: the job may have been accepted: see judgebox history\n", stderr);
	if (rc == RC_OK && !(*job = s_map(in->root, "job"))) {
		fputs("judgebox: reply without a job\n", stderr);
		rc = RC_INTERNAL;
	}
	if (rc == RC_OK && s_bool(in->root, "dup"))
		fputs("judgebox: this idem key was used before: that job, not a new one\n", stderr);
	return rc;
}

/* A job that is run again (PROTOCOL.md 12.3) runs its tests from the first
 * again: say so, and show them again. */
static void s_new_attempt(s_ctx *x, uint64_t id, uint64_t attempt, s_progress *p)
{
	if (attempt && x->attempt && attempt != x->attempt) {
		s_progress_end(p);
		fprintf(stderr, "job %" PRIu64 ": attempt %" PRIu64 ", from the first test again\n",
			id, attempt);
		if (x->shown)
			memset(x->shown, 0, (size_t)x->ttotal * sizeof *x->shown);
	}
	if (attempt)
		x->attempt = attempt;
}

/* Take events of job id until a terminal one, a gap in seq or QUIET_MS of
 * silence: each means "get again" (PROTOCOL.md 11.3, steps 3 and 4). With
 * tests, each test event prints its test's line (x->shown keeps a line
 * from printing twice, so an event older than the last get still counts)
 * and a new attempt is said. */
static int s_events(s_ctx *x, uint64_t id, uint64_t seq, s_progress *p, bool tests)
{
	for (;;) {
		zmq_pollitem_t it = { x->c.sub, 0, ZMQ_POLLIN, 0 };
		if (zmq_poll(&it, 1, QUIET_MS) != 1)
			return RC_OK;
		s_in ev;
		int frames, rc = s_recv(x->c.sub, &ev, &frames);
		if (rc == RC_OK && frames == 2 && s_in_parse(&ev, "event") == RC_OK &&
		    s_u64(ev.root, "id", 0) == id) {
			char state[32];
			uint64_t s = s_u64(ev.root, "seq", 0);
			s_str(ev.root, "state", state, sizeof state, "?");
			if (tests)
				s_new_attempt(x, id, s_u64(ev.root, "attempt", 0), p);
			if (tests && mp_str_eq(mp_get(ev.root, "event"), "test")) {
				s_progress_end(p);
				p->show = false;	/* the test lines are the progress now */
				rc = s_test_total(x, s_u64(ev.root, "total", 0));
				s_test_line(x, s_u64(ev.root, "index", 0), s_map(ev.root, "test"));
			} else if (s > seq)
				s_progress_show(p, id, state);
			s_in_free(&ev);
			if (s > seq && (s != seq + 1 || s_terminal(state)))
				return RC_OK;
			if (s > seq)
				seq = s;
		} else
			s_in_free(&ev);
		if (rc == RC_INTERNAL)
			return rc;
	}
}

/* Follow job id to its end (PROTOCOL.md 11.3), then get it in full. A test
 * job's SUB socket already takes every job's events ("job."), so that the
 * first tests' events are not missed: it switches to this job's topic. */
static int s_follow_job(s_ctx *x, uint64_t id, s_progress *p, s_in *in,
			const msgpack_object **job, bool tests)
{
	int rc = s_subscribe(x, id);
	if (tests)
		zmq_setsockopt(x->c.sub, ZMQ_UNSUBSCRIBE, "job.", 4);
	while (rc == RC_OK) {
		char state[32];
		rc = s_get(x, id, false, in, job);
		if (rc != RC_OK)
			break;
		s_progress_show(p, id, s_str(*job, "state", state, sizeof state, "?"));
		if (tests)
			s_new_attempt(x, id, s_u64(*job, "attempt", 0), p);
		uint64_t seq = s_u64(*job, "seq", 0);
		s_in_free(in);
		if (s_terminal(state))
			return s_get(x, id, true, in, job);
		rc = s_events(x, id, seq, p, tests);
	}
	return rc;
}

static int s_follow_test(s_ctx *x, uint64_t id, s_progress *p, s_in *in,
			 const msgpack_object **job)
{
	return s_follow_job(x, id, p, in, job, true);
}

/* test and judge: on a terminal (without -q or --json), queue the job and
 * follow it, one line per test as its event comes; otherwise one request
 * that waits. Then the lines not shown yet and the verdict. */
static int s_judging(s_ctx *x)
{
	s_in in = { 0 };
	const msgpack_object *job = NULL;
	s_progress p = { .show = x->tty && !x->o.quiet && !x->o.json, .inplace = true };
	int rc = RC_OK;
	if (p.show && (rc = s_socket(x, ZMQ_SUB, x->o.events, &x->c.sub)) == RC_OK)
		zmq_setsockopt(x->c.sub, ZMQ_SUBSCRIBE, "job.", 4);
	if (rc == RC_OK)
		rc = s_send_judging(x, !p.show, &in, &job);
	return s_finish_job(x, rc, &p, &in, &job, s_follow_test);
}

/* test: the tests from --tests and --case, inline. */
static int s_cmd_test(s_ctx *x)
{
	int rc = s_cases_read(x);
	if (rc == RC_OK)
		rc = s_judging(x);
	s_cases_free(x);
	return rc;
}

/* judge PROBLEM FILE...: submit against an imported problem's tests. */
static int s_cmd_judge(s_ctx *x)
{
	x->problem = x->o.operands[0];
	x->files = x->o.operands + 1;
	x->nfiles = x->o.noperands - 1;
	return s_judging(x);
}

/* ---- commands on one job ---- */

static int s_job_id(const s_ctx *x, uint64_t *id)
{
	if (s_parse_uint(x->o.operands[0], 1, MAX_ID, id))
		return RC_OK;
	return s_usage_err("not a job id", x->o.operands[0]);
}

/* watch ID: progress on stderr, then the job as run prints it. */
static int s_cmd_watch(s_ctx *x)
{
	uint64_t id;
	s_in in = { 0 };
	const msgpack_object *job = NULL;
	s_progress p = { .show = !x->o.quiet, .inplace = x->tty };
	int rc = s_job_id(x, &id);
	if (rc == RC_OK)
		rc = s_follow(x, id, &p, &in, &job);
	s_progress_end(&p);
	if (rc == RC_OK)
		rc = s_show_job(x, job);
	s_in_free(&in);
	return rc;
}

/* status ID (get ID): a header line, then as run; --source adds the files. */
static int s_cmd_status(s_ctx *x)
{
	uint64_t id;
	s_in in = { 0 };
	const msgpack_object *job = NULL;
	int rc = s_job_id(x, &id);
	if (rc == RC_OK)
		rc = s_get(x, id, true, &in, &job);
	if (rc == RC_OK && !x->o.json)
		s_print_header(job);
	if (rc == RC_OK)
		rc = s_show_job(x, job);
	if ((rc == RC_OK || rc == RC_STATUS) && !x->o.json)
		s_print_files(job);
	s_in_free(&in);
	return rc;
}

/* cancel ID: exit 0 whether this request cancelled it or it had ended. */
static int s_cmd_cancel(s_ctx *x)
{
	uint64_t id;
	s_in in = { 0 };
	char state[32];
	int rc = s_job_id(x, &id);
	if (rc == RC_OK) {
		s_req r;
		s_req_begin(&r, "cancel");
		s_kuint(&r, "id", id);
		rc = s_call(x, &r, s_timeout(x), &in);
	}
	if (rc == RC_OK && x->o.json)
		s_json_fields(in.root);
	else if (rc == RC_OK && s_bool(in.root, "cancelled"))
		printf("job %" PRIu64 " cancelled\n", id);
	else if (rc == RC_OK)
		printf("job %" PRIu64 " had already ended: %s\n", id,
		       s_str(s_map(in.root, "job"), "state", state, sizeof state, "?"));
	s_in_free(&in);
	return rc;
}

/* ---- history ---- */

static void s_history_line(const msgpack_object *job)
{
	char state[32], status[64], lang[64], label[300], created[32];
	s_fmt_time(s_u64(job, "created_at", 0), created, sizeof created);
	/* The label last: it may be long (problem verify's are). */
	printf("%-8" PRIu64 " %-10s %-14s %-10s %-19s %s\n", s_u64(job, "id", 0),
	       s_str(job, "state", state, sizeof state, "?"),
	       s_str(s_map(job, "result"), "status", status, sizeof status, "-"),
	       s_str(job, "lang", lang, sizeof lang, "?"), created,
	       s_str(job, "label", label, sizeof label, "-"));
}

/* One list request: the filters, the page size and the cursor. */
static void s_build_list(const s_ctx *x, s_req *r, const char *cursor)
{
	s_req_begin(r, "list");
	if (x->o.user)
		s_kstr(r, "user", x->o.user);
	if (x->o.nstates) {
		s_key(r, "state");
		mp_w_array(&r->w, (uint32_t)x->o.nstates);
		for (int i = 0; i < x->o.nstates; i++)
			mp_w_str(&r->w, x->o.states[i]);
	}
	if (x->o.lang)
		s_kstr(r, "lang", x->o.lang);
	if (x->o.label)
		s_kstr(r, "label", x->o.label);
	if (x->o.limit)
		s_kuint(r, "limit", x->o.limit);
	if (*cursor)
		s_kstr(r, "cursor", cursor);
}


/* A paged listing: the reply's array `key`, a line per item (or JSON);
 * --all follows next to the end. */
typedef struct s_lister {
	const char *key;
	void (*build)(const s_ctx *, s_req *, const char *cursor);
	void (*line)(const msgpack_object *);
} s_lister;

/* One page; *cursor becomes its next, or "". */
static int s_page(s_ctx *x, const s_lister *l, char *cursor, size_t size, int *count)
{
	s_req r;
	s_in in = { 0 };
	l->build(x, &r, cursor);
	int rc = s_call(x, &r, s_timeout(x), &in);
	const msgpack_object *items = rc == RC_OK ? s_array(in.root, l->key) : NULL;
	if (rc == RC_OK && !items) {
		fprintf(stderr, "judgebox: reply without %s\n", l->key);
		rc = RC_INTERNAL;
	}
	for (uint32_t i = 0; items && i < items->via.array.size; i++) {
		const msgpack_object *it = &items->via.array.ptr[i];
		if (x->o.json) {
			fputs((*count)++ ? "," : "", stdout);
			s_json(stdout, it);
		} else if (it->type == MSGPACK_OBJECT_MAP)
			l->line(it);
	}
	if (rc == RC_OK && !s_str(in.root, "next", cursor, size, NULL))
		*cursor = '\0';
	s_in_free(&in);
	return rc;
}

static int s_list_pages(s_ctx *x, const s_lister *l)
{
	char cursor[512];
	int rc, count = 0;
	snprintf(cursor, sizeof cursor, "%s", x->o.cursor ? x->o.cursor : "");
	if (x->o.json)
		printf("{\"%s\":[", l->key);
	do
		rc = s_page(x, l, cursor, sizeof cursor, &count);
	while (rc == RC_OK && x->o.all && *cursor);
	if (x->o.json) {
		fputs("]", stdout);
		if (rc == RC_OK && *cursor) {
			fputs(",\"next\":", stdout);
			s_json_bytes(stdout, cursor, strlen(cursor));
		}
		puts("}");
	} else if (rc == RC_OK && *cursor)
		fprintf(stderr, "judgebox: more %s: --all, or --cursor %s\n", l->key, cursor);
	return rc;
}

/* history: newest first. */
static int s_cmd_history(s_ctx *x)
{
	static const s_lister l = { "jobs", s_build_list, s_history_line };
	if (!x->o.json)
		printf("%-8s %-10s %-14s %-10s %-19s %s\n", "ID", "STATE", "STATUS",
		       "LANG", "CREATED", "LABEL");
	return s_list_pages(x, &l);
}

/* ---- problems (PROTOCOL.md 14.4) ---- */

/* Import DIR as problem id; the reply is left in in, its problem in *p.
 * DIR goes as an absolute path. A relative DIR must exist here; an
 * absolute one that does not is sent as it is (it names a directory on
 * the daemon's host, which may be another). */
static int s_problem_import(s_ctx *x, const char *id, const char *dir, s_in *in,
			    const msgpack_object **p)
{
	char *abs = realpath(dir, NULL);
	struct stat st;
	s_req r;
	memset(in, 0, sizeof *in);
	if (!abs && *dir != '/') {
		fprintf(stderr, "judgebox: %s: %s\n", dir, strerror(errno));
		return RC_USAGE;
	}
	if (abs && (stat(abs, &st) != 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "judgebox: %s: not a directory (a problem package is one)\n", dir);
		free(abs);
		return RC_USAGE;
	}
	s_req_begin(&r, "problem_import");
	s_kuint(&r, "v", PROTO_V);
	s_kstr(&r, "problem", id);
	s_kstr(&r, "path", abs ? abs : dir);
	free(abs);
	/* The daemon reads the package before it answers: a waiting request. */
	int rc = s_call(x, &r, s_wait_timeout(x), in);
	if (rc == RC_OK && !(*p = s_map(in->root, "problem"))) {
		fputs("judgebox: reply without a problem\n", stderr);
		rc = RC_INTERNAL;
	}
	return rc;
}

/* The package's warnings on stderr: one per line, each "FILE: what". */
static void s_import_warnings(const msgpack_object *p)
{
	char warn[4096], *save, *line;
	if (!s_str(p, "warnings", warn, sizeof warn, NULL))
		return;
	for (line = strtok_r(warn, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "judgebox: warning: %s\n", line);
}

/* problem import ID DIR */
static int s_cmd_problem_import(s_ctx *x)
{
	const char *id = x->o.operands[1];
	const msgpack_object *p = NULL;
	char name[300];
	s_in in;
	int rc = s_problem_import(x, id, x->o.operands[2], &in, &p);
	if (rc == RC_OK && x->o.json)
		s_json_fields(in.root);
	else if (rc == RC_OK)
		printf("imported %s: %s, %" PRIu64 " tests\n", id,
		       s_str(p, "name", name, sizeof name, "?"), s_u64(p, "tests", 0));
	if (rc == RC_OK)
		s_import_warnings(p);
	s_in_free(&in);
	return rc;
}

/* A sample file's bytes, ended by a newline if they are not. */
static void s_print_sample(const msgpack_object *sample, const char *key)
{
	const char *p;
	size_t n;
	if (mp_as_bin(mp_get(sample, key), &p, &n) && n) {
		fwrite(p, 1, n, stdout);
		if (p[n - 1] != '\n')
			putchar('\n');
	}
}

/* problem show's text: the problem's figures, then its samples. */
static void s_problem_print(const msgpack_object *p)
{
	const msgpack_object *l = s_map(p, "limits"), *samples = s_array(p, "samples");
	char id[80], name[300], type[32], mem[32], out[32], sname[TEST_SHOW_MAX + 1];
	uint32_t ns = samples ? samples->via.array.size : 0;
	printf("problem %s  %s\n", s_str(p, "id", id, sizeof id, "?"),
	       s_str(p, "name", name, sizeof name, "?"));
	printf("type    %s\n", s_str(p, "type", type, sizeof type, "?"));
	s_fmt_mem(s_u64(l, "memory_kb", 0), mem, sizeof mem);
	s_fmt_mem(s_u64(l, "fsize_kb", 0), out, sizeof out);
	printf("limits  cpu %" PRIu64 " ms  memory %s  output %s\n", s_u64(l, "cpu_ms", 0),
	       mem, out);
	printf("tests   %" PRIu64 " (%" PRIu32 " sample%s)\n", s_u64(p, "tests", 0), ns,
	       ns == 1 ? "" : "s");
	for (uint32_t i = 0; i < ns; i++) {
		const msgpack_object *sm = &samples->via.array.ptr[i];
		if (sm->type != MSGPACK_OBJECT_MAP)
			continue;
		s_str(sm, "name", sname, sizeof sname, "?");
		printf("==> %s.in <==\n", sname);
		s_print_sample(sm, "input");
		printf("==> %s.ans <==\n", sname);
		s_print_sample(sm, "answer");
	}
}

/* problem show ID: the problem without its secret tests. */
static int s_cmd_problem_show(s_ctx *x)
{
	s_req r;
	s_in in = { 0 };
	s_req_begin(&r, "problem_get");
	s_kuint(&r, "v", PROTO_V);
	s_kstr(&r, "problem", x->o.operands[1]);
	int rc = s_call(x, &r, s_timeout(x), &in);
	const msgpack_object *p = rc == RC_OK ? s_map(in.root, "problem") : NULL;
	if (rc == RC_OK && !p) {
		fputs("judgebox: reply without a problem\n", stderr);
		rc = RC_INTERNAL;
	}
	if (rc == RC_OK && x->o.json)
		s_json_fields(in.root);
	else if (rc == RC_OK)
		s_problem_print(p);
	s_in_free(&in);
	return rc;
}


static void s_problem_build(const s_ctx *x, s_req *r, const char *cursor)
{
	s_req_begin(r, "problem_list");
	s_kuint(r, "v", PROTO_V);
	if (x->o.limit)
		s_kuint(r, "limit", x->o.limit);
	if (*cursor)
		s_kstr(r, "cursor", cursor);
}

static void s_problem_line(const msgpack_object *p)
{
	char id[80];
	if (s_str(p, "id", id, sizeof id, NULL))
		puts(id);
}

/* problem list: ids in id order. */
static int s_cmd_problem_list(s_ctx *x)
{
	static const s_lister l = { "problems", s_problem_build, s_problem_line };
	return s_list_pages(x, &l);
}

/* ---- problem verify: a package's own submissions against its tests ---- */

/* What a directory of submissions/ expects (judgebox(1), problem verify):
 * one verdict, or a looser kind. Legacy and 2023-07 names, and ours. */
enum { X_VERDICT, X_PARTIAL, X_REJECTED };
typedef struct {
	const char *dir, *shown;	/* shown: the verdict, for X_VERDICT */
	int kind;
} s_expect;

static const s_expect s_expects[] = {
	{ "accepted", "accepted", X_VERDICT },
	{ "wrong_answer", "wrong_answer", X_VERDICT },
	{ "time_limit_exceeded", "time_limit", X_VERDICT },
	{ "run_time_error", "runtime_error", X_VERDICT },
	{ "memory_limit_exceeded", "memory_limit", X_VERDICT },
	{ "output_limit_exceeded", "output_limit", X_VERDICT },
	{ "compile_error", "compile_error", X_VERDICT },
	{ "presentation_error", "presentation_error", X_VERDICT },
	{ "security_violation", "security_violation", X_VERDICT },
	{ "judge_error", "judge_error", X_VERDICT },
	{ "partially_accepted", "partial score", X_PARTIAL },
	{ "rejected", "not accepted", X_REJECTED },
	{ "brute_force", "not accepted", X_REJECTED },
};
#define N_EXPECTS (sizeof s_expects / sizeof s_expects[0])
#define X_ACCEPTED (&s_expects[0])
#define X_TLE	   (&s_expects[2])

/* One submission: a file, or a directory of files, under submissions/. */
typedef struct {
	char name[300];			/* EXPECTED/NAME, as shown */
	const s_expect *x;
	char **files;			/* its files: one, or its directory's */
	int nfiles;
	s_lang lang;
	char skip[300];			/* why it was not judged; "" if it was */
	uint64_t id, limit_ms;		/* its job, and the time limit it was sent */
	s_in in;			/* the ended job's reply */
	const msgpack_object *job;
	char verdict[32];		/* at the time limit */
	char got[300], first[TEST_SHOW_MAX + 1], warn[300];
	uint64_t max_cpu;
	double score;
	bool ran, scored, tle_short, mismatch;	/* ran: a test ran */
} s_vsub;

typedef struct {
	char *dir;			/* the package, absolute */
	char id[65];
	s_vsub *subs;
	int n, cap;
	s_in pin;			/* the problem_import reply */
	const msgpack_object *problem;
	bool scoring;
	uint64_t limit, high, ceiling;	/* ms: the limit, its TLE check, the daemon's */
	double mult, margin;
	char from[32];			/* problem.yaml, .timelimit, default, derived */
	uint64_t slowest;		/* derived: the slowest accepted run, ms */
	int64_t start;
} s_verify;

/* A float field, or def. */
static double s_float(const msgpack_object *map, const char *key, double def)
{
	double v;
	return map && mp_as_float(mp_get(map, key), &v) && isfinite(v) ? v : def;
}

static int s_visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static bool s_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The problem id of a package directory: its name, lowercased, other
 * characters than [a-z0-9_-] made '-', cut to 64; "p" before one that
 * would not start with a letter or digit. */
static void s_vf_id(const char *dir, char id[65])
{
	const char *b = s_basename(dir);
	size_t n = 0;
	if (!((*b >= 'a' && *b <= 'z') || (*b >= 'A' && *b <= 'Z') || (*b >= '0' && *b <= '9')))
		id[n++] = 'p';
	for (; *b && n < 64; b++) {
		char c = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
		id[n++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '-';
	}
	id[n] = '\0';
}

/* A new row for the submission path (a file or a directory). */
static int s_vf_add(s_verify *v, const s_expect *x, const char *path)
{
	if (v->n == v->cap) {
		int cap = v->cap ? v->cap * 2 : 32;
		s_vsub *w = realloc(v->subs, (size_t)cap * sizeof *w);
		if (!w)
			return RC_INTERNAL;
		v->subs = w;
		v->cap = cap;
	}
	s_vsub *s = &v->subs[v->n];
	memset(s, 0, sizeof *s);
	s->x = x;
	snprintf(s->name, sizeof s->name, "%s/%s", x->dir, s_basename(path));
	if (!s_is_dir(path)) {
		if (!(s->files = malloc(sizeof *s->files)) || !(s->files[0] = strdup(path)))
			return free(s->files), RC_INTERNAL;
		s->nfiles = 1;
		v->n++;
		return RC_OK;
	}
	/* A directory is one submission of several files: its regular ones. */
	struct dirent **e;
	int k = scandir(path, &e, s_visible, alphasort);
	if (k < 0 || !(s->files = calloc((size_t)k + 1, sizeof *s->files))) {
		snprintf(s->skip, sizeof s->skip, "skipped (%s)", k < 0 ? strerror(errno) :
			 "out of memory");
		k = k < 0 ? 0 : k;
	}
	for (int i = 0; i < k; i++) {
		char *f;
		if (s->files && asprintf(&f, "%s/%s", path, e[i]->d_name) >= 0) {
			struct stat st;
			if (stat(f, &st) == 0 && S_ISREG(st.st_mode))
				s->files[s->nfiles++] = f;
			else
				free(f);
		}
		free(e[i]);
	}
	if (k >= 0)
		free(e);
	if (!s->nfiles && !*s->skip)
		snprintf(s->skip, sizeof s->skip, "skipped (no files)");
	v->n++;
	return RC_OK;
}

/* submissions/NAME: its files and directories, if NAME says what they
 * should get; another directory is a warning. */
static int s_vf_scan_dir(s_verify *v, const char *base, const char *name)
{
	const s_expect *x = NULL;
	char *path;
	int rc = RC_OK;
	if (asprintf(&path, "%s/%s", base, name) < 0)
		return RC_INTERNAL;
	for (size_t i = 0; i < N_EXPECTS && !x; i++)
		if (!strcmp(name, s_expects[i].dir))
			x = &s_expects[i];
	if (!s_is_dir(path))
		;		/* a README beside the directories: not a submission */
	else if (!x)
		fprintf(stderr, "judgebox: warning: submissions/%s: not a verdict directory "
			"(accepted, wrong_answer, time_limit_exceeded, ...): skipped\n", name);
	else {
		struct dirent **e;
		int k = scandir(path, &e, s_visible, alphasort);
		if (k < 0)
			fprintf(stderr, "judgebox: warning: %s: %s\n", path, strerror(errno));
		for (int i = 0; i < k; i++) {
			char *f;
			struct stat st;
			if (rc == RC_OK && asprintf(&f, "%s/%s", path, e[i]->d_name) >= 0) {
				if (stat(f, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
					rc = s_vf_add(v, x, f);
				free(f);
			}
			free(e[i]);
		}
		if (k >= 0)
			free(e);
	}
	free(path);
	return rc;
}

/* Every submission of DIR/submissions, sorted by directory then name. */
static int s_vf_scan(s_verify *v)
{
	char *base;
	struct dirent **e;
	int rc = RC_OK;
	if (asprintf(&base, "%s/submissions", v->dir) < 0)
		return RC_INTERNAL;
	int k = scandir(base, &e, s_visible, alphasort);
	if (k < 0) {
		fprintf(stderr, "judgebox: %s: %s (problem verify judges the package's own "
			"submissions, in submissions/accepted/, submissions/wrong_answer/, ...)\n",
			base, strerror(errno));
		free(base);
		return RC_USAGE;
	}
	for (int i = 0; i < k; i++) {
		if (rc == RC_OK)
			rc = s_vf_scan_dir(v, base, e[i]->d_name);
		free(e[i]);
	}
	free(e);
	if (rc == RC_INTERNAL)
		fputs("judgebox: out of memory\n", stderr);
	else if (!v->n) {
		fprintf(stderr, "judgebox: %s: no submissions in it (files in accepted/, "
			"wrong_answer/, ...)\n", base);
		rc = RC_USAGE;
	}
	free(base);
	return rc;
}

/* The language of a submission: the first of its files whose extension
 * a language claims (as run decides it); a row says why there is none. */
static void s_vf_lang(s_vsub *s, const msgpack_object *langs)
{
	size_t best;
	int count = 0;
	bool entry = false;
	for (int i = 0; i < s->nfiles && !count; i++)
		count = s_lang_match(langs, s_basename(s->files[i]), &s->lang, &best);
	for (int i = 0; i < s->nfiles; i++)
		entry |= !strcmp(s_basename(s->files[i]), s->lang.source);
	if (*s->skip)
		return;
	if (!count)
		snprintf(s->skip, sizeof s->skip, "skipped (language unknown)");
	else if (count > 1)
		snprintf(s->skip, sizeof s->skip, "skipped (extension fits several languages)");
	else if (!s->lang.available)
		snprintf(s->skip, sizeof s->skip, "skipped (language %s unavailable)", s->lang.id);
	else if (s->nfiles > 1 && !entry)	/* the daemon's rule: PROTOCOL.md 7.1 */
		snprintf(s->skip, sizeof s->skip, "skipped (no file named %s)", s->lang.source);
}

/* Decide every submission's language from one languages request. */
static int s_vf_langs(s_ctx *x, s_verify *v)
{
	s_req r;
	s_in in;
	s_req_begin(&r, "languages");
	int rc = s_call(x, &r, s_timeout(x), &in);
	const msgpack_object *langs = rc == RC_OK ? s_array(in.root, "languages") : NULL;
	if (rc == RC_OK && !langs) {
		fputs("judgebox: reply without languages\n", stderr);
		rc = RC_INTERNAL;
	}
	for (int i = 0; langs && i < v->n; i++)
		s_vf_lang(&v->subs[i], langs);
	s_in_free(&in);
	return rc;
}

/* The daemon's CPU time ceiling (health), which cuts every time limit. */
static int s_vf_ceiling(s_ctx *x, s_verify *v)
{
	s_req r;
	s_in in;
	s_req_begin(&r, "health");
	int rc = s_call(x, &r, s_timeout(x), &in);
	v->ceiling = s_u64(s_map(s_map(in.root, "limits"), "ceilings"), "cpu_ms", 60000);
	s_in_free(&in);
	return rc;
}

/* A daemon without problem_import's time fields: the limit of problem_get
 * (already cut to the ceiling) and its type. */
static int s_vf_problem_get(s_ctx *x, s_verify *v)
{
	s_req r;
	s_in in;
	char type[32];
	s_req_begin(&r, "problem_get");
	s_kuint(&r, "v", PROTO_V);
	s_kstr(&r, "problem", v->id);
	int rc = s_call(x, &r, s_timeout(x), &in);
	const msgpack_object *p = s_map(in.root, "problem");
	v->limit = s_u64(s_map(p, "limits"), "cpu_ms", 1000);
	v->scoring = !strcmp(s_str(p, "type", type, sizeof type, ""), "scoring");
	snprintf(v->from, sizeof v->from, "problem_get");
	s_in_free(&in);
	return rc;
}

/* The time limit and its margins, from the import's reply (PROTOCOL.md
 * 14.4); each is cut to the ceiling, as the daemon cuts it. */
static int s_vf_limits(s_ctx *x, s_verify *v)
{
	const msgpack_object *p = v->problem;
	char type[32];
	int rc = s_vf_ceiling(x, v);
	v->mult = s_float(p, "time_multiplier", 5);
	v->margin = s_float(p, "time_safety_margin", 2);
	if (v->margin < 1)
		v->margin = 1;
	v->scoring = !strcmp(s_str(p, "type", type, sizeof type, ""), "scoring");
	v->limit = s_u64(p, "time_limit_ms", 0);
	s_str(p, "time_limit_from", v->from, sizeof v->from, "package");
	if (rc == RC_OK && !v->limit)
		rc = s_vf_problem_get(x, v);
	if (!v->limit || v->limit > v->ceiling)
		v->limit = v->limit ? v->ceiling : 1000;
	v->high = (uint64_t)ceil((double)v->limit * v->margin);
	if (v->high > v->ceiling)
		v->high = v->ceiling;
	return rc;
}

/* Queue s against the problem at limit_ms. A request that the daemon
 * refuses for this submission alone makes its row say so; any other error
 * ends verify. */
static int s_vf_submit(s_ctx *x, const s_verify *v, s_vsub *s, uint64_t limit_ms)
{
	s_req r;
	s_in in = { 0 };
	char label[160], code[32], msg[200];
	x->files = s->files;
	x->nfiles = s->nfiles;
	s_req_begin(&r, "submit");
	s_kuint(&r, "v", PROTO_V);
	s_kstr(&r, "problem", v->id);
	s_kstr(&r, "lang", s->lang.id);
	s_kstr(&r, "mode", v->scoring ? "all" : "first_failure");	/* a whole score */
	s_kuint(&r, "time_limit_ms", limit_ms);
	if (snprintf(label, sizeof label, "verify %s", s->name) <= 128)
		s_kstr(&r, "label", label);
	int rc = s_add_sources(x, &r, &s->lang);
	if (rc == RC_OK)
		rc = s_check_size(x, r.w.len);
	if (rc == RC_USAGE || rc == RC_DAEMON) {	/* unreadable, or too large */
		mp_w_free(&r.w);
		snprintf(s->skip, sizeof s->skip, "skipped (%s)", rc == RC_USAGE ?
			 "unreadable" : "too large");
		return RC_OK;
	}
	if (rc != RC_OK) {
		mp_w_free(&r.w);
		return rc;
	}
	rc = s_send(x, &r, s_timeout(x));
	if (rc == RC_OK)
		rc = s_wait_reply(x, s_timeout(x), &in);
	const msgpack_object *e = rc == RC_OK ? s_map(in.root, "error") : NULL;
	s_str(e, "code", code, sizeof code, "");
	if (rc == RC_OK && !s_bool(in.root, "ok") && (!strcmp(code, "bad_request") ||
	    !strcmp(code, "too_large") || !strcmp(code, "unavailable")))
		snprintf(s->skip, sizeof s->skip, "refused (%s: %s)", code,
			 s_str(e, "message", msg, sizeof msg, "?"));
	else if (rc == RC_OK && !s_bool(in.root, "ok"))
		rc = s_daemon_error(x, in.root);
	else if (rc == RC_OK && !(s->id = s_u64(s_map(in.root, "job"), "id", 0))) {
		fputs("judgebox: reply without a job\n", stderr);
		rc = RC_INTERNAL;
	}
	s->limit_ms = limit_ms;
	s_in_free(&in);
	return rc;
}

/* Progress on stderr (not with -q or --json): a line per round, and on a
 * terminal a dot per job as it ends. */
static bool s_vf_chatty(const s_ctx *x)
{
	return !x->o.quiet && !x->o.json;
}

/* One round: queue every submission it takes at once (the daemon runs
 * them in parallel boxes), then wait for each in turn. accepted_only:
 * the round that derives the time limit, at the ceiling. */
static int s_vf_round(s_ctx *x, s_verify *v, bool accepted_only)
{
	int rc = RC_OK, queued = 0;
	for (int i = 0; i < v->n && rc == RC_OK; i++) {
		s_vsub *s = &v->subs[i];
		if (*s->skip || s->id || (accepted_only && s->x != X_ACCEPTED))
			continue;
		rc = s_vf_submit(x, v, s, accepted_only ? v->ceiling :
				 s->x == X_TLE ? v->high : v->limit);
		queued += s->id != 0;
	}
	if (rc == RC_OK && queued && s_vf_chatty(x))
		fprintf(stderr, "judgebox: judging %d submission%s%s%s", queued,
			queued == 1 ? "" : "s", accepted_only ? " from accepted/ to derive the "
			"time limit" : "", x->tty ? " " : "\n");
	for (int i = 0; i < v->n && rc == RC_OK; i++) {
		s_vsub *s = &v->subs[i];
		if (!s->id || s->job)
			continue;
		rc = s_wait_job(x, s->id, &s->in, &s->job);
		if (x->tty && s_vf_chatty(x))
			fputc('.', stderr);
	}
	if (queued && x->tty && s_vf_chatty(x))
		fputc('\n', stderr);
	return rc;
}

/* The largest CPU time of a result's tests. */
static uint64_t s_max_cpu(const msgpack_object *r)
{
	const msgpack_object *tests = s_array(r, "tests");
	uint64_t max = 0;
	for (uint32_t i = 0; tests && i < tests->via.array.size; i++) {
		uint64_t c = s_u64(&tests->via.array.ptr[i], "cpu_ms", 0);
		max = c > max ? c : max;
	}
	return max;
}

/* No time limit in the package: as problemtools' verifyproblem does, judge
 * accepted/ first with a generous one (the ceiling), then take the slowest
 * test of those accepted, times time_multiplier, to the nearest whole
 * second and at least one. */
static int s_vf_derive(s_ctx *x, s_verify *v)
{
	int rc = s_vf_round(x, v, true);
	bool any = false;
	for (int i = 0; i < v->n && rc == RC_OK; i++) {
		const s_vsub *s = &v->subs[i];
		const msgpack_object *r = s_map(s->job, "result");
		if (s->x != X_ACCEPTED || !s->job || !mp_str_eq(mp_get(s->job, "state"), "judged") ||
		    !mp_str_eq(mp_get(r, "verdict"), "accepted"))
			continue;
		uint64_t c = s_max_cpu(r);
		v->slowest = c > v->slowest ? c : v->slowest;
		any = true;
	}
	if (rc != RC_OK || !any) {
		if (rc == RC_OK && s_vf_chatty(x))
			fprintf(stderr, "judgebox: warning: no accepted/ submission was accepted: "
				"the time limit stays %" PRIu64 " ms\n", v->limit);
		return rc;
	}
	uint64_t sec = (uint64_t)((double)v->slowest * v->mult / 1000.0 + 0.5);
	v->limit = sec < 1 ? 1000 : sec * 1000 > v->ceiling ? v->ceiling : sec * 1000;
	v->high = (uint64_t)ceil((double)v->limit * v->margin);
	if (v->high > v->ceiling)
		v->high = v->ceiling;
	snprintf(v->from, sizeof v->from, "derived");
	return rc;
}

/* The verdict at the time limit. A job judged at a higher one (accepted/
 * when the limit was derived, time_limit_exceeded/ at the margin) had its
 * first test over the limit, in CPU or in wall time, stopped there. */
static void s_vf_at_limit(const s_verify *v, s_vsub *s, const msgpack_object *r)
{
	const msgpack_object *tests = s_array(r, "tests");
	s_str(r, "verdict", s->verdict, sizeof s->verdict, "?");
	s_str(r, "first_failure", s->first, sizeof s->first, "");
	if (s->limit_ms <= v->limit)
		return;
	for (uint32_t i = 0; tests && i < tests->via.array.size; i++) {
		const msgpack_object *t = &tests->via.array.ptr[i];
		bool over = s_u64(t, "cpu_ms", 0) > v->limit ||
			    s_u64(t, "wall_ms", 0) > 2 * v->limit + 1000;
		if (!over && mp_str_eq(mp_get(t, "verdict"), "accepted"))
			continue;
		if (over)
			snprintf(s->verdict, sizeof s->verdict, "time_limit");
		else
			s_str(t, "verdict", s->verdict, sizeof s->verdict, "?");
		s_str(t, "name", s->first, sizeof s->first, "?");
		return;
	}
}

/* What an ended job got: its verdict at the limit, score, CPU time. */
static void s_vf_outcome(const s_verify *v, s_vsub *s)
{
	char state[32], high[32];
	const msgpack_object *r = s_map(s->job, "result");
	if (*s->skip) {
		snprintf(s->got, sizeof s->got, "%s", s->skip);
		return;
	}
	const char *st = s_str(s->job, "state", state, sizeof state, "?");
	if (strcmp(st, "judged")) {		/* cancelled, failed */
		snprintf(s->got, sizeof s->got, "%s", st);
		return;
	}
	s_vf_at_limit(v, s, r);
	s->max_cpu = s_max_cpu(r);
	s->ran = s_array(r, "tests") && s_array(r, "tests")->via.array.size;
	s->scored = mp_as_float(mp_get(r, "score"), &s->score) && isfinite(s->score);
	snprintf(s->got, sizeof s->got, "%s", s->verdict);
	s_str(r, "verdict", high, sizeof high, "?");
	/* time_limit_exceeded/ must be too slow even with the margin. */
	if (s->x == X_TLE && !strcmp(s->verdict, "time_limit") && strcmp(high, "time_limit")) {
		s->tle_short = true;
		snprintf(s->got, sizeof s->got, "time_limit, but %s at %" PRIu64 " ms", high,
			 s->limit_ms);
	}
}

/* Does s get what its directory expects? best: the best score of the
 * accepted/ submissions (a scoring problem's full score), or -1. */
static void s_vf_match(const s_verify *v, s_vsub *s, double best)
{
	bool judged = !*s->skip && *s->verdict;
	bool acc = judged && !strcmp(s->verdict, "accepted");
	if (!judged)			/* skipped: wrong only where it had to pass */
		s->mismatch = *s->skip ? s->x == X_ACCEPTED : true;
	else if (s->x->kind == X_VERDICT)
		s->mismatch = strcmp(s->verdict, s->x->shown) || s->tle_short;
	else if (s->x->kind == X_REJECTED)
		s->mismatch = acc;
	else if (!v->scoring) {
		s->mismatch = true;
		snprintf(s->warn, sizeof s->warn, "partially_accepted/ on a pass-fail problem");
	} else
		s->mismatch = !s->scored || s->score <= 0 || (best >= 0 && s->score >= best);
	if (s->mismatch || s->x != X_ACCEPTED)
		return;
	if ((double)s->max_cpu * v->margin > (double)v->limit)
		snprintf(s->warn, sizeof s->warn, "accepted but within the safety margin: "
			 "%" PRIu64 " ms is over the time limit / time_safety_margin "
			 "(%" PRIu64 " ms / %g)", s->max_cpu, v->limit, v->margin);
	else if (s->scored && best >= 0 && s->score < best)
		snprintf(s->warn, sizeof s->warn, "score %g, less than the best accepted (%g)",
			 s->score, best);
}

/* Outcomes, then matches (partially_accepted/ needs the full score). */
static int s_vf_judge(s_verify *v)
{
	double best = -1;
	int mismatches = 0;
	for (int i = 0; i < v->n; i++) {
		s_vsub *s = &v->subs[i];
		s_vf_outcome(v, s);
		if (s->x == X_ACCEPTED && s->scored && !strcmp(s->verdict, "accepted") &&
		    s->score > best)
			best = s->score;
	}
	for (int i = 0; i < v->n; i++) {
		s_vf_match(v, &v->subs[i], best);
		mismatches += v->subs[i].mismatch;
	}
	return mismatches;
}

/* Where the time limit came from, in words. */
static void s_vf_from(const s_verify *v, char *buf, size_t size)
{
	if (!strcmp(v->from, "derived"))
		snprintf(buf, size, "derived: slowest accepted %" PRIu64 " ms x time_multiplier "
			 "%g, to whole seconds", v->slowest, v->mult);
	else if (!strcmp(v->from, "default"))
		snprintf(buf, size, "the default: the package gives none, and no accepted/ "
			 "submission was accepted to derive it from");
	else
		snprintf(buf, size, "from %s", v->from);
}

static int s_width(int w, const char *s)
{
	int n = (int)strlen(s);
	return n > w ? n : w;
}

/* The table: a row per submission, its warnings, the summary line. */
static void s_vf_table(const s_verify *v, int mismatches)
{
	int wn = 10, wx = 8, wg = 3, wf = 18, tle = 0;
	char name[300], type[32], from[200], cpu[32];
	for (int i = 0; i < v->n; i++) {
		const s_vsub *s = &v->subs[i];
		wn = s_width(wn, s->name), wx = s_width(wx, s->x->shown);
		wg = s_width(wg, s->got), wf = s_width(wf, s->first);
		tle += s->x == X_TLE;
	}
	printf("problem %s: %s (%s, %" PRIu64 " tests)\n", v->id,
	       s_str(v->problem, "name", name, sizeof name, "?"),
	       v->scoring ? "scoring" : s_str(v->problem, "type", type, sizeof type, "pass-fail"),
	       s_u64(v->problem, "tests", 0));
	printf("%-*s  %-*s  %-*s  %s%8s  %-*s  %s\n", wn, "SUBMISSION", wx, "EXPECTED", wg, "GOT",
	       v->scoring ? "   SCORE  " : "", "MAX-CPU", wf, "FIRST-FAILING-TEST", "RESULT");
	for (int i = 0; i < v->n; i++) {
		const s_vsub *s = &v->subs[i];
		if (s->ran)
			snprintf(cpu, sizeof cpu, "%" PRIu64 " ms", s->max_cpu);
		else
			snprintf(cpu, sizeof cpu, "-");
		printf("%-*s  %-*s  %-*s  ", wn, s->name, wx, s->x->shown, wg, s->got);
		if (v->scoring && s->scored)
			printf("%8g  ", s->score);
		else if (v->scoring)
			printf("%8s  ", "-");
		printf("%8s  %-*s  %s\n", cpu, wf, *s->first ? s->first : "-",
		       s->mismatch ? "MISMATCH" : "OK");
	}
	for (int i = 0; i < v->n; i++)
		if (*v->subs[i].warn)
			printf("warning: %s: %s\n", v->subs[i].name, v->subs[i].warn);
	s_vf_from(v, from, sizeof from);
	printf("%d submission%s, %d mismatch%s; time limit %" PRIu64 " ms (%s)", v->n,
	       v->n == 1 ? "" : "s", mismatches, mismatches == 1 ? "" : "es", v->limit, from);
	if (tle)
		printf(", time_limit_exceeded/ judged at %" PRIu64 " ms (x time_safety_margin %g)",
		       v->high, v->margin);
	printf("; %.1f s\n", (double)(s_now() - v->start) / 1000.0);
}

/* "key":"value" for the JSON document. */
static void s_jkstr(const char *k, const char *val, bool comma)
{
	printf("%s\"%s\":", comma ? "," : "", k);
	s_json_bytes(stdout, val, strlen(val));
}

/* The same as JSON: one document (judgebox(1), JSON OUTPUT). */
static void s_vf_json(const s_verify *v, int mismatches)
{
	fputs("{\"problem\":", stdout);
	s_json(stdout, v->problem);
	printf(",\"time_limit_ms\":%" PRIu64, v->limit);
	s_jkstr("time_limit_from", v->from, true);
	if (!strcmp(v->from, "derived"))
		printf(",\"slowest_accepted_ms\":%" PRIu64, v->slowest);
	printf(",\"time_multiplier\":%g,\"time_safety_margin\":%g,\"tle_check_ms\":%" PRIu64
	       ",\"submissions\":[", v->mult, v->margin, v->high);
	for (int i = 0; i < v->n; i++) {
		const s_vsub *s = &v->subs[i];
		putchar(i ? ',' : '{');
		if (i)
			putchar('{');
		s_jkstr("submission", s->name, false);
		s_jkstr("expected", s->x->shown, true);
		s_jkstr("lang", s->lang.id, true);
		s_jkstr("got", s->got, true);
		printf(",\"verdict\":");
		if (*s->verdict)
			s_json_bytes(stdout, s->verdict, strlen(s->verdict));
		else
			fputs("null", stdout);
		if (s->scored)
			printf(",\"score\":%.17g", s->score);
		if (s->id)
			printf(",\"job\":%" PRIu64 ",\"judged_at_ms\":%" PRIu64, s->id, s->limit_ms);
		if (s->ran)
			printf(",\"max_cpu_ms\":%" PRIu64, s->max_cpu);
		if (*s->first)
			s_jkstr("first_failure", s->first, true);
		s_jkstr("result", s->mismatch ? "MISMATCH" : "OK", true);
		if (*s->warn)
			s_jkstr("warning", s->warn, true);
		putchar('}');
	}
	printf("],\"total\":%d,\"mismatches\":%d,\"wall_ms\":%" PRId64 "}\n", v->n, mismatches,
	       s_now() - v->start);
}

static void s_vf_free(s_verify *v)
{
	for (int i = 0; i < v->n; i++) {
		for (int k = 0; k < v->subs[i].nfiles; k++)
			free(v->subs[i].files[k]);
		free(v->subs[i].files);
		s_in_free(&v->subs[i].in);
	}
	free(v->subs);
	s_in_free(&v->pin);
	free(v->dir);
}

/* problem verify DIR: import it, judge its submissions, say which got
 * what their directory expects (judgebox(1), problem verify). */
static int s_cmd_problem_verify(s_ctx *x)
{
	s_verify v = { .start = s_now() };
	const char *dir = x->o.operands[1];
	int rc = RC_OK;
	if (!(v.dir = realpath(dir, NULL)) || !s_is_dir(v.dir)) {
		fprintf(stderr, "judgebox: %s: %s\n", dir, v.dir ? "not a directory (a problem "
			"package is one)" : strerror(errno));
		free(v.dir);
		return RC_USAGE;
	}
	if (x->o.id)
		snprintf(v.id, sizeof v.id, "%s", x->o.id);
	else
		s_vf_id(v.dir, v.id);
	if ((rc = s_vf_scan(&v)) == RC_OK)
		rc = s_problem_import(x, v.id, v.dir, &v.pin, &v.problem);
	if (rc == RC_DAEMON && mp_str_eq(mp_get(s_map(v.pin.root, "error"), "code"), "unauthorized"))
		fputs("judgebox: problem verify imports the package, and only judgeboxd's admins "
		      "may (admins in judgeboxd.conf)\n", stderr);
	if (rc == RC_OK && !x->o.json)
		s_import_warnings(v.problem);
	if (rc == RC_OK)
		rc = s_vf_limits(x, &v);
	if (rc == RC_OK)
		rc = s_vf_langs(x, &v);
	if (rc == RC_OK && !strcmp(v.from, "default"))
		rc = s_vf_derive(x, &v);
	if (rc == RC_OK)
		rc = s_vf_round(x, &v, false);
	if (rc == RC_OK) {
		int mismatches = s_vf_judge(&v);
		if (x->o.json)
			s_vf_json(&v, mismatches);
		else
			s_vf_table(&v, mismatches);
		rc = mismatches ? RC_STATUS : RC_OK;
	}
	s_vf_free(&v);
	return rc;
}

/* ---- languages, health ---- */

static void s_language_line(const msgpack_object *l)
{
	const msgpack_object *ext = s_array(l, "extensions");
	char id[64], ver[300], reason[600], what[700];
	if (s_bool(l, "available"))
		snprintf(what, sizeof what, "%s", s_str(l, "version", ver, sizeof ver, "available"));
	else
		snprintf(what, sizeof what, "unavailable: %s",
			 s_str(l, "reason", reason, sizeof reason, "?"));
	printf("%-12s %-36s", s_str(l, "id", id, sizeof id, "?"), what);
	for (uint32_t k = 0; ext && k < ext->via.array.size; k++) {
		const char *p;
		size_t n;
		if (mp_as_str(&ext->via.array.ptr[k], &p, &n))
			printf(" %.*s", (int)n, p);
	}
	putchar('\n');
}

/* languages: a table, or the list as JSON. */
static int s_cmd_languages(s_ctx *x)
{
	s_req r;
	s_in in = { 0 };
	s_req_begin(&r, "languages");
	int rc = s_call(x, &r, s_timeout(x), &in);
	const msgpack_object *langs = rc == RC_OK ? s_array(in.root, "languages") : NULL;
	if (rc == RC_OK && x->o.json)
		s_json_fields(in.root);
	else if (rc == RC_OK) {
		printf("%-12s %-36s %s\n", "ID", "VERSION", "EXTENSIONS");
		for (uint32_t i = 0; langs && i < langs->via.array.size; i++)
			if (langs->via.array.ptr[i].type == MSGPACK_OBJECT_MAP)
				s_language_line(&langs->via.array.ptr[i]);
	}
	s_in_free(&in);
	return rc;
}

/* health in a few lines. */
static void s_health_print(const msgpack_object *h)
{
	const msgpack_object *b = s_map(h, "boxes"), *q = s_map(h, "queue");
	char ver[64], user[300];
	uint64_t up = s_u64(h, "uptime_ms", 0) / 1000;
	printf("judgeboxd %s (protocol v%" PRIu64 "), up %" PRIu64 "d %" PRIu64 "h %"
	       PRIu64 "m\n", s_str(h, "version", ver, sizeof ver, "?"), s_u64(h, "v", 1),
	       up / 86400, up / 3600 % 24, up / 60 % 60);
	printf("user %s%s\n", s_str(h, "user", user, sizeof user, "?"),
	       s_bool(h, "admin") ? " (admin)" : "");
	printf("boxes %" PRIu64 " busy of %" PRIu64 ", cgroup v%" PRIu64 "\n",
	       s_u64(b, "busy", 0), s_u64(b, "total", 0), s_u64(h, "cgroup", 0));
	printf("queue %" PRIu64 " (capacity %" PRIu64 ", %" PRIu64 " per user), "
	       "%" PRIu64 " running\n", s_u64(q, "length", 0), s_u64(q, "capacity", 0),
	       s_u64(q, "per_user", 0), s_u64(q, "running", 0));
	printf("draining %s\n", s_bool(h, "draining") ? "yes: new runs are refused" : "no");
}

/* health: the daemon's state, or its fields as JSON. */
static int s_cmd_health(s_ctx *x)
{
	s_req r;
	s_in in = { 0 };
	s_req_begin(&r, "health");
	int rc = s_call(x, &r, s_timeout(x), &in);
	if (rc == RC_OK && x->o.json)
		s_json_fields(in.root);
	else if (rc == RC_OK)
		s_health_print(in.root);
	s_in_free(&in);
	return rc;
}

/* ---- command line ---- */

typedef struct {
	const char *name, *sub;	/* sub: the first operand names a subcommand */
	int (*fn)(s_ctx *);
	int min, max;		/* operands after sub; max -1: any number */
	unsigned allowed;	/* F_* options it takes */
	const char *need;	/* the message when operands are missing */
} s_cmd;

#define NEED_ID "a job id is needed"
#define NEED_FILE "a file is needed"
static const s_cmd s_cmds[] = {
	{ "run", NULL, s_cmd_run, 1, -1, F_RUN, NEED_FILE },
	{ "submit", NULL, s_cmd_submit, 1, -1, F_RUN, NEED_FILE },
	{ "test", NULL, s_cmd_test, 1, -1, F_JUDGE, NEED_FILE },
	{ "judge", NULL, s_cmd_judge, 2, -1, F_LANG | F_ALL | F_LABEL | F_IDEM,
	  "a problem id and a file are needed" },
	{ "problem", "import", s_cmd_problem_import, 2, 2, 0,
	  "a problem id and a directory are needed" },
	{ "problem", "show", s_cmd_problem_show, 1, 1, 0, "a problem id is needed" },
	{ "problem", "list", s_cmd_problem_list, 0, 0, F_LIMIT | F_ALL | F_CURSOR, NULL },
	{ "problem", "verify", s_cmd_problem_verify, 1, 1, F_ID, "a package directory is needed" },
	{ "watch", NULL, s_cmd_watch, 1, 1, 0, NEED_ID },
	{ "status", NULL, s_cmd_status, 1, 1, F_SOURCE, NEED_ID },
	{ "get", NULL, s_cmd_status, 1, 1, F_SOURCE, NEED_ID },
	{ "cancel", NULL, s_cmd_cancel, 1, 1, 0, NEED_ID },
	{ "history", NULL, s_cmd_history, 0, 0, F_HIST, NULL },
	{ "languages", NULL, s_cmd_languages, 0, 0, 0, NULL },
	{ "health", NULL, s_cmd_health, 0, 0, 0, NULL },
};

/* --help: the summary; judgebox(1) has the rest. */
static void s_help(void)
{
	fputs("usage: judgebox [OPTION]... COMMAND [ARG]...\n"
	      "  run FILE... [-l LANG] [-i FILE | --stdin-text TEXT] [LIMITS] [--label L]\n"
	      "      [--idem K] [-- ARG...]   run a program, wait, print its result\n"
	      "  submit FILE... [same options]   queue a run, print its job id\n"
	      "  test FILE... [-l LANG] (--tests DIR | --case IN ANS)... [--all]\n"
	      "      [--compare default|exact|lines] [--case-sensitive] [--space-sensitive]\n"
	      "      [--float-tolerance X] [--float-abs X] [--float-rel X] [--trim]\n"
	      "      [--ignore-trailing-space] [--ignore-empty-lines] [--no-keep] [LIMITS]\n"
	      "      [--label L] [--idem K] [-- ARG...]   judge a program against tests\n"
	      "  judge PROBLEM FILE... [-l LANG] [--all] [--label L] [--idem K]\n"
	      "                           judge a program against an imported problem\n"
	      "  problem import ID DIR    import a problem package (admins)\n"
	      "  problem show ID          a problem's limits, test count and samples\n"
	      "  problem list [--limit N] [--cursor C] [--all]   the problems' ids\n"
	      "  problem verify DIR [--id ID]   import a package, judge its submissions/,\n"
	      "                           show which got what they should (admins)\n"
	      "  watch ID                 follow a job to its end, print its result\n"
	      "  status ID [--source]     print a job (alias: get)\n"
	      "  cancel ID                cancel a job\n"
	      "  history [--user U] [--state S]... [--lang L] [--label L] [--limit N]\n"
	      "      [--cursor C] [--all]  list jobs, newest first\n"
	      "  languages                the languages this host runs\n"
	      "  health                   the daemon's state\n"
	      "LIMITS: --cpu-ms --wall-ms --memory-kb --procs --fsize-kb --stack-kb\n"
	      "        --nofile --tmp-kb --output-kb, each N\n"
	      "global: -e, --endpoint EP; --events EP; --json; --timeout MS;\n"
	      "        -q, --quiet (no progress); -h, --help; --version\n"
	      "Exit status: 0 ok (test, judge: accepted; problem verify: all as expected),\n"
	      "1 the job did not end ok (problem verify: a mismatch), 2 usage,\n"
	      "3 daemon error, "
"4 no answer, 5 internal error. See judgebox(1).\n", stdout);
}

static const struct option s_longopts[] = {
	{ "endpoint", required_argument, NULL, 'e' },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "lang", required_argument, NULL, 'l' },
	{ "stdin", required_argument, NULL, 'i' },
	{ "stdin-text", required_argument, NULL, OPT_STDIN_TEXT },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "idem", required_argument, NULL, OPT_IDEM },
	{ "source", no_argument, NULL, OPT_SOURCE },
	{ "user", required_argument, NULL, OPT_USER },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "cursor", required_argument, NULL, OPT_CURSOR },
	{ "tests", required_argument, NULL, OPT_TESTS },
	{ "case", required_argument, NULL, OPT_CASE },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "no-keep", no_argument, NULL, OPT_NO_KEEP },
	{ "id", required_argument, NULL, OPT_ID },
	{ "case-sensitive", no_argument, NULL, OPT_CMP_BOOL + 0 },
	{ "space-sensitive", no_argument, NULL, OPT_CMP_BOOL + 1 },
	{ "trim", no_argument, NULL, OPT_CMP_BOOL + 2 },
	{ "ignore-trailing-space", no_argument, NULL, OPT_CMP_BOOL + 3 },
	{ "ignore-empty-lines", no_argument, NULL, OPT_CMP_BOOL + 4 },
	{ "float-tolerance", required_argument, NULL, OPT_CMP_FLOAT + 0 },
	{ "float-abs", required_argument, NULL, OPT_CMP_FLOAT + 1 },
	{ "float-rel", required_argument, NULL, OPT_CMP_FLOAT + 2 },
	{ "cpu-ms", required_argument, NULL, OPT_LIMITS + 0 },
	{ "wall-ms", required_argument, NULL, OPT_LIMITS + 1 },
	{ "memory-kb", required_argument, NULL, OPT_LIMITS + 2 },
	{ "procs", required_argument, NULL, OPT_LIMITS + 3 },
	{ "fsize-kb", required_argument, NULL, OPT_LIMITS + 4 },
	{ "stack-kb", required_argument, NULL, OPT_LIMITS + 5 },
	{ "nofile", required_argument, NULL, OPT_LIMITS + 6 },
	{ "tmp-kb", required_argument, NULL, OPT_LIMITS + 7 },
	{ "output-kb", required_argument, NULL, OPT_LIMITS + 8 },
	{ NULL, 0, NULL, 0 },
};

/* test's comparison options (PROTOCOL.md 14.2). */
static int s_opt_compare(s_opts *o, int c, const char *arg)
{
	o->seen |= F_COMPARE;
	if (c == OPT_COMPARE) {
		if (strcmp(arg, "default") && strcmp(arg, "exact") && strcmp(arg, "lines"))
			return s_usage_err("--compare: default, exact or lines", arg);
		o->compare = arg;
	} else if (c >= OPT_CMP_BOOL && c < OPT_CMP_BOOL + (int)N_CMP_BOOLS)
		o->cmp_bools |= 1u << (c - OPT_CMP_BOOL);
	else {
		char *end;
		errno = 0;
		double v = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(v) || v < 0)
			return s_usage_err("a tolerance is a number from 0", arg);
		o->cmp_floats[c - OPT_CMP_FLOAT] = v;
		o->cmp_floats_set |= 1u << (c - OPT_CMP_FLOAT);
	}
	return RC_OK;
}

/* Options with a value of their own (numbers and repeated states). */
static int s_opt_value(s_opts *o, int c, const char *arg)
{
	uint64_t v;
	if (c == OPT_COMPARE || (c >= OPT_CMP_BOOL && c < OPT_CMP_FLOAT + (int)N_CMP_FLOATS))
		return s_opt_compare(o, c, arg);
	if (c >= OPT_LIMITS && c < OPT_LIMITS + (int)N_LIMITS) {
		if (!s_parse_uint(arg, 1, MAX_ID, &v))
			return s_usage_err("not a limit (a whole number from 1)", arg);
		o->limits[c - OPT_LIMITS] = v;
		o->seen |= F_LIMITS;
	} else if (c == OPT_TIMEOUT) {
		if (!s_parse_uint(arg, 1, 86400000, &v))
			return s_usage_err("--timeout: not a number of ms from 1", arg);
		o->timeout_ms = (long)v;
	} else if (c == OPT_LIMIT) {
		if (!s_parse_uint(arg, 1, 100, &v))
			return s_usage_err("--limit: not a number from 1 to 100", arg);
		o->limit = v;
		o->seen |= F_LIMIT;
	} else if (c == OPT_STATE) {
		if (o->nstates == MAX_STATES)
			return s_usage_err("at most 6 --state options", NULL);
		o->states[o->nstates++] = arg;
		o->seen |= F_STATE;
	}
	return RC_OK;
}

/* Store one option; a non-option (c == 1) is the command or an operand. */
static int s_opt(s_opts *o, int c, char *arg)
{
	switch (c) {
	case 1:
		if (!o->cmd)
			o->cmd = arg;
		else
			o->operands[o->noperands++] = arg;
		break;
	case 'e': o->endpoint = arg; break;
	case OPT_EVENTS: o->events = arg; break;
	case OPT_JSON: o->json = true; break;
	case 'q': o->quiet = true; break;
	case 'h': o->help = true; break;
	case OPT_VERSION: o->version = true; break;
	case 'l': o->lang = arg; o->seen |= F_LANG; break;
	case 'i': o->stdin_file = arg; o->seen |= F_STDIN; break;
	case OPT_STDIN_TEXT: o->stdin_text = arg; o->seen |= F_STDIN; break;
	case OPT_LABEL: o->label = arg; o->seen |= F_LABEL; break;
	case OPT_IDEM: o->idem = arg; o->seen |= F_IDEM; break;
	case OPT_SOURCE: o->source = true; o->seen |= F_SOURCE; break;
	case OPT_USER: o->user = arg; o->seen |= F_USER; break;
	case OPT_ALL: o->all = true; o->seen |= F_ALL; break;
	case OPT_CURSOR: o->cursor = arg; o->seen |= F_CURSOR; break;
	case OPT_TESTS: o->tsrc[o->ntsrc++].dir = arg; o->seen |= F_TESTS; break;
	case OPT_NO_KEEP: o->no_keep = true; o->seen |= F_KEEP; break;
	case OPT_ID: o->id = arg; o->seen |= F_ID; break;
	case '?': return RC_USAGE;
	default: return s_opt_value(o, c, arg);
	}
	return RC_OK;
}

/* Endpoints: options, else the environment, else the defaults. */
static const char *s_endpoint(const char *opt, const char *env, const char *def)
{
	const char *e = getenv(env);
	return opt ? opt : e && *e ? e : def;
}

/* Parse argv in order: "--" ends the options, and the words after it are
 * the program's arguments (run, submit). */
static int s_parse(int argc, char **argv, s_opts *o)
{
	int c, rc = RC_OK;
	o->timeout_ms = -1;
	o->operands = calloc((size_t)argc + 1, sizeof *o->operands);
	o->tsrc = calloc((size_t)argc + 1, sizeof *o->tsrc);
	if (!o->operands || !o->tsrc)
		return RC_INTERNAL;
	while (rc == RC_OK && (c = getopt_long(argc, argv, "-e:l:i:qh", s_longopts, NULL)) != -1) {
		if (c != OPT_CASE) {
			rc = s_opt(o, c, optarg);
			continue;
		}
		/* --case IN ANS: the word after IN is ANS ("-" keeps argv in order). */
		if (optind >= argc) {
			rc = s_usage_err("--case needs two files, IN and ANS", NULL);
			break;
		}
		o->tsrc[o->ntsrc].in = optarg;
		o->tsrc[o->ntsrc++].ans = argv[optind++];
		o->seen |= F_TESTS;
	}
	if (rc == RC_USAGE && c == '?')
		fputs("Try 'judgebox --help'.\n", stderr);
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (o->nargs)
		o->seen |= F_ARGS;
	o->endpoint = s_endpoint(o->endpoint, "JUDGEBOX_ENDPOINT", DEFAULT_ENDPOINT);
	o->events = s_endpoint(o->events, "JUDGEBOX_EVENTS", DEFAULT_EVENTS);
	return rc;
}

static const struct {
	unsigned flag;
	const char *name;
} s_flag_names[] = {
	{ F_LANG, "-l/--lang" }, { F_STDIN, "-i/--stdin-text" },
	{ F_LIMITS, "limits (--cpu-ms ...)" }, { F_LABEL, "--label" },
	{ F_IDEM, "--idem" }, { F_ARGS, "arguments after --" },
	{ F_SOURCE, "--source" }, { F_USER, "--user" }, { F_STATE, "--state" },
	{ F_LIMIT, "--limit" }, { F_ALL, "--all" }, { F_CURSOR, "--cursor" },
	{ F_TESTS, "--tests/--case" }, { F_COMPARE, "comparison options (--compare ...)" },
	{ F_KEEP, "--no-keep" }, { F_ID, "--id" },
};

/* The command, checked against its operands and options. */
static int s_find_cmd(const s_opts *o, const s_cmd **cmd)
{
	bool known = false;
	if (!o->cmd)
		return s_usage_err("no command", NULL);
	for (size_t i = 0; i < sizeof s_cmds / sizeof s_cmds[0]; i++) {
		const s_cmd *c = &s_cmds[i];
		if (strcmp(o->cmd, c->name))
			continue;
		known = true;
		if (!c->sub || (o->noperands && !strcmp(o->operands[0], c->sub)))
			*cmd = c;
	}
	if (known && !*cmd)		/* problem without import, show or list */
		return s_usage_err("problem: import, show, list or verify",
				   o->noperands ? o->operands[0] : NULL);
	if (!*cmd)
		return s_usage_err("unknown command", o->cmd);
	int skip = (*cmd)->sub ? 1 : 0, n = o->noperands - skip;
	if (n < (*cmd)->min)
		return s_usage_err((*cmd)->need, o->cmd);
	if ((*cmd)->max >= 0 && n > (*cmd)->max)
		return s_usage_err("too many arguments", o->operands[skip + (*cmd)->max]);
	for (size_t i = 0; i < sizeof s_flag_names / sizeof s_flag_names[0]; i++)
		if (o->seen & ~(*cmd)->allowed & s_flag_names[i].flag) {
			fprintf(stderr, "judgebox: %s%s%s does not take %s\n", o->cmd,
				skip ? " " : "", skip ? (*cmd)->sub : "", s_flag_names[i].name);
			fputs("Try 'judgebox --help'.\n", stderr);
			return RC_USAGE;
		}
	if (o->stdin_file && o->stdin_text)
		return s_usage_err("-i and --stdin-text exclude each other", NULL);
	return RC_OK;
}

int main(int argc, char **argv)
{
	s_ctx x;
	const s_cmd *cmd = NULL;
	memset(&x, 0, sizeof x);
	int rc = s_parse(argc, argv, &x.o);
	if (rc == RC_OK && x.o.help)
		s_help();
	else if (rc == RC_OK && x.o.version)
		printf("judgebox %s (protocol v%d)\n", JUDGEBOX_VERSION, PROTO_V);
	else if (rc == RC_OK && (rc = s_find_cmd(&x.o, &cmd)) == RC_OK) {
		x.tty = isatty(STDERR_FILENO);
		x.files = x.o.operands;
		x.nfiles = x.o.noperands;
		rc = s_conn_open(&x);
		if (rc == RC_OK)
			rc = cmd->fn(&x);
		s_conn_close(&x);
	}
	free(x.o.operands);
	free(x.o.tsrc);
	free(x.shown);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "judgebox: writing the output: %s\n", strerror(errno));
		rc = RC_INTERNAL;
	}
	return rc;
}
