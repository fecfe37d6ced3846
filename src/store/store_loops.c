/* store_loops.c - the bulk ops (store.h: *_many) as loops over the one-row
 * ops, for a backend where an op costs no round trip (SQLite): same
 * results as PostgreSQL's one-statement forms, which test_store_bulk checks
 * on both. cc_apply uses the bulk ops only when store.remote is set. */
#include "store/store_loops.h"

#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* Each stored row once, even when its key is listed twice (in key order). */
int store_loop_usage_get_many(struct store *s, const int64_t *keys, size_t n,
			      int (*cb)(void *ctx, const struct usage_row *r), void *ctx,
			      struct aiu_err *err)
{
	struct usage_row *u = NULL; /* large (tool names): not on the stack */
	int64_t *k = NULL;
	int rc = AIU_OK;

	if (!n)
		return AIU_OK;
	if (!(u = malloc(sizeof(*u))) || !(k = malloc(n * sizeof(*k)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory (usage lookup)");
		goto out;
	}
	memcpy(k, keys, n * sizeof(*k));
	qsort(k, n, sizeof(*k), cmp_i64);
	for (size_t i = 0; i < n && rc == AIU_OK; i++) {
		bool found = false;
		if (i && k[i] == k[i - 1])
			continue;
		if ((rc = s->ops->usage_get(s, k[i], u, &found, err)) == AIU_OK && found)
			rc = cb(ctx, u);
	}
out:
	free(k);
	free(u);
	return rc;
}

int store_loop_message_add_many(struct store *s, const struct message_row *rows, size_t n,
				bool *inserted, struct aiu_err *err)
{
	int rc;
	for (size_t i = 0; i < n; i++) {
		const struct message_row *m = &rows[i];
		if ((rc = s->ops->message_add(s, m->key, m->session_id, m->ts, m->file_id, m->byte_off,
					      m->byte_len, &inserted[i], err)) < 0)
			return rc;
	}
	return AIU_OK;
}

int store_loop_session_rollup_add_many(struct store *s, const struct session_rollup_row *const *d,
				       size_t n, struct aiu_err *err)
{
	int rc;
	for (size_t i = 0; i < n; i++)
		if ((rc = s->ops->session_rollup_add(s, d[i], err)) < 0)
			return rc;
	return AIU_OK;
}

/* Stored sessions first (in the given order), then the missing ones
 * created in the given order, each once, as PostgreSQL's form does. */
int store_loop_session_get_many(struct store *s, const char *const *uuids, size_t n,
				int (*cb)(void *ctx, const struct session_row *r, bool created),
				void *ctx, struct aiu_err *err)
{
	struct session_row row;
	bool *missing = NULL, found;
	int rc = AIU_OK;

	if (!n)
		return AIU_OK;
	if (!(missing = calloc(n, sizeof(*missing))))
		return aiu_errf(err, AIU_ENOMEM, "out of memory (session lookup)");
	for (size_t i = 0; i < n && rc == AIU_OK; i++) {
		found = false;
		if ((rc = s->ops->session_get(s, uuids[i], &row, &found, err)) < 0)
			goto out;
		if (found)
			rc = cb(ctx, &row, false);
		else
			missing[i] = true;
	}
	for (size_t i = 0; i < n && rc == AIU_OK; i++) {
		if (!missing[i])
			continue;
		found = false;
		/* a uuid listed twice was created at its first place */
		if ((rc = s->ops->session_get(s, uuids[i], &row, &found, err)) < 0 || found)
			continue;
		memset(&row, 0, sizeof(row));
		str_copy(row.uuid, uuids[i], sizeof(row.uuid));
		if ((rc = s->ops->session_put(s, &row, err)) == AIU_OK)
			rc = cb(ctx, &row, true);
	}
out:
	free(missing);
	return rc;
}
