/* cursor_parse.c - see cursor_parse.h. One function per endpoint; the CSV
 * exports are turned into the JSON items' shape (snake_case -> camelCase)
 * and share the item readers. */
#include "ingest/cursor_parse.h"

#include "core/buf.h"
#include "core/timeutil.h"
#include "ingest/csv_reader.h"
#include "ingest/json_exact.h"

#include <jansson.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#define EMAIL_MAX 320

static int bad(const struct cursor_sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(const struct cursor_sink *s, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return s->bad ? s->bad(s->ctx, msg) : 0;
}

/* Parses body with reals quoted; *root is the caller's to decref. */
static int load(const char *what, const char *body, size_t n, json_t **root, struct aiu_err *err)
{
	struct buf b;
	json_error_t je;
	int rc = AIU_OK;
	*root = NULL;
	if (n > CURSOR_BODY_MAX)
		return aiu_errf(err, AIU_ELIMIT, "%s: response over %zu bytes", what, CURSOR_BODY_MAX);
	buf_init(&b, n * 2 + 16);
	if (json_quote_reals(body, n, &b) < 0) {
		rc = aiu_errf(err, AIU_ELIMIT, "%s: response too large", what);
		goto out;
	}
	if (!(*root = json_loadb(buf_cstr(&b), b.len, 0, &je)))
		rc = aiu_errf(err, AIU_EPARSE, "%s: malformed JSON at line %d column %d: %s", what,
			      je.line, je.column, je.text);
	else if (!json_is_object(*root)) {
		rc = aiu_errf(err, AIU_EPARSE, "%s: expected a JSON object", what);
		json_decref(*root);
		*root = NULL;
	}
out:
	buf_release(&b);
	return rc;
}

/* The named array of root, or an error naming it. */
static int get_array(const char *what, json_t *root, const char *key, json_t **arr,
		     struct aiu_err *err)
{
	*arr = json_object_get(root, key);
	if (json_is_array(*arr))
		return AIU_OK;
	return aiu_errf(err, AIU_EPARSE, "%s: field %s: %s", what, key,
			*arr ? "not an array" : "missing");
}

/* Optional integer field: absent/null -> def; wrong shape -> *ok = false. */
static int64_t opt_i64(json_t *o, const char *k, int64_t def, const char **badf)
{
	int64_t v;
	int rc = jx_i64(o, k, &v);
	if (rc == AIU_ENOTFOUND)
		return def;
	if (rc < 0) {
		if (!*badf)
			*badf = k;
		return def;
	}
	return v;
}

static bool opt_bool(json_t *o, const char *k, bool def, const char **badf)
{
	json_t *v = json_object_get(o, k);
	if (!v || json_is_null(v))
		return def;
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (!strcasecmp(s, "true") || !strcmp(s, "1"))
			return true;
		if (!strcasecmp(s, "false") || !strcmp(s, "0") || !*s)
			return false;
	}
	if (!*badf)
		*badf = k;
	return def;
}

/* A time field: epoch ms (number or numeric string) or ISO 8601. 0 if absent. */
static int64_t opt_time(json_t *o, const char *k, const char **badf)
{
	json_t *v = json_object_get(o, k);
	int64_t ms;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		if (n == 0)
			return 0;
		if (dec_to_scaled(s, n, 0, &ms) == 0 || parse_rfc3339_ms(s, n, &ms) == 0)
			return ms;
	}
	if (!*badf)
		*badf = k;
	return 0;
}

static const char *opt_str(json_t *o, const char *k)
{
	const char *s = jx_str(o, k);
	return s && *s ? s : NULL;
}

int cursor_parse_members(const char *body, size_t n, const struct cursor_sink *sink,
			 struct aiu_err *err)
{
	static const char what[] = "cursor /teams/members";
	json_t *root, *arr;
	int rc;
	if ((rc = load(what, body, n, &root, err)) < 0)
		return rc;
	if ((rc = get_array(what, root, "teamMembers", &arr, err)) < 0)
		goto out;
	for (size_t i = 0; i < json_array_size(arr) && rc >= 0; i++) {
		json_t *it = json_array_get(arr, i), *id = json_object_get(it, "id");
		char email[EMAIL_MAX], idbuf[64];
		const char *badf = NULL;
		struct cursor_member m = { 0 };
		if (!email_fold(jx_str(it, "email"), email, sizeof(email))) {
			rc = bad(sink, "%s: member %zu: field email: missing", what, i + 1);
			continue;
		}
		m.email = email;
		m.name = opt_str(it, "name");
		m.role = opt_str(it, "role");
		if (json_is_integer(id)) {
			snprintf(idbuf, sizeof(idbuf), "%lld", (long long)json_integer_value(id));
			m.user_id = idbuf;
		} else {
			m.user_id = opt_str(it, "id");
		}
		m.removed = opt_bool(it, "isRemoved", false, &badf);
		if (badf) {
			rc = bad(sink, "%s: member %zu (%s): field %s: wrong type", what, i + 1, email, badf);
			continue;
		}
		rc = sink->row(sink->ctx, CK_MEMBER, &m, err);
	}
out:
	json_decref(root);
	return rc;
}

int cursor_parse_daily(const char *body, size_t n, const struct cursor_sink *sink,
		       struct aiu_err *err)
{
	static const char what[] = "cursor /teams/daily-usage-data";
	json_t *root, *arr;
	int rc;
	if ((rc = load(what, body, n, &root, err)) < 0)
		return rc;
	if ((rc = get_array(what, root, "data", &arr, err)) < 0)
		goto out;
	for (size_t i = 0; i < json_array_size(arr) && rc >= 0; i++) {
		json_t *it = json_array_get(arr, i);
		char email[EMAIL_MAX];
		const char *badf = NULL, *day = opt_str(it, "day");
		struct cursor_daily d = { 0 };
		if (!email_fold(jx_str(it, "email"), email, sizeof(email))) {
			rc = bad(sink, "%s: row %zu: field email: missing", what, i + 1);
			continue;
		}
		d.email = email;
		d.day_ms = opt_time(it, "date", &badf);
		if (!d.day_ms && day && parse_rfc3339_ms(day, strlen(day), &d.day_ms) < 0)
			badf = "day";
		if (!d.day_ms && !badf)
			badf = "date";
		d.day_ms -= ((d.day_ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY; /* start of the UTC day */
		d.active = opt_bool(it, "isActive", false, &badf);
#define X(f) d.f = opt_i64(it, #f, 0, &badf);
		CURSOR_DAILY_INTS(X)
#undef X
		d.most_used_model = opt_str(it, "mostUsedModel");
		d.apply_ext = opt_str(it, "applyMostUsedExtension");
		d.tab_ext = opt_str(it, "tabMostUsedExtension");
		d.client_version = opt_str(it, "clientVersion");
		if (badf) {
			rc = bad(sink, "%s: row %zu (%s): field %s: missing or wrong type", what, i + 1,
				 email, badf);
			continue;
		}
		rc = sink->row(sink->ctx, CK_DAILY, &d, err);
	}
out:
	json_decref(root);
	return rc;
}

static void read_pagination(json_t *root, struct cursor_page *pg)
{
	json_t *p = json_object_get(root, "pagination");
	const char *ign = NULL;
	memset(pg, 0, sizeof(*pg));
	if (json_is_object(p)) {
		pg->page = opt_i64(p, "currentPage", opt_i64(p, "page", 0, &ign), &ign);
		pg->pages = opt_i64(p, "numPages", opt_i64(p, "totalPages", 0, &ign), &ign);
		pg->has_next = opt_bool(p, "hasNextPage", pg->page > 0 && pg->page < pg->pages, &ign);
	}
}

int cursor_parse_events(const char *body, size_t n, struct kmap *occ,
			const struct cursor_sink *sink, struct cursor_page *pg, struct aiu_err *err)
{
	static const char what[] = "cursor /teams/filtered-usage-events";
	json_t *root, *arr;
	int rc;
	const char *ign = NULL;
	if ((rc = load(what, body, n, &root, err)) < 0)
		return rc;
	read_pagination(root, pg);
	pg->total = opt_i64(root, "totalUsageEventsCount", 0, &ign);
	if ((rc = get_array(what, root, "usageEvents", &arr, err)) < 0)
		goto out;
	for (size_t i = 0; i < json_array_size(arr) && rc >= 0; i++) {
		json_t *it = json_array_get(arr, i), *tu = json_object_get(it, "tokenUsage");
		char email[EMAIL_MAX], key[80], hbuf[1024];
		const char *badf = NULL;
		struct cursor_event e = { 0 };
		unsigned char hk[16];
		XXH128_hash_t h;
		int64_t *cnt;
		bool created;
		if (!json_is_object(it)) {
			rc = bad(sink, "%s: event %zu: not an object", what, i + 1);
			continue;
		}
		email_fold(jx_str(it, "userEmail"), email, sizeof(email));
		e.email = email;
		if (!(e.ts = opt_time(it, "timestamp", &badf)) && !badf)
			badf = "timestamp";
		e.model = opt_str(it, "model");
		e.kind = opt_str(it, "kind");
		if (!e.kind)
			e.kind = opt_str(it, "kindLabel");
		e.max_mode = opt_bool(it, "maxMode", false, &badf);
		e.token_based = opt_bool(it, "isTokenBasedCall", json_is_object(tu), &badf);
		e.chargeable = opt_bool(it, "isChargeable",
					e.kind && strncasecmp(e.kind, "usage", 5) == 0, &badf);
		if (jx_scaled(it, "requestsCosts", 4, &e.requests_e4) == AIU_EPARSE && !badf)
			badf = "requestsCosts";
		if (json_is_object(tu)) {
			e.input = opt_i64(tu, "inputTokens", 0, &badf);
			e.output = opt_i64(tu, "outputTokens", 0, &badf);
			e.cache_write = opt_i64(tu, "cacheWriteTokens", 0, &badf);
			e.cache_read = opt_i64(tu, "cacheReadTokens", 0, &badf);
			/* cents -> nano-dollars: 1 cent = 10^7 nUSD */
			if (jx_scaled(tu, "totalCents", 7, &e.cost_nusd) == AIU_EPARSE && !badf)
				badf = "tokenUsage.totalCents";
		} else if (tu && !json_is_null(tu) && !badf) {
			badf = "tokenUsage";
		}
		e.charged_nusd = -1;
		if (jx_scaled(it, "chargedCents", 7, &e.charged_nusd) == AIU_EPARSE && !badf)
			badf = "chargedCents";
		if (badf) {
			rc = bad(sink, "%s: page %lld event %zu: field %s: missing or not a number", what,
				 (long long)pg->page, i + 1, badf);
			continue;
		}
		snprintf(hbuf, sizeof(hbuf), "%lld|%s|%s|%s|%d|%d|%lld|%lld|%lld|%lld|%lld|%lld|%lld",
			 (long long)e.ts, email, e.model ? e.model : "", e.kind ? e.kind : "",
			 e.max_mode, e.token_based, (long long)e.requests_e4, (long long)e.input,
			 (long long)e.output, (long long)e.cache_write, (long long)e.cache_read,
			 (long long)e.cost_nusd, (long long)e.charged_nusd);
		h = XXH3_128bits(hbuf, strlen(hbuf));
		memcpy(hk, &h.high64, 8);
		memcpy(hk + 8, &h.low64, 8);
		if (!(cnt = kmap_put(occ, hk, &created))) {
			rc = aiu_errf(err, AIU_ELIMIT, "%s: too many events in one pull", what);
			goto out;
		}
		snprintf(key, sizeof(key), "ev:%016llx%016llx:%lld", (unsigned long long)h.high64,
			 (unsigned long long)h.low64, (long long)(*cnt)++);
		e.key = key;
		rc = sink->row(sink->ctx, CK_EVENT, &e, err);
	}
out:
	json_decref(root);
	return rc;
}

int cursor_parse_spend(const char *body, size_t n, int64_t day, int64_t taken_ms,
		       const struct cursor_sink *sink, struct cursor_page *pg, struct aiu_err *err)
{
	static const char what[] = "cursor /teams/spend";
	json_t *root, *arr;
	const char *badtop = NULL;
	int rc;
	if ((rc = load(what, body, n, &root, err)) < 0)
		return rc;
	memset(pg, 0, sizeof(*pg));
	pg->pages = opt_i64(root, "totalPages", 1, &badtop);
	pg->total = opt_i64(root, "totalMembers", 0, &badtop);
	pg->cycle_start = opt_time(root, "subscriptionCycleStart", &badtop);
	if (badtop || pg->cycle_start <= 0) {
		rc = aiu_errf(err, AIU_EPARSE, "%s: field %s: missing or not a number", what,
			      badtop ? badtop : "subscriptionCycleStart");
		goto out;
	}
	if ((rc = get_array(what, root, "teamMemberSpend", &arr, err)) < 0)
		goto out;
	for (size_t i = 0; i < json_array_size(arr) && rc >= 0; i++) {
		json_t *it = json_array_get(arr, i);
		char email[EMAIL_MAX];
		const char *badf = NULL;
		struct cursor_spend_snap sp = { .cycle_start = pg->cycle_start, .day = day,
						.taken_ms = taken_ms };
		if (!email_fold(jx_str(it, "email"), email, sizeof(email))) {
			rc = bad(sink, "%s: member %zu: field email: missing", what, i + 1);
			continue;
		}
		sp.email = email;
		sp.name = opt_str(it, "name");
		/* spendCents only: includedSpendCents is not spend */
		rc = jx_scaled(it, "spendCents", 0, &sp.spend_cents);
		if (rc == AIU_EPARSE)
			badf = "spendCents";
		rc = 0;
		sp.fast_premium = opt_i64(it, "fastPremiumRequests", 0, &badf);
		if (badf) {
			rc = bad(sink, "%s: member %zu (%s): field %s: not a number", what, i + 1, email, badf);
			continue;
		}
		rc = sink->row(sink->ctx, CK_SPEND, &sp, err);
	}
out:
	json_decref(root);
	return rc;
}

/* --- AI Code Tracking: one item reader for JSON and CSV --- */

static int commit_item(const char *what, const char *where, json_t *it,
		       const struct cursor_sink *sink, struct aiu_err *err)
{
	char email[EMAIL_MAX];
	const char *badf = NULL;
	json_t *prim = json_object_get(it, "isPrimaryBranch");
	struct cursor_commit c = { 0 };
	if (!(c.hash = opt_str(it, "commitHash")))
		return bad(sink, "%s: %s: field commitHash: missing", what, where);
	email_fold(jx_str(it, "userEmail"), email, sizeof(email));
	c.email = email;
	c.user_id = opt_str(it, "userId");
	c.repo = opt_str(it, "repoName");
	c.branch = opt_str(it, "branchName");
	c.source = opt_str(it, "commitSource");
	c.message = jx_str(it, "message");
	c.primary = (!prim || json_is_null(prim) || (json_is_string(prim) && !*json_string_value(prim)))
			    ? -1 : opt_bool(it, "isPrimaryBranch", false, &badf);
	c.added = opt_i64(it, "totalLinesAdded", 0, &badf);
	c.deleted = opt_i64(it, "totalLinesDeleted", 0, &badf);
	c.tab_added = opt_i64(it, "tabLinesAdded", 0, &badf);
	c.tab_deleted = opt_i64(it, "tabLinesDeleted", 0, &badf);
	c.composer_added = opt_i64(it, "composerLinesAdded", 0, &badf);
	c.composer_deleted = opt_i64(it, "composerLinesDeleted", 0, &badf);
	c.non_ai_added = opt_i64(it, "nonAiLinesAdded", -1, &badf);
	c.non_ai_deleted = opt_i64(it, "nonAiLinesDeleted", -1, &badf);
	c.commit_ts = opt_time(it, "commitTs", &badf);
	c.created_ts = opt_time(it, "createdAt", &badf);
	if (badf)
		return bad(sink, "%s: %s: field %s: wrong type", what, where, badf);
	return sink->row(sink->ctx, CK_COMMIT, &c, err);
}

static int change_item(const char *what, const char *where, json_t *it,
		       const struct cursor_sink *sink, struct aiu_err *err)
{
	char email[EMAIL_MAX];
	const char *badf = NULL;
	char *meta = NULL;
	json_t *m = json_object_get(it, "metadata");
	struct cursor_change c = { 0 };
	int rc;
	if (!(c.change_id = opt_str(it, "changeId")))
		return bad(sink, "%s: %s: field changeId: missing", what, where);
	email_fold(jx_str(it, "userEmail"), email, sizeof(email));
	c.email = email;
	c.user_id = opt_str(it, "userId");
	c.source = opt_str(it, "source");
	c.model = opt_str(it, "model");
	c.added = opt_i64(it, "totalLinesAdded", 0, &badf);
	c.deleted = opt_i64(it, "totalLinesDeleted", 0, &badf);
	c.created_ts = opt_time(it, "createdAt", &badf);
	if (json_is_string(m))
		c.metadata_json = json_string_value(m);
	else if (m && !json_is_null(m) && !(meta = json_dumps(m, JSON_COMPACT | JSON_ENCODE_ANY)))
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	if (meta)
		c.metadata_json = meta;
	if (badf)
		rc = bad(sink, "%s: %s: field %s: wrong type", what, where, badf);
	else
		rc = sink->row(sink->ctx, CK_CHANGE, &c, err);
	free(meta);
	return rc;
}

typedef int (*item_fn)(const char *what, const char *where, json_t *it,
		       const struct cursor_sink *sink, struct aiu_err *err);

static int parse_items(const char *what, const char *body, size_t n, item_fn fn,
		       const struct cursor_sink *sink, struct cursor_page *pg, struct aiu_err *err)
{
	json_t *root, *arr;
	const char *ign = NULL;
	int rc;
	if ((rc = load(what, body, n, &root, err)) < 0)
		return rc;
	memset(pg, 0, sizeof(*pg));
	pg->total = opt_i64(root, "totalCount", 0, &ign);
	pg->page = opt_i64(root, "page", 1, &ign);
	{
		int64_t size = opt_i64(root, "pageSize", 0, &ign);
		pg->pages = size > 0 ? (pg->total + size - 1) / size : 1;
		pg->has_next = size > 0 && pg->page < pg->pages;
	}
	if ((rc = get_array(what, root, "items", &arr, err)) < 0)
		goto out;
	if (json_array_size(arr) == 0)
		pg->has_next = false; /* never loop on an empty page */
	for (size_t i = 0; i < json_array_size(arr) && rc >= 0; i++) {
		char where[64];
		snprintf(where, sizeof(where), "page %lld item %zu", (long long)pg->page, i + 1);
		rc = fn(what, where, json_array_get(arr, i), sink, err);
	}
out:
	json_decref(root);
	return rc;
}

int cursor_parse_commits(const char *body, size_t n, const struct cursor_sink *sink,
			 struct cursor_page *pg, struct aiu_err *err)
{
	return parse_items("cursor /analytics/ai-code/commits", body, n, commit_item, sink, pg, err);
}

int cursor_parse_changes(const char *body, size_t n, const struct cursor_sink *sink,
			 struct cursor_page *pg, struct aiu_err *err)
{
	return parse_items("cursor /analytics/ai-code/changes", body, n, change_item, sink, pg, err);
}

/* CSV column -> JSON item key. */
struct colmap { const char *csv, *json; };
static const struct colmap commit_cols[] = {
	{ "commit_hash", "commitHash" }, { "user_id", "userId" }, { "user_email", "userEmail" },
	{ "repo_name", "repoName" }, { "branch_name", "branchName" },
	{ "is_primary_branch", "isPrimaryBranch" }, { "commit_source", "commitSource" },
	{ "total_lines_added", "totalLinesAdded" }, { "total_lines_deleted", "totalLinesDeleted" },
	{ "tab_lines_added", "tabLinesAdded" }, { "tab_lines_deleted", "tabLinesDeleted" },
	{ "composer_lines_added", "composerLinesAdded" },
	{ "composer_lines_deleted", "composerLinesDeleted" },
	{ "non_ai_lines_added", "nonAiLinesAdded" }, { "non_ai_lines_deleted", "nonAiLinesDeleted" },
	{ "message", "message" }, { "commit_ts", "commitTs" }, { "created_at", "createdAt" },
	{ NULL, NULL },
};
static const struct colmap change_cols[] = {
	{ "change_id", "changeId" }, { "user_id", "userId" }, { "user_email", "userEmail" },
	{ "source", "source" }, { "model", "model" }, { "total_lines_added", "totalLinesAdded" },
	{ "total_lines_deleted", "totalLinesDeleted" }, { "created_at", "createdAt" },
	{ "metadata_json", "metadata" }, { NULL, NULL },
};

struct csv_items {
	const char *what, *name;
	const struct colmap *cols;
	item_fn fn;
	const struct cursor_sink *sink;
	int idx[32];
	size_t nf;
	bool have_header;
};

static int csv_item_row(void *ctx, const struct csv_rec *r, struct aiu_err *err)
{
	struct csv_items *ci = ctx;
	json_t *it;
	char where[96];
	int rc;
	if (!ci->have_header) {
		for (size_t k = 0; ci->cols[k].csv; k++)
			ci->idx[k] = csv_header_index(r, ci->cols[k].csv);
		if (ci->idx[0] < 0)
			return aiu_errf(err, AIU_EPARSE, "%s: line %lld: header has no %s column", ci->name,
					(long long)r->line, ci->cols[0].csv);
		ci->nf = r->nf;
		ci->have_header = true;
		return AIU_OK;
	}
	snprintf(where, sizeof(where), "line %lld (record %lld)", (long long)r->line,
		 (long long)r->recno);
	if (r->nf != ci->nf)
		return bad(ci->sink, "%s: %s: expected %zu fields, found %zu", ci->name, where, ci->nf,
			   r->nf);
	if (!(it = json_object()))
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	for (size_t k = 0; ci->cols[k].csv; k++) {
		json_t *v;
		if (ci->idx[k] < 0)
			continue;
		/* empty cells are nulls; NUL bytes are not text */
		if (r->len[ci->idx[k]] == 0)
			continue;
		v = json_stringn(r->f[ci->idx[k]], r->len[ci->idx[k]]);
		if (!v) {
			json_decref(it);
			return bad(ci->sink, "%s: %s: field %s: not UTF-8 text", ci->name, where,
				   ci->cols[k].csv);
		}
		json_object_set_new(it, ci->cols[k].json, v);
	}
	rc = ci->fn(ci->name, where, it, ci->sink, err);
	json_decref(it);
	return rc;
}

static int parse_csv(const char *what, const char *name, const char *body, size_t n,
		     const struct colmap *cols, item_fn fn, const struct cursor_sink *sink,
		     struct aiu_err *err)
{
	struct csv_items ci = { .what = what, .name = name, .cols = cols, .fn = fn, .sink = sink };
	struct csv_reader r;
	int rc;
	if ((rc = csv_reader_init(&r, name, csv_item_row, &ci, err)) < 0)
		return rc;
	if ((rc = csv_reader_feed(&r, body, n, err)) == 0)
		rc = csv_reader_finish(&r, err);
	csv_reader_release(&r);
	return rc;
}

int cursor_parse_commits_csv(const char *name, const char *body, size_t n,
			     const struct cursor_sink *sink, struct aiu_err *err)
{
	return parse_csv("cursor commits.csv", name, body, n, commit_cols, commit_item, sink, err);
}

int cursor_parse_changes_csv(const char *name, const char *body, size_t n,
			     const struct cursor_sink *sink, struct aiu_err *err)
{
	return parse_csv("cursor changes.csv", name, body, n, change_cols, change_item, sink, err);
}
