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
 * record is reported (index, field) and the rest are applied. */
#include "http/api.h"
#include "core/timeutil.h"
#include "ingest/cc_apply.h"
#include "ingest/push_wire.h"

#include <stdio.h>
#include <string.h>

#define PUSH_LOCK_WAIT_MS 30000
#define MAX_REPORTED_ERRORS 20

struct ingest_ctx {
	struct cc_apply a;
	struct store *s;
	const char *person;
	int64_t now;
	int64_t received, rejected;
	struct jsonw *errs;  /* the "errors" array being written */
};

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
	struct push_sink sink = { &c, on_record, on_bad };
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
	if ((rc = cc_apply_flush(&c.a, &q->err)) < 0 || (rc = store_commit(c.s, &q->err)) < 0)
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
	return rc;
}
