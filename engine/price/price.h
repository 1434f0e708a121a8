/*
 * price.h - pricing one line against the catalog (SPEC 5.2).
 *
 * Pure functions: given the line, the catalog row valid on its date (or
 * none) and the claim's context, they decide the line's reasons and split
 * its amount into rejected, self-pay, over-cap, first-pay and in-policy.
 * The caller keeps what spans lines (earlier duplicates, the quantity
 * already allowed per code and day) and passes it in.
 */
#ifndef ADJ_PRICE_PRICE_H
#define ADJ_PRICE_PRICE_H

#include <stdbool.h>

#include "catalog/catalog.h"
#include "check/check.h"
#include "reasons.h"

typedef enum { ADJ_ST_ACCEPTED, ADJ_ST_ADJUSTED, ADJ_ST_REJECTED, ADJ_ST_VOIDED } adj_status;
extern const char *const adj_status_name[4];

#define ADJ_LINE_MAX_REASONS 8

typedef struct adj_reason_rec {
	adj_reason code;
	const char *value; /* the deciding value, in the claim's arena or static */
} adj_reason_rec;

typedef struct adj_line_result {
	adj_status status;
	bool screened;           /* passed step 1 (L01-L04) */
	const adj_item *row;     /* catalog row priced against, NULL for none */
	adj_milli allowed_qty;
	adj_fen allowed_price;
	adj_fen billed, rejected, self_pay, over_cap, first_pay, in_policy;
	size_t nreasons;
	adj_reason_rec reasons[ADJ_LINE_MAX_REASONS];
} adj_line_result;

/* What the claim contributes to pricing its lines. */
typedef struct adj_price_ctx {
	int tier;                 /* the hospital's tier, 1..3 */
	const adj_claim *claim;   /* diagnoses (L14) */
	char sex;                 /* the member's, from the id (L15) */
	int age;                  /* on the service date (L16) */
	adj_arena *arena;         /* for reason values */
} adj_price_ctx;

/* Add a reason to a line result; value is copied into the arena. */
void adj_line_reason(adj_line_result *r, adj_arena *a, adj_reason code, const char *value);

/*
 * Steps 2-7 for a line that passed step 1: row is the catalog row for
 * (code, date) or NULL (L11); allowed_before is the quantity already
 * allowed to earlier lines of that code and date (for max_daily). Fills r
 * (billed and status included). Returns false when price() overflows
 * (the caller rejects the claim with C13).
 */
bool adj_price_line(adj_line_result *r, const adj_line *line, const adj_item *row,
                    adj_milli allowed_before, const adj_price_ctx *ctx);

/* Mark a line rejected whole at step 1 with the given reason and value. */
void adj_price_reject(adj_line_result *r, const adj_line *line, adj_reason code, const char *value,
                      adj_arena *a);

#endif
