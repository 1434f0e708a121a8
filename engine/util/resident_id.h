/*
 * resident_id.h - the GB 11643 citizen identity number (SPEC 3).
 *
 * 17 digits (the first not 0), then a check character 0-9 or X (a lowercase
 * x is read as X). Digits 7-14 are the birth date, which must exist and be
 * in 1900 or later; the check character is ISO 7064 mod 11-2; the 17th digit
 * is odd for men. Members' sex and birth date come from here.
 */
#ifndef ADJ_UTIL_RESIDENT_ID_H
#define ADJ_UTIL_RESIDENT_ID_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"

#define ADJ_RID_LEN 18

typedef enum {
	ADJ_RID_OK = 0,
	ADJ_RID_BAD_FORMAT, /* not 17 digits + [0-9Xx], or first digit 0 */
	ADJ_RID_BAD_BIRTH,  /* digits 7-14 not a real date in 1900 or later */
	ADJ_RID_BAD_CHECK,  /* the check character does not match */
} adj_rid_status;

typedef struct adj_rid {
	char id[ADJ_RID_LEN + 1]; /* normalised: a lowercase x written as X */
	adj_date birth;
	char sex; /* 'M' or 'F' */
} adj_rid;

/* Check the n bytes at s; on ADJ_RID_OK fill *out (which may be NULL). */
adj_rid_status adj_rid_check(const char *s, size_t n, adj_rid *out);

/* The check character for 17 leading digits (for generators and tests). */
char adj_rid_check_char(const char *first17);

/* A short English description of a status, for diagnostics. */
const char *adj_rid_status_text(adj_rid_status st);

#endif
