/* fuzz_pylit.c - libFuzzer target for the Python-literal parser: any bytes
 * parse into a tree or fail with an error; a tree always serialises. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ingest/pylit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aiu_err err;
	json_t *v = NULL;
	if (pylit_parse((const char *)data, size, &v, &err) == 0) {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!s)
			abort();
		free(s);
		json_decref(v);
	} else if (v) {
		abort(); /* no tree on failure */
	}
	return 0;
}
