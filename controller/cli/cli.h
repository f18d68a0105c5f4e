/* cli.h: what the files of judgebox(1), the command-line client of
 * judgeboxd, share: the exit statuses, the options, the state of one
 * invocation (cli_t, handed down to every function that needs it: there
 * are no globals), and each file's functions.
 *
 * It speaks the wire protocol of proto/PROTOCOL.md: one DEALER socket for
 * requests (canonical form, an empty delimiter frame before the body,
 * section 2.2) and, for progress, one SUB socket (section 11). Every wait
 * is bounded by a timeout, because a daemon that is not running gives
 * silence, not an error (section 2.4). Replies are untrusted input: a reply
 * that does not parse is reported (exit 5), never asserted on.
 * judgebox(1) is the reference for commands, output and exit statuses.
 */
#ifndef JUDGEBOX_CLI_H
#define JUDGEBOX_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../../proto/mp.h"
#include "../../proto/wire.h"

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
#define TEST_NAME_MAX	 64		/* a test name: one file name component */
#define TEST_SHOW_MAX	 255		/* a name shown (a problem's: group/.../name) */
#define SIZE_CHECK	 (1u << 20)	/* larger requests check max_request first */
#define N_CMP_BOOLS	 5		/* test's compare map: its bool keys, */
#define N_CMP_FLOATS	 3		/* and its tolerances (test.c names them) */

/* Long option codes, and the bit of each option that commands allow. */
enum {
	OPT_EVENTS = 1000, OPT_JSON, OPT_TIMEOUT, OPT_VERSION, OPT_STDIN_TEXT,
	OPT_LABEL, OPT_IDEM, OPT_SOURCE, OPT_USER, OPT_STATE, OPT_LIMIT,
	OPT_ALL, OPT_CURSOR, OPT_TESTS, OPT_CASE, OPT_COMPARE, OPT_NO_KEEP, OPT_ID,
	OPT_LIMITS = 1100, OPT_CMP_BOOL = 1200, OPT_CMP_FLOAT = 1300,
	OPT_TEMPLATE = 1050,			/* session new --template */
	OPT_SINCE = 1060, OPT_UNTIL,		/* violations, metrics (admin.c) */
};
enum {
	F_LANG = 1 << 0, F_STDIN = 1 << 1, F_LIMITS = 1 << 2, F_LABEL = 1 << 3,
	F_IDEM = 1 << 4, F_ARGS = 1 << 5, F_SOURCE = 1 << 6, F_USER = 1 << 7,
	F_STATE = 1 << 8, F_LIMIT = 1 << 9, F_ALL = 1 << 10, F_CURSOR = 1 << 11,
	F_TESTS = 1 << 12, F_COMPARE = 1 << 13, F_KEEP = 1 << 14, F_ID = 1 << 15,
	F_TEMPLATE = 1 << 24,
	F_TIME = 1 << 25,			/* --since, --until */
};
#define F_RUN  (F_LANG | F_STDIN | F_LIMITS | F_LABEL | F_IDEM | F_ARGS)
#define F_HIST (F_LANG | F_LABEL | F_USER | F_STATE | F_LIMIT | F_ALL | F_CURSOR)
#define F_JUDGE ((F_RUN & ~F_STDIN) | F_ALL | F_TESTS | F_COMPARE | F_KEEP)

/* Where test's tests come from, in command-line order: a directory of
 * NAME.in + NAME.ans pairs (--tests), or one pair (--case IN ANS). */
typedef struct {
	const char *dir, *in, *ans;
} tsrc_t;

/* One test, once the sources are read: its name and its two files. */
typedef struct {
	char name[TEST_NAME_MAX + 1];
	char *in, *ans;
} tcase_t;

/* The command line, as main.c parsed it. */
typedef struct {
	const char *endpoint, *events;
	bool json, quiet, source, all, help, version;
	long timeout_ms;			/* -1: the default */
	const char *lang, *stdin_file, *stdin_text, *label, *idem, *user, *cursor;
	const char *id;				/* problem verify --id */
	const char *template_name;		/* session new --template */
	const char *since, *until;		/* violations, metrics: a time or an age */
	const char *states[S_COUNT];
	int nstates;
	uint64_t limit;				/* history page size; 0: the daemon's */
	uint64_t limits[L_COUNT];		/* 0: not given; by L_* */
	tsrc_t *tsrc;				/* test: --tests and --case */
	int ntsrc;
	const char *compare;			/* test: --compare MODE */
	unsigned cmp_bools;			/* bit i: test.c's s_cmp_bools[i] given */
	unsigned cmp_floats_set;		/* bit i: test.c's s_cmp_floats[i] given */
	double cmp_floats[N_CMP_FLOATS];
	bool no_keep;
	const char *cmd;
	char **operands;
	int noperands;
	char **args;
	int nargs;
	unsigned seen;				/* F_* of the options given */
} opts_t;

/* The sockets (conn.c). */
typedef struct {
	void *ctx, *req, *sub;
	uint64_t rid;				/* the last rid sent */
} conn_t;

/* One invocation: what every command is handed. */
typedef struct {
	opts_t o;
	conn_t c;
	bool tty;				/* stderr is a terminal */
	char **files;				/* the program's files (operands) */
	int nfiles;
	const char *problem;			/* judge: the problem id */
	tcase_t *cases;				/* test: the tests, in order */
	int ncases, cases_cap;
	int ttotal, twidth;			/* test lines: count, name width */
	bool *shown;				/* test lines printed, by index */
	uint64_t attempt;			/* test: the attempt being shown */
} cli_t;

/* An outgoing request: a map whose size is patched when it is sent. */
typedef struct {
	mp_w w;
	size_t mark;
	uint32_t n;
} req_t;

/* An incoming message: its bytes (which msgpack objects point into) and
 * the parsed document. */
typedef struct {
	char *buf;
	size_t len;
	mp_doc doc;
	bool parsed;
	const msgpack_object *root;
} in_t;

/* Progress shown on stderr: one line updated in place on a terminal. */
typedef struct {
	bool show, inplace, open;
	char last[32];
} progress_t;

/* A language, as the daemon's languages reply says it (lang.c). */
typedef struct {
	char id[64];
	char source[256];
	bool available;				/* its toolchain is on the host */
	char ext[8][16];			/* its extensions (the first 8) */
	int next;				/* 0: unknown (-l, one file) */
} lang_t;

/* A paged listing: the reply's array `key`, a line per item (or JSON);
 * --all follows next to the end. */
typedef struct {
	const char *key;
	void (*build)(const cli_t *, req_t *, const char *cursor);
	void (*line)(const msgpack_object *);
} lister_t;

/* judged, cancelled and failed never change (PROTOCOL.md 10.2). */
static inline bool state_terminal(const char *state)
{
	int s = wire_state_parse(state);
	return s >= 0 && S_TERMINAL(s);
}

/* util.c: small utilities. */
int64_t cli_now(void);
int cli_usage(const char *what, const char *arg);
bool cli_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v);
int cli_slurp(const char *path, char **buf, size_t *len);
const char *cli_basename(const char *path);

/* conn.c: reading replies (tolerant accessors with defaults), building
 * requests, the sockets, one request and its reply. */
uint64_t rd_u64(const msgpack_object *map, const char *key, uint64_t def);
bool rd_bool(const msgpack_object *map, const char *key);
double rd_float(const msgpack_object *map, const char *key, double def);
const msgpack_object *rd_map(const msgpack_object *map, const char *key);
const msgpack_object *rd_array(const msgpack_object *map, const char *key);
const char *rd_str(const msgpack_object *map, const char *key, char *buf,
		   size_t size, const char *def);
void req_begin(req_t *r, const char *op);
void req_key(req_t *r, const char *k);
void req_kstr(req_t *r, const char *k, const char *v);
void req_kuint(req_t *r, const char *k, uint64_t v);
void req_kbool(req_t *r, const char *k, bool v);
void req_wait(const cli_t *x, req_t *r);
void in_free(in_t *in);
int in_parse(in_t *in, const char *what);
int conn_open(cli_t *x);
void conn_close(cli_t *x);
int conn_socket(cli_t *x, int type, const char *endpoint, void **sock);
int conn_subscribe(cli_t *x, uint64_t id);
int conn_recv(void *sock, in_t *in, int *frames);
int conn_send(cli_t *x, req_t *r, long timeout);
int conn_wait_reply(cli_t *x, long timeout, in_t *in);
int conn_call(cli_t *x, req_t *r, long timeout, in_t *in);
int conn_daemon_error(const cli_t *x, const msgpack_object *root);
int conn_check_size(cli_t *x, size_t len);
long conn_timeout(const cli_t *x);
long conn_wait_timeout(const cli_t *x);

/* json.c: --json output (judgebox(1), JSON OUTPUT). */
void json_value(FILE *f, const msgpack_object *o);
void json_bytes(FILE *f, const char *s, size_t n);
void json_fields(const msgpack_object *root);
void json_kstr(const char *k, const char *val, bool comma);

/* fmt.c: pieces of output the printers share. */
void fmt_mem(uint64_t kb, char *buf, size_t size);
bool write_bin(FILE *f, const msgpack_object *map, const char *key);
void note_truncated(const msgpack_object *r, const char *what,
		    const char *data, const char *bytes, const char *flag);
void print_compile(const msgpack_object *r);

/* print.c: an ended job's result, a job as run prints it, progress. */
int show_job(cli_t *x, const msgpack_object *job);
void progress_show(progress_t *p, uint64_t id, const char *state);
void progress_end(progress_t *p);

/* verdict.c: a test job's lines and verdict (PROTOCOL.md 14.1). */
int test_total(cli_t *x, uint64_t total);
void test_line(cli_t *x, uint64_t idx, const msgpack_object *t);
int print_verdict(cli_t *x, const msgpack_object *r);

/* follow.c: waiting for a job, or following its events, to its end. */
int job_get(cli_t *x, uint64_t id, bool output, in_t *in, const msgpack_object **job);
int job_wait(cli_t *x, uint64_t id, in_t *in, const msgpack_object **job);
int job_follow(cli_t *x, uint64_t id, progress_t *p, in_t *in,
	       const msgpack_object **job, bool tests);
int job_finish(cli_t *x, int rc, progress_t *p, in_t *in,
	       const msgpack_object **job, bool tests);

/* lang.c: which language a program is in. */
int lang_match(const msgpack_object *langs, const char *file, lang_t *lang,
	       size_t *best);
int lang_pick(cli_t *x, lang_t *lang);
int lang_resolve(cli_t *x, lang_t *lang);	/* as lang_pick, its source name always */
void lang_shebang(const msgpack_object *langs, const char *path, lang_t *lang);
bool lang_is_source(const lang_t *lang, const char *file);

/* run.c: a program's request, shared by run, submit, test and judge. */
int run_add_sources(cli_t *x, req_t *r, const lang_t *lang);
int run_add_options(cli_t *x, req_t *r);
int run_send(cli_t *x, req_t *r, bool wait, in_t *in, const msgpack_object **job);

/* jobs.c: paged listings (history, problem list). */
int list_pages(cli_t *x, const lister_t *l);

/* problem.c: importing a package (problem import, problem verify). */
int problem_import(cli_t *x, const char *id, const char *dir, in_t *in,
		   const msgpack_object **p);
void problem_warnings(const msgpack_object *p);

/* The commands (main.c's table). */
int cmd_run(cli_t *x);
int cmd_submit(cli_t *x);
int cmd_test(cli_t *x);
int cmd_judge(cli_t *x);
int cmd_problem_import(cli_t *x);
int cmd_problem_show(cli_t *x);
int cmd_problem_list(cli_t *x);
int cmd_problem_verify(cli_t *x);
int cmd_watch(cli_t *x);
int cmd_status(cli_t *x);
int cmd_cancel(cli_t *x);
int cmd_history(cli_t *x);
int cmd_languages(cli_t *x);
int cmd_health(cli_t *x);
/* admin.c: the admins' commands (PROTOCOL.md 19). */
int cmd_violations(cli_t *x);
int cmd_flags(cli_t *x);
int cmd_unflag(cli_t *x);
int cmd_metrics(cli_t *x);

/* session.c, session_edit.c: judgebox session (PROTOCOL.md 18). */
int session_add_files(cli_t *x, req_t *r, int first, const char *source);
int session_get(cli_t *x, uint64_t id, in_t *in, const msgpack_object **s);
int cmd_session_new(cli_t *x);
int cmd_session_edit(cli_t *x);
int cmd_session_run(cli_t *x);
int cmd_session_show(cli_t *x);
int cmd_session_history(cli_t *x);
int cmd_session_list(cli_t *x);
int cmd_session_rm(cli_t *x);

#endif
