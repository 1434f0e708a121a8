/*
 * benefit.c - the benefit arithmetic of SPEC 5.4 and 5.5, step by step.
 *
 * Invariants (checked by the tests on tables of cases):
 *   d + coins + fund + over = E
 *   for each portion: fund + coins + over = its length
 *   fund <= max(0, pool_cap - pool before)
 */
#include "benefit.h"

#include <string.h>

#include "util/num.h"

const char *const adj_ded_kind_name[3] = {"first", "repeat", "year"};

static adj_fen
room(adj_fen cap, adj_fen used)
{
	return cap > used ? cap - used : 0;
}

bool
adj_benefit_compute(const adj_benefit_in *in, adj_benefit_out *out)
{
	const adj_benefit *rule = in->rule;
	const adj_group *g = in->group;
	adj_fen E = in->base;

	memset(out, 0, sizeof *out);

	/* step 1: deductible */
	if (rule->basis == ADJ_BASIS_ADMISSION) {
		adj_ded_kind kind = in->forced_kind >= 0 ? (adj_ded_kind)in->forced_kind
		                    : in->before.claims == 0 ? ADJ_DED_FIRST
		                                             : ADJ_DED_REPEAT;
		out->kind = kind;
		out->deductible_standard = kind == ADJ_DED_FIRST ? rule->deductible : rule->repeat_deductible;
		out->d = adj_min64(E, out->deductible_standard);
	} else {
		out->kind = ADJ_DED_YEAR;
		out->deductible_standard = room(rule->deductible, in->before.ded);
		out->d = adj_min64(E, out->deductible_standard);
	}
	out->x = E - out->d;

	/* step 2: bands and the pool cap, over [pos, pos + X) */
	adj_fen cap_left = room(g->pool_cap, in->before.pool);
	out->cap_left_before = cap_left;
	adj_fen start = in->before.pos, end;
	if (!adj_add(start, out->x, &end))
		return false;
	adj_fen lo = 0;
	for (size_t i = 0; i < rule->nbands && start < end; i++) {
		adj_fen hi = rule->bands[i].upto; /* -1: open */
		adj_bp bp = rule->bands[i].bp;
		adj_fen from = start > lo ? start : lo;
		adj_fen to = (hi < 0 || end < hi) ? end : hi;
		if (hi >= 0)
			lo = hi;
		if (from >= to)
			continue;
		adj_fen x = to - from, f, fund = 0, coins = 0, over = 0;
		if (cap_left == 0) {
			over = x;
		} else {
			if (!adj_share(x, bp, &f))
				return false;
			if (f <= cap_left) {
				fund = f;
				coins = x - f;
				cap_left -= f;
			} else {
				/* c = min(x, ceil(cap_left * 10000 / bp)); bp > 0 here since f > 0 */
				adj_fen num, c;
				if (!adj_mul(cap_left, 10000, &num) || !adj_add(num, bp - 1, &num))
					return false;
				c = adj_min64(x, num / bp);
				fund = cap_left;
				coins = c - cap_left;
				over = x - c;
				cap_left = 0;
			}
		}
		out->fund += fund;
		out->coins += coins;
		out->over += over;
		if (out->nportions < ADJ_MAX_PORTIONS) {
			adj_portion *p = &out->portions[out->nportions++];
			p->from = from, p->to = to, p->bp = bp;
			p->fund = fund, p->coins = coins, p->over = over;
		}
		start = to;
	}

	/* step 3: relief above the pool cap */
	if (in->relief_eligible && g->has_relief) {
		adj_fen s;
		if (!adj_share(out->over, g->relief_bp, &s))
			return false;
		out->relief = adj_min64(s, room(g->relief_cap, in->before.relief));
		out->relief_capped = s > out->relief;
	}
	/* step 4: assistance on the remaining in-policy burden */
	if (in->assist_eligible && g->has_assist) {
		adj_fen b = out->d + out->coins + out->over - out->relief, s;
		if (!adj_share(b, g->assist_bp, &s))
			return false;
		out->assist = adj_min64(s, room(g->assist_cap, in->before.assist));
	}
	return true;
}

bool
adj_accum_apply(adj_accum *acc, const adj_benefit_out *out)
{
	return adj_add(acc->claims, 1, &acc->claims) && adj_add(acc->ded, out->d, &acc->ded) &&
	       adj_add(acc->pos, out->x, &acc->pos) && adj_add(acc->pool, out->fund, &acc->pool) &&
	       adj_add(acc->relief, out->relief, &acc->relief) &&
	       adj_add(acc->assist, out->assist, &acc->assist);
}

adj_fen
adj_withheld(adj_fen pool, adj_fen total_after, adj_fen budget)
{
	adj_fen over = total_after - budget;
	if (over <= 0)
		return 0;
	return adj_min64(pool, over);
}

bool
adj_settlement_compute(adj_settle_result *s, adj_fen total, const adj_budget *b)
{
	memset(s, 0, sizeof *s);
	s->total = total;
	s->budget = b->budget;
	if (total <= b->budget) {
		if (!adj_share(b->budget - total, b->surplus_retain, &s->bonus))
			return false;
	} else {
		adj_fen limit;
		s->overrun = total - b->budget;
		if (!adj_share(b->budget, b->overrun_limit, &limit) ||
		    !adj_share(adj_min64(s->overrun, limit), b->overrun_share, &s->shared))
			return false;
		s->absorbed = s->overrun - s->shared;
	}
	adj_fen month = b->budget / 12;
	for (int m = 0; m < 11; m++)
		s->monthly[m] = month;
	s->monthly[11] = b->budget - 11 * month;
	return true;
}
