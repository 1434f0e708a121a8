/*
 * check.c - the checks a claim's own text decides: C01, C02, C11.
 *
 * C01 is "a missing or badly formed field or element" (SPEC 4.5); the first
 * problem found is the deciding value, phrased for the billing office that
 * has to fix it ("item seq 3: qty \"0\" is not a quantity > 0").
 */
#include "check.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/csv_reader.h"
#include "util/num.h"

static bool fail(adj_verdict *v, adj_reason code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A value cut to its buffer may end inside a character: drop that part, so
 * the remittance and the ledger stay UTF-8 (the values quote claim text). */
static void
utf8_cut(char *s)
{
	size_t n = strlen(s), lead = n;
	while (lead > 0 && n - lead < 4 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead == 0)
		return;
	unsigned char c = (unsigned char)s[lead - 1];
	size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (n - (lead - 1) < len)
		s[lead - 1] = '\0';
}

static bool
fail(adj_verdict *v, adj_reason code, const char *fmt, ...)
{
	va_list ap;
	v->code = code;
	va_start(ap, fmt);
	int n = vsnprintf(v->value, sizeof v->value, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof v->value)
		utf8_cut(v->value);
	return false;
}

bool
adj_claim_id_ok(const char *s)
{
	size_t n, chars = 0;

	if (!s)
		return false;
	n = strlen(s);
	if (n == 0 || n > 64 * 4 || !adj_utf8_text_ok(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return false; /* tab, CR and LF are control characters too */
		if ((c & 0xc0) != 0x80)
			chars++;
		/* C1 controls U+0080..U+009F are encoded C2 80..C2 9F */
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] < 0xa0)
			return false;
	}
	return chars >= 1 && chars <= 64;
}

static bool
is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int
adj_xs_boolean(const char *s)
{
	if (!s)
		return -1;
	while (is_xml_space(*s))
		s++;
	size_t n = strlen(s);
	while (n && is_xml_space(s[n - 1]))
		n--;
	if ((n == 4 && memcmp(s, "true", 4) == 0) || (n == 1 && s[0] == '1'))
		return 1;
	if ((n == 5 && memcmp(s, "false", 5) == 0) || (n == 1 && s[0] == '0'))
		return 0;
	return -1;
}

static int
digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* xs:dateTime: -?YYYY-MM-DDThh:mm:ss(.s+)?(Z|[+-]hh:mm)?, with a real date,
 * hh 00-23 (or 24:00:00), mm 00-59, ss 00-59, zone within +-14:00.
 * Surrounding whitespace is collapsed as XML Schema does. */
bool
adj_xs_datetime_ok(const char *s)
{
	if (!s)
		return false;
	while (is_xml_space(*s))
		s++;
	size_t n = strlen(s);
	while (n && is_xml_space(s[n - 1]))
		n--;
	size_t i = 0;
	if (i < n && s[i] == '-')
		i++;
	size_t ystart = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	size_t ylen = i - ystart;
	if (ylen < 4 || ylen > 9 || (ylen > 4 && s[ystart] == '0'))
		return false;
	if (n - i < 15 || s[i] != '-' || s[i + 3] != '-' || s[i + 6] != 'T' || s[i + 9] != ':' ||
	    s[i + 12] != ':')
		return false;
	/* a year past 9999 has the leap years of its value mod 400: 2000 plus that */
	long year = 0;
	for (size_t k = ystart; k < ystart + ylen; k++)
		year = year * 10 + (s[k] - '0');
	int y = ylen > 4 ? 2000 + (int)(year % 400) : (int)year;
	int mo = digits(s + i + 1, 2), d = digits(s + i + 4, 2);
	int h = digits(s + i + 7, 2), mi = digits(s + i + 10, 2), se = digits(s + i + 13, 2);
	if (mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0)
		return false;
	if (ylen == 4 && y == 0)
		return false;
	if (!adj_date_valid(y, mo, d))
		return false;
	i += 15;
	bool frac_nonzero = false;
	if (i < n && s[i] == '.') {
		size_t f = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (s[i] != '0')
				frac_nonzero = true;
			i++;
		}
		if (i == f)
			return false;
	}
	if (h == 24 ? (mi != 0 || se != 0 || frac_nonzero) : (h > 23 || mi > 59 || se > 59))
		return false;
	if (i == n)
		return true;
	if (s[i] == 'Z')
		return i + 1 == n;
	if ((s[i] == '+' || s[i] == '-') && n - i == 6 && s[i + 3] == ':') {
		int zh = digits(s + i + 1, 2), zm = digits(s + i + 4, 2);
		return zh >= 0 && zm >= 0 && zm <= 59 && (zh < 14 || (zh == 14 && zm == 0));
	}
	return false;
}

static bool
parse_date(const char *s, adj_date *out)
{
	return s && adj_date_parse(s, strlen(s), out);
}

/* The seq grammar: [1-9][0-9]{0,8}. */
static bool
seq_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 9 || s[0] < '1' || s[0] > '9')
		return false;
	for (size_t i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The value of a seq that passed seq_ok: at most 9 digits, so it fits. */
static uint32_t
seq_value(const char *s)
{
	uint32_t n = 0;
	for (; *s; s++)
		n = n * 10 + (uint32_t)(*s - '0');
	return n;
}

/*
 * Seqs seen so far in a claim: open addressing over the seq values (zero never
 * occurs, so it marks an empty slot). Seqs without leading zeros are equal as
 * text exactly when equal as numbers.
 */
typedef struct {
	uint32_t *slot;
	size_t mask;
} seq_set;

/* Add seq; false when it was already there. */
static bool
seq_set_add(seq_set *set, uint32_t seq)
{
	size_t i = (seq * 2654435761u) & set->mask;
	while (set->slot[i]) {
		if (set->slot[i] == seq)
			return false;
		i = (i + 1) & set->mask;
	}
	set->slot[i] = seq;
	return true;
}

/* Type the items; report the first malformed one into v. */
static bool
parse_items(adj_claim *c, const adj_claim_raw *raw, adj_verdict *v)
{
	bool ok = true;
	seq_set seen = {NULL, 0};
	size_t cap = 16;

	while (cap < 2 * raw->nitems)
		cap *= 2;
	c->nlines = raw->nitems;
	c->lines = adj_arena_alloc(raw->arena, (raw->nitems ? raw->nitems : 1) * sizeof *c->lines);
	seen.slot = adj_arena_alloc(raw->arena, cap * sizeof *seen.slot);
	if (!c->lines || !seen.slot) {
		c->nlines = 0;
		c->lines = NULL;
		return fail(v, ADJ_R_C01, "claim too large");
	}
	memset(seen.slot, 0, cap * sizeof *seen.slot);
	seen.mask = cap - 1;
	for (size_t i = 0; i < raw->nitems; i++) {
		const adj_item_raw *it = &raw->items[i];
		adj_line *l = &c->lines[i];
		memset(l, 0, sizeof *l);
		l->raw = it;
		l->date = ADJ_DATE_NONE; /* until it parses */
		l->amount_ok = it->amount && adj_fen_parse(it->amount, strlen(it->amount), &l->amount);
		if (!l->amount_ok)
			l->amount = 0;
		if (!ok)
			continue;
		bool seq_good = it->seq && seq_ok(it->seq);
		if (seq_good && it->code && parse_date(it->date, &l->date) && it->qty &&
		    adj_milli_parse(it->qty, strlen(it->qty), &l->qty) && l->qty != 0 && it->price &&
		    adj_fen_parse(it->price, strlen(it->price), &l->price) && l->amount_ok &&
		    seq_set_add(&seen, seq_value(it->seq)))
			continue;

		/* something is wrong with this item: say what, in the order of the checks */
		char where[64];
		if (seq_good)
			snprintf(where, sizeof where, "item seq %s", it->seq);
		else
			snprintf(where, sizeof where, "item %zu", i + 1);
		if (!seq_good)
			ok = fail(v, ADJ_R_C01, "%s: seq %s%s%s is not [1-9][0-9]{0,8}", where,
			          it->seq ? "\"" : "missing", it->seq ? it->seq : "", it->seq ? "\"" : "");
		else if (!it->code)
			ok = fail(v, ADJ_R_C01, "%s: code missing", where);
		else if (!parse_date(it->date, &l->date))
			ok = fail(v, ADJ_R_C01, "%s: date %s is not a date that exists", where,
			          it->date ? it->date : "missing");
		else if (!it->qty || !adj_milli_parse(it->qty, strlen(it->qty), &l->qty) || l->qty == 0)
			ok = fail(v, ADJ_R_C01, "%s: qty %s is not a quantity > 0 (at most 3 decimals)",
			          where, it->qty ? it->qty : "missing");
		else if (!it->price || !adj_fen_parse(it->price, strlen(it->price), &l->price))
			ok = fail(v, ADJ_R_C01, "%s: price %s is not an amount in yuan", where,
			          it->price ? it->price : "missing");
		else if (!l->amount_ok)
			ok = fail(v, ADJ_R_C01, "%s: amount %s is not an amount in yuan", where,
			          it->amount ? it->amount : "missing");
		else
			ok = fail(v, ADJ_R_C01, "%s: seq used twice in the claim", where);
	}
	return ok;
}

/* The member id as read, whole; an 18-character one with a lowercase check
 * character x gets X (a copy in the claim's arena). */
static void
member_text(adj_claim *c, const adj_claim_raw *raw)
{
	const char *m = raw->member ? raw->member : "";
	c->member_text = m;
	if (strlen(m) == ADJ_RID_LEN && m[17] == 'x') {
		char *up = adj_arena_strndup(raw->arena, m, ADJ_RID_LEN);
		if (up) {
			up[17] = 'X';
			c->member_text = up;
		}
	}
}

bool
adj_claim_parse(adj_claim *c, const adj_claim_raw *raw, adj_verdict *v)
{
	memset(c, 0, sizeof *c);
	v->code = ADJ_R_COUNT;
	v->value[0] = '\0';
	c->raw = raw;
	c->type = -1;
	c->primary = -1;
	c->admitted = c->discharged = c->visit = c->service = c->stay_end = ADJ_DATE_NONE;
	member_text(c, raw);
	c->kind = raw->voids ? ADJ_KIND_VOID : raw->replaces ? ADJ_KIND_REPLACEMENT : ADJ_KIND_CLAIM;
	c->target = raw->voids ? raw->voids : raw->replaces;
	for (int t = 0; t < ADJ_CT_COUNT; t++)
		if (raw->type && strcmp(raw->type, adj_claim_type_name[t]) == 0)
			c->type = t;

	/* items are typed whatever happens: a rejected claim lists them */
	adj_verdict item_v = {ADJ_R_COUNT, ""};
	bool items_ok = parse_items(c, raw, &item_v);

	if (!adj_claim_id_ok(raw->id))
		return fail(v, ADJ_R_C01, "claim id %s is not 1-64 characters without control characters",
		            raw->id ? "" : "missing");
	if (raw->replaces && raw->voids)
		return fail(v, ADJ_R_C01, "both replaces and voids");
	if (c->target && !adj_claim_id_ok(c->target))
		return fail(v, ADJ_R_C01, "%s is not a valid claim id", raw->voids ? "voids" : "replaces");
	if (c->type < 0)
		return fail(v, ADJ_R_C01, "type %s%s%s is not inpatient, special-outpatient or outpatient",
		            raw->type ? "\"" : "missing", raw->type ? raw->type : "", raw->type ? "\"" : "");
	if (raw->n_member != 1 || !raw->member_has_id)
		return fail(v, ADJ_R_C01, raw->n_member == 1 ? "member has no id"
		                                              : "a claim needs exactly one <member>");
	if (raw->unknown_element)
		return fail(v, ADJ_R_C01, "unknown element <%s> on line %ld", raw->unknown_element,
		            raw->unknown_line);
	if (c->kind != ADJ_KIND_VOID) {
		if (raw->stray_text)
			return fail(v, ADJ_R_C01, "text inside the claim");
		if (c->type == ADJ_CT_INPATIENT) {
			if (raw->n_stay != 1 || raw->n_visit != 0)
				return fail(v, ADJ_R_C01, "an inpatient claim needs one <stay> and no <visit>");
			if (!parse_date(raw->admitted, &c->admitted))
				return fail(v, ADJ_R_C01, "stay admitted %s is not a date that exists",
				            raw->admitted ? raw->admitted : "missing");
			if (!parse_date(raw->discharged, &c->discharged))
				return fail(v, ADJ_R_C01, "stay discharged %s is not a date that exists",
				            raw->discharged ? raw->discharged : "missing");
			if (c->discharged < c->admitted)
				return fail(v, ADJ_R_C01, "discharged %s is before admitted %s", raw->discharged,
				            raw->admitted);
			c->service = c->admitted;
			c->year = adj_date_year(c->discharged);
			c->stay_end = c->discharged > c->admitted ? c->discharged : c->admitted + 1;
		} else {
			if (raw->n_visit != 1 || raw->n_stay != 0)
				return fail(v, ADJ_R_C01, "an outpatient claim needs one <visit> and no <stay>");
			if (!parse_date(raw->visit, &c->visit))
				return fail(v, ADJ_R_C01, "visit date %s is not a date that exists",
				            raw->visit ? raw->visit : "missing");
			c->service = c->visit;
			c->year = adj_date_year(c->visit);
		}
		for (size_t i = 0; i < raw->ndx; i++) {
			if (!raw->dx[i].code)
				return fail(v, ADJ_R_C01, "diagnosis on line %ld has no code", raw->dx[i].line);
			if (raw->dx[i].primary && adj_xs_boolean(raw->dx[i].primary) < 0)
				return fail(v, ADJ_R_C01, "diagnosis %s: primary \"%s\" is not a boolean",
				            raw->dx[i].code, raw->dx[i].primary);
		}
		for (size_t i = 0; i < raw->nproc; i++)
			if (!raw->proc[i])
				return fail(v, ADJ_R_C01, "a procedure has no code");
		if (raw->nitems == 0)
			return fail(v, ADJ_R_C01, "a claim needs at least one item");
		if (!items_ok) {
			*v = item_v;
			return false;
		}
	}
	/* C02 */
	adj_rid_status st = adj_rid_check(raw->member, strlen(raw->member), &c->member);
	if (st != ADJ_RID_OK)
		return fail(v, ADJ_R_C02, "%s: %s", c->member_text, adj_rid_status_text(st));
	c->member_ok = true;
	return true;
}

bool
adj_claim_codes_ok(const adj_claim *c, const adj_policy *p, adj_pattern_scratch *scratch,
                   adj_verdict *v)
{
	const adj_claim_raw *raw = c->raw;
	int primaries = 0;

	for (size_t i = 0; i < raw->ndx; i++)
		if (raw->dx[i].primary && adj_xs_boolean(raw->dx[i].primary) == 1)
			primaries++;
	if (primaries == 0)
		return fail(v, ADJ_R_C11, "no primary diagnosis");
	if (primaries > 1)
		return fail(v, ADJ_R_C11, "%d primary diagnoses", primaries);
	for (size_t i = 0; i < raw->ndx; i++) {
		const char *code = raw->dx[i].code;
		if (adj_pattern_match_in(p->format[ADJ_FMT_DIAGNOSIS], scratch, code, strlen(code)) !=
		    ADJ_PATTERN_MATCH)
			return fail(v, ADJ_R_C11, "diagnosis %s does not match the diagnosis code format", code);
	}
	for (size_t i = 0; i < raw->nproc; i++) {
		const char *code = raw->proc[i];
		if (adj_pattern_match_in(p->format[ADJ_FMT_PROCEDURE], scratch, code, strlen(code)) !=
		    ADJ_PATTERN_MATCH)
			return fail(v, ADJ_R_C11, "procedure %s does not match the procedure code format", code);
	}
	return true;
}
