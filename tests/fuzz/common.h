/*
 * common.h - helpers shared by the fuzz targets of tests/fuzz/.
 *
 * Every helper aborts on a system failure (a full /tmp, say): a harness
 * that cannot set itself up must not report a fuzzing result, and abort()
 * makes libFuzzer stop with a stack trace that says so.
 */
#ifndef ADJ_FUZZ_COMMON_H
#define ADJ_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Abort with a message when cond is false: a broken property of the engine
 * (libFuzzer saves the input as a crash). */
#define FZ_ASSERT(cond, ...)                                                                \
	do {                                                                                    \
		if (!(cond))                                                                        \
			fz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                \
	} while (0)

void fz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));

/* The repository root: $ADJ_FUZZ_ROOT, else the nearest folder above the
 * binary that holds engine/adjudicator.h. */
const char *fz_root(void);

/* A fresh folder under $TMPDIR (or /tmp) named adj-fuzz-<tag>-<pid>-XXXXXX,
 * removed with everything in it when the process exits normally; folders
 * of earlier processes that are gone (they crashed) are removed first. */
const char *fz_tempdir(const char *tag);

/* Write n bytes to path (created or truncated). */
void fz_write(const char *path, const void *data, size_t n);

/* The whole file (malloc'ed, NUL-terminated, *n its length), or NULL. */
char *fz_read(const char *path, size_t *n);

/* Copy every regular file of the folder src into dst (which exists). */
void fz_copydir(const char *src, const char *dst);

/* Remove a folder and its files (one level, as fz_tempdir makes them). */
void fz_rmtree(const char *path);

#endif
