/*
 * test_benefit.c - deductible, bands, pool cap, relief, assistance (SPEC 5.4),
 * withholding and settlement (SPEC 5.5), as tables of cases worked by hand.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "benefit/benefit.h"

/* The inpatient group and tier-3 rule of tests/data/catalog_min/policy.xml,
 * in fen and basis points. */
static adj_band bands[] = {{1000000, 8500}, {3000000, 9000}, {-1, 9500}};
static const adj_benefit admission_rule = {
	.basis = ADJ_BASIS_ADMISSION, .deductible = 130000, .repeat_deductible = 65000,
	.bands = bands, .nbands = 3};
static adj_band half[] = {{-1, 5000}};
static const adj_benefit year_rule = {
	.basis = ADJ_BASIS_YEAR, .deductible = 80000, .repeat_deductible = 80000,
	.bands = half, .nbands = 1};
static const adj_group group = {
	.pool_cap = 6000000, .has_relief = true, .relief_bp = 8500, .relief_cap = 15000000,
	.has_assist = true, .assist_bp = 5000, .assist_cap = 1000000};

typedef struct {
	const char *name;
	const adj_benefit *rule;
	adj_fen E;
	adj_accum before;
	int forced;
	bool relief, assist;
	/* expected */
	adj_ded_kind kind;
	adj_fen d, coins, fund, over, r, a;
	bool capped;
} bcase;

static const bcase cases[] = {
	{"first admission inside the first band", &admission_rule, 1000000, {0}, -1, true, true,
	 ADJ_DED_FIRST, 130000, 130500, 739500, 0, 0, 130250, false},
	/* a = share(130000 + 130500, 50%) = 130250 */
	{"repeat admission crossing from band 1 into band 2", &admission_rule, 300000,
	 {1, 130000, 900000, 765000, 0, 0}, -1, false, false,
	 ADJ_DED_REPEAT, 65000, 28500, 206500, 0, 0, 0, false},
	/* 100000 @85% -> 85000 fund; 135000 @90% -> 121500 fund */
	{"crossing the pool cap mid-band sends the rest over the cap and to relief", &admission_rule,
	 165000, {1, 130000, 2000000, 5950000, 0, 0}, -1, true, true,
	 ADJ_DED_REPEAT, 65000, 5556, 50000, 44444, 37777, 38612, false},
	{"the relief cap limits relief (A05)", &admission_rule, 100000,
	 {3, 260000, 5000000, 6000000, 14990000, 0}, -1, true, false,
	 ADJ_DED_REPEAT, 65000, 0, 0, 35000, 10000, 0, true},
	{"the assistance cap limits assistance", &admission_rule, 100000,
	 {3, 260000, 5000000, 6000000, 0, 995000}, -1, false, true,
	 ADJ_DED_REPEAT, 65000, 0, 0, 35000, 0, 5000, false},
	{"a cost below the deductible pays no band", &admission_rule, 50000, {0}, -1, true, true,
	 ADJ_DED_FIRST, 50000, 0, 0, 0, 0, 25000, false},
	{"a replacement keeps the first deductible its original paid", &admission_rule, 200000,
	 {2, 195000, 500000, 400000, 0, 0}, ADJ_DED_FIRST, false, false,
	 ADJ_DED_FIRST, 130000, 10500, 59500, 0, 0, 0, false},
	{"year basis: first claim uses part of the deductible", &year_rule, 30000, {0}, -1, false,
	 false, ADJ_DED_YEAR, 30000, 0, 0, 0, 0, 0, false},
	{"year basis: second claim pays the rest of it", &year_rule, 70000, {1, 30000, 0, 0, 0, 0}, -1,
	 false, false, ADJ_DED_YEAR, 50000, 10000, 10000, 0, 0, 0, false},
	{"year basis: deductible met, a forced kind is ignored", &year_rule, 1001,
	 {2, 80000, 20000, 10000, 0, 0}, ADJ_DED_FIRST, false, false,
	 ADJ_DED_YEAR, 0, 500, 501, 0, 0, 0, false},
	{"a zero claim still counts", &admission_rule, 0, {0}, -1, true, true,
	 ADJ_DED_FIRST, 0, 0, 0, 0, 0, 0, false},
	{"the fund exactly reaches the cap", &admission_rule, 165000,
	 {1, 130000, 0, 5915000, 0, 0}, -1, false, false,
	 ADJ_DED_REPEAT, 65000, 15000, 85000, 0, 0, 0, false},
	{"a pool already at its cap sends everything over", &admission_rule, 165000,
	 {1, 130000, 4000000, 6000000, 0, 0}, -1, false, false,
	 ADJ_DED_REPEAT, 65000, 0, 0, 100000, 0, 0, false},
};

Test(benefit, every_case_of_the_table_to_the_fen)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const bcase *c = &cases[i];
		adj_benefit_in in = {c->E, c->rule, &group, c->before, c->forced, c->relief, c->assist};
		adj_benefit_out out;
		cr_assert(adj_benefit_compute(&in, &out), "%s: overflow", c->name);
		cr_expect_eq(out.kind, c->kind, "%s: kind", c->name);
		cr_expect_eq(out.d, c->d, "%s: d %lld", c->name, (long long)out.d);
		cr_expect_eq(out.coins, c->coins, "%s: coins %lld", c->name, (long long)out.coins);
		cr_expect_eq(out.fund, c->fund, "%s: fund %lld", c->name, (long long)out.fund);
		cr_expect_eq(out.over, c->over, "%s: over %lld", c->name, (long long)out.over);
		cr_expect_eq(out.relief, c->r, "%s: relief %lld", c->name, (long long)out.relief);
		cr_expect_eq(out.assist, c->a, "%s: assist %lld", c->name, (long long)out.assist);
		cr_expect_eq(out.relief_capped, c->capped, "%s: capped", c->name);
		/* invariants */
		cr_expect_eq(out.d + out.coins + out.fund + out.over, c->E, "%s: d+coins+fund+over", c->name);
		for (size_t k = 0; k < out.nportions; k++) {
			const adj_portion *p = &out.portions[k];
			cr_expect_eq(p->fund + p->coins + p->over, p->to - p->from, "%s: portion %zu", c->name, k);
		}
	}
}

Test(benefit, portions_follow_the_band_edges)
{
	adj_benefit_in in = {2500000, &admission_rule, &group, {1, 130000, 900000, 0, 0, 0}, -1, false, false};
	adj_benefit_out out;
	cr_assert(adj_benefit_compute(&in, &out));
	/* X = 2435000 over [900000, 3335000): 100000 @85, 2000000 @90, 335000 @95 */
	cr_assert_eq(out.nportions, 3);
	cr_expect_eq(out.portions[0].from, 900000);
	cr_expect_eq(out.portions[0].to, 1000000);
	cr_expect_eq(out.portions[0].bp, 8500);
	cr_expect_eq(out.portions[1].to, 3000000);
	cr_expect_eq(out.portions[1].fund, 1800000);
	cr_expect_eq(out.portions[2].from, 3000000);
	cr_expect_eq(out.portions[2].to, 3335000);
	cr_expect_eq(out.portions[2].fund, 318250);
	cr_expect_eq(out.fund, 85000 + 1800000 + 318250);
}

Test(benefit, accumulators_move_by_the_claim)
{
	adj_benefit_in in = {165000, &admission_rule, &group, {1, 130000, 2000000, 5950000, 100, 200}, -1, true, true};
	adj_benefit_out out;
	cr_assert(adj_benefit_compute(&in, &out));
	adj_accum acc = in.before;
	cr_assert(adj_accum_apply(&acc, &out));
	cr_expect_eq(acc.claims, 2);
	cr_expect_eq(acc.ded, 195000);
	cr_expect_eq(acc.pos, 2100000);
	cr_expect_eq(acc.pool, 6000000);
	cr_expect_eq(acc.relief, 100 + out.relief);
	cr_expect_eq(acc.assist, 200 + out.assist);
}

Test(benefit, overflow_of_the_cumulative_cost_is_reported)
{
	adj_benefit_in in = {INT64_MAX / 2, &admission_rule, &group, {1, 0, INT64_MAX - 10, 0, 0, 0}, -1, false, false};
	adj_benefit_out out;
	cr_expect_not(adj_benefit_compute(&in, &out));
}

/* SPEC 5.5 */
Test(budget, withholding_takes_only_what_lies_above_the_budget)
{
	static const struct {
		adj_fen pool, after, budget, want;
	} t[] = {
		{50000, 4990000, 5000000, 0},      /* below */
		{50000, 5000000, 5000000, 0},      /* exactly at */
		{50000, 5020000, 5000000, 20000},  /* straddles: only the part above */
		{50000, 6000000, 5000000, 50000},  /* entirely above */
		{0, 6000000, 5000000, 0},          /* nothing to withhold */
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		cr_expect_eq(adj_withheld(t[i].pool, t[i].after, t[i].budget), t[i].want, "case %zu", i);
}

Test(budget, settlement_bonus_overrun_and_monthly_prepayment)
{
	adj_budget b = {.budget = 1200000007, .surplus_retain = 5000, .overrun_share = 6000, .overrun_limit = 1000};
	adj_settle_result s;
	cr_assert(adj_settlement_compute(&s, 1000000007, &b));
	cr_expect_eq(s.bonus, 100000000);  /* share(200000000, 50%) */
	cr_expect_eq(s.overrun, 0);
	cr_expect_eq(s.monthly[0], 100000000);
	cr_expect_eq(s.monthly[11], 100000007);
	/* overrun within the limit: shared = 60% of it */
	cr_assert(adj_settlement_compute(&s, 1250000007, &b));
	cr_expect_eq(s.overrun, 50000000);
	cr_expect_eq(s.shared, 30000000);
	cr_expect_eq(s.absorbed, 20000000);
	/* overrun past the limit (10% of B = 120000001): shared = 60% of the limit */
	cr_assert(adj_settlement_compute(&s, 1500000007, &b));
	cr_expect_eq(s.overrun, 300000000);
	cr_expect_eq(s.shared, 72000001); /* share(120000001, 60%) = 72000000.6 -> 72000001 */
	cr_expect_eq(s.absorbed, 300000000 - 72000001);
}
