/*
 * fuzz_policy.c - catalog/policy_read.c (adj_policy_read) on any bytes.
 *
 * The input is written as policy.xml in a temporary folder and read into a
 * fresh catalog. Properties:
 *  - the return code is 0 or ADJ_EDATA, 0 exactly when no diagnostic was
 *    given, and every diagnostic names policy.xml and a line of the input;
 *  - a policy that is accepted obeys SPEC 4.1, checked independently here:
 *    all six code formats, at least one scheme, codes that are tokens,
 *    groups unique per scheme and year, relief and assistance pairs, every
 *    benefit's group existing in its scheme and year, claim types and tiers
 *    in range, at least one band, edges > 0 and strictly increasing, the
 *    last band open and only the last, percents 0-100, amounts within the
 *    money grammar, and no two overlapping benefits.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "common.h"

static char path[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(path, sizeof path, "%s/policy.xml", fz_tempdir("policy"));
	return 0;
}

static bool
token(const char *s, bool upper)
{
	size_t n = strlen(s);
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alpha = upper ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z');
		if (!(alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '-' || (upper && c == '_')))))
			return false;
	}
	return true;
}

static bool
money(adj_fen v)
{
	return v >= 0 && v <= ADJ_FEN_MAX;
}

static bool
percent(adj_bp v)
{
	return v >= 0 && v <= 10000;
}

static void
check_accepted(const adj_policy *p)
{
	for (int k = 0; k < ADJ_FMT_COUNT; k++)
		FZ_ASSERT(p->format[k] && p->format_src[k], "code format %d missing", k);
	FZ_ASSERT(p->nschemes >= 1, "no scheme");
	for (size_t i = 0; i < p->nschemes; i++) {
		FZ_ASSERT(token(p->schemes[i].code, true), "scheme code \"%s\"", p->schemes[i].code);
		FZ_ASSERT(p->schemes[i].name && p->schemes[i].name[0], "scheme %s: empty name",
		          p->schemes[i].code);
		for (size_t j = 0; j < i; j++)
			FZ_ASSERT(strcmp(p->schemes[i].code, p->schemes[j].code) != 0, "scheme %s twice",
			          p->schemes[i].code);
	}
	for (size_t i = 0; i < p->ngroups; i++) {
		const adj_group *g = &p->groups[i];
		FZ_ASSERT(adj_policy_scheme(p, g->scheme), "group %s of unknown scheme", g->code);
		FZ_ASSERT(token(g->code, false) && g->year >= 1900 && g->year <= 9999, "group \"%s\" %d",
		          g->code, g->year);
		FZ_ASSERT(money(g->pool_cap), "group %s: pool-cap %lld", g->code, (long long)g->pool_cap);
		FZ_ASSERT(!g->has_relief || (percent(g->relief_bp) && money(g->relief_cap)),
		          "group %s: relief", g->code);
		FZ_ASSERT(!g->has_assist || (percent(g->assist_bp) && money(g->assist_cap)),
		          "group %s: assistance", g->code);
		for (size_t j = 0; j < i; j++)
			FZ_ASSERT(!(p->groups[j].year == g->year && strcmp(p->groups[j].scheme, g->scheme) == 0 &&
			            strcmp(p->groups[j].code, g->code) == 0),
			          "group %s twice in %s %d", g->code, g->scheme, g->year);
	}
	for (size_t i = 0; i < p->nbenefits; i++) {
		const adj_benefit *b = &p->benefits[i];
		FZ_ASSERT(b->claim_type < ADJ_CT_COUNT && b->tier >= 0 && b->tier <= 3 &&
		              b->basis <= ADJ_BASIS_YEAR,
		          "benefit on line %ld: enum out of range", b->line);
		FZ_ASSERT(strcmp(b->category, "*") == 0 || token(b->category, false),
		          "benefit on line %ld: category \"%s\"", b->line, b->category);
		FZ_ASSERT(b->group < p->ngroups, "benefit on line %ld: group index %zu of %zu", b->line,
		          b->group, p->ngroups);
		const adj_group *g = &p->groups[b->group];
		FZ_ASSERT(g->year == b->year && strcmp(g->scheme, b->scheme) == 0 &&
		              strcmp(g->code, b->group_code) == 0,
		          "benefit on line %ld: group %s is not its group %s", b->line, g->code,
		          b->group_code);
		FZ_ASSERT(money(b->deductible) && money(b->repeat_deductible),
		          "benefit on line %ld: deductibles %lld %lld", b->line,
		          (long long)b->deductible, (long long)b->repeat_deductible);
		FZ_ASSERT(b->nbands >= 1 && b->bands, "benefit on line %ld: no band", b->line);
		adj_fen last = 0;
		for (size_t k = 0; k < b->nbands; k++) {
			const adj_band *band = &b->bands[k];
			FZ_ASSERT(percent(band->bp), "benefit on line %ld band %zu: percent %d", b->line, k,
			          (int)band->bp);
			if (k + 1 == b->nbands) {
				FZ_ASSERT(band->upto == -1, "benefit on line %ld: last band has upto", b->line);
			} else {
				FZ_ASSERT(band->upto > last && money(band->upto),
				          "benefit on line %ld band %zu: edge %lld after %lld", b->line, k,
				          (long long)band->upto, (long long)last);
				last = band->upto;
			}
		}
		for (size_t j = 0; j < i; j++) {
			const adj_benefit *o = &p->benefits[j];
			if (o->year != b->year || o->claim_type != b->claim_type ||
			    strcmp(o->scheme, b->scheme) != 0)
				continue;
			bool cat = strcmp(o->category, "*") == 0 || strcmp(b->category, "*") == 0 ||
			           strcmp(o->category, b->category) == 0;
			bool tier = o->tier == 0 || b->tier == 0 || o->tier == b->tier;
			FZ_ASSERT(!(cat && tier), "benefits on lines %ld and %ld overlap", o->line, b->line);
		}
		/* the look-up a claim uses finds every accepted rule */
		FZ_ASSERT(adj_policy_category_known(p, b->scheme, b->category), "category lookup");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_write(path, data, size);
	long lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';

	adj_catalog *cat = NULL;
	if (adj_catalog_new(&cat) != 0)
		abort();
	adj_diags d;
	adj_diags_init(&d, 0);
	int rc = adj_policy_read(cat, path, "policy.xml", &d);
	FZ_ASSERT(rc == 0 || rc == ADJ_EDATA, "adj_policy_read returned %d", rc);
	FZ_ASSERT((rc == 0) == (adj_diags_total(&d) == 0), "return %d with %zu diagnostics", rc,
	          adj_diags_total(&d));
	for (size_t i = 0; i < d.count; i++) {
		const adj_diag *g = &d.items[i];
		FZ_ASSERT(strcmp(g->file, "policy.xml") == 0, "diagnostic names %s", g->file);
		FZ_ASSERT(g->line >= 0 && g->line <= lines + 1, "policy.xml:%ld: %s (of %ld lines)",
		          g->line, g->message, lines);
		FZ_ASSERT(g->message && g->message[0] && g->field, "empty diagnostic");
	}
	if (rc == 0)
		check_accepted(&cat->policy);
	adj_diags_clear(&d);
	adj_catalog_free(cat);
	return 0;
}
