/*
 * single_disease.c - does a single-disease row apply to a claim (SPEC 5.3,
 * 4.3)? The first matching row in file order wins.
 */
#include <string.h>

#include "benefit/single_disease.h"

static int
matches(const adj_pattern *re, const char *s, bool *limit_hit)
{
	int m = adj_pattern_match(re, s, strlen(s));
	if (m == ADJ_PATTERN_LIMIT)
		*limit_hit = true;
	return m == ADJ_PATTERN_MATCH;
}

const adj_single_disease *
adj_single_disease_match(const adj_catalog *cat, const adj_hospital *h, const adj_claim *c,
                         bool *limit_hit)
{
	*limit_hit = false;
	if (c->type != ADJ_CT_INPATIENT || !h->single_disease || c->primary < 0)
		return NULL;
	const adj_claim_raw *raw = c->raw;
	const char *primary = raw->dx[c->primary].code;
	adj_date days = c->discharged - c->admitted;
	if (days < 1)
		days = 1;
	for (size_t i = 0; i < cat->nsd; i++) {
		const adj_single_disease *sd = &cat->sd[i];
		if (sd->tier != h->tier)
			continue;
		if (c->discharged < sd->valid_from ||
		    (sd->valid_to != ADJ_DATE_NONE && c->discharged > sd->valid_to))
			continue;
		if (sd->max_stay >= 0 && days > sd->max_stay)
			continue;
		if (!matches(sd->diag_re, primary, limit_hit))
			continue;
		if (sd->proc_re) {
			bool any = false;
			for (size_t k = 0; k < raw->nproc && !any; k++)
				any = matches(sd->proc_re, raw->proc[k], limit_hit);
			if (!any)
				continue;
		}
		return sd;
	}
	return NULL;
}
