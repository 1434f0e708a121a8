/*
 * single_disease.h - matching a claim to a single-disease row (SPEC 5.3).
 */
#ifndef ADJ_BENEFIT_SINGLE_DISEASE_H
#define ADJ_BENEFIT_SINGLE_DISEASE_H

#include "catalog/catalog.h"
#include "check/check.h"

/* The first row of cat that applies to claim c at hospital h, or NULL.
 * c->primary must be set (C11 passed). *limit_hit tells whether some
 * pattern hit its match limit (and so counted as not matched). */
const adj_single_disease *adj_single_disease_match(const adj_catalog *cat, const adj_hospital *h,
                                                   const adj_claim *c, bool *limit_hit);

#endif
