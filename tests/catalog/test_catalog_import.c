/*
 * test_catalog_import.c - catalog versions in the database: whole or
 * nothing, re-import is a no-op, earlier versions stay (SPEC 4).
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_store.h"
#include "support.h"

#define MIN_DIR TEST_DATA_DIR "/catalog_min"
#define BAD_DIR TEST_DATA_DIR "/catalog_bad"

static char *tmp, *cat_dir, db_path[4200];
static adj_db *db;

static void
setup(void)
{
	char err[600];
	tmp = t_tempdir();
	cat_dir = malloc(4200);
	snprintf(cat_dir, 4200, "%s/cat", tmp);
	cr_assert_eq(mkdir(cat_dir, 0755), 0);
	t_copydir(MIN_DIR, cat_dir);
	snprintf(db_path, sizeof db_path, "%s/test.db", tmp);
	cr_assert_eq(adj_db_open(&db, db_path, ADJ_DB_CREATE, err, sizeof err), 0, "%s", err);
}

static void
teardown(void)
{
	adj_db_close(db);
	t_rmtree(tmp);
	free(tmp);
	free(cat_dir);
}

static int64_t
count(const char *sql)
{
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
import_ok(adj_catalog_summary *s, const char *dir)
{
	adj_diags d;
	adj_diags_init(&d, 0);
	int rc = adj_catalog_import(s, db, dir, &d);
	for (size_t i = 0; i < d.count; i++)
		cr_log_error("%s:%ld: %s", d.items[i].file, d.items[i].line, d.items[i].message);
	cr_assert_eq(rc, 0, "import failed: %s", adj_db_errmsg(db));
	adj_diags_clear(&d);
}

/* checksum of the database file and its WAL */
static unsigned long long
db_sum(void)
{
	char wal[4300];
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	return t_file_sum(db_path) * 31 + t_file_sum(wal);
}

TestSuite(catalog_import, .init = setup, .fini = teardown);

Test(catalog_import, a_valid_folder_becomes_version_1_with_every_row)
{
	adj_catalog_summary s;
	import_ok(&s, cat_dir);
	cr_expect_eq(s.version, 1);
	cr_expect_not(s.unchanged);
	cr_expect_eq(s.drugs, 5);
	cr_expect_eq(s.members_read, 1);
	cr_expect_eq(s.members_inserted, 1);
	cr_expect_eq(count("SELECT count(*) FROM item WHERE version = 1"), 8);
	cr_expect_eq(count("SELECT count(*) FROM band"), 5);
	cr_expect_eq(count("SELECT price_t3 FROM item WHERE code = 'XB05AAD123B001020300111'"), 40000);
	cr_expect_eq(count("SELECT first_pay_bp FROM item WHERE code = '002400000100000'"), 1000);
	cr_expect_eq(count("SELECT count(*) FROM item WHERE price_t1 IS NULL AND code = '002400000100000'"), 1);
	cr_expect_eq(count("SELECT value FROM meta WHERE key = 'current_catalog'"), 1);
}

Test(catalog_import, reimporting_the_same_folder_changes_nothing_at_all)
{
	adj_catalog_summary s;
	import_ok(&s, cat_dir);
	adj_db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	unsigned long long before = db_sum();
	/* same content, different spelling: CRLF line endings */
	char p[4300];
	snprintf(p, sizeof p, "%s/hospitals.csv", cat_dir);
	char *text = t_read(p, NULL);
	char crlf[8192] = "";
	for (char *c = text; *c; c++) {
		size_t n = strlen(crlf);
		if (*c == '\n')
			crlf[n++] = '\r';
		crlf[n++] = *c;
		crlf[n] = '\0';
	}
	t_write(cat_dir, "hospitals.csv", crlf);
	free(text);
	import_ok(&s, cat_dir);
	cr_expect(s.unchanged);
	cr_expect_eq(s.version, 1);
	cr_expect_eq(s.members_inserted + s.members_updated, 0);
	cr_expect_eq(db_sum(), before, "the database file changed");
	cr_expect_eq(count("SELECT count(*) FROM catalog_version"), 1);
}

Test(catalog_import, a_later_catalog_keeps_the_rows_of_earlier_versions)
{
	adj_catalog_summary s;
	import_ok(&s, cat_dir);
	/* next year: the MRI price goes down and a 2006 row is added */
	t_replace_line(cat_dir, "treatments.csv", "002400000100000",
	               "002400000100000,磁共振成像MRI,exam,B,10,,600.00,800.00,500.00,1,,,,,,2004-01-01,2005-12-31\n"
	               "002400000100000,磁共振成像MRI,exam,B,10,,550.00,700.00,450.00,1,,,,,,2006-01-01,");
	import_ok(&s, cat_dir);
	cr_expect_eq(s.version, 2);
	cr_expect_eq(count("SELECT count(*) FROM catalog_version"), 2);
	cr_expect_eq(count("SELECT count(*) FROM item WHERE version = 1"), 8);
	cr_expect_eq(count("SELECT count(*) FROM item WHERE version = 2"), 9);
	adj_catalog *v1, *v2;
	cr_assert_eq(adj_catalog_load(&v1, db, 1), 0);
	cr_assert_eq(adj_catalog_load(&v2, db, 0), 0);
	cr_expect_eq(v1->version, 1);
	cr_expect_eq(v2->version, 2);
	cr_expect_eq(v1->nitems, 8);
	cr_expect_eq(v2->nitems, 9);
	int found = 0;
	for (size_t i = 0; i < v2->nitems; i++)
		if (strcmp(v2->items[i].code, "002400000100000") == 0 && v2->items[i].cap == 45000)
			found++;
	cr_expect_eq(found, 1);
	cr_expect_str_neq(v1->digest, v2->digest);
	adj_catalog_free(v1);
	adj_catalog_free(v2);
}

Test(catalog_import, a_catalog_loaded_back_equals_the_folder_it_came_from)
{
	adj_catalog_summary s;
	import_ok(&s, cat_dir);
	adj_catalog *stored, *read = NULL;
	adj_diags d;
	adj_diags_init(&d, 0);
	cr_assert_eq(adj_catalog_read_dir(&read, cat_dir, &d), 0);
	cr_assert_eq(adj_catalog_load(&stored, db, 0), 0);
	cr_assert_eq(stored->nitems, read->nitems);
	for (size_t i = 0; i < read->nitems; i++) {
		const adj_item *a = &read->items[i], *b = &stored->items[i];
		cr_expect_str_eq(a->code, b->code);
		cr_expect_eq(a->price[0], b->price[0]);
		cr_expect_eq(a->price[2], b->price[2]);
		cr_expect_eq(a->cap, b->cap);
		cr_expect_eq(a->first_pay, b->first_pay);
		cr_expect_eq(a->max_daily, b->max_daily);
		cr_expect_eq(a->min_tier, b->min_tier);
		cr_expect_eq(a->sex, b->sex);
		cr_expect_eq(a->valid_from, b->valid_from);
		cr_expect_eq(a->valid_to, b->valid_to);
		cr_expect_eq(a->coverage, b->coverage);
		cr_expect_eq(a->file, b->file);
		cr_expect_eq(a->line, b->line);
		cr_expect_gt(b->row_id, 0);
	}
	cr_assert_eq(stored->policy.nbenefits, read->policy.nbenefits);
	for (size_t i = 0; i < read->policy.nbenefits; i++) {
		const adj_benefit *a = &read->policy.benefits[i], *b = &stored->policy.benefits[i];
		cr_expect_eq(a->nbands, b->nbands);
		cr_expect_eq(a->tier, b->tier);
		cr_expect_eq(a->deductible, b->deductible);
		cr_expect_eq(a->repeat_deductible, b->repeat_deductible);
		cr_expect_str_eq(stored->policy.groups[b->group].code, a->group_code);
	}
	cr_expect_eq(stored->nsd, 1);
	cr_expect_str_eq(stored->sd[0].procedure, "^47\\.0");
	cr_expect_eq(stored->nhospitals, 2);
	cr_expect_eq(stored->hospitals[0].settlement, ADJ_SETTLE_GLOBAL_BUDGET);
	cr_expect_eq(stored->nbudgets, 1);
	cr_expect_eq(stored->budgets[0].overrun_limit, 1000);
	adj_catalog_free(stored);
	adj_catalog_free(read);
	adj_diags_clear(&d);
}

Test(catalog_import, a_folder_with_mistakes_lists_them_all_and_imports_nothing)
{
	adj_catalog_summary s;
	import_ok(&s, cat_dir);
	adj_db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	unsigned long long before = db_sum();
	adj_diags d;
	adj_diags_init(&d, 0);
	cr_expect_eq(adj_catalog_import(&s, db, BAD_DIR, &d), ADJ_EDATA);
	/* every problem of expected.txt, in order */
	char *want = t_read(BAD_DIR "/expected.txt", NULL);
	cr_assert_not_null(want);
	char got[16384] = "";
	for (size_t i = 0; i < d.count; i++) {
		size_t n = strlen(got);
		snprintf(got + n, sizeof got - n, "%s:%ld: %s%s%s\n", d.items[i].file, d.items[i].line,
		         d.items[i].field, d.items[i].field[0] ? ": " : "", d.items[i].message);
	}
	cr_expect_str_eq(got, want);
	cr_expect_geq(d.count, 15);
	cr_expect_eq(db_sum(), before, "a refused import changed the database");
	cr_expect_eq(count("SELECT count(*) FROM catalog_version"), 1);
	cr_expect_eq(count("SELECT count(*) FROM member"), 1);
	free(want);
	adj_diags_clear(&d);
}

Test(catalog_import, a_bad_members_csv_makes_the_whole_folder_fail)
{
	adj_catalog_summary s;
	t_write(cat_dir, "members.csv",
	        "id,name,scheme,category,enrolled_from,enrolled_to,paid_through,relief_from,relief_to,"
	        "assistance_from,assistance_to\n"
	        "12010419521208341X,张伟,EMP,in-service,2000-01-01,,2006-12-31,,,,\n"
	        "120102198001010027,王芳,EMP,in-service,2000-01-01,1999-12-31,,,,,\n");
	adj_diags d;
	adj_diags_init(&d, 0);
	cr_expect_eq(adj_catalog_import(&s, db, cat_dir, &d), ADJ_EDATA);
	cr_assert_eq(d.count, 1);
	cr_expect_str_eq(d.items[0].file, "members.csv");
	cr_expect_eq(d.items[0].line, 3);
	cr_expect_str_eq(d.items[0].field, "enrolled_to");
	cr_expect_eq(count("SELECT count(*) FROM catalog_version"), 0);
	cr_expect_eq(count("SELECT count(*) FROM member"), 0);
	adj_diags_clear(&d);
}
