/*
 * pattern.c - PCRE2 compile-once, match-with-limits wrapper.
 *
 * Ownership: an adj_pattern owns its code, its match data and its match
 * context. Matching writes only to the pattern's own match data, so a
 * pattern must not be matched from two threads at once through it; a
 * second thread brings its own match data (adj_pattern_scratch). The
 * match context is only read, and JIT code runs on the caller's stack.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "pattern.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct adj_pattern {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	bool jit;
	char *source;
};

int
adj_pattern_compile(const char *src, size_t n, adj_pattern **out, char *err, size_t errlen)
{
	int errcode;
	PCRE2_SIZE erroff;
	adj_pattern *p = calloc(1, sizeof *p);

	*out = NULL;
	if (!p)
		goto nomem;
	p->source = malloc(n + 1);
	if (!p->source)
		goto nomem;
	memcpy(p->source, src, n);
	p->source[n] = '\0';
	p->code = pcre2_compile((PCRE2_SPTR)src, n, PCRE2_DOLLAR_ENDONLY, &errcode, &erroff, NULL);
	if (!p->code) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		snprintf(err, errlen, "pattern does not compile at offset %zu: %s", (size_t)erroff, (char *)msg);
		adj_pattern_free(p);
		return -1;
	}
	p->jit = pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE) == 0;
	p->md = pcre2_match_data_create_from_pattern(p->code, NULL);
	p->mctx = pcre2_match_context_create(NULL);
	if (!p->md || !p->mctx)
		goto nomem;
	pcre2_set_match_limit(p->mctx, ADJ_PATTERN_MATCH_LIMIT);
	pcre2_set_heap_limit(p->mctx, ADJ_PATTERN_HEAP_LIMIT);
	pcre2_set_depth_limit(p->mctx, ADJ_PATTERN_MATCH_LIMIT);
	*out = p;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory compiling a pattern");
	adj_pattern_free(p);
	return -1;
}

struct adj_pattern_scratch {
	pcre2_match_data *md;
};

adj_pattern_scratch *
adj_pattern_scratch_new(void)
{
	adj_pattern_scratch *s = malloc(sizeof *s);
	/* one pair: the whole match, or 0 from pcre2_match for a pattern with
	 * groups, which still means a match */
	if (s && !(s->md = pcre2_match_data_create(1, NULL))) {
		free(s);
		s = NULL;
	}
	return s;
}

void
adj_pattern_scratch_free(adj_pattern_scratch *s)
{
	if (!s)
		return;
	pcre2_match_data_free(s->md);
	free(s);
}

int
adj_pattern_match(const adj_pattern *p, const char *subject, size_t n)
{
	return adj_pattern_match_in(p, NULL, subject, n);
}

int
adj_pattern_match_in(const adj_pattern *p, adj_pattern_scratch *s, const char *subject, size_t n)
{
	int rc = pcre2_match(p->code, (PCRE2_SPTR)subject, n, 0, 0, s ? s->md : p->md, p->mctx);
	if (rc >= 0)
		return ADJ_PATTERN_MATCH;
	if (rc == PCRE2_ERROR_NOMATCH)
		return ADJ_PATTERN_NOMATCH;
	return ADJ_PATTERN_LIMIT;
}

size_t
adj_pattern_own_match_end(const adj_pattern *p)
{
	return (size_t)pcre2_get_ovector_pointer(p->md)[1];
}

const char *
adj_pattern_source(const adj_pattern *p)
{
	return p->source;
}

bool
adj_pattern_is_tame(const adj_pattern *p)
{
	char seen[256] = {0};
	char probe[66];
	const char *generic = "aA0x. -_";

	/* Probe characters: a few generic ones, then every printable ASCII
	 * character the pattern itself names. */
	for (const char *g = generic; *g; g++)
		seen[(unsigned char)*g] = 1;
	for (const char *s = p->source; *s; s++)
		if (*s > ' ' && *s < 127)
			seen[(unsigned char)*s] = 1;
	for (int c = 1; c < 127; c++) {
		if (!seen[c])
			continue;
		memset(probe, c, 64);
		for (int tail = 0; tail < 2; tail++) {
			probe[64] = tail ? '\n' : '\x01';
			if (adj_pattern_match(p, probe, 65) == ADJ_PATTERN_LIMIT)
				return false;
		}
	}
	return true;
}

void
adj_pattern_free(adj_pattern *p)
{
	if (!p)
		return;
	pcre2_match_context_free(p->mctx);
	pcre2_match_data_free(p->md);
	pcre2_code_free(p->code);
	free(p->source);
	free(p);
}
