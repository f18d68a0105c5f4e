/* store_int.h: what store.c and render.c share; no other file includes it. */
#ifndef JUDGEBOX_STORE_INT_H
#define JUDGEBOX_STORE_INT_H

#include <sqlite3.h>

#include "log.h"
#include "store.h"

/* Every distinct SQL text the daemon prepares has a slot (there are about
 * 40); see store_stmt(). */
#define STORE_STMTS	64

struct store {
	sqlite3 *db;
	bool txn;
	struct { const char *sql; sqlite3_stmt *st; } stmts[STORE_STMTS];
	size_t nstmts;
	sqlite3_stmt *spare;		/* a statement past STORE_STMTS */
};

/* A cached prepared statement for sql (a static string), reset. */
sqlite3_stmt *store_stmt(store_t *self, const char *sql);
/* Step a statement that returns nothing (or one row): 0, or -1 logged. */
int store_done(store_t *self, sqlite3_stmt *st);
/* The one row of a query by job id (?1), or NULL. */
sqlite3_stmt *store_row(store_t *self, const char *sql, uint64_t id);
void store_text(sqlite3_stmt *st, int i, const char *s);

#endif
