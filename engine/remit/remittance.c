/*
 * remittance.c - the remittance writer behind remittance.h.
 *
 * Every write is checked; the first failure is remembered and reported by
 * adj_remit_close, so callers write the whole document without an error
 * path per attribute.
 */
#define _GNU_SOURCE /* sync_file_range, O_DIRECT */
#include "remittance.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/num.h"

#define REMIT_NS "urn:adjudicator:remittance:1"
#define MAX_DEPTH 8

/*
 * The writer: elements on their own lines indented two spaces per level, an
 * element without children closed with "/>", attribute values escaped (& < >
 * " and tab, CR, LF as character references). This is the layout libxml2's
 * xmlTextWriter gives with indentation on, which the first versions used:
 * the bytes are the same, at a fifth of the cost (the writer was a third of
 * a batch's time).
 *
 * Two stages. The calling thread (the engine's) only records what is to be
 * written: each claim head, item, claim end, the document's start and its
 * totals, as a compact binary record (strings with their lengths, amounts
 * as integers) into one of NBUF buffers of BUF bytes. A full buffer goes to
 * a thread of the writer's own, which formats its records as XML into an
 * output buffer and write(2)s it while the next one fills. A remittance is
 * about twice the size of its batch; formatting it was a sixth of the engine
 * thread's instructions and copying it into the page cache another share of
 * its time, on two cores where the engine thread is the slowest of the
 * three (the parse thread and this one share the other core). A record is
 * about a third of the XML it becomes. Without the thread (pthread_create
 * failed) each full buffer is formatted and written in place: one
 * formatter for both ways, and for `adjudicator remittance`, so the bytes
 * are the same. Every WRITEBACK bytes the kernel is asked to start writing
 * the file out, so that the fsync at the end has little left to wait for.
 *
 * On a regular file that allows it, the output goes out with O_DIRECT in
 * whole aligned buffers: a remittance is written once and not read back by
 * this process, and copying 2 GB of it into the page cache, then writing
 * that back from kernel threads, took CPU from the two cores the engine
 * and parse threads need. The last, partial buffer is written through the
 * page cache at the close; any refusal or short write of a direct write
 * turns O_DIRECT off and writes on the ordinary way, so errors (a full
 * disk, a file-size limit) read as they always did.
 */
#define ALIGN 4096
#define BUF (1024 * 1024)
#define WRITEBACK (8u << 20)
#define NBUF 4

enum { REC_BEGIN = 1, REC_HEAD, REC_ITEM, REC_CLAIM_END, REC_END };

/* The XML side: what the formatter writes into, and its element stack. */
typedef struct fmt {
	char *buf;
	size_t n;
	int depth;
	bool open_tag; /* a start tag waits for ">" or "/>" */
	const char *stack[MAX_DEPTH];
} fmt;

struct adj_remit {
	int fd;
	char *buf; /* the record buffer being filled: bufs[fill] */
	size_t n;
	int fill;
	char *bufs[NBUF];
	fmt out; /* used by the writing thread (or in place without one) */
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
	bool direct;           /* fd has O_DIRECT: out.buf goes out only when full */
	atomic_int failed;
	int err; /* errno of the first failed write */
};

/* Turn O_DIRECT off: from here on, writes go through the page cache. */
static void
direct_off(adj_remit *r)
{
	int fl = fcntl(r->fd, F_GETFL);
	if (fl != -1)
		(void)fcntl(r->fd, F_SETFL, fl & ~O_DIRECT);
	r->direct = false;
}

/* Write n bytes at s to the file (in the writing thread, or in place). */
static void
write_out(adj_remit *r, const char *s, size_t n)
{
	size_t off = 0;
	while (off < n && !atomic_load(&r->failed)) {
		ssize_t w = write(r->fd, s + off, n - off);
		if (r->direct && (size_t)w != n - off && !(w < 0 && errno == EINTR)) {
			/* refused or short: the rest the ordinary way, where a real
			 * error shows with its own errno */
			if (w > 0)
				off += (size_t)w;
			direct_off(r);
			continue;
		}
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
	if (!r->direct && !atomic_load(&r->failed) && r->written - r->synced >= (off_t)WRITEBACK) {
		/* a hint: an error here shows again at the fsync */
		(void)sync_file_range(r->fd, r->synced, r->written - r->synced, SYNC_FILE_RANGE_WRITE);
		r->synced = r->written;
	}
}

/* ---- the formatter: records in, XML out ---------------------------------- */

/* Write n bytes that do not fit in the output buffer's free space. */
static void
put_slow(adj_remit *r, const char *s, size_t n)
{
	fmt *f = &r->out;
	while (n) {
		if (f->n == BUF) {
			write_out(r, f->buf, f->n);
			f->n = 0;
		}
		size_t k = BUF - f->n < n ? BUF - f->n : n;
		memcpy(f->buf + f->n, s, k);
		f->n += k;
		s += k;
		n -= k;
	}
}

static inline void
put(adj_remit *r, const char *s, size_t n)
{
	fmt *f = &r->out;
	if (f->n + n > BUF) {
		put_slow(r, s, n);
		return;
	}
	memcpy(f->buf + f->n, s, n);
	f->n += n;
}

static void
puts_(adj_remit *r, const char *s)
{
	put(r, s, strlen(s));
}

static void
indent(adj_remit *r)
{
	static const char spaces[] = "                ";
	put(r, spaces, 2 * (size_t)r->out.depth);
}

static void
start(adj_remit *r, const char *name)
{
	fmt *f = &r->out;
	if (f->open_tag)
		put(r, ">\n", 2);
	indent(r);
	put(r, "<", 1);
	puts_(r, name);
	f->open_tag = true;
	if (f->depth < MAX_DEPTH)
		f->stack[f->depth] = name;
	f->depth++;
}

static void
end(adj_remit *r)
{
	fmt *f = &r->out;
	f->depth--;
	if (f->open_tag) {
		put(r, "/>\n", 3);
		f->open_tag = false;
		return;
	}
	indent(r);
	put(r, "</", 2);
	puts_(r, f->stack[f->depth]);
	put(r, ">\n", 2);
}

/* The bytes an attribute value escapes, and how. */
static const char *const escape[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
	['\n'] = "&#10;", ['\r'] = "&#13;", ['\t'] = "&#9;",
};

/* A string of a record: its bytes and length. */
typedef struct str {
	const char *s;
	size_t n;
} str;

/* An attribute's value, escaped, and its closing quote. */
static void
attr_value(adj_remit *r, str v)
{
	const unsigned char *run = (const unsigned char *)v.s, *p = run, *e = run + v.n;
	for (;; p++) {
		while (p < e && !escape[*p])
			p++;
		put(r, (const char *)run, (size_t)(p - run));
		if (p == e)
			break;
		puts_(r, escape[*p]);
		run = p + 1;
	}
	put(r, "\"", 1);
}

static void
attr(adj_remit *r, const char *name, str v)
{
	put(r, " ", 1);
	puts_(r, name);
	put(r, "=\"", 2);
	attr_value(r, v);
}

static void
attr_z(adj_remit *r, const char *name, const char *value)
{
	attr(r, name, (str){value, strlen(value)});
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
attr_long(adj_remit *r, const char *name, int64_t v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", (long long)v);
	attr_z(r, name, b);
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

/* ' message="中文 (English)"' for each reason, escaped, made once (all of
 * them by adj_remit_open, before the writing thread starts). */
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

/* Reading a record: fields in the order they were put. */
typedef struct rd {
	const char *p;
} rd;

static inline uint8_t
rd_u8(rd *d)
{
	return (uint8_t)*d->p++;
}

static inline uint32_t
rd_u32(rd *d)
{
	uint32_t v;
	memcpy(&v, d->p, sizeof v);
	d->p += sizeof v;
	return v;
}

static inline int64_t
rd_i64(rd *d)
{
	int64_t v;
	memcpy(&v, d->p, sizeof v);
	d->p += sizeof v;
	return v;
}

static inline str
rd_str(rd *d)
{
	str v;
	v.n = rd_u32(d);
	v.s = d->p;
	d->p += v.n;
	return v;
}

/* A reason: the registry index (or -1 and the code as given), the value. */
static void
fmt_reasons(adj_remit *r, rd *d)
{
	uint32_t n = rd_u32(d);
	for (uint32_t i = 0; i < n; i++) {
		int k = (int)rd_u32(d) - 1;
		str code;
		char z[64];
		if (k < 0) {
			code = rd_str(d);
			size_t m = code.n < sizeof z - 1 ? code.n : sizeof z - 1;
			memcpy(z, code.s, m);
			z[m] = '\0';
			k = adj_reason_find(z);
		} else {
			code = (str){adj_reasons[k].code, strlen(adj_reasons[k].code)};
		}
		str value = rd_str(d);
		start(r, "reason");
		attr(r, "code", code);
		const char *m = k >= 0 ? reason_message_attr(k) : " message=\"\"";
		if (m) {
			puts_(r, m);
		} else { /* out of memory: the same bytes, the slow way */
			char plain[512];
			snprintf(plain, sizeof plain, "%s (%s)", adj_reasons[k].zh, adj_reasons[k].en);
			attr_z(r, "message", plain);
		}
		attr(r, "value", value);
		end(r);
	}
}

static const struct {
	const char *text;
	size_t n;
} item_amount_open[6] = {
	{" billed=\"", 9}, {" rejected=\"", 11}, {" self-pay=\"", 11},
	{" over-cap=\"", 11}, {" first-pay=\"", 12}, {" in-policy=\"", 12},
};

static void
fmt_item(adj_remit *r, rd *d)
{
	char b[6 * (12 + ADJ_FEN_TEXT + 1)];
	size_t n = 0;

	start(r, "item");
	put(r, " seq=\"", 6); /* attr's bytes, the names' lengths known */
	attr_value(r, rd_str(d));
	put(r, " status=\"", 9);
	attr_value(r, rd_str(d));
	for (int k = 0; k < 6; k++) {
		memcpy(b + n, item_amount_open[k].text, item_amount_open[k].n);
		n += item_amount_open[k].n;
		n += adj_fen_format(rd_i64(d), b + n);
		b[n++] = '"';
	}
	put(r, b, n);
	fmt_reasons(r, d);
	end(r);
}

static void
fmt_head(adj_remit *r, rd *d)
{
	adj_fen amt[ADJ_AMT_COUNT];
	start(r, "claim");
	attr(r, "id", rd_str(d));
	attr(r, "member", rd_str(d));
	attr(r, "status", rd_str(d));
	attr(r, "method", rd_str(d));
	if (rd_u8(d))
		attr(r, "voids", rd_str(d));
	for (int i = 0; i < ADJ_AMT_COUNT; i++)
		amt[i] = rd_i64(d);
	write_amounts(r, amt);
	fmt_reasons(r, d);
}

static void
fmt_begin(adj_remit *r, rd *d)
{
	puts_(r, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	start(r, "remittance");
	attr_z(r, "xmlns", REMIT_NS);
	attr(r, "batch", rd_str(d));
	attr(r, "hospital", rd_str(d));
	attr(r, "adjudicated", rd_str(d));
}

static void
fmt_end(adj_remit *r, rd *d)
{
	static const char *const counts[5] = {"claims", "accepted", "adjusted", "rejected", "voided"};
	adj_fen amt[ADJ_AMT_COUNT];
	start(r, "totals");
	start(r, "counts");
	for (int i = 0; i < 5; i++)
		attr_long(r, counts[i], rd_i64(d));
	end(r);
	for (int i = 0; i < ADJ_AMT_COUNT; i++)
		amt[i] = rd_i64(d);
	write_amounts(r, amt);
	end(r);
	end(r); /* </remittance> */
}

/* Format the n bytes of records at s and write the XML out. */
static void
format_out(adj_remit *r, const char *s, size_t n)
{
	rd d = {s};
	while (d.p < s + n && !atomic_load(&r->failed)) {
		switch (rd_u8(&d)) {
		case REC_BEGIN: fmt_begin(r, &d); break;
		case REC_HEAD: fmt_head(r, &d); break;
		case REC_ITEM: fmt_item(r, &d); break;
		case REC_CLAIM_END: end(r); break;
		case REC_END: fmt_end(r, &d); break;
		default: /* cannot happen: the records are ours */
			r->err = EINVAL;
			atomic_store(&r->failed, 1);
			return;
		}
	}
	if (r->out.n && !r->direct) {
		write_out(r, r->out.buf, r->out.n);
		r->out.n = 0;
	}
}

/* ---- the two threads ------------------------------------------------------ */

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
		format_out(r, r->bufs[b], n);
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
		format_out(r, r->buf, r->n);
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

/* ---- recording: the engine thread's side ---------------------------------- */

/* Room for a record of n bytes (a whole record always goes into one
 * buffer); NULL, and the remittance failed, if one could not fit, which
 * the intake's limits on attributes and reasons rule out. */
static char *
room(adj_remit *r, size_t n)
{
	if (r->n + n > BUF) {
		flush_buf(r);
		if (n > BUF) {
			r->err = EFBIG;
			atomic_store(&r->failed, 1);
			return NULL;
		}
	}
	char *p = r->buf + r->n;
	r->n += n;
	return p;
}

static inline size_t
slen(const char *s)
{
	return s ? strlen(s) : 0;
}

static inline char *
w_u8(char *p, uint8_t v)
{
	*p = (char)v;
	return p + 1;
}

static inline char *
w_u32(char *p, uint32_t v)
{
	memcpy(p, &v, sizeof v);
	return p + sizeof v;
}

static inline char *
w_i64(char *p, int64_t v)
{
	memcpy(p, &v, sizeof v);
	return p + sizeof v;
}

/* A string of known length n (s may be NULL when n is 0). */
static inline char *
w_str(char *p, const char *s, size_t n)
{
	p = w_u32(p, (uint32_t)n);
	if (n)
		memcpy(p, s, n);
	return p + n;
}

static size_t
reasons_size(const adj_remit_reason *rr, size_t n)
{
	size_t total = 4;
	for (size_t i = 0; i < n; i++)
		total += 4 + (rr[i].k < 0 ? 4 + slen(rr[i].code) : 0) + 4 + slen(rr[i].value);
	return total;
}

static char *
w_reasons(char *p, const adj_remit_reason *rr, size_t n)
{
	p = w_u32(p, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		p = w_u32(p, (uint32_t)(rr[i].k + 1));
		if (rr[i].k < 0)
			p = w_str(p, rr[i].code, slen(rr[i].code));
		p = w_str(p, rr[i].value, slen(rr[i].value));
	}
	return p;
}

static void
rec_head(adj_remit *r, const adj_remit_view *v)
{
	size_t lid = slen(v->id), lmem = slen(v->member), lst = slen(v->status);
	size_t lmet = slen(v->method), lv = slen(v->voids);
	size_t need = 1 + 4 + lid + 4 + lmem + 4 + lst + 4 + lmet + 1 + (v->voids ? 4 + lv : 0) +
	              8 * ADJ_AMT_COUNT + reasons_size(v->reasons, v->nreasons);
	char *p = room(r, need);
	if (!p)
		return;
	p = w_u8(p, REC_HEAD);
	p = w_str(p, v->id, lid);
	p = w_str(p, v->member, lmem);
	p = w_str(p, v->status, lst);
	p = w_str(p, v->method, lmet);
	p = w_u8(p, v->voids != NULL);
	if (v->voids)
		p = w_str(p, v->voids, lv);
	for (int i = 0; i < ADJ_AMT_COUNT; i++)
		p = w_i64(p, v->amt[i]);
	w_reasons(p, v->reasons, v->nreasons);
}

static void
rec_item(adj_remit *r, const adj_remit_item *it)
{
	size_t lseq = slen(it->seq), lst = slen(it->status);
	size_t need = 1 + 4 + lseq + 4 + lst + 8 * 6 + reasons_size(it->reasons, it->nreasons);
	char *p = room(r, need);
	if (!p)
		return;
	p = w_u8(p, REC_ITEM);
	p = w_str(p, it->seq, lseq);
	p = w_str(p, it->status, lst);
	for (int k = 0; k < 6; k++)
		p = w_i64(p, it->amt[k]);
	w_reasons(p, it->reasons, it->nreasons);
}

static void
rec_claim_end(adj_remit *r)
{
	char *p = room(r, 1);
	if (p)
		*p = REC_CLAIM_END;
}

static void
free_bufs(adj_remit *r)
{
	for (int i = 0; i < NBUF; i++)
		free(r->bufs[i]);
	free(r->out.buf);
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
		if (!(r->bufs[i] = malloc(BUF))) {
			free_bufs(r);
			return ADJ_ENOMEM;
		}
	if (!(r->out.buf = aligned_alloc(ALIGN, BUF))) {
		free_bufs(r);
		return ADJ_ENOMEM;
	}
	struct stat st;
	int fl;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && lseek(fd, 0, SEEK_CUR) % ALIGN == 0 &&
	    (fl = fcntl(fd, F_GETFL)) != -1 && fcntl(fd, F_SETFL, fl | O_DIRECT) == 0)
		r->direct = true;
	for (int k = 0; k < ADJ_R_COUNT; k++)
		(void)reason_message_attr(k); /* made here: the thread only reads them */
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

int
adj_remit_begin(adj_remit *r, const char *batch_id, const char *hospital, const char *adjudicated)
{
	size_t lb = slen(batch_id), lh = slen(hospital), la = slen(adjudicated);
	char *p = room(r, 1 + 12 + lb + lh + la);
	if (p) {
		p = w_u8(p, REC_BEGIN);
		p = w_str(p, batch_id, lb);
		p = w_str(p, hospital, lh);
		w_str(p, adjudicated, la);
	}
	return atomic_load(&r->failed) ? ADJ_EIO : 0;
}

int
adj_remit_view_write(adj_remit *r, const adj_remit_view *v)
{
	rec_head(r, v);
	for (size_t i = 0; i < v->nitems; i++)
		rec_item(r, &v->items[i]);
	rec_claim_end(r);
	return atomic_load(&r->failed) ? ADJ_EIO : 0;
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
	rec_head(r, &v);
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
			rec_item(r, &it);
		}
	}
	rec_claim_end(r);
	return atomic_load(&r->failed) ? ADJ_EIO : 0;
}

void
adj_remit_end(adj_remit *r, const adj_totals *t)
{
	char *p = room(r, 1 + 8 * (5 + ADJ_AMT_COUNT));
	if (!p)
		return;
	p = w_u8(p, REC_END);
	p = w_i64(p, t->claims);
	p = w_i64(p, t->accepted);
	p = w_i64(p, t->adjusted);
	p = w_i64(p, t->rejected);
	p = w_i64(p, t->voided);
	for (int i = 0; i < ADJ_AMT_COUNT; i++)
		p = w_i64(p, t->amt[i]);
}

int
adj_remit_close(adj_remit *r, int *err)
{
	drain(r);
	stop_thread(r);
	if (r->direct) { /* the last, partial buffer */
		direct_off(r);
		if (r->out.n && !r->failed)
			write_out(r, r->out.buf, r->out.n);
		r->out.n = 0;
	}
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
	if (r->direct)
		direct_off(r); /* the descriptor as it was given */
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
