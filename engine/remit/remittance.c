/*
 * remittance.c - the xmlTextWriter behind remittance.h.
 *
 * Every write is checked; the first failure is remembered and reported by
 * adj_remit_close, so callers write the whole document without an error
 * path per attribute.
 */
#include "remittance.h"

#include <errno.h>
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
	int err; /* errno of the first failed write */
};

static int
on_write(void *ctx, const char *buf, int len)
{
	adj_remit *r = ctx;
	if (fwrite(buf, 1, (size_t)len, r->f) != (size_t)len) {
		if (!r->failed)
			r->err = errno;
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
write_reason(adj_remit *r, const char *code, const char *value)
{
	char msg[512];
	int k = adj_reason_find(code);
	if (k >= 0)
		snprintf(msg, sizeof msg, "%s (%s)", adj_reasons[k].zh, adj_reasons[k].en);
	else
		msg[0] = '\0';
	start(r, "reason");
	attr(r, "code", code);
	attr(r, "message", msg);
	attr(r, "value", value);
	end(r);
}

static const char *const item_amount_attr[6] = {"billed",    "rejected",  "self-pay",
                                                "over-cap",  "first-pay", "in-policy"};

/* <claim ...>, its amounts and its reasons; the caller writes the items
 * and ends the element. */
static void
write_head(adj_remit *r, const adj_remit_view *v)
{
	start(r, "claim");
	attr(r, "id", v->id);
	attr(r, "member", v->member);
	attr(r, "status", v->status);
	attr(r, "method", v->method);
	if (v->voids)
		attr(r, "voids", v->voids);
	write_amounts(r, v->amt);
	for (size_t i = 0; i < v->nreasons; i++)
		write_reason(r, v->reasons[i].code, v->reasons[i].value);
}

static void
write_item(adj_remit *r, const adj_remit_item *it)
{
	start(r, "item");
	attr(r, "seq", it->seq);
	attr(r, "status", it->status);
	for (int k = 0; k < 6; k++)
		attr_fen(r, item_amount_attr[k], it->amt[k]);
	for (size_t k = 0; k < it->nreasons; k++)
		write_reason(r, it->reasons[k].code, it->reasons[k].value);
	end(r);
}

int
adj_remit_view_write(adj_remit *r, const adj_remit_view *v)
{
	write_head(r, v);
	for (size_t i = 0; i < v->nitems; i++)
		write_item(r, &v->items[i]);
	end(r);
	return r->failed ? ADJ_EIO : 0;
}

int
adj_remit_claim(adj_remit *r, const adj_outcome *o, const adj_target *voided)
{
	const adj_claim *c = &o->claim;
	adj_remit_reason reasons[ADJ_CLAIM_MAX_REASONS + 1];
	adj_remit_reason line_reasons[ADJ_LINE_MAX_REASONS];
	adj_remit_view v;
	size_t nr = 0;

	memset(&v, 0, sizeof v);
	v.id = c->raw->id;
	v.member = c->member_text;
	v.status = adj_status_name[o->status];
	v.method = voided ? voided->method : o->method;
	v.voids = voided ? c->target : NULL;
	v.amt = voided ? voided->amt : o->amt;
	if (!voided) {
		if (o->c_reason != ADJ_R_COUNT)
			reasons[nr++] = (adj_remit_reason){adj_reasons[o->c_reason].code, o->c_value};
		for (size_t i = 0; i < o->nreasons; i++)
			reasons[nr++] = (adj_remit_reason){adj_reasons[o->reasons[i].code].code,
			                                   o->reasons[i].value};
	}
	v.reasons = reasons;
	v.nreasons = nr;
	write_head(r, &v);
	/* items one at a time: no per-claim array of them */
	if (c->kind != ADJ_KIND_VOID && o->lines) {
		for (size_t i = 0; i < c->nlines; i++) {
			const adj_line_result *lr = &o->lines[i];
			adj_remit_item it;
			it.seq = c->lines[i].raw->seq;
			it.status = adj_status_name[lr->status];
			it.amt[0] = lr->billed, it.amt[1] = lr->rejected, it.amt[2] = lr->self_pay;
			it.amt[3] = lr->over_cap, it.amt[4] = lr->first_pay, it.amt[5] = lr->in_policy;
			for (size_t k = 0; k < lr->nreasons; k++)
				line_reasons[k] = (adj_remit_reason){adj_reasons[lr->reasons[k].code].code,
				                                     lr->reasons[k].value};
			it.reasons = line_reasons;
			it.nreasons = lr->nreasons;
			write_item(r, &it);
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

int
adj_remit_errno(const adj_remit *r)
{
	return r && r->failed ? (r->err ? r->err : EIO) : 0;
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
