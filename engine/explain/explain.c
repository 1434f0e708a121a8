/*
 * explain.c - `adjudicator explain CLAIM-ID`: the whole derivation of a
 * recorded claim, step by step in the order of SPEC 5, each number with its
 * source (issue 5).
 *
 * Sources: the claim, line, reason and code rows of the ledger; the catalog
 * version the batch was adjudicated against (every item row by its id, the
 * benefit rule by its id, the group and single-disease rows of that
 * version); the member registry (sex and birth date come from the id and so
 * never change). The benefit is computed again with the same function the
 * engine used (adj_benefit_compute) from the recorded accumulators, so that
 * every band portion can be shown, and the result is compared with what was
 * recorded: `explain` says so if they ever differ.
 */
#define _GNU_SOURCE /* open_memstream */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adjudicator.h"
#include "benefit/benefit.h"
#include "catalog/catalog_store.h"
#include "check/check.h"
#include "ledger/db.h"
#include "outcome.h"
#include "reasons.h"
#include "report/doc.h"
#include "util/num.h"
#include "util/resident_id.h"

/* The columns of the claim query, in order. */
enum {
	X_ID, X_HOSPITAL, X_CLAIM_ID, X_KIND, X_MEMBER, X_SCHEME, X_CATEGORY, X_TYPE, X_ADMITTED,
	X_DISCHARGED, X_SERVICE, X_YEAR, X_STATUS, X_REASON, X_REASON_VALUE, X_METHOD, X_BENEFIT,
	X_DED_KIND, X_GRP, X_COUNTED, X_AMT, /* 15 amounts */
	X_ACC = X_AMT + ADJ_AMT_COUNT,       /* claims ded pos pool relief assist before */
	X_HPOOL = X_ACC + 6, X_BUDGET, X_BATCH, X_ADJUDICATED, X_TARGET, X_VOIDED_BY, X_RELIEF_OK,
	X_ASSIST_OK, X_VERSION
};

static const char claim_query[] =
	"SELECT c.id, c.hospital, c.claim_id, c.kind, c.member, c.scheme, c.category, c.claim_type, "
	"c.admitted, c.discharged, c.service_date, c.year, c.status, c.reason, c.reason_value, "
	"c.method, c.benefit, c.deductible_kind, c.grp, c.counted, "
	"c.billed, c.rejected, c.self_pay, c.over_cap, c.first_pay, c.in_policy, c.deductible, "
	"c.coinsurance, c.pool, c.over_pool, c.relief, c.assistance, c.patient, c.hospital_variance, "
	"c.withheld, "
	"c.acc_claims, c.acc_ded, c.acc_pos, c.acc_pool, c.acc_relief, c.acc_assist, "
	"c.hospital_pool_before, c.budget, b.batch_id, b.adjudicated_at, c.target_id, c.voided_by, "
	"c.relief_ok, c.assist_ok, b.catalog_version "
	"FROM claim c JOIN batch b ON b.id = c.batch "
	"WHERE c.claim_id = ?1 AND (?2 IS NULL OR c.hospital = ?2) ORDER BY c.id";

typedef struct ex {
	adj_db *db;
	FILE *o;
	adj_catalog *cat; /* the batch's catalog version */
	char b[16][ADJ_FEN_TEXT];
	int next;
} ex;

static void out(ex *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
out(ex *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(x->o, fmt, ap);
	va_end(ap);
}

static const char *
Y(ex *x, int64_t fen)
{
	char *s = x->b[x->next++ & 15];
	adj_fen_format(fen, s);
	return s;
}

static const char *
P(ex *x, int bp)
{
	char *s = x->b[x->next++ & 15];
	adj_bp_format(bp, s);
	return s;
}

static const char *
Q(ex *x, int64_t milli)
{
	char *s = x->b[x->next++ & 15];
	adj_milli_format(milli, s);
	return s;
}

static const char *
T(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : "";
}

static const adj_item *
item_by_id(const adj_catalog *cat, int64_t id)
{
	/* items are loaded in id order: binary search */
	size_t lo = 0, hi = cat->nitems;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cat->items[mid].row_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cat->nitems && cat->items[lo].row_id == id ? &cat->items[lo] : NULL;
}

static const adj_benefit *
benefit_by_id(const adj_catalog *cat, int64_t id)
{
	for (size_t i = 0; i < cat->policy.nbenefits; i++)
		if (cat->policy.benefits[i].row_id == id)
			return &cat->policy.benefits[i];
	return NULL;
}

static void
describe_item(ex *x, const adj_item *it, int tier)
{
	static const char *const cov[] = {"A", "B (first-pay)", "X (excluded)"};
	out(x, "       catalog row: %s line %ld (item %lld): %s, class %s, coverage %s", 
	    adj_item_file_name[it->file], it->line, (long long)it->row_id, it->name,
	    adj_cost_class_name[it->cls], cov[it->coverage]);
	if (it->coverage == ADJ_COV_B)
		out(x, " %s%%", P(x, it->first_pay));
	char age[32] = "any";
	if (it->min_age >= 0 || it->max_age >= 0)
		snprintf(age, sizeof age, "%s%d..%s%d", it->min_age >= 0 ? "" : "-", it->min_age >= 0 ? it->min_age : 0,
		         it->max_age >= 0 ? "" : "+", it->max_age >= 0 ? it->max_age : 150);
	out(x, "\n       limits: tier-%d price %s, cap %s, daily max %s, min tier %s, diagnosis %s, "
	       "sex %s, age %s\n",
	    tier, it->price[tier - 1] >= 0 ? Y(x, it->price[tier - 1]) : "none",
	    it->cap >= 0 ? Y(x, it->cap) : "none", it->max_daily >= 0 ? Q(x, it->max_daily) : "none",
	    it->min_tier ? (it->min_tier == 1 ? "1" : it->min_tier == 2 ? "2" : "3") : "any",
	    it->diagnosis ? it->diagnosis : "any", it->sex == 'M' ? "M" : it->sex == 'F' ? "F" : "any",
	    age);
}

/* Lines: each with its catalog row, limits, split and reasons. */
static int
explain_lines(ex *x, int64_t claim, int tier, adj_fen sums[6])
{
	sqlite3_stmt *l = NULL, *r = NULL;
	int rc;
	memset(sums, 0, 6 * sizeof *sums);
	if ((rc = adj_db_prepare(x->db, &l,
	                         "SELECT ord, seq, code, date, qty, price, status, item, allowed_qty, "
	                         "allowed_price, billed, rejected, self_pay, over_cap, first_pay, in_policy "
	                         "FROM line WHERE claim = ? ORDER BY ord")) ||
	    (rc = adj_db_prepare(x->db, &r,
	                         "SELECT code, value FROM reason WHERE claim = ? AND line = ? ORDER BY ord")))
		goto done;
	sqlite3_bind_int64(l, 1, claim);
	while (sqlite3_step(l) == SQLITE_ROW) {
		out(x, "  item seq %s: %s on %s", T(l, 1), T(l, 2), T(l, 3));
		if (sqlite3_column_type(l, 4) != SQLITE_NULL)
			out(x, ", qty %s x %s", Q(x, sqlite3_column_int64(l, 4)), Y(x, sqlite3_column_int64(l, 5)));
		out(x, ", billed %s: %s\n", Y(x, sqlite3_column_int64(l, 10)), T(l, 6));
		if (sqlite3_column_type(l, 7) != SQLITE_NULL) {
			const adj_item *it = item_by_id(x->cat, sqlite3_column_int64(l, 7));
			if (it)
				describe_item(x, it, tier);
		}
		if (sqlite3_column_type(l, 8) != SQLITE_NULL && sqlite3_column_type(l, 7) != SQLITE_NULL)
			out(x, "       allowed: qty %s at %s\n", Q(x, sqlite3_column_int64(l, 8)),
			    Y(x, sqlite3_column_int64(l, 9)));
		out(x, "       rejected %s, self-pay %s, over-cap %s, first-pay %s, in-policy %s\n",
		    Y(x, sqlite3_column_int64(l, 11)), Y(x, sqlite3_column_int64(l, 12)),
		    Y(x, sqlite3_column_int64(l, 13)), Y(x, sqlite3_column_int64(l, 14)),
		    Y(x, sqlite3_column_int64(l, 15)));
		for (int k = 0; k < 6; k++)
			sums[k] += sqlite3_column_int64(l, 10 + k);
		sqlite3_reset(r);
		sqlite3_bind_int64(r, 1, claim);
		sqlite3_bind_int(r, 2, sqlite3_column_int(l, 0));
		while (sqlite3_step(r) == SQLITE_ROW) {
			int k = adj_reason_find(T(r, 0));
			out(x, "       %s %s (%s): %s\n", T(r, 0), k >= 0 ? adj_reasons[k].zh : "",
			    k >= 0 ? adj_reasons[k].en : "", T(r, 1));
		}
	}
done:
	sqlite3_finalize(l);
	sqlite3_finalize(r);
	return rc;
}

/* SPEC 5.3: which single-disease row applied, or why none did. */
static void
explain_single_disease(ex *x, const adj_hospital *h, int64_t claim, const char *type,
                       const char *admitted, const char *discharged, const char *method)
{
	out(x, "\n3. Single disease (SPEC 5.3)\n");
	if (strcmp(type, "inpatient") != 0) {
		out(x, "  not an inpatient claim: fee for service\n");
		return;
	}
	if (!h || !h->single_disease) {
		out(x, "  the hospital does not take part in single-disease payment\n");
		return;
	}
	char primary[64] = "", procs[16][64];
	int np = 0;
	sqlite3_stmt *st;
	if (adj_db_prepare(x->db, &st, "SELECT kind, code, primary_flag FROM claim_code WHERE claim = ? ORDER BY ord"))
		return;
	sqlite3_bind_int64(st, 1, claim);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (strcmp(T(st, 0), "procedure") == 0 && np < 16)
			snprintf(procs[np++], 64, "%s", T(st, 1));
		else if (strcmp(T(st, 0), "diagnosis") == 0 && adj_xs_boolean(T(st, 2)) == 1)
			snprintf(primary, sizeof primary, "%s", T(st, 1));
	}
	sqlite3_finalize(st);
	adj_date a, d;
	adj_date_parse(admitted, strlen(admitted), &a);
	adj_date_parse(discharged, strlen(discharged), &d);
	int days = d - a < 1 ? 1 : d - a;
	out(x, "  primary diagnosis %s, %d procedure(s), stay %d day(s), discharged %s, hospital tier %d\n",
	    primary, np, days, discharged, h->tier);
	int shown = 0;
	for (size_t i = 0; i < x->cat->nsd; i++) {
		const adj_single_disease *sd = &x->cat->sd[i];
		if (sd->tier != h->tier)
			continue;
		const char *why = NULL;
		if (d < sd->valid_from || (sd->valid_to != ADJ_DATE_NONE && d > sd->valid_to))
			why = "discharge date outside its validity";
		else if (sd->max_stay >= 0 && days > sd->max_stay)
			why = "stay longer than its max_stay";
		else if (adj_pattern_match(sd->diag_re, primary, strlen(primary)) != ADJ_PATTERN_MATCH)
			why = "the primary diagnosis does not match";
		else if (sd->proc_re) {
			bool any = false;
			for (int k = 0; k < np && !any; k++)
				any = adj_pattern_match(sd->proc_re, procs[k], strlen(procs[k])) == ADJ_PATTERN_MATCH;
			if (!any)
				why = "no procedure matches";
		}
		if (!why) {
			out(x, "  single_disease.csv line %ld: %s %s (diagnosis %s, procedure %s, max stay %d): "
			       "applies, standard %s\n",
			    sd->line, sd->code, sd->name, sd->diagnosis, sd->procedure ? sd->procedure : "any",
			    sd->max_stay, Y(x, sd->standard));
			return;
		}
		if (shown++ < 12)
			out(x, "  single_disease.csv line %ld: %s %s: %s\n", sd->line, sd->code, sd->name, why);
	}
	out(x, "  no row applies (%s): fee for service\n", method);
}

static int
explain_one(ex *x, sqlite3_stmt *c)
{
	int64_t id = sqlite3_column_int64(c, X_ID);
	const char *hospital = T(c, X_HOSPITAL), *claim_id = T(c, X_CLAIM_ID), *kind = T(c, X_KIND);
	const char *member = T(c, X_MEMBER), *scheme = T(c, X_SCHEME), *category = T(c, X_CATEGORY);
	const char *type = T(c, X_TYPE), *admitted = T(c, X_ADMITTED), *discharged = T(c, X_DISCHARGED);
	const char *service = T(c, X_SERVICE), *status = T(c, X_STATUS), *reason = T(c, X_REASON);
	const char *reason_value = T(c, X_REASON_VALUE), *method = T(c, X_METHOD);
	int year = sqlite3_column_int(c, X_YEAR);
	bool counted = sqlite3_column_int(c, X_COUNTED) != 0;
	adj_fen amt[ADJ_AMT_COUNT];
	for (int k = 0; k < ADJ_AMT_COUNT; k++)
		amt[k] = sqlite3_column_int64(c, X_AMT + k);
	const adj_hospital *h = adj_catalog_hospital(x->cat, hospital);
	int tier = h ? h->tier : 3;

	out(x, "Claim %s of hospital %s (%s, tier %d), batch %s adjudicated %s against catalog version %ld\n",
	    claim_id, hospital, h ? h->name : "?", tier, T(c, X_BATCH), T(c, X_ADJUDICATED),
	    x->cat->version);
	out(x, "Kind %s%s%s, status %s, method %s%s%s\n", kind, T(c, X_TARGET)[0] ? " of " : "",
	    T(c, X_TARGET), status, method,
	    sqlite3_column_type(c, X_VOIDED_BY) != SQLITE_NULL ? ", voided later by claim row " : "",
	    sqlite3_column_type(c, X_VOIDED_BY) != SQLITE_NULL ? T(c, X_VOIDED_BY) : "");
	adj_rid rid;
	if (adj_rid_check(member, strlen(member), &rid) == ADJ_RID_OK) {
		char born[ADJ_DATE_TEXT];
		adj_date_format(rid.birth, born);
		adj_date sd;
		int age = service[0] && adj_date_parse(service, 10, &sd) ? adj_age(rid.birth, sd) : -1;
		out(x, "Member %s: sex %c, born %s, age %d on the service date; scheme %s, category %s\n",
		    member, rid.sex, born, age, scheme[0] ? scheme : "?", category[0] ? category : "?");
	} else {
		out(x, "Member %s (not a valid resident id)\n", member);
	}
	if (strcmp(kind, "void") != 0)
		out(x, "Type %s, %s %s%s%s, claim year %d\n", type,
		    strcmp(type, "inpatient") == 0 ? "stay" : "visit", service,
		    strcmp(type, "inpatient") == 0 ? " .. " : "", strcmp(type, "inpatient") == 0 ? discharged : "",
		    year);

	out(x, "\n1. Claim checks (SPEC 5.1)\n");
	if (reason[0]) {
		int k = adj_reason_find(reason);
		out(x, "  %s %s (%s): %s\n", reason, k >= 0 ? adj_reasons[k].zh : "", k >= 0 ? adj_reasons[k].en : "",
		    reason_value);
		out(x, "  the claim is rejected: billed %s = rejected %s, every other amount 0.00\n",
		    Y(x, amt[ADJ_AMT_BILLED]), Y(x, amt[ADJ_AMT_REJECTED]));
	} else if (strcmp(kind, "void") == 0) {
		out(x, "  C01, C02, C03, C07, C09 passed: the claim it names is voided; its accumulator changes "
		       "were reversed. Amounts as first remitted:\n");
	} else {
		out(x, "  C01-C13 passed\n");
	}
	if (strcmp(kind, "void") != 0) {
		adj_fen sums[6];
		out(x, "\n2. Lines (SPEC 5.2)\n");
		int rc = explain_lines(x, id, tier, sums);
		if (rc)
			return rc;
		out(x, "  sums of the lines: billed %s, rejected %s, self-pay %s, over-cap %s, first-pay %s, "
		       "in-policy %s\n",
		    Y(x, sums[0]), Y(x, sums[1]), Y(x, sums[2]), Y(x, sums[3]), Y(x, sums[4]), Y(x, sums[5]));
	}
	if (counted) {
		explain_single_disease(x, h, id, type, admitted, discharged, method);
		adj_fen E = amt[ADJ_AMT_IN_POLICY] - amt[ADJ_AMT_VARIANCE];
		out(x, "  in-policy base E = %s%s\n", Y(x, E),
		    amt[ADJ_AMT_VARIANCE] ? " (the standard)" : " (the sum of in-policy)");
		if (amt[ADJ_AMT_VARIANCE])
			out(x, "  hospital-variance = in-policy %s - standard %s = %s\n", Y(x, amt[ADJ_AMT_IN_POLICY]),
			    Y(x, E), Y(x, amt[ADJ_AMT_VARIANCE]));

		const adj_benefit *b = benefit_by_id(x->cat, sqlite3_column_int64(c, X_BENEFIT));
		const adj_group *g = b && b->group < x->cat->policy.ngroups ? &x->cat->policy.groups[b->group] : NULL;
		out(x, "\n4. Benefit (SPEC 5.4)\n");
		if (!b || !g) {
			out(x, "  the benefit rule of this claim is not in catalog version %ld\n", x->cat->version);
		} else {
			out(x, "  rule: policy.xml line %ld: %s %d %s, category %s, tier %s, group %s, deductible %s "
			       "(%s, repeat %s)\n",
			    b->line, b->scheme, b->year, adj_claim_type_name[b->claim_type], b->category,
			    b->tier ? (b->tier == 1 ? "1" : b->tier == 2 ? "2" : "3") : "*", b->group_code,
			    b->basis == ADJ_BASIS_YEAR ? "per year" : "per admission", Y(x, b->deductible),
			    Y(x, b->repeat_deductible));
			out(x, "  group %s (policy.xml line %ld): pool cap %s", g->code, g->line, Y(x, g->pool_cap));
			if (g->has_relief)
				out(x, ", relief %s%% up to %s", P(x, g->relief_bp), Y(x, g->relief_cap));
			if (g->has_assist)
				out(x, ", assistance %s%% up to %s", P(x, g->assist_bp), Y(x, g->assist_cap));
			out(x, "\n");
			adj_benefit_in in;
			memset(&in, 0, sizeof in);
			in.base = E;
			in.rule = b;
			in.group = g;
			in.before = (adj_accum){sqlite3_column_int64(c, X_ACC), sqlite3_column_int64(c, X_ACC + 1),
			                        sqlite3_column_int64(c, X_ACC + 2), sqlite3_column_int64(c, X_ACC + 3),
			                        sqlite3_column_int64(c, X_ACC + 4), sqlite3_column_int64(c, X_ACC + 5)};
			const char *kindname = T(c, X_DED_KIND);
			in.forced_kind = strcmp(kindname, "first") == 0    ? ADJ_DED_FIRST
			                 : strcmp(kindname, "repeat") == 0 ? ADJ_DED_REPEAT
			                                                   : -1;
			in.relief_eligible = sqlite3_column_int(c, X_RELIEF_OK) != 0;
			in.assist_eligible = sqlite3_column_int(c, X_ASSIST_OK) != 0;
			const adj_accum *a = &in.before;
			out(x, "  accumulators before (member, %s, %d, %s): claims %lld, deductible %s, above "
			       "deductible %s, pool %s, relief %s, assistance %s\n",
			    scheme, year, g->code, (long long)a->claims, Y(x, a->ded), Y(x, a->pos), Y(x, a->pool),
			    Y(x, a->relief), Y(x, a->assist));
			adj_benefit_out bo;
			if (!adj_benefit_compute(&in, &bo)) {
				out(x, "  arithmetic overflow recomputing the benefit\n");
			} else {
				if (b->basis == ADJ_BASIS_ADMISSION)
					out(x, "  deductible: %s claim in the group and year -> D = %s; d = min(E, D) = %s\n",
					    bo.kind == ADJ_DED_FIRST ? "first" : "repeat", Y(x, bo.deductible_standard),
					    Y(x, bo.d));
				else
					out(x, "  deductible per year: left %s -> d = %s\n", Y(x, bo.deductible_standard),
					    Y(x, bo.d));
				out(x, "  X = E - d = %s, over [%s, %s); pool cap left %s\n", Y(x, bo.x), Y(x, a->pos),
				    Y(x, a->pos + bo.x), Y(x, bo.cap_left_before));
				for (size_t k = 0; k < bo.nportions; k++) {
					const adj_portion *p = &bo.portions[k];
					out(x, "  band [%s, %s) at %s%%: fund %s, coinsurance %s", Y(x, p->from), Y(x, p->to),
					    P(x, p->bp), Y(x, p->fund), Y(x, p->coins));
					if (p->over)
						out(x, ", over the pool cap %s", Y(x, p->over));
					out(x, "\n");
				}
				out(x, "  pool %s, coinsurance %s, over the pool cap %s\n", Y(x, bo.fund), Y(x, bo.coins),
				    Y(x, bo.over));
				if (g->has_relief)
					out(x, "  relief: %s; share(over %s, %s%%) capped by %s left -> %s%s\n",
					    in.relief_eligible ? "the member's relief period covers the service date"
					                       : "no relief period on the service date",
					    Y(x, bo.over), P(x, g->relief_bp), Y(x, g->relief_cap - a->relief),
					    Y(x, bo.relief), bo.relief_capped ? " (the relief cap limited it: A05)" : "");
				if (g->has_assist)
					out(x, "  assistance: %s; b = d + coinsurance + over - relief = %s; share(b, %s%%) "
					       "capped by %s left -> %s\n",
					    in.assist_eligible ? "the member's assistance period covers the service date"
					                       : "no assistance period on the service date",
					    Y(x, bo.d + bo.coins + bo.over - bo.relief), P(x, g->assist_bp),
					    Y(x, g->assist_cap - a->assist), Y(x, bo.assist));
				out(x, "  accumulators after: claims %lld, deductible %s, above deductible %s, pool %s, "
				       "relief %s, assistance %s\n",
				    (long long)a->claims + 1, Y(x, a->ded + bo.d), Y(x, a->pos + bo.x),
				    Y(x, a->pool + bo.fund), Y(x, a->relief + bo.relief), Y(x, a->assist + bo.assist));
				bool same = bo.d == amt[ADJ_AMT_DEDUCTIBLE] && bo.coins == amt[ADJ_AMT_COINSURANCE] &&
				            bo.fund == amt[ADJ_AMT_POOL] && bo.over == amt[ADJ_AMT_OVER_POOL] &&
				            bo.relief == amt[ADJ_AMT_RELIEF] && bo.assist == amt[ADJ_AMT_ASSISTANCE];
				out(x, "  recomputed now: %s\n", same ? "the same as recorded" : "DIFFERS FROM WHAT WAS RECORDED");
			}
		}
		out(x, "\n5. Global budget (SPEC 5.5)\n");
		if (h && h->settlement == ADJ_SETTLE_GLOBAL_BUDGET) {
			if (sqlite3_column_type(c, X_BUDGET) != SQLITE_NULL) {
				adj_fen budget = sqlite3_column_int64(c, X_BUDGET);
				adj_fen before = sqlite3_column_int64(c, X_HPOOL);
				out(x, "  budget %d %s; hospital pool total before %s, after %s; withheld = max(0, "
				       "min(pool %s, %s - %s)) = %s\n",
				    year, Y(x, budget), Y(x, before), Y(x, before + amt[ADJ_AMT_POOL]),
				    Y(x, amt[ADJ_AMT_POOL]), Y(x, before + amt[ADJ_AMT_POOL]), Y(x, budget),
				    Y(x, amt[ADJ_AMT_WITHHELD]));
			} else {
				out(x, "  a global-budget hospital without a budget for %d (W01): nothing withheld\n", year);
			}
		} else {
			out(x, "  fee-for-service hospital: nothing withheld\n");
		}
	}
	out(x, "\n6. Amounts remitted\n");
	out(x, "  ");
	for (int k = 0; k < ADJ_AMT_COUNT; k++)
		out(x, "%s %s%s", adj_amount_attr[k], Y(x, amt[k]), k + 1 < ADJ_AMT_COUNT ? ", " : "\n");
	if (strcmp(kind, "void") != 0) {
		adj_fen rhs = amt[ADJ_AMT_REJECTED] + amt[ADJ_AMT_PATIENT] + amt[ADJ_AMT_POOL] +
		              amt[ADJ_AMT_RELIEF] + amt[ADJ_AMT_ASSISTANCE] + amt[ADJ_AMT_VARIANCE];
		out(x, "  patient = self-pay + over-cap + first-pay + deductible + coinsurance + over-pool - "
		       "relief - assistance = %s\n",
		    Y(x, amt[ADJ_AMT_PATIENT]));
		out(x, "  identity: billed %s %s rejected + patient + pool + relief + assistance + "
		       "hospital-variance = %s\n",
		    Y(x, amt[ADJ_AMT_BILLED]), amt[ADJ_AMT_BILLED] == rhs ? "=" : "!=", Y(x, rhs));
	}
	sqlite3_stmt *r;
	if (adj_db_prepare(x->db, &r, "SELECT code, value FROM reason WHERE claim = ? AND line IS NULL ORDER BY ord") == 0) {
		sqlite3_bind_int64(r, 1, id);
		while (sqlite3_step(r) == SQLITE_ROW) {
			int k = adj_reason_find(T(r, 0));
			out(x, "  %s %s (%s): %s\n", T(r, 0), k >= 0 ? adj_reasons[k].zh : "", k >= 0 ? adj_reasons[k].en : "",
			    T(r, 1));
		}
		sqlite3_finalize(r);
	}
	out(x, "\n");
	return 0;
}

int
adj_explain(adj_db *db, const char *claim_id, const char *hospital, int html, void *outp,
            adj_diags *diags)
{
	sqlite3_stmt *st = NULL;
	char *text = NULL;
	size_t len = 0;
	ex x;
	int rc, n = 0;
	char first_h[64] = "";

	memset(&x, 0, sizeof x);
	x.db = db;
	if ((rc = adj_db_prepare(db, &st, claim_query))) {
		adj_diags_add(diags, "explain", 0, "", "%s", adj_db_errmsg(db));
		return rc;
	}
	sqlite3_bind_text(st, 1, claim_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hospital, -1, SQLITE_STATIC);
	/* several hospitals may use one claim id: ask which */
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!n++)
			snprintf(first_h, sizeof first_h, "%s", T(st, X_HOSPITAL));
		else if (strcmp(first_h, T(st, X_HOSPITAL)) != 0) {
			adj_diags_add(diags, "explain", 0, "--hospital",
			              "claim %s exists at several hospitals (%s, %s, ...): name one", claim_id,
			              first_h, T(st, X_HOSPITAL));
			sqlite3_finalize(st);
			return ADJ_EUSAGE;
		}
	}
	if (n == 0) {
		adj_diags_add(diags, "explain", 0, "claim", "no claim %s%s%s was adjudicated", claim_id,
		              hospital ? " at " : "", hospital ? hospital : "");
		sqlite3_finalize(st);
		return ADJ_ENOINPUT;
	}
	sqlite3_reset(st);
	x.o = open_memstream(&text, &len);
	if (!x.o) {
		sqlite3_finalize(st);
		return ADJ_ENOMEM;
	}
	if ((rc = adj_db_exec(db, "BEGIN")) == 0) {
		while (!rc && sqlite3_step(st) == SQLITE_ROW) {
			long version = (long)sqlite3_column_int64(st, X_VERSION);
			if (!x.cat || x.cat->version != version) {
				adj_catalog_free(x.cat);
				x.cat = NULL;
				if ((rc = adj_catalog_load(&x.cat, db, version)))
					break;
			}
			rc = explain_one(&x, st);
		}
		adj_db_exec(db, "COMMIT");
	}
	int mem_failed = ferror(x.o);
	if ((fclose(x.o) != 0 || mem_failed || !text) && !rc)
		rc = ADJ_ENOMEM;
	sqlite3_finalize(st);
	adj_catalog_free(x.cat);
	if (!rc) {
		FILE *f = outp;
		if (html) {
			char title[200];
			snprintf(title, sizeof title, "单据结算明细 Explanation of claim %s", claim_id);
			fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
			adj_html_escape(f, title);
			fputs("</title>\n<style>body{font-family:\"Noto Sans CJK SC\",sans-serif;margin:2em}"
			      "pre{font-family:\"Noto Sans Mono CJK SC\",monospace;font-size:.85em;"
			      "white-space:pre-wrap}</style>\n</head>\n<body>\n<h1>", f);
			adj_html_escape(f, title);
			fputs("</h1>\n<pre>", f);
			adj_html_escape(f, text);
			fputs("</pre>\n</body>\n</html>\n", f);
		} else {
			if (fwrite(text, 1, len, f) != len)
				rc = ADJ_EIO;
		}
		if (fflush(f) != 0 || ferror(f))
			rc = ADJ_EIO;
	} else if (rc == ADJ_EIO) {
		adj_diags_add(diags, "explain", 0, "", "%s", adj_db_errmsg(db));
	}
	free(text);
	return rc;
}
