/* store_pg.h - PostgreSQL backend constructor (see store.h for the interface). */
#ifndef AIU_STORE_PG_H
#define AIU_STORE_PG_H

#include "store/store.h"

#include <stddef.h>

/* Opens (and migrates) the database at a postgres:// or postgresql:// URI. */
int store_pg_open(const char *uri, struct store **out, struct aiu_err *err);
/* The raw libpq connection (a PGconn *), for tests; NULL for other backends.
 * Queued writes (store_pg_wb.c) are sent first, so raw reads see them. */
void *store_pg_handle(struct store *s);
/* The backend's ops table (tests check every op is set: test_store_ops.c). */
const struct store_ops *store_pg_ops(void);
/* Copies uri into out (cap bytes) with any password removed: the user:password@
 * part becomes user@ and a password=... parameter becomes password=***. */
void store_pg_redact(const char *uri, char *out, size_t cap);

#endif
