/*
 * test_outfile.c - an output file appears whole under its name when it is
 * published: where the name is new in one step, at no other name;
 * nothing is left behind when it is not published, and publishing over an
 * older file replaces it.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "util/outfile.h"

static char *dir, path[4200];

static void
setup(void)
{
	dir = t_tempdir();
	snprintf(path, sizeof path, "%s/out.xml", dir);
}

static void
teardown(void)
{
	t_rmtree(dir);
	free(dir);
}

TestSuite(util_outfile, .init = setup, .fini = teardown);

/* The names in the folder, sorted, joined by spaces (malloc'ed). */
static char *
names(void)
{
	struct dirent **e;
	int n = scandir(dir, &e, NULL, alphasort);
	cr_assert(n >= 0);
	char *all = calloc(1, 1);
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(e[i]->d_name, ".") != 0 && strcmp(e[i]->d_name, "..") != 0) {
			size_t k = strlen(e[i]->d_name);
			all = realloc(all, len + k + 2);
			snprintf(all + len, k + 2, "%s%s", len ? " " : "", e[i]->d_name);
			len += k + (len ? 1 : 0);
		}
		free(e[i]);
	}
	free(e);
	return all;
}

static void
write_all(adj_outfile *o, const char *text)
{
	cr_assert_eq(write(o->fd, text, strlen(text)), (ssize_t)strlen(text));
}

Test(util_outfile, a_published_file_has_its_name_and_no_other)
{
	adj_outfile o;
	cr_assert_eq(adj_outfile_open(&o, path), 0);
	write_all(&o, "<remittance/>\n");
	char *before = names();
	cr_expect_str_eq(before, "", "nothing has a name before the file is published");
	cr_assert_eq(adj_outfile_publish(&o), 0);
	adj_outfile_close(&o);
	char *after = names();
	cr_expect_str_eq(after, "out.xml");
	char *text = t_read(path, NULL);
	cr_expect_str_eq(text, "<remittance/>\n");
	free(text);
	free(after);
	free(before);
}

/* Every temporary name the two-step publish could take is taken: a new
 * name is still published, in its one step, and the others are left
 * alone. */
Test(util_outfile, a_new_name_is_taken_in_one_step_without_a_temporary_name)
{
	for (int n = 0; n < 100; n++) {
		char name[4300];
		snprintf(name, sizeof name, "out.xml.tmp.%ld.%d", (long)getpid(), n);
		t_write(dir, name, "someone else's\n");
	}
	adj_outfile o;
	cr_assert_eq(adj_outfile_open(&o, path), 0);
	write_all(&o, "<remittance/>\n");
	cr_assert_eq(adj_outfile_publish(&o), 0);
	adj_outfile_close(&o);
	char *text = t_read(path, NULL);
	cr_expect_str_eq(text, "<remittance/>\n");
	free(text);
	char other[4300];
	snprintf(other, sizeof other, "%s/out.xml.tmp.%ld.0", dir, (long)getpid());
	text = t_read(other, NULL);
	cr_expect_str_eq(text, "someone else's\n");
	free(text);
}

Test(util_outfile, publishing_over_an_older_file_replaces_it_and_leaves_no_other_name)
{
	t_write(dir, "out.xml", "older\n");
	adj_outfile o;
	cr_assert_eq(adj_outfile_open(&o, path), 0);
	write_all(&o, "newer\n");
	char *text = t_read(path, NULL);
	cr_expect_str_eq(text, "older\n", "the older file stays until the new one is published");
	free(text);
	cr_assert_eq(adj_outfile_publish(&o), 0);
	adj_outfile_close(&o);
	char *after = names();
	cr_expect_str_eq(after, "out.xml");
	text = t_read(path, NULL);
	cr_expect_str_eq(text, "newer\n");
	free(text);
	free(after);
}

Test(util_outfile, a_file_closed_unpublished_leaves_nothing_and_an_older_file_as_it_was)
{
	adj_outfile o;
	cr_assert_eq(adj_outfile_open(&o, path), 0);
	write_all(&o, "never seen\n");
	adj_outfile_close(&o);
	char *after = names();
	cr_expect_str_eq(after, "");
	free(after);

	t_write(dir, "out.xml", "older\n");
	cr_assert_eq(adj_outfile_open(&o, path), 0);
	write_all(&o, "never seen\n");
	adj_outfile_close(&o);
	after = names();
	cr_expect_str_eq(after, "out.xml");
	char *text = t_read(path, NULL);
	cr_expect_str_eq(text, "older\n");
	free(text);
	free(after);
}
