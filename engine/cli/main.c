/*
 * main.c - the `adjudicator` command: dispatch to the subcommands.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: adjudicator COMMAND [ARGS]\n"
	"\n"
	"  init [--db FILE]                     create the database\n"
	"  catalog check DIR                    validate a catalog folder\n"
	"  catalog import DIR [--db FILE]       load a catalog folder as a new version\n"
	"  members import FILE [--db FILE]      upsert the member registry\n"
	"  adjudicate BATCH.xml [-o FILE] [--db FILE] [--dry-run]\n"
	"                                       adjudicate a claim batch, write the remittance\n"
	"  remittance BATCH-ID [--hospital H] [-o FILE]  re-emit an earlier batch's remittance\n"
	"  explain CLAIM-ID [--hospital H] [--format text|html]  the derivation of a claim\n"
	"  replay --into NEW.db [--batches DIR]  adjudicate every batch again and compare\n"
	"  report rejections|budget|cost-structure|member ...   reports (--help for each)\n"
	"  settle --year Y [--hospital H]       year-end global-budget settlement\n"
	"  catalog derive-caps --year Y [-o caps.csv] [--apply DIR]\n"
	"                                       new price caps from last year's prices\n"
	"\n"
	"--db defaults to $ADJUDICATOR_DB, then ./adjudicator.db. `adjudicator COMMAND --help`\n"
	"describes each command. Exit status: 0 done, 64 usage, 65 bad input data, 66 input\n"
	"missing, 70 internal error, 73 cannot create output, 74 I/O or database error.\n";

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{"init", cmd_init},
		{"catalog", cmd_catalog},
		{"members", cmd_members},
		{"adjudicate", cmd_adjudicate},
		{"report", cmd_report},
		{"remittance", cmd_remittance},
		{"explain", cmd_explain},
		{"replay", cmd_replay},
		{"settle", cmd_settle},
	};

	/* A full disk or a file-size limit, and a closed pipe, must come back
	 * as write errors (exit 74 with a message, the batch rolled back), not
	 * as signals that kill the process mid-write. */
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc, argv);
	fprintf(stderr, "adjudicator: unknown command %s\n%s", argv[1], usage);
	return EXIT_USAGE;
}
