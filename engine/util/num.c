/*
 * num.c - fixed-point parsing, formatting and checked arithmetic (SPEC 3).
 *
 * The parsers are hand-written state machines over the exact grammars of the
 * contract rather than regexes: they run on the per-line hot path of the
 * intake and must never accept what the grammar refuses ("1e3", " 1", "-1",
 * "1.234", "0012", a thirteenth integer digit).
 */
#include "num.h"

#include <string.h>

bool
adj_add(int64_t a, int64_t b, int64_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}

bool
adj_sub(int64_t a, int64_t b, int64_t *out)
{
	return !__builtin_sub_overflow(a, b, out);
}

bool
adj_mul(int64_t a, int64_t b, int64_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

/* Shared grammar: an integer part of 1..int_max digits without a leading
 * zero (a lone "0" is fine), then optionally '.' and 1..frac_max digits.
 * The value is scaled to frac_max decimals. */
static bool
parse_fixed(const char *s, size_t n, int int_max, int frac_max, int64_t *out)
{
	size_t i = 0;
	int64_t v = 0;
	int digits = 0;

	if (n == 0)
		return false;
	if (s[0] == '0') {
		i = 1;
	} else {
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (++digits > int_max)
				return false;
			v = v * 10 + (s[i] - '0');
			i++;
		}
		if (digits == 0)
			return false;
	}
	int frac = 0;
	if (i < n) {
		if (s[i] != '.')
			return false;
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (++frac > frac_max)
				return false;
			v = v * 10 + (s[i] - '0');
			i++;
		}
		if (frac == 0 || i != n)
			return false;
	}
	for (; frac < frac_max; frac++)
		v *= 10;
	*out = v;
	return true;
}

bool
adj_fen_parse(const char *s, size_t n, adj_fen *out)
{
	return parse_fixed(s, n, 12, 2, out);
}

bool
adj_milli_parse(const char *s, size_t n, adj_milli *out)
{
	return parse_fixed(s, n, 7, 3, out);
}

bool
adj_bp_parse(const char *s, size_t n, adj_bp *out)
{
	int64_t v;

	/* (100|[0-9]{1,2}): two digits may start with 0 ("05"), three may not */
	size_t int_len = 0;
	while (int_len < n && s[int_len] >= '0' && s[int_len] <= '9')
		int_len++;
	if (int_len == 0 || int_len > 3)
		return false;
	if (int_len == 3 && memcmp(s, "100", 3) != 0)
		return false;
	v = 0;
	for (size_t i = 0; i < int_len; i++)
		v = v * 10 + (s[i] - '0');
	int frac = 0;
	size_t i = int_len;
	if (i < n) {
		if (s[i] != '.')
			return false;
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (++frac > 2)
				return false;
			v = v * 10 + (s[i] - '0');
		}
		if (frac == 0 || i != n)
			return false;
	}
	for (; frac < 2; frac++)
		v *= 10;
	if (v > ADJ_BP_MAX)
		return false;
	*out = (adj_bp)v;
	return true;
}

bool
adj_uint_parse(const char *s, size_t n, int max_digits, int64_t *out)
{
	int64_t v = 0;

	if (n == 0 || (int)n > max_digits || max_digits > 18)
		return false;
	if (s[0] == '0' && n > 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Write |v| / 10^scale with exactly `keep` decimals, or the fewest that are
 * exact when keep < 0. */
static size_t
format_fixed(int64_t v, int scale, int keep, char *buf)
{
	char tmp[32];
	size_t n = 0, len = 0;
	uint64_t u;
	int64_t div = 1;

	for (int k = 0; k < scale; k++)
		div *= 10;
	if (v < 0) {
		buf[len++] = '-';
		u = (uint64_t)0 - (uint64_t)v;
	} else {
		u = (uint64_t)v;
	}
	uint64_t ip = u / (uint64_t)div, fp = u % (uint64_t)div;
	do {
		tmp[n++] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip);
	while (n)
		buf[len++] = tmp[--n];
	int decimals = keep;
	if (keep < 0) {
		decimals = scale;
		while (decimals > 0 && fp % 10 == 0) {
			fp /= 10;
			decimals--;
		}
	}
	if (decimals > 0) {
		buf[len++] = '.';
		for (int k = decimals - 1; k >= 0; k--) {
			uint64_t p = 1;
			for (int j = 0; j < k; j++)
				p *= 10;
			buf[len++] = (char)('0' + (fp / p) % 10);
		}
	}
	buf[len] = '\0';
	return len;
}

size_t
adj_fen_format(adj_fen v, char *buf)
{
	/* the hot path of the remittance (six amounts an item): digits written
	 * backwards two at a time, no loops over powers of ten */
	static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
	                               "25262728293031323334353637383940414243444546474849"
	                               "50515253545556575859606162636465666768697071727374"
	                               "75767778798081828384858687888990919293949596979899";
	char t[ADJ_FEN_TEXT];
	size_t n = sizeof t;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	n -= 2;
	memcpy(t + n, pairs + 2 * (u % 100), 2);
	u /= 100;
	t[--n] = '.';
	while (u >= 100) {
		n -= 2;
		memcpy(t + n, pairs + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10) {
		n -= 2;
		memcpy(t + n, pairs + 2 * u, 2);
	} else {
		t[--n] = (char)('0' + u);
	}
	if (v < 0)
		t[--n] = '-';
	size_t len = sizeof t - n;
	memcpy(buf, t + n, len);
	buf[len] = '\0';
	return len;
}

size_t
adj_milli_format(adj_milli v, char *buf)
{
	return format_fixed(v, 3, -1, buf);
}

size_t
adj_bp_format(adj_bp v, char *buf)
{
	return format_fixed(v, 2, -1, buf);
}

/* SPEC 3: share(x, bp) = (x * bp + 5000) / 10000 */
bool
adj_share(adj_fen x, adj_bp bp, adj_fen *out)
{
	int64_t t;

	if (!adj_mul(x, bp, &t) || !adj_add(t, 5000, &t))
		return false;
	*out = t / 10000;
	return true;
}

/* SPEC 3: price(q, p) = (q * p + 500) / 1000 */
bool
adj_price(adj_milli q, adj_fen p, adj_fen *out)
{
	int64_t t;

	if (!adj_mul(q, p, &t) || !adj_add(t, 500, &t))
		return false;
	*out = t / 1000;
	return true;
}
