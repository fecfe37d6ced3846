/* anthropic_json.h - parses one page of an Anthropic Admin API response
 * (reports: usage_report/messages, cost_report, usage_report/claude_code;
 * lists: users, workspaces, api_keys) into the row types of store/org.h and
 * hands every row to a sink.
 *
 * Lenient where the vendor may grow (unknown keys and tool names pass;
 * missing token counts are 0), strict where numbers would go wrong:
 *  - cost `amount` is a decimal string of cents, read exactly into
 *    nano-dollars (no double); a non-USD currency is an error;
 *  - a page whose shape is wrong (not JSON, no `data` array, has_more
 *    without a cursor) fails the page with AIU_EPARSE naming the endpoint
 *    and field;
 *  - a row (or bucket) that is wrong is skipped and reported through
 *    sink->row_error with the endpoint, day, row index and field; the rest
 *    of the page is still delivered.
 */
#ifndef AIU_ANTHROPIC_JSON_H
#define AIU_ANTHROPIC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "ingest/http_client.h"
#include "store/org.h"

enum anth_kind { ANTH_USAGE, ANTH_COST, ANTH_CC, ANTH_USERS, ANTH_WORKSPACES, ANTH_KEYS };

/* Callbacks return 0 to go on or a negative code to stop the page. Any may
 * be NULL (the row is then dropped). */
struct anth_sink {
	void *ctx;
	int (*bucket)(void *ctx, int64_t day);   /* reports: a day bucket starts (also when empty) */
	int (*usage)(void *ctx, const struct anth_usage_row *r);
	int (*cost)(void *ctx, const struct anth_cost_row *r);
	int (*cc)(void *ctx, const struct anth_cc_rec *r);
	int (*user)(void *ctx, const struct anth_user *u);
	int (*workspace)(void *ctx, const struct anth_workspace *w);
	int (*key)(void *ctx, const struct anth_key *k);
	/* day is the bucket's day (INT64_MIN when unknown) */
	int (*row_error)(void *ctx, int64_t day, const char *msg);
};

struct anth_page_info {
	char next[HTTP_CURSOR_MAX]; /* next_page (reports) or last_id (lists); "" = last page */
	int64_t buckets, rows, bad_rows;
	int64_t first_day, last_day; /* reports: bucket days seen (INT64_MIN/MAX when none) */
};

int anth_parse_page(enum anth_kind kind, const char *body, size_t n, const char *endpoint,
		    const struct anth_sink *sink, struct anth_page_info *info,
		    struct aiu_err *err);

/* ASCII case-fold of an email in place (the identity key everywhere). */
void org_fold_email(char *s);

#endif
