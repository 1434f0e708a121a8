/*
 * claim.h - a claim as the intake reads it: raw text, nothing judged yet.
 *
 * The intake (intake.c) turns XML into these structs without deciding
 * anything about them; the check stage (check/) reads the raw strings with
 * the grammars of SPEC 3 and 4.5 and decides C01 and the rest. Keeping the
 * text raw lets a void request be checked for its own few fields only
 * (SPEC 5.1) and lets a rejected claim echo what the hospital sent.
 *
 * Ownership: every pointer points into the claim's arena, freed (reset)
 * after the claim is posted. NULL means "attribute absent".
 */
#ifndef ADJ_INTAKE_CLAIM_H
#define ADJ_INTAKE_CLAIM_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

/* Caps on what one claim may hold; past them the batch is refused (B01). */
#define ADJ_MAX_ITEMS 20000
#define ADJ_MAX_DIAGNOSES 200
#define ADJ_MAX_PROCEDURES 200
#define ADJ_MAX_ATTR_BYTES 4096
#define ADJ_MAX_DEPTH 32
#define ADJ_MAX_CLAIM_BYTES (64 * 1024 * 1024) /* text of one claim, in its arena */

typedef struct adj_item_raw {
	const char *seq, *code, *date, *qty, *price, *amount;
	long line;
} adj_item_raw;

typedef struct adj_diagnosis_raw {
	const char *code, *primary;
	long line;
} adj_diagnosis_raw;

typedef struct adj_claim_raw {
	long line, column;           /* where <claim> starts */
	size_t index;                /* 0-based position in the batch */
	const char *id, *type, *replaces, *voids;
	size_t n_member;
	const char *member;          /* id attribute of the first <member> */
	bool member_has_id;
	size_t n_stay, n_visit;
	const char *admitted, *discharged, *visit; /* of the first stay / visit */
	adj_diagnosis_raw *dx;
	size_t ndx, dx_cap;
	const char **proc;           /* code attributes, NULL when absent */
	size_t nproc, proc_cap;
	adj_item_raw *items;
	size_t nitems, items_cap;
	const char *unknown_element; /* first element of no known kind, or NULL */
	long unknown_line;
	bool stray_text;             /* non-blank text inside the claim */
	adj_arena *arena;
	void *prepared;              /* what the prepare callback made of it, or NULL */
} adj_claim_raw;

/* The batch header as read (SPEC 4.5). */
typedef struct adj_batch_header {
	const char *id, *hospital, *created; /* NULL when absent */
	long line, column;
} adj_batch_header;

#endif
