/*
 * test_pattern.c - PCRE2 code formats and catalog patterns (SPEC 3).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "util/pattern.h"

static adj_pattern *
compile(const char *src)
{
	adj_pattern *p = NULL;
	char err[200];
	cr_assert_eq(adj_pattern_compile(src, strlen(src), &p, err, sizeof err), 0, "%s: %s", src, err);
	return p;
}

static int
match(adj_pattern *p, const char *s)
{
	return adj_pattern_match(p, s, strlen(s));
}

Test(util_pattern, dollar_does_not_accept_a_trailing_newline)
{
	adj_pattern *p = compile("^H[0-9]{11}$");
	cr_expect_eq(match(p, "H12010300017"), ADJ_PATTERN_MATCH);
	cr_expect_eq(match(p, "H12010300017\n"), ADJ_PATTERN_NOMATCH);
	cr_expect_eq(match(p, "H1201030001"), ADJ_PATTERN_NOMATCH);
	adj_pattern_free(p);
}

Test(util_pattern, patterns_match_as_a_search_unless_anchored)
{
	adj_pattern *p = compile("K35");
	cr_expect_eq(match(p, "K35.900"), ADJ_PATTERN_MATCH);
	cr_expect_eq(match(p, "AK35"), ADJ_PATTERN_MATCH);
	adj_pattern_free(p);
	p = compile("^K35\\.");
	cr_expect_eq(match(p, "AK35.9"), ADJ_PATTERN_NOMATCH);
	cr_expect_eq(match(p, "K35.900"), ADJ_PATTERN_MATCH);
	adj_pattern_free(p);
}

Test(util_pattern, classes_are_ascii_only)
{
	adj_pattern *p = compile("^[0-9]{2}\\.\\d+$");
	cr_expect_eq(match(p, "47.0901"), ADJ_PATTERN_MATCH);
	cr_expect_eq(match(p, "47.\xef\xbc\x91"), ADJ_PATTERN_NOMATCH); /* full-width 1 */
	adj_pattern_free(p);
}

Test(util_pattern, the_spec_diagnosis_format_accepts_the_icd_shapes)
{
	adj_pattern *p = compile("^[A-Z][0-9]{2}\\.[0-9x][0-9]{2}(x[0-9]{3})?$");
	cr_expect_eq(match(p, "K35.900"), ADJ_PATTERN_MATCH);
	cr_expect_eq(match(p, "I10.x00"), ADJ_PATTERN_MATCH);
	cr_expect_eq(match(p, "K80.100x001"), ADJ_PATTERN_MATCH);
	cr_expect_eq(match(p, "k35.900"), ADJ_PATTERN_NOMATCH);
	adj_pattern_free(p);
}

Test(util_pattern, catastrophic_backtracking_stops_at_the_match_limit)
{
	adj_pattern *p = compile("^(a+)+$");
	char s[64];
	memset(s, 'a', 40);
	s[40] = 'b';
	s[41] = '\0';
	cr_expect_eq(match(p, s), ADJ_PATTERN_LIMIT);
	cr_expect_not(adj_pattern_is_tame(p));
	adj_pattern_free(p);
	p = compile("^(a|aa)+$");
	cr_expect_not(adj_pattern_is_tame(p));
	adj_pattern_free(p);
	p = compile("^(\\w+\\s?)*$");
	cr_expect_not(adj_pattern_is_tame(p));
	adj_pattern_free(p);
	/* PCRE2's required-character check defuses this classic: no "y", no work */
	p = compile("(x+x+)+y");
	cr_expect(adj_pattern_is_tame(p));
	adj_pattern_free(p);
}

Test(util_pattern, ordinary_patterns_are_tame)
{
	const char *ok[] = {"^K35\\.", "^(K70|K74)\\.", "^X[A-Z][0-9]{2}[A-Z]{3}[0-9]{3}[A-Z][0-9]{3}[0-9]{9}$",
	                    "^[0-9]{2}\\.[0-9]{2,4}(x[0-9]{3})?$", "E1[0-4]"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		adj_pattern *p = compile(ok[i]);
		cr_expect(adj_pattern_is_tame(p), "%s", ok[i]);
		cr_expect_str_eq(adj_pattern_source(p), ok[i]);
		adj_pattern_free(p);
	}
}

Test(util_pattern, a_pattern_that_does_not_compile_says_where)
{
	adj_pattern *p = NULL;
	char err[200];
	cr_expect_eq(adj_pattern_compile("^(K35", 5, &p, err, sizeof err), -1);
	cr_expect_null(p);
	cr_expect(strstr(err, "offset 5") != NULL, "%s", err);
}
