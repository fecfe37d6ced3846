/* cmd_retention.c - `aiusage retention [N|forever]`: show or set how long
 * the store keeps history (default forever; see store/retention.h). */
#include "cli/cli.h"
#include "store/retention.h"

#include <stdio.h>

int cmd_retention(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	struct store_prune_stats ps;
	int64_t days = 0;
	int rc;

	if ((rc = cli_open_store(c, &err)) < 0)
		goto out;
	if (c->npositional > 1) {
		rc = aiu_errf(&err, AIU_EARG, "usage: aiusage retention [DAYS|forever]");
		goto out;
	}
	if (c->npositional == 1) {
		if ((rc = retention_parse(c->positional[0], &days, &err)) < 0 ||
		    (rc = retention_set(c->store, days, &err)) < 0 ||
		    (rc = retention_apply(c->store, &ps, &err)) < 0)
			goto out;
		if (days && !c->quiet)
			printf("pruned %lld request%s, %lld prompt%s, %lld session%s older than %lld days\n",
			       (long long)ps.usage, ps.usage == 1 ? "" : "s", (long long)ps.prompts,
			       ps.prompts == 1 ? "" : "s", (long long)ps.sessions,
			       ps.sessions == 1 ? "" : "s", (long long)days);
	}
	if ((rc = retention_get(c->store, &days, &err)) < 0)
		goto out;
	if (days)
		printf("retention: %lld days (older data is deleted after each sync)\n", (long long)days);
	else
		printf("retention: forever (the default: nothing is ever deleted)\n");
out:
	if (rc < 0)
		fprintf(stderr, "aiusage: %s\n", err.msg);
	return rc < 0 ? 1 : 0;
}
