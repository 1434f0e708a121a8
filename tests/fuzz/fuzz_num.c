/*
 * fuzz_num.c - the grammars of SPEC 3 against independent oracles.
 *
 * The input is split on '\n'; every piece goes through every parser of
 * util/num.h, util/date.h, util/resident_id.h and the small text checks of
 * check/check.h and util/csv_reader.h. Each answer is compared with an
 * oracle written here without looking at the engine's code path:
 *  - the grammars are the SPEC's own regular expressions, run by PCRE2 with
 *    PCRE2_DOLLAR_ENDONLY (so a trailing newline or NUL cannot sneak in);
 *  - values are recomputed in __int128, dates by counting days from year 1;
 *  - whatever parses must format back to text of the grammar that parses to
 *    the same value, and a date formats back to exactly its input.
 * Pieces of 16 bytes or more are also read as two int64 (and two int32)
 * for the checked arithmetic, share() and price(), the formatters on any
 * value, and the day-number conversions.
 *
 * Found and fixed: a year of more than four digits was checked as if it
 * were 2000 (regressions/num/).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "common.h"
#include "util/csv_reader.h"
#include "util/date.h"
#include "util/num.h"
#include "util/resident_id.h"

enum { RE_FEN, RE_MILLI, RE_BP, RE_DATE, RE_FEN_OUT, RE_COUNT };
static const char *const re_src[RE_COUNT] = {
	"^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,2})?$",  /* SPEC 3 money */
	"^(0|[1-9][0-9]{0,6})(\\.[0-9]{1,3})?$",   /* SPEC 3 quantity */
	"^(100|[0-9]{1,2})(\\.[0-9]{1,2})?$",      /* SPEC 3 percentage */
	"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",            /* SPEC 3 date */
	"^-?(0|[1-9][0-9]*)\\.[0-9]{2}$",          /* adj_fen_format output */
};
static pcre2_code *re[RE_COUNT];
static pcre2_match_data *md;

static bool
re_match(int k, const char *s, size_t n)
{
	return pcre2_match(re[k], (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	for (int k = 0; k < RE_COUNT; k++) {
		int err;
		PCRE2_SIZE off;
		re[k] = pcre2_compile((PCRE2_SPTR)re_src[k], PCRE2_ZERO_TERMINATED, PCRE2_DOLLAR_ENDONLY,
		                      &err, &off, NULL);
		if (!re[k])
			abort();
	}
	md = pcre2_match_data_create(16, NULL);
	return 0;
}

/* ---- oracles ----------------------------------------------------------- */

/* Value of a fixed-point text already known to match its grammar. */
static __int128
ref_fixed_value(const char *s, size_t n, int scale)
{
	__int128 v = 0;
	size_t i = 0;
	int frac = -1;
	for (; i < n; i++) {
		if (s[i] == '.') {
			frac = 0;
			continue;
		}
		v = v * 10 + (s[i] - '0');
		if (frac >= 0)
			frac++;
	}
	for (int k = frac < 0 ? 0 : frac; k < scale; k++)
		v *= 10;
	return v;
}

static bool
ref_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
ref_mdays(long y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return d[m - 1] + (m == 2 && ref_leap(y));
}

static bool
ref_date_valid(long y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= ref_mdays(y, m);
}

/* Days since 1970-01-01, counted from 0001-01-01 the long way. */
static long
ref_days(long y, int m, int d)
{
	long yy = y - 1;
	long days = 365 * yy + yy / 4 - yy / 100 + yy / 400;
	for (int k = 1; k < m; k++)
		days += ref_mdays(y, k);
	days += d - 1;
	return days - 719162; /* 0001-01-01 .. 1970-01-01 */
}

static int
dig2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* SPEC 3 resident id, written from the SPEC text. */
static adj_rid_status
ref_rid(const char *s, size_t n, char *sex, long *birth)
{
	if (n != 18 || s[0] == '0')
		return ADJ_RID_BAD_FORMAT;
	for (int i = 0; i < 17; i++)
		if (s[i] < '0' || s[i] > '9')
			return ADJ_RID_BAD_FORMAT;
	char c = s[17];
	if (!((c >= '0' && c <= '9') || c == 'X' || c == 'x'))
		return ADJ_RID_BAD_FORMAT;
	long y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + dig2(s + 8);
	int m = dig2(s + 10), d = dig2(s + 12);
	if (y < 1900 || !ref_date_valid(y, m, d))
		return ADJ_RID_BAD_BIRTH;
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	if ("10X98765432"[sum % 11] != (c == 'x' ? 'X' : c))
		return ADJ_RID_BAD_CHECK;
	*sex = (s[16] - '0') % 2 ? 'M' : 'F';
	*birth = ref_days(y, m, dig2(s + 12));
	return ADJ_RID_OK;
}

/* Decode one UTF-8 scalar value (RFC 3629); the length, or 0 when bad. */
static size_t
ref_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, v = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, v = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, v = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* csv_reader.h adj_utf8_text_ok: UTF-8 without NUL, DEL or C0 controls
 * other than tab, CR and LF. */
static bool
ref_text_ok(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = ref_utf8(s + i, n - i, &cp);
		if (!k)
			return false;
		if ((cp < 0x20 && cp != '\t' && cp != '\r' && cp != '\n') || cp == 0x7f)
			return false;
		i += k;
	}
	return true;
}

/* SPEC 4.5 claim id: 1-64 characters without control characters (C0, DEL,
 * C1). */
static bool
ref_claim_id(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t chars = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = ref_utf8(s + i, n - i, &cp);
		if (!k || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return false;
		i += k;
		chars++;
	}
	return chars >= 1 && chars <= 64;
}

static bool
xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
ref_boolean(const char *s)
{
	size_t n = strlen(s), a = 0;
	while (a < n && xml_space(s[a]))
		a++;
	while (n > a && xml_space(s[n - 1]))
		n--;
	n -= a;
	s += a;
	if ((n == 4 && !memcmp(s, "true", 4)) || (n == 1 && s[0] == '1'))
		return 1;
	if ((n == 5 && !memcmp(s, "false", 5)) || (n == 1 && s[0] == '0'))
		return 0;
	return -1;
}

/* xs:dateTime (XML Schema 1.0 lexical space, with the value constraints:
 * a date that exists in its year, 24:00:00 only, zone within 14:00), for
 * years without a sign (negative years differ between XSD 1.0 and 1.1, so
 * they are not compared). Returns -1 for "not compared". */
static int
ref_datetime(const char *s0)
{
	size_t n = strlen(s0), a = 0;
	while (a < n && xml_space(s0[a]))
		a++;
	while (n > a && xml_space(s0[n - 1]))
		n--;
	const char *s = s0 + a;
	n -= a;
	if (n && s[0] == '-')
		return -1;
	size_t i = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	size_t ylen = i;
	if (ylen < 4 || (ylen > 4 && s[0] == '0') || ylen > 9)
		return ylen > 9 ? -1 : 0;
	long y = 0;
	for (size_t k = 0; k < ylen; k++)
		y = y * 10 + (s[k] - '0');
	if (y == 0)
		return 0;
	if (n - i < 15 || s[i] != '-' || s[i + 3] != '-' || s[i + 6] != 'T' || s[i + 9] != ':' ||
	    s[i + 12] != ':')
		return 0;
	const int offs[5] = {1, 4, 7, 10, 13};
	int v[5];
	for (int k = 0; k < 5; k++) {
		const char *p = s + i + offs[k];
		if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
			return 0;
		v[k] = dig2(p);
	}
	int mo = v[0], d = v[1], h = v[2], mi = v[3], se = v[4];
	if (mo < 1 || mo > 12 || d < 1 || d > ref_mdays(y, mo))
		return 0;
	i += 15;
	bool frac_nonzero = false;
	if (i < n && s[i] == '.') {
		size_t f = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			frac_nonzero |= s[i++] != '0';
		if (i == f)
			return 0;
	}
	if (h == 24) {
		if (mi || se || frac_nonzero)
			return 0;
	} else if (h > 23 || mi > 59 || se > 59) {
		return 0;
	}
	if (i == n)
		return 1;
	if (s[i] == 'Z')
		return i + 1 == n;
	if ((s[i] == '+' || s[i] == '-') && n - i == 6 && s[i + 3] == ':') {
		const char *z = s + i + 1;
		for (int k = 0; k < 5; k++)
			if (k != 2 && (z[k] < '0' || z[k] > '9'))
				return 0;
		int zh = dig2(z), zm = dig2(z + 3);
		return zm <= 59 && (zh < 14 || (zh == 14 && zm == 0));
	}
	return 0;
}

/* ---- the checks ---------------------------------------------------------- */

static void
check_fen(const char *s, size_t n)
{
	adj_fen v = -7;
	bool ok = adj_fen_parse(s, n, &v);
	bool want = re_match(RE_FEN, s, n);
	FZ_ASSERT(ok == want, "adj_fen_parse(\"%.*s\") = %d, grammar says %d", (int)n, s, ok, want);
	if (!ok)
		return;
	FZ_ASSERT(v == ref_fixed_value(s, n, 2), "adj_fen_parse(\"%.*s\") = %lld", (int)n, s,
	          (long long)v);
	FZ_ASSERT(v >= 0 && v <= ADJ_FEN_MAX, "money %lld out of range", (long long)v);
	char b[ADJ_FEN_TEXT + 8];
	memset(b, 'Z', sizeof b);
	size_t len = adj_fen_format(v, b);
	FZ_ASSERT(len < ADJ_FEN_TEXT && strlen(b) == len, "adj_fen_format length %zu", len);
	FZ_ASSERT(re_match(RE_FEN, b, len), "adj_fen_format(%lld) = \"%s\" is not money text",
	          (long long)v, b);
	FZ_ASSERT(len >= 3 && b[len - 3] == '.', "adj_fen_format(%lld) = \"%s\": not two decimals",
	          (long long)v, b);
	adj_fen back = -7;
	FZ_ASSERT(adj_fen_parse(b, len, &back) && back == v, "\"%s\" does not parse back to %lld", b,
	          (long long)v);
	/* with two decimals given, the text comes back exactly */
	if (n >= 3 && s[n - 3] == '.')
		FZ_ASSERT(len == n && memcmp(b, s, n) == 0, "\"%.*s\" formats back as \"%s\"", (int)n, s,
		          b);
}

static void
check_milli(const char *s, size_t n)
{
	adj_milli v = -7;
	bool ok = adj_milli_parse(s, n, &v);
	bool want = re_match(RE_MILLI, s, n);
	FZ_ASSERT(ok == want, "adj_milli_parse(\"%.*s\") = %d, grammar says %d", (int)n, s, ok, want);
	if (!ok)
		return;
	FZ_ASSERT(v == ref_fixed_value(s, n, 3), "adj_milli_parse(\"%.*s\") = %lld", (int)n, s,
	          (long long)v);
	FZ_ASSERT(v >= 0 && v <= ADJ_MILLI_MAX, "quantity %lld out of range", (long long)v);
	char b[ADJ_FEN_TEXT];
	size_t len = adj_milli_format(v, b);
	FZ_ASSERT(strlen(b) == len && re_match(RE_MILLI, b, len),
	          "adj_milli_format(%lld) = \"%s\" is not quantity text", (long long)v, b);
	FZ_ASSERT(len < 2 || b[len - 1] != '0' || !memchr(b, '.', len),
	          "adj_milli_format(%lld) = \"%s\": not the fewest decimals", (long long)v, b);
	adj_milli back = -7;
	FZ_ASSERT(adj_milli_parse(b, len, &back) && back == v, "\"%s\" does not parse back to %lld",
	          b, (long long)v);
}

static void
check_bp(const char *s, size_t n)
{
	adj_bp v = -7;
	bool ok = adj_bp_parse(s, n, &v);
	bool want = re_match(RE_BP, s, n) && ref_fixed_value(s, n, 2) <= 10000;
	FZ_ASSERT(ok == want, "adj_bp_parse(\"%.*s\") = %d, grammar says %d", (int)n, s, ok, want);
	if (!ok)
		return;
	FZ_ASSERT(v == ref_fixed_value(s, n, 2), "adj_bp_parse(\"%.*s\") = %d", (int)n, s, (int)v);
	char b[ADJ_FEN_TEXT];
	size_t len = adj_bp_format(v, b);
	FZ_ASSERT(strlen(b) == len && re_match(RE_BP, b, len),
	          "adj_bp_format(%d) = \"%s\" is not percentage text", (int)v, b);
	adj_bp back = -7;
	FZ_ASSERT(adj_bp_parse(b, len, &back) && back == v, "\"%s\" does not parse back to %d", b,
	          (int)v);
}

static void
check_uint(const char *s, size_t n)
{
	static const int maxes[] = {0, 1, 2, 4, 9, 18, 19};
	for (size_t k = 0; k < sizeof maxes / sizeof maxes[0]; k++) {
		int max = maxes[k];
		int64_t v = -7;
		bool ok = adj_uint_parse(s, n, max, &v);
		bool want = n >= 1 && (long)n <= max && max <= 18 && (s[0] != '0' || n == 1);
		for (size_t i = 0; want && i < n; i++)
			want = s[i] >= '0' && s[i] <= '9';
		FZ_ASSERT(ok == want, "adj_uint_parse(\"%.*s\", %d) = %d, want %d", (int)n, s, max, ok,
		          want);
		if (ok)
			FZ_ASSERT(v == ref_fixed_value(s, n, 0), "adj_uint_parse(\"%.*s\") = %lld", (int)n, s,
			          (long long)v);
	}
}

static void
check_date(const char *s, size_t n)
{
	adj_date d = -7;
	bool ok = adj_date_parse(s, n, &d);
	bool want = re_match(RE_DATE, s, n);
	long y = 0;
	int m = 0, dd = 0;
	if (want) {
		y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + dig2(s + 2);
		m = dig2(s + 5);
		dd = dig2(s + 8);
		want = ref_date_valid(y, m, dd);
	}
	FZ_ASSERT(ok == want, "adj_date_parse(\"%.*s\") = %d, want %d", (int)n, s, ok, want);
	if (!ok)
		return;
	FZ_ASSERT(d == ref_days(y, m, dd), "adj_date_parse(\"%.*s\") = day %ld, want %ld", (int)n, s,
	          (long)d, ref_days(y, m, dd));
	char b[ADJ_DATE_TEXT];
	size_t len = adj_date_format(d, b);
	FZ_ASSERT(len == 10 && memcmp(b, s, 10) == 0 && b[10] == '\0',
	          "adj_date_format(parse(\"%.*s\")) = \"%s\"", (int)n, s, b);
	int yy, mm, d2;
	adj_date_to_ymd(d, &yy, &mm, &d2);
	FZ_ASSERT(yy == y && mm == m && d2 == dd, "adj_date_to_ymd(%ld) = %d-%d-%d", (long)d, yy, mm,
	          d2);
	FZ_ASSERT(adj_date_year(d) == y, "adj_date_year");
	FZ_ASSERT(adj_date_from_ymd((int)y, m, dd) == d, "adj_date_from_ymd");
	FZ_ASSERT(adj_age(d, d) == 0, "adj_age of a day on itself");
}

static void
check_rid(const char *s, size_t n)
{
	adj_rid r;
	memset(&r, 0x55, sizeof r);
	char sex = 0;
	long birth = 0;
	adj_rid_status st = adj_rid_check(s, n, &r);
	adj_rid_status want = ref_rid(s, n, &sex, &birth);
	FZ_ASSERT(st == want, "adj_rid_check(\"%.*s\") = %d, want %d", (int)n, s, st, want);
	FZ_ASSERT(adj_rid_status_text(st) && adj_rid_status_text(st)[0], "status text");
	if (st != ADJ_RID_OK)
		return;
	FZ_ASSERT(r.sex == sex && r.birth == birth, "adj_rid_check(\"%.*s\"): sex %c birth %ld",
	          (int)n, s, r.sex, (long)r.birth);
	FZ_ASSERT(r.id[18] == '\0' && memcmp(r.id, s, 17) == 0 &&
	              r.id[17] == (s[17] == 'x' ? 'X' : s[17]),
	          "adj_rid_check(\"%.*s\"): id \"%s\"", (int)n, s, r.id);
	FZ_ASSERT(adj_rid_check_char(s) == r.id[17], "adj_rid_check_char");
	FZ_ASSERT(adj_rid_check(r.id, 18, NULL) == ADJ_RID_OK, "normalised id not valid");
}

/* The checks on NUL-terminated text (up to the first NUL of the piece). */
static void
check_text(const char *s, size_t n)
{
	char *z = malloc(n + 1);
	if (!z)
		abort();
	memcpy(z, s, n);
	z[n] = '\0';
	size_t zn = strlen(z);

	int b = adj_xs_boolean(z);
	FZ_ASSERT(b == ref_boolean(z), "adj_xs_boolean(\"%s\") = %d", z, b);
	FZ_ASSERT(adj_xs_boolean(NULL) == -1, "adj_xs_boolean(NULL)");

	bool dt = adj_xs_datetime_ok(z);
	int want = ref_datetime(z);
	if (want >= 0)
		FZ_ASSERT(dt == (want == 1), "adj_xs_datetime_ok(\"%s\") = %d, want %d", z, dt, want);

	bool id = adj_claim_id_ok(z);
	FZ_ASSERT(id == ref_claim_id(z, zn), "adj_claim_id_ok(\"%s\") = %d", z, id);

	bool t = adj_utf8_text_ok(s, n) != 0;
	FZ_ASSERT(t == ref_text_ok(s, n), "adj_utf8_text_ok(\"%.*s\") = %d", (int)n, s, t);
	free(z);
}

/* Pieces read as binary numbers. */
static void
check_binary(const unsigned char *p, size_t n)
{
	int64_t a, b, r;
	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	__int128 A = a, B = b, R;

	R = A + B;
	bool fits = R >= INT64_MIN && R <= INT64_MAX;
	FZ_ASSERT(adj_add(a, b, &r) == fits && (!fits || r == R), "adj_add(%lld, %lld)",
	          (long long)a, (long long)b);
	R = A - B;
	fits = R >= INT64_MIN && R <= INT64_MAX;
	FZ_ASSERT(adj_sub(a, b, &r) == fits && (!fits || r == R), "adj_sub(%lld, %lld)",
	          (long long)a, (long long)b);
	R = A * B;
	fits = R >= INT64_MIN && R <= INT64_MAX;
	FZ_ASSERT(adj_mul(a, b, &r) == fits && (!fits || r == R), "adj_mul(%lld, %lld)",
	          (long long)a, (long long)b);

	/* share(x, bp) and price(q, p) on their domains */
	int64_t x = a < 0 ? -(a + 1) : a;
	int64_t y = b < 0 ? -(b + 1) : b;
	adj_bp bp = (adj_bp)(y % 10001);
	R = (__int128)x * bp + 5000;
	fits = R <= INT64_MAX;
	r = -7;
	FZ_ASSERT(adj_share(x, bp, &r) == fits && (!fits || r == R / 10000),
	          "adj_share(%lld, %d) = %lld", (long long)x, (int)bp, (long long)r);
	R = (__int128)x * y + 500;
	fits = R <= INT64_MAX;
	r = -7;
	FZ_ASSERT(adj_price(x, y, &r) == fits && (!fits || r == R / 1000),
	          "adj_price(%lld, %lld) = %lld", (long long)x, (long long)y, (long long)r);
	/* price() of a quantity and price of the grammars never overflows */
	int64_t q = x % (ADJ_MILLI_MAX + 1), pr = y % (ADJ_FEN_MAX + 1);
	FZ_ASSERT(adj_price(q, pr, &r) == ((__int128)q * pr + 500 <= INT64_MAX), "adj_price range");

	/* the formatters on any value */
	char buf[64];
	memset(buf, 'Z', sizeof buf);
	size_t len = adj_fen_format(a, buf);
	FZ_ASSERT(len < ADJ_FEN_TEXT && strlen(buf) == len && re_match(RE_FEN_OUT, buf, len),
	          "adj_fen_format(%lld) = \"%s\"", (long long)a, buf);
	__int128 back = ref_fixed_value(buf + (buf[0] == '-'), len - (buf[0] == '-'), 2);
	FZ_ASSERT((buf[0] == '-' ? -back : back) == A, "adj_fen_format(%lld) = \"%s\"", (long long)a,
	          buf);
	memset(buf, 'Z', sizeof buf);
	len = adj_milli_format(a, buf);
	FZ_ASSERT(len < ADJ_FEN_TEXT && strlen(buf) == len, "adj_milli_format(%lld) = \"%s\"",
	          (long long)a, buf);
	back = ref_fixed_value(buf + (buf[0] == '-'), len - (buf[0] == '-'), 3);
	FZ_ASSERT((buf[0] == '-' ? -back : back) == A, "adj_milli_format(%lld) = \"%s\"",
	          (long long)a, buf);
	int32_t i32;
	memcpy(&i32, p, 4);
	memset(buf, 'Z', sizeof buf);
	len = adj_bp_format(i32, buf);
	FZ_ASSERT(strlen(buf) == len, "adj_bp_format(%d)", (int)i32);
	back = ref_fixed_value(buf + (buf[0] == '-'), len - (buf[0] == '-'), 2);
	FZ_ASSERT((buf[0] == '-' ? -back : back) == i32, "adj_bp_format(%d) = \"%s\"", (int)i32, buf);

	/* day numbers of years 1..9999 */
	const int32_t lo = (int32_t)ref_days(1, 1, 1), hi = (int32_t)ref_days(9999, 12, 31);
	int32_t d1, d2;
	memcpy(&d1, p, 4);
	memcpy(&d2, p + 4, 4);
	uint32_t span = (uint32_t)(hi - lo) + 1;
	d1 = lo + (int32_t)((uint32_t)d1 % span);
	d2 = lo + (int32_t)((uint32_t)d2 % span);
	int y1, m1, dd1, y2, m2, dd2;
	adj_date_to_ymd(d1, &y1, &m1, &dd1);
	FZ_ASSERT(ref_date_valid(y1, m1, dd1) && ref_days(y1, m1, dd1) == d1,
	          "adj_date_to_ymd(%ld) = %d-%d-%d", (long)d1, y1, m1, dd1);
	FZ_ASSERT(adj_date_from_ymd(y1, m1, dd1) == d1, "adj_date_from_ymd");
	char t[ADJ_DATE_TEXT];
	adj_date pd;
	FZ_ASSERT(adj_date_format(d1, t) == 10 && adj_date_parse(t, 10, &pd) && pd == d1,
	          "day %ld formats as \"%s\"", (long)d1, t);
	/* SPEC 3 age: completed years by (month, day) comparison */
	adj_date_to_ymd(d2, &y2, &m2, &dd2);
	int age = y2 - y1 - (m2 < m1 || (m2 == m1 && dd2 < dd1));
	FZ_ASSERT(adj_age(d1, d2) == age, "adj_age(%d-%d-%d, %d-%d-%d) = %d, want %d", y1, m1, dd1,
	          y2, m2, dd2, adj_age(d1, d2), age);
	FZ_ASSERT((adj_age(d1, d2) < 0) == (d2 < d1), "adj_age sign");
	FZ_ASSERT(adj_date_format(ADJ_DATE_NONE, t) == 0 && t[0] == '\0', "ADJ_DATE_NONE");
	(void)n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t start = 0;
	while (start <= size) {
		const char *nl = memchr(s + start, '\n', size - start);
		size_t end = nl ? (size_t)(nl - s) : size;
		const char *piece = s + start;
		size_t n = end - start;
		check_fen(piece, n);
		check_milli(piece, n);
		check_bp(piece, n);
		check_uint(piece, n);
		check_date(piece, n);
		check_rid(piece, n);
		check_text(piece, n);
		if (n >= 16)
			check_binary((const unsigned char *)piece, n);
		start = end + 1;
	}
	return 0;
}
