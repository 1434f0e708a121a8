/*
 * reports.c - the auditors' and hospitals' reports (issue 4, SPEC 6):
 * rejections, budget, cost structure, a member's year, and the settlement
 * statement. Each report reads the ledger (never writes it) into an adj_doc
 * that doc.c writes as HTML or CSV.
 *
 * Money is read as integer fen and formatted once, by adj_fen_format;
 * shares are integer basis points rounded half-up (share_bp), never floats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adjudicator.h"
#include "benefit/benefit.h"
#include "catalog/catalog_store.h"
#include "ledger/db.h"
#include "reasons.h"
#include "report/doc.h"
#include "util/num.h"
#include "util/vec.h"

/* ---- formatting ------------------------------------------------------------ */

typedef struct fmtbuf {
	char s[64][48];
	int next;
} fmtbuf;

/* Money as text, in a rotating buffer (16 live at once). */
static const char *
yuan(fmtbuf *b, int64_t fen)
{
	char *s = b->s[b->next++ & 63];
	adj_fen_format(fen, s);
	return s;
}

static const char *
num(fmtbuf *b, int64_t v)
{
	char *s = b->s[b->next++ & 63];
	snprintf(s, 48, "%lld", (long long)v);
	return s;
}

/* part / whole in basis points, half-up; 0 when whole is 0. The product
 * is taken in 128 bits: ledger sums can come near the int64 range. */
static int32_t
share_bp(int64_t part, int64_t whole)
{
	if (whole <= 0)
		return 0;
	__extension__ typedef __int128 wide;
	wide q = ((wide)part * 10000 + whole / 2) / whole;
	return q > INT32_MAX ? INT32_MAX : q < INT32_MIN ? INT32_MIN : (int32_t)q;
}

/* a += b, saturating: report totals never wrap. */
static void
sat_add(int64_t *a, int64_t b)
{
	if (__builtin_add_overflow(*a, b, a))
		*a = b > 0 ? INT64_MAX : INT64_MIN;
}

static const char *
pct(fmtbuf *b, int32_t bp)
{
	char *s = b->s[b->next++ & 63];
	snprintf(s, 48, "%s%d.%02d%%", bp < 0 ? "-" : "", abs(bp) / 100, abs(bp) % 100);
	return s;
}

/* A change in percentage points, with its sign. */
static const char *
pts(fmtbuf *b, int32_t bp)
{
	char *s = b->s[b->next++ & 63];
	snprintf(s, 48, "%s%d.%02d", bp < 0 ? "-" : "+", abs(bp) / 100, abs(bp) % 100);
	return s;
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : "";
}

static int
prepare(adj_db *db, sqlite3_stmt **st, const char *sql, adj_diags *diags)
{
	int rc = adj_db_prepare(db, st, sql);
	if (rc)
		adj_diags_add(diags, "report", 0, "", "%s", adj_db_errmsg(db));
	return rc;
}

static int
step_error(adj_db *db, int s, adj_diags *diags)
{
	if (s == SQLITE_DONE)
		return 0;
	adj_diags_add(diags, "report", 0, "", "reading the ledger: %s", sqlite3_errmsg(db->sql));
	return ADJ_EIO;
}

/* The hospital's name in the current catalog, or its code. */
static const char *
hospital_name(const adj_catalog *cat, const char *code)
{
	const adj_hospital *h = cat ? adj_catalog_hospital(cat, code) : NULL;
	return h ? h->name : code;
}

/* ---- rejections ------------------------------------------------------------ */

static const adj_doc_col rej_cols[] = {
	{"医院 hospital", ADJ_ALIGN_LEFT},     {"医院名称 name", ADJ_ALIGN_LEFT},
	{"批次 batch", ADJ_ALIGN_LEFT},        {"单据 claim", ADJ_ALIGN_LEFT},
	{"参保人 member", ADJ_ALIGN_LEFT},     {"就诊日 service date", ADJ_ALIGN_LEFT},
	{"明细 item", ADJ_ALIGN_RIGHT},        {"项目编码 code", ADJ_ALIGN_LEFT},
	{"金额 amount", ADJ_ALIGN_RIGHT},      {"原因 reason", ADJ_ALIGN_LEFT},
	{"说明 message", ADJ_ALIGN_LEFT},      {"依据 value", ADJ_ALIGN_LEFT},
};

typedef struct tally {
	char key[64];
	const char *label;
	long count;
	int64_t amount;
	long claims, lines;
	int64_t claim_amount, line_amount;
} tally;

static tally *
tally_get(tally **v, size_t *n, size_t *cap, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].key, key) == 0)
			return &(*v)[i];
	tally *t = ADJ_VEC_PUSH(*v, *n, *cap);
	if (t)
		snprintf(t->key, sizeof t->key, "%s", key);
	return t;
}

static int
cmp_tally_amount(const void *a, const void *b)
{
	const tally *x = a, *y = b;
	if (x->amount != y->amount)
		return x->amount < y->amount ? 1 : -1;
	return strcmp(x->key, y->key);
}

static int
report_rejections(adj_db *db, const adj_catalog *cat, const adj_report_opts *o, adj_doc *d,
                  adj_diags *diags)
{
	/* One row per rejected claim and per L01-L16 line reason of a claim
	 * that was not rejected. The date is the service date, or for claims
	 * without one (malformed, void requests) the adjudication date. */
	static const char sql[] =
		"WITH r AS ("
		" SELECT c.hospital, b.batch_id, c.claim_id, c.member,"
		"  coalesce(c.service_date, substr(b.adjudicated_at, 1, 10)) AS day,"
		"  '' AS seq, '' AS code, c.billed AS amount, c.reason AS reason, c.reason_value AS value,"
		"  c.id AS cid, -1 AS lord, 1 AS is_claim"
		" FROM claim c JOIN batch b ON b.id = c.batch WHERE c.status = 'rejected'"
		" UNION ALL"
		" SELECT c.hospital, b.batch_id, c.claim_id, c.member,"
		"  coalesce(c.service_date, substr(b.adjudicated_at, 1, 10)),"
		"  l.seq, l.code, CASE WHEN r.code <= 'L06' THEN l.rejected ELSE l.self_pay END,"
		"  r.code, r.value, c.id, l.ord, 0"
		" FROM reason r JOIN claim c ON c.id = r.claim JOIN batch b ON b.id = c.batch"
		" JOIN line l ON l.claim = r.claim AND l.ord = r.line"
		" WHERE r.code BETWEEN 'L01' AND 'L16' AND c.status != 'rejected')"
		" SELECT hospital, batch_id, claim_id, member, day, seq, code, amount, reason, value,"
		"  is_claim FROM r"
		" WHERE (?1 IS NULL OR hospital = ?1) AND (?2 IS NULL OR batch_id = ?2)"
		"  AND (?3 IS NULL OR day >= ?3) AND (?4 IS NULL OR day <= ?4)"
		" ORDER BY hospital, cid, lord, reason";
	sqlite3_stmt *st;
	fmtbuf fb = {0};
	int rc, s;
	tally *by_reason = NULL, *by_hosp = NULL;
	size_t nr = 0, cr = 0, nh = 0, ch = 0;

	if ((rc = prepare(db, &st, sql, diags)))
		return rc;
	sqlite3_bind_text(st, 1, o->hospital, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->batch, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->to, -1, SQLITE_STATIC);

	char filter[512];
	snprintf(filter, sizeof filter, "%s%s%s%s%s%s%s%s", o->hospital ? "医院 hospital " : "",
	         o->hospital ? o->hospital : "", o->batch ? "  批次 batch " : "", o->batch ? o->batch : "",
	         o->from ? "  自 from " : "", o->from ? o->from : "", o->to ? "  至 to " : "",
	         o->to ? o->to : "");
	adj_doc_para(d, "拒付与调整明细：每一张被拒付的单据，以及未被拒付单据中每一条带 L01–L16 原因的明细。"
	                "Every rejected claim, and every line with an L01–L16 reason in a claim that was "
	                "not rejected. %s",
	             filter[0] ? filter : "All hospitals, batches and dates.");
	size_t detail = adj_doc_mark(d);
	adj_doc_heading(d, "明细 Rows");
	adj_doc_table *t = adj_doc_table_new(d, rej_cols, 12, true);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = col_text(st, 8);
		int reason = adj_reason_find(code);
		int64_t amount = sqlite3_column_int64(st, 7);
		bool is_claim = sqlite3_column_int(st, 10) != 0;
		const char *cells[12] = {
			col_text(st, 0), hospital_name(cat, col_text(st, 0)), col_text(st, 1), col_text(st, 2),
			col_text(st, 3), col_text(st, 4), col_text(st, 5), col_text(st, 6), yuan(&fb, amount),
			code, reason >= 0 ? adj_reasons[reason].zh : "", col_text(st, 9)};
		adj_doc_row(t, cells, is_claim);
		tally *r = tally_get(&by_reason, &nr, &cr, code);
		tally *h = tally_get(&by_hosp, &nh, &ch, col_text(st, 0));
		if (!r || !h) {
			rc = ADJ_ENOMEM;
			break;
		}
		r->label = reason >= 0 ? adj_reasons[reason].zh : "";
		r->count++;
		sat_add(&r->amount, amount);
		h->count++;
		sat_add(&h->amount, amount);
		if (is_claim)
			h->claims++, sat_add(&h->claim_amount, amount);
		else
			h->lines++, sat_add(&h->line_amount, amount);
	}
	if (!rc)
		rc = step_error(db, s, diags);
	sqlite3_finalize(st);

	if (!rc) {
		if (nr > 0) /* by_reason is NULL when nothing matched */
			qsort(by_reason, nr, sizeof *by_reason, cmp_tally_amount);
		static const adj_doc_col rc_cols[] = {{"原因 reason", ADJ_ALIGN_LEFT},
		                                      {"说明 message", ADJ_ALIGN_LEFT},
		                                      {"次数 count", ADJ_ALIGN_RIGHT},
		                                      {"金额 amount", ADJ_ALIGN_RIGHT},
		                                      {"累计占比 cumulative share", ADJ_ALIGN_RIGHT}};
		size_t summary = adj_doc_mark(d);
		adj_doc_heading(d, "按原因汇总 Totals by reason");
		adj_doc_table *tr = adj_doc_table_new(d, rc_cols, 5, false);
		int64_t total = 0, run = 0;
		for (size_t i = 0; i < nr; i++)
			sat_add(&total, by_reason[i].amount);
		const char **labels = calloc(nr ? nr : 1, sizeof *labels);
		const char **texts = calloc(nr ? nr : 1, sizeof *texts);
		int64_t *values = calloc(nr ? nr : 1, sizeof *values);
		char (*lb)[96] = calloc(nr ? nr : 1, sizeof *lb);
		char (*tb)[64] = calloc(nr ? nr : 1, sizeof *tb);
		for (size_t i = 0; labels && texts && values && lb && tb && i < nr; i++) {
			sat_add(&run, by_reason[i].amount);
			const char *cells[5] = {by_reason[i].key, by_reason[i].label, num(&fb, by_reason[i].count),
			                        yuan(&fb, by_reason[i].amount), pct(&fb, share_bp(run, total))};
			adj_doc_row(tr, cells, false);
			snprintf(lb[i], sizeof lb[i], "%s %s", by_reason[i].key, by_reason[i].label);
			snprintf(tb[i], sizeof tb[i], "%s (%ld)", yuan(&fb, by_reason[i].amount),
			         by_reason[i].count);
			labels[i] = lb[i];
			texts[i] = tb[i];
			values[i] = by_reason[i].amount;
		}
		long count = 0;
		for (size_t i = 0; i < nr; i++)
			count += by_reason[i].count;
		const char *tot[5] = {"合计 total", "", num(&fb, count), yuan(&fb, total), ""};
		adj_doc_row(tr, tot, true);
		if (nr)
			adj_doc_bars(d, "拒付金额按原因（帕累托） Rejected and self-paid amounts by reason (Pareto)",
			             labels, values, texts, nr, -1);
		free(labels), free(texts), free(values), free(lb), free(tb);

		static const adj_doc_col h_cols[] = {{"医院 hospital", ADJ_ALIGN_LEFT},
		                                     {"医院名称 name", ADJ_ALIGN_LEFT},
		                                     {"拒付单据 rejected claims", ADJ_ALIGN_RIGHT},
		                                     {"单据金额 claims amount", ADJ_ALIGN_RIGHT},
		                                     {"调整明细 adjusted lines", ADJ_ALIGN_RIGHT},
		                                     {"明细金额 lines amount", ADJ_ALIGN_RIGHT}};
		adj_doc_heading(d, "按医院汇总 Totals by hospital");
		adj_doc_table *th = adj_doc_table_new(d, h_cols, 6, false);
		for (size_t i = 0; i < nh; i++) {
			const char *hc[6] = {by_hosp[i].key, hospital_name(cat, by_hosp[i].key),
			                     num(&fb, by_hosp[i].claims), yuan(&fb, by_hosp[i].claim_amount),
			                     num(&fb, by_hosp[i].lines), yuan(&fb, by_hosp[i].line_amount)};
			adj_doc_row(th, hc, false);
		}
		adj_doc_hoist(d, summary, detail); /* totals and chart before the rows */
	}
	free(by_reason);
	free(by_hosp);
	return rc;
}

/* ---- budget --------------------------------------------------------------- */

/* Pool paid by month (1..12) and withheld, of a hospital's claims of a year
 * (month of the discharge or visit). Voided claims count for withheld
 * (past withholdings are never revised) but not for the pool. */
static int
monthly(adj_db *db, const char *hospital, int year, int64_t pool[13], int64_t withheld[13],
        adj_diags *diags)
{
	static const char sql[] =
		"SELECT CAST(substr(coalesce(discharged, service_date), 6, 2) AS INTEGER),"
		" sum(CASE WHEN voided_by IS NULL THEN pool ELSE 0 END), sum(withheld)"
		" FROM claim WHERE hospital = ? AND year = ? AND counted GROUP BY 1";
	sqlite3_stmt *st;
	int rc, s;
	memset(pool, 0, 13 * sizeof *pool);
	memset(withheld, 0, 13 * sizeof *withheld);
	if ((rc = prepare(db, &st, sql, diags)))
		return rc;
	sqlite3_bind_text(st, 1, hospital, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, year);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		int m = sqlite3_column_int(st, 0);
		if (m >= 1 && m <= 12) {
			pool[m] = sqlite3_column_int64(st, 1);
			withheld[m] = sqlite3_column_int64(st, 2);
		}
	}
	rc = step_error(db, s, diags);
	sqlite3_finalize(st);
	return rc;
}

static int
report_budget(adj_db *db, const adj_catalog *cat, const adj_report_opts *o, adj_doc *d,
              adj_diags *diags)
{
	static const adj_doc_col cols[] = {
		{"医院 hospital", ADJ_ALIGN_LEFT},          {"医院名称 name", ADJ_ALIGN_LEFT},
		{"年度预算 budget", ADJ_ALIGN_RIGHT},       {"月预付 monthly prepayment", ADJ_ALIGN_RIGHT},
		{"已付统筹 pool to date", ADJ_ALIGN_RIGHT}, {"预算使用 used", ADJ_ALIGN_RIGHT},
		{"已暂扣 withheld", ADJ_ALIGN_RIGHT},       {"数据月份 months", ADJ_ALIGN_RIGHT},
		{"预计全年 projected total", ADJ_ALIGN_RIGHT},
		{"预计结余留用 projected bonus", ADJ_ALIGN_RIGHT},
		{"预计超支分担 projected fund share", ADJ_ALIGN_RIGHT},
		{"预计医院承担 projected hospital share", ADJ_ALIGN_RIGHT}};
	fmtbuf fb = {0};
	int rc = 0;
	char title[64];

	adj_doc_para(d, "%d 年总额预付医院：预算、按月预付（全年预算÷12，十二月补足余数）、按出院或就诊月份"
	                "统计的统筹支付、累计与预算比较、已暂扣金额，以及按已有月份推算的年终结算。"
	                "Global-budget hospitals in %d: budget, monthly prepayment (B/12, December takes "
	                "the remainder), pool paid by month of discharge or visit, cumulative against the "
	                "budget, withheld so far, and the year-end settlement projected from the months "
	                "with claims.",
	             o->year, o->year);
	adj_doc_table *t = adj_doc_table_new(d, cols, 12, true);
	size_t months_at = adj_doc_mark(d);
	size_t n = 0;
	const char **labels = calloc(cat->nhospitals + 1, sizeof *labels);
	const char **texts = calloc(cat->nhospitals + 1, sizeof *texts);
	int64_t *used = calloc(cat->nhospitals + 1, sizeof *used);
	char (*tb)[64] = calloc(cat->nhospitals + 1, sizeof *tb);
	if (!labels || !texts || !used || !tb)
		rc = ADJ_ENOMEM;
	for (size_t i = 0; !rc && i < cat->nhospitals; i++) {
		const adj_hospital *h = &cat->hospitals[i];
		if (h->settlement != ADJ_SETTLE_GLOBAL_BUDGET ||
		    (o->hospital && strcmp(o->hospital, h->code) != 0))
			continue;
		const adj_budget *b = NULL;
		for (size_t k = 0; k < cat->nbudgets; k++)
			if (cat->budgets[k].year == o->year && strcmp(cat->budgets[k].hospital, h->code) == 0)
				b = &cat->budgets[k];
		int64_t pool[13], wh[13];
		if ((rc = monthly(db, h->code, o->year, pool, wh, diags)))
			break;
		int64_t total = 0, wtotal = 0;
		int months = 0;
		for (int m = 1; m <= 12; m++) {
			total += pool[m];
			wtotal += wh[m];
			if (pool[m] || wh[m])
				months = m;
		}
		if (!b) {
			const char *cells[12] = {h->code, h->name, "无预算 none (W01)", "", yuan(&fb, total), "",
			                         yuan(&fb, wtotal), num(&fb, months), "", "", "", ""};
			adj_doc_row(t, cells, true);
			continue;
		}
		adj_settle_result now, proj;
		int64_t projected = months ? (total * 12 + months / 2) / months : 0;
		adj_settlement_compute(&now, total, b);
		adj_settlement_compute(&proj, projected, b);
		int32_t u = share_bp(total, b->budget);
		const char *cells[12] = {
			h->code, h->name, yuan(&fb, b->budget), yuan(&fb, now.monthly[0]), yuan(&fb, total),
			pct(&fb, u), yuan(&fb, wtotal), num(&fb, months), yuan(&fb, projected),
			yuan(&fb, proj.bonus), yuan(&fb, proj.shared), yuan(&fb, proj.absorbed)};
		adj_doc_row(t, cells, total > b->budget);
		labels[n] = h->name;
		used[n] = u;
		snprintf(tb[n], sizeof tb[n], "%s (%s / %s)", pct(&fb, u), yuan(&fb, total),
		         yuan(&fb, b->budget));
		texts[n] = tb[n];
		n++;

		/* the hospital's months */
		static const adj_doc_col mcols[] = {
			{"月份 month", ADJ_ALIGN_RIGHT},          {"预付 prepayment", ADJ_ALIGN_RIGHT},
			{"统筹支付 pool", ADJ_ALIGN_RIGHT},       {"累计统筹 cumulative", ADJ_ALIGN_RIGHT},
			{"累计预付 cumulative prepayment", ADJ_ALIGN_RIGHT},
			{"暂扣 withheld", ADJ_ALIGN_RIGHT}};
		snprintf(title, sizeof title, "%s %s", h->code, h->name);
		adj_doc_heading(d, title);
		adj_doc_table *mt = adj_doc_table_new(d, mcols, 6, false);
		int64_t cum = 0, cump = 0;
		for (int m = 1; m <= 12; m++) {
			cum += pool[m];
			cump += now.monthly[m - 1];
			const char *mc[6] = {num(&fb, m), yuan(&fb, now.monthly[m - 1]), yuan(&fb, pool[m]),
			                     yuan(&fb, cum), yuan(&fb, cump), yuan(&fb, wh[m])};
			adj_doc_row(mt, mc, cum > b->budget);
		}
	}
	if (!rc && n) {
		size_t chart = adj_doc_mark(d);
		adj_doc_bars(d, "预算使用率（虚线为 100%） Share of the budget used (dashed line: 100%)", labels,
		             used, texts, n, 10000);
		adj_doc_hoist(d, chart, months_at);
	}
	if (!rc && adj_doc_rows(t) == 0)
		adj_doc_para(d, "没有总额预付医院。 No global-budget hospital.");
	free(labels), free(texts), free(used), free(tb);
	return rc;
}

/* ---- cost structure --------------------------------------------------------- */

enum { K_EXAM, K_DRUG, K_LABOR, K_NONE, K_COUNT };

typedef struct cost {
	char hospital[64];
	int64_t billed[2][K_COUNT], inpol[2][K_COUNT]; /* [0] the year, [1] the year before */
} cost;

static int
class_index(const char *c)
{
	if (!c || !*c)
		return K_NONE;
	if (strcmp(c, "exam") == 0)
		return K_EXAM;
	if (strcmp(c, "drug-material") == 0)
		return K_DRUG;
	if (strcmp(c, "labor") == 0)
		return K_LABOR;
	return K_NONE;
}

static int
report_cost(adj_db *db, const adj_catalog *cat, const adj_report_opts *o, adj_doc *d,
            adj_diags *diags)
{
	/* lines of claims that are counted (not rejected) and not voided, of the
	 * year and the year before, by hospital and cost class */
	static const char sql[] =
		"SELECT c.hospital, c.year, i.class, sum(l.billed), sum(l.in_policy)"
		" FROM line l JOIN claim c ON c.id = l.claim LEFT JOIN item i ON i.id = l.item"
		" WHERE c.counted AND c.voided_by IS NULL AND c.year IN (?1, ?1 - 1)"
		"  AND (?2 IS NULL OR c.hospital = ?2)"
		" GROUP BY c.hospital, c.year, i.class ORDER BY c.hospital";
	sqlite3_stmt *st;
	fmtbuf fb = {0};
	cost *v = NULL, all;
	size_t n = 0, cap = 0;
	int rc, s;

	memset(&all, 0, sizeof all);
	snprintf(all.hospital, sizeof all.hospital, "全部 all");
	if ((rc = prepare(db, &st, sql, diags)))
		return rc;
	sqlite3_bind_int(st, 1, o->year);
	sqlite3_bind_text(st, 2, o->hospital, -1, SQLITE_STATIC);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *h = col_text(st, 0);
		cost *c = n && strcmp(v[n - 1].hospital, h) == 0 ? &v[n - 1] : NULL;
		if (!c) {
			c = ADJ_VEC_PUSH(v, n, cap);
			if (!c) {
				rc = ADJ_ENOMEM;
				break;
			}
			snprintf(c->hospital, sizeof c->hospital, "%s", h);
		}
		int y = sqlite3_column_int(st, 1) == o->year ? 0 : 1;
		int k = class_index((const char *)sqlite3_column_text(st, 2));
		c->billed[y][k] += sqlite3_column_int64(st, 3);
		c->inpol[y][k] += sqlite3_column_int64(st, 4);
		all.billed[y][k] += sqlite3_column_int64(st, 3);
		all.inpol[y][k] += sqlite3_column_int64(st, 4);
	}
	if (!rc)
		rc = step_error(db, s, diags);
	sqlite3_finalize(st);
	if (rc) {
		free(v);
		return rc;
	}

	adj_doc_para(d, "%d 年各医院费用结构：按大型检查类、药品材料类、技术劳务类统计的申报金额与符合范围金额及其占比，"
	                "与上年占比比较。检查与药品材料合计占比上升的医院以红色标出（政策要求降低一、二类费用比重）。"
	                "Cost structure per hospital in %d: billed and in-policy amounts by cost class, their "
	                "shares, and the change of each share against %d. Hospitals whose exam plus "
	                "drug-material share of billed amounts rose are flagged (the policy wants it to fall). "
	                "Claims rejected or voided are left out.",
	             o->year, o->year, o->year - 1);
	static const adj_doc_col cols[] = {
		{"医院 hospital", ADJ_ALIGN_LEFT},           {"医院名称 name", ADJ_ALIGN_LEFT},
		{"申报合计 billed", ADJ_ALIGN_RIGHT},        {"检查 exam", ADJ_ALIGN_RIGHT},
		{"检查占比 exam share", ADJ_ALIGN_RIGHT},    {"药品材料 drug-material", ADJ_ALIGN_RIGHT},
		{"药材占比 drug-material share", ADJ_ALIGN_RIGHT}, {"劳务 labor", ADJ_ALIGN_RIGHT},
		{"劳务占比 labor share", ADJ_ALIGN_RIGHT},  {"目录外 not in catalog", ADJ_ALIGN_RIGHT},
		{"符合范围合计 in-policy", ADJ_ALIGN_RIGHT}, {"符合范围检查 in-policy exam", ADJ_ALIGN_RIGHT},
		{"符合范围药材 in-policy drug-material", ADJ_ALIGN_RIGHT},
		{"符合范围劳务 in-policy labor", ADJ_ALIGN_RIGHT},
		{"检查+药材占比 exam+drug-material share", ADJ_ALIGN_RIGHT},
		{"上年 last year", ADJ_ALIGN_RIGHT},         {"变化(百分点) change (points)", ADJ_ALIGN_RIGHT},
		{"上升 rose", ADJ_ALIGN_LEFT}};
	size_t table_at = adj_doc_mark(d);
	adj_doc_table *t = adj_doc_table_new(d, cols, 18, true);
	const char **labels = calloc(n + 1, sizeof *labels);
	int32_t *bp = calloc((n + 1) * 3, sizeof *bp);
	for (size_t i = 0; i <= n && labels && bp; i++) {
		const cost *c = i < n ? &v[i] : &all;
		int64_t tb = 0, ti = 0, tb1 = 0;
		for (int k = 0; k < K_COUNT; k++) {
			tb += c->billed[0][k];
			ti += c->inpol[0][k];
			tb1 += c->billed[1][k];
		}
		int32_t share = share_bp(c->billed[0][K_EXAM] + c->billed[0][K_DRUG], tb);
		int32_t before = share_bp(c->billed[1][K_EXAM] + c->billed[1][K_DRUG], tb1);
		bool rose = tb1 > 0 && tb > 0 && share > before;
		const char *cells[18] = {
			i < n ? c->hospital : "", i < n ? hospital_name(cat, c->hospital) : "全部医院 all hospitals",
			yuan(&fb, tb), yuan(&fb, c->billed[0][K_EXAM]), pct(&fb, share_bp(c->billed[0][K_EXAM], tb)),
			yuan(&fb, c->billed[0][K_DRUG]), pct(&fb, share_bp(c->billed[0][K_DRUG], tb)),
			yuan(&fb, c->billed[0][K_LABOR]), pct(&fb, share_bp(c->billed[0][K_LABOR], tb)),
			yuan(&fb, c->billed[0][K_NONE]), yuan(&fb, ti), yuan(&fb, c->inpol[0][K_EXAM]),
			yuan(&fb, c->inpol[0][K_DRUG]), yuan(&fb, c->inpol[0][K_LABOR]), pct(&fb, share),
			tb1 ? pct(&fb, before) : "", tb1 ? pts(&fb, share - before) : "",
			rose ? "是 yes" : ""};
		adj_doc_row(t, cells, rose);
		labels[i] = i < n ? hospital_name(cat, c->hospital) : "全部医院 all hospitals";
		bp[i * 3 + 0] = share_bp(c->billed[0][K_EXAM], tb);
		bp[i * 3 + 1] = share_bp(c->billed[0][K_DRUG], tb);
		bp[i * 3 + 2] = tb ? 10000 - bp[i * 3] - bp[i * 3 + 1] : 0;
	}
	static const char *const parts[] = {"大型检查类 exam", "药品材料类 drug-material",
	                                    "技术劳务类及其他 labor and other"};
	if (labels && bp && n) {
		size_t chart = adj_doc_mark(d);
		adj_doc_shares(d, "申报金额构成 Shares of billed amounts by cost class", labels, n + 1, parts, 3,
		               bp);
		adj_doc_hoist(d, chart, table_at);
	}
	free(labels);
	free(bp);
	free(v);
	return 0;
}

/* ---- a member's year -------------------------------------------------------- */

static int
report_member(adj_db *db, const adj_catalog *cat, const adj_report_opts *o, adj_doc *d,
              adj_diags *diags)
{
	sqlite3_stmt *st;
	fmtbuf fb = {0};
	int rc, s;
	char scheme[32] = "", category[64] = "";

	if ((rc = prepare(db, &st,
	                  "SELECT name, scheme, category, sex, birth_date, enrolled_from, enrolled_to, "
	                  "paid_through, relief_from, relief_to, assistance_from, assistance_to "
	                  "FROM member WHERE id = ?", diags)))
		return rc;
	sqlite3_bind_text(st, 1, o->member, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s != SQLITE_ROW) {
		sqlite3_finalize(st);
		adj_diags_add(diags, "report", 0, "member", "member %s is not in the registry", o->member);
		return s == SQLITE_DONE ? ADJ_EDATA : ADJ_EIO;
	}
	snprintf(scheme, sizeof scheme, "%s", col_text(st, 1));
	snprintf(category, sizeof category, "%s", col_text(st, 2));
	adj_doc_para(d, "参保人 member %s %s，险种 scheme %s，类别 category %s，性别 sex %s，出生 born %s；"
	                "参保 enrolled %s..%s；缴费至 paid through %s；大额救助 relief %s..%s；"
	                "医疗救济 assistance %s..%s。",
	             o->member, col_text(st, 0), scheme, category, col_text(st, 3), col_text(st, 4),
	             col_text(st, 5), col_text(st, 6), col_text(st, 7)[0] ? col_text(st, 7) : "-",
	             col_text(st, 8)[0] ? col_text(st, 8) : "-", col_text(st, 9),
	             col_text(st, 10)[0] ? col_text(st, 10) : "-", col_text(st, 11));
	sqlite3_finalize(st);

	static const adj_doc_col cols[] = {
		{"批次 batch", ADJ_ALIGN_LEFT},       {"单据 claim", ADJ_ALIGN_LEFT},
		{"医院 hospital", ADJ_ALIGN_LEFT},    {"类别 type", ADJ_ALIGN_LEFT},
		{"就诊日 service", ADJ_ALIGN_LEFT},   {"出院 discharged", ADJ_ALIGN_LEFT},
		{"状态 status", ADJ_ALIGN_LEFT},      {"结算方式 method", ADJ_ALIGN_LEFT},
		{"申报 billed", ADJ_ALIGN_RIGHT},     {"拒付 rejected", ADJ_ALIGN_RIGHT},
		{"自费 self-pay", ADJ_ALIGN_RIGHT},   {"超限 over-cap", ADJ_ALIGN_RIGHT},
		{"先行自付 first-pay", ADJ_ALIGN_RIGHT}, {"符合范围 in-policy", ADJ_ALIGN_RIGHT},
		{"起付 deductible", ADJ_ALIGN_RIGHT}, {"分段自付 coinsurance", ADJ_ALIGN_RIGHT},
		{"统筹 pool", ADJ_ALIGN_RIGHT},       {"超封顶 over-pool", ADJ_ALIGN_RIGHT},
		{"大额救助 relief", ADJ_ALIGN_RIGHT}, {"医疗救济 assistance", ADJ_ALIGN_RIGHT},
		{"个人负担 patient", ADJ_ALIGN_RIGHT},
		{"组 group", ADJ_ALIGN_LEFT},         {"累计起付 ded after", ADJ_ALIGN_RIGHT},
		{"累计超起付 above deductible after", ADJ_ALIGN_RIGHT},
		{"累计统筹 pool after", ADJ_ALIGN_RIGHT}, {"累计救助 relief after", ADJ_ALIGN_RIGHT},
		{"累计救济 assistance after", ADJ_ALIGN_RIGHT}};
	adj_doc_heading(d, "单据 Claims");
	adj_doc_table *t = adj_doc_table_new(d, cols, 27, true);
	if ((rc = prepare(db, &st,
	                  "SELECT b.batch_id, c.claim_id, c.hospital, c.claim_type, c.service_date, "
	                  "c.discharged, CASE WHEN c.voided_by IS NOT NULL THEN c.status || ' (voided)' "
	                  "ELSE c.status END, c.method, c.billed, c.rejected, c.self_pay, c.over_cap, "
	                  "c.first_pay, c.in_policy, c.deductible, c.coinsurance, c.pool, c.over_pool, "
	                  "c.relief, c.assistance, c.patient, c.counted, c.grp, c.acc_ded + c.deductible, "
	                  "c.acc_pos + c.pos_delta, c.acc_pool + c.pool, c.acc_relief + c.relief, "
	                  "c.acc_assist + c.assistance, c.kind, c.reason "
	                  "FROM claim c JOIN batch b ON b.id = c.batch "
	                  "WHERE c.member = ? AND c.year = ? ORDER BY c.id", diags)))
		return rc;
	sqlite3_bind_text(st, 1, o->member, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, o->year);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		bool counted = sqlite3_column_int(st, 21) != 0;
		char status[64];
		snprintf(status, sizeof status, "%s%s%s", col_text(st, 6), col_text(st, 29)[0] ? " " : "",
		         col_text(st, 29));
		const char *cells[27];
		for (int k = 0; k < 6; k++)
			cells[k] = col_text(st, k);
		cells[6] = status;
		cells[7] = col_text(st, 7);
		for (int k = 8; k < 21; k++)
			cells[k] = yuan(&fb, sqlite3_column_int64(st, k));
		cells[21] = counted ? col_text(st, 22) : "";
		for (int k = 22; k < 27; k++)
			cells[k] = counted ? yuan(&fb, sqlite3_column_int64(st, k + 1)) : "";
		adj_doc_row(t, cells, strcmp(col_text(st, 6), "rejected") == 0);
	}
	rc = step_error(db, s, diags);
	sqlite3_finalize(st);
	if (rc)
		return rc;

	/* what is left, per group, with the terms of the current catalog */
	static const adj_doc_col lcols[] = {
		{"组 group", ADJ_ALIGN_LEFT},            {"计入单据 claims", ADJ_ALIGN_RIGHT},
		{"已付起付 deductible paid", ADJ_ALIGN_RIGHT},
		{"超起付累计 above deductible", ADJ_ALIGN_RIGHT},
		{"统筹已付 pool paid", ADJ_ALIGN_RIGHT}, {"统筹封顶 pool cap", ADJ_ALIGN_RIGHT},
		{"统筹剩余 pool left", ADJ_ALIGN_RIGHT}, {"救助已付 relief paid", ADJ_ALIGN_RIGHT},
		{"救助封顶 relief cap", ADJ_ALIGN_RIGHT}, {"救助剩余 relief left", ADJ_ALIGN_RIGHT},
		{"救济已付 assistance paid", ADJ_ALIGN_RIGHT},
		{"救济封顶 assistance cap", ADJ_ALIGN_RIGHT},
		{"救济剩余 assistance left", ADJ_ALIGN_RIGHT}};
	adj_doc_heading(d, "年度累计与剩余额度 The year so far and what is left");
	adj_doc_table *lt = adj_doc_table_new(d, lcols, 13, false);
	if ((rc = prepare(db, &st,
	                  "SELECT grp, claims, ded, pos, pool, relief, assist FROM accumulator "
	                  "WHERE member = ? AND scheme = ? AND year = ? ORDER BY grp", diags)))
		return rc;
	sqlite3_bind_text(st, 1, o->member, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, scheme, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, o->year);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const adj_group *g = NULL;
		for (size_t k = 0; k < cat->policy.ngroups; k++)
			if (cat->policy.groups[k].year == o->year &&
			    strcmp(cat->policy.groups[k].scheme, scheme) == 0 &&
			    strcmp(cat->policy.groups[k].code, col_text(st, 0)) == 0)
				g = &cat->policy.groups[k];
		int64_t pool = sqlite3_column_int64(st, 4), relief = sqlite3_column_int64(st, 5),
		        assist = sqlite3_column_int64(st, 6);
		const char *cells[13] = {
			col_text(st, 0), num(&fb, sqlite3_column_int64(st, 1)),
			yuan(&fb, sqlite3_column_int64(st, 2)), yuan(&fb, sqlite3_column_int64(st, 3)),
			yuan(&fb, pool), g ? yuan(&fb, g->pool_cap) : "",
			g ? yuan(&fb, g->pool_cap > pool ? g->pool_cap - pool : 0) : "", yuan(&fb, relief),
			g && g->has_relief ? yuan(&fb, g->relief_cap) : "-",
			g && g->has_relief ? yuan(&fb, g->relief_cap > relief ? g->relief_cap - relief : 0) : "-",
			yuan(&fb, assist), g && g->has_assist ? yuan(&fb, g->assist_cap) : "-",
			g && g->has_assist ? yuan(&fb, g->assist_cap > assist ? g->assist_cap - assist : 0) : "-"};
		adj_doc_row(lt, cells, false);
	}
	rc = step_error(db, s, diags);
	sqlite3_finalize(st);
	if (rc)
		return rc;

	/* the deductible the next claim of each kind would pay */
	static const adj_doc_col dcols[] = {{"类别 claim type", ADJ_ALIGN_LEFT},
	                                    {"组 group", ADJ_ALIGN_LEFT},
	                                    {"起付方式 basis", ADJ_ALIGN_LEFT},
	                                    {"下次起付 next deductible", ADJ_ALIGN_RIGHT}};
	adj_doc_heading(d, "下一张单据的起付标准 The deductible of the next claim (hospital of tier 3)");
	adj_doc_table *dt = adj_doc_table_new(d, dcols, 4, false);
	for (size_t k = 0; k < cat->policy.nbenefits; k++) {
		const adj_benefit *b = &cat->policy.benefits[k];
		if (b->year != o->year || strcmp(b->scheme, scheme) != 0 ||
		    (strcmp(b->category, "*") != 0 && strcmp(b->category, category) != 0) ||
		    (b->tier != 0 && b->tier != 3))
			continue;
		adj_accum acc = {0, 0, 0, 0, 0, 0};
		sqlite3_stmt *q;
		if (prepare(db, &q, "SELECT claims, ded FROM accumulator WHERE member = ? AND scheme = ? "
		                    "AND year = ? AND grp = ?", diags) == 0) {
			sqlite3_bind_text(q, 1, o->member, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 2, scheme, -1, SQLITE_STATIC);
			sqlite3_bind_int(q, 3, o->year);
			sqlite3_bind_text(q, 4, b->group_code, -1, SQLITE_STATIC);
			if (sqlite3_step(q) == SQLITE_ROW) {
				acc.claims = sqlite3_column_int64(q, 0);
				acc.ded = sqlite3_column_int64(q, 1);
			}
			sqlite3_finalize(q);
		}
		int64_t next = b->basis == ADJ_BASIS_YEAR
		                   ? (b->deductible > acc.ded ? b->deductible - acc.ded : 0)
		                   : (acc.claims == 0 ? b->deductible : b->repeat_deductible);
		const char *cells[4] = {adj_claim_type_name[b->claim_type], b->group_code,
		                        b->basis == ADJ_BASIS_YEAR ? "年度 year" : "每次住院 admission",
		                        yuan(&fb, next)};
		adj_doc_row(dt, cells, false);
	}
	return 0;
}

/* ---- settlement (SPEC 5.5) -------------------------------------------------- */

static const adj_doc_col settle_cols[] = {
	{"医院 hospital", ADJ_ALIGN_LEFT},        {"医院名称 name", ADJ_ALIGN_LEFT},
	{"年度 year", ADJ_ALIGN_RIGHT},           {"预算 budget (B)", ADJ_ALIGN_RIGHT},
	{"统筹合计 pool total (A)", ADJ_ALIGN_RIGHT},
	{"结余 surplus (B-A)", ADJ_ALIGN_RIGHT},  {"结余留用 bonus", ADJ_ALIGN_RIGHT},
	{"超支 overrun (A-B)", ADJ_ALIGN_RIGHT},  {"基金分担 fund share", ADJ_ALIGN_RIGHT},
	{"医院承担 hospital absorbs", ADJ_ALIGN_RIGHT},
	{"结算时间 settled", ADJ_ALIGN_LEFT}};

static int
report_settlement(adj_db *db, const adj_catalog *cat, const adj_report_opts *o, adj_doc *d,
                  adj_diags *diags)
{
	sqlite3_stmt *st;
	fmtbuf fb = {0};
	int rc, s;

	adj_doc_para(d, "%d 年总额预付年终结算。A 为医院当年未冲销单据的统筹支付合计，B 为预算。A ≤ B 时结余留用 = "
	                "share(B − A, 结余留用比例)；A > B 时基金分担 = share(min(A − B, share(B, 超支上限)), "
	                "超支分担比例)，其余由医院承担。Year-end global-budget settlement of %d (SPEC 5.5).",
	             o->year, o->year);
	adj_doc_table *t = adj_doc_table_new(d, settle_cols, 11, true);
	if ((rc = prepare(db, &st,
	                  "SELECT hospital, year, budget, total, bonus, overrun, shared, absorbed, "
	                  "settled_at FROM settlement WHERE year = ? AND (?2 IS NULL OR hospital = ?2) "
	                  "ORDER BY hospital", diags)))
		return rc;
	sqlite3_bind_int(st, 1, o->year);
	sqlite3_bind_text(st, 2, o->hospital, -1, SQLITE_STATIC);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t b = sqlite3_column_int64(st, 2), a = sqlite3_column_int64(st, 3);
		const char *cells[11] = {
			col_text(st, 0), hospital_name(cat, col_text(st, 0)), num(&fb, sqlite3_column_int64(st, 1)),
			yuan(&fb, b), yuan(&fb, a), yuan(&fb, a <= b ? b - a : 0),
			yuan(&fb, sqlite3_column_int64(st, 4)), yuan(&fb, sqlite3_column_int64(st, 5)),
			yuan(&fb, sqlite3_column_int64(st, 6)), yuan(&fb, sqlite3_column_int64(st, 7)),
			col_text(st, 8)};
		adj_doc_row(t, cells, a > b);
	}
	rc = step_error(db, s, diags);
	sqlite3_finalize(st);
	/* global-budget hospitals with no budget row for the year */
	for (size_t i = 0; !rc && i < cat->nhospitals; i++) {
		const adj_hospital *h = &cat->hospitals[i];
		if (h->settlement != ADJ_SETTLE_GLOBAL_BUDGET || (o->hospital && strcmp(o->hospital, h->code) != 0))
			continue;
		bool has = false;
		for (size_t k = 0; k < cat->nbudgets; k++)
			if (cat->budgets[k].year == o->year && strcmp(cat->budgets[k].hospital, h->code) == 0)
				has = true;
		if (!has) {
			const char *cells[11] = {h->code, h->name, num(&fb, o->year), "无预算 no budget",
			                         "", "", "", "", "", "", "未结算 unsettled"};
			adj_doc_row(t, cells, true);
		}
	}
	return rc;
}

/* ---- the entry points ------------------------------------------------------- */

static bool
date_ok(const char *s)
{
	adj_date d;
	return !s || adj_date_parse(s, strlen(s), &d);
}

static int
run_report(adj_db *db, const adj_catalog *cat, const adj_report_opts *o, FILE *out,
           adj_diags *diags)
{
	static const char *const titles[] = {
		"拒付报告 Rejections", "总额预付预算报告 Global budgets", "费用结构报告 Cost structure",
		"参保人年度明细 A member's year", "总额预付年终结算 Global-budget settlement"};
	char title[256];
	int rc;

	switch (o->kind) {
	case ADJ_REPORT_REJECTIONS:
		snprintf(title, sizeof title, "%s", titles[0]);
		break;
	case ADJ_REPORT_MEMBER:
		snprintf(title, sizeof title, "%s %s %d", titles[3], o->member ? o->member : "", o->year);
		break;
	default:
		snprintf(title, sizeof title, "%s %d", titles[o->kind], o->year);
	}
	adj_doc *d = adj_doc_new(title);
	if (!d)
		return ADJ_ENOMEM;
	switch (o->kind) {
	case ADJ_REPORT_REJECTIONS: rc = report_rejections(db, cat, o, d, diags); break;
	case ADJ_REPORT_BUDGET: rc = report_budget(db, cat, o, d, diags); break;
	case ADJ_REPORT_COST_STRUCTURE: rc = report_cost(db, cat, o, d, diags); break;
	case ADJ_REPORT_MEMBER: rc = report_member(db, cat, o, d, diags); break;
	case ADJ_REPORT_SETTLEMENT: rc = report_settlement(db, cat, o, d, diags); break;
	default: rc = ADJ_EUSAGE;
	}
	if (!rc)
		rc = adj_doc_write(d, out, o->format == ADJ_REPORT_CSV ? ADJ_FORMAT_CSV : ADJ_FORMAT_HTML);
	adj_doc_free(d);
	return rc;
}

int
adj_report(adj_db *db, const adj_report_opts *o, void *out, adj_diags *diags)
{
	adj_catalog *cat = NULL;
	int rc;

	if (!date_ok(o->from) || !date_ok(o->to)) {
		adj_diags_add(diags, "report", 0, o->from && !date_ok(o->from) ? "--from" : "--to",
		              "not a date that exists (YYYY-MM-DD)");
		return ADJ_EUSAGE;
	}
	if (o->kind == ADJ_REPORT_MEMBER && !o->member) {
		adj_diags_add(diags, "report", 0, "member", "a member id is needed");
		return ADJ_EUSAGE;
	}
	if ((rc = adj_catalog_load(&cat, db, 0))) {
		adj_diags_add(diags, "report", 0, "", "%s", adj_db_errmsg(db));
		return rc;
	}
	/* one read transaction: a consistent view even while a batch commits */
	if ((rc = adj_db_exec(db, "BEGIN")) == 0) {
		rc = run_report(db, cat, o, out, diags);
		adj_db_exec(db, "COMMIT");
	}
	adj_catalog_free(cat);
	return rc;
}

int
adj_settle(adj_db *db, int year, const char *hospital, adj_report_format format, void *out,
           long *settled, long *unsettled, adj_diags *diags)
{
	adj_catalog *cat = NULL;
	sqlite3_stmt *del = NULL, *ins = NULL, *tot = NULL;
	char now[32];
	int rc;

	*settled = *unsettled = 0;
	if ((rc = adj_catalog_load(&cat, db, 0))) {
		adj_diags_add(diags, "settle", 0, "", "%s", adj_db_errmsg(db));
		return rc;
	}
	if (hospital) {
		const adj_hospital *h = adj_catalog_hospital(cat, hospital);
		if (!h || h->settlement != ADJ_SETTLE_GLOBAL_BUDGET) {
			adj_diags_add(diags, "settle", 0, "--hospital", "%s is not a global-budget hospital",
			              hospital);
			adj_catalog_free(cat);
			return ADJ_EUSAGE;
		}
	}
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);

	if ((rc = adj_db_begin(db)))
		goto done;
	if ((rc = prepare(db, &del, "DELETE FROM settlement WHERE year = ? AND (?2 IS NULL OR hospital = ?2)", diags)) ||
	    (rc = prepare(db, &ins, "INSERT INTO settlement VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", diags)) ||
	    (rc = prepare(db, &tot, "SELECT pool FROM hospital_year WHERE hospital = ? AND year = ?", diags)))
		goto done;
	sqlite3_bind_int(del, 1, year);
	sqlite3_bind_text(del, 2, hospital, -1, SQLITE_STATIC);
	if (sqlite3_step(del) != SQLITE_DONE) {
		rc = adj_db_fail(db, "replacing the settlement");
		goto done;
	}
	for (size_t i = 0; i < cat->nhospitals; i++) {
		const adj_hospital *h = &cat->hospitals[i];
		if (h->settlement != ADJ_SETTLE_GLOBAL_BUDGET || (hospital && strcmp(hospital, h->code) != 0))
			continue;
		const adj_budget *b = NULL;
		for (size_t k = 0; k < cat->nbudgets; k++)
			if (cat->budgets[k].year == year && strcmp(cat->budgets[k].hospital, h->code) == 0)
				b = &cat->budgets[k];
		if (!b) {
			(*unsettled)++;
			continue;
		}
		sqlite3_reset(tot);
		sqlite3_bind_text(tot, 1, h->code, -1, SQLITE_STATIC);
		sqlite3_bind_int(tot, 2, year);
		int64_t total = sqlite3_step(tot) == SQLITE_ROW ? sqlite3_column_int64(tot, 0) : 0;
		adj_settle_result r;
		if (!adj_settlement_compute(&r, total, b)) {
			adj_diags_add(diags, "settle", 0, h->code, "arithmetic overflow");
			rc = ADJ_EDATA;
			goto done;
		}
		sqlite3_reset(ins);
		sqlite3_bind_int(ins, 1, year);
		sqlite3_bind_text(ins, 2, h->code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, total);
		sqlite3_bind_int64(ins, 4, b->budget);
		sqlite3_bind_int64(ins, 5, b->surplus_retain);
		sqlite3_bind_int64(ins, 6, b->overrun_share);
		sqlite3_bind_int64(ins, 7, b->overrun_limit);
		sqlite3_bind_int64(ins, 8, r.bonus);
		sqlite3_bind_int64(ins, 9, r.overrun);
		sqlite3_bind_int64(ins, 10, r.shared);
		sqlite3_bind_int64(ins, 11, r.absorbed);
		sqlite3_bind_int64(ins, 12, cat->version);
		sqlite3_bind_text(ins, 13, now, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = adj_db_fail(db, "recording a settlement");
			goto done;
		}
		(*settled)++;
	}
	rc = adj_db_commit(db);
done:
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	sqlite3_finalize(tot);
	if (rc) {
		adj_db_rollback(db);
		if (rc == ADJ_EIO)
			adj_diags_add(diags, "settle", 0, "", "%s", adj_db_errmsg(db));
	} else if (out) {
		adj_report_opts o = {ADJ_REPORT_SETTLEMENT, format, year, hospital, NULL, NULL, NULL, NULL};
		rc = run_report(db, cat, &o, out, diags);
	}
	adj_catalog_free(cat);
	return rc;
}
