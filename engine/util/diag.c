/*
 * diag.c - the bounded diagnostics list of adjudicator.h.
 *
 * Entries own copies of their strings. The list never fails its caller:
 * allocation failure or the limit turns an entry into a `dropped` count, so
 * validation code can report and carry on without error paths of its own.
 */
#include "adjudicator.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
adj_diags_init(adj_diags *d, size_t limit)
{
	memset(d, 0, sizeof *d);
	d->limit = limit ? limit : ADJ_DIAGS_DEFAULT_LIMIT;
}

static char *
dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static void add_v(adj_diags *d, const char *file, long line, long column, const char *field,
                  const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

static void
add_v(adj_diags *d, const char *file, long line, long column, const char *field,
      const char *fmt, va_list ap)
{
	char msg[1024];

	if (d->count >= d->limit) {
		d->dropped++;
		return;
	}
	if (d->count == d->capacity) {
		size_t cap = d->capacity ? d->capacity * 2 : 16;
		adj_diag *items = realloc(d->items, cap * sizeof *items);
		if (!items) {
			d->dropped++;
			return;
		}
		d->items = items;
		d->capacity = cap;
	}
	vsnprintf(msg, sizeof msg, fmt, ap);
	adj_diag *e = &d->items[d->count];
	e->file = dup_or_empty(file);
	e->field = dup_or_empty(field);
	e->message = strdup(msg);
	e->line = line;
	e->column = column;
	if (!e->file || !e->field || !e->message) {
		free(e->file);
		free(e->field);
		free(e->message);
		d->dropped++;
		return;
	}
	d->count++;
}

void
adj_diags_add(adj_diags *d, const char *file, long line, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_v(d, file, line, 0, field, fmt, ap);
	va_end(ap);
}

void
adj_diags_add_at(adj_diags *d, const char *file, long line, long column, const char *field,
                 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_v(d, file, line, column, field, fmt, ap);
	va_end(ap);
}

size_t
adj_diags_total(const adj_diags *d)
{
	return d->count + d->dropped;
}

void
adj_diags_clear(adj_diags *d)
{
	for (size_t i = 0; i < d->count; i++) {
		free(d->items[i].file);
		free(d->items[i].field);
		free(d->items[i].message);
	}
	free(d->items);
	size_t limit = d->limit;
	adj_diags_init(d, limit);
}

static size_t
file_rank(const char *file, const char *const *files)
{
	size_t i = 0;
	for (; files[i]; i++)
		if (strcmp(file, files[i]) == 0)
			break;
	return i;
}

void
adj_diags_sort(adj_diags *d, const char *const *files)
{
	/* insertion sort: stable, and the list is bounded by its limit */
	for (size_t i = 1; i < d->count; i++) {
		adj_diag e = d->items[i];
		size_t r = file_rank(e.file, files);
		size_t j = i;
		while (j > 0) {
			const adj_diag *p = &d->items[j - 1];
			size_t pr = file_rank(p->file, files);
			if (pr < r || (pr == r && p->line <= e.line))
				break;
			d->items[j] = *p;
			j--;
		}
		d->items[j] = e;
	}
}

int
adj_exit_status(int err)
{
	switch (err) {
	case ADJ_OK:
		return 0;
	case ADJ_EUSAGE:
		return 64;
	case ADJ_EDATA:
		return 65;
	case ADJ_ENOINPUT:
		return 66;
	case ADJ_ECANTCREATE:
		return 73;
	case ADJ_EIO:
		return 74;
	default:
		return 70;
	}
}
