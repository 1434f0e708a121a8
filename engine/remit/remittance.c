/*
 * remittance.c - the xmlTextWriter behind remittance.h.
 *
 * Every write is checked; the first failure is remembered and reported by
 * adj_remit_close, so callers write the whole document without an error
 * path per attribute.
 */
#include "remittance.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/num.h"

#define REMIT_NS "urn:adjudicator:remittance:1"

struct adj_remit {
	xmlTextWriterPtr w;
	FILE *f;
	int failed;
};

static int
on_write(void *ctx, const char *buf, int len)
{
	adj_remit *r = ctx;
	if (fwrite(buf, 1, (size_t)len, r->f) != (size_t)len) {
		r->failed = 1;
		return -1;
	}
	return len;
}

static int
on_close(void *ctx)
{
	(void)ctx;
	return 0;
}

int
adj_remit_open(adj_remit **out, int fd)
{
	adj_remit *r = calloc(1, sizeof *r);
	*out = NULL;
	if (!r)
		return ADJ_ENOMEM;
	int own = dup(fd);
	r->f = own >= 0 ? fdopen(own, "wb") : NULL;
	if (!r->f) {
		if (own >= 0)
			close(own);
		free(r);
		return ADJ_ECANTCREATE;
	}
	setvbuf(r->f, NULL, _IOFBF, 1 << 16);
	xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(on_write, on_close, r, NULL);
	r->w = ob ? xmlNewTextWriter(ob) : NULL;
	if (!r->w) {
		fclose(r->f);
		free(r);
		return ADJ_ENOMEM;
	}
	xmlTextWriterSetIndent(r->w, 1);
	xmlTextWriterSetIndentString(r->w, (const xmlChar *)"  ");
	*out = r;
	return 0;
}

static void
ck(adj_remit *r, int rc)
{
	if (rc < 0)
		r->failed = 1;
}

static void
attr(adj_remit *r, const char *name, const char *value)
{
	ck(r, xmlTextWriterWriteAttribute(r->w, (const xmlChar *)name, (const xmlChar *)(value ? value : "")));
}

static void
attr_fen(adj_remit *r, const char *name, adj_fen v)
{
	char b[ADJ_FEN_TEXT];
	adj_fen_format(v, b);
	attr(r, name, b);
}

static void
attr_long(adj_remit *r, const char *name, long v)
{
	char b[32];
	snprintf(b, sizeof b, "%ld", v);
	attr(r, name, b);
}

static void
start(adj_remit *r, const char *name)
{
	ck(r, xmlTextWriterStartElement(r->w, (const xmlChar *)name));
}

static void
end(adj_remit *r)
{
	ck(r, xmlTextWriterEndElement(r->w));
}

int
adj_remit_begin(adj_remit *r, const char *batch_id, const char *hospital, const char *adjudicated)
{
	ck(r, xmlTextWriterStartDocument(r->w, "1.0", "UTF-8", NULL));
	start(r, "remittance");
	attr(r, "xmlns", REMIT_NS);
	attr(r, "batch", batch_id);
	attr(r, "hospital", hospital);
	attr(r, "adjudicated", adjudicated);
	return r->failed ? ADJ_EIO : 0;
}

static void
write_amounts(adj_remit *r, const adj_fen *amt)
{
	start(r, "amounts");
	for (int i = 0; i < ADJ_AMT_COUNT; i++)
		attr_fen(r, adj_amount_attr[i], amt[i]);
	end(r);
}

static void
write_reason(adj_remit *r, adj_reason code, const char *value)
{
	char msg[512];
	snprintf(msg, sizeof msg, "%s (%s)", adj_reasons[code].zh, adj_reasons[code].en);
	start(r, "reason");
	attr(r, "code", adj_reasons[code].code);
	attr(r, "message", msg);
	attr(r, "value", value);
	end(r);
}

int
adj_remit_claim(adj_remit *r, const adj_outcome *o, const adj_target *voided)
{
	const adj_claim *c = &o->claim;
	const adj_claim_raw *raw = c->raw;

	start(r, "claim");
	attr(r, "id", raw->id);
	attr(r, "member", c->member_text);
	attr(r, "status", adj_status_name[o->status]);
	attr(r, "method", voided ? voided->method : o->method);
	if (voided)
		attr(r, "voids", c->target);
	write_amounts(r, voided ? voided->amt : o->amt);
	if (!voided) {
		if (o->c_reason != ADJ_R_COUNT)
			write_reason(r, o->c_reason, o->c_value);
		for (size_t i = 0; i < o->nreasons; i++)
			write_reason(r, o->reasons[i].code, o->reasons[i].value);
	}
	if (c->kind != ADJ_KIND_VOID && o->lines) {
		for (size_t i = 0; i < c->nlines; i++) {
			const adj_line_result *lr = &o->lines[i];
			start(r, "item");
			attr(r, "seq", c->lines[i].raw->seq);
			attr(r, "status", adj_status_name[lr->status]);
			attr_fen(r, "billed", lr->billed);
			attr_fen(r, "rejected", lr->rejected);
			attr_fen(r, "self-pay", lr->self_pay);
			attr_fen(r, "over-cap", lr->over_cap);
			attr_fen(r, "first-pay", lr->first_pay);
			attr_fen(r, "in-policy", lr->in_policy);
			for (size_t k = 0; k < lr->nreasons; k++)
				write_reason(r, lr->reasons[k].code, lr->reasons[k].value);
			end(r);
		}
	}
	end(r);
	return r->failed ? ADJ_EIO : 0;
}

int
adj_remit_end(adj_remit *r, const adj_totals *t)
{
	start(r, "totals");
	start(r, "counts");
	attr_long(r, "claims", t->claims);
	attr_long(r, "accepted", t->accepted);
	attr_long(r, "adjusted", t->adjusted);
	attr_long(r, "rejected", t->rejected);
	attr_long(r, "voided", t->voided);
	end(r);
	write_amounts(r, t->amt);
	end(r);
	ck(r, xmlTextWriterEndDocument(r->w));
	return r->failed ? ADJ_EIO : 0;
}

int
adj_remit_close(adj_remit *r)
{
	int failed;
	ck(r, xmlTextWriterFlush(r->w));
	xmlFreeTextWriter(r->w);
	if (fputc('\n', r->f) == EOF) /* the writer ends the document without one */
		r->failed = 1;
	if (fflush(r->f) != 0 || fsync(fileno(r->f)) != 0)
		r->failed = 1;
	if (fclose(r->f) != 0)
		r->failed = 1;
	failed = r->failed;
	free(r);
	return failed ? ADJ_EIO : 0;
}

void
adj_remit_abort(adj_remit *r)
{
	if (!r)
		return;
	xmlFreeTextWriter(r->w);
	fclose(r->f);
	free(r);
}

bool
adj_totals_add(adj_totals *t, const adj_outcome *o)
{
	t->claims++;
	switch (o->status) {
	case ADJ_ST_ACCEPTED: t->accepted++; break;
	case ADJ_ST_ADJUSTED: t->adjusted++; break;
	case ADJ_ST_REJECTED: t->rejected++; break;
	case ADJ_ST_VOIDED: t->voided++; return true;
	}
	for (int i = 0; i < ADJ_AMT_COUNT; i++)
		if (!adj_add(t->amt[i], o->amt[i], &t->amt[i]))
			return false;
	return true;
}
