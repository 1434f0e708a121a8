/*
 * adjudicator.h - the one public interface of the Adjudicator engine.
 *
 * The `adjudicator` command uses this header and nothing else; whatever the
 * command can do, a program linking the library can do too.
 *
 * Conventions (libgit2 style):
 *  - functions that can fail return 0 or a negative ADJ_E* code;
 *  - results come back through out-parameters, which come first;
 *  - detail about bad input goes into an adj_diags list (file, line, field,
 *    message), never to stdout or stderr: the library never prints;
 *  - every object created by adj_*_open / _new is freed by the matching
 *    _close / _free, which accept NULL.
 */
#ifndef ADJUDICATOR_H
#define ADJUDICATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ---------------------------------------------------------- */

enum {
	ADJ_OK = 0,
	ADJ_EUSAGE = -1,      /* the call itself is wrong (exit 64) */
	ADJ_EDATA = -2,       /* bad input data: details in adj_diags (exit 65) */
	ADJ_ENOINPUT = -3,    /* an input file or folder is missing (exit 66) */
	ADJ_EINTERNAL = -4,   /* a bug or a broken invariant (exit 70) */
	ADJ_ECANTCREATE = -5, /* an output file cannot be created (exit 73) */
	ADJ_EIO = -6,         /* I/O or database error (exit 74) */
	ADJ_ENOMEM = -7,      /* out of memory (exit 70) */
};

/* The sysexits status the command uses for an ADJ_E* code (0 for ADJ_OK). */
int adj_exit_status(int err);

/* ---- diagnostics ----------------------------------------------------- */

/* One problem in an input file: "file:line: field: message". line is 0 when
 * the problem concerns the whole file; field is "" when none applies. */
typedef struct adj_diag {
	char *file;
	long line;
	long column; /* 0 when unknown; XML problems give one */
	char *field;
	char *message;
} adj_diag;

/* A bounded list of diagnostics: past `limit` entries only `dropped` grows. */
typedef struct adj_diags {
	adj_diag *items;
	size_t count;
	size_t capacity;
	size_t limit;
	size_t dropped;
} adj_diags;

#define ADJ_DIAGS_DEFAULT_LIMIT 1000

/* Initialise an empty list keeping at most `limit` entries (0: the default). */
void adj_diags_init(adj_diags *d, size_t limit);

/* Append a diagnostic (printf-style message). Never fails: when memory runs
 * out or the limit is reached the entry is counted in `dropped`. */
void adj_diags_add(adj_diags *d, const char *file, long line, const char *field,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Same, with a column (XML positions). */
void adj_diags_add_at(adj_diags *d, const char *file, long line, long column,
                      const char *field, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Total problems seen, kept or dropped. */
size_t adj_diags_total(const adj_diags *d);

void adj_diags_clear(adj_diags *d);

/* Order the entries by file (in the order of the NULL-terminated list
 * `files`; others last) and line, keeping the order of equal ones. */
void adj_diags_sort(adj_diags *d, const char *const *files);

/* ---- database -------------------------------------------------------- */

typedef struct adj_db adj_db;

enum {
	ADJ_DB_CREATE = 1,   /* create the file and schema if missing */
	ADJ_DB_READONLY = 2, /* open read-only */
};

/* The database path to use: `explicit_path` if given, else $ADJUDICATOR_DB,
 * else "./adjudicator.db". The result is a static or the given string. */
const char *adj_db_default_path(const char *explicit_path);

/*
 * Open (and with ADJ_DB_CREATE create and migrate) the database at path.
 * Fills *out; on failure writes a message into err (errlen bytes).
 */
int adj_db_open(adj_db **out, const char *path, int flags, char *err, size_t errlen);
void adj_db_close(adj_db *db);

/* The last database error message (for the CLI's error line). */
const char *adj_db_errmsg(const adj_db *db);

/* Progress of a long operation on db (adjudicate, imports): `what` names
 * it, done and total are bytes of its input (total 0 when unknown), items
 * the claims or rows so far. Called a few times a second at most; the
 * library never prints, the command decides (a line on a terminal). */
typedef void (*adj_progress_fn)(void *ctx, const char *what, uint64_t done, uint64_t total,
                                uint64_t items);
void adj_db_set_progress(adj_db *db, adj_progress_fn fn, void *ctx);

/* Called once when a write has to wait for another process's lock (its
 * batch is being adjudicated); the wait goes on for up to 30 minutes. */
void adj_db_set_wait_notice(adj_db *db, void (*fn)(void *ctx, const char *path), void *ctx);

/* ---- catalogs -------------------------------------------------------- */

typedef struct adj_catalog_summary {
	long version;       /* catalog version now current (0: none) */
	bool unchanged;     /* the folder equals the current version */
	long drugs, treatments, facilities, single_disease, hospitals, budgets;
	long members_read, members_inserted, members_updated;
	long schemes, benefits;
	int first_year, last_year;
	char scheme_codes[256]; /* "EMP,EMPCAT,..." */
} adj_catalog_summary;

/*
 * Read and validate the catalog folder `dir` (SPEC 4.1-4.4) without touching
 * any database. Every problem goes into *diags. Returns 0 when the folder is
 * valid, ADJ_EDATA when it is not, ADJ_ENOINPUT when dir or a required file
 * is missing (also listed in diags), other codes for system errors.
 * summary may be NULL.
 */
int adj_catalog_check(adj_catalog_summary *summary, const char *dir, adj_diags *diags);

/*
 * Validate `dir` and load it as a new catalog version in one transaction:
 * everything or nothing. A folder equal to the current version changes
 * nothing (summary->unchanged). A members.csv in the folder is upserted as
 * by adj_members_import.
 */
int adj_catalog_import(adj_catalog_summary *summary, adj_db *db, const char *dir, adj_diags *diags);

/*
 * Validate the member registry file `path` (SPEC 4.4) against the current
 * catalog's policy and upsert it by id, whole or nothing.
 */
int adj_members_import(adj_catalog_summary *summary, adj_db *db, const char *path, adj_diags *diags);

/* ---- adjudication ------------------------------------------------------ */

typedef struct adj_adjudicate_opts {
	const char *output;     /* remittance path; NULL: written to out_fp */
	void *out_fp;           /* a FILE * used when output is NULL */
	bool dry_run;           /* adjudicate and remit, record nothing */
	long long now;          /* adjudication time (Unix seconds); -1: now or
	                           $SOURCE_DATE_EPOCH */
} adj_adjudicate_opts;

typedef struct adj_batch_summary {
	char batch_id[300], hospital[64], adjudicated[32];
	long claims, accepted, adjusted, rejected, voided;
	int64_t billed, pool, relief, assistance, patient, withheld; /* fen */
	char refusal[4];        /* "B01".. when the batch was refused, else "" */
} adj_batch_summary;

/*
 * Adjudicate the batch file at path against the current catalog and
 * registry (SPEC 5), record it in one transaction (unless dry_run) and
 * write the remittance. A refused batch (B01-B04) returns ADJ_EDATA with
 * the refusal in diags (file, line, column, code and message), records
 * nothing and writes no remittance; an existing output file is left as it
 * was. Rejected claims are a normal outcome (return 0).
 */
int adj_adjudicate(adj_batch_summary *summary, adj_db *db, const char *path,
                   const adj_adjudicate_opts *opts, adj_diags *diags);

/*
 * Re-emit the remittance of an earlier batch from the ledger, byte for byte
 * as it was first written: to `output` (whole or not at all) or, when NULL,
 * to out_fp (a FILE *). hospital may be NULL unless two hospitals used the
 * same batch id (ADJ_EUSAGE). ADJ_ENOINPUT when no such batch was recorded.
 */
int adj_remittance(adj_db *db, const char *batch_id, const char *hospital, const char *output,
                   void *out_fp, adj_diags *diags);

/*
 * Explain every recorded claim `claim_id` (of `hospital`, needed when
 * several hospitals used the id): the derivation of SPEC 5 step by step,
 * each number with its source, as text or (html) one HTML page, to out (a
 * FILE *). ADJ_ENOINPUT when no such claim was recorded.
 */
int adj_explain(adj_db *db, const char *claim_id, const char *hospital, int html, void *out,
                adj_diags *diags);

/*
 * Re-adjudicate every batch recorded in db, in recorded order, against the
 * catalog version and member registry each was adjudicated with, into the
 * new database new_path, and compare every claim. The batch files are found
 * at their recorded paths or under batches_dir. Writes one line per batch
 * and one per difference to out (a FILE *); *differences counts them.
 */
int adj_replay(adj_db *old, const char *new_path, const char *batches_dir, void *out,
               long *differences, long *batches, adj_diags *diags);

/* ---- reports, settlement, cap derivation (SPEC 5.5, 6) ------------------ */

typedef enum {
	ADJ_REPORT_REJECTIONS,
	ADJ_REPORT_BUDGET,
	ADJ_REPORT_COST_STRUCTURE,
	ADJ_REPORT_MEMBER,
	ADJ_REPORT_SETTLEMENT, /* the statement `settle` prints */
} adj_report_kind;

typedef enum { ADJ_REPORT_HTML, ADJ_REPORT_CSV } adj_report_format;

typedef struct adj_report_opts {
	adj_report_kind kind;
	adj_report_format format;
	int year;               /* budget, cost-structure, member, settlement */
	const char *hospital;   /* filter, or NULL */
	const char *batch;      /* rejections: batch id, or NULL */
	const char *from, *to;  /* rejections: service dates YYYY-MM-DD, or NULL */
	const char *member;     /* member: the resident id */
} adj_report_opts;

/*
 * Write a report to out (a FILE *). The library reads the ledger only.
 * ADJ_EUSAGE for a bad filter (a date that does not exist...), with the
 * reason in diags.
 */
int adj_report(adj_db *db, const adj_report_opts *opts, void *out, adj_diags *diags);

/*
 * SPEC 5.5: settle year `year` for every global-budget hospital with a
 * budget row (or only `hospital`), recording the result in the ledger and
 * replacing an earlier settlement of that year; then write the statement
 * (ADJ_REPORT_SETTLEMENT) to out. *settled and *unsettled count hospitals.
 */
int adj_settle(adj_db *db, int year, const char *hospital, adj_report_format format, void *out,
               long *settled, long *unsettled, adj_diags *diags);

/*
 * SPEC 6 derive-caps: new caps from the allowed unit prices of year - 1,
 * written as CSV to out (may be NULL); with apply_dir, the catalog folder
 * gets the new rows (the old row ends on (year-1)-12-31). *changed counts
 * the items whose cap changes.
 */
int adj_derive_caps(adj_db *db, int year, void *out, const char *apply_dir, long *changed,
                    adj_diags *diags);

#ifdef __cplusplus
}
#endif

#endif
