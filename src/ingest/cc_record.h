/* cc_record.h - what one Claude Code transcript line means to aiusage.
 *
 * Both line parsers (the fast scanner in cc_scan.c and the jansson-based
 * fallback in cc_json.c) fill this same struct, so the rest of ingest never
 * knows which parser ran. Strings are slices (not NUL-terminated) that point
 * either into the line itself or into the parser's scratch arena; they are
 * valid until the next line is parsed with the same parser state.
 */
#ifndef AIU_CC_RECORD_H
#define AIU_CC_RECORD_H

#include <stdbool.h>
#include <stdint.h>

struct cc_str {
	const char *p;
	uint32_t n;
};

enum cc_type {
	CC_OTHER = 0,  /* summary, system, file-history-snapshot, unknown... */
	CC_USER,
	CC_ASSISTANT,
};

/* What a user line holds, for message counting. */
enum cc_user_kind {
	CC_USER_NONE = 0,
	CC_USER_PROMPT,      /* string content, or an array with text/image */
	CC_USER_TOOL_RESULT, /* array holding only tool_result blocks */
};

#define CC_MAX_TOOLS 64  /* tool_use blocks kept per line; more are counted */

struct cc_tool {
	struct cc_str id;    /* content[i].id of a tool_use block */
	struct cc_str name;  /* content[i].name */
};

struct cc_record {
	enum cc_type type;      /* top-level "type" */
	struct cc_str type_raw; /* raw "type" value (any string) */
	struct cc_str uuid, session_id, cwd, git_branch, version, request_id,
		agent_id;
	int64_t ts_ms;          /* "timestamp" in Unix ms (valid if has_ts) */
	bool has_ts;
	bool is_sidechain, is_meta, is_api_error, is_compact_summary;

	/* message.* */
	struct cc_str msg_id, model, role;
	enum cc_user_kind user_kind;

	/* message.usage.* (valid if has_usage). Counts are >= 0. */
	bool has_usage;
	int64_t input, output, cache_read;
	int64_t cache_write;     /* cache_creation_input_tokens */
	bool has_cw_split;       /* usage.cache_creation object present */
	int64_t cw_5m, cw_1h;    /* cache_creation.ephemeral_{5m,1h}_input_tokens */
	int64_t web_search;      /* server_tool_use.web_search_requests */
	struct cc_str service_tier, speed;

	uint32_t n_tools;        /* tool_use blocks stored in tools[] */
	uint32_t n_tools_dropped;/* beyond CC_MAX_TOOLS */
	struct cc_tool tools[CC_MAX_TOOLS];
};

/* Both parsers report a bad line through this. */
struct cc_parse_error {
	uint32_t column;        /* 1-based byte column, 0 if unknown */
	char msg[200];          /* e.g. "message.usage.input_tokens: integer out of range" */
};

void cc_record_clear(struct cc_record *r);

#endif
