/*
 * xml_safe.h - the libxml2 hardening every reader of this project uses
 * (SPEC 7, MEASUREMENTS 4): no network, no entity substitution, no DTD
 * loading, no XInclude, no HUGE, a deny-all external entity loader, and any
 * DOCTYPE refused by the caller.
 */
#ifndef ADJ_UTIL_XML_SAFE_H
#define ADJ_UTIL_XML_SAFE_H

/* Parser options: the only ones this project ever passes to libxml2. */
#define ADJ_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)

/* Initialise libxml2 once and install the deny-all external entity loader
 * (process-wide; idempotent). */
void adj_xml_harden(void);

/* The first line of the first error libxml2 reported outside a parser
 * context since the last clear (encoding errors, mostly), or "". */
const char *adj_xml_generic_error(void);
void adj_xml_clear_generic_error(void);

#endif
