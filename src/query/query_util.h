/* query_util.h - shared plumbing of the report builders: project filter,
 * dictionary names, per-model price lookup and exact cost accumulation. */
#ifndef AIU_QUERY_UTIL_H
#define AIU_QUERY_UTIL_H

#include "core/kmap.h"
#include "query/report.h"

struct qctx {
	struct store *s;
	const struct pricing *p;
	bool filter;            /* a project filter is active */
	struct kmap projects;   /* project id -> char (in the filter) */
	struct kmap prices;     /* model id -> struct price_slot (price entry, missed flag) */
};

/* project may be NULL. Unknown projects are not an error: they match nothing. */
int qctx_init(struct qctx *q, struct store *s, const struct pricing *p, const char *project,
	      struct aiu_err *err);
void qctx_release(struct qctx *q);
bool qctx_project_ok(const struct qctx *q, int64_t project_id);
const char *qctx_name(struct qctx *q, enum store_dict d, int64_t id);
/* Adds n requests with tokens t of (model, variant) to agg and to the per-model
 * list (*models, grown as needed; caller frees). */
int qctx_add(struct qctx *q, struct usage_agg *agg, struct model_agg **models, size_t *nmodels,
	     int64_t model_id, unsigned variant, int64_t n, const struct tokens *t);
void qctx_agg_add(struct usage_agg *dst, const struct usage_agg *src);
void qctx_sort_models(struct model_agg *m, size_t n);
/* Bucket range covering local days [since, until] in any zone (+-14 h). */
void qctx_bucket_range(int64_t since_day, int64_t until_day, int64_t *from, int64_t *to);
/* Names of models seen without a price (array owned by caller, names by the store). */
int qctx_unpriced(struct qctx *q, const char ***out, size_t *n, struct aiu_err *err);

#endif
