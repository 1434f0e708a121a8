/*
 * test_members.c - the member registry: validation, upsert by id, whole or
 * nothing (SPEC 4.4).
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/db.h"
#include "support.h"

#define MIN_DIR TEST_DATA_DIR "/catalog_min"
#define HEADER "id,name,scheme,category,enrolled_from,enrolled_to,paid_through,relief_from,relief_to,assistance_from,assistance_to\n"

static char *tmp, reg[4200];
static adj_db *db;

static void
setup(void)
{
	char err[600], path[4200];
	tmp = t_tempdir();
	snprintf(path, sizeof path, "%s/test.db", tmp);
	snprintf(reg, sizeof reg, "%s/registry.csv", tmp);
	cr_assert_eq(adj_db_open(&db, path, ADJ_DB_CREATE, err, sizeof err), 0, "%s", err);
}

static void
teardown(void)
{
	adj_db_close(db);
	t_rmtree(tmp);
	free(tmp);
}

static void
import_catalog(void)
{
	adj_catalog_summary s;
	adj_diags d;
	adj_diags_init(&d, 0);
	cr_assert_eq(adj_catalog_import(&s, db, MIN_DIR, &d), 0);
	adj_diags_clear(&d);
}

static char *
text(const char *sql)
{
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
	char *out = NULL;
	if (sqlite3_step(st) == SQLITE_ROW)
		out = strdup(sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "(null)");
	sqlite3_finalize(st);
	return out ? out : strdup("(none)");
}

static int
import(adj_catalog_summary *s, adj_diags *d, const char *body)
{
	char content[8192];
	snprintf(content, sizeof content, "%s%s", HEADER, body);
	t_write(tmp, "registry.csv", content);
	adj_diags_init(d, 0);
	return adj_members_import(s, db, reg, d);
}

TestSuite(members, .init = setup, .fini = teardown);

Test(members, sex_and_birth_date_come_from_the_id)
{
	adj_catalog_summary s;
	adj_diags d;
	import_catalog();
	cr_assert_eq(import(&s, &d, "120102198001010027,王芳,EMP,in-service,2000-01-01,,,,,,\n"), 0);
	char *sex = text("SELECT sex FROM member WHERE id = '120102198001010027'");
	char *birth = text("SELECT birth_date FROM member WHERE id = '120102198001010027'");
	cr_expect_str_eq(sex, "F");
	cr_expect_str_eq(birth, "1980-01-01");
	free(sex);
	free(birth);
	adj_diags_clear(&d);
}

Test(members, loading_a_registry_twice_upserts_by_id)
{
	adj_catalog_summary s;
	adj_diags d;
	import_catalog(); /* inserts 12010419521208341X */
	cr_assert_eq(import(&s, &d,
	                    "12010419521208341x,张伟,EMP,in-service,2000-01-01,,2007-12-31,2004-01-01,,,\n"
	                    "120102198001010027,王芳,EMP,in-service,2000-01-01,,,,,,\n"),
	             0);
	cr_expect_eq(s.members_read, 2);
	cr_expect_eq(s.members_inserted, 1);
	cr_expect_eq(s.members_updated, 1); /* paid_through moved on */
	char *paid = text("SELECT paid_through FROM member WHERE id = '12010419521208341X'");
	cr_expect_str_eq(paid, "2007-12-31");
	free(paid);
	/* the version it replaced, current for generation 1 only */
	char *old = text("SELECT paid_through || ' ' || since || '..' || until FROM member_history "
	                 "WHERE id = '12010419521208341X'");
	cr_expect_str_eq(old, "2006-12-31 1..2");
	free(old);
	char *since = text("SELECT group_concat(id || ' ' || since, ', ') FROM member");
	cr_expect_str_eq(since, "120102198001010027 2, 12010419521208341X 2");
	free(since);
	adj_diags_clear(&d);
	cr_assert_eq(import(&s, &d,
	                    "12010419521208341X,张伟,EMP,in-service,2000-01-01,,2007-12-31,2004-01-01,,,\n"
	                    "120102198001010027,王芳,EMP,in-service,2000-01-01,,,,,,\n"),
	             0);
	cr_expect_eq(s.members_inserted, 0);
	cr_expect_eq(s.members_updated, 0);
	char *count = text("SELECT (SELECT count(*) FROM member_history) || ' ' || "
	                   "(SELECT value FROM meta WHERE key = 'registry_generation')");
	cr_expect_str_eq(count, "1 2", "an unchanged file writes nothing and makes no generation");
	free(count);
	adj_diags_clear(&d);
}

Test(members, one_bad_row_refuses_the_whole_file)
{
	adj_catalog_summary s;
	adj_diags d;
	import_catalog();
	int rc = import(&s, &d,
	                "120102198001010027,王芳,EMP,in-service,2000-01-01,,,,,,\n"
	                "120103197505051238,赵敏,EMP,in-service,2000-01-01,,,2005-01-01,2004-12-31,,\n"
	                "120103197505051230,钱,EMP,in-service,2000-01-01,,,,,,\n"
	                "120103197505051238,赵敏,EMP,in-service,2000-01-01,,,,,,\n"
	                "12010219800101002,孙,EMP,in-service,2000-01-01,,,,,,\n"
	                "120102198001010027,王芳,EMP,,2000-01-01,,,,,2005-01-01,\n");
	cr_expect_eq(rc, ADJ_EDATA);
	static const struct {
		long line;
		const char *field, *part;
	} want[] = {
		{3, "relief_to", "ends before it starts"},
		{4, "id", "wrong check character"},
		{5, "id", "already on line 3"},
		{6, "id", "not a resident ID"},
		{7, "category", "required"},
		{7, "id", "already on line 2"},
	};
	cr_assert_eq(d.count, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < d.count; i++) {
		cr_expect_eq(d.items[i].line, want[i].line, "problem %zu", i);
		cr_expect_str_eq(d.items[i].field, want[i].field, "problem %zu", i);
		cr_expect(strstr(d.items[i].message, want[i].part), "%s", d.items[i].message);
	}
	char *n = text("SELECT count(*) FROM member");
	cr_expect_str_eq(n, "1"); /* only the catalog's member; nothing of the file */
	free(n);
	adj_diags_clear(&d);
}

Test(members, scheme_and_category_must_be_known_to_the_policy)
{
	adj_catalog_summary s;
	adj_diags d;
	import_catalog();
	/* EMP has a "*" outpatient benefit, so any category of EMP is known */
	cr_expect_eq(import(&s, &d, "120102198001010027,王芳,EMP,student,2000-01-01,,,,,,\n"), 0);
	adj_diags_clear(&d);
	cr_expect_eq(import(&s, &d, "120102198001010027,王芳,URB,resident-adult,2000-01-01,,,,,,\n"),
	             ADJ_EDATA);
	cr_assert_eq(d.count, 1);
	cr_expect_str_eq(d.items[0].field, "scheme");
	adj_diags_clear(&d);
}

Test(members, a_registry_needs_an_imported_catalog)
{
	adj_catalog_summary s;
	adj_diags d;
	cr_expect_eq(import(&s, &d, "120102198001010027,王芳,EMP,in-service,2000-01-01,,,,,,\n"),
	             ADJ_EDATA);
	cr_assert_eq(d.count, 1);
	cr_expect(strstr(d.items[0].message, "no catalog imported"));
	adj_diags_clear(&d);
}
