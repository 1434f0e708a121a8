/*
 * arena.h - a bump allocator for data that dies together.
 *
 * One arena per claim during adjudication, one per catalog while it is
 * loaded: many small allocations, one free. Blocks grow geometrically up to
 * a cap per block; `limit` bounds the total so that input can never make an
 * arena grow without end (adj_arena_alloc then returns NULL).
 */
#ifndef ADJ_UTIL_ARENA_H
#define ADJ_UTIL_ARENA_H

#include <stddef.h>

typedef struct adj_arena_block adj_arena_block;

typedef struct adj_arena {
	adj_arena_block *head;
	size_t total; /* bytes in all blocks */
	size_t limit; /* 0: no limit */
} adj_arena;

void adj_arena_init(adj_arena *a, size_t limit);

/* n bytes aligned for any type, or NULL past the limit or out of memory. */
void *adj_arena_alloc(adj_arena *a, size_t n);

/* A NUL-terminated copy of n bytes at s, or NULL. */
char *adj_arena_strndup(adj_arena *a, const char *s, size_t n);

/* Forget every allocation but keep the first block for reuse. */
void adj_arena_reset(adj_arena *a);

/* Free everything. */
void adj_arena_free(adj_arena *a);

#endif
