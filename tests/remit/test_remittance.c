/*
 * test_remittance.c - the remittance writer's two ways to the file: whole
 * aligned buffers with O_DIRECT on a regular file that allows it, the page
 * cache otherwise. The bytes must be the same either way.
 */
#define _GNU_SOURCE /* O_DIRECT */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "remit/remittance.h"
#include "support.h"

/* A remittance of n claims of 8 items each into fd (about 2.4 KB a claim);
 * *direct tells whether the writer had O_DIRECT on the descriptor. */
static void
write_doc(int fd, int n, bool *direct)
{
	adj_remit *r;
	cr_assert_eq(adj_remit_open(&r, fd), 0);
	int fl = fcntl(fd, F_GETFL);
	*direct = fl != -1 && (fl & O_DIRECT);
	cr_assert_eq(adj_remit_begin(r, "B-1", "H12010100001", "2026-11-27T00:00:00Z"), 0);
	adj_remit_reason rs[2] = {{"L05", "cap 12.00 < price 13.50", -1}, {"W01", "a & b < c", -1}};
	adj_remit_item items[8];
	char seq[8][4];
	for (int i = 0; i < 8; i++) {
		snprintf(seq[i], sizeof seq[i], "%d", i + 1);
		items[i] = (adj_remit_item){seq[i], i % 3 ? "accepted" : "adjusted",
		                            {1350 + i, 0, i, 150, 0, 1200 + i},
		                            i % 3 ? NULL : rs, i % 3 ? 0 : 2};
	}
	adj_fen amt[ADJ_AMT_COUNT];
	for (int k = 0; k < ADJ_AMT_COUNT; k++)
		amt[k] = 100 * k + 7;
	adj_totals t = {0};
	for (int c = 0; c < n; c++) {
		char id[32];
		snprintf(id, sizeof id, "ZY%011d", c);
		adj_remit_view v = {id, "12010419521208341X", "accepted", "fee-for-service", NULL,
		                    amt, c % 5 ? NULL : rs, c % 5 ? 0 : 1, items, 8};
		cr_assert_eq(adj_remit_view_write(r, &v), 0);
		t.claims++;
		t.accepted++;
	}
	adj_remit_end(r, &t);
	int err = -1;
	cr_assert_eq(adj_remit_close(r, &err), 0, "errno %d", err);
	cr_expect_eq(err, 0);
	fl = fcntl(fd, F_GETFL);
	cr_expect(fl != -1 && !(fl & O_DIRECT), "O_DIRECT left on the descriptor");
}

static char *
slurp(const char *path, size_t skip, size_t *n)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f);
	struct stat st;
	cr_assert_eq(fstat(fileno(f), &st), 0);
	*n = (size_t)st.st_size - skip;
	char *b = malloc(*n + 1);
	cr_assert_not_null(b);
	cr_assert_eq(fseek(f, (long)skip, SEEK_SET), 0);
	cr_assert_eq(fread(b, 1, *n, f), *n);
	fclose(f);
	return b;
}

Test(remit, the_same_bytes_through_o_direct_and_through_the_page_cache)
{
	char *dir = t_tempdir();
	char a[4200], b[4200];
	snprintf(a, sizeof a, "%s/direct.xml", dir);
	snprintf(b, sizeof b, "%s/cached.xml", dir);
	int fa = open(a, O_RDWR | O_CREAT | O_TRUNC, 0644);
	int fb = open(b, O_RDWR | O_CREAT | O_TRUNC, 0644);
	cr_assert(fa >= 0 && fb >= 0);
	/* one byte first: an offset that is not aligned keeps the writer off O_DIRECT */
	cr_assert_eq(write(fb, "x", 1), 1);
	bool da, db;
	write_doc(fa, 3001, &da); /* about 7 MB: several whole buffers and a partial one */
	write_doc(fb, 3001, &db);
	cr_expect_not(db, "O_DIRECT at an unaligned offset");
	if (!da)
		cr_log_warn("this file system refused O_DIRECT: both ways went through the page cache");
	size_t na, nb;
	char *ta = slurp(a, 0, &na), *tb = slurp(b, 1, &nb);
	cr_expect_gt(na, (size_t)6 << 20, "%zu bytes", na);
	cr_expect_eq(na, nb);
	cr_expect(na == nb && memcmp(ta, tb, na) == 0, "the two remittances differ");
	cr_expect(strstr(ta, "<claim id=\"ZY00000003000\"") != NULL);
	cr_expect(strstr(ta + na - 200, "</remittance>") != NULL, "%s", ta + na - 200);
	close(fa);
	close(fb);
	free(ta);
	free(tb);
	t_rmtree(dir);
	free(dir);
}

/* A file-size limit that falls inside a whole buffer: the direct write is
 * refused or cut short, the writer goes on through the page cache up to the
 * limit, and the error is the one the limit gives. */
Test(remit, a_limit_inside_a_direct_buffer_reads_as_file_too_large)
{
	char *dir = t_tempdir();
	char a[4200];
	snprintf(a, sizeof a, "%s/limited.xml", dir);
	int fd = open(a, O_RDWR | O_CREAT | O_TRUNC, 0644);
	cr_assert(fd >= 0);
	struct rlimit lim;
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &lim), 0);
	lim.rlim_cur = (2u << 20) + 1000;
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);

	adj_remit *r;
	cr_assert_eq(adj_remit_open(&r, fd), 0);
	cr_assert_eq(adj_remit_begin(r, "B-1", "H12010100001", "2026-11-27T00:00:00Z"), 0);
	adj_fen amt[ADJ_AMT_COUNT] = {0};
	adj_remit_item item = {"1", "accepted", {100, 0, 0, 0, 0, 100}, NULL, 0};
	for (int c = 0; c < 20000; c++) {
		char id[32];
		snprintf(id, sizeof id, "ZY%011d", c);
		adj_remit_view v = {id, "12010419521208341X", "accepted", "fee-for-service", NULL,
		                    amt, NULL, 0, &item, 1};
		adj_remit_view_write(r, &v); /* a failure shows at the close */
	}
	adj_totals t = {0};
	adj_remit_end(r, &t);
	int err = 0;
	cr_expect_eq(adj_remit_close(r, &err), ADJ_EIO);
	cr_expect_eq(err, EFBIG, "errno %d (%s)", err, strerror(err));
	struct stat st;
	cr_assert_eq(fstat(fd, &st), 0);
	cr_expect_eq(st.st_size, (off_t)lim.rlim_cur, "the file was written up to the limit");
	close(fd);
	t_rmtree(dir);
	free(dir);
}
