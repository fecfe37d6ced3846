/* fuzz_claude_ai.c - libFuzzer target for the claude.ai export reader
 * (format sniffing, ZIP via libarchive, CSV, JSON, the literal columns):
 * any bytes are read or rejected with an error, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ingest/claude_ai.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_event(void *ctx, const struct claude_ai_event *e, struct aiu_err *err)
{
	(void)err;
	/* touch every string, as the store would */
	*(size_t *)ctx += strlen(e->key) + strlen(e->event) + strlen(e->email) +
			  (e->event_info ? strlen(e->event_info) : 0);
	return 0;
}

static int on_bad(void *ctx, const char *msg)
{
	*(size_t *)ctx += strlen(msg);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t sum = 0;
	struct claude_ai_sink sink = { .on_event = on_event, .on_bad = on_bad, .ctx = &sum };
	struct aiu_err err;
	(void)claude_ai_parse_mem("fuzz", data, size, &sink, &err);
	return 0;
}
