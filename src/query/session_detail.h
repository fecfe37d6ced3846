/* session_detail.h - the messages of one session, for the dashboard's
 * session-detail view (GET /api/analytics/sessions/:id).
 *
 * Numbers come from the store: deduplicated usage rows (assistant requests)
 * and deduplicated prompts (user messages). Text is read back from the
 * transcript files those rows point to (file + byte offset), parsed with
 * jansson and bounded (content_cap per message, SD_SESSION_TEXT_CAP per
 * call). When a transcript is gone or no longer matches what was ingested
 * (head hash / size), the message is still listed with
 * content_available=false and content "".
 */
#ifndef AIU_SESSION_DETAIL_H
#define AIU_SESSION_DETAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/pricing.h"
#include "store/store.h"

#define SD_CONTENT_CAP_DEFAULT ((size_t)64 << 10)   /* per message (docs/API.md) */
#define SD_SESSION_TEXT_CAP ((size_t)64 << 20)      /* all text of one call */
#define SD_LINE_CAP ((size_t)16 << 20)              /* a transcript line read back */

struct sd_message {
	char id[128];              /* user: record uuid; assistant: message.id */
	const char *role;          /* "user" or "assistant" (static strings) */
	int64_t ts_ms;
	char *content;             /* UTF-8 text, owned, "" when none; at most content_cap bytes (cut on a UTF-8 boundary) */
	bool truncated, content_available; /* content_available=false: transcript gone, numbers from the store */
	struct tokens t;           /* assistant: the deduplicated request's usage */
	int64_t cost_nano;         /* estimate from the price table; 0 for user messages */
	bool unpriced;
	const char *model;         /* store dictionary string or NULL */
	const char **tools;        /* tool call names: array owned, strings owned by the store */
	size_t ntools;
};

struct sd_list {
	struct sd_message *v;      /* owned; free with sd_list_free */
	size_t n;
	int64_t total;             /* messages in the session (before offset/limit) */
};

/* *found=false when no such session. Messages in time order; offset/limit page them. */
int session_detail_messages(struct store *s, const struct pricing *p, const char *session_uuid,
			    size_t content_cap, int64_t offset, int64_t limit,
			    struct sd_list *out, bool *found, struct aiu_err *err);
void sd_list_free(struct sd_list *l);

#endif
