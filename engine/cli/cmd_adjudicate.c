/*
 * cmd_adjudicate.c - `adjudicator adjudicate BATCH.xml [-o FILE] [--db FILE] [--dry-run]`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void
yuan(char *buf, size_t n, int64_t fen)
{
	snprintf(buf, n, "%s%lld.%02lld", fen < 0 ? "-" : "", (long long)(fen < 0 ? -fen : fen) / 100,
	         (long long)(fen < 0 ? -fen : fen) % 100);
}

int
cmd_adjudicate(int argc, char **argv)
{
	static const char usage[] =
		"usage: adjudicator adjudicate BATCH.xml [-o REMITTANCE.xml] [--db FILE] [--dry-run]\n"
		"Adjudicate a claim batch against the current catalog and record it, all or nothing.\n"
		"The remittance goes to -o (written whole or not at all) or to stdout; a summary\n"
		"goes to stderr. A refused batch (B01-B04) records nothing and exits 65.\n";
	cli_opt opts[] = {{"--db", NULL, true, NULL}, {"--output", "-o", true, NULL},
	                  {"--dry-run", NULL, false, NULL}, {NULL, NULL, false, NULL}};
	const char *pos[1];
	int st = cli_parse(argc, argv, 2, opts, pos, 1, 1, usage);
	if (st)
		return st < 0 ? EXIT_USAGE : 0;

	char err[600];
	adj_db *db = NULL;
	int rc = adj_db_open(&db, adj_db_default_path(opts[0].value), 0, err, sizeof err);
	if (rc)
		return cli_fail(rc, "%s", err);
	adj_adjudicate_opts o = {opts[1].value, stdout, opts[2].value != NULL, -1};
	adj_batch_summary s;
	adj_diags d;
	adj_diags_init(&d, 0);
	cli_progress_start(db);
	rc = adj_adjudicate(&s, db, pos[0], &o, &d);
	cli_progress_end();
	cli_print_diags(&d);
	if (rc == 0) {
		char billed[32], pool[32], relief[32], patient[32], withheld[32];
		yuan(billed, sizeof billed, s.billed);
		yuan(pool, sizeof pool, s.pool);
		yuan(relief, sizeof relief, s.relief);
		yuan(patient, sizeof patient, s.patient);
		yuan(withheld, sizeof withheld, s.withheld);
		fprintf(stderr,
		        "%s: batch %s of %s%s: %ld claims (%ld accepted, %ld adjusted, %ld rejected, "
		        "%ld voided); billed %s, pool %s, relief %s, patient %s, withheld %s\n",
		        pos[0], s.batch_id, s.hospital, o.dry_run ? " (dry run, nothing recorded)" : "",
		        s.claims, s.accepted, s.adjusted, s.rejected, s.voided, billed, pool, relief, patient,
		        withheld);
		if (o.output)
			fprintf(stderr, "remittance: %s\n", o.output);
	} else if (rc == ADJ_EDATA && s.refusal[0]) {
		fprintf(stderr, "%s: batch refused (%s): nothing was recorded\n", pos[0], s.refusal);
	} else if (rc != ADJ_EDATA && rc != ADJ_ENOINPUT && d.count == 0) {
		cli_fail(rc, "adjudicating %s failed, nothing was recorded: %s", pos[0], adj_db_errmsg(db));
	}
	adj_diags_clear(&d);
	adj_db_close(db);
	return adj_exit_status(rc);
}

int
cmd_remittance(int argc, char **argv)
{
	static const char usage[] =
		"usage: adjudicator remittance BATCH-ID [--hospital H] [-o FILE] [--db FILE]\n"
		"Write again the remittance of a batch adjudicated earlier, byte for byte as it\n"
		"was first written (with the time it was adjudicated).\n";
	cli_opt opts[] = {{"--db", NULL, true, NULL}, {"--output", "-o", true, NULL},
	                  {"--hospital", NULL, true, NULL}, {NULL, NULL, false, NULL}};
	const char *pos[1];
	int st = cli_parse(argc, argv, 2, opts, pos, 1, 1, usage);
	if (st)
		return st < 0 ? EXIT_USAGE : 0;
	char err[600];
	adj_db *db = NULL;
	int rc = adj_db_open(&db, adj_db_default_path(opts[0].value), 0, err, sizeof err);
	if (rc)
		return cli_fail(rc, "%s", err);
	adj_diags d;
	adj_diags_init(&d, 0);
	rc = adj_remittance(db, pos[0], opts[2].value, opts[1].value, stdout, &d);
	cli_print_diags(&d);
	if (rc == 0 && opts[1].value)
		fprintf(stderr, "remittance: %s\n", opts[1].value);
	adj_diags_clear(&d);
	adj_db_close(db);
	return adj_exit_status(rc);
}

int
cmd_explain(int argc, char **argv)
{
	static const char usage[] =
		"usage: adjudicator explain CLAIM-ID [--hospital H] [--format text|html] [-o FILE] [--db FILE]\n"
		"The whole derivation of a recorded claim, step by step in the order of SPEC 5:\n"
		"checks, each line with its catalog row, single disease, the benefit rule, the\n"
		"accumulators before, every band portion, the pool cap, relief, assistance, the\n"
		"budget and the identity.\n";
	cli_opt opts[] = {{"--db", NULL, true, NULL}, {"--hospital", NULL, true, NULL},
	                  {"--format", NULL, true, NULL}, {"--output", "-o", true, NULL},
	                  {NULL, NULL, false, NULL}};
	const char *pos[1];
	int st = cli_parse(argc, argv, 2, opts, pos, 1, 1, usage);
	if (st)
		return st < 0 ? EXIT_USAGE : 0;
	const char *fmt = opts[2].value;
	size_t ol = opts[3].value ? strlen(opts[3].value) : 0;
	int html = fmt ? strcmp(fmt, "html") == 0 : (ol > 5 && strcmp(opts[3].value + ol - 5, ".html") == 0);
	if (fmt && !html && strcmp(fmt, "text") != 0) {
		fprintf(stderr, "adjudicator: --format is text or html\n");
		return EXIT_USAGE;
	}
	char err[600];
	adj_db *db = NULL;
	int rc = adj_db_open(&db, adj_db_default_path(opts[0].value), 0, err, sizeof err);
	if (rc)
		return cli_fail(rc, "%s", err);
	FILE *f = opts[3].value ? fopen(opts[3].value, "wb") : stdout;
	if (!f) {
		adj_db_close(db);
		return cli_fail(ADJ_ECANTCREATE, "cannot create %s", opts[3].value);
	}
	adj_diags d;
	adj_diags_init(&d, 0);
	rc = adj_explain(db, pos[0], opts[1].value, html, f, &d);
	if (f != stdout && fclose(f) != 0 && !rc)
		rc = ADJ_EIO;
	cli_print_diags(&d);
	adj_diags_clear(&d);
	adj_db_close(db);
	return adj_exit_status(rc);
}

int
cmd_replay(int argc, char **argv)
{
	static const char usage[] =
		"usage: adjudicator replay --into NEW.db [--batches DIR] [--db FILE]\n"
		"Adjudicate every recorded batch again, in recorded order, against the catalog\n"
		"and member registry each was adjudicated with, into the new database NEW.db,\n"
		"and report every claim whose result differs (there must be none: exit 70 if\n"
		"any). Batch files are read from their recorded paths or from DIR.\n";
	cli_opt opts[] = {{"--db", NULL, true, NULL}, {"--into", NULL, true, NULL},
	                  {"--batches", NULL, true, NULL}, {NULL, NULL, false, NULL}};
	int st = cli_parse(argc, argv, 2, opts, NULL, 0, 0, usage);
	if (st)
		return st < 0 ? EXIT_USAGE : 0;
	if (!opts[1].value) {
		fprintf(stderr, "adjudicator: replay needs --into NEW.db\n%s", usage);
		return EXIT_USAGE;
	}
	char err[600];
	adj_db *db = NULL;
	int rc = adj_db_open(&db, adj_db_default_path(opts[0].value), 0, err, sizeof err);
	if (rc)
		return cli_fail(rc, "%s", err);
	adj_diags d;
	long diffs, batches;
	adj_diags_init(&d, 0);
	rc = adj_replay(db, opts[1].value, opts[2].value, stdout, &diffs, &batches, &d);
	cli_print_diags(&d);
	adj_diags_clear(&d);
	adj_db_close(db);
	if (rc)
		return adj_exit_status(rc);
	fprintf(stderr, "replay: %ld batches, %ld difference%s\n", batches, diffs, diffs == 1 ? "" : "s");
	return diffs ? adj_exit_status(ADJ_EINTERNAL) : 0;
}
