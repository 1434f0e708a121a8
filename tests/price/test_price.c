/*
 * test_price.c - SPEC 5.2 steps 2-7 on one line: tier price limit (L05),
 * max_daily (L06), self-pay restrictions (L11-L16), cap (L21/L22),
 * first-pay (L23), and the line identity.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "price/price.h"
#include "util/date.h"

static adj_pattern *liver;

static void
setup(void)
{
	char err[100];
	cr_assert_eq(adj_pattern_compile("^K7[04]\\.", 9, &liver, err, sizeof err), 0);
}

static void
teardown(void)
{
	adj_pattern_free(liver);
}

TestSuite(price, .init = setup, .fini = teardown);

/* A row with no limits at all; cases change what they need. */
static adj_item
row(void)
{
	adj_item it;
	memset(&it, 0, sizeof it);
	it.code = "XA01ABD075A002010100483";
	it.coverage = ADJ_COV_A;
	it.price[0] = it.price[1] = it.price[2] = -1;
	it.cap = -1;
	it.max_daily = -1;
	it.min_age = it.max_age = -1;
	it.file = ADJ_FILE_DRUG;
	return it;
}

typedef struct {
	const char *name;
	adj_milli qty;
	adj_fen price;
	adj_milli before; /* allowed earlier that day */
	int tier;
	const char *reasons; /* codes, space separated, in order */
	adj_status status;
	adj_fen rejected, self_pay, over_cap, first_pay, in_policy;
} pcase;


static void
run(const char *name, const adj_item *it, const pcase *c, const char *dx, char sex, int age)
{
	adj_item_raw raw = {"1", it ? it->code : "XZ99ZZZ999Z999999999999", "2005-02-01", "", "", "", 1};
	adj_diagnosis_raw d = {dx, "true", 1};
	adj_claim_raw craw;
	memset(&craw, 0, sizeof craw);
	craw.dx = &d;
	craw.ndx = 1;
	adj_claim claim;
	memset(&claim, 0, sizeof claim);
	claim.raw = &craw;
	adj_arena a;
	adj_arena_init(&a, 0);
	adj_line line = {&raw, 0, c->qty, c->price, 0, true};
	cr_assert(adj_price(c->qty, c->price, &line.amount));
	adj_price_ctx ctx = {c->tier, &claim, sex, age, &a};
	adj_line_result r;
	cr_assert(adj_price_line(&r, &line, it, c->before, &ctx), "%s: overflow", name);
	char got[128] = "";
	for (size_t i = 0; i < r.nreasons; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, adj_reasons[r.reasons[i].code].code);
	}
	cr_expect_str_eq(got, c->reasons, "%s: reasons", name);
	cr_expect_eq(r.status, c->status, "%s: status %d", name, r.status);
	cr_expect_eq(r.billed, line.amount, "%s", name);
	cr_expect_eq(r.rejected, c->rejected, "%s: rejected %lld", name, (long long)r.rejected);
	cr_expect_eq(r.self_pay, c->self_pay, "%s: self-pay %lld", name, (long long)r.self_pay);
	cr_expect_eq(r.over_cap, c->over_cap, "%s: over-cap %lld", name, (long long)r.over_cap);
	cr_expect_eq(r.first_pay, c->first_pay, "%s: first-pay %lld", name, (long long)r.first_pay);
	cr_expect_eq(r.in_policy, c->in_policy, "%s: in-policy %lld", name, (long long)r.in_policy);
	cr_expect_eq(r.rejected + r.self_pay + r.over_cap + r.first_pay + r.in_policy, line.amount,
	             "%s: line identity", name);
	adj_arena_free(&a);
}

Test(price, a_plain_a_item_is_all_in_policy)
{
	adj_item it = row();
	run("plain", &it, &(pcase){"", 2000, 1250, 0, 3, "", ADJ_ST_ACCEPTED, 0, 0, 0, 0, 2500}, "K35.900", 'M', 50);
}

Test(price, no_catalog_row_is_self_pay_L11)
{
	run("no row", NULL, &(pcase){"", 2000, 1250, 0, 3, "L11", ADJ_ST_ADJUSTED, 0, 2500, 0, 0, 0}, "K35.900", 'M', 50);
}

Test(price, tier_price_limit_rejects_the_excess_L05)
{
	adj_item it = row();
	it.price[1] = 1000; /* tier 2 */
	it.price[2] = 1300;
	run("tier 2", &it, &(pcase){"", 2000, 1250, 0, 2, "L05", ADJ_ST_ADJUSTED, 500, 0, 0, 0, 2000}, "", 'M', 50);
	run("tier 3 under the limit", &it, &(pcase){"", 2000, 1250, 0, 3, "", ADJ_ST_ACCEPTED, 0, 0, 0, 0, 2500}, "", 'M', 50);
	/* qty 0.333 at 10.01 -> price 3.33; allowed 0.333 x 10.00 = 3.33: L05 moves no money */
	run("rounds to nothing", &it, &(pcase){"", 333, 1001, 0, 2, "L05", ADJ_ST_ADJUSTED, 0, 0, 0, 0, 333}, "", 'M', 50);
}

Test(price, max_daily_counts_what_earlier_lines_were_allowed_L06)
{
	adj_item it = row();
	it.max_daily = 3000;
	run("room for 1 of 2", &it, &(pcase){"", 2000, 1250, 2000, 3, "L06", ADJ_ST_ADJUSTED, 1250, 0, 0, 0, 1250}, "", 'M', 50);
	run("no room at all", &it, &(pcase){"", 2000, 1250, 3000, 3, "L06", ADJ_ST_REJECTED, 2500, 0, 0, 0, 0}, "", 'M', 50);
	run("fits", &it, &(pcase){"", 1000, 1250, 2000, 3, "", ADJ_ST_ACCEPTED, 0, 0, 0, 0, 1250}, "", 'M', 50);
	it.price[2] = 1000;
	run("both L05 and L06", &it, &(pcase){"", 2000, 1250, 2000, 3, "L05 L06", ADJ_ST_ADJUSTED, 1500, 0, 0, 0, 1000}, "", 'M', 50);
}

Test(price, self_pay_restrictions_in_their_order)
{
	adj_item it = row();
	it.coverage = ADJ_COV_X;
	it.min_tier = 3;
	run("X wins over min_tier", &it, &(pcase){"", 1000, 3000, 0, 2, "L12", ADJ_ST_ADJUSTED, 0, 3000, 0, 0, 0}, "", 'M', 50);
	it = row();
	it.min_tier = 3;
	run("min tier", &it, &(pcase){"", 1000, 3000, 0, 2, "L13", ADJ_ST_ADJUSTED, 0, 3000, 0, 0, 0}, "", 'M', 50);
	it = row();
	it.diag_re = liver;
	it.diagnosis = "^K7[04]\\.";
	run("diagnosis does not match", &it, &(pcase){"", 1000, 3000, 0, 3, "L14", ADJ_ST_ADJUSTED, 0, 3000, 0, 0, 0}, "K35.900", 'M', 50);
	run("diagnosis matches", &it, &(pcase){"", 1000, 3000, 0, 3, "", ADJ_ST_ACCEPTED, 0, 0, 0, 0, 3000}, "K74.600", 'M', 50);
	it = row();
	it.sex = 'F';
	run("sex", &it, &(pcase){"", 1000, 3000, 0, 3, "L15", ADJ_ST_ADJUSTED, 0, 3000, 0, 0, 0}, "", 'M', 50);
	it = row();
	it.max_age = 14;
	run("too old", &it, &(pcase){"", 1000, 3000, 0, 3, "L16", ADJ_ST_ADJUSTED, 0, 3000, 0, 0, 0}, "", 'M', 15);
	run("age 14 is in", &it, &(pcase){"", 1000, 3000, 0, 3, "", ADJ_ST_ACCEPTED, 0, 0, 0, 0, 3000}, "", 'M', 14);
	it.min_age = 60;
	it.max_age = -1;
	run("too young", &it, &(pcase){"", 1000, 3000, 0, 3, "L16", ADJ_ST_ADJUSTED, 0, 3000, 0, 0, 0}, "", 'M', 59);
}

Test(price, self_pay_after_a_price_limit_pays_only_the_allowed_amount)
{
	adj_item it = row();
	it.coverage = ADJ_COV_X;
	it.price[2] = 2000;
	run("L05 then L12", &it, &(pcase){"", 1000, 3000, 0, 3, "L05 L12", ADJ_ST_ADJUSTED, 1000, 2000, 0, 0, 0}, "", 'M', 50);
}

Test(price, cap_then_first_pay_on_what_is_left)
{
	adj_item it = row();
	it.coverage = ADJ_COV_B;
	it.first_pay = 1000;
	it.price[2] = 80000;
	it.cap = 50000;
	/* 900.00: L05 to 800.00 (100 rejected), over-cap 300.00, first-pay 10% of 500.00 */
	run("MRI", &it, &(pcase){"", 1000, 90000, 0, 3, "L05 L21 L23", ADJ_ST_ADJUSTED, 10000, 0, 30000, 5000, 45000}, "", 'M', 50);
	it.file = ADJ_FILE_FACILITY;
	it.coverage = ADJ_COV_A;
	run("facility standard is L22", &it, &(pcase){"", 1000, 60000, 0, 3, "L22", ADJ_ST_ACCEPTED, 0, 0, 10000, 0, 50000}, "", 'M', 50);
	it.coverage = ADJ_COV_B;
	it.first_pay = 0;
	it.file = ADJ_FILE_TREATMENT;
	run("B at 0% still records L23", &it, &(pcase){"", 1000, 40000, 0, 3, "L23", ADJ_ST_ACCEPTED, 0, 0, 0, 0, 40000}, "", 'M', 50);
	/* first-pay rounds half-up: 15% of 0.10 = 0.015 -> 0.02 */
	it.first_pay = 1500;
	run("first-pay rounding", &it, &(pcase){"", 1000, 10, 0, 3, "L23", ADJ_ST_ACCEPTED, 0, 0, 0, 2, 8}, "", 'M', 50);
}
