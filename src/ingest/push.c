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
};

struct push_run_ctx {
	struct store *s;
	const struct push_opts *o;
	struct push_stats *st;
	struct http_client hc;
	char server[1024];       /* normalised URL: the checkpoint's name */
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

static const char *find_name(const struct id_name *v, size_t n, int64_t id)
{
	struct id_name k = { id, NULL };
	const struct id_name *f = n ? bsearch(&k, v, n, sizeof(*v), cmp_id) : NULL;
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
	if (!((*v)[*n].name = strdup(name)))
		return AIU_ENOMEM;
	(*v)[(*n)++].id = id;
	return AIU_OK;
}

static int on_session(void *ctx, const struct session_row *r)
{
	struct push_run_ctx *c = ctx;
	return add_name(&c->sess, &c->nsess, &c->csess, r->id, r->uuid);
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

static int send_batch(struct push_run_ctx *c)
{
	struct buf body, auth;
	struct jsonw w;
	struct http_response rs;
	struct aiu_err *err = c->err;
	int rc = AIU_OK;
	bool in_tx = false;

	if (!c->n)
		return AIU_OK;
	buf_init(&body, HTTP_BIG_BODY_MAX_CLIENT);
	buf_init(&auth, 4096);
	http_response_init(&rs);
	jw_init(&w, &body, false);
	jw_obj(&w);
	jw_key(&w, "version");
	jw_int(&w, 1);
	jw_key(&w, "records");
	jw_arr(&w);
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
	buf_printf(&auth, "Bearer %s", c->o->token);
	if (!jw_ok(&w) || body.failed || auth.failed) {
		rc = aiu_errf(err, AIU_ELIMIT, "push: batch too large to encode");
		goto out;
	}
	{
		const struct http_header h[] = {
			{ "Authorization", buf_cstr(&auth), true },
			{ "Content-Type", "application/json", false },
		};
		const char *const secrets[] = { c->o->token };
		const struct http_request rq = { .method = "POST", .path = "/api/ingest/usage",
						 .headers = h, .nheaders = 2, .body = buf_cstr(&body),
						 .body_len = body.len, .secrets = secrets,
						 .nsecrets = 1 };
		if ((rc = http_do(&c->hc, &rq, &rs, err)) < 0) {
			if (rs.status == 401 || rs.status == 403)
				rc = aiu_errf(err, AIU_EARG, "push: %s refused the token (HTTP %ld): it must be "
					      "an ingest token with a person (see `aiusage token create`)",
					      c->server, rs.status);
			goto out;
		}
	}
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
	memset(auth.p ? auth.p : (char *)"", 0, auth.len);
	buf_release(&auth);
	buf_release(&body);
	return rc;
}

static int on_usage(void *ctx, const struct usage_row *u)
{
	struct push_run_ctx *c = ctx;
	int64_t sig = row_sig(u), old = 0;
	bool found = false;
	int rc;
	c->st->scanned++;
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
	if ((rc = s->ops->usage_scan(s, on_usage, &c, err)) != 0)
		goto out;
	rc = send_batch(&c);
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
