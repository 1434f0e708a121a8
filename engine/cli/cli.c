/*
 * cli.c - argument parsing and error printing shared by the commands.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
cli_parse(int argc, char **argv, int first, cli_opt *opts, const char **pos, int min_pos,
          int max_pos, const char *usage)
{
	int npos = 0;

	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		}
		if (a[0] == '-' && a[1] != '\0') {
			cli_opt *o = NULL;
			const char *eq = strchr(a, '=');
			size_t n = eq ? (size_t)(eq - a) : strlen(a);
			for (cli_opt *p = opts; p && p->name; p++)
				if ((strlen(p->name) == n && strncmp(a, p->name, n) == 0) ||
				    (p->alias && strlen(p->alias) == n && strncmp(a, p->alias, n) == 0))
					o = p;
			if (!o) {
				fprintf(stderr, "adjudicator: unknown option %s\n%s", a, usage);
				return -1;
			}
			if (!o->has_value) {
				if (eq) {
					fprintf(stderr, "adjudicator: %s takes no value\n", o->name);
					return -1;
				}
				o->value = "1";
			} else if (eq) {
				o->value = eq + 1;
			} else if (i + 1 < argc) {
				o->value = argv[++i];
			} else {
				fprintf(stderr, "adjudicator: %s needs a value\n%s", o->name, usage);
				return -1;
			}
			continue;
		}
		if (npos >= max_pos) {
			fprintf(stderr, "adjudicator: unexpected argument %s\n%s", a, usage);
			return -1;
		}
		pos[npos++] = a;
	}
	if (npos < min_pos) {
		fprintf(stderr, "adjudicator: missing argument\n%s", usage);
		return -1;
	}
	for (int i = npos; i < max_pos; i++)
		pos[i] = NULL;
	return 0;
}

void
cli_print_diags(const adj_diags *d)
{
	for (size_t i = 0; i < d->count; i++) {
		const adj_diag *e = &d->items[i];
		if (e->line > 0 && e->column > 0)
			fprintf(stderr, "%s:%ld:%ld: ", e->file, e->line, e->column);
		else if (e->line > 0)
			fprintf(stderr, "%s:%ld: ", e->file, e->line);
		else
			fprintf(stderr, "%s: ", e->file);
		if (e->field[0])
			fprintf(stderr, "%s: ", e->field);
		fprintf(stderr, "%s\n", e->message);
	}
	if (d->dropped)
		fprintf(stderr, "... and %zu more problems not shown\n", d->dropped);
}

int
cli_fail(int err, const char *fmt, ...)
{
	va_list ap;
	fputs("adjudicator: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return adj_exit_status(err);
}

/* ---- the progress line ------------------------------------------------------ */

static struct {
	bool shown;
	double start;
} progress;

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
show_progress(void *ctx, const char *what, uint64_t done, uint64_t total, uint64_t items)
{
	(void)ctx;
	double t = now_s() - progress.start;
	char line[200];
	int n = snprintf(line, sizeof line, "\r%llu %s", (unsigned long long)items, what);
	if (t > 0.5)
		n += snprintf(line + n, sizeof line - (size_t)n, ", %.0f/s", (double)items / t);
	if (total) {
		n += snprintf(line + n, sizeof line - (size_t)n, ", %.1f of %.1f MB (%.0f%%)", done / 1e6,
		              total / 1e6, 100.0 * (double)done / (double)total);
		if (done > 0 && done < total && t > 1)
			n += snprintf(line + n, sizeof line - (size_t)n, ", about %.0f s left",
			              t * (double)(total - done) / (double)done);
	}
	snprintf(line + n, sizeof line - (size_t)n, "   ");
	fputs(line, stderr);
	fflush(stderr);
	progress.shown = true;
}

static void
say_waiting(void *ctx, const char *path)
{
	(void)ctx;
	cli_progress_end();
	fprintf(stderr, "adjudicator: waiting for another process to finish with %s ...\n", path);
}

void
cli_progress_start(adj_db *db)
{
	adj_db_set_wait_notice(db, say_waiting, NULL);
	if (!isatty(2))
		return;
	progress.start = now_s();
	progress.shown = false;
	adj_db_set_progress(db, show_progress, NULL);
}

void
cli_progress_end(void)
{
	if (progress.shown)
		fputs("\r\033[K", stderr);
	progress.shown = false;
}
