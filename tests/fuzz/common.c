/*
 * common.c - see common.h.
 */
#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
fz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "\n==FUZZ PROPERTY BROKEN== %s:%d: %s\n  ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

const char *
fz_root(void)
{
	static char root[PATH_MAX];
	if (root[0])
		return root;
	const char *env = getenv("ADJ_FUZZ_ROOT");
	if (env && *env) {
		snprintf(root, sizeof root, "%s", env);
		return root;
	}
	ssize_t n = readlink("/proc/self/exe", root, sizeof root - 1);
	if (n <= 0) {
		fprintf(stderr, "fuzz: cannot find the repository: set ADJ_FUZZ_ROOT\n");
		abort();
	}
	root[n] = '\0';
	/* up from the binary to the folder holding engine/adjudicator.h */
	for (;;) {
		char *slash = strrchr(root, '/');
		if (!slash || slash == root) {
			fprintf(stderr, "fuzz: cannot find the repository: set ADJ_FUZZ_ROOT\n");
			abort();
		}
		*slash = '\0';
		char probe[PATH_MAX + 32];
		snprintf(probe, sizeof probe, "%s/engine/adjudicator.h", root);
		if (access(probe, F_OK) == 0)
			break;
	}
	return root;
}

#define MAX_TEMPDIRS 8
static char *tempdirs[MAX_TEMPDIRS];
static int ntempdirs;

static void
remove_tempdirs(void)
{
	for (int i = 0; i < ntempdirs; i++)
		fz_rmtree(tempdirs[i]);
}

/* Folders left by runs that crashed (abort() skips atexit): named
 * adj-fuzz-TAG-PID-XXXXXX, removed when PID is gone. */
static void
remove_stale(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *e;
	char p[PATH_MAX], proc[64];
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "adj-fuzz-", 9) != 0)
			continue;
		const char *dash = strrchr(e->d_name, '-');
		const char *pid = dash;
		if (!dash || dash == e->d_name)
			continue;
		while (pid > e->d_name && pid[-1] != '-')
			pid--;
		long n = strtol(pid, NULL, 10);
		if (n <= 0)
			continue;
		snprintf(proc, sizeof proc, "/proc/%ld", n);
		if (access(proc, F_OK) == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", base, e->d_name);
		fz_rmtree(p);
	}
	closedir(d);
}

const char *
fz_tempdir(const char *tag)
{
	const char *base = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *path = malloc(PATH_MAX);
	if (!path || ntempdirs == MAX_TEMPDIRS)
		abort();
	remove_stale(base);
	snprintf(path, PATH_MAX, "%s/adj-fuzz-%s-%ld-XXXXXX", base, tag, (long)getpid());
	if (!mkdtemp(path)) {
		fprintf(stderr, "fuzz: mkdtemp %s: %s\n", path, strerror(errno));
		abort();
	}
	if (ntempdirs == 0)
		atexit(remove_tempdirs);
	tempdirs[ntempdirs++] = path;
	return path;
}

void
fz_write(const char *path, const void *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
		abort();
	}
	const char *p = data;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "fuzz: write %s: %s\n", path, strerror(errno));
			abort();
		}
		p += w;
		n -= (size_t)w;
	}
	close(fd);
}

char *
fz_read(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0, got;
	char *buf = malloc(cap + 1);
	while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (!buf)
		abort();
	buf[len] = '\0';
	if (n)
		*n = len;
	return buf;
}

void
fz_copydir(const char *src, const char *dst)
{
	DIR *d = opendir(src);
	struct dirent *e;
	char from[PATH_MAX], to[PATH_MAX];
	if (!d) {
		fprintf(stderr, "fuzz: cannot open %s: %s\n", src, strerror(errno));
		abort();
	}
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		snprintf(from, sizeof from, "%s/%s", src, e->d_name);
		if (stat(from, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		size_t n;
		char *text = fz_read(from, &n);
		if (!text)
			abort();
		snprintf(to, sizeof to, "%s/%s", dst, e->d_name);
		fz_write(to, text, n);
		free(text);
	}
	closedir(d);
}

void
fz_rmtree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char p[PATH_MAX];
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", path, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(path);
}
