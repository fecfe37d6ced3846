/* cursor_pull.c - see cursor_pull.h. */
#include "ingest/cursor_pull.h"

#include "core/buf.h"
#include "core/strutil.h"
#include "core/kmap.h"
#include "core/timeutil.h"
#include "ingest/cursor_parse.h"
#include "ingest/http_client.h"
#include "store/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGES_MAX 100000   /* a server paging forever cannot trap us */
#define EVENTS_PAGE_SIZE 500
#define CODE_PAGE_SIZE 1000
#define SPEND_PAGE_SIZE 100

/* Cursor's limits reset each minute (a fixed window). A token bucket of 5
 * per minute still lets 6 through within one minute (5 at once, a 6th as
 * soon as one token is back), so every Cursor endpoint gets a sliding
 * window instead: at most `limit` requests in any window_ms (plus a margin
 * for latency and clock skew). */
#define RL_MAX 20
#define RL_MARGIN_MS 1000
struct rlimit {
	const char *key;          /* endpoint path; static */
	int limit;
	int64_t t[RL_MAX];        /* start times of the last `limit` requests, ring */
	int n, head;
};

struct pull {
	struct store *s;
	const struct cursor_pull_opts *o;
	struct cursor_pull_stats *st;
	struct http_client hc;
	struct http_header hdr[2];
	char auth[600];
	const char *secrets[1];
	struct kmap occ;          /* event occurrence keys for this run */
	int64_t now, day;
	struct rlimit rl[8];
	size_t nrl;
	int64_t window_ms;        /* 60 s; AIUSAGE_CURSOR_RATE_MS shortens it for tests */
	const char *etag_name;    /* set while storing a page whose ETag is to be kept */
	long last_status;         /* HTTP status of the last request (0: no response) */
};

static void rl_add(struct pull *p, const char *key, int limit)
{
	struct rlimit *r = &p->rl[p->nrl++];
	memset(r, 0, sizeof(*r));
	r->key = key;
	r->limit = limit < RL_MAX ? limit : RL_MAX;
}

/* Waits until one more request to key keeps it within its limit. */
static void rl_wait(struct pull *p, const char *key)
{
	struct rlimit *r = NULL;
	int64_t now;
	for (size_t i = 0; i < p->nrl; i++)
		if (strcmp(p->rl[i].key, key) == 0)
			r = &p->rl[i];
	if (!r)
		return;
	now = p->hc.now_ms(p->hc.time_ctx);
	if (r->n == r->limit) {
		int64_t oldest = r->t[r->head], until = oldest + p->window_ms + RL_MARGIN_MS;
		if (until > now) {
			p->hc.sleep_ms(p->hc.time_ctx, until - now);
			p->st->rate_waited_ms += until - now;
			now = until;
		}
		r->t[r->head] = now;
		r->head = (r->head + 1) % r->limit;
	} else {
		r->t[(r->head + r->n) % r->limit] = now;
		r->n++;
	}
}

static void b64(const unsigned char *in, size_t n, char *out, size_t cap)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n && o + 5 < cap; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);
		out[o++] = t[v >> 18 & 63];
		out[o++] = t[v >> 12 & 63];
		out[o++] = i + 1 < n ? t[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? t[v & 63] : '=';
	}
	out[o] = '\0';
}

static int sink_row(void *ctx, enum cursor_kind k, const void *row, struct aiu_err *err)
{
	struct pull *p = ctx;
	struct store *s = p->s;
	bool ins = false;
	int rc = AIU_OK;
	switch (k) {
	case CK_MEMBER: {
		const struct cursor_member *m = row;
		struct org_person op = { 0 };
		str_copy(op.email, m->email, sizeof(op.email));
		str_copy(op.name, m->name ? m->name : "", sizeof(op.name));
		str_copy(op.source, "cursor", sizeof(op.source));
		if ((rc = s->ops->cursor_member_put(s, m, err)) == 0)
			rc = s->ops->org_person_put(s, &op, err);
		p->st->members++;
		break;
	}
	case CK_DAILY:
		rc = s->ops->cursor_daily_put(s, row, &ins, err);
		p->st->daily++;
		p->st->daily_new += ins;
		break;
	case CK_EVENT:
		rc = s->ops->cursor_event_put(s, row, &ins, err);
		p->st->events++;
		p->st->events_new += ins;
		p->st->event_cost_nusd += ((const struct cursor_event *)row)->cost_nusd;
		break;
	case CK_SPEND:
		rc = s->ops->cursor_spend_put(s, row, err);
		p->st->spend_rows++;
		break;
	case CK_COMMIT:
		rc = s->ops->cursor_commit_put(s, row, &ins, err);
		p->st->commits++;
		p->st->commits_new += ins;
		break;
	case CK_CHANGE:
		rc = s->ops->cursor_change_put(s, row, &ins, err);
		p->st->changes++;
		p->st->changes_new += ins;
		break;
	}
	return rc;
}

static int sink_bad(void *ctx, const char *msg)
{
	struct pull *p = ctx;
	p->st->bad++;
	if (p->o->errf)
		fprintf(p->o->errf, "aiusage: %s\n", msg);
	return 0;
}

/* One request; rs is the caller's (init'ed). */
static int request(struct pull *p, const char *method, const char *path, const char *limit_key,
		   const char *body, const char *etag, struct http_response *rs, struct aiu_err *err)
{
	struct http_request rq = {
		.method = method, .path = path, .headers = p->hdr, .nheaders = 2,
		.body = body, .body_len = body ? strlen(body) : 0, .limit_key = limit_key, .etag = etag,
		.secrets = p->secrets, .nsecrets = 1,
	};
	int rc;
	rl_wait(p, limit_key);
	rc = http_do(&p->hc, &rq, rs, err);
	p->last_status = rs->status;
	p->st->requests++;
	return rc;
}

/* Parse-and-store one response body inside a transaction; on the last page
 * of a window the checkpoint moves in the same transaction. */
typedef int (*parse_fn)(struct pull *p, const char *body, size_t n, struct cursor_page *pg,
			struct aiu_err *err);

static int store_page(struct pull *p, parse_fn fn, const struct http_response *rs,
		      struct cursor_page *pg, const char *stream, int64_t cp_if_last,
		      struct aiu_err *err)
{
	int rc;
	if ((rc = store_begin(p->s, err)) < 0)
		return rc;
	if ((rc = fn(p, buf_cstr(&rs->body), rs->body.len, pg, err)) < 0)
		goto out;
	if (!pg->has_next && stream && cp_if_last > 0) {
		char v[32];
		snprintf(v, sizeof(v), "%lld", (long long)cp_if_last);
		rc = p->s->ops->org_checkpoint_put(p->s, "cursor", stream, v, err);
	}
	if (rc == 0 && p->etag_name && rs->etag[0]) {
		/* "<has_next> <etag>": a later 304 for this exact request is this page */
		char v[sizeof(rs->etag) + 4];
		snprintf(v, sizeof(v), "%d %s", pg->has_next ? 1 : 0, rs->etag);
		rc = p->s->ops->org_checkpoint_put(p->s, "cursor", p->etag_name, v, err);
	}
out:
	if (rc < 0) {
		store_rollback(p->s);
		return rc;
	}
	return store_commit(p->s, err);
}

static int parse_members(struct pull *p, const char *b, size_t n, struct cursor_page *pg,
			 struct aiu_err *err)
{
	struct cursor_sink sink = { .row = sink_row, .bad = sink_bad, .ctx = p };
	memset(pg, 0, sizeof(*pg));
	return cursor_parse_members(b, n, &sink, err);
}
static int parse_daily(struct pull *p, const char *b, size_t n, struct cursor_page *pg,
		       struct aiu_err *err)
{
	struct cursor_sink sink = { .row = sink_row, .bad = sink_bad, .ctx = p };
	memset(pg, 0, sizeof(*pg));
	return cursor_parse_daily(b, n, &sink, err);
}
static int parse_events(struct pull *p, const char *b, size_t n, struct cursor_page *pg,
			struct aiu_err *err)
{
	struct cursor_sink sink = { .row = sink_row, .bad = sink_bad, .ctx = p };
	return cursor_parse_events(b, n, &p->occ, &sink, pg, err);
}
static int parse_spend(struct pull *p, const char *b, size_t n, struct cursor_page *pg,
		       struct aiu_err *err)
{
	struct cursor_sink sink = { .row = sink_row, .bad = sink_bad, .ctx = p };
	return cursor_parse_spend(b, n, p->day, p->now, &sink, pg, err);
}
static int parse_commits(struct pull *p, const char *b, size_t n, struct cursor_page *pg,
			 struct aiu_err *err)
{
	struct cursor_sink sink = { .row = sink_row, .bad = sink_bad, .ctx = p };
	return cursor_parse_commits(b, n, &sink, pg, err);
}
static int parse_changes(struct pull *p, const char *b, size_t n, struct cursor_page *pg,
			 struct aiu_err *err)
{
	struct cursor_sink sink = { .row = sink_row, .bad = sink_bad, .ctx = p };
	return cursor_parse_changes(b, n, &sink, pg, err);
}
static int parse_commits_csv(struct pull *p, const char *b, size_t n, struct cursor_page *pg,
			     struct aiu_err *err)
{
	struct cursor_sink sink = { .row = sink_row, .bad = sink_bad, .ctx = p };
	memset(pg, 0, sizeof(*pg));
	return cursor_parse_commits_csv("cursor commits.csv", b, n, &sink, err);
}
static int parse_changes_csv(struct pull *p, const char *b, size_t n, struct cursor_page *pg,
			     struct aiu_err *err)
{
	struct cursor_sink sink = { .row = sink_row, .bad = sink_bad, .ctx = p };
	memset(pg, 0, sizeof(*pg));
	return cursor_parse_changes_csv("cursor changes.csv", b, n, &sink, err);
}

/* The windowed streams, as a table. */
enum wkind { W_POST_MS, W_GET_ISO };
struct wstream {
	const char *name;       /* checkpoint stream */
	enum wkind kind;
	const char *path, *csv_path;
	parse_fn parse, parse_csv;
	int64_t page_size;      /* 0: not paged */
};
static const struct wstream wstreams[] = {
	{ "daily", W_POST_MS, "/teams/daily-usage-data", NULL, parse_daily, NULL, 0 },
	{ "events", W_POST_MS, "/teams/filtered-usage-events", NULL, parse_events, NULL, EVENTS_PAGE_SIZE },
	{ "commits", W_GET_ISO, "/analytics/ai-code/commits", "/analytics/ai-code/commits.csv",
	  parse_commits, parse_commits_csv, CODE_PAGE_SIZE },
	{ "changes", W_GET_ISO, "/analytics/ai-code/changes", "/analytics/ai-code/changes.csv",
	  parse_changes, parse_changes_csv, CODE_PAGE_SIZE },
};

static int fetch_window(struct pull *p, const struct wstream *w, int64_t ws, int64_t we,
		       bool use_csv, int64_t cp, struct aiu_err *err)
{
	struct http_response rs;
	struct buf path, body, ename;
	struct cursor_page pg = { 0 };
	char etag[300];
	int64_t page = 1;
	int rc = AIU_OK;

	http_response_init(&rs);
	buf_init(&path, 8192);
	buf_init(&body, 1024);
	buf_init(&ename, 8300);
	do {
		char a[32], b[32], pgs[24], sz[24];
		buf_reset(&path);
		buf_reset(&body);
		if (w->kind == W_POST_MS) {
			if (w->page_size)
				buf_printf(&body, "{\"startDate\":%lld,\"endDate\":%lld,\"page\":%lld,\"pageSize\":%lld}",
					   (long long)ws, (long long)we, (long long)page, (long long)w->page_size);
			else
				buf_printf(&body, "{\"startDate\":%lld,\"endDate\":%lld}", (long long)ws,
					   (long long)we);
			buf_puts(&path, w->path);
		} else {
			format_iso_ms(ws, a, sizeof(a));
			format_iso_ms(we, b, sizeof(b));
			buf_puts(&path, use_csv ? w->csv_path : w->path);
			http_query_add(&path, "startDate", a);
			http_query_add(&path, "endDate", b);
			if (!use_csv) {
				snprintf(pgs, sizeof(pgs), "%lld", (long long)page);
				snprintf(sz, sizeof(sz), "%lld", (long long)w->page_size);
				http_query_add(&path, "page", pgs);
				http_query_add(&path, "pageSize", sz);
			}
		}
		if (path.failed || body.failed) {
			rc = aiu_errf(err, AIU_ELIMIT, "cursor %s: request too long", w->name);
			goto out;
		}
		http_response_release(&rs);
		http_response_init(&rs);
		etag[0] = '\0';
		ename.len = 0;
		if (w->kind == W_GET_ISO && !use_csv) {
			/* JSON pages of a stable query (a whole-day window) carry ETags:
			 * send the stored one; a 304 costs no rate limit and no parsing. */
			bool have = false;
			buf_reset(&ename);
			buf_printf(&ename, "etag %s", buf_cstr(&path));
			if (!ename.failed && (rc = p->s->ops->org_checkpoint_get(p->s, "cursor", buf_cstr(&ename),
										  etag, sizeof(etag), &have, err)) < 0)
				goto out;
			if (!have || strlen(etag) < 3 || etag[1] != ' ')
				etag[0] = '\0';
		}
		if ((rc = request(p, w->kind == W_POST_MS ? "POST" : "GET", buf_cstr(&path),
				  use_csv ? w->csv_path : w->path,
				  w->kind == W_POST_MS ? buf_cstr(&body) : NULL,
				  etag[0] ? etag + 2 : NULL, &rs, err)) < 0)
			goto out;
		if (rs.status == 304 && etag[0]) {
			/* unchanged since it was stored */
			memset(&pg, 0, sizeof(pg));
			pg.page = page;
			pg.has_next = etag[0] == '1';
			p->st->not_modified++;
		} else {
			p->etag_name = ename.len && !ename.failed ? buf_cstr(&ename) : NULL;
			rc = store_page(p, use_csv ? w->parse_csv : w->parse, &rs, &pg, w->name,
					we > cp ? we : cp, err);
			p->etag_name = NULL;
			if (rc < 0)
				goto out;
		}
		if (pg.has_next && pg.page > 0 && pg.page < page) {
			rc = aiu_errf(err, AIU_EPARSE, "cursor %s: server went back to page %lld after %lld",
				      w->name, (long long)pg.page, (long long)page);
			goto out;
		}
		if (++page > PAGES_MAX) {
			rc = aiu_errf(err, AIU_ELIMIT, "cursor %s: more than %d pages", w->name, PAGES_MAX);
			goto out;
		}
	} while (pg.has_next && !use_csv);
out:
	http_response_release(&rs);
	buf_release(&path);
	buf_release(&body);
	buf_release(&ename);
	return rc;
}

static int pull_stream(struct pull *p, const struct wstream *w, struct aiu_err *err)
{
	int64_t cp = 0, start, end = p->o->until_ms ? p->o->until_ms : p->now;
	bool found = false, use_csv;
	char v[32];
	int rc;

	if ((rc = p->s->ops->org_checkpoint_get(p->s, "cursor", w->name, v, sizeof(v), &found, err)) < 0)
		return rc;
	if (found && parse_i64(v, strlen(v), &cp) < 0)
		found = false; /* not ours or damaged: backfill again (rows are replaced) */
	if (p->o->since_ms)
		start = p->o->since_ms;
	else if (found)
		start = cp - CURSOR_OVERLAP_MS;
	else
		start = end - p->o->backfill_days * MS_PER_DAY;
	start -= ((start % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY; /* whole UTC days */
	use_csv = w->csv_path && (!found || p->o->since_ms);
	if (!p->st->from_ms || start < p->st->from_ms)
		p->st->from_ms = start;
	if (w->kind == W_GET_ISO && !use_csv && !p->o->until_ms) {
		/* end at the end of today: the same query all day, so ETags match */
		end = (p->now / MS_PER_DAY + 1) * MS_PER_DAY - 1;
	}
	for (int64_t ws = start; ws <= end;) {
		int64_t we = ws + CURSOR_WINDOW_MS - 1;
		if (we > end)
			we = end;
		if ((rc = fetch_window(p, w, ws, we, use_csv, found ? cp : 0, err)) < 0)
			return rc;
		ws = we + 1;
	}
	return AIU_OK;
}

static int pull_members(struct pull *p, struct aiu_err *err)
{
	struct http_response rs;
	struct cursor_page pg;
	int rc;
	http_response_init(&rs);
	if ((rc = request(p, "GET", "/teams/members", "/teams/members", NULL, NULL, &rs, err)) == 0)
		rc = store_page(p, parse_members, &rs, &pg, NULL, 0, err);
	http_response_release(&rs);
	return rc;
}

static int pull_spend(struct pull *p, struct aiu_err *err)
{
	struct http_response rs;
	struct cursor_page pg = { 0 };
	char body[128];
	int64_t page = 1;
	int rc = AIU_OK;
	http_response_init(&rs);
	do {
		snprintf(body, sizeof(body), "{\"page\":%lld,\"pageSize\":%d}", (long long)page,
			 SPEND_PAGE_SIZE);
		http_response_release(&rs);
		http_response_init(&rs);
		if ((rc = request(p, "POST", "/teams/spend", "/teams/spend", body, NULL, &rs, err)) < 0)
			break;
		if ((rc = store_page(p, parse_spend, &rs, &pg, NULL, 0, err)) < 0)
			break;
		if (++page > PAGES_MAX) {
			rc = aiu_errf(err, AIU_ELIMIT, "cursor spend: more than %d pages", PAGES_MAX);
			break;
		}
	} while (page <= pg.pages);
	http_response_release(&rs);
	return rc;
}

int cursor_pull(struct store *s, const struct cursor_pull_opts *o, struct cursor_pull_stats *st,
		struct aiu_err *err)
{
	struct pull *p = calloc(1, sizeof(*p));
	char userpass[520];
	int rc = AIU_OK, first_rc = AIU_OK;
	static const char *const admin_eps[] = { "/teams/members", "/teams/daily-usage-data",
						 "/teams/filtered-usage-events", "/teams/spend" };

	memset(st, 0, sizeof(*st));
	if (!p)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	kmap_init(&p->occ, 16, sizeof(int64_t), 50u << 20);
	if (!o->api_key || !*o->api_key) {
		rc = aiu_errf(err, AIU_EARG, "cursor: no API key (set CURSOR_API_KEY or [cursor] api_key in the config)");
		goto out;
	}
	if ((rc = http_client_init(&p->hc, o->base_url, err)) < 0)
		goto out;
	if (o->backoff_ms > 0)
		p->hc.backoff_base_ms = o->backoff_ms;
	p->s = s;
	p->o = o;
	p->st = st;
	p->now = now_ms();
	p->day = o->today ? o->today : p->now / MS_PER_DAY;
	snprintf(userpass, sizeof(userpass), "%s:", o->api_key);
	memcpy(p->auth, "Basic ", 6);
	b64((const unsigned char *)userpass, strlen(userpass), p->auth + 6, sizeof(p->auth) - 6);
	p->hdr[0] = (struct http_header){ "Authorization", p->auth, true };
	p->hdr[1] = (struct http_header){ "Content-Type", "application/json", false };
	p->secrets[0] = o->api_key;
	p->window_ms = 60000;
	{
		const char *w = getenv("AIUSAGE_CURSOR_RATE_MS");
		if (w && *w && parse_i64_range(w, 1, 600000, &p->window_ms) < 0) {
			rc = aiu_errf(err, AIU_EARG, "AIUSAGE_CURSOR_RATE_MS: expected 1 to 600000");
			goto out;
		}
	}
	for (size_t i = 0; i < sizeof(admin_eps) / sizeof(admin_eps[0]); i++)
		rl_add(p, admin_eps[i], 20);
	for (size_t i = 2; i < sizeof(wstreams) / sizeof(wstreams[0]); i++) {
		rl_add(p, wstreams[i].path, 5);
		rl_add(p, wstreams[i].csv_path, 5);
	}

	/* Each stream on its own: one failing does not stop the others. */
	for (int k = -2; k < (int)(sizeof(wstreams) / sizeof(wstreams[0])); k++) {
		struct aiu_err e = { 0 };
		const char *name = k == -2 ? "members" : k == -1 ? "spend" : wstreams[k].name;
		p->last_status = -1;
		rc = k == -2 ? pull_members(p, &e) : k == -1 ? pull_spend(p, &e) : pull_stream(p, &wstreams[k], &e);
		if (rc < 0 && (p->last_status == 0 || p->last_status == 401 || p->last_status == 403)) {
			/* no server, or the key is refused: every other stream would fail the same way */
			st->failed_streams++;
			if (o->errf)
				fprintf(o->errf, "aiusage: cursor %s: %s (other streams not tried)\n", name, e.msg);
			if (first_rc == AIU_OK) {
				first_rc = rc;
				aiu_errf(err, AIU_EIO, "cursor %s: %s", name, e.msg);
			}
			break;
		}
		if (rc < 0) {
			st->failed_streams++;
			if (o->errf)
				fprintf(o->errf, "aiusage: cursor %s: %s\n", name, e.msg);
			if (first_rc == AIU_OK) {
				first_rc = rc;
				aiu_errf(err, AIU_EIO, "cursor %s: %s", name, e.msg);
			}
		}
	}
	rc = first_rc < 0 ? AIU_EIO : AIU_OK;
	st->retries = p->hc.n_retries;
out:
	if (p->hc.curl)
		http_client_release(&p->hc);
	kmap_release(&p->occ);
	free(p);
	return rc;
}

int cursor_pull_source(struct pull_ctx *p, struct aiu_err *err)
{
	struct cursor_pull_opts o = {
		.base_url = p->cfg->cursor_base_url, .api_key = p->cfg->cursor_api_key,
		.backfill_days = p->backfill_days > 0 ? p->backfill_days : 90,
		.since_ms = p->since_day != INT64_MIN ? p->since_day * MS_PER_DAY : 0,
		.until_ms = p->until_day != INT64_MAX ? (p->until_day + 1) * MS_PER_DAY - 1 : 0,
		.today = p->today, .backoff_ms = p->backoff_ms, .errf = p->errf,
	};
	struct cursor_pull_stats st;
	int rc = cursor_pull(p->store, &o, &st, err);
	int64_t to = o.until_ms ? p->until_day : p->today;

	p->from_day = st.from_ms ? st.from_ms / MS_PER_DAY : to;
	p->to_day = to;
	p->rows = st.members + st.daily + st.events + st.spend_rows + st.commits + st.changes;
	p->bad_rows = st.bad;
	p->requests = st.requests;
	p->retries = st.retries;
	snprintf(p->summary, sizeof(p->summary),
		 "%lld members, %lld daily rows (%lld new), %lld events (%lld new, $%lld.%09lld token cost),"
		 " %lld spend snapshots, %lld commits (%lld new), %lld changes (%lld new),"
		 " %lld bad rows, %lld requests (%lld not modified), %lld retries",
		 (long long)st.members, (long long)st.daily, (long long)st.daily_new,
		 (long long)st.events, (long long)st.events_new,
		 (long long)(st.event_cost_nusd / 1000000000), (long long)(st.event_cost_nusd % 1000000000),
		 (long long)st.spend_rows, (long long)st.commits, (long long)st.commits_new,
		 (long long)st.changes, (long long)st.changes_new, (long long)st.bad,
		 (long long)st.requests, (long long)st.not_modified, (long long)st.retries);
	if (rc == 0 && st.bad) {
		char msg[128];
		snprintf(msg, sizeof(msg), "cursor: %lld bad rows were skipped (listed above)", (long long)st.bad);
		p->nerrors++;
		if (!p->first_error[0])
			str_copy(p->first_error, msg, sizeof(p->first_error));
	}
	return rc;
}
