/*
 * cmd_catalog.c - `adjudicator init`, `catalog check|import`, `members import`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void
print_summary(const adj_catalog_summary *s, bool with_members)
{
	printf("  drugs %ld, treatments %ld, facilities %ld, single-disease %ld, hospitals %ld, "
	       "budgets %ld\n",
	       s->drugs, s->treatments, s->facilities, s->single_disease, s->hospitals, s->budgets);
	printf("  schemes %ld (%s), benefit rules %ld, years %d-%d\n", s->schemes, s->scheme_codes,
	       s->benefits, s->first_year, s->last_year);
	if (with_members)
		printf("  members %ld read, %ld new, %ld changed\n", s->members_read,
		       s->members_inserted, s->members_updated);
}

static adj_db *
open_db(const char *flag, int flags, int *status)
{
	char err[600];
	adj_db *db = NULL;
	int rc = adj_db_open(&db, adj_db_default_path(flag), flags, err, sizeof err);
	if (rc) {
		*status = cli_fail(rc, "%s", err);
		return NULL;
	}
	return db;
}

int
cmd_init(int argc, char **argv)
{
	static const char usage[] =
		"usage: adjudicator init [--db FILE]\n"
		"Create the database (or bring an existing one up to date).\n";
	cli_opt opts[] = {{"--db", NULL, true, NULL}, {NULL, NULL, false, NULL}};
	int st = cli_parse(argc, argv, 2, opts, NULL, 0, 0, usage);
	if (st)
		return st < 0 ? EXIT_USAGE : 0;
	adj_db *db = open_db(opts[0].value, ADJ_DB_CREATE, &st);
	if (!db)
		return st;
	printf("database ready: %s\n", adj_db_default_path(opts[0].value));
	adj_db_close(db);
	return 0;
}

static int
catalog_check(int argc, char **argv)
{
	static const char usage[] =
		"usage: adjudicator catalog check DIR\n"
		"Validate a catalog folder (policy.xml and the CSV files) without importing it.\n"
		"Every problem is listed as file:line: column: what is wrong; exit 65 if any.\n";
	const char *pos[1];
	adj_diags d;
	adj_catalog_summary s;
	int st = cli_parse(argc, argv, 3, NULL, pos, 1, 1, usage);
	if (st)
		return st < 0 ? EXIT_USAGE : 0;
	adj_diags_init(&d, 0);
	int rc = adj_catalog_check(&s, pos[0], &d);
	cli_print_diags(&d);
	if (rc == 0) {
		printf("%s: valid catalog\n", pos[0]);
		print_summary(&s, s.members_read > 0);
	} else if (rc == ADJ_EDATA || rc == ADJ_ENOINPUT) {
		fprintf(stderr, "%s: %zu problem%s; the catalog is not valid\n", pos[0],
		        adj_diags_total(&d), adj_diags_total(&d) == 1 ? "" : "s");
	} else {
		cli_fail(rc, "checking %s failed", pos[0]);
	}
	adj_diags_clear(&d);
	return adj_exit_status(rc);
}

static int
catalog_import(int argc, char **argv)
{
	static const char usage[] =
		"usage: adjudicator catalog import DIR [--db FILE]\n"
		"Validate DIR and load it as the new catalog version, all or nothing.\n"
		"A members.csv in DIR is upserted into the member registry.\n";
	cli_opt opts[] = {{"--db", NULL, true, NULL}, {NULL, NULL, false, NULL}};
	const char *pos[1];
	adj_diags d;
	adj_catalog_summary s;
	int st = cli_parse(argc, argv, 3, opts, pos, 1, 1, usage);
	if (st)
		return st < 0 ? EXIT_USAGE : 0;
	adj_db *db = open_db(opts[0].value, 0, &st);
	if (!db)
		return st;
	adj_diags_init(&d, 0);
	cli_progress_start(db);
	int rc = adj_catalog_import(&s, db, pos[0], &d);
	cli_progress_end();
	cli_print_diags(&d);
	if (rc == 0) {
		if (s.unchanged)
			printf("%s: same content as catalog version %ld: catalog unchanged\n", pos[0],
			       s.version);
		else
			printf("%s: imported as catalog version %ld\n", pos[0], s.version);
		print_summary(&s, s.members_read > 0);
	} else if (rc == ADJ_EDATA || rc == ADJ_ENOINPUT) {
		fprintf(stderr, "%s: %zu problem%s; nothing was imported\n", pos[0], adj_diags_total(&d),
		        adj_diags_total(&d) == 1 ? "" : "s");
	} else {
		cli_fail(rc, "importing %s failed, nothing was imported: %s", pos[0], adj_db_errmsg(db));
	}
	adj_diags_clear(&d);
	adj_db_close(db);
	return adj_exit_status(rc);
}

int
cmd_catalog(int argc, char **argv)
{
	static const char usage[] =
		"usage: adjudicator catalog check DIR\n"
		"       adjudicator catalog import DIR [--db FILE]\n"
		"       adjudicator catalog derive-caps --year Y [-o caps.csv] [--apply DIR] [--db FILE]\n";
	if (argc < 3) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[2], "check") == 0)
		return catalog_check(argc, argv);
	if (strcmp(argv[2], "import") == 0)
		return catalog_import(argc, argv);
	if (strcmp(argv[2], "derive-caps") == 0)
		return cmd_derive_caps(argc, argv);
	if (strcmp(argv[2], "--help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	fprintf(stderr, "adjudicator: unknown catalog command %s\n%s", argv[2], usage);
	return EXIT_USAGE;
}

int
cmd_members(int argc, char **argv)
{
	static const char usage[] =
		"usage: adjudicator members import FILE [--db FILE]\n"
		"Validate a member registry file and upsert it by id, all or nothing.\n";
	cli_opt opts[] = {{"--db", NULL, true, NULL}, {NULL, NULL, false, NULL}};
	const char *pos[1];
	adj_diags d;
	adj_catalog_summary s;
	if (argc < 3 || (strcmp(argv[2], "import") != 0 && strcmp(argv[2], "--help") != 0)) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	int st = cli_parse(argc, argv, strcmp(argv[2], "import") == 0 ? 3 : 2, opts, pos, 1, 1, usage);
	if (st)
		return st < 0 ? EXIT_USAGE : 0;
	adj_db *db = open_db(opts[0].value, 0, &st);
	if (!db)
		return st;
	adj_diags_init(&d, 0);
	cli_progress_start(db);
	int rc = adj_members_import(&s, db, pos[0], &d);
	cli_progress_end();
	cli_print_diags(&d);
	if (rc == 0)
		printf("%s: %ld members read, %ld new, %ld changed\n", pos[0], s.members_read,
		       s.members_inserted, s.members_updated);
	else if (rc == ADJ_EDATA || rc == ADJ_ENOINPUT)
		fprintf(stderr, "%s: %zu problem%s; nothing was imported\n", pos[0], adj_diags_total(&d),
		        adj_diags_total(&d) == 1 ? "" : "s");
	else
		cli_fail(rc, "importing %s failed, nothing was imported: %s", pos[0], adj_db_errmsg(db));
	adj_diags_clear(&d);
	adj_db_close(db);
	return adj_exit_status(rc);
}
