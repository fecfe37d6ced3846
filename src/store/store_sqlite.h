/* store_sqlite.h - SQLite backend constructor (see store.h for the interface). */
#ifndef AIU_STORE_SQLITE_H
#define AIU_STORE_SQLITE_H

#include "store/store.h"

typedef struct sqlite3 sqlite3;

int store_sqlite_open(const char *path, struct store **out, struct aiu_err *err);
/* The raw connection, for the query layer's read-only SQL; NULL for other backends. */
sqlite3 *store_sqlite_handle(struct store *s);
/* The backend's ops table (tests check every op is set: test_store_ops.c). */
const struct store_ops *store_sqlite_ops(void);

#endif
