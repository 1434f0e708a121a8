/*
 * derive_caps.c - `catalog derive-caps --year Y` (SPEC 6): price caps for
 * expensive exams, materials and drugs from last year's prices (the seed's
 * 以上年度单项价格为基础，逐项制定限价报销项目目录).
 *
 * For every item whose row valid on Y-01-01 has a cap: the new cap is the
 * average allowed unit price (after the tier limit) of its lines dated in
 * Y-1 that were not rejected, of claims neither rejected nor voided,
 * weighted by allowed quantity and rounded half-up to the fen. Sums are
 * taken in C with checked int64 arithmetic (SQLite would turn an overflowing
 * integer sum into a float). Items without such lines keep their cap.
 *
 * --apply DIR rewrites drugs.csv, treatments.csv and facilities.csv of the
 * folder: the row valid on Y-01-01 ends on (Y-1)-12-31 and a copy valid from
 * Y-01-01 carries the new cap (a row that starts on Y-01-01 just gets the
 * new cap). Every other field is written exactly as it was read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adjudicator.h"
#include "catalog/catalog_store.h"
#include "ledger/db.h"
#include "report/doc.h"
#include "util/csv_reader.h"
#include "util/num.h"
#include "util/vec.h"

typedef struct cap_change {
	const adj_item *row; /* the row valid on Y-01-01 */
	adj_fen new_cap;
	long lines;
	adj_milli qty;
	bool overflow;
} cap_change;

static int
cmp_code(const void *a, const void *b)
{
	return strcmp(((const cap_change *)a)->row->code, ((const cap_change *)b)->row->code);
}

static cap_change *
find(cap_change *v, size_t n, const char *code)
{
	if (n == 0)
		return NULL;
	cap_change key;
	adj_item it;
	it.code = code;
	key.row = &it;
	return bsearch(&key, v, n, sizeof *v, cmp_code);
}

/* ---- --apply ------------------------------------------------------------------ */

static const char *const item_cols[] = {
	"code", "name", "class", "coverage", "first_pay", "price_t1", "price_t2", "price_t3",
	"cap", "max_daily", "min_tier", "diagnosis", "sex", "min_age", "max_age", "valid_from",
	"valid_to"};
enum { C_CODE = 0, C_CAP = 8, C_FROM = 15, C_TO = 16, NCOLS = 17 };

typedef struct rewrite {
	FILE *out;
	cap_change *v;
	size_t n;
	adj_date jan1;
	long changed;
} rewrite;

static void
put_row(FILE *f, const char *const *field)
{
	for (int c = 0; c < NCOLS; c++) {
		if (c)
			fputc(',', f);
		adj_csv_field(f, field[c]);
	}
	fputc('\n', f);
}

static int
rewrite_row(void *ctx, const adj_csv_row *row)
{
	rewrite *w = ctx;
	const char *field[NCOLS];
	for (int c = 0; c < NCOLS; c++)
		field[c] = row->field[c];
	cap_change *ch = find(w->v, w->n, row->field[C_CODE]);
	adj_date from, to = ADJ_DATE_NONE;
	bool valid_jan1 = ch && adj_date_parse(row->field[C_FROM], row->len[C_FROM], &from) &&
	                  (row->len[C_TO] == 0 || adj_date_parse(row->field[C_TO], row->len[C_TO], &to)) &&
	                  from <= w->jan1 && (to == ADJ_DATE_NONE || w->jan1 <= to);
	if (!valid_jan1 || ch->new_cap == ch->row->cap) {
		put_row(w->out, field);
		return 0;
	}
	char cap[ADJ_FEN_TEXT], end[ADJ_DATE_TEXT], start[ADJ_DATE_TEXT];
	adj_fen_format(ch->new_cap, cap);
	w->changed++;
	if (from == w->jan1) { /* starts on Y-01-01: the new cap in place */
		field[C_CAP] = cap;
		put_row(w->out, field);
		return 0;
	}
	adj_date_format(w->jan1 - 1, end);
	adj_date_format(w->jan1, start);
	field[C_TO] = end;
	put_row(w->out, field);
	field[C_TO] = row->field[C_TO];
	field[C_FROM] = start;
	field[C_CAP] = cap;
	put_row(w->out, field);
	return 0;
}

static int
apply_to(const char *dir, cap_change *v, size_t n, int year, long *changed, adj_diags *diags)
{
	static const char *const files[] = {"drugs.csv", "treatments.csv", "facilities.csv"};
	for (int k = 0; k < 3; k++) {
		char path[4096], tmp[4200];
		snprintf(path, sizeof path, "%s/%s", dir, files[k]);
		snprintf(tmp, sizeof tmp, "%s.derive-caps.tmp", path);
		rewrite w = {fopen(tmp, "wb"), v, n, adj_date_from_ymd(year, 1, 1), 0};
		if (!w.out) {
			adj_diags_add(diags, tmp, 0, "", "cannot create: %s", strerror(errno));
			return ADJ_ECANTCREATE;
		}
		for (int c = 0; c < NCOLS; c++)
			fprintf(w.out, "%s%s", c ? "," : "", item_cols[c]);
		fputc('\n', w.out);
		size_t before = adj_diags_total(diags);
		int rc = adj_csv_read(path, files[k], item_cols, NCOLS, rewrite_row, &w, diags);
		if (fclose(w.out) != 0 && !rc)
			rc = ADJ_EIO;
		if (!rc && adj_diags_total(diags) > before)
			rc = ADJ_EDATA;
		if (rc || rename(tmp, path) != 0) {
			remove(tmp);
			return rc ? rc : ADJ_EIO;
		}
		*changed += w.changed;
	}
	return 0;
}

/* ---- the derivation ----------------------------------------------------------- */

int
adj_derive_caps(adj_db *db, int year, void *out, const char *apply_dir, long *changed,
                adj_diags *diags)
{
	adj_catalog *cat = NULL;
	cap_change *v = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	int rc, s;
	adj_date jan1 = adj_date_from_ymd(year, 1, 1);

	*changed = 0;
	if ((rc = adj_catalog_load(&cat, db, 0))) {
		adj_diags_add(diags, "derive-caps", 0, "", "%s", adj_db_errmsg(db));
		return rc;
	}
	for (size_t i = 0; i < cat->nitems; i++) {
		const adj_item *it = &cat->items[i];
		if (it->cap < 0 || it->valid_from > jan1 || (it->valid_to != ADJ_DATE_NONE && it->valid_to < jan1))
			continue;
		cap_change *c = ADJ_VEC_PUSH(v, n, cap);
		if (!c) {
			rc = ADJ_ENOMEM;
			goto done;
		}
		c->row = it;
		c->new_cap = it->cap;
	}
	if (n > 0) /* v is NULL when no item has a cap */
		qsort(v, n, sizeof *v, cmp_code);

	char from[32], to[32];
	snprintf(from, sizeof from, "%04d-01-01", year - 1);
	snprintf(to, sizeof to, "%04d-12-31", year - 1);
	if ((rc = adj_db_prepare(db, &st,
	                         "SELECT i.code, l.allowed_price, l.allowed_qty FROM line l "
	                         "JOIN item i ON i.id = l.item JOIN claim c ON c.id = l.claim "
	                         "WHERE l.date BETWEEN ? AND ? AND l.status != 'rejected' "
	                         "AND c.status != 'rejected' AND c.voided_by IS NULL "
	                         "AND l.allowed_qty > 0 ORDER BY i.code"))) {
		adj_diags_add(diags, "derive-caps", 0, "", "%s", adj_db_errmsg(db));
		goto done;
	}
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	cap_change *cur = NULL;
	int64_t sum = 0; /* sum of allowed_price x allowed_qty: fen x thousandths */
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		if (!cur || strcmp(cur->row->code, code) != 0) {
			cur = find(v, n, code);
			sum = 0;
		}
		if (!cur || cur->overflow)
			continue;
		int64_t p = sqlite3_column_int64(st, 1), q = sqlite3_column_int64(st, 2), pq;
		if (!adj_mul(p, q, &pq) || !adj_add(sum, pq, &sum) || !adj_add(cur->qty, q, &cur->qty)) {
			cur->overflow = true;
			continue;
		}
		cur->lines++;
		/* half-up: (2 * sum + qty) / (2 * qty) */
		int64_t num2, den2;
		if (adj_mul(sum, 2, &num2) && adj_add(num2, cur->qty, &num2) && adj_mul(cur->qty, 2, &den2))
			cur->new_cap = num2 / den2;
		else
			cur->overflow = true;
	}
	if (s != SQLITE_DONE) {
		rc = adj_db_fail(db, "reading last year's lines");
		adj_diags_add(diags, "derive-caps", 0, "", "%s", adj_db_errmsg(db));
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].overflow) {
			adj_diags_add(diags, "derive-caps", 0, v[i].row->code,
			              "arithmetic overflow; the cap is kept");
			v[i].new_cap = v[i].row->cap;
		}
		if (v[i].new_cap != v[i].row->cap)
			(*changed)++;
	}
	if (out) {
		FILE *f = out;
		fputs("\xef\xbb\xbf" "code,name,old_cap,new_cap,lines,quantity\r\n", f);
		for (size_t i = 0; i < n; i++) {
			char oc[ADJ_FEN_TEXT], nc[ADJ_FEN_TEXT], q[32];
			adj_fen_format(v[i].row->cap, oc);
			adj_fen_format(v[i].new_cap, nc);
			adj_milli_format(v[i].qty, q);
			adj_csv_field(f, v[i].row->code);
			fputc(',', f);
			adj_csv_field(f, v[i].row->name);
			fprintf(f, ",%s,%s,%ld,%s\r\n", oc, nc, v[i].lines, q);
		}
		if (fflush(f) != 0)
			rc = ADJ_EIO;
	}
	if (!rc && apply_dir) {
		long applied = 0;
		rc = apply_to(apply_dir, v, n, year, &applied, diags);
	}
done:
	sqlite3_finalize(st);
	free(v);
	adj_catalog_free(cat);
	return rc;
}
