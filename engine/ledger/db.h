/*
 * db.h - the SQLite database behind adj_db: opening, schema, statements.
 *
 * One database file holds every catalog version, the member registry and
 * (later) the ledger. The schema is created by adj_db_open with
 * ADJ_DB_CREATE and documented in engine/ARCHITECTURE.md.
 */
#ifndef ADJ_LEDGER_DB_H
#define ADJ_LEDGER_DB_H

#include <sqlite3.h>

#include "adjudicator.h"
#include "util/date.h"

struct adj_db {
	sqlite3 *sql;
	char *path;
	char errmsg[512];
	adj_progress_fn progress;
	void *progress_ctx;
	uint64_t progress_last; /* monotonic ms of the last call */
	void (*wait_notice)(void *ctx, const char *path);
	void *wait_ctx;
	uint64_t waited_ms;
	int wal_fd; /* the WAL, opened by adj_db_writeback; -1 before, -2 if it cannot be */
};

/* Ask the kernel to start writing out what the WAL holds so far (a hint:
 * nothing waits for it), so that the commit's fsync has little left. A long
 * batch calls it now and then. */
void adj_db_writeback(adj_db *db);

/* Report progress through the callback set by adj_db_set_progress, at most
 * every 200 ms (and always when done == total). */
void adj_db_progress(adj_db *db, const char *what, uint64_t done, uint64_t total, uint64_t items);

/* Run SQL text (no results). On failure returns ADJ_EIO and keeps the
 * message in db->errmsg. */
int adj_db_exec(adj_db *db, const char *sql);

/* Prepare a statement; ADJ_EIO with db->errmsg on failure. */
int adj_db_prepare(adj_db *db, sqlite3_stmt **st, const char *sql);

/* Bind d as YYYY-MM-DD text (NULL for ADJ_DATE_NONE). With keep (room for
 * ADJ_DATE_TEXT bytes) the text is written there and bound without a copy,
 * so keep must hold it until the parameter is bound again; without, SQLite
 * copies it. */
void adj_db_bind_date(sqlite3_stmt *st, int i, adj_date d, char *keep);

/* Record the current SQLite error as db->errmsg and return ADJ_EIO. */
int adj_db_fail(adj_db *db, const char *what);

/* The current catalog version (0 when none was imported). */
int adj_db_current_version(adj_db *db, long *version);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int adj_db_begin(adj_db *db);
int adj_db_commit(adj_db *db);
void adj_db_rollback(adj_db *db);

#endif
