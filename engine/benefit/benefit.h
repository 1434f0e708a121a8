/*
 * benefit.h - deductible, bands, pool cap, relief, assistance (SPEC 5.4),
 * single disease (5.3) and global-budget withholding (5.5).
 *
 * Pure functions over integers: the caller brings the accumulators before
 * the claim and gets the claim's amounts and the accumulator changes back.
 * Every band portion is kept so that `explain` can show it.
 */
#ifndef ADJ_BENEFIT_BENEFIT_H
#define ADJ_BENEFIT_BENEFIT_H

#include <stdbool.h>

#include "catalog/catalog.h"

/* A member's accumulators for one scheme, year and group. */
typedef struct adj_accum {
	int64_t claims, ded, pos, pool, relief, assist;
} adj_accum;

typedef enum { ADJ_DED_FIRST, ADJ_DED_REPEAT, ADJ_DED_YEAR } adj_ded_kind;
extern const char *const adj_ded_kind_name[3];

#define ADJ_MAX_PORTIONS 64

/* One piece of [pos, pos + X) inside one band. */
typedef struct adj_portion {
	adj_fen from, to;   /* cumulative cost above the deductible */
	adj_bp bp;
	adj_fen fund, coins, over;
} adj_portion;

typedef struct adj_benefit_in {
	adj_fen base;               /* E: sum of in-policy, or the single-disease standard */
	const adj_benefit *rule;
	const adj_group *group;
	adj_accum before;
	int forced_kind;            /* -1, or the adj_ded_kind a replacement keeps */
	bool relief_eligible;       /* the member's relief period covers the service date */
	bool assist_eligible;
} adj_benefit_in;

typedef struct adj_benefit_out {
	adj_ded_kind kind;
	adj_fen deductible_standard; /* D (admission) or what was left of it (year) */
	adj_fen d, x, coins, fund, over, relief, assist;
	adj_fen cap_left_before;
	bool relief_capped;          /* A05: share(over, relief%) > r */
	size_t nportions;
	adj_portion portions[ADJ_MAX_PORTIONS];
} adj_benefit_out;

/* SPEC 5.4 steps 1-4. Returns false on int64 overflow (C13). */
bool adj_benefit_compute(const adj_benefit_in *in, adj_benefit_out *out);

/* SPEC 5.4 step 5: after = before + this claim's changes. */
bool adj_accum_apply(adj_accum *acc, const adj_benefit_out *out);

/* SPEC 5.5: withheld = max(0, min(pool, total_after - budget)). */
adj_fen adj_withheld(adj_fen pool, adj_fen total_after, adj_fen budget);

/* SPEC 5.5 settlement of one hospital-year. */
typedef struct adj_settle_result {
	adj_fen total, budget;
	adj_fen bonus;      /* A <= B: share(B - A, surplus_retain) */
	adj_fen overrun;    /* A > B: A - B */
	adj_fen shared;     /* share(min(overrun, share(B, overrun_limit)), overrun_share) */
	adj_fen absorbed;   /* overrun - shared */
	adj_fen monthly[12];/* B / 12, December takes the remainder */
} adj_settle_result;

bool adj_settlement_compute(adj_settle_result *s, adj_fen total, const adj_budget *b);

#endif
