/*
 * test_check.c - the grammars a claim's own text is checked with
 * (SPEC 4.5: claim ids, xs:boolean, xs:dateTime).
 */
#include <criterion/criterion.h>

#include "check/check.h"

Test(check, claim_ids_are_1_to_64_characters_without_control_characters)
{
	static const struct {
		const char *id;
		bool ok;
	} t[] = {
		{"ZY2005020001", true},
		{"住院2005-001", true},                                                /* characters, not bytes */
		{"1234567890123456789012345678901234567890123456789012345678901234", true}, /* 64 */
		{"12345678901234567890123456789012345678901234567890123456789012345", false},
		{"住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住住", true}, /* 64 x 3 bytes */
		{"", false},
		{"a\tb", false},
		{"a\nb", false},
		{"a\x7f", false},
		{"a\xc2\x85", false}, /* U+0085, a C1 control */
		{"a\xff", false},     /* not UTF-8 */
		{" spaces are fine ", true},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		cr_expect_eq(adj_claim_id_ok(t[i].id), t[i].ok, "case %zu: \"%s\"", i, t[i].id);
	cr_expect_not(adj_claim_id_ok(NULL));
}

Test(check, primary_is_an_xs_boolean_with_whitespace_collapsed)
{
	static const struct {
		const char *s;
		int want;
	} t[] = {
		{"true", 1}, {"1", 1}, {" true ", 1}, {"\n1\t", 1}, {"false", 0}, {"0", 0},
		{"TRUE", -1}, {"yes", -1}, {"", -1}, {"t", -1}, {"10", -1}, {"true false", -1},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		cr_expect_eq(adj_xs_boolean(t[i].s), t[i].want, "\"%s\"", t[i].s);
	cr_expect_eq(adj_xs_boolean(NULL), -1);
}

Test(check, created_is_an_xs_datetime)
{
	static const struct {
		const char *s;
		bool ok;
	} t[] = {
		{"2005-03-02T08:30:00", true},
		{"2005-03-02T08:30:00Z", true},
		{"2005-03-02T08:30:00+08:00", true},
		{"2005-03-02T08:30:00.123-05:30", true},
		{"2004-02-29T00:00:00", true},
		{"2005-12-31T24:00:00", true},
		{" 2005-03-02T08:30:00 ", true},
		{"2005-02-29T00:00:00", false},
		{"2005-03-02", false},
		{"2005-03-02 08:30:00", false},
		{"2005-03-02T25:00:00", false},
		{"2005-03-02T24:00:01", false},
		{"2005-03-02T08:60:00", false},
		{"2005-03-02T08:30:00+15:00", false},
		{"2005-03-02T08:30:00+0800", false},
		{"05-03-02T08:30:00", false},
		{"2005-3-02T08:30:00", false},
		{"2005-03-02T08:30:00.", false},
		{"", false},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		cr_expect_eq(adj_xs_datetime_ok(t[i].s), t[i].ok, "\"%s\"", t[i].s);
}
