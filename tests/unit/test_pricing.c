/* test_pricing.c - price table loading, model matching, exact cost arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/pricing.h"

/* One valid entry with a placeholder for extra fields. */
#define ENTRY_IN(key, input, extra)                                                    \
	"{\"model\":\"" key "\",\"input\":\"" input "\",\"output\":\"2\",\"cache_write_5m\":\"3\"," \
	"\"cache_write_1h\":\"4\",\"cache_read\":\"0.5\",\"source\":\"https://x\","         \
	"\"as_of\":\"2026-11-22\"" extra "}"
#define ENTRY(key, extra) ENTRY_IN(key, "1", extra)

static void load(struct pricing *p)
{
	struct aiu_err err = { 0, "" };
	int rc = pricing_load(p, NULL, &err);
	if (rc != AIU_OK)
		fail_msg("pricing_load: %s", err.msg);
}

static const char *key_of(const struct pricing *p, const char *name)
{
	const struct price_entry *e = pricing_find(p, name);
	return e ? e->model : "(none)";
}

/* Writes text to a fresh temp file; the caller unlinks it. */
static void write_tmp(char path[64], const char *text, size_t len)
{
	int fd;
	FILE *f;
	snprintf(path, 64, "/tmp/aiu_pricing_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int64_t cost(const struct pricing *p, const char *model, unsigned var, int64_t in,
		    int64_t out, int64_t w5, int64_t w1, int64_t rd)
{
	struct token_counts t = { in, out, w5, w1, rd };
	int64_t c = -1;
	assert_true(pricing_cost(pricing_find(p, model), var, &t, &c));
	return c;
}

static void test_embedded_complete(void **st)
{
	static const char *const keys[] = { "claude-3-haiku", "claude-3-opus", "claude-3-5-haiku",
		"claude-3-5-sonnet", "claude-3-7-sonnet", "claude-sonnet-4", "claude-sonnet-4-5",
		"claude-sonnet-4-6", "claude-opus-4", "claude-opus-4-1", "claude-opus-4-5",
		"claude-opus-4-6", "claude-opus-4-7", "claude-opus-4-8", "claude-haiku-4-5",
		"claude-opus-5", "claude-opus-5-5", "claude-sonnet-5", "claude-sonnet-5-5",
		"claude-haiku-5-5", "claude-fable-5", "claude-fable-5-1", "claude-fable-5-2",
		"claude-mythos-5", "claude-mythos-5-1", NULL };
	struct pricing p;
	(void)st;
	load(&p);
	assert_true(p.n >= 25);
	for (const char *const *k = keys; *k; k++)
		assert_string_equal(key_of(&p, *k), *k);
	for (size_t i = 0; i < p.n; i++) {
		const struct price_entry *e = &p.v[i];
		assert_non_null(e->source);
		assert_true(strncmp(e->source, "https://", 8) == 0);
		assert_non_null(e->as_of);
		assert_int_equal(strlen(e->as_of), 10);
		assert_true(e->base.input > 0 && e->base.output > e->base.input);
		assert_true(e->base.cache_read > 0 && e->base.cache_read < e->base.input);
		assert_true(e->base.cache_write_5m > e->base.input);
		assert_true(e->base.cache_write_1h > e->base.cache_write_5m);
		if (e->has_long)
			assert_true(e->long_threshold > 0 && e->lng.input > e->base.input);
	}
	pricing_free(&p);
	pricing_free(&p); /* idempotent */
	assert_int_equal(p.n, 0);
}

static void test_find_models(void **st)
{
	static const char *const cases[][2] = {
		/* names seen in real transcripts */
		{ "claude-haiku-4-5-20251001", "claude-haiku-4-5" },
		{ "claude-opus-4-1-20250805", "claude-opus-4-1" },
		{ "claude-opus-4-20250514", "claude-opus-4" },
		{ "claude-opus-4-5-20251101", "claude-opus-4-5" },
		{ "claude-opus-4-6", "claude-opus-4-6" },
		{ "claude-opus-4-7", "claude-opus-4-7" },
		{ "claude-sonnet-4-20250514", "claude-sonnet-4" },
		{ "claude-sonnet-4-5-20250929", "claude-sonnet-4-5" },
		/* older snapshots */
		{ "claude-3-haiku-20240307", "claude-3-haiku" },
		{ "claude-3-opus-20240229", "claude-3-opus" },
		{ "claude-3-5-haiku-20241022", "claude-3-5-haiku" },
		{ "claude-3-5-sonnet-20240620", "claude-3-5-sonnet" },
		{ "claude-3-7-sonnet-20250219", "claude-3-7-sonnet" },
		{ "claude-3-7-sonnet-latest", "claude-3-7-sonnet" },
		{ "claude-opus-4-0", "claude-opus-4" },
		{ "claude-opus-4-8", "claude-opus-4-8" },
		{ "claude-sonnet-4-6", "claude-sonnet-4-6" },
		/* Bedrock, Vertex, OpenRouter and Claude Code spellings */
		{ "anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5" },
		{ "claude-opus-4-1@20250805", "claude-opus-4-1" },
		{ "us.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku" },
		{ "global.anthropic.claude-opus-4-5-20251101-v1:0", "claude-opus-4-5" },
		{ "anthropic.claude-opus-4-20250514-v1:0", "claude-opus-4" },
		{ "claude-sonnet-4@20250514", "claude-sonnet-4" },
		{ "claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet" },
		{ "anthropic.claude-haiku-5-5", "claude-haiku-5-5" },
		{ "anthropic/claude-opus-4.6", "claude-opus-4-6" },
		{ "claude-opus-4-6[1m]", "claude-opus-4-6" },
		{ "US.ANTHROPIC.CLAUDE-SONNET-4-5-20250929-V1:0", "claude-sonnet-4-5" },
		{ "claude-opus-5-5-fast", "claude-opus-5-5" },
	};
	struct pricing p;
	(void)st;
	load(&p);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(key_of(&p, cases[i][0]), cases[i][1]) != 0)
			fail_msg("%s -> %s, want %s", cases[i][0], key_of(&p, cases[i][0]), cases[i][1]);
	pricing_free(&p);
}

static void test_find_rejects(void **st)
{
	static const char *const names[] = { "<synthetic>", "", "haiku", "claude", "claude-opus",
		"claude-opus-4-9", "claude-sonnet-4-7", "claude-opus-45", "claude-opus-4-5x",
		"claude-opus-4-123456789", "xclaude-opus-4", "claude-opus-4x", "gpt-5.3-codex",
		"claude-haiku-4", NULL };
	char longname[400];
	struct pricing p;
	(void)st;
	load(&p);
	for (const char *const *n = names; *n; n++)
		if (pricing_find(&p, *n))
			fail_msg("%s matched %s", *n, key_of(&p, *n));
	assert_null(pricing_find(&p, NULL));
	assert_null(pricing_find(NULL, "claude-opus-4"));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	memcpy(longname, "claude-opus-4-6-", 16);
	assert_null(pricing_find(&p, longname));
	pricing_free(&p);
}

static void test_cost_exact(void **st)
{
	struct pricing p;
	struct token_counts t = { 1, 1, 1, 1, 1 };
	int64_t c = 7;
	(void)st;
	load(&p);
	assert_true(cost(&p, "claude-sonnet-4-5-20250929", 0, 1000000, 0, 0, 0, 0) == 3000000000);
	assert_true(cost(&p, "claude-3-5-haiku-20241022", 0, 0, 0, 0, 0, 1) == 80);
	assert_true(cost(&p, "claude-haiku-5-5", 0, 0, 0, 1, 0, 0) == 125);
	assert_true(cost(&p, "claude-3-haiku-20240307", 0, 0, 0, 0, 0, 1) == 30);
	/* 1000*5000 + 500*25000 + 2000*6250 + 3000*10000 + 10000*500 n$ = $0.065 */
	assert_true(cost(&p, "claude-opus-4-5-20251101", 0, 1000, 500, 2000, 3000, 10000) == 65000000);
	/* Opus 4/4.1: 15/75/18.75/30/1.50 */
	assert_true(cost(&p, "claude-opus-4-1-20250805", 0, 1, 1, 1, 1, 1) ==
		    15000 + 75000 + 18750 + 30000 + 1500);
	assert_true(cost(&p, "claude-sonnet-5-5", 0, 0, 0, 0, 0, 1000) == 100000);
	assert_false(pricing_cost(NULL, 0, &t, &c));
	assert_true(c == 0);
	pricing_free(&p);
}

static void test_cost_long_context(void **st)
{
	struct pricing p;
	(void)st;
	load(&p);
	/* whole request repriced: 250000*6000 + 1000*22500 */
	assert_true(cost(&p, "claude-sonnet-4-5-20250929", PRICE_VAR_LONG, 250000, 1000, 0, 0, 0) ==
		    1522500000);
	assert_true(cost(&p, "claude-sonnet-4-5-20250929", 0, 250000, 1000, 0, 0, 0) == 765000000);
	assert_true(cost(&p, "claude-sonnet-4-20250514", PRICE_VAR_LONG, 0, 0, 1, 1, 1) ==
		    7500 + 12000 + 600);
	/* 100k-bit alone does not prove a 200k threshold */
	assert_true(cost(&p, "claude-sonnet-4-5", PRICE_VAR_OVER_100K, 150000, 0, 0, 0, 0) ==
		    450000000);
	/* 4.6 and later: flat pricing over the whole 1M window */
	assert_true(cost(&p, "claude-sonnet-4-6", PRICE_VAR_LONG, 300000, 0, 0, 0, 0) == 900000000);
	assert_true(cost(&p, "claude-opus-4-6", PRICE_VAR_LONG, 300000, 0, 0, 0, 0) == 1500000000);
	/* Haiku 5.5: 100k tier, proven by either bit */
	assert_true(cost(&p, "claude-haiku-5-5", 0, 150000, 1000, 0, 0, 0) == 15500000);
	assert_true(cost(&p, "claude-haiku-5-5", PRICE_VAR_OVER_100K, 150000, 1000, 0, 0, 0) ==
		    77500000);
	assert_true(cost(&p, "claude-haiku-5-5", PRICE_VAR_LONG | PRICE_VAR_OVER_100K, 0, 0, 1, 1, 1) ==
		    625 + 1000 + 50);
	pricing_free(&p);
}

static void test_cost_fast(void **st)
{
	static const char doc[] = "{\"models\":[" ENTRY("x-fast", ",\"fast_multiplier\":\"1.5\"") ","
		ENTRY("x-both", ",\"fast_multiplier\":\"2\",\"long_context\":{\"threshold_tokens\":"
				"200000,\"input\":\"10\",\"output\":\"20\",\"cache_write_5m\":\"30\","
				"\"cache_write_1h\":\"40\",\"cache_read\":\"5\"}") "]}";
	struct aiu_err err = { 0, "" };
	struct pricing p;
	(void)st;
	load(&p);
	assert_true(cost(&p, "claude-opus-4-6", PRICE_VAR_FAST, 1000, 1000, 0, 0, 0) == 180000000);
	assert_true(cost(&p, "claude-opus-4-7", PRICE_VAR_FAST, 1000, 1000, 0, 0, 0) == 180000000);
	assert_true(cost(&p, "claude-opus-4-8", PRICE_VAR_FAST, 1000, 1000, 0, 0, 0) == 60000000);
	assert_true(cost(&p, "claude-opus-4-8", 0, 1000, 1000, 0, 0, 0) == 30000000);
	/* no multiplier: fast is priced as standard */
	assert_true(cost(&p, "claude-sonnet-4-5", PRICE_VAR_FAST, 1000, 1000, 0, 0, 0) == 18000000);
	assert_int_equal(pricing_merge_json(&p, doc, sizeof(doc) - 1, "t.json", &err), AIU_OK);
	/* input "1" $/MTok = 1000 n$/token; x1.5 rounds half away from zero */
	assert_true(cost(&p, "x-fast", PRICE_VAR_FAST, 1, 0, 0, 0, 0) == 1500);
	assert_true(cost(&p, "x-fast", PRICE_VAR_FAST, 0, 0, 0, 0, 1) == 750);
	assert_true(cost(&p, "x-fast", PRICE_VAR_FAST, 0, 0, 0, 0, 3) == 2250);
	pricing_free(&p);
	{
		/* sub-n$ fractions: rate 1 n$/token */
		struct price_entry e;
		struct token_counts t = { 1, 0, 0, 0, 0 };
		int64_t c;
		memset(&e, 0, sizeof(e));
		e.base.input = 1;
		e.fast_mult_milli = 1500;
		assert_true(pricing_cost(&e, PRICE_VAR_FAST, &t, &c) && c == 2);   /* 1.5 */
		t.input = 3;
		assert_true(pricing_cost(&e, PRICE_VAR_FAST, &t, &c) && c == 5);   /* 4.5 */
		t.input = 2;
		assert_true(pricing_cost(&e, PRICE_VAR_FAST, &t, &c) && c == 3);
		t.input = 1001;
		assert_true(pricing_cost(&e, PRICE_VAR_FAST, &t, &c) && c == 1502); /* 1501.5 */
		e.fast_mult_milli = 333;
		t.input = 1;
		assert_true(pricing_cost(&e, PRICE_VAR_FAST, &t, &c) && c == 0);   /* 0.333 */
		t.input = 2;
		assert_true(pricing_cost(&e, PRICE_VAR_FAST, &t, &c) && c == 1);   /* 0.666 */
	}
	load(&p);
	assert_int_equal(pricing_merge_json(&p, doc, sizeof(doc) - 1, "t.json", &err), AIU_OK);
	/* fast multiplies the long-context cost: (1*10000 + 1*20000) * 2 */
	assert_true(cost(&p, "x-both", PRICE_VAR_FAST | PRICE_VAR_LONG, 1, 1, 0, 0, 0) == 60000);
	pricing_free(&p);
}

static void test_cost_saturates(void **st)
{
	struct price_entry e;
	struct token_counts t = { INT64_MAX, INT64_MAX, 0, 0, 0 };
	int64_t c;
	(void)st;
	memset(&e, 0, sizeof(e));
	e.base.input = 1000000000;
	e.base.output = 5;
	e.fast_mult_milli = 6000;
	assert_true(pricing_cost(&e, 0, &t, &c) && c == INT64_MAX);
	assert_true(pricing_cost(&e, PRICE_VAR_FAST, &t, &c) && c == INT64_MAX);
	t.input = INT64_MAX / 1000000000; /* fits, then x6 overflows */
	t.output = 0;
	assert_true(pricing_cost(&e, 0, &t, &c) && c == t.input * 1000000000);
	assert_true(pricing_cost(&e, PRICE_VAR_FAST, &t, &c) && c == INT64_MAX);
}

static void test_override_add_replace(void **st)
{
	static const char doc[] = "{\"_doc\":\"mine\",\"format\":1,\"models\":["
		ENTRY("claude-sonnet-4-5", ",\"aliases\":[\"claude-sonnet-4-5-20250929\"]") ","
		ENTRY("my-model", ",\"note\":\"local\"") "]}";
	struct aiu_err err = { 0, "" };
	struct pricing p, base;
	char path[64];
	const struct price_entry *e;
	(void)st;
	load(&base);
	write_tmp(path, doc, sizeof(doc) - 1);
	assert_int_equal(pricing_load(&p, path, &err), AIU_OK);
	unlink(path);
	assert_int_equal(p.n, base.n + 1);
	e = pricing_find(&p, "claude-sonnet-4-5-20250929");
	assert_non_null(e);
	assert_true(e->base.input == 1000 && e->base.cache_read == 500 && !e->has_long);
	assert_string_equal(e->source, "https://x");
	assert_string_equal(key_of(&p, "my-model@20260101"), "my-model");
	/* untouched entries keep the embedded prices */
	assert_true(pricing_find(&p, "claude-opus-4-6")->base.input == 5000);
	assert_string_equal(key_of(&p, "claude-sonnet-4-20250514"), "claude-sonnet-4");
	pricing_free(&p);
	pricing_free(&base);
}

static void test_override_errors(void **st)
{
	static const struct {
		const char *doc, *want;
		int rc;
	} cases[] = {
		{ "{\"models\": [", "invalid JSON", AIU_EPARSE },
		{ "[]", "top level: not an object", AIU_EPARSE },
		{ "{\"model\":[]}", "model: unknown field", AIU_EPARSE },
		{ "{\"models\":{}}", "models: missing or not an array", AIU_EPARSE },
		{ "{\"format\":2,\"models\":[]}", "format: unsupported", AIU_EPARSE },
		{ "{\"models\":[7]}", "models[0]: not an object", AIU_EPARSE },
		{ "{\"models\":[{\"model\":\"a\",\"input\":\"1\",\"cache_write_5m\":\"1\",\"cache_write_1h\":"
		  "\"1\",\"cache_read\":\"1\",\"source\":\"s\",\"as_of\":\"2026-01-01\"}]}",
		  "models[0].output: missing", AIU_EPARSE },
		{ "{\"models\":[" ENTRY("a", "") "," ENTRY("b", ",\"bogus\":1") "]}",
		  "models[1].bogus: unknown field", AIU_EPARSE },
		{ "{\"models\":[" ENTRY("a", "") "," ENTRY("a", "") "]}", "models[1].model: \"a\" already used",
		  AIU_EPARSE },
		{ "{\"models\":[" ENTRY("a", ",\"aliases\":[\"a\"]") "]}", "models[0].aliases[0]: \"a\" already used by \"a\"", AIU_EPARSE },
		{ "{\"models\":[" ENTRY("a", ",\"fast_multipler\":\"2\"") "]}",
		  "models[0].fast_multipler: unknown field", AIU_EPARSE },
		{ "{\"models\":[" ENTRY("a", ",\"fast_multiplier\":\"0\"") "]}",
		  "models[0].fast_multiplier: must be above 0", AIU_EPARSE },
		{ "{\"models\":[" ENTRY("a", ",\"long_context\":{\"threshold_tokens\":200000,\"input\":\"1\","
					  "\"output\":\"1\",\"cache_write_5m\":\"1\",\"cache_write_1h\":\"1\"}") "]}",
		  "models[0].long_context.cache_read: missing", AIU_EPARSE },
		{ "{\"models\":[" ENTRY("a", ",\"long_context\":{\"threshold_tokens\":\"200000\"}") "]}",
		  "models[0].long_context.threshold_tokens", AIU_EPARSE },
		{ "{\"models\":[{\"model\":\"a\",\"input\":\"1\",\"output\":\"1\",\"cache_write_5m\":\"1\","
		  "\"cache_write_1h\":\"1\",\"cache_read\":\"1\",\"as_of\":\"2026-01-01\"}]}",
		  "models[0].source: missing", AIU_EPARSE },
		{ "{\"models\":[{\"model\":\"a\",\"input\":\"1\",\"output\":\"1\",\"cache_write_5m\":\"1\","
		  "\"cache_write_1h\":\"1\",\"cache_read\":\"1\",\"source\":\"s\",\"as_of\":\"2026-13-01\"}]}",
		  "models[0].as_of: not a YYYY-MM-DD date", AIU_EPARSE },
		{ "{\"models\":[{\"model\":\"a b\",\"input\":\"1\",\"output\":\"1\",\"cache_write_5m\":\"1\","
		  "\"cache_write_1h\":\"1\",\"cache_read\":\"1\",\"source\":\"s\",\"as_of\":\"2026-01-01\"}]}",
		  "models[0].model", AIU_EPARSE },
	};
	/* The rate field is replaced by the override below (JSON_REJECT_DUPLICATES
	 * would reject a second "input"), so rate errors get their own documents. */
	static const struct {
		const char *field, *value, *want;
		int rc;
	} rates[] = {
		{ "input", "\"abc\"", "models[0].input: not a decimal string", AIU_EPARSE },
		{ "output", "3.75", "models[0].output: not a decimal string (write \"3.75\"", AIU_EPARSE },
		{ "cache_read", "\"-1\"", "models[0].cache_read: negative value", AIU_EPARSE },
		{ "cache_write_5m", "\"0.0001\"", "models[0].cache_write_5m: not a decimal string with at most 3",
		  AIU_EPARSE },
		{ "cache_write_1h", "\"1.2.3\"", "models[0].cache_write_1h: not a decimal string", AIU_EPARSE },
		{ "input", "\"99999999999999999999\"", "models[0].input: value out of range", AIU_ELIMIT },
		{ "input", "\"1000000.001\"", "models[0].input: value out of range", AIU_ELIMIT },
		{ "input", "\"\"", "models[0].input: not a decimal string", AIU_EPARSE },
	};
	char path[64], doc[1024];
	struct aiu_err err;
	struct pricing p;
	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_tmp(path, cases[i].doc, strlen(cases[i].doc));
		aiu_err_clear(&err);
		assert_int_equal(pricing_load(&p, path, &err), cases[i].rc);
		unlink(path);
		if (!strstr(err.msg, path) || !strstr(err.msg, cases[i].want))
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, err.msg, cases[i].want);
		assert_int_equal(err.code, cases[i].rc);
		assert_null(p.v); /* left empty on failure */
		assert_int_equal(p.n, 0);
	}
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		static const char *const f[] = { "input", "output", "cache_write_5m", "cache_write_1h",
						 "cache_read" };
		size_t n = (size_t)snprintf(doc, sizeof(doc), "{\"models\":[{\"model\":\"m\"");
		for (size_t k = 0; k < 5; k++)
			n += (size_t)snprintf(doc + n, sizeof(doc) - n, ",\"%s\":%s", f[k],
					      strcmp(f[k], rates[i].field) ? "\"1\"" : rates[i].value);
		snprintf(doc + n, sizeof(doc) - n, ",\"source\":\"s\",\"as_of\":\"2026-01-01\"}]}");
		write_tmp(path, doc, strlen(doc));
		aiu_err_clear(&err);
		assert_int_equal(pricing_load(&p, path, &err), rates[i].rc);
		unlink(path);
		if (!strstr(err.msg, path) || !strstr(err.msg, rates[i].want))
			fail_msg("rate case %zu: message \"%s\" lacks \"%s\"", i, err.msg, rates[i].want);
		assert_int_equal(p.n, 0);
	}
}

static void test_override_file_limits(void **st)
{
	size_t big = ((size_t)4 << 20) + 1;
	char path[64], *blob;
	struct aiu_err err;
	struct pricing p;
	FILE *f;
	(void)st;
	aiu_err_clear(&err);
	assert_int_equal(pricing_load(&p, "/nonexistent/pricing.json", &err), AIU_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/pricing.json"));
	assert_int_equal(p.n, 0);
	aiu_err_clear(&err);
	assert_int_equal(pricing_load(&p, "/tmp", &err), AIU_EIO);
	blob = malloc(big);
	assert_non_null(blob);
	memset(blob, ' ', big);
	write_tmp(path, blob, big);
	free(blob);
	aiu_err_clear(&err);
	assert_int_equal(pricing_load(&p, path, &err), AIU_ELIMIT);
	assert_non_null(strstr(err.msg, "4 MiB"));
	/* exactly 4 MiB is fine: valid JSON padded with spaces */
	f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	assert_int_equal(fputs("{\"models\":[]}", f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(truncate(path, (off_t)(big - 1)), 0);
	aiu_err_clear(&err);
	assert_int_equal(pricing_load(&p, path, &err), AIU_OK);
	unlink(path);
	pricing_free(&p);
}

static void test_merge_is_atomic(void **st)
{
	static const char bad[] = "{\"models\":[" ENTRY_IN("claude-opus-4-6", "9", "") ","
		ENTRY("new-one", ",\"cache_read\":\"x\"") "]}";
	static const char bad4[] = "{\"models\":[" ENTRY("a", "") "," ENTRY("b", "") "," ENTRY("c", "")
		"," ENTRY_IN("d", "3,75", "") "]}";
	struct aiu_err err;
	struct pricing p;
	size_t n;
	(void)st;
	load(&p);
	n = p.n;
	aiu_err_clear(&err);
	assert_true(pricing_merge_json(&p, bad, sizeof(bad) - 1, "o.json", &err) < 0);
	assert_int_equal(p.n, n);
	assert_true(pricing_find(&p, "claude-opus-4-6")->base.input == 5000);
	assert_null(pricing_find(&p, "new-one"));
	/* the embedded table's origin reads "pricing.json" */
	aiu_err_clear(&err);
	assert_int_equal(pricing_merge_json(&p, bad4, sizeof(bad4) - 1, "pricing.json", &err),
			 AIU_EPARSE);
	assert_string_equal(err.msg,
			    "pricing.json: models[3].input: not a decimal string with at most 3 decimals: \"3,75\"");
	pricing_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_embedded_complete),
		cmocka_unit_test(test_find_models),
		cmocka_unit_test(test_find_rejects),
		cmocka_unit_test(test_cost_exact),
		cmocka_unit_test(test_cost_long_context),
		cmocka_unit_test(test_cost_fast),
		cmocka_unit_test(test_cost_saturates),
		cmocka_unit_test(test_override_add_replace),
		cmocka_unit_test(test_override_errors),
		cmocka_unit_test(test_override_file_limits),
		cmocka_unit_test(test_merge_is_atomic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
