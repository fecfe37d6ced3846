/* cursor_pull.h - `aiusage pull cursor`: the Cursor Admin API and AI Code
 * Tracking API into the store, incrementally.
 *
 * Streams and what each run fetches:
 *   members   GET  /teams/members (all, every run)
 *   daily     POST /teams/daily-usage-data, windows of at most 30 days
 *   events    POST /teams/filtered-usage-events, every page of each window
 *   spend     POST /teams/spend, every page (a running total for the
 *             billing cycle; stored as snapshots -> per-day deltas)
 *   commits   GET  /analytics/ai-code/commits (JSON pages), or commits.csv
 *   changes   GET  /analytics/ai-code/changes (JSON pages), or changes.csv
 *             (CSV on a first run / backfill, "for bulk"; JSON after)
 * Windows are inclusive [start, end] in ms and never overlap within a run.
 * Checkpoints (org_checkpoints, source "cursor", one per stream, the value
 * Unix ms as decimal text) hold the end of the last window completely stored; a later run starts CURSOR_OVERLAP_MS before
 * it (late data is replaced, not added), a first run backfill_days back.
 * Each page's rows and, on a window's last page, the checkpoint are one
 * transaction: a run killed at any point leaves whole pages, and the next
 * run re-fetches from the checkpoint and converges.
 * ETags: the AI Code Tracking JSON pages of an incremental run end at the
 * end of the UTC day, so the query repeats all day; the page's ETag (and
 * whether a next page followed) is kept with the page in org_checkpoints
 * ("etag <path>") and sent as If-None-Match; a 304 means "stored already".
 * Rate limits, client-side: at most 20 requests in any minute per Admin
 * endpoint and 5 per AI Code Tracking endpoint (a sliding window, since
 * Cursor's limits reset each minute; see cursor_pull.c).
 * Auth: HTTP Basic, the key as user name; the key is never printed.
 */
#ifndef AIU_CURSOR_PULL_H
#define AIU_CURSOR_PULL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "ingest/pull.h"
#include "store/store.h"

#define CURSOR_WINDOW_MS (30LL * 86400000LL)
#define CURSOR_OVERLAP_MS (2LL * 86400000LL)

struct cursor_pull_opts {
	const char *base_url;   /* e.g. https://api.cursor.com */
	const char *api_key;    /* secret */
	int64_t backfill_days;  /* first run */
	int64_t since_ms;       /* 0: from the checkpoint (or the backfill) */
	int64_t until_ms;       /* 0: now */
	int64_t today;          /* UTC day of the spend snapshot (pull_ctx.today) */
	int64_t backoff_ms;     /* retry backoff base; 0 = the client's default */
	FILE *errf;             /* bad rows and failed streams are reported here */
};

struct cursor_pull_stats {
	int64_t members, daily, daily_new, events, events_new, event_cost_nusd;
	int64_t spend_rows, commits, commits_new, changes, changes_new;
	int64_t bad, requests, retries, failed_streams, rate_waited_ms, not_modified;
	int64_t from_ms;        /* earliest window start of the run */
};

/* Returns 0 when every stream was pulled; AIU_EIO when some stream failed
 * (the others are stored; err names the first failure). */
int cursor_pull(struct store *s, const struct cursor_pull_opts *o, struct cursor_pull_stats *st,
		struct aiu_err *err);

/* The `pull cursor` row of cmd_pull's source table: options from p (window,
 * backfill, today; key and base URL from p->cfg), summary and counts back
 * into p. Members and claude.ai-style people land in org_people too. */
int cursor_pull_source(struct pull_ctx *p, struct aiu_err *err);

#endif
