/*
 * test_catalog_read.c - reading and validating a catalog folder (SPEC 4.1-4.3).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "support.h"

#define MIN_DIR TEST_DATA_DIR "/catalog_min"

static char *dir;

static void
setup(void)
{
	dir = t_tempdir();
	t_copydir(MIN_DIR, dir);
}

static void
teardown(void)
{
	t_rmtree(dir);
	free(dir);
}

static const adj_item *
find_item(const adj_catalog *cat, const char *code, const char *from)
{
	adj_date d;
	adj_date_parse(from, 10, &d);
	for (size_t i = 0; i < cat->nitems; i++)
		if (strcmp(cat->items[i].code, code) == 0 && cat->items[i].valid_from == d)
			return &cat->items[i];
	return NULL;
}

/* Read dir; expect success; return the catalog. */
static adj_catalog *
read_ok(void)
{
	adj_catalog *cat = NULL;
	adj_diags d;
	adj_diags_init(&d, 0);
	int rc = adj_catalog_read_dir(&cat, dir, &d);
	for (size_t i = 0; i < d.count; i++)
		cr_log_error("%s:%ld: %s: %s", d.items[i].file, d.items[i].line, d.items[i].field,
		             d.items[i].message);
	cr_assert_eq(rc, 0);
	adj_diags_clear(&d);
	return cat;
}

/* Read dir; expect ADJ_EDATA with exactly one problem at file:line field
 * whose message contains part. */
static void
expect_one_problem(const char *file, long line, const char *field, const char *part)
{
	adj_catalog *cat = NULL;
	adj_diags d;
	adj_diags_init(&d, 0);
	int rc = adj_catalog_read_dir(&cat, dir, &d);
	cr_expect_eq(rc, ADJ_EDATA);
	cr_assert_eq(d.count, 1, "want 1 problem, got %zu (first: %s)", d.count,
	             d.count ? d.items[0].message : "none");
	cr_expect_str_eq(d.items[0].file, file);
	cr_expect_eq(d.items[0].line, line);
	cr_expect_str_eq(d.items[0].field, field);
	cr_expect(strstr(d.items[0].message, part) != NULL, "\"%s\" lacks \"%s\"", d.items[0].message,
	          part);
	adj_diags_clear(&d);
	adj_catalog_free(cat);
}

TestSuite(catalog_read, .init = setup, .fini = teardown);

Test(catalog_read, every_column_of_an_item_row_is_read)
{
	adj_catalog *cat = read_ok();
	const adj_item *it = find_item(cat, "XB05AAD123B001020300111", "2004-01-01");
	cr_assert_not_null(it);
	cr_expect_str_eq(it->name, "人血白蛋白注射液");
	cr_expect_eq(it->file, ADJ_FILE_DRUG);
	cr_expect_eq(it->cls, ADJ_CLASS_DRUG_MATERIAL);
	cr_expect_eq(it->coverage, ADJ_COV_B);
	cr_expect_eq(it->first_pay, 2000);
	cr_expect_eq(it->price[0], -1);
	cr_expect_eq(it->price[2], 40000);
	cr_expect_eq(it->cap, 30000);
	cr_expect_eq(it->max_daily, -1);
	cr_expect_eq(it->min_tier, 3);
	cr_expect_str_eq(it->diagnosis, "^(K70|K74)\\.");
	cr_expect_eq(adj_pattern_match(it->diag_re, "K70.301", 7), ADJ_PATTERN_MATCH);
	cr_expect_eq(it->valid_to, ADJ_DATE_NONE);
	const adj_item *amox = find_item(cat, "XA01ABD075A002010100483", "2004-01-01");
	cr_assert_not_null(amox);
	cr_expect_eq(amox->max_daily, 6000);
	cr_expect_eq(amox->line, 2);
	char b[ADJ_DATE_TEXT];
	adj_date_format(amox->valid_to, b);
	cr_expect_str_eq(b, "2005-12-31");
	const adj_item *prog = find_item(cat, "XG03DAH045C003010200222", "2004-01-01");
	cr_expect_eq(prog->sex, 'F');
	cr_expect_eq(cat->file_rows[ADJ_FILE_DRUG], 5);
	cr_expect_eq(cat->file_rows[ADJ_FILE_TREATMENT], 2);
	cr_expect_eq(cat->file_rows[ADJ_FILE_FACILITY], 1);
	adj_catalog_free(cat);
}

Test(catalog_read, policy_groups_benefits_and_bands_are_read)
{
	adj_catalog *cat = read_ok();
	const adj_policy *p = &cat->policy;
	cr_assert_eq(p->nschemes, 1);
	cr_expect_str_eq(p->schemes[0].name, "城镇职工基本医疗保险");
	cr_assert_eq(p->ngroups, 2);
	cr_expect_eq(p->groups[0].pool_cap, 6000000);
	cr_expect(p->groups[0].has_relief);
	cr_expect_eq(p->groups[0].relief_bp, 8500);
	cr_expect_eq(p->groups[0].relief_cap, 15000000);
	cr_expect_eq(p->groups[0].assist_cap, 1000000);
	cr_expect_not(p->groups[1].has_relief);
	cr_assert_eq(p->nbenefits, 3);
	const adj_benefit *b = &p->benefits[0];
	cr_expect_eq(b->claim_type, ADJ_CT_INPATIENT);
	cr_expect_eq(b->tier, 3);
	cr_expect_eq(b->deductible, 130000);
	cr_expect_eq(b->repeat_deductible, 65000);
	cr_assert_eq(b->nbands, 3);
	cr_expect_eq(b->bands[0].upto, 1000000);
	cr_expect_eq(b->bands[1].bp, 9000);
	cr_expect_eq(b->bands[2].upto, -1);
	/* repeat-deductible defaults to deductible */
	cr_expect_eq(p->benefits[1].repeat_deductible, p->benefits[1].deductible);
	cr_expect_eq(p->benefits[2].basis, ADJ_BASIS_YEAR);
	cr_expect_eq(p->benefits[2].tier, 0);
	cr_expect_str_eq(p->benefits[2].category, "*");
	adj_catalog_free(cat);
}

Test(catalog_read, the_digest_ignores_spelling_but_not_content)
{
	adj_catalog *a = read_ok();
	char first[65];
	memcpy(first, a->digest, 65);
	adj_catalog_free(a);
	/* same content: CRLF line endings, columns reordered, 12.5 for 12.50 */
	t_write(dir, "budgets.csv",
	        "year,hospital,budget,surplus_retain,overrun_share,overrun_limit\r\n"
	        "2005,H12010300017,5000000.00,50,60,10.0\r\n");
	adj_catalog *b = read_ok();
	cr_expect_str_eq(b->digest, first);
	adj_catalog_free(b);
	t_write(dir, "budgets.csv",
	        "hospital,year,budget,surplus_retain,overrun_share,overrun_limit\n"
	        "H12010300017,2005,5000000.01,50,60,10\n");
	adj_catalog *c = read_ok();
	cr_expect_str_neq(c->digest, first);
	adj_catalog_free(c);
}

Test(catalog_read, a_doctype_in_the_policy_is_refused)
{
	char *p = t_read(MIN_DIR "/policy.xml", NULL);
	char *rest = strstr(p, "<!--");
	char text[8192];
	snprintf(text, sizeof text,
	         "<?xml version=\"1.0\"?>\n<!DOCTYPE policy [<!ENTITY x \"y\">]>\n%s", rest);
	t_write(dir, "policy.xml", text);
	expect_one_problem("policy.xml", 2, "", "DOCTYPE");
	free(p);
}

Test(catalog_read, a_policy_that_is_not_well_formed_names_line_and_column)
{
	t_write(dir, "policy.xml", "<policy xmlns=\"urn:adjudicator:policy:1\">\n  <scheme code=\"EMP\">\n</policy>\n");
	adj_catalog *cat = NULL;
	adj_diags d;
	adj_diags_init(&d, 0);
	cr_expect_eq(adj_catalog_read_dir(&cat, dir, &d), ADJ_EDATA);
	cr_assert_geq(d.count, 1);
	cr_expect_str_eq(d.items[0].file, "policy.xml");
	cr_expect_eq(d.items[0].line, 3);
	cr_expect_gt(d.items[0].column, 0);
	cr_expect(strstr(d.items[0].message, "not well-formed") != NULL);
	adj_diags_clear(&d);
	adj_catalog_free(cat);
}

typedef struct {
	const char *from, *to; /* replace in policy.xml */
	long line;
	const char *field, *part;
} policy_case;

/* Lines are those libxml2 records for an element: where its start tag
 * ends (a multi-line <benefit> is reported on its last line). */
static const policy_case policy_cases[] = {
	{"<band percent=\"95\"/>", "<band upto=\"50000\" percent=\"95\"/>", 16, "upto", "last band"},
	{"<band upto=\"30000\" percent=\"90\"/>", "<band percent=\"90\"/>", 19, "upto", "only the last band"},
	{"relief-cap=\"150000\"", "", 13, "relief-cap", "come together"},
	{"group=\"outpatient\"", "group=\"clinic\"", 26, "group", "no group \"clinic\""},
	{"tier=\"2\" group=\"inpatient\"", "tier=\"*\" group=\"inpatient\"", 22, "category", "overlaps the one on line 16"},
	{"percent=\"85\"/>", "percent=\"185\"/>", 17, "percent", "not a percentage"},
	{"deductible=\"1300\"", "deductible=\"1,300\"", 16, "deductible", "not an amount"},
	{"claim-type=\"outpatient\"", "claim-type=\"clinic\"", 26, "claim-type", "not inpatient"},
	{"<code-format kind=\"hospital\"  pattern=\"^H[0-9]{11}$\"/>", "", 3, "code-format", "no code format for kind \"hospital\""},
	{"pattern=\"^00[0-9]{13}$\"", "pattern=\"^00([0-9]{13}$\"", 5, "pattern", "does not compile"},
	{"<year value=\"2005\">", "<year value=\"2005\" note=\"x\">", 11, "note", "unknown attribute"},
	{"<group code=\"outpatient\" pool-cap=\"2000\"/>", "<grp code=\"outpatient\" pool-cap=\"2000\"/>", 14, "grp", "unknown element"},
};

Test(catalog_read, each_policy_mistake_is_reported_on_its_line)
{
	char *orig = t_read(MIN_DIR "/policy.xml", NULL);
	for (size_t i = 0; i < sizeof policy_cases / sizeof policy_cases[0]; i++) {
		const policy_case *c = &policy_cases[i];
		char *at = strstr(orig, c->from);
		cr_assert_not_null(at, "case %zu: \"%s\" not in policy.xml", i, c->from);
		char text[8192];
		snprintf(text, sizeof text, "%.*s%s%s", (int)(at - orig), orig, c->to, at + strlen(c->from));
		t_write(dir, "policy.xml", text);
		adj_catalog *cat = NULL;
		adj_diags d;
		adj_diags_init(&d, 0);
		cr_expect_eq(adj_catalog_read_dir(&cat, dir, &d), ADJ_EDATA, "case %zu", i);
		bool found = false;
		for (size_t k = 0; k < d.count; k++)
			if (strcmp(d.items[k].file, "policy.xml") == 0 && d.items[k].line == c->line &&
			    strcmp(d.items[k].field, c->field) == 0 && strstr(d.items[k].message, c->part))
				found = true;
		cr_expect(found, "case %zu: no policy.xml:%ld: %s: ...%s... (got %zu, first %ld %s: %s)", i,
		          c->line, c->field, c->part, d.count, d.count ? d.items[0].line : 0,
		          d.count ? d.items[0].field : "", d.count ? d.items[0].message : "");
		adj_diags_clear(&d);
		adj_catalog_free(cat);
	}
	free(orig);
}

Test(catalog_read, a_missing_file_is_named)
{
	char p[4200];
	snprintf(p, sizeof p, "%s/budgets.csv", dir);
	remove(p);
	adj_catalog *cat = NULL;
	adj_diags d;
	adj_diags_init(&d, 0);
	cr_expect_eq(adj_catalog_read_dir(&cat, dir, &d), ADJ_ENOINPUT);
	cr_assert_eq(d.count, 1);
	cr_expect_str_eq(d.items[0].file, "budgets.csv");
	adj_diags_clear(&d);
	adj_catalog_free(cat);
}

Test(catalog_read, overlapping_periods_are_found_past_a_shorter_row_in_between)
{
	t_write(dir, "facilities.csv",
	        "code,name,class,coverage,first_pay,price_t1,price_t2,price_t3,cap,max_daily,min_tier,"
	        "diagnosis,sex,min_age,max_age,valid_from,valid_to\n"
	        "001100000100000,床位费,labor,A,,,,,,,,,,,,2004-01-01,\n"
	        "001100000100000,床位费,labor,A,,,,,,,,,,,,2005-01-01,2005-03-31\n"
	        "001100000100000,床位费,labor,A,,,,,,,,,,,,2006-01-01,\n");
	adj_catalog *cat = NULL;
	adj_diags d;
	adj_diags_init(&d, 0);
	cr_expect_eq(adj_catalog_read_dir(&cat, dir, &d), ADJ_EDATA);
	cr_assert_eq(d.count, 2);
	cr_expect_eq(d.items[0].line, 3);
	cr_expect_eq(d.items[1].line, 4);
	cr_expect(strstr(d.items[1].message, "on line 2") != NULL, "%s", d.items[1].message);
	adj_diags_clear(&d);
	adj_catalog_free(cat);
}

Test(catalog_read, adjacent_periods_do_not_overlap)
{
	t_write(dir, "facilities.csv",
	        "code,name,class,coverage,first_pay,price_t1,price_t2,price_t3,cap,max_daily,min_tier,"
	        "diagnosis,sex,min_age,max_age,valid_from,valid_to\n"
	        "001100000100000,床位费,labor,A,,,,,,,,,,,,2004-01-01,2004-12-31\n"
	        "001100000100000,床位费,labor,A,,,,,,,,,,,,2005-01-01,\n");
	adj_catalog *cat = read_ok();
	cr_expect_eq(cat->nitems, 9);
	adj_catalog_free(cat);
}
