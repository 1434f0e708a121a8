/*
 * test_cli.c - the `adjudicator` command: exit statuses, messages, --help
 * (SPEC 6).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define BIN ADJUDICATOR_BIN
#define MIN_DIR TEST_DATA_DIR "/catalog_min"
#define BAD_DIR TEST_DATA_DIR "/catalog_bad"

static char *tmp, db[4200];

static void
setup(void)
{
	tmp = t_tempdir();
	snprintf(db, sizeof db, "%s/cli.db", tmp);
}

static void
teardown(void)
{
	t_rmtree(tmp);
	free(tmp);
}

TestSuite(cli, .init = setup, .fini = teardown);

Test(cli, no_command_or_an_unknown_one_is_a_usage_error_64)
{
	char *err;
	cr_expect_eq(t_run(NULL, &err, (const char *const[]){BIN, NULL}), 64);
	cr_expect(strstr(err, "usage: adjudicator") != NULL);
	free(err);
	cr_expect_eq(t_run(NULL, &err, (const char *const[]){BIN, "adjudge", NULL}), 64);
	cr_expect(strstr(err, "unknown command adjudge") != NULL);
	free(err);
	cr_expect_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", NULL}), 64);
	cr_expect_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", NULL}), 64);
	cr_expect_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--bogus", NULL}), 64);
}

Test(cli, every_command_has_help)
{
	const char *const cmds[][4] = {
		{"--help", NULL}, {"init", "--help", NULL}, {"catalog", "check", "--help", NULL},
		{"catalog", "import", "--help", NULL}, {"members", "import", "--help", NULL},
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		const char *argv[6] = {BIN};
		for (int k = 0; k < 4 && cmds[i][k]; k++)
			argv[k + 1] = cmds[i][k];
		char *out;
		cr_expect_eq(t_run(&out, NULL, argv), 0, "%s --help", cmds[i][0]);
		cr_expect(strstr(out, "usage: adjudicator") != NULL, "%s", out);
		free(out);
	}
}

Test(cli, catalog_check_lists_every_problem_of_a_bad_folder_and_exits_65)
{
	char *err;
	int rc = t_run(NULL, &err, (const char *const[]){BIN, "catalog", "check", BAD_DIR, NULL});
	cr_expect_eq(rc, 65);
	char *want = t_read(BAD_DIR "/expected.txt", NULL);
	cr_assert_not_null(want);
	cr_expect_eq(strncmp(err, want, strlen(want)), 0, "stderr was:\n%s", err);
	cr_expect(strstr(err, "33 problems; the catalog is not valid") != NULL, "%s", err);
	free(want);
	free(err);
}

Test(cli, catalog_check_of_a_missing_folder_exits_66)
{
	char *err;
	cr_expect_eq(t_run(NULL, &err, (const char *const[]){BIN, "catalog", "check", "/nonexistent/dir", NULL}), 66);
	cr_expect(strstr(err, "/nonexistent/dir") != NULL);
	free(err);
}

Test(cli, import_without_a_database_exits_66_and_names_init)
{
	char *err;
	cr_expect_eq(t_run(NULL, &err, (const char *const[]){BIN, "catalog", "import", MIN_DIR, "--db", db, NULL}), 66);
	cr_expect(strstr(err, "adjudicator init") != NULL, "%s", err);
	free(err);
}

Test(cli, init_then_import_then_reimport)
{
	char *out;
	cr_assert_eq(t_run(&out, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	free(out);
	cr_assert_eq(t_run(&out, NULL, (const char *const[]){BIN, "catalog", "import", MIN_DIR, "--db", db, NULL}), 0);
	cr_expect(strstr(out, "imported as catalog version 1") != NULL, "%s", out);
	cr_expect(strstr(out, "drugs 5, treatments 2, facilities 1, single-disease 1, hospitals 2, budgets 1") != NULL, "%s", out);
	cr_expect(strstr(out, "schemes 1 (EMP), benefit rules 3, years 2005-2005") != NULL, "%s", out);
	cr_expect(strstr(out, "members 1 read, 1 new, 0 changed") != NULL, "%s", out);
	free(out);
	cr_assert_eq(t_run(&out, NULL, (const char *const[]){BIN, "catalog", "import", MIN_DIR, "--db", db, NULL}), 0);
	cr_expect(strstr(out, "catalog unchanged") != NULL, "%s", out);
	free(out);
}

Test(cli, the_database_comes_from_the_environment_when_no_flag_is_given)
{
	setenv("ADJUDICATOR_DB", db, 1);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", NULL}), 0);
	char *out;
	cr_expect_eq(t_run(&out, NULL, (const char *const[]){BIN, "catalog", "import", MIN_DIR, NULL}), 0);
	cr_expect(strstr(out, "catalog version 1") != NULL);
	free(out);
	unsetenv("ADJUDICATOR_DB");
}

Test(cli, a_file_that_is_not_a_database_is_an_io_error_74)
{
	t_write(tmp, "cli.db", "this is not a database, just text that is long enough to be read as a header...........\n");
	char *err;
	cr_expect_eq(t_run(NULL, &err, (const char *const[]){BIN, "catalog", "import", MIN_DIR, "--db", db, NULL}), 74);
	cr_expect(strstr(err, db) != NULL, "%s", err);
	free(err);
}

Test(cli, members_import_reports_line_and_field_and_exits_65)
{
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", MIN_DIR, "--db", db, NULL}), 0);
	t_write(tmp, "reg.csv",
	        "id,name,scheme,category,enrolled_from,enrolled_to,paid_through,relief_from,relief_to,assistance_from,assistance_to\n"
	        "120102198001010027,王芳,EMP,in-service,2000-01-01,,2005-02-29,,,,\n");
	char path[4300], *err;
	snprintf(path, sizeof path, "%s/reg.csv", tmp);
	cr_expect_eq(t_run(NULL, &err, (const char *const[]){BIN, "members", "import", path, "--db", db, NULL}), 65);
	cr_expect(strstr(err, "reg.csv:2: paid_through: not a date that exists (YYYY-MM-DD): \"2005-02-29\"") != NULL, "%s", err);
	free(err);
}
