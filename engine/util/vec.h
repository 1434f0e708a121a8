/*
 * vec.h - growable arrays as (pointer, count, capacity) triples.
 *
 * ADJ_VEC_PUSH(v, n, cap) makes room for one more element of v and yields a
 * pointer to it (zeroed), or NULL when memory runs out or the count would
 * pass ADJ_VEC_MAX: every array fed by input is capped. On NULL the array
 * is left as it was, still owned by the caller.
 */
#ifndef ADJ_UTIL_VEC_H
#define ADJ_UTIL_VEC_H

#include <stddef.h>

#define ADJ_VEC_MAX ((size_t)1 << 28)

/* Make room for element `count` of the array whose pointer is at pvec (a
 * T ** passed as void *). Returns 0, or -1 leaving everything unchanged. */
int adj_vec_reserve(void *pvec, size_t elem, size_t count, size_t *cap);

#define ADJ_VEC_PUSH(v, n, cap)                                                \
	(((n) < (cap) || adj_vec_reserve(&(v), sizeof *(v), (n), &(cap)) == 0) \
	     ? &(v)[(n)++]                                                      \
	     : NULL)

#endif
