/*
 * doc.c - the document model and its two writers.
 *
 * HTML: one page, UTF-8, inline CSS (print-friendly), charts as inline SVG
 * drawn from integers; every text goes through adj_html_escape, so a name
 * such as "<script>" shows as text. CSV: a UTF-8 byte-order mark (so Excel
 * and WPS read the Chinese text right), one header row, RFC 4180 quoting,
 * CRLF line ends as RFC 4180 says.
 */
#include "doc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "adjudicator.h"
#include "util/arena.h"
#include "util/vec.h"

typedef enum { B_HEADING, B_PARA, B_TABLE, B_BARS, B_SHARES } block_kind;

struct adj_doc_table {
	const adj_doc_col *cols;
	int ncols;
	bool main;
	const char ***rows;
	bool *flags;
	size_t nrows, cap, fcap;
	adj_doc *doc;
};

typedef struct block {
	block_kind kind;
	const char *text;
	adj_doc_table *table;
	/* charts */
	const char **labels, **value_text, **parts;
	int64_t *values;
	int32_t *bp;
	size_t n, k;
	int64_t limit;
} block;

struct adj_doc {
	adj_arena arena;
	const char *title;
	block *blocks;
	size_t nblocks, cap;
};

static const char *
copy(adj_doc *d, const char *s)
{
	if (!s)
		return NULL;
	const char *c = adj_arena_strndup(&d->arena, s, strlen(s));
	return c ? c : "";
}

adj_doc *
adj_doc_new(const char *title)
{
	adj_doc *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	adj_arena_init(&d->arena, 0);
	d->title = copy(d, title);
	return d;
}

void
adj_doc_free(adj_doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nblocks; i++) {
		adj_doc_table *t = d->blocks[i].table;
		if (t) {
			free(t->rows);
			free(t->flags);
			free(t);
		}
	}
	free(d->blocks);
	adj_arena_free(&d->arena);
	free(d);
}

static block *
add_block(adj_doc *d, block_kind kind)
{
	block *b = ADJ_VEC_PUSH(d->blocks, d->nblocks, d->cap);
	if (b)
		b->kind = kind;
	return b;
}

void
adj_doc_heading(adj_doc *d, const char *text)
{
	block *b = add_block(d, B_HEADING);
	if (b)
		b->text = copy(d, text);
}

void
adj_doc_para(adj_doc *d, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	block *b = add_block(d, B_PARA);
	if (b)
		b->text = copy(d, buf);
}

adj_doc_table *
adj_doc_table_new(adj_doc *d, const adj_doc_col *cols, int ncols, bool main)
{
	adj_doc_table *t = calloc(1, sizeof *t);
	block *b = t ? add_block(d, B_TABLE) : NULL;
	if (!b) {
		free(t);
		return NULL;
	}
	t->cols = cols;
	t->ncols = ncols;
	t->main = main;
	t->doc = d;
	b->table = t;
	return t;
}

void
adj_doc_row(adj_doc_table *t, const char *const *cells, bool flag)
{
	if (!t)
		return;
	const char **row = adj_arena_alloc(&t->doc->arena, (size_t)t->ncols * sizeof *row);
	if (!row)
		return;
	for (int i = 0; i < t->ncols; i++)
		row[i] = copy(t->doc, cells[i] ? cells[i] : "");
	size_t n = t->nrows;
	const char ***slot = ADJ_VEC_PUSH(t->rows, t->nrows, t->cap);
	if (!slot)
		return;
	*slot = row;
	bool *f = ADJ_VEC_PUSH(t->flags, n, t->fcap);
	if (f)
		*f = flag;
}

size_t
adj_doc_rows(const adj_doc_table *t)
{
	return t ? t->nrows : 0;
}

static const char **
copy_list(adj_doc *d, const char *const *list, size_t n)
{
	const char **out = adj_arena_alloc(&d->arena, (n ? n : 1) * sizeof *out);
	if (out)
		for (size_t i = 0; i < n; i++)
			out[i] = copy(d, list[i]);
	return out;
}

void
adj_doc_bars(adj_doc *d, const char *title, const char *const *labels, const int64_t *values,
             const char *const *value_text, size_t n, int64_t limit)
{
	block *b = add_block(d, B_BARS);
	if (!b)
		return;
	b->text = copy(d, title);
	b->labels = copy_list(d, labels, n);
	b->value_text = copy_list(d, value_text, n);
	b->values = adj_arena_alloc(&d->arena, (n ? n : 1) * sizeof *b->values);
	if (b->values)
		memcpy(b->values, values, n * sizeof *values);
	b->n = b->labels && b->value_text && b->values ? n : 0;
	b->limit = limit;
}

void
adj_doc_shares(adj_doc *d, const char *title, const char *const *labels, size_t n,
               const char *const *parts, size_t k, const int32_t *bp)
{
	block *b = add_block(d, B_SHARES);
	if (!b)
		return;
	b->text = copy(d, title);
	b->labels = copy_list(d, labels, n);
	b->parts = copy_list(d, parts, k);
	b->bp = adj_arena_alloc(&d->arena, (n * k > 0 ? n * k : 1) * sizeof *b->bp);
	if (b->bp)
		memcpy(b->bp, bp, n * k * sizeof *bp);
	b->n = b->labels && b->parts && b->bp ? n : 0;
	b->k = k;
}

size_t
adj_doc_mark(const adj_doc *d)
{
	return d->nblocks;
}

void
adj_doc_hoist(adj_doc *d, size_t from, size_t to)
{
	if (to >= from || from > d->nblocks)
		return;
	/* rotate [to, n) so that [from, n) comes first */
	size_t tail = d->nblocks - from;
	block *tmp = malloc((tail ? tail : 1) * sizeof *tmp);
	if (!tmp)
		return;
	memcpy(tmp, d->blocks + from, tail * sizeof *tmp);
	memmove(d->blocks + to + tail, d->blocks + to, (from - to) * sizeof *tmp);
	memcpy(d->blocks + to, tmp, tail * sizeof *tmp);
	free(tmp);
}

/* ---- writers -------------------------------------------------------------- */

void
adj_html_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

void
adj_csv_field(FILE *f, const char *s)
{
	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
write_csv(const adj_doc *d, FILE *f)
{
	fputs("\xef\xbb\xbf", f);
	for (size_t i = 0; i < d->nblocks; i++) {
		const adj_doc_table *t = d->blocks[i].table;
		if (d->blocks[i].kind != B_TABLE || !t->main)
			continue;
		for (int c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', f);
			adj_csv_field(f, t->cols[c].name);
		}
		fputs("\r\n", f);
		for (size_t r = 0; r < t->nrows; r++) {
			for (int c = 0; c < t->ncols; c++) {
				if (c)
					fputc(',', f);
				adj_csv_field(f, t->rows[r][c]);
			}
			fputs("\r\n", f);
		}
		return;
	}
}

static const char css[] =
	"body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\","
	"\"Microsoft YaHei\",sans-serif;margin:2em;color:#222;max-width:1200px}"
	"h1{font-size:1.5em;border-bottom:2px solid #345;padding-bottom:.3em}"
	"h2{font-size:1.15em;margin-top:1.6em;color:#234}"
	"table{border-collapse:collapse;margin:.6em 0;font-size:.85em}"
	"th,td{border:1px solid #bbb;padding:.25em .5em;vertical-align:top}"
	"th{background:#e8edf3;text-align:left}td.r{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}tr.flag td{background:#fde8e8}"
	"svg{display:block;margin:.5em 0}svg text{font-size:12px;font-family:inherit}"
	".legend span{display:inline-block;margin-right:1.2em}.legend i{display:inline-block;"
	"width:.9em;height:.9em;margin-right:.3em;vertical-align:middle}"
	"@media print{body{margin:0}h2{page-break-after:avoid}table{page-break-inside:auto}"
	"tr{page-break-inside:avoid}}";

static const char *const palette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                      "#edc948", "#b07aa1", "#9c755f"};

static void
write_bars(const block *b, FILE *f)
{
	int64_t max = b->limit > 0 ? b->limit : 1;
	for (size_t i = 0; i < b->n; i++)
		if (b->values[i] > max)
			max = b->values[i];
	const int label_w = 260, bar_w = 560, row_h = 22;
	int h = (int)b->n * row_h + 10;
	fprintf(f, "<h3>");
	adj_html_escape(f, b->text);
	fprintf(f, "</h3>\n<svg width=\"%d\" height=\"%d\" role=\"img\">\n", label_w + bar_w + 140, h);
	for (size_t i = 0; i < b->n; i++) {
		int y = (int)i * row_h + 4;
		int64_t v = b->values[i] > 0 ? b->values[i] : 0;
		int w = (int)(v * bar_w / max);
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w - 6, y + 15);
		adj_html_escape(f, b->labels[i]);
		fprintf(f, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
		           "<text x=\"%d\" y=\"%d\">",
		        label_w, y, w, row_h - 6,
		        b->limit >= 0 && b->values[i] > b->limit ? "#e15759" : palette[0],
		        label_w + w + 6, y + 13);
		adj_html_escape(f, b->value_text[i]);
		fputs("</text>\n", f);
	}
	if (b->limit >= 0) {
		int x = label_w + (int)(b->limit * bar_w / max);
		fprintf(f, "<line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%d\" stroke=\"#222\" "
		           "stroke-dasharray=\"4 3\"/>\n",
		        x, x, h);
	}
	fputs("</svg>\n", f);
}

static void
write_shares(const block *b, FILE *f)
{
	const int label_w = 260, bar_w = 560, row_h = 22;
	fprintf(f, "<h3>");
	adj_html_escape(f, b->text);
	fputs("</h3>\n<div class=\"legend\">", f);
	for (size_t p = 0; p < b->k; p++) {
		fprintf(f, "<span><i style=\"background:%s\"></i>", palette[p % 8]);
		adj_html_escape(f, b->parts[p]);
		fputs("</span>", f);
	}
	fprintf(f, "</div>\n<svg width=\"%d\" height=\"%d\" role=\"img\">\n", label_w + bar_w + 20,
	        (int)b->n * row_h + 10);
	for (size_t i = 0; i < b->n; i++) {
		int y = (int)i * row_h + 4, x = label_w;
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w - 6, y + 15);
		adj_html_escape(f, b->labels[i]);
		fputs("</text>", f);
		for (size_t p = 0; p < b->k; p++) {
			int w = (int)((int64_t)b->bp[i * b->k + p] * bar_w / 10000);
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", x, y, w,
			        row_h - 6, palette[p % 8]);
			x += w;
		}
		fputc('\n', f);
	}
	fputs("</svg>\n", f);
}

static void
write_html(const adj_doc *d, FILE *f)
{
	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
	adj_html_escape(f, d->title);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
	adj_html_escape(f, d->title);
	fputs("</h1>\n", f);
	for (size_t i = 0; i < d->nblocks; i++) {
		const block *b = &d->blocks[i];
		switch (b->kind) {
		case B_HEADING:
			fputs("<h2>", f);
			adj_html_escape(f, b->text);
			fputs("</h2>\n", f);
			break;
		case B_PARA:
			fputs("<p>", f);
			adj_html_escape(f, b->text);
			fputs("</p>\n", f);
			break;
		case B_TABLE: {
			const adj_doc_table *t = b->table;
			fputs("<table>\n<thead><tr>", f);
			for (int c = 0; c < t->ncols; c++) {
				fputs("<th>", f);
				adj_html_escape(f, t->cols[c].name);
				fputs("</th>", f);
			}
			fputs("</tr></thead>\n<tbody>\n", f);
			for (size_t r = 0; r < t->nrows; r++) {
				fputs(t->flags[r] ? "<tr class=\"flag\">" : "<tr>", f);
				for (int c = 0; c < t->ncols; c++) {
					fputs(t->cols[c].align == ADJ_ALIGN_RIGHT ? "<td class=\"r\">" : "<td>", f);
					adj_html_escape(f, t->rows[r][c]);
					fputs("</td>", f);
				}
				fputs("</tr>\n", f);
			}
			fputs("</tbody>\n</table>\n", f);
			break;
		}
		case B_BARS:
			write_bars(b, f);
			break;
		case B_SHARES:
			write_shares(b, f);
			break;
		}
	}
	fputs("</body>\n</html>\n", f);
}

int
adj_doc_write(const adj_doc *d, FILE *f, adj_doc_format format)
{
	if (format == ADJ_FORMAT_CSV)
		write_csv(d, f);
	else
		write_html(d, f);
	return fflush(f) == 0 && !ferror(f) ? 0 : ADJ_EIO;
}
