/*
 * test_explain.c - `explain` on every claim of the sample batches prints the
 * numbers of the remittance (issue 5): each claim amount and each item's
 * amounts, the benefit recomputed equal to what was recorded, the identity.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define BIN ADJUDICATOR_BIN

/* Copy attribute `name` of the element starting at p (up to its '>'). */
static bool
attr(const char *p, const char *name, char *out, size_t n)
{
	char key[64];
	snprintf(key, sizeof key, " %s=\"", name);
	const char *end = strchr(p, '>');
	const char *a = strstr(p, key);
	if (!a || (end && a > end))
		return false;
	a += strlen(key);
	size_t len = strcspn(a, "\"");
	snprintf(out, n, "%.*s", (int)(len < n - 1 ? len : n - 1), a);
	/* the remittance escapes & < > " in attributes */
	char *amp;
	while ((amp = strstr(out, "&amp;")))
		memmove(amp + 1, amp + 5, strlen(amp + 5) + 1);
	return true;
}

static const char *const amounts[] = {"billed", "rejected", "self-pay", "over-cap", "first-pay", "in-policy",
                                      "deductible", "coinsurance", "pool", "over-pool", "relief",
                                      "assistance", "patient", "hospital-variance", "withheld"};

Test(explain, every_number_of_every_sample_claim_appears_with_its_source, .timeout = 900)
{
	char *tmp = t_tempdir();
	char db[4300];
	snprintf(db, sizeof db, "%s/x.db", tmp);
	setenv("SOURCE_DATE_EPOCH", "0", 1);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", SOURCE_ROOT "/catalogs", "--db", db, NULL}), 0);
	DIR *d = opendir(SOURCE_ROOT "/claims/samples");
	cr_assert_not_null(d);
	char *names[64];
	int nn = 0;
	struct dirent *e;
	while ((e = readdir(d)) && nn < 64)
		if (strstr(e->d_name, ".xml") && e->d_name[0] != '9')
			names[nn++] = strdup(e->d_name);
	closedir(d);
	for (int i = 0; i < nn; i++)
		for (int j = i + 1; j < nn; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char *t = names[i];
				names[i] = names[j];
				names[j] = t;
			}
	int claims = 0, checked = 0;
	for (int i = 0; i < nn; i++) {
		char in[4400], out[4400];
		snprintf(in, sizeof in, "%s/claims/samples/%s", SOURCE_ROOT, names[i]);
		snprintf(out, sizeof out, "%s/%s", tmp, names[i]);
		cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", in, "--db", db, "-o", out, NULL}), 0);
		char *xml = t_read(out, NULL);
		char hospital[64];
		cr_assert(attr(strstr(xml, "<remittance"), "hospital", hospital, sizeof hospital));
		for (const char *c = strstr(xml, "<claim "); c; c = strstr(c + 1, "<claim ")) {
			char id[300], status[32];
			attr(c, "id", id, sizeof id);
			attr(c, "status", status, sizeof status);
			claims++;
			if (!id[0])
				continue; /* a claim without an id cannot be named */
			char *text, *err;
			int rc = t_run(&text, &err, (const char *const[]){BIN, "explain", id, "--hospital", hospital, "--db", db, NULL});
			cr_expect_eq(rc, 0, "explain %s: %s", id, err);
			free(err);
			if (rc) {
				free(text);
				continue;
			}
			/* the claim's amounts, on the "Amounts remitted" line of one of
			 * the claims recorded under this id */
			const char *am = strstr(c, "<amounts ");
			char line[2048] = "";
			for (int k = 0; k < 15; k++) {
				char v[32], piece[64];
				attr(am, amounts[k], v, sizeof v);
				snprintf(piece, sizeof piece, "%s%s %s", k ? ", " : "  ", amounts[k], v);
				strcat(line, piece);
			}
			cr_expect(strstr(text, line) != NULL, "claim %s (%s): no amounts line\n%s\nin\n%s", id, names[i], line, text);
			/* each item: its split */
			const char *next = strstr(c + 1, "<claim ");
			for (const char *it = strstr(c, "<item "); it && (!next || it < next); it = strstr(it + 1, "<item ")) {
				char seq[32], v[6][32], want[512];
				attr(it, "seq", seq, sizeof seq);
				static const char *const ia[] = {"billed", "rejected", "self-pay", "over-cap", "first-pay", "in-policy"};
				for (int k = 0; k < 6; k++)
					attr(it, ia[k], v[k], sizeof v[k]);
				snprintf(want, sizeof want, "rejected %s, self-pay %s, over-cap %s, first-pay %s, in-policy %s",
				         v[1], v[2], v[3], v[4], v[5]);
				cr_expect(strstr(text, want) != NULL, "claim %s item %s: no \"%s\"", id, seq, want);
			}
			if (strcmp(status, "accepted") == 0 || strcmp(status, "adjusted") == 0) {
				cr_expect(strstr(text, "recomputed now: the same as recorded") != NULL, "claim %s", id);
				cr_expect(strstr(text, "identity: billed") != NULL && !strstr(text, " != rejected"), "claim %s", id);
			}
			checked++;
			free(text);
		}
		free(xml);
		free(names[i]);
	}
	cr_expect_gt(claims, 50); /* 56 claims in 16 batches */
	cr_expect_geq(checked, claims - 2);
	t_rmtree(tmp);
	free(tmp);
}
