/*
 * cmd_report.c - `report ...`, `settle`, `catalog derive-caps`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int
parse_year(const char *s, int *year)
{
	char *end;
	long v;
	if (!s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1900 || v > 9999)
		return -1;
	*year = (int)v;
	return 0;
}

/* Open -o (or stdout). The report is written to a temporary file and
 * renamed, so a failed report never leaves half a file. */
typedef struct output {
	FILE *f;
	char tmp[4200];
	const char *path;
} output;

static int
out_open(output *o, const char *path)
{
	o->path = path;
	o->tmp[0] = '\0';
	if (!path) {
		o->f = stdout;
		return 0;
	}
	snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", path, (long)getpid());
	o->f = fopen(o->tmp, "wb");
	if (!o->f)
		return cli_fail(ADJ_ECANTCREATE, "cannot create %s: %s", path, strerror(errno));
	return 0;
}

static int
out_close(output *o, int rc)
{
	if (!o->path)
		return fflush(stdout) == 0 ? rc : ADJ_EIO;
	if (fclose(o->f) != 0 && !rc)
		rc = ADJ_EIO;
	if (!rc && rename(o->tmp, o->path) != 0)
		rc = ADJ_ECANTCREATE;
	if (rc)
		remove(o->tmp);
	return rc;
}

static adj_report_format
pick_format(const char *format, const char *out, int *bad)
{
	*bad = 0;
	if (format) {
		if (strcmp(format, "html") == 0)
			return ADJ_REPORT_HTML;
		if (strcmp(format, "csv") == 0)
			return ADJ_REPORT_CSV;
		*bad = 1;
		return ADJ_REPORT_CSV;
	}
	size_t n = out ? strlen(out) : 0;
	if ((n > 5 && strcmp(out + n - 5, ".html") == 0) || (n > 4 && strcmp(out + n - 4, ".htm") == 0))
		return ADJ_REPORT_HTML;
	return ADJ_REPORT_CSV;
}

static adj_db *
open_db(const char *flag, int *status)
{
	char err[600];
	adj_db *db = NULL;
	int rc = adj_db_open(&db, adj_db_default_path(flag), 0, err, sizeof err);
	if (rc)
		*status = cli_fail(rc, "%s", err);
	return db;
}

int
cmd_report(int argc, char **argv)
{
	static const char usage[] =
		"usage: adjudicator report rejections [--hospital H] [--batch ID] [--from D] [--to D]\n"
		"                                     [--format html|csv] [-o FILE] [--db FILE]\n"
		"       adjudicator report budget --year Y [--hospital H] [--format html|csv] [-o FILE]\n"
		"       adjudicator report cost-structure --year Y [--hospital H] [--format html|csv] [-o FILE]\n"
		"       adjudicator report member ID --year Y [--format html|csv] [-o FILE]\n"
		"The format is html when -o ends in .html, csv otherwise, unless --format says.\n"
		"CSV is UTF-8 with a byte-order mark (Excel, WPS), one header row; HTML is one\n"
		"self-contained page with charts (inline CSS and SVG, no script).\n";
	cli_opt opts[] = {{"--db", NULL, true, NULL},       {"--output", "-o", true, NULL},
	                  {"--format", NULL, true, NULL},   {"--year", NULL, true, NULL},
	                  {"--hospital", NULL, true, NULL}, {"--batch", NULL, true, NULL},
	                  {"--from", NULL, true, NULL},     {"--to", NULL, true, NULL},
	                  {NULL, NULL, false, NULL}};
	const char *pos[2];
	if (argc < 3) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	adj_report_opts o;
	memset(&o, 0, sizeof o);
	const char *kind = argv[2];
	int npos = 0;
	if (strcmp(kind, "rejections") == 0)
		o.kind = ADJ_REPORT_REJECTIONS;
	else if (strcmp(kind, "budget") == 0)
		o.kind = ADJ_REPORT_BUDGET;
	else if (strcmp(kind, "cost-structure") == 0)
		o.kind = ADJ_REPORT_COST_STRUCTURE;
	else if (strcmp(kind, "member") == 0)
		o.kind = ADJ_REPORT_MEMBER, npos = 1;
	else if (strcmp(kind, "--help") == 0 || strcmp(kind, "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	} else {
		fprintf(stderr, "adjudicator: unknown report %s\n%s", kind, usage);
		return EXIT_USAGE;
	}
	int st = cli_parse(argc, argv, 3, opts, pos, npos, npos, usage);
	if (st)
		return st < 0 ? EXIT_USAGE : 0;
	int bad;
	o.format = pick_format(opts[2].value, opts[1].value, &bad);
	if (bad) {
		fprintf(stderr, "adjudicator: --format is html or csv\n");
		return EXIT_USAGE;
	}
	if (o.kind != ADJ_REPORT_REJECTIONS && parse_year(opts[3].value, &o.year) != 0) {
		fprintf(stderr, "adjudicator: report %s needs --year YYYY\n%s", kind, usage);
		return EXIT_USAGE;
	}
	o.hospital = opts[4].value;
	o.batch = opts[5].value;
	o.from = opts[6].value;
	o.to = opts[7].value;
	o.member = npos ? pos[0] : NULL;
	adj_db *db = open_db(opts[0].value, &st);
	if (!db)
		return st;
	output out;
	if ((st = out_open(&out, opts[1].value))) {
		adj_db_close(db);
		return st;
	}
	adj_diags d;
	adj_diags_init(&d, 0);
	int rc = out_close(&out, adj_report(db, &o, out.f, &d));
	cli_print_diags(&d);
	if (rc && d.count == 0)
		cli_fail(rc, "the report failed: %s", adj_db_errmsg(db));
	else if (!rc && out.path)
		fprintf(stderr, "report: %s\n", out.path);
	adj_diags_clear(&d);
	adj_db_close(db);
	return adj_exit_status(rc);
}

int
cmd_settle(int argc, char **argv)
{
	static const char usage[] =
		"usage: adjudicator settle --year Y [--hospital H] [--format html|csv] [-o FILE] [--db FILE]\n"
		"Year-end global-budget settlement (SPEC 5.5), recorded in the ledger; settling a\n"
		"year again replaces its earlier settlement. Writes the statement (csv by default).\n";
	cli_opt opts[] = {{"--db", NULL, true, NULL},     {"--year", NULL, true, NULL},
	                  {"--hospital", NULL, true, NULL}, {"--format", NULL, true, NULL},
	                  {"--output", "-o", true, NULL}, {NULL, NULL, false, NULL}};
	int year, bad;
	int st = cli_parse(argc, argv, 2, opts, NULL, 0, 0, usage);
	if (st)
		return st < 0 ? EXIT_USAGE : 0;
	if (parse_year(opts[1].value, &year) != 0) {
		fprintf(stderr, "adjudicator: settle needs --year YYYY\n%s", usage);
		return EXIT_USAGE;
	}
	adj_report_format format = pick_format(opts[3].value, opts[4].value, &bad);
	if (bad) {
		fprintf(stderr, "adjudicator: --format is html or csv\n");
		return EXIT_USAGE;
	}
	adj_db *db = open_db(opts[0].value, &st);
	if (!db)
		return st;
	output out;
	if ((st = out_open(&out, opts[4].value))) {
		adj_db_close(db);
		return st;
	}
	adj_diags d;
	long settled, unsettled;
	adj_diags_init(&d, 0);
	int rc = out_close(&out, adj_settle(db, year, opts[2].value, format, out.f, &settled, &unsettled, &d));
	cli_print_diags(&d);
	if (rc == 0)
		fprintf(stderr, "settled %d: %ld hospital%s settled, %ld without a budget (unsettled)\n", year,
		        settled, settled == 1 ? "" : "s", unsettled);
	else if (d.count == 0)
		cli_fail(rc, "settlement failed: %s", adj_db_errmsg(db));
	adj_diags_clear(&d);
	adj_db_close(db);
	return adj_exit_status(rc);
}

int
cmd_derive_caps(int argc, char **argv)
{
	static const char usage[] =
		"usage: adjudicator catalog derive-caps --year Y [-o caps.csv] [--apply DIR] [--db FILE]\n"
		"New reimbursement caps from the average allowed unit price of year Y-1 (SPEC 6):\n"
		"code,name,old_cap,new_cap,lines,quantity as CSV; --apply writes them into the\n"
		"catalog folder DIR as rows valid from Y-01-01, for review and import.\n";
	cli_opt opts[] = {{"--db", NULL, true, NULL},       {"--year", NULL, true, NULL},
	                  {"--output", "-o", true, NULL},   {"--apply", NULL, true, NULL},
	                  {NULL, NULL, false, NULL}};
	int year;
	int st = cli_parse(argc, argv, 3, opts, NULL, 0, 0, usage);
	if (st)
		return st < 0 ? EXIT_USAGE : 0;
	if (parse_year(opts[1].value, &year) != 0) {
		fprintf(stderr, "adjudicator: derive-caps needs --year YYYY\n%s", usage);
		return EXIT_USAGE;
	}
	adj_db *db = open_db(opts[0].value, &st);
	if (!db)
		return st;
	output out;
	if ((st = out_open(&out, opts[2].value))) {
		adj_db_close(db);
		return st;
	}
	adj_diags d;
	long changed;
	adj_diags_init(&d, 0);
	int rc = out_close(&out, adj_derive_caps(db, year, out.f, opts[3].value, &changed, &d));
	cli_print_diags(&d);
	if (rc == 0)
		fprintf(stderr, "derive-caps %d: %ld cap%s change%s%s%s\n", year, changed,
		        changed == 1 ? "" : "s", changed == 1 ? "s" : "",
		        opts[3].value ? "; written into " : "", opts[3].value ? opts[3].value : "");
	else if (d.count == 0)
		cli_fail(rc, "derive-caps failed: %s", adj_db_errmsg(db));
	adj_diags_clear(&d);
	adj_db_close(db);
	return adj_exit_status(rc);
}
