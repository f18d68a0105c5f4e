/* store_audit.c: see store_audit.h. Store access for the violation log,
 * the flags and the failure traces, through the store's cached statements
 * (store_int.h) for what runs once per job; what only an admin's request
 * or the prune timer runs is prepared and finalised on the spot, so as not
 * to take slots of the statement cache. No other file names these tables.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <syslog.h>

#include "store_audit.h"
#include "store_int.h"

#define DAY_MS	86400000LL

/* A statement that failed: logged, counted, reset; -1. */
static int s_fail(store_t *st, sqlite3_stmt *t)
{
	jlog(LOG_ERR, "store: audit: %s", sqlite3_errmsg(st->db));
	st->errors++;
	if (t)
		sqlite3_reset(t);
	return -1;
}

/* A statement of its own (not cached), or NULL (logged). */
static sqlite3_stmt *s_prepare(store_t *st, const char *sql)
{
	sqlite3_stmt *t = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &t, NULL) != SQLITE_OK) {
		s_fail(st, NULL);
		sqlite3_finalize(t);
		return NULL;
	}
	return t;
}

static void s_col(sqlite3_stmt *t, int i, char *buf, size_t size)
{
	const unsigned char *v = sqlite3_column_text(t, i);
	snprintf(buf, size, "%s", v ? (const char *)v : "");
}

/* ---- a job's facts ---- */

int audit_job(store_t *st, uint64_t id, audit_job_t *j)
{
	static const char q[] =
		"SELECT state, kind, user, lang, status, verdict, created_at,"
		" started_at, finished_at, c_status, c_wall_us, ran, wall_us,"
		" v_syscall, v_args, message, attempt FROM jobs WHERE id = ?1";
	sqlite3_stmt *t = store_row(st, q, id);
	if (!t)
		return -1;
	memset(j, 0, sizeof *j);
	j->id = id;
	j->state = sqlite3_column_int(t, 0);
	s_col(t, 1, j->kind, sizeof j->kind);
	s_col(t, 2, j->user, sizeof j->user);
	s_col(t, 3, j->lang, sizeof j->lang);
	s_col(t, 4, j->status, sizeof j->status);
	s_col(t, 5, j->verdict, sizeof j->verdict);
	j->created_at = sqlite3_column_int64(t, 6);
	j->started_at = sqlite3_column_int64(t, 7);
	j->finished_at = sqlite3_column_int64(t, 8);
	j->compiled = sqlite3_column_type(t, 9) != SQLITE_NULL;
	j->c_wall_us = (uint64_t)sqlite3_column_int64(t, 10);
	j->ran = sqlite3_column_int(t, 11) != 0;
	j->wall_us = (uint64_t)sqlite3_column_int64(t, 12);
	s_col(t, 13, j->syscall, sizeof j->syscall);
	s_col(t, 14, j->args, sizeof j->args);
	s_col(t, 15, j->message, sizeof j->message);
	j->attempt = (uint64_t)sqlite3_column_int64(t, 16);
	sqlite3_reset(t);
	return 0;
}

int audit_tests(store_t *st, uint64_t job, audit_test_fn fn, void *arg)
{
	static const char q[] = "SELECT idx, wall_us, v_syscall, v_args"
				" FROM test_results WHERE job = ?1 ORDER BY idx";
	sqlite3_stmt *t = store_stmt(st, q);
	int r;
	if (!t)
		return -1;
	sqlite3_bind_int64(t, 1, (int64_t)job);
	while ((r = sqlite3_step(t)) == SQLITE_ROW) {
		const char *sc = (const char *)sqlite3_column_text(t, 2);
		const char *args = (const char *)sqlite3_column_text(t, 3);
		fn(arg, (unsigned)sqlite3_column_int(t, 0),
		   (uint64_t)sqlite3_column_int64(t, 1), sc, args ? args : "");
	}
	if (r != SQLITE_DONE)
		return s_fail(st, t);
	sqlite3_reset(t);
	return 0;
}

/* ---- violations ---- */

int audit_viol_add(store_t *st, const audit_viol_t *v)
{
	static const char q[] =
		"INSERT OR IGNORE INTO violations(at, job, test, user, lang, policy,"
		" syscall, args) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	sqlite3_stmt *t = store_stmt(st, q);
	if (!t)
		return -1;
	sqlite3_bind_int64(t, 1, v->at);
	sqlite3_bind_int64(t, 2, (int64_t)v->job);
	sqlite3_bind_int(t, 3, v->test);
	store_text(t, 4, v->user);
	store_text(t, 5, v->lang);
	store_text(t, 6, v->policy);
	store_text(t, 7, v->syscall);
	store_text(t, 8, v->args);
	if (sqlite3_step(t) != SQLITE_DONE)
		return s_fail(st, t);
	sqlite3_reset(t);
	return sqlite3_changes(st->db) > 0;
}

int64_t audit_viol_count(store_t *st, const char *user, int64_t since)
{
	static const char q[] =
		"SELECT count(*) FROM violations WHERE user = ?1 AND at >= ?2";
	sqlite3_stmt *t = store_stmt(st, q);
	if (!t)
		return -1;
	store_text(t, 1, user);
	sqlite3_bind_int64(t, 2, since);
	if (sqlite3_step(t) != SQLITE_ROW)
		return s_fail(st, t);
	int64_t n = sqlite3_column_int64(t, 0);
	sqlite3_reset(t);
	return n;
}

/* args "a,b,c" as an array of strings (PROTOCOL.md 8.3's form). */
static void s_args(mp_w *w, const char *s)
{
	char a[256], *save, *p;
	uint32_t n = 0;
	snprintf(a, sizeof a, "%s", s ? s : "");
	size_t m = mp_w_array_begin(w);
	for (p = strtok_r(a, ",", &save); p && n < 6; p = strtok_r(NULL, ",", &save), n++)
		mp_w_str(w, strcmp(p, "0") ? p : "0x0");
	mp_w_array_end(w, m, n);
}

/* One row of the listing: id, at, job, test, user, lang, policy, syscall, args. */
static void s_viol_row(mp_w *w, sqlite3_stmt *t)
{
	size_t m = mp_w_map_begin(w);
	uint32_t n = 8;
	mp_w_kuint(w, "id", (uint64_t)sqlite3_column_int64(t, 0));
	mp_w_kuint(w, "at", (uint64_t)sqlite3_column_int64(t, 1));
	mp_w_kuint(w, "job", (uint64_t)sqlite3_column_int64(t, 2));
	if (sqlite3_column_int(t, 3) >= 0)
		mp_w_kuint(w, "test", (uint64_t)sqlite3_column_int(t, 3)), n++;
	mp_w_kstr(w, "user", (const char *)sqlite3_column_text(t, 4));
	mp_w_kstr(w, "lang", (const char *)sqlite3_column_text(t, 5));
	mp_w_kstr(w, "policy", (const char *)sqlite3_column_text(t, 6));
	mp_w_kstr(w, "syscall", (const char *)sqlite3_column_text(t, 7));
	mp_w_str(w, "args");
	s_args(w, (const char *)sqlite3_column_text(t, 8));
	mp_w_map_end(w, m, n);
}

int audit_viol_list(store_t *st, mp_w *w, const audit_q *q, uint64_t *last, bool *more)
{
	static const char sql[] =
		"SELECT id, at, job, test, user, lang, policy, syscall, args"
		" FROM violations WHERE (?1 IS NULL OR user = ?1) AND at >= ?2"
		" AND (?3 = 0 OR at < ?3) AND (?4 = 0 OR id < ?4)"
		" ORDER BY id DESC LIMIT ?5";
	sqlite3_stmt *t = s_prepare(st, sql);
	if (!t)
		return -1;
	store_text(t, 1, q->user);
	sqlite3_bind_int64(t, 2, q->since);
	sqlite3_bind_int64(t, 3, q->until);
	sqlite3_bind_int64(t, 4, (int64_t)q->before);
	sqlite3_bind_int(t, 5, (int)q->limit + 1);
	size_t m = mp_w_array_begin(w);
	uint32_t n = 0;
	int r;
	*more = false;
	while ((r = sqlite3_step(t)) == SQLITE_ROW) {
		if (n == q->limit) {
			*more = true;
			break;
		}
		*last = (uint64_t)sqlite3_column_int64(t, 0);
		s_viol_row(w, t);
		n++;
	}
	mp_w_array_end(w, m, n);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		n = (uint32_t)-1, s_fail(st, NULL);
	sqlite3_finalize(t);
	return (int)n;
}

/* ---- flags ---- */

int audit_flag_get(store_t *st, const char *user, audit_flag_t *f)
{
	static const char q[] =
		"SELECT active, blocked, at, cleared_at FROM flags WHERE user = ?1";
	sqlite3_stmt *t = store_stmt(st, q);
	if (!t)
		return -1;
	store_text(t, 1, user);
	int r = sqlite3_step(t);
	if (r == SQLITE_DONE)
		return sqlite3_reset(t), 0;
	if (r != SQLITE_ROW)
		return s_fail(st, t);
	f->active = sqlite3_column_int(t, 0) != 0;
	f->blocked = sqlite3_column_int(t, 1) != 0;
	f->at = sqlite3_column_int64(t, 2);
	f->cleared_at = sqlite3_column_int64(t, 3);
	sqlite3_reset(t);
	return 1;
}

int audit_flag_set(store_t *st, const char *user, int64_t at, uint64_t count, bool blocked)
{
	static const char q[] =
		"INSERT INTO flags(user, active, at, count, blocked) VALUES(?1, 1, ?2, ?3, ?4)"
		" ON CONFLICT(user) DO UPDATE SET active = 1, at = ?2, count = ?3,"
		" blocked = ?4";
	sqlite3_stmt *t = store_stmt(st, q);
	if (!t)
		return -1;
	store_text(t, 1, user);
	sqlite3_bind_int64(t, 2, at);
	sqlite3_bind_int64(t, 3, (int64_t)count);
	sqlite3_bind_int(t, 4, blocked);
	if (sqlite3_step(t) != SQLITE_DONE)
		return s_fail(st, t);
	sqlite3_reset(t);
	return 0;
}

int audit_flag_clear(store_t *st, const char *user, const char *by, int64_t at)
{
	static const char q[] =
		"UPDATE flags SET active = 0, cleared_at = ?2, cleared_by = ?3"
		" WHERE user = ?1 AND active";
	sqlite3_stmt *t = s_prepare(st, q);
	if (!t)
		return -1;
	store_text(t, 1, user);
	sqlite3_bind_int64(t, 2, at);
	store_text(t, 3, by);
	int r = sqlite3_step(t) == SQLITE_DONE ? sqlite3_changes(st->db) > 0 : s_fail(st, NULL);
	sqlite3_finalize(t);
	return r;
}

int audit_flags_write(store_t *st, mp_w *w)
{
	static const char q[] = "SELECT user, at, count, blocked FROM flags"
				" WHERE active ORDER BY at DESC, user LIMIT 1000";
	sqlite3_stmt *t = s_prepare(st, q);
	if (!t)
		return -1;
	size_t m = mp_w_array_begin(w);
	uint32_t n = 0;
	int r;
	while ((r = sqlite3_step(t)) == SQLITE_ROW) {
		mp_w_map(w, 4);
		mp_w_kstr(w, "user", (const char *)sqlite3_column_text(t, 0));
		mp_w_kuint(w, "at", (uint64_t)sqlite3_column_int64(t, 1));
		mp_w_kuint(w, "violations", (uint64_t)sqlite3_column_int64(t, 2));
		mp_w_kstr(w, "action", sqlite3_column_int(t, 3) ? "block" : "flag");
		n++;
	}
	mp_w_array_end(w, m, n);
	if (r != SQLITE_DONE)
		n = (uint32_t)-1, s_fail(st, NULL);
	sqlite3_finalize(t);
	return (int)n;
}

int64_t audit_flags_count(store_t *st)
{
	static const char q[] = "SELECT count(*) FROM flags WHERE active";
	sqlite3_stmt *t = s_prepare(st, q);
	if (!t)
		return -1;
	int64_t n = sqlite3_step(t) == SQLITE_ROW ? sqlite3_column_int64(t, 0) :
		    s_fail(st, NULL);
	sqlite3_finalize(t);
	return n;
}

/* ---- failure traces ---- */

int audit_trace_add(store_t *st, const audit_job_t *j, const char *what, int64_t at)
{
	static const char q[] =
		"INSERT INTO traces(at, job, attempt, user, lang, status, message)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *t = store_stmt(st, q);
	if (!t)
		return -1;
	sqlite3_bind_int64(t, 1, at);
	sqlite3_bind_int64(t, 2, (int64_t)j->id);
	sqlite3_bind_int64(t, 3, (int64_t)j->attempt);
	store_text(t, 4, j->user);
	store_text(t, 5, j->lang);
	store_text(t, 6, *j->status ? j->status : NULL);
	store_text(t, 7, what);
	if (sqlite3_step(t) != SQLITE_DONE)
		return s_fail(st, t);
	sqlite3_reset(t);
	return 0;
}

/* ---- retention, periods, errors ---- */

static int64_t s_delete_before(store_t *st, const char *sql, int64_t before)
{
	sqlite3_stmt *t = s_prepare(st, sql);
	if (!t)
		return -1;
	sqlite3_bind_int64(t, 1, before);
	int64_t n = sqlite3_step(t) == SQLITE_DONE ? sqlite3_changes(st->db) : s_fail(st, NULL);
	sqlite3_finalize(t);
	return n;
}

int64_t audit_prune(store_t *st, int64_t now, uint64_t viol_days, uint64_t trace_days)
{
	int64_t a = s_delete_before(st, "DELETE FROM violations WHERE at < ?1",
				    now - (int64_t)viol_days * DAY_MS);
	int64_t b = s_delete_before(st, "DELETE FROM traces WHERE at < ?1",
				    now - (int64_t)trace_days * DAY_MS);
	return a < 0 || b < 0 ? -1 : a + b;
}

int audit_period(store_t *st, mp_w *w, int64_t since, uint64_t *jobs, uint64_t *ok)
{
	static const char q[] =
		"SELECT lang, count(*), sum(state = 3 AND coalesce(verdict, status)"
		" IN ('ok', 'accepted')) FROM jobs WHERE state >= 3 AND finished_at >= ?1"
		" GROUP BY lang ORDER BY count(*) DESC, lang";
	sqlite3_stmt *t = s_prepare(st, q);
	if (!t)
		return -1;
	sqlite3_bind_int64(t, 1, since);
	size_t m = mp_w_array_begin(w);
	uint32_t n = 0;
	int r;
	*jobs = *ok = 0;
	while ((r = sqlite3_step(t)) == SQLITE_ROW) {
		uint64_t k = (uint64_t)sqlite3_column_int64(t, 1);
		uint64_t s = (uint64_t)sqlite3_column_int64(t, 2);
		mp_w_map(w, 3);
		mp_w_kstr(w, "lang", (const char *)sqlite3_column_text(t, 0));
		mp_w_kuint(w, "jobs", k);
		mp_w_kuint(w, "succeeded", s);
		*jobs += k, *ok += s, n++;
	}
	mp_w_array_end(w, m, n);
	if (r != SQLITE_DONE)
		n = (uint32_t)-1, s_fail(st, NULL);
	sqlite3_finalize(t);
	return (int)n;
}

uint64_t audit_store_errors(const store_t *st)
{
	return st->errors;
}
