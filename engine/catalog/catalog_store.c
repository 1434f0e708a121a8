/*
 * catalog_store.c - writing a catalog version to SQLite and reading it back.
 *
 * Versions are append-only: an import adds rows under a new version id and
 * moves meta.current_catalog; nothing of an earlier version is changed or
 * deleted, because every recorded line refers to the row it priced against.
 */
#include "catalog_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/vec.h"

/* ---- binding helpers ---------------------------------------------------- */

static void
bind_opt_int(sqlite3_stmt *st, int i, int64_t v, int64_t none)
{
	if (v == none)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int
step_done(adj_db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : adj_db_fail(db, what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* ---- store -------------------------------------------------------------- */

static int
current_digest(adj_db *db, char digest[65])
{
	sqlite3_stmt *st;
	int rc;

	digest[0] = '\0';
	rc = adj_db_prepare(db, &st,
	                    "SELECT v.digest FROM catalog_version v JOIN meta m "
	                    "ON m.key = 'current_catalog' AND v.id = CAST(m.value AS INTEGER)");
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(digest, 65, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return 0;
}

static int
store_policy(adj_db *db, adj_catalog *cat, long v)
{
	adj_policy *p = &cat->policy;
	sqlite3_stmt *fmt = NULL, *sch = NULL, *grp = NULL, *ben = NULL, *band = NULL;
	int rc;

	if ((rc = adj_db_prepare(db, &fmt, "INSERT INTO code_format VALUES (?,?,?)")) ||
	    (rc = adj_db_prepare(db, &sch, "INSERT INTO scheme VALUES (?,?,?,?)")) ||
	    (rc = adj_db_prepare(db, &grp,
	                         "INSERT INTO benefit_group VALUES (?,?,?,?,?,?,?,?,?,?,?)")) ||
	    (rc = adj_db_prepare(db, &ben,
	                         "INSERT INTO benefit(version, scheme, year, claim_type, category, "
	                         "tier, grp, basis, deductible, repeat_deductible, line) "
	                         "VALUES (?,?,?,?,?,?,?,?,?,?,?)")) ||
	    (rc = adj_db_prepare(db, &band, "INSERT INTO band VALUES (?,?,?,?)")))
		goto done;
	for (int k = 0; k < ADJ_FMT_COUNT && !rc; k++) {
		sqlite3_bind_int64(fmt, 1, v);
		bind_text(fmt, 2, adj_format_kind_name[k]);
		bind_text(fmt, 3, p->format_src[k]);
		rc = step_done(db, fmt, "storing a code format");
	}
	for (size_t i = 0; i < p->nschemes && !rc; i++) {
		sqlite3_bind_int64(sch, 1, v);
		sqlite3_bind_int64(sch, 2, (int64_t)i);
		bind_text(sch, 3, p->schemes[i].code);
		bind_text(sch, 4, p->schemes[i].name);
		rc = step_done(db, sch, "storing a scheme");
	}
	for (size_t i = 0; i < p->ngroups && !rc; i++) {
		const adj_group *g = &p->groups[i];
		sqlite3_bind_int64(grp, 1, v);
		sqlite3_bind_int64(grp, 2, (int64_t)i);
		bind_text(grp, 3, g->scheme);
		sqlite3_bind_int64(grp, 4, g->year);
		bind_text(grp, 5, g->code);
		sqlite3_bind_int64(grp, 6, g->pool_cap);
		if (g->has_relief) {
			sqlite3_bind_int64(grp, 7, g->relief_bp);
			sqlite3_bind_int64(grp, 8, g->relief_cap);
		}
		if (g->has_assist) {
			sqlite3_bind_int64(grp, 9, g->assist_bp);
			sqlite3_bind_int64(grp, 10, g->assist_cap);
		}
		sqlite3_bind_int64(grp, 11, g->line);
		rc = step_done(db, grp, "storing a benefit group");
	}
	for (size_t i = 0; i < p->nbenefits && !rc; i++) {
		adj_benefit *b = &p->benefits[i];
		char tier[2] = {b->tier ? (char)('0' + b->tier) : '*', '\0'};
		sqlite3_bind_int64(ben, 1, v);
		bind_text(ben, 2, b->scheme);
		sqlite3_bind_int64(ben, 3, b->year);
		bind_text(ben, 4, adj_claim_type_name[b->claim_type]);
		bind_text(ben, 5, b->category);
		sqlite3_bind_text(ben, 6, tier, 1, SQLITE_TRANSIENT);
		bind_text(ben, 7, b->group_code);
		bind_text(ben, 8, b->basis == ADJ_BASIS_YEAR ? "year" : "admission");
		sqlite3_bind_int64(ben, 9, b->deductible);
		sqlite3_bind_int64(ben, 10, b->repeat_deductible);
		sqlite3_bind_int64(ben, 11, b->line);
		if ((rc = step_done(db, ben, "storing a benefit")) != 0)
			break;
		b->row_id = sqlite3_last_insert_rowid(db->sql);
		for (size_t k = 0; k < b->nbands && !rc; k++) {
			sqlite3_bind_int64(band, 1, b->row_id);
			sqlite3_bind_int64(band, 2, (int64_t)k);
			bind_opt_int(band, 3, b->bands[k].upto, -1);
			sqlite3_bind_int64(band, 4, b->bands[k].bp);
			rc = step_done(db, band, "storing a band");
		}
	}
done:
	sqlite3_finalize(fmt);
	sqlite3_finalize(sch);
	sqlite3_finalize(grp);
	sqlite3_finalize(ben);
	sqlite3_finalize(band);
	return rc;
}

/* Items go in by statements of ITEMS_PER_INSERT rows: the per-statement
 * cost of SQLite (step, reset, bindings) then counts once per 32 rows, which
 * is what brings a 100,000-item import down to a fraction of a second. */
#define ITEMS_PER_INSERT 32
#define ITEM_COLS 20

static int
prepare_item_insert(adj_db *db, sqlite3_stmt **st, int rows)
{
	char sql[ITEMS_PER_INSERT * (ITEM_COLS * 2 + 4) + 400];
	size_t n = (size_t)snprintf(sql, sizeof sql,
	                            "INSERT INTO item(version, file, line, code, name, class, coverage, "
	                            "first_pay_bp, price_t1, price_t2, price_t3, cap, max_daily, "
	                            "min_tier, diagnosis, sex, min_age, max_age, valid_from, valid_to) "
	                            "VALUES ");
	for (int r = 0; r < rows; r++) {
		sql[n++] = r ? ',' : ' ';
		sql[n++] = '(';
		for (int c = 0; c < ITEM_COLS; c++) {
			if (c)
				sql[n++] = ',';
			sql[n++] = '?';
		}
		sql[n++] = ')';
	}
	sql[n] = '\0';
	return adj_db_prepare(db, st, sql);
}

/* Bind one item at parameter offset k (0-based row slot). The text of
 * dates and the one-letter fields live in bufs until the step. */
static void
bind_item(sqlite3_stmt *st, int k, long v, const adj_item *it, char bufs[4][ADJ_DATE_TEXT])
{
	static const char *const cov[] = {"A", "B", "X"};
	static const char *const sex[] = {"M", "F"};
	int b = k * ITEM_COLS;
	sqlite3_bind_int64(st, b + 1, v);
	bind_text(st, b + 2, adj_item_file_name[it->file]);
	sqlite3_bind_int64(st, b + 3, it->line);
	bind_text(st, b + 4, it->code);
	bind_text(st, b + 5, it->name);
	bind_text(st, b + 6, adj_cost_class_name[it->cls]);
	bind_text(st, b + 7, cov[it->coverage]);
	if (it->coverage == ADJ_COV_B)
		sqlite3_bind_int64(st, b + 8, it->first_pay);
	else
		sqlite3_bind_null(st, b + 8);
	for (int t = 0; t < 3; t++)
		bind_opt_int(st, b + 9 + t, it->price[t], -1);
	bind_opt_int(st, b + 12, it->cap, -1);
	bind_opt_int(st, b + 13, it->max_daily, -1);
	bind_opt_int(st, b + 14, it->min_tier, 0);
	bind_text(st, b + 15, it->diagnosis);
	bind_text(st, b + 16, it->sex ? sex[it->sex == 'F'] : NULL);
	bind_opt_int(st, b + 17, it->min_age, -1);
	bind_opt_int(st, b + 18, it->max_age, -1);
	adj_date_format(it->valid_from, bufs[0]);
	sqlite3_bind_text(st, b + 19, bufs[0], 10, SQLITE_STATIC);
	if (it->valid_to == ADJ_DATE_NONE) {
		sqlite3_bind_null(st, b + 20);
	} else {
		adj_date_format(it->valid_to, bufs[1]);
		sqlite3_bind_text(st, b + 20, bufs[1], 10, SQLITE_STATIC);
	}
}

static int
store_items(adj_db *db, adj_catalog *cat, long v)
{
	sqlite3_stmt *many = NULL, *one = NULL;
	char (*bufs)[4][ADJ_DATE_TEXT] = malloc(ITEMS_PER_INSERT * sizeof *bufs);
	int rc;

	if (!bufs)
		return ADJ_ENOMEM;
	if ((rc = prepare_item_insert(db, &many, ITEMS_PER_INSERT)) ||
	    (rc = prepare_item_insert(db, &one, 1)))
		goto done;
	for (size_t i = 0; i < cat->nitems && !rc;) {
		size_t rows = cat->nitems - i >= ITEMS_PER_INSERT ? ITEMS_PER_INSERT : 1;
		sqlite3_stmt *st = rows > 1 ? many : one;
		for (size_t k = 0; k < rows; k++)
			bind_item(st, (int)k, v, &cat->items[i + k], bufs[k]);
		if ((rc = step_done(db, st, "storing items")) != 0)
			break;
		/* rows of one INSERT get consecutive rowids, the last one known */
		int64_t last = sqlite3_last_insert_rowid(db->sql);
		for (size_t k = 0; k < rows; k++)
			cat->items[i + k].row_id = last - (int64_t)(rows - 1 - k);
		i += rows;
	}
done:
	sqlite3_finalize(many);
	sqlite3_finalize(one);
	free(bufs);
	return rc;
}

static int
store_rest(adj_db *db, adj_catalog *cat, long v)
{
	sqlite3_stmt *sd = NULL, *h = NULL, *b = NULL;
	int rc;

	if ((rc = adj_db_prepare(db, &sd,
	                         "INSERT INTO single_disease(version, ord, line, code, name, diagnosis, "
	                         "procedure, tier, standard, max_stay, valid_from, valid_to) "
	                         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) ||
	    (rc = adj_db_prepare(db, &h, "INSERT INTO hospital VALUES (?,?,?,?,?,?,?,?,?,?)")) ||
	    (rc = adj_db_prepare(db, &b, "INSERT INTO budget VALUES (?,?,?,?,?,?,?,?)")))
		goto done;
	for (size_t i = 0; i < cat->nsd && !rc; i++) {
		adj_single_disease *s = &cat->sd[i];
		sqlite3_bind_int64(sd, 1, v);
		sqlite3_bind_int64(sd, 2, (int64_t)i);
		sqlite3_bind_int64(sd, 3, s->line);
		bind_text(sd, 4, s->code);
		bind_text(sd, 5, s->name);
		bind_text(sd, 6, s->diagnosis);
		bind_text(sd, 7, s->procedure);
		sqlite3_bind_int64(sd, 8, s->tier);
		sqlite3_bind_int64(sd, 9, s->standard);
		bind_opt_int(sd, 10, s->max_stay, -1);
		adj_db_bind_date(sd, 11, s->valid_from, NULL);
		adj_db_bind_date(sd, 12, s->valid_to, NULL);
		if ((rc = step_done(db, sd, "storing a single-disease row")) == 0)
			s->row_id = sqlite3_last_insert_rowid(db->sql);
	}
	for (size_t i = 0; i < cat->nhospitals && !rc; i++) {
		const adj_hospital *x = &cat->hospitals[i];
		sqlite3_bind_int64(h, 1, v);
		bind_text(h, 2, x->code);
		sqlite3_bind_int64(h, 3, x->line);
		bind_text(h, 4, x->name);
		sqlite3_bind_int64(h, 5, x->tier);
		bind_text(h, 6, x->schemes);
		adj_db_bind_date(h, 7, x->designated_from, NULL);
		adj_db_bind_date(h, 8, x->designated_to, NULL);
		bind_text(h, 9, x->settlement == ADJ_SETTLE_GLOBAL_BUDGET ? "global-budget" : "ffs");
		sqlite3_bind_int(h, 10, x->single_disease);
		rc = step_done(db, h, "storing a hospital");
	}
	for (size_t i = 0; i < cat->nbudgets && !rc; i++) {
		const adj_budget *x = &cat->budgets[i];
		sqlite3_bind_int64(b, 1, v);
		bind_text(b, 2, x->hospital);
		sqlite3_bind_int64(b, 3, x->year);
		sqlite3_bind_int64(b, 4, x->line);
		sqlite3_bind_int64(b, 5, x->budget);
		sqlite3_bind_int64(b, 6, x->surplus_retain);
		sqlite3_bind_int64(b, 7, x->overrun_share);
		sqlite3_bind_int64(b, 8, x->overrun_limit);
		rc = step_done(db, b, "storing a budget");
	}
done:
	sqlite3_finalize(sd);
	sqlite3_finalize(h);
	sqlite3_finalize(b);
	return rc;
}

int
adj_catalog_store(adj_db *db, adj_catalog *cat, const char *source, bool *unchanged)
{
	char digest[65], now[32];
	sqlite3_stmt *st;
	int rc;

	*unchanged = false;
	if ((rc = current_digest(db, digest)) != 0)
		return rc;
	if (strcmp(digest, cat->digest) == 0) {
		*unchanged = true;
		return adj_db_current_version(db, &cat->version);
	}
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((rc = adj_db_prepare(db, &st,
	                         "INSERT INTO catalog_version(digest, source, imported_at) VALUES (?,?,?)")))
		return rc;
	bind_text(st, 1, cat->digest);
	bind_text(st, 2, source);
	bind_text(st, 3, now);
	rc = step_done(db, st, "recording the catalog version");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	long v = (long)sqlite3_last_insert_rowid(db->sql);
	if ((rc = store_policy(db, cat, v)) || (rc = store_items(db, cat, v)) ||
	    (rc = store_rest(db, cat, v)))
		return rc;
	if (cat->nitems) {
		char sql[200];
		snprintf(sql, sizeof sql,
		         "UPDATE catalog_version SET item_first = %lld, item_last = %lld WHERE id = %ld",
		         (long long)cat->items[0].row_id, (long long)cat->items[cat->nitems - 1].row_id, v);
		if ((rc = adj_db_exec(db, sql)) != 0)
			return rc;
	}
	char sql[160];
	snprintf(sql, sizeof sql,
	         "INSERT INTO meta(key, value) VALUES ('current_catalog', '%ld') "
	         "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	         v);
	if ((rc = adj_db_exec(db, sql)) != 0)
		return rc;
	cat->version = v;
	return 0;
}

/* ---- load --------------------------------------------------------------- */

static const char *
col_str(adj_catalog *cat, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	const char *s = (const char *)sqlite3_column_text(st, i);
	return adj_catalog_str(cat, s, (size_t)sqlite3_column_bytes(st, i));
}

static int64_t
col_int(sqlite3_stmt *st, int i, int64_t none)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? none : sqlite3_column_int64(st, i);
}

static adj_date
col_date(sqlite3_stmt *st, int i)
{
	adj_date d = ADJ_DATE_NONE;
	if (sqlite3_column_type(st, i) != SQLITE_NULL)
		adj_date_parse((const char *)sqlite3_column_text(st, i),
		               (size_t)sqlite3_column_bytes(st, i), &d);
	return d;
}

static int
enum_of(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (s && strcmp(s, names[i]) == 0)
			return i;
	return 0;
}

static const adj_pattern *
load_pattern(adj_catalog *cat, const char *src)
{
	char err[300];
	return src ? adj_catalog_pattern(cat, src, strlen(src), err, sizeof err) : NULL;
}

static int
load_policy(adj_db *db, adj_catalog *cat, long v)
{
	adj_policy *p = &cat->policy;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = adj_db_prepare(db, &st, "SELECT kind, pattern FROM code_format WHERE version = ?")))
		return rc;
	sqlite3_bind_int64(st, 1, v);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int k = enum_of((const char *)sqlite3_column_text(st, 0), adj_format_kind_name, ADJ_FMT_COUNT);
		p->format[k] = load_pattern(cat, (const char *)sqlite3_column_text(st, 1));
		p->format_src[k] = p->format[k] ? adj_pattern_source(p->format[k]) : NULL;
	}
	sqlite3_finalize(st);

	if ((rc = adj_db_prepare(db, &st, "SELECT code, name FROM scheme WHERE version = ? ORDER BY ord")))
		return rc;
	sqlite3_bind_int64(st, 1, v);
	while (sqlite3_step(st) == SQLITE_ROW) {
		adj_scheme *s = ADJ_VEC_PUSH(p->schemes, p->nschemes, p->schemes_cap);
		if (!s)
			goto nomem;
		s->code = col_str(cat, st, 0);
		s->name = col_str(cat, st, 1);
	}
	sqlite3_finalize(st);

	if ((rc = adj_db_prepare(db, &st,
	                         "SELECT scheme, year, code, pool_cap, relief_bp, relief_cap, assist_bp, "
	                         "assist_cap, line FROM benefit_group WHERE version = ? ORDER BY ord")))
		return rc;
	sqlite3_bind_int64(st, 1, v);
	while (sqlite3_step(st) == SQLITE_ROW) {
		adj_group *g = ADJ_VEC_PUSH(p->groups, p->ngroups, p->groups_cap);
		if (!g)
			goto nomem;
		g->scheme = col_str(cat, st, 0);
		g->year = (int)sqlite3_column_int64(st, 1);
		g->code = col_str(cat, st, 2);
		g->pool_cap = sqlite3_column_int64(st, 3);
		g->has_relief = sqlite3_column_type(st, 4) != SQLITE_NULL;
		g->relief_bp = (adj_bp)col_int(st, 4, 0);
		g->relief_cap = col_int(st, 5, 0);
		g->has_assist = sqlite3_column_type(st, 6) != SQLITE_NULL;
		g->assist_bp = (adj_bp)col_int(st, 6, 0);
		g->assist_cap = col_int(st, 7, 0);
		g->line = (long)sqlite3_column_int64(st, 8);
	}
	sqlite3_finalize(st);

	if ((rc = adj_db_prepare(db, &st,
	                         "SELECT b.id, b.scheme, b.year, b.claim_type, b.category, b.tier, b.grp, "
	                         "b.basis, b.deductible, b.repeat_deductible, b.line, n.ord, n.upto, n.bp "
	                         "FROM benefit b JOIN band n ON n.benefit = b.id WHERE b.version = ? "
	                         "ORDER BY b.id, n.ord")))
		return rc;
	sqlite3_bind_int64(st, 1, v);
	size_t bands_cap = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		adj_benefit *b = p->nbenefits ? &p->benefits[p->nbenefits - 1] : NULL;
		if (!b || b->row_id != id) {
			b = ADJ_VEC_PUSH(p->benefits, p->nbenefits, p->benefits_cap);
			if (!b)
				goto nomem;
			bands_cap = 0;
			b->row_id = id;
			b->scheme = col_str(cat, st, 1);
			b->year = (int)sqlite3_column_int64(st, 2);
			b->claim_type = (uint8_t)enum_of((const char *)sqlite3_column_text(st, 3),
			                                 adj_claim_type_name, ADJ_CT_COUNT);
			b->category = col_str(cat, st, 4);
			const char *tier = (const char *)sqlite3_column_text(st, 5);
			b->tier = (int8_t)(tier[0] == '*' ? 0 : tier[0] - '0');
			b->group_code = col_str(cat, st, 6);
			b->basis = strcmp((const char *)sqlite3_column_text(st, 7), "year") == 0
			               ? ADJ_BASIS_YEAR
			               : ADJ_BASIS_ADMISSION;
			b->deductible = sqlite3_column_int64(st, 8);
			b->repeat_deductible = sqlite3_column_int64(st, 9);
			b->line = (long)sqlite3_column_int64(st, 10);
			b->group = (size_t)-1;
			for (size_t g = 0; g < p->ngroups; g++)
				if (p->groups[g].year == b->year && strcmp(p->groups[g].scheme, b->scheme) == 0 &&
				    strcmp(p->groups[g].code, b->group_code) == 0)
					b->group = g;
		}
		adj_band *band = ADJ_VEC_PUSH(b->bands, b->nbands, bands_cap);
		if (!band)
			goto nomem;
		band->upto = col_int(st, 12, -1);
		band->bp = (adj_bp)sqlite3_column_int64(st, 13);
	}
	sqlite3_finalize(st);
	return 0;
nomem:
	sqlite3_finalize(st);
	return ADJ_ENOMEM;
}

static int
load_items(adj_db *db, adj_catalog *cat, long v)
{
	static const char *const cov[] = {"A", "B", "X"};
	sqlite3_stmt *st;
	int rc = adj_db_prepare(db, &st,
	                        "SELECT id, file, line, code, name, class, coverage, first_pay_bp, "
	                        "price_t1, price_t2, price_t3, cap, max_daily, min_tier, diagnosis, sex, "
	                        "min_age, max_age, valid_from, valid_to FROM item "
	                        "WHERE id BETWEEN (SELECT item_first FROM catalog_version WHERE id = ?1) "
	                        "AND (SELECT item_last FROM catalog_version WHERE id = ?1) ORDER BY id");
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, v);
	while (sqlite3_step(st) == SQLITE_ROW) {
		adj_item *it = ADJ_VEC_PUSH(cat->items, cat->nitems, cat->items_cap);
		if (!it) {
			sqlite3_finalize(st);
			return ADJ_ENOMEM;
		}
		it->row_id = sqlite3_column_int64(st, 0);
		it->file = (uint8_t)enum_of((const char *)sqlite3_column_text(st, 1), adj_item_file_name,
		                            ADJ_FILE_COUNT);
		it->line = (long)sqlite3_column_int64(st, 2);
		it->code = col_str(cat, st, 3);
		it->name = col_str(cat, st, 4);
		it->cls = (uint8_t)enum_of((const char *)sqlite3_column_text(st, 5), adj_cost_class_name,
		                           ADJ_CLASS_COUNT);
		it->coverage = (uint8_t)enum_of((const char *)sqlite3_column_text(st, 6), cov, 3);
		it->first_pay = (adj_bp)col_int(st, 7, 0);
		for (int t = 0; t < 3; t++)
			it->price[t] = col_int(st, 8 + t, -1);
		it->cap = col_int(st, 11, -1);
		it->max_daily = col_int(st, 12, -1);
		it->min_tier = (int8_t)col_int(st, 13, 0);
		it->diag_re = load_pattern(cat, (const char *)sqlite3_column_text(st, 14));
		it->diagnosis = it->diag_re ? adj_pattern_source(it->diag_re) : NULL;
		const char *sex = (const char *)sqlite3_column_text(st, 15);
		it->sex = sex ? sex[0] : 0;
		it->min_age = (int16_t)col_int(st, 16, -1);
		it->max_age = (int16_t)col_int(st, 17, -1);
		it->valid_from = col_date(st, 18);
		it->valid_to = col_date(st, 19);
		cat->file_rows[it->file]++;
	}
	sqlite3_finalize(st);
	return 0;
}

static int
load_rest(adj_db *db, adj_catalog *cat, long v)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = adj_db_prepare(db, &st,
	                         "SELECT id, line, code, name, diagnosis, procedure, tier, standard, "
	                         "max_stay, valid_from, valid_to FROM single_disease WHERE version = ? "
	                         "ORDER BY ord")))
		return rc;
	sqlite3_bind_int64(st, 1, v);
	while (sqlite3_step(st) == SQLITE_ROW) {
		adj_single_disease *s = ADJ_VEC_PUSH(cat->sd, cat->nsd, cat->sd_cap);
		if (!s)
			goto nomem;
		s->row_id = sqlite3_column_int64(st, 0);
		s->line = (long)sqlite3_column_int64(st, 1);
		s->code = col_str(cat, st, 2);
		s->name = col_str(cat, st, 3);
		s->diag_re = load_pattern(cat, (const char *)sqlite3_column_text(st, 4));
		s->diagnosis = s->diag_re ? adj_pattern_source(s->diag_re) : NULL;
		s->proc_re = load_pattern(cat, (const char *)sqlite3_column_text(st, 5));
		s->procedure = s->proc_re ? adj_pattern_source(s->proc_re) : NULL;
		s->tier = (int8_t)sqlite3_column_int64(st, 6);
		s->standard = sqlite3_column_int64(st, 7);
		s->max_stay = (int32_t)col_int(st, 8, -1);
		s->valid_from = col_date(st, 9);
		s->valid_to = col_date(st, 10);
	}
	sqlite3_finalize(st);

	if ((rc = adj_db_prepare(db, &st,
	                         "SELECT code, line, name, tier, schemes, designated_from, designated_to, "
	                         "settlement, single_disease FROM hospital WHERE version = ? ORDER BY line")))
		return rc;
	sqlite3_bind_int64(st, 1, v);
	while (sqlite3_step(st) == SQLITE_ROW) {
		adj_hospital *h = ADJ_VEC_PUSH(cat->hospitals, cat->nhospitals, cat->hospitals_cap);
		if (!h)
			goto nomem;
		h->code = col_str(cat, st, 0);
		h->line = (long)sqlite3_column_int64(st, 1);
		h->name = col_str(cat, st, 2);
		h->tier = (int8_t)sqlite3_column_int64(st, 3);
		h->schemes = col_str(cat, st, 4);
		h->designated_from = col_date(st, 5);
		h->designated_to = col_date(st, 6);
		h->settlement = strcmp((const char *)sqlite3_column_text(st, 7), "global-budget") == 0
		                    ? ADJ_SETTLE_GLOBAL_BUDGET
		                    : ADJ_SETTLE_FFS;
		h->single_disease = sqlite3_column_int(st, 8) != 0;
	}
	sqlite3_finalize(st);

	if ((rc = adj_db_prepare(db, &st,
	                         "SELECT hospital, year, line, budget, surplus_retain_bp, "
	                         "overrun_share_bp, overrun_limit_bp FROM budget WHERE version = ? "
	                         "ORDER BY line")))
		return rc;
	sqlite3_bind_int64(st, 1, v);
	while (sqlite3_step(st) == SQLITE_ROW) {
		adj_budget *b = ADJ_VEC_PUSH(cat->budgets, cat->nbudgets, cat->budgets_cap);
		if (!b)
			goto nomem;
		b->hospital = col_str(cat, st, 0);
		b->year = (int)sqlite3_column_int64(st, 1);
		b->line = (long)sqlite3_column_int64(st, 2);
		b->budget = sqlite3_column_int64(st, 3);
		b->surplus_retain = (adj_bp)sqlite3_column_int64(st, 4);
		b->overrun_share = (adj_bp)sqlite3_column_int64(st, 5);
		b->overrun_limit = (adj_bp)sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	return 0;
nomem:
	sqlite3_finalize(st);
	return ADJ_ENOMEM;
}

int
adj_catalog_load(adj_catalog **out, adj_db *db, long version)
{
	adj_catalog *cat;
	int rc;

	*out = NULL;
	if (version == 0) {
		if ((rc = adj_db_current_version(db, &version)) != 0)
			return rc;
		if (version == 0) {
			snprintf(db->errmsg, sizeof db->errmsg,
			         "no catalog imported yet (run `adjudicator catalog import DIR`)");
			return ADJ_EDATA;
		}
	}
	if ((rc = adj_catalog_new(&cat)) != 0)
		return rc;
	cat->version = version;
	if ((rc = load_policy(db, cat, version)) || (rc = load_items(db, cat, version)) ||
	    (rc = load_rest(db, cat, version))) {
		adj_catalog_free(cat);
		return rc;
	}
	sqlite3_stmt *st;
	if (adj_db_prepare(db, &st, "SELECT digest FROM catalog_version WHERE id = ?") == 0) {
		sqlite3_bind_int64(st, 1, version);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(cat->digest, sizeof cat->digest, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	*out = cat;
	return 0;
}
