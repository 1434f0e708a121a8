/*
 * test_resident_id.c - GB 11643 resident IDs (SPEC 3).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "util/resident_id.h"

static adj_rid_status
check(const char *s, adj_rid *out)
{
	return adj_rid_check(s, strlen(s), out);
}

Test(util_resident_id, a_valid_id_gives_birth_date_and_sex)
{
	adj_rid r;
	cr_assert_eq(check("12010419521208341X", &r), ADJ_RID_OK);
	cr_expect_str_eq(r.id, "12010419521208341X");
	cr_expect_eq(r.sex, 'M'); /* 17th digit 1: odd */
	char buf[ADJ_DATE_TEXT];
	adj_date_format(r.birth, buf);
	cr_expect_str_eq(buf, "1952-12-08");
}

Test(util_resident_id, a_lowercase_x_is_read_as_X)
{
	adj_rid r;
	cr_assert_eq(check("12010419521208341x", &r), ADJ_RID_OK);
	cr_expect_str_eq(r.id, "12010419521208341X");
}

Test(util_resident_id, check_character_is_mod_11_2)
{
	/* the standard's own example, and computed ones */
	cr_expect_eq(adj_rid_check_char("11010519491231002"), 'X');
	cr_expect_eq(adj_rid_check_char("12010419521208341"), 'X');
	cr_expect_eq(check("11010519491231002X", NULL), ADJ_RID_OK);
	char id[19] = "12010219800101002";
	id[17] = adj_rid_check_char(id);
	id[18] = '\0';
	adj_rid r;
	cr_assert_eq(check(id, &r), ADJ_RID_OK);
	cr_expect_eq(r.sex, 'F'); /* 17th digit 2: even */
}

Test(util_resident_id, every_kind_of_bad_id_is_refused_with_its_reason)
{
	static const struct {
		const char *id;
		adj_rid_status want;
	} cases[] = {
		{"12010419521208341", ADJ_RID_BAD_FORMAT},   /* 17 characters */
		{"12010419521208341XX", ADJ_RID_BAD_FORMAT}, /* 19 */
		{"02010419521208341X", ADJ_RID_BAD_FORMAT},  /* first digit 0 */
		{"1201041952120834AX", ADJ_RID_BAD_FORMAT},
		{"12010419521208341Y", ADJ_RID_BAD_FORMAT},
		{"120104195212083410", ADJ_RID_BAD_CHECK},   /* wrong check character */
		{"120104195302293419", ADJ_RID_BAD_BIRTH},   /* 1953-02-29 does not exist */
		{"120104189912083419", ADJ_RID_BAD_BIRTH},   /* before 1900 */
		{"120104195213083419", ADJ_RID_BAD_BIRTH},   /* month 13 */
		{"", ADJ_RID_BAD_FORMAT},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_eq(check(cases[i].id, NULL), cases[i].want, "%s", cases[i].id);
}

Test(util_resident_id, a_29_february_birth_in_a_leap_year_is_valid)
{
	char id[19] = "12010419520229341";
	id[17] = adj_rid_check_char(id);
	id[18] = '\0';
	adj_rid r;
	cr_expect_eq(check(id, &r), ADJ_RID_OK);
}
