/* query_util.c - see query_util.h. */
#include "query/query_util.h"
#include "core/timeutil.h"

#include <stdlib.h>
#include <string.h>

struct price_slot {
	const struct price_entry *e;  /* NULL = no price known */
	bool missed;                  /* tokens were seen without a price */
};

struct pf_ctx {
	struct qctx *q;
	const char *want;
	int rc;
};

/* "-Users-me-app" is how Claude Code names the folder of /Users/me/app. */
static bool project_matches(const char *name, const char *want)
{
	const char *base = strrchr(name, '/');
	size_t n = strlen(name);
	if (strcmp(name, want) == 0 || (base && strcmp(base + 1, want) == 0))
		return true;
	if (strlen(want) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			c = '-'; /* how Claude Code names a project folder */
		if (c != want[i])
			return false;
	}
	return true;
}

static int pf_cb(void *ctx, int64_t id, const char *name)
{
	struct pf_ctx *c = ctx;
	if (project_matches(name, c->want) && !kmap_put(&c->q->projects, &id, NULL))
		return c->rc = AIU_ENOMEM;
	return 0;
}

int qctx_init(struct qctx *q, struct store *s, const struct pricing *p, const char *project,
	      struct aiu_err *err)
{
	struct pf_ctx c = { q, project, 0 };
	int rc;
	memset(q, 0, sizeof(*q));
	q->s = s;
	q->p = p;
	kmap_init(&q->projects, sizeof(int64_t), 1, 0);
	kmap_init(&q->prices, sizeof(int64_t), sizeof(struct price_slot), 0);
	if (!project || !*project)
		return AIU_OK;
	q->filter = true;
	if ((rc = s->ops->dict_scan(s, DICT_PROJECT, pf_cb, &c, err)) < 0)
		return rc;
	return c.rc < 0 ? aiu_errf(err, AIU_ENOMEM, "out of memory") : AIU_OK;
}

void qctx_release(struct qctx *q)
{
	kmap_release(&q->projects);
	kmap_release(&q->prices);
}

bool qctx_project_ok(const struct qctx *q, int64_t project_id)
{
	return !q->filter || kmap_get(&q->projects, &project_id) != NULL;
}

const char *qctx_name(struct qctx *q, enum store_dict d, int64_t id)
{
	return q->s->ops->dict_name(q->s, d, id);
}

static struct price_slot *price_for(struct qctx *q, int64_t model_id)
{
	static struct price_slot none;
	bool created;
	struct price_slot *slot = kmap_put(&q->prices, &model_id, &created);
	if (!slot) {
		none.e = q->p ? pricing_find(q->p, qctx_name(q, DICT_MODEL, model_id)) : NULL;
		none.missed = false;
		return &none;
	}
	if (created)
		slot->e = q->p ? pricing_find(q->p, qctx_name(q, DICT_MODEL, model_id)) : NULL;
	return slot;
}

void qctx_agg_add(struct usage_agg *dst, const struct usage_agg *src)
{
	dst->n += src->n;
	tokens_add_scaled(&dst->t, &src->t, 1);
	dst->cost_nano += src->cost_nano;
	dst->unpriced |= src->unpriced;
}

int qctx_add(struct qctx *q, struct usage_agg *agg, struct model_agg **models, size_t *nmodels,
	     int64_t model_id, unsigned variant, int64_t n, const struct tokens *t)
{
	struct price_slot *ps = price_for(q, model_id);
	const struct price_entry *e = ps->e;
	struct token_counts tc = { t->input, t->output, t->cw5m, t->cw1h, t->cache_read };
	struct usage_agg part;
	struct model_agg *m = NULL;

	memset(&part, 0, sizeof(part));
	part.n = n;
	part.t = *t;
	if (!pricing_cost(e, variant, &tc, &part.cost_nano) && tokens_sum(t) > 0) {
		part.unpriced = true;
		ps->missed = true;
	}
	qctx_agg_add(agg, &part);
	if (!models || strcmp(qctx_name(q, DICT_MODEL, model_id), "<synthetic>") == 0)
		return AIU_OK; /* API error stubs: counted, never listed as a model */
	for (size_t i = 0; i < *nmodels; i++)
		if ((*models)[i].model_id == model_id)
			m = &(*models)[i];
	if (!m) {
		struct model_agg *nv = realloc(*models, (*nmodels + 1) * sizeof(*nv));
		if (!nv)
			return AIU_ENOMEM;
		*models = nv;
		m = &nv[(*nmodels)++];
		memset(m, 0, sizeof(*m));
		m->model_id = model_id;
		m->model = qctx_name(q, DICT_MODEL, model_id);
	}
	qctx_agg_add(&m->a, &part);
	return AIU_OK;
}

static int cmp_model(const void *a, const void *b)
{
	const struct model_agg *x = a, *y = b;
	if (x->a.cost_nano != y->a.cost_nano)
		return x->a.cost_nano > y->a.cost_nano ? -1 : 1;
	return strcmp(x->model, y->model);
}

void qctx_sort_models(struct model_agg *m, size_t n)
{
	if (n > 1)
		qsort(m, n, sizeof(*m), cmp_model);
}

void qctx_bucket_range(int64_t since_day, int64_t until_day, int64_t *from, int64_t *to)
{
	const int64_t margin = 15 * 3600 * 1000LL;
	*from = since_day == INT64_MIN ? INT64_MIN / 2
		: (since_day * MS_PER_DAY - margin) / BUCKET_MS - 1;
	*to = until_day == INT64_MAX ? INT64_MAX / 2
		: ((until_day + 1) * MS_PER_DAY + margin) / BUCKET_MS + 1;
}

int qctx_unpriced(struct qctx *q, const char ***out, size_t *n, struct aiu_err *err)
{
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < q->prices.cap; i++) {
		const int64_t *id = kmap_key(&q->prices, i);
		const char **nv;
		if (!id || !((struct price_slot *)kmap_val(&q->prices, i))->missed)
			continue;
		if (!(nv = realloc(*out, (*n + 1) * sizeof(*nv))))
			return aiu_errf(err, AIU_ENOMEM, "out of memory");
		*out = nv;
		nv[(*n)++] = qctx_name(q, DICT_MODEL, *id);
	}
	return AIU_OK;
}
