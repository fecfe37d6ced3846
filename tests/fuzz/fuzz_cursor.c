/* fuzz_cursor.c - libFuzzer target for the Cursor body parsers (members,
 * daily usage, events, spend, AI Code Tracking JSON and CSV) and the exact
 * decimal helpers they rest on. The first byte picks the parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/kmap.h"
#include "ingest/cursor_parse.h"
#include "ingest/json_exact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int row(void *ctx, enum cursor_kind k, const void *r, struct aiu_err *err)
{
	(void)err;
	(void)r;
	*(int64_t *)ctx += k;
	return 0;
}

static int bad(void *ctx, const char *msg)
{
	*(int64_t *)ctx += (int64_t)strlen(msg);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t n = 0, v;
	struct cursor_sink sink = { .row = row, .bad = bad, .ctx = &n };
	struct cursor_page pg;
	struct aiu_err err;
	struct kmap occ;
	const char *b = (const char *)data + 1;
	size_t len = size ? size - 1 : 0;
	if (size < 1)
		return 0;
	kmap_init(&occ, 16, sizeof(int64_t), 100000);
	switch (data[0] % 9) {
	case 0: (void)cursor_parse_members(b, len, &sink, &err); break;
	case 1: (void)cursor_parse_daily(b, len, &sink, &err); break;
	case 2: (void)cursor_parse_events(b, len, &occ, &sink, &pg, &err); break;
	case 3: (void)cursor_parse_spend(b, len, 1, 1, &sink, &pg, &err); break;
	case 4: (void)cursor_parse_commits(b, len, &sink, &pg, &err); break;
	case 5: (void)cursor_parse_changes(b, len, &sink, &pg, &err); break;
	case 6: (void)cursor_parse_commits_csv("f", b, len, &sink, &err); break;
	case 7: (void)cursor_parse_changes_csv("f", b, len, &sink, &err); break;
	case 8: {
		struct buf q;
		buf_init(&q, len * 2 + 16);
		if (json_quote_reals(b, len, &q) != 0)
			abort();
		(void)dec_to_scaled(b, len, (int)(len % 10), &v);
		buf_release(&q);
		break;
	}
	}
	kmap_release(&occ);
	return 0;
}
