/*
 * num.h - money, quantities, percentages and checked int64 arithmetic.
 *
 * Design (SPEC 3): every amount is an int64_t count of fen (0.01 yuan), every
 * quantity an int64_t count of thousandths, every percentage an int32_t count
 * of basis points (1% = 100 bp). Nothing here ever touches floating point.
 * The two roundings of the contract live here and nowhere else:
 *   share(x, bp) = (x * bp + 5000) / 10000     half-up to the fen
 *   price(q, p)  = (q * p + 500) / 1000        half-up to the fen
 * Every function that can overflow reports it instead of wrapping.
 */
#ifndef ADJ_UTIL_NUM_H
#define ADJ_UTIL_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t adj_fen;   /* money in fen */
typedef int64_t adj_milli; /* quantity in thousandths */
typedef int32_t adj_bp;    /* percentage in basis points, 0..10000 */

/* Largest amount the money grammar admits: 999999999999.99 yuan. */
#define ADJ_FEN_MAX INT64_C(99999999999999)
/* Largest quantity the quantity grammar admits: 9999999.999. */
#define ADJ_MILLI_MAX INT64_C(9999999999)
#define ADJ_BP_MAX 10000

/* Longest text adj_fen_format writes, NUL included ("-" + 19 digits + "." + 2). */
#define ADJ_FEN_TEXT 24

/*
 * Parse decimal yuan of SPEC 3 (^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$) from
 * the n bytes at s (not NUL-terminated necessarily). Returns true and sets
 * *out on success; false on any deviation (sign, exponent, space, extra
 * digit, leading zero).
 */
bool adj_fen_parse(const char *s, size_t n, adj_fen *out);

/*
 * Write v as decimal yuan with exactly two decimals into buf (at least
 * ADJ_FEN_TEXT bytes); a negative v gets a leading '-'. Returns the length.
 */
size_t adj_fen_format(adj_fen v, char *buf);

/* Parse a quantity (^(0|[1-9][0-9]{0,6})(\.[0-9]{1,3})?$) into thousandths.
 * Zero parses; callers that need "> 0" check it themselves. */
bool adj_milli_parse(const char *s, size_t n, adj_milli *out);

/* Write a quantity in thousandths with the fewest decimals (1, 2.5, 0.125). */
size_t adj_milli_format(adj_milli v, char *buf);

/* Parse a percentage (^(100|[0-9]{1,2})(\.[0-9]{1,2})?$, at most 100) into
 * basis points. */
bool adj_bp_parse(const char *s, size_t n, adj_bp *out);

/* Write basis points as a percentage with the fewest decimals (85, 12.5). */
size_t adj_bp_format(adj_bp v, char *buf);

/* Checked int64 arithmetic: return false (leaving *out unspecified) when the
 * exact result does not fit in int64_t. */
bool adj_add(int64_t a, int64_t b, int64_t *out);
bool adj_sub(int64_t a, int64_t b, int64_t *out);
bool adj_mul(int64_t a, int64_t b, int64_t *out);

/* SPEC 3 share(): (x * bp + 5000) / 10000, x >= 0, 0 <= bp <= 10000.
 * Returns false on overflow. */
bool adj_share(adj_fen x, adj_bp bp, adj_fen *out);

/* SPEC 3 price(): (q * p + 500) / 1000 for q thousandths and p fen, both
 * >= 0. Returns false on overflow. */
bool adj_price(adj_milli q, adj_fen p, adj_fen *out);

/* Parse a small unsigned decimal integer (no sign, no leading zero unless it
 * is "0") of at most max_digits digits. */
bool adj_uint_parse(const char *s, size_t n, int max_digits, int64_t *out);

static inline int64_t adj_min64(int64_t a, int64_t b) { return a < b ? a : b; }
static inline int64_t adj_max64(int64_t a, int64_t b) { return a > b ? a : b; }

#endif
