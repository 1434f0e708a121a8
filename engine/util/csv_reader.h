/*
 * csv_reader.h - RFC 4180 catalog files with exact line numbers (SPEC 4).
 *
 * The tokenising is libcsv's (strict mode); this layer adds what the
 * contract needs around it: a skipped UTF-8 byte-order mark, CRLF or LF,
 * empty lines skipped, the header row mapped to the caller's column list
 * (any order, every column present, no unknown or repeated column), the
 * field count checked on every row, UTF-8 checked on every field, size caps
 * on lines and fields, and the physical line each record starts on, so that
 * every problem can be reported as `file:line: column: what is wrong`.
 */
#ifndef ADJ_UTIL_CSV_READER_H
#define ADJ_UTIL_CSV_READER_H

#include <stddef.h>
#include <stdint.h>

#include "adjudicator.h"

#define ADJ_CSV_MAX_FIELD (64 * 1024)
#define ADJ_CSV_MAX_RECORD (1024 * 1024)
#define ADJ_CSV_MAX_COLUMNS 64

/* One data row, its fields in the caller's column order (NUL-terminated). */
typedef struct adj_csv_row {
	const char *field[ADJ_CSV_MAX_COLUMNS];
	size_t len[ADJ_CSV_MAX_COLUMNS];
	long line;     /* physical line the record starts on (1-based) */
	uint64_t read; /* bytes of the file read so far (for progress) */
	uint64_t size; /* the file's size, 0 when unknown */
} adj_csv_row;

/* Called for each well-formed data row. Return 0 to go on, a negative
 * ADJ_E* code to stop reading (that code is then returned). */
typedef int (*adj_csv_row_fn)(void *ctx, const adj_csv_row *row);

/*
 * Read the CSV file at path, naming it `display` in diagnostics. columns
 * lists the ncols expected header names. Every malformed row is reported
 * into diags and skipped; rows that parse are passed to fn.
 * Returns 0 when the whole file was read (problems may still be in diags:
 * compare adj_diags_total before and after), ADJ_ENOINPUT when it cannot be
 * opened (reported), ADJ_EDATA when the header is unusable (reported; no row
 * was passed), or the code fn returned.
 */
int adj_csv_read(const char *path, const char *display, const char *const *columns,
                 size_t ncols, adj_csv_row_fn fn, void *ctx, adj_diags *diags);

/* True when the n bytes at s are valid UTF-8 without NUL, DEL or C0
 * control characters other than tab, CR and LF (which RFC 4180 quoting
 * allows inside a field). */
int adj_utf8_text_ok(const char *s, size_t n);

#endif
