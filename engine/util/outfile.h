/*
 * outfile.h - output files that appear whole or not at all.
 *
 * The file is written to an anonymous file (O_TMPFILE) in the folder of its
 * final path and linked under its name only when the caller publishes it,
 * so a failed or killed run leaves nothing behind and an existing file of
 * that name is left as it was. Publishing where the name is new is one
 * link; over an existing file it is a link under a temporary name
 * (PATH.tmp.PID.N) and a rename, and a kill between the two leaves that
 * name, a whole copy. Where the file system cannot do O_TMPFILE, a named
 * temporary file is used instead.
 */
#ifndef ADJ_UTIL_OUTFILE_H
#define ADJ_UTIL_OUTFILE_H

#include <stdio.h>

typedef struct adj_outfile {
	int fd;
	char named[4200]; /* the temporary name when O_TMPFILE was not possible */
	const char *path; /* the final path, or NULL for a scratch file */
} adj_outfile;

/* Open an output for path (NULL: a scratch file in $TMPDIR, to be copied to
 * a stream with adj_outfile_copy). Returns 0 or -1 (errno set). */
int adj_outfile_open(adj_outfile *o, const char *path);

/* Give the finished file its final name (replacing any file of that
 * name). Returns 0 or -1 (errno set). */
int adj_outfile_publish(adj_outfile *o);

/* Copy the whole file to fp. Returns 0 or -1. */
int adj_outfile_copy(adj_outfile *o, FILE *fp);

/* Close, removing the file unless it was published. */
void adj_outfile_close(adj_outfile *o);

#endif
