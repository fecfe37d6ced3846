/* identity.c - see identity.h. */
#include "query/identity.h"
#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

#define ID_MAX_ROWS 1000000  /* per table: an org with more is not what this is for */

/* Appends one element of size sz to *v (grown by doubling). */
static int grow(void **v, size_t *n, size_t sz, const void *el, struct aiu_err *err)
{
	if (*n >= ID_MAX_ROWS)
		return aiu_errf(err, AIU_ELIMIT, "more than %d identity rows", ID_MAX_ROWS);
	/* capacity is 16, then doubles each time n reaches a power of two */
	if (*n == 0 || (*n >= 16 && (*n & (*n - 1)) == 0)) {
		void *nv = realloc(*v, (*n ? *n * 2 : 16) * sz);
		if (!nv)
			return aiu_errf(err, AIU_ENOMEM, "out of memory");
		*v = nv;
	}
	memcpy((char *)*v + *n * sz, el, sz);
	(*n)++;
	return AIU_OK;
}

struct load_ctx {
	struct identity *id;
	struct aiu_err *err;
};

static int add_user(void *ctx, const struct anth_user *u)
{
	struct load_ctx *l = ctx;
	return grow((void **)&l->id->users, &l->id->n_users, sizeof(*u), u, l->err);
}

static int add_key(void *ctx, const struct anth_key *k)
{
	struct load_ctx *l = ctx;
	struct id_key ik;
	memset(&ik, 0, sizeof(ik));
	ik.k = *k;
	return grow((void **)&l->id->keys, &l->id->n_keys, sizeof(ik), &ik, l->err);
}

static int add_map(void *ctx, const char *name, const char *email)
{
	struct load_ctx *l = ctx;
	struct { char name[ORG_NAME_MAX], email[ORG_EMAIL_MAX]; } m;
	str_copy(m.name, name, sizeof(m.name));
	str_copy(m.email, email, sizeof(m.email));
	return grow((void **)&l->id->map, &l->id->n_map, sizeof(m), &m, l->err);
}

static int add_person(void *ctx, const struct org_person *p)
{
	struct load_ctx *l = ctx;
	return grow((void **)&l->id->people, &l->id->n_people, sizeof(*p), p, l->err);
}

static const char *user_email(const struct identity *id, const char *user_id)
{
	if (!user_id[0])
		return NULL;
	for (size_t i = 0; i < id->n_users; i++)
		if (strcmp(id->users[i].id, user_id) == 0)
			return id->users[i].email;
	return NULL;
}

static const char *map_email(const struct identity *id, const char *key_name)
{
	for (size_t i = 0; i < id->n_map; i++)
		if (strcmp(id->map[i].name, key_name) == 0)
			return id->map[i].email;
	return NULL;
}

int identity_load(struct identity *id, struct store *s, struct aiu_err *err)
{
	struct load_ctx l = { id, err };
	int rc;
	memset(id, 0, sizeof(*id));
	if ((rc = s->ops->anth_user_scan(s, add_user, &l, err)) < 0 ||
	    (rc = s->ops->anth_key_scan(s, add_key, &l, err)) < 0 ||
	    (rc = s->ops->org_key_map_scan(s, add_map, &l, err)) < 0 ||
	    (rc = s->ops->org_person_scan(s, add_person, &l, err)) < 0) {
		identity_free(id);
		return rc;
	}
	for (size_t i = 0; i < id->n_keys; i++) {
		struct id_key *k = &id->keys[i];
		const char *e;
		if ((e = map_email(id, k->k.name)))
			k->via = 1;
		else if ((e = user_email(id, k->k.principal_user_id)))
			k->via = 2;
		else if (strcmp(k->k.creator_type, "user") == 0 && (e = user_email(id, k->k.creator_id)))
			k->via = 3;
		if (e)
			str_copy(k->owner, e, sizeof(k->owner));
	}
	return AIU_OK;
}

void identity_free(struct identity *id)
{
	free(id->users);
	free(id->keys);
	free(id->map);
	free(id->people);
	memset(id, 0, sizeof(*id));
}

const char *identity_key_owner(const struct identity *id, const char *key_id)
{
	if (!key_id || !key_id[0])
		return NULL;
	for (size_t i = 0; i < id->n_keys; i++)
		if (strcmp(id->keys[i].k.id, key_id) == 0)
			return id->keys[i].owner[0] ? id->keys[i].owner : NULL;
	return NULL;
}

const char *identity_keyname_owner(const struct identity *id, const char *key_name)
{
	const struct id_key *hit = NULL;
	const char *e;
	if (!key_name || !key_name[0])
		return NULL;
	if ((e = map_email(id, key_name)))
		return e;
	for (size_t i = 0; i < id->n_keys; i++)
		if (strcmp(id->keys[i].k.name, key_name) == 0) {
			if (hit)
				return NULL; /* names are not unique: do not guess */
			hit = &id->keys[i];
		}
	return hit && hit->owner[0] ? hit->owner : NULL;
}

const struct org_person *identity_person(const struct identity *id, const char *email)
{
	for (size_t i = 0; i < id->n_people; i++)
		if (strcmp(id->people[i].email, email) == 0)
			return &id->people[i];
	return NULL;
}

/* --- allocation --- */

enum weight_kind { W_INPUT, W_OUTPUT, W_CACHE_READ, W_CW5M, W_CW1H, W_WEB, W_PRICED };

static enum weight_kind weight_of(const struct anth_cost_row *c)
{
	static const struct { const char *tt; enum weight_kind w; } tt[] = {
		{ "uncached_input_tokens", W_INPUT },
		{ "output_tokens", W_OUTPUT },
		{ "cache_read_input_tokens", W_CACHE_READ },
		{ "cache_creation.ephemeral_5m_input_tokens", W_CW5M },
		{ "cache_creation.ephemeral_1h_input_tokens", W_CW1H },
	};
	if (strcmp(c->cost_type, "web_search") == 0)
		return W_WEB;
	if (c->model[0])
		for (size_t i = 0; i < sizeof(tt) / sizeof(tt[0]); i++)
			if (strcmp(c->token_type, tt[i].tt) == 0)
				return tt[i].w;
	return W_PRICED;
}

static int64_t row_weight(const struct anth_usage_row *u, enum weight_kind w,
			  const struct pricing *pr)
{
	const struct price_entry *e;
	struct token_counts t;
	int64_t nano = 0;
	switch (w) {
	case W_INPUT: return u->uncached_input;
	case W_OUTPUT: return u->output;
	case W_CACHE_READ: return u->cache_read;
	case W_CW5M: return u->cw5m;
	case W_CW1H: return u->cw1h;
	case W_WEB: return u->web_search;
	case W_PRICED:
		break;
	}
	t.input = u->uncached_input;
	t.output = u->output;
	t.cache_read = u->cache_read;
	t.cache_write_5m = u->cw5m;
	t.cache_write_1h = u->cw1h;
	e = pr ? pricing_find(pr, u->model) : NULL;
	if (e && pricing_cost(e, 0, &t, &nano) && nano > 0)
		return nano;
	return t.input + t.output + t.cache_read + t.cache_write_5m + t.cache_write_1h;
}

static bool row_matches(const struct anth_cost_row *c, const struct anth_usage_row *u,
			enum weight_kind w)
{
	if (u->day != c->day || strcmp(u->workspace_id, c->workspace_id) != 0)
		return false;
	if (w == W_WEB || w == W_PRICED)
		return true;
	if (strcmp(u->model, c->model) != 0)
		return false;
	if (c->service_tier[0] && u->service_tier[0] && strcmp(c->service_tier, u->service_tier) != 0)
		return false;
	if (c->context_window[0] && u->context_window[0] &&
	    strcmp(c->context_window, u->context_window) != 0)
		return false;
	return true;
}

int identity_allocate(const struct anth_cost_row *cost, size_t ncost,
		      const struct anth_usage_row *usage, size_t nusage, const struct pricing *pr,
		      int (*give)(void *ctx, const struct anth_usage_row *row, int64_t nano),
		      void *ctx, struct aiu_err *err)
{
	int64_t *w = NULL;
	int rc = AIU_OK;
	(void)err;
	if (nusage && !(w = malloc(nusage * sizeof(*w))))
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	for (size_t i = 0; i < ncost; i++) {
		const struct anth_cost_row *c = &cost[i];
		enum weight_kind wk = weight_of(c);
		size_t lo = 0, hi = nusage, heavy = SIZE_MAX;
		__int128 total = 0, given = 0;
		/* usage is sorted by day: find the day's range */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (usage[mid].day < c->day)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t j = lo; j < nusage && usage[j].day == c->day; j++) {
			w[j] = row_matches(c, &usage[j], wk) ? row_weight(&usage[j], wk, pr) : 0;
			total += w[j];
			if (w[j] > 0 && (heavy == SIZE_MAX || w[j] > w[heavy]))
				heavy = j;
		}
		if (total <= 0) {
			if (c->amount_nano && (rc = give(ctx, NULL, c->amount_nano)) < 0)
				goto out;
			continue;
		}
		for (size_t j = lo; j < nusage && usage[j].day == c->day; j++) {
			int64_t part;
			if (w[j] <= 0 || j == heavy)
				continue;
			part = (int64_t)((__int128)c->amount_nano * w[j] / total);
			given += part;
			if (part && (rc = give(ctx, &usage[j], part)) < 0)
				goto out;
		}
		/* the heaviest row takes its share plus the rounding remainder */
		if ((rc = give(ctx, &usage[heavy], (int64_t)(c->amount_nano - given))) < 0)
			goto out;
	}
out:
	free(w);
	return rc;
}
