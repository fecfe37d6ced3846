/* test_core.c - capped buffers, bounded parsing, dates, JSON writer, kmap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/jsonw.h"
#include "core/kmap.h"
#include "core/strutil.h"
#include "core/timeutil.h"

static void test_buf_cap(void **st)
{
	struct buf b;
	(void)st;
	buf_init(&b, 10);
	assert_int_equal(buf_add(&b, "0123456789", 10), AIU_OK);
	assert_int_equal(buf_putc(&b, 'x'), AIU_ELIMIT);
	assert_true(b.failed);
	assert_string_equal(buf_cstr(&b), "0123456789");
	buf_reset(&b);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "ab"), AIU_OK);
	assert_string_equal(buf_cstr(&b), "42-ab");
	buf_release(&b);
	assert_string_equal(buf_cstr(&b), "");
}

static void test_parse_i64(void **st)
{
	int64_t v;
	(void)st;
	assert_int_equal(parse_i64("123", 3, &v), AIU_OK);
	assert_int_equal(v, 123);
	assert_int_equal(parse_i64("-9223372036854775808", 20, &v), AIU_OK);
	assert_true(v == INT64_MIN);
	assert_int_equal(parse_i64("9223372036854775807", 19, &v), AIU_OK);
	assert_true(v == INT64_MAX);
	assert_int_equal(parse_i64("9223372036854775808", 19, &v), AIU_ELIMIT);
	assert_int_equal(parse_i64("99999999999999999999999", 23, &v), AIU_ELIMIT);
	assert_int_equal(parse_i64("12a", 3, &v), AIU_EPARSE);
	assert_int_equal(parse_i64("", 0, &v), AIU_EPARSE);
	assert_int_equal(parse_i64("-", 1, &v), AIU_EPARSE);
	assert_int_equal(parse_i64_range("7", 1, 5, &v), AIU_ELIMIT);
}

static void test_decimal(void **st)
{
	int64_t v;
	(void)st;
	assert_int_equal(parse_decimal_scaled("12.34", 5, 2, &v), AIU_OK);
	assert_int_equal(v, 1234);
	assert_int_equal(parse_decimal_scaled("0.001", 5, 3, &v), AIU_OK);
	assert_int_equal(v, 1);
	assert_int_equal(parse_decimal_scaled("3", 1, 3, &v), AIU_OK);
	assert_int_equal(v, 3000);
	assert_int_equal(parse_decimal_scaled("1.2300", 6, 2, &v), AIU_OK);
	assert_int_equal(v, 123);
	assert_int_equal(parse_decimal_scaled("1.234", 5, 2, &v), AIU_EPARSE);
	assert_int_equal(parse_decimal_scaled("-0.5", 4, 1, &v), AIU_OK);
	assert_int_equal(v, -5);
	assert_int_equal(parse_decimal_scaled("1.2.3", 5, 3, &v), AIU_EPARSE);
	assert_int_equal(parse_decimal_scaled(".", 1, 3, &v), AIU_EPARSE);
}

static void test_rfc3339(void **st)
{
	int64_t ms;
	(void)st;
	assert_int_equal(parse_rfc3339_ms("1970-01-01T00:00:00Z", 20, &ms), AIU_OK);
	assert_int_equal(ms, 0);
	assert_int_equal(parse_rfc3339_ms("2025-11-23T10:00:00.123Z", 24, &ms), AIU_OK);
	assert_true(ms == 1763892000123LL);
	/* six (or nine) fractional digits are truncated to ms */
	assert_int_equal(parse_rfc3339_ms("2025-11-23T10:00:00.123456Z", 27, &ms), AIU_OK);
	assert_true(ms == 1763892000123LL);
	assert_int_equal(parse_rfc3339_ms("2025-11-23T10:00:00.123456789Z", 30, &ms), AIU_OK);
	assert_true(ms == 1763892000123LL);
	assert_int_equal(parse_rfc3339_ms("2025-11-23T12:00:00+02:00", 25, &ms), AIU_OK);
	assert_true(ms == 1763892000000LL);
	assert_int_equal(parse_rfc3339_ms("2025-11-23T05:30:00-04:30", 25, &ms), AIU_OK);
	assert_true(ms == 1763892000000LL);
	assert_int_equal(parse_rfc3339_ms("2025-02-29T00:00:00Z", 20, &ms), AIU_EPARSE);
	assert_int_equal(parse_rfc3339_ms("2024-02-29T00:00:00Z", 20, &ms), AIU_OK);
	assert_int_equal(parse_rfc3339_ms("2025-11-23T10:00:00", 19, &ms), AIU_EPARSE);
	assert_int_equal(parse_rfc3339_ms("2025-11-23T25:00:00Z", 20, &ms), AIU_EPARSE);
	assert_int_equal(parse_rfc3339_ms("2025-11-23T10:00:00.Z", 21, &ms), AIU_EPARSE);
	assert_int_equal(parse_rfc3339_ms("2025-11-23", 10, &ms), AIU_OK);
	assert_true(ms == 1763856000000LL);
}

static void test_days(void **st)
{
	int y;
	unsigned m, d;
	int64_t day;
	char out[16];
	(void)st;
	for (int64_t z = -800000; z < 800000; z += 37) {
		civil_from_days(z, &y, &m, &d);
		assert_true(days_from_civil(y, m, d) == z);
	}
	assert_int_equal(weekday_from_days(0), 4); /* 1970-01-01 was a Thursday */
	assert_int_equal(parse_day_arg("20251123", &day), AIU_OK);
	format_day(day, out, sizeof(out));
	assert_string_equal(out, "2025-11-23");
	assert_int_equal(parse_day_arg("2025-11-31", &day), AIU_EPARSE);
	assert_int_equal(parse_day_arg("2025/11/01", &day), AIU_EPARSE);
	format_iso_ms(1763892000123LL, out, sizeof(out));
}

static void test_jsonw(void **st)
{
	struct buf b;
	struct jsonw w;
	(void)st;
	buf_init(&b, 1 << 20);
	jw_init(&w, &b, false);
	jw_obj(&w);
	jw_key(&w, "s");
	jw_strn(&w, "a\"b\\c\n\x01\xff\xe2\x82\xac", 11);
	jw_key(&w, "n");
	jw_nano(&w, 2278332300);
	jw_key(&w, "z");
	jw_nano(&w, 0);
	jw_key(&w, "neg");
	jw_nano(&w, -1500000000);
	jw_key(&w, "a");
	jw_arr(&w);
	jw_int(&w, 1);
	jw_null(&w);
	jw_end(&w);
	jw_end(&w);
	assert_true(jw_ok(&w));
	assert_string_equal(buf_cstr(&b),
		"{\"s\":\"a\\\"b\\\\c\\n\\u0001\xef\xbf\xbd\xe2\x82\xac\",\"n\":2.2783323,\"z\":0,"
		"\"neg\":-1.5,\"a\":[1,null]}");
	buf_release(&b);
}

static void test_kmap(void **st)
{
	struct kmap m;
	(void)st;
	kmap_init(&m, sizeof(int64_t), sizeof(int64_t), 0);
	for (int64_t i = 0; i < 10000; i++) {
		bool created;
		int64_t *v = kmap_put(&m, &i, &created);
		assert_non_null(v);
		assert_true(created);
		*v = i * 2;
	}
	for (int64_t i = 0; i < 10000; i++)
		assert_true(*(int64_t *)kmap_get(&m, &i) == i * 2);
	int64_t missing = 10001;
	assert_null(kmap_get(&m, &missing));
	assert_int_equal(m.n, 10000);
	kmap_clear(&m);
	assert_null(kmap_get(&m, &missing));
	kmap_release(&m);
	kmap_init(&m, sizeof(int64_t), sizeof(int64_t), 3);
	for (int64_t i = 0; i < 3; i++)
		assert_non_null(kmap_put(&m, &i, NULL));
	assert_null(kmap_put(&m, &missing, NULL)); /* capped */
	kmap_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_parse_i64),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_jsonw),
		cmocka_unit_test(test_kmap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
