/* store_sqlite_dict.c - the SQLite backend's dictionaries (projects,
 * models, tools): name <-> id, cached in memory per connection, so interning
 * a known name costs no statement. The cache is owned by struct
 * sqlite_store and freed by sq_close (and cleared by a rollback). */
#include "store/store_sqlite_int.h"
#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

static int dict_remember(struct dict_cache *dc, int64_t id, const char *str, size_t n)
{
	uint64_t h;
	int64_t *slot;
	if (id <= 0 || id > (int64_t)1 << 30)
		return AIU_EDB;
	if ((size_t)id >= dc->cap) {
		size_t ncap = dc->cap ? dc->cap : 64;
		char **nv;
		while (ncap <= (size_t)id)
			ncap *= 2;
		nv = realloc(dc->names, ncap * sizeof(*nv));
		if (!nv)
			return AIU_ENOMEM;
		memset(nv + dc->cap, 0, (ncap - dc->cap) * sizeof(*nv));
		dc->names = nv;
		dc->cap = ncap;
	}
	if (!dc->names[id] && !(dc->names[id] = strndup(str, n)))
		return AIU_ENOMEM;
	h = hash64(str, n);
	slot = kmap_put(&dc->by_name, &h, NULL);
	if (!slot)
		return AIU_ENOMEM;
	*slot = id;
	return AIU_OK;
}

int sq_intern(struct store *s, enum store_dict d, const char *str, size_t n,
		     int64_t *id, struct aiu_err *err)
{
	static const enum stmt_id get[] = { S_DICT_GET_P, S_DICT_GET_M, S_DICT_GET_T };
	static const enum stmt_id add[] = { S_DICT_ADD_P, S_DICT_ADD_M, S_DICT_ADD_T };
	struct sqlite_store *q = SQ(s);
	struct dict_cache *dc = &q->dict[d];
	uint64_t h = hash64(str, n);
	int64_t *hit = kmap_get(&dc->by_name, &h);
	sqlite3_stmt *st;
	int rc;

	if (hit && (size_t)*hit < dc->cap && dc->names[*hit] &&
	    strlen(dc->names[*hit]) == n && memcmp(dc->names[*hit], str, n) == 0) {
		*id = *hit;
		return AIU_OK;
	}
	if (!(st = sq_stmt(q, get[d], err)))
		return AIU_EDB;
	sqlite3_bind_text(st, 1, str, (int)n, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	} else {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return sq_db_err(q, err, "dictionary lookup");
		if (!(st = sq_stmt(q, add[d], err)))
			return AIU_EDB;
		sqlite3_bind_text(st, 1, str, (int)n, SQLITE_STATIC);
		if ((rc = sq_exec_stmt(q, st, err, "dictionary insert")) < 0)
			return rc;
		*id = sqlite3_last_insert_rowid(q->db);
	}
	return dict_remember(dc, *id, str, n) < 0 ? aiu_errf(err, AIU_ENOMEM, "out of memory") : AIU_OK;
}

const char *sq_dict_name(struct store *s, enum store_dict d, int64_t id)
{
	static const char *const tbl[] = { "SELECT name FROM projects WHERE id = ?1",
		"SELECT name FROM models WHERE id = ?1", "SELECT name FROM tools WHERE id = ?1" };
	struct sqlite_store *q = SQ(s);
	struct dict_cache *dc = &q->dict[d];
	sqlite3_stmt *st = NULL;
	const char *res = NULL;

	if (id > 0 && (size_t)id < dc->cap && dc->names[id])
		return dc->names[id];
	if (sqlite3_prepare_v2(q->db, tbl[d], -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t && dict_remember(dc, id, t, strlen(t)) == AIU_OK)
			res = dc->names[id];
	}
out:
	sqlite3_finalize(st);
	return res ? res : "";
}
