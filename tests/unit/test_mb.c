/* test_mb.c - Metabase provisioning pieces that need no server: version
 * tags, the "already there?" comparison, and the spec tables (every
 * template tag known, every dashboard card defined, the grid respected). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "render/mb_provision.h"
#include "render/mb_spec.h"

static void test_version(void **state)
{
	(void)state;
	assert_int_equal(mb_feature_version("v0.50.3"), 50);
	assert_int_equal(mb_feature_version("v1.52.0-beta"), 52);
	assert_int_equal(mb_feature_version("0.47.0"), 47);
	assert_int_equal(mb_feature_version("v0.46"), 46);
	assert_int_equal(mb_feature_version("v2.50.0"), -1);
	assert_int_equal(mb_feature_version("vx.50"), -1);
	assert_int_equal(mb_feature_version("v0."), -1);
	assert_int_equal(mb_feature_version(""), -1);
	assert_int_equal(mb_feature_version(NULL), -1);
	assert_int_equal(mb_feature_version("v0.99999999999999999999"), -1);
}

static bool contains_text(const char *want, const char *have)
{
	json_t *w = json_loads(want, 0, NULL), *h = json_loads(have, 0, NULL);
	bool r;
	assert_non_null(w);
	assert_non_null(h);
	r = mb_json_contains(w, h);
	json_decref(w);
	json_decref(h);
	return r;
}

static void test_contains(void **state)
{
	(void)state;
	assert_true(contains_text("{\"a\":1}", "{\"a\":1,\"b\":2}"));
	assert_true(contains_text("{\"a\":1}", "{\"a\":1.0}"));
	assert_false(contains_text("{\"a\":1,\"c\":3}", "{\"a\":1,\"b\":2}"));
	assert_false(contains_text("{\"a\":[1,2]}", "{\"a\":[1,2,3]}"));
	assert_true(contains_text("{\"a\":[{\"x\":1}]}", "{\"a\":[{\"x\":1,\"y\":2}]}"));
	assert_false(contains_text("{\"a\":{\"x\":\"1\"}}", "{\"a\":{\"x\":1}}"));
	assert_false(contains_text("{\"a\":null}", "{}"));
	assert_true(contains_text("{\"a\":null}", "{\"a\":null}"));
}

static void test_spec(void **state)
{
	(void)state;
	for (size_t i = 0; i < mb_ncards; i++) {
		const char *p = mb_cards[i].sql;
		int n = 0;
		while ((p = strstr(p, "{{")) != NULL) {
			const char *e = strstr(p, "}}");
			assert_non_null(e);
			assert_non_null(mb_tag_find(p + 2, (size_t)(e - p - 2)));
			p = e + 2;
			n++;
		}
		/* a card without any filter would ignore the dashboard's filters */
		assert_true(n > 0);
		assert_non_null(strstr(mb_cards[i].sql, "FROM v_"));
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(mb_cards[i].key, mb_cards[k].key);
	}
	assert_int_equal(mb_ndashboards, 4);
	for (size_t d = 0; d < mb_ndashboards; d++)
		for (size_t i = 0; mb_dashboards[d].cards[i]; i++) {
			const struct mb_card *c = mb_card_find(mb_dashboards[d].cards[i]);
			int sx, sy;
			assert_non_null(c);
			mb_card_size(c, &sx, &sy);
			assert_true(sx > 0 && sx <= MB_GRID_COLS && sy > 0);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_spec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
