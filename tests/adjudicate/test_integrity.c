/*
 * test_integrity.c - integrity across batches (SPEC 5.1 C07-C09, 5.6):
 * duplicate ids and overlapping stays across batches and hospitals, B04
 * with its date, and a member walked through an admission, its
 * replacement, a void and a new admission with every accumulator checked.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define BIN ADJUDICATOR_BIN
#define M1 "12010419521208341X" /* EMP in-service, relief from 2004, assistance from 2005 */

static char *tmp, db[4200];
static int nbatch;

static void
setup(void)
{
	tmp = t_tempdir();
	snprintf(db, sizeof db, "%s/i.db", tmp);
	setenv("SOURCE_DATE_EPOCH", "1120000000", 1); /* 2005-06-28 */
	nbatch = 0;
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", TEST_DATA_DIR "/catalog_e2e", "--db", db, NULL}), 0);
}

static void
teardown(void)
{
	t_rmtree(tmp);
	free(tmp);
}

TestSuite(integrity, .init = setup, .fini = teardown);

/* Adjudicate a batch of the given hospital whose claims are `claims`;
 * returns the remittance (malloc'ed) and the exit status in *rc. */
static char *
batch(const char *hospital, const char *id, const char *claims, int *rc, char **err)
{
	char name[64], path[4300], out[4300];
	snprintf(name, sizeof name, "b%d.xml", ++nbatch);
	snprintf(path, sizeof path, "%s/%s", tmp, name);
	snprintf(out, sizeof out, "%s/r%d.xml", tmp, nbatch);
	size_t n = strlen(claims) + 512;
	char *text = malloc(n);
	snprintf(text, n,
	         "<?xml version=\"1.0\"?>\n<batch xmlns=\"urn:adjudicator:batch:1\" id=\"%s\" hospital=\"%s\" "
	         "created=\"2005-06-01T00:00:00\">\n%s</batch>\n",
	         id, hospital, claims);
	t_write(tmp, name, text);
	free(text);
	*rc = t_run(NULL, err, (const char *const[]){BIN, "adjudicate", path, "--db", db, "-o", out, NULL});
	return t_read(out, NULL);
}

static char *
ok(const char *hospital, const char *id, const char *claims)
{
	int rc;
	char *err;
	char *r = batch(hospital, id, claims, &rc, &err);
	cr_assert_eq(rc, 0, "%s: %s", id, err);
	free(err);
	return r;
}

/* The status and C reason of claim `id` in a remittance, as "status/Cnn". */
static void
claim_result(const char *xml, const char *id, char *out, size_t n)
{
	char key[128];
	snprintf(key, sizeof key, "<claim id=\"%s\"", id);
	const char *c = strstr(xml, key);
	cr_assert_not_null(c, "claim %s not in the remittance", id);
	char status[32] = "", code[8] = "";
	const char *s = strstr(c, "status=\"");
	sscanf(s + 8, "%31[^\"]", status);
	const char *r = strstr(c, "<reason code=\"");
	const char *next = strstr(c + 1, "<claim ");
	if (r && (!next || r < next))
		sscanf(r + 14, "%7[^\"]", code);
	snprintf(out, n, "%s/%s", status, code);
}

static void
expect_claim(const char *xml, const char *id, const char *want)
{
	char got[64];
	claim_result(xml, id, got, sizeof got);
	cr_expect_str_eq(got, want, "claim %s: %s, want %s", id, got, want);
}

static const char *
acc(const char *member, const char *grp)
{
	static char buf[256];
	sqlite3 *s;
	sqlite3_stmt *st;
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT printf('%%d %%d %%d %%d %%d %%d', claims, ded, pos, pool, relief, assist) FROM accumulator "
	         "WHERE member = '%s' AND year = 2005 AND grp = '%s'",
	         member, grp);
	cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK);
	snprintf(buf, sizeof buf, "%s", sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : "none");
	sqlite3_finalize(st);
	sqlite3_close(s);
	return buf;
}

static int64_t
hospital_pool(const char *h)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT pool FROM hospital_year WHERE hospital = '%s' AND year = 2005", h);
	cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	sqlite3_close(s);
	return v;
}

#define STAY(id, extra, member, a, d, qty)                                                          \
	"<claim id=\"" id "\" type=\"inpatient\"" extra "><member id=\"" member "\"/>"                \
	"<stay admitted=\"" a "\" discharged=\"" d "\"/><diagnosis code=\"C83.300\" primary=\"true\"/>" \
	"<item seq=\"1\" code=\"XL01XCL020B001010100555\" date=\"" a "\" qty=\"" qty "\" "            \
	"price=\"20000.00\" amount=\"%AMOUNT%\"/></claim>\n"

/* Substitute the amount for qty (a whole or half) of 20000.00. */
static char *
stay(const char *tmpl, const char *amount)
{
	char *out = malloc(strlen(tmpl) + 64);
	const char *p = strstr(tmpl, "%AMOUNT%");
	sprintf(out, "%.*s%s%s", (int)(p - tmpl), tmpl, amount, p + 8);
	return out;
}

Test(integrity, a_member_walked_through_admission_replacement_void_and_a_new_admission)
{
	/* 1. admission: E = 20000.00, first deductible 1300, X = 18700:
	 *    10000 @85% = 8500 + 8700 @90% = 7830: pool 16330, coins 2370;
	 *    assistance 50% of 1300 + 2370 = 1835 */
	char *c = stay(STAY("ZY1", "", M1, "2005-02-01", "2005-02-10", "1"), "20000.00");
	char *r = ok("H12010300017", "W1", c);
	free(c);
	expect_claim(r, "ZY1", "accepted/A01");
	cr_expect_str_eq(acc(M1, "inpatient"), "1 130000 1870000 1633000 0 183500");
	cr_expect_eq(hospital_pool("H12010300017"), 1633000);
	free(r);

	/* 2. its replacement with half the cost: the original's changes are
	 *    reversed, the replacement keeps the first deductible: E = 10000,
	 *    d = 1300, X = 8700 @85% = 7395, coins 1305; assistance 1302.50 */
	c = stay(STAY("ZY1", " replaces=\"ZY1\"", M1, "2005-02-01", "2005-02-10", "0.5"), "10000.00");
	r = ok("H12010300017", "W2", c);
	free(c);
	expect_claim(r, "ZY1", "accepted/A01");
	cr_expect_str_eq(acc(M1, "inpatient"), "1 130000 870000 739500 0 130250");
	cr_expect_eq(hospital_pool("H12010300017"), 739500);
	free(r);

	/* 3. a void of the replacement: everything back to zero */
	r = ok("H12010300017", "W3", "<claim id=\"ZY1-V\" type=\"inpatient\" voids=\"ZY1\"><member id=\"" M1 "\"/></claim>\n");
	expect_claim(r, "ZY1-V", "voided/");
	cr_expect(strstr(r, "voids=\"ZY1\"") != NULL);
	cr_expect(strstr(r, "<amounts billed=\"10000.00\"") != NULL, "the voided claim's amounts as remitted");
	cr_expect_str_eq(acc(M1, "inpatient"), "0 0 0 0 0 0");
	cr_expect_eq(hospital_pool("H12010300017"), 0);
	free(r);

	/* 4. voiding twice is C09; replacing the voided claim is C09 */
	r = ok("H12010300017", "W4",
	       "<claim id=\"ZY1-V2\" type=\"inpatient\" voids=\"ZY1\"><member id=\"" M1 "\"/></claim>\n");
	expect_claim(r, "ZY1-V2", "rejected/C09");
	free(r);

	/* 5. a new admission after the void pays the first deductible again
	 *    (claims is back to 0), and its stay may overlap the voided one */
	c = stay(STAY("ZY2", "", M1, "2005-02-05", "2005-02-12", "1"), "20000.00");
	r = ok("H12010300017", "W5", c);
	free(c);
	expect_claim(r, "ZY2", "accepted/A01");
	cr_expect_str_eq(acc(M1, "inpatient"), "1 130000 1870000 1633000 0 183500");
	free(r);

	/* who voided what is recorded */
	sqlite3 *s;
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(s, "SELECT group_concat(a.claim_id || '>' || b.claim_id || '/' || b.kind, ' ') FROM claim a JOIN claim b ON b.id = a.voided_by", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 0), "ZY1>ZY1/replacement ZY1>ZY1-V/void");
	sqlite3_finalize(st);
	sqlite3_close(s);
}

Test(integrity, duplicate_ids_and_overlapping_stays_hold_across_batches_and_hospitals)
{
	char *c = stay(STAY("ZY10", "", M1, "2005-03-01", "2005-03-10", "0.1"), "2000.00");
	char *r = ok("H12010300017", "D1", c);
	free(c);
	free(r);
	/* the same id at the same hospital, a later batch: C07 (not recorded) */
	c = stay(STAY("ZY10", "", M1, "2005-04-01", "2005-04-03", "0.1"), "2000.00");
	r = ok("H12010300017", "D2", c);
	free(c);
	expect_claim(r, "ZY10", "rejected/C07");
	free(r);
	/* the same id at another hospital is another claim; its stay overlaps
	 * the first one (any hospital): C08 */
	c = stay(STAY("ZY10", "", M1, "2005-03-09", "2005-03-12", "0.1"), "2000.00");
	r = ok("H12011000033", "D3", c);
	free(c);
	expect_claim(r, "ZY10", "rejected/C08");
	free(r);
	/* admitted on the day of the first discharge: no overlap ([a, d) half-open) */
	c = stay(STAY("ZY11", "", M1, "2005-03-10", "2005-03-12", "0.1"), "2000.00");
	r = ok("H12011000033", "D4", c);
	free(c);
	expect_claim(r, "ZY11", "accepted/A01");
	free(r);
	/* a batch id already adjudicated for the hospital: B04 with its date */
	int rc;
	char *err;
	r = batch("H12010300017", "D1", "", &rc, &err);
	cr_expect_eq(rc, 65);
	cr_expect(strstr(err, "B04: batch D1 of hospital H12010300017 was already adjudicated on 2005-06-28") != NULL, "%s", err);
	free(err);
	free(r);
	/* the same batch id from another hospital is fine */
	r = ok("H12011000033", "D1", "");
	free(r);
}

Test(integrity, a_replacement_of_a_rejected_claim_works_as_a_fresh_claim)
{
	/* rejected: the member is in arrears (C05); the replacement names
	 * another member, which a rejected original allows */
	char *c = stay(STAY("ZY20", "", "120102194007202021", "2005-03-01", "2005-03-05", "0.1"), "2000.00");
	char *r = ok("H12010300017", "F1", c);
	free(c);
	expect_claim(r, "ZY20", "rejected/C05");
	free(r);
	c = stay(STAY("ZY20R", " replaces=\"ZY20\"", M1, "2005-03-01", "2005-03-05", "0.1"), "2000.00");
	r = ok("H12010300017", "F2", c);
	free(c);
	expect_claim(r, "ZY20R", "accepted/A01");
	/* a first admission for M1: the usual first deductible (1300 of 2000) */
	cr_expect(strstr(r, "deductible=\"1300.00\"") != NULL);
	cr_expect_str_eq(acc(M1, "inpatient"), "1 130000 70000 59500 0 70250");
	free(r);
	/* the rejected original is voided by the replacement: its id is free */
	c = stay(STAY("ZY20", "", M1, "2005-05-01", "2005-05-02", "0.1"), "2000.00");
	r = ok("H12010300017", "F3", c);
	free(c);
	expect_claim(r, "ZY20", "accepted/A01");
	free(r);
}

/* A replacement rejected after it voided its original (C12: every line
 * rejected) is rolled back: the original stays live and the member's
 * accumulators, changed by an earlier claim of the same batch that is still
 * only in the engine's cache, come out as if the replacement never came. */
Test(integrity, a_replacement_rejected_after_the_void_is_undone_with_the_batch_cache)
{
	char *c = stay(STAY("ZY30", "", M1, "2005-02-01", "2005-02-05", "0.1"), "2000.00");
	char *r = ok("H12010300017", "U1", c);
	free(c);
	expect_claim(r, "ZY30", "accepted/A01");
	free(r);
	const char *const after_one = "1 130000 70000 59500 0 70250";
	cr_expect_str_eq(acc(M1, "inpatient"), after_one);

	char *c1 = stay(STAY("ZY31", "", M1, "2005-03-01", "2005-03-05", "0.1"), "2000.00");
	char *c3 = stay(STAY("ZY32", "", M1, "2005-04-01", "2005-04-05", "0.1"), "2000.00");
	const char *bad = "<claim id=\"ZY30\" type=\"inpatient\" replaces=\"ZY30\"><member id=\"" M1 "\"/>"
	                  "<stay admitted=\"2005-02-01\" discharged=\"2005-02-05\"/>"
	                  "<diagnosis code=\"C83.300\" primary=\"true\"/>"
	                  "<item seq=\"1\" code=\"NOSUCHCODE0001\" date=\"2005-02-01\" qty=\"1\" "
	                  "price=\"100.00\" amount=\"100.00\"/></claim>\n";
	size_t n = strlen(c1) + strlen(bad) + strlen(c3) + 1;
	char *all = malloc(n);
	snprintf(all, n, "%s%s%s", c1, bad, c3);
	r = ok("H12010300017", "U2", all);
	free(all), free(c1), free(c3);
	expect_claim(r, "ZY31", "accepted/A01");
	expect_claim(r, "ZY32", "accepted/A01");
	const char *rep = strstr(r, "<claim id=\"ZY30\"");
	cr_assert_not_null(rep);
	cr_expect(strstr(rep, "status=\"rejected\"") != NULL && strstr(rep, "code=\"C12\"") != NULL,
	          "%.300s", rep);
	/* the figures of the same two batches without the replacement (and of
	 * the engine that wrote its cache out at every savepoint): three claims
	 * counted, two deductibles of 1300, X = 700 + 700 + 2000 = 3400 at 85%
	 * = 2890.00 from the pool; the rolled-back replacement changed nothing */
	cr_expect_str_eq(acc(M1, "inpatient"), "3 260000 340000 289000 0 155500");
	cr_expect_eq(hospital_pool("H12010300017"), 289000);
	sqlite3 *s;
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(s, "SELECT count(*) FROM claim WHERE claim_id = 'ZY30' AND voided_by IS NULL AND recorded", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(st, 0), 1, "the original is live");
	sqlite3_finalize(st);
	sqlite3_close(s);
	free(r);
}
