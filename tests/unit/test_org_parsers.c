/* test_org_parsers.c - the parsers of the organisation sources: Python
 * literals (the claude.ai export trap), exact decimals, the libcsv reader
 * (against the real Cursor CSV exports in the corpus and tricky inputs),
 * Cursor event bodies and the spend-snapshot deltas in the store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/kmap.h"
#include "core/timeutil.h"
#include "ingest/csv_reader.h"
#include "ingest/cursor_parse.h"
#include "ingest/json_exact.h"
#include "ingest/pylit.h"
#include "store/store.h"

/* Parses a literal and returns it as compact, key-sorted JSON (caller frees). */
static char *lit(const char *s, int *rc)
{
	struct aiu_err err = { 0 };
	json_t *v = NULL;
	char *out;
	*rc = pylit_parse(s, strlen(s), &v, &err);
	if (*rc < 0)
		return NULL;
	out = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	json_decref(v);
	return out;
}

static void expect_lit(const char *in, const char *json)
{
	int rc;
	char *got = lit(in, &rc);
	if (!got)
		fail_msg("'%s' did not parse (rc %d)", in, rc);
	if (strcmp(got, json) != 0)
		fail_msg("'%s' -> %s, want %s", in, got, json);
	free(got);
}

static void expect_lit_fails(const char *in)
{
	int rc;
	char *got = lit(in, &rc);
	if (got)
		fail_msg("'%s' parsed as %s, want an error", in, got);
	assert_true(rc < 0);
}

static void test_pylit(void **st)
{
	(void)st;
	expect_lit("{'name': 'Ana O'Neil', 'uuid': 'u1'}", "{\"name\":\"Ana O'Neil\",\"uuid\":\"u1\"}");
	expect_lit("{'name': \"Ana O'Neil\"}", "{\"name\":\"Ana O'Neil\"}");
	/* Python would read 'it''s' as 'it' 's'; the export's unescaped apostrophes win */
	expect_lit("{'name': 'O\\'Brien', 'x': 'it''s'}", "{\"name\":\"O'Brien\",\"x\":\"it''s\"}");
	expect_lit("{'a': 'x, y', 'b': 'say \"hi\"'}", "{\"a\":\"x, y\",\"b\":\"say \\\"hi\\\"\"}");
	expect_lit("{'t': True, 'f': False, 'n': None}", "{\"f\":false,\"n\":null,\"t\":true}");
	expect_lit("{'e': '\\x41\\u00e9\\U0001F600\\n\\t\\\\'}", "{\"e\":\"A\xc3\xa9\xf0\x9f\x98\x80\\n\\t\\\\\"}");
	expect_lit("{'i': -12, 'big': 123456789012345678901234, 'f': 1.50, 'u': 1_000}",
		   "{\"big\":\"123456789012345678901234\",\"f\":\"1.50\",\"i\":-12,\"u\":1000}");
	expect_lit("{'l': [1, (2, 3), {'k': []}], 'tr': [1,],}", "{\"l\":[1,[2,3],{\"k\":[]}],\"tr\":[1]}");
	expect_lit("{1: 'one', None: 'none'}", "{\"1\":\"one\",\"None\":\"none\"}");
	expect_lit("[u'unicode', r'raw\\d', b'bytes']", "[\"unicode\",\"raw\\\\d\",\"bytes\"]");
	expect_lit("  {}  ", "{}");
	expect_lit("{\"json\": true, \"n\": null}", "{\"json\":true,\"n\":null}");
	/* an apostrophe before a structural character still ends the string */
	expect_lit("{'a': 'b', 'c': 'd'}", "{\"a\":\"b\",\"c\":\"d\"}");
	expect_lit_fails("");
	expect_lit_fails("{'a': 1");
	expect_lit_fails("{'a' 1}");
	expect_lit_fails("{'a': os.system('x')}");
	expect_lit_fails("__import__('os')");
	expect_lit_fails("{'a': 1} extra");
	expect_lit_fails("'unterminated");
	expect_lit_fails("{'a': '\\x4'}");
	expect_lit_fails("{[1]: 2}");
	{
		/* nesting is capped */
		char deep[200];
		memset(deep, '[', 100);
		memset(deep + 100, ']', 99);
		deep[199] = '\0';
		expect_lit_fails(deep);
	}
}

static void test_decimals(void **st)
{
	int64_t v;
	(void)st;
	assert_int_equal(dec_to_scaled("1.2345", 6, 7, &v), 0);
	assert_true(v == 12345000);
	assert_int_equal(dec_to_scaled("0.00000005", 10, 7, &v), 0);
	assert_true(v == 1);   /* half away from zero */
	assert_int_equal(dec_to_scaled("0.00000004999", 13, 7, &v), 0);
	assert_true(v == 0);
	assert_int_equal(dec_to_scaled("-2.5", 4, 0, &v), 0);
	assert_true(v == -3);
	assert_int_equal(dec_to_scaled("1e-5", 4, 7, &v), 0);
	assert_true(v == 100);
	assert_int_equal(dec_to_scaled("12E2", 4, 0, &v), 0);
	assert_true(v == 1200);
	assert_int_equal(dec_to_scaled("007.10", 6, 2, &v), 0);
	assert_true(v == 710);
	assert_int_equal(dec_to_scaled("99999999999999999999", 20, 0, &v), AIU_ELIMIT);
	assert_int_equal(dec_to_scaled("1.2.3", 5, 2, &v), AIU_EPARSE);
	assert_int_equal(dec_to_scaled("abc", 3, 2, &v), AIU_EPARSE);
	assert_int_equal(dec_to_scaled("", 0, 2, &v), AIU_EPARSE);
	assert_int_equal(dec_to_scaled("1e", 2, 2, &v), AIU_EPARSE);
	{
		struct buf b;
		const char *in = "{\"a\":1.5,\"b\":\"1.5\",\"c\":[2,-3e4],\"d\":10,\"e\":\"x\\\"1.5\"}";
		buf_init(&b, 1024);
		assert_int_equal(json_quote_reals(in, strlen(in), &b), 0);
		assert_string_equal(buf_cstr(&b),
				    "{\"a\":\"1.5\",\"b\":\"1.5\",\"c\":[2,\"-3e4\"],\"d\":10,\"e\":\"x\\\"1.5\"}");
		buf_release(&b);
	}
	{
		char e[64];
		assert_true(email_fold("  Ana.ONeil@Corp.EXAMPLE ", e, sizeof(e)) == 22);
		assert_string_equal(e, "ana.oneil@corp.example");
	}
}

/* --- CSV --- */

struct csv_acc {
	int64_t records, bad_width;
	size_t header_nf;
	uint64_t digest;
	int64_t last_line;
	char first[3][64];
};

static int acc_row(void *ctx, const struct csv_rec *r, struct aiu_err *err)
{
	struct csv_acc *a = ctx;
	(void)err;
	if (a->records == 0)
		a->header_nf = r->nf;
	else if (r->nf != a->header_nf)
		a->bad_width++;
	for (size_t i = 0; i < r->nf; i++) {
		a->digest = a->digest * 1099511628211ULL ^ hash64(r->f[i], r->len[i]);
		if (a->records < 3 && i == 0)
			snprintf(a->first[a->records], sizeof(a->first[0]), "%s", r->f[i]);
	}
	a->digest = a->digest * 31 + r->nf;
	a->last_line = r->line;
	a->records++;
	return 0;
}

/* Feeds data whole, then one byte at a time: both must give the same records. */
static void read_csv(const char *data, size_t n, size_t step, struct csv_acc *a, int *rc)
{
	struct csv_reader r;
	struct aiu_err err = { 0 };
	memset(a, 0, sizeof(*a));
	assert_int_equal(csv_reader_init(&r, "t.csv", acc_row, a, &err), 0);
	*rc = 0;
	for (size_t i = 0; i < n && *rc == 0; i += step)
		*rc = csv_reader_feed(&r, data + i, n - i < step ? n - i : step, &err);
	if (*rc == 0)
		*rc = csv_reader_finish(&r, &err);
	csv_reader_release(&r);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long len;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)len + 1);
	*n = fread(p, 1, (size_t)len, f);
	fclose(f);
	return p;
}

static void test_csv_corpus(void **st)
{
	const char *corpus = getenv("AIU_CORPUS");
	char tsv[4096], line[2048];
	FILE *f;
	int seen = 0;
	(void)st;
	if (!corpus)
		skip();
	snprintf(tsv, sizeof(tsv), "%s/SOURCES.tsv", corpus);
	if (!(f = fopen(tsv, "r")))
		skip();
	/* SOURCES.tsv: kind, repo, path, commit, bytes, lines (independent of our parser) */
	while (fgets(line, sizeof(line), f)) {
		char kind[32], repo[256], path[1024], commit[64], file[4096];
		long long bytes, lines;
		const char *base;
		struct csv_acc whole, bytewise;
		size_t n = 0;
		char *data;
		int rc;
		if (sscanf(line, "%31s %255s %1023s %63s %lld %lld", kind, repo, path, commit, &bytes, &lines) != 6 ||
		    strcmp(kind, "cursor") != 0)
			continue;
		base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		snprintf(file, sizeof(file), "%s/cursor-csv/%s", corpus, base);
		assert_non_null(data = slurp(file, &n));
		assert_int_equal((long long)n, bytes);
		read_csv(data, n, n, &whole, &rc);
		assert_int_equal(rc, 0);
		read_csv(data, n, 1, &bytewise, &rc);
		assert_int_equal(rc, 0);
		/* no quoted newlines in these exports: one record per line */
		assert_int_equal(whole.records, lines);
		assert_int_equal(whole.last_line, lines);
		assert_int_equal(whole.bad_width, 0);
		assert_true(whole.header_nf >= 7);
		assert_true(whole.digest == bytewise.digest);
		assert_string_equal(whole.first[0], "Date");
		assert_int_equal(strlen(whole.first[1]), 24); /* quotes stripped: 2025-08-10T09:17:47.114Z */
		free(data);
		seen++;
	}
	fclose(f);
	assert_int_equal(seen, 4);
}

static void test_csv_tricky(void **st)
{
	struct csv_acc a, b;
	int rc;
	const char *t1 = "\xEF\xBB\xBF" "h1,h2,h3\r\n"
			 "\"a, \"\"quoted\"\"\",\"multi\nline\r\nfield\",x\r\n"
			 "\r\n"
			 "plain,,\"\"\n"
			 "last,row,no-newline";
	(void)st;
	read_csv(t1, strlen(t1), strlen(t1), &a, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(a.records, 4);
	assert_int_equal(a.bad_width, 0);
	assert_string_equal(a.first[0], "h1");           /* BOM dropped */
	assert_string_equal(a.first[1], "a, \"quoted\"");
	assert_int_equal(a.last_line, 7);                /* record 4 starts on line 7 */
	read_csv(t1, strlen(t1), 1, &b, &rc);
	assert_int_equal(rc, 0);
	assert_true(a.digest == b.digest);
	read_csv(t1, strlen(t1), 3, &b, &rc);
	assert_true(a.digest == b.digest);
	/* an unterminated quote is an error naming the record's line */
	{
		const char *t2 = "a,b\n1,2\n3,\"open\nnever closed\n";
		struct csv_reader r;
		struct aiu_err err = { 0 };
		memset(&a, 0, sizeof(a));
		assert_int_equal(csv_reader_init(&r, "t2.csv", acc_row, &a, &err), 0);
		if (csv_reader_feed(&r, t2, strlen(t2), &err) != 0)
			fail_msg("feed: %s", err.msg);
		assert_int_equal(csv_reader_finish(&r, &err), AIU_EPARSE);
		assert_non_null(strstr(err.msg, "t2.csv: record 3 (line 3): unterminated quoted field"));
		csv_reader_release(&r);
		assert_int_equal(a.records, 2);
	}
	/* a field over the cap fails with AIU_ELIMIT */
	{
		size_t n = CSV_FIELD_MAX + 100;
		char *big = malloc(n + 8);
		memcpy(big, "h\n\"", 3);
		memset(big + 3, 'x', n);
		memcpy(big + 3 + n, "\"\n", 2);
		read_csv(big, n + 5, 4096, &a, &rc);
		assert_int_equal(rc, AIU_ELIMIT);
		free(big);
	}
}

/* --- Cursor events: exact cents, twins, bad rows --- */

struct ev_acc {
	int64_t n, nusd, bad;
	char keys[8][80];
};

static int ev_row(void *ctx, enum cursor_kind k, const void *row, struct aiu_err *err)
{
	struct ev_acc *a = ctx;
	const struct cursor_event *e = row;
	(void)err;
	assert_int_equal(k, CK_EVENT);
	if (a->n < 8)
		snprintf(a->keys[a->n], sizeof(a->keys[0]), "%s", e->key);
	a->n++;
	a->nusd += e->cost_nusd;
	return 0;
}

static int ev_bad(void *ctx, const char *msg)
{
	struct ev_acc *a = ctx;
	assert_non_null(strstr(msg, "field timestamp"));
	a->bad++;
	return 0;
}

static void test_cursor_events(void **st)
{
	const char *body =
		"{\"totalUsageEventsCount\":4,\"pagination\":{\"numPages\":2,\"currentPage\":1,\"hasNextPage\":true},"
		"\"usageEvents\":["
		"{\"timestamp\":\"1750000000000\",\"model\":\"m\",\"kind\":\"Usage-based\",\"requestsCosts\":0.5,"
		" \"isTokenBasedCall\":true,\"tokenUsage\":{\"inputTokens\":1,\"outputTokens\":2,\"totalCents\":0.1},\"userEmail\":\"A@X.io\"},"
		"{\"timestamp\":\"1750000000000\",\"model\":\"m\",\"kind\":\"Usage-based\",\"requestsCosts\":0.5,"
		" \"isTokenBasedCall\":true,\"tokenUsage\":{\"inputTokens\":1,\"outputTokens\":2,\"totalCents\":0.1},\"userEmail\":\"a@x.io\"},"
		"{\"timestamp\":\"1750000000001\",\"kind\":\"Included\",\"isTokenBasedCall\":false,\"userEmail\":\"b@x.io\",\"newField\":{}},"
		"{\"timestamp\":\"yesterday\",\"userEmail\":\"b@x.io\"},"
		"{\"timestamp\":1750000000002,\"tokenUsage\":{\"totalCents\":0.2},\"userEmail\":\"b@x.io\"}]}";
	struct ev_acc a = { 0 };
	struct cursor_sink sink = { .row = ev_row, .bad = ev_bad, .ctx = &a };
	struct cursor_page pg;
	struct aiu_err err = { 0 };
	struct kmap occ;
	(void)st;
	kmap_init(&occ, 16, sizeof(int64_t), 0);
	assert_int_equal(cursor_parse_events(body, strlen(body), &occ, &sink, &pg, &err), 0);
	assert_int_equal(a.n, 4);
	assert_int_equal(a.bad, 1);
	/* 0.1 + 0.1 + 0.2 cents = 0.4 cents = 4,000,000 nano-dollars; 0.1 is not exact as a double */
	assert_true(a.nusd == 4000000);
	assert_true(pg.has_next && pg.page == 1 && pg.pages == 2 && pg.total == 4);
	/* the two identical events (emails differ only in case) are two rows */
	assert_int_equal(strncmp(a.keys[0], a.keys[1], strlen(a.keys[0]) - 1), 0);
	assert_string_not_equal(a.keys[0], a.keys[1]);
	/* a re-parse with a fresh map gives the same keys (re-pulls replace) */
	{
		struct ev_acc b = { 0 };
		struct cursor_sink s2 = { .row = ev_row, .bad = ev_bad, .ctx = &b };
		struct kmap occ2;
		kmap_init(&occ2, 16, sizeof(int64_t), 0);
		assert_int_equal(cursor_parse_events(body, strlen(body), &occ2, &s2, &pg, &err), 0);
		for (int i = 0; i < 4; i++)
			assert_string_equal(a.keys[i], b.keys[i]);
		kmap_release(&occ2);
	}
	kmap_release(&occ);
	/* malformed bodies are errors, not crashes */
	assert_int_equal(cursor_parse_events("{\"usageEvents\":[", 16, &occ, &sink, &pg, &err), AIU_EPARSE);
	assert_int_equal(cursor_parse_events("{}", 2, &occ, &sink, &pg, &err), AIU_EPARSE);
	assert_non_null(strstr(err.msg, "usageEvents"));
}

/* --- spend snapshots -> deltas --- */

struct delta_acc {
	int n;
	char got[16][96];
};

static int delta_cb(void *ctx, const struct cursor_spend_delta *d)
{
	struct delta_acc *a = ctx;
	if (a->n < 16)
		snprintf(a->got[a->n++], sizeof(a->got[0]), "%s %lld %lld..%lld %lld %s", d->email,
			 (long long)(d->cycle_start / MS_PER_DAY), (long long)d->from_day,
			 (long long)d->to_day, (long long)d->cents, d->label);
	return 0;
}

static void test_spend_deltas(void **st)
{
	char path[64];
	struct store *s = NULL;
	struct aiu_err err = { 0 };
	struct delta_acc a = { 0 };
	int fd;
	const int64_t c1 = 100 * MS_PER_DAY + 3600000, c2 = 130 * MS_PER_DAY;
	struct { int64_t cycle, day, cents; } snaps[] = {
		{ c1, 105, 500 },   /* first reading: everything since the cycle started */
		{ c1, 106, 800 },   /* next day */
		{ c1, 106, 900 },   /* same day, later: replaces */
		{ c1, 109, 1500 },  /* gap of three days */
		{ c1, 110, 1400 },  /* a credit */
		{ c2, 131, 50 },    /* new cycle: starts from zero, not -1350 */
	};
	(void)st;
	snprintf(path, sizeof(path), "/tmp/aiu-test-spend-XXXXXX");
	fd = mkstemp(path);
	close(fd);
	unlink(path);
	assert_int_equal(store_open(path, &s, &err), 0);
	for (size_t i = 0; i < sizeof(snaps) / sizeof(snaps[0]); i++) {
		struct cursor_spend_snap sp = { .cycle_start = snaps[i].cycle, .email = "a@x.io",
						.day = snaps[i].day, .taken_ms = (int64_t)i + 1,
						.spend_cents = snaps[i].cents };
		assert_int_equal(store_begin(s, &err), 0);
		assert_int_equal(s->ops->cursor_spend_put(s, &sp, &err), 0);
		assert_int_equal(store_commit(s, &err), 0);
	}
	assert_int_equal(s->ops->cursor_spend_scan(s, delta_cb, &a, &err), 0);
	assert_int_equal(a.n, 5);
	assert_string_equal(a.got[0], "a@x.io 100 100..105 500 cycle_to_date");
	assert_string_equal(a.got[1], "a@x.io 100 106..106 400 daily");
	assert_string_equal(a.got[2], "a@x.io 100 107..109 600 multi_day");
	assert_string_equal(a.got[3], "a@x.io 100 110..110 -100 adjustment");
	assert_string_equal(a.got[4], "a@x.io 130 130..131 50 cycle_to_date");
	store_close(s);
	unlink(path);
	{
		char p2[80];
		snprintf(p2, sizeof(p2), "%s-wal", path);
		unlink(p2);
		snprintf(p2, sizeof(p2), "%s-shm", path);
		unlink(p2);
		snprintf(p2, sizeof(p2), "%s.lock", path);
		unlink(p2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pylit),
		cmocka_unit_test(test_decimals),
		cmocka_unit_test(test_csv_corpus),
		cmocka_unit_test(test_csv_tricky),
		cmocka_unit_test(test_cursor_events),
		cmocka_unit_test(test_spend_deltas),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
