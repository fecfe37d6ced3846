/* cc_preview.h - what the next sync would read, without writing anything.
 *
 * Discovery plus the stored file states give the files a sync would open:
 * `new` (never seen), `grown` (bytes after the stored offset), `rewritten`
 * (truncated, replaced or different first KiB: read again from 0). For each,
 * a bounded streaming pass over the pending bytes estimates messages
 * (prompt lines + distinct consecutive assistant message ids) and sessions
 * (distinct sessionId values); estimatedNewSessions counts those the store
 * does not hold yet. These are estimates: the sync itself deduplicates.
 */
#ifndef AIU_CC_PREVIEW_H
#define AIU_CC_PREVIEW_H

#include <stdint.h>

#include "ingest/cc_sync.h"

#define CC_PREVIEW_SCAN_MAX ((int64_t)256 << 20) /* bytes scanned per preview; beyond: extrapolated */

enum cc_pending_reason { CC_PENDING_NEW, CC_PENDING_GROWN, CC_PENDING_REWRITTEN };

struct cc_pending_file {
	char *path;                 /* owned */
	int64_t mtime_ms;
	int64_t pending_bytes;
	int64_t est_sessions, est_messages;
	enum cc_pending_reason reason;
};

struct cc_preview {
	struct cc_pending_file *v;  /* owned; cc_preview_free */
	size_t n;
	int64_t pending_bytes, est_new_sessions, est_new_messages;
};

/* What the preview's cheap pass reads from one raw line (no JSON parse). */
struct cc_preview_line {
	char kind;                  /* 'u' user, 'a' assistant, 0 other */
	bool prompt;                /* a user line that is not a tool result or meta */
	const char *session, *msg_id; /* slices into the line, NULL when absent */
	size_t session_n, msg_id_n;
};
void cc_preview_line(const char *line, size_t len, struct cc_preview_line *out);

const char *cc_pending_reason_name(enum cc_pending_reason r);
/* Reads only: o->dirs/ndirs as for cc_sync (o->full counts every file as rewritten). */
int cc_preview(struct store *s, const struct cc_sync_opts *o, struct cc_preview *out,
	       struct aiu_err *err);
void cc_preview_free(struct cc_preview *p);

#endif
