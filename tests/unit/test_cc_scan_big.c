/* test_cc_scan_big.c - the scanner on a 100 MB line (same record as
 * jansson) and a differential run of both parsers over every
 * line of the real corpus ($AIU_CORPUS/claude-code/projects, default
 * /work/shared/corpus). */
#include "cc_scan_pair.h"

/* A 100 MB tool_result line parses, in bounded memory (no copy of the line). */
static char *giant_line(size_t body, size_t *len)
{
	static const char *const pieces[] = {
		"    return json.loads(x)\\n", "\\tfoo(\\\"bar\\\", \\\\n)\\n", "caf\xc3\xa9 \xe2\x82\xac ",
		"\\u001b[31merror\\u001b[0m ", "\xf0\x9f\x98\x80 ok ", "plain ascii text of a tool ",
	};
	static const char pre[] = "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{"
				  "\"tool_use_id\":\"t\",\"type\":\"tool_result\",\"content\":\"";
	static const char post[] = "\"}]},\"uuid\":\"u\",\"timestamp\":\"2025-01-01T00:00:00Z\"}";
	char *l = malloc(sizeof(pre) + body + 64 + sizeof(post));
	size_t n = sizeof(pre) - 1, i = 0;
	assert_non_null(l);
	memcpy(l, pre, n);
	while (n < body) {
		size_t k = strlen(pieces[i % 6]);
		memcpy(l + n, pieces[i++ % 6], k);
		n += k;
	}
	memcpy(l + n, post, sizeof(post));
	*len = n + sizeof(post) - 1;
	return l;
}

/* A letter at or after from, preceded by a letter (so not escaped). */
static size_t plain_pos(const char *l, size_t from)
{
	while (!((l[from] >= 'a' && l[from] <= 'z') && (l[from - 1] >= 'a' && l[from - 1] <= 'z')))
		from++;
	return from;
}

static double scan_secs(const char *l, size_t n)
{
	struct cc_record r;
	struct cc_parse_error e;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(cc_scan_line(g_scan, l, n, &r, &e), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_int_equal(r.user_kind, CC_USER_TOOL_RESULT);
	assert_true(r.has_ts && sl_is(r.uuid, "u"));
	return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

static void test_giant_line(void **st)
{
	size_t n10, n100;
	char *l10 = giant_line(10u << 20, &n10), *l100 = giant_line(100u << 20, &n100);
	struct both o;
	(void)st;
	/* Timing is informational only: speed is checked by bench/, never by a
	 * timed unit test (a busy machine would make it flaky). */
	print_message("100 MB line: %.3f s (10 MB: %.3f s)\n", scan_secs(l100, n100),
		      scan_secs(l10, n10));
	ok_same_n(&o, l10, n10); /* jansson agrees on the 10 MB one */
	both_done(&o);
	/* cut short, and with a raw control byte deep inside */
	bad_both_n(l10, n10 - 3, "unterminated string");
	l10[plain_pos(l10, n10 / 2)] = '\n';
	bad_both_n(l10, n10, "control character");
	{
		struct cc_record r;
		struct cc_parse_error e;
		size_t at = plain_pos(l100, n100 / 2 + 1);
		assert_int_equal(cc_scan_line(g_scan, l100, n100 - 3, &r, &e), AIU_EPARSE);
		l100[at] = '\x01';
		assert_int_equal(cc_scan_line(g_scan, l100, n100, &r, &e), AIU_EPARSE);
		assert_non_null(strstr(e.msg, "control character"));
		assert_int_equal(e.column, at + 1);
	}
	free(l10);
	free(l100);
}

/* ---- differential run over the real corpus ---- */

static uint64_t g_lines, g_files, g_types[16];
static char g_type_names[16][32];

static void count_type(struct cc_str t)
{
	for (int i = 0; i < 16; i++) {
		if (!g_types[i] || (strlen(g_type_names[i]) == t.n && !memcmp(g_type_names[i], t.p, t.n))) {
			if (!g_types[i])
				snprintf(g_type_names[i], sizeof(g_type_names[i]), "%.*s", (int)t.n, t.p);
			g_types[i]++;
			return;
		}
	}
}

static int diff_file(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	size_t n = strlen(path), len, at = 0;
	FILE *f;
	char *data;
	uint64_t ln = 0;
	(void)ftw;
	if (type != FTW_F || n < 6 || strcmp(path + n - 6, ".jsonl") != 0)
		return 0;
	len = (size_t)sb->st_size;
	data = malloc(len + 1);
	assert_non_null(data);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fread(data, 1, len, f), len);
	fclose(f);
	g_files++;
	while (at < len) {
		char *nl = memchr(data + at, '\n', len - at);
		size_t l = nl ? (size_t)(nl - (data + at)) : len - at;
		struct both o;
		const char *d;
		ln++;
		if (l) {
			run_both(&o, data + at, l);
			if (o.rs || o.rj)
				fail_msg("%s:%llu: scan %d (%s), json %d (%s)", path,
					 (unsigned long long)ln, o.rs, o.rs ? o.ea.msg : "", o.rj,
					 o.rj ? o.eb.msg : "");
			if ((d = rec_diff(&o.a, &o.b)))
				fail_msg("%s:%llu: records differ in %s", path, (unsigned long long)ln, d);
			count_type(o.a.type_raw);
			g_lines++;
			both_done(&o);
		}
		at += l + 1;
	}
	free(data);
	return 0;
}

static void test_corpus_differential(void **st)
{
	const char *root = getenv("AIU_CORPUS");
	char dir[1024];
	struct stat sb;
	(void)st;
	snprintf(dir, sizeof(dir), "%s/claude-code/projects", root && *root ? root : "/work/shared/corpus");
	if (stat(dir, &sb) != 0) {
		print_message("corpus %s absent: differential test skipped\n", dir);
		skip();
	}
	assert_int_equal(nftw(dir, diff_file, 16, FTW_PHYS), 0);
	print_message("corpus: %llu lines in %llu files, identical records from both parsers\n",
		      (unsigned long long)g_lines, (unsigned long long)g_files);
	for (int i = 0; i < 16 && g_types[i]; i++)
		print_message("  %-22s %llu\n", g_type_names[i], (unsigned long long)g_types[i]);
	assert_true(g_lines > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_giant_line),
		cmocka_unit_test(test_corpus_differential),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
