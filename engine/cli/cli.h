/*
 * cli.h - shared pieces of the `adjudicator` command (engine/cli/).
 *
 * The command is a thin shell over adjudicator.h: it parses arguments,
 * calls the library, prints results and diagnostics, and turns ADJ_E*
 * codes into the exit statuses of SPEC 6. Nothing here knows a rule.
 */
#ifndef ADJ_CLI_H
#define ADJ_CLI_H

#include "adjudicator.h"

#define EXIT_USAGE 64

typedef struct cli_opt {
	const char *name;  /* "--db" */
	const char *alias; /* "-o" or NULL */
	bool has_value;
	const char *value; /* set when seen (flags get "1") */
} cli_opt;

/*
 * Parse argv[first..argc) into opts (NULL-name terminated) and up to
 * max_pos positional arguments. Prints a usage error and returns -1 on an
 * unknown option, a missing value or too many/few positionals; returns 1
 * when --help was asked (after printing `usage`), else 0.
 */
int cli_parse(int argc, char **argv, int first, cli_opt *opts, const char **pos, int min_pos,
              int max_pos, const char *usage);

/* When stderr is a terminal, show a progress line for long operations on
 * db (done, rate, time left); call cli_progress_end before printing. */
void cli_progress_start(adj_db *db);
void cli_progress_end(void);

/* Print every diagnostic as `file:line: field: message` on stderr. */
void cli_print_diags(const adj_diags *d);

/* Print "adjudicator: msg" on stderr and return the exit status for err. */
int cli_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int cmd_init(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_members(int argc, char **argv);
int cmd_adjudicate(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_remittance(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_settle(int argc, char **argv);
int cmd_derive_caps(int argc, char **argv);

#endif
