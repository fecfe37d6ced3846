/* api_ingest.c - POST /api/ingest/usage: usage records pushed by
 * `aiusage push` from team members' machines (body: ingest/push_wire.h).
 *
 * The route is ROUTE_INGEST (http_auth.c): only a token with a person gets
 * here, and every record is counted for that person. Records go through
 * cc_apply exactly like local transcript lines, so deduplication on
 * (message.id, requestId) and the "largest record wins" rule are the same:
 * a record pushed twice, or by two machines, counts once, and the rollups
 * every report reads move with it. One request = one transaction on a
 * connection of its own (workers' connections are read-only), under the
 * store's sync lock so it never interleaves with a transcript sync. A bad
 * record is reported (index, field) and the rest are applied.
 *
 * Session prompt counts ("sessions", push_wire.h) are applied after the
 * records' rows and sessions are flushed, in the same transaction: a
 * session's user_msgs becomes the largest count ever sent for it (never a
 * sum) and its bounds widen to the ones sent, so a re-push or a second
 * machine with the same session converges. A session the server does not
 * know is created when the entry names its project (a session of prompts
 * only), else counted as unknown (the client sends it again next time). */
#include "http/api.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "ingest/cc_apply.h"
#include "ingest/push_wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUSH_LOCK_WAIT_MS 30000
#define MAX_REPORTED_ERRORS 20

struct sess_count {
	char uuid[128];
	char *project;       /* owned; NULL = not sent */
	int64_t n, first_ts, last_ts;
};

struct ingest_ctx {
	struct cc_apply a;
	struct store *s;
	const char *person;
	int64_t now;
	int64_t received, rejected;
	struct jsonw *errs;  /* the "errors" array being written */
	struct sess_count *sess; /* session counts of the body (owned) */
	size_t nsess, csess;
	int64_t sess_created, sess_updated, sess_unchanged, sess_unknown;
};

static int on_session(void *ctx, size_t index, const struct push_session *ps, struct aiu_err *err)
{
	struct ingest_ctx *c = ctx;
	struct sess_count *sc;
	(void)index;
	if (c->nsess == c->csess) {
		size_t nc = c->csess ? c->csess * 2 : 64;
		struct sess_count *v = nc <= PUSH_MAX_SESSIONS * 2 ? realloc(c->sess, nc * sizeof(*v)) : NULL;
		if (!v)
			return aiu_errf(err, AIU_ENOMEM, "out of memory (session counts)");
		c->sess = v;
		c->csess = nc;
	}
	sc = &c->sess[c->nsess];
	memset(sc, 0, sizeof(*sc));
	if (ps->project[0] && !(sc->project = strdup(ps->project)))
		return aiu_errf(err, AIU_ENOMEM, "out of memory (session counts)");
	str_copy(sc->uuid, ps->session_id, sizeof(sc->uuid));
	sc->n = ps->user_msgs;
	sc->first_ts = ps->first_ts;
	sc->last_ts = ps->last_ts;
	c->nsess++;
	return AIU_OK;
}

/* Merges one entry into row (new when row->id == 0): the largest count,
 * the widest bounds, the project when the row has none. *changed tells. */
static int merge_session(struct ingest_ctx *c, const struct sess_count *sc,
			 struct session_row *row, bool *changed, struct aiu_err *err)
{
	int rc;
	*changed = false;
	if (sc->n > row->user_msgs) {
		row->user_msgs = sc->n;
		*changed = true;
	}
	if (sc->first_ts && (!row->first_ts || sc->first_ts < row->first_ts)) {
		row->first_ts = sc->first_ts;
		*changed = true;
	}
	if (sc->last_ts > row->last_ts) {
		row->last_ts = sc->last_ts;
		*changed = true;
	}
	if (!row->project_id && sc->project) {
		if ((rc = c->s->ops->intern(c->s, DICT_PROJECT, sc->project, strlen(sc->project),
					    &row->project_id, err)) < 0)
			return rc;
		*changed = true;
	}
	return AIU_OK;
}

/* Applies the session entries (after cc_apply_flush: its cached session
 * rows are written by then). */
static int apply_sessions(struct ingest_ctx *c, struct aiu_err *err)
{
	for (size_t i = 0; i < c->nsess; i++) {
		struct session_row row;
		bool found = false, changed;
		int rc;
		if ((rc = c->s->ops->session_get(c->s, c->sess[i].uuid, &row, &found, err)) < 0)
			return rc;
		if (!found && !c->sess[i].project) {
			c->sess_unknown++;
			continue;
		}
		if (!found) {
			memset(&row, 0, sizeof(row));
			str_copy(row.uuid, c->sess[i].uuid, sizeof(row.uuid));
		}
		if ((rc = merge_session(c, &c->sess[i], &row, &changed, err)) < 0)
			return rc;
		if (!changed) {
			c->sess_unchanged++;
			continue;
		}
		if ((rc = c->s->ops->session_put(c->s, &row, err)) < 0)
			return rc;
		if (found)
			c->sess_updated++;
		else
			c->sess_created++;
	}
	return AIU_OK;
}

static int on_record(void *ctx, size_t index, const struct cc_record *r, const char *path,
		     struct aiu_err *err)
{
	struct ingest_ctx *c = ctx;
	struct cc_origin o;
	char msg[128], req[128];
	int rc;
	(void)index;
	(void)path; /* accepted for the client's opt-in; usage rows keep no path of their own */
	memset(&o, 0, sizeof(o));
	c->received++;
	if ((rc = cc_apply_record(&c->a, r, &o, err)) < 0)
		return rc;
	snprintf(msg, sizeof(msg), "%.*s", (int)r->msg_id.n, r->msg_id.p);
	snprintf(req, sizeof(req), "%.*s", (int)r->request_id.n, r->request_id.p);
	return c->s->ops->push_person_put(c->s, msg, req, c->person, c->now, err);
}

static void on_bad(void *ctx, size_t index, const char *field, const char *msg)
{
	struct ingest_ctx *c = ctx;
	c->received++;
	if (c->rejected++ >= MAX_REPORTED_ERRORS)
		return;
	jw_obj(c->errs);
	jw_key(c->errs, "index");
	jw_int(c->errs, (int64_t)index);
	jw_key(c->errs, "field");
	jw_str(c->errs, field);
	jw_key(c->errs, "message");
	jw_str(c->errs, msg);
	jw_end(c->errs);
}

int api_ingest_usage(struct http_req *q, struct http_resp *r)
{
	struct ingest_ctx c;
	struct buf eb;
	struct jsonw ew, w;
	struct push_sink sink = { &c, on_record, on_bad, on_session };
	bool locked = false, in_tx = false, applying = false;
	int rc;

	memset(&c, 0, sizeof(c));
	buf_init(&eb, 64 * 1024);
	jw_init(&ew, &eb, false);
	jw_arr(&ew);
	c.errs = &ew;
	c.person = q->who.person;
	c.now = now_ms();
	if ((rc = store_open(http_server_db(q->srv), &c.s, &q->err)) < 0)
		goto out;
	if ((rc = c.s->ops->sync_lock(c.s, PUSH_LOCK_WAIT_MS, &q->err)) < 0) {
		if (rc == AIU_EBUSY) {
			http_error(r, 503, "BUSY", "the store is busy (a sync is running); retry", NULL, NULL);
			http_resp_header(r, "Retry-After", "5");
			rc = AIU_OK;
		}
		goto out;
	}
	locked = true;
	if ((rc = store_begin(c.s, &q->err)) < 0)
		goto out;
	in_tx = true;
	cc_apply_init(&c.a, c.s);
	applying = true;
	if ((rc = push_wire_parse(q->body, q->body_len, &sink, &q->err)) < 0) {
		if (rc == AIU_EPARSE || rc == AIU_ELIMIT) {
			http_error(r, rc == AIU_ELIMIT ? 413 : 400, "VALIDATION_ERROR", q->err.msg, "body",
				   NULL);
			rc = AIU_OK;
			store_rollback(c.s);
			cc_apply_abort(&c.a);
			in_tx = false;
		}
		goto out;
	}
	if ((rc = cc_apply_flush(&c.a, &q->err)) < 0 || (rc = apply_sessions(&c, &q->err)) < 0 ||
	    (rc = store_commit(c.s, &q->err)) < 0)
		goto out;
	in_tx = false;
	jw_end(&ew);
	http_ok_begin(r, &w);
	jw_obj(&w);
	jw_key(&w, "received");
	jw_int(&w, c.received);
	jw_key(&w, "new");
	jw_int(&w, c.a.st.usage_new);
	jw_key(&w, "replaced");
	jw_int(&w, c.a.st.usage_replaced);
	jw_key(&w, "duplicate");
	jw_int(&w, c.a.st.usage_dup);
	jw_key(&w, "rejected");
	jw_int(&w, c.rejected);
	jw_key(&w, "person");
	jw_str(&w, c.person);
	jw_key(&w, "sessions");
	jw_obj(&w);
	jw_key(&w, "received");
	jw_int(&w, (int64_t)c.nsess);
	jw_key(&w, "created");
	jw_int(&w, c.sess_created);
	jw_key(&w, "updated");
	jw_int(&w, c.sess_updated);
	jw_key(&w, "unchanged");
	jw_int(&w, c.sess_unchanged);
	jw_key(&w, "unknown");
	jw_int(&w, c.sess_unknown);
	jw_end(&w);
	jw_key(&w, "errors");
	jw_raw(&w, eb.failed ? "[]" : buf_cstr(&eb));
	jw_end(&w);
	http_ok_end(r, &w);
	r->no_cache = true;
out:
	if (in_tx) {
		store_rollback(c.s);
		cc_apply_abort(&c.a);
	}
	if (applying)
		cc_apply_release(&c.a);
	if (locked)
		c.s->ops->sync_unlock(c.s);
	store_close(c.s);
	buf_release(&eb);
	for (size_t i = 0; i < c.nsess; i++)
		free(c.sess[i].project);
	free(c.sess);
	return rc;
}
