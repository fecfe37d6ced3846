/* cmd_run.c - the main job behind `make run`: sync local Claude Code data,
 * show the daily table, then serve the dashboard and print its URL (until
 * Ctrl-C). With no local data it says so and offers the demo, and then
 * serves the demo store. */
#include "cli/cli.h"
#include "ingest/cc_discover.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool ask_yes(const char *q)
{
	char line[16];
	if (!isatty(0))
		return false;
	printf("%s [y/N] ", q);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

/* Serves c's store; without --listen, a busy default port falls back to
 * any free one. */
static int serve(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	bool chosen = c->listen != NULL;
	int rc;

	printf("\nStarting the dashboard (Ctrl-C stops it)...\n");
	fflush(stdout);
	rc = cli_serve(c, &err);
	if (rc == AIU_EIO && !chosen) {
		c->listen = "127.0.0.1:0";
		rc = cli_serve(c, &err);
	}
	if (rc < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		return 1;
	}
	return 0;
}

int cmd_run(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	struct cc_file_list fl;
	int rc;

	if (!c->demo) {
		if ((rc = cc_discover(c->ndirs ? c->dirs : NULL, c->ndirs, &fl, &err)) < 0) {
			fprintf(stderr, "aiusage: %s\n", err.msg);
			return 1;
		}
		bool none = fl.n == 0;
		cc_file_list_free(&fl);
		if (none) {
			printf("No Claude Code transcripts found (looked in $CLAUDE_CONFIG_DIR, ~/.config/claude/projects\n"
			       "and ~/.claude/projects). aiusage can show you a realistic demo history instead.\n");
			if (c->yes || ask_yes("Load the demo data now?")) {
				if ((rc = cmd_demo(c)) != 0)
					return rc;
				return serve(c);
			}
			printf("Run `aiusage demo` (or `make run ARGS=--yes`) to load it, or point aiusage at your data\n"
			       "with --claude-dir DIR.\n");
			return 0;
		}
	}
	if ((rc = cli_sync(c, true, &err)) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		return 1;
	}
	c->cmd = "daily";
	c->no_sync = true;
	if ((rc = cmd_report(c)) != 0)
		return rc;
	return serve(c);
}
