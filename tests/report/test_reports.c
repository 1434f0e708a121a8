/*
 * test_reports.c - the reports, settlement and cap derivation on a ledger
 * built from the end-to-end batches of tests/data/e2e/money (issue 4):
 * numbers checked against the remittances and the formulas of SPEC 5.5, CSV
 * and HTML formats, escaping, and (when Debian's chromium is installed) the
 * HTML as a real browser renders it.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define BIN ADJUDICATOR_BIN
#define MONEY TEST_DATA_DIR "/e2e/money/batches/"

static char *tmp, db[4200];

static void
adjudicate(const char *batch)
{
	char path[4300], *err;
	snprintf(path, sizeof path, "%s%s", MONEY, batch);
	int rc = t_run(NULL, &err, (const char *const[]){BIN, "adjudicate", path, "--db", db, "-o", "/dev/null", NULL});
	cr_assert(rc == 0 || rc == 65, "%s: %s", batch, err);
	free(err);
}

static void
setup(void)
{
	tmp = t_tempdir();
	snprintf(db, sizeof db, "%s/r.db", tmp);
	setenv("SOURCE_DATE_EPOCH", "0", 1);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", TEST_DATA_DIR "/catalog_e2e", "--db", db, NULL}), 0);
	adjudicate("01-pool-cap.xml");
	adjudicate("02-voids.xml");
	adjudicate("03-checks.xml");
	adjudicate("04-no-budget.xml");
}

static void
teardown(void)
{
	t_rmtree(tmp);
	free(tmp);
}

TestSuite(report, .init = setup, .fini = teardown);

static char *
run_ok(const char *const *argv)
{
	char *out, *err;
	int rc = t_run(&out, &err, argv);
	cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
	free(err);
	return out;
}

static int64_t
sql_int(const char *sql)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(s);
	return v;
}

/* Lines of a CSV text (after the byte-order mark) that contain all of the
 * given pieces. */
static int
lines_with(const char *csv, const char *a, const char *b)
{
	int n = 0;
	for (const char *p = csv; *p;) {
		const char *e = strstr(p, "\r\n");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char line[4096];
		snprintf(line, sizeof line, "%.*s", (int)(len < 4095 ? len : 4095), p);
		if (strstr(line, a) && (!b || strstr(line, b)))
			n++;
		p += len + (e ? 2 : 0);
	}
	return n;
}

Test(report, csv_is_utf8_with_a_byte_order_mark_one_header_and_crlf)
{
	char *csv = run_ok((const char *const[]){BIN, "report", "rejections", "--db", db, NULL});
	cr_expect_eq(memcmp(csv, "\xef\xbb\xbf", 3), 0, "no byte-order mark");
	cr_expect_eq(strncmp(csv + 3, "医院 hospital,医院名称 name,批次 batch,单据 claim,", 60 - 3 > 0 ? 20 : 20), 0);
	cr_expect(strstr(csv, "\r\n") != NULL);
	cr_expect_eq(lines_with(csv, "hospital,", NULL), 1, "one header row");
	free(csv);
}

Test(report, rejections_list_every_rejected_claim_and_adjusted_line)
{
	char *csv = run_ok((const char *const[]){BIN, "report", "rejections", "--db", db, NULL});
	/* rejected claims of the ledger, each once */
	int64_t rejected = sql_int("SELECT count(*) FROM claim WHERE status = 'rejected'");
	int64_t lines = sql_int("SELECT count(*) FROM reason r JOIN claim c ON c.id = r.claim WHERE r.code BETWEEN 'L01' AND 'L16' AND c.status != 'rejected'");
	int total = lines_with(csv, "H120", NULL);
	cr_expect_eq(total, rejected + lines, "%d rows, want %lld", total, (long long)(rejected + lines));
	/* a few rows to the fen */
	cr_expect_eq(lines_with(csv, ",C05,", ",12.50,"), 1);
	cr_expect_eq(lines_with(csv, ",C08,", "ZY2005030001 2005-03-01..2005-03-21"), 1);
	cr_expect_eq(lines_with(csv, ",LINES,", ",L06,"), 1);
	cr_expect_eq(lines_with(csv, ",12.50,L06,", NULL), 1); /* the part of seq 10 above max_daily */
	cr_expect_eq(lines_with(csv, ",LINES-2,", ",L15,"), 1);
	cr_expect_eq(lines_with(csv, ",13,", NULL) >= 0, 1);
	free(csv);
	/* filters */
	csv = run_ok((const char *const[]){BIN, "report", "rejections", "--db", db, "--batch", "B2005-02", NULL});
	cr_expect_eq(lines_with(csv, "H120", NULL), 5); /* the five rejected void/replacement requests */
	free(csv);
	csv = run_ok((const char *const[]){BIN, "report", "rejections", "--db", db, "--from", "2005-06-02", "--to", "2005-06-03", NULL});
	cr_expect_eq(lines_with(csv, "H120", NULL), 3); /* C11 twice, C12 */
	free(csv);
	csv = run_ok((const char *const[]){BIN, "report", "rejections", "--db", db, "--hospital", "H12011000033", NULL});
	cr_expect_eq(lines_with(csv, "H120", NULL), 1); /* L13 on the stent */
	cr_expect_eq(lines_with(csv, ",L13,", ",100.00,"), 1);
	free(csv);
}

Test(report, rejection_totals_equal_the_sums_of_the_remittances)
{
	char out[4300];
	snprintf(out, sizeof out, "%s/rej.html", tmp);
	char *o = run_ok((const char *const[]){BIN, "report", "rejections", "--db", db, "-o", out, NULL});
	free(o);
	char *html = t_read(out, NULL);
	cr_assert_not_null(html);
	cr_expect(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	/* the claims' rejected amounts of the remittances: C-rejected claims */
	int64_t fen = sql_int("SELECT sum(billed) FROM claim WHERE status = 'rejected'");
	int64_t lines = sql_int("SELECT sum(CASE WHEN r.code <= 'L06' THEN l.rejected ELSE l.self_pay END) FROM reason r JOIN claim c ON c.id = r.claim JOIN line l ON l.claim = r.claim AND l.ord = r.line WHERE r.code BETWEEN 'L01' AND 'L16' AND c.status != 'rejected'");
	char want[64];
	snprintf(want, sizeof want, "<td class=\"r\">%lld.%02lld</td>", (long long)(fen + lines) / 100,
	         (long long)(fen + lines) % 100);
	cr_expect(strstr(html, want) != NULL, "total %s not in the report", want);
	cr_expect(strstr(html, "<svg") != NULL, "no chart");
	cr_expect(strstr(html, "<script") == NULL, "a script in the page");
	free(html);
}

Test(report, budget_shows_the_pool_paid_by_month_and_the_projection)
{
	char *csv = run_ok((const char *const[]){BIN, "report", "budget", "--year", "2005", "--db", db, NULL});
	int64_t pool = sql_int("SELECT pool FROM hospital_year WHERE hospital = 'H12010300017' AND year = 2005");
	int64_t wh = sql_int("SELECT withheld FROM hospital_year WHERE hospital = 'H12010300017' AND year = 2005");
	/* batch 01: 80280.00; batch 02 replaces a 17730.00 claim by an 8100.00 one */
	cr_expect_eq(pool, 7065000);
	char row[256];
	/* budget 70000.00, B/12 = 5833.33, pool to date, 100.95% used, withheld */
	snprintf(row, sizeof row, "H12010300017,天津医科大学总医院,70000.00,5833.33,%lld.%02lld,100.93%%,%lld.%02lld,",
	         (long long)pool / 100, (long long)pool % 100, (long long)wh / 100, (long long)wh % 100);
	cr_expect_eq(lines_with(csv, row, NULL), 1, "want a row starting %s in\n%s", row, csv);
	cr_expect_eq(lines_with(csv, "H12011000033", "无预算 none (W01)"), 1);
	free(csv);
}

Test(report, settlement_follows_spec_5_5_to_the_fen_and_replaces_itself)
{
	char *csv = run_ok((const char *const[]){BIN, "settle", "--year", "2005", "--db", db, NULL});
	/* A = 70650.00, B = 70000.00: overrun 650.00; limit share(B, 10%) =
	 * 7000.00; fund share share(650.00, 60%) = 390.00; hospital 260.00 */
	cr_expect_eq(lines_with(csv, "H12010300017,天津医科大学总医院,2005,70000.00,70650.00,0.00,0.00,650.00,390.00,260.00,", NULL), 1, "%s", csv);
	cr_expect_eq(lines_with(csv, "H12011000033", "未结算 unsettled"), 1);
	free(csv);
	cr_expect_eq(sql_int("SELECT count(*) FROM settlement WHERE year = 2005"), 1);
	/* settling again records nothing twice and gives the same statement */
	char *again = run_ok((const char *const[]){BIN, "settle", "--year", "2005", "--db", db, NULL});
	cr_expect_eq(sql_int("SELECT count(*) FROM settlement WHERE year = 2005"), 1);
	cr_expect_eq(lines_with(again, "H12010300017,天津医科大学总医院,2005,70000.00,70650.00,", NULL), 1);
	free(again);
}

Test(report, cost_structure_splits_billed_amounts_by_class)
{
	char *csv = run_ok((const char *const[]){BIN, "report", "cost-structure", "--year", "2005", "--db", db, "--hospital", "H12011000033", NULL});
	/* the tier-1 batch: appendectomy 1000.00 labor, stent 100.00
	 * drug-material, amoxicillin 20.00 drug-material */
	cr_expect_eq(lines_with(csv, "H12011000033,和平区社区卫生服务中心,1120.00,0.00,0.00%,120.00,10.71%,1000.00,89.29%,0.00,", NULL), 1, "%s", csv);
	free(csv);
}

Test(report, a_hospital_whose_exam_and_drug_share_rose_is_flagged)
{
	t_write(tmp, "2006.xml",
	        "<?xml version=\"1.0\"?>\n"
	        "<batch xmlns=\"urn:adjudicator:batch:1\" id=\"Y2006\" hospital=\"H12011000033\" created=\"2006-02-01T08:00:00\">\n"
	        "  <claim id=\"MZ2006-1\" type=\"outpatient\"><member id=\"12010319650808505X\"/><visit date=\"2006-01-10\"/>\n"
	        "    <diagnosis code=\"I10.x00\" primary=\"true\"/>\n"
	        "    <item seq=\"1\" code=\"002400000100000\" date=\"2006-01-10\" qty=\"1\" price=\"300.00\" amount=\"300.00\"/>\n"
	        "    <item seq=\"2\" code=\"002500000200000\" date=\"2006-01-10\" qty=\"1\" price=\"100.00\" amount=\"100.00\"/>\n"
	        "  </claim>\n</batch>\n");
	char path[4300];
	snprintf(path, sizeof path, "%s/2006.xml", tmp);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", path, "--db", db, "-o", "/dev/null", NULL}), 0);
	char *csv = run_ok((const char *const[]){BIN, "report", "cost-structure", "--year", "2006", "--db", db, "--hospital", "H12011000033", NULL});
	/* 2006: exam 300 of 400 = 75.00%; 2005: 120 of 1120 = 10.71%: +64.29 points */
	cr_expect_eq(lines_with(csv, "H12011000033,", ",75.00%,10.71%,+64.29,是 yes"), 1, "%s", csv);
	free(csv);
}

Test(report, a_member_year_lists_each_claim_with_accumulators_after)
{
	char *csv = run_ok((const char *const[]){BIN, "report", "member", "12010419521208341X", "--year", "2005", "--db", db, NULL});
	/* the first admission: deductible 1300, pool 60000 reached, relief */
	cr_expect_eq(lines_with(csv, "ZY2005030001,H12010300017,inpatient", ",inpatient,1300.00,78730.00,60000.00,11446.81,4291.60"), 1, "%s", csv);
	/* the voided second admission is shown as voided */
	cr_expect_eq(lines_with(csv, "ZY2005050003", "accepted (voided)"), 1);
	free(csv);
	char *err;
	cr_expect_eq(t_run(NULL, &err, (const char *const[]){BIN, "report", "member", "120102197501019998", "--year", "2005", "--db", db, NULL}), 65);
	cr_expect(strstr(err, "not in the registry") != NULL);
	free(err);
}

Test(report, derive_caps_averages_last_years_allowed_prices_and_applies_them)
{
	char *csv = run_ok((const char *const[]){BIN, "catalog", "derive-caps", "--year", "2006", "--db", db, NULL});
	/* MRI: one line in 2005 at 900.00 allowed at the tier price 800.00 */
	cr_expect_eq(lines_with(csv, "002400000100000,磁共振成像MRI,500.00,800.00,1,1", NULL), 1, "%s", csv);
	/* bed fee: one line allowed at 40.00 */
	cr_expect_eq(lines_with(csv, "001100000100000,普通病房床位费,30.00,40.00,1,1", NULL), 1, "%s", csv);
	free(csv);
	/* --apply: the old row ends on 2005-12-31, a new row from 2006-01-01 */
	char dir[4300];
	snprintf(dir, sizeof dir, "%s/cat", tmp);
	cr_assert_eq(mkdir(dir, 0755), 0);
	t_copydir(TEST_DATA_DIR "/catalog_e2e", dir);
	char *o = run_ok((const char *const[]){BIN, "catalog", "derive-caps", "--year", "2006", "--db", db, "--apply", dir, NULL});
	free(o);
	char path[4400];
	snprintf(path, sizeof path, "%s/treatments.csv", dir);
	char *text = t_read(path, NULL);
	cr_expect(strstr(text, "002400000100000,磁共振成像MRI,exam,B,10,,600.00,800.00,500.00,1,,,,,,2004-01-01,2005-12-31\n") != NULL, "%s", text);
	cr_expect(strstr(text, "002400000100000,磁共振成像MRI,exam,B,10,,600.00,800.00,800.00,1,,,,,,2006-01-01,\n") != NULL, "%s", text);
	free(text);
	/* the result is a valid catalog */
	o = run_ok((const char *const[]){BIN, "catalog", "check", dir, NULL});
	free(o);
}

Test(report, html_escapes_names_so_markup_shows_as_text)
{
	char dir[4300];
	snprintf(dir, sizeof dir, "%s/cat", tmp);
	cr_assert_eq(mkdir(dir, 0755), 0);
	t_copydir(TEST_DATA_DIR "/catalog_e2e", dir);
	t_replace_line(dir, "hospitals.csv", "H12011000033",
	               "H12011000033,\"<script>alert('x')</script> & 医院\",1,*,2004-01-01,,global-budget,yes");
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", dir, "--db", db, NULL}), 0);
	char out[4300];
	snprintf(out, sizeof out, "%s/b.html", tmp);
	char *o = run_ok((const char *const[]){BIN, "report", "budget", "--year", "2005", "--db", db, "-o", out, NULL});
	free(o);
	char *html = t_read(out, NULL);
	cr_expect(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; 医院") != NULL);
	cr_expect(strstr(html, "<script") == NULL);
	free(html);
}

/* The HTML as Debian's chromium renders it (--dump-dom): the text a reader
 * sees holds the totals and the Chinese names. Skipped with a message when
 * chromium is not installed (./run test installs it). */
Test(report, a_real_browser_renders_the_totals_and_the_chinese_names, .timeout = 120)
{
	if (access("/usr/bin/chromium", X_OK) != 0) {
		cr_skip_test("chromium is not installed (apt-get install chromium)");
		return;
	}
	char out[4300], url[4400];
	snprintf(out, sizeof out, "%s/budget.html", tmp);
	char *o = run_ok((const char *const[]){BIN, "report", "budget", "--year", "2005", "--db", db, "-o", out, NULL});
	free(o);
	snprintf(url, sizeof url, "file://%s", out);
	char profile[4400];
	snprintf(profile, sizeof profile, "--user-data-dir=%s/chrome", tmp);
	char *dom, *err;
	int rc = t_run(&dom, &err, (const char *const[]){"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
	                                                 "--disable-quic", "--no-first-run", "--disable-background-networking",
	                                                 "--disable-component-update", "--disable-sync", profile,
	                                                 "--dump-dom", url, NULL});
	cr_assert_eq(rc, 0, "chromium: %s", err);
	cr_expect(strstr(dom, "天津医科大学总医院") != NULL, "no Chinese name in the DOM");
	cr_expect(strstr(dom, "70000.00") != NULL, "no budget total in the DOM");
	cr_expect(strstr(dom, "5833.33") != NULL, "no monthly prepayment in the DOM");
	cr_expect(strstr(dom, "<svg") != NULL, "no chart in the DOM");
	free(dom);
	free(err);
}

/* Sum of attribute `attr` of the claims' <amounts> in a remittance (the
 * totals' <amounts> left out), optionally only for claims of a status. */
static int64_t
remittance_sum(const char *xml, const char *attr, const char *status)
{
	int64_t sum = 0;
	char key[64], st[64];
	snprintf(key, sizeof key, " %s=\"", attr);
	snprintf(st, sizeof st, " status=\"%s\"", status ? status : "");
	for (const char *c = strstr(xml, "<claim "); c; c = strstr(c + 1, "<claim ")) {
		const char *end = strchr(c, '>');
		if (status && (!end || !strstr(c, st) || strstr(c, st) > end))
			continue;
		const char *a = strstr(c, "<amounts ");
		const char *v = a ? strstr(a, key) : NULL;
		if (!v)
			continue;
		v += strlen(key);
		long long y = 0, f = 0;
		sscanf(v, "%lld.%lld", &y, &f);
		sum += y * 100 + (y < 0 ? -f : f);
	}
	return sum;
}

/* The ledger of the sample batches (claims/samples): report totals equal
 * the sums of the remittances. */
Test(report, on_the_sample_ledger_report_totals_equal_the_remittances, .timeout = 300)
{
	char sdb[4300];
	snprintf(sdb, sizeof sdb, "%s/samples.db", tmp);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", sdb, NULL}), 0);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", SOURCE_ROOT "/catalogs", "--db", sdb, NULL}), 0);
	static const char *const batches[] = {"01-h12010300017-february", "02-h12010300017-march-line-checks",
	                                      "03-h12010300017-april-claim-checks", "08-h12010100201-over-budget"};
	int64_t rejected_billed = 0;
	char *b08 = NULL;
	for (size_t i = 0; i < 4; i++) {
		char in[4400], out[4400];
		snprintf(in, sizeof in, "%s/claims/samples/%s.xml", SOURCE_ROOT, batches[i]);
		snprintf(out, sizeof out, "%s/%s.xml", tmp, batches[i]);
		cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", in, "--db", sdb, "-o", out, NULL}), 0);
		char *xml = t_read(out, NULL);
		rejected_billed += remittance_sum(xml, "billed", "rejected");
		if (i == 3)
			b08 = xml;
		else
			free(xml);
	}
	/* rejections: the claim rows add up to the billed amounts of the
	 * rejected claims of the remittances */
	char *csv = run_ok((const char *const[]){BIN, "report", "rejections", "--db", sdb, NULL});
	int64_t claims_sum = 0;
	for (const char *p = csv; (p = strstr(p, "\r\n")) != NULL; p += 2) {
		/* claim rows have an empty item column: ",,," before the amount */
		const char *e = strstr(p + 2, "\r\n");
		if (!e)
			break;
		char line[2048];
		snprintf(line, sizeof line, "%.*s", (int)(e - p - 2 < 2047 ? e - p - 2 : 2047), p + 2);
		const char *c = strstr(line, ",,,");
		char *r = c ? strchr(line, ',') : NULL;
		if (!c || !r)
			continue;
		long long y = 0, f = 0;
		if (sscanf(c + 3, "%lld.%lld,C", &y, &f) == 2)
			claims_sum += y * 100 + f;
	}
	cr_expect_gt(rejected_billed, 0);
	cr_expect_eq(claims_sum, rejected_billed, "report %lld, remittances %lld", (long long)claims_sum,
	             (long long)rejected_billed);
	free(csv);
	/* budget: the pool to date of the over-budget hospital is the pool of
	 * its remittance, and its withheld amount too */
	csv = run_ok((const char *const[]){BIN, "report", "budget", "--year", "2005", "--db", sdb, "--hospital", "H12010100201", NULL});
	int64_t pool = remittance_sum(b08, "pool", NULL), wh = remittance_sum(b08, "withheld", NULL);
	char want[128];
	snprintf(want, sizeof want, ",50000.00,4166.66,%lld.%02lld,", (long long)pool / 100, (long long)pool % 100);
	cr_expect_eq(lines_with(csv, want, NULL), 1, "%s not in\n%s", want, csv);
	snprintf(want, sizeof want, ",%lld.%02lld,", (long long)wh / 100, (long long)wh % 100);
	cr_expect_eq(lines_with(csv, "H12010100201,", want), 1);
	cr_expect_gt(wh, 0);
	free(csv);
	free(b08);
}

/* Nothing to report is an empty report, not a crash: an empty ledger for
 * rejections, a year before any cap for derive-caps (both once passed NULL
 * to qsort, which the sanitizer build aborts on). */
Test(report, an_empty_ledger_and_a_year_without_caps_give_empty_reports)
{
	char edb[4300];
	snprintf(edb, sizeof edb, "%s/empty.db", tmp);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", edb, NULL}), 0);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", TEST_DATA_DIR "/catalog_e2e", "--db", edb, NULL}), 0);
	char *csv = run_ok((const char *const[]){BIN, "report", "rejections", "--db", edb, NULL});
	cr_expect_eq(lines_with(csv, ",", NULL), 1, "only the header: %s", csv);
	cr_expect(strstr(csv, "claim") != NULL);
	free(csv);
	csv = run_ok((const char *const[]){BIN, "catalog", "derive-caps", "--year", "1990", "--db", edb, NULL});
	cr_expect_str_eq(csv, "\xef\xbb\xbf" "code,name,old_cap,new_cap,lines,quantity\r\n");
	free(csv);
}
