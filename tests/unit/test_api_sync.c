/* test_api_sync.c - the human database size of GET /api/sync/stats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/api_sync.h"

static void test_human_size(void **state)
{
	static const struct {
		int64_t bytes;
		const char *want;
	} cases[] = {
		{ 0, "0 B" }, { 999, "999 B" }, { 1000, "1.0 kB" }, { 208896, "208.9 kB" },
		{ 999949, "999.9 kB" }, { 999960, "1.0 MB" }, { 45600000, "45.6 MB" },
		{ 45649999, "45.6 MB" }, { 45650000, "45.7 MB" }, { 1000000000, "1.0 GB" },
		{ 2500000000000LL, "2.5 TB" }, { 12345000000000000LL, "12345.0 TB" },
	};
	char out[32];
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		api_human_size(cases[i].bytes, out, sizeof(out));
		assert_string_equal(out, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_human_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
