/* session.c: see session.h. Store access for sessions, through the
 * store's cached statements (store_int.h); no other file names these
 * tables. An update is one UPDATE ... RETURNING: the version check and
 * the write are one statement, so two tabs cannot both win.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <syslog.h>

#include "session.h"
#include "store_int.h"

/* A statement that failed: logged, reset (never stepped again), -1. */
static int s_fail(store_t *st, sqlite3_stmt *t)
{
	jlog(LOG_ERR, "store: sessions: %s", sqlite3_errmsg(st->db));
	sqlite3_reset(t);
	return -1;
}

int session_insert(store_t *st, const sess_t *s, int64_t now, uint64_t *id)
{
	static const char q[] =
		"INSERT INTO sessions(user, lang, version, files, nfiles, bytes,"
		" created_at, updated_at, used_at) VALUES(?1, ?2, 1, ?3, ?4, ?5, ?6, ?6, ?6)"
		" RETURNING id";
	sqlite3_stmt *t = store_stmt(st, q);
	if (!t)
		return -1;
	store_text(t, 1, s->user);
	store_text(t, 2, s->lang);
	sqlite3_bind_blob(t, 3, s->files, (int)s->files_len, SQLITE_STATIC);
	sqlite3_bind_int64(t, 4, (int64_t)s->nfiles);
	sqlite3_bind_int64(t, 5, (int64_t)s->bytes);
	sqlite3_bind_int64(t, 6, now);
	if (sqlite3_step(t) != SQLITE_ROW)
		return s_fail(st, t);
	*id = (uint64_t)sqlite3_column_int64(t, 0);
	sqlite3_reset(t);
	return 0;
}

/* The version of a live session of user, or 0 if there is none. */
static uint64_t s_version(store_t *st, uint64_t id, const char *user, int64_t cutoff)
{
	static const char q[] = "SELECT version FROM sessions"
				" WHERE id = ?1 AND user = ?2 AND used_at >= ?3";
	sqlite3_stmt *t = store_stmt(st, q);
	uint64_t v = 0;
	if (!t)
		return 0;
	sqlite3_bind_int64(t, 1, (int64_t)id);
	store_text(t, 2, user);
	sqlite3_bind_int64(t, 3, cutoff);
	if (sqlite3_step(t) == SQLITE_ROW)
		v = (uint64_t)sqlite3_column_int64(t, 0);
	sqlite3_reset(t);
	return v;
}

int session_update(store_t *st, const sess_t *s, uint64_t base, int64_t now,
		   int64_t cutoff, uint64_t *version)
{
	static const char q[] =
		"UPDATE sessions SET files = ?1, nfiles = ?2, bytes = ?3,"
		" version = version + 1, updated_at = ?4, used_at = ?4"
		" WHERE id = ?5 AND user = ?6 AND version = ?7 AND used_at >= ?8"
		" RETURNING version";
	sqlite3_stmt *t = store_stmt(st, q);
	if (!t)
		return -1;
	sqlite3_bind_blob(t, 1, s->files, (int)s->files_len, SQLITE_STATIC);
	sqlite3_bind_int64(t, 2, (int64_t)s->nfiles);
	sqlite3_bind_int64(t, 3, (int64_t)s->bytes);
	sqlite3_bind_int64(t, 4, now);
	sqlite3_bind_int64(t, 5, (int64_t)s->id);
	store_text(t, 6, s->user);
	sqlite3_bind_int64(t, 7, (int64_t)base);
	sqlite3_bind_int64(t, 8, cutoff);
	int r = sqlite3_step(t);
	if (r == SQLITE_ROW) {
		*version = (uint64_t)sqlite3_column_int64(t, 0);
		sqlite3_reset(t);
		return 0;
	}
	if (r != SQLITE_DONE)
		return s_fail(st, t);
	sqlite3_reset(t);
	*version = s_version(st, s->id, s->user, cutoff);
	return *version ? 1 : 2;
}

int session_load(store_t *st, uint64_t id, const char *user, int64_t cutoff,
		 bool with_files, sess_t *s)
{
	static const char q[] =
		"SELECT user, lang, version, nfiles, bytes, created_at, updated_at,"
		" used_at, CASE WHEN ?4 THEN files END FROM sessions"
		" WHERE id = ?1 AND user = ?2 AND used_at >= ?3";
	sqlite3_stmt *t = store_stmt(st, q);
	if (!t)
		return -1;
	sqlite3_bind_int64(t, 1, (int64_t)id);
	store_text(t, 2, user);
	sqlite3_bind_int64(t, 3, cutoff);
	sqlite3_bind_int(t, 4, with_files);
	int r = sqlite3_step(t);
	if (r != SQLITE_ROW)
		return r == SQLITE_DONE ? (sqlite3_reset(t), 1) : s_fail(st, t);
	memset(s, 0, sizeof *s);
	s->id = id;
	snprintf(s->user, sizeof s->user, "%s", sqlite3_column_text(t, 0));
	snprintf(s->lang, sizeof s->lang, "%s", sqlite3_column_text(t, 1));
	s->version = (uint64_t)sqlite3_column_int64(t, 2);
	s->nfiles = (uint64_t)sqlite3_column_int64(t, 3);
	s->bytes = (uint64_t)sqlite3_column_int64(t, 4);
	s->created_at = sqlite3_column_int64(t, 5);
	s->updated_at = sqlite3_column_int64(t, 6);
	s->used_at = sqlite3_column_int64(t, 7);
	if (with_files) {
		s->files_len = (size_t)sqlite3_column_bytes(t, 8);
		s->files = malloc(s->files_len + 1);
		if (s->files)
			memcpy(s->files, sqlite3_column_blob(t, 8), s->files_len);
	}
	sqlite3_reset(t);
	return with_files && !s->files ? -1 : 0;
}

void sess_free(sess_t *s)
{
	free(s->files);
	s->files = NULL;
}

/* Delete the run records of session id (0: of every session gone). */
static int s_runs_drop(store_t *st, uint64_t id)
{
	static const char one[] = "DELETE FROM session_runs WHERE session = ?1";
	static const char gone[] = "DELETE FROM session_runs"
				   " WHERE session NOT IN (SELECT id FROM sessions)";
	sqlite3_stmt *t = store_stmt(st, id ? one : gone);
	if (!t)
		return -1;
	if (id)
		sqlite3_bind_int64(t, 1, (int64_t)id);
	return store_done(st, t);
}

int session_delete(store_t *st, uint64_t id, const char *user, int64_t cutoff)
{
	static const char q[] = "DELETE FROM sessions"
				" WHERE id = ?1 AND user = ?2 AND used_at >= ?3 RETURNING id";
	sqlite3_stmt *t = store_stmt(st, q);
	if (!t)
		return -1;
	sqlite3_bind_int64(t, 1, (int64_t)id);
	store_text(t, 2, user);
	sqlite3_bind_int64(t, 3, cutoff);
	int r = sqlite3_step(t);
	if (r != SQLITE_ROW)
		return r == SQLITE_DONE ? (sqlite3_reset(t), 0) : s_fail(st, t);
	sqlite3_reset(t);
	return s_runs_drop(st, id) ? -1 : 1;
}

int session_add_run(store_t *st, uint64_t id, uint64_t job, uint64_t version, int64_t now)
{
	static const char q[] = "INSERT OR IGNORE INTO session_runs(session, job, version)"
				" VALUES(?1, ?2, ?3)";
	static const char u[] = "UPDATE sessions SET used_at = ?2 WHERE id = ?1";
	sqlite3_stmt *t = store_stmt(st, q);
	if (!t)
		return -1;
	sqlite3_bind_int64(t, 1, (int64_t)id);
	sqlite3_bind_int64(t, 2, (int64_t)job);
	sqlite3_bind_int64(t, 3, (int64_t)version);
	if (store_done(st, t) || !(t = store_stmt(st, u)))
		return -1;
	sqlite3_bind_int64(t, 1, (int64_t)id);
	sqlite3_bind_int64(t, 2, now);
	return store_done(st, t);
}

int session_ids(store_t *st, const char *user, int64_t cutoff, uint64_t before,
		uint64_t *ids, int max)
{
	static const char q[] = "SELECT id FROM sessions WHERE user = ?1 AND id < ?2"
				" AND used_at >= ?3 ORDER BY id DESC LIMIT ?4";
	sqlite3_stmt *t = store_stmt(st, q);
	int n = 0;
	if (!t)
		return -1;
	store_text(t, 1, user);
	sqlite3_bind_int64(t, 2, before ? (int64_t)before : INT64_MAX);
	sqlite3_bind_int64(t, 3, cutoff);
	sqlite3_bind_int(t, 4, max);
	while (n < max && sqlite3_step(t) == SQLITE_ROW)
		ids[n++] = (uint64_t)sqlite3_column_int64(t, 0);
	sqlite3_reset(t);
	return n;
}

int session_runs(store_t *st, uint64_t id, uint64_t before, sess_run_t *runs, int max)
{
	static const char q[] =
		"SELECT r.job, r.version, j.state, j.status FROM session_runs r"
		" JOIN jobs j ON j.id = r.job WHERE r.session = ?1 AND r.job < ?2"
		" ORDER BY r.job DESC LIMIT ?3";
	sqlite3_stmt *t = store_stmt(st, q);
	int n = 0;
	if (!t)
		return -1;
	sqlite3_bind_int64(t, 1, (int64_t)id);
	sqlite3_bind_int64(t, 2, before ? (int64_t)before : INT64_MAX);
	sqlite3_bind_int(t, 3, max);
	while (n < max && sqlite3_step(t) == SQLITE_ROW) {
		sess_run_t *r = &runs[n++];
		r->job = (uint64_t)sqlite3_column_int64(t, 0);
		r->version = (uint64_t)sqlite3_column_int64(t, 1);
		r->state = sqlite3_column_int(t, 2);
		const unsigned char *s = sqlite3_column_text(t, 3);
		snprintf(r->status, sizeof r->status, "%s", s ? (const char *)s : "");
	}
	sqlite3_reset(t);
	return n;
}

int session_expire(store_t *st, int64_t cutoff)
{
	static const char q[] = "DELETE FROM sessions WHERE used_at < ?1 RETURNING id";
	sqlite3_stmt *t = store_stmt(st, q);
	int n = 0, r;
	if (!t)
		return -1;
	sqlite3_bind_int64(t, 1, cutoff);
	while ((r = sqlite3_step(t)) == SQLITE_ROW)
		n++;
	if (r != SQLITE_DONE)
		return s_fail(st, t);
	sqlite3_reset(t);
	return n && s_runs_drop(st, 0) ? -1 : n;
}
