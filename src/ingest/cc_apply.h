/* cc_apply.h - turns parsed transcript records into store writes.
 *
 * This is where the numbers are made right:
 *   - assistant usage is deduplicated on (message.id, requestId) across all
 *     files; the record with the largest usage is kept, a non-sidechain
 *     record wins a tie; replacing a record moves its contribution in every
 *     rollup, so totals never count a request twice;
 *   - user prompts are deduplicated on uuid; tool calls on their tool_use id
 *     within the request that made them (streamed messages repeat usage on
 *     every content-block line, and resumed sessions copy earlier lines into
 *     new files);
 *   - rollup deltas are aggregated in memory and written at flush time, in
 *     the same transaction as the rows and file offsets they came from.
 * The caller owns the transaction: cc_apply_flush() must run before commit,
 * cc_apply_abort() after a rollback.
 */
#ifndef AIU_CC_APPLY_H
#define AIU_CC_APPLY_H

#include <stdint.h>

#include "core/kmap.h"
#include "ingest/bloom.h"
#include "ingest/cc_defer.h"
#include "ingest/cc_record.h"
#include "store/store.h"

struct cc_apply_stats {
	int64_t lines, records, usage_new, usage_replaced, usage_dup, prompts_new,
		tools_new, sessions_new, bad_lines, unpriced;
};

struct cc_pend_msg;

struct cc_apply {
	struct store *s;
	struct kmap sessions;   /* hash(uuid) -> struct cc_sess (cached for the run) */
	struct kmap rollups;    /* struct rollup_key -> struct rollup_row delta */
	struct kmap srollups;   /* struct sroll_key -> struct session_rollup_row delta */
	struct kmap trollups;   /* struct troll_key -> int64 delta */
	/* Keys applied recently in this run, so duplicates cost no store round
	 * trip. Capped (bounded memory): on overflow a map is cleared, after the
	 * pending rows it describes were written. When `fresh` (the store held
	 * no usage when the run began), `written` holds every usage key this
	 * run wrote: a key it has never seen is new without asking the store;
	 * a "maybe" (a key seen before, or a false positive) asks the store. */
	struct kmap seen_usage; /* usage key -> struct cc_seen */
	struct kmap seen_keys;  /* prompt keys -> (nothing) */
	struct bloom written;   /* fresh only: every usage key written this run,
				 * from the first eviction of seen_usage on
				 * (before it, seen_usage holds them all) */
	bool fresh;
	/* New prompt rows, inserted at flush time sorted by key (sorted B-tree
	 * inserts are several times cheaper than random ones). */
	struct cc_pend_msg *pmsg;
	size_t npmsg, cpmsg;
	/* New or improved usage rows, written in key order in chunks. */
	struct usage_row *pusage;
	size_t npusage, cpusage;
	struct kmap pusage_idx;  /* usage key -> index + 1 in pusage */
	/* Records of a non-fresh run on a store with the batched lookups
	 * (usage_get_many, session_get_many), waiting for them (cc_defer.h);
	 * applied in order when the queue is full and at flush. */
	struct cc_defer defer;
	bool replaying;          /* applying the queue: records are not queued again */
	struct cc_apply_stats st;
	/* How often the bounded caches were written out and emptied (tests
	 * and AIUSAGE_DEBUG: proves the caps are reached, not just set). */
	int64_t evict_sessions, evict_rollups, evict_seen;
};

/* Where the current record came from. */
struct cc_origin {
	int64_t file_id, line_no, byte_off, byte_len;
	/* When the reader merged several streamed lines of one request into
	 * this record: the earliest and latest of their timestamps (for the
	 * session's bounds). 0 = just the record's own. */
	int64_t ts_min, ts_max;
	const char *session_hint;  /* from the path */
	const char *project_dir;   /* folder under projects/, the project fallback */
};

void cc_apply_init(struct cc_apply *a, struct store *s);
/* Declares that the store held no usage rows before this run. */
void cc_apply_set_fresh(struct cc_apply *a, bool fresh);
void cc_apply_release(struct cc_apply *a);
int cc_apply_record(struct cc_apply *a, const struct cc_record *r, const struct cc_origin *o,
		    struct aiu_err *err);
/* Writes pending rollup deltas and dirty sessions (inside the transaction). */
int cc_apply_flush(struct cc_apply *a, struct aiu_err *err);
/* Forgets pending deltas and the session cache after a rollback. */
void cc_apply_abort(struct cc_apply *a);
/* The messages-table key of a prompt with this record uuid. */
int64_t cc_prompt_key(const char *uuid, size_t n);

#endif
