/* cc_apply.c - see cc_apply.h. */
#include "ingest/cc_apply.h"
#include "core/pricing.h"
#include "core/ksort.h"
#include "core/strutil.h"

#include <xxhash.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cc_sess {
	struct session_row row;
	bool dirty;
};

struct sroll_key {
	int64_t session_id, model_id;
	int64_t variant;
};

struct troll_key {
	int64_t bucket, project_id, tool_id;
};

struct cc_seen {
	int64_t total;      /* tokens of the kept record */
	uint32_t ids;       /* second hash of (message.id, requestId): detects key collisions */
	uint32_t sidechain;
};

struct cc_pend_msg {
	int64_t key, session_id, ts, file_id, byte_off, byte_len;
	uint64_t sess_hash;   /* key of the session in a->sessions */
};


/* Bounded memory: every cache below has a fixed cap, so a sync's memory
 * does not grow with the number of rows, sessions or files it reads (the
 * store holds the truth; a cache only saves round trips). At these caps
 * the caches together stay under ~25 MiB (kmap slots at load <= 3/4). */
#define SEEN_USAGE_MAX 65536     /* recent usage keys (exact dedupe without a lookup) */
#define SEEN_KEYS_MAX 65536      /* recent prompt keys */
#define SESS_CACHE_MAX 4096      /* cached sessions; dirty ones are written on eviction */
#define ROLLUP_PEND_MAX 16384    /* pending deltas per rollup map before they are written */
#define BLOOM_BYTES ((size_t)4 << 20) /* 32 Mbit: ~1e-3 false positives at 1M keys */
#define PEND_USAGE_MAX 4096
#define SEED_PROMPT 0x70726f6d7074ULL  /* key spaces of prompts and tool uses */
#define SEED_TOOL 0x746f6f6c757365ULL

void cc_apply_init(struct cc_apply *a, struct store *s)
{
	memset(a, 0, sizeof(*a));
	a->s = s;
	kmap_init(&a->sessions, sizeof(uint64_t), sizeof(struct cc_sess), 0);
	kmap_init(&a->rollups, sizeof(struct rollup_key), sizeof(struct rollup_row), 0);
	kmap_init(&a->srollups, sizeof(struct sroll_key), sizeof(struct session_rollup_row), 0);
	kmap_init(&a->trollups, sizeof(struct troll_key), sizeof(int64_t), 0);
	kmap_init(&a->seen_usage, sizeof(int64_t), sizeof(struct cc_seen), 0);
	kmap_init(&a->seen_keys, sizeof(int64_t), 0, 0);
	kmap_init(&a->pusage_idx, sizeof(int64_t), sizeof(size_t), 0);
	cc_defer_init(&a->defer);
}

void cc_apply_set_fresh(struct cc_apply *a, bool fresh)
{
	a->fresh = fresh;
	bloom_release(&a->written);
}

/* Forget the maps and the fresh shortcut (after a rollback): from now on
 * the store is asked. */
static void seen_reset(struct cc_apply *a)
{
	kmap_clear(&a->seen_usage);
	kmap_clear(&a->seen_keys);
	a->fresh = false;
}

void cc_apply_release(struct cc_apply *a)
{
	kmap_release(&a->sessions);
	kmap_release(&a->rollups);
	kmap_release(&a->srollups);
	kmap_release(&a->trollups);
	kmap_release(&a->seen_usage);
	kmap_release(&a->seen_keys);
	kmap_release(&a->pusage_idx);
	bloom_release(&a->written);
	cc_defer_release(&a->defer);
	free(a->pmsg);
	free(a->pusage);
}

void cc_apply_abort(struct cc_apply *a)
{
	seen_reset(a);
	cc_defer_clear(&a->defer);
	a->npmsg = a->npusage = 0;
	kmap_clear(&a->pusage_idx);
	kmap_clear(&a->sessions);
	kmap_clear(&a->rollups);
	kmap_clear(&a->srollups);
	kmap_clear(&a->trollups);
}

static bool slice_eq(struct cc_str s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static void slice_copy(char *dst, size_t cap, struct cc_str s)
{
	size_t n = s.n < cap - 1 ? s.n : cap - 1;
	if (n)
		memcpy(dst, s.p, n); /* an empty slice may have p == NULL */
	dst[n] = '\0';
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static int flush_pending(struct cc_apply *a, struct aiu_err *err);

/* Grows *v (elements of size sz) to hold one more; NULL on failure. */
static void *push(void **v, size_t *n, size_t *cap, size_t sz)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024;
		void *nv = realloc(*v, ncap * sz);
		if (!nv)
			return NULL;
		*v = nv;
		*cap = ncap;
	}
	return (char *)*v + (*n)++ * sz;
}

/* Finds or creates the cached session for uuid. */
static int session_for(struct cc_apply *a, const char *uuid, struct cc_sess **out,
		       struct aiu_err *err)
{
	uint64_t h = hash64(uuid, strlen(uuid));
	bool created, found;
	struct cc_sess *cs = kmap_put(&a->sessions, &h, &created);
	int rc;

	if (!cs)
		return aiu_errf(err, AIU_ENOMEM, "out of memory (session cache)");
	if (!created && strcmp(cs->row.uuid, uuid) == 0) {
		*out = cs;
		return AIU_OK;
	}
	if (!created) {
		/* 64-bit hash collision between two session ids: write the cached
		 * one back and reuse the slot. */
		if (cs->dirty && (rc = a->s->ops->session_put(a->s, &cs->row, err)) < 0)
			return rc;
	}
	memset(cs, 0, sizeof(*cs));
	/* the batched lookup's answer (cc_defer.h), else one lookup */
	found = cc_defer_take_session(&a->defer, uuid, &cs->row);
	if (!found && (rc = a->s->ops->session_get(a->s, uuid, &cs->row, &found, err)) < 0)
		return rc;
	if (!found) {
		str_copy(cs->row.uuid, uuid, sizeof(cs->row.uuid));
		if ((rc = a->s->ops->session_put(a->s, &cs->row, err)) < 0)
			return rc;
		a->st.sessions_new++;
	}
	*out = cs;
	return AIU_OK;
}

static int64_t tokens_total(const struct tokens *t)
{
	return t->input + t->output + t->cw5m + t->cw1h + t->cache_read;
}

/* Adds sign * row to every rollup it belongs to. */
static int rollup_delta(struct cc_apply *a, const struct usage_row *u, int sign,
			struct aiu_err *err)
{
	struct rollup_key k;
	struct sroll_key sk;
	struct rollup_row *r;
	struct session_rollup_row *sr;
	bool created;

	memset(&k, 0, sizeof(k));
	k.bucket = floor_div(u->ts, BUCKET_MS);
	k.project_id = u->project_id;
	k.model_id = u->model_id;
	k.variant = u->variant;
	if (!(r = kmap_put(&a->rollups, &k, &created)))
		return aiu_errf(err, AIU_ENOMEM, "out of memory (rollups)");
	if (created) {
		r->k = k;
		r->min_ts = INT64_MAX;
		r->max_ts = INT64_MIN;
	}
	r->n += sign;
	tokens_add_scaled(&r->t, &u->t, sign);
	if (sign > 0) {
		if (u->ts < r->min_ts)
			r->min_ts = u->ts;
		if (u->ts > r->max_ts)
			r->max_ts = u->ts;
	}

	memset(&sk, 0, sizeof(sk));
	sk.session_id = u->session_id;
	sk.model_id = u->model_id;
	sk.variant = u->variant;
	if (!(sr = kmap_put(&a->srollups, &sk, &created)))
		return aiu_errf(err, AIU_ENOMEM, "out of memory (session rollups)");
	if (created) {
		sr->session_id = sk.session_id;
		sr->model_id = sk.model_id;
		sr->variant = u->variant;
	}
	sr->n += sign;
	tokens_add_scaled(&sr->t, &u->t, sign);
	return AIU_OK;
}

/* The usage key's hash of (message.id, requestId) before collision probing,
 * and (if ids) a second, independent hash that tells colliding ids apart. */
static uint64_t usage_hash(const char *mid, const char *rid, uint32_t *ids)
{
	char kb[260];
	size_t ml = strlen(mid), rl = strlen(rid);
	memcpy(kb, mid, ml);
	kb[ml] = '\0';
	memcpy(kb + ml + 1, rid, rl);
	if (ids)
		*ids = (uint32_t)XXH3_64bits_withSeed(kb, ml + 1 + rl, 0x61697573616765ULL);
	return hash64(kb, ml + 1 + rl);
}

/* Resolves the usage key for (msg_id, req_id): the 64-bit hash, probing
 * forward past the (astronomically rare) key held by other ids. Fills *old
 * (from the store) only when a record exists and *found is set. */
static int usage_slot(struct cc_apply *a, const char *mid, const char *rid, int64_t *key,
		      struct usage_row *old, bool *found, struct cc_seen **seen, uint32_t *ids,
		      struct aiu_err *err)
{
	uint64_t h = usage_hash(mid, rid, ids);
	int rc;

	for (int probe = 0; probe < 64; probe++, h++) {
		*key = (int64_t)(h & INT64_MAX);
		*seen = kmap_get(&a->seen_usage, key);
		if (*seen && (*seen)->ids != *ids)
			continue; /* another request owns this key */
		if (*seen || (a->fresh && (!a->written.bits ||
					   !bloom_maybe(&a->written, (uint64_t)*key)))) {
			/* the map knows; or a fresh store holds only this run's
			 * keys and the filter says this one was never written */
			*found = false;
			return AIU_OK;
		}
		/* the batched lookup's answer (cc_defer.h), else one lookup */
		if (!cc_defer_take(&a->defer, *key, old, found) &&
		    (rc = a->s->ops->usage_get(a->s, *key, old, found, err)) < 0)
			return rc;
		if (!*found || (strcmp(old->msg_id, mid) == 0 && strcmp(old->req_id, rid) == 0))
			return AIU_OK;
	}
	return aiu_errf(err, AIU_EDB, "usage key space exhausted for message %s", mid);
}

/* Remembers the kept record for key. */
static int seen_usage_put(struct cc_apply *a, int64_t key, uint32_t ids, int64_t total,
			  bool sidechain, struct aiu_err *err)
{
	struct cc_seen *v = kmap_put(&a->seen_usage, &key, NULL);
	if (!v)
		return aiu_errf(err, AIU_ENOMEM, "out of memory (dedupe map)");
	if (a->fresh && a->written.bits)
		bloom_add(&a->written, (uint64_t)key);
	v->ids = ids;
	v->total = total;
	v->sidechain = sidechain;
	return AIU_OK;
}

/* True if key was already applied in this run; else remembers it. */
static bool seen_key(struct cc_apply *a, int64_t key)
{
	if (kmap_get(&a->seen_keys, &key))
		return true;
	if (!kmap_put(&a->seen_keys, &key, NULL))
		kmap_clear(&a->seen_keys); /* out of memory: safe, the store dedupes too */
	return false;
}

/* Writes pending usage rows in key order. */
static int flush_usage(struct cc_apply *a, struct aiu_err *err)
{
	struct key_idx *ord;
	int rc = AIU_OK;
	if (!a->npusage)
		return AIU_OK;
	if (!(ord = malloc(a->npusage * sizeof(*ord))))
		return aiu_errf(err, AIU_ENOMEM, "out of memory (usage flush)");
	for (size_t i = 0; i < a->npusage; i++) {
		ord[i].key = a->pusage[i].key;
		ord[i].i = i;
	}
	if (ksort(ord, a->npusage) < 0) {
		free(ord);
		return aiu_errf(err, AIU_ENOMEM, "out of memory (usage flush)");
	}
	{
		/* reuse ord's memory for the row pointers: same size, filled in order */
		const struct usage_row **rows = (const struct usage_row **)ord;
		for (size_t i = 0; i < a->npusage; i++)
			rows[i] = &a->pusage[ord[i].i];
		rc = a->s->ops->usage_put_many(a->s, rows, a->npusage, err);
	}
	free(ord);
	a->npusage = 0;
	kmap_clear(&a->pusage_idx);
	return rc;
}

/* The old row for key: from the pending chunk, else from the store. */
static int usage_old(struct cc_apply *a, int64_t key, struct usage_row *old, bool *found,
		     struct aiu_err *err)
{
	size_t *ix = kmap_get(&a->pusage_idx, &key);
	if (ix) {
		*old = a->pusage[*ix - 1];
		*found = true;
		return AIU_OK;
	}
	return a->s->ops->usage_get(a->s, key, old, found, err);
}

/* Queues row u (new, or replacing the row with the same key). */
static int usage_queue(struct cc_apply *a, const struct usage_row *u, struct aiu_err *err)
{
	bool created;
	size_t *ix = kmap_put(&a->pusage_idx, &u->key, &created);
	if (!ix)
		return aiu_errf(err, AIU_ENOMEM, "out of memory (pending usage)");
	if (!created) {
		a->pusage[*ix - 1] = *u;
		return AIU_OK;
	}
	if (!push((void **)&a->pusage, &a->npusage, &a->cpusage, sizeof(*u)))
		return aiu_errf(err, AIU_ENOMEM, "out of memory (pending usage)");
	a->pusage[a->npusage - 1] = *u;
	*ix = a->npusage;
	if (a->npusage >= PEND_USAGE_MAX)
		return flush_usage(a, err);
	return AIU_OK;
}

/* Adds the record's tool calls that the request does not hold yet to *u's
 * tool set, counting each new one in the tool rollup. A streamed message
 * carries its tool_use blocks on different lines of the same request, and
 * resumed sessions copy them again: the set makes every call count once. */
static int merge_tools(struct cc_apply *a, const struct cc_record *r, const struct cc_sess *cs,
		       struct usage_row *u, bool *added, struct aiu_err *err)
{
	*added = false;
	for (uint32_t i = 0; i < r->n_tools; i++) {
		const struct cc_tool *t = &r->tools[i];
		uint32_t id;
		int64_t tool_id, *cnt;
		struct troll_key k;
		bool have = false;
		int rc;

		if (!t->name.n)
			continue;
		/* the tool_use id; without one, the block's position */
		id = t->id.n ? (uint32_t)XXH3_64bits_withSeed(t->id.p, t->id.n, SEED_TOOL)
			     : (uint32_t)(SEED_TOOL + i);
		for (uint32_t j = 0; j < u->ntools && !have; j++)
			have = u->tools[j].id == id;
		if (have || u->ntools >= USAGE_MAX_TOOLS)
			continue;
		if ((rc = a->s->ops->intern(a->s, DICT_TOOL, t->name.p, t->name.n, &tool_id, err)) < 0)
			return rc;
		u->tools[u->ntools].id = id;
		u->tools[u->ntools].tool_id = (uint32_t)tool_id;
		u->ntools++;
		*added = true;
		memset(&k, 0, sizeof(k));
		k.bucket = floor_div(r->ts_ms, BUCKET_MS);
		k.project_id = cs->row.project_id;
		k.tool_id = tool_id;
		if (!(cnt = kmap_put(&a->trollups, &k, NULL)))
			return aiu_errf(err, AIU_ENOMEM, "out of memory (tool rollups)");
		(*cnt)++;
		a->st.tools_new++;
	}
	return AIU_OK;
}

static int apply_usage(struct cc_apply *a, const struct cc_record *r, struct cc_sess *cs,
		       const struct cc_origin *o, struct aiu_err *err)
{
	struct usage_row u, old;
	struct cc_seen *seen = NULL;
	bool found = false, exists, replace = true;
	uint32_t ids = 0;
	int rc;
	int64_t cw = r->cache_write, nt;

	memset(&u, 0, sizeof(u));
	slice_copy(u.msg_id, sizeof(u.msg_id), r->msg_id);
	slice_copy(u.req_id, sizeof(u.req_id), r->request_id);
	u.ts = r->ts_ms;
	u.session_id = cs->row.id;
	u.project_id = cs->row.project_id;
	u.sidechain = r->is_sidechain;
	u.t.input = r->input;
	u.t.output = r->output;
	u.t.cache_read = r->cache_read;
	u.t.web_search = r->web_search;
	slice_copy(u.service_tier, sizeof(u.service_tier), r->service_tier);
	if (r->has_cw_split && r->cw_5m + r->cw_1h == cw) {
		u.t.cw5m = r->cw_5m;
		u.t.cw1h = r->cw_1h;
	} else if (r->has_cw_split && r->cw_1h <= cw) {
		u.t.cw1h = r->cw_1h;
		u.t.cw5m = cw - r->cw_1h;
	} else {
		u.t.cw5m = cw;
	}
	if (r->input + cw + r->cache_read > PRICE_LONG_PROMPT_TOKENS)
		u.variant |= PRICE_VAR_LONG;
	if (r->input + cw + r->cache_read > PRICE_OVER_100K_PROMPT_TOKENS)
		u.variant |= PRICE_VAR_OVER_100K;
	if (slice_eq(r->speed, "fast"))
		u.variant |= PRICE_VAR_FAST;
	u.file_id = o->file_id;
	u.line_no = o->line_no;
	u.byte_off = o->byte_off;
	if ((rc = a->s->ops->intern(a->s, DICT_MODEL, r->model.p, r->model.n, &u.model_id, err)) < 0)
		return rc;
	if ((rc = usage_slot(a, u.msg_id, u.req_id, &u.key, &old, &found, &seen, &ids, err)) < 0)
		return rc;
	nt = tokens_total(&u.t);
	exists = seen || found;
	if (exists) {
		int64_t ot = seen ? seen->total : tokens_total(&old.t);
		bool oside = seen ? seen->sidechain : old.sidechain;
		replace = nt > ot || (nt == ot && oside && !u.sidechain);
		/* the old row is needed to move its rollups or to grow its tools */
		if ((replace || r->n_tools) && seen &&
		    (rc = usage_old(a, u.key, &old, &found, err)) < 0)
			return rc;
		if ((replace || r->n_tools) && !found)
			return aiu_errf(err, AIU_EDB, "usage row for message %s vanished", u.msg_id);
		if (!replace) {
			a->st.usage_dup++;
			if (r->n_tools) {
				bool added;
				if ((rc = merge_tools(a, r, cs, &old, &added, err)) < 0)
					return rc;
				if (added && (rc = usage_queue(a, &old, err)) < 0)
					return rc;
			}
			return seen ? AIU_OK : seen_usage_put(a, u.key, ids, ot, oside, err);
		}
		/* replacing: the old row's contribution leaves every rollup; its
		 * tool calls stay with the request */
		if ((rc = rollup_delta(a, &old, -1, err)) < 0)
			return rc;
		u.ntools = old.ntools;
		memcpy(u.tools, old.tools, old.ntools * sizeof(u.tools[0]));
		a->st.usage_replaced++;
	} else {
		a->st.usage_new++;
	}
	{
		bool added;
		if ((rc = merge_tools(a, r, cs, &u, &added, err)) < 0)
			return rc;
	}
	if ((rc = rollup_delta(a, &u, +1, err)) < 0)
		return rc;
	if ((rc = usage_queue(a, &u, err)) < 0)
		return rc;
	return seen_usage_put(a, u.key, ids, nt, u.sidechain, err);
}

static int flush_rollups(struct cc_apply *a, struct aiu_err *err);

/* Writes the dirty cached sessions (inside the caller's transaction). */
static int sessions_write(struct cc_apply *a, struct aiu_err *err)
{
	int rc;
	for (size_t i = 0; i < a->sessions.cap; i++) {
		struct cc_sess *cs;
		if (!kmap_key(&a->sessions, i))
			continue;
		cs = kmap_val(&a->sessions, i);
		if (cs->dirty && (rc = a->s->ops->session_put(a->s, &cs->row, err)) < 0)
			return rc;
		cs->dirty = false;
	}
	return AIU_OK;
}

/* Bounded memory: a cache at its cap is written through the store (same
 * transaction) and emptied. Runs between records, so no pointer into a
 * map is live. What each step needs first:
 *   - usage keys: the pending usage rows they describe are written, so a
 *     key missing from the map is answered by the store;
 *   - sessions: pending prompts are written first (they bump the cached
 *     session's prompt count), then the dirty sessions;
 *   - rollup deltas: additive upserts, so writing them in several parts
 *     gives the same rows as writing them once. */
static int bound_caches(struct cc_apply *a, struct aiu_err *err)
{
	int rc;
	if (a->seen_usage.n >= SEEN_USAGE_MAX) {
		if ((rc = flush_usage(a, err)) < 0)
			return rc;
		if (a->fresh && !a->written.bits) {
			/* first eviction of a fresh run: until now the map held
			 * every key written, so the filter starts with all of them
			 * (a small first sync never pays for it); without the
			 * filter a fresh run is just a normal one (always safe) */
			if (bloom_init(&a->written, BLOOM_BYTES) < 0)
				a->fresh = false;
			for (size_t i = 0; a->fresh && i < a->seen_usage.cap; i++) {
				const int64_t *k = kmap_key(&a->seen_usage, i);
				if (k)
					bloom_add(&a->written, (uint64_t)*k);
			}
		}
		kmap_clear(&a->seen_usage);
		a->evict_seen++;
	}
	if (a->seen_keys.n >= SEEN_KEYS_MAX)
		kmap_clear(&a->seen_keys); /* the store dedupes prompts too */
	if (a->sessions.n >= SESS_CACHE_MAX) {
		if ((rc = flush_pending(a, err)) < 0 || (rc = sessions_write(a, err)) < 0)
			return rc;
		kmap_clear(&a->sessions);
		a->evict_sessions++;
	}
	if (a->rollups.n >= ROLLUP_PEND_MAX || a->srollups.n >= ROLLUP_PEND_MAX ||
	    a->trollups.n >= ROLLUP_PEND_MAX) {
		if ((rc = flush_rollups(a, err)) < 0)
			return rc;
		a->evict_rollups++;
	}
	return AIU_OK;
}

static void record_uuid(const struct cc_record *r, const struct cc_origin *o, char *uuid,
			size_t cap);
static int apply_record(struct cc_apply *a, const struct cc_record *r, const struct cc_origin *o,
			struct aiu_err *err);

static int answer_cb(void *ctx, const struct usage_row *u)
{
	return cc_defer_answer(ctx, u->key, u);
}

static int session_cb(void *ctx, const struct session_row *row, bool created)
{
	struct cc_apply *a = ctx;
	if (created)
		a->st.sessions_new++;
	return cc_defer_answer_session(&a->defer, row);
}

/* Asks the store once for the sessions of every queued record (creating
 * the missing ones, as session_for would) and once for their requests,
 * then applies the records in their original order with the answers. */
static int resolve_deferred(struct cc_apply *a, struct aiu_err *err)
{
	struct cc_defer *d = &a->defer;
	struct cc_record *r = NULL;
	struct cc_origin o;
	const char **uuids = NULL;
	char *ubuf = NULL;
	int64_t *keys = NULL;
	size_t nk = 0, nu = 0;
	struct kmap asked;   /* session uuid hashes asked for */
	int rc = AIU_OK;

	kmap_init(&asked, sizeof(uint64_t), 0, 0);
	if (!d->n)
		goto out;
	/* the store must hold every row this run produced, so that one lookup
	 * answers for all of them */
	if ((rc = flush_usage(a, err)) < 0)
		goto out;
	if (!(keys = malloc(d->n * sizeof(*keys))) || !(uuids = malloc(d->n * sizeof(*uuids))) ||
	    !(ubuf = malloc(d->n * 128)) || !(r = malloc(sizeof(*r)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory (deferred records)");
		goto out;
	}
	for (size_t i = 0; i < d->n; i++) {
		char *uuid = ubuf + nu * 128, mid[sizeof(((struct usage_row *)0)->msg_id)],
		     rid[sizeof(((struct usage_row *)0)->req_id)];
		const struct cc_sess *cs;
		uint64_t h;
		bool created;
		int64_t key;
		cc_defer_get(d, i, r, &o);
		record_uuid(r, &o, uuid, 128);
		h = hash64(uuid, strlen(uuid));
		cs = kmap_get(&a->sessions, &h);
		if (!(cs && strcmp(cs->row.uuid, uuid) == 0)) { /* not cached: ask */
			if (!kmap_put(&asked, &h, &created)) {
				rc = aiu_errf(err, AIU_ENOMEM, "out of memory (deferred records)");
				goto out;
			}
			if (created)
				uuids[nu++] = uuid;
		}
		/* a first sync never asks the store for requests (usage_slot) */
		if (a->fresh || r->type != CC_ASSISTANT || !r->has_usage || !r->msg_id.n ||
		    !r->model.n)
			continue;
		slice_copy(mid, sizeof(mid), r->msg_id);
		slice_copy(rid, sizeof(rid), r->request_id);
		key = (int64_t)(usage_hash(mid, rid, NULL) & INT64_MAX);
		if (kmap_get(&a->seen_usage, &key) || cc_defer_asked(d, key))
			continue; /* the map knows, or asked already */
		if (cc_defer_answer(d, key, NULL) < 0) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory (deferred records)");
			goto out;
		}
		keys[nk++] = key;
	}
	if ((rc = a->s->ops->session_get_many(a->s, uuids, nu, session_cb, a, err)) < 0 ||
	    (rc = a->s->ops->usage_get_many(a->s, keys, nk, answer_cb, d, err)) < 0)
		goto out;
	a->replaying = true;
	for (size_t i = 0; i < d->n && rc == AIU_OK; i++) {
		cc_defer_get(d, i, r, &o);
		rc = apply_record(a, r, &o, err);
	}
	a->replaying = false;
out:
	cc_defer_clear(d);
	kmap_release(&asked);
	free(keys);
	free(uuids);
	free(ubuf);
	free(r);
	return rc;
}

int cc_apply_record(struct cc_apply *a, const struct cc_record *r, const struct cc_origin *o,
		    struct aiu_err *err)
{
	int rc;
	a->st.records++;
	if (!r->has_ts)
		return AIU_OK; /* summary, snapshot...: no time, nothing to count */
	/* On a store behind a round trip: queue the record for batched
	 * lookups (cc_defer.h; a first sync asks for sessions only), keeping
	 * the order. */
	if (a->replaying || !a->s->remote)
		return apply_record(a, r, o, err);
	rc = cc_defer_push(&a->defer, r, o);
	if (rc == AIU_ELIMIT) { /* full: apply the queue, then queue r */
		if ((rc = resolve_deferred(a, err)) < 0)
			return rc;
		rc = cc_defer_push(&a->defer, r, o);
	}
	if (rc == AIU_ENOMEM)
		return aiu_errf(err, rc, "out of memory (deferred records)");
	/* still AIU_ELIMIT: r alone is over the queue's cap, and the queue is
	 * empty, so applying it now keeps the order */
	return rc == AIU_OK ? AIU_OK : apply_record(a, r, o, err);
}

int64_t cc_prompt_key(const char *uuid, size_t n)
{
	return (int64_t)(XXH3_64bits_withSeed(uuid, n, SEED_PROMPT) & INT64_MAX);
}

/* The session uuid a record counts under. */
static void record_uuid(const struct cc_record *r, const struct cc_origin *o, char *uuid,
			size_t cap)
{
	if (r->session_id.n)
		slice_copy(uuid, cap, r->session_id);
	else
		str_copy(uuid, o->session_hint ? o->session_hint : "unknown", cap);
}

/* Applies one record with a timestamp (cc_apply_record, or a queued one). */
static int apply_record(struct cc_apply *a, const struct cc_record *r, const struct cc_origin *o,
			struct aiu_err *err)
{
	char uuid[128];
	struct cc_sess *cs = NULL;
	int64_t ts_min, ts_max;
	int rc;

	if ((rc = bound_caches(a, err)) < 0)
		return rc;
	record_uuid(r, o, uuid, sizeof(uuid));
	if ((rc = session_for(a, uuid, &cs, err)) < 0)
		return rc;
	/* The project is the session's working directory; records without a
	 * cwd (queue operations, progress) do not decide it. Only when a
	 * request must be counted before any cwd was seen does the transcript's
	 * folder name stand in. */
	if (!cs->row.project_id && r->cwd.n) {
		if ((rc = a->s->ops->intern(a->s, DICT_PROJECT, r->cwd.p, r->cwd.n, &cs->row.project_id, err)) < 0)
			return rc;
		cs->dirty = true;
	}
	if (!cs->row.project_id && (r->type == CC_ASSISTANT || r->n_tools)) {
		const char *p = o->project_dir && *o->project_dir ? o->project_dir : "unknown";
		if ((rc = a->s->ops->intern(a->s, DICT_PROJECT, p, strlen(p), &cs->row.project_id, err)) < 0)
			return rc;
		cs->dirty = true;
	}
	ts_min = o->ts_min ? o->ts_min : r->ts_ms;
	ts_max = o->ts_max ? o->ts_max : r->ts_ms;
	if (!cs->row.first_ts || ts_min < cs->row.first_ts) {
		cs->row.first_ts = ts_min;
		cs->dirty = true;
	}
	if (ts_max > cs->row.last_ts) {
		cs->row.last_ts = ts_max;
		if (r->git_branch.n)
			slice_copy(cs->row.git_branch, sizeof(cs->row.git_branch), r->git_branch);
		if (r->version.n)
			slice_copy(cs->row.version, sizeof(cs->row.version), r->version);
		cs->dirty = true;
	}

	if (r->type == CC_USER && r->user_kind == CC_USER_PROMPT && !r->is_meta &&
	    !r->is_compact_summary && r->uuid.n) {
		int64_t key = cc_prompt_key(r->uuid.p, r->uuid.n);
		if (!seen_key(a, key)) {
			struct cc_pend_msg *pm = push((void **)&a->pmsg, &a->npmsg, &a->cpmsg, sizeof(*pm));
			if (!pm)
				return aiu_errf(err, AIU_ENOMEM, "out of memory (prompts)");
			pm->key = key;
			pm->session_id = cs->row.id;
			pm->ts = r->ts_ms;
			pm->file_id = o->file_id;
			pm->byte_off = o->byte_off;
			pm->byte_len = o->byte_len;
			pm->sess_hash = hash64(uuid, strlen(uuid));
			if (a->npmsg >= PEND_USAGE_MAX && (rc = flush_pending(a, err)) < 0)
				return rc;
		}
	}
	if (r->type != CC_ASSISTANT)
		return AIU_OK;
	/* "<synthetic>" (API error) records are kept as requests with zero
	 * tokens, as ccusage counts them; reports leave them out of model lists. */
	if (!r->has_usage || !r->msg_id.n || !r->model.n)
		return AIU_OK;
	return apply_usage(a, r, cs, o, err);
}

static void ksort_fill(struct key_idx *ord, const void *v, size_t n, size_t sz)
{
	for (size_t i = 0; i < n; i++) {
		memcpy(&ord[i].key, (const char *)v + i * sz, sizeof(int64_t));
		ord[i].i = i;
	}
}

/* Sorts n records of size sz whose first member is an int64 key, in place. */
static int sort_by_key(void *v, size_t n, size_t sz)
{
	struct key_idx *ord = NULL;
	char *tmp = NULL;
	int rc = AIU_ENOMEM;

	if (n < 2)
		return AIU_OK;
	if (!(ord = malloc(n * sizeof(*ord))) || !(tmp = malloc(n * sz)))
		goto out;
	ksort_fill(ord, v, n, sz);
	if (ksort(ord, n) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		memcpy(tmp + i * sz, (char *)v + ord[i].i * sz, sz);
	memcpy(v, tmp, n * sz);
	rc = AIU_OK;
out:
	free(ord);
	free(tmp);
	return rc;
}

/* The pending prompts through the store's bulk insert; *ins (caller frees)
 * gets which were new. */
static int add_many(struct cc_apply *a, bool **ins, struct aiu_err *err)
{
	struct message_row *rows = malloc(a->npmsg * sizeof(*rows));
	int rc;
	*ins = malloc(a->npmsg * sizeof(**ins));
	if (!rows || !*ins) {
		free(rows);
		free(*ins);
		*ins = NULL;
		return aiu_errf(err, AIU_ENOMEM, "out of memory (prompts)");
	}
	for (size_t i = 0; i < a->npmsg; i++) {
		rows[i].key = a->pmsg[i].key;
		rows[i].session_id = a->pmsg[i].session_id;
		rows[i].ts = a->pmsg[i].ts;
		rows[i].file_id = a->pmsg[i].file_id;
		rows[i].byte_off = a->pmsg[i].byte_off;
		rows[i].byte_len = a->pmsg[i].byte_len;
	}
	if ((rc = a->s->ops->message_add_many(a->s, rows, a->npmsg, *ins, err)) < 0) {
		free(*ins);
		*ins = NULL;
	}
	free(rows);
	return rc;
}

/* Inserts pending prompts in key order; counts only rows the store did not
 * already hold. */
static int flush_pending(struct cc_apply *a, struct aiu_err *err)
{
	int rc;
	bool *ins = NULL;
	if (sort_by_key(a->pmsg, a->npmsg, sizeof(*a->pmsg)) < 0)
		return aiu_errf(err, AIU_ENOMEM, "out of memory (sorting new rows)");
	if (a->npmsg && a->s->remote && (rc = add_many(a, &ins, err)) < 0)
		return rc;
	for (size_t i = 0; i < a->npmsg; i++) {
		struct cc_pend_msg *m = &a->pmsg[i];
		struct cc_sess *cs;
		bool inserted = ins && ins[i];
		if (!ins && (rc = a->s->ops->message_add(a->s, m->key, m->session_id, m->ts, m->file_id,
							  m->byte_off, m->byte_len, &inserted, err)) < 0)
			return rc;
		if (!inserted || !(cs = kmap_get(&a->sessions, &m->sess_hash)) ||
		    cs->row.id != m->session_id)
			continue;
		cs->row.user_msgs++;
		cs->dirty = true;
		a->st.prompts_new++;
	}
	free(ins);
	a->npmsg = 0;
	return AIU_OK;
}

static int cmp_rollup(const void *x, const void *y)
{
	const struct rollup_key *a = &(*(const struct rollup_row *const *)x)->k;
	const struct rollup_key *b = &(*(const struct rollup_row *const *)y)->k;
	if (a->bucket != b->bucket)
		return a->bucket < b->bucket ? -1 : 1;
	if (a->project_id != b->project_id)
		return a->project_id < b->project_id ? -1 : 1;
	if (a->model_id != b->model_id)
		return a->model_id < b->model_id ? -1 : 1;
	return (a->variant > b->variant) - (a->variant < b->variant);
}

static int cmp_trollup(const void *x, const void *y)
{
	const struct tool_rollup_row *a = x, *b = y;
	if (a->bucket != b->bucket)
		return a->bucket < b->bucket ? -1 : 1;
	if (a->project_id != b->project_id)
		return a->project_id < b->project_id ? -1 : 1;
	return (a->tool_id > b->tool_id) - (a->tool_id < b->tool_id);
}

/* Session rollup deltas: in one bulk call when the store has one. */
static int flush_srollups(struct cc_apply *a, struct aiu_err *err)
{
	const struct session_rollup_row **v;
	size_t n = 0;
	int rc;
	if (!a->s->remote) {
		for (size_t i = 0; i < a->srollups.cap; i++)
			if (kmap_key(&a->srollups, i) &&
			    (rc = a->s->ops->session_rollup_add(a->s, kmap_val(&a->srollups, i), err)) < 0)
				return rc;
		return AIU_OK;
	}
	if (!(v = malloc((a->srollups.n + 1) * sizeof(*v))))
		return aiu_errf(err, AIU_ENOMEM, "out of memory (session rollup flush)");
	for (size_t i = 0; i < a->srollups.cap; i++)
		if (kmap_key(&a->srollups, i))
			v[n++] = kmap_val(&a->srollups, i);
	rc = a->s->ops->session_rollup_add_many(a->s, v, n, err);
	free(v);
	return rc;
}

/* Writes the pending rollup deltas and forgets them. */
static int flush_rollups(struct cc_apply *a, struct aiu_err *err)
{
	int rc;
	{
		/* rollup deltas in key order, several rows per statement */
		size_t n = 0, k = 0;
		const struct rollup_row **rr = malloc((a->rollups.n + 1) * sizeof(*rr));
		struct tool_rollup_row *tr = malloc((a->trollups.n + 1) * sizeof(*tr));
		if (!rr || !tr) {
			free(rr);
			free(tr);
			return aiu_errf(err, AIU_ENOMEM, "out of memory (rollup flush)");
		}
		for (size_t i = 0; i < a->rollups.cap; i++) {
			const struct rollup_row *r;
			if (!kmap_key(&a->rollups, i))
				continue;
			r = kmap_val(&a->rollups, i);
			if (r->n || r->t.input || r->t.output || r->t.cw5m || r->t.cw1h ||
			    r->t.cache_read || r->min_ts != INT64_MAX)
				rr[n++] = r;
		}
		for (size_t i = 0; i < a->trollups.cap; i++) {
			const struct troll_key *tk = kmap_key(&a->trollups, i);
			if (!tk)
				continue;
			tr[k].bucket = tk->bucket;
			tr[k].project_id = tk->project_id;
			tr[k].tool_id = tk->tool_id;
			tr[k].n = *(int64_t *)kmap_val(&a->trollups, i);
			k++;
		}
		if (n > 1)
			qsort(rr, n, sizeof(*rr), cmp_rollup);
		if (k > 1)
			qsort(tr, k, sizeof(*tr), cmp_trollup);
		rc = a->s->ops->rollup_add_many(a->s, rr, n, err);
		if (rc == AIU_OK)
			rc = a->s->ops->tool_rollup_add_many(a->s, tr, k, err);
		free(rr);
		free(tr);
		if (rc < 0)
			return rc;
	}
	if ((rc = flush_srollups(a, err)) < 0)
		return rc;
	kmap_clear(&a->rollups);
	kmap_clear(&a->srollups);
	kmap_clear(&a->trollups);
	return AIU_OK;
}

int cc_apply_flush(struct cc_apply *a, struct aiu_err *err)
{
	int rc;
	if ((rc = resolve_deferred(a, err)) < 0 || (rc = flush_usage(a, err)) < 0 ||
	    (rc = flush_pending(a, err)) < 0 || (rc = flush_rollups(a, err)) < 0)
		return rc;
	return sessions_write(a, err);
}
