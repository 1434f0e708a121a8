/*
 * policy_read.c - policy.xml into adj_policy, validated (SPEC 4.1).
 *
 * The file is small and written by catalog maintainers, so it is read as a
 * DOM (with line numbers) under the same hardening as batches: no network,
 * no entities, no DTD, and any DOCTYPE refused. Validation is strict: an
 * unknown element or attribute is an error, since a typo such as
 * `pool_cap` would otherwise silently change the money paid.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "util/vec.h"
#include "util/xml_safe.h"

#define POLICY_NS "urn:adjudicator:policy:1"
#define POLICY_MAX (16 * 1024 * 1024)

typedef struct preader {
	adj_catalog *cat;
	const char *display;
	adj_diags *diags;
	int errors;
} preader;

static void perr(preader *r, xmlNodePtr node, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
perr(preader *r, xmlNodePtr node, const char *field, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	adj_diags_add(r->diags, r->display, node ? (long)xmlGetLineNo(node) : 0, field, "%s", msg);
	r->errors++;
}

static bool
is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 && n->ns &&
	       strcmp((const char *)n->ns->href, POLICY_NS) == 0;
}

/* The value of attribute name, or NULL; points into the tree. */
static const char *
attr(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next) {
		if (a->ns == NULL && strcmp((const char *)a->name, name) == 0)
			return a->children && a->children->content ? (const char *)a->children->content : "";
	}
	return NULL;
}

/* Report attributes of n not in the NULL-terminated list allowed. */
static void
check_attrs(preader *r, xmlNodePtr n, const char *const *allowed)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next) {
		bool ok = false;
		for (const char *const *p = allowed; *p; p++)
			if (a->ns == NULL && strcmp((const char *)a->name, *p) == 0)
				ok = true;
		if (!ok)
			perr(r, n, (const char *)a->name, "unknown attribute on <%s>", (const char *)n->name);
	}
}

/* Report any child that is not whitespace, a comment, or an element named
 * in allowed (which may be NULL: no element children). */
static void
check_children(preader *r, xmlNodePtr n, const char *const *allowed)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
			continue;
		if (c->type == XML_TEXT_NODE) {
			for (const xmlChar *s = c->content; s && *s; s++)
				if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') {
					perr(r, c, "", "text is not allowed inside <%s>", (const char *)n->name);
					break;
				}
			continue;
		}
		if (c->type == XML_ELEMENT_NODE) {
			bool ok = false;
			for (const char *const *p = allowed; p && *p; p++)
				if (is_elem(c, *p))
					ok = true;
			if (!ok)
				perr(r, c, (const char *)c->name, "unknown element inside <%s>",
				     (const char *)n->name);
			continue;
		}
		perr(r, c, "", "unexpected node inside <%s>", (const char *)n->name);
	}
}

static bool
token_ok(const char *s, bool upper)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alpha = upper ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z');
		bool ok = alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '-' || (upper && c == '_')));
		if (!ok)
			return false;
	}
	return true;
}

/* Required money attribute; returns -1 (and reports) when bad. */
static adj_fen
money_attr(preader *r, xmlNodePtr n, const char *name, bool required)
{
	const char *v = attr(n, name);
	adj_fen out;
	if (!v) {
		if (required)
			perr(r, n, name, "missing attribute on <%s>", (const char *)n->name);
		return -1;
	}
	if (!adj_fen_parse(v, strlen(v), &out)) {
		perr(r, n, name, "not an amount in yuan (like 1300 or 12.50): \"%s\"", v);
		return -1;
	}
	return out;
}

static adj_bp
percent_attr(preader *r, xmlNodePtr n, const char *name, bool required)
{
	const char *v = attr(n, name);
	adj_bp out;
	if (!v) {
		if (required)
			perr(r, n, name, "missing attribute on <%s>", (const char *)n->name);
		return -1;
	}
	if (!adj_bp_parse(v, strlen(v), &out)) {
		perr(r, n, name, "not a percentage from 0 to 100 (like 85 or 12.5): \"%s\"", v);
		return -1;
	}
	return out;
}

static const char *
str_attr(preader *r, xmlNodePtr n, const char *name)
{
	const char *v = attr(n, name);
	if (!v) {
		perr(r, n, name, "missing attribute on <%s>", (const char *)n->name);
		return NULL;
	}
	return v;
}

static void
read_format(preader *r, xmlNodePtr n)
{
	static const char *const allowed[] = {"kind", "pattern", NULL};
	adj_policy *p = &r->cat->policy;
	char err[300];

	check_attrs(r, n, allowed);
	check_children(r, n, NULL);
	const char *kind = str_attr(r, n, "kind");
	const char *pattern = str_attr(r, n, "pattern");
	if (!kind || !pattern)
		return;
	int k;
	for (k = 0; k < ADJ_FMT_COUNT; k++)
		if (strcmp(kind, adj_format_kind_name[k]) == 0)
			break;
	if (k == ADJ_FMT_COUNT) {
		perr(r, n, "kind",
		     "unknown code kind \"%s\" (drug, service, material, diagnosis, procedure, hospital)", kind);
		return;
	}
	if (p->format_src[k]) {
		perr(r, n, "kind", "code format \"%s\" given twice", kind);
		return;
	}
	const adj_pattern *re = adj_catalog_pattern(r->cat, pattern, strlen(pattern), err, sizeof err);
	if (!re) {
		perr(r, n, "pattern", "%s", err);
		return;
	}
	p->format_src[k] = adj_pattern_source(re);
	p->format[k] = re;
}

static size_t
find_group(const adj_policy *p, const char *scheme, int year, const char *code)
{
	for (size_t i = 0; i < p->ngroups; i++) {
		const adj_group *g = &p->groups[i];
		if (g->year == year && strcmp(g->scheme, scheme) == 0 && strcmp(g->code, code) == 0)
			return i;
	}
	return (size_t)-1;
}

static void
read_group(preader *r, xmlNodePtr n, const char *scheme, int year)
{
	static const char *const allowed[] = {"code", "pool-cap", "relief-percent", "relief-cap",
	                                      "assistance-percent", "assistance-cap", NULL};
	adj_policy *p = &r->cat->policy;

	check_attrs(r, n, allowed);
	check_children(r, n, NULL);
	const char *code = str_attr(r, n, "code");
	if (code && !token_ok(code, false))
		perr(r, n, "code", "not a group code ([a-z][a-z0-9-]*): \"%s\"", code);
	adj_fen pool_cap = money_attr(r, n, "pool-cap", true);
	const char *pairs[2][2] = {{"relief-percent", "relief-cap"},
	                           {"assistance-percent", "assistance-cap"}};
	adj_bp bp[2] = {0, 0};
	adj_fen cap[2] = {0, 0};
	bool has[2] = {false, false};
	for (int k = 0; k < 2; k++) {
		bool a = attr(n, pairs[k][0]) != NULL, b = attr(n, pairs[k][1]) != NULL;
		if (a != b) {
			perr(r, n, a ? pairs[k][1] : pairs[k][0], "%s",
			     k == 0 ? "relief-percent and relief-cap come together or not at all"
			            : "assistance-percent and assistance-cap come together or not at all");
			continue;
		}
		if (!a)
			continue;
		has[k] = true;
		bp[k] = percent_attr(r, n, pairs[k][0], true);
		cap[k] = money_attr(r, n, pairs[k][1], true);
	}
	/* stored even when an amount was bad: no cascade of "no group" */
	if (!code || !token_ok(code, false))
		return;
	if (find_group(p, scheme, year, code) != (size_t)-1) {
		perr(r, n, "code", "group \"%s\" defined twice in this scheme and year", code);
		return;
	}
	adj_group *g = ADJ_VEC_PUSH(p->groups, p->ngroups, p->groups_cap);
	if (!g) {
		perr(r, n, "", "%s", "out of memory");
		return;
	}
	g->scheme = scheme;
	g->year = year;
	g->code = adj_catalog_str(r->cat, code, strlen(code));
	g->pool_cap = pool_cap;
	g->has_relief = has[0];
	g->relief_bp = bp[0];
	g->relief_cap = cap[0];
	g->has_assist = has[1];
	g->assist_bp = bp[1];
	g->assist_cap = cap[1];
	g->line = (long)xmlGetLineNo(n);
}

static void
read_benefit(preader *r, xmlNodePtr n, const char *scheme, int year)
{
	static const char *const allowed[] = {"claim-type", "category", "tier", "group",
	                                      "deductible-basis", "deductible", "repeat-deductible",
	                                      NULL};
	static const char *const children[] = {"band", NULL};
	static const char *const band_attrs[] = {"upto", "percent", NULL};
	adj_policy *p = &r->cat->policy;
	adj_benefit b;

	memset(&b, 0, sizeof b);
	check_attrs(r, n, allowed);
	check_children(r, n, children);
	const char *ct = str_attr(r, n, "claim-type");
	if (ct) {
		int k;
		for (k = 0; k < ADJ_CT_COUNT; k++)
			if (strcmp(ct, adj_claim_type_name[k]) == 0)
				break;
		if (k == ADJ_CT_COUNT)
			perr(r, n, "claim-type",
			     "not inpatient, special-outpatient or outpatient: \"%s\"", ct);
		b.claim_type = (uint8_t)k;
	}
	const char *cat = str_attr(r, n, "category");
	if (cat && strcmp(cat, "*") != 0 && !token_ok(cat, false))
		perr(r, n, "category", "not a category token ([a-z][a-z0-9-]*) or *: \"%s\"", cat);
	const char *tier = str_attr(r, n, "tier");
	if (tier) {
		if (strcmp(tier, "*") == 0)
			b.tier = 0;
		else if (strlen(tier) == 1 && tier[0] >= '1' && tier[0] <= '3')
			b.tier = (int8_t)(tier[0] - '0');
		else
			perr(r, n, "tier", "not 1, 2, 3 or *: \"%s\"", tier);
	}
	const char *group = str_attr(r, n, "group");
	const char *basis = str_attr(r, n, "deductible-basis");
	if (basis) {
		if (strcmp(basis, "admission") == 0)
			b.basis = ADJ_BASIS_ADMISSION;
		else if (strcmp(basis, "year") == 0)
			b.basis = ADJ_BASIS_YEAR;
		else
			perr(r, n, "deductible-basis", "not admission or year: \"%s\"", basis);
	}
	b.deductible = money_attr(r, n, "deductible", true);
	b.repeat_deductible = attr(n, "repeat-deductible") ? money_attr(r, n, "repeat-deductible", true)
	                                                   : b.deductible;
	/* bands */
	adj_fen last = 0;
	size_t nb = 0, cap = 0;
	adj_band *bands = NULL;
	bool open_seen = false;
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (!is_elem(c, "band"))
			continue;
		check_attrs(r, c, band_attrs);
		check_children(r, c, NULL);
		adj_band *band = ADJ_VEC_PUSH(bands, nb, cap);
		if (!band) {
			perr(r, c, "", "%s", "out of memory");
			break;
		}
		band->bp = percent_attr(r, c, "percent", true);
		if (open_seen)
			perr(r, c, "upto", "%s", "only the last band may be without upto");
		if (attr(c, "upto")) {
			band->upto = money_attr(r, c, "upto", true);
			if (band->upto >= 0 && band->upto <= last)
				perr(r, c, "upto", "%s",
				     "band edges must be greater than 0 and strictly increase");
			if (band->upto > last)
				last = band->upto;
		} else {
			band->upto = -1;
			open_seen = true;
		}
	}
	if (nb == 0)
		perr(r, n, "band", "%s", "a benefit needs at least one band");
	else if (!open_seen)
		perr(r, n, "upto", "%s", "the last band must have no upto (it is open-ended)");
	/* A benefit whose keys are readable is kept even when something else
	 * is wrong, so that the overlap check still sees it. */
	if (!ct || b.claim_type == ADJ_CT_COUNT || !cat || !tier || !group) {
		free(bands);
		return;
	}
	b.group = find_group(p, scheme, year, group);
	if (b.group == (size_t)-1)
		perr(r, n, "group", "no group \"%s\" in this scheme and year", group);
	b.scheme = scheme;
	b.year = year;
	b.category = adj_catalog_str(r->cat, cat, strlen(cat));
	b.group_code = adj_catalog_str(r->cat, group, strlen(group));
	b.bands = bands;
	b.nbands = nb;
	b.line = (long)xmlGetLineNo(n);
	/* SPEC 4.1: overlapping benefits are an import error */
	for (size_t i = 0; i < p->nbenefits; i++) {
		const adj_benefit *o = &p->benefits[i];
		if (o->year != year || o->claim_type != b.claim_type || strcmp(o->scheme, scheme) != 0)
			continue;
		bool cat_overlap = strcmp(o->category, "*") == 0 || strcmp(b.category, "*") == 0 ||
		                   strcmp(o->category, b.category) == 0;
		bool tier_overlap = o->tier == 0 || b.tier == 0 || o->tier == b.tier;
		if (cat_overlap && tier_overlap) {
			perr(r, n, "category",
			     "this benefit overlaps the one on line %ld (same scheme, year and claim type; "
			     "category and tier both overlap)",
			     o->line);
			free(bands);
			return;
		}
	}
	adj_benefit *slot = ADJ_VEC_PUSH(p->benefits, p->nbenefits, p->benefits_cap);
	if (!slot) {
		free(bands);
		perr(r, n, "", "%s", "out of memory");
		return;
	}
	*slot = b;
}

static void
read_year(preader *r, xmlNodePtr n, const char *scheme, int *years, size_t *nyears)
{
	static const char *const allowed[] = {"value", NULL};
	static const char *const children[] = {"group", "benefit", NULL};
	int64_t year;

	check_attrs(r, n, allowed);
	check_children(r, n, children);
	const char *v = str_attr(r, n, "value");
	if (!v)
		return;
	if (!adj_uint_parse(v, strlen(v), 4, &year) || year < 1900) {
		perr(r, n, "value", "not a year (4 digits, 1900 or later): \"%s\"", v);
		return;
	}
	for (size_t i = 0; i < *nyears; i++)
		if (years[i] == (int)year) {
			perr(r, n, "value", "year %s given twice for this scheme", v);
			return;
		}
	if (*nyears < 256)
		years[(*nyears)++] = (int)year;
	/* groups first: a benefit may name a group written after it */
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (is_elem(c, "group"))
			read_group(r, c, scheme, (int)year);
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (is_elem(c, "benefit"))
			read_benefit(r, c, scheme, (int)year);
}

static void
read_scheme(preader *r, xmlNodePtr n)
{
	static const char *const allowed[] = {"code", "name", NULL};
	static const char *const children[] = {"year", NULL};
	adj_policy *p = &r->cat->policy;
	int years[256];
	size_t nyears = 0;

	check_attrs(r, n, allowed);
	check_children(r, n, children);
	const char *code = str_attr(r, n, "code");
	const char *name = str_attr(r, n, "name");
	if (!code || !name)
		return;
	if (!token_ok(code, true)) {
		perr(r, n, "code", "not a scheme code ([A-Z][A-Z0-9_-]*): \"%s\"", code);
		return;
	}
	if (name[0] == '\0')
		perr(r, n, "name", "%s", "empty scheme name");
	if (adj_policy_scheme(p, code)) {
		perr(r, n, "code", "scheme \"%s\" defined twice", code);
		return;
	}
	adj_scheme *s = ADJ_VEC_PUSH(p->schemes, p->nschemes, p->schemes_cap);
	if (!s) {
		perr(r, n, "", "%s", "out of memory");
		return;
	}
	s->code = adj_catalog_str(r->cat, code, strlen(code));
	s->name = adj_catalog_str(r->cat, name, strlen(name));
	s->line = (long)xmlGetLineNo(n);
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (is_elem(c, "year"))
			read_year(r, c, s->code, years, &nyears);
}

/* The first parse error, kept by the structured error handler: libxml2's
 * "last error" is often a consequence of the first. */
typedef struct first_error {
	int set;
	int line, column;
	char message[300];
} first_error;

static void
keep_first_error(void *user, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = user;
	first_error *fe = ctxt ? ctxt->_private : NULL;
	if (!fe || fe->set || !e)
		return;
	fe->set = 1;
	fe->line = e->line;
	fe->column = e->int2;
	snprintf(fe->message, sizeof fe->message, "%s", e->message ? e->message : "parse error");
	size_t n = strlen(fe->message);
	while (n && (fe->message[n - 1] == '\n' || fe->message[n - 1] == ' '))
		fe->message[--n] = '\0';
}

/* Line of the first "<!DOCTYPE" in text, or 0. */
static long
doctype_line(const char *text, size_t n)
{
	long line = 1;
	for (size_t i = 0; i + 9 <= n; i++) {
		if (text[i] == '\n')
			line++;
		else if (memcmp(text + i, "<!DOCTYPE", 9) == 0)
			return line;
	}
	return 0;
}

int
adj_policy_read(adj_catalog *cat, const char *path, const char *display, adj_diags *diags)
{
	static const char *const children[] = {"code-format", "scheme", NULL};
	preader r = {cat, display, diags, 0};
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int rc = 0;

	adj_xml_harden();
	/* Read the file ourselves: the deny-all entity loader also refuses
	 * libxml2's own file opening, which is the point. */
	FILE *f = fopen(path, "rb");
	if (!f) {
		adj_diags_add(diags, display, 0, "", "cannot open the policy file");
		return ADJ_ENOINPUT;
	}
	char *text = malloc(POLICY_MAX + 1);
	size_t n = text ? fread(text, 1, POLICY_MAX + 1, f) : 0;
	int read_error = ferror(f);
	fclose(f);
	if (!text)
		return ADJ_ENOMEM;
	if (read_error || n > POLICY_MAX) {
		adj_diags_add(diags, display, 0, "", read_error ? "read error" : "larger than %d bytes",
		              POLICY_MAX);
		free(text);
		return read_error ? ADJ_EIO : ADJ_EDATA;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		free(text);
		return ADJ_ENOMEM;
	}
	first_error fe = {0, 0, 0, ""};
	ctxt->_private = &fe;
	ctxt->sax->serror = keep_first_error;
	doc = xmlCtxtReadMemory(ctxt, text, (int)n, display, NULL, ADJ_XML_OPTIONS);
	long dt_line = doctype_line(text, n);
	free(text);
	if (!doc || !ctxt->wellFormed) {
		adj_diags_add_at(diags, display, fe.line, fe.column, "", "not well-formed XML: %s",
		                 fe.set ? fe.message : "parse error");
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctxt);
		return ADJ_EDATA;
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (doc->intSubset || doc->extSubset) {
		adj_diags_add(diags, display, dt_line, "", "a DOCTYPE is not allowed");
		r.errors++;
	} else if (!root || !is_elem(root, "policy")) {
		perr(&r, root, "", "%s", "the root must be <policy xmlns=\"" POLICY_NS "\">");
	} else {
		check_attrs(&r, root, (const char *const[]){NULL});
		check_children(&r, root, children);
		for (xmlNodePtr c = root->children; c; c = c->next)
			if (is_elem(c, "code-format"))
				read_format(&r, c);
		for (int k = 0; k < ADJ_FMT_COUNT; k++)
			if (!cat->policy.format_src[k])
				perr(&r, root, "code-format", "no code format for kind \"%s\"",
				     adj_format_kind_name[k]);
		for (xmlNodePtr c = root->children; c; c = c->next)
			if (is_elem(c, "scheme"))
				read_scheme(&r, c);
		if (cat->policy.nschemes == 0 && r.errors == 0)
			perr(&r, root, "scheme", "%s", "the policy defines no scheme");
	}
	if (r.errors)
		rc = ADJ_EDATA;
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}
