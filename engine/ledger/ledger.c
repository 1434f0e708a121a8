/*
 * ledger.c - prepared statements over the ledger tables of schema.sql.
 *
 * Each statement is prepared once (adj_ledger_open) and reset after use.
 * Reads inside the batch transaction see the batch's own writes, which is
 * how each claim "sees every effect of the claims before it" (SPEC 5).
 */
#include "ledger.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"
#include "util/num.h"

const char *const adj_amount_attr[ADJ_AMT_COUNT] = {
	"billed", "rejected", "self-pay", "over-cap", "first-pay", "in-policy", "deductible",
	"coinsurance", "pool", "over-pool", "relief", "assistance", "patient", "hospital-variance",
	"withheld"};
const char *const adj_amount_column[ADJ_AMT_COUNT] = {
	"billed", "rejected", "self_pay", "over_cap", "first_pay", "in_policy", "deductible",
	"coinsurance", "pool", "over_pool", "relief", "assistance", "patient", "hospital_variance",
	"withheld"};

enum {
	S_BATCH_SEEN, S_BATCH_INSERT, S_BATCH_FINISH, S_MEMBER, S_ID_USED, S_TARGET, S_ELSEWHERE,
	S_OVERLAP, S_ACC_GET, S_ACC_PUT, S_HOSP_GET, S_HOSP_PUT, S_VOID_MARK, S_CLAIM, S_SAVEPOINT,
	S_RELEASE, S_ROLLBACK_TO, S_COUNT
};

/* A growable text buffer for the JSON columns of a claim row. */
typedef struct jbuf {
	char *s;
	size_t n, cap;
	bool failed;
} jbuf;

/*
 * Members already looked up in this batch, found or not. The registry cannot
 * change under the batch's write transaction, so an entry stays true until
 * the ledger is closed. Open addressing by id; when the table is three
 * quarters full (or its strings outgrow their arena) it is emptied and
 * refilled, which bounds its memory whatever the registry's size.
 */
enum { MEMBER_SLOTS = 1 << 14, MEMBER_STRINGS = 4u << 20 };

typedef struct member_slot {
	bool used, found;
	adj_member m; /* m.id is the key; strings in member_cache.strings */
} member_slot;

typedef struct member_cache {
	member_slot *slot; /* MEMBER_SLOTS, allocated on first use */
	size_t count;
	adj_arena strings;
} member_cache;

/*
 * Accumulators and hospital totals of this batch, kept here and written to
 * their tables in one pass (write-back): each counted claim reads and
 * rewrites both, and the rows are needed by nothing else until the batch
 * commits. Everything dirty is written when the batch finishes. When the
 * table is three quarters full it is written out and emptied, which bounds
 * its memory. A key whose texts do not fit a slot goes straight to SQL.
 *
 * Savepoints (a replacement's) keep an undo log instead of writing the
 * cache out: each slot's value and dirty flag as they were when the
 * savepoint opened, taken the first time the savepoint touches it, and a
 * copy of the hospital slots. ROLLBACK TO undoes the tables, the log undoes
 * the cache. Inside a savepoint the cache is never written out or emptied:
 * a key that finds no room goes straight to SQL, which the rollback undoes
 * too. (Writing everything out at each savepoint cost a twentieth of a
 * 1 GB batch.)
 */
enum { ACC_SLOTS = 1 << 15, HOSP_SLOTS = 16, KEY_TEXT = 40 };

typedef struct acc_slot {
	bool used, dirty;
	int year;
	unsigned sp; /* the savepoint that logged it last (adj_ledger.sp) */
	char member[KEY_TEXT], scheme[KEY_TEXT], grp[KEY_TEXT];
	adj_accum acc;
} acc_slot;

typedef struct hosp_slot {
	bool used, dirty;
	int year;
	char hospital[KEY_TEXT];
	adj_fen pool, withheld;
} hosp_slot;

struct adj_ledger {
	adj_db *db;
	sqlite3_stmt *st[S_COUNT];
	jbuf lines, reasons, codes;
	member_cache members;
	acc_slot *acc;      /* ACC_SLOTS, allocated on first use */
	uint32_t *acc_used; /* the indexes of the used slots, nacc of them */
	uint32_t *acc_dirty; /* the indexes of the dirty ones, ndirty of them */
	size_t nacc, ndirty;
	hosp_slot hosp[HOSP_SLOTS];

	/* the open savepoint, if any, and its undo log */
	bool in_sp;
	unsigned sp; /* counts savepoints, so a slot knows whether it is logged */
	struct acc_undo {
		uint32_t slot;
		bool dirty;
		adj_accum acc;
	} *undo;
	size_t nundo, undo_cap;
	hosp_slot hosp_saved[HOSP_SLOTS];
	char post_dates[4][ADJ_DATE_TEXT]; /* the dates bound to S_CLAIM (static) */
};

static int totals_flush(adj_ledger *l);

static const char *const sql[S_COUNT] = {
	[S_BATCH_SEEN] = "SELECT adjudicated_at FROM batch WHERE hospital = ? AND batch_id = ?",
	/* a batch's claims are the claim rows it adds, in order: the batch is
	 * one write transaction, and a new row's id is the largest one + 1 */
	[S_BATCH_INSERT] = "INSERT INTO batch(hospital, batch_id, created, adjudicated_at, "
	                   "catalog_version, source, first_claim) VALUES (?,?,?,?,?,?, "
	                   "(SELECT coalesce(max(id), 0) + 1 FROM claim))",
	[S_BATCH_FINISH] = "UPDATE batch SET claims = ?, source_path = ?, source_size = ?, "
	                   "source_hash = ?, registry_generation = ?, "
	                   "first_claim = iif(EXISTS (SELECT 1 FROM claim WHERE id >= first_claim), "
	                   "first_claim, NULL), "
	                   "last_claim = (SELECT max(id) FROM claim WHERE id >= first_claim) WHERE id = ?",
	[S_MEMBER] = "SELECT name, scheme, category, sex, birth_date, enrolled_from, enrolled_to, "
	             "paid_through, relief_from, relief_to, assistance_from, assistance_to "
	             "FROM member WHERE id = ?",
	[S_ID_USED] = "SELECT 1 FROM claim WHERE hospital = ? AND claim_id = ? AND voided_by IS NULL "
	              "AND recorded AND id != ? LIMIT 1",
	[S_TARGET] = "SELECT id, hospital, member, kind, status, method, scheme, grp, "
	             "deductible_kind, year, voided_by IS NOT NULL, counted, pos_delta, billed, "
	             "rejected, self_pay, over_cap, first_pay, in_policy, deductible, coinsurance, "
	             "pool, over_pool, relief, assistance, patient, hospital_variance, withheld "
	             "FROM claim WHERE hospital = ? AND claim_id = ? AND recorded "
	             "ORDER BY voided_by IS NULL DESC, id DESC LIMIT 1",
	/* by hospital, so that the (hospital, claim_id) index serves it */
	[S_ELSEWHERE] = "SELECT 1 FROM (SELECT DISTINCT hospital FROM batch) AS h "
	                "WHERE EXISTS (SELECT 1 FROM claim c WHERE c.hospital = h.hospital "
	                "AND c.claim_id = ?1 AND c.kind != 'void' AND c.recorded) LIMIT 1",
	/* no ORDER BY: sorting took a temporary b-tree at every call, even for no
	 * row; adj_ledger_stay_overlap keeps the first by (admitted, id) itself */
	[S_OVERLAP] = "SELECT claim_id, hospital, admitted, discharged, id FROM claim "
	              "WHERE member = ? AND claim_type = 'inpatient' AND kind != 'void' "
	              "AND status IN ('accepted', 'adjusted') AND voided_by IS NULL AND recorded "
	              "AND admitted < ? AND ? < stay_end AND id != ?",
	[S_ACC_GET] = "SELECT claims, ded, pos, pool, relief, assist FROM accumulator "
	              "WHERE member = ? AND scheme = ? AND year = ? AND grp = ?",
	[S_ACC_PUT] = "INSERT INTO accumulator VALUES (?,?,?,?,?,?,?,?,?,?) "
	              "ON CONFLICT(member, scheme, year, grp) DO UPDATE SET claims = excluded.claims, "
	              "ded = excluded.ded, pos = excluded.pos, pool = excluded.pool, "
	              "relief = excluded.relief, assist = excluded.assist",
	[S_HOSP_GET] = "SELECT pool, withheld FROM hospital_year WHERE hospital = ? AND year = ?",
	[S_HOSP_PUT] = "INSERT INTO hospital_year VALUES (?,?,?,?) ON CONFLICT(hospital, year) "
	               "DO UPDATE SET pool = excluded.pool, withheld = excluded.withheld",
	[S_VOID_MARK] = "UPDATE claim SET voided_by = ? WHERE id = ?",
	[S_CLAIM] = "INSERT INTO claim(batch, ord, hospital, claim_id, kind, target, target_id, "
	            "member, scheme, category, claim_type, admitted, discharged, stay_end, "
	            "service_date, year, status, reason, reason_value, method, single_disease, "
	            "benefit, grp, deductible_kind, counted, billed, rejected, self_pay, over_cap, "
	            "first_pay, in_policy, deductible, coinsurance, pool, over_pool, relief, "
	            "assistance, patient, hospital_variance, withheld, pos_delta, acc_claims, "
	            "acc_ded, acc_pos, acc_pool, acc_relief, acc_assist, hospital_pool_before, budget, "
	            "relief_ok, assist_ok, recorded, lines, reasons, codes) "
	            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
	            "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",

	[S_SAVEPOINT] = "SAVEPOINT claim",
	[S_RELEASE] = "RELEASE claim",
	[S_ROLLBACK_TO] = "ROLLBACK TO claim",
};

int
adj_ledger_open(adj_ledger **out, adj_db *db)
{
	adj_ledger *l = calloc(1, sizeof *l);
	*out = NULL;
	if (!l)
		return ADJ_ENOMEM;
	l->db = db;
	int rc = 0;
	for (int i = 0; i < S_COUNT && !rc; i++)
		rc = adj_db_prepare(db, &l->st[i], sql[i]);
	if (rc) {
		adj_ledger_close(l);
		return rc;
	}
	*out = l;
	return 0;
}

void
adj_ledger_close(adj_ledger *l)
{
	if (!l)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(l->st[i]);
	free(l->lines.s);
	free(l->reasons.s);
	free(l->codes.s);
	free(l->members.slot);
	adj_arena_free(&l->members.strings);
	free(l->acc);
	free(l->acc_used);
	free(l->acc_dirty);
	free(l->undo);
	free(l);
}

/* ---- small helpers ------------------------------------------------------- */

static sqlite3_stmt *
stmt(adj_ledger *l, int i)
{
	sqlite3_reset(l->st[i]);
	sqlite3_clear_bindings(l->st[i]);
	return l->st[i];
}

static void
bind_str(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static void
bind_i64_or_null(sqlite3_stmt *s, int i, bool has, int64_t v)
{
	if (has)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

static adj_date
col_date(sqlite3_stmt *s, int i)
{
	adj_date d = ADJ_DATE_NONE;
	if (sqlite3_column_type(s, i) != SQLITE_NULL)
		adj_date_parse((const char *)sqlite3_column_text(s, i), (size_t)sqlite3_column_bytes(s, i),
		               &d);
	return d;
}

static void
col_copy(sqlite3_stmt *s, int i, char *dst, size_t n)
{
	const char *v = (const char *)sqlite3_column_text(s, i);
	snprintf(dst, n, "%s", v ? v : "");
}

static int
done(adj_ledger *l, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : adj_db_fail(l->db, what);
}

/* ---- batches ------------------------------------------------------------- */

int
adj_ledger_batch_seen(adj_ledger *l, const char *hospital, const char *batch_id, bool *seen,
                      char when[32])
{
	sqlite3_stmt *s = stmt(l, S_BATCH_SEEN);
	bind_str(s, 1, hospital);
	bind_str(s, 2, batch_id);
	int rc = sqlite3_step(s);
	*seen = rc == SQLITE_ROW;
	when[0] = '\0';
	if (*seen)
		col_copy(s, 0, when, 32);
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : adj_db_fail(l->db, "looking up the batch");
}

int
adj_ledger_batch_insert(adj_ledger *l, const char *hospital, const char *batch_id,
                        const char *created, const char *adjudicated_at, long version,
                        const char *source, int64_t *row)
{
	sqlite3_stmt *s = stmt(l, S_BATCH_INSERT);
	bind_str(s, 1, hospital);
	bind_str(s, 2, batch_id);
	bind_str(s, 3, created);
	bind_str(s, 4, adjudicated_at);
	sqlite3_bind_int64(s, 5, version);
	bind_str(s, 6, source);
	int rc = done(l, s, "recording the batch");
	*row = sqlite3_last_insert_rowid(l->db->sql);
	return rc;
}

int
adj_ledger_batch_finish(adj_ledger *l, int64_t row, size_t claims, const char *path,
                        uint64_t size, uint64_t fingerprint, int64_t generation)
{
	char hex[17];
	snprintf(hex, sizeof hex, "%016llx", (unsigned long long)fingerprint);
	sqlite3_stmt *s = stmt(l, S_BATCH_FINISH);
	sqlite3_bind_int64(s, 1, (int64_t)claims);
	bind_str(s, 2, path);
	sqlite3_bind_int64(s, 3, (int64_t)size);
	sqlite3_bind_text(s, 4, hex, 16, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, generation);
	sqlite3_bind_int64(s, 6, row);
	int rc = done(l, s, "closing the batch");
	return rc ? rc : totals_flush(l);
}

/* ---- members ------------------------------------------------------------- */

static size_t
member_hash(const char *id)
{
	size_t h = 14695981039346656037u; /* FNV-1a */
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211u;
	return h;
}

/* The slot for id: its entry, or the empty slot where it belongs. */
static member_slot *
member_slot_for(member_cache *mc, const char *id)
{
	size_t i = member_hash(id) & (MEMBER_SLOTS - 1);
	while (mc->slot[i].used && strcmp(mc->slot[i].m.id, id) != 0)
		i = (i + 1) & (MEMBER_SLOTS - 1);
	return &mc->slot[i];
}

static void
member_cache_clear(member_cache *mc)
{
	memset(mc->slot, 0, MEMBER_SLOTS * sizeof *mc->slot);
	mc->count = 0;
	adj_arena_reset(&mc->strings);
}

/* Read the member row at id into m, its strings from arena. */
static int
member_read(adj_ledger *l, const char *id, adj_member *m, adj_arena *arena, bool *found)
{
	sqlite3_stmt *s = stmt(l, S_MEMBER);
	bind_str(s, 1, id);
	int rc = sqlite3_step(s);
	*found = rc == SQLITE_ROW;
	if (*found) {
		memset(m, 0, sizeof *m);
		snprintf(m->id, sizeof m->id, "%s", id);
		const char *t[3];
		for (int i = 0; i < 3; i++) {
			const char *v = (const char *)sqlite3_column_text(s, i);
			t[i] = adj_arena_strndup(arena, v ? v : "", v ? strlen(v) : 0);
		}
		m->name = t[0], m->scheme = t[1], m->category = t[2];
		const char *sex = (const char *)sqlite3_column_text(s, 3);
		m->sex = sex ? sex[0] : 0;
		m->birth = col_date(s, 4);
		m->enrolled_from = col_date(s, 5);
		m->enrolled_to = col_date(s, 6);
		m->paid_through = col_date(s, 7);
		m->relief_from = col_date(s, 8);
		m->relief_to = col_date(s, 9);
		m->assist_from = col_date(s, 10);
		m->assist_to = col_date(s, 11);
		if (!m->name || !m->scheme || !m->category)
			rc = SQLITE_NOMEM;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_NOMEM)
		return ADJ_ENOMEM;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : adj_db_fail(l->db, "looking up a member");
}

int
adj_ledger_member(adj_ledger *l, const char *id, adj_member *m, adj_arena *arena, bool *found)
{
	member_cache *mc = &l->members;

	if (strlen(id) > ADJ_RID_LEN) /* not a resident id: not worth keeping */
		return member_read(l, id, m, arena, found);
	if (!mc->slot) {
		mc->slot = calloc(MEMBER_SLOTS, sizeof *mc->slot);
		if (!mc->slot)
			return member_read(l, id, m, arena, found);
		adj_arena_init(&mc->strings, MEMBER_STRINGS);
	}
	member_slot *e = member_slot_for(mc, id);
	if (!e->used) {
		if (mc->count >= MEMBER_SLOTS / 4 * 3) {
			member_cache_clear(mc);
			e = member_slot_for(mc, id);
		}
		bool got;
		int rc = member_read(l, id, &e->m, &mc->strings, &got);
		if (rc == ADJ_ENOMEM && got) { /* the strings' arena is full: start again */
			member_cache_clear(mc);
			e = member_slot_for(mc, id);
			rc = member_read(l, id, &e->m, &mc->strings, &got);
		}
		if (rc)
			return rc;
		snprintf(e->m.id, sizeof e->m.id, "%s", id);
		e->used = true;
		e->found = got;
		mc->count++;
	}
	*found = e->found;
	if (!e->found)
		return 0;
	*m = e->m;
	m->name = adj_arena_strndup(arena, e->m.name, strlen(e->m.name));
	m->scheme = adj_arena_strndup(arena, e->m.scheme, strlen(e->m.scheme));
	m->category = adj_arena_strndup(arena, e->m.category, strlen(e->m.category));
	return m->name && m->scheme && m->category ? 0 : ADJ_ENOMEM;
}

/* ---- claims -------------------------------------------------------------- */

int
adj_ledger_id_used(adj_ledger *l, const char *hospital, const char *claim_id, int64_t except,
                   bool *used)
{
	sqlite3_stmt *s = stmt(l, S_ID_USED);
	bind_str(s, 1, hospital);
	bind_str(s, 2, claim_id);
	sqlite3_bind_int64(s, 3, except);
	int rc = sqlite3_step(s);
	*used = rc == SQLITE_ROW;
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : adj_db_fail(l->db, "looking up a claim id");
}

int
adj_ledger_target(adj_ledger *l, const char *hospital, const char *claim_id, adj_target *t,
                  bool *found, bool *elsewhere)
{
	sqlite3_stmt *s = stmt(l, S_TARGET);
	bind_str(s, 1, hospital);
	bind_str(s, 2, claim_id);
	int rc = sqlite3_step(s);
	*found = rc == SQLITE_ROW;
	*elsewhere = false;
	if (*found) {
		memset(t, 0, sizeof *t);
		t->row = sqlite3_column_int64(s, 0);
		col_copy(s, 1, t->hospital, sizeof t->hospital);
		col_copy(s, 2, t->member, sizeof t->member);
		col_copy(s, 3, t->kind, sizeof t->kind);
		col_copy(s, 4, t->status, sizeof t->status);
		col_copy(s, 5, t->method, sizeof t->method);
		col_copy(s, 6, t->scheme, sizeof t->scheme);
		col_copy(s, 7, t->grp, sizeof t->grp);
		col_copy(s, 8, t->ded_kind, sizeof t->ded_kind);
		t->year = sqlite3_column_int(s, 9);
		t->voided = sqlite3_column_int(s, 10) != 0;
		t->counted = sqlite3_column_int(s, 11) != 0;
		t->pos_delta = sqlite3_column_int64(s, 12);
		for (int i = 0; i < ADJ_AMT_COUNT; i++)
			t->amt[i] = sqlite3_column_int64(s, 13 + i);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return adj_db_fail(l->db, "looking up the claim to replace or void");
	if (!*found) {
		s = stmt(l, S_ELSEWHERE);
		bind_str(s, 1, claim_id);
		rc = sqlite3_step(s);
		*elsewhere = rc == SQLITE_ROW;
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return adj_db_fail(l->db, "looking up a claim id");
	}
	return 0;
}

int
adj_ledger_stay_overlap(adj_ledger *l, const char *member, adj_date a, adj_date e, int64_t except,
                        bool *overlap, char other[160])
{
	sqlite3_stmt *s = stmt(l, S_OVERLAP);
	bind_str(s, 1, member);
	adj_db_bind_date(s, 2, e, NULL);
	adj_db_bind_date(s, 3, a, NULL);
	sqlite3_bind_int64(s, 4, except);
	char first[32] = "";
	int64_t first_id = 0;
	int rc;
	*overlap = false;
	other[0] = '\0';
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *adm = (const char *)sqlite3_column_text(s, 2);
		int64_t id = sqlite3_column_int64(s, 4);
		int c = *overlap ? strcmp(adm ? adm : "", first) : -1;
		if (c > 0 || (c == 0 && id > first_id))
			continue;
		*overlap = true;
		snprintf(first, sizeof first, "%s", adm ? adm : "");
		first_id = id;
		snprintf(other, 160, "%s %s %s..%s", (const char *)sqlite3_column_text(s, 1),
		         (const char *)sqlite3_column_text(s, 0), adm,
		         (const char *)sqlite3_column_text(s, 3));
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : adj_db_fail(l->db, "looking up stays");
}

/* ---- accumulators -------------------------------------------------------- */

static int
acc_read(adj_ledger *l, const char *member, const char *scheme, int year, const char *grp,
         adj_accum *acc)
{
	sqlite3_stmt *s = stmt(l, S_ACC_GET);
	bind_str(s, 1, member);
	bind_str(s, 2, scheme);
	sqlite3_bind_int(s, 3, year);
	bind_str(s, 4, grp);
	int rc = sqlite3_step(s);
	memset(acc, 0, sizeof *acc);
	if (rc == SQLITE_ROW) {
		acc->claims = sqlite3_column_int64(s, 0);
		acc->ded = sqlite3_column_int64(s, 1);
		acc->pos = sqlite3_column_int64(s, 2);
		acc->pool = sqlite3_column_int64(s, 3);
		acc->relief = sqlite3_column_int64(s, 4);
		acc->assist = sqlite3_column_int64(s, 5);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : adj_db_fail(l->db, "reading accumulators");
}

static int
acc_write(adj_ledger *l, const char *member, const char *scheme, int year, const char *grp,
          const adj_accum *acc)
{
	sqlite3_stmt *s = stmt(l, S_ACC_PUT);
	bind_str(s, 1, member);
	bind_str(s, 2, scheme);
	sqlite3_bind_int(s, 3, year);
	bind_str(s, 4, grp);
	sqlite3_bind_int64(s, 5, acc->claims);
	sqlite3_bind_int64(s, 6, acc->ded);
	sqlite3_bind_int64(s, 7, acc->pos);
	sqlite3_bind_int64(s, 8, acc->pool);
	sqlite3_bind_int64(s, 9, acc->relief);
	sqlite3_bind_int64(s, 10, acc->assist);
	return done(l, s, "writing accumulators");
}

static int
hosp_read(adj_ledger *l, const char *hospital, int year, adj_fen *pool, adj_fen *withheld)
{
	sqlite3_stmt *s = stmt(l, S_HOSP_GET);
	bind_str(s, 1, hospital);
	sqlite3_bind_int(s, 2, year);
	int rc = sqlite3_step(s);
	*pool = *withheld = 0;
	if (rc == SQLITE_ROW) {
		*pool = sqlite3_column_int64(s, 0);
		*withheld = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : adj_db_fail(l->db, "reading hospital totals");
}

static int
hosp_write(adj_ledger *l, const char *hospital, int year, adj_fen pool, adj_fen withheld)
{
	sqlite3_stmt *s = stmt(l, S_HOSP_PUT);
	bind_str(s, 1, hospital);
	sqlite3_bind_int(s, 2, year);
	sqlite3_bind_int64(s, 3, pool);
	sqlite3_bind_int64(s, 4, withheld);
	return done(l, s, "writing hospital totals");
}

/* Write every dirty cached total to its table; the entries stay, clean. */
static int
totals_flush(adj_ledger *l)
{
	int rc;
	for (; l->ndirty; l->ndirty--) {
		acc_slot *e = &l->acc[l->acc_dirty[l->ndirty - 1]];
		if ((rc = acc_write(l, e->member, e->scheme, e->year, e->grp, &e->acc)))
			return rc;
		e->dirty = false;
	}
	for (int i = 0; i < HOSP_SLOTS; i++) {
		hosp_slot *h = &l->hosp[i];
		if (h->used && h->dirty) {
			if ((rc = hosp_write(l, h->hospital, h->year, h->pool, h->withheld)))
				return rc;
			h->dirty = false;
		}
	}
	return 0;
}

/* Forget the cached totals (after a flush, or when the rows they came from
 * were rolled back). */
static void
totals_forget(adj_ledger *l)
{
	for (size_t i = 0; i < l->nacc; i++)
		memset(&l->acc[l->acc_used[i]], 0, sizeof *l->acc);
	l->nacc = l->ndirty = 0;
	memset(l->hosp, 0, sizeof l->hosp);
}

static bool
fits(const char *s)
{
	return strlen(s) < KEY_TEXT;
}

/* Slot e, logged first when a savepoint is open and has not logged it yet
 * (its value and dirty flag as they were before the savepoint changed it);
 * NULL with *rc = ADJ_ENOMEM when the log cannot grow. */
static acc_slot *
acc_logged(adj_ledger *l, acc_slot *e, int *rc)
{
	if (!l->in_sp || e->sp == l->sp)
		return e;
	if (l->nundo == l->undo_cap) {
		size_t cap = l->undo_cap ? 2 * l->undo_cap : 64;
		struct acc_undo *u = realloc(l->undo, cap * sizeof *u);
		if (!u) {
			*rc = ADJ_ENOMEM;
			return NULL;
		}
		l->undo = u;
		l->undo_cap = cap;
	}
	l->undo[l->nundo++] = (struct acc_undo){(uint32_t)(e - l->acc), e->dirty, e->acc};
	e->sp = l->sp;
	return e;
}

/* The cache slot of an accumulator key, read from the table on a miss; NULL
 * with *rc == 0 when the key is not cached (too long, no memory, or no room
 * inside a savepoint). */
static acc_slot *
acc_slot_for(adj_ledger *l, const char *member, const char *scheme, int year, const char *grp,
             int *rc)
{
	*rc = 0;
	if (!fits(member) || !fits(scheme) || !fits(grp))
		return NULL;
	if (!l->acc) {
		l->acc = calloc(ACC_SLOTS, sizeof *l->acc);
		l->acc_used = malloc(ACC_SLOTS * sizeof *l->acc_used);
		l->acc_dirty = malloc(ACC_SLOTS * sizeof *l->acc_dirty);
		if (!l->acc || !l->acc_used || !l->acc_dirty) {
			free(l->acc), free(l->acc_used), free(l->acc_dirty);
			l->acc = NULL, l->acc_used = l->acc_dirty = NULL;
			return NULL;
		}
	}
	size_t h = 14695981039346656037u; /* FNV-1a over the key */
	for (const char *const *t = (const char *const[]){member, scheme, grp, NULL}; *t; t++)
		for (const char *c = *t; ; c++) {
			h = (h ^ (unsigned char)*c) * 1099511628211u;
			if (!*c)
				break;
		}
	h = (h ^ (size_t)(unsigned)year) * 1099511628211u;
	for (;;) {
		size_t i = h & (ACC_SLOTS - 1);
		while (l->acc[i].used &&
		       !(l->acc[i].year == year && strcmp(l->acc[i].member, member) == 0 &&
		         strcmp(l->acc[i].grp, grp) == 0 && strcmp(l->acc[i].scheme, scheme) == 0))
			i = (i + 1) & (ACC_SLOTS - 1);
		acc_slot *e = &l->acc[i];
		if (e->used)
			return acc_logged(l, e, rc);
		if (l->nacc >= ACC_SLOTS / 4 * 3) { /* full: write out, empty, look again */
			if (l->in_sp)
				return NULL; /* not inside a savepoint: straight to SQL */
			if ((*rc = totals_flush(l)))
				return NULL;
			totals_forget(l);
			continue;
		}
		if ((*rc = acc_read(l, member, scheme, year, grp, &e->acc)))
			return NULL;
		e->used = true;
		e->dirty = false;
		e->year = year;
		snprintf(e->member, sizeof e->member, "%s", member);
		snprintf(e->scheme, sizeof e->scheme, "%s", scheme);
		snprintf(e->grp, sizeof e->grp, "%s", grp);
		l->acc_used[l->nacc++] = (uint32_t)i;
		return acc_logged(l, e, rc);
	}
}

int
adj_ledger_accum_get(adj_ledger *l, const char *member, const char *scheme, int year,
                     const char *grp, adj_accum *acc)
{
	int rc;
	acc_slot *e = acc_slot_for(l, member, scheme, year, grp, &rc);
	if (rc)
		return rc;
	if (!e)
		return acc_read(l, member, scheme, year, grp, acc);
	*acc = e->acc;
	return 0;
}

int
adj_ledger_accum_put(adj_ledger *l, const char *member, const char *scheme, int year,
                     const char *grp, const adj_accum *acc)
{
	int rc;
	acc_slot *e = acc_slot_for(l, member, scheme, year, grp, &rc);
	if (rc)
		return rc;
	if (!e)
		return acc_write(l, member, scheme, year, grp, acc);
	e->acc = *acc;
	if (!e->dirty)
		l->acc_dirty[l->ndirty++] = (uint32_t)(e - l->acc);
	e->dirty = true;
	return 0;
}

/* The slot of a hospital's year, read on a miss; NULL when the key is too
 * long (*rc == 0) or on an error (*rc). */
static hosp_slot *
hosp_slot_for(adj_ledger *l, const char *hospital, int year, int *rc)
{
	*rc = 0;
	if (!fits(hospital))
		return NULL;
	for (int i = 0; i < HOSP_SLOTS; i++)
		if (l->hosp[i].used && l->hosp[i].year == year && strcmp(l->hosp[i].hospital, hospital) == 0)
			return &l->hosp[i];
	int free_slot = -1;
	for (int i = 0; i < HOSP_SLOTS && free_slot < 0; i++)
		if (!l->hosp[i].used)
			free_slot = i;
	if (free_slot < 0) { /* a batch across many years: write out and start again */
		if (l->in_sp)
			return NULL; /* not inside a savepoint: straight to SQL */
		if ((*rc = totals_flush(l)))
			return NULL;
		memset(l->hosp, 0, sizeof l->hosp);
		free_slot = 0;
	}
	hosp_slot *h = &l->hosp[free_slot];
	if ((*rc = hosp_read(l, hospital, year, &h->pool, &h->withheld)))
		return NULL;
	h->used = true;
	h->dirty = false;
	h->year = year;
	snprintf(h->hospital, sizeof h->hospital, "%s", hospital);
	return h;
}

int
adj_ledger_hospital_get(adj_ledger *l, const char *hospital, int year, adj_fen *pool,
                        adj_fen *withheld)
{
	int rc;
	hosp_slot *h = hosp_slot_for(l, hospital, year, &rc);
	if (rc)
		return rc;
	if (!h)
		return hosp_read(l, hospital, year, pool, withheld);
	*pool = h->pool;
	*withheld = h->withheld;
	return 0;
}

int
adj_ledger_hospital_put(adj_ledger *l, const char *hospital, int year, adj_fen pool,
                        adj_fen withheld)
{
	int rc;
	hosp_slot *h = hosp_slot_for(l, hospital, year, &rc);
	if (rc)
		return rc;
	if (!h)
		return hosp_write(l, hospital, year, pool, withheld);
	h->pool = pool;
	h->withheld = withheld;
	h->dirty = true;
	return 0;
}

/* ---- voids --------------------------------------------------------------- */

int
adj_ledger_reverse(adj_ledger *l, const adj_target *t)
{
	int rc;
	if (t->counted) {
		adj_accum acc;
		if ((rc = adj_ledger_accum_get(l, t->member, t->scheme, t->year, t->grp, &acc)))
			return rc;
		acc.claims -= 1;
		acc.ded -= t->amt[ADJ_AMT_DEDUCTIBLE];
		acc.pos -= t->pos_delta;
		acc.pool -= t->amt[ADJ_AMT_POOL];
		acc.relief -= t->amt[ADJ_AMT_RELIEF];
		acc.assist -= t->amt[ADJ_AMT_ASSISTANCE];
		if ((rc = adj_ledger_accum_put(l, t->member, t->scheme, t->year, t->grp, &acc)))
			return rc;
		adj_fen pool, withheld;
		if ((rc = adj_ledger_hospital_get(l, t->hospital, t->year, &pool, &withheld)) ||
		    (rc = adj_ledger_hospital_put(l, t->hospital, t->year, pool - t->amt[ADJ_AMT_POOL],
		                                  withheld)))
			return rc;
	}
	return 0;
}

int
adj_ledger_mark_voided(adj_ledger *l, int64_t row, int64_t by)
{
	sqlite3_stmt *s = stmt(l, S_VOID_MARK);
	sqlite3_bind_int64(s, 1, by);
	sqlite3_bind_int64(s, 2, row);
	return done(l, s, "marking a claim voided");
}

/* ---- JSON for the lines, reasons and codes of a claim row ------------------ */

/* Make room for n more bytes and the NUL; false (and b->failed) when out of memory. */
static bool
jb_grow(jbuf *b, size_t n)
{
	if (b->failed)
		return false;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->n + n + 1)
		cap *= 2;
	char *p = realloc(b->s, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->s = p;
	b->cap = cap;
	return true;
}

/*
 * The writers below write at p, which the caller has made room for with
 * jb_room (at least what str_room and INT_ROOM say), and return the end.
 */
enum { INT_ROOM = 21 };

/* Room for a JSON string of s: each byte may become \u00XX, or null. */
static size_t
str_room(const char *s)
{
	return s ? 2 + 6 * strlen(s) : 4;
}

/* Make room for n more bytes (and the NUL); the write position, or NULL. */
static char *
jb_room(jbuf *b, size_t n)
{
	if (b->n + n + 1 > b->cap && !jb_grow(b, n))
		return NULL;
	return b->s + b->n;
}

/* The buffer now ends at p. */
static void
jb_end(jbuf *b, char *p)
{
	b->n = (size_t)(p - b->s);
	*p = '\0';
}

static char *
w_lit(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* A JSON string (or null): quotes, backslashes and control characters
 * escaped; other UTF-8 as is. */
static char *
w_str(char *p, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	if (!s)
		return w_lit(p, "null", 4);
	*p++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
		} else if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else {
			p = w_lit(p, "\\u00", 4);
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p++ = '"';
	return p;
}

/* A decimal integer, two digits at a time (a line has eight or more). */
static char *
w_int(char *p, int64_t v)
{
	static const char pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	                               "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	                               "8081828384858687888990919293949596979899";
	char tmp[20], *end = tmp + sizeof tmp, *q = end;
	uint64_t u = (uint64_t)v;
	if (v < 0) {
		*p++ = '-';
		u = (uint64_t)0 - u;
	}
	while (u >= 100) {
		q -= 2;
		memcpy(q, pairs + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10) {
		q -= 2;
		memcpy(q, pairs + 2 * u, 2);
	} else {
		*--q = (char)('0' + u);
	}
	memcpy(p, q, (size_t)(end - q));
	return p + (end - q);
}

static char *
w_opt(char *p, bool has, int64_t v)
{
	return has ? w_int(p, v) : w_lit(p, "null", 4);
}

/* [["code","value"],...] of n reasons; room: reasons_room. */
static size_t
reasons_room(const adj_reason_rec *r, size_t n)
{
	size_t room = 2;
	for (size_t i = 0; i < n; i++)
		room += 4 + str_room(adj_reasons[r[i].code].code) + str_room(r[i].value);
	return room;
}

static char *
w_reasons(char *p, const adj_reason_rec *r, size_t n)
{
	*p++ = '[';
	for (size_t i = 0; i < n; i++) {
		p = w_lit(p, ",[" + !i, 2 - !i);
		p = w_str(p, adj_reasons[r[i].code].code);
		*p++ = ',';
		p = w_str(p, r[i].value);
		*p++ = ']';
	}
	*p++ = ']';
	return p;
}

/*
 * One line of a claim row's `lines` (schema version 8): the first four
 * elements always, then the rest in the order in which they most often
 * differ from what they usually are, cut after the last one that does:
 *
 *   0 seq  1 qty  2 price  3 item
 *   4 date (the claim's service date)  5 over_cap (0)  6 first_pay (0)
 *   7 reasons ([])  8 code (the code of the item)  9 billed (price(qty, price))
 *   10 status ("accepted")  11 rejected (0)  12 self_pay (0)
 *   13 allowed_qty (qty)  14 allowed_price (price)
 *   15 in_policy (billed - rejected - self_pay - over_cap - first_pay)
 *
 * An element left out has the value in brackets; the view `line` puts them
 * back. The seq is an integer when it is one as C01 reads it (1 to 9
 * digits, no leading zero), a string otherwise; the date the number of days
 * from the claim's service date when it is a date written YYYY-MM-DD, the
 * text as read otherwise; the code 0 when it is the code of the line's
 * catalog item. A line billed at its price and accepted with nothing
 * capped or paid first on the claim's service date is `[1,1000,1500,417]`
 * (version 7 wrote `["1",0,0,1000,1500,417,1500]`), on a later day of a
 * stay `[7,1000,600,404,1]`, and one with a first payment
 * `[2,1000,200000,538,0,0,20000,[["L23","10"]]]`. In-policy, last and
 * almost never written, is what the line's identity (SPEC 5.2) leaves.
 * Version 6 first cut lines after their last element that is not its
 * default; version 7 wrote the code as 0 and the date as days.
 */
typedef struct line_json {
	const char *seq, *code, *date, *status;
	bool has_qty, has_item, screened;
	bool code_is_item, has_days; /* the short forms, see compact_line */
	int32_t days;
	int64_t qty, price, item, allowed_qty, allowed_price;
	int64_t amt[6]; /* indexed by the enum below */
	const adj_reason_rec *reasons;
	size_t nreasons;
	const char *reasons_json; /* instead of reasons: the array as JSON text */
} line_json;

enum { BILLED, REJECTED, SELF_PAY, OVER_CAP, FIRST_PAY, IN_POLICY }; /* line_json.amt */

/* Decide the short forms of the code and date: item_code is the code of
 * the line's catalog item (NULL without one), service the claim's service
 * date (ADJ_DATE_NONE without one), parsed the line's date as the claim's
 * checks read it (ADJ_DATE_NONE: not read, parse the text here). */
static void
compact_line(line_json *x, const char *item_code, adj_date service, adj_date parsed)
{
	adj_date d = parsed;
	x->code_is_item = x->code && item_code && strcmp(x->code, item_code) == 0;
	x->has_days = x->date && service != ADJ_DATE_NONE &&
	              (d != ADJ_DATE_NONE || adj_date_parse(x->date, strlen(x->date), &d));
	x->days = x->has_days ? d - service : 0;
}

/* Room for a line of a claim being posted: its seq, code and date are
 * attribute values, at most ADJ_MAX_ATTR_BYTES each (intake.c refuses a
 * longer one), and its status a word of at most 8 bytes, so only the
 * reasons need measuring. (line_room measures all: the upgrade reads lines
 * from a file.) */
enum { POSTED_LINE_ROOM = 32 + 3 * (2 + 6 * ADJ_MAX_ATTR_BYTES) + (2 + 6 * 8) + 13 * (INT_ROOM + 1) };

static size_t
posted_line_room(const line_json *x)
{
	return POSTED_LINE_ROOM + reasons_room(x->reasons, x->nreasons);
}

static size_t
line_room(const line_json *x)
{
	return 32 + str_room(x->seq) + str_room(x->code) + str_room(x->date) + str_room(x->status) +
	       13 * (INT_ROOM + 1) +
	       (x->reasons_json ? strlen(x->reasons_json) : reasons_room(x->reasons, x->nreasons));
}

/* Whether a seq is written as an integer: C01's [1-9][0-9]{0,8}, which
 * reads back as the same text. */
static bool
seq_is_int(const char *s)
{
	if (!s || *s < '1' || *s > '9')
		return false;
	size_t n = 1;
	while (n < 10 && s[n] >= '0' && s[n] <= '9')
		n++;
	return n < 10 && s[n] == '\0';
}

/* Whether billed is what the view computes when it is left out:
 * price(qty, price) in SQLite's integer arithmetic, which must not
 * overflow (it would turn to floating point). */
static bool
billed_is_price(const line_json *x, int64_t billed)
{
	int64_t qp;
	return x->has_qty && x->qty >= 0 && x->price >= 0 &&
	       !__builtin_mul_overflow(x->qty, x->price, &qp) && qp <= INT64_MAX - 500 &&
	       (qp + 500) / 1000 == billed;
}

/* Whether in_policy is what the view computes when it is left out, the
 * identity's remainder, in SQLite's order and without an overflow (which
 * would turn SQLite's arithmetic to floating point). */
static bool
in_policy_is_rest(const int64_t *amt)
{
	int64_t r;
	return !__builtin_sub_overflow(amt[BILLED], amt[REJECTED], &r) &&
	       !__builtin_sub_overflow(r, amt[SELF_PAY], &r) &&
	       !__builtin_sub_overflow(r, amt[OVER_CAP], &r) &&
	       !__builtin_sub_overflow(r, amt[FIRST_PAY], &r) && r == amt[IN_POLICY];
}

/* Whether element k (4 to 15) of a line is its default (see above). */
static bool
line_default(const line_json *x, int k)
{
	switch (k) {
	case 4: return x->has_days && x->days == 0;
	case 5: return x->amt[OVER_CAP] == 0;
	case 6: return x->amt[FIRST_PAY] == 0;
	case 7: return x->reasons_json ? strcmp(x->reasons_json, "[]") == 0 : x->nreasons == 0;
	case 8: return x->code_is_item;
	case 9: return billed_is_price(x, x->amt[BILLED]);
	case 10: return strcmp(x->status, "accepted") == 0;
	case 11: return x->amt[REJECTED] == 0;
	case 12: return x->amt[SELF_PAY] == 0;
	case 13: return x->screened == x->has_qty && (!x->screened || x->allowed_qty == x->qty);
	case 14: return x->screened == x->has_qty && (!x->screened || x->allowed_price == x->price);
	default: return in_policy_is_rest(x->amt);
	}
}

static char *
w_line(char *p, const line_json *x)
{
	int n = 16; /* 4 + those up to the last that is not its default */
	while (n > 4 && line_default(x, n - 1))
		n--;

	*p++ = '[';
	if (seq_is_int(x->seq)) {
		size_t len = strlen(x->seq);
		memcpy(p, x->seq, len);
		p += len;
	} else {
		p = w_str(p, x->seq);
	}
	*p++ = ',';
	p = w_opt(p, x->has_qty, x->qty);
	*p++ = ',';
	p = w_opt(p, x->has_qty, x->price);
	*p++ = ',';
	p = w_opt(p, x->has_item, x->item);
	for (int k = 4; k < n; k++) {
		*p++ = ',';
		switch (k) {
		case 4: p = x->has_days ? w_int(p, x->days) : w_str(p, x->date); break;
		case 5: p = w_int(p, x->amt[OVER_CAP]); break;
		case 6: p = w_int(p, x->amt[FIRST_PAY]); break;
		case 7:
			if (x->reasons_json)
				p = w_lit(p, x->reasons_json, strlen(x->reasons_json));
			else
				p = w_reasons(p, x->reasons, x->nreasons);
			break;
		case 8: p = x->code_is_item ? w_lit(p, "0", 1) : w_str(p, x->code); break;
		case 9: p = w_int(p, x->amt[BILLED]); break;
		case 10: p = w_str(p, x->status); break;
		case 11: p = w_int(p, x->amt[REJECTED]); break;
		case 12: p = w_int(p, x->amt[SELF_PAY]); break;
		case 13: p = w_opt(p, x->screened, x->allowed_qty); break;
		case 14: p = w_opt(p, x->screened, x->allowed_price); break;
		default: p = w_int(p, x->amt[IN_POLICY]); break;
		}
	}
	*p++ = ']';
	return p;
}

static void
bind_json(sqlite3_stmt *s, int k, const jbuf *b, bool any)
{
	if (any && !b->failed)
		sqlite3_bind_text(s, k, b->s, (int)b->n, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, k);
}

/* ---- posting ------------------------------------------------------------- */

static const char *const kind_name[] = {"claim", "replacement", "void"};

int
adj_ledger_post(adj_ledger *l, int64_t batch_row, const char *hospital, adj_outcome *o)
{
	const adj_claim *c = &o->claim;
	const adj_claim_raw *raw = c->raw;
	/* no sqlite3_clear_bindings (1.6% of a batch's engine thread): every
	 * parameter is bound below, NULL included */
	sqlite3_stmt *s = l->st[S_CLAIM]; /* reset by done() after each step */
	int k = 1, rc;

	sqlite3_bind_int64(s, k++, batch_row);
	sqlite3_bind_int64(s, k++, (int64_t)raw->index);
	bind_str(s, k++, hospital);
	bind_str(s, k++, raw->id ? raw->id : "");
	bind_str(s, k++, kind_name[c->kind]);
	bind_i64_or_null(s, k++, o->target_row != 0, o->target_row);
	bind_str(s, k++, c->target);
	bind_str(s, k++, c->member_text);
	bind_str(s, k++, o->member ? o->member->scheme : NULL);
	bind_str(s, k++, o->member ? o->member->category : NULL);
	bind_str(s, k++, c->type >= 0 ? adj_claim_type_name[c->type] : raw->type);
	/* dates without a copy: S_CLAIM's bindings are not cleared, every one
	 * is set at every claim, and post_dates keeps them until the next */
	adj_db_bind_date(s, k++, c->admitted, l->post_dates[0]);
	adj_db_bind_date(s, k++, c->discharged, l->post_dates[1]);
	adj_db_bind_date(s, k++, c->stay_end, l->post_dates[2]);
	adj_db_bind_date(s, k++, c->service, l->post_dates[3]);
	bind_i64_or_null(s, k++, c->year != 0, c->year);
	bind_str(s, k++, adj_status_name[o->status]);
	bind_str(s, k++, o->c_reason != ADJ_R_COUNT ? adj_reasons[o->c_reason].code : NULL);
	bind_str(s, k++, o->c_reason != ADJ_R_COUNT ? o->c_value : NULL);
	bind_str(s, k++, o->method);
	bind_i64_or_null(s, k++, o->sd != NULL, o->sd ? o->sd->row_id : 0);
	bind_i64_or_null(s, k++, o->rule && o->counted, o->rule ? o->rule->row_id : 0);
	bind_str(s, k++, o->group && o->counted ? o->group->code : NULL);
	bind_str(s, k++, o->counted ? adj_ded_kind_name[o->ben.kind] : NULL);
	sqlite3_bind_int(s, k++, o->counted);
	for (int i = 0; i < ADJ_AMT_COUNT; i++)
		sqlite3_bind_int64(s, k++, o->amt[i]);
	sqlite3_bind_int64(s, k++, o->counted ? o->ben.x : 0);
	bool n = o->counted;
	bind_i64_or_null(s, k++, n, o->before.claims);
	bind_i64_or_null(s, k++, n, o->before.ded);
	bind_i64_or_null(s, k++, n, o->before.pos);
	bind_i64_or_null(s, k++, n, o->before.pool);
	bind_i64_or_null(s, k++, n, o->before.relief);
	bind_i64_or_null(s, k++, n, o->before.assist);
	bind_i64_or_null(s, k++, n, o->hospital_pool_before);
	bind_i64_or_null(s, k++, o->budget >= 0, o->budget);
	bind_i64_or_null(s, k++, n, o->relief_ok);
	bind_i64_or_null(s, k++, n, o->assist_ok);
	sqlite3_bind_int(s, k++, o->record);

	/* the lines with their reasons, the claim's reasons, the codes */
	jbuf *jl = &l->lines, *jr = &l->reasons, *jc = &l->codes;
	jl->n = jr->n = jc->n = 0;
	jl->failed = jr->failed = jc->failed = false;
	char *p;
	if (o->lines && (p = jb_room(jl, 2))) {
		*p++ = '[';
		jb_end(jl, p);
		for (size_t i = 0; i < c->nlines; i++) {
			const adj_line *ln = &c->lines[i];
			const adj_line_result *lr = &o->lines[i];
			const adj_item_raw *it = ln->raw;
			line_json x = {
				.seq = it->seq, .code = it->code, .date = it->date,
				.status = adj_status_name[lr->status], .has_qty = ln->qty > 0,
				.has_item = lr->row != NULL, .screened = lr->screened, .qty = ln->qty,
				.price = ln->price, .item = lr->row ? lr->row->row_id : 0,
				.allowed_qty = lr->allowed_qty, .allowed_price = lr->allowed_price,
				.amt = {lr->billed, lr->rejected, lr->self_pay, lr->over_cap, lr->first_pay,
			            lr->in_policy},
				.reasons = lr->reasons, .nreasons = lr->nreasons};
			compact_line(&x, lr->row ? lr->row->code : NULL, c->service, ln->date);
			if (!(p = jb_room(jl, posted_line_room(&x) + 1)))
				break;
			p = w_lit(p, ",", !!i);
			p = w_line(p, &x);
			jb_end(jl, p);
		}
		if ((p = jb_room(jl, 1))) {
			*p++ = ']';
			jb_end(jl, p);
		}
	}
	if ((p = jb_room(jr, reasons_room(o->reasons, o->nreasons))))
		jb_end(jr, w_reasons(p, o->reasons, o->nreasons));
	bool any_codes = c->kind != ADJ_KIND_VOID && (raw->ndx || raw->nproc);
	if (any_codes) {
		size_t room = 2;
		for (size_t i = 0; i < raw->ndx; i++)
			room += 16 + str_room(raw->dx[i].code) + str_room(raw->dx[i].primary);
		for (size_t i = 0; i < raw->nproc; i++)
			room += 22 + str_room(raw->proc[i]);
		if ((p = jb_room(jc, room))) {
			*p++ = '[';
			for (size_t i = 0; i < raw->ndx; i++) {
				p = w_lit(p, ",[\"diagnosis\"," + !i, 14 - !i);
				p = w_str(p, raw->dx[i].code);
				*p++ = ',';
				p = w_str(p, raw->dx[i].primary);
				*p++ = ']';
			}
			for (size_t i = 0; i < raw->nproc; i++) {
				bool first = !i && !raw->ndx;
				p = w_lit(p, ",[\"procedure\"," + first, 14 - first);
				p = w_str(p, raw->proc[i]);
				p = w_lit(p, ",null]", 6);
			}
			*p++ = ']';
			jb_end(jc, p);
		}
	}
	if (jl->failed || jr->failed || jc->failed)
		return ADJ_ENOMEM;
	bind_json(s, k++, jl, o->lines != NULL);
	bind_json(s, k++, jr, o->nreasons > 0);
	bind_json(s, k++, jc, any_codes);
	assert(k - 1 == sqlite3_bind_parameter_count(s)); /* each one bound */
	if ((rc = done(l, s, "recording a claim")))
		return rc;
	o->row = sqlite3_last_insert_rowid(l->db->sql);
	return 0;
}

int
adj_ledger_savepoint(adj_ledger *l)
{
	int rc = done(l, stmt(l, S_SAVEPOINT), "opening a savepoint");
	if (rc)
		return rc;
	l->in_sp = true;
	l->sp++;
	l->nundo = 0;
	memcpy(l->hosp_saved, l->hosp, sizeof l->hosp);
	return 0;
}

int
adj_ledger_release(adj_ledger *l)
{
	l->in_sp = false;
	l->nundo = 0;
	return done(l, stmt(l, S_RELEASE), "releasing a savepoint");
}

int
adj_ledger_rollback_to(adj_ledger *l)
{
	int rc = done(l, stmt(l, S_ROLLBACK_TO), "rolling back a savepoint");
	/* the tables are as they were; now the cache */
	for (size_t i = l->nundo; i-- > 0;) {
		acc_slot *e = &l->acc[l->undo[i].slot];
		e->acc = l->undo[i].acc;
		e->dirty = l->undo[i].dirty;
	}
	memcpy(l->hosp, l->hosp_saved, sizeof l->hosp);
	l->ndirty = 0; /* the dirty list again, without the slots the log made clean */
	for (size_t i = 0; i < l->nacc; i++)
		if (l->acc[l->acc_used[i]].dirty)
			l->acc_dirty[l->ndirty++] = l->acc_used[i];
	return rc ? rc : adj_ledger_release(l);
}

/* ---- schema versions 5, 6 and 7 -> 8 ------------------------------------------- */

static const char *
col_text(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

/* Close the claim being converted: its lines into temp.lines8. */
static int
upgrade_flush(adj_db *db, sqlite3_stmt *ins, int64_t id, jbuf *b)
{
	char *p = jb_room(b, 1);
	if (!p)
		return ADJ_ENOMEM;
	*p++ = ']';
	jb_end(b, p);
	sqlite3_bind_int64(ins, 1, id);
	sqlite3_bind_text(ins, 2, b->s, (int)b->n, SQLITE_STATIC);
	int s = sqlite3_step(ins);
	sqlite3_reset(ins);
	b->n = 0;
	return s == SQLITE_DONE ? 0 : adj_db_fail(db, "upgrading the ledger's lines");
}

/*
 * The lines of every claim as the file's version stored them, one row per
 * line: 1 seq, 2 code, 3 date, 4 qty, 5 price, 6 status, 7 item,
 * 8 allowed_qty (NULL when not screened), 9 allowed_price, 10..15 billed
 * rejected self_pay over_cap first_pay in_policy, 16 the reasons as JSON,
 * 17 the claim's service date, 18 the item's code. Version 5 stored all
 * sixteen elements in another order; version 6 the order and defaults of
 * version 7 without its short forms (a code 0 for the item's, a date as
 * days), and the view expressions of version 7 read both.
 */
static const char upgrade_v5[] =
	"SELECT c.id, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, "
	"j.value ->> 4, j.value ->> 5, j.value ->> 6, j.value ->> 7, "
	"j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11, "
	"j.value ->> 12, j.value ->> 13, j.value ->> 14, j.value -> '$[15]', c.service_date, "
	"(SELECT i.code FROM item i WHERE i.id = j.value ->> 6) "
	"FROM claim c, json_each(c.lines) j WHERE c.lines IS NOT NULL";
static const char upgrade_v6_v7[] =
	"SELECT c.id, j.value ->> 0, "
	"CASE j.value ->> 1 WHEN 0 THEN (SELECT i.code FROM item i WHERE i.id = j.value ->> 5) "
	"ELSE j.value ->> 1 END, "
	"CASE WHEN typeof(j.value ->> 2) = 'integer' "
	"THEN date(c.service_date, (j.value ->> 2) || ' days') ELSE j.value ->> 2 END, "
	"j.value ->> 3, j.value ->> 4, "
	"coalesce(j.value ->> 11, 'accepted'), j.value ->> 5, "
	"CASE WHEN json_array_length(j.value) > 14 THEN j.value ->> 14 ELSE j.value ->> 3 END, "
	"CASE WHEN json_array_length(j.value) > 15 THEN j.value ->> 15 ELSE j.value ->> 4 END, "
	"j.value ->> 6, coalesce(j.value ->> 12, 0), coalesce(j.value ->> 13, 0), "
	"coalesce(j.value ->> 8, 0), coalesce(j.value ->> 9, 0), coalesce(j.value ->> 7, j.value ->> 6), "
	"j.value -> '$[10]', c.service_date, (SELECT i.code FROM item i WHERE i.id = j.value ->> 5) "
	"FROM claim c, json_each(c.lines) j WHERE c.lines IS NOT NULL";

int
adj_ledger_upgrade_batches(adj_db *db)
{
	int rc = adj_db_exec(db, "ALTER TABLE batch ADD COLUMN first_claim INTEGER;"
	                         "ALTER TABLE batch ADD COLUMN last_claim INTEGER;"
	                         "UPDATE batch SET first_claim = (SELECT min(id) FROM claim c WHERE c.batch = batch.id), "
	                         "last_claim = (SELECT max(id) FROM claim c WHERE c.batch = batch.id)");
	if (rc)
		return rc;
	/* each batch's rows one range of ids without a gap, in the batch's
	 * order, as one write transaction a batch made them; a file where they
	 * are not is left as it is */
	sqlite3_stmt *q;
	if ((rc = adj_db_prepare(db, &q,
	                         "SELECT b.batch_id FROM batch b WHERE b.first_claim IS NOT NULL AND ("
	                         "(SELECT count(*) FROM claim c WHERE c.id BETWEEN b.first_claim AND b.last_claim) "
	                         "!= b.last_claim - b.first_claim + 1 "
	                         "OR EXISTS (SELECT 1 FROM claim c WHERE c.id BETWEEN b.first_claim AND b.last_claim "
	                         "AND c.batch != b.id) "
	                         "OR EXISTS (SELECT 1 FROM claim c JOIN claim n ON n.id = c.id + 1 "
	                         "WHERE c.id >= b.first_claim AND n.id <= b.last_claim AND n.ord <= c.ord)) LIMIT 1")))
		return rc;
	int s = sqlite3_step(q);
	if (s == SQLITE_ROW) {
		snprintf(db->errmsg, sizeof db->errmsg,
		         "batch %s: its claims are not one range of row ids in batch order; not upgraded",
		         (const char *)sqlite3_column_text(q, 0));
		rc = ADJ_EIO;
	} else if (s != SQLITE_DONE) {
		rc = adj_db_fail(db, "checking the batches' claims");
	}
	sqlite3_finalize(q);
	return rc;
}

int
adj_ledger_upgrade_lines(adj_db *db, int from)
{
	sqlite3_stmt *q = NULL, *ins = NULL;
	jbuf b = {0};
	int rc = adj_db_exec(db, "CREATE TEMP TABLE lines8 (id INTEGER PRIMARY KEY, lines TEXT NOT NULL)");
	if (!rc)
		rc = adj_db_prepare(db, &q, from == 5 ? upgrade_v5 : upgrade_v6_v7);
	if (!rc)
		rc = adj_db_prepare(db, &ins, "INSERT INTO temp.lines8(id, lines) VALUES (?, ?)");
	int64_t cur = 0;
	bool open = false;
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		if (open && id != cur && (rc = upgrade_flush(db, ins, cur, &b)))
			break;
		char *p;
		if (!open || id != cur) {
			if (!(p = jb_room(&b, 1))) {
				rc = ADJ_ENOMEM;
				break;
			}
			*p++ = '[';
			jb_end(&b, p);
		} else {
			if (!(p = jb_room(&b, 1))) {
				rc = ADJ_ENOMEM;
				break;
			}
			*p++ = ',';
			jb_end(&b, p);
		}
		open = true;
		cur = id;
		const char *reasons = col_text(q, 16);
		line_json x = {
			.seq = col_text(q, 1), .code = col_text(q, 2), .date = col_text(q, 3),
			.status = col_text(q, 6) ? col_text(q, 6) : "accepted",
			.has_qty = sqlite3_column_type(q, 4) != SQLITE_NULL,
			.has_item = sqlite3_column_type(q, 7) != SQLITE_NULL,
			.screened = sqlite3_column_type(q, 8) != SQLITE_NULL,
			.qty = sqlite3_column_int64(q, 4), .price = sqlite3_column_int64(q, 5),
			.item = sqlite3_column_int64(q, 7), .allowed_qty = sqlite3_column_int64(q, 8),
			.allowed_price = sqlite3_column_int64(q, 9),
			.reasons_json = reasons ? reasons : "[]"};
		for (int a = 0; a < 6; a++)
			x.amt[a] = sqlite3_column_int64(q, 10 + a);
		const char *service = col_text(q, 17);
		adj_date sd;
		if (!service || !adj_date_parse(service, strlen(service), &sd))
			sd = ADJ_DATE_NONE;
		compact_line(&x, x.has_item ? col_text(q, 18) : NULL, sd, ADJ_DATE_NONE);
		if (!(p = jb_room(&b, line_room(&x)))) {
			rc = ADJ_ENOMEM;
			break;
		}
		jb_end(&b, w_line(p, &x));
	}
	if (!rc && s != SQLITE_DONE)
		rc = adj_db_fail(db, "reading the ledger's lines");
	if (!rc && open)
		rc = upgrade_flush(db, ins, cur, &b);
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	free(b.s);
	if (!rc)
		rc = adj_db_exec(db, "UPDATE claim SET lines = (SELECT lines FROM temp.lines8 t WHERE t.id = claim.id) "
		                     "WHERE id IN (SELECT id FROM temp.lines8);"
		                     "DROP TABLE temp.lines8;"
		                     "DROP VIEW IF EXISTS rejected_lines; DROP VIEW IF EXISTS reason;"
		                     "DROP VIEW IF EXISTS line;");
	return rc;
}
