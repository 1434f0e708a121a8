/*
 * check.h - reading a raw claim with the contract's grammars (SPEC 4.5,
 * 5.1 C01, C02, C11) into typed values.
 *
 * adj_claim_parse never touches the database: it decides only what the
 * claim's own text decides. The checks that need the registry or the ledger
 * (C03-C10) are made by adjudicate.c in the order of SPEC 5.1.
 */
#ifndef ADJ_CHECK_CHECK_H
#define ADJ_CHECK_CHECK_H

#include <stdbool.h>

#include "catalog/catalog.h"
#include "intake/claim.h"
#include "reasons.h"
#include "util/resident_id.h"

typedef enum { ADJ_KIND_CLAIM, ADJ_KIND_REPLACEMENT, ADJ_KIND_VOID } adj_claim_kind;

/* One item, typed. Fields that did not parse keep their "bad" flag; a
 * claim with any of them is C01, but its billed amount still shows. */
typedef struct adj_line {
	const adj_item_raw *raw;
	adj_date date;
	adj_milli qty;
	adj_fen price, amount;
	bool amount_ok; /* amount readable: a rejected claim bills it */
} adj_line;

typedef struct adj_claim {
	const adj_claim_raw *raw;
	adj_claim_kind kind;
	int type;              /* adj_claim_type, -1 when bad */
	const char *target;    /* replaces or voids */
	adj_rid member;        /* valid when member_ok */
	bool member_ok;
	const char *member_text; /* as read, a lowercase x written as X */
	adj_date admitted, discharged, visit;
	adj_date service;      /* admission or visit date */
	int year;              /* discharge or visit year */
	adj_date stay_end;     /* max(discharge, admission + 1): C08 */
	int primary;           /* index of the primary diagnosis */
	adj_line *lines;       /* nitems, in the claim's arena */
	size_t nlines;
} adj_claim;

/* A decision on a claim: a C code and the deciding value. */
typedef struct adj_verdict {
	adj_reason code; /* ADJ_R_COUNT: none */
	char value[256];
} adj_verdict;

/* True when s (NUL-terminated) is a claim id: 1-64 characters of valid
 * UTF-8 text without control characters. */
bool adj_claim_id_ok(const char *s);

/*
 * Parse raw into c (lines allocated in raw->arena). Decides C01 for a claim
 * or a void request (a void request's other content is not read), then C02
 * (the member id). Returns false and fills v when one of them fails; the
 * typed fields that did parse are set either way (lines always, so that a
 * rejected claim can list its items).
 */
bool adj_claim_parse(adj_claim *c, const adj_claim_raw *raw, adj_verdict *v);

/* C11: exactly one primary diagnosis, and every diagnosis and procedure
 * code matching its format. Returns false and fills v when it fails. The
 * formats are matched through scratch (NULL: the patterns' own match data;
 * see adj_pattern_match_in). */
bool adj_claim_codes_ok(const adj_claim *c, const adj_policy *p, adj_pattern_scratch *scratch,
                        adj_verdict *v);

/* Parse an xs:boolean (whitespace collapsed): 1 true, 0 false, -1 bad. */
int adj_xs_boolean(const char *s);

/* True when s is an xs:dateTime (SPEC 4.5 batch created). */
bool adj_xs_datetime_ok(const char *s);

#endif
