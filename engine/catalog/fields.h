/*
 * fields.h - typed reading of CSV fields with diagnostics (SPEC 3, 4).
 *
 * Each helper reads one field of a row, reports a problem as
 * `file:line: column: what is wrong` and answers false when the field is
 * bad. Empty optional fields yield the "absent" value of catalog.h.
 */
#ifndef ADJ_CATALOG_FIELDS_H
#define ADJ_CATALOG_FIELDS_H

#include <stdbool.h>

#include "util/csv_reader.h"
#include "util/date.h"
#include "util/num.h"

typedef struct adj_fields {
	const char *display;          /* file name in diagnostics */
	const char *const *columns;   /* column names, for messages */
	const adj_csv_row *row;
	adj_diags *diags;
	int errors;                   /* problems found in this row */
} adj_fields;

void adj_fields_error(adj_fields *f, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

bool adj_field_empty(const adj_fields *f, int col);
/* Required non-empty text (at most max bytes). */
bool adj_field_text(adj_fields *f, int col, size_t max);
/* Money; `positive` demands > 0; empty gives -1 unless required. */
bool adj_field_money(adj_fields *f, int col, bool required, bool positive, adj_fen *out);
bool adj_field_percent(adj_fields *f, int col, bool required, adj_bp *out);
bool adj_field_qty(adj_fields *f, int col, bool required, adj_milli *out);
/* Date; empty gives ADJ_DATE_NONE unless required. */
bool adj_field_date(adj_fields *f, int col, bool required, adj_date *out);
/* Integer in [lo, hi]; empty gives -1 unless required. */
bool adj_field_int(adj_fields *f, int col, bool required, int64_t lo, int64_t hi, int64_t *out);
/* One of the NULL-terminated names; returns its index, or -1 (reported). */
int adj_field_enum(adj_fields *f, int col, const char *const *names);

#endif
