/*
 * fuzz_catalog.c - a whole catalog folder with one file replaced by the input.
 *
 * A copy of tests/data/catalog_min is made once in a temporary folder. The
 * first input byte picks the file (byte % 7: drugs.csv, treatments.csv,
 * facilities.csv, single_disease.csv, hospitals.csv, budgets.csv,
 * members.csv), the rest becomes its content; then the folder is checked
 * with adj_catalog_check (adj_catalog_read_dir plus members.csv) and, when
 * it is valid, read again with adj_catalog_read_dir to look at what was
 * accepted. The file is restored afterwards.
 *
 * Properties:
 *  - the return code is 0 or ADJ_EDATA, and 0 exactly when no diagnostic
 *    was given;
 *  - every diagnostic names a file of the folder and a line of that file,
 *    and the list is sorted by file (folder order) and line;
 *  - a valid folder reads the same twice (same digest, same counts), and
 *    what was accepted obeys SPEC 4.2-4.4, checked here independently:
 *    codes match their file's formats, periods of one code never overlap
 *    and a code lives in one file, prices and caps > 0, first_pay only for
 *    B, ages 0-150 with min <= max, tiers 1-3, periods in order, unique
 *    hospitals, budgets of known hospitals and unique per year, unique
 *    single-disease keys.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "common.h"

static const char *const files[] = {"drugs.csv",     "treatments.csv", "facilities.csv",
                                    "single_disease.csv", "hospitals.csv", "budgets.csv",
                                    "members.csv"};
static const char *const folder_order[] = {"policy.xml", "drugs.csv", "treatments.csv",
                                           "facilities.csv", "single_disease.csv",
                                           "hospitals.csv", "budgets.csv", "members.csv", NULL};
#define NFILES 7
static char *original[NFILES];
static size_t original_len[NFILES];
static long lines_of[8]; /* per folder_order entry, for the current folder */
static const char *dir;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long
count_lines(const char *s, size_t n)
{
	long lines = 1;
	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	return lines;
}

static int
file_index(const char *name)
{
	for (int k = 0; folder_order[k]; k++)
		if (strcmp(folder_order[k], name) == 0)
			return k;
	return -1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char src[4096], p[4096];
	(void)argc, (void)argv;
	dir = fz_tempdir("catalog");
	snprintf(src, sizeof src, "%s/tests/data/catalog_min", fz_root());
	fz_copydir(src, dir);
	for (int k = 0; k < NFILES; k++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[k]);
		original[k] = fz_read(p, &original_len[k]);
		if (!original[k]) {
			fprintf(stderr, "fuzz_catalog: %s missing\n", p);
			abort();
		}
	}
	for (int k = 0; folder_order[k]; k++) {
		size_t n;
		snprintf(p, sizeof p, "%s/%s", dir, folder_order[k]);
		char *t = fz_read(p, &n);
		lines_of[k] = t ? count_lines(t, n) : 0;
		free(t);
	}
	adj_diags d;
	adj_diags_init(&d, 0);
	int rc = adj_catalog_check(NULL, dir, &d);
	if (rc != 0) {
		fprintf(stderr, "fuzz_catalog: %s is not a valid catalog (%d):\n", src, rc);
		for (size_t i = 0; i < d.count; i++)
			fprintf(stderr, "  %s:%ld: %s: %s\n", d.items[i].file, d.items[i].line,
			        d.items[i].field, d.items[i].message);
		abort();
	}
	adj_diags_clear(&d);
	return 0;
}

static bool
overlap(adj_date f1, adj_date t1, adj_date f2, adj_date t2)
{
	/* ADJ_DATE_NONE (open) sorts after every date */
	return f1 <= t2 && f2 <= t1;
}

/* SPEC 4.2-4.4 on a catalog the reader accepted. */
static void
check_accepted(const adj_catalog *cat)
{
	const adj_policy *p = &cat->policy;
	for (size_t i = 0; i < cat->nitems; i++) {
		const adj_item *it = &cat->items[i];
		FZ_ASSERT(it->file < ADJ_FILE_COUNT && it->cls < ADJ_CLASS_COUNT && it->coverage <= ADJ_COV_X,
		          "item %s: enum out of range", it->code);
		size_t n = strlen(it->code);
		bool fmt;
		if (it->file == ADJ_FILE_DRUG)
			fmt = adj_pattern_match(p->format[ADJ_FMT_DRUG], it->code, n) == ADJ_PATTERN_MATCH;
		else if (it->file == ADJ_FILE_TREATMENT)
			fmt = adj_pattern_match(p->format[ADJ_FMT_SERVICE], it->code, n) == ADJ_PATTERN_MATCH ||
			      adj_pattern_match(p->format[ADJ_FMT_MATERIAL], it->code, n) == ADJ_PATTERN_MATCH;
		else
			fmt = adj_pattern_match(p->format[ADJ_FMT_SERVICE], it->code, n) == ADJ_PATTERN_MATCH;
		FZ_ASSERT(fmt, "item %s accepted in %s without its code format", it->code,
		          adj_item_file_name[it->file]);
		FZ_ASSERT(it->name && it->name[0], "item %s without a name", it->code);
		FZ_ASSERT(it->coverage == ADJ_COV_B ? it->first_pay >= 0 && it->first_pay <= 10000
		                                    : it->first_pay == 0,
		          "item %s: first_pay %d with coverage %d", it->code, it->first_pay, it->coverage);
		for (int t = 0; t < 3; t++)
			FZ_ASSERT(it->price[t] == -1 || (it->price[t] > 0 && it->price[t] <= ADJ_FEN_MAX),
			          "item %s: price_t%d %lld", it->code, t + 1, (long long)it->price[t]);
		FZ_ASSERT(it->cap == -1 || (it->cap > 0 && it->cap <= ADJ_FEN_MAX), "item %s: cap %lld",
		          it->code, (long long)it->cap);
		FZ_ASSERT(it->max_daily == -1 || (it->max_daily > 0 && it->max_daily <= ADJ_MILLI_MAX),
		          "item %s: max_daily %lld", it->code, (long long)it->max_daily);
		FZ_ASSERT(it->min_tier >= 0 && it->min_tier <= 3, "item %s: min_tier %d", it->code,
		          it->min_tier);
		FZ_ASSERT(it->sex == 0 || it->sex == 'M' || it->sex == 'F', "item %s: sex", it->code);
		FZ_ASSERT(it->min_age >= -1 && it->min_age <= 150 && it->max_age >= -1 &&
		              it->max_age <= 150 &&
		              (it->min_age < 0 || it->max_age < 0 || it->min_age <= it->max_age),
		          "item %s: ages %d..%d", it->code, it->min_age, it->max_age);
		FZ_ASSERT((it->diagnosis == NULL) == (it->diag_re == NULL), "item %s: diagnosis", it->code);
		FZ_ASSERT(it->valid_from != ADJ_DATE_NONE && it->valid_from <= it->valid_to,
		          "item %s: validity", it->code);
		for (size_t j = 0; j < i; j++) {
			const adj_item *o = &cat->items[j];
			if (strcmp(o->code, it->code) != 0)
				continue;
			FZ_ASSERT(o->file == it->file, "code %s accepted in %s and %s", it->code,
			          adj_item_file_name[o->file], adj_item_file_name[it->file]);
			FZ_ASSERT(!overlap(o->valid_from, o->valid_to, it->valid_from, it->valid_to),
			          "code %s: periods of lines %ld and %ld overlap", it->code, o->line, it->line);
		}
	}
	for (size_t i = 0; i < cat->nsd; i++) {
		const adj_single_disease *s = &cat->sd[i];
		FZ_ASSERT(s->tier >= 1 && s->tier <= 3 && s->standard >= 0 && s->diag_re &&
		              (s->max_stay == -1 || s->max_stay >= 1) && s->valid_from != ADJ_DATE_NONE &&
		              s->valid_from <= s->valid_to,
		          "single disease %s on line %ld", s->code, s->line);
		for (size_t j = 0; j < i; j++)
			FZ_ASSERT(!(cat->sd[j].tier == s->tier && cat->sd[j].valid_from == s->valid_from &&
			            strcmp(cat->sd[j].code, s->code) == 0),
			          "single disease key %s repeated", s->code);
	}
	for (size_t i = 0; i < cat->nhospitals; i++) {
		const adj_hospital *h = &cat->hospitals[i];
		FZ_ASSERT(adj_pattern_match(p->format[ADJ_FMT_HOSPITAL], h->code, strlen(h->code)) ==
		              ADJ_PATTERN_MATCH,
		          "hospital %s without the hospital format", h->code);
		FZ_ASSERT(h->tier >= 1 && h->tier <= 3 && h->designated_from != ADJ_DATE_NONE &&
		              h->designated_from <= h->designated_to && h->settlement <= 1,
		          "hospital %s", h->code);
		for (size_t j = 0; j < i; j++)
			FZ_ASSERT(strcmp(cat->hospitals[j].code, h->code) != 0, "hospital %s twice", h->code);
		/* schemes: "*" or known codes separated by ';' */
		if (strcmp(h->schemes, "*") != 0) {
			const char *s = h->schemes;
			for (;;) {
				const char *e = strchr(s, ';');
				size_t n = e ? (size_t)(e - s) : strlen(s);
				char code[64];
				FZ_ASSERT(n > 0 && n < sizeof code, "hospital %s: schemes \"%s\"", h->code,
				          h->schemes);
				memcpy(code, s, n);
				code[n] = '\0';
				FZ_ASSERT(adj_policy_scheme(p, code), "hospital %s: scheme %s unknown", h->code,
				          code);
				if (!e)
					break;
				s = e + 1;
			}
		}
	}
	for (size_t i = 0; i < cat->nbudgets; i++) {
		const adj_budget *b = &cat->budgets[i];
		FZ_ASSERT(adj_catalog_hospital(cat, b->hospital), "budget of unknown %s", b->hospital);
		FZ_ASSERT(b->year >= 1900 && b->year <= 9999 && b->budget >= 0 &&
		              b->surplus_retain >= 0 && b->surplus_retain <= 10000 &&
		              b->overrun_share >= 0 && b->overrun_share <= 10000 &&
		              b->overrun_limit >= 0 && b->overrun_limit <= 10000,
		          "budget of %s for %d", b->hospital, b->year);
		for (size_t j = 0; j < i; j++)
			FZ_ASSERT(!(cat->budgets[j].year == b->year &&
			            strcmp(cat->budgets[j].hospital, b->hospital) == 0),
			          "budget of %s for %d twice", b->hospital, b->year);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char p[4096];
	if (size < 1)
		return 0;
	int k = data[0] % NFILES;
	const char *text = (const char *)data + 1;
	size_t n = size - 1;
	snprintf(p, sizeof p, "%s/%s", dir, files[k]);
	fz_write(p, text, n);
	int fi = file_index(files[k]);
	long saved_lines = lines_of[fi];
	lines_of[fi] = count_lines(text, n);

	adj_diags d;
	adj_catalog_summary sum;
	adj_diags_init(&d, 0);
	int rc = adj_catalog_check(&sum, dir, &d);
	FZ_ASSERT(rc == 0 || rc == ADJ_EDATA, "adj_catalog_check returned %d", rc);
	FZ_ASSERT((rc == 0) == (adj_diags_total(&d) == 0), "return %d with %zu diagnostics", rc,
	          adj_diags_total(&d));
	int last_file = 0;
	long last_line = 0;
	for (size_t i = 0; i < d.count; i++) {
		const adj_diag *g = &d.items[i];
		int f = file_index(g->file);
		FZ_ASSERT(f >= 0, "diagnostic names \"%s\": %s", g->file, g->message);
		FZ_ASSERT(g->line >= 0 && g->line <= lines_of[f] + 1,
		          "%s:%ld: %s: %s (the file has %ld lines)", g->file, g->line, g->field,
		          g->message, lines_of[f]);
		FZ_ASSERT(f > last_file || (f == last_file && g->line >= last_line),
		          "diagnostics not sorted: %s:%ld after %s:%ld", g->file, g->line,
		          folder_order[last_file], last_line);
		FZ_ASSERT(g->message && g->message[0] && g->field, "empty diagnostic");
		last_file = f;
		last_line = g->line;
	}
	adj_diags_clear(&d);

	if (rc == 0) {
		adj_catalog *a = NULL, *b = NULL;
		adj_diags_init(&d, 0);
		int ra = adj_catalog_read_dir(&a, dir, &d);
		int rb = adj_catalog_read_dir(&b, dir, &d);
		FZ_ASSERT(ra == 0 && rb == 0 && adj_diags_total(&d) == 0,
		          "adj_catalog_check said valid, adj_catalog_read_dir returned %d", ra);
		FZ_ASSERT(strcmp(a->digest, b->digest) == 0 && strlen(a->digest) == 64,
		          "digest not stable: %s %s", a->digest, b->digest);
		FZ_ASSERT(a->nitems == b->nitems && a->nhospitals == b->nhospitals &&
		              a->nbudgets == b->nbudgets && a->nsd == b->nsd,
		          "two reads differ");
		FZ_ASSERT(sum.drugs + sum.treatments + sum.facilities == (long)a->nitems &&
		              sum.hospitals == (long)a->nhospitals && sum.budgets == (long)a->nbudgets &&
		              sum.single_disease == (long)a->nsd,
		          "summary counts differ from the catalog");
		check_accepted(a);
		adj_catalog_free(a);
		adj_catalog_free(b);
		adj_diags_clear(&d);
	}

	fz_write(p, original[k], original_len[k]);
	lines_of[fi] = saved_lines;
	return 0;
}
