/* test_assets.c - the embedded dashboard files: lookup, "/" -> index.html,
 * table order, MIME types, etags, and that the chart library is embedded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/assets.h"

static void test_index(void **st)
{
	const struct asset *a = assets_find("/"), *b = assets_find("/index.html");
	(void)st;
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_string_equal(a->mime, "text/html; charset=utf-8");
	assert_true(a->len > 100);
	assert_non_null(strstr((const char *)a->data, "<!doctype html>"));
	assert_int_equal(a->data[a->len], 0); /* NUL after the bytes */
}

static void test_missing(void **st)
{
	(void)st;
	assert_null(assets_find(NULL));
	assert_null(assets_find(""));
	assert_null(assets_find("/nope.js"));
	assert_null(assets_find("index.html"));      /* no leading slash */
	assert_null(assets_find("/../CMakeLists.txt"));
	assert_null(assets_find("/js/../index.html")); /* no path resolution */
	assert_null(assets_find("/index.html?x=1"));   /* caller strips the query */
}

static void test_table(void **st)
{
	size_t n = assets_count(), total = 0;
	(void)st;
	assert_true(n >= 4);
	for (size_t i = 0; i < n; i++) {
		const struct asset *a = assets_at(i);

		assert_non_null(a);
		assert_int_equal(a->path[0], '/');
		/* sorted strictly, so the binary search finds every entry */
		if (i > 0)
			assert_true(strcmp(assets_at(i - 1)->path, a->path) < 0);
		assert_ptr_equal(assets_find(a->path), a);
		/* quoted 20-hex-digit strong etag */
		assert_int_equal(strlen(a->etag), 22);
		assert_int_equal(a->etag[0], '"');
		assert_int_equal(a->etag[21], '"');
		assert_int_equal(strspn(a->etag + 1, "0123456789abcdef"), 20);
		for (size_t j = 0; j < i; j++)
			if (assets_at(j)->len != a->len || memcmp(assets_at(j)->data, a->data, a->len))
				assert_string_not_equal(assets_at(j)->etag, a->etag);
		assert_non_null(a->mime);
		total += a->len;
	}
	assert_null(assets_at(n));
	assert_int_equal(total, assets_total_bytes());
}

static void test_chart_library(void **st)
{
	const struct asset *a = assets_find("/vendor/chart.umd.min.js");
	(void)st;
	assert_non_null(a);
	assert_string_equal(a->mime, "text/javascript; charset=utf-8");
	assert_true(a->len > 100000);
	assert_non_null(strstr((const char *)a->data, "Chart.js v4."));
	/* the source map is not embedded, so its reference is stripped */
	assert_null(strstr((const char *)a->data, "sourceMappingURL"));
	/* every script the page loads is embedded too */
	assert_non_null(assets_find("/js/app.js"));
	assert_non_null(assets_find("/app.css"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_chart_library),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
