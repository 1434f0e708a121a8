/*
 * test_upgrade.c - a database of schema version 5, 6 or 7 is refused with
 * a message that names `adjudicator init`, and `init` upgrades it to
 * version 8: every line rewritten in the shorter form, the views reading
 * back exactly what they read before, re-emitted remittances
 * byte-identical.
 *
 * The older file is made from a version-8 one by SQL (the lines as the
 * older version wrote them, its views), so the test needs no binary
 * fixture and also checks that the upgrade writes each line as the
 * adjudicating writer does, byte for byte. (The SQL that makes version 7's
 * lines gave the bytes version 7's writer gave, on the benchmark's 10 MB
 * and 100 MB batches.)
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define BIN ADJUDICATOR_BIN
#define SAMPLES TEST_DATA_DIR "/../../claims/samples"

static char *tmp, db[4200];

static void
setup(void)
{
	tmp = t_tempdir();
	snprintf(db, sizeof db, "%s/u.db", tmp);
	setenv("SOURCE_DATE_EPOCH", "1120000000", 1);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", TEST_DATA_DIR "/../../catalogs", "--db", db, NULL}), 0);
}

static void
teardown(void)
{
	t_rmtree(tmp);
	free(tmp);
}

TestSuite(upgrade, .init = setup, .fini = teardown);

static char *
query(const char *sql)
{
	return t_db_text(db, sql);
}

/* Every row of the views `line` and `reason`, with the type of each value. */
#define LINES_DUMP                                                                                 \
	"SELECT group_concat(x, char(10)) FROM (SELECT claim || '|' || ord || '|' || quote(seq) || "  \
	"quote(code) || quote(date) || quote(qty) || quote(price) || quote(status) || quote(item) || " \
	"quote(allowed_qty) || quote(allowed_price) || quote(billed) || quote(rejected) || "          \
	"quote(self_pay) || quote(over_cap) || quote(first_pay) || quote(in_policy) AS x "           \
	"FROM line ORDER BY claim, ord)"
#define REASONS_DUMP                                                                               \
	"SELECT group_concat(x, char(10)) FROM (SELECT claim || '|' || ord || '|' || quote(line) || " \
	"quote(code) || quote(value) AS x FROM reason ORDER BY claim, ord)"

/* Versions 5 to 7 found a batch's claims through an index on (batch, ord),
 * without the batch's first and last claim ids. */
#define OLD_BATCHES                                                                                \
	"ALTER TABLE batch DROP COLUMN first_claim; ALTER TABLE batch DROP COLUMN last_claim;"         \
	"CREATE INDEX claim_batch ON claim(batch, ord);"

/* The lines as version 5 stored them, and its two views. */
static const char to_v5[] =
	"CREATE TEMP TABLE old AS SELECT l.claim, l.ord, json_array(l.seq, l.code, l.date, l.qty, "
	"l.price, l.status, l.item, l.allowed_qty, l.allowed_price, l.billed, l.rejected, l.self_pay, "
	"l.over_cap, l.first_pay, l.in_policy, json(coalesce((SELECT json_group_array(json_array(r.code, "
	"r.value)) FROM reason r WHERE r.claim = l.claim AND r.line = l.ord), '[]'))) AS j "
	"FROM line l ORDER BY l.claim, l.ord;"
	"UPDATE claim SET lines = (SELECT json_group_array(json(o.j)) FROM temp.old o "
	"WHERE o.claim = claim.id) WHERE id IN (SELECT claim FROM temp.old);"
	"DROP VIEW rejected_lines; DROP VIEW reason; DROP VIEW line;"
	"CREATE VIEW line AS SELECT c.id AS claim, CAST(j.key AS INTEGER) AS ord, j.value ->> 0 AS seq, "
	"j.value ->> 1 AS code, j.value ->> 2 AS date, j.value ->> 3 AS qty, j.value ->> 4 AS price, "
	"j.value ->> 5 AS status, j.value ->> 6 AS item, j.value ->> 7 AS allowed_qty, "
	"j.value ->> 8 AS allowed_price, j.value ->> 9 AS billed, j.value ->> 10 AS rejected, "
	"j.value ->> 11 AS self_pay, j.value ->> 12 AS over_cap, j.value ->> 13 AS first_pay, "
	"j.value ->> 14 AS in_policy FROM claim c, json_each(c.lines) j WHERE c.lines IS NOT NULL;"
	"CREATE VIEW reason AS SELECT c.id AS claim, CAST(j.key AS INTEGER) AS ord, NULL AS line, "
	"j.value ->> 0 AS code, j.value ->> 1 AS value FROM claim c, json_each(c.reasons) j "
	"WHERE c.reasons IS NOT NULL UNION ALL SELECT c.id, 1000000 * (CAST(l.key AS INTEGER) + 1) + "
	"CAST(r.key AS INTEGER), CAST(l.key AS INTEGER), r.value ->> 0, r.value ->> 1 FROM claim c, "
	"json_each(c.lines) l, json_each(l.value, '$[15]') r WHERE c.lines IS NOT NULL;"
	OLD_BATCHES
	"UPDATE meta SET value = '5' WHERE key = 'schema_version';";

/* The lines as versions 6 and 7 stored them: sixteen elements (seq, code,
 * date, qty, price, item, billed, in_policy, over_cap, first_pay, reasons,
 * status, rejected, self_pay, allowed_qty, allowed_price), cut after the
 * last that is not its default as their writer did; version 7 with the
 * code 0 when it is the item's and the date as days from the service
 * date, version 6 with both as text. CODE and DATE are those two. */
#define OLD_LINES(CODE, DATE)                                                                      \
	"CREATE TEMP TABLE full AS SELECT l.claim, l.ord, json_array(l.seq, " CODE ", " DATE ", "      \
	"l.qty, l.price, l.item, l.billed, l.in_policy, l.over_cap, l.first_pay, "                     \
	"json(coalesce(j.value -> '$[7]', '[]')), l.status, l.rejected, l.self_pay, l.allowed_qty, "  \
	"l.allowed_price) AS a FROM line l JOIN claim c ON c.id = l.claim, json_each(c.lines) j "     \
	"WHERE j.key = l.ord ORDER BY l.claim, l.ord;"                                                 \
	"CREATE TEMP TABLE old AS SELECT claim, ord, (SELECT json_group_array(CASE WHEN e.type IN "    \
	"('array', 'object') THEN json(e.value) ELSE e.value END) FROM json_each(f.a) e WHERE e.key < " \
	"CASE WHEN (a ->> 14 IS NOT NULL) != (a ->> 3 IS NOT NULL) OR a ->> 15 IS NOT a ->> 4 THEN 16 " \
	"WHEN a ->> 14 IS NOT a ->> 3 THEN 15 WHEN a ->> 13 != 0 THEN 14 WHEN a ->> 12 != 0 THEN 13 "  \
	"WHEN a ->> 11 != 'accepted' THEN 12 WHEN a -> '$[10]' != '[]' THEN 11 "                       \
	"WHEN a ->> 9 != 0 THEN 10 WHEN a ->> 8 != 0 THEN 9 WHEN a ->> 7 != a ->> 6 THEN 8 ELSE 7 END) " \
	"AS j FROM temp.full f ORDER BY claim, ord;"                                                   \
	"CREATE INDEX temp.old_claim ON old(claim, ord);"                                              \
	"UPDATE claim SET lines = (SELECT json_group_array(json(o.j)) FROM temp.old o "                \
	"WHERE o.claim = claim.id) WHERE id IN (SELECT claim FROM temp.old);"                          \
	"DROP VIEW rejected_lines; DROP VIEW reason; DROP VIEW line;"                                   \
	"CREATE VIEW reason AS SELECT c.id AS claim, CAST(j.key AS INTEGER) AS ord, NULL AS line, "    \
	"j.value ->> 0 AS code, j.value ->> 1 AS value FROM claim c, json_each(c.reasons) j "          \
	"WHERE c.reasons IS NOT NULL UNION ALL SELECT c.id, 1000000 * (CAST(l.key AS INTEGER) + 1) + " \
	"CAST(r.key AS INTEGER), CAST(l.key AS INTEGER), r.value ->> 0, r.value ->> 1 FROM claim c, "  \
	"json_each(c.lines) l, json_each(l.value, '$[10]') r WHERE c.lines IS NOT NULL;"

/* The view `line` of versions 6 and 7 after their code and date (CODE,
 * DATE), the rest the same. */
#define OLD_LINE_VIEW(CODE, DATE)                                                                  \
	"CREATE VIEW line AS SELECT c.id AS claim, CAST(j.key AS INTEGER) AS ord, "                    \
	"j.value ->> 0 AS seq, " CODE " AS code, " DATE " AS date, "                                   \
	"j.value ->> 3 AS qty, j.value ->> 4 AS price, coalesce(j.value ->> 11, 'accepted') AS status, " \
	"j.value ->> 5 AS item, CASE WHEN json_array_length(j.value) > 14 THEN j.value ->> 14 "        \
	"ELSE j.value ->> 3 END AS allowed_qty, CASE WHEN json_array_length(j.value) > 15 "            \
	"THEN j.value ->> 15 ELSE j.value ->> 4 END AS allowed_price, j.value ->> 6 AS billed, "       \
	"coalesce(j.value ->> 12, 0) AS rejected, coalesce(j.value ->> 13, 0) AS self_pay, "          \
	"coalesce(j.value ->> 8, 0) AS over_cap, coalesce(j.value ->> 9, 0) AS first_pay, "           \
	"coalesce(j.value ->> 7, j.value ->> 6) AS in_policy FROM claim c, json_each(c.lines) j "      \
	"WHERE c.lines IS NOT NULL;"

static const char to_v6[] =
	OLD_LINES("l.code", "l.date")
	OLD_LINE_VIEW("j.value ->> 1", "j.value ->> 2")
	OLD_BATCHES
	"UPDATE meta SET value = '6' WHERE key = 'schema_version';";

static const char to_v7[] =
	OLD_LINES("CASE WHEN l.code = (SELECT i.code FROM item i WHERE i.id = l.item) THEN 0 "
	          "ELSE l.code END",
	          "CASE WHEN c.service_date IS NOT NULL AND date(l.date, '+0 days') IS l.date "
	          "THEN CAST(julianday(l.date) - julianday(c.service_date) AS INTEGER) ELSE l.date END")
	OLD_LINE_VIEW("CASE j.value ->> 1 WHEN 0 THEN (SELECT i.code FROM item i "
	              "WHERE i.id = j.value ->> 5) ELSE j.value ->> 1 END",
	              "CASE WHEN typeof(j.value ->> 2) = 'integer' THEN date(c.service_date, "
	              "(j.value ->> 2) || ' days') ELSE j.value ->> 2 END")
	OLD_BATCHES
	"UPDATE meta SET value = '7' WHERE key = 'schema_version';";

/* Each batch's remittance as `adjudicator remittance` re-emits it. */
static char *
reemit_all(void)
{
	char *ids = query("SELECT group_concat(batch_id, ' ') FROM (SELECT batch_id FROM batch ORDER BY id)");
	size_t cap = 1, n = 0;
	char *all = calloc(1, 1);
	for (char *id = strtok(ids, " "); id; id = strtok(NULL, " ")) {
		char *out = NULL;
		cr_assert_eq(t_run(&out, NULL, (const char *const[]){BIN, "remittance", id, "--db", db, NULL}), 0);
		size_t k = strlen(out);
		all = realloc(all, cap += k);
		memcpy(all + n, out, k + 1);
		n += k;
		free(out);
	}
	free(ids);
	return all;
}

/* Adjudicate the sixteen sample batches and tests/data/upgrade's batch
 * into the database. */
static void
adjudicate_samples(void)
{
	for (int i = 1; i <= 16; i++) {
		char glob[64];
		snprintf(glob, sizeof glob, "%02d-", i);
		char cmd[8400], *out = NULL;
		snprintf(cmd, sizeof cmd, "ls %s/%s*.xml", SAMPLES, glob);
		FILE *p = popen(cmd, "r");
		cr_assert_not_null(p);
		char path[4200] = "";
		cr_assert_not_null(fgets(path, sizeof path, p));
		pclose(p);
		path[strcspn(path, "\n")] = '\0';
		t_run(&out, NULL, (const char *const[]){BIN, "adjudicate", path, "--db", db, "-o", "/dev/null", NULL});
		free(out);
	}
	/* and lines of the forms the samples lack: seqs that are not C01's
	 * (01, 1234567890), quantities 0 and -1, a missing date and one that
	 * is not YYYY-MM-DD, a claim without a service date, a day before the
	 * service date, an unknown code, qty x price beyond 64 bits, a billed
	 * amount that is not the price */
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", TEST_DATA_DIR "/upgrade/edge-lines.xml",
	                                                     "--db", db, "-o", "/dev/null", NULL}),
	             0);
}

/* Adjudicate the samples, turn the file into an older version by the SQL
 * to_old, and check the refusal, the upgrade and what
 * reads back. */
static void
check_upgrade(const char *to_old, const char *version)
{
	adjudicate_samples();
	/* lines of several forms: the four elements of a plain line, five with
	 * a day, cut after the reasons (a cap or a first payment), after the
	 * status, after the rejected amount, after self-pay, after allowed_qty
	 * and after allowed_price (in_policy, the identity's remainder, is
	 * never written by adjudication) */
	char *forms = query("SELECT group_concat(n, ',') FROM (SELECT DISTINCT json_array_length(j.value) AS n "
	                    "FROM claim c, json_each(c.lines) j ORDER BY n)");
	cr_expect_str_eq(forms, "4,5,8,11,12,13,14,15");
	free(forms);
	/* seqs, dates and codes in both forms: most seqs integers, dates a
	 * number of days and codes 0 or left out, some (a seq that is not one,
	 * a date that is not one, an unknown code) as read */
	char *shapes = query("SELECT ',' || group_concat(t, ',') || ',' FROM (SELECT DISTINCT "
	                     "json_type(j.value, '$[0]') || '/' || coalesce(json_type(j.value, '$[4]'), '-') "
	                     "|| '/' || coalesce(json_type(j.value, '$[8]'), '-') || '/' || "
	                     "coalesce(json_type(j.value, '$[1]'), '-') AS t "
	                     "FROM claim c, json_each(c.lines) j ORDER BY t)");
	/* seq/date/code/qty: a plain line; a day; a text seq; a text date, a
	 * null date; a text code; no quantity */
	cr_expect(strstr(shapes, ",integer/-/-/integer,") && strstr(shapes, ",integer/integer/-/integer,") &&
	          strstr(shapes, ",text/") && strstr(shapes, "/text/") && strstr(shapes, "/null/") &&
	          strstr(shapes, "/text/integer,") && strstr(shapes, "/null,"),
	          "%s", shapes);
	free(shapes);

	char *written = query("SELECT group_concat(id || ':' || lines, char(10)) FROM claim");
	char *lines = query(LINES_DUMP), *reasons = query(REASONS_DUMP);
	char *remit = reemit_all();
	cr_assert(strlen(lines) > 1000 && strlen(reasons) > 1000 && strlen(remit) > 10000);

	t_db_exec(db, to_old);
	char *old = query("SELECT group_concat(id || ':' || lines, char(10)) FROM claim");
	cr_assert(strcmp(old, written) != 0, "the version-%s lines differ from version 8's", version);
	char *old_view = query(LINES_DUMP);
	cr_expect_str_eq(old_view, lines, "the version-%s file reads as the version-8 one did", version);

	/* refused until upgraded */
	char *err = NULL, expect[128];
	int rc = t_run(NULL, &err, (const char *const[]){BIN, "report", "rejections", "--db", db, NULL});
	cr_expect_eq(rc, 74);
	snprintf(expect, sizeof expect, "schema version %s: `adjudicator init` upgrades it to version 8", version);
	cr_expect(strstr(err, expect) != NULL, "%s", err);
	free(err);

	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	char *now = query("SELECT value FROM meta WHERE key = 'schema_version'");
	cr_expect_str_eq(now, "8");
	char *after = query("SELECT group_concat(id || ':' || lines, char(10)) FROM claim");
	cr_expect_str_eq(after, written, "the upgrade writes each line as adjudication does");
	char *lines_after = query(LINES_DUMP), *reasons_after = query(REASONS_DUMP);
	cr_expect_str_eq(lines_after, lines);
	cr_expect_str_eq(reasons_after, reasons);
	char *remit_after = reemit_all();
	cr_expect_str_eq(remit_after, remit);
	char *check = query("PRAGMA integrity_check");
	cr_expect_str_eq(check, "ok");
	/* a second init changes nothing */
	unsigned long long sum = t_db_sum(db);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	cr_expect_eq(t_db_sum(db), sum);

	free(check);
	free(remit_after);
	free(lines_after);
	free(reasons_after);
	free(after);
	free(now);
	free(old_view);
	free(old);
	free(remit);
	free(lines);
	free(reasons);
	free(written);
}

Test(upgrade, a_version_5_ledger_is_refused_then_upgraded_by_init_and_reads_the_same, .timeout = 300)
{
	check_upgrade(to_v5, "5");
}

Test(upgrade, a_version_6_ledger_is_refused_then_upgraded_by_init_and_reads_the_same, .timeout = 300)
{
	check_upgrade(to_v6, "6");
}

Test(upgrade, a_version_7_ledger_is_refused_then_upgraded_by_init_and_reads_the_same, .timeout = 300)
{
	check_upgrade(to_v7, "7");
}

/* Adjudication never writes a line whose amounts break the identity, but an
 * older file may hold one: its in-policy amount is kept, written last. */
Test(upgrade, a_line_whose_amounts_break_the_identity_keeps_its_in_policy, .timeout = 300)
{
	adjudicate_samples();
	char *id = query("SELECT min(id) FROM claim WHERE json_array_length(lines, '$[0]') = 4");
	cr_assert(id && *id);
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT billed || '|' || in_policy FROM line WHERE claim = %s AND ord = 0", id);
	char *before = query(sql);
	t_db_exec(db, to_v7);
	char set[256];
	snprintf(set, sizeof set, "UPDATE claim SET lines = json_set(lines, '$[0][7]', 12345) WHERE id = %s", id);
	t_db_exec(db, set); /* the plain line's seven elements, and in_policy */
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	char *after = query(sql);
	char expect[64];
	snprintf(expect, sizeof expect, "%.*s|12345", (int)strcspn(before, "|"), before);
	cr_expect_str_eq(after, expect, "before: %s", before);
	snprintf(sql, sizeof sql, "SELECT json_array_length(lines, '$[0]') || ' ' || (lines ->> '$[0][15]') "
	                          "FROM claim WHERE id = %s", id);
	char *json = query(sql);
	cr_expect_str_eq(json, "16 12345");
	free(json);
	free(after);
	free(before);
	free(id);
}

/* A file where a batch's claims are not one range of ids without a gap in
 * its order (no version of Adjudicator wrote one), made from a version-7
 * file by the SQL tweak, is not upgraded, and not changed. */
static void
check_refused(const char *tweak)
{
	adjudicate_samples();
	t_db_exec(db, to_v7);
	t_db_exec(db, tweak);
	unsigned long long sum = t_db_sum(db);
	char *err = NULL;
	int rc = t_run(NULL, &err, (const char *const[]){BIN, "init", "--db", db, NULL});
	cr_expect_eq(rc, 74);
	cr_expect(strstr(err, "its claims are not one range of row ids in batch order; not upgraded") != NULL,
	          "%s", err);
	cr_expect_eq(t_db_sum(db), sum);
	char *v = query("SELECT value FROM meta WHERE key = 'schema_version'");
	cr_expect_str_eq(v, "7");
	free(v);
	free(err);
}

Test(upgrade, a_file_whose_batch_holds_another_batchs_claim_is_refused_and_left_as_it_is, .timeout = 300)
{
	check_refused("UPDATE claim SET batch = (SELECT max(id) FROM batch) WHERE id = (SELECT min(id) FROM claim)");
}

/* a claim gone from the middle of the first batch, and the two around the
 * gap in the wrong order */
Test(upgrade, a_file_whose_batch_has_a_gap_is_refused_and_left_as_it_is, .timeout = 300)
{
	check_refused("DELETE FROM claim WHERE id = 10;"
	              "UPDATE claim SET ord = CASE id WHEN 9 THEN 10 ELSE 8 END WHERE id IN (9, 11)");
}
