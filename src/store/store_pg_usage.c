/* store_pg_usage.c - the PostgreSQL backend's usage rows and prompts in
 * bulk: one usage-row decoder for every read of `usage`, lookups of many
 * keys in one round trip, and writes of a whole batch of usage rows or
 * prompts in one statement.
 *
 * Why arrays: a sync into PostgreSQL is bound by round trips, not by the
 * server's work (docs/SCALING.md). A batch travels as one array parameter
 * per column and the server unnests it:
 *   INSERT INTO usage(...) SELECT * FROM unnest($1::bigint[], $2::text[], ...)
 * so 4,096 rows cost one round trip and one prepared statement whose text
 * never changes. Arrays go as text literals ({1,2,"a\"b",NULL}); strings
 * that are not valid UTF-8 get each bad byte replaced by U+FFFD, as
 * single parameters do (pgp_text). Every value is still a bound parameter.
 */
#include "store/store_pg_int.h"

#include "core/buf.h"
#include "core/kmap.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARR_MAX ((size_t)256 << 20) /* one array literal (4,096 rows need ~2 MB) */

/* --- decoding -------------------------------------------------------------- */

int pg_usage_cols(const PGresult *r, int row, struct usage_row *o, struct aiu_err *err)
{
	memset(o, 0, sizeof(*o));
	o->key = pg_i64(r, row, 0);
	pg_text(r, row, 1, o->msg_id, sizeof(o->msg_id));
	pg_text(r, row, 2, o->req_id, sizeof(o->req_id));
	o->ts = pg_i64(r, row, 3);
	o->session_id = pg_i64(r, row, 4);
	o->project_id = pg_i64(r, row, 5);
	o->model_id = pg_i64(r, row, 6);
	o->variant = (unsigned)pg_i64(r, row, 7);
	o->sidechain = pg_i64(r, row, 8) != 0;
	o->t.input = pg_i64(r, row, 9);
	o->t.output = pg_i64(r, row, 10);
	o->t.cw5m = pg_i64(r, row, 11);
	o->t.cw1h = pg_i64(r, row, 12);
	o->t.cache_read = pg_i64(r, row, 13);
	o->t.web_search = pg_i64(r, row, 14);
	o->file_id = pg_i64(r, row, 15);
	o->line_no = pg_i64(r, row, 16);
	o->byte_off = pg_i64(r, row, 17);
	pg_text(r, row, 18, o->service_tier, sizeof(o->service_tier));
	if (!PQgetisnull(r, row, 19)) {
		size_t len = 0, n;
		unsigned char *b = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, 19), &len);
		if (!b)
			return aiu_errf(err, AIU_ENOMEM, "out of memory (usage tools)");
		n = len / sizeof(o->tools[0]);
		if (n > USAGE_MAX_TOOLS)
			n = USAGE_MAX_TOOLS;
		o->ntools = (uint32_t)n;
		if (n)
			memcpy(o->tools, b, n * sizeof(o->tools[0]));
		PQfreemem(b);
	}
	return AIU_OK;
}

/* --- array literals ---------------------------------------------------------- */

void pg_arr_i64(struct buf *b, size_t i, int64_t v)
{
	buf_printf(b, i ? ",%" PRId64 : "%" PRId64, v);
}

void pg_arr_text(struct buf *b, size_t i, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);
	if (i)
		buf_putc(b, ',');
	buf_putc(b, '"');
	for (size_t k = 0; k < n;) {
		size_t l = pg_utf8_seq(u + k, n - k);
		if (!l) {
			buf_puts(b, "\xEF\xBF\xBD");
			k++;
		} else {
			if (s[k] == '"' || s[k] == '\\')
				buf_putc(b, '\\');
			buf_add(b, s + k, l);
			k += l;
		}
	}
	buf_putc(b, '"');
}

/* A bytea element in hex form ("\\x0a0b", the backslash escaped), or NULL. */
static void arr_bytea(struct buf *b, size_t i, const void *data, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *d = data;
	if (i)
		buf_putc(b, ',');
	if (!n) {
		buf_puts(b, "NULL");
		return;
	}
	buf_puts(b, "\"\\\\x");
	for (size_t k = 0; k < n; k++) {
		buf_putc(b, hex[d[k] >> 4]);
		buf_putc(b, hex[d[k] & 15]);
	}
	buf_putc(b, '"');
}

/* Sends arrays a[0..ncols) (each "{...}" already closed) as the statement's
 * parameters. */
static int run_arrays(struct pg_store *q, enum pg_stmt id, struct buf *a, int ncols,
		      PGresult **res, struct aiu_err *err, const char *what)
{
	pgp_reset(q->p);
	for (int c = 0; c < ncols; c++) {
		if (a[c].failed)
			return aiu_errf(err, AIU_ENOMEM, "%s: %s: batch too large or out of memory",
					q->base.uri, what);
		pgp_text(q->p, buf_cstr(&a[c]), SIZE_MAX);
	}
	return pg_run(q, id, res, err, what);
}

/* --- lookups ---------------------------------------------------------------- */

int pg_usage_get(struct store *s, int64_t key, struct usage_row *o, bool *found,
		 struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	PGresult *r;
	int rc;
	pgp_reset(q->p);
	pgp_i64(q->p, key);
	if ((rc = pg_run(q, P_USAGE_GET, &r, err, "usage lookup")) < 0)
		return rc;
	*found = PQntuples(r) == 1;
	rc = *found ? pg_usage_cols(r, 0, o, err) : AIU_OK;
	PQclear(r);
	return rc;
}

int pg_usage_get_many(struct store *s, const int64_t *keys, size_t n,
		      int (*cb)(void *ctx, const struct usage_row *r), void *ctx,
		      struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	struct usage_row *u = NULL;
	PGresult *r = NULL;
	struct buf a;
	int rc = AIU_OK;

	if (!n)
		return AIU_OK;
	buf_init(&a, ARR_MAX);
	buf_putc(&a, '{');
	for (size_t i = 0; i < n; i++)
		pg_arr_i64(&a, i, keys[i]);
	buf_putc(&a, '}');
	if ((rc = run_arrays(q, P_USAGE_GET_ANY, &a, 1, &r, err, "usage lookup (batch)")) < 0)
		goto out;
	if (!(u = malloc(sizeof(*u)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory (usage lookup)");
		goto out;
	}
	for (int i = 0, nt = PQntuples(r); i < nt && rc == 0; i++)
		if ((rc = pg_usage_cols(r, i, u, err)) == AIU_OK)
			rc = cb(ctx, u);
out:
	PQclear(r);
	free(u);
	buf_release(&a);
	return rc;
}

/* --- sessions ---------------------------------------------------------------- */

static void session_cols(const PGresult *r, int i, struct session_row *o)
{
	memset(o, 0, sizeof(*o));
	o->id = pg_i64(r, i, 0);
	pg_text(r, i, 1, o->uuid, sizeof(o->uuid));
	o->project_id = pg_i64(r, i, 2);
	o->first_ts = pg_i64(r, i, 3);
	o->last_ts = pg_i64(r, i, 4);
	o->user_msgs = pg_i64(r, i, 5);
	pg_text(r, i, 6, o->git_branch, sizeof(o->git_branch));
	pg_text(r, i, 7, o->version, sizeof(o->version));
}

/* Runs statement id on the uuid array a and calls cb for each row. */
static int session_rows(struct pg_store *q, enum pg_stmt id, struct buf *a, bool created,
			struct kmap *have,
			int (*cb)(void *ctx, const struct session_row *r, bool created), void *ctx,
			struct aiu_err *err)
{
	struct session_row *row = malloc(sizeof(*row));
	PGresult *r = NULL;
	int rc;
	if (!row)
		return aiu_errf(err, AIU_ENOMEM, "out of memory (session lookup)");
	if ((rc = run_arrays(q, id, a, 1, &r, err, "session lookup (batch)")) < 0)
		goto out;
	for (int i = 0, nt = PQntuples(r); i < nt && rc == 0; i++) {
		session_cols(r, i, row);
		if (have) {
			uint64_t h = hash64(row->uuid, strlen(row->uuid));
			if (!kmap_put(have, &h, NULL)) {
				rc = aiu_errf(err, AIU_ENOMEM, "out of memory (session lookup)");
				goto out;
			}
		}
		rc = cb(ctx, row, created);
	}
out:
	PQclear(r);
	free(row);
	return rc;
}

int pg_session_get_many(struct store *s, const char *const *uuids, size_t n,
			int (*cb)(void *ctx, const struct session_row *r, bool created), void *ctx,
			struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	struct kmap have;   /* hashes of the stored uuids (as the server returned them) */
	struct buf a;
	size_t k = 0;
	int rc;

	if (!n)
		return AIU_OK;
	kmap_init(&have, sizeof(uint64_t), 0, 0);
	buf_init(&a, ARR_MAX);
	buf_putc(&a, '{');
	for (size_t i = 0; i < n; i++)
		pg_arr_text(&a, i, uuids[i]);
	buf_putc(&a, '}');
	if ((rc = session_rows(q, P_SESS_GET_ANY, &a, false, &have, cb, ctx, err)) != 0)
		goto out;
	/* the missing ones, in the given order (a uuid that is not valid UTF-8
	 * was stored with U+FFFD: it looks missing here, and ON CONFLICT keeps
	 * it from being inserted twice) */
	buf_reset(&a);
	buf_putc(&a, '{');
	for (size_t i = 0; i < n; i++) {
		uint64_t h = hash64(uuids[i], strlen(uuids[i]));
		if (!kmap_get(&have, &h))
			pg_arr_text(&a, k++, uuids[i]);
	}
	buf_putc(&a, '}');
	if (k)
		rc = session_rows(q, P_SESS_ADD_ARR, &a, true, NULL, cb, ctx, err);
out:
	kmap_release(&have);
	buf_release(&a);
	return rc;
}

/* --- usage writes ------------------------------------------------------------- */

#define USAGE_NCOLS 20

/* Rows [i, i + k) as one statement. */
static int usage_chunk(struct pg_store *q, const struct usage_row *const *rows, size_t k,
		       struct aiu_err *err)
{
	struct buf a[USAGE_NCOLS];
	int rc;
	for (int c = 0; c < USAGE_NCOLS; c++) {
		buf_init(&a[c], ARR_MAX);
		buf_putc(&a[c], '{');
	}
	for (size_t i = 0; i < k; i++) {
		const struct usage_row *u = rows[i];
		pg_arr_i64(&a[0], i, u->key);
		pg_arr_text(&a[1], i, u->msg_id);
		pg_arr_text(&a[2], i, u->req_id);
		pg_arr_i64(&a[3], i, u->ts);
		pg_arr_i64(&a[4], i, u->session_id);
		pg_arr_i64(&a[5], i, u->project_id);
		pg_arr_i64(&a[6], i, u->model_id);
		pg_arr_i64(&a[7], i, (int64_t)u->variant);
		pg_arr_i64(&a[8], i, u->sidechain);
		pg_arr_i64(&a[9], i, u->t.input);
		pg_arr_i64(&a[10], i, u->t.output);
		pg_arr_i64(&a[11], i, u->t.cw5m);
		pg_arr_i64(&a[12], i, u->t.cw1h);
		pg_arr_i64(&a[13], i, u->t.cache_read);
		pg_arr_i64(&a[14], i, u->t.web_search);
		pg_arr_i64(&a[15], i, u->file_id);
		pg_arr_i64(&a[16], i, u->line_no);
		pg_arr_i64(&a[17], i, u->byte_off);
		pg_arr_text(&a[18], i, u->service_tier);
		arr_bytea(&a[19], i, u->tools, u->ntools * sizeof(u->tools[0]));
	}
	for (int c = 0; c < USAGE_NCOLS; c++)
		buf_putc(&a[c], '}');
	rc = run_arrays(q, P_USAGE_PUT_ARR, a, USAGE_NCOLS, NULL, err, "usage write");
	for (int c = 0; c < USAGE_NCOLS; c++)
		buf_release(&a[c]);
	return rc;
}

#define USAGE_CHUNK 4096

/* Writes rows in order, up to USAGE_CHUNK per statement. A statement never
 * holds one key twice (PostgreSQL refuses to update a row twice in one
 * INSERT ... ON CONFLICT): a repeated key starts the next statement, so a
 * later row still wins, as with one row at a time. */
int pg_usage_put_many(struct store *s, const struct usage_row *const *rows, size_t n,
		      struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	struct kmap keys;
	int rc = AIU_OK;

	kmap_init(&keys, sizeof(int64_t), 0, 0);
	for (size_t i = 0; i < n && rc == AIU_OK;) {
		size_t k = 0;
		bool created = true;
		kmap_clear(&keys);
		while (i + k < n && k < USAGE_CHUNK) {
			if (!kmap_put(&keys, &rows[i + k]->key, &created)) {
				rc = aiu_errf(err, AIU_ENOMEM, "out of memory (usage write)");
				goto out;
			}
			if (!created)
				break;
			k++;
		}
		if ((rc = usage_chunk(q, rows + i, k, err)) < 0)
			goto out;
		i += k;
	}
out:
	kmap_release(&keys);
	return rc;
}

int pg_usage_put(struct store *s, const struct usage_row *row, struct aiu_err *err)
{
	const struct usage_row *rows[1] = { row };
	return pg_usage_put_many(s, rows, 1, err);
}

/* --- prompts ---------------------------------------------------------------------- */

#define MSG_NCOLS 6

int pg_message_add_many(struct store *s, const struct message_row *rows, size_t n,
			bool *inserted, struct aiu_err *err)
{
	struct pg_store *q = PGQ(s);
	struct buf a[MSG_NCOLS];
	struct kmap got;    /* keys the server inserted */
	struct kmap used;   /* of those, keys already reported */
	PGresult *r = NULL;
	int rc;

	kmap_init(&got, sizeof(int64_t), 0, 0);
	kmap_init(&used, sizeof(int64_t), 0, 0);
	for (int c = 0; c < MSG_NCOLS; c++) {
		buf_init(&a[c], ARR_MAX);
		buf_putc(&a[c], '{');
	}
	for (size_t i = 0; i < n; i++) {
		const struct message_row *m = &rows[i];
		inserted[i] = false;
		pg_arr_i64(&a[0], i, m->key);
		pg_arr_i64(&a[1], i, m->session_id);
		pg_arr_i64(&a[2], i, m->ts);
		pg_arr_i64(&a[3], i, m->file_id);
		pg_arr_i64(&a[4], i, m->byte_off);
		pg_arr_i64(&a[5], i, m->byte_len);
	}
	for (int c = 0; c < MSG_NCOLS; c++)
		buf_putc(&a[c], '}');
	if (!n) {
		rc = AIU_OK;
		goto out;
	}
	if ((rc = run_arrays(q, P_MSG_ADD_ARR, a, MSG_NCOLS, &r, err, "message write")) < 0)
		goto out;
	for (int i = 0, nt = PQntuples(r); i < nt; i++) {
		int64_t k = pg_i64(r, i, 0);
		if (!kmap_put(&got, &k, NULL)) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory (message write)");
			goto out;
		}
	}
	/* a key listed twice was inserted once: the first occurrence counts */
	for (size_t i = 0; i < n; i++) {
		bool created;
		if (!kmap_get(&got, &rows[i].key))
			continue;
		if (!kmap_put(&used, &rows[i].key, &created)) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory (message write)");
			goto out;
		}
		inserted[i] = created;
	}
out:
	PQclear(r);
	kmap_release(&got);
	kmap_release(&used);
	for (int c = 0; c < MSG_NCOLS; c++)
		buf_release(&a[c]);
	return rc;
}
