/* fuzz_anthropic_json.c - libFuzzer target for the Anthropic Admin API page
 * parser: any bytes, as any of the six page kinds, must parse or fail with
 * an error; every delivered row must be well-formed (terminated strings,
 * non-negative counts, bounded arrays). The first byte picks the kind. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/anthropic_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_bucket(void *ctx, int64_t day)
{
	(void)ctx;
	(void)day;
	return 0;
}

static int on_usage(void *ctx, const struct anth_usage_row *u)
{
	(void)ctx;
	if (u->uncached_input < 0 || u->output < 0 || u->cw5m < 0 || u->cw1h < 0 ||
	    u->cache_read < 0 || u->web_search < 0 || strlen(u->model) >= sizeof(u->model))
		abort();
	return 0;
}

static int on_cost(void *ctx, const struct anth_cost_row *c)
{
	(void)ctx;
	if (strlen(c->description) >= sizeof(c->description) || strcmp(c->currency, "USD") != 0)
		abort();
	return 0;
}

static int on_cc(void *ctx, const struct anth_cc_rec *c)
{
	(void)ctx;
	if (c->ntools > ANTH_CC_MAX_TOOLS || c->nmodels > ANTH_CC_MAX_MODELS || !c->actor[0] ||
	    c->sessions < 0)
		abort();
	for (const char *p = c->actor; *p; p++)
		if (strcmp(c->actor_type, "user") == 0 && *p >= 'A' && *p <= 'Z')
			abort(); /* emails are case-folded */
	return 0;
}

static int on_user(void *ctx, const struct anth_user *u)
{
	(void)ctx;
	if (!u->id[0] || !u->email[0])
		abort();
	return 0;
}

static int on_ws(void *ctx, const struct anth_workspace *w)
{
	(void)ctx;
	if (!w->id[0])
		abort();
	return 0;
}

static int on_key(void *ctx, const struct anth_key *k)
{
	(void)ctx;
	if (!k->id[0])
		abort();
	return 0;
}

static int on_err(void *ctx, int64_t day, const char *msg)
{
	(void)ctx;
	(void)day;
	if (!msg[0])
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct anth_sink sink = { NULL, on_bucket, on_usage, on_cost, on_cc,
					on_user, on_ws, on_key, on_err };
	struct anth_page_info info;
	struct aiu_err err;
	enum anth_kind kind;
	if (size < 1)
		return 0;
	kind = (enum anth_kind)(data[0] % 6);
	if (anth_parse_page(kind, (const char *)data + 1, size - 1, "fuzz", &sink, &info, &err) == 0) {
		if (info.rows < 0 || info.bad_rows < 0 || strlen(info.next) >= sizeof(info.next))
			abort();
	} else if (!err.msg[0]) {
		abort();
	}
	return 0;
}
