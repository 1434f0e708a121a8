/*
 * catalog_index.c - sorted item pointers plus a code hash (see the header).
 */
#include "catalog_index.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot {
	const char *code; /* NULL: empty */
	uint32_t first, count;
} slot;

struct adj_item_index {
	const adj_item **items;
	slot *slots;
	size_t nslots;
};

uint64_t
adj_item_code_hash(const char *code, size_t n)
{
	uint64_t h = UINT64_C(1469598103934665603);
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)code[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static int
cmp(const void *a, const void *b)
{
	const adj_item *x = *(const adj_item *const *)a, *y = *(const adj_item *const *)b;
	int c = strcmp(x->code, y->code);
	if (c)
		return c;
	return (x->valid_from > y->valid_from) - (x->valid_from < y->valid_from);
}

int
adj_item_index_build(adj_item_index **out, const adj_catalog *cat)
{
	adj_item_index *ix = calloc(1, sizeof *ix);
	size_t n = cat->nitems;

	*out = NULL;
	if (!ix)
		return ADJ_ENOMEM;
	ix->nslots = 64;
	while (ix->nslots < n * 2)
		ix->nslots *= 2;
	ix->items = malloc((n ? n : 1) * sizeof *ix->items);
	ix->slots = calloc(ix->nslots, sizeof *ix->slots);
	if (!ix->items || !ix->slots) {
		adj_item_index_free(ix);
		return ADJ_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		ix->items[i] = &cat->items[i];
	qsort(ix->items, n, sizeof *ix->items, cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && strcmp(ix->items[j]->code, ix->items[i]->code) == 0)
			j++;
		const char *code = ix->items[i]->code;
		size_t h = adj_item_code_hash(code, strlen(code)) & (ix->nslots - 1);
		while (ix->slots[h].code)
			h = (h + 1) & (ix->nslots - 1);
		ix->slots[h].code = code;
		ix->slots[h].first = (uint32_t)i;
		ix->slots[h].count = (uint32_t)(j - i);
		i = j;
	}
	*out = ix;
	return 0;
}

void
adj_item_index_free(adj_item_index *ix)
{
	if (!ix)
		return;
	free(ix->items);
	free(ix->slots);
	free(ix);
}

const adj_item *
adj_item_index_find(const adj_item_index *ix, const char *code, size_t n, adj_date date)
{
	return adj_item_index_find_hashed(ix, code, n, adj_item_code_hash(code, n), date);
}

const adj_item *
adj_item_index_find_hashed(const adj_item_index *ix, const char *code, size_t n, uint64_t hash,
                           adj_date date)
{
	size_t h = (size_t)hash & (ix->nslots - 1);
	while (ix->slots[h].code) {
		const slot *s = &ix->slots[h];
		if (strncmp(s->code, code, n) == 0 && s->code[n] == '\0') {
			for (uint32_t k = 0; k < s->count; k++) {
				const adj_item *it = ix->items[s->first + k];
				if (it->valid_from <= date && (it->valid_to == ADJ_DATE_NONE || date <= it->valid_to))
					return it;
			}
			return NULL;
		}
		h = (h + 1) & (ix->nslots - 1);
	}
	return NULL;
}
