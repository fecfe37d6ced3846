/* test_org_api.c - the org API's pure parts: RFC 4180 / formula-safe CSV
 * cells (render/csv_out.c), exact cents text (http/api_org_common.c), the
 * pull schedule parser (ingest/pull_sched.c) and ISO week starts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "http/api_org.h"
#include "ingest/pull_sched.h"
#include "query/org_activity.h"
#include "render/csv_out.h"

static void test_csv_cells(void **st)
{
	static const char *const hdr[] = { "a", "b", NULL };
	struct buf b;
	struct csvw c;
	(void)st;
	buf_init(&b, 4096);
	csvw_init(&c, &b);
	csvw_header(&c, hdr);
	csvw_text(&c, "plain");
	csvw_text(&c, "with, comma");
	csvw_text(&c, "say \"hi\"");
	csvw_text(&c, "two\nlines");
	csvw_eol(&c);
	csvw_text(&c, "=SUM(A1)");
	csvw_text(&c, "+1");
	csvw_text(&c, "-2");
	csvw_text(&c, "@cmd");
	csvw_text(&c, "\tx");
	csvw_text(&c, "=a,b");
	csvw_int(&c, -5);
	csvw_num(&c, "-0.5");
	csvw_text(&c, "");
	csvw_eol(&c);
	assert_string_equal(buf_cstr(&b),
			    "a,b\r\n"
			    "plain,\"with, comma\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
			    "'=SUM(A1),'+1,'-2,'@cmd,'\tx,\"'=a,b\",-5,-0.5,\r\n");
	buf_release(&b);
}

static void test_csv_cap(void **st)
{
	struct buf b;
	struct csvw c;
	(void)st;
	buf_init(&b, 8);
	csvw_init(&c, &b);
	csvw_text(&c, "0123456789");
	assert_true(b.failed);
	buf_release(&b);
}

static void test_cents(void **st)
{
	char s[48];
	(void)st;
	org_cents(0, s, sizeof(s));
	assert_string_equal(s, "0.0");
	org_cents(833915282300LL, s, sizeof(s)); /* "83391.52823" cents */
	assert_string_equal(s, "83391.52823");
	org_cents(1, s, sizeof(s));
	assert_string_equal(s, "0.0000001");
	org_cents(-15 * NANO_PER_CENT, s, sizeof(s));
	assert_string_equal(s, "-15.0");
	org_cents(INT64_MIN, s, sizeof(s));
	assert_string_equal(s, "-922337203685.4775808");
}

static void test_schedule(void **st)
{
	struct aiu_err e = { 0 };
	int64_t v = -1;
	(void)st;
	assert_int_equal(pull_sched_parse("hourly", &v, &e), AIU_OK);
	assert_int_equal(v, 3600);
	assert_int_equal(pull_sched_parse("off", &v, &e), AIU_OK);
	assert_int_equal(v, 0);
	assert_int_equal(pull_sched_parse("15m", &v, &e), AIU_OK);
	assert_int_equal(v, 900);
	assert_int_equal(pull_sched_parse("2h", &v, &e), AIU_OK);
	assert_int_equal(v, 7200);
	assert_int_equal(pull_sched_parse("90", &v, &e), AIU_OK);
	assert_int_equal(v, 90);
	assert_int_equal(pull_sched_parse("5x", &v, &e), AIU_EARG);
	assert_non_null(strstr(e.msg, "'5x'"));
	assert_int_equal(pull_sched_parse("", &v, &e), AIU_EARG);
	assert_int_equal(pull_sched_parse("h", &v, &e), AIU_EARG);
	assert_int_equal(pull_sched_parse("-1s", &v, &e), AIU_EARG);
	assert_int_equal(pull_sched_parse("999999h", &v, &e), AIU_EARG);
}

static void test_week(void **st)
{
	int64_t mon = days_from_civil(2026, 3, 2); /* a Monday */
	(void)st;
	for (int i = 0; i < 7; i++)
		assert_int_equal(org_week_start(mon + i), mon);
	assert_int_equal(org_week_start(mon - 1), mon - 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_cells),
		cmocka_unit_test(test_csv_cap),
		cmocka_unit_test(test_cents),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_week),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
