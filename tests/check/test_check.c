/*
 * test_check.c - the grammars a claim's own text is checked with
 * (SPEC 4.5: claim ids, xs:boolean, xs:dateTime).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "check/check.h"
#include "util/csv_reader.h"

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
		/* years past 9999 have the leap years of the calendar (fuzz finding) */
		{"12005-02-29T00:00:00", false},
		{"12004-02-29T00:00:00", true},
		{"12000-02-29T00:00:00", true},
		{"10100-02-29T00:00:00", false},
		{"999999999-12-31T23:59:59", true},
		{"012005-01-01T00:00:00", false},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		cr_expect_eq(adj_xs_datetime_ok(t[i].s), t[i].ok, "\"%s\"", t[i].s);
}

/* An outpatient claim whose items are the given (seq, qty) pairs. */
static bool
parse_items_of(const char *const (*items)[2], size_t n, adj_arena *arena, adj_claim *c,
               adj_verdict *v)
{
	static adj_item_raw buf[40000];
	static adj_claim_raw raw;

	for (size_t i = 0; i < n; i++)
		buf[i] = (adj_item_raw){.seq = items[i][0], .code = "X1", .date = "2005-03-01",
		                        .qty = items[i][1], .price = "1.00", .amount = "1.00",
		                        .line = (long)i + 10};
	raw = (adj_claim_raw){.id = "MZ1", .type = "outpatient", .n_member = 1,
	                      .member = "110101195001010017", .member_has_id = true,
	                      .n_visit = 1, .visit = "2005-03-01", .items = buf, .nitems = n,
	                      .arena = arena};
	return adj_claim_parse(c, &raw, v);
}

Test(check, the_first_bad_item_decides_and_a_seq_may_not_repeat)
{
	adj_arena arena;
	adj_claim c;
	adj_verdict v;
	adj_arena_init(&arena, 64u << 20);

	static const char *const good[][2] = {{"1", "1"}, {"2", "0.5"}, {"10", "2"}};
	cr_assert(parse_items_of(good, 3, &arena, &c, &v), "%s", v.value);
	cr_expect_eq(c.nlines, 3);
	cr_expect_eq(c.lines[1].qty, 500);

	/* "1" and "10" differ; "10" again does not */
	static const char *const dup[][2] = {{"1", "1"}, {"10", "1"}, {"2", "1"}, {"10", "1"}};
	adj_arena_reset(&arena);
	cr_expect_not(parse_items_of(dup, 4, &arena, &c, &v));
	cr_expect_eq(v.code, ADJ_R_C01);
	cr_expect_str_eq(v.value, "item seq 10: seq used twice in the claim");

	/* the earlier fault is reported, not the later duplicate */
	static const char *const both[][2] = {{"7", "1"}, {"8", "0"}, {"7", "1"}};
	adj_arena_reset(&arena);
	cr_expect_not(parse_items_of(both, 3, &arena, &c, &v));
	cr_expect_str_eq(v.value,
	                 "item seq 8: qty 0 is not a quantity > 0 (at most 3 decimals)");

	static const char *const badseq[][2] = {{"1", "1"}, {"01", "1"}};
	adj_arena_reset(&arena);
	cr_expect_not(parse_items_of(badseq, 2, &arena, &c, &v));
	cr_expect_str_eq(v.value, "item 2: seq \"01\" is not [1-9][0-9]{0,8}");

	/* many items: every seq distinct passes, the largest seq repeated at the end fails */
	static char seqs[20001][12];
	static const char *big[20001][2];
	for (size_t i = 0; i < 20000; i++) {
		snprintf(seqs[i], sizeof seqs[i], "%zu", 999999999 - i * 7919);
		big[i][0] = seqs[i];
		big[i][1] = "1";
	}
	adj_arena_reset(&arena);
	cr_expect(parse_items_of((const char *const (*)[2])big, 20000, &arena, &c, &v), "%s",
	          v.value);
	big[20000][0] = seqs[0];
	big[20000][1] = "1";
	adj_arena_reset(&arena);
	cr_expect_not(parse_items_of((const char *const (*)[2])big, 20001, &arena, &c, &v));
	cr_expect_str_eq(v.value, "item seq 999999999: seq used twice in the claim");
	adj_arena_free(&arena);
}

/* Fuzz findings: a member id is kept whole, whatever its length, and a
 * deciding value cut to its 255 bytes never ends inside a character. */
Test(check, long_member_ids_are_kept_whole_and_cut_values_stay_utf8)
{
	adj_arena arena;
	adj_claim c;
	adj_verdict v;
	adj_arena_init(&arena, 1u << 20);

	static char member[301];
	memset(member, '1', 297);
	memcpy(member + 297, "\xe4\xb8\xad", 4); /* 中 and the NUL */
	static adj_item_raw item = {.seq = "1", .code = "X1", .date = "2005-03-01",
	                            .qty = "1", .price = "1.00", .amount = "1.00"};
	adj_claim_raw raw = {.id = "MZ1", .type = "outpatient", .n_member = 1, .member = member,
	                     .member_has_id = true, .n_visit = 1, .visit = "2005-03-01",
	                     .items = &item, .nitems = 1, .arena = &arena};
	cr_expect_not(adj_claim_parse(&c, &raw, &v));
	cr_expect_eq(v.code, ADJ_R_C02);
	cr_expect_str_eq(c.member_text, member);
	cr_expect_eq(strlen(v.value), 255, "the value is cut at its buffer: %zu", strlen(v.value));
	cr_expect_eq(adj_utf8_text_ok(v.value, strlen(v.value)), 1);

	/* 17 ones and a two-byte character at the cut: the whole character goes */
	static char dates[400];
	size_t n = 0;
	while (n + 3 < sizeof dates - 1) {
		memcpy(dates + n, "\xe6\x97\xa5", 3); /* 日 */
		n += 3;
	}
	dates[n] = '\0';
	adj_item_raw bad = item;
	bad.date = dates;
	raw.member = "110101195001010017";
	raw.items = &bad;
	adj_arena_reset(&arena);
	cr_expect_not(adj_claim_parse(&c, &raw, &v));
	cr_expect_eq(v.code, ADJ_R_C01);
	size_t len = strlen(v.value);
	cr_expect(len <= 255 && len >= 253, "%zu", len);
	cr_expect_eq(adj_utf8_text_ok(v.value, len), 1, "the value ends inside a character");

	/* a lowercase check character is written X, in a copy */
	raw.member = "11010119500101001x";
	raw.items = &item;
	adj_arena_reset(&arena);
	(void)adj_claim_parse(&c, &raw, &v);
	cr_expect_str_eq(c.member_text, "11010119500101001X");
	cr_expect_str_eq(raw.member, "11010119500101001x");
	adj_arena_free(&arena);
}
