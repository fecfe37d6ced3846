/* store_pg_org.h - the organisation ops of the PostgreSQL backend
 * (store_pg_org.c), wired into the ops table in store_pg.c. */
#ifndef AIU_STORE_PG_ORG_H
#define AIU_STORE_PG_ORG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

int pg_org_checkpoint_get(struct store *s, const char *source, const char *name, char *out, size_t cap, bool *found, struct aiu_err *err);
int pg_org_checkpoint_put(struct store *s, const char *source, const char *name, const char *value, struct aiu_err *err);
int pg_org_run_start(struct store *s, struct org_run *r, struct aiu_err *err);
int pg_org_run_finish(struct store *s, const struct org_run *r, struct aiu_err *err);
int pg_org_run_scan(struct store *s, int64_t limit, int (*cb)(void *ctx, const struct org_run *r), void *ctx, struct aiu_err *err);
int pg_anth_day_clear(struct store *s, enum anth_table t, int64_t day, struct aiu_err *err);
int pg_anth_usage_put(struct store *s, const struct anth_usage_row *r, struct aiu_err *err);
int pg_anth_cost_put(struct store *s, const struct anth_cost_row *r, struct aiu_err *err);
int pg_anth_cc_put(struct store *s, const struct anth_cc_rec *r, struct aiu_err *err);
int pg_anth_user_put(struct store *s, const struct anth_user *u, struct aiu_err *err);
int pg_anth_workspace_put(struct store *s, const struct anth_workspace *w, struct aiu_err *err);
int pg_anth_key_put(struct store *s, const struct anth_key *k, struct aiu_err *err);
int pg_org_person_put(struct store *s, const struct org_person *p, struct aiu_err *err);
int pg_org_key_map_clear(struct store *s, struct aiu_err *err);
int pg_org_key_map_put(struct store *s, const char *key_name, const char *email, struct aiu_err *err);
int pg_anth_usage_scan(struct store *s, int64_t from, int64_t to, int (*cb)(void *ctx, const struct anth_usage_row *r), void *ctx, struct aiu_err *err);
int pg_anth_cost_scan(struct store *s, int64_t from, int64_t to, int (*cb)(void *ctx, const struct anth_cost_row *r), void *ctx, struct aiu_err *err);
int pg_anth_cc_scan(struct store *s, int64_t from, int64_t to, int (*cb)(void *ctx, const struct anth_cc_rec *r), void *ctx, struct aiu_err *err);
int pg_anth_user_scan(struct store *s, int (*cb)(void *ctx, const struct anth_user *u), void *ctx, struct aiu_err *err);
int pg_anth_workspace_scan(struct store *s, int (*cb)(void *ctx, const struct anth_workspace *w), void *ctx, struct aiu_err *err);
int pg_anth_key_scan(struct store *s, int (*cb)(void *ctx, const struct anth_key *k), void *ctx, struct aiu_err *err);
int pg_org_person_scan(struct store *s, int (*cb)(void *ctx, const struct org_person *p), void *ctx, struct aiu_err *err);
int pg_org_key_map_scan(struct store *s, int (*cb)(void *ctx, const char *key_name, const char *email), void *ctx, struct aiu_err *err);

/* Cursor and claude.ai (store_pg_cursor.c). */
int pg_claude_ai_event_add(struct store *s, const struct claude_ai_event *e, bool *inserted,
			   struct aiu_err *err);
int pg_cursor_member_put(struct store *s, const struct cursor_member *m, struct aiu_err *err);
int pg_cursor_daily_put(struct store *s, const struct cursor_daily *d, bool *inserted,
			struct aiu_err *err);
int pg_cursor_event_put(struct store *s, const struct cursor_event *e, bool *inserted,
			struct aiu_err *err);
int pg_cursor_spend_put(struct store *s, const struct cursor_spend_snap *sp, struct aiu_err *err);
int pg_cursor_spend_scan(struct store *s, int (*cb)(void *ctx, const struct cursor_spend_delta *d),
			 void *ctx, struct aiu_err *err);
int pg_cursor_commit_put(struct store *s, const struct cursor_commit *c, bool *inserted,
			 struct aiu_err *err);
int pg_cursor_change_put(struct store *s, const struct cursor_change *c, bool *inserted,
			 struct aiu_err *err);

/* Org API reads (org_read_pg.c). */
int pg_org_tool_day_scan(struct store *s, int64_t from, int64_t to,
			 int (*cb)(void *ctx, const struct org_tool_day *d), void *ctx,
			 struct aiu_err *err);
int pg_cursor_member_scan(struct store *s, int (*cb)(void *ctx, const struct cursor_member *m),
			  void *ctx, struct aiu_err *err);

#endif
