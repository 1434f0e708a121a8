/*
 * test_concurrency.c - several `adjudicator` processes on one database
 * (issue 5): batches are serialized, a waiting process says it is waiting,
 * and the result equals running the batches one after another in the order
 * they got the lock.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#define BIN ADJUDICATOR_BIN
#define N 4

extern char **environ;

static const char *const hospitals[N] = {"H12010300017", "H12010400002", "H12010100001", "H12010600114"};

static void
fresh_db(const char *db)
{
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", SOURCE_ROOT "/catalogs", "--db", db, NULL}), 0);
}

Test(concurrency, four_processes_at_once_equal_the_same_batches_one_after_another, .timeout = 600)
{
	char *tmp = t_tempdir();
	char db[4300], seqdb[4300], batch[N][4300], out[N][4300], err[N][4300];
	snprintf(db, sizeof db, "%s/c.db", tmp);
	snprintf(seqdb, sizeof seqdb, "%s/s.db", tmp);
	setenv("SOURCE_DATE_EPOCH", "1136000000", 1);
	fresh_db(db);
	fresh_db(seqdb);
	/* ADJ_CONCURRENCY_CLAIMS sets the size per batch (default 1500; try
	 * 50000 by hand: meson test -C build adjudicate) */
	const char *claims = getenv("ADJ_CONCURRENCY_CLAIMS") ? getenv("ADJ_CONCURRENCY_CLAIMS") : "1500";
	for (int i = 0; i < N; i++) {
		char seed[16];
		snprintf(seed, sizeof seed, "%d", 100 + i);
		snprintf(batch[i], sizeof batch[i], "%s/b%d.xml", tmp, i);
		snprintf(out[i], sizeof out[i], "%s/r%d.xml", tmp, i);
		snprintf(err[i], sizeof err[i], "%s/e%d.txt", tmp, i);
		/* the same seed-independent member pool: every batch draws from
		 * the whole registry, so members are shared between batches */
		cr_assert_eq(t_run(NULL, NULL, (const char *const[]){GEN_BATCH_BIN, "--catalog", SOURCE_ROOT "/catalogs",
		                                                     "--hospital", hospitals[i], "--claims", claims,
		                                                     "--seed", seed, "--problems", "10", "-o", batch[i], NULL}), 0);
	}
	/* all four at once */
	pid_t pid[N];
	for (int i = 0; i < N; i++) {
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 2, err[i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		char a0[] = BIN, a1[] = "adjudicate", a3[] = "--db", a5[] = "-o";
		char *argv[] = {a0, a1, batch[i], a3, db, a5, out[i], NULL};
		cr_assert_eq(posix_spawn(&pid[i], BIN, &fa, NULL, argv, environ), 0);
		posix_spawn_file_actions_destroy(&fa);
	}
	int waited = 0;
	for (int i = 0; i < N; i++) {
		int status;
		waitpid(pid[i], &status, 0);
		cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "process %d failed", i);
		char *e = t_read(err[i], NULL);
		if (e && strstr(e, "waiting for another process to finish with"))
			waited++;
		free(e);
	}
	cr_expect_geq(waited, 1, "no process said it was waiting");

	/* the order they got the lock, then the same batches one by one */
	sqlite3 *s;
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(s, "SELECT hospital FROM batch ORDER BY id", -1, &st, NULL), SQLITE_OK);
	int order[N], n = 0;
	while (sqlite3_step(st) == SQLITE_ROW && n < N) {
		const char *h = (const char *)sqlite3_column_text(st, 0);
		for (int i = 0; i < N; i++)
			if (strcmp(h, hospitals[i]) == 0)
				order[n++] = i;
	}
	sqlite3_finalize(st);
	cr_assert_eq(sqlite3_prepare_v2(s, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(s);
	cr_assert_eq(n, N);
	for (int k = 0; k < N; k++) {
		int i = order[k];
		char seqout[4400];
		snprintf(seqout, sizeof seqout, "%s.seq", out[i]);
		cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", batch[i], "--db", seqdb, "-o", seqout, NULL}), 0);
		cr_expect_eq(t_file_sum(seqout), t_file_sum(out[i]), "batch %d differs from its serial run", i);
	}
	/* and the accumulators agree */
	unsigned long long a = 0, b = 0;
	for (int pass = 0; pass < 2; pass++) {
		cr_assert_eq(sqlite3_open(pass ? seqdb : db, &s), SQLITE_OK);
		cr_assert_eq(sqlite3_prepare_v2(s, "SELECT member, scheme, year, grp, claims, ded, pos, pool, relief, assist FROM accumulator ORDER BY 1, 2, 3, 4", -1, &st, NULL), SQLITE_OK);
		unsigned long long h = 1469598103934665603ULL;
		while (sqlite3_step(st) == SQLITE_ROW)
			for (int c = 0; c < 10; c++)
				for (const unsigned char *p = sqlite3_column_text(st, c); p && *p; p++)
					h = (h ^ *p) * 1099511628211ULL;
		sqlite3_finalize(st);
		sqlite3_close(s);
		*(pass ? &b : &a) = h;
	}
	cr_expect_eq(a, b, "accumulators differ");
	t_rmtree(tmp);
	free(tmp);
}
