/* pull_sched.h - `aiusage serve`'s scheduled organisation pulls.
 *
 * One thread with its own store connection runs every configured source
 * (a source whose key is not configured is skipped) through
 * pull_run_source(), then sleeps for the interval. It never overlaps
 * itself (one thread, sequential), takes the store's sync lock for each
 * round (a concurrent `aiusage pull` or sync makes it skip that round, not
 * wait), records every run in org_pull_runs (failures included: shown by
 * /api/org/freshness) and, like `aiusage pull`, never deletes earlier data:
 * a failed page leaves the days already stored.
 *
 * The first round starts at once. Stopping waits up to 3 s for a round in
 * progress; a round still running then (vendor retries, rate-limit waits)
 * is abandoned to the exiting process: pulls commit whole days atomically,
 * so the store stays consistent and the next pull converges.
 */
#ifndef AIU_PULL_SCHED_H
#define AIU_PULL_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "ingest/pull.h"

struct pull_sched_opts {
	const char *db_path;                 /* copied */
	const struct aiu_config *cfg;        /* copied (keys wiped at stop) */
	const struct pull_source *sources;   /* static table (cmd_pull.c) */
	size_t nsources;
	int64_t interval_s;                  /* > 0 */
	int64_t backoff_ms, rpm;             /* test hooks, 0 = defaults (pull.h) */
	int64_t today;                       /* pinned UTC day, -1 = the clock */
};

struct pull_sched;

/* Parses a schedule: "off", "hourly", "daily", or N followed by s, m or h
 * ("90s", "15m"), or a bare number of seconds. 0 = off. */
int pull_sched_parse(const char *s, int64_t *interval_s, struct aiu_err *err);
/* True when at least one source has its key configured. */
bool pull_sched_any_key(const struct aiu_config *cfg);
/* *out owned by the caller, stopped and freed with pull_sched_stop. */
int pull_sched_start(const struct pull_sched_opts *o, struct pull_sched **out,
		     struct aiu_err *err);
void pull_sched_stop(struct pull_sched *ps);

#endif
