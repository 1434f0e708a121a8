/*
 * test_upgrade.c - a database of schema version 5 or 6 is refused with a
 * message that names `adjudicator init`, and `init` upgrades it to version
 * 7: every line rewritten in the shorter form, the views reading back
 * exactly what they read before, re-emitted remittances byte-identical.
 *
 * The older file is made from a version-7 one by SQL (the lines as the
 * older version wrote them, its views), so the test needs no binary
 * fixture and also checks that the upgrade writes each line as the
 * adjudicating writer does, byte for byte.
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
	"UPDATE meta SET value = '5' WHERE key = 'schema_version';";

/* The lines as version 6 stored them (version 7's, with each code and date
 * written out as text), and its view `line`. */
static const char to_v6[] =
	"CREATE TEMP TABLE old AS SELECT l.claim, l.ord, json_replace(j.value, '$[1]', l.code, "
	"'$[2]', l.date) AS j FROM line l JOIN claim c ON c.id = l.claim, json_each(c.lines) j "
	"WHERE j.key = l.ord ORDER BY l.claim, l.ord;"
	"UPDATE claim SET lines = (SELECT json_group_array(json(o.j)) FROM temp.old o "
	"WHERE o.claim = claim.id) WHERE id IN (SELECT claim FROM temp.old);"
	"DROP VIEW rejected_lines; DROP VIEW reason; DROP VIEW line;"
	"CREATE VIEW line AS SELECT c.id AS claim, CAST(j.key AS INTEGER) AS ord, "
	"j.value ->> 0 AS seq, j.value ->> 1 AS code, j.value ->> 2 AS date, "
	"j.value ->> 3 AS qty, j.value ->> 4 AS price, coalesce(j.value ->> 11, 'accepted') AS status, "
	"j.value ->> 5 AS item, CASE WHEN json_array_length(j.value) > 14 THEN j.value ->> 14 "
	"ELSE j.value ->> 3 END AS allowed_qty, CASE WHEN json_array_length(j.value) > 15 "
	"THEN j.value ->> 15 ELSE j.value ->> 4 END AS allowed_price, j.value ->> 6 AS billed, "
	"coalesce(j.value ->> 12, 0) AS rejected, coalesce(j.value ->> 13, 0) AS self_pay, "
	"coalesce(j.value ->> 8, 0) AS over_cap, coalesce(j.value ->> 9, 0) AS first_pay, "
	"coalesce(j.value ->> 7, j.value ->> 6) AS in_policy FROM claim c, json_each(c.lines) j "
	"WHERE c.lines IS NOT NULL;"
	"CREATE VIEW reason AS SELECT c.id AS claim, CAST(j.key AS INTEGER) AS ord, NULL AS line, "
	"j.value ->> 0 AS code, j.value ->> 1 AS value FROM claim c, json_each(c.reasons) j "
	"WHERE c.reasons IS NOT NULL UNION ALL SELECT c.id, 1000000 * (CAST(l.key AS INTEGER) + 1) + "
	"CAST(r.key AS INTEGER), CAST(l.key AS INTEGER), r.value ->> 0, r.value ->> 1 FROM claim c, "
	"json_each(c.lines) l, json_each(l.value, '$[10]') r WHERE c.lines IS NOT NULL;"
	"UPDATE meta SET value = '6' WHERE key = 'schema_version';";

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

/* Adjudicate the sixteen sample batches, turn the file into an older
 * version by the SQL to_old, and check the refusal, the upgrade and what
 * reads back. */
static void
check_upgrade(const char *to_old, const char *version)
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
	/* lines of several forms: the seven elements of a plain line, cut after
	 * the reasons (a cap or a first payment), after self-pay, after
	 * allowed_qty, and all sixteen */
	char *forms = query("SELECT group_concat(n, ',') FROM (SELECT DISTINCT json_array_length(j.value) AS n "
	                    "FROM claim c, json_each(c.lines) j ORDER BY n)");
	cr_expect_str_eq(forms, "7,11,14,15,16");
	free(forms);
	/* codes and dates in both forms: most as 0 and a number of days, some
	 * (an unknown code, a date that is not one) as read */
	char *shapes = query("SELECT group_concat(t, ',') FROM (SELECT DISTINCT typeof(j.value ->> 1) "
	                     "|| '/' || typeof(j.value ->> 2) AS t FROM claim c, json_each(c.lines) j ORDER BY t)");
	cr_expect(strstr(shapes, "integer/integer") && strstr(shapes, "text/"), "%s", shapes);
	free(shapes);

	char *written = query("SELECT group_concat(id || ':' || lines, char(10)) FROM claim");
	char *lines = query(LINES_DUMP), *reasons = query(REASONS_DUMP);
	char *remit = reemit_all();
	cr_assert(strlen(lines) > 1000 && strlen(reasons) > 1000 && strlen(remit) > 10000);

	t_db_exec(db, to_old);
	char *old = query("SELECT group_concat(id || ':' || lines, char(10)) FROM claim");
	cr_assert(strcmp(old, written) != 0, "the version-%s lines differ from version 7's", version);
	char *old_view = query(LINES_DUMP);
	cr_expect_str_eq(old_view, lines, "the version-%s file reads as the version-7 one did", version);

	/* refused until upgraded */
	char *err = NULL, expect[128];
	int rc = t_run(NULL, &err, (const char *const[]){BIN, "report", "rejections", "--db", db, NULL});
	cr_expect_eq(rc, 74);
	snprintf(expect, sizeof expect, "schema version %s: `adjudicator init` upgrades it to version 7", version);
	cr_expect(strstr(err, expect) != NULL, "%s", err);
	free(err);

	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	char *now = query("SELECT value FROM meta WHERE key = 'schema_version'");
	cr_expect_str_eq(now, "7");
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
