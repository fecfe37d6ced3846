/* push_wire.h - the body of POST /api/ingest/usage (docs/API.md, "Team
 * server"): what `aiusage push` sends and the team server accepts.
 *
 *   {"version":1,"records":[{"messageId":"msg_..","requestId":"req_..",
 *     "timestamp":1732000000000,"sessionId":"..","project":"/home/a/proj",
 *     "model":"claude-sonnet-4-5","sidechain":false,"fast":false,
 *     "serviceTier":"standard",
 *     "usage":{"input":1,"output":2,"cacheWrite5m":3,"cacheWrite1h":0,
 *              "cacheRead":4,"webSearch":0},
 *     "tools":[{"id":"9f3a01bc","name":"Bash"}],
 *     "path":"/home/a/.claude/projects/x/s.jsonl"}],   <- only with --include-paths
 *   "sessions":[{"sessionId":"..","userMessages":12,        <- optional
 *                "project":"/home/a/proj","firstTs":1732000000000,"lastTs":1732000900000}]}
 *
 * "sessions" carries each session's count of deduplicated user prompts (a
 * number: never the prompts) and its bounds (every timestamped line, not
 * only requests); the server keeps the largest count it was sent for a
 * session and widens its bounds (min first, max last), so a re-push or a
 * second machine holding the same session never adds to it. project (the
 * session's working directory) lets the server create a session it has no
 * request of (prompts only).
 * Numbers and identifiers only: never message text or file contents.
 * Tool ids are the 32-bit hashes the store keeps (hex), so the same call
 * pushed from two machines is one call. Parsing is strict per record: a bad
 * record is reported (index, field) and skipped, the others are delivered.
 */
#ifndef AIU_PUSH_WIRE_H
#define AIU_PUSH_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/jsonw.h"
#include "ingest/cc_record.h"
#include "store/store.h"

#define PUSH_MAX_RECORDS 5000     /* per request */
#define PUSH_BATCH 500            /* what the client sends per request */
#define PUSH_MAX_SESSIONS 5000    /* session counts per request */
#define PUSH_MAX_USER_MSGS 1000000000LL

/* One entry of "sessions" (strings valid during the sink call). */
struct push_session {
	const char *session_id;
	const char *project;        /* "" = not sent */
	int64_t user_msgs;
	int64_t first_ts, last_ts;  /* Unix ms, 0 = not sent */
};
#define HTTP_BIG_BODY_MAX_CLIENT ((size_t)4 << 20) /* = the server's cap for a push */

struct push_sink {
	void *ctx;
	/* A valid record as a transcript record (an assistant line); slices
	 * valid during the call. path: "" unless sent. Non-zero stops. */
	int (*record)(void *ctx, size_t index, const struct cc_record *r, const char *path,
		      struct aiu_err *err);
	/* A rejected record: index in the array, the field and why ("sessions."
	 * prefixes the field of a rejected session count). */
	void (*bad)(void *ctx, size_t index, const char *field, const char *msg);
	/* A valid entry of "sessions" (sessions[index]). NULL = the sessions
	 * array is ignored. Non-zero stops. */
	int (*session)(void *ctx, size_t index, const struct push_session *ps, struct aiu_err *err);
};

/* Parses body (n bytes). 0 when the envelope is valid (records may still
 * have been rejected through sink->bad); AIU_EPARSE / AIU_ELIMIT with err
 * naming the problem when the body as a whole is unusable. */
int push_wire_parse(const char *body, size_t n, const struct push_sink *sink,
		    struct aiu_err *err);

/* Names the client resolves for one usage row (from the store's dictionaries). */
struct push_names {
	const char *session, *project, *model, *path; /* path NULL = not sent */
	const char *tool_names[USAGE_MAX_TOOLS];      /* per u->tools[i] */
};
/* Appends one record object to w (inside the "records" array). */
void push_wire_record(struct jsonw *w, const struct usage_row *u, const struct push_names *nm);
/* Appends one session object to w (inside the "sessions" array); an empty
 * project and zero times are left out. */
void push_wire_session(struct jsonw *w, const struct push_session *ps);

#endif
