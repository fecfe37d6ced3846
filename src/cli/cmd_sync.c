/* cmd_sync.c - `aiusage sync [--errors]`. */
#include "cli/cli.h"

#include <stdio.h>

static int print_bad(void *ctx, const char *path, int64_t line_no, int64_t byte_off,
		     const char *msg)
{
	(void)ctx;
	printf("%s:%lld: %s (byte %lld)\n", path, (long long)line_no, msg, (long long)byte_off);
	return 0;
}

int cmd_sync(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	int rc;

	if ((rc = cli_sync(c, true, &err)) < 0)
		goto out;
	if (c->errors)
		rc = c->store->ops->bad_line_scan(c->store, 100000, print_bad, NULL, &err);
out:
	if (rc < 0)
		fprintf(stderr, "aiusage: %s\n", err.msg);
	return rc < 0 ? 1 : 0;
}
