/*
 * replay.c - `adjudicator replay --into NEW.db`: every recorded batch
 * adjudicated again, in recorded order, against the catalog version and the
 * member registry each one was adjudicated with, into a fresh database, and
 * every claim's result compared (issue 5: determinism and replay).
 *
 * The new database gets every catalog version of the old one, ids kept (so
 * the rows lines refer to are the same). Before each batch, the current
 * catalog is set to the batch's version and the member registry to the
 * generation the batch used (the `member` rows of that generation and the
 * `member_history` rows that were current then). The batch file is found at
 * its recorded path, or under --batches DIR by its name, and must have the
 * recorded size and fingerprint. The adjudication time is the recorded one.
 *
 * Compared per claim, in batch order: id, kind, status, method, the C
 * reason, the fifteen amounts, recorded or not; per line: status and the
 * six amounts; and the list of reason codes.
 */
#define _GNU_SOURCE /* timegm */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "adjudicator.h"
#include "intake/intake.h"
#include "ledger/db.h"

static const char *const catalog_tables[] = {
	"catalog_version", "code_format", "scheme", "benefit_group", "benefit", "band",
	"item", "single_disease", "hospital", "budget", NULL};

static int
exec_fmt(adj_db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
exec_fmt(adj_db *db, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return adj_db_exec(db, sql);
}

/* The registry of generation g of the attached old database. */
static int
set_registry(adj_db *db, int64_t g)
{
	static const char cols[] = "id, name, scheme, category, sex, birth_date, enrolled_from, "
	                           "enrolled_to, paid_through, relief_from, relief_to, assistance_from, "
	                           "assistance_to";
	int rc = adj_db_exec(db, "BEGIN IMMEDIATE; DELETE FROM main.member;");
	if (!rc)
		rc = exec_fmt(db,
		              "INSERT INTO main.member(%s, since) SELECT %s, since FROM old.member WHERE since <= %lld "
		              "UNION ALL SELECT %s, since FROM old.member_history WHERE since <= %lld AND %lld < until",
		              cols, cols, (long long)g, cols, (long long)g, (long long)g);
	if (!rc)
		rc = adj_db_commit(db);
	if (rc)
		adj_db_rollback(db);
	return rc;
}

/* The fingerprint of a file, as the intake computes it. */
static int
fingerprint(const char *path, uint64_t *size, char hex[17])
{
	int err = 0;
	uint64_t h = adj_fingerprint_file(path, size, &err);
	if (err)
		return -1;
	snprintf(hex, 17, "%016llx", (unsigned long long)h);
	return 0;
}

/* Find the batch file: the recorded path, or DIR/name; with the recorded
 * size and fingerprint. */
static int
locate(const char *recorded, const char *name, const char *dir, int64_t size, const char *hash,
       char *out, size_t n, char *why, size_t wn)
{
	const char *cand[2] = {recorded, NULL};
	char alt[4200];
	if (dir) {
		snprintf(alt, sizeof alt, "%s/%s", dir, name);
		cand[1] = alt;
	}
	snprintf(why, wn, "not found at %s%s%s", recorded ? recorded : name, dir ? " nor " : "",
	         dir ? alt : "");
	for (int k = 1; k >= 0; k--) { /* --batches first: it was named on purpose */
		if (!cand[k])
			continue;
		uint64_t sz;
		char hex[17];
		if (fingerprint(cand[k], &sz, hex) != 0)
			continue;
		if ((int64_t)sz != size || (hash && strcmp(hex, hash) != 0)) {
			snprintf(why, wn, "%s is not the file adjudicated (size or fingerprint differ)", cand[k]);
			continue;
		}
		snprintf(out, n, "%s", cand[k]);
		return 0;
	}
	return -1;
}

static void
report(FILE *f, long *diffs, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
report(FILE *f, long *diffs, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	(*diffs)++;
}

/* Compare the claims of old batch `ob` and new batch `nb`. */
static int
compare(adj_db *db, int64_t ob, int64_t nb, const char *batch_id, FILE *f, long *diffs, long *claims)
{
	static const char q[] =
		"SELECT ord, claim_id, kind, status, method, coalesce(reason, ''), recorded, billed, rejected, "
		"self_pay, over_cap, first_pay, in_policy, deductible, coinsurance, pool, over_pool, relief, "
		"assistance, patient, hospital_variance, withheld, "
		"(SELECT group_concat(status || ':' || billed || ':' || rejected || ':' || self_pay || ':' || "
		" over_cap || ':' || first_pay || ':' || in_policy, ' ') FROM %s.line WHERE claim = c.id), "
		"(SELECT group_concat(coalesce(line, '-') || code, ' ') FROM %s.reason WHERE claim = c.id) "
		"FROM %s.claim c WHERE c.id BETWEEN (SELECT first_claim FROM %s.batch WHERE id = ?1) "
		"AND (SELECT last_claim FROM %s.batch WHERE id = ?1) ORDER BY c.id";
	static const char *const names[] = {
		"ord", "claim id", "kind", "status", "method", "reason", "recorded", "billed", "rejected",
		"self-pay", "over-cap", "first-pay", "in-policy", "deductible", "coinsurance", "pool",
		"over-pool", "relief", "assistance", "patient", "hospital-variance", "withheld", "lines",
		"reason codes"};
	char sql[2048];
	sqlite3_stmt *a = NULL, *b = NULL;
	int rc;
	snprintf(sql, sizeof sql, q, "old", "old", "old", "old", "old");
	if ((rc = adj_db_prepare(db, &a, sql)))
		return rc;
	snprintf(sql, sizeof sql, q, "main", "main", "main", "main", "main");
	if ((rc = adj_db_prepare(db, &b, sql))) {
		sqlite3_finalize(a);
		return rc;
	}
	sqlite3_bind_int64(a, 1, ob);
	sqlite3_bind_int64(b, 1, nb);
	for (;;) {
		int sa = sqlite3_step(a), sb = sqlite3_step(b);
		if (sa != SQLITE_ROW || sb != SQLITE_ROW) {
			if (sa != sb)
				report(f, diffs, "batch %s: %s claims than recorded", batch_id,
				       sa == SQLITE_ROW ? "fewer" : "more");
			break;
		}
		(*claims)++;
		for (int k = 0; k < 24; k++) {
			const char *x = (const char *)sqlite3_column_text(a, k);
			const char *y = (const char *)sqlite3_column_text(b, k);
			if (strcmp(x ? x : "", y ? y : "") != 0)
				report(f, diffs, "batch %s claim %s (#%d): %s recorded %.200s, replayed %.200s", batch_id,
				       (const char *)sqlite3_column_text(a, 1), sqlite3_column_int(a, 0), names[k],
				       x ? x : "", y ? y : "");
		}
	}
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	return 0;
}

int
adj_replay(adj_db *old, const char *new_path, const char *batches_dir, void *out, long *differences,
           long *batches, adj_diags *diags)
{
	FILE *f = out;
	adj_db *db = NULL;
	char err[600];
	struct stat st;
	int rc;

	*differences = *batches = 0;
	if (stat(new_path, &st) == 0) {
		adj_diags_add(diags, new_path, 0, "--into", "exists already: replay needs a new database");
		return ADJ_EUSAGE;
	}
	if ((rc = adj_db_open(&db, new_path, ADJ_DB_CREATE, err, sizeof err))) {
		adj_diags_add(diags, new_path, 0, "", "%s", err);
		return rc;
	}
	char *q = sqlite3_mprintf("ATTACH %Q AS old", old->path);
	rc = adj_db_exec(db, q);
	sqlite3_free(q);
	if (!rc && (rc = adj_db_exec(db, "BEGIN IMMEDIATE")) == 0) {
		for (int i = 0; !rc && catalog_tables[i]; i++)
			rc = exec_fmt(db, "INSERT INTO main.%s SELECT * FROM old.%s", catalog_tables[i],
			              catalog_tables[i]);
		rc = rc ? rc : adj_db_commit(db);
		if (rc)
			adj_db_rollback(db);
	}
	sqlite3_stmt *bs = NULL;
	if (!rc)
		rc = adj_db_prepare(db, &bs,
		                    "SELECT id, batch_id, hospital, adjudicated_at, catalog_version, source, "
		                    "source_path, source_size, source_hash, registry_generation FROM old.batch "
		                    "ORDER BY id");
	int64_t generation = -1;
	FILE *sink = fopen("/dev/null", "w");
	while (!rc && sqlite3_step(bs) == SQLITE_ROW) {
		int64_t ob = sqlite3_column_int64(bs, 0);
		const char *bid = (const char *)sqlite3_column_text(bs, 1);
		const char *when = (const char *)sqlite3_column_text(bs, 3);
		int64_t g = sqlite3_column_int64(bs, 9);
		(*batches)++;
		if ((rc = exec_fmt(db, "INSERT INTO meta(key, value) VALUES ('current_catalog', '%lld') "
		                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
		                   (long long)sqlite3_column_int64(bs, 4))))
			break;
		if (g != generation && (rc = set_registry(db, g)))
			break;
		generation = g;
		char file[4300], why[9000];
		if (locate((const char *)sqlite3_column_text(bs, 6), (const char *)sqlite3_column_text(bs, 5),
		           batches_dir, sqlite3_column_int64(bs, 7), (const char *)sqlite3_column_text(bs, 8), file,
		           sizeof file, why, sizeof why) != 0) {
			report(f, differences, "batch %s of %s: cannot replay: %s", bid,
			       (const char *)sqlite3_column_text(bs, 2), why);
			continue;
		}
		struct tm tm;
		memset(&tm, 0, sizeof tm);
		if (!when || !strptime(when, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
			report(f, differences, "batch %s: unreadable adjudication time", bid);
			continue;
		}
		adj_adjudicate_opts o = {NULL, sink, false, (long long)timegm(&tm)};
		adj_batch_summary s;
		adj_diags d;
		adj_diags_init(&d, 0);
		rc = adj_adjudicate(&s, db, file, &o, &d);
		if (rc) {
			report(f, differences, "batch %s: the replay was %s%s%s", bid,
			       s.refusal[0] ? "refused " : "an error", s.refusal, d.count ? ": " : "");
			if (d.count)
				fprintf(f, "  %s\n", d.items[0].message);
			adj_diags_clear(&d);
			rc = rc == ADJ_EDATA ? 0 : rc;
			continue;
		}
		adj_diags_clear(&d);
		long claims = 0;
		int64_t nb = sqlite3_last_insert_rowid(db->sql);
		sqlite3_stmt *n;
		if ((rc = adj_db_prepare(db, &n, "SELECT max(id) FROM main.batch")) == 0) {
			if (sqlite3_step(n) == SQLITE_ROW)
				nb = sqlite3_column_int64(n, 0);
			sqlite3_finalize(n);
			rc = compare(db, ob, nb, bid, f, differences, &claims);
		}
		fprintf(f, "batch %s of %s: %ld claims replayed\n", bid, (const char *)sqlite3_column_text(bs, 2),
		        claims);
	}
	if (sink)
		fclose(sink);
	sqlite3_finalize(bs);
	if (rc == ADJ_EIO)
		adj_diags_add(diags, new_path, 0, "", "%s", adj_db_errmsg(db));
	adj_db_close(db);
	return rc;
}
