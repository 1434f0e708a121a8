/*
 * import.c - the public catalog entry points: check, import, members.
 *
 * Whole or nothing: an import runs in one BEGIN IMMEDIATE transaction that
 * is committed only when the folder (members.csv included) produced no
 * diagnostic at all.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog.h"
#include "catalog_store.h"
#include "members.h"

static const char *const folder_files[] = {
	"policy.xml", "drugs.csv", "treatments.csv", "facilities.csv", "single_disease.csv",
	"hospitals.csv", "budgets.csv", "members.csv", NULL};

/*
 * Imports commit with synchronous=NORMAL: in WAL mode that skips the fsync
 * at commit, never consistency. A power cut right after an import can lose
 * the import (the maintainer runs it again), nothing else: the next batch
 * commits with synchronous=FULL, and that fsync of the WAL makes every
 * earlier frame durable too, so no ledger row can outlive the catalog
 * version it refers to. It saves a 20 MB fsync on a 100,000-item catalog.
 */
static int
begin_import(adj_db *db)
{
	int rc = adj_db_exec(db, "PRAGMA synchronous = NORMAL");
	return rc ? rc : adj_db_begin(db);
}

static void
end_import(adj_db *db)
{
	adj_db_exec(db, "PRAGMA synchronous = FULL");
}

static void
summarise(adj_catalog_summary *s, const adj_catalog *cat)
{
	if (!s || !cat)
		return;
	s->drugs = cat->file_rows[ADJ_FILE_DRUG];
	s->treatments = cat->file_rows[ADJ_FILE_TREATMENT];
	s->facilities = cat->file_rows[ADJ_FILE_FACILITY];
	s->single_disease = (long)cat->nsd;
	s->hospitals = (long)cat->nhospitals;
	s->budgets = (long)cat->nbudgets;
	s->schemes = (long)cat->policy.nschemes;
	s->benefits = (long)cat->policy.nbenefits;
	s->first_year = s->last_year = 0;
	for (size_t i = 0; i < cat->policy.ngroups; i++) {
		int y = cat->policy.groups[i].year;
		if (!s->first_year || y < s->first_year)
			s->first_year = y;
		if (y > s->last_year)
			s->last_year = y;
	}
	s->scheme_codes[0] = '\0';
	for (size_t i = 0; i < cat->policy.nschemes; i++) {
		size_t len = strlen(s->scheme_codes);
		snprintf(s->scheme_codes + len, sizeof s->scheme_codes - len, "%s%s", i ? "," : "",
		         cat->policy.schemes[i].code);
	}
}

static bool
has_members_file(const char *dir, char *path, size_t n)
{
	struct stat st;
	snprintf(path, n, "%s/members.csv", dir);
	return stat(path, &st) == 0;
}

/* Report the problems of dir/members.csv, if there is one, without writing
 * anything (used when the catalog itself is invalid, so that every problem
 * of the folder is listed at once). */
static void
check_members_only(adj_catalog_summary *summary, const adj_catalog *cat, const char *dir,
                   adj_diags *diags)
{
	char path[4096];
	if (cat && cat->policy_readable && has_members_file(dir, path, sizeof path))
		adj_members_load(summary, NULL, &cat->policy, path, "members.csv", diags);
}

int
adj_catalog_check(adj_catalog_summary *summary, const char *dir, adj_diags *diags)
{
	adj_catalog *cat = NULL;
	int rc;

	if (summary)
		memset(summary, 0, sizeof *summary);
	rc = adj_catalog_read_dir(&cat, dir, diags);
	if (rc == 0 || rc == ADJ_EDATA || rc == ADJ_ENOINPUT) {
		size_t before = adj_diags_total(diags);
		check_members_only(summary, cat, dir, diags);
		if (rc == 0 && adj_diags_total(diags) > before)
			rc = ADJ_EDATA;
	}
	adj_diags_sort(diags, folder_files);
	summarise(summary, cat);
	adj_catalog_free(cat);
	return rc;
}

int
adj_catalog_import(adj_catalog_summary *summary, adj_db *db, const char *dir, adj_diags *diags)
{
	adj_catalog *cat = NULL;
	char path[4096];
	bool unchanged = false;
	int rc;

	if (summary)
		memset(summary, 0, sizeof *summary);
	if ((rc = adj_catalog_read_dir(&cat, dir, diags)) != 0) {
		check_members_only(summary, cat, dir, diags);
		adj_diags_sort(diags, folder_files);
		adj_catalog_free(cat);
		return rc;
	}
	if ((rc = begin_import(db)) != 0)
		goto done;
	rc = adj_catalog_store(db, cat, dir, &unchanged);
	if (rc == 0 && has_members_file(dir, path, sizeof path)) {
		size_t before = adj_diags_total(diags);
		rc = adj_members_load(summary, db, &cat->policy, path, "members.csv", diags);
		if (rc == 0 && adj_diags_total(diags) > before)
			rc = ADJ_EDATA;
	}
	if (rc == 0)
		rc = adj_db_commit(db);
	if (rc)
		adj_db_rollback(db);
	end_import(db);
done:
	adj_diags_sort(diags, folder_files);
	summarise(summary, cat);
	if (summary) {
		summary->version = rc == 0 ? cat->version : 0;
		summary->unchanged = unchanged;
	}
	adj_catalog_free(cat);
	return rc;
}

int
adj_members_import(adj_catalog_summary *summary, adj_db *db, const char *path, adj_diags *diags)
{
	adj_catalog *cat = NULL;
	int rc;

	if (summary)
		memset(summary, 0, sizeof *summary);
	if ((rc = adj_catalog_load(&cat, db, 0)) != 0) {
		if (rc == ADJ_EDATA)
			adj_diags_add(diags, path, 0, "", "%s", adj_db_errmsg(db));
		return rc;
	}
	const char *display = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if ((rc = begin_import(db)) == 0) {
		size_t before = adj_diags_total(diags);
		rc = adj_members_load(summary, db, &cat->policy, path, display, diags);
		if (rc == 0 && adj_diags_total(diags) > before)
			rc = ADJ_EDATA;
		if (rc == 0)
			rc = adj_db_commit(db);
		if (rc)
			adj_db_rollback(db);
	}
	end_import(db);
	if (summary)
		summary->version = cat->version;
	adj_catalog_free(cat);
	return rc;
}
