/*
 * price.c - SPEC 5.2 steps 2-7 for one line.
 *
 * Identity kept on every line (checked again by the caller):
 *   amount = rejected + self_pay + over_cap + first_pay + in_policy
 */
#include "price.h"

#include <stdio.h>
#include <string.h>

const char *const adj_status_name[4] = {"accepted", "adjusted", "rejected", "voided"};

void
adj_line_reason(adj_line_result *r, adj_arena *a, adj_reason code, const char *value)
{
	if (r->nreasons >= ADJ_LINE_MAX_REASONS)
		return;
	const char *v = adj_arena_strndup(a, value, strlen(value));
	r->reasons[r->nreasons].code = code;
	r->reasons[r->nreasons].value = v ? v : "";
	r->nreasons++;
}

void
adj_price_reject(adj_line_result *r, const adj_line *line, adj_reason code, const char *value,
                 adj_arena *a)
{
	memset(r, 0, sizeof *r);
	r->billed = line->amount;
	r->rejected = line->amount;
	r->status = ADJ_ST_REJECTED;
	adj_line_reason(r, a, code, value);
}

static const char *
fen_text(adj_fen v, char *buf)
{
	adj_fen_format(v, buf);
	return buf;
}

/* L14: some diagnosis of the claim matches the row's pattern. A pattern
 * that hits its match limit counts as not matched and says so. */
static bool
diagnosis_matches(const adj_item *row, const adj_price_ctx *ctx, bool *limit_hit)
{
	const adj_claim_raw *raw = ctx->claim->raw;
	*limit_hit = false;
	for (size_t i = 0; i < raw->ndx; i++) {
		const char *code = raw->dx[i].code;
		int m = adj_pattern_match(row->diag_re, code, strlen(code));
		if (m == ADJ_PATTERN_MATCH)
			return true;
		if (m == ADJ_PATTERN_LIMIT)
			*limit_hit = true;
	}
	return false;
}

bool
adj_price_line(adj_line_result *r, const adj_line *line, const adj_item *row,
               adj_milli allowed_before, const adj_price_ctx *ctx)
{
	char b[64];
	adj_fen t;

	memset(r, 0, sizeof *r);
	r->screened = true;
	r->billed = line->amount;
	r->row = row;

	/* step 2: no catalog row, the whole amount is self-pay */
	if (!row) {
		r->self_pay = line->amount;
		r->status = ADJ_ST_ADJUSTED;
		r->allowed_qty = line->qty;
		r->allowed_price = line->price;
		adj_line_reason(r, ctx->arena, ADJ_R_L11, line->raw->code);
		return true;
	}

	/* step 3: allowed quantity (max_daily), then allowed price (tier limit);
	 * reasons in code order, L05 before L06 */
	adj_milli aq = line->qty;
	bool over_daily = false;
	if (row->max_daily >= 0) {
		adj_milli room = row->max_daily - allowed_before;
		if (room < 0)
			room = 0;
		if (aq > room) {
			aq = room;
			over_daily = true;
		}
	}
	adj_fen ap = line->price;
	adj_fen limit = row->price[ctx->tier - 1];
	if (limit >= 0 && ap > limit) {
		ap = limit;
		adj_line_reason(r, ctx->arena, ADJ_R_L05, fen_text(limit, b));
	}
	if (over_daily) {
		adj_milli_format(row->max_daily, b);
		adj_line_reason(r, ctx->arena, ADJ_R_L06, b);
	}
	adj_fen allowed;
	if (!adj_price(aq, ap, &allowed))
		return false;
	r->allowed_qty = aq;
	r->allowed_price = ap;
	r->rejected = line->amount - allowed; /* rejected_qty + rejected_price */
	if (r->nreasons > 0 && allowed == 0) {
		r->status = ADJ_ST_REJECTED;
		return true;
	}

	/* step 4: self-pay of the whole allowed amount */
	adj_reason self = ADJ_R_COUNT;
	const char *value = "";
	bool limit_hit = false;
	if (row->coverage == ADJ_COV_X) {
		self = ADJ_R_L12, value = "X";
	} else if (row->min_tier && ctx->tier < row->min_tier) {
		self = ADJ_R_L13;
		snprintf(b, sizeof b, "%d", row->min_tier);
		value = b;
	} else if (row->diag_re && !diagnosis_matches(row, ctx, &limit_hit)) {
		self = ADJ_R_L14;
		value = row->diagnosis;
		if (limit_hit) {
			snprintf(b, sizeof b, "match limit hit: %.40s", row->diagnosis);
			value = b;
		}
	} else if (row->sex && row->sex != ctx->sex) {
		self = ADJ_R_L15;
		b[0] = row->sex, b[1] = '\0';
		value = b;
	} else if ((row->min_age >= 0 && ctx->age < row->min_age) ||
	           (row->max_age >= 0 && ctx->age > row->max_age)) {
		self = ADJ_R_L16;
		char lo[8] = "", hi[8] = "";
		if (row->min_age >= 0)
			snprintf(lo, sizeof lo, "%d", row->min_age);
		if (row->max_age >= 0)
			snprintf(hi, sizeof hi, "%d", row->max_age);
		snprintf(b, sizeof b, "%s-%s", lo, hi);
		value = b;
	}
	if (self != ADJ_R_COUNT) {
		adj_line_reason(r, ctx->arena, self, value);
		r->self_pay = allowed;
		r->status = ADJ_ST_ADJUSTED;
		return true;
	}

	/* step 5: over the cap (L21) or the facility standard (L22) */
	if (row->cap >= 0 && ap > row->cap) {
		if (!adj_price(aq, row->cap, &t))
			return false;
		r->over_cap = allowed - t;
		adj_line_reason(r, ctx->arena, row->file == ADJ_FILE_FACILITY ? ADJ_R_L22 : ADJ_R_L21,
		                fen_text(row->cap, b));
	}
	/* step 6: first-pay of B items */
	if (row->coverage == ADJ_COV_B) {
		if (!adj_share(allowed - r->over_cap, row->first_pay, &r->first_pay))
			return false;
		adj_bp_format(row->first_pay, b);
		adj_line_reason(r, ctx->arena, ADJ_R_L23, b);
	}
	/* step 7 */
	r->in_policy = allowed - r->over_cap - r->first_pay;
	r->status = ADJ_ST_ACCEPTED;
	for (size_t i = 0; i < r->nreasons; i++)
		if (adj_reason_is_line_problem(r->reasons[i].code))
			r->status = ADJ_ST_ADJUSTED;
	return true;
}
