/*
 * fields.c - the typed field readers of fields.h.
 */
#include "fields.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
adj_fields_error(adj_fields *f, int col, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	adj_diags_add(f->diags, f->display, f->row->line, col >= 0 ? f->columns[col] : "", "%s", msg);
	f->errors++;
}

bool
adj_field_empty(const adj_fields *f, int col)
{
	return f->row->len[col] == 0;
}

/* Quote a field for a message, shortened. */
static const char *
shown(const adj_fields *f, int col, char *buf, size_t n)
{
	size_t len = f->row->len[col];
	if (len > 40)
		snprintf(buf, n, "\"%.40s...\"", f->row->field[col]);
	else
		snprintf(buf, n, "\"%s\"", f->row->field[col]);
	return buf;
}

bool
adj_field_text(adj_fields *f, int col, size_t max)
{
	if (adj_field_empty(f, col)) {
		adj_fields_error(f, col, "required, but empty");
		return false;
	}
	if (f->row->len[col] > max) {
		adj_fields_error(f, col, "longer than %zu bytes", max);
		return false;
	}
	return true;
}

bool
adj_field_money(adj_fields *f, int col, bool required, bool positive, adj_fen *out)
{
	char b[64];
	*out = -1;
	if (adj_field_empty(f, col)) {
		if (required)
			adj_fields_error(f, col, "required, but empty");
		return !required;
	}
	if (!adj_fen_parse(f->row->field[col], f->row->len[col], out)) {
		adj_fields_error(f, col, "not an amount in yuan (digits, at most 2 decimals, like 12.50): %s",
		                 shown(f, col, b, sizeof b));
		*out = -1;
		return false;
	}
	if (positive && *out == 0) {
		adj_fields_error(f, col, "must be greater than 0");
		return false;
	}
	return true;
}

bool
adj_field_percent(adj_fields *f, int col, bool required, adj_bp *out)
{
	char b[64];
	*out = -1;
	if (adj_field_empty(f, col)) {
		if (required)
			adj_fields_error(f, col, "required, but empty");
		return !required;
	}
	if (!adj_bp_parse(f->row->field[col], f->row->len[col], out)) {
		adj_fields_error(f, col, "not a percentage from 0 to 100 (at most 2 decimals): %s",
		                 shown(f, col, b, sizeof b));
		*out = -1;
		return false;
	}
	return true;
}

bool
adj_field_qty(adj_fields *f, int col, bool required, adj_milli *out)
{
	char b[64];
	*out = -1;
	if (adj_field_empty(f, col)) {
		if (required)
			adj_fields_error(f, col, "required, but empty");
		return !required;
	}
	if (!adj_milli_parse(f->row->field[col], f->row->len[col], out) || *out == 0) {
		adj_fields_error(f, col, "not a quantity greater than 0 (at most 3 decimals): %s",
		                 shown(f, col, b, sizeof b));
		*out = -1;
		return false;
	}
	return true;
}

bool
adj_field_date(adj_fields *f, int col, bool required, adj_date *out)
{
	char b[64];
	*out = ADJ_DATE_NONE;
	if (adj_field_empty(f, col)) {
		if (required)
			adj_fields_error(f, col, "required, but empty");
		return !required;
	}
	if (!adj_date_parse(f->row->field[col], f->row->len[col], out)) {
		adj_fields_error(f, col, "not a date that exists (YYYY-MM-DD): %s",
		                 shown(f, col, b, sizeof b));
		*out = ADJ_DATE_NONE;
		return false;
	}
	return true;
}

bool
adj_field_int(adj_fields *f, int col, bool required, int64_t lo, int64_t hi, int64_t *out)
{
	char b[64];
	*out = -1;
	if (adj_field_empty(f, col)) {
		if (required)
			adj_fields_error(f, col, "required, but empty");
		return !required;
	}
	if (!adj_uint_parse(f->row->field[col], f->row->len[col], 9, out) || *out < lo || *out > hi) {
		adj_fields_error(f, col, "not a whole number from %lld to %lld: %s", (long long)lo,
		                 (long long)hi, shown(f, col, b, sizeof b));
		*out = -1;
		return false;
	}
	return true;
}

int
adj_field_enum(adj_fields *f, int col, const char *const *names)
{
	char b[64], list[200] = "";
	for (int i = 0; names[i]; i++) {
		if (strcmp(f->row->field[col], names[i]) == 0)
			return i;
		if (i)
			strncat(list, ", ", sizeof list - strlen(list) - 1);
		strncat(list, names[i][0] ? names[i] : "(empty)", sizeof list - strlen(list) - 1);
	}
	adj_fields_error(f, col, "not one of %s: %s", list, shown(f, col, b, sizeof b));
	return -1;
}
