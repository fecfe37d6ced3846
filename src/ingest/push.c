/* push.c - see push.h. */
#include "ingest/push.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/strutil.h"
#include "ingest/http_client.h"
#include "ingest/push_wire.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

struct id_name {
	int64_t id;
	char *name;              /* owned */
	/* sessions only: what the session entry sends (push_wire.h) */
	int64_t user_msgs, project_id, first_ts, last_ts;
	bool used;               /* has usage rows */
};

struct push_run_ctx {
	struct store *s;
	const struct push_opts *o;
	struct push_stats *st;
	struct http_client hc;
	char server[1024];       /* normalised URL: the checkpoint's name */
	char sess_ckpt[1100];    /* "sessions " + server: the session counts' checkpoint */
	struct id_name *sess, *files;
	size_t nsess, csess, nfiles, cfiles;
	struct usage_row *batch; /* PUSH_BATCH rows, owned */
	int64_t *sigs;
	size_t n;
	struct aiu_err *err;
};

static int cmp_id(const void *a, const void *b)
{
	const struct id_name *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static struct id_name *find_id(struct id_name *v, size_t n, int64_t id)
{
	struct id_name k = { .id = id };
	return n ? bsearch(&k, v, n, sizeof(*v), cmp_id) : NULL;
}

static const char *find_name(struct id_name *v, size_t n, int64_t id)
{
	const struct id_name *f = find_id(v, n, id);
	return f ? f->name : NULL;
}

static int add_name(struct id_name **v, size_t *n, size_t *cap, int64_t id, const char *name)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		struct id_name *p = realloc(*v, nc * sizeof(*p));
		if (!p)
			return AIU_ENOMEM;
		*v = p;
		*cap = nc;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	if (!((*v)[*n].name = strdup(name)))
		return AIU_ENOMEM;
	(*v)[(*n)++].id = id;
	return AIU_OK;
}

static int on_session(void *ctx, const struct session_row *r)
{
	struct push_run_ctx *c = ctx;
	struct id_name *e;
	int rc = add_name(&c->sess, &c->nsess, &c->csess, r->id, r->uuid);
	if (rc == AIU_OK) {
		e = &c->sess[c->nsess - 1];
		e->user_msgs = r->user_msgs;
		e->project_id = r->project_id;
		e->first_ts = r->first_ts;
		e->last_ts = r->last_ts;
	}
	return rc;
}

static int on_file(void *ctx, const struct file_state *f)
{
	struct push_run_ctx *c = ctx;
	return add_name(&c->files, &c->nfiles, &c->cfiles, f->id, f->path ? f->path : "");
}

/* What the server would see of the row: if it changes, the row is sent again. */
static int64_t row_sig(const struct usage_row *u)
{
	XXH3_state_t *h = XXH3_createState();
	int64_t v[8] = { u->ts, u->session_id, u->project_id, u->model_id, (int64_t)u->variant,
			 u->sidechain, (int64_t)u->ntools, 0 };
	uint64_t d;
	if (!h)
		return 0; /* 0 never matches a stored signature of a real row: sent again */
	XXH3_64bits_reset(h);
	XXH3_64bits_update(h, v, sizeof(v));
	XXH3_64bits_update(h, &u->t, sizeof(u->t));
	XXH3_64bits_update(h, u->tools, u->ntools * sizeof(u->tools[0]));
	XXH3_64bits_update(h, u->service_tier, strlen(u->service_tier));
	d = XXH3_64bits_digest(h);
	XXH3_freeState(h);
	return (int64_t)(d | 1); /* never 0 */
}

static int64_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

/* Reads the server's answer into the stats; prints record errors. */
static void read_answer(struct push_run_ctx *c, const struct buf *body)
{
	json_t *root = json_loadb(body->p ? body->p : "", body->len, 0, NULL);
	json_t *d = json_object_get(root, "data"), *errs;
	c->st->server_new += jint(d, "new");
	c->st->server_replaced += jint(d, "replaced");
	c->st->server_duplicate += jint(d, "duplicate");
	c->st->server_rejected += jint(d, "rejected");
	errs = json_object_get(d, "errors");
	for (size_t i = 0; c->o->log && i < json_array_size(errs); i++) {
		json_t *e = json_array_get(errs, i);
		fprintf(c->o->log, "aiusage: push: server rejected record %lld of batch %lld: %s: %s\n",
			(long long)jint(e, "index"), (long long)c->st->batches,
			json_string_value(json_object_get(e, "field")) ? json_string_value(json_object_get(e, "field")) : "?",
			json_string_value(json_object_get(e, "message")) ? json_string_value(json_object_get(e, "message")) : "?");
	}
	json_decref(root);
}

/* POSTs body to the server's ingest route; rs gets the answer. */
static int post_body(struct push_run_ctx *c, const struct buf *body, struct http_response *rs)
{
	struct buf auth;
	struct aiu_err *err = c->err;
	int rc;

	buf_init(&auth, 4096);
	buf_printf(&auth, "Bearer %s", c->o->token);
	if (auth.failed) {
		rc = aiu_errf(err, AIU_ELIMIT, "push: token too long");
		goto out;
	}
	{
		const struct http_header h[] = {
			{ "Authorization", buf_cstr(&auth), true },
			{ "Content-Type", "application/json", false },
		};
		const char *const secrets[] = { c->o->token };
		const struct http_request rq = { .method = "POST", .path = "/api/ingest/usage",
						 .headers = h, .nheaders = 2, .body = buf_cstr(body),
						 .body_len = body->len, .secrets = secrets,
						 .nsecrets = 1 };
		if ((rc = http_do(&c->hc, &rq, rs, err)) < 0 && (rs->status == 401 || rs->status == 403))
			rc = aiu_errf(err, AIU_EARG, "push: %s refused the token (HTTP %ld): it must be "
				      "an ingest token with a person (see `aiusage token create`)",
				      c->server, rs->status);
	}
out:
	memset(auth.p ? auth.p : (char *)"", 0, auth.len);
	buf_release(&auth);
	return rc;
}

/* Opens a push body: {"version":1,"records":[ ... (the caller ends both).
 * body and rs belong to the caller, who releases them. */
static void body_start(struct jsonw *w, struct buf *body, struct http_response *rs)
{
	buf_init(body, HTTP_BIG_BODY_MAX_CLIENT);
	http_response_init(rs);
	jw_init(w, body, false);
	jw_obj(w);
	jw_key(w, "version");
	jw_int(w, 1);
	jw_key(w, "records");
	jw_arr(w);
}

static int send_batch(struct push_run_ctx *c)
{
	struct buf body;
	struct jsonw w;
	struct http_response rs;
	struct aiu_err *err = c->err;
	int rc = AIU_OK;
	bool in_tx = false;

	if (!c->n)
		return AIU_OK;
	body_start(&w, &body, &rs);
	for (size_t i = 0; i < c->n; i++) {
		const struct usage_row *u = &c->batch[i];
		struct push_names nm;
		const char *sess = find_name(c->sess, c->nsess, u->session_id);
		memset(&nm, 0, sizeof(nm));
		nm.session = sess ? sess : "unknown";
		nm.project = c->s->ops->dict_name(c->s, DICT_PROJECT, u->project_id);
		nm.model = c->s->ops->dict_name(c->s, DICT_MODEL, u->model_id);
		if (!nm.project)
			nm.project = "unknown";
		if (!nm.model)
			nm.model = "unknown";
		nm.path = c->o->include_paths ? find_name(c->files, c->nfiles, u->file_id) : NULL;
		for (uint32_t k = 0; k < u->ntools && k < USAGE_MAX_TOOLS; k++)
			nm.tool_names[k] = c->s->ops->dict_name(c->s, DICT_TOOL, u->tools[k].tool_id);
		push_wire_record(&w, u, &nm);
	}
	jw_end(&w);
	jw_end(&w);
	if (!jw_ok(&w) || body.failed) {
		rc = aiu_errf(err, AIU_ELIMIT, "push: batch too large to encode");
		goto out;
	}
	if ((rc = post_body(c, &body, &rs)) < 0)
		goto out;
	c->st->batches++;
	c->st->sent += (int64_t)c->n;
	read_answer(c, &rs.body);
	/* the server has them: remember, so the next push skips them */
	if ((rc = store_begin(c->s, err)) < 0)
		goto out;
	in_tx = true;
	for (size_t i = 0; i < c->n; i++)
		if ((rc = c->s->ops->push_sent_put(c->s, c->server, c->batch[i].key, c->sigs[i], err)) < 0)
			goto out;
	if ((rc = store_commit(c->s, err)) < 0)
		goto out;
	in_tx = false;
	if (c->o->log)
		fprintf(c->o->log, "aiusage: push: batch %lld: %zu records sent\n",
			(long long)c->st->batches, c->n);
	c->n = 0;
out:
	if (in_tx)
		store_rollback(c->s);
	http_response_release(&rs);
	buf_release(&body);
	return rc;
}

/* What the server would see of a session entry: if it changes, it is sent again. */
static int64_t session_sig(const struct id_name *e)
{
	int64_t v[4] = { e->user_msgs, e->project_id, e->first_ts, e->last_ts };
	return (int64_t)(XXH3_64bits(v, sizeof(v)) | 1); /* never 0 */
}

/* The server's "sessions" answer; false when it sent none (a server that
 * predates session counts) or knew not every session. */
static bool read_sessions_answer(struct push_run_ctx *c, const struct buf *body)
{
	json_t *root = json_loadb(body->p ? body->p : "", body->len, 0, NULL);
	json_t *ss = json_object_get(json_object_get(root, "data"), "sessions");
	bool ok = json_is_object(ss);
	if (ok) {
		c->st->sessions_updated += jint(ss, "updated") + jint(ss, "created");
		c->st->sessions_unknown += jint(ss, "unknown");
		ok = jint(ss, "unknown") == 0;
	}
	json_decref(root);
	return ok;
}

/* Sends the prompt counts of sessions idx[0..n) (indexes into c->sess) and
 * checkpoints them (sig = the count) once the server took them all. */
static int send_sessions(struct push_run_ctx *c, const size_t *idx, size_t n)
{
	struct buf body;
	struct jsonw w;
	struct http_response rs;
	struct aiu_err *err = c->err;
	int rc = AIU_OK;
	bool in_tx = false;

	if (!n)
		return AIU_OK;
	body_start(&w, &body, &rs);
	jw_end(&w); /* no records */
	jw_key(&w, "sessions");
	jw_arr(&w);
	for (size_t i = 0; i < n; i++) {
		const struct id_name *e = &c->sess[idx[i]];
		const char *project = e->project_id ? c->s->ops->dict_name(c->s, DICT_PROJECT,
									e->project_id) : NULL;
		struct push_session ps = { e->name, project ? project : "", e->user_msgs,
					   e->first_ts, e->last_ts };
		push_wire_session(&w, &ps);
	}
	jw_end(&w);
	jw_end(&w);
	if (!jw_ok(&w) || body.failed) {
		rc = aiu_errf(err, AIU_ELIMIT, "push: session batch too large to encode");
		goto out;
	}
	if ((rc = post_body(c, &body, &rs)) < 0)
		goto out;
	c->st->sessions_sent += (int64_t)n;
	if (!read_sessions_answer(c, &rs.body)) {
		if (c->o->log)
			fprintf(c->o->log, "aiusage: push: the server did not take every session's prompt "
				"count; they are sent again next time\n");
		goto out;
	}
	if ((rc = store_begin(c->s, err)) < 0)
		goto out;
	in_tx = true;
	for (size_t i = 0; i < n; i++)
		if ((rc = c->s->ops->push_sent_put(c->s, c->sess_ckpt, c->sess[idx[i]].id,
						   session_sig(&c->sess[idx[i]]), err)) < 0)
			goto out;
	if ((rc = store_commit(c->s, err)) < 0)
		goto out;
	in_tx = false;
out:
	if (in_tx)
		store_rollback(c->s);
	http_response_release(&rs);
	buf_release(&body);
	return rc;
}

/* After the usage rows: the entry of every session with usage rows or
 * prompts that the server has not taken yet (or that changed since). */
static int push_sessions(struct push_run_ctx *c)
{
	size_t *idx = malloc(PUSH_BATCH * sizeof(*idx)), k = 0;
	int rc = AIU_OK;

	if (!idx)
		return aiu_errf(c->err, AIU_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->nsess && rc == AIU_OK; i++) {
		int64_t old = 0;
		bool found = false;
		if (!c->sess[i].used && c->sess[i].user_msgs <= 0)
			continue;
		if ((rc = c->s->ops->push_sent_get(c->s, c->sess_ckpt, c->sess[i].id, &old, &found,
						   c->err)) < 0)
			break;
		if (found && old == session_sig(&c->sess[i]))
			continue;
		idx[k++] = i;
		if (k == PUSH_BATCH) {
			rc = send_sessions(c, idx, k);
			k = 0;
		}
	}
	if (rc == AIU_OK)
		rc = send_sessions(c, idx, k);
	free(idx);
	return rc;
}

static int on_usage(void *ctx, const struct usage_row *u)
{
	struct push_run_ctx *c = ctx;
	int64_t sig = row_sig(u), old = 0;
	bool found = false;
	struct id_name *sn = find_id(c->sess, c->nsess, u->session_id);
	int rc;
	c->st->scanned++;
	if (sn)
		sn->used = true;
	if ((rc = c->s->ops->push_sent_get(c->s, c->server, u->key, &old, &found, c->err)) < 0)
		return rc;
	if (found && old == sig)
		return 0;
	c->batch[c->n] = *u;
	c->sigs[c->n] = sig;
	if (++c->n == PUSH_BATCH)
		return send_batch(c);
	return 0;
}

int push_run(struct store *s, const struct push_opts *o, struct push_stats *st,
	     struct aiu_err *err)
{
	struct push_run_ctx c;
	bool client = false;
	size_t n;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(st, 0, sizeof(*st));
	c.s = s;
	c.o = o;
	c.st = st;
	c.err = err;
	if (!o->server || !*o->server)
		return aiu_errf(err, AIU_EARG, "push: --server URL is required");
	if (!o->token || !*o->token)
		return aiu_errf(err, AIU_EARG, "push: --token T (an ingest token) is required "
				"(or AIUSAGE_PUSH_TOKEN)");
	str_copy(c.server, o->server, sizeof(c.server));
	for (n = strlen(c.server); n && c.server[n - 1] == '/'; n--)
		c.server[n - 1] = '\0';
	snprintf(c.sess_ckpt, sizeof(c.sess_ckpt), "sessions %s", c.server);
	if ((rc = http_client_init(&c.hc, c.server, err)) < 0)
		goto out;
	client = true;
	c.hc.user_agent = "aiusage-push";
	if (!(c.batch = malloc(PUSH_BATCH * sizeof(*c.batch))) ||
	    !(c.sigs = malloc(PUSH_BATCH * sizeof(*c.sigs)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = s->ops->session_scan(s, on_session, &c, err)) != 0 ||
	    (o->include_paths && (rc = s->ops->file_list(s, on_file, &c, err)) != 0)) {
		if (rc == AIU_ENOMEM)
			aiu_errf(err, rc, "out of memory");
		goto out;
	}
	if (c.nsess)
		qsort(c.sess, c.nsess, sizeof(*c.sess), cmp_id);
	if (c.nfiles)
		qsort(c.files, c.nfiles, sizeof(*c.files), cmp_id);
	if ((rc = s->ops->usage_scan(s, on_usage, &c, err)) != 0 || (rc = send_batch(&c)) < 0)
		goto out;
	rc = push_sessions(&c);
out:
	if (client)
		http_client_release(&c.hc);
	for (size_t i = 0; i < c.nsess; i++)
		free(c.sess[i].name);
	for (size_t i = 0; i < c.nfiles; i++)
		free(c.files[i].name);
	free(c.sess);
	free(c.files);
	free(c.batch);
	free(c.sigs);
	return rc < 0 ? rc : AIU_OK;
}
