/*
 * remittance.c - the remittance writer behind remittance.h.
 *
 * Every write is checked; the first failure is remembered and reported by
 * adj_remit_close, so callers write the whole document without an error
 * path per attribute.
 */
#define _GNU_SOURCE /* sync_file_range */
#include "remittance.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/num.h"

#define REMIT_NS "urn:adjudicator:remittance:1"
#define OUT_BUF (1024 * 1024)
#define MAX_DEPTH 8

/*
 * The writer: elements on their own lines indented two spaces per level, an
 * element without children closed with "/>", attribute values escaped (& < >
 * " and tab, CR, LF as character references). This is the layout libxml2's
 * xmlTextWriter gives with indentation on, which the first versions used:
 * the bytes are the same, at a fifth of the cost (the writer was a third of
 * a batch's time).
 *
 * The text is formatted into one of NBUF buffers of OUT_BUF bytes; a full
 * buffer goes to a thread of the writer's own that write(2)s it while the
 * next one fills. A remittance is about twice the size of its batch, and
 * copying it into the page cache and starting its writeback was a fifth of
 * the adjudicating thread's time; on two cores that thread was the slower
 * of the two, the parser's thread and this one share the other core.
 * Without the thread (pthread_create failed) the buffers are written in
 * place. Every WRITEBACK bytes the kernel is asked to start writing the file
 * out, so that the fsync at the end has little left to wait for.
 */
#define WRITEBACK (8u << 20)
#define NBUF 4

struct adj_remit {
	int fd;
	char *buf; /* the buffer being filled: bufs[fill] */
	size_t n;
	int fill;
	int depth;
	bool open_tag; /* a start tag waits for ">" or "/>" */
	const char *stack[MAX_DEPTH];
	char *bufs[NBUF];
	/* Shared with the writing thread, under mu. Buffers are handed over in
	 * ring order: queued[] are the lengths of those after `fill` waiting to
	 * be written (head the oldest); busy their count. */
	bool threaded, stop;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t ready, done;
	int head, busy;
	size_t queued[NBUF];
	off_t written, synced; /* bytes written; bytes whose writeback was started */
	atomic_int failed;
	int err; /* errno of the first failed write */
};

/* Write n bytes at s to the file (in the writing thread, or in place). */
static void
write_out(adj_remit *r, const char *s, size_t n)
{
	size_t off = 0;
	while (off < n && !atomic_load(&r->failed)) {
		ssize_t w = write(r->fd, s + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			r->err = errno;
			atomic_store(&r->failed, 1);
			break;
		}
		off += (size_t)w;
	}
	r->written += (off_t)off;
	if (!atomic_load(&r->failed) && r->written - r->synced >= (off_t)WRITEBACK) {
		/* a hint: an error here shows again at the fsync */
		(void)sync_file_range(r->fd, r->synced, r->written - r->synced, SYNC_FILE_RANGE_WRITE);
		r->synced = r->written;
	}
}

static void *
writer_thread(void *arg)
{
	adj_remit *r = arg;
	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (!r->busy && !r->stop)
			pthread_cond_wait(&r->ready, &r->mu);
		if (!r->busy)
			break;
		int b = r->head;
		size_t n = r->queued[b];
		pthread_mutex_unlock(&r->mu);
		write_out(r, r->bufs[b], n);
		pthread_mutex_lock(&r->mu);
		r->head = (b + 1) % NBUF;
		r->busy--;
		pthread_cond_signal(&r->done);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* Hand the buffer being filled over and take the next (waiting while every
 * other one is still queued). */
static void
flush_buf(adj_remit *r)
{
	if (!r->n)
		return;
	if (!r->threaded) {
		write_out(r, r->buf, r->n);
		r->n = 0;
		return;
	}
	pthread_mutex_lock(&r->mu);
	if (!r->busy)
		r->head = r->fill;
	r->queued[r->fill] = r->n;
	r->busy++;
	pthread_cond_signal(&r->ready);
	while (r->busy == NBUF)
		pthread_cond_wait(&r->done, &r->mu);
	pthread_mutex_unlock(&r->mu);
	r->fill = (r->fill + 1) % NBUF;
	r->buf = r->bufs[r->fill];
	r->n = 0;
}

/* Wait until every buffer handed over has been written. */
static void
drain(adj_remit *r)
{
	flush_buf(r);
	if (!r->threaded)
		return;
	pthread_mutex_lock(&r->mu);
	while (r->busy)
		pthread_cond_wait(&r->done, &r->mu);
	pthread_mutex_unlock(&r->mu);
}

/* Write n bytes that do not fit in the buffer's free space. */
static void
put_slow(adj_remit *r, const char *s, size_t n)
{
	while (n) {
		if (r->n == OUT_BUF)
			flush_buf(r);
		size_t k = OUT_BUF - r->n < n ? OUT_BUF - r->n : n;
		memcpy(r->buf + r->n, s, k);
		r->n += k;
		s += k;
		n -= k;
	}
}

static inline void
put(adj_remit *r, const char *s, size_t n)
{
	if (r->n + n > OUT_BUF) {
		put_slow(r, s, n);
		return;
	}
	memcpy(r->buf + r->n, s, n);
	r->n += n;
}

static void
puts_(adj_remit *r, const char *s)
{
	put(r, s, strlen(s));
}

static void
free_bufs(adj_remit *r)
{
	for (int i = 0; i < NBUF; i++)
		free(r->bufs[i]);
	free(r);
}

int
adj_remit_open(adj_remit **out, int fd)
{
	adj_remit *r = calloc(1, sizeof *r);
	*out = NULL;
	if (!r)
		return ADJ_ENOMEM;
	for (int i = 0; i < NBUF; i++)
		if (!(r->bufs[i] = malloc(OUT_BUF))) {
			free_bufs(r);
			return ADJ_ENOMEM;
		}
	r->fd = fd;
	r->buf = r->bufs[0];
	atomic_init(&r->failed, 0);
	if (pthread_mutex_init(&r->mu, NULL) == 0) {
		if (pthread_cond_init(&r->ready, NULL) == 0) {
			if (pthread_cond_init(&r->done, NULL) == 0) {
				if (pthread_create(&r->thread, NULL, writer_thread, r) == 0)
					r->threaded = true;
				else
					pthread_cond_destroy(&r->done);
			}
			if (!r->threaded)
				pthread_cond_destroy(&r->ready);
		}
		if (!r->threaded)
			pthread_mutex_destroy(&r->mu);
	}
	*out = r;
	return 0;
}

/* Stop the writing thread once it has written what was handed over. */
static void
stop_thread(adj_remit *r)
{
	if (!r->threaded)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	pthread_cond_signal(&r->ready);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	pthread_cond_destroy(&r->done);
	pthread_cond_destroy(&r->ready);
	pthread_mutex_destroy(&r->mu);
	r->threaded = false;
}

static void
indent(adj_remit *r)
{
	static const char spaces[] = "                ";
	put(r, spaces, (size_t)(2 * r->depth));
}

static void
start(adj_remit *r, const char *name)
{
	if (r->open_tag)
		put(r, ">\n", 2);
	indent(r);
	put(r, "<", 1);
	puts_(r, name);
	r->open_tag = true;
	if (r->depth < MAX_DEPTH)
		r->stack[r->depth] = name;
	r->depth++;
}

static void
end(adj_remit *r)
{
	r->depth--;
	if (r->open_tag) {
		put(r, "/>\n", 3);
		r->open_tag = false;
		return;
	}
	indent(r);
	put(r, "</", 2);
	puts_(r, r->stack[r->depth]);
	put(r, ">\n", 2);
}

/* The bytes an attribute value escapes, and how. */
static const char *const escape[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
	['\n'] = "&#10;", ['\r'] = "&#13;", ['\t'] = "&#9;",
};

static void
attr(adj_remit *r, const char *name, const char *value)
{
	put(r, " ", 1);
	puts_(r, name);
	put(r, "=\"", 2);
	const unsigned char *run = (const unsigned char *)(value ? value : "");
	const unsigned char *p = run;
	for (;; p++) {
		while (*p && !escape[*p])
			p++;
		put(r, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		puts_(r, escape[*p]);
		run = p + 1;
	}
	put(r, "\"", 1);
}

/* An amount: nothing in it to escape, so it is written as formatted. */
static void
attr_fen(adj_remit *r, const char *name, adj_fen v)
{
	char b[ADJ_FEN_TEXT + 2];
	b[0] = '"';
	size_t n = adj_fen_format(v, b + 1) + 1;
	b[n++] = '"';
	put(r, " ", 1);
	puts_(r, name);
	put(r, "=", 1);
	put(r, b, n);
}

static void
attr_long(adj_remit *r, const char *name, long v)
{
	char b[32];
	snprintf(b, sizeof b, "%ld", v);
	attr(r, name, b);
}

int
adj_remit_begin(adj_remit *r, const char *batch_id, const char *hospital, const char *adjudicated)
{
	puts_(r, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
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

/* Escape value into buf (size n) as attr would write it; false if too long. */
static bool
escape_into(char *buf, size_t n, const char *value)
{
	size_t at = 0;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		const char *e = escape[*p];
		size_t k = e ? strlen(e) : 1;
		if (at + k + 1 > n)
			return false;
		if (e)
			memcpy(buf + at, e, k);
		else
			buf[at] = (char)*p;
		at += k;
	}
	buf[at] = '\0';
	return true;
}

/* ' message="中文 (English)"' for each reason, escaped, made once. */
static const char *
reason_message_attr(int k)
{
	static char *messages[ADJ_R_COUNT];
	if (k < 0 || k >= ADJ_R_COUNT)
		return " message=\"\"";
	if (!messages[k]) {
		size_t n = strlen(adj_reasons[k].zh) + strlen(adj_reasons[k].en) + 4;
		char *m = malloc(n);
		size_t en = 6 * n + 16;
		char *e = malloc(en);
		if (!m || !e) {
			free(m), free(e);
			return NULL;
		}
		snprintf(m, n, "%s (%s)", adj_reasons[k].zh, adj_reasons[k].en);
		memcpy(e, " message=\"", 10);
		if (!escape_into(e + 10, en - 11, m)) {
			free(m), free(e);
			return NULL;
		}
		size_t elen = strlen(e);
		memcpy(e + elen, "\"", 2);
		free(m);
		messages[k] = e;
	}
	return messages[k];
}

static void
write_reason(adj_remit *r, const adj_remit_reason *rr)
{
	int k = rr->k >= 0 ? rr->k : adj_reason_find(rr->code);
	start(r, "reason");
	attr(r, "code", rr->code);
	const char *m = reason_message_attr(k);
	if (m) {
		puts_(r, m);
	} else { /* out of memory: the same bytes, the slow way */
		char plain[512];
		snprintf(plain, sizeof plain, "%s (%s)", adj_reasons[k].zh, adj_reasons[k].en);
		attr(r, "message", plain);
	}
	attr(r, "value", rr->value);
	end(r);
}

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
		write_reason(r, &v->reasons[i]);
}

static const struct {
	const char *text;
	size_t n;
} item_amount_open[6] = {
	{" billed=\"", 9}, {" rejected=\"", 11}, {" self-pay=\"", 11},
	{" over-cap=\"", 11}, {" first-pay=\"", 12}, {" in-policy=\"", 12},
};

static void
write_item(adj_remit *r, const adj_remit_item *it)
{
	char b[6 * (12 + ADJ_FEN_TEXT + 1)];
	size_t n = 0;

	start(r, "item");
	attr(r, "seq", it->seq);
	attr(r, "status", it->status);
	for (int k = 0; k < 6; k++) {
		memcpy(b + n, item_amount_open[k].text, item_amount_open[k].n);
		n += item_amount_open[k].n;
		n += adj_fen_format(it->amt[k], b + n);
		b[n++] = '"';
	}
	put(r, b, n);
	for (size_t k = 0; k < it->nreasons; k++)
		write_reason(r, &it->reasons[k]);
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
			reasons[nr++] = (adj_remit_reason){adj_reasons[o->c_reason].code, o->c_value,
			                                   (int)o->c_reason};
		for (size_t i = 0; i < o->nreasons; i++)
			reasons[nr++] = (adj_remit_reason){adj_reasons[o->reasons[i].code].code,
			                                   o->reasons[i].value, (int)o->reasons[i].code};
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
				                                     lr->reasons[k].value, (int)lr->reasons[k].code};
			it.reasons = line_reasons;
			it.nreasons = lr->nreasons;
			write_item(r, &it);
		}
	}
	end(r);
	return r->failed ? ADJ_EIO : 0;
}

void
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
	end(r); /* </remittance> */
}

int
adj_remit_close(adj_remit *r, int *err)
{
	drain(r);
	stop_thread(r);
	if (!r->failed && fsync(r->fd) != 0) {
		r->err = errno;
		r->failed = 1;
	}
	int failed = r->failed;
	if (err)
		*err = failed ? (r->err ? r->err : EIO) : 0;
	free_bufs(r);
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
	atomic_store(&r->failed, 1); /* what is still queued is not written */
	stop_thread(r);
	free_bufs(r);
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
