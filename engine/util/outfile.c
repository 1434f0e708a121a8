/*
 * outfile.c - see outfile.h. Linux: O_TMPFILE and linkat through
 * /proc/self/fd.
 */
#define _GNU_SOURCE /* O_TMPFILE, linkat */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
adj_outfile_open(adj_outfile *o, const char *path)
{
	char dir[4096];
	const char *env = getenv("TMPDIR");
	const char *tmpdir = env && *env ? env : "/tmp";

	o->path = path;
	o->named[0] = '\0';
	if (path) {
		const char *slash = strrchr(path, '/');
		if (slash)
			snprintf(dir, sizeof dir, "%.*s", (int)(slash - path + (slash == path)), path);
		else
			snprintf(dir, sizeof dir, ".");
	} else {
		snprintf(dir, sizeof dir, "%s", tmpdir);
	}
	o->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
	if (o->fd >= 0)
		return 0;
	if (path)
		snprintf(o->named, sizeof o->named, "%s.tmp.XXXXXX", path);
	else
		snprintf(o->named, sizeof o->named, "%s/adjudicator-output.XXXXXX", tmpdir);
	o->fd = mkstemp(o->named);
	if (o->fd < 0) {
		o->named[0] = '\0';
		return -1;
	}
	return 0;
}

int
adj_outfile_publish(adj_outfile *o)
{
	if (o->named[0]) {
		if (rename(o->named, o->path) != 0)
			return -1;
		o->named[0] = '\0';
		return 0;
	}
	char proc[64], link[4300];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
	/* where nothing has the name yet, the file takes it in one step: a kill
	 * can leave no other name behind */
	if (linkat(AT_FDCWD, proc, AT_FDCWD, o->path, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	/* over an older file: a name of our own, then renamed over it (a kill
	 * between the two leaves PATH.tmp.PID.N, a whole copy) */
	for (int attempt = 0; attempt < 100; attempt++) {
		snprintf(link, sizeof link, "%s.tmp.%ld.%d", o->path, (long)getpid(), attempt);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, link, AT_SYMLINK_FOLLOW) == 0) {
			if (rename(link, o->path) == 0)
				return 0;
			int e = errno;
			unlink(link);
			errno = e;
			return -1;
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

int
adj_outfile_copy(adj_outfile *o, FILE *fp)
{
	char buf[65536];
	ssize_t n;
	if (lseek(o->fd, 0, SEEK_SET) != 0)
		return -1;
	while ((n = read(o->fd, buf, sizeof buf)) > 0)
		if (fwrite(buf, 1, (size_t)n, fp) != (size_t)n)
			return -1;
	return n < 0 || fflush(fp) != 0 ? -1 : 0;
}

void
adj_outfile_close(adj_outfile *o)
{
	if (o->named[0])
		unlink(o->named);
	o->named[0] = '\0';
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
}
