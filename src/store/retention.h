/* retention.h - how long the store keeps history.
 *
 * Default: forever. Claude Code deletes its transcripts after 30 days, so
 * the store is often the only copy; pruning is opt-in
 * (`aiusage retention N|forever`, kept in the meta table as
 * "retention_days"). When set, every sync (CLI or server) ends with a prune
 * of everything dated before the cutoff:
 *
 *   cutoff = the start of the 15-minute bucket holding (now - N days)
 *
 * in one transaction (rows, rollups and sessions together; the exact rule
 * is in store/sync_sqlite.c and docs/API.md). Buckets never straddle the
 * cutoff, so every report over the kept period equals that of a store that
 * never had the older lines.
 */
#ifndef AIU_RETENTION_H
#define AIU_RETENTION_H

#include <stdint.h>

#include "store/store.h"

#define RETENTION_META_KEY "retention_days"
#define RETENTION_MAX_DAYS 36500

/* *days = 0 means forever (the default). */
int retention_get(struct store *s, int64_t *days, struct aiu_err *err);
/* days 0 = forever; 1..RETENTION_MAX_DAYS otherwise (AIU_EARG). */
int retention_set(struct store *s, int64_t days, struct aiu_err *err);
/* Parses "forever" or a day count into *days (0 = forever). */
int retention_parse(const char *s, int64_t *days, struct aiu_err *err);
int64_t retention_cutoff_ms(int64_t now_ms, int64_t days);
/* Prunes everything before the cutoff of days at now_ms, in its own
 * transaction; days 0 does nothing. */
int retention_prune(struct store *s, int64_t days, int64_t now_ms,
		    struct store_prune_stats *st, struct aiu_err *err);
/* retention_get + retention_prune at the current time. */
int retention_apply(struct store *s, struct store_prune_stats *st, struct aiu_err *err);

#endif
