/*
 * adjudicate.c - one batch, claim by claim, in the order of SPEC 5.
 *
 * The pipeline for each claim (each stage a module of its own):
 *   intake (XML -> adj_claim_raw) -> check (C01, C02, C11) -> the ledger
 *   checks C03-C10 here -> price (lines, L01-L23) -> single disease ->
 *   benefit (deductible, bands, relief, assistance) -> budget ->
 *   identity check -> ledger post -> remittance.
 *
 * Transactions: the whole batch is one BEGIN IMMEDIATE transaction,
 * committed only after the remittance is complete on disk; a refused batch
 * rolls everything back. A replacement runs inside a savepoint: its
 * original is voided first (so the replacement sees the accumulators
 * without it) and restored by ROLLBACK TO when the replacement is rejected.
 *
 * Memory: one arena per claim (strings, typed lines, per-claim hash tables),
 * reset after the claim is posted; catalog rows are read-only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "adjudicator.h"
#include "benefit/benefit.h"
#include "benefit/single_disease.h"
#include "catalog/catalog_index.h"
#include "catalog/catalog_store.h"
#include "catalog/members.h"
#include "intake/intake.h"
#include "ledger/ledger.h"
#include "remit/remittance.h"
#include "util/num.h"
#include "util/outfile.h"

/*
 * Whether an item code matches one of the item formats, remembered per code
 * for the batch: a batch names the same few thousand codes again and again,
 * and a regular-expression match costs more than the rest of a line's
 * pricing. Open addressing; emptied when three quarters full. Codes longer
 * than a slot holds are matched every time.
 */
enum { FORMAT_SLOTS = 1 << 12, FORMAT_CODE = 40 };

typedef struct format_memo {
	char code[FORMAT_CODE]; /* "" marks an empty slot */
	bool matches;
} format_memo;

/* What the parsing thread finds for a line before the engine thread takes
 * its claim: the hash of its code, whether the code has an item format, and
 * its catalog row at its date. All three depend on the line and the catalog
 * alone, and the catalog does not change during a batch. */
typedef struct tally tally; /* a key's slot in price_lines' tables */

typedef struct line_pre {
	const adj_item *row;
	uint64_t ch;
	bool format_ok;
} line_pre;

typedef struct engine {
	adj_db *db;
	adj_ledger *ledger;
	adj_catalog *cat;
	adj_item_index *items;
	const adj_hospital *hospital;
	adj_remit *remit;
	adj_batch_summary *summary;
	const char *display;
	char adjudicated[32];
	int64_t batch_row;
	adj_totals totals;
	int fd;                /* the batch, for progress */
	uint64_t size;
	adj_arena work;        /* per-claim scratch beyond the intake's arena */
	adj_member member;     /* the current claim's member */
	adj_target target;     /* the current claim's target, if any */
	int internal_error;    /* an identity broke: ADJ_EINTERNAL */
	char internal_msg[300];
	const line_pre *pre;   /* the current claim's lines as prepared, or NULL */
	const adj_verdict *codes; /* its C11 as prepared (code ADJ_R_COUNT: passed), or NULL */
	tally *tallies;        /* price_lines' two tables, ntallies slots in all */
	size_t ntallies;
	uint32_t tally_gen;
	format_memo *formats;  /* the parsing thread's, FORMAT_SLOTS */
	size_t nformats;
	adj_pattern_scratch *scratch; /* the parsing thread's match data; with formats, or
	                               * neither (the engine thread prepares then) */
} engine;

/* ---- small helpers -------------------------------------------------------- */

static const char *
fmt(adj_arena *a, const char *f, ...) __attribute__((format(printf, 2, 3)));

static const char *
fmt(adj_arena *a, const char *f, ...)
{
	char b[512];
	va_list ap;
	va_start(ap, f);
	vsnprintf(b, sizeof b, f, ap);
	va_end(ap);
	const char *s = adj_arena_strndup(a, b, strlen(b));
	return s ? s : "";
}

static const char *
fen_str(adj_arena *a, adj_fen v)
{
	char b[ADJ_FEN_TEXT];
	adj_fen_format(v, b);
	return fmt(a, "%s", b);
}

static bool
in_period(adj_date d, adj_date from, adj_date to)
{
	return from != ADJ_DATE_NONE && from <= d && (to == ADJ_DATE_NONE || d <= to);
}

static bool
scheme_allowed(const char *list, const char *scheme)
{
	if (strcmp(list, "*") == 0)
		return true;
	size_t n = strlen(scheme);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, scheme, n) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

static const adj_budget *
budget_for(const adj_catalog *cat, const char *hospital, int year)
{
	for (size_t i = 0; i < cat->nbudgets; i++)
		if (cat->budgets[i].year == year && strcmp(cat->budgets[i].hospital, hospital) == 0)
			return &cat->budgets[i];
	return NULL;
}

/* SPEC 4.1: exactly one benefit matches (import guarantees at most one). */
static const adj_benefit *
find_rule(const adj_policy *p, const char *scheme, int year, int type, const char *category,
          int tier)
{
	for (size_t i = 0; i < p->nbenefits; i++) {
		const adj_benefit *b = &p->benefits[i];
		if (b->year == year && b->claim_type == type && strcmp(b->scheme, scheme) == 0 &&
		    (strcmp(b->category, "*") == 0 || strcmp(b->category, category) == 0) &&
		    (b->tier == 0 || b->tier == tier))
			return b;
	}
	return NULL;
}

static void
claim_reason(adj_outcome *o, adj_reason code, const char *value)
{
	if (o->nreasons < ADJ_CLAIM_MAX_REASONS) {
		o->reasons[o->nreasons].code = code;
		o->reasons[o->nreasons].value = value;
		o->nreasons++;
	}
}

/* ---- rejection ------------------------------------------------------------ */

/* SPEC 4.6: a claim rejected by a C reason lists every item rejected,
 * billed = rejected = its amount (0 where unreadable); under C12 each item
 * keeps the line reason that rejected it. */
static void
reject(engine *E, adj_outcome *o, adj_reason code, const char *value)
{
	adj_claim *c = &o->claim;
	adj_arena *a = c->raw->arena;

	o->status = ADJ_ST_REJECTED;
	o->c_reason = code;
	o->c_value = adj_arena_strndup(a, value, strlen(value));
	if (!o->c_value)
		o->c_value = "";
	snprintf(o->method, sizeof o->method, "fee-for-service");
	o->sd = NULL;
	o->counted = false;
	o->nreasons = 0;
	o->budget = -1;
	memset(o->amt, 0, sizeof o->amt);
	if (c->kind == ADJ_KIND_VOID) {
		o->lines = NULL;
		return;
	}
	bool keep = code == ADJ_R_C12 && o->lines;
	if (!o->lines)
		o->lines = adj_arena_alloc(&E->work, (c->nlines ? c->nlines : 1) * sizeof *o->lines);
	if (!o->lines) {
		c->nlines = 0;
		return;
	}
	for (size_t i = 0; i < c->nlines; i++) {
		adj_line_result *lr = &o->lines[i];
		size_t nr = keep ? lr->nreasons : 0;
		adj_reason_rec rs[ADJ_LINE_MAX_REASONS];
		memcpy(rs, lr->reasons, sizeof rs);
		memset(lr, 0, sizeof *lr);
		lr->status = ADJ_ST_REJECTED;
		lr->billed = lr->rejected = c->lines[i].amount;
		lr->nreasons = nr;
		memcpy(lr->reasons, rs, sizeof rs);
		o->amt[ADJ_AMT_BILLED] += lr->billed; /* bounded: ADJ_MAX_ITEMS x ADJ_FEN_MAX */
	}
	o->amt[ADJ_AMT_REJECTED] = o->amt[ADJ_AMT_BILLED];
}

/* ---- lines (SPEC 5.2) ----------------------------------------------------- */

struct tally {
	uint64_t h;
	adj_milli allowed;
	uint32_t line;    /* a line with this key */
	uint32_t gen;     /* in use when it is the claim's generation (engine.tally_gen) */
};

/* FNV-1a of a line's code (the item index's hash): once per line, for the
 * index, the format memo and both of its tally keys. */
static uint64_t
code_hash(const char *s)
{
	return adj_item_code_hash(s, strlen(s));
}

static uint64_t
key_hash(const adj_line *l, uint64_t ch, bool with_qty_price)
{
	uint64_t h = ch ^ (uint64_t)(uint32_t)l->date * UINT64_C(0x9E3779B97F4A7C15);
	if (with_qty_price)
		h ^= ((uint64_t)l->qty * 31 + (uint64_t)l->price) * UINT64_C(0xC2B2AE3D27D4EB4F);
	return h ? h : 1;
}

/* Find (or insert) the slot of l's key in t (n slots, a power of two, those
 * of generation gen in use). Keys: code and date, plus qty and price when
 * dup is set; ch is the hash of l's code (code_hash). */
static tally *
tally_slot(tally *t, size_t n, uint32_t gen, const adj_line *lines, size_t li, uint64_t ch, bool dup)
{
	const adj_line *l = &lines[li];
	uint64_t h = key_hash(l, ch, dup);
	for (size_t j = h & (n - 1);; j = (j + 1) & (n - 1)) {
		tally *s = &t[j];
		if (s->gen != gen) {
			s->gen = gen;
			s->h = h;
			s->line = (uint32_t)li;
			s->allowed = 0;
			return s;
		}
		const adj_line *o = &lines[s->line];
		if (s->h == h && o->date == l->date && strcmp(o->raw->code, l->raw->code) == 0 &&
		    (!dup || (o->qty == l->qty && o->price == l->price)))
			return s;
	}
}

/* scratch: the parsing thread's, or NULL in the engine thread */
static bool
match_item_format(const adj_policy *p, adj_pattern_scratch *scratch, const char *code, size_t n)
{
	static const int kinds[] = {ADJ_FMT_DRUG, ADJ_FMT_SERVICE, ADJ_FMT_MATERIAL};
	for (int k = 0; k < 3; k++)
		if (adj_pattern_match_in(p->format[kinds[k]], scratch, code, n) == ADJ_PATTERN_MATCH)
			return true;
	return false;
}

/* memo and scratch: the parsing thread's; both NULL in the engine thread
 * (match every time, with the patterns' own match data). h: code_hash. */
static bool
code_has_item_format(format_memo *memo, size_t *nmemo, adj_pattern_scratch *scratch,
                     const adj_policy *policy, const char *code, size_t n, uint64_t h)
{
	if (!memo || n == 0 || n >= FORMAT_CODE)
		return match_item_format(policy, scratch, code, n);
	size_t j = (size_t)h & (FORMAT_SLOTS - 1);
	while (memo[j].code[0] && strcmp(memo[j].code, code) != 0)
		j = (j + 1) & (FORMAT_SLOTS - 1);
	format_memo *m = &memo[j];
	if (m->code[0])
		return m->matches;
	bool matches = match_item_format(policy, scratch, code, n);
	if (*nmemo >= FORMAT_SLOTS / 4 * 3) { /* full: start again */
		memset(memo, 0, FORMAT_SLOTS * sizeof *memo);
		*nmemo = 0;
		return matches;
	}
	memcpy(m->code, code, n + 1);
	m->matches = matches;
	(*nmemo)++;
	return matches;
}

/* Price every line; false when some price() overflowed past step 1 (C13). */
static bool
price_lines(engine *E, adj_outcome *o)
{
	adj_claim *c = &o->claim;
	adj_arena *a = c->raw->arena;
	size_t n = 16;
	while (n < c->nlines * 2)
		n *= 2;
	/* the two tables live from claim to claim: a new generation empties
	 * them without clearing (a 300-line claim's took 48 KB of memset) */
	if (2 * n > E->ntallies) {
		free(E->tallies);
		E->tallies = calloc(2 * n, sizeof *E->tallies);
		E->ntallies = E->tallies ? 2 * n : 0;
		E->tally_gen = 0;
	}
	o->lines = adj_arena_alloc(&E->work, (c->nlines ? c->nlines : 1) * sizeof *o->lines);
	if (!E->tallies || !o->lines)
		return false;
	if (++E->tally_gen == 0) {
		memset(E->tallies, 0, E->ntallies * sizeof *E->tallies);
		E->tally_gen = 1;
	}
	uint32_t gen = E->tally_gen;
	tally *dups = E->tallies, *daily = E->tallies + n;

	adj_price_ctx ctx = {E->hospital->tier, c, E->member.sex, adj_age(E->member.birth, c->service),
	                     a};
	for (size_t i = 0; i < c->nlines; i++) {
		const adj_line *l = &c->lines[i];
		adj_line_result *r = &o->lines[i];
		adj_fen p;
		char b[ADJ_FEN_TEXT];

		/* step 1: rejected whole */
		const line_pre *pre = E->pre ? &E->pre[i] : NULL;
		if (!(pre ? pre->format_ok
		          : code_has_item_format(NULL, NULL, NULL, &E->cat->policy, l->raw->code,
		                                 strlen(l->raw->code), 0))) {
			adj_price_reject(r, l, ADJ_R_L01, l->raw->code, a);
			continue;
		}
		if (!adj_price(l->qty, l->price, &p)) {
			adj_price_reject(r, l, ADJ_R_L02, "overflow", a);
			continue;
		}
		if (p != l->amount) {
			adj_fen_format(p, b);
			adj_price_reject(r, l, ADJ_R_L02, b, a);
			continue;
		}
		bool in_stay = c->type == ADJ_CT_INPATIENT
		                   ? (l->date >= c->admitted && l->date <= c->discharged)
		                   : l->date == c->visit;
		if (!in_stay) {
			adj_price_reject(r, l, ADJ_R_L03,
			                 c->type == ADJ_CT_INPATIENT
			                     ? fmt(a, "%s..%s", c->raw->admitted, c->raw->discharged)
			                     : c->raw->visit,
			                 a);
			continue;
		}
		uint64_t ch = pre ? pre->ch : code_hash(l->raw->code);
		tally *d = tally_slot(dups, n, gen, c->lines, i, ch, true);
		if (d->line != i) {
			adj_price_reject(r, l, ADJ_R_L04, c->lines[d->line].raw->seq, a);
			continue;
		}
		/* steps 2-7 */
		const adj_item *row =
		    pre ? pre->row
		        : adj_item_index_find(E->items, l->raw->code, strlen(l->raw->code), l->date);
		tally *t = tally_slot(daily, n, gen, c->lines, i, ch, false);
		if (!adj_price_line(r, l, row, t->allowed, &ctx))
			return false;
		t->allowed += r->allowed_qty;
	}
	return true;
}

/* ---- the claim checks of SPEC 5.1 that need the registry or the ledger ---- */

typedef struct verdict {
	adj_reason code;
	const char *value;
} verdict;

/* C03-C06 for a claim or replacement (C03 only for a void request). */
static int
check_member(engine *E, adj_outcome *o, verdict *v, bool void_request)
{
	adj_claim *c = &o->claim;
	adj_arena *a = c->raw->arena;
	bool found;
	int rc = adj_ledger_member(E->ledger, c->member.id, &E->member, a, &found);
	if (rc)
		return rc;
	if (!found) {
		*v = (verdict){ADJ_R_C03, c->member.id};
		return 0;
	}
	o->member = &E->member;
	if (void_request)
		return 0;
	char b1[ADJ_DATE_TEXT], b2[ADJ_DATE_TEXT];
	const adj_member *m = &E->member;
	if (c->service < m->enrolled_from ||
	    (m->enrolled_to != ADJ_DATE_NONE && c->service > m->enrolled_to)) {
		adj_date_format(m->enrolled_from, b1);
		adj_date_format(m->enrolled_to, b2);
		*v = (verdict){ADJ_R_C04, fmt(a, "%s..%s", b1, b2)};
		return 0;
	}
	if (m->paid_through != ADJ_DATE_NONE && c->service > m->paid_through) {
		adj_date_format(m->paid_through, b1);
		*v = (verdict){ADJ_R_C05, fmt(a, "%s", b1)};
		return 0;
	}
	const adj_hospital *h = E->hospital;
	if (!in_period(c->service, h->designated_from, h->designated_to)) {
		adj_date_format(h->designated_from, b1);
		adj_date_format(h->designated_to, b2);
		*v = (verdict){ADJ_R_C06, fmt(a, "%s..%s", b1, b2)};
		return 0;
	}
	if (!scheme_allowed(h->schemes, m->scheme)) {
		*v = (verdict){ADJ_R_C06, fmt(a, "%s not in %s", m->scheme, h->schemes)};
		return 0;
	}
	return 0;
}

/* C09: the claim a replacement or void request names. */
static int
check_target(engine *E, adj_outcome *o, verdict *v, bool *have_target)
{
	adj_claim *c = &o->claim;
	adj_arena *a = c->raw->arena;
	adj_target *t = &E->target;
	bool found, elsewhere;
	*have_target = false;
	int rc = adj_ledger_target(E->ledger, E->hospital->code, c->target, t, &found, &elsewhere);
	if (rc)
		return rc;
	if (!found) {
		*v = (verdict){ADJ_R_C09, fmt(a, "%s: %s", c->target,
		                              elsewhere ? "a claim of another hospital" : "unknown claim")};
		return 0;
	}
	*have_target = true;
	if (strcmp(t->kind, "void") == 0)
		*v = (verdict){ADJ_R_C09, fmt(a, "%s: a void request", c->target)};
	else if (t->voided)
		*v = (verdict){ADJ_R_C09, fmt(a, "%s: already voided", c->target)};
	else if (c->kind == ADJ_KIND_VOID && strcmp(t->member, c->member_text) != 0)
		*v = (verdict){ADJ_R_C09, fmt(a, "%s: member %s", c->target, t->member)};
	else if (c->kind == ADJ_KIND_REPLACEMENT && strcmp(t->status, "rejected") != 0 &&
	         strcmp(t->member, c->member_text) != 0)
		*v = (verdict){ADJ_R_C09, fmt(a, "%s: member %s", c->target, t->member)};
	return 0;
}

/* ---- posting ---------------------------------------------------------------- */

/*
 * Does a rejected claim hold its id? SPEC 5.1: a claim rejected with C07
 * does not ("the id belongs to the earlier claim"), nor (5.6) does a
 * rejected replacement that reuses its original's id. The first rule is
 * applied to every rejected claim whose id a live claim of the hospital
 * already holds, whatever rejected it (C01-C06 come before C07): recording
 * a second live claim under one id would make later voids and replacements
 * of that id ambiguous. Such rows stay in the ledger with recorded = 0.
 */
static int
settle_record(engine *E, adj_outcome *o)
{
	const adj_claim_raw *raw = o->claim.raw;
	bool used, found, elsewhere;
	int rc;

	if (o->status != ADJ_ST_REJECTED || !o->record || !adj_claim_id_ok(raw->id))
		return 0;
	if (raw->replaces && !raw->voids && strcmp(raw->id, raw->replaces) == 0) {
		if ((rc = adj_ledger_target(E->ledger, E->hospital->code, raw->id, &E->target, &found,
		                            &elsewhere)))
			return rc;
		if (found)
			o->record = false;
		return 0;
	}
	if ((rc = adj_ledger_id_used(E->ledger, E->hospital->code, raw->id, 0, &used)))
		return rc;
	if (used)
		o->record = false;
	return 0;
}

/* Record the outcome (unless already posted), write it to the remittance and
 * count it in the totals. `voided` is the claim a void request voided. */
static int
finish(engine *E, adj_outcome *o, const adj_target *voided)
{
	int rc;
	if (!o->row && ((rc = settle_record(E, o)) ||
	                (rc = adj_ledger_post(E->ledger, E->batch_row, E->hospital->code, o))))
		return rc;
	if ((rc = adj_remit_claim(E->remit, o, voided)))
		return rc;
	if (!adj_totals_add(&E->totals, o)) {
		snprintf(E->internal_msg, sizeof E->internal_msg, "batch totals overflow int64");
		return ADJ_EDATA;
	}
	return 0;
}

/* A void request (SPEC 5.1, 5.6). */
static int
adjudicate_void(engine *E, adj_outcome *o)
{
	verdict v = {ADJ_R_COUNT, NULL};
	bool used, have_target;
	int rc;

	if ((rc = check_member(E, o, &v, true)))
		return rc;
	if (v.code == ADJ_R_COUNT) {
		if ((rc = adj_ledger_id_used(E->ledger, E->hospital->code, o->claim.raw->id, 0, &used)))
			return rc;
		if (used) {
			v = (verdict){ADJ_R_C07, o->claim.raw->id};
			o->record = false;
		}
	}
	if (v.code == ADJ_R_COUNT && (rc = check_target(E, o, &v, &have_target)))
		return rc;
	if (v.code != ADJ_R_COUNT) {
		reject(E, o, v.code, v.value);
		return finish(E, o, NULL);
	}
	o->status = ADJ_ST_VOIDED;
	o->target_row = E->target.row;
	snprintf(o->method, sizeof o->method, "%s", E->target.method);
	memcpy(o->amt, E->target.amt, sizeof o->amt);
	if ((rc = adj_ledger_post(E->ledger, E->batch_row, E->hospital->code, o)) ||
	    (rc = adj_ledger_reverse(E->ledger, &E->target)) ||
	    (rc = adj_ledger_mark_voided(E->ledger, E->target.row, o->row)))
		return rc;
	return finish(E, o, &E->target);
}

/* Everything after the checks: lines, single disease, benefit, budget. The
 * returned verdict is C10-C13 or none. */
static int
adjudicate_money(engine *E, adj_outcome *o, verdict *v, int forced_kind)
{
	adj_claim *c = &o->claim;
	adj_arena *a = c->raw->arena;
	const adj_member *m = &E->member;
	int rc;

	/* C10: the benefit rule */
	o->rule = find_rule(&E->cat->policy, m->scheme, c->year, c->type, m->category,
	                    E->hospital->tier);
	if (!o->rule) {
		*v = (verdict){ADJ_R_C10, fmt(a, "%s %d %s %s tier %d", m->scheme, c->year,
		                              adj_claim_type_name[c->type], m->category, E->hospital->tier)};
		return 0;
	}
	o->group = &E->cat->policy.groups[o->rule->group];
	/* C11 */
	adj_verdict cv;
	const adj_verdict *codes = E->codes;
	if (!codes)
		codes = adj_claim_codes_ok(c, &E->cat->policy, NULL, &cv) ? NULL : &cv;
	else if (codes->code == ADJ_R_COUNT)
		codes = NULL;
	if (codes) {
		*v = (verdict){codes->code, fmt(a, "%s", codes->value)};
		return 0;
	}
	for (size_t i = 0; i < c->raw->ndx; i++)
		if (c->raw->dx[i].primary && adj_xs_boolean(c->raw->dx[i].primary) == 1)
			c->primary = (int)i;
	/* lines */
	if (!price_lines(E, o)) {
		*v = (verdict){ADJ_R_C13, "price"};
		return 0;
	}
	/* C12 */
	bool any = false;
	for (size_t i = 0; i < c->nlines && !any; i++)
		any = o->lines[i].status != ADJ_ST_REJECTED;
	if (!any) {
		*v = (verdict){ADJ_R_C12, fmt(a, "%zu", c->nlines)};
		return 0;
	}
	/* the claim's sums are those of its lines */
	adj_fen *amt = o->amt;
	bool ok = true;
	o->status = ADJ_ST_ACCEPTED;
	for (size_t i = 0; i < c->nlines; i++) {
		const adj_line_result *r = &o->lines[i];
		ok = ok && adj_add(amt[ADJ_AMT_BILLED], r->billed, &amt[ADJ_AMT_BILLED]) &&
		     adj_add(amt[ADJ_AMT_REJECTED], r->rejected, &amt[ADJ_AMT_REJECTED]) &&
		     adj_add(amt[ADJ_AMT_SELF_PAY], r->self_pay, &amt[ADJ_AMT_SELF_PAY]) &&
		     adj_add(amt[ADJ_AMT_OVER_CAP], r->over_cap, &amt[ADJ_AMT_OVER_CAP]) &&
		     adj_add(amt[ADJ_AMT_FIRST_PAY], r->first_pay, &amt[ADJ_AMT_FIRST_PAY]) &&
		     adj_add(amt[ADJ_AMT_IN_POLICY], r->in_policy, &amt[ADJ_AMT_IN_POLICY]);
		if (r->billed != r->rejected + r->self_pay + r->over_cap + r->first_pay + r->in_policy) {
			E->internal_error = ADJ_EINTERNAL;
			snprintf(E->internal_msg, sizeof E->internal_msg,
			         "claim %s line %zu breaks amount = rejected + self-pay + over-cap + "
			         "first-pay + in-policy",
			         c->raw->id, i + 1);
		}
		for (size_t k = 0; k < r->nreasons; k++)
			if (adj_reason_is_line_problem(r->reasons[k].code))
				o->status = ADJ_ST_ADJUSTED;
	}
	if (!ok) {
		*v = (verdict){ADJ_R_C13, "claim sums"};
		return 0;
	}

	/* SPEC 5.3: single disease */
	bool limit_hit;
	adj_fen base = amt[ADJ_AMT_IN_POLICY];
	o->sd = adj_single_disease_match(E->cat, E->hospital, c, &limit_hit);
	if (o->sd) {
		base = o->sd->standard;
		amt[ADJ_AMT_VARIANCE] = amt[ADJ_AMT_IN_POLICY] - o->sd->standard;
		snprintf(o->method, sizeof o->method, "single-disease:%s", o->sd->code);
	} else {
		snprintf(o->method, sizeof o->method, "fee-for-service");
	}

	/* SPEC 5.4: benefit */
	adj_benefit_in in;
	memset(&in, 0, sizeof in);
	in.base = base;
	in.rule = o->rule;
	in.group = o->group;
	in.forced_kind = forced_kind;
	in.relief_eligible = o->relief_ok = in_period(c->service, m->relief_from, m->relief_to);
	in.assist_eligible = o->assist_ok = in_period(c->service, m->assist_from, m->assist_to);
	if ((rc = adj_ledger_accum_get(E->ledger, m->id, m->scheme, c->year, o->group->code,
	                               &in.before)))
		return rc;
	o->before = in.before;
	adj_accum after = in.before;
	if (!adj_benefit_compute(&in, &o->ben) || !adj_accum_apply(&after, &o->ben)) {
		*v = (verdict){ADJ_R_C13, "benefit"};
		return 0;
	}
	const adj_benefit_out *b = &o->ben;
	amt[ADJ_AMT_DEDUCTIBLE] = b->d;
	amt[ADJ_AMT_COINSURANCE] = b->coins;
	amt[ADJ_AMT_POOL] = b->fund;
	amt[ADJ_AMT_OVER_POOL] = b->over;
	amt[ADJ_AMT_RELIEF] = b->relief;
	amt[ADJ_AMT_ASSISTANCE] = b->assist;
	adj_fen patient;
	ok = adj_add(amt[ADJ_AMT_SELF_PAY], amt[ADJ_AMT_OVER_CAP], &patient) &&
	     adj_add(patient, amt[ADJ_AMT_FIRST_PAY], &patient) && adj_add(patient, b->d, &patient) &&
	     adj_add(patient, b->coins, &patient) && adj_add(patient, b->over, &patient);
	if (!ok) {
		*v = (verdict){ADJ_R_C13, "patient"};
		return 0;
	}
	amt[ADJ_AMT_PATIENT] = patient - b->relief - b->assist;

	/* SPEC 5.5: global budget */
	adj_fen hpool, hwithheld, total_after;
	if ((rc = adj_ledger_hospital_get(E->ledger, E->hospital->code, c->year, &hpool, &hwithheld)))
		return rc;
	if (!adj_add(hpool, b->fund, &total_after)) {
		*v = (verdict){ADJ_R_C13, "hospital pool total"};
		return 0;
	}
	o->hospital_pool_before = hpool;
	o->budget = -1;
	const adj_budget *bud = NULL;
	if (E->hospital->settlement == ADJ_SETTLE_GLOBAL_BUDGET) {
		bud = budget_for(E->cat, E->hospital->code, c->year);
		if (bud) {
			o->budget = bud->budget;
			amt[ADJ_AMT_WITHHELD] = adj_withheld(b->fund, total_after, bud->budget);
		}
	}

	/* SPEC 5.4: the identity, on every claim before it is recorded */
	adj_fen rhs = amt[ADJ_AMT_REJECTED] + amt[ADJ_AMT_PATIENT] + amt[ADJ_AMT_POOL] +
	              amt[ADJ_AMT_RELIEF] + amt[ADJ_AMT_ASSISTANCE] + amt[ADJ_AMT_VARIANCE];
	if (amt[ADJ_AMT_BILLED] != rhs) {
		E->internal_error = ADJ_EINTERNAL;
		snprintf(E->internal_msg, sizeof E->internal_msg,
		         "claim %s breaks billed = rejected + patient + pool + relief + assistance + "
		         "hospital-variance (%lld != %lld)",
		         c->raw->id, (long long)amt[ADJ_AMT_BILLED], (long long)rhs);
	}
	if (E->internal_error)
		return E->internal_error;

	/* claim reasons, in code order */
	if (b->d > 0)
		claim_reason(o, ADJ_R_A01, fen_str(a, b->deductible_standard));
	if (b->coins > 0)
		claim_reason(o, ADJ_R_A02, fen_str(a, o->before.pos));
	if (b->over > 0)
		claim_reason(o, ADJ_R_A03, fen_str(a, o->group->pool_cap));
	if (b->relief > 0)
		claim_reason(o, ADJ_R_A04, fen_str(a, o->before.relief));
	if (b->relief_capped)
		claim_reason(o, ADJ_R_A05, fen_str(a, o->group->relief_cap));
	if (b->assist > 0)
		claim_reason(o, ADJ_R_A06, fen_str(a, o->before.assist));
	if (o->sd)
		claim_reason(o, ADJ_R_A07, fen_str(a, o->sd->standard));
	if (bud && amt[ADJ_AMT_WITHHELD] > 0)
		claim_reason(o, ADJ_R_A08, fen_str(a, bud->budget));
	if (E->hospital->settlement == ADJ_SETTLE_GLOBAL_BUDGET && !bud)
		claim_reason(o, ADJ_R_W01, fmt(a, "%d", c->year));

	/* update the accumulators and the hospital's pool total */
	o->counted = true;
	if ((rc = adj_ledger_accum_put(E->ledger, m->id, m->scheme, c->year, o->group->code, &after)) ||
	    (rc = adj_ledger_hospital_put(E->ledger, E->hospital->code, c->year, total_after,
	                                  hwithheld + amt[ADJ_AMT_WITHHELD])))
		return rc;
	return 0;
}

/* A claim or a replacement. */
static int
adjudicate_claim(engine *E, adj_outcome *o)
{
	adj_claim *c = &o->claim;
	adj_arena *a = c->raw->arena;
	verdict v = {ADJ_R_COUNT, NULL};
	bool have_target = false, used, overlap, in_savepoint = false;
	int rc, forced_kind = -1;
	char other[160];

	if ((rc = check_member(E, o, &v, false)))
		return rc;
	/* the claim a replacement names: looked up now, since C07 and C08 see
	 * it as already voided */
	verdict tv = {ADJ_R_COUNT, NULL};
	if (v.code == ADJ_R_COUNT && c->kind == ADJ_KIND_REPLACEMENT &&
	    (rc = check_target(E, o, &tv, &have_target)))
		return rc;
	int64_t except = have_target && !E->target.voided ? E->target.row : 0;
	if (v.code == ADJ_R_COUNT) {
		if ((rc = adj_ledger_id_used(E->ledger, E->hospital->code, c->raw->id, except, &used)))
			return rc;
		if (used) {
			v = (verdict){ADJ_R_C07, c->raw->id};
			o->record = false;
		}
	}
	if (v.code == ADJ_R_COUNT && c->type == ADJ_CT_INPATIENT) {
		if ((rc = adj_ledger_stay_overlap(E->ledger, c->member_text, c->admitted, c->stay_end,
		                                  except, &overlap, other)))
			return rc;
		if (overlap)
			v = (verdict){ADJ_R_C08, fmt(a, "%s", other)};
	}
	if (v.code == ADJ_R_COUNT && c->kind == ADJ_KIND_REPLACEMENT && tv.code != ADJ_R_COUNT)
		v = tv;
	if (v.code == ADJ_R_COUNT && c->kind == ADJ_KIND_REPLACEMENT) {
		/* SPEC 5.6: void the original first, inside a savepoint */
		if ((rc = adj_ledger_savepoint(E->ledger)))
			return rc;
		in_savepoint = true;
		if ((rc = adj_ledger_reverse(E->ledger, &E->target)))
			return rc;
		o->target_row = E->target.row;
		if (strcmp(E->target.status, "rejected") != 0 && E->target.counted) {
			if (strcmp(E->target.ded_kind, "first") == 0)
				forced_kind = ADJ_DED_FIRST;
			else if (strcmp(E->target.ded_kind, "repeat") == 0)
				forced_kind = ADJ_DED_REPEAT;
		}
	}
	if (v.code == ADJ_R_COUNT && (rc = adjudicate_money(E, o, &v, forced_kind)))
		return rc;
	if (v.code != ADJ_R_COUNT) {
		if (in_savepoint && (rc = adj_ledger_rollback_to(E->ledger)))
			return rc;
		o->target_row = 0;
		reject(E, o, v.code, v.value);
		return finish(E, o, NULL);
	}
	if ((rc = adj_ledger_post(E->ledger, E->batch_row, E->hospital->code, o)))
		return rc;
	if (in_savepoint && ((rc = adj_ledger_mark_voided(E->ledger, E->target.row, o->row)) ||
	                     (rc = adj_ledger_release(E->ledger))))
		return rc;
	return finish(E, o, NULL);
}

/* A claim typed in the parsing thread (SPEC 5.1's C01 and C02 depend on
 * its text alone). */
typedef struct prepared {
	adj_claim claim;
	adj_verdict v;
	bool ok;
	/* when ok, not a void request, and the parsing thread has its own match
	 * data; else NULL and the engine thread decides them */
	line_pre *lines;
	adj_verdict *codes;
} prepared;

/* Called in the parsing thread: it may read the catalog and the item index,
 * match patterns through its scratch, use its format memo, and write
 * nothing else of E. */
static void
on_prepare(void *vE, adj_claim_raw *raw)
{
	engine *E = vE;
	prepared *p = adj_arena_alloc(raw->arena, sizeof *p);
	if (!p)
		return; /* the engine thread types it then, and says what is wrong */
	p->ok = adj_claim_parse(&p->claim, raw, &p->v);
	p->lines = NULL;
	p->codes = NULL;
	const adj_claim *c = &p->claim;
	if (!p->ok || c->kind == ADJ_KIND_VOID || !E->scratch)
		goto done;
	if ((p->codes = adj_arena_alloc(raw->arena, sizeof *p->codes)) &&
	    adj_claim_codes_ok(c, &E->cat->policy, E->scratch, p->codes))
		p->codes->code = ADJ_R_COUNT;
	if (c->nlines && (p->lines = adj_arena_alloc(raw->arena, c->nlines * sizeof *p->lines)))
		for (size_t i = 0; i < c->nlines; i++) {
			const adj_line *l = &c->lines[i];
			if (!l->raw->code) { /* not when ok: left to the engine thread */
				p->lines = NULL;
				break;
			}
			size_t n = strlen(l->raw->code);
			uint64_t h = adj_item_code_hash(l->raw->code, n);
			p->lines[i] = (line_pre){
			    adj_item_index_find_hashed(E->items, l->raw->code, n, h, l->date), h,
			    code_has_item_format(E->formats, &E->nformats, E->scratch, &E->cat->policy,
			                         l->raw->code, n, h)};
		}
done:
	raw->prepared = p;
}

static int
on_claim(void *vE, adj_claim_raw *raw)
{
	engine *E = vE;
	adj_outcome o;
	adj_verdict v;

	if ((raw->index & 255) == 0 && E->db->progress) {
		off_t at = lseek(E->fd, 0, SEEK_CUR);
		adj_db_progress(E->db, "claims", at > 0 ? (uint64_t)at : 0, E->size, raw->index);
	}
	if ((raw->index & 1023) == 1023)
		adj_db_writeback(E->db); /* the WAL on its way to the disk before the commit */
	adj_arena_reset(&E->work);
	memset(&o, 0, sizeof o);
	o.c_reason = ADJ_R_COUNT;
	o.record = true;
	o.budget = -1;
	snprintf(o.method, sizeof o.method, "fee-for-service");
	const prepared *p = raw->prepared;
	bool ok;
	E->pre = p ? p->lines : NULL;
	E->codes = p ? p->codes : NULL;
	if (p) {
		o.claim = p->claim;
		v = p->v;
		ok = p->ok;
	} else {
		ok = adj_claim_parse(&o.claim, raw, &v);
	}
	if (!ok) {
		reject(E, &o, v.code, v.value);
		return finish(E, &o, NULL);
	}
	if (o.claim.kind == ADJ_KIND_VOID)
		return adjudicate_void(E, &o);
	return adjudicate_claim(E, &o);
}

/* ---- the batch ------------------------------------------------------------ */

static int
on_header(void *vE, const adj_batch_header *h, adj_batch_error *err)
{
	engine *E = vE;
	int rc;

	err->line = h->line;
	err->column = h->column;
	err->code = ADJ_R_B02;
	if (!h->id || !adj_claim_id_ok(h->id)) {
		snprintf(err->message, sizeof err->message,
		         "batch id \"%.80s%s\" is not 1-64 characters without control characters",
		         h->id ? h->id : "", h->id && strlen(h->id) > 80 ? "..." : "");
		return ADJ_EDATA;
	}
	const adj_pattern *hf = E->cat->policy.format[ADJ_FMT_HOSPITAL];
	if (!h->hospital || adj_pattern_match(hf, h->hospital, strlen(h->hospital)) != ADJ_PATTERN_MATCH) {
		snprintf(err->message, sizeof err->message,
		         "hospital %.64s does not match the hospital code format",
		         h->hospital ? h->hospital : "missing:");
		return ADJ_EDATA;
	}
	if (!h->created || !adj_xs_datetime_ok(h->created)) {
		snprintf(err->message, sizeof err->message, "created %.64s is not an xs:dateTime",
		         h->created ? h->created : "missing:");
		return ADJ_EDATA;
	}
	E->hospital = adj_catalog_hospital(E->cat, h->hospital);
	if (!E->hospital) {
		err->code = ADJ_R_B03;
		snprintf(err->message, sizeof err->message, "hospital %s is not in the catalog", h->hospital);
		return ADJ_EDATA;
	}
	bool seen;
	char when[32];
	if ((rc = adj_ledger_batch_seen(E->ledger, h->hospital, h->id, &seen, when)))
		return rc;
	if (seen) {
		err->code = ADJ_R_B04;
		snprintf(err->message, sizeof err->message,
		         "batch %.80s of hospital %s was already adjudicated on %.10s", h->id, h->hospital,
		         when);
		return ADJ_EDATA;
	}
	if ((rc = adj_ledger_batch_insert(E->ledger, h->hospital, h->id, h->created, E->adjudicated,
	                                  E->cat->version, E->display, &E->batch_row)))
		return rc;
	if (E->summary) {
		snprintf(E->summary->batch_id, sizeof E->summary->batch_id, "%s", h->id);
		snprintf(E->summary->hospital, sizeof E->summary->hospital, "%s", h->hospital);
	}
	return adj_remit_begin(E->remit, h->id, h->hospital, E->adjudicated);
}

static void
format_now(long long now, char out[32])
{
	if (now < 0) {
		const char *sde = getenv("SOURCE_DATE_EPOCH");
		char *end;
		errno = 0;
		long long v = sde && *sde ? strtoll(sde, &end, 10) : -1;
		now = (sde && *sde && errno == 0 && *end == '\0' && v >= 0) ? v : (long long)time(NULL);
	}
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
adj_adjudicate(adj_batch_summary *summary, adj_db *db, const char *path,
               const adj_adjudicate_opts *opts, adj_diags *diags)
{
	engine E;
	adj_batch_error berr;
	adj_outfile tmp = {-1, "", NULL};
	int fd = -1, rc;
	bool in_tx = false;
	const char *display = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	memset(&E, 0, sizeof E);
	if (summary)
		memset(summary, 0, sizeof *summary);
	E.db = db;
	E.summary = summary;
	E.display = display;
	adj_arena_init(&E.work, 256u * 1024 * 1024);
	format_now(opts->now, E.adjudicated);
	if (summary)
		snprintf(summary->adjudicated, sizeof summary->adjudicated, "%s", E.adjudicated);

	struct stat st;
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		adj_diags_add(diags, path, 0, "", "%s",
		              fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return ADJ_ENOINPUT;
	}
	E.fd = fd;
	E.size = (uint64_t)st.st_size;
	if (adj_outfile_open(&tmp, opts->output) != 0) {
		adj_diags_add(diags, opts->output ? opts->output : "remittance", 0, "", "cannot create: %s",
		              strerror(errno));
		rc = ADJ_ECANTCREATE;
		goto done;
	}
	if ((rc = adj_remit_open(&E.remit, tmp.fd)))
		goto done;
	/* Take the write lock first (another process's batch is waited for),
	 * then read the catalog: the batch is adjudicated against the catalog
	 * and ledger as they are once it holds the lock (SPEC 5: batches in
	 * the order they got the lock). */
	if ((rc = adj_db_begin(db))) {
		adj_diags_add(diags, path, 0, "", "%s", adj_db_errmsg(db));
		goto done;
	}
	in_tx = true;
	if ((rc = adj_catalog_load(&E.cat, db, 0))) {
		adj_diags_add(diags, path, 0, "", "%s", adj_db_errmsg(db));
		goto done;
	}
	if ((rc = adj_item_index_build(&E.items, E.cat)) || (rc = adj_ledger_open(&E.ledger, db)))
		goto done;

	E.formats = calloc(FORMAT_SLOTS, sizeof *E.formats); /* NULL: no memo, same results */
	E.scratch = adj_pattern_scratch_new(); /* NULL: the engine thread prepares */
	rc = adj_intake_run(fd, display, on_header, on_prepare, on_claim, &E, &berr);
	if (rc == ADJ_EDATA && !E.internal_msg[0]) {
		adj_diags_add_at(diags, display, berr.line, berr.column, adj_reasons[berr.code].code, "%s",
		                 berr.message);
		if (summary)
			snprintf(summary->refusal, sizeof summary->refusal, "%s", adj_reasons[berr.code].code);
		goto done;
	}
	if (rc == ADJ_EDATA) {
		adj_diags_add(diags, display, 0, "B01", "%s", E.internal_msg);
		if (summary)
			snprintf(summary->refusal, sizeof summary->refusal, "B01");
		goto done;
	}
	if (rc == ADJ_EINTERNAL) {
		adj_diags_add(diags, display, 0, "", "internal error: %s", E.internal_msg);
		goto done;
	}
	if (rc) {
		if (rc == ADJ_EIO && adj_remit_errno(E.remit))
			adj_diags_add(diags, opts->output ? opts->output : "remittance", 0, "",
			              "cannot write the remittance: %s", strerror(adj_remit_errno(E.remit)));
		else if (rc == ADJ_EIO)
			adj_diags_add(diags, display, 0, "", "%s", db->errmsg[0] ? db->errmsg : "I/O error");
		goto done;
	}
	adj_db_progress(db, "claims", E.size, E.size, (uint64_t)E.totals.claims);
	char real[4096];
	int64_t generation;
	if ((rc = adj_registry_generation(db, &generation)) ||
	    (rc = adj_ledger_batch_finish(E.ledger, E.batch_row, (size_t)E.totals.claims,
	                                  realpath(path, real) ? real : path, E.size,
	                                  adj_intake_fingerprint(), generation)))
		goto done;
	/* the writer thread may find a failed write only now, in the last
	 * buffers or at the fsync: its errno names the cause */
	int werr;
	adj_remit_end(E.remit, &E.totals);
	rc = adj_remit_close(E.remit, &werr);
	E.remit = NULL;
	if (rc) {
		adj_diags_add(diags, opts->output ? opts->output : "remittance", 0, "",
		              "cannot write the remittance: %s", strerror(werr ? werr : EIO));
		goto done;
	}
	if (opts->dry_run) {
		adj_db_rollback(db);
		in_tx = false;
	} else if ((rc = adj_db_commit(db))) {
		adj_diags_add(diags, path, 0, "", "%s", adj_db_errmsg(db));
		goto done;
	} else {
		in_tx = false;
	}
	if (opts->output) {
		if (adj_outfile_publish(&tmp) != 0) {
			adj_diags_add(diags, opts->output, 0, "", "cannot put the remittance in place: %s",
			              strerror(errno));
			rc = ADJ_ECANTCREATE;
			goto done;
		}
	} else if (adj_outfile_copy(&tmp, opts->out_fp ? opts->out_fp : stdout) != 0) {
		rc = ADJ_EIO;
		goto done;
	}
	if (summary) {
		summary->claims = E.totals.claims;
		summary->accepted = E.totals.accepted;
		summary->adjusted = E.totals.adjusted;
		summary->rejected = E.totals.rejected;
		summary->voided = E.totals.voided;
		summary->billed = E.totals.amt[ADJ_AMT_BILLED];
		summary->pool = E.totals.amt[ADJ_AMT_POOL];
		summary->relief = E.totals.amt[ADJ_AMT_RELIEF];
		summary->assistance = E.totals.amt[ADJ_AMT_ASSISTANCE];
		summary->patient = E.totals.amt[ADJ_AMT_PATIENT];
		summary->withheld = E.totals.amt[ADJ_AMT_WITHHELD];
	}
done:
	if (in_tx)
		adj_db_rollback(db);
	adj_remit_abort(E.remit);
	adj_outfile_close(&tmp);
	adj_ledger_close(E.ledger);
	adj_item_index_free(E.items);
	adj_catalog_free(E.cat);
	adj_arena_free(&E.work);
	free(E.formats);
	free(E.tallies);
	adj_pattern_scratch_free(E.scratch);
	close(fd);
	return rc;
}
