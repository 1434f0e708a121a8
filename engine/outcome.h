/*
 * outcome.h - what adjudicating one claim decided: the struct the engine
 * fills and the ledger and the remittance read (SPEC 4.6, 5).
 */
#ifndef ADJ_OUTCOME_H
#define ADJ_OUTCOME_H

#include "benefit/benefit.h"
#include "catalog/members.h"
#include "check/check.h"
#include "price/price.h"

/* The claim amounts of SPEC 4.6, in remittance attribute order. */
typedef enum {
	ADJ_AMT_BILLED, ADJ_AMT_REJECTED, ADJ_AMT_SELF_PAY, ADJ_AMT_OVER_CAP, ADJ_AMT_FIRST_PAY,
	ADJ_AMT_IN_POLICY, ADJ_AMT_DEDUCTIBLE, ADJ_AMT_COINSURANCE, ADJ_AMT_POOL, ADJ_AMT_OVER_POOL,
	ADJ_AMT_RELIEF, ADJ_AMT_ASSISTANCE, ADJ_AMT_PATIENT, ADJ_AMT_VARIANCE, ADJ_AMT_WITHHELD,
	ADJ_AMT_COUNT
} adj_amount;

/* Attribute names ("self-pay") and ledger column names ("self_pay"). */
extern const char *const adj_amount_attr[ADJ_AMT_COUNT];
extern const char *const adj_amount_column[ADJ_AMT_COUNT];

#define ADJ_CLAIM_MAX_REASONS 12

typedef struct adj_outcome {
	adj_claim claim;              /* typed claim (its raw inside) */
	adj_status status;
	adj_reason c_reason;          /* ADJ_R_COUNT unless rejected */
	const char *c_value;
	char method[96];              /* fee-for-service | single-disease:CODE */
	bool record;                  /* false for C07 and a rejected same-id replacement */
	const adj_member *member;     /* NULL before C03 passed */
	const adj_single_disease *sd;
	const adj_benefit *rule;
	const adj_group *group;
	adj_fen amt[ADJ_AMT_COUNT];
	adj_line_result *lines;       /* claim.nlines of them, NULL for a void request */
	size_t nreasons;
	adj_reason_rec reasons[ADJ_CLAIM_MAX_REASONS];
	bool counted;                 /* changed the accumulators */
	bool relief_ok, assist_ok;    /* the member's periods covered the service date */
	adj_benefit_out ben;
	adj_accum before;
	adj_fen hospital_pool_before;
	adj_fen budget;               /* -1: none used */
	int64_t target_row;           /* the replaced or voided claim, 0 none */
	int64_t row;                  /* this claim's ledger row once posted */
} adj_outcome;

#endif
