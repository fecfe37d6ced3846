/* sync_sqlite.c - the SQLite backend's ops for session detail, sync stats,
 * the meta table and retention (see the last block of struct store_ops).
 *
 * These run rarely (one API call, one prune per sync), so statements are
 * prepared per call and finalized before returning; all SQL binds its
 * parameters.
 *
 * Retention rule (prune_before, cutoff c on a 15-minute bucket boundary):
 *   - usage rows and prompts with ts < c are deleted;
 *   - rollup_usage and rollup_tools rows of buckets before c are deleted
 *     (a bucket lies wholly before or after c, so what stays is exactly what
 *     a store that never saw the older lines would hold);
 *   - rollup_session loses exactly the deleted usage rows' tokens and
 *     counts (rows reaching n = 0 go), sessions' prompt counts the deleted
 *     prompts;
 *   - a session whose last activity is before c is deleted; one that
 *     straddles c starts at its earliest kept request or prompt.
 * The caller holds the transaction, so all of it commits or none does.
 * The two GROUP BY steps name the ts index (migration 4): without table
 * statistics SQLite would otherwise walk the whole (session_id, ts) index
 * for the GROUP BY order instead of reading only the rows before the cutoff.
 */
#include "store/store_sqlite_int.h"
#include "core/strutil.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

int sq_usage_rows(struct sqlite_store *q, const char *where_order, int64_t arg, bool bind,
		 int (*cb)(void *ctx, const struct usage_row *r), void *ctx, struct aiu_err *err,
		 const char *what)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	struct usage_row *u = NULL; /* large (tool names): not on the stack */
	int rc, crc = 0;

	snprintf(sql, sizeof(sql), "SELECT key, msg_id, req_id, ts, session_id, project_id, model_id,"
		 " variant, sidechain, input, output, cw5m, cw1h, cache_read, web_search,"
		 " file_id, line_no, byte_off, service_tier, tools FROM usage %s", where_order);
	if ((rc = sq_prepare(q, sql, &st, err)) < 0)
		goto out;
	if (!(u = malloc(sizeof(*u)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	if (bind)
		sqlite3_bind_int64(st, 1, arg);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(u, 0, sizeof(*u));
		u->key = sqlite3_column_int64(st, 0);
		sq_usage_cols(st, 1, u);
		if ((crc = cb(ctx, u)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = sq_db_err(q, err, what);
		goto out;
	}
	rc = crc;
out:
	sqlite3_finalize(st);
	free(u);
	return rc;
}

int sq_session_usage_scan(struct store *s, int64_t session_id,
			  int (*cb)(void *ctx, const struct usage_row *r), void *ctx,
			  struct aiu_err *err)
{
	return sq_usage_rows(SQ(s), "WHERE session_id = ?1 ORDER BY ts, key", session_id, true, cb,
			     ctx, err, "session usage scan");
}

int sq_session_message_scan(struct store *s, int64_t session_id,
			    int (*cb)(void *ctx, const struct message_row *r), void *ctx,
			    struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	int rc, crc = 0;

	if ((rc = sq_prepare(q, "SELECT key, session_id, ts, file_id, byte_off, byte_len FROM messages"
		       " WHERE session_id = ?1 ORDER BY ts, key", &st, err)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, session_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct message_row m;
		m.key = sqlite3_column_int64(st, 0);
		m.session_id = sqlite3_column_int64(st, 1);
		m.ts = sqlite3_column_int64(st, 2);
		m.file_id = sqlite3_column_int64(st, 3);
		m.byte_off = sqlite3_column_int64(st, 4);
		m.byte_len = sqlite3_column_int64(st, 5);
		if ((crc = cb(ctx, &m)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = sq_db_err(q, err, "session message scan");
		goto out;
	}
	rc = crc;
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_file_get_id(struct store *s, int64_t id, struct file_state *out, bool *found,
		   struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	int rc;

	*found = false;
	if ((rc = sq_prepare(q, "SELECT path, dev, ino, size, mtime_ns, offset, line_no, head_hash,"
		       " head_len, bad_lines, agent_type FROM files WHERE id = ?1", &st, err)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *p = sqlite3_column_text(st, 0);
		const unsigned char *a = sqlite3_column_text(st, 10);
		memset(out, 0, sizeof(*out));
		out->id = id;
		out->path = strdup(p ? (const char *)p : "");
		out->agent_type = a ? strdup((const char *)a) : NULL;
		out->dev = sqlite3_column_int64(st, 1);
		out->ino = sqlite3_column_int64(st, 2);
		out->size = sqlite3_column_int64(st, 3);
		out->mtime_ns = sqlite3_column_int64(st, 4);
		out->offset = sqlite3_column_int64(st, 5);
		out->line_no = sqlite3_column_int64(st, 6);
		out->head_hash = (uint64_t)sqlite3_column_int64(st, 7);
		out->head_len = sqlite3_column_int64(st, 8);
		out->bad_lines = sqlite3_column_int64(st, 9);
		if (!out->path || (a && !out->agent_type)) {
			file_state_release(out);
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
			goto out;
		}
		*found = true;
	} else if (rc != SQLITE_DONE) {
		rc = sq_db_err(q, err, "file lookup by id");
		goto out;
	}
	rc = AIU_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_meta_get(struct store *s, const char *key, char *out, size_t cap, bool *found,
		struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	int rc;

	*found = false;
	if (cap)
		out[0] = '\0';
	if ((rc = sq_prepare(q, "SELECT value FROM meta WHERE key = ?1", &st, err)) < 0)
		goto out;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sq_text_col(st, 0, out, cap);
		*found = true;
	} else if (rc != SQLITE_DONE) {
		rc = sq_db_err(q, err, "meta read");
		goto out;
	}
	rc = AIU_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_meta_set(struct store *s, const char *key, const char *value, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = sq_prepare(q, value ? "INSERT INTO meta(key, value) VALUES (?1, ?2)"
				  " ON CONFLICT(key) DO UPDATE SET value = excluded.value"
				: "DELETE FROM meta WHERE key = ?1", &st, err)) < 0)
		goto out;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (value)
		sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? AIU_OK : sq_db_err(q, err, "meta write");
out:
	sqlite3_finalize(st);
	return rc;
}

/* Runs a one-row query of up to 4 integer columns into v[]. */
static int one_row(struct sqlite_store *q, const char *sql, int64_t *v, int ncol,
		   struct aiu_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if ((rc = sq_prepare(q, sql, &st, err)) < 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = sq_db_err(q, err, sql);
		goto out;
	}
	for (int i = 0; i < ncol; i++)
		v[i] = sqlite3_column_int64(st, i);
	rc = AIU_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

int sq_data_stats(struct store *s, struct store_data_stats *o, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	int64_t v[4] = { 0 };
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = one_row(q, "SELECT count(*), coalesce(min(first_ts), 0), coalesce(max(last_ts), 0)"
			  " FROM sessions WHERE first_ts > 0", v, 3, err)) < 0)
		return rc;
	o->sessions = v[0];
	o->oldest_ts = v[1];
	o->newest_ts = v[2];
	if ((rc = one_row(q, "SELECT (SELECT count(*) FROM usage), (SELECT count(*) FROM messages)",
			  v, 2, err)) < 0)
		return rc;
	o->requests = v[0];
	o->prompts = v[1];
	if ((rc = one_row(q, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
			  v, 1, err)) < 0)
		return rc;
	o->bytes = v[0];
	return AIU_OK;
}

/* The sessions that can hold rows older than the cutoff: every stored row
 * is dated at or after its session's first_ts, so old rows are found
 * through these and usage/messages(session_id, ts) (migration 7). */
#define OLD_SESSIONS "SELECT id FROM sessions WHERE first_ts < ?1"

/* The prune, step by step; ?1 = cutoff ms, ?2 = cutoff bucket. Order
 * matters: rollup_session and prompt counts are adjusted from the rows
 * before they are deleted, session bounds after. */
static const struct {
	const char *sql;
	int counts;   /* 0 none, 1 usage, 2 prompts, 3 sessions */
} prune_steps[] = {
	{ "UPDATE rollup_session SET n = rollup_session.n - d.n,"
	  " input = rollup_session.input - d.input, output = rollup_session.output - d.output,"
	  " cw5m = rollup_session.cw5m - d.cw5m, cw1h = rollup_session.cw1h - d.cw1h,"
	  " cache_read = rollup_session.cache_read - d.cache_read,"
	  " web_search = rollup_session.web_search - d.web_search"
	  " FROM (SELECT session_id, model_id, variant, count(*) AS n, sum(input) AS input,"
	  " sum(output) AS output, sum(cw5m) AS cw5m, sum(cw1h) AS cw1h,"
	  " sum(cache_read) AS cache_read, sum(web_search) AS web_search"
	  " FROM usage INDEXED BY usage_session_ts WHERE session_id IN (" OLD_SESSIONS ") AND ts < ?1"
	  " GROUP BY session_id, model_id, variant) AS d"
	  " WHERE rollup_session.session_id = d.session_id AND rollup_session.model_id = d.model_id"
	  " AND rollup_session.variant = d.variant", 0 },
	{ "DELETE FROM rollup_session WHERE n <= 0", 0 },
	{ "UPDATE sessions SET user_msgs = max(0, user_msgs - d.c)"
	  " FROM (SELECT session_id, count(*) AS c FROM messages INDEXED BY messages_session_ts"
	  " WHERE session_id IN (" OLD_SESSIONS ") AND ts < ?1 GROUP BY session_id) AS d"
	  " WHERE sessions.id = d.session_id", 0 },
	{ "DELETE FROM usage WHERE session_id IN (" OLD_SESSIONS ") AND ts < ?1", 1 },
	{ "DELETE FROM messages WHERE session_id IN (" OLD_SESSIONS ") AND ts < ?1", 2 },
	{ "DELETE FROM rollup_usage WHERE bucket < ?2", 0 },
	{ "DELETE FROM rollup_tools WHERE bucket < ?2", 0 },
	{ "DELETE FROM rollup_session WHERE session_id IN (SELECT id FROM sessions WHERE last_ts < ?1)", 0 },
	{ "DELETE FROM sessions WHERE last_ts < ?1", 3 },
	{ "UPDATE sessions SET first_ts = coalesce((SELECT min(t) FROM ("
	  " SELECT min(ts) AS t FROM usage WHERE session_id = sessions.id UNION ALL"
	  " SELECT min(ts) FROM messages WHERE session_id = sessions.id)), last_ts)"
	  " WHERE first_ts < ?1", 0 },
};

/* The secondary indexes of usage and messages (migration 4). A first sync
 * into an empty store drops them and builds them once at the end (one sort
 * each), instead of updating four more b-trees on every random-keyed
 * insert: measured on the 1 GiB reference corpus, 0.3 s of a 1.4 s first
 * sync. A sync killed in between leaves them missing, which costs only
 * speed (every query is still correct); the next sync builds them, and so
 * does a prune, whose statements name two of them. */
static const char *const bulk_indexes[][2] = {
	{ "usage_session_ts", "CREATE INDEX IF NOT EXISTS usage_session_ts ON usage(session_id, ts)" },
	{ "messages_session_ts", "CREATE INDEX IF NOT EXISTS messages_session_ts ON messages(session_id, ts)" },
};
#define N_BULK_INDEXES (sizeof(bulk_indexes) / sizeof(bulk_indexes[0]))

void sq_indexes_drop(struct sqlite_store *q)
{
	for (size_t i = 0; i < N_BULK_INDEXES; i++) {
		char sql[96];
		snprintf(sql, sizeof(sql), "DROP INDEX IF EXISTS %s", bulk_indexes[i][0]);
		sqlite3_exec(q->db, sql, NULL, NULL, NULL); /* best effort: see above */
	}
}

int sq_indexes_ensure(struct sqlite_store *q, struct aiu_err *err)
{
	int rc = AIU_OK;

	/* building an index sorts the whole table: let that sort spill to
	 * temporary files (bounded memory) instead of the connection's usual
	 * temp_store=MEMORY, which would hold it all (~45 MiB at 1M rows) */
	sqlite3_exec(q->db, "PRAGMA temp_store=FILE", NULL, NULL, NULL);
	for (size_t i = 0; i < N_BULK_INDEXES && rc == AIU_OK; i++)
		if (sqlite3_exec(q->db, bulk_indexes[i][1], NULL, NULL, NULL) != SQLITE_OK)
			rc = sq_db_err(q, err, bulk_indexes[i][0]);
	sqlite3_exec(q->db, "PRAGMA temp_store=MEMORY", NULL, NULL, NULL);
	return rc;
}

int sq_prune_before(struct store *s, int64_t cutoff_ms, struct store_prune_stats *o,
		    struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	int rc = AIU_OK;

	memset(o, 0, sizeof(*o));
	if (cutoff_ms % BUCKET_MS)
		return aiu_errf(err, AIU_EARG, "retention cutoff %lld is not on a bucket boundary",
				(long long)cutoff_ms);
	if ((rc = sq_indexes_ensure(q, err)) < 0)
		return rc;
	for (size_t i = 0; i < sizeof(prune_steps) / sizeof(prune_steps[0]); i++) {
		sqlite3_stmt *st = NULL;
		if ((rc = sq_prepare(q, prune_steps[i].sql, &st, err)) < 0)
			return rc;
		if (sqlite3_bind_parameter_count(st) >= 1)
			sqlite3_bind_int64(st, 1, cutoff_ms);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_int64(st, 2, cutoff_ms / BUCKET_MS);
		rc = sqlite3_step(st) == SQLITE_DONE ? AIU_OK : sq_db_err(q, err, "retention prune");
		sqlite3_finalize(st);
		if (rc < 0)
			return rc;
		switch (prune_steps[i].counts) {
		case 1: o->usage = sqlite3_changes64(q->db); break;
		case 2: o->prompts = sqlite3_changes64(q->db); break;
		case 3: o->sessions = sqlite3_changes64(q->db); break;
		default: break;
		}
	}
	return AIU_OK;
}
