/* cc_defer.c - see cc_defer.h. */
#include "ingest/cc_apply.h"
#include "ingest/cc_defer.h"
#include "core/strutil.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A slice stored as an offset into the arena. */
struct dslice {
	uint32_t off, n;
};

struct dtool {
	struct dslice id, name;
};

enum { S_UUID, S_SESSION, S_CWD, S_BRANCH, S_VERSION, S_REQUEST, S_MSG, S_MODEL, S_TIER,
       S_SPEED, S_HINT, S_DIR, S__N };

struct cc_defer_rec {
	int64_t ts, input, output, cache_read, cache_write, cw_5m, cw_1h, web_search;
	int64_t file_id, line_no, byte_off, byte_len, ts_min, ts_max;
	struct dslice s[S__N];
	enum cc_type type;
	enum cc_user_kind user_kind;
	uint32_t n_tools;
	bool is_sidechain, is_meta, is_compact_summary, has_usage, has_cw_split, has_hint, has_dir;
	struct dtool tools[];   /* n_tools */
};

void cc_defer_init(struct cc_defer *d)
{
	memset(d, 0, sizeof(*d));
	kmap_init(&d->known, sizeof(int64_t), sizeof(size_t), 0);
	kmap_init(&d->known_sess, sizeof(uint64_t), sizeof(size_t), 0);
}

void cc_defer_clear(struct cc_defer *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i]);
	d->n = 0;
	d->alen = 0;
	d->nrows = 0;
	d->nsess = 0;
	kmap_clear(&d->known);
	kmap_clear(&d->known_sess);
}

void cc_defer_release(struct cc_defer *d)
{
	cc_defer_clear(d);
	free(d->v);
	free(d->arena);
	free(d->rows);
	free(d->sess);
	kmap_release(&d->known);
	kmap_release(&d->known_sess);
	memset(d, 0, sizeof(*d));
}

/* Copies n bytes and a NUL into the arena (capacity was checked). */
static struct dslice put_str(struct cc_defer *d, const char *p, size_t n)
{
	struct dslice o = { (uint32_t)d->alen, (uint32_t)n };
	if (n)
		memcpy(d->arena + d->alen, p, n);
	d->arena[d->alen + n] = '\0';
	d->alen += n + 1;
	return o;
}

static struct cc_str get_str(const struct cc_defer *d, struct dslice s)
{
	struct cc_str o = { d->arena + s.off, s.n };
	return o;
}

int cc_defer_push(struct cc_defer *d, const struct cc_record *r, const struct cc_origin *o)
{
	const struct cc_str str[S__N] = {
		r->uuid, r->session_id, r->cwd, r->git_branch, r->version, r->request_id,
		r->msg_id, r->model, r->service_tier, r->speed,
		{ o->session_hint, o->session_hint ? (uint32_t)strlen(o->session_hint) : 0 },
		{ o->project_dir, o->project_dir ? (uint32_t)strlen(o->project_dir) : 0 },
	};
	struct cc_defer_rec *e;
	size_t need = 0;

	for (int k = 0; k < S__N; k++)
		need += (size_t)str[k].n + 1;
	for (uint32_t i = 0; i < r->n_tools; i++)
		need += (size_t)r->tools[i].id.n + r->tools[i].name.n + 2;
	if (d->n >= CC_DEFER_MAX || d->alen + need > CC_DEFER_ARENA_MAX)
		return AIU_ELIMIT;
	if (d->alen + need > d->acap) {
		size_t ncap = d->acap ? d->acap : 64 * 1024;
		char *na;
		while (ncap < d->alen + need)
			ncap *= 2;
		if (!(na = realloc(d->arena, ncap)))
			return AIU_ENOMEM;
		d->arena = na;
		d->acap = ncap;
	}
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 256;
		struct cc_defer_rec **nv = realloc(d->v, ncap * sizeof(*nv));
		if (!nv)
			return AIU_ENOMEM;
		d->v = nv;
		d->cap = ncap;
	}
	if (!(e = malloc(sizeof(*e) + r->n_tools * sizeof(e->tools[0]))))
		return AIU_ENOMEM;
	e->ts = r->ts_ms;
	e->input = r->input;
	e->output = r->output;
	e->cache_read = r->cache_read;
	e->cache_write = r->cache_write;
	e->cw_5m = r->cw_5m;
	e->cw_1h = r->cw_1h;
	e->web_search = r->web_search;
	e->file_id = o->file_id;
	e->line_no = o->line_no;
	e->byte_off = o->byte_off;
	e->byte_len = o->byte_len;
	e->ts_min = o->ts_min;
	e->ts_max = o->ts_max;
	for (int k = 0; k < S__N; k++)
		e->s[k] = put_str(d, str[k].p, str[k].n);
	e->type = r->type;
	e->user_kind = r->user_kind;
	e->n_tools = r->n_tools;
	e->is_sidechain = r->is_sidechain;
	e->is_meta = r->is_meta;
	e->is_compact_summary = r->is_compact_summary;
	e->has_usage = r->has_usage;
	e->has_cw_split = r->has_cw_split;
	e->has_hint = o->session_hint != NULL;
	e->has_dir = o->project_dir != NULL;
	for (uint32_t i = 0; i < r->n_tools; i++) {
		e->tools[i].id = put_str(d, r->tools[i].id.p, r->tools[i].id.n);
		e->tools[i].name = put_str(d, r->tools[i].name.p, r->tools[i].name.n);
	}
	d->v[d->n++] = e;
	return AIU_OK;
}

void cc_defer_get(const struct cc_defer *d, size_t i, struct cc_record *r, struct cc_origin *o)
{
	const struct cc_defer_rec *e = d->v[i];
	memset(r, 0, offsetof(struct cc_record, tools));
	memset(o, 0, sizeof(*o));
	r->type = e->type;
	r->user_kind = e->user_kind;
	r->has_ts = true;
	r->ts_ms = e->ts;
	r->has_usage = e->has_usage;
	r->input = e->input;
	r->output = e->output;
	r->cache_read = e->cache_read;
	r->cache_write = e->cache_write;
	r->has_cw_split = e->has_cw_split;
	r->cw_5m = e->cw_5m;
	r->cw_1h = e->cw_1h;
	r->web_search = e->web_search;
	r->is_sidechain = e->is_sidechain;
	r->is_meta = e->is_meta;
	r->is_compact_summary = e->is_compact_summary;
	r->uuid = get_str(d, e->s[S_UUID]);
	r->session_id = get_str(d, e->s[S_SESSION]);
	r->cwd = get_str(d, e->s[S_CWD]);
	r->git_branch = get_str(d, e->s[S_BRANCH]);
	r->version = get_str(d, e->s[S_VERSION]);
	r->request_id = get_str(d, e->s[S_REQUEST]);
	r->msg_id = get_str(d, e->s[S_MSG]);
	r->model = get_str(d, e->s[S_MODEL]);
	r->service_tier = get_str(d, e->s[S_TIER]);
	r->speed = get_str(d, e->s[S_SPEED]);
	r->n_tools = e->n_tools;
	for (uint32_t k = 0; k < e->n_tools; k++) {
		r->tools[k].id = get_str(d, e->tools[k].id);
		r->tools[k].name = get_str(d, e->tools[k].name);
	}
	o->file_id = e->file_id;
	o->line_no = e->line_no;
	o->byte_off = e->byte_off;
	o->byte_len = e->byte_len;
	o->ts_min = e->ts_min;
	o->ts_max = e->ts_max;
	o->session_hint = e->has_hint ? d->arena + e->s[S_HINT].off : NULL;
	o->project_dir = e->has_dir ? d->arena + e->s[S_DIR].off : NULL;
}

int cc_defer_answer(struct cc_defer *d, int64_t key, const struct usage_row *row)
{
	size_t *ix = kmap_put(&d->known, &key, NULL);
	if (!ix)
		return AIU_ENOMEM;
	if (!row)
		return AIU_OK;  /* stays 0: not stored */
	if (d->nrows == d->crows) {
		size_t ncap = d->crows ? d->crows * 2 : 256;
		struct usage_row *nr = realloc(d->rows, ncap * sizeof(*nr));
		if (!nr)
			return AIU_ENOMEM;
		d->rows = nr;
		d->crows = ncap;
	}
	d->rows[d->nrows++] = *row;
	*ix = d->nrows;
	return AIU_OK;
}

bool cc_defer_asked(const struct cc_defer *d, int64_t key)
{
	return kmap_get(&d->known, &key) != NULL;
}

bool cc_defer_take(struct cc_defer *d, int64_t key, struct usage_row *row, bool *found)
{
	size_t *ix = kmap_get(&d->known, &key);
	if (!ix || *ix == SIZE_MAX)
		return false;
	*found = *ix != 0;
	if (*found)
		*row = d->rows[*ix - 1];
	*ix = SIZE_MAX; /* used */
	return true;
}

int cc_defer_answer_session(struct cc_defer *d, const struct session_row *row)
{
	uint64_t h = hash64(row->uuid, strlen(row->uuid));
	bool created;
	size_t *ix = kmap_put(&d->known_sess, &h, &created);
	if (!ix)
		return AIU_ENOMEM;
	if (!created)
		return AIU_OK; /* a 64-bit hash collision: the second asks the store */
	if (d->nsess == d->csess) {
		size_t ncap = d->csess ? d->csess * 2 : 256;
		struct cc_defer_sess *ns = realloc(d->sess, ncap * sizeof(*ns));
		if (!ns)
			return AIU_ENOMEM;
		d->sess = ns;
		d->csess = ncap;
	}
	d->sess[d->nsess].row = *row;
	d->sess[d->nsess].used = false;
	*ix = ++d->nsess;
	return AIU_OK;
}

bool cc_defer_take_session(struct cc_defer *d, const char *uuid, struct session_row *row)
{
	uint64_t h = hash64(uuid, strlen(uuid));
	size_t *ix = kmap_get(&d->known_sess, &h);
	struct cc_defer_sess *e;
	if (!ix)
		return false;
	e = &d->sess[*ix - 1];
	if (e->used || strcmp(e->row.uuid, uuid) != 0)
		return false;
	e->used = true;
	*row = e->row;
	return true;
}
