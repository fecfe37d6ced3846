/* claude_ai.h - claude.ai Enterprise audit-log exports: the ZIP the admin
 * downloads (every .csv/.json entry inside), a bare CSV, or JSON.
 *
 * CSV columns: created_at, event, actor_info, event_info, entity_info,
 * ip_address, device_id, user_agent, client_platform. The *_info columns are
 * Python dict literals (pylit.h). JSON: an array of such objects (dict
 * fields as objects or as literal strings), or an object holding the array
 * under data/events/activities/items; Compliance-API-style activities
 * (id, type, actor{email_address}) are understood too.
 *
 * Natural key of an event: its id when it has one, else a 128-bit hash of
 * the row's content plus the occurrence number of that content within the
 * file, so the same event in two overlapping exports has one key and a
 * re-import adds nothing. The IP address is not kept.
 *
 * A bad row (wrong field count, bad timestamp, a literal that does not
 * parse) is reported through on_bad with the file, line and record and the
 * rest is read. A ZIP entry with an unsafe path ("..", absolute), an entry
 * over the size cap, or too many entries is reported the same way and
 * skipped.
 */
#ifndef AIU_CLAUDE_AI_H
#define AIU_CLAUDE_AI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "store/store.h"

#define CLAUDE_AI_FILE_MAX ((int64_t)512 << 20)   /* bytes of one file or entry */
#define CLAUDE_AI_ZIP_TOTAL_MAX ((int64_t)2 << 30) /* bytes inflated from one ZIP */
#define CLAUDE_AI_ZIP_ENTRIES_MAX 1000
#define CLAUDE_AI_LITERAL_MAX ((size_t)256 << 10)  /* bytes of one dict column */

struct claude_ai_sink {
	/* One good event; strings are valid during the call. < 0 stops. */
	int (*on_event)(void *ctx, const struct claude_ai_event *e, struct aiu_err *err);
	/* One bad row or entry; msg names file, line and field. < 0 stops. */
	int (*on_bad)(void *ctx, const char *msg);
	void *ctx;
};

/* Parses an export held in memory (format sniffed from the bytes). name is
 * used in messages and as the events' source. Returns 0 when the input
 * could be read as a whole (bad rows are reported, not fatal), or an error
 * for input that cannot be read at all. */
int claude_ai_parse_mem(const char *name, const void *data, size_t n,
			const struct claude_ai_sink *sink, struct aiu_err *err);
/* The same from a file, streaming CSV and ZIP entries. */
int claude_ai_parse_file(const char *path, const struct claude_ai_sink *sink,
			 struct aiu_err *err);

struct claude_ai_stats {
	int64_t rows, added, already, bad, people;
};

/* Imports path into the store: batches of rows, each batch one
 * transaction; bad rows are printed to errf (NULL: not printed). */
int claude_ai_import(struct store *s, const char *path, FILE *errf,
		     struct claude_ai_stats *st, struct aiu_err *err);

#endif
