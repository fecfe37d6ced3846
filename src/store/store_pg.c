/* store_pg.c - the PostgreSQL backend of store.h (libpq), for a team server.
 *
 * One connection per struct store. Every statement comes from the table
 * below, is prepared once per connection (lazily) and run with bound
 * parameters; 64-bit integers travel as exact decimal text. Multi-row
 * writes put up to PG_MULTI rows in one statement.
 *
 * Concurrency (the server and scheduled pulls write at the same time):
 * transactions run at READ COMMITTED (asked for explicitly at BEGIN). Every
 * counter is changed by one atomic statement, INSERT ... ON CONFLICT ... DO
 * UPDATE SET n = t.n + excluded.n: PostgreSQL locks the conflicting row
 * and applies the arithmetic to its latest committed version, so two
 * writers adding deltas to the same rollup row never lose one
 * (no read-modify-write in the client). Dictionary and file/session rows
 * are inserted with ON CONFLICT too, so racing inserts converge instead
 * of failing. Writers that want whole-run exclusion (a Claude Code sync)
 * take a session-level advisory lock (sync_lock); PostgreSQL releases it
 * if the process dies. Migrations run under another advisory lock, each
 * step in its own transaction with the schema_version bump.
 *
 * Secrets: base.uri is the redacted URI; the password is only handed to
 * libpq and scrubbed from its messages.
 */
#include "store/team_pg.h"
#include "store/store_pg_int.h"
#include "store/store_pg_org.h"
#include "store/migrations.h"
#include "core/buf.h"
#include "core/strutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Advisory lock keys ("aiusage" + a byte): per database. */
#define LOCK_SYNC "7022344771405555969"     /* 0x6169757361676501 */
#define LOCK_MIGRATE "7022344771405555970"  /* 0x6169757361676502 */

static const char *const stmt_sql[P__N] = {
	[P_DICT_GET_P] = "SELECT id FROM projects WHERE name = $1",
	[P_DICT_GET_M] = "SELECT id FROM models WHERE name = $1",
	[P_DICT_GET_T] = "SELECT id FROM tools WHERE name = $1",
	[P_DICT_ADD_P] = "INSERT INTO projects(name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id",
	[P_DICT_ADD_M] = "INSERT INTO models(name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id",
	[P_DICT_ADD_T] = "INSERT INTO tools(name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id",
	[P_DICT_NAME_P] = "SELECT name FROM projects WHERE id = $1",
	[P_DICT_NAME_M] = "SELECT name FROM models WHERE id = $1",
	[P_DICT_NAME_T] = "SELECT name FROM tools WHERE id = $1",
	[P_DICT_SCAN_P] = "SELECT id, name FROM projects ORDER BY id",
	[P_DICT_SCAN_M] = "SELECT id, name FROM models ORDER BY id",
	[P_DICT_SCAN_T] = "SELECT id, name FROM tools ORDER BY id",
	[P_FILE_GET] = "SELECT id, dev, ino, size, mtime_ns, \"offset\", line_no, head_hash,"
		" head_len, bad_lines, agent_type FROM files WHERE path = $1",
	[P_FILE_INS] = "INSERT INTO files(path, dev, ino, size, mtime_ns, \"offset\", line_no,"
		" head_hash, head_len, bad_lines, agent_type)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
		" ON CONFLICT (path) DO UPDATE SET dev = excluded.dev, ino = excluded.ino,"
		" size = excluded.size, mtime_ns = excluded.mtime_ns, \"offset\" = excluded.\"offset\","
		" line_no = excluded.line_no, head_hash = excluded.head_hash,"
		" head_len = excluded.head_len, bad_lines = excluded.bad_lines,"
		" agent_type = excluded.agent_type RETURNING id",
	[P_FILE_LIST] = "SELECT id, path, dev, ino, size, mtime_ns, \"offset\", line_no, head_hash,"
		" head_len, bad_lines, agent_type FROM files ORDER BY path COLLATE \"C\"",
	[P_FILES_RESET] = "UPDATE files SET \"offset\" = 0, line_no = 0, size = -1, head_hash = 0",
	[P_SESS_GET] = "SELECT id, project_id, first_ts, last_ts, user_msgs,"
		" git_branch, version FROM sessions WHERE uuid = $1",
	[P_SESS_INS] = "INSERT INTO sessions(uuid, project_id, first_ts, last_ts, user_msgs,"
		" git_branch, version) VALUES ($1, $2, $3, $4, $5, $6, $7)"
		" ON CONFLICT (uuid) DO UPDATE SET project_id = excluded.project_id,"
		" first_ts = excluded.first_ts, last_ts = excluded.last_ts,"
		" user_msgs = excluded.user_msgs, git_branch = excluded.git_branch,"
		" version = excluded.version RETURNING id",
	[P_USAGE_EMPTY] = "SELECT NOT EXISTS (SELECT 1 FROM usage)",
	[P_USAGE_GET] = "SELECT " PG_USAGE_COLS " FROM usage WHERE key = $1",
	[P_USAGE_GET_ANY] = "SELECT " PG_USAGE_COLS " FROM usage WHERE key = ANY($1::bigint[])",
	/* store_pg_usage.c: a batch of rows as one array per column */
	[P_USAGE_PUT_ARR] = "INSERT INTO usage(key, msg_id, req_id, ts, session_id, project_id,"
		" model_id, variant, sidechain, input, output, cw5m, cw1h, cache_read, web_search,"
		" file_id, line_no, byte_off, service_tier, tools) SELECT * FROM unnest($1::bigint[],"
		" $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[],"
		" $8::int[], $9::int[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[],"
		" $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[],"
		" $19::text[], $20::bytea[])"
		" ON CONFLICT (key) DO UPDATE SET"
		" msg_id = excluded.msg_id, req_id = excluded.req_id, ts = excluded.ts,"
		" session_id = excluded.session_id, project_id = excluded.project_id,"
		" model_id = excluded.model_id, variant = excluded.variant,"
		" sidechain = excluded.sidechain, input = excluded.input, output = excluded.output,"
		" cw5m = excluded.cw5m, cw1h = excluded.cw1h, cache_read = excluded.cache_read,"
		" web_search = excluded.web_search, file_id = excluded.file_id,"
		" line_no = excluded.line_no, byte_off = excluded.byte_off,"
		" service_tier = excluded.service_tier, tools = excluded.tools",
	[P_MSG_ADD] = "INSERT INTO messages(key, session_id, ts, file_id, byte_off, byte_len)"
		" VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING",
	[P_MSG_ADD_ARR] = "INSERT INTO messages(key, session_id, ts, file_id, byte_off, byte_len)"
		" SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],"
		" $5::bigint[], $6::bigint[]) ON CONFLICT (key) DO NOTHING RETURNING key",
	[P_ROLLUP_ADD] = "INSERT INTO rollup_usage AS t(bucket, project_id, model_id, variant, n,"
		" input, output, cw5m, cw1h, cache_read, web_search, min_ts, max_ts)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
		" ON CONFLICT (bucket, project_id, model_id, variant) DO UPDATE SET"
		" n = t.n + excluded.n, input = t.input + excluded.input,"
		" output = t.output + excluded.output, cw5m = t.cw5m + excluded.cw5m,"
		" cw1h = t.cw1h + excluded.cw1h, cache_read = t.cache_read + excluded.cache_read,"
		" web_search = t.web_search + excluded.web_search,"
		" min_ts = LEAST(t.min_ts, excluded.min_ts), max_ts = GREATEST(t.max_ts, excluded.max_ts)",
	[P_SROLLUP_ADD] = "INSERT INTO rollup_session AS t(session_id, model_id, variant, n, input,"
		" output, cw5m, cw1h, cache_read, web_search)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
		" ON CONFLICT (session_id, model_id, variant) DO UPDATE SET"
		" n = t.n + excluded.n, input = t.input + excluded.input,"
		" output = t.output + excluded.output, cw5m = t.cw5m + excluded.cw5m,"
		" cw1h = t.cw1h + excluded.cw1h, cache_read = t.cache_read + excluded.cache_read,"
		" web_search = t.web_search + excluded.web_search",
	[P_TROLLUP_ADD] = "INSERT INTO rollup_tools AS t(bucket, project_id, tool_id, n)"
		" VALUES ($1, $2, $3, $4) ON CONFLICT (bucket, project_id, tool_id)"
		" DO UPDATE SET n = t.n + excluded.n",
	[P_BAD_ADD] = "INSERT INTO bad_lines(file_id, line_no, byte_off, message)"
		" VALUES ($1, $2, $3, $4) ON CONFLICT (file_id, line_no) DO UPDATE SET"
		" byte_off = excluded.byte_off, message = excluded.message",
	[P_BAD_CLEAR] = "DELETE FROM bad_lines WHERE file_id = $1",
	/* Scans list rows in primary-key order, which is the order SQLite's
	 * WITHOUT ROWID tables give, so both backends feed the query layer alike. */
	[P_ROLLUP_SCAN] = "SELECT bucket, project_id, model_id, variant, n, input, output, cw5m,"
		" cw1h, cache_read, web_search, min_ts, max_ts FROM rollup_usage"
		" WHERE bucket BETWEEN $1 AND $2 AND ($3::bigint = 0 OR project_id = $3) AND n > 0"
		" ORDER BY bucket, project_id, model_id, variant",
	[P_TROLLUP_SCAN] = "SELECT bucket, project_id, tool_id, n FROM rollup_tools"
		" WHERE bucket BETWEEN $1 AND $2 AND ($3::bigint = 0 OR project_id = $3) AND n > 0"
		" ORDER BY bucket, project_id, tool_id",
	[P_SESS_SCAN] = "SELECT id, uuid, project_id, first_ts, last_ts, user_msgs, git_branch,"
		" version FROM sessions ORDER BY id",
	[P_SROLLUP_SCAN] = "SELECT session_id, model_id, variant, n, input, output, cw5m, cw1h,"
		" cache_read, web_search FROM rollup_session WHERE n > 0"
		" ORDER BY session_id, model_id, variant",
	[P_BAD_SCAN] = "SELECT f.path, b.line_no, b.byte_off, b.message FROM bad_lines b"
		" JOIN files f ON f.id = b.file_id ORDER BY f.path COLLATE \"C\", b.line_no LIMIT $1",
	[P_LOCK_TRY] = "SELECT pg_try_advisory_lock($1::bigint)",
	[P_LOCK_FREE] = "SELECT pg_advisory_unlock($1::bigint)",
	/* write-behind (store_pg_wb.c): queued rows as one array per column */
	[P_SESS_UPD_ARR] = "UPDATE sessions AS t SET project_id = v.project_id,"
		" first_ts = v.first_ts, last_ts = v.last_ts, user_msgs = v.user_msgs,"
		" git_branch = v.git_branch, version = v.version"
		" FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[],"
		" $6::text[], $7::text[]) AS v(id, project_id, first_ts, last_ts, user_msgs,"
		" git_branch, version) WHERE t.id = v.id",
	/* store_pg_usage.c: a batch of sessions read, the missing ones created
	 * in the given order (WITH ORDINALITY keeps it) */
	[P_SESS_GET_ANY] = "SELECT id, uuid, project_id, first_ts, last_ts, user_msgs,"
		" git_branch, version FROM sessions WHERE uuid = ANY($1::text[])",
	[P_SESS_ADD_ARR] = "INSERT INTO sessions(uuid, project_id, first_ts, last_ts, user_msgs,"
		" git_branch, version) SELECT u, 0, 0, 0, 0, '', '' FROM unnest($1::text[])"
		" WITH ORDINALITY AS x(u, o) ORDER BY o ON CONFLICT (uuid) DO NOTHING"
		" RETURNING id, uuid, project_id, first_ts, last_ts, user_msgs, git_branch, version",
	[P_FILE_UPD_ARR] = "UPDATE files AS t SET dev = v.dev, ino = v.ino, size = v.size,"
		" mtime_ns = v.mtime_ns, \"offset\" = v.off, line_no = v.line_no,"
		" head_hash = v.head_hash, head_len = v.head_len, bad_lines = v.bad_lines,"
		" agent_type = v.agent_type FROM unnest($1::bigint[], $2::bigint[], $3::bigint[],"
		" $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[],"
		" $10::bigint[], $11::text[]) AS v(id, dev, ino, size, mtime_ns, off, line_no,"
		" head_hash, head_len, bad_lines, agent_type) WHERE t.id = v.id",
	[P_PUSH_PERSON_ARR] = "INSERT INTO push_usage(msg_id, req_id, person, first_ms)"
		" SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])"
		" ON CONFLICT (msg_id, req_id) DO NOTHING",
};

/* Multi-row forms, generated from the one-row SQL. */
static const struct {
	enum pg_stmt one, many;
	int ncols;
} multi[] = {
	{ P_ROLLUP_ADD, P_ROLLUP_ADD_N, 13 },
	{ P_SROLLUP_ADD, P_SROLLUP_ADD_N, 10 },
	{ P_TROLLUP_ADD, P_TROLLUP_ADD_N, 4 },
};

/* --- parameters ---------------------------------------------------------- */

void pgp_reset(struct pgp *p)
{
	for (int i = 0; i < p->n; i++) {
		free(p->tmp[i]);
		p->tmp[i] = NULL;
	}
	p->n = 0;
	p->overflow = false;
}

static int pgp_slot(struct pgp *p)
{
	if (p->n >= PG_MAXP) {
		p->overflow = true;
		return -1;
	}
	p->tmp[p->n] = NULL;
	p->len[p->n] = 0;
	p->fmt[p->n] = 0;
	return p->n++;
}

void pgp_i64(struct pgp *p, int64_t v)
{
	int i = pgp_slot(p);
	if (i < 0)
		return;
	snprintf(p->num[i], sizeof(p->num[i]), "%" PRId64, v);
	p->v[i] = p->num[i];
}

void pgp_null(struct pgp *p)
{
	int i = pgp_slot(p);
	if (i >= 0)
		p->v[i] = NULL;
}

void pgp_bin(struct pgp *p, const void *data, size_t n)
{
	int i = pgp_slot(p);
	if (i < 0)
		return;
	p->v[i] = data;
	p->len[i] = (int)n;
	p->fmt[i] = 1;
}

/* See store_pg_int.h. */
size_t pg_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned lo = 0x80, hi = 0xBF;
	if (c < 0x80)
		return c ? 1 : 0;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if (s[k] < 0x80 || s[k] > 0xBF)
			return 0;
	return len;
}

void pgp_text(struct pgp *p, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	bool valid = true, terminated = n == SIZE_MAX; /* s[n] may only be read then */
	char *copy;
	size_t o = 0;
	int i = pgp_slot(p);
	if (i < 0)
		return;
	if (n == SIZE_MAX)
		n = strlen(s);
	for (size_t k = 0, l; k < n && valid; k += l)
		valid = (l = pg_utf8_seq(u + k, n - k)) != 0;
	if (valid && terminated) {
		p->v[i] = s;
		return;
	}
	/* a copy: terminated, and each invalid byte as U+FFFD (3 bytes) */
	if (!(copy = malloc(n * 3 + 1))) {
		p->overflow = true;
		p->v[i] = NULL;
		return;
	}
	for (size_t k = 0; k < n;) {
		size_t l = pg_utf8_seq(u + k, n - k);
		if (l) {
			memcpy(copy + o, s + k, l);
			o += l;
			k += l;
		} else {
			memcpy(copy + o, "\xEF\xBF\xBD", 3);
			o += 3;
			k++;
		}
	}
	copy[o] = '\0';
	p->tmp[i] = copy;
	p->v[i] = copy;
}

/* --- running statements -------------------------------------------------- */

static void trim_nl(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static int pg_fail(struct pg_store *q, PGresult *r, struct aiu_err *err, const char *what)
{
	char msg[512];
	str_copy(msg, r ? PQresultErrorMessage(r) : PQerrorMessage(q->conn), sizeof(msg));
	trim_nl(msg);
	if (!*msg)
		str_copy(msg, PQerrorMessage(q->conn), sizeof(msg));
	trim_nl(msg);
	PQclear(r);
	return aiu_errf(err, AIU_EDB, "%s: %s: %s", q->base.uri, what, msg);
}

/* True if a successful result is an INSERT/UPDATE/DELETE that changed
 * at least one row (what SQLite's total_changes counts). */
static bool changed_rows(PGresult *r)
{
	const char *st = PQcmdStatus(r), *n = PQcmdTuples(r);
	if (strncmp(st, "INSERT", 6) != 0 && strncmp(st, "UPDATE", 6) != 0 &&
	    strncmp(st, "DELETE", 6) != 0)
		return false;
	return *n && strcmp(n, "0") != 0;
}

static int check(struct pg_store *q, PGresult *r, PGresult **res, struct aiu_err *err,
		 const char *what)
{
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return pg_fail(q, r, err, what);
	if (changed_rows(r))
		q->changed = true;
	if (res)
		*res = r;
	else
		PQclear(r);
	return AIU_OK;
}

/* SQL for a multi-row statement of `rows` rows built from the one-row form
 * one: "<head> VALUES ($1..)<tail>" -> "<head> VALUES ($1..$k),(..)...<tail>". */
static const char *multi_sql(enum pg_stmt one, int ncols, int rows, struct buf *b)
{
	const char *s = stmt_sql[one], *v = strstr(s, " VALUES ("), *tail = v ? strchr(v, ')') : NULL;
	if (!tail)
		return NULL;
	buf_add(b, s, (size_t)(v - s));
	buf_puts(b, " VALUES ");
	for (int r = 0, k = 1; r < rows; r++) {
		buf_puts(b, r ? ",(" : "(");
		for (int c = 0; c < ncols; c++, k++)
			buf_printf(b, c ? ",$%d" : "$%d", k);
		buf_putc(b, ')');
	}
	buf_puts(b, tail + 1);
	return b->failed ? NULL : buf_cstr(b);
}

/* SQL text of statement id; multi-row forms are generated into b. */
static const char *sql_for(enum pg_stmt id, struct buf *b)
{
	for (size_t m = 0; m < sizeof(multi) / sizeof(multi[0]); m++)
		if (multi[m].many == id)
			return multi_sql(multi[m].one, multi[m].ncols, PG_MULTI, b);
	return stmt_sql[id];
}

/* A statement's first use runs it unnamed (parse, bind and execute in one
 * round trip); from its second use on it is prepared once and reused, so
 * one-shot reads cost no extra round trip and hot writes skip parsing. */
int pg_run(struct pg_store *q, enum pg_stmt id, PGresult **res, struct aiu_err *err,
	   const char *what)
{
	char name[16];
	struct pgp *p = q->p;
	struct buf b;
	const char *sql;
	int rc;
	if (res)
		*res = NULL;
	if (!q->wb_hold && (rc = pg_wb_flush(q, err)) < 0)
		return rc;
	q->wb_hold = false;
	if (p->overflow)
		return aiu_errf(err, AIU_ENOMEM, "%s: %s: too many parameters or out of memory",
				q->base.uri, what);
	snprintf(name, sizeof(name), "aiu%d", (int)id);
	if (q->prepared[id])
		return check(q, PQexecPrepared(q->conn, name, p->n, p->v, p->len, p->fmt, 0), res,
			     err, what);
	buf_init(&b, 1 << 20);
	if (!(sql = sql_for(id, &b))) {
		buf_release(&b);
		return aiu_errf(err, AIU_ENOMEM, "out of memory (statement text)");
	}
	if (!q->used[id]) {
		q->used[id] = true;
		rc = check(q, PQexecParams(q->conn, sql, p->n, NULL, p->v, p->len, p->fmt, 0), res,
			   err, what);
	} else if ((rc = check(q, PQprepare(q->conn, name, sql, 0, NULL), NULL, err, "prepare")) == AIU_OK) {
		q->prepared[id] = true;
		rc = check(q, PQexecPrepared(q->conn, name, p->n, p->v, p->len, p->fmt, 0), res, err,
			   what);
	}
	buf_release(&b);
	return rc;
}

int pg_run_rows(struct pg_store *q, enum pg_stmt one, int rows, struct aiu_err *err,
		const char *what)
{
	struct buf b;
	const char *sql;
	int rc, ncols = 0;
	enum pg_stmt many = one;
	if ((rc = pg_wb_flush(q, err)) < 0)
		return rc;
	for (size_t m = 0; m < sizeof(multi) / sizeof(multi[0]); m++)
		if (multi[m].one == one) {
			many = multi[m].many;
			ncols = multi[m].ncols;
		}
	if (rows == 1 || (rows == PG_MULTI && many != one))
		return pg_run(q, rows == 1 ? one : many, NULL, err, what);
	if (!ncols || rows < 1 || rows > PG_MULTI)
		return aiu_errf(err, AIU_EARG, "%s: %s: no %d-row form", q->base.uri, what, rows);
	if (q->p->overflow)
		return aiu_errf(err, AIU_ENOMEM, "%s: %s: too many parameters or out of memory",
				q->base.uri, what);
	buf_init(&b, 1 << 20);
	if (!(sql = multi_sql(one, ncols, rows, &b)))
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory (statement text)");
	else
		rc = check(q, PQexecParams(q->conn, sql, q->p->n, NULL, q->p->v, q->p->len, q->p->fmt, 0),
			   NULL, err, what);
	buf_release(&b);
	return rc;
}

int pg_exec(struct pg_store *q, const char *sql, PGresult **res, struct aiu_err *err,
	    const char *what)
{
	struct pgp *p = q->p;
	int rc;
	if (res)
		*res = NULL;
	if ((rc = pg_wb_flush(q, err)) < 0)
		return rc;
	if (p->overflow)
		return aiu_errf(err, AIU_ENOMEM, "%s: %s: too many parameters or out of memory",
				q->base.uri, what);
	return check(q, PQexecParams(q->conn, sql, p->n, NULL, p->v, p->len, p->fmt, 0), res, err,
		     what);
}

/* Runs a constant statement without parameters. */
static int run_const(struct pg_store *q, const char *sql, struct aiu_err *err)
{
	int rc;
	if ((rc = pg_wb_flush(q, err)) < 0)
		return rc;
	return check(q, PQexec(q->conn, sql), NULL, err, sql);
}

int64_t pg_i64(const PGresult *r, int row, int col)
{
	int64_t v = 0;
	if (PQgetisnull(r, row, col) ||
	    parse_i64(PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col), &v) < 0)
		return 0;
	return v;
}

void pg_text(const PGresult *r, int row, int col, char *out, size_t cap)
{
	str_copy(out, PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col), cap);
}

/* --- locks and transactions ---------------------------------------------- */

static int pg_sync_lock(struct store *s, int wait_ms, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	int waited = 0, rc;
	if (q->locked) /* advisory locks count: never take it twice */
		return AIU_OK;
	for (;;) {
		PGresult *r;
		bool got;
		pgp_reset(q->p);
		pgp_text(q->p, LOCK_SYNC, SIZE_MAX);
		if ((rc = pg_run(q, P_LOCK_TRY, &r, err, "sync lock")) < 0)
			return rc;
		got = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
		PQclear(r);
		if (got) {
			q->locked = true;
			return AIU_OK;
		}
		if (wait_ms >= 0 && waited >= wait_ms)
			return aiu_errf(err, AIU_EBUSY, "another aiusage sync is using %s", q->base.uri);
		usleep(50 * 1000);
		waited += 50;
	}
}

static void pg_sync_unlock(struct store *s)
{
	struct pg_store *q = PGQ(s);
	PGresult *r = NULL;
	if (!q->locked)
		return;
	pgp_reset(q->p);
	pgp_text(q->p, LOCK_SYNC, SIZE_MAX);
	if (pg_run(q, P_LOCK_FREE, &r, NULL, "sync unlock") == AIU_OK)
		PQclear(r);
	q->locked = false;
}

/* A first sync commits many large transactions: with synchronous_commit
 * off the server acknowledges a commit before its WAL reaches disk. A
 * server crash can then lose the last commits, but each commit carries the
 * file offsets of its rows, so the next sync reads those bytes again and
 * converges; the store is never inconsistent. on=false restores the
 * server's setting. */
static void pg_bulk_mode(struct store *s, bool on)
{
	struct pg_store *q = PGQ(s);
	run_const(q, on ? "SET synchronous_commit = off" : "RESET synchronous_commit", NULL);
}

static int pg_begin(struct store *s, struct aiu_err *err)
{
	if (PGQ(s)->read_only) /* as SQLite's query_only: a write transaction is refused */
		return aiu_errf(err, AIU_EDB, "%s: this connection is read-only", s->uri);
	PGQ(s)->changed = false;
	return run_const(PGQ(s), "BEGIN ISOLATION LEVEL READ COMMITTED", err);
}

/* As on SQLite: a transaction that changed rows also bumps the data
 * version (meta 'generation') before it commits, so readers' caches see
 * the change exactly when the data does. The bump is one atomic upsert,
 * so concurrent writers each add their own 1. */
static int pg_commit(struct store *s, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	int rc;
	if ((rc = pg_wb_flush(q, err)) < 0) /* queued writes first: they may change rows */
		return rc;
	if (q->changed &&
	    (rc = run_const(q, "INSERT INTO meta AS t(key, value) VALUES ('generation', '1')"
			    " ON CONFLICT (key) DO UPDATE SET value = (t.value::bigint + 1)::text",
			    err)) < 0)
		return rc;
	q->changed = false;
	return run_const(q, "COMMIT", err);
}

/* Rolled-back transactions may have interned names whose rows are gone:
 * the dictionary caches start over. */
static int pg_rollback(struct store *s)
{
	struct pg_store *q = PGQ(s);
	pg_wb_drop(q);
	for (int d = 0; d < DICT__N; d++) {
		dict_cache_release(&q->dict[d]);
		dict_cache_init(&q->dict[d]);
	}
	q->changed = false;
	return run_const(q, "ROLLBACK", NULL);
}

/* --- open / migrate / close -------------------------------------------------- */

static void pg_close(struct store *s)
{
	struct pg_store *q = PGQ(s);
	if (!q)
		return;
	if (q->conn && PQstatus(q->conn) == CONNECTION_OK) {
		pg_wb_flush(q, NULL); /* outside a transaction a queued write is due now */
		pg_sync_unlock(s);
	}
	pg_wb_free(q);
	if (q->p) {
		pgp_reset(q->p);
		free(q->p);
	}
	for (int d = 0; d < DICT__N; d++)
		dict_cache_release(&q->dict[d]);
	PQfinish(q->conn);
	free(q->base.uri);
	free(q);
}

static const struct store_ops pg_ops = {
	.name = "postgresql",
	.close = pg_close,
	.sync_lock = pg_sync_lock,
	.sync_unlock = pg_sync_unlock,
	.bulk_mode = pg_bulk_mode,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.intern = pg_intern,
	.dict_name = pg_dict_name,
	.file_get = pg_file_get,
	.file_put = pg_file_put,
	.file_list = pg_file_list,
	.files_reset = pg_files_reset,
	.session_get = pg_session_get,
	.session_put = pg_session_put,
	.usage_empty = pg_usage_empty,
	.usage_get = pg_usage_get,
	.usage_put = pg_usage_put,
	.usage_put_many = pg_usage_put_many,
	.message_add = pg_message_add,
	.rollup_add = pg_rollup_add,
	.session_rollup_add = pg_session_rollup_add,
	.tool_rollup_add = pg_tool_rollup_add,
	.rollup_add_many = pg_rollup_add_many,
	.tool_rollup_add_many = pg_tool_rollup_add_many,
	.bad_line_add = pg_bad_line_add,
	.bad_lines_clear = pg_bad_lines_clear,
	.rollup_scan = pg_rollup_scan,
	.tool_rollup_scan = pg_tool_rollup_scan,
	.session_scan = pg_session_scan,
	.session_rollup_scan = pg_session_rollup_scan,
	.bad_line_scan = pg_bad_line_scan,
	.dict_find = pg_dict_find,
	.dict_scan = pg_dict_scan,
	/* data version, read snapshots, session detail, sync stats, retention
	 * (store_pg_sync.c) */
	.data_version = pg_data_version,
	.read_begin = pg_read_begin,
	.read_end = pg_read_end,
	.read_only = pg_read_only,
	.session_usage_scan = pg_session_usage_scan,
	.session_message_scan = pg_session_message_scan,
	.file_get_id = pg_file_get_id,
	.meta_get = pg_meta_get,
	.meta_set = pg_meta_set,
	.data_stats = pg_data_stats,
	.prune_before = pg_prune_before,
	.session_report_scan = pg_session_report_scan, /* scale_pg.c */
	/* organisation sources (store_pg_org.c) */
	.org_checkpoint_get = pg_org_checkpoint_get,
	.org_checkpoint_put = pg_org_checkpoint_put,
	.org_run_start = pg_org_run_start,
	.org_run_finish = pg_org_run_finish,
	.org_run_scan = pg_org_run_scan,
	.anth_day_clear = pg_anth_day_clear,
	.anth_usage_put = pg_anth_usage_put,
	.anth_cost_put = pg_anth_cost_put,
	.anth_cc_put = pg_anth_cc_put,
	.anth_user_put = pg_anth_user_put,
	.anth_workspace_put = pg_anth_workspace_put,
	.anth_key_put = pg_anth_key_put,
	.org_person_put = pg_org_person_put,
	.org_key_map_clear = pg_org_key_map_clear,
	.org_key_map_put = pg_org_key_map_put,
	.anth_usage_scan = pg_anth_usage_scan,
	.anth_cost_scan = pg_anth_cost_scan,
	.anth_cc_scan = pg_anth_cc_scan,
	.anth_user_scan = pg_anth_user_scan,
	.anth_workspace_scan = pg_anth_workspace_scan,
	.anth_key_scan = pg_anth_key_scan,
	.org_person_scan = pg_org_person_scan,
	.org_key_map_scan = pg_org_key_map_scan,
	/* Cursor and claude.ai (store_pg_cursor.c) */
	.claude_ai_event_add = pg_claude_ai_event_add,
	.cursor_member_put = pg_cursor_member_put,
	.cursor_daily_put = pg_cursor_daily_put,
	.cursor_event_put = pg_cursor_event_put,
	.cursor_spend_put = pg_cursor_spend_put,
	.cursor_spend_scan = pg_cursor_spend_scan,
	.cursor_commit_put = pg_cursor_commit_put,
	.cursor_change_put = pg_cursor_change_put,
	.token_add = pg_token_add,
	.token_scan = pg_token_scan,
	.token_find = pg_token_find,
	.token_active_count = pg_token_active_count,
	.token_revoke = pg_token_revoke,
	.push_sent_get = pg_push_sent_get,
	.push_sent_put = pg_push_sent_put,
	.push_person_put = pg_push_person_put,
	.usage_scan = pg_usage_scan,
	/* bulk forms (store_pg_usage.c, store_pg_write.c) */
	.usage_get_many = pg_usage_get_many,
	.message_add_many = pg_message_add_many,
	.session_rollup_add_many = pg_session_rollup_add_many,
	.session_get_many = pg_session_get_many,
	/* org API reads (org_read_pg.c) */
	.org_tool_day_scan = pg_org_tool_day_scan,
	.cursor_member_scan = pg_cursor_member_scan,
};

/* Runs one migration step in its own transaction with the version bump. */
static int migrate_step(struct pg_store *q, const struct migration *m, struct aiu_err *err)
{
	char msg[512];
	PGresult *r;
	int rc;
	if ((rc = run_const(q, "BEGIN", err)) < 0)
		return rc;
	r = PQexec(q->conn, m->sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		str_copy(msg, PQresultErrorMessage(r), sizeof(msg));
		trim_nl(msg);
		PQclear(r);
		run_const(q, "ROLLBACK", NULL);
		return aiu_errf(err, AIU_EDB, "%s: migration %d (%s): %s", q->base.uri, m->version,
				m->name, msg);
	}
	PQclear(r);
	pgp_reset(q->p);
	pgp_i64(q->p, m->version);
	r = PQexecParams(q->conn, "UPDATE schema_version SET version = $1", 1, NULL, q->p->v,
			 q->p->len, q->p->fmt, 0);
	if ((rc = check(q, r, NULL, err, "schema version")) < 0 ||
	    (rc = run_const(q, "COMMIT", err)) < 0) {
		run_const(q, "ROLLBACK", NULL);
		return rc;
	}
	return AIU_OK;
}

/* Pending steps, in order, under an advisory lock so that two processes
 * opening a new database at once do not both migrate (the second waits,
 * then finds nothing to do). */
static int migrate(struct pg_store *q, struct aiu_err *err)
{
	int rc, version = 0, last = pg_migrations[pg_migrations_n - 1].version;
	PGresult *r = NULL;
	int64_t v;

	/* the usual case, without a lock: the schema is already current */
	r = PQexec(q->conn, "SELECT max(version) FROM schema_version");
	v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? pg_i64(r, 0, 0) : -1;
	PQclear(r);
	r = NULL;
	if (v == last)
		return AIU_OK;
	if ((rc = run_const(q, "SELECT pg_advisory_lock(" LOCK_MIGRATE ")", err)) < 0)
		return rc;
	if ((rc = run_const(q, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)",
			    err)) < 0 ||
	    (rc = run_const(q, "INSERT INTO schema_version(version) SELECT 0"
			    " WHERE NOT EXISTS (SELECT 1 FROM schema_version)", err)) < 0)
		goto out;
	if ((rc = check(q, PQexec(q->conn, "SELECT max(version) FROM schema_version"), &r, err,
			"read schema version")) < 0)
		goto out;
	v = PQntuples(r) == 1 ? pg_i64(r, 0, 0) : 0;
	PQclear(r);
	version = (int)v;
	if (version > last) {
		rc = aiu_errf(err, AIU_EDB, "%s: schema version %d is newer than this aiusage (%d); upgrade aiusage",
			      q->base.uri, version, last);
		goto out;
	}
	for (int i = 0; i < pg_migrations_n; i++)
		if (pg_migrations[i].version > version &&
		    (rc = migrate_step(q, &pg_migrations[i], err)) < 0)
			goto out;
out:
	run_const(q, "SELECT pg_advisory_unlock(" LOCK_MIGRATE ")", NULL);
	return rc;
}

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

void store_pg_redact(const char *uri, char *out, size_t cap)
{
	const char *scheme = strstr(uri, "://"), *at, *colon, *slash, *pw;
	struct buf b;
	buf_init(&b, 8192);
	if (scheme) {
		const char *auth = scheme + 3;
		slash = auth + strcspn(auth, "/?");
		at = memchr(auth, '@', (size_t)(slash - auth));
		/* user:password@host -> user@host */
		colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon) {
			buf_add(&b, uri, (size_t)(colon - uri));
			uri = at;
		}
	}
	/* password=... in the query part -> password=*** */
	while ((pw = strstr(uri, "password=")) != NULL) {
		buf_add(&b, uri, (size_t)(pw - uri) + 9);
		buf_puts(&b, "***");
		uri = pw + 9 + strcspn(pw + 9, "&");
	}
	buf_puts(&b, uri);
	str_copy(out, b.failed ? "postgres://(redacted)" : buf_cstr(&b), cap);
	buf_release(&b);
}

/* Removes every occurrence of secret from msg (libpq messages should not
 * carry the password, but make sure). */
static void scrub(char *msg, const char *secret)
{
	size_t n = strlen(secret);
	char *p;
	if (n < 1)
		return;
	while ((p = strstr(msg, secret)) != NULL)
		memmove(p, p + n, strlen(p + n) + 1);
}

int store_pg_open(const char *uri, struct store **out, struct aiu_err *err)
{
	/* the URI may override the first two; client_encoding (after it) is ours */
	static const char *const keys[] = { "connect_timeout", "fallback_application_name",
					    "dbname", "client_encoding", NULL };
	const char *vals[] = { "10", "aiusage", uri, "UTF8", NULL };
	struct pg_store *q = calloc(1, sizeof(*q));
	char red[1024], msg[512];
	int rc = AIU_OK;

	*out = NULL;
	if (!q)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	q->base.ops = &pg_ops;
	q->base.remote = true;
	for (int d = 0; d < DICT__N; d++)
		dict_cache_init(&q->dict[d]);
	store_pg_redact(uri, red, sizeof(red));
	if (!(q->base.uri = strdup(red)) || !(q->p = calloc(1, sizeof(*q->p)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	q->conn = PQconnectdbParams(keys, vals, 1);
	if (!q->conn || PQstatus(q->conn) != CONNECTION_OK) {
		PQconninfoOption *opts = PQconninfoParse(uri, NULL);
		str_copy(msg, q->conn ? PQerrorMessage(q->conn) : "out of memory", sizeof(msg));
		for (PQconninfoOption *o = opts; o && o->keyword; o++)
			if (strcmp(o->keyword, "password") == 0 && o->val)
				scrub(msg, o->val);
		PQconninfoFree(opts);
		trim_nl(msg);
		rc = aiu_errf(err, AIU_EDB, "cannot connect to %s: %s", red, msg);
		goto out;
	}
	PQsetNoticeProcessor(q->conn, quiet_notices, NULL);
	if (PQclientEncoding(q->conn) != pg_char_to_encoding("UTF8")) {
		rc = aiu_errf(err, AIU_EDB, "%s: cannot use UTF8 client encoding", red);
		goto out;
	}
	if ((rc = migrate(q, err)) < 0)
		goto out;
	*out = &q->base;
	q = NULL;
out:
	if (q)
		pg_close(&q->base);
	return rc;
}

void *store_pg_handle(struct store *s)
{
	if (!s || s->ops != &pg_ops)
		return NULL;
	pg_wb_flush(PGQ(s), NULL); /* raw access sees every queued write */
	return PGQ(s)->conn;
}

const struct store_ops *store_pg_ops(void)
{
	return &pg_ops;
}
