/*
 * test_sha256.c - the catalog digest's hash against FIPS 180-4 vectors.
 */
#include <criterion/criterion.h>
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
