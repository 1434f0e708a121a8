/*
 * catalog_store.h - catalog versions in the database.
 */
#ifndef ADJ_CATALOG_STORE_H
#define ADJ_CATALOG_STORE_H

#include "catalog.h"
#include "ledger/db.h"

/*
 * Inside an open transaction: store cat as a new catalog version and make
 * it current, unless its digest equals the current version's (then nothing
 * is written and *unchanged is set). Sets cat->version and the row_id of
 * every item, benefit and single-disease row.
 */
int adj_catalog_store(adj_db *db, adj_catalog *cat, const char *source, bool *unchanged);

/* Load catalog version `version` from the database (0: the current one).
 * ADJ_EDATA with db->errmsg when no catalog was imported yet. */
int adj_catalog_load(adj_catalog **out, adj_db *db, long version);

#endif
