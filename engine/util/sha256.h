/*
 * sha256.h - FIPS 180-4 SHA-256, for catalog version digests.
 *
 * A catalog import hashes the canonical form of what it read; equal digests
 * mean equal content, so re-importing an unchanged folder writes nothing.
 */
#ifndef ADJ_UTIL_SHA256_H
#define ADJ_UTIL_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct adj_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t fill;
} adj_sha256;

void adj_sha256_init(adj_sha256 *c);
void adj_sha256_update(adj_sha256 *c, const void *data, size_t n);
/* Use the SHA extensions when the processor has them (the default), or
 * never: the tests check that both give the same digests. */
void adj_sha256_use_ni(bool on);
/* Finish and write 64 lowercase hex digits and a NUL into hex (65 bytes). */
void adj_sha256_hex(adj_sha256 *c, char hex[65]);

#endif
