/* store_int.h: the store object's insides, for the files that keep their own
 * statements in its cache: store.c, render.c, session.c, store_audit.c. */
#ifndef JUDGEBOX_STORE_INT_H
#define JUDGEBOX_STORE_INT_H

#include <sqlite3.h>

#include "log.h"
#include "store.h"

/* Every distinct SQL text the daemon prepares has a slot (there are about
 * 60, with the sessions' and the audit's); see store_stmt(). */
#define STORE_STMTS	96

struct store {
	sqlite3 *db;
	bool txn;
	struct { const char *sql; sqlite3_stmt *st; bool used; } stmts[STORE_STMTS];
	size_t nstmts;
	sqlite3_stmt *spare;		/* a statement past STORE_STMTS */
	uint64_t errors;		/* failed statements, begins, commits (metrics) */
	/* A write of the open transaction failed, or SQLite rolled it back
	 * by itself (SQLITE_FULL, SQLITE_IOERR): the turn is not committed. */
	bool failed;
	bool wrote;			/* the last commit changed something */
	int64_t changes;		/* sqlite3_total_changes64 at the begin */
	int64_t log_from;		/* mono ms: the error log's window, */
	unsigned log_n, log_dropped;	/* lines in it, and those left out */
};

/* The store's error log, at most a few lines per ten seconds (a full disk
 * fails every turn); the count of those left out follows. */
void store_log(store_t *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Step st: SQLITE_ROW, SQLITE_DONE, or an error (logged; a failure of the
 * open transaction: store_commit will refuse it). */
int store_step(store_t *self, sqlite3_stmt *st);

/* A cached prepared statement for sql (a static string), reset. */
sqlite3_stmt *store_stmt(store_t *self, const char *sql);
/* Step a statement that returns nothing (or one row): 0, or -1 logged. */
int store_done(store_t *self, sqlite3_stmt *st);
/* The one row of a query by job id (?1), or NULL. */
sqlite3_stmt *store_row(store_t *self, const char *sql, uint64_t id);
void store_text(sqlite3_stmt *st, int i, const char *s);

#endif
