/*
 * arena.c - bump allocation in a chain of blocks (newest first).
 */
#include "arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

struct adj_arena_block {
	adj_arena_block *next;
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
};

#define FIRST_BLOCK 4096
#define MAX_BLOCK (1u << 20)

void
adj_arena_init(adj_arena *a, size_t limit)
{
	a->head = NULL;
	a->total = 0;
	a->limit = limit;
}

void *
adj_arena_alloc(adj_arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	size_t need = (n + align - 1) & ~(align - 1);
	adj_arena_block *b = a->head;

	if (need < n)
		return NULL;
	if (!b || b->size - b->used < need) {
		size_t size = b ? b->size * 2 : FIRST_BLOCK;
		if (size > MAX_BLOCK)
			size = MAX_BLOCK;
		if (size < need)
			size = need;
		if (a->limit && a->total + size > a->limit)
			return NULL;
		adj_arena_block *nb = malloc(sizeof *nb + size);
		if (!nb)
			return NULL;
		nb->next = b;
		nb->size = size;
		nb->used = 0;
		a->head = nb;
		a->total += size;
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += need;
	return p;
}

char *
adj_arena_strndup(adj_arena *a, const char *s, size_t n)
{
	char *p = adj_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
adj_arena_reset(adj_arena *a)
{
	adj_arena_block *b = a->head;
	if (!b)
		return;
	/* keep the oldest (smallest) block */
	while (b->next) {
		adj_arena_block *next = b->next;
		free(b);
		b = next;
	}
	b->used = 0;
	a->head = b;
	a->total = b->size;
}

void
adj_arena_free(adj_arena *a)
{
	adj_arena_block *b = a->head;
	while (b) {
		adj_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}
