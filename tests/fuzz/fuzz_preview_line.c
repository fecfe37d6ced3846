/* fuzz_preview_line.c - libFuzzer target for the preview's raw-line field
 * reader (cc_preview_line): any bytes must be handled, and every slice it
 * returns must lie inside the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ingest/cc_preview.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct cc_preview_line pl;

	cc_preview_line(line, size, &pl);
	if (pl.session && (pl.session < line || pl.session + pl.session_n > line + size))
		abort();
	if (pl.msg_id && (pl.msg_id < line || pl.msg_id + pl.msg_id_n > line + size))
		abort();
	if (pl.kind != 0 && pl.kind != 'u' && pl.kind != 'a')
		abort();
	return 0;
}
