/*
 * remittance.h - writing the remittance XML as claims are decided (SPEC 4.6).
 *
 * Written by a buffered writer of our own (the layout xmlTextWriter gave,
 * byte for byte, at a fraction of its cost) into a file the caller names (a
 * temporary file linked into place only when the whole batch succeeded), two
 * spaces of indentation, attributes in a fixed order: the output is the
 * same byte for byte for the same ledger, batch and adjudication time.
 */
#ifndef ADJ_REMIT_REMITTANCE_H
#define ADJ_REMIT_REMITTANCE_H

#include "ledger/ledger.h"
#include "outcome.h"

typedef struct adj_remit adj_remit;

typedef struct adj_totals {
	long claims, accepted, adjusted, rejected, voided;
	adj_fen amt[ADJ_AMT_COUNT];
} adj_totals;

/* Write to the open file descriptor fd (not closed by the writer: the
 * caller publishes or discards the file). */
int adj_remit_open(adj_remit **out, int fd);

int adj_remit_begin(adj_remit *r, const char *batch_id, const char *hospital,
                    const char *adjudicated);

/* A claim as the remittance shows it: what adj_remit_claim makes of an
 * outcome, and what `adjudicator remittance` reads back from the ledger.
 * One writer for both keeps a re-emitted remittance byte-identical. */
typedef struct adj_remit_reason {
	const char *code, *value;
	int k; /* the registry index of code, or -1 to look it up */
} adj_remit_reason;

typedef struct adj_remit_item {
	const char *seq, *status;
	adj_fen amt[6]; /* billed rejected self-pay over-cap first-pay in-policy */
	const adj_remit_reason *reasons;
	size_t nreasons;
} adj_remit_item;

typedef struct adj_remit_view {
	const char *id, *member, *status, *method, *voids; /* voids NULL unless voided */
	const adj_fen *amt;                                /* ADJ_AMT_COUNT */
	const adj_remit_reason *reasons;
	size_t nreasons;
	const adj_remit_item *items;
	size_t nitems;
} adj_remit_view;

/* One claim of the batch. For a void request that succeeded, `voided` is
 * the claim it voided (its method and first remitted amounts). */
int adj_remit_claim(adj_remit *r, const adj_outcome *o, const adj_target *voided);

/* One claim, from its view. */
int adj_remit_view_write(adj_remit *r, const adj_remit_view *v);

/* The totals and the end of the document. A failed write, here or before,
 * is reported by adj_remit_close. */
void adj_remit_end(adj_remit *r, const adj_totals *t);

/* Flush (waiting for the writer thread), fsync and free the writer; returns
 * ADJ_EIO when anything failed on the way, with the errno of the first
 * failure in *err (when err is not NULL; 0 when nothing failed). */
int adj_remit_close(adj_remit *r, int *err);

/* The errno of the first failed write (0 when none failed). */
int adj_remit_errno(const adj_remit *r);

/* Abandon (close without caring). */
void adj_remit_abort(adj_remit *r);

/* Add a claim to the totals (SPEC 4.6: amounts of claims not voided).
 * Returns false on overflow. */
bool adj_totals_add(adj_totals *t, const adj_outcome *o);

#endif
