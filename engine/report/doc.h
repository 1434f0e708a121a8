/*
 * doc.h - a report as a document: headings, paragraphs, tables and bar
 * charts, written as CSV (the main table only) or as one self-contained
 * HTML page (inline CSS and SVG, no script, no network).
 *
 * Ownership: the document owns every string it is given (copied into its
 * arena) and is freed with adj_doc_free. Cells are text already formatted
 * (money with two decimals, percents with their sign), so CSV and HTML show
 * the same figures.
 */
#ifndef ADJ_REPORT_DOC_H
#define ADJ_REPORT_DOC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct adj_doc adj_doc;
typedef struct adj_doc_table adj_doc_table;

typedef enum { ADJ_ALIGN_LEFT, ADJ_ALIGN_RIGHT } adj_align;

typedef struct adj_doc_col {
	const char *name;
	adj_align align;
} adj_doc_col;

adj_doc *adj_doc_new(const char *title);
void adj_doc_free(adj_doc *d);

void adj_doc_heading(adj_doc *d, const char *text);
void adj_doc_para(adj_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A table; `main` marks the one table written in CSV format. */
adj_doc_table *adj_doc_table_new(adj_doc *d, const adj_doc_col *cols, int ncols, bool main);
/* Append a row of ncols cells (NULL cells are empty). `flag` highlights it. */
void adj_doc_row(adj_doc_table *t, const char *const *cells, bool flag);
size_t adj_doc_rows(const adj_doc_table *t);

/* A horizontal bar chart: one bar per label, values in the same unit
 * (fen, counts, basis points), labels of the values already formatted.
 * With `limit` >= 0, a marker line is drawn at that value (a budget). */
void adj_doc_bars(adj_doc *d, const char *title, const char *const *labels, const int64_t *values,
                  const char *const *value_text, size_t n, int64_t limit);

/* A stacked 100% bar per label: k shares (basis points) named by parts. */
void adj_doc_shares(adj_doc *d, const char *title, const char *const *labels, size_t n,
                    const char *const *parts, size_t k, const int32_t *bp /* n x k */);

/* Blocks so far, as a position for adj_doc_hoist. */
size_t adj_doc_mark(const adj_doc *d);

/* Move the blocks added since position `from` to position `to` (<= from):
 * summaries computed while the detail was read can still come first. */
void adj_doc_hoist(adj_doc *d, size_t from, size_t to);

typedef enum { ADJ_FORMAT_HTML, ADJ_FORMAT_CSV } adj_doc_format;

/* Write the document. Returns 0, or ADJ_EIO when writing failed. */
int adj_doc_write(const adj_doc *d, FILE *f, adj_doc_format format);

/* Write s escaped for HTML text and attribute values (& < > " '). */
void adj_html_escape(FILE *f, const char *s);

/* Write one CSV field with RFC 4180 quoting when needed. */
void adj_csv_field(FILE *f, const char *s);

#endif
