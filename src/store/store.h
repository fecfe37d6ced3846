/* store.h - the storage interface. Ingest and query code talk only to this;
 * a backend (store_sqlite.c today, PostgreSQL later) implements the ops
 * table. Every write happens inside store_begin()/store_commit(), so a kill at
 * any moment leaves the previous committed state.
 *
 * Data model (see docs/ARCHITECTURE.md for the full picture):
 *   files          one row per transcript: identity, size, byte offset, head hash
 *   sessions       one row per Claude Code session (subagents join their parent)
 *   usage          one row per deduplicated API request (message.id, requestId)
 *   messages       one row per user prompt (deduplicated on uuid)
 *   rollup_usage   15-minute buckets x project x model x variant: token sums
 *   rollup_session session x model x variant: token sums
 *   rollup_tools   15-minute buckets x project x tool: counts
 *   bad_lines      malformed transcript lines, with file and line number
 * Reports read only the rollups and the small tables, never usage rows.
 */
#ifndef AIU_STORE_H
#define AIU_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/org.h"
#include "store/team.h"

#define BUCKET_MS (15 * 60 * 1000LL) /* rollup bucket: every zone offset is a multiple */

enum store_dict { DICT_PROJECT, DICT_MODEL, DICT_TOOL, DICT__N };

struct tokens {
	int64_t input, output, cw5m, cw1h, cache_read, web_search;
};

/* d += k * s, field by field (k = -1 takes a contribution back out). */
static inline void tokens_add_scaled(struct tokens *d, const struct tokens *s, int64_t k)
{
	d->input += k * s->input;
	d->output += k * s->output;
	d->cw5m += k * s->cw5m;
	d->cw1h += k * s->cw1h;
	d->cache_read += k * s->cache_read;
	d->web_search += k * s->web_search;
}

struct file_state {
	int64_t id;           /* 0 until stored */
	char *path;           /* owned by whoever filled the struct: see file_state_release */
	int64_t dev, ino, size, mtime_ns;
	int64_t offset;       /* bytes consumed: just after the last complete line */
	int64_t line_no;      /* lines consumed */
	uint64_t head_hash;   /* hash of the first min(size, 1 KiB) bytes */
	int64_t head_len;
	int64_t bad_lines;
	char *agent_type;     /* from <agent>.meta.json, may be NULL */
};
void file_state_release(struct file_state *f);

struct session_row {
	int64_t id;           /* 0 if new */
	char uuid[128];
	int64_t project_id;   /* 0 = not yet known */
	int64_t first_ts, last_ts; /* 0 = none */
	int64_t user_msgs;    /* deduplicated prompts; assistant counts come from rollup_session */
	char git_branch[256];
	char version[64];
};

#define USAGE_MAX_TOOLS 64  /* distinct tool calls remembered per request */

struct usage_tool {
	uint32_t id;          /* 32-bit hash of the tool_use id (dedupe within the request) */
	uint32_t tool_id;     /* DICT_TOOL id (the tool's name) */
};

struct usage_row {
	int64_t key;          /* probe-resolved 64-bit hash of (message.id, requestId) */
	char msg_id[128], req_id[128];
	int64_t ts;
	int64_t session_id, project_id, model_id;
	unsigned variant;     /* PRICE_VAR_* bits */
	bool sidechain;
	struct tokens t;
	char service_tier[24];/* usage.service_tier as sent ("standard", ...) */
	int64_t file_id, line_no, byte_off;
	uint32_t ntools;      /* tool calls of this request, across all its lines */
	struct usage_tool tools[USAGE_MAX_TOOLS];
};

struct rollup_key {
	int64_t bucket;       /* ts / BUCKET_MS */
	int64_t project_id, model_id;
	unsigned variant;
};

struct rollup_row {
	struct rollup_key k;
	int64_t n;            /* requests */
	struct tokens t;
	int64_t min_ts, max_ts;
};

struct session_rollup_row {
	int64_t session_id, model_id;
	unsigned variant;
	int64_t n;
	struct tokens t;
};

struct tool_rollup_row {
	int64_t bucket, project_id, tool_id, n;
};

/* A stored user prompt (messages table). */
struct message_row {
	int64_t key;          /* hash of the record uuid */
	int64_t session_id, ts, file_id, byte_off, byte_len;
};

struct store_data_stats {
	int64_t sessions;     /* sessions with at least one request or prompt */
	int64_t requests, prompts;
	int64_t oldest_ts, newest_ts; /* first/last session activity, 0 = none */
	int64_t bytes;        /* size of the store on disk */
};

struct store_prune_stats {
	int64_t usage, prompts, sessions; /* rows deleted */
};

/* --- organisation sources: claude.ai audit import and Cursor (migration 3).
 * People are referenced by case-folded email (text), the one join key all
 * sources share. Strings in these rows are borrowed from the caller. */
struct claude_ai_event {
	const char *key;        /* natural key: "id:<event id>" or "h:<row hash>:<occurrence>" */
	int64_t ts;             /* created_at, Unix ms */
	const char *event, *email, *actor_name, *actor_uuid;
	const char *entity_type, *entity_uuid;
	const char *event_info; /* JSON text */
	const char *client_platform, *device_id, *user_agent;
	const char *source;     /* file (and ZIP entry) it came from */
};

struct cursor_member {
	const char *email, *name, *role, *user_id;
	bool removed;
};

/* X-macro: the integer columns of a daily-usage-data row (JSON name = column). */
#define CURSOR_DAILY_INTS(X) \
	X(totalLinesAdded) X(totalLinesDeleted) X(acceptedLinesAdded) X(acceptedLinesDeleted) \
	X(totalApplies) X(totalAccepts) X(totalRejects) X(totalTabsShown) X(totalTabsAccepted) \
	X(composerRequests) X(chatRequests) X(agentRequests) X(cmdkUsages) \
	X(subscriptionIncludedReqs) X(apiKeyReqs) X(usageBasedReqs) X(bugbotUsages)

struct cursor_daily {
	int64_t day_ms;         /* start of the UTC day */
	const char *email;
	bool active;
#define X(f) int64_t f;
	CURSOR_DAILY_INTS(X)
#undef X
	const char *most_used_model, *apply_ext, *tab_ext, *client_version;
};

struct cursor_event {
	const char *key;        /* content hash + occurrence (events carry no id) */
	int64_t ts;
	const char *email, *model, *kind;
	bool max_mode, token_based, chargeable;
	int64_t requests_e4;    /* requestsCosts x 10^4 */
	int64_t input, output, cache_write, cache_read;
	int64_t cost_nusd;      /* tokenUsage.totalCents as nano-dollars (cents x 10^7); 0 if absent */
	int64_t charged_nusd;   /* chargedCents as nano-dollars, -1 if absent */
};

/* One /teams/spend reading: the running total of the billing cycle. */
struct cursor_spend_snap {
	int64_t cycle_start;    /* subscriptionCycleStart, Unix ms */
	const char *email, *name;
	int64_t day;            /* UTC day number the snapshot was taken */
	int64_t taken_ms;
	int64_t spend_cents;
	int64_t fast_premium;
};

struct cursor_commit {
	const char *hash, *user_id, *email, *repo, *branch, *source, *message;
	int primary;            /* 1, 0, or -1 unknown */
	int64_t added, deleted, tab_added, tab_deleted, composer_added, composer_deleted;
	int64_t non_ai_added, non_ai_deleted; /* -1 when null */
	int64_t commit_ts, created_ts;        /* Unix ms, 0 when null */
};

struct cursor_change {
	const char *change_id, *user_id, *email, *source, *model, *metadata_json;
	int64_t added, deleted, created_ts;
};

/* A derived per-day spend delta (see cursor_sqlite.c for the labels). */
struct cursor_spend_delta {
	const char *email;
	int64_t cycle_start, from_day, to_day, cents;
	const char *label;
};

/* One person-day of Cursor or claude.ai activity, for the org API
 * (query/org_activity.c). tool is "cursor" or "claude_ai". */
struct org_tool_day {
	int64_t day;                 /* UTC day number */
	const char *email, *tool;
	int64_t active;              /* cursor: isActive on the daily row; claude_ai: events */
	int64_t lines_added, accepted_lines_added, tabs_shown, tabs_accepted; /* cursor daily */
	int64_t bill_nano;           /* cursor usage events: chargedCents when sent, else the
	                                token cost of chargeable events (the bill) */
	int64_t commit_lines, commit_ai_lines; /* cursor commits: added; tab + composer added */
};

struct store;

/* Every op is set on every backend (tests/unit/test_store_ops.c walks the
 * tables), so callers never test an op for NULL. */
struct store_ops {
	const char *name;
	void (*close)(struct store *s);
	/* Serialises writers across processes for a whole sync (so a report's
	 * sync and a server's sync never interleave). wait_ms < 0 waits forever,
	 * 0 tries once; AIU_EBUSY when another holder keeps it. */
	int (*sync_lock)(struct store *s, int wait_ms, struct aiu_err *err);
	void (*sync_unlock)(struct store *s);
	/* A first sync into an empty store may trade concurrent readers for
	 * speed (SQLite: a rollback journal, which journals almost nothing when
	 * every page is new). Best effort: on=false restores normal mode. */
	void (*bulk_mode)(struct store *s, bool on);
	int (*begin)(struct store *s, struct aiu_err *err);
	int (*commit)(struct store *s, struct aiu_err *err);
	int (*rollback)(struct store *s);

	int (*intern)(struct store *s, enum store_dict d, const char *str, size_t n,
		      int64_t *id, struct aiu_err *err);
	/* Name for an id; returns a pointer valid until the store is closed. */
	const char *(*dict_name)(struct store *s, enum store_dict d, int64_t id);

	int (*file_get)(struct store *s, const char *path, struct file_state *out,
			bool *found, struct aiu_err *err);
	int (*file_put)(struct store *s, struct file_state *f, struct aiu_err *err);
	int (*file_list)(struct store *s, int (*cb)(void *ctx, const struct file_state *f),
			 void *ctx, struct aiu_err *err);
	int (*files_reset)(struct store *s, struct aiu_err *err);

	int (*session_get)(struct store *s, const char *uuid, struct session_row *out,
			   bool *found, struct aiu_err *err);
	int (*session_put)(struct store *s, struct session_row *row, struct aiu_err *err);

	/* True if no usage row is stored (lets a first sync skip lookups). */
	int (*usage_empty)(struct store *s, bool *empty, struct aiu_err *err);
	int (*usage_get)(struct store *s, int64_t key, struct usage_row *out,
			 bool *found, struct aiu_err *err);
	int (*usage_put)(struct store *s, const struct usage_row *row, struct aiu_err *err);
	/* The same for many rows (written in the given order, several per statement). */
	int (*usage_put_many)(struct store *s, const struct usage_row *const *rows, size_t n,
			      struct aiu_err *err);

	/* Insert-if-absent on a 64-bit key; *inserted tells which happened. */
	int (*message_add)(struct store *s, int64_t key, int64_t session_id, int64_t ts,
			   int64_t file_id, int64_t byte_off, int64_t byte_len,
			   bool *inserted, struct aiu_err *err);

	/* Add (possibly negative) deltas to rollups. */
	int (*rollup_add)(struct store *s, const struct rollup_row *d, struct aiu_err *err);
	int (*session_rollup_add)(struct store *s, const struct session_rollup_row *d,
				  struct aiu_err *err);
	int (*tool_rollup_add)(struct store *s, const struct tool_rollup_row *d,
			       struct aiu_err *err);
	/* Bulk forms of the two above (several rows per statement). */
	int (*rollup_add_many)(struct store *s, const struct rollup_row *const *d, size_t n,
			       struct aiu_err *err);
	int (*tool_rollup_add_many)(struct store *s, const struct tool_rollup_row *d, size_t n,
				    struct aiu_err *err);

	int (*bad_line_add)(struct store *s, int64_t file_id, int64_t line_no,
			    int64_t byte_off, const char *msg, struct aiu_err *err);
	int (*bad_lines_clear)(struct store *s, int64_t file_id, struct aiu_err *err);

	/* --- reads for the query layer. Callbacks return 0 to go on, non-zero
	 * to stop (that value is returned). Rows are valid during the call. */
	/* Buckets in [from, to]; project_id 0 = all projects. */
	int (*rollup_scan)(struct store *s, int64_t from_bucket, int64_t to_bucket,
			   int64_t project_id, int (*cb)(void *ctx, const struct rollup_row *r),
			   void *ctx, struct aiu_err *err);
	int (*tool_rollup_scan)(struct store *s, int64_t from_bucket, int64_t to_bucket,
				int64_t project_id,
				int (*cb)(void *ctx, const struct tool_rollup_row *r),
				void *ctx, struct aiu_err *err);
	int (*session_scan)(struct store *s, int (*cb)(void *ctx, const struct session_row *r),
			    void *ctx, struct aiu_err *err);
	int (*session_rollup_scan)(struct store *s,
				   int (*cb)(void *ctx, const struct session_rollup_row *r),
				   void *ctx, struct aiu_err *err);
	int (*bad_line_scan)(struct store *s, int64_t limit,
			     int (*cb)(void *ctx, const char *path, int64_t line_no,
				       int64_t byte_off, const char *msg),
			     void *ctx, struct aiu_err *err);
	int (*dict_scan)(struct store *s, enum store_dict d,
			 int (*cb)(void *ctx, int64_t id, const char *name), void *ctx,
			 struct aiu_err *err);
	/* Looks a dictionary name up without creating it; *id = 0 if absent. */
	int (*dict_find)(struct store *s, enum store_dict d, const char *name, int64_t *id,
			 struct aiu_err *err);

	/* --- data version and read snapshots (the HTTP response cache).
	 * data_version: a number that changes whenever a committed write
	 * changed data (SQLite: meta 'generation', bumped inside the writing
	 * transaction by commit). read_begin/read_end bracket a consistent
	 * read snapshot (several scans see one committed state). */
	int (*data_version)(struct store *s, int64_t *v, struct aiu_err *err);
	int (*read_begin)(struct store *s, struct aiu_err *err);
	void (*read_end)(struct store *s);
	/* Makes this connection refuse every write from now on (the HTTP
	 * server's worker connections: handlers only read). */
	int (*read_only)(struct store *s, struct aiu_err *err);
	/* --- session detail, sync stats, retention (store/sync_sqlite.c) --- */
	/* One session's usage rows (ts, key order) and prompts (ts, key order). */
	int (*session_usage_scan)(struct store *s, int64_t session_id,
				  int (*cb)(void *ctx, const struct usage_row *r), void *ctx,
				  struct aiu_err *err);
	int (*session_message_scan)(struct store *s, int64_t session_id,
				    int (*cb)(void *ctx, const struct message_row *r), void *ctx,
				    struct aiu_err *err);
	/* A file row by id (path owned by out: file_state_release). */
	int (*file_get_id)(struct store *s, int64_t id, struct file_state *out, bool *found,
			   struct aiu_err *err);
	/* The meta table: value copied into out (cap bytes); value NULL deletes. */
	int (*meta_get)(struct store *s, const char *key, char *out, size_t cap, bool *found,
			struct aiu_err *err);
	int (*meta_set)(struct store *s, const char *key, const char *value, struct aiu_err *err);
	int (*data_stats)(struct store *s, struct store_data_stats *out, struct aiu_err *err);
	/* Deletes everything dated before cutoff_ms (a bucket boundary), inside
	 * the caller's transaction: see store/sync_sqlite.c for the rule. */
	int (*prune_before)(struct store *s, int64_t cutoff_ms, struct store_prune_stats *out,
			    struct aiu_err *err);
	/* --- organisation sources: Anthropic Admin API, identity, checkpoints,
	 * pull runs (store/org.h; SQLite: org_sqlite.c). Writes run inside
	 * begin/commit, so a page's rows and its checkpoint commit together. */
	int (*org_checkpoint_get)(struct store *s, const char *source, const char *name,
				  char *out, size_t cap, bool *found, struct aiu_err *err);
	int (*org_checkpoint_put)(struct store *s, const char *source, const char *name,
				  const char *value, struct aiu_err *err);
	/* A run row is written (and committed) at start with status "running". */
	int (*org_run_start)(struct store *s, struct org_run *run, struct aiu_err *err);
	int (*org_run_finish)(struct store *s, const struct org_run *run, struct aiu_err *err);
	int (*org_run_scan)(struct store *s, int64_t limit,
			    int (*cb)(void *ctx, const struct org_run *r), void *ctx,
			    struct aiu_err *err);
	/* Deletes one day of a report table: re-pulling a day replaces it. */
	int (*anth_day_clear)(struct store *s, enum anth_table t, int64_t day, struct aiu_err *err);
	/* Within a cleared day, identical natural keys add up (the vendor split a line). */
	int (*anth_usage_put)(struct store *s, const struct anth_usage_row *r, struct aiu_err *err);
	int (*anth_cost_put)(struct store *s, const struct anth_cost_row *r, struct aiu_err *err);
	int (*anth_cc_put)(struct store *s, const struct anth_cc_rec *r, struct aiu_err *err);
	int (*anth_user_put)(struct store *s, const struct anth_user *u, struct aiu_err *err);
	int (*anth_workspace_put)(struct store *s, const struct anth_workspace *w,
				  struct aiu_err *err);
	int (*anth_key_put)(struct store *s, const struct anth_key *k, struct aiu_err *err);
	/* Upsert by case-folded email; empty name/team keep what is stored. */
	int (*org_person_put)(struct store *s, const struct org_person *p, struct aiu_err *err);
	int (*org_key_map_clear)(struct store *s, struct aiu_err *err);
	int (*org_key_map_put)(struct store *s, const char *key_name, const char *email,
			       struct aiu_err *err);
	/* Reads: days in [from, to]; rows valid during the callback. */
	int (*anth_usage_scan)(struct store *s, int64_t from, int64_t to,
			       int (*cb)(void *ctx, const struct anth_usage_row *r), void *ctx,
			       struct aiu_err *err);
	int (*anth_cost_scan)(struct store *s, int64_t from, int64_t to,
			      int (*cb)(void *ctx, const struct anth_cost_row *r), void *ctx,
			      struct aiu_err *err);
	int (*anth_cc_scan)(struct store *s, int64_t from, int64_t to,
			    int (*cb)(void *ctx, const struct anth_cc_rec *r), void *ctx,
			    struct aiu_err *err);
	int (*anth_user_scan)(struct store *s, int (*cb)(void *ctx, const struct anth_user *u),
			      void *ctx, struct aiu_err *err);
	int (*anth_workspace_scan)(struct store *s,
				   int (*cb)(void *ctx, const struct anth_workspace *w), void *ctx,
				   struct aiu_err *err);
	int (*anth_key_scan)(struct store *s, int (*cb)(void *ctx, const struct anth_key *k),
			     void *ctx, struct aiu_err *err);
	int (*org_person_scan)(struct store *s, int (*cb)(void *ctx, const struct org_person *p),
			       void *ctx, struct aiu_err *err);
	int (*org_key_map_scan)(struct store *s,
				int (*cb)(void *ctx, const char *key_name, const char *email),
				void *ctx, struct aiu_err *err);

	/* --- organisation sources (cursor_sqlite.c, claude_ai_sqlite.c).
	 * Every put is idempotent on the row's natural key: re-pulls and
	 * re-imports replace, never add. *inserted (may be NULL) tells new rows. */
	int (*claude_ai_event_add)(struct store *s, const struct claude_ai_event *e,
				   bool *inserted, struct aiu_err *err);
	int (*cursor_member_put)(struct store *s, const struct cursor_member *m,
				 struct aiu_err *err);
	int (*cursor_daily_put)(struct store *s, const struct cursor_daily *d,
				bool *inserted, struct aiu_err *err);
	int (*cursor_event_put)(struct store *s, const struct cursor_event *e,
				bool *inserted, struct aiu_err *err);
	/* Stores a snapshot (one per cycle, person and day: the latest wins) and
	 * recomputes that person's per-day deltas for the cycle. */
	int (*cursor_spend_put)(struct store *s, const struct cursor_spend_snap *sp,
				struct aiu_err *err);
	int (*cursor_spend_scan)(struct store *s,
				 int (*cb)(void *ctx, const struct cursor_spend_delta *d),
				 void *ctx, struct aiu_err *err);
	int (*cursor_commit_put)(struct store *s, const struct cursor_commit *c,
				 bool *inserted, struct aiu_err *err);
	int (*cursor_change_put)(struct store *s, const struct cursor_change *c,
				 bool *inserted, struct aiu_err *err);
	/* --- team server (store/team.h; migration 5). Writes run inside
	 * begin/commit. */
	int (*token_add)(struct store *s, struct api_token *t, struct aiu_err *err);
	/* Every token (revoked too), by id. */
	int (*token_scan)(struct store *s, int (*cb)(void *ctx, const struct api_token *t),
			  void *ctx, struct aiu_err *err);
	/* Active tokens with this prefix (normally one). */
	int (*token_find)(struct store *s, const char *prefix,
			  int (*cb)(void *ctx, const struct api_token *t), void *ctx,
			  struct aiu_err *err);
	int (*token_active_count)(struct store *s, int64_t *n, struct aiu_err *err);
	/* Marks id revoked at now_ms; *found = false if no active token has it. */
	int (*token_revoke)(struct store *s, int64_t id, int64_t now_ms, bool *found,
			    struct aiu_err *err);
	int (*push_sent_get)(struct store *s, const char *server, int64_t key, int64_t *sig,
			     bool *found, struct aiu_err *err);
	int (*push_sent_put)(struct store *s, const char *server, int64_t key, int64_t sig,
			     struct aiu_err *err);
	/* Insert-if-absent: the first person to push a request keeps it. */
	int (*push_person_put)(struct store *s, const char *msg_id, const char *req_id,
			       const char *person, int64_t now_ms, struct aiu_err *err);
	/* All usage rows, in key order (the push client's scan). */
	int (*usage_scan)(struct store *s, int (*cb)(void *ctx, const struct usage_row *r),
			  void *ctx, struct aiu_err *err);
	/* Org API reads (org_read_sqlite.c): person-days of days [from, to], by
	 * day, tool, email; and the Cursor members (seats). */
	int (*org_tool_day_scan)(struct store *s, int64_t from, int64_t to,
				 int (*cb)(void *ctx, const struct org_tool_day *d), void *ctx,
				 struct aiu_err *err);
	int (*cursor_member_scan)(struct store *s,
				  int (*cb)(void *ctx, const struct cursor_member *m), void *ctx,
				  struct aiu_err *err);
	/* The session report's rows, for streaming it (store/scale_sqlite.c):
	 * sessions with last_ts != 0 that have rollup_session rows with n > 0,
	 * ordered by (last_ts, uuid) (both descending when desc), one callback
	 * per session with those rows in (model_id, variant) order. The
	 * session's git_branch and version are left empty. Memory: one
	 * session at a time (the backend's sort may spill to disk; PostgreSQL:
	 * store/scale_pg.c, a cursor). */
	int (*session_report_scan)(struct store *s, bool desc,
				   int (*cb)(void *ctx, const struct session_row *r,
					     const struct session_rollup_row *rr, size_t n),
				   void *ctx, struct aiu_err *err);
	/* --- bulk forms for a store behind a network round trip (PostgreSQL:
	 * one round trip per batch instead of one per row; see store.remote).
	 * SQLite's are loops over its one-row ops (store_loops.c). */
	/* Calls cb for every stored row whose key is in keys[0..n), in any
	 * order; absent keys are skipped. */
	int (*usage_get_many)(struct store *s, const int64_t *keys, size_t n,
			      int (*cb)(void *ctx, const struct usage_row *r), void *ctx,
			      struct aiu_err *err);
	/* message_add for rows[0..n); inserted[i] tells which were new (a key
	 * listed twice is new at most once, at its first place). */
	int (*message_add_many)(struct store *s, const struct message_row *rows, size_t n,
				bool *inserted, struct aiu_err *err);
	int (*session_rollup_add_many)(struct store *s, const struct session_rollup_row *const *d,
				       size_t n, struct aiu_err *err);
	/* The sessions of uuids[0..n): stored ones are read, missing ones are
	 * inserted holding only the uuid (as session_put of a new row), in the
	 * given order. cb gets every row; created tells the inserted ones. */
	int (*session_get_many)(struct store *s, const char *const *uuids, size_t n,
				int (*cb)(void *ctx, const struct session_row *r, bool created),
				void *ctx, struct aiu_err *err);
};

struct store {
	const struct store_ops *ops;
	char *uri;            /* path or URL as opened; owned */
	/* every op is a network round trip (PostgreSQL): callers that handle
	 * many rows use the *_many ops (cc_apply queues records for them);
	 * on SQLite those are plain loops over the one-row ops (store_loops.c) */
	bool remote;
};

/* Opens (creating and migrating) the store at uri: a file path for SQLite,
 * a postgres:// or postgresql:// URI for PostgreSQL (store_pg.h).
 * Caller closes with store_close(). */
int store_open(const char *uri, struct store **out, struct aiu_err *err);
void store_close(struct store *s);
/* Default SQLite path: $AIUSAGE_DB, else $XDG_DATA_HOME/aiusage/aiusage.db,
 * else ~/.local/share/aiusage/aiusage.db. Writes into out (cap bytes). */
int store_default_path(char *out, size_t cap, struct aiu_err *err);

static inline int store_begin(struct store *s, struct aiu_err *e) { return s->ops->begin(s, e); }
static inline int store_commit(struct store *s, struct aiu_err *e) { return s->ops->commit(s, e); }
static inline int store_rollback(struct store *s) { return s->ops->rollback(s); }

#endif
