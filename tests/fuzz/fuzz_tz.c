/* fuzz_tz.c - libFuzzer target for our own TZif and POSIX TZ parsers: any
 * input must load cleanly or fail with an error, and a loaded zone must
 * answer queries without crashing. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aiu_err err;
	struct tz *z = NULL;
	static const int64_t probes[] = { INT64_MIN / 2, -2208988800LL, 0, 946684800LL,
					  1763892000LL, 2147483647LL, 4102444800LL, INT64_MAX / 2000 };

	if (tz_load_tzif(data, size, "fuzz", &z, &err) == 0) {
		for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
			(void)tz_offset_at(z, probes[i]);
			(void)tz_local_day(z, probes[i] * 1000);
		}
		(void)tz_day_start_ms(z, 20000);
		tz_free(z);
	}
	if (size < 256) {
		char spec[257];
		memcpy(spec, data, size);
		spec[size] = '\0';
		z = NULL;
		if (tz_load_posix(spec, &z, &err) == 0) {
			for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
				(void)tz_offset_at(z, probes[i]);
			(void)tz_day_start_ms(z, 20000);
			tz_free(z);
		}
	}
	return 0;
}
