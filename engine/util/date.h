/*
 * date.h - calendar dates as day numbers (SPEC 3).
 *
 * A date is an int32_t count of days since 1970-01-01 (proleptic Gregorian),
 * so periods compare with < and stays subtract. ADJ_DATE_NONE marks an empty
 * (open) date in catalog rows; it sorts after every real date so an open
 * valid_to needs no special case in "from <= d && d <= to".
 */
#ifndef ADJ_UTIL_DATE_H
#define ADJ_UTIL_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t adj_date;

#define ADJ_DATE_NONE INT32_MAX
#define ADJ_DATE_TEXT 11 /* "YYYY-MM-DD" + NUL */

/* Days since 1970-01-01 of a civil date; the date must be valid. */
adj_date adj_date_from_ymd(int y, int m, int d);

/* Civil date of a day number. */
void adj_date_to_ymd(adj_date day, int *y, int *m, int *d);

/* True when y-m-d exists in the Gregorian calendar (1 <= y <= 9999). */
bool adj_date_valid(int y, int m, int d);

/* Parse exactly "YYYY-MM-DD" (n bytes) naming a date that exists. */
bool adj_date_parse(const char *s, size_t n, adj_date *out);

/* Write "YYYY-MM-DD" into buf (ADJ_DATE_TEXT bytes); ADJ_DATE_NONE writes "". */
size_t adj_date_format(adj_date day, char *buf);

/* Year of a day number. */
int adj_date_year(adj_date day);

/* Completed years on day `on` of someone born on `birth`, by (month, day)
 * comparison: a 29 February birthday completes a year on 1 March in common
 * years. Negative when `on` is before the birth. */
int adj_age(adj_date birth, adj_date on);

#endif
