/* retention.c - see retention.h. */
#include "store/retention.h"
#include "core/strutil.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int retention_get(struct store *s, int64_t *days, struct aiu_err *err)
{
	char v[32];
	bool found;
	int rc;

	*days = 0;
	if ((rc = s->ops->meta_get(s, RETENTION_META_KEY, v, sizeof(v), &found, err)) < 0)
		return rc;
	if (found && parse_i64_range(v, 1, RETENTION_MAX_DAYS, days) < 0)
		return aiu_errf(err, AIU_EDB, "%s: meta %s: bad value '%s'", s->uri,
				RETENTION_META_KEY, v);
	return AIU_OK;
}

int retention_set(struct store *s, int64_t days, struct aiu_err *err)
{
	char v[32];
	int rc;
	if (days < 0 || days > RETENTION_MAX_DAYS)
		return aiu_errf(err, AIU_EARG, "retention: %lld days is out of range (1..%d or forever)",
				(long long)days, RETENTION_MAX_DAYS);
	snprintf(v, sizeof(v), "%lld", (long long)days);
	if ((rc = store_begin(s, err)) < 0)
		return rc;
	if ((rc = s->ops->meta_set(s, RETENTION_META_KEY, days ? v : NULL, err)) < 0) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

int retention_parse(const char *s, int64_t *days, struct aiu_err *err)
{
	if (strcmp(s, "forever") == 0 || strcmp(s, "null") == 0) {
		*days = 0;
		return AIU_OK;
	}
	if (parse_i64_range(s, 1, RETENTION_MAX_DAYS, days) < 0)
		return aiu_errf(err, AIU_EARG, "retention: '%s' is not a day count (1..%d) or 'forever'",
				s, RETENTION_MAX_DAYS);
	return AIU_OK;
}

int64_t retention_cutoff_ms(int64_t now_ms, int64_t days)
{
	int64_t t = now_ms - days * 86400000LL;
	int64_t b = t >= 0 ? t / BUCKET_MS : -((-t + BUCKET_MS - 1) / BUCKET_MS);
	return b * BUCKET_MS;
}

static int oldest_cb(void *ctx, const struct session_row *r)
{
	int64_t *min = ctx;
	if (r->first_ts > 0 && r->first_ts < *min)
		*min = r->first_ts;
	return 0;
}

int retention_prune(struct store *s, int64_t days, int64_t now_ms,
		    struct store_prune_stats *st, struct aiu_err *err)
{
	int64_t cutoff, oldest = INT64_MAX;
	int rc;
	memset(st, 0, sizeof(*st));
	if (days <= 0)
		return AIU_OK;
	cutoff = retention_cutoff_ms(now_ms, days);
	/* Every stored row is dated at or after its session's start, so when
	 * no session starts before the cutoff there is nothing to delete: a
	 * plain read (sessions are few), no write transaction. */
	if ((rc = s->ops->session_scan(s, oldest_cb, &oldest, err)) < 0)
		return rc;
	if (oldest >= cutoff)
		return AIU_OK;
	if ((rc = store_begin(s, err)) < 0)
		return rc;
	if ((rc = s->ops->prune_before(s, cutoff, st, err)) < 0 ||
	    (rc = store_commit(s, err)) < 0) {
		store_rollback(s);
		return rc;
	}
	return AIU_OK;
}

int retention_apply(struct store *s, struct store_prune_stats *st, struct aiu_err *err)
{
	struct timespec ts;
	int64_t days;
	int rc;
	memset(st, 0, sizeof(*st));
	if ((rc = retention_get(s, &days, err)) < 0 || !days)
		return rc;
	clock_gettime(CLOCK_REALTIME, &ts);
	return retention_prune(s, days, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, st, err);
}
