/*
 * ledger.h - what adjudication reads from and writes to the database.
 *
 * Every statement is prepared once per batch. The caller owns the batch
 * transaction (BEGIN IMMEDIATE ... COMMIT); a replacement is adjudicated
 * inside a savepoint so that a rejected replacement leaves its original as
 * it was (SPEC 5.6).
 */
#ifndef ADJ_LEDGER_LEDGER_H
#define ADJ_LEDGER_LEDGER_H

#include "ledger/db.h"
#include "outcome.h"

typedef struct adj_ledger adj_ledger;

/* A recorded claim as C07/C09 and voids need it. */
typedef struct adj_target {
	int64_t row;
	char hospital[64], member[80], kind[16], status[16], method[96];
	char scheme[32], grp[64], ded_kind[8];
	int year;
	bool voided, counted;
	adj_fen amt[ADJ_AMT_COUNT];
	adj_fen pos_delta;
} adj_target;

int adj_ledger_open(adj_ledger **out, adj_db *db);
void adj_ledger_close(adj_ledger *l);

/* B04: has this hospital's batch id been adjudicated? when gets the date. */
int adj_ledger_batch_seen(adj_ledger *l, const char *hospital, const char *batch_id, bool *seen,
                          char when[32]);
int adj_ledger_batch_insert(adj_ledger *l, const char *hospital, const char *batch_id,
                            const char *created, const char *adjudicated_at, long version,
                            const char *source, int64_t *row);
/* Close the batch row: its claim count, the source file (absolute path,
 * size, fingerprint) and the registry generation it was adjudicated with. */
int adj_ledger_batch_finish(adj_ledger *l, int64_t row, size_t claims, const char *path,
                            uint64_t size, uint64_t fingerprint, int64_t generation);

/* The member's registry row (strings in arena). */
int adj_ledger_member(adj_ledger *l, const char *id, adj_member *m, adj_arena *arena, bool *found);

/* C07: a recorded, not voided claim of this hospital with this id (other
 * than row `except`). */
int adj_ledger_id_used(adj_ledger *l, const char *hospital, const char *claim_id, int64_t except,
                       bool *used);

/* The claim a replacement or void names: the not-voided row of that
 * hospital and id if any, else the latest voided one. *found false when
 * none; *elsewhere true when the id exists only at other hospitals. */
int adj_ledger_target(adj_ledger *l, const char *hospital, const char *claim_id, adj_target *t,
                      bool *found, bool *elsewhere);

/* C08: an accepted or adjusted, not voided inpatient claim of the member
 * whose stay [admitted, stay_end) overlaps [a, e), other than `except`. */
int adj_ledger_stay_overlap(adj_ledger *l, const char *member, adj_date a, adj_date e,
                            int64_t except, bool *overlap, char other[160]);

int adj_ledger_accum_get(adj_ledger *l, const char *member, const char *scheme, int year,
                         const char *grp, adj_accum *acc);
int adj_ledger_accum_put(adj_ledger *l, const char *member, const char *scheme, int year,
                         const char *grp, const adj_accum *acc);

int adj_ledger_hospital_get(adj_ledger *l, const char *hospital, int year, adj_fen *pool,
                            adj_fen *withheld);
int adj_ledger_hospital_put(adj_ledger *l, const char *hospital, int year, adj_fen pool,
                            adj_fen withheld);

/* SPEC 5.6: reverse every accumulator change of t (member and hospital). */
int adj_ledger_reverse(adj_ledger *l, const adj_target *t);

/* Mark claim row `row` voided by claim row `by`. */
int adj_ledger_mark_voided(adj_ledger *l, int64_t row, int64_t by);

/* Record an outcome (claim row, lines, reasons); sets o->row. */
int adj_ledger_post(adj_ledger *l, int64_t batch_row, const char *hospital, adj_outcome *o);

int adj_ledger_savepoint(adj_ledger *l);
int adj_ledger_release(adj_ledger *l);
int adj_ledger_rollback_to(adj_ledger *l);

/* Schema version 5, 6 or 7 (from) to 8 (`adjudicator init`, inside its
 * transaction): every claim's lines rewritten in version 8's shorter form,
 * and the views that read them dropped for the schema to make again. */
int adj_ledger_upgrade_lines(adj_db *db, int from);

/* Versions 5 to 7 to 8: each batch's first and last claim row ids recorded
 * in the batch row (version 8 finds a batch's claims by them, without an
 * index on (batch, ord)); refused, with db->errmsg, when a batch's rows are
 * not one range of ids in the batch's order. */
int adj_ledger_upgrade_batches(adj_db *db);

#endif
