/* anthropic_pull.c - `aiusage pull anthropic`: the Anthropic Admin API into
 * the store.
 *
 * Order: users, workspaces, api_keys (lists, after_id paging, ETag when the
 * list fits one page), then usage_report/messages and cost_report (1-day
 * buckets, 31 per page, every page until has_more is false) and
 * usage_report/claude_code (one UTC day per call, every page).
 *
 * Idempotence: a report bucket (one UTC day) replaces that day's stored
 * rows: the day is cleared and its rows written in the same transaction as
 * the page's checkpoint, so a re-pull of an overlapping window adds nothing
 * and a pull killed at any moment leaves whole days and converges when run
 * again. A day with a malformed row keeps the checkpoint before it, so the
 * next pull fetches it again; the page's other rows are stored.
 */
#include "ingest/anthropic_pull.h"
#include "ingest/anthropic_json.h"
#include "ingest/http_client.h"
#include "core/money.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC "anthropic"
#define MAX_PAGES 2000
#define API_VERSION "2023-06-01"

struct anth_run {
	struct pull_ctx *p;
	struct http_client hc;
	struct http_header hdr[2];
	enum anth_table table;
	int64_t bad_day;        /* earliest day with a skipped row in this endpoint */
	int64_t want_day;       /* claude_code: the day requested */
	int64_t n_usage, n_cost, n_cc, n_users, n_ws, n_keys, n_days;
	int64_t cost_nano;      /* sum of stored cost rows (this run's window) */
	struct aiu_err row_err; /* a store failure inside a sink callback */
	const char *report_ep;  /* the report being paged (its checkpoint name) */
};

/* --- sink callbacks: run inside the page's transaction --- */

static int on_bucket(void *ctx, int64_t day)
{
	struct anth_run *r = ctx;
	r->n_days++;
	return r->p->store->ops->anth_day_clear(r->p->store, r->table, day, &r->row_err);
}

static int on_usage(void *ctx, const struct anth_usage_row *u)
{
	struct anth_run *r = ctx;
	r->n_usage++;
	return r->p->store->ops->anth_usage_put(r->p->store, u, &r->row_err);
}

static int on_cost(void *ctx, const struct anth_cost_row *c)
{
	struct anth_run *r = ctx;
	r->n_cost++;
	r->cost_nano += c->amount_nano;
	return r->p->store->ops->anth_cost_put(r->p->store, c, &r->row_err);
}

static int on_row_error(void *ctx, int64_t day, const char *msg)
{
	struct anth_run *r = ctx;
	r->p->bad_rows++;
	pull_note_error(r->p, msg);
	if (day == INT64_MIN)
		day = r->want_day != INT64_MIN ? r->want_day : r->bad_day;
	if (day < r->bad_day)
		r->bad_day = day;
	return 0;
}

static int on_cc(void *ctx, const struct anth_cc_rec *c)
{
	struct anth_run *r = ctx;
	char msg[160], d[16];
	if (c->day != r->want_day) {
		format_day(c->day, d, sizeof(d));
		snprintf(msg, sizeof(msg), "usage_report/claude_code: a record dated %s came back for another day", d);
		return on_row_error(ctx, r->want_day, msg);
	}
	r->n_cc++;
	return r->p->store->ops->anth_cc_put(r->p->store, c, &r->row_err);
}

static int on_user(void *ctx, const struct anth_user *u)
{
	struct anth_run *r = ctx;
	struct org_person pe;
	int rc;
	memset(&pe, 0, sizeof(pe));
	str_copy(pe.email, u->email, sizeof(pe.email));
	str_copy(pe.name, u->name, sizeof(pe.name));
	str_copy(pe.source, SRC, sizeof(pe.source));
	r->n_users++;
	if ((rc = r->p->store->ops->anth_user_put(r->p->store, u, &r->row_err)) < 0)
		return rc;
	return r->p->store->ops->org_person_put(r->p->store, &pe, &r->row_err);
}

static int on_workspace(void *ctx, const struct anth_workspace *w)
{
	struct anth_run *r = ctx;
	r->n_ws++;
	return r->p->store->ops->anth_workspace_put(r->p->store, w, &r->row_err);
}

static int on_key(void *ctx, const struct anth_key *k)
{
	struct anth_run *r = ctx;
	r->n_keys++;
	return r->p->store->ops->anth_key_put(r->p->store, k, &r->row_err);
}

/* --- one page: HTTP, then parse and store in one transaction --- */

static int get_page(struct anth_run *r, const char *endpoint, const struct buf *url,
		    const char *etag, struct http_response *rs, struct aiu_err *err)
{
	struct http_request rq = { .method = "GET", .path = buf_cstr(url), .headers = r->hdr,
				   .nheaders = 2, .etag = etag, .limit_key = endpoint };
	int rc = http_do(&r->hc, &rq, rs, err);
	r->p->requests = r->hc.n_requests;
	r->p->retries = r->hc.n_retries;
	return rc;
}

/* Parses and stores one page; commit_fn adds the checkpoint inside the
 * transaction. A page-level error rolls the page back. */
static int store_page(struct anth_run *r, enum anth_kind kind, const char *endpoint,
		      const struct http_response *rs, int64_t clear_day,
		      int (*checkpoint)(struct anth_run *r, const struct anth_page_info *info,
					struct aiu_err *err),
		      struct anth_page_info *info, struct aiu_err *err)
{
	struct store *s = r->p->store;
	const struct anth_sink sink = {
		.ctx = r, .bucket = on_bucket, .usage = on_usage, .cost = on_cost, .cc = on_cc,
		.user = on_user, .workspace = on_workspace, .key = on_key, .row_error = on_row_error,
	};
	int rc;
	if ((rc = store_begin(s, err)) < 0)
		return rc;
	if (clear_day != INT64_MIN &&
	    (rc = s->ops->anth_day_clear(s, ANTH_T_CC, clear_day, err)) < 0)
		goto out;
	aiu_err_clear(&r->row_err);
	rc = anth_parse_page(kind, buf_cstr(&rs->body), rs->body.len, endpoint, &sink, info, err);
	if (rc < 0) {
		if (r->row_err.msg[0])
			*err = r->row_err;
		goto out;
	}
	r->p->rows += info->rows;
	if (checkpoint && (rc = checkpoint(r, info, err)) < 0)
		goto out;
	rc = store_commit(s, err);
out:
	if (rc < 0)
		store_rollback(s);
	return rc;
}

/* --- reports with day buckets: messages and cost --- */

struct report_def {
	const char *endpoint;        /* for messages and checkpoints */
	const char *path;
	enum anth_kind kind;
	enum anth_table table;
	const char *const *group_by;
};

static const char *const usage_groups[] = { "api_key_id", "workspace_id", "model", "service_tier",
					    "context_window", NULL };
static const char *const cost_groups[] = { "workspace_id", "description", NULL };

static const struct report_def reports[] = {
	{ "usage_report/messages", "/v1/organizations/usage_report/messages", ANTH_USAGE,
	  ANTH_T_USAGE, usage_groups },
	{ "cost_report", "/v1/organizations/cost_report", ANTH_COST, ANTH_T_COST, cost_groups },
};

/* The last day of the page that is whole (no skipped row on or before it). */
static int report_checkpoint(struct anth_run *r, const struct anth_page_info *info,
			     struct aiu_err *err)
{
	int64_t good = info->last_day;
	if (!info->buckets)
		return AIU_OK;
	if (r->bad_day != INT64_MAX && r->bad_day - 1 < good)
		good = r->bad_day - 1;
	if (good < info->first_day)
		return AIU_OK;
	return pull_checkpoint_advance(r->p, SRC, r->report_ep, good, err);
}

static int pull_report(struct anth_run *r, const struct report_def *def, struct aiu_err *err)
{
	struct buf url;
	struct http_response rs;
	struct anth_page_info info;
	char cursor[HTTP_CURSOR_MAX] = "", ts[40];
	int64_t from, to;
	int rc;

	buf_init(&url, HTTP_URL_MAX);
	http_response_init(&rs);
	r->table = def->table;
	r->bad_day = INT64_MAX;
	r->want_day = INT64_MIN;
	if ((rc = pull_window(r->p, SRC, def->endpoint, &from, &to, err)) < 0)
		goto out;
	for (int page = 0;; page++) {
		if (page >= MAX_PAGES) {
			rc = aiu_errf(err, AIU_ELIMIT, "%s: more than %d pages", def->endpoint, MAX_PAGES);
			goto out;
		}
		buf_reset(&url);
		buf_puts(&url, def->path);
		format_iso_ms(from * MS_PER_DAY, ts, sizeof(ts));
		http_query_add(&url, "starting_at", ts);
		format_iso_ms((to + 1) * MS_PER_DAY, ts, sizeof(ts));
		http_query_add(&url, "ending_at", ts);
		http_query_add(&url, "bucket_width", "1d");
		http_query_add(&url, "limit", "31");
		for (const char *const *g = def->group_by; *g; g++)
			http_query_add(&url, "group_by[]", *g);
		if (cursor[0])
			http_query_add(&url, "page", cursor);
		if (url.failed) {
			rc = aiu_errf(err, AIU_ELIMIT, "%s: URL too long", def->endpoint);
			goto out;
		}
		if ((rc = get_page(r, def->endpoint, &url, NULL, &rs, err)) < 0)
			goto out;
		r->report_ep = def->endpoint;
		if ((rc = store_page(r, def->kind, def->endpoint, &rs, INT64_MIN, report_checkpoint,
				     &info, err)) < 0)
			goto out;
		if (!info.next[0])
			break;
		if (strcmp(info.next, cursor) == 0) {
			rc = aiu_errf(err, AIU_EPARSE, "%s: field 'next_page': the same cursor came back twice",
				      def->endpoint);
			goto out;
		}
		str_copy(cursor, info.next, sizeof(cursor));
	}
out:
	if (rc < 0) {
		pull_note_error(r->p, err->msg);
		rc = AIU_OK; /* the other endpoints still run */
	}
	buf_release(&url);
	http_response_release(&rs);
	return rc;
}

/* --- usage_report/claude_code: one UTC day per call --- */

static int cc_checkpoint(struct anth_run *r, const struct anth_page_info *info, struct aiu_err *err)
{
	if (info->next[0] || r->bad_day <= r->want_day)
		return AIU_OK; /* more pages to come, or a bad row on or before this day */
	return pull_checkpoint_advance(r->p, SRC, "usage_report/claude_code", r->want_day, err);
}

static int pull_claude_code(struct anth_run *r, struct aiu_err *err)
{
	static const char *ep = "usage_report/claude_code";
	struct buf url;
	struct http_response rs;
	struct anth_page_info info;
	char cursor[HTTP_CURSOR_MAX], d[16];
	int64_t from, to;
	int rc;

	buf_init(&url, HTTP_URL_MAX);
	http_response_init(&rs);
	r->table = ANTH_T_CC;
	r->bad_day = INT64_MAX;
	if ((rc = pull_window(r->p, SRC, ep, &from, &to, err)) < 0)
		goto out;
	for (int64_t day = from; day <= to; day++) {
		cursor[0] = '\0';
		r->want_day = day;
		format_day(day, d, sizeof(d));
		for (int page = 0;; page++) {
			if (page >= MAX_PAGES) {
				rc = aiu_errf(err, AIU_ELIMIT, "%s: more than %d pages for %s", ep, MAX_PAGES, d);
				goto out;
			}
			buf_reset(&url);
			buf_puts(&url, "/v1/organizations/usage_report/claude_code");
			http_query_add(&url, "starting_at", d);
			http_query_add(&url, "limit", "1000");
			if (cursor[0])
				http_query_add(&url, "page", cursor);
			if ((rc = get_page(r, ep, &url, NULL, &rs, err)) < 0)
				goto out;
			if ((rc = store_page(r, ANTH_CC, ep, &rs, page == 0 ? day : INT64_MIN, cc_checkpoint,
					     &info, err)) < 0)
				goto out;
			if (!info.next[0])
				break;
			if (strcmp(info.next, cursor) == 0) {
				rc = aiu_errf(err, AIU_EPARSE, "%s: field 'next_page': the same cursor came back twice (%s)",
					      ep, d);
				goto out;
			}
			str_copy(cursor, info.next, sizeof(cursor));
		}
		r->n_days++;
	}
out:
	if (rc < 0) {
		pull_note_error(r->p, err->msg);
		rc = AIU_OK;
	}
	r->want_day = INT64_MIN;
	buf_release(&url);
	http_response_release(&rs);
	return rc;
}

/* --- lists: users, workspaces, api_keys --- */

struct list_def {
	const char *endpoint, *path;
	enum anth_kind kind;
};

static const struct list_def lists[] = {
	{ "users", "/v1/organizations/users", ANTH_USERS },
	{ "workspaces", "/v1/organizations/workspaces", ANTH_WORKSPACES },
	{ "api_keys", "/v1/organizations/api_keys", ANTH_KEYS },
};

static int pull_list(struct anth_run *r, const struct list_def *def, struct aiu_err *err)
{
	struct buf url;
	struct http_response rs;
	struct anth_page_info info;
	char cursor[HTTP_CURSOR_MAX] = "", etag[256] = "", name[64];
	bool found = false;
	int rc;

	buf_init(&url, HTTP_URL_MAX);
	http_response_init(&rs);
	r->bad_day = INT64_MAX;
	r->want_day = INT64_MIN;
	snprintf(name, sizeof(name), "etag:%s", def->endpoint);
	if ((rc = r->p->store->ops->org_checkpoint_get(r->p->store, SRC, name, etag, sizeof(etag),
						       &found, err)) < 0)
		goto out;
	for (int page = 0;; page++) {
		if (page >= MAX_PAGES) {
			rc = aiu_errf(err, AIU_ELIMIT, "%s: more than %d pages", def->endpoint, MAX_PAGES);
			goto out;
		}
		buf_reset(&url);
		buf_puts(&url, def->path);
		http_query_add(&url, "limit", "100");
		if (def->kind == ANTH_WORKSPACES)
			http_query_add(&url, "include_archived", "true");
		if (cursor[0])
			http_query_add(&url, "after_id", cursor);
		/* an ETag is kept only for a list that fits one page */
		if ((rc = get_page(r, def->endpoint, &url, page == 0 && found ? etag : NULL, &rs, err)) < 0)
			goto out;
		if (rs.status == 304)
			break; /* unchanged since the last pull */
		if ((rc = store_page(r, def->kind, def->endpoint, &rs, INT64_MIN, NULL, &info, err)) < 0)
			goto out;
		if (page == 0 && !info.next[0] && rs.etag[0] && !r->p->nerrors &&
		    (rc = r->p->store->ops->org_checkpoint_put(r->p->store, SRC, name, rs.etag, err)) < 0)
			goto out;
		if (!info.next[0])
			break;
		if (strcmp(info.next, cursor) == 0) {
			rc = aiu_errf(err, AIU_EPARSE, "%s: field 'last_id': the same cursor came back twice",
				      def->endpoint);
			goto out;
		}
		str_copy(cursor, info.next, sizeof(cursor));
	}
out:
	if (rc < 0) {
		pull_note_error(r->p, err->msg);
		rc = AIU_OK;
	}
	buf_release(&url);
	http_response_release(&rs);
	return rc;
}

int anthropic_pull(struct pull_ctx *p, struct aiu_err *err)
{
	struct anth_run *r = calloc(1, sizeof(*r));
	const struct aiu_config *cfg = p->cfg;
	char money[48];
	int64_t rpm = p->rpm > 0 ? p->rpm : 120;
	int rc;

	if (!r)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	if (!cfg->anthropic_admin_key[0]) {
		rc = aiu_errf(err, AIU_EARG,
			      "no Anthropic admin key: set ANTHROPIC_ADMIN_KEY or [anthropic] admin_key in %s",
			      cfg->path[0] ? cfg->path : "~/.config/aiusage/config.ini");
		goto out;
	}
	r->p = p;
	if ((rc = http_client_init(&r->hc, cfg->anthropic_base_url, err)) < 0)
		goto out;
	if (p->backoff_ms > 0)
		r->hc.backoff_base_ms = p->backoff_ms;
	/* Anthropic asks for at most about one poll a minute sustained, bursts
	 * while paging are fine: 120 requests a minute per endpoint by default. */
	for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++)
		if ((rc = http_client_rate(&r->hc, reports[i].endpoint, rpm, 60000, err)) < 0)
			goto out;
	if ((rc = http_client_rate(&r->hc, "usage_report/claude_code", rpm, 60000, err)) < 0)
		goto out;
	r->hdr[0] = (struct http_header){ "x-api-key", cfg->anthropic_admin_key, true };
	r->hdr[1] = (struct http_header){ "anthropic-version", API_VERSION, false };

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if ((rc = pull_list(r, &lists[i], err)) < 0)
			goto out;
	for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++)
		if ((rc = pull_report(r, &reports[i], err)) < 0)
			goto out;
	if ((rc = pull_claude_code(r, err)) < 0)
		goto out;
	money_format_usd(r->cost_nano, money, sizeof(money));
	snprintf(p->summary, sizeof(p->summary),
		 "%lld usage rows, %lld cost rows (%s billed in the window), %lld claude code records,"
		 " %lld users, %lld workspaces, %lld api keys; %lld requests, %lld retries, %d error%s",
		 (long long)r->n_usage, (long long)r->n_cost, money, (long long)r->n_cc,
		 (long long)r->n_users, (long long)r->n_ws, (long long)r->n_keys,
		 (long long)r->hc.n_requests, (long long)r->hc.n_retries, p->nerrors,
		 p->nerrors == 1 ? "" : "s");
out:
	http_client_release(&r->hc);
	free(r);
	return rc;
}
