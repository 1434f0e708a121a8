/*
 * catalog.c - the in-memory catalog: construction, pattern cache, look-ups.
 *
 * The pattern cache maps source text to a compiled pattern, so a pattern
 * used by a thousand rows (a diagnosis restriction, say) is compiled, JIT
 * compiled and probed for blow-up exactly once.
 */
#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/vec.h"

const char *const adj_item_file_name[ADJ_FILE_COUNT] = {"drugs.csv", "treatments.csv",
                                                        "facilities.csv"};
const char *const adj_cost_class_name[ADJ_CLASS_COUNT] = {"exam", "drug-material", "labor"};
const char *const adj_format_kind_name[ADJ_FMT_COUNT] = {"drug",      "service",   "material",
                                                         "diagnosis", "procedure", "hospital"};
const char *const adj_claim_type_name[ADJ_CT_COUNT] = {"inpatient", "special-outpatient",
                                                       "outpatient"};

typedef struct cache_entry {
	char *src;
	adj_pattern *re; /* NULL: known bad */
} cache_entry;

struct adj_pattern_cache {
	cache_entry *slots;
	size_t nslots, used;
};

static uint64_t
fnv1a(const char *s, size_t n)
{
	uint64_t h = UINT64_C(1469598103934665603);
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

int
adj_catalog_new(adj_catalog **out)
{
	adj_catalog *cat = calloc(1, sizeof *cat);
	if (!cat)
		return ADJ_ENOMEM;
	adj_arena_init(&cat->arena, 0);
	cat->patterns = calloc(1, sizeof *cat->patterns);
	if (!cat->patterns) {
		free(cat);
		return ADJ_ENOMEM;
	}
	*out = cat;
	return 0;
}

void
adj_catalog_free(adj_catalog *cat)
{
	if (!cat)
		return;
	if (cat->patterns) {
		for (size_t i = 0; i < cat->patterns->nslots; i++) {
			free(cat->patterns->slots[i].src);
			adj_pattern_free(cat->patterns->slots[i].re);
		}
		free(cat->patterns->slots);
		free(cat->patterns);
	}
	for (size_t i = 0; i < cat->policy.nbenefits; i++)
		free(cat->policy.benefits[i].bands);
	free(cat->policy.schemes);
	free(cat->policy.groups);
	free(cat->policy.benefits);
	free(cat->items);
	free(cat->sd);
	free(cat->hospitals);
	free(cat->budgets);
	adj_arena_free(&cat->arena);
	free(cat);
}

const char *
adj_catalog_str(adj_catalog *cat, const char *s, size_t n)
{
	return adj_arena_strndup(&cat->arena, s, n);
}

static int
cache_grow(adj_pattern_cache *pc)
{
	size_t n = pc->nslots ? pc->nslots * 2 : 64;
	cache_entry *slots = calloc(n, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < pc->nslots; i++) {
		cache_entry *e = &pc->slots[i];
		if (!e->src)
			continue;
		size_t j = fnv1a(e->src, strlen(e->src)) & (n - 1);
		while (slots[j].src)
			j = (j + 1) & (n - 1);
		slots[j] = *e;
	}
	free(pc->slots);
	pc->slots = slots;
	pc->nslots = n;
	return 0;
}

const adj_pattern *
adj_catalog_pattern(adj_catalog *cat, const char *src, size_t n, char *err, size_t errlen)
{
	adj_pattern_cache *pc = cat->patterns;

	if ((pc->used + 1) * 2 > pc->nslots && cache_grow(pc) != 0) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	size_t j = fnv1a(src, n) & (pc->nslots - 1);
	while (pc->slots[j].src) {
		cache_entry *e = &pc->slots[j];
		if (strlen(e->src) == n && memcmp(e->src, src, n) == 0) {
			if (!e->re)
				snprintf(err, errlen, "pattern does not compile or can blow up (see its first use)");
			return e->re;
		}
		j = (j + 1) & (pc->nslots - 1);
	}
	adj_pattern *re = NULL;
	if (adj_pattern_compile(src, n, &re, err, errlen) == 0 && !adj_pattern_is_tame(re)) {
		snprintf(err, errlen,
		         "pattern hits the match limit on a long probe string (catastrophic backtracking)");
		adj_pattern_free(re);
		re = NULL;
	}
	char *copy = malloc(n + 1);
	if (!copy) {
		adj_pattern_free(re);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memcpy(copy, src, n);
	copy[n] = '\0';
	pc->slots[j].src = copy;
	pc->slots[j].re = re;
	pc->used++;
	return re;
}

const adj_scheme *
adj_policy_scheme(const adj_policy *p, const char *code)
{
	for (size_t i = 0; i < p->nschemes; i++)
		if (strcmp(p->schemes[i].code, code) == 0)
			return &p->schemes[i];
	return NULL;
}

const adj_hospital *
adj_catalog_hospital(const adj_catalog *cat, const char *code)
{
	for (size_t i = 0; i < cat->nhospitals; i++)
		if (strcmp(cat->hospitals[i].code, code) == 0)
			return &cat->hospitals[i];
	return NULL;
}

bool
adj_policy_category_known(const adj_policy *p, const char *scheme, const char *category)
{
	for (size_t i = 0; i < p->nbenefits; i++) {
		const adj_benefit *b = &p->benefits[i];
		if (strcmp(b->scheme, scheme) != 0)
			continue;
		if (strcmp(b->category, "*") == 0 || strcmp(b->category, category) == 0)
			return true;
	}
	return false;
}
