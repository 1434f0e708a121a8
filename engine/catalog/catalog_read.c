/*
 * catalog_read.c - a catalog folder into an adj_catalog, validated (SPEC 4).
 *
 * Order: policy.xml first (the code formats and schemes check the rest),
 * then the item catalogs, single_disease.csv, hospitals.csv, budgets.csv;
 * then the checks across rows (repeated keys, overlapping periods, a code in
 * two files, budgets of unknown hospitals). Every problem is reported, up to
 * the diagnostics limit; the folder is valid only when none was.
 * members.csv is not read here: members.c validates and upserts it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog.h"
#include "fields.h"
#include "util/sha256.h"
#include "util/vec.h"

enum {
	I_CODE, I_NAME, I_CLASS, I_COVERAGE, I_FIRST_PAY, I_PRICE_T1, I_PRICE_T2, I_PRICE_T3,
	I_CAP, I_MAX_DAILY, I_MIN_TIER, I_DIAGNOSIS, I_SEX, I_MIN_AGE, I_MAX_AGE, I_VALID_FROM,
	I_VALID_TO, I_NCOLS
};
static const char *const item_cols[I_NCOLS] = {
	"code", "name", "class", "coverage", "first_pay", "price_t1", "price_t2", "price_t3",
	"cap", "max_daily", "min_tier", "diagnosis", "sex", "min_age", "max_age", "valid_from",
	"valid_to"};

enum {
	S_CODE, S_NAME, S_DIAGNOSIS, S_PROCEDURE, S_TIER, S_STANDARD, S_MAX_STAY, S_VALID_FROM,
	S_VALID_TO, S_NCOLS
};
static const char *const sd_cols[S_NCOLS] = {"code", "name", "diagnosis", "procedure", "tier",
                                             "standard", "max_stay", "valid_from", "valid_to"};

enum {
	H_CODE, H_NAME, H_TIER, H_SCHEMES, H_FROM, H_TO, H_SETTLEMENT, H_SINGLE_DISEASE, H_NCOLS
};
static const char *const hospital_cols[H_NCOLS] = {
	"code", "name", "tier", "schemes", "designated_from", "designated_to", "settlement",
	"single_disease"};

enum { G_HOSPITAL, G_YEAR, G_BUDGET, G_RETAIN, G_SHARE, G_LIMIT, G_NCOLS };
static const char *const budget_cols[G_NCOLS] = {"hospital",      "year",          "budget",
                                                 "surplus_retain", "overrun_share", "overrun_limit"};

#define MAX_NAME 400
#define MAX_CODE 64

typedef struct ctx {
	adj_catalog *cat;
	adj_diags *diags;
	const char *display;
	int kind; /* adj_item_file for items */
	bool formats_ok; /* every code format compiled: codes can be checked */
	bool schemes_ok; /* the policy named schemes: lists can be checked */
	int errors;
} ctx;

static void
fields_begin(adj_fields *f, ctx *c, const char *const *cols, const adj_csv_row *row)
{
	f->display = c->display;
	f->columns = cols;
	f->row = row;
	f->diags = c->diags;
	f->errors = 0;
}

static const adj_pattern *
field_pattern(adj_fields *f, ctx *c, int col)
{
	char err[300];
	if (adj_field_empty(f, col))
		return NULL;
	const adj_pattern *re = adj_catalog_pattern(c->cat, f->row->field[col], f->row->len[col], err,
	                                            sizeof err);
	if (!re)
		adj_fields_error(f, col, "%s", err);
	return re;
}

static bool
code_has_format(const adj_catalog *cat, int kind, const char *code, size_t n)
{
	const adj_pattern *re = cat->policy.format[kind];
	return re && adj_pattern_match(re, code, n) == ADJ_PATTERN_MATCH;
}

/* ---- items ------------------------------------------------------------ */

static int
item_row(void *vc, const adj_csv_row *row)
{
	ctx *c = vc;
	adj_fields f;
	adj_item it;
	int64_t v;
	static const char *const classes[] = {"exam", "drug-material", "labor", NULL};
	static const char *const coverages[] = {"A", "B", "X", NULL};
	static const char *const sexes[] = {"", "M", "F", NULL};

	memset(&it, 0, sizeof it);
	fields_begin(&f, c, item_cols, row);
	if (adj_field_text(&f, I_CODE, MAX_CODE) && c->formats_ok) {
		const char *code = row->field[I_CODE];
		size_t n = row->len[I_CODE];
		bool ok;
		if (c->kind == ADJ_FILE_DRUG)
			ok = code_has_format(c->cat, ADJ_FMT_DRUG, code, n);
		else if (c->kind == ADJ_FILE_TREATMENT)
			ok = code_has_format(c->cat, ADJ_FMT_SERVICE, code, n) ||
			     code_has_format(c->cat, ADJ_FMT_MATERIAL, code, n);
		else
			ok = code_has_format(c->cat, ADJ_FMT_SERVICE, code, n);
		if (!ok)
			adj_fields_error(&f, I_CODE, "\"%s\" does not match the %s code format", code,
			                 c->kind == ADJ_FILE_DRUG       ? "drug"
			                 : c->kind == ADJ_FILE_FACILITY ? "service"
			                                                : "service or material");
	}
	adj_field_text(&f, I_NAME, MAX_NAME);
	int cls = adj_field_enum(&f, I_CLASS, classes);
	int cov = adj_field_enum(&f, I_COVERAGE, coverages);
	if (cov == ADJ_COV_B) {
		adj_field_percent(&f, I_FIRST_PAY, true, &it.first_pay);
	} else if (!adj_field_empty(&f, I_FIRST_PAY) && cov >= 0) {
		adj_fields_error(&f, I_FIRST_PAY, "must be empty unless coverage is B");
	}
	if (it.first_pay < 0)
		it.first_pay = 0;
	adj_field_money(&f, I_PRICE_T1, false, true, &it.price[0]);
	adj_field_money(&f, I_PRICE_T2, false, true, &it.price[1]);
	adj_field_money(&f, I_PRICE_T3, false, true, &it.price[2]);
	adj_field_money(&f, I_CAP, false, true, &it.cap);
	adj_field_qty(&f, I_MAX_DAILY, false, &it.max_daily);
	adj_field_int(&f, I_MIN_TIER, false, 1, 3, &v);
	it.min_tier = (int8_t)(v < 0 ? 0 : v);
	it.diag_re = field_pattern(&f, c, I_DIAGNOSIS);
	int sex = adj_field_enum(&f, I_SEX, sexes);
	it.sex = sex == 1 ? 'M' : sex == 2 ? 'F' : 0;
	adj_field_int(&f, I_MIN_AGE, false, 0, 150, &v);
	it.min_age = (int16_t)v;
	adj_field_int(&f, I_MAX_AGE, false, 0, 150, &v);
	it.max_age = (int16_t)v;
	if (it.min_age >= 0 && it.max_age >= 0 && it.min_age > it.max_age)
		adj_fields_error(&f, I_MAX_AGE, "max_age %d is below min_age %d", it.max_age, it.min_age);
	adj_field_date(&f, I_VALID_FROM, true, &it.valid_from);
	if (adj_field_date(&f, I_VALID_TO, false, &it.valid_to) && it.valid_to != ADJ_DATE_NONE &&
	    it.valid_from != ADJ_DATE_NONE && it.valid_to < it.valid_from)
		adj_fields_error(&f, I_VALID_TO, "valid_to is before valid_from");
	c->errors += f.errors;
	if (f.errors)
		return 0;

	adj_item *slot = ADJ_VEC_PUSH(c->cat->items, c->cat->nitems, c->cat->items_cap);
	if (!slot)
		return ADJ_ENOMEM;
	it.code = adj_catalog_str(c->cat, row->field[I_CODE], row->len[I_CODE]);
	it.name = adj_catalog_str(c->cat, row->field[I_NAME], row->len[I_NAME]);
	it.diagnosis = it.diag_re ? adj_pattern_source(it.diag_re) : NULL;
	if (!it.code || !it.name)
		return ADJ_ENOMEM;
	it.file = (uint8_t)c->kind;
	it.cls = (uint8_t)cls;
	it.coverage = (uint8_t)cov;
	it.line = row->line;
	*slot = it;
	c->cat->file_rows[c->kind]++;
	return 0;
}

/* ---- single disease --------------------------------------------------- */

static int
sd_row(void *vc, const adj_csv_row *row)
{
	ctx *c = vc;
	adj_fields f;
	adj_single_disease sd;
	int64_t v;

	memset(&sd, 0, sizeof sd);
	fields_begin(&f, c, sd_cols, row);
	adj_field_text(&f, S_CODE, MAX_CODE);
	adj_field_text(&f, S_NAME, MAX_NAME);
	if (adj_field_text(&f, S_DIAGNOSIS, ADJ_CSV_MAX_FIELD))
		sd.diag_re = field_pattern(&f, c, S_DIAGNOSIS);
	sd.proc_re = field_pattern(&f, c, S_PROCEDURE);
	adj_field_int(&f, S_TIER, true, 1, 3, &v);
	sd.tier = (int8_t)v;
	adj_field_money(&f, S_STANDARD, true, false, &sd.standard);
	adj_field_int(&f, S_MAX_STAY, false, 1, 100000, &v);
	sd.max_stay = (int32_t)v;
	adj_field_date(&f, S_VALID_FROM, true, &sd.valid_from);
	if (adj_field_date(&f, S_VALID_TO, false, &sd.valid_to) && sd.valid_to != ADJ_DATE_NONE &&
	    sd.valid_from != ADJ_DATE_NONE && sd.valid_to < sd.valid_from)
		adj_fields_error(&f, S_VALID_TO, "valid_to is before valid_from");
	c->errors += f.errors;
	if (f.errors)
		return 0;
	adj_single_disease *slot = ADJ_VEC_PUSH(c->cat->sd, c->cat->nsd, c->cat->sd_cap);
	if (!slot)
		return ADJ_ENOMEM;
	sd.code = adj_catalog_str(c->cat, row->field[S_CODE], row->len[S_CODE]);
	sd.name = adj_catalog_str(c->cat, row->field[S_NAME], row->len[S_NAME]);
	sd.diagnosis = adj_pattern_source(sd.diag_re);
	sd.procedure = sd.proc_re ? adj_pattern_source(sd.proc_re) : NULL;
	sd.line = row->line;
	*slot = sd;
	return 0;
}

/* ---- hospitals and budgets -------------------------------------------- */

static int
hospital_row(void *vc, const adj_csv_row *row)
{
	ctx *c = vc;
	adj_fields f;
	adj_hospital h;
	int64_t v;
	static const char *const settlements[] = {"ffs", "global-budget", NULL};
	static const char *const yesno[] = {"no", "yes", NULL};

	memset(&h, 0, sizeof h);
	fields_begin(&f, c, hospital_cols, row);
	if (adj_field_text(&f, H_CODE, MAX_CODE) && c->formats_ok &&
	    !code_has_format(c->cat, ADJ_FMT_HOSPITAL, row->field[H_CODE], row->len[H_CODE]))
		adj_fields_error(&f, H_CODE, "\"%s\" does not match the hospital code format",
		                 row->field[H_CODE]);
	adj_field_text(&f, H_NAME, MAX_NAME);
	adj_field_int(&f, H_TIER, true, 1, 3, &v);
	h.tier = (int8_t)v;
	if (adj_field_text(&f, H_SCHEMES, 1000) && strcmp(row->field[H_SCHEMES], "*") != 0 &&
	    c->schemes_ok) {
		/* ';'-separated scheme codes known to the policy */
		const char *s = row->field[H_SCHEMES];
		while (1) {
			const char *e = strchr(s, ';');
			size_t n = e ? (size_t)(e - s) : strlen(s);
			char code[64];
			if (n == 0 || n >= sizeof code) {
				adj_fields_error(&f, H_SCHEMES, "empty or overlong scheme code in the list");
				break;
			}
			memcpy(code, s, n);
			code[n] = '\0';
			if (!adj_policy_scheme(&c->cat->policy, code))
				adj_fields_error(&f, H_SCHEMES, "scheme \"%s\" is not in the policy", code);
			if (!e)
				break;
			s = e + 1;
		}
	}
	adj_field_date(&f, H_FROM, true, &h.designated_from);
	if (adj_field_date(&f, H_TO, false, &h.designated_to) && h.designated_to != ADJ_DATE_NONE &&
	    h.designated_from != ADJ_DATE_NONE && h.designated_to < h.designated_from)
		adj_fields_error(&f, H_TO, "designated_to is before designated_from");
	int st = adj_field_enum(&f, H_SETTLEMENT, settlements);
	int sd = adj_field_enum(&f, H_SINGLE_DISEASE, yesno);
	if (f.errors == 0 && adj_catalog_hospital(c->cat, row->field[H_CODE]))
		adj_fields_error(&f, H_CODE, "hospital %s is listed twice", row->field[H_CODE]);
	c->errors += f.errors;
	if (f.errors)
		return 0;
	adj_hospital *slot = ADJ_VEC_PUSH(c->cat->hospitals, c->cat->nhospitals, c->cat->hospitals_cap);
	if (!slot)
		return ADJ_ENOMEM;
	h.code = adj_catalog_str(c->cat, row->field[H_CODE], row->len[H_CODE]);
	h.name = adj_catalog_str(c->cat, row->field[H_NAME], row->len[H_NAME]);
	h.schemes = adj_catalog_str(c->cat, row->field[H_SCHEMES], row->len[H_SCHEMES]);
	h.settlement = (uint8_t)st;
	h.single_disease = sd == 1;
	h.line = row->line;
	*slot = h;
	return 0;
}

static int
budget_row(void *vc, const adj_csv_row *row)
{
	ctx *c = vc;
	adj_fields f;
	adj_budget b;
	int64_t v;

	memset(&b, 0, sizeof b);
	fields_begin(&f, c, budget_cols, row);
	if (adj_field_text(&f, G_HOSPITAL, MAX_CODE) && !adj_catalog_hospital(c->cat, row->field[G_HOSPITAL]))
		adj_fields_error(&f, G_HOSPITAL, "hospital %s is not in hospitals.csv", row->field[G_HOSPITAL]);
	adj_field_int(&f, G_YEAR, true, 1900, 9999, &v);
	b.year = (int)v;
	adj_field_money(&f, G_BUDGET, true, false, &b.budget);
	adj_field_percent(&f, G_RETAIN, true, &b.surplus_retain);
	adj_field_percent(&f, G_SHARE, true, &b.overrun_share);
	adj_field_percent(&f, G_LIMIT, true, &b.overrun_limit);
	if (f.errors == 0)
		for (size_t i = 0; i < c->cat->nbudgets; i++)
			if (c->cat->budgets[i].year == b.year &&
			    strcmp(c->cat->budgets[i].hospital, row->field[G_HOSPITAL]) == 0) {
				adj_fields_error(&f, G_YEAR, "budget of %s for %d already given on line %ld",
				                 row->field[G_HOSPITAL], b.year, c->cat->budgets[i].line);
				break;
			}
	c->errors += f.errors;
	if (f.errors)
		return 0;
	adj_budget *slot = ADJ_VEC_PUSH(c->cat->budgets, c->cat->nbudgets, c->cat->budgets_cap);
	if (!slot)
		return ADJ_ENOMEM;
	b.hospital = adj_catalog_hospital(c->cat, row->field[G_HOSPITAL])->code;
	b.line = row->line;
	*slot = b;
	return 0;
}

/* ---- checks across rows ----------------------------------------------- */

static const adj_item *sort_base;

static int
cmp_item(const void *a, const void *b)
{
	const adj_item *x = &sort_base[*(const size_t *)a], *y = &sort_base[*(const size_t *)b];
	int c = strcmp(x->code, y->code);
	if (c)
		return c;
	if (x->valid_from != y->valid_from)
		return x->valid_from < y->valid_from ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* SPEC 4: repeated key code+valid_from, overlapping periods of one code, a
 * code in two files. Rows are sorted by (code, valid_from); each is compared
 * with the row of that code reaching furthest so far. Reported on the later
 * row. */
static int
check_item_keys(ctx *c)
{
	adj_catalog *cat = c->cat;
	size_t *idx = malloc((cat->nitems ? cat->nitems : 1) * sizeof *idx);

	if (!idx)
		return ADJ_ENOMEM;
	for (size_t i = 0; i < cat->nitems; i++)
		idx[i] = i;
	sort_base = cat->items;
	qsort(idx, cat->nitems, sizeof *idx, cmp_item);
	const adj_item *reach = NULL; /* of the current code, the row ending last */
	for (size_t k = 0; k < cat->nitems; k++) {
		const adj_item *b = &cat->items[idx[k]];
		const adj_item *a = k ? &cat->items[idx[k - 1]] : NULL;
		if (!a || strcmp(a->code, b->code) != 0) {
			reach = b;
			continue;
		}
		const char *file = adj_item_file_name[b->file];
		if (a->file != b->file) {
			adj_diags_add(c->diags, file, b->line, "code",
			              "code %s is also in %s (line %ld): a code lives in one file only",
			              b->code, adj_item_file_name[a->file], a->line);
			c->errors++;
		} else if (a->valid_from == b->valid_from) {
			adj_diags_add(c->diags, file, b->line, "valid_from",
			              "repeated key: code %s with this valid_from is already on line %ld",
			              b->code, a->line);
			c->errors++;
		} else if (reach->valid_to == ADJ_DATE_NONE || reach->valid_to >= b->valid_from) {
			adj_diags_add(c->diags, file, b->line, "valid_from",
			              "period overlaps the period of code %s on line %ld", b->code,
			              reach->line);
			c->errors++;
		}
		if (reach->valid_to != ADJ_DATE_NONE &&
		    (b->valid_to == ADJ_DATE_NONE || b->valid_to > reach->valid_to))
			reach = b;
	}
	free(idx);
	return 0;
}

static void
check_sd_keys(ctx *c)
{
	adj_catalog *cat = c->cat;
	for (size_t i = 0; i < cat->nsd; i++)
		for (size_t j = 0; j < i; j++) {
			const adj_single_disease *a = &cat->sd[j], *b = &cat->sd[i];
			if (a->tier == b->tier && a->valid_from == b->valid_from &&
			    strcmp(a->code, b->code) == 0) {
				adj_diags_add(c->diags, "single_disease.csv", b->line, "code",
				              "repeated key: %s tier %d from this valid_from is already on line %ld",
				              b->code, b->tier, a->line);
				c->errors++;
				break;
			}
		}
}

/* ---- digest ------------------------------------------------------------ */

/* The digest's input is buffered and fed to SHA-256 in large pieces;
 * integers go in as zigzag varints, strings with their NUL (a NULL string
 * as a lone 0x01 byte): a prefix-free spelling, so no two different
 * catalogs feed the hash the same bytes. */
typedef struct hbuf {
	adj_sha256 h;
	unsigned char buf[8192];
	size_t n;
} hbuf;

static void
h_put(hbuf *b, const void *p, size_t n)
{
	if (b->n + n > sizeof b->buf) {
		adj_sha256_update(&b->h, b->buf, b->n);
		b->n = 0;
		if (n > sizeof b->buf) {
			adj_sha256_update(&b->h, p, n);
			return;
		}
	}
	memcpy(b->buf + b->n, p, n);
	b->n += n;
}

static void
h_str(hbuf *b, const char *s)
{
	if (s)
		h_put(b, s, strlen(s) + 1);
	else
		h_put(b, "\x01", 1);
}

static void
h_int(hbuf *b, int64_t v)
{
	/* zigzag LEB128: small numbers (most fields) take one or two bytes */
	uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
	unsigned char out[10];
	size_t n = 0;
	do {
		unsigned char byte = z & 0x7f;
		z >>= 7;
		out[n++] = z ? (unsigned char)(byte | 0x80) : byte;
	} while (z);
	h_put(b, out, n);
}

/* SHA-256 over the canonical content: every parsed value of every row in
 * file order. Equal digests mean equal catalogs, whatever the spelling
 * (CRLF, column order, "12.5" for "12.50"). */
static int
catalog_digest(adj_catalog *cat)
{
	hbuf *h = malloc(sizeof *h);
	const adj_policy *p = &cat->policy;

	if (!h)
		return ADJ_ENOMEM;
	h->n = 0;
	adj_sha256_init(&h->h);
	h_str(h, "adjudicator-catalog-3");
	for (int k = 0; k < ADJ_FMT_COUNT; k++)
		h_str(h, p->format_src[k]);
	for (size_t i = 0; i < p->nschemes; i++) {
		h_str(h, p->schemes[i].code);
		h_str(h, p->schemes[i].name);
	}
	for (size_t i = 0; i < p->ngroups; i++) {
		const adj_group *g = &p->groups[i];
		h_str(h, g->scheme), h_int(h, g->year), h_str(h, g->code);
		h_int(h, g->pool_cap), h_int(h, g->has_relief), h_int(h, g->relief_bp);
		h_int(h, g->relief_cap), h_int(h, g->has_assist), h_int(h, g->assist_bp);
		h_int(h, g->assist_cap);
	}
	for (size_t i = 0; i < p->nbenefits; i++) {
		const adj_benefit *b = &p->benefits[i];
		h_str(h, b->scheme), h_int(h, b->year), h_int(h, b->claim_type);
		h_str(h, b->category), h_int(h, b->tier), h_str(h, b->group_code);
		h_int(h, b->basis), h_int(h, b->deductible), h_int(h, b->repeat_deductible);
		for (size_t k = 0; k < b->nbands; k++)
			h_int(h, b->bands[k].upto), h_int(h, b->bands[k].bp);
		h_str(h, "/benefit");
	}
	for (size_t i = 0; i < cat->nitems; i++) {
		const adj_item *it = &cat->items[i];
		h_int(h, it->file), h_str(h, it->code), h_str(h, it->name), h_int(h, it->cls);
		h_int(h, it->coverage), h_int(h, it->first_pay);
		h_int(h, it->price[0]), h_int(h, it->price[1]), h_int(h, it->price[2]);
		h_int(h, it->cap), h_int(h, it->max_daily), h_int(h, it->min_tier);
		h_str(h, it->diagnosis), h_int(h, it->sex), h_int(h, it->min_age);
		h_int(h, it->max_age), h_int(h, it->valid_from), h_int(h, it->valid_to);
	}
	for (size_t i = 0; i < cat->nsd; i++) {
		const adj_single_disease *s = &cat->sd[i];
		h_str(h, s->code), h_str(h, s->name), h_str(h, s->diagnosis);
		h_str(h, s->procedure), h_int(h, s->tier), h_int(h, s->standard);
		h_int(h, s->max_stay), h_int(h, s->valid_from), h_int(h, s->valid_to);
	}
	for (size_t i = 0; i < cat->nhospitals; i++) {
		const adj_hospital *x = &cat->hospitals[i];
		h_str(h, x->code), h_str(h, x->name), h_int(h, x->tier), h_str(h, x->schemes);
		h_int(h, x->designated_from), h_int(h, x->designated_to);
		h_int(h, x->settlement), h_int(h, x->single_disease);
	}
	for (size_t i = 0; i < cat->nbudgets; i++) {
		const adj_budget *b = &cat->budgets[i];
		h_str(h, b->hospital), h_int(h, b->year), h_int(h, b->budget);
		h_int(h, b->surplus_retain), h_int(h, b->overrun_share), h_int(h, b->overrun_limit);
	}
	adj_sha256_update(&h->h, h->buf, h->n);
	adj_sha256_hex(&h->h, cat->digest);
	free(h);
	return 0;
}

/* ---- the folder ------------------------------------------------------- */

static int
read_csv(ctx *c, const char *dir, const char *name, const char *const *cols, size_t ncols,
         adj_csv_row_fn fn)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	c->display = name;
	size_t before = adj_diags_total(c->diags);
	int rc = adj_csv_read(path, name, cols, ncols, fn, c, c->diags);
	if (adj_diags_total(c->diags) > before && c->errors == 0)
		c->errors++; /* problems the reader itself reported */
	return rc;
}

int
adj_catalog_read_dir(adj_catalog **out, const char *dir, adj_diags *diags)
{
	adj_catalog *cat = NULL;
	ctx c;
	char path[4096];
	struct stat st;
	int rc, missing = 0;

	*out = NULL;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		adj_diags_add(diags, dir, 0, "", "not a catalog folder (missing or not a directory)");
		return ADJ_ENOINPUT;
	}
	if ((rc = adj_catalog_new(&cat)) != 0)
		return rc;
	memset(&c, 0, sizeof c);
	c.cat = cat;
	c.diags = diags;

	size_t before = adj_diags_total(diags);
	snprintf(path, sizeof path, "%s/policy.xml", dir);
	rc = adj_policy_read(cat, path, "policy.xml", diags);
	if (rc == ADJ_ENOINPUT)
		missing = 1;
	else if (rc != 0 && rc != ADJ_EDATA)
		goto fail;
	c.formats_ok = true;
	for (int k = 0; k < ADJ_FMT_COUNT; k++)
		if (!cat->policy.format[k])
			c.formats_ok = false;
	c.schemes_ok = cat->policy.nschemes > 0;
	cat->policy_readable = c.schemes_ok;

	for (int k = 0; k < ADJ_FILE_COUNT; k++) {
		c.kind = k;
		rc = read_csv(&c, dir, adj_item_file_name[k], item_cols, I_NCOLS, item_row);
		if (rc == ADJ_ENOINPUT)
			missing = 1;
		else if (rc != 0 && rc != ADJ_EDATA)
			goto fail;
	}
	struct {
		const char *name;
		const char *const *cols;
		size_t ncols;
		adj_csv_row_fn fn;
	} rest[] = {
		{"single_disease.csv", sd_cols, S_NCOLS, sd_row},
		{"hospitals.csv", hospital_cols, H_NCOLS, hospital_row},
		{"budgets.csv", budget_cols, G_NCOLS, budget_row},
	};
	for (size_t k = 0; k < sizeof rest / sizeof rest[0]; k++) {
		rc = read_csv(&c, dir, rest[k].name, rest[k].cols, rest[k].ncols, rest[k].fn);
		if (rc == ADJ_ENOINPUT)
			missing = 1;
		else if (rc != 0 && rc != ADJ_EDATA)
			goto fail;
	}
	if ((rc = check_item_keys(&c)) != 0)
		goto fail;
	check_sd_keys(&c);

	*out = cat;
	if (missing)
		return ADJ_ENOINPUT;
	if (adj_diags_total(diags) > before)
		return ADJ_EDATA;
	return catalog_digest(cat);
fail:
	adj_catalog_free(cat);
	return rc;
}
