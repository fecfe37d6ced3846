/* cmd_pull.c - `aiusage pull anthropic|all [--since D] [--until D]
 * [--backfill-days N]`: fetch organisation data from vendor APIs.
 *
 * Sources are a table: a source is a name and a function filling a
 * struct pull_ctx (ingest/pull.h). Every source run is recorded in the
 * store (org_pull_runs: time, window, status, error) for freshness. The
 * store's sync lock is held for the whole pull, so two pulls (or a pull and
 * a server's scheduled pull) never interleave.
 */
#include "cli/cli.h"
#include "core/config.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "ingest/anthropic_pull.h"
#include "ingest/cursor_pull.h"
#include "ingest/pull.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct pull_source sources[] = {
	{ "anthropic", anthropic_pull, "Anthropic Admin API: usage, cost, Claude Code, keys, users" },
	{ "cursor", cursor_pull_source, "Cursor Admin API and AI Code Tracking API" },
};

static int run_source(struct cli_ctx *c, const struct pull_source *src, struct pull_ctx *p,
		      struct aiu_err *err)
{
	struct store *s = c->store;
	struct org_run run;
	char from[16], to[16];
	int rc, rc2;

	memset(&run, 0, sizeof(run));
	str_copy(run.source, src->name, sizeof(run.source));
	run.started_ms = now_ms();
	run.from_day = p->since_day != INT64_MIN ? p->since_day : p->today - p->backfill_days + 1;
	run.to_day = p->until_day != INT64_MAX ? p->until_day : p->today;
	if ((rc = store_begin(s, err)) < 0 || (rc = s->ops->org_run_start(s, &run, err)) < 0 ||
	    (rc = store_commit(s, err)) < 0) {
		store_rollback(s);
		return rc;
	}
	rc = src->fn(p, err);
	run.finished_ms = now_ms();
	run.from_day = p->from_day;
	run.to_day = p->to_day;
	run.rows = p->rows;
	run.requests = p->requests;
	if (rc < 0) {
		str_copy(run.status, "error", sizeof(run.status));
		str_copy(run.error, err->msg, sizeof(run.error));
	} else if (p->nerrors) {
		str_copy(run.status, "partial", sizeof(run.status));
		str_copy(run.error, p->first_error, sizeof(run.error));
	} else {
		str_copy(run.status, "ok", sizeof(run.status));
	}
	{
		struct aiu_err e2;
		if ((rc2 = store_begin(s, &e2)) < 0 || (rc2 = s->ops->org_run_finish(s, &run, &e2)) < 0 ||
		    (rc2 = store_commit(s, &e2)) < 0) {
			store_rollback(s);
			fprintf(stderr, "aiusage: could not record the pull run: %s\n", e2.msg);
		}
	}
	if (rc < 0)
		return rc;
	if (!c->quiet) {
		format_day(p->from_day, from, sizeof(from));
		format_day(p->to_day, to, sizeof(to));
		printf("pull %s %s..%s: %s\n", src->name, from, to, p->summary);
	}
	return p->nerrors ? AIU_EPARSE : AIU_OK;
}

static int today_day(int64_t *day, struct aiu_err *err)
{
	const char *t = getenv("AIUSAGE_TODAY"); /* tests pin "today" */
	if (t && *t) {
		if (parse_day_arg(t, day) < 0)
			return aiu_errf(err, AIU_EARG, "AIUSAGE_TODAY: '%.40s' is not a date", t);
		return AIU_OK;
	}
	*day = now_ms() / MS_PER_DAY;
	return AIU_OK;
}

int cmd_pull(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	struct aiu_config cfg;
	struct pull_ctx p;
	const char *which = c->npositional ? c->positional[0] : "all";
	const char *bo = getenv("AIUSAGE_HTTP_BACKOFF_MS"), *rpm = getenv("AIUSAGE_PULL_RPM");
	bool any = false, locked = false;
	int rc, failed = 0;

	if ((rc = config_load(&cfg, c->config_file, &err)) < 0)
		goto out;
	memset(&p, 0, sizeof(p));
	p.cfg = &cfg;
	p.since_day = c->since_day;
	p.until_day = c->until_day;
	p.backfill_days = cfg.backfill_days;
	p.errf = stderr;
	if (c->backfill_days &&
	    parse_i64_range(c->backfill_days, 1, 3650, &p.backfill_days) < 0) {
		rc = aiu_errf(&err, AIU_EARG, "--backfill-days: expected 1 to 3650, got '%s'", c->backfill_days);
		goto out;
	}
	if (bo && *bo && parse_i64_range(bo, 1, 600000, &p.backoff_ms) < 0) {
		rc = aiu_errf(&err, AIU_EARG, "AIUSAGE_HTTP_BACKOFF_MS: expected 1 to 600000");
		goto out;
	}
	if (rpm && *rpm && parse_i64_range(rpm, 1, 1000000, &p.rpm) < 0) {
		rc = aiu_errf(&err, AIU_EARG, "AIUSAGE_PULL_RPM: expected 1 to 1000000");
		goto out;
	}
	if ((rc = today_day(&p.today, &err)) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		any |= strcmp(which, "all") == 0 || strcmp(which, sources[i].name) == 0;
	if (!any) {
		char names[256] = "all";
		for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
			size_t n = strlen(names);
			snprintf(names + n, sizeof(names) - n, ", %s", sources[i].name);
		}
		rc = aiu_errf(&err, AIU_EARG, "pull: unknown source '%.64s' (sources: %s)", which, names);
		goto out;
	}
	if (cfg.insecure_file)
		fprintf(stderr, "aiusage: warning: %s holds an API key and other users can read it"
			" (chmod 600 %s)\n", cfg.path, cfg.path);
	if ((rc = cli_open_store(c, &err)) < 0)
		goto out;
	if ((rc = c->store->ops->sync_lock(c->store, 60000, &err)) < 0)
		goto out;
	locked = true;
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		struct aiu_err se = { 0 };
		struct pull_ctx sp = p;
		sp.store = c->store;
		if (strcmp(which, "all") != 0 && strcmp(which, sources[i].name) != 0)
			continue;
		if (run_source(c, &sources[i], &sp, &se) < 0) {
			failed++;
			if (sp.nerrors && se.code == 0)
				fprintf(stderr, "aiusage: pull %s: %d error%s (first: %s)\n", sources[i].name,
					sp.nerrors, sp.nerrors == 1 ? "" : "s", sp.first_error);
			else
				fprintf(stderr, "aiusage: pull %s: %s\n", sources[i].name, se.msg);
		}
	}
	rc = failed ? AIU_EIO : AIU_OK;
	err.msg[0] = '\0';
out:
	if (locked)
		c->store->ops->sync_unlock(c->store);
	memset(&cfg, 0, sizeof(cfg)); /* no key left in memory longer than needed */
	if (rc < 0 && err.msg[0])
		fprintf(stderr, "aiusage: %s\n", err.msg);
	return rc < 0 ? 1 : 0;
}
