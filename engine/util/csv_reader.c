/*
 * csv_reader.c - libcsv driven one physical line at a time.
 *
 * Feeding libcsv a line at a time is what gives exact positions: a record
 * starts on the first non-empty line fed while no record is open, and ends
 * on the line whose newline completes it (a quoted field may span lines).
 * Invariant: `open_record` is true exactly while libcsv holds part of a
 * record. After a quoting error the parser is reset and reading resumes on
 * the next line, so one broken row does not hide the problems after it.
 */
#include "csv_reader.h"

#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct reader {
	const char *display;
	const char *const *columns;
	size_t ncols;
	adj_csv_row_fn fn;
	void *ctx;
	adj_diags *diags;

	long line;         /* physical line being fed */
	long record_line;  /* line the open record started on */
	int rows_ended;    /* rows completed during the current feed */
	int stop;          /* error code from fn, or ADJ_EDATA for a bad header */
	uint64_t read, size; /* progress */
	int header_done;
	int map[ADJ_CSV_MAX_COLUMNS]; /* file column -> caller column, -1 unused */
	size_t file_cols;

	/* fields of the record being assembled */
	char *buf;
	size_t used, cap;
	size_t off[ADJ_CSV_MAX_COLUMNS + 1];
	size_t flen[ADJ_CSV_MAX_COLUMNS + 1];
	size_t nfields;     /* fields seen, possibly more than stored */
	int too_long;
} reader;

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

int
adj_utf8_text_ok(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return 0;
			if (c == 0x7f)
				return 0;
			i++;
			continue;
		}
		size_t k;
		unsigned min;
		unsigned cp;
		if ((c & 0xe0) == 0xc0) {
			k = 1, min = 0x80, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2, min = 0x800, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i <= k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

static void
add_field(reader *r, const char *data, size_t n)
{
	size_t idx = r->nfields++;

	if (idx >= ADJ_CSV_MAX_COLUMNS || r->too_long)
		return;
	if (n > ADJ_CSV_MAX_FIELD || r->used + n + 1 > ADJ_CSV_MAX_RECORD) {
		r->too_long = 1;
		return;
	}
	if (r->used + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		while (cap < r->used + n + 1)
			cap *= 2;
		char *b = realloc(r->buf, cap);
		if (!b) {
			r->too_long = 1;
			return;
		}
		r->buf = b;
		r->cap = cap;
	}
	if (n)
		memcpy(r->buf + r->used, data, n);
	r->buf[r->used + n] = '\0';
	r->off[idx] = r->used;
	r->flen[idx] = n;
	r->used += n + 1;
}

static void
on_field(void *data, size_t n, void *r)
{
	add_field(r, data, n);
}

static void
header_row(reader *r)
{
	int seen[ADJ_CSV_MAX_COLUMNS] = {0};
	int bad = 0;

	r->file_cols = r->nfields;
	for (size_t i = 0; i < r->nfields && i < ADJ_CSV_MAX_COLUMNS; i++) {
		const char *name = r->buf + r->off[i];
		r->map[i] = -1;
		size_t j;
		for (j = 0; j < r->ncols; j++)
			if (strcmp(name, r->columns[j]) == 0)
				break;
		if (j == r->ncols) {
			adj_diags_add(r->diags, r->display, r->record_line, name, "unknown column");
			bad = 1;
		} else if (seen[j]) {
			adj_diags_add(r->diags, r->display, r->record_line, name, "column named twice");
			bad = 1;
		} else {
			seen[j] = 1;
			r->map[i] = (int)j;
		}
	}
	if (r->nfields > ADJ_CSV_MAX_COLUMNS) {
		adj_diags_add(r->diags, r->display, r->record_line, "", "more than %d columns",
		              ADJ_CSV_MAX_COLUMNS);
		bad = 1;
	}
	for (size_t j = 0; j < r->ncols; j++) {
		if (!seen[j]) {
			adj_diags_add(r->diags, r->display, r->record_line, r->columns[j],
			              "missing column");
			bad = 1;
		}
	}
	r->header_done = 1;
	if (bad)
		r->stop = ADJ_EDATA;
}

static void
on_row(int term, void *vr)
{
	reader *r = vr;
	(void)term;

	r->rows_ended++;
	if (r->stop)
		goto reset;
	if (r->too_long) {
		adj_diags_add(r->diags, r->display, r->record_line, "",
		              "field longer than %d bytes or record longer than %d bytes",
		              ADJ_CSV_MAX_FIELD, ADJ_CSV_MAX_RECORD);
		goto reset;
	}
	if (!r->header_done) {
		header_row(r);
		goto reset;
	}
	if (r->nfields != r->file_cols) {
		adj_diags_add(r->diags, r->display, r->record_line, "",
		              "%zu fields where the header has %zu", r->nfields, r->file_cols);
		goto reset;
	}
	adj_csv_row row;
	int ok = 1;
	row.line = r->record_line;
	row.read = r->read;
	row.size = r->size;
	for (size_t i = 0; i < r->nfields; i++) {
		int j = r->map[i];
		row.field[j] = r->buf + r->off[i];
		row.len[j] = r->flen[i];
		if (!adj_utf8_text_ok(row.field[j], row.len[j])) {
			adj_diags_add(r->diags, r->display, r->record_line, r->columns[j],
			              "not valid UTF-8 text (or holds a control character)");
			ok = 0;
		}
	}
	if (ok) {
		int rc = r->fn(r->ctx, &row);
		if (rc < 0)
			r->stop = rc;
	}
reset:
	r->nfields = 0;
	r->used = 0;
	r->too_long = 0;
}

/* libcsv's parser state between records (ROW_NOT_BEGUN in libcsv.c; the
 * state is a public field of struct csv_parser, its values are not named
 * in csv.h) */
enum { LIBCSV_ROW_NOT_BEGUN = 0 };

static int
parser_init(struct csv_parser *p)
{
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return ADJ_ENOMEM;
	csv_set_space_func(p, no_space);
	return 0;
}

/*
 * A line that ends in '\n' (or "\r\n") and holds no '"' and no other '\r'
 * is one whole record whose fields are what lies between its commas: that
 * is all libcsv would find in it (no quoting, no spaces trimmed). Most
 * catalog and registry lines are such lines; splitting them here, with
 * memchr, instead of libcsv's byte-at-a-time state machine, takes a sixth
 * off a catalog import. Any other line goes to libcsv.
 */
static bool
plain_line(const char *s, size_t *n)
{
	if (*n == 0 || s[*n - 1] != '\n')
		return false;
	size_t k = *n - 1;
	if (k && s[k - 1] == '\r')
		k--;
	if (memchr(s, '"', k) || memchr(s, '\r', k))
		return false;
	*n = k; /* the record without its line end */
	return true;
}

/* The fields of a plain line's n bytes (its line end already cut off). */
static void
split_line(reader *r, const char *s, size_t n)
{
	const char *end = s + n;
	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *stop = comma ? comma : end;
		add_field(r, s, (size_t)(stop - s));
		if (!comma)
			break;
		s = comma + 1;
	}
	on_row('\n', r);
}

/* Feed one physical line (with its '\n' if any) to libcsv. */
static int
feed_line(reader *r, struct csv_parser *p, const char *s, size_t n, int *open_record)
{
	if (!*open_record) {
		/* an empty line outside a record is skipped */
		if (n == 0 || (n == 1 && s[0] == '\n') || (n == 2 && s[0] == '\r' && s[1] == '\n'))
			return 0;
		r->record_line = r->line;
	}
	r->rows_ended = 0;
	size_t k = n;
	if (!*open_record && plain_line(s, &k)) {
		split_line(r, s, k);
		return 0;
	}
	size_t done = csv_parse(p, s, n, on_field, on_row, r);
	if (done < n) {
		adj_diags_add(r->diags, r->display, r->record_line, "",
		              "malformed CSV quoting (a quote must open a field and be doubled inside one)");
		csv_free(p);
		r->nfields = 0;
		r->used = 0;
		r->too_long = 0;
		*open_record = 0;
		return parser_init(p);
	}
	/* A record stays open when the line completed no row (a quoted field
	 * goes on, or the file ends without a newline), or when libcsv is in
	 * a record again after the last row it completed (a lone CR ended a row
	 * and a quoted field opened after it): then that record began here. */
	bool in_record = p->pstate != LIBCSV_ROW_NOT_BEGUN;
	if (r->rows_ended && in_record)
		r->record_line = r->line;
	*open_record = r->rows_ended == 0 || in_record;
	if (*open_record && p->entry_pos > ADJ_CSV_MAX_FIELD) {
		/* libcsv would hold all the rest of the file in this field */
		adj_diags_add(r->diags, r->display, r->record_line, "",
		              "field longer than %d bytes (a quote never closed?); reading stopped here",
		              ADJ_CSV_MAX_FIELD);
		r->stop = ADJ_EDATA;
	}
	return 0;
}

/* Lines are cut out of 64 KiB fread() blocks: no per-line locking or
 * allocation (getline locks the stream on every call). A line longer than
 * a block is assembled in `line`, up to ADJ_CSV_MAX_RECORD. */
int
adj_csv_read(const char *path, const char *display, const char *const *columns, size_t ncols,
             adj_csv_row_fn fn, void *ctx, adj_diags *diags)
{
	reader r;
	struct csv_parser p;
	FILE *f;
	enum { BLOCK = 64 * 1024 };
	char *block = NULL, *line = NULL;
	size_t line_len = 0, line_cap = 0, got;
	int open_record = 0, eof = 0, rc = 0;

	memset(&r, 0, sizeof r);
	r.display = display;
	r.columns = columns;
	r.ncols = ncols;
	r.fn = fn;
	r.ctx = ctx;
	r.diags = diags;

	f = fopen(path, "rb");
	if (!f) {
		adj_diags_add(diags, display, 0, "", "cannot open: %s", strerror(errno));
		return errno == ENOENT ? ADJ_ENOINPUT : ADJ_EIO;
	}
	block = malloc(BLOCK);
	if (!block || (rc = parser_init(&p)) != 0) {
		free(block);
		fclose(f);
		return rc ? rc : ADJ_ENOMEM;
	}
	bool first = true, too_long = false;
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
		r.size = (uint64_t)st.st_size;
	while (!r.stop && !rc && !eof) {
		got = fread(block, 1, BLOCK, f);
		r.read += got;
		if (got < BLOCK)
			eof = 1;
		size_t pos = 0;
		while (pos < got && !r.stop && !rc) {
			const char *nl = memchr(block + pos, '\n', got - pos);
			size_t take = nl ? (size_t)(nl - (block + pos)) + 1 : got - pos;
			const char *s = block + pos;
			size_t n = take;
			pos += take;
			if (line_len || !nl) {
				/* a line spanning blocks: assemble it */
				if (!too_long && line_len + take > ADJ_CSV_MAX_RECORD) {
					adj_diags_add(diags, display, r.line + 1, "", "line longer than %d bytes",
					              ADJ_CSV_MAX_RECORD);
					r.stop = ADJ_EDATA;
					too_long = true;
					break;
				}
				if (line_len + take > line_cap) {
					size_t cap = line_cap ? line_cap * 2 : BLOCK;
					while (cap < line_len + take)
						cap *= 2;
					char *nb = realloc(line, cap);
					if (!nb) {
						rc = ADJ_ENOMEM;
						break;
					}
					line = nb;
					line_cap = cap;
				}
				memcpy(line + line_len, s, take);
				line_len += take;
				if (!nl && !eof)
					continue; /* the rest comes with the next block */
				s = line;
				n = line_len;
				line_len = 0;
			}
			r.line++;
			if (first) {
				first = false;
				if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
					s += 3;
					n -= 3;
				}
			}
			rc = feed_line(&r, &p, s, n, &open_record);
		}
	}
	/* a last line without a newline */
	if (!rc && !r.stop && line_len) {
		r.line++;
		rc = feed_line(&r, &p, line, line_len, &open_record);
	}
	if (!rc && ferror(f)) {
		adj_diags_add(diags, display, r.line, "", "read error");
		rc = ADJ_EIO;
	}
	if (!rc && !r.stop) {
		if (csv_fini(&p, on_field, on_row, &r) != 0)
			adj_diags_add(diags, display, r.record_line, "",
			              "quoted field not closed before the end of the file");
	}
	if (!rc && !r.header_done && !r.stop) {
		adj_diags_add(diags, display, 1, "", "no header row");
		r.stop = ADJ_EDATA;
	}
	if (!rc)
		rc = r.stop;
	csv_free(&p);
	free(block);
	free(line);
	free(r.buf);
	fclose(f);
	return rc;
}
