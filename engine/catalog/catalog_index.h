/*
 * catalog_index.h - the hot-path look-up of an item by (code, date).
 *
 * Built once per adjudication from a loaded catalog: item pointers sorted
 * by (code, valid_from) and an open-addressing hash table from code to its
 * run in that order. A look-up is one hash probe and a short scan of the
 * code's periods (MEASUREMENTS 2: a C hash table is ~20x a SQLite probe).
 */
#ifndef ADJ_CATALOG_INDEX_H
#define ADJ_CATALOG_INDEX_H

#include "catalog/catalog.h"

typedef struct adj_item_index adj_item_index;

int adj_item_index_build(adj_item_index **out, const adj_catalog *cat);
void adj_item_index_free(adj_item_index *ix);

/* The row of `code` (n bytes) valid on `date`, or NULL. */
const adj_item *adj_item_index_find(const adj_item_index *ix, const char *code, size_t n,
                                    adj_date date);

/* The index's hash of a code (FNV-1a, 64 bits), for a caller that hashes
 * the code for itself too: adj_item_index_find_hashed then does not hash
 * it again. */
uint64_t adj_item_code_hash(const char *code, size_t n);
const adj_item *adj_item_index_find_hashed(const adj_item_index *ix, const char *code, size_t n,
                                           uint64_t hash, adj_date date);

#endif
