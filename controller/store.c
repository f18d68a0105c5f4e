/* store.c: the SQLite store (WAL), the daemon's only record of jobs.
 *
 * MUST rules, which the loop in judgeboxd.c relies on:
 * - every change happens inside the turn's transaction (store_begin), and
 *   nothing is replied or published before store_commit returns 0;
 * - a job's seq goes up by one with every state change, in the same
 *   transaction, so events can be ordered and gaps noticed;
 * - a terminal state is never changed (the UPDATEs say `state < 3`).
 * Results are kept as columns, so a summary (list) never reads output blobs.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <syslog.h>

#include "jbd.h"

static sqlite3 *s_db;
static bool s_txn;

const char *const state_names[6] = {
	"queued", "compiling", "running", "judged", "cancelled", "failed",
};

int state_parse(const char *s)
{
	for (int i = 0; i < 6; i++)
		if (!strcmp(s, state_names[i]))
			return i;
	return -1;
}

static const char s_schema[] =
	"CREATE TABLE IF NOT EXISTS jobs("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" kind TEXT NOT NULL, user TEXT NOT NULL, by TEXT, lang TEXT NOT NULL,"
	" label TEXT, idem TEXT, state INTEGER NOT NULL,"
	" attempt INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER,"
	" at INTEGER NOT NULL, limits BLOB NOT NULL, spec BLOB NOT NULL,"
	" status TEXT, message TEXT, ran INTEGER,"
	" exit_code INTEGER, signal INTEGER, cpu_us INTEGER, wall_us INTEGER,"
	" memory_kb INTEGER, stdout BLOB, stdout_bytes INTEGER,"
	" stderr BLOB, stderr_bytes INTEGER, v_syscall TEXT, v_args TEXT,"
	" c_status TEXT, c_exit INTEGER, c_signal INTEGER, c_cpu_us INTEGER,"
	" c_wall_us INTEGER, c_memory_kb INTEGER, c_output BLOB,"
	" c_output_bytes INTEGER, verdict TEXT, first_failure TEXT, ntests INTEGER,"
	" score REAL, requirements BLOB, problem TEXT, groups BLOB,"
	" hidden INTEGER NOT NULL DEFAULT 0, UNIQUE(user, idem));"
	"CREATE INDEX IF NOT EXISTS jobs_active ON jobs(state) WHERE state < 3;"
	"CREATE INDEX IF NOT EXISTS jobs_user ON jobs(user, id);"
	"CREATE TABLE IF NOT EXISTS cache(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" key INTEGER NOT NULL, blob BLOB NOT NULL, used INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS cache_key ON cache(key);"
	"CREATE TABLE IF NOT EXISTS test_results(job INTEGER NOT NULL,"
	" idx INTEGER NOT NULL, name TEXT NOT NULL, verdict TEXT NOT NULL,"
	" status TEXT, exit_code INTEGER, signal INTEGER, cpu_us INTEGER,"
	" wall_us INTEGER, memory_kb INTEGER, message TEXT, v_syscall TEXT,"
	" v_args TEXT, PRIMARY KEY(job, idx));"
	"CREATE TABLE IF NOT EXISTS problems(id TEXT PRIMARY KEY, name TEXT,"
	" desc BLOB NOT NULL, imported_at INTEGER NOT NULL, by TEXT);";

/* Prepared statements, cached by the address of their SQL text. */
static struct { const char *sql; sqlite3_stmt *st; } s_stmts[32];

static sqlite3_stmt *s_stmt(const char *sql)
{
	size_t i;
	for (i = 0; i < 32 && s_stmts[i].sql; i++)
		if (s_stmts[i].sql == sql) {
			sqlite3_reset(s_stmts[i].st);
			sqlite3_clear_bindings(s_stmts[i].st);
			return s_stmts[i].st;
		}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(s_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
			       NULL) != SQLITE_OK) {
		jlog(LOG_ERR, "store: %s", sqlite3_errmsg(s_db));
		return NULL;
	}
	if (i < 32)
		s_stmts[i].sql = sql, s_stmts[i].st = st;
	return st;
}

static void s_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int s_done(sqlite3_stmt *st)
{
	int r = sqlite3_step(st);
	if (r != SQLITE_DONE && r != SQLITE_ROW) {
		jlog(LOG_ERR, "store: %s", sqlite3_errmsg(s_db));
		return -1;
	}
	return 0;
}

/* The one row of a query by job id, or NULL. */
static sqlite3_stmt *s_row(const char *sql, uint64_t id)
{
	sqlite3_stmt *st = s_stmt(sql);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, (int64_t)id);
	return sqlite3_step(st) == SQLITE_ROW ? st : NULL;
}

/* A store made by an older judgeboxd gets the columns added since; adding
 * one that exists fails harmlessly ("duplicate column"). */
static int s_migrate(char **err)
{
	static const char *const cols[] = {
		"verdict TEXT", "first_failure TEXT", "ntests INTEGER", "score REAL",
		"hidden INTEGER NOT NULL DEFAULT 0", "requirements BLOB", "problem TEXT",
		"groups BLOB",
	};
	char q[128];
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
		snprintf(q, sizeof q, "ALTER TABLE jobs ADD COLUMN %s", cols[i]);
		if (sqlite3_exec(s_db, q, NULL, NULL, NULL) != SQLITE_OK &&
		    !strstr(sqlite3_errmsg(s_db), "duplicate column"))
			return *err = sqlite3_mprintf("%s", sqlite3_errmsg(s_db)), -1;
	}
	return 0;
}

int store_open(const conf_t *c)
{
	char path[600];
	snprintf(path, sizeof path, "%s/judgebox.db", c->state_dir);
	if (sqlite3_open(path, &s_db) != SQLITE_OK) {
		jlog(LOG_ERR, "%s: %s", path, sqlite3_errmsg(s_db));
		return -1;
	}
	sqlite3_busy_timeout(s_db, 5000);
	char *err = NULL;
	const char *sync = c->sync_full ? "PRAGMA synchronous=FULL;"
					: "PRAGMA synchronous=NORMAL;";
	if (sqlite3_exec(s_db, "PRAGMA journal_mode=WAL;", NULL, NULL, &err) ||
	    sqlite3_exec(s_db, sync, NULL, NULL, &err) ||
	    sqlite3_exec(s_db, s_schema, NULL, NULL, &err) || s_migrate(&err)) {
		jlog(LOG_ERR, "%s: %s", path, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

void store_close(void)
{
	for (size_t i = 0; i < 32 && s_stmts[i].sql; i++)
		sqlite3_finalize(s_stmts[i].st), s_stmts[i].sql = NULL;
	sqlite3_close(s_db);
	s_db = NULL;
}

int store_begin(void)
{
	if (s_txn)
		return 0;
	if (sqlite3_exec(s_db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) {
		jlog(LOG_ERR, "store: begin: %s", sqlite3_errmsg(s_db));
		return -1;
	}
	s_txn = true;
	return 0;
}

int store_commit(void)
{
	if (!s_txn)
		return 0;
	if (sqlite3_exec(s_db, "COMMIT", NULL, NULL, NULL)) {
		jlog(LOG_ERR, "store: commit: %s", sqlite3_errmsg(s_db));
		store_rollback();
		return -1;
	}
	s_txn = false;
	return 0;
}

void store_rollback(void)
{
	if (s_txn)
		sqlite3_exec(s_db, "ROLLBACK", NULL, NULL, NULL);
	s_txn = false;
}

int store_expire(int64_t before_ms)
{
	static const char q[] =
		"DELETE FROM jobs WHERE state >= 3 AND (finished_at < ?1"
		" OR (hidden AND finished_at < ?2))";
	static const char t[] =
		"DELETE FROM test_results WHERE job NOT IN (SELECT id FROM jobs)";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, before_ms);
	sqlite3_bind_int64(st, 2, now_ms() - 3600000);	/* keep: false */
	if (s_done(st) || !(st = s_stmt(t)))
		return -1;
	return s_done(st);
}

static void s_limits_blob(mp_w *w, const limits_t lim)
{
	mp_w_map(w, L_COUNT);
	for (int i = 0; i < L_COUNT; i++)
		mp_w_kuint(w, limit_names[i], lim[i]);
}

/* An existing (user, idem): its id and whether the spec is the same. */
int store_find_idem(const char *user, const char *idem, const void *spec,
		       size_t len, uint64_t *id, bool *same)
{
	static const char q[] =
		"SELECT id, spec FROM jobs WHERE user = ? AND idem = ?";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return -1;
	s_text(st, 1, user);
	s_text(st, 2, idem);
	if (sqlite3_step(st) != SQLITE_ROW)
		return 0;
	*id = (uint64_t)sqlite3_column_int64(st, 0);
	*same = (size_t)sqlite3_column_bytes(st, 1) == len &&
		!memcmp(sqlite3_column_blob(st, 1), spec, len);
	return 1;
}

int store_insert(const char *kind, const char *user, const char *by,
		 const char *lang, const char *label, const char *idem,
		 const limits_t lim, const void *spec, size_t spec_len,
		 bool hidden, uint64_t *id, bool *same)
{
	if (idem) {
		int r = store_find_idem(user, idem, spec, spec_len, id, same);
		if (r)
			return r;
	}
	static const char q[] =
		"INSERT INTO jobs(kind, user, by, lang, label, idem, state,"
		" attempt, seq, created_at, at, limits, spec, hidden)"
		" VALUES(?, ?, ?, ?, ?, ?, 0, 1, 1, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = s_stmt(q);
	mp_w w;
	mp_w_init(&w);
	s_limits_blob(&w, lim);
	if (!st || !mp_w_ok(&w))
		return mp_w_free(&w), -1;
	int64_t now = now_ms();
	s_text(st, 1, kind), s_text(st, 2, user), s_text(st, 3, by);
	s_text(st, 4, lang), s_text(st, 5, label), s_text(st, 6, idem);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_blob(st, 9, w.buf, (int)w.len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, spec, (int)spec_len, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, hidden);
	int r = s_done(st);
	mp_w_free(&w);
	if (r)
		return -1;
	*id = (uint64_t)sqlite3_last_insert_rowid(s_db);
	return 0;
}

uint64_t store_set_state(uint64_t id, int state, bool new_attempt)
{
	static const char q[] =
		"UPDATE jobs SET state = ?1, seq = seq + 1, at = ?2,"
		" attempt = attempt + ?3,"
		" started_at = CASE WHEN ?1 = 1 OR (?1 = 2 AND state = 0)"
		"  THEN ?2 ELSE started_at END,"
		" finished_at = CASE WHEN ?1 >= 3 THEN ?2 ELSE NULL END"
		" WHERE id = ?4 AND state < 3 RETURNING seq";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return 0;
	sqlite3_bind_int(st, 1, state);
	sqlite3_bind_int64(st, 2, now_ms());
	sqlite3_bind_int(st, 3, new_attempt);
	sqlite3_bind_int64(st, 4, (int64_t)id);
	uint64_t seq = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		seq = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return seq;
}

/* Bind a step's figures at first..first+5. */
static void s_bind_step(sqlite3_stmt *st, int i, const step_t *s)
{
	if (!s || !s->ran) {
		for (int k = 0; k < 6; k++)
			sqlite3_bind_null(st, i + k);
		return;
	}
	s_text(st, i, s->status);
	sqlite3_bind_int64(st, i + 1, (int64_t)s->exit_code);
	sqlite3_bind_int64(st, i + 2, (int64_t)s->signal);
	sqlite3_bind_int64(st, i + 3, (int64_t)s->cpu_us);
	sqlite3_bind_int64(st, i + 4, (int64_t)s->wall_us);
	sqlite3_bind_int64(st, i + 5, (int64_t)s->memory_kb);
}

int store_set_result(uint64_t id, int state, const step_t *comp,
		     const step_t *run, const char *status, const char *message,
		     uint64_t comp_out_bytes, const char *comp_out,
		     size_t comp_out_len)
{
	static const char q[] =
		"UPDATE jobs SET status = ?2, message = ?3, ran = ?4,"
		" c_status = ?5, c_exit = ?6, c_signal = ?7, c_cpu_us = ?8,"
		" c_wall_us = ?9, c_memory_kb = ?10,"
		" exit_code = ?12, signal = ?13, cpu_us = ?14, wall_us = ?15,"
		" memory_kb = ?16, c_output = ?17, c_output_bytes = ?18,"
		" stdout = ?19, stdout_bytes = ?20, stderr = ?21,"
		" stderr_bytes = ?22, v_syscall = ?23, v_args = ?24"
		" WHERE id = ?1 AND state < 3";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)id);
	s_text(st, 2, status);
	s_text(st, 3, message);
	bool ran = run && run->ran;
	sqlite3_bind_int(st, 4, ran);
	s_bind_step(st, 5, comp);
	s_bind_step(st, 11, run);
	if (comp && comp->ran) {
		sqlite3_bind_blob(st, 17, comp_out ? comp_out : "",
				  (int)comp_out_len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 18, (int64_t)comp_out_bytes);
	}
	if (ran) {
		sqlite3_bind_blob(st, 19, run->out ? run->out : "",
				  (int)run->out_len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 20, (int64_t)run->out_bytes);
		sqlite3_bind_blob(st, 21, run->err ? run->err : "",
				  (int)run->err_len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 22, (int64_t)run->err_bytes);
		if (*run->syscall) {
			s_text(st, 23, run->syscall);
			s_text(st, 24, run->args);
		}
	}
	if (s_done(st))
		return -1;
	return store_set_state(id, state, false) ? 0 : -1;
}

int store_load_spec(uint64_t id, jobspec_t *js)
{
	static const char q[] =
		"SELECT user, lang, attempt, limits, spec FROM jobs WHERE id = ?";
	sqlite3_stmt *st = s_row(q, id);
	if (!st)
		return -1;
	memset(js, 0, sizeof *js);
	js->id = id;
	snprintf(js->user, sizeof js->user, "%s", sqlite3_column_text(st, 0));
	snprintf(js->lang, sizeof js->lang, "%s", sqlite3_column_text(st, 1));
	js->attempt = (uint64_t)sqlite3_column_int64(st, 2);
	mp_doc d;
	char err[128];
	if (mp_parse(&d, sqlite3_column_blob(st, 3),
		     (size_t)sqlite3_column_bytes(st, 3), false, err,
		     sizeof err))
		return -1;
	for (int i = 0; i < L_COUNT; i++)
		mp_as_uint(mp_get(d.root, limit_names[i]), &js->lim[i]);
	mp_doc_free(&d);
	js->spec_len = (size_t)sqlite3_column_bytes(st, 4);
	js->spec = malloc(js->spec_len + 1);
	if (!js->spec)
		return -1;
	memcpy(js->spec, sqlite3_column_blob(st, 4), js->spec_len);
	return 0;
}

void jobspec_free(jobspec_t *js)
{
	free(js->spec);
	js->spec = NULL;
}

int store_job_state(uint64_t id, int *state, char *user, size_t usize,
		    uint64_t *attempt)
{
	static const char q[] =
		"SELECT state, user, attempt FROM jobs WHERE id = ?";
	sqlite3_stmt *st = s_row(q, id);
	if (!st)
		return -1;
	*state = sqlite3_column_int(st, 0);
	if (user)
		snprintf(user, usize, "%s", sqlite3_column_text(st, 1));
	if (attempt)
		*attempt = (uint64_t)sqlite3_column_int64(st, 2);
	return 0;
}

int store_each_active(store_job_cb cb, void *arg)
{
	static const char q[] = "SELECT id, user, state, attempt FROM jobs"
				" WHERE state < 3 ORDER BY id";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return -1;
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		cb(arg, (uint64_t)sqlite3_column_int64(st, 0),
		   (const char *)sqlite3_column_text(st, 1),
		   sqlite3_column_int(st, 2),
		   (uint64_t)sqlite3_column_int64(st, 3));
	return r == SQLITE_DONE ? 0 : -1;
}

/* ---- writing jobs (PROTOCOL.md section 8) ---- */

/* A job's columns in the order of the C_* indexes below. */
static const char s_job_q[] = "SELECT"
	" id, kind, user, by, lang, label, idem, state, attempt, seq,"
	" created_at, started_at, finished_at, limits, status, message, ran,"
	" exit_code, signal, cpu_us, wall_us, memory_kb, stdout_bytes,"
	" stderr_bytes, v_syscall, v_args, c_status, c_exit, c_signal,"
	" c_cpu_us, c_wall_us, c_memory_kb, c_output_bytes, at, verdict,"
	" first_failure, ntests, score, requirements, problem, groups FROM jobs WHERE id = ?1";
enum { C_ID, C_KIND, C_USER, C_BY, C_LANG, C_LABEL, C_IDEM, C_STATE,
       C_ATTEMPT, C_SEQ, C_CREATED, C_STARTED, C_FINISHED, C_LIMITS,
       C_STATUS, C_MESSAGE, C_RAN, C_EXIT, C_SIGNAL, C_CPU, C_WALL, C_MEM,
       C_OUTB, C_ERRB, C_VSYS, C_VARGS, C_CSTATUS, C_CEXIT, C_CSIGNAL,
       C_CCPU, C_CWALL, C_CMEM, C_COUTB, C_AT, C_VERDICT, C_FIRSTFAIL,
       C_NTESTS, C_SCORE, C_REQS, C_PROBLEM, C_GROUPS };

static int64_t s_i(sqlite3_stmt *st, int c)
{
	return sqlite3_column_int64(st, c);
}

static void s_kcol(mp_w *w, size_t *n, const char *k, sqlite3_stmt *st, int c)
{
	if (sqlite3_column_type(st, c) == SQLITE_NULL)
		return;
	if (sqlite3_column_type(st, c) == SQLITE_INTEGER)
		mp_w_kuint(w, k, (uint64_t)s_i(st, c));
	else
		mp_w_kstr(w, k, (const char *)sqlite3_column_text(st, c));
	(*n)++;
}

static const char *const s_signames[32] = {
	NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
	"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
	"SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
	"SIGSYS",
};

static void s_violation(mp_w *w, sqlite3_stmt *st)
{
	mp_w_str(w, "violation");
	mp_w_map(w, 2);
	mp_w_kstr(w, "syscall", (const char *)sqlite3_column_text(st, C_VSYS));
	char args[256], *save, *t;
	snprintf(args, sizeof args, "%s",
		 (const char *)sqlite3_column_text(st, C_VARGS));
	uint32_t n = 0;
	mp_w_str(w, "args");
	size_t m = mp_w_array_begin(w);
	for (t = strtok_r(args, ",", &save); t && n < 6;
	     t = strtok_r(NULL, ",", &save), n++)
		mp_w_str(w, strcmp(t, "0") ? t : "0x0");
	mp_w_array_end(w, m, n);
}

static void s_compile(mp_w *w, sqlite3_stmt *st, sqlite3_stmt *out)
{
	mp_w_str(w, "compile");
	size_t m = mp_w_map_begin(w), n = 0;
	s_kcol(w, &n, "status", st, C_CSTATUS);
	s_kcol(w, &n, "exit_code", st, C_CEXIT);
	s_kcol(w, &n, "signal", st, C_CSIGNAL);
	mp_w_kuint(w, "cpu_ms", (uint64_t)s_i(st, C_CCPU) / 1000);
	mp_w_kuint(w, "wall_ms", (uint64_t)s_i(st, C_CWALL) / 1000);
	s_kcol(w, &n, "memory_kb", st, C_CMEM);
	s_kcol(w, &n, "output_bytes", st, C_COUTB);
	int len = sqlite3_column_int(out, 7);
	mp_w_kbool(w, "output_truncated", s_i(st, C_COUTB) > len);
	n += 3;
	if (sqlite3_column_int(out, 3)) {
		mp_w_kbin(w, "output", sqlite3_column_blob(out, 2),
			  (size_t)len);
		n++;
	}
	mp_w_map_end(w, m, (uint32_t)n);
}

static void s_stream(mp_w *w, size_t *n, const char *name, int64_t bytes,
		     sqlite3_stmt *out, int col)
{
	char k[32];
	snprintf(k, sizeof k, "%s_bytes", name);
	mp_w_kuint(w, k, (uint64_t)bytes);
	int len = sqlite3_column_int(out, col + 5);
	snprintf(k, sizeof k, "%s_truncated", name);
	mp_w_kbool(w, k, bytes > len);
	*n += 2;
	if (sqlite3_column_type(out, 3) == SQLITE_INTEGER &&
	    sqlite3_column_int(out, 3)) {
		mp_w_kbin(w, name, sqlite3_column_blob(out, col), (size_t)len);
		(*n)++;
	}
}

/* One test's figures, as in a result and in a test event. */
static uint32_t s_test_figures(mp_w *w, sqlite3_stmt *t, bool full)
{
	uint32_t n = 5;
	mp_w_kstr(w, "name", (const char *)sqlite3_column_text(t, 1));
	mp_w_kstr(w, "verdict", (const char *)sqlite3_column_text(t, 2));
	mp_w_kuint(w, "cpu_ms", (uint64_t)sqlite3_column_int64(t, 6) / 1000);
	mp_w_kuint(w, "wall_ms", (uint64_t)sqlite3_column_int64(t, 7) / 1000);
	mp_w_kuint(w, "memory_kb", (uint64_t)sqlite3_column_int64(t, 8));
	if (!full)
		return n;
	size_t k = 0;
	s_kcol(w, &k, "status", t, 3);
	s_kcol(w, &k, "exit_code", t, 4);
	s_kcol(w, &k, "signal", t, 5);
	s_kcol(w, &k, "message", t, 9);
	if (sqlite3_column_type(t, 10) != SQLITE_NULL) {
		mp_w_str(w, "violation");
		mp_w_map(w, 1);
		mp_w_kstr(w, "syscall", (const char *)sqlite3_column_text(t, 10));
		k++;
	}
	return n + (uint32_t)k;
}

static const char s_test_q[] =
	"SELECT idx, name, verdict, status, exit_code, signal, cpu_us, wall_us,"
	" memory_kb, message, v_syscall FROM test_results WHERE job = ?1"
	" AND (?2 < 0 OR idx = ?2) ORDER BY idx";

/* "tests": the job's per-test results, in order. */
static int s_tests(mp_w *w, uint64_t job)
{
	sqlite3_stmt *t;
	if (sqlite3_prepare_v2(s_db, s_test_q, -1, &t, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(t, 1, (int64_t)job);
	sqlite3_bind_int(t, 2, -1);
	mp_w_str(w, "tests");
	size_t am = mp_w_array_begin(w);
	uint32_t n = 0;
	for (; sqlite3_step(t) == SQLITE_ROW; n++) {
		size_t m = mp_w_map_begin(w);
		mp_w_map_end(w, m, s_test_figures(w, t, true));
	}
	mp_w_array_end(w, am, n);
	sqlite3_finalize(t);
	return 1;
}

static void s_result(mp_w *w, sqlite3_stmt *st, sqlite3_stmt *out)
{
	mp_w_str(w, "result");
	size_t m = mp_w_map_begin(w), n = 0;
	s_kcol(w, &n, "status", st, C_STATUS);
	s_kcol(w, &n, "message", st, C_MESSAGE);
	s_kcol(w, &n, "verdict", st, C_VERDICT);
	s_kcol(w, &n, "first_failure", st, C_FIRSTFAIL);
	s_kcol(w, &n, "total", st, C_NTESTS);
	if (sqlite3_column_type(st, C_SCORE) != SQLITE_NULL)
		mp_w_str(w, "score"), mp_w_float(w, sqlite3_column_double(st, C_SCORE)), n++;
	if (sqlite3_column_type(st, C_GROUPS) == SQLITE_BLOB) {
		mp_w_str(w, "groups");
		mp_w_raw(w, sqlite3_column_blob(st, C_GROUPS),
			 (size_t)sqlite3_column_bytes(st, C_GROUPS));
		n++;
	}
	if (sqlite3_column_type(st, C_REQS) == SQLITE_BLOB) {
		mp_w_str(w, "requirements");
		mp_w_raw(w, sqlite3_column_blob(st, C_REQS),
			 (size_t)sqlite3_column_bytes(st, C_REQS));
		n++;
	}
	if (sqlite3_column_type(st, C_VERDICT) != SQLITE_NULL &&
	    sqlite3_column_int(out, 3))
		n += s_tests(w, (uint64_t)s_i(st, C_ID));
	if (s_i(st, C_RAN)) {
		int64_t sig = s_i(st, C_SIGNAL);
		s_kcol(w, &n, "exit_code", st, C_EXIT);
		s_kcol(w, &n, "signal", st, C_SIGNAL);
		if (sig > 0 && sig < 32)
			mp_w_kstr(w, "signal_name", s_signames[sig]), n++;
		mp_w_kuint(w, "cpu_ms", (uint64_t)s_i(st, C_CPU) / 1000);
		mp_w_kuint(w, "wall_ms", (uint64_t)s_i(st, C_WALL) / 1000);
		n += 2;
		s_kcol(w, &n, "cpu_us", st, C_CPU);
		s_kcol(w, &n, "wall_us", st, C_WALL);
		s_kcol(w, &n, "memory_kb", st, C_MEM);
		s_stream(w, &n, "stdout", s_i(st, C_OUTB), out, 0);
		s_stream(w, &n, "stderr", s_i(st, C_ERRB), out, 1);
		if (sqlite3_column_type(st, C_VSYS) != SQLITE_NULL)
			s_violation(w, st), n++;
	}
	if (sqlite3_column_type(st, C_CSTATUS) != SQLITE_NULL) {
		s_compile(w, st, out);
		n++;
	}
	mp_w_map_end(w, m, (uint32_t)n);
}

/* The job's files from its spec: {files: [[name, content]...], ...}. */
static void s_files(mp_w *w, const void *spec, size_t len)
{
	mp_doc d;
	char err[128];
	mp_w_str(w, "files");
	const msgpack_object *f = NULL;
	if (mp_parse(&d, spec, len, false, err, sizeof err) == 0)
		f = mp_get(d.root, "files");
	if (!f || f->type != MSGPACK_OBJECT_ARRAY) {
		mp_w_array(w, 0);
		mp_doc_free(&d);
		return;
	}
	mp_w_array(w, f->via.array.size);
	for (uint32_t i = 0; i < f->via.array.size; i++) {
		const msgpack_object *e = f->via.array.ptr[i].via.array.ptr;
		mp_w_map(w, 2);
		mp_w_str(w, "name");
		mp_w_object(w, &e[0]);
		mp_w_str(w, "content");
		mp_w_object(w, &e[1]);
	}
	mp_doc_free(&d);
}

/* The row's job map; out holds stdout, stderr, c_output, flag, spec. */
static void s_job(mp_w *w, sqlite3_stmt *st, sqlite3_stmt *out)
{
	size_t m = mp_w_map_begin(w), n = 0;
	s_kcol(w, &n, "id", st, C_ID);
	s_kcol(w, &n, "kind", st, C_KIND);
	s_kcol(w, &n, "user", st, C_USER);
	s_kcol(w, &n, "by", st, C_BY);
	s_kcol(w, &n, "lang", st, C_LANG);
	s_kcol(w, &n, "problem", st, C_PROBLEM);
	s_kcol(w, &n, "label", st, C_LABEL);
	s_kcol(w, &n, "idem", st, C_IDEM);
	int state = (int)s_i(st, C_STATE);
	mp_w_kstr(w, "state", state_names[state < 6 ? state : 5]);
	n++;
	s_kcol(w, &n, "attempt", st, C_ATTEMPT);
	s_kcol(w, &n, "seq", st, C_SEQ);
	s_kcol(w, &n, "created_at", st, C_CREATED);
	s_kcol(w, &n, "started_at", st, C_STARTED);
	s_kcol(w, &n, "finished_at", st, C_FINISHED);
	mp_w_str(w, "limits");
	mp_w_raw(w, sqlite3_column_blob(st, C_LIMITS),
		 (size_t)sqlite3_column_bytes(st, C_LIMITS));
	n++;
	if (state == S_JUDGED || state == S_FAILED)
		s_result(w, st, out), n++;
	if (sqlite3_column_type(out, 4) == SQLITE_BLOB)
		s_files(w, sqlite3_column_blob(out, 4),
			(size_t)sqlite3_column_bytes(out, 4)), n++;
	mp_w_map_end(w, m, (uint32_t)n);
}

/* A statement over one job's blobs, selected by flags. */
static sqlite3_stmt *s_blobs(uint64_t id, int flags)
{
	static const char q[] =
		"SELECT CASE WHEN ?2 THEN stdout END, CASE WHEN ?2 THEN stderr END,"
		" CASE WHEN ?2 THEN c_output END, ?2, CASE WHEN ?3 THEN spec END,"
		" length(stdout), length(stderr), length(c_output)"
		" FROM jobs WHERE id = ?1";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, (int64_t)id);
	sqlite3_bind_int(st, 2, (flags & JW_OUTPUT) && !(flags & JW_SUMMARY));
	sqlite3_bind_int(st, 3, (flags & JW_SOURCE) != 0);
	return sqlite3_step(st) == SQLITE_ROW ? st : NULL;
}

int store_write_job(mp_w *w, uint64_t id, int flags)
{
	sqlite3_stmt *st = s_row(s_job_q, id);
	if (!st)
		return -1;
	sqlite3_stmt *out = s_blobs(id, flags);
	if (!out)
		return -1;
	s_job(w, st, out);
	return 0;
}

int store_write_event(mp_w *w, uint64_t id, int *statep)
{
	sqlite3_stmt *st = s_row(s_job_q, id);
	if (!st)
		return -1;
	size_t m = mp_w_map_begin(w), n = 6;
	int state = *statep = (int)s_i(st, C_STATE);
	mp_w_kuint(w, "id", id);
	mp_w_kuint(w, "seq", (uint64_t)s_i(st, C_SEQ));
	mp_w_kstr(w, "event", "state");
	mp_w_kstr(w, "kind", (const char *)sqlite3_column_text(st, C_KIND));
	mp_w_kstr(w, "state", state_names[state < 6 ? state : 5]);
	mp_w_kuint(w, "attempt", (uint64_t)s_i(st, C_ATTEMPT));
	s_kcol(w, &n, "at", st, C_AT);
	if (state == S_JUDGED || state == S_FAILED)
		s_kcol(w, &n, "status", st, C_STATUS);
	if (state == S_JUDGED && s_i(st, C_RAN)) {
		s_kcol(w, &n, "exit_code", st, C_EXIT);
		s_kcol(w, &n, "signal", st, C_SIGNAL);
		mp_w_kuint(w, "cpu_ms", (uint64_t)s_i(st, C_CPU) / 1000);
		mp_w_kuint(w, "wall_ms", (uint64_t)s_i(st, C_WALL) / 1000);
		n += 2;
		s_kcol(w, &n, "memory_kb", st, C_MEM);
	}
	mp_w_map_end(w, m, (uint32_t)n);
	return 0;
}

int store_list(mp_w *w, const list_q *q, uint64_t *last_id, bool *more)
{
	char sql[1024];
	int k = snprintf(sql, sizeof sql,
			 "SELECT id FROM jobs WHERE id < ?1 AND NOT hidden");
	if (q->user)
		k += snprintf(sql + k, sizeof sql - (size_t)k, " AND user = ?2");
	if (q->kind)
		k += snprintf(sql + k, sizeof sql - (size_t)k, " AND kind = ?3");
	if (q->lang)
		k += snprintf(sql + k, sizeof sql - (size_t)k, " AND lang = ?4");
	if (q->label)
		k += snprintf(sql + k, sizeof sql - (size_t)k, " AND label = ?5");
	if (q->nstates) {
		k += snprintf(sql + k, sizeof sql - (size_t)k, " AND state IN (");
		for (int i = 0; i < q->nstates; i++)
			k += snprintf(sql + k, sizeof sql - (size_t)k, "%s%d",
				      i ? "," : "", q->states[i]);
		k += snprintf(sql + k, sizeof sql - (size_t)k, ")");
	}
	snprintf(sql + k, sizeof sql - (size_t)k, " ORDER BY id DESC LIMIT ?6");
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s_db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, q->before ? (int64_t)q->before : INT64_MAX);
	s_text(st, 2, q->user), s_text(st, 3, q->kind);
	s_text(st, 4, q->lang), s_text(st, 5, q->label);
	sqlite3_bind_int(st, 6, (int)q->limit + 1);
	uint64_t ids[101];
	unsigned n = 0;
	while (n < q->limit + 1 && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	*more = n > q->limit;
	if (*more)
		n = q->limit;
	mp_w_array(w, n);
	for (unsigned i = 0; i < n; i++)
		if (store_write_job(w, ids[i], JW_SUMMARY))
			return -1;
	*last_id = n ? ids[n - 1] : 0;
	return (int)n;
}

/* ---- the compile cache index ---- */

int store_cache_find(uint64_t key, const void *blob, size_t len,
		     uint64_t *entry)
{
	static const char q[] = "SELECT id, blob FROM cache WHERE key = ?";
	static const char u[] = "UPDATE cache SET used = ? WHERE id = ?";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)key);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if ((size_t)sqlite3_column_bytes(st, 1) != len ||
		    memcmp(sqlite3_column_blob(st, 1), blob, len))
			continue;
		*entry = (uint64_t)sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		sqlite3_stmt *up = s_stmt(u);
		if (up) {
			sqlite3_bind_int64(up, 1, now_ms());
			sqlite3_bind_int64(up, 2, (int64_t)*entry);
			s_done(up);
		}
		return 1;
	}
	return 0;
}

void store_cache_drop(uint64_t entry)
{
	static const char q[] = "DELETE FROM cache WHERE id = ?";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, (int64_t)entry);
	s_done(st);
}

int store_cache_add(uint64_t key, const void *blob, size_t len,
		    uint64_t *entry, uint64_t max_entries, uint64_t *evicted,
		    size_t *nevicted)
{
	static const char q[] =
		"INSERT INTO cache(key, blob, used) VALUES(?, ?, ?)";
	static const char old[] = "SELECT id FROM cache ORDER BY used"
				  " LIMIT max(0, (SELECT count(*) FROM cache) - ?)";
	static const char del[] = "DELETE FROM cache WHERE id = ?";
	sqlite3_stmt *st = s_stmt(old);
	size_t n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)max_entries - 1);
	while (n < *nevicted && sqlite3_step(st) == SQLITE_ROW)
		evicted[n++] = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *d = s_stmt(del);
		if (!d)
			return -1;
		sqlite3_bind_int64(d, 1, (int64_t)evicted[i]);
		s_done(d);
	}
	*nevicted = n;
	st = s_stmt(q);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)key);
	sqlite3_bind_blob(st, 2, blob, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ms());
	if (s_done(st))
		return -1;
	*entry = (uint64_t)sqlite3_last_insert_rowid(s_db);
	return 0;
}

/* ---- judging: per-test results (PROTOCOL.md section 14) ---- */

uint64_t store_test_result(uint64_t job, unsigned idx, const char *name,
			   const char *verdict, const step_t *r,
			   const char *message)
{
	static const char q[] =
		"INSERT OR REPLACE INTO test_results(job, idx, name, verdict,"
		" status, exit_code, signal, cpu_us, wall_us, memory_kb, message,"
		" v_syscall, v_args) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char u[] =
		"UPDATE jobs SET seq = seq + 1, at = ? WHERE id = ? RETURNING seq";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, (int64_t)job);
	sqlite3_bind_int(st, 2, (int)idx);
	s_text(st, 3, name);
	s_text(st, 4, verdict);
	s_text(st, 11, message && *message ? message : NULL);
	if (r && r->ran) {
		s_text(st, 5, r->status);
		sqlite3_bind_int64(st, 6, (int64_t)r->exit_code);
		sqlite3_bind_int64(st, 7, (int64_t)r->signal);
		sqlite3_bind_int64(st, 8, (int64_t)r->cpu_us);
		sqlite3_bind_int64(st, 9, (int64_t)r->wall_us);
		sqlite3_bind_int64(st, 10, (int64_t)r->memory_kb);
		if (*r->syscall)
			s_text(st, 12, r->syscall), s_text(st, 13, r->args);
	}
	if (s_done(st) || !(st = s_stmt(u)))
		return 0;
	sqlite3_bind_int64(st, 1, now_ms());
	sqlite3_bind_int64(st, 2, (int64_t)job);
	uint64_t seq = sqlite3_step(st) == SQLITE_ROW ?
		       (uint64_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return seq;
}

void store_tests_clear(uint64_t job)
{
	static const char q[] = "DELETE FROM test_results WHERE job = ?";
	sqlite3_stmt *st = s_stmt(q);
	if (st) {
		sqlite3_bind_int64(st, 1, (int64_t)job);
		s_done(st);
	}
}

int store_set_verdict(uint64_t job, const char *verdict, const char *first,
		      unsigned ntests)
{
	static const char q[] = "UPDATE jobs SET verdict = ?, first_failure = ?,"
				" ntests = ? WHERE id = ?";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return -1;
	s_text(st, 1, verdict);
	s_text(st, 2, first);
	sqlite3_bind_int(st, 3, (int)ntests);
	sqlite3_bind_int64(st, 4, (int64_t)job);
	return s_done(st);
}

/* The event of test idx (0-based) of total: PROTOCOL.md 14.3. */
int store_write_test_event(mp_w *w, uint64_t job, unsigned idx, unsigned total)
{
	static const char q[] =
		"SELECT seq, kind, attempt, at FROM jobs WHERE id = ?";
	sqlite3_stmt *j = s_row(q, job), *t;
	if (!j)
		return -1;
	mp_w_map(w, 10);
	mp_w_kuint(w, "id", job);
	mp_w_kuint(w, "seq", (uint64_t)sqlite3_column_int64(j, 0));
	mp_w_kstr(w, "event", "test");
	mp_w_kstr(w, "kind", (const char *)sqlite3_column_text(j, 1));
	mp_w_kstr(w, "state", "running");
	mp_w_kuint(w, "attempt", (uint64_t)sqlite3_column_int64(j, 2));
	mp_w_kuint(w, "at", (uint64_t)sqlite3_column_int64(j, 3));
	mp_w_kuint(w, "index", idx + 1);
	mp_w_kuint(w, "total", total);
	mp_w_str(w, "test");
	if (sqlite3_prepare_v2(s_db, s_test_q, -1, &t, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(t, 1, (int64_t)job);
	sqlite3_bind_int(t, 2, (int)idx);
	int r = -1;
	if (sqlite3_step(t) == SQLITE_ROW) {
		size_t m = mp_w_map_begin(w);
		mp_w_map_end(w, m, s_test_figures(w, t, false));
		r = 0;
	}
	sqlite3_finalize(t);
	return r;
}

/* ---- problems (PROTOCOL.md 14.4): a description blob per problem ---- */

int store_problem_put(const char *id, const char *name, const void *desc,
		      size_t len, const char *by)
{
	static const char q[] = "INSERT OR REPLACE INTO problems(id, name, desc,"
				" imported_at, by) VALUES(?, ?, ?, ?, ?)";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return -1;
	s_text(st, 1, id);
	s_text(st, 2, name);
	sqlite3_bind_blob(st, 3, desc, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now_ms());
	s_text(st, 5, by);
	return s_done(st);
}

/* The problem's description (caller frees), or NULL. */
char *store_problem_get(const char *id, size_t *len)
{
	static const char q[] = "SELECT desc FROM problems WHERE id = ?";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return NULL;
	s_text(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return NULL;
	*len = (size_t)sqlite3_column_bytes(st, 0);
	char *p = malloc(*len + 1);
	if (p)
		memcpy(p, sqlite3_column_blob(st, 0), *len);
	return p;
}

/* Problem ids after `after`, in order, at most max; returns the count. */
int store_problem_ids(const char *after, char (*ids)[65], int max)
{
	static const char q[] = "SELECT id FROM problems WHERE id > ? ORDER BY id LIMIT ?";
	sqlite3_stmt *st = s_stmt(q);
	int n = 0;
	if (!st)
		return -1;
	s_text(st, 1, after);
	sqlite3_bind_int(st, 2, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		snprintf(ids[n++], 65, "%s", sqlite3_column_text(st, 0));
	return n;
}

int store_set_blob(uint64_t job, const char *col, const void *blob, size_t len)
{
	static const char qr[] = "UPDATE jobs SET requirements = ? WHERE id = ?";
	static const char qg[] = "UPDATE jobs SET groups = ? WHERE id = ?";
	sqlite3_stmt *st = s_stmt(strcmp(col, "groups") ? qr : qg);
	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, blob, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)job);
	return s_done(st);
}

int store_set_problem(uint64_t job, const char *problem)
{
	static const char q[] = "UPDATE jobs SET problem = ? WHERE id = ?";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return -1;
	s_text(st, 1, problem);
	sqlite3_bind_int64(st, 2, (int64_t)job);
	return s_done(st);
}

int store_set_score(uint64_t job, double score)
{
	static const char q[] = "UPDATE jobs SET score = ? WHERE id = ?";
	sqlite3_stmt *st = s_stmt(q);
	if (!st)
		return -1;
	sqlite3_bind_double(st, 1, score);
	sqlite3_bind_int64(st, 2, (int64_t)job);
	return s_done(st);
}
