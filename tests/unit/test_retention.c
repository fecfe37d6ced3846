/* test_retention.c - pruning a store equals never having ingested the
 * older lines: store A syncs the whole corpus copy and is pruned at a
 * cutoff C; store B syncs a copy holding only lines dated >= C (filtered
 * here with jansson). Rollups, usage rows, prompts, session rollups and
 * sessions (except the start of a session straddling C, documented) must
 * be identical. Also: the setting round-trips through meta, forever prunes
 * nothing, and a cutoff off a bucket boundary is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "ingest/cc_sync.h"
#include "store/retention.h"
#include "store/store.h"
#include "store/store_sqlite.h"
#include <sqlite3.h>

#define SH(...) ({ char cmd_[2048]; snprintf(cmd_, sizeof(cmd_), __VA_ARGS__); system(cmd_); })

struct fx {
	char dir[64], a_proj[128], b_proj[128], a_db[128], b_db[128];
	struct store *a, *b;
	struct aiu_err err;
};

static void sync_dir(struct store *s, const char *dir)
{
	const char *dirs[1] = { dir };
	struct cc_sync_opts o;
	struct cc_sync_result res;
	struct aiu_err err = { 0 };
	memset(&o, 0, sizeof(o));
	o.dirs = dirs;
	o.ndirs = 1;
	assert_int_equal(cc_sync(s, &o, &res, &err), 0);
}

/* Rewrites every .jsonl under dir keeping lines dated >= cutoff (and
 * lines without a timestamp, which count for nothing). */
static void filter_tree(const char *dir, int64_t cutoff)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char p[1024];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		assert_int_equal(stat(p, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			filter_tree(p, cutoff);
		} else if (strlen(e->d_name) > 6 && strcmp(e->d_name + strlen(e->d_name) - 6, ".jsonl") == 0) {
			char tmp[1100], *line = NULL;
			size_t cap = 0;
			ssize_t n;
			FILE *in = fopen(p, "r"), *out;
			snprintf(tmp, sizeof(tmp), "%s.tmp", p);
			out = fopen(tmp, "w");
			assert_non_null(in);
			assert_non_null(out);
			while ((n = getline(&line, &cap, in)) > 0) {
				json_error_t je;
				json_t *r = json_loadb(line, (size_t)n, 0, &je);
				json_t *ts = r ? json_object_get(r, "timestamp") : NULL;
				int64_t ms;
				bool keep = !json_is_string(ts) ||
					    parse_rfc3339_ms(json_string_value(ts), json_string_length(ts), &ms) < 0 ||
					    ms >= cutoff;
				if (keep)
					fwrite(line, 1, (size_t)n, out);
				json_decref(r);
			}
			free(line);
			fclose(in);
			fclose(out);
			assert_int_equal(rename(tmp, p), 0);
		}
	}
	closedir(d);
}

/* The rows of a query as text, one per line. */
static void dump(struct store *s, const char *sql, struct buf *b)
{
	sqlite3 *db = store_sqlite_handle(s);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *t = sqlite3_column_text(st, c);
			buf_printf(b, "%s|", t ? (const char *)t : "NULL");
		}
		buf_putc(b, '\n');
	}
	sqlite3_finalize(st);
}

static int64_t one(struct store *s, const char *sql)
{
	struct buf b;
	int64_t v = 0;
	buf_init(&b, 1 << 20);
	dump(s, sql, &b);
	assert_int_equal(parse_i64(buf_cstr(&b), b.len > 2 ? b.len - 2 : 0, &v), 0);
	buf_release(&b);
	return v;
}

static const char *const views[] = {
	"SELECT r.bucket, p.name, m.name, r.variant, r.n, r.input, r.output, r.cw5m, r.cw1h,"
	" r.cache_read, r.web_search, r.min_ts, r.max_ts FROM rollup_usage r"
	" JOIN projects p ON p.id = r.project_id JOIN models m ON m.id = r.model_id"
	" WHERE r.n != 0 ORDER BY 1, 2, 3, 4",
	"SELECT r.bucket, p.name, t.name, r.n FROM rollup_tools r JOIN projects p ON p.id = r.project_id"
	" JOIN tools t ON t.id = r.tool_id WHERE r.n != 0 ORDER BY 1, 2, 3",
	"SELECT s.uuid, m.name, r.variant, r.n, r.input, r.output, r.cw5m, r.cw1h, r.cache_read"
	" FROM rollup_session r JOIN sessions s ON s.id = r.session_id JOIN models m ON m.id = r.model_id"
	" WHERE r.n != 0 ORDER BY 1, 2, 3",
	"SELECT u.msg_id, u.req_id, u.ts, s.uuid, u.input, u.output FROM usage u"
	" JOIN sessions s ON s.id = u.session_id ORDER BY 1, 2",
	"SELECT m.key, m.ts, s.uuid FROM messages m JOIN sessions s ON s.id = m.session_id ORDER BY 1",
	"SELECT s.uuid, p.name, s.first_ts, s.last_ts, s.user_msgs FROM sessions s"
	" LEFT JOIN projects p ON p.id = s.project_id"
	" WHERE uuid IN (SELECT s.uuid FROM sessions s WHERE EXISTS (SELECT 1 FROM usage u WHERE u.session_id = s.id)"
	" OR EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id)) ORDER BY 1",
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *corpus = getenv("AIU_CORPUS");
	if (!corpus)
		corpus = "../shared/corpus";
	snprintf(f->dir, sizeof(f->dir), "/tmp/aiu-ret-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->a_proj, sizeof(f->a_proj), "%s/a/projects", f->dir);
	snprintf(f->b_proj, sizeof(f->b_proj), "%s/b/projects", f->dir);
	assert_int_equal(SH("mkdir -p '%s/a' '%s/b' && cp -R '%s/claude-code/projects' '%s/a/' &&"
			    " cp -R '%s/claude-code/projects' '%s/b/'", f->dir, f->dir, corpus, f->dir,
			    corpus, f->dir), 0);
	snprintf(f->a_db, sizeof(f->a_db), "%s/a.db", f->dir);
	snprintf(f->b_db, sizeof(f->b_db), "%s/b.db", f->dir);
	assert_int_equal(store_open(f->a_db, &f->a, &f->err), 0);
	assert_int_equal(store_open(f->b_db, &f->b, &f->err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->a);
	store_close(f->b);
	SH("rm -rf '%s'", f->dir);
	free(f);
	return 0;
}

static void test_prune_equals_never_ingested(void **state)
{
	struct fx *f = *state;
	struct store_prune_stats ps;
	int64_t mid, cutoff, days = 30, before;

	sync_dir(f->a, f->a_proj);
	/* A cutoff where no session straddles (so "never ingested" is well
	 * defined for every kept session): the bucket start nearest the median
	 * request that no session spans. Straddling sessions: see
	 * test_prune_straddling. */
	mid = one(f->a, "SELECT ts FROM usage ORDER BY ts LIMIT 1 OFFSET (SELECT count(*) / 2 FROM usage)");
	cutoff = one(f->a, "SELECT b FROM (SELECT DISTINCT (ts / 900000) * 900000 AS b FROM usage)"
		     " WHERE b > (SELECT min(ts) FROM usage) AND NOT EXISTS (SELECT 1 FROM sessions s"
		     " WHERE s.first_ts < b AND s.last_ts >= b) ORDER BY abs(b - (SELECT ts FROM usage"
		     " ORDER BY ts LIMIT 1 OFFSET (SELECT count(*) / 2 FROM usage))) LIMIT 1");
	mid = cutoff + 1;
	assert_int_equal(retention_cutoff_ms(mid + days * 86400000LL, days), cutoff);
	assert_int_equal(cutoff % BUCKET_MS, 0);
	before = one(f->a, "SELECT count(*) FROM usage");
	assert_int_equal(retention_prune(f->a, days, mid + days * 86400000LL, &ps, &f->err), 0);
	assert_true(ps.usage > 0 && ps.usage < before);
	assert_int_equal(one(f->a, "SELECT count(*) FROM usage"), before - ps.usage);
	assert_true(ps.sessions > 0);

	filter_tree(f->b_proj, cutoff);
	sync_dir(f->b, f->b_proj);
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		struct buf x, y;
		buf_init(&x, 64 << 20);
		buf_init(&y, 64 << 20);
		dump(f->a, views[i], &x);
		dump(f->b, views[i], &y);
		if (strcmp(buf_cstr(&x), buf_cstr(&y)) != 0)
			fail_msg("view %zu differs:\npruned:\n%.2000s\nnever ingested:\n%.2000s", i,
				 buf_cstr(&x), buf_cstr(&y));
		assert_true(x.len > 0);
		buf_release(&x);
		buf_release(&y);
	}
	/* a second prune at the same cutoff changes nothing */
	assert_int_equal(retention_prune(f->a, days, mid + days * 86400000LL, &ps, &f->err), 0);
	assert_int_equal(ps.usage + ps.prompts + ps.sessions, 0);
}

/* A cutoff through the middle of sessions: the store stays internally
 * consistent (rollups = sums of the kept rows, prompt counts = kept
 * prompts) and keeps exactly the requests dated >= cutoff. */
static void test_prune_straddling(void **state)
{
	struct fx *f = *state;
	struct store_prune_stats ps;
	int64_t mid, cutoff, days = 1, out_after, straddling;
	static const char *const same[][2] = {
		{ "SELECT count(*), sum(input), sum(output), sum(cw5m), sum(cw1h), sum(cache_read) FROM usage",
		  "SELECT sum(n), sum(input), sum(output), sum(cw5m), sum(cw1h), sum(cache_read) FROM rollup_usage" },
		{ "SELECT session_id, model_id, variant, count(*), sum(input), sum(output), sum(cache_read)"
		  " FROM usage GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
		  "SELECT session_id, model_id, variant, n, input, output, cache_read FROM rollup_session"
		  " ORDER BY 1, 2, 3" },
		{ "SELECT session_id, count(*) FROM messages GROUP BY 1 ORDER BY 1",
		  "SELECT id, user_msgs FROM sessions WHERE user_msgs > 0 ORDER BY 1" },
	};

	sync_dir(f->a, f->a_proj);
	mid = one(f->a, "SELECT ts FROM usage ORDER BY ts LIMIT 1 OFFSET (SELECT count(*) / 2 FROM usage)");
	cutoff = retention_cutoff_ms(mid + days * 86400000LL, days);
	{
		char sql[256];
		snprintf(sql, sizeof(sql), "SELECT coalesce(sum(output), 0) FROM usage WHERE ts >= %lld",
			 (long long)cutoff);
		out_after = one(f->a, sql);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE first_ts < %lld AND last_ts >= %lld",
			 (long long)cutoff, (long long)cutoff);
		straddling = one(f->a, sql);
	}
	assert_true(straddling > 0);
	assert_int_equal(retention_prune(f->a, days, mid + days * 86400000LL, &ps, &f->err), 0);
	assert_true(ps.usage > 0);
	assert_int_equal(one(f->a, "SELECT coalesce(sum(output), 0) FROM usage"), out_after);
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		struct buf x, y;
		buf_init(&x, 64 << 20);
		buf_init(&y, 64 << 20);
		dump(f->a, same[i][0], &x);
		dump(f->a, same[i][1], &y);
		assert_string_equal(buf_cstr(&x), buf_cstr(&y));
		buf_release(&x);
		buf_release(&y);
	}
	{
		char sql[512];
		snprintf(sql, sizeof(sql), "SELECT (SELECT count(*) FROM usage WHERE ts < %lld)"
			 " + (SELECT count(*) FROM messages WHERE ts < %lld)"
			 " + (SELECT count(*) FROM rollup_usage WHERE bucket < %lld)"
			 " + (SELECT count(*) FROM rollup_tools WHERE bucket < %lld)"
			 " + (SELECT count(*) FROM sessions WHERE last_ts < %lld OR first_ts < %lld)",
			 (long long)cutoff, (long long)cutoff, (long long)(cutoff / BUCKET_MS),
			 (long long)(cutoff / BUCKET_MS), (long long)cutoff, (long long)cutoff);
		assert_int_equal(one(f->a, sql), 0);
	}
}

static void test_setting(void **state)
{
	struct fx *f = *state;
	struct store_prune_stats ps;
	int64_t days = -1, n;

	assert_int_equal(retention_get(f->a, &days, &f->err), 0);
	assert_int_equal(days, 0); /* forever by default */
	sync_dir(f->a, f->a_proj);
	n = one(f->a, "SELECT count(*) FROM usage");
	assert_int_equal(retention_apply(f->a, &ps, &f->err), 0);
	assert_int_equal(one(f->a, "SELECT count(*) FROM usage"), n);
	assert_int_equal(retention_set(f->a, 90, &f->err), 0);
	assert_int_equal(retention_get(f->a, &days, &f->err), 0);
	assert_int_equal(days, 90);
	assert_int_equal(retention_set(f->a, 0, &f->err), 0);
	assert_int_equal(retention_get(f->a, &days, &f->err), 0);
	assert_int_equal(days, 0);
	assert_int_equal(retention_parse("forever", &days, &f->err), 0);
	assert_int_equal(days, 0);
	assert_int_equal(retention_parse("7", &days, &f->err), 0);
	assert_int_equal(days, 7);
	assert_int_equal(retention_parse("0", &days, &f->err), AIU_EARG);
	assert_int_equal(retention_parse("7x", &days, &f->err), AIU_EARG);
	assert_int_equal(retention_set(f->a, RETENTION_MAX_DAYS + 1, &f->err), AIU_EARG);
	assert_int_equal(store_begin(f->a, &f->err), 0);
	assert_int_equal(f->a->ops->prune_before(f->a, BUCKET_MS + 1, &ps, &f->err), AIU_EARG);
	store_rollback(f->a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prune_equals_never_ingested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_straddling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setting, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
