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

static xmlParserInputPtr
deny_all(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

void
adj_xml_harden(void)
{
	static int done;

	if (done)
		return;
	xmlInitParser();
	xmlSetExternalEntityLoader(deny_all);
	done = 1;
}
