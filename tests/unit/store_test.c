/* store_test: controller/store.c and render.c on a temporary state
 * directory. Transactions, insert and idem keys, state changes (seq, and
 * terminal states that never change), results, specs, the active jobs, the
 * compile cache's index, per-test results, problems, expiry; a commit that
 * fails (the WAL cannot grow: RLIMIT_FSIZE, as a full disk) and is rolled
 * back whole; and the job and event maps of PROTOCOL.md sections 8, 11.1
 * and 14, decoded with mp_parse. A second, plain SQLite connection checks
 * what is on disk. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../controller/log.h"
#include "../../controller/store.h"
#include "../lib/tap.h"
#include "../lib/tmpdir.h"

#define PLAN 88

static char dir[] = "/tmp/store_test.XXXXXX";
static char dbpath[600];
static store_t *st;
static limits_t lim;
static mp_w spec;		/* {files: [[main.c, bin]], stdin: bin} */

/* log.c's functions, in place of its object (the Makefile's stub rule):
 * a clock this test can move, and a log it can read. */
static int64_t skew;		/* ms added to the wall clock */
static char lastlog[512];
static int nlog;

void log_open(bool syslog_only)
{
	(void)syslog_only;
}

void jlog(int prio, const char *fmt, ...)
{
	va_list ap;

	(void)prio;
	va_start(ap, fmt);
	vsnprintf(lastlog, sizeof lastlog, fmt, ap);
	va_end(ap);
	nlog++;
}

static int64_t s_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t now_ms(void)
{
	return s_ms(CLOCK_REALTIME) + skew;
}

int64_t mono_ms(void)
{
	return s_ms(CLOCK_MONOTONIC);
}

/* ---- reading back ---- */

/* A value of the other connection's query q (one integer), or -1. */
static int64_t sql1(const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t v = -1;

	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return v;
}

/* Decoded maps: the job or event last written (each kept until the next). */
static mp_w jw;
static mp_doc jd;

/* Free the last one and start writing the next. */
static mp_w *s_next(void)
{
	mp_doc_free(&jd);
	mp_w_free(&jw);
	mp_w_init(&jw);
	return &jw;
}

/* Decode what was written: its map, or NULL if rc says it failed. */
static const msgpack_object *s_parse(int rc)
{
	char err[128];

	if (rc || !mp_w_ok(&jw))
		return mp_w_free(&jw), NULL;
	if (mp_parse(&jd, jw.buf, jw.len, false, err, sizeof err))
		return diag("not msgpack: %s", err), NULL;
	return jd.root;
}

/* Job id as a reply shows it (JW_* flags), or NULL. */
static const msgpack_object *job(uint64_t id, int flags)
{
	return s_parse(store_write_job(st, s_next(), id, flags));
}

/* Job id's state event, or NULL. */
static const msgpack_object *event(uint64_t id, int *state)
{
	return s_parse(store_write_event(st, s_next(), id, state));
}

static uint64_t U(const msgpack_object *m, const char *k)
{
	uint64_t v;

	return m && mp_as_uint(mp_get(m, k), &v) ? v : UINT64_MAX;
}

static bool STR(const msgpack_object *m, const char *k, const char *s)
{
	return m && mp_str_eq(mp_get(m, k), s);
}

/* Is m a map with exactly the keys in the space-separated list? */
static bool keys_are(const msgpack_object *m, const char *list)
{
	char buf[512], *save, *k;
	uint32_t n = 0;

	if (!m || m->type != MSGPACK_OBJECT_MAP)
		return false;
	snprintf(buf, sizeof buf, "%s", list);
	for (k = strtok_r(buf, " ", &save); k; k = strtok_r(NULL, " ", &save), n++)
		if (!mp_get(m, k))
			return false;
	return m->via.map.size == n;
}

/* Keys of m, for a diagnostic. */
static const char *keys(const msgpack_object *m)
{
	static char buf[1024];
	size_t k = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; m && m->type == MSGPACK_OBJECT_MAP && i < m->via.map.size; i++) {
		const msgpack_object *key = &m->via.map.ptr[i].key;

		k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%.*s", i ? " " : "",
				      (int)key->via.str.size, key->via.str.ptr);
		if (k >= sizeof buf)
			break;
	}
	return buf;
}

static bool BIN(const msgpack_object *m, const char *k, const char *want)
{
	const char *p;
	size_t n;

	return m && mp_as_bin(mp_get(m, k), &p, &n) && n == strlen(want) && !memcmp(p, want, n);
}

/* ---- writing ---- */

static uint64_t insert(const char *user, const char *idem, bool hidden)
{
	uint64_t id = 0;
	bool same;

	store_begin(st);
	if (store_insert(st, "run", user, NULL, "c", NULL, idem, lim, spec.buf, spec.len, hidden, &id, &same))
		diag("insert failed"), exit(2);
	store_commit(st);
	return id;
}

static int state_of(uint64_t id, uint64_t *attempt)
{
	int s = -1;

	if (store_job_state(st, id, &s, NULL, 0, attempt))
		return -1;
	return s;
}

/* A step as the helper reports one. */
static step_t step(const char *status, uint64_t exit_code, uint64_t sig)
{
	step_t s;

	memset(&s, 0, sizeof s);
	snprintf(s.status, sizeof s.status, "%s", status);
	s.exit_code = exit_code, s.signal = sig;
	s.cpu_us = 18412, s.wall_us = 21377, s.memory_kb = 8960;
	s.ran = true;
	return s;
}

/* ---- transactions ---- */

static void test_txn(void)
{
	struct stat sb;
	uint64_t id;
	bool same;

	ok(st && stat(dbpath, &sb) == 0 && !store_in_txn(st), "store_new makes state_dir/judgebox.db; no transaction open");
	ok(store_begin(st) == 0 && store_in_txn(st) && store_begin(st) == 0 && store_in_txn(st),
	   "store_begin opens a transaction; again is a no-op");
	ok(store_commit(st) == 0 && !store_in_txn(st) && store_commit(st) == 0,
	   "store_commit closes it; with none open it is a no-op returning 0");
	store_begin(st);
	store_insert(st, "run", "ghost", NULL, "c", NULL, NULL, lim, spec.buf, spec.len, false, &id, &same);
	store_rollback(st);
	ok(!store_in_txn(st) && state_of(id, NULL) == -1 && sql1("SELECT count(*) FROM jobs") == 0,
	   "store_rollback: the insert is gone, nothing on disk, no transaction");
}

/* ---- insert and idem ---- */

static void test_insert(void)
{
	uint64_t a, b, c, id = 0;
	bool same = false;
	char other[] = "\x81\xa5stdin\xc4\x01x";	/* {stdin: bin("x")} */

	a = insert("alice", NULL, false);
	b = insert("alice", NULL, false);
	ok(a >= 1 && b == a + 1, "insert: ids 1, 2, ... (got %llu, %llu)", (unsigned long long)a,
	   (unsigned long long)b);
	c = insert("alice", "k1", false);
	store_begin(st);
	int r = store_insert(st, "run", "alice", NULL, "c", NULL, "k1", lim, spec.buf, spec.len, false, &id, &same);
	ok(r == 1 && id == c && same, "insert with a used (user, idem) and the same spec: 1, that job, same");
	r = store_insert(st, "run", "alice", NULL, "c", NULL, "k1", lim, other, sizeof other - 1, false, &id, &same);
	ok(r == 1 && id == c && !same, "insert with a used (user, idem), another spec: 1, that job, not same");
	r = store_insert(st, "run", "bob", NULL, "c", NULL, "k1", lim, spec.buf, spec.len, false, &id, &same);
	ok(r == 0 && id == c + 1, "insert: bob's key k1 is not alice's: a new job");
	store_commit(st);
	ok(sql1("SELECT count(*) FROM jobs") == 4, "four jobs on disk: the idem matches made none");
	ok(store_find_idem(st, "alice", "k2", spec.buf, spec.len, &id, &same) == 0,
	   "find_idem: an unused key: 0");
	id = 0;
	ok(store_find_idem(st, "alice", "k1", spec.buf, spec.len, &id, &same) == 1 && id == c && same,
	   "find_idem: a used key, same spec: 1, its job, same");
	ok(store_find_idem(st, "alice", "k1", other, sizeof other - 1, &id, &same) == 1 && id == c && !same,
	   "find_idem: a used key, other spec: 1, not same");
}

/* ---- states ---- */

static void test_states(void)
{
	uint64_t id = insert("alice", NULL, false), att = 0, seq;
	const msgpack_object *j;

	j = job(id, 0);
	ok(state_of(id, &att) == S_QUEUED && att == 1 && U(j, "seq") == 1 && STR(j, "state", "queued") &&
	   !mp_get(j, "started_at") && !mp_get(j, "finished_at"),
	   "a new job: queued, attempt 1, seq 1, no started_at or finished_at");
	store_begin(st);
	seq = store_set_state(st, id, S_COMPILING, false);
	ok(seq == 2 && state_of(id, NULL) == S_COMPILING, "queued -> compiling: seq 2");
	ok(store_set_state(st, id, S_RUNNING, false) == 3 && state_of(id, NULL) == S_RUNNING,
	   "compiling -> running: seq 3");
	store_commit(st);
	j = job(id, 0);
	ok(U(j, "started_at") != UINT64_MAX && !mp_get(j, "finished_at") && U(j, "seq") == 3,
	   "running: started_at set, no finished_at; the job shows seq 3");
	store_begin(st);
	ok(store_set_state(st, id, S_QUEUED, true) == 4 && state_of(id, &att) == S_QUEUED && att == 2,
	   "requeued with a new attempt (a crash): seq 4, attempt 2");
	ok(store_set_state(st, id, S_RUNNING, false) == 5 && store_set_state(st, id, S_JUDGED, false) == 6,
	   "queued -> running -> judged: seq 5, 6");
	store_commit(st);
	j = job(id, 0);
	ok(STR(j, "state", "judged") && U(j, "finished_at") != UINT64_MAX && U(j, "finished_at") >= U(j, "started_at"),
	   "judged: finished_at set, not before started_at");
	store_begin(st);
	ok(store_set_state(st, id, S_RUNNING, false) == 0 && store_set_state(st, id, S_CANCELLED, false) == 0 &&
	   store_set_state(st, id, S_QUEUED, true) == 0, "a terminal state never changes: set_state returns 0");
	store_commit(st);
	j = job(id, 0);
	ok(STR(j, "state", "judged") && U(j, "seq") == 6 && U(j, "attempt") == 2,
	   "... and the job is as it was: judged, seq 6, attempt 2");
	id = insert("alice", NULL, false);
	store_begin(st);
	ok(store_set_state(st, id, S_CANCELLED, false) == 2 && store_set_state(st, 999999, S_RUNNING, false) == 0,
	   "queued -> cancelled: seq 2; a missing job: 0");
	store_commit(st);
	j = job(id, 0);
	ok(STR(j, "state", "cancelled") && !mp_get(j, "started_at") && mp_get(j, "finished_at") && !mp_get(j, "result"),
	   "cancelled from the queue: finished_at but no started_at, no result");
}

/* ---- results ---- */

static uint64_t judged_id, failed_id, viol_id;

static void test_results(void)
{
	uint64_t id = insert("alice", NULL, false);
	step_t comp = step("ok", 0, 0), run = step("signal", 0, 11);
	const msgpack_object *j, *r;

	run.out = "hi\n", run.out_len = 3, run.out_bytes = 3;
	run.err = "trunc", run.err_len = 5, run.err_bytes = 70000;
	store_begin(st);
	store_set_state(st, id, S_COMPILING, false);
	store_set_state(st, id, S_RUNNING, false);
	ok(store_set_result(st, id, S_JUDGED, &comp, &run, "signal", NULL, 9, "warning: ", 9) == 0 &&
	   state_of(id, NULL) == S_JUDGED, "set_result on a running job: 0, judged");
	store_commit(st);
	judged_id = id;
	j = job(id, JW_OUTPUT);
	r = mp_get(j, "result");
	ok(STR(r, "status", "signal") && U(r, "exit_code") == 0 && U(r, "signal") == 11 &&
	   STR(r, "signal_name", "SIGSEGV") && BIN(r, "stdout", "hi\n") && U(r, "stderr_bytes") == 70000,
	   "the result holds the run: status signal, signal 11 SIGSEGV, stdout, stderr_bytes");
	store_begin(st);
	run = step("ok", 0, 0);
	ok(store_set_result(st, id, S_FAILED, NULL, &run, "internal_error", "again", 0, NULL, 0) == -1,
	   "set_result on a terminal job: -1");
	store_commit(st);
	r = mp_get(job(id, JW_OUTPUT), "result");
	ok(STR(r, "status", "signal") && U(r, "signal") == 11 && !mp_get(r, "message"),
	   "... and the result is unchanged");

	failed_id = insert("alice", NULL, false);
	store_begin(st);
	store_set_state(st, failed_id, S_RUNNING, false);
	store_set_result(st, failed_id, S_FAILED, NULL, NULL, "internal_error", "the helper failed", 0, NULL, 0);
	store_commit(st);
	r = mp_get(job(failed_id, JW_OUTPUT), "result");
	if (!ok(STR(r, "status", "internal_error") && STR(r, "message", "the helper failed") &&
		keys_are(r, "status message"),
		"a failed job's result: status and message, nothing else (PROTOCOL.md 8.2)"))
		diag("keys: %s", keys(r));

	viol_id = insert("alice", NULL, false);
	run = step("violation", 0, 9);
	snprintf(run.syscall, sizeof run.syscall, "ptrace");
	snprintf(run.args, sizeof run.args, "0x10,0x2a,0,0,0,0");
	store_begin(st);
	store_set_state(st, viol_id, S_RUNNING, false);
	store_set_result(st, viol_id, S_JUDGED, NULL, &run, "violation", NULL, 0, NULL, 0);
	store_commit(st);
}

static void test_spec(void)
{
	jobspec_t js;
	limits_t l2;

	for (int i = 0; i < L_COUNT; i++)
		l2[i] = 1000 + (uint64_t)i;
	uint64_t id;
	bool same;
	store_begin(st);
	store_insert(st, "test", "carol", "root", "python3", "lab", NULL, l2, spec.buf, spec.len, false, &id, &same);
	store_commit(st);
	int bad = 0;
	memset(&js, 0, sizeof js);
	int r = store_load_spec(st, id, &js);
	for (int i = 0; i < L_COUNT; i++)
		bad += js.lim[i] != 1000 + (uint64_t)i;
	ok(r == 0 && js.id == id && !strcmp(js.user, "carol") && !strcmp(js.lang, "python3") && js.attempt == 1 &&
	   !bad && js.spec_len == spec.len && !memcmp(js.spec, spec.buf, spec.len),
	   "load_spec: user, lang, attempt, every limit, the spec's bytes");
	jobspec_free(&js);
	ok(js.spec == NULL && store_load_spec(st, 999999, &js) == -1, "jobspec_free; load_spec of a missing job: -1");
}

/* ---- active jobs ---- */

static char active[1024];

static void s_active(void *arg, uint64_t id, const char *user, int state, uint64_t attempt)
{
	size_t k = strlen(active);

	(void)arg;
	snprintf(active + k, sizeof active - k, "%s%llu:%s:%d:%llu", k ? " " : "", (unsigned long long)id, user,
		 state, (unsigned long long)attempt);
}

static void test_active(void)
{
	char want[1024];
	uint64_t a = insert("dave", NULL, false), b = insert("erin", NULL, false), c = insert("dave", NULL, false);
	uint64_t d = insert("erin", NULL, false);

	store_begin(st);
	store_set_state(st, b, S_RUNNING, false);
	store_set_state(st, b, S_QUEUED, true);
	store_set_state(st, c, S_COMPILING, false);
	store_set_state(st, d, S_CANCELLED, false);
	store_commit(st);
	/* Every job before a is terminal by now except those left queued
	 * above: list from a on. */
	active[0] = '\0';
	ok(store_each_active(st, s_active, NULL) == 0, "each_active: 0");
	snprintf(want, sizeof want, "%llu:dave:0:1 %llu:erin:0:2 %llu:dave:1:1", (unsigned long long)a,
		 (unsigned long long)b, (unsigned long long)c);
	char *from = strstr(active, want);
	if (!ok(from && strlen(from) == strlen(want),
		"each_active: queued and in-box jobs in id order with state and attempt; not the cancelled one"))
		diag("got \"%s\", want it to end \"%s\"", active, want);
}

/* ---- the compile cache's index ---- */

/* Move the clock on: each cache use is later than the last. */
static void wait_ms(void)
{
	skew += 10;
}

static void test_cache(void)
{
	uint64_t a = 0, b = 0, c = 0, d = 0, e = 0, ev[4];
	size_t nev = 4;

	store_begin(st);
	ok(store_cache_find(st, 7, "blobA", 5, &e) == 0, "cache: find in an empty index: 0");
	ok(store_cache_add(st, 7, "blobA", 5, &a, 3, ev, &nev) == 0 && a && nev == 0,
	   "cache: add an entry (max 3): nothing evicted");
	wait_ms();
	nev = 4;
	ok(store_cache_add(st, 7, "blobB", 5, &b, 3, ev, &nev) == 0 && b && b != a && nev == 0,
	   "cache: the same key with another blob is another entry");
	ok(store_cache_find(st, 7, "blobA", 5, &e) == 1 && e == a && store_cache_find(st, 7, "blobB", 5, &e) == 1 &&
	   e == b, "cache: find matches the blob, not just the key (a hash collision)");
	ok(store_cache_find(st, 8, "blobA", 5, &e) == 0 && store_cache_find(st, 7, "blob", 4, &e) == 0,
	   "cache: another key, a prefix of the blob: not found");
	wait_ms();
	nev = 4;
	store_cache_add(st, 9, "blobC", 5, &c, 3, ev, &nev);
	ok(nev == 0, "cache: a third entry with max 3: nothing evicted");
	wait_ms();
	store_cache_find(st, 7, "blobA", 5, &e);	/* A is used: B is now the oldest */
	wait_ms();
	nev = 4;
	ok(store_cache_add(st, 10, "blobD", 5, &d, 3, ev, &nev) == 0 && nev == 1 && ev[0] == b,
	   "cache: a fourth with max 3 evicts the least recently used (B; A was found since)");
	ok(store_cache_find(st, 7, "blobB", 5, &e) == 0 && store_cache_find(st, 7, "blobA", 5, &e) == 1 &&
	   store_cache_find(st, 10, "blobD", 5, &e) == 1, "cache: B is gone, A and D are there");
	wait_ms();
	nev = 4;
	store_cache_add(st, 11, "blobE", 5, &e, 1, ev, &nev);
	ok(nev == 3, "cache: max 1 evicts all three others (got %zu)", nev);
	store_cache_drop(st, e);
	ok(store_cache_find(st, 11, "blobE", 5, &e) == 0, "cache: drop removes an entry");
	store_commit(st);
	ok(sql1("SELECT count(*) FROM cache") == 0, "cache: the index is empty on disk after the commit");
}

/* ---- per-test results ---- */

static void test_tests(void)
{
	uint64_t id, s1, s2;
	bool same;
	step_t r = step("ok", 0, 0);
	const msgpack_object *j, *ts, *ev;

	store_begin(st);
	store_insert(st, "test", "alice", NULL, "c", NULL, NULL, lim, spec.buf, spec.len, false, &id, &same);
	store_set_state(st, id, S_RUNNING, false);
	s1 = store_test_result(st, id, 0, "small", "accepted", &r, "");
	s2 = store_test_result(st, id, 1, "neg", "wrong_answer", &r, "wrong answer on line 1, token 1");
	store_commit(st);
	ok(s1 == 3 && s2 == 4, "test results bump the job's seq: 3, 4");
	ev = s_parse(store_write_test_event(st, s_next(), id, 1, 2));
	if (!ok(keys_are(ev, "id seq event kind state attempt at index total test") && U(ev, "seq") == 4 &&
		STR(ev, "event", "test") && STR(ev, "kind", "test") && STR(ev, "state", "running") &&
		U(ev, "index") == 2 && U(ev, "total") == 2, "the test event: PROTOCOL.md 14.3's keys, index from 1"))
		diag("keys: %s", keys(ev));
	ev = mp_get(ev, "test");
	if (!ok(keys_are(ev, "name verdict cpu_ms wall_ms memory_kb") && STR(ev, "name", "neg") &&
		STR(ev, "verdict", "wrong_answer") && U(ev, "cpu_ms") == 18,
		"the test event's test: name, verdict, cpu_ms, wall_ms, memory_kb; no message"))
		diag("keys: %s", keys(ev));
	store_begin(st);
	store_set_verdict(st, id, "wrong_answer", "neg", 2);
	store_set_result(st, id, S_JUDGED, NULL, NULL, "ok", NULL, 0, NULL, 0);
	store_commit(st);
	j = job(id, JW_OUTPUT);
	ts = mp_get(mp_get(j, "result"), "tests");
	ok(ts && ts->type == MSGPACK_OBJECT_ARRAY && ts->via.array.size == 2 &&
	   STR(&ts->via.array.ptr[0], "name", "small") && STR(&ts->via.array.ptr[1], "verdict", "wrong_answer") &&
	   STR(&ts->via.array.ptr[1], "message", "wrong answer on line 1, token 1") &&
	   !mp_get(&ts->via.array.ptr[0], "message"),
	   "result.tests: one map per test in order, the comparison's message when there is one");
	ok(STR(mp_get(j, "result"), "verdict", "wrong_answer") && STR(mp_get(j, "result"), "first_failure", "neg") &&
	   U(mp_get(j, "result"), "total") == 2, "result: verdict, first_failure, total");
	j = mp_get(job(id, JW_SUMMARY | JW_OUTPUT), "result");
	ok(U(j, "total") == 2 && !mp_get(j, "tests"), "a summary: total, but no tests (14.1: not in list summaries)");
	store_begin(st);
	store_test_result(st, id, 1, "neg", "accepted", &r, NULL);
	store_commit(st);
	ts = mp_get(mp_get(job(id, JW_OUTPUT), "result"), "tests");
	ok(ts && ts->via.array.size == 2 && STR(&ts->via.array.ptr[1], "verdict", "accepted"),
	   "a test result for the same index replaces the old one");
	store_begin(st);
	store_tests_clear(st, id);
	store_commit(st);
	ts = mp_get(mp_get(job(id, JW_OUTPUT), "result"), "tests");
	ok(ts && ts->via.array.size == 0, "tests_clear: no test results left");
}

/* ---- problems ---- */

static void test_problems(void)
{
	char ids[4][65];
	size_t len = 99;
	char *p;

	ok(!store_problem_get(st, "none", &len), "problem_get of an unknown id: NULL");
	store_begin(st);
	store_problem_put(st, "bravo", "Bravo", "\x81\xa1x\x01", 4, "root");
	store_problem_put(st, "alpha", "Alpha", "\x80", 1, "root");
	store_problem_put(st, "charlie", "Charlie", "\x80", 1, NULL);
	store_commit(st);
	p = store_problem_get(st, "bravo", &len);
	ok(p && len == 4 && !memcmp(p, "\x81\xa1x\x01", 4), "problem_get: the description's bytes");
	free(p);
	int n = store_problem_ids(st, "", ids, 4);
	ok(n == 3 && !strcmp(ids[0], "alpha") && !strcmp(ids[1], "bravo") && !strcmp(ids[2], "charlie"),
	   "problem_ids from \"\": every id, in order");
	n = store_problem_ids(st, "alpha", ids, 1);
	ok(n == 1 && !strcmp(ids[0], "bravo"), "problem_ids after alpha, at most 1: bravo");
	n = store_problem_ids(st, "bravo", ids, 4);
	ok(n == 1 && !strcmp(ids[0], "charlie"), "problem_ids after bravo: charlie only");
	ok(store_problem_ids(st, "charlie", ids, 4) == 0, "problem_ids after the last: none");
	store_begin(st);
	store_problem_put(st, "bravo", "Bravo 2", "\x90", 1, "root");
	store_commit(st);
	p = store_problem_get(st, "bravo", &len);
	ok(p && len == 1 && p[0] == '\x90' && store_problem_ids(st, "", ids, 4) == 3,
	   "problem_put of an existing id replaces it");
	free(p);
}

/* ---- expiry ---- */

static void test_expire(void)
{
	uint64_t old = insert("frank", "e1", false), hid = insert("frank", NULL, true), q = insert("frank", NULL, false);
	uint64_t vis = insert("frank", NULL, false), id;
	uint64_t hid2 = insert("frank", NULL, true);
	step_t r = step("ok", 0, 0);
	char sql[200];

	store_begin(st);
	store_set_state(st, old, S_RUNNING, false);
	store_test_result(st, old, 0, "a", "accepted", &r, NULL);
	store_set_result(st, old, S_JUDGED, NULL, &r, "ok", NULL, 0, NULL, 0);
	store_set_state(st, hid2, S_CANCELLED, false);
	skew -= 2 * 3600 * 1000;	/* these two ended two hours ago */
	store_set_state(st, hid, S_CANCELLED, false);
	store_set_state(st, vis, S_CANCELLED, false);
	skew += 2 * 3600 * 1000;
	store_commit(st);
	store_begin(st);
	ok(store_expire(st, 0) == 0 && state_of(hid, NULL) == -1 && state_of(vis, NULL) == S_CANCELLED,
	   "a hidden job (keep: false) goes an hour after it ended; a visible one of the same age stays");
	ok(state_of(hid2, NULL) == S_CANCELLED && state_of(old, NULL) == S_JUDGED,
	   "a hidden job ended now stays; nothing else ended before the cut-off (0)");
	store_commit(st);
	store_begin(st);
	ok(store_expire(st, now_ms() + 1000) == 0, "expire before now + 1 s: 0");
	store_commit(st);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM test_results WHERE job = %llu", (unsigned long long)old);
	ok(state_of(old, NULL) == -1 && state_of(vis, NULL) == -1 && sql1(sql) == 0,
	   "ended jobs before then are gone, with their test results");
	ok(state_of(q, NULL) == S_QUEUED && sql1("SELECT count(*) FROM jobs WHERE state < 3") >= 1,
	   "a queued job is never expired");
	id = insert("frank", "e1", false);
	ok(id != old && state_of(id, NULL) == S_QUEUED, "the expired job's idem key is forgotten: a new job");
}

/* ---- a failed commit ---- */

static off_t fsize(const char *suffix)
{
	char p[700];
	struct stat sb;

	snprintf(p, sizeof p, "%s%s", dbpath, suffix);
	return stat(p, &sb) ? 0 : sb.st_size;
}

static void test_fail(void)
{
	static char big[64 * 1024];
	struct rlimit old, rl;
	struct timespec t0, t1;
	uint64_t keep = insert("gina", NULL, false), id = 0, seq0, seq1, att;
	bool same;
	size_t len;
	int rc;

	/* WAL mode: the write lock is taken by BEGIN IMMEDIATE, so a lock held
	 * elsewhere fails store_begin (after busy_timeout), never the commit.
	 * What fails a commit is the WAL not growing: a full disk, or here
	 * RLIMIT_FSIZE at its size while the transaction needs more. */
	memset(big, 'b', sizeof big);
	nlog = 0;
	seq0 = U(job(keep, 0), "seq");
	store_begin(st);
	store_insert(st, "run", "gina", NULL, "c", NULL, "f1", lim, big, sizeof big, false, &id, &same);
	store_set_state(st, keep, S_RUNNING, false);
	store_problem_put(st, "lost", "Lost", "\x80", 1, "root");
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	rl = old;
	rl.rlim_cur = 1;	/* not a byte more of any file */
	setrlimit(RLIMIT_FSIZE, &rl);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = store_commit(st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	setrlimit(RLIMIT_FSIZE, &old);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ok(rc == -1, "a commit the disk cannot take: store_commit returns -1 (in %.3f s)", s);
	ok(!store_in_txn(st), "after the failed commit no transaction is open");
	ok(nlog >= 1 && strstr(lastlog, "store: commit:"), "the failure is logged (\"%s\")", lastlog);
	seq1 = U(job(keep, 0), "seq");
	ok(state_of(id, NULL) == -1 && state_of(keep, &att) == S_QUEUED && seq1 == seq0 &&
	   !store_problem_get(st, "lost", &len),
	   "rolled back whole: the insert, the state change (seq %llu) and the problem are not there",
	   (unsigned long long)seq1);
	ok(sql1("SELECT count(*) FROM jobs WHERE user = 'gina'") == 1 &&
	   sql1("SELECT count(*) FROM problems WHERE id = 'lost'") == 0,
	   "another connection sees none of it either");
	store_begin(st);
	rc = store_insert(st, "run", "gina", NULL, "c", NULL, "f1", lim, big, sizeof big, false, &id, &same);
	seq1 = store_set_state(st, keep, S_RUNNING, false);
	ok(rc == 0 && seq1 == seq0 + 1 && store_commit(st) == 0 && state_of(id, NULL) == S_QUEUED &&
	   sql1("SELECT count(*) FROM jobs WHERE user = 'gina'") == 2,
	   "the store works again: the same transaction commits (idem f1 unused, seq %llu)",
	   (unsigned long long)seq1);
	ok(s < 1, "the failure is immediate, no busy wait (%.3f s)", s);
}

/* ---- rendering (PROTOCOL.md 8 and 11.1) ---- */

static void test_render(void)
{
	const msgpack_object *j, *l, *r, *c, *f, *v, *e;
	uint64_t id;
	bool same;
	int state = -1, bad = 0;

	store_begin(st);
	store_insert(st, "run", "alice", "root", "c", "lab3/ex2", "r1", lim, spec.buf, spec.len, false, &id, &same);
	store_commit(st);
	j = job(id, 0);
	if (!ok(keys_are(j, "id kind user by lang label idem state attempt seq created_at limits") &&
		U(j, "id") == id && STR(j, "kind", "run") && STR(j, "user", "alice") && STR(j, "by", "root") &&
		STR(j, "lang", "c") && STR(j, "label", "lab3/ex2") && STR(j, "idem", "r1") &&
		STR(j, "state", "queued"), "a queued job (8.1): id kind user by lang label idem state attempt "
		"seq created_at limits, nothing more"))
		diag("keys: %s", keys(j));
	l = mp_get(j, "limits");
	for (int i = 0; i < L_COUNT; i++)
		bad += U(l, wire_limit_names[i]) != lim[i];
	ok(l && l->via.map.size == L_COUNT && !bad, "limits: every key filled in (%d of them)", L_COUNT);
	j = job(insert("bob", NULL, false), 0);
	ok(j && !mp_get(j, "by") && !mp_get(j, "label") && !mp_get(j, "idem"), "by, label, idem: absent when not given");
	f = mp_get(job(id, JW_SOURCE), "files");
	ok(f && f->type == MSGPACK_OBJECT_ARRAY && f->via.array.size == 1 &&
	   keys_are(&f->via.array.ptr[0], "name content") && STR(&f->via.array.ptr[0], "name", "main.c") &&
	   BIN(&f->via.array.ptr[0], "content", "int main(){}"), "JW_SOURCE: files [{name, content}]");

	j = job(judged_id, JW_OUTPUT);
	r = mp_get(j, "result");
	if (!ok(keys_are(r, "status exit_code signal signal_name cpu_ms cpu_us wall_ms wall_us memory_kb stdout "
			 "stdout_bytes stdout_truncated stderr stderr_bytes stderr_truncated compile") &&
		U(r, "cpu_ms") == 18 && U(r, "cpu_us") == 18412 && U(r, "wall_ms") == 21 && U(r, "memory_kb") == 8960,
		"a judged run's result (8.2): every field, ms from us"))
		diag("keys: %s", keys(r));
	ok(U(j, "started_at") != UINT64_MAX && U(j, "finished_at") != UINT64_MAX, "a judged job has started_at and finished_at");
	v = mp_get(r, "stdout_truncated");
	e = mp_get(r, "stderr_truncated");
	ok(v && v->type == MSGPACK_OBJECT_BOOLEAN && !v->via.boolean && e && e->via.boolean &&
	   BIN(r, "stderr", "trunc") && U(r, "stdout_bytes") == 3,
	   "stdout whole (truncated false); stderr 5 of 70000 bytes (truncated true)");
	c = mp_get(r, "compile");
	if (!ok(keys_are(c, "status exit_code signal cpu_ms wall_ms memory_kb output output_bytes output_truncated") &&
		STR(c, "status", "ok") && BIN(c, "output", "warning: ") && U(c, "output_bytes") == 9,
		"compile (8.4): status exit_code signal cpu_ms wall_ms memory_kb output output_bytes output_truncated"))
		diag("keys: %s", keys(c));
	r = mp_get(job(judged_id, JW_OUTPUT | JW_SUMMARY), "result");
	ok(r && !mp_get(r, "stdout") && !mp_get(r, "stderr") && !mp_get(mp_get(r, "compile"), "output") &&
	   U(r, "stdout_bytes") == 3 && mp_get(r, "compile"),
	   "a summary: no stdout, stderr or compile.output; their sizes stay");
	r = mp_get(job(judged_id, 0), "result");
	ok(r && !mp_get(r, "stdout") && !mp_get(mp_get(r, "compile"), "output"), "without JW_OUTPUT: no output either");

	r = mp_get(job(viol_id, 0), "result");
	v = mp_get(r, "violation");
	l = mp_get(v, "args");
	ok(STR(r, "status", "violation") && keys_are(v, "syscall args") && STR(v, "syscall", "ptrace") && l &&
	   l->via.array.size == 6 && mp_str_eq(&l->via.array.ptr[0], "0x10") &&
	   mp_str_eq(&l->via.array.ptr[1], "0x2a") && mp_str_eq(&l->via.array.ptr[5], "0x0"),
	   "violation (8.3): syscall, six args as 0x hex strings, 0 as 0x0");

	uint64_t seq = U(job(judged_id, 0), "seq");
	e = event(judged_id, &state);
	if (!ok(keys_are(e, "id seq event kind state attempt at status exit_code signal cpu_ms wall_ms memory_kb") &&
		state == S_JUDGED && STR(e, "event", "state") && STR(e, "state", "judged") && U(e, "seq") == seq,
		"a judged event (11.1): id seq event kind state attempt at status and the run's figures"))
		diag("keys: %s", keys(e));
	e = event(id, &state);
	if (!ok(keys_are(e, "id seq event kind state attempt at") && state == S_QUEUED && U(e, "seq") == 1,
		"a queued event: id seq event kind state attempt at; no user, no output"))
		diag("keys: %s", keys(e));
	e = event(failed_id, &state);
	ok(keys_are(e, "id seq event kind state attempt at status") && STR(e, "status", "internal_error") &&
	   state == S_FAILED, "a failed event: its status, no figures");
	ok(!job(999999, 0) && !event(999999, &state), "write_job and write_event of a missing job: -1");
}

/* ---- the WAL ---- */

static void test_wal(void)
{
	int state;
	off_t w;

	/* A turn as the daemon has them: a job changes, the reply reads it
	 * back (reply_job), the turn commits. SQLite checkpoints the WAL every
	 * 1000 pages (4 MiB) unless a statement left stepping holds a read
	 * transaction open across the commit. */
	for (int i = 0; i < 1000; i++) {
		uint64_t id;
		bool same;

		store_begin(st);
		store_insert(st, "run", "hank", NULL, "c", NULL, NULL, lim, spec.buf, spec.len, false, &id, &same);
		store_job_state(st, id, &state, NULL, 0, NULL);
		store_commit(st);
	}
	w = fsize("-wal");
	ok(w < 8 << 20, "the WAL stays bounded: 1000 turns that read a job back leave judgebox.db-wal under 8 MiB");
	diag("judgebox.db-wal: %lld bytes, judgebox.db: %lld", (long long)w, (long long)fsize(""));
}

int main(void)
{
	conf_t conf;
	char pad[2048];

	plan(PLAN);
	memset(&conf, 0, sizeof conf);
	tmpdir_make(dir);
	snprintf(conf.state_dir, sizeof conf.state_dir, "%s", dir);
	snprintf(dbpath, sizeof dbpath, "%s/judgebox.db", dir);
	for (int i = 0; i < L_COUNT; i++)
		lim[i] = 100 * (uint64_t)(i + 1);
	memset(pad, 'p', sizeof pad);
	mp_w_init(&spec);
	mp_w_map(&spec, 3);
	mp_w_str(&spec, "files");
	mp_w_array(&spec, 1);
	mp_w_array(&spec, 2);
	mp_w_str(&spec, "main.c");
	mp_w_bin(&spec, "int main(){}", 12);
	mp_w_kbin(&spec, "stdin", "1 2\n", 4);
	mp_w_kbin(&spec, "pad", pad, sizeof pad);	/* a job of a few pages, as real ones are */
	st = store_new(&conf);
	if (!st)
		diag("store_new failed on %s", dir), exit(2);

	test_txn();
	test_insert();
	test_states();
	test_results();
	test_spec();
	test_active();
	test_cache();
	test_tests();
	test_problems();
	test_render();
	test_expire();
	test_fail();
	test_wal();

	mp_doc_free(&jd);
	mp_w_free(&jw);
	mp_w_free(&spec);
	store_destroy(&st);
	ok(st == NULL, "store_destroy nulls the pointer");
	if (tap_n != PLAN)
		diag("planned %d, ran %d", PLAN, tap_n);
	return done();
}
