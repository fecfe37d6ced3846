/* push.h - `aiusage push`: send this machine's deduplicated usage records
 * to a team server (POST /api/ingest/usage, body in push_wire.h).
 *
 * What is new: the store keeps, per server URL, the signature of every
 * usage row as the server last accepted it (push_sent, migration 5). A run
 * scans the usage rows in key order and sends the rows whose signature is
 * absent or changed (a better record replaced it locally), PUSH_BATCH per
 * request. Each accepted batch's signatures commit in one transaction, so a
 * push killed half-way resumes after the last accepted batch; a batch the
 * server took but whose checkpoint did not commit is sent again and the
 * server's deduplication makes that harmless.
 *
 * Then one entry per session with usage rows or prompts: its prompt count
 * (sessions.user_msgs: a number, never the prompts), project and bounds,
 * PUSH_BATCH per request, each checkpointed under "sessions <URL>" with a
 * signature of what was sent: an entry is sent again only when it changed.
 * The server keeps the largest count per session and widens its bounds, so
 * re-pushes and two machines holding one session never add up. A batch the
 * server did not fully take (an older server, an unknown session) is not
 * checkpointed and goes again next time.
 */
#ifndef AIU_PUSH_H
#define AIU_PUSH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "store/store.h"

struct push_opts {
	const char *server;      /* base URL, e.g. http://team:3001 */
	const char *token;       /* ingest token (secret: never printed) */
	bool include_paths;      /* send each record's transcript path */
	FILE *log;               /* per-batch lines and record errors, or NULL */
};

struct push_stats {
	int64_t scanned, sent, batches;
	int64_t server_new, server_replaced, server_duplicate, server_rejected;
	/* session entries: sent, that changed the server (created or raised), unknown to it */
	int64_t sessions_sent, sessions_updated, sessions_unknown;
};

int push_run(struct store *s, const struct push_opts *o, struct push_stats *st,
	     struct aiu_err *err);

#endif
