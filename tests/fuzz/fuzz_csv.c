/*
 * fuzz_csv.c - util/csv_reader.c (adj_csv_read) on any bytes.
 *
 * Input: the first byte picks the column list (one of the seven catalog
 * files of SPEC 4.2-4.4, byte % 7); the rest is written to a file and read
 * with adj_csv_read. Properties:
 *  - the return code is 0 or ADJ_EDATA (the file exists and is readable);
 *  - every row handed to the callback has each column, NUL-terminated at
 *    its length, valid UTF-8 text, at most ADJ_CSV_MAX_FIELD bytes, and a
 *    line number that increases from row to row and lies in the file;
 *  - every diagnostic names the file and a line of it (0 for the file);
 *  - when the reader reported no problem, its rows are exactly those of an
 *    independent RFC 4180 reader written here from SPEC 4 (header mapped by
 *    name, CRLF or LF, a BOM skipped, empty lines skipped). Files with a CR
 *    that does not end a line are not compared: libcsv ends a record on a
 *    lone CR too, which SPEC 4 does not settle.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "util/csv_reader.h"

static const char *const items[] = {
	"code", "name", "class", "coverage", "first_pay", "price_t1", "price_t2", "price_t3",
	"cap", "max_daily", "min_tier", "diagnosis", "sex", "min_age", "max_age", "valid_from",
	"valid_to", NULL};
static const char *const sd[] = {"code", "name", "diagnosis", "procedure", "tier", "standard",
                                 "max_stay", "valid_from", "valid_to", NULL};
static const char *const hospitals[] = {"code", "name", "tier", "schemes", "designated_from",
                                        "designated_to", "settlement", "single_disease", NULL};
static const char *const budgets[] = {"hospital", "year", "budget", "surplus_retain",
                                      "overrun_share", "overrun_limit", NULL};
static const char *const members[] = {
	"id", "name", "scheme", "category", "enrolled_from", "enrolled_to", "paid_through",
	"relief_from", "relief_to", "assistance_from", "assistance_to", NULL};
static const char *const tiny[] = {"a", NULL};
static const char *const *const column_sets[7] = {items, sd, hospitals, budgets, members,
                                                  items, tiny};

static char path[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(path, sizeof path, "%s/input.csv", fz_tempdir("csv"));
	return 0;
}

/* ---- the reference reader ------------------------------------------------ */

typedef struct rfield {
	const char *s; /* into the record's text */
	size_t n;
} rfield;

typedef struct rrec {
	char *text; /* the unquoted fields, back to back, each NUL-terminated */
	rfield f[80];
	size_t nf;
	long line;
} rrec;

typedef struct ref {
	rrec *recs;
	size_t n, cap;
	bool ok;
} ref;

/* Parse the file the SPEC 4 way; ok false on any quoting problem or more
 * than 80 fields (the engine caps at 64 and then reports). */
static void
ref_parse(ref *r, const char *s, size_t n)
{
	size_t i = 0;
	long line = 1;
	r->ok = true;
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n) {
		/* empty lines between records */
		if (s[i] == '\n') {
			i++, line++;
			continue;
		}
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			i += 2, line++;
			continue;
		}
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 16;
			r->recs = realloc(r->recs, r->cap * sizeof *r->recs);
			if (!r->recs)
				abort();
		}
		rrec *rec = &r->recs[r->n++];
		rec->nf = 0;
		rec->line = line;
		rec->text = malloc(n - i + 81);
		if (!rec->text)
			abort();
		size_t t = 0;
		bool end = false;
		while (!end) {
			if (rec->nf == 80) {
				r->ok = false;
				return;
			}
			rfield *f = &rec->f[rec->nf++];
			f->s = rec->text + t;
			size_t start = t;
			if (i < n && s[i] == '"') {
				i++;
				for (;;) {
					if (i >= n) { /* quote not closed */
						r->ok = false;
						return;
					}
					if (s[i] == '"') {
						if (i + 1 < n && s[i + 1] == '"') {
							rec->text[t++] = '"';
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (s[i] == '\n')
						line++;
					rec->text[t++] = s[i++];
				}
				/* after the closing quote: a separator, a line end or the end */
				if (i < n && s[i] != ',' && s[i] != '\n' &&
				    !(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')) {
					r->ok = false;
					return;
				}
			} else {
				while (i < n && s[i] != ',' && s[i] != '\n' &&
				       !(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')) {
					if (s[i] == '"') { /* a quote inside an unquoted field */
						r->ok = false;
						return;
					}
					rec->text[t++] = s[i++];
				}
			}
			f->n = t - start;
			rec->text[t++] = '\0';
			if (i >= n) {
				end = true;
			} else if (s[i] == ',') {
				i++;
			} else {
				i += s[i] == '\r' ? 2 : 1;
				line++;
				end = true;
			}
		}
		/* a file ending in "...,": the last field is empty */
	}
}

static void
ref_free(ref *r)
{
	for (size_t k = 0; k < r->n; k++)
		free(r->recs[k].text);
	free(r->recs);
}

/* ---- the callback ---------------------------------------------------------- */

typedef struct seen {
	const char *const *cols;
	size_t ncols;
	long last_line, lines;
	bool lone_cr; /* two records may then start on one line */
	size_t rows;
	/* a copy of each row, for the comparison */
	char **copy; /* rows x ncols strings */
	long *line;
	size_t cap;
} seen;

static int
on_row(void *vs, const adj_csv_row *row)
{
	seen *s = vs;
	FZ_ASSERT((s->lone_cr ? row->line >= s->last_line : row->line > s->last_line) &&
	              row->line >= 1 && row->line <= s->lines,
	          "row line %ld after line %ld (file of %ld lines)", row->line, s->last_line, s->lines);
	s->last_line = row->line;
	if (s->rows == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->copy = realloc(s->copy, s->cap * s->ncols * sizeof *s->copy);
		s->line = realloc(s->line, s->cap * sizeof *s->line);
		if (!s->copy || !s->line)
			abort();
	}
	for (size_t j = 0; j < s->ncols; j++) {
		const char *f = row->field[j];
		FZ_ASSERT(f != NULL, "column %s missing from a row", s->cols[j]);
		FZ_ASSERT(f[row->len[j]] == '\0' && strlen(f) == row->len[j],
		          "column %s: length %zu, strlen %zu", s->cols[j], row->len[j], strlen(f));
		FZ_ASSERT(row->len[j] <= ADJ_CSV_MAX_FIELD, "field of %zu bytes", row->len[j]);
		FZ_ASSERT(adj_utf8_text_ok(f, row->len[j]), "field not UTF-8 text");
		s->copy[s->rows * s->ncols + j] = strdup(f);
	}
	s->line[s->rows] = row->line;
	s->rows++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *const *cols = column_sets[data[0] % 7];
	size_t ncols = 0;
	while (cols[ncols])
		ncols++;
	const char *text = (const char *)data + 1;
	size_t n = size - 1;
	fz_write(path, text, n);

	bool lone_cr = false;
	for (size_t i = 0; i < n; i++)
		if (text[i] == '\r' && (i + 1 == n || text[i + 1] != '\n'))
			lone_cr = true;
	seen s = {cols, ncols, 0, 1, lone_cr, 0, NULL, NULL, 0};
	for (size_t i = 0; i < n; i++)
		s.lines += text[i] == '\n';
	adj_diags diags;
	adj_diags_init(&diags, 0);
	int rc = adj_csv_read(path, "input.csv", cols, ncols, on_row, &s, &diags);
	FZ_ASSERT(rc == 0 || rc == ADJ_EDATA, "adj_csv_read returned %d", rc);
	if (rc == ADJ_EDATA)
		FZ_ASSERT(adj_diags_total(&diags) > 0, "ADJ_EDATA without a diagnostic");
	for (size_t k = 0; k < diags.count; k++) {
		const adj_diag *d = &diags.items[k];
		FZ_ASSERT(strcmp(d->file, "input.csv") == 0, "diagnostic names %s", d->file);
		FZ_ASSERT(d->line >= 0 && d->line <= s.lines + 1, "diagnostic on line %ld of %ld: %s",
		          d->line, s.lines, d->message);
		FZ_ASSERT(d->message && d->message[0], "empty diagnostic");
	}

	/* the independent reader, when the engine found nothing wrong */
	if (rc == 0 && adj_diags_total(&diags) == 0 && !lone_cr) {
		ref r = {NULL, 0, 0, true};
		ref_parse(&r, text, n);
		FZ_ASSERT(r.ok, "the reader accepted a file that breaks RFC 4180 quoting");
		FZ_ASSERT(r.n >= 1, "no header, yet no problem reported");
		const rrec *h = &r.recs[0];
		FZ_ASSERT(h->nf == ncols, "header of %zu fields accepted for %zu columns", h->nf, ncols);
		size_t map[80];
		for (size_t j = 0; j < ncols; j++) {
			size_t i;
			for (i = 0; i < h->nf; i++)
				if (strcmp(h->f[i].s, cols[j]) == 0)
					break;
			FZ_ASSERT(i < h->nf, "column %s accepted but not in the header", cols[j]);
			map[j] = i;
		}
		FZ_ASSERT(s.rows == r.n - 1, "%zu rows read, %zu in the file", s.rows, r.n - 1);
		for (size_t k = 0; k < s.rows; k++) {
			const rrec *rec = &r.recs[k + 1];
			FZ_ASSERT(rec->nf == ncols, "row on line %ld has %zu fields", rec->line, rec->nf);
			FZ_ASSERT(s.line[k] == rec->line, "row %zu read on line %ld, starts on line %ld", k,
			          s.line[k], rec->line);
			for (size_t j = 0; j < ncols; j++) {
				const rfield *f = &rec->f[map[j]];
				const char *got = s.copy[k * ncols + j];
				FZ_ASSERT(strlen(got) == f->n && memcmp(got, f->s, f->n) == 0,
				          "line %ld column %s: read \"%s\", the file says \"%.*s\"", rec->line,
				          cols[j], got, (int)f->n, f->s);
			}
		}
		ref_free(&r);
	}
	for (size_t k = 0; k < s.rows * ncols; k++)
		free(s.copy[k]);
	free(s.copy);
	free(s.line);
	adj_diags_clear(&diags);
	return 0;
}
