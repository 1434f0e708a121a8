/*
 * db.c - opening the database, its pragmas and its schema.
 *
 * Invariants: foreign keys on; WAL journal with synchronous=FULL (a batch is
 * one transaction, so the fsync cost is paid once per batch, and a
 * committed remittance survives a power cut); a busy timeout so that a
 * second process waits for the first instead of failing.
 */
#define _GNU_SOURCE /* sync_file_range */
#include "db.h"

#include "ledger.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

extern const char adj_schema_sql[];

#define SCHEMA_VERSION "8"

const char *
adj_db_default_path(const char *explicit_path)
{
	if (explicit_path && *explicit_path)
		return explicit_path;
	const char *env = getenv("ADJUDICATOR_DB");
	if (env && *env)
		return env;
	return "./adjudicator.db";
}

int
adj_db_fail(adj_db *db, const char *what)
{
	snprintf(db->errmsg, sizeof db->errmsg, "%s: %s", what, sqlite3_errmsg(db->sql));
	return ADJ_EIO;
}

int
adj_db_exec(adj_db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db->sql, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(db->errmsg, sizeof db->errmsg, "%s", msg ? msg : sqlite3_errmsg(db->sql));
		sqlite3_free(msg);
		return ADJ_EIO;
	}
	return 0;
}

int
adj_db_prepare(adj_db *db, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v2(db->sql, sql, -1, st, NULL) != SQLITE_OK)
		return adj_db_fail(db, "preparing a statement");
	return 0;
}

int
adj_db_begin(adj_db *db)
{
	db->waited_ms = 0;
	return adj_db_exec(db, "BEGIN IMMEDIATE");
}

int
adj_db_commit(adj_db *db)
{
	return adj_db_exec(db, "COMMIT");
}

void
adj_db_rollback(adj_db *db)
{
	if (!sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

int
adj_db_current_version(adj_db *db, long *version)
{
	sqlite3_stmt *st;
	int rc;

	*version = 0;
	if ((rc = adj_db_prepare(db, &st, "SELECT value FROM meta WHERE key = 'current_catalog'")) != 0)
		return rc;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*version = (long)sqlite3_column_int64(st, 0);
	else if (s != SQLITE_DONE)
		rc = adj_db_fail(db, "reading the current catalog version");
	sqlite3_finalize(st);
	return rc;
}

/* SQLite's busy handler: another process holds the lock (its batch is being
 * adjudicated). Say so once through the notice callback, then wait with a
 * growing pause, up to ADJ_DB_WAIT_MS in all. */
#define ADJ_DB_WAIT_MS (30 * 60 * 1000)

static int
wait_for_lock(void *vdb, int count)
{
	adj_db *db = vdb;
	if (count == 0 && db->wait_notice)
		db->wait_notice(db->wait_ctx, db->path);
	int pause = count < 10 ? 1 << count : 500; /* 1 ms .. 512 ms, then 500 ms */
	if (pause > 500)
		pause = 500;
	db->waited_ms += (uint64_t)pause;
	if (db->waited_ms > ADJ_DB_WAIT_MS)
		return 0;
	sqlite3_sleep(pause);
	return 1;
}

void
adj_db_set_wait_notice(adj_db *db, void (*fn)(void *ctx, const char *path), void *ctx)
{
	db->wait_notice = fn;
	db->wait_ctx = ctx;
}

/*
 * An older file, upgraded by `adjudicator init` in the transaction that
 * makes the schema (every other command refuses it): version 5 stored each
 * line as sixteen elements; 6 cuts each line after its last element that
 * is not its default (see schema.sql), a third less ledger for a batch; 7
 * also writes a line's code as 0 when it is its item's and its date as days
 * from the claim's service date, 30% less again; 8 puts the elements most
 * lines leave at their defaults last (the code, billed, in-policy) and the
 * seq as an integer, a quarter less lines again, and finds a batch's claims
 * by the range of ids its row records instead of an index on (batch, ord).
 */
static int
upgrade(adj_db *db)
{
	sqlite3_stmt *q;
	/* a new file has no meta table yet: nothing to upgrade */
	if (sqlite3_prepare_v2(db->sql, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &q,
	                       NULL) != SQLITE_OK)
		return 0;
	const char *v = sqlite3_step(q) == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
	int from = v && strcmp(v, "5") == 0   ? 5
	           : v && strcmp(v, "6") == 0 ? 6
	           : v && strcmp(v, "7") == 0 ? 7
	                                      : 0;
	sqlite3_finalize(q);
	if (!from)
		return 0;
	/* the batches first: the check that can refuse the file is quick */
	int rc = adj_ledger_upgrade_batches(db);
	if (!rc)
		rc = adj_ledger_upgrade_lines(db, from);
	return rc ? rc : adj_db_exec(db, "UPDATE meta SET value = '" SCHEMA_VERSION "' "
	                                 "WHERE key = 'schema_version'");
}

static void
no_memstatus(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* fails harmlessly once SQLite is in use */
}

int
adj_db_open(adj_db **out, const char *path, int flags, char *err, size_t errlen)
{
	adj_db *db;
	struct stat st;
	int rc;

	*out = NULL;
	if (!(flags & ADJ_DB_CREATE) && stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: no database here (run `adjudicator init` first)", path);
		return ADJ_ENOINPUT;
	}
	db = calloc(1, sizeof *db);
	if (!db || !(db->path = strdup(path))) {
		free(db);
		snprintf(err, errlen, "out of memory");
		return ADJ_ENOMEM;
	}
	db->wal_fd = -1;
	/* nothing reads SQLite's memory statistics: without them, an allocation
	 * takes no global mutex (3.7% of a batch's engine thread) */
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, no_memstatus);
	/* one connection per process, used by one thread: no mutexes */
	int oflags = SQLITE_OPEN_NOMUTEX | ((flags & ADJ_DB_READONLY)
	                                        ? SQLITE_OPEN_READONLY
	                                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if (sqlite3_open_v2(path, &db->sql, oflags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open the database: %s", path,
		         db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
		adj_db_close(db);
		return ADJ_EIO;
	}
	sqlite3_busy_handler(db->sql, wait_for_lock, db);
	sqlite3_extended_result_codes(db->sql, 1);
	rc = adj_db_exec(db, "PRAGMA foreign_keys = ON;");
	/* 32 KiB pages for a new file (an existing one keeps its own): a claim's
	 * row with its lines fits in a page or two instead of a chain of 4 KiB
	 * overflow pages, and a batch writes an eighth of the WAL frames, each a
	 * system call or two; a 100 MB batch took a third less time */
	if (!rc && (flags & ADJ_DB_CREATE))
		rc = adj_db_exec(db, "PRAGMA page_size = 32768;");
	if (!rc && !(flags & ADJ_DB_READONLY))
		rc = adj_db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
	/* a 6 MB page cache: a batch appends its rows, and every look-up it
	 * makes goes through an index whose upper levels fit. 16 MB was no
	 * faster and made a 1 GB batch's memory 47% more than a 10 MB one's;
	 * 8 MB no faster than 6 (1 GB batch, two interleaved pairs: 23.51 and
	 * 22.42 s against 22.90 and 22.10 s; the 100 MB batch writes the same
	 * WAL frames with either), and with schema version 8's smaller ledger
	 * a 10 MB batch no longer fills it: 26.6 MB peak against the 1 GB
	 * batch's 30.2 MB (+13%); with 6 MB, 26.7 against 28.0 (+5%) */
	if (!rc)
		rc = adj_db_exec(db, "PRAGMA cache_size = -6144;");
	if (!rc && (flags & ADJ_DB_CREATE)) {
		rc = adj_db_exec(db, "BEGIN IMMEDIATE");
		if (!rc)
			rc = upgrade(db);
		if (!rc)
			rc = adj_db_exec(db, adj_schema_sql);
		if (!rc)
			rc = adj_db_exec(db, "INSERT OR IGNORE INTO meta(key, value) VALUES "
			                     "('schema_version', '" SCHEMA_VERSION "')");
		if (!rc)
			rc = adj_db_commit(db);
		if (rc)
			adj_db_rollback(db);
	}
	if (!rc) {
		/* a file that is not ours (or an older schema) is refused here */
		sqlite3_stmt *q;
		rc = adj_db_prepare(db, &q, "SELECT value FROM meta WHERE key = 'schema_version'");
		if (!rc) {
			const char *v = sqlite3_step(q) == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0)
			                                              : NULL;
			if (v && (strcmp(v, "5") == 0 || strcmp(v, "6") == 0 || strcmp(v, "7") == 0)) {
				snprintf(db->errmsg, sizeof db->errmsg,
				         "a database of schema version %s: `adjudicator init` upgrades it to "
				         "version " SCHEMA_VERSION " (its ledger's lines rewritten shorter, each batch's "
				         "range of claims recorded)", v);
				rc = ADJ_EIO;
			} else if (!v || strcmp(v, SCHEMA_VERSION) != 0) {
				snprintf(db->errmsg, sizeof db->errmsg,
				         "not an Adjudicator database of schema version " SCHEMA_VERSION
				         " (run `adjudicator init`)");
				rc = ADJ_EIO;
			}
			sqlite3_finalize(q);
		}
	}
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, db->errmsg);
		adj_db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

void
adj_db_bind_date(sqlite3_stmt *st, int i, adj_date d, char *keep)
{
	char b[ADJ_DATE_TEXT];
	if (d == ADJ_DATE_NONE) {
		sqlite3_bind_null(st, i);
		return;
	}
	adj_date_format(d, keep ? keep : b);
	sqlite3_bind_text(st, i, keep ? keep : b, 10, keep ? SQLITE_STATIC : SQLITE_TRANSIENT);
}

void
adj_db_close(adj_db *db)
{
	if (!db)
		return;
	if (db->wal_fd >= 0)
		close(db->wal_fd);
	sqlite3_close_v2(db->sql);
	free(db->path);
	free(db);
}

void
adj_db_writeback(adj_db *db)
{
	if (db->wal_fd == -1) {
		size_t n = strlen(db->path) + 5;
		char *wal = malloc(n);
		if (wal) {
			snprintf(wal, n, "%s-wal", db->path);
			db->wal_fd = open(wal, O_RDONLY | O_CLOEXEC);
			free(wal);
		}
		if (db->wal_fd < 0)
			db->wal_fd = -2;
	}
	if (db->wal_fd >= 0)
		(void)sync_file_range(db->wal_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

void
adj_db_set_progress(adj_db *db, adj_progress_fn fn, void *ctx)
{
	db->progress = fn;
	db->progress_ctx = ctx;
}

void
adj_db_progress(adj_db *db, const char *what, uint64_t done, uint64_t total, uint64_t items)
{
	struct timespec ts;
	if (!db || !db->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	if (ms - db->progress_last < 200 && !(total && done >= total))
		return;
	db->progress_last = ms;
	db->progress(db->progress_ctx, what, done, total, items);
}

const char *
adj_db_errmsg(const adj_db *db)
{
	return db ? db->errmsg : "";
}
