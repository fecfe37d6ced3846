/* main.c - aiusage entry point: parse options, dispatch through the
 * command table. Each command lives in its own file under src/cli/. */
#include "cli/cli.h"
#include "core/dynlib.h"

#include <stdio.h>
#include <string.h>

#ifndef AIU_VERSION
#define AIU_VERSION "0.1.0"
#endif

const struct command commands[] = {
	{ "run", cmd_run, "sync local data, then show it (what `make run` does)" },
	{ "sync", cmd_sync, "ingest new Claude Code transcript lines (--errors lists bad lines)" },
	{ "daily", cmd_report, "usage and cost per day (the default)" },
	{ "weekly", cmd_report, "usage and cost per week" },
	{ "monthly", cmd_report, "usage and cost per month" },
	{ "session", cmd_report, "usage and cost per session" },
	{ "blocks", cmd_report, "5-hour billing windows: active block, burn rate, projection" },
	{ "projects", cmd_report, "usage and cost per project" },
	{ "models", cmd_report, "usage and cost per model" },
	{ "tools", cmd_report, "tool calls per tool" },
	{ "pull", cmd_pull, "fetch organisation data: pull anthropic|cursor|all [--since D] [--until D]" },
	{ "org", cmd_org, "organisation spend, people, teams and attribution coverage from the store" },
	{ "serve", cmd_serve, "serve the dashboard and REST API (default http://127.0.0.1:3001/)" },
	{ "retention", cmd_retention, "show or set how long history is kept: retention [DAYS|forever]" },
	{ "import", cmd_import, "import claude-ai FILE...: claude.ai audit-log export (ZIP, CSV or JSON)" },
	{ "metabase", cmd_metabase, "metabase provision --metabase-url URL: database, collection, cards, dashboards" },
	{ "token", cmd_token, "team server tokens: token create --role admin|ingest|read | list | revoke ID" },
	{ "push", cmd_push, "send this machine's new usage records to a team server: push --server URL --token T" },
	{ "demo", cmd_demo, "write a realistic demo history into its own database" },
	{ "version", cmd_version, "print the version" },
	{ "help", cmd_help, "this help" },
	{ NULL, NULL, NULL },
};

int cmd_version(struct cli_ctx *c)
{
	(void)c;
	printf("aiusage %s\n", AIU_VERSION);
	return 0;
}

int cmd_help(struct cli_ctx *c)
{
	(void)c;
	cli_usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct cli_ctx c;
	struct aiu_err err = { 0 };
	int rc = 2;

	if (cli_parse(&c, argc, argv, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		return 2;
	}
	for (const struct command *cmd = commands; cmd->name; cmd++) {
		if (strcmp(cmd->name, c.cmd) == 0) {
			rc = cmd->fn(&c);
			goto out;
		}
	}
	fprintf(stderr, "aiusage: unknown command '%s' (see aiusage --help)\n", c.cmd);
out:
	cli_ctx_release(&c);
	dynlib_cleanup(); /* libraries loaded on first use (core/dynlib.h) */
	return rc;
}
