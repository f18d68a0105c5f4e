/* session.h: sessions, an editor's backend (PROTOCOL.md 18): one user's
 * files in one language, with a version that every update raises, and the
 * runs made of them. This is the store's side only: two tables of its own
 * (sessions, session_runs; the schema is in store.c), written inside the
 * turn's transaction like everything else. ops_sessions.c checks requests
 * and answers them.
 *
 * A session is alive while it was used (created, updated or run) at or
 * after a cutoff, the caller's `now` minus session_idle_s: an older one is
 * not found, whatever the timer has done yet, and session_expire removes
 * it. Every call takes its time from the caller, so tests control the
 * clock.
 */
#ifndef JUDGEBOX_SESSION_H
#define JUDGEBOX_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* One session's row. files (msgpack {"files": [[name, content], ...]}) is
 * on the heap when asked for, else NULL. */
typedef struct sess {
	uint64_t id, version, nfiles, bytes;
	int64_t created_at, updated_at, used_at;
	char user[NAME_MAX_LEN + 1], lang[33];
	char *files;
	size_t files_len;
} sess_t;

/* A new session of s's user, lang and files at now; *id out. 0 or -1. */
int session_insert(store_t *st, const sess_t *s, int64_t now, uint64_t *id);
/* Replace the files of session id (user's, alive at cutoff) if it is at
 * version base: 0 done, *version the new one; 1 base is stale, *version
 * the current one; 2 no such session; -1 store error. One UPDATE. */
int session_update(store_t *st, const sess_t *s, uint64_t base, int64_t now,
		   int64_t cutoff, uint64_t *version);
/* Session id of user, alive at cutoff, into s (its files too if
 * with_files): 0, 1 not found, -1 error. sess_free() after 0. */
int session_load(store_t *st, uint64_t id, const char *user, int64_t cutoff,
		 bool with_files, sess_t *s);
void sess_free(sess_t *s);
/* Remove session id of user (alive at cutoff) and its run records: 1
 * done, 0 not found, -1 error. The jobs stay, as the user's jobs. */
int session_delete(store_t *st, uint64_t id, const char *user, int64_t cutoff);
/* A run of session id at version: recorded, and the session is used. */
int session_add_run(store_t *st, uint64_t id, uint64_t job, uint64_t version, int64_t now);
/* Up to max ids of user's live sessions below before (0: from the
 * newest), newest first; the count, or -1. */
int session_ids(store_t *st, const char *user, int64_t cutoff, uint64_t before,
		uint64_t *ids, int max);
/* Up to max runs of session id below job before (0: from the newest),
 * newest first, with the version each ran and its job's state and status
 * (status 32 bytes, "" if none); jobs that left the history are skipped.
 * The count, or -1. */
typedef struct sess_run {
	uint64_t job, version;
	int state;
	char status[32];
} sess_run_t;
int session_runs(store_t *st, uint64_t id, uint64_t before, sess_run_t *runs, int max);
/* Remove the sessions last used before cutoff (and their run records):
 * how many, or -1. The loop's timer calls it; so does session_create. */
int session_expire(store_t *st, int64_t cutoff);

#endif
