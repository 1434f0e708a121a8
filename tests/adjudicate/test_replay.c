/*
 * test_replay.c - `adjudicator replay --into NEW.db` (issue 5): a ledger
 * built across a registry change and a new catalog version replays with no
 * difference; a tampered ledger and a changed batch file are reported.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

#define BIN ADJUDICATOR_BIN
#define MONEY TEST_DATA_DIR "/e2e/money/batches/"

static char *tmp, db[4200], newdb[4200];

static void
run0(const char *const *argv)
{
	char *err;
	int rc = t_run(NULL, &err, argv);
	cr_assert_eq(rc, 0, "%s %s: exit %d: %s", argv[1], argv[2], rc, err);
	free(err);
}

static void
setup(void)
{
	tmp = t_tempdir();
	snprintf(db, sizeof db, "%s/old.db", tmp);
	snprintf(newdb, sizeof newdb, "%s/new.db", tmp);
	setenv("SOURCE_DATE_EPOCH", "1120000000", 1);
	run0((const char *const[]){BIN, "init", "--db", db, NULL});
	run0((const char *const[]){BIN, "catalog", "import", TEST_DATA_DIR "/catalog_e2e", "--db", db, NULL});
	run0((const char *const[]){BIN, "adjudicate", MONEY "01-pool-cap.xml", "--db", db, "-o", "/dev/null", NULL});
	/* the registry changes: member 12010319650808505X gets an assistance
	 * period, which changes what batch 03's claims pay */
	t_write(tmp, "reg.csv",
	        "id,name,scheme,category,enrolled_from,enrolled_to,paid_through,relief_from,relief_to,assistance_from,assistance_to\n"
	        "12010319650808505X,赵磊,EMP,in-service,2000-01-01,,2006-12-31,2005-01-01,,2005-01-01,\n");
	char reg[4300];
	snprintf(reg, sizeof reg, "%s/reg.csv", tmp);
	run0((const char *const[]){BIN, "members", "import", reg, "--db", db, NULL});
	run0((const char *const[]){BIN, "adjudicate", MONEY "02-voids.xml", "--db", db, "-o", "/dev/null", NULL});
	/* a new catalog version: the bed fee's cap moves */
	char cat[4300];
	snprintf(cat, sizeof cat, "%s/cat", tmp);
	cr_assert_eq(mkdir(cat, 0755), 0);
	t_copydir(TEST_DATA_DIR "/catalog_e2e", cat);
	t_replace_line(cat, "facilities.csv", "001100000100000",
	               "001100000100000,普通病房床位费,labor,A,,20.00,25.00,40.00,35.00,1,,,,,,2004-01-01,");
	run0((const char *const[]){BIN, "catalog", "import", cat, "--db", db, NULL});
	run0((const char *const[]){BIN, "adjudicate", MONEY "03-checks.xml", "--db", db, "-o", "/dev/null", NULL});
	run0((const char *const[]){BIN, "adjudicate", MONEY "04-no-budget.xml", "--db", db, "-o", "/dev/null", NULL});
	/* the registry goes back: later batches see the old terms again */
	t_write(tmp, "reg.csv",
	        "id,name,scheme,category,enrolled_from,enrolled_to,paid_through,relief_from,relief_to,assistance_from,assistance_to\n"
	        "12010319650808505X,赵磊,EMP,in-service,2000-01-01,,2006-12-31,,,,\n");
	run0((const char *const[]){BIN, "members", "import", reg, "--db", db, NULL});
	run0((const char *const[]){BIN, "adjudicate", MONEY "07-after-refusal.xml", "--db", db, "-o", "/dev/null", NULL});
}

static void
teardown(void)
{
	t_rmtree(tmp);
	free(tmp);
}

TestSuite(replay, .init = setup, .fini = teardown);

Test(replay, every_batch_replays_with_the_same_result_across_registry_and_catalog_changes)
{
	char *out, *err;
	int rc = t_run(&out, &err, (const char *const[]){BIN, "replay", "--db", db, "--into", newdb, NULL});
	cr_expect_eq(rc, 0, "exit %d\n%s%s", rc, out, err);
	cr_expect(strstr(err, "replay: 5 batches, 0 differences") != NULL, "%s", err);
	cr_expect(strstr(out, "batch B2005-03 of H12010300017: 16 claims replayed") != NULL, "%s", out);
	free(out);
	free(err);
	/* the registry history was really used: the member's row now has no
	 * assistance, but batch 02 was adjudicated with it */
	sqlite3 *s;
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(s, "SELECT count(*) FROM member_history", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(st, 0), 2);
	sqlite3_finalize(st);
	sqlite3_close(s);
}

Test(replay, a_tampered_ledger_is_reported_and_exits_70)
{
	sqlite3 *s;
	cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(s, "UPDATE claim SET pool = pool + 1 WHERE claim_id = 'ZY2005030001' AND status = 'accepted'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	char *out, *err;
	int rc = t_run(&out, &err, (const char *const[]){BIN, "replay", "--db", db, "--into", newdb, NULL});
	cr_expect_eq(rc, 70);
	cr_expect(strstr(out, "batch B2005-01 claim ZY2005030001 (#0): pool recorded 6000001, replayed 6000000") != NULL, "%s", out);
	cr_expect(strstr(err, "1 difference") != NULL, "%s", err);
	free(out);
	free(err);
}

Test(replay, a_batch_file_that_changed_is_named_and_found_under_batches)
{
	/* copy the files elsewhere, alter the original path's content: replay
	 * refuses the altered file and takes the copy from --batches */
	char dir[4300];
	snprintf(dir, sizeof dir, "%s/archive", tmp);
	cr_assert_eq(mkdir(dir, 0755), 0);
	t_copydir(TEST_DATA_DIR "/e2e/money/batches", dir);
	sqlite3 *s;
	cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
	char sql[4600];
	snprintf(sql, sizeof sql, "UPDATE batch SET source_path = '%s/gone/' || source", tmp);
	cr_assert_eq(sqlite3_exec(s, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	char *out, *err;
	int rc = t_run(&out, &err, (const char *const[]){BIN, "replay", "--db", db, "--into", newdb, NULL});
	cr_expect_eq(rc, 70);
	cr_expect(strstr(out, "cannot replay: not found at") != NULL, "%s", out);
	free(out);
	free(err);
	char newdb2[4400];
	snprintf(newdb2, sizeof newdb2, "%s/new2.db", tmp);
	rc = t_run(&out, &err, (const char *const[]){BIN, "replay", "--db", db, "--into", newdb2, "--batches", dir, NULL});
	cr_expect_eq(rc, 0, "%s%s", out, err);
	free(out);
	free(err);
}
