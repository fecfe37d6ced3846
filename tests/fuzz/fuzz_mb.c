/* fuzz_mb.c - libFuzzer target for what `metabase provision` reads from a
 * Metabase server: the version tag (first line) and JSON answers compared
 * with what we want (the rest, parsed as JSON and compared both ways and
 * with itself, which must always hold). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/mb_provision.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl ? (size_t)(nl - data) : size;
	char *tag = malloc(n + 1);
	json_t *a, *b;
	if (!tag)
		return 0;
	memcpy(tag, data, n);
	tag[n] = '\0';
	(void)mb_feature_version(tag);
	free(tag);
	if (!nl)
		return 0;
	size_t rest = size - n - 1, half = rest / 2;
	const char *r = (const char *)nl + 1;
	a = json_loadb(r, rest, JSON_DECODE_ANY, NULL);
	b = json_loadb(r, half, JSON_DECODE_ANY, NULL);
	if (a && !mb_json_contains(a, a))
		abort();   /* everything holds itself */
	if (a && b) {
		(void)mb_json_contains(a, b);
		(void)mb_json_contains(b, a);
	}
	json_decref(a);
	json_decref(b);
	return 0;
}
