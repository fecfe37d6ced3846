/* cc_sync.h - incremental ingest of Claude Code transcripts into a store.
 *
 * Per file the store remembers (dev, inode, size, mtime, byte offset after
 * the last complete line, hash of the first KiB). A sync parses only the new
 * complete lines; a truncated or rewritten file is read again from the start
 * and converges through deduplication. A file's rows and its new offset are
 * committed in the same transaction, so a crash or SIGKILL at any moment
 * leaves the store consistent, and re-running converges to the same totals.
 */
#ifndef AIU_CC_SYNC_H
#define AIU_CC_SYNC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/cc_apply.h"
#include "store/store.h"

#define CC_MAX_LINE_DEFAULT ((size_t)256 << 20)  /* longest line held in memory */

/* Where a running sync is (for a server's status endpoint). */
struct cc_sync_progress {
	int64_t files_done, files_total, bytes_done, bytes_total;
};

struct cc_sync_opts {
	const char *const *dirs;  /* --claude-dir values, may be NULL */
	size_t ndirs;
	bool progress;            /* draw a progress bar on stderr if it is a TTY */
	size_t max_line;          /* 0 = CC_MAX_LINE_DEFAULT */
	int64_t commit_bytes;     /* commit at least this often; 0 = default */
	size_t readers;           /* reader/parser threads; 0 = default (2) */
	int lock_wait_ms;         /* wait for another sync: <0 forever, 0 = not at all */
	bool full;                /* re-read every file from offset 0 (dedup converges) */
	/* Called on the syncing thread after planning and after each batch. */
	void (*on_progress)(void *ctx, const struct cc_sync_progress *p);
	void *progress_ctx;
	/* When set (by another thread), the sync stops between batches, commits
	 * what it applied (with the matching file offsets) and returns 0 with
	 * res->cancelled. May be NULL. */
	const atomic_bool *cancel;
};

struct cc_sync_result {
	int64_t roots, files, files_changed, files_restarted, bytes;
	int64_t scanner_fallbacks;  /* lines the fast scanner rejected but jansson accepted */
	struct cc_apply_stats st;
	double seconds;
	bool cancelled;
};

/* Per-run figures as the API reports them (docs/API.md lastSyncStats). */
static inline int64_t cc_sync_messages_added(const struct cc_sync_result *r)
{
	return r->st.prompts_new + r->st.usage_new; /* new prompts + new requests */
}

#define CC_HEAD_BYTES 1024  /* a file's identity: hash of its first KiB */
/* hash64 of the first n (<= CC_HEAD_BYTES) bytes of fd. 0 or AIU_EIO. */
int cc_head_hash(int fd, int64_t n, uint64_t *out);

int cc_sync(struct store *s, const struct cc_sync_opts *o, struct cc_sync_result *res,
	    struct aiu_err *err);

#endif
