/*
 * test_batch.c - a batch is recorded whole or not at all (SPEC 5, 7):
 * refusal after many good claims, --dry-run, an existing -o file, and a
 * process killed in the middle of a batch.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define BIN ADJUDICATOR_BIN
#define CATALOG TEST_DATA_DIR "/catalog_e2e"

extern char **environ;

static char *tmp, db[4200];

static void
setup(void)
{
	tmp = t_tempdir();
	snprintf(db, sizeof db, "%s/b.db", tmp);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", CATALOG, "--db", db, NULL}), 0);
	setenv("SOURCE_DATE_EPOCH", "86400", 1);
}

static void
teardown(void)
{
	t_rmtree(tmp);
	free(tmp);
}

TestSuite(batch, .init = setup, .fini = teardown);

/* Write a batch of n outpatient claims (every 7th with a problem) to
 * tmp/name; `tail` is written before </batch> (e.g. broken XML). */
static char *
write_batch(const char *name, const char *id, int n, const char *tail)
{
	static const char *const members[] = {"12010419521208341X", "120104195503153019",
	                                      "12010319650808505X", "120101197511117077"};
	char *path = malloc(4300);
	snprintf(path, 4300, "%s/%s", tmp, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	           "<batch xmlns=\"urn:adjudicator:batch:1\" id=\"%s\" hospital=\"H12010300017\" "
	           "created=\"2005-12-01T08:00:00\">\n", id);
	for (int i = 0; i < n; i++) {
		int day = 1 + i % 28, month = 1 + (i / 28) % 11;
		fprintf(f,
		        "  <claim id=\"MZ%07d\" type=\"outpatient\">\n"
		        "    <member id=\"%s\"/>\n"
		        "    <visit date=\"2005-%02d-%02d\"/>\n"
		        "    <diagnosis code=\"I10.x00\" primary=\"true\"/>\n"
		        "    <item seq=\"1\" code=\"XA01ABD075A002010100483\" date=\"2005-%02d-%02d\" qty=\"%d\" "
		        "price=\"12.50\" amount=\"%d.%02d\"/>\n"
		        "    <item seq=\"2\" code=\"%s\" date=\"2005-%02d-%02d\" qty=\"1\" price=\"30.00\" amount=\"30.00\"/>\n"
		        "  </claim>\n",
		        i, members[i % 4], month, day, month, day, 1 + i % 6, (1 + i % 6) * 1250 / 100,
		        (1 + i % 6) * 1250 % 100, i % 7 == 3 ? "XA11AAK001D001010100333" : "002500000200000",
		        month, day);
	}
	fputs(tail, f);
	fputs("</batch>\n", f);
	fclose(f);
	return path;
}

static unsigned long long
db_state(void)
{
	return t_db_sum(db);
}

static char *
text_of(const char *sql)
{
	return t_db_text(db, sql);
}

static long
count(const char *sql)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	long v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(s);
	return v;
}

Test(batch, a_syntax_error_after_10000_good_claims_refuses_all_and_changes_nothing, .timeout = 300)
{
	char *good = write_batch("good.xml", "G1", 50, "");
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", good, "--db", db, "-o", "/dev/null", NULL}), 0);
	unsigned long long before = db_state();
	char *bad = write_batch("bad.xml", "B1", 10000, "  <claim id=\"broken\" type=\"outpatient\"><member id=\"x\"></claim>\n");
	char out[4300], *err;
	snprintf(out, sizeof out, "%s/r.xml", tmp);
	int rc = t_run(NULL, &err, (const char *const[]){BIN, "adjudicate", bad, "--db", db, "-o", out, NULL});
	cr_expect_eq(rc, 65);
	cr_expect(strstr(err, "bad.xml:70003:") != NULL, "the message names the line: %s", err);
	cr_expect(strstr(err, "B01") != NULL, "%s", err);
	cr_expect_eq(access(out, F_OK), -1, "a refused batch writes no remittance");
	cr_expect_eq(db_state(), before, "the database changed");
	cr_expect_eq(count("SELECT count(*) FROM batch"), 1);
	free(err);
	free(good);
	free(bad);
}

/* The remittance is written by a thread of its own while claims are
 * adjudicated: a write that fails there (here the file-size limit, EFBIG)
 * still stops the batch with exit 74 and the reason, and leaves no
 * remittance, no temporary file and the ledger as it was. */
Test(batch, a_remittance_write_failing_midway_stops_the_batch_and_records_nothing, .timeout = 300)
{
	char *b = write_batch("big.xml", "F1", 10000, "");
	unsigned long long before = db_state();
	char out[4300], *err;
	snprintf(out, sizeof out, "%s/out/r.xml", tmp);
	char dir[4300];
	snprintf(dir, sizeof dir, "%s/out", tmp);
	cr_assert_eq(mkdir(dir, 0755), 0);
	struct rlimit old, lim;
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 2u << 20; /* the remittance of 10,000 claims is about 8 MB */
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	int rc = t_run(NULL, &err, (const char *const[]){BIN, "adjudicate", b, "--db", db, "-o", out, NULL});
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	cr_expect_eq(rc, 74, "exit %d: %s", rc, err);
	cr_expect(strstr(err, "cannot write the remittance: File too large") != NULL, "%s", err);
	cr_expect_eq(access(out, F_OK), -1, "no remittance");
	DIR *d = opendir(dir);
	cr_assert_not_null(d);
	int files = 0;
	for (struct dirent *e; (e = readdir(d));)
		files += e->d_name[0] != '.';
	closedir(d);
	cr_expect_eq(files, 0, "no temporary file is left");
	cr_expect_eq(db_state(), before, "the database changed");
	cr_expect_eq(count("SELECT count(*) FROM batch"), 0);
	free(err);
	free(b);
}

/* Run argv with the file-size limit at `limit` bytes (SIGXFSZ ignored, so a
 * write past it fails with EFBIG). */
static int
run_limited(rlim_t limit, char **err, const char *const *argv)
{
	struct rlimit old, lim;
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = limit;
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	int rc = t_run(NULL, err, argv);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	return rc;
}

/* A write failing in the last buffers, found by the writer thread only when
 * the remittance is closed, still names its cause; so does a failed
 * re-emission. */
Test(batch, a_remittance_write_failing_at_the_end_names_the_cause, .timeout = 300)
{
	char *b = write_batch("late.xml", "L1", 10000, "");
	char out[4300], *err = NULL;
	snprintf(out, sizeof out, "%s/late-dry.xml", tmp);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", b, "--db", db, "-o", out, "--dry-run", NULL}), 0);
	size_t size = 0;
	free(t_read(out, &size));
	cr_assert(size > (1u << 20), "remittance of %zu bytes", size);
	unsigned long long before = db_state();
	snprintf(out, sizeof out, "%s/remit-late.xml", tmp);
	int rc = run_limited(size - 512, &err, (const char *const[]){BIN, "adjudicate", b, "--db", db, "-o", out, NULL});
	cr_expect_eq(rc, 74, "exit %d: %s", rc, err);
	cr_expect(strstr(err, "remit-late.xml: cannot write the remittance: File too large") != NULL, "%s", err);
	cr_expect_eq(access(out, F_OK), -1, "no remittance");
	cr_expect_eq(db_state(), before, "the database changed");
	free(err);
	err = NULL;
	/* recorded for real, then re-emitted into too small a file */
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", b, "--db", db, "-o", out, NULL}), 0);
	char again[4300];
	snprintf(again, sizeof again, "%s/again.xml", tmp);
	rc = run_limited(size / 2, &err, (const char *const[]){BIN, "remittance", "L1", "--db", db, "-o", again, NULL});
	cr_expect_eq(rc, 74, "exit %d: %s", rc, err);
	cr_expect(strstr(err, "again.xml: cannot write the remittance: File too large") != NULL, "%s", err);
	cr_expect_eq(access(again, F_OK), -1, "no re-emitted remittance");
	free(err);
	free(b);
}

Test(batch, dry_run_writes_the_remittance_and_records_nothing)
{
	char *b = write_batch("b.xml", "D1", 30, "");
	unsigned long long before = db_state();
	char out[4300], out2[4300];
	snprintf(out, sizeof out, "%s/dry.xml", tmp);
	snprintf(out2, sizeof out2, "%s/real.xml", tmp);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", b, "--db", db, "-o", out, "--dry-run", NULL}), 0);
	cr_expect_eq(db_state(), before);
	cr_expect_eq(count("SELECT count(*) FROM batch"), 0);
	/* the same batch for real gives the same remittance, and now records */
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", b, "--db", db, "-o", out2, NULL}), 0);
	cr_expect_eq(t_file_sum(out), t_file_sum(out2));
	cr_expect_eq(count("SELECT count(*) FROM claim"), 30);
	free(b);
}

Test(batch, an_existing_output_file_is_left_as_it_was_when_the_batch_is_refused)
{
	char *b = write_batch("b.xml", "E1", 3, "<oops/>\n");
	t_write(tmp, "keep.xml", "precious\n");
	char out[4300];
	snprintf(out, sizeof out, "%s/keep.xml", tmp);
	cr_expect_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", b, "--db", db, "-o", out, NULL}), 65);
	char *text = t_read(out, NULL);
	cr_expect_str_eq(text, "precious\n");
	free(text);
	free(b);
}

Test(batch, the_remittance_totals_equal_the_sums_of_its_claims)
{
	char *b = write_batch("b.xml", "T1", 200, "");
	char out[4300];
	snprintf(out, sizeof out, "%s/t.xml", tmp);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", b, "--db", db, "-o", out, NULL}), 0);
	cr_expect_eq(count("SELECT count(*) FROM claim"), 200);
	/* the identity on every recorded claim */
	cr_expect_eq(count("SELECT count(*) FROM claim WHERE billed != rejected + patient + pool + "
	                   "relief + assistance + hospital_variance"), 0);
	cr_expect_eq(count("SELECT count(*) FROM claim c WHERE billed != (SELECT sum(billed) FROM line "
	                   "WHERE claim = c.id) OR in_policy != (SELECT sum(in_policy) FROM line WHERE "
	                   "claim = c.id)"), 0);
	cr_expect_eq(count("SELECT count(*) FROM line WHERE billed != rejected + self_pay + over_cap + "
	                   "first_pay + in_policy"), 0);
	/* every 7th claim has an X item: adjusted, the rest accepted */
	cr_expect_eq(count("SELECT count(*) FROM claim WHERE status = 'adjusted'"), 29);
	char *text = t_read(out, NULL);
	cr_expect(strstr(text, "<counts claims=\"200\" accepted=\"171\" adjusted=\"29\" rejected=\"0\" voided=\"0\"/>") != NULL);
	free(text);
	free(b);
}

/* Start the command in the background; return its pid. */
static pid_t
spawn(const char *const *argv)
{
	pid_t pid;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	char *args[16];
	size_t n = 0;
	for (; argv[n]; n++)
		args[n] = (char *)(uintptr_t)argv[n];
	args[n] = NULL;
	cr_assert_eq(posix_spawn(&pid, argv[0], &fa, NULL, args, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

/* Files in tmp whose name starts with prefix. */
static int
files_named_like(const char *prefix)
{
	DIR *d = opendir(tmp);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

Test(batch, killing_the_process_mid_batch_leaves_no_trace_and_a_rerun_matches, .timeout = 300)
{
	char *b = write_batch("big.xml", "K1", 20000, "");
	char out[4300], ref[4300], refdb[4300];
	snprintf(out, sizeof out, "%s/k.xml", tmp);
	snprintf(ref, sizeof ref, "%s/ref.xml", tmp);
	/* the uninterrupted run, on a database of its own */
	snprintf(refdb, sizeof refdb, "%s/ref.db", tmp);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", refdb, NULL}), 0);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", CATALOG, "--db", refdb, NULL}), 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", b, "--db", refdb, "-o", ref, NULL}), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long full_us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;

	unsigned long long before = db_state();
	int killed = 0;
	for (int k = 1; k <= 5; k++) {
		pid_t pid = spawn((const char *const[]){BIN, "adjudicate", b, "--db", db, "-o", out, NULL});
		usleep((useconds_t)(full_us * k / 12)); /* at most 5/12 of the way */
		if (kill(pid, SIGKILL) == 0)
			killed++;
		int status;
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			break; /* finished before the kill: nothing left to test */
		cr_expect_eq(db_state(), before, "kill %d left a trace", k);
		cr_expect_eq(count("SELECT count(*) FROM batch"), 0);
		char *ic = text_of("PRAGMA integrity_check");
		cr_expect_str_eq(ic, "ok");
		free(ic);
		cr_expect_eq(access(out, F_OK), -1, "a killed run left a remittance");
		cr_expect_eq(files_named_like("k.xml"), 0, "a killed run left a temporary file");
	}
	cr_expect_gt(killed, 0);
	char *err;
	int rc = t_run(NULL, &err, (const char *const[]){BIN, "adjudicate", b, "--db", db, "-o", out, NULL});
	cr_assert_eq(rc, 0, "rerun: exit %d: %s", rc, err);
	free(err);
	cr_expect_eq(t_file_sum(out), t_file_sum(ref), "the rerun differs from the uninterrupted run");
	free(b);
}

/* The identities of SPEC 5.2 and 5.4 on every claim and line of a generated
 * batch with a 20% share of problems of every kind (bench/identities.sh
 * runs the same checks on 100,000 claims). */
Test(batch, identities_hold_on_every_claim_of_a_generated_batch, .timeout = 300)
{
	char batch[4300], out[4300];
	snprintf(batch, sizeof batch, "%s/gen.xml", tmp);
	snprintf(out, sizeof out, "%s/gen-r.xml", tmp);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", SOURCE_ROOT "/catalogs", "--db", db, NULL}), 0);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){GEN_BATCH_BIN, "--catalog", SOURCE_ROOT "/catalogs",
	                                                     "--hospital", "H12010400002", "--claims", "3000",
	                                                     "--problems", "20", "--seed", "11", "-o", batch, NULL}), 0);
	char *err;
	int rc = t_run(NULL, &err, (const char *const[]){BIN, "adjudicate", batch, "--db", db, "-o", out, NULL});
	cr_assert_eq(rc, 0, "%s", err);
	free(err);
	cr_expect_eq(count("SELECT count(*) FROM claim"), 3000);
	cr_expect_eq(count("SELECT count(*) FROM line WHERE billed != rejected + self_pay + over_cap + first_pay + in_policy"), 0);
	cr_expect_eq(count("SELECT count(*) FROM claim WHERE billed != rejected + patient + pool + relief + assistance + hospital_variance"), 0);
	cr_expect_eq(count("SELECT count(*) FROM claim c JOIN (SELECT claim, sum(billed) b, sum(in_policy) i, sum(self_pay) s FROM line GROUP BY claim) l ON l.claim = c.id WHERE c.kind != 'void' AND (c.billed != l.b OR c.in_policy != l.i OR c.self_pay != l.s)"), 0);
	cr_expect_eq(count("SELECT count(*) FROM claim WHERE counted AND deductible + coinsurance + pool + over_pool != in_policy - hospital_variance"), 0);
	cr_expect_eq(count("SELECT count(*) FROM claim WHERE counted AND patient != self_pay + over_cap + first_pay + deductible + coinsurance + over_pool - relief - assistance"), 0);
	cr_expect_eq(count("SELECT count(*) FROM claim WHERE status = 'rejected' AND (rejected != billed OR pool + relief + assistance + withheld != 0)"), 0);
	/* every kind of outcome occurred */
	cr_expect_gt(count("SELECT count(*) FROM claim WHERE status = 'rejected'"), 100);
	cr_expect_gt(count("SELECT count(*) FROM claim WHERE status = 'voided'"), 10);
	cr_expect_gt(count("SELECT count(*) FROM (SELECT code FROM reason UNION SELECT reason FROM claim WHERE reason IS NOT NULL)"), 30);
	/* the hospital's pool total is the sum of its claims not voided */
	cr_expect_eq(count("SELECT count(*) FROM hospital_year h WHERE pool != (SELECT coalesce(sum(pool), 0) FROM claim c WHERE c.hospital = h.hospital AND c.year = h.year AND c.voided_by IS NULL AND c.kind != 'void' AND c.recorded)"), 0);
	/* every accumulator is the sum of its member's counted claims not voided */
	cr_expect_eq(count("SELECT count(*) FROM accumulator a WHERE pool != (SELECT coalesce(sum(pool), 0) FROM claim c WHERE c.member = a.member AND c.scheme = a.scheme AND c.year = a.year AND c.grp = a.grp AND c.counted AND c.voided_by IS NULL) OR claims != (SELECT count(*) FROM claim c WHERE c.member = a.member AND c.scheme = a.scheme AND c.year = a.year AND c.grp = a.grp AND c.counted AND c.voided_by IS NULL)"), 0);
}

/* The ledger reserves room for a line from the intake's bound alone
 * (4,096 bytes a value, each byte up to 6 in JSON): a C01 claim's line
 * whose seq, code and date are 4,096 tabs each, the most room a line can
 * take, is recorded whole (AddressSanitizer watches the buffer). */
Test(batch, a_line_of_the_longest_values_to_escape_is_recorded_whole)
{
	size_t big = 3 * 4096 * 4 + 4096;
	char *xml = malloc(big);
	char *tabs = malloc(4096 * 4 + 1); /* 4,096 character references to a tab */
	cr_assert(xml && tabs);
	for (int i = 0; i < 4096; i++)
		memcpy(tabs + 4 * i, "&#9;", 4);
	tabs[4096 * 4] = '\0';
	snprintf(xml, big,
	         "<batch xmlns=\"urn:adjudicator:batch:1\" id=\"T1\" hospital=\"H12010300017\" "
	         "created=\"2005-12-01T08:00:00\">\n"
	         "  <claim id=\"MZ1\" type=\"outpatient\"><member id=\"12010419521208341X\"/>"
	         "<visit date=\"2005-03-01\"/><diagnosis code=\"I10.x00\" primary=\"true\"/>"
	         "<item seq=\"%s\" code=\"%s\" date=\"%s\" qty=\"1\" price=\"1.00\" amount=\"1.00\"/>"
	         "</claim>\n</batch>\n",
	         tabs, tabs, tabs);
	t_write(tmp, "tabs.xml", xml);
	char in[4300], out[4300];
	snprintf(in, sizeof in, "%s/tabs.xml", tmp);
	snprintf(out, sizeof out, "%s/tabs-r.xml", tmp);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", in, "--db", db, "-o", out, NULL}), 0);
	cr_expect_eq(count("SELECT count(*) FROM claim WHERE status = 'rejected' AND reason = 'C01'"), 1);
	cr_expect_eq(count("SELECT length(seq) FROM line"), 4096);
	cr_expect_eq(count("SELECT length(code) FROM line"), 4096);
	cr_expect_eq(count("SELECT length(date) FROM line"), 4096);
	cr_expect_eq(count("SELECT replace(seq, char(9), '') = '' AND code = seq AND date = seq FROM line"), 1);
	free(xml);
	free(tabs);
}

/* Fuzz finding (tests/fuzz/regressions/batch/echo-amp-batch-id.xml): libxml2
 * hands an attribute's '&' over as "&#38;"; ids come back as written. */
Test(batch, an_ampersand_in_an_id_comes_back_as_written)
{
	t_write(tmp, "amp.xml",
	        "<batch xmlns=\"urn:adjudicator:batch:1\" id=\"A&amp;B&amp;#38;C\" "
	        "hospital=\"H12010300017\" created=\"2005-12-01T08:00:00\">\n"
	        "  <claim id=\"MZ&#38;1\" type=\"outpatient\"><member id=\"12010419521208341X\"/>"
	        "<visit date=\"2005-03-01\"/><diagnosis code=\"I10.x00\" primary=\"true\"/>"
	        "<item seq=\"1\" code=\"XA01ABD075A002010100483\" date=\"2005-03-01\" qty=\"1\" "
	        "price=\"12.50\" amount=\"12.50\"/>"
	        "<item seq=\"2\" code=\"AB&amp;C&amp;#38;D\" date=\"2005-03-01\" qty=\"1\" "
	        "price=\"1.00\" amount=\"1.00\"/></claim>\n"
	        "</batch>\n");
	char in[4300], out[4300];
	snprintf(in, sizeof in, "%s/amp.xml", tmp);
	snprintf(out, sizeof out, "%s/amp-r.xml", tmp);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", in, "--db", db, "-o", out, NULL}), 0);
	char *r = t_read(out, NULL);
	cr_expect(strstr(r, " batch=\"A&amp;B&amp;#38;C\" ") != NULL, "%s", r);
	cr_expect(strstr(r, "<claim id=\"MZ&amp;1\" ") != NULL, "%s", r);
	/* an item's values take the same path as every other attribute's: the
	 * second item's code is not an item code (L01, its value as written) */
	cr_expect(strstr(r, "code=\"L01\"") != NULL && strstr(r, "value=\"AB&amp;C&amp;#38;D\"") != NULL,
	          "%s", r);
	char *bid = text_of("SELECT batch_id FROM batch");
	char *cid = text_of("SELECT claim_id FROM claim");
	char *code = text_of("SELECT code FROM line WHERE seq = '2'");
	cr_expect_str_eq(bid, "A&B&#38;C");
	cr_expect_str_eq(cid, "MZ&1");
	cr_expect_str_eq(code, "AB&C&#38;D");
	free(bid);
	free(cid);
	free(code);
	free(r);
}
