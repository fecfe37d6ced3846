/* team_pg.h - the team-server ops of the PostgreSQL backend (team_pg.c),
 * wired into the ops table in store_pg.c. */
#ifndef AIU_TEAM_PG_H
#define AIU_TEAM_PG_H

#include "store/store.h"

int pg_token_add(struct store *s, struct api_token *t, struct aiu_err *err);
int pg_token_scan(struct store *s, int (*cb)(void *ctx, const struct api_token *t), void *ctx, struct aiu_err *err);
int pg_token_find(struct store *s, const char *prefix, int (*cb)(void *ctx, const struct api_token *t), void *ctx, struct aiu_err *err);
int pg_token_active_count(struct store *s, int64_t *n, struct aiu_err *err);
int pg_token_revoke(struct store *s, int64_t id, int64_t now_ms, bool *found, struct aiu_err *err);
int pg_push_sent_get(struct store *s, const char *server, int64_t key, int64_t *sig, bool *found, struct aiu_err *err);
int pg_push_sent_put(struct store *s, const char *server, int64_t key, int64_t sig, struct aiu_err *err);
int pg_push_person_put(struct store *s, const char *msg_id, const char *req_id, const char *person, int64_t now_ms, struct aiu_err *err);
int pg_usage_scan(struct store *s, int (*cb)(void *ctx, const struct usage_row *r), void *ctx, struct aiu_err *err);

#endif
