/* claude_ai_sqlite.c - claude.ai audit events in the SQLite backend. Events
 * are insert-if-absent on their natural key, so an overlapping re-import
 * adds nothing. */
#include "store/org_sqlite_int.h"

int sq_claude_ai_event_add(struct store *s, const struct claude_ai_event *e, bool *inserted,
			   struct aiu_err *err)
{
	struct sqlite_store *q = SQ(s);
	sqlite3_stmt *st;
	int rc = org_prepare(q,
		"INSERT OR IGNORE INTO claude_ai_events(key, ts, event, email, actor_name,"
		" actor_uuid, entity_type, entity_uuid, event_info, client_platform, device_id,"
		" user_agent, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
		&st, err);
	if (rc < 0)
		goto out;
	org_bind_text(st, 1, e->key);
	sqlite3_bind_int64(st, 2, e->ts);
	org_bind_text(st, 3, e->event ? e->event : "");
	org_bind_text(st, 4, e->email ? e->email : "");
	org_bind_text(st, 5, e->actor_name);
	org_bind_text(st, 6, e->actor_uuid);
	org_bind_text(st, 7, e->entity_type);
	org_bind_text(st, 8, e->entity_uuid);
	org_bind_text(st, 9, e->event_info);
	org_bind_text(st, 10, e->client_platform);
	org_bind_text(st, 11, e->device_id);
	org_bind_text(st, 12, e->user_agent);
	org_bind_text(st, 13, e->source ? e->source : "");
	rc = org_exec(q, st, err, "store claude.ai event");
	st = NULL;
	if (rc == AIU_OK && inserted)
		*inserted = sqlite3_changes(q->db) > 0;
out:
	sqlite3_finalize(st);
	return rc;
}
