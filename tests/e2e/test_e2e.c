/*
 * test_e2e.c - end-to-end cases as data folders, run by one driver.
 *
 * Each folder of tests/data/e2e/ is a case:
 *   catalog       a line naming the catalog folder (relative to tests/data/),
 *                 imported into a fresh database;
 *   members.csv   optional: a registry file imported after the catalog;
 *   batches/NAME.xml adjudicated in name order with SOURCE_DATE_EPOCH=0
 *                 (or `batches` a file naming a folder relative to
 *                 tests/data/, such as the sample batches of claims/);
 *   expected/NAME.xml      the remittance, compared byte for byte; or
 *   expected/NAME.refused  first line the exit status, then a text the
 *                          error output must contain.
 * ADJ_E2E_UPDATE=1 rewrites the expected remittances (review the diff!).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define BIN ADJUDICATOR_BIN

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir ending with suffix (malloc'ed array, NULL-terminated). */
static char **
list(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	char **names = calloc(256, sizeof *names);
	size_t n = 0;
	struct dirent *e;
	if (!d)
		return names;
	while ((e = readdir(d)) && n < 255) {
		size_t len = strlen(e->d_name), sl = strlen(suffix);
		if (e->d_name[0] == '.' || len < sl || strcmp(e->d_name + len - sl, suffix) != 0)
			continue;
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	return names;
}

static void
free_list(char **names)
{
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}

static void
run_case(const char *name, int *failures)
{
	char dir[4096], path[4300], db[4300], out[4300], catdir[4300];
	snprintf(dir, sizeof dir, "%s/e2e/%s", TEST_DATA_DIR, name);
	snprintf(path, sizeof path, "%s/catalog", dir);
	char *cat = t_read(path, NULL);
	cr_assert_not_null(cat, "%s: no catalog file", name);
	cat[strcspn(cat, "\n")] = '\0';
	snprintf(catdir, sizeof catdir, "%s/%s", TEST_DATA_DIR, cat);
	free(cat);

	char *tmp = t_tempdir();
	snprintf(db, sizeof db, "%s/e2e.db", tmp);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	char *err;
	int rc = t_run(NULL, &err, (const char *const[]){BIN, "catalog", "import", catdir, "--db", db, NULL});
	cr_assert_eq(rc, 0, "%s: catalog import: %s", name, err);
	free(err);
	snprintf(path, sizeof path, "%s/members.csv", dir);
	FILE *m = fopen(path, "r");
	if (m) {
		fclose(m);
		rc = t_run(NULL, &err, (const char *const[]){BIN, "members", "import", path, "--db", db, NULL});
		cr_assert_eq(rc, 0, "%s: members import: %s", name, err);
		free(err);
	}

	char bdir[4400];
	snprintf(path, sizeof path, "%s/batches", dir);
	char *named = t_read(path, NULL); /* NULL for a folder */
	if (named && named[0]) {
		named[strcspn(named, "\n")] = '\0';
		snprintf(bdir, sizeof bdir, "%s/%s", TEST_DATA_DIR, named);
	} else {
		snprintf(bdir, sizeof bdir, "%s", path);
	}
	free(named);
	char **batches = list(bdir, ".xml");
	setenv("SOURCE_DATE_EPOCH", "0", 1);
	for (char **b = batches; *b; b++) {
		char batch[4800], exp[4400], refused[4400];
		snprintf(batch, sizeof batch, "%s/%s", bdir, *b);
		snprintf(out, sizeof out, "%s/%s", tmp, *b);
		snprintf(exp, sizeof exp, "%s/expected/%s", dir, *b);
		snprintf(refused, sizeof refused, "%s/expected/%.*s.refused", dir, (int)strlen(*b) - 4, *b);
		rc = t_run(NULL, &err, (const char *const[]){BIN, "adjudicate", batch, "--db", db, "-o", out, NULL});
		char *want_refusal = t_read(refused, NULL);
		if (want_refusal) {
			int status = atoi(want_refusal);
			char *text = strchr(want_refusal, '\n');
			if (text) {
				text++;
				text[strcspn(text, "\n")] = '\0';
			} else {
				text = want_refusal + strlen(want_refusal);
			}
			if (rc != status || !strstr(err, text)) {
				cr_log_error("%s/%s: exit %d (want %d), stderr:\n%s(want it to contain \"%s\")", name, *b,
				             rc, status, err, text);
				(*failures)++;
			}
			free(want_refusal);
			free(err);
			continue;
		}
		if (rc != 0) {
			cr_log_error("%s/%s: exit %d: %s", name, *b, rc, err);
			(*failures)++;
			free(err);
			continue;
		}
		free(err);
		size_t gl, wl;
		char *got = t_read(out, &gl), *want = t_read(exp, &wl);
		/* SPEC/issue 5: the ledger gives back the same remittance, byte for byte */
		char bid[300] = "", hid[64] = "", again[4600];
		const char *p = strstr(got, " batch=\"");
		if (p)
			sscanf(p + 8, "%299[^\"]", bid);
		p = strstr(got, " hospital=\"");
		if (p)
			sscanf(p + 11, "%63[^\"]", hid);
		snprintf(again, sizeof again, "%s.again", out);
		rc = t_run(NULL, NULL, (const char *const[]){BIN, "remittance", bid, "--hospital", hid, "--db", db, "-o", again, NULL});
		size_t al;
		char *re = t_read(again, &al);
		if (rc != 0 || !re || al != gl || memcmp(re, got, gl) != 0) {
			cr_log_error("%s/%s: `remittance %s` (exit %d) differs from the original", name, *b, bid, rc);
			(*failures)++;
		}
		free(re);
		if (getenv("ADJ_E2E_UPDATE")) {
			FILE *f = fopen(exp, "wb");
			cr_assert_not_null(f, "cannot write %s", exp);
			fwrite(got, 1, gl, f);
			fclose(f);
		} else if (!want || gl != wl || memcmp(got, want, gl) != 0) {
			cr_log_error("%s/%s: remittance differs from expected (diff %s %s)", name, *b, exp, out);
			(*failures)++;
			/* keep the output for the diff */
			char keep[4500];
			snprintf(keep, sizeof keep, "/tmp/e2e-%s-%s", name, *b);
			FILE *f = fopen(keep, "wb");
			if (f) {
				fwrite(got, 1, gl, f);
				fclose(f);
			}
		}
		free(got);
		free(want);
	}
	free_list(batches);
	t_rmtree(tmp);
	free(tmp);
}

Test(e2e, every_data_folder_case_gives_its_expected_remittances, .timeout = 600)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/e2e", TEST_DATA_DIR);
	DIR *d = opendir(dir);
	cr_assert_not_null(d);
	struct dirent *e;
	int failures = 0, cases = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		run_case(e->d_name, &failures);
		cases++;
	}
	closedir(d);
	cr_expect_gt(cases, 0);
	cr_expect_eq(failures, 0, "%d batch(es) differ; see the log", failures);
}
