/*
 * pattern.h - PCRE2 patterns of the catalogs and the policy (SPEC 3).
 *
 * A pattern is compiled once with PCRE2_DOLLAR_ENDONLY (so "$" does not
 * accept a trailing newline) and otherwise default options, JIT-compiled
 * when the library can, and always matched as a search under a match limit
 * and a heap limit: no catalog pattern can hang the engine. A match that
 * hits a limit answers ADJ_PATTERN_LIMIT, which callers turn into a catalog
 * error (import) or "not matched" with a reason (adjudication).
 */
#ifndef ADJ_UTIL_PATTERN_H
#define ADJ_UTIL_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct adj_pattern adj_pattern;

enum {
	ADJ_PATTERN_NOMATCH = 0,
	ADJ_PATTERN_MATCH = 1,
	ADJ_PATTERN_LIMIT = -1, /* match or heap limit hit, or a matching error */
};

/* Match steps allowed per match; MEASUREMENTS 3: 0.12 ms worst case on JIT. */
#define ADJ_PATTERN_MATCH_LIMIT 100000
/* Heap allowed per match, in KiB. */
#define ADJ_PATTERN_HEAP_LIMIT 8192

/*
 * Compile the n bytes at src. On success returns 0 and sets *out (free with
 * adj_pattern_free). On failure returns -1 and writes PCRE2's message with
 * the offset into err (errlen bytes).
 */
int adj_pattern_compile(const char *src, size_t n, adj_pattern **out, char *err, size_t errlen);

/* Search subject (n bytes): ADJ_PATTERN_MATCH, _NOMATCH or _LIMIT. */
int adj_pattern_match(const adj_pattern *p, const char *subject, size_t n);

/*
 * A pattern's own match data serves one thread. A second thread that
 * matches the same patterns brings its own scratch (NULL when out of
 * memory) and matches with adj_pattern_match_in: same results.
 */
typedef struct adj_pattern_scratch adj_pattern_scratch;
adj_pattern_scratch *adj_pattern_scratch_new(void);
void adj_pattern_scratch_free(adj_pattern_scratch *s);
/* As adj_pattern_match, writing only to s (the pattern's own when NULL). */
int adj_pattern_match_in(const adj_pattern *p, adj_pattern_scratch *s, const char *subject,
                         size_t n);

/* Where the last match through p's own match data ended (for the tests:
 * a match through a scratch leaves it as it was). */
size_t adj_pattern_own_match_end(const adj_pattern *p);

/* The source text the pattern was compiled from (NUL-terminated). */
const char *adj_pattern_source(const adj_pattern *p);

/*
 * Run the pattern against adversarial probe subjects (long runs of each
 * character the pattern names, then a mismatch). Returns false when a probe
 * hits a limit: the pattern can blow up on real input and is refused at
 * import.
 */
bool adj_pattern_is_tame(const adj_pattern *p);

void adj_pattern_free(adj_pattern *p);

#endif
