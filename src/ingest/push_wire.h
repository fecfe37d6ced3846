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
 *     "path":"/home/a/.claude/projects/x/s.jsonl"}]}   <- only with --include-paths
 *
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
#define HTTP_BIG_BODY_MAX_CLIENT ((size_t)4 << 20) /* = the server's cap for a push */

struct push_sink {
	void *ctx;
	/* A valid record as a transcript record (an assistant line); slices
	 * valid during the call. path: "" unless sent. Non-zero stops. */
	int (*record)(void *ctx, size_t index, const struct cc_record *r, const char *path,
		      struct aiu_err *err);
	/* A rejected record: index in the array, the field and why. */
	void (*bad)(void *ctx, size_t index, const char *field, const char *msg);
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

#endif
