/* test_config.c - the INI config: sections, comments, quotes, caps, errors
 * naming file and line, environment overrides, secrets never described. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"

static const char *good =
	"# aiusage config\n"
	"[anthropic]\n"
	"admin_key = sk-ant-admin01-abcdef\n"
	"base_url = \"http://127.0.0.1:9999/\"\n"
	"\n"
	"[cursor]\r\n"
	"  api_key=key_0123  \n"
	"[seats]\n"
	"claude_ai = 3000   ; cents per seat per month\n"
	"cursor = 4000\n"
	"[pull]\n"
	"backfill_days = 30\n"
	"schedule = daily\n";

static void clear_env(void)
{
	unsetenv("ANTHROPIC_ADMIN_KEY");
	unsetenv("ANTHROPIC_BASE_URL");
	unsetenv("CURSOR_API_KEY");
	unsetenv("CURSOR_BASE_URL");
}

static void t_parse(void **state)
{
	struct aiu_config c;
	struct aiu_err err;
	(void)state;
	config_defaults(&c);
	assert_int_equal(c.backfill_days, 90);
	assert_int_equal(c.seat_cents_cursor, -1);
	assert_string_equal(c.anthropic_base_url, "https://api.anthropic.com");
	assert_int_equal(config_parse(&c, good, strlen(good), "t.ini", &err), 0);
	assert_string_equal(c.anthropic_admin_key, "sk-ant-admin01-abcdef");
	assert_string_equal(c.anthropic_base_url, "http://127.0.0.1:9999/");
	assert_string_equal(c.cursor_api_key, "key_0123");
	assert_int_equal(c.seat_cents_claude_ai, 3000);
	assert_int_equal(c.seat_cents_cursor, 4000);
	assert_int_equal(c.backfill_days, 30);
	assert_string_equal(c.schedule, "daily");
}

static void expect_error(const char *text, const char *needle)
{
	struct aiu_config c;
	struct aiu_err err;
	config_defaults(&c);
	assert_true(config_parse(&c, text, strlen(text), "x.ini", &err) < 0);
	if (!strstr(err.msg, needle))
		fail_msg("'%s' not in '%s'", needle, err.msg);
}

static void t_errors(void **state)
{
	char big[2000];
	(void)state;
	expect_error("[anthropic]\nadmin_key = a\n[nope]\n", "x.ini:3: unknown section [nope]");
	expect_error("[anthropic]\nfoo = 1\n", "x.ini:2: unknown key 'foo' in [anthropic]");
	expect_error("admin_key = 1\n", "x.ini:1: key outside of a [section]");
	expect_error("[seats]\ncursor = 12.50\n", "x.ini:2: [seats] cursor: expected whole cents");
	expect_error("[pull]\nbackfill_days = 0\n", "x.ini:2: [pull] backfill_days");
	expect_error("[anthropic]\nbase_url = ftp://x\n", "expected an http:// or https:// URL");
	expect_error("[anthropic\n", "x.ini:1: malformed section header");
	expect_error("[cursor]\njust words\n", "x.ini:2: expected key = value");
	memset(big, 'k', sizeof(big));
	memcpy(big, "[cursor]\napi_key=", 17);
	big[sizeof(big) - 1] = '\0';
	expect_error(big, "x.ini:2: [cursor] api_key: value longer than 511 bytes");
	/* an error never quotes a secret's value */
	{
		struct aiu_config c;
		struct aiu_err err;
		const char *t = "[anthropic]\nadmin_key = sk-ant-admin01-zzz\nbad\n";
		config_defaults(&c);
		assert_true(config_parse(&c, t, strlen(t), "x.ini", &err) < 0);
		assert_null(strstr(err.msg, "zzz"));
	}
}

static void t_load_env_describe(void **state)
{
	char dir[] = "/tmp/aiu-cfg-XXXXXX", path[128];
	struct aiu_config c;
	struct aiu_err err;
	struct buf out;
	FILE *f;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config.ini", dir);
	f = fopen(path, "w");
	fputs(good, f);
	fclose(f);
	clear_env();
	assert_int_equal(config_load(&c, path, &err), 0);
	assert_string_equal(c.path, path);
	assert_string_equal(c.cursor_api_key, "key_0123");
	setenv("CURSOR_API_KEY", "key_fromenv", 1);
	setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:1", 1);
	assert_int_equal(config_load(&c, path, &err), 0);
	assert_string_equal(c.cursor_api_key, "key_fromenv");
	assert_string_equal(c.anthropic_base_url, "http://127.0.0.1:1");
	assert_string_equal(c.anthropic_admin_key, "sk-ant-admin01-abcdef");
	buf_init(&out, 1 << 16);
	assert_int_equal(config_describe(&c, &out), 0);
	assert_null(strstr(buf_cstr(&out), "key_fromenv"));
	assert_null(strstr(buf_cstr(&out), "abcdef"));
	assert_non_null(strstr(buf_cstr(&out), "[cursor] api_key = (set)"));
	assert_non_null(strstr(buf_cstr(&out), "[seats] cursor = 4000"));
	buf_release(&out);
	clear_env();
	/* default location: XDG_CONFIG_HOME/aiusage/config.ini, missing is fine */
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(config_load(&c, NULL, &err), 0);
	assert_string_equal(c.path, "");
	assert_int_equal(c.backfill_days, 90);
	/* an explicit --config that is missing is an error naming it */
	assert_true(config_load(&c, "/nonexistent/aiu.ini", &err) < 0);
	assert_non_null(strstr(err.msg, "/nonexistent/aiu.ini"));
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_parse),
		cmocka_unit_test(t_errors),
		cmocka_unit_test(t_load_env_describe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
