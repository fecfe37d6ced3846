/* fuzz_config.c - libFuzzer target for the INI config parser: any bytes
 * must parse or fail with an error naming a line; every string field stays
 * terminated within its buffer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aiu_config c;
	struct aiu_err err;
	config_defaults(&c);
	if (config_parse(&c, (const char *)data, size, "fuzz.ini", &err) < 0) {
		if (strncmp(err.msg, "fuzz.ini", 8) != 0)
			abort();
		return 0;
	}
	if (strnlen(c.anthropic_admin_key, sizeof(c.anthropic_admin_key)) >= sizeof(c.anthropic_admin_key) ||
	    strnlen(c.cursor_base_url, sizeof(c.cursor_base_url)) >= sizeof(c.cursor_base_url) ||
	    strnlen(c.schedule, sizeof(c.schedule)) >= sizeof(c.schedule) || c.backfill_days < 1)
		abort();
	return 0;
}
