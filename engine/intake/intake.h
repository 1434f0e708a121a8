/*
 * intake.h - streaming a claim batch (SPEC 4.5, 7).
 *
 * The batch is read once, in 64 KiB chunks, by libxml2's SAX2 push parser,
 * in a thread of its own that runs at most 16 claims (and 16 MB of their
 * text) ahead; each claim is an adj_claim_raw whose strings live in an arena
 * of its own. The callbacks run in the caller's thread, in document order:
 * the header once, then each claim as if the parse had stopped at its end
 * tag. Anything that refuses the whole batch (B01 not well-formed, bad
 * encoding, DOCTYPE, a size limit; B02 root or header; or a refusal the
 * header callback returns) stops the parse and is reported with line and
 * column, after every claim before it and never after a refusal of the
 * caller's.
 */
#ifndef ADJ_INTAKE_INTAKE_H
#define ADJ_INTAKE_INTAKE_H

#include <stdint.h>

#include "intake/claim.h"
#include "reasons.h"

#define ADJ_INTAKE_CHUNK (64 * 1024)

/* A refusal of the whole batch. */
typedef struct adj_batch_error {
	adj_reason code; /* ADJ_R_B01..B04 */
	long line, column;
	char message[512];
} adj_batch_error;

/* Called once with the header. Return 0 to go on, or fill err and return
 * ADJ_EDATA to refuse the batch (or another ADJ_E* to stop on an error). */
typedef int (*adj_header_fn)(void *ctx, const adj_batch_header *h, adj_batch_error *err);

/* Called at each </claim>. Return 0 to go on, or an ADJ_E* code to stop. */
typedef int (*adj_claim_fn)(void *ctx, adj_claim_raw *claim);

/* Called at each </claim> in the parsing thread, before the claim is handed
 * over: work that depends on the claim alone (typing its text) can be done
 * there, off the caller's thread. It may read only what does not change
 * during the batch, write only into the claim (claim->prepared, its arena),
 * and must not fail: the claim callback does the work itself when
 * claim->prepared is NULL. */
typedef void (*adj_prepare_fn)(void *ctx, adj_claim_raw *claim);

/*
 * Read the batch from fd (named `display` in messages). Returns 0 when the
 * whole batch was read, ADJ_EDATA with *err filled when it is refused,
 * ADJ_EIO on a read error, or the code a callback returned.
 */
int adj_intake_run(int fd, const char *display, adj_header_fn on_header, adj_prepare_fn on_prepare,
                   adj_claim_fn on_claim, void *ctx, adj_batch_error *err);

/* A 64-bit fingerprint of every byte the last adj_intake_run read (a
 * multiply-xorshift over 8-byte words, not a cryptographic hash): replay
 * uses it to know the file it finds is the file that was adjudicated. */
uint64_t adj_intake_fingerprint(void);

/* The same fingerprint of a whole file; *size gets its length, *err an
 * errno when it cannot be read. */
uint64_t adj_fingerprint_file(const char *path, uint64_t *size, int *err);

#endif
