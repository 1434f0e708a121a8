/*
 * members.h - the member registry (SPEC 4.4).
 */
#ifndef ADJ_CATALOG_MEMBERS_H
#define ADJ_CATALOG_MEMBERS_H

#include "catalog.h"
#include "ledger/db.h"
#include "util/resident_id.h"

typedef struct adj_member {
	char id[ADJ_RID_LEN + 1];
	const char *name, *scheme, *category;
	char sex;
	adj_date birth;
	adj_date enrolled_from, enrolled_to;   /* to: ADJ_DATE_NONE open */
	adj_date paid_through;                 /* ADJ_DATE_NONE: owes nothing */
	adj_date relief_from, relief_to;       /* from NONE: no period; to NONE: open */
	adj_date assist_from, assist_to;
} adj_member;

/*
 * Read and validate the registry file at path (display names it in
 * diagnostics) against policy; when db is not NULL, upsert each valid row
 * into it (the caller owns the transaction and rolls it back when any
 * problem was reported). Counts go into summary.
 */
int adj_members_load(adj_catalog_summary *summary, adj_db *db, const adj_policy *policy,
                     const char *path, const char *display, adj_diags *diags);

/* The registry generation: the number of imports that changed it. */
int adj_registry_generation(adj_db *db, int64_t *g);

#endif
