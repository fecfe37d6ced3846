/* fuzz_push_wire.c - libFuzzer target for the push body parser (POST
 * /api/ingest/usage): any bytes must parse or fail with an error message;
 * every delivered record is an assistant record with a time in range,
 * non-negative counts, non-empty ids within their caps and at most 64 tool
 * calls; every delivered session entry has a non-empty id and a project
 * within their caps, a count in range and ordered bounds; every rejected record or session names a field. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/push_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int rec(void *ctx, size_t index, const struct cc_record *r, const char *path,
	       struct aiu_err *err)
{
	(void)ctx;
	(void)index;
	(void)err;
	if (r->type != CC_ASSISTANT || !r->has_ts || !r->has_usage || !path)
		abort();
	if (!r->msg_id.n || r->msg_id.n > 127 || !r->session_id.n || !r->model.n || !r->cwd.n)
		abort();
	if (r->input < 0 || r->output < 0 || r->cw_5m < 0 || r->cw_1h < 0 || r->cache_read < 0 ||
	    r->web_search < 0 || r->cache_write != r->cw_5m + r->cw_1h)
		abort();
	if (r->n_tools > CC_MAX_TOOLS || r->ts_ms < 946684800000LL)
		abort();
	for (uint32_t i = 0; i < r->n_tools; i++)
		if (!r->tools[i].id.n || !r->tools[i].name.n)
			abort();
	return 0;
}

static int sess(void *ctx, size_t index, const struct push_session *ps, struct aiu_err *err)
{
	(void)ctx;
	(void)index;
	(void)err;
	if (!ps->session_id || !*ps->session_id || strlen(ps->session_id) > 127 || !ps->project ||
	    strlen(ps->project) > 4096 || ps->user_msgs < 0 || ps->user_msgs > PUSH_MAX_USER_MSGS ||
	    ps->first_ts < 0 || ps->last_ts < 0 ||
	    (ps->first_ts && ps->last_ts && ps->last_ts < ps->first_ts))
		abort();
	return 0;
}

static void bad(void *ctx, size_t index, const char *field, const char *msg)
{
	(void)ctx;
	(void)index;
	if (!field || !*field || !msg || !*msg)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct push_sink sink = { NULL, rec, bad, sess };
	struct aiu_err err;
	memset(&err, 0, sizeof(err));
	if (push_wire_parse((const char *)data, size, &sink, &err) < 0 && !err.msg[0])
		abort();
	return 0;
}
