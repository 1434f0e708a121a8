/*
 * gen_batch.c: a deterministic, seeded, streaming generator of claim batches
 * (SPEC 4.5) for tests and benchmarks.
 *
 * Design note
 * -----------
 * Input is one catalog folder (SPEC 4): drugs.csv, treatments.csv,
 * facilities.csv, single_disease.csv, hospitals.csv, members.csv and, when
 * present, policy.xml, of which only the six code formats and the key of each
 * benefit (scheme, year, claim type, category, tier) are read. The catalog is
 * loaded once and is read-only afterwards; it is the only thing held in
 * memory in proportion to its size.
 *
 * Output is one batch written front to back through a fixed 4 MiB buffer.
 * Nothing grows with the batch. The run state that does exist is bounded:
 *   - one claim under construction (at most LINES_CAP lines, no malloc);
 *   - a ring of the last RING_N claims, the only memory of earlier claims,
 *     used to duplicate an id (C07), overlap a stay (C08) and void or replace
 *     a claim (C09);
 *   - a 366-bit stay calendar per member, so that clean inpatient claims of
 *     one member never overlap (no accidental C08).
 *
 * Determinism: one xoshiro256** stream seeded through splitmix64 from --seed.
 * No clock, address or hash-table order reaches the output; the same
 * arguments and the same catalog give the same bytes, and the first N claims
 * of a --size run are those of a --claims N run.
 *
 * Clean claims are built to pass every claim check of SPEC 5.1 and every
 * line rejection and self-pay rule of SPEC 5.2 against an empty ledger
 * (normal adjustments L21, L22, L23 do occur). About --problems percent of
 * the claims carry one deliberate problem (enum kind below; README.md lists
 * them); --manifest writes one line per such claim with the expected code.
 *
 * Arithmetic: money is int64 fen, quantities int64 thousandths, and a line's
 * amount is price(q, p) = (q * p + 500) / 1000 exactly as SPEC 3 says; no
 * floating point touches a number that is written into the batch.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Exit statuses, as the adjudicator's (SPEC 6). */
#define GEN_EX_USAGE 64
#define GEN_EX_DATAERR 65
#define GEN_EX_NOINPUT 66
#define GEN_EX_SOFTWARE 70
#define GEN_EX_CANTCREAT 73
#define GEN_EX_IOERR 74

#define OUT_CAP (4u << 20)         /* output buffer */
#define CSV_MAX_RECORD (1u << 20)  /* one CSV record, bytes */
#define CSV_MAX_FIELDS 64
#define POLICY_MAX (16u << 20)     /* policy.xml, bytes */
#define LINES_CAP 512              /* lines of one claim, problems included */
#define DIAG_CAP 12
#define PROC_CAP 6
#define SCRATCH_N 24
#define ID_CAP 72                  /* claim ids are at most 64 characters */
#define RING_N 256
#define USED_N 1024                /* (row, date) set of one claim */
#define MAX_SCHEMES 64
#define MAX_CATS 64
#define STAY_WORDS 6               /* 384 bits >= 366 days */

/* ------------------------------------------------------------------------ */
/* Errors and memory                                                        */
/* ------------------------------------------------------------------------ */

static void die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Print "gen_batch: MESSAGE" to stderr and exit with STATUS. */
static void die(int status, const char *fmt, ...)
{
    va_list ap;
    fputs("gen_batch: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(status);
}

/* calloc that checks N * SIZE for overflow and never returns NULL. */
static void *xcalloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        die(GEN_EX_SOFTWARE, "allocation too large");
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die(GEN_EX_SOFTWARE, "out of memory");
    return p;
}

/* realloc of an array of N elements of SIZE bytes; never returns NULL. */
static void *xrealloc_array(void *old, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        die(GEN_EX_SOFTWARE, "allocation too large");
    void *p = realloc(old, n * size != 0 ? n * size : 1);
    if (!p)
        die(GEN_EX_SOFTWARE, "out of memory");
    return p;
}

/* A growable array of uint32 (row or member indices). */
typedef struct {
    uint32_t *v;
    uint32_t n, cap;
} u32vec;

static void u32_push(u32vec *a, uint32_t x)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->v = xrealloc_array(a->v, a->cap, sizeof *a->v);
    }
    a->v[a->n++] = x;
}

/* Bounded copy: copies at most CAP-1 bytes of SRC and terminates DST. */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* ------------------------------------------------------------------------ */
/* Random numbers: xoshiro256** seeded by splitmix64                        */
/* ------------------------------------------------------------------------ */

typedef struct {
    uint64_t s[4];
} rng_t;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng_t *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl64(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

/* Uniform in [0, n) for 0 < n <= 2^32 (multiply-shift; bias below 2^-32). */
static inline uint32_t rng_below(rng_t *r, uint64_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

/* Uniform in [lo, hi], lo <= hi. */
static inline int64_t rng_range(rng_t *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)rng_below(r, (uint64_t)(hi - lo) + 1);
}

/* True with probability PCT percent. */
static inline bool rng_pct(rng_t *r, unsigned pct)
{
    return rng_below(r, 100) < pct;
}

/* A fixed scramble of an index, for stable per-row fallback values. */
static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/* ------------------------------------------------------------------------ */
/* Dates (day numbers since 1970-01-01) and decimal fields                  */
/* ------------------------------------------------------------------------ */

#define DAY_OPEN INT32_MAX  /* an open end, or "owes nothing" */

static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

static void civil_from_days(int32_t z0, int *y, int *m, int *d)
{
    int z = z0 + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Parse "YYYY-MM-DD" (a date that exists, year 1000-9999) into *OUT. */
static bool parse_date(const char *s, int32_t *out)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s, 4) ||
        !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
        return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    *out = days_from_civil(y, m, d);
    return true;
}

/* Write the 10 characters of day Z as YYYY-MM-DD (no terminator). */
static void fmt_date10(char *dst, int32_t z)
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    dst[0] = (char)('0' + y / 1000 % 10);
    dst[1] = (char)('0' + y / 100 % 10);
    dst[2] = (char)('0' + y / 10 % 10);
    dst[3] = (char)('0' + y % 10);
    dst[4] = '-';
    dst[5] = (char)('0' + m / 10);
    dst[6] = (char)('0' + m % 10);
    dst[7] = '-';
    dst[8] = (char)('0' + d / 10);
    dst[9] = (char)('0' + d % 10);
}

/*
 * Parse an unsigned decimal with at most INT_DIGITS integer digits (no
 * leading zero) and at most FRAC_DIGITS decimals into an integer scaled by
 * 10^FRAC_DIGITS: money (12, 2) gives fen, quantities (7, 3) thousandths
 * (the patterns of SPEC 3).
 */
static bool parse_scaled(const char *s, int int_digits, int frac_digits, int64_t *out)
{
    const char *p = s;
    int64_t v = 0;
    int n = 0;
    if (*p == '0' && p[1] >= '0' && p[1] <= '9')
        return false;
    while (*p >= '0' && *p <= '9') {
        if (++n > int_digits)
            return false;
        v = v * 10 + (*p++ - '0');
    }
    if (n == 0)
        return false;
    int f = 0;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (++f > frac_digits)
                return false;
            v = v * 10 + (*p++ - '0');
        }
        if (f == 0)
            return false;
    }
    if (*p != '\0')
        return false;
    for (; f < frac_digits; f++)
        v *= 10;
    *out = v;
    return true;
}

/* Parse a small unsigned integer (at most 9 digits) into *OUT. */
static bool parse_small_uint(const char *s, long *out)
{
    long v = 0;
    size_t n = strlen(s);
    if (n == 0 || n > 9 || !all_digits(s, n))
        return false;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    *out = v;
    return true;
}

/* Parse an unsigned 64-bit decimal (command-line numbers). */
static bool parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned dgt = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - dgt) / 10)
            return false;
        v = v * 10 + dgt;
    }
    *out = v;
    return true;
}

/* SPEC 3: price(q, p) = (q * p + 500) / 1000, q thousandths, p fen.
 * The generator's quantities and prices keep q * p far below 2^63. */
static inline int64_t price_of(int64_t q, int64_t p)
{
    return (q * p + 500) / 1000;
}

/* ------------------------------------------------------------------------ */
/* Resident ids (GB 11643, SPEC 3)                                          */
/* ------------------------------------------------------------------------ */

/* The check character of the first 17 digits of ID. */
static char id_check_char(const char *id)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char map[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (id[i] - '0') * w[i];
    return map[sum % 11];
}

/* ------------------------------------------------------------------------ */
/* A small regular-expression engine                                         */
/*                                                                           */
/* Enough of PCRE2 for the code formats and the catalog patterns: literals,  */
/* escapes, '.', classes, groups with alternation, anchors and the usual     */
/* quantifiers. Used to (a) build codes that match a catalog pattern and a   */
/* code format (single-disease diagnoses, diagnoses for restricted items)    */
/* and (b) check that a generated code matches or misses a pattern. A        */
/* pattern outside this subset is "unsupported": rows that need it are       */
/* simply not used where a match would matter.                               */
/* ------------------------------------------------------------------------ */

#define RX_NODES 64
#define RX_ALTS 16
enum { RX_SET, RX_GROUP, RX_BOL, RX_EOL };

typedef struct {
    uint8_t type;
    int8_t nalt;
    int16_t min, max;       /* repetition; max < 0: unbounded */
    int16_t next;           /* next node of the sequence, -1: end */
    int16_t alt[RX_ALTS];   /* first node of each alternative, -1: empty */
    uint8_t set[32];        /* RX_SET: the bytes it accepts */
} rx_node;

typedef struct {
    rx_node node[RX_NODES];
    int nnode;
    int root;               /* a group node */
} rx_t;

typedef struct {
    rx_t *rx;
    const char *s;
    bool err;
} rx_parser;

static inline void set_add(uint8_t *set, unsigned c)
{
    set[c >> 3] = (uint8_t)(set[c >> 3] | (1u << (c & 7)));
}

static inline bool set_has(const uint8_t *set, unsigned c)
{
    return (set[c >> 3] >> (c & 7)) & 1u;
}

static bool is_alnum_ascii(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int rx_new(rx_parser *p, int type)
{
    if (p->rx->nnode >= RX_NODES) {
        p->err = true;
        return -1;
    }
    int i = p->rx->nnode++;
    rx_node *n = &p->rx->node[i];
    memset(n, 0, sizeof *n);
    n->type = (uint8_t)type;
    n->min = n->max = 1;
    n->next = -1;
    return i;
}

/* \d \w \s and their negations into SET; false if E is no class letter. */
static bool rx_escape_class(uint8_t *set, char e)
{
    uint8_t tmp[32] = {0};
    char lower = (char)(e | 0x20);
    if (lower == 'd') {
        for (unsigned c = '0'; c <= '9'; c++)
            set_add(tmp, c);
    } else if (lower == 'w') {
        for (unsigned c = 0; c < 128; c++)
            if (is_alnum_ascii((char)c) || c == '_')
                set_add(tmp, c);
    } else if (lower == 's') {
        const char *ws = " \t\n\r\f\v";
        for (; *ws; ws++)
            set_add(tmp, (unsigned char)*ws);
    } else {
        return false;
    }
    bool neg = e >= 'A' && e <= 'Z';
    for (int i = 0; i < 32; i++)
        set[i] = (uint8_t)(set[i] | (neg ? (uint8_t)~tmp[i] : tmp[i]));
    return true;
}

static int rx_alt(rx_parser *p);

/* One escaped literal after a backslash: punctuation only. */
static bool rx_escaped_literal(rx_parser *p, unsigned *out)
{
    char e = p->s[1];
    if (!e || is_alnum_ascii(e))
        return false;
    *out = (unsigned char)e;
    p->s += 2;
    return true;
}

static int rx_class(rx_parser *p, int n)
{
    uint8_t tmp[32] = {0};
    bool neg = false, first = true;
    p->s++;
    if (*p->s == '^') {
        neg = true;
        p->s++;
    }
    for (;;) {
        char c0 = *p->s;
        unsigned lo;
        if (!c0 || (c0 == '[' && p->s[1] == ':')) {
            p->err = true;
            return -1;
        }
        if (c0 == ']' && !first) {
            p->s++;
            break;
        }
        first = false;
        if (c0 == '\\') {
            if (p->s[1] && rx_escape_class(tmp, p->s[1])) {
                p->s += 2;
                continue;
            }
            if (!rx_escaped_literal(p, &lo)) {
                p->err = true;
                return -1;
            }
        } else {
            lo = (unsigned char)c0;
            p->s++;
        }
        if (*p->s == '-' && p->s[1] && p->s[1] != ']') {
            unsigned hi;
            p->s++;
            if (*p->s == '\\') {
                if (!rx_escaped_literal(p, &hi)) {
                    p->err = true;
                    return -1;
                }
            } else {
                hi = (unsigned char)*p->s++;
            }
            if (hi < lo) {
                p->err = true;
                return -1;
            }
            for (unsigned c = lo; c <= hi; c++)
                set_add(tmp, c);
        } else {
            set_add(tmp, lo);
        }
    }
    uint8_t *set = p->rx->node[n].set;
    for (int i = 0; i < 32; i++)
        set[i] = neg ? (uint8_t)~tmp[i] : tmp[i];
    return n;
}

static int rx_atom(rx_parser *p)
{
    char ch = *p->s;
    if (ch == '(') {
        p->s++;
        if (*p->s == '?') {
            if (p->s[1] != ':') {
                p->err = true;
                return -1;
            }
            p->s += 2;
        }
        int g = rx_alt(p);
        if (p->err || *p->s != ')') {
            p->err = true;
            return -1;
        }
        p->s++;
        return g;
    }
    if (ch == '^') {
        p->s++;
        return rx_new(p, RX_BOL);
    }
    if (ch == '$') {
        p->s++;
        return rx_new(p, RX_EOL);
    }
    if (ch == '*' || ch == '+' || ch == '?' || ch == '{') {
        p->err = true;
        return -1;
    }
    int n = rx_new(p, RX_SET);
    if (n < 0)
        return -1;
    uint8_t *set = p->rx->node[n].set;
    if (ch == '.') {
        for (unsigned c = 0; c < 256; c++)
            if (c != '\n')
                set_add(set, c);
        p->s++;
        return n;
    }
    if (ch == '[')
        return rx_class(p, n);
    if (ch == '\\') {
        unsigned lit;
        if (p->s[1] && rx_escape_class(set, p->s[1])) {
            p->s += 2;
            return n;
        }
        if (!rx_escaped_literal(p, &lit)) {
            p->err = true;
            return -1;
        }
        set_add(set, lit);
        return n;
    }
    set_add(set, (unsigned char)ch);
    p->s++;
    return n;
}

/* {m}, {m,} or {m,n}, m and n at most 3 digits. */
static bool rx_braces(rx_parser *p, rx_node *nd)
{
    const char *s = p->s + 1;
    int m = 0, n, k = 0;
    while (*s >= '0' && *s <= '9' && k < 3) {
        m = m * 10 + (*s++ - '0');
        k++;
    }
    if (k == 0)
        return false;
    n = m;
    if (*s == ',') {
        s++;
        k = 0;
        n = 0;
        while (*s >= '0' && *s <= '9' && k < 3) {
            n = n * 10 + (*s++ - '0');
            k++;
        }
        if (k == 0)
            n = -1;
    }
    if (*s != '}' || (n >= 0 && n < m))
        return false;
    nd->min = (int16_t)m;
    nd->max = (int16_t)n;
    p->s = s + 1;
    return true;
}

static int rx_seq(rx_parser *p)
{
    int head = -1, tail = -1;
    while (*p->s && *p->s != '|' && *p->s != ')') {
        int n = rx_atom(p);
        if (p->err)
            return -1;
        rx_node *nd = &p->rx->node[n];
        char q = *p->s;
        if (q == '?' || q == '*' || q == '+' || q == '{') {
            if (nd->type == RX_BOL || nd->type == RX_EOL) {
                p->err = true;
                return -1;
            }
            if (q == '?') {
                nd->min = 0;
                nd->max = 1;
                p->s++;
            } else if (q == '*') {
                nd->min = 0;
                nd->max = -1;
                p->s++;
            } else if (q == '+') {
                nd->min = 1;
                nd->max = -1;
                p->s++;
            } else if (!rx_braces(p, nd)) {
                p->err = true;
                return -1;
            }
            if (*p->s == '?') {
                p->s++;            /* lazy: the same yes/no answer */
            } else if (*p->s == '+') {
                p->err = true;     /* possessive: not supported */
                return -1;
            }
        }
        if (head < 0)
            head = n;
        else
            p->rx->node[tail].next = (int16_t)n;
        tail = n;
    }
    return head;
}

static int rx_alt(rx_parser *p)
{
    int g = rx_new(p, RX_GROUP);
    if (g < 0)
        return -1;
    for (;;) {
        int first = rx_seq(p);
        if (p->err)
            return -1;
        rx_node *gn = &p->rx->node[g];
        if (gn->nalt >= RX_ALTS) {
            p->err = true;
            return -1;
        }
        gn->alt[gn->nalt++] = (int16_t)first;
        if (*p->s != '|')
            return g;
        p->s++;
    }
}

/* Compile SRC into RX; false if it is outside the supported subset. */
static bool rx_compile(rx_t *rx, const char *src)
{
    rx_parser p = {rx, src, false};
    rx->nnode = 0;
    rx->root = rx_alt(&p);
    return !p.err && *p.s == '\0';
}

typedef struct rx_frame {
    int node, count;
    size_t start;
    const struct rx_frame *up;
} rx_frame;

typedef struct {
    const rx_t *rx;
    const char *s;
    size_t len;
    long budget;     /* step limit: exhausted counts as "no match" */
} rx_run;

static bool rx_rep(rx_run *m, int n, int cnt, size_t pos, const rx_frame *k);

static bool rx_next(rx_run *m, int n, size_t pos, const rx_frame *k);

static bool rx_resume(rx_run *m, const rx_frame *k, size_t pos)
{
    if (!k)
        return true;
    const rx_node *nd = &m->rx->node[k->node];
    if (pos == k->start && k->count >= nd->min)   /* empty iteration: stop */
        return rx_next(m, nd->next, pos, k->up);
    return rx_rep(m, k->node, k->count, pos, k->up);
}

static bool rx_next(rx_run *m, int n, size_t pos, const rx_frame *k)
{
    if (n < 0)
        return rx_resume(m, k, pos);
    return rx_rep(m, n, 0, pos, k);
}

static bool rx_rep(rx_run *m, int n, int cnt, size_t pos, const rx_frame *k)
{
    if (--m->budget < 0)
        return false;
    const rx_node *nd = &m->rx->node[n];
    switch (nd->type) {
    case RX_BOL:
        return pos == 0 && rx_next(m, nd->next, pos, k);
    case RX_EOL:   /* PCRE2_DOLLAR_ENDONLY: only at the very end */
        return pos == m->len && rx_next(m, nd->next, pos, k);
    case RX_SET: {
        size_t run = 0, lim = nd->max < 0 ? SIZE_MAX : (size_t)nd->max;
        while (run < lim && pos + run < m->len &&
               set_has(nd->set, (unsigned char)m->s[pos + run]))
            run++;
        if (run < (size_t)nd->min)
            return false;
        for (size_t j = run + 1; j-- > (size_t)nd->min;)
            if (rx_next(m, nd->next, pos + j, k))
                return true;
        return false;
    }
    default:
        if (nd->max < 0 || cnt < nd->max) {
            rx_frame f = {n, cnt + 1, pos, k};
            for (int a = 0; a < nd->nalt; a++)
                if (rx_next(m, nd->alt[a], pos, &f))
                    return true;
        }
        return cnt >= nd->min && rx_next(m, nd->next, pos, k);
    }
}

/* True if RX matches somewhere in S (SPEC 3: patterns match as a search). */
static bool rx_search(const rx_t *rx, const char *s)
{
    rx_run m = {rx, s, strlen(s), 200000};
    for (size_t st = 0; st <= m.len; st++)
        if (rx_rep(&m, rx->root, 0, st, NULL))
            return true;
    return false;
}

/*
 * Append to OUT (length *LEN, capacity CAP) one string the sequence starting
 * at node N accepts, choosing alternatives and characters with R. VARY picks
 * optional repetitions at random, else the minimum. *CLOSED is set after '$'.
 */
static bool rx_gen(const rx_t *rx, int n, char *out, size_t *len, size_t cap,
                   rng_t *r, bool vary, bool *closed)
{
    for (; n >= 0; n = rx->node[n].next) {
        const rx_node *nd = &rx->node[n];
        int reps = nd->min;
        if (vary && (nd->max < 0 || nd->max > nd->min))
            reps += (int)rng_below(r, 2);
        switch (nd->type) {
        case RX_BOL:
            if (*len != 0)
                return false;
            break;
        case RX_EOL:
            *closed = true;
            break;
        case RX_SET:
            for (int i = 0; i < reps; i++) {
                char cands[96];
                int nc = 0;
                if (*closed || *len + 1 >= cap)
                    return false;
                for (unsigned c = 0x21; c < 0x7f; c++)
                    if (set_has(nd->set, c))
                        cands[nc++] = (char)c;
                if (nc == 0)
                    return false;
                out[(*len)++] = cands[rng_below(r, (uint64_t)nc)];
                out[*len] = '\0';
            }
            break;
        default:
            for (int i = 0; i < reps; i++) {
                int a = nd->alt[rng_below(r, (uint64_t)nd->nalt)];
                if (a >= 0 && !rx_gen(rx, a, out, len, cap, r, vary, closed))
                    return false;
            }
            break;
        }
    }
    return true;
}

/*
 * Build in OUT (capacity CAP) a code that matches FORMAT and, if PATTERN is
 * not NULL, PATTERN too: a prefix generated from PATTERN completed by the
 * tail of a filler (first the NICE ones, then random codes of FORMAT).
 */
static bool make_code(rng_t *r, const rx_t *pattern, const rx_t *format,
                      const char *const *nice, char *out, size_t cap)
{
    for (int attempt = 0; attempt < 48; attempt++) {
        char prefix[48] = "", filler[48] = "", cand[96];
        size_t plen = 0, flen = 0;
        bool closed = false, fclosed = false;
        if (pattern && !rx_gen(pattern, pattern->root, prefix, &plen, sizeof prefix, r,
                               false, &closed))
            continue;
        if (nice && nice[attempt % 8] && attempt < 8) {
            copy_str(filler, sizeof filler, nice[attempt]);
            flen = strlen(filler);
        } else if (!rx_gen(format, format->root, filler, &flen, sizeof filler, r, true,
                           &fclosed)) {
            continue;
        }
        memcpy(cand, prefix, plen);
        size_t n = plen;
        if (!closed && flen > plen) {
            memcpy(cand + n, filler + plen, flen - plen);
            n += flen - plen;
        }
        cand[n] = '\0';
        if (n < cap && rx_search(format, cand) && (!pattern || rx_search(pattern, cand))) {
            memcpy(out, cand, n + 1);
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* CSV (RFC 4180: quoted fields, "" escapes, CRLF or LF, BOM, empty lines)  */
/* ------------------------------------------------------------------------ */

typedef struct {
    FILE *f;
    char path[4096];
    long line;               /* physical line of the next character */
    long rec_line;           /* line where the current record starts */
    char *buf;
    size_t len, cap;
    size_t off[CSV_MAX_FIELDS];
    int nf;                  /* fields of the current record */
    int header_nf;
} csv_t;

static void csv_put(csv_t *c, char ch)
{
    if (c->len + 1 >= c->cap) {
        if (c->cap >= CSV_MAX_RECORD)
            die(GEN_EX_DATAERR, "%s:%ld: record longer than %u bytes", c->path,
                c->rec_line, CSV_MAX_RECORD);
        c->cap *= 2;
        c->buf = xrealloc_array(c->buf, c->cap, 1);
    }
    c->buf[c->len++] = ch;
}

/* Read the next non-empty record; 1 if one was read, 0 at end of file. */
static int csv_next(csv_t *c)
{
    for (;;) {
        int ch = getc_unlocked(c->f);
        bool any = false;
        if (ch == EOF) {
            if (ferror(c->f))
                die(GEN_EX_IOERR, "%s: read error", c->path);
            return 0;
        }
        c->len = 0;
        c->nf = 0;
        c->rec_line = c->line;
        c->off[c->nf++] = 0;
        for (;;) {
            if (ch == '"') {
                any = true;
                for (;;) {
                    ch = getc_unlocked(c->f);
                    if (ch == EOF)
                        die(GEN_EX_DATAERR, "%s:%ld: unterminated quoted field", c->path,
                            c->rec_line);
                    if (ch == '"') {
                        ch = getc_unlocked(c->f);
                        if (ch != '"')
                            break;
                    }
                    if (ch == '\n')
                        c->line++;
                    csv_put(c, (char)ch);
                }
                if (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF)
                    die(GEN_EX_DATAERR, "%s:%ld: text after a closing quote", c->path,
                        c->rec_line);
            } else {
                while (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF) {
                    any = true;
                    csv_put(c, (char)ch);
                    ch = getc_unlocked(c->f);
                }
            }
            if (ch == ',') {
                any = true;
                csv_put(c, '\0');
                if (c->nf >= CSV_MAX_FIELDS)
                    die(GEN_EX_DATAERR, "%s:%ld: more than %d fields", c->path, c->rec_line,
                        CSV_MAX_FIELDS);
                c->off[c->nf++] = c->len;
                ch = getc_unlocked(c->f);
                continue;
            }
            if (ch == '\r') {
                int n2 = getc_unlocked(c->f);
                if (n2 != '\n' && n2 != EOF)
                    ungetc(n2, c->f);
            }
            csv_put(c, '\0');
            c->line++;
            break;
        }
        if (!any)
            continue;   /* an empty line */
        if (c->header_nf && c->nf != c->header_nf)
            die(GEN_EX_DATAERR, "%s:%ld: %d fields, the header has %d", c->path, c->rec_line,
                c->nf, c->header_nf);
        return 1;
    }
}

static const char *csv_field(const csv_t *c, int i)
{
    return i >= 0 && i < c->nf ? c->buf + c->off[i] : "";
}

/*
 * Open DIR/NAME and read its header. For each of the NCOL names in COLS,
 * IDX[i] receives its column (or -1 when absent; absent columns marked
 * required by REQUIRED are fatal). Returns false if the file does not exist
 * and OPTIONAL is set.
 */
static bool csv_open(csv_t *c, const char *dir, const char *name, const char *const *cols,
                     int ncol, int *idx, int required, bool optional)
{
    memset(c, 0, sizeof *c);
    if ((size_t)snprintf(c->path, sizeof c->path, "%s/%s", dir, name) >= sizeof c->path)
        die(GEN_EX_USAGE, "catalog path too long");
    c->f = fopen(c->path, "rb");
    if (!c->f) {
        if (optional && errno == ENOENT)
            return false;
        die(GEN_EX_NOINPUT, "%s: %s", c->path, strerror(errno));
    }
    c->line = 1;
    c->cap = 4096;
    c->buf = xcalloc(c->cap, 1);
    int b0 = getc_unlocked(c->f);
    if (b0 == 0xEF) {
        if (getc_unlocked(c->f) != 0xBB || getc_unlocked(c->f) != 0xBF)
            die(GEN_EX_DATAERR, "%s:1: bad byte-order mark", c->path);
    } else if (b0 != EOF) {
        ungetc(b0, c->f);
    }
    if (!csv_next(c))
        die(GEN_EX_DATAERR, "%s: no header row", c->path);
    for (int i = 0; i < ncol; i++) {
        idx[i] = -1;
        for (int j = 0; j < c->nf; j++)
            if (strcmp(csv_field(c, j), cols[i]) == 0)
                idx[i] = j;
        if (idx[i] < 0 && i < required)
            die(GEN_EX_DATAERR, "%s:1: no column '%s'", c->path, cols[i]);
    }
    c->header_nf = c->nf;
    return true;
}

static void csv_close(csv_t *c)
{
    if (c->f)
        fclose(c->f);
    free(c->buf);
    c->f = NULL;
    c->buf = NULL;
}

/* ------------------------------------------------------------------------ */
/* The catalog                                                               */
/* ------------------------------------------------------------------------ */

enum { F_DRUGS, F_TREAT, F_FACIL, F_N };
enum { H_BED = 1, H_NURSE = 2 };
enum { FMT_DRUG, FMT_SERVICE, FMT_MATERIAL, FMT_DIAG, FMT_PROC, FMT_HOSPITAL, FMT_N };
enum { T_OUT, T_IN, T_SPEC, T_N };

static const char *const FMT_KIND[FMT_N] = {"drug", "service", "material", "diagnosis",
                                            "procedure", "hospital"};
/* SPEC 4.1 defaults; policy.xml overrides them. */
static const char *const FMT_DEFAULT[FMT_N] = {
    "^X[A-Z][0-9]{2}[A-Z]{3}[0-9]{3}[A-Z][0-9]{3}[0-9]{9}$",
    "^00[0-9]{13}$",
    "^C[0-9]{19}$",
    "^[A-Z][0-9]{2}\\.[0-9x][0-9]{2}(x[0-9]{3})?$",
    "^[0-9]{2}\\.[0-9]{2,4}(x[0-9]{3})?$",
    "^H[0-9]{11}$",
};
static const char *const TYPE_NAME[T_N] = {"outpatient", "inpatient", "special-outpatient"};
static const char *const TYPE_PREFIX[T_N] = {"MZ", "ZY", "MT"};

typedef struct {
    char code[32];           /* first member: the code set hashes it */
    int64_t price[3];        /* fen; -1: no limit at that tier */
    int64_t cap;             /* fen; -1: none */
    int64_t max_daily;       /* thousandths; -1: none */
    int32_t valid_from, valid_to;
    int32_t diag;            /* pattern index, -1: none */
    int16_t min_age, max_age;/* -1: none */
    uint8_t file;            /* F_DRUGS, F_TREAT, F_FACIL */
    uint8_t coverage;        /* 'A', 'B', 'X' */
    uint8_t min_tier;        /* 0: any */
    uint8_t sex;             /* 0, 'M', 'F' */
    uint8_t hint;            /* H_BED, H_NURSE (from the name) */
} item_t;

typedef struct {
    char id[20];             /* first member: the member set hashes it */
    int32_t birth_ymd;       /* yyyymmdd, from the id */
    int32_t enrolled_from, enrolled_to, paid_through;
    uint8_t scheme, category;
    uint8_t sex;             /* 'M' or 'F', from the id */
} member_t;

typedef struct {
    char code[24];
    char name[256];
    int tier;
    bool all_schemes;
    uint64_t schemes;        /* bit per interned scheme */
    int32_t des_from, des_to;
    bool single_disease;
} hospital_t;

typedef struct {
    char code[16];
    int32_t diag, proc;      /* pattern indices; proc -1: none */
    int max_stay;            /* -1: none */
    int32_t valid_from, valid_to;
} sd_t;

typedef struct {
    uint8_t scheme, type;
    int16_t year;
    int16_t category;        /* -1: '*' */
    uint8_t tier;            /* 0: '*' */
} benefit_t;

typedef struct {
    char *src;
    rx_t *rx;                /* NULL: outside the supported subset */
} pat_t;

/* An open-addressing set of indices into an array whose elements start
 * with a NUL-terminated key. */
typedef struct {
    uint32_t *slot;          /* index + 1; 0: empty */
    uint32_t mask;
    const char *base;
    size_t stride;
} strset_t;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

static void strset_build(strset_t *set, const void *base, size_t stride, uint32_t n)
{
    uint32_t size = 1024;
    while (size < (uint64_t)n * 2)
        size *= 2;
    set->slot = xcalloc(size, sizeof *set->slot);
    set->mask = size - 1;
    set->base = base;
    set->stride = stride;
    for (uint32_t i = 0; i < n; i++) {
        const char *key = set->base + (size_t)i * stride;
        uint32_t h = (uint32_t)fnv1a(key) & set->mask;
        while (set->slot[h])
            h = (h + 1) & set->mask;
        set->slot[h] = i + 1;
    }
}

static bool strset_has(const strset_t *set, const char *key)
{
    uint32_t h = (uint32_t)fnv1a(key) & set->mask;
    while (set->slot[h]) {
        if (strcmp(set->base + (size_t)(set->slot[h] - 1) * set->stride, key) == 0)
            return true;
        h = (h + 1) & set->mask;
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* Problem kinds                                                             */
/* ------------------------------------------------------------------------ */

enum kind {
    K_NONE, K_C01, K_C02, K_C03, K_C04, K_C05, K_C06, K_C07, K_C08, K_VOID, K_REPLACE,
    K_C09, K_C10, K_C11, K_C12, K_L01, K_L02, K_L03, K_L04, K_L05, K_L06, K_L11, K_L12,
    K_L13, K_L14, K_L15, K_L16, K_N
};

/* Name (the expected reason code, or what happens) and relative weight. */
static const struct {
    const char *code;
    unsigned weight;
} KIND[K_N] = {
    [K_NONE] = {"-", 0},      [K_C01] = {"C01", 3},     [K_C02] = {"C02", 2},
    [K_C03] = {"C03", 2},     [K_C04] = {"C04", 2},     [K_C05] = {"C05", 2},
    [K_C06] = {"C06", 2},     [K_C07] = {"C07", 2},     [K_C08] = {"C08", 2},
    [K_VOID] = {"voided", 2}, [K_REPLACE] = {"replaced", 2},
    [K_C09] = {"C09", 2},     [K_C10] = {"C10", 2},     [K_C11] = {"C11", 2},
    [K_C12] = {"C12", 2},     [K_L01] = {"L01", 2},     [K_L02] = {"L02", 2},
    [K_L03] = {"L03", 2},     [K_L04] = {"L04", 2},     [K_L05] = {"L05", 2},
    [K_L06] = {"L06", 2},     [K_L11] = {"L11", 2},     [K_L12] = {"L12", 2},
    [K_L13] = {"L13", 1},     [K_L14] = {"L14", 1},     [K_L15] = {"L15", 1},
    [K_L16] = {"L16", 1},
};

/* ------------------------------------------------------------------------ */
/* The claim under construction and the ring of recent claims                */
/* ------------------------------------------------------------------------ */

enum { OMIT_SEQ = 1, OMIT_CODE = 2, OMIT_DATE = 4, OMIT_QTY = 8, OMIT_PRICE = 16,
       OMIT_AMOUNT = 32 };

typedef struct {
    const char *code;        /* catalog code or a claim scratch string */
    const char *qty_text;    /* written instead of qty when not NULL (C01) */
    const char *price_text;  /* likewise for price */
    const char *date_text;   /* likewise for date */
    int32_t row;             /* catalog row, -1: none */
    int32_t date;
    int64_t qty, price, amount;
    uint8_t omit;            /* OMIT_* attributes left out (C01) */
} line_t;

typedef struct {
    int type;
    bool omit_type;
    char id[ID_CAP + 8];     /* a ring id (< ID_CAP) plus a suffix */
    char target[ID_CAP];
    int target_kind;         /* 0 none, 1 replaces, 2 voids */
    bool void_request;
    const char *member_id;
    bool omit_member_id;
    uint32_t member;         /* the registry member the claim is about */
    int32_t adm, dis;        /* visit date: adm == dis */
    bool end_before_start;   /* C01 variant: discharge before admission */
    int age;                 /* on the service date */
    int sd;                  /* single-disease row, -1 */
    const char *diag[DIAG_CAP];
    bool primary[DIAG_CAP];
    int ndiag;
    const char *proc[PROC_CAP];
    int nproc;
    bool unknown_element;
    int nline;
    int problem_line;        /* index of the deliberate line, -1 */
    char detail[160];        /* manifest detail */
    char scratch[SCRATCH_N][48];
    int nscratch;
    line_t line[LINES_CAP];
} claim_t;

enum { R_REJECTED = 1, R_VOIDED = 2, R_VOIDREQ = 4, R_MEMBER_OK = 8, R_FIXABLE = 16 };

typedef struct {
    char id[ID_CAP];
    uint32_t member;
    int32_t adm, dis;
    int16_t sd;
    uint8_t type, flags;
    bool used;
} ring_t;

/* ------------------------------------------------------------------------ */
/* Output                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct {
    FILE *f;
    const char *path;
    char *buf;
    size_t len;
    uint64_t written;        /* bytes handed to the file */
    bool convert;
    iconv_t cd;
    char *cbuf;
} out_t;

#define CBUF_CAP (1u << 16)

static void out_raw(out_t *o, const char *p, size_t n)
{
    if (n && fwrite(p, 1, n, o->f) != n)
        die(GEN_EX_IOERR, "%s: write failed: %s", o->path, strerror(errno));
    o->written += n;
}

/* Write the buffer out (through iconv for a non-UTF-8 encoding). Flushes
 * happen only between whole writes, so no UTF-8 sequence is ever split. */
static void out_flush(out_t *o)
{
    if (!o->convert) {
        out_raw(o, o->buf, o->len);
        o->len = 0;
        return;
    }
    char *in = o->buf;
    size_t inleft = o->len;
    while (inleft > 0) {
        char *outp = o->cbuf;
        size_t outleft = CBUF_CAP;
        size_t rc = iconv(o->cd, &in, &inleft, &outp, &outleft);
        out_raw(o, o->cbuf, (size_t)(outp - o->cbuf));
        if (rc == (size_t)-1 && errno != E2BIG)
            die(GEN_EX_SOFTWARE, "conversion to the output encoding failed: %s",
                strerror(errno));
    }
    o->len = 0;
}

/* A pointer where at least NEED bytes may be written (flushing if needed). */
static inline char *out_ptr(out_t *o, size_t need)
{
    if (OUT_CAP - o->len < need)
        out_flush(o);
    return o->buf + o->len;
}

static inline void out_done(out_t *o, const char *p)
{
    o->len = (size_t)(p - o->buf);
}

static inline char *put_mem(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

#define PUT(p, lit) ((p) = put_mem((p), (lit), sizeof(lit) - 1))

static inline char *put_str(char *p, const char *s)
{
    return put_mem(p, s, strlen(s));
}

static inline char *put_u64(char *p, uint64_t v)
{
    char tmp[20];
    int i = 0;
    do {
        tmp[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (i)
        *p++ = tmp[--i];
    return p;
}

/* Money: yuan with two decimals (SPEC 3); FEN >= 0. */
static inline char *put_money(char *p, int64_t fen)
{
    p = put_u64(p, (uint64_t)(fen / 100));
    *p++ = '.';
    *p++ = (char)('0' + fen % 100 / 10);
    *p++ = (char)('0' + fen % 10);
    return p;
}

/* Quantity: thousandths as "2", "0.5", "1.25", "0.125" (SPEC 3). */
static inline char *put_qty(char *p, int64_t q)
{
    p = put_u64(p, (uint64_t)(q / 1000));
    int f = (int)(q % 1000);
    if (f) {
        *p++ = '.';
        *p++ = (char)('0' + f / 100);
        if (f % 100) {
            *p++ = (char)('0' + f / 10 % 10);
            if (f % 10)
                *p++ = (char)('0' + f % 10);
        }
    }
    return p;
}

/* An attribute value from outside (batch id, names): XML-escaped, at most
 * MAX input bytes. The caller reserved 6 * MAX bytes. */
static char *put_escaped(char *p, const char *s, size_t max)
{
    for (size_t i = 0; s[i] && i < max; i++) {
        switch (s[i]) {
        case '&': PUT(p, "&amp;"); break;
        case '<': PUT(p, "&lt;"); break;
        case '>': PUT(p, "&gt;"); break;
        case '"': PUT(p, "&quot;"); break;
        default: *p++ = s[i]; break;
        }
    }
    return p;
}

/* ------------------------------------------------------------------------ */
/* The generator                                                             */
/* ------------------------------------------------------------------------ */

typedef struct {
    /* options */
    const char *catalog, *hospital_code, *batch_id, *out_path, *encoding, *manifest_path;
    uint64_t nclaims, size_bytes, seed, first_claim;
    bool by_size;
    int year;
    unsigned problems_bp;    /* basis points of claims with a problem */

    /* catalog */
    item_t *items;
    uint32_t nitems;
    pat_t *pats;
    uint32_t npats;
    member_t *members;
    uint32_t nmembers;
    hospital_t hosp;
    sd_t *sd;
    uint32_t nsd;
    benefit_t *ben;
    uint32_t nben;
    bool have_policy;
    char schemes[MAX_SCHEMES][24];
    int nschemes;
    char cats[MAX_CATS][40];
    int ncats;
    rx_t fmt[FMT_N];
    strset_t codeset, memberset;
    const char *diag_out[32], *diag_in[32], *diag_spec[32], *procs[32];
    int ndiag_out, ndiag_in, ndiag_spec, nprocs;

    /* row pools (built for the chosen hospital and year) */
    u32vec pool[F_N], bed, nurse, x_rows, mintier_rows, diag_rows, sex_rows, age_rows,
        tierprice_rows, maxdaily_rows;
    /* member lists */
    u32vec cand[T_N], c04, c05, c06, c10;

    /* run state */
    rng_t rng;
    int32_t y0, y1;          /* first and last day of --year */
    uint64_t *stays;         /* STAY_WORDS per member */
    ring_t ring[RING_N];
    uint32_t ring_next;
    uint64_t next_no;        /* next claim number */
    uint64_t used_key[USED_N];
    uint32_t used_stamp[USED_N];
    uint32_t stamp;
    char date_tab[3 * 366 + 2][10];
    int32_t date_tab_lo, date_tab_hi;
    claim_t claim;
    line_t tmp[LINES_CAP];
    out_t out;
    FILE *manifest;

    /* statistics */
    uint64_t n_claims, n_items, n_type[T_N], n_void_req, n_kind[K_N], n_sd, n_fallback;
} gen_t;

static gen_t G;

/* -- interning and policy -------------------------------------------------- */

static int intern(char (*tab)[24], int *n, int max, const char *s)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(tab[i], s) == 0)
            return i;
    if (*n >= max)
        die(GEN_EX_DATAERR, "more than %d distinct schemes", max);
    copy_str(tab[*n], sizeof tab[*n], s);
    return (*n)++;
}

static int intern_scheme(gen_t *g, const char *s)
{
    return intern(g->schemes, &g->nschemes, MAX_SCHEMES, s);
}

static int intern_cat(gen_t *g, const char *s)
{
    for (int i = 0; i < g->ncats; i++)
        if (strcmp(g->cats[i], s) == 0)
            return i;
    if (g->ncats >= MAX_CATS)
        die(GEN_EX_DATAERR, "more than %d distinct member categories", MAX_CATS);
    copy_str(g->cats[g->ncats], sizeof g->cats[g->ncats], s);
    return g->ncats++;
}

static int type_of(const char *s)
{
    for (int t = 0; t < T_N; t++)
        if (strcmp(s, TYPE_NAME[t]) == 0)
            return t;
    return -1;
}

/* Decode the XML entities of an attribute value in place. */
static void xml_unescape(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (*r != '&') {
            *w++ = *r++;
            continue;
        }
        static const struct { const char *ent; char ch; } ents[] = {
            {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
        bool done = false;
        for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
            size_t n = strlen(ents[i].ent);
            if (strncmp(r, ents[i].ent, n) == 0) {
                *w++ = ents[i].ch;
                r += n;
                done = true;
                break;
            }
        }
        if (!done && r[1] == '#') {
            char *q = r + 2;
            unsigned long v = 0;
            bool hex = *q == 'x';
            if (hex)
                q++;
            while (*q && *q != ';') {
                int dgt = *q >= '0' && *q <= '9' ? *q - '0'
                        : hex && (*q | 0x20) >= 'a' && (*q | 0x20) <= 'f' ? (*q | 0x20) - 'a' + 10
                        : -1;
                if (dgt < 0 || v > 0x10FFFF)
                    break;
                v = v * (hex ? 16u : 10u) + (unsigned)dgt;
                q++;
            }
            if (*q == ';' && v > 0 && v < 0x80) {
                *w++ = (char)v;
                r = q + 1;
                done = true;
            }
        }
        if (!done)
            *w++ = *r++;
    }
    *w = '\0';
}

/* The value of attribute NAME in the attribute text [A, END), unescaped
 * into BUF (capacity CAP); NULL if absent. */
static const char *xml_attr(const char *a, const char *end, const char *name, char *buf,
                            size_t cap)
{
    size_t nlen = strlen(name);
    while (a < end) {
        while (a < end && (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r'))
            a++;
        const char *nstart = a;
        while (a < end && *a != '=' && *a != ' ' && *a != '>' && *a != '/')
            a++;
        size_t len = (size_t)(a - nstart);
        while (a < end && *a == ' ')
            a++;
        if (a >= end || *a != '=')
            return NULL;
        a++;
        while (a < end && *a == ' ')
            a++;
        if (a >= end || (*a != '"' && *a != '\''))
            return NULL;
        char q = *a++;
        const char *vstart = a;
        while (a < end && *a != q)
            a++;
        if (a >= end)
            return NULL;
        if (len == nlen && memcmp(nstart, name, nlen) == 0) {
            size_t vl = (size_t)(a - vstart);
            if (vl >= cap)
                vl = cap - 1;
            memcpy(buf, vstart, vl);
            buf[vl] = '\0';
            xml_unescape(buf);
            return buf;
        }
        a++;
    }
    return NULL;
}

/*
 * Read DIR/policy.xml if it exists: the code formats (overriding the SPEC
 * defaults) and the key of every benefit. A minimal tag scanner is enough
 * for a file the catalog import has validated; no DTD, no entities.
 */
static void load_policy(gen_t *g)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/policy.xml", g->catalog) >= sizeof path)
        die(GEN_EX_USAGE, "catalog path too long");
    for (int k = 0; k < FMT_N; k++)
        if (!rx_compile(&g->fmt[k], FMT_DEFAULT[k]))
            die(GEN_EX_SOFTWARE, "built-in %s format does not compile", FMT_KIND[k]);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno != ENOENT)
            die(GEN_EX_NOINPUT, "%s: %s", path, strerror(errno));
        return;
    }
    char *text = xcalloc(POLICY_MAX + 1, 1);
    size_t n = fread(text, 1, POLICY_MAX + 1, f);
    if (ferror(f))
        die(GEN_EX_IOERR, "%s: read error", path);
    if (n > POLICY_MAX)
        die(GEN_EX_DATAERR, "%s: larger than %u bytes", path, POLICY_MAX);
    fclose(f);
    text[n] = '\0';
    g->have_policy = true;

    int scheme = -1, year = 0;
    char v1[4096], v2[256];
    size_t bcap = 0;
    for (const char *p = strchr(text, '<'); p; p = strchr(p, '<')) {
        if (strncmp(p, "<!--", 4) == 0) {
            p = strstr(p + 4, "-->");
            if (!p)
                break;
            continue;
        }
        if (p[1] == '?' || p[1] == '!' || p[1] == '/') {
            p++;
            continue;
        }
        const char *name = p + 1, *a = name;
        while (*a && *a != ' ' && *a != '>' && *a != '/' && *a != '\t' && *a != '\n' &&
               *a != '\r')
            a++;
        size_t nlen = (size_t)(a - name);
        /* the tag ends at the first '>' outside quotes */
        const char *e = a;
        char q = 0;
        for (; *e; e++) {
            if (q) {
                if (*e == q)
                    q = 0;
            } else if (*e == '"' || *e == '\'') {
                q = *e;
            } else if (*e == '>') {
                break;
            }
        }
        if (!*e)
            break;
#define TAG_IS(lit) (nlen == sizeof(lit) - 1 && memcmp(name, lit, nlen) == 0)
        if (TAG_IS("scheme")) {
            const char *code = xml_attr(a, e, "code", v1, sizeof v1);
            scheme = code ? intern_scheme(g, code) : -1;
        } else if (TAG_IS("year")) {
            const char *val = xml_attr(a, e, "value", v1, sizeof v1);
            long y = 0;
            year = val && parse_small_uint(val, &y) ? (int)y : 0;
        } else if (TAG_IS("code-format")) {
            const char *kind = xml_attr(a, e, "kind", v2, sizeof v2);
            const char *pat = xml_attr(a, e, "pattern", v1, sizeof v1);
            for (int k = 0; kind && pat && k < FMT_N; k++) {
                if (strcmp(kind, FMT_KIND[k]) != 0)
                    continue;
                if (!rx_compile(&g->fmt[k], pat)) {
                    fprintf(stderr, "gen_batch: %s: %s format '%s' is beyond the generator's "
                            "pattern subset; using the SPEC default\n", path, kind, pat);
                    rx_compile(&g->fmt[k], FMT_DEFAULT[k]);
                }
            }
        } else if (TAG_IS("benefit") && scheme >= 0) {
            const char *ct = xml_attr(a, e, "claim-type", v1, sizeof v1);
            int t = ct ? type_of(ct) : -1;
            if (t >= 0) {
                benefit_t b = {(uint8_t)scheme, (uint8_t)t, (int16_t)year, -1, 0};
                const char *cat = xml_attr(a, e, "category", v1, sizeof v1);
                if (cat && strcmp(cat, "*") != 0)
                    b.category = (int16_t)intern_cat(g, cat);
                const char *tier = xml_attr(a, e, "tier", v1, sizeof v1);
                if (tier && tier[0] >= '1' && tier[0] <= '3' && !tier[1])
                    b.tier = (uint8_t)(tier[0] - '0');
                if (g->nben == bcap) {
                    bcap = bcap ? bcap * 2 : 64;
                    g->ben = xrealloc_array(g->ben, bcap, sizeof *g->ben);
                }
                g->ben[g->nben++] = b;
            }
        }
#undef TAG_IS
        p = e;
    }
    free(text);
}

/* True when the policy has a benefit for SCHEME/CATEGORY, claim type T, the
 * generator's year and the hospital's tier (or when there is no policy). */
static bool covered(const gen_t *g, int scheme, int category, int t)
{
    if (!g->have_policy)
        return true;
    for (uint32_t i = 0; i < g->nben; i++) {
        const benefit_t *b = &g->ben[i];
        if (b->scheme == scheme && b->type == t && b->year == g->year &&
            (b->category < 0 || b->category == category) &&
            (b->tier == 0 || b->tier == g->hosp.tier))
            return true;
    }
    return false;
}

/* -- patterns -------------------------------------------------------------- */

/* The index of pattern SRC in the pattern table (added if new). */
static int32_t pattern_index(gen_t *g, const char *src)
{
    for (uint32_t i = 0; i < g->npats; i++)
        if (strcmp(g->pats[i].src, src) == 0)
            return (int32_t)i;
    g->pats = xrealloc_array(g->pats, g->npats + 1, sizeof *g->pats);
    pat_t *p = &g->pats[g->npats];
    size_t n = strlen(src);
    p->src = xcalloc(n + 1, 1);
    memcpy(p->src, src, n);
    p->rx = xcalloc(1, sizeof *p->rx);
    if (!rx_compile(p->rx, src)) {
        free(p->rx);
        p->rx = NULL;
    }
    return (int32_t)g->npats++;
}

static const char *const NICE_DIAG[] = {"A00.900", "A00.000", "A00.x00", "A00.100", NULL,
                                        NULL, NULL, NULL};
static const char *const NICE_PROC[] = {"00.0901", "00.0000", "00.0100", "00.00", NULL,
                                        NULL, NULL, NULL};

/* A diagnosis code matching pattern P and the diagnosis format, into OUT. */
static bool diag_for_pattern(gen_t *g, int32_t p, char *out, size_t cap)
{
    const rx_t *rx = g->pats[p].rx;
    return rx && make_code(&g->rng, rx, &g->fmt[FMT_DIAG], NICE_DIAG, out, cap);
}

/* -- loading --------------------------------------------------------------- */

static void bad_field(const csv_t *c, const char *col, const char *v)
{
    die(GEN_EX_DATAERR, "%s:%ld: %s: '%s' is not valid", c->path, c->rec_line, col, v);
}

static int64_t money_or_none(const csv_t *c, int idx, const char *col)
{
    const char *v = csv_field(c, idx);
    int64_t x;
    if (!*v)
        return -1;
    if (!parse_scaled(v, 12, 2, &x))
        bad_field(c, col, v);
    return x;
}

static int32_t date_field(const csv_t *c, int idx, const char *col, bool required)
{
    const char *v = csv_field(c, idx);
    int32_t d;
    if (!*v) {
        if (required)
            bad_field(c, col, v);
        return DAY_OPEN;
    }
    if (!parse_date(v, &d))
        bad_field(c, col, v);
    return d;
}

/* A code may go into an attribute unescaped: printable ASCII, no & < > ". */
static bool code_is_plain(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e || *s == '&' || *s == '<' ||
            *s == '>' || *s == '"')
            return false;
    return true;
}

static void load_items(gen_t *g, const char *file, int kind, uint32_t *cap)
{
    static const char *const cols[] = {"code", "name", "coverage", "price_t1", "price_t2",
                                       "price_t3", "cap", "max_daily", "min_tier", "diagnosis",
                                       "sex", "min_age", "max_age", "valid_from", "valid_to"};
    enum { C_CODE, C_NAME, C_COV, C_P1, C_P2, C_P3, C_CAP, C_MD, C_MT, C_DIAG, C_SEX, C_MIN,
           C_MAX, C_VF, C_VT, C_N };
    int ix[C_N];
    csv_t c;
    csv_open(&c, g->catalog, file, cols, C_N, ix, C_N, false);
    while (csv_next(&c)) {
        const char *code = csv_field(&c, ix[C_CODE]);
        if (strlen(code) >= sizeof g->items[0].code || !*code || !code_is_plain(code)) {
            fprintf(stderr, "gen_batch: %s:%ld: code '%s' skipped\n", c.path, c.rec_line, code);
            continue;
        }
        if (g->nitems == *cap) {
            *cap = *cap ? *cap * 2 : 1024;
            g->items = xrealloc_array(g->items, *cap, sizeof *g->items);
        }
        item_t *it = &g->items[g->nitems];
        memset(it, 0, sizeof *it);
        copy_str(it->code, sizeof it->code, code);
        it->file = (uint8_t)kind;
        const char *cov = csv_field(&c, ix[C_COV]);
        if (strcmp(cov, "A") && strcmp(cov, "B") && strcmp(cov, "X"))
            bad_field(&c, "coverage", cov);
        it->coverage = (uint8_t)cov[0];
        it->price[0] = money_or_none(&c, ix[C_P1], "price_t1");
        it->price[1] = money_or_none(&c, ix[C_P2], "price_t2");
        it->price[2] = money_or_none(&c, ix[C_P3], "price_t3");
        it->cap = money_or_none(&c, ix[C_CAP], "cap");
        const char *md = csv_field(&c, ix[C_MD]);
        it->max_daily = -1;
        if (*md && (!parse_scaled(md, 7, 3, &it->max_daily) || it->max_daily <= 0))
            bad_field(&c, "max_daily", md);
        const char *mt = csv_field(&c, ix[C_MT]);
        long v;
        if (*mt) {
            if (!parse_small_uint(mt, &v) || v < 1 || v > 3)
                bad_field(&c, "min_tier", mt);
            it->min_tier = (uint8_t)v;
        }
        const char *dg = csv_field(&c, ix[C_DIAG]);
        it->diag = *dg ? pattern_index(g, dg) : -1;
        const char *sx = csv_field(&c, ix[C_SEX]);
        it->sex = (uint8_t)(strcmp(sx, "M") == 0 ? 'M' : strcmp(sx, "F") == 0 ? 'F' : 0);
        const char *mn = csv_field(&c, ix[C_MIN]), *mx = csv_field(&c, ix[C_MAX]);
        it->min_age = it->max_age = -1;
        if (*mn) {
            if (!parse_small_uint(mn, &v) || v > 150)
                bad_field(&c, "min_age", mn);
            it->min_age = (int16_t)v;
        }
        if (*mx) {
            if (!parse_small_uint(mx, &v) || v > 150)
                bad_field(&c, "max_age", mx);
            it->max_age = (int16_t)v;
        }
        it->valid_from = date_field(&c, ix[C_VF], "valid_from", true);
        it->valid_to = date_field(&c, ix[C_VT], "valid_to", false);
        const char *name = csv_field(&c, ix[C_NAME]);
        if (strstr(name, "床位") && !strstr(name, "陪护"))
            it->hint = H_BED;
        else if (strstr(name, "护理"))
            it->hint = H_NURSE;
        g->nitems++;
    }
    csv_close(&c);
}

static void load_hospital(gen_t *g)
{
    static const char *const cols[] = {"code", "name", "tier", "schemes", "designated_from",
                                       "designated_to", "single_disease"};
    enum { C_CODE, C_NAME, C_TIER, C_SCH, C_DF, C_DT, C_SD, C_N };
    int ix[C_N];
    csv_t c;
    bool found = false;
    csv_open(&c, g->catalog, "hospitals.csv", cols, C_N, ix, C_N, false);
    while (!found && csv_next(&c)) {
        const char *code = csv_field(&c, ix[C_CODE]);
        if (g->hospital_code && strcmp(code, g->hospital_code) != 0)
            continue;
        hospital_t *h = &g->hosp;
        if (strlen(code) >= sizeof h->code || !code_is_plain(code))
            bad_field(&c, "code", code);
        copy_str(h->code, sizeof h->code, code);
        copy_str(h->name, sizeof h->name, csv_field(&c, ix[C_NAME]));
        const char *tier = csv_field(&c, ix[C_TIER]);
        if (tier[0] < '1' || tier[0] > '3' || tier[1])
            bad_field(&c, "tier", tier);
        h->tier = tier[0] - '0';
        const char *sch = csv_field(&c, ix[C_SCH]);
        if (strcmp(sch, "*") == 0) {
            h->all_schemes = true;
        } else {
            char buf[1024];
            copy_str(buf, sizeof buf, sch);
            for (char *save = NULL, *tok = strtok_r(buf, ";", &save); tok;
                 tok = strtok_r(NULL, ";", &save))
                h->schemes |= 1ULL << intern_scheme(g, tok);
        }
        h->des_from = date_field(&c, ix[C_DF], "designated_from", true);
        h->des_to = date_field(&c, ix[C_DT], "designated_to", false);
        h->single_disease = strcmp(csv_field(&c, ix[C_SD]), "yes") == 0;
        found = true;
    }
    csv_close(&c);
    if (!found) {
        if (g->hospital_code)
            die(GEN_EX_DATAERR, "hospital %s is not in %s/hospitals.csv", g->hospital_code,
                g->catalog);
        die(GEN_EX_DATAERR, "%s/hospitals.csv has no hospital", g->catalog);
    }
}

static void load_single_disease(gen_t *g)
{
    static const char *const cols[] = {"code", "diagnosis", "procedure", "tier", "max_stay",
                                       "valid_from", "valid_to"};
    enum { C_CODE, C_DIAG, C_PROC, C_TIER, C_MS, C_VF, C_VT, C_N };
    int ix[C_N];
    csv_t c;
    if (!csv_open(&c, g->catalog, "single_disease.csv", cols, C_N, ix, C_N, true))
        return;
    uint32_t cap = 0;
    while (csv_next(&c)) {
        const char *tier = csv_field(&c, ix[C_TIER]);
        /* SPEC 4.3: only rows of the hospital's tier can apply */
        if (!g->hosp.single_disease || tier[0] - '0' != g->hosp.tier || tier[1])
            continue;
        sd_t s;
        memset(&s, 0, sizeof s);
        copy_str(s.code, sizeof s.code, csv_field(&c, ix[C_CODE]));
        s.diag = pattern_index(g, csv_field(&c, ix[C_DIAG]));
        const char *pr = csv_field(&c, ix[C_PROC]);
        s.proc = *pr ? pattern_index(g, pr) : -1;
        const char *ms = csv_field(&c, ix[C_MS]);
        long v = -1;
        if (*ms && !parse_small_uint(ms, &v))
            bad_field(&c, "max_stay", ms);
        s.max_stay = *ms ? (int)v : -1;
        s.valid_from = date_field(&c, ix[C_VF], "valid_from", true);
        s.valid_to = date_field(&c, ix[C_VT], "valid_to", false);
        /* usable only if codes can be built for it and it covers the year */
        char tmp[48];
        if (!g->pats[s.diag].rx || (s.proc >= 0 && !g->pats[s.proc].rx) ||
            s.valid_to < g->y0 || s.valid_from > g->y1 || s.max_stay == 0 ||
            !diag_for_pattern(g, s.diag, tmp, sizeof tmp) ||
            (s.proc >= 0 && !make_code(&g->rng, g->pats[s.proc].rx, &g->fmt[FMT_PROC],
                                       NICE_PROC, tmp, sizeof tmp)))
            continue;
        if (g->nsd == cap) {
            cap = cap ? cap * 2 : 32;
            g->sd = xrealloc_array(g->sd, cap, sizeof *g->sd);
        }
        g->sd[g->nsd++] = s;
    }
    csv_close(&c);
}

static void load_members(gen_t *g)
{
    static const char *const cols[] = {"id", "scheme", "category", "enrolled_from",
                                       "enrolled_to", "paid_through"};
    enum { C_ID, C_SCH, C_CAT, C_EF, C_ET, C_PT, C_N };
    int ix[C_N];
    csv_t c;
    uint32_t cap = 0;
    csv_open(&c, g->catalog, "members.csv", cols, C_N, ix, C_N, false);
    while (csv_next(&c)) {
        const char *id = csv_field(&c, ix[C_ID]);
        char norm[20];
        if (strlen(id) != 18 || !all_digits(id, 17) ||
            !((id[17] >= '0' && id[17] <= '9') || id[17] == 'X' || id[17] == 'x')) {
            fprintf(stderr, "gen_batch: %s:%ld: member id '%s' skipped\n", c.path, c.rec_line, id);
            continue;
        }
        memcpy(norm, id, 18);
        norm[17] = norm[17] == 'x' ? 'X' : norm[17];
        norm[18] = '\0';
        int32_t birth;
        char bd[11] = {norm[6], norm[7], norm[8], norm[9], '-', norm[10], norm[11], '-',
                       norm[12], norm[13], '\0'};
        if (!parse_date(bd, &birth) || id_check_char(norm) != norm[17]) {
            fprintf(stderr, "gen_batch: %s:%ld: member id '%s' invalid, skipped\n", c.path,
                    c.rec_line, id);
            continue;
        }
        if (g->nmembers == cap) {
            cap = cap ? cap * 2 : 4096;
            g->members = xrealloc_array(g->members, cap, sizeof *g->members);
        }
        member_t *m = &g->members[g->nmembers];
        memcpy(m->id, norm, 19);
        m->birth_ymd = (int32_t)((norm[6] - '0') * 10000000 + (norm[7] - '0') * 1000000 +
                                 (norm[8] - '0') * 100000 + (norm[9] - '0') * 10000 +
                                 (norm[10] - '0') * 1000 + (norm[11] - '0') * 100 +
                                 (norm[12] - '0') * 10 + (norm[13] - '0'));
        m->sex = (uint8_t)((norm[16] - '0') % 2 ? 'M' : 'F');
        m->scheme = (uint8_t)intern_scheme(g, csv_field(&c, ix[C_SCH]));
        m->category = (uint8_t)intern_cat(g, csv_field(&c, ix[C_CAT]));
        m->enrolled_from = date_field(&c, ix[C_EF], "enrolled_from", true);
        m->enrolled_to = date_field(&c, ix[C_ET], "enrolled_to", false);
        m->paid_through = date_field(&c, ix[C_PT], "paid_through", false);
        g->nmembers++;
    }
    csv_close(&c);
}

/* -- eligibility ----------------------------------------------------------- */

static bool accepts(const gen_t *g, const member_t *m)
{
    return g->hosp.all_schemes || (g->hosp.schemes >> m->scheme & 1u);
}

static int32_t max32(int32_t a, int32_t b) { return a > b ? a : b; }
static int32_t min32(int32_t a, int32_t b) { return a < b ? a : b; }

/* The days of the year on which M is enrolled and paid up (and, with
 * DESIGNATION, the hospital designated): [*LO, *HI]; false if none. */
static bool member_window(const gen_t *g, const member_t *m, bool designation, int32_t *lo,
                          int32_t *hi)
{
    *lo = max32(g->y0, m->enrolled_from);
    *hi = min32(g->y1, min32(m->enrolled_to, m->paid_through));
    if (designation) {
        *lo = max32(*lo, g->hosp.des_from);
        *hi = min32(*hi, g->hosp.des_to);
    }
    return *lo <= *hi;
}

/* Age in completed years on day Z of someone born on BIRTH (yyyymmdd), by
 * (month, day) comparison (SPEC 3). */
static int age_on(int32_t birth, int32_t z)
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    int md = m * 100 + d, bmd = birth % 10000;
    return y - birth / 10000 - (md < bmd);
}

static void build_member_lists(gen_t *g)
{
    for (uint32_t i = 0; i < g->nmembers; i++) {
        const member_t *m = &g->members[i];
        int32_t lo, hi;
        bool win = member_window(g, m, true, &lo, &hi);
        bool acc = accepts(g, m);
        bool lacking = false;
        for (int t = 0; t < T_N; t++) {
            bool cov = covered(g, m->scheme, m->category, t);
            if (acc && win && cov)
                u32_push(&g->cand[t], i);
            lacking |= !cov;
        }
        if (acc && win && lacking && g->have_policy)
            u32_push(&g->c10, i);
        /* C04: a day of the year outside the enrolment */
        if (m->enrolled_from > g->y0 || m->enrolled_to < g->y1)
            u32_push(&g->c04, i);
        /* C05: enrolled but in arrears on some day of the year */
        if (m->paid_through != DAY_OPEN &&
            max32(max32(g->y0, m->enrolled_from), m->paid_through + 1) <=
                min32(g->y1, m->enrolled_to))
            u32_push(&g->c05, i);
        /* C06: a scheme the hospital does not take */
        if (!acc && member_window(g, m, false, &lo, &hi))
            u32_push(&g->c06, i);
    }
}

/* True if row R carries no restriction that could make a clean line
 * self-pay at this hospital (coverage, tier, sex, age, diagnosis). */
static bool row_unrestricted(const gen_t *g, const item_t *it)
{
    return it->coverage != 'X' && it->min_tier <= g->hosp.tier && !it->sex &&
           it->min_age < 0 && it->max_age < 0 && it->diag < 0;
}

static void build_row_pools(gen_t *g)
{
    for (uint32_t r = 0; r < g->nitems; r++) {
        const item_t *it = &g->items[r];
        if (it->valid_to < g->y0 || it->valid_from > g->y1)
            continue;
        bool diag_ok = it->diag < 0 || g->pats[it->diag].rx;
        bool natural = it->coverage != 'X' && it->min_tier <= g->hosp.tier && diag_ok;
        if (natural)
            u32_push(&g->pool[it->file], r);
        bool plain = row_unrestricted(g, it);
        if (plain && it->hint == H_BED && it->file == F_FACIL && it->max_daily == 1000)
            u32_push(&g->bed, r);
        if (plain && it->hint == H_NURSE && it->max_daily == 1000)
            u32_push(&g->nurse, r);
        if (it->coverage == 'X')
            u32_push(&g->x_rows, r);
        bool rest = it->coverage != 'X' && !it->sex && it->min_age < 0 && it->max_age < 0 &&
                    it->diag < 0;
        if (rest && it->min_tier > g->hosp.tier)
            u32_push(&g->mintier_rows, r);
        if (it->coverage != 'X' && it->min_tier <= g->hosp.tier && it->diag >= 0 &&
            g->pats[it->diag].rx)
            u32_push(&g->diag_rows, r);
        if (it->coverage != 'X' && it->min_tier <= g->hosp.tier && it->diag < 0 && it->sex)
            u32_push(&g->sex_rows, r);
        if (it->coverage != 'X' && it->min_tier <= g->hosp.tier && it->diag < 0 &&
            (it->min_age >= 0 || it->max_age >= 0))
            u32_push(&g->age_rows, r);
        if (plain && it->price[g->hosp.tier - 1] > 0)
            u32_push(&g->tierprice_rows, r);
        if (plain && it->max_daily > 0)
            u32_push(&g->maxdaily_rows, r);
    }
    /* no bed fee named as such: any daily facility will do */
    if (!g->bed.n)
        for (uint32_t r = 0; r < g->nitems; r++) {
            const item_t *it = &g->items[r];
            if (it->file == F_FACIL && it->max_daily == 1000 && row_unrestricted(g, it) &&
                it->valid_to >= g->y0 && it->valid_from <= g->y1)
                u32_push(&g->bed, r);
        }
}

/* Built-in diagnosis and procedure lists; codes that miss the formats of
 * the policy in use are dropped at start-up. */
static void build_code_lists(gen_t *g)
{
    static const char *const out[] = {
        "I10.x00", "E11.900", "J06.900", "J20.900", "K29.700", "M54.500", "J45.900",
        "K21.000", "I25.100", "R51.x00", "L30.900", "H10.900", "E78.500", "N39.000",
        "J02.900", "M17.900", "J03.900", "K59.000", "R10.400", "I10.x00x002"};
    static const char *const in[] = {
        "J18.900", "I63.900", "I21.900", "I50.900", "J44.100", "I25.100", "K92.200",
        "C34.900", "C16.900", "S82.200", "K56.700", "A09.900", "E11.900x002", "I61.900",
        "J15.900", "K85.900", "N10.x00", "G45.900"};
    static const char *const spec[] = {"N18.500", "C34.900", "C50.900", "E11.900",
                                       "I10.x00", "D61.900", "B18.100", "F20.900",
                                       "I69.300", "C22.000"};
    static const char *const procs[] = {"88.3801", "99.0400", "39.9501", "99.2500",
                                        "87.4400", "89.5201", "36.0601", "45.1301",
                                        "93.3900", "96.0400", "88.7201", "99.1800"};
#define FILL(arr, dst, n, kind)                                             \
    for (size_t i_ = 0; i_ < sizeof arr / sizeof arr[0]; i_++)              \
        if (rx_search(&g->fmt[kind], arr[i_]))                              \
            g->dst[g->n++] = arr[i_];
    FILL(out, diag_out, ndiag_out, FMT_DIAG)
    FILL(in, diag_in, ndiag_in, FMT_DIAG)
    FILL(spec, diag_spec, ndiag_spec, FMT_DIAG)
    FILL(procs, procs, nprocs, FMT_PROC)
#undef FILL
    if (!g->ndiag_out || !g->ndiag_in || !g->ndiag_spec)
        die(GEN_EX_DATAERR, "the policy's diagnosis format rejects every built-in diagnosis");
}

/* ------------------------------------------------------------------------ */
/* Building one claim                                                        */
/* ------------------------------------------------------------------------ */

/* A fresh scratch string of the current claim (48 bytes). Diagnoses added
 * for restricted items leave SCRATCH_SPARE of them to the problem builders,
 * which take at most three, so running out is a bug. */
#define SCRATCH_SPARE 6
static char *scratch(claim_t *c)
{
    if (c->nscratch >= SCRATCH_N)
        die(GEN_EX_SOFTWARE, "internal error: claim scratch exhausted");
    return c->scratch[c->nscratch++];
}

static void claim_reset(gen_t *g, claim_t *c)
{
    c->type = T_OUT;
    c->omit_type = false;
    c->id[0] = c->target[0] = '\0';
    c->target_kind = 0;
    c->void_request = false;
    c->member_id = NULL;
    c->omit_member_id = false;
    c->member = 0;
    c->adm = c->dis = 0;
    c->end_before_start = false;
    c->age = 0;
    c->sd = -1;
    c->ndiag = c->nproc = c->nline = 0;
    c->unknown_element = false;
    c->problem_line = -1;
    c->detail[0] = '\0';
    c->nscratch = 0;
    if (++g->stamp == 0) {   /* the (row, date) set: cleared by a new stamp */
        memset(g->used_stamp, 0, sizeof g->used_stamp);
        g->stamp = 1;
    }
}

static void new_claim_id(gen_t *g, claim_t *c)
{
    snprintf(c->id, sizeof c->id, "%s%04d%07" PRIu64, TYPE_PREFIX[c->type], g->year,
             g->next_no++);
}

/* The (row, date) set of the claim: true if present; ADD inserts. */
static bool used_test(gen_t *g, int32_t row, int32_t date, bool add)
{
    uint64_t key = (uint64_t)(uint32_t)row << 32 | (uint32_t)date;
    uint32_t h = (uint32_t)((key * 0x9E3779B97F4A7C15ULL) >> 54) & (USED_N - 1);
    for (;;) {
        if (g->used_stamp[h] != g->stamp) {
            if (add) {
                g->used_stamp[h] = g->stamp;
                g->used_key[h] = key;
            }
            return false;
        }
        if (g->used_key[h] == key)
            return true;
        h = (h + 1) & (USED_N - 1);
    }
}

/* The unit price the hospital bills for row R: its tier price, or when the
 * row has none at that tier, a plausible one (cap, another tier's price, or
 * a stable 1.00-200.99 yuan). */
static int64_t row_price(const gen_t *g, int32_t r)
{
    const item_t *it = &g->items[r];
    if (it->price[g->hosp.tier - 1] > 0)
        return it->price[g->hosp.tier - 1];
    if (it->cap > 0)
        return it->cap;
    for (int t = 2; t >= 0; t--)
        if (it->price[t] > 0)
            return it->price[t];
    return 100 + (int64_t)(mix32((uint32_t)r) % 20000);
}

static int64_t natural_qty(gen_t *g, const item_t *it)
{
    static const int64_t frac[] = {500, 1500, 250, 2500, 125, 750};
    int64_t q;
    if (it->file == F_DRUGS) {
        uint32_t u = rng_below(&g->rng, 100);
        if (u < 12)
            q = frac[rng_below(&g->rng, 6)];
        else if (u < 70)
            q = 1000 * rng_range(&g->rng, 1, 3);
        else
            q = 1000 * rng_range(&g->rng, 4, 30);
    } else if (it->file == F_TREAT) {
        q = rng_pct(&g->rng, 85) ? 1000 : 1000 * rng_range(&g->rng, 2, 4);
    } else {
        q = 1000;
    }
    if (it->max_daily > 0 && q > it->max_daily)
        q = it->max_daily;
    return q;
}

/* Add a diagnosis; false if the list is full. */
static bool add_diag(claim_t *c, const char *code, bool primary)
{
    if (c->ndiag >= DIAG_CAP)
        return false;
    for (int i = 0; i < c->ndiag; i++)
        if (strcmp(c->diag[i], code) == 0)
            return true;
    c->diag[c->ndiag] = code;
    c->primary[c->ndiag++] = primary;
    return true;
}

static bool claim_matches(const gen_t *g, const claim_t *c, int32_t p)
{
    for (int i = 0; i < c->ndiag; i++)
        if (rx_search(g->pats[p].rx, c->diag[i]))
            return true;
    return false;
}

static bool valid_on(const item_t *it, int32_t date)
{
    return date >= it->valid_from && date <= it->valid_to;
}

/* True if row R is in policy for the claim's member (sex, age) and, when
 * it names a diagnosis, the claim has one (adding one if it can). */
static bool row_fits_member(gen_t *g, claim_t *c, const item_t *it)
{
    const member_t *m = &g->members[c->member];
    if (it->sex && it->sex != m->sex)
        return false;
    if ((it->min_age >= 0 && c->age < it->min_age) || (it->max_age >= 0 && c->age > it->max_age))
        return false;
    if (it->diag >= 0 && !claim_matches(g, c, it->diag)) {
        if (c->nscratch >= SCRATCH_N - SCRATCH_SPARE || c->ndiag >= DIAG_CAP)
            return false;
        char *s = scratch(c);
        if (!diag_for_pattern(g, it->diag, s, 48)) {
            c->nscratch--;
            return false;
        }
        add_diag(c, s, false);
    }
    return true;
}

/* A row of FILE (or another file) for a clean line on DATE, marked used;
 * -1 if none was found. */
static int32_t pick_row(gen_t *g, claim_t *c, int file, int32_t date)
{
    for (int tries = 0; tries < 32; tries++) {
        const u32vec *pool = &g->pool[(file + tries / 8) % F_N];
        if (!pool->n)
            continue;
        int32_t r = (int32_t)pool->v[rng_below(&g->rng, pool->n)];
        const item_t *it = &g->items[r];
        if (!valid_on(it, date) || used_test(g, r, date, false) || !row_fits_member(g, c, it))
            continue;
        used_test(g, r, date, true);
        return r;
    }
    return -1;
}

static line_t *add_line(claim_t *c, int32_t row, const char *code, int32_t date, int64_t qty,
                        int64_t price)
{
    if (c->nline >= LINES_CAP)
        return NULL;
    line_t *l = &c->line[c->nline++];
    l->code = code;
    l->qty_text = l->price_text = l->date_text = NULL;
    l->row = row;
    l->date = date;
    l->qty = qty;
    l->price = price;
    l->amount = price_of(qty, price);
    l->omit = 0;
    return l;
}

static void add_row_line(gen_t *g, claim_t *c, int32_t r, int32_t date)
{
    const item_t *it = &g->items[r];
    add_line(c, r, it->code, date, natural_qty(g, it), row_price(g, r));
}

/* Draw one of the files, weights in percent for drugs and treatments. */
static int draw_file(gen_t *g, unsigned drugs, unsigned treat)
{
    uint32_t u = rng_below(&g->rng, 100);
    return u < drugs ? F_DRUGS : u < drugs + treat ? F_TREAT : F_FACIL;
}

/* Stable sort of the lines by date (counting sort over the stay). */
static void sort_lines_by_date(gen_t *g, claim_t *c)
{
    int span = c->dis - c->adm + 1;
    int count[40] = {0};
    if (span <= 0 || span > 38)
        return;
    for (int i = 0; i < c->nline; i++)
        count[c->line[i].date - c->adm + 1]++;
    for (int d = 1; d <= span; d++)
        count[d] += count[d - 1];
    for (int i = 0; i < c->nline; i++)
        g->tmp[count[c->line[i].date - c->adm]++] = c->line[i];
    memcpy(c->line, g->tmp, (size_t)c->nline * sizeof c->line[0]);
}

/* Diagnoses, procedures and lines of a clean claim whose type, member and
 * dates are set. */
static void fill_claim(gen_t *g, claim_t *c)
{
    member_t *m = &g->members[c->member];
    rng_t *r = &g->rng;
    if (!c->id[0])
        new_claim_id(g, c);
    c->member_id = m->id;
    c->age = age_on(m->birth_ymd, c->adm);

    if (c->type == T_IN) {
        if (c->sd >= 0) {
            const sd_t *s = &g->sd[c->sd];
            char *d = scratch(c), *p = scratch(c);
            if (!diag_for_pattern(g, s->diag, d, 48))
                die(GEN_EX_SOFTWARE, "single-disease diagnosis for %s", s->code);
            add_diag(c, d, true);
            if (s->proc >= 0) {
                if (!make_code(r, g->pats[s->proc].rx, &g->fmt[FMT_PROC], NICE_PROC, p, 48))
                    die(GEN_EX_SOFTWARE, "single-disease procedure for %s", s->code);
                c->proc[c->nproc++] = p;
            }
        } else {
            add_diag(c, g->diag_in[rng_below(r, (uint64_t)g->ndiag_in)], true);
            if (g->nprocs && rng_pct(r, 50)) {
                int np = (int)rng_range(r, 1, 2);
                for (int i = 0; i < np; i++)
                    c->proc[c->nproc++] = g->procs[rng_below(r, (uint64_t)g->nprocs)];
                if (np == 2 && c->proc[0] == c->proc[1])
                    c->nproc = 1;
            }
        }
        int ns = (int)rng_range(r, 0, 3);
        for (int i = 0; i < ns; i++)
            add_diag(c, g->diag_out[rng_below(r, (uint64_t)g->ndiag_out)], false);

        int stay = c->dis - c->adm, bed_days = stay > 0 ? stay : 1;
        int target = bed_days * (int)rng_range(r, 4, 12) + (int)rng_range(r, 0, 20);
        int hi = c->sd >= 0 ? 60 : 300;
        target = target < 20 ? 20 : target > hi ? hi : target;
        int32_t bed = g->bed.n ? (int32_t)g->bed.v[rng_below(r, g->bed.n)] : -1;
        int32_t nurse = g->nurse.n && rng_pct(r, 60)
                            ? (int32_t)g->nurse.v[rng_below(r, g->nurse.n)] : -1;
        for (int d = 0; d < bed_days; d++) {   /* daily fees, one a day */
            int32_t day = c->adm + d;
            if (bed >= 0 && valid_on(&g->items[bed], day)) {
                used_test(g, bed, day, true);
                add_line(c, bed, g->items[bed].code, day, 1000, row_price(g, bed));
            }
            if (nurse >= 0 && valid_on(&g->items[nurse], day)) {
                used_test(g, nurse, day, true);
                add_line(c, nurse, g->items[nurse].code, day, 1000, row_price(g, nurse));
            }
        }
        for (int tries = 0; c->nline < target && tries < target * 2; tries++) {
            int32_t day = c->adm + (int32_t)rng_below(r, (uint64_t)(stay + 1));
            int32_t row = pick_row(g, c, draw_file(g, 60, 37), day);
            if (row >= 0)
                add_row_line(g, c, row, day);
        }
        sort_lines_by_date(g, c);
    } else {
        bool spec = c->type == T_SPEC;
        add_diag(c, spec ? g->diag_spec[rng_below(r, (uint64_t)g->ndiag_spec)]
                         : g->diag_out[rng_below(r, (uint64_t)g->ndiag_out)], true);
        if (rng_pct(r, 30))
            add_diag(c, g->diag_out[rng_below(r, (uint64_t)g->ndiag_out)], false);
        int n = spec ? (int)rng_range(r, 2, 10) : (int)rng_range(r, 2, 6);
        for (int tries = 0; c->nline < n && tries < n * 4; tries++) {
            int32_t row = pick_row(g, c, spec ? draw_file(g, 75, 25) : draw_file(g, 65, 30),
                                   c->adm);
            if (row >= 0)
                add_row_line(g, c, row, c->adm);
        }
    }
    if (c->nline == 0)
        die(GEN_EX_DATAERR, "no usable catalog item for a %s claim on this date (catalog "
            "valid in %d?)", TYPE_NAME[c->type], g->year);
}

/* -- stays ----------------------------------------------------------------- */

/* True if the days [A, E) are free in member M's calendar (inside the year). */
static bool stay_free(const gen_t *g, uint32_t m, int32_t a, int32_t e)
{
    const uint64_t *w = g->stays + (size_t)m * STAY_WORDS;
    for (int32_t d = a - g->y0; d < e - g->y0; d++)
        if (d >= 0 && d < 64 * STAY_WORDS && (w[d >> 6] >> (d & 63) & 1u))
            return false;
    return true;
}

static void stay_mark(gen_t *g, uint32_t m, int32_t a, int32_t e)
{
    uint64_t *w = g->stays + (size_t)m * STAY_WORDS;
    for (int32_t d = a - g->y0; d < e - g->y0; d++)
        if (d >= 0 && d < 64 * STAY_WORDS)
            w[d >> 6] |= 1ULL << (d & 63);
}

/* SPEC 5.1 C08: a stay occupies [admission, max(discharge, admission + 1)). */
static int32_t stay_end(int32_t adm, int32_t dis)
{
    return dis > adm ? dis : adm + 1;
}

/* The sex a diagnosis implies (obstetric, female or male genital), or 0. */
static int icd_sex(const char *code)
{
    int n = (code[1] - '0') * 10 + (code[2] - '0');
    if (code[0] == 'O' || (code[0] == 'N' && n >= 70 && n <= 98) ||
        (code[0] == 'D' && n >= 25 && n <= 28) || (code[0] == 'C' && n >= 51 && n <= 58))
        return 'F';
    if ((code[0] == 'N' && n >= 40 && n <= 51) || (code[0] == 'C' && n >= 60 && n <= 63))
        return 'M';
    return 0;
}

/* A stay length in days (discharge - admission): 1-29, mostly short,
 * sometimes 0 (a day case, counted as one day). */
static int32_t stay_length(gen_t *g, int max)
{
    if (rng_pct(&g->rng, 4))
        return 0;
    int32_t a = (int32_t)rng_below(&g->rng, 29), b = (int32_t)rng_below(&g->rng, 29);
    int32_t len = 1 + (a < b ? a : b);
    return max > 0 && len > max ? (int32_t)rng_range(&g->rng, 1, max) : len;
}

/*
 * Plan a clean claim of type WANT (or any type, WANT < 0): member, dates,
 * single disease. Marks the stay. Falls back to an outpatient claim when no
 * member has room for another stay.
 */
static void plan_normal(gen_t *g, claim_t *c, int want)
{
    rng_t *r = &g->rng;
    int type = want;
    if (type < 0) {
        static const unsigned w[T_N] = {77, 20, 3};
        unsigned tot = 0, u;
        for (int t = 0; t < T_N; t++)
            tot += g->cand[t].n ? w[t] : 0;
        u = rng_below(r, tot);
        for (type = 0; type < T_N - 1; type++) {
            unsigned wt = g->cand[type].n ? w[type] : 0;
            if (u < wt)
                break;
            u -= wt;
        }
    }
    if (!g->cand[type].n)
        type = g->cand[T_OUT].n ? T_OUT : g->cand[T_IN].n ? T_IN : T_SPEC;
    c->type = type;
    if (type == T_IN) {
        int sd = g->nsd && rng_pct(r, 25) ? (int)rng_below(r, g->nsd) : -1;
        int want_sex = 0;
        if (sd >= 0) {   /* e.g. a caesarean section is for a woman */
            char probe[48];
            if (diag_for_pattern(g, g->sd[sd].diag, probe, sizeof probe))
                want_sex = icd_sex(probe);
        }
        for (int tries = 0; tries < 64; tries++) {
            uint32_t mi = g->cand[T_IN].v[rng_below(r, g->cand[T_IN].n)];
            const member_t *m = &g->members[mi];
            int32_t lo, hi;
            member_window(g, m, true, &lo, &hi);
            if (want_sex && tries < 32 && want_sex != m->sex)
                continue;
            int32_t len = stay_length(g, sd >= 0 ? g->sd[sd].max_stay : 0);
            int32_t last = min32(hi, g->y1 - len);
            if (last < lo)
                continue;
            int32_t adm = (int32_t)rng_range(r, lo, last), dis = adm + len;
            if (sd >= 0 && (dis < g->sd[sd].valid_from || dis > g->sd[sd].valid_to))
                continue;
            if (!stay_free(g, mi, adm, stay_end(adm, dis)))
                continue;
            stay_mark(g, mi, adm, stay_end(adm, dis));
            c->member = mi;
            c->adm = adm;
            c->dis = dis;
            c->sd = sd;
            return;
        }
        g->n_fallback++;
        type = g->cand[T_OUT].n ? T_OUT : T_SPEC;
        if (!g->cand[type].n)
            die(GEN_EX_DATAERR, "no member has room for another stay and no other claim "
                "type is covered");
        c->type = type;
    }
    uint32_t mi = g->cand[type].v[rng_below(r, g->cand[type].n)];
    int32_t lo, hi;
    member_window(g, &g->members[mi], true, &lo, &hi);
    c->member = mi;
    c->adm = c->dis = (int32_t)rng_range(r, lo, hi);
}

/* Dates for a claim of type C->type for a member whose admission or visit
 * must fall in [LO, HI]; inpatient stays end inside the year. */
static bool plan_dates(gen_t *g, claim_t *c, int32_t lo, int32_t hi)
{
    int32_t len = c->type == T_IN ? stay_length(g, 0) : 0;
    int32_t last = min32(hi, g->y1 - len);
    if (last < lo) {
        len = 0;
        last = hi;
    }
    c->adm = (int32_t)rng_range(&g->rng, lo, last);
    c->dis = c->adm + len;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Deliberate problems                                                       */
/* ------------------------------------------------------------------------ */

/* Insert an empty line at POS (0..nline); NULL when full. */
static line_t *insert_line(claim_t *c, int pos)
{
    if (c->nline >= LINES_CAP)
        return NULL;
    memmove(&c->line[pos + 1], &c->line[pos], (size_t)(c->nline - pos) * sizeof c->line[0]);
    c->nline++;
    memset(&c->line[pos], 0, sizeof c->line[pos]);
    c->line[pos].row = -1;
    return &c->line[pos];
}

/* A random date inside the claim's stay or visit. */
static int32_t claim_date(gen_t *g, const claim_t *c)
{
    return c->adm + (int32_t)rng_below(&g->rng, (uint64_t)(c->dis - c->adm + 1));
}

/* Insert at a random position a line for row R on DATE with quantity Q and
 * price P; records it as the problem line. */
static line_t *insert_problem(gen_t *g, claim_t *c, int32_t r, const char *code, int32_t date,
                              int64_t q, int64_t p)
{
    int pos = (int)rng_below(&g->rng, (uint64_t)c->nline + 1);
    line_t *l = insert_line(c, pos);
    if (!l)
        return NULL;
    l->code = code;
    l->row = r;
    l->date = date;
    l->qty = q;
    l->price = p;
    l->amount = price_of(q, p);
    c->problem_line = pos;
    return l;
}

static bool matches_any_item_format(const gen_t *g, const char *s)
{
    return rx_search(&g->fmt[FMT_DRUG], s) || rx_search(&g->fmt[FMT_SERVICE], s) ||
           rx_search(&g->fmt[FMT_MATERIAL], s);
}

/* A code that matches no item format (SPEC 5.2 L01), into OUT (48 bytes). */
static bool bad_item_code(gen_t *g, const char *from, char *out)
{
    for (int tries = 0; tries < 8; tries++) {
        size_t n = strlen(from);
        switch (rng_below(&g->rng, 5)) {
        case 0:   /* lowercase */
            for (size_t i = 0; i <= n; i++)
                out[i] = (char)(from[i] >= 'A' && from[i] <= 'Z' ? from[i] | 0x20 : from[i]);
            break;
        case 1:   /* one character short */
            copy_str(out, 48, from);
            if (n > 1)
                out[n - 1] = '\0';
            break;
        case 2:   /* a letter inside */
            copy_str(out, 48, from);
            out[n / 2] = out[n / 2] == 'O' ? 'Q' : 'O';
            break;
        case 3:
            copy_str(out, 48, "N/A");
            break;
        default:
            out[0] = '\0';   /* present but empty: still L01 */
            break;
        }
        if (!matches_any_item_format(g, out))
            return true;
    }
    return false;
}

/* A random row of POOL valid on DATE satisfying OK(g, c, it), or -1. */
static int32_t pick_from(gen_t *g, claim_t *c, const u32vec *pool, int32_t date,
                         bool (*ok)(gen_t *, claim_t *, const item_t *))
{
    if (!pool->n)
        return -1;
    for (int tries = 0; tries < 32; tries++) {
        int32_t r = (int32_t)pool->v[rng_below(&g->rng, pool->n)];
        const item_t *it = &g->items[r];
        if (valid_on(it, date) && !used_test(g, r, date, false) && (!ok || ok(g, c, it))) {
            used_test(g, r, date, true);
            return r;
        }
    }
    return -1;
}

static bool ok_no_diag_match(gen_t *g, claim_t *c, const item_t *it)
{
    const member_t *m = &g->members[c->member];
    return !claim_matches(g, c, it->diag) && (!it->sex || it->sex == m->sex) &&
           (it->min_age < 0 || c->age >= it->min_age) &&
           (it->max_age < 0 || c->age <= it->max_age);
}

static bool ok_wrong_sex(gen_t *g, claim_t *c, const item_t *it)
{
    return it->sex != g->members[c->member].sex;
}

static bool ok_wrong_age(gen_t *g, claim_t *c, const item_t *it)
{
    const member_t *m = &g->members[c->member];
    bool out = (it->min_age >= 0 && c->age < it->min_age) ||
               (it->max_age >= 0 && c->age > it->max_age);
    return out && (!it->sex || it->sex == m->sex);
}

/* Line problems L01-L16 on a built clean claim; false if not possible. */
static bool apply_line_problem(gen_t *g, claim_t *c, int kind)
{
    rng_t *r = &g->rng;
    int32_t date = claim_date(g, c);
    int32_t row = -1;
    line_t *l;
    switch (kind) {
    case K_L01: {
        char *s = scratch(c);
        int32_t base = pick_row(g, c, draw_file(g, 60, 30), date);
        if (!s || base < 0 || !bad_item_code(g, g->items[base].code, s))
            return false;
        l = insert_problem(g, c, -1, s, date, natural_qty(g, &g->items[base]), row_price(g, base));
        snprintf(c->detail, sizeof c->detail, "code '%s'", s);
        return l != NULL;
    }
    case K_L02: {
        int i = (int)rng_below(r, (uint64_t)c->nline);
        l = &c->line[i];
        int64_t delta = rng_range(r, 1, 500);
        l->amount = l->amount > delta && rng_pct(r, 50) ? l->amount - delta : l->amount + delta;
        c->problem_line = i;
        snprintf(c->detail, sizeof c->detail, "amount off by %" PRId64 " fen",
                 l->amount - price_of(l->qty, l->price));
        return true;
    }
    case K_L03: {
        int32_t bad;
        if (c->type == T_IN)
            bad = rng_pct(r, 50) || c->adm - 3 < g->y0 ? c->dis + (int32_t)rng_range(r, 1, 3)
                                                       : c->adm - (int32_t)rng_range(r, 1, 3);
        else
            bad = c->adm + (rng_pct(r, 50) ? 1 : -1) * (int32_t)rng_range(r, 1, 3);
        row = pick_row(g, c, draw_file(g, 60, 30), bad);
        if (row < 0)
            return false;
        l = insert_problem(g, c, row, g->items[row].code, bad, natural_qty(g, &g->items[row]),
                           row_price(g, row));
        snprintf(c->detail, sizeof c->detail, "date outside the %s", c->type == T_IN ? "stay" : "visit");
        return l != NULL;
    }
    case K_L04: {
        int i = (int)rng_below(r, (uint64_t)c->nline);
        line_t copy = c->line[i];
        l = insert_line(c, i + 1);
        if (!l)
            return false;
        *l = copy;
        c->problem_line = i + 1;
        snprintf(c->detail, sizeof c->detail, "duplicate of seq %d", i + 1);
        return true;
    }
    case K_L05: {
        row = pick_from(g, c, &g->tierprice_rows, date, NULL);
        if (row < 0)
            return false;
        int64_t p = g->items[row].price[g->hosp.tier - 1];
        int64_t over = p * rng_range(r, 5, 50) / 100;
        over = over < 1 ? 1 : over;
        l = insert_problem(g, c, row, g->items[row].code, date, natural_qty(g, &g->items[row]),
                           p + over);
        snprintf(c->detail, sizeof c->detail, "price above the tier-%d limit", g->hosp.tier);
        return l != NULL;
    }
    case K_L06: {
        row = pick_from(g, c, &g->maxdaily_rows, date, NULL);
        if (row < 0)
            return false;
        int64_t md = g->items[row].max_daily;
        int64_t q = md < 1000 ? md * 2 : md + 1000 * rng_range(r, 1, 3);
        l = insert_problem(g, c, row, g->items[row].code, date, q, row_price(g, row));
        snprintf(c->detail, sizeof c->detail, "quantity above max_daily");
        return l != NULL;
    }
    case K_L11: {
        char *s = scratch(c);
        static const int kinds[] = {FMT_DRUG, FMT_SERVICE, FMT_MATERIAL};
        const rx_t *f = &g->fmt[kinds[rng_below(r, 3)]];
        bool ok = false;
        for (int t = 0; s && t < 16 && !ok; t++) {
            size_t len = 0;
            bool closed = false;
            s[0] = '\0';
            ok = rx_gen(f, f->root, s, &len, 48, r, true, &closed) && rx_search(f, s) &&
                 !strset_has(&g->codeset, s);
        }
        if (!ok)
            return false;
        l = insert_problem(g, c, -1, s, date, 1000 * rng_range(r, 1, 3),
                           rng_range(r, 100, 30000));
        snprintf(c->detail, sizeof c->detail, "code %s not in the catalog", s);
        return l != NULL;
    }
    case K_L12: row = pick_from(g, c, &g->x_rows, date, NULL); break;
    case K_L13: row = pick_from(g, c, &g->mintier_rows, date, NULL); break;
    case K_L14: row = pick_from(g, c, &g->diag_rows, date, ok_no_diag_match); break;
    case K_L15: row = pick_from(g, c, &g->sex_rows, date, ok_wrong_sex); break;
    case K_L16: row = pick_from(g, c, &g->age_rows, date, ok_wrong_age); break;
    default:
        return false;
    }
    /* L12-L16: a catalog row the line is self-pay by */
    if (row < 0)
        return false;
    l = insert_problem(g, c, row, g->items[row].code, date, natural_qty(g, &g->items[row]),
                       row_price(g, row));
    snprintf(c->detail, sizeof c->detail, "%s", g->items[row].code);
    return l != NULL;
}

/* Make every line rejected at step 1 of SPEC 5.2 (C12). */
static void reject_all_lines(gen_t *g, claim_t *c)
{
    for (int i = 0; i < c->nline; i++) {
        line_t *l = &c->line[i];
        uint32_t v = rng_below(&g->rng, 3);
        if (v == 1 && c->nscratch >= SCRATCH_N - 1)
            v = 0;   /* scratch strings are few: the rest get L02 */
        char *s = v == 1 ? scratch(c) : NULL;
        if (v == 1 && bad_item_code(g, l->code, s))
            l->code = s;                                   /* L01 */
        else if (v == 2)
            l->date = c->dis + 1 + (int32_t)rng_below(&g->rng, 2);   /* L03 */
        else
            l->amount += 1 + (int64_t)rng_below(&g->rng, 99);        /* L02 */
    }
    snprintf(c->detail, sizeof c->detail, "all %d lines rejected (L01/L02/L03)", c->nline);
}

/* Malformed claim variants (C01). */
static void make_malformed(gen_t *g, claim_t *c)
{
    static const char *const bad_qty[] = {"0", "1.2345", "-1", "2e1", "01", "1,5", ""};
    static const char *const bad_price[] = {"12.345", "-3.00", "1e2", "12,50", ".5", "12.5.0"};
    static const char *const attr[] = {"seq", "code", "date", "qty", "price", "amount"};
    rng_t *r = &g->rng;
    int i = (int)rng_below(r, (uint64_t)c->nline);
    char *s;
    switch (rng_below(r, 9)) {
    case 0:
        c->omit_type = true;
        snprintf(c->detail, sizeof c->detail, "claim without type");
        break;
    case 1: {
        int a = (int)rng_below(r, 6);
        c->line[i].omit = (uint8_t)(1u << a);
        c->problem_line = i;
        snprintf(c->detail, sizeof c->detail, "item without %s", attr[a]);
        break;
    }
    case 2:
        c->line[i].qty_text = bad_qty[rng_below(r, sizeof bad_qty / sizeof bad_qty[0])];
        c->problem_line = i;
        snprintf(c->detail, sizeof c->detail, "qty '%s'", c->line[i].qty_text);
        break;
    case 3:
        c->nline = 0;
        snprintf(c->detail, sizeof c->detail, "no items");
        break;
    case 4:
        if (c->type == T_IN) {
            c->end_before_start = true;
            snprintf(c->detail, sizeof c->detail, "discharge before admission");
            break;
        }
        /* fall through: not an inpatient claim */
        __attribute__((fallthrough));
    case 5:
        c->unknown_element = true;
        snprintf(c->detail, sizeof c->detail, "unknown element <remark>");
        break;
    case 6:
        s = scratch(c);
        snprintf(s, 48, "%04d-02-30", g->year);
        c->line[i].date_text = s;
        c->problem_line = i;
        snprintf(c->detail, sizeof c->detail, "item date %s", s);
        break;
    case 7:
        c->omit_member_id = true;
        snprintf(c->detail, sizeof c->detail, "member without id");
        break;
    default:
        c->line[i].price_text = bad_price[rng_below(r, sizeof bad_price / sizeof bad_price[0])];
        c->problem_line = i;
        snprintf(c->detail, sizeof c->detail, "price '%s'", c->line[i].price_text);
        break;
    }
}

/* A diagnosis or procedure problem (C11). */
static bool make_bad_diagnosis(gen_t *g, claim_t *c)
{
    rng_t *r = &g->rng;
    switch (rng_below(r, 4)) {
    case 0:
        for (int i = 0; i < c->ndiag; i++)
            c->primary[i] = false;
        snprintf(c->detail, sizeof c->detail, "no primary diagnosis");
        return true;
    case 1:
        if (c->ndiag < 2)
            add_diag(c, g->diag_out[rng_below(r, (uint64_t)g->ndiag_out)], false);
        if (c->ndiag < 2)
            add_diag(c, "R69.x00", false);
        c->primary[c->ndiag - 1] = true;
        snprintf(c->detail, sizeof c->detail, "two primary diagnoses");
        return c->ndiag >= 2;
    case 2: {
        char *s = scratch(c);
        if (!s)
            return false;
        int i = (int)rng_below(r, (uint64_t)c->ndiag);
        const char *d = c->diag[i];
        for (int t = 0; t < 8; t++) {
            switch (rng_below(r, 4)) {
            case 0: copy_str(s, 48, d); s[0] = (char)(s[0] | 0x20); break;      /* k35.900 */
            case 1: copy_str(s, 48, d); if (strlen(s) > 5) s[5] = '\0'; break;  /* K35.9 */
            case 2: copy_str(s, 48, d); if (s[3] == '.') s[3] = '-'; break;     /* K35-900 */
            default: snprintf(s, 48, "%s0", d); break;                          /* K35.9000 */
            }
            if (!rx_search(&g->fmt[FMT_DIAG], s)) {
                c->diag[i] = s;
                snprintf(c->detail, sizeof c->detail, "diagnosis code '%s'", s);
                return true;
            }
        }
        return false;
    }
    default: {
        static const char *const bad[] = {"4709", "47.0901x1", "A7.09", "47.", "470.901"};
        const char *p = bad[rng_below(r, 5)];
        if (rx_search(&g->fmt[FMT_PROC], p) || c->nproc >= PROC_CAP)
            return false;
        c->proc[c->nproc++] = p;
        snprintf(c->detail, sizeof c->detail, "procedure code '%s'", p);
        return true;
    }
    }
}

/* A valid resident id that is not in the registry (C03), into OUT. */
static bool unknown_member_id(gen_t *g, const char *like, char *out)
{
    for (int t = 0; t < 32; t++) {
        int32_t day = (int32_t)rng_range(&g->rng, days_from_civil(1930, 1, 1),
                                         days_from_civil(2000, 12, 31));
        char d[11];
        fmt_date10(d, day);
        memcpy(out, like, 6);
        memcpy(out + 6, d, 4);
        memcpy(out + 10, d + 5, 2);
        memcpy(out + 12, d + 8, 2);
        uint32_t seq = rng_below(&g->rng, 1000);
        out[14] = (char)('0' + seq / 100);
        out[15] = (char)('0' + seq / 10 % 10);
        out[16] = (char)('0' + seq % 10);
        out[17] = id_check_char(out);
        out[18] = '\0';
        if (!strset_has(&g->memberset, out))
            return true;
    }
    return false;
}

/* -- the ring of recent claims --------------------------------------------- */

static void ring_push(gen_t *g, const claim_t *c, uint8_t flags)
{
    ring_t *e = &g->ring[g->ring_next++ % RING_N];
    copy_str(e->id, sizeof e->id, c->id);
    e->member = c->member;
    e->adm = c->adm;
    e->dis = c->dis;
    e->sd = (int16_t)c->sd;
    e->type = (uint8_t)c->type;
    e->flags = flags;
    e->used = true;
}

enum { WANT_CLEAN, WANT_CLEAN_IN, WANT_VOIDABLE, WANT_REPLACEABLE, WANT_VOIDED, WANT_VOIDREQ };

/* A random ring entry of the wanted sort, or NULL. */
static ring_t *ring_find(gen_t *g, int want)
{
    uint32_t start = rng_below(&g->rng, RING_N);
    for (uint32_t k = 0; k < RING_N; k++) {
        ring_t *e = &g->ring[(start + k) % RING_N];
        uint8_t f = e->flags;
        bool ok = false;
        if (!e->used || strlen(e->id) > 60)
            continue;
        switch (want) {
        case WANT_CLEAN:
            ok = !(f & (R_REJECTED | R_VOIDED | R_VOIDREQ));
            break;
        case WANT_CLEAN_IN:
            ok = !(f & (R_REJECTED | R_VOIDED | R_VOIDREQ)) && e->type == T_IN;
            break;
        case WANT_VOIDABLE:
            ok = !(f & (R_VOIDED | R_VOIDREQ)) && (f & R_MEMBER_OK);
            break;
        case WANT_REPLACEABLE:
            ok = !(f & (R_VOIDED | R_VOIDREQ)) && (!(f & R_REJECTED) || (f & R_FIXABLE));
            break;
        case WANT_VOIDED:
            ok = (f & R_VOIDED) && !(f & R_VOIDREQ) && (f & R_MEMBER_OK);
            break;
        default:
            ok = (f & R_VOIDREQ) && !(f & R_VOIDED);
            break;
        }
        if (ok)
            return e;
    }
    return NULL;
}

/* A random member of CAND[T] other than NOT. */
static bool other_member(gen_t *g, int t, uint32_t not_m, uint32_t *out)
{
    const u32vec *v = &g->cand[t];
    for (int k = 0; k < 16 && v->n > 1; k++) {
        uint32_t m = v->v[rng_below(&g->rng, v->n)];
        if (m != not_m) {
            *out = m;
            return true;
        }
    }
    return false;
}

/* -- building a claim of a given kind -------------------------------------- */

/* Members from LIST with a non-empty window computed by WIN; plans the
 * claim's dates inside it. */
static bool plan_from_list(gen_t *g, claim_t *c, const u32vec *list,
                           bool (*win)(const gen_t *, const member_t *, int32_t *, int32_t *))
{
    if (!list->n)
        return false;
    for (int t = 0; t < 16; t++) {
        uint32_t mi = list->v[rng_below(&g->rng, list->n)];
        int32_t lo, hi;
        if (!win(g, &g->members[mi], &lo, &hi))
            continue;
        c->member = mi;
        return plan_dates(g, c, lo, hi);
    }
    return false;
}

static bool win_not_enrolled(const gen_t *g, const member_t *m, int32_t *lo, int32_t *hi)
{
    if (m->enrolled_from > g->y0) {
        *lo = g->y0;
        *hi = min32(g->y1, m->enrolled_from - 1);
    } else {
        *lo = max32(g->y0, m->enrolled_to == DAY_OPEN ? g->y1 + 1 : m->enrolled_to + 1);
        *hi = g->y1;
    }
    return *lo <= *hi;
}

static bool win_arrears(const gen_t *g, const member_t *m, int32_t *lo, int32_t *hi)
{
    if (m->paid_through == DAY_OPEN)
        return false;
    *lo = max32(max32(g->y0, m->enrolled_from), m->paid_through + 1);
    *hi = min32(g->y1, m->enrolled_to);
    return *lo <= *hi;
}

static bool win_enrolled(const gen_t *g, const member_t *m, int32_t *lo, int32_t *hi)
{
    return member_window(g, m, false, lo, hi);
}

/* C06 by designation: a member otherwise eligible, on a day the hospital is
 * not designated. */
static bool plan_undesignated(gen_t *g, claim_t *c)
{
    const u32vec *v = &g->cand[c->type];
    if (!v->n || (g->hosp.des_from <= g->y0 && g->hosp.des_to >= g->y1))
        return false;
    for (int t = 0; t < 32; t++) {
        uint32_t mi = v->v[rng_below(&g->rng, v->n)];
        int32_t lo, hi;
        if (!member_window(g, &g->members[mi], false, &lo, &hi))
            continue;
        /* the part of [lo, hi] before designated_from or after designated_to */
        if (g->hosp.des_from > lo)
            hi = min32(hi, g->hosp.des_from - 1);
        else if (g->hosp.des_to < hi)
            lo = max32(lo, g->hosp.des_to + 1);
        else
            continue;
        if (lo > hi)
            continue;
        c->member = mi;
        return plan_dates(g, c, lo, hi);
    }
    return false;
}

/* Plan + fill a claim for a member whose problem is its registry entry. */
static bool build_member_problem(gen_t *g, claim_t *c, int kind)
{
    rng_t *r = &g->rng;
    static const unsigned w[T_N] = {77, 20, 3};
    uint32_t u = rng_below(r, 100);
    c->type = u < w[T_OUT] ? T_OUT : u < w[T_OUT] + w[T_IN] ? T_IN : T_SPEC;
    bool ok = false;
    switch (kind) {
    case K_C04:
        ok = plan_from_list(g, c, &g->c04, win_not_enrolled);
        snprintf(c->detail, sizeof c->detail, "member not enrolled on the service date");
        break;
    case K_C05:
        ok = plan_from_list(g, c, &g->c05, win_arrears);
        snprintf(c->detail, sizeof c->detail, "member in arrears on the service date");
        break;
    case K_C06:
        if (g->c06.n && (rng_pct(r, 70) || !plan_undesignated(g, c))) {
            ok = plan_from_list(g, c, &g->c06, win_enrolled);
            snprintf(c->detail, sizeof c->detail, "hospital does not take scheme %s",
                     ok ? g->schemes[g->members[c->member].scheme] : "?");
        } else {
            ok = plan_undesignated(g, c);
            snprintf(c->detail, sizeof c->detail, "hospital not designated on the service date");
        }
        break;
    case K_C10: {
        if (!g->c10.n)
            return false;
        for (int t = 0; t < 16 && !ok; t++) {
            uint32_t mi = g->c10.v[rng_below(r, g->c10.n)];
            const member_t *m = &g->members[mi];
            int types[T_N], nt = 0;
            for (int k = 0; k < T_N; k++)
                if (!covered(g, m->scheme, m->category, k))
                    types[nt++] = k;
            if (!nt)
                continue;
            c->type = types[rng_below(r, (uint64_t)nt)];
            int32_t lo, hi;
            if (!member_window(g, m, true, &lo, &hi))
                continue;
            c->member = mi;
            plan_dates(g, c, lo, hi);
            /* C08 comes before C10: an inpatient stay must not overlap */
            ok = c->type != T_IN || stay_free(g, mi, c->adm, stay_end(c->adm, c->dis));
        }
        snprintf(c->detail, sizeof c->detail, "no benefit for a %s claim of scheme %s/%s",
                 TYPE_NAME[c->type], ok ? g->schemes[g->members[c->member].scheme] : "?",
                 ok ? g->cats[g->members[c->member].category] : "?");
        break;
    }
    default:
        return false;
    }
    if (!ok)
        return false;
    fill_claim(g, c);
    return true;
}

/*
 * Build the current claim with problem KIND. Returns false, having changed
 * nothing but the random stream, when the kind is not possible now (no
 * suitable member, row or earlier claim); the caller then draws again.
 */
static bool build_kind(gen_t *g, claim_t *c, int kind)
{
    rng_t *r = &g->rng;
    ring_t *e;
    uint32_t other;
    switch (kind) {
    case K_NONE:
        plan_normal(g, c, -1);
        fill_claim(g, c);
        return true;
    case K_C04: case K_C05: case K_C06: case K_C10:
        return build_member_problem(g, c, kind);
    case K_C07:
        if (!(e = ring_find(g, WANT_CLEAN)))
            return false;
        plan_normal(g, c, e->type);
        copy_str(c->id, sizeof c->id, e->id);
        fill_claim(g, c);
        snprintf(c->detail, sizeof c->detail, "id of an earlier claim");
        return true;
    case K_C08: {
        if (!(e = ring_find(g, WANT_CLEAN_IN)))
            return false;
        c->type = T_IN;
        c->member = e->member;
        int32_t lo, hi, end = stay_end(e->adm, e->dis);
        member_window(g, &g->members[e->member], true, &lo, &hi);
        int32_t adm = e->adm + (int32_t)rng_below(r, (uint64_t)(end - e->adm));
        if (adm < lo || adm > hi)
            adm = e->adm;
        c->adm = adm;
        c->dis = min32(g->y1, adm + (int32_t)rng_range(r, 1, 10));
        fill_claim(g, c);
        snprintf(c->detail, sizeof c->detail, "stay overlaps %s", e->id);
        return true;
    }
    case K_VOID:
        if (!(e = ring_find(g, WANT_VOIDABLE)))
            return false;
        c->type = e->type;
        c->void_request = true;
        c->member = e->member;
        c->member_id = g->members[e->member].id;
        snprintf(c->id, sizeof c->id, "%sV", e->id);
        copy_str(c->target, sizeof c->target, e->id);
        c->target_kind = 2;
        snprintf(c->detail, sizeof c->detail, "voids %s", e->id);
        e->flags |= R_VOIDED;
        ring_push(g, c, R_VOIDREQ | R_MEMBER_OK);
        return true;
    case K_REPLACE:
        if (!(e = ring_find(g, WANT_REPLACEABLE)))
            return false;
        c->type = e->type;
        c->member = e->member;
        c->adm = e->adm;
        c->dis = e->dis;
        c->sd = e->sd;
        snprintf(c->id, sizeof c->id, "%sR", e->id);
        copy_str(c->target, sizeof c->target, e->id);
        c->target_kind = 1;
        fill_claim(g, c);
        snprintf(c->detail, sizeof c->detail, "replaces %s%s", e->id,
                 e->flags & R_REJECTED ? " (rejected)" : "");
        e->flags |= R_VOIDED;
        return true;
    case K_C09: {
        /* the invalid voids and replacements of SPEC 5.1 C09 */
        int v = (int)rng_below(r, 5);
        for (int t = 0; t < 5; t++, v = (v + 1) % 5) {
            if (v == 0) {          /* void of a claim never seen */
                plan_normal(g, c, T_OUT);
                c->void_request = true;
                c->member_id = g->members[c->member].id;
                new_claim_id(g, c);
                snprintf(c->id + strlen(c->id), sizeof c->id - strlen(c->id), "V");
                snprintf(c->target, sizeof c->target, "ZZ%04d%07" PRIu32, g->year,
                         rng_below(r, 10000000));
                c->target_kind = 2;
                snprintf(c->detail, sizeof c->detail, "voids unknown %s", c->target);
                return true;
            }
            if (v == 1 && (e = ring_find(g, WANT_VOIDED))) {   /* already voided */
                c->type = e->type;
                c->void_request = true;
                c->member = e->member;
                c->member_id = g->members[e->member].id;
                new_claim_id(g, c);
                snprintf(c->id + strlen(c->id), sizeof c->id - strlen(c->id), "V");
                copy_str(c->target, sizeof c->target, e->id);
                c->target_kind = 2;
                snprintf(c->detail, sizeof c->detail, "voids %s, already voided", e->id);
                return true;
            }
            if (v == 2 && (e = ring_find(g, WANT_VOIDABLE)) &&
                other_member(g, e->type, e->member, &other)) {   /* wrong member */
                c->type = e->type;
                c->void_request = true;
                c->member = other;
                c->member_id = g->members[other].id;
                new_claim_id(g, c);
                snprintf(c->id + strlen(c->id), sizeof c->id - strlen(c->id), "V");
                copy_str(c->target, sizeof c->target, e->id);
                c->target_kind = 2;
                snprintf(c->detail, sizeof c->detail, "voids %s with another member", e->id);
                return true;
            }
            if (v == 3 && (e = ring_find(g, WANT_CLEAN)) &&
                other_member(g, e->type, e->member, &other) &&
                (e->type != T_IN || stay_free(g, other, e->adm, stay_end(e->adm, e->dis)))) {
                int32_t lo, hi;   /* replacement of a paid claim naming another member */
                if (!member_window(g, &g->members[other], true, &lo, &hi) || e->adm < lo ||
                    e->adm > hi)
                    continue;
                c->type = e->type;
                c->member = other;
                c->adm = e->adm;
                c->dis = e->dis;
                new_claim_id(g, c);
                snprintf(c->id + strlen(c->id), sizeof c->id - strlen(c->id), "R");
                copy_str(c->target, sizeof c->target, e->id);
                c->target_kind = 1;
                fill_claim(g, c);
                snprintf(c->detail, sizeof c->detail, "replaces %s with another member", e->id);
                return true;
            }
            if (v == 4 && (e = ring_find(g, WANT_VOIDREQ))) {   /* void of a void */
                c->type = e->type;
                c->void_request = true;
                c->member = e->member;
                c->member_id = g->members[e->member].id;
                new_claim_id(g, c);
                snprintf(c->id + strlen(c->id), sizeof c->id - strlen(c->id), "V");
                copy_str(c->target, sizeof c->target, e->id);
                c->target_kind = 2;
                snprintf(c->detail, sizeof c->detail, "voids the void request %s", e->id);
                return true;
            }
        }
        return false;
    }
    default:
        break;
    }

    /* Problems of a normal claim: plan, fill, then spoil. */
    plan_normal(g, c, -1);
    fill_claim(g, c);
    switch (kind) {
    case K_C01:
        make_malformed(g, c);
        return true;
    case K_C02: {
        char *s = scratch(c);
        static const char checks[] = "0123456789X";
        copy_str(s, 48, c->member_id);
        char right = s[17];
        do
            s[17] = checks[rng_below(r, 11)];
        while (s[17] == right);
        c->member_id = s;
        snprintf(c->detail, sizeof c->detail, "member id %s, check character should be %c", s,
                 right);
        return true;
    }
    case K_C03: {
        char *s = scratch(c);
        if (!unknown_member_id(g, c->member_id, s))
            break;
        c->member_id = s;
        snprintf(c->detail, sizeof c->detail, "member %s not in the registry", s);
        return true;
    }
    case K_C11:
        if (make_bad_diagnosis(g, c))
            return true;
        break;
    case K_C12:
        reject_all_lines(g, c);
        return true;
    default:
        if (apply_line_problem(g, c, kind))
            return true;
        break;
    }
    /* the spoiling was not possible: the claim stays clean */
    c->detail[0] = '\0';
    c->problem_line = -1;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                   */
/* ------------------------------------------------------------------------ */

static inline char *put_date(gen_t *g, char *p, int32_t z)
{
    if (z >= g->date_tab_lo && z <= g->date_tab_hi)
        memcpy(p, g->date_tab[z - g->date_tab_lo], 10);
    else
        fmt_date10(p, z);
    return p + 10;
}

static void emit_claim(gen_t *g, const claim_t *c)
{
    out_t *o = &g->out;
    char *p = out_ptr(o, 2048);
    PUT(p, "  <claim id=\"");
    p = put_str(p, c->id);
    if (!c->omit_type) {
        PUT(p, "\" type=\"");
        p = put_str(p, TYPE_NAME[c->type]);
    }
    if (c->target_kind) {
        p = c->target_kind == 1 ? put_mem(p, "\" replaces=\"", 12) : put_mem(p, "\" voids=\"", 9);
        p = put_str(p, c->target);
    }
    PUT(p, "\">\n    <member");
    if (!c->omit_member_id) {
        PUT(p, " id=\"");
        p = put_str(p, c->member_id);
        *p++ = '"';
    }
    PUT(p, "/>\n");
    if (c->void_request) {
        PUT(p, "  </claim>\n");
        out_done(o, p);
        return;
    }
    if (c->type == T_IN) {
        PUT(p, "    <stay admitted=\"");
        p = put_date(g, p, c->adm);
        PUT(p, "\" discharged=\"");
        p = put_date(g, p, c->end_before_start ? c->adm - 1 - (c->dis - c->adm) : c->dis);
        PUT(p, "\"/>\n");
    } else {
        PUT(p, "    <visit date=\"");
        p = put_date(g, p, c->adm);
        PUT(p, "\"/>\n");
    }
    for (int i = 0; i < c->ndiag; i++) {
        PUT(p, "    <diagnosis code=\"");
        p = put_str(p, c->diag[i]);
        p = c->primary[i] ? put_mem(p, "\" primary=\"true\"/>\n", 19) : put_mem(p, "\"/>\n", 4);
    }
    for (int i = 0; i < c->nproc; i++) {
        PUT(p, "    <procedure code=\"");
        p = put_str(p, c->proc[i]);
        PUT(p, "\"/>\n");
    }
    if (c->unknown_element)
        PUT(p, "    <remark>generated</remark>\n");
    for (int i = 0; i < c->nline; i++) {
        const line_t *l = &c->line[i];
        out_done(o, p);
        p = out_ptr(o, 512);
        PUT(p, "    <item");
        if (!(l->omit & OMIT_SEQ)) {
            PUT(p, " seq=\"");
            p = put_u64(p, (uint64_t)i + 1);
            *p++ = '"';
        }
        if (!(l->omit & OMIT_CODE)) {
            PUT(p, " code=\"");
            p = put_str(p, l->code);
            *p++ = '"';
        }
        if (!(l->omit & OMIT_DATE)) {
            PUT(p, " date=\"");
            p = l->date_text ? put_str(p, l->date_text) : put_date(g, p, l->date);
            *p++ = '"';
        }
        if (!(l->omit & OMIT_QTY)) {
            PUT(p, " qty=\"");
            p = l->qty_text ? put_str(p, l->qty_text) : put_qty(p, l->qty);
            *p++ = '"';
        }
        if (!(l->omit & OMIT_PRICE)) {
            PUT(p, " price=\"");
            p = l->price_text ? put_str(p, l->price_text) : put_money(p, l->price);
            *p++ = '"';
        }
        if (!(l->omit & OMIT_AMOUNT)) {
            PUT(p, " amount=\"");
            p = put_money(p, l->amount);
            *p++ = '"';
        }
        PUT(p, "/>\n");
    }
    PUT(p, "  </claim>\n");
    out_done(o, p);
}

/* One claim: draw a problem (or none), build it, write it, remember it. */
static void gen_one(gen_t *g)
{
    claim_t *c = &g->claim;
    int kind = K_NONE;
    bool built = false;
    if (g->problems_bp && rng_below(&g->rng, 10000) < g->problems_bp) {
        unsigned total = 0;
        for (int k = 1; k < K_N; k++)
            total += KIND[k].weight;
        for (int attempt = 0; attempt < 12 && !built; attempt++) {
            uint32_t u = rng_below(&g->rng, total);
            for (kind = 1; kind < K_N - 1 && u >= KIND[kind].weight; kind++)
                u -= KIND[kind].weight;
            claim_reset(g, c);
            built = build_kind(g, c, kind);
        }
        if (built && !c->detail[0])
            kind = K_NONE;   /* the spoiling was not possible */
        else if (built)
            g->n_kind[kind]++;
    }
    if (!built) {
        kind = K_NONE;
        claim_reset(g, c);
        build_kind(g, c, K_NONE);
    }
    emit_claim(g, c);

    g->n_claims++;
    if (c->void_request)
        g->n_void_req++;
    else
        g->n_type[c->type]++;
    g->n_items += (uint64_t)c->nline;
    if (c->sd >= 0 && !c->void_request)
        g->n_sd++;

    /* what later claims may refer to (SPEC 5.1: C07 claims are not recorded) */
    switch (kind) {
    case K_NONE: case K_L01: case K_L02: case K_L03: case K_L04: case K_L05: case K_L06:
    case K_L11: case K_L12: case K_L13: case K_L14: case K_L15: case K_L16: case K_REPLACE:
        ring_push(g, c, R_MEMBER_OK);
        break;
    case K_C02: case K_C03:
        ring_push(g, c, R_REJECTED | R_FIXABLE);
        break;
    case K_C11: case K_C12:
        ring_push(g, c, R_REJECTED | R_FIXABLE | R_MEMBER_OK);
        break;
    case K_C04: case K_C05: case K_C06: case K_C08: case K_C10:
        ring_push(g, c, R_REJECTED | R_MEMBER_OK);
        break;
    default:   /* C01, C07, C09, and valid voids (pushed when built) */
        break;
    }

    if (g->manifest && kind != K_NONE) {
        if (c->problem_line >= 0)
            fprintf(g->manifest, "%s\t%s\tseq=%d %s\n", c->id, KIND[kind].code,
                    c->problem_line + 1, c->detail);
        else
            fprintf(g->manifest, "%s\t%s\t%s\n", c->id, KIND[kind].code, c->detail);
    }
}

/* ------------------------------------------------------------------------ */
/* Command line                                                              */
/* ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: gen_batch --catalog DIR [--hospital CODE] [--claims N | --size MB]\n"
          "                 [--seed S] [--batch-id ID] [--year Y] [--problems PERCENT]\n"
          "                 [--encoding UTF-8|GBK|GB18030] [--first-claim N]\n"
          "                 [--manifest FILE] [-o FILE]\n"
          "Writes one claim batch (SPEC 4.5) for the hospital (default: the first row of\n"
          "hospitals.csv): --claims N claims (default 1000), or claims until the output\n"
          "reaches --size MB (10^6 bytes). Same arguments, same bytes.\n", f);
}

static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (strcmp(argv[*i], name) != 0)
        return NULL;
    if (*i + 1 >= argc) {
        fprintf(stderr, "gen_batch: %s needs a value\n", name);
        usage(stderr);
        exit(GEN_EX_USAGE);
    }
    return argv[++*i];
}

static void parse_args(gen_t *g, int argc, char **argv)
{
    g->nclaims = 1000;
    g->year = 2005;
    g->problems_bp = 500;
    g->first_claim = 1;
    g->encoding = "UTF-8";
    bool have_claims = false;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int64_t x;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if ((v = opt_value(argc, argv, &i, "--catalog"))) {
            g->catalog = v;
        } else if ((v = opt_value(argc, argv, &i, "--hospital"))) {
            g->hospital_code = v;
        } else if ((v = opt_value(argc, argv, &i, "--claims"))) {
            if (!parse_u64(v, &g->nclaims))
                die(GEN_EX_USAGE, "--claims: '%s' is not a count", v);
            have_claims = true;
        } else if ((v = opt_value(argc, argv, &i, "--size"))) {
            if (!parse_scaled(v, 7, 3, &x) || x <= 0)
                die(GEN_EX_USAGE, "--size: '%s' is not a size in MB", v);
            g->size_bytes = (uint64_t)x * 1000;   /* thousandths of 10^6 bytes */
            g->by_size = true;
        } else if ((v = opt_value(argc, argv, &i, "--seed"))) {
            if (!parse_u64(v, &g->seed))
                die(GEN_EX_USAGE, "--seed: '%s' is not an unsigned integer", v);
        } else if ((v = opt_value(argc, argv, &i, "--batch-id"))) {
            size_t n = strlen(v);
            bool ok = n >= 1 && n <= 64;
            for (size_t k = 0; k < n; k++)
                ok = ok && (unsigned char)v[k] >= 0x20 && v[k] != 0x7f;
            if (!ok)
                die(GEN_EX_USAGE, "--batch-id: 1-64 characters, no control characters");
            g->batch_id = v;
        } else if ((v = opt_value(argc, argv, &i, "--year"))) {
            long y;
            if (!parse_small_uint(v, &y) || y < 1900 || y > 9998)
                die(GEN_EX_USAGE, "--year: '%s' is not a year (1900-9998)", v);
            g->year = (int)y;
        } else if ((v = opt_value(argc, argv, &i, "--problems"))) {
            if (!parse_scaled(v, 3, 2, &x) || x > 10000)
                die(GEN_EX_USAGE, "--problems: '%s' is not a percentage (0-100)", v);
            g->problems_bp = (unsigned)x;
        } else if ((v = opt_value(argc, argv, &i, "--encoding"))) {
            g->encoding = v;
        } else if ((v = opt_value(argc, argv, &i, "--first-claim"))) {
            if (!parse_u64(v, &g->first_claim) || g->first_claim > 999999999999ULL)
                die(GEN_EX_USAGE, "--first-claim: '%s' is not a claim number", v);
        } else if ((v = opt_value(argc, argv, &i, "--manifest"))) {
            g->manifest_path = v;
        } else if ((v = opt_value(argc, argv, &i, "-o"))) {
            g->out_path = v;
        } else {
            fprintf(stderr, "gen_batch: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            exit(GEN_EX_USAGE);
        }
    }
    if (!g->catalog) {
        usage(stderr);
        exit(GEN_EX_USAGE);
    }
    if (have_claims && g->by_size)
        die(GEN_EX_USAGE, "--claims and --size exclude each other");
}

static void open_output(gen_t *g)
{
    out_t *o = &g->out;
    o->path = g->out_path ? g->out_path : "<stdout>";
    o->f = g->out_path ? fopen(g->out_path, "wb") : stdout;
    if (!o->f)
        die(GEN_EX_CANTCREAT, "%s: %s", g->out_path, strerror(errno));
    o->buf = xcalloc(OUT_CAP, 1);
    setvbuf(o->f, NULL, _IOFBF, 1u << 16);   /* our own buffer does the batching */
    const char *enc = g->encoding;
    if (strcmp(enc, "UTF-8") == 0 || strcmp(enc, "utf-8") == 0) {
        g->encoding = "UTF-8";
    } else if (strcmp(enc, "GBK") == 0 || strcmp(enc, "gbk") == 0 ||
               strcmp(enc, "GB18030") == 0 || strcmp(enc, "gb18030") == 0) {
        g->encoding = enc[2] == 'K' || enc[2] == 'k' ? "GBK" : "GB18030";
        o->cd = iconv_open(g->encoding, "UTF-8");
        if (o->cd == (iconv_t)-1)
            die(GEN_EX_SOFTWARE, "iconv cannot convert to %s", g->encoding);
        o->convert = true;
        o->cbuf = xcalloc(CBUF_CAP, 1);
    } else {
        die(GEN_EX_USAGE, "--encoding: UTF-8, GBK or GB18030, not '%s'", enc);
    }
}

static void write_header(gen_t *g)
{
    out_t *o = &g->out;
    char *p = out_ptr(o, 4096);
    char bid[80];
    if (!g->batch_id) {
        snprintf(bid, sizeof bid, "GEN%04d-%" PRIu64, g->year, g->seed);
        g->batch_id = bid;
    }
    PUT(p, "<?xml version=\"1.0\" encoding=\"");
    p = put_str(p, g->encoding);
    PUT(p, "\"?>\n<!-- gen_batch: hospital ");
    p = put_str(p, g->hosp.code);
    /* the hospital's name, for people and to give a GBK batch non-ASCII
     * bytes; left out if it could end the comment early */
    size_t nl = strlen(g->hosp.name);
    if (nl && !strstr(g->hosp.name, "--") && g->hosp.name[nl - 1] != '-') {
        *p++ = ' ';
        p = put_escaped(p, g->hosp.name, 200);
    }
    p += snprintf(p, 200, ", tier %d, year %d, seed %" PRIu64 ", problems %u.%02u%% -->\n",
                  g->hosp.tier, g->year, g->seed, g->problems_bp / 100, g->problems_bp % 100);
    PUT(p, "<batch xmlns=\"urn:adjudicator:batch:1\" id=\"");
    p = put_escaped(p, g->batch_id, 64);
    PUT(p, "\" hospital=\"");
    p = put_str(p, g->hosp.code);
    PUT(p, "\" created=\"");
    p = put_date(g, p, days_from_civil(g->year + 1, 1, 2));
    PUT(p, "T08:30:00\">\n");
    out_done(o, p);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    gen_t *g = &G;
    double t0 = now_seconds();
    parse_args(g, argc, argv);
    rng_seed(&g->rng, g->seed);
    g->y0 = days_from_civil(g->year, 1, 1);
    g->y1 = days_from_civil(g->year, 12, 31);
    g->date_tab_lo = g->y0 - 366;
    g->date_tab_hi = g->date_tab_lo + (int32_t)(sizeof g->date_tab / sizeof g->date_tab[0]) - 1;
    for (int32_t z = g->date_tab_lo; z <= g->date_tab_hi; z++)
        fmt_date10(g->date_tab[z - g->date_tab_lo], z);
    g->next_no = g->first_claim;

    /* the catalog, read once */
    load_policy(g);
    build_code_lists(g);
    load_hospital(g);
    load_single_disease(g);
    uint32_t icap = 0;
    load_items(g, "drugs.csv", F_DRUGS, &icap);
    load_items(g, "treatments.csv", F_TREAT, &icap);
    load_items(g, "facilities.csv", F_FACIL, &icap);
    load_members(g);
    strset_build(&g->codeset, g->items, sizeof g->items[0], g->nitems);
    strset_build(&g->memberset, g->members, sizeof g->members[0], g->nmembers);
    if (g->have_policy) {
        bool year_known = false;
        for (uint32_t i = 0; i < g->nben; i++)
            year_known |= g->ben[i].year == g->year;
        if (!year_known)
            die(GEN_EX_DATAERR, "%s/policy.xml has no benefit for %d", g->catalog, g->year);
    }
    build_row_pools(g);
    build_member_lists(g);
    if (!g->pool[F_DRUGS].n && !g->pool[F_TREAT].n && !g->pool[F_FACIL].n)
        die(GEN_EX_DATAERR, "no catalog item is valid in %d", g->year);
    if (!g->cand[T_OUT].n && !g->cand[T_IN].n && !g->cand[T_SPEC].n)
        die(GEN_EX_DATAERR, "no member of %s/members.csv is eligible at %s in %d", g->catalog,
            g->hosp.code, g->year);
    /* calloc: pages of members never admitted are never touched */
    g->stays = xcalloc((size_t)g->nmembers * STAY_WORDS, sizeof *g->stays);
    double t_load = now_seconds() - t0;

    if (g->manifest_path) {
        g->manifest = fopen(g->manifest_path, "w");
        if (!g->manifest)
            die(GEN_EX_CANTCREAT, "%s: %s", g->manifest_path, strerror(errno));
        fprintf(g->manifest, "# claim\texpect\tdetail\n");
    }
    open_output(g);
    write_header(g);
    if (g->by_size) {
        const uint64_t tail = sizeof "</batch>\n" - 1;
        while (g->out.written + g->out.len + tail < g->size_bytes)
            gen_one(g);
    } else {
        for (uint64_t i = 0; i < g->nclaims; i++)
            gen_one(g);
    }
    char *p = out_ptr(&g->out, 16);
    PUT(p, "</batch>\n");
    out_done(&g->out, p);
    out_flush(&g->out);
    if (fflush(g->out.f) != 0 || (g->out_path && fclose(g->out.f) != 0))
        die(GEN_EX_IOERR, "%s: write failed: %s", g->out.path, strerror(errno));

    uint64_t problems = 0;
    for (int k = 1; k < K_N; k++)
        problems += g->n_kind[k];
    if (g->manifest) {
        fprintf(g->manifest, "# counts:");
        for (int k = 1; k < K_N; k++)
            fprintf(g->manifest, " %s=%" PRIu64, KIND[k].code, g->n_kind[k]);
        fprintf(g->manifest, "\n");
        if (fclose(g->manifest) != 0)
            die(GEN_EX_IOERR, "%s: write failed", g->manifest_path);
    }
    double secs = now_seconds() - t0 - t_load;
    fprintf(stderr,
            "gen_batch: %" PRIu64 " claims (%" PRIu64 " outpatient, %" PRIu64 " inpatient "
            "[%" PRIu64 " single-disease], %" PRIu64 " special-outpatient, %" PRIu64
            " void requests; %" PRIu64 " with a problem), %" PRIu64 " items, %" PRIu64
            " bytes; catalog %.2f s, batch %.2f s (%.0f MB/s)%s\n",
            g->n_claims, g->n_type[T_OUT], g->n_type[T_IN], g->n_sd, g->n_type[T_SPEC],
            g->n_void_req, problems, g->n_items, g->out.written, t_load, secs,
            secs > 0 ? (double)g->out.written / 1e6 / secs : 0.0,
            g->n_fallback ? "; stay calendars full, some inpatient claims became outpatient"
                          : "");
    return 0;
}
