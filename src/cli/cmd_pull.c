/* cmd_pull.c - `aiusage pull SOURCE [--since D] [--until D] [--backfill-days N]`.
 * Sources are a table; each row knows how to pull itself into the store
 * and print its one-line summary. Keys come from the environment or the
 * config file (core/config.h) and are never printed. */
#include "cli/cli.h"
#include "core/config.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "ingest/cursor_pull.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pull_args {
	int64_t since_ms, until_ms, backfill_days;
};

static int pull_cursor(struct cli_ctx *c, const struct aiu_config *cfg, const struct pull_args *a,
		       struct aiu_err *err)
{
	struct cursor_pull_opts o = {
		.base_url = cfg->cursor_base_url, .api_key = cfg->cursor_api_key,
		.backfill_days = a->backfill_days, .since_ms = a->since_ms, .until_ms = a->until_ms,
		.errf = stderr,
	};
	struct cursor_pull_stats st;
	int rc = cursor_pull(c->store, &o, &st, err);
	if (!c->quiet)
		printf("cursor: %lld members, %lld daily rows (%lld new), %lld events (%lld new, $%lld.%09lld usage-based cost),"
		       " %lld spend snapshots, %lld commits (%lld new), %lld changes (%lld new),"
		       " %lld bad rows, %lld requests, %lld retries%s\n",
		       (long long)st.members, (long long)st.daily, (long long)st.daily_new,
		       (long long)st.events, (long long)st.events_new,
		       (long long)(st.event_cost_nusd / 1000000000), (long long)(st.event_cost_nusd % 1000000000),
		       (long long)st.spend_rows, (long long)st.commits, (long long)st.commits_new,
		       (long long)st.changes, (long long)st.changes_new, (long long)st.bad,
		       (long long)st.requests, (long long)st.retries,
		       st.failed_streams ? " (some streams failed)" : "");
	if (rc == 0 && st.bad)
		rc = aiu_errf(err, AIU_EPARSE, "cursor: %lld bad rows were skipped (listed above)",
			      (long long)st.bad);
	return rc;
}

struct pull_source {
	const char *name;
	int (*fn)(struct cli_ctx *c, const struct aiu_config *cfg, const struct pull_args *a,
		  struct aiu_err *err);
};

static const struct pull_source sources[] = {
	{ "cursor", pull_cursor },
};

int cmd_pull(struct cli_ctx *c)
{
	struct aiu_config *cfg = calloc(1, sizeof(*cfg));
	struct aiu_err err = { 0 };
	struct pull_args a = { 0 };
	const char *want = c->npositional ? c->positional[0] : "all";
	int rc = AIU_OK, status = 0, ran = 0;

	if (!cfg) {
		fprintf(stderr, "aiusage: out of memory\n");
		return 1;
	}
	if ((rc = config_load(cfg, c->config_file, &err)) < 0)
		goto out;
	a.backfill_days = cfg->backfill_days > 0 ? cfg->backfill_days : 90;
	if (c->backfill_days &&
	    (rc = parse_i64_range(c->backfill_days, 1, 3650, &a.backfill_days)) < 0) {
		rc = aiu_errf(&err, AIU_EARG, "--backfill-days: expected 1 to 3650, got '%s'", c->backfill_days);
		goto out;
	}
	if (c->since_day != INT64_MIN)
		a.since_ms = c->since_day * MS_PER_DAY;
	if (c->until_day != INT64_MAX)
		a.until_ms = (c->until_day + 1) * MS_PER_DAY - 1;
	if ((rc = cli_open_store(c, &err)) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		if (strcmp(want, "all") && strcmp(want, sources[i].name))
			continue;
		ran++;
		aiu_err_clear(&err);
		if (sources[i].fn(c, cfg, &a, &err) < 0) {
			fprintf(stderr, "aiusage: %s\n", err.msg);
			status = 1;
		}
	}
	if (!ran)
		rc = aiu_errf(&err, AIU_EARG, "pull: unknown source '%s' (cursor or all)", want);
out:
	if (rc < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		status = 1;
	}
	free(cfg);
	return status;
}
