/*
 * test_csv.c - the catalog CSV reader: RFC 4180, header mapping, exact
 * line numbers, every problem reported (SPEC 4).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "util/csv_reader.h"

static const char *const cols[] = {"code", "name", "price"};

typedef struct {
	char text[2048];
	int rows;
} collected;

static int
collect(void *ctx, const adj_csv_row *row)
{
	collected *c = ctx;
	size_t n = strlen(c->text);
	snprintf(c->text + n, sizeof c->text - n, "%ld|%s|%s|%s\n", row->line, row->field[0],
	         row->field[1], row->field[2]);
	c->rows++;
	return 0;
}

/* Read text as a CSV file; returns the reader's code and fills out/diags. */
static int
read_text(const char *text, collected *out, adj_diags *d)
{
	char *dir = t_tempdir();
	t_write(dir, "x.csv", text);
	char path[4200];
	snprintf(path, sizeof path, "%s/x.csv", dir);
	memset(out, 0, sizeof *out);
	adj_diags_init(d, 0);
	int rc = adj_csv_read(path, "x.csv", cols, 3, collect, out, d);
	t_rmtree(dir);
	free(dir);
	return rc;
}

static void
expect_diag(const adj_diags *d, size_t i, long line, const char *field, const char *part)
{
	cr_assert(i < d->count, "expected at least %zu diagnostics, got %zu", i + 1, d->count);
	cr_expect_eq(d->items[i].line, line, "diag %zu line %ld, want %ld (%s)", i, d->items[i].line, line,
	             d->items[i].message);
	cr_expect_str_eq(d->items[i].field, field);
	cr_expect(strstr(d->items[i].message, part) != NULL, "diag %zu: \"%s\" lacks \"%s\"", i,
	          d->items[i].message, part);
}

Test(util_csv, columns_in_any_order_bom_crlf_and_empty_lines)
{
	collected c;
	adj_diags d;
	int rc = read_text("\xef\xbb\xbfprice,code,name\r\n\r\n12.50,A1,one\r\n\r\n3,B2,two\r\n", &c, &d);
	cr_expect_eq(rc, 0);
	cr_expect_eq(d.count, 0);
	cr_expect_str_eq(c.text, "3|A1|one|12.50\n5|B2|two|3\n");
	adj_diags_clear(&d);
}

Test(util_csv, quoted_fields_keep_commas_quotes_and_newlines_and_report_their_first_line)
{
	collected c;
	adj_diags d;
	int rc = read_text("code,name,price\n\"A,1\",\"say \"\"hi\"\"\",1\n\"B\",\"two\nlines\",2\nC,c,3\n",
	                   &c, &d);
	cr_expect_eq(rc, 0);
	cr_expect_eq(d.count, 0);
	cr_expect_str_eq(c.text, "2|A,1|say \"hi\"|1\n3|B|two\nlines|2\n5|C|c|3\n");
	adj_diags_clear(&d);
}

Test(util_csv, spaces_are_kept_so_the_value_grammar_can_refuse_them)
{
	collected c;
	adj_diags d;
	read_text("code,name,price\n A , b , 1\n", &c, &d);
	cr_expect_str_eq(c.text, "2| A | b | 1\n");
	adj_diags_clear(&d);
}

Test(util_csv, a_wrong_field_count_is_reported_and_the_rest_still_read)
{
	collected c;
	adj_diags d;
	int rc = read_text("code,name,price\nA,a\nB,b,2,extra\nC,c,3\n", &c, &d);
	cr_expect_eq(rc, 0);
	cr_expect_eq(d.count, 2);
	expect_diag(&d, 0, 2, "", "2 fields where the header has 3");
	expect_diag(&d, 1, 3, "", "4 fields where the header has 3");
	cr_expect_str_eq(c.text, "4|C|c|3\n");
	adj_diags_clear(&d);
}

Test(util_csv, broken_quoting_names_its_line_and_reading_resumes)
{
	collected c;
	adj_diags d;
	read_text("code,name,price\nA,a\"b,1\nB,\"b\"x,2\nC,c,3\n", &c, &d);
	cr_expect_eq(d.count, 2);
	expect_diag(&d, 0, 2, "", "malformed CSV quoting");
	expect_diag(&d, 1, 3, "", "malformed CSV quoting");
	cr_expect_str_eq(c.text, "4|C|c|3\n");
	adj_diags_clear(&d);
}

Test(util_csv, an_unclosed_quote_at_the_end_names_the_line_it_opened_on)
{
	collected c;
	adj_diags d;
	read_text("code,name,price\nA,a,1\nB,\"never closed,2\nC,c,3\n", &c, &d);
	cr_expect_eq(d.count, 1);
	expect_diag(&d, 0, 3, "", "not closed");
	adj_diags_clear(&d);
}

Test(util_csv, header_problems_are_all_reported_and_no_row_is_read)
{
	collected c;
	adj_diags d;
	int rc = read_text("code,nmae,code,colour\nA,a,A,red\n", &c, &d);
	cr_expect_eq(rc, ADJ_EDATA);
	cr_expect_eq(c.rows, 0);
	cr_expect_eq(d.count, 5);
	expect_diag(&d, 0, 1, "nmae", "unknown column");
	expect_diag(&d, 1, 1, "code", "column named twice");
	expect_diag(&d, 2, 1, "colour", "unknown column");
	expect_diag(&d, 3, 1, "name", "missing column");
	expect_diag(&d, 4, 1, "price", "missing column");
	adj_diags_clear(&d);
}

Test(util_csv, invalid_utf8_and_control_characters_are_refused_per_field)
{
	collected c;
	adj_diags d;
	read_text("code,name,price\nA,\xff\xfe,1\nB,b\x01,2\nC,\xe4\xb8\xad,3\n", &c, &d);
	cr_expect_eq(d.count, 2);
	expect_diag(&d, 0, 2, "name", "UTF-8");
	expect_diag(&d, 1, 3, "name", "UTF-8");
	cr_expect_str_eq(c.text, "4|C|\xe4\xb8\xad|3\n");
	adj_diags_clear(&d);
}

Test(util_csv, a_missing_file_and_an_empty_file_are_errors)
{
	collected c;
	adj_diags d;
	adj_diags_init(&d, 0);
	cr_expect_eq(adj_csv_read("/nonexistent/x.csv", "x.csv", cols, 3, collect, &c, &d), ADJ_ENOINPUT);
	cr_expect_eq(d.count, 1);
	adj_diags_clear(&d);
	cr_expect_eq(read_text("", &c, &d), ADJ_EDATA);
	expect_diag(&d, 0, 1, "", "no header row");
	adj_diags_clear(&d);
}

Test(util_csv, a_file_without_final_newline_still_gives_its_last_row)
{
	collected c;
	adj_diags d;
	read_text("code,name,price\nA,a,1", &c, &d);
	cr_expect_eq(d.count, 0);
	cr_expect_str_eq(c.text, "2|A|a|1\n");
	adj_diags_clear(&d);
}

Test(util_csv, utf8_validation_table)
{
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
		{"plain", 1}, {"\xe5\xbc\xa0\xe4\xbc\x9f", 1}, {"tab\there", 1},
		{"\xc0\xaf", 0},           /* overlong */
		{"\xed\xa0\x80", 0},       /* surrogate */
		{"\xf4\x90\x80\x80", 0},   /* above U+10FFFF */
		{"\xe5\xbc", 0},           /* truncated */
		{"a\x7f", 0}, {"a\nb", 1}, {"a\x1b", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_eq(adj_utf8_text_ok(cases[i].s, strlen(cases[i].s)), cases[i].ok, "case %zu", i);
}

/* A line with no quote and no lone CR is split by the reader itself, any
 * other by libcsv: each plain line here must read exactly as the same
 * fields quoted (which libcsv reads), line numbers and diagnostics too. */
Test(util_csv, a_plain_line_reads_as_the_same_fields_quoted)
{
	static const char *const rows[][3] = {
		{"A1", "one", "12.50"}, {"", "", ""},         {" a ", "b ", " 1"},
		{"X", "\xe4\xb8\xad\xe6\x96\x87", "0"},        {"tab\there", "x", "y"},
		{"B", "b\x01", "2"},    {"C", "\xff", "3"},    {"long", "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", "9"},
	};
	enum { N = sizeof rows / sizeof rows[0] };
	char plain[1024] = "code,name,price\n", quoted[1024] = "code,name,price\n";
	for (size_t i = 0; i < N; i++) {
		const char *eol = i % 2 ? "\r\n" : "\n";
		size_t p = strlen(plain), q = strlen(quoted);
		snprintf(plain + p, sizeof plain - p, "%s,%s,%s%s", rows[i][0], rows[i][1], rows[i][2], eol);
		snprintf(quoted + q, sizeof quoted - q, "\"%s\",\"%s\",\"%s\"%s", rows[i][0], rows[i][1],
		         rows[i][2], eol);
	}
	/* a wrong field count and an empty line, both ways */
	strcat(plain, "D,d\n\nE,e,5,extra\nF,f,6\n");
	strcat(quoted, "\"D\",\"d\"\n\n\"E\",\"e\",\"5\",\"extra\"\n\"F\",\"f\",\"6\"\n");

	collected a, b;
	adj_diags da, db;
	cr_assert_eq(read_text(plain, &a, &da), 0);
	cr_assert_eq(read_text(quoted, &b, &db), 0);
	cr_expect_str_eq(a.text, b.text);
	cr_expect_eq(a.rows, 7); /* 8 rows, 2 refused, D and E refused, F read */
	cr_expect(strstr(a.text, "4| a |b | 1\n") != NULL, "%s", a.text);
	cr_expect(strstr(a.text, "13|F|f|6\n") != NULL, "%s", a.text);
	cr_assert_eq(da.count, db.count);
	cr_expect_eq(da.count, 4);
	for (size_t i = 0; i < da.count; i++) {
		cr_expect_eq(da.items[i].line, db.items[i].line, "diagnostic %zu", i);
		cr_expect_str_eq(da.items[i].field, db.items[i].field);
		cr_expect_str_eq(da.items[i].message, db.items[i].message);
	}
	adj_diags_clear(&da);
	adj_diags_clear(&db);
}

/* A CR inside a line ends a record for libcsv: the reader leaves such a
 * line to libcsv rather than take the CR into a field. */
Test(util_csv, a_lone_carriage_return_is_left_to_libcsv)
{
	collected c;
	adj_diags d;
	read_text("code,name,price\nA,a\rb,1\nC,c,3\n", &c, &d);
	cr_expect(strstr(c.text, "\r") == NULL, "a CR reached a field: %s", c.text);
	cr_expect(strstr(c.text, "|C|c|3\n") != NULL, "%s", c.text);
	cr_expect_eq(d.count, 2, "%zu diagnostics", d.count);
	adj_diags_clear(&d);
}

/* A lone CR ends a row and a quote opens the next record on the same line:
 * that record is open, so the quote-free lines after it belong to its
 * field (not to rows of their own), and it began on that line. */
Test(util_csv, a_record_opened_after_a_lone_carriage_return_keeps_its_next_lines)
{
	collected c;
	adj_diags d;
	int rc = read_text("code,name,price\nx,y,z\r\"b,\nc,d,e\nf\",g,h\nC,c,3\n", &c, &d);
	cr_expect_eq(rc, 0);
	cr_expect_eq(d.count, 0, "%zu diagnostics", d.count);
	cr_expect_str_eq(c.text, "2|x|y|z\n2|b,\nc,d,e\nf|g|h\n5|C|c|3\n");
	adj_diags_clear(&d);
}

/* A long quoted field under the cap spans lines and the rows after it read
 * normally; a quoted field that goes past the cap stops the reading where
 * it began, instead of libcsv holding the rest of the file in it. */
Test(util_csv, a_quoted_field_past_the_cap_stops_the_reading_and_one_under_it_does_not)
{
	enum { PART = 20000 };
	char *text = malloc(8 * PART + 256), *p = text;
	p += sprintf(p, "code,name,price\n1,\"");
	for (int i = 0; i < 3; i++) { /* 60,000 bytes and three newlines: under 64 KiB */
		memset(p, 'a', PART - 1);
		p += PART - 1;
		*p++ = '\n';
	}
	p += sprintf(p, "\",3\n4,5,6\n\"q\",8,9\n10,11,12\n");
	collected c;
	adj_diags d;
	cr_expect_eq(read_text(text, &c, &d), 0);
	cr_expect_eq(d.count, 0, "%zu diagnostics: %s", d.count, d.count ? d.items[0].message : "");
	cr_expect_eq(c.rows, 4); /* (c.text is too short to show them) */
	adj_diags_clear(&d);

	p = text + sprintf(text, "code,name,price\n0,a,1\n1,\"");
	for (int i = 0; i < 5; i++) { /* 100,000 bytes: past the cap */
		memset(p, 'a', PART - 1);
		p += PART - 1;
		*p++ = '\n';
	}
	sprintf(p, "\",3\n4,5,6\n");
	cr_expect_eq(read_text(text, &c, &d), ADJ_EDATA);
	cr_expect_eq(d.count, 1);
	expect_diag(&d, 0, 3, "", "field longer than 65536 bytes");
	cr_expect_str_eq(c.text, "2|0|a|1\n");
	adj_diags_clear(&d);
	free(text);
}
