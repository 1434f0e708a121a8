/*
 * test_num.c - money, quantities, percentages, share(), price() and checked
 * arithmetic (SPEC 3).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "util/num.h"

typedef struct {
	const char *text;
	bool ok;
	int64_t value;
} parse_case;

/* SPEC 3: ^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$ */
static const parse_case money_cases[] = {
	{"0", true, 0},
	{"0.5", true, 50},
	{"0.05", true, 5},
	{"12.50", true, 1250},
	{"12.5", true, 1250},
	{"1300", true, 130000},
	{"999999999999.99", true, INT64_C(99999999999999)},
	{"999999999999", true, INT64_C(99999999999900)},
	{"1e3", false, 0},
	{" 1", false, 0},
	{"1 ", false, 0},
	{"-1", false, 0},
	{"+1", false, 0},
	{"1.234", false, 0},
	{"0012", false, 0},
	{"00", false, 0},
	{"01.5", false, 0},
	{"1000000000000", false, 0}, /* 13 integer digits */
	{"1.", false, 0},
	{".5", false, 0},
	{"", false, 0},
	{"1,5", false, 0},
	{"１", false, 0}, /* a full-width digit */
};

Test(util_num, money_parses_exactly_the_grammar_of_spec_3)
{
	for (size_t i = 0; i < sizeof money_cases / sizeof money_cases[0]; i++) {
		const parse_case *c = &money_cases[i];
		adj_fen v = -7;
		bool ok = adj_fen_parse(c->text, strlen(c->text), &v);
		cr_expect_eq(ok, c->ok, "\"%s\": expected %s", c->text, c->ok ? "accepted" : "refused");
		if (c->ok)
			cr_expect_eq(v, c->value, "\"%s\" -> %lld, expected %lld", c->text, (long long)v,
			             (long long)c->value);
	}
}

static const parse_case qty_cases[] = {
	{"1", true, 1000},
	{"2.5", true, 2500},
	{"0.125", true, 125},
	{"0", true, 0},
	{"9999999.999", true, INT64_C(9999999999)},
	{"10000000", false, 0}, /* 8 integer digits */
	{"1.2345", false, 0},
	{"01", false, 0},
	{"-1", false, 0},
	{"1e2", false, 0},
};

Test(util_num, quantities_are_thousandths_with_at_most_seven_integer_digits)
{
	for (size_t i = 0; i < sizeof qty_cases / sizeof qty_cases[0]; i++) {
		const parse_case *c = &qty_cases[i];
		adj_milli v = -7;
		bool ok = adj_milli_parse(c->text, strlen(c->text), &v);
		cr_expect_eq(ok, c->ok, "\"%s\"", c->text);
		if (c->ok)
			cr_expect_eq(v, c->value, "\"%s\" -> %lld", c->text, (long long)v);
	}
}

static const parse_case bp_cases[] = {
	{"85", true, 8500},
	{"100", true, 10000},
	{"100.00", true, 10000},
	{"12.5", true, 1250},
	{"0.01", true, 1},
	{"05", true, 500}, /* the grammar allows two digits with a leading zero */
	{"0", true, 0},
	{"100.01", false, 0},
	{"101", false, 0},
	{"200", false, 0},
	{"1.234", false, 0},
	{"-5", false, 0},
	{"", false, 0},
	{"85%", false, 0},
};

Test(util_num, percentages_become_basis_points_at_most_100)
{
	for (size_t i = 0; i < sizeof bp_cases / sizeof bp_cases[0]; i++) {
		const parse_case *c = &bp_cases[i];
		adj_bp v = -7;
		bool ok = adj_bp_parse(c->text, strlen(c->text), &v);
		cr_expect_eq(ok, c->ok, "\"%s\"", c->text);
		if (c->ok)
			cr_expect_eq(v, c->value, "\"%s\" -> %d", c->text, v);
	}
}

Test(util_num, money_is_written_with_two_decimals_and_a_sign_when_negative)
{
	static const struct {
		int64_t v;
		const char *text;
	} cases[] = {
		{0, "0.00"}, {5, "0.05"}, {1250, "12.50"}, {130000, "1300.00"},
		{-1, "-0.01"}, {-123456, "-1234.56"}, {INT64_C(99999999999999), "999999999999.99"},
		{INT64_MIN, "-92233720368547758.08"},
	};
	char buf[ADJ_FEN_TEXT];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = adj_fen_format(cases[i].v, buf);
		cr_expect_str_eq(buf, cases[i].text);
		cr_expect_eq(n, strlen(cases[i].text));
	}
}

/* Every amount as printf would write it, two decimals after the yuan:
 * edges of each digit count and a spread of others, both signs. */
Test(util_num, money_is_written_as_printf_would)
{
	char buf[ADJ_FEN_TEXT], want[64];
	uint64_t x = UINT64_C(0x9E3779B97F4A7C15);
	int64_t p10 = 1;
	for (int round = 0; round < 200000; round++) {
		int64_t v;
		if (round < 16 * 4) { /* 10^k - 1, 10^k, 10^k + 1, 10^k + 99 */
			if (round % 4 == 0 && round)
				p10 *= 10;
			static const int64_t add[] = {-1, 0, 1, 99};
			v = p10 + add[round % 4];
		} else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			v = (int64_t)(x % (uint64_t)ADJ_FEN_MAX) >> (x % 40);
		}
		for (int sign = 0; sign < 2; sign++, v = -v) {
			uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			snprintf(want, sizeof want, "%s%llu.%02llu", v < 0 ? "-" : "",
			         (unsigned long long)(u / 100), (unsigned long long)(u % 100));
			size_t n = adj_fen_format(v, buf);
			cr_assert_str_eq(buf, want);
			cr_assert_eq(n, strlen(want));
		}
	}
}

Test(util_num, quantities_and_percents_are_written_with_the_fewest_decimals)
{
	char buf[32];
	adj_milli_format(2500, buf);
	cr_expect_str_eq(buf, "2.5");
	adj_milli_format(1000, buf);
	cr_expect_str_eq(buf, "1");
	adj_milli_format(125, buf);
	cr_expect_str_eq(buf, "0.125");
	adj_bp_format(8500, buf);
	cr_expect_str_eq(buf, "85");
	adj_bp_format(1250, buf);
	cr_expect_str_eq(buf, "12.5");
	adj_bp_format(1, buf);
	cr_expect_str_eq(buf, "0.01");
}

/* SPEC 3: share(x, bp) = (x * bp + 5000) / 10000, half-up to the fen */
Test(util_num, share_rounds_half_up_to_the_fen)
{
	static const struct {
		int64_t x;
		int bp;
		int64_t want;
	} cases[] = {
		{1000, 8500, 850},  {1, 5000, 1},   /* 0.5 fen rounds up */
		{1, 4999, 0},       {3, 5000, 2},   /* 1.5 -> 2 */
		{333, 3333, 111},   /* 110.9889 -> 111 */
		{100, 0, 0},        {100, 10000, 100},
		{0, 8500, 0},       {19999, 50, 100}, /* 99.995 -> 100 */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		adj_fen out;
		cr_assert(adj_share(cases[i].x, cases[i].bp, &out));
		cr_expect_eq(out, cases[i].want, "share(%lld, %d) = %lld, want %lld",
		             (long long)cases[i].x, cases[i].bp, (long long)out, (long long)cases[i].want);
	}
}

/* SPEC 3: price(q, p) = (q * p + 500) / 1000 */
Test(util_num, price_rounds_half_up_to_the_fen)
{
	static const struct {
		int64_t q, p, want;
	} cases[] = {
		{1000, 1250, 1250}, {2000, 1250, 2500}, {500, 1, 1},   /* 0.5 fen -> 1 */
		{499, 1, 0},        {333, 100, 33},     {2500, 333, 833}, /* 832.5 -> 833 */
		{1, 1, 0},          {125, 4, 1},        /* 0.5 -> 1 */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		adj_fen out;
		cr_assert(adj_price(cases[i].q, cases[i].p, &out));
		cr_expect_eq(out, cases[i].want, "price(%lld, %lld) = %lld", (long long)cases[i].q,
		             (long long)cases[i].p, (long long)out);
	}
}

Test(util_num, overflow_is_reported_not_wrapped)
{
	int64_t out;
	cr_expect_not(adj_add(INT64_MAX, 1, &out));
	cr_expect_not(adj_sub(INT64_MIN, 1, &out));
	cr_expect_not(adj_mul(INT64_C(4000000000), INT64_C(4000000000), &out));
	cr_expect(adj_mul(INT64_C(3000000000), 3, &out));
	cr_expect_eq(out, INT64_C(9000000000));
	/* the largest legal line: qty 9999999.999 at 999999999999.99 yuan */
	cr_expect_not(adj_price(ADJ_MILLI_MAX, ADJ_FEN_MAX, &out));
	cr_expect(adj_price(ADJ_MILLI_MAX, 100, &out));
	cr_expect_eq(out, INT64_C(1000000000)); /* 9999999.999 x 1.00 = 9999999.999 -> 10000000.00 */
	cr_expect_not(adj_share(INT64_MAX / 2, 10000, &out));
	cr_expect(adj_share(ADJ_FEN_MAX, 10000, &out));
	cr_expect_eq(out, ADJ_FEN_MAX);
}

Test(util_num, small_integers_refuse_signs_and_leading_zeros)
{
	int64_t v;
	cr_expect(adj_uint_parse("150", 3, 3, &v));
	cr_expect_eq(v, 150);
	cr_expect(adj_uint_parse("0", 1, 3, &v));
	cr_expect_not(adj_uint_parse("007", 3, 3, &v));
	cr_expect_not(adj_uint_parse("1000", 4, 3, &v));
	cr_expect_not(adj_uint_parse("-1", 2, 3, &v));
	cr_expect_not(adj_uint_parse("", 0, 3, &v));
}
