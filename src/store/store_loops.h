/* store_loops.h - the bulk store ops as loops over the one-row ops (for a
 * backend without round trips: SQLite). Signatures as in store.h. */
#ifndef AIU_STORE_LOOPS_H
#define AIU_STORE_LOOPS_H

#include "store/store.h"

int store_loop_usage_get_many(struct store *s, const int64_t *keys, size_t n,
			      int (*cb)(void *ctx, const struct usage_row *r), void *ctx,
			      struct aiu_err *err);
int store_loop_message_add_many(struct store *s, const struct message_row *rows, size_t n,
				bool *inserted, struct aiu_err *err);
int store_loop_session_rollup_add_many(struct store *s, const struct session_rollup_row *const *d,
				       size_t n, struct aiu_err *err);
int store_loop_session_get_many(struct store *s, const char *const *uuids, size_t n,
				int (*cb)(void *ctx, const struct session_row *r, bool created),
				void *ctx, struct aiu_err *err);

#endif
