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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <syslog.h>

#include "store_int.h"

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
	"CREATE INDEX IF NOT EXISTS cache_used ON cache(used);"
	"CREATE TABLE IF NOT EXISTS test_results(job INTEGER NOT NULL,"
	" idx INTEGER NOT NULL, name TEXT NOT NULL, verdict TEXT NOT NULL,"
	" status TEXT, exit_code INTEGER, signal INTEGER, cpu_us INTEGER,"
	" wall_us INTEGER, memory_kb INTEGER, message TEXT, v_syscall TEXT,"
	" v_args TEXT, PRIMARY KEY(job, idx));"
	"CREATE TABLE IF NOT EXISTS problems(id TEXT PRIMARY KEY, name TEXT,"
	" desc BLOB NOT NULL, imported_at INTEGER NOT NULL, by TEXT);"
	/* sessions (session.c): an editor's files, versioned; their runs */
	"CREATE TABLE IF NOT EXISTS sessions(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" user TEXT NOT NULL, lang TEXT NOT NULL, version INTEGER NOT NULL,"
	" files BLOB NOT NULL, nfiles INTEGER NOT NULL, bytes INTEGER NOT NULL,"
	" created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	" used_at INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user, id);"
	"CREATE INDEX IF NOT EXISTS sessions_used ON sessions(used_at);"
	"CREATE TABLE IF NOT EXISTS session_runs(session INTEGER NOT NULL,"
	" job INTEGER NOT NULL, version INTEGER NOT NULL, PRIMARY KEY(session, job));"
	/* the violation log, flags, failure traces (store_audit.c) */
	"CREATE TABLE IF NOT EXISTS violations(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" at INTEGER NOT NULL, job INTEGER NOT NULL, test INTEGER NOT NULL,"
	" user TEXT NOT NULL, lang TEXT NOT NULL, policy TEXT NOT NULL,"
	" syscall TEXT NOT NULL, args TEXT NOT NULL, UNIQUE(job, test));"
	"CREATE INDEX IF NOT EXISTS violations_user ON violations(user, at);"
	"CREATE INDEX IF NOT EXISTS violations_at ON violations(at);"
	"CREATE TABLE IF NOT EXISTS flags(user TEXT PRIMARY KEY, active INTEGER NOT NULL,"
	" at INTEGER NOT NULL, count INTEGER NOT NULL, blocked INTEGER NOT NULL,"
	" cleared_at INTEGER, cleared_by TEXT);"
	"CREATE TABLE IF NOT EXISTS traces(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" at INTEGER NOT NULL, job INTEGER NOT NULL, attempt INTEGER NOT NULL,"
	" user TEXT, lang TEXT, status TEXT, message TEXT);"
	"CREATE INDEX IF NOT EXISTS traces_at ON traces(at);";

/* st, unless it writes and the turn's transaction is gone: SQLite rolled
 * it back by itself (SQLITE_FULL, SQLITE_IOERR), and a write now would be
 * committed on its own, half a turn. */
static sqlite3_stmt *s_usable(store_t *self, sqlite3_stmt *st)
{
	if (!self->txn || !sqlite3_get_autocommit(self->db) || sqlite3_stmt_readonly(st))
		return st;
	if (!self->failed)
		store_log(self, "store: the transaction was rolled back: %s",
			  sqlite3_errmsg(self->db));
	self->failed = true;
	return NULL;
}

/* Prepared statements, cached by the address of their SQL text (every
 * caller passes a static string). The cache has room for every statement
 * the daemon has; one more is prepared and finalised on each use, and
 * logged once, so that a missed bump of STORE_STMTS is seen, not fatal. */
sqlite3_stmt *store_stmt(store_t *self, const char *sql)
{
	size_t i;
	for (i = 0; i < self->nstmts; i++)
		if (self->stmts[i].sql == sql) {
			sqlite3_reset(self->stmts[i].st);
			sqlite3_clear_bindings(self->stmts[i].st);
			self->stmts[i].used = true;
			return s_usable(self, self->stmts[i].st);
		}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
			       NULL) != SQLITE_OK) {
		store_log(self, "store: %s", sqlite3_errmsg(self->db));
		self->errors++;
		return NULL;
	}
	if (i == STORE_STMTS) {
		jlog(LOG_CRIT, "store: more than %d statements: raise STORE_STMTS", STORE_STMTS);
		sqlite3_finalize(self->spare);
		self->spare = st;
		return st;
	}
	self->stmts[self->nstmts].sql = sql;
	self->stmts[self->nstmts].used = true;
	self->stmts[self->nstmts++].st = st;
	return s_usable(self, st);
}

void store_log(store_t *self, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int64_t now = mono_ms();
	if (now - self->log_from >= 10000) {
		if (self->log_dropped)
			jlog(LOG_ERR, "store: %u more errors in %" PRId64 " ms not logged",
			     self->log_dropped, now - self->log_from);
		self->log_from = now, self->log_n = self->log_dropped = 0;
	}
	if (self->log_n >= 5) {
		self->log_dropped++;
		return;
	}
	self->log_n++;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	jlog(LOG_ERR, "%s", line);
}

int store_step(store_t *self, sqlite3_stmt *st)
{
	int r = sqlite3_step(st);
	if (r != SQLITE_DONE && r != SQLITE_ROW) {
		store_log(self, "store: %s", sqlite3_errmsg(self->db));
		self->errors++;
		self->failed |= self->txn;
	}
	return r;
}

void store_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int store_done(store_t *self, sqlite3_stmt *st)
{
	int r = store_step(self, st);
	return r != SQLITE_DONE && r != SQLITE_ROW ? -1 : 0;
}

/* The one row of a query by job id, or NULL. */
sqlite3_stmt *store_row(store_t *self, const char *sql, uint64_t id)
{
	sqlite3_stmt *st = store_stmt(self, sql);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, (int64_t)id);
	return sqlite3_step(st) == SQLITE_ROW ? st : NULL;
}

/* A store made by an older judgeboxd gets the columns added since; adding
 * one that exists fails harmlessly ("duplicate column"). */
static int s_migrate(store_t *self, char **err)
{
	static const char *const cols[] = {
		"verdict TEXT", "first_failure TEXT", "ntests INTEGER", "score REAL",
		"hidden INTEGER NOT NULL DEFAULT 0", "requirements BLOB", "problem TEXT",
		"groups BLOB",
	};
	/* each test's output: its first bytes and its size (judge_out.c) */
	static const char *const tcols[] = { "output BLOB", "output_bytes INTEGER" };
	char q[128];
	for (size_t i = 0; i < sizeof cols / sizeof *cols + 2; i++) {
		bool t = i >= sizeof cols / sizeof *cols;
		snprintf(q, sizeof q, "ALTER TABLE %s ADD COLUMN %s", t ? "test_results" : "jobs",
			 t ? tcols[i - sizeof cols / sizeof *cols] : cols[i]);
		if (sqlite3_exec(self->db, q, NULL, NULL, NULL) != SQLITE_OK &&
		    !strstr(sqlite3_errmsg(self->db), "duplicate column"))
			return *err = sqlite3_mprintf("%s", sqlite3_errmsg(self->db)), -1;
	}
	return 0;
}

store_t *store_new(const conf_t *c)
{
	char path[600];
	store_t *self = calloc(1, sizeof *self);
	if (!self)
		return NULL;
	snprintf(path, sizeof path, "%s/judgebox.db", c->state_dir);
	/* NOMUTEX: one thread (the loop) uses the connection, so no call
	 * needs to take its mutex */
	if (sqlite3_open_v2(path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		jlog(LOG_ERR, "%s: %s", path, sqlite3_errmsg(self->db));
		store_destroy(&self);
		return NULL;
	}
	sqlite3_busy_timeout(self->db, 5000);
	char *err = NULL;
	const char *sync = c->sync_full ? "PRAGMA synchronous=FULL;"
					: "PRAGMA synchronous=NORMAL;";
	if (sqlite3_exec(self->db, "PRAGMA journal_mode=WAL;", NULL, NULL, &err) ||
	    sqlite3_exec(self->db, "PRAGMA temp_store=MEMORY;", NULL, NULL, &err) ||
	    sqlite3_exec(self->db, sync, NULL, NULL, &err) ||
	    sqlite3_exec(self->db, s_schema, NULL, NULL, &err) || s_migrate(self, &err)) {
		jlog(LOG_ERR, "%s: %s", path, err ? err : "?");
		sqlite3_free(err);
		store_destroy(&self);
		return NULL;
	}
	return self;
}

void store_destroy(store_t **p)
{
	store_t *self = *p;
	if (!self)
		return;
	for (size_t i = 0; i < self->nstmts; i++)
		sqlite3_finalize(self->stmts[i].st);
	sqlite3_finalize(self->spare);
	sqlite3_close(self->db);
	free(self);
	*p = NULL;
}

/* Reset every cached statement: one left on a row holds a read transaction
 * open across COMMIT, and then no checkpoint can complete (the WAL grows
 * without bound) and the next BEGIN IMMEDIATE may find its snapshot stale. */
static void s_reset_all(store_t *self)
{
	for (size_t i = 0; i < self->nstmts; i++)	/* those used since the last time */
		if (self->stmts[i].used) {
			sqlite3_reset(self->stmts[i].st);
			self->stmts[i].used = false;
		}
	if (self->spare)
		sqlite3_reset(self->spare);
}

/* BEGIN, COMMIT: cached like the rest, not parsed again on every turn. */
static int s_run(store_t *self, const char *sql)
{
	sqlite3_stmt *st = store_stmt(self, sql);
	int r = st ? sqlite3_step(st) : SQLITE_ERROR;
	if (st)
		sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : -1;
}

int store_begin(store_t *self)
{
	static const char q[] = "BEGIN IMMEDIATE";
	if (self->txn)
		return 0;
	s_reset_all(self);	/* reads since the last commit */
	if (s_run(self, q)) {
		store_log(self, "store: begin: %s", sqlite3_errmsg(self->db));
		self->errors++;
		return -1;
	}
	self->txn = true;
	self->failed = false;
	self->changes = sqlite3_total_changes64(self->db);
	return 0;
}

int store_commit(store_t *self)
{
	static const char q[] = "COMMIT";
	if (!self->txn)
		return 0;
	s_reset_all(self);
	self->wrote = false;
	if (self->failed) {		/* a write of it failed: none of it is kept */
		store_rollback(self);
		return -1;
	}
	if (s_run(self, q)) {
		store_log(self, "store: commit: %s", sqlite3_errmsg(self->db));
		self->errors++;
		store_rollback(self);
		return -1;
	}
	self->txn = false;
	self->wrote = sqlite3_total_changes64(self->db) != self->changes;
	return 0;
}

bool store_last_wrote(const store_t *self)
{
	return self->wrote;
}

bool store_pending(const store_t *self)
{
	return self->txn && sqlite3_total_changes64(self->db) != self->changes;
}

bool store_failed(const store_t *self)
{
	return self->failed;
}

void store_rollback(store_t *self)
{
	s_reset_all(self);
	if (self->txn && !sqlite3_get_autocommit(self->db))
		sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
	self->txn = self->failed = false;
}

bool store_in_txn(const store_t *self)
{
	return self->txn;
}

int store_expire(store_t *self, int64_t before_ms)
{
	static const char q[] =
		"DELETE FROM jobs WHERE state >= 3 AND (finished_at < ?1"
		" OR (hidden AND finished_at < ?2))";
	static const char t[] =
		"DELETE FROM test_results WHERE job NOT IN (SELECT id FROM jobs)";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, before_ms);
	sqlite3_bind_int64(st, 2, now_ms() - 3600000);	/* keep: false */
	if (store_done(self, st) || !(st = store_stmt(self, t)))
		return -1;
	return store_done(self, st);
}

static void s_limits_blob(mp_w *w, const limits_t lim)
{
	mp_w_map(w, L_COUNT);
	for (int i = 0; i < L_COUNT; i++)
		mp_w_kuint(w, wire_limit_names[i], lim[i]);
}

/* An existing (user, idem): its id and whether the spec is the same. */
int store_find_idem(store_t *self, const char *user, const char *idem, const void *spec,
		       size_t len, uint64_t *id, bool *same)
{
	static const char q[] =
		"SELECT id, spec FROM jobs WHERE user = ? AND idem = ?";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return -1;
	store_text(st, 1, user);
	store_text(st, 2, idem);
	if (sqlite3_step(st) != SQLITE_ROW)
		return 0;
	*id = (uint64_t)sqlite3_column_int64(st, 0);
	*same = (size_t)sqlite3_column_bytes(st, 1) == len &&
		!memcmp(sqlite3_column_blob(st, 1), spec, len);
	return 1;
}

int store_insert(store_t *self, const char *kind, const char *user, const char *by,
		 const char *lang, const char *label, const char *idem,
		 const limits_t lim, const void *spec, size_t spec_len,
		 bool hidden, uint64_t *id, bool *same)
{
	if (idem) {
		int r = store_find_idem(self, user, idem, spec, spec_len, id, same);
		if (r)
			return r;
	}
	static const char q[] =
		"INSERT INTO jobs(kind, user, by, lang, label, idem, state,"
		" attempt, seq, created_at, at, limits, spec, hidden)"
		" VALUES(?, ?, ?, ?, ?, ?, 0, 1, 1, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(self, q);
	mp_w w;
	mp_w_init(&w);
	s_limits_blob(&w, lim);
	if (!st || !mp_w_ok(&w))
		return mp_w_free(&w), -1;
	int64_t now = now_ms();
	store_text(st, 1, kind), store_text(st, 2, user), store_text(st, 3, by);
	store_text(st, 4, lang), store_text(st, 5, label), store_text(st, 6, idem);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_blob(st, 9, w.buf, (int)w.len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, spec, (int)spec_len, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, hidden);
	int r = store_done(self, st);
	mp_w_free(&w);
	if (r)
		return -1;
	*id = (uint64_t)sqlite3_last_insert_rowid(self->db);
	return 0;
}

/* Step st, an UPDATE of job id's row that says RETURNING seq, and read
 * the seq it left: 0 if no row changed. SQLite gathers RETURNING rows in
 * an ephemeral table (about a tenth of the UPDATE's time in a profile of
 * the throughput bench); it replaced a second statement that read seq. */
static uint64_t s_seq_after(store_t *self, sqlite3_stmt *st)
{
	/* st's UPDATE says RETURNING seq: its change is made by this step */
	uint64_t seq = store_step(self, st) == SQLITE_ROW ?
		       (uint64_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return seq;
}

uint64_t store_set_state(store_t *self, uint64_t id, int state, bool new_attempt)
{
	static const char q[] =
		"UPDATE jobs SET state = ?1, seq = seq + 1, at = ?2,"
		" attempt = attempt + ?3,"
		" started_at = CASE WHEN ?1 = 1 OR (?1 = 2 AND state = 0)"
		"  THEN ?2 ELSE started_at END,"
		" finished_at = CASE WHEN ?1 >= 3 THEN ?2 ELSE NULL END"
		" WHERE id = ?4 AND state < 3 RETURNING seq";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return 0;
	sqlite3_bind_int(st, 1, state);
	sqlite3_bind_int64(st, 2, now_ms());
	sqlite3_bind_int(st, 3, new_attempt);
	sqlite3_bind_int64(st, 4, (int64_t)id);
	return s_seq_after(self, st);
}

/* Bind a step's figures at first..first+5. */
static void s_bind_step(sqlite3_stmt *st, int i, const step_t *s)
{
	if (!s || !s->ran) {
		for (int k = 0; k < 6; k++)
			sqlite3_bind_null(st, i + k);
		return;
	}
	store_text(st, i, s->status);
	sqlite3_bind_int64(st, i + 1, (int64_t)s->exit_code);
	sqlite3_bind_int64(st, i + 2, (int64_t)s->signal);
	sqlite3_bind_int64(st, i + 3, (int64_t)s->cpu_us);
	sqlite3_bind_int64(st, i + 4, (int64_t)s->wall_us);
	sqlite3_bind_int64(st, i + 5, (int64_t)s->memory_kb);
}

int store_set_result(store_t *self, uint64_t id, int state, const step_t *comp,
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
		" stderr_bytes = ?22, v_syscall = ?23, v_args = ?24,"
		/* and the state, as store_set_state: one write of the row */
		" state = ?25, seq = seq + 1, at = ?26,"
		" started_at = CASE WHEN ?25 = 1 OR (?25 = 2 AND state = 0)"
		"  THEN ?26 ELSE started_at END,"
		" finished_at = CASE WHEN ?25 >= 3 THEN ?26 ELSE NULL END"
		" WHERE id = ?1 AND state < 3 RETURNING seq";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)id);
	store_text(st, 2, status);
	store_text(st, 3, message);
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
			store_text(st, 23, run->syscall);
			store_text(st, 24, run->args);
		}
	}
	sqlite3_bind_int(st, 25, state);
	sqlite3_bind_int64(st, 26, now_ms());
	return s_seq_after(self, st) ? 0 : -1;
}

int store_load_spec(store_t *self, uint64_t id, jobspec_t *js)
{
	static const char q[] = "SELECT user, lang, attempt, limits, spec FROM jobs"
				" WHERE id = ? AND state < 3";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)id);
	if (store_step(self, st) != SQLITE_ROW)
		return -1;	/* none, it has ended, or an error: store_failed */
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
		mp_as_uint(mp_get(d.root, wire_limit_names[i]), &js->lim[i]);
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

int store_job_state(store_t *self, uint64_t id, int *state, char *user, size_t usize,
		    uint64_t *attempt)
{
	static const char q[] =
		"SELECT state, user, attempt FROM jobs WHERE id = ?";
	sqlite3_stmt *st = store_row(self, q, id);
	if (!st)
		return -1;
	*state = sqlite3_column_int(st, 0);
	if (user)
		snprintf(user, usize, "%s", sqlite3_column_text(st, 1));
	if (attempt)
		*attempt = (uint64_t)sqlite3_column_int64(st, 2);
	return 0;
}

int store_count_active(store_t *self, uint64_t *queued, uint64_t *boxed)
{
	static const char q[] = "SELECT count(*) FILTER (WHERE state = 0),"
				" count(*) FILTER (WHERE state > 0) FROM jobs WHERE state < 3";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st || store_step(self, st) != SQLITE_ROW)
		return -1;
	*queued = (uint64_t)sqlite3_column_int64(st, 0);
	*boxed = (uint64_t)sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return 0;
}

int store_each_active(store_t *self, store_job_cb cb, void *arg)
{
	static const char q[] = "SELECT id, user, state, attempt FROM jobs"
				" WHERE state < 3 ORDER BY id";
	sqlite3_stmt *st = store_stmt(self, q);
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

/* ---- the compile cache index ---- */

int store_cache_find(store_t *self, uint64_t key, const void *blob, size_t len,
		     uint64_t *entry)
{
	static const char q[] = "SELECT id, blob FROM cache WHERE key = ?";
	/* Not when the entry is the newest already (no other was used since,
	 * or at the same time): its place in the eviction order stays the
	 * same, and a program run many times in a row dirties no page. */
	static const char u[] = "UPDATE cache SET used = ?1 WHERE id = ?2 AND EXISTS"
				" (SELECT 1 FROM cache AS o WHERE o.used >= cache.used"
				" AND o.id != ?2)";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)key);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if ((size_t)sqlite3_column_bytes(st, 1) != len ||
		    memcmp(sqlite3_column_blob(st, 1), blob, len))
			continue;
		*entry = (uint64_t)sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		sqlite3_stmt *up = store_stmt(self, u);
		if (up) {
			sqlite3_bind_int64(up, 1, now_ms());
			sqlite3_bind_int64(up, 2, (int64_t)*entry);
			store_done(self, up);
		}
		return 1;
	}
	return 0;
}

void store_cache_drop(store_t *self, uint64_t entry)
{
	static const char q[] = "DELETE FROM cache WHERE id = ?";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, (int64_t)entry);
	store_done(self, st);
}

int store_cache_add(store_t *self, uint64_t key, const void *blob, size_t len,
		    uint64_t *entry, uint64_t max_entries, uint64_t *evicted,
		    size_t *nevicted)
{
	static const char q[] =
		"INSERT INTO cache(key, blob, used) VALUES(?, ?, ?)";
	static const char old[] = "SELECT id FROM cache ORDER BY used"
				  " LIMIT max(0, (SELECT count(*) FROM cache) - ?)";
	static const char del[] = "DELETE FROM cache WHERE id = ?";
	sqlite3_stmt *st = store_stmt(self, old);
	size_t n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)max_entries - 1);
	while (n < *nevicted && sqlite3_step(st) == SQLITE_ROW)
		evicted[n++] = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *d = store_stmt(self, del);
		if (!d)
			return -1;
		sqlite3_bind_int64(d, 1, (int64_t)evicted[i]);
		store_done(self, d);
	}
	*nevicted = n;
	st = store_stmt(self, q);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)key);
	sqlite3_bind_blob(st, 2, blob, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ms());
	if (store_done(self, st))
		return -1;
	*entry = (uint64_t)sqlite3_last_insert_rowid(self->db);
	return 0;
}

/* ---- judging: per-test results (PROTOCOL.md section 14) ---- */

uint64_t store_test_result(store_t *self, uint64_t job, unsigned idx, const char *name,
			   const char *verdict, const step_t *r,
			   const char *message)
{
	static const char q[] =
		"INSERT OR REPLACE INTO test_results(job, idx, name, verdict,"
		" status, exit_code, signal, cpu_us, wall_us, memory_kb, message,"
		" v_syscall, v_args, output, output_bytes)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char u[] =
		"UPDATE jobs SET seq = seq + 1, at = ? WHERE id = ? RETURNING seq";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, (int64_t)job);
	sqlite3_bind_int(st, 2, (int)idx);
	store_text(st, 3, name);
	store_text(st, 4, verdict);
	store_text(st, 11, message && *message ? message : NULL);
	if (r && r->ran) {
		store_text(st, 5, r->status);
		sqlite3_bind_int64(st, 6, (int64_t)r->exit_code);
		sqlite3_bind_int64(st, 7, (int64_t)r->signal);
		sqlite3_bind_int64(st, 8, (int64_t)r->cpu_us);
		sqlite3_bind_int64(st, 9, (int64_t)r->wall_us);
		sqlite3_bind_int64(st, 10, (int64_t)r->memory_kb);
		if (*r->syscall)
			store_text(st, 12, r->syscall), store_text(st, 13, r->args);
		sqlite3_bind_blob(st, 14, r->out ? r->out : "", (int)r->out_len, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 15, (int64_t)r->out_bytes);
	}
	if (store_done(self, st) || !(st = store_stmt(self, u)))
		return 0;
	sqlite3_bind_int64(st, 1, now_ms());
	sqlite3_bind_int64(st, 2, (int64_t)job);
	return s_seq_after(self, st);
}

void store_tests_clear(store_t *self, uint64_t job)
{
	static const char q[] = "DELETE FROM test_results WHERE job = ?";
	sqlite3_stmt *st = store_stmt(self, q);
	if (st) {
		sqlite3_bind_int64(st, 1, (int64_t)job);
		store_done(self, st);
	}
}

int store_requeue(store_t *self, uint64_t id, uint64_t attempt, uint64_t max_attempts)
{
	if (attempt >= max_attempts)
		return S_FAILED;
	if (!store_set_state(self, id, S_QUEUED, true))
		return -1;
	store_tests_clear(self, id);		/* the next attempt starts over */
	return S_QUEUED;
}

int store_set_verdict(store_t *self, uint64_t job, const char *verdict, const char *first,
		      unsigned ntests)
{
	static const char q[] = "UPDATE jobs SET verdict = ?, first_failure = ?,"
				" ntests = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return -1;
	store_text(st, 1, verdict);
	store_text(st, 2, first);
	sqlite3_bind_int(st, 3, (int)ntests);
	sqlite3_bind_int64(st, 4, (int64_t)job);
	return store_done(self, st);
}

/* ---- problems (PROTOCOL.md 14.4): a description blob per problem ---- */

int store_problem_put(store_t *self, const char *id, const char *name, const void *desc,
		      size_t len, const char *by)
{
	static const char q[] = "INSERT OR REPLACE INTO problems(id, name, desc,"
				" imported_at, by) VALUES(?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return -1;
	store_text(st, 1, id);
	store_text(st, 2, name);
	sqlite3_bind_blob(st, 3, desc, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now_ms());
	store_text(st, 5, by);
	return store_done(self, st);
}

/* The problem's description (caller frees), or NULL. */
char *store_problem_get(store_t *self, const char *id, size_t *len)
{
	static const char q[] = "SELECT desc FROM problems WHERE id = ?";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return NULL;
	store_text(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return NULL;
	*len = (size_t)sqlite3_column_bytes(st, 0);
	char *p = malloc(*len + 1);
	if (p)
		memcpy(p, sqlite3_column_blob(st, 0), *len);
	return p;
}

/* Problem ids after `after`, in order, at most max; returns the count. */
int store_problem_ids(store_t *self, const char *after, char (*ids)[65], int max)
{
	static const char q[] = "SELECT id FROM problems WHERE id > ? ORDER BY id LIMIT ?";
	sqlite3_stmt *st = store_stmt(self, q);
	int n = 0;
	if (!st)
		return -1;
	store_text(st, 1, after);
	sqlite3_bind_int(st, 2, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		snprintf(ids[n++], 65, "%s", sqlite3_column_text(st, 0));
	return n;
}

int store_set_blob(store_t *self, uint64_t job, const char *col, const void *blob, size_t len)
{
	static const char qr[] = "UPDATE jobs SET requirements = ? WHERE id = ?";
	static const char qg[] = "UPDATE jobs SET groups = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(self, strcmp(col, "groups") ? qr : qg);
	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, blob, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)job);
	return store_done(self, st);
}

int store_set_problem(store_t *self, uint64_t job, const char *problem)
{
	static const char q[] = "UPDATE jobs SET problem = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return -1;
	store_text(st, 1, problem);
	sqlite3_bind_int64(st, 2, (int64_t)job);
	return store_done(self, st);
}

int store_set_score(store_t *self, uint64_t job, double score)
{
	static const char q[] = "UPDATE jobs SET score = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return -1;
	sqlite3_bind_double(st, 1, score);
	sqlite3_bind_int64(st, 2, (int64_t)job);
	return store_done(self, st);
}
