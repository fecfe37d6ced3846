/* cmd_import.c - `aiusage import claude-ai FILE...`: claude.ai audit-log
 * exports (ZIP, CSV or JSON) into the store. Bad rows are listed on stderr
 * with file and line; everything else is imported. Exit status 1 when any
 * row or file was bad. */
#include "cli/cli.h"
#include "ingest/claude_ai.h"

#include <stdio.h>
#include <string.h>

int cmd_import(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	int rc = AIU_OK, status = 0;

	if (c->npositional < 2 || strcmp(c->positional[0], "claude-ai") != 0) {
		fprintf(stderr, "aiusage: usage: aiusage import claude-ai FILE... (ZIP, CSV or JSON audit-log export)\n");
		return 2;
	}
	if ((rc = cli_open_store(c, &err)) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		return 1;
	}
	for (size_t i = 1; i < c->npositional; i++) {
		struct claude_ai_stats st;
		const char *path = c->positional[i];
		aiu_err_clear(&err);
		rc = claude_ai_import(c->store, path, stderr, &st, &err);
		if (rc < 0) {
			fprintf(stderr, "aiusage: %s\n", err.msg);
			status = 1;
		}
		if (st.bad)
			status = 1;
		if (!c->quiet)
			printf("claude-ai: %s: %lld rows, %lld new, %lld already stored, %lld bad, %lld people%s\n",
			       path, (long long)st.rows, (long long)st.added, (long long)st.already,
			       (long long)st.bad, (long long)st.people, rc < 0 ? " (stopped early)" : "");
	}
	return status;
}
