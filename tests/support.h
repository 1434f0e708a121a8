/*
 * support.h - helpers shared by the test suites: scratch folders, files,
 * running the command, copying fixtures.
 */
#ifndef ADJ_TEST_SUPPORT_H
#define ADJ_TEST_SUPPORT_H

#include <stddef.h>

/* A fresh empty folder under $TMPDIR (or /tmp); the path is malloc'ed. */
char *t_tempdir(void);

/* Remove a folder and everything in it. */
void t_rmtree(const char *path);

/* Write text to dir/name (creating or truncating it). */
void t_write(const char *dir, const char *name, const char *text);

/* The whole content of a file (malloc'ed, NUL-terminated), or NULL. */
char *t_read(const char *path, size_t *len);

/* Copy every regular file of src into dst (which must exist). */
void t_copydir(const char *src, const char *dst);

/* Run the adjudicator command with the arguments (a NULL-terminated list)
 * in a shell-free way; capture stdout and stderr (malloc'ed, may be NULL
 * when not wanted). Returns the exit status, or -1 when it did not exit. */
int t_run(char **out, char **err, const char *const *argv);

/* Replace the first line starting with `prefix` in dir/name by `line`
 * (or append it when no line starts so). */
void t_replace_line(const char *dir, const char *name, const char *prefix, const char *line);

/* A checksum of a file's bytes (FNV-1a 64), 0 when it cannot be read. */
unsigned long long t_file_sum(const char *path);

/* A database's content as one checksum: its WAL checkpointed into the file
 * first, so that equal content gives an equal sum. */
unsigned long long t_db_sum(const char *db);

/* The first column of the first row sql gives in the database at db, as
 * text (malloc'ed; "" when no row or NULL). */
char *t_db_text(const char *db, const char *sql);

/* Run sql (statements, no results) in the database at db. */
void t_db_exec(const char *db, const char *sql);

#endif
