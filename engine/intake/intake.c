/*
 * intake.c - SAX2 handlers that turn a batch into adj_claim_raw structs.
 *
 * State: the element depth (1 = <batch>, 2 = <claim>, 3 = its children) and
 * the claim being filled. The handlers only copy text; the one judgement
 * made here is structural: the root and the children of <batch> (B02), and
 * the caps of claim.h (B01). Hardening (SPEC 7): NONET and no entity
 * substitution via ADJ_XML_OPTIONS, the deny-all entity loader, and any
 * DOCTYPE stops the parser at once (internalSubset handler), which is the
 * defence against entity expansion in attribute values on libxml2 2.9.
 */
#include "intake.h"

#include <errno.h>
#include <pthread.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adjudicator.h"
#include "util/vec.h"
#include "util/xml_safe.h"

#define BATCH_NS "urn:adjudicator:batch:1"

/*
 * A claim (or the header) being read or waiting for the caller: its struct,
 * the arena of its strings, and the arrays of claim.h, which it keeps from
 * one claim to the next.
 */
typedef struct slot {
	enum { EV_HEADER, EV_CLAIM, EV_END } kind;
	adj_claim_raw claim;
	adj_batch_header header;
	adj_arena arena;
	size_t ahead; /* what it added to ahead_bytes when handed over */
} slot;

/*
 * The parse runs in a thread of its own when it can (SLOTS claims ahead of
 * the caller at most, and no more than AHEAD_BYTES of their text), and the
 * callbacks run in the caller's thread, in document order, exactly as they
 * would without it: a refusal a callback returns still stops the batch at
 * that claim, and a parse error is reported only once every claim before it
 * has been handed over. Without a thread (pthread_create failed) slot 0 is
 * filled and handed over in turn, by the parser's own thread.
 *
 * The parser is the faster of the two, so it mostly waits for a free slot.
 * Once it waits, it is woken only when half the slots (and half the bytes)
 * are free again, and then fills them in one go: a wake-up (a futex call
 * and two context switches) per 8 claims, not per claim.
 */
enum { SLOTS = 16, AHEAD_BYTES = 16 << 20 };

typedef struct intake {
	xmlParserCtxtPtr ctxt;
	const char *display;
	adj_header_fn on_header;
	adj_prepare_fn on_prepare;
	adj_claim_fn on_claim;
	void *ctx;
	adj_batch_error *err; /* the parser's own refusal (a copy when threaded) */
	int stop_rc;          /* our own reason to stop: ADJ_EDATA or a callback code */
	int depth;
	bool in_claim;
	size_t claims;
	slot *cur; /* the slot being filled */
	slot slots[SLOTS];

	/* the hand-over between the parsing thread and the caller's */
	bool threaded;
	pthread_mutex_t mu;
	pthread_cond_t filled, emptied;
	size_t head, count;  /* slots handed over, oldest first, not yet done with */
	size_t ahead_bytes;  /* arena bytes of those slots */
	bool cancel;         /* the caller stops: the parser is to stop too */
	bool parser_waits;   /* the parser sleeps on `emptied` */
	int fd, parse_rc;

	/* names as the parser's dictionary holds them: libxml2 hands SAX2 its
	 * element and attribute names and namespace URIs from that dictionary,
	 * so one pointer comparison tells most of them apart (a name that is
	 * not the same pointer is compared as text, as before) */
	const xmlChar *q_ns, *q_item, *q_attr[6];
} intake;

/* An item's attributes, in adj_item_raw's order. */
static const char *const item_attr[6] = {"seq", "code", "date", "qty", "price", "amount"};

static void stop(intake *in, int rc, adj_reason code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
stop(intake *in, int rc, adj_reason code, const char *fmt, ...)
{
	if (in->stop_rc)
		return;
	in->stop_rc = rc;
	if (rc == ADJ_EDATA) {
		va_list ap;
		in->err->code = code;
		in->err->line = xmlSAX2GetLineNumber(in->ctxt);
		in->err->column = xmlSAX2GetColumnNumber(in->ctxt);
		va_start(ap, fmt);
		vsnprintf(in->err->message, sizeof in->err->message, fmt, ap);
		va_end(ap);
	}
	xmlStopParser(in->ctxt);
}

static bool
is_batch_ns(const intake *in, const xmlChar *uri)
{
	return uri && (uri == in->q_ns || strcmp((const char *)uri, BATCH_NS) == 0);
}

/* Copy an attribute value (not NUL-terminated in SAX2) into the arena. */
/*
 * Without entity substitution (which stays off: see xml_safe.c), libxml2
 * hands SAX2 every '&' of an attribute value, whether written &amp; or
 * &#38;, as the five characters "&#38;", and no '&' in any other way (a
 * bare one is not well-formed). Turning each "&#38;" back into '&' gives the
 * value exactly: "&amp;#38;" in the file is "&#38;#38;" here and "&#38;"
 * after. (libxml2 2.9 to 2.11; the hostile corpus and the fuzz regression
 * echo-amp-batch-id.xml check it.)
 */
static void
amp_decode(char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		if (strncmp(r, "&#38;", 5) == 0) {
			*w++ = '&';
			r += 5;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

static const char *
attr_copy(intake *in, const xmlChar **a)
{
	size_t n = (size_t)(a[4] - a[3]);
	if (in->stop_rc) /* xmlStopParser may have freed the input the value is in */
		return NULL;
	if (n > ADJ_MAX_ATTR_BYTES) {
		stop(in, ADJ_EDATA, ADJ_R_B01, "attribute %s is longer than %d bytes", (const char *)a[0],
		     ADJ_MAX_ATTR_BYTES);
		return NULL;
	}
	char *s = adj_arena_strndup(&in->cur->arena, (const char *)a[3], n);
	if (!s) /* the arena's cap (or the machine's memory): a size limit */
		stop(in, ADJ_EDATA, ADJ_R_B01, "a claim holds more than %d MB of text",
		     ADJ_MAX_CLAIM_BYTES >> 20);
	else if (memchr(s, '&', n))
		amp_decode(s);
	return s;
}

/* The value of the unprefixed attribute `name`, copied, or NULL. */
static const char *
attr_get(intake *in, int nb, const xmlChar **attrs, const char *name)
{
	for (int i = 0; i < nb; i++) {
		const xmlChar **a = attrs + 5 * i;
		if (a[2] == NULL && strcmp((const char *)a[0], name) == 0)
			return attr_copy(in, a);
	}
	return NULL;
}

/* ---- the hand-over ----------------------------------------------------------- */

/* Hand slot s to the caller's callback; the parse stops if it refuses. */
static int
deliver(intake *in, slot *s, adj_batch_error *err)
{
	if (s->kind == EV_HEADER)
		return in->on_header(in->ctx, &s->header, err);
	return in->on_claim(in->ctx, &s->claim);
}

/* Make the next free slot the current one, its arena emptied; false when
 * the parse is to stop instead. */
static bool
slot_take(intake *in)
{
	if (!in->threaded) {
		in->cur = &in->slots[0];
	} else {
		pthread_mutex_lock(&in->mu);
		if (!in->cancel &&
		    (in->count == SLOTS || (in->count > 0 && in->ahead_bytes > AHEAD_BYTES))) {
			in->parser_waits = true;
			while (!in->cancel && in->parser_waits)
				pthread_cond_wait(&in->emptied, &in->mu);
		}
		bool cancel = in->cancel;
		in->cur = &in->slots[(in->head + in->count) % SLOTS];
		pthread_mutex_unlock(&in->mu);
		if (cancel) {
			in->stop_rc = ADJ_EINTERNAL;
			xmlStopParser(in->ctxt);
			return false;
		}
	}
	adj_arena_reset(&in->cur->arena);
	return true;
}

/* The current slot is complete: hand it over (threaded) or to the callback. */
static void
slot_give(intake *in, int kind)
{
	in->cur->kind = kind;
	if (!in->threaded) {
		int rc = deliver(in, in->cur, in->err);
		if (rc) {
			in->stop_rc = rc;
			xmlStopParser(in->ctxt);
		}
		return;
	}
	pthread_mutex_lock(&in->mu);
	in->count++;
	in->cur->ahead = in->cur->arena.total;
	in->ahead_bytes += in->cur->ahead;
	pthread_cond_signal(&in->filled);
	pthread_mutex_unlock(&in->mu);
}

static void
claim_begin(intake *in, int nb, const xmlChar **attrs)
{
	adj_claim_raw *c = &in->cur->claim;

	c->line = xmlSAX2GetLineNumber(in->ctxt);
	c->column = xmlSAX2GetColumnNumber(in->ctxt);
	c->index = in->claims;
	c->id = attr_get(in, nb, attrs, "id");
	c->type = attr_get(in, nb, attrs, "type");
	c->replaces = attr_get(in, nb, attrs, "replaces");
	c->voids = attr_get(in, nb, attrs, "voids");
	c->n_member = c->n_stay = c->n_visit = 0;
	c->member = c->admitted = c->discharged = c->visit = NULL;
	c->member_has_id = false;
	c->ndx = c->nproc = c->nitems = 0;
	c->unknown_element = NULL;
	c->unknown_line = 0;
	c->stray_text = false;
	c->arena = &in->cur->arena;
	c->prepared = NULL;
	in->in_claim = true;
}

/* Which of item_attr the unprefixed attribute name n is, or -1. */
static int
item_attr_index(const intake *in, const xmlChar *n)
{
	for (int f = 0; f < 6; f++)
		if (n == in->q_attr[f])
			return f;
	for (int f = 0; f < 6; f++)
		if (strcmp((const char *)n, item_attr[f]) == 0)
			return f;
	return -1;
}

/* An <item>: the hot path. Its attribute values are copied into one piece
 * of the arena. */
static void
item_begin(intake *in, adj_claim_raw *c, int nb, const xmlChar **attrs, long line)
{
	const xmlChar **pick[6] = {NULL};
	size_t total = 0;

	if (c->nitems >= ADJ_MAX_ITEMS) {
		stop(in, ADJ_EDATA, ADJ_R_B01, "claim has more than %d items", ADJ_MAX_ITEMS);
		return;
	}
	adj_item_raw *it = ADJ_VEC_PUSH(c->items, c->nitems, c->items_cap);
	if (!it) {
		stop(in, ADJ_ENOMEM, ADJ_R_B01, "out of memory");
		return;
	}
	const char **field[6] = {&it->seq, &it->code, &it->date, &it->qty, &it->price, &it->amount};
	for (int f = 0; f < 6; f++)
		*field[f] = NULL;
	it->line = line;
	for (int i = 0; i < nb; i++) {
		const xmlChar **a = attrs + 5 * i;
		int f = a[2] == NULL ? item_attr_index(in, a[0]) : -1;
		if (f < 0)
			continue;
		size_t n = (size_t)(a[4] - a[3]);
		if (n > ADJ_MAX_ATTR_BYTES) {
			stop(in, ADJ_EDATA, ADJ_R_B01, "attribute %s is longer than %d bytes",
			     (const char *)a[0], ADJ_MAX_ATTR_BYTES);
			return;
		}
		total += n + 1; /* each time: the last one is copied (libxml2 refuses a
		                 * repeated attribute anyway) */
		pick[f] = a;
	}
	if (!total || in->stop_rc) /* xmlStopParser may have freed the input */
		return;
	char *p = adj_arena_alloc(&in->cur->arena, total);
	if (!p) { /* the arena's cap (or the machine's memory): a size limit */
		stop(in, ADJ_EDATA, ADJ_R_B01, "a claim holds more than %d MB of text",
		     ADJ_MAX_CLAIM_BYTES >> 20);
		return;
	}
	char *start = p, *val[6] = {NULL};
	for (int f = 0; f < 6; f++) {
		if (!pick[f])
			continue;
		const xmlChar **a = pick[f];
		size_t n = (size_t)(a[4] - a[3]);
		memcpy(p, a[3], n);
		p[n] = '\0';
		val[f] = p;
		p += n + 1;
	}
	/* one look for '&' over the six values (a few bytes each), and only
	 * when there is one, at each */
	bool amp = memchr(start, '&', (size_t)(p - start)) != NULL; /* what was written */
	for (int f = 0; f < 6; f++) {
		if (amp && val[f] && strchr(val[f], '&'))
			amp_decode(val[f]);
		*field[f] = val[f];
	}
}

static void
claim_child(intake *in, const xmlChar *localname, int nb, const xmlChar **attrs, bool known_ns)
{
	adj_claim_raw *c = &in->cur->claim;
	const char *name = (const char *)localname;
	long line = xmlSAX2GetLineNumber(in->ctxt);

	if (known_ns && (localname == in->q_item || strcmp(name, "item") == 0)) {
		item_begin(in, c, nb, attrs, line);
	} else if (known_ns && strcmp(name, "diagnosis") == 0) {
		if (c->ndx >= ADJ_MAX_DIAGNOSES) {
			stop(in, ADJ_EDATA, ADJ_R_B01, "claim has more than %d diagnoses", ADJ_MAX_DIAGNOSES);
			return;
		}
		adj_diagnosis_raw *d = ADJ_VEC_PUSH(c->dx, c->ndx, c->dx_cap);
		if (!d) {
			stop(in, ADJ_ENOMEM, ADJ_R_B01, "out of memory");
			return;
		}
		d->code = attr_get(in, nb, attrs, "code");
		d->primary = attr_get(in, nb, attrs, "primary");
		d->line = line;
	} else if (known_ns && strcmp(name, "procedure") == 0) {
		if (c->nproc >= ADJ_MAX_PROCEDURES) {
			stop(in, ADJ_EDATA, ADJ_R_B01, "claim has more than %d procedures", ADJ_MAX_PROCEDURES);
			return;
		}
		const char **p = ADJ_VEC_PUSH(c->proc, c->nproc, c->proc_cap);
		if (!p) {
			stop(in, ADJ_ENOMEM, ADJ_R_B01, "out of memory");
			return;
		}
		*p = attr_get(in, nb, attrs, "code");
	} else if (known_ns && strcmp(name, "member") == 0) {
		if (c->n_member++ == 0) {
			c->member = attr_get(in, nb, attrs, "id");
			c->member_has_id = c->member != NULL;
		}
	} else if (known_ns && strcmp(name, "stay") == 0) {
		if (c->n_stay++ == 0) {
			c->admitted = attr_get(in, nb, attrs, "admitted");
			c->discharged = attr_get(in, nb, attrs, "discharged");
		}
	} else if (known_ns && strcmp(name, "visit") == 0) {
		if (c->n_visit++ == 0)
			c->visit = attr_get(in, nb, attrs, "date");
	} else if (!c->unknown_element) {
		c->unknown_element = adj_arena_strndup(&in->cur->arena, name, strlen(name));
		c->unknown_line = line;
	}
}

static void
on_start(void *vin, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
         int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
         const xmlChar **attrs)
{
	intake *in = vin;
	const char *name = (const char *)localname;
	(void)prefix, (void)nb_namespaces, (void)namespaces, (void)nb_defaulted;

	if (in->stop_rc)
		return;
	in->depth++;
	if (in->depth > ADJ_MAX_DEPTH) {
		stop(in, ADJ_EDATA, ADJ_R_B01, "elements nested deeper than %d", ADJ_MAX_DEPTH);
		return;
	}
	if (in->depth == 1) {
		if (strcmp(name, "batch") != 0 || !is_batch_ns(in, uri)) {
			stop(in, ADJ_EDATA, ADJ_R_B02, "the root must be <batch xmlns=\"" BATCH_NS "\">, not <%s>",
			     name);
			return;
		}
		if (!slot_take(in))
			return;
		adj_batch_header *h = &in->cur->header;
		h->id = attr_get(in, nb_attributes, attrs, "id");
		h->hospital = attr_get(in, nb_attributes, attrs, "hospital");
		h->created = attr_get(in, nb_attributes, attrs, "created");
		h->line = xmlSAX2GetLineNumber(in->ctxt);
		h->column = xmlSAX2GetColumnNumber(in->ctxt);
		if (in->stop_rc)
			return;
		slot_give(in, EV_HEADER);
		return;
	}
	if (in->depth == 2) {
		if (strcmp(name, "claim") != 0 || !is_batch_ns(in, uri)) {
			stop(in, ADJ_EDATA, ADJ_R_B02, "<batch> may hold only <claim> elements, not <%s>", name);
			return;
		}
		if (slot_take(in))
			claim_begin(in, nb_attributes, attrs);
		return;
	}
	if (in->depth == 3) {
		claim_child(in, localname, nb_attributes, attrs, is_batch_ns(in, uri));
		return;
	}
	/* deeper: nothing is expected inside the children of a claim */
	if (!in->cur->claim.unknown_element) {
		in->cur->claim.unknown_element = adj_arena_strndup(&in->cur->arena, name, strlen(name));
		in->cur->claim.unknown_line = xmlSAX2GetLineNumber(in->ctxt);
	}
}

static void
on_end(void *vin, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	intake *in = vin;
	(void)localname, (void)prefix, (void)uri;

	if (in->stop_rc)
		return;
	if (in->depth == 2 && in->in_claim) {
		in->in_claim = false;
		in->claims++;
		if (in->on_prepare)
			in->on_prepare(in->ctx, &in->cur->claim);
		slot_give(in, EV_CLAIM);
	}
	in->depth--;
}

static void
on_text(void *vin, const xmlChar *s, int len)
{
	intake *in = vin;
	bool blank = true;

	if (in->stop_rc)
		return;
	for (int i = 0; i < len && blank; i++)
		blank = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';
	if (blank)
		return;
	if (in->depth == 1)
		stop(in, ADJ_EDATA, ADJ_R_B02, "text is not allowed between claims");
	else if (in->depth >= 2)
		in->cur->claim.stray_text = true;
}

static void
on_doctype(void *vin, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	(void)name, (void)ext, (void)sys;
	stop(vin, ADJ_EDATA, ADJ_R_B01, "a DOCTYPE is not allowed in a batch");
}

static xmlEntityPtr
on_entity(void *vin, const xmlChar *name)
{
	(void)name;
	/* no DTD, so no entity may be declared; predefined ones are handled
	 * by the parser before this is asked */
	stop(vin, ADJ_EDATA, ADJ_R_B01, "entity &%s; is not allowed", (const char *)name);
	return NULL;
}

/* libxml2's errors: the first one is kept as the B01 message. */
static void
on_error(void *vin, xmlErrorPtr e)
{
	intake *in = vin;
	if (!e || e->level < XML_ERR_ERROR || in->stop_rc)
		return;
	in->stop_rc = ADJ_EDATA;
	in->err->code = ADJ_R_B01;
	in->err->line = e->line;
	in->err->column = e->int2;
	const char *m = e->message ? e->message : "not well-formed";
	size_t n = strlen(m);
	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		n--;
	if (strstr(m, "Huge input lookup")) /* libxml2's own cap on one token, 10,000,000 bytes */
		snprintf(in->err->message, sizeof in->err->message,
		         "one attribute value, comment or text is longer than the parser's limit of "
		         "10,000,000 bytes (libxml2: %.*s)", (int)n, m);
	else
		snprintf(in->err->message, sizeof in->err->message,
		         "not well-formed XML or bad encoding: %.*s", (int)n, m);
	for (char *p = in->err->message; *p; p++)
		if (*p == '\n')
			*p = ' '; /* libxml2 adds a "Bytes: ..." line: keep one line */
}

/* ---- the fingerprint -------------------------------------------------------- */

typedef struct fp {
	uint64_t h, len;
	unsigned char carry[8];
	size_t n;
} fp;

static fp last_fp;

static uint64_t
fp_mix(uint64_t h, uint64_t w)
{
	h ^= w * UINT64_C(0x9E3779B97F4A7C15);
	h = (h << 27 | h >> 37) * UINT64_C(0xC2B2AE3D27D4EB4F);
	return h;
}

static void
fp_update(fp *f, const unsigned char *p, size_t n)
{
	f->len += n;
	while (f->n && f->n < 8 && n) { /* f->n < 8 always: said for the compiler */
		f->carry[f->n++] = *p++, n--;
		if (f->n == 8) {
			uint64_t w;
			memcpy(&w, f->carry, 8);
			f->h = fp_mix(f->h, w);
			f->n = 0;
		}
	}
	if (f->n)
		return; /* all of p went into the carry */
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		f->h = fp_mix(f->h, w);
	}
	memcpy(f->carry, p, n);
	f->n = n;
}

uint64_t
adj_intake_fingerprint(void)
{
	fp f = last_fp;
	uint64_t w = 0;
	memcpy(&w, f.carry, f.n);
	uint64_t h = fp_mix(f.h, w ^ (f.len << 3));
	return h ^ (h >> 29);
}

/* The same fingerprint of a whole file, read without parsing. */
uint64_t
adj_fingerprint_file(const char *path, uint64_t *size, int *err)
{
	FILE *f = fopen(path, "rb");
	unsigned char buf[65536];
	size_t n;
	fp saved = last_fp;

	*err = 0;
	*size = 0;
	if (!f) {
		*err = errno ? errno : EIO;
		return 0;
	}
	memset(&last_fp, 0, sizeof last_fp);
	last_fp.h = UINT64_C(0x243F6A8885A308D3);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fp_update(&last_fp, buf, n);
	if (ferror(f))
		*err = EIO;
	fclose(f);
	*size = last_fp.len;
	uint64_t h = adj_intake_fingerprint();
	last_fp = saved;
	return h;
}

/* Read and parse the whole file: 0, or why it stopped (err filled for ADJ_EDATA). */
static int
parse_all(intake *in)
{
	adj_batch_error *err = in->err;
	char *buf;
	ssize_t got;
	int rc = 0;
	xmlSAXHandler sax;

	adj_xml_harden(); /* per thread: libxml2's error handlers are */
	adj_xml_clear_generic_error();
	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.cdataBlock = on_text;
	sax.internalSubset = on_doctype;
	sax.getEntity = on_entity;
	sax.getParameterEntity = on_entity;
	sax.serror = on_error;

	buf = malloc(ADJ_INTAKE_CHUNK);
	if (!buf)
		return ADJ_ENOMEM;
	/* The first bytes go to the context constructor for encoding
	 * detection (a UTF-16 byte-order mark, say). */
	memset(&last_fp, 0, sizeof last_fp);
	last_fp.h = UINT64_C(0x243F6A8885A308D3);
	got = read(in->fd, buf, 4);
	if (got < 0) {
		free(buf);
		return ADJ_EIO;
	}
	fp_update(&last_fp, (const unsigned char *)buf, (size_t)got);
	in->ctxt = xmlCreatePushParserCtxt(&sax, in, buf, (int)got, in->display);
	if (!in->ctxt) {
		free(buf);
		return ADJ_ENOMEM;
	}
	xmlCtxtUseOptions(in->ctxt, ADJ_XML_OPTIONS);
	if (in->ctxt->dict) { /* NULL leaves the comparisons to strcmp */
		in->q_ns = xmlDictLookup(in->ctxt->dict, (const xmlChar *)BATCH_NS, -1);
		in->q_item = xmlDictLookup(in->ctxt->dict, (const xmlChar *)"item", -1);
		for (int f = 0; f < 6; f++)
			in->q_attr[f] = xmlDictLookup(in->ctxt->dict, (const xmlChar *)item_attr[f], -1);
	}
	if (got == 0) {
		in->stop_rc = ADJ_EDATA;
		err->code = ADJ_R_B01;
		snprintf(err->message, sizeof err->message, "the batch file is empty");
	}
	while (!in->stop_rc) {
		got = read(in->fd, buf, ADJ_INTAKE_CHUNK);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = ADJ_EIO;
			break;
		}
		fp_update(&last_fp, (const unsigned char *)buf, (size_t)got);
		if (xmlParseChunk(in->ctxt, buf, (int)got, got == 0) != 0 && !in->stop_rc) {
			on_error(in, xmlCtxtGetLastError(in->ctxt));
			if (!in->stop_rc) {
				in->stop_rc = ADJ_EDATA;
				err->code = ADJ_R_B01;
				err->line = xmlSAX2GetLineNumber(in->ctxt);
				err->column = xmlSAX2GetColumnNumber(in->ctxt);
				const char *g = adj_xml_generic_error();
				snprintf(err->message, sizeof err->message, "%s%s",
				         g[0] ? "bytes invalid in the declared encoding: " : "not well-formed XML",
				         g);
			}
		}
		if (got == 0)
			break;
	}
	if (!rc && !in->stop_rc && in->depth != 0) {
		in->stop_rc = ADJ_EDATA;
		err->code = ADJ_R_B01;
		snprintf(err->message, sizeof err->message, "the batch ends inside an element");
	}
	if (!rc && !in->stop_rc && !in->ctxt->wellFormed) {
		in->stop_rc = ADJ_EDATA;
		err->code = ADJ_R_B01;
		const char *g = adj_xml_generic_error();
		snprintf(err->message, sizeof err->message, "%s%s",
		         g[0] ? "bytes invalid in the declared encoding: " : "not well-formed XML", g);
	}
	if (!rc)
		rc = in->stop_rc;
	xmlFreeParserCtxt(in->ctxt);
	in->ctxt = NULL;
	free(buf);
	return rc;
}

/* The parsing thread: parse, then hand over the end with its outcome. */
static void *
parse_thread(void *vin)
{
	intake *in = vin;
	int rc = parse_all(in);
	pthread_mutex_lock(&in->mu);
	if (in->count == SLOTS && !in->cancel) {
		in->parser_waits = true;
		while (!in->cancel && in->parser_waits)
			pthread_cond_wait(&in->emptied, &in->mu);
	}
	in->parse_rc = rc;
	if (!in->cancel)
		in->slots[(in->head + in->count) % SLOTS].kind = EV_END;
	in->count++;
	pthread_cond_signal(&in->filled);
	pthread_mutex_unlock(&in->mu);
	return NULL;
}

/* The caller's side: every slot handed over goes to its callback, in order,
 * until the end or a refusal (which stops the parsing thread). */
static int
run_callbacks(intake *in, adj_batch_error *err)
{
	int rc = 0;
	for (;;) {
		pthread_mutex_lock(&in->mu);
		while (in->count == 0)
			pthread_cond_wait(&in->filled, &in->mu);
		slot *s = &in->slots[in->head];
		pthread_mutex_unlock(&in->mu);
		if (s->kind == EV_END) {
			rc = in->parse_rc;
			if (rc == ADJ_EDATA)
				*err = *in->err;
			break;
		}
		rc = deliver(in, s, err);
		pthread_mutex_lock(&in->mu);
		in->head = (in->head + 1) % SLOTS;
		in->count--;
		in->ahead_bytes -= s->ahead;
		if (rc)
			in->cancel = true;
		if (in->parser_waits &&
		    (rc || (in->count <= SLOTS / 2 && in->ahead_bytes <= AHEAD_BYTES / 2))) {
			in->parser_waits = false;
			pthread_cond_signal(&in->emptied);
		}
		pthread_mutex_unlock(&in->mu);
		if (rc)
			break;
	}
	return rc;
}

int
adj_intake_run(int fd, const char *display, adj_header_fn on_header, adj_prepare_fn on_prepare,
               adj_claim_fn on_claim, void *ctx, adj_batch_error *err)
{
	intake *in = calloc(1, sizeof *in);
	adj_batch_error parse_err;
	pthread_t thread;
	int rc;

	if (!in)
		return ADJ_ENOMEM;
	memset(err, 0, sizeof *err);
	memset(&parse_err, 0, sizeof parse_err);
	in->fd = fd;
	in->display = display;
	in->on_header = on_header;
	in->on_prepare = on_prepare;
	in->on_claim = on_claim;
	in->ctx = ctx;
	for (int i = 0; i < SLOTS; i++)
		adj_arena_init(&in->slots[i].arena, ADJ_MAX_CLAIM_BYTES);

	in->threaded = pthread_mutex_init(&in->mu, NULL) == 0;
	if (in->threaded && pthread_cond_init(&in->filled, NULL) != 0) {
		pthread_mutex_destroy(&in->mu);
		in->threaded = false;
	}
	if (in->threaded && pthread_cond_init(&in->emptied, NULL) != 0) {
		pthread_cond_destroy(&in->filled);
		pthread_mutex_destroy(&in->mu);
		in->threaded = false;
	}
	in->err = in->threaded ? &parse_err : err;
	if (in->threaded && pthread_create(&thread, NULL, parse_thread, in) != 0) {
		pthread_cond_destroy(&in->emptied);
		pthread_cond_destroy(&in->filled);
		pthread_mutex_destroy(&in->mu);
		in->threaded = false;
		in->err = err;
	}
	if (in->threaded) {
		rc = run_callbacks(in, err);
		pthread_join(thread, NULL);
		pthread_cond_destroy(&in->emptied);
		pthread_cond_destroy(&in->filled);
		pthread_mutex_destroy(&in->mu);
	} else {
		rc = parse_all(in);
	}
	for (int i = 0; i < SLOTS; i++) {
		free(in->slots[i].claim.items);
		free(in->slots[i].claim.dx);
		free(in->slots[i].claim.proc);
		adj_arena_free(&in->slots[i].arena);
	}
	free(in);
	return rc;
}
