/*
 * vec.c - the one reallocation behind ADJ_VEC_PUSH.
 */
#include "vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
adj_vec_reserve(void *pvec, size_t elem, size_t count, size_t *cap)
{
	void *base;
	size_t ncap = *cap ? *cap * 2 : 16;

	if (count < *cap)
		return 0;
	if (count >= ADJ_VEC_MAX || ncap > ADJ_VEC_MAX || ncap > SIZE_MAX / elem)
		return -1;
	memcpy(&base, pvec, sizeof base);
	void *p = realloc(base, ncap * elem);
	if (!p)
		return -1;
	memset((char *)p + count * elem, 0, (ncap - count) * elem);
	memcpy(pvec, &p, sizeof p);
	*cap = ncap;
	return 0;
}
