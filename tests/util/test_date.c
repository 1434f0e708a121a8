/*
 * test_date.c - calendar dates, day differences and ages (SPEC 3).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "util/date.h"

static adj_date
D(const char *s)
{
	adj_date d;
	cr_assert(adj_date_parse(s, strlen(s), &d), "bad test date %s", s);
	return d;
}

Test(util_date, only_dates_that_exist_parse)
{
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{"2004-02-29", true},  {"2005-02-29", false}, {"2000-02-29", true},
		{"1900-02-29", false}, {"2005-04-31", false}, {"2005-12-31", true},
		{"2005-13-01", false}, {"2005-00-10", false}, {"2005-01-00", false},
		{"2005-1-01", false},  {"05-01-01", false},   {"2005/01/01", false},
		{"2005-01-01T", false}, {"", false},          {"20050101", false},
		{"0000-01-01", false}, {"9999-12-31", true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		adj_date d;
		cr_expect_eq(adj_date_parse(cases[i].s, strlen(cases[i].s), &d), cases[i].ok, "%s",
		             cases[i].s);
	}
}

Test(util_date, day_numbers_round_trip_and_subtract)
{
	cr_expect_eq(D("1970-01-01"), 0);
	cr_expect_eq(D("2005-02-11") - D("2005-02-01"), 10);
	cr_expect_eq(D("2005-03-01") - D("2005-02-28"), 1);
	cr_expect_eq(D("2004-03-01") - D("2004-02-28"), 2);
	cr_expect_eq(D("2006-01-01") - D("2005-01-01"), 365);
	char buf[ADJ_DATE_TEXT];
	for (adj_date d = D("1899-12-25"); d < D("2101-01-10"); d += 7) {
		adj_date_format(d, buf);
		cr_assert_eq(D(buf), d, "round trip of %s", buf);
	}
	adj_date_format(ADJ_DATE_NONE, buf);
	cr_expect_str_eq(buf, "");
	cr_expect_eq(adj_date_year(D("2005-12-31")), 2005);
}

/* SPEC 3: completed years by (month, day) comparison */
Test(util_date, age_is_completed_years_and_a_29_february_birthday_counts_on_1_march)
{
	static const struct {
		const char *birth, *on;
		int age;
	} cases[] = {
		{"1952-12-08", "2005-12-07", 52}, {"1952-12-08", "2005-12-08", 53},
		{"2004-02-29", "2005-02-28", 0},  {"2004-02-29", "2005-03-01", 1},
		{"2004-02-29", "2008-02-29", 4},  {"2004-02-29", "2008-02-28", 3},
		{"1990-06-15", "1990-06-15", 0},  {"1990-06-15", "1990-06-14", -1},
		{"1988-01-01", "2005-12-31", 17}, {"1987-12-31", "2005-12-31", 18},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_eq(adj_age(D(cases[i].birth), D(cases[i].on)), cases[i].age, "%s on %s",
		             cases[i].birth, cases[i].on);
}
