/*
 * reemit.c - `adjudicator remittance BATCH-ID`: the stored remittance of an
 * earlier batch, rebuilt from the ledger (hospitals lose files).
 *
 * Nothing but the ledger is read: the batch row (its adjudication time),
 * then each claim in batch order with its reasons and lines. The writer is
 * the one adjudication used (adj_remit_view_write), so the result is the
 * original byte for byte, as long as the reason registry's messages are
 * unchanged (they never change meaning; see reasons.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adjudicator.h"
#include "ledger/db.h"
#include "remit/remittance.h"
#include "util/arena.h"
#include "util/outfile.h"
#include "util/vec.h"

static const char *
text(adj_arena *a, sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	if (!s)
		return NULL;
	const char *c = adj_arena_strndup(a, s, (size_t)sqlite3_column_bytes(st, i));
	return c ? c : "";
}

static int
write_claims(adj_db *db, adj_remit *r, int64_t batch, adj_totals *totals)
{
	sqlite3_stmt *claims = NULL, *reasons = NULL, *lines = NULL;
	adj_arena a;
	int rc, s;

	adj_arena_init(&a, 0);
	if ((rc = adj_db_prepare(db, &claims,
	                         "SELECT id, claim_id, member, status, method, target_id, reason, "
	                         "reason_value, kind, billed, rejected, self_pay, over_cap, first_pay, "
	                         "in_policy, deductible, coinsurance, pool, over_pool, relief, assistance, "
	                         "patient, hospital_variance, withheld FROM claim WHERE id BETWEEN "
	                         "(SELECT first_claim FROM batch WHERE id = ?1) AND "
	                         "(SELECT last_claim FROM batch WHERE id = ?1) ORDER BY id")) ||
	    (rc = adj_db_prepare(db, &reasons,
	                         "SELECT line, code, value FROM reason WHERE claim = ? ORDER BY ord")) ||
	    (rc = adj_db_prepare(db, &lines,
	                         "SELECT seq, status, billed, rejected, self_pay, over_cap, first_pay, "
	                         "in_policy FROM line WHERE claim = ? ORDER BY ord")))
		goto done;
	sqlite3_bind_int64(claims, 1, batch);
	while ((s = sqlite3_step(claims)) == SQLITE_ROW) {
		adj_arena_reset(&a);
		int64_t id = sqlite3_column_int64(claims, 0);
		adj_fen amt[ADJ_AMT_COUNT];
		for (int k = 0; k < ADJ_AMT_COUNT; k++)
			amt[k] = sqlite3_column_int64(claims, 9 + k);
		adj_remit_view v;
		memset(&v, 0, sizeof v);
		v.id = text(&a, claims, 1);
		v.member = text(&a, claims, 2);
		v.status = text(&a, claims, 3);
		v.method = text(&a, claims, 4);
		v.voids = strcmp(v.status, "voided") == 0 ? text(&a, claims, 5) : NULL;
		v.amt = amt;

		/* reasons: the C reason first, then the claim's, then per line */
		adj_remit_reason *creasons = NULL, *lreasons = NULL;
		int *lreason_line = NULL;
		size_t nc = 0, ccap = 0, nl = 0, lcap = 0, lncap = 0, nln = 0;
		if (sqlite3_column_type(claims, 6) != SQLITE_NULL) {
			adj_remit_reason *x = ADJ_VEC_PUSH(creasons, nc, ccap);
			if (x)
				*x = (adj_remit_reason){text(&a, claims, 6), text(&a, claims, 7), -1};
		}
		sqlite3_reset(reasons);
		sqlite3_bind_int64(reasons, 1, id);
		while (sqlite3_step(reasons) == SQLITE_ROW) {
			adj_remit_reason rr = {text(&a, reasons, 1), text(&a, reasons, 2), -1};
			if (sqlite3_column_type(reasons, 0) == SQLITE_NULL) {
				adj_remit_reason *x = ADJ_VEC_PUSH(creasons, nc, ccap);
				if (x)
					*x = rr;
			} else {
				adj_remit_reason *x = ADJ_VEC_PUSH(lreasons, nl, lcap);
				int *ln = ADJ_VEC_PUSH(lreason_line, nln, lncap);
				if (x && ln) {
					*x = rr;
					*ln = sqlite3_column_int(reasons, 0);
				}
			}
		}
		v.reasons = creasons;
		v.nreasons = nc;
		adj_remit_item *items = NULL;
		size_t ni = 0, icap = 0, next_reason = 0;
		sqlite3_reset(lines);
		sqlite3_bind_int64(lines, 1, id);
		while (sqlite3_step(lines) == SQLITE_ROW) {
			adj_remit_item *it = ADJ_VEC_PUSH(items, ni, icap);
			if (!it)
				break;
			it->seq = text(&a, lines, 0);
			if (!it->seq)
				it->seq = "";
			it->status = text(&a, lines, 1);
			for (int k = 0; k < 6; k++)
				it->amt[k] = sqlite3_column_int64(lines, 2 + k);
			/* reasons are stored in remittance order, lines ascending */
			it->reasons = lreasons ? &lreasons[next_reason] : NULL;
			while (next_reason < nl && lreason_line[next_reason] == (int)(ni - 1)) {
				it->nreasons++;
				next_reason++;
			}
		}
		v.items = items;
		v.nitems = strcmp(text(&a, claims, 8), "void") == 0 ? 0 : ni;
		if (!v.id)
			v.id = "";
		rc = adj_remit_view_write(r, &v);
		adj_outcome o; /* the totals need the status and the amounts only */
		memset(&o, 0, sizeof o);
		o.status = strcmp(v.status, "accepted") == 0   ? ADJ_ST_ACCEPTED
		           : strcmp(v.status, "adjusted") == 0 ? ADJ_ST_ADJUSTED
		           : strcmp(v.status, "rejected") == 0 ? ADJ_ST_REJECTED
		                                               : ADJ_ST_VOIDED;
		memcpy(o.amt, amt, sizeof amt);
		if (!adj_totals_add(totals, &o))
			rc = ADJ_EDATA;
		free(creasons);
		free(lreasons);
		free(lreason_line);
		free(items);
		if (rc)
			break;
	}
	if (!rc && s != SQLITE_DONE)
		rc = adj_db_fail(db, "reading the ledger");
done:
	sqlite3_finalize(claims);
	sqlite3_finalize(reasons);
	sqlite3_finalize(lines);
	adj_arena_free(&a);
	return rc;
}

int
adj_remittance(adj_db *db, const char *batch_id, const char *hospital, const char *output,
               void *out_fp, adj_diags *diags)
{
	sqlite3_stmt *st;
	int rc, found = 0;
	int64_t batch = 0;
	char hosp[64] = "", when[32] = "";

	if ((rc = adj_db_prepare(db, &st,
	                         "SELECT id, hospital, adjudicated_at FROM batch WHERE batch_id = ? "
	                         "AND (?2 IS NULL OR hospital = ?2)"))) {
		adj_diags_add(diags, "remittance", 0, "", "%s", adj_db_errmsg(db));
		return rc;
	}
	sqlite3_bind_text(st, 1, batch_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hospital, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (found++ == 0) {
			batch = sqlite3_column_int64(st, 0);
			snprintf(hosp, sizeof hosp, "%s", (const char *)sqlite3_column_text(st, 1));
			snprintf(when, sizeof when, "%s", (const char *)sqlite3_column_text(st, 2));
		}
	}
	sqlite3_finalize(st);
	if (found == 0) {
		adj_diags_add(diags, "remittance", 0, "batch", "no batch %s%s%s was adjudicated", batch_id,
		              hospital ? " of hospital " : "", hospital ? hospital : "");
		return ADJ_ENOINPUT;
	}
	if (found > 1) {
		adj_diags_add(diags, "remittance", 0, "--hospital",
		              "%d hospitals sent a batch %s: name the hospital", found, batch_id);
		return ADJ_EUSAGE;
	}

	adj_outfile out;
	adj_remit *r = NULL;
	adj_totals totals;
	memset(&totals, 0, sizeof totals);
	if (adj_outfile_open(&out, output) != 0) {
		adj_diags_add(diags, output ? output : "remittance", 0, "", "cannot create: %s",
		              strerror(errno));
		return ADJ_ECANTCREATE;
	}
	int werr = 0; /* the errno of a failed write of the remittance */
	if ((rc = adj_db_exec(db, "BEGIN")) == 0) { /* one consistent read */
		if ((rc = adj_remit_open(&r, out.fd)) == 0 &&
		    (rc = adj_remit_begin(r, batch_id, hosp, when)) == 0 &&
		    (rc = write_claims(db, r, batch, &totals)) == 0) {
			adj_remit_end(r, &totals);
			rc = adj_remit_close(r, &werr);
			r = NULL;
		} else if (r && adj_remit_errno(r)) {
			werr = adj_remit_errno(r);
		}
		adj_db_exec(db, "COMMIT");
	}
	adj_remit_abort(r);
	if (!rc) {
		if (output ? adj_outfile_publish(&out) != 0 : adj_outfile_copy(&out, out_fp) != 0) {
			adj_diags_add(diags, output ? output : "stdout", 0, "", "cannot write: %s",
			              strerror(errno));
			rc = output ? ADJ_ECANTCREATE : ADJ_EIO;
		}
	} else if (rc == ADJ_EIO && werr) {
		adj_diags_add(diags, output ? output : "remittance", 0, "",
		              "cannot write the remittance: %s", strerror(werr));
	} else if (rc == ADJ_EIO) {
		adj_diags_add(diags, "remittance", 0, "", "%s", adj_db_errmsg(db));
	}
	adj_outfile_close(&out);
	return rc;
}
