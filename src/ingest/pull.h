/* pull.h - what every organisation source's pull shares: the run context
 * filled by `aiusage pull` (cli/cmd_pull.c, which holds the table of
 * sources) and the window rule.
 *
 * Window rule (pull_window): --since/--until when given; otherwise from the
 * source's checkpoint (the last day already fetched, fetched again because
 * it may have been incomplete) to today; a first run (no checkpoint)
 * backfills backfill_days. Checkpoints only move forward.
 */
#ifndef AIU_PULL_H
#define AIU_PULL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "core/err.h"
#include "store/store.h"

struct pull_ctx {
	struct store *store;
	const struct aiu_config *cfg;
	int64_t since_day, until_day;  /* INT64_MIN / INT64_MAX when not given */
	int64_t backfill_days;
	int64_t today;                 /* UTC day number (AIUSAGE_TODAY=YYYY-MM-DD overrides) */
	int64_t backoff_ms;            /* base retry backoff (AIUSAGE_HTTP_BACKOFF_MS overrides) */
	int64_t rpm;                   /* requests per minute per endpoint, 0 = the source's
					* default (AIUSAGE_PULL_RPM overrides; for tests and proxies) */
	FILE *errf;                    /* row and endpoint errors, one per line */
	/* filled by the source */
	int64_t from_day, to_day;      /* widest window pulled (for the run record) */
	int64_t rows, bad_rows, requests, retries;
	int nerrors;                   /* endpoints that failed or rows skipped */
	char first_error[512];         /* for the run record (no secrets) */
	char summary[1024];            /* one line, printed by cmd_pull */
};

typedef int (*pull_fn)(struct pull_ctx *p, struct aiu_err *err);

struct pull_source {
	const char *name;
	pull_fn fn;
	const char *help;
};

/* The window for one endpoint of a source: see the rule above. */
int pull_window(struct pull_ctx *p, const char *source, const char *endpoint, int64_t *from,
		int64_t *to, struct aiu_err *err);
/* Moves the checkpoint of (source, endpoint) forward to day (never back). */
int pull_checkpoint_advance(struct pull_ctx *p, const char *source, const char *endpoint,
			    int64_t day, struct aiu_err *err);
/* Records an error line (printed to errf, first one kept for the run). */
void pull_note_error(struct pull_ctx *p, const char *msg);

#endif
