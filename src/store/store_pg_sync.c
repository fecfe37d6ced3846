/* store_pg_sync.c - the PostgreSQL backend's ops for the data version, read
 * snapshots, session detail, the meta table, sync stats and retention (the
 * same block of struct store_ops that store/sync_sqlite.c implements on
 * SQLite, with identical results).
 *
 * These run rarely (one API call, one prune per sync), so their SQL is run
 * unprepared through pg_exec; every value is a bound parameter.
 *
 * Data version: meta 'generation', bumped by pg_commit inside every write
 * transaction that changed rows (store_pg.c). Read snapshots are
 * REPEATABLE READ READ ONLY transactions, so the scans of one HTTP request
 * see one committed state; read_only makes every later transaction of the
 * session read-only (the server's worker connections).
 *
 * Retention follows the rule in sync_sqlite.c step by step.
 */
#include "store/store_pg_int.h"
#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

int pg_data_version(struct store *s, int64_t *v, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	*v = 0;
	pgp_reset(q->p);
	if ((rc = pg_exec(q, "SELECT value::bigint FROM meta WHERE key = 'generation'", &r, err,
			  "data version")) < 0)
		return rc;
	if (PQntuples(r) == 1)
		*v = pg_i64(r, 0, 0);
	PQclear(r);
	return AIU_OK;
}

int pg_read_begin(struct store *s, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	return pg_exec(q, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL, err, "begin read");
}

/* Ends the snapshot (an aborted one is rolled back by COMMIT). */
void pg_read_end(struct store *s)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pg_exec(q, "COMMIT", NULL, NULL, "end read");
}

int pg_read_only(struct store *s, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	int rc;
	pgp_reset(q->p);
	if ((rc = pg_exec(q, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", NULL, err,
			  "read only")) == AIU_OK)
		q->read_only = true;
	return rc;
}

int pg_session_usage_scan(struct store *s, int64_t session_id,
			  int (*cb)(void *ctx, const struct usage_row *r), void *ctx,
			  struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r = NULL;
	struct usage_row *u = NULL;
	int rc;

	pgp_reset(q->p);
	pgp_i64(q->p, session_id);
	if ((rc = pg_exec(q, "SELECT " PG_USAGE_COLS " FROM usage"
			  " WHERE session_id = $1 ORDER BY ts, key", &r, err,
			  "session usage scan")) < 0)
		goto out;
	if (!(u = malloc(sizeof(*u)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++)
		if ((rc = pg_usage_cols(r, i, u, err)) == AIU_OK)
			rc = cb(ctx, u);
out:
	PQclear(r);
	free(u);
	return rc;
}

int pg_session_message_scan(struct store *s, int64_t session_id,
			    int (*cb)(void *ctx, const struct message_row *r), void *ctx,
			    struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r = NULL;
	int rc;

	pgp_reset(q->p);
	pgp_i64(q->p, session_id);
	if ((rc = pg_exec(q, "SELECT key, session_id, ts, file_id, byte_off, byte_len FROM messages"
			  " WHERE session_id = $1 ORDER BY ts, key", &r, err,
			  "session message scan")) < 0)
		goto out;
	for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
		struct message_row m;
		m.key = pg_i64(r, i, 0);
		m.session_id = pg_i64(r, i, 1);
		m.ts = pg_i64(r, i, 2);
		m.file_id = pg_i64(r, i, 3);
		m.byte_off = pg_i64(r, i, 4);
		m.byte_len = pg_i64(r, i, 5);
		rc = cb(ctx, &m);
	}
out:
	PQclear(r);
	return rc;
}

int pg_file_get_id(struct store *s, int64_t id, struct file_state *out, bool *found,
		   struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r = NULL;
	int rc;

	*found = false;
	pgp_reset(q->p);
	pgp_i64(q->p, id);
	if ((rc = pg_exec(q, "SELECT path, dev, ino, size, mtime_ns, \"offset\", line_no, head_hash,"
			  " head_len, bad_lines, agent_type FROM files WHERE id = $1", &r, err,
			  "file lookup by id")) < 0)
		goto out;
	if (PQntuples(r) == 1) {
		bool has_agent = !PQgetisnull(r, 0, 10);
		memset(out, 0, sizeof(*out));
		out->id = id;
		out->path = strdup(PQgetvalue(r, 0, 0));
		out->agent_type = has_agent ? strdup(PQgetvalue(r, 0, 10)) : NULL;
		out->dev = pg_i64(r, 0, 1);
		out->ino = pg_i64(r, 0, 2);
		out->size = pg_i64(r, 0, 3);
		out->mtime_ns = pg_i64(r, 0, 4);
		out->offset = pg_i64(r, 0, 5);
		out->line_no = pg_i64(r, 0, 6);
		out->head_hash = (uint64_t)pg_i64(r, 0, 7);
		out->head_len = pg_i64(r, 0, 8);
		out->bad_lines = pg_i64(r, 0, 9);
		if (!out->path || (has_agent && !out->agent_type)) {
			file_state_release(out);
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
			goto out;
		}
		*found = true;
	}
out:
	PQclear(r);
	return rc;
}

int pg_meta_get(struct store *s, const char *key, char *out, size_t cap, bool *found,
		struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r = NULL;
	int rc;

	*found = false;
	if (cap)
		out[0] = '\0';
	pgp_reset(q->p);
	pgp_text(q->p, key, SIZE_MAX);
	if ((rc = pg_exec(q, "SELECT value FROM meta WHERE key = $1", &r, err, "meta read")) < 0)
		return rc;
	if (PQntuples(r) == 1) {
		pg_text(r, 0, 0, out, cap);
		*found = true;
	}
	PQclear(r);
	return AIU_OK;
}

int pg_meta_set(struct store *s, const char *key, const char *value, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	pgp_reset(q->p);
	pgp_text(q->p, key, SIZE_MAX);
	if (!value)
		return pg_exec(q, "DELETE FROM meta WHERE key = $1", NULL, err, "meta write");
	pgp_text(q->p, value, SIZE_MAX);
	return pg_exec(q, "INSERT INTO meta(key, value) VALUES ($1, $2)"
		       " ON CONFLICT (key) DO UPDATE SET value = excluded.value", NULL, err,
		       "meta write");
}

/* Runs a one-row query of up to 4 integer columns into v[]. */
static int one_row(struct pg_store *q, const char *sql, int64_t *v, int ncol,
		   struct aiu_err *err)
{
	PGresult *r = NULL;
	int rc;
	pgp_reset(q->p);
	if ((rc = pg_exec(q, sql, &r, err, sql)) < 0)
		return rc;
	if (PQntuples(r) != 1 || PQnfields(r) < ncol)
		rc = aiu_errf(err, AIU_EDB, "%s: %s: no row", q->base.uri, sql);
	else
		for (int i = 0; i < ncol; i++)
			v[i] = pg_i64(r, 0, i);
	PQclear(r);
	return rc;
}

int pg_data_stats(struct store *s, struct store_data_stats *o, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
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
	if ((rc = one_row(q, "SELECT pg_database_size(current_database())", v, 1, err)) < 0)
		return rc;
	o->bytes = v[0];
	return AIU_OK;
}

/* The prune, step by step, as in sync_sqlite.c. A step has at most one
 * parameter $1 (PostgreSQL must know the type of every parameter sent):
 * arg 1 = the cutoff in ms, 2 = the cutoff bucket, 0 = none. */
/* Sessions that can hold rows older than the cutoff (as in sync_sqlite.c:
 * every row is dated at or after its session's first_ts; migration 7). */
#define OLD_SESSIONS "SELECT id FROM sessions WHERE first_ts < $1"

static const struct {
	const char *sql;
	int arg;
	int counts;   /* 0 none, 1 usage, 2 prompts, 3 sessions */
} prune_steps[] = {
	{ "UPDATE rollup_session AS t SET n = t.n - d.n,"
	  " input = t.input - d.input, output = t.output - d.output,"
	  " cw5m = t.cw5m - d.cw5m, cw1h = t.cw1h - d.cw1h,"
	  " cache_read = t.cache_read - d.cache_read, web_search = t.web_search - d.web_search"
	  " FROM (SELECT session_id, model_id, variant, count(*) AS n, sum(input) AS input,"
	  " sum(output) AS output, sum(cw5m) AS cw5m, sum(cw1h) AS cw1h,"
	  " sum(cache_read) AS cache_read, sum(web_search) AS web_search"
	  " FROM usage WHERE session_id IN (" OLD_SESSIONS ") AND ts < $1"
	  " GROUP BY session_id, model_id, variant) AS d"
	  " WHERE t.session_id = d.session_id AND t.model_id = d.model_id"
	  " AND t.variant = d.variant", 1, 0 },
	{ "DELETE FROM rollup_session WHERE n <= 0", 0, 0 },
	{ "UPDATE sessions SET user_msgs = GREATEST(0, user_msgs - d.c)"
	  " FROM (SELECT session_id, count(*) AS c FROM messages"
	  " WHERE session_id IN (" OLD_SESSIONS ") AND ts < $1 GROUP BY session_id) AS d"
	  " WHERE sessions.id = d.session_id", 1, 0 },
	{ "DELETE FROM usage WHERE session_id IN (" OLD_SESSIONS ") AND ts < $1", 1, 1 },
	{ "DELETE FROM messages WHERE session_id IN (" OLD_SESSIONS ") AND ts < $1", 1, 2 },
	{ "DELETE FROM rollup_usage WHERE bucket < $1", 2, 0 },
	{ "DELETE FROM rollup_tools WHERE bucket < $1", 2, 0 },
	{ "DELETE FROM rollup_session WHERE session_id IN (SELECT id FROM sessions WHERE last_ts < $1)",
	  1, 0 },
	{ "DELETE FROM sessions WHERE last_ts < $1", 1, 3 },
	{ "UPDATE sessions SET first_ts = coalesce((SELECT min(x.t) FROM ("
	  " SELECT min(ts) AS t FROM usage WHERE session_id = sessions.id UNION ALL"
	  " SELECT min(ts) FROM messages WHERE session_id = sessions.id) AS x), last_ts)"
	  " WHERE first_ts < $1", 1, 0 },
};

int pg_prune_before(struct store *s, int64_t cutoff_ms, struct store_prune_stats *o,
		    struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	int rc = AIU_OK;

	memset(o, 0, sizeof(*o));
	if (cutoff_ms % BUCKET_MS)
		return aiu_errf(err, AIU_EARG, "retention cutoff %lld is not on a bucket boundary",
				(long long)cutoff_ms);
	for (size_t i = 0; i < sizeof(prune_steps) / sizeof(prune_steps[0]); i++) {
		PGresult *r = NULL;
		int64_t n = 0;
		pgp_reset(q->p);
		if (prune_steps[i].arg)
			pgp_i64(q->p, prune_steps[i].arg == 1 ? cutoff_ms : cutoff_ms / BUCKET_MS);
		if ((rc = pg_exec(q, prune_steps[i].sql, &r, err, "retention prune")) < 0)
			return rc;
		parse_i64(PQcmdTuples(r), strlen(PQcmdTuples(r)), &n);
		PQclear(r);
		switch (prune_steps[i].counts) {
		case 1: o->usage = n; break;
		case 2: o->prompts = n; break;
		case 3: o->sessions = n; break;
		default: break;
		}
	}
	return AIU_OK;
}
