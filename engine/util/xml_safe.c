/*
 * xml_safe.c - process-wide libxml2 set-up.
 *
 * The external entity loader is replaced by one that refuses everything, so
 * even a future option mistake cannot make a batch read a file or open a
 * socket on behalf of its sender.
 */
#include "xml_safe.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static xmlParserInputPtr
deny_all(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

/* libxml2's "generic" errors (the encoding layer reports through them) go
 * to stderr by default; the library never prints, so they are kept here,
 * the first line of the first one, for the caller to put in its message. */
static _Thread_local char generic[300];

static void keep_generic(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
keep_generic(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	size_t n = strlen(generic);
	if (n + 1 >= sizeof generic || strchr(generic, '\n'))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(generic + n, sizeof generic - n, fmt, ap);
	va_end(ap);
}

const char *
adj_xml_generic_error(void)
{
	char *nl = strchr(generic, '\n');
	if (nl)
		*nl = '\0';
	return generic;
}

void
adj_xml_clear_generic_error(void)
{
	generic[0] = '\0';
}

static void
harden_once(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(deny_all);
}

void
adj_xml_harden(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, harden_once);
	/* the generic error handler is libxml2's per-thread state */
	xmlSetGenericErrorFunc(NULL, keep_generic);
}
