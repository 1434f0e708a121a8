/*
 * support.c - test helpers (see support.h).
 */
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

char *
t_tempdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path = malloc(4096);
	snprintf(path, 4096, "%s/adjtest.XXXXXX", base && *base ? base : "/tmp");
	cr_assert_not_null(mkdtemp(path), "mkdtemp failed");
	return path;
}

void
t_rmtree(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		unlink(path);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", path, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			t_rmtree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(path);
}

void
t_write(const char *dir, const char *name, const char *text)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	cr_assert_not_null(f, "cannot write %s", p);
	fputs(text, f);
	fclose(f);
}

char *
t_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

void
t_copydir(const char *src, const char *dst)
{
	DIR *d = opendir(src);
	cr_assert_not_null(d, "cannot open %s", src);
	struct dirent *e;
	while ((e = readdir(d))) {
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", src, e->d_name);
		struct stat st;
		if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		size_t n;
		char *text = t_read(p, &n);
		char q[4096];
		snprintf(q, sizeof q, "%s/%s", dst, e->d_name);
		FILE *f = fopen(q, "wb");
		cr_assert_not_null(f);
		fwrite(text, 1, n, f);
		fclose(f);
		free(text);
	}
	closedir(d);
}

static char *
slurp_fd(int fd)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t got;
	while ((got = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)got;
		if (cap - n - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	buf[n] = '\0';
	return buf;
}

int
t_run(char **out, char **err, const char *const *argv)
{
	char outp[] = "/tmp/adjrun.out.XXXXXX", errp[] = "/tmp/adjrun.err.XXXXXX";
	int ofd = mkstemp(outp), efd = mkstemp(errp);
	cr_assert(ofd >= 0 && efd >= 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, ofd, 1);
	posix_spawn_file_actions_adddup2(&fa, efd, 2);
	pid_t pid;
	char *args[64];
	size_t n = 0;
	for (; argv[n] && n < 63; n++)
		args[n] = strdup(argv[n]);
	args[n] = NULL;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, args, environ);
	for (size_t i = 0; i < n; i++)
		free(args[i]);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(rc, 0, "cannot run %s", argv[0]);
	int status;
	waitpid(pid, &status, 0);
	lseek(ofd, 0, SEEK_SET);
	lseek(efd, 0, SEEK_SET);
	char *o = slurp_fd(ofd), *e = slurp_fd(efd);
	close(ofd);
	close(efd);
	unlink(outp);
	unlink(errp);
	if (out)
		*out = o;
	else
		free(o);
	if (err)
		*err = e;
	else
		free(e);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void
t_replace_line(const char *dir, const char *name, const char *prefix, const char *line)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	size_t n;
	char *text = t_read(p, &n);
	cr_assert_not_null(text, "cannot read %s", p);
	FILE *f = fopen(p, "wb");
	int done = 0;
	char *s = text;
	while (*s) {
		char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s + 1) : strlen(s);
		if (!done && strncmp(s, prefix, strlen(prefix)) == 0) {
			fprintf(f, "%s\n", line);
			done = 1;
		} else {
			fwrite(s, 1, len, f);
		}
		s += len;
	}
	if (!done)
		fprintf(f, "%s\n", line);
	fclose(f);
	free(text);
}

unsigned long long
t_file_sum(const char *path)
{
	size_t n;
	char *text = t_read(path, &n);
	if (!text)
		return 0;
	unsigned long long h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)text[i];
		h *= 1099511628211ULL;
	}
	free(text);
	return h;
}

unsigned long long
t_db_sum(const char *db)
{
	sqlite3 *s;
	cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	return t_file_sum(db);
}

char *
t_db_text(const char *db, const char *sql)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(s));
	const unsigned char *v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	char *out = strdup(v ? (const char *)v : "");
	sqlite3_finalize(st);
	sqlite3_close(s);
	return out;
}

void
t_db_exec(const char *db, const char *sql)
{
	sqlite3 *s;
	char *msg = NULL;
	cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(s, sql, NULL, NULL, &msg), SQLITE_OK, "%s", msg ? msg : "");
	sqlite3_close(s);
}
