/*
 * reasons.h - the reason-code registry (SPEC 5.7).
 *
 * One table of every code: its stable identifier, the Chinese and English
 * message, and which amount it moves. The engine, the remittance and the
 * reports all read it; a code never changes meaning and is never reused.
 */
#ifndef ADJ_REASONS_H
#define ADJ_REASONS_H

typedef enum {
	ADJ_R_B01, ADJ_R_B02, ADJ_R_B03, ADJ_R_B04,
	ADJ_R_C01, ADJ_R_C02, ADJ_R_C03, ADJ_R_C04, ADJ_R_C05, ADJ_R_C06, ADJ_R_C07,
	ADJ_R_C08, ADJ_R_C09, ADJ_R_C10, ADJ_R_C11, ADJ_R_C12, ADJ_R_C13,
	ADJ_R_L01, ADJ_R_L02, ADJ_R_L03, ADJ_R_L04, ADJ_R_L05, ADJ_R_L06,
	ADJ_R_L11, ADJ_R_L12, ADJ_R_L13, ADJ_R_L14, ADJ_R_L15, ADJ_R_L16,
	ADJ_R_L21, ADJ_R_L22, ADJ_R_L23,
	ADJ_R_A01, ADJ_R_A02, ADJ_R_A03, ADJ_R_A04, ADJ_R_A05, ADJ_R_A06, ADJ_R_A07, ADJ_R_A08,
	ADJ_R_W01,
	ADJ_R_COUNT
} adj_reason;

typedef struct adj_reason_info {
	const char *code;    /* "L05" */
	const char *zh;      /* message in Chinese */
	const char *en;      /* message in English */
	const char *moves;   /* the amount it moves: "rejected", "self-pay", ... or "" */
} adj_reason_info;

extern const adj_reason_info adj_reasons[ADJ_R_COUNT];

/* The registry entry of a code string ("C07"), or -1. */
int adj_reason_find(const char *code);

/* Line reasons L01-L16 make an item (and its claim) "adjusted"; L01-L06
 * may reject it whole. */
static inline int adj_reason_is_line_problem(adj_reason r)
{
	return r >= ADJ_R_L01 && r <= ADJ_R_L16;
}

#endif
