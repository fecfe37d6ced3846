/* anthropic_json.c - see anthropic_json.h. jansson, one page at a time. */
#include "ingest/anthropic_json.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Row-level failure: message and field, reported through the sink. */
struct rowerr {
	char msg[400];
	bool bad;
};

static void rfail(struct rowerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rfail(struct rowerr *e, const char *fmt, ...)
{
	va_list ap;
	if (e->bad)
		return; /* keep the first */
	e->bad = true;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void org_fold_email(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Optional string dimension: missing or null -> "". */
static void get_str(json_t *o, const char *key, char *out, size_t cap, struct rowerr *e)
{
	json_t *v = json_object_get(o, key);
	out[0] = '\0';
	if (!v || json_is_null(v))
		return;
	if (!json_is_string(v)) {
		rfail(e, "field '%s': expected a string or null", key);
		return;
	}
	if (json_string_length(v) >= cap) {
		rfail(e, "field '%s': longer than %zu bytes", key, cap - 1);
		return;
	}
	if (memchr(json_string_value(v), '\0', json_string_length(v))) {
		rfail(e, "field '%s': NUL byte in string", key);
		return;
	}
	str_copy(out, json_string_value(v), cap);
}

/* Optional count: missing or null -> 0; must be a non-negative integer. */
static int64_t get_count(json_t *o, const char *key, struct rowerr *e)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (int64_t)1 << 52) {
		rfail(e, "field '%s': expected a non-negative integer", key);
		return 0;
	}
	return json_integer_value(v);
}

static json_t *get_obj(json_t *o, const char *key, struct rowerr *e)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_object(v)) {
		rfail(e, "field '%s': expected an object", key);
		return NULL;
	}
	return v;
}

/* A UTC midnight RFC 3339 timestamp -> day number. */
static bool day_of(json_t *v, int64_t *day)
{
	int64_t ms;
	if (!json_is_string(v) ||
	    parse_rfc3339_ms(json_string_value(v), json_string_length(v), &ms) < 0 ||
	    ms % MS_PER_DAY != 0)
		return false;
	*day = ms / MS_PER_DAY;
	return true;
}

/* Cents, exactly, into nano-dollars. strict: only a decimal string or an
 * integer (the bill); otherwise a JSON real is accepted too (estimates). */
static int64_t get_cents(json_t *o, const char *key, bool strict, struct rowerr *e)
{
	json_t *v = json_object_get(o, key);
	int64_t nano;
	char t[64];
	if (json_is_string(v)) {
		if (parse_decimal_scaled(json_string_value(v), json_string_length(v), 7, &nano) < 0) {
			rfail(e, "field '%s': '%.40s' is not a decimal amount of cents (at most 7 decimals)",
			      key, json_string_value(v));
			return 0;
		}
		return nano;
	}
	if (json_is_integer(v)) {
		if (json_integer_value(v) > INT64_MAX / NANO_PER_CENT ||
		    json_integer_value(v) < INT64_MIN / NANO_PER_CENT) {
			rfail(e, "field '%s': out of range", key);
			return 0;
		}
		return json_integer_value(v) * NANO_PER_CENT;
	}
	if (!strict && json_is_real(v)) {
		/* an estimate sent as a JSON number: rounded to 1e-7 cent */
		snprintf(t, sizeof(t), "%.7f", json_real_value(v));
		if (parse_decimal_scaled(t, strlen(t), 7, &nano) == 0)
			return nano;
	}
	rfail(e, "field '%s': expected %s", key,
	      strict ? "a decimal string of cents" : "a number of cents");
	return 0;
}

static int emit_error(const struct anth_sink *sink, struct anth_page_info *info, int64_t day,
		      const char *endpoint, size_t bi, size_t ri, const struct rowerr *e)
{
	char msg[640], d[16] = "?";
	info->bad_rows++;
	if (day != INT64_MIN)
		format_day(day, d, sizeof(d));
	if (ri == (size_t)-1)
		snprintf(msg, sizeof(msg), "%s: data[%zu]%s%s: %s", endpoint, bi,
			 day != INT64_MIN ? " day " : "", day != INT64_MIN ? d : "", e->msg);
	else
		snprintf(msg, sizeof(msg), "%s: day %s, data[%zu].results[%zu]: %s", endpoint, d, bi, ri,
			 e->msg);
	return sink->row_error ? sink->row_error(sink->ctx, day, msg) : 0;
}

static void parse_usage(json_t *r, int64_t day, struct anth_usage_row *u, struct rowerr *e)
{
	json_t *cc, *stu;
	memset(u, 0, sizeof(*u));
	u->day = day;
	get_str(r, "api_key_id", u->api_key_id, sizeof(u->api_key_id), e);
	get_str(r, "workspace_id", u->workspace_id, sizeof(u->workspace_id), e);
	get_str(r, "model", u->model, sizeof(u->model), e);
	get_str(r, "service_tier", u->service_tier, sizeof(u->service_tier), e);
	get_str(r, "context_window", u->context_window, sizeof(u->context_window), e);
	get_str(r, "inference_geo", u->inference_geo, sizeof(u->inference_geo), e);
	u->uncached_input = get_count(r, "uncached_input_tokens", e);
	u->cache_read = get_count(r, "cache_read_input_tokens", e);
	u->output = get_count(r, "output_tokens", e);
	if ((cc = get_obj(r, "cache_creation", e))) {
		u->cw5m = get_count(cc, "ephemeral_5m_input_tokens", e);
		u->cw1h = get_count(cc, "ephemeral_1h_input_tokens", e);
	}
	if ((stu = get_obj(r, "server_tool_use", e)))
		u->web_search = get_count(stu, "web_search_requests", e);
}

static void parse_cost(json_t *r, int64_t day, struct anth_cost_row *c, struct rowerr *e)
{
	memset(c, 0, sizeof(*c));
	c->day = day;
	get_str(r, "workspace_id", c->workspace_id, sizeof(c->workspace_id), e);
	get_str(r, "description", c->description, sizeof(c->description), e);
	get_str(r, "cost_type", c->cost_type, sizeof(c->cost_type), e);
	get_str(r, "token_type", c->token_type, sizeof(c->token_type), e);
	get_str(r, "model", c->model, sizeof(c->model), e);
	get_str(r, "service_tier", c->service_tier, sizeof(c->service_tier), e);
	get_str(r, "context_window", c->context_window, sizeof(c->context_window), e);
	get_str(r, "inference_geo", c->inference_geo, sizeof(c->inference_geo), e);
	get_str(r, "currency", c->currency, sizeof(c->currency), e);
	if (!e->bad && c->currency[0] && strcmp(c->currency, "USD") != 0)
		rfail(e, "field 'currency': '%s' is not USD (amounts in other currencies are not summed)",
		      c->currency);
	if (!c->currency[0])
		str_copy(c->currency, "USD", sizeof(c->currency));
	if (!json_object_get(r, "amount"))
		rfail(e, "field 'amount': missing");
	else
		c->amount_nano = get_cents(r, "amount", true, e);
}

static void parse_cc(json_t *r, struct anth_cc_rec *c, struct rowerr *e)
{
	json_t *actor, *cm, *loc, *ta, *mb, *v;
	const char *tname, *atype;
	size_t i;
	memset(c, 0, sizeof(*c));
	if (!day_of(json_object_get(r, "date"), &c->day))
		rfail(e, "field 'date': expected an RFC 3339 timestamp at UTC midnight");
	actor = get_obj(r, "actor", e);
	atype = actor ? json_string_value(json_object_get(actor, "type")) : NULL;
	if (!actor || !atype) {
		rfail(e, "field 'actor.type': missing");
	} else if (strcmp(atype, "user_actor") == 0) {
		str_copy(c->actor_type, "user", sizeof(c->actor_type));
		get_str(actor, "email_address", c->actor, sizeof(c->actor), e);
		org_fold_email(c->actor);
	} else if (strcmp(atype, "api_actor") == 0) {
		str_copy(c->actor_type, "api", sizeof(c->actor_type));
		get_str(actor, "api_key_name", c->actor, sizeof(c->actor), e);
	} else {
		rfail(e, "field 'actor.type': unknown actor type '%.40s'", atype);
	}
	if (!e->bad && !c->actor[0])
		rfail(e, "field 'actor': no email_address or api_key_name");
	get_str(r, "terminal_type", c->terminal_type, sizeof(c->terminal_type), e);
	get_str(r, "customer_type", c->customer_type, sizeof(c->customer_type), e);
	get_str(r, "subscription_type", c->subscription_type, sizeof(c->subscription_type), e);
	v = json_object_get(r, "is_remote");
	if (v && !json_is_null(v) && !json_is_boolean(v))
		rfail(e, "field 'is_remote': expected a boolean");
	c->is_remote = json_is_true(v);
	if ((cm = get_obj(r, "core_metrics", e))) {
		c->sessions = get_count(cm, "num_sessions", e);
		if ((loc = get_obj(cm, "lines_of_code", e))) {
			c->lines_added = get_count(loc, "added", e);
			c->lines_removed = get_count(loc, "removed", e);
		}
		c->commits = get_count(cm, "commits_by_claude_code", e);
		c->prs = get_count(cm, "pull_requests_by_claude_code", e);
	}
	if ((ta = get_obj(r, "tool_actions", e))) {
		json_object_foreach(ta, tname, v) {
			if (c->ntools >= ANTH_CC_MAX_TOOLS) {
				rfail(e, "field 'tool_actions': more than %d tools", ANTH_CC_MAX_TOOLS);
				break;
			}
			if (!json_is_object(v) || strlen(tname) >= sizeof(c->tools[0].tool) || !tname[0]) {
				rfail(e, "field 'tool_actions.%.60s': expected {accepted, rejected}", tname);
				break;
			}
			str_copy(c->tools[c->ntools].tool, tname, sizeof(c->tools[0].tool));
			c->tools[c->ntools].accepted = get_count(v, "accepted", e);
			c->tools[c->ntools].rejected = get_count(v, "rejected", e);
			c->ntools++;
		}
	}
	mb = json_object_get(r, "model_breakdown");
	if (mb && !json_is_null(mb) && !json_is_array(mb))
		rfail(e, "field 'model_breakdown': expected an array");
	json_array_foreach(mb, i, v) {
		json_t *tok, *ec;
		if (c->nmodels >= ANTH_CC_MAX_MODELS) {
			rfail(e, "field 'model_breakdown': more than %d models", ANTH_CC_MAX_MODELS);
			break;
		}
		if (!json_is_object(v)) {
			rfail(e, "field 'model_breakdown[%zu]': expected an object", i);
			break;
		}
		get_str(v, "model", c->models[c->nmodels].model, sizeof(c->models[0].model), e);
		if ((tok = get_obj(v, "tokens", e))) {
			c->models[c->nmodels].input = get_count(tok, "input", e);
			c->models[c->nmodels].output = get_count(tok, "output", e);
			c->models[c->nmodels].cache_read = get_count(tok, "cache_read", e);
			c->models[c->nmodels].cache_creation = get_count(tok, "cache_creation", e);
		}
		if ((ec = get_obj(v, "estimated_cost", e)) && json_object_get(ec, "amount"))
			c->models[c->nmodels].est_cost_nano = get_cents(ec, "amount", false, e);
		c->nmodels++;
	}
}

static void parse_user(json_t *r, struct anth_user *u, struct rowerr *e)
{
	memset(u, 0, sizeof(*u));
	get_str(r, "id", u->id, sizeof(u->id), e);
	get_str(r, "email", u->email, sizeof(u->email), e);
	get_str(r, "name", u->name, sizeof(u->name), e);
	get_str(r, "role", u->role, sizeof(u->role), e);
	org_fold_email(u->email);
	if (!e->bad && (!u->id[0] || !u->email[0]))
		rfail(e, "field '%s': missing", u->id[0] ? "email" : "id");
}

static void parse_workspace(json_t *r, struct anth_workspace *w, struct rowerr *e)
{
	json_t *a = json_object_get(r, "archived_at");
	memset(w, 0, sizeof(*w));
	get_str(r, "id", w->id, sizeof(w->id), e);
	get_str(r, "name", w->name, sizeof(w->name), e);
	w->archived = a && !json_is_null(a);
	if (!e->bad && !w->id[0])
		rfail(e, "field 'id': missing");
}

static void parse_key(json_t *r, struct anth_key *k, struct rowerr *e)
{
	json_t *cb, *scope, *pr;
	memset(k, 0, sizeof(*k));
	get_str(r, "id", k->id, sizeof(k->id), e);
	get_str(r, "name", k->name, sizeof(k->name), e);
	get_str(r, "status", k->status, sizeof(k->status), e);
	get_str(r, "workspace_id", k->workspace_id, sizeof(k->workspace_id), e);
	/* scope holds the real workspace even for the default one */
	if ((scope = get_obj(r, "scope", e)) && json_object_get(scope, "workspace_id"))
		get_str(scope, "workspace_id", k->workspace_id, sizeof(k->workspace_id), e);
	if ((cb = get_obj(r, "created_by", e))) {
		get_str(cb, "id", k->creator_id, sizeof(k->creator_id), e);
		get_str(cb, "type", k->creator_type, sizeof(k->creator_type), e);
	}
	if ((pr = get_obj(r, "principal", e)) && json_object_get(pr, "user_id"))
		get_str(pr, "user_id", k->principal_user_id, sizeof(k->principal_user_id), e);
	if (!e->bad && !k->id[0])
		rfail(e, "field 'id': missing");
}

static int deliver_list(enum anth_kind kind, json_t *item, const struct anth_sink *sink,
			struct anth_page_info *info, const char *endpoint, size_t i)
{
	struct rowerr e = { .bad = false };
	union { struct anth_user u; struct anth_workspace w; struct anth_key k; } x;
	int rc = 0;
	if (!json_is_object(item)) {
		rfail(&e, "expected an object");
	} else if (kind == ANTH_USERS) {
		parse_user(item, &x.u, &e);
		if (!e.bad && sink->user)
			rc = sink->user(sink->ctx, &x.u);
	} else if (kind == ANTH_WORKSPACES) {
		parse_workspace(item, &x.w, &e);
		if (!e.bad && sink->workspace)
			rc = sink->workspace(sink->ctx, &x.w);
	} else {
		parse_key(item, &x.k, &e);
		if (!e.bad && sink->key)
			rc = sink->key(sink->ctx, &x.k);
	}
	if (e.bad)
		return emit_error(sink, info, INT64_MIN, endpoint, i, (size_t)-1, &e);
	info->rows++;
	return rc;
}

static int deliver_bucket(enum anth_kind kind, json_t *b, const struct anth_sink *sink,
			  struct anth_page_info *info, const char *endpoint, size_t bi)
{
	struct rowerr e = { .bad = false };
	json_t *res, *r;
	int64_t day;
	size_t ri;
	int rc;
	if (!json_is_object(b) || !day_of(json_object_get(b, "starting_at"), &day)) {
		rfail(&e, "field 'starting_at': expected an RFC 3339 timestamp at UTC midnight (1d buckets)");
		return emit_error(sink, info, INT64_MIN, endpoint, bi, (size_t)-1, &e);
	}
	res = json_object_get(b, "results");
	if (!json_is_array(res)) {
		rfail(&e, "field 'results': expected an array");
		return emit_error(sink, info, day, endpoint, bi, (size_t)-1, &e);
	}
	info->buckets++;
	if (day < info->first_day)
		info->first_day = day;
	if (day > info->last_day)
		info->last_day = day;
	if (sink->bucket && (rc = sink->bucket(sink->ctx, day)) < 0)
		return rc;
	json_array_foreach(res, ri, r) {
		union { struct anth_usage_row u; struct anth_cost_row c; } x;
		e.bad = false;
		rc = 0;
		if (!json_is_object(r)) {
			rfail(&e, "expected an object");
		} else if (kind == ANTH_USAGE) {
			parse_usage(r, day, &x.u, &e);
			if (!e.bad && sink->usage)
				rc = sink->usage(sink->ctx, &x.u);
		} else {
			parse_cost(r, day, &x.c, &e);
			if (!e.bad && sink->cost)
				rc = sink->cost(sink->ctx, &x.c);
		}
		if (e.bad)
			rc = emit_error(sink, info, day, endpoint, bi, ri, &e);
		else
			info->rows++;
		if (rc < 0)
			return rc;
	}
	return 0;
}

int anth_parse_page(enum anth_kind kind, const char *body, size_t n, const char *endpoint,
		    const struct anth_sink *sink, struct anth_page_info *info, struct aiu_err *err)
{
	json_error_t je;
	json_t *root = NULL, *data, *item, *more, *nx;
	struct anth_cc_rec *cc = NULL;
	bool list = kind == ANTH_USERS || kind == ANTH_WORKSPACES || kind == ANTH_KEYS;
	size_t i;
	int rc = AIU_OK;

	memset(info, 0, sizeof(*info));
	info->first_day = INT64_MAX;
	info->last_day = INT64_MIN;
	root = json_loadb(body, n, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		rc = aiu_errf(err, AIU_EPARSE, "%s: response is not JSON (line %d column %d: %.120s)",
			      endpoint, je.line, je.column, je.text);
		goto out;
	}
	data = json_object_get(root, "data");
	if (!json_is_object(root) || !json_is_array(data)) {
		rc = aiu_errf(err, AIU_EPARSE, "%s: field 'data': expected an array", endpoint);
		goto out;
	}
	more = json_object_get(root, "has_more");
	if (more && !json_is_boolean(more)) {
		rc = aiu_errf(err, AIU_EPARSE, "%s: field 'has_more': expected a boolean", endpoint);
		goto out;
	}
	if (json_is_true(more)) {
		nx = json_object_get(root, list ? "last_id" : "next_page");
		if (!json_is_string(nx) || !json_string_length(nx) ||
		    json_string_length(nx) >= sizeof(info->next)) {
			rc = aiu_errf(err, AIU_EPARSE, "%s: field '%s': has_more is true but the cursor is missing or invalid",
				      endpoint, list ? "last_id" : "next_page");
			goto out;
		}
		str_copy(info->next, json_string_value(nx), sizeof(info->next));
	}
	if (kind == ANTH_CC && !(cc = malloc(sizeof(*cc)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	json_array_foreach(data, i, item) {
		if (list) {
			rc = deliver_list(kind, item, sink, info, endpoint, i);
		} else if (kind == ANTH_CC) {
			struct rowerr e = { .bad = false };
			memset(cc, 0, sizeof(*cc));
			if (!json_is_object(item))
				rfail(&e, "expected an object");
			else
				parse_cc(item, cc, &e);
			if (e.bad) {
				rc = emit_error(sink, info, cc->day ? cc->day : INT64_MIN, endpoint, i,
						(size_t)-1, &e);
			} else {
				info->rows++;
				rc = sink->cc ? sink->cc(sink->ctx, cc) : 0;
			}
		} else {
			rc = deliver_bucket(kind, item, sink, info, endpoint, i);
		}
		if (rc < 0)
			goto out;
		rc = AIU_OK;
	}
out:
	free(cc);
	json_decref(root);
	return rc;
}
