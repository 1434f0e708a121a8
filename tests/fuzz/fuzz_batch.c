/*
 * fuzz_batch.c - a claim batch of any bytes through adj_adjudicate, dry run.
 *
 * Set-up (once, in LLVMFuzzerInitialize): a database in a temporary folder,
 * created with ADJ_DB_CREATE, tests/data/catalog_e2e imported, and a short
 * history recorded for real (tests/data/e2e/money/batches/01-pool-cap.xml
 * and 02-voids.xml) so that replacements, voids, C07-C09, B04 and the
 * accumulators have something to meet. ADJ_FUZZ_CATALOG names another
 * catalog folder (the history is then skipped). What it found and what
 * was fixed: regressions/batch/ (ids with '&' remitted as "&#38;", member
 * ids cut at 80 bytes, a deciding value cut inside a UTF-8 character).
 *
 * Each input is written to a file and adjudicated with opts.dry_run = true
 * and a fixed time. Properties:
 *  - the return code is 0 or ADJ_EDATA (a refused batch), nothing else:
 *    no internal error (a broken identity), no I/O error;
 *  - a refused batch names its refusal (B01-B04) in a diagnostic and
 *    leaves no remittance file;
 *  - an adjudicated batch's remittance exists, is well-formed XML (UTF-8,
 *    as libxml2 reads it) and obeys SPEC 4.6: counts and summary agree,
 *    every amount is money text and only hospital-variance may be negative,
 *    item billed = rejected + self-pay + over-cap + first-pay + in-policy,
 *    a claim's first six amounts are the sums of its items, billed =
 *    rejected + patient + pool + relief + assistance + hospital-variance,
 *    a rejected claim has rejected = billed and nothing else, and the totals
 *    are the sums over the claims not voided;
 *  - one input in 8 is adjudicated twice: the same remittance, byte for
 *    byte (SPEC 7);
 *  - the header, the claim ids and the member ids come back as libxml2's
 *    own tree builder reads the batch;
 *  - the database is unchanged: the ledger tables, accumulators, hospital
 *    totals, registry and meta are as they were after set-up.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adjudicator.h"
#include "common.h"
#include "ledger/db.h"

static adj_db *db;
static char batch_path[4096], remit_path[4096];
static char *state0;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Everything adjudication may write, as one string. */
static char *
db_state(void)
{
	static const char *const sql =
		"SELECT (SELECT count(*) FROM batch) || ',' || (SELECT count(*) FROM claim) || ',' ||"
		" (SELECT count(*) FROM line) || ',' || (SELECT count(*) FROM reason) || ',' ||"
		" (SELECT count(*) FROM claim_code) || ',' ||"
		" (SELECT count(*) FROM claim WHERE voided_by IS NOT NULL) || ',' ||"
		" (SELECT count(*) || ':' || total(claims) || ':' || total(ded) || ':' || total(pos) ||"
		"   ':' || total(pool) || ':' || total(relief) || ':' || total(assist) FROM accumulator)"
		" || ',' || (SELECT count(*) || ':' || total(pool) || ':' || total(withheld)"
		"   FROM hospital_year) || ',' ||"
		" (SELECT count(*) FROM member) || ',' || (SELECT count(*) FROM member_history) || ',' ||"
		" (SELECT count(*) FROM settlement) || ',' || (SELECT count(*) FROM catalog_version)"
		" || ',' || (SELECT group_concat(key || '=' || value, ';') FROM meta)";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "fuzz_batch: %s\n", sqlite3_errmsg(db->sql));
		abort();
	}
	FZ_ASSERT(sqlite3_step(st) == SQLITE_ROW, "state query: %s", sqlite3_errmsg(db->sql));
	char *s = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (!s)
		abort();
	return s;
}

static void
print_diags(const adj_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  %s:%ld:%ld: %s: %s\n", d->items[i].file, d->items[i].line,
		        d->items[i].column, d->items[i].field, d->items[i].message);
}

static void
record(const char *dir, const char *file)
{
	char out[4096];
	adj_diags d;
	adj_adjudicate_opts opts = {out, NULL, false, 1700000000};
	snprintf(out, sizeof out, "%s/history.xml", dir);
	adj_diags_init(&d, 0);
	int rc = adj_adjudicate(NULL, db, file, &opts, &d);
	if (rc != 0) {
		fprintf(stderr, "fuzz_batch: recording %s failed (%d)\n", file, rc);
		print_diags(&d);
		abort();
	}
	adj_diags_clear(&d);
	unlink(out);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char p[4096], err[512];
	(void)argc, (void)argv;
	const char *dir = fz_tempdir("batch");
	snprintf(p, sizeof p, "%s/fuzz.db", dir);
	if (adj_db_open(&db, p, ADJ_DB_CREATE, err, sizeof err) != 0) {
		fprintf(stderr, "fuzz_batch: cannot create %s: %s\n", p, err);
		abort();
	}
	const char *catalog = getenv("ADJ_FUZZ_CATALOG");
	char cat[4096];
	if (catalog && *catalog)
		snprintf(cat, sizeof cat, "%s", catalog);
	else
		snprintf(cat, sizeof cat, "%s/tests/data/catalog_e2e", fz_root());
	adj_diags d;
	adj_diags_init(&d, 0);
	int rc = adj_catalog_import(NULL, db, cat, &d);
	if (rc != 0) {
		fprintf(stderr, "fuzz_batch: importing %s failed (%d)\n", cat, rc);
		print_diags(&d);
		abort();
	}
	adj_diags_clear(&d);
	if (!(catalog && *catalog)) {
		snprintf(p, sizeof p, "%s/tests/data/e2e/money/batches/01-pool-cap.xml", fz_root());
		record(dir, p);
		snprintf(p, sizeof p, "%s/tests/data/e2e/money/batches/02-voids.xml", fz_root());
		record(dir, p);
	}
	state0 = db_state();
	snprintf(batch_path, sizeof batch_path, "%s/batch.xml", dir);
	snprintf(remit_path, sizeof remit_path, "%s/remittance.xml", dir);
	return 0;
}

/* ---- the remittance ------------------------------------------------------- */

static const char *const amount_names[15] = {
	"billed", "rejected", "self-pay", "over-cap", "first-pay", "in-policy", "deductible",
	"coinsurance", "pool", "over-pool", "relief", "assistance", "patient", "hospital-variance",
	"withheld"};
enum { BILLED, REJECTED, SELF_PAY, OVER_CAP, FIRST_PAY, IN_POLICY, DEDUCTIBLE, COINS, POOL,
       OVER_POOL, RELIEF, ASSIST, PATIENT, VARIANCE, WITHHELD };

static bool
is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The attribute as text ("" when absent; freed by the caller). */
static char *
prop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	return v ? (char *)v : (char *)xmlCharStrdup("");
}

/* Money text of a remittance: -?(0|[1-9][0-9]*)\.[0-9]{2}. */
static __int128
amount(xmlNodePtr n, const char *name, bool may_be_negative)
{
	char *v = prop(n, name);
	const char *s = v;
	bool neg = *s == '-';
	s += neg;
	size_t len = strlen(s);
	bool ok = len >= 4 && len <= 24 && s[len - 3] == '.' && (s[0] != '0' || len == 4);
	__int128 x = 0;
	for (size_t i = 0; ok && i < len; i++) {
		if (i == len - 3)
			continue;
		ok = s[i] >= '0' && s[i] <= '9';
		x = x * 10 + (s[i] - '0');
	}
	FZ_ASSERT(ok && (!neg || may_be_negative), "<%s %s=\"%s\"> is not money text", n->name, name,
	          v);
	xmlFree(v);
	return neg ? -x : x;
}

static void
check_reason(xmlNodePtr r)
{
	char *code = prop(r, "code");
	FZ_ASSERT(strlen(code) == 3 && strchr("ABCLW", code[0]) && code[1] >= '0' && code[1] <= '9' &&
	              code[2] >= '0' && code[2] <= '9',
	          "reason code \"%s\"", code);
	FZ_ASSERT(code[0] != 'B', "batch refusal %s inside a remittance", code);
	xmlFree(code);
}

/* The attribute with no namespace as libxml2's tree builder reads it
 * (malloc'ed; "" when absent). */
static char *
noprop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	return v ? (char *)v : (char *)xmlCharStrdup("");
}

static bool
in_batch_ns(xmlNodePtr n, const char *name)
{
	return is(n, name) && n->ns && strcmp((const char *)n->ns->href, "urn:adjudicator:batch:1") == 0;
}

/* SPEC 4.6: one <claim> per claim of the batch, in batch order, with the
 * batch claim's own id, and the member id as read (a lowercase x written
 * as X); the header echoed. The batch is read again here as a DOM by
 * libxml2's own tree builder: what the engine's SAX handlers copied must be
 * what the tree builder sees. */
static void
check_echo(const uint8_t *data, size_t size, xmlNodePtr remit)
{
	xmlDocPtr in = xmlReadMemory((const char *)data, (int)size, "batch.xml", NULL,
	                             XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	FZ_ASSERT(in != NULL, "the engine adjudicated a batch libxml2's tree builder refuses");
	xmlNodePtr batch = xmlDocGetRootElement(in);
	char *a = noprop(batch, "id"), *b = prop(remit, "batch");
	FZ_ASSERT(strcmp(a, b) == 0,
	          "batch id \"%s\" remitted as \"%s\"", a, b);
	xmlFree(a), xmlFree(b);
	a = noprop(batch, "hospital"), b = prop(remit, "hospital");
	FZ_ASSERT(strcmp(a, b) == 0,
	          "hospital \"%s\" remitted as \"%s\"", a, b);
	xmlFree(a), xmlFree(b);
	xmlNodePtr r = remit->children;
	for (xmlNodePtr c = batch->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		while (r && !is(r, "claim"))
			r = r->next;
		FZ_ASSERT(r != NULL, "a claim of the batch is missing from the remittance");
		a = noprop(c, "id"), b = prop(r, "id");
		FZ_ASSERT(strcmp(a, b) == 0,
		          "claim id \"%s\" remitted as \"%s\"", a, b);
		xmlFree(a), xmlFree(b);
		char *member = NULL;
		for (xmlNodePtr m = c->children; m && !member; m = m->next)
			if (in_batch_ns(m, "member"))
				member = noprop(m, "id");
		if (!member)
			member = (char *)xmlCharStrdup("");
		size_t n = strlen(member);
		if (n == 18 && member[17] == 'x')
			member[17] = 'X';
		b = prop(r, "member");
		FZ_ASSERT(strcmp(member, b) == 0,
		          "member \"%s\" remitted as \"%s\"", member, b);
		xmlFree(member), xmlFree(b);
		r = r->next;
	}
	while (r && !is(r, "claim"))
		r = r->next;
	FZ_ASSERT(r == NULL, "the remittance has more claims than the batch");
	xmlFreeDoc(in);
}

static void
check_remittance(const adj_batch_summary *sum, const uint8_t *data, size_t size)
{
	FZ_ASSERT(access(remit_path, F_OK) == 0, "batch adjudicated, no remittance file");
	/* from memory: the engine's deny-all entity loader refuses xmlReadFile */
	size_t n;
	char *text = fz_read(remit_path, &n);
	FZ_ASSERT(text != NULL, "cannot read the remittance");
	xmlDocPtr doc = xmlReadMemory(text, (int)n, "remittance.xml", NULL,
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlGetLastError();
		fprintf(stderr, "remittance (%zu bytes):\n%.*s\n", n, n > 20000 ? 20000 : (int)n, text);
		FZ_ASSERT(doc != NULL, "the remittance is not well-formed XML: line %d: %s",
		          e ? e->line : 0, e && e->message ? e->message : "?");
	}
	free(text);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	FZ_ASSERT(root && is(root, "remittance") && root->ns &&
	              strcmp((const char *)root->ns->href, "urn:adjudicator:remittance:1") == 0,
	          "remittance root");
	long counts[5] = {0}; /* claims accepted adjusted rejected voided */
	__int128 totals[15] = {0};
	bool have_totals = false;
	for (xmlNodePtr c = root->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is(c, "totals")) {
			FZ_ASSERT(!have_totals, "two <totals>");
			have_totals = true;
			for (xmlNodePtr t = c->children; t; t = t->next) {
				if (is(t, "counts")) {
					static const char *const names[5] = {"claims", "accepted", "adjusted",
					                                     "rejected", "voided"};
					for (int k = 0; k < 5; k++) {
						char *v = prop(t, names[k]);
						FZ_ASSERT(atol(v) == counts[k], "totals %s=\"%s\", %ld claims", names[k],
						          v, counts[k]);
						xmlFree(v);
					}
				} else if (is(t, "amounts")) {
					for (int k = 0; k < 15; k++)
						FZ_ASSERT(amount(t, amount_names[k], k == VARIANCE) == totals[k],
						          "totals %s is not the sum over the claims", amount_names[k]);
				}
			}
			continue;
		}
		FZ_ASSERT(is(c, "claim") && !have_totals, "<%s> in the remittance", c->name);
		char *status = prop(c, "status");
		int st = strcmp(status, "accepted") == 0   ? 1
		         : strcmp(status, "adjusted") == 0 ? 2
		         : strcmp(status, "rejected") == 0 ? 3
		         : strcmp(status, "voided") == 0   ? 4
		                                           : -1;
		FZ_ASSERT(st > 0, "claim status \"%s\"", status);
		counts[0]++;
		counts[st]++;
		__int128 a[15] = {0}, items[6] = {0};
		bool have_amounts = false, any_l = false, all_rejected = true;
		long nitems = 0;
		for (xmlNodePtr k = c->children; k; k = k->next) {
			if (is(k, "amounts")) {
				have_amounts = true;
				for (int i = 0; i < 15; i++)
					a[i] = amount(k, amount_names[i], i == VARIANCE);
			} else if (is(k, "reason")) {
				check_reason(k);
			} else if (is(k, "item")) {
				nitems++;
				__int128 x[6];
				for (int i = 0; i < 6; i++) {
					x[i] = amount(k, amount_names[i], false);
					items[i] += x[i];
				}
				FZ_ASSERT(x[0] == x[1] + x[2] + x[3] + x[4] + x[5],
				          "item: billed != rejected + self-pay + over-cap + first-pay + in-policy");
				char *ist = prop(k, "status");
				FZ_ASSERT(strcmp(ist, "accepted") == 0 || strcmp(ist, "adjusted") == 0 ||
				              strcmp(ist, "rejected") == 0,
				          "item status \"%s\"", ist);
				if (strcmp(ist, "rejected") == 0)
					FZ_ASSERT(x[1] == x[0], "a rejected item with rejected != billed");
				else
					all_rejected = false;
				for (xmlNodePtr r = k->children; r; r = r->next)
					if (is(r, "reason")) {
						check_reason(r);
						char *code = prop(r, "code");
						any_l |= code[0] == 'L' && code[1] < '2';
						xmlFree(code);
					}
				xmlFree(ist);
			}
		}
		FZ_ASSERT(have_amounts, "claim without <amounts>");
		if (st == 4) {
			FZ_ASSERT(nitems == 0, "a voided claim lists items");
		} else {
			for (int i = 0; i < 6; i++)
				FZ_ASSERT(a[i] == items[i], "claim %s is not the sum of its items",
				          amount_names[i]);
			FZ_ASSERT(a[BILLED] == a[REJECTED] + a[PATIENT] + a[POOL] + a[RELIEF] + a[ASSIST] +
			                           a[VARIANCE],
			          "claim breaks billed = rejected + patient + pool + relief + assistance + "
			          "hospital-variance");
			for (int i = 0; i < 15; i++)
				totals[i] += a[i];
		}
		if (st == 3) {
			FZ_ASSERT(a[REJECTED] == a[BILLED], "rejected claim: rejected != billed");
			for (int i = 2; i < 15; i++)
				FZ_ASSERT(a[i] == 0, "rejected claim with %s != 0", amount_names[i]);
		}
		if (st == 3)
			FZ_ASSERT(all_rejected, "a rejected claim lists an item not rejected");
		FZ_ASSERT(st == 3 || any_l == (st == 2),
		          "claim %s, yet %s item carries an L01-L16 reason", st == 2 ? "adjusted" : "accepted",
		          any_l ? "an" : "no");
		xmlFree(status);
	}
	FZ_ASSERT(have_totals, "remittance without <totals>");
	check_echo(data, size, root);
	FZ_ASSERT(counts[0] == sum->claims && counts[1] == sum->accepted &&
	              counts[2] == sum->adjusted && counts[3] == sum->rejected &&
	              counts[4] == sum->voided,
	          "summary counts differ from the remittance");
	FZ_ASSERT(totals[BILLED] == sum->billed && totals[POOL] == sum->pool &&
	              totals[PATIENT] == sum->patient && totals[WITHHELD] == sum->withheld,
	          "summary amounts differ from the remittance");
	xmlFreeDoc(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_write(batch_path, data, size);
	unlink(remit_path);

	adj_batch_summary sum;
	adj_diags d;
	adj_adjudicate_opts opts = {remit_path, NULL, true, 1700000000};
	adj_diags_init(&d, 0);
	int rc = adj_adjudicate(&sum, db, batch_path, &opts, &d);
	if (rc != 0 && rc != ADJ_EDATA)
		print_diags(&d);
	FZ_ASSERT(rc == 0 || rc == ADJ_EDATA, "adj_adjudicate returned %d", rc);
	if (rc == ADJ_EDATA) {
		FZ_ASSERT(adj_diags_total(&d) >= 1, "a refusal without a diagnostic");
		FZ_ASSERT(sum.refusal[0] == 'B' && sum.refusal[1] == '0' && sum.refusal[2] >= '1' &&
		              sum.refusal[2] <= '4' && sum.refusal[3] == '\0',
		          "refusal \"%s\"", sum.refusal);
		FZ_ASSERT(access(remit_path, F_OK) != 0, "a refused batch left a remittance");
	} else {
		if (d.count)
			print_diags(&d);
		FZ_ASSERT(adj_diags_total(&d) == 0, "an adjudicated batch with %zu diagnostics",
		          adj_diags_total(&d));
		FZ_ASSERT(sum.claims == sum.accepted + sum.adjusted + sum.rejected + sum.voided,
		          "summary counts");
		check_remittance(&sum, data, size);
		/* SPEC 7: the same database and batch give the same remittance,
		 * byte for byte (the time is fixed). Checked on one input in 8,
		 * chosen by content so that a rerun checks the same ones. */
		uint32_t h = 2166136261u;
		for (size_t i = 0; i < size; i++)
			h = (h ^ data[i]) * 16777619u;
		if ((h & 7) == 0) {
			size_t n1, n2;
			char *first = fz_read(remit_path, &n1);
			adj_batch_summary again;
			adj_diags d2;
			adj_diags_init(&d2, 0);
			int rc2 = adj_adjudicate(&again, db, batch_path, &opts, &d2);
			char *second = fz_read(remit_path, &n2);
			FZ_ASSERT(rc2 == 0 && first && second && n1 == n2 && memcmp(first, second, n1) == 0,
			          "the same batch adjudicated twice gave two remittances (%zu and %zu bytes)",
			          n1, n2);
			free(first);
			free(second);
			adj_diags_clear(&d2);
		}
	}
	adj_diags_clear(&d);

	char *state = db_state();
	FZ_ASSERT(strcmp(state, state0) == 0, "a dry run changed the database:\n  before %s\n  after  %s",
	          state0, state);
	free(state);
	return 0;
}
