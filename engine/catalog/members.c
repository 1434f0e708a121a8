/*
 * members.c - validating and loading the member registry (SPEC 4.4).
 *
 * The registry changes daily and may hold millions of rows, so it is
 * streamed: each valid row is written as it is read, inside the caller's
 * transaction, and the caller rolls everything back if any row was bad.
 * Repeated ids within one file are caught by an open-addressing set of the
 * 17 leading digits (a valid id is determined by them), 8 bytes per member.
 * Only rows whose content changed are written, so loading the same file
 * twice changes nothing: each member is looked up by id, then inserted
 * when new, updated (its trigger keeping the old version in
 * member_history) when different, and left alone when the same. One
 * single-row statement each: an upsert (INSERT .. ON CONFLICT DO UPDATE
 * with the trigger) made SQLite take a statement journal for every row, a
 * 32 KiB page copied per member, which made new members cost twice what
 * they cost now.
 */
#include "members.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

enum {
	M_ID, M_NAME, M_SCHEME, M_CATEGORY, M_ENROLLED_FROM, M_ENROLLED_TO, M_PAID_THROUGH,
	M_RELIEF_FROM, M_RELIEF_TO, M_ASSIST_FROM, M_ASSIST_TO, M_NCOLS
};
static const char *const member_cols[M_NCOLS] = {
	"id", "name", "scheme", "category", "enrolled_from", "enrolled_to", "paid_through",
	"relief_from", "relief_to", "assistance_from", "assistance_to"};

typedef struct idset {
	uint64_t *key; /* 0: empty */
	int32_t *line;
	size_t n, used;
} idset;

/* The (scheme, category) pairs the policy knows, "*" included: a handful,
 * checked per row instead of walking every benefit rule. */
#define MAX_PAIRS 256
typedef struct pair {
	const char *scheme, *category;
} pair;

typedef struct mctx {
	adj_db *db;
	const adj_policy *policy;
	pair pairs[MAX_PAIRS];
	size_t npairs;
	bool pairs_overflow; /* more pairs than fit: ask the policy itself */
	const char *display;
	adj_diags *diags;
	sqlite3_stmt *find, *insert, *update; /* find: NULL with no database */
	int64_t generation; /* the registry generation this import makes */
	bool was_empty;     /* the registry had no member: every id is new */
	idset ids;
	long read;
} mctx;

/* Insert key; returns the line it was first seen on, or 0 when new, or -1
 * when out of memory. */
static long
idset_add(idset *s, uint64_t key, long line)
{
	if ((s->used + 1) * 2 > s->n) {
		size_t n = s->n ? s->n * 2 : 1024;
		uint64_t *k = calloc(n, sizeof *k);
		int32_t *l = calloc(n, sizeof *l);
		if (!k || !l) {
			free(k);
			free(l);
			return -1;
		}
		for (size_t i = 0; i < s->n; i++) {
			if (!s->key[i])
				continue;
			size_t j = (s->key[i] * UINT64_C(0x9E3779B97F4A7C15)) >> 20 & (n - 1);
			while (k[j])
				j = (j + 1) & (n - 1);
			k[j] = s->key[i];
			l[j] = s->line[i];
		}
		free(s->key);
		free(s->line);
		s->key = k;
		s->line = l;
		s->n = n;
	}
	size_t j = (key * UINT64_C(0x9E3779B97F4A7C15)) >> 20 & (s->n - 1);
	while (s->key[j]) {
		if (s->key[j] == key)
			return s->line[j];
		j = (j + 1) & (s->n - 1);
	}
	s->key[j] = key;
	s->line[j] = (int32_t)line;
	s->used++;
	return 0;
}

/* Bind a date field as written: it was validated as YYYY-MM-DD, which is
 * also how the database stores dates, so no reformatting is needed. */
static void
bind_field_date(sqlite3_stmt *st, int i, const adj_csv_row *row, int col)
{
	if (row->len[col] == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, row->field[col], (int)row->len[col], SQLITE_STATIC);
}

/* An optional period: an end without a start is an error, as is an end
 * before its start. */
static void
period(adj_fields *f, int from_col, int to_col, adj_date *from, adj_date *to)
{
	bool a = adj_field_date(f, from_col, false, from);
	bool b = adj_field_date(f, to_col, false, to);
	if (!a || !b)
		return;
	if (*from == ADJ_DATE_NONE && *to != ADJ_DATE_NONE)
		adj_fields_error(f, to_col, "an end without a start");
	else if (*to != ADJ_DATE_NONE && *to < *from)
		adj_fields_error(f, to_col, "ends before it starts");
}

static void
collect_pairs(mctx *c)
{
	const adj_policy *p = c->policy;
	for (size_t i = 0; i < p->nbenefits && !c->pairs_overflow; i++) {
		const adj_benefit *b = &p->benefits[i];
		size_t k;
		for (k = 0; k < c->npairs; k++)
			if (strcmp(c->pairs[k].scheme, b->scheme) == 0 &&
			    strcmp(c->pairs[k].category, b->category) == 0)
				break;
		if (k < c->npairs)
			continue;
		if (c->npairs == MAX_PAIRS)
			c->pairs_overflow = true;
		else
			c->pairs[c->npairs++] = (pair){b->scheme, b->category};
	}
}

/* SPEC 4.4: a benefit of the scheme names the category, or the scheme has
 * a "*" benefit. */
static bool
category_known(const mctx *c, const char *scheme, const char *category)
{
	if (c->pairs_overflow)
		return adj_policy_category_known(c->policy, scheme, category);
	for (size_t k = 0; k < c->npairs; k++)
		if (strcmp(c->pairs[k].scheme, scheme) == 0 &&
		    (strcmp(c->pairs[k].category, category) == 0 || strcmp(c->pairs[k].category, "*") == 0))
			return true;
	return false;
}

/* A member's values as ?1 .. ?14, the numbering of the look-up, the insert
 * and the update alike (each uses those it needs; binding a number a
 * statement does not have returns SQLITE_RANGE, which is ignored). */
static void
bind_member(sqlite3_stmt *u, const adj_csv_row *row, const adj_rid *rid, int64_t generation)
{
	/* the birth date is digits 7-14 of the id, validated by the caller */
	const char *id = rid->id;
	char sex[2] = {rid->sex, '\0'};
	char birth[ADJ_DATE_TEXT] = {id[6], id[7], id[8], id[9], '-', id[10], id[11], '-', id[12], id[13], '\0'};
	sqlite3_bind_text(u, 1, id, ADJ_RID_LEN, SQLITE_STATIC);
	sqlite3_bind_text(u, 2, row->field[M_NAME], (int)row->len[M_NAME], SQLITE_STATIC);
	sqlite3_bind_text(u, 3, row->field[M_SCHEME], (int)row->len[M_SCHEME], SQLITE_STATIC);
	sqlite3_bind_text(u, 4, row->field[M_CATEGORY], (int)row->len[M_CATEGORY], SQLITE_STATIC);
	sqlite3_bind_text(u, 5, sex, 1, SQLITE_TRANSIENT);
	sqlite3_bind_text(u, 6, birth, 10, SQLITE_TRANSIENT);
	bind_field_date(u, 7, row, M_ENROLLED_FROM);
	bind_field_date(u, 8, row, M_ENROLLED_TO);
	bind_field_date(u, 9, row, M_PAID_THROUGH);
	bind_field_date(u, 10, row, M_RELIEF_FROM);
	bind_field_date(u, 11, row, M_RELIEF_TO);
	bind_field_date(u, 12, row, M_ASSIST_FROM);
	bind_field_date(u, 13, row, M_ASSIST_TO);
	sqlite3_bind_int64(u, 14, generation);
}

static int
member_row(void *vc, const adj_csv_row *row)
{
	mctx *c = vc;
	adj_fields f = {c->display, member_cols, row, c->diags, 0};
	adj_rid rid;
	adj_member m;

	c->read++;
	if ((c->read & 1023) == 0)
		adj_db_progress(c->db, "members", row->read, row->size, (uint64_t)c->read);
	memset(&m, 0, sizeof m);
	adj_rid_status st = adj_rid_check(row->field[M_ID], row->len[M_ID], &rid);
	if (st != ADJ_RID_OK)
		adj_fields_error(&f, M_ID, "%s", adj_rid_status_text(st));
	adj_field_text(&f, M_NAME, 400);
	if (adj_field_text(&f, M_SCHEME, 32) && !adj_policy_scheme(c->policy, row->field[M_SCHEME]))
		adj_fields_error(&f, M_SCHEME, "scheme \"%s\" is not in the policy", row->field[M_SCHEME]);
	else if (adj_field_text(&f, M_CATEGORY, 64) &&
	         !category_known(c, row->field[M_SCHEME], row->field[M_CATEGORY]))
		adj_fields_error(&f, M_CATEGORY, "no benefit of scheme %s names category \"%s\"",
		                 row->field[M_SCHEME], row->field[M_CATEGORY]);
	adj_field_date(&f, M_ENROLLED_FROM, true, &m.enrolled_from);
	if (adj_field_date(&f, M_ENROLLED_TO, false, &m.enrolled_to) && m.enrolled_to != ADJ_DATE_NONE &&
	    m.enrolled_from != ADJ_DATE_NONE && m.enrolled_to < m.enrolled_from)
		adj_fields_error(&f, M_ENROLLED_TO, "ends before enrolled_from");
	adj_field_date(&f, M_PAID_THROUGH, false, &m.paid_through);
	period(&f, M_RELIEF_FROM, M_RELIEF_TO, &m.relief_from, &m.relief_to);
	period(&f, M_ASSIST_FROM, M_ASSIST_TO, &m.assist_from, &m.assist_to);
	if (st == ADJ_RID_OK) {
		uint64_t key = 0;
		for (int i = 0; i < 17; i++)
			key = key * 10 + (uint64_t)(rid.id[i] - '0');
		long first = idset_add(&c->ids, key, row->line);
		if (first < 0)
			return ADJ_ENOMEM;
		if (first > 0)
			adj_fields_error(&f, M_ID, "member %s is already on line %ld", rid.id, first);
	}
	if (f.errors || !c->find)
		return 0;

	/* a row: 1 when it differs, 0 when the same; none: a new member (into
	 * an empty registry every member is new: ids twice in the file are
	 * refused above) */
	int s = SQLITE_DONE;
	if (!c->was_empty) {
		bind_member(c->find, row, &rid, c->generation);
		s = sqlite3_step(c->find);
	}
	bool known = s == SQLITE_ROW, differs = known && sqlite3_column_int(c->find, 0);
	sqlite3_reset(c->find);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return adj_db_fail(c->db, "looking a member up");
	if (known && !differs)
		return 0;
	sqlite3_stmt *w = known ? c->update : c->insert;
	bind_member(w, row, &rid, c->generation);
	s = sqlite3_step(w);
	sqlite3_reset(w);
	if (s != SQLITE_DONE)
		return adj_db_fail(c->db, known ? "updating a member" : "adding a member");
	return 0;
}

int
adj_registry_generation(adj_db *db, int64_t *g)
{
	sqlite3_stmt *st;
	int rc = adj_db_prepare(db, &st, "SELECT value FROM meta WHERE key = 'registry_generation'");
	if (rc)
		return rc;
	*g = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

static int
count_members(adj_db *db, long *n)
{
	sqlite3_stmt *st;
	int rc = adj_db_prepare(db, &st, "SELECT count(*) FROM member");
	if (rc)
		return rc;
	*n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

int
adj_members_load(adj_catalog_summary *summary, adj_db *db, const adj_policy *policy,
                 const char *path, const char *display, adj_diags *diags)
{
	mctx c;
	long before = 0, after = 0;
	sqlite3_int64 changes0 = 0;
	int rc;

	memset(&c, 0, sizeof c);
	c.db = db;
	c.policy = policy;
	c.display = display;
	c.diags = diags;
	collect_pairs(&c);
	if (db) {
		if ((rc = count_members(db, &before)) != 0 || (rc = adj_registry_generation(db, &c.generation)) != 0)
			return rc;
		c.generation++;
		c.was_empty = before == 0;
		/* the three number their parameters as bind_member does */
		rc = adj_db_prepare(
			db, &c.find,
			"SELECT (name, scheme, category, enrolled_from, enrolled_to, paid_through, "
			"relief_from, relief_to, assistance_from, assistance_to) IS NOT "
			"(?2, ?3, ?4, ?7, ?8, ?9, ?10, ?11, ?12, ?13) FROM member WHERE id = ?1");
		if (!rc)
			rc = adj_db_prepare(
				db, &c.insert,
				"INSERT INTO member(id, name, scheme, category, sex, birth_date, enrolled_from, "
				"enrolled_to, paid_through, relief_from, relief_to, assistance_from, "
				"assistance_to, since) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)");
		if (!rc)
			rc = adj_db_prepare(
				db, &c.update,
				"UPDATE member SET name = ?2, scheme = ?3, category = ?4, enrolled_from = ?7, "
				"enrolled_to = ?8, paid_through = ?9, relief_from = ?10, relief_to = ?11, "
				"assistance_from = ?12, assistance_to = ?13, since = ?14 "
				"WHERE id = ?1");
		if (rc) {
			sqlite3_finalize(c.find);
			sqlite3_finalize(c.insert);
			return rc;
		}
		changes0 = sqlite3_total_changes64(db->sql);
	}
	rc = adj_csv_read(path, display, member_cols, M_NCOLS, member_row, &c, diags);
	if (db && rc == 0) {
		long changed = (long)(sqlite3_total_changes64(db->sql) - changes0);
		rc = count_members(db, &after);
		/* a new generation only when something changed: loading the same
		 * registry again writes nothing at all */
		if (!rc && changed > 0) {
			char sql[160];
			snprintf(sql, sizeof sql,
			         "INSERT INTO meta(key, value) VALUES ('registry_generation', '%lld') "
			         "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			         (long long)c.generation);
			rc = adj_db_exec(db, sql);
		}
		if (summary) {
			/* an update also writes its history row (a trigger) */
			summary->members_inserted += after - before;
			summary->members_updated += (changed - (after - before)) / 2;
		}
	}
	if (summary)
		summary->members_read += c.read;
	sqlite3_finalize(c.find);
	sqlite3_finalize(c.insert);
	sqlite3_finalize(c.update);
	free(c.ids.key);
	free(c.ids.line);
	return rc;
}
