/* store_sqlite.c - the embedded SQLite backend of store.h.
 *
 * One connection per struct store. Statements are prepared once, lazily,
 * from the table below and reused with bound parameters (never formatted
 * SQL). Connection settings follow perf-notes: WAL + synchronous=NORMAL on
 * every open, so commits are cheap and readers never block the writer.
 */
#include "store/store_sqlite_int.h"
#include "store/store_loops.h"
#include "store/org_sqlite_int.h"
#include "store/migrations.h"
#include "store/org_sqlite.h"
#include "store/team_sqlite.h"
#include "core/buf.h"
#include "core/kmap.h"
#include "core/strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


const char *const sq_stmt_sql[S__N] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_DICT_GET_P] = "SELECT id FROM projects WHERE name = ?1",
	[S_DICT_GET_M] = "SELECT id FROM models WHERE name = ?1",
	[S_DICT_GET_T] = "SELECT id FROM tools WHERE name = ?1",
	[S_DICT_ADD_P] = "INSERT INTO projects(name) VALUES (?1)",
	[S_DICT_ADD_M] = "INSERT INTO models(name) VALUES (?1)",
	[S_DICT_ADD_T] = "INSERT INTO tools(name) VALUES (?1)",
	[S_FILE_GET] = "SELECT id, dev, ino, size, mtime_ns, offset, line_no, head_hash,"
		" head_len, bad_lines, agent_type FROM files WHERE path = ?1",
	[S_FILE_INS] = "INSERT INTO files(path, dev, ino, size, mtime_ns, offset, line_no,"
		" head_hash, head_len, bad_lines, agent_type)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[S_FILE_UPD] = "UPDATE files SET dev = ?2, ino = ?3, size = ?4, mtime_ns = ?5,"
		" offset = ?6, line_no = ?7, head_hash = ?8, head_len = ?9, bad_lines = ?10,"
		" agent_type = ?11 WHERE id = ?1",
	[S_FILE_LIST] = "SELECT id, path, dev, ino, size, mtime_ns, offset, line_no, head_hash,"
		" head_len, bad_lines, agent_type FROM files ORDER BY path",
	[S_FILES_RESET] = "UPDATE files SET offset = 0, line_no = 0, size = -1, head_hash = 0",
	[S_SESS_GET] = "SELECT id, project_id, first_ts, last_ts, user_msgs,"
		" git_branch, version FROM sessions WHERE uuid = ?1",
	[S_SESS_INS] = "INSERT INTO sessions(uuid, project_id, first_ts, last_ts, user_msgs,"
		" git_branch, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_SESS_UPD] = "UPDATE sessions SET project_id = ?2, first_ts = ?3, last_ts = ?4,"
		" user_msgs = ?5, git_branch = ?6, version = ?7 WHERE id = ?1",
	[S_USAGE_EMPTY] = "SELECT NOT EXISTS (SELECT 1 FROM usage)",
	[S_USAGE_GET] = "SELECT msg_id, req_id, ts, session_id, project_id, model_id, variant,"
		" sidechain, input, output, cw5m, cw1h, cache_read, web_search, file_id, line_no,"
		" byte_off, service_tier, tools FROM usage WHERE key = ?1",
	[S_USAGE_PUT] = "INSERT INTO usage(key, msg_id, req_id, ts, session_id, project_id,"
		" model_id, variant, sidechain, input, output, cw5m, cw1h, cache_read, web_search,"
		" file_id, line_no, byte_off, service_tier, tools) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
		" ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
		" ON CONFLICT(key) DO UPDATE SET"
		" msg_id = excluded.msg_id, req_id = excluded.req_id, ts = excluded.ts,"
		" session_id = excluded.session_id, project_id = excluded.project_id,"
		" model_id = excluded.model_id, variant = excluded.variant,"
		" sidechain = excluded.sidechain, input = excluded.input, output = excluded.output,"
		" cw5m = excluded.cw5m, cw1h = excluded.cw1h, cache_read = excluded.cache_read,"
		" web_search = excluded.web_search, file_id = excluded.file_id,"
		" line_no = excluded.line_no, byte_off = excluded.byte_off,"
		" service_tier = excluded.service_tier, tools = excluded.tools",
	[S_MSG_ADD] = "INSERT INTO messages(key, session_id, ts, file_id, byte_off, byte_len)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(key) DO NOTHING",
	[S_ROLLUP_ADD] = "INSERT INTO rollup_usage(bucket, project_id, model_id, variant, n,"
		" input, output, cw5m, cw1h, cache_read, web_search, min_ts, max_ts)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
		" ON CONFLICT(bucket, project_id, model_id, variant) DO UPDATE SET"
		" n = n + excluded.n, input = input + excluded.input,"
		" output = output + excluded.output, cw5m = cw5m + excluded.cw5m,"
		" cw1h = cw1h + excluded.cw1h, cache_read = cache_read + excluded.cache_read,"
		" web_search = web_search + excluded.web_search,"
		" min_ts = min(min_ts, excluded.min_ts), max_ts = max(max_ts, excluded.max_ts)",
	[S_SROLLUP_ADD] = "INSERT INTO rollup_session(session_id, model_id, variant, n, input,"
		" output, cw5m, cw1h, cache_read, web_search)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
		" ON CONFLICT(session_id, model_id, variant) DO UPDATE SET"
		" n = n + excluded.n, input = input + excluded.input,"
		" output = output + excluded.output, cw5m = cw5m + excluded.cw5m,"
		" cw1h = cw1h + excluded.cw1h, cache_read = cache_read + excluded.cache_read,"
		" web_search = web_search + excluded.web_search",
	[S_TROLLUP_ADD] = "INSERT INTO rollup_tools(bucket, project_id, tool_id, n)"
		" VALUES (?1, ?2, ?3, ?4) ON CONFLICT(bucket, project_id, tool_id)"
		" DO UPDATE SET n = n + excluded.n",
	[S_BAD_ADD] = "INSERT INTO bad_lines(file_id, line_no, byte_off, message)"
		" VALUES (?1, ?2, ?3, ?4) ON CONFLICT(file_id, line_no) DO UPDATE SET"
		" byte_off = excluded.byte_off, message = excluded.message",
	[S_BAD_CLEAR] = "DELETE FROM bad_lines WHERE file_id = ?1",
	[S_ROLLUP_SCAN] = "SELECT bucket, project_id, model_id, variant, n, input, output, cw5m,"
		" cw1h, cache_read, web_search, min_ts, max_ts FROM rollup_usage"
		" WHERE bucket BETWEEN ?1 AND ?2 AND (?3 = 0 OR project_id = ?3) AND n > 0"
		" ORDER BY bucket",
	[S_TROLLUP_SCAN] = "SELECT bucket, project_id, tool_id, n FROM rollup_tools"
		" WHERE bucket BETWEEN ?1 AND ?2 AND (?3 = 0 OR project_id = ?3) AND n > 0",
	[S_SESS_SCAN] = "SELECT id, uuid, project_id, first_ts, last_ts, user_msgs, git_branch,"
		" version FROM sessions ORDER BY id",
	[S_SROLLUP_SCAN] = "SELECT session_id, model_id, variant, n, input, output, cw5m, cw1h,"
		" cache_read, web_search FROM rollup_session WHERE n > 0 ORDER BY session_id",
	[S_BAD_SCAN] = "SELECT f.path, b.line_no, b.byte_off, b.message FROM bad_lines b"
		" JOIN files f ON f.id = b.file_id ORDER BY f.path, b.line_no LIMIT ?1",
	[S_GEN_GET] = "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'",
	[S_GEN_BUMP] = "INSERT INTO meta(key, value) VALUES ('generation', '1')"
		" ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
	[S_READ_BEGIN] = "BEGIN DEFERRED",
	[S_READ_END] = "COMMIT",
};

#define MULTI_ROWS 32   /* rows per multi-row INSERT */

/* Multi-row forms are built from the one-row SQL: "<head> VALUES (...)<tail>"
 * becomes "<head> VALUES (?,..),(?,..)...<tail>". */
static const struct {
	enum stmt_id one, many;
	int ncols;
} multi[] = {
	{ S_USAGE_PUT, S_USAGE_PUT_N, 20 },
	{ S_ROLLUP_ADD, S_ROLLUP_ADD_N, 13 },
	{ S_TROLLUP_ADD, S_TROLLUP_ADD_N, 4 },
};

int sq_db_err(struct sqlite_store *q, struct aiu_err *err, const char *what)
{
	return aiu_errf(err, AIU_EDB, "%s: %s: %s", q->base.uri, what, sqlite3_errmsg(q->db));
}

/* SQL text for statement id; multi-row forms are generated into b. */
static const char *sql_for(enum stmt_id id, struct buf *b)
{
	for (size_t m = 0; m < sizeof(multi) / sizeof(multi[0]); m++) {
		const char *one, *v, *tail;
		if (multi[m].many != id)
			continue;
		one = sq_stmt_sql[multi[m].one];
		v = strstr(one, " VALUES (");
		tail = v ? strchr(v, ')') : NULL;
		if (!tail)
			return NULL;
		buf_add(b, one, (size_t)(v - one));
		buf_puts(b, " VALUES ");
		for (int r = 0; r < MULTI_ROWS; r++) {
			buf_puts(b, r ? ",(" : "(");
			for (int c = 0; c < multi[m].ncols; c++)
				buf_puts(b, c ? ",?" : "?");
			buf_putc(b, ')');
		}
		buf_puts(b, tail + 1);
		return b->failed ? NULL : buf_cstr(b);
	}
	return sq_stmt_sql[id];
}

/* Returns a reset statement ready for binding, or NULL (err set). */
sqlite3_stmt *sq_stmt(struct sqlite_store *q, enum stmt_id id, struct aiu_err *err)
{
	if (!q->st[id]) {
		struct buf b;
		const char *sql;
		int rc;
		buf_init(&b, 1 << 20);
		sql = sql_for(id, &b);
		rc = sql ? sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &q->st[id], NULL)
			 : SQLITE_NOMEM;
		buf_release(&b);
		if (rc != SQLITE_OK) {
			sq_db_err(q, err, "prepare");
			return NULL;
		}
	} else {
		sqlite3_reset(q->st[id]);
		sqlite3_clear_bindings(q->st[id]);
	}
	return q->st[id];
}

/* Steps a statement that returns no rows. */
int sq_exec_stmt(struct sqlite_store *q, sqlite3_stmt *st, struct aiu_err *err, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sq_db_err(q, err, what);
	return AIU_OK;
}

static int simple(struct sqlite_store *q, enum stmt_id id, struct aiu_err *err)
{
	sqlite3_stmt *st = sq_stmt(q, id, err);
	return st ? sq_exec_stmt(q, st, err, sq_stmt_sql[id]) : AIU_EDB;
}

/* A separate lock file, flock()ed: released by the kernel if we die. */
static int sq_sync_lock(struct store *s, int wait_ms, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	char path[4200];
	int waited = 0;

	if (q->lock_fd >= 0)
		return AIU_OK;
	if (strcmp(q->base.uri, ":memory:") == 0)
		return AIU_OK;
	snprintf(path, sizeof(path), "%s.lock", q->base.uri);
	if ((q->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return aiu_errf(err, AIU_EIO, "cannot open lock file %s: %s", path, strerror(errno));
	while (flock(q->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;
			close(q->lock_fd);
			q->lock_fd = -1;
			return aiu_errf(err, AIU_EIO, "cannot lock %s: %s", path, strerror(e));
		}
		if (wait_ms >= 0 && waited >= wait_ms) {
			close(q->lock_fd);
			q->lock_fd = -1;
			return aiu_errf(err, AIU_EBUSY, "another aiusage sync is using %s", q->base.uri);
		}
		usleep(50 * 1000);
		waited += 50;
	}
	return AIU_OK;
}

static void sq_sync_unlock(struct store *s)
{
	struct sqlite_store *q = SQ(s);
	if (q->lock_fd >= 0) {
		flock(q->lock_fd, LOCK_UN);
		close(q->lock_fd);
		q->lock_fd = -1;
	}
}

/* A first sync into an empty store (on=true):
 * - rollback-journal mode: new pages need no journal, so the data is written
 *   once instead of to the WAL and again at checkpoint. A kill leaves a hot
 *   journal that SQLite rolls back on the next open. If another connection
 *   holds the database open the switch fails and the sync simply stays in
 *   WAL mode;
 * - no secondary indexes on usage and messages until the end (sync_sqlite.c).
 * on=false restores both, and repairs a first sync that was killed: the
 * sync calls it before every sync into a non-empty store too. */
static void sq_bulk_mode(struct store *s, bool on)
{
	struct sqlite_store *q = SQ(s);
	struct aiu_err err = { 0 };

	if (on)
		sq_indexes_drop(q);
	else if (sq_indexes_ensure(q, &err) < 0) /* retried by the next sync */
		fprintf(stderr, "aiusage: %s: building indexes: %s\n", s->uri, err.msg);
	if (strcmp(q->base.uri, ":memory:") == 0)
		return;
	sqlite3_exec(q->db, on ? "PRAGMA journal_mode=DELETE" : "PRAGMA journal_mode=WAL",
		     NULL, NULL, NULL);
}

static int sq_begin(struct store *s, struct aiu_err *err)
{
	SQ(s)->changes_at_begin = sqlite3_total_changes64(SQ(s)->db);
	return simple(SQ(s), S_BEGIN, err);
}

/* A transaction that changed rows also bumps the data version (meta
 * 'generation') before it commits, so readers' caches see the change
 * exactly when the data does. */
static int sq_commit(struct store *s, struct aiu_err *err)
{
	int rc;
	if (sqlite3_total_changes64(SQ(s)->db) != SQ(s)->changes_at_begin &&
	    (rc = simple(SQ(s), S_GEN_BUMP, err)) < 0)
		return rc;
	return simple(SQ(s), S_COMMIT, err);
}
/* A rolled-back transaction may have interned names whose rows are gone
 * (and whose ids SQLite hands out again): the dictionary caches start over. */
static int sq_rollback(struct store *s)
{
	struct sqlite_store *q = SQ(s);
	for (int d = 0; d < DICT__N; d++) {
		for (size_t i = 0; i < q->dict[d].cap; i++) {
			free(q->dict[d].names[i]);
			q->dict[d].names[i] = NULL;
		}
		kmap_clear(&q->dict[d].by_name);
	}
	return simple(q, S_ROLLBACK, NULL);
}

void sq_text_col(sqlite3_stmt *st, int col, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	str_copy(out, t ? (const char *)t : "", cap);
}

static char *text_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? strdup((const char *)t) : NULL;
}

/* --- files ------------------------------------------------------------ */

static void file_from_row(sqlite3_stmt *st, int c, struct file_state *f)
{
	f->dev = sqlite3_column_int64(st, c + 0);
	f->ino = sqlite3_column_int64(st, c + 1);
	f->size = sqlite3_column_int64(st, c + 2);
	f->mtime_ns = sqlite3_column_int64(st, c + 3);
	f->offset = sqlite3_column_int64(st, c + 4);
	f->line_no = sqlite3_column_int64(st, c + 5);
	f->head_hash = (uint64_t)sqlite3_column_int64(st, c + 6);
	f->head_len = sqlite3_column_int64(st, c + 7);
	f->bad_lines = sqlite3_column_int64(st, c + 8);
	f->agent_type = text_dup(st, c + 9);
}

static int sq_file_get(struct store *s, const char *path, struct file_state *out,
		       bool *found, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_FILE_GET, err);
	int rc;
	if (!st)
		return AIU_EDB;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found) {
		out->id = sqlite3_column_int64(st, 0);
		file_from_row(st, 1, out);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? AIU_OK : sq_db_err(q, err, "file lookup");
}

static int sq_file_put(struct store *s, struct file_state *f, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, f->id ? S_FILE_UPD : S_FILE_INS, err);
	int rc;
	if (!st)
		return AIU_EDB;
	if (f->id)
		sqlite3_bind_int64(st, 1, f->id);
	else
		sqlite3_bind_text(st, 1, f->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, f->dev);
	sqlite3_bind_int64(st, 3, f->ino);
	sqlite3_bind_int64(st, 4, f->size);
	sqlite3_bind_int64(st, 5, f->mtime_ns);
	sqlite3_bind_int64(st, 6, f->offset);
	sqlite3_bind_int64(st, 7, f->line_no);
	sqlite3_bind_int64(st, 8, (int64_t)f->head_hash);
	sqlite3_bind_int64(st, 9, f->head_len);
	sqlite3_bind_int64(st, 10, f->bad_lines);
	if (f->agent_type)
		sqlite3_bind_text(st, 11, f->agent_type, -1, SQLITE_STATIC);
	if ((rc = sq_exec_stmt(q, st, err, "file update")) < 0)
		return rc;
	if (!f->id)
		f->id = sqlite3_last_insert_rowid(q->db);
	return AIU_OK;
}

static int sq_file_list(struct store *s, int (*cb)(void *ctx, const struct file_state *f),
			void *ctx, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_FILE_LIST, err);
	int rc, crc = AIU_OK;
	if (!st)
		return AIU_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct file_state f;
		memset(&f, 0, sizeof(f));
		f.id = sqlite3_column_int64(st, 0);
		f.path = text_dup(st, 1);
		file_from_row(st, 2, &f);
		crc = cb(ctx, &f);
		file_state_release(&f);
		if (crc)
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_db_err(q, err, "file list");
	return crc;
}

static int sq_files_reset(struct store *s, struct aiu_err *err)
{
	return simple(SQ(s), S_FILES_RESET, err);
}

/* --- sessions ---------------------------------------------------------- */

static int sq_session_get(struct store *s, const char *uuid, struct session_row *out,
			  bool *found, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_SESS_GET, err);
	int rc;
	if (!st)
		return AIU_EDB;
	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found) {
		out->id = sqlite3_column_int64(st, 0);
		str_copy(out->uuid, uuid, sizeof(out->uuid));
		out->project_id = sqlite3_column_int64(st, 1);
		out->first_ts = sqlite3_column_int64(st, 2);
		out->last_ts = sqlite3_column_int64(st, 3);
		out->user_msgs = sqlite3_column_int64(st, 4);
		sq_text_col(st, 5, out->git_branch, sizeof(out->git_branch));
		sq_text_col(st, 6, out->version, sizeof(out->version));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? AIU_OK : sq_db_err(q, err, "session lookup");
}

static int sq_session_put(struct store *s, struct session_row *r, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, r->id ? S_SESS_UPD : S_SESS_INS, err);
	int rc;
	if (!st)
		return AIU_EDB;
	if (r->id)
		sqlite3_bind_int64(st, 1, r->id);
	else
		sqlite3_bind_text(st, 1, r->uuid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->project_id);
	sqlite3_bind_int64(st, 3, r->first_ts);
	sqlite3_bind_int64(st, 4, r->last_ts);
	sqlite3_bind_int64(st, 5, r->user_msgs);
	sqlite3_bind_text(st, 6, r->git_branch, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->version, -1, SQLITE_STATIC);
	if ((rc = sq_exec_stmt(q, st, err, "session update")) < 0)
		return rc;
	if (!r->id)
		r->id = sqlite3_last_insert_rowid(q->db);
	return AIU_OK;
}

/* --- usage ------------------------------------------------------------- */

static int sq_usage_empty(struct store *s, bool *empty, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_USAGE_EMPTY, err);
	int rc;
	if (!st)
		return AIU_EDB;
	rc = sqlite3_step(st);
	*empty = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? AIU_OK : sq_db_err(q, err, "usage count");
}

/* Fills u (all but key) from a row whose columns from c on are: msg_id,
 * req_id, ts, session_id, project_id, model_id, variant, sidechain, the six
 * token counts, file_id, line_no, byte_off, service_tier, tools. */
void sq_usage_cols(sqlite3_stmt *st, int c, struct usage_row *u)
{
	const void *b;
	size_t n;
	sq_text_col(st, c, u->msg_id, sizeof(u->msg_id));
	sq_text_col(st, c + 1, u->req_id, sizeof(u->req_id));
	u->ts = sqlite3_column_int64(st, c + 2);
	u->session_id = sqlite3_column_int64(st, c + 3);
	u->project_id = sqlite3_column_int64(st, c + 4);
	u->model_id = sqlite3_column_int64(st, c + 5);
	u->variant = (unsigned)sqlite3_column_int(st, c + 6);
	u->sidechain = sqlite3_column_int(st, c + 7) != 0;
	u->t.input = sqlite3_column_int64(st, c + 8);
	u->t.output = sqlite3_column_int64(st, c + 9);
	u->t.cw5m = sqlite3_column_int64(st, c + 10);
	u->t.cw1h = sqlite3_column_int64(st, c + 11);
	u->t.cache_read = sqlite3_column_int64(st, c + 12);
	u->t.web_search = sqlite3_column_int64(st, c + 13);
	u->file_id = sqlite3_column_int64(st, c + 14);
	u->line_no = sqlite3_column_int64(st, c + 15);
	u->byte_off = sqlite3_column_int64(st, c + 16);
	sq_text_col(st, c + 17, u->service_tier, sizeof(u->service_tier));
	b = sqlite3_column_blob(st, c + 18);
	n = (size_t)sqlite3_column_bytes(st, c + 18) / sizeof(u->tools[0]);
	if (n > USAGE_MAX_TOOLS)
		n = USAGE_MAX_TOOLS;
	u->ntools = b ? (uint32_t)n : 0;
	if (u->ntools)
		memcpy(u->tools, b, n * sizeof(u->tools[0]));
}

static int sq_usage_get(struct store *s, int64_t key, struct usage_row *o, bool *found,
			struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_USAGE_GET, err);
	int rc;
	if (!st)
		return AIU_EDB;
	sqlite3_bind_int64(st, 1, key);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found) {
		o->key = key;
		sq_usage_cols(st, 0, o);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? AIU_OK : sq_db_err(q, err, "usage lookup");
}

/* Binds one usage row at parameters base+1 .. base+20. */
static void bind_usage(sqlite3_stmt *st, int base, const struct usage_row *r)
{
	sqlite3_bind_int64(st, base + 1, r->key);
	sqlite3_bind_text(st, base + 2, r->msg_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, base + 3, r->req_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, base + 4, r->ts);
	sqlite3_bind_int64(st, base + 5, r->session_id);
	sqlite3_bind_int64(st, base + 6, r->project_id);
	sqlite3_bind_int64(st, base + 7, r->model_id);
	sqlite3_bind_int(st, base + 8, (int)r->variant);
	sqlite3_bind_int(st, base + 9, r->sidechain);
	sqlite3_bind_int64(st, base + 10, r->t.input);
	sqlite3_bind_int64(st, base + 11, r->t.output);
	sqlite3_bind_int64(st, base + 12, r->t.cw5m);
	sqlite3_bind_int64(st, base + 13, r->t.cw1h);
	sqlite3_bind_int64(st, base + 14, r->t.cache_read);
	sqlite3_bind_int64(st, base + 15, r->t.web_search);
	sqlite3_bind_int64(st, base + 16, r->file_id);
	sqlite3_bind_int64(st, base + 17, r->line_no);
	sqlite3_bind_int64(st, base + 18, r->byte_off);
	sqlite3_bind_text(st, base + 19, r->service_tier, -1, SQLITE_STATIC);
	if (r->ntools)
		sqlite3_bind_blob(st, base + 20, r->tools, (int)(r->ntools * sizeof(r->tools[0])),
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 20);
}

static int sq_usage_put(struct store *s, const struct usage_row *r, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_USAGE_PUT, err);
	if (!st)
		return AIU_EDB;
	bind_usage(st, 0, r);
	return sq_exec_stmt(q, st, err, "usage write");
}

static int sq_usage_put_many(struct store *s, const struct usage_row *const *rows, size_t n,
			     struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	size_t i = 0;
	int rc;
	for (; i + MULTI_ROWS <= n; i += MULTI_ROWS) {
		sqlite3_stmt *st = sq_stmt(q, S_USAGE_PUT_N, err);
		if (!st)
			return AIU_EDB;
		for (int r = 0; r < MULTI_ROWS; r++)
			bind_usage(st, r * 20, rows[i + (size_t)r]);
		if ((rc = sq_exec_stmt(q, st, err, "usage write")) < 0)
			return rc;
	}
	for (; i < n; i++)
		if ((rc = sq_usage_put(s, rows[i], err)) < 0)
			return rc;
	return AIU_OK;
}

static int sq_message_add(struct store *s, int64_t key, int64_t session_id, int64_t ts,
			  int64_t file_id, int64_t byte_off, int64_t byte_len,
			  bool *inserted, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_MSG_ADD, err);
	int rc;
	if (!st)
		return AIU_EDB;
	sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_int64(st, 2, session_id);
	sqlite3_bind_int64(st, 3, ts);
	sqlite3_bind_int64(st, 4, file_id);
	sqlite3_bind_int64(st, 5, byte_off);
	sqlite3_bind_int64(st, 6, byte_len);
	if ((rc = sq_exec_stmt(q, st, err, "message write")) < 0)
		return rc;
	*inserted = sqlite3_changes(q->db) > 0;
	return AIU_OK;
}

static void bind_tokens(sqlite3_stmt *st, int c, const struct tokens *t)
{
	sqlite3_bind_int64(st, c + 0, t->input);
	sqlite3_bind_int64(st, c + 1, t->output);
	sqlite3_bind_int64(st, c + 2, t->cw5m);
	sqlite3_bind_int64(st, c + 3, t->cw1h);
	sqlite3_bind_int64(st, c + 4, t->cache_read);
	sqlite3_bind_int64(st, c + 5, t->web_search);
}

static void bind_rollup(sqlite3_stmt *st, int base, const struct rollup_row *d)
{
	sqlite3_bind_int64(st, base + 1, d->k.bucket);
	sqlite3_bind_int64(st, base + 2, d->k.project_id);
	sqlite3_bind_int64(st, base + 3, d->k.model_id);
	sqlite3_bind_int(st, base + 4, (int)d->k.variant);
	sqlite3_bind_int64(st, base + 5, d->n);
	bind_tokens(st, base + 6, &d->t);
	sqlite3_bind_int64(st, base + 12, d->min_ts);
	sqlite3_bind_int64(st, base + 13, d->max_ts);
}

static int sq_rollup_add(struct store *s, const struct rollup_row *d, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_ROLLUP_ADD, err);
	if (!st)
		return AIU_EDB;
	bind_rollup(st, 0, d);
	return sq_exec_stmt(q, st, err, "rollup write");
}

static int sq_rollup_add_many(struct store *s, const struct rollup_row *const *d, size_t n,
			      struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	size_t i = 0;
	int rc;
	for (; i + MULTI_ROWS <= n; i += MULTI_ROWS) {
		sqlite3_stmt *st = sq_stmt(q, S_ROLLUP_ADD_N, err);
		if (!st)
			return AIU_EDB;
		for (int r = 0; r < MULTI_ROWS; r++)
			bind_rollup(st, r * 13, d[i + (size_t)r]);
		if ((rc = sq_exec_stmt(q, st, err, "rollup write")) < 0)
			return rc;
	}
	for (; i < n; i++)
		if ((rc = sq_rollup_add(s, d[i], err)) < 0)
			return rc;
	return AIU_OK;
}

static int sq_session_rollup_add(struct store *s, const struct session_rollup_row *d,
				 struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_SROLLUP_ADD, err);
	if (!st)
		return AIU_EDB;
	sqlite3_bind_int64(st, 1, d->session_id);
	sqlite3_bind_int64(st, 2, d->model_id);
	sqlite3_bind_int(st, 3, (int)d->variant);
	sqlite3_bind_int64(st, 4, d->n);
	bind_tokens(st, 5, &d->t);
	return sq_exec_stmt(q, st, err, "session rollup write");
}

static void bind_trollup(sqlite3_stmt *st, int base, const struct tool_rollup_row *d)
{
	sqlite3_bind_int64(st, base + 1, d->bucket);
	sqlite3_bind_int64(st, base + 2, d->project_id);
	sqlite3_bind_int64(st, base + 3, d->tool_id);
	sqlite3_bind_int64(st, base + 4, d->n);
}

static int sq_tool_rollup_add(struct store *s, const struct tool_rollup_row *d,
			      struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_TROLLUP_ADD, err);
	if (!st)
		return AIU_EDB;
	bind_trollup(st, 0, d);
	return sq_exec_stmt(q, st, err, "tool rollup write");
}

static int sq_tool_rollup_add_many(struct store *s, const struct tool_rollup_row *d, size_t n,
				   struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	size_t i = 0;
	int rc;
	for (; i + MULTI_ROWS <= n; i += MULTI_ROWS) {
		sqlite3_stmt *st = sq_stmt(q, S_TROLLUP_ADD_N, err);
		if (!st)
			return AIU_EDB;
		for (int r = 0; r < MULTI_ROWS; r++)
			bind_trollup(st, r * 4, &d[i + (size_t)r]);
		if ((rc = sq_exec_stmt(q, st, err, "tool rollup write")) < 0)
			return rc;
	}
	for (; i < n; i++)
		if ((rc = sq_tool_rollup_add(s, &d[i], err)) < 0)
			return rc;
	return AIU_OK;
}

static int sq_bad_line_add(struct store *s, int64_t file_id, int64_t line_no, int64_t byte_off,
			   const char *msg, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_BAD_ADD, err);
	if (!st)
		return AIU_EDB;
	sqlite3_bind_int64(st, 1, file_id);
	sqlite3_bind_int64(st, 2, line_no);
	sqlite3_bind_int64(st, 3, byte_off);
	sqlite3_bind_text(st, 4, msg, -1, SQLITE_STATIC);
	return sq_exec_stmt(q, st, err, "bad line write");
}

static int sq_bad_lines_clear(struct store *s, int64_t file_id, struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st = sq_stmt(q, S_BAD_CLEAR, err);
	if (!st)
		return AIU_EDB;
	sqlite3_bind_int64(st, 1, file_id);
	return sq_exec_stmt(q, st, err, "bad line clear");
}

/* --- open / migrate / close -------------------------------------------- */

static void sq_close(struct store *s)
{
	struct sqlite_store *q = SQ(s);
	if (!q)
		return;
	sq_sync_unlock(s);
	for (int i = 0; i < S__N; i++)
		sqlite3_finalize(q->st[i]);
	for (int d = 0; d < DICT__N; d++) {
		for (size_t i = 0; i < q->dict[d].cap; i++)
			free(q->dict[d].names[i]);
		free(q->dict[d].names);
		kmap_release(&q->dict[d].by_name);
	}
	sqlite3_close(q->db);
	free(q->base.uri);
	free(q);
}

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.sync_lock = sq_sync_lock,
	.sync_unlock = sq_sync_unlock,
	.bulk_mode = sq_bulk_mode,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.intern = sq_intern,
	.dict_name = sq_dict_name,
	.file_get = sq_file_get,
	.file_put = sq_file_put,
	.file_list = sq_file_list,
	.files_reset = sq_files_reset,
	.session_get = sq_session_get,
	.session_put = sq_session_put,
	.usage_empty = sq_usage_empty,
	.usage_get = sq_usage_get,
	.usage_put = sq_usage_put,
	.usage_put_many = sq_usage_put_many,
	.message_add = sq_message_add,
	.rollup_add = sq_rollup_add,
	.session_rollup_add = sq_session_rollup_add,
	.tool_rollup_add = sq_tool_rollup_add,
	.rollup_add_many = sq_rollup_add_many,
	.tool_rollup_add_many = sq_tool_rollup_add_many,
	.bad_line_add = sq_bad_line_add,
	.bad_lines_clear = sq_bad_lines_clear,
	.rollup_scan = sq_rollup_scan,
	.tool_rollup_scan = sq_tool_rollup_scan,
	.session_scan = sq_session_scan,
	.session_rollup_scan = sq_session_rollup_scan,
	.bad_line_scan = sq_bad_line_scan,
	.dict_find = sq_dict_find,
	.dict_scan = sq_dict_scan,
	.data_version = sq_data_version,
	.read_begin = sq_read_begin,
	.read_end = sq_read_end,
	.read_only = sq_read_only,
	/* session detail, sync stats, retention (sync_sqlite.c) */
	.session_usage_scan = sq_session_usage_scan,
	.session_message_scan = sq_session_message_scan,
	.file_get_id = sq_file_get_id,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
	.data_stats = sq_data_stats,
	.prune_before = sq_prune_before,
	/* organisation sources (org_sqlite.c) */
	.org_checkpoint_get = sq_org_checkpoint_get,
	.org_checkpoint_put = sq_org_checkpoint_put,
	.org_run_start = sq_org_run_start,
	.org_run_finish = sq_org_run_finish,
	.org_run_scan = sq_org_run_scan,
	.anth_day_clear = sq_anth_day_clear,
	.anth_usage_put = sq_anth_usage_put,
	.anth_cost_put = sq_anth_cost_put,
	.anth_cc_put = sq_anth_cc_put,
	.anth_user_put = sq_anth_user_put,
	.anth_workspace_put = sq_anth_workspace_put,
	.anth_key_put = sq_anth_key_put,
	.org_person_put = sq_org_person_put,
	.org_key_map_clear = sq_org_key_map_clear,
	.org_key_map_put = sq_org_key_map_put,
	.anth_usage_scan = sq_anth_usage_scan,
	.anth_cost_scan = sq_anth_cost_scan,
	.anth_cc_scan = sq_anth_cc_scan,
	.anth_user_scan = sq_anth_user_scan,
	.anth_workspace_scan = sq_anth_workspace_scan,
	.anth_key_scan = sq_anth_key_scan,
	.org_person_scan = sq_org_person_scan,
	.org_key_map_scan = sq_org_key_map_scan,
	/* organisation sources (cursor_sqlite.c, claude_ai_sqlite.c) */
	.claude_ai_event_add = sq_claude_ai_event_add,
	.cursor_member_put = sq_cursor_member_put,
	.cursor_daily_put = sq_cursor_daily_put,
	.cursor_event_put = sq_cursor_event_put,
	.cursor_spend_put = sq_cursor_spend_put,
	.cursor_spend_scan = sq_cursor_spend_scan,
	.cursor_commit_put = sq_cursor_commit_put,
	.cursor_change_put = sq_cursor_change_put,
	.token_add = sq_token_add,
	.token_scan = sq_token_scan,
	.token_find = sq_token_find,
	.token_active_count = sq_token_active_count,
	.token_revoke = sq_token_revoke,
	.push_sent_get = sq_push_sent_get,
	.push_sent_put = sq_push_sent_put,
	.push_person_put = sq_push_person_put,
	.usage_scan = sq_usage_scan,
	.org_tool_day_scan = sq_org_tool_day_scan,
	.cursor_member_scan = sq_cursor_member_scan,
	.session_report_scan = sq_session_report_scan,
	/* bulk forms: loops over the one-row ops (no round trips here) */
	.usage_get_many = store_loop_usage_get_many,
	.message_add_many = store_loop_message_add_many,
	.session_rollup_add_many = store_loop_session_rollup_add_many,
	.session_get_many = store_loop_session_get_many,
};

/* Runs pending steps in one IMMEDIATE transaction, reading the version
 * inside it, so two processes opening a new store at once cannot both
 * migrate. */
static int migrate(struct sqlite_store *q, struct aiu_err *err)
{
	sqlite3_stmt *st = NULL;
	int version = 0, rc = AIU_OK, last = sqlite_migrations[sqlite_migrations_n - 1].version;
	char *emsg = NULL;

	if (sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, &emsg) != SQLITE_OK) {
		rc = aiu_errf(err, AIU_EDB, "%s: cannot lock for migration: %s", q->base.uri,
			      emsg ? emsg : sqlite3_errmsg(q->db));
		sqlite3_free(emsg);
		return rc;
	}
	if (sqlite3_prepare_v2(q->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) {
		rc = sq_db_err(q, err, "read schema version");
		goto out;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > last) {
		rc = aiu_errf(err, AIU_EDB, "%s: schema version %d is newer than this aiusage (%d); upgrade aiusage",
			      q->base.uri, version, last);
		goto out;
	}
	for (int i = 0; i < sqlite_migrations_n; i++) {
		const struct migration *m = &sqlite_migrations[i];
		char pragma[64];
		if (m->version <= version)
			continue;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", m->version);
		if (sqlite3_exec(q->db, m->sql, NULL, NULL, &emsg) != SQLITE_OK ||
		    sqlite3_exec(q->db, pragma, NULL, NULL, &emsg) != SQLITE_OK) {
			rc = aiu_errf(err, AIU_EDB, "%s: migration %d (%s): %s", q->base.uri,
				      m->version, m->name, emsg ? emsg : sqlite3_errmsg(q->db));
			sqlite3_free(emsg);
			goto out;
		}
	}
	if (sqlite3_exec(q->db, "COMMIT", NULL, NULL, &emsg) != SQLITE_OK) {
		rc = aiu_errf(err, AIU_EDB, "%s: migration commit: %s", q->base.uri,
			      emsg ? emsg : sqlite3_errmsg(q->db));
		sqlite3_free(emsg);
	}
out:
	if (rc < 0)
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int store_sqlite_open(const char *path, struct store **out, struct aiu_err *err)
{
	struct sqlite_store *q = calloc(1, sizeof(*q));
	int rc = AIU_OK;
	char *emsg = NULL;

	*out = NULL;
	if (!q)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	/* Before SQLite initialises: no global allocation statistics (a mutex
	 * and bookkeeping on every malloc we do not need). Harmless if it is
	 * already initialised. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	q->base.ops = &sqlite_ops;
	q->lock_fd = -1;
	if (!(q->base.uri = strdup(path))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	for (int d = 0; d < DICT__N; d++)
		kmap_init(&q->dict[d].by_name, sizeof(uint64_t), sizeof(int64_t), 0);
	if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = aiu_errf(err, AIU_EDB, "cannot open database %s: %s", path,
			      q->db ? sqlite3_errmsg(q->db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(q->db, 10000);
	/* WAL lets readers (reports, the dashboard) run while a sync writes.
	 * If another process is bulk-loading (see sq_bulk_mode) the switch
	 * waits its turn: it is retried at the next open. */
	sqlite3_exec(q->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
	if (sqlite3_exec(q->db, "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;"
			 " PRAGMA cache_size=-12288; PRAGMA foreign_keys=OFF;",
			 NULL, NULL, &emsg) != SQLITE_OK) {
		rc = aiu_errf(err, AIU_EDB, "%s: %s", path, emsg ? emsg : "pragma failed");
		sqlite3_free(emsg);
		goto out;
	}
	if ((rc = migrate(q, err)) < 0)
		goto out;
	*out = &q->base;
	q = NULL;
out:
	if (q)
		sq_close(&q->base);
	return rc;
}

sqlite3 *store_sqlite_handle(struct store *s)
{
	return s && s->ops == &sqlite_ops ? SQ(s)->db : NULL;
}

const struct store_ops *store_sqlite_ops(void)
{
	return &sqlite_ops;
}
