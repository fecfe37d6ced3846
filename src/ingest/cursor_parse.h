/* cursor_parse.h - Cursor Admin and AI Code Tracking API bodies into store
 * rows (no I/O: cursor_pull.c fetches, these parse; the fuzz target drives
 * them directly). Wire formats: shared/reference/external-apis.md section B.
 *
 * Every JSON body first goes through json_quote_reals() so cents with a
 * fraction (tokenUsage.totalCents) are read exactly as decimals, never as
 * doubles. Unknown fields are ignored; a row missing what it needs (no
 * email, a bad timestamp, a wrong type) is reported through on_bad naming
 * the endpoint, the item and the field, and the rest of the page is used.
 */
#ifndef AIU_CURSOR_PARSE_H
#define AIU_CURSOR_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/kmap.h"
#include "store/store.h"

#define CURSOR_BODY_MAX ((size_t)64 << 20)

enum cursor_kind { CK_MEMBER, CK_DAILY, CK_EVENT, CK_SPEND, CK_COMMIT, CK_CHANGE };

struct cursor_sink {
	/* row points to the struct matching kind (store.h); valid during the call */
	int (*row)(void *ctx, enum cursor_kind kind, const void *row, struct aiu_err *err);
	int (*bad)(void *ctx, const char *msg);
	void *ctx;
};

/* Paging facts of one response (whatever the endpoint reports). */
struct cursor_page {
	bool has_next;
	int64_t page, pages, total;
	int64_t cycle_start;     /* spend: subscriptionCycleStart */
};

/* occ: the pull's occurrence map for event keys (events carry no id): the
 * n-th identical event of a pull gets key "<hash>:n", the same in every
 * overlapping re-pull. The caller kmap_init()s it with 16-byte keys and
 * int64 values. */
int cursor_parse_members(const char *body, size_t n, const struct cursor_sink *sink,
			 struct aiu_err *err);
int cursor_parse_daily(const char *body, size_t n, const struct cursor_sink *sink,
		       struct aiu_err *err);
int cursor_parse_events(const char *body, size_t n, struct kmap *occ,
			const struct cursor_sink *sink, struct cursor_page *pg, struct aiu_err *err);
/* day / taken_ms: when this snapshot was read. */
int cursor_parse_spend(const char *body, size_t n, int64_t day, int64_t taken_ms,
		       const struct cursor_sink *sink, struct cursor_page *pg, struct aiu_err *err);
int cursor_parse_commits(const char *body, size_t n, const struct cursor_sink *sink,
			 struct cursor_page *pg, struct aiu_err *err);
int cursor_parse_changes(const char *body, size_t n, const struct cursor_sink *sink,
			 struct cursor_page *pg, struct aiu_err *err);
/* The CSV forms (commits.csv / changes.csv); name is used in messages. */
int cursor_parse_commits_csv(const char *name, const char *body, size_t n,
			     const struct cursor_sink *sink, struct aiu_err *err);
int cursor_parse_changes_csv(const char *name, const char *body, size_t n,
			     const struct cursor_sink *sink, struct aiu_err *err);

#endif
