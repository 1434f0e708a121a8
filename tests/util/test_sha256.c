/*
 * test_sha256.c - the catalog digest's hash against FIPS 180-4 vectors.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"

static void
expect_hash(const char *msg, size_t repeat, const char *want)
{
	adj_sha256 c;
	char hex[65];
	adj_sha256_init(&c);
	for (size_t i = 0; i < repeat; i++)
		adj_sha256_update(&c, msg, strlen(msg));
	adj_sha256_hex(&c, hex);
	cr_expect_str_eq(hex, want);
}

Test(util_sha256, published_test_vectors)
{
	expect_hash("", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect_hash("abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	expect_hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	expect_hash("a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* The same vectors through the portable code (on a processor with the SHA
 * extensions the test above went through them). */
Test(util_sha256, published_test_vectors_without_the_sha_extensions)
{
	adj_sha256_use_ni(false);
	expect_hash("", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect_hash("abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	expect_hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	expect_hash("a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	adj_sha256_use_ni(true);
}

/* 1 MB of varied bytes fed in pieces of every size from 1 to 200: the
 * extensions and the portable code give the same digest. */
Test(util_sha256, both_ways_give_the_same_digest_for_any_split)
{
	size_t n = 1 << 20;
	unsigned char *data = malloc(n);
	cr_assert_not_null(data);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		data[i] = (unsigned char)x;
	}
	char hex[2][65];
	for (int way = 0; way < 2; way++) {
		adj_sha256_use_ni(way == 1);
		adj_sha256 c;
		adj_sha256_init(&c);
		for (size_t at = 0, k = 1; at < n; k = k % 200 + 1) {
			size_t take = k < n - at ? k : n - at;
			adj_sha256_update(&c, data + at, take);
			at += take;
		}
		adj_sha256_hex(&c, hex[way]);
	}
	adj_sha256_use_ni(true);
	cr_expect_str_eq(hex[1], hex[0]);
	cr_expect_eq(strlen(hex[0]), 64);
	free(data);
}
