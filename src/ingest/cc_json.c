/* cc_json.c - see cc_json.h.
 *
 * Deliberately written apart from cc_scan.c (tree lookups instead of a
 * streaming key dispatch) so that the two can be checked against each other
 * (tests/unit/test_cc_scan.c, tests/fuzz/fuzz_cc_scan.c). The limits
 * (nesting depth, captured string length) and the order in which semantic
 * errors are reported are the scanner's.
 */
#include "ingest/cc_json.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/timeutil.h"
#include "ingest/cc_scan.h" /* CC_SCAN_MAX_DEPTH, CC_SCAN_MAX_STR */

struct cc_json_state {
	json_t *root; /* tree of the last line (owned); the record points into it */
};

/* The objects fields hang from. */
enum parent { P_TOP, P_MSG, P_USAGE, P_CC, P_STU, N_PARENT };

#define NO_FIELD SIZE_MAX
static const struct sfield {
	uint8_t parent;
	const char *key, *path;
	size_t off;
} sfields[] = { /* the scanner's order: errors are reported in this order */
	{ P_TOP, "type", "type", offsetof(struct cc_record, type_raw) },
	{ P_TOP, "uuid", "uuid", offsetof(struct cc_record, uuid) },
	{ P_TOP, "sessionId", "sessionId", offsetof(struct cc_record, session_id) },
	{ P_TOP, "timestamp", "timestamp", NO_FIELD },
	{ P_TOP, "cwd", "cwd", offsetof(struct cc_record, cwd) },
	{ P_TOP, "gitBranch", "gitBranch", offsetof(struct cc_record, git_branch) },
	{ P_TOP, "version", "version", offsetof(struct cc_record, version) },
	{ P_TOP, "requestId", "requestId", offsetof(struct cc_record, request_id) },
	{ P_TOP, "agentId", "agentId", offsetof(struct cc_record, agent_id) },
	{ P_MSG, "id", "message.id", offsetof(struct cc_record, msg_id) },
	{ P_MSG, "model", "message.model", offsetof(struct cc_record, model) },
	{ P_MSG, "role", "message.role", offsetof(struct cc_record, role) },
	{ P_USAGE, "service_tier", "message.usage.service_tier",
	  offsetof(struct cc_record, service_tier) },
	{ P_USAGE, "speed", "message.usage.speed", offsetof(struct cc_record, speed) },
};
#define N_SFIELDS (sizeof(sfields) / sizeof(sfields[0]))
#define TS_FIELD 3

static const struct bfield {
	const char *key;
	size_t off;
} bfields[] = {
	{ "isSidechain", offsetof(struct cc_record, is_sidechain) },
	{ "isMeta", offsetof(struct cc_record, is_meta) },
	{ "isApiErrorMessage", offsetof(struct cc_record, is_api_error) },
	{ "isCompactSummary", offsetof(struct cc_record, is_compact_summary) },
};

static const struct cfield {
	uint8_t parent;
	const char *key, *path;
	size_t off;
} cfields[] = {
	{ P_USAGE, "input_tokens", "message.usage.input_tokens", offsetof(struct cc_record, input) },
	{ P_USAGE, "output_tokens", "message.usage.output_tokens",
	  offsetof(struct cc_record, output) },
	{ P_USAGE, "cache_creation_input_tokens", "message.usage.cache_creation_input_tokens",
	  offsetof(struct cc_record, cache_write) },
	{ P_USAGE, "cache_read_input_tokens", "message.usage.cache_read_input_tokens",
	  offsetof(struct cc_record, cache_read) },
	{ P_CC, "ephemeral_5m_input_tokens",
	  "message.usage.cache_creation.ephemeral_5m_input_tokens", offsetof(struct cc_record, cw_5m) },
	{ P_CC, "ephemeral_1h_input_tokens",
	  "message.usage.cache_creation.ephemeral_1h_input_tokens", offsetof(struct cc_record, cw_1h) },
	{ P_STU, "web_search_requests", "message.usage.server_tool_use.web_search_requests",
	  offsetof(struct cc_record, web_search) },
};

/* Depth of containers below v (v itself at depth d) exceeds the cap? */
static bool too_deep(json_t *v, unsigned d)
{
	const char *k;
	json_t *c;
	size_t i;

	if (d > CC_SCAN_MAX_DEPTH)
		return true;
	if (json_is_object(v)) {
		json_object_foreach(v, k, c)
			if ((json_is_object(c) || json_is_array(c)) && too_deep(c, d + 1))
				return true;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, c)
			if ((json_is_object(c) || json_is_array(c)) && too_deep(c, d + 1))
				return true;
	}
	return false;
}

static json_t *child_obj(json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
	return json_is_object(v) ? v : NULL;
}

/* A string field (absent unless a JSON string); -1 when over the cap. */
static int get_str(json_t *o, const char *key, struct cc_str *out)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
	out->p = NULL;
	out->n = 0;
	if (!json_is_string(v))
		return 0;
	if (json_string_length(v) > CC_SCAN_MAX_STR)
		return -1;
	out->p = json_string_value(v);
	out->n = (uint32_t)json_string_length(v);
	return 0;
}

static bool str_is(json_t *v, const char *lit)
{
	size_t n = strlen(lit);
	return json_is_string(v) && json_string_length(v) == n &&
	       memcmp(json_string_value(v), lit, n) == 0;
}

static int sem_err(struct cc_parse_error *perr, const char *path, const char *what)
{
	perr->column = 0;
	snprintf(perr->msg, sizeof(perr->msg), "%s: %s", path, what);
	return AIU_EPARSE;
}

struct cc_json_state *cc_json_state_new(void)
{
	return calloc(1, sizeof(struct cc_json_state));
}

void cc_json_state_free(struct cc_json_state *st)
{
	if (!st)
		return;
	json_decref(st->root);
	free(st);
}

int cc_json_parse_line(struct cc_json_state *st, const char *line, size_t len,
		       struct cc_record *rec, struct cc_parse_error *perr)
{
	json_t *par[N_PARENT], *content, *tool_blk[CC_MAX_TOOLS];
	struct cc_str v[N_SFIELDS];
	uint32_t tool_idx[CC_MAX_TOOLS];
	bool cstr = false, ctext = false, ctr = false;
	json_error_t je;
	json_t *root;
	const char *nul;
	size_t i;

	memset(rec, 0, offsetof(struct cc_record, tools));
	json_decref(st->root);
	st->root = NULL;
	root = json_loadb(line, len, JSON_ALLOW_NUL, &je);
	if (!root) {
		perr->column = je.position > 0 ? (uint32_t)je.position : 1;
		snprintf(perr->msg, sizeof(perr->msg), "%s", je.text);
		return AIU_EPARSE;
	}
	st->root = root;
	/* A raw NUL is never valid JSON, but jansson 2.14 silently drops one
	 * that directly follows a literal or a number (its stream_unget cannot
	 * push a NUL back), accepting e.g. {"a":null<NUL>}: refuse it here. */
	if ((nul = memchr(line, '\0', len))) {
		perr->column = (uint32_t)(nul - line) + 1;
		snprintf(perr->msg, sizeof(perr->msg), "control character 0x0 (raw NUL byte)");
		return AIU_EPARSE;
	}
	if (!json_is_object(root)) {
		perr->column = 1;
		snprintf(perr->msg, sizeof(perr->msg), "expected '{' (a line holds one JSON object)");
		return AIU_EPARSE;
	}
	if (too_deep(root, 1)) {
		perr->column = 0;
		snprintf(perr->msg, sizeof(perr->msg), "nesting too deep");
		return AIU_EPARSE;
	}

	par[P_TOP] = root;
	par[P_MSG] = child_obj(root, "message");
	par[P_USAGE] = child_obj(par[P_MSG], "usage");
	par[P_CC] = child_obj(par[P_USAGE], "cache_creation");
	par[P_STU] = child_obj(par[P_USAGE], "server_tool_use");

	/* message.content: blocks decide user_kind and give the tool_use list */
	content = par[P_MSG] ? json_object_get(par[P_MSG], "content") : NULL;
	if (json_is_string(content)) {
		cstr = true;
	} else if (json_is_array(content)) {
		json_t *b;
		json_array_foreach(content, i, b) {
			json_t *t = json_is_object(b) ? json_object_get(b, "type") : NULL;
			if (str_is(t, "text") || str_is(t, "image")) {
				ctext = true;
			} else if (str_is(t, "tool_result")) {
				ctr = true;
			} else if (str_is(t, "tool_use")) {
				if (rec->n_tools < CC_MAX_TOOLS) {
					tool_idx[rec->n_tools] = (uint32_t)i;
					tool_blk[rec->n_tools++] = b;
				} else {
					rec->n_tools_dropped++;
				}
			}
		}
	}

	for (i = 0; i < N_SFIELDS; i++) {
		if (get_str(par[sfields[i].parent], sfields[i].key, &v[i]) < 0)
			return sem_err(perr, sfields[i].path, "string too long");
		if (sfields[i].off != NO_FIELD)
			memcpy((char *)rec + sfields[i].off, &v[i], sizeof(v[i]));
	}
	for (i = 0; i < rec->n_tools; i++) {
		char path[48];
		if (get_str(tool_blk[i], "id", &rec->tools[i].id) < 0) {
			snprintf(path, sizeof(path), "message.content[%u].id", (unsigned)tool_idx[i]);
			return sem_err(perr, path, "string too long");
		}
		if (get_str(tool_blk[i], "name", &rec->tools[i].name) < 0) {
			snprintf(path, sizeof(path), "message.content[%u].name", (unsigned)tool_idx[i]);
			return sem_err(perr, path, "string too long");
		}
	}
	if (json_is_string(json_object_get(root, "timestamp"))) {
		if (parse_rfc3339_ms(v[TS_FIELD].p, v[TS_FIELD].n, &rec->ts_ms) < 0)
			return sem_err(perr, "timestamp", "not an RFC 3339 date-time");
		rec->has_ts = true;
	}
	for (i = 0; i < sizeof(cfields) / sizeof(cfields[0]); i++) {
		json_t *o = par[cfields[i].parent];
		json_t *c = o ? json_object_get(o, cfields[i].key) : NULL;
		int64_t n = 0;
		if (json_is_integer(c)) {
			n = (int64_t)json_integer_value(c);
			if (n < 0)
				return sem_err(perr, cfields[i].path, "integer out of range");
		} else if (c && !json_is_null(c)) {
			return sem_err(perr, cfields[i].path, "not an integer");
		}
		memcpy((char *)rec + cfields[i].off, &n, sizeof(n));
	}
	for (i = 0; i < sizeof(bfields) / sizeof(bfields[0]); i++)
		*(bool *)((char *)rec + bfields[i].off) = json_is_true(json_object_get(root, bfields[i].key));

	if (str_is(json_object_get(root, "type"), "user"))
		rec->type = CC_USER;
	else if (str_is(json_object_get(root, "type"), "assistant"))
		rec->type = CC_ASSISTANT;
	else
		rec->type = CC_OTHER;
	rec->user_kind = CC_USER_NONE;
	if (rec->type == CC_USER)
		rec->user_kind = cstr || ctext ? CC_USER_PROMPT : ctr ? CC_USER_TOOL_RESULT : CC_USER_NONE;
	rec->has_usage = par[P_USAGE] != NULL;
	rec->has_cw_split = par[P_CC] != NULL;
	return AIU_OK;
}
