/*
 * test_pattern.c - PCRE2 code formats and catalog patterns (SPEC 3).
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
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

/* The parsing thread matches the item and code formats through its own
 * scratch while the engine thread may match the same patterns through
 * theirs: the results are those of the pattern's own match data, limits
 * included. */
Test(util_pattern, a_scratch_matches_as_the_pattern_itself)
{
	static const char *const pats[] = {"^H[0-9]{11}$", "^(X[A-Z][0-9]{2})([A-Z]{3})([0-9]{3})", "K35",
	                                   "^(a+)+$"};
	static const char *const subjects[] = {"H12010300017", "H1201030001", "XC01AAA001A0148",
	                                       "xc01AAA001", "AK35.9", "", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"};
	adj_pattern_scratch *s = adj_pattern_scratch_new();
	cr_assert_not_null(s);
	int matches = 0, limits = 0;
	for (size_t i = 0; i < sizeof pats / sizeof *pats; i++) {
		adj_pattern *p = compile(pats[i]);
		for (size_t k = 0; k < sizeof subjects / sizeof *subjects; k++) {
			int with = adj_pattern_match_in(p, s, subjects[k], strlen(subjects[k]));
			cr_expect_eq(with, match(p, subjects[k]), "%s on \"%s\"", pats[i], subjects[k]);
			matches += with == ADJ_PATTERN_MATCH;
			limits += with == ADJ_PATTERN_LIMIT;
		}
		adj_pattern_free(p);
	}
	cr_expect_eq(matches, 3); /* H12010300017, XC01AAA001A0148, AK35.9 */
	cr_expect_eq(limits, 1);  /* (a+)+ on the a...b */
	adj_pattern_scratch_free(s);
}

/* What keeps the two threads apart: a match through a scratch writes the
 * scratch, not the pattern's own match data. */
Test(util_pattern, a_match_through_a_scratch_leaves_the_patterns_own_data_alone)
{
	adj_pattern *p = compile("a+");
	adj_pattern_scratch *s = adj_pattern_scratch_new();
	cr_assert_not_null(s);
	cr_assert_eq(match(p, "xaaaa"), ADJ_PATTERN_MATCH);
	cr_expect_eq(adj_pattern_own_match_end(p), 5);
	cr_assert_eq(adj_pattern_match_in(p, s, "aa", 2), ADJ_PATTERN_MATCH);
	cr_expect_eq(adj_pattern_own_match_end(p), 5);
	cr_assert_eq(adj_pattern_match_in(p, NULL, "aa", 2), ADJ_PATTERN_MATCH);
	cr_expect_eq(adj_pattern_own_match_end(p), 2);
	adj_pattern_scratch_free(s);
	adj_pattern_free(p);
}

typedef struct pattern_race {
	const adj_pattern *p;
	adj_pattern_scratch *s; /* NULL: the pattern's own */
	int len;                /* of every subject it matches */
	int wrong;
} pattern_race;

static void *
race_matcher(void *v)
{
	pattern_race *r = v;
	char code[32];
	for (int i = 0; i < 100000; i++) {
		bool good = i % 3 != 0;
		snprintf(code, sizeof code, "%cC%0*d", good ? 'X' : 'Y', r->len - 2, i);
		int m = adj_pattern_match_in(r->p, r->s, code, strlen(code));
		r->wrong += m != (good ? ADJ_PATTERN_MATCH : ADJ_PATTERN_NOMATCH);
		/* the pattern's own match data still says where this thread's
		 * last match ended: the other thread wrote only its scratch */
		if (!r->s && good && adj_pattern_own_match_end(r->p) != (size_t)r->len)
			r->wrong++;
	}
	return NULL;
}

/* Both threads at once on one pattern, subjects of different lengths: right
 * answers on both sides, and the pattern's own match data only ever holds
 * the matches of the thread that uses it (a match through the scratch
 * writing it too shows there as the other thread's length). */
Test(util_pattern, two_threads_match_one_pattern_when_one_brings_a_scratch)
{
	adj_pattern *p = compile("^X[A-Z][0-9]+");
	pattern_race a = {p, NULL, 10, 0}, b = {p, adj_pattern_scratch_new(), 14, 0};
	cr_assert_not_null(b.s);
	pthread_t t;
	cr_assert_eq(pthread_create(&t, NULL, race_matcher, &b), 0);
	race_matcher(&a);
	pthread_join(t, NULL);
	cr_expect_eq(a.wrong, 0);
	cr_expect_eq(b.wrong, 0);
	adj_pattern_scratch_free(b.s);
	adj_pattern_free(p);
}
