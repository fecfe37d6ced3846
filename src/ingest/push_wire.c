/* push_wire.c - see push_wire.h. Parsed with jansson (bodies are capped by
 * the server at HTTP_BIG_BODY_MAX); every field is type- and range-checked. */
#include "ingest/push_wire.h"
#include "core/pricing.h"
#include "core/strutil.h"

#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define STR_MAX 127               /* ids, model, tier */
#define PROJECT_MAX 4096
#define TOKENS_MAX 1000000000000LL
#define TS_MIN 946684800000LL     /* 2000-01-01 */
#define TS_MAX 4102444800000LL    /* 2100-01-01 */

/* A string member: required or not, at most max bytes, no NUL. */
static const char *str_field(json_t *o, const char *key, size_t max, bool required, size_t *len,
			     const char **bad)
{
	json_t *v = json_object_get(o, key);
	*len = 0;
	if (!v) {
		if (required)
			*bad = "missing";
		return required ? NULL : "";
	}
	if (!json_is_string(v)) {
		*bad = "must be a string";
		return NULL;
	}
	*len = json_string_length(v);
	if (*len > max || memchr(json_string_value(v), '\0', *len)) {
		*bad = "too long or holds a NUL";
		return NULL;
	}
	if (required && !*len) {
		*bad = "must not be empty";
		return NULL;
	}
	return json_string_value(v);
}

static bool int_field(json_t *o, const char *key, int64_t lo, int64_t hi, int64_t *out,
		      const char **bad)
{
	json_t *v = json_object_get(o, key);
	if (!v) {
		*out = 0;
		return true;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		*bad = "must be an integer in range";
		return false;
	}
	*out = (int64_t)json_integer_value(v);
	return true;
}

static bool bool_field(json_t *o, const char *key, bool *out, const char **bad)
{
	json_t *v = json_object_get(o, key);
	*out = false;
	if (!v)
		return true;
	if (!json_is_boolean(v)) {
		*bad = "must be true or false";
		return false;
	}
	*out = json_is_true(v);
	return true;
}

/* Fills r from one record object; on failure *field and *bad say why. */
static bool record_from(json_t *o, struct cc_record *r, const char **path, const char **field,
			const char **bad)
{
	static const struct { const char *key; size_t max; bool req; size_t off; } strs[] = {
		{ "messageId", STR_MAX, true, offsetof(struct cc_record, msg_id) },
		{ "requestId", STR_MAX, false, offsetof(struct cc_record, request_id) },
		{ "sessionId", STR_MAX, true, offsetof(struct cc_record, session_id) },
		{ "project", PROJECT_MAX, true, offsetof(struct cc_record, cwd) },
		{ "model", STR_MAX, true, offsetof(struct cc_record, model) },
		{ "serviceTier", 23, false, offsetof(struct cc_record, service_tier) },
	};
	static const struct { const char *key; size_t off; } toks[] = {
		{ "input", offsetof(struct cc_record, input) },
		{ "output", offsetof(struct cc_record, output) },
		{ "cacheWrite5m", offsetof(struct cc_record, cw_5m) },
		{ "cacheWrite1h", offsetof(struct cc_record, cw_1h) },
		{ "cacheRead", offsetof(struct cc_record, cache_read) },
		{ "webSearch", offsetof(struct cc_record, web_search) },
	};
	json_t *usage, *tools;
	size_t len;
	bool fast;

	cc_record_clear(r);
	if (!json_is_object(o)) {
		*field = "record";
		*bad = "must be an object";
		return false;
	}
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		struct cc_str *sl = (struct cc_str *)((char *)r + strs[i].off);
		const char *v = str_field(o, strs[i].key, strs[i].max, strs[i].req, &len, bad);
		*field = strs[i].key;
		if (!v)
			return false;
		sl->p = v;
		sl->n = (uint32_t)len;
	}
	*field = "path";
	if (!(*path = str_field(o, "path", PROJECT_MAX, false, &len, bad)))
		return false;
	*field = "timestamp";
	if (!json_object_get(o, "timestamp")) {
		*bad = "missing";
		return false;
	}
	if (!int_field(o, "timestamp", TS_MIN, TS_MAX, &r->ts_ms, bad))
		return false;
	*field = "sidechain";
	if (!bool_field(o, "sidechain", &r->is_sidechain, bad))
		return false;
	*field = "fast";
	if (!bool_field(o, "fast", &fast, bad))
		return false;
	if (fast) {
		r->speed.p = "fast";
		r->speed.n = 4;
	}
	*field = "usage";
	usage = json_object_get(o, "usage");
	if (!json_is_object(usage)) {
		*bad = "must be an object";
		return false;
	}
	for (size_t i = 0; i < sizeof(toks) / sizeof(toks[0]); i++) {
		*field = toks[i].key;
		if (!int_field(usage, toks[i].key, 0, TOKENS_MAX,
			       (int64_t *)((char *)r + toks[i].off), bad))
			return false;
	}
	r->cache_write = r->cw_5m + r->cw_1h;
	r->has_cw_split = true;
	*field = "tools";
	tools = json_object_get(o, "tools");
	if (tools && !json_is_array(tools)) {
		*bad = "must be an array";
		return false;
	}
	if (tools && json_array_size(tools) > CC_MAX_TOOLS) {
		*bad = "more than 64 tool calls";
		return false;
	}
	for (size_t i = 0; tools && i < json_array_size(tools); i++) {
		json_t *t = json_array_get(tools, i);
		const char *id, *name;
		size_t idn, namen;
		if (!json_is_object(t) || !(id = str_field(t, "id", 64, true, &idn, bad)) ||
		    !(name = str_field(t, "name", STR_MAX, true, &namen, bad))) {
			if (!json_is_object(t))
				*bad = "tool call must be an object";
			return false;
		}
		r->tools[r->n_tools].id.p = id;
		r->tools[r->n_tools].id.n = (uint32_t)idn;
		r->tools[r->n_tools].name.p = name;
		r->tools[r->n_tools].name.n = (uint32_t)namen;
		r->n_tools++;
	}
	r->type = CC_ASSISTANT;
	r->has_ts = true;
	r->has_usage = true;
	return true;
}

/* Fills ps from one "sessions" entry; on failure *field and *bad say why. */
static bool session_from(json_t *o, struct push_session *ps, const char **field, const char **bad)
{
	size_t len;
	memset(ps, 0, sizeof(*ps));
	*field = "sessions";
	if (!json_is_object(o)) {
		*bad = "must be an object";
		return false;
	}
	*field = "sessions.sessionId";
	if (!(ps->session_id = str_field(o, "sessionId", STR_MAX, true, &len, bad)))
		return false;
	*field = "sessions.project";
	if (!(ps->project = str_field(o, "project", PROJECT_MAX, false, &len, bad)))
		return false;
	*field = "sessions.userMessages";
	if (!json_object_get(o, "userMessages")) {
		*bad = "missing";
		return false;
	}
	if (!int_field(o, "userMessages", 0, PUSH_MAX_USER_MSGS, &ps->user_msgs, bad))
		return false;
	*field = "sessions.firstTs";
	if (json_object_get(o, "firstTs") && !int_field(o, "firstTs", TS_MIN, TS_MAX, &ps->first_ts, bad))
		return false;
	*field = "sessions.lastTs";
	if (json_object_get(o, "lastTs") && !int_field(o, "lastTs", TS_MIN, TS_MAX, &ps->last_ts, bad))
		return false;
	if (ps->first_ts && ps->last_ts && ps->last_ts < ps->first_ts) {
		*bad = "before firstTs";
		return false;
	}
	return true;
}

/* The "sessions" array: each valid entry to sink->session, each bad one to
 * sink->bad (field "sessions.<name>"). */
static int sessions_from(json_t *arr, const struct push_sink *sink, struct aiu_err *err)
{
	struct push_session ps;
	int rc;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const char *field = "", *bad = "";
		if (!session_from(json_array_get(arr, i), &ps, &field, &bad)) {
			if (sink->bad)
				sink->bad(sink->ctx, i, field, bad);
			continue;
		}
		if ((rc = sink->session(sink->ctx, i, &ps, err)) != 0)
			return rc;
	}
	return AIU_OK;
}

int push_wire_parse(const char *body, size_t n, const struct push_sink *sink,
		    struct aiu_err *err)
{
	json_error_t je;
	json_t *root = NULL, *recs, *ver, *sess;
	struct cc_record *r = NULL;
	int rc = AIU_OK;

	if (!body || !n)
		return aiu_errf(err, AIU_EPARSE, "body: empty (expected {\"version\":1,\"records\":[...]})");
	if (!(root = json_loadb(body, n, JSON_REJECT_DUPLICATES, &je))) {
		rc = aiu_errf(err, AIU_EPARSE, "body: line %d column %d: %s", je.line, je.column, je.text);
		goto out;
	}
	ver = json_object_get(root, "version");
	if (!json_is_object(root) || !json_is_integer(ver) || json_integer_value(ver) != 1) {
		rc = aiu_errf(err, AIU_EPARSE, "body.version: must be 1");
		goto out;
	}
	recs = json_object_get(root, "records");
	if (!json_is_array(recs)) {
		rc = aiu_errf(err, AIU_EPARSE, "body.records: must be an array");
		goto out;
	}
	if (json_array_size(recs) > PUSH_MAX_RECORDS) {
		rc = aiu_errf(err, AIU_ELIMIT, "body.records: more than %d records in one request",
			      PUSH_MAX_RECORDS);
		goto out;
	}
	sess = json_object_get(root, "sessions");
	if (sess && !json_is_array(sess)) {
		rc = aiu_errf(err, AIU_EPARSE, "body.sessions: must be an array");
		goto out;
	}
	if (json_array_size(sess) > PUSH_MAX_SESSIONS) {
		rc = aiu_errf(err, AIU_ELIMIT, "body.sessions: more than %d sessions in one request",
			      PUSH_MAX_SESSIONS);
		goto out;
	}
	if (!(r = malloc(sizeof(*r)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(recs); i++) {
		const char *field = "", *bad = "", *path = "";
		if (!record_from(json_array_get(recs, i), r, &path, &field, &bad)) {
			if (sink->bad)
				sink->bad(sink->ctx, i, field, bad);
			continue;
		}
		if (sink->record && (rc = sink->record(sink->ctx, i, r, path, err)) != 0)
			goto out;
	}
	if (sess && sink->session)
		rc = sessions_from(sess, sink, err);
out:
	free(r);
	json_decref(root);
	return rc;
}

void push_wire_session(struct jsonw *w, const struct push_session *ps)
{
	jw_obj(w);
	jw_key(w, "sessionId");
	jw_str(w, ps->session_id);
	jw_key(w, "userMessages");
	jw_int(w, ps->user_msgs);
	if (ps->project && ps->project[0]) {
		jw_key(w, "project");
		jw_str(w, ps->project);
	}
	if (ps->first_ts) {
		jw_key(w, "firstTs");
		jw_int(w, ps->first_ts);
	}
	if (ps->last_ts) {
		jw_key(w, "lastTs");
		jw_int(w, ps->last_ts);
	}
	jw_end(w);
}

void push_wire_record(struct jsonw *w, const struct usage_row *u, const struct push_names *nm)
{
	char hex[16];
	jw_obj(w);
	jw_key(w, "messageId");
	jw_str(w, u->msg_id);
	jw_key(w, "requestId");
	jw_str(w, u->req_id);
	jw_key(w, "timestamp");
	jw_int(w, u->ts);
	jw_key(w, "sessionId");
	jw_str(w, nm->session);
	jw_key(w, "project");
	jw_str(w, nm->project);
	jw_key(w, "model");
	jw_str(w, nm->model);
	jw_key(w, "sidechain");
	jw_bool(w, u->sidechain);
	jw_key(w, "fast");
	jw_bool(w, (u->variant & PRICE_VAR_FAST) != 0);
	jw_key(w, "serviceTier");
	jw_str(w, u->service_tier);
	jw_key(w, "usage");
	jw_obj(w);
	jw_key(w, "input");
	jw_int(w, u->t.input);
	jw_key(w, "output");
	jw_int(w, u->t.output);
	jw_key(w, "cacheWrite5m");
	jw_int(w, u->t.cw5m);
	jw_key(w, "cacheWrite1h");
	jw_int(w, u->t.cw1h);
	jw_key(w, "cacheRead");
	jw_int(w, u->t.cache_read);
	jw_key(w, "webSearch");
	jw_int(w, u->t.web_search);
	jw_end(w);
	jw_key(w, "tools");
	jw_arr(w);
	for (uint32_t i = 0; i < u->ntools && i < USAGE_MAX_TOOLS; i++) {
		snprintf(hex, sizeof(hex), "%08x", (unsigned)u->tools[i].id);
		jw_obj(w);
		jw_key(w, "id");
		jw_str(w, hex);
		jw_key(w, "name");
		jw_str(w, nm->tool_names[i] ? nm->tool_names[i] : "unknown");
		jw_end(w);
	}
	jw_end(w);
	if (nm->path) {
		jw_key(w, "path");
		jw_str(w, nm->path);
	}
	jw_end(w);
}
